/* The closed-form designs of the system `rs-noma-isac` (paper 004):
 * rs-wmmse (Algorithm 2, "E-WMMSE"), noma, sensing-only, hao-sca
 * (Algorithm 1) and fp, in the Gram space of the known channels and the target
 * responses (docs/models/rs_noma_isac.md, "rs-wmmse").
 *
 * Every beam lies in the span of V = [H_hat, A] (n = K + L columns): the
 * surrogate's linear terms are combinations of the users' channels and
 * the targets' responses, and its quadratic terms are I plus outer
 * products of the same vectors.  A design is therefore a coefficient
 * matrix X (n x nb), W = V X, and an iteration only touches n x n and
 * n x nb matrices: V^H W = Gm X with Gm = V^H V formed once.
 *
 * One iteration at X (power P_max):
 *   - per decoding stage s (user k decoding stream b after its SIC
 *     steps) the MMSE receiver u_s and weight omega_s: the minorant
 *     log2(1 + SINR_s) >= (ln omega_s - omega_s e_s(W) + 1) / ln 2, tight at X;
 *   - per target the Lagrangian-dual and quadratic transforms of
 *     log2(1 + Gamma_l): a concave quadratic minorant, tight at X;
 *   - the noise terms carry ||W||^2 / P_max: the objective of the scaled
 *     design W sqrt(P_max) / ||W|| is a function of W's direction, which
 *     makes the power constraint implicit and every W-step closed-form;
 *   - a rate that is the minimum over decoders (a common stream, a
 *     private message decoded by later users of its group) keeps the
 *     minimum of its decoders' minorants, a non-smooth surrogate; the
 *     W-step maximises the surrogate with the decoders weighted by a
 *     soft minimum of their rates, and the step toward that point is
 *     halved until the min-based surrogate does not fall (then the
 *     argmin weights, whose direction ascends when each minimum is
 *     unique);
 *   - every beam has its own quadratic matrix (streams cancelled by SIC
 *     leave a user's terms): the common matrix is inverted once in the
 *     Gram space (Woodbury, one n x n Cholesky), the group's users enter
 *     as a low-rank downdate per beam.
 * A W-step is accepted only when the surrogate does not fall, so the
 * objective never decreases (majorisation-minorisation). */
#include "nisac/algo.h"
#include "nisac/linalg.h"
#include "nisac/rs_noma_isac.h"
#include "rs_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


#define COMMON_OPTS                                                                                            \
    {"max_iter", NULL, NISAC_PT_INT, NISAC_PC_NONE, "", 50, 1, 100000, 0, NULL, 0, NULL, 0, NULL,              \
     "outer iterations at most"},                                                                               \
        {"tol", NULL, NISAC_PT_REAL, NISAC_PC_NONE, "", 1e-4, 0, 1, 0, NULL, 0, NULL, 0, NULL,                 \
         "stop when the objective grows by less than tol (relative) in an iteration"},                          \
        {"softmin", NULL, NISAC_PT_REAL, NISAC_PC_NONE, "", 4, 0, 1e6, 0, NULL, 0, NULL, 0, NULL,              \
         "the W-step weighs a message's decoders by exp(-softmin (rate - the smallest rate)) (per bit/s/Hz)"},  \
        {"line_search", NULL, NISAC_PT_INT, NISAC_PC_NONE, "", 12, 0, 60, 0, NULL, 0, NULL, 0, NULL,           \
         "halvings of the step toward the W-step's point before the argmin weights are tried"},                 \
        {"feas_tol", NULL, NISAC_PT_REAL, NISAC_PC_NONE, "", 1e-6, 0, INFINITY, 0, NULL, 0, NULL, 0, NULL,     \
         "relative tolerance of the judge"}

static const nisac_param_def wmmse_opts[] = {COMMON_OPTS};
static const nisac_param_def hao_opts[] = {
    COMMON_OPTS,
    {"power_steps", NULL, NISAC_PT_INT, NISAC_PC_NONE, "", 10, 0, 10000, 0, NULL, 0, NULL, 0, NULL,
     "power-allocation steps (28) after each beamforming step at most"},
};



static double abs2(double complex z) { return creal(z) * creal(z) + cimag(z) * cimag(z); }

void ws_free(ws *w)
{
    free(w->st_user), free(w->st_beam), free(w->ms0), free(w->excl0), free(w->excl);
    free(w->gstart), free(w->gmem), free(w->active), free(w->ust0), free(w->ust), free(w->fidx);
    free(w->u_re), free(w->sg), free(w->E); /* the other double arrays live inside these three */
    free(w->Gm), free(w->X), free(w->Y), free(w->Xn), free(w->Yn), free(w->Bt), free(w->S), free(w->T);
    free(w->small), free(w->rhs), free(w->zs);
}

