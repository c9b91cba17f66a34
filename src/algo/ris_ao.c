/* ris-ao (Algorithm 1 of paper 002) and its five baselines: alternating
 * optimisation of the active beams W (SCA, second-order cone programs),
 * the radar receive filters U (generalised Rayleigh quotient (53)) and
 * the RIS phases phi (second-order Taylor minorant of the radar SNR (64),
 * penalty convex-concave procedure for |phi_n| = 1 (67)-(68)).
 * docs/models/ris_noma_isac.md, section "Algorithm".
 *
 * Every subproblem works in normalised units: beams v = W / sqrt(P_max)
 * (||v|| <= 1), user channels scaled by sqrt(P_max) / sigma (noise 1),
 * each constraint row divided by its threshold.  The sum rate is
 * maximised through the geometric mean of (1 + gamma_k) (a tower of
 * rotated cones): each SCA step maximises the exact objective over an
 * inner approximation of the feasible set, so the iterates stay feasible
 * and the sum rate never decreases in the W step. */
#include "nisac/algo.h"
#include "nisac/conic.h"
#include "nisac/linalg.h"
#include "nisac/ris_noma_isac.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern const char *const nisac__solver_names[2];

/* A surrogate counts as fallen when it ends more than this (relative)
 * below its value at the previous point: the conic solves' accuracy. */
#define SURR_TOL 1e-5

enum { V_FULL, V_COMM, V_DISCRETE, V_RANDOM, V_NORIS, V_SDMA, V_OMA };

static const char *const init_names[] = {"random", "aligned"};

static const nisac_param_def ao_opts[] = {
    {"solver", NULL, NISAC_PT_CHOICE, NISAC_PC_NONE, "", NISAC_SOLVER_NATIVE, 0, 1, 0, nisac__solver_names, 2, NULL, 0,
     NULL, "conic backend of the SOCPs: native or csdp"},
    {"max_outer", NULL, NISAC_PT_INT, NISAC_PC_NONE, "", 30, 1, 100000, 0, NULL, 0, NULL, 0, NULL,
     "AO iterations at most"},
    {"tol", NULL, NISAC_PT_REAL, NISAC_PC_NONE, "", 1e-4, 0, 1, 0, NULL, 0, NULL, 0, NULL,
     "stop when the sum rate grows by less than tol (relative) in an AO iteration"},
    {"w_steps", NULL, NISAC_PT_INT, NISAC_PC_NONE, "", 1, 1, 1000, 0, NULL, 0, NULL, 0, NULL,
     "SCA steps of the active beamforming P3 per AO iteration"},
    {"phi_steps", NULL, NISAC_PT_INT, NISAC_PC_NONE, "", 2, 1, 1000, 0, NULL, 0, NULL, 0, NULL,
     "penalty-CCP steps of the passive beamforming P7 per AO iteration"},
    {"penalty", NULL, NISAC_PT_REAL, NISAC_PC_NONE, "", 1e-4, 0, 1e6, NISAC_PF_OPEN_LO, NULL, 0, NULL, 0, NULL,
     "initial unit-modulus penalty (relative to the objective)"},
    {"penalty_growth", NULL, NISAC_PT_REAL, NISAC_PC_NONE, "", 4, 1, 1000, 0, NULL, 0, NULL, 0, NULL,
     "factor of the penalty per CCP step"},
    {"unit_tol", NULL, NISAC_PT_REAL, NISAC_PC_NONE, "", 1e-6, 0, 1, NISAC_PF_OPEN_LO, NULL, 0, NULL, 0, NULL,
     "the CCP goes on until every |phi_n|^2 >= 1 - unit_tol before projecting"},
    {"max_ccp", NULL, NISAC_PT_INT, NISAC_PC_NONE, "", 30, 1, 100000, 0, NULL, 0, NULL, 0, NULL,
     "CCP steps per AO iteration at most"},
    {"bits", NULL, NISAC_PT_INT, NISAC_PC_NONE, "", 2, 1, 16, 0, NULL, 0, NULL, 0, NULL,
     "discrete phase: bits per RIS element (2^bits levels)"},
    {"init", NULL, NISAC_PT_CHOICE, NISAC_PC_NONE, "", 0, 0, 1, 0, init_names, 2, NULL, 0, NULL,
     "starting RIS phases: random (from the seed), or aligned to the strongest cascade of the first target"},
    {"starts", NULL, NISAC_PT_INT, NISAC_PC_NONE, "", 3, 1, 1000, 0, NULL, 0, NULL, 0, NULL,
     "starting phases the feasibility phase tries before giving up"},
    {"feas_tol", NULL, NISAC_PT_REAL, NISAC_PC_NONE, "", 1e-6, 0, INFINITY, 0, NULL, 0, NULL, 0, NULL,
     "relative violation tolerated when the model re-evaluates the design"},
    {"no_sic_power", NULL, NISAC_PT_BOOL, NISAC_PC_NONE, "", 0, 0, 1, 0, NULL, 0, NULL, 0, NULL,
     "NOMA: drop the SIC power order (43) of (27g), keep the decodability (14) alone"},
};
#define NOPTS ((int)(sizeof ao_opts / sizeof ao_opts[0]))

typedef struct {
    int solver, max_outer, w_steps, phi_steps, bits, init, starts, max_ccp, sic_power;
    double tol, penalty, growth, feas_tol, unit_tol;
} ao_opts_t;

static void opts_from(const nisac_params *o, ao_opts_t *a)
{
    a->solver = (int)nisac_params_get(o, "solver");
    a->max_outer = (int)nisac_params_get(o, "max_outer");
    a->tol = nisac_params_get(o, "tol");
    a->w_steps = (int)nisac_params_get(o, "w_steps");
    a->phi_steps = (int)nisac_params_get(o, "phi_steps");
    a->penalty = nisac_params_get(o, "penalty");
    a->growth = nisac_params_get(o, "penalty_growth");
    a->bits = (int)nisac_params_get(o, "bits");
    a->init = (int)nisac_params_get(o, "init");
    a->starts = (int)nisac_params_get(o, "starts");
    a->feas_tol = nisac_params_get(o, "feas_tol");
    a->unit_tol = nisac_params_get(o, "unit_tol");
    a->max_ccp = (int)nisac_params_get(o, "max_ccp");
    a->sic_power = nisac_params_get(o, "no_sic_power") == 0;
}

/* ---- the state of one design ---- */
typedef struct {
    const nisac_ris_instance *in;
    const nisac_ris_params *p;
    int M, N, K, T, C, scheme, radar, ris; /* ris: phases take part (0: no RIS) */
    int sicpow;
    double sg;                             /* sqrt(P_max) / sigma */
    double kr;                             /* radar scale (1 - rho) rcs L P_max / sigma_r^2 */
    double complex *v;                     /* M x C normalised beams */
    double complex *phi;                   /* N */
    double complex *U;                     /* M C x T filters */
    int order[NISAC_RIS_MAX_K];
    /* scratch */
    double complex *g, *c;                 /* effective rows (unscaled): K x M, T x M */
    double complex *gv;                    /* N x C: G v_i, the cascade of each beam (phi step) */
    nisac_conic_opts copts;
    int solves;
    int inner_decreases;                   /* inner steps whose surrogate fell below the previous point's */
    int failures;                          /* conic solves that ended without a usable point */
    double surr_worst;                     /* largest relative fall of a surrogate */
} ao_t;

