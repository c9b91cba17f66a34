/* NOMA-ISAC SDR machinery: problem (13) and (22) on the conic builder,
 * rank-one extraction and Gaussian randomisation. */
#include "noma_sdr_internal.h"
#include "nisac/linalg.h"
#include "nisac/rng.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const nisac__solver_names[2] = {"native", "csdp"};

void noma_opts_from(const nisac_params *o, uint64_t seed, noma_opts *out)
{
    memset(out, 0, sizeof *out);
    out->mu = NISAC_DEF_MU;
    out->method = NISAC_MAXMIN_PRINTED;
    out->nrand = NISAC_DEF_NRAND;
    out->rank_tol = NISAC_DEF_RANK_TOL;
    out->feas_tol = NISAC_DEF_FEAS_TOL;
    out->oma_basis = NISAC_OMA_RATE;
    out->problem = NISAC_PROBLEM_POWERMIN;
    out->refine = 1;
    out->refine_maxiter = NISAC_DEF_REFINE_MAXITER;
    nisac_conic_opts_default(&out->sdp);
    out->seed = seed;
    if (!o) return;
    double x;
    if (!isnan(x = nisac_params_get(o, "mu"))) out->mu = x;
    if (!isnan(x = nisac_params_get(o, "method"))) out->method = (nisac_maxmin_method)(int)x;
    if (!isnan(x = nisac_params_get(o, "nrand"))) out->nrand = (int)x;
    if (!isnan(x = nisac_params_get(o, "rank_tol"))) out->rank_tol = x;
    if (!isnan(x = nisac_params_get(o, "feas_tol"))) out->feas_tol = x;
    if (!isnan(x = nisac_params_get(o, "oma_basis"))) out->oma_basis = (nisac_oma_basis)(int)x;
    if (!isnan(x = nisac_params_get(o, "problem"))) out->problem = (nisac_problem)(int)x;
    if (!isnan(x = nisac_params_get(o, "sdp_tol"))) out->sdp.tol = x;
    if (!isnan(x = nisac_params_get(o, "sdp_maxiter"))) out->sdp.maxiter = (int)x;
    if (!isnan(x = nisac_params_get(o, "solver"))) out->sdp.solver = (nisac_solver)(int)x;
    if (!isnan(x = nisac_params_get(o, "refine"))) out->refine = x != 0;
    if (!isnan(x = nisac_params_get(o, "refine_maxiter"))) out->refine_maxiter = (int)x;
}

noma_out *noma_out_new(int N, int K)
{
    if (N < 1 || K < 1) return NULL;
    noma_out *o = calloc(1, sizeof *o);
    if (!o) return NULL;
    o->N = N;
    o->K = K;
    o->W = nisac_calloc((size_t)N * K, sizeof(double complex));
    o->rank_ratio = nisac_calloc((size_t)K, sizeof(double));
    if (!o->W || !o->rank_ratio) {
        noma_out_free(o);
        return NULL;
    }
    o->status = NISAC_STATUS_NOT_RUN;
    return o;
}

void noma_out_free(noma_out *o)
{
    if (!o) return;
    nisac_conic_free(o->warm);
    free(o->W);
    free(o->rank_ratio);
    free(o);
}

/* CSDP keeps many dense copies of every block (X, Z, their steps, work
 * matrices, Cholesky factors, fill), the m x m Schur complement, and the
 * constraint matrices, whose quadratic forms fill a whole 2N x 2N block
 * per user they touch.  Fitted to peak RSS of sdr-powermin on this
 * project's 2-core machine (`/usr/bin/time -v nisac solve --algo
 * sdr-powermin --gamma-db 10 --N n --K k`): (128,3) 110 MB, (256,3) 411,
 * (512,3) 1610, (256,1) 119, (512,1) 444, (128,6) 335; the model below
 * gives 112, 400, 1552, 122, 440, 307. */
static double csdp_mb(const nisac_params *ps, int robust)
{
    nisac_noma_params p;
    nisac_noma_params_from(ps, &p);
    const double n = 2.0 * p.N, K = p.K, M = p.M, pairs = M * (M - 1) / 2;
    const double users_rows = p.decoders == NISAC_DECODERS_ALL ? K * (K + 1) / 2 : K;
    double blocks = K * n * n, m = users_rows + M + 2 * pairs + 1, nnz = (users_rows + M + 2 * pairs) * K * n * n / 2;
    if (p.xi > 0 && pairs > 0) {
        double d = 2 * pairs + 1;
        blocks += d * d;
        m += d * (d + 1) / 2 + 2 * pairs;
    }
    if (p.sic_power_order) m += K * (K - 1);
    if (robust) {
        const double L = users_rows, nb = 2.0 * (p.N + 1);
        blocks += L * nb * nb;
        m += L * (p.N + 1.0) * (p.N + 1.0);
        nnz += L * (p.N + 1.0) * (p.N + 1.0) * (K + 2);
    }
    return 16.0 + 8.0 * (42.0 * blocks + 4.4 * nnz + m * m) / (1024.0 * 1024.0);
}

