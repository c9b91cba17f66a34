/* Array geometry and far-field steering vectors. */
#ifndef NISAC_GEOM_H
#define NISAC_GEOM_H

#include <complex.h>

#ifdef __cplusplus
extern "C" {
#endif
#pragma GCC visibility push(default) /* the public API of the shared library */

/* ULA steering vector of paper 000, after (5):
 *   alpha(theta)[n] = exp(j 2 pi d_lambda n sin(theta)), n = 0..N-1,
 * with theta in radians and d_lambda = d / lambda (1/2 for half-wavelength
 * spacing).  ||alpha||^2 = N.  a must hold N elements. */
void nisac_ula_steering(int N, double d_lambda, double theta, double complex *a);

double nisac_deg2rad(double deg);
double nisac_rad2deg(double rad);

#pragma GCC visibility pop

#ifdef __cplusplus
}
#endif
#endif
