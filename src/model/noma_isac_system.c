/* The system `noma-isac` (paper 000): its tables, instances from drawn or
 * explicit channels, designs, and the judge that fills every metric from
 * the model (docs/models/noma_isac.md). */
#include "nisac/noma_isac.h"
#include "nisac/channel.h"
#include "nisac/defaults.h"
#include "nisac/linalg.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Parameter indices: the order of the table below. */
enum { P_N, P_K, P_TARGETS, P_SIGMA2, P_PS, P_PDIFF, P_XI, P_PTOTAL, P_GAMMA, P_EPS, P_DLAMBDA, P_RHOC, P_RHOS,
       P_DECODERS, P_SICORDER, P_COUNT };

static const char *const decoder_names[] = {"all", "own"};
static const double default_targets[] = {-60, 60};

#define REAL_GE0(name, alias, unit, def, help) \
    {name, alias, NISAC_PT_REAL, NISAC_PC_NONE, unit, def, 0, INFINITY, 0, NULL, 0, NULL, 0, NULL, help}
#define REAL_GT0(name, alias, unit, def, help) \
    {name, alias, NISAC_PT_REAL, NISAC_PC_NONE, unit, def, 0, INFINITY, NISAC_PF_OPEN_LO, NULL, 0, NULL, 0, NULL, help}

static const nisac_param_def params[P_COUNT] = {
    {"N", NULL, NISAC_PT_INT, NISAC_PC_NONE, "", NISAC_DEF_N, 1, NISAC_NOMA_MAX_N, 0, NULL, 0, NULL, 0, NULL,
     "BS antennas"},
    {"K", NULL, NISAC_PT_INT, NISAC_PC_NONE, "", NISAC_DEF_K, 1, NISAC_NOMA_MAX_K, 0, NULL, 0, NULL, 0, NULL,
     "single-antenna users"},
    {"targets_deg", "targets", NISAC_PT_LIST, NISAC_PC_DEG, "deg", 0, -90, 90, NISAC_PF_NOSWEEP, NULL, 0,
     default_targets, 2, NULL, "target directions theta_m (degrees; 'none' on the command line: no target)"},
    REAL_GT0("sigma2", NULL, "W", NISAC_DEF_SIGMA2, "noise variance sigma_n^2"),
    REAL_GE0("Ps", NULL, "W", NISAC_DEF_PS, "sensing power threshold P_s per target (12e)"),
    REAL_GE0("Pdiff", NULL, "W", NISAC_DEF_PDIFF, "bound on the sensing power difference between targets (12f)"),
    {"xi", NULL, NISAC_PT_REAL, NISAC_PC_NONE, "W^2", NISAC_DEF_XI, -INFINITY, INFINITY, 0, NULL, 0, NULL, 0, NULL,
     "bound xi on the mean-squared cross-correlation (7), (12g); <= 0 disables"},
    REAL_GT0("P_total", "Ptotal", "W", NISAC_DEF_PTOTAL, "power budget (8b), used by max-min"),
    {"gamma_db", NULL, NISAC_PT_REAL, NISAC_PC_DB, "dB", NISAC_DEF_GAMMA_DB, -100, 100, 0, NULL, 0, NULL, 0,
     "min_sinr_db", "SINR target of every user (12b), used by power minimisation"},
    REAL_GE0("eps", NULL, "", NISAC_DEF_EPS, "CSI error bound epsilon (15) (channel-norm units)"),
    {"d_lambda", NULL, NISAC_PT_REAL, NISAC_PC_NONE, "wavelengths", NISAC_DEF_D_LAMBDA, 0, 1, NISAC_PF_OPEN_LO, NULL,
     0, NULL, 0, NULL, "antenna spacing d/lambda"},
    REAL_GE0("rho_c", NULL, "", NISAC_DEF_RHO, "weight of the beam power in the objective (12a)"),
    REAL_GE0("rho_s", NULL, "", NISAC_DEF_RHO, "weight of the sensing power in the objective (12a)"),
    {"decoders", NULL, NISAC_PT_CHOICE, NISAC_PC_NONE, "", NISAC_DECODERS_ALL, 0, 1, 0, decoder_names, 2, NULL, 0,
     NULL, "SINR constraints (12b): all = every user l >= k decodes message k (SIC), own = only l = k"},
    {"sic_power_order", "sic-order", NISAC_PT_BOOL, NISAC_PC_NONE, "", 0, 0, 1, 0, NULL, 0, NULL, 0, NULL,
     "impose the SIC power-order constraint (3)"},
};

