/* The catalogue of systems and algorithms, and the design driver. */
#include "nisac/algo.h"
#include "nisac/defaults.h"
#include "nisac/noma_isac.h"
#include "nisac/ris_noma_isac.h"
#include "nisac/rs_noma_isac.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern const nisac_algo nisac_algo_sdr_powermin;
extern const nisac_algo nisac_algo_sdr_maxmin;
extern const nisac_algo nisac_algo_sdr_robust;
extern const nisac_algo nisac_algo_oma_sdr;
extern const nisac_algo nisac_algo_ris_ao;
extern const nisac_algo nisac_algo_ris_comm_only;
extern const nisac_algo nisac_algo_ris_discrete;
extern const nisac_algo nisac_algo_ris_random;
extern const nisac_algo nisac_algo_ris_no_ris;
extern const nisac_algo nisac_algo_ris_sdma;
extern const nisac_algo nisac_algo_ris_oma;
extern const nisac_algo nisac_algo_rs_wmmse;
extern const nisac_algo nisac_algo_rs_noma;
extern const nisac_algo nisac_algo_rs_sensing_only;
extern const nisac_algo nisac_algo_rs_hao_sca;
extern const nisac_algo nisac_algo_rs_fp;
extern const nisac_algo nisac_algo_rs_sdr;
extern const nisac_algo nisac_algo_rs_td3;

static const nisac_system *const builtin_systems[] = {
    &nisac_system_noma_isac,
    &nisac_system_ris_noma_isac,
    &nisac_system_rs_noma_isac,
};
static const nisac_algo *const builtin_algos[] = {
    &nisac_algo_sdr_powermin,
    &nisac_algo_sdr_maxmin,
    &nisac_algo_sdr_robust,
    &nisac_algo_oma_sdr,
    &nisac_algo_ris_ao,
    &nisac_algo_ris_comm_only,
    &nisac_algo_ris_discrete,
    &nisac_algo_ris_random,
    &nisac_algo_ris_no_ris,
    &nisac_algo_ris_sdma,
    &nisac_algo_ris_oma,
    &nisac_algo_rs_wmmse,
    &nisac_algo_rs_noma,
    &nisac_algo_rs_sensing_only,
    &nisac_algo_rs_hao_sca,
    &nisac_algo_rs_fp,
    &nisac_algo_rs_sdr,
    &nisac_algo_rs_td3,
};

struct nisac_catalog {
    int nsys, capsys;
    const nisac_system *const *sys;
    int nalg, capalg;
    const nisac_algo *const *alg;
    int owned; /* the arrays are the catalogue's own */
};

static const nisac_catalog builtin = {
    (int)(sizeof builtin_systems / sizeof builtin_systems[0]), 0, builtin_systems,
    (int)(sizeof builtin_algos / sizeof builtin_algos[0]), 0, builtin_algos, 0};

const nisac_catalog *nisac_catalog_builtin(void) { return &builtin; }

nisac_catalog *nisac_catalog_new(void)
{
    nisac_catalog *c = calloc(1, sizeof *c);
    if (!c) return NULL;
    c->owned = 1;
    c->capsys = builtin.nsys + 4;
    c->capalg = builtin.nalg + 8;
    const nisac_system **s = nisac_calloc((size_t)c->capsys, sizeof *s);
    const nisac_algo **a = nisac_calloc((size_t)c->capalg, sizeof *a);
    if (!s || !a) {
        free(s);
        free(a);
        free(c);
        return NULL;
    }
    memcpy(s, builtin.sys, sizeof *s * (size_t)builtin.nsys);
    memcpy(a, builtin.alg, sizeof *a * (size_t)builtin.nalg);
    c->sys = s;
    c->alg = a;
    c->nsys = builtin.nsys;
    c->nalg = builtin.nalg;
    return c;
}

void nisac_catalog_free(nisac_catalog *c)
{
    if (!c || !c->owned) return;
    free((void *)c->sys);
    free((void *)c->alg);
    free(c);
}

/* An array of n pointers (capacity *cap) with room for one more: arr
 * itself, or its reallocation; NULL when out of memory. */
