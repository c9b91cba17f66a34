/* Positions of the values of a JSON text by path ("sweep[1].values[0]"),
 * since jansson keeps none.  Internal to src/exp. */
#ifndef NISAC_JPOS_H
#define NISAC_JPOS_H

#include <stddef.h>

#define jpos_scan nisac__jpos_scan
#define jpos_find nisac__jpos_find
#define jpos_free nisac__jpos_free

typedef struct {
    char *path;
    int line, col;
} jpos_entry;

typedef struct {
    jpos_entry *e;
    int n, cap;
} jpos_map;

/* Scans text (already accepted by jansson) and records every member key
 * and array element with its line and column (1-based).  Returns 0, or
 * -1 when out of memory. */
int jpos_scan(const char *text, size_t len, jpos_map *m);
/* The position of path; 0 when not found (line and col set to 0). */
int jpos_find(const jpos_map *m, const char *path, int *line, int *col);
void jpos_free(jpos_map *m);

#endif