static const char *const dims[] = {"user", "target"};
enum { D_USER, D_TARGET };

/* The order of the NISAC_C_* bits. */
static const nisac_constraint_def constraints[] = {
    {"sinr", "(12b)", "SINR_l^k >= gamma_k for the decoders l of message k"},
    {"sensing", "(12e)", "P(theta_m) >= Ps at every target"},
    {"difference", "(12f)", "|P(theta_p) - P(theta_m)| <= Pdiff"},
    {"xcorr", "(12g)", "mean-squared cross-correlation <= xi"},
    {"budget", "(8b)", "beam power + sensing power <= P_total"},
    {"sic_order", "(3)", "SIC power order at every user"},
    {"robust_sinr", "(21)", "worst-case SINR over ||dh|| <= eps >= gamma_k"},
};

enum { M_OBJECTIVE, M_MIN_SINR, M_USER_SINR, M_T, M_TOTAL, M_COMM, M_SENSE_SUM, M_SENSE, M_MIN_RATE, M_RATE_SINR,
       M_SUM_RATE, M_USER_RATE, M_BEAM_POWER, M_XCORR, M_MAX_VIOL, M_WORST, M_GAMMA, M_OUTAGE, M_SOLVES,
       M_ITERATIONS, M_RANK, M_RANDOMIZED, M_WALL, M_ORDER, M_BOUND_GAP, M_REFINED, M_COUNT };

#define DA (NISAC_MF_DESIGN | NISAC_MF_ALWAYS)
static const nisac_metric_def metrics[M_COUNT] = {
    {"objective", "W", -1, NISAC_PC_NONE, 0, "objective (12a) of the design: weighted beam + sensing power"},
    {"min_sinr_db", "dB", -1, NISAC_PC_DB, 0, "minimum SINR over users, per the decoders reading"},
    {"user_sinr_db", "dB", D_USER, NISAC_PC_DB, 0, "SINR of each user in SIC order"},
    {"t_db", "dB", -1, NISAC_PC_DB, DA, "max-min: last feasible bisection value t"},
    {"total_power", "W", -1, NISAC_PC_NONE, 0, "beam power + sensing power, the sum of (8b)"},
    {"comm_power", "W", -1, NISAC_PC_NONE, 0, "sum of ||w_k||^2"},
    {"sense_sum", "W", -1, NISAC_PC_NONE, 0, "sum over targets of the sensing power P(theta_m)"},
    {"sense_power", "W", D_TARGET, NISAC_PC_NONE, 0, "sensing power P(theta_m) (5) at each target"},
    {"min_rate", "bit/s/Hz", -1, NISAC_PC_NONE, 0, "minimum user rate"},
    {"min_rate_sinr_db", "dB", -1, NISAC_PC_DB, 0,
     "2^min_rate - 1: the SINR of a full-time link with the minimum rate (OMA vs NOMA on rates)"},
    {"sum_rate", "bit/s/Hz", -1, NISAC_PC_NONE, 0, "sum of the user rates"},
    {"user_rate", "bit/s/Hz", D_USER, NISAC_PC_NONE, 0, "rate of each user in SIC order"},
    {"beam_power", "W", D_USER, NISAC_PC_NONE, 0, "||w_k||^2 of each user in SIC order"},
    {"xcorr", "W^2", -1, NISAC_PC_NONE, 0, "mean-squared cross-correlation (7)"},
    {"max_viol", "", -1, NISAC_PC_NONE, 0, "largest relative violation of an imposed constraint"},
    {"worst_min_sinr_db", "dB", -1, NISAC_PC_DB, DA, "robust designs: worst-case min SINR over the error ball"},
    {"gamma_db", "dB", -1, NISAC_PC_DB, DA, "the SINR target the design was given"},
    {"outage", "", -1, NISAC_PC_NONE, 0, "1 when the min SINR is below the target gamma, else 0"},
    {"solves", "", -1, NISAC_PC_NONE, DA, "conic solves used"},
    {"iterations", "", -1, NISAC_PC_NONE, DA, "outer iterations (bisection steps)"},
    {"max_rank_ratio", "", -1, NISAC_PC_NONE, NISAC_MF_DESIGN, "largest lambda2/lambda1 of the relaxation's W_k"},
    {"randomized", "", -1, NISAC_PC_NONE, DA, "1 when Gaussian randomisation was used"},
    {"wall", "s", -1, NISAC_PC_NONE, DA, "seconds of the design (varies run to run: breaks byte-identity)"},
    {"user_order", "", D_USER, NISAC_PC_NONE, DA, "the caller's index (from 1) of the user at each SIC position"},
    {"bound_gap", "", -1, NISAC_PC_NONE, DA,
     "|objective - bound| / |bound|: the design's objective against the relaxation's bound (linear SINR for max-min)"},
    {"refined", "", -1, NISAC_PC_NONE, DA, "1 when the design comes from the rank-one refinement"},
};

