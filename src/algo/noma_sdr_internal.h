/* Shared machinery of the noma-isac SDR algorithms (internal to
 * src/algo; every symbol is nisac__-prefixed through the macros below). */
#ifndef NISAC_NOMA_SDR_INTERNAL_H
#define NISAC_NOMA_SDR_INTERNAL_H

#include <stdint.h>
#include "nisac/algo.h"
#include "nisac/conic.h"
#include "nisac/defaults.h"
#include "nisac/noma_isac.h"

#define noma_prob_init nisac__noma_prob_init
#define noma_term_quad nisac__noma_term_quad
#define noma_term_entry nisac__noma_term_entry
#define noma_build nisac__noma_build
#define noma_build_spec nisac__noma_build_spec
#define noma_add_robust nisac__noma_add_robust
#define noma_rank_one nisac__noma_rank_one
#define noma_sdr_solve nisac__noma_sdr_solve
#define noma_out_new nisac__noma_out_new
#define noma_out_free nisac__noma_out_free
#define noma_opts_from nisac__noma_opts_from
#define noma_finish nisac__noma_finish
#define noma_typed nisac__noma_typed
#define noma_design_with nisac__noma_design_with
#define noma_memory_mb nisac__noma_memory_mb
#define noma_robust_memory_mb nisac__noma_robust_memory_mb

typedef enum { NISAC_MAXMIN_PRINTED = 0, NISAC_MAXMIN_FAST = 1, NISAC_MAXMIN_NEWTON = 2 } nisac_maxmin_method;
typedef enum { NISAC_OMA_RATE = 0, NISAC_OMA_SINR = 1 } nisac_oma_basis;
typedef enum { NISAC_PROBLEM_POWERMIN = 0, NISAC_PROBLEM_MAXMIN = 1 } nisac_problem;

/* Settings of the SDR algorithms, read from an option set by noma_opts_from. */
typedef struct {
    double mu;                  /* max-min bisection tolerance on t (linear SINR) */
    nisac_maxmin_method method; /* sdr-maxmin: Algorithm 1 as printed, or the faster variant */
    int nrand;                  /* Gaussian randomisation candidates */
    double rank_tol;            /* lambda2/lambda1 at or below which W_k counts as rank one */
    double feas_tol;            /* relative violation tolerated when judging a design feasible */
    uint64_t seed;              /* stream seed for randomisation */
    nisac_oma_basis oma_basis;  /* oma-sdr: compare on rate (default) or raw slot SINR */
    nisac_problem problem;      /* oma-sdr: power minimisation or max-min */
    nisac_conic_opts sdp;       /* conic solver settings */
    int refine;                 /* rank-one refinement of relaxations that are not rank one */
    int refine_maxiter;         /* its convex-concave steps at most */
} noma_opts;

/* The option entries every SDR algorithm has (nrand, rank_tol, feas_tol,
 * sdp_tol, sdp_maxiter), for the algorithms' option tables. */
