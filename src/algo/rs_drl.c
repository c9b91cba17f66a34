/* Paper 004's DRL environment (section 6.3.4) on an rs-noma-isac
 * instance, and the TD3 training run of `nisac train`
 * (docs/models/td3.md, "On rs-noma-isac"). */
#include "nisac/algo.h"
#include "nisac/learn.h"
#include "nisac/rs_noma_isac.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

int nisac_rs_drl_dims(const nisac_rs_instance *ri, int *state_dim, int *action_dim)
{
    *state_dim = 2 * ri->K + ri->M + 4;
    *action_dim = 2 * ri->K + 3;
    return NISAC_OK;
}

static double abs2(double complex z) { return creal(z) * creal(z) + cimag(z) * cimag(z); }

int nisac_rs_drl_state(const nisac_rs_instance *ri, const double *prev, double *s)
{
    const int M = ri->M, K = ri->K;
    double mean = 0;
    for (int k = 0; k < K; k++) {
        double g = 0;
        for (int m = 0; m < M; m++) g += abs2(ri->Hhat[(size_t)k * M + m]);
        s[k] = g;
        mean += g / K;
    }
    /* (41): large-scale fading in dB about the mean (/10), queue lengths (no traffic model: 0),
       per-element channel power about the mean (the spatial indicators), the last step's metrics */
    for (int k = 0; k < K; k++) s[k] = mean > 0 && s[k] > 0 ? log10(s[k] / mean) : -3;
    for (int k = 0; k < K; k++) s[K + k] = 0;
    double em = 0;
    for (int m = 0; m < M; m++) {
        double e = 0;
        for (int k = 0; k < K; k++) e += abs2(ri->Hhat[(size_t)k * M + m]);
        s[2 * K + m] = e;
        em += e / M;
    }
    for (int m = 0; m < M; m++) s[2 * K + m] = em > 0 ? s[2 * K + m] / em - 1 : 0;
    for (int i = 0; i < 4; i++) s[2 * K + M + i] = prev ? prev[i] : 0;
    return NISAC_OK;
}

typedef struct {
    int k;
    double v;
} keyed;

static int by_value(const void *a, const void *b)
{
    const keyed *x = a, *y = b;
    if (x->v != y->v) return x->v < y->v ? -1 : 1;
    return x->k - y->k;
}

int nisac_rs_drl_apply(const nisac_instance *inst, const double *a, nisac_design_t *d, double *reward, double *metrics)
{
    const nisac_rs_instance *ri = nisac_rs_instance_of(inst);
    if (!ri) return NISAC_FAIL(NISAC_EINVAL, "drl: not an rs-noma-isac instance");
    const int M = ri->M, K = ri->K, G = ri->G, L = ri->L;
    keyed *key = malloc(sizeof(keyed) * (size_t)K);
    int *lay = malloc(sizeof(int) * 2 * (size_t)K);
    double *gain = malloc(sizeof(double) * (size_t)K), *pw = malloc(sizeof(double) * ((size_t)G + K + 1));
    double *rho = malloc(sizeof(double) * (size_t)K);
    if (!key || !lay || !gain || !pw || !rho) {
        free(key), free(lay), free(gain), free(pw), free(rho);
        return NISAC_FAIL(NISAC_ENOMEM, "drl: out of memory");
    }
    /* (42) pi: users sorted by the action's scores, consecutive runs form the groups (sizes as the
       correlation grouping); inside a group the decoding order is by gain, weakest first */
    for (int k = 0; k < K; k++) {
        key[k] = (keyed){k, a[k]};
        gain[k] = 0;
        for (int m = 0; m < M; m++) gain[k] += abs2(ri->Hhat[(size_t)k * M + m]);
    }
    qsort(key, (size_t)K, sizeof(keyed), by_value);
    int *group = lay, *order = lay + K, at = 0;
    for (int g = 0; g < G; g++) {
        const int size = K / G + (g < K % G);
        for (int i = 0; i < size; i++) group[key[at + i].k] = g;
        for (int i = 0; i < size; i++) {
            int pos = 0;
            for (int j = 0; j < size; j++) {
                const int u = key[at + j].k, v = key[at + i].k;
                pos += gain[u] < gain[v] || (gain[u] == gain[v] && u < v);
            }
            order[key[at + i].k] = pos;
        }
        at += size;
    }
    /* beams (33)-(36) for this grouping, powers from the action's split (softmax of 2 a) */
    nisac_rs_layout L2 = {M, K, G, group, order};
    int rc = nisac_rs_initial(&L2, ri->Hhat, ri->p.sigma2, ri->p.P_max, L, L > 0 ? ri->A : NULL, ri->rcs,
                              d->blocks[0].z, d->blocks[1].z, L > 0 ? d->blocks[2].z : NULL, pw, rho);
    if (!rc) {
        double e[3], z = 0;
        for (int i = 0; i < 3; i++) z += (e[i] = exp(2 * a[2 * K + i]));
        const double P = ri->p.P_max, fc = e[0] / z, fp = e[1] / z, fs = L > 0 ? e[2] / z : 0;
        const double tot = fc + fp + fs;
        for (int g = 0; g < G; g++)
            for (int m = 0; m < M; m++) d->blocks[0].z[(size_t)g * M + m] *= sqrt(P * fc / tot / G);
        for (int k = 0; k < K; k++)
            for (int m = 0; m < M; m++) d->blocks[1].z[(size_t)k * M + m] *= sqrt(P * fp / tot / K);
        for (int m = 0; m < M && L > 0; m++) d->blocks[2].z[m] *= sqrt(P * fs / tot);
        if (L == 0) memset(d->blocks[2].z, 0, sizeof(double complex) * (size_t)M);
        /* rho: the common shares, normalised per group */
        double *share = d->blocks[3].x, *lx = d->blocks[4].x;
        for (int k = 0; k < K; k++) share[k] = (a[K + k] + 1) / 2 + 1e-3;
        for (int g = 0; g < G; g++) {
            double s = 0;
            for (int k = 0; k < K; k++)
                if (group[k] == g) s += share[k];
            for (int k = 0; k < K; k++)
                if (group[k] == g) share[k] /= s;
        }
        for (int k = 0; k < K; k++) lx[k] = group[k] + 1, lx[K + k] = order[k] + 1;
        /* (43): the judged objective per user, less a penalty for violations (reward NULL: the design only) */
        nisac_eval *ev = reward ? nisac_eval_new(inst) : NULL;
        if (!reward) goto out;
        nisac_eval_opts eo = {0, NAN, NULL, 1e-6};
        rc = ev ? nisac_evaluate(inst, d, NULL, &eo, ev) : NISAC_FAIL(NISAC_ENOMEM, "drl: out of memory");
        if (!rc) {
            const nisac_system *sy = inst->sys;
            const double f = nisac_eval_scalar(ev, nisac_metric_find(sy, "objective"));
            *reward = f / K - 10 * ev->max_viol;
            if (metrics) {
                metrics[0] = nisac_eval_scalar(ev, nisac_metric_find(sy, "sum_rate")) / K;
                metrics[1] = L > 0 ? nisac_eval_scalar(ev, nisac_metric_find(sy, "sense_utility")) / L : 0;
                metrics[2] = nisac_eval_scalar(ev, nisac_metric_find(sy, "jain"));
                metrics[3] = fc / tot;
                metrics[4] = f;
            }
        }
        nisac_eval_free(ev);
    }
out:
    free(key), free(lay), free(gain), free(pw), free(rho);
    return rc;
}

