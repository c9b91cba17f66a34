/* The Monte Carlo runner (design notes in docs/experiments.md).
 *
 * Units (point, trial) are computed by worker processes made with fork()
 * (CSDP keeps its workspace in static storage, so one process runs one
 * solve at a time) or by MPI ranks, and written by one process in unit
 * order, so the file does not depend on who computed what.  The results
 * file is OUT/results.csv.partial until the last unit is written; it is
 * then renamed to OUT/results.csv.  Writes are whole units; fsync runs
 * every `batch` units and at least every second, so a killed run loses
 * at most the units since the last sync, and --resume cuts any torn tail
 * back to the last complete unit. */
#include "exp_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifdef NISAC_HAVE_MPI
#include <mpi.h>
#endif

/* OpenBLAS: one thread per process, so that workers do not compete and
 * results do not depend on a thread count. */
extern void openblas_set_num_threads(int) __attribute__((weak));

static volatile sig_atomic_t g_stop = 0;
static void on_signal(int sig) { g_stop = sig; }

static int fail(char *msg, size_t len, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, len, fmt, ap);
    va_end(ap);
    return code;
}

/* ---- progress ---- */
typedef struct {
    int quiet, tty;
    long total, done0, done;
    double t0, last;
} progress_t;

static void fmt_dur(double s, char *b, size_t n)
{
    if (!isfinite(s) || s < 0) snprintf(b, n, "?");
    else if (s < 60) snprintf(b, n, "%.0fs", s);
    else if (s < 3600) snprintf(b, n, "%dm%02ds", (int)(s / 60), (int)fmod(s, 60));
    else snprintf(b, n, "%dh%02dm", (int)(s / 3600), (int)fmod(s / 60, 60));
}

static void progress(progress_t *p, int final)
{
    if (p->quiet) return;
    double now = nisac_wtime();
    if (!final && now - p->last < (p->tty ? 0.2 : 10.0)) return;
    p->last = now;
    double el = now - p->t0, rate = el > 0 ? (double)(p->done - p->done0) / el : 0;
    double eta = rate > 0 ? (double)(p->total - p->done) / rate : NAN;
    char es[32], ts[32];
    fmt_dur(eta, es, sizeof es);
    fmt_dur(el, ts, sizeof ts);
    double frac = p->total ? (double)p->done / (double)p->total : 1;
    if (p->tty) {
        char bar[31];
        int w = (int)(frac * 30);
        for (int i = 0; i < 30; i++) bar[i] = i < w ? '#' : '.';
        bar[30] = 0;
        fprintf(stderr, "\r[%s] %ld/%ld units %3.0f%%  %.2f units/s  %s %s ", bar, p->done, p->total, 100 * frac,
                rate, final ? "elapsed" : "ETA", final ? ts : es);
        if (final) fputc('\n', stderr);
    } else {
        fprintf(stderr, "progress: %ld/%ld units (%.0f%%), %.2f units/s, %s %s\n", p->done, p->total, 100 * frac,
                rate, final ? "elapsed" : "ETA", final ? ts : es);
    }
    fflush(stderr);
}

/* ---- the results file ---- */
typedef struct {
    int fd;
    long next;        /* next unit to write */
    long since_sync;
    double last_sync;
    int batch;
} sink_t;

static int write_all(int fd, const char *s, size_t n)
{
    while (n) {
        ssize_t w = write(fd, s, n);
        if (w < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        s += w;
        n -= (size_t)w;
    }
    return 0;
}

static int sink_sync(sink_t *k)
{
    k->since_sync = 0;
    k->last_sync = nisac_wtime();
    return fsync(k->fd);
}

static int sink_put(sink_t *k, const char *text)
{
    if (write_all(k->fd, text, strlen(text))) return -1;
    k->next++;
    if (++k->since_sync >= k->batch || nisac_wtime() - k->last_sync >= 1.0) return sink_sync(k);
    return 0;
}

static char *header_text(const nisac_experiment *e)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f) return NULL;
    nisac_experiment_write_header(e, f);
    fclose(f);
    return buf;
}

/* Opens the partial file for resuming: checks its header, counts the
 * complete units and cuts anything after them.  Returns the number of
 * complete units, or -1 with msg. */
