/* The system `ris-noma-isac` (paper 002): its tables, instances from the
 * geometry or from explicit channels, designs, and the judge
 * (docs/models/ris_noma_isac.md). */
#include "nisac/ris_noma_isac.h"
#include "nisac/linalg.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

enum { P_M, P_N, P_K, P_T, P_COLS, P_L, P_PMAX, P_SIGMA2, P_SIGMAR2, P_GAMMA, P_GAMMAR, P_RCS, P_RCSF, P_PFA, P_C0,
       P_PLBR, P_PLRT, P_PLRU, P_PLBT, P_PLBU, P_RICIAN, P_DBR, P_RISDEG, P_DRU, P_UDEG, P_USPREAD, P_DRT, P_TDEG,
       P_TSPREAD, P_HBS, P_HRIS, P_BP, P_MAP, P_MAPSIZE, P_TRACE, P_COUNT };

#define INT_P(name, def, lo, hi, help) \
    {name, NULL, NISAC_PT_INT, NISAC_PC_NONE, "", def, lo, hi, 0, NULL, 0, NULL, 0, NULL, help}
#define REAL_P(name, conv, unit, def, lo, hi, flags, help) \
    {name, NULL, NISAC_PT_REAL, conv, unit, def, lo, hi, flags, NULL, 0, NULL, 0, NULL, help}

