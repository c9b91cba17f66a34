/* .npy files: round trip, files written by NumPy (C and Fortran order,
 * complex128 and float64, 1-D and 2-D, format versions 1 and 2) read to
 * the bit, files written here read back by NumPy to the bit, and damaged
 * files refused with the file's name.  NumPy is Debian's python3-numpy. */
#include "harness.h"
#include "nisac/nisac.h"
#include <stdlib.h>

#include <string.h>
#include <unistd.h>

static char dir[64];

static void path(char *out, size_t n, const char *name) { snprintf(out, n, "%s/%s", dir, name); }

static void test_round_trip(void)
{
    double complex a[12], *b = NULL;
    for (int i = 0; i < 12; i++) a[i] = (i + 0.25) - I * (1.0 / (i + 1));
    char p[128];
    path(p, sizeof p, "a.npy");
    CHECK(nisac_npy_write(p, 3, 4, a) == 0);
    int r = 0, c = 0;
    CHECK(nisac_npy_read(p, &r, &c, &b) == 0);
    CHECK(r == 3 && c == 4);
    CHECK(b && !memcmp(a, b, sizeof a));
    free(b);
}

/* NumPy writes z[i, j] = (i + 10 j) + 1j ((0.5 - i j) / 7) in several layouts (the division
 * real, as in C: NumPy's complex-by-scalar division rounds differently) */
static void test_files_from_numpy(void)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd,
             "%s -c \"import numpy as np, numpy.lib.format as F\n"
             "i, j = np.meshgrid(np.arange(5), np.arange(3), indexing='ij')\n"
             "z = (i + 10 * j) + 1j * ((0.5 - i * j) / 7)\n"
             "np.save('%s/c.npy', z)\n"
             "np.save('%s/f.npy', np.asfortranarray(z))\n"
             "np.save('%s/r.npy', z.real.astype(np.float64))\n"
             "np.save('%s/v.npy', z[:, 1].copy())\n"
             "F.write_array(open('%s/v2.npy', 'wb'), z, version=(2, 0))\n\"",
             th_python(), dir, dir, dir, dir, dir);
    CHECK_MSG(system(cmd) == 0, "python3-numpy could not write the test files");
    const char *names[] = {"c.npy", "f.npy", "r.npy", "v.npy", "v2.npy"};
    for (int t = 0; t < 5; t++) {
        char p[128];
        path(p, sizeof p, names[t]);
        int r = 0, c = 0;
        double complex *z = NULL;
        CHECK_MSG(nisac_npy_read(p, &r, &c, &z) == 0, "%s: %s", names[t], nisac_last_error());
        if (!z) continue;
        const int vec = t == 3;
        CHECK(r == 5 && c == (vec ? 1 : 3));
        for (int i = 0; i < r; i++)
            for (int j = 0; j < c; j++) {
                const int jj = vec ? 1 : j;
                double complex want = (i + 10 * jj) + I * ((0.5 - i * jj) / 7);
                if (t == 2) want = creal(want);
                CHECK_MSG(z[i + r * j] == want, "%s [%d, %d]: %.17g%+.17gi vs %.17g%+.17gi", names[t], i, j, creal(z[i + r * j]), cimag(z[i + r * j]), creal(want), cimag(want));
            }
        free(z);
    }
}

/* NumPy reads what nisac wrote, bit for bit */
static void test_numpy_reads_ours(void)
{
    double complex a[6];
    for (int i = 0; i < 6; i++) a[i] = 1.0 / 3 * (i + 1) + I * (-2.0 / 7) * i;
    char p[128];
    path(p, sizeof p, "ours.npy");
    CHECK(nisac_npy_write(p, 2, 3, a) == 0);
    char cmd[1024];
    /* a is column-major: a[i + 2 j] is element (i, j) */
    snprintf(cmd, sizeof cmd,
             "%s -c \"import numpy as np\n"
             "z = np.load('%s')\n"
             "i, j = np.meshgrid(np.arange(2), np.arange(3), indexing='ij')\n"
             "k = i + 2 * j\n"
             "w = 1.0 / 3 * (k + 1) + 1j * (-2.0 / 7) * k\n"
             "assert z.dtype == np.complex128 and z.shape == (2, 3), (z.dtype, z.shape)\n"
             "assert (z == w).all(), (z, w)\n\"",
             th_python(), p);
    CHECK(system(cmd) == 0);
}

static void test_damaged(void)
{
    char p[128];
    static const char t1[] = "\x93NUMPY\x01\x00\x46\x00{'descr': '<c16', 'fortran_order': False, 'shape': (4, 4), }";
    static const char t2[] = "\x93NUMPY\x01\x00\x3e\x00{'descr': '<i8', 'fortran_order': False, 'shape': (1,), }    \n";
    const struct {
        const char *name, *bytes;
        size_t len;
        const char *expect;
    } cases[] = {{"x.npy", "plain text", 10, "no .npy magic"},
                 {"t.npy", t1, sizeof t1 - 1, "truncated"},
                 {"i.npy", t2, sizeof t2 - 1, "field 'descr'"}};
    for (int k = 0; k < 3; k++) {
        path(p, sizeof p, cases[k].name);
        FILE *f = fopen(p, "wb");
        fwrite(cases[k].bytes, 1, cases[k].len, f);
        fclose(f);
        int r, c;
        double complex *z = NULL;
        CHECK(nisac_npy_read(p, &r, &c, &z) == NISAC_EPARSE);
        CHECK_MSG(strstr(nisac_last_error(), cases[k].expect) && strstr(nisac_last_error(), cases[k].name), "%s: '%s'",
                  cases[k].name, nisac_last_error());
        CHECK(z == NULL);
    }
    /* a 3-D array from NumPy */
    char cmd[256];
    path(p, sizeof p, "d3.npy");
    snprintf(cmd, sizeof cmd, "%s -c \"import numpy as np; np.save('%s', np.zeros((2, 2, 2), complex))\"", th_python(), p);
    CHECK(system(cmd) == 0);
    int r, c;
    double complex *z = NULL;
    CHECK(nisac_npy_read(p, &r, &c, &z) == NISAC_EPARSE && strstr(nisac_last_error(), "at most 2"));
    CHECK(nisac_npy_read("/nonexistent/q.npy", &r, &c, &z) == NISAC_EIO);
}

