/* The conic problem builder and the backend dispatch; see include/nisac/conic.h. */
#include "conic_internal.h"
#include "nisac/defaults.h"

#include <math.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

static atomic_long g_calls;

long nisac_conic_calls(void) { return atomic_load(&g_calls); }
void conic_count_call(void) { atomic_fetch_add(&g_calls, 1); }

void nisac_conic_opts_default(nisac_conic_opts *o)
{
    o->solver = NISAC_SOLVER_NATIVE;
    o->tol = NISAC_DEF_SDP_TOL;
    o->maxiter = NISAC_DEF_SDP_MAXITER;
    o->verify = 1;
    o->warm = NULL;
}

int nisac_solver_from_name(const char *name, nisac_solver *s)
{
    if (name && !strcmp(name, "native")) *s = NISAC_SOLVER_NATIVE;
    else if (name && !strcmp(name, "csdp")) *s = NISAC_SOLVER_CSDP;
    else return NISAC_FAIL(NISAC_EINVAL, "unknown solver '%s' (native, csdp)", name ? name : "(null)");
    return NISAC_OK;
}

const char *nisac_solver_name(nisac_solver s) { return s == NISAC_SOLVER_CSDP ? "csdp" : "native"; }

nisac_conic *nisac_conic_new(void) { return calloc(1, sizeof(nisac_conic)); }

static void free_solution(nisac_conic *c)
{
    if (c->xh)
        for (int b = 0; b < c->nblk; b++) free(c->xh[b]);
    free(c->xh);
    free(c->xscal);
    free(c->ydual);
    c->xh = NULL;
    c->xscal = NULL;
    c->ydual = NULL;
    c->solved = 0;
}

int conic_alloc_solution(nisac_conic *c)
{
    free_solution(c);
    c->xh = calloc((size_t)(c->nblk > 0 ? c->nblk : 1), sizeof(double complex *));
    c->xscal = calloc((size_t)(c->nscal > 0 ? c->nscal : 1), sizeof(double));
    c->ydual = calloc((size_t)(c->nrow > 0 ? c->nrow : 1), sizeof(double));
    if (!c->xh || !c->xscal || !c->ydual) goto oom;
    for (int b = 0; b < c->nblk; b++) {
        size_t n = (size_t)c->blk[b].n;
        c->xh[b] = calloc(c->blk[b].kind == BLK_SOC ? n : n * n, sizeof(double complex));
        if (!c->xh[b]) goto oom;
    }
    return NISAC_OK;
oom:
    free_solution(c);
    return NISAC_FAIL(NISAC_ENOMEM, "conic: out of memory");
}

void nisac_conic_free(nisac_conic *c)
{
    if (!c) return;
    free_solution(c);
    for (int r = 0; r < c->nrow; r++) free(c->row[r].terms.t);
    free(c->row);
    free(c->obj.t);
    free(c->blk);
    for (int k = 0; k < c->nac; k++) free(c->ac[k].row);
    free(c->ac);
    free(c->isfree);
    free(c->vpool);
    free(c->voff);
    free(c->vlen);
    free(c->vblk);
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
    free_solution(c);
    c->blk[c->nblk] = (blk_t){kind, n};
    return c->nblk++;
}

int nisac_conic_add_hblock(nisac_conic *c, int n) { return add_block(c, BLK_HERM, n); }
int nisac_conic_add_sblock(nisac_conic *c, int n) { return add_block(c, BLK_SYM, n); }

int nisac_conic_add_soc(nisac_conic *c, int d)
{
    if (d < 1) return NISAC_FAIL(NISAC_EINVAL, "conic: cone dimension %d", d);
    return add_block(c, BLK_SOC, d + 1);
}

static int add_scalar(nisac_conic *c, int isfree)
{
    if (grow((void **)&c->isfree, &c->capscal, c->nscal + 1, 1))
        return NISAC_FAIL(NISAC_ENOMEM, "conic: out of memory");
    free_solution(c);
    c->isfree[c->nscal] = (unsigned char)isfree;
    return c->nscal++;
}

