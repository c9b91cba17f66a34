/* Channel models: Rayleigh fading and the norm-bounded CSI error model. */
#ifndef NISAC_CHANNEL_H
#define NISAC_CHANNEL_H

#include <complex.h>
#include "nisac/rng.h"

#ifdef __cplusplus
extern "C" {
#endif
#pragma GCC visibility push(default) /* the public API of the shared library */

/* K Rayleigh channels h_k ~ CN(0, I_N), drawn in order k = 0..K-1 from r;
 * H is N x K column-major (ldh >= N), column k is h_k. */
void nisac_rayleigh(nisac_rng *r, int N, int K, double complex *H, int ldh);

/* Norm-bounded CSI error (14)-(15): dh with ||dh||_2 <= eps.
 * nisac_csi_error_ball draws dh uniformly in the ball (a CN direction
 * normalised, radius eps * U^{1/(2N)} since the ball is 2N-dimensional
 * over the reals); nisac_csi_error_sphere draws dh uniformly on the
 * sphere ||dh|| = eps. */
void nisac_csi_error_ball(nisac_rng *r, int N, double eps, double complex *dh);
void nisac_csi_error_sphere(nisac_rng *r, int N, double eps, double complex *dh);

#pragma GCC visibility pop

#ifdef __cplusplus
}
#endif
#endif
