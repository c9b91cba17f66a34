/* The ris-noma-isac system of paper 002 and its algorithms, against
 * numbers derived here: the receive filter against LAPACK's generalised
 * eigen-solver, Marcum Q against numerical integration of the Rice
 * density, the judge against a hand-written MISO NOMA-ISAC evaluation,
 * the W step with fixed phases on two conic backends, monotone AO
 * traces, judged feasibility, and infeasible targets. */
#include "harness.h"
#include "nisac/nisac.h"

#include <gsl/gsl_sf_bessel.h>
#include <lapacke.h>
#include <string.h>

static const nisac_system *sys(void) { return nisac_system_find(NULL, "ris-noma-isac"); }

typedef struct {
    nisac_instance *inst;
    nisac_design_t *d;
    nisac_report *r;
    nisac_params *p;
} run_t;

static run_t design(const char *algo, nisac_params *p, uint64_t seed, const char *opt, double val)
{
    run_t x = {0};
    x.p = p;
    CHECK(nisac_instance_new(sys(), p, 0, NULL, seed, 0, 0, &x.inst) == 0);
    const nisac_algo *a = nisac_algo_find(NULL, sys(), algo);
    nisac_params *o = nisac_algo_opts(a);
    if (opt) nisac_params_set_named(o, opt, val);
    x.d = nisac_design_new(x.inst);
    x.r = nisac_report_new();
    CHECK(nisac_design(a, x.inst, o, seed, x.d, x.r) == 0);
    nisac_params_free(o);
    return x;
}

static void done(run_t *x)
{
    nisac_design_free(x->d);
    nisac_report_free(x->r);
    nisac_instance_free(x->inst);
}

static double metric(const run_t *x, const char *name)
{
    return nisac_eval_scalar(x->r->eval, nisac_metric_find(sys(), name));
}

/* (53) maximises |u^H a|^2 / u^H R u: the principal generalised
 * eigenvector of (a a^H, R), from LAPACK's zhegv. */
static void test_filter_vs_generalised_eig(void)
{
    nisac_rng rng;
    nisac_rng_init(&rng, 7, 0, 0, 1);
    for (int trial = 0; trial < 20; trial++) {
        const int n = 2 + trial % 9;
        double complex a[16], u[16], R[256], A[256], B[256];
        nisac_rng_cn_vec(&rng, n, 1, a);
        double complex X[256];
        nisac_rng_cn_vec(&rng, n * n, 1, X);
        for (int i = 0; i < n; i++) /* R = X X^H + 0.1 I */
            for (int j = 0; j < n; j++) {
                double complex s = i == j ? 0.1 : 0;
                for (int k = 0; k < n; k++) s += X[i + k * n] * conj(X[j + k * n]);
                R[i + j * n] = s;
                A[i + j * n] = a[i] * conj(a[j]);
                B[i + j * n] = s;
            }
        double q;
        CHECK(nisac_ris_filter(n, a, R, u, &q) == 0);
        double w[16];
        CHECK(LAPACKE_zhegv(LAPACK_COL_MAJOR, 1, 'V', 'L', n, A, n, B, n, w) == 0);
        const double complex *v = A + (size_t)(n - 1) * n;
        double complex uv = 0;
        double nu = 0, nv = 0;
        for (int i = 0; i < n; i++) {
            uv += conj(u[i]) * v[i];
            nu += creal(u[i] * conj(u[i]));
            nv += creal(v[i] * conj(v[i]));
        }
        CHECK_MSG(fabs(cabs(uv) / sqrt(nu * nv) - 1) < 1e-9, "trial %d: |cos| = %.12f", trial, cabs(uv) / sqrt(nu * nv));
        CHECK_REL(q, w[n - 1], 1e-9);
        CHECK_REL(nu, 1.0, 1e-12);
    }
}

/* Q1(a, b) = int_b^inf x exp(-(x^2 + a^2)/2) I0(a x) dx, by Simpson's rule. */
static double q1_integral(double a, double b)
{
    const double hi = fmax(a, b) + 40, h = (hi - b) / 200000;
    double s = 0;
    for (int i = 0; i <= 200000; i++) {
        double x = b + i * h, f = x * exp(-(x - a) * (x - a) / 2) * gsl_sf_bessel_I0_scaled(a * x);
        s += f * (i == 0 || i == 200000 ? 1 : (i % 2 ? 4 : 2));
    }
    return s * h / 3;
}

