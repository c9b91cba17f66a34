/* nisac train: TD3 on paper 004's DRL environment (docs/models/td3.md).
 * Episodes of T steps on one channel draw each (trial = episode), a
 * checkpoint and the training curve in OUT, then a test on fresh draws
 * against hao-sca on the same channels. */
#include "exp_cmds.h"
#include "nisac/nisac.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

void nisac_cli_mkdirs(const char *dir)
{
    char path[1024];
    snprintf(path, sizeof path, "%s", dir);
    for (char *q = path + 1; *q; q++)
        if (*q == '/') {
            *q = 0;
            mkdir(path, 0777);
            *q = '/';
        }
    mkdir(path, 0777);
}

static void usage(FILE *f)
{
    fprintf(f, "usage: nisac train [--SYSTEM-PARAM X]... [--episodes N] [--steps T] [--test N] [--seed S]\n"
               "                   [--out DIR] [--resume] [--hidden1 H] [--hidden2 H] [--batch B]\n\n"
               "Trains the TD3 agent of paper 004's section 6.3.4 on the system rs-noma-isac (its\n"
               "parameters as in 'nisac solve --system rs-noma-isac --help'): each episode is T steps\n"
               "(default 4) on one channel draw (seed S, trial = episode); state (41), action (42) and\n"
               "reward (43) as in docs/models/td3.md.  Writes DIR/td3.ckpt (every 50 episodes and at\n"
               "the end, atomically) and DIR/training.csv (episode, return, seconds); --resume goes\n"
               "on from DIR/td3.ckpt (with an empty replay buffer).  Then N test draws (default 20,\n"
               "trials beyond the training ones): the policy's last-step objective against hao-sca's\n"
               "on the same channel, written to DIR/test.csv with the mean gap and its 95%% interval.\n"
               "Defaults: M = 64 (8 x 8), K = 32, 300 episodes, DIR results/td3.\n");
}

static int write_line(const char *path, const char *mode, const char *line)
{
    FILE *f = fopen(path, mode);
    if (!f) return -1;
    const int e = fputs(line, f) < 0;
    return (fclose(f) || e) ? -1 : 0;
}

