/* Experiment configs (schema in docs/experiments.md).  Everything is
 * validated here, sweep points included, so that a run never starts on a
 * config that would fail half-way. */
#include "exp_internal.h"
#include "jsonutil.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_UNITS 1000000000L /* points x trials */
#define MAX_ROWS 4000000000.0 /* units x algorithms x draws */

static int label_ok(const char *s)
{
    if (!*s || strlen(s) >= 48) return 0;
    for (; *s; s++)
        if (*s == ',' || *s == '"' || *s == '#' || (unsigned char)*s < 32) return 0;
    return 1;
}

static int read_string_field(jctx *c, json_t *v, const char *key, char *buf, size_t len)
{
    if (!json_is_string(v)) return jerr(c, key, "expected a string, got %s", jtype(v));
    if (strlen(json_string_value(v)) >= len)
        return jerr(c, key, "too long (at most %zu characters)", len - 1);
    snprintf(buf, len, "%s", json_string_value(v));
    return 0;
}

static int read_scenario(jctx *c, json_t *v, nisac_experiment *e)
{
    if (!json_is_object(v)) return jerr(c, "", "expected an object, got %s", jtype(v));
    const char *key;
    json_t *x;
    json_object_foreach(v, key, x)
    {
        if (!strcmp(key, "comment")) continue;
        int rc = jread_param(c, key, x, e->base);
        if (rc == 1) {
            char names[768];
            jnames(e->sys->params, e->sys->nparams, 0, names, sizeof names);
            return jerr(c, key, "unknown scenario parameter of system '%s' (known: %s)", e->sys->name, names);
        }
        if (rc) return rc;
    }
    return 0;
}

static int read_channels(jctx *c, json_t *v, nisac_experiment *e)
{
    if (!json_is_object(v)) return jerr(c, "", "expected an object, got %s", jtype(v));
    const char *key;
    json_t *x;
    json_object_foreach(v, key, x)
    {
        int rc = 0;
        if (!strcmp(key, "model")) {
            static const char *const dflt[] = {"default"};
            const nisac_system *s = e->sys;
            rc = jchoice(c, x, key, s->nchannel_models ? s->channel_models : dflt,
                         s->nchannel_models ? s->nchannel_models : 1, &e->channel_model);
        } else if (!strcmp(key, "common")) {
            rc = jbool(c, x, key, &e->common_channels);
        } else if (!strcmp(key, "file")) {
            if (!json_is_string(x) || !json_string_length(x))
                rc = jerr(c, key, "expected a .npy or .mat file name, got %s", jtype(x));
            else { /* relative to the config's folder */
                const char *f = json_string_value(x), *slash = strrchr(c->file, '/');
                if (f[0] != '/' && slash)
                    snprintf(e->chan_file, sizeof e->chan_file, "%.*s/%s", (int)(slash - c->file), c->file, f);
                else snprintf(e->chan_file, sizeof e->chan_file, "%s", f);
            }
        } else
            rc = jerr(c, key, "unknown field (known: model, common, file)");
        if (rc) return rc;
    }
    return 0;
}

/* "channels": {"file": F}: the system's channels for every trial from a
 * .npy file of shape (T, K, M) or (K, M), or a .mat variable K x M x T or
 * K x M (named as the input, else the first): realisation t for trial t,
 * or the one realisation for every trial.  The file's shape sets the
 * sizes; the scenario may repeat them, a sweep may not change them. */
static int load_channel_file(jctx *c, json_t *root, nisac_experiment *e)
{
    const nisac_system *s = e->sys;
    if (s->ninputs != 1)
        return jerr(c, "channels.file", "system '%s' takes %d explicit inputs; a channel file gives one (%s)",
                    s->name, s->ninputs, s->ninputs ? s->inputs[0].name : "none");
    const nisac_input_def *d = &s->inputs[0];
    int t = 0, k = 0, m = 0;
    if (nisac__read_channel_file(e->chan_file, d->name, 1, &t, &k, &m, &e->chan))
        return jerr(c, "channels.file", "%s", nisac_last_error());
    int rc = 0;
    if (t != 1 && t < e->trials)
        rc = jerr(c, "channels.file", "%s holds %d realisations, fewer than the %d trials (one realisation serves "
                                      "every trial)", e->chan_file, t, e->trials);
    const int io = nisac_param_find(s->params, s->nparams, d->outer), ii = nisac_param_find(s->params, s->nparams, d->inner);
    char why[200];
    if (!rc && (io < 0 || ii < 0)) rc = jerr(c, "channels.file", "the system's input table names unknown parameters");
    if (!rc && (nisac_param_check(&s->params[io], k, why, sizeof why) ||
                nisac_param_check(&s->params[ii], m, why, sizeof why)))
        rc = jerr(c, "channels.file", "%s: %d x %d: %s", e->chan_file, k, m, why);
    json_t *sc = json_object_get(root, "scenario");
    for (int q = 0; !rc && q < 2; q++) {
        json_t *v = sc ? json_object_get(sc, q ? d->inner : d->outer) : NULL;
        const int want = q ? m : k;
        if (v && (!json_is_number(v) || json_number_value(v) != want))
            rc = jerr(c, "channels.file", "%s holds %s=%d %s=%d, but scenario.%s is %g", e->chan_file, d->outer, k,
                      d->inner, m, q ? d->inner : d->outer, json_number_value(v));
    }
    if (rc) return rc;
    e->chan_count = t, e->chan_rows = m, e->chan_cols = k;
    e->base->v[io] = k;
    e->base->v[ii] = m;
    return 0;
}

