/* The system interface is generic: a toy system declared in this file
 * alone (K users on parallel AWGN channels sharing a power budget, two
 * closed-form power allocations) runs through nisac_design, the
 * experiment parser, the runner, the records and the summaries, with no
 * line of the library knowing it.  At K = 512 its per-user vectors go to
 * vectors.csv in long format, which is checked against results.csv and
 * resumed after a torn write. */
#include "harness.h"
#include "testfs.h"
#include "nisac/nisac.h"

#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- the toy system: SNR_k = p_k g_k / sigma2, g_k = |h_k|^2, h_k ~ CN(0, 1) ---- */
enum { T_K, T_P, T_SIGMA2, T_COUNT };
static const nisac_param_def toy_params[T_COUNT] = {
    {"K", NULL, NISAC_PT_INT, NISAC_PC_NONE, "", 4, 1, 100000, 0, NULL, 0, NULL, 0, NULL, "users"},
    {"P", NULL, NISAC_PT_REAL, NISAC_PC_NONE, "W", 1, 0, INFINITY, NISAC_PF_OPEN_LO, NULL, 0, NULL, 0, NULL, "budget"},
    {"sigma2", NULL, NISAC_PT_REAL, NISAC_PC_NONE, "W", 0.1, 0, INFINITY, NISAC_PF_OPEN_LO, NULL, 0, NULL, 0, NULL,
     "noise"},
};
static const char *const toy_dims[] = {"user"};
enum { TM_MIN, TM_USER, TM_POWER, TM_SUMRATE, TM_VIOL, TM_COUNT };
static const nisac_metric_def toy_metrics[TM_COUNT] = {
    {"min_snr_db", "dB", -1, NISAC_PC_DB, 0, "smallest SNR"},
    {"user_snr_db", "dB", 0, NISAC_PC_DB, 0, "SNR of each user"},
    {"power", "W", -1, NISAC_PC_NONE, 0, "sum of the powers"},
    {"sum_rate", "bit/s/Hz", -1, NISAC_PC_NONE, 0, "sum of log2(1 + SNR)"},
    {"max_viol", "", -1, NISAC_PC_NONE, 0, "largest relative violation"},
};
static const nisac_constraint_def toy_constraints[] = {{"budget", "(T1)", "sum p_k <= P"}};
static const char *const toy_modes[] = {"estimate"};
static const char *const toy_default_metrics[] = {"min_snr_db", "power", NULL};

typedef struct {
    int K;
    double P, sigma2;
    double *g;
} toy_inst;

static void toy_dim_sizes(const nisac_params *p, int *size) { size[0] = (int)p->v[T_K]; }

static int toy_instance_new(const nisac_params *p, int model, const nisac_inputs *in, uint64_t seed, uint64_t point,
                            uint64_t trial, void **impl)
{
    (void)model;
    (void)in;
    toy_inst *t = calloc(1, sizeof *t);
    t->K = (int)p->v[T_K];
    t->P = p->v[T_P];
    t->sigma2 = p->v[T_SIGMA2];
    t->g = calloc((size_t)t->K, sizeof(double));
    nisac_rng r;
    nisac_rng_init(&r, seed, point, trial, NISAC_PURPOSE_CHANNEL);
    for (int k = 0; k < t->K; k++) {
        double complex h = nisac_rng_cn(&r);
        t->g[k] = creal(h) * creal(h) + cimag(h) * cimag(h);
    }
    *impl = t;
    return NISAC_OK;
}

static void toy_instance_free(void *impl)
{
    toy_inst *t = impl;
    free(t->g);
    free(t);
}

static int toy_design_alloc(const nisac_instance *inst, nisac_design_t *d)
{
    const toy_inst *t = inst->impl;
    return nisac_design_set_block(d, 0, "p", t->K, 1, 0);
}

static int toy_evaluate(const nisac_instance *inst, const nisac_design_t *d, const nisac_report *r,
                        const nisac_eval_opts *o, nisac_eval *ev)
{
    (void)r;
    (void)o;
    const toy_inst *t = inst->impl;
    const double *p = d->blocks[0].x;
    double mn = INFINITY, sum = 0, rate = 0;
    for (int k = 0; k < t->K; k++) {
        double snr = p[k] * t->g[k] / t->sigma2;
        ev->val[TM_USER][k] = snr;
        mn = fmin(mn, snr);
        sum += p[k];
        rate += log2(1 + snr);
    }
    ev->val[TM_MIN][0] = mn;
    ev->val[TM_POWER][0] = sum;
    ev->val[TM_SUMRATE][0] = rate;
    ev->viol[0] = fmax(0, (sum - t->P) / t->P);
    return NISAC_OK;
}

