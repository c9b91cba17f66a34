/* The nisac program. */
#include "nisac/nisac.h"
#include "nisac/scenario.h"
#include "nisac/experiment.h"
#include "exp_cmds.h"

#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *prog = "nisac";

static void usage_main(FILE *f)
{
    fprintf(f,
            "nisac %s - beamforming for NOMA-based integrated sensing and communication\n"
            "\n"
            "usage: nisac COMMAND [OPTIONS]\n"
            "\n"
            "commands:\n"
            "  solve     design beamformers for one scenario and evaluate them on the channel\n"
            "  run       run a Monte Carlo experiment from a JSON config (docs/experiments.md)\n"
            "  summarize mean, sd, 95%% CI, feasibility rate per point and algorithm of a results file\n"
            "  plot      draw an experiment's plots with gnuplot\n"
            "  algos     list the algorithms of the registry\n"
            "  version   print the version\n"
            "  help      this text; 'nisac solve --help' for the options of solve\n",
            NISAC_VERSION);
}

static void usage_solve(FILE *f)
{
    fprintf(f,
            "usage: nisac solve [--config FILE] [OPTIONS] [--json]\n"
            "\n"
            "Designs beamformers for one NOMA-ISAC scenario (paper 000 defaults: N=8, K=3,\n"
            "targets at -60 and +60 deg, Rayleigh channels) and prints the design as the\n"
            "model re-evaluates it on the channel. Options override the config file.\n"
            "\n"
            "scenario:\n"
            "  --config FILE        JSON scenario (schema: docs/cli.md); may hold explicit channels\n"
            "  --N INT              BS antennas (default 8)\n"
            "  --K INT              users, at most %d (default 3)\n"
            "  --targets LIST       target angles in degrees, comma-separated (default -60,60);\n"
            "                       'none' for no target\n"
            "  --sigma2 W           noise variance sigma_n^2 in watts (default 0.01)\n"
            "  --Ps W               sensing power threshold P_s per target, watts (default 2)\n"
            "  --Pdiff W            max sensing power difference between targets, watts (default 0.001)\n"
            "  --xi W^2             bound on the mean-squared cross-correlation (7); <= 0 disables (default 10)\n"
            "  --Ptotal W           power budget (8b), watts; used by max-min (default 8)\n"
            "  --gamma-db DB        SINR target of every user, dB; used by power minimisation (default 20)\n"
            "  --eps X              CSI error bound epsilon (channel-norm units) for sdr-robust (default 0.05)\n"
            "  --d-lambda X         antenna spacing in wavelengths (default 0.5)\n"
            "  --rho-c X, --rho-s X weights of beam and sensing power in the objective (12a) (default 1, 1)\n"
            "  --decoders all|own   SINR constraints: all = every user l >= k decodes message k (12b, SIC;\n"
            "                       default), own = only each user's own message\n"
            "  --sic-order          impose the SIC power-order constraint (3) (default off, as in (12))\n"
            "  --seed INT           channel stream seed (default 1)\n"
            "  --trial INT          channel draw index within the seed (default 0)\n"
            "\n"
            "algorithm:\n"
            "  --algo NAME          sdr-maxmin (default), sdr-powermin, sdr-robust, oma-sdr ('nisac algos')\n"
            "  --mu X               max-min bisection tolerance on t, linear SINR (default 0.02)\n"
            "  --method printed|fast  max-min: Algorithm 1 as printed, or bracketed secant (default printed)\n"
            "  --problem powermin|maxmin  oma-sdr: which problem each slot solves (default powermin)\n"
            "  --oma-basis rate|sinr  oma-sdr power minimisation: slot target (1+gamma)^K-1 (rate, default)\n"
            "                       or gamma (sinr)\n"
            "  --nrand INT          Gaussian randomisation candidates (default 50)\n"
            "  --rank-tol X         lambda2/lambda1 counted as rank one (default 1e-6)\n"
            "  --feas-tol X         relative violation tolerated in re-evaluation (default 1e-6)\n"
            "  --sdp-tol X          CSDP accuracy (default 1e-8)\n"
            "\n"
            "output:\n"
            "  --json               one JSON object on stdout instead of the table\n"
            "\n"
            "exit status: 0 when a design was produced and evaluated (whatever its status,\n"
            "infeasible included); 1 on a solver error; 2 on bad input.\n",
            NISAC_MAX_USERS);
}

static int bad(const char *opt, const char *fmt, const char *val)
{
    fprintf(stderr, "%s solve: option %s: ", prog, opt);
    fprintf(stderr, fmt, val);
    fputc('\n', stderr);
    return 2;
}

