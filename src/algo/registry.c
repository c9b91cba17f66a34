/* The algorithm registry and the design driver. */
#include "nisac/algo.h"
#include "nisac/defaults.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern const nisac_algo nisac_algo_sdr_powermin;
extern const nisac_algo nisac_algo_sdr_maxmin;
extern const nisac_algo nisac_algo_sdr_robust;
extern const nisac_algo nisac_algo_oma_sdr;

static const nisac_algo *const registry[] = {
    &nisac_algo_sdr_powermin,
    &nisac_algo_sdr_maxmin,
    &nisac_algo_sdr_robust,
    &nisac_algo_oma_sdr,
};
#define NREG ((int)(sizeof registry / sizeof registry[0]))

const nisac_algo *nisac_algo_find(const char *name)
{
    for (int i = 0; name && i < NREG; i++)
        if (strcmp(registry[i]->name, name) == 0) return registry[i];
    return NULL;
}

const nisac_algo *const *nisac_algo_list(int *count)
{
    *count = NREG;
    return registry;
}

void nisac_opts_default(nisac_opts *o)
{
    memset(o, 0, sizeof *o);
    o->mu = NISAC_DEF_MU;
    o->method = NISAC_MAXMIN_PRINTED;
    o->nrand = NISAC_DEF_NRAND;
    o->rank_tol = NISAC_DEF_RANK_TOL;
    o->feas_tol = NISAC_DEF_FEAS_TOL;
    o->seed = 1;
    o->oma_basis = NISAC_OMA_RATE;
    o->problem = NISAC_PROBLEM_POWERMIN;
    nisac_conic_opts_default(&o->sdp);
}

nisac_design_out *nisac_design_out_new(int N, int K)
{
    if (N < 1 || K < 1 || K > NISAC_MAX_USERS) return NULL;
    nisac_design_out *o = calloc(1, sizeof *o);
    if (!o) return NULL;
    o->N = N;
    o->K = K;
    o->W = nisac_calloc((size_t)N * K, sizeof(double complex));
    if (!o->W) {
        free(o);
        return NULL;
    }
    return o;
}

void nisac_design_out_free(nisac_design_out *o)
{
    if (!o) return;
    free(o->W);
    free(o);
}

static const char *worst_family(const nisac_noma_eval *e, unsigned imposed)
{
    struct { unsigned bit; double v; const char *name; } f[] = {
        {NISAC_C_SINR, e->viol_sinr, "SINR (12b)"},
        {NISAC_C_SENSE, e->viol_sense, "sensing power (12e)"},
        {NISAC_C_DIFF, e->viol_diff, "power difference (12f)"},
        {NISAC_C_XCORR, e->viol_xcorr, "cross-correlation (12g)"},
        {NISAC_C_BUDGET, e->viol_budget, "power budget (8b)"},
        {NISAC_C_SICORDER, e->viol_sicorder, "SIC power order (3)"}};
    const char *name = "none";
    double best = -1;
    for (size_t i = 0; i < sizeof f / sizeof f[0]; i++)
        if ((imposed & f[i].bit) && f[i].v > best) {
            best = f[i].v;
            name = f[i].name;
        }
    return name;
}

int nisac_design(const nisac_algo *a, const nisac_noma_instance *inst, const nisac_opts *o,
                 nisac_design_out *out)
{
    if (!a || !inst || !o || !out) return NISAC_FAIL(NISAC_EINVAL, "design: NULL argument");
    if (out->N != inst->p.N || out->K != inst->p.K)
        return NISAC_FAIL(NISAC_EINVAL, "design: report sized %dx%d for an instance with N=%d K=%d",
                          out->N, out->K, inst->p.N, inst->p.K);
    if (!(o->feas_tol >= 0) || o->nrand < 0 || !(o->rank_tol >= 0))
        return NISAC_FAIL(NISAC_EINVAL, "design: invalid options (feas_tol, nrand, rank_tol)");
    double complex *W = out->W;
    int N = out->N, K = out->K;
    memset(out, 0, sizeof *out);
    out->N = N;
    out->K = K;
    out->W = W;
    memset(W, 0, sizeof(double complex) * (size_t)N * K);
    out->status = NISAC_STATUS_NOT_RUN;
    out->worst_min_sinr = NAN;
    double t0 = nisac_wtime();
    int rc = a->design(inst, o, out);
    if (rc) return rc;
    rc = a->evaluate(inst, o, out);
    out->wall = nisac_wtime() - t0;
    if (rc) return rc;
    if ((out->status == NISAC_STATUS_OPTIMAL || out->status == NISAC_STATUS_FEASIBLE) &&
        out->eval.max_viol > o->feas_tol) {
        snprintf(out->note, sizeof out->note,
                 "re-evaluated design violates %s by %.2e (relative) > %.1e",
                 worst_family(&out->eval, out->imposed), out->eval.max_viol, o->feas_tol);
        out->status = NISAC_STATUS_INACCURATE;
    }
    return NISAC_OK;
}
