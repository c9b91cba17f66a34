/* The rank-one refinement of paper 000's SDR designs against the paper's
 * procedure (Gaussian randomisation alone, option refine = false) on the
 * same channels: power minimisation at (N, K, M) = (8, 3, 2), 10 and 20 dB,
 * both readings of (12b), CHANNELS channels each (default 200).  Prints,
 * per setting, the designs within 1% of the relaxation bound, the
 * rounding failures, the distribution of the gap |objective - bound| /
 * bound (feasible designs), and the time the refinement adds against one
 * relaxation solve (the median design time on rank-one relaxations, where
 * the design is the relaxation's principal eigenvectors).
 *
 * usage: build/bench/bench_refine [CHANNELS] */
#include "bench_util.h"
#include "nisac/nisac.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

extern void openblas_set_num_threads(int) __attribute__((weak));

typedef struct {
    double gap, wall, rank;
    int ok;
} one_t;

static one_t design(const nisac_instance *gi, const nisac_params *o)
{
    const nisac_algo *a = nisac_algo_find(NULL, NULL, "sdr-powermin");
    nisac_design_t *d = nisac_design_new(gi);
    nisac_report *r = nisac_report_new();
    one_t x = {NAN, NAN, NAN, 0};
    if (d && r && nisac_design(a, gi, o, 1, d, r) == NISAC_OK) {
        x.ok = r->status == NISAC_STATUS_OPTIMAL || r->status == NISAC_STATUS_FEASIBLE;
        x.gap = x.ok ? fabs(r->objective - r->bound) / fabs(r->bound) : INFINITY;
        x.wall = r->wall;
        x.rank = nisac_report_get1(r, "max_rank_ratio", 0);
    }
    nisac_report_free(r);
    nisac_design_free(d);
    return x;
}

static double quantile(double *v, int n, double q)
{
    if (n == 0) return NAN;
    qsort(v, (size_t)n, sizeof *v, bench_cmp);
    return v[(int)floor(q * (n - 1) + 0.5)];
}

int main(int argc, char **argv)
{
    if (openblas_set_num_threads) openblas_set_num_threads(1);
    const int n = argc > 1 ? atoi(argv[1]) : 200;
    if (n < 1) {
        fprintf(stderr, "usage: %s [CHANNELS >= 1]\n", argv[0]);
        return 2;
    }
    const nisac_system *sy = nisac_system_find(NULL, "noma-isac");
    const nisac_algo *al = nisac_algo_find(NULL, sy, "sdr-powermin");
    nisac_params *on = nisac_algo_opts(al), *off = nisac_algo_opts(al);
    nisac_params_set_named(off, "refine", 0);
    double *g[2], *t1 = malloc(sizeof(double) * 4 * n), *extra = malloc(sizeof(double) * 4 * n);
    g[0] = malloc(sizeof(double) * n);
    g[1] = malloc(sizeof(double) * n);
    int nt1 = 0, nextra = 0;
    printf("rank-one refinement vs the paper's randomisation, sdr-powermin at (8, 3, 2), %d channels per setting\n", n);
    printf("%-7s %-8s | %-22s | %-22s | %-44s | %-44s\n", "gamma", "decoders", "within 1% (paper/ref.)",
           "rounding failed", "gap quantiles 50/90/99% (paper)", "gap quantiles 50/90/99% (refined)");
    for (int dec = 0; dec < 2; dec++)
        for (int hi = 0; hi < 2; hi++) {
            int within[2] = {0, 0}, fail[2] = {0, 0}, ng[2] = {0, 0};
            for (int c = 0; c < n; c++) {
                nisac_params *p = nisac_system_params(sy);
                nisac_params_set_named(p, "gamma_db", hi ? 20 : 10);
                nisac_params_set_named(p, "decoders", dec);
                nisac_instance *gi = NULL;
                if (nisac_instance_new(sy, p, 0, NULL, 4242, 0, (uint64_t)c, &gi)) return 1;
                one_t x[2] = {design(gi, off), design(gi, on)};
                for (int k = 0; k < 2; k++) {
                    within[k] += x[k].ok && x[k].gap <= 0.01;
                    fail[k] += !x[k].ok;
                    if (x[k].ok) g[k][ng[k]++] = x[k].gap;
                }
                if (x[0].rank <= 1e-6) t1[nt1++] = x[0].wall;
                else extra[nextra++] = x[1].wall - x[0].wall;
                nisac_instance_free(gi);
                nisac_params_free(p);
            }
            printf("%-7s %-8s | %5d / %-14d | %5d / %-14d | %.1e %.1e %.1e (%d feasible)%*s | %.1e %.1e %.1e (%d feasible)\n",
                   hi ? "20 dB" : "10 dB", dec ? "own" : "all", within[0], within[1], fail[0], fail[1],
                   quantile(g[0], ng[0], 0.5), quantile(g[0], ng[0], 0.9), quantile(g[0], ng[0], 0.99), ng[0], 2, "",
                   quantile(g[1], ng[1], 0.5), quantile(g[1], ng[1], 0.9), quantile(g[1], ng[1], 0.99), ng[1]);
        }
    const double one = median(t1, nt1), add = nextra ? median(extra, nextra) : NAN;
    printf("one relaxation solve (median design time, rank-one relaxations, %d): %.2f ms\n", nt1, 1e3 * one);
    printf("time the refinement adds (median over %d relaxations not rank one): %.2f ms = %.2fx one solve\n", nextra,
           1e3 * add, add / one);
    free(g[0]), free(g[1]), free(t1), free(extra);
    nisac_params_free(on);
    nisac_params_free(off);
    return 0;
}
