#define _POSIX_C_SOURCE 200809L
#include "nisac/core.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static _Thread_local char tl_err[512];
static _Thread_local char tl_where[128];

const char *nisac_strerror(int code)
{
    switch (code) {
    case NISAC_OK: return "success";
    case NISAC_EINVAL: return "invalid argument";
    case NISAC_ENOMEM: return "out of memory";
    case NISAC_ELAPACK: return "LAPACK failure";
    case NISAC_ENOTFOUND: return "not found";
    case NISAC_EIO: return "input/output error";
    case NISAC_EPARSE: return "parse error";
    case NISAC_EUNSUPPORTED: return "unsupported";
    case NISAC_EINTERRUPTED: return "interrupted";
    default: return "unknown error";
    }
}

const char *nisac_status_name(nisac_solve_status s)
{
    static const char *const names[] = {
        "optimal", "feasible", "infeasible", "unbounded",
        "inaccurate", "iteration_limit", "numerical_failure", "not_run",
        "rounding_failed", "error"};
    if ((int)s < 0 || (size_t)s >= sizeof names / sizeof names[0]) return "unknown";
    return names[s];
}

const char *nisac_last_error(void) { return tl_err; }
const char *nisac_last_error_source(void) { return tl_where; }

void nisac_clear_error(void)
{
    tl_err[0] = '\0';
    tl_where[0] = '\0';
}

int nisac_fail_at(int code, const char *file, int line, const char *fmt, ...)
{
    const char *base = strrchr(file, '/');
    base = base ? base + 1 : file;
    snprintf(tl_where, sizeof tl_where, "%s:%d", base, line);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(tl_err, sizeof tl_err, fmt, ap);
    va_end(ap);
    nisac_log(NISAC_LOG_DEBUG, "error at %s: %s", tl_where, tl_err);
    return code;
}

/* Set once by the program before threads start; read-only afterwards. */
static nisac_log_fn g_log_fn;
static void *g_log_user;

void nisac_set_log(nisac_log_fn fn, void *user)
{
    g_log_fn = fn;
    g_log_user = user;
}

void nisac_log(nisac_log_level level, const char *fmt, ...)
{
    if (!g_log_fn) return;
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    g_log_fn(level, buf, g_log_user);
}

void *nisac_calloc(size_t count, size_t size)
{
    if (count == 0 || size == 0) return calloc(1, 1);
    if (count > SIZE_MAX / size) return NULL;
    return calloc(count, size);
}

double nisac_wtime(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}
