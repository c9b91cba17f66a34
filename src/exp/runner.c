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
#include <pthread.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <signal.h> /* kill() */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
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
/* While a run writes, OUT/results.csv.partial.idx holds one line per
 * unit written: "UNIT ROWS_END ROWS_HASH VEC_END VEC_HASH" (byte offsets
 * after the unit in results.csv.partial and vectors.csv.partial, FNV-1a
 * hashes of the unit's bytes).  It is synced after the data it describes
 * and lets --resume prove every unit it keeps; it is removed when the run
 * completes. */
typedef struct {
    int fd, vfd, ifd; /* results, vectors (-1 when none), index */
    long next;        /* next unit to write */
    long since_sync;
    double last_sync;
    int batch;
    off_t rows_end, vec_end;
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

static uint64_t fnv1a(const char *s, size_t n) { return nisac__fnv1a(s, n, NISAC_FNV_OFFSET); }

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
    /* the data before the index that vouches for it */
    int rc = k->vfd >= 0 ? fsync(k->vfd) : 0;
    rc |= fsync(k->fd);
    if (k->ifd >= 0) rc |= fsync(k->ifd);
    return rc;
}

/* The index line of unit u: its rows (ending at rows_end) and its
 * vector lines (ending at vec_end), with their hashes. */
static int index_line(char *line, size_t len, long u, const char *rows, size_t rl, long long rows_end,
                      const char *vec, size_t vl, long long vec_end)
{
    return snprintf(line, len, "%ld %lld %016llx %lld %016llx\n", u, rows_end, (unsigned long long)fnv1a(rows, rl),
                    vec_end, (unsigned long long)fnv1a(vec, vl));
}

static int sink_put(sink_t *k, const unit_text *u)
{
    size_t vl = strlen(u->vec), rl = strlen(u->rows);
    if (k->vfd >= 0 && write_all(k->vfd, u->vec, vl)) return -1;
    if (write_all(k->fd, u->rows, rl)) return -1;
    k->vec_end += (off_t)vl;
    k->rows_end += (off_t)rl;
    char line[160];
    int n = index_line(line, sizeof line, k->next, u->rows, rl, (long long)k->rows_end, u->vec, vl,
                       (long long)k->vec_end);
    if (k->ifd >= 0 && write_all(k->ifd, line, (size_t)n)) return -1;
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

/* Checks one line [s, nl) of unit `unit` field by field: the field
 * count, the point and trial of the unit, a draw the config has, the
 * status (results) or the index and value (vectors), every number. */
static int row_ok(const nisac_experiment *e, const char *s, const char *nl, int vectors, long unit)
{
    if (nisac__line_unit(e, s, nl) != unit) return 0;
    const int nsweep = nisac__sweep_columns(e), c_draw = nsweep + 3;
    const int want = c_draw + 1 + (vectors ? 3 : 1 + nisac_experiment_ncolumns(e));
    int i = 0;
    for (const char *p = s;; i++) {
        const char *c = memchr(p, ',', (size_t)(nl - p));
        const size_t n = (size_t)((c ? c : nl) - p);
        if (i == c_draw) {
            char *end;
            long dr = strtol(p, &end, 10);
            if (end != p + n || dr < 0 || dr >= e->draws) return 0;
        } else if (i > c_draw) {
            const int k = i - c_draw - 1; /* results: status, metrics; vectors: metric, index, value */
            if (vectors ? k > 0 && !nisac__is_number(p, n) : k == 0 ? !nisac__is_status(p, n) : !nisac__is_number(p, n))
                return 0;
        }
        if (!c) break;
        p = c + 1;
    }
    return i + 1 == want;
}

/* Whether [a, b) of a file holds exactly unit `unit`: whole lines, no NUL
 * byte, every row well formed (results: rows_per_unit rows). */
static int unit_ok(const nisac_experiment *e, const char *a, const char *b, int vectors, long unit)
{
    if (memchr(a, 0, (size_t)(b - a))) return 0;
    int rows = 0;
    for (const char *p = a; p < b;) {
        const char *nl = memchr(p, '\n', (size_t)(b - p));
        if (!nl) return 0;
        if (*p != '#') {
            if (!row_ok(e, p, nl, vectors, unit)) return 0;
            rows++;
        }
        p = nl + 1;
    }
    return vectors || rows == nisac_experiment_rows_per_unit(e);
}

typedef struct {
    char final[1100], part[1200], vfinal[1100], vpart[1200], idx[1300], lock[1100];
    int vectors;
} paths_t;

typedef struct {
    long unit;
    long long rows_end, vec_end;
    unsigned long long rows_hash, vec_hash;
} idx_entry;

/* Where a kept unit ends in results.csv.partial and vectors.csv.partial. */
typedef struct {
    size_t rows, vec;
} unit_end;

/* Reads the index; *n entries in order (parsing stops at the first line
 * that is not one). */
static idx_entry *read_index(const char *path, long *n)
{
    *n = 0;
    size_t len;
    char *t = nisac__slurp(path, NISAC_MAX_RESULTS_BYTES, &len);
    if (!t) return NULL;
    long cap = 1;
    for (size_t i = 0; i < len; i++) cap += t[i] == '\n';
    idx_entry *x = calloc((size_t)cap, sizeof *x);
    char *p = t;
    while (x && *p) {
        char *nl = strchr(p, '\n');
        if (!nl) break;
        idx_entry y;
        int used = 0;
        if (sscanf(p, "%ld %lld %llx %lld %llx%n", &y.unit, &y.rows_end, &y.rows_hash, &y.vec_end, &y.vec_hash, &used) != 5 ||
            p + used != nl || y.unit != *n)
            break;
        x[(*n)++] = y;
        p = nl + 1;
    }
    free(t);
    return x;
}

/* Opens a partial file for writing at its end after cutting it at off. */
static int reopen_at(const char *path, off_t off, int *fd, char *msg, size_t msglen)
{
    *fd = open(path, O_WRONLY);
    if (*fd < 0) return fail(msg, msglen, -1, "%s: cannot open: %s", path, strerror(errno));
    if (ftruncate(*fd, off) || lseek(*fd, 0, SEEK_END) < 0 || fsync(*fd))
        return fail(msg, msglen, -1, "%s: cannot truncate: %s", path, strerror(errno));
    return 0;
}

static int create_with_header(const nisac_experiment *e, const char *path, int vectors, int *fd, off_t *end,
                              char *msg, size_t msglen)
{
    char *hdr = vectors >= 0 ? header_text(e, vectors) : strdup("");
    if (!hdr) return fail(msg, msglen, -1, "out of memory");
    *fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0666);
    if (*fd < 0 || write_all(*fd, hdr, strlen(hdr)) || fsync(*fd)) {
        free(hdr);
        return fail(msg, msglen, -1, "%s: cannot write: %s", path, strerror(errno));
    }
    if (end) *end = (off_t)strlen(hdr);
    free(hdr);
    return 0;
}

