/* `nisac summarize`: per sweep point and algorithm, mean, standard
 * deviation and 95% Student-t confidence interval of every metric,
 * feasibility rate and status counts, as CSV and Markdown. */
#include "exp_internal.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void nisac__table_free(nisac__table *t)
{
    free(t->text);
    free(t->header);
    free(t->cols);
    free(t->cell);
    free(t->line);
    memset(t, 0, sizeof *t);
}

int nisac__table_col(const nisac__table *t, const char *name)
{
    for (int i = 0; i < t->ncols; i++)
        if (!strcmp(t->cols[i], name)) return i;
    return -1;
}

double nisac__cell_num(const char *s)
{
    if (!strcmp(s, "nan")) return NAN;
    if (!strcmp(s, "inf")) return INFINITY;
    if (!strcmp(s, "-inf")) return -INFINITY;
    char *end;
    double d = strtod(s, &end);
    return (end == s || *end) ? NAN : d;
}

int nisac__status_feasible(const char *s) { return !strcmp(s, "optimal") || !strcmp(s, "feasible"); }

static int split(char *line, char **out, int max)
{
    int n = 0;
    for (char *p = line;; p++) {
        if (n < max) out[n] = p;
        n++;
        p = strchr(p, ',');
        if (!p) break;
        *p = 0;
    }
    return n;
}

/* What the header says the file holds ("# points: P trials: T
 * algorithms: A draws: D"); -1 when it says nothing. */
static void header_counts(const char *header, long *points, long *trials, long *algos, long *draws)
{
    *points = *trials = *algos = *draws = -1;
    const char *h = strstr(header, "# points: ");
    if (h) sscanf(h, "# points: %ld trials: %ld algorithms: %ld draws: %ld", points, trials, algos, draws);
}

static int cell_is_index(const char *s, long below)
{
    char *end;
    long v = strtol(s, &end, 10);
    return end != s && *end == 0 && v >= 0 && (below < 0 || v < below);
}

/* Why row r (already split) is damaged, or NULL. */
static const char *row_problem(const nisac__table *t, char **row, long np, long nt, long nd, char *why, size_t len)
{
    if (!cell_is_index(row[t->c_point], np)) return snprintf(why, len, "point '%s' is not one of the %ld points", row[t->c_point], np), why;
    if (!cell_is_index(row[t->c_trial], nt)) return snprintf(why, len, "trial '%s' is not one of the %ld trials", row[t->c_trial], nt), why;
    if (!cell_is_index(row[t->c_draw], nd)) return snprintf(why, len, "draw '%s' is not one of the %ld draws", row[t->c_draw], nd), why;
    if (!nisac__is_status(row[t->c_status], strlen(row[t->c_status])))
        return snprintf(why, len, "status '%s' is not a solve status", row[t->c_status]), why;
    for (int c = t->c_first_metric; c < t->ncols; c++)
        if (!nisac__is_number(row[c], strlen(row[c])))
            return snprintf(why, len, "column '%s': '%.40s' is not a number", t->cols[c], row[c]), why;
    return NULL;
}

typedef struct {
    uint64_t h;
    long row;
} keyed;

static int cmp_keyed(const void *a, const void *b)
{
    const keyed *x = a, *y = b;
    return x->h < y->h ? -1 : x->h > y->h ? 1 : (x->row > y->row) - (x->row < y->row);
}

static uint64_t record_key(const nisac__table *t, long r)
{
    uint64_t h = NISAC_FNV_OFFSET;
    const int cols[4] = {t->c_point, t->c_algo, t->c_trial, t->c_draw};
    for (int i = 0; i < 4; i++) {
        const char *s = t->cell[r * t->ncols + cols[i]];
        h = nisac__fnv1a(s, strlen(s) + 1, h); /* the NUL separates the fields */
    }
    return h;
}

static int same_key(const nisac__table *t, long a, long b)
{
    const int cols[4] = {t->c_point, t->c_algo, t->c_trial, t->c_draw};
    for (int i = 0; i < 4; i++)
        if (strcmp(t->cell[a * t->ncols + cols[i]], t->cell[b * t->ncols + cols[i]])) return 0;
    return 1;
}