static const nisac_system toy_system = {
    "toy-awgn", "K users on parallel AWGN channels", toy_params, T_COUNT, toy_dims, 1, toy_metrics, TM_COUNT,
    toy_constraints, 1, NULL, 0, NULL, 0, toy_modes, 1, toy_default_metrics, "equal",
    NULL, toy_dim_sizes, toy_instance_new, toy_instance_free, toy_design_alloc, toy_evaluate,
};

/* equal: p_k = P / K.  inverse: p_k proportional to 1 / g_k, every SNR
 * equal to P / (sigma2 sum_k 1/g_k). */
static int toy_design(const nisac_instance *inst, const nisac_params *opts, uint64_t seed, nisac_design_t *d,
                      nisac_report *r, int inverse)
{
    (void)opts;
    (void)seed;
    const toy_inst *t = inst->impl;
    double s = 0;
    for (int k = 0; k < t->K; k++) s += 1 / t->g[k];
    for (int k = 0; k < t->K; k++) d->blocks[0].x[k] = inverse ? t->P / (t->g[k] * s) : t->P / t->K;
    d->imposed = 1;
    r->status = NISAC_STATUS_OPTIMAL;
    r->iterations = 1;
    r->objective_metric = inverse ? "min_snr_db" : "sum_rate";
    return NISAC_OK;
}
static int toy_equal(const nisac_instance *i, const nisac_params *o, uint64_t s, nisac_design_t *d, nisac_report *r)
{
    return toy_design(i, o, s, d, r, 0);
}
static int toy_inverse(const nisac_instance *i, const nisac_params *o, uint64_t s, nisac_design_t *d, nisac_report *r)
{
    return toy_design(i, o, s, d, r, 1);
}
/* fails with an error on the channels whose first gain is below 1 */
static int toy_fail(const nisac_instance *i, const nisac_params *o, uint64_t s, nisac_design_t *d, nisac_report *r)
{
    const toy_inst *t = i->impl;
    if (t->g[0] < 1) return NISAC_FAIL(NISAC_ELAPACK, "toy factorisation failed (g_0 = %.3f)", t->g[0]);
    return toy_design(i, o, s, d, r, 0);
}
static const nisac_algo toy_algo_equal = {"equal", "toy-awgn", "equal powers", NULL, 0, toy_equal, NULL};
static const nisac_algo toy_algo_fail = {"fail", "toy-awgn", "equal powers, or an error", NULL, 0, toy_fail, NULL};
static const nisac_algo toy_algo_inverse = {"inverse", "toy-awgn", "channel inversion", NULL, 0, toy_inverse, NULL};

/* ---- the tests ---- */
static nisac_catalog *cat;

static nisac_catalog *toy_catalog(void)
{
    nisac_catalog *c = nisac_catalog_new();
    CHECK(nisac_catalog_add_system(c, &toy_system) == NISAC_OK);
    CHECK(nisac_catalog_add_algo(c, &toy_algo_equal) == NISAC_OK);
    CHECK(nisac_catalog_add_algo(c, &toy_algo_inverse) == NISAC_OK);
    CHECK(nisac_catalog_add_algo(c, &toy_algo_fail) == NISAC_OK);
    CHECK(nisac_catalog_add_algo(c, &toy_algo_equal) == NISAC_EINVAL); /* names are unique */
    return c;
}

