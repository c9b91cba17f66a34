/* sdr-rs: semidefinite relaxation of the rs-noma-isac design (paper 004,
 * (39)), for small arrays (docs/models/rs_noma_isac.md, "sdr-rs").
 *
 * Every beam w_j is lifted to W_j = w_j w_j^H >= 0 and the rank dropped.
 * The objective alpha1 sum_m log2 z_m + alpha2 sum_l log2 z_l (z_m: 1 plus
 * the SINR of message m at its weakest decoder; z_l: 1 + Gamma_l) is
 * maximised through the geometric mean of the z (a tower of second-order
 * cones), which needs alpha2 in {0, alpha1}.  The decodability constraints
 * (z_m - 1) I_s(W) <= S_s(W) are bilinear; SCA replaces the product by its
 * arithmetic-geometric upper bound ((z - 1)^2 c + I^2 / c) / 2, tight at the
 * current point (c = I_s / (z_m - 1)), a second-order cone, so every SDP is
 * convex and its optimum is feasible for the original constraints: the
 * relaxed objective never decreases.  At the end, rank one by the
 * principal eigenvectors and by Gaussian randomisation (W_j^1/2 xi), each
 * candidate at full power and judged by the exact objective; the best is
 * the design.  Powers are in units of P_max and signals in units of the
 * noise, so that the solver sees numbers near one. */
#include "nisac/algo.h"
#include "nisac/conic.h"
#include "nisac/linalg.h"
#include "nisac/rs_noma_isac.h"
#include "noma_sdr_internal.h"
#include "rs_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const nisac_param_def sdr_opts[] = {
    NOMA_SDR_OPTION_ENTRIES,
    {"max_iter", NULL, NISAC_PT_INT, NISAC_PC_NONE, "", 30, 1, 10000, 0, NULL, 0, NULL, 0, NULL,
     "SCA iterations (SDPs) at most"},
    {"tol", NULL, NISAC_PT_REAL, NISAC_PC_NONE, "", 1e-4, 0, 1, 0, NULL, 0, NULL, 0, NULL,
     "stop when the relaxed objective grows by less than tol (relative)"},
};

typedef struct {
    const nisac_rs_instance *ri;
    ws w;
    int M, nact, nleaf, levels;
    double kr, ks;        /* P_max / sigma^2 and P_max / sigma_s^2: signals in noise units */
    double complex *W;    /* nb x (M x M): the lifted beams in units of P_max */
    double *zst;          /* stages' and targets' current values: 1 + SINR */
    double *zleaf;        /* the leaves' current values (messages' minima, targets) */
} sdr_t;

static double abs2(double complex z) { return creal(z) * creal(z) + cimag(z) * cimag(z); }

/* h^H W_b h in noise units (k < K: user k; else target k - K with its radar factor left out). */
static double quad(const sdr_t *s, const double complex *h, int b)
{
    const int M = s->M;
    return creal(nisac_cquad(M, h, s->W + (size_t)b * M * M, M, h));
}

/* The relaxed point's leaves: 1 + SINR at every stage, the minimum per message, 1 + Gamma_l;
 * returns the relaxed objective.  ipn (ns + L) gets each stage's interference plus noise. */
static double relaxed(sdr_t *s, double *ipn)
{
    ws *w = &s->w;
    const nisac_rs_instance *ri = s->ri;
    const int M = s->M, L = w->L;
    double f = 0;
    for (int m = 0; m < w->nmsg; m++) {
        double z = INFINITY;
        for (int st = w->ms0[m]; st < w->ms0[m + 1]; st++) {
            const int k = w->st_user[st], b = w->st_beam[st];
            const double complex *h = ri->Hhat + (size_t)k * M;
            double itf = 1;
            for (int j = w->b0; j < w->b1; j++) {
                if (j == b) continue;
                int cancelled = 0;
                for (int e = w->excl0[st]; e < w->excl0[st + 1]; e++) cancelled |= w->excl[e] == j;
                if (!cancelled) itf += s->kr * quad(s, h, j);
            }
            ipn[st] = itf;
            s->zst[st] = 1 + s->kr * quad(s, h, b) / itf;
            z = fmin(z, s->zst[st]);
        }
        s->zleaf[m] = z;
        f += w->a1 * log2(z);
    }
    for (int l = 0; l < L && w->a2 > 0; l++) {
        double num = 0, den = 1;
        for (int b = w->b0; b < w->b1; b++) {
            num += w->sg[l] * s->ks * quad(s, ri->A + (size_t)l * M, b);
            for (int j = 0; j < L; j++)
                if (j != l) den += w->sg[(size_t)(L + 1) * (1 + l) + j] * s->ks * quad(s, ri->A + (size_t)j * M, b);
        }
        ipn[w->ns + l] = den;
        s->zleaf[w->nmsg + l] = s->zst[w->ns + l] = 1 + num / den;
        f += w->a2 * log2(1 + num / den);
    }
    return f;
}

