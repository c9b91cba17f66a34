/* The nisac program: solve, systems, algos, version; the experiment
 * commands are in exp_cmds.c.  Everything a command offers comes from
 * the system and algorithm tables. */
#include "nisac/nisac.h"
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
            "  solve     design for one scenario and evaluate the design on the channel\n"
            "  run       run a Monte Carlo experiment from a JSON config (docs/experiments.md)\n"
            "  summarize mean, sd, 95%% CI, feasibility rate per point and algorithm of a results file\n"
            "  report    statistical comparison of the algorithms of a results file (t-tests, ANOVA, Tukey)\n"
            "  train     train the TD3 agent of paper 004 on rs-noma-isac (checkpoints, curve, test)\n"
            "  plot      draw an experiment's plots with gnuplot\n"
            "  systems   list the systems, their parameters and metrics\n"
            "  algos     list the algorithms and their options\n"
            "  version   print the version\n"
            "  help      this text; 'nisac solve --help' for the options of solve\n",
            NISAC_VERSION);
}

static void print_table_entry(FILE *f, const char *flag, const nisac_param_def *d, int indent)
{
    char range[200], def[64] = "";
    nisac_param_range(d, range, sizeof range);
    if (d->type == NISAC_PT_LIST) {
        size_t l = 0;
        for (int j = 0; j < d->def_len; j++) l += (size_t)snprintf(def + l, sizeof def - l, "%s%g", j ? "," : "", d->def_list[j]);
        if (!d->def_len) snprintf(def, sizeof def, "none");
    } else
        nisac_param_format(d, d->def, def, sizeof def);
    char lhs[96];
    if (d->type == NISAC_PT_BOOL) snprintf(lhs, sizeof lhs, "%s [B]", flag);
    else
        snprintf(lhs, sizeof lhs, "%s %s", flag,
                 d->type == NISAC_PT_LIST ? "LIST" : d->type == NISAC_PT_CHOICE ? "NAME" : d->type == NISAC_PT_TEXT ? "TEXT" : "X");
    fprintf(f, "%*s%-24s %s", indent, "", lhs, d->help);
    /* the range of a real or a list carries the unit already */
    fprintf(f, " [%s; default %s%s%s]\n", range, def, d->unit && *d->unit ? " " : "", d->unit ? d->unit : "");
}

static void flag_name(const nisac_param_def *d, char *buf, size_t len)
{
    snprintf(buf, len, "--%s", d->alias ? d->alias : d->name);
    for (char *p = buf + 2; *p; p++)
        if (*p == '_') *p = '-';
}

static void usage_solve(FILE *f, const nisac_scenario *sc)
{
    const nisac_system *s = sc->sys;
    fprintf(f,
            "usage: nisac solve [--system NAME] [--config FILE] [--algo NAME] [OPTIONS] [--json]\n"
            "\n"
            "Designs for one scenario of a system (default %s) and prints the design as the\n"
            "system's model re-evaluates it on the channel: metrics, violations per constraint,\n"
            "solver status.  Options override the config file.\n"
            "\n"
            "general:\n"
            "  --system NAME            the system ('nisac systems'; default %s)\n"
            "  --config FILE            JSON scenario (schema: docs/cli.md); may hold explicit channels\n"
            "  --algo NAME              the algorithm ('nisac algos'; default %s)\n"
            "  --seed INT               channel stream seed (default 1)\n"
            "  --trial INT              channel draw index within the seed (default 0)\n"
            "  --algo-seed INT          the algorithm's random stream (default 1)\n"
            "  --json                   one JSON object on stdout instead of the table\n"
            "  --dry-run                check the scenario and the algorithm's memory estimate, make the\n"
            "                           instance, and stop before designing\n"
            "  --channels FILE          the system's channels from a .npy (complex128) or .mat file (the\n"
            "                           variable 'channels', else the first) of shape K x M (row k is\n"
            "                           h_k); the shape sets the sizes\n"
            "  --save-design DIR|F.mat  also write each design block to DIR/NAME.npy (complex128, shape\n"
            "                           (rows, cols); real blocks with zero imaginary parts), or all blocks\n"
            "                           as variables of one MATLAB file F.mat (v5), atomically\n"
            "\n"
            "parameters of %s (%s):\n",
            NISAC_DEFAULT_SYSTEM, NISAC_DEFAULT_SYSTEM, s->default_algo ? s->default_algo : "-", s->name, s->summary);
    char flag[96];
    for (int i = 0; i < s->nparams; i++) {
        flag_name(&s->params[i], flag, sizeof flag);
        print_table_entry(f, flag, &s->params[i], 2);
    }
    for (int a = 0; a < nisac_catalog_nalgos(sc->cat); a++) {
        const nisac_algo *al = nisac_catalog_algo_at(sc->cat, a);
        if (strcmp(al->system, s->name)) continue;
        fprintf(f, "\noptions of --algo %s (%s):\n", al->name, al->summary);
        for (int i = 0; i < al->nopts; i++) {
            flag_name(&al->opts[i], flag, sizeof flag);
            print_table_entry(f, flag, &al->opts[i], 2);
        }
    }
    fprintf(f, "\nexit status: 0 when a design was produced and evaluated (whatever its status,\n"
               "infeasible included); 1 on a solver or internal error; 2 on bad input.\n");
}