/* ---- the td3 algorithm: a trained policy from a checkpoint of nisac train ---- */

static const nisac_param_def td3_opts[] = {
    {"weights", NULL, NISAC_PT_TEXT, NISAC_PC_NONE, "", 0, 0, 0, 0, NULL, 0, NULL, 0, NULL,
     "the checkpoint written by nisac train (e.g. results/td3/td3.ckpt)"},
    {"steps", NULL, NISAC_PT_INT, NISAC_PC_NONE, "", 4, 1, 1000, 0, NULL, 0, NULL, 0, NULL,
     "decision steps on the channel (the state carries the previous step's metrics); as in training"},
    {"feas_tol", NULL, NISAC_PT_REAL, NISAC_PC_NONE, "", 1e-6, 0, INFINITY, 0, NULL, 0, NULL, 0, NULL,
     "relative tolerance of the judge"},
};

static int design_td3(const nisac_instance *inst, const nisac_params *opts, uint64_t seed, nisac_design_t *d,
                      nisac_report *r)
{
    (void)seed;
    const nisac_rs_instance *ri = nisac_rs_instance_of(inst);
    if (!ri) return NISAC_FAIL(NISAC_EINVAL, "td3: not an rs-noma-isac instance");
    const char *path = nisac_params_get_text(opts, "weights");
    if (!path || !*path)
        return NISAC_FAIL(NISAC_EINVAL, "td3: option 'weights': give the checkpoint of nisac train (e.g. "
                                        "results/td3/td3.ckpt)");
    nisac_td3 *agent = NULL;
    int rc = nisac_td3_load(path, &agent);
    if (rc) return rc;
    int S, A;
    nisac_rs_drl_dims(ri, &S, &A);
    if (nisac_td3_options(agent)->state_dim != S || nisac_td3_options(agent)->action_dim != A) {
        rc = NISAC_FAIL(NISAC_EINVAL, "td3: option 'weights': %s was trained for state %d and action %d, this "
                                      "instance needs %d and %d (M = %d, K = %d)",
                        path, nisac_td3_options(agent)->state_dim, nisac_td3_options(agent)->action_dim, S, A, ri->M,
                        ri->K);
        nisac_td3_free(agent);
        return rc;
    }
    const int T = (int)nisac_params_get(opts, "steps");
    double *s = malloc(sizeof(double) * (size_t)S), *a = malloc(sizeof(double) * (size_t)A), m[5] = {0}, rew = 0;
    if (!s || !a) rc = NISAC_FAIL(NISAC_ENOMEM, "td3: out of memory");
    if (!rc) nisac_rs_drl_state(ri, NULL, s);
    for (int t = 0; t < T && !rc; t++) {
        rc = nisac_td3_act(agent, s, 0, a);
        if (!rc) rc = nisac_rs_drl_apply(inst, a, d, &rew, m);
        if (!rc) nisac_rs_drl_state(ri, m, s);
    }
    if (!rc) {
        r->status = NISAC_STATUS_FEASIBLE; /* a policy's decision, no optimality claim */
        r->objective_metric = "objective"; /* (26a), judged */
        r->iterations = T;
        nisac_report_set1(r, "reward", rew);
        nisac_report_set1(r, "objective_design", m[4]);
    }
    free(s), free(a);
    nisac_td3_free(agent);
    return rc;
}

const nisac_algo nisac_algo_rs_td3 = {
    "td3", "rs-noma-isac",
    "a TD3 policy trained by nisac train (section 6.3.4): user groups, splitting ratios and power split for the "
    "closed-form beams (33)-(36)",
    td3_opts, (int)(sizeof td3_opts / sizeof td3_opts[0]), design_td3, NULL};
