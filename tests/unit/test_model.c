/* rng, channel, geometry, the NOMA-ISAC model and the trust-region
 * subproblem, against hand-derived numbers. */
#include "harness.h"
#include "nisac/nisac.h"

#include <string.h>

static void test_rng_streams(void)
{
    nisac_rng a, b, c;
    nisac_rng_init(&a, 5, 2, 3, NISAC_PURPOSE_CHANNEL);
    nisac_rng_init(&b, 5, 2, 3, NISAC_PURPOSE_CHANNEL);
    nisac_rng_init(&c, 5, 2, 4, NISAC_PURPOSE_CHANNEL);
    int same = 1, differ = 0;
    for (int i = 0; i < 100; i++) {
        uint64_t x = nisac_rng_u64(&a), y = nisac_rng_u64(&b), z = nisac_rng_u64(&c);
        same &= x == y;
        differ += x != z;
    }
    CHECK(same);
    CHECK(differ == 100);
    /* CN(0,1): E|z|^2 = 1, E z = 0; 200000 draws give a standard error of
     * 1/sqrt(200000) = 0.0022 on the mean of |z|^2 (Var |z|^2 = 1 for Exp(1)). */
    nisac_rng r;
    nisac_rng_init(&r, 1, 0, 0, NISAC_PURPOSE_EVAL);
    double m2 = 0;
    double complex m1 = 0;
    const int n = 200000;
    for (int i = 0; i < n; i++) {
        double complex z = nisac_rng_cn(&r);
        m1 += z;
        m2 += creal(z) * creal(z) + cimag(z) * cimag(z);
    }
    CHECK(fabs(m2 / n - 1.0) < 5 * 0.0023);
    CHECK(cabs(m1 / n) < 5 * 0.0023);
}

static void test_error_ball(void)
{
    nisac_rng r;
    nisac_rng_init(&r, 3, 0, 0, NISAC_PURPOSE_CSI_ERROR);
    double complex dh[8];
    int inner = 0;
    const int n = 20000;
    for (int i = 0; i < n; i++) {
        nisac_csi_error_ball(&r, 8, 0.1, dh);
        double nr = sqrt(nisac_cnorm2(8, dh));
        CHECK(nr <= 0.1 * (1 + 1e-12));
        if (nr <= 0.1 * pow(0.5, 1.0 / 16)) inner++; /* half the volume of a 16-dim ball */
        nisac_csi_error_sphere(&r, 8, 0.1, dh);
        CHECK(fabs(sqrt(nisac_cnorm2(8, dh)) - 0.1) < 1e-12);
    }
    CHECK(fabs((double)inner / n - 0.5) < 5 * 0.0036);
}

static void test_steering(void)
{
    double complex a[6];
    nisac_ula_steering(6, 0.5, nisac_deg2rad(30.0), a);
    /* sin 30 = 1/2 -> phase step pi/2: 1, j, -1, -j, ... */
    CHECK(cabs(a[0] - 1) < 1e-12 && cabs(a[1] - I) < 1e-12 && cabs(a[2] + 1) < 1e-12 &&
          cabs(a[3] + I) < 1e-12 && cabs(a[4] - 1) < 1e-12);
    CHECK_REL(nisac_cnorm2(6, a), 6.0, 1e-12);
}

