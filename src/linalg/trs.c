/* The trust-region subproblem (include/nisac/linalg.h). */
#include "nisac/linalg.h"
#include "nisac/core.h"

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

