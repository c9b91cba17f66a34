/* The experiment commands of the nisac program: run, summarize, report, plot.
 * The program, not the library, owns the terminal: progress output,
 * SIGINT/SIGTERM handling and the MPI lifetime live here. */
#include "exp_cmds.h"
#include "nisac/experiment.h"

#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifdef NISAC_HAVE_MPI
#include <mpi.h>
#endif

static void usage_run(FILE *f)
{
    fprintf(f,
            "usage: nisac run CONFIG [--out DIR] [--workers N] [--threads N] [--resume | --force] [--quiet]\n"
            "                        [--batch N] [--no-summary] [--plot] [--trials N]\n"
            "\n"
            "Runs the Monte Carlo experiment of CONFIG (JSON, schema: docs/experiments.md) and\n"
            "writes one record per (sweep point, algorithm, trial, evaluation draw) to\n"
            "DIR/results.csv, then DIR/summary.csv and DIR/summary.md.  Records depend only on\n"
            "the config: any number of workers or MPI ranks gives the same file, byte for byte.\n"
            "\n"
            "  --out DIR      results folder (default results/NAME, NAME from the config)\n"
            "  --workers N    worker processes (default: the number of online CPUs)\n"
            "  --threads N    threads per worker process (default 1; 1-64): conic solves are reentrant\n"
            "  --resume       continue an interrupted run from DIR/results.csv.partial\n"
            "  --force        discard earlier results in DIR and start over\n"
            "  --quiet        no progress output\n"
            "  --batch N      units written between two fsyncs (default 16; also every second)\n"
            "  --no-summary   do not write the summary files\n"
            "  --trials N     trials per sweep point and algorithm instead of the config's (a\n"
            "                 quick default in the config, a paper's count by this option)\n"
            "  --plot         draw the config's plots when done (as 'nisac plot')\n"
            "\n"
            "Under mpirun (OpenMPI) the ranks share the trials and rank 0 writes the file;\n"
            "--workers is then ignored.  Progress goes to stderr: a bar on a terminal, a line\n"
            "every 10 s otherwise.\n"
            "\n"
            "exit status: 0 complete; 3 interrupted (resume with --resume); 2 bad input;\n"
            "1 another error.\n");
    for (int s = 0; s < nisac_catalog_nsystems(NULL); s++) {
        const nisac_system *y = nisac_catalog_system_at(NULL, s);
        fprintf(f, "\nsystem %s: sweep parameters:", y->name);
        for (int i = 0; i < y->nparams; i++)
            if (!(y->params[i].flags & NISAC_PF_NOSWEEP)) fprintf(f, " %s", y->params[i].name);
        fprintf(f, "\nmetrics:\n");
        for (int i = 0; i < y->nmetrics; i++)
            fprintf(f, "  %-18s %s%s%s\n", y->metrics[i].name, y->metrics[i].help, y->metrics[i].dim >= 0 ? ", per " : "",
                    y->metrics[i].dim >= 0 ? y->dims[y->metrics[i].dim] : "");
    }
    fprintf(f, "\n'nisac systems' lists every parameter with its unit and range.\n");
}

/* ---- progress on stderr, cancellation by SIGINT/SIGTERM ---- */
static volatile sig_atomic_t g_stop = 0;
static void on_signal(int sig) { g_stop = sig; }
static int is_cancelled(void *user)
{
    (void)user;
    return g_stop != 0;
}

typedef struct {
    int quiet, tty;
    double last;
    const char *name;
} progress_ui;

static void fmt_dur(double s, char *b, size_t n)
{
    if (!isfinite(s) || s < 0) snprintf(b, n, "?");
    else if (s < 60) snprintf(b, n, "%.0fs", s);
    else if (s < 3600) snprintf(b, n, "%dm%02ds", (int)(s / 60), (int)fmod(s, 60));
    else snprintf(b, n, "%dh%02dm", (int)(s / 3600), (int)fmod(s / 60, 60));
}

