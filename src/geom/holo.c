/* Holographic planar arrays in the near field (include/nisac/holo.h,
 * docs/models/rs_noma_isac.md section 3.2). */
#include "nisac/holo.h"
#include "nisac/core.h"

#include <math.h>
#include <stdlib.h>

/* element position and the point's unit direction */
static void element(const nisac_upa *a, int i, double *ex, double *ey)
{
    const int m = i % a->Mx, n = i / a->Mx;
    *ex = (m - 0.5 * (a->Mx - 1)) * a->dx;
    *ey = (n - 0.5 * (a->My - 1)) * a->dy;
}

double nisac_upa_distance(const nisac_upa *a, int i, double r, double theta, double phi, nisac_holo_model model)
{
    double ex, ey;
    element(a, i, &ex, &ey);
    const double ux = sin(theta) * cos(phi), uy = sin(theta) * sin(phi);
    const double u = ex * ux + ey * uy, rho2 = ex * ex + ey * ey;
    switch (model) {
    case NISAC_HOLO_EXACT: {
        /* (3) as the law of cosines: |r e_u - e|, the square root over every term */
        const double s = r * r + rho2 - 2 * r * u;
        return sqrt(s > 0 ? s : 0);
    }
    case NISAC_HOLO_FRESNEL:
        return r - u + (rho2 - u * u) / (2 * r);
    case NISAC_HOLO_FRESNEL_PRINTED:
        return r - u + rho2 / (2 * r);
    case NISAC_HOLO_FARFIELD:
    default:
        return r - u;
    }
}

void nisac_upa_response(const nisac_upa *a, double r, double theta, double phi, nisac_holo_model model,
                        double complex *out)
{
    const int M = a->Mx * a->My;
    const double s = 1 / sqrt((double)M);
    for (int i = 0; i < M; i++) {
        const double ri = nisac_upa_distance(a, i, r, theta, phi, model);
        const double amp = model == NISAC_HOLO_EXACT ? (ri > 0 ? 1 / ri : 0) : 1 / r;
        /* the phase 2 pi r_i reduced before the exponential keeps ranges of 1e6 wavelengths exact to
           the ulp of the fractional part */
        const double f = ri - floor(ri);
        out[i] = s * amp * cexp(I * 2 * M_PI * f);
    }
}

void nisac_upa_response_dtheta(const nisac_upa *a, double r, double theta, double phi, nisac_holo_model model,
                               double complex *out)
{
    const int M = a->Mx * a->My;
    const double s = 1 / sqrt((double)M);
    for (int i = 0; i < M; i++) {
        double ex, ey;
        element(a, i, &ex, &ey);
        const double u = sin(theta) * (ex * cos(phi) + ey * sin(phi)), du = cos(theta) * (ex * cos(phi) + ey * sin(phi));
        const double ri = nisac_upa_distance(a, i, r, theta, phi, model);
        double dr; /* d r_i / d theta */
        switch (model) {
        case NISAC_HOLO_EXACT: dr = ri > 0 ? -r * du / ri : 0; break;
        case NISAC_HOLO_FRESNEL: dr = -du - u * du / r; break;
        default: dr = -du; break; /* printed Fresnel and far field: the quadratic term does not move */
        }
        const double f = ri - floor(ri);
        const double complex e = cexp(I * 2 * M_PI * f);
        if (model == NISAC_HOLO_EXACT)
            out[i] = ri > 0 ? s * e * dr * (I * 2 * M_PI / ri - 1 / (ri * ri)) : 0;
        else
            out[i] = s * e * dr * I * 2 * M_PI / r;
    }
}

double nisac_upa_rayleigh(const nisac_upa *a, double *diag)
{
    const double d = fmax(a->dx, a->dy), D2 = (double)a->Mx * a->My * d * d;
    if (diag) *diag = 2 * ((a->Mx * a->dx) * (a->Mx * a->dx) + (a->My * a->dy) * (a->My * a->dy));
    return 2 * D2;
}

int nisac_upa_correlated(const nisac_upa *a, double rho, nisac_rng *rng, double complex *h)
{
    if (!(rho >= 0 && rho < 1)) return NISAC_FAIL(NISAC_EINVAL, "field 'rho_c': expected 0 <= rho < 1, got %g", rho);
    const int Mx = a->Mx, My = a->My;
    const double c = sqrt(1 - rho * rho);
    nisac_rng_cn_vec(rng, Mx * My, 1, h);
    /* AR(1) along x, then along y: the Cholesky factor of rho^|i-j| applied per axis */
    for (int n = 0; n < My; n++)
        for (int m = 1; m < Mx; m++) h[m + Mx * n] = rho * h[m - 1 + Mx * n] + c * h[m + Mx * n];
    for (int n = 1; n < My; n++)
        for (int m = 0; m < Mx; m++) h[m + Mx * n] = rho * h[m + Mx * (n - 1)] + c * h[m + Mx * n];
    return NISAC_OK;
}

int nisac_holo_user_channel(const nisac_upa *a, double beta, int P, const double *theta, const double *phi,
                            const double *r, const double *var, nisac_rng *rng, double complex *h)
{
    const int M = a->Mx * a->My;
    for (int i = 0; i < M; i++) h[i] = 0;
    double complex *ap = malloc(sizeof(double complex) * (size_t)M);
    if (!ap) return NISAC_FAIL(NISAC_ENOMEM, "channel: out of memory");
    for (int p = 0; p < P; p++) {
        const double complex alpha = sqrt(var[p]) * nisac_rng_cn(rng);
        nisac_upa_response(a, r[p], theta[p], phi[p], NISAC_HOLO_EXACT, ap);
        for (int i = 0; i < M; i++) h[i] += sqrt(beta) * alpha * ap[i];
    }
    free(ap);
    return NISAC_OK;
}

double complex nisac_holo_radar_gain(double rcs, double Gt, double Gr, double lambda, double R)
{
    const double amp = sqrt(rcs * Gt * Gr * lambda * lambda / (pow(4 * M_PI, 3) * pow(R, 4)));
    const double f = 2 * R / lambda; /* 4 pi R / lambda = 2 pi f */
    return amp * cexp(-I * 2 * M_PI * (f - floor(f)));
}
