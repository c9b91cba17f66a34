/* Worst-case evaluation under norm-bounded CSI errors: the worst-case
 * SINR of (17) over ||dh|| <= eps, by bisection over trust-region
 * subproblems (nisac_trs_min). */
#include "nisac/linalg.h"
#include "nisac/noma_isac.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* min over ||dh|| <= eps of gamma * nu_kl(dh; gamma), nu_kl as in (20),
 * for rank-one W_i = w_i w_i^H. */
static int scaled_nu_min(const nisac_noma_instance *inst, const double complex *W, int ldw, int k,
                         int l, double gamma, double eps, double complex *Bm, double complex *cv,
                         double *fmin)
{
    const int N = inst->p.N, K = inst->p.K;
    const double complex *h = inst->H + (size_t)l * N;
    /* Phi' = W_k - gamma sum_{i>k} W_i ; B = Phi' - gamma sum_{i<k} W_i */
    memset(Bm, 0, sizeof(double complex) * (size_t)N * N);
    nisac_cher1(N, 1.0, W + (size_t)k * ldw, Bm, N);
    for (int i = k + 1; i < K; i++) nisac_cher1(N, -gamma, W + (size_t)i * ldw, Bm, N);
    nisac_cgemv(N, N, Bm, N, h, cv); /* c = Phi' h */
    double q = creal(nisac_cdot(N, h, cv)) - gamma * inst->p.sigma2;
    for (int i = 0; i < k; i++) nisac_cher1(N, -gamma, W + (size_t)i * ldw, Bm, N);
    return nisac_trs_min(N, Bm, N, cv, q, eps, NULL, fmin);
}

int nisac_noma_worst_sinr(const nisac_noma_instance *inst, const double complex *W, int ldw,
                          double eps, double rel_tol, double *wsinr)
{
    const int N = inst->p.N, K = inst->p.K;
    if (!(rel_tol > 0)) return NISAC_FAIL(NISAC_EINVAL, "worst_sinr: rel_tol must be > 0");
    nisac_noma_eval ev = NISAC_NOMA_EVAL_INIT;
    int rc = nisac_noma_evaluate(inst, W, ldw, NULL, 0, &ev);
    if (rc) {
        nisac_noma_eval_release(&ev);
        return rc;
    }
    double complex *Bm = malloc(sizeof(double complex) * (size_t)N * N);
    double complex *cv = malloc(sizeof(double complex) * (size_t)N);
    if (!Bm || !cv) {
        rc = NISAC_FAIL(NISAC_ENOMEM, "worst_sinr: out of memory");
        goto out;
    }
    for (int k = 0; k < K; k++) {
        for (int l = 0; l < K; l++) wsinr[(size_t)k * K + l] = NAN;
        int lmax = inst->p.decoders == NISAC_DECODERS_ALL ? K - 1 : k;
        for (int l = k; l <= lmax; l++) {
            /* The worst case is at most the nominal SINR (dh = 0 is allowed). */
            double lo = 0, hi = NISAC_NOMA_SINR(&ev, k, l), f;
            rc = scaled_nu_min(inst, W, ldw, k, l, hi, eps, Bm, cv, &f);
            if (rc) goto out;
            if (f >= 0) lo = hi;
            while (hi - lo > rel_tol * hi) {
                double mid = 0.5 * (lo + hi);
                rc = scaled_nu_min(inst, W, ldw, k, l, mid, eps, Bm, cv, &f);
                if (rc) goto out;
                if (f >= 0) lo = mid;
                else hi = mid;
            }
            wsinr[(size_t)k * K + l] = lo;
        }
    }
out:
    nisac_noma_eval_release(&ev);
    free(Bm);
    free(cv);
    return rc;
}
