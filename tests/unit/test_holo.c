/* Near-field planar arrays (paper 004, section 3.2) against bounds
 * derived here.  With s = rho / r (rho the element's distance from the
 * array centre) and c = u / rho the cosine between the element and the
 * direction of the point, r_i / r = g(s) = sqrt(1 - 2 c s + s^2), and for
 * s <= 1/2, g >= 1 - s >= 1/2:
 *   g'' = (1 - c^2) / g^3, |g''| <= 1 / g <= 2     (1 - c^2 <= g^2)
 *   g''' = -3 (1 - c^2)(s - c) / g^5, |g'''| <= 3 / g^2 <= 12   (|s - c| <= g)
 * so by Taylor's theorem with Lagrange remainder
 *   |r_i - (r - u)| <= rho^2 / r                          (far field)
 *   |r_i - (r - u + (rho^2 - u^2) / (2 r))| <= 2 rho^3 / r^2   (Fresnel)
 * whenever r >= 2 rho. */
#include "harness.h"
#include "nisac/nisac.h"
#include "nisac/holo.h"
#include "nisac/impair.h"

#include <string.h>

static double rho_max(const nisac_upa *a)
{
    double x = 0.5 * (a->Mx - 1) * a->dx, y = 0.5 * (a->My - 1) * a->dy;
    return sqrt(x * x + y * y);
}

/* (3) against the distance between two points in space */
static void test_exact_distance(void)
{
    nisac_upa a = {8, 5, 0.25, 0.3};
    const double r = 7.3, th = 0.7, ph = -2.1;
    const double P[3] = {r * sin(th) * cos(ph), r * sin(th) * sin(ph), r * cos(th)};
    for (int i = 0; i < 40; i++) {
        double ex = (i % 8 - 3.5) * 0.25, ey = (i / 8 - 2.0) * 0.3;
        double want = sqrt((P[0] - ex) * (P[0] - ex) + (P[1] - ey) * (P[1] - ey) + P[2] * P[2]);
        CHECK_REL(nisac_upa_distance(&a, i, r, th, ph, NISAC_HOLO_EXACT), want, 1e-13);
    }
}

static void test_fresnel_and_farfield_bounds(void)
{
    nisac_upa a = {32, 32, 0.25, 0.25};
    const double rho = rho_max(&a);
    nisac_rng g;
    nisac_rng_init(&g, 5, 0, 0, 1);
    double worst_f = 0, worst_ff = 0;
    for (int trial = 0; trial < 200; trial++) {
        const double r = 2 * rho * pow(10, 3 * nisac_rng_uniform(&g)); /* 2 rho .. 2000 rho */
        const double th = M_PI / 2 * nisac_rng_uniform(&g), ph = 2 * M_PI * nisac_rng_uniform(&g);
        for (int i = 0; i < 1024; i += 7) {
            double ex = (i % 32 - 15.5) * 0.25, ey = (i / 32 - 15.5) * 0.25, ri = sqrt(ex * ex + ey * ey);
            double e = nisac_upa_distance(&a, i, r, th, ph, NISAC_HOLO_EXACT);
            double ef = fabs(e - nisac_upa_distance(&a, i, r, th, ph, NISAC_HOLO_FRESNEL));
            double eff = fabs(e - nisac_upa_distance(&a, i, r, th, ph, NISAC_HOLO_FARFIELD));
            CHECK_MSG(ef <= 2 * ri * ri * ri / (r * r) + 1e-12 * r, "Fresnel error %g > bound %g", ef,
                      2 * ri * ri * ri / (r * r));
            CHECK_MSG(eff <= ri * ri / r + 1e-12 * r, "far-field error %g > bound %g", eff, ri * ri / r);
            if (ri > 0) {
                worst_f = fmax(worst_f, ef / (ri * ri * ri / (r * r)));
                worst_ff = fmax(worst_ff, eff / (ri * ri / r));
            }
            /* the printed (4) differs from the standard Fresnel term by u^2 / (2 r) */
            double u = ex * sin(th) * cos(ph) + ey * sin(th) * sin(ph);
            CHECK(fabs(nisac_upa_distance(&a, i, r, th, ph, NISAC_HOLO_FRESNEL_PRINTED) -
                       nisac_upa_distance(&a, i, r, th, ph, NISAC_HOLO_FRESNEL) - u * u / (2 * r)) <= 1e-12 * r);
        }
    }
    printf("  largest error / bound scale: Fresnel %.3f (bound 2), far field %.3f (bound 1)\n", worst_f, worst_ff);
}

