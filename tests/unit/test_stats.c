/* The statistics layer against answers derived here: hand-computed small
 * samples (paired and Welch t, Cohen's d, ANOVA with the closed-form F(2, n)
 * tail), the studentised range with k = 2 through the t distribution
 * (Q = sqrt(2) |T|), the studentised range for k = 3..5 against Monte
 * Carlo with a stated error, Holm and Bonferroni by hand, the power of the
 * t-test against simulated tests, and the honest p-value text. */
#include "harness.h"
#include "nisac/nisac.h"

#include <gsl/gsl_cdf.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void test_paired_and_welch_by_hand(void)
{
    const double x[5] = {1, 2, 3, 4, 5}, y[5] = {1, 1, 2, 2, 4};
    nisac_ttest t;
    nisac_ttest_paired(x, y, 5, 0.95, &t);
    /* differences 0 1 1 2 1: mean 1, sd sqrt(2/4), t = 1 / (sqrt(0.5) / sqrt(5)) = sqrt(10) */
    CHECK(t.n == 5);
    CHECK_REL(t.diff, 1, 1e-15);
    CHECK_REL(t.t, sqrt(10.0), 1e-13);
    CHECK_REL(t.df, 4, 0);
    CHECK_REL(t.d, 1 / sqrt(0.5), 1e-13);
    CHECK(fabs(t.p - 0.0341) < 5e-4); /* t = 3.162 on 4 degrees of freedom: two-sided 0.0341 (tables) */
    /* Welch: x = 1 2 3 (var 1), y = 4 6 8 10 (var 20/3): se = sqrt(1/3 + 5/3) = sqrt(2), t = -5 / sqrt(2),
       df = 4 / ((1/3)^2 / 2 + (5/3)^2 / 3) = 4 / (1/18 + 25/27), pooled sd sqrt((2 + 20) / 5) */
    const double a[3] = {1, 2, 3}, b[4] = {4, 6, 8, 10};
    nisac_ttest_welch(a, 3, b, 4, 0.95, &t);
    CHECK_REL(t.diff, -5, 1e-15);
    CHECK_REL(t.t, -5 / sqrt(2.0), 1e-13);
    CHECK_REL(t.df, 4 / (1.0 / 18 + 25.0 / 27), 1e-13);
    CHECK_REL(t.d, -5 / sqrt(22.0 / 5), 1e-13);
    /* a non-finite member drops its pair */
    const double x2[3] = {1, NAN, 3}, y2[3] = {0, 0, 1};
    nisac_ttest_paired(x2, y2, 3, 0.95, &t);
    CHECK(t.n == 2);
    CHECK_REL(t.diff, 1.5, 1e-15);
}

static void test_anova_closed_form(void)
{
    /* groups 1 2 3 | 4 5 6 | 7 8 9: SSB = 3 (9 + 0 + 9) = 54, SSW = 3 * 2 = 6, F = 27 on (2, 6);
       for F(2, n): P(F > f) = (1 + 2 f / n)^(-n/2) = 10^-3 */
    const double g1[3] = {1, 2, 3}, g2[3] = {4, 5, 6}, g3[3] = {7, 8, 9};
    const double *gs[3] = {g1, g2, g3};
    const int n[3] = {3, 3, 3};
    nisac_anova an;
    nisac_anova1(3, gs, n, &an);
    CHECK(an.k == 3 && an.N == 9);
    CHECK_REL(an.ss_between, 54, 1e-13);
    CHECK_REL(an.ss_within, 6, 1e-13);
    CHECK_REL(an.F, 27, 1e-13);
    CHECK_REL(an.p, 1e-3, 1e-9);
    /* identical groups: F = 0, p = 1 */
    const double *same[2] = {g1, g1};
    nisac_anova1(2, same, n, &an);
    CHECK(an.F == 0);
    CHECK_REL(an.p, 1, 1e-12);
}

/* k = 2: the range of two normals is sqrt(2) |Z1 - Z2| / sqrt(2), so Q = sqrt(2) |T_nu|. */
static void test_ptukey_two_groups(void)
{
    const double nus[4] = {3, 10, 40, INFINITY};
    for (int i = 0; i < 4; i++)
        for (double q = 0.5; q < 6; q += 0.75) {
            const double z = q / sqrt(2.0);
            const double want = isinf(nus[i]) ? 1 - 2 * gsl_cdf_ugaussian_Q(z) : 1 - 2 * gsl_cdf_tdist_Q(z, nus[i]);
            CHECK_REL(nisac_ptukey(q, 2, nus[i]), want, 1e-8);
        }
    CHECK_REL(nisac_qtukey(0.95, 2, INFINITY), sqrt(2.0) * gsl_cdf_ugaussian_Pinv(0.975), 1e-8);
}

