/* Designs of paper 004's system at scale: per-design wall time (median of
 * reps) and iterations of every rs-noma-isac algorithm at M in {64, 256,
 * 512, 1024}, K = M/2 (G = K/2, L = 8 targets, the defaults of section
 * 8.1), with 1 and 2 OpenBLAS threads; the time per rs-wmmse iteration,
 * its FLOPs from the operation count and the fraction of this machine's
 * ZGEMM rate (measured here on an n x n x nb product); the process's peak
 * memory.  With a directory argument it also writes the M = 512 instance
 * and a 10-iteration rs-wmmse trace there as .npy files for the NumPy peer
 * (bench/rs_wmmse_numpy.py), which runs the same iteration.
 *
 *   build/bench/bench_rs_design [reps] [peer-dir] */
#include "bench_util.h"
#include "rs_peer.h"
#include "nisac/nisac.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

extern void openblas_set_num_threads(int) __attribute__((weak));

static const nisac_system *sys(void) { return nisac_system_find(NULL, "rs-noma-isac"); }

static double run(nisac_instance *inst, const char *algo, int max_iter, double tol, int *iters, nisac_report **keep)
{
    const nisac_algo *a = nisac_algo_find(NULL, sys(), algo);
    nisac_params *o = nisac_algo_opts(a);
    if (max_iter > 0) nisac_params_set_named(o, "max_iter", max_iter);
    if (tol >= 0) nisac_params_set_named(o, "tol", tol);
    nisac_design_t *d = nisac_design_new(inst);
    nisac_report *r = nisac_report_new();
    const double t0 = nisac_wtime();
    if (a->design(inst, o, 1, d, r)) {
        fprintf(stderr, "%s: %s\n", algo, nisac_last_error());
        exit(1);
    }
    const double t = nisac_wtime() - t0;
    *iters = r->iterations;
    nisac_design_free(d);
    if (keep) *keep = r;
    else nisac_report_free(r);
    nisac_params_free(o);
    return t;
}

int main(int argc, char **argv)
{
    const int reps = argc > 1 ? atoi(argv[1]) : 3;
    const char *peer = argc > 2 ? argv[2] : NULL;
    const int sizes[] = {64, 256, 512, 1024}, mxs[] = {8, 16, 16, 32};
    const char *algos[] = {"rs-wmmse", "hao-sca", "fp", "noma", "sensing-only"};
    const int nalg = 5;
    printf("%5s %4s %4s %-13s %10s %6s\n", "M", "K", "thr", "algorithm", "design (s)", "iters");
    for (int si = 0; si < 4; si++) {
        const int M = sizes[si];
        nisac_params *p = nisac_system_params(sys());
        nisac_params_set_named(p, "M", M);
        nisac_params_set_named(p, "Mx", mxs[si]);
        nisac_params_set_named(p, "K", M / 2);
        nisac_instance *inst;
        if (nisac_instance_new(sys(), p, 0, NULL, 1, 0, 0, &inst)) {
            fprintf(stderr, "%s\n", nisac_last_error());
            return 1;
        }
        for (int thr = 1; thr <= 2; thr++) {
            if (openblas_set_num_threads) openblas_set_num_threads(thr);
            for (int a = 0; a < nalg; a++) {
                double t[16];
                int it = 0;
                for (int rep = 0; rep < reps && rep < 16; rep++) t[rep] = run(inst, algos[a], -1, -1, &it, NULL);
                printf("%5d %4d %4d %-13s %10.4f %6d\n", M, M / 2, thr, algos[a], median(t, reps < 16 ? reps : 16), it);
                fflush(stdout);
            }
            /* one rs-wmmse iteration: (time of 11 - time of 1) / 10, tol 0 */
            double t1[16], t11[16];
            int it = 0;
            nisac_report *keep = NULL;
            for (int rep = 0; rep < reps && rep < 16; rep++) {
                t1[rep] = run(inst, "rs-wmmse", 1, 0, &it, NULL);
                t11[rep] = run(inst, "rs-wmmse", 11, 0, &it, rep == 0 ? &keep : NULL);
            }
            const int nr = reps < 16 ? reps : 16;
            const double per = (median(t11, nr) - median(t1, nr)) / 10;
            const nisac_rs_instance *ri = nisac_rs_instance_of(inst);
            const double n = ri->K + ri->L, nb = ri->G + ri->K + 1, K = ri->K;
            /* complex multiply-adds (8 flops): Cholesky n^3/3, two triangular solves on nb + K
               right-hand sides n^2 (nb + K), Y = Gm X n^2 nb */
            const double flops = 8 * (n * n * n / 3 + n * n * (nb + K) + n * n * nb);
            double complex *A = malloc(sizeof(double complex) * (size_t)(n * n)), *B = malloc(sizeof(double complex) * (size_t)(n * nb));
            double complex *C = malloc(sizeof(double complex) * (size_t)(n * nb));
            for (size_t i = 0; i < (size_t)(n * n); i++) A[i] = 1e-3 * (double)(i % 7);
            for (size_t i = 0; i < (size_t)(n * nb); i++) B[i] = 1e-3 * (double)(i % 5);
            double tz[5];
            for (int rep = 0; rep < 5; rep++) {
                const double t0 = nisac_wtime();
                nisac_cgemm('N', 'N', (int)n, (int)nb, (int)n, 1, A, (int)n, B, (int)n, 0, C, (int)n);
                tz[rep] = nisac_wtime() - t0;
            }
            const double zrate = 8 * n * n * nb / median(tz, 5);
            printf("%5d %4d %4d %-13s per iteration %.4f s, %.2f GFLOP, %.1f GFLOP/s = %.0f%% of ZGEMM (%.1f GFLOP/s)\n", M,
                   M / 2, thr, "rs-wmmse", per, flops * 1e-9, flops / per * 1e-9, 100 * flops / per / zrate, zrate * 1e-9);
            if (peer && M == 512 && thr == 1 && nisac_bench_write_rs_peer(peer, ri, keep, per)) {
                fprintf(stderr, "peer files: %s\n", nisac_last_error());
                return 1;
            }
            nisac_report_free(keep);
            free(A), free(B), free(C);
        }
        nisac_instance_free(inst);
        nisac_params_free(p);
    }
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("peak memory of the process: %.1f MiB\n", ru.ru_maxrss / 1024.0);
    return 0;
}
