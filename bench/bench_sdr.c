/* Median wall time of one sdr-powermin solve and one complete sdr-maxmin
 * (Newton steps on the duals' slope, the default, against the printed
 * bisection as the in-run peer) at (N, K, M) = (8,3,2), (16,4,2),
 * (32,6,3); SDP solves per max-min.
 * usage: bench_sdr [REPS]  (default 5 channel draws per size) */
#include "nisac/nisac.h"
#include "bench_util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


/* One design of algo with option `method` (-1: none) on inst. */
static void design(const char *algo, int method, const nisac_instance *inst, nisac_design_t *d, nisac_report *r)
{
    const nisac_algo *a = nisac_algo_find(NULL, NULL, algo);
    nisac_params *o = nisac_algo_opts(a);
    if (method >= 0) nisac_params_set_named(o, "method", method);
    nisac_design(a, inst, o, 1, d, r);
    nisac_params_free(o);
}

int main(int argc, char **argv)
{
    int reps = argc > 1 ? atoi(argv[1]) : 5;
    if (reps < 1 || reps > 1000) reps = 5;
    const int sizes[3][3] = {{8, 3, 2}, {16, 4, 2}, {32, 6, 3}};
    const double angles[3] = {-60, 60, 0};
    const nisac_system *sys = nisac_system_find(NULL, "noma-isac");
    printf("%-12s %-8s %-11s %-11s %-11s %-7s %-7s %-7s %-7s %-8s %-8s\n", "(N,K,M)", "decoders",
           "powermin_s", "printed_s", "newton_s", "probes", "probe_n", "solves", "solve_n", "speedup",
           "dB_diff");
    for (int dec = 0; dec < 2; dec++)
        for (int s = 0; s < 3; s++) {
            nisac_params *p = nisac_system_params(sys);
            nisac_params_set_named(p, "N", sizes[s][0]);
            nisac_params_set_named(p, "K", sizes[s][1]);
            nisac_params_set_list(p, nisac_param_find(p->defs, p->n, "targets_deg"), angles, sizes[s][2]);
            nisac_params_set_named(p, "decoders", dec);
            nisac_params_set_named(p, "gamma_db", dec ? 20.0 : 10.0);
            double tp[1000], tm[1000], tf[1000], sm = 0, sf = 0, im = 0, jf = 0, dd = 0;
            nisac_report *r = nisac_report_new();
            for (int k = 0; k < reps; k++) {
                nisac_instance *inst;
                if (nisac_instance_new(sys, p, 0, NULL, 1, (uint64_t)s, (uint64_t)k, &inst)) return 1;
                nisac_design_t *d = nisac_design_new(inst);
                design("sdr-powermin", -1, inst, d, r);
                tp[k] = r->wall;
                design("sdr-maxmin", 0, inst, d, r);
                tm[k] = r->wall;
                sm += r->solves;
                im += r->iterations;
                double t1 = nisac_report_get1(r, "t", NAN);
                design("sdr-maxmin", 2, inst, d, r);
                tf[k] = r->wall;
                sf += r->solves;
                jf += r->iterations;
                dd = fmax(dd, fabs(nisac_db(t1) - nisac_db(nisac_report_get1(r, "t", NAN))));
                nisac_design_free(d);
                nisac_instance_free(inst);
            }
            double mp = median(tp, reps), mm = median(tm, reps), mf = median(tf, reps);
            char sz[32];
            snprintf(sz, sizeof sz, "(%d,%d,%d)", sizes[s][0], sizes[s][1], sizes[s][2]);
            printf("%-12s %-8s %-11.4f %-11.4f %-11.4f %-7.1f %-7.1f %-7.1f %-7.1f %-8.2f %-8.4f\n", sz,
                   dec ? "own" : "all", mp, mm, mf, im / reps, jf / reps, sm / reps, sf / reps, mm / mf, dd);
            fflush(stdout);
            nisac_report_free(r);
            nisac_params_free(p);
        }
    printf("columns: medians over %d channel draws; probes = mean SDP relaxations per max-min\n"
           "(printed, newton); solves = all conic solves, power re-allocations included;\n"
           "speedup = printed / newton median time; dB_diff = max |t_printed - t_newton| in dB.\n", reps);
    return 0;
}
