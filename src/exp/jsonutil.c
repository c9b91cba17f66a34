/* Typed JSON readers with positioned errors (see jsonutil.h). */
#include "jsonutil.h"
#include "nisac/geom.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

json_t *jctx_open(jctx *c, const char *file, const char *text, size_t len, char *msg, size_t msglen)
{
    memset(c, 0, sizeof *c);
    c->file = file;
    c->msg = msg;
    c->msglen = msglen;
    msg[0] = 0;
    json_error_t je;
    json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
    if (!root) {
        snprintf(msg, msglen, "%s:%d:%d: %s", file, je.line, je.column, je.text);
        return NULL;
    }
    if (jpos_scan(text, len, &c->pos)) {
        snprintf(msg, msglen, "%s: out of memory", file);
        json_decref(root);
        jpos_free(&c->pos);
        return NULL;
    }
    return root;
}

void jctx_close(jctx *c, json_t *root)
{
    json_decref(root);
    jpos_free(&c->pos);
}

static void join(const jctx *c, const char *key, char *out, size_t len)
{
    if (!key || !*key) snprintf(out, len, "%s", c->prefix);
    else if (key[0] == '[' || !c->prefix[0]) snprintf(out, len, "%s%s", c->prefix, key);
    else snprintf(out, len, "%s.%s", c->prefix, key);
}

int jerr(const jctx *c, const char *key, const char *fmt, ...)
{
    char path[512], what[300];
    join(c, key, path, sizeof path);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    int line = 1, col = 1;
    if (path[0]) jpos_find(&c->pos, path, &line, &col);
    if (line > 0) snprintf(c->msg, c->msglen, "%s:%d:%d: field '%s': %s", c->file, line, col,
                           path[0] ? path : "(top level)", what);
    else snprintf(c->msg, c->msglen, "%s: field '%s': %s", c->file, path, what);
    return NISAC_EINVAL;
}

void jenter(jctx *c, const char *key, char *saved, size_t savedlen)
{
    snprintf(saved, savedlen, "%s", c->prefix);
    char p[256];
    join(c, key, p, sizeof p);
    snprintf(c->prefix, sizeof c->prefix, "%s", p);
}

void jleave(jctx *c, const char *saved) { snprintf(c->prefix, sizeof c->prefix, "%s", saved); }

const char *jtype(const json_t *v)
{
    return json_is_string(v) ? "a string" : json_is_array(v) ? "an array" : json_is_object(v) ? "an object" :
           json_is_boolean(v) ? "a boolean" : json_is_number(v) ? "a number" : "null";
}

int jnum(const jctx *c, json_t *v, const char *key, double *out)
{
    if (!json_is_number(v)) return jerr(c, key, "expected a number, got %s", jtype(v));
    double d = json_number_value(v);
    if (!isfinite(d)) return jerr(c, key, "expected a finite number");
    *out = d;
    return 0;
}

int jint(const jctx *c, json_t *v, const char *key, long lo, long hi, long *out)
{
    if (!json_is_integer(v)) return jerr(c, key, "expected an integer in %ld..%ld, got %s", lo, hi, jtype(v));
    long long x = json_integer_value(v);
    if (x < lo || x > hi) return jerr(c, key, "expected an integer in %ld..%ld, got %lld", lo, hi, x);
    *out = (long)x;
    return 0;
}

int ju64(const jctx *c, json_t *v, const char *key, uint64_t *out)
{
    if (!json_is_integer(v) || json_integer_value(v) < 0)
        return jerr(c, key, "expected a non-negative integer, got %s", jtype(v));
    *out = (uint64_t)json_integer_value(v);
    return 0;
}

int jbool(const jctx *c, json_t *v, const char *key, int *out)
{
    if (!json_is_boolean(v)) return jerr(c, key, "expected true or false, got %s", jtype(v));
    *out = json_is_true(v);
    return 0;
}

int jchoice(const jctx *c, json_t *v, const char *key, const char *const *names, int n, int *out)
{
    char list[160] = "";
    for (int i = 0; i < n; i++) {
        strncat(list, names[i], sizeof list - strlen(list) - 1);
        if (i + 1 < n) strncat(list, "|", sizeof list - strlen(list) - 1);
    }
    if (!json_is_string(v)) return jerr(c, key, "expected one of %s, got %s", list, jtype(v));
    const char *s = json_string_value(v);
    for (int i = 0; i < n; i++)
        if (strcmp(s, names[i]) == 0) {
            *out = i;
            return 0;
        }
    return jerr(c, key, "expected one of %s, got '%s'", list, s);
}

