#include "nisac/channel.h"
#include "nisac/linalg.h"

#include <math.h>
#include <stddef.h>

void nisac_rayleigh(nisac_rng *r, int N, int K, double complex *H, int ldh)
{
    for (int k = 0; k < K; k++) nisac_rng_cn_vec(r, N, 1.0, H + (size_t)k * ldh);
}

static void unit_direction(nisac_rng *r, int N, double complex *x)
{
    double nrm;
    do {
        nisac_rng_cn_vec(r, N, 1.0, x);
        nrm = sqrt(nisac_cnorm2(N, x));
    } while (nrm == 0.0);
    for (int i = 0; i < N; i++) x[i] /= nrm;
}

void nisac_csi_error_sphere(nisac_rng *r, int N, double eps, double complex *dh)
{
    unit_direction(r, N, dh);
    for (int i = 0; i < N; i++) dh[i] *= eps;
}

void nisac_csi_error_ball(nisac_rng *r, int N, double eps, double complex *dh)
{
    unit_direction(r, N, dh);
    double rad = eps * pow(nisac_rng_uniform(r), 1.0 / (2.0 * N));
    for (int i = 0; i < N; i++) dh[i] *= rad;
}