static void on_progress(const nisac_run_progress *p, void *user)
{
    progress_ui *ui = user;
    if (ui->quiet) return;
    double now = p->elapsed;
    if (isnan(ui->last)) { /* the first call: what is about to run */
        fprintf(stderr, "%s: %ld units%s; %ld to compute with %d %s\n", ui->name, p->total,
                p->start ? " (resumed)" : "", p->total - p->start, p->workers,
                p->mpi ? "MPI ranks" : p->workers > 1 ? "worker processes" : "process");
        ui->last = -1e9;
        return;
    }
    if (!p->final && now - ui->last < (ui->tty ? 0.2 : 10.0)) return;
    ui->last = now;
    double rate = now > 0 ? (double)(p->done - p->start) / now : 0;
    double eta = rate > 0 ? (double)(p->total - p->done) / rate : NAN;
    char es[32], ts[32];
    fmt_dur(eta, es, sizeof es);
    fmt_dur(now, ts, sizeof ts);
    double frac = p->total ? (double)p->done / (double)p->total : 1;
    if (ui->tty) {
        char bar[31];
        int w = (int)(frac * 30);
        for (int i = 0; i < 30; i++) bar[i] = i < w ? '#' : '.';
        bar[30] = 0;
        fprintf(stderr, "\r[%s] %ld/%ld units %3.0f%%  %.2f units/s  %s %s ", bar, p->done, p->total, 100 * frac, rate,
                p->final ? "elapsed" : "ETA", p->final ? ts : es);
        if (p->final) fputc('\n', stderr);
    } else {
        fprintf(stderr, "progress: %ld/%ld units (%.0f%%), %.2f units/s, %s %s\n", p->done, p->total, 100 * frac, rate,
                p->final ? "elapsed" : "ETA", p->final ? ts : es);
    }
    fflush(stderr);
}

static int parse_int(const char *cmd, const char *opt, const char *v, long lo, long hi, long *out)
{
    char *end;
    errno = 0;
    long x = v ? strtol(v, &end, 10) : 0;
    if (!v || errno || end == v || *end || x < lo || x > hi) {
        fprintf(stderr, "nisac %s: option %s: expected an integer in %ld..%ld, got '%s'\n", cmd, opt, lo, hi,
                v ? v : "(nothing)");
        return 2;
    }
    *out = x;
    return 0;
}

static void default_out(const nisac_experiment *e, char *buf, size_t len)
{
    snprintf(buf, len, "results/%s", e->name);
    for (char *p = buf + 8; *p; p++)
        if (*p == '/' || *p == ' ') *p = '_';
}

int nisac_cmd_run(int argc, char **argv)
{
    const char *config = NULL, *out = NULL;
    nisac_run_opts o;
    memset(&o, 0, sizeof o);
    int quiet = 0;
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    o.workers = ncpu > 0 ? (int)ncpu : 1;
    o.batch = 16;
    int summary = 1, plot = 0;
    long trials = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        long li;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage_run(stdout);
            return 0;
        } else if (!strcmp(a, "--out")) {
            if (++i >= argc) return fprintf(stderr, "nisac run: option --out: expected a folder\n"), 2;
            out = argv[i];
        } else if (!strcmp(a, "--workers")) {
            if (parse_int("run", a, i + 1 < argc ? argv[++i] : NULL, 1, 1024, &li)) return 2;
            o.workers = (int)li;
        } else if (!strcmp(a, "--threads")) {
            if (parse_int("run", a, i + 1 < argc ? argv[++i] : NULL, 1, 64, &li)) return 2;
            o.threads = (int)li;
        } else if (!strcmp(a, "--batch")) {
            if (parse_int("run", a, i + 1 < argc ? argv[++i] : NULL, 1, 1000000, &li)) return 2;
            o.batch = (int)li;
        } else if (!strcmp(a, "--trials")) {
            if (parse_int("run", a, i + 1 < argc ? argv[++i] : NULL, 1, 100000000, &trials)) return 2;
        } else if (!strcmp(a, "--resume")) o.resume = 1;
        else if (!strcmp(a, "--force")) o.force = 1;
        else if (!strcmp(a, "--quiet") || !strcmp(a, "-q")) quiet = 1;
        else if (!strcmp(a, "--no-summary")) summary = 0;
        else if (!strcmp(a, "--plot")) plot = 1;
        else if (a[0] == '-') {
            fprintf(stderr, "nisac run: unknown option '%s' (see 'nisac run --help')\n", a);
            return 2;
        } else if (config) {
            fprintf(stderr, "nisac run: one CONFIG only (got '%s' and '%s')\n", config, a);
            return 2;
        } else config = a;
    }
    if (!config) {
        usage_run(stderr);
        return 2;
    }
    if (o.resume && o.force) {
        fprintf(stderr, "nisac run: --resume and --force exclude each other\n");
        return 2;
    }
    char msg[1024], dir[1024];
    nisac_experiment *e;
    if (nisac_experiment_load(NULL, config, &e, msg, sizeof msg)) {
        fprintf(stderr, "nisac run: %s\n", msg);
        return 2;
    }
    if (trials > 0) e->trials = (int)trials;
    if (!out) default_out(e, dir, sizeof dir);
    else snprintf(dir, sizeof dir, "%s", out);
    o.out_dir = dir;
    int mpi = 0;
