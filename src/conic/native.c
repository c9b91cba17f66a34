/* The native conic backend: a primal-dual interior-point method on the
 * homogeneous self-dual embedding of
 *
 *   min c^T x  s.t.  A x = b,  x in K      max b^T y  s.t.  c - A^T y = z in K*
 *
 * with K a product of nonnegative orthants (scalars; free scalars as
 * differences of two), second-order cones and Hermitian (or real
 * symmetric) PSD blocks held as complex matrices.  The embedding
 *
 *   A x - b tau = 0,  -A^T y + c tau - z = 0,  b^T y - c^T x - kappa = 0
 *
 * has a strictly feasible start (x = z = e, y = 0, tau = kappa = 1); at
 * its solution tau > 0 gives the optimum (x, y, z) / tau and kappa > 0 a
 * certificate: b^T y > 0 with A^T y + z = 0 (primal infeasible) or
 * c^T x < 0 with A x = 0 (dual infeasible, the primal unbounded).
 *
 * Each iteration computes Nesterov-Todd scalings W (W x = W^-T z =
 * lambda), factors the Schur complement M = A H^-1 A^T (H = W^T W) once
 * and takes a Mehrotra predictor-corrector step; the tau column is
 * handled by a second right-hand side.  M is assembled from the rows'
 * structure: every row's coefficient on a PSD block is a sum of terms
 * Re(c y^H X x) with x, y unit vectors or vectors of the problem, and
 *   tr(A_i N A_j N) = 1/2 Re sum_st (c_s d_t G[v_s,p_t] G[q_t,u_s]
 *                                   + c_s conj(d_t) G[v_s,q_t] G[p_t,u_s])
 * with G = V^H N V over those vectors (N the NT scaling point).
 *
 * The problem is brought to unit magnitudes first (rows divided by their
 * largest coefficient, variables and objective by powers of two).  All
 * memory is allocated before the first iteration and belongs to the
 * solve; there is no static state, so solves in several threads run at
 * once. */
#include "conic_internal.h"

#include <cblas.h>
#include <lapacke.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#ifdef NATIVE_DEBUG
#include <stdio.h>
#endif

typedef double complex cplx;

/* One PSD block. */
typedef struct {
    int bi;   /* builder block */
    int n;    /* order */
    int real; /* real symmetric block */
    int nq;   /* problem vectors (beyond the n unit vectors) */
    int *qid; /* builder vector ids */
    cplx *U;  /* n x nq: the vectors */
    /* per native row: terms [rp[r], rp[r+1]) */
    int *rp, *tu, *tv;
    cplx *tc;
    int *rows, nrows; /* native rows with terms on this block */
    cplx *C;          /* objective, n x n */
    /* iterate, direction, scaling and work (n x n unless noted) */
    cplx *X, *Z, *dX, *dZ, *R, *Ri, *Nm, *T1, *T2, *L1, *L2;
    cplx *NU;  /* n x nq: N U (also X U in A x) */
    cplx *G;   /* nq x nq: U^H N U */
    double *lam, *ev;
    /* cone-shaped vectors of the method (n x n each) */
    cplx *r2, *q, *hc, *dx1, *ax, *e1, *e2;
    cplx *Cm, *W1; /* (n + nq)^2 and n x (n + nq): A^T y as V Cm V^H, V = [I U] */
    int useB;      /* Schur part by B_j = N A_j N (schur_block_B) instead of term pairs */
} psd_t;

/* One second-order cone of dimension d (components x_0..x_{d-1}). */
typedef struct {
    int bi, d, off; /* offset in the flat cone arrays */
    /* per component: rows (CSC) */
    int *cp, *cr;
    double *cv;
    double omega, *wb, *v; /* NT scaling: w = omega^2 ... see soc_scaling */
    int *ur, nur;          /* the distinct rows the cone touches (its rank-one Schur part) */
    double *D, *Ds, *S;    /* dense cones: components as columns over ur (nur x d), their scaled
                              copy, and the local Schur part (nur x nur); NULL: sparse pairs */
} soc_t;

typedef struct {
    int m;     /* native rows */
    int *rmap; /* builder row -> native row (-1 dropped) */
    double *b, *rowd; /* rhs (scaled), row scaling */
    double s, g;      /* variable and objective scaling */
    /* LP: nl columns; builder scalar j -> column lpos[j], lneg[j] (free) */
    int nl, *lpos, *lneg;
    int *lcp, *lcr;
    double *lcv, *cl;
    int np;
    psd_t *P;
    int nsoc, nqtot;
    soc_t *Q;
    double *cq;
    double nu; /* degree of K */
    /* iterate */
    double *xl, *zl, *xq, *zq, *y, tau, kappa;
    double *dxl, *dzl, *dxq, *dzq, *dy, dtau, dkappa;
    /* cone-shaped vectors for LP and SOC parts */
    double *r2l, *r2q, *ql, *qq, *hcl, *hcq, *dx1l, *dx1q, *axl, *axq, *e1l, *e1q, *e2l, *e2q, *w3;
    double *lamq, *lamq2; /* SOC lambda, scratch */
    int fixtau; /* tau held: the end game of a feasible problem (see native_solve) */
    double *lam_l;
    /* scaled directions for the corrector */
    double *sxl, *szl, *sxq, *szq;
    /* Schur */
    double *M, *Mf, *r1, *rhs, *dy1, *w1, *w2;
    /* LAPACK work */
    cplx *zwork;
    double *rwork;
    int lzwork;
} ws_t;

/* Zeroed arrays with a pad on either side: OpenBLAS's Haswell zgemv
 * kernel, inside zgesvd, reads past the matrices it is given (valgrind:
 * "invalid read of size 16 ... 32 bytes before a block"; after the end by
 * up to about a column: 16 bytes past a 64-byte pad at n = 16, past a
 * 512-byte pad at n = 48).  The pads keep those reads inside the
 * allocation (under AddressSanitizer they hit unmapped memory).  The pad
 * size is stored 16 bytes before the array (the kernel only reads). */
static void *zalloc(size_t n, size_t sz)
{
    size_t cnt = n ? n : 1, col = 1;
    while (col * col < cnt) col++;
    const size_t pad = 512 + 4 * col * sz; /* a multiple of 16 for sz in {4, 8, 16} */
    unsigned char *p = calloc(1, cnt * sz + 2 * pad);
    if (!p) return NULL;
    memcpy(p + pad - 16, &pad, sizeof pad);
    return p + pad;
}

static void zfree(void *p)
{
    if (!p) return;
    size_t pad;
    memcpy(&pad, (unsigned char *)p - 16, sizeof pad);
    free((unsigned char *)p - pad);
}

/* ---------------------------------------------------------------- setup */

static double row_max(const nisac_conic *c, const terms_t *t)
{
    double m = 0;
    for (int i = 0; i < t->n; i++) {
        const term_t *e = &t->t[i];
        double a = cabs(e->v);
        if (e->blk >= 0 && e->kind == TERM_QUAD) {
            double nx = 0, ny = 0;
            const cplx *x = c->vpool + c->voff[e->p], *y = c->vpool + c->voff[e->q];
            for (int k = 0; k < c->vlen[e->p]; k++) nx = fmax(nx, cabs(x[k]));
            for (int k = 0; k < c->vlen[e->q]; k++) ny = fmax(ny, cabs(y[k]));
            a *= nx * ny;
        }
        m = fmax(m, a);
    }
    return m;
}

static double p2(double v) { return v > 0 && isfinite(v) ? exp2(round(log2(v))) : 1.0; }

static void ws_free(ws_t *w)
{
    if (!w) return;
    for (int k = 0; k < w->np; k++) {
        psd_t *P = &w->P[k];
        zfree(P->qid);
        zfree(P->U);
        zfree(P->rp);
        zfree(P->tu);
        zfree(P->tv);
        zfree(P->tc);
        zfree(P->rows);
        zfree(P->C);
        cplx *arr[] = {P->X, P->Z, P->dX, P->dZ, P->R, P->Ri, P->Nm, P->T1, P->T2, P->L1, P->L2,
                       P->NU, P->G, P->r2, P->q, P->hc, P->dx1, P->ax, P->e1, P->e2, P->Cm, P->W1};
        for (size_t i = 0; i < sizeof arr / sizeof arr[0]; i++) zfree(arr[i]);
        zfree(P->lam);
        zfree(P->ev);
    }
    zfree(w->P);
    for (int k = 0; k < w->nsoc; k++) {
        zfree(w->Q[k].cp);
        zfree(w->Q[k].cr);
        zfree(w->Q[k].cv);
        zfree(w->Q[k].wb);
        zfree(w->Q[k].v);
        zfree(w->Q[k].ur);
        zfree(w->Q[k].D);
        zfree(w->Q[k].Ds);
        zfree(w->Q[k].S);
    }
    zfree(w->Q);
    double *d[] = {w->b, w->rowd, w->lcv, w->cl, w->cq, w->xl, w->zl, w->xq, w->zq, w->y, w->dxl, w->dzl,
                   w->dxq, w->dzq, w->dy, w->r2l, w->r2q, w->ql, w->qq, w->hcl, w->hcq, w->dx1l,
                   w->dx1q, w->axl, w->axq, w->lamq, w->lamq2, w->lam_l, w->sxl, w->szl, w->sxq,
                   w->szq, w->M, w->Mf, w->r1, w->rhs, w->dy1, w->w1, w->w2, w->rwork,
                   w->e1l, w->e1q, w->e2l, w->e2q, w->w3};
    for (size_t i = 0; i < sizeof d / sizeof d[0]; i++) zfree(d[i]);
    zfree(w->rmap);
    zfree(w->lpos);
    zfree(w->lneg);
    zfree(w->lcp);
    zfree(w->lcr);
    zfree(w->zwork);
}

#define OOM NISAC_FAIL(NISAC_ENOMEM, "conic: out of memory")

/* Builds the workspace.  Returns NISAC_OK, an error, or 1 when a row
 * reads 0 = b with b != 0 (infeasible without a solve). */
