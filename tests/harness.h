/* Minimal test harness: a test case is a function; a case fails when any
 * of its checks fails.  Each binary ends with "RESULT <passed> <failed>",
 * which tests/run.sh adds up. */
#ifndef NISAC_TEST_HARNESS_H
#define NISAC_TEST_HARNESS_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

/* The Python interpreter of the tests that run NumPy: $PYTHON (make test passes the Makefile's
 * PYTHON), else python3 from the PATH. */
static inline const char *th_python(void)
{
    const char *p = getenv("PYTHON");
    return p && *p ? p : "python3";
}

static int th_failed_checks;
static int th_cases_passed, th_cases_failed;

#define CHECK(cond)                                                                   \
    do {                                                                              \
        if (!(cond)) {                                                                \
            th_failed_checks++;                                                       \
            fprintf(stderr, "  FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond);         \
        }                                                                             \
    } while (0)

#define CHECK_MSG(cond, ...)                                                          \
    do {                                                                              \
        if (!(cond)) {                                                                \
            th_failed_checks++;                                                       \
            fprintf(stderr, "  FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond);         \
            fprintf(stderr, __VA_ARGS__);                                             \
            fputc('\n', stderr);                                                      \
        }                                                                             \
    } while (0)

/* |a - b| <= tol * max(1, |b|) */
#define CHECK_REL(a, b, tol)                                                          \
    do {                                                                              \
        double th_a = (a), th_b = (b);                                                \
        double th_s = fabs(th_b) > 1 ? fabs(th_b) : 1;                                \
        if (!(fabs(th_a - th_b) <= (tol) * th_s)) {                                   \
            th_failed_checks++;                                                       \
            fprintf(stderr, "  FAIL %s:%d: %s = %.12g, expected %s = %.12g (tol %g)\n", \
                    __FILE__, __LINE__, #a, th_a, #b, th_b, (double)(tol));           \
        }                                                                             \
    } while (0)

#define RUN(fn)                                                                       \
    do {                                                                              \
        int th_before = th_failed_checks;                                             \
        fn();                                                                         \
        if (th_failed_checks == th_before) {                                          \
            th_cases_passed++;                                                        \
            printf("  ok   %s\n", #fn);                                               \
        } else {                                                                      \
            th_cases_failed++;                                                        \
            printf("  FAIL %s\n", #fn);                                               \
        }                                                                             \
        fflush(stdout);                                                               \
    } while (0)

#define TEST_END()                                                                    \
    do {                                                                              \
        printf("RESULT %d %d\n", th_cases_passed, th_cases_failed);                   \
        return th_cases_failed ? 1 : 0;                                               \
    } while (0)

#endif
