/* Parameter tables and value sets (include/nisac/params.h). */
#include "nisac/params.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int set_list(nisac_params *p, int i, const double *x, int n, int convert)
{
    double *v = NULL;
    if (n > 0) {
        v = nisac_calloc((size_t)n, sizeof(double));
        if (!v) return NISAC_FAIL(NISAC_ENOMEM, "out of memory");
        for (int j = 0; j < n; j++) v[j] = convert ? nisac_param_to_internal(&p->defs[i], x[j]) : x[j];
    }
    free(p->list[i]);
    p->list[i] = v;
    p->len[i] = n;
    return NISAC_OK;
}

nisac_params *nisac_params_new(const nisac_param_def *defs, int n)
{
    nisac_params *p = calloc(1, sizeof *p);
    if (!p) return NULL;
    p->defs = defs;
    p->n = n;
    p->v = nisac_calloc((size_t)(n > 0 ? n : 1), sizeof(double));
    p->list = nisac_calloc((size_t)(n > 0 ? n : 1), sizeof(double *));
    p->len = nisac_calloc((size_t)(n > 0 ? n : 1), sizeof(int));
    p->text = nisac_calloc((size_t)(n > 0 ? n : 1), sizeof(char *));
    if (!p->v || !p->list || !p->len || !p->text) {
        nisac_params_free(p);
        return NULL;
    }
    for (int i = 0; i < n; i++) {
        if (defs[i].type == NISAC_PT_LIST) {
            if (set_list(p, i, defs[i].def_list, defs[i].def_len, 1)) {
                nisac_params_free(p);
                return NULL;
            }
        } else
            p->v[i] = nisac_param_to_internal(&defs[i], defs[i].def);
    }
    return p;
}

void nisac_params_free(nisac_params *p)
{
    if (!p) return;
    if (p->list)
        for (int i = 0; i < p->n; i++) free(p->list[i]);
    if (p->text)
        for (int i = 0; i < p->n; i++) free(p->text[i]);
    free(p->text);
    free(p->list);
    free(p->len);
    free(p->v);
    free(p);
}

int nisac_params_copy(nisac_params *dst, const nisac_params *src)
{
    if (dst->defs != src->defs || dst->n != src->n)
        return NISAC_FAIL(NISAC_EINVAL, "params: copy between different tables");
    memcpy(dst->v, src->v, sizeof(double) * (size_t)src->n);
    for (int i = 0; i < src->n; i++)
        if (src->defs[i].type == NISAC_PT_LIST) {
            int rc = set_list(dst, i, src->list[i], src->len[i], 0);
            if (rc) return rc;
        } else if (src->defs[i].type == NISAC_PT_TEXT) {
            int rc = nisac_params_set_text(dst, i, src->text[i]);
            if (rc) return rc;
        }
    return NISAC_OK;
}

nisac_params *nisac_params_dup(const nisac_params *p)
{
    nisac_params *q = nisac_params_new(p->defs, p->n);
    if (q && nisac_params_copy(q, p)) {
        nisac_params_free(q);
        return NULL;
    }
    return q;
}

int nisac_param_find(const nisac_param_def *defs, int n, const char *name)
{
    if (!name) return -1;
    for (int i = 0; i < n; i++) {
        if (!strcmp(defs[i].name, name) || (defs[i].alias && !strcmp(defs[i].alias, name))) return i;
        const char *a = defs[i].name, *b = name;
        while (*a && (*a == *b || (*a == '_' && *b == '-'))) a++, b++;
        if (!*a && !*b) return i;
    }
    return -1;
}

double nisac_param_to_internal(const nisac_param_def *d, double x)
{
    switch (d->conv) {
    case NISAC_PC_DB: return pow(10.0, x / 10.0);  /* the expression of nisac_undb */
    case NISAC_PC_DEG: return x * (M_PI / 180.0);  /* the expression of nisac_deg2rad */
    default: return x;
    }
}

double nisac_param_to_config(const nisac_param_def *d, double x)
{
    switch (d->conv) {
    case NISAC_PC_DB: return 10.0 * log10(x);
    case NISAC_PC_DEG: return x * (180.0 / M_PI);
    default: return x;
    }
}