static int param_name(jctx *c, json_t *v, const char *key, const nisac_system *s, int *idx)
{
    if (!json_is_string(v)) return jerr(c, key, "expected a parameter name, got %s", jtype(v));
    int i = jparam_exact(s->params, s->nparams, json_string_value(v));
    if (i < 0 || (s->params[i].flags & NISAC_PF_NOSWEEP)) {
        char list[768];
        jnames(s->params, s->nparams, NISAC_PF_NOSWEEP, list, sizeof list);
        return jerr(c, key, "unknown sweep parameter '%s' (known: %s)", json_string_value(v), list);
    }
    *idx = i;
    return 0;
}

typedef int (*entry_fn)(jctx *c, json_t *v, nisac_experiment *e, int idx);

/* Reads the entries of array v with fn, each under its "[i]" path;
 * *count is the number of entries started (so that free releases them). */
static int read_entries(jctx *c, json_t *v, int max, const char *what, entry_fn fn, nisac_experiment *e,
                        int *count)
{
    if (!json_is_array(v) || json_array_size(v) > (size_t)max)
        return jerr(c, "", "expected an array of at most %d %s, got %s", max, what,
                    json_is_array(v) ? "more" : jtype(v));
    for (size_t i = 0; i < json_array_size(v); i++) {
        char k[32], saved[256];
        snprintf(k, sizeof k, "[%zu]", i);
        jenter(c, k, saved, sizeof saved);
        *count = (int)i + 1;
        int rc = fn(c, json_array_get(v, i), e, (int)i);
        jleave(c, saved);
        if (rc) return rc;
    }
    return 0;
}