extern const char *const nisac__solver_names[2];
#define NOMA_SDR_OPTION_ENTRIES                                                                                  \
    {"solver", NULL, NISAC_PT_CHOICE, NISAC_PC_NONE, "", NISAC_SOLVER_NATIVE, 0, 1, 0, nisac__solver_names, 2,   \
     NULL, 0, NULL, "conic backend: native (nisac's interior-point method) or csdp (the reference)"},               \
    {"nrand", NULL, NISAC_PT_INT, NISAC_PC_NONE, "", NISAC_DEF_NRAND, 0, 100000, 0, NULL, 0, NULL, 0, NULL,      \
     "Gaussian randomisation candidates"},                                                                       \
    {"rank_tol", NULL, NISAC_PT_REAL, NISAC_PC_NONE, "", NISAC_DEF_RANK_TOL, 0, INFINITY, 0, NULL, 0, NULL, 0,   \
     NULL, "lambda2/lambda1 at or below which W_k counts as rank one"},                                          \
    {"feas_tol", NULL, NISAC_PT_REAL, NISAC_PC_NONE, "", NISAC_DEF_FEAS_TOL, 0, INFINITY, 0, NULL, 0, NULL, 0,   \
     NULL, "relative violation tolerated when the model re-evaluates the design"},                               \
    {"sdp_tol", NULL, NISAC_PT_REAL, NISAC_PC_NONE, "", NISAC_DEF_SDP_TOL, 0, 0.5, NISAC_PF_OPEN_LO, NULL, 0,    \
     NULL, 0, NULL, "CSDP accuracy (axtol = atytol = objtol)"},                                                   \
    {"sdp_maxiter", NULL, NISAC_PT_INT, NISAC_PC_NONE, "", NISAC_DEF_SDP_MAXITER, 1, 100000, 0, NULL, 0, NULL,   \
     0, NULL, "conic solver iteration limit"},                                                                           \
    {"max_memory_mb", NULL, NISAC_PT_INT, NISAC_PC_NONE, "MiB", NISAC_DEF_MAX_MEMORY_MB, 1, 100000000, 0, NULL,  \
     0, NULL, 0, NULL, "refuse designs whose estimated peak memory exceeds this"},                                \
    {"refine", NULL, NISAC_PT_BOOL, NISAC_PC_NONE, "", 1, 0, 1, 0, NULL, 0, NULL, 0, NULL,                       \
     "when the relaxation is not rank one: convex-concave rank-penalty steps from it (an extension beyond the "    \
     "paper; false: the paper's randomisation alone)"},                                                            \
    {"refine_maxiter", NULL, NISAC_PT_INT, NISAC_PC_NONE, "", NISAC_DEF_REFINE_MAXITER, 1, 1000, 0, NULL, 0,     \
     NULL, 0, NULL, "convex-concave steps of the refinement at most"}

/* The settings of an option set (entries absent from its table keep
 * their defaults) and the algorithm's seed. */
void noma_opts_from(const nisac_params *o, uint64_t seed, noma_opts *out);

/* The scratch report of the SDR machinery. */
typedef struct {
    int N, K;
    nisac_solve_status status;
    double t;             /* max-min: last feasible bisection value (linear SINR) */
    double sdp_obj;       /* relaxation optimum of the last feasible SDP */
    double sdp_gap;       /* its relative duality gap */
    double sdp_pinf;      /* its relative primal infeasibility */
    int solves;           /* SDP/conic solves used */
    int iterations;       /* outer iterations (bisection steps) */
    double *rank_ratio;   /* K: lambda2/lambda1 of each W_k (last SDP) */
    double max_rank_ratio;
    int randomized;       /* Gaussian randomisation was used */
    int polished;         /* powers re-optimised on the principal directions */
    int rand_feasible;    /* candidates that were feasible */
    int refined;          /* the design comes from the rank-one refinement */
    int refine_iters;     /* its convex-concave steps */
    double refine_rise;   /* largest relative rise of the penalised objective over one step (MM: <= 0 up to
                             the solver's accuracy) */
    double gap_tol;       /* the relative gap to the bound within which the design counts as optimal */
    unsigned imposed;     /* constraint families the design must meet (NISAC_C_*) */
    double slot_gamma;    /* oma-sdr power minimisation: the slot SINR target used */
    int oma;              /* an OMA design */
    char note[160];       /* what went wrong, when something did */
    double bound;         /* the relaxation bound to report (NaN: none) */
    double dPdt;          /* derivative of the relaxation optimum in a common SINR target t
                             (envelope theorem: sum over the (12b) rows of y_r (I_r + sigma^2)); NaN: none */
    const char *objective_metric; /* the metric that measures the design's objective */
    double complex *W;    /* N x K */
    int keep_warm;        /* keep the last solved relaxation (warm) and start the next from it */
    nisac_conic *warm;    /* owned; freed by noma_out_free */
} noma_out;

noma_out *noma_out_new(int N, int K);
void noma_out_free(noma_out *o);
/* The typed instance of inst (NISAC_EINVAL when it is not noma-isac). */
int noma_typed(const nisac_instance *inst, const nisac_noma_instance **out);
/* Estimated peak memory (MiB) of CSDP on the relaxation of (13) (and of
 * (22) with its S-procedure LMIs), docs/models/noma_isac.md. */
double noma_memory_mb(const nisac_params *p, const nisac_params *opts);
double noma_robust_memory_mb(const nisac_params *p, const nisac_params *opts);

