/* Networks and the TD3 agent: back-propagation against central finite
 * differences, Adam's first step in closed form, TD3 learning two small
 * control tasks to stated returns (a one-step tracking task and a
 * ten-step point mass), bit-identical determinism for a seed, and
 * checkpoints that reload bit-identically (damaged ones refused). */
#include "harness.h"
#include "nisac/nisac.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* L = sum_i w_i Y_i(X) for the batch of 3 */
static double loss(nisac_mlp *m, const double *X, const double *w)
{
    double Y[6], l = 0;
    nisac_mlp_forward(m, 3, X, Y);
    for (int j = 0; j < 6; j++) l += w[j] * Y[j];
    return l;
}

/* Central difference of the loss in x[i] (a parameter or an input). */
static double central(nisac_mlp *m, double *x, int i, const double *X, const double *w)
{
    const double keep = x[i], h = 1e-6;
    x[i] = keep + h;
    const double lp = loss(m, X, w);
    x[i] = keep - h;
    const double lm = loss(m, X, w);
    x[i] = keep;
    return (lp - lm) / (2 * h);
}

static void test_backprop_finite_differences(void)
{
    nisac_rng g;
    nisac_rng_init(&g, 5, 0, 0, 1);
    for (int tanh_out = 0; tanh_out < 2; tanh_out++) {
        const int sizes[4] = {3, 5, 4, 2}, B = 3;
        nisac_mlp *m = nisac_mlp_new(3, sizes, tanh_out, &g);
        CHECK(m != NULL);
        if (!m) return;
        double *p = nisac_mlp_params(m);
        const int np = nisac_mlp_nparams(m);
        CHECK(np == 3 * 5 + 5 + 5 * 4 + 4 + 4 * 2 + 2);
        for (int i = 0; i < np; i++) p[i] = 0.8 * (2 * nisac_rng_uniform(&g) - 1); /* away from 0: no ReLU kinks */
        double X[9], w[6], Y[6], dX[9];
        for (int i = 0; i < 9; i++) X[i] = 2 * nisac_rng_uniform(&g) - 1;
        for (int i = 0; i < 6; i++) w[i] = 2 * nisac_rng_uniform(&g) - 1;
        /* L = sum_i w_i Y_i: dL/dY = w */
        CHECK(nisac_mlp_forward(m, B, X, Y) == 0);
        nisac_mlp_zero_grad(m);
        nisac_mlp_backward(m, w, dX);
        const double *gr = nisac_mlp_grads(m);
        double worst = 0;
        for (int i = 0; i < np; i++)
            worst = fmax(worst, fabs(central(m, p, i, X, w) - gr[i]) / fmax(1, fabs(gr[i])));
        for (int i = 0; i < 9; i++) worst = fmax(worst, fabs(central(m, X, i, X, w) - dX[i]) / fmax(1, fabs(dX[i])));
        CHECK_MSG(worst < 1e-7, "output %s: largest gradient error %g", tanh_out ? "tanh" : "linear", worst);
        nisac_mlp_free(m);
    }
}

/* Adam's first step: m/(1-b1) = g and v/(1-b2) = g^2, so p moves by lr g / (|g| + eps). */
static void test_adam_first_step(void)
{
    nisac_adam a;
    CHECK(nisac_adam_init(&a, 3, 0.01) == 0);
    double p[3] = {1, 2, 3};
    const double g[3] = {0.5, -2, 1e-3};
    nisac_adam_step(&a, p, g);
    CHECK_REL(p[0], 1 - 0.01 * 0.5 / (0.5 + 1e-8), 1e-14);
    CHECK_REL(p[1], 2 + 0.01 * 2 / (2 + 1e-8), 1e-14);
    CHECK_REL(p[2], 3 - 0.01 * 1e-3 / (1e-3 + 1e-8), 1e-14);
    nisac_adam_free(&a);
}

static nisac_td3 *small_agent(int S, int A, uint64_t seed)
{
    nisac_td3_opts o;
    nisac_td3_opts_default(&o, S, A);
    o.hidden1 = 32, o.hidden2 = 32, o.batch = 64, o.buffer = 20000;
    return nisac_td3_new(&o, seed);
}

/* One step: s uniform in [-1, 1], reward -(a - s)^2.  The best policy a = s has return 0, the
 * zero policy -1/3.  Stated: after 3000 updates the mean return of 400 test states exceeds -0.01. */
static void test_td3_tracking(void)
{
    nisac_td3 *t = small_agent(1, 1, 11);
    CHECK(t != NULL);
    if (!t) return;
    nisac_rng e;
    nisac_rng_init(&e, 12, 0, 0, 1);
    for (int step = 0; step < 3000; step++) {
        double s = 2 * nisac_rng_uniform(&e) - 1, a;
        nisac_td3_act(t, &s, 1, &a);
        nisac_td3_store(t, &s, &a, -(a - s) * (a - s), &s, 1);
        CHECK(nisac_td3_update(t) == 0);
    }
    double ret = 0;
    for (int i = 0; i < 400; i++) {
        double s = -1 + 2 * (i + 0.5) / 400, a;
        nisac_td3_act(t, &s, 0, &a);
        ret -= (a - s) * (a - s);
    }
    ret /= 400;
    CHECK_MSG(ret > -0.01, "mean return %g", ret);
    nisac_td3_free(t);
}

