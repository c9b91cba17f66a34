/* Per-trial records: the metric table, the columns, the header of a
 * results file, and the computation of one work unit (one sweep point,
 * one trial, every algorithm, every evaluation draw). */
#include "exp_internal.h"
#include "jsonutil.h"
#include "nisac/channel.h"
#include "nisac/rng.h"

typedef enum { MET_SCALAR = 0, MET_PER_USER = 1, MET_PER_TARGET = 2 } metric_shape;

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    const nisac_design_out *o;
    const nisac_noma_eval *ev;
    double gamma;     /* the SINR target of the design (linear) */
    double feas_tol;
    int ok;           /* the design exists (metrics of the beamformers are meaningful) */
} mctx;

typedef double (*metric_fn)(const mctx *m, int idx);

static double db_or_nan(double x) { return x > 0 && isfinite(x) ? nisac_db(x) : (x == 0 ? -INFINITY : NAN); }

#define EV(expr) (m->ok ? (expr) : NAN)
static double m_objective(const mctx *m, int i) { return EV(m->ev->objective); }
static double m_min_sinr_db(const mctx *m, int i) { return EV(db_or_nan(m->ev->min_sinr)); }
static double m_user_sinr_db(const mctx *m, int i) { return m->ok && i < m->ev->K ? db_or_nan(m->ev->user_sinr[i]) : NAN; }
static double m_t_db(const mctx *m, int i) { return m->o->t > 0 ? nisac_db(m->o->t) : NAN; }
static double m_total(const mctx *m, int i) { return EV(m->ev->total_power); }
static double m_comm(const mctx *m, int i) { return EV(m->ev->comm_power); }
static double m_sense_sum(const mctx *m, int i) { return EV(m->ev->sense_sum); }
static double m_sense(const mctx *m, int i) { return m->ok && i < m->ev->M ? m->ev->sense_power[i] : NAN; }
static double m_min_rate(const mctx *m, int i) { return EV(m->ev->min_rate); }
static double m_rate_sinr(const mctx *m, int i) { return EV(db_or_nan(exp2(m->ev->min_rate) - 1)); }
static double m_sum_rate(const mctx *m, int i)
{
    if (!m->ok) return NAN;
    double s = 0;
    for (int k = 0; k < m->ev->K; k++) s += m->ev->rate[k];
    return s;
}
static double m_xcorr(const mctx *m, int i) { return EV(m->ev->xcorr); }
static double m_max_viol(const mctx *m, int i) { return EV(m->ev->max_viol); }
static double m_worst(const mctx *m, int i) { return db_or_nan(m->o->worst_min_sinr); }
static double m_gamma_db(const mctx *m, int i) { return db_or_nan(m->gamma); }
static double m_outage(const mctx *m, int i) { return EV(m->ev->min_sinr < m->gamma * (1 - m->feas_tol) ? 1.0 : 0.0); }
static double m_solves(const mctx *m, int i) { return m->o->solves; }
static double m_iterations(const mctx *m, int i) { return m->o->iterations; }
static double m_rank(const mctx *m, int i) { return m->ok ? m->o->max_rank_ratio : NAN; }
static double m_randomized(const mctx *m, int i) { return m->o->randomized; }
static double m_wall(const mctx *m, int i) { return m->o->wall; }