/* The state of one design: sizes, scales and the arrays (zeroed). */
static int ao_init(ao_t *s, const nisac_ris_instance *in, int scheme, int radar, int ris, int sicpow, int solver)
{
    memset(s, 0, sizeof *s);
    s->in = in;
    s->p = &in->p;
    s->M = in->p.M, s->N = in->p.N, s->K = in->p.K, s->T = in->p.T, s->C = in->p.K + 1;
    s->scheme = scheme;
    s->radar = radar && s->T > 0;
    s->ris = ris;
    s->sicpow = sicpow;
    s->sg = sqrt(in->p.P_max / in->p.sigma2);
    s->kr = (1 - in->p.rcs_fluct) * in->p.rcs * in->p.L * in->p.P_max / in->p.sigma_r2;
    nisac_conic_opts_default(&s->copts);
    s->copts.solver = (nisac_solver)solver;
    const size_t M = (size_t)s->M, N = (size_t)s->N, C = (size_t)s->C, T = (size_t)s->T;
    s->v = calloc(M * C, sizeof(double complex));
    s->phi = calloc(N, sizeof(double complex));
    s->U = calloc(M * C * (T > 0 ? T : 1), sizeof(double complex));
    s->g = calloc(M * ((size_t)s->K + T), sizeof(double complex));
    s->gv = calloc(N * C, sizeof(double complex));
    if (!s->v || !s->phi || !s->U || !s->g || !s->gv) return NISAC_FAIL(NISAC_ENOMEM, "ris-ao: out of memory");
    s->c = s->g + M * (size_t)s->K;
    return NISAC_OK;
}

static void ao_release(ao_t *s)
{
    free(s->v);
    free(s->phi);
    free(s->U);
    free(s->g);
    free(s->gv);
}

/* decode pairs: decoder j decodes signal i against the interference set */
typedef struct {
    int n;
    int dec[NISAC_RIS_MAX_K * NISAC_RIS_MAX_K], sig[NISAC_RIS_MAX_K * NISAC_RIS_MAX_K];
    int nint[NISAC_RIS_MAX_K * NISAC_RIS_MAX_K];
    int intf[NISAC_RIS_MAX_K * NISAC_RIS_MAX_K][NISAC_RIS_MAX_K];
} pairs_t;

static void make_pairs(const ao_t *s, pairs_t *P)
{
    const int K = s->K;
    P->n = 0;
    for (int pp = 0; pp < K; pp++) {
        if (s->scheme == NISAC_RIS_NOMA) {
            for (int q = pp; q < K; q++) {
                int n = P->n++;
                P->dec[n] = s->order[q];
                P->sig[n] = s->order[pp];
                P->nint[n] = 0;
                for (int r = pp + 1; r < K; r++) P->intf[n][P->nint[n]++] = s->order[r];
            }
        } else {
            int n = P->n++;
            P->dec[n] = P->sig[n] = pp;
            P->nint[n] = 0;
            if (s->scheme == NISAC_RIS_SDMA)
                for (int r = 0; r < K; r++)
                    if (r != pp) P->intf[n][P->nint[n]++] = r;
        }
    }
}

/* ---- affine expressions over the complex variables x (nx of them) ----
 * e = k + sum_j a_j x_j.  Rows of the conic problem are dense real rows
 * over the scalar variables: x_j is (re, im) at columns 2j, 2j + 1;
 * the other scalars follow. */
typedef struct {
    int nv;      /* scalar variables */
    double *a;   /* nv coefficients */
    double k;    /* constant */
} row_t;

static void row_zero(row_t *r)
{
    memset(r->a, 0, sizeof(double) * (size_t)r->nv);
    r->k = 0;
}
/* r += Re(w * (k + a^T x)) */
static void row_add_re(row_t *r, int nx, const double complex *a, double complex k, double complex w)
{
    for (int j = 0; j < nx; j++) {
        double complex c = w * a[j];
        r->a[2 * j] += creal(c);
        r->a[2 * j + 1] -= cimag(c);
    }
    r->k += creal(w * k);
}

typedef struct {
    nisac_conic *c;
    int *col; /* scalar variable -> builder index */
    int nv, cap;
    row_t r;
} prob_t;

static int prob_var(prob_t *P, int nonneg)
{
    if (P->nv == P->cap) {
        int cap = P->cap ? 2 * P->cap : 256;
        int *c = realloc(P->col, sizeof(int) * (size_t)cap);
        if (!c) return NISAC_FAIL(NISAC_ENOMEM, "ris-ao: out of memory");
        P->col = c;
        P->cap = cap;
    }
    int b = nonneg ? nisac_conic_add_nonneg(P->c) : nisac_conic_add_free(P->c);
    if (b < 0) return b;
    P->col[P->nv] = b;
    return P->nv++;
}

/* Emits r as the expression of builder row `row` (terms and constant). */
static int emit_expr(prob_t *P, int row, const row_t *r)
{
    int rc = 0;
    for (int j = 0; j < r->nv && !rc; j++)
        if (r->a[j] != 0) rc = nisac_conic_scalar(P->c, row, P->col[j], r->a[j]);
    if (!rc && r->k != 0 && row != NISAC_CONIC_OBJ) rc = nisac_conic_row_const(P->c, row, r->k);
    if (!rc && r->k != 0 && row == NISAC_CONIC_OBJ) rc = nisac_conic_obj_const(P->c, r->k);
    return rc;
}
/* r >= 0 as a constraint row */
static int emit_ge0(prob_t *P, const row_t *r)
{
    int row = nisac_conic_add_row(P->c, NISAC_ROW_GE, -r->k);
    if (row < 0) return row;
    for (int j = 0; j < r->nv; j++)
        if (r->a[j] != 0) {
            int rc = nisac_conic_scalar(P->c, row, P->col[j], r->a[j]);
            if (rc) return rc;
        }
    return NISAC_OK;
}

/* Rotated cone  sum_i |q_i|^2 <= t  as ||(2 q, t - 1)|| <= t + 1, with q the
 * expressions qr[0..nq-1] (real rows) and t the row tr. */
static int emit_rcone(prob_t *P, int nq, row_t *qr, const row_t *tr)
{
    int k = nisac_conic_add_soc_affine(P->c, nq + 1);
    if (k < 0) return k;
    row_t tmp = {tr->nv, NULL, 0};
    tmp.a = malloc(sizeof(double) * (size_t)tr->nv);
    if (!tmp.a) return NISAC_FAIL(NISAC_ENOMEM, "ris-ao: out of memory");
    int rc = 0;
    memcpy(tmp.a, tr->a, sizeof(double) * (size_t)tr->nv);
    tmp.k = tr->k + 1;
    rc = emit_expr(P, nisac_conic_soc_row(P->c, k, 0), &tmp);
    tmp.k = tr->k - 1;
    if (!rc) rc = emit_expr(P, nisac_conic_soc_row(P->c, k, nq + 1), &tmp);
    for (int i = 0; i < nq && !rc; i++) {
        for (int j = 0; j < tr->nv; j++) tmp.a[j] = 2 * qr[i].a[j];
        tmp.k = 2 * qr[i].k;
        rc = emit_expr(P, nisac_conic_soc_row(P->c, k, i + 1), &tmp);
    }
    free(tmp.a);
    return rc;
}

/* ---- expressions of the two blocks ----
 * mode 0 (W step): x = vec(v) (M C complex); mode 1 (phi step): x = phi. */

/* e_{j,i} = sg * h_j(phi)^H v_i as k + a^T x */
static void user_expr(const ao_t *s, int mode, int j, int i, double complex *a, double complex *k)
{
    const int M = s->M, N = s->N, C = s->C;
    const double complex *vi = s->v + (size_t)i * M;
    if (mode == 0) {
        memset(a, 0, sizeof(double complex) * (size_t)M * C);
        for (int m = 0; m < M; m++) a[(size_t)i * M + m] = s->sg * s->g[(size_t)j * M + m];
        *k = 0;
        return;
    }
    const double complex *hd = s->in->hd + (size_t)j * M, *hr = s->in->hr + (size_t)j * N;
    double complex k0 = 0;
    for (int m = 0; m < M; m++) k0 += conj(hd[m]) * vi[m];
    *k = s->sg * k0;
    const double complex *gv = s->gv + (size_t)i * N; /* G v_i, from cascade_beams */
    for (int n = 0; n < N; n++) a[n] = s->sg * conj(hr[n]) * gv[n];
}

/* gv[:, i] = G v_i for every beam: the phi step's expressions use it for every pair */
static void cascade_beams(ao_t *s)
{
    nisac_cgemm('N', 'N', s->N, s->C, s->M, 1, s->in->G, s->N, s->v, s->M, 0, s->gv, s->N);
}

