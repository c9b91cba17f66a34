/* Rate-splitting NOMA rates (paper 004, section 4): with no common power
 * they are paper 000's NOMA rates with SIC (its own judge, written
 * independently); with one user they are the single-user MISO rate, and
 * matched-filter beams give the closed form log2(1 + P ||h||^2 / sigma^2). */
#include "harness.h"
#include "nisac/nisac.h"

static void test_zero_common_is_noma(void)
{
    nisac_noma_params p;
    nisac_noma_params_default(&p);
    p.N = 6, p.K = 4, p.M = 0;
    nisac_rng g;
    nisac_rng_init(&g, 31, 0, 0, 1);
    for (int trial = 0; trial < 20; trial++) {
        double complex H[24], W[24], Wc[6] = {0};
        nisac_rng_cn_vec(&g, 24, 1, H);
        nisac_rng_cn_vec(&g, 24, 0.5, W);
        nisac_noma_instance *ni;
        CHECK(nisac_noma_instance_new(&p, H, 6, &ni) == 0);
        nisac_noma_eval ne = NISAC_NOMA_EVAL_INIT;
        CHECK(nisac_noma_evaluate(ni, W, 6, NULL, 0, &ne) == 0);
        /* the same users in paper 000's SIC order (its H is stored in that order) */
        int group[4] = {0, 0, 0, 0}, order[4] = {0, 1, 2, 3};
        nisac_rs_layout L = {6, 4, 1, group, order};
        double common[1], sc[4], sp[4], rp[4], rate[4];
        nisac_rs_rates out = {common, sc, sp, rp, rate, 0};
        CHECK(nisac_rs_rates_eval(&L, ni->H, Wc, W, NULL, NULL, 0, p.sigma2, NULL, &out) == 0);
        double sum = 0;
        for (int k = 0; k < 4; k++) {
            CHECK_REL(rate[k], ne.rate[k], 1e-12);
            sum += ne.rate[k];
        }
        CHECK_REL(out.sum, sum, 1e-12);
        CHECK(common[0] == 0);
        nisac_noma_eval_release(&ne);
        nisac_noma_instance_free(ni);
    }
}

static void test_single_user_closed_form(void)
{
    nisac_rng g;
    nisac_rng_init(&g, 33, 0, 0, 1);
    const int M = 8;
    const double P = 2.5, s2 = 0.1;
    double complex h[8], w[8], zero[8] = {0};
    nisac_rng_cn_vec(&g, M, 1, h);
    double nh = 0;
    for (int m = 0; m < M; m++) nh += creal(h[m] * conj(h[m]));
    for (int m = 0; m < M; m++) w[m] = sqrt(P) * h[m] / sqrt(nh);
    int group[1] = {0}, order[1] = {0};
    nisac_rs_layout L = {M, 1, 1, group, order};
    double common[1], sc[1], sp[1], rp[1], rate[1];
    nisac_rs_rates out = {common, sc, sp, rp, rate, 0};
    const double want = log2(1 + P * nh / s2);
    CHECK(nisac_rs_rates_eval(&L, h, zero, w, NULL, NULL, 0, s2, NULL, &out) == 0); /* private stream alone */
    CHECK_REL(rate[0], want, 1e-12);
    CHECK(nisac_rs_rates_eval(&L, h, w, zero, NULL, NULL, 0, s2, NULL, &out) == 0); /* common stream alone */
    CHECK_REL(rate[0], want, 1e-12);
    CHECK_REL(common[0], want, 1e-12);
    /* a sensing stream is interference to both (20)-(21) */
    double complex ws[8];
    nisac_rng_cn_vec(&g, M, 1, ws);
    double complex hw = 0;
    for (int m = 0; m < M; m++) hw += conj(h[m]) * ws[m];
    CHECK(nisac_rs_rates_eval(&L, h, zero, w, ws, NULL, 0, s2, NULL, &out) == 0);
    CHECK_REL(rate[0], log2(1 + P * nh / (s2 + creal(hw * conj(hw)))), 1e-12);
}

/* Users built as scaled copies of G orthogonal directions plus a small
 * perturbation: the grouping recovers the G clusters, sizes K/G, and
 * orders each group by gain, weakest first. */
static void test_grouping_recovers_clusters(void)
{
    const int M = 8, K = 12, G = 4;
    double complex H[96];
    nisac_rng g;
    nisac_rng_init(&g, 35, 0, 0, 1);
    int cluster[12];
    for (int k = 0; k < K; k++) {
        cluster[k] = (k * 7) % G; /* interleaved, so that index order says nothing */
        double scale = 1 + k;     /* distinct gains */
        for (int m = 0; m < M; m++) H[k * M + m] = (m == 2 * cluster[k] ? scale : 0) + 0.01 * nisac_rng_cn(&g);
    }
    int group[12], order[12];
    CHECK(nisac_rs_group(M, K, G, H, group, order) == 0);
    for (int a = 0; a < K; a++)
        for (int b = 0; b < K; b++) CHECK((group[a] == group[b]) == (cluster[a] == cluster[b]));
    int size[4] = {0};
    for (int k = 0; k < K; k++) size[group[k]]++;
    for (int q = 0; q < G; q++) CHECK(size[q] == K / G);
    for (int a = 0; a < K; a++) /* same cluster: larger index = larger gain = later in the order */
        for (int b = 0; b < K; b++)
            if (group[a] == group[b] && a < b) CHECK(order[a] < order[b]);
    CHECK(nisac_rs_group(M, K, 13, H, group, order) == NISAC_EINVAL);
    const double r[4] = {1, 1, 1, 1}, r2[4] = {4, 0, 0, 0};
    CHECK_REL(nisac_jain(4, r), 1.0, 1e-15);
    CHECK_REL(nisac_jain(4, r2), 0.25, 1e-15); /* one user served: 1/K */
    CHECK_REL(nisac_rs_energy_efficiency(4, r, 2.0), 2.0, 1e-15);
}