static const struct {
    const char *name;
    metric_fn fn;
    metric_shape shape;
    const char *help;
} metrics[] = {
    {"objective", m_objective, MET_SCALAR, "objective (12a) of the design: weighted beam + sensing power (W)"},
    {"min_sinr_db", m_min_sinr_db, MET_SCALAR, "minimum SINR over users (dB), per the decoders reading"},
    {"user_sinr_db", m_user_sinr_db, MET_PER_USER, "SINR of each user in SIC order (dB): columns _1.._K"},
    {"t_db", m_t_db, MET_SCALAR, "max-min: last feasible bisection value t (dB)"},
    {"total_power", m_total, MET_SCALAR, "beam power + sensing power, the sum of (8b) (W)"},
    {"comm_power", m_comm, MET_SCALAR, "sum of ||w_k||^2 (W)"},
    {"sense_sum", m_sense_sum, MET_SCALAR, "sum over targets of the sensing power P(theta_m) (W)"},
    {"sense_power", m_sense, MET_PER_TARGET, "sensing power at each target (W): columns _1.._M"},
    {"min_rate", m_min_rate, MET_SCALAR, "minimum user rate (bit/s/Hz)"},
    {"min_rate_sinr_db", m_rate_sinr, MET_SCALAR,
     "2^min_rate - 1 in dB: the SINR of a full-time link with the minimum rate (OMA vs NOMA on rates)"},
    {"sum_rate", m_sum_rate, MET_SCALAR, "sum of the user rates (bit/s/Hz)"},
    {"xcorr", m_xcorr, MET_SCALAR, "mean-squared cross-correlation (7) (W^2)"},
    {"max_viol", m_max_viol, MET_SCALAR, "largest relative violation of an imposed constraint"},
    {"worst_min_sinr_db", m_worst, MET_SCALAR, "sdr-robust: worst-case min SINR over the error ball (dB)"},
    {"gamma_db", m_gamma_db, MET_SCALAR, "the SINR target the design was given (dB)"},
    {"outage", m_outage, MET_SCALAR, "1 when the min SINR is below the target gamma, else 0"},
    {"solves", m_solves, MET_SCALAR, "conic solves used"},
    {"iterations", m_iterations, MET_SCALAR, "outer iterations (bisection steps)"},
    {"max_rank_ratio", m_rank, MET_SCALAR, "largest lambda2/lambda1 of the relaxation's W_k"},
    {"randomized", m_randomized, MET_SCALAR, "1 when Gaussian randomisation was used"},
    {"wall", m_wall, MET_SCALAR, "seconds of the design (varies run to run: breaks byte-identity)"},
};
static const int nmetrics_tab = (int)(sizeof metrics / sizeof metrics[0]);

const char *nisac_exp_metric_name(int i) { return i >= 0 && i < nmetrics_tab ? metrics[i].name : NULL; }
const char *nisac_exp_metric_help(int i) { return i >= 0 && i < nmetrics_tab ? metrics[i].help : NULL; }
int nisac__metric_find(const char *name)
{
    for (int i = 0; i < nmetrics_tab; i++)
        if (!strcmp(metrics[i].name, name)) return i;
    return -1;
}

static int metric_width(const nisac_experiment *e, int m)
{
    switch (metrics[m].shape) {
    case MET_PER_USER: return e->maxK;
    case MET_PER_TARGET: return e->maxM;
    default: return 1;
    }
}

int nisac_experiment_columns(const nisac_experiment *e, char names[][48], int max)
{
    int n = 0;
    for (int i = 0; i < e->nmetrics; i++) {
        int m = e->metric[i], w = metric_width(e, m);
        for (int j = 0; j < w && n < max; j++) {
            if (metrics[m].shape == MET_SCALAR) snprintf(names[n++], 48, "%s", metrics[m].name);
            else snprintf(names[n++], 48, "%s_%d", metrics[m].name, j + 1);
        }
    }
    return n;
}

void nisac_experiment_write_header(const nisac_experiment *e, FILE *f)
{
    fprintf(f, "# nisac results\n# version: %s\n# experiment: %s\n# config_hash: %016llx\n# seed: %llu\n",
            NISAC_VERSION, e->name, (unsigned long long)e->hash, (unsigned long long)e->seed);
    fprintf(f, "# points: %d trials: %d algorithms: %d draws: %d rows_per_unit: %d\n", e->npoints, e->trials,
            e->nalgos, e->draws, nisac_experiment_rows_per_unit(e));
    fprintf(f, "point");
    for (int a = 0; a < e->naxes; a++)
        for (int j = 0; j < e->axes[a].nparams; j++) fprintf(f, ",%s", jparams[e->axes[a].param[j]].name);
    fprintf(f, ",algo,trial,draw,status");
    for (int i = 0; i < e->nmetrics; i++) {
        int m = e->metric[i], w = metric_width(e, m);
        for (int j = 0; j < w; j++) {
            if (metrics[m].shape == MET_SCALAR) fprintf(f, ",%s", metrics[m].name);
            else fprintf(f, ",%s_%d", metrics[m].name, j + 1);
        }
    }
    fputc('\n', f);
}