static int bad(const char *opt, const char *what)
{
    fprintf(stderr, "%s solve: option %s: %s\n", prog, opt, what);
    return 2;
}

static int parse_u64(const char *opt, const char *v, uint64_t *out)
{
    char *end;
    errno = 0;
    unsigned long long x = v && *v != '-' ? strtoull(v, &end, 10) : 0;
    if (!v || *v == '-' || errno || end == v || *end) {
        char w[200];
        snprintf(w, sizeof w, "expected a non-negative integer, got '%s'", v ? v : "(nothing)");
        return bad(opt, w);
    }
    *out = x;
    return 0;
}

/* One flag of the system's parameters or the algorithm's options;
 * *used is the number of arguments taken. */
static int table_flag(nisac_params *p, const char *a, const char *v, int *used, int *found)
{
    int i = nisac_param_find(p->defs, p->n, a + 2);
    *found = i >= 0;
    if (i < 0) return 0;
    const nisac_param_def *d = &p->defs[i];
    char why[256];
    if (d->type == NISAC_PT_BOOL) { /* a switch, or followed by true or false */
        const int given = v && (!strcmp(v, "true") || !strcmp(v, "false"));
        *used = given ? 2 : 1;
        p->v[i] = given ? v[0] == 't' : 1;
        return 0;
    }
    *used = 2;
    if (!v) return bad(a, "missing value");
    if (d->type == NISAC_PT_TEXT) return nisac_params_set_text(p, i, v) ? bad(a, "out of memory") : 0;
    if (d->type == NISAC_PT_LIST) {
        double *x;
        int n;
        if (nisac_param_parse_list(d, v, &x, &n, why, sizeof why)) return bad(a, why);
        int rc = nisac_params_set_list(p, i, x, n);
        free(x);
        return rc ? bad(a, "out of memory") : 0;
    }
    double x;
    if (nisac_param_parse(d, v, &x, why, sizeof why)) return bad(a, why);
    p->v[i] = nisac_param_to_internal(d, x);
    return 0;
}

static json_t *jnum(double x) { return isfinite(x) ? json_real(x) : json_null(); }

static json_t *metric_json(const nisac_metric_def *m, const nisac_eval *ev, int i)
{
    if (m->dim < 0) return jnum(nisac_metric_to_record(m, ev->val[i][0]));
    json_t *a = json_array();
    for (int j = 0; j < ev->len[i]; j++) json_array_append_new(a, jnum(nisac_metric_to_record(m, ev->val[i][j])));
    return a;
}

