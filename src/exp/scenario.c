/* JSON scenarios (jansson).  Unknown fields are errors, so that a typo is
 * never silently ignored. */
#include "nisac/scenario.h"
#include "nisac/channel.h"
#include "nisac/geom.h"

#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void nisac_scenario_default(nisac_scenario *s)
{
    memset(s, 0, sizeof *s);
    nisac_noma_params_default(&s->p);
    s->seed = 1;
    s->trial = 0;
    snprintf(s->algo, sizeof s->algo, "%s", "sdr-maxmin");
    nisac_opts_default(&s->opts);
}

void nisac_scenario_clear(nisac_scenario *s)
{
    free(s->H);
    s->H = NULL;
    s->H_N = s->H_K = 0;
}

typedef struct {
    const char *path;
    const char *text;
    char *msg;
    size_t msglen;
} ctx_t;

/* Line and column of the first occurrence of the key "name" in the text
 * (jansson keeps no positions for values; keys are unique per object in
 * scenario files, so the first occurrence is the field's). */
static void locate(const ctx_t *c, const char *name, int *line, int *col)
{
    *line = 0;
    *col = 0;
    if (!c->text || !name) return;
    size_t nl = strlen(name);
    const char *p = c->text;
    while ((p = strchr(p, '"'))) {
        if (strncmp(p + 1, name, nl) == 0 && p[1 + nl] == '"') break;
        p++;
    }
    if (!p) return;
    int ln = 1, cl = 1;
    for (const char *q = c->text; q < p; q++) {
        if (*q == '\n') {
            ln++;
            cl = 1;
        } else {
            cl++;
        }
    }
    *line = ln;
    *col = cl;
}