static int ws_setup(const nisac_conic *c, ws_t *w)
{
    memset(w, 0, sizeof *w);
    const int nr = c->nrow;
    w->rmap = zalloc((size_t)nr, sizeof(int));
    w->rowd = zalloc((size_t)nr, sizeof(double));
    if (!w->rmap || !w->rowd) return OOM;
    double smax = 0;
    for (int r = 0; r < nr; r++) {
        const row_t *rw = &c->row[r];
        double mx = row_max(c, &rw->terms);
        if (mx == 0) {
            if (rw->rhs != 0) return 1;
            w->rmap[r] = -1;
            continue;
        }
        w->rmap[r] = w->m++;
        w->rowd[r] = p2(mx);
        smax = fmax(smax, fabs(rw->rhs) / w->rowd[r]);
    }
    if (w->m == 0) return NISAC_FAIL(NISAC_EINVAL, "conic: the problem has no constraints");
    w->s = p2(smax);
    w->g = w->s * p2(row_max(c, &c->obj));
    const int m = w->m;
    const double os = w->s / w->g; /* objective coefficient factor */
    w->b = zalloc((size_t)m, sizeof(double));
    if (!w->b) return OOM;
    for (int r = 0; r < nr; r++)
        if (w->rmap[r] >= 0) w->b[w->rmap[r]] = c->row[r].rhs / (w->rowd[r] * w->s);

    /* LP columns */
    w->lpos = zalloc((size_t)c->nscal, sizeof(int));
    w->lneg = zalloc((size_t)c->nscal, sizeof(int));
    if (!w->lpos || !w->lneg) return OOM;
    for (int j = 0; j < c->nscal; j++) w->lpos[j] = w->nl++;
    for (int j = 0; j < c->nscal; j++) w->lneg[j] = c->isfree[j] ? w->nl++ : -1;
    /* blocks */
    for (int b = 0; b < c->nblk; b++) {
        if (c->blk[b].kind == BLK_SOC) w->nsoc++;
        else w->np++;
    }
    w->P = zalloc((size_t)w->np, sizeof(psd_t));
    w->Q = zalloc((size_t)w->nsoc, sizeof(soc_t));
    if (!w->P || !w->Q) return OOM;
    int *bmap = zalloc((size_t)c->nblk, sizeof(int));
    if (!bmap) return OOM;
    {
        int kp = 0, kq = 0;
        for (int b = 0; b < c->nblk; b++) {
            if (c->blk[b].kind == BLK_SOC) {
                soc_t *Q = &w->Q[kq];
                Q->bi = b;
                Q->d = c->blk[b].n;
                Q->off = w->nqtot;
                w->nqtot += Q->d;
                bmap[b] = kq++;
            } else {
                psd_t *P = &w->P[kp];
                P->bi = b;
                P->n = c->blk[b].n;
                P->real = c->blk[b].kind == BLK_SYM;
                bmap[b] = kp++;
            }
        }
    }
    w->nu = w->nl + w->nsoc;
    for (int k = 0; k < w->np; k++) w->nu += w->P[k].n;

    /* Count terms per (block, row), vectors per block. */
    int *vloc = zalloc((size_t)c->nvec, sizeof(int));
    int *lcnt = zalloc((size_t)w->nl + 1, sizeof(int));
    if (!vloc || !lcnt) {
        zfree(bmap);
        zfree(vloc);
        zfree(lcnt);
        return OOM;
    }
    int rc = NISAC_OK;
    for (int i = 0; i < c->nvec; i++) vloc[i] = -1;
    for (int k = 0; k < w->np && !rc; k++) {
        psd_t *P = &w->P[k];
        P->rp = zalloc((size_t)m + 1, sizeof(int));
        if (!P->rp) rc = OOM;
    }
    for (int k = 0; k < w->nsoc && !rc; k++) {
        soc_t *Q = &w->Q[k];
        Q->cp = zalloc((size_t)Q->d + 1, sizeof(int));
        if (!Q->cp) rc = OOM;
    }
    if (!rc)
        for (int r = 0; r < nr; r++) {
            int nrw = w->rmap[r];
            if (nrw < 0) continue;
            const terms_t *t = &c->row[r].terms;
            for (int i = 0; i < t->n; i++) {
                const term_t *e = &t->t[i];
                if (e->blk < 0) {
                    lcnt[w->lpos[e->p]]++;
                    if (w->lneg[e->p] >= 0) lcnt[w->lneg[e->p]]++;
                } else if (c->blk[e->blk].kind == BLK_SOC) {
                    w->Q[bmap[e->blk]].cp[e->p + 1]++;
                } else {
                    psd_t *P = &w->P[bmap[e->blk]];
                    P->rp[nrw + 1]++;
                    if (e->kind == TERM_QUAD) {
                        if (vloc[e->p] < 0) vloc[e->p] = P->nq++;
                        if (vloc[e->q] < 0) vloc[e->q] = P->nq++;
                    }
                }
            }
        }
    /* objective vectors are not needed in U (C is dense) */
    /* LP CSC */
    if (!rc) {
        w->lcp = zalloc((size_t)w->nl + 1, sizeof(int));
        if (!w->lcp) rc = OOM;
    }
    if (!rc) {
        for (int j = 0; j < w->nl; j++) w->lcp[j + 1] = w->lcp[j] + lcnt[j];
        int nnz = w->lcp[w->nl];
        w->lcr = zalloc((size_t)nnz, sizeof(int));
        w->lcv = zalloc((size_t)nnz, sizeof(double));
        w->cl = zalloc((size_t)w->nl, sizeof(double));
        if (!w->lcr || !w->lcv || !w->cl) rc = OOM;
        memset(lcnt, 0, sizeof(int) * ((size_t)w->nl + 1));
    }
    for (int k = 0; k < w->nsoc && !rc; k++) {
        soc_t *Q = &w->Q[k];
        for (int i = 0; i < Q->d; i++) Q->cp[i + 1] += Q->cp[i];
        Q->cr = zalloc((size_t)Q->cp[Q->d], sizeof(int));
        Q->cv = zalloc((size_t)Q->cp[Q->d], sizeof(double));
        Q->wb = zalloc((size_t)Q->d, sizeof(double));
        Q->v = zalloc((size_t)Q->d, sizeof(double));
        if (!Q->cr || !Q->cv || !Q->wb || !Q->v) rc = OOM;
    }
    int **qfill = zalloc((size_t)w->nsoc, sizeof(int *));
    if (!qfill) rc = OOM;
    for (int k = 0; k < w->nsoc && !rc; k++) {
        qfill[k] = zalloc((size_t)w->Q[k].d, sizeof(int));
        if (!qfill[k]) rc = OOM;
    }
    for (int k = 0; k < w->np && !rc; k++) {
        psd_t *P = &w->P[k];
        for (int r = 0; r < m; r++) P->rp[r + 1] += P->rp[r];
        int nt = P->rp[m];
        size_t nn = (size_t)P->n * P->n;
        P->tu = zalloc((size_t)nt, sizeof(int));
        P->tv = zalloc((size_t)nt, sizeof(int));
        P->tc = zalloc((size_t)nt, sizeof(cplx));
        P->qid = zalloc((size_t)P->nq, sizeof(int));
        P->U = zalloc((size_t)P->n * P->nq, sizeof(cplx));
        P->NU = zalloc((size_t)P->n * P->nq, sizeof(cplx));
        P->G = zalloc((size_t)P->nq * P->nq, sizeof(cplx));
        P->Cm = zalloc((size_t)(P->n + P->nq) * (P->n + P->nq), sizeof(cplx));
        P->W1 = zalloc((size_t)P->n * (P->n + P->nq), sizeof(cplx));
        if (!P->Cm || !P->W1) rc = OOM;
        P->rows = zalloc((size_t)m, sizeof(int));
        P->lam = zalloc((size_t)P->n, sizeof(double));
        P->ev = zalloc((size_t)P->n, sizeof(double));
        cplx **arr[] = {&P->C, &P->X, &P->Z, &P->dX, &P->dZ, &P->R, &P->Ri, &P->Nm, &P->T1, &P->T2,
                        &P->L1, &P->L2, &P->r2, &P->q, &P->hc, &P->dx1, &P->ax, &P->e1, &P->e2};
        for (size_t i = 0; i < sizeof arr / sizeof arr[0]; i++) {
            *arr[i] = zalloc(nn, sizeof(cplx));
            if (!*arr[i]) rc = OOM;
        }
        if (!P->tu || !P->tv || !P->tc || !P->qid || !P->U || !P->NU || !P->G || !P->rows || !P->lam || !P->ev)
            rc = OOM;
        for (int r = 0; r < m; r++)
            if (P->rp[r + 1] > P->rp[r]) P->rows[P->nrows++] = r;

    }
    if (!rc) {
        /* vectors */
        for (int i = 0; i < c->nvec; i++)
            if (vloc[i] >= 0) {
                psd_t *P = &w->P[bmap[c->vblk[i]]];
                P->qid[vloc[i]] = i;
                memcpy(P->U + (size_t)vloc[i] * P->n, c->vpool + c->voff[i], sizeof(cplx) * (size_t)P->n);
            }
        /* fill terms */
        int **pfill = zalloc((size_t)w->np, sizeof(int *));
        if (!pfill) rc = OOM;
        for (int k = 0; k < w->np && !rc; k++) {
            pfill[k] = zalloc((size_t)m, sizeof(int));
            if (!pfill[k]) rc = OOM;
            else memcpy(pfill[k], w->P[k].rp, sizeof(int) * (size_t)m);
        }
        for (int r = 0; r < nr && !rc; r++) {
            int nrw = w->rmap[r];
            if (nrw < 0) continue;
            const double rd = w->rowd[r];
            const terms_t *t = &c->row[r].terms;
            for (int i = 0; i < t->n; i++) {
                const term_t *e = &t->t[i];
                if (e->blk < 0) {
                    int j = w->lpos[e->p], pos = w->lcp[j] + lcnt[j]++;
                    w->lcr[pos] = nrw;
                    w->lcv[pos] = creal(e->v) / rd;
                    if ((j = w->lneg[e->p]) >= 0) {
                        pos = w->lcp[j] + lcnt[j]++;
                        w->lcr[pos] = nrw;
                        w->lcv[pos] = -creal(e->v) / rd;
                    }
                } else if (c->blk[e->blk].kind == BLK_SOC) {
                    int kq = bmap[e->blk];
                    soc_t *Q = &w->Q[kq];
                    int pos = Q->cp[e->p] + qfill[kq][e->p]++;
                    Q->cr[pos] = nrw;
                    Q->cv[pos] = creal(e->v) / rd;
                } else {
                    int kp = bmap[e->blk];
                    psd_t *P = &w->P[kp];
                    int pos = pfill[kp][nrw]++;
                    /* Re(v y^H X x): u = x, v = y; ENTRY (p, q): Re(v X_pq) = Re(v e_p^H X e_q) */
                    if (e->kind == TERM_QUAD) {
                        P->tu[pos] = P->n + vloc[e->p];
                        P->tv[pos] = P->n + vloc[e->q];
                    } else {
                        P->tu[pos] = e->q;
                        P->tv[pos] = e->p;
                    }
                    P->tc[pos] = (P->real ? creal(e->v) : e->v) / rd;
                }
            }
        }
        /* the distinct rows of each cone; loc[r]: row r's place among them (-1: not in the cone) */
        int *loc = w->nsoc ? malloc(sizeof(int) * ((size_t)m + 1)) : NULL;
        if (w->nsoc && !loc) rc = OOM;
        for (int r = 0; loc && r <= m; r++) loc[r] = -1;
        for (int k = 0; !rc && k < w->nsoc; k++) {
            soc_t *Q = &w->Q[k];
            Q->ur = zalloc((size_t)Q->cp[Q->d] + 1, sizeof(int));
            if (!Q->ur) {
                rc = OOM;
                break;
            }
            Q->nur = 0;
            for (int p = 0; p < Q->cp[Q->d]; p++)
                if (loc[Q->cr[p]] < 0) {
                    loc[Q->cr[p]] = Q->nur;
                    Q->ur[Q->nur++] = Q->cr[p];
                }
            /* dense local Schur part by BLAS when the pairs of entries cost more */
            double sparse = 0, dense = (double)Q->nur * Q->nur * Q->d;
            for (int i = 0; i < Q->d; i++) sparse += (double)(Q->cp[i + 1] - Q->cp[i]) * (Q->cp[i + 1] - Q->cp[i]);
            if (Q->nur >= 16 && dense < 8 * sparse) {
                Q->D = zalloc((size_t)Q->nur * Q->d, sizeof(double));
                Q->Ds = zalloc((size_t)Q->nur * Q->d, sizeof(double));
                Q->S = zalloc((size_t)Q->nur * Q->nur, sizeof(double));
                if (!Q->D || !Q->Ds || !Q->S) rc = OOM;
                for (int i = 0; !rc && i < Q->d; i++)
                    for (int p = Q->cp[i]; p < Q->cp[i + 1]; p++) Q->D[loc[Q->cr[p]] + (size_t)i * Q->nur] += Q->cv[p];
            }
            for (int i = 0; i < Q->nur; i++) loc[Q->ur[i]] = -1;
        }
        free(loc);
        /* merge repeated (u, v) pairs within each row's terms on a block */
        for (int k = 0; !rc && k < w->np; k++) {
            psd_t *P = &w->P[k];
            int wpos = 0;
            for (int r = 0; r < m; r++) {
                const int a = P->rp[r], b = P->rp[r + 1];
                for (int p = a + 1; p < b; p++) { /* insertion sort by (u, v) */
                    const int uu = P->tu[p], vv = P->tv[p];
                    const cplx cc = P->tc[p];
                    int q = p - 1;
                    while (q >= a && (P->tu[q] > uu || (P->tu[q] == uu && P->tv[q] > vv))) {
                        P->tu[q + 1] = P->tu[q];
                        P->tv[q + 1] = P->tv[q];
                        P->tc[q + 1] = P->tc[q];
                        q--;
                    }
                    P->tu[q + 1] = uu;
                    P->tv[q + 1] = vv;
                    P->tc[q + 1] = cc;
                }
                P->rp[r] = wpos;
                for (int p = a; p < b; p++) {
                    if (wpos > P->rp[r] && P->tu[wpos - 1] == P->tu[p] && P->tv[wpos - 1] == P->tv[p])
                        P->tc[wpos - 1] += P->tc[p];
                    else {
                        P->tu[wpos] = P->tu[p];
                        P->tv[wpos] = P->tv[p];
                        P->tc[wpos] = P->tc[p];
                        wpos++;
                    }
                }
            }
            P->rp[m] = wpos;
            /* operation counts of the two ways to its part of M, on the merged terms */
            const double T = wpos, nn2 = (double)P->n * P->n;
            const double costG = 0.5 * T * T * 6.0;
            const double costB = T * nn2 * 2.0 + 0.5 * P->nrows * T + (P->nq ? P->nrows * nn2 * P->nq : 0.0);
            P->useB = costB < costG;
        }
        for (int k = 0; pfill && k < w->np; k++) zfree(pfill[k]);
        zfree(pfill);
    }
    /* merge repeated rows within each LP column (a problem stated through
     * its dual repeats them: one per term that reads the parameter) */
    if (!rc && w->lcp) {
        int wpos = 0;
        for (int j = 0; j < w->nl; j++) {
            const int a = w->lcp[j], b = w->lcp[j + 1];
            /* insertion sort by row: columns are short or nearly sorted */
            for (int p = a + 1; p < b; p++) {
                const int rr = w->lcr[p];
                const double vv = w->lcv[p];
                int q = p - 1;
                while (q >= a && w->lcr[q] > rr) {
                    w->lcr[q + 1] = w->lcr[q];
                    w->lcv[q + 1] = w->lcv[q];
                    q--;
                }
                w->lcr[q + 1] = rr;
                w->lcv[q + 1] = vv;
            }
            w->lcp[j] = wpos;
            for (int p = a; p < b; p++) {
                if (wpos > w->lcp[j] && w->lcr[wpos - 1] == w->lcr[p]) w->lcv[wpos - 1] += w->lcv[p];
                else {
                    w->lcr[wpos] = w->lcr[p];
                    w->lcv[wpos] = w->lcv[p];
                    wpos++;
                }
            }
        }
        w->lcp[w->nl] = wpos;
    }
    for (int k = 0; qfill && k < w->nsoc; k++) zfree(qfill[k]);
    zfree(qfill);
    zfree(lcnt);
    /* objective */
    if (!rc) {
        w->cq = zalloc((size_t)w->nqtot, sizeof(double));
        if (!w->cq) rc = OOM;
    }
    for (int i = 0; !rc && i < c->obj.n; i++) {
        const term_t *e = &c->obj.t[i];
        double complex v = e->v * os;
        if (e->blk < 0) {
            w->cl[w->lpos[e->p]] += creal(v);
            if (w->lneg[e->p] >= 0) w->cl[w->lneg[e->p]] -= creal(v);
        } else if (c->blk[e->blk].kind == BLK_SOC) {
            w->cq[w->Q[bmap[e->blk]].off + e->p] += creal(v);
        } else {
            psd_t *P = &w->P[bmap[e->blk]];
            const int n = P->n;
            if (P->real) v = creal(v);
            /* <C, X> += Re(v y^H X x): C += (v x y^H + conj(v) y x^H) / 2 */
            if (e->kind == TERM_ENTRY) {
                P->C[e->q + (size_t)e->p * n] += 0.5 * v;
                P->C[e->p + (size_t)e->q * n] += 0.5 * conj(v);
            } else {
                const cplx *x = c->vpool + c->voff[e->p], *y = c->vpool + c->voff[e->q];
                for (int jj = 0; jj < n; jj++)
                    for (int ii = 0; ii < n; ii++)
                        P->C[ii + (size_t)jj * n] += 0.5 * (v * x[ii] * conj(y[jj]) + conj(v) * y[ii] * conj(x[jj]));
            }
        }
    }
    zfree(vloc);
    zfree(bmap);
    if (rc) return rc;

    /* vectors of the method */
    const size_t nl = (size_t)w->nl, nq = (size_t)w->nqtot, mm = (size_t)m;
    double **dv[] = {&w->xl, &w->zl, &w->dxl, &w->dzl, &w->r2l, &w->ql, &w->hcl, &w->dx1l, &w->axl, &w->lam_l,
                     &w->sxl, &w->szl, &w->e1l, &w->e2l};
    for (size_t i = 0; i < sizeof dv / sizeof dv[0]; i++)
        if (!(*dv[i] = zalloc(nl, sizeof(double)))) return OOM;
    double **qv[] = {&w->xq, &w->zq, &w->dxq, &w->dzq, &w->r2q, &w->qq, &w->hcq, &w->dx1q, &w->axq, &w->lamq,
                     &w->lamq2, &w->sxq, &w->szq, &w->e1q, &w->e2q};
    for (size_t i = 0; i < sizeof qv / sizeof qv[0]; i++)
        if (!(*qv[i] = zalloc(nq, sizeof(double)))) return OOM;
    double **mv[] = {&w->y, &w->dy, &w->r1, &w->rhs, &w->dy1, &w->w1, &w->w2, &w->w3};
    for (size_t i = 0; i < sizeof mv / sizeof mv[0]; i++)
        if (!(*mv[i] = zalloc(mm, sizeof(double)))) return OOM;
    w->M = zalloc(mm * mm, sizeof(double));
    w->Mf = zalloc(mm * mm, sizeof(double));
    if (!w->M || !w->Mf) return OOM;
    /* LAPACK workspaces (zgesvd, zheev) for the largest block */
    int nmax = 1;
    for (int k = 0; k < w->np; k++) nmax = w->P[k].n > nmax ? w->P[k].n : nmax;
    cplx q1 = 0, q2 = 0;
    double rdummy[8];
    cplx dummy[4];
    LAPACKE_zgesvd_work(LAPACK_COL_MAJOR, 'A', 'A', nmax, nmax, dummy, nmax, rdummy, dummy, nmax, dummy,
                        nmax, &q1, -1, rdummy);
    LAPACKE_zheev_work(LAPACK_COL_MAJOR, 'N', 'L', nmax, dummy, nmax, rdummy, &q2, -1, rdummy);
    w->lzwork = (int)fmax(creal(q1), creal(q2)) + 8 * nmax;
    w->zwork = zalloc((size_t)w->lzwork, sizeof(cplx));
    w->rwork = zalloc((size_t)(5 * nmax + 8), sizeof(double));
    if (!w->zwork || !w->rwork) return OOM;
    return NISAC_OK;
}