static int parse_double(const char *opt, const char *v, double *out)
{
    char *end;
    errno = 0;
    double d = strtod(v, &end);
    if (errno || end == v || *end || !isfinite(d)) return bad(opt, "expected a finite number, got '%s'", v);
    *out = d;
    return 0;
}

static int parse_long(const char *opt, const char *v, long lo, long hi, long *out)
{
    char *end;
    errno = 0;
    long x = strtol(v, &end, 10);
    if (errno || end == v || *end || x < lo || x > hi) {
        fprintf(stderr, "%s solve: option %s: expected an integer in %ld..%ld, got '%s'\n", prog, opt,
                lo, hi, v);
        return 2;
    }
    *out = x;
    return 0;
}

static int parse_targets(const char *v, nisac_noma_params *p)
{
    if (!strcmp(v, "none")) {
        p->M = 0;
        return 0;
    }
    char buf[512];
    snprintf(buf, sizeof buf, "%s", v);
    int m = 0;
    for (char *tok = strtok(buf, ","); tok; tok = strtok(NULL, ",")) {
        double d;
        if (m >= NISAC_MAX_TARGETS) return bad("--targets", "at most 16 targets: '%s'", v);
        if (parse_double("--targets", tok, &d)) return 2;
        if (fabs(d) > 90) return bad("--targets", "angles must lie in [-90, 90] degrees: '%s'", v);
        p->theta[m++] = nisac_deg2rad(d);
    }
    if (m == 0) return bad("--targets", "expected a comma-separated list of angles, got '%s'", v);
    p->M = m;
    return 0;
}

static json_t *jnum(double x) { return isfinite(x) ? json_real(x) : json_null(); }

static void print_json(const nisac_scenario *sc, const nisac_noma_instance *inst,
                       const nisac_design_out *o)
{
    const int N = inst->p.N, K = inst->p.K, M = inst->p.M;
    json_t *j = json_object();
    json_object_set_new(j, "algo", json_string(sc->algo));
    json_object_set_new(j, "status", json_string(nisac_status_name(o->status)));
    json_object_set_new(j, "note", json_string(o->note));
    json_object_set_new(j, "objective", jnum(o->objective));
    json_object_set_new(j, "total_power_W", jnum(o->eval.total_power));
    json_object_set_new(j, "comm_power_W", jnum(o->eval.comm_power));
    json_object_set_new(j, "sensing_power_sum_W", jnum(o->eval.sense_sum));
    json_object_set_new(j, "min_sinr_db", jnum(nisac_db(o->eval.min_sinr)));
    json_object_set_new(j, "t_db", jnum(o->t > 0 ? nisac_db(o->t) : NAN));
    json_object_set_new(j, "max_violation", jnum(o->eval.max_viol));
    json_object_set_new(j, "xcorr", jnum(o->eval.xcorr));
    json_object_set_new(j, "solves", json_integer(o->solves));
    json_object_set_new(j, "iterations", json_integer(o->iterations));
    json_object_set_new(j, "wall_s", jnum(o->wall));
    json_object_set_new(j, "sdp_rel_gap", jnum(o->sdp_gap));
    json_object_set_new(j, "sdp_primal_infeasibility", jnum(o->sdp_pinf));
    json_object_set_new(j, "randomized", json_boolean(o->randomized));
    json_object_set_new(j, "polished", json_boolean(o->polished));
    json_object_set_new(j, "worst_case_min_sinr_db",
                        jnum(isnan(o->worst_min_sinr) ? NAN : nisac_db(o->worst_min_sinr)));
    json_t *us = json_array(), *rr = json_array(), *ord = json_array(), *rate = json_array(),
           *bp = json_array(), *bf = json_array();
    for (int k = 0; k < K; k++) {
        json_array_append_new(us, jnum(nisac_db(o->eval.user_sinr[k])));
        json_array_append_new(rr, jnum(o->rank_ratio[k]));
        json_array_append_new(ord, json_integer(inst->order[k]));
        json_array_append_new(rate, jnum(o->eval.rate[k]));
        json_array_append_new(bp, jnum(o->eval.beam_power[k]));
        json_t *w = json_array();
        for (int n = 0; n < N; n++) {
            double complex x = o->W[n + (size_t)k * N];
            json_array_append_new(w, json_pack("[f,f]", creal(x), cimag(x)));
        }
        json_array_append_new(bf, w);
    }
    json_object_set_new(j, "user_order", ord);
    json_object_set_new(j, "user_sinr_db", us);
    json_object_set_new(j, "user_rate_bps_hz", rate);
    json_object_set_new(j, "beam_power_W", bp);
    json_object_set_new(j, "rank_ratio", rr);
    json_t *sp = json_array();
    for (int m = 0; m < M; m++) json_array_append_new(sp, jnum(o->eval.sense_power[m]));
    json_object_set_new(j, "sensing_power_W", sp);
    json_t *v = json_object();
    json_object_set_new(v, "sinr", jnum(o->eval.viol_sinr));
    json_object_set_new(v, "sensing", jnum(o->eval.viol_sense));
    json_object_set_new(v, "difference", jnum(o->eval.viol_diff));
    json_object_set_new(v, "xcorr", jnum(o->eval.viol_xcorr));
    json_object_set_new(v, "budget", jnum(o->eval.viol_budget));
    json_object_set_new(v, "sic_order", jnum(o->eval.viol_sicorder));
    json_object_set_new(j, "violations", v);
    json_object_set_new(j, "beamformers", bf);
    char *s = json_dumps(j, JSON_INDENT(2) | JSON_REAL_PRECISION(12));
    if (s) puts(s);
    free(s);
    json_decref(j);
}