static int err(const ctx_t *c, const char *key, const char *field, const char *fmt, ...)
{
    int line, col;
    locate(c, key, &line, &col);
    char what[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    if (line > 0) snprintf(c->msg, c->msglen, "%s:%d:%d: field '%s': %s", c->path, line, col, field, what);
    else snprintf(c->msg, c->msglen, "%s: field '%s': %s", c->path, field, what);
    return NISAC_EINVAL;
}

static int get_num(const ctx_t *c, json_t *v, const char *key, double *out)
{
    if (!json_is_number(v)) return err(c, key, key, "expected a number, got %s",
                                       json_is_string(v) ? "a string" : json_is_array(v) ? "an array" :
                                       json_is_object(v) ? "an object" : json_is_boolean(v) ? "a boolean" : "null");
    double d = json_number_value(v);
    if (!isfinite(d)) return err(c, key, key, "expected a finite number");
    *out = d;
    return 0;
}

static int get_int(const ctx_t *c, json_t *v, const char *key, long lo, long hi, long *out)
{
    if (!json_is_integer(v)) return err(c, key, key, "expected an integer");
    long long x = json_integer_value(v);
    if (x < lo || x > hi) return err(c, key, key, "expected an integer in %ld..%ld, got %lld", lo, hi, x);
    *out = (long)x;
    return 0;
}

static int get_u64(const ctx_t *c, json_t *v, const char *key, uint64_t *out)
{
    if (!json_is_integer(v) || json_integer_value(v) < 0)
        return err(c, key, key, "expected a non-negative integer");
    *out = (uint64_t)json_integer_value(v);
    return 0;
}

static int get_choice(const ctx_t *c, json_t *v, const char *key, const char *const *names, int n,
                      int *out)
{
    if (!json_is_string(v)) return err(c, key, key, "expected a string");
    const char *s = json_string_value(v);
    for (int i = 0; i < n; i++)
        if (strcmp(s, names[i]) == 0) {
            *out = i;
            return 0;
        }
    char list[128] = "";
    for (int i = 0; i < n; i++) {
        strncat(list, names[i], sizeof list - strlen(list) - 1);
        if (i + 1 < n) strncat(list, "|", sizeof list - strlen(list) - 1);
    }
    return err(c, key, key, "expected one of %s, got '%s'", list, s);
}

static int load_options(const ctx_t *c, json_t *o, nisac_opts *op)
{
    if (!json_is_object(o)) return err(c, "options", "options", "expected an object");
    const char *key;
    json_t *v;
    json_object_foreach(o, key, v)
    {
        int rc = 0, ch;
        long li;
        if (!strcmp(key, "mu")) rc = get_num(c, v, key, &op->mu);
        else if (!strcmp(key, "method")) {
            static const char *const m[] = {"printed", "fast"};
            if (!(rc = get_choice(c, v, key, m, 2, &ch))) op->method = (nisac_maxmin_method)ch;
        } else if (!strcmp(key, "nrand")) {
            if (!(rc = get_int(c, v, key, 0, 100000, &li))) op->nrand = (int)li;
        } else if (!strcmp(key, "rank_tol")) rc = get_num(c, v, key, &op->rank_tol);
        else if (!strcmp(key, "feas_tol")) rc = get_num(c, v, key, &op->feas_tol);
        else if (!strcmp(key, "seed")) rc = get_u64(c, v, key, &op->seed);
        else if (!strcmp(key, "oma_basis")) {
            static const char *const m[] = {"rate", "sinr"};
            if (!(rc = get_choice(c, v, key, m, 2, &ch))) op->oma_basis = (nisac_oma_basis)ch;
        } else if (!strcmp(key, "problem")) {
            static const char *const m[] = {"powermin", "maxmin"};
            if (!(rc = get_choice(c, v, key, m, 2, &ch))) op->problem = (nisac_problem)ch;
        } else if (!strcmp(key, "sdp_tol")) rc = get_num(c, v, key, &op->sdp.tol);
        else if (!strcmp(key, "sdp_maxiter")) {
            if (!(rc = get_int(c, v, key, 1, 100000, &li))) op->sdp.maxiter = (int)li;
        } else
            rc = err(c, key, key, "unknown option (known: mu, method, nrand, rank_tol, feas_tol, seed, "
                                  "oma_basis, problem, sdp_tol, sdp_maxiter)");
        if (rc) return rc;
    }
    if (!(op->mu > 0)) return err(c, "mu", "mu", "expected a value > 0");
    if (!(op->rank_tol >= 0)) return err(c, "rank_tol", "rank_tol", "expected a value >= 0");
    if (!(op->feas_tol >= 0)) return err(c, "feas_tol", "feas_tol", "expected a value >= 0");
    if (!(op->sdp.tol > 0 && op->sdp.tol < 1)) return err(c, "sdp_tol", "sdp_tol", "expected 0 < tol < 1");
    return 0;
}

static int load_channels(const ctx_t *c, json_t *v, nisac_scenario *s)
{
    const char *key = "channels";
    if (!json_is_array(v) || json_array_size(v) == 0)
        return err(c, key, key, "expected a non-empty array of K channel vectors");
    size_t K = json_array_size(v), N = 0;
    for (size_t k = 0; k < K; k++) {
        json_t *h = json_array_get(v, k);
        char f[64];
        snprintf(f, sizeof f, "channels[%zu]", k);
        if (!json_is_array(h) || json_array_size(h) == 0)
            return err(c, key, f, "expected an array of N [re, im] pairs");
        if (k == 0) N = json_array_size(h);
        else if (json_array_size(h) != N)
            return err(c, key, f, "has %zu entries, channels[0] has %zu", json_array_size(h), N);
    }
    if (K > NISAC_MAX_USERS || N > 4096) return err(c, key, key, "too many users or antennas");
    free(s->H);
    s->H = calloc(N * K, sizeof(double complex));
    if (!s->H) return err(c, key, key, "out of memory");
    s->H_N = (int)N;
    s->H_K = (int)K;
    for (size_t k = 0; k < K; k++)
        for (size_t n = 0; n < N; n++) {
            json_t *e = json_array_get(json_array_get(v, k), n);
            char f[64];
            snprintf(f, sizeof f, "channels[%zu][%zu]", k, n);
            if (!json_is_array(e) || json_array_size(e) != 2 || !json_is_number(json_array_get(e, 0)) ||
                !json_is_number(json_array_get(e, 1)))
                return err(c, key, f, "expected a pair [re, im] of numbers");
            double re = json_number_value(json_array_get(e, 0)), im = json_number_value(json_array_get(e, 1));
            if (!isfinite(re) || !isfinite(im)) return err(c, key, f, "not finite");
            s->H[n + k * N] = re + I * im;
        }
    return 0;
}

static char *slurp(const char *path, size_t max)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    char *buf = malloc(max + 1);
    size_t n = buf ? fread(buf, 1, max, f) : 0;
    fclose(f);
    if (buf) buf[n] = 0;
    return buf;
}