/* The native backend keeps about 31 dense complex n x n matrices per PSD
 * block (iterate, direction, scaling, work, the best iterate) and the
 * m x m Schur complement twice (assembled and factored).  Fitted to peak
 * RSS of `nisac solve --algo sdr-powermin --gamma-db 10 --nrand 0 --N n
 * --K k` on this project's 2-core machine: (64,3) 16 MB, (128,3) 31,
 * (256,3) 93, (256,1) 39, (128,6) 52; the model gives 14, 32, 101, 40, 57. */
static double native_mb(const nisac_params *ps, int robust)
{
    nisac_noma_params p;
    nisac_noma_params_from(ps, &p);
    const double n = p.N, K = p.K, M = p.M, pairs = M * (M - 1) / 2;
    const double users_rows = p.decoders == NISAC_DECODERS_ALL ? K * (K + 1) / 2 : K;
    double blocks = K * n * n, m = users_rows + M + 2 * pairs + 1 + 2 * pairs + 1;
    if (p.sic_power_order) m += K * (K - 1);
    if (robust) { /* solved through the dual: one row per real parameter of the W_k */
        const double L = users_rows, nb = p.N + 1.0;
        blocks += L * nb * nb;
        m = K * n * n + L + m;
    }
    return 8.0 + (31.0 * 16.0 * blocks + 16.0 * m * m) / (1024.0 * 1024.0);
}

static int uses_csdp(const nisac_params *opts)
{
    double s = opts ? nisac_params_get(opts, "solver") : NAN;
    return !isnan(s) && (int)s == NISAC_SOLVER_CSDP;
}

double noma_memory_mb(const nisac_params *p, const nisac_params *opts)
{
    return uses_csdp(opts) ? csdp_mb(p, 0) : native_mb(p, 0);
}

double noma_robust_memory_mb(const nisac_params *p, const nisac_params *opts)
{
    return uses_csdp(opts) ? csdp_mb(p, 1) : native_mb(p, 1);
}

int noma_typed(const nisac_instance *inst, const nisac_noma_instance **out)
{
    *out = nisac_noma_instance_of(inst);
    if (!*out) return NISAC_FAIL(NISAC_EINVAL, "a noma-isac algorithm was given an instance of another system");
    return NISAC_OK;
}

int noma_finish(const noma_out *o, nisac_design_t *d, nisac_report *r)
{
    nisac_block *W = nisac_design_block(d, "W"), *sg = nisac_design_block(d, "slot_gamma");
    if (!W || !sg || W->rows != o->N || W->cols != o->K)
        return NISAC_FAIL(NISAC_EINVAL, "design: blocks do not match the instance");
    memcpy(W->z, o->W, sizeof(double complex) * (size_t)o->N * o->K);
    sg->x[0] = o->slot_gamma;
    d->imposed = o->imposed;
    d->scheme = o->oma ? NISAC_NOMA_SCHEME_OMA : NISAC_NOMA_SCHEME_NOMA;
    r->status = o->status;
    snprintf(r->note, sizeof r->note, "%s", o->note);
    r->solves = o->solves;
    r->iterations = o->iterations;
    r->bound = o->bound;
    r->gap = o->solves ? o->sdp_gap : NAN;
    r->pinf = o->solves ? o->sdp_pinf : NAN;
    r->objective_metric = o->objective_metric;
    int rc = NISAC_OK;
    if (o->t > 0) rc |= nisac_report_set1(r, "t", o->t);
    rc |= nisac_report_set1(r, "sdp_obj", o->sdp_obj);
    rc |= nisac_report_set(r, "rank_ratio", o->rank_ratio, o->K);
    rc |= nisac_report_set1(r, "max_rank_ratio", o->max_rank_ratio);
    rc |= nisac_report_set1(r, "randomized", o->randomized);
    rc |= nisac_report_set1(r, "polished", o->polished);
    rc |= nisac_report_set1(r, "rand_feasible", o->rand_feasible);
    rc |= nisac_report_set1(r, "refined", o->refined);
    rc |= nisac_report_set1(r, "refine_iterations", o->refine_iters);
    rc |= nisac_report_set1(r, "refine_rise", o->refine_rise);
    if (isfinite(o->bound)) rc |= nisac_report_set1(r, "gap_tol", o->gap_tol);
    if (o->oma) rc |= nisac_report_set1(r, "slot_gamma", o->slot_gamma);
    return rc ? NISAC_FAIL(NISAC_ENOMEM, "report: out of memory") : NISAC_OK;
}

int noma_design_with(const nisac_instance *gi, const nisac_params *op, uint64_t seed, nisac_design_t *d,
                     nisac_report *r, noma_run_fn run, const void *ctx)
{
    const nisac_noma_instance *inst;
    int rc = noma_typed(gi, &inst);
    if (rc) return rc;
    noma_opts o;
    noma_opts_from(op, seed, &o);
    noma_out *out = noma_out_new(inst->p.N, inst->p.K);
    if (!out) return NISAC_FAIL(NISAC_ENOMEM, "out of memory");
    out->bound = NAN;
    out->objective_metric = "objective";
    rc = run(inst, &o, ctx, out);
    if (!rc) rc = noma_finish(out, d, r);
    noma_out_free(out);
    return rc;
}