static const nisac_param_def params[P_COUNT] = {
    INT_P("M", 6, 1, 1024, "DFBS transmit/receive antennas (ULA, half-wavelength)"),
    INT_P("N", 64, 1, 4096, "RIS reflecting elements"),
    INT_P("K", 3, 1, NISAC_RIS_MAX_K, "single-antenna users"),
    INT_P("T", 2, 0, NISAC_RIS_MAX_T, "targets (one sensed per time slot)"),
    INT_P("ris_cols", 8, 1, 4096, "RIS elements per row (UPA); >= N: a horizontal ULA"),
    INT_P("L", 1024, 1, 1 << 24, "echo samples per slot (matched-filter length)"),
    REAL_P("P_max_dbm", NISAC_PC_DB, "dBm", 40, -50, 80, 0, "DFBS power budget (27e)"),
    REAL_P("sigma2_dbm", NISAC_PC_DB, "dBm", -80, -200, 50, 0, "noise power at each user"),
    REAL_P("sigma_r2_dbm", NISAC_PC_DB, "dBm", -80, -200, 50, 0, "noise power at the radar receiver"),
    {"gamma_db", NULL, NISAC_PT_REAL, NISAC_PC_DB, "dB", 5, -100, 100, 0, NULL, 0, NULL, 0, NULL,
     "minimum SINR of every user (27c)"},
    {"Gamma_db", NULL, NISAC_PT_REAL, NISAC_PC_DB, "dB", 5, -100, 200, 0, NULL, 0, NULL, 0, NULL,
     "radar SNR threshold of every target (27b), on the bound (26)"},
    REAL_P("rcs", NISAC_PC_NONE, "", 1, 0, 1e6, NISAC_PF_OPEN_LO, "E|alpha_t|^2, the mean-square reflection coefficient"),
    REAL_P("rcs_fluct", NISAC_PC_NONE, "", 0, 0, 0.999, 0,
           "Var(alpha_t) / E|alpha_t|^2: 0 a non-fluctuating target ((26) exact)"),
    REAL_P("pfa", NISAC_PC_NONE, "", 1e-4, 0, 0.5, NISAC_PF_OPEN_LO, "false-alarm probability of the detector (23)"),
    REAL_P("c0_db", NISAC_PC_DB, "dB", -30, -200, 0, 0, "path gain at the reference distance 1 m"),
    REAL_P("pl_br", NISAC_PC_NONE, "", 2.2, 1, 6, 0, "path-loss exponent DFBS-RIS"),
    REAL_P("pl_rt", NISAC_PC_NONE, "", 2.2, 1, 6, 0, "path-loss exponent RIS-target"),
    REAL_P("pl_ru", NISAC_PC_NONE, "", 2.2, 1, 6, 0, "path-loss exponent RIS-user"),
    REAL_P("pl_bt", NISAC_PC_NONE, "", 2.8, 1, 6, 0, "path-loss exponent DFBS-target"),
    REAL_P("pl_bu", NISAC_PC_NONE, "", 3.5, 1, 6, 0, "path-loss exponent DFBS-user"),
    REAL_P("rician_db", NISAC_PC_DB, "dB", 3, -100, 100, 0, "Rician factor of the DFBS-RIS, DFBS-user and RIS-user links"),
    REAL_P("d_br", NISAC_PC_NONE, "m", 50, 0, 1e5, NISAC_PF_OPEN_LO, "horizontal distance DFBS-RIS"),
    REAL_P("ris_deg", NISAC_PC_DEG, "deg", 30, -90, 90, 0, "azimuth of the RIS seen from the DFBS (0: broadside)"),
    REAL_P("d_ru", NISAC_PC_NONE, "m", 8, 0, 1e5, NISAC_PF_OPEN_LO, "horizontal distance RIS-user"),
    REAL_P("user_deg", NISAC_PC_DEG, "deg", -90, -360, 360, 0, "azimuth of the users' arc seen from the RIS"),
    REAL_P("user_spread_deg", NISAC_PC_DEG, "deg", 60, 0, 360, 0, "width of the users' arc"),
    REAL_P("d_rt", NISAC_PC_NONE, "m", 5, 0, 1e5, NISAC_PF_OPEN_LO, "horizontal distance RIS-target"),
    REAL_P("target_deg", NISAC_PC_DEG, "deg", 90, -360, 360, 0, "azimuth of the targets' arc seen from the RIS"),
    REAL_P("target_spread_deg", NISAC_PC_DEG, "deg", 60, 0, 360, 0, "width of the targets' arc"),
    REAL_P("h_bs", NISAC_PC_NONE, "m", 0, 0, 1e4, 0, "DFBS height (users and targets at 0)"),
    REAL_P("h_ris", NISAC_PC_NONE, "m", 0, 0, 1e4, 0, "RIS height"),
    INT_P("bp_points", 0, 0, 100000, "points of the DFBS angular beampattern metric over [-90, 90] deg (0: none)"),
    INT_P("map_points", 0, 0, 1000, "points per side of the 2D beampattern map (69) (0: none)"),
    REAL_P("map_size", NISAC_PC_NONE, "m", 80, 0, 1e5, NISAC_PF_OPEN_LO,
           "side of the square map, centred half-way between DFBS and RIS"),
    INT_P("trace_points", 0, 0, 10000, "outer iterations of the objective trace metric (0: none)"),
};

static const char *const dims[] = {"user", "target", "angle", "pixel", "iteration", "node"};
enum { D_USER, D_TARGET, D_ANGLE, D_PIXEL, D_ITER, D_NODE };

static const nisac_constraint_def constraints[] = {
    {"radar_snr", "(27b)", "radar SNR bound (26) >= Gamma at every target"},
    {"sinr", "(27c)", "SINR >= gamma at every decoder of every message (14)"},
    {"unit_modulus", "(27d)", "|phi_n| = 1"},
    {"power", "(27e)", "||W||_F^2 <= P_max (OMA: in every time share)"},
    {"filter", "(27f)", "||u_t|| = 1"},
    {"gain_order", "(27g)/(3)", "aggregated channel gains ordered as the decoding order"},
    {"sic_power", "(27g)/(43)", "SIC power order at every user"},
};