/* Beam indices: common g -> g, private k -> G + k, sensing -> G + K. */
int ws_init(ws *w, const nisac_rs_instance *ri, int variant)
{
    memset(w, 0, sizeof *w);
    const int M = ri->M, K = ri->K, G = ri->G, L = ri->L, n = K + L, nb = G + K + 1;
    w->M = M, w->K = K, w->G = G, w->L = L, w->n = n, w->nb = nb, w->variant = variant;
    w->P = ri->p.P_max, w->s2 = ri->p.sigma2, w->ss2 = ri->p.sigma_s2;
    w->a1 = variant == V_SENSE ? 0 : ri->p.alpha[0];
    w->a2 = ri->p.alpha[1];
    w->group = ri->group, w->order = ri->order;
    w->gstart = calloc((size_t)G + 1, sizeof(int));
    w->gmem = malloc(sizeof(int) * (size_t)K);
    w->active = calloc((size_t)nb, sizeof(int));
    if (!w->gstart || !w->gmem || !w->active) return NISAC_FAIL(NISAC_ENOMEM, "rs-wmmse: out of memory");
    for (int k = 0; k < K; k++) w->gstart[ri->group[k] + 1]++;
    for (int g = 0; g < G; g++) w->gstart[g + 1] += w->gstart[g];
    for (int k = 0; k < K; k++) w->gmem[w->gstart[ri->group[k]] + ri->order[k]] = k;
    for (int g = 0; g < G; g++)
        for (int q = w->gstart[g]; q < w->gstart[g + 1]; q++)
            if (w->gmem[q] < 0 || w->gmem[q] >= K || ri->order[w->gmem[q]] != q - w->gstart[g])
                return NISAC_FAIL(NISAC_EINVAL, "rs-wmmse: the decoding order of group %d is not 0..size-1", g);
    w->b0 = variant == V_RS ? 0 : variant == V_NOMA ? G : G + K;
    w->b1 = variant == V_SENSE || L > 0 ? nb : G + K;
    for (int b = 0; b < nb; b++) w->active[b] = b >= w->b0 && b < w->b1;
    /* stages and messages */
    int ns = 0, nex = 0;
    for (int k = 0; k < K && variant != V_SENSE; k++) {
        const int o = ri->order[k];
        ns += (variant == V_RS) + o + 1;
        nex += o * (o + 1) / 2 + (variant == V_RS) * (o + 1);
    }
    w->ns = ns;
    w->nmsg = variant == V_SENSE ? 0 : (variant == V_RS ? G : 0) + K;
    w->st_user = malloc(sizeof(int) * ((size_t)ns + 1));
    w->st_beam = malloc(sizeof(int) * ((size_t)ns + 1));
    w->ms0 = calloc((size_t)w->nmsg + 2, sizeof(int));
    w->excl0 = calloc((size_t)ns + 2, sizeof(int));
    w->excl = malloc(sizeof(int) * ((size_t)nex + 1));
    const size_t S1 = (size_t)ns + 1;
    w->u_re = malloc(sizeof(double) * S1 * 7);
    if (!w->st_user || !w->st_beam || !w->ms0 || !w->excl0 || !w->excl || !w->u_re)
        return NISAC_FAIL(NISAC_ENOMEM, "rs-wmmse: out of memory");
    w->u_im = w->u_re + S1, w->omega = w->u_im + S1, w->rate = w->omega + S1;
    w->msurr = w->rate + S1, w->c = w->msurr + S1, w->wl = w->c + S1;
    /* messages in beam order (common g, then private i); each message's stages are its decoders */
    int s = 0, e = 0, m = 0;
    for (int b = 0; b < G + K && variant != V_SENSE; b++) {
        if (!w->active[b]) continue;
        const int g = b < G ? b : ri->group[b - G];
        const int oi = b < G ? -1 : ri->order[b - G];
        w->ms0[m] = s;
        for (int q = w->gstart[g]; q < w->gstart[g + 1]; q++) {
            const int k = w->gmem[q];
            if (ri->order[k] < oi) continue; /* decodes only messages up to its own */
            w->st_user[s] = k, w->st_beam[s] = b;
            w->excl0[s] = e;
            if (b >= G) { /* after its group's common stream and the private messages before b */
                if (variant == V_RS) w->excl[e++] = g;
                for (int q2 = w->gstart[g]; q2 < w->gstart[g] + oi; q2++) w->excl[e++] = G + w->gmem[q2];
            }
            s++;
        }
        m++;
    }
    w->ms0[m] = s;
    w->excl0[s] = e;
    w->ust0 = calloc((size_t)K + 1, sizeof(int));
    w->ust = malloc(sizeof(int) * ((size_t)ns + 1));
    if (!w->ust0 || !w->ust) return NISAC_FAIL(NISAC_ENOMEM, "rs-wmmse: out of memory");
    for (int t = 0; t < ns; t++) w->ust0[w->st_user[t] + 1]++;
    for (int k = 0; k < K; k++) w->ust0[k + 1] += w->ust0[k];
    {
        int *fill = calloc((size_t)K, sizeof(int));
        if (!fill) return NISAC_FAIL(NISAC_ENOMEM, "rs-wmmse: out of memory");
        for (int t = 0; t < ns; t++) w->ust[w->ust0[w->st_user[t]] + fill[w->st_user[t]]++] = t;
        free(fill);
    }
    const size_t nn = (size_t)n * n, nnb = (size_t)n * nb, L1 = (size_t)L + 1;
    w->sg = calloc(L1 * (L1 + 3), sizeof(double)); /* g_l, then c_lj (L x L), scoef, gam */
    w->E = calloc((size_t)n * 2 + K, sizeof(double));
    w->Gm = malloc(sizeof(double complex) * nn);
    w->X = malloc(sizeof(double complex) * nnb);
    w->Y = calloc(nnb, sizeof(double complex)); /* columns of inactive beams stay zero */
    w->Xn = calloc(nnb, sizeof(double complex));
    w->Yn = calloc(nnb, sizeof(double complex));
    w->Bt = malloc(sizeof(double complex) * nnb);
    w->S = malloc(sizeof(double complex) * nn);
    w->T = malloc(sizeof(double complex) * (nnb + (size_t)n * K));
    w->TU = w->T + nnb; /* right after T: one solve serves both */
    w->zs = malloc(sizeof(double complex) * L1 * nb);
    int gmax = 1;
    for (int g = 0; g < G; g++) gmax = w->gstart[g + 1] - w->gstart[g] > gmax ? w->gstart[g + 1] - w->gstart[g] : gmax;
    w->small = malloc(sizeof(double complex) * (size_t)gmax * (gmax + 1));
    w->rhs = malloc(sizeof(double complex) * (size_t)gmax);
    w->fidx = malloc(sizeof(int) * (size_t)gmax);
    if (!w->sg || !w->E || !w->Gm || !w->X || !w->Y || !w->Xn || !w->Yn || !w->Bt || !w->S || !w->T || !w->TU ||
        !w->zs || !w->small || !w->rhs || !w->fidx)
        return NISAC_FAIL(NISAC_ENOMEM, "rs-wmmse: out of memory (n = %d)", n);
    w->scoef = w->sg + L1 * (L1 + 1);
    w->gam = w->scoef + L1;
    w->Esq = w->E + n, w->f = w->Esq + n;
    /* Gram matrix of V = [H_hat, A] by blocks (V is never formed) */
    nisac_cgemm('C', 'N', K, K, M, 1, ri->Hhat, M, ri->Hhat, M, 0, w->Gm, n);
    if (L > 0) {
        nisac_cgemm('C', 'N', K, L, M, 1, ri->Hhat, M, ri->A, M, 0, w->Gm + (size_t)K * n, n);
        nisac_cgemm('C', 'N', L, L, M, 1, ri->A, M, ri->A, M, 0, w->Gm + (size_t)K * n + K, n);
        for (int l = 0; l < L; l++)
            for (int k = 0; k < K; k++) w->Gm[(size_t)k * n + K + l] = conj(w->Gm[(size_t)(K + l) * n + k]);
    }
    /* sensing constants: g_l = |beta_l|^2 ||a_l||^2, c_lj = |beta_j|^2 |a_l^H a_j|^2 / ||a_l||^2 */
    for (int l = 0; l < L; l++) {
        const double na = creal(w->Gm[(size_t)(K + l) * n + K + l]);
        w->sg[l] = abs2(ri->beta[l]) * na;
        for (int j = 0; j < L; j++)
            w->sg[L1 + (size_t)l * L1 + j] =
                j == l ? 0 : abs2(ri->beta[j]) * abs2(w->Gm[(size_t)(K + j) * n + K + l]) / na;
    }
    return NISAC_OK;
}