/* ------------------------------------------------------------ cone maps */

/* G lookup: a^H N b for local vector indices (unit < n <= problem vectors). */
static inline cplx gval(const psd_t *P, int a, int b)
{
    const int n = P->n;
    if (a < n && b < n) return P->Nm[a + (size_t)b * n];
    if (a < n) return P->NU[a + (size_t)(b - n) * n];
    if (b < n) return conj(P->NU[b + (size_t)(a - n) * n]);
    return P->G[(a - n) + (size_t)(b - n) * P->nq];
}

/* out = A x (x given by its parts; PSD parts X_k) */
static void A_mul(ws_t *w, const double *xl, const double *xq, cplx *const *Xs, double *out)
{
    const int m = w->m;
    memset(out, 0, sizeof(double) * (size_t)m);
    for (int j = 0; j < w->nl; j++)
        for (int p = w->lcp[j]; p < w->lcp[j + 1]; p++) out[w->lcr[p]] += w->lcv[p] * xl[j];
    for (int k = 0; k < w->nsoc; k++) {
        const soc_t *Q = &w->Q[k];
        for (int i = 0; i < Q->d; i++)
            for (int p = Q->cp[i]; p < Q->cp[i + 1]; p++) out[Q->cr[p]] += Q->cv[p] * xq[Q->off + i];
    }
    for (int k = 0; k < w->np; k++) {
        psd_t *P = &w->P[k];
        const int n = P->n;
        const cplx *X = Xs[k];
        const cplx one = 1, zero = 0;
        if (P->nq)
            cblas_zgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, n, P->nq, n, &one, X, n, P->U, n, &zero, P->NU, n);
        for (int ri = 0; ri < P->nrows; ri++) {
            const int r = P->rows[ri];
            double acc = 0;
            for (int t = P->rp[r]; t < P->rp[r + 1]; t++) {
                const int u = P->tu[t], v = P->tv[t];
                cplx val; /* v^H X u */
                if (u < n && v < n) val = X[v + (size_t)u * n];
                else if (u >= n && v < n) val = P->NU[v + (size_t)(u - n) * n];
                else if (u < n) val = conj(P->NU[u + (size_t)(v - n) * n]);
                else {
                    const cplx *yv = P->U + (size_t)(v - n) * n, *xu = P->NU + (size_t)(u - n) * n;
                    val = 0;
                    for (int i = 0; i < n; i++) val += conj(yv[i]) * xu[i];
                }
                acc += creal(P->tc[t] * val);
            }
            out[r] += acc;
        }
    }
}

/* out = A^T y (parts) */
static void AT_mul(ws_t *w, const double *y, double *ol, double *oq, cplx *const *Os)
{
    for (int j = 0; j < w->nl; j++) {
        double s = 0;
        for (int p = w->lcp[j]; p < w->lcp[j + 1]; p++) s += w->lcv[p] * y[w->lcr[p]];
        ol[j] = s;
    }
    for (int k = 0; k < w->nsoc; k++) {
        const soc_t *Q = &w->Q[k];
        for (int i = 0; i < Q->d; i++) {
            double s = 0;
            for (int p = Q->cp[i]; p < Q->cp[i + 1]; p++) s += Q->cv[p] * y[Q->cr[p]];
            oq[Q->off + i] = s;
        }
    }
    for (int k = 0; k < w->np; k++) {
        psd_t *P = &w->P[k];
        const int n = P->n, nq = P->nq, nv = n + nq;
        cplx *O = Os[k], *Cm = P->Cm;
        /* Cm[u][v] += y c / 2, Cm[v][u] += conj(y c / 2): sum_t y c/2 u v^H + conj(.) v u^H = V Cm V^H */
        memset(Cm, 0, sizeof(cplx) * (size_t)nv * nv);
        for (int ri = 0; ri < P->nrows; ri++) {
            const int r = P->rows[ri];
            if (y[r] == 0) continue;
            for (int t = P->rp[r]; t < P->rp[r + 1]; t++) {
                const cplx a = 0.5 * y[r] * P->tc[t];
                Cm[P->tu[t] + (size_t)P->tv[t] * nv] += a;
                Cm[P->tv[t] + (size_t)P->tu[t] * nv] += conj(a);
            }
        }
        if (nq == 0) {
            for (int j = 0; j < n; j++) memcpy(O + (size_t)j * n, Cm + (size_t)j * nv, sizeof(cplx) * (size_t)n);
            continue;
        }
        /* W1 = V Cm = Cm[0:n, :] + U Cm[n:, :];  O = W1 V^H = W1[:, 0:n] + W1[:, n:] U^H */
        for (int j = 0; j < nv; j++) memcpy(P->W1 + (size_t)j * n, Cm + (size_t)j * nv, sizeof(cplx) * (size_t)n);
        const cplx one = 1;
        cblas_zgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, n, nv, nq, &one, P->U, n, Cm + n, nv, &one, P->W1, n);
        memcpy(O, P->W1, sizeof(cplx) * (size_t)n * n);
        cblas_zgemm(CblasColMajor, CblasNoTrans, CblasConjTrans, n, n, nq, &one, P->W1 + (size_t)n * n, n, P->U, n, &one,
                    O, n);
    }
}

/* C = alpha A B + beta C, n x n */
static void gemm(int n, const char ta, const char tb, const cplx *A, const cplx *B, cplx *C)
{
    const cplx one = 1, zero = 0;
    cblas_zgemm(CblasColMajor, ta == 'C' ? CblasConjTrans : CblasNoTrans, tb == 'C' ? CblasConjTrans : CblasNoTrans, n,
                n, n, &one, A, n, B, n, &zero, C, n);
}

static void herm_fix(int n, int real, cplx *A)
{
    for (int j = 0; j < n; j++) {
        A[j + (size_t)j * n] = creal(A[j + (size_t)j * n]);
        for (int i = j + 1; i < n; i++) {
            cplx a = 0.5 * (A[i + (size_t)j * n] + conj(A[j + (size_t)i * n]));
            if (real) a = creal(a);
            A[i + (size_t)j * n] = a;
            A[j + (size_t)i * n] = conj(a);
        }
    }
}

/* PSD: out = L A R^H-style products.  out = B A B^H (with tb 'N') or B^H A B ('C'). */
static void congr(psd_t *P, const cplx *B, int herm_left, const cplx *A, cplx *out)
{
    const int n = P->n;
    if (herm_left) { /* B^H A B */
        gemm(n, 'C', 'N', B, A, P->T2);
        gemm(n, 'N', 'N', P->T2, B, out);
    } else { /* B A B^H */
        gemm(n, 'N', 'N', B, A, P->T2);
        gemm(n, 'N', 'C', P->T2, B, out);
    }
}

/* SOC helpers: J-inner product and Jordan operations */
static double jdot(int d, const double *a, const double *b)
{
    double s = a[0] * b[0];
    for (int i = 1; i < d; i++) s -= a[i] * b[i];
    return s;
}

/* NT scalings of every cone at the current iterate; lambda.  Returns 0 or
 * -1 when an iterate left the interior numerically. */
static int scalings(ws_t *w)
{
    for (int j = 0; j < w->nl; j++) {
        if (!(w->xl[j] > 0) || !(w->zl[j] > 0)) return -1;
        w->lam_l[j] = sqrt(w->xl[j] * w->zl[j]);
    }
    for (int k = 0; k < w->nsoc; k++) {
        soc_t *Q = &w->Q[k];
        const int d = Q->d;
        const double *x = w->xq + Q->off, *z = w->zq + Q->off;
        double xd = jdot(d, x, x), zd = jdot(d, z, z);
        if (!(xd > 0) || !(zd > 0) || !(x[0] > 0) || !(z[0] > 0)) return -1;
        double xn = sqrt(xd), zn = sqrt(zd), xz = 0;
        for (int i = 0; i < d; i++) xz += x[i] * z[i];
        double gam = sqrt(fmax((1.0 + xz / (xn * zn)) / 2.0, 0.0));
        if (!(gam > 0)) return -1;
        /* wb = (xbar + J zbar) / (2 gam); v = (wb + e) / sqrt(2 (wb0 + 1)) */
        for (int i = 0; i < d; i++) Q->wb[i] = (x[i] / xn + (i ? -1.0 : 1.0) * z[i] / zn) / (2.0 * gam);
        Q->omega = sqrt(xn / zn);
        double den = sqrt(2.0 * (Q->wb[0] + 1.0));
        for (int i = 0; i < d; i++) Q->v[i] = (Q->wb[i] + (i == 0)) / den;
        /* lambda = W x, W = (1/omega)(2 Jv v^T J - J) */
        double vJx = jdot(d, Q->v, x);
        double *lam = w->lamq + Q->off;
        for (int i = 0; i < d; i++) {
            double Jv = i ? -Q->v[i] : Q->v[i], Jx = i ? -x[i] : x[i];
            lam[i] = (2.0 * Jv * vJx - Jx) / Q->omega;
        }
    }
    for (int k = 0; k < w->np; k++) {
        psd_t *P = &w->P[k];
        const int n = P->n;
        const size_t nn = (size_t)n * n;
        memcpy(P->L1, P->X, sizeof(cplx) * nn);
        memcpy(P->L2, P->Z, sizeof(cplx) * nn);
        if (LAPACKE_zpotrf_work(LAPACK_COL_MAJOR, 'L', n, P->L1, n) != 0) return -1;
        if (LAPACKE_zpotrf_work(LAPACK_COL_MAJOR, 'L', n, P->L2, n) != 0) return -1;
        for (int j = 0; j < n; j++)
            for (int i = 0; i < j; i++) P->L1[i + (size_t)j * n] = P->L2[i + (size_t)j * n] = 0;
        /* T1 = L2^H L1 = U S V^H */
        gemm(n, 'C', 'N', P->L2, P->L1, P->T1);
        if (LAPACKE_zgesvd_work(LAPACK_COL_MAJOR, 'A', 'A', n, n, P->T1, n, P->lam, P->R, n, P->Ri, n, w->zwork,
                                w->lzwork, w->rwork) != 0)
            return -1;
        /* now R holds U, Ri holds V^H.  R := L1 V S^-1/2, Ri := S^-1/2 U^H L2^H */
        for (int i = 0; i < n; i++)
            if (!(P->lam[i] > 0)) return -1;
        gemm(n, 'C', 'C', P->R, P->L2, P->T2);  /* U^H L2^H */
        gemm(n, 'N', 'C', P->L1, P->Ri, P->T1); /* L1 V */
        for (int j = 0; j < n; j++) {
            double sj = 1.0 / sqrt(P->lam[j]);
            for (int i = 0; i < n; i++) {
                P->R[i + (size_t)j * n] = P->T1[i + (size_t)j * n] * sj;
                P->Ri[j + (size_t)i * n] = P->T2[j + (size_t)i * n] * sj;
            }
        }
        /* N = R R^H */
        const cplx one = 1, zero = 0;
        cblas_zgemm(CblasColMajor, CblasNoTrans, CblasConjTrans, n, n, n, &one, P->R, n, P->R, n, &zero, P->Nm, n);
        herm_fix(n, P->real, P->Nm);
    }
    return 0;
}

