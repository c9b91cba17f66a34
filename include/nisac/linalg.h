/* Complex dense linear algebra over CBLAS/LAPACKE.
 *
 * Matrices are column-major double complex with an explicit leading
 * dimension: element (i, j) of A is A[i + j*lda].  Functions take raw
 * pointers so they pass straight to BLAS/LAPACK; nisac_cmat bundles a
 * matrix with its sizes for callers who want ownership in one object. */
#ifndef NISAC_LINALG_H
#define NISAC_LINALG_H

#include <complex.h>

#ifdef __cplusplus
extern "C" {
#endif
#pragma GCC visibility push(default) /* the public API of the shared library */

typedef struct nisac_cmat {
    int rows, cols, ld;    /* ld >= rows */
    double complex *data;  /* owned: ld*cols elements */
} nisac_cmat;

/* Zero-filled rows x cols matrix (ld = rows); NULL on failure.  Free with
 * nisac_cmat_free. */
nisac_cmat *nisac_cmat_new(int rows, int cols);
void nisac_cmat_free(nisac_cmat *m);
#define NISAC_AT(m, i, j) ((m)->data[(size_t)(j) * (size_t)(m)->ld + (size_t)(i)])

/* x^H y for n-vectors. */
double complex nisac_cdot(int n, const double complex *x, const double complex *y);
/* ||x||_2^2. */
double nisac_cnorm2(int n, const double complex *x);
/* x^H A y with A n x n (lda). */
double complex nisac_cquad(int n, const double complex *x, const double complex *A, int lda,
                           const double complex *y);
/* y = A x (A m x n, lda). */
void nisac_cgemv(int m, int n, const double complex *A, int lda, const double complex *x,
                 double complex *y);
/* C = alpha*op(A)*op(B) + beta*C; op is 'N', 'T' or 'C' (conjugate transpose).
 * op(A) is m x k, op(B) is k x n, C is m x n. */
void nisac_cgemm(char ta, char tb, int m, int n, int k, double complex alpha,
                 const double complex *A, int lda, const double complex *B, int ldb,
                 double complex beta, double complex *C, int ldc);
/* A += alpha x x^H (A n x n). */
void nisac_cher1(int n, double alpha, const double complex *x, double complex *A, int lda);

/* Hermitian eigendecomposition of A (n x n, only the lower triangle read):
 * eigenvalues w[n] ascending, orthonormal eigenvectors as columns of V
 * (n x n, ldv; may alias A with ldv == lda).  NISAC_ELAPACK on failure. */
int nisac_heig(int n, const double complex *A, int lda, double *w, double complex *V, int ldv);
/* Cholesky A = L L^H in place (lower triangle).  NISAC_ELAPACK if A is
 * not positive definite. */
int nisac_chol(int n, double complex *A, int lda);
/* Solves (L L^H) X = B with the factor of nisac_chol (B overwritten). */
int nisac_chol_solve(int n, int nrhs, const double complex *L, int ldl, double complex *B, int ldb);
/* Solves A X = B for square A (n x n, overwritten by its LU factors) and
 * B n x nrhs (overwritten by X).  NISAC_ELAPACK if A is singular. */
int nisac_csolve(int n, int nrhs, double complex *A, int lda, double complex *B, int ldb);

/* Trust-region subproblem: min over ||x||_2 <= eps of
 *   f(x) = x^H B x + 2 Re(c^H x) + q,
 * B Hermitian n x n (ldb, lower triangle read), by eigendecomposition and
 * the secular equation (hard case included).  Writes the minimiser to x
 * (may be NULL) and the minimum to *fmin. */
int nisac_trs_min(int n, const double complex *B, int ldb, const double complex *c, double q,
                  double eps, double complex *x, double *fmin);

#pragma GCC visibility pop

#ifdef __cplusplus
}
#endif
#endif
