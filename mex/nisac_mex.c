/* The Octave/MATLAB gateway to the nisac library: one MEX function,
 * nisac_mex(COMMAND, ...), behind the functions of this folder
 * (nisac_design, nisac_evaluate, nisac_systems, nisac_algorithms,
 * nisac_parameters, nisac_options, nisac_run), which are the documented
 * way in.  Built by `make octave` (mkoctfile --mex); MATLAB builds it with
 * `mex -R2017b` (separate real and imaginary parts, which both accept).
 *
 *   nisac_mex('systems')                          cell of names
 *   nisac_mex('algorithms', SYSTEM)               cell of names ('' for all)
 *   nisac_mex('parameters', SYSTEM)               struct array (name, type, unit, default, lo, hi, choices, help)
 *   nisac_mex('options', SYSTEM, ALGO)            the same for the algorithm's options
 *   nisac_mex('design', SYSTEM, ALGO, H, SEED, TRIAL, ALGO_SEED, OPTIONS, PARAMS)
 *   nisac_mex('evaluate', SYSTEM, BLOCKS, H, SEED, TRIAL, FEAS_TOL, PARAMS)
 *   nisac_mex('run', CONFIG, OUT, WORKERS, RESUME, FORCE)
 *
 * H is [] (channels drawn from SEED, TRIAL) or K x M (row k is h_k, with
 * y_k = h_k^H x); OPTIONS, PARAMS and BLOCKS are structs.  Errors raise
 * 'nisac:error' with the library's message.  Designs run with one BLAS
 * thread, as the program does, so that both give the same bits. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nisac/nisac.h>

#include "mex.h"

extern void openblas_set_num_threads(int) __attribute__((weak));

static const char *const TYPES[] = {"int", "real", "choice", "bool", "list", "text"};

/* Everything a command holds, freed before an error leaves through
 * mexErrMsgIdAndTxt (which does not return). */
typedef struct {
    nisac_params *p, *o;
    nisac_instance *inst;
    nisac_design_t *d;
    nisac_report *r;
    nisac_eval *ev;
    nisac_experiment *e;
    double complex *h;
    char *s[4];
    char msg[1200];
} held;

static void release(held *c)
{
    nisac_eval_free(c->ev);
    nisac_report_free(c->r);
    nisac_design_free(c->d);
    nisac_instance_free(c->inst);
    nisac_params_free(c->o);
    nisac_params_free(c->p);
    nisac_experiment_free(c->e);
    free(c->h);
    for (int i = 0; i < 4; i++) mxFree(c->s[i]);
    memset(c, 0, sizeof *c);
}