#ifdef NISAC_HAVE_MPI
    /* under mpirun: this program owns the MPI lifetime */
    if (getenv("OMPI_COMM_WORLD_SIZE") || getenv("PMI_SIZE")) {
        MPI_Init(NULL, NULL);
        mpi = 1;
    }
#endif
    progress_ui ui = {quiet, isatty(2), NAN, e->name};
    o.progress = on_progress;
    o.cancelled = is_cancelled;
    o.user = &ui;
    struct sigaction sa, old_int, old_term;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal; /* no SA_RESTART: the runner's poll returns at once */
    g_stop = 0;
    sigaction(SIGINT, &sa, &old_int);
    sigaction(SIGTERM, &sa, &old_term);
    nisac_run_result res;
    int rc = nisac_experiment_run(e, &o, &res);
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTERM, &old_term, NULL);
    const int is_writer = res.rank == 0;
    int status = rc == NISAC_OK ? 0 : rc == NISAC_EINTERRUPTED ? 3 : rc == NISAC_EINVAL ? 2 : 1;
    if (rc) {
        if (is_writer) fprintf(stderr, "nisac run: %s\n", res.msg);
    } else if (is_writer) {
        if (res.already_complete && !quiet)
            fprintf(stderr, "%s is complete (%ld units); nothing to do\n", res.results, res.total);
        else if (!quiet)
            fprintf(stderr, "wrote %s%s\n", res.results, e->vectors == NISAC_VECTORS_LONG ? " and vectors.csv" : "");
        if (summary && nisac_summarize(res.results, dir, 0, msg, sizeof msg)) {
            fprintf(stderr, "nisac run: summary: %s\n", msg);
            status = 1;
        }
        if (!status && plot && e->nplots && nisac_plot(e, dir, 0, msg, sizeof msg)) {
            fprintf(stderr, "nisac run: plot: %s\n", msg);
            status = 1;
        }
    }
    nisac_experiment_free(e);
#ifdef NISAC_HAVE_MPI
    if (mpi) {
        if (rc && rc != NISAC_EINVAL) MPI_Abort(MPI_COMM_WORLD, status);
        MPI_Finalize();
    }
#else
    (void)mpi;
#endif
    return status;
}

/* Parses "ARG [--out DIR]" (and --help) of summarize and plot.  Returns
 * -1 to go on, or the exit status. */
static int parse_arg_out(const char *cmd, const char *usage, const char *help, int argc, char **argv,
                         const char **arg, const char **out, int *flags)
{
    *arg = *out = NULL;
    *flags = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            printf("%s\n\n%s", usage, help);
            return 0;
        } else if (!strcmp(argv[i], "--lenient")) {
            *flags |= NISAC_READ_LENIENT;
        } else if (!strcmp(argv[i], "--out")) {
            if (++i >= argc) return fprintf(stderr, "nisac %s: option --out: expected a folder\n", cmd), 2;
            *out = argv[i];
        } else if (argv[i][0] == '-') {
            fprintf(stderr, "nisac %s: unknown option '%s'\n", cmd, argv[i]);
            return 2;
        } else if (*arg) {
            fprintf(stderr, "nisac %s: one argument only (got '%s' and '%s')\n", cmd, *arg, argv[i]);
            return 2;
        } else *arg = argv[i];
    }
    if (!*arg) {
        fprintf(stderr, "%s\n", usage);
        return 2;
    }
    return -1;
}