/* k = 3..5, nu = 10: P(Q <= q) against 400000 simulated studentised ranges; the
 * estimator's standard deviation is at most 0.5 / sqrt(400000) = 7.9e-4: tolerance 4e-3. */
static void test_ptukey_monte_carlo(void)
{
    nisac_rng g;
    nisac_rng_init(&g, 77, 0, 0, 1);
    const int nsim = 400000, nu = 10;
    for (int k = 3; k <= 5; k++) {
        const double q = nisac_qtukey(0.9, k, nu);
        int below = 0;
        for (int s = 0; s < nsim; s++) {
            double mx = -INFINITY, mn = INFINITY, chi = 0;
            for (int i = 0; i < k; i++) {
                const double z = nisac_rng_normal(&g);
                mx = fmax(mx, z), mn = fmin(mn, z);
            }
            for (int i = 0; i < nu; i++) {
                const double z = nisac_rng_normal(&g);
                chi += z * z;
            }
            below += (mx - mn) / sqrt(chi / nu) <= q;
        }
        CHECK_MSG(fabs((double)below / nsim - 0.9) < 4e-3, "k=%d: simulated %.5f", k, (double)below / nsim);
    }
}

static void test_corrections_by_hand(void)
{
    const double pn[3] = {NAN, 0.02, 0.04}; /* a pair without a test does not count */
    double an[3];
    nisac_p_holm(3, pn, an);
    CHECK(isnan(an[0]) && fabs(an[1] - 0.04) < 1e-15 && fabs(an[2] - 0.04) < 1e-15);
    nisac_p_bonferroni(3, pn, an);
    CHECK(isnan(an[0]) && fabs(an[1] - 0.04) < 1e-15 && fabs(an[2] - 0.08) < 1e-15);
    const double p[4] = {0.01, 0.04, 0.03, 0.005};
    double b[4], h[4];
    nisac_p_bonferroni(4, p, b);
    nisac_p_holm(4, p, h);
    const double wb[4] = {0.04, 0.16, 0.12, 0.02};
    /* Holm: 0.005 * 4 = 0.02, 0.01 * 3 = 0.03, 0.03 * 2 = 0.06, 0.04 * 1 -> max(0.04, 0.06) */
    const double wh[4] = {0.03, 0.06, 0.06, 0.02};
    for (int i = 0; i < 4; i++) {
        CHECK_REL(b[i], wb[i], 1e-15);
        CHECK_REL(h[i], wh[i], 1e-15);
    }
}

/* The power of the paired t-test against simulated tests with a stated error (5 standard
 * deviations of the rejection rate), and the sample size against the power function. */
static void test_power_against_simulation(void)
{
    nisac_rng g;
    nisac_rng_init(&g, 78, 0, 0, 1);
    const int nsim = 20000, n = 12;
    const double d = 0.7, tc = gsl_cdf_tdist_Pinv(0.975, n - 1);
    int rej = 0;
    for (int s = 0; s < nsim; s++) {
        double x[12], m, ss = 0;
        m = 0;
        for (int i = 0; i < n; i++) m += (x[i] = d + nisac_rng_normal(&g));
        m /= n;
        for (int i = 0; i < n; i++) ss += (x[i] - m) * (x[i] - m);
        rej += fabs(m / sqrt(ss / (n - 1) / n)) > tc;
    }
    const double pw = nisac_ttest_power(d, n, 0.05), sd = sqrt(pw * (1 - pw) / nsim);
    CHECK_MSG(fabs((double)rej / nsim - pw) < 5 * sd, "power %.4f, simulated %.4f", pw, (double)rej / nsim);
    const int ns = nisac_sample_size(0.5, 0.05, 0.8, 100000);
    CHECK(nisac_ttest_power(0.5, ns, 0.05) >= 0.8 && nisac_ttest_power(0.5, ns - 1, 0.05) < 0.8);
    CHECK(ns == 34); /* the standard table value for d = 0.5, alpha 0.05, power 0.8 */
    CHECK(nisac_sample_size(0.01, 0.05, 0.8, 1000) == 1001);
}

