/* Hardware impairments and imperfect CSI of holographic arrays (paper
 * 004, section 3.3): mutual coupling (8), phase noise (10)-(11), I/Q
 * imbalance (12)-(13), and a normalised CSI error.
 * docs/models/rs_noma_isac.md. */
#ifndef NISAC_IMPAIR_H
#define NISAC_IMPAIR_H

#include <complex.h>
#include "nisac/holo.h"
#include "nisac/rng.h"

#ifdef __cplusplus
extern "C" {
#endif
#pragma GCC visibility push(default) /* the public API of the shared library */

/* (8) with nearest neighbours: y = C x, C = I + kappa (T_x + T_y), T_x
 * (T_y) linking elements adjacent along x (y).  y and x may not alias. */
void nisac_coupling_apply(const nisac_upa *a, double complex kappa, const double complex *x, double complex *y);

/* (12)-(13), read as the standard image model y = K1 x + K2 conj(x) with
 * K1 = (1 + g e^{-j psi}) / 2, K2 = (1 - g e^{j psi}) / 2, whose image
 * rejection is |K1|^2 / |K2|^2 = (1 + 2 g cos psi + g^2) / (1 - 2 g cos psi + g^2),
 * the form of (13).  Given the IRR (dB, > 0) and the phase imbalance psi
 * (|psi| < pi/2), the gain ratio g (<= 1) follows; NISAC_EINVAL when no g
 * gives that IRR with this psi. */
int nisac_iq_coeffs(double irr_db, double psi, double complex *K1, double complex *K2);

/* (10)-(11): n steps of independent Wiener phase-noise processes on M
 * chains, increments N(0, var_step) (var_step = 4 pi^2 c0 Ts); phase[t*M + m]
 * is the phase of chain m after step t + 1 (from 0). */
void nisac_phase_noise_wiener(nisac_rng *rng, int M, int n, double var_step, double *phase);

/* H_hat = H + E with E Gaussian, scaled so that ||E||_F = eps ||H||_F
 * exactly (n entries). */
void nisac_csi_error_normalised(nisac_rng *rng, int n, double eps, const double complex *H, double complex *Hhat);

#pragma GCC visibility pop

#ifdef __cplusplus
}
#endif
#endif