/* Duplicate records (same point, algo, trial, draw) and more algorithm
 * labels than the header announces.  Strict: an error naming the line;
 * lenient: the later copies are dropped and counted. */
static int check_records(nisac__table *t, const char *path, long nalgos, int lenient, char *msg, size_t msglen)
{
    if (t->nrows == 0) return 0;
    keyed *k = malloc(sizeof *k * (size_t)t->nrows);
    char *drop = calloc((size_t)t->nrows, 1);
    if (!k || !drop) {
        free(k);
        free(drop);
        snprintf(msg, msglen, "%s: out of memory", path);
        return NISAC_ENOMEM;
    }
    for (long r = 0; r < t->nrows; r++) k[r] = (keyed){record_key(t, r), r};
    qsort(k, (size_t)t->nrows, sizeof *k, cmp_keyed);
    int rc = 0;
    for (long i = 1; i < t->nrows && !rc; i++)
        for (long j = i - 1; j >= 0 && k[j].h == k[i].h; j--)
            if (same_key(t, k[j].row, k[i].row)) {
                if (!lenient) {
                    snprintf(msg, msglen, "%s:%ld: duplicate record (point %s, algo %s, trial %s, draw %s) of line %ld; "
                                          "--lenient drops the copies",
                             path, t->line[k[i].row], t->cell[k[i].row * t->ncols + t->c_point],
                             t->cell[k[i].row * t->ncols + t->c_algo], t->cell[k[i].row * t->ncols + t->c_trial],
                             t->cell[k[i].row * t->ncols + t->c_draw], t->line[k[j].row]);
                    rc = NISAC_EPARSE;
                }
                drop[k[i].row] = 1;
                break;
            }
    /* algorithm labels, in order of appearance */
    if (!rc && nalgos > 0) {
        const char **labels = calloc((size_t)nalgos, sizeof *labels);
        int nl = 0;
        for (long r = 0; r < t->nrows && labels && !rc; r++) {
            if (drop[r]) continue;
            const char *a = t->cell[r * t->ncols + t->c_algo];
            int f = 0;
            while (f < nl && strcmp(labels[f], a)) f++;
            if (f < nl) continue;
            if (nl < nalgos) labels[nl++] = a;
            else if (!lenient) {
                snprintf(msg, msglen, "%s:%ld: algorithm '%s' is one more than the %ld the header announces; "
                                      "--lenient drops such rows",
                         path, t->line[r], a, nalgos);
                rc = NISAC_EPARSE;
            } else
                drop[r] = 1;
        }
        free(labels);
    }
    if (!rc) { /* compact */
        long w = 0;
        for (long r = 0; r < t->nrows; r++) {
            if (drop[r]) {
                t->skipped++;
                continue;
            }
            if (w != r) {
                memmove(t->cell + w * t->ncols, t->cell + r * t->ncols, sizeof *t->cell * (size_t)t->ncols);
                t->line[w] = t->line[r];
            }
            w++;
        }
        t->nrows = w;
    }
    free(k);
    free(drop);
    return rc;
}