static void *grow(void *arr, int n, int *cap)
{
    if (n < *cap) return arr;
    void *a = realloc(arr, sizeof(void *) * (size_t)(2 * *cap));
    if (!a) {
        NISAC_FAIL(NISAC_ENOMEM, "catalogue: out of memory");
        return NULL;
    }
    *cap *= 2;
    return a;
}

int nisac_catalog_add_system(nisac_catalog *c, const nisac_system *s)
{
    if (!c || !c->owned || !s || !s->name) return NISAC_FAIL(NISAC_EINVAL, "catalogue: cannot add to it");
    if (nisac_system_find(c, s->name)) return NISAC_FAIL(NISAC_EINVAL, "catalogue: system '%s' exists", s->name);
    if (s->ndims > NISAC_MAX_DIMS || !s->instance_new || !s->design_alloc || !s->evaluate || !s->dim_sizes)
        return NISAC_FAIL(NISAC_EINVAL, "catalogue: system '%s' lacks a required function", s->name);
    void *sys = grow((void *)c->sys, c->nsys, &c->capsys);
    if (!sys) return NISAC_ENOMEM;
    c->sys = sys;
    ((const nisac_system **)c->sys)[c->nsys++] = s;
    return NISAC_OK;
}

int nisac_catalog_add_algo(nisac_catalog *c, const nisac_algo *a)
{
    if (!c || !c->owned || !a || !a->name || !a->design) return NISAC_FAIL(NISAC_EINVAL, "catalogue: cannot add to it");
    const nisac_system *s = nisac_system_find(c, a->system);
    if (!s) return NISAC_FAIL(NISAC_EINVAL, "catalogue: algorithm '%s' of unknown system '%s'", a->name, a->system);
    if (nisac_algo_find(c, s, a->name))
        return NISAC_FAIL(NISAC_EINVAL, "catalogue: algorithm '%s' of '%s' exists", a->name, a->system);
    void *alg = grow((void *)c->alg, c->nalg, &c->capalg);
    if (!alg) return NISAC_ENOMEM;
    c->alg = alg;
    ((const nisac_algo **)c->alg)[c->nalg++] = a;
    return NISAC_OK;
}

int nisac_catalog_nsystems(const nisac_catalog *c) { return (c ? c : &builtin)->nsys; }
const nisac_system *nisac_catalog_system_at(const nisac_catalog *c, int i)
{
    c = c ? c : &builtin;
    return i >= 0 && i < c->nsys ? c->sys[i] : NULL;
}
int nisac_catalog_nalgos(const nisac_catalog *c) { return (c ? c : &builtin)->nalg; }
const nisac_algo *nisac_catalog_algo_at(const nisac_catalog *c, int i)
{
    c = c ? c : &builtin;
    return i >= 0 && i < c->nalg ? c->alg[i] : NULL;
}

const nisac_system *nisac_system_find(const nisac_catalog *c, const char *name)
{
    c = c ? c : &builtin;
    for (int i = 0; name && i < c->nsys; i++)
        if (!strcmp(c->sys[i]->name, name)) return c->sys[i];
    return NULL;
}

const nisac_algo *nisac_algo_find(const nisac_catalog *c, const nisac_system *s, const char *name)
{
    c = c ? c : &builtin;
    for (int i = 0; name && i < c->nalg; i++)
        if (!strcmp(c->alg[i]->name, name) && (!s || !strcmp(c->alg[i]->system, s->name))) return c->alg[i];
    return NULL;
}

nisac_params *nisac_algo_opts(const nisac_algo *a) { return nisac_params_new(a->opts, a->nopts); }

double nisac_algo_feas_tol(const nisac_params *opts)
{
    double t = opts ? nisac_params_get(opts, "feas_tol") : NAN;
    return isnan(t) ? NISAC_DEF_FEAS_TOL : t;
}