static void test_marcum_q(void)
{
    const double cases[][2] = {{0.5, 1}, {1, 0.5}, {2, 2}, {3, 4.3}, {6, 4.3}, {0.1, 4.3}, {10, 3}, {4.3, 4.29}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        double q = nisac_marcum_q1(cases[i][0], cases[i][1]), ref = q1_integral(cases[i][0], cases[i][1]);
        CHECK_MSG(fabs(q - ref) < 1e-9, "Q1(%g, %g) = %.12f, integral %.12f", cases[i][0], cases[i][1], q, ref);
    }
    CHECK_REL(nisac_marcum_q1(0, 2), exp(-2.0), 1e-14);
}

/* Without the RIS and with one target the judge is a MISO NOMA-ISAC
 * evaluation: recomputed here from the channels for K = 2. */
static void test_judge_no_ris_closed_form(void)
{
    nisac_ris_params p;
    nisac_ris_params_default(&p);
    p.M = 3, p.N = 4, p.K = 2, p.T = 1;
    nisac_rng rng;
    nisac_rng_init(&rng, 3, 0, 0, 1);
    double complex hd[6], hb[3], W[9], U[9];
    nisac_rng_cn_vec(&rng, 6, 1e-6, hd);
    nisac_rng_cn_vec(&rng, 3, 1e-6, hb);
    nisac_rng_cn_vec(&rng, 9, 1, W);
    nisac_rng_cn_vec(&rng, 9, 1, U);
    nisac_ris_instance *in;
    CHECK(nisac_ris_instance_new(&p, hd, NULL, NULL, hb, NULL, &in) == 0);
    nisac_ris_eval ev;
    CHECK(nisac_ris_evaluate(in, W, NULL, U, NULL, NISAC_RIS_NOMA, &ev) == 0);
    /* e[k][i] = h_k^H w_i */
    double e2[2][3], gain[2];
    for (int k = 0; k < 2; k++) {
        gain[k] = 0;
        for (int m = 0; m < 3; m++) gain[k] += creal(hd[k * 3 + m] * conj(hd[k * 3 + m]));
        for (int i = 0; i < 3; i++) {
            double complex s = 0;
            for (int m = 0; m < 3; m++) s += conj(hd[k * 3 + m]) * W[i * 3 + m];
            e2[k][i] = creal(s * conj(s));
        }
    }
    int weak = gain[0] <= gain[1] ? 0 : 1, strong = 1 - weak;
    const double s2 = p.sigma2;
    /* weak message: decoded at the weak user and at the strong one against the strong beam */
    double sw = fmin(e2[weak][1 + weak] / (e2[weak][1 + strong] + s2), e2[strong][1 + weak] / (e2[strong][1 + strong] + s2));
    double ss = e2[strong][1 + strong] / s2;
    CHECK(ev.order[0] == weak && ev.order[1] == strong);
    CHECK_REL(ev.sinr[weak], sw, 1e-12);
    CHECK_REL(ev.sinr[strong], ss, 1e-12);
    CHECK_REL(ev.sum_rate, log2(1 + sw) + log2(1 + ss), 1e-12);
    /* radar: H = c c^T with c = conj(h_b); SNR = rcs L |u^H (I (x) H) w|^2 / (sigma_r^2 ||u||^2) */
    double complex z = 0;
    double un = 0;
    for (int i = 0; i < 3; i++) {
        double complex cw = 0;
        for (int m = 0; m < 3; m++) cw += conj(hb[m]) * W[i * 3 + m];
        for (int m = 0; m < 3; m++) {
            z += conj(U[i * 3 + m]) * conj(hb[m]) * cw;
            un += creal(U[i * 3 + m] * conj(U[i * 3 + m]));
        }
    }
    double snr = p.rcs * p.L * creal(z * conj(z)) / (p.sigma_r2 * un);
    CHECK_REL(ev.snr[0], snr, 1e-12);
    CHECK_REL(ev.pd[0], nisac_marcum_q1(sqrt(2 * snr), sqrt(-2 * log(p.pfa))), 1e-12);
    double pw = 0;
    for (int i = 0; i < 9; i++) pw += creal(W[i] * conj(W[i]));
    CHECK_REL(ev.power, pw, 1e-12);
    nisac_ris_instance_free(in);
}