/* --resume: keeps the units the files prove (header of this config;
 * every unit whole, well formed and matching its index entry when there
 * is an index), cuts everything after them, and returns their count, or
 * -1/-2 with msg. */
static long resume_files(const nisac_experiment *e, const paths_t *P, sink_t *k, char *msg, size_t msglen)
{
    struct stat st;
    /* vectors.csv may have been renamed just before an interruption */
    if (P->vectors && stat(P->vpart, &st) != 0 && stat(P->vfinal, &st) == 0 && rename(P->vfinal, P->vpart))
        return fail(msg, msglen, -1, "cannot rename %s: %s", P->vfinal, strerror(errno));
    size_t rl = 0, vl = 0;
    char *rt = nisac__slurp(P->part, NISAC_MAX_RESULTS_BYTES, &rl);
    if (!rt) return fail(msg, msglen, -1, "%s: cannot read: %s", P->part, strerror(errno));
    char *vt = P->vectors ? nisac__slurp(P->vpart, NISAC_MAX_RESULTS_BYTES, &vl) : NULL;
    char *rh = header_text(e, 0), *vh = P->vectors ? header_text(e, 1) : NULL;
    long units = -1, nidx = 0;
    idx_entry *ix = stat(P->idx, &st) == 0 ? read_index(P->idx, &nidx) : NULL;
    const int have_index = ix != NULL;
    unit_end *ends = NULL;
    if (!rh || (P->vectors && !vh)) {
        units = fail(msg, msglen, -1, "out of memory");
        goto out;
    }
    size_t rhl = strlen(rh), vhl = vh ? strlen(vh) : 0;
    if (rl < rhl || memcmp(rt, rh, rhl) || (P->vectors && vt && (vl < vhl || memcmp(vt, vh, vhl)))) {
        units = fail(msg, msglen, -2,
                     "%s: its header does not match this config (another config, version or seed); use --force "
                     "to start over",
                     P->part);
        goto out;
    }
    if (P->vectors && !vt) vl = 0;
    /* Walk the units, by the index when there is one, by the rows
     * otherwise, and keep where each accepted unit ends in both files. */
    size_t rpos = rhl, vpos = vhl;
    const long total = nisac_experiment_units(e);
    long cap = 0;
    units = 0;
    while (units < total) {
        size_t rend, vend = vpos;
        if (have_index) {
            if (units >= nidx) break;
            const idx_entry *y = &ix[units];
            if (y->rows_end < (long long)rpos || (size_t)y->rows_end > rl) break;
            rend = (size_t)y->rows_end;
            if (fnv1a(rt + rpos, rend - rpos) != y->rows_hash) break;
            if (P->vectors) {
                if (!vt || y->vec_end < (long long)vpos || (size_t)y->vec_end > vl) break;
                vend = (size_t)y->vec_end;
                if (fnv1a(vt + vpos, vend - vpos) != y->vec_hash) break;
            }
        } else {
            /* no index (a file of an earlier version): this unit's rows, and
             * the vector lines that name this unit */
            int rows = 0;
            rend = rpos;
            while (rows < nisac_experiment_rows_per_unit(e) && rend < rl) {
                const char *nl = memchr(rt + rend, '\n', rl - rend);
                if (!nl) break;
                rows += rt[rend] != '#';
                rend = (size_t)(nl - rt) + 1;
            }
            while (P->vectors && vend < vl) {
                const char *nl = memchr(vt + vend, '\n', vl - vend);
                if (!nl || nisac__line_unit(e, vt + vend, nl) != units) break;
                vend = (size_t)(nl - vt) + 1;
            }
        }
        if (!unit_ok(e, rt + rpos, rt + rend, 0, units) || (P->vectors && !unit_ok(e, vt + vpos, vt + vend, 1, units)))
            break;
        if (units == cap) {
            cap = cap ? 2 * cap : 64;
            unit_end *n = realloc(ends, sizeof *n * (size_t)cap);
            if (!n) {
                units = fail(msg, msglen, -1, "out of memory");
                goto out;
            }
            ends = n;
        }
        ends[units] = (unit_end){rend, vend};
        rpos = rend;
        vpos = vend;
        units++;
    }
    if (reopen_at(P->part, (off_t)rpos, &k->fd, msg, msglen)) {
        units = -1;
        goto out;
    }
    if (P->vectors) {
        if (!vt) {
            if (create_with_header(e, P->vpart, 1, &k->vfd, NULL, msg, msglen)) {
                units = -1;
                goto out;
            }
            vpos = vhl;
        } else if (reopen_at(P->vpart, (off_t)vpos, &k->vfd, msg, msglen)) {
            units = -1;
            goto out;
        }
    }
    k->rows_end = (off_t)rpos;
    k->vec_end = (off_t)vpos;
    /* the index again, for the units kept */
    k->ifd = open(P->idx, O_WRONLY | O_CREAT | O_TRUNC, 0666);
    if (k->ifd < 0) {
        units = fail(msg, msglen, -1, "%s: cannot write: %s", P->idx, strerror(errno));
        goto out;
    }
    for (long u = 0, rp = (long)rhl, vp = (long)vhl; u < units; u++) {
        char line[160];
        int n = index_line(line, sizeof line, u, rt + rp, ends[u].rows - (size_t)rp, (long long)ends[u].rows,
                           vt ? vt + vp : "", ends[u].vec - (size_t)vp, (long long)ends[u].vec);
        if (write_all(k->ifd, line, (size_t)n)) {
            units = fail(msg, msglen, -1, "%s: cannot write: %s", P->idx, strerror(errno));
            goto out;
        }
        rp = (long)ends[u].rows;
        vp = (long)ends[u].vec;
    }
    if (fsync(k->ifd)) units = fail(msg, msglen, -1, "%s: cannot write: %s", P->idx, strerror(errno));
out:
    free(rt);
    free(vt);
    free(rh);
    free(vh);
    free(ix);
    free(ends);
    return units;
}


