/* sdr-powermin (problem (13)) and sdr-robust (problem (22)). */
#include "noma_sdr_internal.h"

#include <math.h>
#include <stdio.h>

static const nisac_param_def powermin_opts[] = {NOMA_SDR_OPTION_ENTRIES};

static int powermin_run(const nisac_noma_instance *inst, const noma_opts *o, const void *ctx, noma_out *out)
{
    (void)ctx;
    noma_spec s = {inst->gamma, inst->p.rho_c, inst->p.rho_s, 0, -1, -1};
    out->imposed = NISAC_C_POWERMIN | (inst->p.sic_power_order ? NISAC_C_SICORDER : 0u);
    int rc = noma_sdr_solve(inst, o, noma_build_spec, &s, out->imposed, -1, INFINITY, out);
    out->bound = out->sdp_obj;
    return rc;
}

static int powermin_design(const nisac_instance *gi, const nisac_params *op, uint64_t seed, nisac_design_t *d,
                           nisac_report *r)
{
    return noma_design_with(gi, op, seed, d, r, powermin_run, NULL);
}

typedef struct {
    noma_spec s;
    double eps;
} robust_ctx;

static int robust_build(noma_prob *P, const nisac_noma_instance *inst, const void *ctx)
{
    const robust_ctx *rb = ctx;
    int rc = noma_build(P, inst, &rb->s);
    if (rc) return rc;
    return noma_add_robust(P, inst, rb->eps);
}

static int robust_run(const nisac_noma_instance *inst, const noma_opts *o, const void *ctx, noma_out *out)
{
    (void)ctx;
    robust_ctx rb = {{NULL, inst->p.rho_c, inst->p.rho_s, 0, -1, -1}, inst->p.eps};
    /* the nominal SINR is implied by the worst case (dh = 0 is in the ball) */
    unsigned imposed = NISAC_C_POWERMIN | (inst->p.sic_power_order ? NISAC_C_SICORDER : 0u);
    int rc = noma_sdr_solve(inst, o, robust_build, &rb, imposed, -1, INFINITY, out);
    /* the judge certifies the worst case over the eps-ball on its own */
    out->imposed = imposed | NISAC_C_ROBUST;
    out->bound = out->sdp_obj;
    return rc;
}

static int robust_design(const nisac_instance *gi, const nisac_params *op, uint64_t seed, nisac_design_t *d,
                         nisac_report *r)
{
    return noma_design_with(gi, op, seed, d, r, robust_run, NULL);
}

const nisac_algo nisac_algo_sdr_powermin = {
    "sdr-powermin", "noma-isac",
    "power minimisation (13) by SDR: SINR targets (12b), sensing (12e)-(12g)",
    powermin_opts, (int)(sizeof powermin_opts / sizeof powermin_opts[0]), powermin_design, noma_memory_mb};

const nisac_algo nisac_algo_sdr_robust = {
    "sdr-robust", "noma-isac",
    "robust power minimisation (22): S-procedure LMIs (21) for ||dh|| <= eps",
    powermin_opts, (int)(sizeof powermin_opts / sizeof powermin_opts[0]), robust_design, noma_robust_memory_mb};
