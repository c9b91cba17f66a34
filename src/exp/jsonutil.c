/* Typed JSON readers with positioned errors (see jsonutil.h). */
#include "jsonutil.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
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

int jread_value(const jctx *c, const nisac_param_def *d, json_t *v, const char *key, double *out)
{
    char why[200];
    switch (d->type) {
    case NISAC_PT_CHOICE: {
        int ch = 0;
        if (jchoice(c, v, key, d->choices, d->nchoices, &ch)) return NISAC_EINVAL;
        *out = ch;
        return 0;
    }
    case NISAC_PT_BOOL: {
        int b = 0;
        if (jbool(c, v, key, &b)) return NISAC_EINVAL;
        *out = b;
        return 0;
    }
    case NISAC_PT_INT: {
        long li = 0;
        if (jint(c, v, key, (long)d->lo, (long)d->hi, &li)) return NISAC_EINVAL;
        *out = (double)li;
        return 0;
    }
    case NISAC_PT_LIST: return jerr(c, key, "'%s' takes a list, not one value", d->name);
    case NISAC_PT_TEXT: return jerr(c, key, "'%s' takes text, not a number", d->name);
    default: break;
    }
    double x;
    if (jnum(c, v, key, &x)) return NISAC_EINVAL;
    if (nisac_param_check(d, x, why, sizeof why)) return jerr(c, key, "%s", why);
    *out = x;
    return 0;
}

static int read_list(jctx *c, const char *key, json_t *v, nisac_params *p, int i)
{
    const nisac_param_def *d = &p->defs[i];
    if (!json_is_array(v)) return jerr(c, key, "expected an array of numbers in %g..%g %s, got %s", d->lo, d->hi,
                                       d->unit, jtype(v));
    size_t n = json_array_size(v);
    if (n > 1000000) return jerr(c, key, "at most 1000000 values");
    double *x = nisac_calloc(n ? n : 1, sizeof(double));
    if (!x) return jerr(c, key, "out of memory");
    char saved[256], why[200];
    jenter(c, key, saved, sizeof saved);
    int rc = 0;
    for (size_t m = 0; m < n && !rc; m++) {
        char k[24];
        snprintf(k, sizeof k, "[%zu]", m);
        json_t *e = json_array_get(v, m);
        if (!json_is_number(e) || !isfinite(x[m] = json_number_value(e)))
            rc = jerr(c, k, "expected a number in %g..%g %s", d->lo, d->hi, d->unit);
        else if (nisac_param_check(d, x[m], why, sizeof why)) rc = jerr(c, k, "%s", why);
    }
    jleave(c, saved);
    if (!rc && nisac_params_set_list(p, i, x, (int)n)) rc = jerr(c, key, "out of memory");
    free(x);
    return rc;
}

int jparam_exact(const nisac_param_def *defs, int n, const char *name)
{
    for (int i = 0; name && i < n; i++)
        if (!strcmp(defs[i].name, name)) return i;
    return -1;
}

int jread_param(jctx *c, const char *key, json_t *v, nisac_params *p)
{
    int i = jparam_exact(p->defs, p->n, key);
    if (i < 0) return 1;
    if (p->defs[i].type == NISAC_PT_LIST) return read_list(c, key, v, p, i);
    if (p->defs[i].type == NISAC_PT_TEXT) {
        if (!json_is_string(v)) return jerr(c, key, "expected a string");
        return nisac_params_set_text(p, i, json_string_value(v)) ? jerr(c, key, "out of memory") : 0;
    }
    double x;
    if (jread_value(c, &p->defs[i], v, key, &x)) return NISAC_EINVAL;
    p->v[i] = nisac_param_to_internal(&p->defs[i], x);
    return 0;
}

void jnames(const nisac_param_def *defs, int n, unsigned skip, char *buf, size_t len)
{
    buf[0] = 0;
    for (int i = 0; i < n; i++) {
        if (defs[i].flags & skip) continue;
        size_t l = strlen(buf);
        snprintf(buf + l, len - l, "%s%s", l ? ", " : "", defs[i].name);
    }
}

int jread_table(jctx *c, json_t *o, nisac_params *p, const char *what)
{
    if (!json_is_object(o)) return jerr(c, "", "expected an object, got %s", jtype(o));
    const char *key;
    json_t *v;
    json_object_foreach(o, key, v)
    {
        int rc = jread_param(c, key, v, p);
        if (rc == 1) {
            char names[512];
            jnames(p->defs, p->n, 0, names, sizeof names);
            return jerr(c, key, "unknown %s (known: %s)", what, names);
        }
        if (rc) return rc;
    }
    return 0;
}