static void put_num(FILE *f, double x)
{
    if (isnan(x)) fputs(",nan", f);
    else if (isinf(x)) fputs(x > 0 ? ",inf" : ",-inf", f);
    else if (x == floor(x) && fabs(x) < 1e15) fprintf(f, ",%.0f", x);
    else fprintf(f, ",%.17g", x);
}

static void put_row(const nisac_experiment *e, FILE *f, int point, const char *prefix, const char *label, int trial,
                    int draw, const char *status, const mctx *m)
{
    fprintf(f, "%d%s,%s,%d,%d,%s", point, prefix, label, trial, draw, status);
    for (int i = 0; i < e->nmetrics; i++) {
        int id = e->metric[i], w = metric_width(e, id);
        for (int j = 0; j < w; j++) put_num(f, metrics[id].fn(m, j));
    }
    fputc('\n', f);
}

/* Whether the design's beamformers exist (their metrics mean something). */
static int design_exists(const nisac_design_out *o)
{
    switch (o->status) {
    case NISAC_STATUS_OPTIMAL:
    case NISAC_STATUS_FEASIBLE:
    case NISAC_STATUS_INACCURATE:
    case NISAC_STATUS_ROUNDING_FAILED: return 1;
    default: return 0;
    }
}

static void draw_channels(const nisac_experiment *e, uint64_t chan_point, int trial, int N, int K,
                          double complex *H)
{
    nisac_rng r;
    nisac_rng_init(&r, e->seed, chan_point, (uint64_t)trial, NISAC_PURPOSE_CHANNEL);
    nisac_rayleigh(&r, N, K, H, N);
}

/* Designs entry a on the unit's channel and writes its `draws` rows.
 * outs[a] receives the design (for later gamma_db_from entries).
 * Returns 0, or -1 when out of memory. */
