/* ris-ao (paper 002) at the default sizes (M = 6, N = 64, K = 3, T = 2):
 * time per design and per AO iteration, iterations, the split between
 * the blocks (feasibility phase, W step, filters, phi step), and the
 * same designs on the CSDP backend as the peer (same builder, same SOCP
 * sequence).  Medians over channel draws; one core (OpenBLAS 1 thread).
 *
 *   build/bench/bench_ris [DRAWS [CSDP_DRAWS]]   (defaults 20 and 2)
 * The CSDP peer runs at N = 16: at N = 64 one design took over 18 minutes
 * and 2.5 GB on CSDP. */
#include "bench_util.h"
#include "nisac/nisac.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

extern void openblas_set_num_threads(int) __attribute__((weak));

typedef struct {
    double wall, iters, solves, t1, tw, tu, tp, rate;
    int status;
} one_t;

static one_t run(const nisac_system *s, const nisac_params *p, const char *algo, int solver, uint64_t seed)
{
    one_t o = {0};
    nisac_instance *inst;
    if (nisac_instance_new(s, p, 0, NULL, seed, 0, 0, &inst)) exit(1);
    const nisac_algo *a = nisac_algo_find(NULL, s, algo);
    nisac_params *op = nisac_algo_opts(a);
    nisac_params_set_named(op, "solver", solver);
    nisac_design_t *d = nisac_design_new(inst);
    nisac_report *r = nisac_report_new();
    if (nisac_design(a, inst, op, seed, d, r)) exit(1);
    o.wall = r->wall;
    o.iters = r->iterations;
    o.solves = r->solves;
    o.t1 = nisac_report_get1(r, "time_phase1", 0);
    o.tw = nisac_report_get1(r, "time_w", 0);
    o.tu = nisac_report_get1(r, "time_filter", 0);
    o.tp = nisac_report_get1(r, "time_phi", 0);
    o.rate = nisac_eval_scalar(r->eval, nisac_metric_find(s, "sum_rate"));
    o.status = r->status;
    nisac_report_free(r);
    nisac_design_free(d);
    nisac_params_free(op);
    nisac_instance_free(inst);
    return o;
}

int main(int argc, char **argv)
{
    if (openblas_set_num_threads) openblas_set_num_threads(1);
    int n = argc > 1 ? atoi(argv[1]) : 20, nc = argc > 2 ? atoi(argv[2]) : 2;
    if (n < 1 || n > 1000 || nc < 0 || nc > n) {
        fprintf(stderr, "usage: bench_ris [DRAWS (1..1000) [CSDP_DRAWS (0..DRAWS)]]\n");
        return 2;
    }
    const nisac_system *s = nisac_system_find(NULL, "ris-noma-isac");
    nisac_params *p = nisac_system_params(s);
    double *w = malloc(sizeof(double) * 8 * (size_t)n), *it = w + n, *per = it + n, *t1 = per + n, *tw = t1 + n,
           *tu = tw + n, *tp = tu + n, *sv = tp + n;
    int feas = 0;
    for (int i = 0; i < n; i++) {
        one_t o = run(s, p, "ris-ao", NISAC_SOLVER_NATIVE, 100 + (uint64_t)i);
        w[i] = o.wall, it[i] = o.iters, per[i] = o.iters > 0 ? (o.tw + o.tu + o.tp) / o.iters : 0;
        t1[i] = o.t1, tw[i] = o.tw, tu[i] = o.tu, tp[i] = o.tp, sv[i] = o.solves;
        feas += o.status == NISAC_STATUS_FEASIBLE;
    }
    printf("ris-ao, default scenario (M=6 N=64 K=3 T=2), %d draws, %d feasible, native backend, one core\n", n, feas);
    printf("  design: median %.3f s   AO iterations: median %.0f   per AO iteration: median %.1f ms   solves: median %.0f\n",
           median(w, n), median(it, n), 1e3 * median(per, n), median(sv, n));
    printf("  blocks (median s): feasibility phase %.4f   W step %.4f   filters %.6f   phi step %.4f\n", median(t1, n),
           median(tw, n), median(tu, n), median(tp, n));
    if (nc > 0) {
        /* CSDP takes seconds per phi-step SOCP at N = 64 (its arrow LMIs of order 2N + 2): the peer
           runs at N = 16 (4 x 4), the native backend beside it on the same draws */
        nisac_params_set_named(p, "N", 16);
        nisac_params_set_named(p, "ris_cols", 4);
        double *rn = malloc(sizeof(double) * 3 * (size_t)nc), *rc = rn + nc, *ratio = rc + nc;
        double dr = 0;
        for (int i = 0; i < nc; i++) {
            one_t a = run(s, p, "ris-ao", NISAC_SOLVER_NATIVE, 100 + (uint64_t)i);
            one_t b = run(s, p, "ris-ao", NISAC_SOLVER_CSDP, 100 + (uint64_t)i);
            rn[i] = a.wall, rc[i] = b.wall, ratio[i] = b.wall / a.wall;
            if (a.status == b.status && a.status == NISAC_STATUS_FEASIBLE) dr = fmax(dr, fabs(a.rate - b.rate));
        }
        printf("  peer at N = 16 (same designs on CSDP, %d draws): native median %.3f s, csdp median %.3f s, ratio csdp/native "
               "median %.1f; largest sum-rate difference %.2e bit/s/Hz\n",
               nc, median(rn, nc), median(rc, nc), median(ratio, nc), dr);
        free(rn);
    }
    free(w);
    nisac_params_free(p);
    return 0;
}
