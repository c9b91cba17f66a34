/* Internals shared by the files of src/exp. */
#ifndef NISAC_EXP_INTERNAL_H
#define NISAC_EXP_INTERNAL_H

#include <stddef.h>
#include "nisac/experiment.h"

/* Metric table (records.c). */
int nisac__metric_find(const char *name);

/* The index into each sweep axis of sweep point `point` (last axis fastest). */
void nisac__point_index(const nisac_experiment *e, int point, int idx[NISAC_EXP_MAX_AXES]);

/* Reads a whole file (at most max bytes); NULL on failure (errno set). */
char *nisac__slurp(const char *path, size_t max, size_t *len);
/* Writes data to path atomically (temporary file, fsync, rename). */
int nisac__write_atomic(const char *path, const char *data, size_t len);
/* Creates a folder and its parents. */
int nisac__mkdirs(const char *path);

#endif

/* A results file in memory (summary.c). */
typedef struct {
    char *text;
    char *header;       /* the comment lines, '\n'-separated */
    int ncols;
    char **cols;
    long nrows;
    char **cell;        /* nrows x ncols, row-major, pointers into text */
    int c_point, c_algo, c_trial, c_draw, c_status, c_first_metric;
} nisac__table;

int nisac__table_read(const char *path, nisac__table *t, char *msg, size_t msglen);
void nisac__table_free(nisac__table *t);
int nisac__table_col(const nisac__table *t, const char *name);
double nisac__cell_num(const char *s);
int nisac__status_feasible(const char *status);
