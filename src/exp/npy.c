/* NumPy .npy files (include/nisac/npy.h).  The format: the magic
 * "\x93NUMPY", a major and minor version, the header length (2 bytes in
 * version 1, 4 in versions 2 and 3, little-endian), an ASCII (v3: UTF-8)
 * Python dict literal with 'descr', 'fortran_order' and 'shape', padded
 * with spaces and a newline so that the data start on a 64-byte boundary,
 * then the raw data. */
#include "nisac/npy.h"
#include "exp_internal.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int bad(const char *path, const char *what)
{
    return NISAC_FAIL(NISAC_EPARSE, "%s: not a usable .npy file: %s", path, what);
}

/* the value text after 'key': in the header dict */
static const char *dict_value(const char *h, const char *key)
{
    char pat[32];
    snprintf(pat, sizeof pat, "'%s'", key);
    const char *p = strstr(h, pat);
    if (!p) return NULL;
    p += strlen(pat);
    while (*p == ' ') p++;
    if (*p != ':') return NULL;
    p++;
    while (*p == ' ') p++;
    return p;
}

/* Reads an array of at most maxnd (2 or 3) dimensions: 3-D (count, rows,
 * cols) as count column-major rows x cols blocks, 2-D and less as one. */
static int npy_read(const char *path, int maxnd, int *count, int *rows, int *cols, double complex **data)
{
    *data = NULL;
    FILE *f = fopen(path, "rb");
    if (!f) return NISAC_FAIL(NISAC_EIO, "%s: cannot read: %s", path, strerror(errno));
    unsigned char pre[12];
    int rc = 0;
    char *h = NULL;
    double *raw = NULL;
    double complex *z = NULL;
    if (fread(pre, 1, 10, f) != 10 || memcmp(pre, "\x93NUMPY", 6)) {
        rc = bad(path, "no .npy magic");
        goto out;
    }
    size_t hlen;
    if (pre[6] == 1) {
        hlen = (size_t)pre[8] | (size_t)pre[9] << 8;
    } else if (pre[6] == 2 || pre[6] == 3) {
        if (fread(pre + 10, 1, 2, f) != 2) {
            rc = bad(path, "truncated header length");
            goto out;
        }
        hlen = (size_t)pre[8] | (size_t)pre[9] << 8 | (size_t)pre[10] << 16 | (size_t)pre[11] << 24;
    } else {
        rc = bad(path, "unknown format version");
        goto out;
    }
    if (hlen > (1u << 20) || !(h = malloc(hlen + 1)) || fread(h, 1, hlen, f) != hlen) {
        rc = bad(path, "truncated or oversized header");
        goto out;
    }
    h[hlen] = 0;
    const char *d = dict_value(h, "descr"), *fo = dict_value(h, "fortran_order"), *sh = dict_value(h, "shape");
    if (!d || !fo || !sh) {
        rc = bad(path, "header lacks 'descr', 'fortran_order' or 'shape'");
        goto out;
    }
    int cplx;
    if (!strncmp(d, "'<c16'", 6)) cplx = 1;
    else if (!strncmp(d, "'<f8'", 5)) cplx = 0;
    else {
        rc = bad(path, "field 'descr': expected '<c16' (complex128) or '<f8' (float64, little-endian)");
        goto out;
    }
    int fortran;
    if (!strncmp(fo, "True", 4)) fortran = 1;
    else if (!strncmp(fo, "False", 5)) fortran = 0;
    else {
        rc = bad(path, "field 'fortran_order': expected True or False");
        goto out;
    }
    if (*sh != '(') {
        rc = bad(path, "field 'shape': expected a tuple");
        goto out;
    }
    long dims[3];
    int nd = 0;
    const char *p = sh + 1;
    for (;;) {
        while (*p == ' ' || *p == ',') p++;
        if (*p == ')') break;
        char *end;
        long v = strtol(p, &end, 10);
        if (end == p || v < 0 || v > INT_MAX || nd == maxnd) {
            rc = bad(path, maxnd == 2 ? "field 'shape': expected at most 2 non-negative dimensions"
                                      : "field 'shape': expected at most 3 non-negative dimensions");
            goto out;
        }
        dims[nd++] = v;
        p = end;
    }
    const int o = nd == 3; /* a leading count dimension */
    const long t = o ? dims[0] : 1, r = nd > o ? dims[o] : 1, c = nd > o + 1 ? dims[o + 1] : 1;
    if (t == 0 || r == 0 || c == 0 || (double)t * (double)r * (double)c > 1e9) {
        rc = bad(path, "field 'shape': empty or larger than 1e9 entries");
        goto out;
    }
    const size_t n = (size_t)t * (size_t)r * (size_t)c, per = cplx ? 2 : 1;
    raw = malloc(sizeof(double) * n * per);
    z = malloc(sizeof(double complex) * n);
    if (!raw || !z) {
        rc = NISAC_FAIL(NISAC_ENOMEM, "%s: out of memory for %zu entries", path, n);
        goto out;
    }
    if (fread(raw, sizeof(double), n * per, f) != n * per) {
        rc = bad(path, "truncated data");
        goto out;
    }
    if (fgetc(f) != EOF) {
        rc = bad(path, "data longer than the shape says");
        goto out;
    }
    /* little-endian hosts only (x86-64, the machines nisac builds on) */
    const size_t T = (size_t)t, R = (size_t)r, C = (size_t)c;
    for (size_t k = 0; k < T; k++)
        for (size_t i = 0; i < R; i++)
            for (size_t j = 0; j < C; j++) {
                const size_t src = fortran ? k + T * (i + R * j) : (k * R + i) * C + j;
                const double re = raw[src * per], im = cplx ? raw[src * per + 1] : 0;
                if (!isfinite(re) || !isfinite(im)) {
                    char what[120];
                    if (o) snprintf(what, sizeof what, "entry [%zu, %zu, %zu] is not finite", k, i, j);
                    else snprintf(what, sizeof what, "entry [%zu, %zu] is not finite", i, j);
                    rc = bad(path, what);
                    goto out;
                }
                z[k * R * C + i + R * j] = re + I * im;
            }
    *count = (int)t;
    *rows = (int)r;
    *cols = (int)c;
    *data = z;
    z = NULL;
out:
    free(z);
    free(h);
    free(raw);
    fclose(f);
    return rc;
}