/* N = 1, K = 2, M = 0: scalar channels, every number by hand. */
static void test_eval_scalar(void)
{
    nisac_noma_params p;
    nisac_noma_params_default(&p);
    p.N = 1;
    p.K = 2;
    p.M = 0;
    p.sigma2 = 0.5;
    p.gamma = 1.0;
    double complex H[2] = {2.0, 1.0}; /* user 0 stronger: SIC order swaps them */
    nisac_noma_instance *inst;
    CHECK(nisac_noma_instance_new(&p, H, 1, &inst) == NISAC_OK);
    CHECK(inst->order[0] == 1 && inst->order[1] == 0);
    double complex W[2] = {2.0, 1.0}; /* w_1 (weak user) = 2, w_2 (strong) = 1 */
    nisac_noma_eval ev = NISAC_NOMA_EVAL_INIT;
    CHECK(nisac_noma_evaluate(inst, W, 1, NULL, NISAC_C_POWERMIN, &ev) == NISAC_OK);
    /* weak user (|h|=1): SINR_1^1 = 4 / (1 + 0.5) */
    CHECK_REL(NISAC_NOMA_SINR(&ev, 0, 0), 4.0 / 1.5, 1e-12);
    /* strong user (|h|=2) decoding message 1: 16 / (4 + 0.5) */
    CHECK_REL(NISAC_NOMA_SINR(&ev, 0, 1), 16.0 / 4.5, 1e-12);
    /* strong user own message: 4 / 0.5 */
    CHECK_REL(NISAC_NOMA_SINR(&ev, 1, 1), 8.0, 1e-12);
    CHECK_REL(ev.user_sinr[0], 4.0 / 1.5, 1e-12);
    CHECK_REL(ev.min_sinr, 4.0 / 1.5, 1e-12);
    CHECK_REL(ev.total_power, 5.0, 1e-12);
    CHECK(ev.max_viol == 0.0);
    /* with an error dh on the strong user: residual |dh w_1|^2 in message 2's SINR (17) */
    double complex dH[2] = {0.0, 0.5};
    CHECK(nisac_noma_evaluate(inst, W, 1, dH, NISAC_C_POWERMIN, &ev) == NISAC_OK);
    CHECK_REL(NISAC_NOMA_SINR(&ev, 1, 1), (2.5 * 2.5) / (1.0 + 0.5), 1e-12);
    nisac_noma_eval_release(&ev);
    nisac_noma_instance_free(inst);
}

/* Sensing power, difference and cross-correlation of two orthogonal-ish beams. */
static void test_eval_sensing(void)
{
    nisac_noma_params p;
    nisac_noma_params_default(&p);
    p.N = 4;
    p.K = 1;
    p.M = 2;
    const double theta[2] = {0.0, nisac_deg2rad(30.0)};
    p.theta = theta;
    double complex h[4] = {1, 0, 0, 0}, w[4];
    nisac_ula_steering(4, 0.5, 0.0, w); /* beam along alpha(0) = ones */
    nisac_noma_instance *inst;
    CHECK(nisac_noma_instance_new(&p, h, 4, &inst) == NISAC_OK);
    nisac_noma_eval ev = NISAC_NOMA_EVAL_INIT;
    nisac_noma_evaluate(inst, w, 4, NULL, 0, &ev);
    /* P(0) = |1^T 1|^2 = 16; alpha(30) = (1, j, -1, -j) sums to 0 -> P = 0, C = 0 */
    CHECK_REL(ev.sense_power[0], 16.0, 1e-12);
    CHECK(fabs(ev.sense_power[1]) < 1e-20);
    CHECK(fabs(ev.xcorr) < 1e-20);
    CHECK_REL(ev.viol_sense, 1.0, 1e-12); /* target 2 gets nothing: shortfall Ps/Ps */
    nisac_noma_eval_release(&ev);
    nisac_noma_instance_free(inst);
}

/* TRS: the minimum is attained, feasible, and below every sampled point. */
static void test_trs(void)
{
    nisac_rng r;
    nisac_rng_init(&r, 9, 0, 0, NISAC_PURPOSE_EVAL);
    for (int trial = 0; trial < 40; trial++) {
        const int n = 4;
        double complex G[16], B[16], c[4], x[4], y[4];
        nisac_rng_cn_vec(&r, 16, 1.0, G);
        nisac_rng_cn_vec(&r, 4, trial % 5 == 0 ? 1e-9 : 1.0, c);
        memset(B, 0, sizeof B);
        /* Hermitian, indefinite for most trials */
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++) B[i + 4 * j] = 0.5 * (G[i + 4 * j] + conj(G[j + 4 * i]));
        if (trial % 3 == 0)
            for (int i = 0; i < n; i++) B[i + 4 * i] += 6.0; /* positive definite: interior cases */
        double eps = 0.3 + 0.1 * (trial % 4), fmin;
        CHECK(nisac_trs_min(n, B, 4, c, 0.7, eps, x, &fmin) == NISAC_OK);
        CHECK(sqrt(nisac_cnorm2(n, x)) <= eps * (1 + 1e-9));
        double fx = creal(nisac_cquad(n, x, B, 4, x)) + 2 * creal(nisac_cdot(n, c, x)) + 0.7;
        CHECK(fabs(fx - fmin) < 1e-9 * (1 + fabs(fmin)));
        for (int s = 0; s < 2000; s++) {
            nisac_csi_error_ball(&r, n, eps, y);
            double fy = creal(nisac_cquad(n, y, B, 4, y)) + 2 * creal(nisac_cdot(n, c, y)) + 0.7;
            CHECK(fy >= fmin - 1e-9 * (1 + fabs(fmin)));
        }
    }
}