static double clj(const ws *w, int l, int j) { return w->sg[(size_t)(w->L + 1) * (1 + l) + j]; }

/* Y = Gm X; returns the power tr(X^H Gm X). */
static double gram_apply(const ws *w, const double complex *X, double complex *Y)
{
    const size_t o = (size_t)w->b0 * w->n;
    nisac_cgemm('N', 'N', w->n, w->b1 - w->b0, w->n, 1, w->Gm, w->n, X + o, w->n, 0, Y + o, w->n);
    double p = 0;
    for (size_t i = o; i < (size_t)w->b1 * w->n; i++) p += creal(conj(X[i]) * Y[i]);
    return p;
}

/* Received power of stage s (every beam not yet cancelled), from Y = V^H W. */
static double stage_present(const ws *w, const double complex *Y, const double *tot, int s)
{
    const int k = w->st_user[s];
    double p = tot[k];
    for (int e = w->excl0[s]; e < w->excl0[s + 1]; e++) p -= abs2(Y[(size_t)w->excl[e] * w->n + k]);
    return p > 0 ? p : 0;
}

static void user_totals(const ws *w, const double complex *Y, double *tot)
{
    for (int k = 0; k < w->K; k++) tot[k] = 0;
    for (int b = 0; b < w->nb; b++) {
        if (!w->active[b]) continue;
        for (int k = 0; k < w->K; k++) tot[k] += abs2(Y[(size_t)b * w->n + k]);
    }
}

/* Sensing numerator and denominator of target l at Y (noise scaled by the power ratio q). */
static void sense_nd(const ws *w, const double complex *Y, int l, double q, double *N, double *D)
{
    const int K = w->K, n = w->n;
    double num = 0, den = w->ss2 * q;
    for (int b = 0; b < w->nb; b++) {
        if (!w->active[b]) continue;
        num += abs2(Y[(size_t)b * n + K + l]);
    }
    *N = w->sg[l] * num;
    for (int j = 0; j < w->L; j++) {
        if (j == l) continue;
        double pj = 0;
        for (int b = 0; b < w->nb; b++)
            if (w->active[b]) pj += abs2(Y[(size_t)b * n + K + j]);
        den += clj(w, l, j) * pj;
    }
    *D = den;
}

/* The objective at (X, Y) of power pw, as the design at power P_max:
 * alpha1 sum of messages' rates (minimum over decoders) + alpha2 sum_l log2(1 + Gamma_l).
 * Fills rate[s] and, when aux, the MMSE receivers, weights and the sensing variables. */
double objective(ws *w, const double complex *Y, double pw, int aux, double *tot)
{
    const double q = pw / w->P, n2 = w->s2 * q;
    user_totals(w, Y, tot);
    double f = 0;
    for (int m = 0; m < w->nmsg; m++) {
        double mn = INFINITY;
        for (int s = w->ms0[m]; s < w->ms0[m + 1]; s++) {
            const int k = w->st_user[s];
            const double complex y = Y[(size_t)w->st_beam[s] * w->n + k];
            const double pres = stage_present(w, Y, tot, s) + n2, sig = abs2(y);
            double e = 1 - sig / pres; /* MMSE */
            if (e < 1e-300) e = 1e-300;
            w->rate[s] = -log2(e);
            mn = fmin(mn, w->rate[s]);
            if (aux) {
                const double complex u = conj(y) / pres;
                w->u_re[s] = creal(u), w->u_im[s] = cimag(u);
                w->omega[s] = 1 / e;
            }
        }
        f += w->a1 * mn;
    }
    for (int l = 0; l < w->L; l++) {
        double N, D;
        sense_nd(w, Y, l, q, &N, &D);
        const double g = N / D;
        f += w->a2 * log2(1 + g);
        if (aux) {
            w->gam[l] = g;
            for (int b = 0; b < w->nb; b++)
                w->zs[(size_t)b * (w->L + 1) + l] =
                    w->active[b] ? sqrt(w->sg[l]) * Y[(size_t)b * w->n + w->K + l] / (N + D) : 0;
        }
    }
    return f;
}

/* The surrogate at a new point (Yn, power pw): per message the minimum over its decoders of the
 * stages' minorants (msurr[s]), plus the sensing minorants; equal to the objective at X.
 * *weighted (if not NULL) gets the surrogate with the decoders weighted by wl, which the W-step
 * maximises. */
static double surrogate(ws *w, const double complex *Yn, double pw, double *tot, double *weighted)
{
    const double q = pw / w->P, n2 = w->s2 * q;
    user_totals(w, Yn, tot);
    double S = 0, sens = 0, Sw = 0;
    for (int m = 0; m < w->nmsg; m++) {
        double mn = INFINITY;
        for (int s = w->ms0[m]; s < w->ms0[m + 1]; s++) {
            const int k = w->st_user[s];
            const double complex u = w->u_re[s] + I * w->u_im[s];
            const double complex y = Yn[(size_t)w->st_beam[s] * w->n + k];
            const double e = abs2(u) * (stage_present(w, Yn, tot, s) + n2) - 2 * creal(u * y) + 1;
            w->msurr[s] = (log(w->omega[s]) - w->omega[s] * e + 1) / M_LN2;
            mn = fmin(mn, w->msurr[s]);
            Sw += w->a1 * w->wl[s] * w->msurr[s];
        }
        S += w->a1 * mn;
    }
    for (int l = 0; l < w->L; l++) {
        double N, D;
        sense_nd(w, Yn, l, q, &N, &D);
        const double g0 = w->gam[l];
        double complex zx = 0;
        double z2 = 0;
        for (int b = 0; b < w->nb; b++) {
            const double complex z = w->zs[(size_t)b * (w->L + 1) + l];
            zx += conj(z) * sqrt(w->sg[l]) * Yn[(size_t)b * w->n + w->K + l];
            z2 += abs2(z);
        }
        sens += w->a2 * (log1p(g0) - g0 + (1 + g0) * (2 * creal(zx) - z2 * (N + D))) / M_LN2;
    }
    if (weighted) *weighted = Sw + sens;
    return S + sens;
}

