/* Per-trial records: the metric table, the columns, the header of a
 * results file, and the computation of one work unit (one sweep point,
 * one trial, every algorithm, every evaluation draw). */
#include "exp_internal.h"
#include "jsonutil.h"
#include "nisac/channel.h"
#include "nisac/rng.h"

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
    int deterministic;
    const char *help;
} metrics[] = {
    {"objective", m_objective, MET_SCALAR, 1, "objective (12a) of the design: weighted beam + sensing power (W)"},
    {"min_sinr_db", m_min_sinr_db, MET_SCALAR, 1, "minimum SINR over users (dB), per the decoders reading"},
    {"user_sinr_db", m_user_sinr_db, MET_PER_USER, 1, "SINR of each user in SIC order (dB): columns _1.._K"},
    {"t_db", m_t_db, MET_SCALAR, 1, "max-min: last feasible bisection value t (dB)"},
    {"total_power", m_total, MET_SCALAR, 1, "beam power + sensing power, the sum of (8b) (W)"},
    {"comm_power", m_comm, MET_SCALAR, 1, "sum of ||w_k||^2 (W)"},
    {"sense_sum", m_sense_sum, MET_SCALAR, 1, "sum over targets of the sensing power P(theta_m) (W)"},
    {"sense_power", m_sense, MET_PER_TARGET, 1, "sensing power at each target (W): columns _1.._M"},
    {"min_rate", m_min_rate, MET_SCALAR, 1, "minimum user rate (bit/s/Hz)"},
    {"min_rate_sinr_db", m_rate_sinr, MET_SCALAR, 1,
     "2^min_rate - 1 in dB: the SINR of a full-time link with the minimum rate (OMA vs NOMA on rates)"},
    {"sum_rate", m_sum_rate, MET_SCALAR, 1, "sum of the user rates (bit/s/Hz)"},
    {"xcorr", m_xcorr, MET_SCALAR, 1, "mean-squared cross-correlation (7) (W^2)"},
    {"max_viol", m_max_viol, MET_SCALAR, 1, "largest relative violation of an imposed constraint"},
    {"worst_min_sinr_db", m_worst, MET_SCALAR, 1, "sdr-robust: worst-case min SINR over the error ball (dB)"},
    {"gamma_db", m_gamma_db, MET_SCALAR, 1, "the SINR target the design was given (dB)"},
    {"outage", m_outage, MET_SCALAR, 1, "1 when the min SINR is below the target gamma, else 0"},
    {"solves", m_solves, MET_SCALAR, 1, "conic solves used"},
    {"iterations", m_iterations, MET_SCALAR, 1, "outer iterations (bisection steps)"},
    {"max_rank_ratio", m_rank, MET_SCALAR, 1, "largest lambda2/lambda1 of the relaxation's W_k"},
    {"randomized", m_randomized, MET_SCALAR, 1, "1 when Gaussian randomisation was used"},
    {"wall", m_wall, MET_SCALAR, 0, "seconds of the design (varies run to run: breaks byte-identity)"},
};
static const int nmetrics_tab = (int)(sizeof metrics / sizeof metrics[0]);

