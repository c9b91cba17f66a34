/* The TD3 agent (include/nisac/learn.h, docs/models/td3.md): actor mu(s)
 * (tanh outputs), twin critics Q1, Q2 over (s, a), their target copies,
 * a replay buffer; clipped double-Q targets, target-policy smoothing,
 * delayed actor and target updates (Fujimoto, van Hoof and Meger 2018). */
#include "nisac/learn.h"
#include "nisac/core.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { ACT, Q1, Q2, ACT_T, Q1_T, Q2_T, NNET };
/* random streams of the agent: initialisation, exploration, minibatch sampling, target noise */
enum { R_INIT, R_EXPLORE, R_SAMPLE, R_NOISE, NRNG };

struct nisac_td3 {
    nisac_td3_opts o;
    nisac_mlp *net[NNET];
    nisac_adam adam[3]; /* actor, critic 1, critic 2 */
    nisac_rng rng[NRNG];
    long stored, updates; /* transitions stored and updates made, over the agent's life */
    long pos, filled;      /* the replay buffer's next row and valid rows (not kept by checkpoints) */
    /* replay buffer: buffer rows of (s, a, r, s2, done) */
    double *bs, *ba, *br, *bs2, *bd;
    /* minibatch scratch */
    double *xs, *xa, *xr, *xs2, *xd, *sa, *q1, *q2, *qt, *at, *dq, *da, *dsa;
};

void nisac_td3_opts_default(nisac_td3_opts *o, int state_dim, int action_dim)
{
    memset(o, 0, sizeof *o);
    o->state_dim = state_dim, o->action_dim = action_dim;
    o->hidden1 = 256, o->hidden2 = 128;
    o->gamma = 0.99, o->tau = 0.005;
    o->lr_actor = 1e-3, o->lr_critic = 1e-3;
    o->policy_noise = 0.2, o->noise_clip = 0.5, o->expl_noise = 0.1;
    o->policy_delay = 2, o->batch = 256, o->buffer = 100000;
}

const nisac_td3_opts *nisac_td3_options(const nisac_td3 *t) { return &t->o; }
long nisac_td3_steps(const nisac_td3 *t) { return t->stored; }

void nisac_td3_free(nisac_td3 *t)
{
    if (!t) return;
    for (int i = 0; i < NNET; i++) nisac_mlp_free(t->net[i]);
    for (int i = 0; i < 3; i++) nisac_adam_free(&t->adam[i]);
    free(t->bs), free(t->xs);
    free(t);
}

static double clampd(double x, double lo, double hi) { return x < lo ? lo : x > hi ? hi : x; }

