/* Rate-splitting NOMA rates (include/nisac/rs_noma_isac.h). */
#include "nisac/rs_noma_isac.h"
#include "nisac/linalg.h"

#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static double abs2(double complex z) { return creal(z) * creal(z) + cimag(z) * cimag(z); }

int nisac_rs_rates_eval(const nisac_rs_layout *L, const double complex *H, const double complex *Wc,
                        const double complex *Wp, const double complex *ws, const double complex *Wx, int nx,
                        double sigma2, const double *share, nisac_rs_rates *out)
{
    const int M = L->M, K = L->K, G = L->G;
    if (M < 1 || K < 1 || G < 1 || !(sigma2 > 0))
        return NISAC_FAIL(NISAC_EINVAL, "rs rates: M=%d K=%d G=%d sigma2=%g", M, K, G, sigma2);
    for (int k = 0; k < K; k++)
        if (L->group[k] < 0 || L->group[k] >= G)
            return NISAC_FAIL(NISAC_EINVAL, "rs rates: user %d in group %d of %d", k + 1, L->group[k], G);
    /* gains: pc[k*G + g] = |h_k^H wc_g|^2, pp[k*K + i] = |h_k^H wp_i|^2, ps[k] = |h_k^H ws|^2,
       from one ZGEMM per beam set (H^H W: K x streams) */
    double *pc = calloc((size_t)K * G + (size_t)K * K + K, sizeof(double));
    if (!Wx) nx = 0;
    const int ncol = K > G ? (K > nx ? K : nx) : (G > nx ? G : nx);
    double complex *Z = malloc(sizeof(double complex) * (size_t)K * (size_t)ncol);
    if (!pc || !Z) {
        free(pc), free(Z);
        return NISAC_FAIL(NISAC_ENOMEM, "rs rates: out of memory");
    }
    double *pp = pc + (size_t)K * G, *ps = pp + (size_t)K * K;
    if (Wc) {
        nisac_cgemm('C', 'N', K, G, M, 1, H, M, Wc, M, 0, Z, K);
        for (int k = 0; k < K; k++)
            for (int g = 0; g < G; g++) pc[(size_t)k * G + g] = abs2(Z[(size_t)g * K + k]);
    }
    nisac_cgemm('C', 'N', K, K, M, 1, H, M, Wp, M, 0, Z, K);
    for (int k = 0; k < K; k++)
        for (int i = 0; i < K; i++) pp[(size_t)k * K + i] = abs2(Z[(size_t)i * K + k]);
    if (ws) {
        nisac_cgemm('C', 'N', K, 1, M, 1, H, M, ws, M, 0, Z, K);
        for (int k = 0; k < K; k++) ps[k] = abs2(Z[k]);
    }
    if (nx > 0) { /* interference-only beams join the sensing stream's term (heard at every decoder) */
        nisac_cgemm('C', 'N', K, nx, M, 1, H, M, Wx, M, 0, Z, K);
        for (int j = 0; j < nx; j++)
            for (int k = 0; k < K; k++) ps[k] += abs2(Z[(size_t)j * K + k]);
    }
    free(Z);
    for (int g = 0; g < G; g++) out->common[g] = INFINITY;
    for (int k = 0; k < K; k++) {
        const int g = L->group[k];
        /* (20): every other common stream, every private stream, the sensing stream */
        double itf = sigma2 + ps[k];
        for (int j = 0; j < G; j++)
            if (j != g) itf += pc[(size_t)k * G + j];
        for (int i = 0; i < K; i++) itf += pp[(size_t)k * K + i];
        out->sinr_c[k] = pc[(size_t)k * G + g] / itf;
        out->common[g] = fmin(out->common[g], log2(1 + out->sinr_c[k]));
    }
    for (int g = 0; g < G; g++)
        if (!Wc || isinf(out->common[g])) out->common[g] = 0; /* no common stream, or a group without users */
    /* (21) with SIC inside the group: message i is decoded by i and by every later user j of its
       group, against the other groups' streams, the group's messages not yet decoded, sensing */
    for (int i = 0; i < K; i++) {
        const int g = L->group[i];
        double best = INFINITY;
        for (int j = 0; j < K; j++) {
            if (L->group[j] != g || L->order[j] < L->order[i]) continue;
            double itf = sigma2 + ps[j];
            for (int q = 0; Wc && q < G; q++)
                if (q != g) itf += pc[(size_t)j * G + q];
            for (int r = 0; r < K; r++) {
                if (r == i) continue;
                if (L->group[r] != g || L->order[r] > L->order[i]) itf += pp[(size_t)j * K + r];
            }
            best = fmin(best, pp[(size_t)j * K + i] / itf);
        }
        out->sinr_p[i] = best;
        out->rate_p[i] = log2(1 + best);
    }
    /* (22) read as R_k = c_k + R_k,p with c_k the user's share of its group's common rate */
    int *count = calloc((size_t)G, sizeof(int));
    if (!count) {
        free(pc);
        return NISAC_FAIL(NISAC_ENOMEM, "rs rates: out of memory");
    }
    for (int k = 0; k < K; k++) count[L->group[k]]++;
    out->sum = 0;
    for (int k = 0; k < K; k++) {
        const int g = L->group[k];
        const double c = out->common[g] * (share ? share[k] : 1.0 / count[g]);
        out->rate[k] = c + out->rate_p[k];
        out->sum += out->rate[k];
    }
    free(count);
    free(pc);
    return NISAC_OK;
}

