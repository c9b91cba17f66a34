/* The NOMA-ISAC system of paper 000 (docs/models/noma_isac.md): its
 * typed parameters, instances and model, and the system `noma-isac`.
 *
 * This module is the judge of every noma-isac design: it recomputes
 * SINRs, sensing powers, cross-correlation and constraint violations from
 * the beamformers and the channel it is given, never from solver output.
 * Sizes are data: K users and M targets are limited by memory alone. */
#ifndef NISAC_NOMA_ISAC_H
#define NISAC_NOMA_ISAC_H

#include <complex.h>
#include "nisac/core.h"
#include "nisac/system.h"

#ifdef __cplusplus
extern "C" {
#endif
#pragma GCC visibility push(default) /* the public API of the shared library */

/* The system: parameter, metric and constraint tables, the judge. */
extern const nisac_system nisac_system_noma_isac;

/* Which SINR constraints (12b) holds. */
typedef enum nisac_decoders {
    NISAC_DECODERS_ALL = 0, /* (12b) as printed: every user l >= k decodes message k (SIC) */
    NISAC_DECODERS_OWN = 1  /* only l = k: each user's own SINR */
} nisac_decoders;

/* Typed scenario parameters (units: W, W^2, radians).  Fill with
 * nisac_noma_params_default, then override.  theta is borrowed: it must
 * hold M angles for as long as the struct is used (instances copy it). */
typedef struct nisac_noma_params {
    int N;                  /* BS antennas */
    int K;                  /* users */
    int M;                  /* targets */
    const double *theta;    /* target directions theta_m (rad), M of them */
    double d_lambda;        /* antenna spacing d/lambda */
    double sigma2;          /* noise variance sigma_n^2 (W) */
    double Ps;              /* sensing threshold P_s (W), (8c)/(12e) */
    double Pdiff;           /* P_diff (W), (8d)/(12f) */
    double xi;              /* cross-correlation bound xi (W^2), (8e)/(12g); <= 0 disables */
    double P_total;         /* power budget (W), (8b) */
    double gamma;           /* common SINR target gamma_k^min (linear), (12b) */
    double eps;             /* CSI error bound epsilon, (15) */
    double rho_c, rho_s;    /* objective weights of (12a) as in Appendix B (default 1, 1) */
    nisac_decoders decoders;
    int sic_power_order;    /* impose the SIC power-order constraint (3); default 0 as in (12) */
} nisac_noma_params;

void nisac_noma_params_default(nisac_noma_params *p);
/* Checks ranges and finiteness; NISAC_EINVAL with a message naming the field. */
int nisac_noma_params_check(const nisac_noma_params *p);
/* The typed parameters of a noma-isac parameter set (theta borrowed from ps). */
void nisac_noma_params_from(const nisac_params *ps, nisac_noma_params *p);

/* A problem instance: parameters plus channels in SIC order.
 * H is N x K (ld N), columns sorted by ||h_k|| ascending (ties keep the
 * caller's order); order[k] is the caller's index of the user at SIC
 * position k.  A is N x M with alpha(theta_m) as columns. */
typedef struct nisac_noma_instance {
    nisac_noma_params p;    /* p.theta points to the instance's own copy */
    double complex *H;
    double complex *A;
    int *order;             /* K */
    double *gamma;          /* K per-user targets in SIC order (all = p.gamma) */
    double *theta;          /* M */
} nisac_noma_instance;

/* Builds an instance from parameters and the K channel columns of Hin
 * (N x K, ldh, the caller's user order).  The caller frees *out with
 * nisac_noma_instance_free.  NISAC_EINVAL on bad parameters. */
int nisac_noma_instance_new(const nisac_noma_params *p, const double complex *Hin, int ldh,
                            nisac_noma_instance **out);
void nisac_noma_instance_free(nisac_noma_instance *inst);
/* A generic instance over inst (borrowed: inst must outlive it). */
int nisac_noma_wrap(const nisac_noma_instance *inst, nisac_instance **out);
/* The typed instance of a noma-isac instance (NULL for another system). */
const nisac_noma_instance *nisac_noma_instance_of(const nisac_instance *inst);

/* Constraint families, as bits of a mask saying which are imposed; bit i
 * is entry i of the system's constraint table. */
enum {
    NISAC_C_SINR = 1 << 0,   /* (12b) SINR_l^k >= gamma_k */
    NISAC_C_SENSE = 1 << 1,  /* (12e) P(theta_m) >= Ps */
    NISAC_C_DIFF = 1 << 2,   /* (12f) |P(theta_p) - P(theta_m)| <= Pdiff */
    NISAC_C_XCORR = 1 << 3,  /* (12g) Cbar <= xi */
    NISAC_C_BUDGET = 1 << 4, /* (8b) sum ||w_k||^2 + sum P(theta_m) <= P_total */
    NISAC_C_SICORDER = 1 << 5, /* (3) power order at every user */
    NISAC_C_ROBUST = 1 << 6  /* (21)-(22) worst-case SINR over ||dh|| <= eps */
};
/* Constraints of power minimisation (13) and of the max-min problem (8). */
#define NISAC_C_POWERMIN (NISAC_C_SINR | NISAC_C_SENSE | NISAC_C_DIFF | NISAC_C_XCORR)
#define NISAC_C_MAXMIN (NISAC_C_BUDGET | NISAC_C_SENSE | NISAC_C_DIFF | NISAC_C_XCORR)

/* Design schemes (nisac_design_t.scheme) of noma-isac. */
enum { NISAC_NOMA_SCHEME_NOMA = 0, NISAC_NOMA_SCHEME_OMA = 1 };

/* Everything the model says about a set of beamformers.  Violations are
 * relative and >= 0 (0 = satisfied); see docs/models/noma_isac.md for
 * each normalisation.  Initialise with NISAC_NOMA_EVAL_INIT; the
 * evaluation functions size the arrays; release with
 * nisac_noma_eval_release. */
typedef struct nisac_noma_eval {
    int K, M, capK, capM;
    double *sinr;        /* K x K: sinr[k*K + l] = SINR_l^k (4)/(17), l >= k; NaN otherwise */
    double *user_sinr;   /* K: min over the decoders l of message k (per `decoders`) */
    double min_sinr;     /* min_k user_sinr[k]: the objective of (8a) */
    double *beam_power;  /* K: ||w_k||^2 */
    double *sense_power; /* M: P(theta_m) of (5) */
    double comm_power;   /* sum_k ||w_k||^2 (radiated power) */
    double sense_sum;    /* sum_m P(theta_m) */
    double total_power;  /* comm_power + sense_sum, the printed (8b)/(12a) sum */
    double objective;    /* rho_c comm_power + rho_s sense_sum, (12a) */
    double xcorr;        /* Cbar of (7) (0 when M < 2) */
    double *rate;        /* K: bits/s/Hz: log2(1+SINR) (NOMA), (1/K) log2(1+SINR) (OMA) */
    double min_rate;
    double viol_sinr, viol_sense, viol_diff, viol_xcorr, viol_budget, viol_sicorder;
    double max_viol;     /* max over the imposed families */
    int oma;             /* 1: evaluated as OMA-ISAC (nisac_oma_evaluate) */
} nisac_noma_eval;
#define NISAC_NOMA_EVAL_INIT {0, 0, 0, 0, NULL, NULL, 0, NULL, NULL, 0, 0, 0, 0, 0, NULL, 0, 0, 0, 0, 0, 0, 0, 0, 0}
void nisac_noma_eval_release(nisac_noma_eval *ev);
#define NISAC_NOMA_SINR(ev, k, l) ((ev)->sinr[(size_t)(k) * (size_t)(ev)->K + (size_t)(l)])

/* Evaluates beamformers W (N x K, ldw, columns in SIC order) on the
 * instance's channel, or on the channel H + dH when dH (N x K, ld N) is
 * not NULL, using the SINR (17) of imperfect SIC: residual interference
 * sum_{i<k} |dh_l^H w_i|^2 from messages already cancelled with the
 * estimate.  `imposed` is a mask of NISAC_C_* families counted in
 * max_viol.  Returns NISAC_OK, NISAC_EINVAL or NISAC_ENOMEM. */
int nisac_noma_evaluate(const nisac_noma_instance *inst, const double complex *W, int ldw,
                        const double complex *dH, unsigned imposed, nisac_noma_eval *ev);

/* OMA-ISAC baseline (docs/models/noma_isac.md, "OMA-ISAC"): user k is
 * served alone in slot k of K equal slots with beamformer w_k (column k
 * of W, SIC order kept only as a label).  Each slot must meet the sensing
 * constraints (12e)-(12g) and the budget (8b) on its own.  user_sinr[k]
 * = |h_k^H w_k|^2 / sigma^2 (slot SINR), rate[k] = log2(1 + that) / K;
 * beam_power[k] = ||w_k||^2; sense_power, comm_power, total_power and
 * objective are averages over the slots.  The SINR violation compares
 * the slot SINR with slot_gamma (linear). */
int nisac_oma_evaluate(const nisac_noma_instance *inst, const double complex *W, int ldw,
                       double slot_gamma, unsigned imposed, nisac_noma_eval *ev);

/* Worst-case SINR_l^k of (17) over all errors ||dh_l|| <= eps, computed
 * independently of any solver: bisection on gamma, each step a
 * trust-region subproblem (nisac_trs_min) deciding whether
 * min_{||dh||<=eps} nu_kl(dh; gamma) >= 0, nu_kl as in (20).
 * wsinr (K x K, wsinr[k*K + l]) for l >= k (only l = k with
 * decoders=own), NaN elsewhere; rel_tol is the relative accuracy of the
 * bisection. */
int nisac_noma_worst_sinr(const nisac_noma_instance *inst, const double complex *W, int ldw,
                          double eps, double rel_tol, double *wsinr);

#pragma GCC visibility pop

#ifdef __cplusplus
}
#endif
#endif