enum { M_SUM_RATE, M_USER_RATE, M_USER_SINR, M_MIN_SINR, M_SENSE_SINR, M_GAIN, M_ORDER, M_SNR, M_SNR_LB, M_MIN_SNR,
       M_PD, M_MIN_PD, M_POWER, M_SENSE_POWER, M_MAX_VIOL, M_UNIT, M_ITER, M_SOLVES, M_WALL, M_REJECTED, M_BP_ANGLE,
       M_BP, M_MAP_X, M_MAP_Y, M_MAP, M_TRACE, M_NODE_X, M_NODE_Y, M_COUNT };

#define DA (NISAC_MF_DESIGN | NISAC_MF_ALWAYS)
static const nisac_metric_def metrics[M_COUNT] = {
    {"sum_rate", "bit/s/Hz", -1, NISAC_PC_NONE, 0, "sum of the user rates (15) (OMA: time-shared)"},
    {"user_rate", "bit/s/Hz", D_USER, NISAC_PC_NONE, 0, "rate of each user (15)"},
    {"user_sinr_db", "dB", D_USER, NISAC_PC_DB, 0, "SINR of each user's message: the minimum over its decoders (14)"},
    {"min_sinr_db", "dB", -1, NISAC_PC_DB, 0, "minimum user SINR"},
    {"sense_sinr_db", "dB", D_USER, NISAC_PC_DB, 0, "SINR of the sensing signal at each user (10)"},
    {"user_gain_db", "dB", D_USER, NISAC_PC_DB, 0, "aggregated channel gain ||h_k(phi)||^2 (3)"},
    {"user_order", "", D_USER, NISAC_PC_NONE, NISAC_MF_DESIGN, "user (from 1) at each decoding position, weakest first"},
    {"radar_snr_db", "dB", D_TARGET, NISAC_PC_DB, 0, "radar SNR (24) of each target"},
    {"radar_snr_lb_db", "dB", D_TARGET, NISAC_PC_DB, 0, "its Jensen lower bound (26), the constrained quantity"},
    {"min_radar_snr_db", "dB", -1, NISAC_PC_DB, 0, "smallest radar SNR bound (26)"},
    {"pd", "", D_TARGET, NISAC_PC_NONE, 0, "detection probability Q1(sqrt(2 SNR), sqrt(-2 ln pfa))"},
    {"min_pd", "", -1, NISAC_PC_NONE, 0, "smallest detection probability"},
    {"power", "W", -1, NISAC_PC_NONE, 0, "transmit power ||W||_F^2 (OMA: the largest share)"},
    {"sense_power", "W", -1, NISAC_PC_NONE, 0, "sensing beam power ||w_0||^2"},
    {"max_viol", "", -1, NISAC_PC_NONE, 0, "largest relative violation of an imposed constraint"},
    {"unit_modulus_err", "", -1, NISAC_PC_NONE, 0, "max_n ||phi_n| - 1|"},
    {"iterations", "", -1, NISAC_PC_NONE, DA, "outer (AO) iterations"},
    {"solves", "", -1, NISAC_PC_NONE, DA, "conic solves"},
    {"wall", "s", -1, NISAC_PC_NONE, DA, "seconds of the design (varies run to run)"},
    {"rejected", "", -1, NISAC_PC_NONE, DA, "AO steps rejected by the monotonicity safeguard"},
    {"bp_angle_deg", "deg", D_ANGLE, NISAC_PC_NONE, NISAC_MF_ALWAYS, "angle of each beampattern point"},
    {"beampattern_db", "dB", D_ANGLE, NISAC_PC_DB, NISAC_MF_DESIGN,
     "DFBS transmit beampattern sum_i |a(theta)^T w_i|^2 (W, no path loss)"},
    {"map_x", "m", D_PIXEL, NISAC_PC_NONE, NISAC_MF_ALWAYS, "x of each map point"},
    {"map_y", "m", D_PIXEL, NISAC_PC_NONE, NISAC_MF_ALWAYS, "y of each map point"},
    {"map_dbm", "dBm", D_PIXEL, NISAC_PC_DB, NISAC_MF_DESIGN, "beampattern gain (69) at each map point (mW)"},
    {"trace_sum_rate", "bit/s/Hz", D_ITER, NISAC_PC_NONE, DA,
     "sum rate after each outer iteration (the last value repeated after convergence)"},
    {"node_x", "m", D_NODE, NISAC_PC_NONE, NISAC_MF_ALWAYS, "x of the DFBS, the RIS, the users, the targets (with the map)"},
    {"node_y", "m", D_NODE, NISAC_PC_NONE, NISAC_MF_ALWAYS, "y of the same nodes"},
};