/* Axis idx; a parameter may not be swept by an earlier axis too. */
static int read_axis(jctx *c, json_t *v, nisac_experiment *e, int idx)
{
    nisac_exp_axis *ax = &e->axes[idx];
    if (!json_is_object(v)) return jerr(c, "", "expected an object with 'param' and 'values' (or 'from', 'to', "
                                            "'step'), got %s", jtype(v));
    json_t *jp = json_object_get(v, "param"), *jps = json_object_get(v, "params");
    json_t *jv = json_object_get(v, "values");
    const char *key;
    json_t *x;
    json_object_foreach(v, key, x)
    {
        if (strcmp(key, "param") && strcmp(key, "params") && strcmp(key, "values") && strcmp(key, "from") &&
            strcmp(key, "to") && strcmp(key, "step") && strcmp(key, "num"))
            return jerr(c, key, "unknown field (known: param, params, values, from, to, step, num)");
    }
    if (!!jp == !!jps) return jerr(c, "", "expected exactly one of 'param' (a name) or 'params' (a list)");
    if (jp) {
        ax->nparams = 1;
        if (param_name(c, jp, "param", e->sys, &ax->param[0])) return NISAC_EINVAL;
    } else {
        if (!json_is_array(jps) || json_array_size(jps) < 1 || json_array_size(jps) > NISAC_EXP_MAX_AXIS_PARAMS)
            return jerr(c, "params", "expected an array of 1..%d parameter names", NISAC_EXP_MAX_AXIS_PARAMS);
        ax->nparams = (int)json_array_size(jps);
        char saved[256];
        jenter(c, "params", saved, sizeof saved);
        for (int i = 0; i < ax->nparams; i++) {
            char k[16];
            snprintf(k, sizeof k, "[%d]", i);
            if (param_name(c, json_array_get(jps, (size_t)i), k, e->sys, &ax->param[i])) return NISAC_EINVAL;
        }
        jleave(c, saved);
    }
    for (int i = 0; i < ax->nparams; i++) {
        for (int b = 0; b < idx; b++)
            for (int j = 0; j < e->axes[b].nparams; j++)
                if (e->axes[b].param[j] == ax->param[i])
                    return jerr(c, jp ? "param" : "params", "parameter '%s' is swept twice",
                                e->sys->params[ax->param[i]].name);
        for (int j = 0; j < i; j++)
            if (ax->param[j] == ax->param[i])
                return jerr(c, "params", "parameter '%s' is listed twice", e->sys->params[ax->param[i]].name);
    }
    json_t *jfrom = json_object_get(v, "from");
    if (jv && jfrom) return jerr(c, "", "give either 'values' or 'from'/'to'/'step', not both");
    if (jv) {
        if (!json_is_array(jv)) return jerr(c, "values", "expected an array, got %s", jtype(jv));
        size_t n = json_array_size(jv);
        if (n == 0) return jerr(c, "values", "empty sweep: expected at least one value");
        if (n > NISAC_EXP_MAX_VALUES) return jerr(c, "values", "at most %d values", NISAC_EXP_MAX_VALUES);
        ax->nvalues = (int)n;
        ax->values = calloc(n * (size_t)ax->nparams, sizeof(double));
        if (!ax->values) return jerr(c, "values", "out of memory");
        char saved[256];
        jenter(c, "values", saved, sizeof saved);
        for (size_t i = 0; i < n; i++) {
            json_t *el = json_array_get(jv, i);
            char k[24];
            snprintf(k, sizeof k, "[%zu]", i);
            if (ax->nparams == 1) {
                if (jread_value(c, &e->sys->params[ax->param[0]], el, k, &ax->values[i])) return NISAC_EINVAL;
                continue;
            }
            if (!json_is_array(el) || json_array_size(el) != (size_t)ax->nparams)
                return jerr(c, k, "expected an array of %d values (one per parameter), got %s", ax->nparams,
                            jtype(el));
            char saved2[256];
            jenter(c, k, saved2, sizeof saved2);
            for (int j = 0; j < ax->nparams; j++) {
                char k2[16];
                snprintf(k2, sizeof k2, "[%d]", j);
                if (jread_value(c, &e->sys->params[ax->param[j]], json_array_get(el, (size_t)j), k2,
                                &ax->values[i * (size_t)ax->nparams + (size_t)j]))
                    return NISAC_EINVAL;
            }
            jleave(c, saved2);
        }
        jleave(c, saved);
        return 0;
    }
    if (!jfrom) return jerr(c, "", "expected 'values' or 'from'/'to' with 'step' or 'num'");
    if (ax->nparams != 1) return jerr(c, "params", "a range sweeps one parameter; use 'values' for several");
    const nisac_param_def *pp = &e->sys->params[ax->param[0]];
    if (pp->type == NISAC_PT_CHOICE || pp->type == NISAC_PT_BOOL)
        return jerr(c, "from", "'%s' takes named values; use 'values'", pp->name);
    double from, to, step = NAN;
    long num = 0;
    json_t *jto = json_object_get(v, "to"), *jstep = json_object_get(v, "step"), *jnum_ = json_object_get(v, "num");
    if (!jto) return jerr(c, "", "a range needs 'to'");
    if (jread_value(c, pp, jfrom, "from", &from) || jread_value(c, pp, jto, "to", &to)) return NISAC_EINVAL;
    if (!!jstep == !!jnum_) return jerr(c, "", "a range needs exactly one of 'step' or 'num'");
    if (jstep) {
        if (jnum(c, jstep, "step", &step)) return NISAC_EINVAL;
        if (step == 0 || (to - from) / step < 0) return jerr(c, "step", "must be non-zero and lead from 'from' to 'to'");
        double n = floor((to - from) / step + 1e-9) + 1;
        if (!(n <= NISAC_EXP_MAX_VALUES)) return jerr(c, "step", "gives more than %d values", NISAC_EXP_MAX_VALUES);
        num = (long)n;
    } else {
        if (jint(c, jnum_, "num", 1, NISAC_EXP_MAX_VALUES, &num)) return NISAC_EINVAL;
        step = num > 1 ? (to - from) / (double)(num - 1) : 0;
    }
    ax->nvalues = (int)num;
    ax->values = calloc((size_t)num, sizeof(double));
    if (!ax->values) return jerr(c, "", "out of memory");
    for (long i = 0; i < num; i++) {
        double xv = from + (double)i * step;
        if (pp->type == NISAC_PT_INT) {
            if (xv != floor(xv)) return jerr(c, "step", "'%s' takes integers; value %g is not one", pp->name, xv);
        }
        ax->values[i] = xv;
    }
    return 0;
}

static int read_sweep(jctx *c, json_t *v, nisac_experiment *e)
{
    if (json_is_array(v) && json_array_size(v) == 0)
        return jerr(c, "", "empty sweep: give at least one axis, or leave 'sweep' out");
    return read_entries(c, v, NISAC_EXP_MAX_AXES, "sweep axes", read_axis, e, &e->naxes);
}

/* "PARAM_from": the entry takes parameter PARAM from the design of an
 * earlier entry (the metric named by the parameter's from_metric). */
static int read_from(jctx *c, const char *key, json_t *x, nisac_experiment *e, int idx, int *handled)
{
    nisac_exp_algo *a = &e->algos[idx];
    size_t l = strlen(key);
    *handled = 0;
    if (l < 6 || strcmp(key + l - 5, "_from")) return 0;
    char pname[64];
    snprintf(pname, sizeof pname, "%.*s", (int)(l - 5), key);
    int pi = jparam_exact(e->sys->params, e->sys->nparams, pname);
    if (pi < 0 || !e->sys->params[pi].from_metric) return 0;
    *handled = 1;
    if (a->from_entry >= 0) return jerr(c, key, "an entry takes at most one parameter from an earlier one");
    if (!json_is_string(x)) return jerr(c, key, "expected the label of an earlier algorithm, got %s", jtype(x));
    for (int j = 0; j < idx; j++)
        if (!strcmp(e->algos[j].label, json_string_value(x))) a->from_entry = j;
    if (a->from_entry < 0) return jerr(c, key, "no earlier algorithm is labelled '%s'", json_string_value(x));
    a->from_param = pi;
    a->from_metric = nisac_metric_find(e->sys, e->sys->params[pi].from_metric);
    if (a->from_metric < 0) return jerr(c, key, "system '%s' has no metric '%s'", e->sys->name, e->sys->params[pi].from_metric);
    return 0;
}