nisac_td3 *nisac_td3_new(const nisac_td3_opts *o, uint64_t seed)
{
    if (o->state_dim < 1 || o->action_dim < 1 || o->hidden1 < 1 || o->hidden2 < 1 || o->batch < 1 ||
        o->buffer < o->batch || o->policy_delay < 1) {
        NISAC_FAIL(NISAC_EINVAL, "td3: invalid options (dimensions %d, %d; batch %d; buffer %d)", o->state_dim,
                   o->action_dim, o->batch, o->buffer);
        return NULL;
    }
    nisac_td3 *t = calloc(1, sizeof *t);
    if (!t) return NULL;
    t->o = *o;
    for (int i = 0; i < NRNG; i++) nisac_rng_init(&t->rng[i], seed, 0, (uint64_t)i, 0x7d3);
    const int S = o->state_dim, A = o->action_dim;
    const int as[4] = {S, o->hidden1, o->hidden2, A}, cs[4] = {S + A, o->hidden1, o->hidden2, 1};
    t->net[ACT] = nisac_mlp_new(3, as, 1, &t->rng[R_INIT]);
    t->net[Q1] = nisac_mlp_new(3, cs, 0, &t->rng[R_INIT]);
    t->net[Q2] = nisac_mlp_new(3, cs, 0, &t->rng[R_INIT]);
    t->net[ACT_T] = nisac_mlp_new(3, as, 1, &t->rng[R_INIT]);
    t->net[Q1_T] = nisac_mlp_new(3, cs, 0, &t->rng[R_INIT]);
    t->net[Q2_T] = nisac_mlp_new(3, cs, 0, &t->rng[R_INIT]);
    int ok = 1;
    for (int i = 0; i < NNET; i++) ok &= t->net[i] != NULL;
    if (ok) {
        for (int i = 0; i < 3; i++) nisac_mlp_copy(t->net[ACT_T + i], t->net[i]);
        ok = !nisac_adam_init(&t->adam[0], nisac_mlp_nparams(t->net[ACT]), o->lr_actor) &&
             !nisac_adam_init(&t->adam[1], nisac_mlp_nparams(t->net[Q1]), o->lr_critic) &&
             !nisac_adam_init(&t->adam[2], nisac_mlp_nparams(t->net[Q2]), o->lr_critic);
    }
    const size_t Nb = (size_t)o->buffer, B = (size_t)o->batch;
    if (ok) {
        t->bs = malloc(sizeof(double) * Nb * (2 * (size_t)S + A + 2));
        t->xs = malloc(sizeof(double) * B * (2 * (size_t)S + A + 2 + (size_t)(S + A) * 2 + 4 + 2 * (size_t)A));
        ok = t->bs && t->xs;
    }
    if (!ok) {
        nisac_td3_free(t);
        NISAC_FAIL(NISAC_ENOMEM, "td3: out of memory");
        return NULL;
    }
    t->ba = t->bs + Nb * S, t->br = t->ba + Nb * A, t->bs2 = t->br + Nb, t->bd = t->bs2 + Nb * S;
    t->xa = t->xs + B * S, t->xr = t->xa + B * A, t->xs2 = t->xr + B, t->xd = t->xs2 + B * S;
    t->sa = t->xd + B, t->dsa = t->sa + B * (S + A), t->q1 = t->dsa + B * (S + A), t->q2 = t->q1 + B;
    t->qt = t->q2 + B, t->dq = t->qt + B, t->at = t->dq + B, t->da = t->at + B * A;
    return t;
}

int nisac_td3_act(nisac_td3 *t, const double *s, int explore, double *a)
{
    int rc = nisac_mlp_forward(t->net[ACT], 1, s, a);
    for (int i = 0; !rc && explore && i < t->o.action_dim; i++)
        a[i] = clampd(a[i] + t->o.expl_noise * nisac_rng_normal(&t->rng[R_EXPLORE]), -1, 1);
    return rc;
}

void nisac_td3_store(nisac_td3 *t, const double *s, const double *a, double r, const double *s2, int done)
{
    const int S = t->o.state_dim, A = t->o.action_dim;
    const size_t i = (size_t)t->pos;
    t->pos = (t->pos + 1) % t->o.buffer;
    if (t->filled < t->o.buffer) t->filled++;
    memcpy(t->bs + i * S, s, sizeof(double) * (size_t)S);
    memcpy(t->ba + i * A, a, sizeof(double) * (size_t)A);
    t->br[i] = r;
    memcpy(t->bs2 + i * S, s2, sizeof(double) * (size_t)S);
    t->bd[i] = done ? 1 : 0;
    t->stored++;
}

/* Rows of (s, a) for a critic. */
static void concat(int B, int S, int A, const double *s, const double *a, double *sa)
{
    for (int r = 0; r < B; r++) {
        memcpy(sa + (size_t)r * (S + A), s + (size_t)r * S, sizeof(double) * (size_t)S);
        memcpy(sa + (size_t)r * (S + A) + S, a + (size_t)r * A, sizeof(double) * (size_t)A);
    }
}