/* out = H^-1 in (cone-shaped) */
static void Hinv(ws_t *w, const double *il, const double *iq, cplx *const *Is, double *ol, double *oq, cplx *const *Os)
{
    for (int j = 0; j < w->nl; j++) ol[j] = il[j] * w->xl[j] / w->zl[j];
    for (int k = 0; k < w->nsoc; k++) {
        const soc_t *Q = &w->Q[k];
        const int d = Q->d;
        const double *u = iq + Q->off;
        double *o = oq + Q->off;
        double wu = 0, o2 = Q->omega * Q->omega;
        for (int i = 0; i < d; i++) wu += Q->wb[i] * u[i];
        for (int i = 0; i < d; i++) o[i] = o2 * (2.0 * Q->wb[i] * wu - (i ? -u[i] : u[i]));
    }
    for (int k = 0; k < w->np; k++) {
        psd_t *P = &w->P[k];
        const int n = P->n;
        gemm(n, 'N', 'N', P->Nm, Is[k], P->T1);
        gemm(n, 'N', 'N', P->T1, P->Nm, Os[k]);
        herm_fix(n, P->real, Os[k]);
    }
}

/* Column of N for local vector a (unit vectors: N's columns; problem
 * vectors: N U). */
static inline const cplx *ncol(const psd_t *P, int a)
{
    return a < P->n ? P->Nm + (size_t)a * P->n : P->NU + (size_t)(a - P->n) * P->n;
}

/* One block's part of M by B_j = N A_j N (rank-one updates from N's
 * columns), then M_ij = <A_i, B_j> read off the terms of row i: cheaper
 * than the pairwise form when rows carry many terms (LMI slack rows). */
static void schur_block_B(ws_t *w, psd_t *P)
{
    const int m = w->m, n = P->n, nq = P->nq;
    double *M = w->M;
    cplx *B = P->T1, *BU = P->W1; /* n x n, n x nq */
    const cplx one = 1, zero = 0;
    for (int jb = 0; jb < P->nrows; jb++) {
        const int j = P->rows[jb];
        memset(B, 0, sizeof(cplx) * (size_t)n * n);
        for (int t = P->rp[j]; t < P->rp[j + 1]; t++) {
            /* herm(d (N p)(N q)^H): B += d/2 a b^H + conj(d)/2 b a^H */
            const cplx h = 0.5 * P->tc[t];
            const cplx *a = ncol(P, P->tu[t]), *b = ncol(P, P->tv[t]);
            for (int c = 0; c < n; c++) {
                const cplx bc = h * conj(b[c]), ac = conj(h) * conj(a[c]);
                cplx *Bc = B + (size_t)c * n;
                for (int r = 0; r < n; r++) Bc[r] += a[r] * bc + b[r] * ac;
            }
        }
        if (nq) cblas_zgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, n, nq, n, &one, B, n, P->U, n, &zero, BU, n);
        for (int ia = 0; ia <= jb; ia++) {
            const int i = P->rows[ia];
            double acc = 0;
            for (int s = P->rp[i]; s < P->rp[i + 1]; s++) {
                const int u = P->tu[s], v = P->tv[s];
                cplx val; /* v^H B u */
                if (u < n && v < n) val = B[v + (size_t)u * n];
                else if (v < n) val = BU[v + (size_t)(u - n) * n];
                else if (u < n) val = conj(BU[u + (size_t)(v - n) * n]);
                else {
                    const cplx *yv = P->U + (size_t)(v - n) * n, *bu = BU + (size_t)(u - n) * n;
                    val = 0;
                    for (int r = 0; r < n; r++) val += conj(yv[r]) * bu[r];
                }
                acc += creal(P->tc[s] * val);
            }
            M[i + (size_t)j * m] += acc;
            if (i != j) M[j + (size_t)i * m] += acc;
        }
    }
}

/* Schur complement M = A H^-1 A^T (upper triangle and mirrored). */
static void schur(ws_t *w)
{
    const int m = w->m;
    double *M = w->M;
    memset(M, 0, sizeof(double) * (size_t)m * m);
    /* LP: rank-one per column */
    for (int j = 0; j < w->nl; j++) {
        const double dj = w->xl[j] / w->zl[j];
        for (int a = w->lcp[j]; a < w->lcp[j + 1]; a++)
            for (int b = w->lcp[j]; b < w->lcp[j + 1]; b++)
                M[w->lcr[a] + (size_t)w->lcr[b] * m] += w->lcv[a] * dj * w->lcv[b];
    }
    /* SOC: omega^2 (2 g g^T - A J A^T), g = A wb */
    for (int k = 0; k < w->nsoc; k++) {
        const soc_t *Q = &w->Q[k];
        const double o2 = Q->omega * Q->omega;
        double *g = w->w1;
        memset(g, 0, sizeof(double) * (size_t)m);
        for (int i = 0; i < Q->d; i++)
            for (int p = Q->cp[i]; p < Q->cp[i + 1]; p++) g[Q->cr[p]] += Q->cv[p] * Q->wb[i];
        if (Q->D) {
            const int nu = Q->nur;
            for (int i = 0; i < Q->d; i++) {
                const double s = i ? o2 : -o2;
                for (int a = 0; a < nu; a++) Q->Ds[a + (size_t)i * nu] = s * Q->D[a + (size_t)i * nu];
            }
            cblas_dgemm(CblasColMajor, CblasNoTrans, CblasTrans, nu, nu, Q->d, 1.0, Q->Ds, nu, Q->D, nu, 0.0, Q->S,
                        nu);
            for (int b = 0; b < nu; b++) {
                double *Mb = M + (size_t)Q->ur[b] * m;
                const double *Sb = Q->S + (size_t)b * nu;
                for (int a = 0; a < nu; a++) Mb[Q->ur[a]] += Sb[a];
            }
        } else {
            for (int i = 0; i < Q->d; i++) {
                const double s = i ? o2 : -o2;
                for (int a = Q->cp[i]; a < Q->cp[i + 1]; a++)
                    for (int b = Q->cp[i]; b < Q->cp[i + 1]; b++)
                        M[Q->cr[a] + (size_t)Q->cr[b] * m] += s * Q->cv[a] * Q->cv[b];
            }
        }
        /* rank one in g: only rows touching the cone */
        for (int ia = 0; ia < Q->nur; ia++) {
            const int a = Q->ur[ia];
            for (int ib = 0; ib < Q->nur; ib++) M[a + (size_t)Q->ur[ib] * m] += 2.0 * o2 * g[a] * g[Q->ur[ib]];
        }
    }
    /* PSD blocks */
    for (int k = 0; k < w->np; k++) {
        psd_t *P = &w->P[k];
        const int n = P->n, nq = P->nq;
        const cplx one = 1, zero = 0;
        if (nq) {
            cblas_zgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, n, nq, n, &one, P->Nm, n, P->U, n, &zero, P->NU, n);
            cblas_zgemm(CblasColMajor, CblasConjTrans, CblasNoTrans, nq, nq, n, &one, P->U, n, P->NU, n, &zero, P->G, nq);
        }
        if (P->useB) {
            schur_block_B(w, P);
            continue;
        }
        for (int ia = 0; ia < P->nrows; ia++) {
            const int i = P->rows[ia];
            for (int ib = ia; ib < P->nrows; ib++) {
                const int j = P->rows[ib];
                cplx acc = 0;
                for (int s = P->rp[i]; s < P->rp[i + 1]; s++) {
                    const int us = P->tu[s], vs = P->tv[s];
                    const cplx cs = P->tc[s];
                    for (int t = P->rp[j]; t < P->rp[j + 1]; t++) {
                        const int pt = P->tu[t], qt = P->tv[t];
                        const cplx dt = P->tc[t];
                        acc += cs * (dt * gval(P, vs, pt) * gval(P, qt, us) + conj(dt) * gval(P, vs, qt) * gval(P, pt, us));
                    }
                }
                const double v = 0.5 * creal(acc);
                M[i + (size_t)j * m] += v;
                if (i != j) M[j + (size_t)i * m] += v;
            }
        }
    }
}

/* Factor M (regularised when it is singular to working precision). */
static int factor(ws_t *w)
{
    const int m = w->m;
    double dmax = 0;
    for (int i = 0; i < m; i++) dmax = fmax(dmax, w->M[i + (size_t)i * m]);
    double reg = 0;
    for (int attempt = 0; attempt < 8; attempt++) {
        memcpy(w->Mf, w->M, sizeof(double) * (size_t)m * m);
        for (int i = 0; i < m; i++) w->Mf[i + (size_t)i * m] += reg;
        if (LAPACKE_dpotrf_work(LAPACK_COL_MAJOR, 'U', m, w->Mf, m) == 0) return 0;
        reg = reg == 0 ? 1e-14 * (dmax > 0 ? dmax : 1.0) : reg * 100;
    }
    return -1;
}

static void Hinv(ws_t *w, const double *il, const double *iq, cplx *const *Is, double *ol, double *oq, cplx *const *Os);
static void A_mul(ws_t *w, const double *xl, const double *xq, cplx *const *Xs, double *out);
static void AT_mul(ws_t *w, const double *y, double *ol, double *oq, cplx *const *Os);

/* x = M^-1 b with one step of refinement against M; the Newton step is
 * refined against the operators themselves (newton). */
static void msolve(ws_t *w, double *x)
{
    const int m = w->m;
    double *b = w->w1, *r = w->w2;
    memcpy(b, x, sizeof(double) * (size_t)m);
    LAPACKE_dpotrs_work(LAPACK_COL_MAJOR, 'U', m, 1, w->Mf, m, x, m);
    memcpy(r, b, sizeof(double) * (size_t)m);
    cblas_dsymv(CblasColMajor, CblasUpper, m, -1.0, w->M, m, x, 1, 1.0, r, 1);
    LAPACKE_dpotrs_work(LAPACK_COL_MAJOR, 'U', m, 1, w->Mf, m, r, m);
    for (int i = 0; i < m; i++) x[i] += r[i];
}

/* cone-shaped pointer arrays for the PSD parts */
#define PSD_PTRS(name, field)                                                                                          \
    cplx *name[w->np > 0 ? w->np : 1];                                                                                 \
    for (int k_ = 0; k_ < w->np; k_++) name[k_] = w->P[k_].field

static double cdotr(int n, const cplx *A, const cplx *B) /* Re tr(A^H B) */
{
    double s = 0;
    for (size_t i = 0; i < (size_t)n * n; i++) s += creal(conj(A[i]) * B[i]);
    return s;
}

/* <x, z> over all cones */
static double inner(ws_t *w, const double *al, const double *aq, cplx *const *As, const double *bl,
                    const double *bq, cplx *const *Bs)
{
    double s = 0;
    for (int j = 0; j < w->nl; j++) s += al[j] * bl[j];
    for (int j = 0; j < w->nqtot; j++) s += aq[j] * bq[j];
    for (int k = 0; k < w->np; k++) s += cdotr(w->P[k].n, As[k], Bs[k]);
    return s;
}

/* Largest alpha <= amax with lambda + alpha d in K, for the scaled
 * direction d of a cone (sxl..: LP; sxq: SOC; PSD: in T1 per block). */
static double soc_step(int d, const double *lam, const double *ds)
{
    double a = jdot(d, ds, ds), b = jdot(d, lam, ds), c = jdot(d, lam, lam);
    /* f(alpha) = a alpha^2 + 2 b alpha + c; smallest positive root */
    double amax = INFINITY;
    if (fabs(a) < 1e-300) {
        if (b < 0) amax = -c / (2 * b);
    } else {
        double disc = b * b - a * c;
        if (disc >= 0) {
            double sq = sqrt(disc);
            double r1 = (-b - sq) / a, r2 = (-b + sq) / a;
            if (r1 > r2) {
                double t = r1;
                r1 = r2;
                r2 = t;
            }
            if (r1 > 0) amax = r1;
            else if (r2 > 0) amax = r2;
        }
    }
    /* stay on the positive nappe */
    if (ds[0] < 0) amax = fmin(amax, -lam[0] / ds[0]);
    return amax;
}

/* Step to the boundary for the directions (dx, dz), measured in the
 * scaled space; leaves the scaled directions W dx and W^-T dz in sx*, sz*
 * (orthant, cones) and in sX, sZ (PSD blocks) for the corrector. */
