/* Shared machinery of the rs-noma-isac algorithms (internal to src/algo;
 * every symbol is nisac__-prefixed through the macros below): the decoding
 * stages and messages of a layout, the Gram-space workspace, the objective. */
#ifndef NISAC_RS_INTERNAL_H
#define NISAC_RS_INTERNAL_H

#include <complex.h>
#include "nisac/rs_noma_isac.h"

#define ws_init nisac__rs_ws_init
#define ws_free nisac__rs_ws_free
#define objective nisac__rs_objective

/* Variants: rate splitting (common and private streams), conventional NOMA (private only), pure
 * sensing (the sensing beam only). */
enum { V_RS, V_NOMA, V_SENSE };

typedef struct ws {
    int M, K, G, L, n, nb, variant;
    int b0, b1; /* the variant's beams are b0 .. b1-1 (a contiguous range) */
    double P, s2, ss2, a1, a2;
    int fp;            /* fp: the power constraint by its multiplier mu_fp, noise fixed (no scaling) */
    double mu_fp, mu_st; /* mu_fp < 0: the scale-trick value mu_st */
    const int *group, *order;
    /* stages: user, beam, message; per message its stages [ms0[m], ms0[m+1]) */
    int ns, nmsg;
    int *st_user, *st_beam, *ms0, *excl0, *excl; /* excluded beams of stage s: excl[excl0[s] .. excl0[s+1]) */
    int *gstart, *gmem; /* group g's users by decoding order: gmem[gstart[g] .. gstart[g+1]) */
    int *ust0, *ust, *fidx; /* user k's stages ust[ust0[k] .. ust0[k+1]); a group's indices */
    int *active;        /* nb: the variant's beams */
    double *wl, *u_re, *u_im, *omega, *rate, *msurr, *c;
    double *sg, *scoef, *gam, *E, *Esq, *f;
    double complex *Gm, *X, *Y, *Xn, *Yn, *Bt, *S, *T, *TU, *small, *rhs;
    double complex *zs; /* L x nb sensing quadratic-transform variables */
} ws;

/* The workspace of instance ri for variant: stages, messages, the Gram matrix of [H_hat, A]. */
int ws_init(ws *w, const nisac_rs_instance *ri, int variant);
void ws_free(ws *w);
/* The objective at Y = V^H W of power pw (noise scaled by pw / P_max: pass P_max for the noise
 * as it is): alpha1 sum over messages of the minimum over decoders of log2(1 + SINR) + alpha2
 * sum_l log2(1 + Gamma_l); aux: also the MMSE receivers, weights and sensing variables.  tot:
 * K doubles of scratch. */
double objective(ws *w, const double complex *Y, double pw, int aux, double *tot);

#endif
