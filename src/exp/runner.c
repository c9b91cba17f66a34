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
 * back to the last complete unit.  In the long layout (vector metrics in
 * OUT/vectors.csv) each unit's vector lines are written before its rows,
 * so the rows never run ahead; resume cuts vectors.csv back to the units
 * that results.csv holds.
 *
 * The library neither prints nor handles signals: progress goes to the
 * caller's callback and cancellation comes from its `cancelled` poll.
 * Under MPI the caller owns MPI_Init/MPI_Finalize. */
#include "exp_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <signal.h> /* kill() */
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

static int fail(char *msg, size_t len, int code, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static int fail(char *msg, size_t len, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, len, fmt, ap);
    va_end(ap);
    return code;
}

/* ---- progress and cancellation ---- */
typedef struct {
    const nisac_run_opts *o;
    nisac_run_progress p;
    double t0;
} progress_t;

static void progress(progress_t *pg, long done, int final)
{
    if (!pg->o->progress) return;
    pg->p.done = done;
    pg->p.final = final;
    pg->p.elapsed = nisac_wtime() - pg->t0;
    pg->o->progress(&pg->p, pg->o->user);
}

static int cancelled(const nisac_run_opts *o) { return o->cancelled && o->cancelled(o->user); }

/* ---- the results files ---- */
typedef struct {
    int fd, vfd;      /* results and (long layout) vectors; vfd -1 when none */
    long next;        /* next unit to write */
    long since_sync;
    double last_sync;
    int batch;
} sink_t;

/* A computed unit: its rows and its vector lines. */
typedef struct {
    char *rows, *vec;
} unit_text;

static void unit_free(unit_text *u)
{
    free(u->rows);
    free(u->vec);
    u->rows = u->vec = NULL;
}

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
    int rc = k->vfd >= 0 ? fsync(k->vfd) : 0;
    return fsync(k->fd) || rc;
}

static int sink_put(sink_t *k, const unit_text *u)
{
    if (k->vfd >= 0 && write_all(k->vfd, u->vec, strlen(u->vec))) return -1;
    if (write_all(k->fd, u->rows, strlen(u->rows))) return -1;
    k->next++;
    if (++k->since_sync >= k->batch || nisac_wtime() - k->last_sync >= 1.0) return sink_sync(k);
    return 0;
}

static char *header_text(const nisac_experiment *e, int vectors)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f) return NULL;
    if (vectors) nisac_experiment_write_vectors_header(e, f);
    else nisac_experiment_write_header(e, f);
    fclose(f);
    return buf;
}

/* Scans the lines after the header of a file this runner wrote: the
 * units they hold, in order.  Returns the offset after the last line of
 * the last complete unit (results: rows_per_unit rows; vectors: every
 * line of units below `limit`) and the count of complete units. */
static size_t scan_units(const nisac_experiment *e, const char *text, size_t len, size_t hl, int vectors, long limit,
                         long *units_out)
{
    const int rpu = nisac_experiment_rows_per_unit(e);
    /* the trial column follows point, the sweep values and the label */
    int commas = 2;
    for (int a = 0; a < e->naxes; a++) commas += e->axes[a].nparams;
    long rows = 0, units = 0;
    size_t keep = hl, pos = hl;
    while (pos < len) {
        const char *nl = memchr(text + pos, '\n', len - pos);
        if (!nl) break; /* torn last line */
        if (text[pos] == '#') { /* a comment inside a unit */
            pos = (size_t)(nl - text) + 1;
            continue;
        }
        long pt, tr;
        if (sscanf(text + pos, "%ld,", &pt) != 1) break;
        const char *q = text + pos;
        for (int c = 0; c < commas && q; c++) {
            q = memchr(q, ',', (size_t)(nl - q));
            if (q) q++;
        }
        if (!q || q >= nl || sscanf(q, "%ld,", &tr) != 1) break;
        long unit = pt * e->trials + tr;
        if (vectors) {
            if (unit >= limit || unit < units) break;
            units = unit;
            pos = (size_t)(nl - text) + 1;
            keep = pos;
            continue;
        }
        if (unit != units) break; /* out of order: not a file this runner wrote */
        pos = (size_t)(nl - text) + 1;
        if (++rows == rpu) {
            rows = 0;
            units++;
            keep = pos;
        }
    }
    *units_out = units;
    return keep;
}

