/* JSON scenarios (jansson), read through the system's tables.  Unknown
 * fields are errors, so that a typo is never silently ignored. */
#include "nisac/scenario.h"
#include "jsonutil.h"
#include "exp_internal.h"

#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void clear_inputs(nisac_scenario *s)
{
    for (int i = 0; i < s->in.n; i++) free(s->in.z[i]);
    free(s->in.z);
    free(s->in.rows);
    free(s->in.cols);
    memset(&s->in, 0, sizeof s->in);
}

void nisac_scenario_clear(nisac_scenario *s)
{
    clear_inputs(s);
    nisac_params_free(s->p);
    nisac_params_free(s->opts);
    s->p = s->opts = NULL;
}

static int use_system(nisac_scenario *s, const nisac_system *sys)
{
    clear_inputs(s);
    nisac_params_free(s->p);
    s->sys = sys;
    s->p = nisac_system_params(sys);
    s->in.n = sys->ninputs;
    if (sys->ninputs > 0) {
        s->in.z = calloc((size_t)sys->ninputs, sizeof *s->in.z);
        s->in.rows = calloc((size_t)sys->ninputs, sizeof(int));
        s->in.cols = calloc((size_t)sys->ninputs, sizeof(int));
        if (!s->in.z || !s->in.rows || !s->in.cols) return NISAC_FAIL(NISAC_ENOMEM, "out of memory");
    }
    if (!s->p) return NISAC_FAIL(NISAC_ENOMEM, "out of memory");
    const char *a = sys->default_algo;
    const nisac_algo *al = nisac_algo_find(s->cat, sys, a);
    for (int i = 0; !al && i < nisac_catalog_nalgos(s->cat); i++)
        if (!strcmp(nisac_catalog_algo_at(s->cat, i)->system, sys->name)) al = nisac_catalog_algo_at(s->cat, i);
    s->algo = NULL;
    nisac_params_free(s->opts);
    s->opts = NULL;
    return al ? nisac_scenario_set_algo(s, al->name) : NISAC_OK;
}

int nisac_scenario_init(nisac_scenario *s, const nisac_catalog *cat, const char *system)
{
    memset(s, 0, sizeof *s);
    s->cat = cat ? cat : nisac_catalog_builtin();
    s->seed = 1;
    s->trial = 0;
    s->algo_seed = 1;
    const nisac_system *sys = nisac_system_find(s->cat, system ? system : NISAC_DEFAULT_SYSTEM);
    if (!sys) return NISAC_FAIL(NISAC_ENOTFOUND, "unknown system '%s'", system);
    return use_system(s, sys);
}

int nisac_scenario_set_algo(nisac_scenario *s, const char *name)
{
    const nisac_algo *a = nisac_algo_find(s->cat, s->sys, name);
    if (!a) return NISAC_FAIL(NISAC_ENOTFOUND, "unknown algorithm '%s' for system '%s'", name, s->sys->name);
    nisac_params *o = nisac_algo_opts(a);
    if (!o) return NISAC_FAIL(NISAC_ENOMEM, "out of memory");
    nisac_params_free(s->opts);
    s->opts = o;
    s->algo = a;
    return NISAC_OK;
}

/* A .npy file of shape (outer, inner), or a .mat file whose variable (named
 * as the field, else the first) is outer x inner, named by a scenario
 * (relative to the scenario file's folder): *z gets it as inner x outer
 * column-major. */
static int load_npy_input(jctx *c, const char *key, const char *name, size_t *K, size_t *N, double complex **z)
{
    char path[1024];
    const char *slash = strrchr(c->file, '/');
    if (name[0] != '/' && slash)
        snprintf(path, sizeof path, "%.*s/%s", (int)(slash - c->file), c->file, name);
    else snprintf(path, sizeof path, "%s", name);
    int count, rows, cols;
    if (nisac__read_channel_file(path, key, 0, &count, &rows, &cols, z)) return jerr(c, key, "%s", nisac_last_error());
    *K = (size_t)rows, *N = (size_t)cols;
    return 0;
}

/* Explicit input i: `outer` arrays of `inner` [re, im] pairs, or the name
 * of a .npy or .mat file of shape (outer, inner). */
