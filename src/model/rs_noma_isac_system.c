/* The system `rs-noma-isac` (paper 004): its tables, instances (near-field
 * channels, targets, impairments, CSI error, the user grouping), designs
 * and the judge on the true, impaired channel (docs/models/rs_noma_isac.md). */
#include "nisac/rs_noma_isac.h"
#include "nisac/impair.h"
#include "nisac/linalg.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define C_LIGHT 299792458.0

enum { P_M, P_MX, P_K, P_G, P_L, P_SPACING, P_FC, P_PMAX, P_SIGMA2, P_SIGMAS2, P_RMIN, P_RMAX, P_THETA, P_TRMIN,
       P_TRMAX, P_RCSMIN, P_RCSMAX, P_RHO, P_KF, P_KAPPA, P_PN, P_IRR, P_PSI, P_EPS, P_PFA, P_A1, P_A2, P_A3, P_A4,
       P_RMINRATE, P_PDMIN, P_CRLBMAX, P_TRACE, P_COUNT };

#define INT_P(name, def, lo, hi, help) \
    {name, NULL, NISAC_PT_INT, NISAC_PC_NONE, "", def, lo, hi, 0, NULL, 0, NULL, 0, NULL, help}
#define REAL_P(name, conv, unit, def, lo, hi, flags, help) \
    {name, NULL, NISAC_PT_REAL, conv, unit, def, lo, hi, flags, NULL, 0, NULL, 0, NULL, help}

static const nisac_param_def params[P_COUNT] = {
    INT_P("M", 512, 1, 4096, "array elements M = Mx x My (section 8.1: 256, 512, 1024)"),
    INT_P("Mx", 16, 1, 4096, "elements per row of the planar array (M must be a multiple)"),
    INT_P("K", 256, 1, 4096, "single-antenna users"),
    INT_P("G", 0, 0, 4096, "user groups, each with a common stream (0: K/2 rounded up)"),
    INT_P("L", 8, 0, 64, "point targets"),
    REAL_P("spacing", NISAC_PC_NONE, "lambda", 0.25, 0, 10, NISAC_PF_OPEN_LO, "element spacing in wavelengths"),
    REAL_P("fc_ghz", NISAC_PC_NONE, "GHz", 100, 0, 1e4, NISAC_PF_OPEN_LO, "carrier frequency"),
    REAL_P("P_max_dbm", NISAC_PC_DB, "dBm", 50, -50, 90, 0, "transmit power budget (26b)"),
    REAL_P("sigma2_dbm", NISAC_PC_DB, "dBm", -90, -250, 50, 0, "noise power at each user"),
    REAL_P("sigma_s2_dbm", NISAC_PC_DB, "dBm", -85, -250, 50, 0, "noise power of the sensing receiver"),
    REAL_P("r_min", NISAC_PC_NONE, "m", 5, 0, 1e5, NISAC_PF_OPEN_LO, "nearest user range"),
    REAL_P("r_max", NISAC_PC_NONE, "m", 50, 0, 1e5, NISAC_PF_OPEN_LO, "farthest user range"),
    REAL_P("theta_max_deg", NISAC_PC_DEG, "deg", 60, 0, 89, 0,
           "users and targets at polar angles (from the array normal) up to this"),
    REAL_P("target_r_min", NISAC_PC_NONE, "m", 10, 0, 1e5, NISAC_PF_OPEN_LO, "nearest target range"),
    REAL_P("target_r_max", NISAC_PC_NONE, "m", 30, 0, 1e5, NISAC_PF_OPEN_LO, "farthest target range"),
    REAL_P("rcs_min", NISAC_PC_NONE, "m^2", 0.1, 0, 1e6, NISAC_PF_OPEN_LO, "radar cross-sections uniform in [rcs_min, rcs_max]"),
    REAL_P("rcs_max", NISAC_PC_NONE, "m^2", 1, 0, 1e6, NISAC_PF_OPEN_LO, "largest radar cross-section"),
    REAL_P("rho_c", NISAC_PC_NONE, "", 0.5, 0, 0.999, 0, "spatial correlation of neighbouring elements (5)"),
    REAL_P("kfactor_db", NISAC_PC_DB, "dB", 0, -100, 100, 0,
           "line-of-sight to scattered power ratio of the near-field model"),
    REAL_P("kappa", NISAC_PC_NONE, "", 0.1, 0, 0.25, 0, "mutual coupling to each nearest neighbour (8); 0: none"),
    REAL_P("phase_noise_dbc", NISAC_PC_DB, "dBc", -35, -300, 0, 0, "per-RF-chain phase-noise variance (rad^2 in dB)"),
    REAL_P("irr_db", NISAC_PC_NONE, "dB", 30, 0, 200, 0, "image rejection ratio of the I/Q imbalance (13); 0: none"),
    REAL_P("iq_psi_deg", NISAC_PC_DEG, "deg", 0, -89, 89, 0, "I/Q phase imbalance"),
    REAL_P("eps_csi", NISAC_PC_NONE, "", 0, 0, 10, 0, "normalised CSI error ||H - H_hat||_F / ||H||_F"),
    REAL_P("pfa", NISAC_PC_NONE, "", 1e-6, 0, 0.5, NISAC_PF_OPEN_LO, "false-alarm probability of the detector (24)"),
    REAL_P("alpha1", NISAC_PC_NONE, "", 1, 0, 1e6, 0, "weight of the sum rate in (26a)"),
    REAL_P("alpha2", NISAC_PC_NONE, "", 1, 0, 1e6, 0, "weight of the sensing utility sum log2(1 + Gamma_l)"),
    REAL_P("alpha3", NISAC_PC_NONE, "", 0, 0, 1e6, 0, "weight of the energy efficiency (bit/s/Hz/W)"),
    REAL_P("alpha4", NISAC_PC_NONE, "", 0, 0, 1e6, 0, "weight of Jain's fairness index"),
    REAL_P("R_min", NISAC_PC_NONE, "bit/s/Hz", 0, 0, 1e3, 0, "minimum rate of every user (26c); 0: none"),
    REAL_P("pd_min", NISAC_PC_NONE, "", 0, 0, 1, 0, "minimum detection probability (26d); 0: none"),
    REAL_P("crlb_max", NISAC_PC_NONE, "rad^2", 0, 0, 1e6, 0, "largest angle CRLB (26e); 0: none"),
    INT_P("trace_points", 0, 0, 10000, "outer iterations of the objective trace metric (0: none)"),
};