void nisac_param_range(const nisac_param_def *d, char *buf, size_t len)
{
    const char *u = d->unit && *d->unit ? d->unit : "";
    switch (d->type) {
    case NISAC_PT_INT: snprintf(buf, len, "%.0f..%.0f", d->lo, d->hi); return;
    case NISAC_PT_BOOL: snprintf(buf, len, "true|false"); return;
    case NISAC_PT_TEXT: snprintf(buf, len, "text"); return;
    case NISAC_PT_CHOICE: {
        buf[0] = 0;
        for (int i = 0; i < d->nchoices; i++) {
            size_t l = strlen(buf);
            snprintf(buf + l, len - l, "%s%s", i ? "|" : "", d->choices[i]);
        }
        return;
    }
    default: break;
    }
    const char *sp = *u ? " " : "";
    if (isinf(d->hi) && isinf(d->lo)) snprintf(buf, len, "any%s%s", sp, u);
    else if (isinf(d->hi)) snprintf(buf, len, "%s %g%s%s", d->flags & NISAC_PF_OPEN_LO ? ">" : ">=", d->lo, sp, u);
    else snprintf(buf, len, "%s%g, %g]%s%s", d->flags & NISAC_PF_OPEN_LO ? "(" : "[", d->lo, d->hi, sp, u);
}

static int real_check(const nisac_param_def *d, double x, char *why, size_t len)
{
    if (!isfinite(x)) return snprintf(why, len, "expected a finite number"), NISAC_EINVAL;
    if (fabs(x) > NISAC_PARAM_ABS_MAX)
        return snprintf(why, len, "%s = %g is out of range (|value| <= %g)", d->name, x, NISAC_PARAM_ABS_MAX),
               NISAC_EINVAL;
    int below = (d->flags & NISAC_PF_OPEN_LO) ? !(x > d->lo) : !(x >= d->lo);
    if (!below && !(x > d->hi)) return 0;
    if (d->lo == 0 && isinf(d->hi))
        snprintf(why, len, "%s must be %s 0, got %g", d->name, d->flags & NISAC_PF_OPEN_LO ? ">" : ">=", x);
    else {
        char r[96];
        nisac_param_range(d, r, sizeof r);
        snprintf(why, len, "%s must be in %s, got %g", d->name, r, x);
    }
    return NISAC_EINVAL;
}

int nisac_param_check(const nisac_param_def *d, double x, char *why, size_t len)
{
    switch (d->type) {
    case NISAC_PT_INT:
        if (!(x == floor(x)) || x < d->lo || x > d->hi)
            return snprintf(why, len, "expected an integer in %.0f..%.0f, got %.15g", d->lo, d->hi, x), NISAC_EINVAL;
        return 0;
    case NISAC_PT_BOOL:
        if (x != 0 && x != 1) return snprintf(why, len, "expected true or false"), NISAC_EINVAL;
        return 0;
    case NISAC_PT_TEXT: return 0; /* the value is the text, not a number */
    case NISAC_PT_CHOICE:
        if (!(x == floor(x)) || x < 0 || x >= d->nchoices) {
            char r[160];
            nisac_param_range(d, r, sizeof r);
            return snprintf(why, len, "expected one of %s", r), NISAC_EINVAL;
        }
        return 0;
    default: return real_check(d, x, why, len);
    }
}

int nisac_params_set(nisac_params *p, int i, double x)
{
    if (i < 0 || i >= p->n) return NISAC_FAIL(NISAC_EINVAL, "params: no entry %d", i);
    char why[200];
    if (p->defs[i].type == NISAC_PT_LIST)
        return NISAC_FAIL(NISAC_EINVAL, "field '%s': expected a list", p->defs[i].name);
    if (p->defs[i].type == NISAC_PT_TEXT)
        return NISAC_FAIL(NISAC_EINVAL, "field '%s': expected text", p->defs[i].name);
    if (nisac_param_check(&p->defs[i], x, why, sizeof why))
        return NISAC_FAIL(NISAC_EINVAL, "field '%s': %s", p->defs[i].name, why);
    p->v[i] = nisac_param_to_internal(&p->defs[i], x);
    return NISAC_OK;
}

int nisac_params_set_named(nisac_params *p, const char *name, double x)
{
    int i = nisac_param_find(p->defs, p->n, name);
    if (i < 0) return NISAC_FAIL(NISAC_ENOTFOUND, "unknown parameter '%s'", name);
    return nisac_params_set(p, i, x);
}

int nisac_params_set_list(nisac_params *p, int i, const double *x, int n)
{
    if (i < 0 || i >= p->n || p->defs[i].type != NISAC_PT_LIST || n < 0)
        return NISAC_FAIL(NISAC_EINVAL, "params: entry %d is not a list", i);
    char why[200];
    for (int j = 0; j < n; j++)
        if (real_check(&p->defs[i], x[j], why, sizeof why))
            return NISAC_FAIL(NISAC_EINVAL, "field '%s[%d]': %s", p->defs[i].name, j, why);
    return set_list(p, i, x, n, 1);
}

double nisac_params_get(const nisac_params *p, const char *name)
{
    int i = nisac_param_find(p->defs, p->n, name);
    return i < 0 ? NAN : p->v[i];
}