static double quad_form(int M, const double complex *a, const double complex *W, int nw)
{
    double s = 0;
    for (int i = 0; i < nw; i++) {
        double complex z = 0;
        for (int m = 0; m < M; m++) z += conj(a[m]) * W[(size_t)i * M + m];
        s += abs2(z);
    }
    return s;
}

double nisac_rs_sensing_sinr(int M, int L, const double complex *A, const double complex *beta,
                             const double complex *W, int nw, double sigma_s2, int l)
{
    const double complex *al = A + (size_t)l * M;
    double na = 0;
    for (int m = 0; m < M; m++) na += abs2(al[m]);
    if (!(na > 0)) return 0;
    const double sig = abs2(beta[l]) * na * quad_form(M, al, W, nw);
    double itf = sigma_s2;
    for (int j = 0; j < L; j++) {
        if (j == l) continue;
        const double complex *aj = A + (size_t)j * M;
        double complex c = 0;
        for (int m = 0; m < M; m++) c += conj(al[m]) * aj[m];
        itf += abs2(beta[j]) * abs2(c) / na * quad_form(M, aj, W, nw);
    }
    return sig / itf;
}

int nisac_rs_sensing_sinr_all(int M, int L, const double complex *A, const double complex *beta,
                              const double complex *W, int nw, double sigma_s2, double *gamma)
{
    if (L < 1) return NISAC_OK;
    double complex *Y = malloc(sizeof(double complex) * ((size_t)L * nw + (size_t)L * L));
    double *q = malloc(sizeof(double) * (size_t)L);
    if (!Y || !q) {
        free(Y), free(q);
        return NISAC_FAIL(NISAC_ENOMEM, "sensing SINR: out of memory");
    }
    double complex *Ga = Y + (size_t)L * nw; /* A^H A */
    nisac_cgemm('C', 'N', L, nw, M, 1, A, M, W, M, 0, Y, L);
    nisac_cgemm('C', 'N', L, L, M, 1, A, M, A, M, 0, Ga, L);
    for (int j = 0; j < L; j++) { /* a_j^H Q a_j */
        q[j] = 0;
        for (int b = 0; b < nw; b++) q[j] += abs2(Y[(size_t)b * L + j]);
    }
    for (int l = 0; l < L; l++) {
        const double na = creal(Ga[(size_t)l * L + l]);
        if (!(na > 0)) {
            gamma[l] = 0;
            continue;
        }
        double itf = sigma_s2;
        for (int j = 0; j < L; j++)
            if (j != l) itf += abs2(beta[j]) * abs2(Ga[(size_t)j * L + l]) / na * q[j];
        gamma[l] = abs2(beta[l]) * na * q[l] / itf;
    }
    free(Y), free(q);
    return NISAC_OK;
}