static const char *const dims[] = {"user", "group", "target", "iteration"};
enum { D_USER, D_GROUP, D_TARGET, D_ITER };

static const nisac_constraint_def constraints[] = {
    {"power", "(26b)", "total transmit power <= P_max"},
    {"rate", "(26c)", "every user's rate >= R_min"},
    {"pd", "(26d)", "every target's detection probability >= pd_min"},
    {"crlb", "(26e)", "every target's angle CRLB <= crlb_max"},
};

enum { M_OBJ, M_SUM_RATE, M_SENSE_UTIL, M_DESIGN_SUM, M_MIN_RATE, M_USER_RATE, M_COMMON, M_COMMON_FRAC, M_SENSE, M_MIN_SENSE,
       M_PD, M_MIN_PD, M_CRLB, M_MAX_CRLB, M_EE, M_JAIN, M_POWER, M_MAX_VIOL, M_ITER, M_WALL, M_TRACE, M_RAYLEIGH,
       M_NEAR, M_COUNT };

#define DA (NISAC_MF_DESIGN | NISAC_MF_ALWAYS)
static const nisac_metric_def metrics[M_COUNT] = {
    {"objective", "", -1, NISAC_PC_NONE, 0, "the weighted objective (26a) on the true, impaired channel"},
    {"sum_rate", "bit/s/Hz", -1, NISAC_PC_NONE, 0, "sum of the user rates (22) on the true, impaired channel"},
    {"sense_utility", "bit/s/Hz", -1, NISAC_PC_NONE, 0, "sensing utility sum_l log2(1 + Gamma_l) of (26a)"},
    {"design_sum_rate", "bit/s/Hz", -1, NISAC_PC_NONE, NISAC_MF_DESIGN,
     "sum rate on the estimate H_hat without impairments: what the design itself sees"},
    {"min_rate", "bit/s/Hz", -1, NISAC_PC_NONE, 0, "smallest user rate"},
    {"user_rate", "bit/s/Hz", D_USER, NISAC_PC_NONE, 0, "rate of each user (22)"},
    {"common_rate", "bit/s/Hz", D_GROUP, NISAC_PC_NONE, 0, "common rate of each group (18), (20)"},
    {"common_power_frac", "", -1, NISAC_PC_NONE, NISAC_MF_DESIGN, "fraction of the power in the common streams"},
    {"sense_sinr_db", "dB", D_TARGET, NISAC_PC_DB, 0, "sensing SINR (23) of each target"},
    {"min_sense_sinr_db", "dB", -1, NISAC_PC_DB, 0, "smallest sensing SINR"},
    {"pd", "", D_TARGET, NISAC_PC_NONE, 0, "detection probability (24) of each target"},
    {"min_pd", "", -1, NISAC_PC_NONE, 0, "smallest detection probability"},
    {"crlb", "rad^2", D_TARGET, NISAC_PC_NONE, 0, "angle CRLB (25) of each target"},
    {"max_crlb", "rad^2", -1, NISAC_PC_NONE, 0, "largest angle CRLB"},
    {"ee", "bit/s/Hz/W", -1, NISAC_PC_NONE, 0, "energy efficiency sum rate / transmit power"},
    {"jain", "", -1, NISAC_PC_NONE, 0, "Jain's fairness index of the user rates"},
    {"power", "W", -1, NISAC_PC_NONE, NISAC_MF_DESIGN, "total transmit power of the design"},
    {"max_viol", "", -1, NISAC_PC_NONE, 0, "largest relative violation of an imposed constraint"},
    {"iterations", "", -1, NISAC_PC_NONE, DA, "outer iterations"},
    {"wall", "s", -1, NISAC_PC_NONE, DA, "seconds of the design (varies run to run)"},
    {"trace_objective", "", D_ITER, NISAC_PC_NONE, DA,
     "the algorithm's objective after each outer iteration (the last value repeated after convergence)"},
    {"rayleigh_m", "m", -1, NISAC_PC_NONE, NISAC_MF_ALWAYS, "Rayleigh distance 2 D^2 / lambda of the array"},
    {"near_field_users", "", -1, NISAC_PC_NONE, NISAC_MF_ALWAYS, "fraction of the users inside the Rayleigh distance"},
};