/* Decoder weights of each message into lam: exp(-kappa (r_s - min)) with the rates at X,
 * normalised; kappa infinite: the argmin alone (ties shared). */
static void set_weights(ws *w, double kappa, double *lam)
{
    for (int m = 0; m < w->nmsg; m++) {
        const int a = w->ms0[m], b = w->ms0[m + 1];
        double mn = INFINITY, z = 0;
        for (int s = a; s < b; s++) mn = fmin(mn, w->rate[s]);
        for (int s = a; s < b; s++)
            z += (lam[s] = isinf(kappa) ? (w->rate[s] == mn) : exp(-kappa * (w->rate[s] - mn)));
        for (int s = a; s < b; s++) lam[s] = fmax(lam[s] / z, 1e-9);
    }
}

/* The maximiser Xn of the lambda-weighted surrogate (see the file comment). */
static int wstep(ws *w)
{
    const int n = w->n, K = w->K, G = w->G, L = w->L, nb = w->nb;
    double *E = w->E, *Esq = w->Esq;
    double mu = 0;
    memset(E, 0, sizeof(double) * (size_t)n);
    memset(w->Bt, 0, sizeof(double complex) * (size_t)n * nb);
    for (int s = 0; s < w->ns; s++) {
        const double complex u = w->u_re[s] + I * w->u_im[s];
        const double nu = w->a1 * w->wl[s] / M_LN2;
        w->c[s] = nu * w->omega[s] * abs2(u);
        E[w->st_user[s]] += w->c[s];
        mu += w->c[s] * w->s2 / w->P;
        w->Bt[(size_t)w->st_beam[s] * n + w->st_user[s]] += nu * w->omega[s] * conj(u);
    }
    for (int l = 0; l < L; l++) {
        double z2 = 0;
        for (int b = 0; b < nb; b++) z2 += abs2(w->zs[(size_t)b * (L + 1) + l]);
        const double t = w->a2 / M_LN2 * (1 + w->gam[l]);
        w->scoef[l] = t * z2;
        mu += w->scoef[l] * w->ss2 / w->P;
        for (int b = 0; b < nb; b++)
            if (w->active[b]) w->Bt[(size_t)b * n + K + l] += t * w->zs[(size_t)b * (L + 1) + l] * sqrt(w->sg[l]);
    }
    for (int l = 0; l < L; l++) {
        double d = w->scoef[l] * w->sg[l];
        for (int j = 0; j < L; j++) d += w->scoef[j] * clj(w, j, l);
        E[K + l] = d;
    }
    w->mu_st = mu;
    if (w->fp && w->mu_fp >= 0) mu = w->mu_fp;
    if (!(mu > 0)) return NISAC_FAIL(NISAC_ELAPACK, "rs-wmmse: no noise term (mu = %g)", mu);
    for (int i = 0; i < n; i++) Esq[i] = sqrt(E[i]);
    /* S = mu I + E^1/2 Gm E^1/2, then T^{-1} y = (y - E^1/2 S^{-1} E^1/2 Gm y) / mu */
    for (int j = 0; j < n; j++)
        for (int i = 0; i < n; i++)
            w->S[(size_t)j * n + i] = Esq[i] * w->Gm[(size_t)j * n + i] * Esq[j] + (i == j ? mu : 0);
    int rc = nisac_chol(n, w->S, n);
    if (rc) return rc;
    /* Xn = T^{-1} Bt and TU = T^{-1} e_k for the users, with one triangular solve pair:
       Gm Bt from Bt's few non-zeros (a stage's user row, the targets' rows) */
    double complex *T = w->T, *TU = w->TU;
    const int b0 = w->b0, nbs = nb - b0; /* solved columns: b0 .. nb-1 (an inactive last one is zero) */
    if (L > 0) nisac_cgemm('N', 'N', n, nbs, L, 1, w->Gm + (size_t)K * n, n, w->Bt + (size_t)b0 * n + K, n, 0,
                           T + (size_t)b0 * n, n);
    else memset(T + (size_t)b0 * n, 0, sizeof(double complex) * (size_t)n * nbs);
    for (int s = 0; s < w->ns; s++) {
        const int k = w->st_user[s];
        const double complex c = w->Bt[(size_t)w->st_beam[s] * n + k];
        double complex *t = T + (size_t)w->st_beam[s] * n;
        const double complex *gk = w->Gm + (size_t)k * n;
        for (int i = 0; i < n; i++) t[i] += gk[i] * c;
    }
    for (int b = b0; b < nb; b++)
        for (int i = 0; i < n; i++) T[(size_t)b * n + i] *= Esq[i];
    const int nu = w->ns > 0 ? K : 0; /* without a decoding stage there is no downdate */
    for (int k = 0; k < nu; k++)
        for (int i = 0; i < n; i++) TU[(size_t)k * n + i] = Esq[i] * w->Gm[(size_t)k * n + i];
    if ((rc = nisac_chol_solve(n, nbs + nu, w->S, n, T + (size_t)b0 * n, n))) return rc;
    for (int b = b0; b < nb; b++)
        for (int i = 0; i < n; i++)
            w->Xn[(size_t)b * n + i] = (w->Bt[(size_t)b * n + i] - Esq[i] * T[(size_t)b * n + i]) / mu;
    for (int k = 0; k < nu; k++)
        for (int i = 0; i < n; i++) TU[(size_t)k * n + i] = ((i == k) - Esq[i] * TU[(size_t)k * n + i]) / mu;
    /* per beam: the users of its group that have cancelled it leave their terms (rank |F| downdate):
       x = x0 + TU_F diag(f) (I - Gm_{F,:} TU_F diag(f))^{-1} Gm_{F,:} x0 */
    double *f = w->f;
    for (int b = 0; b < G + K; b++) {
        if (!w->active[b]) continue;
        const int g = b < G ? b : w->group[b - G];
        const int q0 = w->gstart[g], sz = w->gstart[g + 1] - q0;
        int nf = 0, *F = w->fidx;
        double *fv = f;
        for (int q = 0; q < sz; q++) {
            const int k = w->gmem[q0 + q];
            double fk = 0; /* weight of k's stages that have cancelled b */
            for (int t = w->ust0[k]; t < w->ust0[k + 1]; t++) {
                const int s = w->ust[t];
                for (int e = w->excl0[s]; e < w->excl0[s + 1]; e++)
                    if (w->excl[e] == b) fk += w->c[s];
            }
            if (fk > 0) {
                F[nf] = k;
                fv[nf++] = fk;
            }
        }
        if (nf == 0) continue;
        double complex *A = w->small, *r = w->rhs;
        for (int j = 0; j < nf; j++) {
            for (int i = 0; i < nf; i++) {
                double complex s = 0;
                for (int t = 0; t < n; t++) s += w->Gm[(size_t)t * n + F[i]] * w->TU[(size_t)F[j] * n + t];
                A[(size_t)j * nf + i] = (i == j) - s * fv[j];
            }
            double complex s = 0;
            for (int t = 0; t < n; t++) s += w->Gm[(size_t)t * n + F[j]] * w->Xn[(size_t)b * n + t];
            r[j] = s;
        }
        if ((rc = nisac_csolve(nf, 1, A, nf, r, nf))) return rc;
        for (int j = 0; j < nf; j++)
            for (int t = 0; t < n; t++) w->Xn[(size_t)b * n + t] += w->TU[(size_t)F[j] * n + t] * fv[j] * r[j];
    }
    for (int b = 0; b < nb; b++)
        if (!w->active[b]) memset(w->Xn + (size_t)b * n, 0, sizeof(double complex) * (size_t)n);
    return NISAC_OK;
}