int noma_prob_init(noma_prob *P, const nisac_noma_instance *inst, int scalar_mode,
                   const double complex *dir, int only_user)
{
    memset(P, 0, sizeof *P);
    P->c = nisac_conic_new();
    if (!P->c) return NISAC_FAIL(NISAC_ENOMEM, "out of memory");
    P->N = inst->p.N;
    P->K = inst->p.K;
    P->scalar_mode = scalar_mode;
    P->dir = dir;
    P->var = malloc(sizeof(int) * (size_t)P->K);
    if (!P->var) return NISAC_FAIL(NISAC_ENOMEM, "out of memory");
    for (int k = 0; k < P->K; k++) {
        P->var[k] = -1;
        if (only_user >= 0 && k != only_user) continue;
        P->var[k] = scalar_mode ? nisac_conic_add_nonneg(P->c) : nisac_conic_add_hblock(P->c, P->N);
        if (P->var[k] < 0) return P->var[k];
    }
    return NISAC_OK;
}

int noma_term_quad(noma_prob *P, int row, int k, const double complex *u, const double complex *v,
                   double complex coef)
{
    if (P->var[k] < 0) return NISAC_OK; /* user not in this problem */
    if (!P->scalar_mode) return nisac_conic_hquad(P->c, row, P->var[k], u, v, coef);
    const double complex *d = P->dir + (size_t)k * P->N;
    /* v^H (p d d^H) u = p (v^H d)(d^H u) */
    double complex g = coef * nisac_cdot(P->N, v, d) * nisac_cdot(P->N, d, u);
    return nisac_conic_scalar(P->c, row, P->var[k], creal(g));
}

int noma_term_entry(noma_prob *P, int row, int k, int a, int b, double complex coef)
{
    if (P->var[k] < 0) return NISAC_OK;
    if (!P->scalar_mode) return nisac_conic_hentry(P->c, row, P->var[k], a, b, coef);
    const double complex *d = P->dir + (size_t)k * P->N;
    return nisac_conic_scalar(P->c, row, P->var[k], creal(coef * d[a] * conj(d[b])));
}

/* Adds Re(coef * Tr(W_k)) = coef * sum_a W_k[a][a]. */
static int term_trace(noma_prob *P, int row, int k, double coef)
{
    if (P->var[k] < 0) return NISAC_OK;
    if (P->scalar_mode)
        return nisac_conic_scalar(P->c, row, P->var[k],
                                  coef * nisac_cnorm2(P->N, P->dir + (size_t)k * P->N));
    for (int a = 0; a < P->N; a++) {
        int rc = nisac_conic_hentry(P->c, row, P->var[k], a, a, coef);
        if (rc) return rc;
    }
    return NISAC_OK;
}

#define TRY(x)                          \
    do {                                \
        int rc_ = (x);                  \
        if (rc_ < 0) return rc_;        \
    } while (0)