static long resume_open(const nisac_experiment *e, const char *part, int *fd_out, char *msg, size_t msglen)
{
    size_t len;
    char *text = nisac__slurp(part, (size_t)1 << 34, &len);
    if (!text) return fail(msg, msglen, -1, "%s: cannot read: %s", part, strerror(errno));
    char *hdr = header_text(e);
    if (!hdr) {
        free(text);
        return fail(msg, msglen, -1, "out of memory");
    }
    size_t hl = strlen(hdr);
    if (len < hl || memcmp(text, hdr, hl) != 0) {
        free(text);
        free(hdr);
        return fail(msg, msglen, -1,
                    "%s: its header does not match this config (another config, version or seed); "
                    "use --force to start over",
                    part);
    }
    free(hdr);
    const int rpu = nisac_experiment_rows_per_unit(e);
    /* the trial column follows point, the sweep values and the label */
    int commas = 2;
    for (int a = 0; a < e->naxes; a++) commas += e->axes[a].nparams;
    long rows = 0, units = 0;
    size_t keep = hl, pos = hl;
    while (pos < len) {
        char *nl = memchr(text + pos, '\n', len - pos);
        if (!nl) break; /* torn last line */
        long pt, tr;
        if (sscanf(text + pos, "%ld,", &pt) != 1) break;
        const char *q = text + pos;
        for (int c = 0; c < commas && q; c++) {
            q = memchr(q, ',', (size_t)(nl - q));
            if (q) q++;
        }
        if (!q || q >= nl || sscanf(q, "%ld,", &tr) != 1) break;
        long unit = pt * e->trials + tr;
        if (unit != units) break; /* out of order: not a file this runner wrote */
        pos = (size_t)(nl - text) + 1;
        if (++rows == rpu) {
            rows = 0;
            units++;
            keep = pos;
        }
    }
    free(text);
    int fd = open(part, O_WRONLY);
    if (fd < 0) return fail(msg, msglen, -1, "%s: cannot open: %s", part, strerror(errno));
    if (ftruncate(fd, (off_t)keep) || lseek(fd, 0, SEEK_END) < 0 || fsync(fd)) {
        close(fd);
        return fail(msg, msglen, -1, "%s: cannot truncate: %s", part, strerror(errno));
    }
    *fd_out = fd;
    return units;
}

/* Prepares OUT/results.csv.partial; returns the first unit to compute,
 * the total when already complete (fd -1), or -1/-2 with msg (-2: bad input). */
static long prepare(const nisac_experiment *e, const nisac_run_opts *o, const char *final, const char *part,
                    int *fd, char *msg, size_t msglen)
{
    struct stat st;
    *fd = -1;
    if (nisac__mkdirs(o->out_dir)) return fail(msg, msglen, -1, "%s: cannot create folder: %s", o->out_dir, strerror(errno));
    int have_final = stat(final, &st) == 0, have_part = stat(part, &st) == 0;
    if (have_final) {
        if (o->force) unlink(final);
        else if (o->resume) {
            size_t len;
            char *text = nisac__slurp(final, 1 << 16, &len), *hdr = header_text(e);
            int same = text && hdr && len >= strlen(hdr) && !memcmp(text, hdr, strlen(hdr));
            free(text);
            free(hdr);
            if (!same)
                return fail(msg, msglen, -2, "%s exists and was made by another config; use --force to start over",
                            final);
            return nisac_experiment_units(e);
        } else
            return fail(msg, msglen, -2, "%s exists; use --force to recompute it", final);
    }
    if (have_part) {
        if (o->resume) return resume_open(e, part, fd, msg, msglen);
        if (!o->force)
            return fail(msg, msglen, -2, "%s holds an interrupted run; use --resume to continue it or --force to start over",
                        part);
    }
    char *hdr = header_text(e);
    if (!hdr) return fail(msg, msglen, -1, "out of memory");
    *fd = open(part, O_WRONLY | O_CREAT | O_TRUNC, 0666);
    if (*fd < 0 || write_all(*fd, hdr, strlen(hdr)) || fsync(*fd)) {
        free(hdr);
        return fail(msg, msglen, -1, "%s: cannot write: %s", part, strerror(errno));
    }
    free(hdr);
    return 0;
}

static int finish(int fd, const char *part, const char *final, char *msg, size_t msglen)
{
    if (fsync(fd) || close(fd)) return fail(msg, msglen, 1, "%s: %s", part, strerror(errno));
    if (rename(part, final)) return fail(msg, msglen, 1, "cannot rename %s: %s", part, strerror(errno));
    char dir[1100];
    snprintf(dir, sizeof dir, "%s", final);
    char *sl = strrchr(dir, '/');
    if (sl) *sl = 0;
    int dfd = open(sl ? dir : ".", O_RDONLY | O_DIRECTORY);
    if (dfd >= 0) {
        fsync(dfd);
        close(dfd);
    }
    return 0;
}