int nisac_params_set_text(nisac_params *p, int i, const char *text)
{
    if (i < 0 || i >= p->n || p->defs[i].type != NISAC_PT_TEXT)
        return NISAC_FAIL(NISAC_EINVAL, "params: entry %d is not text", i);
    char *t = NULL;
    if (text && !(t = strdup(text))) return NISAC_FAIL(NISAC_ENOMEM, "params: out of memory");
    free(p->text[i]);
    p->text[i] = t;
    return NISAC_OK;
}

const char *nisac_params_get_text(const nisac_params *p, const char *name)
{
    int i = nisac_param_find(p->defs, p->n, name);
    return i < 0 || p->defs[i].type != NISAC_PT_TEXT ? NULL : p->text[i];
}

int nisac_param_parse(const nisac_param_def *d, const char *text, double *x, char *why, size_t len)
{
    if (d->type == NISAC_PT_CHOICE) {
        for (int i = 0; i < d->nchoices; i++)
            if (!strcmp(text, d->choices[i])) return *x = i, 0;
        char r[160];
        nisac_param_range(d, r, sizeof r);
        return snprintf(why, len, "expected one of %s, got '%s'", r, text), NISAC_EINVAL;
    }
    if (d->type == NISAC_PT_TEXT) return snprintf(why, len, "'%s' takes text, not a number", d->name), NISAC_EINVAL;
    if (d->type == NISAC_PT_BOOL) {
        if (!strcmp(text, "true") || !strcmp(text, "1")) return *x = 1, 0;
        if (!strcmp(text, "false") || !strcmp(text, "0")) return *x = 0, 0;
        return snprintf(why, len, "expected true or false, got '%s'", text), NISAC_EINVAL;
    }
    char *end;
    errno = 0;
    double v = strtod(text, &end);
    if (errno || end == text || *end || !isfinite(v))
        return snprintf(why, len, "expected a finite number, got '%s'", text), NISAC_EINVAL;
    if (nisac_param_check(d, v, why, len)) return NISAC_EINVAL;
    *x = v;
    return 0;
}

int nisac_param_parse_list(const nisac_param_def *d, const char *text, double **x, int *n, char *why, size_t len)
{
    *x = NULL;
    *n = 0;
    if (!strcmp(text, "none")) return 0;
    size_t cap = 1;
    for (const char *s = text; *s; s++) cap += *s == ',';
    double *v = nisac_calloc(cap, sizeof(double));
    if (!v) return snprintf(why, len, "out of memory"), NISAC_ENOMEM;
    int m = 0;
    /* every comma separates two numbers: "10," and ",10" are refused */
    for (const char *s = text;; s++) {
        const char *c = strchr(s, ',');
        size_t l = c ? (size_t)(c - s) : strlen(s);
        char tok[64];
        char *end;
        double a = 0;
        int bad = l == 0 || l >= sizeof tok;
        if (!bad) {
            memcpy(tok, s, l);
            tok[l] = 0;
            errno = 0;
            a = strtod(tok, &end);
            bad = errno || end == tok || *end;
        }
        if (bad) {
            snprintf(why, len, "expected a comma-separated list of numbers or 'none', got '%s'", text);
            free(v);
            return NISAC_EINVAL;
        }
        if (real_check(d, a, why, len)) {
            free(v);
            return NISAC_EINVAL;
        }
        v[m++] = a;
        if (!c) break;
        s = c;
    }
    *x = v;
    *n = m;
    return 0;
}

void nisac_param_format(const nisac_param_def *d, double x, char *buf, size_t len)
{
    if (d->type == NISAC_PT_CHOICE && x >= 0 && x < d->nchoices) snprintf(buf, len, "%s", d->choices[(int)x]);
    else if (d->type == NISAC_PT_BOOL) snprintf(buf, len, "%s", x != 0 ? "true" : "false");
    else if (d->type == NISAC_PT_INT) snprintf(buf, len, "%d", (int)x);
    else if (d->type == NISAC_PT_TEXT) snprintf(buf, len, "none");
    else snprintf(buf, len, "%.15g", x);
}

int nisac_params_validate(const nisac_params *p)
{
    /* Lists and converted entries are checked where they are set (their
     * internal values need not round-trip to the config unit exactly). */
    char why[200];
    for (int i = 0; i < p->n; i++) {
        const nisac_param_def *d = &p->defs[i];
        if (d->type == NISAC_PT_LIST || d->type == NISAC_PT_TEXT) continue;
        if (d->conv == NISAC_PC_DB && !(p->v[i] > 0 && isfinite(p->v[i])))
            return NISAC_FAIL(NISAC_EINVAL, "field '%s': expected a finite linear value > 0, got %g", d->name, p->v[i]);
        if (d->conv == NISAC_PC_NONE && nisac_param_check(d, p->v[i], why, sizeof why))
            return NISAC_FAIL(NISAC_EINVAL, "field '%s': %s", d->name, why);
    }
    return NISAC_OK;
}