static void print_json(const nisac_scenario *sc, const nisac_instance *inst, const nisac_design_t *d,
                       const nisac_report *r)
{
    const nisac_system *s = inst->sys;
    json_t *j = json_object();
    json_object_set_new(j, "system", json_string(s->name));
    json_object_set_new(j, "algo", json_string(sc->algo->name));
    json_object_set_new(j, "status", json_string(nisac_status_name(r->status)));
    json_object_set_new(j, "note", json_string(r->note));
    json_object_set_new(j, "objective", jnum(r->objective));
    json_object_set_new(j, "objective_metric", r->objective_metric ? json_string(r->objective_metric) : json_null());
    json_object_set_new(j, "bound", jnum(r->bound));
    json_object_set_new(j, "bound_gap", jnum(isfinite(r->bound) && r->bound != 0
                                                 ? fabs(r->objective - r->bound) / fabs(r->bound) : NAN));
    json_object_set_new(j, "solver_rel_gap", jnum(r->gap));
    json_object_set_new(j, "solver_primal_infeasibility", jnum(r->pinf));
    json_object_set_new(j, "solves", json_integer(r->solves));
    json_object_set_new(j, "iterations", json_integer(r->iterations));
    json_object_set_new(j, "wall_s", jnum(r->wall));
    json_object_set_new(j, "max_violation", jnum(r->eval->max_viol));
    json_t *m = json_object(), *v = json_object(), *info = json_object(), *des = json_object();
    for (int i = 0; i < s->nmetrics; i++) json_object_set_new(m, s->metrics[i].name, metric_json(&s->metrics[i], r->eval, i));
    for (int c = 0; c < s->nconstraints; c++) {
        json_t *x = json_object();
        json_object_set_new(x, "equation", json_string(s->constraints[c].eq));
        json_object_set_new(x, "imposed", json_boolean(d->imposed & (1u << c)));
        json_object_set_new(x, "violation", jnum(r->eval->viol[c]));
        json_object_set_new(v, s->constraints[c].name, x);
    }
    for (int i = 0; i < r->ninfo; i++) {
        if (r->info[i].len == 1) json_object_set_new(info, r->info[i].name, jnum(r->info[i].v[0]));
        else {
            json_t *a = json_array();
            for (int k = 0; k < r->info[i].len; k++) json_array_append_new(a, jnum(r->info[i].v[k]));
            json_object_set_new(info, r->info[i].name, a);
        }
    }
    for (int b = 0; b < d->nblocks; b++) {
        const nisac_block *bl = &d->blocks[b];
        json_t *cols = json_array();
        for (int c = 0; c < bl->cols; c++) {
            json_t *col = json_array();
            for (int i = 0; i < bl->rows; i++) {
                size_t at = (size_t)c * bl->rows + i;
                if (bl->z) json_array_append_new(col, json_pack("[f,f]", creal(bl->z[at]), cimag(bl->z[at])));
                else json_array_append_new(col, jnum(bl->x[at]));
            }
            json_array_append_new(cols, col);
        }
        json_object_set_new(des, bl->name, cols);
    }
    json_object_set_new(j, "metrics", m);
    json_object_set_new(j, "violations", v);
    json_object_set_new(j, "diagnostics", info);
    json_object_set_new(j, "design", des);
    char *out = json_dumps(j, JSON_INDENT(2) | JSON_REAL_PRECISION(17));
    if (out) puts(out);
    free(out);
    json_decref(j);
}

static void print_table(const nisac_scenario *sc, const nisac_instance *inst, const nisac_design_t *d,
                        const nisac_report *r)
{
    const nisac_system *s = inst->sys;
    const nisac_eval *ev = r->eval;
    printf("nisac %s | %s | %s\n", NISAC_VERSION, s->name, sc->algo->name);
    for (int i = 0; i < s->nparams; i++) {
        const nisac_param_def *p = &s->params[i];
        char v[512] = "";
        if (p->type == NISAC_PT_LIST) {
            size_t l = 0;
            for (int k = 0; k < sc->p->len[i] && l < sizeof v - 32; k++)
                l += (size_t)snprintf(v + l, sizeof v - l, "%s%g", k ? "," : "", nisac_param_to_config(p, sc->p->list[i][k]));
            if (!sc->p->len[i]) snprintf(v, sizeof v, "none");
        } else
            nisac_param_format(p, nisac_param_to_config(p, sc->p->v[i]), v, sizeof v);
        int unit = p->unit && *p->unit && strcmp(v, "none");
        printf("%s%s=%s%s%s", i ? " " : "", p->name, v, unit ? " " : "", unit ? p->unit : "");
    }
    printf("\n\nstatus: %s%s%s%s\n", nisac_status_name(r->status), r->note[0] ? "  (" : "", r->note,
           r->note[0] ? ")" : "");
    /* vector metrics, one table per dimension */
    for (int dim = 0; dim < s->ndims; dim++) {
        int n = inst->dim[dim], cols = 0;
        for (int i = 0; i < s->nmetrics; i++) cols += s->metrics[i].dim == dim;
        if (!cols || !n) continue;
        printf("\n%-8s", s->dims[dim]);
        for (int i = 0; i < s->nmetrics; i++)
            if (s->metrics[i].dim == dim) printf(" %14.14s", s->metrics[i].name);
        printf("\n");
        for (int k = 0; k < n; k++) {
            printf("%-8d", k + 1);
            for (int i = 0; i < s->nmetrics; i++)
                if (s->metrics[i].dim == dim) printf(" %14.6g", nisac_metric_to_record(&s->metrics[i], ev->val[i][k]));
            printf("\n");
        }
    }
    printf("\n");
    for (int i = 0; i < s->nmetrics; i++) {
        const nisac_metric_def *m = &s->metrics[i];
        if (m->dim >= 0) continue;
        double x = nisac_metric_to_record(m, ev->val[i][0]);
        if (isnan(x)) continue;
        printf("%-20s %.6g %s\n", m->name, x, m->unit);
    }
    printf("\nconstraint           equation   imposed  violation (relative)\n");
    for (int c = 0; c < s->nconstraints; c++)
        if (d->imposed & (1u << c))
            printf("%-20s %-10s %-8s %.2e\n", s->constraints[c].name, s->constraints[c].eq, "yes", ev->viol[c]);
        else
            printf("%-20s %-10s %-8s -\n", s->constraints[c].name, s->constraints[c].eq, "no");
    printf("max violation        %.2e (relative, over the imposed constraints)\n", ev->max_viol);
    printf("\nsolves %d   iterations %d   relative gap %.1e   wall %.3f s\n", r->solves, r->iterations, r->gap, r->wall);
    for (int i = 0; i < r->ninfo; i++) {
        printf("%s%s =", i ? "   " : "", r->info[i].name);
        for (int k = 0; k < r->info[i].len && k < 8; k++) printf(" %.4g", r->info[i].v[k]);
        if (r->info[i].len > 8) printf(" ...");
    }
    if (r->ninfo) printf("\n");
}