static double complex expr_val(int nx, const double complex *a, double complex k, const double complex *x)
{
    double complex s = k;
    for (int j = 0; j < nx; j++) s += a[j] * x[j];
    return s;
}

/* radar filters of target t: NOMA/SDMA the design's u_t; OMA the optimal
 * filter of each time share at the current point.  f[j] (M C) and the
 * weight kw[j] of |z_j|^2 in the SNR bound; returns the count. */
static int radar_filters(const ao_t *s, int t, double complex *f, double *kw)
{
    const int M = s->M, C = s->C, K = s->K;
    const double complex *ct = s->c + (size_t)t * M;
    if (s->scheme != NISAC_RIS_OMA) {
        memcpy(f, s->U + (size_t)t * M * C, sizeof(double complex) * (size_t)M * C);
        kw[0] = s->kr;
        return 1;
    }
    for (int k = 0; k < K; k++) {
        double complex *fk = f + (size_t)k * M * C;
        memset(fk, 0, sizeof(double complex) * (size_t)M * C);
        double nn = 0;
        for (int ii = 0; ii < 2; ii++) {
            int i = ii ? k + 1 : 0;
            double complex b = 0;
            for (int m = 0; m < M; m++) b += ct[m] * s->v[(size_t)i * M + m];
            for (int m = 0; m < M; m++) fk[(size_t)i * M + m] = ct[m] * b;
        }
        nn = sqrt(nisac_cnorm2(M * C, fk));
        if (nn > 0)
            for (int m = 0; m < M * C; m++) fk[m] /= nn;
        else
            fk[0] = 1;
        kw[k] = s->kr / K;
    }
    return K;
}

/* z = sum_i (f_i^H c(phi)) (c(phi)^T v_i) as a function of v (mode 0):
 * linear, a over vec(v). */
static void radar_expr_w(const ao_t *s, int t, const double complex *f, double complex *a)
{
    const int M = s->M, C = s->C;
    const double complex *ct = s->c + (size_t)t * M;
    for (int i = 0; i < C; i++) {
        double complex al = 0;
        for (int m = 0; m < M; m++) al += conj(f[(size_t)i * M + m]) * ct[m];
        for (int m = 0; m < M; m++) a[(size_t)i * M + m] = al * ct[m];
    }
}

/* The same z as a holomorphic quadratic of phi (mode 1) around phi_bar:
 * value z0, gradient grad (N), and the spectral norm of Sym(Q). */
static int radar_quad_phi(const ao_t *s, int t, const double complex *f, double complex *z0, double complex *grad,
                          double *qnorm)
{
    const int M = s->M, N = s->N, C = s->C;
    const double complex *ht = s->in->ht + (size_t)t * N, *G = s->in->G;
    double complex *A = calloc((size_t)N * C * 2 + (size_t)N * N * 2, sizeof(double complex));
    if (!A) return NISAC_FAIL(NISAC_ENOMEM, "ris-ao: out of memory");
    double complex *B = A + (size_t)N * C, *Q = B + (size_t)N * C, *QQ = Q + (size_t)N * N;
    double complex alpha[NISAC_RIS_MAX_K + 1], beta[NISAC_RIS_MAX_K + 1];
    const double complex *ct = s->c + (size_t)t * M; /* c(phi_bar) */
    for (int i = 0; i < C; i++) {
        const double complex *fi = f + (size_t)i * M, *vi = s->v + (size_t)i * M;
        alpha[i] = 0, beta[i] = 0;
        for (int m = 0; m < M; m++) {
            alpha[i] += conj(fi[m]) * ct[m];
            beta[i] += ct[m] * vi[m];
        }
        for (int n = 0; n < N; n++) {
            double complex sa = 0, sb = 0;
            for (int m = 0; m < M; m++) {
                double complex cmn = conj(ht[n]) * G[(size_t)m * N + n];
                sa += conj(fi[m]) * cmn;
                sb += cmn * vi[m];
            }
            A[(size_t)i * N + n] = sa;
            B[(size_t)i * N + n] = sb;
        }
    }
    double complex z = 0;
    for (int i = 0; i < C; i++) z += alpha[i] * beta[i];
    for (int n = 0; n < N; n++) {
        double complex gsum = 0;
        for (int i = 0; i < C; i++) gsum += A[(size_t)i * N + n] * beta[i] + B[(size_t)i * N + n] * alpha[i];
        grad[n] = gsum;
    }
    /* Sym(Q) = (sum_i A_i B_i^T + B_i A_i^T) / 2 */
    for (int a = 0; a < N; a++)
        for (int b = 0; b < N; b++) {
            double complex q = 0;
            for (int i = 0; i < C; i++)
                q += A[(size_t)i * N + a] * B[(size_t)i * N + b] + B[(size_t)i * N + a] * A[(size_t)i * N + b];
            Q[(size_t)b * N + a] = q / 2;
        }
    /* ||Q||_2^2 = lambda_max(Q^H Q) */
    nisac_cgemm('C', 'N', N, N, N, 1, Q, N, Q, N, 0, QQ, N);
    double *w = malloc(sizeof(double) * (size_t)N);
    int rc = w ? nisac_heig(N, QQ, N, w, QQ, N) : NISAC_FAIL(NISAC_ENOMEM, "ris-ao: out of memory");
    if (!rc) *qnorm = sqrt(fmax(0, w[N - 1]));
    free(w);
    free(A);
    *z0 = z;
    return rc;
}

/* ---- current point ---- */

static void refresh(ao_t *s)
{
    nisac_ris_effective(s->in, s->ris ? s->phi : NULL, s->g, s->c);
}

/* the tower's value at gamma: (prod (1 + gamma_k) / (1 + G_k))^(1 / 2^levels) */
static double geo_value(int K, const double *gam, const double *G, int levels)
{
    double l = 0;
    for (int k = 0; k < K; k++) l += log1p(gam[k]) - log1p(G[k]);
    return exp(l / (1 << levels));
}

static int judge(const ao_t *s, nisac_ris_eval *ev)
{
    double complex *W = malloc(sizeof(double complex) * (size_t)s->M * s->C);
    if (!W) return NISAC_FAIL(NISAC_ENOMEM, "ris-ao: out of memory");
    double sp = sqrt(s->p->P_max);
    for (int i = 0; i < s->M * s->C; i++) W[i] = sp * s->v[i];
    int rc = nisac_ris_evaluate(s->in, W, s->ris ? s->phi : NULL, s->U,
                                s->scheme == NISAC_RIS_NOMA ? s->order : NULL, s->scheme, ev);
    free(W);
    return rc;
}

static double max_viol(const ao_t *s, const nisac_ris_eval *ev)
{
    double m = fmax(ev->viol[1], ev->viol[3]);
    if (s->radar) m = fmax(m, ev->viol[0]);
    if (s->scheme == NISAC_RIS_NOMA) {
        m = fmax(m, ev->viol[5]);
        if (s->sicpow) m = fmax(m, ev->viol[6]);
    }
    return m;
}

/* optimal filters (53) at the current point */
static int update_filters(ao_t *s)
{
    const int M = s->M, C = s->C;
    refresh(s);
    double complex *a = malloc(sizeof(double complex) * (size_t)M * C);
    if (!a) return NISAC_FAIL(NISAC_ENOMEM, "ris-ao: out of memory");
    int rc = 0;
    for (int t = 0; t < s->T && !rc; t++) {
        const double complex *ct = s->c + (size_t)t * M;
        for (int i = 0; i < C; i++) {
            double complex b = 0;
            for (int m = 0; m < M; m++) b += ct[m] * s->v[(size_t)i * M + m];
            for (int m = 0; m < M; m++) a[(size_t)i * M + m] = ct[m] * b;
        }
        rc = nisac_ris_filter(M * C, a, NULL, s->U + (size_t)t * M * C, NULL);
    }
    free(a);
    return rc;
}