int noma_build(noma_prob *P, const nisac_noma_instance *inst, const noma_spec *s)
{
    const nisac_noma_params *p = &inst->p;
    const int N = p->N, K = p->K, M = p->M;
    const double complex *H = inst->H, *A = inst->A;
#define HCOL(l) (H + (size_t)(l) * N)
#define ACOL(m) (A + (size_t)(m) * N)
    /* objective */
    if (s->objective_user >= 0) {
        int u = s->objective_user;
        TRY(noma_term_quad(P, NISAC_CONIC_OBJ, u, HCOL(u), HCOL(u), -1.0));
    } else {
        for (int k = 0; k < K; k++) {
            TRY(term_trace(P, NISAC_CONIC_OBJ, k, s->wc));
            for (int m = 0; m < M; m++)
                TRY(noma_term_quad(P, NISAC_CONIC_OBJ, k, ACOL(m), ACOL(m), s->ws));
        }
    }
    /* (12b): Tr(H_l W_k) - gamma_k sum_{i>k} Tr(H_l W_i) >= gamma_k sigma^2 */
    if (s->gamma) {
        P->sinr_first = nisac_conic_rows(P->c);
        P->sinr_only = s->only_user;
        for (int k = 0; k < K; k++) {
            if (P->var[k] < 0) continue;
            int lmax = p->decoders == NISAC_DECODERS_ALL ? K - 1 : k;
            if (s->only_user >= 0) lmax = k; /* one OMA slot: the user alone */
            for (int l = k; l <= lmax; l++) {
                int r;
                const double g = s->gamma[k] * (1 + P->margin);
                TRY(r = nisac_conic_add_row(P->c, NISAC_ROW_GE, g * p->sigma2));
                P->sinr_count++;
                TRY(noma_term_quad(P, r, k, HCOL(l), HCOL(l), 1.0));
                for (int i = k + 1; i < K; i++) TRY(noma_term_quad(P, r, i, HCOL(l), HCOL(l), -g));
            }
        }
    }
    /* (12e): sum_k Tr(A_m W_k) >= Ps */
    for (int m = 0; m < M && p->Ps > 0; m++) {
        int r;
        TRY(r = nisac_conic_add_row(P->c, NISAC_ROW_GE, p->Ps * (1 + P->margin)));
        for (int k = 0; k < K; k++) TRY(noma_term_quad(P, r, k, ACOL(m), ACOL(m), 1.0));
    }
    /* (12f): -Pdiff <= sum_k Tr((A_p - A_m) W_k) <= Pdiff */
    for (int a = 0; a < M; a++)
        for (int b = a + 1; b < M; b++)
            for (int side = 0; side < 2; side++) {
                int r;
                const double pd = p->Pdiff * (1 - P->margin);
                TRY(r = nisac_conic_add_row(P->c, side ? NISAC_ROW_GE : NISAC_ROW_LE, side ? -pd : pd));
                for (int k = 0; k < K; k++) {
                    TRY(noma_term_quad(P, r, k, ACOL(a), ACOL(a), 1.0));
                    TRY(noma_term_quad(P, r, k, ACOL(b), ACOL(b), -1.0));
                }
            }
    /* (12g): Cbar <= xi  <=>  ||(Re c_pm, Im c_pm)_{p<m}|| <= sqrt(xi * npairs),
     * c_pm = alpha_p^H R alpha_m, a second-order cone. */
    int npairs = M * (M - 1) / 2;
    if (p->xi > 0 && npairs > 0) {
        int b;
        TRY(b = nisac_conic_add_soc(P->c, 2 * npairs));
        int r;
        TRY(r = nisac_conic_add_row(P->c, NISAC_ROW_EQ, sqrt(p->xi * npairs) * (1 - P->margin)));
        TRY(nisac_conic_sentry(P->c, r, b, 0, 0, 1.0));
        int j = 0;
        for (int a = 0; a < M; a++)
            for (int bb = a + 1; bb < M; bb++, j++) {
                /* X[0][2j+1] = Re c, X[0][2j+2] = Im c = Re(-i c) */
                TRY(r = nisac_conic_add_row(P->c, NISAC_ROW_EQ, 0.0));
                TRY(nisac_conic_sentry(P->c, r, b, 0, 2 * j + 1, 1.0));
                for (int k = 0; k < K; k++) TRY(noma_term_quad(P, r, k, ACOL(bb), ACOL(a), -1.0));
                TRY(r = nisac_conic_add_row(P->c, NISAC_ROW_EQ, 0.0));
                TRY(nisac_conic_sentry(P->c, r, b, 0, 2 * j + 2, 1.0));
                for (int k = 0; k < K; k++) TRY(noma_term_quad(P, r, k, ACOL(bb), ACOL(a), I));
            }
    }
    /* (3): |h_u^H w_i|^2 >= |h_u^H w_{i+1}|^2 at every user u */
    if (p->sic_power_order && s->only_user < 0)
        for (int u = 0; u < K; u++)
            for (int i = 0; i + 1 < K; i++) {
                int r;
                TRY(r = nisac_conic_add_row(P->c, NISAC_ROW_GE, 0.0));
                TRY(noma_term_quad(P, r, i, HCOL(u), HCOL(u), 1.0));
                TRY(noma_term_quad(P, r, i + 1, HCOL(u), HCOL(u), -1.0));
            }
    /* (8b): sum_k Tr(W_k) + sum_m sum_k Tr(A_m W_k) <= P_total */
    if (s->budget) {
        int r;
        TRY(r = nisac_conic_add_row(P->c, NISAC_ROW_LE, p->P_total * (1 - P->margin)));
        for (int k = 0; k < K; k++) {
            TRY(term_trace(P, r, k, 1.0));
            for (int m = 0; m < M; m++) TRY(noma_term_quad(P, r, k, ACOL(m), ACOL(m), 1.0));
        }
    }
#undef HCOL
#undef ACOL
    return NISAC_OK;
}

int noma_build_spec(noma_prob *P, const nisac_noma_instance *inst, const void *spec)
{
    return noma_build(P, inst, (const noma_spec *)spec);
}

/* The robust rows of (22): for every (k, l) the S-procedure LMI (21)
 *   S = [[Phi - sum_{i<k} W_i + lambda I, Phi h], [h^H Phi, h^H Phi h - sigma^2 - lambda eps^2]] >= 0,
 *   Phi = W_k / gamma_k - sum_{i>k} W_i,
 * as an affine cone (nisac_conic_add_lmi): each entry's real and
 * imaginary parts are expression rows of the W_i and lambda. */
int noma_add_robust(noma_prob *P, const nisac_noma_instance *inst, double eps)
{
    const nisac_noma_params *p = &inst->p;
    const int N = p->N, K = p->K;
    for (int k = 0; k < K; k++) {
        int lmax = p->decoders == NISAC_DECODERS_ALL ? K - 1 : k;
        const double gk = inst->gamma[k] * (1 + P->margin);
        if (!(gk > 0)) continue;
        for (int l = k; l <= lmax; l++) {
            const double complex *h = inst->H + (size_t)l * N;
            int S, lam;
            TRY(S = nisac_conic_add_lmi(P->c, N + 1));
            TRY(lam = nisac_conic_add_nonneg(P->c));
            /* top-left: sum_i c_i W_i + lambda I, c_k = 1/gk, c_i = -1 otherwise */
            for (int b = 0; b < N; b++)
                for (int a = 0; a <= b; a++)
                    for (int part = 0; part < (a == b ? 1 : 2); part++) {
                        const double complex w = part ? -I : 1.0; /* Re(w F) is Re F or Im F */
                        int r;
                        TRY(r = nisac_conic_lmi_row(P->c, S, a, b, part));
                        for (int i = 0; i < K; i++) TRY(noma_term_entry(P, r, i, a, b, w * (i == k ? 1.0 / gk : -1.0)));
                        if (a == b) TRY(nisac_conic_scalar(P->c, r, lam, 1.0));
                    }
            /* last column: (Phi h)_a = sum_b Phi_ab h_b */
            for (int a = 0; a < N; a++)
                for (int part = 0; part < 2; part++) {
                    const double complex w = part ? -I : 1.0;
                    int r;
                    TRY(r = nisac_conic_lmi_row(P->c, S, a, N, part));
                    for (int i = k; i < K; i++) {
                        const double ci = i == k ? 1.0 / gk : -1.0;
                        for (int b = 0; b < N; b++) TRY(noma_term_entry(P, r, i, a, b, w * ci * h[b]));
                    }
                }
            /* corner: h^H Phi h - sigma^2 - lambda eps^2 */
            int r;
            TRY(r = nisac_conic_lmi_row(P->c, S, N, N, 0));
            for (int i = k; i < K; i++) TRY(noma_term_quad(P, r, i, h, h, i == k ? 1.0 / gk : -1.0));
            TRY(nisac_conic_scalar(P->c, r, lam, -eps * eps));
            TRY(nisac_conic_row_const(P->c, r, -p->sigma2));
        }
    }
    return NISAC_OK;
}

