/* The generic side of systems: instances, designs, reports and
 * evaluations (include/nisac/system.h). */
#include "nisac/system.h"
#include "nisac/units.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- instances ---- */
nisac_params *nisac_system_params(const nisac_system *s) { return nisac_params_new(s->params, s->nparams); }

int nisac_system_check(const nisac_system *s, const nisac_params *p)
{
    if (!s || !p || p->defs != s->params) return NISAC_FAIL(NISAC_EINVAL, "parameters of another system");
    int rc = nisac_params_validate(p);
    if (!rc && s->check) rc = s->check(p);
    return rc;
}

int nisac_instance_wrap(const nisac_system *s, void *impl, int own, const int *dim, nisac_instance **out)
{
    *out = NULL;
    if (!s || !impl) return NISAC_FAIL(NISAC_EINVAL, "instance: NULL system or data");
    nisac_instance *inst = calloc(1, sizeof *inst);
    if (!inst) return NISAC_FAIL(NISAC_ENOMEM, "instance: out of memory");
    inst->sys = s;
    inst->impl = impl;
    inst->owned = own;
    for (int i = 0; i < s->ndims && i < NISAC_MAX_DIMS; i++) inst->dim[i] = dim ? dim[i] : 0;
    *out = inst;
    return NISAC_OK;
}

int nisac_instance_new(const nisac_system *s, const nisac_params *p, int model, const nisac_inputs *in,
                       uint64_t seed, uint64_t point, uint64_t trial, nisac_instance **out)
{
    *out = NULL;
    int rc = nisac_system_check(s, p);
    if (rc) return rc;
    if (model < 0 || model >= (s->nchannel_models > 0 ? s->nchannel_models : 1))
        return NISAC_FAIL(NISAC_EINVAL, "instance: channel model %d unknown", model);
    void *impl = NULL;
    rc = s->instance_new(p, model, in, seed, point, trial, &impl);
    if (rc) return rc;
    int dim[NISAC_MAX_DIMS] = {0};
    s->dim_sizes(p, dim);
    rc = nisac_instance_wrap(s, impl, 1, dim, out);
    if (rc) {
        s->instance_free(impl);
        return rc;
    }
    (*out)->params = p;
    return NISAC_OK;
}

void nisac_instance_free(nisac_instance *inst)
{
    if (!inst) return;
    if (inst->owned && inst->sys->instance_free) inst->sys->instance_free(inst->impl);
    free(inst);
}

int nisac_metric_find(const nisac_system *s, const char *name)
{
    for (int i = 0; name && i < s->nmetrics; i++)
        if (!strcmp(s->metrics[i].name, name)) return i;
    return -1;
}

int nisac_constraint_find(const nisac_system *s, const char *name)
{
    for (int i = 0; name && i < s->nconstraints; i++)
        if (!strcmp(s->constraints[i].name, name)) return i;
    return -1;
}

/* ---- designs ---- */
nisac_design_t *nisac_design_new(const nisac_instance *inst)
{
    if (!inst) return NULL;
    nisac_design_t *d = calloc(1, sizeof *d);
    if (!d) return NULL;
    d->sys = inst->sys;
    if (inst->sys->design_alloc(inst, d)) {
        nisac_design_free(d);
        return NULL;
    }
    return d;
}

void nisac_design_free(nisac_design_t *d)
{
    if (!d) return;
    for (int i = 0; i < d->nblocks && d->blocks; i++) {
        free(d->blocks[i].z);
        free(d->blocks[i].x);
    }
    free(d->blocks);
    free(d);
}