/* ---- one SCA subproblem ----
 * mode 0: variables v; mode 1: variables phi.  phase1: minimise the
 * shortfall delta instead of the rate.  lambda: unit-modulus penalty
 * (mode 1).  On success the new point is written to s (v or phi) and
 * *obj gets the surrogate objective at it, *obj_old at the old point. */
typedef struct {
    nisac_solve_status status;
    double delta, obj, obj_old;
} step_t;

static int sca_step(ao_t *s, int mode, int phase1, double lambda, step_t *out)
{
    const int M = s->M, N = s->N, K = s->K, C = s->C, T = s->T;
    const int nx = mode == 0 ? M * C : N;
    pairs_t pr;
    make_pairs(s, &pr);
    int levels = 0;
    while ((1 << levels) < K) levels++;
    /* the phi step keeps a relative margin: its point is projected onto |phi_n| = 1 afterwards */
    const double margin = mode == 1 ? 1e-3 : 0;
    const double gmin = s->p->gamma * (1 + margin);
    prob_t P = {0};
    P.c = nisac_conic_new();
    double complex *a = malloc(sizeof(double complex) * (size_t)nx * (NISAC_RIS_MAX_K + 2));
    double complex *f = malloc(sizeof(double complex) * (size_t)M * C * NISAC_RIS_MAX_K);
    double complex *grad = malloc(sizeof(double complex) * (size_t)N);
    /* scalar variables: x (2 nx), gamma (K), beta (pairs), tree nodes, delta (phase 1), s_n (phi step) */
    const int ntree = phase1 ? 0 : (1 << levels) - 1; /* phase 1 minimises delta: no tower */
    const int nv = 2 * nx + K + pr.n + ntree + (phase1 ? 1 : 0) + (mode == 1 ? N : 0);
    if (mode == 1) cascade_beams(s);
    int rc = (!P.c || !a || !f || !grad) ? NISAC_FAIL(NISAC_ENOMEM, "ris-ao: out of memory") : 0;
    row_t *big = NULL;
    const int nbig = 2 * (N > M ? (N > NISAC_RIS_MAX_K ? N : NISAC_RIS_MAX_K) : (M > NISAC_RIS_MAX_K ? M : NISAC_RIS_MAX_K)) + 4;
    if (!rc) {
        big = calloc((size_t)nbig, sizeof(row_t));
        if (!big) rc = NISAC_FAIL(NISAC_ENOMEM, "ris-ao: out of memory");
        for (int i = 0; !rc && i < nbig; i++) {
            big[i].nv = nv;
            if (!(big[i].a = calloc((size_t)nv, sizeof(double)))) rc = NISAC_FAIL(NISAC_ENOMEM, "ris-ao: out of memory");
        }
    }
    double complex *x = mode == 0 ? s->v : s->phi;
    double complex *xbar = malloc(sizeof(double complex) * (size_t)nx);
    if (!rc && !xbar) rc = NISAC_FAIL(NISAC_ENOMEM, "ris-ao: out of memory");
    if (!rc) memcpy(xbar, x, sizeof(double complex) * (size_t)nx);
    /* variables */
    for (int j = 0; !rc && j < nv; j++) {
        int nonneg = mode == 1 && j >= nv - N;
        int r = prob_var(&P, nonneg);
        if (r < 0) rc = r;
    }
    const int vg = 2 * nx, vb = vg + K, vt = vb + pr.n, vd = phase1 ? vt + ntree : -1, vs = vt + ntree + (phase1 ? 1 : 0);
    row_t *r0 = big ? &big[nbig - 1] : NULL, *r1 = big ? &big[nbig - 2] : NULL, *qr = big;
    /* SINR pairs at the current point: ebar = e_{j,i}, ib = interference + 1 */
    double gam_old[NISAC_RIS_MAX_K], G[NISAC_RIS_MAX_K];
    double complex ebar[NISAC_RIS_MAX_K * NISAC_RIS_MAX_K];
    double ibar[NISAC_RIS_MAX_K * NISAC_RIS_MAX_K];
    for (int k = 0; k < K; k++) gam_old[k] = INFINITY;
    for (int pi = 0; !rc && pi < pr.n; pi++) {
        const int j = pr.dec[pi], i = pr.sig[pi];
        double complex kk;
        double ib = 1;
        for (int q = 0; q < pr.nint[pi]; q++) {
            user_expr(s, mode, j, 1 + pr.intf[pi][q], a, &kk);
            double complex e = expr_val(nx, a, kk, x);
            ib += creal(e) * creal(e) + cimag(e) * cimag(e);
        }
        user_expr(s, mode, j, 1 + i, a, &kk);
        ebar[pi] = expr_val(nx, a, kk, x);
        ibar[pi] = ib;
        gam_old[i] = fmin(gam_old[i], creal(ebar[pi] * conj(ebar[pi])) / ib);
    }
    /* variables in units of the current point: gamma_i = G_i gt_i, beta = ib bt */
    for (int k = 0; k < K; k++) G[k] = fmax(1, gam_old[k]);
    for (int pi = 0; !rc && pi < pr.n; pi++) {
        const int j = pr.dec[pi], i = pr.sig[pi];
        const double ib = ibar[pi], si = 1 / sqrt(ib);
        for (int q = 0; q < pr.nint[pi]; q++) {
            double complex kk;
            user_expr(s, mode, j, 1 + pr.intf[pi][q], a, &kk);
            row_zero(&qr[2 * q]);
            row_add_re(&qr[2 * q], nx, a, kk, si);
            row_zero(&qr[2 * q + 1]);
            row_add_re(&qr[2 * q + 1], nx, a, kk, -I * si);
        }
        /* bt - 1/ib >= sum |e|^2 / ib */
        row_zero(r1);
        r1->a[vb + pi] = 1;
        r1->k = -1 / ib;
        if (pr.nint[pi] > 0) rc = emit_rcone(&P, 2 * pr.nint[pi], qr, r1);
        else rc = emit_ge0(&P, r1);
        if (rc) break;
        /* tangent of |e|^2 / beta: 2 Re(ebar^* e) / ib - |ebar|^2 bt / ib - G_i gt_i >= 0 */
        double complex kk;
        user_expr(s, mode, j, 1 + i, a, &kk);
        const double complex eb = ebar[pi];
        const double e2 = creal(eb) * creal(eb) + cimag(eb) * cimag(eb);
        const double sc = 1 / fmax(1, e2 / ib);
        row_zero(r0);
        row_add_re(r0, nx, a, kk, 2 * conj(eb) / ib * sc);
        r0->a[vb + pi] = -e2 / ib * sc;
        r0->a[vg + i] = -G[i] * sc;
        rc = emit_ge0(&P, r0);
    }
    /* gamma_i >= gamma_min (phase 1: gamma_i / gamma_min + delta >= 1) */
    for (int k = 0; !rc && k < K; k++) {
        row_zero(r0);
        r0->a[vg + k] = G[k] / gmin;
        r0->k = -1;
        if (phase1) r0->a[vd] = 1;
        rc = emit_ge0(&P, r0);
    }
    /* SIC power order (43) at each decoder */
    if (s->scheme == NISAC_RIS_NOMA && s->sicpow)
        for (int q = 1; !rc && q < K; q++) {
            const int j = s->order[q];
            for (int i = 0; !rc && i < q; i++) {
                double complex kk, k2;
                user_expr(s, mode, j, 1 + s->order[i], a, &kk);
                user_expr(s, mode, j, 1 + s->order[i + 1], a + nx, &k2);
                double complex eb = expr_val(nx, a, kk, x);
                double e2 = fmax(creal(eb) * creal(eb) + cimag(eb) * cimag(eb), 1e-300);
                double sq = 1 / sqrt(e2);
                row_zero(&qr[0]);
                row_add_re(&qr[0], nx, a + nx, k2, sq);
                row_zero(&qr[1]);
                row_add_re(&qr[1], nx, a + nx, k2, -I * sq);
                row_zero(r1);
                row_add_re(r1, nx, a, kk, 2 * conj(eb) / e2);
                r1->k -= 1;
                if (phase1) r1->a[vd] = 1;
                rc = emit_rcone(&P, 2, qr, r1);
            }
        }
    /* power */
    if (!rc && mode == 0) {
        int groups = s->scheme == NISAC_RIS_OMA ? K : 1;
        for (int gi = 0; !rc && gi < groups; gi++) {
            int d = s->scheme == NISAC_RIS_OMA ? 4 * M : 2 * nx;
            int k = nisac_conic_add_soc_affine(P.c, d);
            if (k < 0) {
                rc = k;
                break;
            }
            rc = nisac_conic_row_const(P.c, nisac_conic_soc_row(P.c, k, 0), 1);
            int comp = 1;
            for (int i = 0; !rc && i < C; i++) {
                if (s->scheme == NISAC_RIS_OMA && i != 0 && i != gi + 1) continue;
                for (int m = 0; !rc && m < 2 * M; m++)
                    rc = nisac_conic_scalar(P.c, nisac_conic_soc_row(P.c, k, comp++), P.col[2 * (i * M) + m], 1);
            }
        }
    }
    /* unit modulus: |phi_n| <= 1 and the CCP tangent 2 Re(phibar^* phi) - |phibar|^2 + s_n >= 1 */
    if (!rc && mode == 1)
        for (int n = 0; !rc && n < N; n++) {
            int k = nisac_conic_add_soc_affine(P.c, 2);
            if (k < 0) {
                rc = k;
                break;
            }
            rc = nisac_conic_row_const(P.c, nisac_conic_soc_row(P.c, k, 0), 1);
            if (!rc) rc = nisac_conic_scalar(P.c, nisac_conic_soc_row(P.c, k, 1), P.col[2 * n], 1);
            if (!rc) rc = nisac_conic_scalar(P.c, nisac_conic_soc_row(P.c, k, 2), P.col[2 * n + 1], 1);
            double complex pb = xbar[n];
            row_zero(r0);
            r0->a[2 * n] = 2 * creal(pb);
            r0->a[2 * n + 1] = 2 * cimag(pb);
            r0->a[vs + n] = 1;
            r0->k = -(creal(pb) * creal(pb) + cimag(pb) * cimag(pb)) - 1;
            if (!rc) rc = emit_ge0(&P, r0);
        }
    /* gain order (3) in the phi step: ||g_lo(phi)||^2 <= 2 Re(gbar_hi^H g_hi(phi)) - ||gbar_hi||^2 */
    if (!rc && mode == 1 && s->scheme == NISAC_RIS_NOMA)
        for (int q = 0; !rc && q + 1 < K; q++) {
            const int lo = s->order[q], hi = s->order[q + 1];
            const double complex *hdl = s->in->hd + (size_t)lo * M, *hrl = s->in->hr + (size_t)lo * N;
            const double complex *hdh = s->in->hd + (size_t)hi * M, *hrh = s->in->hr + (size_t)hi * N;
            const double complex *gh = s->g + (size_t)hi * M;
            double gn = fmax(nisac_cnorm2(M, gh), 1e-300), sq = 1 / sqrt(gn);
            row_zero(r1);
            for (int m = 0; m < M; m++) {
                for (int n = 0; n < N; n++) a[n] = conj(hrh[n]) * s->in->G[(size_t)m * N + n];
                row_add_re(r1, N, a, conj(hdh[m]), 2 * conj(gh[m]) / gn);
            }
            r1->k -= 1;
            for (int m = 0; m < M; m++) {
                for (int n = 0; n < N; n++) a[n] = conj(hrl[n]) * s->in->G[(size_t)m * N + n];
                row_zero(&big[2 * m]);
                row_add_re(&big[2 * m], N, a, conj(hdl[m]), sq);
                row_zero(&big[2 * m + 1]);
                row_add_re(&big[2 * m + 1], N, a, conj(hdl[m]), -I * sq);
            }
            rc = emit_rcone(&P, 2 * M, big, r1);
        }
    /* radar SNR bound (26) >= Gamma for each target */
    if (!rc && s->radar)
        for (int t = 0; !rc && t < T; t++) {
            double kw[NISAC_RIS_MAX_K];
            int nf = radar_filters(s, t, f, kw);
            const double Gm = s->p->Gamma * (1 + margin);
            row_zero(r1); /* L(x) / Gamma - 1 (+ delta) */
            double S = 0;
            for (int jf = 0; !rc && jf < nf; jf++) {
                const double complex *fj = f + (size_t)jf * M * C;
                if (mode == 0) {
                    radar_expr_w(s, t, fj, a);
                    double complex zb = expr_val(nx, a, 0, x);
                    /* kw (2 Re(zb^* z) - |zb|^2) */
                    row_add_re(r1, nx, a, 0, 2 * kw[jf] * conj(zb) / Gm);
                    r1->k -= kw[jf] * (creal(zb) * creal(zb) + cimag(zb) * cimag(zb)) / Gm;
                } else {
                    double complex z0 = 0;
                    double qn = 0;
                    rc = radar_quad_phi(s, t, fj, &z0, grad, &qn);
                    if (rc) break;
                    /* kw (|z0|^2 + 2 Re(z0^* grad^T (phi - phibar))) - 2 kw |z0| qn ||phi - phibar||^2 */
                    double complex kg = 0;
                    for (int n = 0; n < N; n++) kg -= grad[n] * xbar[n];
                    row_add_re(r1, N, grad, kg, 2 * kw[jf] * conj(z0) / Gm);
                    r1->k += kw[jf] * (creal(z0) * creal(z0) + cimag(z0) * cimag(z0)) / Gm;
                    S += 2 * kw[jf] * cabs(z0) * qn / Gm;
                }
            }
            if (rc) break;
            r1->k -= 1;
            if (phase1) r1->a[vd] = 1;
            if (mode == 0 || S <= 0) {
                rc = emit_ge0(&P, r1);
            } else {
                /* S ||phi - phibar||^2 <= r1 */
                double ss = sqrt(S);
                for (int n = 0; n < N; n++) {
                    row_zero(&big[2 * n]);
                    big[2 * n].a[2 * n] = ss;
                    big[2 * n].k = -ss * creal(xbar[n]);
                    row_zero(&big[2 * n + 1]);
                    big[2 * n + 1].a[2 * n + 1] = ss;
                    big[2 * n + 1].k = -ss * cimag(xbar[n]);
                }
                rc = emit_rcone(&P, 2 * N, big, r1);
            }
        }
    /* objective: geometric mean of (1 + gamma) by a tower of rotated cones */
    int root = -1;
    if (!rc && !phase1) {
        int node[64], nn = 1 << levels, next = vt;
        for (int i = 0; i < nn; i++) node[i] = i < K ? -(vg + i) - 2 : -1; /* -1: the constant 1 */
        while (nn > 1 && !rc) {
            for (int i = 0; i < nn / 2 && !rc; i++) {
                row_t *uu = r0, *ww = r1;
                /* w^2 <= u v  with u = leaf/node, v likewise:  ||(2w, u - v)|| <= u + v */
                int k = nisac_conic_add_soc_affine(P.c, 2);
                if (k < 0) {
                    rc = k;
                    break;
                }
                for (int side = 0; side < 2 && !rc; side++) {
                    int id = node[2 * i + side];
                    row_zero(uu);
                    if (id == -1) uu->k = 1;
                    else if (id <= -2) { /* (1 + G gt) / (1 + G) */
                        const double g = G[-id - 2 - vg];
                        uu->a[-id - 2] = g / (1 + g), uu->k = 1 / (1 + g);
                    }
                    else uu->a[id] = 1;
                    row_zero(ww);
                    memcpy(ww->a, uu->a, sizeof(double) * (size_t)nv);
                    ww->k = uu->k;
                    rc = emit_expr(&P, nisac_conic_soc_row(P.c, k, 0), ww);
                    if (!rc) {
                        for (int j2 = 0; j2 < nv; j2++) ww->a[j2] = side ? -uu->a[j2] : uu->a[j2];
                        ww->k = side ? -uu->k : uu->k;
                        rc = emit_expr(&P, nisac_conic_soc_row(P.c, k, 2), ww);
                    }
                }
                if (!rc) rc = nisac_conic_scalar(P.c, nisac_conic_soc_row(P.c, k, 1), P.col[next], 2);
                node[i] = next++;
            }
            nn /= 2;
        }
        root = nn == 1 ? node[0] : -1;
    }
    /* objective rows */
    if (!rc) {
        if (phase1) {
            rc = nisac_conic_scalar(P.c, NISAC_CONIC_OBJ, P.col[vd], 1);
            if (mode == 1)
                for (int n = 0; !rc && n < N; n++) rc = nisac_conic_scalar(P.c, NISAC_CONIC_OBJ, P.col[vs + n], lambda);
            /* delta >= -0.05: bounded, and a margin inside the feasible set */
            row_zero(r0);
            r0->a[vd] = 1;
            r0->k = 0.05;
            if (!rc) rc = emit_ge0(&P, r0);
        } else {
            double told = geo_value(K, gam_old, G, levels);
            if (!rc) {
                if (root <= -2) { /* one user: the leaf (1 + G gt) / (1 + G) itself */
                    const double g = G[-root - 2 - vg];
                    rc = nisac_conic_scalar(P.c, NISAC_CONIC_OBJ, P.col[-root - 2], -g / ((1 + g) * told));
                    if (!rc) rc = nisac_conic_obj_const(P.c, -1 / ((1 + g) * told));
                } else {
                    rc = nisac_conic_scalar(P.c, NISAC_CONIC_OBJ, P.col[root], -1 / told);
                }
            }
            if (!rc && mode == 1)
                for (int n = 0; !rc && n < N; n++) rc = nisac_conic_scalar(P.c, NISAC_CONIC_OBJ, P.col[vs + n], lambda);
            if (!rc) {
                double pen = 0;
                if (mode == 1)
                    for (int n = 0; n < N; n++) pen += fmax(0, 1 - creal(xbar[n] * conj(xbar[n])));
                out->obj_old = 1 - lambda * pen;
            }
        }
    }
    nisac_conic_result res;
    if (!rc) {
        rc = nisac_conic_solve(P.c, &s->copts, &res);
        s->solves++;
    }
    if (!rc) {
        out->status = res.status;
        if (res.status == NISAC_STATUS_OPTIMAL || res.status == NISAC_STATUS_INACCURATE) {
            for (int j = 0; j < nx; j++)
                x[j] = nisac_conic_scalar_value(P.c, P.col[2 * j]) + I * nisac_conic_scalar_value(P.c, P.col[2 * j + 1]);
            out->delta = phase1 ? nisac_conic_scalar_value(P.c, P.col[vd]) : 0;
            out->obj = -res.pobj;
            if (phase1) out->obj_old = out->obj;
        }
    }
    for (int i = 0; big && i < nbig; i++) free(big[i].a);
    free(big);
    free(xbar);
    free(a);
    free(f);
    free(grad);
    free(P.col);
    nisac_conic_free(P.c);
    return rc;
}

