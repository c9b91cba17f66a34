/* MATLAB .mat files (v5 and v7.3) for channels, through libmatio
 * (include/nisac/npy.h declares both file formats). */
#include "nisac/npy.h"
#include "nisac/params.h"
#include "exp_internal.h"

#include <complex.h>
#include <math.h>
#include <matio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The variable var (else the first) of at most maxrank dimensions:
 * rows x cols (x count), column-major as MATLAB keeps it. */
static int mat_read(const char *path, const char *var, int maxrank, int *count, int *rows, int *cols,
                    double complex **data)
{
    *data = NULL;
    mat_t *m = Mat_Open(path, MAT_ACC_RDONLY);
    if (!m) return NISAC_FAIL(NISAC_EIO, "%s: cannot open as a .mat file", path);
    matvar_t *v = var ? Mat_VarRead(m, var) : NULL;
    if (!v) { /* the named variable, else the first one */
        Mat_Rewind(m);
        v = Mat_VarReadNext(m);
    }
    int rc = NISAC_OK;
    if (!v) rc = NISAC_FAIL(NISAC_EPARSE, "%s: no variable%s%s", path, var ? " called " : "", var ? var : "");
    else if (v->class_type != MAT_C_DOUBLE || v->rank < 2 || v->rank > maxrank || !v->data)
        rc = NISAC_FAIL(NISAC_EPARSE, "%s: variable '%s': expected a %s double array", path, v->name ? v->name : "?",
                        maxrank == 2 ? "2-D" : "2-D or 3-D");
    else if (v->dims[0] > (1u << 24) || v->dims[1] > (1u << 24) || (v->rank == 3 && v->dims[2] > (1u << 24)) ||
             (double)v->dims[0] * v->dims[1] * (v->rank == 3 ? v->dims[2] : 1) > 1e9)
        rc = NISAC_FAIL(NISAC_EPARSE, "%s: variable '%s' is too large", path, v->name);
    if (!rc) {
        const size_t r = v->dims[0], c = v->dims[1], t = v->rank == 3 ? v->dims[2] : 1, n = r * c * t;
        double complex *z = n ? malloc(sizeof(double complex) * n) : NULL;
        if (!n) rc = NISAC_FAIL(NISAC_EPARSE, "%s: variable '%s' is empty", path, v->name);
        else if (!z) rc = NISAC_FAIL(NISAC_ENOMEM, "%s: out of memory", path);
        else {
            const double *re = v->isComplex ? ((mat_complex_split_t *)v->data)->Re : v->data;
            const double *im = v->isComplex ? ((mat_complex_split_t *)v->data)->Im : NULL;
            for (size_t i = 0; i < n; i++) z[i] = re[i] + I * (im ? im[i] : 0); /* column-major, as MATLAB */
            *data = z, *rows = (int)r, *cols = (int)c, *count = (int)t;
        }
    }
    Mat_VarFree(v);
    Mat_Close(m);
    return rc;
}

int nisac_mat_read(const char *path, const char *var, int *rows, int *cols, double complex **data)
{
    int count;
    return mat_read(path, var, 2, &count, rows, cols, data);
}

int nisac_mat_read_stack(const char *path, const char *var, int *count, int *rows, int *cols, double complex **data)
{
    return mat_read(path, var, 3, count, rows, cols, data);
}

int nisac_mat_write_vars(const char *path, const nisac_mat_var *vars, int n, int v73)
{
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid());
    remove(tmp);
    mat_t *m = Mat_CreateVer(tmp, NULL, v73 ? MAT_FT_MAT73 : MAT_FT_MAT5);
    int e = !m, nomem = 0;
    for (int k = 0; k < n && !e; k++) {
        const nisac_mat_var *a = &vars[k];
        const size_t cnt = (size_t)a->rows * a->cols;
        size_t dims[2] = {(size_t)a->rows, (size_t)a->cols};
        double *re = NULL;
        matvar_t *v;
        if (a->z) { /* split into real and imaginary parts, as the format keeps them */
            if (!(re = malloc(sizeof(double) * 2 * (cnt ? cnt : 1)))) {
                e = nomem = 1;
                break;
            }
            for (size_t i = 0; i < cnt; i++) re[i] = creal(a->z[i]), re[cnt + i] = cimag(a->z[i]);
            mat_complex_split_t split = {re, re + cnt};
            v = Mat_VarCreate(a->name, MAT_C_DOUBLE, MAT_T_DOUBLE, 2, dims, &split, MAT_F_COMPLEX);
        } else {
            v = Mat_VarCreate(a->name, MAT_C_DOUBLE, MAT_T_DOUBLE, 2, dims, (void *)a->x, MAT_F_DONT_COPY_DATA);
        }
        e = !v || Mat_VarWrite(m, v, MAT_COMPRESSION_NONE);
        Mat_VarFree(v);
        free(re);
    }
    if (m) e |= Mat_Close(m);
    if (e || rename(tmp, path)) {
        remove(tmp);
        if (nomem) return NISAC_FAIL(NISAC_ENOMEM, "%s: out of memory", path);
        return NISAC_FAIL(NISAC_EIO, "%s: cannot write the .mat file%s", path, v73 ? " (v7.3)" : "");
    }
    return NISAC_OK;
}

int nisac_mat_write(const char *path, const char *var, int rows, int cols, const double complex *data, int v73)
{
    nisac_mat_var v = {var, rows, cols, data, NULL};
    return nisac_mat_write_vars(path, &v, 1, v73);
}

int nisac__read_channel_file(const char *path, const char *var, int stack, int *count, int *outer, int *inner,
                             double complex **data)
{
    *data = NULL;
    const size_t pl = strlen(path);
    const int mat = pl > 4 && !strcmp(path + pl - 4, ".mat"); /* MATLAB: the variable var, or the first */
    int t = 1, k = 0, m = 0, rc;
    double complex *a = NULL;
    if (stack) rc = mat ? nisac_mat_read_stack(path, var, &t, &k, &m, &a) : nisac_npy_read_stack(path, &t, &k, &m, &a);
    else rc = mat ? nisac_mat_read(path, var, &k, &m, &a) : nisac_npy_read(path, &k, &m, &a);
    if (rc) return rc;
    const size_t per = (size_t)k * m;
    double complex *z = malloc(sizeof(double complex) * per * (size_t)t);
    if (!z) {
        free(a);
        return NISAC_FAIL(NISAC_ENOMEM, "%s: out of memory", path);
    }
    for (size_t r = 0; r < (size_t)t; r++)
        for (size_t i = 0; i < per; i++) {
            const size_t kk = i % (size_t)k, mm = i / (size_t)k; /* entry (kk, mm) of realisation r */
            const double complex h = a[r * per + i];
            if (!isfinite(creal(h)) || !isfinite(cimag(h)) || cabs(h) > NISAC_PARAM_ABS_MAX) {
                free(a);
                free(z);
                if (stack)
                    return NISAC_FAIL(NISAC_EPARSE, "%s: realisation %zu, entry (%zu, %zu) is not finite or exceeds %g",
                                      path, r, kk, mm, NISAC_PARAM_ABS_MAX);
                return NISAC_FAIL(NISAC_EPARSE, "%s: entry (%zu, %zu) is not finite or exceeds %g", path, kk, mm,
                                  NISAC_PARAM_ABS_MAX);
            }
            z[r * per + mm + (size_t)m * kk] = h; /* vector k (row k of the file) as column k */
        }
    free(a);
    *data = z, *count = t, *outer = k, *inner = m;
    return NISAC_OK;
}