double nisac_rs_pd(double pfa, double sinr)
{
    if (!(pfa > 0 && pfa < 1) || !(sinr >= 0)) return NAN;
    return gsl_cdf_ugaussian_Q(gsl_cdf_ugaussian_Qinv(pfa) - sqrt(2 * sinr));
}

double nisac_rs_crlb(int M, const double complex *a, const double complex *da, double sinr)
{
    double na = 0;
    double complex ad = 0;
    double nd = 0;
    for (int m = 0; m < M; m++) {
        na += abs2(a[m]);
        ad += conj(a[m]) * da[m];
        nd += abs2(da[m]);
    }
    if (!(na > 0) || !(sinr > 0)) return INFINITY;
    const double perp = nd - abs2(ad) / na; /* ||P_a^perp da||^2 */
    return perp > 0 ? 1 / (2 * sinr * perp / na) : INFINITY;
}

int nisac_rs_layout_check(const nisac_rs_layout *L)
{
    const int K = L->K, G = L->G;
    int *size = calloc((size_t)(G > 0 ? G : 1), sizeof(int));
    char *seen = calloc((size_t)(K > 0 ? K : 1) * (size_t)(G > 0 ? G : 1), 1);
    int rc = !size || !seen ? NISAC_FAIL(NISAC_ENOMEM, "layout: out of memory") : NISAC_OK;
    for (int k = 0; !rc && k < K; k++) {
        if (L->group[k] < 0 || L->group[k] >= G)
            rc = NISAC_FAIL(NISAC_EINVAL, "layout: user %d in group %d of %d", k + 1, L->group[k] + 1, G);
        else size[L->group[k]]++;
    }
    for (int k = 0; !rc && k < K; k++) {
        const int g = L->group[k], o = L->order[k];
        if (o < 0 || o >= size[g] || seen[(size_t)g * K + o])
            rc = NISAC_FAIL(NISAC_EINVAL, "layout: user %d has decoding position %d in group %d of %d users", k + 1,
                            o + 1, g + 1, size[g]);
        else seen[(size_t)g * K + o] = 1;
    }
    free(size), free(seen);
    return rc;
}

int nisac_rs_group(int M, int K, int G, const double complex *H, int *group, int *order)
{
    if (M < 1 || K < 1 || G < 1 || G > K) return NISAC_FAIL(NISAC_EINVAL, "field 'G': expected 1..K=%d groups, got %d", K, G);
    double *gain = malloc(sizeof(double) * (size_t)K);
    int *members = malloc(sizeof(int) * (size_t)K);
    double complex *Gm = malloc(sizeof(double complex) * (size_t)K * (size_t)K); /* H^H H, one ZGEMM */
    if (!gain || !members || !Gm) {
        free(gain), free(members), free(Gm);
        return NISAC_FAIL(NISAC_ENOMEM, "grouping: out of memory");
    }
    nisac_cgemm('C', 'N', K, K, M, 1, H, M, H, M, 0, Gm, K);
    for (int k = 0; k < K; k++) {
        gain[k] = creal(Gm[(size_t)k * K + k]);
        group[k] = -1;
    }
    for (int g = 0; g < G; g++) {
        const int size = K / G + (g < K % G);
        int seed = -1;
        for (int k = 0; k < K; k++)
            if (group[k] < 0 && (seed < 0 || gain[k] > gain[seed])) seed = k;
        group[seed] = g;
        int n = 1;
        members[0] = seed;
        while (n < size) {
            int best = -1;
            double bc = -1;
            for (int k = 0; k < K; k++) {
                if (group[k] >= 0) continue;
                const double complex c = Gm[(size_t)seed * K + k]; /* h_k^H h_seed */
                const double corr = gain[k] > 0 && gain[seed] > 0 ? abs2(c) / (gain[k] * gain[seed]) : 0;
                if (corr > bc) bc = corr, best = k;
            }
            group[best] = g;
            members[n++] = best;
        }
        for (int i = 0; i < n; i++) { /* decoding order by gain, weakest first */
            int pos = 0;
            for (int j = 0; j < n; j++)
                if (gain[members[j]] < gain[members[i]] || (gain[members[j]] == gain[members[i]] && members[j] < members[i]))
                    pos++;
            order[members[i]] = pos;
        }
    }
    free(gain);
    free(members);
    free(Gm);
    return NISAC_OK;
}

