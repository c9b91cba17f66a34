/* Per-trial records: the computation of one work unit (one sweep point,
 * one trial, every algorithm entry, every evaluation draw) into rows of
 * results.csv and, in the long layout, of vectors.csv.  Generic over
 * systems: metrics come from the system's judge and table. */
#include "exp_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* One entry's run: its instance, design and report (kept for later
 * entries that take a parameter from it). */
typedef struct {
    nisac_params *q;
    nisac_instance *inst;
    nisac_design_t *d;
    nisac_report *r;
} entry_run;

static void entry_free(entry_run *x)
{
    nisac_report_free(x->r);
    nisac_design_free(x->d);
    nisac_instance_free(x->inst);
    nisac_params_free(x->q);
    memset(x, 0, sizeof *x);
}

/* The parameters of entry a at the point (p): overrides, then the value
 * taken from an earlier entry.  *skip when that entry gave no value. */
static int entry_params(const nisac_experiment *e, int a, const nisac_params *p, const entry_run *runs,
                        nisac_params **out, int *skip)
{
    const nisac_exp_algo *al = &e->algos[a];
    nisac_params *q = nisac_params_dup(p);
    *out = q;
    *skip = 0;
    if (!q) return NISAC_FAIL(NISAC_ENOMEM, "out of memory");
    nisac__apply_overrides(al, q);
    if (al->from_entry >= 0) {
        const nisac_report *src = runs[al->from_entry].r;
        double x = src && src->eval && nisac_status_has_design(src->status)
                       ? nisac_eval_scalar(src->eval, al->from_metric) : NAN;
        int ok = isfinite(x) && (q->defs[al->from_param].conv != NISAC_PC_DB || x > 0);
        if (ok) q->v[al->from_param] = x;
        else *skip = 1;
    }
    return NISAC_OK;
}

/* Writes one row of results.csv (and its vectors); values of metrics
 * that need a design are NaN when ok is 0. */
static void put_row(const nisac_experiment *e, FILE *f, FILE *fv, const char *lead, const char *status,
                    const nisac_eval *ev, const nisac_eval *base, int ok)
{
    fprintf(f, "%s,%s", lead, status);
    for (int i = 0; i < e->nmetrics; i++) {
        const int id = e->metric[i];
        const nisac_metric_def *md = &e->sys->metrics[id];
        const nisac_eval *src = (md->flags & NISAC_MF_DESIGN) ? base : ev;
        const int valued = ok || (md->flags & NISAC_MF_ALWAYS);
        const int have = src ? src->len[id] : 0;
        if (nisac__metric_is_long(e, i)) {
            for (int j = 0; j < have; j++) {
                fprintf(fv, "%s,%s,%d", lead, md->name, j + 1);
                nisac__put_num(fv, valued ? nisac_metric_to_record(md, src->val[id][j]) : NAN);
                fputc('\n', fv);
            }
            continue;
        }
        const int w = nisac__metric_columns(e, i);
        for (int j = 0; j < w; j++)
            nisac__put_num(f, valued && j < have ? nisac_metric_to_record(md, src->val[id][j]) : NAN);
    }
    fputc('\n', f);
}

