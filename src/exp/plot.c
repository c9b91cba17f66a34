/* `nisac plot`: the plots of a config, drawn by gnuplot from
 * OUT/results.csv.  For each plot FILE it writes FILE.dat (the plotted
 * numbers), FILE.gp (the gnuplot script), FILE.png and FILE.pdf; every
 * file is written under a temporary name and renamed when complete. */
#include "exp_internal.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

typedef struct {
    char key[256];   /* series title */
    double *x, *y;   /* the rows of the series (x NaN for cdf/pdf) */
    long n, cap;
} series_t;

static int cmp_dbl(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static int push(series_t *s, double x, double y)
{
    if (s->n == s->cap) {
        long cap = s->cap ? 2 * s->cap : 64;
        double *nx = realloc(s->x, sizeof *s->x * (size_t)cap);
        if (!nx) return -1;
        s->x = nx;
        double *ny = realloc(s->y, sizeof *s->y * (size_t)cap);
        if (!ny) return -1;
        s->y = ny;
        s->cap = cap;
    }
    s->x[s->n] = x;
    s->y[s->n++] = y;
    return 0;
}

/* A string for a single-quoted gnuplot literal. */
static void gq(FILE *f, const char *s)
{
    fputc('\'', f);
    for (; *s; s++) {
        if (*s == '\'') fputc('\'', f);
        fputc(*s, f);
    }
    fputc('\'', f);
}

static int run_gnuplot(const char *dir, const char *script, char *msg, size_t msglen)
{
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) return snprintf(msg, msglen, "fork: %s", strerror(errno)), NISAC_EIO;
    if (pid == 0) {
        if (chdir(dir)) _exit(126);
        execlp("gnuplot", "gnuplot", script, (char *)NULL);
        _exit(127);
    }
    int st;
    waitpid(pid, &st, 0);
    if (WIFEXITED(st) && WEXITSTATUS(st) == 127) {
        snprintf(msg, msglen, "gnuplot not found: install Debian's gnuplot-nox (scripts/setup.sh does)");
        return NISAC_EUNSUPPORTED;
    }
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
        snprintf(msg, msglen, "%s/%s: gnuplot failed (exit %d)", dir, script, WIFEXITED(st) ? WEXITSTATUS(st) : -1);
        return NISAC_EIO;
    }
    return 0;
}