static const nisac_input_def inputs[] = {
    {"channels", "K", "N", "K channel vectors h_k of N [re, im] pairs, in the caller's user order"},
};
static const char *const channel_models[] = {"rayleigh"};
static const char *const eval_modes[] = {"estimate", "error_ball", "error_sphere"};
static const char *const default_metrics[] = {"objective", "min_sinr_db", "total_power", "comm_power", "sense_sum",
                                              "max_viol", NULL};

void nisac_noma_params_from(const nisac_params *ps, nisac_noma_params *p)
{
    nisac_noma_params_default(p);
    const double *v = ps->v;
    p->N = (int)v[P_N];
    p->K = (int)v[P_K];
    p->M = ps->len[P_TARGETS];
    p->theta = ps->list[P_TARGETS];
    p->sigma2 = v[P_SIGMA2];
    p->Ps = v[P_PS];
    p->Pdiff = v[P_PDIFF];
    p->xi = v[P_XI];
    p->P_total = v[P_PTOTAL];
    p->gamma = v[P_GAMMA];
    p->eps = v[P_EPS];
    p->d_lambda = v[P_DLAMBDA];
    p->rho_c = v[P_RHOC];
    p->rho_s = v[P_RHOS];
    p->decoders = (nisac_decoders)(int)v[P_DECODERS];
    p->sic_power_order = v[P_SICORDER] != 0;
}

static int check(const nisac_params *ps)
{
    nisac_noma_params p;
    nisac_noma_params_from(ps, &p);
    return nisac_noma_params_check(&p);
}

static void dim_sizes(const nisac_params *ps, int *size)
{
    size[D_USER] = (int)ps->v[P_K];
    size[D_TARGET] = ps->len[P_TARGETS];
}

static int instance_new(const nisac_params *ps, int model, const nisac_inputs *in, uint64_t seed, uint64_t point,
                        uint64_t trial, void **impl)
{
    (void)model; /* rayleigh is the only model */
    nisac_noma_params p;
    nisac_noma_params_from(ps, &p);
    if (in && in->n > 0 && in->z[0]) {
        if (in->rows[0] != p.N || in->cols[0] != p.K)
            return NISAC_FAIL(NISAC_EINVAL, "field 'channels': %d vectors of %d entries, but N=%d K=%d",
                              in->cols[0], in->rows[0], p.N, p.K);
        return nisac_noma_instance_new(&p, in->z[0], p.N, (nisac_noma_instance **)impl);
    }
    double complex *H = malloc(sizeof(double complex) * (size_t)p.N * (size_t)p.K);
    if (!H) return NISAC_FAIL(NISAC_ENOMEM, "instance: out of memory");
    nisac_rng r;
    nisac_rng_init(&r, seed, point, trial, NISAC_PURPOSE_CHANNEL);
    nisac_rayleigh(&r, p.N, p.K, H, p.N);
    int rc = nisac_noma_instance_new(&p, H, p.N, (nisac_noma_instance **)impl);
    free(H);
    return rc;
}