static int load_input(jctx *c, json_t *root, json_t *v, nisac_scenario *s, int i)
{
    const nisac_input_def *d = &s->sys->inputs[i];
    const char *key = d->name;
    size_t K = 0, N = 0;
    char f[96];
    double complex *zf = NULL; /* the data of a .npy file */
    if (json_is_string(v)) {
        if (load_npy_input(c, key, json_string_value(v), &K, &N, &zf)) return -1;
    } else if (!json_is_array(v) || json_array_size(v) == 0)
        return jerr(c, key, "expected a non-empty array of %s arrays of %s [re, im] pairs, or a .npy file name",
                    d->outer, d->inner);
    else K = json_array_size(v);
    for (size_t k = 0; !zf && k < K; k++) {
        json_t *h = json_array_get(v, k);
        snprintf(f, sizeof f, "%s[%zu]", key, k);
        if (!json_is_array(h) || json_array_size(h) == 0) return jerr(c, f, "expected an array of [re, im] pairs");
        if (k == 0) N = json_array_size(h);
        else if (json_array_size(h) != N)
            return jerr(c, f, "has %zu entries, %s[0] has %zu", json_array_size(h), key, N);
    }
    /* Inputs read before this one fixed their sizes: they must agree. */
    for (int j = 0; j < i; j++) {
        if (!s->in.z[j]) continue;
        const nisac_input_def *e = &s->sys->inputs[j];
        const char *names[2] = {e->outer, e->inner};
        const int vals[2] = {s->in.cols[j], s->in.rows[j]};
        for (int q = 0; q < 2; q++) {
            if (!strcmp(names[q], d->outer) && vals[q] != (int)K) {
                free(zf);
                return jerr(c, key, "has %s=%zu vectors, but '%s' has %s=%d", d->outer, K, e->name, names[q], vals[q]);
            }
            if (!strcmp(names[q], d->inner) && vals[q] != (int)N) {
                free(zf);
                return jerr(c, key, "has vectors of %s=%zu entries, but '%s' has %s=%d", d->inner, N, e->name, names[q],
                            vals[q]);
            }
        }
    }
    int io = nisac_param_find(s->sys->params, s->sys->nparams, d->outer);
    int ii = nisac_param_find(s->sys->params, s->sys->nparams, d->inner);
    if (io < 0 || ii < 0) {
        free(zf);
        return jerr(c, key, "the system's input table names unknown parameters");
    }
    char why[200];
    if (nisac_param_check(&s->sys->params[io], (double)K, why, sizeof why) ||
        nisac_param_check(&s->sys->params[ii], (double)N, why, sizeof why)) {
        free(zf);
        return jerr(c, key, "%zu x %zu: %s", K, N, why);
    }
    double complex *z = zf ? zf : calloc(N * K, sizeof(double complex));
    if (!z) return jerr(c, key, "out of memory");
    free(s->in.z[i]);
    s->in.z[i] = z;
    s->in.rows[i] = (int)N;
    s->in.cols[i] = (int)K;
    for (size_t k = 0; !zf && k < K; k++)
        for (size_t n = 0; n < N; n++) {
            json_t *e = json_array_get(json_array_get(v, k), n);
            snprintf(f, sizeof f, "%s[%zu][%zu]", key, k, n);
            if (!json_is_array(e) || json_array_size(e) != 2 || !json_is_number(json_array_get(e, 0)) ||
                !json_is_number(json_array_get(e, 1)))
                return jerr(c, f, "expected a pair [re, im] of numbers");
            double re = json_number_value(json_array_get(e, 0)), im = json_number_value(json_array_get(e, 1));
            if (!isfinite(re) || !isfinite(im) || fabs(re) > NISAC_PARAM_ABS_MAX || fabs(im) > NISAC_PARAM_ABS_MAX)
                return jerr(c, f, "expected finite numbers with |value| <= %g", NISAC_PARAM_ABS_MAX);
            z[n + k * N] = re + I * im;
        }
    /* The data's shape sets the sizes the file does not give. */
    int so = json_object_get(root, d->outer) != NULL, si = json_object_get(root, d->inner) != NULL;
    double ko = s->p->v[io], ki = s->p->v[ii];
    if ((so && ko != (double)K) || (si && ki != (double)N))
        return jerr(c, key, "has %s=%zu vectors of %s=%zu entries, but %s=%g %s=%g", d->outer, K, d->inner, N, d->outer,
                    ko, d->inner, ki);
    s->p->v[io] = (double)K;
    s->p->v[ii] = (double)N;
    return 0;
}

static int read_member(jctx *c, json_t *root, const char *key, json_t *v, nisac_scenario *s)
{
    char saved[256];
    int rc = 0;
    if (!strcmp(key, "seed")) return ju64(c, v, key, &s->seed);
    if (!strcmp(key, "trial")) return ju64(c, v, key, &s->trial);
    if (!strcmp(key, "algo_seed")) return ju64(c, v, key, &s->algo_seed);
    if (!strcmp(key, "system") || !strcmp(key, "algo") || !strcmp(key, "comment")) return 0; /* read first */
    if (!strcmp(key, "channel_model")) {
        static const char *const dflt[] = {"default"};
        const nisac_system *y = s->sys;
        return jchoice(c, v, key, y->nchannel_models ? y->channel_models : dflt,
                       y->nchannel_models ? y->nchannel_models : 1, &s->channel_model);
    }
    if (!strcmp(key, "options")) {
        if (!s->algo) return jerr(c, key, "system '%s' has no algorithm", s->sys->name);
        jenter(c, key, saved, sizeof saved);
        json_t *seed = json_is_object(v) ? json_object_get(v, "seed") : NULL;
        if (seed) { /* the algorithm's stream, spelt as an option by earlier files */
            if ((rc = ju64(c, seed, "seed", &s->algo_seed))) {
                jleave(c, saved);
                return rc;
            }
            json_t *copy = json_copy(v);
            json_object_del(copy, "seed");
            rc = jread_table(c, copy, s->opts, "option");
            json_decref(copy);
        } else
            rc = jread_table(c, v, s->opts, "option");
        jleave(c, saved);
        return rc;
    }
    for (int i = 0; i < s->sys->ninputs; i++)
        if (!strcmp(key, s->sys->inputs[i].name)) return 0; /* read after the parameters */
    if ((rc = jread_param(c, key, v, s->p)) == 1)
        return jerr(c, key, "unknown field of a '%s' scenario (see docs/cli.md for the schema)", s->sys->name);
    return rc;
}

