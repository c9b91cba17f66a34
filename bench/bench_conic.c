/* The conic engine's targets, each against its peer in the same run:
 *   powermin   the relaxation of (13) at (N, K, M) = (8, 3, 2): one conic
 *              solve, native and CSDP on the same builder; and the whole
 *              sdr-powermin design in-process with each backend;
 *   powermin32 the same at (32, 6, 3) (decoders own, 10 dB);
 *   robust     the relaxation of (22) at N = 8 (S-procedure LMIs, affine
 *              cones: native through the dual), both decoders readings;
 *   soc        one second-order cone of dimension 128 in a small SOCP
 *              (the projection onto the cone); CSDP on dimension 32;
 *   socp16     16 cones of dimension 100 over 200 free variables, as
 *              affine cones (solved through the dual) and as cone
 *              variables tied by rows;
 * medians over the channel draws.  With --sdpa DIR the power-min problems
 * are written in SDPA format and their native solve times to
 * DIR/native_ms.txt for the CVXOPT peer (bench/cvxopt_peer.py).
 * usage: bench_conic [--reps N] [--sdpa DIR] */
#include "nisac/nisac.h"
#include "bench_util.h"
#include "../src/algo/noma_sdr_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


extern void openblas_set_num_threads(int) __attribute__((weak));

/* The relaxation (13) (robust: (22)) of channel draw i. */
static nisac_noma_instance *instance(int N, int K, int M, int dec, double gamma_db, int i)
{
    static const double th[3] = {-60 * M_PI / 180, 60 * M_PI / 180, 0};
    nisac_noma_params p;
    nisac_noma_params_default(&p);
    p.N = N;
    p.K = K;
    p.M = M;
    p.theta = th;
    p.decoders = dec ? NISAC_DECODERS_OWN : NISAC_DECODERS_ALL;
    p.gamma = pow(10.0, gamma_db / 10.0);
    double complex *H = malloc(sizeof(double complex) * (size_t)N * K);
    nisac_rng r;
    nisac_rng_init(&r, 7, (uint64_t)i, 0, NISAC_PURPOSE_CHANNEL);
    nisac_rayleigh(&r, N, K, H, N);
    nisac_noma_instance *inst = NULL;
    nisac_noma_instance_new(&p, H, N, &inst);
    free(H);
    return inst;
}

static noma_prob build(const nisac_noma_instance *inst, int robust)
{
    noma_prob P;
    noma_prob_init(&P, inst, 0, NULL, -1);
    noma_spec s = {robust ? NULL : inst->gamma, inst->p.rho_c, inst->p.rho_s, 0, -1, -1};
    noma_build(&P, inst, &s);
    if (robust) noma_add_robust(&P, inst, inst->p.eps);
    return P;
}

static double solve_ms(nisac_conic *c, nisac_solver s, nisac_conic_result *res)
{
    nisac_conic_opts o;
    nisac_conic_opts_default(&o);
    o.solver = s;
    double t0 = nisac_wtime();
    nisac_conic_solve(c, &o, res);
    return 1e3 * (nisac_wtime() - t0);
}