/* |a^H b| / (|a| |b|) >= cos(2 pi rho^2 / r) (r - rho) / (r + rho): the
 * far-field phase error is at most 2 pi rho^2 / r, the exact amplitudes
 * 1/r_i lie in [1/(r + rho), 1/(r - rho)]. */
static void test_response_converges(void)
{
    nisac_upa a = {16, 16, 0.25, 0.25};
    const int M = 256;
    const double rho = rho_max(&a);
    double complex ex[256], ff[256], fr[256];
    double prev = 0;
    for (double r = 4 * rho; r < 1e5; r *= 4) {
        nisac_upa_response(&a, r, 0.6, 0.4, NISAC_HOLO_EXACT, ex);
        nisac_upa_response(&a, r, 0.6, 0.4, NISAC_HOLO_FARFIELD, ff);
        nisac_upa_response(&a, r, 0.6, 0.4, NISAC_HOLO_FRESNEL, fr);
        double complex d = 0, df = 0;
        double ne = 0, nf = 0;
        for (int i = 0; i < M; i++) {
            d += conj(ex[i]) * ff[i];
            df += conj(ex[i]) * fr[i];
            ne += creal(ex[i] * conj(ex[i]));
            nf += creal(ff[i] * conj(ff[i]));
        }
        double corr = cabs(d) / sqrt(ne * nf), corr_f = cabs(df) / sqrt(ne * nf);
        double phase = 2 * M_PI * rho * rho / r;
        if (phase < M_PI / 2) CHECK_MSG(corr >= cos(phase) * (r - rho) / (r + rho) - 1e-12, "r %g: %g", r, corr);
        double pf = 2 * M_PI * 2 * rho * rho * rho / (r * r);
        if (pf < M_PI / 2) CHECK_MSG(corr_f >= cos(pf) * (r - rho) / (r + rho) - 1e-12, "r %g: Fresnel %g", r, corr_f);
        CHECK(corr >= prev - 1e-9); /* monotone toward the plane wave */
        prev = corr;
    }
    CHECK(prev > 1 - 1e-6);
}

/* The paper's arrays at 100 GHz (lambda = 3 mm), d = lambda/4: by hand,
 * 16 x 16: D = 16 d = 4 lambda, 2 D^2 = 32 lambda; diagonal 2 (4^2 + 4^2) = 64;
 * 16 x 32: D^2 = 512 / 16 = 32, 2 D^2 = 64; diagonal 2 (4^2 + 8^2) = 160;
 * 32 x 32: D = 8, 2 D^2 = 128; diagonal 2 (8^2 + 8^2) = 256 (wavelengths). */
static void test_rayleigh_distance(void)
{
    const int sides[][2] = {{16, 16}, {16, 32}, {32, 32}};
    const double want[] = {32, 64, 128}, want_diag[] = {64, 160, 256};
    for (int k = 0; k < 3; k++) {
        nisac_upa a = {sides[k][0], sides[k][1], 0.25, 0.25};
        double diag, R = nisac_upa_rayleigh(&a, &diag);
        CHECK_REL(R, want[k], 1e-14);
        CHECK_REL(diag, want_diag[k], 1e-14);
        printf("  M = %4d (%dx%d): Rayleigh distance %.3f m (paper's D), %.3f m (diagonal)\n", a.Mx * a.My, a.Mx, a.My,
               R * 3e-3, diag * 3e-3);
    }
}

/* E[h h^H] = rho^(|dm| + |dn|): sample covariance over 20000 draws, each
 * entry within 5 / sqrt(20000) = 0.035 (a sample covariance of unit-power
 * Gaussians has standard deviation <= 1 / sqrt(draws)). */
