/* The schema of an experiment's records: sweep points, their parameters
 * and record prefixes, the columns of results.csv and vectors.csv, the
 * headers and the number format.  Config reading (config.c) and unit
 * computation (records.c) both use it; neither calls the other. */
#include "exp_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void nisac__point_index(const nisac_experiment *e, int point, int idx[NISAC_EXP_MAX_AXES])
{
    for (int a = e->naxes - 1; a >= 0; a--) {
        idx[a] = point % e->axes[a].nvalues;
        point /= e->axes[a].nvalues;
    }
}

int nisac_experiment_point_params(const nisac_experiment *e, int point, nisac_params *p)
{
    int rc = nisac_params_copy(p, e->base);
    if (rc) return rc;
    int idx[NISAC_EXP_MAX_AXES];
    nisac__point_index(e, point, idx);
    for (int a = 0; a < e->naxes; a++) {
        const nisac_exp_axis *ax = &e->axes[a];
        for (int j = 0; j < ax->nparams; j++) {
            int i = ax->param[j];
            p->v[i] = nisac_param_to_internal(&p->defs[i], ax->values[idx[a] * ax->nparams + j]);
        }
    }
    return NISAC_OK;
}

void nisac__apply_overrides(const nisac_exp_algo *al, nisac_params *q)
{
    for (int j = 0; j < al->noverride; j++)
        q->v[al->override_param[j]] = nisac_param_to_internal(&q->defs[al->override_param[j]], al->override_value[j]);
}

void nisac__point_prefix(const nisac_experiment *e, int point, char *buf, size_t len)
{
    int idx[NISAC_EXP_MAX_AXES];
    nisac__point_index(e, point, idx);
    buf[0] = 0;
    for (int a = 0; a < e->naxes; a++)
        for (int j = 0; j < e->axes[a].nparams; j++) {
            char v[64];
            nisac_param_format(&e->sys->params[e->axes[a].param[j]],
                               e->axes[a].values[idx[a] * e->axes[a].nparams + j], v, sizeof v);
            size_t l = strlen(buf);
            snprintf(buf + l, len - l, ",%s", v);
        }
}

int nisac__metric_is_long(const nisac_experiment *e, int i)
{
    return e->sys->metrics[e->metric[i]].dim >= 0 && e->vectors == NISAC_VECTORS_LONG;
}

int nisac__metric_columns(const nisac_experiment *e, int i)
{
    int d = e->sys->metrics[e->metric[i]].dim;
    if (d < 0) return 1;
    return e->vectors == NISAC_VECTORS_LONG ? 0 : e->dim_max[d];
}

int nisac_experiment_ncolumns(const nisac_experiment *e)
{
    int n = 0;
    for (int i = 0; i < e->nmetrics; i++) n += nisac__metric_columns(e, i);
    return n;
}

int nisac_experiment_column(const nisac_experiment *e, int c, char *buf, size_t len)
{
    for (int i = 0; i < e->nmetrics && c >= 0; i++) {
        int w = nisac__metric_columns(e, i);
        const nisac_metric_def *m = &e->sys->metrics[e->metric[i]];
        if (c < w) {
            if (m->dim < 0) snprintf(buf, len, "%s", m->name);
            else snprintf(buf, len, "%s_%d", m->name, c + 1);
            return 0;
        }
        c -= w;
    }
    return -1;
}

int nisac_experiment_is_column(const nisac_experiment *e, const char *name)
{
    for (int i = 0; i < e->nmetrics; i++) {
        const nisac_metric_def *m = &e->sys->metrics[e->metric[i]];
        int w = nisac__metric_columns(e, i);
        size_t l = strlen(m->name);
        if (w == 0 || strncmp(name, m->name, l)) continue;
        if (m->dim < 0 && name[l] == 0) return 1;
        if (m->dim >= 0 && name[l] == '_') {
            int k = 0, n = 0;
            if (sscanf(name + l + 1, "%d%n", &k, &n) == 1 && name[l + 1 + n] == 0 && name[l + 1] != '0' && k >= 1 &&
                k <= w)
                return 1;
        }
    }
    return 0;
}