/* Native and CSDP on the relaxations of reps channel draws. */
static void relaxations(const char *name, int N, int K, int M, int dec, double gdb, int robust, int reps,
                        int csdp_reps, const char *sdpa)
{
    double *tn = calloc((size_t)reps, sizeof(double)), *tc = calloc((size_t)reps, sizeof(double));
    double itn = 0, worst = 0;
    int nc = 0, agree = 0;
    FILE *ft = NULL;
    if (sdpa) {
        char path[512];
        snprintf(path, sizeof path, "%s/native_ms.txt", sdpa);
        ft = fopen(path, "w");
    }
    for (int i = 0; i < reps; i++) {
        nisac_noma_instance *inst = instance(N, K, M, dec, gdb, i);
        noma_prob P = build(inst, robust);
        nisac_conic_result rn, rc;
        tn[i] = solve_ms(P.c, NISAC_SOLVER_NATIVE, &rn);
        itn += rn.iterations;
        if (ft) {
            char path[512];
            snprintf(path, sizeof path, "%s/p%03d.dat-s", sdpa, i);
            nisac_conic_write_sdpa(P.c, path);
            fprintf(ft, "p%03d %.6f %.12g %s\n", i, tn[i], rn.pobj, nisac_status_name(rn.status));
        }
        if (i < csdp_reps) {
            tc[nc++] = solve_ms(P.c, NISAC_SOLVER_CSDP, &rc);
            if (rn.status == rc.status) agree++;
            if (rn.status == NISAC_STATUS_OPTIMAL && rc.status == NISAC_STATUS_OPTIMAL)
                worst = fmax(worst, fabs(rn.pobj - rc.pobj) / fmax(1, fabs(rc.pobj)));
        }
        nisac_conic_free(P.c);
        free(P.var);
        nisac_noma_instance_free(inst);
    }
    if (ft) fclose(ft);
    double mn = median(tn, reps), mc = nc ? median(tc, nc) : NAN;
    printf("%-11s (%d,%d,%d) %-4s %5.1f dB  native %9.3f ms (%4.1f it)  csdp %9.3f ms (%d draws)  csdp/native %6.1fx"
           "  statuses agree %d/%d, worst rel diff %.1e\n",
           name, N, K, M, dec ? "own" : "all", gdb, mn, itn / reps, mc, nc, mc / mn, agree, nc, worst);
    fflush(stdout);
    free(tn);
    free(tc);
}

/* The whole sdr-powermin design (relaxation, extraction, the model's
 * re-evaluation) in-process with each backend. */
static void designs(int reps)
{
    const nisac_system *sys = nisac_system_find(NULL, "noma-isac");
    const nisac_algo *a = nisac_algo_find(NULL, NULL, "sdr-powermin");
    nisac_params *p = nisac_system_params(sys);
    double *t[2];
    for (int s = 0; s < 2; s++) t[s] = calloc((size_t)reps, sizeof(double));
    nisac_report *r = nisac_report_new();
    for (int i = 0; i < reps; i++) {
        nisac_instance *inst;
        if (nisac_instance_new(sys, p, 0, NULL, 1, 0, (uint64_t)i, &inst)) exit(1);
        nisac_design_t *d = nisac_design_new(inst);
        for (int s = 0; s < 2; s++) {
            nisac_params *o = nisac_algo_opts(a);
            nisac_params_set_named(o, "solver", s);
            nisac_design(a, inst, o, 1, d, r);
            t[s][i] = 1e3 * r->wall;
            nisac_params_free(o);
        }
        nisac_design_free(d);
        nisac_instance_free(inst);
    }
    double mn = median(t[0], reps), mc = median(t[1], reps);
    printf("%-11s (8,3,2) all   20.0 dB  native %9.3f ms            csdp %9.3f ms (%d draws)  csdp/native %6.1fx"
           "  (whole sdr-powermin design)\n",
           "design", mn, mc, reps, mc / mn);
    nisac_report_free(r);
    nisac_params_free(p);
    free(t[0]);
    free(t[1]);
}

/* min t s.t. ||x - a|| <= t, x in Q^d: one cone of dimension d + 1 and one of d. */
static nisac_conic *projection(int d, int seed)
{
    nisac_rng r;
    nisac_rng_init(&r, 11, (uint64_t)seed, (uint64_t)d, NISAC_PURPOSE_ALGO);
    nisac_conic *c = nisac_conic_new();
    int x = nisac_conic_add_soc(c, d - 1), u = nisac_conic_add_soc(c, d);
    nisac_conic_socentry(c, NISAC_CONIC_OBJ, u, 0, 1.0);
    for (int i = 0; i < d; i++) {
        int row = nisac_conic_add_row(c, NISAC_ROW_EQ, -(nisac_rng_uniform(&r) * 2 - 1));
        nisac_conic_socentry(c, row, u, i + 1, 1.0);
        nisac_conic_socentry(c, row, x, i, -1.0);
    }
    return c;
}

