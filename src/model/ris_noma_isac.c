/* The RIS-empowered NOMA-ISAC model of paper 002: geometry, channels, and
 * the evaluation of a design (docs/models/ris_noma_isac.md). */
#include "nisac/ris_noma_isac.h"
#include "nisac/linalg.h"
#include "nisac/units.h"

#include <gsl/gsl_errno.h>
#include <gsl/gsl_sf_bessel.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

void nisac_ris_params_default(nisac_ris_params *p)
{
    memset(p, 0, sizeof *p);
    p->M = 6;
    p->N = 64;
    p->K = 3;
    p->T = 2;
    p->ris_cols = 8;
    p->L = 1024;
    p->P_max = nisac_undb(40) * 1e-3;
    p->sigma2 = nisac_undb(-80) * 1e-3;
    p->sigma_r2 = nisac_undb(-80) * 1e-3;
    p->gamma = nisac_undb(5);
    p->Gamma = nisac_undb(5);
    p->rcs = 1;
    p->rcs_fluct = 0;
    p->pfa = 1e-4;
    p->c0 = nisac_undb(-30);
    p->pl_br = 2.2;
    p->pl_rt = 2.2;
    p->pl_ru = 2.2;
    p->pl_bt = 2.8;
    p->pl_bu = 3.5;
    p->rician = nisac_undb(3);
    p->d_br = 50;
    p->ris_deg = 30 * M_PI / 180;
    p->d_ru = 8;
    p->user_deg = -90 * M_PI / 180;
    p->user_spread = 60 * M_PI / 180;
    p->d_rt = 5;
    p->target_deg = 90 * M_PI / 180;
    p->target_spread = 60 * M_PI / 180;
    p->h_bs = 0;
    p->h_ris = 0;
    p->map_size = 80;
}

int nisac_ris_params_check(const nisac_ris_params *p)
{
    if (p->M < 1 || p->M > 1024) return NISAC_FAIL(NISAC_EINVAL, "field 'M': expected 1..1024 antennas, got %d", p->M);
    if (p->N < 1 || p->N > 4096) return NISAC_FAIL(NISAC_EINVAL, "field 'N': expected 1..4096 elements, got %d", p->N);
    if (p->K < 1 || p->K > NISAC_RIS_MAX_K)
        return NISAC_FAIL(NISAC_EINVAL, "field 'K': expected 1..%d users, got %d", NISAC_RIS_MAX_K, p->K);
    if (p->T < 0 || p->T > NISAC_RIS_MAX_T)
        return NISAC_FAIL(NISAC_EINVAL, "field 'T': expected 0..%d targets, got %d", NISAC_RIS_MAX_T, p->T);
    if (p->L < 1) return NISAC_FAIL(NISAC_EINVAL, "field 'L': expected >= 1 samples, got %d", p->L);
    if (p->ris_cols < 1) return NISAC_FAIL(NISAC_EINVAL, "field 'ris_cols': expected >= 1, got %d", p->ris_cols);
    if (!(p->rcs_fluct >= 0 && p->rcs_fluct < 1))
        return NISAC_FAIL(NISAC_EINVAL, "field 'rcs_fluct': expected 0 <= Var/E|alpha|^2 < 1, got %g", p->rcs_fluct);
    if (!(p->pfa > 0 && p->pfa < 1)) return NISAC_FAIL(NISAC_EINVAL, "field 'pfa': expected 0 < pfa < 1, got %g", p->pfa);
    const double pos[] = {p->P_max, p->sigma2, p->sigma_r2, p->rcs, p->c0};
    const char *names[] = {"P_max_dbm", "sigma2_dbm", "sigma_r2_dbm", "rcs", "c0_db"};
    for (int i = 0; i < 5; i++)
        if (!(pos[i] > 0 && isfinite(pos[i])))
            return NISAC_FAIL(NISAC_EINVAL, "field '%s': expected a finite value > 0 (linear), got %g", names[i], pos[i]);
    return NISAC_OK;
}

/* ---- geometry ---- */

static void unit_dir(const double *from, const double *to, double *u, double *dist)
{
    double d[3] = {to[0] - from[0], to[1] - from[1], to[2] - from[2]};
    double n = sqrt(d[0] * d[0] + d[1] * d[1] + d[2] * d[2]);
    if (n < 1e-9) n = 1e-9;
    for (int i = 0; i < 3; i++) u[i] = d[i] / n;
    *dist = n;
}

