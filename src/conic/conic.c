/* Conic builder over CSDP; see include/nisac/conic.h. */
#include "nisac/conic.h"
#include "nisac/defaults.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <csdp/declarations.h>

typedef enum { BLK_HERM, BLK_SYM } blk_kind;

typedef struct {
    blk_kind kind;
    int n;      /* complex order (HERM) or real order (SYM) */
    int rsize;  /* order of the real CSDP block */
} blk_t;

typedef struct {
    int blk;    /* block index, or -1 for the scalar (diagonal) block */
    int p, q;   /* 0-based, p <= q; scalar index in p for the diagonal block */
    double v;   /* coefficient on the variable X[p][q] */
} term_t;

typedef struct {
    term_t *t;
    int n, cap;
} terms_t;

typedef struct {
    nisac_row_sense sense;
    double rhs;
    terms_t terms;
    int slack;  /* scalar index of the slack (-1 for EQ) */
    int csdp;   /* CSDP constraint number (1-based), 0 if dropped */
} row_t;

struct nisac_conic {
    blk_t *blk;
    int nblk, capblk;
    int nscal;          /* user scalars and slacks */
    row_t *row;
    int nrow, caprow;
    terms_t obj;
    double obj_const;
    /* solution */
    int solved;
    double **xblk;      /* per block: rsize*rsize column-major */
    double *xscal;      /* nscal */
    double *ydual;      /* per row */
};

static pthread_mutex_t g_csdp_lock = PTHREAD_MUTEX_INITIALIZER;
static long g_csdp_calls;

long nisac_conic_calls(void)
{
    pthread_mutex_lock(&g_csdp_lock);
    long v = g_csdp_calls;
    pthread_mutex_unlock(&g_csdp_lock);
    return v;
}

void nisac_conic_opts_default(nisac_conic_opts *o)
{
    o->tol = NISAC_DEF_SDP_TOL;
    o->maxiter = NISAC_DEF_SDP_MAXITER;
    o->verify = 1;
}

nisac_conic *nisac_conic_new(void) { return calloc(1, sizeof(nisac_conic)); }

static void free_solution(nisac_conic *c)
{
    if (c->xblk)
        for (int b = 0; b < c->nblk; b++) free(c->xblk[b]);
    free(c->xblk);
    free(c->xscal);
    free(c->ydual);
    c->xblk = NULL;
    c->xscal = NULL;
    c->ydual = NULL;
    c->solved = 0;
}

void nisac_conic_free(nisac_conic *c)
{
    if (!c) return;
    free_solution(c);
    for (int r = 0; r < c->nrow; r++) free(c->row[r].terms.t);
    free(c->row);
    free(c->obj.t);
    free(c->blk);
    free(c);
}

static int grow(void **p, int *cap, int need, size_t elsize)
{
    if (need <= *cap) return 0;
    int nc = *cap ? *cap * 2 : 16;
    while (nc < need) nc *= 2;
    void *q = realloc(*p, (size_t)nc * elsize);
    if (!q) return -1;
    *p = q;
    *cap = nc;
    return 0;
}

static int add_block(nisac_conic *c, blk_kind kind, int n)
{
    if (n < 1 || n > 100000) return NISAC_FAIL(NISAC_EINVAL, "conic: block order %d", n);
    if (grow((void **)&c->blk, &c->capblk, c->nblk + 1, sizeof(blk_t)))
        return NISAC_FAIL(NISAC_ENOMEM, "conic: out of memory");
    c->blk[c->nblk] = (blk_t){kind, n, kind == BLK_HERM ? 2 * n : n};
    c->solved = 0;
    return c->nblk++;
}

int nisac_conic_add_hblock(nisac_conic *c, int n) { return add_block(c, BLK_HERM, n); }
int nisac_conic_add_sblock(nisac_conic *c, int n) { return add_block(c, BLK_SYM, n); }

int nisac_conic_add_nonneg(nisac_conic *c)
{
    c->solved = 0;
    return c->nscal++;
}

static int push(nisac_conic *c, int row, int blk, int p, int q, double v);

int nisac_conic_add_row(nisac_conic *c, nisac_row_sense sense, double rhs)
{
    if (!isfinite(rhs)) return NISAC_FAIL(NISAC_EINVAL, "conic: row right-hand side not finite");
    if (sense != NISAC_ROW_EQ && sense != NISAC_ROW_GE && sense != NISAC_ROW_LE)
        return NISAC_FAIL(NISAC_EINVAL, "conic: bad row sense %d", (int)sense);
    if (grow((void **)&c->row, &c->caprow, c->nrow + 1, sizeof(row_t)))
        return NISAC_FAIL(NISAC_ENOMEM, "conic: out of memory");
    row_t *r = &c->row[c->nrow];
    memset(r, 0, sizeof *r);
    r->sense = sense;
    r->rhs = rhs;
    r->slack = -1;
    int idx = c->nrow++;
    if (sense != NISAC_ROW_EQ) {
        r->slack = nisac_conic_add_nonneg(c);
        int rc = push(c, idx, -1, r->slack, r->slack, sense == NISAC_ROW_GE ? -1.0 : 1.0);
        if (rc) return rc;
    }
    c->solved = 0;
    return idx;
}