int nisac_conic_add_nonneg(nisac_conic *c) { return add_scalar(c, 0); }
int nisac_conic_add_free(nisac_conic *c) { return add_scalar(c, 1); }

static terms_t *row_terms(nisac_conic *c, int row)
{
    if (row == NISAC_CONIC_OBJ) return &c->obj;
    if (row < 0 || row >= c->nrow) return NULL;
    return &c->row[row].terms;
}

static int push(nisac_conic *c, int row, int blk, int kind, int p, int q, double complex v)
{
    terms_t *t = row_terms(c, row);
    if (!t) return NISAC_FAIL(NISAC_EINVAL, "conic: no row %d", row);
    if (!isfinite(creal(v)) || !isfinite(cimag(v)))
        return NISAC_FAIL(NISAC_EINVAL, "conic: coefficient not finite (row %d)", row);
    if (v == 0.0) return NISAC_OK;
    if (grow((void **)&t->t, &t->cap, t->n + 1, sizeof(term_t)))
        return NISAC_FAIL(NISAC_ENOMEM, "conic: out of memory");
    t->t[t->n++] = (term_t){blk, kind, p, q, v};
    free_solution(c);
    return NISAC_OK;
}

int nisac_conic_rows(const nisac_conic *c) { return c ? c->nrow : 0; }

int nisac_conic_set_rhs(nisac_conic *c, int row, double rhs)
{
    if (!c || row < 0 || row >= c->nrow || c->row[row].cone >= 0)
        return NISAC_FAIL(NISAC_EINVAL, "conic: no constraint row %d", row);
    if (!isfinite(rhs)) return NISAC_FAIL(NISAC_EINVAL, "conic: row right-hand side not finite");
    c->row[row].rhs = rhs;
    free_solution(c);
    return NISAC_OK;
}

int nisac_conic_clear_row(nisac_conic *c, int row)
{
    terms_t *t = c ? row_terms(c, row) : NULL;
    if (!t) return NISAC_FAIL(NISAC_EINVAL, "conic: no row %d", row);
    int keep = 0; /* an inequality keeps its slack */
    for (int i = 0; i < t->n; i++)
        if (row >= 0 && t->t[i].blk < 0 && t->t[i].p == c->row[row].slack) t->t[keep++] = t->t[i];
    t->n = keep;
    free_solution(c);
    return NISAC_OK;
}

static int add_acone(nisac_conic *c, blk_kind kind, int n)
{
    if (n < 1 || n > 100000) return NISAC_FAIL(NISAC_EINVAL, "conic: cone order %d", n);
    if (grow((void **)&c->ac, &c->capac, c->nac + 1, sizeof(acone_t)))
        return NISAC_FAIL(NISAC_ENOMEM, "conic: out of memory");
    const int cnt = kind == BLK_HERM ? n * n : n;
    int *row = malloc(sizeof(int) * (size_t)cnt);
    if (!row) return NISAC_FAIL(NISAC_ENOMEM, "conic: out of memory");
    const int k = c->nac;
    c->ac[k] = (acone_t){kind, n, row};
    c->nac++;
    for (int q = 0; q < cnt; q++) row[q] = -1;
    for (int j = 0; j < n; j++)
        for (int i = 0; i <= (kind == BLK_HERM ? j : 0); i++)
            for (int part = 0; part < (kind == BLK_HERM && i < j ? 2 : 1); part++) {
                int r = nisac_conic_add_row(c, NISAC_ROW_EQ, 0.0);
                if (r < 0) return r;
                row_t *rw = &c->row[r];
                rw->cone = k;
                rw->ci = kind == BLK_HERM ? i : j;
                rw->cj = j;
                rw->cpart = part;
                row[kind == BLK_HERM ? (part ? j + i * n : i + j * n) : j] = r;
            }
    return k;
}

int nisac_conic_add_lmi(nisac_conic *c, int n) { return add_acone(c, BLK_HERM, n); }