static void instance_free(void *impl) { nisac_noma_instance_free(impl); }

static int design_alloc(const nisac_instance *inst, nisac_design_t *d)
{
    const nisac_noma_instance *ni = inst->impl;
    int rc = nisac_design_set_block(d, 0, "W", ni->p.N, ni->p.K, 1);
    if (!rc) rc = nisac_design_set_block(d, 1, "slot_gamma", 1, 1, 0);
    return rc;
}

/* Worst-case SINR over the eps-ball of a robust design: the min over
 * (k, l), and the relative shortfall against the targets. */
static int robust_worst(const nisac_noma_instance *ni, const double complex *W, double *worst, double *viol)
{
    const int K = ni->p.K;
    double *ws = malloc(sizeof(double) * (size_t)K * (size_t)K);
    if (!ws) return NISAC_FAIL(NISAC_ENOMEM, "evaluate: out of memory");
    int rc = nisac_noma_worst_sinr(ni, W, ni->p.N, ni->p.eps, 1e-9, ws);
    *worst = INFINITY;
    *viol = 0;
    for (int k = 0; !rc && k < K; k++)
        for (int l = k; l < K; l++) {
            double w = ws[(size_t)k * K + l];
            if (isnan(w)) continue;
            *worst = fmin(*worst, w);
            if (ni->gamma[k] > 0) *viol = fmax(*viol, (ni->gamma[k] - w) / ni->gamma[k]);
        }
    free(ws);
    return rc;
}

/* The model's evaluation on the instance (mode 0) or on a drawn channel
 * H + dH (modes 1, 2: dH uniform in the ball, or on the sphere, of
 * radius eps per user).  NOMA designs are judged by (17), SIC done with
 * the estimate; OMA designs by their own model on the true channel. */
static int judge(const nisac_noma_instance *ni, const nisac_design_t *d, const nisac_eval_opts *o, nisac_noma_eval *ne)
{
    const int N = ni->p.N, K = ni->p.K;
    const double complex *W = d->blocks[0].z;
    const double slot_gamma = d->blocks[1].x[0];
    const int oma = d->scheme == NISAC_NOMA_SCHEME_OMA;
    if (o->mode == 0)
        return oma ? nisac_oma_evaluate(ni, W, N, slot_gamma, d->imposed, ne)
                   : nisac_noma_evaluate(ni, W, N, NULL, d->imposed, ne);
    double complex *dH = malloc(sizeof(double complex) * (size_t)N * K * 2);
    if (!dH) return NISAC_FAIL(NISAC_ENOMEM, "evaluate: out of memory");
    const double eps = isnan(o->eps) ? ni->p.eps : o->eps;
    for (int k = 0; k < K; k++) {
        if (o->mode == 1) nisac_csi_error_ball(o->rng, N, eps, dH + (size_t)k * N);
        else nisac_csi_error_sphere(o->rng, N, eps, dH + (size_t)k * N);
    }
    int rc;
    if (!oma) rc = nisac_noma_evaluate(ni, W, N, dH, d->imposed, ne);
    else {
        double complex *Ht = dH + (size_t)N * K;
        for (size_t i = 0; i < (size_t)N * K; i++) Ht[i] = ni->H[i] + dH[i];
        nisac_noma_instance tru = *ni;
        tru.H = Ht;
        rc = nisac_oma_evaluate(&tru, W, N, slot_gamma, d->imposed, ne);
    }
    free(dH);
    return rc;
}