int nisac_scenario_load_json(const char *path, nisac_scenario *s, char *msg, size_t msglen)
{
    msg[0] = 0;
    size_t len;
    errno = 0;
    char *text = nisac__slurp(path, NISAC_MAX_CONFIG_BYTES, &len);
    if (!text) {
        if (errno == EFBIG) snprintf(msg, msglen, "%s: cannot read: larger than %zu MiB, the most a config file may be", path, NISAC_MAX_CONFIG_BYTES >> 20);
        else snprintf(msg, msglen, "%s: cannot read: %s", path, strerror(errno ? errno : ENOMEM));
        return NISAC_EIO;
    }
    int rc = nisac_scenario_parse(text, len, path, s, msg, msglen);
    free(text);
    return rc;
}

int nisac_scenario_parse(const char *text, size_t len, const char *path, nisac_scenario *s, char *msg,
                         size_t msglen)
{
    msg[0] = 0;
    jctx c;
    json_t *root = jctx_open(&c, path, text, len, msg, msglen);
    if (!root) return NISAC_EPARSE;
    int rc = 0;
    if (!json_is_object(root)) {
        snprintf(msg, msglen, "%s:1:1: expected a JSON object at the top level", path);
        rc = NISAC_EPARSE;
        goto out;
    }
    json_t *v = json_object_get(root, "system");
    if (v) {
        const nisac_system *sys = json_is_string(v) ? nisac_system_find(s->cat, json_string_value(v)) : NULL;
        if (!sys) {
            rc = jerr(&c, "system", "unknown system %s%s%s (see 'nisac systems')", json_is_string(v) ? "'" : "",
                      json_is_string(v) ? json_string_value(v) : jtype(v), json_is_string(v) ? "'" : "");
            goto out;
        }
        if (sys != s->sys && (rc = use_system(s, sys))) {
            rc = jerr(&c, "system", "out of memory");
            goto out;
        }
    }
    if ((v = json_object_get(root, "algo"))) {
        if (!json_is_string(v)) rc = jerr(&c, "algo", "expected a string, got %s", jtype(v));
        else if (nisac_scenario_set_algo(s, json_string_value(v)))
            rc = jerr(&c, "algo", "unknown algorithm '%s' for system '%s' (see 'nisac algos')", json_string_value(v),
                      s->sys->name);
        if (rc) goto out;
    }
    const char *key;
    json_object_foreach(root, key, v)
    {
        if ((rc = read_member(&c, root, key, v, s))) goto out;
    }
    for (int i = 0; i < s->sys->ninputs; i++)
        if ((v = json_object_get(root, s->sys->inputs[i].name)) && (rc = load_input(&c, root, v, s, i))) goto out;
out:
    jctx_close(&c, root);
    return rc ? (rc < 0 ? rc : NISAC_EINVAL) : 0;
}

int nisac_scenario_input_file(nisac_scenario *s, int i, const char *path, const char *label, char *msg,
                              size_t msglen)
{
    msg[0] = 0;
    if (i < 0 || i >= s->sys->ninputs) {
        snprintf(msg, msglen, "%s: system '%s' takes no explicit input %d", label, s->sys->name, i);
        return NISAC_EINVAL;
    }
    jctx c;
    memset(&c, 0, sizeof c); /* no text: messages name the label, without a position */
    c.file = label;
    c.msg = msg;
    c.msglen = msglen;
    json_t *root = json_object(), *v = json_string(path);
    int rc = !root || !v ? NISAC_ENOMEM : 0;
    if (!rc) json_object_set(root, s->sys->inputs[i].name, v);
    if (!rc) rc = load_input(&c, root, v, s, i);
    json_decref(v);
    json_decref(root);
    if (rc == NISAC_ENOMEM) snprintf(msg, msglen, "%s: out of memory", label);
    return rc;
}

int nisac_scenario_instance(const nisac_scenario *s, nisac_instance **out)
{
    int any = 0;
    for (int i = 0; i < s->in.n; i++) any |= s->in.z[i] != NULL;
    return nisac_instance_new(s->sys, s->p, s->channel_model, any ? &s->in : NULL, s->seed, 0, s->trial, out);
}