/* Designs entry a and writes its `draws` rows. */
static int run_entry(const nisac_experiment *e, int a, const nisac_params *p, uint64_t chan_point, int point,
                     int trial, uint64_t seed, const char *prefix, entry_run *runs, FILE *f, FILE *fv)
{
    const nisac_exp_algo *al = &e->algos[a];
    entry_run *x = &runs[a];
    int skip;
    int rc = entry_params(e, a, p, runs, &x->q, &skip);
    if (rc) return rc;
    /* Channels: stream (seed, point or 0, trial, CHANNEL); every entry
     * draws the same channel for the same sizes.  Or realisation `trial`
     * of the config's channel file. */
    int rows[1] = {e->chan_rows}, cols[1] = {e->chan_cols};
    double complex *z[1] = {e->chan ? e->chan + (size_t)(e->chan_count > 1 ? trial : 0) * rows[0] * cols[0] : NULL};
    const nisac_inputs in = {1, rows, cols, z}, *inp = e->chan ? &in : NULL;
    rc = nisac_instance_new(e->sys, x->q, e->channel_model, inp, e->seed, chan_point, (uint64_t)trial, &x->inst);
    if (rc == NISAC_ENOMEM) return rc;
    if (rc) {
        /* a parameter taken from an earlier entry is out of the model's range */
        nisac_params_copy(x->q, p);
        skip = 1;
        if ((rc = nisac_instance_new(e->sys, x->q, e->channel_model, inp, e->seed, chan_point, (uint64_t)trial,
                                     &x->inst)))
            return rc;
    }
    x->d = nisac_design_new(x->inst);
    x->r = nisac_report_new();
    if (!x->d || !x->r) return NISAC_FAIL(NISAC_ENOMEM, "out of memory");
    nisac_eval_opts eo = {0, e->eval_eps, NULL, nisac_algo_feas_tol(al->opts)};
    if (!skip) {
        rc = nisac_design(al->algo, x->inst, al->opts, seed, x->d, x->r);
        if (rc == NISAC_ENOMEM) return rc;
        if (rc) fprintf(f, "# error: point %d, algorithm '%s', trial %d: %s\n", point, al->label, trial, x->r->note);
    }
    if (!x->r->eval) {
        /* no design: the judge still gives what does not need one (targets, counters) */
        if (!(x->r->eval = nisac_eval_new(x->inst))) return NISAC_FAIL(NISAC_ENOMEM, "out of memory");
        if (nisac_evaluate(x->inst, x->d, x->r, &eo, x->r->eval) == NISAC_ENOMEM) return NISAC_ENOMEM;
    }
    const char *status = nisac_status_name(x->r->status);
    const int exists = nisac_status_has_design(x->r->status);
    char lead[640];
    nisac_eval *ev = NULL;
    if (e->eval_mode != 0 && exists && !(ev = nisac_eval_new(x->inst))) return NISAC_FAIL(NISAC_ENOMEM, "out of memory");
    /* Every entry sees the same error draws: stream (seed, point or 0, trial, EVAL). */
    nisac_rng re;
    nisac_rng_init(&re, e->seed, chan_point, (uint64_t)trial, NISAC_PURPOSE_EVAL);
    eo.rng = &re;
    eo.mode = e->eval_mode;
    for (int d = 0; d < e->draws; d++) {
        snprintf(lead, sizeof lead, "%d%s,%s,%d,%d", point, prefix, al->label, trial, d);
        int ok = exists;
        const nisac_eval *row = x->r->eval;
        if (e->eval_mode != 0 && exists) {
            rc = nisac_evaluate(x->inst, x->d, x->r, &eo, ev);
            if (rc == NISAC_ENOMEM) {
                nisac_eval_free(ev);
                return rc;
            }
            ok = rc == 0;
            row = ev;
        }
        put_row(e, f, fv, lead, status, row, x->r->eval, ok);
    }
    nisac_eval_free(ev);
    return NISAC_OK;
}

int nisac_experiment_compute(const nisac_experiment *e, long unit, char **rows, char **vectors)
{
    *rows = *vectors = NULL;
    const int point = (int)(unit / e->trials), trial = (int)(unit % e->trials);
    const uint64_t chan_point = e->common_channels ? 0 : (uint64_t)point;
    char *buf = NULL, *vbuf = NULL;
    size_t len = 0, vlen = 0;
    FILE *f = open_memstream(&buf, &len), *fv = open_memstream(&vbuf, &vlen);
    nisac_params *p = nisac_system_params(e->sys);
    entry_run runs[NISAC_EXP_MAX_ALGOS];
    memset(runs, 0, sizeof runs);
    int rc = f && fv && p ? nisac_experiment_point_params(e, point, p) : NISAC_ENOMEM;
    char prefix[512];
    nisac__point_prefix(e, point, prefix, sizeof prefix);
    nisac_rng ralgo;
    nisac_rng_init(&ralgo, e->seed, (uint64_t)point, (uint64_t)trial, NISAC_PURPOSE_ALGO);
    for (int a = 0; a < e->nalgos && !rc; a++) {
        const uint64_t seed = nisac_rng_u64(&ralgo); /* one per entry, so entries do not shift each other */
        rc = run_entry(e, a, p, chan_point, point, trial, seed, prefix, runs, f, fv);
    }
    for (int a = 0; a < e->nalgos; a++) entry_free(&runs[a]);
    nisac_params_free(p);
    if (f && fclose(f)) rc = NISAC_ENOMEM;
    if (fv && fclose(fv)) rc = NISAC_ENOMEM;
    if (rc || !buf || !vbuf) {
        free(buf);
        free(vbuf);
        return rc ? rc : NISAC_ENOMEM;
    }
    *rows = buf;
    *vectors = vbuf;
    return NISAC_OK;
}

char *nisac_experiment_unit(const nisac_experiment *e, long unit)
{
    char *rows, *vec;
    if (nisac_experiment_compute(e, unit, &rows, &vec)) return NULL;
    free(vec);
    return rows;
}