static void print_table(const nisac_scenario *sc, const nisac_noma_instance *inst,
                        const nisac_design_out *o)
{
    const nisac_noma_params *p = &inst->p;
    const int K = p->K, M = p->M;
    printf("nisac %s | %s | N=%d K=%d M=%d sigma2=%g Ps=%g W Pdiff=%g W xi=%g decoders=%s\n",
           NISAC_VERSION, sc->algo, p->N, K, M, p->sigma2, p->Ps, p->Pdiff, p->xi,
           p->decoders == NISAC_DECODERS_ALL ? "all" : "own");
    if (!strcmp(sc->algo, "sdr-maxmin") || (!strcmp(sc->algo, "oma-sdr") && sc->opts.problem == NISAC_PROBLEM_MAXMIN))
        printf("P_total = %g W\n", p->P_total);
    else
        printf("SINR target = %.4f dB%s\n", nisac_db(p->gamma),
               !strcmp(sc->algo, "sdr-robust") ? "" : "");
    if (!strcmp(sc->algo, "sdr-robust")) printf("eps = %g\n", p->eps);
    printf("\nstatus: %s%s%s\n", nisac_status_name(o->status), o->note[0] ? "  (" : "",
           o->note[0] ? o->note : "");
    if (o->note[0]) printf(")\n");
    printf("\n%-6s %-8s %-10s %-12s %-12s %-10s\n", "user", "channel", "SINR(dB)", "rate(b/s/Hz)",
           "||w||^2 (W)", "rank ratio");
    for (int k = 0; k < K; k++)
        printf("%-6d %-8d %-10.4f %-12.4f %-12.6f %-10.2e\n", k + 1, inst->order[k] + 1,
               nisac_db(o->eval.user_sinr[k]), o->eval.rate[k], o->eval.beam_power[k], o->rank_ratio[k]);
    printf("\n%-8s %-10s %-16s\n", "target", "theta", "P(theta) (W)");
    for (int m = 0; m < M; m++)
        printf("%-8d %-10.2f %-16.6f\n", m + 1, nisac_rad2deg(p->theta[m]), o->eval.sense_power[m]);
    printf("\nmin SINR            %.4f dB\n", nisac_db(o->eval.min_sinr));
    if (o->t > 0) printf("bisection t         %.4f dB\n", nisac_db(o->t));
    if (!isnan(o->worst_min_sinr))
        printf("worst-case min SINR %.4f dB over ||dh|| <= %g\n", nisac_db(o->worst_min_sinr), p->eps);
    printf("beam power          %.6f W\n", o->eval.comm_power);
    printf("sensing power sum   %.6f W\n", o->eval.sense_sum);
    printf("total power (8b)    %.6f W\n", o->eval.total_power);
    printf("cross-correlation   %.3e\n", o->eval.xcorr);
    printf("max violation       %.2e (relative)\n", o->eval.max_viol);
    printf("SDP solves          %d   relative gap %.1e   wall %.3f s%s\n", o->solves, o->sdp_gap,
           o->wall, o->randomized ? "   (Gaussian randomisation used)" : "");
}

