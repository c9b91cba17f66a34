/* nisac_stats_report: the statistical comparison of the algorithms of a results
 * file (docs/statistics.md, "nisac report").  Per sweep point and metric:
 * each algorithm's mean and t interval, a one-way ANOVA, and every pair of
 * algorithms by the paired t-test over the records they share (same
 * trial and draw: the same channel), its Holm and Bonferroni corrections
 * over the point's pairs, Tukey's HSD from the ANOVA, Cohen's d_z, and the
 * paired trials that would detect that effect with power 0.8 at 5%. */
#include "nisac/experiment.h"
#include "nisac/stats.h"
#include "exp_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    long point;
    int algo;
    long trial, draw;
    long row;
} rec;

static int cmp_rec(const void *a, const void *b)
{
    const rec *x = a, *y = b;
    if (x->point != y->point) return (x->point > y->point) - (x->point < y->point);
    if (x->algo != y->algo) return x->algo - y->algo;
    if (x->trial != y->trial) return (x->trial > y->trial) - (x->trial < y->trial);
    return (x->draw > y->draw) - (x->draw < y->draw);
}

/* The value of metric column c in row r when the record has a design, else NaN. */
static double value(const nisac__table *t, long r, int c)
{
    if (!nisac__status_feasible(t->cell[r * t->ncols + t->c_status])) return NAN;
    return nisac__cell_num(t->cell[r * t->ncols + c]);
}