int nisac__metric_count(void) { return nmetrics_tab; }
const char *nisac_exp_metric_name(int i) { return i >= 0 && i < nmetrics_tab ? metrics[i].name : NULL; }
const char *nisac_exp_metric_help(int i) { return i >= 0 && i < nmetrics_tab ? metrics[i].help : NULL; }
metric_shape nisac__metric_shape(int i) { return metrics[i].shape; }
int nisac__metric_deterministic(int i) { return metrics[i].deterministic; }
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
        int rem = point, idx[NISAC_EXP_MAX_AXES];
        for (int a = e->naxes - 1; a >= 0; a--) {
            idx[a] = rem % e->axes[a].nvalues;
            rem /= e->axes[a].nvalues;
        }
        for (int a = 0; a < e->naxes; a++)
            for (int j = 0; j < e->axes[a].nparams; j++) {
                char v[64];
                jparam_format(e->axes[a].param[j], e->axes[a].values[idx[a] * e->axes[a].nparams + j], v, sizeof v);
                size_t l = strlen(prefix);
                snprintf(prefix + l, sizeof prefix - l, ",%s", v);
            }
    }

    /* Channels: stream (seed, point or 0, trial, CHANNEL).  A K or N that
     * differs between algorithms (overrides) draws its own matrix. */
    nisac_rng ralgo;
    nisac_rng_init(&ralgo, e->seed, (uint64_t)point, (uint64_t)trial, NISAC_PURPOSE_ALGO);
    nisac_design_out *outs[NISAC_EXP_MAX_ALGOS] = {0};
    for (int a = 0; a < e->nalgos; a++) {
        const nisac_exp_algo *al = &e->algos[a];
        nisac_noma_params q = p;
        for (int j = 0; j < al->noverride; j++) jparam_set(&q, al->override_param[j], al->override_value[j]);
        nisac_opts o = al->opts;
        o.seed = nisac_rng_u64(&ralgo); /* drawn for every entry, so entries do not shift each other */
        const int N = q.N, K = q.K;
        mctx m = {0};
        nisac_design_out *out = nisac_design_out_new(N, K);
        double complex *H = malloc(sizeof(double complex) * (size_t)N * K);
        double complex *dH = malloc(sizeof(double complex) * (size_t)N * K);
        double complex *Ht = malloc(sizeof(double complex) * (size_t)N * K);
        nisac_noma_instance *inst = NULL;
        const char *status;
        int skip = 0;
        if (!out || !H || !dH || !Ht) goto oom;
        outs[a] = out;
        nisac_rng rc;
        nisac_rng_init(&rc, e->seed, chan_point, (uint64_t)trial, NISAC_PURPOSE_CHANNEL);
        nisac_rayleigh(&rc, N, K, H, N);
        if (al->gamma_from >= 0) {
            const nisac_design_out *src = outs[al->gamma_from];
            if (src && design_exists(src) && src->eval.min_sinr > 0 && isfinite(src->eval.min_sinr))
                q.gamma = src->eval.min_sinr;
            else skip = 1;
        }
        m.o = out;
        m.gamma = q.gamma;
        m.feas_tol = o.feas_tol;
        if (nisac_noma_instance_new(&q, H, N, &inst)) skip = 1;
        if (!skip) {
            nisac_design(al->algo, inst, &o, out);
            status = nisac_status_name(out->status);
            m.ok = design_exists(out);
        } else {
            out->status = NISAC_STATUS_NOT_RUN;
            status = nisac_status_name(out->status);
        }
        nisac_rng re;
        nisac_rng_init(&re, e->seed, chan_point, (uint64_t)trial, NISAC_PURPOSE_EVAL);
        const double eps = isnan(e->eval_eps) ? q.eps : e->eval_eps;
        for (int d = 0; d < e->draws; d++) {
            nisac_noma_eval ev = out->eval;
            if (e->eval_mode != NISAC_EVAL_ESTIMATE) {
                for (int k = 0; k < K; k++) {
                    if (e->eval_mode == NISAC_EVAL_ERROR_BALL) nisac_csi_error_ball(&re, N, eps, dH + (size_t)k * N);
                    else nisac_csi_error_sphere(&re, N, eps, dH + (size_t)k * N);
                }
                if (m.ok) {
                    if (!out->eval.oma) {
                        /* (17): the true channel h + dh, SIC done with the estimate. */
                        if (nisac_noma_evaluate(inst, out->W, N, dH, out->imposed, &ev)) m.ok = 0;
                    } else {
                        /* OMA has no SIC: evaluate its model on the true channel. */
                        for (size_t i = 0; i < (size_t)N * K; i++) Ht[i] = inst->H[i] + dH[i];
                        nisac_noma_instance tru = *inst;
                        tru.H = Ht;
                        nisac_design_out tmp = *out;
                        if (al->algo->evaluate(&tru, &o, &tmp)) m.ok = 0;
                        ev = tmp.eval;
                    }
                }
            }
            m.ev = &ev;
            put_row(e, f, point, prefix, al->label, trial, d, status, &m);
            m.ok = !skip && design_exists(out);
        }
        nisac_noma_instance_free(inst);
        free(H);
        free(dH);
        free(Ht);
        continue;
    oom:
        nisac_design_out_free(out);
        free(H);
        free(dH);
        free(Ht);
        for (int b = 0; b < a; b++) nisac_design_out_free(outs[b]);
        fclose(f);
        free(buf);
        return NULL;
    }
    for (int a = 0; a < e->nalgos; a++) nisac_design_out_free(outs[a]);
    if (fclose(f)) {
        free(buf);
        return NULL;
    }
    return buf;
}