int nisac_conic_add_soc_affine(nisac_conic *c, int d)
{
    if (d < 1) return NISAC_FAIL(NISAC_EINVAL, "conic: cone dimension %d", d);
    return add_acone(c, BLK_SOC, d + 1);
}

int nisac_conic_lmi_row(const nisac_conic *c, int k, int i, int j, int imag)
{
    if (!c || k < 0 || k >= c->nac || c->ac[k].kind != BLK_HERM)
        return NISAC_FAIL(NISAC_EINVAL, "conic: no LMI %d", k);
    const int n = c->ac[k].n;
    if (i < 0 || j < 0 || i >= n || j >= n || i > j || (imag && i == j))
        return NISAC_FAIL(NISAC_EINVAL, "conic: LMI entry (%d,%d)%s: need i <= j (i < j for the imaginary part)", i, j,
                          imag ? " imaginary" : "");
    return c->ac[k].row[imag ? j + i * n : i + j * n];
}

int nisac_conic_soc_row(const nisac_conic *c, int k, int i)
{
    if (!c || k < 0 || k >= c->nac || c->ac[k].kind != BLK_SOC)
        return NISAC_FAIL(NISAC_EINVAL, "conic: no affine cone %d", k);
    if (i < 0 || i >= c->ac[k].n)
        return NISAC_FAIL(NISAC_EINVAL, "conic: component %d outside cone of dimension %d", i, c->ac[k].n);
    return c->ac[k].row[i];
}

int nisac_conic_row_const(nisac_conic *c, int row, double v)
{
    if (!c || row < 0 || row >= c->nrow || c->row[row].cone < 0)
        return NISAC_FAIL(NISAC_EINVAL, "conic: row %d is not a component of an affine cone", row);
    if (!isfinite(v)) return NISAC_FAIL(NISAC_EINVAL, "conic: constant not finite");
    c->row[row].rhs -= v;
    free_solution(c);
    return NISAC_OK;
}

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
    r->cone = -1;
    int idx = c->nrow++;
    free_solution(c);
    if (sense != NISAC_ROW_EQ) {
        int s = add_scalar(c, 0);
        if (s < 0) return s;
        c->row[idx].slack = s;
        int rc = push(c, idx, -1, TERM_ENTRY, s, s, sense == NISAC_ROW_GE ? -1.0 : 1.0);
        if (rc) return rc;
    }
    return idx;
}

static int check_blk(const nisac_conic *c, int b, blk_kind kind)
{
    if (b < 0 || b >= c->nblk || c->blk[b].kind != kind)
        return NISAC_FAIL(NISAC_EINVAL, "conic: block %d is not a %s", b,
                          kind == BLK_HERM ? "Hermitian block" : kind == BLK_SYM ? "real block" : "cone");
    return NISAC_OK;
}

int nisac_conic_hentry(nisac_conic *c, int row, int b, int i, int j, double complex coef)
{
    int rc = check_blk(c, b, BLK_HERM);
    if (rc) return rc;
    int n = c->blk[b].n;
    if (i < 0 || j < 0 || i >= n || j >= n)
        return NISAC_FAIL(NISAC_EINVAL, "conic: entry (%d,%d) outside block of order %d", i, j, n);
    return push(c, row, b, TERM_ENTRY, i, j, coef);
}

/* Index of vector x (length n, block b) in the pool; identical vectors of
 * the same block share one entry (the latest few are compared). */
