/* Experiments: a JSON config (schema in docs/experiments.md) naming a
 * system, a sweep of its parameters, the algorithms to compare, trials
 * per point, the metrics to record and the plots to draw; the runner that
 * computes the per-trial records; summaries and plots of the records.
 *
 * Everything here is generic over systems: parameters, metrics and their
 * shapes come from the system's tables (include/nisac/system.h).
 *
 * Records are a pure function of the config: every random draw comes
 * from a stream keyed by (seed, point, trial, purpose), so the results
 * file is byte-identical for any number of worker processes or MPI
 * ranks. */
#ifndef NISAC_EXPERIMENT_H
#define NISAC_EXPERIMENT_H

#include <stdint.h>
#include <stdio.h>
#include "nisac/algo.h"
#include "nisac/stats.h"

#ifdef __cplusplus
extern "C" {
#endif
#pragma GCC visibility push(default) /* the public API of the shared library */

#define NISAC_EXP_MAX_AXES 4
#define NISAC_EXP_MAX_AXIS_PARAMS 4
#define NISAC_EXP_MAX_VALUES 4096
#define NISAC_EXP_MAX_ALGOS 16
#define NISAC_EXP_MAX_OVERRIDES 8
#define NISAC_EXP_MAX_METRICS 32
#define NISAC_EXP_MAX_PLOTS 16
#define NISAC_EXP_MAX_SERIES_BY 4
#define NISAC_EXP_MAX_FILTERS 4
/* "vectors": "auto" keeps per-user/per-target metrics as columns
 * NAME_1..NAME_n of results.csv up to this width, and writes them to
 * vectors.csv (long format) beyond it. */
#define NISAC_EXP_WIDE_MAX 32

/* A sweep axis: one parameter, or several swept together (zip). */
typedef struct nisac_exp_axis {
    int nparams;
    int param[NISAC_EXP_MAX_AXIS_PARAMS]; /* indices into the system's parameter table */
    int nvalues;
    double *values;                       /* nvalues x nparams, row-major, config units */
} nisac_exp_axis;

typedef struct nisac_exp_algo {
    char label[48];
    const nisac_algo *algo;
    nisac_params *opts;                   /* the entry's options (the algorithm's table) */
    int noverride;
    int override_param[NISAC_EXP_MAX_OVERRIDES];
    double override_value[NISAC_EXP_MAX_OVERRIDES]; /* config units */
    int from_entry;   /* "PARAM_from": index of an earlier entry, or -1 */
    int from_param;   /* the parameter it sets */
    int from_metric;  /* the metric of the earlier entry's design that gives its value */
} nisac_exp_algo;

typedef enum { NISAC_PLOT_LINE = 0, NISAC_PLOT_CDF = 1, NISAC_PLOT_PDF = 2 } nisac_plot_kind;
typedef enum { NISAC_VECTORS_WIDE = 0, NISAC_VECTORS_LONG = 1 } nisac_vectors_layout;

typedef struct nisac_exp_plot {
    char file[64];           /* file stem: FILE.png and FILE.pdf in the output folder */
    char title[128];
    char xlabel[96], ylabel[96];
    nisac_plot_kind kind;
    char x[32];              /* line: the sweep parameter on the x axis */
    char y[48];              /* the record column plotted */
    int nseries_by;
    char series_by[NISAC_EXP_MAX_SERIES_BY][32]; /* columns whose values make the curves */
    int nfilters;
    char filter_col[NISAC_EXP_MAX_FILTERS][32];
    char filter_val[NISAC_EXP_MAX_FILTERS][48];
    int errorbars;           /* 95% CI error bars (line plots) */
    int bins;                /* pdf: histogram bins */
    int logy;
    int all_status;          /* 1: plot every record; 0 (default): only designs with status
                                optimal or feasible */
    double vline;            /* cdf/pdf: a reference line at this x (NaN: none) */
} nisac_exp_plot;

typedef struct nisac_experiment {
    char name[64];
    char path[512];                 /* the config file */
    const nisac_catalog *cat;       /* where its system and algorithms were found */
    const nisac_system *sys;        /* "system" (default noma-isac) */
    nisac_params *base;             /* scenario before the sweep */
    int channel_model;              /* index into sys->channel_models */
    int common_channels;            /* 1: the channel of trial t is the same at every point */
    char chan_file[512];            /* "channels": {"file": F}: the channels of every trial from F ("": drawn) */
    int chan_count;                 /* realisations in it: trial t takes realisation t (1: all take it) */
    int chan_rows, chan_cols;       /* one realisation in the system's input layout (inner x outer) */
    double _Complex *chan;          /* chan_count blocks of chan_rows x chan_cols, column-major */
    int naxes;
    nisac_exp_axis axes[NISAC_EXP_MAX_AXES];
    int npoints;                    /* product of the axis lengths */
    int nalgos;
    nisac_exp_algo algos[NISAC_EXP_MAX_ALGOS];
    int trials;
    uint64_t seed;
    int eval_mode;                  /* index into sys->eval_modes (0: on the instance) */
    int draws;                      /* evaluation draws per design (1 for the instance) */
    double eval_eps;                /* error radius of the evaluation draws; NaN: the scenario's own */
    int nmetrics;
    int metric[NISAC_EXP_MAX_METRICS]; /* indices into sys->metrics */
    nisac_vectors_layout vectors;   /* where vector metrics go */
    int vectors_auto;               /* "vectors": "auto" (the default) */
    int dim_max[NISAC_MAX_DIMS];    /* over the sweep: the largest size of each dimension */
    int nplots;
    nisac_exp_plot plots[NISAC_EXP_MAX_PLOTS];
    uint64_t hash;                  /* FNV-1a of the canonical config, plots and description left out */
} nisac_experiment;

/* Loads and validates a config, looking systems and algorithms up in cat
 * (NULL: the built-ins).  On error returns NISAC_EPARSE, NISAC_EIO or
 * NISAC_EINVAL and writes "FILE:LINE:COL: field 'PATH': what was
 * expected" to msg.  Free with nisac_experiment_free. */
int nisac_experiment_load(const nisac_catalog *cat, const char *path, nisac_experiment **out, char *msg,
                          size_t msglen);
/* The same from a text in memory; name is used in messages. */
int nisac_experiment_parse(const nisac_catalog *cat, const char *text, size_t len, const char *name,
                           nisac_experiment **out, char *msg, size_t msglen);
void nisac_experiment_free(nisac_experiment *e);

/* Work units: unit = point * trials + trial; each gives nalgos * draws rows. */
long nisac_experiment_units(const nisac_experiment *e);
int nisac_experiment_rows_per_unit(const nisac_experiment *e);

/* The parameters of sweep point `point` into p (a set of e->sys). */
int nisac_experiment_point_params(const nisac_experiment *e, int point, nisac_params *p);

/* Writes the header (comment lines and the column line) of results.csv,
 * and of vectors.csv. */
void nisac_experiment_write_header(const nisac_experiment *e, FILE *f);
void nisac_experiment_write_vectors_header(const nisac_experiment *e, FILE *f);
/* Computes one unit: its rows of results.csv and (long layout) of
 * vectors.csv, as malloc'ed texts the caller frees (*vectors is "" in
 * the wide layout).  A design that fails with an error gives rows with
 * status "error" after a comment line "# error: ..." that says why; a
 * solver outcome is a status, never an error.  Returns NISAC_OK, or
 * NISAC_ENOMEM. */
int nisac_experiment_compute(const nisac_experiment *e, long unit, char **rows, char **vectors);
/* The rows of results.csv alone (NULL on an error). */
char *nisac_experiment_unit(const nisac_experiment *e, long unit);

/* Columns of results.csv after the fixed ones (point, sweep parameters,
 * algo, trial, draw, status). */
int nisac_experiment_ncolumns(const nisac_experiment *e);
/* Name of column i of those into buf; 0, or -1 when i is out of range. */
int nisac_experiment_column(const nisac_experiment *e, int i, char *buf, size_t len);
/* Whether name is one of those columns. */
int nisac_experiment_is_column(const nisac_experiment *e, const char *name);

/* ---- runner ---- */
typedef struct nisac_run_progress {
    long total;       /* units of the experiment */
    long start;       /* units already done when this run started (resume) */
    long done;        /* units written */
    double elapsed;   /* seconds since this run started */
    int workers;      /* worker processes or MPI ranks */
    int mpi;          /* 1: MPI ranks */
    int final;        /* 1: the last call of the run */
} nisac_run_progress;

typedef struct nisac_run_opts {
    const char *out_dir;  /* results folder (created if missing) */
    int workers;          /* worker processes (>= 1; ignored under MPI with several ranks) */
    int resume;           /* continue an interrupted run */
    int force;            /* overwrite finished or partial results */
    int batch;            /* units per flush+fsync (also synced every second) */
    /* Called by the writing process after every unit written (and at the
     * start and the end); may be NULL. */
    void (*progress)(const nisac_run_progress *p, void *user);
    /* Polled between units; non-zero stops the run at the next unit
     * boundary (the file can then be resumed).  May be NULL. */
    int (*cancelled)(void *user);
    void *user;
    int threads;          /* threads per worker process (0 or 1: one; at most 64): the native conic
                             solves are reentrant; CSDP's are serialised within a process */
} nisac_run_opts;

typedef struct nisac_run_result {
    long total, start, done;
    int already_complete; /* the results were complete before this run */
    int rank;             /* this process's MPI rank (0 without MPI) */
    char results[1100];   /* OUT/results.csv */
    char msg[1024];       /* what went wrong */
} nisac_run_result;

/* Runs the experiment into OUT/results.csv (and OUT/vectors.csv in the
 * long layout), written as OUT/NAME.partial until complete, then renamed.
 * Under MPI (the caller has called MPI_Init and runs several ranks) the
 * ranks share the units and rank 0 writes.  Returns NISAC_OK when
 * complete, NISAC_EINTERRUPTED when cancelled (resume with opts.resume),
 * NISAC_EINVAL on bad input (existing results, a partial file of another
 * config), NISAC_EIO or NISAC_ENOMEM on another error; res->msg says
 * what. */
int nisac_experiment_run(const nisac_experiment *e, const nisac_run_opts *o, nisac_run_result *res);

/* Whether this build has MPI. */
int nisac_have_mpi(void);

/* ---- summaries and plots ---- */
/* Reading results files: strict by default (a damaged row, a duplicate
 * record, an unknown group is an error with FILE:LINE); lenient skips
 * and counts them. */
#define NISAC_READ_LENIENT 1
/* Reads a results file; writes OUT/summary.csv and OUT/summary.md (or
 * next to the results when out_dir is NULL). */
int nisac_summarize(const char *results, const char *out_dir, int flags, char *msg, size_t msglen);
/* The statistical comparison of the algorithms of a results file
 * (docs/statistics.md): per sweep point and metric (metrics: nmetrics
 * column names, or every metric when nmetrics is 0), each algorithm's
 * mean and interval at level, a one-way ANOVA, and each pair by the paired
 * t-test over the records both have, with Holm, Bonferroni and Tukey HSD
 * p-values and Cohen's d_z; writes OUT/report.md and OUT/report.csv
 * atomically (OUT: out_dir, or the results' folder). */
int nisac_stats_report(const char *results, const char *out_dir, const char *const *metrics, int nmetrics, double level,
                 int flags, char *msg, size_t msglen);
/* Draws the config's plots from OUT/results.csv into OUT with gnuplot. */
int nisac_plot(const nisac_experiment *e, const char *out_dir, int flags, char *msg, size_t msglen);

#pragma GCC visibility pop

#ifdef __cplusplus
}
#endif
#endif
