/* The RIS-empowered NOMA-ISAC system of paper 002 (system `ris-noma-isac`):
 * a DFBS with M transmit/receive antennas (ULA, half-wavelength), a RIS
 * of N unit-modulus elements, K single-antenna users and T targets, one
 * target sensed per time slot.  Equations as implemented, with their
 * readings: docs/models/ris_noma_isac.md.
 *
 * Channel convention (the paper's): user k receives
 *   y_k = (h_{d,k}^H + h_{r,k}^H Theta G) x + n_k,  Theta = diag(phi),
 * and target t sees c_t^T x with c_t^T = h_{b,t}^H + h_{t,t}^H Theta G;
 * its echo returns over the same links (reciprocity): H_t = c_t c_t^T. */
#ifndef NISAC_RIS_NOMA_ISAC_H
#define NISAC_RIS_NOMA_ISAC_H

#include <complex.h>
#include "nisac/system.h"

#ifdef __cplusplus
extern "C" {
#endif
#pragma GCC visibility push(default) /* the public API of the shared library */

#define NISAC_RIS_MAX_K 16
#define NISAC_RIS_MAX_T 8

/* Multiple-access schemes (nisac_design_t.scheme). */
enum { NISAC_RIS_NOMA = 0, NISAC_RIS_SDMA = 1, NISAC_RIS_OMA = 2 };

/* Constraint families (bit i of nisac_design_t.imposed). */
enum {
    NISAC_RIS_C_RADAR = 1u << 0,   /* (27b) radar SNR bound (26) >= Gamma */
    NISAC_RIS_C_SINR = 1u << 1,    /* (27c) SINR >= gamma at every decoder (14) */
    NISAC_RIS_C_UNIT = 1u << 2,    /* (27d) |phi_n| = 1 */
    NISAC_RIS_C_POWER = 1u << 3,   /* (27e) ||W||_F^2 <= P_max (OMA: per time share) */
    NISAC_RIS_C_FILTER = 1u << 4,  /* (27f) ||u_t|| = 1 */
    NISAC_RIS_C_ORDER = 1u << 5,   /* (27g)/(3) aggregated gains in the decoding order */
    NISAC_RIS_C_SICPOW = 1u << 6   /* (27g)/(43) SIC power order at every user */
};

typedef struct nisac_ris_params {
    int M, N, K, T;       /* DFBS antennas, RIS elements, users, targets */
    int ris_cols;         /* RIS elements per row (UPA; 1 or >= N: a ULA) */
    int L;                /* echo samples per slot */
    double P_max;         /* W */
    double sigma2;        /* user noise (W) */
    double sigma_r2;      /* radar receiver noise (W) */
    double gamma;         /* minimum SINR (linear) */
    double Gamma;         /* radar SNR threshold (linear) */
    double rcs;           /* E|alpha_t|^2 */
    double rcs_fluct;     /* Var(alpha_t) / E|alpha_t|^2 in [0, 1): 0 is a non-fluctuating target */
    double pfa;           /* false-alarm probability of the detector (23) */
    double c0;            /* path gain at 1 m (linear) */
    double pl_br, pl_rt, pl_ru, pl_bt, pl_bu; /* path-loss exponents */
    double rician;        /* Rician factor (linear) of the DFBS-RIS, DFBS-user and RIS-user links */
    double d_br, ris_deg; /* RIS position: distance and azimuth (rad) from the DFBS */
    double d_ru, user_deg, user_spread; /* users on an arc around the RIS */
    double d_rt, target_deg, target_spread; /* targets on an arc around the RIS */
    double h_bs, h_ris;   /* heights (m); users and targets at 0 */
    int bp_points;        /* points of the angular beampattern metric (0: none) */
    int map_points;       /* points per side of the 2D beampattern map (0: none) */
    double map_size;      /* side of the square map (m), centred between DFBS and RIS */
} nisac_ris_params;

typedef struct nisac_ris_instance {
    nisac_ris_params p;
    double complex *hd;   /* M x K: h_{d,k} */
    double complex *hr;   /* N x K: h_{r,k} */
    double complex *G;    /* N x M */
    double complex *hb;   /* M x T: h_{b,t} (DFBS-target) */
    double complex *ht;   /* N x T: h_{t,t} (RIS-target) */
    int geometric;        /* positions below are valid (drawn, not explicit) */
    double bs[3], ris[3], user[NISAC_RIS_MAX_K][3], target[NISAC_RIS_MAX_T][3];
} nisac_ris_instance;

void nisac_ris_params_default(nisac_ris_params *p);
int nisac_ris_params_check(const nisac_ris_params *p);
void nisac_ris_params_from(const nisac_params *ps, nisac_ris_params *p);

/* Instance from explicit channels (any may be NULL: zero), copied. */
int nisac_ris_instance_new(const nisac_ris_params *p, const double complex *hd, const double complex *hr,
                           const double complex *G, const double complex *hb, const double complex *ht,
                           nisac_ris_instance **out);
/* Instance with the geometry and Rician channels of the parameters, drawn from rng. */
int nisac_ris_instance_draw(const nisac_ris_params *p, nisac_rng *rng, nisac_ris_instance **out);
void nisac_ris_instance_free(nisac_ris_instance *inst);
const nisac_ris_instance *nisac_ris_instance_of(const nisac_instance *inst);

/* Effective channels for phases phi (N; NULL: no RIS): g[k*M + m] is the
 * coefficient of antenna m in h_k(phi)^H x (K rows of M), c[t*M + m] that
 * of c_t(phi)^T x (T rows of M).  Either output may be NULL. */
void nisac_ris_effective(const nisac_ris_instance *inst, const double complex *phi, double complex *g,
                         double complex *c);

/* Receive filter maximising |u^H a|^2 / (u^H R u) (the generalised
 * Rayleigh quotient (52)-(53)): u = R^{-1} a / ||R^{-1} a||, R Hermitian
 * positive definite n x n (NULL: identity).  Returns the maximum. */
int nisac_ris_filter(int n, const double complex *a, const double complex *R, double complex *u, double *qmax);

/* Marcum Q-function Q_1(a, b) (series in scaled Bessel functions). */
double nisac_marcum_q1(double a, double b);

/* Evaluation of a design (the judge). */
typedef struct nisac_ris_eval {
    double sum_rate, min_sinr, power, sense_power;
    double rate[NISAC_RIS_MAX_K], sinr[NISAC_RIS_MAX_K], gain[NISAC_RIS_MAX_K], sense_sinr[NISAC_RIS_MAX_K];
    int order[NISAC_RIS_MAX_K]; /* user at each decoding position, weakest first */
    double snr[NISAC_RIS_MAX_T], snr_lb[NISAC_RIS_MAX_T], pd[NISAC_RIS_MAX_T];
    double viol[7];             /* relative violation of each family (the NISAC_RIS_C_* order) */
} nisac_ris_eval;

/* W: M x (K+1) (column 0 the sensing beam w_0, column k the beam of user
 * k), phi: N (NULL: no RIS), U: M(K+1) x T filters (NULL: the optimal
 * ones (53)), order: decoding positions (NULL: by aggregated gain (3)). */
int nisac_ris_evaluate(const nisac_ris_instance *inst, const double complex *W, const double complex *phi,
                       const double complex *U, const int *order, int scheme, nisac_ris_eval *ev);

/* Beampattern gain (69) of (W, phi) at point pos (3), in W, from the
 * LoS links of the geometry (target path-loss exponents). */
double nisac_ris_beampattern(const nisac_ris_instance *inst, const double complex *W, const double complex *phi,
                             const double *pos);

/* DFBS transmit beampattern sum_i |a(theta)^T w_i|^2 at azimuth theta
 * from broadside in the horizontal plane (no path loss), in W. */
double nisac_ris_dfbs_pattern(const nisac_ris_instance *inst, const double complex *W, double theta);

extern const nisac_system nisac_system_ris_noma_isac;

#pragma GCC visibility pop

#ifdef __cplusplus
}
#endif
#endif