/* nisac_design on the toy system gives the closed forms. */
static void test_design_closed_form(void)
{
    const nisac_system *s = nisac_system_find(cat, "toy-awgn");
    CHECK(s == &toy_system);
    CHECK(nisac_system_find(NULL, "toy-awgn") == NULL); /* the built-ins are untouched */
    nisac_params *p = nisac_system_params(s);
    nisac_params_set_named(p, "K", 5);
    nisac_params_set_named(p, "P", 2);
    nisac_instance *inst;
    CHECK(nisac_instance_new(s, p, 0, NULL, 7, 0, 0, &inst) == NISAC_OK);
    const toy_inst *t = inst->impl;
    nisac_design_t *d = nisac_design_new(inst);
    nisac_report *r = nisac_report_new();
    CHECK(nisac_design(nisac_algo_find(cat, s, "inverse"), inst, NULL, 0, d, r) == NISAC_OK);
    double inv = 0;
    for (int k = 0; k < 5; k++) inv += 1 / t->g[k];
    const double snr = 2 / (0.1 * inv);
    CHECK(r->status == NISAC_STATUS_OPTIMAL);
    for (int k = 0; k < 5; k++) CHECK_REL(r->eval->val[TM_USER][k], snr, 1e-12);
    CHECK_REL(r->objective, snr, 1e-12);
    CHECK_REL(r->eval->val[TM_POWER][0], 2.0, 1e-12);
    CHECK(r->eval->max_viol < 1e-12);
    CHECK(nisac_design(nisac_algo_find(cat, s, "equal"), inst, NULL, 0, d, r) == NISAC_OK);
    for (int k = 0; k < 5; k++) CHECK_REL(r->eval->val[TM_USER][k], 0.4 * t->g[k] / 0.1, 1e-12);
    /* an algorithm of another system is refused */
    CHECK(nisac_design(nisac_algo_find(NULL, NULL, "sdr-powermin"), inst, NULL, 0, d, r) == NISAC_EINVAL);
    nisac_report_free(r);
    nisac_design_free(d);
    nisac_instance_free(inst);
    nisac_params_free(p);
}


static long cancel_after;
static int cancel_cb(void *user)
{
    long *done = user;
    return *done >= cancel_after;
}
static void progress_cb(const nisac_run_progress *p, void *user) { *(long *)user = p->done; }

static int run(const nisac_experiment *e, const char *dir, int workers, int resume)
{
    nisac_run_opts o;
    memset(&o, 0, sizeof o);
    o.out_dir = dir;
    o.workers = workers;
    o.resume = resume;
    o.batch = 4;
    nisac_run_result res;
    int rc = nisac_experiment_run(e, &o, &res);
    CHECK_MSG(rc == NISAC_OK, "%s", res.msg);
    return rc;
}


/* Config -> runner -> records -> summary for the toy system. */
static void test_experiment_pipeline(void)
{
    const char *cfg = "{\"system\": \"toy-awgn\", \"name\": \"toy\", \"scenario\": {\"K\": 4},\n"
                      " \"sweep\": [{\"param\": \"P\", \"values\": [1, 2]}],\n"
                      " \"algorithms\": [{\"algo\": \"equal\"}, {\"algo\": \"inverse\"}],\n"
                      " \"trials\": 5, \"seed\": 3, \"metrics\": [\"min_snr_db\", \"user_snr_db\", \"power\"]}";
    char msg[512];
    nisac_experiment *e = NULL;
    CHECK_MSG(nisac_experiment_parse(cat, cfg, strlen(cfg), "toy.json", &e, msg, sizeof msg) == 0, "%s", msg);
    if (!e) return;
    CHECK(e->vectors == NISAC_VECTORS_WIDE && nisac_experiment_ncolumns(e) == 1 + 4 + 1);
    CHECK(nisac_experiment_is_column(e, "user_snr_db_4") && !nisac_experiment_is_column(e, "user_snr_db_5"));
    CHECK(run(e, path("w1"), 1, 0) == 0 && run(e, path("w2"), 2, 0) == 0);
    char *a = slurp(path("w1/results.csv"), NULL), *b = slurp(path("w2/results.csv"), NULL);
    CHECK(a && b && !strcmp(a, b));
    CHECK(a && strstr(a, "# system: toy-awgn\n"));
    CHECK(a && strstr(a, "\npoint,P,algo,trial,draw,status,min_snr_db,user_snr_db_1,user_snr_db_2,user_snr_db_3,"
                         "user_snr_db_4,power\n"));
    /* every inverse row: all SNRs equal the min, power = P */
    int rows = 0;
    for (char *l = a ? strstr(a, "\n1,2,inverse,") : NULL; l; l = strstr(l + 1, "\n1,2,inverse,")) {
        int pt, tr, dr;
        double P, mn, u[4], pw;
        char st[32];
        if (sscanf(l, "\n%d,%lf,inverse,%d,%d,%31[^,],%lf,%lf,%lf,%lf,%lf,%lf", &pt, &P, &tr, &dr, st, &mn, &u[0],
                   &u[1], &u[2], &u[3], &pw) != 11)
            break;
        rows++;
        for (int k = 0; k < 4; k++) CHECK_REL(u[k], mn, 1e-12);
        CHECK_REL(pw, 2.0, 1e-12);
    }
    CHECK(rows == 5);
    char sm[512];
    CHECK(nisac_summarize(path("w1/results.csv"), NULL, 0, sm, sizeof sm) == 0);
    char *s = slurp(path("w1/summary.csv"), NULL);
    CHECK(s && strstr(s, "\n1,2,inverse,5,1,optimal=5,"));
    free(s);
    free(a);
    free(b);
    nisac_experiment_free(e);
}