static const nisac_input_def inputs[] = {
    {"direct", "K", "M", "K vectors h_{d,k} (DFBS-user) of M [re, im] pairs"},
    {"ris_user", "K", "N", "K vectors h_{r,k} (RIS-user) of N pairs"},
    {"G", "M", "N", "DFBS-RIS matrix G (N x M) as M columns of N pairs"},
    {"target_direct", "T", "M", "T vectors h_{b,t} (DFBS-target) of M pairs"},
    {"target_ris", "T", "N", "T vectors h_{t,t} (RIS-target) of N pairs"},
};
static const char *const channel_models[] = {"rician"};
static const char *const eval_modes[] = {"estimate"};
static const char *const default_metrics[] = {"sum_rate", "min_sinr_db", "min_radar_snr_db", "min_pd", "power",
                                              "max_viol", NULL};

void nisac_ris_params_from(const nisac_params *ps, nisac_ris_params *p)
{
    nisac_ris_params_default(p);
    const double *v = ps->v;
    p->M = (int)v[P_M];
    p->N = (int)v[P_N];
    p->K = (int)v[P_K];
    p->T = (int)v[P_T];
    p->ris_cols = (int)v[P_COLS];
    p->L = (int)v[P_L];
    p->P_max = v[P_PMAX] * 1e-3;
    p->sigma2 = v[P_SIGMA2] * 1e-3;
    p->sigma_r2 = v[P_SIGMAR2] * 1e-3;
    p->gamma = v[P_GAMMA];
    p->Gamma = v[P_GAMMAR];
    p->rcs = v[P_RCS];
    p->rcs_fluct = v[P_RCSF];
    p->pfa = v[P_PFA];
    p->c0 = v[P_C0];
    p->pl_br = v[P_PLBR];
    p->pl_rt = v[P_PLRT];
    p->pl_ru = v[P_PLRU];
    p->pl_bt = v[P_PLBT];
    p->pl_bu = v[P_PLBU];
    p->rician = v[P_RICIAN];
    p->d_br = v[P_DBR];
    p->ris_deg = v[P_RISDEG];
    p->d_ru = v[P_DRU];
    p->user_deg = v[P_UDEG];
    p->user_spread = v[P_USPREAD];
    p->d_rt = v[P_DRT];
    p->target_deg = v[P_TDEG];
    p->target_spread = v[P_TSPREAD];
    p->h_bs = v[P_HBS];
    p->h_ris = v[P_HRIS];
    p->bp_points = (int)v[P_BP];
    p->map_points = (int)v[P_MAP];
    p->map_size = v[P_MAPSIZE];
}

static int check(const nisac_params *ps)
{
    nisac_ris_params p;
    nisac_ris_params_from(ps, &p);
    return nisac_ris_params_check(&p);
}

static void dim_sizes(const nisac_params *ps, int *size)
{
    size[D_USER] = (int)ps->v[P_K];
    size[D_TARGET] = (int)ps->v[P_T];
    size[D_ANGLE] = (int)ps->v[P_BP];
    size[D_PIXEL] = (int)ps->v[P_MAP] * (int)ps->v[P_MAP];
    size[D_ITER] = (int)ps->v[P_TRACE];
    size[D_NODE] = ps->v[P_MAP] > 0 ? 2 + (int)ps->v[P_K] + (int)ps->v[P_T] : 0;
}

