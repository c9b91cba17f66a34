/* The CSDP backend: the builder's problem in CSDP's real primal form.
 * Hermitian blocks as real symmetric 2n x 2n embeddings, second-order
 * cones as arrow LMIs fixed by equality rows, inequality rows with a
 * slack in the diagonal block, free scalars as differences of two. */
#include "conic_internal.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <csdp/declarations.h>

/* A CSDP term: coefficient v on X[p][q] (p <= q) of CSDP block blk (-1:
 * the diagonal block). */
typedef struct {
    int blk;
    int p, q;
    double v;
} cterm_t;

typedef struct {
    cterm_t *t;
    int n, cap;
} cterms_t;

typedef struct {
    double rhs;
    cterms_t terms;
    int csdp; /* CSDP constraint number (1-based), 0 if dropped */
} crow_t;

/* The translated problem. */
typedef struct {
    int nblk;     /* builder blocks, one CSDP block each */
    int *rsize;   /* order of each CSDP block */
    int ndiag;    /* diagonal block size */
    int *pos, *neg; /* scalar -> diagonal index (neg: second half of a free scalar, -1) */
    crow_t *row;  /* builder rows, then arrow rows */
    int nrow;
    cterms_t obj;
    double obj_const;
} cprob;

static pthread_mutex_t g_csdp_lock = PTHREAD_MUTEX_INITIALIZER;

static int cpush(cterms_t *t, int blk, int p, int q, double v)
{
    if (v == 0.0) return NISAC_OK;
    if (t->n == t->cap) {
        int nc = t->cap ? 2 * t->cap : 16;
        cterm_t *q2 = realloc(t->t, (size_t)nc * sizeof *q2);
        if (!q2) return NISAC_FAIL(NISAC_ENOMEM, "conic: out of memory");
        t->t = q2;
        t->cap = nc;
    }
    if (p > q) {
        int s = p;
        p = q;
        q = s;
    }
    t->t[t->n++] = (cterm_t){blk, p, q, v};
    return NISAC_OK;
}

/* Re(coef W_ij) on the embedding of a Hermitian block of order n:
 * Re W_ij = (X[i][j] + X[n+i][n+j]) / 2, Im W_ij = (X[n+i][j] - X[n+j][i]) / 2. */
static int cpush_h(cterms_t *t, int b, int n, int i, int j, double complex coef)
{
    double a = creal(coef), bb = cimag(coef);
    int rc;
    if ((rc = cpush(t, b, i, j, 0.5 * a))) return rc;
    if ((rc = cpush(t, b, n + i, n + j, 0.5 * a))) return rc;
    if (i != j) {
        if ((rc = cpush(t, b, n + i, j, -0.5 * bb))) return rc;
        if ((rc = cpush(t, b, n + j, i, 0.5 * bb))) return rc;
    }
    return NISAC_OK;
}

static int translate_terms(const nisac_conic *c, const cprob *P, const terms_t *in, cterms_t *out)
{
    int rc = NISAC_OK;
    for (int k = 0; k < in->n && !rc; k++) {
        const term_t *t = &in->t[k];
        if (t->blk < 0) {
            rc = cpush(out, -1, P->pos[t->p], P->pos[t->p], creal(t->v));
            if (!rc && P->neg[t->p] >= 0) rc = cpush(out, -1, P->neg[t->p], P->neg[t->p], -creal(t->v));
            continue;
        }
        const blk_t *b = &c->blk[t->blk];
        if (b->kind == BLK_SYM) rc = cpush(out, t->blk, t->p, t->q, creal(t->v));
        else if (b->kind == BLK_SOC) rc = cpush(out, t->blk, 0, t->p, creal(t->v));
        else if (t->kind == TERM_ENTRY) rc = cpush_h(out, t->blk, b->n, t->p, t->q, t->v);
        else {
            /* Re(coef y^H W x) = sum_ij Re(coef conj(y_i) x_j W_ij) */
            const double complex *x = c->vpool + c->voff[t->p], *y = c->vpool + c->voff[t->q];
            for (int i = 0; i < b->n && !rc; i++)
                for (int j = 0; j < b->n && !rc; j++) {
                    double complex w = t->v * conj(y[i]) * x[j];
                    if (w != 0.0) rc = cpush_h(out, t->blk, b->n, i, j, w);
                }
        }
    }
    return rc;
}