int nisac_stats_report(const char *results, const char *out_dir, const char *const *metrics, int nmetrics, double level,
                 int flags, char *msg, size_t msglen)
{
    if (!(level > 0 && level < 1)) {
        snprintf(msg, msglen, "option --level: expected a number in (0, 1), got %g", level);
        return NISAC_EINVAL;
    }
    nisac__table t;
    int rc = nisac__table_read(results, &t, flags & NISAC_READ_LENIENT, msg, msglen);
    if (rc) return rc;
    int *mc = NULL, nm = 0, nl = 0;
    char **labels = NULL;
    rec *rs = NULL;
    double *xa = NULL, *xb = NULL, *pr = NULL, *ph = NULL, *pb = NULL;
    char *csv = NULL, *md = NULL;
    size_t csvl = 0, mdl = 0;
    FILE *fc = NULL, *fm = NULL;
    /* the metric columns */
    mc = malloc(sizeof(int) * (size_t)(t.ncols + 1));
    if (!mc) goto oom;
    if (nmetrics > 0) {
        for (int i = 0; i < nmetrics; i++) {
            const int c = nisac__table_col(&t, metrics[i]);
            if (c < t.c_first_metric) {
                snprintf(msg, msglen, "%s: no metric column '%s' (columns from '%s' on)", results, metrics[i],
                         t.cols[t.c_first_metric < t.ncols ? t.c_first_metric : t.ncols - 1]);
                rc = NISAC_EINVAL;
                goto out;
            }
            mc[nm++] = c;
        }
    } else
        for (int c = t.c_first_metric; c < t.ncols; c++) mc[nm++] = c;
    /* algorithm labels in order of appearance; records sorted by (point, algo, trial, draw) */
    labels = malloc(sizeof(char *) * (size_t)(t.nrows + 1));
    rs = malloc(sizeof(rec) * (size_t)(t.nrows + 1));
    if (!labels || !rs) goto oom;
    for (long r = 0; r < t.nrows; r++) {
        const char *a = t.cell[r * t.ncols + t.c_algo];
        int li = 0;
        while (li < nl && strcmp(labels[li], a)) li++;
        if (li == nl) labels[nl++] = (char *)a;
        rs[r] = (rec){atol(t.cell[r * t.ncols + t.c_point]), li, atol(t.cell[r * t.ncols + t.c_trial]),
                      atol(t.cell[r * t.ncols + t.c_draw]), r};
    }
    qsort(rs, (size_t)t.nrows, sizeof(rec), cmp_rec);
    const int npair = nl * (nl - 1) / 2;
    xa = malloc(sizeof(double) * (size_t)(t.nrows + 1) * 2);
    pr = malloc(sizeof(double) * (size_t)(npair + 1) * 3);
    if (!xa || !pr) goto oom;
    xb = xa + t.nrows + 1;
    ph = pr + npair + 1, pb = ph + npair + 1;
    fc = open_memstream(&csv, &csvl);
    fm = open_memstream(&md, &mdl);
    if (!fc || !fm) goto oom;
    const int pct = (int)lround(level * 100);
    fprintf(fc, "%s# report of %s: per point and metric, each algorithm, the ANOVA, and each pair by the paired "
                "t-test over shared records (%g%% intervals)\n",
            t.header, results, level * 100);
    for (int c = 1; c < t.c_algo; c++) fprintf(fc, "%s,", t.cols[c]);
    fprintf(fc, "metric,kind,a,b,n,value,lo,hi,stat,df,p,p_holm,p_bonferroni,p_tukey,cohen_d,n_power80\n");
    fprintf(fm, "Statistical report of `%s` (`nisac report`). Per sweep point and metric: each "
                "algorithm's mean with its %d%% Student-t interval; a one-way ANOVA over the algorithms; "
                "each pair compared by the paired t-test over the records both have (same trial and draw: "
                "the same channel), with Holm's and Bonferroni's corrections over the point's pairs, "
                "Tukey's HSD (from the ANOVA's within mean square) and Cohen's d_z = mean(a - b) / sd(a - b). "
                "Records without a design are left out. p-values below 1e-16 print as < 1e-16.\n",
            results, pct);
    if (t.skipped) fprintf(fm, "\nSkipped: %ld damaged or duplicate rows (lenient reading).\n", t.skipped);
    char p1[32], p2[32], p3[32], p4[32];
    for (long i = 0; i < t.nrows;) {
        /* the records of one point: [i, j) */
        long j = i;
        while (j < t.nrows && rs[j].point == rs[i].point) j++;
        char **first = t.cell + rs[i].row * t.ncols;
        for (int m = 0; m < nm; m++) {
            const int c = mc[m];
            fprintf(fm, "\n### %s at", t.cols[c]);
            for (int q = 1; q < t.c_algo; q++) fprintf(fm, "%s %s = %s", q > 1 ? "," : "", t.cols[q], first[q]);
            if (t.c_algo == 1) fprintf(fm, " the single point");
            fprintf(fm, "\n\n| algorithm | n | mean | %d%% interval |\n|---|---|---|---|\n", pct);
            /* per algorithm: the values, for the summaries and the ANOVA */
            const double **gv = malloc(sizeof(double *) * (size_t)(nl + 1));
            int *gn = calloc((size_t)(nl + 1), sizeof(int));
            double *gm = malloc(sizeof(double) * (size_t)(nl + 1));
            double *all = malloc(sizeof(double) * (size_t)(j - i + 1));
            if (!gv || !gn || !gm || !all) {
                free(gv), free(gn), free(gm), free(all);
                goto oom;
            }
            long at = 0;
            for (int a = 0; a < nl; a++) {
                gv[a] = all + at;
                for (long r = i; r < j; r++)
                    if (rs[r].algo == a) all[at++] = value(&t, rs[r].row, c);
                gn[a] = (int)(all + at - gv[a]);
                nisac_summary s;
                nisac_stats_summary(gv[a], gn[a], level, &s);
                gm[a] = s.mean;
                fprintf(fm, "| %s | %d | %.6g | [%.6g, %.6g] |\n", labels[a], s.n, s.mean, s.lo, s.hi);
                for (int q = 1; q < t.c_algo; q++) fprintf(fc, "%s,", first[q]);
                fprintf(fc, "%s,algo,\"%s\",,%d,%.10g,%.10g,%.10g,,,,,,,,\n", t.cols[c], labels[a], s.n, s.mean, s.lo,
                        s.hi);
            }
            nisac_anova an;
            nisac_anova1(nl, (const double *const *)gv, gn, &an); /* non-finite values are skipped */
            fprintf(fm, "\nANOVA: F(%g, %g) = %.6g, p = %s.\n", an.df_between, an.df_within, an.F,
                    nisac_p_text(an.p, p1, sizeof p1));
            for (int q = 1; q < t.c_algo; q++) fprintf(fc, "%s,", first[q]);
            fprintf(fc, "%s,anova,,,%d,,,,%.10g,%g,%.6g,,,,,\n", t.cols[c], an.N, an.F, an.df_within, an.p);
            /* the pairs */
            nisac_ttest *tt = malloc(sizeof(nisac_ttest) * (size_t)(npair + 1));
            double *pt = malloc(sizeof(double) * (size_t)(npair + 1));
            if (!tt || !pt) {
                free(gv), free(gn), free(gm), free(all), free(tt), free(pt);
                goto oom;
            }
            int k = 0;
            for (int a = 0; a < nl; a++)
                for (int b = a + 1; b < nl; b++, k++) {
                    /* records of a and b with the same (trial, draw): both runs are sorted */
                    long ra = i, rb = i, n = 0;
                    while (ra < j && rs[ra].algo != a) ra++;
                    while (rb < j && rs[rb].algo != b) rb++;
                    while (ra < j && rb < j && rs[ra].algo == a && rs[rb].algo == b) {
                        if (rs[ra].trial == rs[rb].trial && rs[ra].draw == rs[rb].draw) {
                            xa[n] = value(&t, rs[ra].row, c);
                            xb[n++] = value(&t, rs[rb].row, c);
                            ra++, rb++;
                        } else if (rs[ra].trial < rs[rb].trial ||
                                   (rs[ra].trial == rs[rb].trial && rs[ra].draw < rs[rb].draw))
                            ra++;
                        else rb++;
                    }
                    nisac_ttest_paired(xa, xb, (int)n, level, &tt[k]);
                    pr[k] = tt[k].p;
                    pt[k] = nisac_tukey_p(gm[a], gm[b], gn[a], gn[b], an.ms_within, an.df_within, an.k);
                }
            nisac_p_holm(npair, pr, ph);
            nisac_p_bonferroni(npair, pr, pb);
            if (npair > 0)
                fprintf(fm, "\n| pair (a - b) | n | mean difference | %d%% interval | t | p | p Holm | p Bonferroni | p Tukey "
                            "| Cohen's d_z | n for 80%% power |\n|---|---|---|---|---|---|---|---|---|---|---|\n",
                        pct);
            k = 0;
            for (int a = 0; a < nl; a++)
                for (int b = a + 1; b < nl; b++, k++) {
                    /* paired trials that detect the observed effect d_z with power 0.8 at the 5% level */
                    const int n80 = isfinite(tt[k].d) && tt[k].d != 0 ? nisac_sample_size(tt[k].d, 0.05, 0.8, 1000000) : -1;
                    char nb[24];
                    if (n80 < 0) snprintf(nb, sizeof nb, "n/a");
                    else if (n80 > 1000000) snprintf(nb, sizeof nb, "> 1e6");
                    else snprintf(nb, sizeof nb, "%d", n80);
                    fprintf(fm, "| %s - %s | %d | %.6g | [%.6g, %.6g] | %.4g | %s | %s | %s | %s | %.3g | %s |\n", labels[a],
                            labels[b], tt[k].n, tt[k].diff, tt[k].lo, tt[k].hi, tt[k].t,
                            nisac_p_text(pr[k], p1, sizeof p1), nisac_p_text(ph[k], p2, sizeof p2),
                            nisac_p_text(pb[k], p3, sizeof p3), nisac_p_text(pt[k], p4, sizeof p4), tt[k].d, nb);
                    for (int q = 1; q < t.c_algo; q++) fprintf(fc, "%s,", first[q]);
                    fprintf(fc, "%s,pair,\"%s\",\"%s\",%d,%.10g,%.10g,%.10g,%.10g,%g,%.6g,%.6g,%.6g,%.6g,%.6g,%d\n",
                            t.cols[c], labels[a], labels[b], tt[k].n, tt[k].diff, tt[k].lo, tt[k].hi, tt[k].t, tt[k].df,
                            pr[k], ph[k], pb[k], pt[k], tt[k].d, n80);
                }
            free(gv), free(gn), free(gm), free(all), free(tt), free(pt);
        }
        i = j;
    }
    fclose(fc);
    fclose(fm);
    fc = fm = NULL;
    rc = nisac__write_outputs(results, out_dir, "report", csv, csvl, md, mdl, msg, msglen);
    goto out;
oom:
    snprintf(msg, msglen, "%s: out of memory", results);
    rc = NISAC_ENOMEM;
out:
    if (fc) fclose(fc);
    if (fm) fclose(fm);
    free(csv), free(md), free(mc), free(labels), free(rs), free(xa), free(pr);
    nisac__table_free(&t);
    return rc;
}
