/* Writes an rs-noma-isac instance and an rs-wmmse report's objective
 * trace into dir for the NumPy peer bench/rs_wmmse_numpy.py: Hhat, A,
 * beta, rcs, group, order, trace as .npy, the scalars as scalars.json
 * (t_iter: nisac's seconds per iteration, for the peer's ratio).  Shared
 * by bench_rs_design and the test that runs the peer. */
#ifndef NISAC_BENCH_RS_PEER_H
#define NISAC_BENCH_RS_PEER_H

#include <stdio.h>
#include <stdlib.h>
#include "nisac/nisac.h"

static int nisac_bench_write_rs_peer(const char *dir, const nisac_rs_instance *ri, const nisac_report *r, double t_iter)
{
    char path[512];
    const int M = ri->M, K = ri->K, L = ri->L;
    double complex *v = malloc(sizeof(double complex) * (size_t)(K > L ? K : L));
    int len = 0;
    const double *tr = nisac_report_get(r, "trace", &len);
    double complex *t = malloc(sizeof(double complex) * (size_t)len);
    if (!v || !t) return 1;
    int rc = 0;
    snprintf(path, sizeof path, "%s/Hhat.npy", dir);
    rc |= nisac_npy_write(path, M, K, ri->Hhat);
    if (L > 0) { /* no target: no files (the peer then has none) */
        snprintf(path, sizeof path, "%s/A.npy", dir);
        rc |= nisac_npy_write(path, M, L, ri->A);
        snprintf(path, sizeof path, "%s/beta.npy", dir);
        rc |= nisac_npy_write(path, L, 0, ri->beta);
        for (int l = 0; l < L; l++) v[l] = ri->rcs[l];
        snprintf(path, sizeof path, "%s/rcs.npy", dir);
        rc |= nisac_npy_write(path, L, 0, v);
    }
    for (int k = 0; k < K; k++) v[k] = ri->group[k];
    snprintf(path, sizeof path, "%s/group.npy", dir);
    rc |= nisac_npy_write(path, K, 0, v);
    for (int k = 0; k < K; k++) v[k] = ri->order[k];
    snprintf(path, sizeof path, "%s/order.npy", dir);
    rc |= nisac_npy_write(path, K, 0, v);
    for (int i = 0; i < len; i++) t[i] = tr[i];
    snprintf(path, sizeof path, "%s/trace.npy", dir);
    rc |= nisac_npy_write(path, len, 0, t);
    snprintf(path, sizeof path, "%s/scalars.json", dir);
    FILE *f = fopen(path, "w");
    nisac_params *o = nisac_algo_opts(nisac_algo_find(NULL, NULL, "rs-wmmse")); /* the defaults the run used */
    if (!f || !o) return 1;
    fprintf(f, "{\"P\": %.17g, \"sigma2\": %.17g, \"sigma_s2\": %.17g, \"alpha1\": %.17g, \"alpha2\": %.17g, "
               "\"G\": %d, \"softmin\": %.17g, \"line_search\": %d, \"iters\": %d, \"c_seconds_per_iter\": %.6g}\n",
            ri->p.P_max, ri->p.sigma2, ri->p.sigma_s2, ri->p.alpha[0], ri->p.alpha[1], ri->G,
            nisac_params_get(o, "softmin"), (int)nisac_params_get(o, "line_search"), len - 1, t_iter);
    nisac_params_free(o);
    fclose(f);
    free(v), free(t);
    return rc;
}

#endif