/* The initial point (33)-(38) in coefficients: common beams along the group sums, private beams
 * H (H^H H + delta I)^{-1} (nisac_rs_initial), the sensing beam sum_l sqrt(rcs_l) a_l; equal
 * powers over the variant's beams. */
static int initial(ws *w, const nisac_rs_instance *ri)
{
    const int n = w->n, K = w->K, G = w->G, nb = w->nb;
    memset(w->X, 0, sizeof(double complex) * (size_t)n * nb);
    for (int k = 0; k < K; k++) w->X[(size_t)w->group[k] * n + k] = 1;
    for (int j = 0; j < K; j++)
        for (int i = 0; i < K; i++)
            w->S[(size_t)j * n + i] = w->Gm[(size_t)j * n + i] + (i == j ? w->s2 / w->P : 0);
    int rc = nisac_chol(K, w->S, n);
    if (rc) return rc;
    for (int j = 0; j < K; j++)
        for (int i = 0; i < K; i++) w->X[(size_t)(G + j) * n + i] = i == j;
    if ((rc = nisac_chol_solve(K, K, w->S, n, w->X + (size_t)G * n, n))) return rc;
    for (int l = 0; l < w->L; l++) w->X[(size_t)(G + K) * n + K + l] = sqrt(ri->rcs[l]);
    int na = 0;
    for (int b = 0; b < nb; b++) na += w->active[b];
    gram_apply(w, w->X, w->Y);
    for (int b = 0; b < nb; b++) {
        double nb2 = 0;
        for (int i = 0; i < n; i++) nb2 += creal(conj(w->X[(size_t)b * n + i]) * w->Y[(size_t)b * n + i]);
        const double sc = w->active[b] && nb2 > 0 ? sqrt(w->P / na / nb2) : 0;
        for (int i = 0; i < n; i++) w->X[(size_t)b * n + i] *= sc;
    }
    return NISAC_OK;
}

/* The FP W-step: the surrogate of the quadratic and Lagrangian-dual transforms with the noise
 * fixed, maximised over ||W||^2 <= P_max: W(mu) of the same closed form, mu the constraint's
 * multiplier, found by bracketing and bisection in log(mu) from the scale-trick value until the
 * power is within rtol below P_max.  Leaves Xn, Yn; returns the W-steps used, or an error < 0. */
static int fp_wstep(ws *w, double rtol)
{
    w->mu_fp = -1;
    int rc = wstep(w), evals = 1, side = 0;
    if (rc) return rc;
    double mu = w->mu_st, p = gram_apply(w, w->Xn, w->Yn);
    /* bracket [lo, hi] in log(mu) with the power above P_max at lo and at or below at hi, then
       regula falsi (Illinois) on log(power) - log(P_max), nearly linear in log(mu) */
    double lo = NAN, hi = NAN, flo = 0, fhi = 0;
    const double target = log(w->P);
    for (int t = 0; t < 80; t++) {
        const double fv = log(p) - target;
        if (p > w->P) lo = log(mu), flo = fv;
        else hi = log(mu), fhi = fv;
        if (p <= w->P && p >= w->P * (1 - rtol)) return evals;
        double x;
        if (isnan(lo)) x = hi - 1.4; /* power too low: a smaller multiplier */
        else if (isnan(hi)) x = lo + 1.4;
        else {
            x = (lo * fhi - hi * flo) / (fhi - flo);
            if (p > w->P) { /* Illinois: halve the stale end's value */
                if (side == -1) fhi /= 2;
                side = -1;
            } else {
                if (side == 1) flo /= 2;
                side = 1;
            }
            if (!(x > fmin(lo, hi) && x < fmax(lo, hi))) x = (lo + hi) / 2;
        }
        mu = exp(x);
        w->mu_fp = mu;
        if ((rc = wstep(w))) return rc;
        evals++;
        p = gram_apply(w, w->Xn, w->Yn);
    }
    if (p > w->P) { /* the last point above the budget: back to the feasible end of the bracket */
        if (isnan(hi)) return NISAC_FAIL(NISAC_ELAPACK, "fp: no multiplier meets the power budget");
        w->mu_fp = exp(hi);
        if ((rc = wstep(w))) return rc;
        gram_apply(w, w->Xn, w->Yn);
        evals++;
    }
    return evals;
}

/* Power allocation (28) with the beams' directions fixed: amplitudes a_j = ||w_j||, Y_j = Yd_j a_j.
 * Every minorant of the W-step is a separable concave quadratic in a (streams are independent),
 * so one MM step is a_j = max(c_j, 0) / d_j (scaled to P_max), with the decoders weighted by a
 * soft minimum and a line search on the min-based surrogate, as in the W-step.  Up to `steps`
 * steps, stopping when the objective grows by less than tol (relative).  f is the objective
 * at X on entry and exit; aux holds X's receivers and weights on entry and exit. */