static double max_step(ws_t *w, cplx *const *sX, cplx *const *sZ)
{
    double amax = INFINITY;
    /* LP */
    for (int j = 0; j < w->nl; j++) {
        if (w->dxl[j] < 0) amax = fmin(amax, -w->xl[j] / w->dxl[j]);
        if (w->dzl[j] < 0) amax = fmin(amax, -w->zl[j] / w->dzl[j]);
        const double sc = sqrt(w->zl[j] / w->xl[j]);
        w->sxl[j] = sc * w->dxl[j];
        w->szl[j] = w->dzl[j] / sc;
    }
    /* SOC: scaled directions W dx, W^-1 dz */
    for (int k = 0; k < w->nsoc; k++) {
        const soc_t *Q = &w->Q[k];
        const int d = Q->d;
        const double *dx = w->dxq + Q->off, *dz = w->dzq + Q->off;
        double *sx = w->sxq + Q->off, *sz = w->szq + Q->off;
        double vJdx = jdot(d, Q->v, dx), vdz = 0;
        for (int i = 0; i < d; i++) vdz += Q->v[i] * dz[i];
        for (int i = 0; i < d; i++) {
            double Jv = i ? -Q->v[i] : Q->v[i];
            sx[i] = (2.0 * Jv * vJdx - (i ? -dx[i] : dx[i])) / Q->omega;
            sz[i] = Q->omega * (2.0 * Q->v[i] * vdz - (i ? -dz[i] : dz[i]));
        }
        const double *lam = w->lamq + Q->off;
        amax = fmin(amax, soc_step(d, lam, sx));
        amax = fmin(amax, soc_step(d, lam, sz));
    }
    /* PSD: W dX = Ri dX Ri^H, W^-T dZ = R^H dZ R; step from the eigenvalues of
     * Lambda^-1/2 D Lambda^-1/2 */
    for (int k = 0; k < w->np; k++) {
        psd_t *P = &w->P[k];
        const int n = P->n;
        for (int pass = 0; pass < 2; pass++) {
            cplx *S = pass ? sZ[k] : sX[k];
            if (pass) congr(P, P->R, 1, P->dZ, S);
            else congr(P, P->Ri, 0, P->dX, S);
            herm_fix(n, 0, S);
            for (int j = 0; j < n; j++)
                for (int i = 0; i < n; i++)
                    P->T1[i + (size_t)j * n] = S[i + (size_t)j * n] / sqrt(P->lam[i] * P->lam[j]);
            if (LAPACKE_zheev_work(LAPACK_COL_MAJOR, 'N', 'L', n, P->T1, n, P->ev, w->zwork, w->lzwork, w->rwork) != 0)
                return 0;
            if (P->ev[0] < 0) amax = fmin(amax, -1.0 / P->ev[0]);
        }
    }
    if (w->dtau < 0) amax = fmin(amax, -w->tau / w->dtau);
    if (w->dkappa < 0) amax = fmin(amax, -w->kappa / w->dkappa);
    return amax;
}

/* One Newton solve: given the complementarity target in scaled form
 * (LP: ds/lambda already applied: q-vector formed by the caller), solve
 * for (dx, dy, dz, dtau, dkappa).  The caller has filled q = W^T ds - eta r2
 * (cone-shaped in ql, qq, P->q), r1 and r3 and the tau-kappa target tk.
 * dy1, dx1 (the tau column) are reused. */
static void newton(ws_t *w, double eta, double r3, double tk)
{
    const int m = w->m;
    PSD_PTRS(qs, q);
    PSD_PTRS(axs, ax);
    PSD_PTRS(dXs, dX);
    PSD_PTRS(dZs, dZ);
    PSD_PTRS(e1s, e1);
    PSD_PTRS(e2s, e2);
    /* rhs = -eta r1 - A H^-1 q */
    Hinv(w, w->ql, w->qq, qs, w->axl, w->axq, axs);
    A_mul(w, w->axl, w->axq, axs, w->rhs);
    for (int i = 0; i < m; i++) w->dy[i] = -eta * w->r1[i] - w->rhs[i];
    msolve(w, w->dy);
    /* dx2 = H^-1 (A^T dy2 + q) */
    AT_mul(w, w->dy, w->dxl, w->dxq, dXs);
    for (int j = 0; j < w->nl; j++) w->dxl[j] += w->ql[j];
    for (int j = 0; j < w->nqtot; j++) w->dxq[j] += w->qq[j];
    for (int k = 0; k < w->np; k++)
        for (size_t i = 0; i < (size_t)w->P[k].n * w->P[k].n; i++) w->P[k].dX[i] += w->P[k].q[i];
    /* use dz as scratch for the product */
    Hinv(w, w->dxl, w->dxq, dXs, w->dzl, w->dzq, dZs);
    memcpy(w->dxl, w->dzl, sizeof(double) * (size_t)w->nl);
    memcpy(w->dxq, w->dzq, sizeof(double) * (size_t)w->nqtot);
    for (int k = 0; k < w->np; k++) memcpy(w->P[k].dX, w->P[k].dZ, sizeof(cplx) * (size_t)w->P[k].n * w->P[k].n);
    /* dtau = [-eta r3 - (b^T dy2 - c^T dx2) + tk / tau] / [b^T dy1 - c^T dx1 + kappa / tau] */
    double bdy2 = 0, bdy1 = 0;
    for (int i = 0; i < m; i++) {
        bdy2 += w->b[i] * w->dy[i];
        bdy1 += w->b[i] * w->dy1[i];
    }
    /* c^T dx: the objective inner product */
    double cdx2 = 0, cdx1 = 0;
    for (int j = 0; j < w->nl; j++) {
        cdx2 += w->cl[j] * w->dxl[j];
        cdx1 += w->cl[j] * w->dx1l[j];
    }
    for (int j = 0; j < w->nqtot; j++) {
        cdx2 += w->cq[j] * w->dxq[j];
        cdx1 += w->cq[j] * w->dx1q[j];
    }
    for (int k = 0; k < w->np; k++) {
        cdx2 += cdotr(w->P[k].n, w->P[k].C, w->P[k].dX);
        cdx1 += cdotr(w->P[k].n, w->P[k].C, w->P[k].dx1);
    }
    double den = bdy1 - cdx1 + w->kappa / w->tau;
    if (w->fixtau) den = INFINITY; /* dtau = 0 */
    w->dtau = w->fixtau ? 0.0 : (-eta * r3 - (bdy2 - cdx2) + tk / w->tau) / den;
    w->dkappa = (tk - w->kappa * w->dtau) / w->tau;
    if (!w->fixtau)
        for (int i = 0; i < m; i++) w->dy[i] += w->dtau * w->dy1[i];
    /* dx = H^-1 (A^T dy - c dtau + q), then refined on A dx - b dtau = -eta r1:
     * the tau column is large near the solution (H^-1 c grows like 1/mu), so
     * dx2 + dtau dx1 would carry its rounding into the primal residual. */
    for (int pass = 0; pass < 3; pass++) {
        if (pass == 0) {
            AT_mul(w, w->dy, w->e1l, w->e1q, e1s);
            for (int j = 0; j < w->nl; j++) w->e1l[j] += w->ql[j] - w->cl[j] * w->dtau;
            for (int j = 0; j < w->nqtot; j++) w->e1q[j] += w->qq[j] - w->cq[j] * w->dtau;
            for (int k = 0; k < w->np; k++)
                for (size_t i = 0; i < (size_t)w->P[k].n * w->P[k].n; i++)
                    w->P[k].e1[i] += w->P[k].q[i] - w->P[k].C[i] * w->dtau;
            Hinv(w, w->e1l, w->e1q, e1s, w->dxl, w->dxq, dXs);
        }
        /* rho = -eta r1 + b dtau - A dx */
        A_mul(w, w->dxl, w->dxq, dXs, w->w3);
        double rn = 0, bn = 0;
        for (int i = 0; i < m; i++) {
            w->w3[i] = -eta * w->r1[i] + w->b[i] * w->dtau - w->w3[i];
            rn = fmax(rn, fabs(w->w3[i]));
            bn = fmax(bn, fabs(eta * w->r1[i]) + fabs(w->b[i] * w->dtau));
        }
        if (rn <= 1e-14 * bn) break;
        msolve(w, w->w3);
        for (int i = 0; i < m; i++) w->dy[i] += w->w3[i];
        AT_mul(w, w->w3, w->e1l, w->e1q, e1s);
        Hinv(w, w->e1l, w->e1q, e1s, w->e2l, w->e2q, e2s);
        for (int j = 0; j < w->nl; j++) w->dxl[j] += w->e2l[j];
        for (int j = 0; j < w->nqtot; j++) w->dxq[j] += w->e2q[j];
        for (int k = 0; k < w->np; k++)
            for (size_t i = 0; i < (size_t)w->P[k].n * w->P[k].n; i++) w->P[k].dX[i] += w->P[k].e2[i];
    }
    /* dz = -A^T dy + c dtau + eta r2 */
    AT_mul(w, w->dy, w->dzl, w->dzq, dZs);
    for (int j = 0; j < w->nl; j++) w->dzl[j] = -w->dzl[j] + w->cl[j] * w->dtau + eta * w->r2l[j];
    for (int j = 0; j < w->nqtot; j++) w->dzq[j] = -w->dzq[j] + w->cq[j] * w->dtau + eta * w->r2q[j];
    for (int k = 0; k < w->np; k++) {
        psd_t *P = &w->P[k];
        for (size_t i = 0; i < (size_t)P->n * P->n; i++) P->dZ[i] = -P->dZ[i] + P->C[i] * w->dtau + eta * P->r2[i];
        herm_fix(P->n, P->real, P->dZ);
        herm_fix(P->n, P->real, P->dX);
    }
}

/* The tau column: dy1 = M^-1 (b + A H^-1 c), dx1 = H^-1 (A^T dy1 - c). */
static void tau_column(ws_t *w)
{
    const int m = w->m;
    PSD_PTRS(Cs, C);
    PSD_PTRS(hcs, hc);
    PSD_PTRS(dx1s, dx1);
    PSD_PTRS(axs, ax);
    Hinv(w, w->cl, w->cq, Cs, w->hcl, w->hcq, hcs);
    A_mul(w, w->hcl, w->hcq, hcs, w->dy1);
    for (int i = 0; i < m; i++) w->dy1[i] += w->b[i];
    msolve(w, w->dy1);
    AT_mul(w, w->dy1, w->axl, w->axq, axs);
    for (int j = 0; j < w->nl; j++) w->axl[j] -= w->cl[j];
    for (int j = 0; j < w->nqtot; j++) w->axq[j] -= w->cq[j];
    for (int k = 0; k < w->np; k++)
        for (size_t i = 0; i < (size_t)w->P[k].n * w->P[k].n; i++) w->P[k].ax[i] -= w->P[k].C[i];
    Hinv(w, w->axl, w->axq, axs, w->dx1l, w->dx1q, dx1s);
}

/* q = W^T ds - eta r2, ds = lambda \ (sigma mu e - lambda o lambda - corr),
 * corr = (W dx_a) o (W^-T dz_a) when corrector (scaled directions in sx*, sz*, sX, sZ). */
static void make_q(ws_t *w, double sigma_mu, int corrector, double eta, cplx *const *sX, cplx *const *sZ)
{
    for (int j = 0; j < w->nl; j++) {
        const double lam = w->lam_l[j];
        double v = sigma_mu - lam * lam - (corrector ? w->sxl[j] * w->szl[j] : 0.0);
        double ds = v / lam;
        w->ql[j] = sqrt(w->zl[j] / w->xl[j]) * ds - eta * w->r2l[j];
    }
    for (int k = 0; k < w->nsoc; k++) {
        const soc_t *Q = &w->Q[k];
        const int d = Q->d;
        const double *lam = w->lamq + Q->off;
        double *v = w->lamq2 + Q->off;
        /* v = sigma mu e - lam o lam - sx o sz;  u o w = (u^T w, u0 w1 + w0 u1) */
        double ll = 0;
        for (int i = 0; i < d; i++) ll += lam[i] * lam[i];
        v[0] = sigma_mu - ll;
        for (int i = 1; i < d; i++) v[i] = -2.0 * lam[0] * lam[i];
        if (corrector) {
            const double *sx = w->sxq + Q->off, *sz = w->szq + Q->off;
            double xz = 0;
            for (int i = 0; i < d; i++) xz += sx[i] * sz[i];
            v[0] -= xz;
            for (int i = 1; i < d; i++) v[i] -= sx[0] * sz[i] + sz[0] * sx[i];
        }
        /* ds = lam \ v */
        double det = jdot(d, lam, lam), l1v1 = 0;
        for (int i = 1; i < d; i++) l1v1 += lam[i] * v[i];
        double u0 = (lam[0] * v[0] - l1v1) / det;
        double *ds = w->hcq + Q->off; /* scratch */
        ds[0] = u0;
        for (int i = 1; i < d; i++) ds[i] = (v[i] - u0 * lam[i]) / lam[0];
        /* W^T ds = W ds = (1/omega)(2 Jv (v^T J ds) - J ds) */
        double vJd = jdot(d, Q->v, ds);
        double *qo = w->qq + Q->off;
        for (int i = 0; i < d; i++) {
            double Jv = i ? -Q->v[i] : Q->v[i], Jd = i ? -ds[i] : ds[i];
            qo[i] = (2.0 * Jv * vJd - Jd) / Q->omega - eta * w->r2q[Q->off + i];
        }
    }
    for (int k = 0; k < w->np; k++) {
        psd_t *P = &w->P[k];
        const int n = P->n;
        cplx *V = P->T1;
        if (corrector) { /* (sX sZ + sZ sX) / 2 */
            const cplx zero = 0, half = 0.5;
            cblas_zgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, n, n, n, &half, sX[k], n, sZ[k], n, &zero, V, n);
            for (int j = 0; j < n; j++)
                for (int i = 0; i <= j; i++) {
                    cplx a = V[i + (size_t)j * n] + conj(V[j + (size_t)i * n]);
                    V[i + (size_t)j * n] = -a;
                    V[j + (size_t)i * n] = -conj(a);
                }
        } else {
            memset(V, 0, sizeof(cplx) * (size_t)n * n);
        }
        for (int i = 0; i < n; i++) V[i + (size_t)i * n] += sigma_mu - P->lam[i] * P->lam[i];
        for (int j = 0; j < n; j++)
            for (int i = 0; i < n; i++) V[i + (size_t)j * n] *= 2.0 / (P->lam[i] + P->lam[j]);
        /* W^T ds = Ri^H ds Ri */
        congr(P, P->Ri, 1, V, P->q);
        for (size_t i = 0; i < (size_t)n * n; i++) P->q[i] -= eta * P->r2[i];
        herm_fix(n, P->real, P->q);
    }
}

