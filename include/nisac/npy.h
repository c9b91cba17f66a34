/* NumPy .npy files for channels and designs (format versions 1-3):
 * complex128 ('<c16'), and float64 ('<f8', read with zero imaginary
 * parts), little-endian, C or Fortran order, 0-2 dimensions.  Arrays are
 * handed over column-major (a[i + rows j]) whatever the file's order.
 * Writing is atomic (a temporary file renamed into place).  Errors name
 * the file and what was wrong (nisac_last_error). */
#ifndef NISAC_NPY_H
#define NISAC_NPY_H

#include <complex.h>
#include "nisac/core.h"

#ifdef __cplusplus
extern "C" {
#endif
#pragma GCC visibility push(default) /* the public API of the shared library */

/* Reads path: *rows x *cols (a 1-D array of n is n x 1, a scalar 1 x 1)
 * into *data (malloc'ed, the caller frees).  NISAC_EIO or NISAC_EPARSE. */
int nisac_npy_read(const char *path, int *rows, int *cols, double complex **data);
/* Writes rows x cols complex128 (column-major data) in C order, shape
 * (rows, cols); cols == 0 writes a 1-D array of rows. */
int nisac_npy_write(const char *path, int rows, int cols, const double complex *data);
/* Reads a stack of matrices: a 3-D array (count, rows, cols), or a 2-D
 * one as count 1, into count column-major rows x cols blocks, one after
 * the other (block t at *data + t rows cols). */
int nisac_npy_read_stack(const char *path, int *count, int *rows, int *cols, double complex **data);

/* MATLAB .mat (v5 and v7.3, through libmatio): the variable var (NULL or
 * absent: the first one) as rows x cols complex, column-major as MATLAB
 * keeps it (a real matrix reads with zero imaginary parts).  NISAC_EIO or
 * NISAC_EPARSE with the file's name. */
int nisac_mat_read(const char *path, const char *var, int *rows, int *cols, double complex **data);
/* The same for a rows x cols x count variable (MATLAB's H(:, :, t)), or a
 * 2-D one as count 1: count column-major blocks, as nisac_npy_read_stack. */
int nisac_mat_read_stack(const char *path, const char *var, int *count, int *rows, int *cols, double complex **data);
/* Writes rows x cols complex data as variable var, v5 (v73 0) or v7.3,
 * atomically. */
int nisac_mat_write(const char *path, const char *var, int rows, int cols, const double complex *data, int v73);
/* One variable of a .mat file: rows x cols, column-major, complex (z) or
 * real (x). */
typedef struct nisac_mat_var {
    const char *name;
    int rows, cols;
    const double complex *z;
    const double *x;
} nisac_mat_var;
/* Writes the n variables into one .mat file, atomically. */
int nisac_mat_write_vars(const char *path, const nisac_mat_var *vars, int n, int v73);

#pragma GCC visibility pop

#ifdef __cplusplus
}
#endif
#endif