/* Opens a partial file for resuming: checks its header and cuts it after
 * the complete units (results) or after the units below limit (vectors).
 * Returns the number of complete units, or -1 with msg. */
static long resume_open(const nisac_experiment *e, const char *part, int vectors, long limit, int *fd_out,
                        char *msg, size_t msglen)
{
    size_t len;
    char *text = nisac__slurp(part, (size_t)1 << 34, &len);
    if (!text) return fail(msg, msglen, -1, "%s: cannot read: %s", part, strerror(errno));
    char *hdr = header_text(e, vectors);
    if (!hdr) {
        free(text);
        return fail(msg, msglen, -1, "out of memory");
    }
    size_t hl = strlen(hdr);
    if (len < hl || memcmp(text, hdr, hl) != 0) {
        free(text);
        free(hdr);
        return fail(msg, msglen, -2,
                    "%s: its header does not match this config (another config, version or seed); "
                    "use --force to start over",
                    part);
    }
    free(hdr);
    long units;
    size_t keep = scan_units(e, text, len, hl, vectors, limit, &units);
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

static int create_with_header(const nisac_experiment *e, const char *path, int vectors, int *fd, char *msg,
                              size_t msglen)
{
    char *hdr = header_text(e, vectors);
    if (!hdr) return fail(msg, msglen, -1, "out of memory");
    *fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0666);
    if (*fd < 0 || write_all(*fd, hdr, strlen(hdr)) || fsync(*fd)) {
        free(hdr);
        return fail(msg, msglen, -1, "%s: cannot write: %s", path, strerror(errno));
    }
    free(hdr);
    return 0;
}

typedef struct {
    char final[1100], part[1200], vfinal[1100], vpart[1200];
    int vectors;
} paths_t;

/* Prepares the partial files; returns the first unit to compute, the
 * total when already complete (fds -1), or -1/-2 with msg (-2: bad input). */
static long prepare(const nisac_experiment *e, const nisac_run_opts *o, const paths_t *P, sink_t *k, char *msg,
                    size_t msglen)
{
    struct stat st;
    k->fd = k->vfd = -1;
    if (nisac__mkdirs(o->out_dir)) return fail(msg, msglen, -1, "%s: cannot create folder: %s", o->out_dir, strerror(errno));
    int have_final = stat(P->final, &st) == 0, have_part = stat(P->part, &st) == 0;
    if (have_final) {
        if (o->force) {
            unlink(P->final);
            if (P->vectors) unlink(P->vfinal);
        } else if (o->resume) {
            size_t len;
            char *text = nisac__slurp(P->final, 1 << 16, &len), *hdr = header_text(e, 0);
            int same = text && hdr && len >= strlen(hdr) && !memcmp(text, hdr, strlen(hdr));
            free(text);
            free(hdr);
            if (!same)
                return fail(msg, msglen, -2, "%s exists and was made by another config; use --force to start over",
                            P->final);
            return nisac_experiment_units(e);
        } else
            return fail(msg, msglen, -2, "%s exists; use --force to recompute it", P->final);
    }
    if (have_part && !o->resume && !o->force)
        return fail(msg, msglen, -2, "%s holds an interrupted run; use --resume to continue it or --force to start over",
                    P->part);
    if (have_part && o->resume) {
        long units = resume_open(e, P->part, 0, 0, &k->fd, msg, msglen);
        if (units < 0 || !P->vectors) return units;
        /* vectors.csv may have been renamed just before an interruption */
        if (stat(P->vpart, &st) != 0 && stat(P->vfinal, &st) == 0 && rename(P->vfinal, P->vpart))
            return fail(msg, msglen, -1, "cannot rename %s: %s", P->vfinal, strerror(errno));
        if (stat(P->vpart, &st) != 0) {
            if (units > 0)
                return fail(msg, msglen, -2, "%s is missing: the run cannot be resumed; use --force", P->vpart);
            return create_with_header(e, P->vpart, 1, &k->vfd, msg, msglen) ? -1 : units;
        }
        long vu;
        if ((vu = resume_open(e, P->vpart, 1, units, &k->vfd, msg, msglen)) < 0) return vu;
        return units;
    }
    if (create_with_header(e, P->part, 0, &k->fd, msg, msglen)) return -1;
    if (P->vectors && create_with_header(e, P->vpart, 1, &k->vfd, msg, msglen)) return -1;
    return 0;
}