int jread_options(jctx *c, json_t *o, nisac_opts *op)
{
    if (!json_is_object(o)) return jerr(c, "", "expected an object, got %s", jtype(o));
    const char *key;
    json_t *v;
    json_object_foreach(o, key, v)
    {
        int rc = 0, ch;
        long li;
        if (!strcmp(key, "mu")) {
            if (!(rc = jnum(c, v, key, &op->mu)) && !(op->mu > 0)) rc = jerr(c, key, "expected a value > 0");
        } else if (!strcmp(key, "method")) {
            static const char *const m[] = {"printed", "fast"};
            if (!(rc = jchoice(c, v, key, m, 2, &ch))) op->method = (nisac_maxmin_method)ch;
        } else if (!strcmp(key, "nrand")) {
            if (!(rc = jint(c, v, key, 0, 100000, &li))) op->nrand = (int)li;
        } else if (!strcmp(key, "rank_tol")) {
            if (!(rc = jnum(c, v, key, &op->rank_tol)) && !(op->rank_tol >= 0))
                rc = jerr(c, key, "expected a value >= 0");
        } else if (!strcmp(key, "feas_tol")) {
            if (!(rc = jnum(c, v, key, &op->feas_tol)) && !(op->feas_tol >= 0))
                rc = jerr(c, key, "expected a value >= 0");
        } else if (!strcmp(key, "seed")) rc = ju64(c, v, key, &op->seed);
        else if (!strcmp(key, "oma_basis")) {
            static const char *const m[] = {"rate", "sinr"};
            if (!(rc = jchoice(c, v, key, m, 2, &ch))) op->oma_basis = (nisac_oma_basis)ch;
        } else if (!strcmp(key, "problem")) {
            static const char *const m[] = {"powermin", "maxmin"};
            if (!(rc = jchoice(c, v, key, m, 2, &ch))) op->problem = (nisac_problem)ch;
        } else if (!strcmp(key, "sdp_tol")) {
            if (!(rc = jnum(c, v, key, &op->sdp.tol)) && !(op->sdp.tol > 0 && op->sdp.tol < 1))
                rc = jerr(c, key, "expected 0 < tol < 1");
        } else if (!strcmp(key, "sdp_maxiter")) {
            if (!(rc = jint(c, v, key, 1, 100000, &li))) op->sdp.maxiter = (int)li;
        } else
            rc = jerr(c, key, "unknown option (known: mu, method, nrand, rank_tol, feas_tol, seed, "
                              "oma_basis, problem, sdp_tol, sdp_maxiter)");
        if (rc) return rc;
    }
    return 0;
}

static const char *const decoder_names[] = {"all", "own"};

const jparam jparams[] = {
    {"N", JP_INT, 1, 4096, NULL, 0, "BS antennas"},
    {"K", JP_INT, 1, NISAC_MAX_USERS, NULL, 0, "users"},
    {"sigma2", JP_POS, 0, 0, NULL, 0, "noise variance (W)"},
    {"Ps", JP_NONNEG, 0, 0, NULL, 0, "sensing power threshold per target (W)"},
    {"Pdiff", JP_NONNEG, 0, 0, NULL, 0, "max sensing power difference (W)"},
    {"xi", JP_REAL, 0, 0, NULL, 0, "cross-correlation bound (W^2); <= 0 disables"},
    {"P_total", JP_POS, 0, 0, NULL, 0, "power budget (W)"},
    {"gamma_db", JP_DB, -100, 100, NULL, 0, "SINR target of every user (dB)"},
    {"eps", JP_NONNEG, 0, 0, NULL, 0, "CSI error bound epsilon"},
    {"d_lambda", JP_POS, 0, 0, NULL, 0, "antenna spacing (wavelengths)"},
    {"rho_c", JP_NONNEG, 0, 0, NULL, 0, "weight of beam power in (12a)"},
    {"rho_s", JP_NONNEG, 0, 0, NULL, 0, "weight of sensing power in (12a)"},
    {"decoders", JP_CHOICE, 0, 0, decoder_names, 2, "SINR constraints: all | own"},
};
const int njparams = (int)(sizeof jparams / sizeof jparams[0]);

