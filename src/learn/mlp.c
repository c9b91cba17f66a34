/* Fully connected networks on CBLAS and Adam (include/nisac/learn.h). */
#include "nisac/learn.h"
#include "nisac/core.h"

#include <cblas.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

struct nisac_mlp {
    int nl, out_tanh;
    int *sizes;      /* nl + 1 */
    int *off;        /* nl: offset of layer l's W in params; b follows W */
    int np;
    double *p, *g;   /* params and gradients */
    int cap;         /* batch the activations hold */
    int batch;       /* batch of the last forward pass */
    double **act;    /* nl + 1: act[0] a copy of the input, act[l] layer l's output (after its activation) */
    double *d0, *d1; /* back-propagation buffers (cap x the widest layer) */
};

int nisac_mlp_nparams(const nisac_mlp *m) { return m->np; }
int nisac_mlp_inputs(const nisac_mlp *m) { return m->sizes[0]; }
int nisac_mlp_outputs(const nisac_mlp *m) { return m->sizes[m->nl]; }
double *nisac_mlp_params(nisac_mlp *m) { return m->p; }
double *nisac_mlp_grads(nisac_mlp *m) { return m->g; }

void nisac_mlp_free(nisac_mlp *m)
{
    if (!m) return;
    for (int l = 0; m->act && l <= m->nl; l++) free(m->act[l]);
    free(m->act), free(m->d0), free(m->d1);
    free(m->sizes), free(m->off), free(m->p), free(m->g);
    free(m);
}

nisac_mlp *nisac_mlp_new(int nl, const int *sizes, int out_tanh, nisac_rng *init)
{
    if (nl < 1) return NULL;
    nisac_mlp *m = calloc(1, sizeof *m);
    if (!m) return NULL;
    m->nl = nl, m->out_tanh = out_tanh;
    m->sizes = malloc(sizeof(int) * (size_t)(nl + 1));
    m->off = malloc(sizeof(int) * (size_t)nl);
    m->act = calloc((size_t)nl + 1, sizeof(double *));
    if (!m->sizes || !m->off || !m->act) {
        nisac_mlp_free(m);
        return NULL;
    }
    memcpy(m->sizes, sizes, sizeof(int) * (size_t)(nl + 1));
    for (int l = 0; l < nl; l++) {
        m->off[l] = m->np;
        m->np += sizes[l + 1] * sizes[l] + sizes[l + 1];
    }
    m->p = calloc((size_t)m->np, sizeof(double));
    m->g = calloc((size_t)m->np, sizeof(double));
    if (!m->p || !m->g) {
        nisac_mlp_free(m);
        return NULL;
    }
    for (int l = 0; l < nl; l++) {
        const double lim = l == nl - 1 ? 3e-3 : sqrt(6.0 / sizes[l]);
        double *W = m->p + m->off[l];
        for (int i = 0; i < sizes[l + 1] * sizes[l]; i++) W[i] = lim * (2 * nisac_rng_uniform(init) - 1);
    }
    return m;
}

static int reserve(nisac_mlp *m, int batch)
{
    if (batch <= m->cap) return NISAC_OK;
    int wide = 0;
    for (int l = 0; l <= m->nl; l++) wide = m->sizes[l] > wide ? m->sizes[l] : wide;
    for (int l = 0; l <= m->nl; l++) {
        double *a = realloc(m->act[l], sizeof(double) * (size_t)batch * m->sizes[l]);
        if (!a) return NISAC_FAIL(NISAC_ENOMEM, "network: out of memory (batch %d)", batch);
        m->act[l] = a;
    }
    double *d0 = realloc(m->d0, sizeof(double) * (size_t)batch * wide);
    if (d0) m->d0 = d0;
    double *d1 = d0 ? realloc(m->d1, sizeof(double) * (size_t)batch * wide) : NULL;
    if (d1) m->d1 = d1;
    if (!d0 || !d1) return NISAC_FAIL(NISAC_ENOMEM, "network: out of memory (batch %d)", batch);
    m->cap = batch;
    return NISAC_OK;
}

