/* Holographic planar arrays in the near field (paper 004, section 3.2):
 * element-to-point distances, the spherical-wave response and its
 * Fresnel and far-field approximations, the Rayleigh distance, and
 * spatially correlated Rayleigh fading.  docs/models/rs_noma_isac.md.
 *
 * Geometry: a UPA of Mx x My elements in the xy plane, spacing dx, dy,
 * centred at the origin: element (m, n) (m = 0..Mx-1 along x, n along y)
 * at ((m - (Mx-1)/2) dx, (n - (My-1)/2) dy, 0); index m + Mx n.  A point
 * at range r, polar angle theta (from the array normal z), azimuth phi.
 * Lengths in wavelengths. */
#ifndef NISAC_HOLO_H
#define NISAC_HOLO_H

#include <complex.h>
#include "nisac/rng.h"

#ifdef __cplusplus
extern "C" {
#endif
#pragma GCC visibility push(default) /* the public API of the shared library */

typedef enum {
    NISAC_HOLO_EXACT = 0,      /* (3): the exact element-to-point distance */
    NISAC_HOLO_FRESNEL,        /* second order in the aperture: r - u + (rho^2 - u^2) / (2r) */
    NISAC_HOLO_FRESNEL_PRINTED,/* (4) as printed: r - u + rho^2 / (2r) (drops -u^2 / 2r) */
    NISAC_HOLO_FARFIELD        /* first order: r - u (plane wave) */
} nisac_holo_model;

typedef struct nisac_upa {
    int Mx, My;
    double dx, dy; /* element spacing (wavelengths) */
} nisac_upa;

/* Distance (wavelengths) from element i (= m + Mx n) to the point
 * (r, theta, phi) under model. */
double nisac_upa_distance(const nisac_upa *a, int i, double r, double theta, double phi, nisac_holo_model model);

/* Response (2): a_i = exp(j 2 pi r_i) / (sqrt(M) r_i) (EXACT), with the
 * amplitude 1/r for the approximations (their standard reading: only the
 * phase is expanded).  a has Mx My entries. */
void nisac_upa_response(const nisac_upa *a, double r, double theta, double phi, nisac_holo_model model,
                        double complex *out);

/* d a / d theta of the response under model (analytic), Mx My entries. */
void nisac_upa_response_dtheta(const nisac_upa *a, double r, double theta, double phi, nisac_holo_model model,
                               double complex *out);

/* Rayleigh distance 2 D^2 / lambda (wavelengths) with the paper's
 * aperture D = sqrt(Mx My) d (d = max(dx, dy)); *diag (if not NULL)
 * gets the same with the array's diagonal D = sqrt((Mx dx)^2 + (My dy)^2). */
double nisac_upa_rayleigh(const nisac_upa *a, double *diag);

/* Correlated Rayleigh fading with the exponential (Kronecker) model
 * R = Rx (x) Ry, [Rx]_{ij} = rho^|i-j|: h = (Lx (x) Ly) z, z ~ CN(0, I),
 * L the Cholesky factors, so E[h h^H] = R.  rho in [0, 1). */
int nisac_upa_correlated(const nisac_upa *a, double rho, nisac_rng *rng, double complex *h);

/* (1): h = sqrt(beta) sum_p alpha_p a(theta_p, phi_p, r_p), alpha_p ~
 * CN(0, var[p]) (the var summing to 1 by (5)), exact responses (2). */
int nisac_holo_user_channel(const nisac_upa *a, double beta, int P, const double *theta, const double *phi,
                            const double *r, const double *var, nisac_rng *rng, double complex *h);

/* (7): the bistatic radar gain beta_l of H_l = beta_l a a^H (a the exact
 * response at the target), beta_l = sqrt(rcs Gt Gr lambda^2 / ((4 pi)^3 R^4))
 * e^{-j 4 pi R / lambda}; R and lambda in metres, rcs in m^2. */
double complex nisac_holo_radar_gain(double rcs, double Gt, double Gr, double lambda, double R);

#pragma GCC visibility pop

#ifdef __cplusplus
}
#endif
#endif
