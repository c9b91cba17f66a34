/* Learning: fully connected networks on CBLAS with Adam, and the TD3
 * agent (twin delayed deep deterministic policy gradient; Fujimoto, van
 * Hoof and Meger 2018) that paper 004's section 6.3.4 uses.  Knows no
 * system.  docs/models/td3.md.  Deterministic for a seed (nisac_rng
 * streams; BLAS on fixed partitions). */
#ifndef NISAC_LEARN_H
#define NISAC_LEARN_H

#include <stdint.h>
#include "nisac/rng.h"

#ifdef __cplusplus
extern "C" {
#endif
#pragma GCC visibility push(default) /* the public API of the shared library */

/* ---- networks ---- */
typedef struct nisac_mlp nisac_mlp;

/* A network of nl layers: sizes[0] inputs, sizes[nl] outputs, ReLU after
 * every hidden layer, the output linear (out_tanh 0) or tanh (1).
 * Parameters, layer by layer: W (out x in, row-major) then b (out).
 * Hidden layers start He-uniform, U(-sqrt(6/in), sqrt(6/in)), the last
 * U(-3e-3, 3e-3); biases 0.  NULL when out of memory. */
nisac_mlp *nisac_mlp_new(int nl, const int *sizes, int out_tanh, nisac_rng *init);
void nisac_mlp_free(nisac_mlp *m);
int nisac_mlp_nparams(const nisac_mlp *m);
int nisac_mlp_inputs(const nisac_mlp *m);
int nisac_mlp_outputs(const nisac_mlp *m);
double *nisac_mlp_params(nisac_mlp *m);
double *nisac_mlp_grads(nisac_mlp *m);
/* Y = f(X) for a batch (X: batch x inputs, Y: batch x outputs, row-major);
 * keeps the activations for nisac_mlp_backward.  NISAC_ENOMEM when a
 * larger batch than before cannot be held. */
int nisac_mlp_forward(nisac_mlp *m, int batch, const double *X, double *Y);
/* Back-propagation of dL/dY (batch x outputs) through the last forward:
 * adds dL/dparams to the gradients and writes dL/dX (batch x inputs) when
 * dX is not NULL. */
void nisac_mlp_backward(nisac_mlp *m, const double *dY, double *dX);
void nisac_mlp_zero_grad(nisac_mlp *m);
/* dst's parameters = src's (same sizes); dst = tau src + (1 - tau) dst. */
void nisac_mlp_copy(nisac_mlp *dst, const nisac_mlp *src);
void nisac_mlp_soft_update(nisac_mlp *dst, const nisac_mlp *src, double tau);

/* Adam (Kingma and Ba): m = b1 m + (1 - b1) g, v = b2 v + (1 - b2) g^2,
 * p -= lr (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps). */
typedef struct nisac_adam {
    int n;
    long t;
    double lr, b1, b2, eps;
    double *m, *v;
} nisac_adam;
int nisac_adam_init(nisac_adam *a, int n, double lr);
void nisac_adam_free(nisac_adam *a);
void nisac_adam_step(nisac_adam *a, double *params, const double *grads);

/* ---- TD3 ---- */
typedef struct nisac_td3_opts {
    int state_dim, action_dim;
    int hidden1, hidden2;      /* [256, 128] in the paper */
    double gamma, tau;         /* discount 0.99, target soft update 0.005 */
    double lr_actor, lr_critic;
    double policy_noise, noise_clip; /* target-policy smoothing: N(0, 0.2^2) clipped to 0.5 */
    double expl_noise;         /* exploration: N(0, 0.1^2) */
    int policy_delay;          /* actor and target updates every 2 critic updates */
    int batch;                 /* minibatch 256 */
    int buffer;                /* replay capacity */
} nisac_td3_opts;
void nisac_td3_opts_default(nisac_td3_opts *o, int state_dim, int action_dim);

typedef struct nisac_td3 nisac_td3;
nisac_td3 *nisac_td3_new(const nisac_td3_opts *o, uint64_t seed);
void nisac_td3_free(nisac_td3 *t);
const nisac_td3_opts *nisac_td3_options(const nisac_td3 *t);
/* The policy's action in [-1, 1]^action_dim; explore: plus clipped
 * exploration noise from the agent's stream. */
int nisac_td3_act(nisac_td3 *t, const double *s, int explore, double *a);
/* One transition into the replay buffer (the oldest is overwritten when full). */
void nisac_td3_store(nisac_td3 *t, const double *s, const double *a, double r, const double *s2, int done);
/* One update: both critics on a minibatch; every policy_delay updates the
 * actor (deterministic policy gradient through critic 1) and the targets.
 * Does nothing until the buffer holds a minibatch.  Returns NISAC_OK or an error. */
int nisac_td3_update(nisac_td3 *t);
/* Transitions stored and updates made. */
long nisac_td3_steps(const nisac_td3 *t);
/* Checkpoint: the options, every network (actor, critics, targets), the
 * Adam states, the counters and the random streams, written atomically.
 * The replay buffer is not kept (at the paper's sizes it would be
 * gigabytes): a reloaded agent acts bit-identically, and its training
 * goes on with an empty buffer. */
int nisac_td3_save(const nisac_td3 *t, const char *path);
int nisac_td3_load(const char *path, nisac_td3 **out);

#pragma GCC visibility pop

#ifdef __cplusplus
}
#endif
#endif
