/* The NOMA-ISAC model of paper 000: parameters, instances and the
 * evaluation of beamformers (include/nisac/noma_isac.h). */
#include "nisac/noma_isac.h"
#include "nisac/defaults.h"
#include "nisac/geom.h"
#include "nisac/linalg.h"
#include "nisac/units.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Paper 000's targets at -60 and +60 degrees, in radians (the expression
 * of nisac_deg2rad, folded at compile time to the same values). */
static const double default_theta[2] = {-60.0 * (M_PI / 180.0), 60.0 * (M_PI / 180.0)};

void nisac_noma_params_default(nisac_noma_params *p)
{
    memset(p, 0, sizeof *p);
    p->N = NISAC_DEF_N;
    p->K = NISAC_DEF_K;
    p->M = 2;
    p->theta = default_theta;
    p->d_lambda = NISAC_DEF_D_LAMBDA;
    p->sigma2 = NISAC_DEF_SIGMA2;
    p->Ps = NISAC_DEF_PS;
    p->Pdiff = NISAC_DEF_PDIFF;
    p->xi = NISAC_DEF_XI;
    p->P_total = NISAC_DEF_PTOTAL;
    p->gamma = nisac_undb(NISAC_DEF_GAMMA_DB);
    p->eps = NISAC_DEF_EPS;
    p->rho_c = NISAC_DEF_RHO;
    p->rho_s = NISAC_DEF_RHO;
    p->decoders = NISAC_DECODERS_ALL;
    p->sic_power_order = 0;
}

