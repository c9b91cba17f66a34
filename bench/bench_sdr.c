/* Median wall time of one sdr-powermin solve and one complete sdr-maxmin
 * (printed bisection and fast variant, the latter as the in-run peer) at
 * (N, K, M) = (8,3,2), (16,4,2), (32,6,3); SDP solves per max-min.
 * usage: bench_sdr [REPS]  (default 5 channel draws per size) */
#include "nisac/nisac.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp);
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

int main(int argc, char **argv)
{
    int reps = argc > 1 ? atoi(argv[1]) : 5;
    if (reps < 1 || reps > 1000) reps = 5;
    const int sizes[3][3] = {{8, 3, 2}, {16, 4, 2}, {32, 6, 3}};
    const double angles[3] = {-60, 60, 0};
    printf("%-12s %-8s %-11s %-11s %-11s %-7s %-7s %-7s %-7s %-8s %-8s\n", "(N,K,M)", "decoders",
           "powermin_s", "maxmin_s", "fast_s", "probes", "probe_f", "solves", "solve_f", "speedup",
           "dB_diff");
    for (int dec = 0; dec < 2; dec++)
        for (int s = 0; s < 3; s++) {
            nisac_noma_params p;
            nisac_noma_params_default(&p);
            p.N = sizes[s][0];
            p.K = sizes[s][1];
            p.M = sizes[s][2];
            for (int m = 0; m < p.M; m++) p.theta[m] = nisac_deg2rad(angles[m]);
            p.decoders = (nisac_decoders)dec;
            p.gamma = nisac_undb(dec ? 20.0 : 10.0);
            nisac_opts o;
            nisac_opts_default(&o);
            double tp[1000], tm[1000], tf[1000], sm = 0, sf = 0, im = 0, jf = 0, dd = 0;
            double complex *H = calloc((size_t)p.N * p.K, sizeof(double complex));
            nisac_design_out *out = nisac_design_out_new(p.N, p.K);
            for (int r = 0; r < reps; r++) {
                nisac_rng rng;
                nisac_rng_init(&rng, 1, (uint64_t)s, (uint64_t)r, NISAC_PURPOSE_CHANNEL);
                nisac_rayleigh(&rng, p.N, p.K, H, p.N);
                nisac_noma_instance *inst;
                if (nisac_noma_instance_new(&p, H, p.N, &inst)) return 1;
                nisac_design(nisac_algo_find("sdr-powermin"), inst, &o, out);
                tp[r] = out->wall;
                o.method = NISAC_MAXMIN_PRINTED;
                nisac_design(nisac_algo_find("sdr-maxmin"), inst, &o, out);
                tm[r] = out->wall;
                sm += out->solves;
                im += out->iterations;
                double t1 = out->t;
                o.method = NISAC_MAXMIN_FAST;
                nisac_design(nisac_algo_find("sdr-maxmin"), inst, &o, out);
                tf[r] = out->wall;
                sf += out->solves;
                jf += out->iterations;
                dd = fmax(dd, fabs(nisac_db(t1) - nisac_db(out->t)));
                nisac_noma_instance_free(inst);
            }
            double mp = median(tp, reps), mm = median(tm, reps), mf = median(tf, reps);
            char sz[32];
            snprintf(sz, sizeof sz, "(%d,%d,%d)", p.N, p.K, p.M);
            printf("%-12s %-8s %-11.4f %-11.4f %-11.4f %-7.1f %-7.1f %-7.1f %-7.1f %-8.2f %-8.4f\n", sz,
                   dec ? "own" : "all", mp, mm, mf, im / reps, jf / reps, sm / reps, sf / reps, mm / mf, dd);
            fflush(stdout);
            free(H);
            nisac_design_out_free(out);
        }
    printf("columns: medians over %d channel draws; probes = mean SDP relaxations per max-min\n"
           "(printed, fast); solves = all conic solves, power re-allocations included;\n"
           "speedup = printed / fast median time; dB_diff = max |t_printed - t_fast| in dB.\n", reps);
    return 0;
}