/* A point mass: x' = clip(x + 0.2 a, -2, 2), reward -x'^2, 10 steps from x0 uniform in [-1, 1],
 * discount 0.9.  Doing nothing returns -10/3 on average; stated: after 150 training episodes the
 * mean return of 50 test episodes (no exploration) exceeds -1.2. */
static double episode(nisac_td3 *t, nisac_rng *e, int train)
{
    double x = 2 * nisac_rng_uniform(e) - 1, ret = 0;
    for (int k = 0; k < 10; k++) {
        double a;
        nisac_td3_act(t, &x, train, &a);
        double x2 = x + 0.2 * a;
        x2 = x2 < -2 ? -2 : x2 > 2 ? 2 : x2;
        const double r = -x2 * x2;
        ret += r;
        if (train) {
            nisac_td3_store(t, &x, &a, r, &x2, k == 9);
            nisac_td3_update(t);
        }
        x = x2;
    }
    return ret;
}

static void test_td3_point_mass(void)
{
    nisac_td3_opts o;
    nisac_td3_opts_default(&o, 1, 1);
    o.hidden1 = 32, o.hidden2 = 32, o.batch = 64, o.buffer = 20000, o.gamma = 0.9;
    nisac_td3 *t = nisac_td3_new(&o, 21);
    CHECK(t != NULL);
    if (!t) return;
    nisac_rng e;
    nisac_rng_init(&e, 22, 0, 0, 1);
    for (int ep = 0; ep < 150; ep++) episode(t, &e, 1);
    double ret = 0;
    for (int ep = 0; ep < 50; ep++) ret += episode(t, &e, 0) / 50;
    CHECK_MSG(ret > -1.2, "mean test return %g (doing nothing: -3.33)", ret);
    nisac_td3_free(t);
}

/* The same seed and data give the same agent to the bit; a checkpoint reloads to the bit. */
static void test_td3_determinism_and_checkpoint(void)
{
    nisac_td3 *a = small_agent(3, 2, 31), *b = small_agent(3, 2, 31);
    CHECK(a && b);
    if (!a || !b) return;
    nisac_rng e;
    nisac_rng_init(&e, 32, 0, 0, 1);
    for (int step = 0; step < 300; step++) {
        double s[3], s2[3], x[2], y[2];
        for (int i = 0; i < 3; i++) s[i] = nisac_rng_normal(&e), s2[i] = nisac_rng_normal(&e);
        const double r = nisac_rng_normal(&e);
        nisac_td3_act(a, s, 1, x);
        nisac_td3_act(b, s, 1, y);
        CHECK(!memcmp(x, y, sizeof x));
        nisac_td3_store(a, s, x, r, s2, 0);
        nisac_td3_store(b, s, y, r, s2, 0);
        nisac_td3_update(a);
        nisac_td3_update(b);
    }
    char path[] = "/tmp/nisac-td3-XXXXXX";
    const int fd = mkstemp(path);
    CHECK(fd >= 0);
    if (fd >= 0) close(fd);
    CHECK(nisac_td3_save(a, path) == 0);
    nisac_td3 *c = NULL;
    CHECK(nisac_td3_load(path, &c) == 0);
    for (int k = 0; c && k < 20; k++) {
        double s[3], x[2], y[2];
        for (int i = 0; i < 3; i++) s[i] = nisac_rng_normal(&e);
        nisac_td3_act(a, s, 0, x);
        nisac_td3_act(c, s, 0, y);
        CHECK(!memcmp(x, y, sizeof x));
        nisac_td3_act(b, s, 0, y);
        CHECK(!memcmp(x, y, sizeof x));
    }
    CHECK(c && nisac_td3_steps(c) == nisac_td3_steps(a));
    /* a truncated checkpoint is refused with the file's name */
    FILE *f = fopen(path, "r+b");
    if (f) {
        fseek(f, 0, SEEK_END);
        const long n = ftell(f);
        fclose(f);
        CHECK(truncate(path, n / 2) == 0);
    }
    nisac_td3 *d = NULL;
    CHECK(nisac_td3_load(path, &d) == NISAC_EPARSE && d == NULL);
    CHECK(strstr(nisac_last_error(), path) != NULL);
    remove(path);
    nisac_td3_free(a), nisac_td3_free(b), nisac_td3_free(c);
}

int main(void)
{
    RUN(test_backprop_finite_differences);
    RUN(test_adam_first_step);
    RUN(test_td3_tracking);
    RUN(test_td3_point_mass);
    RUN(test_td3_determinism_and_checkpoint);
    TEST_END();
}