double nisac_rs_energy_efficiency(int K, const double *rate, double power)
{
    double s = 0;
    for (int k = 0; k < K; k++) s += rate[k];
    return power > 0 ? s / power : NAN;
}

double nisac_jain(int K, const double *x)
{
    double s = 0, q = 0;
    for (int k = 0; k < K; k++) {
        s += x[k];
        q += x[k] * x[k];
    }
    return q > 0 ? s * s / (K * q) : NAN;
}

static void normalise(int M, double complex *w)
{
    double n = 0;
    for (int m = 0; m < M; m++) n += abs2(w[m]);
    n = sqrt(n);
    if (n > 0)
        for (int m = 0; m < M; m++) w[m] /= n;
}

int nisac_rs_initial(const nisac_rs_layout *L, const double complex *H, double sigma2, double P_max, int nt,
                     const double complex *A, const double *rcs, double complex *Wc, double complex *Wp,
                     double complex *ws, double *powers, double *rho)
{
    const int M = L->M, K = L->K, G = L->G;
    if (!(sigma2 > 0) || !(P_max > 0)) return NISAC_FAIL(NISAC_EINVAL, "initial point: sigma2 %g, P_max %g", sigma2, P_max);
    /* (33)-(34) */
    memset(Wc, 0, sizeof(double complex) * (size_t)M * G);
    for (int k = 0; k < K; k++)
        for (int m = 0; m < M; m++) Wc[(size_t)L->group[k] * M + m] += H[(size_t)k * M + m];
    for (int g = 0; g < G; g++) normalise(M, Wc + (size_t)g * M);
    /* (35): Wp = H (H^H H + delta I)^{-1}, columns normalised */
    double complex *Gm = malloc(sizeof(double complex) * (size_t)K * K);
    if (!Gm) return NISAC_FAIL(NISAC_ENOMEM, "initial point: out of memory");
    nisac_cgemm('C', 'N', K, K, M, 1, H, M, H, M, 0, Gm, K);
    const double delta = sigma2 / P_max;
    for (int k = 0; k < K; k++) Gm[(size_t)k * K + k] += delta;
    int rc = nisac_chol(K, Gm, K); /* lower factor L L^H */
    if (!rc) {
        /* X = (L L^H)^{-1} = L^{-H} L^{-1}: Wp = H X by two triangular solves on the right */
        double complex *X = calloc((size_t)K * K, sizeof(double complex));
        if (!X) rc = NISAC_FAIL(NISAC_ENOMEM, "initial point: out of memory");
        else {
            for (int k = 0; k < K; k++) X[(size_t)k * K + k] = 1;
            rc = nisac_chol_solve(K, K, Gm, K, X, K);
            if (!rc) nisac_cgemm('N', 'N', M, K, K, 1, H, M, X, K, 0, Wp, M);
            free(X);
        }
    }
    free(Gm);
    if (rc) return rc;
    for (int k = 0; k < K; k++) normalise(M, Wp + (size_t)k * M);
    /* (36) */
    if (A && ws) {
        memset(ws, 0, sizeof(double complex) * (size_t)M);
        for (int l = 0; l < nt; l++)
            for (int m = 0; m < M; m++) ws[m] += sqrt(rcs ? rcs[l] : 1) * A[(size_t)l * M + m];
        normalise(M, ws);
    }
    /* (37)-(38) */
    const int ns = G + K + (A && ws ? 1 : 0);
    for (int i = 0; i < G + K + 1; i++) powers[i] = i < ns ? P_max / ns : 0;
    for (int k = 0; k < K; k++) rho[k] = 0.5;
    return NISAC_OK;
}
