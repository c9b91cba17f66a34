/* Systems: one paper's physical set-up behind one interface.
 *
 * A system (nisac_system) declares its scenario parameters, the shapes
 * of its metrics, its constraint families, the explicit data a scenario
 * may give, and provides instance creation and the judge.  Everything
 * above model/ (algorithm driver, experiments, records, summaries, plots,
 * the CLI) works from these tables and never names a system's fields.
 *
 * Objects and ownership:
 *   nisac_instance  a problem instance: the system's own data (true
 *                   channel and what the base station knows); made by
 *                   nisac_instance_new, freed by nisac_instance_free.
 *   nisac_design_t  the variables of a design as named blocks, allocated
 *                   by the system for an instance (nisac_design_new).
 *   nisac_report    what an algorithm says about its run: status,
 *                   objective, counters, named diagnostics, and the
 *                   model's evaluation (nisac_report_new).
 *   nisac_eval      metric values and named violations, computed by the
 *                   system's judge on a channel, never copied from a
 *                   solver (nisac_eval_new).
 * The caller owns what it creates with *_new and frees it with *_free. */
#ifndef NISAC_SYSTEM_H
#define NISAC_SYSTEM_H

#include <complex.h>
#include <stdint.h>
#include "nisac/core.h"
#include "nisac/params.h"
#include "nisac/rng.h"

