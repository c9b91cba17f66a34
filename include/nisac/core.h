/* nisac core: status codes, error details, logging, named defaults.
 *
 * Every function of the library returns an int status: NISAC_OK (0) on
 * success, a negative NISAC_E* code on an error.  Solver outcomes
 * (optimal, infeasible, ...) are results, not errors: they are reported
 * in nisac_solve_status fields, never as negative return codes.
 *
 * The library never prints and never exits.  A failing call records a
 * per-thread detail message that nisac_last_error() returns until the
 * next failure (and the source location apart, for debugging). */
#ifndef NISAC_CORE_H
#define NISAC_CORE_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif
#pragma GCC visibility push(default) /* the public API of the shared library */

#define NISAC_VERSION "0.1.0"

enum nisac_err {
    NISAC_OK = 0,
    NISAC_EINVAL = -1,   /* invalid argument (size, NaN, out of range) */
    NISAC_ENOMEM = -2,   /* allocation failed */
    NISAC_ELAPACK = -3,  /* a LAPACK routine reported failure */
    NISAC_ENOTFOUND = -4,/* unknown name (algorithm, option) */
    NISAC_EIO = -5,      /* file could not be read or written */
    NISAC_EPARSE = -6,   /* malformed input file */
    NISAC_EUNSUPPORTED = -7, /* valid request this build cannot serve */
    NISAC_EINTERRUPTED = -8  /* stopped on request (cancellation); can be resumed */
};

/* Outcome of an optimisation, kept apart from programming errors. */
typedef enum nisac_solve_status {
    NISAC_STATUS_OPTIMAL = 0,     /* solved to the requested accuracy */
    NISAC_STATUS_FEASIBLE,        /* feasible design, optimality not certified
                                     (e.g. after Gaussian randomisation) */
    NISAC_STATUS_INFEASIBLE,      /* the problem has no feasible point */
    NISAC_STATUS_UNBOUNDED,       /* objective unbounded below */
    NISAC_STATUS_INACCURATE,      /* solver finished with reduced accuracy */
    NISAC_STATUS_ITERATION_LIMIT, /* iteration limit reached */
    NISAC_STATUS_NUMERICAL,       /* numerical failure in the solver */
    NISAC_STATUS_NOT_RUN,         /* nothing was solved */
    NISAC_STATUS_ROUNDING_FAILED, /* relaxation solved, but no feasible rank-one
                                     design was recovered from it */
    NISAC_STATUS_ERROR            /* the algorithm stopped on an error (allocation,
                                     LAPACK, invalid options): see the report's note */
} nisac_solve_status;

/* Human-readable name of an error code ("invalid argument", ...). */
const char *nisac_strerror(int code);
/* Short machine-friendly name of a solve status ("optimal", ...). */
const char *nisac_status_name(nisac_solve_status s);

/* Detail message of the last failure in this thread ("" if none): what
 * was wrong, in the user's terms (a field, a value), never a source
 * location. */
const char *nisac_last_error(void);
/* The library source location ("file.c:LINE") that raised it, for
 * debugging (also logged at NISAC_LOG_DEBUG). */
const char *nisac_last_error_source(void);
/* Records a detail message for this thread and returns code.  Use through
 * NISAC_FAIL so the file and line are recorded. */
int nisac_fail_at(int code, const char *file, int line, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;
#define NISAC_FAIL(code, ...) nisac_fail_at((code), __FILE__, __LINE__, __VA_ARGS__)
/* Clears this thread's detail message. */
void nisac_clear_error(void);

/* Logging: the library reports progress through a callback that the
 * program installs; with none installed, nothing is written anywhere. */
typedef enum { NISAC_LOG_DEBUG = 0, NISAC_LOG_INFO, NISAC_LOG_WARN } nisac_log_level;
typedef void (*nisac_log_fn)(nisac_log_level level, const char *msg, void *user);
/* Installs the callback (NULL removes it).  Call before starting threads. */
void nisac_set_log(nisac_log_fn fn, void *user);
void nisac_log(nisac_log_level level, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* Allocation helpers: zero-filled; NULL on overflow or failure. */
void *nisac_calloc(size_t count, size_t size);

/* Monotonic wall clock in seconds. */
double nisac_wtime(void);

#pragma GCC visibility pop

#ifdef __cplusplus
}
#endif
#endif
