/* Sample statistics with Student-t confidence intervals (GSL). */
#include "nisac/stats.h"

#include <gsl/gsl_cdf.h>
#include <math.h>

void nisac_stats_ci95(const double *x, int n, int *count, double *mean, double *sd, double *half)
{
    /* Welford's update: one pass, no cancellation for large means. */
    int c = 0;
    double m = 0, s = 0;
    for (int i = 0; i < n; i++) {
        if (!isfinite(x[i])) continue;
        c++;
        double d = x[i] - m;
        m += d / c;
        s += d * (x[i] - m);
    }
    *count = c;
    *mean = c ? m : NAN;
    *sd = c > 1 ? sqrt(s / (c - 1)) : NAN;
    *half = c > 1 ? gsl_cdf_tdist_Pinv(0.975, c - 1) * *sd / sqrt((double)c) : NAN;
}