static terms_t *row_terms(nisac_conic *c, int row)
{
    if (row == NISAC_CONIC_OBJ) return &c->obj;
    if (row < 0 || row >= c->nrow) return NULL;
    return &c->row[row].terms;
}

static int push(nisac_conic *c, int row, int blk, int p, int q, double v)
{
    terms_t *t = row_terms(c, row);
    if (!t) return NISAC_FAIL(NISAC_EINVAL, "conic: no row %d", row);
    if (!isfinite(v)) return NISAC_FAIL(NISAC_EINVAL, "conic: coefficient not finite (row %d)", row);
    if (v == 0.0) return NISAC_OK;
    if (grow((void **)&t->t, &t->cap, t->n + 1, sizeof(term_t)))
        return NISAC_FAIL(NISAC_ENOMEM, "conic: out of memory");
    if (p > q) {
        int s = p;
        p = q;
        q = s;
    }
    t->t[t->n++] = (term_t){blk, p, q, v};
    c->solved = 0;
    return NISAC_OK;
}

static int check_blk(const nisac_conic *c, int b, blk_kind kind)
{
    if (b < 0 || b >= c->nblk || c->blk[b].kind != kind)
        return NISAC_FAIL(NISAC_EINVAL, "conic: block %d is not a %s block", b,
                          kind == BLK_HERM ? "Hermitian" : "real");
    return NISAC_OK;
}

int nisac_conic_hentry(nisac_conic *c, int row, int b, int i, int j, double complex coef)
{
    int rc = check_blk(c, b, BLK_HERM);
    if (rc) return rc;
    int n = c->blk[b].n;
    if (i < 0 || j < 0 || i >= n || j >= n)
        return NISAC_FAIL(NISAC_EINVAL, "conic: entry (%d,%d) outside block of order %d", i, j, n);
    double a = creal(coef), bb = cimag(coef);
    /* Re W_ij = (X[i][j] + X[n+i][n+j]) / 2, Im W_ij = (X[n+i][j] - X[n+j][i]) / 2 */
    if ((rc = push(c, row, b, i, j, 0.5 * a))) return rc;
    if ((rc = push(c, row, b, n + i, n + j, 0.5 * a))) return rc;
    if (i != j) {
        if ((rc = push(c, row, b, n + i, j, -0.5 * bb))) return rc;
        if ((rc = push(c, row, b, n + j, i, 0.5 * bb))) return rc;
    }
    return NISAC_OK;
}

int nisac_conic_hquad(nisac_conic *c, int row, int b, const double complex *u,
                      const double complex *v, double complex coef)
{
    int rc = check_blk(c, b, BLK_HERM);
    if (rc) return rc;
    int n = c->blk[b].n;
    /* v^H W u = sum_ij conj(v_i) W_ij u_j */
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++) {
            double complex w = coef * conj(v[i]) * u[j];
            if (w != 0.0 && (rc = nisac_conic_hentry(c, row, b, i, j, w))) return rc;
        }
    return NISAC_OK;
}

int nisac_conic_htrace(nisac_conic *c, int row, int b, const double complex *H, int ldh,
                       double scale)
{
    int rc = check_blk(c, b, BLK_HERM);
    if (rc) return rc;
    int n = c->blk[b].n;
    /* Tr(H W) = sum_ij H_ji W_ij */
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++) {
            double complex w = scale * H[j + (size_t)i * ldh];
            if (w != 0.0 && (rc = nisac_conic_hentry(c, row, b, i, j, w))) return rc;
        }
    return NISAC_OK;
}

int nisac_conic_sentry(nisac_conic *c, int row, int b, int i, int j, double coef)
{
    int rc = check_blk(c, b, BLK_SYM);
    if (rc) return rc;
    int n = c->blk[b].n;
    if (i < 0 || j < 0 || i >= n || j >= n)
        return NISAC_FAIL(NISAC_EINVAL, "conic: entry (%d,%d) outside block of order %d", i, j, n);
    return push(c, row, b, i, j, coef);
}

int nisac_conic_scalar(nisac_conic *c, int row, int s, double coef)
{
    if (s < 0 || s >= c->nscal) return NISAC_FAIL(NISAC_EINVAL, "conic: no scalar %d", s);
    return push(c, row, -1, s, s, coef);
}