/* Stacks of channel matrices (experiment configs): NumPy's 3-D arrays (count, rows, cols) in C and
 * Fortran order read as count column-major blocks; a 2-D array is a stack of one; 4-D is refused. */
static void test_stacks_from_numpy(void)
{
    char p[300], q[300], m[300], cmd[1200];
    path(p, sizeof p, "s_c.npy");
    path(q, sizeof q, "s_f.npy");
    path(m, sizeof m, "s_4.npy");
    snprintf(cmd, sizeof cmd,
             "%s -c \"import numpy as np; n = np.arange(24.0); a = (n + 1j * (23 - n)).reshape(2, 3, 4); "
             "np.save('%s', a); np.save('%s', np.asfortranarray(a)); np.save('%s', np.zeros((1, 2, 2, 2)))\"",
             th_python(), p, q, m);
    CHECK(system(cmd) == 0);
    const char *files[2] = {p, q};
    for (int f = 0; f < 2; f++) {
        int t = 0, r = 0, c = 0;
        double complex *z = NULL;
        CHECK_MSG(nisac_npy_read_stack(files[f], &t, &r, &c, &z) == 0, "%s", nisac_last_error());
        CHECK(t == 2 && r == 3 && c == 4);
        int ok = z != NULL;
        for (int k = 0; z && k < 2; k++)
            for (int i = 0; i < 3; i++)
                for (int j = 0; j < 4; j++) {
                    const double n = k * 12 + i * 4 + j; /* a[k, i, j] */
                    ok &= z[k * 12 + i + 3 * j] == n + I * (23 - n);
                }
        CHECK_MSG(ok, "%s: a block differs from NumPy's a[t]", files[f]);
        free(z);
        CHECK(nisac_npy_read(files[f], &r, &c, &z) == NISAC_EPARSE); /* a matrix reader refuses a stack */
    }
    int t = 0, r = 0, c = 0;
    double complex *z = NULL;
    path(p, sizeof p, "c.npy"); /* a 2-D file of test_files_from_numpy: one block */
    CHECK(nisac_npy_read_stack(p, &t, &r, &c, &z) == 0 && t == 1 && r == 5 && c == 3);
    free(z);
    z = NULL;
    CHECK(nisac_npy_read_stack(m, &t, &r, &c, &z) == NISAC_EPARSE && strstr(nisac_last_error(), "at most 3"));
    CHECK(z == NULL);
}

/* MATLAB .mat, v5 and v7.3: written and read back to the bit (a variable found by name, or the
 * first when the name is absent); a file that is not a .mat is refused with its name. */
static void test_mat_round_trip(void)
{
    double complex z[12];
    for (int i = 0; i < 12; i++) z[i] = (i + 1) * 0.1 - I * (i % 5) / 7.0;
    for (int v73 = 0; v73 < 2; v73++) {
        char path[] = "/tmp/nisac-mat-XXXXXX";
        int fd = mkstemp(path);
        CHECK(fd >= 0);
        if (fd >= 0) close(fd);
        CHECK_MSG(nisac_mat_write(path, "H", 3, 4, z, v73) == 0, "v7.3 %d: %s", v73, nisac_last_error());
        const char *names[2] = {"H", "absent"};
        for (int q = 0; q < 2; q++) {
            int rows = 0, cols = 0;
            double complex *r = NULL;
            CHECK_MSG(nisac_mat_read(path, names[q], &rows, &cols, &r) == 0, "%s", nisac_last_error());
            CHECK(rows == 3 && cols == 4);
            for (int i = 0; r && i < 12; i++) CHECK(r[i] == z[i]);
            free(r);
        }
        FILE *f = fopen(path, "w");
        if (f) fputs("not a mat file at all", f), fclose(f);
        int rows, cols;
        double complex *r = NULL;
        CHECK(nisac_mat_read(path, NULL, &rows, &cols, &r) != 0 && r == NULL);
        CHECK(strstr(nisac_last_error(), path) != NULL);
        remove(path);
    }
}

int main(void)
{
    snprintf(dir, sizeof dir, "/tmp/nisac-npy-XXXXXX");
    if (!mkdtemp(dir)) return 1;
    RUN(test_round_trip);
    RUN(test_files_from_numpy);
    RUN(test_numpy_reads_ours);
    RUN(test_damaged);
    RUN(test_stacks_from_numpy);
    RUN(test_mat_round_trip);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd)) {}
    TEST_END();
}
