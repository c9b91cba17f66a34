/* Paper 004's building blocks at scale: user grouping (one ZGEMM), the
 * initial point (33)-(38) (ZGEMM, K x K Cholesky, ZGEMM) and the judge's
 * rates (ZGEMMs), at M in {256, 512, 1024}, K = M/2, G = K/2, with 1 and 2
 * OpenBLAS threads; medians of 5 runs.  Beside them, this machine's ZGEMM
 * rate on an M x K x K product (the dominant kernel).
 *
 *   build/bench/bench_rs */
#include "bench_util.h"
#include "nisac/nisac.h"

#include <stdio.h>
#include <stdlib.h>

extern void openblas_set_num_threads(int) __attribute__((weak));

int main(void)
{
    const int sizes[] = {256, 512, 1024};
    printf("%6s %5s %4s %8s %10s %10s %10s %12s\n", "M", "K", "thr", "", "group (s)", "init (s)", "rates (s)",
           "ZGEMM GFLOP/s");
    for (int si = 0; si < 3; si++) {
        const int M = sizes[si], K = M / 2, G = K / 2;
        double complex *H = malloc(sizeof(double complex) * (size_t)M * K);
        double complex *Wp = malloc(sizeof(double complex) * (size_t)M * K), *Wc = malloc(sizeof(double complex) * (size_t)M * G);
        double complex *C = malloc(sizeof(double complex) * (size_t)K * K);
        int *group = malloc(sizeof(int) * (size_t)K), *order = malloc(sizeof(int) * (size_t)K);
        double *pw = malloc(sizeof(double) * (size_t)(G + K + 1)), *rho = malloc(sizeof(double) * (size_t)K);
        double *common = malloc(sizeof(double) * (size_t)G), *v4 = malloc(sizeof(double) * 4 * (size_t)K);
        nisac_rng g;
        nisac_rng_init(&g, 1, 0, 0, 1);
        nisac_rng_cn_vec(&g, M * K, 1e-6, H);
        for (int thr = 1; thr <= 2; thr++) {
            if (openblas_set_num_threads) openblas_set_num_threads(thr);
            double tg[5], ti[5], tr[5], tz[5];
            for (int rep = 0; rep < 5; rep++) {
                double t0 = nisac_wtime();
                if (nisac_rs_group(M, K, G, H, group, order)) return 1;
                double t1 = nisac_wtime();
                nisac_rs_layout L = {M, K, G, group, order};
                if (nisac_rs_initial(&L, H, 1e-12, 100, 0, NULL, NULL, Wc, Wp, NULL, pw, rho)) return 1;
                double t2 = nisac_wtime();
                for (int i = 0; i < M * K; i++) Wp[i] *= 0.5;
                nisac_rs_rates out = {common, v4, v4 + K, v4 + 2 * K, v4 + 3 * K, 0};
                if (nisac_rs_rates_eval(&L, H, Wc, Wp, NULL, NULL, 0, 1e-12, NULL, &out)) return 1;
                double t3 = nisac_wtime();
                nisac_cgemm('C', 'N', K, K, M, 1, H, M, Wp, M, 0, C, K);
                double t4 = nisac_wtime();
                tg[rep] = t1 - t0, ti[rep] = t2 - t1, tr[rep] = t3 - t2, tz[rep] = t4 - t3;
            }
            const double flops = 8.0 * M * K * K; /* complex multiply-add: 8 real flops */
            printf("%6d %5d %4d %8s %10.4f %10.4f %10.4f %12.1f\n", M, K, thr, "", median(tg, 5), median(ti, 5),
                   median(tr, 5), flops / median(tz, 5) * 1e-9);
        }
        free(H), free(Wp), free(Wc), free(C), free(group), free(order), free(pw), free(rho), free(common), free(v4);
    }
    return 0;
}
