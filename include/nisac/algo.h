/* Beamforming algorithms: one interface, one registry.
 *
 * An algorithm designs beamformers from what the base station knows (the
 * instance's channel estimate); nisac_design then evaluates the design
 * with the model on the instance's channel and fills the report. */
#ifndef NISAC_ALGO_H
#define NISAC_ALGO_H

#include <stdint.h>
#include "nisac/conic.h"
#include "nisac/noma_isac.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum { NISAC_MAXMIN_PRINTED = 0, NISAC_MAXMIN_FAST = 1 } nisac_maxmin_method;
typedef enum { NISAC_OMA_RATE = 0, NISAC_OMA_SINR = 1 } nisac_oma_basis;
typedef enum { NISAC_PROBLEM_POWERMIN = 0, NISAC_PROBLEM_MAXMIN = 1 } nisac_problem;

/* Settings shared by the algorithms; fill with nisac_opts_default. */
typedef struct nisac_opts {
    double mu;                  /* max-min bisection tolerance on t (linear SINR) */
    nisac_maxmin_method method; /* sdr-maxmin: Algorithm 1 as printed, or the faster variant */
    int nrand;                  /* Gaussian randomisation candidates */
    double rank_tol;            /* lambda2/lambda1 at or below which W_k counts as rank one */
    double feas_tol;            /* relative violation tolerated when judging a design feasible */
    uint64_t seed;              /* stream seed for randomisation */
    nisac_oma_basis oma_basis;  /* oma-sdr: compare on rate (default) or raw slot SINR */
    nisac_problem problem;      /* oma-sdr: power minimisation or max-min */
    nisac_conic_opts sdp;       /* CSDP settings */
} nisac_opts;
void nisac_opts_default(nisac_opts *o);

/* The report of one design.  Create with nisac_design_out_new(N, K) (it
 * owns W, N x K, ld N, column k = beamformer of SIC user k), free with
 * nisac_design_out_free. */
typedef struct nisac_design_out {
    int N, K;
    nisac_solve_status status;
    double objective;     /* power-type algorithms: (12a) of the design; max-min: min SINR */
    double t;             /* max-min: last feasible bisection value (linear SINR) */
    double sdp_obj;       /* relaxation optimum of the last feasible SDP */
    double sdp_gap;       /* its relative duality gap */
    double sdp_pinf;      /* its relative primal infeasibility */
    int solves;           /* SDP/conic solves used */
    int iterations;       /* outer iterations (bisection steps) */
    double wall;          /* seconds */
    double rank_ratio[NISAC_MAX_USERS]; /* lambda2/lambda1 of each W_k (last SDP) */
    double max_rank_ratio;
    int randomized;       /* Gaussian randomisation was used */
    int polished;         /* powers re-optimised on the principal directions after a
                             rank-one truncation left a constraint short */
    int rand_feasible;    /* candidates that were feasible */
    unsigned imposed;     /* constraint families the design must meet (NISAC_C_*) */
    double worst_min_sinr;/* sdr-robust: min over (k,l) of the worst-case SINR over the
                             eps-ball (nisac_noma_worst_sinr); NAN otherwise */
    double slot_gamma;    /* oma-sdr power minimisation: the slot SINR target used */
    nisac_noma_eval eval; /* the model's evaluation on the instance's channel */
    char note[160];       /* what went wrong, when something did */
    double complex *W;
} nisac_design_out;

nisac_design_out *nisac_design_out_new(int N, int K);
void nisac_design_out_free(nisac_design_out *o);

typedef struct nisac_algo {
    const char *name;
    const char *summary;
    /* Designs from inst (the base station's knowledge); fills out->W,
     * status, counters.  Evaluation is done by nisac_design. */
    int (*design)(const nisac_noma_instance *inst, const nisac_opts *o, nisac_design_out *out);
    /* Evaluation used for this algorithm's designs. */
    int (*evaluate)(const nisac_noma_instance *inst, const nisac_opts *o, nisac_design_out *out);
} nisac_algo;

/* Looks an algorithm up by name; NULL if unknown. */
const nisac_algo *nisac_algo_find(const char *name);
/* The registry: *count pointers to const entries, in a fixed order. */
const nisac_algo *const *nisac_algo_list(int *count);

/* Runs algorithm a on inst and evaluates the result with the model.
 * Returns NISAC_OK whenever out is filled (whatever the status); an error
 * code for invalid input.  A design whose re-evaluated violation exceeds
 * o->feas_tol is never reported optimal: its status becomes inaccurate
 * and out->note says which constraint. */
int nisac_design(const nisac_algo *a, const nisac_noma_instance *inst, const nisac_opts *o,
                 nisac_design_out *out);

#ifdef __cplusplus
}
#endif
#endif