/* DFBS: ULA along y, half-wavelength: a_m(u) = exp(j pi m u_y). */
static void dfbs_response(int M, const double *u, double complex *a)
{
    for (int m = 0; m < M; m++) a[m] = cexp(I * M_PI * m * u[1]);
}

/* RIS: UPA in the vertical plane through the RIS facing the DFBS; element
 * n in column n % cols (horizontal axis eh) and row n / cols (z). */
static void ris_response(const nisac_ris_params *p, const double *eh, const double *u, double complex *a)
{
    const int cols = p->ris_cols;
    double uh = u[0] * eh[0] + u[1] * eh[1] + u[2] * eh[2];
    for (int n = 0; n < p->N; n++) a[n] = cexp(I * M_PI * ((n % cols) * uh + (n / cols) * u[2]));
}

static void place_arc(const double *centre, double r, double mid, double spread, int n, double (*pos)[3])
{
    for (int i = 0; i < n; i++) {
        double th = n > 1 ? mid - spread / 2 + spread * i / (n - 1) : mid;
        pos[i][0] = centre[0] + r * cos(th);
        pos[i][1] = centre[1] + r * sin(th);
        pos[i][2] = 0;
    }
}

static void ris_axis(const nisac_ris_instance *in, double *eh)
{
    double dx = in->ris[0] - in->bs[0], dy = in->ris[1] - in->bs[1];
    double n = hypot(dx, dy);
    if (n < 1e-9) {
        eh[0] = 0, eh[1] = 1, eh[2] = 0;
        return;
    }
    eh[0] = -dy / n, eh[1] = dx / n, eh[2] = 0;
}

static int alloc_channels(const nisac_ris_params *p, nisac_ris_instance **out)
{
    nisac_ris_instance *in = calloc(1, sizeof *in);
    if (!in) return NISAC_FAIL(NISAC_ENOMEM, "instance: out of memory");
    in->p = *p;
    size_t M = (size_t)p->M, N = (size_t)p->N, K = (size_t)p->K, T = (size_t)p->T;
    in->hd = calloc(M * K, sizeof(double complex));
    in->hr = calloc(N * K, sizeof(double complex));
    in->G = calloc(N * M, sizeof(double complex));
    in->hb = calloc(M * (T ? T : 1), sizeof(double complex));
    in->ht = calloc(N * (T ? T : 1), sizeof(double complex));
    if (!in->hd || !in->hr || !in->G || !in->hb || !in->ht) {
        nisac_ris_instance_free(in);
        return NISAC_FAIL(NISAC_ENOMEM, "instance: out of memory");
    }
    *out = in;
    return NISAC_OK;
}

int nisac_ris_instance_new(const nisac_ris_params *p, const double complex *hd, const double complex *hr,
                           const double complex *G, const double complex *hb, const double complex *ht,
                           nisac_ris_instance **out)
{
    int rc = nisac_ris_params_check(p);
    if (rc) return rc;
    nisac_ris_instance *in;
    if ((rc = alloc_channels(p, &in))) return rc;
    size_t M = (size_t)p->M, N = (size_t)p->N, K = (size_t)p->K, T = (size_t)p->T;
    if (hd) memcpy(in->hd, hd, sizeof(double complex) * M * K);
    if (hr) memcpy(in->hr, hr, sizeof(double complex) * N * K);
    if (G) memcpy(in->G, G, sizeof(double complex) * N * M);
    if (hb && T) memcpy(in->hb, hb, sizeof(double complex) * M * T);
    if (ht && T) memcpy(in->ht, ht, sizeof(double complex) * N * T);
    *out = in;
    return NISAC_OK;
}

/* h with h^H x the received signal: h = sqrt(pl) conj(sqrt(k/(1+k)) a + sqrt(1/(1+k)) z), z ~ CN(0, I). */
static void rician(nisac_rng *rng, int n, const double complex *a, double pl, double kappa, int los_only,
                   double complex *h)
{
    double sl = los_only ? 1 : sqrt(kappa / (1 + kappa)), sn = los_only ? 0 : sqrt(1 / (1 + kappa));
    for (int i = 0; i < n; i++) {
        double complex z = los_only ? 0 : nisac_rng_cn(rng);
        h[i] = sqrt(pl) * conj(sl * a[i] + sn * z);
    }
}