static const nisac_input_def inputs[] = {
    {"channels", "K", "M",
     "K true channel vectors h_k of M [re, im] pairs, before the coupling (8) (or a .npy file of shape (K, M))"},
};
static const char *const channel_models[] = {"nearfield", "correlated", "los"};
static const char *const eval_modes[] = {"estimate"};
static const char *const default_metrics[] = {"objective", "sum_rate", "min_rate", "min_sense_sinr_db", "min_pd",
                                              "max_crlb", "power", "max_viol", NULL};

void nisac_rs_params_from(const nisac_params *ps, nisac_rs_params *p)
{
    const double *v = ps->v;
    memset(p, 0, sizeof *p);
    p->M = (int)v[P_M];
    p->Mx = (int)v[P_MX];
    p->My = p->Mx > 0 ? p->M / p->Mx : 0;
    p->K = (int)v[P_K];
    p->G = (int)v[P_G] > 0 ? (int)v[P_G] : (p->K + 1) / 2;
    p->L = (int)v[P_L];
    p->spacing = v[P_SPACING];
    p->fc = v[P_FC] * 1e9;
    p->P_max = v[P_PMAX] * 1e-3;
    p->sigma2 = v[P_SIGMA2] * 1e-3;
    p->sigma_s2 = v[P_SIGMAS2] * 1e-3;
    p->r_min = v[P_RMIN];
    p->r_max = v[P_RMAX];
    p->theta_max = v[P_THETA];
    p->t_rmin = v[P_TRMIN];
    p->t_rmax = v[P_TRMAX];
    p->rcs_min = v[P_RCSMIN];
    p->rcs_max = v[P_RCSMAX];
    p->rho_c = v[P_RHO];
    p->kfactor = v[P_KF];
    p->kappa = v[P_KAPPA];
    p->pn_var = v[P_PN];
    p->irr_db = v[P_IRR];
    p->iq_psi = v[P_PSI];
    p->eps_csi = v[P_EPS];
    p->pfa = v[P_PFA];
    for (int i = 0; i < 4; i++) p->alpha[i] = v[P_A1 + i];
    p->R_min = v[P_RMINRATE];
    p->pd_min = v[P_PDMIN];
    p->crlb_max = v[P_CRLBMAX];
}