static int fsync_dir(const char *file)
{
    char dir[1100];
    snprintf(dir, sizeof dir, "%s", file);
    char *sl = strrchr(dir, '/');
    if (sl) *sl = 0;
    int dfd = open(sl ? dir : ".", O_RDONLY | O_DIRECTORY);
    if (dfd >= 0) {
        fsync(dfd);
        close(dfd);
    }
    return 0;
}

/* Closes and renames the partial files (vectors first: results.csv
 * appears last, when everything is in place). */
static int finish(sink_t *k, const paths_t *P, char *msg, size_t msglen)
{
    int rc = 0;
    if (k->vfd >= 0 && (fsync(k->vfd) || close(k->vfd))) rc = fail(msg, msglen, NISAC_EIO, "%s: %s", P->vpart, strerror(errno));
    k->vfd = -1;
    if (!rc && P->vectors && rename(P->vpart, P->vfinal))
        rc = fail(msg, msglen, NISAC_EIO, "cannot rename %s: %s", P->vpart, strerror(errno));
    if ((fsync(k->fd) || close(k->fd)) && !rc) rc = fail(msg, msglen, NISAC_EIO, "%s: %s", P->part, strerror(errno));
    k->fd = -1;
    if (!rc && rename(P->part, P->final)) rc = fail(msg, msglen, NISAC_EIO, "cannot rename %s: %s", P->part, strerror(errno));
    if (!rc) fsync_dir(P->final);
    return rc;
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

/* A worker reads unit numbers and answers (unit, rows length, vectors
 * length, rows, vectors) until its task pipe closes.  It installs no
 * signal handler: the parent ends it with SIGKILL. */
static void worker_main(const nisac_experiment *e, int task_fd, int res_fd)
{
    long unit;
    while (read_all(task_fd, &unit, sizeof unit) == 0) {
        unit_text u;
        if (nisac_experiment_compute(e, unit, &u.rows, &u.vec)) _exit(3);
        uint64_t hdr[3] = {(uint64_t)unit, strlen(u.rows), strlen(u.vec)};
        if (write_all(res_fd, (const char *)hdr, sizeof hdr) || write_all(res_fd, u.rows, hdr[1]) ||
            write_all(res_fd, u.vec, hdr[2]))
            _exit(4);
        unit_free(&u);
    }
    _exit(0);
}

static void stop_workers(worker_t *w, int n)
{
    for (int i = 0; i < n; i++)
        if (w[i].pid > 0) kill(w[i].pid, SIGKILL);
    for (int i = 0; i < n; i++) {
        if (w[i].pid > 0) waitpid(w[i].pid, NULL, 0);
        if (w[i].task_fd >= 0) close(w[i].task_fd);
        if (w[i].res_fd >= 0) close(w[i].res_fd);
        w[i].pid = -1;
    }
}

static int read_unit(int fd, long *unit, unit_text *u)
{
    uint64_t hdr[3];
    u->rows = u->vec = NULL;
    if (read_all(fd, hdr, sizeof hdr)) return -1;
    u->rows = malloc(hdr[1] + 1);
    u->vec = malloc(hdr[2] + 1);
    if (!u->rows || !u->vec || read_all(fd, u->rows, hdr[1]) || read_all(fd, u->vec, hdr[2])) {
        unit_free(u);
        return -1;
    }
    u->rows[hdr[1]] = 0;
    u->vec[hdr[2]] = 0;
    *unit = (long)hdr[0];
    return 0;
}

static int run_forked(const nisac_experiment *e, const nisac_run_opts *o, int nw, long start, long total, sink_t *k,
                      progress_t *pg, char *msg, size_t msglen)
{
    worker_t *w = calloc((size_t)nw, sizeof *w);
    const long win = 2L * nw + 1;
    unit_text *ready = calloc((size_t)win, sizeof *ready);
    struct pollfd *pf = calloc((size_t)nw, sizeof *pf);
    int rc = 0;
    if (!w || !ready || !pf) {
        free(w);
        free(ready);
        free(pf);
        return fail(msg, msglen, NISAC_ENOMEM, "out of memory");
    }
    fflush(NULL);
    for (int i = 0; i < nw; i++) {
        int tp[2], rp[2];
        w[i].task_fd = w[i].res_fd = -1;
        if (pipe(tp) || pipe(rp)) {
            rc = fail(msg, msglen, NISAC_EIO, "pipe: %s", strerror(errno));
            stop_workers(w, i);
            goto out;
        }
        pid_t pid = fork();
        if (pid < 0) {
            rc = fail(msg, msglen, NISAC_EIO, "fork: %s", strerror(errno));
            stop_workers(w, i);
            goto out;
        }
        if (pid == 0) {
            /* own process group: a terminal's Ctrl-C goes to the parent, which decides */
            setpgid(0, 0);
            close(tp[1]);
            close(rp[0]);
            for (int j = 0; j < i; j++) {
                close(w[j].task_fd);
                close(w[j].res_fd);
            }
            close(k->fd);
            if (k->vfd >= 0) close(k->vfd);
            worker_main(e, tp[0], rp[1]);
        }
        close(tp[0]);
        close(rp[1]);
        w[i] = (worker_t){pid, tp[1], rp[0], 0, {0, 0}};
    }
    long next = start;
    for (;;) {
        int stop = cancelled(o);
        /* dispatch within the reorder window */
        for (int i = 0; i < nw && !stop; i++)
            while (w[i].outstanding < 2 && next < total && next < k->next + win) {
                if (write_all(w[i].task_fd, (const char *)&next, sizeof next)) break;
                w[i].pending[w[i].outstanding++] = next++;
            }
        if (k->next >= total || stop) break;
        for (int i = 0; i < nw; i++) pf[i] = (struct pollfd){w[i].res_fd, POLLIN, 0};
        int pr = poll(pf, (nfds_t)nw, 250);
        if (pr < 0 && errno != EINTR) {
            rc = fail(msg, msglen, NISAC_EIO, "poll: %s", strerror(errno));
            break;
        }
        for (int i = 0; i < nw && pr > 0; i++) {
            if (!(pf[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
            unit_text u;
            long un;
            if (read_unit(w[i].res_fd, &un, &u) == 0) {
                unit_free(&ready[un % win]);
                ready[un % win] = u;
                w[i].pending[0] = w[i].pending[1];
                w[i].outstanding--;
            } else {
                int st = 0;
                waitpid(w[i].pid, &st, 0);
                w[i].pid = -1;
                if (cancelled(o)) break;
                rc = fail(msg, msglen, WIFEXITED(st) && WEXITSTATUS(st) == 3 ? NISAC_ENOMEM : NISAC_EIO,
                          "worker %d stopped (%s %d) while computing unit %ld", i,
                          WIFSIGNALED(st) ? "signal" : "exit status", WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st),
                          w[i].pending[0]);
                break;
            }
        }
        if (rc) break;
        while (ready[k->next % win].rows) {
            unit_text u = ready[k->next % win];
            ready[k->next % win].rows = ready[k->next % win].vec = NULL;
            int wr = sink_put(k, &u);
            unit_free(&u);
            if (wr) {
                rc = fail(msg, msglen, NISAC_EIO, "cannot write results: %s", strerror(errno));
                break;
            }
            progress(pg, k->next, 0);
        }
        if (rc) break;
    }
    stop_workers(w, nw);
out:
    for (long i = 0; i < win; i++) unit_free(&ready[i]);
    free(ready);
    free(w);
    free(pf);
    return rc;
}

static int run_inproc(const nisac_experiment *e, const nisac_run_opts *o, long start, long total, sink_t *k,
                      progress_t *pg, char *msg, size_t msglen)
{
    for (long un = start; un < total && !cancelled(o); un++) {
        unit_text u;
        int rc = nisac_experiment_compute(e, un, &u.rows, &u.vec);
        if (rc) return fail(msg, msglen, rc, "computing unit %ld: %s", un, nisac_strerror(rc));
        int wr = sink_put(k, &u);
        unit_free(&u);
        if (wr) return fail(msg, msglen, NISAC_EIO, "cannot write results: %s", strerror(errno));
        progress(pg, k->next, 0);
    }
    return 0;
}

#ifdef NISAC_HAVE_MPI
/* Sends a unit's texts to rank 0: its number, then the rows, then the
 * vector lines. */
static void mpi_send_unit(long un, const unit_text *u)
{
    MPI_Send(&un, 1, MPI_LONG, 0, 1, MPI_COMM_WORLD);
    MPI_Send(u->rows, (int)strlen(u->rows), MPI_CHAR, 0, 2, MPI_COMM_WORLD);
    MPI_Send(u->vec, (int)strlen(u->vec), MPI_CHAR, 0, 3, MPI_COMM_WORLD);
}

static char *mpi_recv_text(int src, int tag)
{
    MPI_Status st;
    int len;
    MPI_Probe(src, tag, MPI_COMM_WORLD, &st);
    MPI_Get_count(&st, MPI_CHAR, &len);
    char *t = malloc((size_t)len + 1);
    if (!t) return NULL;
    MPI_Recv(t, len, MPI_CHAR, src, tag, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    t[len] = 0;
    return t;
}

/* Rank r computes units start + r, start + r + size, ...; rank 0 writes
 * them in order.  A rank that cannot compute its unit returns an error;
 * the caller decides (MPI_Abort). */
static int run_mpi(const nisac_experiment *e, const nisac_run_opts *o, int rank, int size, long start, long total,
                   sink_t *k, progress_t *pg, char *msg, size_t msglen)
{
    if (rank != 0) {
        for (long un = start + rank; un < total; un += size) {
            unit_text u;
            int rc = nisac_experiment_compute(e, un, &u.rows, &u.vec);
            if (rc) return fail(msg, msglen, rc, "rank %d, unit %ld: %s", rank, un, nisac_strerror(rc));
            mpi_send_unit(un, &u);
            unit_free(&u);
        }
        return 0;
    }
    long n = total - start;
    unit_text *ready = calloc((size_t)(n > 0 ? n : 1), sizeof *ready);
    if (!ready) return fail(msg, msglen, NISAC_ENOMEM, "out of memory");
    long mine = start;
    int rc = 0;
    while (k->next < total && !rc) {
        /* take whatever has arrived */
        for (;;) {
            int flag = 0;
            MPI_Status st;
            MPI_Iprobe(MPI_ANY_SOURCE, 1, MPI_COMM_WORLD, &flag, &st);
            int must_wait = !flag && mine >= total && !ready[k->next - start].rows;
            if (!flag && !must_wait) break;
            long un;
            MPI_Recv(&un, 1, MPI_LONG, must_wait ? MPI_ANY_SOURCE : st.MPI_SOURCE, 1, MPI_COMM_WORLD, &st);
            unit_text u = {mpi_recv_text(st.MPI_SOURCE, 2), mpi_recv_text(st.MPI_SOURCE, 3)};
            if (!u.rows || !u.vec) {
                unit_free(&u);
                rc = fail(msg, msglen, NISAC_ENOMEM, "out of memory");
                break;
            }
            ready[un - start] = u;
            if (must_wait) break;
        }
        if (!rc && mine < total) {
            unit_text u;
            if ((rc = nisac_experiment_compute(e, mine, &u.rows, &u.vec)))
                rc = fail(msg, msglen, rc, "unit %ld: %s", mine, nisac_strerror(rc));
            else ready[mine - start] = u;
            mine += size;
        }
        while (!rc && k->next < total && ready[k->next - start].rows) {
            unit_text u = ready[k->next - start];
            ready[k->next - start].rows = ready[k->next - start].vec = NULL;
            if (sink_put(k, &u)) rc = fail(msg, msglen, NISAC_EIO, "cannot write results: %s", strerror(errno));
            unit_free(&u);
            progress(pg, k->next, 0);
        }
        if (!rc && cancelled(o)) break;
    }
    for (long i = 0; i < n; i++) unit_free(&ready[i]);
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

int nisac_experiment_run(const nisac_experiment *e, const nisac_run_opts *o, nisac_run_result *res)
{
    memset(res, 0, sizeof *res);
    char *msg = res->msg;
    const size_t msglen = sizeof res->msg;
    if (!e || !o || !o->out_dir) return fail(msg, msglen, NISAC_EINVAL, "run: NULL experiment, options or folder");
    if (openblas_set_num_threads) openblas_set_num_threads(1);
    paths_t P;
    snprintf(P.final, sizeof P.final, "%s/results.csv", o->out_dir);
    snprintf(P.part, sizeof P.part, "%s.partial", P.final);
    snprintf(P.vfinal, sizeof P.vfinal, "%s/vectors.csv", o->out_dir);
    snprintf(P.vpart, sizeof P.vpart, "%s.partial", P.vfinal);
    P.vectors = e->vectors == NISAC_VECTORS_LONG;
    snprintf(res->results, sizeof res->results, "%s", P.final);
    const long total = nisac_experiment_units(e);
    res->total = total;
    int rank = 0, size = 1;
#ifdef NISAC_HAVE_MPI
    int inited = 0;
    MPI_Initialized(&inited);
    if (inited) {
        MPI_Comm_rank(MPI_COMM_WORLD, &rank);
        MPI_Comm_size(MPI_COMM_WORLD, &size);
    }
#endif
    res->rank = rank;
    sink_t k = {-1, -1, 0, 0, nisac_wtime(), o->batch > 0 ? o->batch : 16};
    long start = 0;
    if (rank == 0) start = prepare(e, o, &P, &k, msg, msglen);
#ifdef NISAC_HAVE_MPI
    if (size > 1) MPI_Bcast(&start, 1, MPI_LONG, 0, MPI_COMM_WORLD);
#endif
    int rc = 0;
    if (start < 0) {
        rc = start == -2 ? NISAC_EINVAL : NISAC_EIO;
        if (rank != 0) snprintf(msg, msglen, "rank 0 could not prepare the results file");
        goto done;
    }
    res->start = res->done = start;
    if (start >= total && k.fd < 0) {
        res->already_complete = 1;
        goto done;
    }
    k.next = start;
    int workers = o->workers < 1 ? 1 : o->workers;
    if (workers > total - start) workers = (int)(total - start);
    progress_t pg = {o, {total, start, start, 0, size > 1 ? size : workers, size > 1, 0}, nisac_wtime()};
    if (rank == 0) progress(&pg, start, 0);
#ifdef NISAC_HAVE_MPI
    if (size > 1) rc = run_mpi(e, o, rank, size, start, total, &k, &pg, msg, msglen);
    else
#endif
        if (workers > 1) rc = run_forked(e, o, workers, start, total, &k, &pg, msg, msglen);
    else rc = run_inproc(e, o, start, total, &k, &pg, msg, msglen);
    if (rank == 0) {
        res->done = k.next;
        if (!rc && k.next >= total) rc = finish(&k, &P, msg, msglen);
        else {
            sink_sync(&k);
            if (!rc) {
                rc = NISAC_EINTERRUPTED;
                snprintf(msg, msglen, "interrupted after %ld of %ld units; %.900s holds them; continue with --resume",
                         k.next, total, P.part);
            }
        }
        progress(&pg, k.next, 1);
    }
done:
    if (k.fd >= 0) close(k.fd);
    if (k.vfd >= 0) close(k.vfd);
#ifdef NISAC_HAVE_MPI
    /* Every rank returns rank 0's verdict when it is success or bad input
     * (known to all ranks); on any other outcome of any rank the caller
     * aborts the job (MPI_Abort), which ends the ranks still waiting. */
    if (size > 1 && (rc == 0 || rc == NISAC_EINVAL)) MPI_Bcast(&rc, 1, MPI_INT, 0, MPI_COMM_WORLD);
#endif
    return rc;
}