/* ------------------------------------------------------------- the solve */

static double nrm2(int n, const double *x)
{
    double s = 0;
    for (int i = 0; i < n; i++) s += x[i] * x[i];
    return sqrt(s);
}

/* Smallest eigenvalue of a Hermitian block (work in P->T1). */
static double psd_min_eig(ws_t *w, psd_t *P, const cplx *A)
{
    memcpy(P->T1, A, sizeof(cplx) * (size_t)P->n * P->n);
    if (LAPACKE_zheev_work(LAPACK_COL_MAJOR, 'N', 'L', P->n, P->T1, P->n, P->ev, w->zwork, w->lzwork, w->rwork) != 0)
        return NAN;
    return P->ev[0];
}

/* The start from a solved neighbour (the same variables and rows): x from
 * its values, y from its row duals, z = c - A^T y on this problem's data,
 * each cone shifted into its interior by (its deficit) + a tenth of its
 * size, tau = 1, kappa the resulting mu.  Returns -1 (standard start kept)
 * when the neighbour does not match or has no solution. */
static int warm_start(const nisac_conic *c, const nisac_conic *f, ws_t *w)
{
    if (!f->solved || f->nblk != c->nblk || f->nscal != c->nscal || f->nrow != c->nrow || f->nac || c->nac) return -1;
    for (int b = 0; b < c->nblk; b++)
        if (f->blk[b].kind != c->blk[b].kind || f->blk[b].n != c->blk[b].n) return -1;
    /* x */
    for (int j = 0; j < c->nscal; j++) {
        const double v = f->xscal[j] / w->s;
        w->xl[w->lpos[j]] = w->lneg[j] >= 0 ? fmax(v, 0.0) : v;
        if (w->lneg[j] >= 0) w->xl[w->lneg[j]] = fmax(-v, 0.0);
    }
    for (int k = 0; k < w->nsoc; k++)
        for (int i = 0; i < w->Q[k].d; i++) w->xq[w->Q[k].off + i] = creal(f->xh[w->Q[k].bi][i]) / w->s;
    for (int k = 0; k < w->np; k++)
        for (size_t i = 0; i < (size_t)w->P[k].n * w->P[k].n; i++) w->P[k].X[i] = f->xh[w->P[k].bi][i] / w->s;
    /* y, z = c - A^T y */
    for (int r = 0; r < c->nrow; r++)
        if (w->rmap[r] >= 0) w->y[w->rmap[r]] = f->ydual[r] * w->s * w->rowd[r] / w->g;
    PSD_PTRS(Zs, Z);
    AT_mul(w, w->y, w->zl, w->zq, Zs);
    for (int j = 0; j < w->nl; j++) w->zl[j] = w->cl[j] - w->zl[j];
    for (int j = 0; j < w->nqtot; j++) w->zq[j] = w->cq[j] - w->zq[j];
    for (int k = 0; k < w->np; k++) {
        psd_t *P = &w->P[k];
        for (size_t i = 0; i < (size_t)P->n * P->n; i++) P->Z[i] = P->C[i] - P->Z[i];
        herm_fix(P->n, P->real, P->Z);
        herm_fix(P->n, P->real, P->X);
    }
    /* shift into the interior */
    for (int pass = 0; pass < 2; pass++) {
        double *l = pass ? w->zl : w->xl, *q = pass ? w->zq : w->xq;
        for (int j = 0; j < w->nl; j++) l[j] = fmax(l[j], 0.0) + 0.1 * (1.0 + fabs(l[j]));
        for (int k = 0; k < w->nsoc; k++) {
            double *x = q + w->Q[k].off, n1 = 0;
            for (int i = 1; i < w->Q[k].d; i++) n1 += x[i] * x[i];
            n1 = sqrt(n1);
            x[0] = fmax(x[0], n1) + 0.1 * (1.0 + fabs(x[0]) + n1);
        }
        for (int k = 0; k < w->np; k++) {
            psd_t *P = &w->P[k];
            cplx *A = pass ? P->Z : P->X;
            const double lmin = psd_min_eig(w, P, A);
            if (!isfinite(lmin)) return -1;
            double tr = 0;
            for (int i = 0; i < P->n; i++) tr += creal(A[i + (size_t)i * P->n]);
            const double sh = fmax(0.0, -lmin) + 0.1 * (1.0 + fabs(tr) / P->n);
            for (int i = 0; i < P->n; i++) A[i + (size_t)i * P->n] += sh;
        }
    }
    PSD_PTRS(Xs, X);
    w->tau = 1.0;
    w->kappa = fmax(inner(w, w->xl, w->xq, Xs, w->zl, w->zq, Zs) / w->nu, 1e-12);
    return 0;
}