static int read_overrides(jctx *c, json_t *x, nisac_experiment *e, nisac_exp_algo *a)
{
    if (!json_is_object(x)) return jerr(c, "", "expected an object of scenario parameters, got %s", jtype(x));
    const char *pk;
    json_t *pv;
    json_object_foreach(x, pk, pv)
    {
        int pi = jparam_exact(e->sys->params, e->sys->nparams, pk);
        if (pi < 0 || e->sys->params[pi].type == NISAC_PT_LIST)
            return jerr(c, pk, "unknown scenario parameter (a scalar parameter of system '%s')", e->sys->name);
        if (a->noverride == NISAC_EXP_MAX_OVERRIDES)
            return jerr(c, pk, "at most %d parameter overrides", NISAC_EXP_MAX_OVERRIDES);
        double d;
        if (jread_value(c, &e->sys->params[pi], pv, pk, &d)) return NISAC_EINVAL;
        a->override_param[a->noverride] = pi;
        a->override_value[a->noverride++] = d;
    }
    return 0;
}

static int read_algo(jctx *c, json_t *v, nisac_experiment *e, int idx)
{
    nisac_exp_algo *a = &e->algos[idx];
    a->from_entry = -1;
    if (!json_is_object(v)) return jerr(c, "", "expected an object with 'algo', got %s", jtype(v));
    json_t *ja = json_object_get(v, "algo");
    if (!ja) return jerr(c, "", "missing 'algo' (an algorithm name, see 'nisac algos')");
    if (!json_is_string(ja)) return jerr(c, "algo", "expected an algorithm name, got %s", jtype(ja));
    a->algo = nisac_algo_find(e->cat, e->sys, json_string_value(ja));
    if (!a->algo)
        return jerr(c, "algo", "unknown algorithm '%s' for system '%s' (see 'nisac algos')", json_string_value(ja),
                    e->sys->name);
    if (!(a->opts = nisac_algo_opts(a->algo))) return jerr(c, "", "out of memory");
    snprintf(a->label, sizeof a->label, "%s", a->algo->name);
    const char *key;
    json_t *x;
    json_object_foreach(v, key, x)
    {
        int rc = 0, handled = 0;
        if (!strcmp(key, "algo") || !strcmp(key, "comment")) continue;
        char saved[256];
        if (!strcmp(key, "label")) {
            if (!(rc = read_string_field(c, x, key, a->label, sizeof a->label)) && !label_ok(a->label))
                rc = jerr(c, key, "a label is 1..47 characters without ',', '\"', '#' or control characters");
        } else if (!strcmp(key, "options")) {
            jenter(c, key, saved, sizeof saved);
            rc = jread_table(c, x, a->opts, "option");
            jleave(c, saved);
        } else if (!strcmp(key, "params")) {
            jenter(c, key, saved, sizeof saved);
            rc = read_overrides(c, x, e, a);
            jleave(c, saved);
        } else if ((rc = read_from(c, key, x, e, idx, &handled)) || handled) {
        } else {
            char from[256] = "";
            for (int i = 0; i < e->sys->nparams; i++)
                if (e->sys->params[i].from_metric) {
                    size_t l = strlen(from);
                    snprintf(from + l, sizeof from - l, ", %s_from", e->sys->params[i].name);
                }
            rc = jerr(c, key, "unknown field (known: algo, label, options, params%s)", from);
        }
        if (rc) return rc;
    }
    for (int j = 0; j < idx; j++)
        if (!strcmp(e->algos[j].label, a->label))
            return jerr(c, "label", "label '%s' is used twice; give each entry its own 'label'", a->label);
    return 0;
}

static int read_evaluate(jctx *c, json_t *v, nisac_experiment *e)
{
    if (!json_is_object(v)) return jerr(c, "", "expected an object, got %s", jtype(v));
    const char *key;
    json_t *x;
    json_object_foreach(v, key, x)
    {
        int rc = 0, ch;
        long li;
        if (!strcmp(key, "channel")) {
            static const char *const dflt[] = {"estimate"};
            const nisac_system *s = e->sys;
            if (!(rc = jchoice(c, x, key, s->neval_modes ? s->eval_modes : dflt, s->neval_modes ? s->neval_modes : 1,
                               &ch)))
                e->eval_mode = ch;
        } else if (!strcmp(key, "draws")) {
            if (!(rc = jint(c, x, key, 1, 1000000, &li))) e->draws = (int)li;
        } else if (!strcmp(key, "eps")) {
            if (!(rc = jnum(c, x, key, &e->eval_eps)) && !(e->eval_eps >= 0 && e->eval_eps < 1e6))
                rc = jerr(c, key, "expected 0 <= eps < 1e6");
        } else
            rc = jerr(c, key, "unknown field (known: channel, draws, eps)");
        if (rc) return rc;
    }
    if (e->eval_mode == 0 && e->draws != 1)
        return jerr(c, "draws", "draws apply to evaluation on drawn channels only (not '%s')",
                    e->sys->neval_modes ? e->sys->eval_modes[0] : "estimate");
    return 0;
}