int jparam_find(const char *name)
{
    for (int i = 0; i < njparams; i++)
        if (!strcmp(jparams[i].name, name)) return i;
    return -1;
}

int jparam_read(const jctx *c, int i, json_t *v, const char *key, double *out)
{
    const jparam *p = &jparams[i];
    if (p->kind == JP_CHOICE) {
        int ch;
        if (jchoice(c, v, key, p->choices, p->nchoices, &ch)) return NISAC_EINVAL;
        *out = ch;
        return 0;
    }
    if (p->kind == JP_INT) {
        long li;
        if (jint(c, v, key, (long)p->lo, (long)p->hi, &li)) return NISAC_EINVAL;
        *out = (double)li;
        return 0;
    }
    double d;
    if (jnum(c, v, key, &d)) return NISAC_EINVAL;
    if (fabs(d) > 1e12) return jerr(c, key, "%s = %g is out of range (|value| <= 1e12)", p->name, d);
    if (p->kind == JP_POS && !(d > 0)) return jerr(c, key, "%s must be > 0, got %g", p->name, d);
    if (p->kind == JP_NONNEG && !(d >= 0)) return jerr(c, key, "%s must be >= 0, got %g", p->name, d);
    if (p->kind == JP_DB && (d < p->lo || d > p->hi))
        return jerr(c, key, "%s must be in %g..%g dB, got %g", p->name, p->lo, p->hi, d);
    *out = d;
    return 0;
}

void jparam_set(nisac_noma_params *p, int i, double v)
{
    const char *n = jparams[i].name;
    if (!strcmp(n, "N")) p->N = (int)v;
    else if (!strcmp(n, "K")) p->K = (int)v;
    else if (!strcmp(n, "sigma2")) p->sigma2 = v;
    else if (!strcmp(n, "Ps")) p->Ps = v;
    else if (!strcmp(n, "Pdiff")) p->Pdiff = v;
    else if (!strcmp(n, "xi")) p->xi = v;
    else if (!strcmp(n, "P_total")) p->P_total = v;
    else if (!strcmp(n, "gamma_db")) p->gamma = nisac_undb(v);
    else if (!strcmp(n, "eps")) p->eps = v;
    else if (!strcmp(n, "d_lambda")) p->d_lambda = v;
    else if (!strcmp(n, "rho_c")) p->rho_c = v;
    else if (!strcmp(n, "rho_s")) p->rho_s = v;
    else if (!strcmp(n, "decoders")) p->decoders = (nisac_decoders)(int)v;
}

void jparam_format(int i, double v, char *buf, size_t len)
{
    const jparam *p = &jparams[i];
    if (p->kind == JP_CHOICE) snprintf(buf, len, "%s", p->choices[(int)v]);
    else if (p->kind == JP_INT) snprintf(buf, len, "%d", (int)v);
    else snprintf(buf, len, "%.15g", v);
}

int jread_param(jctx *c, const char *key, json_t *v, nisac_noma_params *p)
{
    if (!strcmp(key, "targets_deg")) {
        if (!json_is_array(v) || json_array_size(v) > NISAC_MAX_TARGETS)
            return jerr(c, key, "expected an array of at most %d angles in degrees", NISAC_MAX_TARGETS);
        char saved[256];
        jenter(c, key, saved, sizeof saved);
        for (size_t m = 0; m < json_array_size(v); m++) {
            double d;
            char k[24];
            snprintf(k, sizeof k, "[%zu]", m);
            json_t *e = json_array_get(v, m);
            if (!json_is_number(e) || !isfinite(d = json_number_value(e)) || fabs(d) > 90) {
                int rc = jerr(c, k, "expected an angle in [-90, 90] degrees");
                jleave(c, saved);
                return rc;
            }
            p->theta[m] = nisac_deg2rad(d);
        }
        jleave(c, saved);
        p->M = (int)json_array_size(v);
        return 0;
    }
    if (!strcmp(key, "sic_power_order")) return jbool(c, v, key, &p->sic_power_order);
    int i = jparam_find(key);
    if (i < 0) return 1;
    double d;
    if (jparam_read(c, i, v, key, &d)) return NISAC_EINVAL;
    jparam_set(p, i, d);
    return 0;
}