int noma_rank_one(int N, int K, const double complex *Wfull, double complex *w, double *ratio)
{
    double *ev = malloc(sizeof(double) * (size_t)N);
    double complex *V = malloc(sizeof(double complex) * (size_t)N * N);
    if (!ev || !V) {
        free(ev);
        free(V);
        return NISAC_FAIL(NISAC_ENOMEM, "out of memory");
    }
    int rc = NISAC_OK;
    for (int k = 0; k < K && !rc; k++) {
        rc = nisac_heig(N, Wfull + (size_t)k * N * N, N, ev, V, N);
        if (rc) break;
        double l1 = ev[N - 1], l2 = N > 1 ? ev[N - 2] : 0.0;
        ratio[k] = l1 > 0 ? fmax(l2, 0.0) / l1 : 0.0;
        double s = sqrt(fmax(l1, 0.0));
        for (int n = 0; n < N; n++) w[n + (size_t)k * N] = s * V[n + (size_t)(N - 1) * N];
    }
    free(ev);
    free(V);
    return rc;
}

/* Builds the problem (relaxation when dir is NULL, powers on directions
 * dir otherwise) and solves it.  The caller frees P->c in every case. */
static int build_solve(const nisac_noma_instance *inst, const noma_opts *o, noma_build_fn build,
                       const void *ctx, int only_user, const double complex *dir, int verify, double margin,
                       noma_prob *P, nisac_conic_result *res, const nisac_conic *warm)
{
    int rc = noma_prob_init(P, inst, dir != NULL, dir, only_user);
    P->margin = margin;
    if (!rc) rc = build(P, inst, ctx);
    nisac_conic_opts so = o->sdp;
    so.verify = so.verify && verify;
    so.warm = warm;
    if (!rc) rc = nisac_conic_solve(P->c, &so, res);
    return rc;
}

/* The judge of a NOMA candidate: *feasible when every imposed family is
 * met within feas_tol. */
static int judge_candidate(const nisac_noma_instance *inst, const noma_opts *o, unsigned imposed,
                           const double complex *w, int *feasible)
{
    nisac_noma_eval e = NISAC_NOMA_EVAL_INIT;
    int rc = nisac_noma_evaluate(inst, w, inst->p.N, NULL, imposed, &e);
    *feasible = !rc && e.max_viol <= o->feas_tol;
    nisac_noma_eval_release(&e);
    return rc;
}

/* Power re-allocation on fixed directions: the same problem with
 * W_k = p_k d_k d_k^H.  On success writes w_k = sqrt(p_k) d_k. */
static int realloc_powers(const nisac_noma_instance *inst, const noma_opts *o, noma_build_fn build,
                          const void *ctx, int only_user, const double complex *dir, int verify, double margin,
                          double complex *w, int *solves, int *ok, double *value)
{
    noma_prob P;
    nisac_conic_result res;
    *ok = 0;
    int rc = build_solve(inst, o, build, ctx, only_user, dir, verify, margin, &P, &res, NULL);
    (*solves)++;
    if (!rc && (res.status == NISAC_STATUS_OPTIMAL || res.status == NISAC_STATUS_INACCURATE)) {
        const int N = inst->p.N;
        for (int k = 0; k < inst->p.K; k++) {
            double pk = P.var[k] >= 0 ? fmax(nisac_conic_scalar_value(P.c, P.var[k]), 0.0) : 0.0;
            for (int n = 0; n < N; n++) w[n + (size_t)k * N] = sqrt(pk) * dir[n + (size_t)k * N];
        }
        *ok = 1;
        *value = res.pobj;
    }
    nisac_conic_free(P.c);
    free(P.var);
    return rc;
}