int nisac_npy_read(const char *path, int *rows, int *cols, double complex **data)
{
    int count;
    return npy_read(path, 2, &count, rows, cols, data);
}

int nisac_npy_read_stack(const char *path, int *count, int *rows, int *cols, double complex **data)
{
    return npy_read(path, 3, count, rows, cols, data);
}

int nisac_npy_write(const char *path, int rows, int cols, const double complex *data)
{
    if (rows < 1 || cols < 0) return NISAC_FAIL(NISAC_EINVAL, "%s: cannot write a %d x %d array", path, rows, cols);
    const int c = cols ? cols : 1;
    char hdr[160];
    int hl = cols ? snprintf(hdr, sizeof hdr, "{'descr': '<c16', 'fortran_order': False, 'shape': (%d, %d), }", rows, cols)
                  : snprintf(hdr, sizeof hdr, "{'descr': '<c16', 'fortran_order': False, 'shape': (%d,), }", rows);
    size_t total = 10 + (size_t)hl + 1, pad = (64 - total % 64) % 64;
    const size_t hlen = (size_t)hl + pad + 1, n = (size_t)rows * (size_t)c;
    size_t len = 10 + hlen + 16 * n;
    char *buf = malloc(len);
    if (!buf) return NISAC_FAIL(NISAC_ENOMEM, "%s: out of memory", path);
    memcpy(buf, "\x93NUMPY\x01\x00", 8);
    buf[8] = (char)(hlen & 0xff);
    buf[9] = (char)(hlen >> 8);
    memcpy(buf + 10, hdr, (size_t)hl);
    memset(buf + 10 + hl, ' ', pad);
    buf[10 + hlen - 1] = '\n';
    double *out = (double *)(void *)(buf + 10 + hlen); /* 10 + hlen is a multiple of 64 */
    for (size_t i = 0; i < (size_t)rows; i++)
        for (size_t j = 0; j < (size_t)c; j++) {
            const double complex v = data[i + (size_t)rows * j];
            out[2 * (i * (size_t)c + j)] = creal(v);
            out[2 * (i * (size_t)c + j) + 1] = cimag(v);
        }
    int rc = nisac__write_atomic(path, buf, len);
    free(buf);
    return rc ? NISAC_FAIL(NISAC_EIO, "%s: cannot write: %s", path, strerror(errno)) : NISAC_OK;
}