/* The lifted beams projected onto the PSD cone (negative eigenvalues, the solver's rounding, set
 * to zero): the relaxed point is then evaluated as the beams it stands for.  U: M x M scratch,
 * lam: M. */
static int psd_project(sdr_t *s, double complex *U, double *lam)
{
    const int M = s->M;
    const size_t MM = (size_t)M * M;
    for (int b = s->w.b0; b < s->w.b1; b++) {
        double complex *W = s->W + MM * b;
        int rc = nisac_heig(M, W, M, lam, U, M);
        if (rc) return rc;
        memset(W, 0, sizeof(double complex) * MM);
        for (int e = 0; e < M; e++)
            if (lam[e] > 0) nisac_cher1(M, lam[e], U + (size_t)e * M, W, M);
    }
    return NISAC_OK;
}

/* One SCA SDP around the current point; on success s->W holds its solution.  rho > 0 adds the rank
 * penalty rho sum_j (Tr W_j - v_j^H W_j v_j) to the objective (pv: the beams' unit principal vectors,
 * M per beam), the refinement's convex-concave step. */
static int sca_sdp(sdr_t *s, const double *ipn, const nisac_conic_opts *co, double rho, const double complex *pv,
                   nisac_conic_result *res)
{
    ws *w = &s->w;
    const nisac_rs_instance *ri = s->ri;
    const int M = s->M, L = w->L, na = s->nact;
    nisac_conic *c = nisac_conic_new();
    if (!c) return NISAC_FAIL(NISAC_ENOMEM, "sdr-rs: out of memory");
    int rc = 0, blk[64], zv[256], node[512];
    for (int j = 0; j < na && rc >= 0; j++) rc = blk[j] = nisac_conic_add_hblock(c, M);
    for (int i = 0; i < s->nleaf && rc >= 0; i++) rc = zv[i] = nisac_conic_add_nonneg(c);
    if (rc < 0) goto out;
    rc = 0;
    /* power: sum tr(W_j) <= 1 */
    int row = nisac_conic_add_row(c, NISAC_ROW_LE, 1);
    for (int j = 0; j < na && !rc; j++)
        for (int i = 0; i < M && !rc; i++) rc = nisac_conic_hentry(c, row, blk[j], i, i, 1);
    /* decodability and sensing: ||(sqrt(c)(z - 1), I / sqrt(c), S - 1/2)|| <= S + 1/2 */
    const int nst = w->ns + (w->a2 > 0 ? L : 0);
    for (int st = 0; st < nst && !rc; st++) {
        const int sens = st >= w->ns, l = st - w->ns, leaf = sens ? w->nmsg + l : 0;
        int m = 0;
        if (!sens)
            while (w->ms0[m + 1] <= st) m++;
        const int zi = sens ? leaf : m;
        /* the cone scaled by the current interference I_t (S and I in units of I_t): c = 1 / (z_t - 1) */
        const double it_ = ipn[st], zt = fmax(s->zleaf[zi] - 1, 1e-9), sc = sqrt(1 / zt);
        const int k = nisac_conic_add_soc_affine(c, 3);
        if (k < 0) {
            rc = k;
            break;
        }
        const int r0 = nisac_conic_soc_row(c, k, 0), r1 = nisac_conic_soc_row(c, k, 1),
                  r2 = nisac_conic_soc_row(c, k, 2), r3 = nisac_conic_soc_row(c, k, 3);
        rc |= nisac_conic_scalar(c, r1, zv[zi], sc);
        rc |= nisac_conic_row_const(c, r1, -sc);
        rc |= nisac_conic_row_const(c, r0, 0.5);
        rc |= nisac_conic_row_const(c, r3, -0.5);
        rc |= nisac_conic_row_const(c, r2, 1 / (sc * it_));
        if (!sens) {
            const int u = w->st_user[st], b = w->st_beam[st];
            const double complex *h = ri->Hhat + (size_t)u * M;
            for (int j = w->b0; j < w->b1 && !rc; j++) {
                const int bj = blk[j - w->b0];
                if (j == b) {
                    rc |= nisac_conic_hquad(c, r0, bj, h, h, s->kr / it_);
                    rc |= nisac_conic_hquad(c, r3, bj, h, h, s->kr / it_);
                    continue;
                }
                int cancelled = 0;
                for (int e = w->excl0[st]; e < w->excl0[st + 1]; e++) cancelled |= w->excl[e] == j;
                if (!cancelled) rc |= nisac_conic_hquad(c, r2, bj, h, h, s->kr / (sc * it_));
            }
        } else {
            for (int j = w->b0; j < w->b1 && !rc; j++) {
                const int bj = blk[j - w->b0];
                const double complex *al = ri->A + (size_t)l * M;
                rc |= nisac_conic_hquad(c, r0, bj, al, al, w->sg[l] * s->ks / it_);
                rc |= nisac_conic_hquad(c, r3, bj, al, al, w->sg[l] * s->ks / it_);
                for (int q = 0; q < L && !rc; q++)
                    if (q != l)
                        rc |= nisac_conic_hquad(c, r2, bj, ri->A + (size_t)q * M, ri->A + (size_t)q * M,
                                                w->sg[(size_t)(L + 1) * (1 + l) + q] * s->ks / (sc * it_));
            }
        }
    }
    /* the geometric mean of the leaves: t^2 <= u v at each node, ||(2t, u - v)|| <= u + v */
    int nn = 1 << s->levels;
    for (int i = 0; i < nn; i++) node[i] = i < s->nleaf ? zv[i] : -1; /* -1: the constant 1 */
    while (nn > 1 && !rc) {
        for (int i = 0; i < nn / 2 && !rc; i++) {
            const int t = nisac_conic_add_nonneg(c), k = nisac_conic_add_soc_affine(c, 2);
            if (t < 0 || k < 0) {
                rc = t < 0 ? t : k;
                break;
            }
            const int r0 = nisac_conic_soc_row(c, k, 0), r1 = nisac_conic_soc_row(c, k, 1),
                      r2 = nisac_conic_soc_row(c, k, 2);
            for (int side = 0; side < 2; side++) {
                const int id = node[2 * i + side];
                const double sg = side ? -1 : 1;
                if (id < 0) {
                    rc |= nisac_conic_row_const(c, r0, 1);
                    rc |= nisac_conic_row_const(c, r2, sg);
                } else {
                    rc |= nisac_conic_scalar(c, r0, id, 1);
                    rc |= nisac_conic_scalar(c, r2, id, sg);
                }
            }
            rc |= nisac_conic_scalar(c, r1, t, 2);
            node[i] = t;
        }
        nn /= 2;
    }
    if (!rc) rc = nisac_conic_scalar(c, NISAC_CONIC_OBJ, node[0], -1);
    for (int j = 0; j < na && !rc && rho > 0; j++) {
        const double complex *v = pv + (size_t)(w->b0 + j) * M;
        rc = nisac_conic_hquad(c, NISAC_CONIC_OBJ, blk[j], v, v, -rho);
        for (int i = 0; i < M && !rc; i++) rc = nisac_conic_hentry(c, NISAC_CONIC_OBJ, blk[j], i, i, rho);
    }
    if (!rc) rc = nisac_conic_solve(c, co, res);
    if (!rc && nisac_status_has_design(res->status))
        for (int j = 0; j < na && !rc; j++)
            rc = nisac_conic_hvalue(c, blk[j], s->W + (size_t)(w->b0 + j) * M * M, M);
out:
    nisac_conic_free(c);
    return rc < 0 ? rc : 0;
}