int nisac_design_set_block(nisac_design_t *d, int i, const char *name, int rows, int cols, int complex_)
{
    if (i < 0 || rows < 0 || cols < 0) return NISAC_FAIL(NISAC_EINVAL, "design: bad block %d", i);
    if (i >= d->nblocks) {
        nisac_block *b = realloc(d->blocks, sizeof *b * (size_t)(i + 1));
        if (!b) return NISAC_FAIL(NISAC_ENOMEM, "design: out of memory");
        memset(b + d->nblocks, 0, sizeof *b * (size_t)(i + 1 - d->nblocks));
        d->blocks = b;
        d->nblocks = i + 1;
    }
    nisac_block *b = &d->blocks[i];
    free(b->z);
    free(b->x);
    b->z = NULL;
    b->x = NULL;
    b->name = name;
    b->rows = rows;
    b->cols = cols;
    size_t n = (size_t)rows * (size_t)cols;
    if (complex_) b->z = nisac_calloc(n ? n : 1, sizeof(double complex));
    else b->x = nisac_calloc(n ? n : 1, sizeof(double));
    if (!b->z && !b->x) return NISAC_FAIL(NISAC_ENOMEM, "design: out of memory");
    return NISAC_OK;
}

nisac_block *nisac_design_block(const nisac_design_t *d, const char *name)
{
    for (int i = 0; d && i < d->nblocks; i++)
        if (d->blocks[i].name && !strcmp(d->blocks[i].name, name)) return &d->blocks[i];
    return NULL;
}

void nisac_design_clear(nisac_design_t *d)
{
    for (int i = 0; i < d->nblocks; i++) {
        size_t n = (size_t)d->blocks[i].rows * (size_t)d->blocks[i].cols;
        if (d->blocks[i].z) memset(d->blocks[i].z, 0, n * sizeof(double complex));
        if (d->blocks[i].x) memset(d->blocks[i].x, 0, n * sizeof(double));
    }
    d->imposed = 0;
    d->scheme = 0;
}

/* ---- reports ---- */
nisac_report *nisac_report_new(void)
{
    nisac_report *r = calloc(1, sizeof *r);
    if (r) nisac_report_reset(r);
    return r;
}

void nisac_report_reset(nisac_report *r)
{
    for (int i = 0; i < r->ninfo; i++) free(r->info[i].v);
    nisac_info *info = r->info;
    int cap = r->capinfo;
    nisac_eval_free(r->eval);
    memset(r, 0, sizeof *r);
    r->info = info;
    r->capinfo = cap;
    r->status = NISAC_STATUS_NOT_RUN;
    r->objective = NAN;
    r->bound = NAN;
    r->gap = NAN;
    r->pinf = NAN;
}

void nisac_report_free(nisac_report *r)
{
    if (!r) return;
    nisac_report_reset(r);
    free(r->info);
    free(r);
}

int nisac_report_set(nisac_report *r, const char *name, const double *v, int len)
{
    int i = 0;
    while (i < r->ninfo && strcmp(r->info[i].name, name)) i++;
    if (i == r->ninfo) {
        if (r->ninfo == r->capinfo) {
            int cap = r->capinfo ? 2 * r->capinfo : 8;
            nisac_info *n = realloc(r->info, sizeof *n * (size_t)cap);
            if (!n) return NISAC_FAIL(NISAC_ENOMEM, "report: out of memory");
            r->info = n;
            r->capinfo = cap;
        }
        memset(&r->info[i], 0, sizeof r->info[i]);
        snprintf(r->info[i].name, sizeof r->info[i].name, "%s", name);
        r->ninfo++;
    }
    double *c = nisac_calloc((size_t)(len > 0 ? len : 1), sizeof(double));
    if (!c) return NISAC_FAIL(NISAC_ENOMEM, "report: out of memory");
    if (len > 0) memcpy(c, v, sizeof(double) * (size_t)len);
    free(r->info[i].v);
    r->info[i].v = c;
    r->info[i].len = len;
    return NISAC_OK;
}

int nisac_report_set1(nisac_report *r, const char *name, double v) { return nisac_report_set(r, name, &v, 1); }

const double *nisac_report_get(const nisac_report *r, const char *name, int *len)
{
    for (int i = 0; r && i < r->ninfo; i++)
        if (!strcmp(r->info[i].name, name)) {
            if (len) *len = r->info[i].len;
            return r->info[i].v;
        }
    if (len) *len = 0;
    return NULL;
}

double nisac_report_get1(const nisac_report *r, const char *name, double dflt)
{
    int n;
    const double *v = nisac_report_get(r, name, &n);
    return v && n > 0 ? v[0] : dflt;
}