static void power_steps(ws *w, int steps, double tol, double kappa, int max_halvings, double *f, double *tot,
                        double complex *Yd, double *a, double *an, double *c, double *d, double complex *Yb)
{
    const int n = w->n, K = w->K, L = w->L, nb = w->nb;
    for (int b = 0; b < nb; b++) {
        double p = 0;
        for (int i = 0; i < n; i++) p += creal(conj(w->X[(size_t)b * n + i]) * w->Y[(size_t)b * n + i]);
        a[b] = p > 0 ? sqrt(p) : 0;
        for (int i = 0; i < n; i++) Yd[(size_t)b * n + i] = a[b] > 0 ? w->Y[(size_t)b * n + i] / a[b] : 0;
    }
    for (int st = 0; st < steps; st++) {
        set_weights(w, kappa, w->wl);
        for (int b = 0; b < nb; b++) c[b] = d[b] = 0;
        double ctot = 0; /* noise terms: sum a^2 / P_max on every beam */
        for (int k = 0; k < K; k++) tot[k] = 0;
        for (int s = 0; s < w->ns; s++) {
            const double complex u = w->u_re[s] + I * w->u_im[s];
            const double nu = w->a1 * w->wl[s] / M_LN2, cs = nu * w->omega[s] * (creal(u) * creal(u) + cimag(u) * cimag(u));
            const int k = w->st_user[s], b = w->st_beam[s];
            tot[k] += cs;
            ctot += cs * w->s2 / w->P;
            c[b] += nu * w->omega[s] * creal(u * Yd[(size_t)b * n + k]);
            for (int e = w->excl0[s]; e < w->excl0[s + 1]; e++) d[w->excl[e]] -= cs * abs2(Yd[(size_t)w->excl[e] * n + k]);
        }
        for (int l = 0; l < L; l++) {
            double z2 = 0;
            for (int b = 0; b < nb; b++) z2 += abs2(w->zs[(size_t)b * (L + 1) + l]);
            const double t = w->a2 / M_LN2 * (1 + w->gam[l]);
            w->scoef[l] = t * z2;
            ctot += w->scoef[l] * w->ss2 / w->P;
            for (int b = w->b0; b < w->b1; b++)
                c[b] += t * sqrt(w->sg[l]) * creal(conj(w->zs[(size_t)b * (L + 1) + l]) * Yd[(size_t)b * n + K + l]);
        }
        for (int l = 0; l < L; l++) { /* weight of |a_l^H w_b|^2, as E_{K+l} of the W-step */
            double e = w->scoef[l] * w->sg[l];
            for (int j = 0; j < L; j++) e += w->scoef[j] * clj(w, j, l);
            for (int b = w->b0; b < w->b1; b++) d[b] += e * abs2(Yd[(size_t)b * n + K + l]);
        }
        for (int b = w->b0; b < w->b1; b++) {
            for (int k = 0; k < K; k++) d[b] += tot[k] * abs2(Yd[(size_t)b * n + k]);
            d[b] += ctot;
            an[b] = d[b] > 0 ? fmax(c[b], 0) / d[b] : 0;
        }
        /* line search on a + tau (an - a) by the min-based surrogate */
        int ok = 0;
        double pacc = 0, tau = 1;
        for (int q = 0; q <= max_halvings && !ok; q++) {
            tau = ldexp(1, -q);
            pacc = 0;
            for (int b = 0; b < nb; b++) {
                const double ab = a[b] + tau * (an[b] - a[b]);
                pacc += ab * ab;
                for (int i = 0; i < n; i++) Yb[(size_t)b * n + i] = Yd[(size_t)b * n + i] * ab;
            }
            ok = surrogate(w, Yb, pacc, tot, NULL) >= *f + 1e-13 * fabs(*f);
        }
        if (!ok) break;
        const double sc = sqrt(w->P / pacc);
        for (int b = 0; b < nb; b++) {
            const double ab = (a[b] + tau * (an[b] - a[b])) * sc;
            const double r = a[b] > 0 ? ab / a[b] : 0;
            a[b] = ab;
            for (int i = 0; i < n; i++) {
                w->X[(size_t)b * n + i] *= r;
                w->Y[(size_t)b * n + i] = Yd[(size_t)b * n + i] * ab;
            }
        }
        const double fn = objective(w, w->Y, w->P, 1, tot);
        const double df = fn - *f;
        *f = fn;
        if (df <= tol * fabs(fn)) break;
    }
}

/* The splitting ratios (29): each group's common rate shared so that its users' totals are as
 * equal as possible (water-filling: c_k = max(0, t - R_k,p), sum c_k = R_c), the max-min fair
 * split; the sum rate does not depend on it.  Rates on H_hat from the judge's function. */
static int fair_shares(const nisac_rs_instance *ri, const nisac_design_t *d, double *share)
{
    const int K = ri->K, G = ri->G;
    const nisac_rs_layout lay = nisac_rs_instance_layout(ri);
    double *buf = malloc(sizeof(double) * ((size_t)4 * K + G));
    if (!buf) return NISAC_FAIL(NISAC_ENOMEM, "hao-sca: out of memory");
    nisac_rs_rates rr = {buf, buf + G, buf + G + K, buf + G + 2 * K, buf + G + 3 * K, 0};
    int rc = nisac_rs_rates_eval(&lay, ri->Hhat, d->blocks[0].z, d->blocks[1].z, d->blocks[2].z, NULL, 0, ri->p.sigma2,
                                 NULL, &rr);
    for (int g = 0; g < G && !rc; g++) {
        double lo = INFINITY, hi = -INFINITY;
        int cnt = 0;
        for (int k = 0; k < K; k++)
            if (ri->group[k] == g) lo = fmin(lo, rr.rate_p[k]), hi = fmax(hi, rr.rate_p[k] + rr.common[g]), cnt++;
        for (int it = 0; it < 200 && rr.common[g] > 0; it++) { /* bisection on the water level t */
            const double t = (lo + hi) / 2;
            double used = 0;
            for (int k = 0; k < K; k++)
                if (ri->group[k] == g) used += fmax(0, t - rr.rate_p[k]);
            if (used > rr.common[g]) hi = t;
            else lo = t;
        }
        double tot = 0;
        for (int k = 0; k < K; k++)
            if (ri->group[k] == g) tot += (share[k] = rr.common[g] > 0 ? fmax(0, lo - rr.rate_p[k]) : 1.0 / cnt);
        for (int k = 0; k < K; k++)
            if (ri->group[k] == g) share[k] = tot > 0 ? share[k] / tot : 1.0 / cnt;
    }
    free(buf);
    return rc;
}