/* Beams cand (M x nb) scaled to full power and judged by the exact objective (-INFINITY: no power).
 * Y: n x nb scratch, tot: the objective's scratch. */
static double judge_beams(sdr_t *s, double complex *cand, double complex *Y, double *tot)
{
    const nisac_rs_instance *ri = s->ri;
    const int M = s->M, nb = s->w.nb;
    double pw = 0;
    for (size_t i = 0; i < (size_t)M * nb; i++) pw += abs2(cand[i]);
    if (!(pw > 0)) return -INFINITY;
    const double sc = sqrt(ri->p.P_max / pw);
    for (size_t i = 0; i < (size_t)M * nb; i++) cand[i] *= sc;
    /* Y = V^H W: the users' and the targets' products */
    nisac_cgemm('C', 'N', ri->K, nb, M, 1, ri->Hhat, M, cand, M, 0, Y, s->w.n);
    if (ri->L > 0) nisac_cgemm('C', 'N', ri->L, nb, M, 1, ri->A, M, cand, M, 0, Y + ri->K, s->w.n);
    return objective(&s->w, Y, ri->p.P_max, 0, tot);
}

/* The geometric mean of the current leaves (the SDPs' objective, taken at the relaxed point). */
static double leaves_gm(const sdr_t *s)
{
    double lg = 0;
    for (int i = 0; i < s->nleaf; i++) lg += log2(s->zleaf[i]);
    return exp2(lg / (double)(1 << s->levels));
}