uint64_t nisac__fnv1a(const void *data, size_t n, uint64_t h)
{
    const unsigned char *s = data;
    for (size_t i = 0; i < n; i++) {
        h ^= s[i];
        h *= 1099511628211ULL;
    }
    return h;
}

int nisac__is_number(const char *s, size_t n)
{
    char buf[64];
    if (n == 0 || n >= sizeof buf) return 0;
    memcpy(buf, s, n);
    buf[n] = 0;
    if (!strcmp(buf, "nan") || !strcmp(buf, "inf") || !strcmp(buf, "-inf")) return 1;
    char *end;
    strtod(buf, &end);
    return *end == 0 && end != buf;
}

int nisac__is_status(const char *s, size_t n)
{
    for (int k = 0; k <= (int)NISAC_STATUS_ERROR; k++) {
        const char *name = nisac_status_name((nisac_solve_status)k);
        if (strlen(name) == n && !memcmp(name, s, n)) return 1;
    }
    return 0;
}

int nisac__sweep_columns(const nisac_experiment *e)
{
    int n = 0;
    for (int a = 0; a < e->naxes; a++) n += e->axes[a].nparams;
    return n;
}

long nisac__line_unit(const nisac_experiment *e, const char *s, const char *nl)
{
    char *end;
    long pt = strtol(s, &end, 10);
    if (end == s || *end != ',') return -1;
    const char *q = s;
    for (int c = 0; c < 2 + nisac__sweep_columns(e) && q; c++) { /* point, sweep values, algo */
        q = memchr(q, ',', (size_t)(nl - q));
        if (q) q++;
    }
    if (!q || q >= nl) return -1;
    long tr = strtol(q, &end, 10);
    if (end == q || *end != ',' || pt < 0 || tr < 0 || tr >= e->trials || pt >= e->npoints) return -1;
    return pt * e->trials + tr;
}

void nisac__put_num(FILE *f, double x)
{
    if (isnan(x)) fputs(",nan", f);
    else if (isinf(x)) fputs(x > 0 ? ",inf" : ",-inf", f);
    else if (x == floor(x) && fabs(x) < 1e15) fprintf(f, ",%.0f", x);
    else fprintf(f, ",%.17g", x);
}

void nisac__write_comments(const nisac_experiment *e, FILE *f, const char *what)
{
    fprintf(f, "# nisac %s\n# version: %s\n# experiment: %s\n# system: %s\n# config_hash: %016llx\n# seed: %llu\n",
            what, NISAC_VERSION, e->name, e->sys->name, (unsigned long long)e->hash, (unsigned long long)e->seed);
    fprintf(f, "# points: %d trials: %d algorithms: %d draws: %d rows_per_unit: %d\n", e->npoints, e->trials,
            e->nalgos, e->draws, nisac_experiment_rows_per_unit(e));
}

static void sweep_columns(const nisac_experiment *e, FILE *f)
{
    fprintf(f, "point");
    for (int a = 0; a < e->naxes; a++)
        for (int j = 0; j < e->axes[a].nparams; j++) fprintf(f, ",%s", e->sys->params[e->axes[a].param[j]].name);
    fprintf(f, ",algo,trial,draw");
}

void nisac_experiment_write_header(const nisac_experiment *e, FILE *f)
{
    nisac__write_comments(e, f, "results");
    if (e->vectors == NISAC_VECTORS_LONG) fprintf(f, "# vectors: vectors.csv (long format)\n");
    sweep_columns(e, f);
    fprintf(f, ",status");
    char name[80];
    for (int c = 0; nisac_experiment_column(e, c, name, sizeof name) == 0; c++) fprintf(f, ",%s", name);
    fputc('\n', f);
}

void nisac_experiment_write_vectors_header(const nisac_experiment *e, FILE *f)
{
    nisac__write_comments(e, f, "vectors");
    sweep_columns(e, f);
    fprintf(f, ",metric,index,value\n");
}

long nisac_experiment_units(const nisac_experiment *e) { return (long)e->npoints * e->trials; }

int nisac_experiment_rows_per_unit(const nisac_experiment *e) { return e->nalgos * e->draws; }