int nisac_cmd_report(int argc, char **argv)
{
    const char *res = NULL, *out = NULL, *metrics[64];
    int nm = 0, flags = 0;
    double level = 0.95;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            printf("usage: nisac report RESULTS.csv [--metric NAME]... [--level L] [--out DIR] [--lenient]\n\n"
                   "Writes DIR/report.md and DIR/report.csv (DIR: the folder of RESULTS by default): per\n"
                   "sweep point and metric (every metric, or those named by --metric), each algorithm's\n"
                   "mean and Student-t interval at level L (default 0.95; e.g. 0.99), a one-way ANOVA\n"
                   "over the algorithms, and each pair of algorithms by the paired t-test over the\n"
                   "records both have (same trial and draw, so the same channel), with Holm's and\n"
                   "Bonferroni's corrections over the point's pairs, Tukey's HSD and Cohen's d_z.\n"
                   "Records without a design (status other than optimal or feasible) are left out.\n"
                   "p-values below 1e-16 are printed as '< 1e-16'.  Definitions: docs/statistics.md.\n"
                   "The file is read as by 'nisac summarize' (strict; --lenient skips damaged rows).\n"
                   "\n"
                   "exit status: 0 done; 1 the file cannot be read or written; 2 bad input.\n");
            return 0;
        } else if (!strcmp(a, "--lenient")) flags |= NISAC_READ_LENIENT;
        else if (!strcmp(a, "--out")) {
            if (++i >= argc) return fprintf(stderr, "nisac report: option --out: expected a folder\n"), 2;
            out = argv[i];
        } else if (!strcmp(a, "--metric")) {
            if (++i >= argc) return fprintf(stderr, "nisac report: option --metric: expected a column name\n"), 2;
            if (nm == 64) return fprintf(stderr, "nisac report: at most 64 --metric options\n"), 2;
            metrics[nm++] = argv[i];
        } else if (!strcmp(a, "--level")) {
            char *end = NULL;
            if (++i < argc) level = strtod(argv[i], &end);
            if (i >= argc || !end || *end || !(level > 0 && level < 1))
                return fprintf(stderr, "nisac report: option --level: expected a number in (0, 1)\n"), 2;
        } else if (a[0] == '-') {
            fprintf(stderr, "nisac report: unknown option '%s' (see 'nisac report --help')\n", a);
            return 2;
        } else if (res) {
            fprintf(stderr, "nisac report: one RESULTS file only (got '%s' and '%s')\n", res, a);
            return 2;
        } else res = a;
    }
    if (!res) {
        fprintf(stderr, "usage: nisac report RESULTS.csv [--metric NAME]... [--level L] [--out DIR] [--lenient]\n");
        return 2;
    }
    char msg[1024];
    int rc = nisac_stats_report(res, out, metrics, nm, level, flags, msg, sizeof msg);
    if (rc) {
        fprintf(stderr, "nisac report: %s\n", msg);
        return rc == NISAC_EIO ? 1 : 2;
    }
    return 0;
}

int nisac_cmd_summarize(int argc, char **argv)
{
    const char *res, *out;
    int flags;
    int st = parse_arg_out("summarize", "usage: nisac summarize RESULTS.csv [--out DIR] [--lenient]",
                           "Writes DIR/summary.csv and DIR/summary.md (DIR: the folder of RESULTS by default):\n"
                           "per sweep point and algorithm the number of records, the feasibility rate (status\n"
                           "optimal or feasible), the status counts, and for every metric the mean, the\n"
                           "standard deviation, the half-width of the 95% Student-t confidence interval and\n"
                           "the number of finite values.\n"
                           "\n"
                           "The file is read strictly: a damaged row (NUL bytes, a wrong field count, a point,\n"
                           "trial or draw the header does not announce, an unknown status, a non-numeric\n"
                           "value), a duplicate record or an extra algorithm is an error naming FILE:LINE.\n"
                           "--lenient skips such rows and counts them in summary.csv.\n"
                           "\n"
                           "exit status: 0 done; 1 the file cannot be read or written; 2 a damaged file.\n",
                           argc, argv, &res, &out, &flags);
    if (st >= 0) return st;
    char msg[1024];
    int rc = nisac_summarize(res, out, flags, msg, sizeof msg);
    if (rc) {
        fprintf(stderr, "nisac summarize: %s\n", msg);
        return rc == NISAC_EIO ? 1 : 2;
    }
    return 0;
}

int nisac_cmd_plot(int argc, char **argv)
{
    const char *config, *out;
    int flags;
    int st = parse_arg_out("plot", "usage: nisac plot CONFIG [--out DIR] [--lenient]",
                           "Draws the plots of CONFIG from DIR/results.csv (default DIR: results/NAME) with\n"
                           "gnuplot: FILE.png and FILE.pdf per plot, with FILE.dat (the plotted numbers) and\n"
                           "FILE.gp (the script) beside them.  Line plots show the mean over trials and, with\n"
                           "\"errorbars\": true, the 95% Student-t confidence interval.  The results are read\n"
                           "strictly (see 'nisac summarize --help'); --lenient skips damaged rows.\n",
                           argc, argv, &config, &out, &flags);
    if (st >= 0) return st;
    char msg[1024], dir[1024];
    nisac_experiment *e;
    if (nisac_experiment_load(NULL, config, &e, msg, sizeof msg)) {
        fprintf(stderr, "nisac plot: %s\n", msg);
        return 2;
    }
    if (!out) default_out(e, dir, sizeof dir);
    else snprintf(dir, sizeof dir, "%s", out);
    int rc = nisac_plot(e, dir, flags, msg, sizeof msg);
    if (rc) fprintf(stderr, "nisac plot: %s\n", msg);
    nisac_experiment_free(e);
    return rc ? (rc == NISAC_EINVAL ? 2 : 1) : 0;
}