static void test_params_check(void)
{
    nisac_noma_params p;
    nisac_noma_params_default(&p);
    CHECK(nisac_noma_params_check(&p) == NISAC_OK);
    p.sigma2 = -1;
    CHECK(nisac_noma_params_check(&p) == NISAC_EINVAL);
    CHECK(strstr(nisac_last_error(), "sigma2") != NULL);
    nisac_noma_params_default(&p);
    p.K = 0;
    CHECK(nisac_noma_params_check(&p) == NISAC_EINVAL);
    nisac_noma_params_default(&p);
    p.Ps = NAN;
    CHECK(nisac_noma_params_check(&p) == NISAC_EINVAL);
}

/* K = 64 users through the generic system: an instance drawn from its
 * stream, random beamformers as the design, and every SINR of (4) checked
 * against a direct evaluation written here; no size is capped. */
static void test_eval_k64(void)
{
    const nisac_system *sys = nisac_system_find(NULL, "noma-isac");
    nisac_params *ps = nisac_system_params(sys);
    CHECK(nisac_params_set_named(ps, "K", 64) == NISAC_OK);
    CHECK(nisac_params_set_named(ps, "N", 16) == NISAC_OK);
    double targets[5] = {-60, -30, 0, 30, 60};
    CHECK(nisac_params_set_list(ps, nisac_param_find(ps->defs, ps->n, "targets_deg"), targets, 5) == NISAC_OK);
    nisac_instance *inst = NULL;
    CHECK(nisac_instance_new(sys, ps, 0, NULL, 3, 0, 0, &inst) == NISAC_OK);
    if (!inst) {
        nisac_params_free(ps);
        return;
    }
    CHECK(inst->dim[0] == 64 && inst->dim[1] == 5);
    const nisac_noma_instance *ni = nisac_noma_instance_of(inst);
    nisac_design_t *d = nisac_design_new(inst);
    nisac_block *W = nisac_design_block(d, "W");
    CHECK(W && W->rows == 16 && W->cols == 64);
    nisac_rng r;
    nisac_rng_init(&r, 5, 0, 0, NISAC_PURPOSE_ALGO);
    nisac_rng_cn_vec(&r, 16 * 64, 0.01, W->z);
    d->imposed = NISAC_C_SINR | NISAC_C_SENSE;
    nisac_eval *ev = nisac_eval_new(inst);
    nisac_eval_opts eo = {0, NAN, NULL, 1e-6};
    CHECK(nisac_evaluate(inst, d, NULL, &eo, ev) == NISAC_OK);
    int mu = nisac_metric_find(sys, "user_sinr_db"), ms = nisac_metric_find(sys, "sense_power");
    CHECK(ev->len[mu] == 64 && ev->len[ms] == 5);
    /* decoders = all: user k's SINR is the min over l >= k of
     * |h_l^H w_k|^2 / (sigma^2 + sum_{i > k} |h_l^H w_i|^2), users sorted by ||h||. */
    const int N = 16, K = 64;
    double worst = INFINITY;
    for (int k = 0; k < K; k++) {
        if (k > 0) CHECK(nisac_cnorm2(N, ni->H + (size_t)(k - 1) * N) <= nisac_cnorm2(N, ni->H + (size_t)k * N));
        double u = INFINITY;
        for (int l = k; l < K; l++) {
            double g[64];
            for (int i = 0; i < K; i++) {
                double complex a = 0;
                for (int n = 0; n < N; n++) a += conj(ni->H[n + l * N]) * W->z[n + i * N];
                g[i] = creal(a) * creal(a) + cimag(a) * cimag(a);
            }
            double den = ni->p.sigma2;
            for (int i = k + 1; i < K; i++) den += g[i];
            u = fmin(u, g[k] / den);
        }
        CHECK_REL(ev->val[mu][k], u, 1e-10);
        worst = fmin(worst, u);
    }
    CHECK_REL(nisac_eval_scalar(ev, nisac_metric_find(sys, "min_sinr_db")), worst, 1e-10);
    /* sensing power at each target: sum_k |alpha_m^H w_k|^2 */
    for (int m = 0; m < 5; m++) {
        double complex a[16];
        nisac_ula_steering(N, 0.5, nisac_deg2rad(targets[m]), a);
        double sp = 0;
        for (int k = 0; k < K; k++) {
            double complex z = nisac_cdot(N, a, W->z + k * N);
            sp += creal(z) * creal(z) + cimag(z) * cimag(z);
        }
        CHECK_REL(ev->val[ms][m], sp, 1e-10);
    }
    nisac_eval_free(ev);
    nisac_design_free(d);
    nisac_instance_free(inst);
    nisac_params_free(ps);
}

