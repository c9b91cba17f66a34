/* Internals shared by the files of src/exp. */
#ifndef NISAC_EXP_INTERNAL_H
#define NISAC_EXP_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "nisac/experiment.h"

/* ---- schema (schema.c): what the records of an experiment look like ---- */
/* The index into each sweep axis of sweep point `point` (last axis fastest). */
void nisac__point_index(const nisac_experiment *e, int point, int idx[NISAC_EXP_MAX_AXES]);
/* The scenario parameters an algorithm entry overrides ("params"), set in q. */
void nisac__apply_overrides(const nisac_exp_algo *al, nisac_params *q);
/* ",v1,v2,..." : the sweep values of point as they appear in records. */
void nisac__point_prefix(const nisac_experiment *e, int point, char *buf, size_t len);
/* Columns recorded metric i (an index into e->metric) takes in
 * results.csv: 1 for a scalar, the dimension's largest size for a vector
 * in the wide layout, 0 for a vector in the long layout. */
int nisac__metric_columns(const nisac_experiment *e, int i);
/* Whether recorded metric i goes to vectors.csv. */
int nisac__metric_is_long(const nisac_experiment *e, int i);
/* FNV-1a over n bytes, continuing from h (start: NISAC_FNV_OFFSET). */
#define NISAC_FNV_OFFSET 1469598103934665603ULL
uint64_t nisac__fnv1a(const void *data, size_t n, uint64_t h);
/* Whether s[0..n) is a number as records write it (nan, inf, -inf, or
 * strtod's whole field), and a solve status name. */
int nisac__is_number(const char *s, size_t n);
int nisac__is_status(const char *s, size_t n);
/* Sweep columns of the records (one per swept parameter). */
int nisac__sweep_columns(const nisac_experiment *e);
/* The unit (point * trials + trial) a record line [s, nl) names, or -1
 * when its point or trial field is not one of the experiment's. */
long nisac__line_unit(const nisac_experiment *e, const char *s, const char *nl);
/* Appends ",x" in the records' number format. */
void nisac__put_num(FILE *f, double x);
/* The comment lines of both files. */
void nisac__write_comments(const nisac_experiment *e, FILE *f, const char *what);

/* ---- files (fsutil.c) ---- */
/* Reads a whole regular file into a buffer sized by the file; NULL with
 * errno set on failure (EISDIR for a folder, EFBIG when longer than max). */
char *nisac__slurp(const char *path, size_t max, size_t *len);
/* Its first max bytes at most. */
char *nisac__read_head(const char *path, size_t max, size_t *len);
/* The largest config or scenario file read (bytes), and results file. */
#define NISAC_MAX_CONFIG_BYTES ((size_t)16 << 20)
#define NISAC_MAX_RESULTS_BYTES ((size_t)1 << 40)
/* Writes data to path atomically (temporary file, fsync, rename). */
int nisac__write_atomic(const char *path, const char *data, size_t len);
/* Creates a folder and its parents. */
int nisac__mkdirs(const char *path);

/* Channels from a .npy file (shape (outer, inner); with stack, also (count, outer, inner)) or a
 * .mat variable (var, else the first; outer x inner, with stack also outer x inner x count): count
 * blocks of inner x outer, column-major, vector k (row k of the file) as column k, every entry
 * finite and at most NISAC_PARAM_ABS_MAX in magnitude.  Errors name the file (nisac_last_error). */
int nisac__read_channel_file(const char *path, const char *var, int stack, int *count, int *outer, int *inner,
                             _Complex double **data);

/* ---- a results file in memory (summary.c) ---- */
typedef struct {
    char *text;
    char *header;       /* the comment lines before the column line, '\n'-separated */
    int ncols;
    char **cols;
    long nrows;
    char **cell;        /* nrows x ncols, row-major, pointers into text */
    long *line;         /* the file line of each row */
    long skipped;       /* damaged rows and duplicates skipped (lenient reading) */
    int c_point, c_algo, c_trial, c_draw, c_status, c_first_metric;
} nisac__table;

/* Reads a results file; comment lines ('#') between rows are skipped.
 * Strict (lenient 0): a damaged row (NUL bytes, wrong field count, a
 * point, trial or draw outside the header's counts, an unknown status, a
 * non-numeric metric), a duplicate record or an algorithm beyond the
 * header's count is an error naming FILE:LINE; lenient: such rows are
 * skipped and counted in t->skipped. */
int nisac__table_read(const char *path, nisac__table *t, int lenient, char *msg, size_t msglen);
void nisac__table_free(nisac__table *t);
int nisac__table_col(const nisac__table *t, const char *name);
double nisac__cell_num(const char *s);
int nisac__status_feasible(const char *status);
/* Writes DIR/STEM.csv and DIR/STEM.md atomically, DIR being out_dir or the
 * folder of the results file; NISAC_EIO with the folder and the reason. */
int nisac__write_outputs(const char *results, const char *out_dir, const char *stem, const char *csv, size_t csvl,
                         const char *md, size_t mdl, char *msg, size_t msglen);

#endif