int nisac_algo_check(const nisac_algo *a, const nisac_params *p, const nisac_params *opts)
{
    if (!a || !p || !a->memory_mb) return NISAC_OK;
    double limit = opts ? nisac_params_get(opts, "max_memory_mb") : NAN;
    if (isnan(limit)) limit = NISAC_DEF_MAX_MEMORY_MB;
    double need = a->memory_mb(p, opts);
    if (need <= limit) return NISAC_OK;
    return NISAC_FAIL(NISAC_EUNSUPPORTED,
                      "algorithm '%s' would need about %.0f MiB for these sizes (limit max_memory_mb = %.0f MiB); "
                      "no algorithm of this build does it in less: use fewer antennas or users, or raise the "
                      "option max_memory_mb if the machine has the memory",
                      a->name, need, limit);
}

static int failed(nisac_report *r, int rc, double t0)
{
    r->status = NISAC_STATUS_ERROR;
    r->error = rc;
    r->wall = nisac_wtime() - t0;
    snprintf(r->note, sizeof r->note, "%s: %s", nisac_strerror(rc), nisac_last_error());
    return rc;
}

int nisac_design(const nisac_algo *a, const nisac_instance *inst, const nisac_params *opts, uint64_t seed,
                 nisac_design_t *d, nisac_report *r)
{
    if (!a || !inst || !d || !r) return NISAC_FAIL(NISAC_EINVAL, "design: NULL argument");
    if (strcmp(a->system, inst->sys->name) || d->sys != inst->sys)
        return NISAC_FAIL(NISAC_EINVAL, "design: algorithm '%s' is for system '%s', the instance is '%s'", a->name,
                          a->system, inst->sys->name);
    if (opts && opts->defs != a->opts)
        return NISAC_FAIL(NISAC_EINVAL, "design: options of another algorithm given to '%s'", a->name);
    nisac_params *own = NULL;
    if (!opts && !(opts = own = nisac_algo_opts(a))) return NISAC_FAIL(NISAC_ENOMEM, "design: out of memory");
    const double feas_tol = nisac_algo_feas_tol(opts);
    nisac_design_clear(d);
    nisac_report_reset(r);
    nisac_clear_error();
    double t0 = nisac_wtime();
    int rc = inst->params ? nisac_algo_check(a, inst->params, opts) : NISAC_OK;
    if (rc) {
        nisac_params_free(own);
        return failed(r, rc, t0);
    }
    rc = a->design(inst, opts, seed, d, r);
    r->wall = nisac_wtime() - t0;
    nisac_params_free(own);
    if (rc) return failed(r, rc, t0);
    if (!(r->eval = nisac_eval_new(inst))) return failed(r, NISAC_FAIL(NISAC_ENOMEM, "evaluation: out of memory"), t0);
    nisac_eval_opts eo = {0, NAN, NULL, feas_tol};
    if ((rc = nisac_evaluate(inst, d, r, &eo, r->eval))) return failed(r, rc, t0);
    int m = nisac_metric_find(inst->sys, r->objective_metric);
    r->objective = nisac_eval_scalar(r->eval, m);
    /* optimal only within the algorithm's stated gap to its relaxation bound ("gap_tol") */
    const double gap_tol = nisac_report_get1(r, "gap_tol", NAN), gap = fabs(r->objective - r->bound) / fabs(r->bound);
    if (r->status == NISAC_STATUS_OPTIMAL && isfinite(gap_tol) && isfinite(r->bound) && r->bound != 0 &&
        !(gap <= gap_tol)) {
        snprintf(r->note, sizeof r->note, "the design is %.2e (relative) from the relaxation bound %.10g > %.1e",
                 gap, r->bound, gap_tol);
        r->status = NISAC_STATUS_FEASIBLE;
    }
    if ((r->status == NISAC_STATUS_OPTIMAL || r->status == NISAC_STATUS_FEASIBLE) && r->eval->max_viol > feas_tol) {
        const nisac_constraint_def *c = &inst->sys->constraints[r->eval->worst];
        snprintf(r->note, sizeof r->note, "re-evaluated design violates %s %s by %.2e (relative) > %.1e", c->name,
                 c->eq, r->eval->max_viol, feas_tol);
        r->status = NISAC_STATUS_INACCURATE;
    }
    return NISAC_OK;
}