static int check(const nisac_params *ps)
{
    nisac_rs_params p;
    nisac_rs_params_from(ps, &p);
    if (p.M % p.Mx) return NISAC_FAIL(NISAC_EINVAL, "field 'Mx': M=%d is not a multiple of Mx=%d", p.M, p.Mx);
    if (p.G > p.K) return NISAC_FAIL(NISAC_EINVAL, "field 'G': %d groups for K=%d users", p.G, p.K);
    if (p.r_min > p.r_max) return NISAC_FAIL(NISAC_EINVAL, "field 'r_min': %g m > r_max %g m", p.r_min, p.r_max);
    if (p.t_rmin > p.t_rmax)
        return NISAC_FAIL(NISAC_EINVAL, "field 'target_r_min': %g m > target_r_max %g m", p.t_rmin, p.t_rmax);
    if (p.rcs_min > p.rcs_max) return NISAC_FAIL(NISAC_EINVAL, "field 'rcs_min': %g > rcs_max %g", p.rcs_min, p.rcs_max);
    double complex k1, k2;
    if (p.irr_db > 0 && nisac_iq_coeffs(p.irr_db, p.iq_psi, &k1, &k2))
        return NISAC_FAIL(NISAC_EINVAL, "field 'irr_db': %g dB cannot be reached with iq_psi_deg %g", p.irr_db,
                          p.iq_psi * 180 / M_PI);
    return NISAC_OK;
}

static void dim_sizes(const nisac_params *ps, int *size)
{
    nisac_rs_params p;
    nisac_rs_params_from(ps, &p);
    size[D_USER] = p.K;
    size[D_GROUP] = p.G;
    size[D_TARGET] = p.L;
    size[D_ITER] = (int)ps->v[P_TRACE];
}

static void instance_free(void *impl)
{
    nisac_rs_instance *ri = impl;
    if (!ri) return;
    free(ri->H);
    free(ri->Hhat);
    free(ri->A);
    free(ri->dA);
    free(ri->beta);
    free(ri->rcs);
    free(ri->pn);
    free(ri->group);
    free(ri->order);
    free(ri->user_r);
    free(ri->user_theta);
    free(ri->target_r);
    free(ri->target_theta);
    free(ri);
}

static double unif(nisac_rng *r, double a, double b) { return a + (b - a) * nisac_rng_uniform(r); }

/* Unit-modulus response of a target (|a_i| = 1: the path loss is in beta)
 * and its derivative in theta, from the exact response (2) and its
 * derivative: d a_i / a_i = r_i' (j 2 pi - 1 / r_i). */
static void target_response(const nisac_upa *u, double r, double th, double ph, double complex *a, double complex *da)
{
    const int M = u->Mx * u->My;
    nisac_upa_response(u, r, th, ph, NISAC_HOLO_EXACT, a);
    nisac_upa_response_dtheta(u, r, th, ph, NISAC_HOLO_EXACT, da);
    for (int i = 0; i < M; i++) {
        const double ri = nisac_upa_distance(u, i, r, th, ph, NISAC_HOLO_EXACT);
        const double complex rp = (da[i] / a[i]) / (2 * M_PI * I - 1 / ri);
        a[i] /= cabs(a[i]);
        da[i] = 2 * M_PI * I * rp * a[i];
    }
}