/* The refinement (an extension beyond the paper, as for noma-isac; docs/models/rs_noma_isac.md): SCA
 * steps with the rank penalty rho sum_j (Tr W_j - v_j^H W_j v_j) added, v_j the current principal
 * vectors, rho from a tenth of the geometric mean per unit trace, doubling, until every W_j is rank one
 * within rank_tol (the penalty against the beams' total trace) or refine_maxiter steps.  Each step's
 * cones are inner approximations tight at the current point, so in exact arithmetic F = -(geometric
 * mean) + rho (Tr - lambda_max) does not rise; a step that raises it (the solver's accuracy at a large
 * rho) is undone and ends the steps (*rise: the largest relative rise seen).  On return s->W is the refined point and pv the unit principal vectors scaled by
 * sqrt(lambda_1), i.e. the rank-one beams. */
static int refine_rs(sdr_t *s, double *ipn, const noma_opts *no, double complex *Wold, double complex *U, double *lam,
                     double complex *pv, int *iters, int *solves, double *rise)
{
    const int M = s->M;
    const size_t MM = (size_t)M * M;
    nisac_conic_opts co = no->sdp;
    double tr = 0;
    for (int b = s->w.b0; b < s->w.b1; b++)
        for (int i = 0; i < M; i++) tr += creal(s->W[MM * b + (size_t)i * M + i]);
    const double scale = tr > 0 ? leaves_gm(s) / tr : 1;
    double rho = 0.1 * scale, rho_prev = 0, F_prev = NAN;
    int rc = NISAC_OK, stop = 0;
    *rise = 0;
    for (*iters = 0;; (*iters)++) {
        double pen = 0, trace = 0;
        for (int b = s->w.b0; b < s->w.b1 && !rc; b++) {
            memcpy(U, s->W + MM * b, sizeof(double complex) * MM);
            if ((rc = nisac_heig(M, U, M, lam, U, M))) break;
            double t = 0;
            for (int i = 0; i < M; i++) t += fmax(lam[i], 0);
            pen += t - fmax(lam[M - 1], 0);
            trace += t;
            for (int i = 0; i < M; i++) pv[(size_t)b * M + i] = U[(size_t)(M - 1) * M + i];
        }
        if (rc) break;
        const double F = -leaves_gm(s) + rho_prev * pen;
        if (*iters > 0 && F > F_prev + 1e-9 * fabs(F_prev)) {
            /* the solver's inaccuracy at a large rho: a step that raised F is undone, and the steps end */
            *rise = fmax(*rise, (F - F_prev) / fabs(F_prev));
            memcpy(s->W, Wold, sizeof(double complex) * MM * s->w.nb);
            relaxed(s, ipn);
            stop = 1;
        }
        /* rank one within rank_tol of the beams' total power (a beam with no power has no rank to fix) */
        if (pen <= no->rank_tol * trace || *iters >= no->refine_maxiter || stop) {
            for (int b = s->w.b0; b < s->w.b1; b++) { /* the rank-one beams */
                memcpy(U, s->W + MM * b, sizeof(double complex) * MM);
                if ((rc = nisac_heig(M, U, M, lam, U, M))) break;
                for (int i = 0; i < M; i++) pv[(size_t)b * M + i] = sqrt(fmax(lam[M - 1], 0)) * U[(size_t)(M - 1) * M + i];
            }
            break;
        }
        F_prev = -leaves_gm(s) + rho * pen;
        nisac_conic_result res;
        memcpy(Wold, s->W, sizeof(double complex) * MM * s->w.nb);
        if ((rc = sca_sdp(s, ipn, &co, rho, pv, &res))) break;
        (*solves)++;
        if (!nisac_status_has_design(res.status)) { /* a failed step: back to the last point */
            memcpy(s->W, Wold, sizeof(double complex) * MM * s->w.nb);
            relaxed(s, ipn);
            stop = 1; /* extract the beams at once */
            continue;
        }
        if ((rc = psd_project(s, U, lam))) break;
        relaxed(s, ipn);
        rho_prev = rho;
        rho = fmin(2 * rho, 1e4 * scale);
    }
    return rc;
}