/* ---- fork-based workers ---- */
typedef struct {
    pid_t pid;
    int task_fd, res_fd;
    int outstanding;
    long pending[2];
} worker_t;

static int read_all(int fd, void *buf, size_t n)
{
    char *p = buf;
    while (n) {
        ssize_t r = read(fd, p, n);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) return -1;
        p += r;
        n -= (size_t)r;
    }
    return 0;
}

static void worker_main(const nisac_experiment *e, int task_fd, int res_fd)
{
    signal(SIGINT, SIG_IGN); /* the parent decides; it ends workers with SIGTERM */
    signal(SIGTERM, SIG_DFL);
    long unit;
    while (read_all(task_fd, &unit, sizeof unit) == 0) {
        char *t = nisac_experiment_unit(e, unit);
        if (!t) _exit(3);
        uint64_t hdr[2] = {(uint64_t)unit, strlen(t)};
        if (write_all(res_fd, (const char *)hdr, sizeof hdr) || write_all(res_fd, t, strlen(t))) _exit(4);
        free(t);
    }
    _exit(0);
}

static void stop_workers(worker_t *w, int n)
{
    for (int i = 0; i < n; i++)
        if (w[i].pid > 0) kill(w[i].pid, SIGTERM);
    for (int i = 0; i < n; i++) {
        if (w[i].pid > 0) waitpid(w[i].pid, NULL, 0);
        if (w[i].task_fd >= 0) close(w[i].task_fd);
        if (w[i].res_fd >= 0) close(w[i].res_fd);
        w[i].pid = -1;
    }
}