int nisac_conic_obj_const(nisac_conic *c, double v)
{
    if (!isfinite(v)) return NISAC_FAIL(NISAC_EINVAL, "conic: objective constant not finite");
    c->obj_const += v;
    return NISAC_OK;
}

int nisac_conic_add_soc(nisac_conic *c, int d)
{
    if (d < 1) return NISAC_FAIL(NISAC_EINVAL, "conic: cone dimension %d", d);
    int b = nisac_conic_add_sblock(c, d + 1);
    if (b < 0) return b;
    int rc;
    for (int i = 1; i <= d; i++) { /* X[i][i] = X[0][0] */
        int r = nisac_conic_add_row(c, NISAC_ROW_EQ, 0.0);
        if (r < 0) return r;
        if ((rc = nisac_conic_sentry(c, r, b, i, i, 1.0)) ||
            (rc = nisac_conic_sentry(c, r, b, 0, 0, -1.0)))
            return rc;
    }
    for (int i = 1; i <= d; i++)
        for (int j = i + 1; j <= d; j++) { /* X[i][j] = 0 */
            int r = nisac_conic_add_row(c, NISAC_ROW_EQ, 0.0);
            if (r < 0) return r;
            if ((rc = nisac_conic_sentry(c, r, b, i, j, 1.0))) return rc;
        }
    return b;
}

/* ---- assembly ---- */

static int cmp_term(const void *a, const void *b)
{
    const term_t *x = a, *y = b;
    if (x->blk != y->blk) return x->blk < y->blk ? -1 : 1;
    if (x->q != y->q) return x->q < y->q ? -1 : 1;
    if (x->p != y->p) return x->p < y->p ? -1 : 1;
    return 0;
}

