/* sdr-powermin (problem (13)) and sdr-robust (problem (22)). */
#include "noma_sdr_internal.h"

#include <math.h>
#include <stdio.h>

static int powermin_design(const nisac_noma_instance *inst, const nisac_opts *o,
                           nisac_design_out *out)
{
    noma_spec s = {inst->gamma, inst->p.rho_c, inst->p.rho_s, 0, -1, -1};
    out->imposed = NISAC_C_POWERMIN | (inst->p.sic_power_order ? NISAC_C_SICORDER : 0u);
    return noma_sdr_solve(inst, o, noma_build_spec, &s, out->imposed, -1, INFINITY, out);
}

static int powermin_evaluate(const nisac_noma_instance *inst, const nisac_opts *o,
                             nisac_design_out *out)
{
    int rc = nisac_noma_evaluate(inst, out->W, out->N, NULL, out->imposed, &out->eval);
    out->objective = out->eval.objective;
    return rc;
}

typedef struct {
    noma_spec s;
    double eps;
} robust_ctx;

static int robust_build(noma_prob *P, const nisac_noma_instance *inst, const void *ctx)
{
    const robust_ctx *r = ctx;
    int rc = noma_build(P, inst, &r->s);
    if (rc) return rc;
    return noma_add_robust(P, inst, r->eps);
}

static int robust_design(const nisac_noma_instance *inst, const nisac_opts *o, nisac_design_out *out)
{
    robust_ctx r = {{NULL, inst->p.rho_c, inst->p.rho_s, 0, -1, -1}, inst->p.eps};
    /* the nominal SINR is implied by the worst case (dh = 0 is in the ball) */
    out->imposed = NISAC_C_POWERMIN | (inst->p.sic_power_order ? NISAC_C_SICORDER : 0u);
    return noma_sdr_solve(inst, o, robust_build, &r, out->imposed, -1, INFINITY, out);
}

static int robust_evaluate(const nisac_noma_instance *inst, const nisac_opts *o,
                           nisac_design_out *out)
{
    int rc = nisac_noma_evaluate(inst, out->W, out->N, NULL, out->imposed, &out->eval);
    if (rc) return rc;
    out->objective = out->eval.objective;
    double ws[NISAC_MAX_USERS][NISAC_MAX_USERS];
    rc = nisac_noma_worst_sinr(inst, out->W, out->N, inst->p.eps, 1e-9, ws);
    if (rc) return rc;
    const int K = inst->p.K;
    double worst = INFINITY, viol = 0;
    for (int k = 0; k < K; k++)
        for (int l = k; l < K; l++) {
            if (isnan(ws[k][l])) continue;
            worst = fmin(worst, ws[k][l]);
            if (inst->gamma[k] > 0) viol = fmax(viol, (inst->gamma[k] - ws[k][l]) / inst->gamma[k]);
        }
    out->worst_min_sinr = worst;
    out->eval.viol_sinr = fmax(out->eval.viol_sinr, viol);
    out->eval.max_viol = fmax(out->eval.max_viol, viol);
    return NISAC_OK;
}

const nisac_algo nisac_algo_sdr_powermin = {
    "sdr-powermin",
    "power minimisation (13) by SDR: SINR targets (12b), sensing (12e)-(12g)",
    powermin_design, powermin_evaluate};

const nisac_algo nisac_algo_sdr_robust = {
    "sdr-robust",
    "robust power minimisation (22): S-procedure LMIs (21) for ||dh|| <= eps",
    robust_design, robust_evaluate};