static int instance_new(const nisac_params *ps, int model, const nisac_inputs *in, uint64_t seed, uint64_t point,
                        uint64_t trial, void **impl)
{
    nisac_rs_params p;
    nisac_rs_params_from(ps, &p);
    p.model = model;
    const int M = p.M, K = p.K, L = p.L;
    const double complex *given = in && in->n > 0 ? in->z[0] : NULL;
    if (given && (in->rows[0] != M || in->cols[0] != K))
        return NISAC_FAIL(NISAC_EINVAL, "field 'channels': %d vectors of %d entries, but K=%d M=%d", in->cols[0],
                          in->rows[0], K, M);
    nisac_rs_instance *ri = calloc(1, sizeof *ri);
    if (!ri) return NISAC_FAIL(NISAC_ENOMEM, "rs instance: out of memory");
    ri->p = p;
    ri->M = M, ri->K = K, ri->G = p.G, ri->L = L;
    ri->upa = (nisac_upa){p.Mx, p.My, p.spacing, p.spacing};
    const size_t MK = (size_t)M * K, ML = (size_t)M * (L > 0 ? L : 1);
    ri->H = malloc(sizeof(double complex) * MK);
    ri->Hhat = malloc(sizeof(double complex) * MK);
    ri->A = calloc(ML, sizeof(double complex));
    ri->dA = calloc(ML, sizeof(double complex));
    ri->beta = calloc((size_t)L + 1, sizeof(double complex));
    ri->rcs = calloc((size_t)L + 1, sizeof(double));
    ri->pn = calloc((size_t)M, sizeof(double));
    ri->group = malloc(sizeof(int) * (size_t)K);
    ri->order = malloc(sizeof(int) * (size_t)K);
    ri->user_r = calloc((size_t)K, sizeof(double));
    ri->user_theta = calloc((size_t)K, sizeof(double));
    ri->target_r = calloc((size_t)L + 1, sizeof(double));
    ri->target_theta = calloc((size_t)L + 1, sizeof(double));
    double complex *tmp = malloc(sizeof(double complex) * (size_t)M);
    if (!ri->H || !ri->Hhat || !ri->A || !ri->dA || !ri->beta || !ri->rcs || !ri->pn || !ri->group || !ri->order ||
        !ri->user_r || !ri->user_theta || !ri->target_r || !ri->target_theta || !tmp) {
        free(tmp);
        instance_free(ri);
        return NISAC_FAIL(NISAC_ENOMEM, "rs instance: out of memory");
    }
    const double lambda = C_LIGHT / p.fc;
    nisac_rng r;
    nisac_rng_init(&r, seed, point, trial, NISAC_PURPOSE_CHANNEL);
    int rc = NISAC_OK;
    /* users: range uniform in [r_min, r_max], polar angle uniform in [0, theta_max], azimuth uniform */
    for (int k = 0; k < K && !rc; k++) {
        const double rk = unif(&r, p.r_min, p.r_max), th = unif(&r, 0, p.theta_max), ph = unif(&r, 0, 2 * M_PI);
        ri->user_r[k] = rk;
        ri->user_theta[k] = th;
        double complex *h = ri->H + (size_t)k * M;
        const double pl = lambda / (4 * M_PI * rk); /* free-space amplitude per element */
        const double los = model == 2 ? 1 : model == 1 ? 0 : sqrt(p.kfactor / (1 + p.kfactor));
        const double nlos = sqrt(1 - los * los);
        if (nlos > 0) {
            rc = nisac_upa_correlated(&ri->upa, p.rho_c, &r, tmp);
            for (int i = 0; i < M; i++) h[i] = nlos * pl * tmp[i];
        } else
            memset(h, 0, sizeof(double complex) * (size_t)M);
        if (los > 0) {
            /* (2): exp(j 2 pi r_i) / (sqrt(M) r_i), r_i in wavelengths; sqrt(M) / (4 pi) makes it the
               free-space amplitude lambda / (4 pi r_i) of every element */
            nisac_upa_response(&ri->upa, rk / lambda, th, ph, NISAC_HOLO_EXACT, tmp);
            for (int i = 0; i < M; i++) h[i] += los * sqrt((double)M) / (4 * M_PI) * tmp[i];
        }
    }
    if (given) memcpy(ri->H, given, sizeof(double complex) * MK);
    /* (8): the coupling is a fixed property of the array; the channels seen through it,
       h_eff = C^H h (C real symmetric), are what the transmitter estimates and the judge uses */
    for (int k = 0; k < K && p.kappa > 0; k++) {
        memcpy(tmp, ri->H + (size_t)k * M, sizeof(double complex) * (size_t)M);
        nisac_coupling_apply(&ri->upa, p.kappa, tmp, ri->H + (size_t)k * M);
    }
    /* targets */
    for (int l = 0; l < L; l++) {
        const double R = unif(&r, p.t_rmin, p.t_rmax), th = unif(&r, 0, p.theta_max), ph = unif(&r, 0, 2 * M_PI);
        ri->target_r[l] = R;
        ri->target_theta[l] = th;
        ri->rcs[l] = unif(&r, p.rcs_min, p.rcs_max);
        ri->beta[l] = nisac_holo_radar_gain(ri->rcs[l], 1, 1, lambda, R);
        target_response(&ri->upa, R / lambda, th, ph, ri->A + (size_t)l * M, ri->dA + (size_t)l * M);
        for (int q = 0; q < 2 && p.kappa > 0; q++) { /* the response and its derivative through C */
            double complex *v = (q ? ri->dA : ri->A) + (size_t)l * M;
            memcpy(tmp, v, sizeof(double complex) * (size_t)M);
            nisac_coupling_apply(&ri->upa, p.kappa, tmp, v);
        }
    }
    /* impairments of this block */
    const double sd = sqrt(p.pn_var);
    for (int m = 0; m < M; m++) ri->pn[m] = sd * nisac_rng_normal(&r);
    ri->K1 = 1, ri->K2 = 0;
    if (!rc && p.irr_db > 0) rc = nisac_iq_coeffs(p.irr_db, p.iq_psi, &ri->K1, &ri->K2);
    /* what the transmitter knows */
    if (!rc) {
        nisac_rng e;
        nisac_rng_init(&e, seed, point, trial, NISAC_PURPOSE_CSI_ERROR);
        if (p.eps_csi > 0) nisac_csi_error_normalised(&e, (int)MK, p.eps_csi, ri->H, ri->Hhat);
        else memcpy(ri->Hhat, ri->H, sizeof(double complex) * MK);
        rc = nisac_rs_group(M, K, p.G, ri->Hhat, ri->group, ri->order);
    }
    free(tmp);
    if (rc) {
        instance_free(ri);
        return rc;
    }
    *impl = ri;
    return NISAC_OK;
}

