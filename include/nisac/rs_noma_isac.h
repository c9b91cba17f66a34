/* Rate-splitting NOMA (paper 004, section 4): the rates of a design,
 * judged on a channel.  docs/models/rs_noma_isac.md, section 4.
 *
 * Users are in G groups; each group g has a common stream (beam
 * Wc[:, g], power inside the beam), each user k a private stream
 * (Wp[:, k]); an optional sensing stream ws.  Every beam carries its
 * power (the paper's w sqrt(P) with ||w|| = 1, (26h)). */
#ifndef NISAC_RS_NOMA_ISAC_H
#define NISAC_RS_NOMA_ISAC_H

#include <complex.h>
#include "nisac/core.h"
#include "nisac/holo.h"
#include "nisac/system.h"

#ifdef __cplusplus
extern "C" {
#endif
#pragma GCC visibility push(default) /* the public API of the shared library */

typedef struct nisac_rs_layout {
    int M, K, G;
    const int *group; /* K: group of each user (0..G-1) */
    const int *order; /* K: decoding position of each user's private message inside its group
                         (0 first: decoded, then cancelled, by every later user of the group) */
} nisac_rs_layout;

typedef struct nisac_rs_rates {
    double *common;     /* G: common rate, the minimum over the group's users of log2(1 + SINR_c) (18), (20) */
    double *sinr_c;     /* K: SINR of its group's common stream at each user (18) */
    double *sinr_p;     /* K: SINR of each private message, the minimum over its decoders (19), (21) */
    double *rate_p;     /* K: private rates log2(1 + sinr_p) */
    double *rate;       /* K: total rates c_k + rate_p (22) with the common portions c_k */
    double sum;         /* sum of rate */
} nisac_rs_rates;

/* H: M x K (h_k, received signal h_k^H x), Wc: M x G (NULL: no common
 * streams), Wp: M x K, ws: M (NULL: none), Wx: M x nx beams that only
 * interfere, at every decoder (the image of I/Q imbalance; NULL: none),
 * share: K fractions of their group's common rate (summing to 1 per
 * group; NULL: equal shares).  out's arrays are the caller's (G and K
 * entries). */
int nisac_rs_rates_eval(const nisac_rs_layout *L, const double complex *H, const double complex *Wc,
                        const double complex *Wp, const double complex *ws, const double complex *Wx, int nx,
                        double sigma2, const double *share, nisac_rs_rates *out);

/* Whether L is a valid layout: every group in 0..G-1, and each group's
 * decoding positions a permutation of 0..size-1.  NISAC_EINVAL with the
 * first user at fault, or NISAC_OK. */
int nisac_rs_layout_check(const nisac_rs_layout *L);

/* User grouping (the paper gives no rule): correlation clustering.
 * Groups get sizes ceil(K/G) or floor(K/G); each is seeded by the
 * strongest unassigned user and filled with the unassigned users whose
 * channels are most correlated with the seed (|h_i^H h_s| / (||h_i|| ||h_s||)),
 * so that NOMA shares the strongly correlated users and the groups are
 * nearly orthogonal.  Inside a group the decoding order is by gain,
 * weakest first.  H: M x K; group and order: K each. */
int nisac_rs_group(int M, int K, int G, const double complex *H, int *group, int *order);

/* The initial point (33)-(38) every rs algorithm starts from, unit-norm
 * beams (26h) and their powers:
 *   (33)-(34) common beam of group g along the group's mean channel;
 *   (35) private beam of user k along (H_{-k} H_{-k}^H + delta I)^{-1} h_k,
 *        delta = sigma^2 / P_max: by Sherman-Morrison its direction is that
 *        of (H H^H + delta I)^{-1} h_k, computed for every user at once in
 *        the K-dimensional Gram space, H (H^H H + delta I)^{-1} (one ZGEMM,
 *        one K x K Cholesky, one ZGEMM);
 *   (36) sensing beam along sum_l sqrt(rcs_l) a_l (A: M x L, may be NULL);
 *   (37) every stream P_max / (G + K + 1) (G + K without sensing);
 *   (38) splitting ratios 1/2.
 * Wc: M x G, Wp: M x K, ws: M (ignored when A is NULL); powers: G + K + 1
 * (common, private, sensing); rho: K. */
int nisac_rs_initial(const nisac_rs_layout *L, const double complex *H, double sigma2, double P_max, int nt,
                     const double complex *A, const double *rcs, double complex *Wc, double complex *Wp,
                     double complex *ws, double *powers, double *rho);

/* Energy efficiency sum(R) / P_total (bit/s/Hz/W) and Jain's index
 * (sum R)^2 / (K sum R^2). */
double nisac_rs_energy_efficiency(int K, const double *rate, double power);
double nisac_jain(int K, const double *x);

/* (23) read as the echo SINR of target l after the matched receive
 * filter a_l / ||a_l|| (the same array receives): with H_j = beta_j a_j a_j^H
 * and Q = sum of the beams' outer products (every stream),
 *   Gamma_l = |beta_l|^2 ||a_l||^2 a_l^H Q a_l / (sum_{j != l} |beta_j|^2
 *             |a_l^H a_j|^2 / ||a_l||^2 a_j^H Q a_j + sigma_s^2).
 * A: M x L responses, beta: L gains, W: M x nw beams (powers inside). */
double nisac_rs_sensing_sinr(int M, int L, const double complex *A, const double complex *beta,
                             const double complex *W, int nw, double sigma_s2, int l);

/* The same for every target at once (gamma: L values), from two ZGEMMs
 * (A^H W and A^H A): O(M L (nw + L)) instead of O(M L^2 nw).
 * NISAC_ENOMEM or NISAC_OK. */
int nisac_rs_sensing_sinr_all(int M, int L, const double complex *A, const double complex *beta,
                              const double complex *W, int nw, double sigma_s2, double *gamma);

/* (24): P_D = Q(Q^{-1}(P_FA) - sqrt(2 Gamma)), Q the Gaussian tail. */
double nisac_rs_pd(double pfa, double sinr);

/* (25) read as the angle CRB of a target with unknown complex amplitude:
 * 1 / (2 Gamma ||P_a^perp da||^2 / ||a||^2) (rad^2), da = d a / d theta. */
double nisac_rs_crlb(int M, const double complex *a, const double complex *da, double sinr);

/* ---- the system `rs-noma-isac` (src/model/rs_noma_isac_system.c) ---- */

/* Constraint families (bit i of nisac_design_t.imposed). */
enum {
    NISAC_RS_C_POWER = 1u << 0, /* (26b) total power <= P_max */
    NISAC_RS_C_RATE = 1u << 1,  /* (26c) R_k >= R_min */
    NISAC_RS_C_PD = 1u << 2,    /* (26d) P_D,l >= P_D,min */
    NISAC_RS_C_CRLB = 1u << 3   /* (26e) CRLB_l <= CRLB_max */
};

typedef struct nisac_rs_params {
    int M, Mx, My, K, G, L;  /* elements M = Mx x My, users, groups, targets */
    double spacing;          /* element spacing (wavelengths) */
    double fc;               /* carrier (Hz) */
    double P_max;            /* W */
    double sigma2, sigma_s2; /* user and sensing noise (W) */
    double r_min, r_max;     /* user ranges (m) */
    double theta_max;        /* users and targets at polar angles in [0, theta_max] (rad) */
    double t_rmin, t_rmax;   /* target ranges (m) */
    double rcs_min, rcs_max; /* m^2 */
    double rho_c;            /* spatial correlation of the scattered part (5) */
    double kfactor;          /* power ratio of the line-of-sight path to the scattered part */
    double kappa;            /* mutual coupling to the nearest neighbours (8) */
    double pn_var;           /* per-RF-chain phase-noise variance (rad^2) */
    double irr_db;           /* image rejection ratio (dB); 0: no I/Q imbalance */
    double iq_psi;           /* I/Q phase imbalance (rad) */
    double eps_csi;          /* ||H - H_hat||_F / ||H||_F */
    double pfa;              /* false-alarm probability of (24) */
    double alpha[4];         /* weights of (26a) */
    double R_min, pd_min, crlb_max; /* thresholds of (26c)-(26e) */
    int model;               /* channel model (index of the system's table) */
} nisac_rs_params;

typedef struct nisac_rs_instance {
    nisac_rs_params p;
    nisac_upa upa;
    int M, K, G, L;
    double complex *H;    /* M x K true channels through the coupling (8) (h_k: y_k = h_k^H x) */
    double complex *Hhat; /* M x K what the transmitter knows */
    double complex *A;    /* M x L target responses (|a_i| = 1 before the coupling), through the coupling */
    double complex *dA;   /* M x L d a / d theta */
    double complex *beta; /* L round-trip gains (7) */
    double *rcs;          /* L */
    double *pn;           /* M phase-noise draw of this block (rad) */
    double complex K1, K2;/* I/Q imbalance image model (1, 0 without) */
    int *group, *order;   /* K each: the layout (correlation grouping of H_hat) */
    double *user_r, *user_theta, *target_r, *target_theta; /* geometry (m, rad) */
} nisac_rs_instance;

extern const nisac_system nisac_system_rs_noma_isac;

void nisac_rs_params_from(const nisac_params *ps, nisac_rs_params *p);
const nisac_rs_instance *nisac_rs_instance_of(const nisac_instance *inst);
/* The instance's layout over H_hat's users. */
nisac_rs_layout nisac_rs_instance_layout(const nisac_rs_instance *ri);

/* Objective (26a) of a design with rates R (K), sensing SINRs (L), the
 * total power: alpha1 sum R + alpha2 sum log2(1 + Gamma_l) + alpha3 EE +
 * alpha4 Jain. */
double nisac_rs_objective(const nisac_rs_params *p, int K, const double *rate, int L, const double *gamma,
                          double power);

/* ---- paper 004's DRL environment (section 6.3.4; docs/models/td3.md) ---- */
/* State (41) and action (42) sizes: 2K + M + 4 and 2K + 3. */
int nisac_rs_drl_dims(const nisac_rs_instance *ri, int *state_dim, int *action_dim);
/* State (41) from what the transmitter knows: the users' large-scale
 * gains in dB about their mean (/10), queue lengths (0: the model has no
 * traffic), the per-element channel power about its mean, and the last
 * step's four metrics prev (NULL: zeros). */
int nisac_rs_drl_state(const nisac_rs_instance *ri, const double *prev, double *state);
/* Action (42) in [-1, 1]^(2K+3) to a design: user scores (the grouping:
 * users sorted by score, consecutive runs form the groups, SIC by gain
 * inside), splitting ratios, and a power split softmax(2 a) over common,
 * private and sensing streams; beams (33)-(36) for that grouping.  The
 * design carries its layout.  reward: the judged objective (26a) / K
 * - 10 max_viol (43) (NULL: the design only, not judged); metrics (5, may be NULL): sum rate / K, sensing
 * utility / L, Jain's index, the common power fraction (the next state's
 * four), and the objective. */
int nisac_rs_drl_apply(const nisac_instance *inst, const double *action, nisac_design_t *d, double *reward,
                       double *metrics);

#pragma GCC visibility pop

#ifdef __cplusplus
}
#endif
#endif