static void cprob_free(cprob *P)
{
    for (int r = 0; r < P->nrow; r++) free(P->row[r].terms.t);
    free(P->row);
    free(P->obj.t);
    free(P->rsize);
    free(P->pos);
    free(P->neg);
}

/* Kind and order of CSDP block b: the builder's blocks, then one slack
 * block per affine cone. */
static blk_kind cblk_kind(const nisac_conic *c, int b) { return b < c->nblk ? c->blk[b].kind : c->ac[b - c->nblk].kind; }
static int cblk_n(const nisac_conic *c, int b) { return b < c->nblk ? c->blk[b].n : c->ac[b - c->nblk].n; }

static int cprob_build(const nisac_conic *c, cprob *P)
{
    memset(P, 0, sizeof *P);
    const int nb = c->nblk + c->nac;
    int narrow = 0;
    for (int b = 0; b < nb; b++)
        if (cblk_kind(c, b) == BLK_SOC) {
            int d = cblk_n(c, b) - 1;
            narrow += d + d * (d - 1) / 2;
        }
    P->nblk = nb;
    P->rsize = calloc((size_t)(nb > 0 ? nb : 1), sizeof(int));
    P->pos = calloc((size_t)(c->nscal > 0 ? c->nscal : 1), sizeof(int));
    P->neg = calloc((size_t)(c->nscal > 0 ? c->nscal : 1), sizeof(int));
    P->row = calloc((size_t)(c->nrow + narrow > 0 ? c->nrow + narrow : 1), sizeof(crow_t));
    if (!P->rsize || !P->pos || !P->neg || !P->row) return NISAC_FAIL(NISAC_ENOMEM, "conic: out of memory");
    for (int b = 0; b < nb; b++) P->rsize[b] = cblk_kind(c, b) == BLK_HERM ? 2 * cblk_n(c, b) : cblk_n(c, b);
    for (int s = 0; s < c->nscal; s++) {
        P->pos[s] = P->ndiag++;
        P->neg[s] = -1;
    }
    for (int s = 0; s < c->nscal; s++)
        if (c->isfree[s]) P->neg[s] = P->ndiag++;
    int rc;
    for (int r = 0; r < c->nrow; r++) {
        const row_t *rw = &c->row[r];
        P->row[r].rhs = rw->rhs;
        P->nrow++;
        if ((rc = translate_terms(c, P, &rw->terms, &P->row[r].terms))) return rc;
        if (rw->cone >= 0) { /* sum(terms) - rhs = s_component: the slack enters with -1 */
            const int b = c->nblk + rw->cone, n = c->ac[rw->cone].n;
            if (c->ac[rw->cone].kind == BLK_SOC) rc = cpush(&P->row[r].terms, b, 0, rw->ci, -1.0);
            else if (rw->cpart) rc = cpush_h(&P->row[r].terms, b, n, rw->ci, rw->cj, I); /* Re(i S) = -Im S */
            else rc = cpush_h(&P->row[r].terms, b, n, rw->ci, rw->cj, -1.0);
            if (rc) return rc;
        }
    }
    if ((rc = translate_terms(c, P, &c->obj, &P->obj))) return rc;
    for (int b = 0; b < nb; b++) {
        if (cblk_kind(c, b) != BLK_SOC) continue;
        int d = cblk_n(c, b) - 1;
        for (int i = 1; i <= d; i++) { /* X[i][i] = X[0][0] */
            crow_t *rw = &P->row[P->nrow++];
            if ((rc = cpush(&rw->terms, b, i, i, 1.0)) || (rc = cpush(&rw->terms, b, 0, 0, -1.0))) return rc;
        }
        for (int i = 1; i <= d; i++)
            for (int j = i + 1; j <= d; j++) { /* X[i][j] = 0 */
                crow_t *rw = &P->row[P->nrow++];
                if ((rc = cpush(&rw->terms, b, i, j, 1.0))) return rc;
            }
    }
    return NISAC_OK;
}

static int cmp_term(const void *a, const void *b)
{
    const cterm_t *x = a, *y = b;
    if (x->blk != y->blk) return x->blk < y->blk ? -1 : 1;
    if (x->q != y->q) return x->q < y->q ? -1 : 1;
    if (x->p != y->p) return x->p < y->p ? -1 : 1;
    return 0;
}

