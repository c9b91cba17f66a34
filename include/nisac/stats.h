/* Sample statistics and the tests of a Monte Carlo comparison (GSL's t, F
 * and normal distributions; the studentised range from its integral
 * definition).  Knows no system or algorithm.  docs/statistics.md gives
 * each definition.  Non-finite values are skipped (pairs: both members). */
#ifndef NISAC_STATS_H
#define NISAC_STATS_H

#ifdef __cplusplus
extern "C" {
#endif
#pragma GCC visibility push(default) /* the public API of the shared library */

/* Student-t statistics of x[0..n-1]: count, mean, standard deviation
 * (n-1), half-width of the 95% confidence interval (NaN below two values). */
void nisac_stats_ci95(const double *x, int n, int *count, double *mean, double *sd, double *half);

typedef struct nisac_summary {
    int n;            /* finite values */
    double mean, sd;  /* sd with n - 1 */
    double se;        /* sd / sqrt(n) */
    double lo, hi;    /* the level's two-sided Student-t interval of the mean */
} nisac_summary;
/* level in (0, 1), e.g. 0.95 or 0.99. */
void nisac_stats_summary(const double *x, int n, double level, nisac_summary *out);

typedef struct nisac_ttest {
    int n;            /* pairs (paired) or nx + ny (Welch) */
    double diff;      /* mean difference x - y */
    double lo, hi;    /* its two-sided interval at the level */
    double t, df, p;  /* statistic, degrees of freedom (Welch-Satterthwaite), two-sided p */
    double d;         /* Cohen's d: paired d_z = mean(x - y) / sd(x - y); Welch: (mean x - mean y) / s_pooled,
                         s_pooled = sqrt(((nx - 1) sx^2 + (ny - 1) sy^2) / (nx + ny - 2)) */
} nisac_ttest;
/* Paired t-test of x[i] - y[i]; NaN fields below two pairs (a zero
 * variance gives t = +-inf and p = 0 for a non-zero difference, NaN for none). */
void nisac_ttest_paired(const double *x, const double *y, int n, double level, nisac_ttest *out);
/* Welch's unequal-variance t-test of two independent samples. */
void nisac_ttest_welch(const double *x, int nx, const double *y, int ny, double level, nisac_ttest *out);

typedef struct nisac_anova {
    int k, N;                        /* groups with at least one value, values */
    double ss_between, ss_within;    /* sums of squares */
    double df_between, df_within;    /* k - 1, N - k */
    double ms_between, ms_within;    /* mean squares */
    double F, p;                     /* F = MSB / MSW, p = P(F(k-1, N-k) > F) */
} nisac_anova;
/* One-way ANOVA of k groups: group i is x[i][0..n[i]-1]. */
void nisac_anova1(int k, const double *const *x, const int *n, nisac_anova *out);

/* The studentised range Q = (max - min of k independent N(0, 1)) / S,
 * nu S^2 ~ chi^2(nu) independent of them (nu = INFINITY: S = 1):
 * P(Q <= q) = int_0^inf f_S(s) P_R(q s) ds, P_R(w) = k int phi(z) (Phi(z) - Phi(z - w))^(k - 1) dz,
 * by adaptive quadrature (GSL QAGS/QAGIU; absolute error below 1e-9).  k >= 2. */
double nisac_ptukey(double q, int k, double nu);
/* Its quantile (bisection on nisac_ptukey to 1e-9). */
double nisac_qtukey(double p, int k, double nu);

/* Tukey's HSD p-value of groups i and j with means mi, mj and sizes ni, nj,
 * from the ANOVA's within mean square and degrees of freedom (k groups):
 * q = |mi - mj| / sqrt(MSW / 2 (1/ni + 1/nj)), p = 1 - P(Q <= q; k, df). */
double nisac_tukey_p(double mi, double mj, int ni, int nj, double msw, double df, int k);

/* Corrections of m p-values (adj may alias p): Bonferroni min(1, m p);
 * Holm's step-down: sorted p_(1) <= ... <= p_(m), adj_(i) = max_{j <= i} min(1, (m - j + 1) p_(j)).
 * NaN p-values (no test) stay NaN and do not count in m. */
void nisac_p_bonferroni(int m, const double *p, double *adj);
void nisac_p_holm(int m, const double *p, double *adj);

/* Power of the two-sided paired (one-sample) t-test at level alpha with n
 * pairs and effect size d = mean / sd: P(|T'| > t_{1 - alpha/2, n-1}),
 * T' noncentral t (n - 1 degrees of freedom, noncentrality d sqrt(n)), by
 * quadrature over the chi-square mixing density. */
double nisac_ttest_power(double d, int n, double alpha);
/* The smallest n >= 2 whose power reaches `power` (n_max + 1 when none up to n_max). */
int nisac_sample_size(double d, double alpha, double power, int n_max);

/* A p-value as text honest about double precision: "< 1e-16" below 1e-16,
 * else 3 significant digits (buf of at least 16 bytes). */
const char *nisac_p_text(double p, char *buf, int len);

#pragma GCC visibility pop

#ifdef __cplusplus
}
#endif
#endif