/* Parameter tables: ranges and conversions as declared, messages naming the field. */
/* A TEXT entry: unset by default, set as a copy, kept by dup and copy, cleared by NULL; not a number. */
static void test_param_text(void)
{
    static const nisac_param_def defs[2] = {
        {"path", NULL, NISAC_PT_TEXT, NISAC_PC_NONE, "", 0, 0, 0, 0, NULL, 0, NULL, 0, NULL, "a file"},
        {"n", NULL, NISAC_PT_INT, NISAC_PC_NONE, "", 3, 0, 9, 0, NULL, 0, NULL, 0, NULL, "a count"}};
    nisac_params *p = nisac_params_new(defs, 2);
    CHECK(p && nisac_params_get_text(p, "path") == NULL);
    char buf[16] = "a/b.ckpt";
    CHECK(nisac_params_set_text(p, 0, buf) == 0);
    buf[0] = 'x'; /* a copy was kept */
    CHECK(!strcmp(nisac_params_get_text(p, "path"), "a/b.ckpt"));
    nisac_params *q = nisac_params_dup(p);
    CHECK(q && !strcmp(nisac_params_get_text(q, "path"), "a/b.ckpt"));
    CHECK(nisac_params_set_text(p, 0, NULL) == 0 && nisac_params_get_text(p, "path") == NULL);
    CHECK(nisac_params_copy(p, q) == 0 && !strcmp(nisac_params_get_text(p, "path"), "a/b.ckpt"));
    CHECK(nisac_params_set(p, 0, 1.0) == NISAC_EINVAL);
    CHECK(nisac_params_set_text(p, 1, "x") == NISAC_EINVAL && nisac_params_get_text(p, "n") == NULL);
    CHECK(nisac_params_validate(p) == 0);
    nisac_params_free(p);
    nisac_params_free(q);
}

static void test_param_table(void)
{
    const nisac_system *sys = nisac_system_find(NULL, "noma-isac");
    nisac_params *ps = nisac_system_params(sys);
    CHECK(nisac_system_check(sys, ps) == NISAC_OK);
    CHECK_REL(nisac_params_get(ps, "gamma_db"), 100.0, 1e-15); /* 20 dB, stored linear */
    CHECK(nisac_params_set_named(ps, "gamma_db", 10) == NISAC_OK);
    CHECK_REL(nisac_params_get(ps, "gamma_db"), 10.0, 1e-15);
    CHECK(nisac_params_set_named(ps, "sigma2", 0) == NISAC_EINVAL);
    CHECK(strstr(nisac_last_error(), "field 'sigma2': sigma2 must be > 0") != NULL);
    CHECK(nisac_params_set_named(ps, "K", 2.5) == NISAC_EINVAL);
    CHECK(nisac_params_set_named(ps, "Ptotal", 5) == NISAC_OK); /* the alias */
    CHECK(nisac_params_get(ps, "P_total") == 5);
    CHECK(nisac_params_set_named(ps, "rho-c", 0) == NISAC_OK);  /* command-line spelling */
    CHECK(nisac_params_set_named(ps, "rho_s", 0) == NISAC_OK);
    CHECK(nisac_system_check(sys, ps) == NISAC_EINVAL);         /* a relation no entry can check */
    CHECK(strstr(nisac_last_error(), "rho_c") != NULL);
    char buf[64];
    nisac_param_format(&sys->params[nisac_param_find(sys->params, sys->nparams, "decoders")], 1, buf, sizeof buf);
    CHECK(!strcmp(buf, "own"));
    nisac_params_free(ps);
}

int main(void)
{
    RUN(test_rng_streams);
    RUN(test_error_ball);
    RUN(test_steering);
    RUN(test_eval_scalar);
    RUN(test_eval_sensing);
    RUN(test_trs);
    RUN(test_params_check);
    RUN(test_eval_k64);
    RUN(test_param_table);
    RUN(test_param_text);
    TEST_END();
}