static int instance_new(const nisac_params *ps, int model, const nisac_inputs *in, uint64_t seed, uint64_t point,
                        uint64_t trial, void **impl)
{
    (void)model;
    nisac_ris_params p;
    nisac_ris_params_from(ps, &p);
    int given = 0;
    for (int i = 0; in && i < in->n; i++) given |= in->z[i] != NULL;
    if (given) {
        const int want_rows[] = {p.M, p.N, p.N, p.M, p.N}, want_cols[] = {p.K, p.K, p.M, p.T, p.T};
        for (int i = 0; i < in->n && i < 5; i++)
            if (in->z[i] && (in->rows[i] != want_rows[i] || in->cols[i] != want_cols[i]))
                return NISAC_FAIL(NISAC_EINVAL, "field '%s': %d vectors of %d entries, but %s=%d %s=%d", inputs[i].name,
                                  in->cols[i], in->rows[i], inputs[i].outer, want_cols[i], inputs[i].inner,
                                  want_rows[i]);
        return nisac_ris_instance_new(&p, in->z[0], in->z[1], in->z[2], in->n > 3 ? in->z[3] : NULL,
                                      in->n > 4 ? in->z[4] : NULL, (nisac_ris_instance **)impl);
    }
    nisac_rng r;
    nisac_rng_init(&r, seed, point, trial, NISAC_PURPOSE_CHANNEL);
    return nisac_ris_instance_draw(&p, &r, (nisac_ris_instance **)impl);
}

static void instance_free(void *impl) { nisac_ris_instance_free(impl); }

static int design_alloc(const nisac_instance *inst, nisac_design_t *d)
{
    const nisac_ris_instance *ri = inst->impl;
    const nisac_ris_params *p = &ri->p;
    int rc = nisac_design_set_block(d, 0, "W", p->M, p->K + 1, 1);
    if (!rc) rc = nisac_design_set_block(d, 1, "phi", p->N, 1, 1);
    if (!rc) rc = nisac_design_set_block(d, 2, "U", p->M * (p->K + 1), p->T > 0 ? p->T : 1, 1);
    if (!rc) rc = nisac_design_set_block(d, 3, "order", p->K, 1, 0);
    if (!rc) rc = nisac_design_set_block(d, 4, "ris_off", 1, 1, 0);
    return rc;
}