int nisac__table_read(const char *path, nisac__table *t, int lenient, char *msg, size_t msglen)
{
    memset(t, 0, sizeof *t);
    size_t len;
    t->text = nisac__slurp(path, NISAC_MAX_RESULTS_BYTES, &len);
    if (!t->text) {
        snprintf(msg, msglen, "%s: cannot read: %s", path, strerror(errno));
        return NISAC_EIO;
    }
    const char *end = t->text + len;
    t->header = calloc(len + 1, 1);
    if (!t->header) goto oom;
    char *p = t->text;
    long line = 0;
    /* comment lines */
    while (p < end && *p == '#') {
        line++;
        char *nl = memchr(p, '\n', (size_t)(end - p));
        if (!nl) break;
        if (memchr(p, 0, (size_t)(nl - p))) {
            snprintf(msg, msglen, "%s:%ld: NUL byte in the header: not a nisac results file, or damaged", path, line);
            nisac__table_free(t);
            return NISAC_EPARSE;
        }
        strncat(t->header, p, (size_t)(nl - p + 1));
        p = nl + 1;
    }
    char *nl = p < end ? memchr(p, '\n', (size_t)(end - p)) : NULL;
    line++;
    if (!nl || strncmp(p, "point,", 6) || memchr(p, 0, (size_t)(nl - p))) {
        snprintf(msg, msglen, "%s:%ld: expected the column line 'point,...' of a nisac results file", path, line);
        nisac__table_free(t);
        return NISAC_EPARSE;
    }
    *nl = 0;
    int nc = 1;
    for (char *q = p; *q; q++) nc += *q == ',';
    t->cols = calloc((size_t)nc, sizeof *t->cols);
    if (!t->cols) goto oom;
    t->ncols = split(p, t->cols, nc);
    t->c_point = 0;
    t->c_algo = nisac__table_col(t, "algo");
    t->c_trial = nisac__table_col(t, "trial");
    t->c_draw = nisac__table_col(t, "draw");
    t->c_status = nisac__table_col(t, "status");
    t->c_first_metric = t->c_status + 1;
    if (t->c_algo < 1 || t->c_trial != t->c_algo + 1 || t->c_draw != t->c_trial + 1 || t->c_status != t->c_draw + 1) {
        snprintf(msg, msglen, "%s:%ld: columns algo, trial, draw, status missing or out of order", path, line);
        nisac__table_free(t);
        return NISAC_EPARSE;
    }
    long np, nt, na, nd;
    header_counts(t->header, &np, &nt, &na, &nd);
    p = nl + 1;
    long cap = 1;
    for (char *q = p; q < end; q++) cap += *q == '\n';
    t->cell = calloc((size_t)cap * (size_t)t->ncols, sizeof *t->cell);
    t->line = calloc((size_t)cap, sizeof *t->line);
    if (!t->cell || !t->line) goto oom;
    char why[160];
    while (p < end) {
        line++;
        nl = memchr(p, '\n', (size_t)(end - p));
        const char *problem = NULL;
        if (!nl) problem = "incomplete last line (an interrupted run? use 'nisac run --resume')";
        else if (memchr(p, 0, (size_t)(nl - p))) problem = "NUL bytes (a damaged file)";
        if (!problem && *p == '#') { /* a comment between rows ("# error: ...") */
            p = nl + 1;
            continue;
        }
        if (!problem) {
            *nl = 0;
            int n = split(p, t->cell + t->nrows * t->ncols, t->ncols);
            if (n != t->ncols) {
                snprintf(why, sizeof why, "%d fields, the column line has %d", n, t->ncols);
                problem = why;
            } else
                problem = row_problem(t, t->cell + t->nrows * t->ncols, np, nt, nd, why, sizeof why);
        }
        if (problem && !lenient) {
            snprintf(msg, msglen, "%s:%ld: %s%s", path, line, problem,
                     strstr(problem, "interrupted") ? "" : "; --lenient skips and counts such rows");
            nisac__table_free(t);
            return NISAC_EPARSE;
        }
        if (problem) t->skipped++;
        else t->line[t->nrows++] = line;
        if (!nl) break;
        p = nl + 1;
    }
    int rc = check_records(t, path, na, lenient, msg, msglen);
    if (rc) nisac__table_free(t);
    return rc;
oom:
    snprintf(msg, msglen, "%s: out of memory", path);
    nisac__table_free(t);
    return NISAC_ENOMEM;
}

typedef struct {
    long first;   /* first row: supplies the point's parameter values */
    long *rows;
    long n, cap;
} group_t;

static int cmp_long(const void *a, const void *b)
{
    long x = *(const long *)a, y = *(const long *)b;
    return (x > y) - (x < y);
}

/* Every solve status, by the names the records use. */
#define NSTATUS ((int)NISAC_STATUS_ERROR + 1)

