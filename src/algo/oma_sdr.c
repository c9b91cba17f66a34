/* oma-sdr: the OMA-ISAC baseline (docs/models/noma_isac.md, "OMA-ISAC").
 * K equal time slots, user k alone in slot k with beamformer w_k; each
 * slot meets the sensing constraints and the budget on its own.
 *   problem=powermin: each slot minimises (12a) subject to its SINR target
 *     (slot_gamma = (1+gamma)^K - 1 on the rate basis, gamma on the SINR
 *     basis), reported power = average over slots;
 *   problem=maxmin: each slot maximises |h_k^H w_k|^2 within P_total
 *     (one SDP per slot, no bisection needed as the slots decouple). */
#include "noma_sdr_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static double slot_target(const nisac_noma_instance *inst, const noma_opts *o)
{
    double g = inst->p.gamma;
    return o->oma_basis == NISAC_OMA_RATE ? pow(1.0 + g, inst->p.K) - 1.0 : g;
}

static int status_rank(nisac_solve_status s)
{
    switch (s) {
    case NISAC_STATUS_OPTIMAL: return 0;
    case NISAC_STATUS_FEASIBLE: return 1;
    case NISAC_STATUS_INACCURATE: return 2;
    default: return 3;
    }
}

static int oma_run(const nisac_noma_instance *inst, const noma_opts *o, const void *ctx, noma_out *out)
{
    (void)ctx;
    const int N = inst->p.N, K = inst->p.K;
    int maxmin = o->problem == NISAC_PROBLEM_MAXMIN;
    out->objective_metric = maxmin ? "min_sinr_db" : "objective";
    out->imposed = (maxmin ? NISAC_C_MAXMIN : NISAC_C_POWERMIN);
    out->slot_gamma = maxmin ? 0.0 : slot_target(inst, o);
    out->oma = 1;
    double *gam = malloc(sizeof(double) * (size_t)K);
    noma_out *sc = noma_out_new(N, K);
    if (!sc || !gam) {
        noma_out_free(sc);
        free(gam);
        return NISAC_FAIL(NISAC_ENOMEM, "out of memory");
    }
    for (int k = 0; k < K; k++) gam[k] = out->slot_gamma;
    int rc = NISAC_OK;
    out->status = NISAC_STATUS_OPTIMAL;
    out->max_rank_ratio = 0;
    out->sdp_obj = 0;
    for (int u = 0; u < K && !rc; u++) {
        noma_spec s = {maxmin ? NULL : gam, inst->p.rho_c, inst->p.rho_s, maxmin, maxmin ? u : -1, u};
        memset(sc->W, 0, sizeof(double complex) * (size_t)N * K);
        sc->solves = 0;
        sc->randomized = 0;
        sc->refined = 0;
        sc->note[0] = 0;
        rc = noma_sdr_solve(inst, o, noma_build_spec, &s, out->imposed, u, INFINITY, sc);
        if (rc) break;
        out->solves += sc->solves;
        out->iterations++;
        memcpy(out->W + (size_t)u * N, sc->W + (size_t)u * N, sizeof(double complex) * (size_t)N);
        out->rank_ratio[u] = sc->rank_ratio[u];
        out->max_rank_ratio = fmax(out->max_rank_ratio, sc->rank_ratio[u]);
        out->randomized |= sc->randomized;
        out->refined |= sc->refined;
        out->gap_tol = fmax(out->gap_tol, sc->gap_tol);
        out->sdp_gap = fmax(out->sdp_gap, sc->sdp_gap);
        out->sdp_pinf = fmax(out->sdp_pinf, sc->sdp_pinf);
        out->sdp_obj += sc->sdp_obj / K;
        if (status_rank(sc->status) > status_rank(out->status)) {
            out->status = sc->status;
            if (sc->note[0]) snprintf(out->note, sizeof out->note, "slot %d: %.120s", u, sc->note);
        }
    }
    noma_out_free(sc);
    free(gam);
    /* power minimisation: the slots' mean relaxation optimum bounds the design's mean objective; max-SINR
     * slots have no bound in the metric's terms */
    out->bound = maxmin ? NAN : out->sdp_obj;
    return rc;
}

static const char *const problem_names[] = {"powermin", "maxmin"};
static const char *const basis_names[] = {"rate", "sinr"};
static const nisac_param_def oma_opts[] = {
    {"problem", NULL, NISAC_PT_CHOICE, NISAC_PC_NONE, "", NISAC_PROBLEM_POWERMIN, 0, 1, 0, problem_names, 2, NULL,
     0, NULL, "what each slot solves: power minimisation at its SINR target, or max-SINR within P_total"},
    {"oma_basis", NULL, NISAC_PT_CHOICE, NISAC_PC_NONE, "", NISAC_OMA_RATE, 0, 1, 0, basis_names, 2, NULL, 0, NULL,
     "power minimisation: slot target (1+gamma)^K - 1 (rate: same rate as NOMA) or gamma (sinr)"},
    NOMA_SDR_OPTION_ENTRIES,
};

static int oma_design(const nisac_instance *gi, const nisac_params *op, uint64_t seed, nisac_design_t *d,
                      nisac_report *r)
{
    return noma_design_with(gi, op, seed, d, r, oma_run, NULL);
}

const nisac_algo nisac_algo_oma_sdr = {
    "oma-sdr", "noma-isac",
    "OMA-ISAC baseline: one user per 1/K time slot, per-slot SDR (problem=powermin|maxmin)",
    oma_opts, (int)(sizeof oma_opts / sizeof oma_opts[0]), oma_design, noma_memory_mb};