static int read_metrics(jctx *c, json_t *v, nisac_experiment *e)
{
    if (!json_is_array(v) || json_array_size(v) == 0)
        return jerr(c, "", "expected a non-empty array of metric names");
    if (json_array_size(v) > NISAC_EXP_MAX_METRICS) return jerr(c, "", "at most %d metrics", NISAC_EXP_MAX_METRICS);
    for (size_t i = 0; i < json_array_size(v); i++) {
        json_t *x = json_array_get(v, i);
        char k[32];
        snprintf(k, sizeof k, "[%zu]", i);
        int m = json_is_string(x) ? nisac_metric_find(e->sys, json_string_value(x)) : -1;
        if (m < 0) {
            char list[1024] = "";
            for (int j = 0; j < e->sys->nmetrics; j++) {
                size_t l = strlen(list);
                snprintf(list + l, sizeof list - l, "%s%s", j ? ", " : "", e->sys->metrics[j].name);
            }
            return jerr(c, k, "unknown metric %s%s%s (known: %s)", json_is_string(x) ? "'" : "",
                        json_is_string(x) ? json_string_value(x) : jtype(x), json_is_string(x) ? "'" : "", list);
        }
        for (int j = 0; j < e->nmetrics; j++)
            if (e->metric[j] == m) return jerr(c, k, "metric '%s' is listed twice", json_string_value(x));
        e->metric[e->nmetrics++] = m;
    }
    return 0;
}

static int is_swept(const nisac_experiment *e, const char *name)
{
    for (int a = 0; a < e->naxes; a++)
        for (int j = 0; j < e->axes[a].nparams; j++)
            if (!strcmp(e->sys->params[e->axes[a].param[j]].name, name)) return 1;
    return 0;
}