/* Reads --config, --system and --algo first (flags override the file). */
static int setup(int argc, char **argv, nisac_scenario *sc, int *help)
{
    const char *config = NULL, *system = NULL, *algo = NULL, *channels = NULL;
    *help = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) *help = 1;
        else if (!strcmp(a, "--config") || !strcmp(a, "--system") || !strcmp(a, "--algo") ||
                 !strcmp(a, "--channels")) {
            if (!v) return bad(a, "missing value");
            if (a[2] == 'c' && a[3] == 'o') config = v;
            else if (a[2] == 'c') channels = v;
            else if (a[2] == 's') system = v;
            else algo = v;
            i++;
        }
    }
    if (nisac_scenario_init(sc, NULL, system)) {
        fprintf(stderr, "%s solve: option --system: unknown system '%s' (see 'nisac systems')\n", prog, system);
        return 2;
    }
    if (config) {
        char msg[1024];
        if (nisac_scenario_load_json(config, sc, msg, sizeof msg)) {
            fprintf(stderr, "%s solve: %s\n", prog, msg);
            return 2;
        }
        if (system && strcmp(system, sc->sys->name)) {
            fprintf(stderr, "%s solve: option --system: %s, but %s is a '%s' scenario\n", prog, system, config,
                    sc->sys->name);
            return 2;
        }
    }
    if (channels) {
        char msg[1200];
        if (nisac_scenario_input_file(sc, 0, channels, "option --channels", msg, sizeof msg)) {
            fprintf(stderr, "%s solve: %s\n", prog, msg);
            return 2;
        }
    }
    if (algo && (!sc->algo || strcmp(algo, sc->algo->name)) && nisac_scenario_set_algo(sc, algo)) {
        fprintf(stderr, "%s solve: option --algo: unknown algorithm '%s' for system '%s' (see 'nisac algos')\n", prog,
                algo, sc->sys->name);
        return 2;
    }
    if (!sc->algo) {
        fprintf(stderr, "%s solve: system '%s' has no algorithm\n", prog, sc->sys->name);
        return 2;
    }
    return 0;
}

/* Writes the design: into FILE.mat one variable per block (MATLAB v5;
 * complex or real as the block is), else each block to DIR/NAME.npy
 * (complex128, shape (rows, cols); real blocks with zero imaginary
 * parts); each file atomically. */