#define CHECK_FINITE_NONNEG(field)                                                             \
    do {                                                                                       \
        if (!isfinite(p->field) || p->field < 0)                                               \
            return NISAC_FAIL(NISAC_EINVAL, "field '%s': expected a finite value >= 0, got %g", \
                              #field, p->field);                                               \
    } while (0)

int nisac_noma_params_check(const nisac_noma_params *p)
{
    if (p->N < 1 || p->N > 4096)
        return NISAC_FAIL(NISAC_EINVAL, "field 'N': expected 1..4096 antennas, got %d", p->N);
    if (p->K < 1 || p->K > NISAC_NOMA_MAX_K)
        return NISAC_FAIL(NISAC_EINVAL, "field 'K': expected 1..%d users, got %d",
                          NISAC_NOMA_MAX_K, p->K);
    if (p->M < 0 || p->M > NISAC_NOMA_MAX_M || (p->M > 0 && !p->theta))
        return NISAC_FAIL(NISAC_EINVAL, "field 'targets_deg': expected 0..%d targets, got %d",
                          NISAC_NOMA_MAX_M, p->M);
    for (int m = 0; m < p->M; m++)
        if (!isfinite(p->theta[m]) || fabs(p->theta[m]) > M_PI / 2 + 1e-12)
            return NISAC_FAIL(NISAC_EINVAL,
                              "field 'targets_deg[%d]': expected an angle in [-90, 90] degrees", m);
    if (!isfinite(p->d_lambda) || p->d_lambda <= 0 || p->d_lambda > 1)
        return NISAC_FAIL(NISAC_EINVAL, "field 'd_lambda': expected 0 < d/lambda <= 1, got %g",
                          p->d_lambda);
    if (!isfinite(p->sigma2) || p->sigma2 <= 0)
        return NISAC_FAIL(NISAC_EINVAL, "field 'sigma2': expected a finite value > 0, got %g",
                          p->sigma2);
    CHECK_FINITE_NONNEG(Ps);
    CHECK_FINITE_NONNEG(Pdiff);
    if (!isfinite(p->xi))
        return NISAC_FAIL(NISAC_EINVAL, "field 'xi': expected a finite value, got %g", p->xi);
    CHECK_FINITE_NONNEG(P_total);
    CHECK_FINITE_NONNEG(gamma);
    CHECK_FINITE_NONNEG(eps);
    CHECK_FINITE_NONNEG(rho_c);
    CHECK_FINITE_NONNEG(rho_s);
    if (p->rho_c + p->rho_s <= 0)
        return NISAC_FAIL(NISAC_EINVAL, "fields 'rho_c', 'rho_s': at least one must be > 0");
    if (p->decoders != NISAC_DECODERS_ALL && p->decoders != NISAC_DECODERS_OWN)
        return NISAC_FAIL(NISAC_EINVAL, "field 'decoders': expected 'all' or 'own'");
    return NISAC_OK;
}

int nisac_noma_instance_new(const nisac_noma_params *p, const double complex *Hin, int ldh,
                            nisac_noma_instance **out)
{
    *out = NULL;
    int rc = nisac_noma_params_check(p);
    if (rc) return rc;
    if (!Hin || ldh < p->N) return NISAC_FAIL(NISAC_EINVAL, "channel matrix missing or ldh < N");
    for (int k = 0; k < p->K; k++)
        for (int n = 0; n < p->N; n++) {
            double complex v = Hin[n + (size_t)k * ldh];
            if (!isfinite(creal(v)) || !isfinite(cimag(v)))
                return NISAC_FAIL(NISAC_EINVAL, "field 'channels[%d][%d]': not finite", k, n);
        }
    nisac_noma_instance *inst = calloc(1, sizeof *inst);
    if (!inst) return NISAC_FAIL(NISAC_ENOMEM, "instance: out of memory");
    inst->p = *p;
    inst->H = nisac_calloc((size_t)p->N * (size_t)p->K, sizeof(double complex));
    inst->A = nisac_calloc((size_t)p->N * (size_t)(p->M > 0 ? p->M : 1), sizeof(double complex));
    inst->order = nisac_calloc((size_t)p->K, sizeof(int));
    inst->gamma = nisac_calloc((size_t)p->K, sizeof(double));
    inst->theta = nisac_calloc((size_t)(p->M > 0 ? p->M : 1), sizeof(double));
    double *nrm = nisac_calloc((size_t)p->K, sizeof(double));
    if (!inst->H || !inst->A || !inst->order || !inst->gamma || !inst->theta || !nrm) {
        free(nrm);
        nisac_noma_instance_free(inst);
        return NISAC_FAIL(NISAC_ENOMEM, "instance: out of memory");
    }
    if (p->M > 0) memcpy(inst->theta, p->theta, sizeof(double) * (size_t)p->M);
    inst->p.theta = inst->theta;
    /* Stable insertion sort of users by ascending channel norm. */
    for (int k = 0; k < p->K; k++) {
        nrm[k] = nisac_cnorm2(p->N, Hin + (size_t)k * ldh);
        inst->order[k] = k;
    }
    for (int a = 1; a < p->K; a++) {
        int cur = inst->order[a], b = a - 1;
        while (b >= 0 && nrm[inst->order[b]] > nrm[cur]) {
            inst->order[b + 1] = inst->order[b];
            b--;
        }
        inst->order[b + 1] = cur;
    }
    free(nrm);
    for (int k = 0; k < p->K; k++) {
        memcpy(inst->H + (size_t)k * p->N, Hin + (size_t)inst->order[k] * ldh,
               sizeof(double complex) * (size_t)p->N);
        inst->gamma[k] = p->gamma;
    }
    for (int m = 0; m < p->M; m++)
        nisac_ula_steering(p->N, p->d_lambda, p->theta[m], inst->A + (size_t)m * p->N);
    *out = inst;
    return NISAC_OK;
}

void nisac_noma_instance_free(nisac_noma_instance *inst)
{
    if (!inst) return;
    free(inst->H);
    free(inst->A);
    free(inst->order);
    free(inst->gamma);
    free(inst->theta);
    free(inst);
}

static double sq(double complex z) { return creal(z) * creal(z) + cimag(z) * cimag(z); }
static double pos(double x) { return x > 0 ? x : 0; }
static double max_violation(const nisac_noma_eval *ev, unsigned imposed);

void nisac_noma_eval_release(nisac_noma_eval *ev)
{
    if (!ev) return;
    free(ev->sinr);
    free(ev->user_sinr);
    free(ev->beam_power);
    free(ev->rate);
    free(ev->sense_power);
    memset(ev, 0, sizeof *ev);
}

/* Sizes ev for the instance (keeping its arrays when large enough) and
 * zeroes every value. */
static int eval_begin(const nisac_noma_instance *inst, const double complex *W, int ldw,
                      nisac_noma_eval *ev)
{
    if (!W || ldw < inst->p.N) return NISAC_FAIL(NISAC_EINVAL, "evaluate: beamformers missing or ldw < N");
    const int K = inst->p.K, M = inst->p.M;
    nisac_noma_eval keep = *ev;
    if (keep.capK < K || keep.capM < M || !keep.sinr) {
        nisac_noma_eval_release(&keep);
        keep.sinr = nisac_calloc((size_t)K * (size_t)K, sizeof(double));
        keep.user_sinr = nisac_calloc((size_t)K, sizeof(double));
        keep.beam_power = nisac_calloc((size_t)K, sizeof(double));
        keep.rate = nisac_calloc((size_t)K, sizeof(double));
        keep.sense_power = nisac_calloc((size_t)(M > 0 ? M : 1), sizeof(double));
        keep.capK = K;
        keep.capM = M;
        if (!keep.sinr || !keep.user_sinr || !keep.beam_power || !keep.rate || !keep.sense_power) {
            nisac_noma_eval_release(&keep);
            *ev = keep;
            return NISAC_FAIL(NISAC_ENOMEM, "evaluate: out of memory");
        }
    }
    memset(ev, 0, sizeof *ev);
    ev->sinr = keep.sinr;
    ev->user_sinr = keep.user_sinr;
    ev->beam_power = keep.beam_power;
    ev->rate = keep.rate;
    ev->sense_power = keep.sense_power;
    ev->capK = keep.capK;
    ev->capM = keep.capM;
    memset(ev->sinr, 0, sizeof(double) * (size_t)K * (size_t)K);
    memset(ev->user_sinr, 0, sizeof(double) * (size_t)K);
    memset(ev->beam_power, 0, sizeof(double) * (size_t)K);
    memset(ev->rate, 0, sizeof(double) * (size_t)K);
    memset(ev->sense_power, 0, sizeof(double) * (size_t)(M > 0 ? M : 1));
    ev->K = K;
    ev->M = M;
    return NISAC_OK;
}

int nisac_noma_evaluate(const nisac_noma_instance *inst, const double complex *W, int ldw,
                        const double complex *dH, unsigned imposed, nisac_noma_eval *ev)
{
    const nisac_noma_params *p = &inst->p;
    const int N = p->N, K = p->K, M = p->M;
    int rc = eval_begin(inst, W, ldw, ev);
    if (rc) return rc;
    double complex *g = malloc(sizeof(double complex) * (size_t)N);
    double complex *aw = malloc(sizeof(double complex) * (size_t)(M > 0 ? M : 1) * (size_t)K);
    /* Gains |g_l^H w_i|^2 on the true channel and |dh_l^H w_i|^2:
     * gain[l*K + i], egain[l*K + i]. */
    double *gain = malloc(sizeof(double) * (size_t)K * (size_t)K);
    double *egain = malloc(sizeof(double) * (size_t)K * (size_t)K);
    if (!g || !aw || !gain || !egain) {
        free(g);
        free(aw);
        free(gain);
        free(egain);
        return NISAC_FAIL(NISAC_ENOMEM, "evaluate: out of memory");
    }
#define GAIN(l, i) gain[(size_t)(l) * (size_t)K + (size_t)(i)]
#define EGAIN(l, i) egain[(size_t)(l) * (size_t)K + (size_t)(i)]
#define AW(m, k) aw[(size_t)(m) * (size_t)K + (size_t)(k)]
    for (int l = 0; l < K; l++) {
        for (int n = 0; n < N; n++)
            g[n] = inst->H[n + (size_t)l * N] + (dH ? dH[n + (size_t)l * N] : 0.0);
        for (int i = 0; i < K; i++) {
            GAIN(l, i) = sq(nisac_cdot(N, g, W + (size_t)i * ldw));
            EGAIN(l, i) = dH ? sq(nisac_cdot(N, dH + (size_t)l * N, W + (size_t)i * ldw)) : 0.0;
        }
    }
    free(g);

    ev->min_sinr = INFINITY;
    for (int k = 0; k < K; k++) {
        ev->user_sinr[k] = INFINITY;
        for (int l = 0; l < K; l++) NISAC_NOMA_SINR(ev, k, l) = NAN;
        int lmax = p->decoders == NISAC_DECODERS_ALL ? K - 1 : k;
        for (int l = k; l < K; l++) {
            double den = p->sigma2;
            for (int i = 0; i < k; i++) den += EGAIN(l, i);
            for (int i = k + 1; i < K; i++) den += GAIN(l, i);
            double s = NISAC_NOMA_SINR(ev, k, l) = GAIN(l, k) / den;
            if (l <= lmax) {
                if (s < ev->user_sinr[k]) ev->user_sinr[k] = s;
                if (inst->gamma[k] > 0)
                    ev->viol_sinr = fmax(ev->viol_sinr, pos((inst->gamma[k] - s) / inst->gamma[k]));
            }
        }
        if (ev->user_sinr[k] < ev->min_sinr) ev->min_sinr = ev->user_sinr[k];
        ev->beam_power[k] = nisac_cnorm2(N, W + (size_t)k * ldw);
        ev->comm_power += ev->beam_power[k];
    }

    /* Sensing power (5) and cross-correlation (7) from a^H R a = sum_k a^H w_k w_k^H a. */
    for (int m = 0; m < M; m++)
        for (int k = 0; k < K; k++) AW(m, k) = nisac_cdot(N, inst->A + (size_t)m * N, W + (size_t)k * ldw);
    for (int m = 0; m < M; m++) {
        double s = 0;
        for (int k = 0; k < K; k++) s += sq(AW(m, k));
        ev->sense_power[m] = s;
        ev->sense_sum += s;
        if (p->Ps > 0) ev->viol_sense = fmax(ev->viol_sense, pos((p->Ps - s) / p->Ps));
    }
    double csum = 0;
    for (int a = 0; a < M; a++)
        for (int b = a + 1; b < M; b++) {
            double complex c = 0;
            for (int k = 0; k < K; k++) c += AW(a, k) * conj(AW(b, k));
            csum += sq(c);
            double pa = ev->sense_power[a], pb = ev->sense_power[b];
            double scale = fmax(fmax(pa, pb), fmax(p->Pdiff, 1e-300));
            ev->viol_diff = fmax(ev->viol_diff, pos((fabs(pa - pb) - p->Pdiff) / scale));
        }
    ev->xcorr = M >= 2 ? 2.0 * csum / ((double)M * M - M) : 0.0;
    if (p->xi > 0 && M >= 2) ev->viol_xcorr = pos((ev->xcorr - p->xi) / p->xi);

    ev->total_power = ev->comm_power + ev->sense_sum;
    ev->objective = p->rho_c * ev->comm_power + p->rho_s * ev->sense_sum;
    if (p->P_total > 0) ev->viol_budget = pos((ev->total_power - p->P_total) / p->P_total);

    for (int k = 0; k < K; k++)
        for (int i = 0; i + 1 < K; i++) {
            double a = GAIN(k, i), b = GAIN(k, i + 1);
            double scale = fmax(fmax(a, b), 1e-300);
            ev->viol_sicorder = fmax(ev->viol_sicorder, pos((b - a) / scale));
        }

    ev->min_rate = INFINITY;
    for (int k = 0; k < K; k++) {
        ev->rate[k] = log2(1.0 + ev->user_sinr[k]);
        ev->min_rate = fmin(ev->min_rate, ev->rate[k]);
    }
    ev->max_viol = max_violation(ev, imposed);
#undef GAIN
#undef EGAIN
#undef AW
    free(gain);
    free(egain);
    free(aw);
    return NISAC_OK;
}

static double max_violation(const nisac_noma_eval *ev, unsigned imposed)
{
    double mv = 0;
    if (imposed & NISAC_C_SINR) mv = fmax(mv, ev->viol_sinr);
    if (imposed & NISAC_C_SENSE) mv = fmax(mv, ev->viol_sense);
    if (imposed & NISAC_C_DIFF) mv = fmax(mv, ev->viol_diff);
    if (imposed & NISAC_C_XCORR) mv = fmax(mv, ev->viol_xcorr);
    if (imposed & NISAC_C_BUDGET) mv = fmax(mv, ev->viol_budget);
    if (imposed & NISAC_C_SICORDER) mv = fmax(mv, ev->viol_sicorder);
    return mv;
}

int nisac_oma_evaluate(const nisac_noma_instance *inst, const double complex *W, int ldw,
                       double slot_gamma, unsigned imposed, nisac_noma_eval *ev)
{
    const nisac_noma_params *p = &inst->p;
    const int N = p->N, K = p->K, M = p->M;
    int rc = eval_begin(inst, W, ldw, ev);
    if (rc) return rc;
    double complex *aw = malloc(sizeof(double complex) * (size_t)(M > 0 ? M : 1));
    if (!aw) return NISAC_FAIL(NISAC_ENOMEM, "evaluate: out of memory");
    ev->oma = 1;
    ev->min_sinr = INFINITY;
    ev->min_rate = INFINITY;
    for (int k = 0; k < K; k++) {
        const double complex *w = W + (size_t)k * ldw;
        for (int l = 0; l < K; l++) NISAC_NOMA_SINR(ev, k, l) = NAN;
        double s = sq(nisac_cdot(N, inst->H + (size_t)k * N, w)) / p->sigma2;
        NISAC_NOMA_SINR(ev, k, k) = s;
        ev->user_sinr[k] = s;
        ev->min_sinr = fmin(ev->min_sinr, s);
        ev->rate[k] = log2(1.0 + s) / K;
        ev->min_rate = fmin(ev->min_rate, ev->rate[k]);
        if (slot_gamma > 0) ev->viol_sinr = fmax(ev->viol_sinr, pos((slot_gamma - s) / slot_gamma));
        ev->beam_power[k] = nisac_cnorm2(N, w);
        double slot_sense = 0, csum = 0;
        for (int m = 0; m < M; m++) {
            aw[m] = nisac_cdot(N, inst->A + (size_t)m * N, w);
            double pm = sq(aw[m]);
            ev->sense_power[m] += pm / K;
            slot_sense += pm;
            if (p->Ps > 0) ev->viol_sense = fmax(ev->viol_sense, pos((p->Ps - pm) / p->Ps));
        }
        for (int a = 0; a < M; a++)
            for (int b = a + 1; b < M; b++) {
                double pa = sq(aw[a]), pb = sq(aw[b]);
                csum += sq(aw[a] * conj(aw[b]));
                double scale = fmax(fmax(pa, pb), fmax(p->Pdiff, 1e-300));
                ev->viol_diff = fmax(ev->viol_diff, pos((fabs(pa - pb) - p->Pdiff) / scale));
            }
        double xc = M >= 2 ? 2.0 * csum / ((double)M * M - M) : 0.0;
        ev->xcorr = fmax(ev->xcorr, xc);
        if (p->xi > 0 && M >= 2) ev->viol_xcorr = fmax(ev->viol_xcorr, pos((xc - p->xi) / p->xi));
        double slot_total = ev->beam_power[k] + slot_sense;
        if (p->P_total > 0)
            ev->viol_budget = fmax(ev->viol_budget, pos((slot_total - p->P_total) / p->P_total));
        ev->comm_power += ev->beam_power[k] / K;
        ev->sense_sum += slot_sense / K;
        ev->objective += (p->rho_c * ev->beam_power[k] + p->rho_s * slot_sense) / K;
    }
    ev->total_power = ev->comm_power + ev->sense_sum;
    ev->max_viol = max_violation(ev, imposed & ~(unsigned)NISAC_C_SICORDER);
    free(aw);
    return NISAC_OK;
}