static int design(const nisac_instance *inst, const nisac_params *opts, uint64_t seed, nisac_design_t *d,
                  nisac_report *r)
{
    const nisac_rs_instance *ri = nisac_rs_instance_of(inst);
    if (!ri) return NISAC_FAIL(NISAC_EINVAL, "sdr-rs: not an rs-noma-isac instance");
    const nisac_rs_params *p = &ri->p;
    if (p->alpha[1] > 0 && p->alpha[1] != p->alpha[0])
        return NISAC_FAIL(NISAC_EUNSUPPORTED,
                          "sdr-rs: field 'alpha2': the geometric-mean objective needs alpha2 = 0 or alpha2 = alpha1 "
                          "(got alpha1 %g, alpha2 %g)", p->alpha[0], p->alpha[1]);
    noma_opts no;
    noma_opts_from(opts, seed, &no);
    const int max_iter = (int)nisac_params_get(opts, "max_iter");
    const double tol = nisac_params_get(opts, "tol");
    sdr_t s;
    memset(&s, 0, sizeof s);
    s.ri = ri;
    int rc = ws_init(&s.w, ri, V_RS);
    ws *w = &s.w;
    const int M = ri->M, K = ri->K, G = ri->G, L = ri->L, nb = w->nb;
    s.M = M, s.nact = w->b1 - w->b0;
    s.nleaf = w->nmsg + (w->a2 > 0 ? L : 0);
    while ((1 << s.levels) < s.nleaf) s.levels++;
    s.kr = p->P_max / p->sigma2, s.ks = p->P_max / p->sigma_s2;
    if (!rc && (s.nact > 64 || s.nleaf > 256))
        rc = NISAC_FAIL(NISAC_EUNSUPPORTED, "sdr-rs: %d beams and %d messages: small instances only (64, 256)",
                        s.nact, s.nleaf);
    const size_t MM = (size_t)M * M;
    s.W = calloc(MM * nb, sizeof(double complex));
    s.zst = malloc(sizeof(double) * ((size_t)w->ns + L + 1) * 3);
    s.zleaf = malloc(sizeof(double) * ((size_t)s.nleaf + 1));
    double complex *B = malloc(sizeof(double complex) * (size_t)M * nb * 2 + sizeof(double complex) * MM);
    double complex *Wold = malloc(sizeof(double complex) * MM * nb), *U = malloc(sizeof(double complex) * MM);
    double *ev = malloc(sizeof(double) * ((size_t)M + (size_t)max_iter + 1 + (size_t)nb + K));
    if (!rc && (!s.W || !s.zst || !s.zleaf || !B || !ev || !Wold || !U)) rc = NISAC_FAIL(NISAC_ENOMEM, "sdr-rs: out of memory");
    double *ipn = s.zst + w->ns + L + 1, *trace = ev + M, *ratio = trace + max_iter + 1, *tot = ratio + nb;
    double powers[4096 + 1], rho[4096];
    int it = 0, solves = 0;
    double f = NAN;
    nisac_conic_result res = {0};
    if (!rc && G + K + 1 > 4097) rc = NISAC_FAIL(NISAC_EUNSUPPORTED, "sdr-rs: too many streams");
    if (!rc) { /* the initial point (33)-(38), lifted */
        const nisac_rs_layout lay = nisac_rs_instance_layout(ri);
        double complex *Wc = B, *Wp = B + (size_t)M * G, *wsb = Wp + (size_t)M * K;
        rc = nisac_rs_initial(&lay, ri->Hhat, p->sigma2, p->P_max, L, L > 0 ? ri->A : NULL, ri->rcs, Wc, Wp,
                              L > 0 ? wsb : NULL, powers, rho);
        for (int b = w->b0; b < w->b1 && !rc; b++) {
            const double complex *v = B + (size_t)b * M;
            for (int i = 0; i < M; i++)
                for (int j = 0; j < M; j++) s.W[MM * b + (size_t)j * M + i] = powers[b] / p->P_max * v[i] * conj(v[j]);
        }
    }
    if (!rc) {
        f = relaxed(&s, ipn);
        trace[0] = f;
        nisac_conic_opts co = no.sdp;
        while (it < max_iter) {
            memcpy(Wold, s.W, sizeof(double complex) * MM * nb);
            if ((rc = sca_sdp(&s, ipn, &co, 0, NULL, &res))) break;
            solves++;
            if (!nisac_status_has_design(res.status)) {
                memcpy(s.W, Wold, sizeof(double complex) * MM * nb);
                break;
            }
            if ((rc = psd_project(&s, U, ev))) break;
            const double fn = relaxed(&s, ipn);
            if (!(fn >= f)) { /* the solver's inaccuracy made no progress: keep the last point */
                memcpy(s.W, Wold, sizeof(double complex) * MM * nb);
                relaxed(&s, ipn);
                break;
            }
            trace[++it] = fn;
            const double df = fn - f;
            f = fn;
            if (df <= tol * fabs(f)) break;
        }
    }
    if (!rc && solves > 0 && !nisac_status_has_design(res.status) && it == 0) {
        r->status = NISAC_STATUS_NUMERICAL;
        snprintf(r->note, sizeof r->note, "sdr-rs: the first SDP ended %s", nisac_status_name(res.status));
    } else if (!rc) {
        /* rank one: principal eigenvectors, then Gaussian randomisation; judged by the exact objective */
        nisac_rng g;
        nisac_rng_init(&g, seed, 0, 0, NISAC_PURPOSE_ALGO);
        double complex *cand = B, *Y = B + (size_t)M * nb, *Ue = B + (size_t)M * nb * 2;
        double *lam = ev;
        double best = -INFINITY, maxratio = 0;
        int randomized = 0;
        double complex *Ub = malloc(sizeof(double complex) * MM * nb), *bestW = malloc(sizeof(double complex) * (size_t)M * nb);
        double *lb = malloc(sizeof(double) * (size_t)M * nb);
        if (!Ub || !bestW || !lb) rc = NISAC_FAIL(NISAC_ENOMEM, "sdr-rs: out of memory");
        for (int b = w->b0; b < w->b1 && !rc; b++) {
            memcpy(Ue, s.W + MM * b, sizeof(double complex) * MM);
            rc = nisac_heig(M, Ue, M, lam, Ub + MM * b, M);
            for (int i = 0; i < M && !rc; i++) lb[(size_t)b * M + i] = fmax(lam[i], 0);
            ratio[b] = lam[M - 1] > 0 ? fmax(lam[M > 1 ? M - 2 : 0], 0) / lam[M - 1] : 0;
            maxratio = fmax(maxratio, ratio[b]);
        }
        for (int t = 0; t <= no.nrand && !rc; t++) {
            memset(cand, 0, sizeof(double complex) * (size_t)M * nb);
            for (int b = w->b0; b < w->b1; b++) {
                double complex *v = cand + (size_t)b * M;
                const double complex *Vb = Ub + MM * b;
                for (int i = 0; i < M; i++) {
                    /* t = 0: the principal eigenvector sqrt(l1) u1; else W^1/2 xi */
                    const double complex xi = t == 0 ? (i == M - 1) : nisac_rng_cn(&g);
                    const double sl = sqrt(lb[(size_t)b * M + i]);
                    for (int q = 0; q < M; q++) v[q] += Vb[(size_t)i * M + q] * sl * xi;
                }
            }
            const double fc = judge_beams(&s, cand, Y, tot);
            if (fc > best) {
                best = fc;
                randomized = t > 0;
                memcpy(bestW, cand, sizeof(double complex) * (size_t)M * nb);
            }
        }
        /* the refinement from the relaxed point: its rank-one beams replace the best candidate when better */
        int refined = 0, riters = 0;
        double rise = 0;
        if (!rc && no.refine && maxratio > no.rank_tol) {
            memset(cand, 0, sizeof(double complex) * (size_t)M * nb);
            rc = refine_rs(&s, ipn, &no, Wold, U, lam, cand, &riters, &solves, &rise);
            const double fc = rc ? -INFINITY : judge_beams(&s, cand, Y, tot);
            if (fc > best) {
                best = fc;
                refined = 1;
                randomized = 0;
                memcpy(bestW, cand, sizeof(double complex) * (size_t)M * nb);
            }
        }
        if (!rc) {
            nisac_report_set1(r, "refined", refined);
            nisac_report_set1(r, "refine_iterations", riters);
            nisac_report_set1(r, "refine_rise", rise);
            memcpy(d->blocks[0].z, bestW, sizeof(double complex) * (size_t)M * G);
            memcpy(d->blocks[1].z, bestW + (size_t)M * G, sizeof(double complex) * (size_t)M * K);
            memcpy(d->blocks[2].z, bestW + (size_t)M * (G + K), sizeof(double complex) * (size_t)M);
            r->status = NISAC_STATUS_FEASIBLE; /* a rank-one design judged exactly; the SDPs' accuracy is reported */
            r->objective_metric = "objective"; /* (26a), judged */
            r->iterations = it;
            r->solves = solves;
            r->gap = res.rel_gap;
            r->pinf = res.pinf;
            nisac_report_set(r, "trace", trace, it + 1);
            nisac_report_set1(r, "relaxed_objective", f);
            nisac_report_set1(r, "objective_design", best);
            nisac_report_set1(r, "max_rank_ratio", maxratio);
            nisac_report_set1(r, "randomized", randomized);
            nisac_report_set1(r, "last_sdp_inaccurate", res.status == NISAC_STATUS_INACCURATE);
        }
        free(Ub), free(bestW), free(lb);
    }
    if (rc == NISAC_ELAPACK) {
        r->status = NISAC_STATUS_NUMERICAL;
        snprintf(r->note, sizeof r->note, "%s", nisac_last_error());
        rc = NISAC_OK;
    }
    free(s.W), free(s.zst), free(s.zleaf), free(B), free(ev), free(Wold), free(U);
    ws_free(&s.w);
    return rc;
}

/* The native backend's Schur complement over the lifted variables: m = beams M^2 real unknowns. */
static double memory_mb(const nisac_params *ps, const nisac_params *opts)
{
    (void)opts;
    nisac_rs_params p;
    nisac_rs_params_from(ps, &p);
    const double m = (double)(p.G + p.K + 1) * p.M * p.M;
    return 3 * m * m * 8 / 1048576.0;
}

const nisac_algo nisac_algo_rs_sdr = {
    "sdr-rs", "rs-noma-isac",
    "semidefinite relaxation (39) by SCA of SDPs, geometric-mean objective, Gaussian randomisation; small sizes",
    sdr_opts, (int)(sizeof sdr_opts / sizeof sdr_opts[0]), design, memory_mb};