/* K = 512: per-user values in vectors.csv (long format), consistent with
 * results.csv, and resumable after a torn write of both files. */
static void test_k512_long_records(void)
{
    const char *cfg = "{\"system\": \"toy-awgn\", \"name\": \"toy512\", \"scenario\": {\"K\": 512},\n"
                      " \"algorithms\": [{\"algo\": \"equal\"}, {\"algo\": \"inverse\"}],\n"
                      " \"trials\": 6, \"metrics\": [\"min_snr_db\", \"user_snr_db\", \"power\"]}";
    char msg[512];
    nisac_experiment *e = NULL;
    CHECK_MSG(nisac_experiment_parse(cat, cfg, strlen(cfg), "toy512.json", &e, msg, sizeof msg) == 0, "%s", msg);
    if (!e) return;
    CHECK(e->vectors == NISAC_VECTORS_LONG && nisac_experiment_ncolumns(e) == 2);
    CHECK(run(e, path("k512"), 2, 0) == 0);
    char *res = slurp(path("k512/results.csv"), NULL), *vec = slurp(path("k512/vectors.csv"), NULL);
    CHECK(res && vec);
    if (!res || !vec) return;
    CHECK(strstr(res, "\npoint,algo,trial,draw,status,min_snr_db,power\n") != NULL);
    CHECK(strstr(vec, "\npoint,algo,trial,draw,metric,index,value\n") != NULL);
    /* 12 records x 512 users; the min over each record's users is its min_snr_db */
    long lines = 0;
    double mins[2][6];
    for (int a = 0; a < 2; a++)
        for (int t = 0; t < 6; t++) mins[a][t] = INFINITY;
    for (char *l = strstr(vec, "\n0,"); l; l = strstr(l + 1, "\n0,")) {
        char alg[16];
        int tr, dr, idx;
        double v;
        if (sscanf(l, "\n0,%15[^,],%d,%d,user_snr_db,%d,%lf", alg, &tr, &dr, &idx, &v) != 5) continue;
        lines++;
        int a = !strcmp(alg, "inverse");
        mins[a][tr] = fmin(mins[a][tr], v);
        CHECK(idx >= 1 && idx <= 512);
    }
    CHECK_MSG(lines == 12 * 512, "%ld vector lines", lines);
    for (int a = 0; a < 2; a++)
        for (int t = 0; t < 6; t++) {
            char key[64];
            snprintf(key, sizeof key, "\n0,%s,%d,0,optimal,", a ? "inverse" : "equal", t);
            char *l = strstr(res, key);
            CHECK(l != NULL);
            double mn = l ? strtod(l + strlen(key), NULL) : NAN;
            CHECK_REL(mins[a][t], mn, 1e-12);
        }
    /* a run cut in both files, mid-line, resumes to the same files */
    char d[512];
    snprintf(d, sizeof d, "%s", path("torn"));
    mkdir(d, 0777);
    size_t rl = strlen(res), vl = strlen(vec), rc = rl / 2, vc = vl * 3 / 4;
    FILE *f = fopen(path("torn/results.csv.partial"), "wb");
    fwrite(res, 1, rc, f);
    fclose(f);
    f = fopen(path("torn/vectors.csv.partial"), "wb");
    fwrite(vec, 1, vc, f);
    fclose(f);
    /* resumed, interrupted after one more unit, resumed again: the index
     * rewritten by the first resume must vouch for the vectors it keeps */
    nisac_run_opts o;
    memset(&o, 0, sizeof o);
    long done = 0;
    o.out_dir = path("torn");
    o.workers = 1;
    o.resume = 1;
    o.progress = progress_cb;
    o.cancelled = cancel_cb;
    o.user = &done;
    cancel_after = 4;
    nisac_run_result rr;
    CHECK_MSG(nisac_experiment_run(e, &o, &rr) == NISAC_EINTERRUPTED, "%s", rr.msg);
    CHECK(rr.start < 4 && rr.done >= 4 && rr.done < 6);
    CHECK(run(e, path("torn"), 1, 1) == 0);
    char *r2 = slurp(path("torn/results.csv"), NULL), *v2 = slurp(path("torn/vectors.csv"), NULL);
    CHECK(r2 && !strcmp(r2, res));
    CHECK(v2 && !strcmp(v2, vec));
    CHECK(access(path("torn/vectors.csv.partial"), F_OK) != 0);
    free(r2);
    free(v2);
    free(res);
    free(vec);
    nisac_experiment_free(e);
}