static void soc(int reps)
{
    const int dims[2] = {32, 128};
    for (int k = 0; k < 2; k++) {
        double tn[64], tc[64];
        int nc = 0, it = 0;
        for (int i = 0; i < reps && i < 64; i++) {
            nisac_conic *c = projection(dims[k], i);
            nisac_conic_result res;
            tn[i] = solve_ms(c, NISAC_SOLVER_NATIVE, &res);
            it += res.iterations;
            if (dims[k] <= 32 && i < 3) tc[nc++] = solve_ms(c, NISAC_SOLVER_CSDP, &res);
            nisac_conic_free(c);
        }
        int n = reps < 64 ? reps : 64;
        double mn = median(tn, n), mc = nc ? median(tc, nc) : NAN;
        printf("%-11s dim %-3d (2 cones, %d rows)  native %9.3f ms (%4.1f it)  csdp %9.3f ms (%d draws)  csdp/native %6.1fx\n",
               "soc", dims[k], dims[k], mn, (double)it / n, mc, nc, mc / mn);
    }
}

/* min c^T x + sum_q t_q s.t. ||A_q x + b_q|| <= t_q: 16 cones of dimension
 * 100 over 200 free variables (A_q sparse, 10 entries per row), stated as
 * affine cones (native: solved through the dual, 216 rows) and, as the
 * peer, with cone variables tied to x by equality rows (1584 rows). */
static void socp16(int reps)
{
    const int nx = 200, ncone = 16, d = 99;
    double t[2][16];
    int it[2] = {0, 0};
    nisac_solve_status st[2] = {NISAC_STATUS_NOT_RUN, NISAC_STATUS_NOT_RUN};
    double worst = 0;
    if (reps > 16) reps = 16;
    for (int rep = 0; rep < reps; rep++) {
        double obj[2];
        for (int form = 0; form < 2; form++) {
            nisac_rng r;
            nisac_rng_init(&r, 12, (uint64_t)rep, 0, NISAC_PURPOSE_ALGO);
            nisac_conic *c = nisac_conic_new();
            int x[200];
            for (int j = 0; j < nx; j++) {
                x[j] = nisac_conic_add_free(c);
                nisac_conic_scalar(c, NISAC_CONIC_OBJ, x[j], nisac_rng_uniform(&r) * 0.2 - 0.1);
            }
            for (int q = 0; q < ncone; q++) {
                int k = -1, u = -1, tq = -1;
                if (form == 0) {
                    k = nisac_conic_add_soc_affine(c, d);
                    tq = nisac_conic_add_free(c);
                    nisac_conic_scalar(c, NISAC_CONIC_OBJ, tq, 1.0);
                    nisac_conic_scalar(c, nisac_conic_soc_row(c, k, 0), tq, 1.0);
                } else {
                    u = nisac_conic_add_soc(c, d);
                    nisac_conic_socentry(c, NISAC_CONIC_OBJ, u, 0, 1.0);
                }
                for (int i = 1; i <= d; i++) { /* s_i = a_i^T x + b_i */
                    const double b = nisac_rng_uniform(&r) * 2 - 1;
                    int row;
                    if (form == 0) {
                        row = nisac_conic_soc_row(c, k, i);
                        nisac_conic_row_const(c, row, b);
                    } else {
                        row = nisac_conic_add_row(c, NISAC_ROW_EQ, b);
                        nisac_conic_socentry(c, row, u, i, 1.0);
                    }
                    for (int e = 0; e < 10; e++) {
                        const int j = (int)(nisac_rng_uniform(&r) * nx) % nx;
                        const double a = nisac_rng_uniform(&r) * 2 - 1;
                        nisac_conic_scalar(c, row, x[j], form == 0 ? a : -a);
                    }
                }
            }
            nisac_conic_result res;
            t[form][rep] = solve_ms(c, NISAC_SOLVER_NATIVE, &res);
            it[form] += res.iterations;
            st[form] = res.status;
            obj[form] = res.pobj;
            nisac_conic_free(c);
        }
        worst = fmax(worst, fabs(obj[0] - obj[1]) / fmax(1, fabs(obj[1])));
    }
    printf("%-11s 16 x dim 100, 200 free  affine cones (dual, 216 rows) %9.3f ms (%4.1f it, %s)  cone variables + rows "
           "(1584 rows) %9.3f ms (%4.1f it, %s)  ratio %6.1fx  optima within %.1e\n",
           "socp16", median(t[0], reps), (double)it[0] / reps, nisac_status_name(st[0]), median(t[1], reps),
           (double)it[1] / reps, nisac_status_name(st[1]), median(t[1], reps) / median(t[0], reps), worst);
}