/* The beampattern gain (69) at a target's position is the power that
 * target receives, sum_i |c_t^T w_i|^2, from its own channels. */
static void test_beampattern_at_targets(void)
{
    nisac_ris_params p;
    nisac_ris_params_default(&p);
    nisac_rng rng;
    nisac_rng_init(&rng, 11, 0, 0, 1);
    nisac_ris_instance *in;
    CHECK(nisac_ris_instance_draw(&p, &rng, &in) == 0);
    const int M = p.M, N = p.N, C = p.K + 1;
    double complex *W = malloc(sizeof(double complex) * (size_t)M * C), *phi = malloc(sizeof(double complex) * (size_t)N);
    double complex *c = malloc(sizeof(double complex) * (size_t)M * p.T);
    nisac_rng_cn_vec(&rng, M * C, 1, W);
    for (int n = 0; n < N; n++) phi[n] = cexp(I * 2 * M_PI * nisac_rng_uniform(&rng));
    nisac_ris_effective(in, phi, NULL, c);
    for (int t = 0; t < p.T; t++) {
        double want = 0;
        for (int i = 0; i < C; i++) {
            double complex z = 0;
            for (int m = 0; m < M; m++) z += c[(size_t)t * M + m] * W[(size_t)i * M + m];
            want += creal(z * conj(z));
        }
        CHECK_REL(nisac_ris_beampattern(in, W, phi, in->target[t]), want, 1e-10);
    }
    /* the DFBS angular pattern: a_m = exp(j pi m sin theta) (half-wavelength ULA along y) */
    for (double th = -1.5; th < 1.6; th += 0.25) {
        double want = 0;
        for (int i = 0; i < C; i++) {
            double complex z = 0;
            for (int m = 0; m < M; m++) z += cexp(I * M_PI * m * sin(th)) * W[(size_t)i * M + m];
            want += creal(z * conj(z));
        }
        CHECK_REL(nisac_ris_dfbs_pattern(in, W, th), want, 1e-12);
    }
    free(W);
    free(phi);
    free(c);
    nisac_ris_instance_free(in);
}

/* Monotone AO, judged feasibility, no inner surrogate decrease, on
 * several seeds and every variant. */
static void test_ao_monotone_feasible(void)
{
    const char *algos[] = {"ris-ao", "ris-comm-only", "ris-discrete", "ris-random", "ris-no-ris", "ris-sdma", "ris-oma"};
    nisac_params *p = nisac_system_params(sys());
    int feasible = 0, failures = 0, solves = 0;
    for (uint64_t seed = 1; seed <= 3; seed++)
        for (size_t a = 0; a < sizeof algos / sizeof algos[0]; a++) {
            run_t x = design(algos[a], p, seed, NULL, 0);
            int len = 0;
            const double *tr = nisac_report_get(x.r, "trace", &len);
            /* ris-discrete: the quantisation step starts a second stage (allowed to fall) */
            const int q = (int)nisac_report_get1(x.r, "quantised_at", -1);
            for (int i = 1; i < len; i++)
                CHECK_MSG(i == q || tr[i] >= tr[i - 1] - 1e-9, "%s seed %d: trace falls at %d: %.9f -> %.9f", algos[a], (int)seed, i,
                          tr[i - 1], tr[i]);
            CHECK_MSG(nisac_report_get1(x.r, "inner_decreases", -1) == 0, "%s seed %d: an inner surrogate fell (%g)",
                      algos[a], (int)seed, nisac_report_get1(x.r, "surrogate_worst_fall", 0));
            failures += (int)nisac_report_get1(x.r, "solver_failures", 0);
            solves += x.r->solves;
            if (x.r->status == NISAC_STATUS_FEASIBLE) {
                feasible++;
                CHECK_MSG(x.r->eval->max_viol <= 1e-6, "%s seed %d: violation %g", algos[a], (int)seed,
                          x.r->eval->max_viol);
                CHECK(isfinite(metric(&x, "sum_rate")) && len > 0 && fabs(tr[len - 1] - metric(&x, "sum_rate")) < 1e-9);
            } else {
                CHECK_MSG(x.r->status == NISAC_STATUS_INFEASIBLE, "%s seed %d: status %s", algos[a], (int)seed,
                          nisac_status_name(x.r->status));
            }
            done(&x);
        }
    CHECK(feasible >= 18); /* the default scenario is feasible for nearly every scheme */
    /* a conic solve that fails ends its block's steps (the design stays the last judged point) */
    printf("  21 designs: %d feasible, %d of %d conic solves failed\n", feasible, failures, solves);
    nisac_params_free(p);
}