static void test_correlated_fading(void)
{
    nisac_upa a = {4, 3, 0.25, 0.25};
    const int M = 12, D = 20000;
    const double rho = 0.7;
    nisac_rng g;
    nisac_rng_init(&g, 9, 0, 0, 1);
    double complex h[12], C[144];
    memset(C, 0, sizeof C);
    for (int t = 0; t < D; t++) {
        CHECK(nisac_upa_correlated(&a, rho, &g, h) == 0);
        for (int i = 0; i < M; i++)
            for (int j = 0; j < M; j++) C[i + M * j] += h[i] * conj(h[j]) / D;
    }
    double worst = 0;
    for (int i = 0; i < M; i++)
        for (int j = 0; j < M; j++) {
            double want = pow(rho, abs(i % 4 - j % 4) + abs(i / 4 - j / 4));
            worst = fmax(worst, cabs(C[i + M * j] - want));
        }
    printf("  largest covariance error %.4f (tolerance 0.035)\n", worst);
    CHECK(worst <= 5 / sqrt((double)D));
    CHECK(nisac_upa_correlated(&a, 1.0, &g, h) == NISAC_EINVAL);
}

/* IRR of the coefficients in closed form, and measured on 200000 samples
 * of a circular Gaussian signal: K2 is estimated as mean(y x) / mean|x|^2
 * with standard deviation about 1/sqrt(N); the tolerance is the IRR shift
 * that four of those make. */
static void test_iq_imbalance_irr(void)
{
    const double irrs[] = {15, 20, 25}, psis[] = {0, 0.02, -0.03};
    const int N = 200000;
    nisac_rng g;
    nisac_rng_init(&g, 21, 0, 0, 1);
    for (int k = 0; k < 3; k++) {
        double complex K1, K2;
        CHECK(nisac_iq_coeffs(irrs[k], psis[k], &K1, &K2) == 0);
        double closed = 10 * log10(creal(K1 * conj(K1)) / creal(K2 * conj(K2)));
        CHECK_MSG(fabs(closed - irrs[k]) < 1e-9, "IRR %g: closed form %.12f", irrs[k], closed);
        double complex a1 = 0, a2 = 0;
        double p = 0;
        for (int i = 0; i < N; i++) {
            double complex x = nisac_rng_cn(&g), y = K1 * x + K2 * conj(x);
            a1 += y * conj(x);
            a2 += y * x;
            p += creal(x * conj(x));
        }
        a1 /= p;
        a2 /= p;
        double meas = 10 * log10(creal(a1 * conj(a1)) / creal(a2 * conj(a2)));
        double tol = 20 * log10((cabs(K2) + 4 / sqrt((double)N)) / cabs(K2));
        printf("  IRR %g dB, psi %g: measured %.3f dB (tolerance %.2f dB)\n", irrs[k], psis[k], meas, tol);
        CHECK(fabs(meas - irrs[k]) <= tol);
    }
    double complex K1, K2;
    CHECK(nisac_iq_coeffs(-1, 0, &K1, &K2) == NISAC_EINVAL);
    CHECK(nisac_iq_coeffs(15, 0.5, &K1, &K2) == NISAC_EINVAL); /* 0.5 rad with g = 1 gives cot^2(0.25): 11.86 dB */
    CHECK(nisac_iq_coeffs(11.8, 0.5, &K1, &K2) == 0);
}

/* Wiener phase noise: Var phi[t] = t var_step and Cov(phi[s], phi[t]) =
 * min(s, t) var_step, on 16000 paths; a sample (co)variance of Gaussians
 * has relative standard deviation <= sqrt(2 / (n - 1)), tolerance 5 of those. */
static void test_phase_noise_variance(void)
{
    const int M = 4, T = 50, R = 4000;
    const double v = 0.01;
    nisac_rng g;
    nisac_rng_init(&g, 23, 0, 0, 1);
    double *ph = malloc(sizeof(double) * M * T), s50 = 0, s10 = 0, c = 0;
    for (int r = 0; r < R; r++) {
        nisac_phase_noise_wiener(&g, M, T, v, ph);
        for (int m = 0; m < M; m++) {
            s50 += ph[(T - 1) * M + m] * ph[(T - 1) * M + m];
            s10 += ph[9 * M + m] * ph[9 * M + m];
            c += ph[9 * M + m] * ph[(T - 1) * M + m];
        }
    }
    const double n = (double)R * M, tol = 5 * sqrt(2 / (n - 1));
    s50 /= n, s10 /= n, c /= n;
    printf("  Var phi[50] %.4f (want %.2f), Var phi[10] %.4f (%.2f), Cov %.4f (%.2f); relative tolerance %.3f\n", s50,
           T * v, s10, 10 * v, c, 10 * v, tol);
    CHECK(fabs(s50 / (T * v) - 1) <= tol);
    CHECK(fabs(s10 / (10 * v) - 1) <= tol);
    CHECK(fabs(c / (10 * v) - 1) <= 2 * tol); /* the covariance estimate spreads wider: var (s t + min^2) */
    free(ph);
}