static int evaluate(const nisac_instance *inst, const nisac_design_t *d, const nisac_report *r,
                    const nisac_eval_opts *o, nisac_eval *ev)
{
    const nisac_noma_instance *ni = inst->impl;
    const int K = ni->p.K, M = ni->p.M;
    nisac_noma_eval ne = NISAC_NOMA_EVAL_INIT;
    int rc = judge(ni, d, o, &ne);
    double worst = NAN, rviol = 0;
    if (!rc && o->mode == 0 && (d->imposed & NISAC_C_ROBUST)) rc = robust_worst(ni, d->blocks[0].z, &worst, &rviol);
    if (rc) {
        nisac_noma_eval_release(&ne);
        return rc;
    }
    double **v = ev->val;
    v[M_OBJECTIVE][0] = ne.objective;
    v[M_MIN_SINR][0] = ne.min_sinr;
    double t = nisac_report_get1(r, "t", 0);
    v[M_T][0] = t > 0 ? t : NAN;
    v[M_TOTAL][0] = ne.total_power;
    v[M_COMM][0] = ne.comm_power;
    v[M_SENSE_SUM][0] = ne.sense_sum;
    v[M_MIN_RATE][0] = ne.min_rate;
    v[M_RATE_SINR][0] = exp2(ne.min_rate) - 1;
    double sum = 0;
    for (int k = 0; k < K; k++) {
        v[M_USER_SINR][k] = ne.user_sinr[k];
        v[M_USER_RATE][k] = ne.rate[k];
        v[M_BEAM_POWER][k] = ne.beam_power[k];
        v[M_ORDER][k] = ni->order[k] + 1;
        sum += ne.rate[k];
    }
    v[M_SUM_RATE][0] = sum;
    for (int m = 0; m < M; m++) v[M_SENSE][m] = ne.sense_power[m];
    v[M_XCORR][0] = ne.xcorr;
    v[M_WORST][0] = worst;
    v[M_GAMMA][0] = ni->p.gamma;
    v[M_OUTAGE][0] = ne.min_sinr < ni->p.gamma * (1 - o->feas_tol) ? 1.0 : 0.0;
    v[M_SOLVES][0] = r ? r->solves : 0;
    v[M_ITERATIONS][0] = r ? r->iterations : 0;
    v[M_RANK][0] = nisac_report_get1(r, "max_rank_ratio", 0);
    v[M_RANDOMIZED][0] = nisac_report_get1(r, "randomized", 0);
    v[M_WALL][0] = r ? r->wall : 0;
    v[M_REFINED][0] = nisac_report_get1(r, "refined", 0);
    v[M_BOUND_GAP][0] = NAN;
    for (int i = 0; r && r->objective_metric && isfinite(r->bound) && r->bound != 0 && i < M_COUNT; i++)
        if (!strcmp(metrics[i].name, r->objective_metric))
            v[M_BOUND_GAP][0] = fabs(v[i][0] - r->bound) / fabs(r->bound);
    double viol[] = {ne.viol_sinr, ne.viol_sense, ne.viol_diff, ne.viol_xcorr, ne.viol_budget, ne.viol_sicorder,
                     rviol};
    memcpy(ev->viol, viol, sizeof viol);
    /* max_viol is filled by nisac_evaluate over the imposed families */
    nisac_noma_eval_release(&ne);
    return NISAC_OK;
}

const nisac_system nisac_system_noma_isac = {
    "noma-isac",
    "paper 000: NOMA-ISAC, one BS with N antennas, K single-antenna users, M sensing targets",
    params, P_COUNT,
    dims, 2,
    metrics, M_COUNT,
    constraints, (int)(sizeof constraints / sizeof constraints[0]),
    inputs, 1,
    channel_models, 1,
    eval_modes, 3,
    default_metrics,
    "sdr-maxmin",
    check, dim_sizes, instance_new, instance_free, design_alloc, evaluate,
};

const nisac_noma_instance *nisac_noma_instance_of(const nisac_instance *inst)
{
    return inst && inst->sys == &nisac_system_noma_isac ? inst->impl : NULL;
}

int nisac_noma_wrap(const nisac_noma_instance *inst, nisac_instance **out)
{
    int dim[2] = {inst->p.K, inst->p.M};
    return nisac_instance_wrap(&nisac_system_noma_isac, (void *)inst, 0, dim, out);
}