static int native_solve(nisac_conic *c, const nisac_conic_opts *o, nisac_conic_result *res)
{
    ws_t W;
    ws_t *w = &W;
    double t0 = nisac_wtime();
    conic_count_call();
    int rc = ws_setup(c, w);
    if (rc == 1) { /* 0 = b != 0 */
        ws_free(w);
        res->status = NISAC_STATUS_INFEASIBLE;
        return NISAC_OK;
    }
    if (rc) {
        ws_free(w);
        return rc;
    }
    const int m = w->m;
    res->rows = m;
    res->dim = w->nl + w->nqtot;
    for (int k = 0; k < w->np; k++) res->dim += w->P[k].n * w->P[k].n;
    PSD_PTRS(Xs, X);
    PSD_PTRS(Zs, Z);
    PSD_PTRS(Cs, C);
    PSD_PTRS(r2s, r2);
    /* scaled directions of the predictor, per PSD block (n x n): reuse hc and dx1? no: own arrays */
    cplx **sX = zalloc((size_t)(w->np ? w->np : 1), sizeof(cplx *)), **sZ = zalloc((size_t)(w->np ? w->np : 1), sizeof(cplx *));
    int okalloc = sX && sZ;
    for (int k = 0; okalloc && k < w->np; k++) {
        sX[k] = zalloc((size_t)w->P[k].n * w->P[k].n, sizeof(cplx));
        sZ[k] = zalloc((size_t)w->P[k].n * w->P[k].n, sizeof(cplx));
        okalloc = sX[k] && sZ[k];
    }
    if (!okalloc) {
        rc = OOM;
        goto out;
    }
    /* start: x = alpha e, z = beta e, y = 0, tau = 1, kappa = alpha beta (on the
     * central path); alpha, beta from the data as in CSDP's initial point:
     * alpha = nu max_i (1 + |b_i|) / (1 + ||a_i||), beta = (1 + max(max_i ||a_i||, ||c||)) / sqrt(nu) */
    double alpha = 1.0, beta = 1.0;
    {
        double *an = w->w1;
        memset(an, 0, sizeof(double) * (size_t)m);
        for (int j = 0; j < w->nl; j++)
            for (int p = w->lcp[j]; p < w->lcp[j + 1]; p++) an[w->lcr[p]] += w->lcv[p] * w->lcv[p];
        for (int k = 0; k < w->nsoc; k++)
            for (int p = 0; p < w->Q[k].cp[w->Q[k].d]; p++) an[w->Q[k].cr[p]] += w->Q[k].cv[p] * w->Q[k].cv[p];
        for (int k = 0; k < w->np; k++) { /* ||a_i|| over a block: |c| |u| |v| per term (a bound) */
            const psd_t *P = &w->P[k];
            for (int ri = 0; ri < P->nrows; ri++)
                for (int t = P->rp[P->rows[ri]]; t < P->rp[P->rows[ri] + 1]; t++) {
                    double nu_ = P->tu[t] < P->n ? 1.0 : cblas_dznrm2(P->n, P->U + (size_t)(P->tu[t] - P->n) * P->n, 1);
                    double nv_ = P->tv[t] < P->n ? 1.0 : cblas_dznrm2(P->n, P->U + (size_t)(P->tv[t] - P->n) * P->n, 1);
                    double a = cabs(P->tc[t]) * nu_ * nv_;
                    an[P->rows[ri]] += a * a;
                }
        }
        double amax = 0, ratio = 0;
        for (int i = 0; i < m; i++) {
            an[i] = sqrt(an[i]);
            amax = fmax(amax, an[i]);
            ratio = fmax(ratio, (1.0 + fabs(w->b[i])) / (1.0 + an[i]));
        }
        double cn0 = 0;
        for (int j = 0; j < w->nl; j++) cn0 += w->cl[j] * w->cl[j];
        for (int j = 0; j < w->nqtot; j++) cn0 += w->cq[j] * w->cq[j];
        for (int k = 0; k < w->np; k++) cn0 += cdotr(w->P[k].n, w->P[k].C, w->P[k].C);
        alpha = w->nu * ratio;
        beta = (1.0 + fmax(amax, sqrt(cn0))) / sqrt(w->nu);
    }
    for (int j = 0; j < w->nl; j++) {
        w->xl[j] = alpha;
        w->zl[j] = beta;
    }
    for (int k = 0; k < w->nsoc; k++) {
        w->xq[w->Q[k].off] = alpha;
        w->zq[w->Q[k].off] = beta;
    }
    for (int k = 0; k < w->np; k++)
        for (int i = 0; i < w->P[k].n; i++) {
            w->P[k].X[i + (size_t)i * w->P[k].n] = alpha;
            w->P[k].Z[i + (size_t)i * w->P[k].n] = beta;
        }
    w->tau = 1.0;
    w->kappa = alpha * beta;
    if (o->warm) warm_start(c, o->warm, w); /* or the standard start, when it does not match */

    const double bn = fmax(1.0, nrm2(m, w->b));
    double cn2 = 0;
    for (int j = 0; j < w->nl; j++) cn2 += w->cl[j] * w->cl[j];
    for (int j = 0; j < w->nqtot; j++) cn2 += w->cq[j] * w->cq[j];
    for (int k = 0; k < w->np; k++) cn2 += cdotr(w->P[k].n, w->P[k].C, w->P[k].C);
    const double cn = fmax(1.0, sqrt(cn2));
    const double tol = o->tol, inftol = 1e-8;
    nisac_solve_status status = NISAC_STATUS_ITERATION_LIMIT;
    double pobj = NAN, dobj = NAN, pres = INFINITY, dres = INFINITY, gap = INFINITY;
    int it;
    double best_merit = INFINITY, snap_merit = INFINITY, prev_merit = INFINITY;
    int conv_it = -1;
    int best_it = 0;
    /* the iterate with the smallest max(pres, dres, gap), reported when the
     * method ends without meeting the tolerance */
    struct {
        double *xl, *zl, *xq, *zq, *y, tau, kappa, pres, dres, gap, pobj, dobj;
        cplx **X, **Z;
    } snap = {0};
    {
        int ok = (snap.xl = zalloc((size_t)w->nl, sizeof(double))) && (snap.zl = zalloc((size_t)w->nl, sizeof(double))) &&
                 (snap.xq = zalloc((size_t)w->nqtot, sizeof(double))) &&
                 (snap.zq = zalloc((size_t)w->nqtot, sizeof(double))) && (snap.y = zalloc((size_t)m, sizeof(double))) &&
                 (snap.X = zalloc((size_t)w->np, sizeof(cplx *))) && (snap.Z = zalloc((size_t)w->np, sizeof(cplx *)));
        for (int k = 0; ok && k < w->np; k++)
            ok = (snap.X[k] = zalloc((size_t)w->P[k].n * w->P[k].n, sizeof(cplx))) &&
                 (snap.Z[k] = zalloc((size_t)w->P[k].n * w->P[k].n, sizeof(cplx)));
        if (!ok) {
            rc = OOM;
            goto snapfree;
        }
    }
    for (it = 0;; it++) {
        /* residuals */
        A_mul(w, w->xl, w->xq, Xs, w->r1);
        for (int i = 0; i < m; i++) w->r1[i] -= w->b[i] * w->tau;
        AT_mul(w, w->y, w->r2l, w->r2q, r2s);
        for (int j = 0; j < w->nl; j++) w->r2l[j] = -w->r2l[j] + w->cl[j] * w->tau - w->zl[j];
        for (int j = 0; j < w->nqtot; j++) w->r2q[j] = -w->r2q[j] + w->cq[j] * w->tau - w->zq[j];
        for (int k = 0; k < w->np; k++) {
            psd_t *P = &w->P[k];
            for (size_t i = 0; i < (size_t)P->n * P->n; i++) P->r2[i] = -P->r2[i] + P->C[i] * w->tau - P->Z[i];
        }
        double cx = inner(w, w->cl, w->cq, Cs, w->xl, w->xq, Xs), by = 0;
        for (int i = 0; i < m; i++) by += w->b[i] * w->y[i];
        const double r3 = by - cx - w->kappa;
        const double xz = inner(w, w->xl, w->xq, Xs, w->zl, w->zq, Zs);
        const double mu = (xz + w->tau * w->kappa) / (w->nu + 1.0);
        /* termination */
        double r2n2 = 0;
        for (int j = 0; j < w->nl; j++) r2n2 += w->r2l[j] * w->r2l[j];
        for (int j = 0; j < w->nqtot; j++) r2n2 += w->r2q[j] * w->r2q[j];
        for (int k = 0; k < w->np; k++) r2n2 += cdotr(w->P[k].n, w->P[k].r2, w->P[k].r2);
        /* relative to the data: ||A x - b tau|| / (tau max(1, ||b||)), likewise the dual */
        pres = nrm2(m, w->r1) / w->tau / bn;
        dres = sqrt(r2n2) / w->tau / cn;
        pobj = cx / w->tau;
        dobj = by / w->tau;
        gap = fabs(pobj - dobj) / (1.0 + fabs(pobj) + fabs(dobj));
        /* Met the tolerance: up to two more iterations while they still halve
         * max(pres, dres, gap) (the objective's accuracy follows the residuals
         * times the size of the duals); the best point is reported. */
        {
            const double mer = fmax(fmax(pres, dres), gap);
            /* the objectives' error from the residuals: |y^T r1| + |<x, r2>| (over tau^2) */
            double yr = 0;
            for (int i = 0; i < m; i++) yr += w->y[i] * w->r1[i];
            const double oerr = (fabs(yr) + fabs(inner(w, w->xl, w->xq, Xs, w->r2l, w->r2q, r2s))) /
                                (w->tau * w->tau) / (1.0 + fabs(pobj) + fabs(dobj));
            if (conv_it < 0 && pres < tol && dres < tol && gap < tol && oerr < tol) conv_it = it;
            if (conv_it >= 0 && (it - conv_it >= 2 || (it > conv_it && mer > 0.5 * prev_merit))) {
                status = NISAC_STATUS_OPTIMAL;
                break;
            }
            prev_merit = mer;
        }
        /* infeasibility certificates */
        if (by > 0 && w->tau < w->kappa) { /* ||A^T y + z|| / b^T y, A^T y + z = c tau - r2 */
            double s = 0;
            for (int j = 0; j < w->nl; j++) s += pow(w->r2l[j] - w->cl[j] * w->tau, 2);
            for (int j = 0; j < w->nqtot; j++) s += pow(w->r2q[j] - w->cq[j] * w->tau, 2);
            for (int k = 0; k < w->np; k++) {
                psd_t *P = &w->P[k];
                for (size_t i = 0; i < (size_t)P->n * P->n; i++) {
                    cplx e = P->r2[i] - P->C[i] * w->tau;
                    s += creal(e * conj(e));
                }
            }
            if (sqrt(s) / by < inftol) {
                status = NISAC_STATUS_INFEASIBLE;
                break;
            }
        }
        if (cx < 0 && w->tau < w->kappa) { /* ||A x|| / -c^T x */
            double s = 0;
            for (int i = 0; i < m; i++) s += pow(w->r1[i] + w->b[i] * w->tau, 2);
            if (sqrt(s) / (-cx) < inftol) {
                status = NISAC_STATUS_UNBOUNDED;
                break;
            }
        }
        if (it >= o->maxiter) {
            status = NISAC_STATUS_ITERATION_LIMIT;
            break;
        }
#ifdef NATIVE_DEBUG
        fprintf(stderr, "it %2d pres %.2e dres %.2e gap %.2e pobj %.6e dobj %.6e tau %.2e kappa %.2e mu %.2e\n", it,
                pres, dres, gap, pobj, dobj, w->tau, w->kappa, mu);
#endif
        /* stalled: no progress by a tenth in 8 iterations (ill-posed problems
         * whose residuals stop falling while mu does) */
        const double merit = fmax(fmax(pres, dres), gap);
        if (merit < snap_merit) {
            snap_merit = merit;
            memcpy(snap.xl, w->xl, sizeof(double) * (size_t)w->nl);
            memcpy(snap.zl, w->zl, sizeof(double) * (size_t)w->nl);
            memcpy(snap.xq, w->xq, sizeof(double) * (size_t)w->nqtot);
            memcpy(snap.zq, w->zq, sizeof(double) * (size_t)w->nqtot);
            memcpy(snap.y, w->y, sizeof(double) * (size_t)m);
            for (int k = 0; k < w->np; k++) {
                memcpy(snap.X[k], w->P[k].X, sizeof(cplx) * (size_t)w->P[k].n * w->P[k].n);
                memcpy(snap.Z[k], w->P[k].Z, sizeof(cplx) * (size_t)w->P[k].n * w->P[k].n);
            }
            snap.tau = w->tau;
            snap.kappa = w->kappa;
            snap.pres = pres;
            snap.dres = dres;
            snap.gap = gap;
            snap.pobj = pobj;
            snap.dobj = dobj;
        }
        if (merit < 0.9 * best_merit) {
            best_merit = merit;
            best_it = it;
        } else if (it - best_it >= 8 && w->kappa < w->tau) {
            status = NISAC_STATUS_NUMERICAL;
            break;
        }
        /* scalings, Schur complement, the tau column */
        if (scalings(w) != 0) {
#ifdef NATIVE_DEBUG
            fprintf(stderr, "scalings failed\n");
#endif
            status = NISAC_STATUS_NUMERICAL;
            break;
        }
        schur(w);
        if (factor(w) != 0) {
            status = NISAC_STATUS_NUMERICAL;
            break;
        }
        /* End game of a feasible problem: with kappa << tau and small residuals
         * the tau direction is the ratio of two quantities that grow like
         * 1/mu and cancel; it swings tau by orders of magnitude and stalls
         * the residuals.  From there on tau is held (dtau = 0): the steps
         * are those of the infeasible primal-dual method on the problem
         * scaled by tau, which converges where the embedding has done its
         * work (deciding feasibility). */
        if (!w->fixtau && w->kappa < 1e-3 * w->tau && pres < 1e-4 && dres < 1e-4) w->fixtau = 1;
        if (!w->fixtau) tau_column(w);
        /* predictor */
        make_q(w, 0.0, 0, 1.0, sX, sZ);
        newton(w, 1.0, r3, -w->tau * w->kappa);
        double aa = fmin(1.0, max_step(w, sX, sZ));
        double sigma = pow(1.0 - aa, 3);
        if (sigma > 1) sigma = 1;
        /* corrector: the scaled predictor directions are in sx*, sz*, sX, sZ */
        const double dtk = w->dtau * w->dkappa;
        make_q(w, sigma * mu, 1, 1.0 - sigma, sX, sZ);
        newton(w, 1.0 - sigma, r3, sigma * mu - w->tau * w->kappa - dtk);
        double a = max_step(w, sX, sZ);
        a = fmin(1.0, 0.99 * a);
#ifdef NATIVE_DEBUG
        fprintf(stderr, "   aff %.3e sigma %.3e step %.3e dtau %.2e\n", aa, sigma, a, w->dtau);
#endif
        if (!(a > 1e-10)) {
            status = NISAC_STATUS_NUMERICAL;
            break;
        }
        for (int j = 0; j < w->nl; j++) {
            w->xl[j] += a * w->dxl[j];
            w->zl[j] += a * w->dzl[j];
        }
        for (int j = 0; j < w->nqtot; j++) {
            w->xq[j] += a * w->dxq[j];
            w->zq[j] += a * w->dzq[j];
        }
        for (int k = 0; k < w->np; k++) {
            psd_t *P = &w->P[k];
            for (size_t i = 0; i < (size_t)P->n * P->n; i++) {
                P->X[i] += a * P->dX[i];
                P->Z[i] += a * P->dZ[i];
            }
        }
        for (int i = 0; i < m; i++) w->y[i] += a * w->dy[i];
        w->tau += a * w->dtau;
        w->kappa += a * w->dkappa;
        /* keep the homogeneous iterate bounded */
        if (w->tau > 1e8 || w->tau < 1e-12) {
            const double f = 1.0 / (w->tau + w->kappa);
            for (int j = 0; j < w->nl; j++) w->xl[j] *= f, w->zl[j] *= f;
            for (int j = 0; j < w->nqtot; j++) w->xq[j] *= f, w->zq[j] *= f;
            for (int k = 0; k < w->np; k++)
                for (size_t i = 0; i < (size_t)w->P[k].n * w->P[k].n; i++) w->P[k].X[i] *= f, w->P[k].Z[i] *= f;
            for (int i = 0; i < m; i++) w->y[i] *= f;
            w->tau *= f;
            w->kappa *= f;
        }
    }
    if (conv_it >= 0 && status != NISAC_STATUS_OPTIMAL) status = NISAC_STATUS_OPTIMAL; /* failed while polishing */
    if ((status == NISAC_STATUS_NUMERICAL || status == NISAC_STATUS_ITERATION_LIMIT || status == NISAC_STATUS_OPTIMAL) &&
        snap_merit < fmax(fmax(pres, dres), gap)) {
        memcpy(w->xl, snap.xl, sizeof(double) * (size_t)w->nl);
        memcpy(w->zl, snap.zl, sizeof(double) * (size_t)w->nl);
        memcpy(w->xq, snap.xq, sizeof(double) * (size_t)w->nqtot);
        memcpy(w->zq, snap.zq, sizeof(double) * (size_t)w->nqtot);
        memcpy(w->y, snap.y, sizeof(double) * (size_t)m);
        for (int k = 0; k < w->np; k++) {
            memcpy(w->P[k].X, snap.X[k], sizeof(cplx) * (size_t)w->P[k].n * w->P[k].n);
            memcpy(w->P[k].Z, snap.Z[k], sizeof(cplx) * (size_t)w->P[k].n * w->P[k].n);
        }
        w->tau = snap.tau;
        w->kappa = snap.kappa;
        pres = snap.pres;
        dres = snap.dres;
        gap = snap.gap;
        pobj = snap.pobj;
        dobj = snap.dobj;
    }
    if (status == NISAC_STATUS_NUMERICAL || status == NISAC_STATUS_ITERATION_LIMIT) {
        const double loose = fmax(1e3 * tol, 1e-4);
        if (pres < loose && dres < loose && gap < loose) status = NISAC_STATUS_INACCURATE;
    }
    res->iterations = it;

    /* the solution (or the certificate) in the caller's units */
    if ((rc = conic_alloc_solution(c))) goto out;
    {
        const int cert = status == NISAC_STATUS_INFEASIBLE || status == NISAC_STATUS_UNBOUNDED;
        const double f = cert ? 1.0 : 1.0 / w->tau;
        double ycert = 1.0, xcert = 1.0;
        if (status == NISAC_STATUS_INFEASIBLE) {
            double by = 0;
            for (int i = 0; i < m; i++) by += w->b[i] * w->y[i];
            ycert = 1.0 / by; /* normalised: b^T y = 1 */
        }
        if (status == NISAC_STATUS_UNBOUNDED) {
            xcert = -1.0 / inner(w, w->cl, w->cq, Cs, w->xl, w->xq, Xs); /* c^T x = -1 */
        }
        for (int j = 0; j < c->nscal; j++) {
            double v = w->xl[w->lpos[j]];
            if (w->lneg[j] >= 0) v -= w->xl[w->lneg[j]];
            c->xscal[j] = v * f * xcert * w->s;
        }
        for (int k = 0; k < w->nsoc; k++) {
            const soc_t *Q = &w->Q[k];
            for (int i = 0; i < Q->d; i++) c->xh[Q->bi][i] = w->xq[Q->off + i] * f * xcert * w->s;
        }
        for (int k = 0; k < w->np; k++) {
            const psd_t *P = &w->P[k];
            for (size_t i = 0; i < (size_t)P->n * P->n; i++) c->xh[P->bi][i] = P->X[i] * (f * xcert * w->s);
        }
        for (int r = 0; r < c->nrow; r++)
            c->ydual[r] = w->rmap[r] >= 0 ? w->y[w->rmap[r]] * f * ycert * (w->g / (w->s * w->rowd[r])) : 0.0;
        c->solved = 1;
        if (cert) {
            res->pobj = res->dobj = NAN;
            res->rel_gap = NAN;
        } else {
            res->pobj = pobj * w->g + c->obj_const;
            res->dobj = dobj * w->g + c->obj_const;
            res->rel_gap = fabs(res->pobj - res->dobj) / (1.0 + fabs(res->pobj) + fabs(res->dobj));
        }
        res->pinf = cert ? NAN : conic_pinf(c);
    }
    res->status = status;
snapfree:
    zfree(snap.xl);
    zfree(snap.zl);
    zfree(snap.xq);
    zfree(snap.zq);
    zfree(snap.y);
    for (int k = 0; k < w->np; k++) {
        if (snap.X) zfree(snap.X[k]);
        if (snap.Z) zfree(snap.Z[k]);
    }
    zfree(snap.X);
    zfree(snap.Z);
out:
    for (int k = 0; k < w->np; k++) {
        if (sX) zfree(sX[k]);
        if (sZ) zfree(sZ[k]);
    }
    zfree(sX);
    zfree(sZ);
    ws_free(w);
    res->wall = nisac_wtime() - t0;
    return rc;
}

/* ------------------------------------------------- affine cones: the dual */

/* Problems with affine cone constraints are solved through their conic
 * dual.  Every variable of the problem becomes real parameters v (a
 * Hermitian block of order n: Re W_ij for i <= j and Im W_ij for i < j; a
 * real block its upper triangle; a cone its components; a scalar itself;
 * the slacks of inequality rows are not parameters), every membership a
 * cone constraint s_j = G_j v + g_j in K_j: the blocks' own (identity),
 * nonnegative scalars, inequality rows (s = a^T v - b or b - a^T v) and
 * the affine cones; equality rows stay equations a^T v = b.  The dual
 *
 *   min sum_j <g_j, Z_j> - b^T y   s.t.  sum_j G_j^T Z_j + A^T y = c,  Z_j in K_j
 *
 * is in the standard form the method solves, with one row per parameter
 * (<Z, S> = sum_i Z_ii S_ii + 2 sum_{i<j} (Re Z_ij Re S_ij + Im Z_ij Im S_ij)).
 * Its row duals give v = -(row duals), the dual variables of equations and
 * inequality rows the row duals of the problem; its optimum is minus the
 * problem's. */

typedef struct {
    nisac_conic *D;
    const int *vrow; /* parameter -> row of D */
} dual_ctx;

/* Parameter slots (callers pass i <= j): HERM/SYM block b of order n:
 * base + i + j n (Re), base + j + i n (Im, i < j); SOC: base + i;
 * scalar s: sbase + s. */