static void test_coupling_and_csi(void)
{
    nisac_upa a = {5, 4, 0.25, 0.25};
    const int M = 20;
    const double complex kappa = 0.1 - 0.05 * I;
    double complex x[20], y[20], C[400] = {0};
    nisac_rng g;
    nisac_rng_init(&g, 25, 0, 0, 1);
    nisac_rng_cn_vec(&g, M, 1, x);
    for (int i = 0; i < M; i++) /* the dense C = I + kappa (T_x + T_y) */
        for (int j = 0; j < M; j++) {
            int dm = abs(i % 5 - j % 5), dn = abs(i / 5 - j / 5);
            C[i + M * j] = i == j ? 1 : (dm + dn == 1 ? kappa : 0);
        }
    nisac_coupling_apply(&a, kappa, x, y);
    for (int i = 0; i < M; i++) {
        double complex s = 0;
        for (int j = 0; j < M; j++) s += C[i + M * j] * x[j];
        CHECK(cabs(s - y[i]) < 1e-14);
    }
    double complex H[64], Hh[64];
    nisac_rng_cn_vec(&g, 64, 3, H);
    nisac_csi_error_normalised(&g, 64, 0.1, H, Hh);
    double ne = 0, nh = 0;
    for (int i = 0; i < 64; i++) {
        ne += creal((Hh[i] - H[i]) * conj(Hh[i] - H[i]));
        nh += creal(H[i] * conj(H[i]));
    }
    CHECK_REL(sqrt(ne / nh), 0.1, 1e-12);
}

/* (1) has the covariance (5): E[h h^H] = beta sum_p var_p a_p a_p^H
 * (20000 draws; entries within 5 beta max|a|^2 / sqrt(draws)); (7) has
 * the radar-equation amplitude and the two-way phase. */
static void test_user_and_radar_channels(void)
{
    nisac_upa a = {3, 3, 0.25, 0.25};
    const int M = 9, D = 20000;
    const double th[2] = {0.3, 1.1}, ph[2] = {0.2, -1.0}, r[2] = {3, 40}, var[2] = {0.7, 0.3}, beta = 2.0;
    double complex a0[9], a1[9], h[9], C[81] = {0};
    nisac_upa_response(&a, r[0], th[0], ph[0], NISAC_HOLO_EXACT, a0);
    nisac_upa_response(&a, r[1], th[1], ph[1], NISAC_HOLO_EXACT, a1);
    nisac_rng g;
    nisac_rng_init(&g, 27, 0, 0, 1);
    for (int t = 0; t < D; t++) {
        CHECK(nisac_holo_user_channel(&a, beta, 2, th, ph, r, var, &g, h) == 0);
        for (int i = 0; i < M; i++)
            for (int j = 0; j < M; j++) C[i + M * j] += h[i] * conj(h[j]) / D;
    }
    double worst = 0, scale = 0;
    for (int i = 0; i < M; i++) scale = fmax(scale, fmax(cabs(a0[i]), cabs(a1[i])));
    scale = beta * scale * scale;
    for (int i = 0; i < M; i++)
        for (int j = 0; j < M; j++) {
            double complex want = beta * (var[0] * a0[i] * conj(a0[j]) + var[1] * a1[i] * conj(a1[j]));
            worst = fmax(worst, cabs(C[i + M * j] - want));
        }
    CHECK_MSG(worst <= 5 * scale / sqrt((double)D), "covariance error %g > %g", worst, 5 * scale / sqrt((double)D));
    const double lam = 3e-3, R = 17.3, rcs = 0.5;
    double complex b = nisac_holo_radar_gain(rcs, 1, 1, lam, R);
    CHECK_REL(creal(b * conj(b)), rcs * lam * lam / (pow(4 * M_PI, 3) * pow(R, 4)), 1e-12);
    CHECK(cabs(b / cabs(b) - cexp(-I * fmod(4 * M_PI * R / lam, 2 * M_PI))) < 1e-9);
}

