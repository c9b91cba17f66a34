/* Hardware impairments and imperfect CSI (include/nisac/impair.h). */
#include "nisac/impair.h"
#include "nisac/core.h"

#include <math.h>

void nisac_coupling_apply(const nisac_upa *a, double complex kappa, const double complex *x, double complex *y)
{
    const int Mx = a->Mx, My = a->My;
    for (int n = 0; n < My; n++)
        for (int m = 0; m < Mx; m++) {
            const int i = m + Mx * n;
            double complex s = 0;
            if (m > 0) s += x[i - 1];
            if (m + 1 < Mx) s += x[i + 1];
            if (n > 0) s += x[i - Mx];
            if (n + 1 < My) s += x[i + Mx];
            y[i] = x[i] + kappa * s;
        }
}

int nisac_iq_coeffs(double irr_db, double psi, double complex *K1, double complex *K2)
{
    if (!(irr_db > 0) || !isfinite(irr_db) || !(fabs(psi) < M_PI / 2))
        return NISAC_FAIL(NISAC_EINVAL, "field 'irr_db': expected IRR > 0 dB and |psi| < 90 deg, got %g dB, %g rad",
                          irr_db, psi);
    /* g^2 - 2 g c + 1 = 0, c = cos(psi) (R + 1) / (R - 1): the root below 1 */
    const double R = pow(10, irr_db / 10), c = cos(psi) * (R + 1) / (R - 1);
    if (c < 1)
        return NISAC_FAIL(NISAC_EINVAL, "field 'irr_db': %g dB exceeds cot^2(psi/2) = %.3g dB, the IRR of a phase "
                                        "imbalance of %g rad with matched gains", irr_db,
                          10 * log10(1 / (tan(psi / 2) * tan(psi / 2))), psi);
    const double g = c - sqrt(c * c - 1);
    *K1 = (1 + g * cexp(-I * psi)) / 2;
    *K2 = (1 - g * cexp(I * psi)) / 2;
    return NISAC_OK;
}

void nisac_phase_noise_wiener(nisac_rng *rng, int M, int n, double var_step, double *phase)
{
    const double s = sqrt(var_step);
    for (int t = 0; t < n; t++)
        for (int m = 0; m < M; m++)
            phase[(size_t)t * M + m] = (t ? phase[(size_t)(t - 1) * M + m] : 0) + s * nisac_rng_normal(rng);
}

void nisac_csi_error_normalised(nisac_rng *rng, int n, double eps, const double complex *H, double complex *Hhat)
{
    double nh = 0, ne = 0;
    for (int i = 0; i < n; i++) {
        Hhat[i] = nisac_rng_cn(rng);
        ne += creal(Hhat[i] * conj(Hhat[i]));
        nh += creal(H[i] * conj(H[i]));
    }
    const double sc = ne > 0 ? eps * sqrt(nh / ne) : 0;
    for (int i = 0; i < n; i++) Hhat[i] = H[i] + sc * Hhat[i];
}