/* Rank-one refinement (an extension beyond the paper; docs/models/noma_isac.md):
 * the convex-concave procedure on the rank penalty.  With f the
 * relaxation's objective, every step solves the relaxation with the
 * objective f(W) + rho sum_k (Tr W_k - v_k^H W_k v_k), v_k the principal
 * eigenvector of the current W_k: Tr W - lambda_max(W) is majorised by
 * the linear Tr W - v^H W v, so each step keeps every constraint of the
 * relaxation and does not increase F_rho(W) = f(W) + rho sum_k (Tr W_k -
 * lambda_max(W_k)) (majorisation-minimisation; the largest relative rise
 * is reported).  rho starts at a tenth of the objective's scale per unit
 * trace and doubles each step (a larger rho weighs rank more than f).
 * The steps' bounds are tightened by REFINE_MARGIN.
 * Stops when every W_k is rank one within rank_tol, when a step fails, or
 * after refine_maxiter steps; then the powers are re-optimised on the
 * principal directions like any candidate.  W (N x N x K, the
 * relaxation's solution) is overwritten.  *ok: w holds a design the
 * model finds feasible, of objective *val. */
/* The conic solver meets the rows to about 1e-7 of their terms, which at
 * high SINR targets leaves a SINR or (12g) short by 1e-6..1e-5 of its
 * bound: the refinement's steps tighten every bound by this relative
 * margin, so that their designs lie strictly inside the constraints. */
#define REFINE_MARGIN 1e-5

static int refine(const nisac_noma_instance *inst, const noma_opts *o, noma_build_fn build, const void *ctx,
                  int only_user, double complex *W, double bound, unsigned imposed, double complex *w, double *val,
                  int *ok, noma_out *out)
{
    const int N = inst->p.N, K = inst->p.K;
    *ok = 0;
    *val = INFINITY;
    double *ev = malloc(sizeof(double) * (size_t)N);
    double complex *V = malloc(sizeof(double complex) * (size_t)N * N);
    double complex *v = malloc(sizeof(double complex) * (size_t)N * K);
    if (!ev || !V || !v) {
        free(ev), free(V), free(v);
        return NISAC_FAIL(NISAC_ENOMEM, "out of memory");
    }
    nisac_conic *warm = NULL;
    double tr = 0;
    for (int k = 0; k < K; k++)
        for (int a = 0; a < N; a++) tr += creal(W[(size_t)k * N * N + a + (size_t)a * N]);
    const double scale = fabs(bound) > 0 && tr > 0 ? fabs(bound) / tr : 1.0;
    double rho = 0.1 * scale, rho_prev = 0, f = bound, F_prev = NAN;
    int rc = NISAC_OK, it = 0;
    out->refine_rise = 0;
    for (;; it++) {
        /* principal pairs of the current W, its penalty and rank ratio */
        double pen = 0, worst = 0;
        for (int k = 0; k < K && !rc; k++) {
            double complex *Wk = W + (size_t)k * N * N;
            double t = 0;
            for (int a = 0; a < N; a++) t += creal(Wk[a + (size_t)a * N]);
            memcpy(V, Wk, sizeof(double complex) * (size_t)N * N);
            if ((rc = nisac_heig(N, V, N, ev, V, N))) break;
            const double l1 = fmax(ev[N - 1], 0), l2 = N > 1 ? fmax(ev[N - 2], 0) : 0;
            memcpy(v + (size_t)k * N, V + (size_t)(N - 1) * N, sizeof(double complex) * (size_t)N);
            pen += fmax(t - l1, 0);
            if (l1 > 0) worst = fmax(worst, l2 / l1);
        }
        if (rc) break;
        if (it > 1) { /* the step's descent in F_rho at the rho it used (from the second step: the first
                         starts at the relaxation's W, outside the margin) */
            const double F = f + rho_prev * pen;
            out->refine_rise = fmax(out->refine_rise, (F - F_prev) / fmax(fabs(F_prev), 1e-300));
        }
        if (worst <= o->rank_tol || it >= o->refine_maxiter) break;
        F_prev = f + rho * pen;
        noma_prob P;
        nisac_conic_result res;
        rc = noma_prob_init(&P, inst, 0, NULL, only_user);
        P.margin = REFINE_MARGIN;
        if (!rc) rc = build(&P, inst, ctx);
        for (int k = 0; k < K && !rc; k++) {
            if (P.var[k] < 0) continue;
            rc = noma_term_quad(&P, NISAC_CONIC_OBJ, k, v + (size_t)k * N, v + (size_t)k * N, -rho);
            if (!rc) rc = term_trace(&P, NISAC_CONIC_OBJ, k, rho);
        }
        nisac_conic_opts so = o->sdp;
        so.verify = 0;
        so.warm = warm;
        if (!rc) rc = nisac_conic_solve(P.c, &so, &res);
        out->solves++;
        int good = !rc && (res.status == NISAC_STATUS_OPTIMAL || res.status == NISAC_STATUS_INACCURATE);
        double lin = 0;
        for (int k = 0; k < K && good && !rc; k++) {
            if (P.var[k] < 0) continue;
            double complex *Wk = W + (size_t)k * N * N;
            if ((rc = nisac_conic_hvalue(P.c, P.var[k], Wk, N))) break;
            double t = 0;
            for (int a = 0; a < N; a++) t += creal(Wk[a + (size_t)a * N]);
            lin += t - creal(nisac_cquad(N, v + (size_t)k * N, Wk, N, v + (size_t)k * N));
        }
        free(P.var);
        nisac_conic_free(warm);
        warm = P.c;
        if (rc || !good) break; /* a failed step: W is the last solved iterate, or the relaxation's */
        f = res.pobj - rho * lin;
        rho_prev = rho;
        rho = fmin(2 * rho, 1e4 * scale);
    }
    nisac_conic_free(warm);
    out->refine_iters = it;
    /* v holds the unit principal vectors of the W the steps ended at (a failed step leaves W as it was) */
    /* The powers on the principal directions, first as stated, then within the steps' margin (an OMA
     * slot, which the caller judges, at once within the margin). */
    static const double margins[] = {0, REFINE_MARGIN};
    for (int q = only_user >= 0; q < 2 && !rc && !*ok; q++) {
        int solves = 0;
        rc = realloc_powers(inst, o, build, ctx, only_user, v, 1, margins[q], w, &solves, ok, val);
        out->solves += solves;
        if (!rc && *ok && only_user < 0) rc = judge_candidate(inst, o, imposed, w, ok);
    }
    free(ev), free(V), free(v);
    return rc;
}