static int save_design(const char *dest, const nisac_design_t *d)
{
    const size_t len = strlen(dest);
    if (len > 4 && !strcmp(dest + len - 4, ".mat")) {
        nisac_mat_var *v = calloc((size_t)(d->nblocks ? d->nblocks : 1), sizeof *v);
        if (!v) return NISAC_FAIL(NISAC_ENOMEM, "out of memory");
        for (int b = 0; b < d->nblocks; b++) {
            const nisac_block *bl = &d->blocks[b];
            v[b] = (nisac_mat_var){bl->name, bl->rows, bl->cols, bl->z, bl->x};
        }
        const int rc = nisac_mat_write_vars(dest, v, d->nblocks, 0);
        free(v);
        return rc;
    }
    char path[1100];
    nisac_cli_mkdirs(dest);
    for (int b = 0; b < d->nblocks; b++) {
        const nisac_block *bl = &d->blocks[b];
        const size_t n = (size_t)bl->rows * bl->cols;
        double complex *z = bl->z;
        double complex *tmp = NULL;
        if (!z) {
            if (!(tmp = malloc(sizeof(double complex) * (n ? n : 1)))) return NISAC_FAIL(NISAC_ENOMEM, "out of memory");
            for (size_t i = 0; i < n; i++) tmp[i] = bl->x[i];
            z = tmp;
        }
        snprintf(path, sizeof path, "%s/%s.npy", dest, bl->name);
        const int rc = nisac_npy_write(path, bl->rows, bl->cols, z);
        free(tmp);
        if (rc) return rc;
    }
    return NISAC_OK;
}

static int cmd_solve(int argc, char **argv)
{
    nisac_scenario sc;
    memset(&sc, 0, sizeof sc);
    int help, rc = setup(argc, argv, &sc, &help), json = 0, dry = 0;
    const char *save = NULL;
    if (!rc && help) {
        usage_solve(stdout, &sc);
        nisac_scenario_clear(&sc);
        return 0;
    }
    for (int i = 1; i < argc && !rc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        int used = 1, found = 0;
        if (!strcmp(a, "--config") || !strcmp(a, "--system") || !strcmp(a, "--algo") || !strcmp(a, "--channels"))
            used = 2;
        else if (!strcmp(a, "--json")) json = 1;
        else if (!strcmp(a, "--dry-run")) dry = 1;
        else if (!strcmp(a, "--save-design")) {
            if (!v) rc = bad(a, "expected a folder");
            save = v, used = 2;
        }
        else if (!strcmp(a, "--seed")) rc = parse_u64(a, v, &sc.seed), used = 2;
        else if (!strcmp(a, "--trial")) rc = parse_u64(a, v, &sc.trial), used = 2;
        else if (!strcmp(a, "--algo-seed")) rc = parse_u64(a, v, &sc.algo_seed), used = 2;
        else if (!strncmp(a, "--", 2) && ((rc = table_flag(sc.p, a, v, &used, &found)) || found)) {
        } else if (!strncmp(a, "--", 2) && ((rc = table_flag(sc.opts, a, v, &used, &found)) || found)) {
        } else {
            fprintf(stderr, "%s solve: unknown option '%s' for system '%s' and algorithm '%s' (see 'nisac solve "
                            "--help')\n", prog, a, sc.sys->name, sc.algo->name);
            rc = 2;
        }
        i += used - 1;
    }
    nisac_instance *inst = NULL;
    nisac_design_t *d = NULL;
    nisac_report *r = NULL;
    if (rc) goto done;
    if (nisac_system_check(sc.sys, sc.p) || nisac_algo_check(sc.algo, sc.p, sc.opts)) {
        fprintf(stderr, "%s solve: %s\n", prog, nisac_last_error());
        rc = 2; /* before the instance is made: a refused size allocates nothing */
        goto done;
    }
    if ((rc = nisac_scenario_instance(&sc, &inst))) {
        fprintf(stderr, "%s solve: %s\n", prog, nisac_last_error());
        rc = rc == NISAC_ENOMEM ? 1 : 2;
        goto done;
    }
    if (dry) {
        printf("ok: a valid %s scenario for %s; estimated memory %.0f MiB\n", sc.sys->name, sc.algo->name,
               sc.algo->memory_mb ? sc.algo->memory_mb(sc.p, sc.opts) : 0.0);
        goto done;
    }
    d = nisac_design_new(inst);
    r = nisac_report_new();
    if (!d || !r) {
        fprintf(stderr, "%s solve: out of memory\n", prog);
        rc = 1;
        goto done;
    }
    if ((rc = nisac_design(sc.algo, inst, sc.opts, sc.algo_seed, d, r))) {
        fprintf(stderr, "%s solve: %s\n", prog, r->note[0] ? r->note : nisac_last_error());
        rc = rc == NISAC_EUNSUPPORTED || rc == NISAC_EINVAL ? 2 : 1; /* a request this build refuses is bad input */
        goto done;
    }
    if (json) print_json(&sc, inst, d, r);
    else print_table(&sc, inst, d, r);
    if (save && save_design(save, d)) {
        fprintf(stderr, "%s solve: --save-design: %s\n", prog, nisac_last_error());
        rc = 1;
    }
done:
    nisac_report_free(r);
    nisac_design_free(d);
    nisac_instance_free(inst);
    nisac_scenario_clear(&sc);
    return rc;
}