/* ---- the driver ---- */

static void order_by_gain(ao_t *s)
{
    refresh(s);
    double gain[NISAC_RIS_MAX_K];
    for (int k = 0; k < s->K; k++) {
        gain[k] = nisac_cnorm2(s->M, s->g + (size_t)k * s->M);
        s->order[k] = k;
    }
    for (int i = 1; i < s->K; i++)
        for (int j = i; j > 0 && gain[s->order[j]] < gain[s->order[j - 1]]; j--) {
            int t = s->order[j];
            s->order[j] = s->order[j - 1];
            s->order[j - 1] = t;
        }
}

/* MRT beams toward each user, the sensing beam toward the first target */
static void initial_beams(ao_t *s)
{
    const int M = s->M, C = s->C;
    refresh(s);
    double share = s->scheme == NISAC_RIS_OMA ? 0.5 : 1.0 / C;
    memset(s->v, 0, sizeof(double complex) * (size_t)M * C);
    for (int i = 0; i < C; i++) {
        const double complex *row = i == 0 ? (s->T > 0 ? s->c : NULL) : s->g + (size_t)(i - 1) * M;
        if (!row) continue;
        double n = sqrt(nisac_cnorm2(M, row));
        if (!(n > 0)) continue;
        for (int m = 0; m < M; m++) s->v[(size_t)i * M + m] = conj(row[m]) / n * sqrt(share * 0.99);
    }
}