static int cmd_solve(int argc, char **argv)
{
    nisac_scenario sc;
    nisac_scenario_default(&sc);
    int json = 0, rc = 0;
    /* the config first, so that flags override it */
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            usage_solve(stdout);
            return 0;
        }
        if (!strcmp(argv[i], "--config")) {
            if (i + 1 >= argc) return bad("--config", "missing FILE%s", "");
            char msg[512];
            if (nisac_scenario_load_json(argv[i + 1], &sc, msg, sizeof msg)) {
                fprintf(stderr, "%s solve: %s\n", prog, msg);
                nisac_scenario_clear(&sc);
                return 2;
            }
        }
    }
    nisac_noma_params *p = &sc.p;
    for (int i = 1; i < argc && !rc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        long li;
        double d;
#define NEEDV                                                           \
    if (!v) {                                                           \
        rc = bad(a, "missing value%s", "");                             \
        break;                                                          \
    }                                                                   \
    i++;
        if (!strcmp(a, "--config")) { NEEDV; }
        else if (!strcmp(a, "--json")) json = 1;
        else if (!strcmp(a, "--sic-order")) p->sic_power_order = 1;
        else if (!strcmp(a, "--N")) { NEEDV; if (!(rc = parse_long(a, v, 1, 4096, &li))) p->N = (int)li; }
        else if (!strcmp(a, "--K")) { NEEDV; if (!(rc = parse_long(a, v, 1, NISAC_MAX_USERS, &li))) p->K = (int)li; }
        else if (!strcmp(a, "--targets")) { NEEDV; rc = parse_targets(v, p); }
        else if (!strcmp(a, "--sigma2")) { NEEDV; rc = parse_double(a, v, &p->sigma2); }
        else if (!strcmp(a, "--Ps")) { NEEDV; rc = parse_double(a, v, &p->Ps); }
        else if (!strcmp(a, "--Pdiff")) { NEEDV; rc = parse_double(a, v, &p->Pdiff); }
        else if (!strcmp(a, "--xi")) { NEEDV; rc = parse_double(a, v, &p->xi); }
        else if (!strcmp(a, "--Ptotal")) { NEEDV; rc = parse_double(a, v, &p->P_total); }
        else if (!strcmp(a, "--gamma-db")) { NEEDV; if (!(rc = parse_double(a, v, &d))) p->gamma = nisac_undb(d); }
        else if (!strcmp(a, "--eps")) { NEEDV; rc = parse_double(a, v, &p->eps); }
        else if (!strcmp(a, "--d-lambda")) { NEEDV; rc = parse_double(a, v, &p->d_lambda); }
        else if (!strcmp(a, "--rho-c")) { NEEDV; rc = parse_double(a, v, &p->rho_c); }
        else if (!strcmp(a, "--rho-s")) { NEEDV; rc = parse_double(a, v, &p->rho_s); }
        else if (!strcmp(a, "--decoders")) {
            NEEDV;
            if (!strcmp(v, "all")) p->decoders = NISAC_DECODERS_ALL;
            else if (!strcmp(v, "own")) p->decoders = NISAC_DECODERS_OWN;
            else rc = bad(a, "expected 'all' or 'own', got '%s'", v);
        } else if (!strcmp(a, "--seed")) { NEEDV; if (!(rc = parse_long(a, v, 0, __LONG_MAX__, &li))) sc.seed = (uint64_t)li; }
        else if (!strcmp(a, "--trial")) { NEEDV; if (!(rc = parse_long(a, v, 0, __LONG_MAX__, &li))) sc.trial = (uint64_t)li; }
        else if (!strcmp(a, "--algo")) {
            NEEDV;
            if (!nisac_algo_find(v)) rc = bad(a, "unknown algorithm '%s' (see 'nisac algos')", v);
            else snprintf(sc.algo, sizeof sc.algo, "%s", v);
        } else if (!strcmp(a, "--mu")) { NEEDV; rc = parse_double(a, v, &sc.opts.mu); if (!rc && !(sc.opts.mu > 0)) rc = bad(a, "expected a value > 0, got '%s'", v); }
        else if (!strcmp(a, "--method")) {
            NEEDV;
            if (!strcmp(v, "printed")) sc.opts.method = NISAC_MAXMIN_PRINTED;
            else if (!strcmp(v, "fast")) sc.opts.method = NISAC_MAXMIN_FAST;
            else rc = bad(a, "expected 'printed' or 'fast', got '%s'", v);
        } else if (!strcmp(a, "--problem")) {
            NEEDV;
            if (!strcmp(v, "powermin")) sc.opts.problem = NISAC_PROBLEM_POWERMIN;
            else if (!strcmp(v, "maxmin")) sc.opts.problem = NISAC_PROBLEM_MAXMIN;
            else rc = bad(a, "expected 'powermin' or 'maxmin', got '%s'", v);
        } else if (!strcmp(a, "--oma-basis")) {
            NEEDV;
            if (!strcmp(v, "rate")) sc.opts.oma_basis = NISAC_OMA_RATE;
            else if (!strcmp(v, "sinr")) sc.opts.oma_basis = NISAC_OMA_SINR;
            else rc = bad(a, "expected 'rate' or 'sinr', got '%s'", v);
        } else if (!strcmp(a, "--nrand")) { NEEDV; if (!(rc = parse_long(a, v, 0, 100000, &li))) sc.opts.nrand = (int)li; }
        else if (!strcmp(a, "--rank-tol")) { NEEDV; rc = parse_double(a, v, &sc.opts.rank_tol); }
        else if (!strcmp(a, "--feas-tol")) { NEEDV; rc = parse_double(a, v, &sc.opts.feas_tol); }
        else if (!strcmp(a, "--sdp-tol")) { NEEDV; rc = parse_double(a, v, &sc.opts.sdp.tol); if (!rc && !(sc.opts.sdp.tol > 0 && sc.opts.sdp.tol < 1)) rc = bad(a, "expected 0 < tol < 1, got '%s'", v); }
        else {
            fprintf(stderr, "%s solve: unknown option '%s' (see 'nisac solve --help')\n", prog, a);
            rc = 2;
        }
#undef NEEDV
    }
    if (rc) {
        nisac_scenario_clear(&sc);
        return rc;
    }
    if (nisac_noma_params_check(p)) {
        fprintf(stderr, "%s solve: %s\n", prog, strchr(nisac_last_error(), ' ') + 1);
        nisac_scenario_clear(&sc);
        return 2;
    }
    if (sc.H && (sc.H_N != p->N || sc.H_K != p->K)) {
        fprintf(stderr, "%s solve: the config's channels are %d vectors of %d entries, but N=%d K=%d\n",
                prog, sc.H_K, sc.H_N, p->N, p->K);
        nisac_scenario_clear(&sc);
        return 2;
    }
    double complex *H = calloc((size_t)p->N * p->K, sizeof(double complex));
    nisac_noma_instance *inst = NULL;
    nisac_design_out *out = nisac_design_out_new(p->N, p->K);
    if (!H || !out) {
        fprintf(stderr, "%s solve: out of memory\n", prog);
        rc = 1;
        goto done;
    }
    nisac_scenario_channels(&sc, H);
    if (nisac_noma_instance_new(p, H, p->N, &inst)) {
        fprintf(stderr, "%s solve: %s\n", prog, nisac_last_error());
        rc = 2;
        goto done;
    }
    if (nisac_design(nisac_algo_find(sc.algo), inst, &sc.opts, out)) {
        fprintf(stderr, "%s solve: %s\n", prog, nisac_last_error());
        rc = 1;
        goto done;
    }
    if (json) print_json(&sc, inst, out);
    else print_table(&sc, inst, out);
