/* Shared machinery of the NOMA-ISAC SDR algorithms (internal). */
#ifndef NISAC_NOMA_SDR_INTERNAL_H
#define NISAC_NOMA_SDR_INTERNAL_H

#include "nisac/algo.h"

/* How the beamformer covariances enter a conic problem: as Hermitian PSD
 * blocks W_k (the relaxation), or as W_k = p_k d_k d_k^H with fixed
 * directions d_k and powers p_k >= 0 (power re-allocation). */
typedef struct {
    nisac_conic *c;
    int N, K;
    int scalar_mode;
    const double complex *dir; /* scalar mode: N x K directions */
    int var[NISAC_MAX_USERS];  /* block or scalar index of W_k */
} noma_prob;

/* What to put into the problem. */
typedef struct {
    const double *gamma;  /* K SINR targets (linear), or NULL: no (12b) rows */
    double wc, ws;        /* objective weights of sum Tr(W) and sum_m Tr(A_m W) */
    int budget;           /* add (8b) as a row */
    int objective_user;   /* >= 0: maximise Tr(H_u W_u) instead (OMA max-SINR slot) */
    int only_user;        /* >= 0: problem over W_u alone (one OMA slot) */
} noma_spec;

int noma_prob_init(noma_prob *P, const nisac_noma_instance *inst, int scalar_mode,
                   const double complex *dir, int only_user);
/* Re(coef * v^H W_k u) and Re(coef * W_k[a][b]) added to row. */
int noma_term_quad(noma_prob *P, int row, int k, const double complex *u, const double complex *v,
                   double complex coef);
int noma_term_entry(noma_prob *P, int row, int k, int a, int b, double complex coef);
/* Adds objective and the rows of (12b), (12e)-(12g), (3) and (8b) per spec. */
int noma_build(noma_prob *P, const nisac_noma_instance *inst, const noma_spec *s);

/* The robust rows of (22): for every (k, l) an S-procedure LMI (21). */
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
int noma_sdr_solve(const nisac_noma_instance *inst, const nisac_opts *o, noma_build_fn build,
                   const void *ctx, unsigned imposed, int only_user, double round_cap,
                   nisac_design_out *out);

/* Builders for noma_sdr_solve. */
int noma_build_spec(noma_prob *P, const nisac_noma_instance *inst, const void *spec);

#endif
