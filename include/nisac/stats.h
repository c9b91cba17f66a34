/* Sample statistics for summaries (GSL distributions). */
#ifndef NISAC_STATS_H
#define NISAC_STATS_H

#ifdef __cplusplus
extern "C" {
#endif
#pragma GCC visibility push(default) /* the public API of the shared library */

/* Student-t statistics of x[0..n-1] (non-finite values skipped): count,
 * mean, standard deviation (n-1), half-width of the 95% confidence
 * interval (NaN below two values). */
void nisac_stats_ci95(const double *x, int n, int *count, double *mean, double *sd, double *half);

#pragma GCC visibility pop

#ifdef __cplusplus
}
#endif
#endif