/* Upper bounds valid for every unit-modulus phi: a target beyond them is
 * infeasible (certificate). */
static int certified_infeasible(const ao_t *s, char *why, size_t len)
{
    const int M = s->M, N = s->N;
    const nisac_ris_instance *in = s->in;
    double gn[4096];
    for (int n = 0; n < N && n < 4096; n++) {
        double r = 0;
        for (int m = 0; m < M; m++) r += creal(in->G[(size_t)m * N + n] * conj(in->G[(size_t)m * N + n]));
        gn[n] = sqrt(r);
    }
    for (int k = 0; k < s->K; k++) {
        double b = sqrt(nisac_cnorm2(M, in->hd + (size_t)k * M));
        if (s->ris)
            for (int n = 0; n < N; n++) b += cabs(in->hr[(size_t)k * N + n]) * gn[n];
        double smax = s->p->P_max * b * b / s->p->sigma2;
        if (smax < s->p->gamma) {
            snprintf(why, len, "user %d: SINR cannot exceed %.3g dB < gamma", k + 1, 10 * log10(smax));
            return 1;
        }
    }
    for (int t = 0; s->radar && t < s->T; t++) {
        double b = sqrt(nisac_cnorm2(M, in->hb + (size_t)t * M));
        if (s->ris)
            for (int n = 0; n < N; n++) b += cabs(in->ht[(size_t)t * N + n]) * gn[n];
        double smax = s->kr * b * b * b * b;
        if (smax < s->p->Gamma) {
            snprintf(why, len, "target %d: radar SNR cannot exceed %.3g dB < Gamma", t + 1, 10 * log10(smax));
            return 1;
        }
    }
    return 0;
}

/* Phase 1: SCA minimising the largest normalised shortfall delta,
 * alternating W steps and (when the phases move) phi steps, until
 * delta < 0 and the judge finds no violation. */
static int feasibility(ao_t *s, int move_phi, double lambda, int *ok)
{
    *ok = 0;
    double prev = INFINITY;
    int stall = 0, rc = 0;
    nisac_ris_eval ev;
    double complex *save = malloc(sizeof(double complex) * (size_t)s->N);
    if (!save) return NISAC_FAIL(NISAC_ENOMEM, "ris-ao: out of memory");
    for (int it = 0; it < 60 && !rc && *ok == 0; it++) {
        step_t st = {0};
        if ((rc = update_filters(s)) || (rc = sca_step(s, 0, 1, 0, &st))) break;
        if (st.status != NISAC_STATUS_OPTIMAL && st.status != NISAC_STATUS_INACCURATE) {
            if (st.status != NISAC_STATUS_INFEASIBLE) *ok = -1; /* the solver failed: not a verdict */
            s->failures++;
            break;
        }
        if ((rc = update_filters(s)) || (rc = judge(s, &ev))) break;
        double merit = max_viol(s, &ev);
        if (st.delta < -1e-3 && merit <= 0) {
            *ok = 1;
            break;
        }
        if (move_phi) {
            memcpy(save, s->phi, sizeof(double complex) * (size_t)s->N);
            step_t sp = {0};
            refresh(s);
            rc = sca_step(s, 1, 1, lambda, &sp);
            if (!rc) {
                for (int n = 0; n < s->N; n++) s->phi[n] = cabs(s->phi[n]) > 0 ? s->phi[n] / cabs(s->phi[n]) : 1;
                rc = update_filters(s);
            }
            if (!rc) rc = judge(s, &ev);
            const int good = sp.status == NISAC_STATUS_OPTIMAL || sp.status == NISAC_STATUS_INACCURATE;
            if (!good) s->failures++;
            if (!rc && good && max_viol(s, &ev) < merit) {
                merit = max_viol(s, &ev);
            } else if (!rc) {
                memcpy(s->phi, save, sizeof(double complex) * (size_t)s->N);
                rc = update_filters(s);
            }
            if (!rc && merit <= 0) {
                *ok = 1;
                break;
            }
        }
        /* stalled: less than 1% progress over 5 iterations */
        if (merit < 0.99 * prev) {
            prev = merit;
            stall = 0;
        } else if (++stall >= 5) {
            break;
        }
    }
    free(save);
    return rc;
}