static int run(const nisac_instance *inst, const nisac_params *opts, nisac_design_t *d, nisac_report *r, int variant,
               int hao, int fp)
{
    const nisac_rs_instance *ri = nisac_rs_instance_of(inst);
    if (!ri) return NISAC_FAIL(NISAC_EINVAL, "rs-wmmse: not an rs-noma-isac instance");
    if (variant == V_SENSE && ri->L < 1) return NISAC_FAIL(NISAC_EINVAL, "sensing-only: field 'L': needs targets, L=0");
    const int max_iter = (int)nisac_params_get(opts, "max_iter");
    const int max_halvings = (int)nisac_params_get(opts, "line_search");
    const double tol = nisac_params_get(opts, "tol"), kappa = nisac_params_get(opts, "softmin");
    const int npow = hao ? (int)nisac_params_get(opts, "power_steps") : 0;
    ws w;
    int rc = ws_init(&w, ri, variant);
    w.fp = fp;
    double *trace = malloc(sizeof(double) * ((size_t)max_iter + 1));
    double *tot = malloc(sizeof(double) * (size_t)ri->K);
    const size_t nnb = (size_t)w.n * w.nb;
    double complex *Xb = malloc(sizeof(double complex) * nnb * 3), *Yb = Xb + nnb, *Yd = Yb + nnb;
    double *pa = malloc(sizeof(double) * (size_t)w.nb * 4);
    if (!rc && (!trace || !tot || !Xb || !pa)) rc = NISAC_FAIL(NISAC_ENOMEM, "rs-wmmse: out of memory");
    if (!rc) rc = initial(&w, ri);
    int it = 0, steps = 0, rejected = 0, decreases = 0, backtracks = 0, fallbacks = 0;
    double f = 0;
    if (!rc) {
        double pw = gram_apply(&w, w.X, w.Y);
        f = objective(&w, w.Y, pw, 1, tot);
        trace[0] = f;
        while (it < max_iter) {
            /* two tries: decoders weighted by a soft minimum of their rates at X, then the
               argmin alone (whose direction ascends the surrogate when the minimum is unique) */
            int ok = 0;
            double pacc = w.P;
            for (int pass = 0; pass < 2 && !ok && !rc; pass++) {
                set_weights(&w, pass ? INFINITY : kappa, w.wl);
                if (fp) {
                    const int e = fp_wstep(&w, 1e-6);
                    if (e < 0) {
                        rc = e;
                        break;
                    }
                    steps += e;
                } else {
                    if ((rc = wstep(&w))) break;
                    steps++;
                    gram_apply(&w, w.Xn, w.Yn);
                }
                /* line search on X + tau (Xn - X): Y is linear in X, so no product is needed */
                for (int q = 0; q <= max_halvings && !ok; q++) {
                    const double tau = ldexp(1, -q);
                    double pt = 0;
                    for (size_t i = 0; i < nnb; i++) {
                        Xb[i] = w.X[i] + tau * (w.Xn[i] - w.X[i]);
                        Yb[i] = w.Y[i] + tau * (w.Yn[i] - w.Y[i]);
                        pt += creal(conj(Xb[i]) * Yb[i]);
                    }
                    const double S = surrogate(&w, Yb, fp ? w.P : pt, tot, NULL); /* fp: noise fixed */
                    if (S >= f + 1e-13 * fabs(f)) {
                        ok = 1;
                        pacc = pt;
                        backtracks += q;
                    }
                }
                if (!ok) fallbacks++;
            }
            if (rc) break;
            if (!ok) { /* no ascent direction found: X is stationary up to the line search */
                rejected++;
                break;
            }
            /* the accepted point at full power (Y follows X linearly); fp keeps its own power */
            const double sc = fp ? 1 : sqrt(w.P / pacc);
            for (size_t i = 0; i < nnb; i++) {
                w.X[i] = Xb[i] * sc;
                w.Y[i] = Yb[i] * sc;
            }
            pw = w.P;
            double fn = objective(&w, w.Y, pw, 1, tot);
            if (npow > 0) power_steps(&w, npow, tol, kappa, max_halvings, &fn, tot, Yd, pa, pa + w.nb, pa + 2 * w.nb,
                                      pa + 3 * w.nb, Yb);
            if (fn < f - 1e-9 * fabs(f)) decreases++;
            trace[++it] = fn;
            const double df = fn - f;
            f = fn;
            if (df <= tol * fabs(f)) break;
        }
    }
    if (!rc) {
        /* W = V X = H_hat X_top + A X_bottom */
        const int M = w.M, K = w.K, G = w.G, L = w.L, n = w.n;
        double complex *Wd[3] = {d->blocks[0].z, d->blocks[1].z, d->blocks[2].z};
        const int c0[3] = {0, G, G + K}, nc[3] = {G, K, 1};
        for (int q = 0; q < 3; q++) {
            nisac_cgemm('N', 'N', M, nc[q], K, 1, ri->Hhat, M, w.X + (size_t)c0[q] * n, n, 0, Wd[q], M);
            if (L > 0) nisac_cgemm('N', 'N', M, nc[q], L, 1, ri->A, M, w.X + (size_t)c0[q] * n + K, n, 1, Wd[q], M);
        }
        if (hao) rc = fair_shares(ri, d, d->blocks[3].x);
        r->status = NISAC_STATUS_FEASIBLE; /* a stationary point of the MM iteration, no optimality certificate */
        r->objective_metric = "objective"; /* (26a), judged */
        r->iterations = it;
        nisac_report_set(r, "trace", trace, it + 1);
        nisac_report_set1(r, "objective_design", f);
        nisac_report_set1(r, "inner_steps", steps);
        nisac_report_set1(r, "rejected", rejected);
        nisac_report_set1(r, "decreases", decreases);
        nisac_report_set1(r, "backtracks", backtracks);
        nisac_report_set1(r, "fallbacks", fallbacks);
    } else if (rc == NISAC_ELAPACK) {
        r->status = NISAC_STATUS_NUMERICAL;
        snprintf(r->note, sizeof r->note, "%s", nisac_last_error());
        rc = NISAC_OK;
    }
    free(trace), free(tot), free(Xb), free(pa);
    ws_free(&w);
    return rc;
}

/* The algorithms' entry points: run() with their variant (the seed is unused: no randomness). */
#define DESIGN(fn, variant, hao, fp)                                                                           \
    static int fn(const nisac_instance *inst, const nisac_params *opts, uint64_t seed, nisac_design_t *d,      \
                  nisac_report *r)                                                                             \
    {                                                                                                          \
        (void)seed;                                                                                            \
        return run(inst, opts, d, r, variant, hao, fp);                                                        \
    }
DESIGN(design_rs, V_RS, 0, 0)
DESIGN(design_noma, V_NOMA, 0, 0)
DESIGN(design_sense, V_SENSE, 0, 0)
DESIGN(design_hao, V_RS, 1, 0)
DESIGN(design_fp, V_RS, 0, 1)

static double memory_mb(const nisac_params *p, const nisac_params *opts)
{
    (void)opts;
    nisac_rs_params q;
    nisac_rs_params_from(p, &q);
    const double n = q.K + q.L, nb = q.G + q.K + 1;
    return (2 * n * n + 8 * n * nb + n * q.K + 3.0 * q.M * nb) * 16 / 1048576.0;
}