int nisac__write_outputs(const char *results, const char *out_dir, const char *stem, const char *csv, size_t csvl,
                         const char *md, size_t mdl, char *msg, size_t msglen)
{
    char dir[1024], pc[1100], pm[1100];
    if (out_dir) snprintf(dir, sizeof dir, "%s", out_dir);
    else {
        snprintf(dir, sizeof dir, "%s", results);
        char *sl = strrchr(dir, '/');
        if (sl) *sl = 0;
        else snprintf(dir, sizeof dir, ".");
    }
    snprintf(pc, sizeof pc, "%s/%s.csv", dir, stem);
    snprintf(pm, sizeof pm, "%s/%s.md", dir, stem);
    if (nisac__mkdirs(dir) || nisac__write_atomic(pc, csv, csvl) || nisac__write_atomic(pm, md, mdl)) {
        snprintf(msg, msglen, "%s: cannot write the %s: %s", dir, stem, strerror(errno));
        return NISAC_EIO;
    }
    return NISAC_OK;
}

int nisac_summarize(const char *results, const char *out_dir, int flags, char *msg, size_t msglen)
{
    nisac__table t;
    int rc = nisac__table_read(results, &t, flags & NISAC_READ_LENIENT, msg, msglen);
    if (rc) return rc;
    /* groups keyed by (point, algo label), in order of first appearance */
    int nl = 0, capl = 8;
    char **labels = malloc(sizeof *labels * (size_t)capl);
    /* the distinct points, sorted: a group per (point, label) that occurs,
     * however large the point numbers */
    long *pts = malloc(sizeof *pts * (size_t)(t.nrows ? t.nrows : 1)), npts = 0;
    group_t *g = NULL;
    long ng = 0;
    char *csv = NULL, *md = NULL;
    double *x = NULL;
    if (!labels || !pts) goto oom;
    for (long r = 0; r < t.nrows; r++) pts[r] = atol(t.cell[r * t.ncols]);
    qsort(pts, (size_t)t.nrows, sizeof *pts, cmp_long);
    for (long r = 0; r < t.nrows; r++)
        if (!npts || pts[npts - 1] != pts[r]) pts[npts++] = pts[r];
    for (long r = 0; r < t.nrows; r++) {
        const char *a = t.cell[r * t.ncols + t.c_algo];
        int found = 0;
        for (int i = 0; i < nl && !found; i++) found = !strcmp(labels[i], a);
        if (!found) {
            if (nl == capl) {
                char **nlab = realloc(labels, sizeof *labels * (size_t)(capl *= 2));
                if (!nlab) goto oom;
                labels = nlab;
            }
            labels[nl++] = (char *)a;
        }
    }
    ng = npts * nl;
    g = calloc((size_t)(ng ? ng : 1), sizeof *g);
    if (!g) goto oom;
    for (long r = 0; r < t.nrows; r++) {
        long pt = atol(t.cell[r * t.ncols]);
        const long *at = bsearch(&pt, pts, (size_t)npts, sizeof *pts, cmp_long);
        int li = 0;
        while (strcmp(labels[li], t.cell[r * t.ncols + t.c_algo])) li++;
        group_t *gr = &g[(at - pts) * nl + li];
        if (gr->n == gr->cap) {
            long *nr = realloc(gr->rows, sizeof *gr->rows * (size_t)(gr->cap ? 2 * gr->cap : 16));
            if (!nr) goto oom;
            gr->rows = nr;
            gr->cap = gr->cap ? 2 * gr->cap : 16;
        }
        if (!gr->n) gr->first = r;
        gr->rows[gr->n++] = r;
    }
    size_t csvl = 0, mdl = 0;
    FILE *fc = open_memstream(&csv, &csvl), *fm = open_memstream(&md, &mdl);
    x = malloc(sizeof *x * (size_t)(t.nrows ? t.nrows : 1));
    if (!fc || !fm || !x) {
        if (fc) fclose(fc);
        if (fm) fclose(fm);
        goto oom;
    }
    fprintf(fc, "%s# summary of %s: per point and algorithm, mean, sd and 95%% Student-t CI half-width\n",
            t.header, results);
    if (t.skipped) fprintf(fc, "# skipped: %ld damaged or duplicate rows (lenient reading)\n", t.skipped);
    for (int c = 0; c < t.c_algo; c++) fprintf(fc, "%s,", t.cols[c]);
    fprintf(fc, "algo,n,feasible_rate,statuses");
    for (int c = t.c_first_metric; c < t.ncols; c++)
        fprintf(fc, ",%s_mean,%s_sd,%s_ci95,%s_n", t.cols[c], t.cols[c], t.cols[c], t.cols[c]);
    fputc('\n', fc);
    fprintf(fm, "Summary of `%s`: mean ± half-width of the 95%% Student-t confidence interval (n valid values "
                "when fewer than the rows).\n\n|",
            results);
    for (int c = 1; c < t.c_algo; c++) fprintf(fm, " %s |", t.cols[c]);
    fprintf(fm, " algo | n | feasible |");
    for (int c = t.c_first_metric; c < t.ncols; c++) fprintf(fm, " %s |", t.cols[c]);
    fprintf(fm, "\n|");
    for (int c = 0; c < (t.c_algo - 1) + 3 + (t.ncols - t.c_first_metric); c++) fprintf(fm, "---|");
    fputc('\n', fm);
    for (long gi = 0; gi < ng; gi++) {
        group_t *gr = &g[gi];
        if (!gr->n) continue;
        char **first = t.cell + gr->first * t.ncols;
        long feas = 0, counts[NSTATUS] = {0}, other = 0;
        for (long i = 0; i < gr->n; i++) {
            const char *s = t.cell[gr->rows[i] * t.ncols + t.c_status];
            feas += nisac__status_feasible(s);
            int k = 0;
            while (k < NSTATUS && strcmp(nisac_status_name((nisac_solve_status)k), s)) k++;
            if (k < NSTATUS) counts[k]++;
            else other++;
        }
        for (int c = 0; c < t.c_algo; c++) fprintf(fc, "%s,", first[c]);
        fprintf(fc, "%s,%ld,%.6g,", first[t.c_algo], gr->n, (double)feas / (double)gr->n);
        int sep = 0;
        for (int k = 0; k < NSTATUS; k++)
            if (counts[k]) fprintf(fc, "%s%s=%ld", sep++ ? ";" : "", nisac_status_name((nisac_solve_status)k), counts[k]);
        if (other) fprintf(fc, "%sother=%ld", sep ? ";" : "", other);
        fprintf(fm, "|");
        for (int c = 1; c < t.c_algo; c++) fprintf(fm, " %s |", first[c]);
        fprintf(fm, " %s | %ld | %.0f%% |", first[t.c_algo], gr->n, 100.0 * (double)feas / (double)gr->n);
        for (int c = t.c_first_metric; c < t.ncols; c++) {
            for (long i = 0; i < gr->n; i++) x[i] = nisac__cell_num(t.cell[gr->rows[i] * t.ncols + c]);
            int cnt;
            double mean, sd, half;
            nisac_stats_ci95(x, (int)gr->n, &cnt, &mean, &sd, &half);
            fprintf(fc, ",%.10g,%.10g,%.10g,%d", mean, sd, half, cnt);
            if (cnt == 0) fprintf(fm, " – |");
            else if (cnt == 1) fprintf(fm, " %.4g |", mean);
            else if (cnt < gr->n) fprintf(fm, " %.4g ± %.2g (n=%d) |", mean, half, cnt);
            else fprintf(fm, " %.4g ± %.2g |", mean, half);
        }
        fputc('\n', fc);
        fputc('\n', fm);
    }
    fclose(fc);
    fclose(fm);
    rc = nisac__write_outputs(results, out_dir, "summary", csv, csvl, md, mdl, msg, msglen);
    goto out;
oom:
    snprintf(msg, msglen, "%s: out of memory", results);
    rc = NISAC_ENOMEM;
out:
    free(x);
    free(csv);
    free(md);
    for (long gi = 0; g && gi < ng; gi++) free(g[gi].rows);
    free(pts);
    free(g);
    free(labels);
    nisac__table_free(&t);
    return rc;
}