static int pool_vec(nisac_conic *c, int b, const double complex *x, int n)
{
    for (int i = c->nvec - 1; i >= 0 && i >= c->nvec - 32; i--)
        if (c->vblk[i] == b && c->vlen[i] == n && !memcmp(c->vpool + c->voff[i], x, sizeof(double complex) * (size_t)n))
            return i;
    if (c->nvec == c->capvec) { /* three parallel arrays, one capacity */
        int cap = c->capvec, cv = cap, cl = cap;
        if (grow((void **)&c->voff, &cv, c->nvec + 1, sizeof(size_t)) ||
            grow((void **)&c->vlen, &cl, c->nvec + 1, sizeof(int)) || grow((void **)&c->vblk, &cap, c->nvec + 1, sizeof(int)))
            return NISAC_FAIL(NISAC_ENOMEM, "conic: out of memory");
        c->capvec = cap;
    }
    if (c->vused + (size_t)n > c->vcap) {
        size_t nc = c->vcap ? c->vcap * 2 : 256;
        while (nc < c->vused + (size_t)n) nc *= 2;
        double complex *q = realloc(c->vpool, nc * sizeof(double complex));
        if (!q) return NISAC_FAIL(NISAC_ENOMEM, "conic: out of memory");
        c->vpool = q;
        c->vcap = nc;
    }
    for (int i = 0; i < n; i++)
        if (!isfinite(creal(x[i])) || !isfinite(cimag(x[i])))
            return NISAC_FAIL(NISAC_EINVAL, "conic: vector entry not finite");
    memcpy(c->vpool + c->vused, x, sizeof(double complex) * (size_t)n);
    c->voff[c->nvec] = c->vused;
    c->vlen[c->nvec] = n;
    c->vblk[c->nvec] = b;
    c->vused += (size_t)n;
    return c->nvec++;
}

int nisac_conic_hquad(nisac_conic *c, int row, int b, const double complex *u,
                      const double complex *v, double complex coef)
{
    int rc = check_blk(c, b, BLK_HERM);
    if (rc) return rc;
    if (!row_terms(c, row)) return NISAC_FAIL(NISAC_EINVAL, "conic: no row %d", row);
    if (coef == 0.0) return NISAC_OK;
    int n = c->blk[b].n, iu, iv;
    if ((iu = pool_vec(c, b, u, n)) < 0) return iu;
    if ((iv = pool_vec(c, b, v, n)) < 0) return iv;
    return push(c, row, b, TERM_QUAD, iu, iv, coef);
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
    if (b >= 0 && b < c->nblk && c->blk[b].kind == BLK_SOC) {
        /* arrow reading: X[0][0] = x_0, X[0][i] = X[i][0] = x_i */
        if (i != 0 && j != 0)
            return NISAC_FAIL(NISAC_EINVAL, "conic: entry (%d,%d) of a cone is not in its first row", i, j);
        return nisac_conic_socentry(c, row, b, i + j, coef);
    }
    int rc = check_blk(c, b, BLK_SYM);
    if (rc) return rc;
    int n = c->blk[b].n;
    if (i < 0 || j < 0 || i >= n || j >= n)
        return NISAC_FAIL(NISAC_EINVAL, "conic: entry (%d,%d) outside block of order %d", i, j, n);
    return push(c, row, b, TERM_ENTRY, i, j, coef);
}

int nisac_conic_socentry(nisac_conic *c, int row, int b, int i, double coef)
{
    int rc = check_blk(c, b, BLK_SOC);
    if (rc) return rc;
    if (i < 0 || i >= c->blk[b].n)
        return NISAC_FAIL(NISAC_EINVAL, "conic: component %d outside cone of dimension %d", i, c->blk[b].n);
    return push(c, row, b, TERM_ENTRY, i, i, coef);
}

int nisac_conic_scalar(nisac_conic *c, int row, int s, double coef)
{
    if (s < 0 || s >= c->nscal) return NISAC_FAIL(NISAC_EINVAL, "conic: no scalar %d", s);
    return push(c, row, -1, TERM_ENTRY, s, s, coef);
}

int nisac_conic_obj_const(nisac_conic *c, double v)
{
    if (!isfinite(v)) return NISAC_FAIL(NISAC_EINVAL, "conic: objective constant not finite");
    c->obj_const += v;
    return NISAC_OK;
}

