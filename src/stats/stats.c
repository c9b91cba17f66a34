/* Sample statistics and tests (include/nisac/stats.h, docs/statistics.md):
 * GSL's t, F, chi-square and normal distributions and its adaptive
 * quadrature; the studentised range from its integral definition. */
#include "nisac/stats.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_integration.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_sf_gamma.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Welford's one-pass mean and sum of squared deviations of the finite values. */
static int welford(const double *x, int n, double *mean, double *ss)
{
    int c = 0;
    double m = 0, s = 0;
    for (int i = 0; i < n; i++) {
        if (!isfinite(x[i])) continue;
        c++;
        const double d = x[i] - m;
        m += d / c;
        s += d * (x[i] - m);
    }
    *mean = c ? m : NAN;
    *ss = s;
    return c;
}

void nisac_stats_ci95(const double *x, int n, int *count, double *mean, double *sd, double *half)
{
    nisac_summary s;
    nisac_stats_summary(x, n, 0.95, &s);
    *count = s.n;
    *mean = s.mean;
    *sd = s.sd;
    *half = s.n > 1 ? s.hi - s.mean : NAN;
}

void nisac_stats_summary(const double *x, int n, double level, nisac_summary *out)
{
    double m, ss;
    const int c = welford(x, n, &m, &ss);
    out->n = c;
    out->mean = m;
    out->sd = c > 1 ? sqrt(ss / (c - 1)) : NAN;
    out->se = c > 1 ? out->sd / sqrt((double)c) : NAN;
    const double h = c > 1 ? gsl_cdf_tdist_Pinv(0.5 + level / 2, c - 1) * out->se : NAN;
    out->lo = m - h;
    out->hi = m + h;
}

/* Two-sided p of a t statistic (t infinite: 0). */
static double t_p(double t, double df)
{
    if (isnan(t)) return NAN;
    if (isinf(t)) return 0;
    return 2 * gsl_cdf_tdist_Q(fabs(t), df);
}

void nisac_ttest_paired(const double *x, const double *y, int n, double level, nisac_ttest *out)
{
    double *d = malloc(sizeof(double) * (size_t)(n > 0 ? n : 1));
    int c = 0;
    for (int i = 0; d && i < n; i++)
        if (isfinite(x[i]) && isfinite(y[i])) d[c++] = x[i] - y[i];
    nisac_summary s;
    nisac_stats_summary(d ? d : x, d ? c : 0, level, &s);
    free(d);
    out->n = s.n;
    out->diff = s.mean;
    out->lo = s.lo, out->hi = s.hi;
    out->df = s.n > 1 ? s.n - 1 : NAN;
    out->t = s.n > 1 ? (s.se > 0 ? s.mean / s.se : s.mean != 0 ? copysign(INFINITY, s.mean) : NAN) : NAN;
    out->p = s.n > 1 ? t_p(out->t, out->df) : NAN;
    out->d = s.n > 1 && s.sd > 0 ? s.mean / s.sd : NAN;
}

void nisac_ttest_welch(const double *x, int nx, const double *y, int ny, double level, nisac_ttest *out)
{
    double mx, sx, my, sy;
    const int cx = welford(x, nx, &mx, &sx), cy = welford(y, ny, &my, &sy);
    memset(out, 0, sizeof *out);
    out->n = cx + cy;
    out->diff = mx - my;
    if (cx < 2 || cy < 2) {
        out->lo = out->hi = out->t = out->df = out->p = out->d = NAN;
        return;
    }
    const double vx = sx / (cx - 1), vy = sy / (cy - 1), ax = vx / cx, ay = vy / cy, se = sqrt(ax + ay);
    out->df = (ax + ay) * (ax + ay) / (ax * ax / (cx - 1) + ay * ay / (cy - 1));
    out->t = se > 0 ? out->diff / se : out->diff != 0 ? copysign(INFINITY, out->diff) : NAN;
    out->p = t_p(out->t, out->df);
    const double h = se > 0 ? gsl_cdf_tdist_Pinv(0.5 + level / 2, out->df) * se : 0;
    out->lo = out->diff - h, out->hi = out->diff + h;
    const double sp = sqrt((sx + sy) / (cx + cy - 2));
    out->d = sp > 0 ? out->diff / sp : NAN;
}