int nisac_td3_update(nisac_td3 *t)
{
    const nisac_td3_opts *o = &t->o;
    const int S = o->state_dim, A = o->action_dim, B = o->batch;
    const long have = t->filled;
    if (have < B) return NISAC_OK;
    /* minibatch, uniform with replacement */
    for (int r = 0; r < B; r++) {
        const size_t i = (size_t)(nisac_rng_u64(&t->rng[R_SAMPLE]) % (uint64_t)have);
        memcpy(t->xs + (size_t)r * S, t->bs + i * S, sizeof(double) * (size_t)S);
        memcpy(t->xa + (size_t)r * A, t->ba + i * A, sizeof(double) * (size_t)A);
        t->xr[r] = t->br[i];
        memcpy(t->xs2 + (size_t)r * S, t->bs2 + i * S, sizeof(double) * (size_t)S);
        t->xd[r] = t->bd[i];
    }
    /* target: y = r + gamma (1 - done) min(Q1'(s2, a2), Q2'(s2, a2)), a2 = clip(mu'(s2) + clip(noise)) */
    int rc = nisac_mlp_forward(t->net[ACT_T], B, t->xs2, t->at);
    for (int i = 0; !rc && i < B * A; i++) {
        const double e = clampd(o->policy_noise * nisac_rng_normal(&t->rng[R_NOISE]), -o->noise_clip, o->noise_clip);
        t->at[i] = clampd(t->at[i] + e, -1, 1);
    }
    if (rc) return rc;
    concat(B, S, A, t->xs2, t->at, t->sa);
    if ((rc = nisac_mlp_forward(t->net[Q1_T], B, t->sa, t->q1)) || (rc = nisac_mlp_forward(t->net[Q2_T], B, t->sa, t->q2)))
        return rc;
    for (int r = 0; r < B; r++) t->qt[r] = t->xr[r] + o->gamma * (1 - t->xd[r]) * fmin(t->q1[r], t->q2[r]);
    /* critics: mean squared error to y */
    concat(B, S, A, t->xs, t->xa, t->sa);
    for (int c = 0; c < 2; c++) {
        nisac_mlp *q = t->net[Q1 + c];
        if ((rc = nisac_mlp_forward(q, B, t->sa, t->q1))) return rc;
        for (int r = 0; r < B; r++) t->dq[r] = 2 * (t->q1[r] - t->qt[r]) / B;
        nisac_mlp_zero_grad(q);
        nisac_mlp_backward(q, t->dq, NULL);
        nisac_adam_step(&t->adam[1 + c], nisac_mlp_params(q), nisac_mlp_grads(q));
    }
    t->updates++;
    if (t->updates % o->policy_delay) return NISAC_OK;
    /* actor: ascend Q1(s, mu(s)); dL/da = -dQ1/da / B through the critic, then through the actor */
    if ((rc = nisac_mlp_forward(t->net[ACT], B, t->xs, t->at))) return rc;
    concat(B, S, A, t->xs, t->at, t->sa);
    if ((rc = nisac_mlp_forward(t->net[Q1], B, t->sa, t->q1))) return rc;
    for (int r = 0; r < B; r++) t->dq[r] = -1.0 / B;
    nisac_mlp_backward(t->net[Q1], t->dq, t->dsa); /* the critic's gradients are discarded (zeroed before use) */
    for (int r = 0; r < B; r++)
        memcpy(t->da + (size_t)r * A, t->dsa + (size_t)r * (S + A) + S, sizeof(double) * (size_t)A);
    nisac_mlp_zero_grad(t->net[ACT]);
    nisac_mlp_backward(t->net[ACT], t->da, NULL);
    nisac_adam_step(&t->adam[0], nisac_mlp_params(t->net[ACT]), nisac_mlp_grads(t->net[ACT]));
    for (int i = 0; i < 3; i++) nisac_mlp_soft_update(t->net[ACT_T + i], t->net[i], o->tau);
    return NISAC_OK;
}

/* ---- checkpoints ---- */

#define MAGIC "NISACTD3"

static int put(FILE *f, const void *p, size_t n) { return fwrite(p, 1, n, f) == n ? 0 : -1; }
static int get(FILE *f, void *p, size_t n) { return fread(p, 1, n, f) == n ? 0 : -1; }