static void fail(held *c, const char *fmt, ...)
{
    char buf[1200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    release(c);
    mexErrMsgIdAndTxt("nisac:error", "%s", buf);
}

static void fail_lib(held *c, const char *what)
{
    const char *m = nisac_last_error();
    fail(c, "%s: %s", what, m && *m ? m : "unknown error");
}

/* Argument i as text (kept in c->s[slot]). */
static const char *text_arg(held *c, const mxArray *a, int slot, const char *what)
{
    if (!mxIsChar(a)) fail(c, "%s: expected text", what);
    c->s[slot] = mxArrayToString(a);
    if (!c->s[slot]) fail(c, "%s: cannot read the text", what);
    return c->s[slot];
}

static double num_arg(held *c, const mxArray *a, const char *what)
{
    if (!(mxIsNumeric(a) || mxIsLogical(a)) || mxGetNumberOfElements(a) != 1 || mxIsComplex(a))
        fail(c, "%s: expected a real number", what);
    double x = mxGetScalar(a);
    if (!isfinite(x)) fail(c, "%s: expected a finite number, got %g", what, x);
    return x;
}

/* A 64-bit stream key from a non-negative integer. */
static uint64_t key_arg(held *c, const mxArray *a, const char *what)
{
    double x = num_arg(c, a, what);
    if (x < 0 || x != floor(x) || x > 9007199254740992.0) fail(c, "%s: expected an integer >= 0, got %g", what, x);
    return (uint64_t)x;
}

static const nisac_system *find_system(held *c, const char *name, const char *what)
{
    const nisac_system *s = nisac_system_find(NULL, name);
    if (!s) {
        const nisac_catalog *cat = nisac_catalog_builtin();
        char known[256] = "";
        for (int i = 0; i < nisac_catalog_nsystems(cat); i++) {
            if (i) strncat(known, ", ", sizeof known - strlen(known) - 1);
            strncat(known, nisac_catalog_system_at(cat, i)->name, sizeof known - strlen(known) - 1);
        }
        fail(c, "%s: unknown system '%s' (known: %s)", what, name, known);
    }
    return s;
}

static const nisac_algo *find_algo(held *c, const nisac_system *s, const char *name, const char *what)
{
    const nisac_algo *a = nisac_algo_find(NULL, s, name);
    if (!a) fail(c, "%s: unknown algorithm '%s' for system '%s'", what, name, s->name);
    return a;
}

/* Sets field NAME of p from an Octave value: a number (or logical), a
 * choice's name, a text, or a vector for a list entry. */
static void set_value(held *c, nisac_params *p, const char *name, const mxArray *v, const char *what)
{
    int i = nisac_param_find(p->defs, p->n, name);
    if (i < 0) fail(c, "%s: no field '%s'", what, name);
    const nisac_param_def *d = &p->defs[i];
    if (mxIsChar(v)) {
        char *t = mxArrayToString(v);
        if (!t) fail(c, "%s: field '%s': cannot read the text", what, name);
        int rc = 0, bad = 0;
        if (d->type == NISAC_PT_TEXT) {
            rc = nisac_params_set_text(p, i, t);
        } else if (d->type == NISAC_PT_CHOICE) {
            int k = 0;
            while (k < d->nchoices && strcmp(d->choices[k], t) != 0) k++;
            if (k == d->nchoices) bad = 1;
            else rc = nisac_params_set(p, i, k);
        } else {
            bad = 2;
        }
        if (bad) {
            char names[256] = "";
            for (int k = 0; bad == 1 && k < d->nchoices; k++) {
                if (k) strncat(names, "|", sizeof names - strlen(names) - 1);
                strncat(names, d->choices[k], sizeof names - strlen(names) - 1);
            }
            if (bad == 1)
                snprintf(c->msg, sizeof c->msg, "%s: field '%s': expected one of %s, got '%s'", what, name, names, t);
            else
                snprintf(c->msg, sizeof c->msg, "%s: field '%s': takes a number, not text", what, name);
            mxFree(t);
            fail(c, "%s", c->msg);
        }
        mxFree(t);
        if (rc) fail_lib(c, what);
        return;
    }
    if (!(mxIsNumeric(v) || mxIsLogical(v)) || mxIsComplex(v) || mxIsSparse(v))
        fail(c, "%s: field '%s': expected a real number", what, name);
    size_t n = mxGetNumberOfElements(v);
    if (d->type == NISAC_PT_LIST) {
        if (!mxIsDouble(v)) fail(c, "%s: field '%s': expected a double vector", what, name);
        double *x = malloc((n ? n : 1) * sizeof *x);
        if (!x) fail(c, "%s: out of memory", what);
        for (size_t k = 0; k < n; k++) {
            x[k] = mxGetPr(v)[k];
            if (!isfinite(x[k])) {
                free(x);
                fail(c, "%s: field '%s': expected finite numbers", what, name);
            }
        }
        int rc = nisac_params_set_list(p, i, x, (int)n);
        free(x);
        if (rc) fail_lib(c, what);
        return;
    }
    if (n != 1) fail(c, "%s: field '%s': expected one number, got %zu", what, name, n);
    double x = mxGetScalar(v);
    if (!isfinite(x)) fail(c, "%s: field '%s': expected a finite number, got %g", what, name, x);
    if (nisac_params_set(p, i, x)) fail_lib(c, what);
}

static void set_struct(held *c, nisac_params *p, const mxArray *st, const char *what)
{
    if (mxIsEmpty(st) && !mxIsStruct(st)) return;
    if (!mxIsStruct(st) || mxGetNumberOfElements(st) != 1) fail(c, "%s: expected a struct of fields", what);
    for (int f = 0; f < mxGetNumberOfFields(st); f++)
        set_value(c, p, mxGetFieldNameByNumber(st, f), mxGetFieldByNumber(st, 0, f), what);
}

/* The instance of system s with parameters PARAMS, channels H (K x M or []). */
static void make_instance(held *c, const nisac_system *s, const mxArray *H, const mxArray *params, uint64_t seed,
                          uint64_t trial, const nisac_algo *a, const char *what)
{
    int rows[1], cols[1];
    double complex *z[1];
    nisac_inputs in = {1, rows, cols, z};
    int have = !mxIsEmpty(H);
    if (have) {
        if (s->ninputs < 1) fail(c, "%s: system '%s' takes no explicit channels", what, s->name);
        if (mxGetNumberOfDimensions(H) != 2 || !mxIsDouble(H) || mxIsSparse(H))
            fail(c, "%s: channels: expected a full double matrix (%s x %s)", what, s->inputs[0].outer,
                 s->inputs[0].inner);
        size_t K = mxGetM(H), M = mxGetN(H);
        if (K < 1 || M < 1 || K > 1000000 || M > 1000000)
            fail(c, "%s: channels: unsupported size %zu x %zu", what, K, M);
        c->h = malloc(K * M * sizeof *c->h);
        if (!c->h) fail(c, "%s: out of memory", what);
        const double *re = mxGetPr(H), *im = mxIsComplex(H) ? mxGetPi(H) : NULL;
        for (size_t k = 0; k < K; k++)
            for (size_t m = 0; m < M; m++) {
                double x = re[m * K + k], y = im ? im[m * K + k] : 0;
                if (!isfinite(x) || !isfinite(y)) fail(c, "%s: channels: the matrix holds NaN or Inf", what);
                c->h[k * M + m] = x + y * _Complex_I;
            }
        rows[0] = (int)M, cols[0] = (int)K, z[0] = c->h;
        in.n = s->ninputs;
        if (in.n > 1) fail(c, "%s: system '%s' takes %d explicit inputs; only its first (%s) is supported here", what,
                           s->name, in.n, s->inputs[0].name);
        if (nisac_params_set_named(c->p, s->inputs[0].outer, (double)K) ||
            nisac_params_set_named(c->p, s->inputs[0].inner, (double)M))
            fail_lib(c, what);
    }
    set_struct(c, c->p, params, what);
    if (nisac_system_check(s, c->p) || (a && nisac_algo_check(a, c->p, c->o))) fail_lib(c, what);
    if (nisac_instance_new(s, c->p, 0, have ? &in : NULL, seed, 0, trial, &c->inst)) fail_lib(c, what);
}

/* The evaluation's metrics as a struct, in the program's recorded units. */
static mxArray *metrics_struct(const nisac_system *s, const nisac_eval *e)
{
    const char **names = mxMalloc((size_t)s->nmetrics * sizeof *names);
    for (int i = 0; i < s->nmetrics; i++) names[i] = s->metrics[i].name;
    mxArray *m = mxCreateStructMatrix(1, 1, s->nmetrics, names);
    mxFree(names);
    for (int i = 0; i < s->nmetrics; i++) {
        const nisac_metric_def *md = &s->metrics[i];
        int n = e->len[i];
        mxArray *v = mxCreateDoubleMatrix(md->dim < 0 && n == 1 ? 1 : (size_t)n, n > 0 ? 1 : 0, mxREAL);
        double *x = mxGetPr(v);
        for (int j = 0; j < n; j++) x[j] = md->conv ? nisac_metric_to_record(md, e->val[i][j]) : e->val[i][j];
        mxSetFieldByNumber(m, 0, i, v);
    }
    return m;
}

static mxArray *blocks_struct(const nisac_design_t *d)
{
    const char **names = mxMalloc((size_t)(d->nblocks ? d->nblocks : 1) * sizeof *names);
    for (int i = 0; i < d->nblocks; i++) names[i] = d->blocks[i].name;
    mxArray *b = mxCreateStructMatrix(1, 1, d->nblocks, names);
    mxFree(names);
    for (int i = 0; i < d->nblocks; i++) {
        const nisac_block *k = &d->blocks[i];
        size_t n = (size_t)k->rows * k->cols;
        mxArray *v = mxCreateDoubleMatrix(k->rows, k->cols, k->z ? mxCOMPLEX : mxREAL);
        double *re = mxGetPr(v), *im = k->z ? mxGetPi(v) : NULL;
        for (size_t j = 0; j < n; j++) {
            if (k->z) re[j] = creal(k->z[j]), im[j] = cimag(k->z[j]);
            else re[j] = k->x[j];
        }
        mxSetFieldByNumber(b, 0, i, v);
    }
    return b;
}

static void set_field(mxArray *st, const char *name, mxArray *v) { mxSetField(st, 0, name, v); }

static void cmd_design(held *c, int nrhs, const mxArray *prhs[], mxArray **out)
{
    if (nrhs != 9) fail(c, "design: expected 8 arguments after 'design', got %d", nrhs - 1);
    const nisac_system *s = find_system(c, text_arg(c, prhs[1], 0, "design: system"), "design");
    const nisac_algo *a = find_algo(c, s, text_arg(c, prhs[2], 1, "design: algorithm"), "design");
    uint64_t seed = key_arg(c, prhs[4], "design: seed"), trial = key_arg(c, prhs[5], "design: trial");
    uint64_t aseed = key_arg(c, prhs[6], "design: algo_seed");
    c->p = nisac_system_params(s);
    c->o = nisac_algo_opts(a);
    if (!c->p || !c->o) fail(c, "design: out of memory");
    set_struct(c, c->o, prhs[7], "design: options");
    make_instance(c, s, prhs[3], prhs[8], seed, trial, a, "design");
    c->d = nisac_design_new(c->inst);
    c->r = nisac_report_new();
    if (!c->d || !c->r) fail(c, "design: out of memory");
    if (nisac_design(a, c->inst, c->o, aseed, c->d, c->r)) fail_lib(c, "design");
    static const char *f[] = {"status", "objective", "iterations", "solves", "wall", "note", "max_violation",
                              "metrics", "blocks"};
    mxArray *st = mxCreateStructMatrix(1, 1, 9, f);
    set_field(st, "status", mxCreateString(nisac_status_name(c->r->status)));
    set_field(st, "objective", mxCreateDoubleScalar(c->r->objective));
    set_field(st, "iterations", mxCreateDoubleScalar(c->r->iterations));
    set_field(st, "solves", mxCreateDoubleScalar(c->r->solves));
    set_field(st, "wall", mxCreateDoubleScalar(c->r->wall));
    set_field(st, "note", mxCreateString(c->r->note));
    set_field(st, "max_violation", mxCreateDoubleScalar(c->r->eval ? c->r->eval->max_viol : NAN));
    set_field(st, "metrics", c->r->eval ? metrics_struct(s, c->r->eval) : mxCreateStructMatrix(1, 1, 0, NULL));
    set_field(st, "blocks", blocks_struct(c->d));
    *out = st;
}

static void cmd_evaluate(held *c, int nrhs, const mxArray *prhs[], mxArray **out)
{
    if (nrhs != 8) fail(c, "evaluate: expected 7 arguments after 'evaluate', got %d", nrhs - 1);
    const nisac_system *s = find_system(c, text_arg(c, prhs[1], 0, "evaluate: system"), "evaluate");
    uint64_t seed = key_arg(c, prhs[4], "evaluate: seed"), trial = key_arg(c, prhs[5], "evaluate: trial");
    double tol = num_arg(c, prhs[6], "evaluate: feas_tol");
    const mxArray *B = prhs[2];
    if (!mxIsStruct(B) || mxGetNumberOfElements(B) != 1) fail(c, "evaluate: blocks: expected a struct of arrays");
    c->p = nisac_system_params(s);
    if (!c->p) fail(c, "evaluate: out of memory");
    make_instance(c, s, prhs[3], prhs[7], seed, trial, NULL, "evaluate");
    c->d = nisac_design_new(c->inst);
    c->ev = nisac_eval_new(c->inst);
    if (!c->d || !c->ev) fail(c, "evaluate: out of memory");
    for (int f = 0; f < mxGetNumberOfFields(B); f++) {
        const char *name = mxGetFieldNameByNumber(B, f);
        const mxArray *v = mxGetFieldByNumber(B, 0, f);
        nisac_block *k = nisac_design_block(c->d, name);
        if (!k) fail(c, "evaluate: system '%s' has no design block '%s'", s->name, name);
        if (!v || !mxIsDouble(v) || mxIsSparse(v) || mxGetNumberOfDimensions(v) != 2 ||
            mxGetM(v) != (size_t)k->rows || mxGetN(v) != (size_t)k->cols)
            fail(c, "evaluate: block '%s': expected a %d x %d double matrix", name, k->rows, k->cols);
        if (!k->z && mxIsComplex(v)) fail(c, "evaluate: block '%s' is real", name);
        const double *re = mxGetPr(v), *im = mxIsComplex(v) ? mxGetPi(v) : NULL;
        size_t n = (size_t)k->rows * k->cols;
        for (size_t j = 0; j < n; j++) {
            double x = re[j], y = im ? im[j] : 0;
            if (!isfinite(x) || !isfinite(y)) fail(c, "evaluate: block '%s': expected finite numbers", name);
            if (k->z) k->z[j] = x + y * _Complex_I;
            else k->x[j] = x;
        }
    }
    nisac_eval_opts eo = {0, NAN, NULL, tol};
    if (nisac_evaluate(c->inst, c->d, NULL, &eo, c->ev)) fail_lib(c, "evaluate");
    const char **names = mxMalloc((size_t)(s->nconstraints ? s->nconstraints : 1) * sizeof *names);
    for (int i = 0; i < s->nconstraints; i++) names[i] = s->constraints[i].name;
    mxArray *viol = mxCreateStructMatrix(1, 1, s->nconstraints, names);
    mxFree(names);
    for (int i = 0; i < s->nconstraints; i++) mxSetFieldByNumber(viol, 0, i, mxCreateDoubleScalar(c->ev->viol[i]));
    static const char *f[] = {"metrics", "violations", "max_violation"};
    mxArray *st = mxCreateStructMatrix(1, 1, 3, f);
    set_field(st, "metrics", metrics_struct(s, c->ev));
    set_field(st, "violations", viol);
    set_field(st, "max_violation", mxCreateDoubleScalar(c->ev->max_viol));
    *out = st;
}

static mxArray *table_struct(const nisac_param_def *defs, int n)
{
    static const char *f[] = {"name", "type", "unit", "default", "lo", "hi", "choices", "help"};
    mxArray *st = mxCreateStructMatrix((size_t)n, 1, 8, f);
    for (int i = 0; i < n; i++) {
        const nisac_param_def *d = &defs[i];
        mxSetField(st, i, "name", mxCreateString(d->name));
        mxSetField(st, i, "type", mxCreateString(TYPES[d->type]));
        mxSetField(st, i, "unit", mxCreateString(d->unit ? d->unit : ""));
        mxSetField(st, i, "help", mxCreateString(d->help ? d->help : ""));
        mxArray *ch = mxCreateCellMatrix(1, d->type == NISAC_PT_CHOICE ? d->nchoices : 0);
        for (int k = 0; d->type == NISAC_PT_CHOICE && k < d->nchoices; k++)
            mxSetCell(ch, k, mxCreateString(d->choices[k]));
        mxSetField(st, i, "choices", ch);
        mxArray *def;
        if (d->type == NISAC_PT_CHOICE) {
            def = mxCreateString(d->choices[(int)d->def]);
        } else if (d->type == NISAC_PT_BOOL) {
            def = mxCreateLogicalScalar(d->def != 0);
        } else if (d->type == NISAC_PT_LIST) {
            def = mxCreateDoubleMatrix(1, (size_t)d->def_len, mxREAL);
            for (int k = 0; k < d->def_len; k++) mxGetPr(def)[k] = d->def_list[k];
        } else if (d->type == NISAC_PT_TEXT) {
            def = mxCreateString("");
        } else {
            def = mxCreateDoubleScalar(d->def);
        }
        mxSetField(st, i, "default", def);
        int ranged = d->type == NISAC_PT_INT || d->type == NISAC_PT_REAL || d->type == NISAC_PT_LIST;
        mxSetField(st, i, "lo", mxCreateDoubleScalar(ranged ? d->lo : NAN));
        mxSetField(st, i, "hi", mxCreateDoubleScalar(ranged ? d->hi : NAN));
    }
    return st;
}

static mxArray *names_cell(const char *system, int algos)
{
    const nisac_catalog *cat = nisac_catalog_builtin();
    int n = algos ? nisac_catalog_nalgos(cat) : nisac_catalog_nsystems(cat), m = 0;
    const char **names = mxMalloc((size_t)(n ? n : 1) * sizeof *names);
    for (int i = 0; i < n; i++) {
        if (!algos) {
            names[m++] = nisac_catalog_system_at(cat, i)->name;
        } else {
            const nisac_algo *a = nisac_catalog_algo_at(cat, i);
            if (!*system || strcmp(a->system, system) == 0) names[m++] = a->name;
        }
    }
    mxArray *cell = mxCreateCellMatrix(1, (size_t)m);
    for (int i = 0; i < m; i++) mxSetCell(cell, i, mxCreateString(names[i]));
    mxFree(names);
    return cell;
}

static void cmd_run(held *c, int nrhs, const mxArray *prhs[], mxArray **out)
{
    if (nrhs != 6) fail(c, "run: expected 5 arguments after 'run', got %d", nrhs - 1);
    const char *cfg = text_arg(c, prhs[1], 0, "run: config");
    const char *dir = text_arg(c, prhs[2], 1, "run: out");
    double workers = num_arg(c, prhs[3], "run: workers");
    if (workers < 1 || workers > 1024 || workers != floor(workers))
        fail(c, "run: workers: expected an integer in [1, 1024], got %g", workers);
    if (nisac_experiment_load(NULL, cfg, &c->e, c->msg, sizeof c->msg)) fail(c, "run: %s", c->msg);
    nisac_run_opts o = {0};
    o.out_dir = dir;
    o.workers = (int)workers;
    o.resume = num_arg(c, prhs[4], "run: resume") != 0;
    o.force = num_arg(c, prhs[5], "run: force") != 0;
    o.batch = 16;
    o.threads = 1;
    nisac_run_result res;
    memset(&res, 0, sizeof res);
    if (nisac_experiment_run(c->e, &o, &res)) fail(c, "run: %s", res.msg);
    if (nisac_summarize(res.results, dir, 0, c->msg, sizeof c->msg)) fail(c, "run: summary: %s", c->msg);
    *out = mxCreateString(res.results);
}

void mexFunction(int nlhs, mxArray *plhs[], int nrhs, const mxArray *prhs[])
{
    held c;
    memset(&c, 0, sizeof c);
    if (openblas_set_num_threads) openblas_set_num_threads(1);
    if (nlhs > 1) fail(&c, "nisac_mex: one output at most");
    if (nrhs < 1) fail(&c, "nisac_mex: expected a command (systems, algorithms, parameters, options, design, "
                           "evaluate, run)");
    const char *cmd = text_arg(&c, prhs[0], 3, "nisac_mex: command");
    mxArray *out = NULL;
    if (strcmp(cmd, "systems") == 0) {
        out = names_cell("", 0);
    } else if (strcmp(cmd, "algorithms") == 0) {
        out = names_cell(nrhs > 1 ? text_arg(&c, prhs[1], 0, "algorithms: system") : "", 1);
    } else if (strcmp(cmd, "parameters") == 0) {
        if (nrhs != 2) fail(&c, "parameters: expected a system");
        const nisac_system *s = find_system(&c, text_arg(&c, prhs[1], 0, "parameters: system"), "parameters");
        out = table_struct(s->params, s->nparams);
    } else if (strcmp(cmd, "options") == 0) {
        if (nrhs != 3) fail(&c, "options: expected a system and an algorithm");
        const nisac_system *s = find_system(&c, text_arg(&c, prhs[1], 0, "options: system"), "options");
        const nisac_algo *a = find_algo(&c, s, text_arg(&c, prhs[2], 1, "options: algorithm"), "options");
        out = table_struct(a->opts, a->nopts);
    } else if (strcmp(cmd, "design") == 0) {
        cmd_design(&c, nrhs, prhs, &out);
    } else if (strcmp(cmd, "evaluate") == 0) {
        cmd_evaluate(&c, nrhs, prhs, &out);
    } else if (strcmp(cmd, "run") == 0) {
        cmd_run(&c, nrhs, prhs, &out);
    } else {
        fail(&c, "nisac_mex: unknown command '%s' (systems, algorithms, parameters, options, design, evaluate, run)",
             cmd);
    }
    release(&c);
    plhs[0] = out;
}