static int design_alloc(const nisac_instance *inst, nisac_design_t *d)
{
    const nisac_rs_instance *ri = inst->impl;
    int rc = nisac_design_set_block(d, 0, "Wc", ri->M, ri->G, 1);
    if (!rc) rc = nisac_design_set_block(d, 1, "Wp", ri->M, ri->K, 1);
    if (!rc) rc = nisac_design_set_block(d, 2, "ws", ri->M, 1, 1);
    if (!rc) rc = nisac_design_set_block(d, 3, "share", ri->K, 1, 0);
    /* the design's own grouping: group + 1 and decoding position + 1 of each user; zeros: the instance's */
    if (!rc) rc = nisac_design_set_block(d, 4, "layout", ri->K, 2, 0);
    return rc;
}

nisac_rs_layout nisac_rs_instance_layout(const nisac_rs_instance *ri)
{
    return (nisac_rs_layout){ri->M, ri->K, ri->G, ri->group, ri->order};
}

double nisac_rs_objective(const nisac_rs_params *p, int K, const double *rate, int L, const double *gamma,
                          double power)
{
    double s = 0, u = 0;
    for (int k = 0; k < K; k++) s += rate[k];
    for (int l = 0; l < L; l++) u += log2(1 + gamma[l]);
    double f = p->alpha[0] * s + p->alpha[1] * u;
    if (p->alpha[2] > 0) f += p->alpha[2] * nisac_rs_energy_efficiency(K, rate, power);
    if (p->alpha[3] > 0) f += p->alpha[3] * nisac_jain(K, rate);
    return f;
}

/* The transmitted beams through the impairments the transmitter does not know:
 * x_tx = Phi (K1 x + K2 conj(x)), so beam w becomes K1 Phi w and radiates the
 * image K2 Phi conj(w) (an independent signal: pure interference); the users'
 * and the targets' channels already include the coupling (instance_new).
 * B: M x nb; E and X: M x nb. */