void nisac_anova1(int k, const double *const *x, const int *n, nisac_anova *out)
{
    memset(out, 0, sizeof *out);
    double grand = 0, ssw = 0;
    int N = 0, kk = 0;
    double *m = malloc(sizeof(double) * (size_t)(k > 0 ? k : 1));
    int *c = malloc(sizeof(int) * (size_t)(k > 0 ? k : 1));
    for (int i = 0; m && c && i < k; i++) {
        double ss;
        c[i] = welford(x[i], n[i], &m[i], &ss);
        if (!c[i]) continue;
        kk++;
        N += c[i];
        grand += c[i] * m[i];
        ssw += ss;
    }
    grand = N ? grand / N : NAN;
    double ssb = 0;
    for (int i = 0; m && c && i < k; i++)
        if (c[i]) ssb += c[i] * (m[i] - grand) * (m[i] - grand);
    free(m), free(c);
    out->k = kk, out->N = N;
    out->ss_between = ssb, out->ss_within = ssw;
    out->df_between = kk - 1, out->df_within = N - kk;
    out->ms_between = kk > 1 ? ssb / (kk - 1) : NAN;
    out->ms_within = N > kk ? ssw / (N - kk) : NAN;
    out->F = out->ms_within > 0 ? out->ms_between / out->ms_within : out->ms_between > 0 ? INFINITY : NAN;
    out->p = kk > 1 && N > kk ? (isinf(out->F) ? 0 : gsl_cdf_fdist_Q(out->F, kk - 1, N - kk)) : NAN;
}

/* ---- the studentised range ---- */

typedef struct {
    int k;
    double w;  /* range threshold of the inner integral */
    double q, nu, lognorm;
    gsl_integration_workspace *inner;
} srange;

static double range_integrand(double z, void *v)
{
    const srange *r = v;
    const double a = gsl_cdf_ugaussian_P(z) - gsl_cdf_ugaussian_P(z - r->w);
    return a > 0 ? gsl_ran_ugaussian_pdf(z) * pow(a, r->k - 1) : 0;
}

/* P(range of k standard normals <= w) */
static double prange(srange *r, double w)
{
    if (!(w > 0)) return 0;
    r->w = w;
    gsl_function f = {range_integrand, r};
    double res, err;
    /* phi(z) is below 1e-22 outside [-10, 10 + w] */
    gsl_integration_qags(&f, -10, 10 + w, 1e-13, 1e-10, 1000, r->inner, &res, &err);
    res *= r->k;
    return res < 0 ? 0 : res > 1 ? 1 : res;
}

static double outer_integrand(double s, void *v)
{
    srange *r = v;
    if (!(s > 0)) return 0;
    /* density of S = sqrt(chi^2_nu / nu) */
    const double lf = r->lognorm + (r->nu - 1) * log(s) - r->nu * s * s / 2;
    return exp(lf) * prange(r, r->q * s);
}

double nisac_ptukey(double q, int k, double nu)
{
    if (k < 2 || !(nu > 0) || isnan(q)) return NAN;
    if (!(q > 0)) return 0;
    gsl_error_handler_t *old = gsl_set_error_handler_off();
    srange r = {k, 0, q, nu, 0, gsl_integration_workspace_alloc(1000)};
    double res = NAN;
    if (r.inner) {
        if (isinf(nu) || nu > 1e6) res = prange(&r, q);
        else {
            r.lognorm = log(2) + (nu / 2) * log(nu / 2) - gsl_sf_lngamma(nu / 2);
            gsl_integration_workspace *ow = gsl_integration_workspace_alloc(1000);
            if (ow) {
                gsl_function f = {outer_integrand, &r};
                double err;
                /* S = sqrt(chi^2_nu / nu) lies within 20 of its standard deviations (about
                   1 / sqrt(2 nu)) of 1, and below 12 for small nu: a finite interval */
                const double sd = 1 / sqrt(2 * nu), a = fmax(0, 1 - 20 * sd), b = fmax(1 + 20 * sd, 12);
                gsl_integration_qags(&f, a, b, 1e-12, 1e-10, 1000, ow, &res, &err);
                gsl_integration_workspace_free(ow);
            }
        }
        gsl_integration_workspace_free(r.inner);
    }
    gsl_set_error_handler(old);
    return res < 0 ? 0 : res > 1 ? 1 : res;
}

double nisac_qtukey(double p, int k, double nu)
{
    if (!(p > 0 && p < 1) || k < 2 || !(nu > 0)) return NAN;
    double lo = 0, hi = 1;
    while (nisac_ptukey(hi, k, nu) < p && hi < 1e4) hi *= 2;
    for (int it = 0; it < 200 && hi - lo > 1e-9 * hi; it++) {
        const double mid = (lo + hi) / 2;
        if (nisac_ptukey(mid, k, nu) < p) lo = mid;
        else hi = mid;
    }
    return (lo + hi) / 2;
}

double nisac_tukey_p(double mi, double mj, int ni, int nj, double msw, double df, int k)
{
    if (ni < 1 || nj < 1 || !(msw >= 0) || k < 2) return NAN;
    const double se = sqrt(msw / 2 * (1.0 / ni + 1.0 / nj));
    if (!(se > 0)) return mi == mj ? NAN : 0;
    return 1 - nisac_ptukey(fabs(mi - mj) / se, k, df);
}