/* An exclusive lock on the output folder for the whole run; a second run
 * is refused with the holder's pid.  Returns the lock's fd, or -1/-2. */
static int lock_folder(const paths_t *P, char *msg, size_t msglen)
{
    int fd = open(P->lock, O_RDWR | O_CREAT, 0666);
    if (fd < 0) return fail(msg, msglen, -1, "%s: cannot create the lock file: %s", P->lock, strerror(errno));
    if (flock(fd, LOCK_EX | LOCK_NB)) {
        char pid[32] = "";
        ssize_t n = pread(fd, pid, sizeof pid - 1, 0);
        pid[n > 0 ? n : 0] = 0;
        pid[strcspn(pid, "\n")] = 0;
        close(fd);
        return fail(msg, msglen, -2, "the output folder is in use by another nisac run (pid %s, lock %s); wait for it "
                                     "to finish or stop it",
                    pid[0] ? pid : "?", P->lock);
    }
    char pid[32];
    int n = snprintf(pid, sizeof pid, "%ld\n", (long)getpid());
    if (ftruncate(fd, 0) || pwrite(fd, pid, (size_t)n, 0) != n) {
        close(fd);
        return fail(msg, msglen, -1, "%s: cannot write: %s", P->lock, strerror(errno));
    }
    return fd;
}