/* d a / d theta against central differences (h = 1e-6: truncation
 * O(h^2 |a'''|) and rounding O(eps / h) both below 1e-7 of the norm). */
static void test_dtheta_finite_differences(void)
{
    nisac_upa a = {6, 5, 0.25, 0.25};
    const int M = 30;
    const nisac_holo_model models[] = {NISAC_HOLO_EXACT, NISAC_HOLO_FRESNEL, NISAC_HOLO_FRESNEL_PRINTED,
                                       NISAC_HOLO_FARFIELD};
    double complex d[30], p[30], m[30];
    const double h = 1e-6, r = 4.0, th = 0.8, ph = 0.3;
    for (int k = 0; k < 4; k++) {
        nisac_upa_response_dtheta(&a, r, th, ph, models[k], d);
        nisac_upa_response(&a, r, th + h, ph, models[k], p);
        nisac_upa_response(&a, r, th - h, ph, models[k], m);
        double err = 0, nrm = 0;
        for (int i = 0; i < M; i++) {
            err = fmax(err, cabs(d[i] - (p[i] - m[i]) / (2 * h)));
            nrm = fmax(nrm, cabs(d[i]));
        }
        CHECK_MSG(err <= 1e-6 * nrm, "model %d: derivative error %g of %g", k, err, nrm);
    }
}

/* Sensing metrics: one target and a beam matched to it give
 * Gamma = |beta|^2 ||a||^2 P ||a||^2 / sigma^2; P_D(0) = P_FA and P_D = 1/2
 * where sqrt(2 Gamma) = Q^{-1}(P_FA); the CRLB of a centred half-wavelength
 * ULA in the far field is 6 / (Gamma pi^2 cos^2(theta) (M^2 - 1)). */
static void test_sensing_metrics(void)
{
    nisac_upa a = {16, 1, 0.5, 0.5};
    const int M = 16;
    double complex A[32], W[16], da[16];
    const double th = 0.4, P = 3, s2 = 0.01;
    nisac_upa_response(&a, 50, th, 0, NISAC_HOLO_EXACT, A);
    nisac_upa_response(&a, 60, -0.5, 0, NISAC_HOLO_EXACT, A + 16);
    double na = 0;
    for (int m = 0; m < M; m++) na += creal(A[m] * conj(A[m]));
    for (int m = 0; m < M; m++) W[m] = sqrt(P / na) * A[m];
    const double complex beta[2] = {0.3 + 0.1 * I, 0};
    double g = nisac_rs_sensing_sinr(M, 2, A, beta, W, 1, s2, 0);
    CHECK_REL(g, creal(beta[0] * conj(beta[0])) * na * P * na / s2, 1e-12);
    CHECK_REL(nisac_rs_pd(1e-3, 0), 1e-3, 1e-9);
    const double q = 3.090232306167813; /* Q^{-1}(1e-3) */
    CHECK(fabs(nisac_rs_pd(1e-3, q * q / 2) - 0.5) < 1e-9);
    nisac_upa_response(&a, 1e3, th, 0, NISAC_HOLO_FARFIELD, A);
    nisac_upa_response_dtheta(&a, 1e3, th, 0, NISAC_HOLO_FARFIELD, da);
    const double gam = 20;
    CHECK_REL(nisac_rs_crlb(M, A, da, gam), 6 / (gam * M_PI * M_PI * cos(th) * cos(th) * (M * M - 1)), 1e-10);
}

int main(void)
{
    RUN(test_exact_distance);
    RUN(test_fresnel_and_farfield_bounds);
    RUN(test_response_converges);
    RUN(test_rayleigh_distance);
    RUN(test_correlated_fading);
    RUN(test_iq_imbalance_irr);
    RUN(test_phase_noise_variance);
    RUN(test_coupling_and_csi);
    RUN(test_user_and_radar_channels);
    RUN(test_dtheta_finite_differences);
    RUN(test_sensing_metrics);
    TEST_END();
}
