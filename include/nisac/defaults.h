/* Every default of nisac in one place, each with the reason for its value. */
#ifndef NISAC_DEFAULTS_H
#define NISAC_DEFAULTS_H

/* --- paper 000 (NOMA-ISAC) scenario, Section V of the paper --- */
#define NISAC_DEF_N 8              /* BS antennas */
#define NISAC_DEF_K 3              /* single-antenna users */
#define NISAC_DEF_SIGMA2 0.01      /* noise variance sigma_n^2 (W) */
#define NISAC_DEF_PS 2.0           /* sensing power threshold P_s (W) */
#define NISAC_DEF_PDIFF 0.001      /* target power difference bound P_diff (W) */
#define NISAC_DEF_XI 10.0          /* mean-squared cross-correlation bound xi (W^2) */
#define NISAC_DEF_PTOTAL 8.0       /* total power budget P_total (W); Table I uses 6-10 */
#define NISAC_DEF_GAMMA_DB 20.0    /* SINR target (dB) for power minimisation (Fig. 7 value) */
#define NISAC_DEF_EPS 0.05         /* CSI error bound epsilon (Figs. 5-6 value) */
#define NISAC_DEF_D_LAMBDA 0.5     /* antenna spacing d/lambda: half wavelength */
#define NISAC_DEF_RHO 1.0          /* objective weights rho_c = rho_s = 1 make (12a) the printed sum */

/* Sanity bounds of the noma-isac parameter ranges (not array sizes:
 * every size is allocated for the instance at hand). */
#define NISAC_NOMA_MAX_N 4096      /* antennas */
#define NISAC_NOMA_MAX_K 100000    /* users */
#define NISAC_NOMA_MAX_M 4096      /* targets */

/* --- algorithms --- */
#define NISAC_DEF_MU 0.02          /* bisection tolerance on t (linear SINR), Section V */
#define NISAC_DEF_RANK_TOL 1e-6    /* lambda2/lambda1 below which W_k counts as rank one:
                                      interior-point solutions of rank-one SDPs reach 1e-8..1e-10 */
#define NISAC_DEF_REFINE_MAXITER 30 /* convex-concave steps of the rank-one refinement */
#define NISAC_DEF_NRAND 50         /* Gaussian randomisation candidates (SDR literature uses 20-100) */
#define NISAC_DEF_FEAS_TOL 1e-6    /* relative constraint tolerance when judging a design feasible */

#define NISAC_DEF_MAX_MEMORY_MB 4096 /* estimated peak memory a design may take (MiB): a sixth of
                                        a 24 GiB machine, so that several workers fit; the option
                                        max_memory_mb raises it */

/* --- conic solver (CSDP) --- */
#define NISAC_DEF_SDP_TOL 1e-8     /* CSDP axtol/atytol/objtol (CSDP's own default): 1e-9 ends in
                                      "reduced accuracy" on LP-like problems */
#define NISAC_DEF_SDP_MAXITER 200  /* CSDP's own default is 100; hard robust LMIs can need more */

#endif