static void test_summary_and_p_text(void)
{
    const double x[4] = {1, 2, 3, NAN};
    nisac_summary s;
    nisac_stats_summary(x, 4, 0.99, &s);
    CHECK(s.n == 3);
    CHECK_REL(s.mean, 2, 1e-15);
    CHECK_REL(s.sd, 1, 1e-15);
    CHECK_REL(s.hi - s.mean, gsl_cdf_tdist_Pinv(0.995, 2) / sqrt(3.0), 1e-13);
    char buf[32];
    CHECK(!strcmp(nisac_p_text(1e-250, buf, sizeof buf), "< 1e-16"));
    CHECK(!strcmp(nisac_p_text(0.0123456, buf, sizeof buf), "0.0123"));
}

/* nisac report on a results file written here: B repeats A exactly (no difference: a zero mean
 * difference and no p-value), C is A shifted by 0.5 plus N(0, 0.1^2) noise (the shift is found,
 * inside its interval, with a tiny p). */
static void test_report_finds_the_shift(void)
{
    char dir[] = "/tmp/nisac-report-XXXXXX", path[256];
    CHECK(mkdtemp(dir) != NULL);
    snprintf(path, sizeof path, "%s/results.csv", dir);
    FILE *f = fopen(path, "w");
    CHECK(f != NULL);
    if (!f) return;
    nisac_rng g;
    nisac_rng_init(&g, 79, 0, 0, 1);
    fprintf(f, "# nisac results\n# points: 1 trials: 40 algorithms: 3 draws: 1 rows_per_unit: 3\n"
               "point,algo,trial,draw,status,rate\n");
    for (int t = 0; t < 40; t++) {
        const double x = 10 + nisac_rng_normal(&g), e = 0.1 * nisac_rng_normal(&g);
        fprintf(f, "0,A,%d,0,feasible,%.17g\n0,B,%d,0,feasible,%.17g\n0,C,%d,0,feasible,%.17g\n", t, x, t, x, t,
                x + 0.5 + e);
    }
    fclose(f);
    char msg[512];
    const char *m[1] = {"rate"};
    CHECK_MSG(nisac_stats_report(path, NULL, m, 1, 0.95, 0, msg, sizeof msg) == 0, "%s", msg);
    snprintf(path, sizeof path, "%s/report.csv", dir);
    f = fopen(path, "r");
    CHECK(f != NULL);
    char line[1024];
    int seen = 0;
    while (f && fgets(line, sizeof line, f)) {
        double v, lo, hi, st, df, p;
        const char *ab = "rate,pair,\"A\",\"B\",40,", *ac = "rate,pair,\"A\",\"C\",40,";
        if (!strncmp(line, ab, strlen(ab))) {
            CHECK(sscanf(line + strlen(ab), "%lf", &v) == 1 && v == 0);
            CHECK(strstr(line, "nan") != NULL); /* no p-value where there is no variance */
            seen |= 1;
        }
        if (!strncmp(line, ac, strlen(ac))) {
            CHECK(sscanf(line + strlen(ac), "%lf,%lf,%lf,%lf,%lf,%lf", &v, &lo, &hi, &st, &df, &p) == 6);
            CHECK_MSG(fabs(v + 0.5) < 0.05 && lo <= -0.5 && -0.5 <= hi && p < 1e-10, "A - C: %g [%g, %g] p %g", v, lo,
                      hi, p);
            seen |= 2;
        }
    }
    if (f) fclose(f);
    CHECK_MSG(seen == 3, "seen %d", seen);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    CHECK(system(cmd) == 0);
    /* a metric the file lacks is named */
    snprintf(path, sizeof path, "/nonexistent/results.csv");
    CHECK(nisac_stats_report(path, NULL, NULL, 0, 0.95, 0, msg, sizeof msg) != 0);
    CHECK(nisac_stats_report(path, NULL, NULL, 0, 1.5, 0, msg, sizeof msg) == NISAC_EINVAL);
}

int main(void)
{
    RUN(test_paired_and_welch_by_hand);
    RUN(test_anova_closed_form);
    RUN(test_ptukey_two_groups);
    RUN(test_ptukey_monte_carlo);
    RUN(test_corrections_by_hand);
    RUN(test_power_against_simulation);
    RUN(test_summary_and_p_text);
    RUN(test_report_finds_the_shift);
    TEST_END();
}