#ifdef __cplusplus
extern "C" {
#endif
#pragma GCC visibility push(default) /* the public API of the shared library */

/* At most this many vector dimensions (users, targets, ...) per system. */
#define NISAC_MAX_DIMS 8

/* Bits of nisac_metric_def.flags. */
#define NISAC_MF_DESIGN 1u /* a property of the design, the same on every evaluation draw
                              (taken from the evaluation on the instance) */
#define NISAC_MF_ALWAYS 2u /* has a value even when no design exists (counters, targets) */

typedef struct nisac_metric_def {
    const char *name;   /* record column ("min_sinr_db"; vectors: "user_sinr_db_1" ...) */
    const char *unit;   /* of the recorded value */
    int dim;            /* -1: scalar; else index into nisac_system.dims */
    nisac_pconv conv;   /* values are kept in internal units; NISAC_PC_DB records 10 log10 */
    unsigned flags;     /* NISAC_MF_* */
    const char *help;
} nisac_metric_def;

typedef struct nisac_constraint_def {
    const char *name;   /* "sinr" */
    const char *eq;     /* equation number in the paper: "(12b)" */
    const char *help;
} nisac_constraint_def;

/* Explicit data a scenario file may give instead of drawing it: an array
 * of `outer` arrays of `inner` complex numbers [re, im]; outer and inner
 * name INT parameters of the system (their values follow from the data
 * when the file does not set them). */
typedef struct nisac_input_def {
    const char *name;   /* JSON key: "channels" */
    const char *outer;  /* "K" */
    const char *inner;  /* "N" */
    const char *help;
} nisac_input_def;

/* Explicit inputs: z[i] is input i as inner x outer column-major (ld =
 * inner), or NULL when not given. */
typedef struct nisac_inputs {
    int n;
    int *rows, *cols;
    double complex **z;
} nisac_inputs;

/* A block of design variables: complex (z) or real (x), rows x cols,
 * column-major with ld = rows. */
typedef struct nisac_block {
    const char *name;
    int rows, cols;
    double complex *z;
    double *x;
} nisac_block;

typedef struct nisac_system nisac_system;

typedef struct nisac_instance {
    const nisac_system *sys;
    const nisac_params *params; /* the parameters it was made from, borrowed: they must outlive
                                   the instance (NULL for a wrapped instance) */
    void *impl;               /* the system's own instance */
    int owned;                /* impl is freed with the instance */
    int dim[NISAC_MAX_DIMS];  /* sizes of the system's vector dimensions */
} nisac_instance;

typedef struct nisac_design {
    const nisac_system *sys;
    int nblocks;
    nisac_block *blocks;
    unsigned imposed;   /* constraint families (bit i: constraints[i]) the design must meet */
    int scheme;         /* system-defined variant (noma-isac: 0 NOMA with SIC, 1 OMA slots) */
} nisac_design_t;

typedef struct nisac_eval {
    const nisac_system *sys;
    int nmetrics;
    int *len;           /* values of metric i (1 for scalars) */
    double **val;       /* metric i's values, internal units */
    double *viol;       /* relative violation (>= 0) of each imposed constraint family; NaN for
                           a family the design does not impose (its bound plays no part) */
    double max_viol;    /* over the imposed families */
    int worst;          /* imposed family with the largest violation, -1 when none */
} nisac_eval;

/* A named diagnostic of a run (lambda2/lambda1 per user, bisection t). */
typedef struct nisac_info {
    char name[32];
    int len;
    double *v;
} nisac_info;

typedef struct nisac_report {
    nisac_solve_status status;
    int error;                 /* NISAC_E* code when the algorithm failed with an error, else 0 */
    double objective;          /* value of the metric objective_metric on the instance */
    const char *objective_metric;
    double bound;              /* relaxation bound of the problem the algorithm solved (NaN: none) */
    double gap;                /* relative duality gap of the last conic solve (NaN: none) */
    double pinf;               /* its relative primal infeasibility (NaN: none) */
    int iterations;            /* outer iterations */
    int solves;                /* conic solves */
    double wall;               /* seconds */
    char note[256];            /* what went wrong, when something did */
    int ninfo, capinfo;
    nisac_info *info;
    nisac_eval *eval;          /* the model's evaluation on the instance (set by nisac_design) */
} nisac_report;

/* Options of one evaluation by the judge. */
typedef struct nisac_eval_opts {
    int mode;            /* index into nisac_system.eval_modes; 0: on the instance */
    double eps;          /* error radius of modes > 0; NaN: the scenario's own */
    nisac_rng *rng;      /* draws of modes > 0 */
    double feas_tol;     /* relative tolerance (metrics that count outages) */
} nisac_eval_opts;

struct nisac_system {
    const char *name;      /* "noma-isac" */
    const char *summary;
    const nisac_param_def *params;
    int nparams;
    const char *const *dims;   /* names of the vector dimensions ("user", "target") */
    int ndims;
    const nisac_metric_def *metrics;
    int nmetrics;
    const nisac_constraint_def *constraints;
    int nconstraints;
    const nisac_input_def *inputs;
    int ninputs;
    const char *const *channel_models; /* "rayleigh", ...; index 0 is the default */
    int nchannel_models;
    const char *const *eval_modes;     /* "estimate" first, then error models */
    int neval_modes;
    const char *const *default_metrics; /* recorded when a config names none; NULL-terminated */
    const char *default_algo;          /* what `nisac solve` runs without --algo */
    /* Checks what the parameter table cannot (relations between fields);
     * NISAC_EINVAL with "field 'NAME': ..." via NISAC_FAIL. */
    int (*check)(const nisac_params *p);
    /* Sizes of the vector dimensions for parameters p (into size[ndims]). */
    void (*dim_sizes)(const nisac_params *p, int *size);
    /* Makes the system's instance: channels drawn from the streams
     * (seed, point, trial, purpose) with model `model`, or taken from in. */
    int (*instance_new)(const nisac_params *p, int model, const nisac_inputs *in, uint64_t seed,
                        uint64_t point, uint64_t trial, void **impl);
    void (*instance_free)(void *impl);
    /* Allocates the design's blocks for the instance. */
    int (*design_alloc)(const nisac_instance *inst, nisac_design_t *d);
    /* The judge: every metric and violation of design d (with report r,
     * possibly empty) on the instance (mode 0) or on a channel drawn by
     * mode > 0.  Fills every metric, even for a design that does not
     * exist (zero blocks): the engine decides what it records. */
    int (*evaluate)(const nisac_instance *inst, const nisac_design_t *d, const nisac_report *r,
                    const nisac_eval_opts *o, nisac_eval *ev);
};

/* ---- instances ---- */
/* Validates p (table ranges, then the system's check) and makes the
 * instance.  in may be NULL (channels drawn). */
int nisac_instance_new(const nisac_system *s, const nisac_params *p, int model, const nisac_inputs *in,
                       uint64_t seed, uint64_t point, uint64_t trial, nisac_instance **out);
void nisac_instance_free(nisac_instance *inst);
/* Wraps a system instance made elsewhere; own: free it with the wrapper.
 * dim[] gives the sizes of the vector dimensions. */
int nisac_instance_wrap(const nisac_system *s, void *impl, int own, const int *dim, nisac_instance **out);

/* A parameter set of system s with its defaults. */
nisac_params *nisac_system_params(const nisac_system *s);
/* Table checks of p, then s->check. */
int nisac_system_check(const nisac_system *s, const nisac_params *p);
int nisac_metric_find(const nisac_system *s, const char *name);
int nisac_constraint_find(const nisac_system *s, const char *name);

/* ---- designs ---- */
nisac_design_t *nisac_design_new(const nisac_instance *inst);
void nisac_design_free(nisac_design_t *d);
/* The block called name, NULL when none. */
nisac_block *nisac_design_block(const nisac_design_t *d, const char *name);
/* Zeroes every block (imposed and scheme too). */
void nisac_design_clear(nisac_design_t *d);
/* Allocation helper for systems: block i of d as a complex (z) or real
 * block of rows x cols. */
int nisac_design_set_block(nisac_design_t *d, int i, const char *name, int rows, int cols, int complex_);

/* ---- reports ---- */
nisac_report *nisac_report_new(void);
void nisac_report_free(nisac_report *r);
/* Back to an empty report (status not_run, NaN bound/gap/pinf); the
 * evaluation is freed. */
void nisac_report_reset(nisac_report *r);
/* Sets (replaces) the diagnostic called name to v[0..len-1]. */
int nisac_report_set(nisac_report *r, const char *name, const double *v, int len);
int nisac_report_set1(nisac_report *r, const char *name, double v);
/* The diagnostic called name (NULL and *len = 0 when absent). */
const double *nisac_report_get(const nisac_report *r, const char *name, int *len);
/* Its first value, or dflt when absent. */
double nisac_report_get1(const nisac_report *r, const char *name, double dflt);

/* ---- evaluations ---- */
nisac_eval *nisac_eval_new(const nisac_instance *inst);
void nisac_eval_free(nisac_eval *ev);
/* Runs the judge, then max_viol/worst over d->imposed; a metric called
 * "max_viol", when the system has one, receives max_viol. */
int nisac_evaluate(const nisac_instance *inst, const nisac_design_t *d, const nisac_report *r,
                   const nisac_eval_opts *o, nisac_eval *ev);
/* Scalar value of metric m (its first value; NaN when m < 0). */
double nisac_eval_scalar(const nisac_eval *ev, int m);
/* Converts an internal metric value to its recorded unit (dB for
 * NISAC_PC_DB: 0 -> -inf, negative or non-finite -> NaN). */
double nisac_metric_to_record(const nisac_metric_def *m, double x);
/* Whether a design with this status exists (its metrics mean something):
 * optimal, feasible, inaccurate, rounding_failed. */
int nisac_status_has_design(nisac_solve_status s);

#pragma GCC visibility pop

#ifdef __cplusplus
}
#endif
#endif