/* Sorts and sums duplicate terms; drops exact zeros. */
static void merge_terms(cterms_t *t)
{
    if (t->n == 0) return;
    qsort(t->t, (size_t)t->n, sizeof(cterm_t), cmp_term);
    int w = 0;
    for (int i = 0; i < t->n; i++) {
        if (w > 0 && cmp_term(&t->t[w - 1], &t->t[i]) == 0) t->t[w - 1].v += t->t[i].v;
        else t->t[w++] = t->t[i];
    }
    int z = 0;
    for (int i = 0; i < w; i++)
        if (t->t[i].v != 0.0) t->t[z++] = t->t[i];
    t->n = z;
}


/* CSDP block number (1-based) of a term's block. */
static int csdp_blocknum(const cprob *c, int blk) { return blk < 0 ? c->nblk + 1 : blk + 1; }

static void free_sparse_list(struct sparseblock *p)
{
    while (p) {
        struct sparseblock *nx = p->next;
        free(p->entries);
        free(p->iindices);
        free(p->jindices);
        free(p);
        p = nx;
    }
}

static void free_constraints(struct constraintmatrix *con, int k)
{
    if (!con) return;
    for (int i = 1; i <= k; i++) free_sparse_list(con[i].blocks);
    free(con);
}

/* Builds the CSDP sparse blocks of one row (terms merged, sorted by block). */
static int build_constraint(const cprob *c, const crow_t *r, int cnum, double rowdiv,
                            struct constraintmatrix *con)
{
    struct sparseblock **tail = &con->blocks;
    int i = 0;
    const cterms_t *t = &r->terms;
    /* terms sorted by blk with -1 (diagonal block) first: CSDP block order
     * does not matter within a constraint list */
    while (i < t->n) {
        int blk = t->t[i].blk, j = i;
        while (j < t->n && t->t[j].blk == blk) j++;
        int cnt = j - i;
        struct sparseblock *sb = calloc(1, sizeof *sb);
        if (!sb) return NISAC_FAIL(NISAC_ENOMEM, "conic: out of memory");
        *tail = sb;
        tail = &sb->next;
        sb->entries = malloc(sizeof(double) * (size_t)(cnt + 1));
        sb->iindices = malloc(sizeof(int) * (size_t)(cnt + 1));
        sb->jindices = malloc(sizeof(int) * (size_t)(cnt + 1));
        if (!sb->entries || !sb->iindices || !sb->jindices)
            return NISAC_FAIL(NISAC_ENOMEM, "conic: out of memory");
        sb->numentries = cnt;
        sb->blocknum = csdp_blocknum(c, blk);
        sb->blocksize = blk < 0 ? c->ndiag : c->rsize[blk];
        sb->constraintnum = cnum;
        for (int e = 0; e < cnt; e++) {
            const cterm_t *tt = &t->t[i + e];
            sb->iindices[e + 1] = tt->p + 1;
            sb->jindices[e + 1] = tt->q + 1;
            /* <A, X> counts an off-diagonal A_pq twice */
            sb->entries[e + 1] = (tt->p == tt->q ? tt->v : 0.5 * tt->v) / rowdiv;
        }
        /* dense or sparse handling inside CSDP: dense when the block is
         * well filled (our rule: more than a quarter of its upper triangle) */
        long full = (long)sb->blocksize * (sb->blocksize + 1) / 2;
        sb->issparse = (blk < 0 || 4L * cnt <= full) ? 1 : 0;
        i = j;
    }
    return NISAC_OK;
}

/* The scaling of one solve: X = s X' for every variable, row r divided
 * by d[r] (NULL: 1), the objective divided by g / s.  Identity (1, 1,
 * NULL) gives CSDP the problem as built, bit for bit. */
typedef struct {
    double s, g;
    const double *d;
} scale_t;