static void impaired(const nisac_rs_instance *ri, const double complex *B, int nb, double complex *E, double complex *X)
{
    const int M = ri->M;
    for (int j = 0; j < nb; j++)
        for (int m = 0; m < M; m++) {
            const double complex ph = cexp(I * ri->pn[m]), w = B[(size_t)j * M + m];
            E[(size_t)j * M + m] = ri->K1 * ph * w;
            X[(size_t)j * M + m] = ri->K2 * ph * conj(w);
        }
}

static int evaluate(const nisac_instance *inst, const nisac_design_t *d, const nisac_report *r,
                    const nisac_eval_opts *o, nisac_eval *ev)
{
    (void)o;
    const nisac_rs_instance *ri = inst->impl;
    const nisac_rs_params *p = &ri->p;
    const int M = ri->M, K = ri->K, G = ri->G, L = ri->L, nb = G + K + 1;
    nisac_rs_layout lay = nisac_rs_instance_layout(ri);
    int *own = NULL; /* the design's layout, when it gives one */
    const double *lx = d->blocks[4].x;
    if (lx[0] >= 1) {
        if (!(own = malloc(sizeof(int) * 2 * (size_t)K))) return NISAC_FAIL(NISAC_ENOMEM, "rs judge: out of memory");
        for (int k = 0; k < K; k++) own[k] = (int)lx[k] - 1, own[K + k] = (int)lx[K + k] - 1;
        lay.group = own, lay.order = own + K;
        int rc0 = nisac_rs_layout_check(&lay);
        if (rc0) {
            char why[256];
            snprintf(why, sizeof why, "%s", nisac_last_error());
            free(own);
            return NISAC_FAIL(rc0, "design block 'layout': %s", why);
        }
    }
    /* the design's beams as one M x nb block: common, private, sensing */
    double complex *B = malloc(sizeof(double complex) * (size_t)M * nb * 3);
    double *buf = malloc(sizeof(double) * ((size_t)4 * K + 2 * (size_t)G + 3 * (size_t)(L + 1)));
    if (!B || !buf) {
        free(B), free(buf), free(own);
        return NISAC_FAIL(NISAC_ENOMEM, "rs judge: out of memory");
    }
    double complex *E = B + (size_t)M * nb, *X = E + (size_t)M * nb;
    memcpy(B, d->blocks[0].z, sizeof(double complex) * (size_t)M * G);
    memcpy(B + (size_t)M * G, d->blocks[1].z, sizeof(double complex) * (size_t)M * K);
    memcpy(B + (size_t)M * (G + K), d->blocks[2].z, sizeof(double complex) * (size_t)M);
    const double *share = d->blocks[3].x;
    double ssum = 0;
    for (int k = 0; k < K; k++) ssum += share[k];
    if (!(ssum > 0)) share = NULL; /* no shares given: equal */
    double power = 0, pc = 0;
    for (size_t i = 0; i < (size_t)M * nb; i++) {
        const double a = creal(B[i]) * creal(B[i]) + cimag(B[i]) * cimag(B[i]);
        power += a;
        if (i < (size_t)M * G) pc += a;
    }
    double *cr = buf, *sc = cr + G, *sp = sc + K, *rp = sp + K, *rate = rp + K, *cr2 = rate + K;
    double *gam = cr2 + G, *pd = gam + L + 1, *crlb = pd + L + 1;
    nisac_rs_rates seen = {cr2, sc, sp, rp, rate, 0};
    /* the design's own view: H_hat, no impairments */
    int rc = nisac_rs_rates_eval(&lay, ri->Hhat, B, B + (size_t)M * G, B + (size_t)M * (G + K), NULL, 0, p->sigma2,
                                 share, &seen);
    const double design_sum = seen.sum;
    nisac_rs_rates rt = {cr, sc, sp, rp, rate, 0};
    if (!rc) {
        impaired(ri, B, nb, E, X);
        const int img = cabs(ri->K2) > 0;
        rc = nisac_rs_rates_eval(&lay, ri->H, E, E + (size_t)M * G, E + (size_t)M * (G + K), img ? X : NULL,
                                 img ? nb : 0, p->sigma2, share, &rt);
        /* sensing: every radiated beam, images included (X follows E in memory) */
        if (!rc) rc = nisac_rs_sensing_sinr_all(M, L, ri->A, ri->beta, E, img ? 2 * nb : nb, p->sigma_s2, gam);
        for (int l = 0; l < L && !rc; l++) {
            pd[l] = nisac_rs_pd(p->pfa, gam[l]);
            crlb[l] = nisac_rs_crlb(M, ri->A + (size_t)l * M, ri->dA + (size_t)l * M, gam[l]);
        }
    }
    if (rc) {
        free(B), free(buf), free(own);
        return rc;
    }
    double **v = ev->val;
    double mr = INFINITY, ms = INFINITY, mpd = 1, mc = 0;
    for (int k = 0; k < K; k++) {
        v[M_USER_RATE][k] = rate[k];
        mr = fmin(mr, rate[k]);
    }
    for (int g = 0; g < G; g++) v[M_COMMON][g] = cr[g];
    for (int l = 0; l < L; l++) {
        v[M_SENSE][l] = gam[l];
        v[M_PD][l] = pd[l];
        v[M_CRLB][l] = crlb[l];
        ms = fmin(ms, gam[l]);
        mpd = fmin(mpd, pd[l]);
        mc = fmax(mc, crlb[l]);
    }
    v[M_OBJ][0] = nisac_rs_objective(p, K, rate, L, gam, power);
    v[M_SUM_RATE][0] = rt.sum;
    double util = 0;
    for (int l = 0; l < L; l++) util += log2(1 + gam[l]);
    v[M_SENSE_UTIL][0] = util;
    v[M_DESIGN_SUM][0] = design_sum;
    v[M_MIN_RATE][0] = mr;
    v[M_COMMON_FRAC][0] = power > 0 ? pc / power : NAN;
    v[M_MIN_SENSE][0] = L ? ms : NAN;
    v[M_MIN_PD][0] = L ? mpd : NAN;
    v[M_MAX_CRLB][0] = L ? mc : NAN;
    v[M_EE][0] = nisac_rs_energy_efficiency(K, rate, power);
    v[M_JAIN][0] = nisac_jain(K, rate);
    v[M_POWER][0] = power;
    v[M_ITER][0] = r ? r->iterations : 0;
    v[M_WALL][0] = r ? r->wall : 0;
    int len = 0;
    const double *tr = r ? nisac_report_get(r, "trace", &len) : NULL;
    for (int i = 0; i < ev->len[M_TRACE]; i++) v[M_TRACE][i] = len > 0 ? tr[i < len ? i : len - 1] : NAN;
    const double lambda = C_LIGHT / p->fc;
    const double rayl = nisac_upa_rayleigh(&ri->upa, NULL) * lambda;
    int near = 0;
    for (int k = 0; k < K; k++) near += ri->user_r[k] < rayl;
    v[M_RAYLEIGH][0] = rayl;
    v[M_NEAR][0] = (double)near / K;
    ev->viol[0] = fmax(0, power - p->P_max) / p->P_max;
    ev->viol[1] = p->R_min > 0 ? fmax(0, p->R_min - mr) / p->R_min : 0;
    ev->viol[2] = p->pd_min > 0 && L ? fmax(0, p->pd_min - mpd) / p->pd_min : 0;
    ev->viol[3] = p->crlb_max > 0 && L ? fmax(0, mc - p->crlb_max) / p->crlb_max : 0;
    free(B), free(buf), free(own);
    return NISAC_OK;
}

const nisac_system nisac_system_rs_noma_isac = {
    "rs-noma-isac",
    "paper 004: holographic near-field RS-NOMA ISAC, planar array of M elements, K users in G groups, L targets",
    params, P_COUNT,
    dims, 4,
    metrics, M_COUNT,
    constraints, (int)(sizeof constraints / sizeof constraints[0]),
    inputs, 1,
    channel_models, 3,
    eval_modes, 1,
    default_metrics,
    "rs-wmmse",
    check, dim_sizes, instance_new, instance_free, design_alloc, evaluate,
};

const nisac_rs_instance *nisac_rs_instance_of(const nisac_instance *inst)
{
    return inst && inst->sys == &nisac_system_rs_noma_isac ? inst->impl : NULL;
}