int nisac_mlp_forward(nisac_mlp *m, int batch, const double *X, double *Y)
{
    int rc = reserve(m, batch);
    if (rc) return rc;
    m->batch = batch; /* the pass backward will use */
    memcpy(m->act[0], X, sizeof(double) * (size_t)batch * m->sizes[0]);
    for (int l = 0; l < m->nl; l++) {
        const int in = m->sizes[l], out = m->sizes[l + 1];
        const double *W = m->p + m->off[l], *b = W + (size_t)out * in;
        double *Z = m->act[l + 1];
        for (int r = 0; r < batch; r++) memcpy(Z + (size_t)r * out, b, sizeof(double) * (size_t)out);
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, batch, out, in, 1, m->act[l], in, W, in, 1, Z, out);
        const size_t n = (size_t)batch * out;
        if (l < m->nl - 1)
            for (size_t i = 0; i < n; i++) Z[i] = Z[i] > 0 ? Z[i] : 0;
        else if (m->out_tanh)
            for (size_t i = 0; i < n; i++) Z[i] = tanh(Z[i]);
    }
    memcpy(Y, m->act[m->nl], sizeof(double) * (size_t)batch * m->sizes[m->nl]);
    return NISAC_OK;
}

void nisac_mlp_backward(nisac_mlp *m, const double *dY, double *dX)
{
    const int batch = m->batch, nl = m->nl;
    /* dZ of the last layer: through tanh (1 - y^2) or the identity */
    double *dz = m->d0, *da = m->d1;
    const size_t nout = (size_t)batch * m->sizes[nl];
    const double *y = m->act[nl];
    for (size_t i = 0; i < nout; i++) dz[i] = m->out_tanh ? dY[i] * (1 - y[i] * y[i]) : dY[i];
    for (int l = nl - 1; l >= 0; l--) {
        const int in = m->sizes[l], out = m->sizes[l + 1];
        const double *W = m->p + m->off[l];
        double *gW = m->g + m->off[l], *gb = gW + (size_t)out * in;
        /* dW += dZ^T A_in, db += column sums of dZ */
        cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, out, in, batch, 1, dz, out, m->act[l], in, 1, gW, in);
        for (int r = 0; r < batch; r++)
            for (int j = 0; j < out; j++) gb[j] += dz[(size_t)r * out + j];
        if (l == 0 && !dX) break;
        /* dA_in = dZ W */
        double *dst = l == 0 ? dX : da;
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, batch, in, out, 1, dz, out, W, in, 0, dst, in);
        if (l == 0) break;
        /* through the ReLU of layer l's input (the output of layer l - 1) */
        const double *a = m->act[l];
        const size_t n = (size_t)batch * in;
        for (size_t i = 0; i < n; i++) da[i] = a[i] > 0 ? da[i] : 0;
        double *t = dz;
        dz = da, da = t;
    }
}

void nisac_mlp_zero_grad(nisac_mlp *m) { memset(m->g, 0, sizeof(double) * (size_t)m->np); }

void nisac_mlp_copy(nisac_mlp *dst, const nisac_mlp *src)
{
    memcpy(dst->p, src->p, sizeof(double) * (size_t)src->np);
}

void nisac_mlp_soft_update(nisac_mlp *dst, const nisac_mlp *src, double tau)
{
    for (int i = 0; i < src->np; i++) dst->p[i] = tau * src->p[i] + (1 - tau) * dst->p[i];
}

int nisac_adam_init(nisac_adam *a, int n, double lr)
{
    memset(a, 0, sizeof *a);
    a->n = n, a->lr = lr, a->b1 = 0.9, a->b2 = 0.999, a->eps = 1e-8;
    a->m = calloc((size_t)n, sizeof(double));
    a->v = calloc((size_t)n, sizeof(double));
    if (!a->m || !a->v) {
        nisac_adam_free(a);
        return NISAC_FAIL(NISAC_ENOMEM, "adam: out of memory");
    }
    return NISAC_OK;
}

void nisac_adam_free(nisac_adam *a)
{
    free(a->m), free(a->v);
    a->m = a->v = NULL;
}

void nisac_adam_step(nisac_adam *a, double *params, const double *grads)
{
    a->t++;
    const double c1 = 1 - pow(a->b1, (double)a->t), c2 = 1 - pow(a->b2, (double)a->t);
    for (int i = 0; i < a->n; i++) {
        a->m[i] = a->b1 * a->m[i] + (1 - a->b1) * grads[i];
        a->v[i] = a->b2 * a->v[i] + (1 - a->b2) * grads[i] * grads[i];
        params[i] -= a->lr * (a->m[i] / c1) / (sqrt(a->v[i] / c2) + a->eps);
    }
}
