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
    nisac_noma_eval ev;
    CHECK(nisac_noma_evaluate(inst, W, 1, NULL, NISAC_C_POWERMIN, &ev) == NISAC_OK);
    /* weak user (|h|=1): SINR_1^1 = 4 / (1 + 0.5) */
    CHECK_REL(ev.sinr[0][0], 4.0 / 1.5, 1e-12);
    /* strong user (|h|=2) decoding message 1: 16 / (4 + 0.5) */
    CHECK_REL(ev.sinr[0][1], 16.0 / 4.5, 1e-12);
    /* strong user own message: 4 / 0.5 */
    CHECK_REL(ev.sinr[1][1], 8.0, 1e-12);
    CHECK_REL(ev.user_sinr[0], 4.0 / 1.5, 1e-12);
    CHECK_REL(ev.min_sinr, 4.0 / 1.5, 1e-12);
    CHECK_REL(ev.total_power, 5.0, 1e-12);
    CHECK(ev.max_viol == 0.0);
    /* with an error dh on the strong user: residual |dh w_1|^2 in message 2's SINR (17) */
    double complex dH[2] = {0.0, 0.5};
    CHECK(nisac_noma_evaluate(inst, W, 1, dH, NISAC_C_POWERMIN, &ev) == NISAC_OK);
    CHECK_REL(ev.sinr[1][1], (2.5 * 2.5) / (1.0 + 0.5), 1e-12);
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
    p.theta[0] = 0.0;
    p.theta[1] = nisac_deg2rad(30.0);
    double complex h[4] = {1, 0, 0, 0}, w[4];
    nisac_ula_steering(4, 0.5, 0.0, w); /* beam along alpha(0) = ones */
    nisac_noma_instance *inst;
    CHECK(nisac_noma_instance_new(&p, h, 4, &inst) == NISAC_OK);
    nisac_noma_eval ev;
    nisac_noma_evaluate(inst, w, 4, NULL, 0, &ev);
    /* P(0) = |1^T 1|^2 = 16; alpha(30) = (1, j, -1, -j) sums to 0 -> P = 0, C = 0 */
    CHECK_REL(ev.sense_power[0], 16.0, 1e-12);
    CHECK(fabs(ev.sense_power[1]) < 1e-20);
    CHECK(fabs(ev.xcorr) < 1e-20);
    CHECK_REL(ev.viol_sense, 1.0, 1e-12); /* target 2 gets nothing: shortfall Ps/Ps */
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
    p.K = NISAC_MAX_USERS + 1;
    CHECK(nisac_noma_params_check(&p) == NISAC_EINVAL);
    nisac_noma_params_default(&p);
    p.Ps = NAN;
    CHECK(nisac_noma_params_check(&p) == NISAC_EINVAL);
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
    TEST_END();
}