/* Copies the scratch report into the design and the report. */
int noma_finish(const noma_out *o, nisac_design_t *d, nisac_report *r);

/* The body of every noma-isac algorithm: the typed instance, the
 * settings from the options, run(inst, settings, ctx, out) on a fresh
 * scratch report (its bound and objective_metric set by run), then
 * noma_finish. */
typedef int (*noma_run_fn)(const nisac_noma_instance *inst, const noma_opts *o, const void *ctx, noma_out *out);
int noma_design_with(const nisac_instance *gi, const nisac_params *op, uint64_t seed, nisac_design_t *d,
                     nisac_report *r, noma_run_fn run, const void *ctx);

/* How the beamformer covariances enter a conic problem: as Hermitian PSD
 * blocks W_k (the relaxation), or as W_k = p_k d_k d_k^H with fixed
 * directions d_k and powers p_k >= 0 (power re-allocation). */
typedef struct {
    nisac_conic *c;
    int N, K;
    int scalar_mode;
    const double complex *dir; /* scalar mode: N x K directions */
    int *var;                  /* K: block or scalar index of W_k (-1: not in this problem) */
    int sinr_first, sinr_count; /* the (12b) rows, added in order k, l (noma_build) */
    int sinr_only;             /* the only_user of those rows (-1: all users) */
    double margin;             /* relative tightening of the bounds (0: as stated; noma_build, noma_add_robust) */
} noma_prob;

/* What to put into the problem. */
typedef struct {
    const double *gamma;  /* K SINR targets (linear), or NULL: no (12b) rows */
    double wc, ws;        /* objective weights of sum Tr(W) and sum_m Tr(A_m W) */
    int budget;           /* add (8b) as a row */
    int objective_user;   /* >= 0: maximise Tr(H_u W_u) instead (OMA max-SINR slot) */
    int only_user;        /* >= 0: problem over W_u alone (one OMA slot) */
} noma_spec;

/* Sets up P; on failure P->c and P->var may be set: free both with
 * nisac_conic_free(P->c) and free(P->var) in every case. */
int noma_prob_init(noma_prob *P, const nisac_noma_instance *inst, int scalar_mode,
                   const double complex *dir, int only_user);
/* Re(coef * v^H W_k u) and Re(coef * W_k[a][b]) added to row. */
int noma_term_quad(noma_prob *P, int row, int k, const double complex *u, const double complex *v,
                   double complex coef);
int noma_term_entry(noma_prob *P, int row, int k, int a, int b, double complex coef);
/* Adds objective and the rows of (12b), (12e)-(12g), (3) and (8b) per spec. */
int noma_build(noma_prob *P, const nisac_noma_instance *inst, const noma_spec *s);

/* The robust rows of (22): for every (k, l) an S-procedure LMI (21), an
 * affine cone of the conic layer. */
int noma_add_robust(noma_prob *P, const nisac_noma_instance *inst, double eps);

/* Rank-one extraction: w_k = sqrt(lambda_1) v_1 of W_k (N x N blocks
 * stacked, Wfull N x N x K); ratio[k] = lambda_2 / lambda_1. */
int noma_rank_one(int N, int K, const double complex *Wfull, double complex *w, double *ratio);

/* Solves the relaxation built by build_fn and recovers beamformers:
 * principal eigenvectors when every W_k is rank one (within rank_tol),
 * otherwise Gaussian randomisation with power re-allocation.  The design
 * goes to out->W; out->status, solves, rank ratios, sdp_* are set. */
typedef int (*noma_build_fn)(noma_prob *P, const nisac_noma_instance *inst, const void *ctx);
/* round_cap: when the relaxation optimum exceeds it, no rounding can give
 * a design within it, so randomisation is skipped (INFINITY: never). */
int noma_sdr_solve(const nisac_noma_instance *inst, const noma_opts *o, noma_build_fn build,
                   const void *ctx, unsigned imposed, int only_user, double round_cap,
                   noma_out *out);

/* Builders for noma_sdr_solve. */
int noma_build_spec(noma_prob *P, const nisac_noma_instance *inst, const void *spec);

#endif
