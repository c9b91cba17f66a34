#include "nisac/geom.h"

#include <math.h>

void nisac_ula_steering(int N, double d_lambda, double theta, double complex *a)
{
    double phase = 2.0 * M_PI * d_lambda * sin(theta);
    for (int n = 0; n < N; n++) a[n] = cos(phase * n) + I * sin(phase * n);
}

double nisac_deg2rad(double deg) { return deg * (M_PI / 180.0); }
double nisac_rad2deg(double rad) { return rad * (180.0 / M_PI); }