static int cmd_algos(void)
{
    for (int i = 0; i < nisac_catalog_nalgos(NULL); i++) {
        const nisac_algo *a = nisac_catalog_algo_at(NULL, i);
        printf("%-14s %-10s %s\n", a->name, a->system, a->summary);
        char flag[96];
        for (int k = 0; k < a->nopts; k++) {
            snprintf(flag, sizeof flag, "%s", a->opts[k].name);
            print_table_entry(stdout, flag, &a->opts[k], 4);
        }
    }
    return 0;
}

static int cmd_systems(void)
{
    for (int i = 0; i < nisac_catalog_nsystems(NULL); i++) {
        const nisac_system *s = nisac_catalog_system_at(NULL, i);
        printf("%s: %s\n\n  parameters (scenario fields and sweep names):\n", s->name, s->summary);
        for (int k = 0; k < s->nparams; k++) print_table_entry(stdout, s->params[k].name, &s->params[k], 4);
        printf("\n  metrics (record columns):\n");
        for (int k = 0; k < s->nmetrics; k++) {
            const nisac_metric_def *m = &s->metrics[k];
            printf("    %-20s %-10s %s%s%s\n", m->name, m->unit, m->help, m->dim >= 0 ? ", per " : "",
                   m->dim >= 0 ? s->dims[m->dim] : "");
        }
        printf("\n  constraints:\n");
        for (int k = 0; k < s->nconstraints; k++)
            printf("    %-20s %-8s %s\n", s->constraints[k].name, s->constraints[k].eq, s->constraints[k].help);
        printf("\n  evaluation channels:");
        for (int k = 0; k < s->neval_modes; k++) printf(" %s", s->eval_modes[k]);
        printf("\n\n");
    }
    return 0;
}

static void log_stderr(nisac_log_level level, const char *msg, void *user)
{
    (void)user;
    static const char *const names[] = {"debug", "info", "warning"};
    fprintf(stderr, "%s: %s: %s\n", prog, names[level], msg);
}

static int dispatch(int argc, char **argv);

/* Runs the command, then makes sure its output reached stdout: a full
 * disk or a closed pipe is a failure (exit 1), not a silent success. */
/* OpenBLAS's own threads only slow the small dense products of a conic
 * solve (they spin in sched_yield: a max-min design took 10 s instead of
 * 0.07 s beside a busy core); nisac runs its parallel work in its own
 * workers. */
extern void openblas_set_num_threads(int) __attribute__((weak));

int main(int argc, char **argv)
{
    if (openblas_set_num_threads) openblas_set_num_threads(1);
    int rc = dispatch(argc, argv);
    if (fflush(stdout) || ferror(stdout)) {
        fprintf(stderr, "%s: cannot write the output: %s\n", prog, strerror(errno ? errno : EIO));
        return rc ? rc : 1;
    }
    return rc;
}

static int dispatch(int argc, char **argv)
{
    if (getenv("NISAC_DEBUG")) nisac_set_log(log_stderr, NULL);
    if (argc < 2 || !strcmp(argv[1], "help") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        usage_main(stdout);
        return argc < 2 ? 2 : 0;
    }
    if (!strcmp(argv[1], "solve")) return cmd_solve(argc - 1, argv + 1);
    if (!strcmp(argv[1], "algos")) return cmd_algos();
    if (!strcmp(argv[1], "systems")) return cmd_systems();
    if (!strcmp(argv[1], "run")) return nisac_cmd_run(argc - 1, argv + 1);
    if (!strcmp(argv[1], "summarize")) return nisac_cmd_summarize(argc - 1, argv + 1);
    if (!strcmp(argv[1], "report")) return nisac_cmd_report(argc - 1, argv + 1);
    if (!strcmp(argv[1], "train")) return nisac_cmd_train(argc - 1, argv + 1);
    if (!strcmp(argv[1], "plot")) return nisac_cmd_plot(argc - 1, argv + 1);
    if (!strcmp(argv[1], "version") || !strcmp(argv[1], "--version")) {
        printf("nisac %s (MPI: %s)\n", NISAC_VERSION,
               nisac_have_mpi() ? "yes, OpenMPI" : "no; install libopenmpi-dev and rebuild for 'mpirun'");
        return 0;
    }
    fprintf(stderr, "%s: unknown command '%s' (see 'nisac help')\n", prog, argv[1]);
    return 2;
}