#define NOPTS (int)(sizeof wmmse_opts / sizeof wmmse_opts[0])
const nisac_algo nisac_algo_rs_wmmse = {
    "rs-wmmse", "rs-noma-isac",
    "rate-splitting NOMA by weighted MMSE with the sensing utility (E-WMMSE, Algorithm 2), Gram-space closed-form steps",
    wmmse_opts, NOPTS, design_rs, memory_mb};
const nisac_algo nisac_algo_rs_noma = {
    "noma", "rs-noma-isac", "conventional NOMA (no common streams), the same weighted-MMSE iteration", wmmse_opts,
    NOPTS, design_noma, memory_mb};
const nisac_algo nisac_algo_rs_sensing_only = {
    "sensing-only", "rs-noma-isac", "pure sensing: all power in the sensing beam, maximising sum_l log2(1 + Gamma_l)",
    wmmse_opts, NOPTS, design_sense, memory_mb};

/* Test hook: after `iters` iterations of variant (0 rs, 1 noma, 2 sensing-only), one W-step from
 * the point reached; *rise gets the largest increase of the weighted surrogate over `trials`
 * random perturbations of its maximiser (<= 0 up to rounding when the Gram-space step is the
 * maximiser), relative to the surrogate's value. */
int nisac__rs_wstep_probe(const nisac_instance *inst, int variant, int iters, int trials, uint64_t seed, double *rise);
int nisac__rs_wstep_probe(const nisac_instance *inst, int variant, int iters, int trials, uint64_t seed, double *rise)
{
    const nisac_rs_instance *ri = nisac_rs_instance_of(inst);
    nisac_params *o = nisac_algo_opts(&nisac_algo_rs_wmmse);
    if (!ri || !o) {
        nisac_params_free(o);
        return NISAC_FAIL(NISAC_EINVAL, "probe: not an rs-noma-isac instance");
    }
    nisac_params_set_named(o, "max_iter", iters > 0 ? iters : 1);
    nisac_params_set_named(o, "tol", 0);
    nisac_design_t *d = nisac_design_new(inst);
    nisac_report *r = nisac_report_new();
    ws w;
    memset(&w, 0, sizeof w);
    int rc = !d || !r ? NISAC_FAIL(NISAC_ENOMEM, "probe: out of memory") : NISAC_OK;
    if (!rc && iters > 0) rc = run(inst, o, d, r, variant, 0, 0);
    if (!rc) rc = ws_init(&w, ri, variant);
    const size_t nnb = (size_t)w.n * w.nb;
    double *tot = rc ? NULL : malloc(sizeof(double) * (size_t)ri->K);
    double complex *X = rc ? NULL : malloc(sizeof(double complex) * nnb * 2), *Y = X ? X + nnb : NULL;
    if (!rc && (!tot || !X)) rc = NISAC_FAIL(NISAC_ENOMEM, "probe: out of memory");
    if (!rc) rc = initial(&w, ri);
    if (!rc && iters > 0) { /* the design's beams back in coefficients: W = V X (V of full column rank) */
        /* least squares through the Gram matrix: X = Gm^{-1} V^H W */
        const int M = w.M, K = w.K, L = w.L, n = w.n, G = w.G;
        double complex *Vw = malloc(sizeof(double complex) * nnb);
        if (!Vw) rc = NISAC_FAIL(NISAC_ENOMEM, "probe: out of memory");
        const double complex *Wd[3] = {d->blocks[0].z, d->blocks[1].z, d->blocks[2].z};
        const int c0[3] = {0, G, G + K}, nc[3] = {G, K, 1};
        for (int q = 0; q < 3 && !rc; q++) {
            nisac_cgemm('C', 'N', K, nc[q], M, 1, ri->Hhat, M, Wd[q], M, 0, Vw + (size_t)c0[q] * n, n);
            if (L > 0) nisac_cgemm('C', 'N', L, nc[q], M, 1, ri->A, M, Wd[q], M, 0, Vw + (size_t)c0[q] * n + K, n);
        }
        if (!rc) {
            memcpy(w.S, w.Gm, sizeof(double complex) * (size_t)n * n);
            if (!(rc = nisac_chol(n, w.S, n)) && !(rc = nisac_chol_solve(n, w.nb, w.S, n, Vw, n)))
                memcpy(w.X, Vw, sizeof(double complex) * nnb);
        }
        free(Vw);
    }
    if (!rc) {
        const double pw = gram_apply(&w, w.X, w.Y);
        objective(&w, w.Y, pw, 1, tot);
        set_weights(&w, nisac_params_get(o, "softmin"), w.wl);
        rc = wstep(&w);
    }
    if (!rc) {
        nisac_rng g;
        nisac_rng_init(&g, seed, 0, 0, NISAC_PURPOSE_ALGO);
        double S0, S1, worst = -INFINITY, xn = 0;
        surrogate(&w, w.Yn, gram_apply(&w, w.Xn, w.Yn), tot, &S0);
        for (size_t i = 0; i < nnb; i++) xn += creal(conj(w.Xn[i]) * w.Xn[i]);
        for (int t = 0; t < trials; t++) {
            const double step = sqrt(xn / nnb) * pow(10, -4 - 8.0 * t / (trials > 1 ? trials - 1 : 1));
            for (size_t i = 0; i < nnb; i++) X[i] = w.Xn[i] + (w.active[i / w.n] ? step * nisac_rng_cn(&g) : 0);
            surrogate(&w, Y, gram_apply(&w, X, Y), tot, &S1);
            worst = fmax(worst, (S1 - S0) / fabs(S0));
        }
        *rise = worst;
    }
    free(tot), free(X);
    ws_free(&w);
    nisac_design_free(d);
    nisac_report_free(r);
    nisac_params_free(o);
    return rc;
}
const nisac_algo nisac_algo_rs_hao_sca = {
    "hao-sca", "rs-noma-isac",
    "Algorithm 1 (HAO-SCA): SCA beamforming step, power allocation (28) by closed-form MM steps, max-min fair "
    "splitting ratios (29)",
    hao_opts, (int)(sizeof hao_opts / sizeof hao_opts[0]), design_hao, memory_mb};
const nisac_algo nisac_algo_rs_fp = {
    "fp", "rs-noma-isac",
    "fractional programming (Lagrangian-dual and quadratic transforms), the power budget by its multiplier",
    wmmse_opts, NOPTS, design_fp, memory_mb};