static int read_plot(jctx *c, json_t *v, nisac_experiment *e, int idx)
{
    nisac_exp_plot *pl = &e->plots[idx];
    memset(pl, 0, sizeof *pl);
    pl->vline = NAN;
    pl->bins = 30;
    if (!json_is_object(v)) return jerr(c, "", "expected an object, got %s", jtype(v));
    const char *key;
    json_t *x;
    json_object_foreach(v, key, x)
    {
        int rc = 0, ch;
        long li;
        if (!strcmp(key, "file")) {
            if (!(rc = read_string_field(c, x, key, pl->file, sizeof pl->file))) {
                for (const char *s = pl->file; *s && !rc; s++)
                    if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
                          *s == '_' || *s == '-' || *s == '.'))
                        rc = jerr(c, key, "a file stem of letters, digits, '_', '-' and '.'");
                if (!rc && (!pl->file[0] || pl->file[0] == '.')) rc = jerr(c, key, "a file stem must not be empty or start with '.'");
            }
        } else if (!strcmp(key, "title")) rc = read_string_field(c, x, key, pl->title, sizeof pl->title);
        else if (!strcmp(key, "xlabel")) rc = read_string_field(c, x, key, pl->xlabel, sizeof pl->xlabel);
        else if (!strcmp(key, "ylabel")) rc = read_string_field(c, x, key, pl->ylabel, sizeof pl->ylabel);
        else if (!strcmp(key, "kind")) {
            static const char *const m[] = {"line", "cdf", "pdf"};
            if (!(rc = jchoice(c, x, key, m, 3, &ch))) pl->kind = (nisac_plot_kind)ch;
        } else if (!strcmp(key, "x")) rc = read_string_field(c, x, key, pl->x, sizeof pl->x);
        else if (!strcmp(key, "y")) rc = read_string_field(c, x, key, pl->y, sizeof pl->y);
        else if (!strcmp(key, "series")) {
            if (!json_is_array(x) || json_array_size(x) > NISAC_EXP_MAX_SERIES_BY)
                rc = jerr(c, key, "expected an array of at most %d column names", NISAC_EXP_MAX_SERIES_BY);
            for (size_t i = 0; !rc && i < json_array_size(x); i++) {
                char k[40];
                snprintf(k, sizeof k, "series[%zu]", i);
                json_t *s = json_array_get(x, i);
                if (!json_is_string(s) || (strcmp(json_string_value(s), "algo") && !is_swept(e, json_string_value(s))))
                    rc = jerr(c, k, "expected 'algo' or a swept parameter");
                else snprintf(pl->series_by[pl->nseries_by++], 32, "%s", json_string_value(s));
            }
        } else if (!strcmp(key, "where")) {
            if (!json_is_object(x)) rc = jerr(c, key, "expected an object {column: value}");
            const char *fk;
            json_t *fv;
            char saved[256];
            jenter(c, key, saved, sizeof saved);
            json_object_foreach(x, fk, fv)
            {
                if (rc) break;
                if (pl->nfilters == NISAC_EXP_MAX_FILTERS) {
                    rc = jerr(c, fk, "at most %d conditions", NISAC_EXP_MAX_FILTERS);
                    break;
                }
                int pi = jparam_exact(e->sys->params, e->sys->nparams, fk);
                if (!strcmp(fk, "algo")) {
                    rc = read_string_field(c, fv, fk, pl->filter_val[pl->nfilters], 48);
                } else if (pi >= 0 && is_swept(e, fk)) {
                    double d;
                    if (!(rc = jread_value(c, &e->sys->params[pi], fv, fk, &d)))
                        nisac_param_format(&e->sys->params[pi], d, pl->filter_val[pl->nfilters], 48);
                } else
                    rc = jerr(c, fk, "expected 'algo' or a swept parameter");
                if (!rc) snprintf(pl->filter_col[pl->nfilters++], 32, "%s", fk);
            }
            jleave(c, saved);
        } else if (!strcmp(key, "errorbars")) rc = jbool(c, x, key, &pl->errorbars);
        else if (!strcmp(key, "all_status")) rc = jbool(c, x, key, &pl->all_status);
        else if (!strcmp(key, "logy")) rc = jbool(c, x, key, &pl->logy);
        else if (!strcmp(key, "bins")) {
            if (!(rc = jint(c, x, key, 2, 1000, &li))) pl->bins = (int)li;
        } else if (!strcmp(key, "vline")) rc = jnum(c, x, key, &pl->vline);
        else if (!strcmp(key, "comment")) {
        } else
            rc = jerr(c, key, "unknown field (known: file, kind, x, y, series, where, title, xlabel, ylabel, "
                              "errorbars, logy, bins, vline, all_status)");
        if (rc) return rc;
    }
    if (!pl->file[0]) return jerr(c, "", "missing 'file'");
    if (!pl->y[0]) return jerr(c, "", "missing 'y' (a record column)");
    if (!nisac_experiment_is_column(e, pl->y))
        return jerr(c, "y", "'%s' is not a recorded metric column of results.csv", pl->y);
    if (pl->kind == NISAC_PLOT_LINE) {
        if (!pl->x[0]) return jerr(c, "", "a line plot needs 'x' (a swept parameter)");
        if (!is_swept(e, pl->x)) return jerr(c, "x", "'%s' is not a swept parameter", pl->x);
    }
    for (int b = 0; b < idx; b++)
        if (!strcmp(e->plots[b].file, pl->file)) return jerr(c, "file", "plot file '%s' is used twice", pl->file);
    return 0;
}

static void fill_default_metrics(nisac_experiment *e)
{
    if (e->nmetrics) return;
    const char *const *def = e->sys->default_metrics;
    for (int d = 0; def && def[d] && e->nmetrics < NISAC_EXP_MAX_METRICS; d++) {
        int m = nisac_metric_find(e->sys, def[d]);
        if (m >= 0) e->metric[e->nmetrics++] = m;
    }
    for (int m = 0; !e->nmetrics && m < e->sys->nmetrics && m < NISAC_EXP_MAX_METRICS; m++)
        if (e->sys->metrics[m].dim < 0) e->metric[e->nmetrics++] = m;
}


/* Every sweep point with every entry's overrides must be valid; the
 * largest size of each vector dimension sets the record widths. */
static int validate_points(jctx *c, nisac_experiment *e)
{
    memset(e->dim_max, 0, sizeof e->dim_max);
    nisac_params *p = nisac_system_params(e->sys), *q = nisac_system_params(e->sys);
    int rc = 0;
    if (!p || !q) rc = jerr(c, "", "out of memory");
    for (int pt = 0; pt < e->npoints && !rc; pt++) {
        if ((rc = nisac_experiment_point_params(e, pt, p))) {
            rc = jerr(c, "", "out of memory");
            break;
        }
        for (int a = 0; a < e->nalgos && !rc; a++) {
            const nisac_exp_algo *al = &e->algos[a];
            if (nisac_params_copy(q, p)) {
                rc = jerr(c, "", "out of memory");
                break;
            }
            nisac__apply_overrides(al, q);
            if (e->chan) {
                const nisac_input_def *d = &e->sys->inputs[0];
                const double ko = nisac_params_get(q, d->outer), ki = nisac_params_get(q, d->inner);
                if (ko != e->chan_cols || ki != e->chan_rows) {
                    rc = jerr(c, e->naxes ? "sweep" : "scenario", "sweep point %d, algorithm '%s': %s=%g %s=%g, but "
                              "the channel file holds %s=%d %s=%d", pt, al->label, d->outer, ko, d->inner, ki,
                              d->outer, e->chan_cols, d->inner, e->chan_rows);
                    break;
                }
            }
            if (nisac_system_check(e->sys, q) || nisac_algo_check(al->algo, q, al->opts)) {
                rc = jerr(c, e->naxes ? "sweep" : "scenario", "sweep point %d, algorithm '%s': %s", pt, al->label,
                          nisac_last_error());
                break;
            }
            int dim[NISAC_MAX_DIMS] = {0};
            e->sys->dim_sizes(q, dim);
            for (int d = 0; d < e->sys->ndims; d++)
                if (dim[d] > e->dim_max[d]) e->dim_max[d] = dim[d];
        }
    }
    nisac_params_free(p);
    nisac_params_free(q);
    return rc;
}