/* Sorts and sums duplicate terms; drops exact zeros. */
static void merge_terms(terms_t *t)
{
    if (t->n == 0) return;
    qsort(t->t, (size_t)t->n, sizeof(term_t), cmp_term);
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
static int csdp_blocknum(const nisac_conic *c, int blk) { return blk < 0 ? c->nblk + 1 : blk + 1; }

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
static int build_constraint(const nisac_conic *c, const row_t *r, int cnum, double rowdiv,
                            struct constraintmatrix *con)
{
    struct sparseblock **tail = &con->blocks;
    int i = 0;
    const terms_t *t = &r->terms;
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
        sb->blocksize = blk < 0 ? c->nscal : c->blk[blk].rsize;
        sb->constraintnum = cnum;
        for (int e = 0; e < cnt; e++) {
            const term_t *tt = &t->t[i + e];
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

static int solve_scaled(nisac_conic *c, const nisac_conic_opts *o, const scale_t *sc, nisac_conic_result *res)
{
    memset(res, 0, sizeof *res);
    res->status = NISAC_STATUS_NOT_RUN;
    res->csdp_code = -1;
    free_solution(c);
    if (!(o->tol > 0) || o->maxiter < 1) return NISAC_FAIL(NISAC_EINVAL, "conic: bad options");
    if (c->nblk == 0 && c->nscal == 0) return NISAC_FAIL(NISAC_EINVAL, "conic: no variables");

    /* Slack terms, merging, empty-row handling. */
    for (int r = 0; r < c->nrow; r++) {
        merge_terms(&c->row[r].terms);
    }
    merge_terms(&c->obj);
    int k = 0;
    for (int r = 0; r < c->nrow; r++) {
        row_t *rw = &c->row[r];
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

    const int nb = c->nblk + (c->nscal > 0 ? 1 : 0);
    int n = 0;
    for (int b = 0; b < c->nblk; b++) n += c->blk[b].rsize;
    n += c->nscal;
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
        int sz = isdiag ? c->nscal : c->blk[b - 1].rsize;
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
        const term_t *t = &c->obj.t[i];
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
        const row_t *rw = &c->row[r];
        if (!rw->csdp) continue;
        const double d = sc->d ? sc->d[r] : 1.0;
        a[rw->csdp] = rw->rhs / (d * sc->s);
        if ((rc = build_constraint(c, rw, rw->csdp, d, &con[rw->csdp]))) goto cleanup;
    }

    /* ---- CSDP section: one at a time in the process ---- */
    pthread_mutex_lock(&g_csdp_lock);
    double t0 = nisac_wtime();
    g_csdp_calls++;
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
            for (struct sparseblock *p = fill.blocks; p;) {
                struct sparseblock *nx = p->next;
                free(p->entries);
                free(p->iindices);
                free(p->jindices);
                free(p);
                p = nx;
            }
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

    /* Copy the solution out (symmetrised) and measure primal infeasibility. */
    c->xblk = calloc((size_t)(c->nblk > 0 ? c->nblk : 1), sizeof(double *));
    c->xscal = calloc((size_t)(c->nscal > 0 ? c->nscal : 1), sizeof(double));
    c->ydual = calloc((size_t)(c->nrow > 0 ? c->nrow : 1), sizeof(double));
    if (!c->xblk || !c->xscal || !c->ydual) {
        rc = NISAC_FAIL(NISAC_ENOMEM, "conic: out of memory");
        goto cleanup;
    }
    for (int b = 0; b < c->nblk; b++) {
        int sz = c->blk[b].rsize;
        c->xblk[b] = malloc(sizeof(double) * (size_t)sz * (size_t)sz);
        if (!c->xblk[b]) {
            rc = NISAC_FAIL(NISAC_ENOMEM, "conic: out of memory");
            goto cleanup;
        }
        const double *src = X.blocks[b + 1].data.mat;
        for (int j = 0; j < sz; j++)
            for (int i = 0; i < sz; i++)
                c->xblk[b][i + (size_t)j * sz] =
                    0.5 * (src[i + (size_t)j * sz] + src[j + (size_t)i * sz]) * sc->s;
    }
    for (int s = 0; s < c->nscal; s++) c->xscal[s] = X.blocks[nb].data.vec[s + 1] * sc->s;
    for (int r = 0; r < c->nrow; r++)
        c->ydual[r] = c->row[r].csdp ? -y[c->row[r].csdp] * (sc->g / (sc->s * (sc->d ? sc->d[r] : 1.0))) : 0.0;
    c->solved = 1;
    {
        double num = 0, den = 0;
        for (int r = 0; r < c->nrow; r++) {
            const row_t *rw = &c->row[r];
            double v = 0;
            for (int i = 0; i < rw->terms.n; i++) {
                const term_t *t = &rw->terms.t[i];
                v += t->v * (t->blk < 0 ? c->xscal[t->p]
                                        : c->xblk[t->blk][t->p + (size_t)t->q * c->blk[t->blk].rsize]);
            }
            num += (v - rw->rhs) * (v - rw->rhs);
            den += rw->rhs * rw->rhs;
        }
        res->pinf = sqrt(num) / (1.0 + sqrt(den));
    }

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
static int unit_scaling(const nisac_conic *c, scale_t *sc, double **d_out)
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

int nisac_conic_solve(nisac_conic *c, const nisac_conic_opts *o, nisac_conic_result *res)
{
    nisac_conic_opts def;
    if (!o) {
        nisac_conic_opts_default(&def);
        o = &def;
    }
    const scale_t unit = {1.0, 1.0, NULL};
    int rc = solve_scaled(c, o, &unit, res);
    if (rc || !o->verify || (res->status != NISAC_STATUS_INFEASIBLE && res->status != NISAC_STATUS_NUMERICAL))
        return rc;
    /* An infeasibility claim or a numerical failure is checked on the
     * problem brought to unit magnitudes before it is reported: CSDP's
     * verdicts depend on the data's scale (a power minimisation whose
     * answer is 1e9 W can be called infeasible).  Well-conditioned
     * problems never reach this point, so their results are untouched. */
    nisac_conic_result first = *res;
    scale_t sc;
    double *d = NULL;
    if ((rc = unit_scaling(c, &sc, &d))) return rc;
    rc = solve_scaled(c, o, &sc, res);
    free(d);
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

int nisac_conic_hvalue(const nisac_conic *c, int b, double complex *W, int ldw)
{
    int rc = check_blk(c, b, BLK_HERM);
    if (rc) return rc;
    if (!c->solved) return NISAC_FAIL(NISAC_EINVAL, "conic: no solution available");
    int n = c->blk[b].n, sz = 2 * n;
    const double *x = c->xblk[b];
#define XV(i, j) x[(i) + (size_t)(j) * sz]
    for (int j = 0; j < n; j++)
        for (int i = 0; i < n; i++)
            W[i + (size_t)j * ldw] = 0.5 * (XV(i, j) + XV(n + i, n + j)) +
                                     I * 0.5 * (XV(n + i, j) - XV(n + j, i));
#undef XV
    return NISAC_OK;
}

int nisac_conic_svalue(const nisac_conic *c, int b, double *X, int ldx)
{
    int rc = check_blk(c, b, BLK_SYM);
    if (rc) return rc;
    if (!c->solved) return NISAC_FAIL(NISAC_EINVAL, "conic: no solution available");
    int n = c->blk[b].n;
    for (int j = 0; j < n; j++)
        for (int i = 0; i < n; i++) X[i + (size_t)j * ldx] = c->xblk[b][i + (size_t)j * n];
    return NISAC_OK;
}

double nisac_conic_scalar_value(const nisac_conic *c, int s)
{
    if (!c->solved || s < 0 || s >= c->nscal) return NAN;
    return c->xscal[s];
}

double nisac_conic_row_dual(const nisac_conic *c, int row)
{
    if (!c->solved || row < 0 || row >= c->nrow) return NAN;
    return c->ydual[row];
}