done:
    free(H);
    nisac_noma_instance_free(inst);
    nisac_design_out_free(out);
    nisac_scenario_clear(&sc);
    return rc;
}

static int cmd_algos(void)
{
    int n;
    const nisac_algo *const *list = nisac_algo_list(&n);
    for (int i = 0; i < n; i++) printf("%-14s %s\n", list[i]->name, list[i]->summary);
    return 0;
}

static void log_stderr(nisac_log_level level, const char *msg, void *user)
{
    (void)user;
    static const char *const names[] = {"debug", "info", "warning"};
    fprintf(stderr, "%s: %s: %s\n", prog, names[level], msg);
}

int main(int argc, char **argv)
{
    if (getenv("NISAC_DEBUG")) nisac_set_log(log_stderr, NULL);
    if (argc < 2 || !strcmp(argv[1], "help") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        usage_main(stdout);
        return argc < 2 ? 2 : 0;
    }
    if (!strcmp(argv[1], "solve")) return cmd_solve(argc - 1, argv + 1);
    if (!strcmp(argv[1], "algos")) return cmd_algos();
    if (!strcmp(argv[1], "run")) return nisac_cmd_run(argc - 1, argv + 1);
    if (!strcmp(argv[1], "summarize")) return nisac_cmd_summarize(argc - 1, argv + 1);
    if (!strcmp(argv[1], "plot")) return nisac_cmd_plot(argc - 1, argv + 1);
    if (!strcmp(argv[1], "version") || !strcmp(argv[1], "--version")) {
        printf("nisac %s (MPI: %s)\n", NISAC_VERSION,
               nisac_have_mpi() ? "yes, OpenMPI" : "no; install libopenmpi-dev and rebuild for 'mpirun'");
        return 0;
    }
    fprintf(stderr, "%s: unknown command '%s' (see 'nisac help')\n", prog, argv[1]);
    return 2;
}
