/* MATLAB .mat files (v5 and v7.3) for channels, through libmatio
 * (include/nisac/npy.h declares both file formats). */
#include "nisac/npy.h"

#include <complex.h>
#include <matio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int nisac_mat_read(const char *path, const char *var, int *rows, int *cols, double complex **data)
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
    else if (v->class_type != MAT_C_DOUBLE || v->rank != 2 || !v->data)
        rc = NISAC_FAIL(NISAC_EPARSE, "%s: variable '%s': expected a 2-D double matrix", path, v->name ? v->name : "?");
    else if (v->dims[0] > (1u << 24) || v->dims[1] > (1u << 24))
        rc = NISAC_FAIL(NISAC_EPARSE, "%s: variable '%s' is too large", path, v->name);
    if (!rc) {
        const size_t r = v->dims[0], c = v->dims[1], n = r * c;
        double complex *z = malloc(sizeof(double complex) * (n ? n : 1));
        if (!z) rc = NISAC_FAIL(NISAC_ENOMEM, "%s: out of memory", path);
        else {
            const double *re = v->isComplex ? ((mat_complex_split_t *)v->data)->Re : v->data;
            const double *im = v->isComplex ? ((mat_complex_split_t *)v->data)->Im : NULL;
            for (size_t i = 0; i < n; i++) z[i] = re[i] + I * (im ? im[i] : 0); /* column-major, as MATLAB */
            *data = z, *rows = (int)r, *cols = (int)c;
        }
    }
    Mat_VarFree(v);
    Mat_Close(m);
    return rc;
}

int nisac_mat_write(const char *path, const char *var, int rows, int cols, const double complex *data, int v73)
{
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid());
    const size_t n = (size_t)rows * cols;
    double *re = malloc(sizeof(double) * 2 * (n ? n : 1));
    if (!re) return NISAC_FAIL(NISAC_ENOMEM, "%s: out of memory", path);
    double *im = re + n;
    for (size_t i = 0; i < n; i++) re[i] = creal(data[i]), im[i] = cimag(data[i]);
    mat_complex_split_t split = {re, im};
    size_t dims[2] = {(size_t)rows, (size_t)cols};
    remove(tmp);
    mat_t *m = Mat_CreateVer(tmp, NULL, v73 ? MAT_FT_MAT73 : MAT_FT_MAT5);
    matvar_t *v = m ? Mat_VarCreate(var, MAT_C_DOUBLE, MAT_T_DOUBLE, 2, dims, &split, MAT_F_COMPLEX) : NULL;
    int e = !m || !v || Mat_VarWrite(m, v, MAT_COMPRESSION_NONE);
    Mat_VarFree(v);
    if (m) e |= Mat_Close(m);
    free(re);
    if (e || rename(tmp, path)) {
        remove(tmp);
        return NISAC_FAIL(NISAC_EIO, "%s: cannot write the .mat file%s", path, v73 ? " (v7.3)" : "");
    }
    return NISAC_OK;
}
