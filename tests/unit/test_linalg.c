/* linalg: eigendecomposition, Cholesky and solves checked by residuals. */
#include "harness.h"
#include "nisac/core.h"
#include "nisac/linalg.h"
#include "nisac/rng.h"

#include <string.h>

#define NN 6

static void random_hpd(nisac_rng *r, double complex *A, double shift)
{
    double complex G[NN * NN];
    nisac_rng_cn_vec(r, NN * NN, 1.0, G);
    /* A = G G^H + shift I */
    nisac_cgemm('N', 'C', NN, NN, NN, 1.0, G, NN, G, NN, 0.0, A, NN);
    for (int i = 0; i < NN; i++) A[i + i * NN] += shift;
}

static void test_heig(void)
{
    nisac_rng r;
    nisac_rng_init(&r, 2, 0, 0, NISAC_PURPOSE_EVAL);
    double complex A[NN * NN], V[NN * NN], AV[NN * NN];
    double w[NN];
    random_hpd(&r, A, -2.0); /* indefinite */
    CHECK(nisac_heig(NN, A, NN, w, V, NN) == NISAC_OK);
    for (int i = 1; i < NN; i++) CHECK(w[i] >= w[i - 1]);
    nisac_cgemm('N', 'N', NN, NN, NN, 1.0, A, NN, V, NN, 0.0, AV, NN);
    double res = 0, orth = 0;
    for (int j = 0; j < NN; j++)
        for (int i = 0; i < NN; i++) {
            res = fmax(res, cabs(AV[i + j * NN] - w[j] * V[i + j * NN]));
            double complex g = nisac_cdot(NN, V + i * NN, V + j * NN);
            orth = fmax(orth, cabs(g - (i == j ? 1.0 : 0.0)));
        }
    CHECK(res < 1e-12 * (1 + fabs(w[NN - 1])) * 10);
    CHECK(orth < 1e-13);
    /* trace = sum of eigenvalues */
    double tr = 0, sw = 0;
    for (int i = 0; i < NN; i++) {
        tr += creal(A[i + i * NN]);
        sw += w[i];
    }
    CHECK_REL(tr, sw, 1e-12);
}

static void test_chol_and_solve(void)
{
    nisac_rng r;
    nisac_rng_init(&r, 3, 0, 0, NISAC_PURPOSE_EVAL);
    double complex A[NN * NN], L[NN * NN], LLH[NN * NN], B[NN * 2], X[NN * 2], AX[NN * 2], A2[NN * NN];
    random_hpd(&r, A, 0.5);
    memcpy(L, A, sizeof A);
    CHECK(nisac_chol(NN, L, NN) == NISAC_OK);
    for (int j = 0; j < NN; j++)
        for (int i = 0; i < j; i++) L[i + j * NN] = 0; /* keep the lower factor */
    nisac_cgemm('N', 'C', NN, NN, NN, 1.0, L, NN, L, NN, 0.0, LLH, NN);
    double e = 0;
    for (int i = 0; i < NN * NN; i++) e = fmax(e, cabs(LLH[i] - A[i]));
    CHECK(e < 1e-12 * 10 * NN);
    /* not positive definite: reported, not crashed */
    double complex Nd[4] = {1, 0, 0, -1};
    CHECK(nisac_chol(2, Nd, 2) == NISAC_ELAPACK);
    nisac_rng_cn_vec(&r, NN * 2, 1.0, B);
    memcpy(X, B, sizeof B);
    memcpy(A2, A, sizeof A);
    CHECK(nisac_csolve(NN, 2, A2, NN, X, NN) == NISAC_OK);
    nisac_cgemm('N', 'N', NN, 2, NN, 1.0, A, NN, X, NN, 0.0, AX, NN);
    e = 0;
    for (int i = 0; i < NN * 2; i++) e = fmax(e, cabs(AX[i] - B[i]));
    CHECK(e < 1e-10);
    double complex S[4] = {1, 1, 1, 1};
    double complex b2[2] = {1, 2};
    CHECK(nisac_csolve(2, 1, S, 2, b2, 2) == NISAC_ELAPACK); /* singular */
}

int main(void)
{
    RUN(test_heig);
    RUN(test_chol_and_solve);
    TEST_END();
}
