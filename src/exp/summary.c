/* `nisac summarize`: per sweep point and algorithm, mean, standard
 * deviation and 95% Student-t confidence interval of every metric,
 * feasibility rate and status counts, as CSV and Markdown. */
#include "exp_internal.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void nisac__table_free(nisac__table *t)
{
    free(t->text);
    free(t->header);
    free(t->cols);
    free(t->cell);
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

int nisac__table_read(const char *path, nisac__table *t, char *msg, size_t msglen)
{
    memset(t, 0, sizeof *t);
    size_t len;
    t->text = nisac__slurp(path, NISAC_MAX_RESULTS_BYTES, &len);
    if (!t->text) {
        snprintf(msg, msglen, "%s: cannot read: %s", path, strerror(errno));
        return NISAC_EIO;
    }
    t->header = calloc(len + 1, 1);
    if (!t->header) goto oom;
    char *p = t->text;
    int line = 0;
    /* comment lines */
    while (*p == '#') {
        line++;
        char *nl = strchr(p, '\n');
        if (!nl) break;
        strncat(t->header, p, (size_t)(nl - p + 1));
        p = nl + 1;
    }
    char *nl = strchr(p, '\n');
    line++;
    if (!nl || strncmp(p, "point,", 6)) {
        snprintf(msg, msglen, "%s:%d: expected the column line 'point,...' of a nisac results file", path, line);
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
        snprintf(msg, msglen, "%s:%d: columns algo, trial, draw, status missing or out of order", path, line);
        nisac__table_free(t);
        return NISAC_EPARSE;
    }
    p = nl + 1;
    long cap = 0;
    for (char *q = p; *q; q++) cap += *q == '\n';
    t->cell = calloc((size_t)(cap ? cap : 1) * (size_t)t->ncols, sizeof *t->cell);
    if (!t->cell) goto oom;
    while (*p) {
        line++;
        nl = strchr(p, '\n');
        if (*p == '#' && nl) { /* a comment between rows ("# error: ...") */
            p = nl + 1;
            continue;
        }
        if (!nl) {
            snprintf(msg, msglen, "%s:%d: incomplete last line (an interrupted run? use 'nisac run --resume')", path, line);
            nisac__table_free(t);
            return NISAC_EPARSE;
        }
        *nl = 0;
        int n = split(p, t->cell + t->nrows * t->ncols, t->ncols);
        if (n != t->ncols) {
            snprintf(msg, msglen, "%s:%d: %d fields, the column line has %d", path, line, n, t->ncols);
            nisac__table_free(t);
            return NISAC_EPARSE;
        }
        t->nrows++;
        p = nl + 1;
    }
    return 0;
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

/* Every solve status, by the names the records use. */
#define NSTATUS ((int)NISAC_STATUS_ERROR + 1)

int nisac_summarize(const char *results, const char *out_dir, char *msg, size_t msglen)
{
    nisac__table t;
    int rc = nisac__table_read(results, &t, msg, msglen);
    if (rc) return rc;
    /* groups keyed by (point, algo label), in order of first appearance */
    int nl = 0, capl = 8;
    char **labels = malloc(sizeof *labels * (size_t)capl);
    long maxpt = 0;
    group_t *g = NULL;
    long ng = 0;
    char *csv = NULL, *md = NULL;
    double *x = NULL;
    if (!labels) goto oom;
    for (long r = 0; r < t.nrows; r++) {
        long pt = atol(t.cell[r * t.ncols]);
        if (pt > maxpt) maxpt = pt;
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
    ng = (maxpt + 1) * nl;
    g = calloc((size_t)(ng ? ng : 1), sizeof *g);
    if (!g) goto oom;
    for (long r = 0; r < t.nrows; r++) {
        long pt = atol(t.cell[r * t.ncols]);
        int li = 0;
        while (strcmp(labels[li], t.cell[r * t.ncols + t.c_algo])) li++;
        group_t *gr = &g[pt * nl + li];
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
    char dir[1024], pc[1100], pm[1100];
    if (out_dir) snprintf(dir, sizeof dir, "%s", out_dir);
    else {
        snprintf(dir, sizeof dir, "%s", results);
        char *sl = strrchr(dir, '/');
        if (sl) *sl = 0;
        else snprintf(dir, sizeof dir, ".");
    }
    snprintf(pc, sizeof pc, "%s/summary.csv", dir);
    snprintf(pm, sizeof pm, "%s/summary.md", dir);
    rc = 0;
    if (nisac__mkdirs(dir) || nisac__write_atomic(pc, csv, csvl) || nisac__write_atomic(pm, md, mdl)) {
        snprintf(msg, msglen, "%s: cannot write the summary: %s", dir, strerror(errno));
        rc = NISAC_EIO;
    }
    goto out;
oom:
    snprintf(msg, msglen, "%s: out of memory", results);
    rc = NISAC_ENOMEM;
out:
    free(x);
    free(csv);
    free(md);
    for (long gi = 0; g && gi < ng; gi++) free(g[gi].rows);
    free(g);
    free(labels);
    nisac__table_free(&t);
    return rc;
}