/* (35) with the leave-one-out matrix solved explicitly (an M x M system
 * per user) has the direction the Gram-space computation gives; (34) is
 * the normalised group mean; (36)-(38) as printed. */
static void test_initial_point(void)
{
    const int M = 6, K = 4, G = 2;
    double complex H[24], Wc[12], Wp[24], ws[6], A[12];
    nisac_rng g;
    nisac_rng_init(&g, 37, 0, 0, 1);
    nisac_rng_cn_vec(&g, M * K, 1, H);
    nisac_rng_cn_vec(&g, M * 2, 1, A);
    const double rcs[2] = {0.25, 1.0}, s2 = 0.3, P = 2.0, delta = s2 / P;
    int group[4] = {0, 1, 0, 1}, order[4] = {0, 0, 1, 1};
    nisac_rs_layout L = {M, K, G, group, order};
    double powers[7], rho[4];
    CHECK(nisac_rs_initial(&L, H, s2, P, 2, A, rcs, Wc, Wp, ws, powers, rho) == 0);
    for (int k = 0; k < K; k++) {
        double complex R[36], x[6];
        for (int a = 0; a < M; a++)
            for (int b = 0; b < M; b++) {
                double complex s = a == b ? delta : 0;
                for (int j = 0; j < K; j++)
                    if (j != k) s += H[j * M + a] * conj(H[j * M + b]);
                R[a + M * b] = s;
            }
        for (int m = 0; m < M; m++) x[m] = H[k * M + m];
        CHECK(nisac_csolve(M, 1, R, M, x, M) == 0);
        double complex d = 0;
        double nx = 0, nw = 0;
        for (int m = 0; m < M; m++) {
            d += conj(x[m]) * Wp[k * M + m];
            nx += creal(x[m] * conj(x[m]));
            nw += creal(Wp[k * M + m] * conj(Wp[k * M + m]));
        }
        CHECK_REL(nw, 1.0, 1e-12);
        CHECK_MSG(fabs(cabs(d) / sqrt(nx) - 1) < 1e-10, "user %d: |cos| = %.14f", k, cabs(d) / sqrt(nx));
    }
    for (int q = 0; q < G; q++) {
        double complex mean[6];
        double n = 0;
        for (int m = 0; m < M; m++) {
            mean[m] = H[q * M + m] + H[(q + 2) * M + m];
            n += creal(mean[m] * conj(mean[m]));
        }
        for (int m = 0; m < M; m++) CHECK(cabs(Wc[q * M + m] - mean[m] / sqrt(n)) < 1e-12);
    }
    double n = 0;
    double complex sv[6];
    for (int m = 0; m < M; m++) {
        sv[m] = 0.5 * A[m] + 1.0 * A[M + m];
        n += creal(sv[m] * conj(sv[m]));
    }
    for (int m = 0; m < M; m++) CHECK(cabs(ws[m] - sv[m] / sqrt(n)) < 1e-12);
    for (int i = 0; i < 7; i++) CHECK_REL(powers[i], P / 7, 1e-15);
    for (int k = 0; k < K; k++) CHECK(rho[k] == 0.5);
}

/* The all-targets sensing SINR (two ZGEMMs) equals the per-target one (direct sums), random data. */
static void test_sensing_all_targets(void)
{
    nisac_rng g;
    nisac_rng_init(&g, 41, 0, 0, 1);
    for (int trial = 0; trial < 10; trial++) {
        const int M = 12, L = 1 + trial % 5, nw = 1 + trial % 7;
        double complex A[60], W[84], beta[5];
        double gam[5];
        nisac_rng_cn_vec(&g, M * L, 1, A);
        nisac_rng_cn_vec(&g, M * nw, 1, W);
        nisac_rng_cn_vec(&g, L, 1e-3, beta);
        CHECK(nisac_rs_sensing_sinr_all(M, L, A, beta, W, nw, 1e-4, gam) == 0);
        for (int l = 0; l < L; l++) CHECK_REL(gam[l], nisac_rs_sensing_sinr(M, L, A, beta, W, nw, 1e-4, l), 1e-12);
    }
}

int main(void)
{
    RUN(test_zero_common_is_noma);
    RUN(test_single_user_closed_form);
    RUN(test_grouping_recovers_clusters);
    RUN(test_initial_point);
    RUN(test_sensing_all_targets);
    TEST_END();
}