int nisac_ris_instance_draw(const nisac_ris_params *p, nisac_rng *rng, nisac_ris_instance **out)
{
    int rc = nisac_ris_params_check(p);
    if (rc) return rc;
    nisac_ris_instance *in;
    if ((rc = alloc_channels(p, &in))) return rc;
    const int M = p->M, N = p->N, K = p->K, T = p->T;
    in->geometric = 1;
    in->bs[0] = 0, in->bs[1] = 0, in->bs[2] = p->h_bs;
    in->ris[0] = p->d_br * cos(p->ris_deg), in->ris[1] = p->d_br * sin(p->ris_deg), in->ris[2] = p->h_ris;
    place_arc(in->ris, p->d_ru, p->user_deg, p->user_spread, K, in->user);
    place_arc(in->ris, p->d_rt, p->target_deg, p->target_spread, T, in->target);
    double eh[3];
    ris_axis(in, eh);
    double complex *aB = malloc(sizeof(double complex) * (size_t)M), *aR = malloc(sizeof(double complex) * (size_t)N);
    if (!aB || !aR) {
        free(aB), free(aR);
        nisac_ris_instance_free(in);
        return NISAC_FAIL(NISAC_ENOMEM, "instance: out of memory");
    }
    double u[3], d;
    /* G = sqrt(pl) (sqrt(k/(1+k)) aR(u_RB) aB(u_BR)^T + sqrt(1/(1+k)) Z) */
    unit_dir(in->bs, in->ris, u, &d);
    dfbs_response(M, u, aB);
    double pl = p->c0 * pow(d, -p->pl_br);
    double vr[3] = {-u[0], -u[1], -u[2]};
    ris_response(p, eh, vr, aR);
    double sl = sqrt(p->rician / (1 + p->rician)), sn = sqrt(1 / (1 + p->rician));
    for (int m = 0; m < M; m++)
        for (int n = 0; n < N; n++)
            in->G[(size_t)m * N + n] = sqrt(pl) * (sl * aR[n] * aB[m] + sn * nisac_rng_cn(rng));
    for (int k = 0; k < K; k++) {
        unit_dir(in->bs, in->user[k], u, &d);
        dfbs_response(M, u, aB);
        rician(rng, M, aB, p->c0 * pow(d, -p->pl_bu), p->rician, 0, in->hd + (size_t)k * M);
        unit_dir(in->ris, in->user[k], u, &d);
        ris_response(p, eh, u, aR);
        rician(rng, N, aR, p->c0 * pow(d, -p->pl_ru), p->rician, 0, in->hr + (size_t)k * N);
    }
    for (int t = 0; t < T; t++) {
        unit_dir(in->bs, in->target[t], u, &d);
        dfbs_response(M, u, aB);
        rician(rng, M, aB, p->c0 * pow(d, -p->pl_bt), 0, 1, in->hb + (size_t)t * M);
        unit_dir(in->ris, in->target[t], u, &d);
        ris_response(p, eh, u, aR);
        rician(rng, N, aR, p->c0 * pow(d, -p->pl_rt), 0, 1, in->ht + (size_t)t * N);
    }
    free(aB);
    free(aR);
    *out = in;
    return NISAC_OK;
}

void nisac_ris_instance_free(nisac_ris_instance *in)
{
    if (!in) return;
    free(in->hd);
    free(in->hr);
    free(in->G);
    free(in->hb);
    free(in->ht);
    free(in);
}

/* out[m] = conj(h0[m]) + sum_n conj(h1[n]) phi_n G[n][m] */
static void effective_row(const nisac_ris_instance *in, const double complex *h0, const double complex *h1,
                          const double complex *phi, double complex *out)
{
    const int M = in->p.M, N = in->p.N;
    for (int m = 0; m < M; m++) {
        double complex s = conj(h0[m]);
        if (phi) {
            const double complex *Gm = in->G + (size_t)m * N;
            for (int n = 0; n < N; n++) s += conj(h1[n]) * phi[n] * Gm[n];
        }
        out[m] = s;
    }
}

