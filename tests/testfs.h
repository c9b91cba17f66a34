/* File helpers shared by the tests that run the program: a scratch
 * folder, paths in it, whole-file reads and comparisons. */
#ifndef NISAC_TEST_FS_H
#define NISAC_TEST_FS_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* The scratch folder; main() fills it with mkdtemp. */
static char tmpdir[256];

/* TMPDIR/name, in one of 8 rotating buffers. */
static __attribute__((unused)) const char *path(const char *name)
{
    static char p[8][512];
    static int i;
    i = (i + 1) % 8;
    snprintf(p[i], sizeof p[i], "%s/%s", tmpdir, name);
    return p[i];
}

static __attribute__((unused)) void write_file(const char *name, const char *text)
{
    FILE *f = fopen(path(name), "w");
    if (!f) return;
    fputs(text, f);
    fclose(f);
}

/* The whole file, NUL-terminated (NULL when unreadable); *len its size. */
static __attribute__((unused)) char *slurp(const char *p, size_t *len)
{
    FILE *f = fopen(p, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *b = malloc((size_t)n + 1);
    size_t r = fread(b, 1, (size_t)n, f);
    b[r] = 0;
    fclose(f);
    if (len) *len = r;
    return b;
}

static __attribute__((unused)) int same_file(const char *a, const char *b)
{
    size_t la, lb;
    char *x = slurp(a, &la), *y = slurp(b, &lb);
    int same = x && y && la == lb && memcmp(x, y, la) == 0;
    free(x);
    free(y);
    return same;
}

static __attribute__((unused)) int exists(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0;
}

#endif