static void random_phases(nisac_rng *r, int N, double complex *phi)
{
    for (int n = 0; n < N; n++) phi[n] = cexp(I * 2 * M_PI * nisac_rng_uniform(r));
}

static void aligned_phases(const ao_t *s, double complex *phi)
{
    /* co-phase, at antenna 0, each element's cascade toward the first target (or user) with
       the direct path */
    const int N = s->N;
    for (int n = 0; n < N; n++) {
        double complex cas = s->T > 0 ? conj(s->in->ht[n]) * s->in->G[n] : conj(s->in->hr[n]) * s->in->G[n];
        double complex dir = s->T > 0 ? conj(s->in->hb[0]) : conj(s->in->hd[0]);
        phi[n] = cabs(cas) > 0 ? cexp(I * (carg(dir) - carg(cas))) : 1;
    }
}

static int quantise(ao_t *s, int bits)
{
    const double L = (double)(1 << bits);
    for (int n = 0; n < s->N; n++) {
        double a = carg(s->phi[n]);
        double q = round(a / (2 * M_PI) * L) * (2 * M_PI) / L;
        s->phi[n] = cexp(I * q);
    }
    return 0;
}

static int ao_design(const nisac_instance *gi, const nisac_params *op, uint64_t seed, nisac_design_t *d,
                     nisac_report *r, int variant)
{
    const nisac_ris_instance *in = nisac_ris_instance_of(gi);
    if (!in) return NISAC_FAIL(NISAC_EINVAL, "ris-ao: not a ris-noma-isac instance");
    ao_opts_t o;
    opts_from(op, &o);
    ao_t s;
    int rc = ao_init(&s, in, variant == V_SDMA ? NISAC_RIS_SDMA : variant == V_OMA ? NISAC_RIS_OMA : NISAC_RIS_NOMA,
                     variant != V_COMM, variant != V_NORIS, o.sic_power, o.solver);
    const int M = s.M, N = s.N, C = s.C, T = s.T;
    double complex *vsave = calloc((size_t)M * C + N, sizeof(double complex));
    double *trace = calloc(2 * (size_t)o.max_outer + 2, sizeof(double));
    if (!rc && (!vsave || !trace)) rc = NISAC_FAIL(NISAC_ENOMEM, "ris-ao: out of memory");
    nisac_rng rng;
    nisac_rng_init(&rng, seed, 0, 0, NISAC_PURPOSE_ALGO);
    char why[160] = "";
    int feasible = 0, rejected = 0, iters = 0, ntrace = 0, ccp_steps_max = 0;
    if (!rc && certified_infeasible(&s, why, sizeof why)) {
        r->status = NISAC_STATUS_INFEASIBLE;
        snprintf(r->note, sizeof r->note, "infeasible (certified by an upper bound valid for every design): %s", why);
        nisac_report_set1(r, "certified", 1);
        goto done;
    }
    double t0 = nisac_wtime(), tw = 0, tu = 0, tp = 0, tf;
    int numerical = 0;
    for (int st = 0; !rc && st < o.starts && feasible != 1; st++) {
        if (!s.ris) memset(s.phi, 0, sizeof(double complex) * (size_t)N);
        else if (o.init == 1 && st == 0 && variant != V_RANDOM) aligned_phases(&s, s.phi);
        else random_phases(&rng, N, s.phi);
        if (s.ris && variant == V_DISCRETE) quantise(&s, o.bits);
        order_by_gain(&s);
        initial_beams(&s);
        rc = feasibility(&s, s.ris && variant != V_RANDOM, o.penalty, &feasible);
        numerical |= feasible == -1;
    }
    tf = nisac_wtime() - t0;
    nisac_report_set1(r, "time_phase1", tf);
    if (!rc && feasible != 1 && numerical) {
        r->status = NISAC_STATUS_NUMERICAL;
        snprintf(r->note, sizeof r->note, "the conic solver failed in the feasibility phase (%d failed solves)",
                 s.failures);
        goto done;
    }
    if (!rc && feasible != 1) {
        r->status = NISAC_STATUS_INFEASIBLE;
        snprintf(r->note, sizeof r->note,
                 "no feasible starting point: the feasibility phase failed from %d starting phases (not a proof)",
                 o.starts);
        nisac_report_set1(r, "certified", 0);
        goto done;
    }
    nisac_ris_eval ev;
    if (!rc) rc = judge(&s, &ev);
    double rate = rc ? 0 : ev.sum_rate;
    if (!rc) trace[ntrace++] = rate;
    const int opt_phi = s.ris && variant != V_RANDOM;
    for (int phase = 0; !rc && phase < (variant == V_DISCRETE ? 2 : 1); phase++) {
        const int move_phi = opt_phi && !(variant == V_DISCRETE && phase == 1);
        for (int it = 0; !rc && it < o.max_outer; it++) {
            const double before = rate;
            iters++;
            /* active beamforming P3 */
            double tb = nisac_wtime();
            for (int j = 0; !rc && j < o.w_steps; j++) {
                memcpy(vsave, s.v, sizeof(double complex) * (size_t)M * C);
                step_t stp = {0};
                rc = sca_step(&s, 0, 0, 0, &stp);
                if (rc) break;
                int good = stp.status == NISAC_STATUS_OPTIMAL || stp.status == NISAC_STATUS_INACCURATE;
                if (good && stp.obj < stp.obj_old * (1 - SURR_TOL)) {
                    s.inner_decreases++;
                    s.surr_worst = fmax(s.surr_worst, (stp.obj_old - stp.obj) / stp.obj_old);
                }
                if (good && !(rc = judge(&s, &ev)) && max_viol(&s, &ev) <= o.feas_tol && ev.sum_rate >= rate - 1e-12) {
                    rate = ev.sum_rate;
                } else {
                    memcpy(s.v, vsave, sizeof(double complex) * (size_t)M * C);
                    if (good) rejected++;
                    else s.failures++;
                    break;
                }
            }
            tw += nisac_wtime() - tb;
            /* receive filters (53) */
            tb = nisac_wtime();
            if (!rc) rc = update_filters(&s);
            tu += nisac_wtime() - tb;
            /* passive beamforming P7 by penalty CCP */
            tb = nisac_wtime();
            if (!rc && move_phi) {
                memcpy(vsave + (size_t)M * C, s.phi, sizeof(double complex) * (size_t)N);
                double lambda = o.penalty;
                int good = 1;
                /* at least phi_steps CCP steps, then on (penalty growing) until every
                   |phi_n|^2 >= 1 - unit_tol, at most max_ccp steps */
                double unit_gap = 1;
                for (int j = 0; !rc && good && (j < o.phi_steps || unit_gap > o.unit_tol) && j < o.max_ccp; j++) {
                    step_t stp = {0};
                    refresh(&s);
                    rc = sca_step(&s, 1, 0, lambda, &stp);
                    if (rc) break;
                    good = stp.status == NISAC_STATUS_OPTIMAL || stp.status == NISAC_STATUS_INACCURATE;
                    if (!good) s.failures++;
                    if (good && stp.obj < stp.obj_old - SURR_TOL * fabs(stp.obj_old)) {
                        s.inner_decreases++;
                        s.surr_worst = fmax(s.surr_worst, (stp.obj_old - stp.obj) / fabs(stp.obj_old));
                    }
                    lambda *= o.growth;
                    unit_gap = 0;
                    for (int n = 0; n < N; n++) unit_gap = fmax(unit_gap, 1 - creal(s.phi[n] * conj(s.phi[n])));
                }
                ccp_steps_max = unit_gap > o.unit_tol ? ccp_steps_max + 1 : ccp_steps_max;
                for (int n = 0; n < N; n++) s.phi[n] = cabs(s.phi[n]) > 0 ? s.phi[n] / cabs(s.phi[n]) : 1;
                if (!rc) rc = update_filters(&s);
                if (!rc) rc = judge(&s, &ev);
                if (!rc && (!good || max_viol(&s, &ev) > o.feas_tol || ev.sum_rate < rate - 1e-12)) {
                    memcpy(s.phi, vsave + (size_t)M * C, sizeof(double complex) * (size_t)N);
                    rc = update_filters(&s);
                    rejected++;
                } else if (!rc) {
                    rate = ev.sum_rate;
                }
            }
            tp += nisac_wtime() - tb;
            if (!rc) trace[ntrace < 2 * o.max_outer + 2 ? ntrace++ : ntrace - 1] = rate;
            if (rate - before <= o.tol * fmax(1, fabs(rate))) break;
        }
        if (!rc && variant == V_DISCRETE && phase == 0) {
            /* quantise the converged phases, restore feasibility with W, then AO over W and U */
            quantise(&s, o.bits);
            nisac_report_set1(r, "quantised_at", ntrace);
            if (s.scheme == NISAC_RIS_NOMA) order_by_gain(&s);
            rc = update_filters(&s);
            if (!rc) rc = judge(&s, &ev);
            if (!rc && max_viol(&s, &ev) > 0) {
                rc = feasibility(&s, 0, o.penalty, &feasible);
                if (!rc && feasible != 1) {
                    r->status = feasible == -1 ? NISAC_STATUS_NUMERICAL : NISAC_STATUS_INFEASIBLE;
                    snprintf(r->note, sizeof r->note,
                             "no feasible beams for the quantised phases (feasibility phase failed; not a proof)");
                    goto done;
                }
            }
            if (!rc) rc = judge(&s, &ev);
            rate = rc ? 0 : ev.sum_rate;
        }
    }
    if (!rc) {
        r->status = NISAC_STATUS_FEASIBLE; /* a stationary point of the AO, no optimality certificate */
        double sp = sqrt(in->p.P_max);
        nisac_block *W = nisac_design_block(d, "W"), *ph = nisac_design_block(d, "phi"), *U = nisac_design_block(d, "U");
        nisac_block *ord = nisac_design_block(d, "order"), *off = nisac_design_block(d, "ris_off");
        for (int i = 0; i < M * C; i++) W->z[i] = sp * s.v[i];
        memcpy(ph->z, s.phi, sizeof(double complex) * (size_t)N);
        if (T > 0) memcpy(U->z, s.U, sizeof(double complex) * (size_t)M * C * T);
        for (int k = 0; k < s.K; k++) ord->x[k] = s.scheme == NISAC_RIS_NOMA ? s.order[k] + 1 : 0;
        off->x[0] = s.ris ? 0 : 1;
        d->scheme = s.scheme;
        d->imposed = NISAC_RIS_C_SINR | NISAC_RIS_C_POWER | (s.radar ? NISAC_RIS_C_RADAR : 0) |
                     (s.ris ? NISAC_RIS_C_UNIT : 0) | (s.radar && s.scheme != NISAC_RIS_OMA ? NISAC_RIS_C_FILTER : 0) |
                     (s.scheme == NISAC_RIS_NOMA ? NISAC_RIS_C_ORDER | (s.sicpow ? NISAC_RIS_C_SICPOW : 0u) : 0u);
        r->objective_metric = "sum_rate";
        nisac_report_set(r, "trace", trace, ntrace);
        nisac_report_set1(r, "time_w", tw);
        nisac_report_set1(r, "time_filter", tu);
        nisac_report_set1(r, "time_phi", tp);
    }
done:
    r->iterations = iters;
    r->solves = s.solves;
    nisac_report_set1(r, "rejected", rejected);
    nisac_report_set1(r, "ccp_unconverged", ccp_steps_max);
    nisac_report_set1(r, "solver_failures", s.failures);
    nisac_report_set1(r, "inner_decreases", s.inner_decreases);
    nisac_report_set1(r, "surrogate_worst_fall", s.surr_worst);
    ao_release(&s);
    free(vsave);
    free(trace);
    return rc;
}