/* ---- multiple comparisons ---- */

/* Corrections count only the p-values that exist (NaN: no test, left NaN). */
static int tested(int m, const double *p)
{
    int c = 0;
    for (int i = 0; i < m; i++) c += !isnan(p[i]);
    return c;
}

void nisac_p_bonferroni(int m, const double *p, double *adj)
{
    const int c = tested(m, p);
    for (int i = 0; i < m; i++) adj[i] = isnan(p[i]) ? NAN : fmin(1, c * p[i]);
}

void nisac_p_holm(int m, const double *p, double *adj)
{
    int *ix = malloc(sizeof(int) * (size_t)(m > 0 ? m : 1));
    double *v = malloc(sizeof(double) * (size_t)(m > 0 ? m : 1));
    if (!ix || !v) { /* out of memory: the more conservative Bonferroni */
        free(ix), free(v);
        nisac_p_bonferroni(m, p, adj);
        return;
    }
    int c = 0;
    for (int i = 0; i < m; i++) {
        v[i] = p[i];
        if (!isnan(p[i])) ix[c++] = i;
        else adj[i] = NAN;
    }
    for (int i = 1; i < c; i++) /* insertion sort by p (m is small: pairs of algorithms) */
        for (int j = i; j > 0 && v[ix[j]] < v[ix[j - 1]]; j--) {
            const int t = ix[j];
            ix[j] = ix[j - 1];
            ix[j - 1] = t;
        }
    double run = 0;
    for (int r = 0; r < c; r++) {
        run = fmax(run, fmin(1, (c - r) * v[ix[r]]));
        adj[ix[r]] = run;
    }
    free(ix), free(v);
}

/* ---- power and sample size ---- */

typedef struct {
    double t, delta, nu;
} nct;

static double nct_integrand(double u, void *v)
{
    const nct *c = v;
    return gsl_cdf_ugaussian_P(c->t * sqrt(u / c->nu) - c->delta) * gsl_ran_chisq_pdf(u, c->nu);
}

/* P(T' <= t), T' noncentral t with nu degrees of freedom and noncentrality delta */
static double nct_cdf(double t, double nu, double delta, gsl_integration_workspace *w)
{
    nct c = {t, delta, nu};
    gsl_function f = {nct_integrand, &c};
    double res, err;
    /* the chi-square mass lies within 20 standard deviations sqrt(2 nu) of nu (and above 0):
       a finite interval, so that the quadrature cannot miss a narrow peak */
    const double sd = sqrt(2 * nu), a = fmax(0, nu - 20 * sd), b = nu + 20 * sd + 40;
    gsl_integration_qags(&f, a, b, 1e-13, 1e-10, 1000, w, &res, &err);
    return res;
}

double nisac_ttest_power(double d, int n, double alpha)
{
    if (n < 2 || !(alpha > 0 && alpha < 1) || isnan(d)) return NAN;
    gsl_error_handler_t *old = gsl_set_error_handler_off();
    gsl_integration_workspace *w = gsl_integration_workspace_alloc(1000);
    double pw = NAN;
    if (w) {
        const double nu = n - 1, tc = gsl_cdf_tdist_Pinv(1 - alpha / 2, nu), delta = fabs(d) * sqrt((double)n);
        pw = 1 - nct_cdf(tc, nu, delta, w) + nct_cdf(-tc, nu, delta, w);
        gsl_integration_workspace_free(w);
    }
    gsl_set_error_handler(old);
    return pw < 0 ? 0 : pw > 1 ? 1 : pw;
}

int nisac_sample_size(double d, double alpha, double power, int n_max)
{
    if (n_max < 2) return n_max + 1;
    int lo = 1, hi = 2; /* power(lo) < target (lo = 1: no test) */
    while (hi <= n_max && !(nisac_ttest_power(d, hi, alpha) >= power)) lo = hi, hi *= 2;
    if (hi > n_max) {
        hi = n_max;
        if (!(nisac_ttest_power(d, hi, alpha) >= power)) return n_max + 1;
    }
    while (hi - lo > 1) {
        const int mid = lo + (hi - lo) / 2;
        if (nisac_ttest_power(d, mid, alpha) >= power) hi = mid;
        else lo = mid;
    }
    return hi;
}

const char *nisac_p_text(double p, char *buf, int len)
{
    if (isnan(p)) snprintf(buf, (size_t)len, "n/a");
    else if (p < 1e-16) snprintf(buf, (size_t)len, "< 1e-16");
    else snprintf(buf, (size_t)len, "%.3g", p);
    return buf;
}