static int run_forked(const nisac_experiment *e, int nw, long start, long total, sink_t *k, progress_t *pg,
                      char *msg, size_t msglen)
{
    worker_t *w = calloc((size_t)nw, sizeof *w);
    const long win = 2L * nw + 1;
    char **ready = calloc((size_t)win, sizeof *ready);
    struct pollfd *pf = calloc((size_t)nw, sizeof *pf);
    int rc = 0;
    if (!w || !ready || !pf) {
        free(w);
        free(ready);
        free(pf);
        return fail(msg, msglen, 1, "out of memory");
    }
    fflush(NULL);
    for (int i = 0; i < nw; i++) {
        int tp[2], rp[2];
        w[i].task_fd = w[i].res_fd = -1;
        if (pipe(tp) || pipe(rp)) {
            rc = fail(msg, msglen, 1, "pipe: %s", strerror(errno));
            stop_workers(w, i);
            goto out;
        }
        pid_t pid = fork();
        if (pid < 0) {
            rc = fail(msg, msglen, 1, "fork: %s", strerror(errno));
            stop_workers(w, i);
            goto out;
        }
        if (pid == 0) {
            close(tp[1]);
            close(rp[0]);
            for (int j = 0; j < i; j++) {
                close(w[j].task_fd);
                close(w[j].res_fd);
            }
            close(k->fd);
            worker_main(e, tp[0], rp[1]);
        }
        close(tp[0]);
        close(rp[1]);
        w[i] = (worker_t){pid, tp[1], rp[0], 0, {0, 0}};
    }
    long next = start;
    for (;;) {
        /* dispatch within the reorder window */
        for (int i = 0; i < nw && !g_stop; i++)
            while (w[i].outstanding < 2 && next < total && next < k->next + win) {
                if (write_all(w[i].task_fd, (const char *)&next, sizeof next)) break;
                w[i].pending[w[i].outstanding++] = next++;
            }
        if (k->next >= total || g_stop) break;
        for (int i = 0; i < nw; i++) pf[i] = (struct pollfd){w[i].res_fd, POLLIN, 0};
        int pr = poll(pf, (nfds_t)nw, 1000);
        if (pr < 0 && errno != EINTR) {
            rc = fail(msg, msglen, 1, "poll: %s", strerror(errno));
            break;
        }
        for (int i = 0; i < nw && pr > 0; i++) {
            if (!(pf[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
            uint64_t hdr[2];
            char *t = NULL;
            if (read_all(w[i].res_fd, hdr, sizeof hdr) == 0 && (t = malloc(hdr[1] + 1)) &&
                read_all(w[i].res_fd, t, hdr[1]) == 0) {
                t[hdr[1]] = 0;
                long u = (long)hdr[0];
                ready[u % win] = t;
                w[i].pending[0] = w[i].pending[1];
                w[i].outstanding--;
            } else {
                free(t);
                int st = 0;
                waitpid(w[i].pid, &st, 0);
                w[i].pid = -1;
                if (g_stop) break;
                rc = fail(msg, msglen, 1, "worker %d stopped (%s %d) while computing unit %ld", i,
                          WIFSIGNALED(st) ? "signal" : "exit status", WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st),
                          w[i].pending[0]);
                break;
            }
        }
        if (rc) break;
        while (ready[k->next % win]) {
            char *t = ready[k->next % win];
            ready[k->next % win] = NULL;
            int wr = sink_put(k, t);
            free(t);
            if (wr) {
                rc = fail(msg, msglen, 1, "cannot write results: %s", strerror(errno));
                break;
            }
            pg->done = k->next;
            progress(pg, 0);
        }
        if (rc) break;
    }
    stop_workers(w, nw);
out:
    for (long i = 0; i < win; i++) free(ready[i]);
    free(ready);
    free(w);
    free(pf);
    return rc;
}

static int run_inproc(const nisac_experiment *e, long start, long total, sink_t *k, progress_t *pg, char *msg,
                      size_t msglen)
{
    for (long u = start; u < total && !g_stop; u++) {
        char *t = nisac_experiment_unit(e, u);
        if (!t) return fail(msg, msglen, 1, "out of memory computing unit %ld", u);
        int wr = sink_put(k, t);
        free(t);
        if (wr) return fail(msg, msglen, 1, "cannot write results: %s", strerror(errno));
        pg->done = k->next;
        progress(pg, 0);
    }
    return 0;
}

#ifdef NISAC_HAVE_MPI
/* Rank r computes units start + r, start + r + size, ...; rank 0 writes
 * them in order.  Messages carry the unit number as their tag offset. */
static int run_mpi(const nisac_experiment *e, int rank, int size, long start, long total, sink_t *k,
                   progress_t *pg, char *msg, size_t msglen)
{
    if (rank != 0) {
        for (long u = start + rank; u < total; u += size) {
            char *t = nisac_experiment_unit(e, u);
            if (!t) MPI_Abort(MPI_COMM_WORLD, 1);
            long hdr = u;
            MPI_Send(&hdr, 1, MPI_LONG, 0, 1, MPI_COMM_WORLD);
            MPI_Send(t, (int)strlen(t), MPI_CHAR, 0, 2, MPI_COMM_WORLD);
            free(t);
        }
        return 0;
    }
    long n = total - start;
    char **ready = calloc((size_t)(n > 0 ? n : 1), sizeof *ready);
    if (!ready) return fail(msg, msglen, 1, "out of memory");
    long mine = start;
    int rc = 0;
    while (k->next < total && !rc) {
        /* take whatever has arrived */
        for (;;) {
            int flag = 0;
            MPI_Status st;
            MPI_Iprobe(MPI_ANY_SOURCE, 1, MPI_COMM_WORLD, &flag, &st);
            int must_wait = !flag && mine >= total && !ready[k->next - start];
            if (!flag && !must_wait) break;
            long u;
            MPI_Recv(&u, 1, MPI_LONG, must_wait ? MPI_ANY_SOURCE : st.MPI_SOURCE, 1, MPI_COMM_WORLD, &st);
            int len;
            MPI_Status st2;
            MPI_Probe(st.MPI_SOURCE, 2, MPI_COMM_WORLD, &st2);
            MPI_Get_count(&st2, MPI_CHAR, &len);
            char *t = malloc((size_t)len + 1);
            if (!t) MPI_Abort(MPI_COMM_WORLD, 1);
            MPI_Recv(t, len, MPI_CHAR, st.MPI_SOURCE, 2, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
            t[len] = 0;
            ready[u - start] = t;
            if (must_wait) break;
        }
        if (mine < total) {
            char *t = nisac_experiment_unit(e, mine);
            if (!t) MPI_Abort(MPI_COMM_WORLD, 1);
            ready[mine - start] = t;
            mine += size;
        }
        while (k->next < total && ready[k->next - start]) {
            char *t = ready[k->next - start];
            ready[k->next - start] = NULL;
            if (sink_put(k, t)) rc = fail(msg, msglen, 1, "cannot write results: %s", strerror(errno));
            free(t);
            pg->done = k->next;
            progress(pg, 0);
        }
        if (g_stop) {
            sink_sync(k);
            MPI_Abort(MPI_COMM_WORLD, 3);
        }
    }
    free(ready);
    return rc;
}
#endif

int nisac_have_mpi(void)
{
#ifdef NISAC_HAVE_MPI
    return 1;
#else
    return 0;
#endif
}

int nisac_experiment_run(const nisac_experiment *e, const nisac_run_opts *o, char *msg, size_t msglen)
{
    msg[0] = 0;
    if (openblas_set_num_threads) openblas_set_num_threads(1);
    char final[1100], part[1200];
    snprintf(final, sizeof final, "%s/results.csv", o->out_dir);
    snprintf(part, sizeof part, "%s.partial", final);
    const long total = nisac_experiment_units(e);
    int rank = 0, size = 1;
#ifdef NISAC_HAVE_MPI
    int mpi = getenv("OMPI_COMM_WORLD_SIZE") != NULL || getenv("PMI_SIZE") != NULL;
    if (mpi) {
        int inited = 0;
        MPI_Initialized(&inited);
        if (!inited) MPI_Init(NULL, NULL);
        MPI_Comm_rank(MPI_COMM_WORLD, &rank);
        MPI_Comm_size(MPI_COMM_WORLD, &size);
    }
#endif
    int fd = -1;
    long start = 0;
    if (rank == 0) start = prepare(e, o, final, part, &fd, msg, msglen);
#ifdef NISAC_HAVE_MPI
    if (mpi) MPI_Bcast(&start, 1, MPI_LONG, 0, MPI_COMM_WORLD);
#endif
    int rc = 0;
    if (start < 0) {
        rc = start == -2 ? 2 : 1;
        if (rank != 0) snprintf(msg, msglen, "rank 0 could not prepare the results file");
        goto done;
    }
    if (start >= total && fd < 0) {
        if (rank == 0 && !o->quiet) fprintf(stderr, "%s is complete (%ld units); nothing to do\n", final, total);
        goto done;
    }
    struct sigaction sa, old_int, old_term;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal; /* no SA_RESTART: poll() returns at once */
    g_stop = 0;
    sigaction(SIGINT, &sa, &old_int);
    sigaction(SIGTERM, &sa, &old_term);
    sink_t k = {fd, start, 0, nisac_wtime(), o->batch > 0 ? o->batch : 16};
    progress_t pg = {o->quiet || rank != 0, isatty(2), total, start, start, nisac_wtime(), 0};
    if (rank == 0 && !o->quiet)
        fprintf(stderr, "%s: %d points x %d trials x %d algorithms%s; %ld units to compute with %d %s\n", e->name,
                e->npoints, e->trials, e->nalgos, start ? " (resumed)" : "", total - start,
                size > 1 ? size : o->workers, size > 1 ? "MPI ranks" : o->workers > 1 ? "worker processes" : "process");
    int workers = o->workers < 1 ? 1 : o->workers;
    if (workers > total - start) workers = (int)(total - start);
#ifdef NISAC_HAVE_MPI
    if (size > 1) rc = run_mpi(e, rank, size, start, total, &k, &pg, msg, msglen);
    else
#endif
        if (workers > 1) rc = run_forked(e, workers, start, total, &k, &pg, msg, msglen);
    else rc = run_inproc(e, start, total, &k, &pg, msg, msglen);
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTERM, &old_term, NULL);
    if (rank == 0) {
        progress(&pg, 1);
        if (!rc && k.next >= total) {
            rc = finish(fd, part, final, msg, msglen);
            fd = -1;
            if (!rc && !o->quiet) fprintf(stderr, "wrote %s\n", final);
        } else {
            sink_sync(&k);
            close(fd);
            fd = -1;
            if (!rc) {
                rc = 3;
                snprintf(msg, msglen, "interrupted after %ld of %ld units; %s holds them; continue with --resume",
                         k.next, total, part);
            }
        }
    }
done:
    if (fd >= 0) close(fd);
#ifdef NISAC_HAVE_MPI
    if (mpi) {
        MPI_Bcast(&rc, 1, MPI_INT, 0, MPI_COMM_WORLD);
        MPI_Finalize();
    }
#endif
    return rc;
}