/* An algorithm's error is a status and a message in the records, never a
 * silent row; the runner is cancelled through its callback and resumes. */

static void test_errors_and_cancel(void)
{
    const char *cfg = "{\"system\": \"toy-awgn\", \"scenario\": {\"K\": 3},\n"
                      " \"algorithms\": [{\"algo\": \"fail\"}, {\"algo\": \"inverse\"}],\n"
                      " \"trials\": 40, \"metrics\": [\"min_snr_db\", \"power\"]}";
    char msg[512];
    nisac_experiment *e = NULL;
    CHECK_MSG(nisac_experiment_parse(cat, cfg, strlen(cfg), "err.json", &e, msg, sizeof msg) == 0, "%s", msg);
    if (!e) return;
    CHECK(run(e, path("err"), 2, 0) == 0);
    char *t = slurp(path("err/results.csv"), NULL);
    int errors = 0, comments = 0, ok = 0;
    for (char *l = t; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
        if (!strncmp(l, "# error: point 0, algorithm 'fail', trial ", 42) && strstr(l, "toy factorisation failed"))
            comments++;
        int tr;
        char st[16];
        double a, b;
        if (sscanf(l, "0,fail,%d,0,%15[^,],%lf,%lf", &tr, st, &a, &b) == 4) {
            if (!strcmp(st, "error") && isnan(a) && isnan(b)) errors++;
            else if (!strcmp(st, "optimal") && b > 0) ok++;
        }
    }
    CHECK_MSG(errors > 0 && ok > 0 && errors + ok == 40, "errors %d ok %d", errors, ok);
    CHECK(comments == errors);
    /* the summary reads past the comment lines and counts the statuses */
    CHECK_MSG(nisac_summarize(path("err/results.csv"), NULL, 0, msg, sizeof msg) == 0, "%s", msg);
    char *sm = slurp(path("err/summary.csv"), NULL), want[64];
    snprintf(want, sizeof want, "error=%d", errors);
    CHECK_MSG(sm && strstr(sm, want), "%s lacks %s", sm ? sm : "(none)", want);
    free(sm);
    /* cancelled after 7 units: NISAC_EINTERRUPTED, then resumed to the same file */
    nisac_run_opts o;
    memset(&o, 0, sizeof o);
    long done = 0;
    o.out_dir = path("cancel");
    o.workers = 2;
    o.progress = progress_cb;
    o.cancelled = cancel_cb;
    o.user = &done;
    cancel_after = 7;
    nisac_run_result res;
    CHECK(nisac_experiment_run(e, &o, &res) == NISAC_EINTERRUPTED);
    CHECK(res.done >= 7 && res.done < 40 && access(path("cancel/results.csv"), F_OK) != 0);
    cancel_after = 1000;
    o.resume = 1;
    CHECK(nisac_experiment_run(e, &o, &res) == NISAC_OK);
    CHECK(res.start >= 7 && res.done == 40);
    char *t2 = slurp(path("cancel/results.csv"), NULL);
    CHECK(t && t2 && !strcmp(t, t2));
    free(t);
    free(t2);
    nisac_experiment_free(e);
}

int main(void)
{
    snprintf(tmpdir, sizeof tmpdir, "/tmp/nisac-toy-XXXXXX");
    if (!mkdtemp(tmpdir)) return 1;
    cat = toy_catalog();
    RUN(test_design_closed_form);
    RUN(test_experiment_pipeline);
    RUN(test_k512_long_records);
    RUN(test_errors_and_cancel);
    nisac_catalog_free(cat);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
    if (system(cmd)) {}
    TEST_END();
}