int noma_sdr_solve(const nisac_noma_instance *inst, const noma_opts *o, noma_build_fn build,
                   const void *ctx, unsigned imposed, int only_user, double round_cap,
                   noma_out *out)
{
    const int N = inst->p.N, K = inst->p.K;
    noma_prob P;
    nisac_conic_result res;
    out->dPdt = NAN;
    /* A rank-one truncation drops at most (N - 1) rank_tol of each W_k's trace; the solver's own accuracy
     * is about 1e-6 relative: within this relative gap to the bound a design counts as optimal. */
    out->gap_tol = 1e-6 + (N - 1) * o->rank_tol;
    int rc = build_solve(inst, o, build, ctx, only_user, NULL, 1, 0.0, &P, &res, out->keep_warm ? out->warm : NULL);
    out->solves++;
    if (rc) {
        nisac_conic_free(P.c);
        free(P.var);
        return rc;
    }
    out->status = res.status;
    out->sdp_obj = res.pobj;
    out->sdp_gap = res.rel_gap;
    out->sdp_pinf = res.pinf;
    if (res.status != NISAC_STATUS_OPTIMAL && res.status != NISAC_STATUS_INACCURATE) {
        if (res.solver == NISAC_SOLVER_CSDP)
            snprintf(out->note, sizeof out->note, "relaxation: %s (CSDP code %d)", nisac_status_name(res.status),
                     res.csdp_code);
        else
            snprintf(out->note, sizeof out->note, "relaxation: %s (native, %d iterations)",
                     nisac_status_name(res.status), res.iterations);
        nisac_conic_free(P.c);
        free(P.var);
        return NISAC_OK;
    }
    double complex *Wfull = nisac_calloc((size_t)N * N * K, sizeof(double complex));
    double complex *cand = nisac_calloc((size_t)N * K, sizeof(double complex));
    double complex *bestW = nisac_calloc((size_t)N * K, sizeof(double complex));
    double complex *dir = nisac_calloc((size_t)N * K, sizeof(double complex));
    double complex *z = nisac_calloc((size_t)N, sizeof(double complex));
    double *ev = nisac_calloc((size_t)N, sizeof(double));
    double complex *W0 = NULL;
    if (!Wfull || !cand || !bestW || !dir || !z || !ev) {
        rc = NISAC_FAIL(NISAC_ENOMEM, "out of memory");
        goto done;
    }
    for (int k = 0; k < K; k++)
        if (P.var[k] >= 0 && (rc = nisac_conic_hvalue(P.c, P.var[k], Wfull + (size_t)k * N * N, N)))
            goto done;
    /* The derivative of P* in a common target t (envelope theorem): row (k, l)
     * reads S - t (I + sigma^2) >= 0, so dL/dt = sum_r y_r (I_r + sigma^2) */
    out->dPdt = NAN;
    if (P.sinr_count > 0 && !P.scalar_mode) {
        double d = 0;
        int r = P.sinr_first;
        for (int k = 0; k < K; k++) {
            if (P.var[k] < 0) continue;
            int lmax = inst->p.decoders == NISAC_DECODERS_ALL ? K - 1 : k;
            if (P.sinr_only >= 0) lmax = k;
            for (int l = k; l <= lmax; l++, r++) {
                const double complex *h = inst->H + (size_t)l * N;
                double I_ = 0;
                for (int i = k + 1; i < K; i++)
                    if (P.var[i] >= 0) I_ += creal(nisac_cquad(N, h, Wfull + (size_t)i * N * N, N, h));
                d += nisac_conic_row_dual(P.c, r) * (I_ + inst->p.sigma2);
            }
        }
        out->dPdt = d;
    }
    if ((rc = noma_rank_one(N, K, Wfull, out->W, out->rank_ratio))) goto done;
    out->max_rank_ratio = 0;
    for (int k = 0; k < K; k++) out->max_rank_ratio = fmax(out->max_rank_ratio, out->rank_ratio[k]);
    if (res.pobj > round_cap) goto done;
    int rank_one = out->max_rank_ratio <= o->rank_tol;
    if (rank_one) {
        /* The truncation drops lambda_2 and below, which can leave a
         * constraint short by about rank_tol: only then is rounding needed. */
        if (only_user >= 0) goto done;
        nisac_noma_eval e0 = NISAC_NOMA_EVAL_INIT;
        rc = nisac_noma_evaluate(inst, out->W, N, NULL, imposed, &e0);
        double mv0 = e0.max_viol;
        nisac_noma_eval_release(&e0);
        if (rc || mv0 <= 0.1 * o->feas_tol) goto done;
    }

    /* Candidate 0: the principal directions with re-optimised powers.  If
     * it is feasible and attains the relaxation's lower bound, it is optimal
     * for the unrelaxed problem, whatever lambda2/lambda1 says.  When the
     * relaxation is rank one (up to rank_tol) it is the only candidate.
     * Otherwise Gaussian randomisation: d_k = W_k^{1/2} z, z ~ CN(0, I), so
     * d_k ~ CN(0, W_k), powers re-optimised on the same problem; the best
     * candidate the model finds feasible wins. */
    for (int k = 0; k < K; k++) {
        double nw = sqrt(nisac_cnorm2(N, out->W + (size_t)k * N));
        for (int n = 0; n < N; n++)
            dir[n + (size_t)k * N] = nw > 0 ? out->W[n + (size_t)k * N] / nw : (n == 0);
    }
    const int ncand = rank_one ? 1 : o->nrand + 1;
    if (!rank_one && o->refine) { /* the refinement starts from the relaxation's W */
        if (!(W0 = nisac_calloc((size_t)N * N * K, sizeof(double complex)))) {
            rc = NISAC_FAIL(NISAC_ENOMEM, "out of memory");
            goto done;
        }
        memcpy(W0, Wfull, sizeof(double complex) * (size_t)N * N * K);
    }
    if (ncand > 1) /* W_k^{1/2} = V diag(sqrt(max(lambda, 0))), in place of W_k */
        for (int k = 0; k < K; k++) {
            double complex *Wk = Wfull + (size_t)k * N * N;
            if ((rc = nisac_heig(N, Wk, N, ev, Wk, N))) goto done;
            for (int e = 0; e < N; e++)
                for (int n = 0; n < N; n++) Wk[n + (size_t)e * N] *= sqrt(fmax(ev[e], 0.0));
        }
    nisac_rng rng;
    nisac_rng_init(&rng, o->seed, 0, 0, NISAC_PURPOSE_ALGO);
    double best = INFINITY;
    int best_j = -1;
    for (int j = 0; j < ncand; j++) {
        if (j > 0) {
            out->randomized = 1;
            for (int k = 0; k < K; k++) {
                nisac_rng_cn_vec(&rng, N, 1.0, z);
                nisac_cgemv(N, N, Wfull + (size_t)k * N * N, N, z, dir + (size_t)k * N);
            }
        }
        int ok = 0, solves = 0;
        double val = INFINITY;
        /* the principal directions' verdict is checked (they may attain the
         * bound); a random candidate that fails is only dropped */
        rc = realloc_powers(inst, o, build, ctx, only_user, dir, j == 0, 0.0, cand, &solves, &ok, &val);
        out->solves += solves;
        if (rc) goto done;
        if (j == 0)
            nisac_log(NISAC_LOG_DEBUG, "principal directions: ok=%d value=%.10g relaxation=%.10g", ok,
                      val, res.pobj);
        if (!ok) continue;
        if (only_user < 0) { /* one OMA slot is judged by the caller's OMA evaluation */
            int feasible = 0;
            if ((rc = judge_candidate(inst, o, imposed, cand, &feasible))) goto done;
            if (!feasible) continue;
        }
        if (j == 0 && val <= res.pobj + 1e-6 * (1 + fabs(res.pobj))) {
            memcpy(out->W, cand, sizeof(double complex) * (size_t)N * K);
            out->polished = 1;
            goto done; /* status stays optimal: the bound is attained */
        }
        out->rand_feasible += j > 0;
        if (val < best) {
            best = val;
            best_j = j;
            memcpy(bestW, cand, sizeof(double complex) * (size_t)N * K);
        }
    }
    if (W0) { /* the rank-one refinement: kept when better than every candidate */
        int ok = 0;
        double val = INFINITY;
        if ((rc = refine(inst, o, build, ctx, only_user, W0, res.pobj, imposed, cand, &val, &ok, out))) goto done;
        if (ok && val < best) {
            best = val;
            best_j = ncand;
            out->refined = 1;
            memcpy(bestW, cand, sizeof(double complex) * (size_t)N * K);
        }
    }
    if (best_j >= 0) {
        memcpy(out->W, bestW, sizeof(double complex) * (size_t)N * K);
        out->polished = best_j == 0;
        /* optimal when the bound is attained within the gap tolerance */
        out->status = best - res.pobj <= out->gap_tol * fabs(res.pobj) + 1e-12 ? NISAC_STATUS_OPTIMAL
                                                                           : NISAC_STATUS_FEASIBLE;
    } else if (rank_one) {
        /* keep the truncated design: the re-evaluation reports its violation */
    } else {
        out->status = NISAC_STATUS_ROUNDING_FAILED;
        snprintf(out->note, sizeof out->note,
                 "relaxation not rank one (lambda2/lambda1 = %.2e) and none of %d candidates feasible",
                 out->max_rank_ratio, o->nrand + 1);
    }
done:
    free(W0);
    free(Wfull);
    free(cand);
    free(bestW);
    free(dir);
    free(z);
    free(ev);
    if (out->keep_warm && !rc) { /* the solved relaxation starts the next one */
        nisac_conic_free(out->warm);
        out->warm = P.c;
    } else {
        nisac_conic_free(P.c);
    }
    free(P.var);
    return rc;
}
