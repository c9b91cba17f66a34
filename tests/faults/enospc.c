/* Fault injection for tests/integration/test_faults.c, loaded with
 * LD_PRELOAD: write() to a file whose name ends in ".partial" fails with
 * ENOSPC once NISAC_FAULT_ENOSPC_AFTER bytes have gone to such files (a
 * disk that fills up in the middle of a run).  Other writes pass. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static long written;

static int is_partial(int fd)
{
    char link[64], path[4096];
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    ssize_t n = readlink(link, path, sizeof path - 1);
    if (n <= 8) return 0;
    path[n] = 0;
    return !strcmp(path + n - 8, ".partial");
}

ssize_t write(int fd, const void *buf, size_t count)
{
    static ssize_t (*real)(int, const void *, size_t);
    if (!real) real = (ssize_t(*)(int, const void *, size_t))dlsym(RTLD_NEXT, "write");
    const char *lim = getenv("NISAC_FAULT_ENOSPC_AFTER");
    if (lim && is_partial(fd)) {
        long limit = atol(lim);
        if (written >= limit) {
            errno = ENOSPC;
            return -1;
        }
        if (written + (long)count > limit) count = (size_t)(limit - written); /* a short write, then the failure */
        written += (long)count;
    }
    return real(fd, buf, count);
}
