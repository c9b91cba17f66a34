/* Worst-case evaluation under norm-bounded CSI errors: the trust-region
 * subproblem and the worst-case SINR of (17) over ||dh|| <= eps. */
#include "nisac/linalg.h"
#include "nisac/noma_isac.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

int nisac_trs_min(int n, const double complex *B, int ldb, const double complex *c, double q,
                  double eps, double complex *x, double *fmin)
{
    if (n <= 0 || !(eps >= 0) || !isfinite(eps))
        return NISAC_FAIL(NISAC_EINVAL, "trs: n=%d eps=%g", n, eps);
    double *d = malloc(sizeof(double) * (size_t)n);
    double complex *U = malloc(sizeof(double complex) * (size_t)n * (size_t)n);
    double complex *g = malloc(sizeof(double complex) * (size_t)n);
    double complex *y = malloc(sizeof(double complex) * (size_t)n);
    int rc = NISAC_OK;
    if (!d || !U || !g || !y) {
        rc = NISAC_FAIL(NISAC_ENOMEM, "trs: out of memory");
        goto out;
    }
    rc = nisac_heig(n, B, ldb, d, U, n);
    if (rc) goto out;
    double cn2 = 0;
    for (int i = 0; i < n; i++) {
        g[i] = nisac_cdot(n, U + (size_t)i * n, c); /* u_i^H c */
        cn2 += creal(g[i]) * creal(g[i]) + cimag(g[i]) * cimag(g[i]);
    }
    double dmax = fmax(fabs(d[0]), fabs(d[n - 1]));
    double scale = fmax(dmax, eps > 0 ? sqrt(cn2) / eps : 0);
    if (scale == 0) scale = 1;
    const double delta = 1e-13 * scale;
    double mu;
    int hard = 0;
    double lo = fmax(0.0, -d[0]);

    if (eps == 0) {
        for (int i = 0; i < n; i++) y[i] = 0;
        goto value;
    }
    /* phi over the non-degenerate indices at mu = lo, and the gradient mass
     * on the degenerate ones. */
    double phi_lo = 0, gap = 0;
    for (int i = 0; i < n; i++) {
        double den = d[i] + lo, gi2 = creal(g[i]) * creal(g[i]) + cimag(g[i]) * cimag(g[i]);
        if (den > delta) phi_lo += gi2 / (den * den);
        else gap += gi2;
    }
    if (gap <= 1e-24 * fmax(cn2, 1e-300) && phi_lo <= eps * eps) {
        hard = 1; /* interior (lo = 0) or the hard case (lo > 0) */
        mu = lo;
    } else {
        double a = lo, b = lo + sqrt(cn2) / eps + delta;
        for (int it = 0; it < 300 && b - a > 1e-15 * fmax(b, 1e-300); it++) {
            double m = 0.5 * (a + b), phi = 0;
            for (int i = 0; i < n; i++) {
                double den = d[i] + m;
                phi += (creal(g[i]) * creal(g[i]) + cimag(g[i]) * cimag(g[i])) / (den * den);
            }
            if (phi > eps * eps) a = m;
            else b = m;
        }
        mu = b; /* phi(b) <= eps^2: the iterate stays feasible */
    }
    double ny2 = 0;
    int first_deg = -1;
    for (int i = 0; i < n; i++) {
        double den = d[i] + mu;
        if (hard && den <= delta) {
            y[i] = 0;
            if (first_deg < 0) first_deg = i;
        } else {
            y[i] = -g[i] / den;
            ny2 += creal(y[i]) * creal(y[i]) + cimag(y[i]) * cimag(y[i]);
        }
    }
    if (hard && mu > 0 && first_deg >= 0 && ny2 < eps * eps) y[first_deg] = sqrt(eps * eps - ny2);
value:;
    double f = q;
    for (int i = 0; i < n; i++) {
        double yi2 = creal(y[i]) * creal(y[i]) + cimag(y[i]) * cimag(y[i]);
        f += d[i] * yi2 + 2.0 * creal(conj(g[i]) * y[i]);
    }
    *fmin = f;
    if (x) nisac_cgemv(n, n, U, n, y, x);
out:
    free(d);
    free(U);
    free(g);
    free(y);
    return rc;
}

/* min over ||dh|| <= eps of gamma * nu_kl(dh; gamma), nu_kl as in (20),
 * for rank-one W_i = w_i w_i^H. */
static int scaled_nu_min(const nisac_noma_instance *inst, const double complex *W, int ldw, int k,
                         int l, double gamma, double eps, double complex *Bm, double complex *cv,
                         double *fmin)
{
    const int N = inst->p.N, K = inst->p.K;
    const double complex *h = inst->H + (size_t)l * N;
    /* Phi' = W_k - gamma sum_{i>k} W_i ; B = Phi' - gamma sum_{i<k} W_i */
    memset(Bm, 0, sizeof(double complex) * (size_t)N * N);
    nisac_cher1(N, 1.0, W + (size_t)k * ldw, Bm, N);
    for (int i = k + 1; i < K; i++) nisac_cher1(N, -gamma, W + (size_t)i * ldw, Bm, N);
    nisac_cgemv(N, N, Bm, N, h, cv); /* c = Phi' h */
    double q = creal(nisac_cdot(N, h, cv)) - gamma * inst->p.sigma2;
    for (int i = 0; i < k; i++) nisac_cher1(N, -gamma, W + (size_t)i * ldw, Bm, N);
    return nisac_trs_min(N, Bm, N, cv, q, eps, NULL, fmin);
}

int nisac_noma_worst_sinr(const nisac_noma_instance *inst, const double complex *W, int ldw,
                          double eps, double rel_tol,
                          double wsinr[NISAC_MAX_USERS][NISAC_MAX_USERS])
{
    const int N = inst->p.N, K = inst->p.K;
    if (!(rel_tol > 0)) return NISAC_FAIL(NISAC_EINVAL, "worst_sinr: rel_tol must be > 0");
    nisac_noma_eval ev;
    int rc = nisac_noma_evaluate(inst, W, ldw, NULL, 0, &ev);
    if (rc) return rc;
    double complex *Bm = malloc(sizeof(double complex) * (size_t)N * N);
    double complex *cv = malloc(sizeof(double complex) * (size_t)N);
    if (!Bm || !cv) {
        free(Bm);
        free(cv);
        return NISAC_FAIL(NISAC_ENOMEM, "worst_sinr: out of memory");
    }
    for (int k = 0; k < K; k++) {
        for (int l = 0; l < K; l++) wsinr[k][l] = NAN;
        int lmax = inst->p.decoders == NISAC_DECODERS_ALL ? K - 1 : k;
        for (int l = k; l <= lmax; l++) {
            /* The worst case is at most the nominal SINR (dh = 0 is allowed). */
            double lo = 0, hi = ev.sinr[k][l], f;
            rc = scaled_nu_min(inst, W, ldw, k, l, hi, eps, Bm, cv, &f);
            if (rc) goto out;
            if (f >= 0) lo = hi;
            while (hi - lo > rel_tol * hi) {
                double mid = 0.5 * (lo + hi);
                rc = scaled_nu_min(inst, W, ldw, k, l, mid, eps, Bm, cv, &f);
                if (rc) goto out;
                if (f >= 0) lo = mid;
                else hi = mid;
            }
            wsinr[k][l] = lo;
        }
    }
out:
    free(Bm);
    free(cv);
    return rc;
}