static int read_vectors(jctx *c, json_t *v, nisac_experiment *e)
{
    static const char *const m[] = {"auto", "wide", "long"};
    int ch;
    if (jchoice(c, v, "", m, 3, &ch)) return NISAC_EINVAL;
    e->vectors = ch == 2 ? NISAC_VECTORS_LONG : NISAC_VECTORS_WIDE;
    e->vectors_auto = ch == 0;
    return 0;
}

/* "auto": wide unless a recorded vector metric is wider than NISAC_EXP_WIDE_MAX. */
static void resolve_vectors(nisac_experiment *e)
{
    if (!e->vectors_auto) return;
    e->vectors = NISAC_VECTORS_WIDE;
    for (int i = 0; i < e->nmetrics; i++) {
        int d = e->sys->metrics[e->metric[i]].dim;
        if (d >= 0 && e->dim_max[d] > NISAC_EXP_WIDE_MAX) e->vectors = NISAC_VECTORS_LONG;
    }
}

/* The system the config names ("system"; the default without one). */
static int read_system(jctx *c, json_t *root, nisac_experiment *e)
{
    json_t *v = json_object_get(root, "system");
    const char *name = NISAC_DEFAULT_SYSTEM;
    if (v) {
        if (!json_is_string(v)) return jerr(c, "system", "expected a system name, got %s", jtype(v));
        name = json_string_value(v);
    }
    e->sys = nisac_system_find(e->cat, name);
    if (!e->sys) {
        char list[256] = "";
        for (int i = 0; i < nisac_catalog_nsystems(e->cat); i++) {
            size_t l = strlen(list);
            snprintf(list + l, sizeof list - l, "%s%s", i ? ", " : "", nisac_catalog_system_at(e->cat, i)->name);
        }
        return jerr(c, "system", "unknown system '%s' (known: %s)", name, list);
    }
    if (!(e->base = nisac_system_params(e->sys))) return jerr(c, "", "out of memory");
    return 0;
}