/* ---- evaluations ---- */
nisac_eval *nisac_eval_new(const nisac_instance *inst)
{
    const nisac_system *s = inst->sys;
    nisac_eval *ev = calloc(1, sizeof *ev);
    if (!ev) return NULL;
    ev->sys = s;
    ev->nmetrics = s->nmetrics;
    ev->len = nisac_calloc((size_t)(s->nmetrics ? s->nmetrics : 1), sizeof(int));
    ev->val = nisac_calloc((size_t)(s->nmetrics ? s->nmetrics : 1), sizeof(double *));
    ev->viol = nisac_calloc((size_t)(s->nconstraints ? s->nconstraints : 1), sizeof(double));
    int ok = ev->len && ev->val && ev->viol;
    for (int m = 0; ok && m < s->nmetrics; m++) {
        int d = s->metrics[m].dim;
        ev->len[m] = d < 0 ? 1 : inst->dim[d];
        ev->val[m] = nisac_calloc((size_t)(ev->len[m] ? ev->len[m] : 1), sizeof(double));
        ok = ev->val[m] != NULL;
    }
    if (!ok) {
        nisac_eval_free(ev);
        return NULL;
    }
    ev->worst = -1;
    return ev;
}

void nisac_eval_free(nisac_eval *ev)
{
    if (!ev) return;
    for (int m = 0; ev->val && m < ev->nmetrics; m++) free(ev->val[m]);
    free(ev->val);
    free(ev->len);
    free(ev->viol);
    free(ev);
}

int nisac_evaluate(const nisac_instance *inst, const nisac_design_t *d, const nisac_report *r,
                   const nisac_eval_opts *o, nisac_eval *ev)
{
    if (!inst || !d || !o || !ev || ev->sys != inst->sys || d->sys != inst->sys)
        return NISAC_FAIL(NISAC_EINVAL, "evaluate: NULL argument or objects of different systems");
    const nisac_system *s = inst->sys;
    if (o->mode < 0 || o->mode >= (s->neval_modes > 0 ? s->neval_modes : 1))
        return NISAC_FAIL(NISAC_EINVAL, "evaluate: mode %d unknown to system %s", o->mode, s->name);
    for (int m = 0; m < ev->nmetrics; m++)
        for (int j = 0; j < ev->len[m]; j++) ev->val[m][j] = NAN;
    memset(ev->viol, 0, sizeof(double) * (size_t)(s->nconstraints));
    int rc = s->evaluate(inst, d, r, o, ev);
    ev->max_viol = 0;
    ev->worst = -1;
    double best = -1;
    for (int c = 0; c < s->nconstraints; c++)
        if (d->imposed & (1u << c)) {
            ev->max_viol = fmax(ev->max_viol, ev->viol[c]);
            if (ev->viol[c] > best) {
                best = ev->viol[c];
                ev->worst = c;
            }
        } else
            ev->viol[c] = NAN; /* not part of this design's problem: measured against nothing */
    int mv = nisac_metric_find(s, "max_viol");
    if (mv >= 0 && ev->len[mv] > 0) ev->val[mv][0] = ev->max_viol;
    return rc;
}

double nisac_eval_scalar(const nisac_eval *ev, int m)
{
    return ev && m >= 0 && m < ev->nmetrics && ev->len[m] > 0 ? ev->val[m][0] : NAN;
}

double nisac_metric_to_record(const nisac_metric_def *m, double x)
{
    if (m->conv == NISAC_PC_DB) return x > 0 && isfinite(x) ? nisac_db(x) : (x == 0 ? -INFINITY : NAN);
    if (m->conv == NISAC_PC_DEG) return x * (180.0 / M_PI);
    return x;
}

int nisac_status_has_design(nisac_solve_status s)
{
    switch (s) {
    case NISAC_STATUS_OPTIMAL:
    case NISAC_STATUS_FEASIBLE:
    case NISAC_STATUS_INACCURATE:
    case NISAC_STATUS_ROUNDING_FAILED: return 1;
    default: return 0;
    }
}