double conic_pinf(const nisac_conic *c)
{
    double num = 0, den = 0;
    for (int r = 0; r < c->nrow; r++) {
        const row_t *rw = &c->row[r];
        if (rw->cone >= 0) continue; /* a component of an affine cone, not an equation */
        double v = 0;
        for (int i = 0; i < rw->terms.n; i++) {
            const term_t *t = &rw->terms.t[i];
            if (t->blk < 0) {
                v += creal(t->v) * c->xscal[t->p];
                continue;
            }
            const blk_t *b = &c->blk[t->blk];
            const double complex *X = c->xh[t->blk];
            if (b->kind == BLK_SOC) v += creal(t->v) * creal(X[t->p]);
            else if (t->kind == TERM_ENTRY) v += creal(t->v * X[t->p + (size_t)t->q * b->n]);
            else {
                const double complex *x = c->vpool + c->voff[t->p], *y = c->vpool + c->voff[t->q];
                double complex s = 0;
                for (int j = 0; j < b->n; j++) {
                    double complex Xx = 0;
                    for (int k = 0; k < b->n; k++) Xx += X[j + (size_t)k * b->n] * x[k];
                    s += conj(y[j]) * Xx;
                }
                v += creal(t->v * s);
            }
        }
        num += (v - rw->rhs) * (v - rw->rhs);
        den += rw->rhs * rw->rhs;
    }
    return sqrt(num) / (1.0 + sqrt(den));
}

int nisac_conic_solve(nisac_conic *c, const nisac_conic_opts *o, nisac_conic_result *res)
{
    nisac_conic_opts def;
    if (!o) {
        nisac_conic_opts_default(&def);
        o = &def;
    }
    memset(res, 0, sizeof *res);
    res->status = NISAC_STATUS_NOT_RUN;
    res->csdp_code = -1;
    res->solver = o->solver;
    free_solution(c);
    if (!(o->tol > 0) || o->maxiter < 1) return NISAC_FAIL(NISAC_EINVAL, "conic: bad options");
    if (c->nblk == 0 && c->nscal == 0) return NISAC_FAIL(NISAC_EINVAL, "conic: no variables");
    const conic_backend *be = o->solver == NISAC_SOLVER_CSDP ? &conic_backend_csdp : &conic_backend_native;
    if (!be->supports(c)) return NISAC_FAIL(NISAC_EINVAL, "conic: the %s backend does not support this problem", be->name);
    int rc = be->solve(c, o, res);
    res->solver = o->solver;
    return rc;
}

int nisac_conic_hvalue(const nisac_conic *c, int b, double complex *W, int ldw)
{
    int rc = check_blk(c, b, BLK_HERM);
    if (rc) return rc;
    if (!c->solved) return NISAC_FAIL(NISAC_EINVAL, "conic: no solution available");
    int n = c->blk[b].n;
    for (int j = 0; j < n; j++)
        for (int i = 0; i < n; i++) W[i + (size_t)j * ldw] = c->xh[b][i + (size_t)j * n];
    return NISAC_OK;
}

int nisac_conic_svalue(const nisac_conic *c, int b, double *X, int ldx)
{
    int rc = check_blk(c, b, BLK_SYM);
    if (rc) return rc;
    if (!c->solved) return NISAC_FAIL(NISAC_EINVAL, "conic: no solution available");
    int n = c->blk[b].n;
    for (int j = 0; j < n; j++)
        for (int i = 0; i < n; i++) X[i + (size_t)j * ldx] = creal(c->xh[b][i + (size_t)j * n]);
    return NISAC_OK;
}

double nisac_conic_scalar_value(const nisac_conic *c, int s)
{
    if (!c->solved || s < 0 || s >= c->nscal) return NAN;
    return c->xscal[s];
}

double nisac_conic_soc_value(const nisac_conic *c, int b, int i)
{
    if (!c->solved || b < 0 || b >= c->nblk || c->blk[b].kind != BLK_SOC || i < 0 || i >= c->blk[b].n) return NAN;
    return creal(c->xh[b][i]);
}

double nisac_conic_row_dual(const nisac_conic *c, int row)
{
    if (!c->solved || row < 0 || row >= c->nrow) return NAN;
    return c->ydual[row];
}
