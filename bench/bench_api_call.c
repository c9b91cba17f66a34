/* The C peer of bench/python_overhead.py: the same calls the Python package makes for one design
 * (a parameter set, the instance drawn from its seed, the design with the judge's evaluation, the
 * frees) timed from C, median over 500 calls of rs-wmmse at M = 4, K = 2, L = 0.  Prints the median
 * in microseconds; python_overhead.py subtracts it from its own median.
 *
 * usage: build/bench/bench_api_call */
#include "bench_util.h"
#include "nisac/nisac.h"

#include <stdio.h>
#include <time.h>

extern void openblas_set_num_threads(int) __attribute__((weak));

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + 1e-9 * t.tv_nsec;
}

int main(void)
{
    if (openblas_set_num_threads) openblas_set_num_threads(1);
    enum { N = 500 };
    static double dt[N];
    for (int i = 0; i < N; i++) {
        const double t0 = now();
        const nisac_system *s = nisac_system_find(NULL, "rs-noma-isac");
        const nisac_algo *a = nisac_algo_find(NULL, s, "rs-wmmse");
        nisac_params *p = nisac_system_params(s), *o = nisac_algo_opts(a);
        nisac_params_set_named(p, "M", 4);
        nisac_params_set_named(p, "Mx", 2);
        nisac_params_set_named(p, "K", 2);
        nisac_params_set_named(p, "L", 0);
        nisac_instance *inst = NULL;
        if (nisac_system_check(s, p) || nisac_algo_check(a, p, o) ||
            nisac_instance_new(s, p, 0, NULL, 1 + (uint64_t)(i % 7), 0, 0, &inst))
            return 1;
        nisac_design_t *d = nisac_design_new(inst);
        nisac_report *r = nisac_report_new();
        if (nisac_design(a, inst, o, 1, d, r)) return 1;
        nisac_report_free(r);
        nisac_design_free(d);
        nisac_instance_free(inst);
        nisac_params_free(o);
        nisac_params_free(p);
        dt[i] = now() - t0;
    }
    printf("%.2f\n", 1e6 * median(dt, N));
    return 0;
}