int nisac_cmd_train(int argc, char **argv)
{
    const nisac_system *sy = nisac_system_find(NULL, "rs-noma-isac");
    nisac_params *p = nisac_system_params(sy);
    if (!p) return fprintf(stderr, "nisac train: out of memory\n"), 1;
    nisac_params_set_named(p, "M", 64);
    nisac_params_set_named(p, "Mx", 8);
    nisac_params_set_named(p, "K", 32);
    long episodes = 300, steps = 4, ntest = 20, h1 = 256, h2 = 128, batch = 256;
    unsigned long long seed = 1;
    const char *out = "results/td3";
    int resume = 0, rc = 0;
    for (int i = 1; i < argc && !rc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        long *target = !strcmp(a, "--episodes") ? &episodes : !strcmp(a, "--steps") ? &steps
                       : !strcmp(a, "--test") ? &ntest : !strcmp(a, "--hidden1") ? &h1
                       : !strcmp(a, "--hidden2") ? &h2 : !strcmp(a, "--batch") ? &batch : NULL;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage(stdout);
            nisac_params_free(p);
            return 0;
        } else if (target) {
            char *end = NULL;
            const long x = v ? strtol(v, &end, 10) : 0;
            if (!v || *end || x < 1 || x > 100000000) {
                fprintf(stderr, "nisac train: option %s: expected a positive integer\n", a);
                rc = 2;
            }
            *target = x;
            i++;
        } else if (!strcmp(a, "--seed")) {
            char *end = NULL;
            seed = v ? strtoull(v, &end, 10) : 0;
            if (!v || *end) fprintf(stderr, "nisac train: option --seed: expected an integer\n"), rc = 2;
            i++;
        } else if (!strcmp(a, "--out")) {
            if (!v) fprintf(stderr, "nisac train: option --out: expected a folder\n"), rc = 2;
            out = v;
            i++;
        } else if (!strcmp(a, "--resume")) resume = 1;
        else if (!strncmp(a, "--", 2) && v && nisac_param_find(p->defs, p->n, a + 2) >= 0) {
            char *end = NULL;
            const double x = strtod(v, &end);
            if (*end || nisac_params_set(p, nisac_param_find(p->defs, p->n, a + 2), x)) {
                fprintf(stderr, "nisac train: option %s: %s\n", a, *end ? "expected a number" : nisac_last_error());
                rc = 2;
            }
            i++;
        } else {
            fprintf(stderr, "nisac train: unknown option '%s' (see 'nisac train --help')\n", a);
            rc = 2;
        }
    }
    if (!rc && nisac_system_check(sy, p)) {
        fprintf(stderr, "nisac train: %s\n", nisac_last_error());
        rc = 2;
    }
    if (rc) {
        nisac_params_free(p);
        return rc;
    }
    nisac_cli_mkdirs(out);
    char ckpt[1100], curve[1100], test[1100];
    snprintf(ckpt, sizeof ckpt, "%s/td3.ckpt", out);
    snprintf(curve, sizeof curve, "%s/training.csv", out);
    snprintf(test, sizeof test, "%s/test.csv", out);
    nisac_instance *inst = NULL;
    nisac_td3 *agent = NULL;
    nisac_design_t *d = NULL;
    double *s = NULL, *s2 = NULL, *act = NULL;
    FILE *fcurve = NULL;
    int S = 0, A = 0;
    if ((rc = nisac_instance_new(sy, p, 0, NULL, seed, 0, 0, &inst))) goto fail;
    nisac_rs_drl_dims(nisac_rs_instance_of(inst), &S, &A);
    nisac_instance_free(inst);
    inst = NULL;
    long first = 0;
    if (resume) {
        if ((rc = nisac_td3_load(ckpt, &agent))) goto fail;
        if (nisac_td3_options(agent)->state_dim != S || nisac_td3_options(agent)->action_dim != A) {
            fprintf(stderr, "nisac train: %s was trained for other sizes (state %d, action %d; here %d, %d)\n", ckpt,
                    nisac_td3_options(agent)->state_dim, nisac_td3_options(agent)->action_dim, S, A);
            rc = 2;
            goto done;
        }
        first = nisac_td3_steps(agent) / steps;
    } else {
        nisac_td3_opts o;
        nisac_td3_opts_default(&o, S, A);
        o.hidden1 = (int)h1, o.hidden2 = (int)h2, o.batch = (int)batch;
        if (!(agent = nisac_td3_new(&o, seed))) {
            rc = NISAC_ENOMEM;
            goto fail;
        }
        if (write_line(curve, "w", "# nisac train: TD3 on rs-noma-isac\nepisode,return,seconds\n")) {
            fprintf(stderr, "nisac train: cannot write %s\n", curve);
            rc = 1;
            goto done;
        }
    }
    /* the curve stays open for the run: one line per episode, flushed */
    if (!(fcurve = fopen(curve, "a"))) {
        fprintf(stderr, "nisac train: cannot write %s\n", curve);
        rc = 1;
        goto done;
    }
    s = malloc(sizeof(double) * (size_t)S * 2);
    act = malloc(sizeof(double) * (size_t)A);
    if (!s || !act) {
        rc = NISAC_ENOMEM;
        goto fail;
    }
    s2 = s + S;
    const double t0 = now();
    for (long ep = first; ep < episodes; ep++) {
        if ((rc = nisac_instance_new(sy, p, 0, NULL, seed, 0, (uint64_t)ep, &inst))) goto fail;
        const nisac_rs_instance *ri = nisac_rs_instance_of(inst);
        d = nisac_design_new(inst);
        if (!d) {
            rc = NISAC_ENOMEM;
            goto fail;
        }
        double ret = 0, m[5] = {0};
        nisac_rs_drl_state(ri, NULL, s);
        for (long t = 0; t < steps; t++) {
            double r;
            if ((rc = nisac_td3_act(agent, s, 1, act)) || (rc = nisac_rs_drl_apply(inst, act, d, &r, m))) goto fail;
            nisac_rs_drl_state(ri, m, s2);
            nisac_td3_store(agent, s, act, r, s2, t == steps - 1);
            if ((rc = nisac_td3_update(agent))) goto fail;
            memcpy(s, s2, sizeof(double) * (size_t)S);
            ret += r;
        }
        nisac_design_free(d);
        d = NULL;
        nisac_instance_free(inst);
        inst = NULL;
        if (fprintf(fcurve, "%ld,%.10g,%.3f\n", ep + 1, ret, now() - t0) < 0 || fflush(fcurve)) {
            fprintf(stderr, "nisac train: cannot write %s\n", curve);
            rc = 1;
            goto done;
        }
        if ((ep + 1) % 50 == 0 || ep + 1 == episodes) {
            if ((rc = nisac_td3_save(agent, ckpt))) goto fail;
            fprintf(stderr, "episode %ld/%ld: return %.4g, %.1f s\n", ep + 1, episodes, ret, now() - t0);
        }
    }
    { /* the training curve: DIR/training.gp, drawn into DIR/training.png by gnuplot */
        char gp[1100], png[1100], script[4096];
        snprintf(gp, sizeof gp, "%s/training.gp", out);
        snprintf(png, sizeof png, "%s/training.png", out);
        snprintf(script, sizeof script,
                 "set terminal pngcairo size 900,620 enhanced font 'Sans,12'\nset output '%s'\nset grid\n"
                 "set datafile separator ','\nset key outside right top vertical box\n"
                 "set xlabel 'episode'\nset ylabel 'return (sum of rewards (43) over the episode)'\n"
                 "set title 'TD3 on rs-noma-isac: training curve'\n"
                 "plot '%s' using 1:2 every ::1 with lines lc rgb '#bbbbbb' title 'return', "
                 "'' using 1:2 every ::1 smooth bezier lw 2 title 'smoothed'\n",
                 png, curve);
        if (write_line(gp, "w", script)) fprintf(stderr, "nisac train: cannot write %s\n", gp);
        else {
            char cmd[2300];
            snprintf(cmd, sizeof cmd, "gnuplot '%s' 2>/dev/null", gp);
            if (system(cmd)) fprintf(stderr, "nisac train: gnuplot could not draw %s (the script is %s)\n", png, gp);
        }
    }
    /* test: fresh draws (trials after the training ones), the policy's last step against hao-sca */
    const nisac_algo *hao = nisac_algo_find(NULL, sy, "hao-sca");
    double *gap = malloc(sizeof(double) * (size_t)ntest);
    if (!gap || write_line(test, "w", "# nisac train: test draws\ntrial,td3_objective,hao_sca_objective,gap,"
                                      "td3_seconds,td3_decision_seconds,hao_sca_seconds\n")) {
        free(gap);
        fprintf(stderr, "nisac train: cannot write %s\n", test);
        rc = 1;
        goto done;
    }
    for (long i = 0; i < ntest; i++) {
        const uint64_t trial = (uint64_t)(episodes + 1000 + i);
        if ((rc = nisac_instance_new(sy, p, 0, NULL, seed, 0, trial, &inst))) goto fail;
        const nisac_rs_instance *ri = nisac_rs_instance_of(inst);
        d = nisac_design_new(inst);
        nisac_report *r = nisac_report_new();
        if (!d || !r) {
            nisac_report_free(r);
            rc = NISAC_ENOMEM;
            goto fail;
        }
        double m[5] = {0}, rew;
        const double ta = now();
        nisac_rs_drl_state(ri, NULL, s);
        for (long t = 0; t < steps && !rc; t++) {
            rc = nisac_td3_act(agent, s, 0, act);
            if (!rc) rc = nisac_rs_drl_apply(inst, act, d, &rew, m);
            nisac_rs_drl_state(ri, m, s);
        }
        const double tt = now() - ta, fa = m[4];
        /* one decision alone: the actor and the design it stands for, not judged */
        const double tb = now();
        if (!rc) rc = nisac_td3_act(agent, s, 0, act);
        if (!rc) rc = nisac_rs_drl_apply(inst, act, d, NULL, NULL);
        const double td = now() - tb;
        if (!rc) rc = nisac_design(hao, inst, NULL, 1, d, r);
        const double fb = nisac_eval_scalar(r->eval, nisac_metric_find(sy, "objective"));
        char line[256];
        gap[i] = fb != 0 ? (fa - fb) / fabs(fb) : NAN;
        snprintf(line, sizeof line, "%llu,%.10g,%.10g,%.6g,%.4g,%.4g,%.4g\n", (unsigned long long)trial, fa, fb, gap[i],
                 tt, td, r->wall);
        nisac_report_free(r);
        nisac_design_free(d);
        d = NULL;
        nisac_instance_free(inst);
        inst = NULL;
        if (rc) {
            free(gap);
            goto fail;
        }
        write_line(test, "a", line);
    }
    nisac_summary sm;
    nisac_stats_summary(gap, (int)ntest, 0.95, &sm);
    printf("td3 after %ld episodes: objective %+.2f%% of hao-sca's on %d test draws (95%% interval [%+.2f%%, %+.2f%%]);"
           " %s, %s, %s\n",
           episodes, 100 * sm.mean, sm.n, 100 * sm.lo, 100 * sm.hi, ckpt, curve, test);
    free(gap);
    goto done;
fail:
    fprintf(stderr, "nisac train: %s\n", nisac_last_error());
    rc = rc == NISAC_EINVAL || rc == NISAC_EPARSE ? 2 : 1;
done:
    if (fcurve && fclose(fcurve) && !rc) {
        fprintf(stderr, "nisac train: cannot write %s\n", curve);
        rc = 1;
    }
    free(s), free(act);
    nisac_design_free(d);
    nisac_instance_free(inst);
    nisac_td3_free(agent);
    nisac_params_free(p);
    return rc;
}