int nisac_experiment_parse(const nisac_catalog *cat, const char *text, size_t len, const char *name,
                           nisac_experiment **out, char *msg, size_t msglen)
{
    *out = NULL;
    jctx c;
    json_t *root = jctx_open(&c, name, text, len, msg, msglen);
    if (!root) return NISAC_EPARSE;
    nisac_experiment *e = calloc(1, sizeof *e);
    int rc = 0;
    if (!e) {
        snprintf(msg, msglen, "%s: out of memory", name);
        jctx_close(&c, root);
        return NISAC_ENOMEM;
    }
    snprintf(e->name, sizeof e->name, "experiment");
    e->cat = cat ? cat : nisac_catalog_builtin();
    e->common_channels = 1;
    e->trials = 1;
    e->seed = 1;
    e->draws = 1;
    e->eval_eps = NAN;
    e->vectors_auto = 1;
    if (!json_is_object(root)) {
        snprintf(msg, msglen, "%s:1:1: expected a JSON object at the top level, got %s", name, jtype(root));
        rc = NISAC_EPARSE;
        goto out;
    }
    /* Fixed reading order: the system first, the sweep and metrics before
     * the plots that name them. */
    static const char *const order[] = {"system",     "name",   "description", "comment",  "scenario",
                                        "channels",   "sweep",  "algorithms",  "trials",   "seed",
                                        "evaluate",   "metrics", "vectors",    "plots"};
    const char *key;
    json_t *v;
    json_object_foreach(root, key, v)
    {
        int known = 0;
        for (size_t i = 0; i < sizeof order / sizeof order[0]; i++) known |= !strcmp(key, order[i]);
        if (!known) {
            rc = jerr(&c, key, "unknown field (known: system, name, description, scenario, channels, sweep, "
                               "algorithms, trials, seed, evaluate, metrics, vectors, plots)");
            goto out;
        }
    }
    if ((rc = read_system(&c, root, e))) goto out;
    if (!json_object_get(root, "algorithms")) {
        rc = jerr(&c, "", "missing 'algorithms' (an array of {\"algo\": NAME, ...})");
        goto out;
    }
    for (size_t i = 1; i < sizeof order / sizeof order[0] && !rc; i++) {
        key = order[i];
        if (!strcmp(key, "plots")) continue; /* read last: plots name columns */
        v = json_object_get(root, key);
        if (!v) continue;
        char saved[256];
        if (!strcmp(key, "name")) {
            if (!(rc = read_string_field(&c, v, key, e->name, sizeof e->name)) && !label_ok(e->name))
                rc = jerr(&c, key, "a name without ',', '\"', '#' or control characters");
        } else if (!strcmp(key, "description") || !strcmp(key, "comment")) {
            if (!json_is_string(v)) rc = jerr(&c, key, "expected a string, got %s", jtype(v));
        } else if (!strcmp(key, "trials")) {
            long li;
            if (!(rc = jint(&c, v, key, 1, 10000000, &li))) e->trials = (int)li;
        } else if (!strcmp(key, "seed")) {
            rc = ju64(&c, v, key, &e->seed);
        } else {
            jenter(&c, key, saved, sizeof saved);
            if (!strcmp(key, "scenario")) rc = read_scenario(&c, v, e);
            else if (!strcmp(key, "channels")) rc = read_channels(&c, v, e);
            else if (!strcmp(key, "sweep")) rc = read_sweep(&c, v, e);
            else if (!strcmp(key, "evaluate")) rc = read_evaluate(&c, v, e);
            else if (!strcmp(key, "metrics")) rc = read_metrics(&c, v, e);
            else if (!strcmp(key, "vectors")) rc = read_vectors(&c, v, e);
            else if (!strcmp(key, "algorithms")) {
                if (json_is_array(v) && json_array_size(v) == 0)
                    rc = jerr(&c, "", "expected at least one algorithm entry");
                else rc = read_entries(&c, v, NISAC_EXP_MAX_ALGOS, "algorithm entries", read_algo, e, &e->nalgos);
            }
            jleave(&c, saved);
        }
    }
    if (rc) goto out;
    fill_default_metrics(e);
    double np = 1;
    for (int a = 0; a < e->naxes; a++) np *= e->axes[a].nvalues;
    if (np * e->trials > (double)MAX_UNITS) {
        rc = jerr(&c, "trials", "%.0f points x %d trials exceed %ld units", np, e->trials, MAX_UNITS);
        goto out;
    }
    if (np > 1e6) {
        rc = jerr(&c, "sweep", "%.0f sweep points; at most 1000000", np);
        goto out;
    }
    e->npoints = (int)np;
    if ((double)e->npoints * e->trials * e->nalgos * e->draws > MAX_ROWS) {
        rc = jerr(&c, "evaluate", "the run would write more than %.0f records", MAX_ROWS);
        goto out;
    }
    if (e->chan_file[0] && (rc = load_channel_file(&c, root, e))) goto out;
    if ((rc = validate_points(&c, e))) goto out;
    resolve_vectors(e);
    if ((v = json_object_get(root, "plots"))) {
        char saved[256];
        jenter(&c, "plots", saved, sizeof saved);
        rc = read_entries(&c, v, NISAC_EXP_MAX_PLOTS, "plots", read_plot, e, &e->nplots);
        jleave(&c, saved);
        if (rc) goto out;
    }
    /* The hash covers what decides the records: plots and descriptions are left out. */
    json_t *canon = json_deep_copy(root);
    json_object_del(canon, "plots");
    json_object_del(canon, "description");
    json_object_del(canon, "comment");
    char *dump = json_dumps(canon, JSON_SORT_KEYS | JSON_COMPACT);
    e->hash = dump ? nisac__fnv1a(dump, strlen(dump), NISAC_FNV_OFFSET) : 0;
    if (e->chan) /* and the channels a file gives */
        e->hash = nisac__fnv1a(e->chan, sizeof(double complex) * (size_t)e->chan_count * e->chan_rows * e->chan_cols,
                               e->hash);
    free(dump);
    json_decref(canon);
out:
    jctx_close(&c, root);
    if (rc) {
        nisac_experiment_free(e);
        return rc < 0 ? rc : NISAC_EINVAL;
    }
    *out = e;
    return 0;
}

int nisac_experiment_load(const nisac_catalog *cat, const char *path, nisac_experiment **out, char *msg,
                          size_t msglen)
{
    *out = NULL;
    size_t len;
    errno = 0;
    char *text = nisac__slurp(path, NISAC_MAX_CONFIG_BYTES, &len);
    if (!text) {
        if (errno == EFBIG) snprintf(msg, msglen, "%s: cannot read: larger than %zu MiB, the most a config file may be", path, NISAC_MAX_CONFIG_BYTES >> 20);
        else snprintf(msg, msglen, "%s: cannot read: %s", path, strerror(errno ? errno : ENOMEM));
        return NISAC_EIO;
    }
    int rc = nisac_experiment_parse(cat, text, len, path, out, msg, msglen);
    free(text);
    if (!rc) snprintf((*out)->path, sizeof (*out)->path, "%s", path);
    return rc;
}

void nisac_experiment_free(nisac_experiment *e)
{
    if (!e) return;
    for (int a = 0; a < NISAC_EXP_MAX_AXES; a++) free(e->axes[a].values);
    for (int a = 0; a < NISAC_EXP_MAX_ALGOS; a++) nisac_params_free(e->algos[a].opts);
    nisac_params_free(e->base);
    free(e->chan);
    free(e);
}