int nisac_scenario_load_json(const char *path, nisac_scenario *s, char *msg, size_t msglen)
{
    ctx_t c = {path, NULL, msg, msglen};
    msg[0] = 0;
    char *text = slurp(path, 16u << 20);
    if (!text) {
        snprintf(msg, msglen, "%s: cannot read: %s", path, strerror(errno));
        return NISAC_EIO;
    }
    c.text = text;
    json_error_t je;
    json_t *root = json_loads(text, JSON_REJECT_DUPLICATES, &je);
    if (!root) {
        snprintf(msg, msglen, "%s:%d:%d: %s", path, je.line, je.column, je.text);
        free(text);
        return NISAC_EPARSE;
    }
    int rc = 0;
    if (!json_is_object(root)) {
        snprintf(msg, msglen, "%s:1:1: expected a JSON object at the top level", path);
        rc = NISAC_EPARSE;
        goto out;
    }
    const char *key;
    json_t *v;
    nisac_noma_params *p = &s->p;
    json_object_foreach(root, key, v)
    {
        long li;
        int ch;
        if (!strcmp(key, "N")) {
            if (!(rc = get_int(&c, v, key, 1, 4096, &li))) p->N = (int)li;
        } else if (!strcmp(key, "K")) {
            if (!(rc = get_int(&c, v, key, 1, NISAC_MAX_USERS, &li))) p->K = (int)li;
        } else if (!strcmp(key, "targets_deg")) {
            if (!json_is_array(v) || json_array_size(v) > NISAC_MAX_TARGETS)
                rc = err(&c, key, key, "expected an array of at most %d angles in degrees", NISAC_MAX_TARGETS);
            for (size_t m = 0; !rc && m < json_array_size(v); m++) {
                double d;
                char f[48];
                snprintf(f, sizeof f, "targets_deg[%zu]", m);
                json_t *e = json_array_get(v, m);
                if (!json_is_number(e) || !isfinite(d = json_number_value(e)) || fabs(d) > 90)
                    rc = err(&c, key, f, "expected an angle in [-90, 90] degrees");
                else p->theta[m] = nisac_deg2rad(d);
            }
            if (!rc) p->M = (int)json_array_size(v);
        } else if (!strcmp(key, "sigma2")) rc = get_num(&c, v, key, &p->sigma2);
        else if (!strcmp(key, "Ps")) rc = get_num(&c, v, key, &p->Ps);
        else if (!strcmp(key, "Pdiff")) rc = get_num(&c, v, key, &p->Pdiff);
        else if (!strcmp(key, "xi")) rc = get_num(&c, v, key, &p->xi);
        else if (!strcmp(key, "P_total")) rc = get_num(&c, v, key, &p->P_total);
        else if (!strcmp(key, "gamma_db")) {
            double g;
            if (!(rc = get_num(&c, v, key, &g))) p->gamma = nisac_undb(g);
        } else if (!strcmp(key, "eps")) rc = get_num(&c, v, key, &p->eps);
        else if (!strcmp(key, "d_lambda")) rc = get_num(&c, v, key, &p->d_lambda);
        else if (!strcmp(key, "rho_c")) rc = get_num(&c, v, key, &p->rho_c);
        else if (!strcmp(key, "rho_s")) rc = get_num(&c, v, key, &p->rho_s);
        else if (!strcmp(key, "decoders")) {
            static const char *const m[] = {"all", "own"};
            if (!(rc = get_choice(&c, v, key, m, 2, &ch))) p->decoders = (nisac_decoders)ch;
        } else if (!strcmp(key, "sic_power_order")) {
            if (!json_is_boolean(v)) rc = err(&c, key, key, "expected true or false");
            else p->sic_power_order = json_is_true(v);
        } else if (!strcmp(key, "seed")) rc = get_u64(&c, v, key, &s->seed);
        else if (!strcmp(key, "trial")) rc = get_u64(&c, v, key, &s->trial);
        else if (!strcmp(key, "channels")) rc = load_channels(&c, v, s);
        else if (!strcmp(key, "algo")) {
            if (!json_is_string(v)) rc = err(&c, key, key, "expected a string");
            else if (!nisac_algo_find(json_string_value(v)))
                rc = err(&c, key, key, "unknown algorithm '%s' (see 'nisac algos')", json_string_value(v));
            else snprintf(s->algo, sizeof s->algo, "%s", json_string_value(v));
        } else if (!strcmp(key, "options")) rc = load_options(&c, v, &s->opts);
        else if (!strcmp(key, "comment")) {
            /* free text, ignored */
        } else
            rc = err(&c, key, key, "unknown field (see docs/cli.md for the scenario schema)");
        if (rc) goto out;
    }
    if (s->H && (s->H_N != p->N || s->H_K != p->K)) {
        if (json_object_get(root, "N") || json_object_get(root, "K"))
            rc = err(&c, "channels", "channels", "has K=%d vectors of N=%d entries, but N=%d K=%d",
                     s->H_K, s->H_N, p->N, p->K);
        else {
            p->N = s->H_N;
            p->K = s->H_K;
        }
    }
out:
    json_decref(root);
    free(text);
    return rc;
}

int nisac_scenario_channels(const nisac_scenario *s, double complex *H)
{
    const int N = s->p.N, K = s->p.K;
    if (s->H) {
        if (s->H_N != N || s->H_K != K)
            return NISAC_FAIL(NISAC_EINVAL, "explicit channels are %dx%d, scenario needs N=%d K=%d",
                              s->H_N, s->H_K, N, K);
        memcpy(H, s->H, sizeof(double complex) * (size_t)N * K);
        return NISAC_OK;
    }
    nisac_rng r;
    nisac_rng_init(&r, s->seed, 0, s->trial, NISAC_PURPOSE_CHANNEL);
    nisac_rayleigh(&r, N, K, H, N);
    return NISAC_OK;
}