static int solve_scaled(nisac_conic *cb, const cprob *c, const nisac_conic_opts *o, const scale_t *sc,
                        nisac_conic_result *res)
{
    res->status = NISAC_STATUS_NOT_RUN;
    res->csdp_code = -1;
    int k = 0;
    for (int r = 0; r < c->nrow; r++) {
        crow_t *rw = &c->row[r];
        if (rw->terms.n == 0) {
            rw->csdp = 0;
            /* 0 = rhs */
            if (fabs(rw->rhs) > 0) {
                res->status = NISAC_STATUS_INFEASIBLE;
                return NISAC_OK;
            }
            continue;
        }
        rw->csdp = ++k;
    }
    if (k == 0) return NISAC_FAIL(NISAC_EINVAL, "conic: the problem has no constraints");

    const int nb = c->nblk + (c->ndiag > 0 ? 1 : 0);
    int n = 0;
    for (int b = 0; b < c->nblk; b++) n += c->rsize[b];
    n += c->ndiag;
    res->rows = k;
    res->dim = n;

    /* Objective C (CSDP maximises tr(CX)), right-hand side a, constraints. */
    struct blockmatrix C = {0};
    double *a = NULL, *y = NULL;
    struct constraintmatrix *con = NULL;
    struct blockmatrix X = {0}, Z = {0};
    int rc = NISAC_OK;
    C.nblocks = nb;
    C.blocks = calloc((size_t)nb + 1, sizeof(struct blockrec));
    a = calloc((size_t)k + 1, sizeof(double));
    con = calloc((size_t)k + 1, sizeof(struct constraintmatrix));
    if (!C.blocks || !a || !con) {
        rc = NISAC_FAIL(NISAC_ENOMEM, "conic: out of memory");
        goto cleanup;
    }
    for (int b = 1; b <= nb; b++) {
        int isdiag = (b == c->nblk + 1);
        int sz = isdiag ? c->ndiag : c->rsize[b - 1];
        C.blocks[b].blocksize = sz;
        C.blocks[b].blockcategory = isdiag ? DIAG : MATRIX;
        size_t cnt = isdiag ? (size_t)sz + 1 : (size_t)sz * (size_t)sz;
        C.blocks[b].data.mat = calloc(cnt, sizeof(double));
        if (!C.blocks[b].data.mat) {
            rc = NISAC_FAIL(NISAC_ENOMEM, "conic: out of memory");
            goto cleanup;
        }
    }
    for (int i = 0; i < c->obj.n; i++) {
        const cterm_t *t = &c->obj.t[i];
        int b = csdp_blocknum(c, t->blk);
        const double tv = t->v * (sc->s / sc->g);
        if (t->blk < 0) {
            C.blocks[b].data.vec[t->p + 1] = -tv;
        } else {
            int sz = C.blocks[b].blocksize;
            double v = t->p == t->q ? -tv : -0.5 * tv;
            C.blocks[b].data.mat[(size_t)t->q * sz + t->p] = v;
            C.blocks[b].data.mat[(size_t)t->p * sz + t->q] = v;
        }
    }
    for (int r = 0; r < c->nrow; r++) {
        const crow_t *rw = &c->row[r];
        if (!rw->csdp) continue;
        const double d = sc->d ? sc->d[r] : 1.0;
        a[rw->csdp] = rw->rhs / (d * sc->s);
        if ((rc = build_constraint(c, rw, rw->csdp, d, &con[rw->csdp]))) goto cleanup;
    }

    /* ---- CSDP section: one at a time in the process ---- */
    pthread_mutex_lock(&g_csdp_lock);
    double t0 = nisac_wtime();
    conic_count_call();
    {
        struct paramstruc prm;
        prm.axtol = o->tol;
        prm.atytol = o->tol;
        prm.objtol = o->tol;
        prm.pinftol = 1.0e8;
        prm.dinftol = 1.0e8;
        prm.maxiter = o->maxiter;
        prm.minstepfrac = 0.90;
        prm.maxstepfrac = 0.97;
        prm.minstepp = 1.0e-8;
        prm.minstepd = 1.0e-8;
        prm.usexzgap = 1;
        prm.tweakgap = 0;
        prm.affine = 0;
        prm.perturbobj = 1.0;
        prm.fastmode = 0;
        const int printlevel = 0;

        initsoln(n, k, C, a, con, &X, &y, &Z);

        /* Cross links between the blocks of the constraints, by block. */
        struct sparseblock **byblocks = calloc((size_t)nb + 1, sizeof(struct sparseblock *));
        struct sparseblock **lastby = calloc((size_t)nb + 1, sizeof(struct sparseblock *));
        if (!byblocks || !lastby) {
            free(byblocks);
            free(lastby);
            pthread_mutex_unlock(&g_csdp_lock);
            rc = NISAC_FAIL(NISAC_ENOMEM, "conic: out of memory");
            goto cleanup;
        }
        for (int i = 1; i <= k; i++)
            for (struct sparseblock *p = con[i].blocks; p; p = p->next) {
                p->nextbyblock = NULL;
                if (!byblocks[p->blocknum]) byblocks[p->blocknum] = p;
                else lastby[p->blocknum]->nextbyblock = p;
                lastby[p->blocknum] = p;
            }
        free(lastby);

        struct blockmatrix work1, work2, work3, bestx, bestz, Zi, dZ, dX, cholxinv, cholzinv;
        struct constraintmatrix fill;
        alloc_mat(C, &work1);
        alloc_mat(C, &work2);
        alloc_mat(C, &work3);
        alloc_mat_packed(C, &bestx);
        alloc_mat_packed(C, &bestz);
        alloc_mat_packed(C, &cholxinv);
        alloc_mat_packed(C, &cholzinv);
        alloc_mat(C, &Zi);
        alloc_mat(C, &dZ);
        alloc_mat(C, &dX);
        size_t nv = (size_t)(n > k ? n : k) + 1;
        double *wv[8];
        for (int i = 0; i < 8; i++) wv[i] = calloc(nv, sizeof(double));
        double *diagO = calloc(nv, sizeof(double));
        double *besty = calloc((size_t)k + 1, sizeof(double));
        double *rhs = calloc((size_t)k + 1, sizeof(double));
        double *dy = calloc((size_t)k + 1, sizeof(double));
        double *dy1 = calloc((size_t)k + 1, sizeof(double));
        double *Fp = calloc((size_t)k + 1, sizeof(double));
        int ldam = (k % 2 == 0) ? k + 1 : k;
        double *O = calloc((size_t)ldam * (size_t)ldam, sizeof(double));
        int ok = diagO && besty && rhs && dy && dy1 && Fp && O;
        for (int i = 0; i < 8; i++) ok = ok && wv[i];
        double pobj = 0, dobj = 0;
        int ret = -1;
        if (ok) {
            makefill(k, C, con, &fill, work1, printlevel);
            sort_entries(k, C, con);
            ret = sdp(n, k, C, a, 0.0, con, byblocks, fill, X, y, Z, cholxinv, cholzinv, &pobj,
                      &dobj, work1, work2, work3, wv[0], wv[1], wv[2], wv[3], wv[4], wv[5], wv[6],
                      wv[7], diagO, bestx, besty, bestz, Zi, O, rhs, dZ, dX, dy, dy1, Fp,
                      printlevel, prm);
            free_sparse_list(fill.blocks);
        }
        free_mat(work1);
        free_mat(work2);
        free_mat(work3);
        free_mat_packed(bestx);
        free_mat_packed(bestz);
        free_mat_packed(cholxinv);
        free_mat_packed(cholzinv);
        free_mat(Zi);
        free_mat(dZ);
        free_mat(dX);
        for (int i = 0; i < 8; i++) free(wv[i]);
        free(diagO);
        free(besty);
        free(rhs);
        free(dy);
        free(dy1);
        free(Fp);
        free(O);
        free(byblocks);
        res->wall = nisac_wtime() - t0;
        pthread_mutex_unlock(&g_csdp_lock);
        if (!ok) {
            rc = NISAC_FAIL(NISAC_ENOMEM, "conic: out of memory");
            goto cleanup;
        }
        res->csdp_code = ret;
        res->pobj = -pobj * sc->g + c->obj_const;
        res->dobj = -dobj * sc->g + c->obj_const;
    }

    switch (res->csdp_code) {
    case 0: res->status = NISAC_STATUS_OPTIMAL; break;
    case 1: res->status = NISAC_STATUS_INFEASIBLE; break;
    case 2: res->status = NISAC_STATUS_UNBOUNDED; break;
    case 3: res->status = NISAC_STATUS_INACCURATE; break;
    case 4: res->status = NISAC_STATUS_ITERATION_LIMIT; break;
    default: res->status = NISAC_STATUS_NUMERICAL; break;
    }
    res->rel_gap = fabs(res->pobj - res->dobj) / (1.0 + fabs(res->pobj) + fabs(res->dobj));

    /* Copy the solution out (symmetrised, embedding folded back). */
    if ((rc = conic_alloc_solution(cb))) goto cleanup;
    for (int b = 0; b < cb->nblk; b++) { /* the slack blocks of affine cones are not reported */
        const int sz = c->rsize[b], bn = cb->blk[b].n;
        const double *x = X.blocks[b + 1].data.mat;
#define XV(i, j) (0.5 * (x[(i) + (size_t)(j) * sz] + x[(j) + (size_t)(i) * sz]) * sc->s)
        if (cb->blk[b].kind == BLK_HERM) {
            for (int j = 0; j < bn; j++)
                for (int i = 0; i < bn; i++)
                    cb->xh[b][i + (size_t)j * bn] = 0.5 * (XV(i, j) + XV(bn + i, bn + j)) +
                                                    I * 0.5 * (XV(bn + i, j) - XV(bn + j, i));
        } else if (cb->blk[b].kind == BLK_SYM) {
            for (int j = 0; j < bn; j++)
                for (int i = 0; i < bn; i++) cb->xh[b][i + (size_t)j * bn] = XV(i, j);
        } else {
            for (int i = 0; i < bn; i++) cb->xh[b][i] = XV(0, i);
        }
#undef XV
    }
    for (int s = 0; s < cb->nscal; s++) {
        double v = X.blocks[nb].data.vec[c->pos[s] + 1];
        if (c->neg[s] >= 0) v -= X.blocks[nb].data.vec[c->neg[s] + 1];
        cb->xscal[s] = v * sc->s;
    }
    for (int r = 0; r < cb->nrow; r++)
        cb->ydual[r] = c->row[r].csdp ? -y[c->row[r].csdp] * (sc->g / (sc->s * (sc->d ? sc->d[r] : 1.0))) : 0.0;
    cb->solved = 1;
    res->pinf = conic_pinf(cb);

cleanup:
    if (X.blocks) free_mat(X);
    if (Z.blocks) free_mat(Z);
    free(y);
    free_constraints(con, k);
    if (C.blocks) {
        for (int b = 1; b <= nb; b++) free(C.blocks[b].data.mat);
        free(C.blocks);
    }
    free(a);
    return rc;
}

