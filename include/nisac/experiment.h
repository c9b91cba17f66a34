/* Experiments: a JSON config (schema in docs/experiments.md) describing a
 * sweep of scenarios, the algorithms to compare, trials per point, the
 * metrics to record and the plots to draw; the runner that computes the
 * per-trial records; summaries and plots of the records.
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

#ifdef __cplusplus
extern "C" {
#endif

#define NISAC_EXP_MAX_AXES 4
#define NISAC_EXP_MAX_AXIS_PARAMS 4
#define NISAC_EXP_MAX_VALUES 4096
#define NISAC_EXP_MAX_ALGOS 16
#define NISAC_EXP_MAX_METRICS 32
#define NISAC_EXP_MAX_PLOTS 16
#define NISAC_EXP_MAX_SERIES_BY 4
#define NISAC_EXP_MAX_FILTERS 4

/* A sweep axis: one parameter, or several swept together (zip). */
typedef struct nisac_exp_axis {
    int nparams;
    int param[NISAC_EXP_MAX_AXIS_PARAMS]; /* indices into the parameter table */
    int nvalues;
    double *values;                       /* nvalues x nparams, row-major */
} nisac_exp_axis;

typedef struct nisac_exp_algo {
    char label[48];
    const nisac_algo *algo;
    nisac_opts opts;
    int noverride;
    int override_param[8];
    double override_value[8];
    int gamma_from;   /* index of an earlier entry whose achieved min SINR becomes this
                         entry's SINR target, or -1 */
} nisac_exp_algo;

typedef enum { NISAC_EVAL_ESTIMATE = 0, NISAC_EVAL_ERROR_BALL = 1, NISAC_EVAL_ERROR_SPHERE = 2 } nisac_eval_mode;

typedef enum { NISAC_PLOT_LINE = 0, NISAC_PLOT_CDF = 1, NISAC_PLOT_PDF = 2 } nisac_plot_kind;

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
    nisac_noma_params base;         /* scenario before the sweep */
    int common_channels;            /* 1: the channel of trial t is the same at every point */
    int naxes;
    nisac_exp_axis axes[NISAC_EXP_MAX_AXES];
    int npoints;                    /* product of the axis lengths */
    int nalgos;
    nisac_exp_algo algos[NISAC_EXP_MAX_ALGOS];
    int trials;
    uint64_t seed;
    nisac_eval_mode eval_mode;
    int draws;                      /* evaluation draws per design (1 for the estimate) */
    double eval_eps;                /* error radius of the evaluation draws; NaN: the scenario's eps */
    int nmetrics;
    int metric[NISAC_EXP_MAX_METRICS];
    int nplots;
    nisac_exp_plot plots[NISAC_EXP_MAX_PLOTS];
    uint64_t hash;                  /* FNV-1a of the canonical config, plots and description left out */
    int maxK, maxM;                 /* over the sweep: widths of the per-user/per-target columns */
} nisac_experiment;

/* Loads and validates a config.  On error returns NISAC_EPARSE, NISAC_EIO
 * or NISAC_EINVAL and writes "FILE:LINE:COL: field 'PATH': what was
 * expected" to msg.  Free with nisac_experiment_free. */
int nisac_experiment_load(const char *path, nisac_experiment **out, char *msg, size_t msglen);
/* The same from a text in memory; name is used in messages. */
int nisac_experiment_parse(const char *text, size_t len, const char *name, nisac_experiment **out,
                           char *msg, size_t msglen);
void nisac_experiment_free(nisac_experiment *e);

/* Work units: unit = point * trials + trial; each gives nalgos * draws rows. */
long nisac_experiment_units(const nisac_experiment *e);
int nisac_experiment_rows_per_unit(const nisac_experiment *e);

/* The parameters of sweep point `point`. */
void nisac_experiment_point_params(const nisac_experiment *e, int point, nisac_noma_params *p);

/* Writes the header (comment lines and the column line) of a results file. */
void nisac_experiment_write_header(const nisac_experiment *e, FILE *f);
/* Computes one unit and returns its rows as a malloc'ed text (caller
 * frees), NULL on an allocation failure.  Never fails on a solver
 * outcome: a failed design gives rows with its status and NaN metrics. */
char *nisac_experiment_unit(const nisac_experiment *e, long unit);

/* The column names of the records after the fixed ones
 * (point, sweep parameters, algo, trial, draw, status). */
int nisac_experiment_columns(const nisac_experiment *e, char names[][48], int max);

/* Names in the sweep-parameter and metric tables (for --help and docs). */
const char *nisac_exp_param_name(int i);  /* NULL past the end */
const char *nisac_exp_metric_name(int i); /* NULL past the end */
const char *nisac_exp_metric_help(int i);

/* ---- runner ---- */
typedef struct nisac_run_opts {
    const char *out_dir;  /* results folder (created if missing) */
    int workers;          /* worker processes (>= 1) */
    int resume;           /* continue an interrupted run */
    int force;            /* overwrite finished or partial results */
    int quiet;            /* no progress output */
    int batch;            /* units per flush+fsync (also synced every second) */
} nisac_run_opts;

/* Runs the experiment into OUT/results.csv (written as
 * OUT/results.csv.partial until complete, then renamed).  Returns 0 when
 * complete, 3 when interrupted (the partial file can be resumed), 2 on
 * bad input (msg says what), 1 on another error. */
int nisac_experiment_run(const nisac_experiment *e, const nisac_run_opts *o, char *msg, size_t msglen);

/* Whether this build has MPI, and whether the process runs under mpirun
 * with more than one rank. */
int nisac_have_mpi(void);

/* ---- summaries and plots ---- */
/* Reads a results file; writes OUT/summary.csv and OUT/summary.md (or
 * next to the results when out_dir is NULL). */
int nisac_summarize(const char *results, const char *out_dir, char *msg, size_t msglen);
/* Draws the config's plots from OUT/results.csv into OUT with gnuplot. */
int nisac_plot(const nisac_experiment *e, const char *out_dir, char *msg, size_t msglen);

/* Student-t statistics of x[0..n-1] (NaNs skipped): count, mean,
 * standard deviation (n-1), half-width of the 95% confidence interval. */
void nisac_stats_ci95(const double *x, int n, int *count, double *mean, double *sd, double *half);

#ifdef __cplusplus
}
#endif
#endif