int nisac_td3_save(const nisac_td3 *t, const char *path)
{
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid());
    FILE *f = fopen(tmp, "wb");
    if (!f) return NISAC_FAIL(NISAC_EIO, "%s: cannot write the checkpoint", path);
    const int version = 1;
    int e = put(f, MAGIC, 8) | put(f, &version, sizeof version) | put(f, &t->o, sizeof t->o) |
            put(f, &t->stored, sizeof t->stored) | put(f, &t->updates, sizeof t->updates) |
            put(f, t->rng, sizeof t->rng);
    for (int i = 0; i < NNET; i++) {
        const nisac_mlp *m = t->net[i];
        e |= put(f, nisac_mlp_params((nisac_mlp *)m), sizeof(double) * (size_t)nisac_mlp_nparams(m));
    }
    for (int i = 0; i < 3; i++)
        e |= put(f, &t->adam[i].t, sizeof t->adam[i].t) | put(f, t->adam[i].m, sizeof(double) * (size_t)t->adam[i].n) |
             put(f, t->adam[i].v, sizeof(double) * (size_t)t->adam[i].n);
    e |= fflush(f) | fsync(fileno(f));
    e |= fclose(f);
    if (e || rename(tmp, path)) {
        remove(tmp);
        return NISAC_FAIL(NISAC_EIO, "%s: cannot write the checkpoint", path);
    }
    return NISAC_OK;
}

int nisac_td3_load(const char *path, nisac_td3 **out)
{
    *out = NULL;
    FILE *f = fopen(path, "rb");
    if (!f) return NISAC_FAIL(NISAC_EIO, "%s: cannot read the checkpoint", path);
    char magic[8];
    int version = 0;
    nisac_td3_opts o;
    if (get(f, magic, 8) || memcmp(magic, MAGIC, 8) || get(f, &version, sizeof version) || version != 1 ||
        get(f, &o, sizeof o)) {
        fclose(f);
        return NISAC_FAIL(NISAC_EPARSE, "%s: not a TD3 checkpoint of this version", path);
    }
    if (o.state_dim < 1 || o.state_dim > (1 << 20) || o.action_dim < 1 || o.action_dim > (1 << 20) ||
        o.hidden1 < 1 || o.hidden1 > (1 << 16) || o.hidden2 < 1 || o.hidden2 > (1 << 16) || o.batch < 1 ||
        o.buffer < o.batch || o.buffer > (1 << 26)) {
        fclose(f);
        return NISAC_FAIL(NISAC_EPARSE, "%s: implausible sizes in the checkpoint", path);
    }
    nisac_td3 *t = nisac_td3_new(&o, 0);
    if (!t) {
        fclose(f);
        return NISAC_FAIL(NISAC_ENOMEM, "%s: out of memory", path);
    }
    int e = get(f, &t->stored, sizeof t->stored) | get(f, &t->updates, sizeof t->updates) | get(f, t->rng, sizeof t->rng);
    for (int i = 0; i < NNET && !e; i++)
        e |= get(f, nisac_mlp_params(t->net[i]), sizeof(double) * (size_t)nisac_mlp_nparams(t->net[i]));
    for (int i = 0; i < 3 && !e; i++)
        e |= get(f, &t->adam[i].t, sizeof t->adam[i].t) | get(f, t->adam[i].m, sizeof(double) * (size_t)t->adam[i].n) |
             get(f, t->adam[i].v, sizeof(double) * (size_t)t->adam[i].n);
    char extra;
    if (!e && fread(&extra, 1, 1, f) == 1) e = -1; /* trailing bytes: not this format */
    fclose(f);
    if (e) {
        nisac_td3_free(t);
        return NISAC_FAIL(NISAC_EPARSE, "%s: truncated or damaged checkpoint", path);
    }
    *out = t; /* its replay buffer starts empty */
    return NISAC_OK;
}