static int one_plot(const nisac_experiment *e, const nisac_exp_plot *pl, const nisac__table *t, const char *dir,
                    char *msg, size_t msglen)
{
    int cy = nisac__table_col(t, pl->y), cx = pl->kind == NISAC_PLOT_LINE ? nisac__table_col(t, pl->x) : -1;
    if (cy < 0 || (pl->kind == NISAC_PLOT_LINE && cx < 0)) {
        snprintf(msg, msglen, "plot '%s': the results have no column '%s'", pl->file, cy < 0 ? pl->y : pl->x);
        return NISAC_EINVAL;
    }
    int cf[NISAC_EXP_MAX_FILTERS], cs[NISAC_EXP_MAX_SERIES_BY];
    for (int i = 0; i < pl->nfilters; i++) cf[i] = nisac__table_col(t, pl->filter_col[i]);
    for (int i = 0; i < pl->nseries_by; i++) cs[i] = nisac__table_col(t, pl->series_by[i]);
    int ns = 0, caps = 8, rc = 0;
    series_t *s = calloc((size_t)caps, sizeof *s);
    if (!s) {
        snprintf(msg, msglen, "plot '%s': out of memory", pl->file);
        return NISAC_ENOMEM;
    }
    for (long r = 0; r < t->nrows && !rc; r++) {
        char **row = t->cell + r * t->ncols;
        int keep = 1;
        for (int i = 0; i < pl->nfilters && keep; i++) keep = cf[i] >= 0 && !strcmp(row[cf[i]], pl->filter_val[i]);
        if (!keep || (!pl->all_status && !nisac__status_feasible(row[t->c_status]))) continue;
        char key[256] = "";
        for (int i = 0; i < pl->nseries_by; i++) {
            size_t l = strlen(key);
            if (cs[i] == t->c_algo) snprintf(key + l, sizeof key - l, "%s%s", i ? ", " : "", row[cs[i]]);
            else snprintf(key + l, sizeof key - l, "%s%s=%s", i ? ", " : "", pl->series_by[i], row[cs[i]]);
        }
        if (!key[0]) snprintf(key, sizeof key, "%s", pl->y);
        int k = 0;
        while (k < ns && strcmp(s[k].key, key)) k++;
        if (k == ns) {
            if (ns == caps) {
                series_t *n2 = realloc(s, sizeof *s * (size_t)(caps * 2));
                if (!n2) {
                    rc = NISAC_ENOMEM;
                    break;
                }
                s = n2;
                caps *= 2;
                memset(s + ns, 0, sizeof *s * (size_t)(caps - ns));
            }
            snprintf(s[ns++].key, sizeof s[0].key, "%s", key);
        }
        if (push(&s[k], cx >= 0 ? nisac__cell_num(row[cx]) : NAN, nisac__cell_num(row[cy]))) rc = NISAC_ENOMEM;
    }
    if (rc) {
        snprintf(msg, msglen, "plot '%s': out of memory", pl->file);
        goto out;
    }
    if (ns == 0) {
        snprintf(msg, msglen, "plot '%s': no record matches its 'where'", pl->file);
        rc = NISAC_EINVAL;
        goto out;
    }
    char *dat = NULL, *gp = NULL;
    size_t datl = 0, gpl = 0;
    FILE *fd = open_memstream(&dat, &datl), *fg = open_memstream(&gp, &gpl);
    fprintf(fd, "# %s: %s of %s (%s)\n", e->name, pl->kind == NISAC_PLOT_LINE ? "mean, 95%% CI" :
                pl->kind == NISAC_PLOT_CDF ? "empirical CDF" : "histogram density", pl->y,
            pl->kind == NISAC_PLOT_LINE ? pl->x : "all rows");
    double lo = INFINITY, hi = -INFINITY;
    if (pl->kind == NISAC_PLOT_PDF)
        for (int k = 0; k < ns; k++)
            for (long i = 0; i < s[k].n; i++)
                if (isfinite(s[k].y[i])) {
                    lo = fmin(lo, s[k].y[i]);
                    hi = fmax(hi, s[k].y[i]);
                }
    for (int k = 0; k < ns; k++) {
        fprintf(fd, "# series %d: %s\n", k, s[k].key);
        if (pl->kind == NISAC_PLOT_LINE) {
            /* distinct x values in increasing order, stats of y at each */
            double *xs = malloc(sizeof *xs * (size_t)s[k].n), *ys = malloc(sizeof *ys * (size_t)s[k].n);
            if (!xs || !ys) {
                free(xs);
                free(ys);
                rc = NISAC_ENOMEM;
                break;
            }
            memcpy(xs, s[k].x, sizeof *xs * (size_t)s[k].n);
            qsort(xs, (size_t)s[k].n, sizeof *xs, cmp_dbl);
            for (long i = 0; i < s[k].n; i++) {
                if (i && xs[i] == xs[i - 1]) continue;
                long m = 0;
                for (long j = 0; j < s[k].n; j++)
                    if (s[k].x[j] == xs[i]) ys[m++] = s[k].y[j];
                int cnt;
                double mean, sd, half;
                nisac_stats_ci95(ys, (int)m, &cnt, &mean, &sd, &half);
                if (!cnt) continue;
                if (!isfinite(half)) half = 0;
                fprintf(fd, "%.10g %.10g %.10g %.10g %d\n", xs[i], mean, mean - half, mean + half, cnt);
            }
            free(xs);
            free(ys);
        } else if (pl->kind == NISAC_PLOT_CDF) {
            double *ys = malloc(sizeof *ys * (size_t)s[k].n);
            if (!ys) {
                rc = NISAC_ENOMEM;
                break;
            }
            long m = 0;
            for (long i = 0; i < s[k].n; i++)
                if (isfinite(s[k].y[i])) ys[m++] = s[k].y[i];
            qsort(ys, (size_t)m, sizeof *ys, cmp_dbl);
            for (long i = 0; i < m; i++) fprintf(fd, "%.10g %.10g\n", ys[i], (double)(i + 1) / (double)m);
            free(ys);
        } else {
            int nb = pl->bins;
            double w = hi > lo ? (hi - lo) / nb : 1;
            long *cnt = calloc((size_t)nb, sizeof *cnt), m = 0;
            if (!cnt) {
                rc = NISAC_ENOMEM;
                break;
            }
            for (long i = 0; i < s[k].n; i++) {
                if (!isfinite(s[k].y[i])) continue;
                int b = (int)((s[k].y[i] - lo) / w);
                if (b >= nb) b = nb - 1;
                if (b < 0) b = 0;
                cnt[b]++;
                m++;
            }
            for (int b = 0; b < nb; b++)
                fprintf(fd, "%.10g %.10g\n", lo + (b + 0.5) * w, m ? (double)cnt[b] / ((double)m * w) : 0.0);
            free(cnt);
        }
        fprintf(fd, "\n\n");
    }
    fclose(fd);
    if (rc) {
        fclose(fg);
        free(dat);
        free(gp);
        snprintf(msg, msglen, "plot '%s': out of memory", pl->file);
        goto out;
    }
    /* the script: PNG, then PDF, each to a temporary name */
    fprintf(fg, "# %s: plot '%s' of %s; regenerate with 'nisac plot %s'\n", e->name, pl->file,
            e->path[0] ? e->path : "(config)", e->path[0] ? e->path : "CONFIG");
    fprintf(fg, "set terminal pngcairo size 900,620 enhanced font 'Sans,12'\nset output '%s.png.tmp'\n", pl->file);
    fprintf(fg, "set grid\nset key outside right top vertical box\nset style data linespoints\nset datafile missing 'nan'\n");
    if (pl->title[0]) fprintf(fg, "set title "), gq(fg, pl->title), fputc('\n', fg);
    const char *xl = pl->xlabel[0] ? pl->xlabel : pl->kind == NISAC_PLOT_LINE ? pl->x : pl->y;
    const char *yl = pl->ylabel[0] ? pl->ylabel : pl->kind == NISAC_PLOT_LINE ? pl->y :
                     pl->kind == NISAC_PLOT_CDF ? "CDF" : "PDF";
    fprintf(fg, "set xlabel "), gq(fg, xl), fputc('\n', fg);
    fprintf(fg, "set ylabel "), gq(fg, yl), fputc('\n', fg);
    if (pl->logy) fprintf(fg, "set logscale y\n");
    if (pl->kind == NISAC_PLOT_CDF) fprintf(fg, "set yrange [0:1.02]\n");
    if (isfinite(pl->vline))
        fprintf(fg, "set arrow from %.10g, graph 0 to %.10g, graph 1 nohead dashtype 2 lw 1.5 lc rgb 'black'\n",
                pl->vline, pl->vline);
    fprintf(fg, "plot ");
    for (int k = 0; k < ns; k++) {
        fprintf(fg, "%s'%s.dat' index %d ", k ? ", \\\n     " : "", pl->file, k);
        if (pl->kind == NISAC_PLOT_LINE)
            fprintf(fg, "using 1:2%s with %s lw 2 pt %d ps 1.3", pl->errorbars ? ":3:4" : "",
                    pl->errorbars ? "yerrorlines" : "linespoints", 4 + 2 * (k % 6));
        else if (pl->kind == NISAC_PLOT_CDF) fprintf(fg, "using 1:2 with steps lw 2");
        else fprintf(fg, "using 1:2 with histeps lw 2");
        fprintf(fg, " title "), gq(fg, s[k].key), fprintf(fg, " noenhanced");
    }
    fprintf(fg, "\nset terminal pdfcairo size 6in,4.2in enhanced font 'Sans,10'\nset output '%s.pdf.tmp'\nreplot\n"
                "set output\n",
            pl->file);
    fclose(fg);
    char p[1200], q[1200];
    snprintf(p, sizeof p, "%s/%s.dat", dir, pl->file);
    if (nisac__write_atomic(p, dat, datl)) rc = NISAC_EIO;
    snprintf(p, sizeof p, "%s/%s.gp", dir, pl->file);
    if (!rc && nisac__write_atomic(p, gp, gpl)) rc = NISAC_EIO;
    free(dat);
    free(gp);
    if (rc) {
        snprintf(msg, msglen, "%s: cannot write: %s", p, strerror(errno));
        goto out;
    }
    char script[100];
    snprintf(script, sizeof script, "%s.gp", pl->file);
    if ((rc = run_gnuplot(dir, script, msg, msglen))) goto out;
    for (int i = 0; i < 2 && !rc; i++) {
        snprintf(p, sizeof p, "%s/%s.%s.tmp", dir, pl->file, i ? "pdf" : "png");
        snprintf(q, sizeof q, "%s/%s.%s", dir, pl->file, i ? "pdf" : "png");
        if (rename(p, q)) {
            snprintf(msg, msglen, "%s: %s", p, strerror(errno));
            rc = NISAC_EIO;
        }
    }
out:
    for (int k = 0; k < ns; k++) {
        free(s[k].x);
        free(s[k].y);
    }
    free(s);
    return rc;
}

int nisac_plot(const nisac_experiment *e, const char *out_dir, int flags, char *msg, size_t msglen)
{
    msg[0] = 0;
    if (e->nplots == 0) {
        snprintf(msg, msglen, "%s: the config has no 'plots'", e->path[0] ? e->path : e->name);
        return NISAC_EINVAL;
    }
    char path[1100];
    snprintf(path, sizeof path, "%s/results.csv", out_dir);
    nisac__table t;
    int rc = nisac__table_read(path, &t, flags & NISAC_READ_LENIENT, msg, msglen);
    if (rc) return rc;
    char want[64];
    snprintf(want, sizeof want, "# config_hash: %016llx\n", (unsigned long long)e->hash);
    if (!strstr(t.header, want)) {
        snprintf(msg, msglen, "%s was not made by this config (config hash differs); rerun 'nisac run'", path);
        nisac__table_free(&t);
        return NISAC_EINVAL;
    }
    for (int i = 0; i < e->nplots && !rc; i++) rc = one_plot(e, &e->plots[i], &t, out_dir, msg, msglen);
    nisac__table_free(&t);
    return rc;
}