/* Prepares the partial files; returns the first unit to compute, the
 * total when already complete (fds -1), or -1/-2 with msg (-2: bad input). */
static long prepare(const nisac_experiment *e, const nisac_run_opts *o, const paths_t *P, sink_t *k, char *msg,
                    size_t msglen)
{
    struct stat st;
    k->fd = k->vfd = k->ifd = -1;
    int have_final = stat(P->final, &st) == 0, have_part = stat(P->part, &st) == 0;
    if (have_final) {
        if (o->force) {
            unlink(P->final);
            if (P->vectors) unlink(P->vfinal);
        } else if (o->resume) {
            size_t len;
            char *text = nisac__read_head(P->final, 1 << 16, &len), *hdr = header_text(e, 0);
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
    if (have_part && o->resume) return resume_files(e, P, k, msg, msglen);
    if (create_with_header(e, P->part, 0, &k->fd, &k->rows_end, msg, msglen)) return -1;
    if (P->vectors && create_with_header(e, P->vpart, 1, &k->vfd, &k->vec_end, msg, msglen)) return -1;
    if (create_with_header(e, P->idx, -1, &k->ifd, NULL, msg, msglen)) return -1;
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
 * appears last, when everything is in place), then drops the index. */
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
    if (k->ifd >= 0) close(k->ifd);
    k->ifd = -1;
    if (!rc) unlink(P->idx);
    return rc;
}

/* ---- fork-based workers ---- */
#define MAX_THREADS 64

typedef struct {
    pid_t pid;
    int task_fd, res_fd;
    int outstanding;
    long pending[2 * MAX_THREADS]; /* units sent and not answered, oldest first */
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
 * length, rows, vectors) until its task pipe closes; with several threads
 * each takes the next unit under a lock and writes its answer whole under
 * another (answers may then come out of order; the parent puts them back
 * in order).  It installs no signal handler: the parent ends it with
 * SIGKILL. */
typedef struct {
    const nisac_experiment *e;
    int task_fd, res_fd;
    pthread_mutex_t rd, wr;
} wshared_t;

static void *worker_loop(void *arg)
{
    wshared_t *sh = arg;
    long unit;
    for (;;) {
        pthread_mutex_lock(&sh->rd);
        int got = read_all(sh->task_fd, &unit, sizeof unit);
        pthread_mutex_unlock(&sh->rd);
        if (got) break;
        unit_text u;
        if (nisac_experiment_compute(sh->e, unit, &u.rows, &u.vec)) _exit(3);
        uint64_t hdr[3] = {(uint64_t)unit, strlen(u.rows), strlen(u.vec)};
        pthread_mutex_lock(&sh->wr);
        int bad = write_all(sh->res_fd, (const char *)hdr, sizeof hdr) || write_all(sh->res_fd, u.rows, hdr[1]) ||
                  write_all(sh->res_fd, u.vec, hdr[2]);
        pthread_mutex_unlock(&sh->wr);
        if (bad) _exit(4);
        unit_free(&u);
    }
    return NULL;
}

static void worker_main(const nisac_experiment *e, int task_fd, int res_fd, int threads)
{
    wshared_t sh = {e, task_fd, res_fd, PTHREAD_MUTEX_INITIALIZER, PTHREAD_MUTEX_INITIALIZER};
    pthread_t th[MAX_THREADS];
    int started = 0;
    for (int t = 1; t < threads; t++)
        if (pthread_create(&th[started], NULL, worker_loop, &sh) == 0) started++;
    worker_loop(&sh);
    for (int t = 0; t < started; t++) pthread_join(th[t], NULL);
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

static int run_forked(const nisac_experiment *e, const nisac_run_opts *o, int nw, int nt, long start, long total, sink_t *k,
                      int lockfd, progress_t *pg, char *msg, size_t msglen)
{
    worker_t *w = calloc((size_t)nw, sizeof *w);
    const long win = 2L * nw * nt + 1;
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
        /* tasks go down a socket, written with MSG_NOSIGNAL: a dead worker
         * gives EPIPE, never SIGPIPE to the caller's process */
        if (socketpair(AF_UNIX, SOCK_STREAM, 0, tp) || pipe(rp)) {
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
            if (k->ifd >= 0) close(k->ifd);
            if (lockfd >= 0) close(lockfd); /* the folder's lock stays with the parent */
            worker_main(e, tp[0], rp[1], nt);
        }
        close(tp[0]);
        close(rp[1]);
        w[i].pid = pid;
        w[i].task_fd = tp[1];
        w[i].res_fd = rp[0];
        w[i].outstanding = 0;
    }
    long next = start;
    for (;;) {
        int stop = cancelled(o);
        /* dispatch within the reorder window */
        for (int i = 0; i < nw && !stop; i++)
            while (w[i].outstanding < 2 * nt && next < total && next < k->next + win) {
                if (send(w[i].task_fd, &next, sizeof next, MSG_NOSIGNAL) != (ssize_t)sizeof next) break;
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
                int q = 0;
                while (q < w[i].outstanding && w[i].pending[q] != un) q++;
                for (; q + 1 < w[i].outstanding; q++) w[i].pending[q] = w[i].pending[q + 1];
                if (w[i].outstanding > 0) w[i].outstanding--;
            } else {
                int st = 0;
                waitpid(w[i].pid, &st, 0);
                w[i].pid = -1;
                if (cancelled(o)) break;
                /* the units written so far are whole: the run can be resumed */
                rc = fail(msg, msglen, NISAC_EINTERRUPTED,
                          "worker %d stopped (%s %d%s) while computing unit %ld; the %ld units before it are "
                          "kept: continue with --resume",
                          i, WIFSIGNALED(st) ? "signal" : "exit status", WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st),
                          WIFEXITED(st) && WEXITSTATUS(st) == 3 ? ", out of memory" : "", w[i].pending[0], k->next);
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
    snprintf(P.idx, sizeof P.idx, "%s.idx", P.part);
    snprintf(P.lock, sizeof P.lock, "%s/.nisac.lock", o->out_dir);
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
    sink_t k = {-1, -1, -1, 0, 0, nisac_wtime(), o->batch > 0 ? o->batch : 16, 0, 0};
    long start = 0;
    int lockfd = -1;
    if (rank == 0) {
        if (nisac__mkdirs(o->out_dir))
            start = fail(msg, msglen, -1, "%s: cannot create folder: %s", o->out_dir, strerror(errno));
        else if ((lockfd = lock_folder(&P, msg, msglen)) < 0)
            start = lockfd;
        else
            start = prepare(e, o, &P, &k, msg, msglen);
    }
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
    int threads = o->threads < 1 ? 1 : o->threads > MAX_THREADS ? MAX_THREADS : o->threads;
    if ((long)workers * threads > total - start) threads = (int)((total - start + workers - 1) / workers);
    if (threads < 1) threads = 1;
    progress_t pg = {o, {total, start, start, 0, size > 1 ? size : workers, size > 1, 0}, nisac_wtime()};
    if (rank == 0) progress(&pg, start, 0);
#ifdef NISAC_HAVE_MPI
    if (size > 1) rc = run_mpi(e, o, rank, size, start, total, &k, &pg, msg, msglen);
    else
#endif
        if (workers > 1 || threads > 1) rc = run_forked(e, o, workers, threads, start, total, &k, lockfd, &pg, msg, msglen);
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
    if (k.ifd >= 0) close(k.ifd);
    if (lockfd >= 0) {
        unlink(P.lock); /* while still holding it: a waiting run finds the folder free */
        close(lockfd);
    }
#ifdef NISAC_HAVE_MPI
    /* Every rank returns rank 0's verdict when it is success or bad input
     * (known to all ranks); on any other outcome of any rank the caller
     * aborts the job (MPI_Abort), which ends the ranks still waiting. */
    if (size > 1 && (rc == 0 || rc == NISAC_EINVAL)) MPI_Bcast(&rc, 1, MPI_INT, 0, MPI_COMM_WORLD);
#endif
    return rc;
}