/* Warm starts along a max-min sequence: the relaxation of (13) at targets
 * converging as Newton's steps do (t, 1.2 t, 1.3 t, 1.33 t, 1.331 t), each
 * solved cold and warm from the previous target's solution. */
static void warm(int reps)
{
    const double f[5] = {1.0, 1.2, 1.3, 1.33, 1.331};
    double itc[5] = {0}, itw[5] = {0}, tc = 0, tw = 0, worst = 0;
    for (int i = 0; i < reps; i++) {
        nisac_noma_instance *inst = instance(8, 3, 2, 0, 10.0, i);
        noma_prob prev = {0};
        double gam[3];
        for (int k = 0; k < 5; k++) {
            for (int u = 0; u < 3; u++) gam[u] = 8.0 * f[k];
            nisac_noma_instance at = *inst;
            at.gamma = gam;
            noma_prob P[2];
            nisac_conic_result r[2];
            for (int mode = 0; mode < 2; mode++) {
                noma_prob_init(&P[mode], &at, 0, NULL, -1);
                noma_spec s = {gam, 1, 1, 0, -1, -1};
                noma_build(&P[mode], &at, &s);
                nisac_conic_opts o;
                nisac_conic_opts_default(&o);
                if (mode && prev.c) o.warm = prev.c;
                double t0 = nisac_wtime();
                nisac_conic_solve(P[mode].c, &o, &r[mode]);
                *(mode ? &tw : &tc) += nisac_wtime() - t0;
            }
            if (k > 0) {
                itc[k] += r[0].iterations;
                itw[k] += r[1].iterations;
            }
            if (r[0].status == NISAC_STATUS_OPTIMAL && r[1].status == NISAC_STATUS_OPTIMAL)
                worst = fmax(worst, fabs(r[0].pobj - r[1].pobj) / fmax(1, fabs(r[0].pobj)));
            if (prev.c) {
                nisac_conic_free(prev.c);
                free(prev.var);
            }
            prev = P[0]; /* the neighbour: the cold solution of this target */
            nisac_conic_free(P[1].c);
            free(P[1].var);
        }
        nisac_conic_free(prev.c);
        free(prev.var);
        nisac_noma_instance_free(inst);
    }
    printf("%-11s (8,3,2) all, targets t x {1.2, 1.3, 1.33, 1.331}: iterations cold / warm", "warm");
    for (int k = 1; k < 5; k++) printf("  %.1f/%.1f", itc[k] / reps, itw[k] / reps);
    printf("  (%d channels; optima within %.1e); time cold %.1f ms, warm %.1f ms per sequence\n", reps, worst,
           1e3 * tc / reps, 1e3 * tw / reps);
}

int main(int argc, char **argv)
{
    int reps = 100;
    const char *sdpa = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--reps") && i + 1 < argc) reps = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--sdpa") && i + 1 < argc) sdpa = argv[++i];
        else {
            fprintf(stderr, "usage: bench_conic [--reps N] [--sdpa DIR]\n");
            return 2;
        }
    }
    if (reps < 1 || reps > 100000) reps = 100;
    if (openblas_set_num_threads) openblas_set_num_threads(1);
    printf("medians; native = the interior-point backend, csdp = CSDP through the same builder\n");
    relaxations("powermin", 8, 3, 2, 0, 20.0, 0, reps, reps, sdpa);
    designs(reps);
    relaxations("powermin32", 32, 6, 3, 1, 10.0, 0, reps / 10 > 3 ? reps / 10 : 3, 3, NULL);
    relaxations("robust", 8, 3, 2, 1, 10.0, 1, reps / 10 > 3 ? reps / 10 : 3, 3, NULL);
    relaxations("robust", 8, 3, 2, 0, 5.0, 1, reps / 10 > 3 ? reps / 10 : 3, 3, NULL);
    soc(reps / 10 > 3 ? reps / 10 : 3);
    socp16(3);
    warm(reps / 5 > 3 ? reps / 5 : 3);
    return 0;
}