/* A scaling that brings the problem to unit magnitudes: rows divided by
 * their largest coefficient, variables measured in units of the largest
 * scaled right-hand side, the objective divided by its largest
 * coefficient.  Powers of two, so the scaling itself is exact. */
static int unit_scaling(const cprob *c, scale_t *sc, double **d_out)
{
    double *d = malloc(sizeof(double) * (size_t)(c->nrow > 0 ? c->nrow : 1));
    if (!d) return NISAC_FAIL(NISAC_ENOMEM, "conic: out of memory");
    double smax = 0, cmax = 0;
    for (int r = 0; r < c->nrow; r++) {
        double m = 0;
        for (int i = 0; i < c->row[r].terms.n; i++) m = fmax(m, fabs(c->row[r].terms.t[i].v));
        d[r] = m > 0 ? exp2(round(log2(m))) : 1.0;
        smax = fmax(smax, fabs(c->row[r].rhs) / d[r]);
    }
    for (int i = 0; i < c->obj.n; i++) cmax = fmax(cmax, fabs(c->obj.t[i].v));
    sc->s = smax > 0 ? exp2(round(log2(smax))) : 1.0;
    sc->g = sc->s * (cmax > 0 ? exp2(round(log2(cmax))) : 1.0);
    sc->d = d;
    *d_out = d;
    return NISAC_OK;
}