void nisac_ris_effective(const nisac_ris_instance *in, const double complex *phi, double complex *g, double complex *c)
{
    const int M = in->p.M, N = in->p.N;
    if (g)
        for (int k = 0; k < in->p.K; k++)
            effective_row(in, in->hd + (size_t)k * M, in->hr + (size_t)k * N, phi, g + (size_t)k * M);
    if (c)
        for (int t = 0; t < in->p.T; t++)
            effective_row(in, in->hb + (size_t)t * M, in->ht + (size_t)t * N, phi, c + (size_t)t * M);
}

int nisac_ris_filter(int n, const double complex *a, const double complex *R, double complex *u, double *qmax)
{
    if (n < 1) return NISAC_FAIL(NISAC_EINVAL, "filter: n = %d", n);
    if (R) {
        double complex *A = malloc(sizeof(double complex) * (size_t)n * (size_t)n);
        if (!A) return NISAC_FAIL(NISAC_ENOMEM, "filter: out of memory");
        memcpy(A, R, sizeof(double complex) * (size_t)n * (size_t)n);
        memcpy(u, a, sizeof(double complex) * (size_t)n);
        int rc = nisac_csolve(n, 1, A, n, u, n);
        free(A);
        if (rc) return rc;
    } else {
        memcpy(u, a, sizeof(double complex) * (size_t)n);
    }
    double q = creal(nisac_cdot(n, a, u)); /* a^H R^{-1} a */
    double nu = sqrt(nisac_cnorm2(n, u));
    if (!(nu > 0)) {
        for (int i = 0; i < n; i++) u[i] = i == 0;
        if (qmax) *qmax = 0;
        return NISAC_OK;
    }
    for (int i = 0; i < n; i++) u[i] /= nu;
    if (qmax) *qmax = q;
    return NISAC_OK;
}

double nisac_marcum_q1(double a, double b)
{
    if (!(a >= 0) || !(b >= 0)) return NAN;
    if (b == 0) return 1;
    if (a == 0) return exp(-b * b / 2);
    const double x = a * b, e = exp(-(a - b) * (a - b) / 2);
    gsl_error_handler_t *old = gsl_set_error_handler_off();
    double q;
    if (a == b) {
        gsl_sf_result r;
        q = gsl_sf_bessel_I0_scaled_e(x, &r) ? NAN : (1 + r.val) / 2;
    } else {
        const double ratio = a < b ? a / b : b / a;
        double s = 0, pw = a < b ? 1 : ratio;
        for (int k = a < b ? 0 : 1; k < 100000; k++) {
            gsl_sf_result r;
            if (gsl_sf_bessel_In_scaled_e(k, x, &r)) break;
            double term = pw * r.val;
            s += term;
            if (term < 1e-18 * s && k > x) break;
            pw *= ratio;
            if (pw == 0) break;
        }
        q = a < b ? e * s : 1 - e * s;
    }
    gsl_set_error_handler(old);
    return fmin(1, fmax(0, q));
}

/* ---- the judge ---- */

static double rel_short(double target, double have) { return target > 0 ? fmax(0, (target - have) / target) : 0; }