static int run_entry(const nisac_experiment *e, int a, const nisac_noma_params *p, const double complex *H0,
                     uint64_t chan_point, int point, int trial, uint64_t seed, const char *prefix,
                     nisac_design_out **outs, FILE *f)
{
    const nisac_exp_algo *al = &e->algos[a];
    nisac_noma_params q = *p;
    for (int j = 0; j < al->noverride; j++) jparam_set(&q, al->override_param[j], al->override_value[j]);
    nisac_opts o = al->opts;
    o.seed = seed;
    const int N = q.N, K = q.K;
    const int own_H = N != p->N || K != p->K;
    const int errors = e->eval_mode != NISAC_EVAL_ESTIMATE;
    nisac_design_out *out = outs[a] = nisac_design_out_new(N, K);
    double complex *Hown = own_H ? malloc(sizeof(double complex) * (size_t)N * K) : NULL;
    double complex *dH = errors ? malloc(sizeof(double complex) * (size_t)N * K * 2) : NULL;
    nisac_noma_instance *inst = NULL;
    int rc = -1;
    if (!out || (own_H && !Hown) || (errors && !dH)) goto done;
    if (own_H) draw_channels(e, chan_point, trial, N, K, Hown);
    int skip = 0;
    if (al->gamma_from >= 0) {
        const nisac_design_out *src = outs[al->gamma_from];
        if (design_exists(src) && src->eval.min_sinr > 0 && isfinite(src->eval.min_sinr)) q.gamma = src->eval.min_sinr;
        else skip = 1;
    }
    if (!skip && nisac_noma_instance_new(&q, own_H ? Hown : H0, N, &inst)) skip = 1;
    if (!skip) nisac_design(al->algo, inst, &o, out);
    else out->status = NISAC_STATUS_NOT_RUN;
    const char *status = nisac_status_name(out->status);
    const int exists = !skip && design_exists(out);
    mctx m = {out, NULL, q.gamma, o.feas_tol, exists};
    /* Every entry sees the same error draws: stream (seed, point or 0, trial, EVAL). */
    nisac_rng re;
    nisac_rng_init(&re, e->seed, chan_point, (uint64_t)trial, NISAC_PURPOSE_EVAL);
    const double eps = isnan(e->eval_eps) ? q.eps : e->eval_eps;
    for (int d = 0; d < e->draws; d++) {
        nisac_noma_eval ev = out->eval;
        m.ok = exists;
        if (errors) {
            for (int k = 0; k < K; k++) {
                if (e->eval_mode == NISAC_EVAL_ERROR_BALL) nisac_csi_error_ball(&re, N, eps, dH + (size_t)k * N);
                else nisac_csi_error_sphere(&re, N, eps, dH + (size_t)k * N);
            }
            if (m.ok && !out->eval.oma) {
                /* (17): the true channel h + dh, SIC done with the estimate. */
                if (nisac_noma_evaluate(inst, out->W, N, dH, out->imposed, &ev)) m.ok = 0;
            } else if (m.ok) {
                /* OMA has no SIC: its own model on the true channel. */
                double complex *Ht = dH + (size_t)N * K;
                for (size_t i = 0; i < (size_t)N * K; i++) Ht[i] = inst->H[i] + dH[i];
                nisac_noma_instance tru = *inst;
                tru.H = Ht;
                nisac_design_out tmp = *out;
                if (al->algo->evaluate(&tru, &o, &tmp)) m.ok = 0;
                ev = tmp.eval;
            }
        }
        m.ev = &ev;
        put_row(e, f, point, prefix, al->label, trial, d, status, &m);
    }
    rc = 0;
done:
    nisac_noma_instance_free(inst);
    free(Hown);
    free(dH);
    return rc;
}

char *nisac_experiment_unit(const nisac_experiment *e, long unit)
{
    const int point = (int)(unit / e->trials), trial = (int)(unit % e->trials);
    const uint64_t chan_point = e->common_channels ? 0 : (uint64_t)point;
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f) return NULL;

    nisac_noma_params p;
    nisac_experiment_point_params(e, point, &p);
    char prefix[512] = "";
    {
        int idx[NISAC_EXP_MAX_AXES];
        nisac__point_index(e, point, idx);
        for (int a = 0; a < e->naxes; a++)
            for (int j = 0; j < e->axes[a].nparams; j++) {
                char v[64];
                jparam_format(e->axes[a].param[j], e->axes[a].values[idx[a] * e->axes[a].nparams + j], v, sizeof v);
                size_t l = strlen(prefix);
                snprintf(prefix + l, sizeof prefix - l, ",%s", v);
            }
    }

    /* Channels: stream (seed, point or 0, trial, CHANNEL), drawn once for
     * the point's (N, K); an entry whose overrides change N or K draws its
     * own matrix from the same stream. */
    const size_t nk = (size_t)p.N * (size_t)p.K;
    double complex *H0 = malloc(sizeof(double complex) * nk);
    nisac_design_out *outs[NISAC_EXP_MAX_ALGOS] = {0};
    int ok = H0 != NULL;
    if (ok) draw_channels(e, chan_point, trial, p.N, p.K, H0);
    nisac_rng ralgo;
    nisac_rng_init(&ralgo, e->seed, (uint64_t)point, (uint64_t)trial, NISAC_PURPOSE_ALGO);
    for (int a = 0; a < e->nalgos && ok; a++) {
        const uint64_t seed = nisac_rng_u64(&ralgo); /* one per entry, so entries do not shift each other */
        ok = run_entry(e, a, &p, H0, chan_point, point, trial, seed, prefix, outs, f) == 0;
    }
    free(H0);
    for (int a = 0; a < e->nalgos; a++) nisac_design_out_free(outs[a]);
    if (fclose(f) || !ok) {
        free(buf);
        return NULL;
    }
    return buf;
}