static int pslot(const nisac_conic *c, const int *base, int b, int i, int j, int im)
{
    const int n = c->blk[b].n;
    if (c->blk[b].kind == BLK_SOC) return base[b] + i;
    return base[b] + (im ? j + i * n : i + j * n);
}

/* Calls f(param, coef) for the real parameters a term reads: coef * v_param. */
typedef int (*pfun)(void *ctx, int param, double coef);

static int expand_term(const nisac_conic *c, const int *base, int sbase, const term_t *t, double scale, pfun f, void *ctx)
{
    int rc = NISAC_OK;
    if (t->blk < 0) return f(ctx, sbase + t->p, scale * creal(t->v));
    const blk_t *b = &c->blk[t->blk];
    if (b->kind == BLK_SOC) return f(ctx, pslot(c, base, t->blk, t->p, 0, 0), scale * creal(t->v));
    if (b->kind == BLK_SYM) return f(ctx, pslot(c, base, t->blk, t->p, t->q, 0), scale * creal(t->v));
    /* Re(v W_pq): p == q: Re v w_pp; p < q: Re v u - Im v t; p > q: Re v u_qp + Im v t_qp */
    const int n = b->n;
    if (t->kind == TERM_ENTRY) {
        const double a = scale * creal(t->v), bi = scale * cimag(t->v);
        if (t->p == t->q) return f(ctx, pslot(c, base, t->blk, t->p, t->p, 0), a);
        const int lo = t->p < t->q ? t->p : t->q, hi = t->p < t->q ? t->q : t->p;
        if ((rc = f(ctx, pslot(c, base, t->blk, lo, hi, 0), a))) return rc;
        return f(ctx, pslot(c, base, t->blk, lo, hi, 1), t->p < t->q ? -bi : bi);
    }
    const double complex *x = c->vpool + c->voff[t->p], *y = c->vpool + c->voff[t->q];
    for (int p = 0; p < n && !rc; p++)
        for (int q = 0; q < n && !rc; q++) {
            const double complex w = scale * t->v * conj(y[p]) * x[q];
            if (w == 0) continue;
            term_t e = {t->blk, TERM_ENTRY, p, q, w};
            rc = expand_term(c, base, sbase, &e, 1.0, f, ctx);
        }
    return rc;
}

/* <Z, S> weight of component (i, j, part) of a cone of kind k. */
static int zterm(nisac_conic *D, int row, int Z, blk_kind k, int i, int j, int part, double a)
{
    if (a == 0) return NISAC_OK;
    if (k == BLK_SOC) return nisac_conic_socentry(D, row, Z, i, a);
    if (k == BLK_SYM) return nisac_conic_sentry(D, row, Z, i, j, i == j ? a : 2 * a);
    if (i == j) return nisac_conic_hentry(D, row, Z, i, i, a);
    return nisac_conic_hentry(D, row, Z, i, j, part ? -2.0 * I * a : 2.0 * a);
}

typedef struct {
    nisac_conic *D;
    const int *vrow;
    int var;   /* D variable the coefficient multiplies */
    int kind;  /* 0: scalar var; 1: cone component (Z, kind, i, j, part) */
    blk_kind zk;
    int i, j, part;
    double sign;
    int obj;   /* add to D's right-hand sides (the problem's objective) instead */
} emit_t;

static int emit(void *ctx, int param, double coef)
{
    emit_t *e = ctx;
    const int row = e->vrow[param];
    if (row < 0) return NISAC_OK; /* a slack: not a parameter */
    if (e->obj) {
        e->D->row[row].rhs += coef;
        return NISAC_OK;
    }
    if (e->kind == 0) return nisac_conic_scalar(e->D, row, e->var, e->sign * coef);
    return zterm(e->D, row, e->var, e->zk, e->i, e->j, e->part, e->sign * coef);
}

static int dual_solve(nisac_conic *c, const nisac_conic_opts *o, nisac_conic_result *res)
{
    const int nb = c->nblk, ns = c->nscal, nr = c->nrow;
    int *base = zalloc((size_t)nb + 1, sizeof(int)), *zb = zalloc((size_t)nb + 1, sizeof(int)),
        *zs = zalloc((size_t)ns + 1, sizeof(int)), *yr = zalloc((size_t)nr + 1, sizeof(int)),
        *zk = zalloc((size_t)c->nac + 1, sizeof(int)), *isslack = zalloc((size_t)ns + 1, sizeof(int));
    int *vrow = NULL;
    nisac_conic *D = nisac_conic_new();
    int rc = NISAC_OK;
    if (!base || !zb || !zs || !yr || !zk || !isslack || !D) {
        rc = OOM;
        goto out;
    }
    int nv = 0;
    for (int b = 0; b < nb; b++) {
        base[b] = nv;
        nv += c->blk[b].kind == BLK_SOC ? c->blk[b].n : c->blk[b].n * c->blk[b].n;
    }
    const int sbase = nv;
    nv += ns;
    for (int r = 0; r < nr; r++)
        if (c->row[r].slack >= 0) isslack[c->row[r].slack] = 1;
    if (!(vrow = zalloc((size_t)nv + 1, sizeof(int)))) {
        rc = OOM;
        goto out;
    }
    /* D's rows: one per parameter (unused slots, e.g. a real block's lower
     * triangle, stay empty and are dropped) */
    for (int v = 0; v < nv; v++) {
        vrow[v] = -1;
        if (v >= sbase && isslack[v - sbase]) continue;
        if ((vrow[v] = nisac_conic_add_row(D, NISAC_ROW_EQ, 0.0)) < 0) {
            rc = vrow[v];
            goto out;
        }
    }
    /* identity cones of the blocks and of nonnegative scalars */
    for (int b = 0; b < nb && !rc; b++) {
        const blk_t *bk = &c->blk[b];
        zb[b] = bk->kind == BLK_HERM ? nisac_conic_add_hblock(D, bk->n)
                : bk->kind == BLK_SYM ? nisac_conic_add_sblock(D, bk->n)
                                      : nisac_conic_add_soc(D, bk->n - 1);
        if (zb[b] < 0) {
            rc = zb[b];
            break;
        }
        for (int j = 0; j < bk->n && !rc; j++)
            for (int i = 0; i <= (bk->kind == BLK_SOC ? 0 : j) && !rc; i++)
                for (int part = 0; part < (bk->kind == BLK_HERM && i < j ? 2 : 1) && !rc; part++) {
                    const int ii = bk->kind == BLK_SOC ? j : i;
                    rc = zterm(D, vrow[pslot(c, base, b, ii, j, part)], zb[b], bk->kind, ii, j, part, 1.0);
                }
    }
    for (int s0 = 0; s0 < ns && !rc; s0++) {
        zs[s0] = -1;
        if (isslack[s0] || c->isfree[s0]) continue;
        if ((zs[s0] = nisac_conic_add_nonneg(D)) < 0) rc = zs[s0];
        else rc = nisac_conic_scalar(D, vrow[sbase + s0], zs[s0], 1.0);
    }
    /* affine cones */
    for (int k = 0; k < c->nac && !rc; k++) {
        zk[k] = c->ac[k].kind == BLK_HERM ? nisac_conic_add_hblock(D, c->ac[k].n) : nisac_conic_add_soc(D, c->ac[k].n - 1);
        if (zk[k] < 0) rc = zk[k];
    }
    /* rows: equations -> free y; inequalities -> nonnegative z (s = a^T v - b
     * for >=, b - a^T v for <=); components of affine cones -> their Z */
    for (int r = 0; r < nr && !rc; r++) {
        const row_t *rw = &c->row[r];
        emit_t e = {D, vrow, -1, 0, BLK_HERM, 0, 0, 0, 1.0, 0};
        double g;
        if (rw->cone >= 0) {
            const acone_t *a = &c->ac[rw->cone];
            e.kind = 1;
            e.var = zk[rw->cone];
            e.zk = a->kind;
            e.i = rw->ci;
            e.j = rw->cj;
            e.part = rw->cpart;
            g = -rw->rhs; /* the component's constant */
            rc = zterm(D, NISAC_CONIC_OBJ, e.var, e.zk, e.i, e.j, e.part, g);
        } else if (rw->sense == NISAC_ROW_EQ) {
            if ((e.var = yr[r] = nisac_conic_add_free(D)) < 0) rc = e.var;
            else rc = nisac_conic_scalar(D, NISAC_CONIC_OBJ, e.var, -rw->rhs);
        } else {
            e.sign = rw->sense == NISAC_ROW_GE ? 1.0 : -1.0;
            if ((e.var = yr[r] = nisac_conic_add_nonneg(D)) < 0) rc = e.var;
            else rc = nisac_conic_scalar(D, NISAC_CONIC_OBJ, e.var, -e.sign * rw->rhs);
        }
        for (int t = 0; t < rw->terms.n && !rc; t++) {
            const term_t *tm = &rw->terms.t[t];
            if (tm->blk < 0 && tm->p == rw->slack) continue;
            rc = expand_term(c, base, sbase, tm, 1.0, emit, &e);
        }
    }
    /* the problem's objective: D's right-hand sides */
    {
        emit_t e = {D, vrow, -1, 0, BLK_HERM, 0, 0, 0, 1.0, 1};
        for (int t = 0; t < c->obj.n && !rc; t++) rc = expand_term(c, base, sbase, &c->obj.t[t], 1.0, emit, &e);
    }
    if (rc) goto out;

    nisac_conic_opts od = *o;
    od.solver = NISAC_SOLVER_NATIVE;
    nisac_conic_result rd;
    memset(&rd, 0, sizeof rd);
    if ((rc = native_solve(D, &od, &rd))) goto out;
    res->iterations = rd.iterations;
    res->rows = rd.rows;
    res->dim = rd.dim;
    switch (rd.status) {
    case NISAC_STATUS_INFEASIBLE: res->status = NISAC_STATUS_UNBOUNDED; break;
    case NISAC_STATUS_UNBOUNDED: res->status = NISAC_STATUS_INFEASIBLE; break;
    default: res->status = rd.status; break;
    }
    if ((rc = conic_alloc_solution(c))) goto out;
    if (D->solved) {
        /* v = -(D's row duals) */
        for (int b = 0; b < nb; b++) {
            const blk_t *bk = &c->blk[b];
            const int n = bk->n;
            for (int j = 0; j < n; j++) {
                if (bk->kind == BLK_SOC) {
                    c->xh[b][j] = -nisac_conic_row_dual(D, vrow[pslot(c, base, b, j, 0, 0)]);
                    continue;
                }
                for (int i = 0; i <= j; i++) {
                    double re = -nisac_conic_row_dual(D, vrow[pslot(c, base, b, i, j, 0)]);
                    double im = bk->kind == BLK_HERM && i < j ? -nisac_conic_row_dual(D, vrow[pslot(c, base, b, i, j, 1)]) : 0.0;
                    c->xh[b][i + (size_t)j * n] = re + I * im;
                    c->xh[b][j + (size_t)i * n] = re - I * im;
                }
            }
        }
        for (int s0 = 0; s0 < ns; s0++)
            c->xscal[s0] = isslack[s0] ? 0.0 : -nisac_conic_row_dual(D, vrow[sbase + s0]);
        /* slacks from their rows; row duals from D's variables */
        for (int r = 0; r < nr; r++) {
            const row_t *rw = &c->row[r];
            if (rw->cone >= 0) continue;
            const double yv = nisac_conic_scalar_value(D, yr[r]);
            c->ydual[r] = rw->sense == NISAC_ROW_LE ? -yv : yv;
            if (rw->slack >= 0) {
                double v = 0;
                for (int t = 0; t < rw->terms.n; t++) {
                    const term_t *tm = &rw->terms.t[t];
                    if (tm->blk < 0 && tm->p == rw->slack) continue;
                    if (tm->blk < 0) v += creal(tm->v) * c->xscal[tm->p];
                    else if (c->blk[tm->blk].kind == BLK_SOC) v += creal(tm->v) * creal(c->xh[tm->blk][tm->p]);
                    else if (tm->kind == TERM_ENTRY)
                        v += creal(tm->v * c->xh[tm->blk][tm->p + (size_t)tm->q * c->blk[tm->blk].n]);
                    else {
                        const int n = c->blk[tm->blk].n;
                        const double complex *x = c->vpool + c->voff[tm->p], *y = c->vpool + c->voff[tm->q];
                        double complex acc = 0;
                        for (int p = 0; p < n; p++)
                            for (int q = 0; q < n; q++) acc += conj(y[p]) * c->xh[tm->blk][p + (size_t)q * n] * x[q];
                        v += creal(tm->v * acc);
                    }
                }
                c->xscal[rw->slack] = rw->sense == NISAC_ROW_GE ? v - rw->rhs : rw->rhs - v;
            }
        }
        c->solved = 1;
    }
    const int cert = res->status == NISAC_STATUS_INFEASIBLE || res->status == NISAC_STATUS_UNBOUNDED;
    res->pobj = cert ? NAN : -rd.dobj + c->obj_const;
    res->dobj = cert ? NAN : -rd.pobj + c->obj_const;
    res->rel_gap = rd.rel_gap;
    res->pinf = cert || !c->solved ? NAN : conic_pinf(c);
out:
    nisac_conic_free(D);
    zfree(base);
    zfree(zb);
    zfree(zs);
    zfree(yr);
    zfree(zk);
    zfree(isslack);
    zfree(vrow);
    return rc;
}

static int native_supports(const nisac_conic *c)
{
    (void)c;
    return 1;
}

static int native_dispatch(nisac_conic *c, const nisac_conic_opts *o, nisac_conic_result *r)
{
    if (c->nac > 0) {
        double t0 = nisac_wtime();
        int rc = dual_solve(c, o, r);
        r->wall = nisac_wtime() - t0;
        return rc;
    }
    return native_solve(c, o, r);
}

const conic_backend conic_backend_native = {"native", native_supports, native_dispatch};