int nisac_ris_evaluate(const nisac_ris_instance *in, const double complex *W, const double complex *phi,
                       const double complex *U, const int *order_in, int scheme, nisac_ris_eval *ev)
{
    const nisac_ris_params *p = &in->p;
    const int M = p->M, K = p->K, T = p->T, N = p->N, C = K + 1;
    memset(ev, 0, sizeof *ev);
    double complex *g = malloc(sizeof(double complex) * (size_t)M * (size_t)(K + T) + 1);
    double complex *e = malloc(sizeof(double complex) * (size_t)(K + T) * (size_t)C + 1);
    double complex *a = malloc(sizeof(double complex) * (size_t)M * (size_t)C + 1);
    if (!g || !e || !a) {
        free(g), free(e), free(a);
        return NISAC_FAIL(NISAC_ENOMEM, "evaluate: out of memory");
    }
    double complex *c = g + (size_t)M * K;
    nisac_ris_effective(in, phi, g, c);
    /* e[r * C + i] = (effective row r) . w_i, rows: users then targets */
    for (int r = 0; r < K + T; r++)
        for (int i = 0; i < C; i++) {
            double complex s = 0;
            for (int m = 0; m < M; m++) s += g[(size_t)r * M + m] * W[(size_t)i * M + m];
            e[(size_t)r * C + i] = s;
        }
#define E2(r, i) (creal(e[(size_t)(r) * C + (i)]) * creal(e[(size_t)(r) * C + (i)]) + \
                  cimag(e[(size_t)(r) * C + (i)]) * cimag(e[(size_t)(r) * C + (i)]))
    for (int k = 0; k < K; k++) ev->gain[k] = nisac_cnorm2(M, g + (size_t)k * M);
    int order[NISAC_RIS_MAX_K];
    if (order_in) {
        memcpy(order, order_in, sizeof(int) * (size_t)K);
    } else {
        for (int k = 0; k < K; k++) order[k] = k;
        for (int i = 1; i < K; i++) /* insertion sort by gain, weakest first (3) */
            for (int j = i; j > 0 && ev->gain[order[j]] < ev->gain[order[j - 1]]; j--) {
                int t = order[j];
                order[j] = order[j - 1];
                order[j - 1] = t;
            }
    }
    memcpy(ev->order, order, sizeof(int) * (size_t)K);
    const double s2 = p->sigma2;
    double viol_sinr = 0, viol_order = 0, viol_sic = 0;
    ev->min_sinr = INFINITY;
    for (int k = 0; k < K; k++) {
        double intf = s2;
        for (int i = 1; i < C; i++) intf += E2(k, i);
        ev->sense_sinr[k] = E2(k, 0) / intf;
    }
    if (scheme == NISAC_RIS_NOMA) {
        for (int pp = 0; pp < K; pp++) {
            const int k = order[pp];
            double s = INFINITY;
            for (int q = pp; q < K; q++) { /* user order[q] decodes message k (14) */
                const int j = order[q];
                double intf = s2;
                for (int r = pp + 1; r < K; r++) intf += E2(j, 1 + order[r]);
                s = fmin(s, E2(j, 1 + k) / intf);
            }
            ev->sinr[k] = s;
            if (pp + 1 < K) {
                double gn = ev->gain[order[pp + 1]];
                viol_order = fmax(viol_order, gn > 0 ? (ev->gain[k] - gn) / gn : 0);
            }
            for (int i = 0; i < pp; i++) { /* at user k: |e_{k,o(i)}|^2 >= |e_{k,o(i+1)}|^2 (43) */
                double hi = E2(k, 1 + order[i]), lo = E2(k, 1 + order[i + 1]);
                if (lo > 0) viol_sic = fmax(viol_sic, (lo - hi) / lo);
            }
        }
    } else if (scheme == NISAC_RIS_SDMA) {
        for (int k = 0; k < K; k++) {
            double intf = s2;
            for (int i = 0; i < K; i++)
                if (i != k) intf += E2(k, 1 + i);
            ev->sinr[k] = E2(k, 1 + k) / intf;
        }
    } else {
        for (int k = 0; k < K; k++) ev->sinr[k] = E2(k, 1 + k) / s2;
    }
    ev->sum_rate = 0;
    for (int k = 0; k < K; k++) {
        ev->rate[k] = log2(1 + ev->sinr[k]) / (scheme == NISAC_RIS_OMA ? K : 1);
        ev->sum_rate += ev->rate[k];
        ev->min_sinr = fmin(ev->min_sinr, ev->sinr[k]);
        viol_sinr = fmax(viol_sinr, rel_short(p->gamma, ev->sinr[k]));
    }
    /* power */
    double w0 = nisac_cnorm2(M, W);
    ev->sense_power = w0;
    ev->power = w0;
    if (scheme == NISAC_RIS_OMA) {
        double mx = 0;
        for (int k = 1; k < C; k++) mx = fmax(mx, w0 + nisac_cnorm2(M, W + (size_t)k * M));
        ev->power = mx;
    } else {
        for (int k = 1; k < C; k++) ev->power += nisac_cnorm2(M, W + (size_t)k * M);
    }
    /* radar (24), (26) */
    double viol_radar = 0, viol_filter = 0;
    const double scale = p->rcs * p->L / p->sigma_r2;
    for (int t = 0; t < T; t++) {
        const double complex *ct = c + (size_t)t * M;
        const double cn = nisac_cnorm2(M, ct);
        double snr;
        if (scheme == NISAC_RIS_OMA || !U) {
            /* optimal filters (53): SNR = scale * ||c||^2 * sum of |c^T w_i|^2 (OMA: per share, MRC) */
            double s = 0;
            if (scheme == NISAC_RIS_OMA) {
                for (int k = 1; k < C; k++) s += E2(K + t, 0) + E2(K + t, k);
                s /= K;
            } else {
                for (int i = 0; i < C; i++) s += E2(K + t, i);
            }
            snr = scale * cn * s;
        } else {
            const double complex *u = U + (size_t)t * M * C;
            for (int i = 0; i < C; i++)
                for (int m = 0; m < M; m++) a[(size_t)i * M + m] = ct[m] * e[(size_t)(K + t) * C + i];
            double complex z = nisac_cdot(M * C, u, a);
            double un = nisac_cnorm2(M * C, u);
            snr = un > 0 ? scale * (creal(z) * creal(z) + cimag(z) * cimag(z)) / un : 0;
            viol_filter = fmax(viol_filter, fabs(sqrt(un) - 1));
        }
        ev->snr[t] = snr;
        ev->snr_lb[t] = (1 - p->rcs_fluct) * snr;
        ev->pd[t] = nisac_marcum_q1(sqrt(2 * snr), sqrt(-2 * log(p->pfa)));
        viol_radar = fmax(viol_radar, rel_short(p->Gamma, ev->snr_lb[t]));
    }