#define VARIANT(fn, v)                                                                                          \
    static int fn(const nisac_instance *i, const nisac_params *o, uint64_t s, nisac_design_t *d, nisac_report *r) \
    {                                                                                                           \
        return ao_design(i, o, s, d, r, v);                                                                     \
    }
VARIANT(full_design, V_FULL)
VARIANT(comm_design, V_COMM)
VARIANT(discrete_design, V_DISCRETE)
VARIANT(random_design, V_RANDOM)
VARIANT(noris_design, V_NORIS)
VARIANT(sdma_design, V_SDMA)
VARIANT(oma_design, V_OMA)

const nisac_algo nisac_algo_ris_ao = {"ris-ao", "ris-noma-isac",
                                      "Algorithm 1: AO of beams (SCA SOCP), filters (53), RIS phases (penalty CCP)",
                                      ao_opts, NOPTS, full_design, NULL};
const nisac_algo nisac_algo_ris_comm_only = {"ris-comm-only", "ris-noma-isac",
                                             "baseline: ris-ao without the radar constraints (27b)", ao_opts, NOPTS,
                                             comm_design, NULL};
const nisac_algo nisac_algo_ris_discrete = {"ris-discrete", "ris-noma-isac",
                                            "baseline: ris-ao, phases quantised to 2^bits levels, beams re-optimised",
                                            ao_opts, NOPTS, discrete_design, NULL};
const nisac_algo nisac_algo_ris_random = {"ris-random", "ris-noma-isac",
                                          "baseline: random RIS phases, beams and filters optimised", ao_opts, NOPTS,
                                          random_design, NULL};
const nisac_algo nisac_algo_ris_no_ris = {"ris-no-ris", "ris-noma-isac",
                                          "baseline: no RIS (Theta = 0), beams and filters optimised", ao_opts, NOPTS,
                                          noris_design, NULL};
const nisac_algo nisac_algo_ris_sdma = {"ris-sdma", "ris-noma-isac",
                                        "baseline without NOMA: SDMA, every user treats the others as interference",
                                        ao_opts, NOPTS, sdma_design, NULL};
const nisac_algo nisac_algo_ris_oma = {"ris-oma", "ris-noma-isac",
                                       "baseline without NOMA: OMA, K equal time shares", ao_opts, NOPTS, oma_design,
                                       NULL};

/* One W step (P3 SCA) from the feasible point (W, phi) with the filters
 * (53) and the decoding order by gain, on backend `solver`: the new W
 * and the surrogate's value relative to the old point.  Hidden in the
 * shared library; tests compare backends with it. */
int nisac__ris_wstep(const nisac_ris_instance *in, int scheme, double complex *W, const double complex *phi, int solver,
                     double *obj);
int nisac__ris_wstep(const nisac_ris_instance *in, int scheme, double complex *W, const double complex *phi, int solver,
                     double *obj)
{
    ao_t s;
    int rc = ao_init(&s, in, scheme, 1, phi != NULL, 1, solver);
    const int M = s.M, C = s.C;
    const double sp = sqrt(in->p.P_max);
    if (!rc) {
        for (int i = 0; i < M * C; i++) s.v[i] = W[i] / sp;
        if (phi) memcpy(s.phi, phi, sizeof(double complex) * (size_t)s.N);
        order_by_gain(&s);
        rc = update_filters(&s);
    }
    step_t st = {0};
    if (!rc) rc = sca_step(&s, 0, 0, 0, &st);
    if (!rc && st.status != NISAC_STATUS_OPTIMAL) rc = NISAC_FAIL(NISAC_EINVAL, "wstep: status %d", (int)st.status);
    if (!rc) {
        for (int i = 0; i < M * C; i++) W[i] = s.v[i] * sp;
        *obj = st.obj;
    }
    ao_release(&s);
    return rc;
}