/* The translated problem with its terms merged; on failure P is freed. */
static int cprob_ready(const nisac_conic *c, cprob *P)
{
    int rc = cprob_build(c, P);
    if (rc) {
        cprob_free(P);
        return rc;
    }
    for (int r = 0; r < P->nrow; r++) merge_terms(&P->row[r].terms);
    merge_terms(&P->obj);
    P->obj_const = c->obj_const;
    return NISAC_OK;
}

static int csdp_solve(nisac_conic *cb, const nisac_conic_opts *o, nisac_conic_result *res)
{
    cprob P;
    int rc = cprob_ready(cb, &P);
    if (rc) return rc;
    const scale_t unit = {1.0, 1.0, NULL};
    rc = solve_scaled(cb, &P, o, &unit, res);
    if (rc || !o->verify || (res->status != NISAC_STATUS_INFEASIBLE && res->status != NISAC_STATUS_NUMERICAL)) {
        cprob_free(&P);
        return rc;
    }
    /* An infeasibility claim or a numerical failure is checked on the
     * problem brought to unit magnitudes before it is reported: CSDP's
     * verdicts depend on the data's scale (a power minimisation whose
     * answer is 1e9 W can be called infeasible).  Well-conditioned
     * problems never reach this point, so their results are untouched. */
    nisac_conic_result first = *res;
    scale_t sc;
    double *d = NULL;
    if ((rc = unit_scaling(&P, &sc, &d))) {
        cprob_free(&P);
        return rc;
    }
    rc = solve_scaled(cb, &P, o, &sc, res);
    free(d);
    cprob_free(&P);
    if (rc) return rc;
    res->rescaled = 1;
    res->first_status = first.status;
    res->wall += first.wall;
    if (res->status == NISAC_STATUS_OPTIMAL || res->status == NISAC_STATUS_INACCURATE) return NISAC_OK;
    if (first.status == NISAC_STATUS_INFEASIBLE && res->status != NISAC_STATUS_INFEASIBLE) {
        /* two solves disagree: no verdict */
        res->status = NISAC_STATUS_NUMERICAL;
    }
    return NISAC_OK;
}