#undef E2
    double viol_unit = 0;
    if (phi)
        for (int n = 0; n < N; n++) viol_unit = fmax(viol_unit, fabs(cabs(phi[n]) - 1));
    ev->viol[0] = viol_radar;
    ev->viol[1] = viol_sinr;
    ev->viol[2] = phi ? viol_unit : NAN;
    ev->viol[3] = fmax(0, (ev->power - p->P_max) / p->P_max);
    ev->viol[4] = viol_filter;
    ev->viol[5] = scheme == NISAC_RIS_NOMA ? viol_order : NAN;
    ev->viol[6] = scheme == NISAC_RIS_NOMA ? viol_sic : NAN;
    free(g);
    free(e);
    free(a);
    return NISAC_OK;
}

/* sum_i |c^T w_i|^2 over the K + 1 beams */
static double beams_power(int M, int C, const double complex *c, const double complex *W)
{
    double val = 0;
    for (int i = 0; i < C; i++) {
        double complex s = 0;
        for (int m = 0; m < M; m++) s += c[m] * W[(size_t)i * M + m];
        val += creal(s) * creal(s) + cimag(s) * cimag(s);
    }
    return val;
}

double nisac_ris_beampattern(const nisac_ris_instance *in, const double complex *W, const double complex *phi,
                             const double *pos)
{
    const nisac_ris_params *p = &in->p;
    const int M = p->M, N = p->N;
    /* hb, aB, cb (M each), ht, aR (N each) */
    double complex *buf = malloc(sizeof(double complex) * (3 * (size_t)M + 2 * (size_t)N));
    if (!buf) return NAN;
    double complex *hb = buf, *aB = hb + M, *cb = aB + M, *ht = cb + M, *aR = ht + N;
    double u[3], d, eh[3];
    ris_axis(in, eh);
    unit_dir(in->bs, pos, u, &d);
    dfbs_response(M, u, aB);
    rician(NULL, M, aB, p->c0 * pow(d, -p->pl_bt), 0, 1, hb);
    unit_dir(in->ris, pos, u, &d);
    ris_response(p, eh, u, aR);
    rician(NULL, N, aR, p->c0 * pow(d, -p->pl_rt), 0, 1, ht);
    effective_row(in, hb, ht, phi, cb);
    const double val = beams_power(M, p->K + 1, cb, W); /* (69): |c(p)^T w_i|^2 summed */
    free(buf);
    return val;
}

double nisac_ris_dfbs_pattern(const nisac_ris_instance *in, const double complex *W, double theta)
{
    const int M = in->p.M;
    double complex *a = malloc(sizeof(double complex) * (size_t)M);
    if (!a) return NAN;
    const double u[3] = {cos(theta), sin(theta), 0};
    dfbs_response(M, u, a);
    const double val = beams_power(M, in->p.K + 1, a, W);
    free(a);
    return val;
}