int nisac__ris_wstep(const nisac_ris_instance *in, int scheme, double complex *W, const double complex *phi, int solver,
                     double *obj);

/* With the RIS phases fixed, one active-beamforming step (the SOCP of P3)
 * from the same feasible point gives the same surrogate optimum and the
 * same judged sum rate on the native and the CSDP backends. */
static void test_wstep_native_vs_csdp(void)
{
    nisac_params *p = nisac_system_params(sys());
    nisac_params_set_named(p, "N", 16);
    nisac_params_set_named(p, "ris_cols", 4);
    for (uint64_t seed = 1; seed <= 2; seed++) {
        run_t x = design("ris-random", p, seed, NULL, 0);
        CHECK(x.r->status == NISAC_STATUS_FEASIBLE);
        const nisac_ris_instance *in = nisac_ris_instance_of(x.inst);
        const nisac_block *W = nisac_design_block(x.d, "W"), *phi = nisac_design_block(x.d, "phi");
        const int n = in->p.M * (in->p.K + 1);
        double complex *Wa = malloc(sizeof(double complex) * (size_t)n), *Wb = malloc(sizeof(double complex) * (size_t)n);
        /* from the design's own (feasible) beams */
        memcpy(Wa, W->z, sizeof(double complex) * (size_t)n);
        memcpy(Wb, W->z, sizeof(double complex) * (size_t)n);
        double oa = 0, ob = 0;
        CHECK(nisac__ris_wstep(in, NISAC_RIS_NOMA, Wa, phi->z, NISAC_SOLVER_NATIVE, &oa) == 0);
        CHECK(nisac__ris_wstep(in, NISAC_RIS_NOMA, Wb, phi->z, NISAC_SOLVER_CSDP, &ob) == 0);
        CHECK_MSG(fabs(oa - ob) <= 1e-6 * fabs(oa), "seed %d: surrogate native %.10f csdp %.10f", (int)seed, oa, ob);
        nisac_ris_eval ea, eb;
        CHECK(nisac_ris_evaluate(in, Wa, phi->z, NULL, NULL, NISAC_RIS_NOMA, &ea) == 0);
        CHECK(nisac_ris_evaluate(in, Wb, phi->z, NULL, NULL, NISAC_RIS_NOMA, &eb) == 0);
        CHECK_MSG(fabs(ea.sum_rate - eb.sum_rate) <= 1e-5 * ea.sum_rate, "seed %d: sum rate native %.8f csdp %.8f",
                  (int)seed, ea.sum_rate, eb.sum_rate);
        CHECK(oa >= 1 - 1e-6); /* the step never falls below the point it started from */
        free(Wa);
        free(Wb);
        done(&x);
    }
    nisac_params_free(p);
}

static void test_infeasible_targets(void)
{
    nisac_params *p = nisac_system_params(sys());
    const char *fields[] = {"Gamma_db", "gamma_db", "Gamma_db"};
    const double vals[] = {60, 60, 16};
    for (int i = 0; i < 3; i++) {
        nisac_params *q = nisac_params_dup(p);
        nisac_params_set_named(q, fields[i], vals[i]);
        run_t x = design("ris-ao", q, 1, NULL, 0);
        CHECK_MSG(x.r->status == NISAC_STATUS_INFEASIBLE, "%s = %g: %s", fields[i], vals[i],
                  nisac_status_name(x.r->status));
        CHECK(x.r->note[0] != 0);
        done(&x);
        nisac_params_free(q);
    }
    nisac_params_free(p);
}

extern void openblas_set_num_threads(int) __attribute__((weak));

int main(void)
{
    if (openblas_set_num_threads) openblas_set_num_threads(1);
    RUN(test_filter_vs_generalised_eig);
    RUN(test_marcum_q);
    RUN(test_judge_no_ris_closed_form);
    RUN(test_beampattern_at_targets);
    RUN(test_ao_monotone_feasible);
    RUN(test_wstep_native_vs_csdp);
    RUN(test_infeasible_targets);
    TEST_END();
}