static int csdp_supports(const nisac_conic *c)
{
    (void)c;
    return 1;
}

const conic_backend conic_backend_csdp = {"csdp", csdp_supports, csdp_solve};

int nisac_conic_write_sdpa(const nisac_conic *c, const char *path)
{
    if (!c || !path) return NISAC_FAIL(NISAC_EINVAL, "conic: NULL problem or path");
    cprob P;
    int rc = cprob_ready(c, &P);
    if (rc) return rc;
    int m = 0;
    for (int r = 0; r < P.nrow; r++) m += P.row[r].terms.n > 0;
    FILE *f = fopen(path, "w");
    if (!f) {
        cprob_free(&P);
        return NISAC_FAIL(NISAC_EIO, "%s: cannot write", path);
    }
    const int nb = P.nblk + (P.ndiag > 0);
    fprintf(f, "\"nisac conic problem: max tr(C X) s.t. tr(A_i X) = a_i, X >= 0; C = -objective (constant %.17g)\n",
            c->obj_const);
    fprintf(f, "%d\n%d\n", m, nb);
    for (int b = 0; b < P.nblk; b++) fprintf(f, "%d ", P.rsize[b]);
    if (P.ndiag) fprintf(f, "%d", -P.ndiag);
    fprintf(f, "\n");
    for (int r = 0; r < P.nrow; r++)
        if (P.row[r].terms.n) fprintf(f, "%.17g ", P.row[r].rhs);
    fprintf(f, "\n");
    /* entries: matrix 0 is C (max form), i >= 1 the rows; symmetric entries, upper triangle */
    for (int pass = 0, k = 0; pass <= P.nrow; pass++) {
        const cterms_t *t = pass == 0 ? &P.obj : &P.row[pass - 1].terms;
        if (pass > 0 && !t->n) continue;
        const int mat = pass == 0 ? 0 : ++k;
        const double sgn = pass == 0 ? -1.0 : 1.0;
        for (int e = 0; e < t->n; e++) {
            const cterm_t *x = &t->t[e];
            const double v = (x->p == x->q ? x->v : 0.5 * x->v) * sgn;
            fprintf(f, "%d %d %d %d %.17g\n", mat, x->blk < 0 ? nb : x->blk + 1, x->p + 1, x->q + 1, v);
        }
    }
    int bad = ferror(f);
    bad |= fclose(f) != 0;
    cprob_free(&P);
    return bad ? NISAC_FAIL(NISAC_EIO, "%s: write failed", path) : NISAC_OK;
}
