#include "nisac/linalg.h"
#include "nisac/core.h"

#include <cblas.h>
#include <lapacke.h>
#include <stdlib.h>
#include <string.h>

nisac_cmat *nisac_cmat_new(int rows, int cols)
{
    if (rows < 0 || cols < 0) return NULL;
    nisac_cmat *m = malloc(sizeof *m);
    if (!m) return NULL;
    m->rows = rows;
    m->cols = cols;
    m->ld = rows > 0 ? rows : 1;
    m->data = nisac_calloc((size_t)m->ld * (size_t)(cols > 0 ? cols : 1), sizeof(double complex));
    if (!m->data) {
        free(m);
        return NULL;
    }
    return m;
}

void nisac_cmat_free(nisac_cmat *m)
{
    if (!m) return;
    free(m->data);
    free(m);
}

double complex nisac_cdot(int n, const double complex *x, const double complex *y)
{
    double complex r;
    cblas_zdotc_sub(n, x, 1, y, 1, &r);
    return r;
}

double nisac_cnorm2(int n, const double complex *x)
{
    double s = 0.0;
    for (int i = 0; i < n; i++) s += creal(x[i]) * creal(x[i]) + cimag(x[i]) * cimag(x[i]);
    return s;
}

void nisac_cgemv(int m, int n, const double complex *A, int lda, const double complex *x,
                 double complex *y)
{
    const double complex one = 1.0, zero = 0.0;
    cblas_zgemv(CblasColMajor, CblasNoTrans, m, n, &one, A, lda, x, 1, &zero, y, 1);
}

double complex nisac_cquad(int n, const double complex *x, const double complex *A, int lda,
                           const double complex *y)
{
    double complex s = 0.0;
    for (int j = 0; j < n; j++) {
        double complex col = 0.0;
        for (int i = 0; i < n; i++) col += conj(x[i]) * A[i + (size_t)j * lda];
        s += col * y[j];
    }
    return s;
}

static CBLAS_TRANSPOSE to_trans(char t)
{
    return t == 'T' ? CblasTrans : t == 'C' ? CblasConjTrans : CblasNoTrans;
}

void nisac_cgemm(char ta, char tb, int m, int n, int k, double complex alpha,
                 const double complex *A, int lda, const double complex *B, int ldb,
                 double complex beta, double complex *C, int ldc)
{
    cblas_zgemm(CblasColMajor, to_trans(ta), to_trans(tb), m, n, k, &alpha, A, lda, B, ldb,
                &beta, C, ldc);
}

void nisac_cher1(int n, double alpha, const double complex *x, double complex *A, int lda)
{
    for (int j = 0; j < n; j++)
        for (int i = 0; i < n; i++) A[i + (size_t)j * lda] += alpha * x[i] * conj(x[j]);
}

int nisac_heig(int n, const double complex *A, int lda, double *w, double complex *V, int ldv)
{
    if (n <= 0) return NISAC_FAIL(NISAC_EINVAL, "heig: n=%d", n);
    if (V != A)
        for (int j = 0; j < n; j++)
            memcpy(V + (size_t)j * ldv, A + (size_t)j * lda, sizeof(double complex) * (size_t)n);
    lapack_int info = LAPACKE_zheevd(LAPACK_COL_MAJOR, 'V', 'L', n, V, ldv, w);
    if (info != 0) return NISAC_FAIL(NISAC_ELAPACK, "zheevd failed: info=%d", (int)info);
    return NISAC_OK;
}

int nisac_chol(int n, double complex *A, int lda)
{
    lapack_int info = LAPACKE_zpotrf(LAPACK_COL_MAJOR, 'L', n, A, lda);
    if (info != 0) return NISAC_FAIL(NISAC_ELAPACK, "zpotrf failed: info=%d", (int)info);
    return NISAC_OK;
}

int nisac_chol_solve(int n, int nrhs, const double complex *L, int ldl, double complex *B, int ldb)
{
    lapack_int info = LAPACKE_zpotrs(LAPACK_COL_MAJOR, 'L', n, nrhs, L, ldl, B, ldb);
    if (info != 0) return NISAC_FAIL(NISAC_ELAPACK, "zpotrs failed: info=%d", (int)info);
    return NISAC_OK;
}

int nisac_csolve(int n, int nrhs, double complex *A, int lda, double complex *B, int ldb)
{
    lapack_int *piv = malloc(sizeof(lapack_int) * (size_t)(n > 0 ? n : 1));
    if (!piv) return NISAC_FAIL(NISAC_ENOMEM, "csolve: out of memory");
    lapack_int info = LAPACKE_zgesv(LAPACK_COL_MAJOR, n, nrhs, A, lda, piv, B, ldb);
    free(piv);
    if (info != 0) return NISAC_FAIL(NISAC_ELAPACK, "zgesv failed: info=%d", (int)info);
    return NISAC_OK;
}