static int evaluate(const nisac_instance *inst, const nisac_design_t *d, const nisac_report *r,
                    const nisac_eval_opts *o, nisac_eval *ev)
{
    (void)o;
    const nisac_ris_instance *ri = inst->impl;
    const nisac_ris_params *p = &ri->p;
    const int K = p->K, T = p->T;
    const double complex *W = d->blocks[0].z, *phi = d->blocks[1].z, *U = d->blocks[2].z;
    const double *ord = d->blocks[3].x;
    const int ris_off = d->blocks[4].x[0] != 0;
    int order[NISAC_RIS_MAX_K], have_order = ord[0] >= 1;
    for (int k = 0; k < K && have_order; k++) {
        order[k] = (int)ord[k] - 1;
        if (order[k] < 0 || order[k] >= K) have_order = 0;
    }
    nisac_ris_eval re;
    int rc = nisac_ris_evaluate(ri, W, ris_off ? NULL : phi, U, have_order ? order : NULL, d->scheme, &re);
    if (rc) return rc;
    double **v = ev->val;
    v[M_SUM_RATE][0] = re.sum_rate;
    v[M_MIN_SINR][0] = re.min_sinr;
    for (int k = 0; k < K; k++) {
        v[M_USER_RATE][k] = re.rate[k];
        v[M_USER_SINR][k] = re.sinr[k];
        v[M_SENSE_SINR][k] = re.sense_sinr[k];
        v[M_GAIN][k] = re.gain[k];
        v[M_ORDER][k] = re.order[k] + 1;
    }
    double mn = INFINITY, mpd = 1;
    for (int t = 0; t < T; t++) {
        v[M_SNR][t] = re.snr[t];
        v[M_SNR_LB][t] = re.snr_lb[t];
        v[M_PD][t] = re.pd[t];
        mn = fmin(mn, re.snr_lb[t]);
        mpd = fmin(mpd, re.pd[t]);
    }
    v[M_MIN_SNR][0] = T ? mn : NAN;
    v[M_MIN_PD][0] = T ? mpd : NAN;
    v[M_POWER][0] = re.power;
    v[M_SENSE_POWER][0] = re.sense_power;
    v[M_UNIT][0] = ris_off ? NAN : re.viol[2];
    v[M_ITER][0] = r ? r->iterations : 0;
    v[M_SOLVES][0] = r ? r->solves : 0;
    v[M_WALL][0] = r ? r->wall : 0;
    v[M_REJECTED][0] = nisac_report_get1(r, "rejected", 0);
    /* DFBS angular beampattern over [-90, 90] deg */
    const int B = p->bp_points;
    for (int b = 0; b < B; b++) {
        const double th = B > 1 ? -M_PI / 2 + M_PI * b / (B - 1) : 0;
        v[M_BP_ANGLE][b] = th * 180 / M_PI;
        v[M_BP][b] = nisac_ris_dfbs_pattern(ri, W, th);
    }
    const int Q = p->map_points;
    const double cx = (ri->bs[0] + ri->ris[0]) / 2, cy = (ri->bs[1] + ri->ris[1]) / 2, h = p->map_size;
    for (int iy = 0; iy < Q; iy++)
        for (int ix = 0; ix < Q; ix++) {
            double pos[3] = {cx - h / 2 + (Q > 1 ? h * ix / (Q - 1) : h / 2), cy - h / 2 + (Q > 1 ? h * iy / (Q - 1) : h / 2),
                             0};
            size_t i = (size_t)iy * Q + ix;
            v[M_MAP_X][i] = pos[0];
            v[M_MAP_Y][i] = pos[1];
            v[M_MAP][i] = ri->geometric ? nisac_ris_beampattern(ri, W, ris_off ? NULL : phi, pos) * 1e3 : NAN;
        }
    for (int i = 0; i < ev->len[M_NODE_X]; i++) {
        const double *pos = i == 0 ? ri->bs : i == 1 ? ri->ris : i < 2 + K ? ri->user[i - 2] : ri->target[i - 2 - K];
        v[M_NODE_X][i] = ri->geometric ? pos[0] : NAN;
        v[M_NODE_Y][i] = ri->geometric ? pos[1] : NAN;
    }
    int len = 0;
    const double *tr = r ? nisac_report_get(r, "trace", &len) : NULL;
    for (int i = 0; i < ev->len[M_TRACE]; i++)
        v[M_TRACE][i] = len > 0 ? tr[i < len ? i : len - 1] : NAN;
    for (int c = 0; c < 7; c++) ev->viol[c] = re.viol[c];
    return NISAC_OK;
}

const nisac_system nisac_system_ris_noma_isac = {
    "ris-noma-isac",
    "paper 002: RIS-empowered NOMA-ISAC, DFBS with M antennas, RIS of N elements, K users, T targets",
    params, P_COUNT,
    dims, 6,
    metrics, M_COUNT,
    constraints, (int)(sizeof constraints / sizeof constraints[0]),
    inputs, (int)(sizeof inputs / sizeof inputs[0]),
    channel_models, 1,
    eval_modes, 1,
    default_metrics,
    "ris-ao",
    check, dim_sizes, instance_new, instance_free, design_alloc, evaluate,
};

const nisac_ris_instance *nisac_ris_instance_of(const nisac_instance *inst)
{
    return inst && inst->sys == &nisac_system_ris_noma_isac ? inst->impl : NULL;
}
