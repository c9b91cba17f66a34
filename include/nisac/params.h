/* Parameter tables: one description of a setting drives JSON files, CLI
 * flags, --help, sweeps, validation messages and records.
 *
 * A table is an array of nisac_param_def.  Systems use it for their
 * scenario parameters and algorithms for their options.  Values live in a
 * nisac_params object, one value per entry, in *internal* units: a dB
 * setting is stored linear, an angle list in radians.  Config files,
 * flags and records speak the table's own unit (dB, degrees); the
 * conversion is the entry's `conv`. */
#ifndef NISAC_PARAMS_H
#define NISAC_PARAMS_H

#include <stddef.h>
#include "nisac/core.h"

#ifdef __cplusplus
extern "C" {
#endif
#pragma GCC visibility push(default) /* the public API of the shared library */

typedef enum nisac_ptype {
    NISAC_PT_INT = 0, /* integer in [lo, hi] */
    NISAC_PT_REAL,    /* finite real in [lo, hi] (open ends per flags), |x| <= NISAC_PARAM_ABS_MAX */
    NISAC_PT_CHOICE,  /* one of `choices`, stored as its index */
    NISAC_PT_BOOL,    /* true/false, stored as 1/0 */
    NISAC_PT_LIST,    /* list of reals, each in [lo, hi]; not sweepable */
    NISAC_PT_TEXT     /* text, e.g. a file path (nisac_params.text; default none); not sweepable */
} nisac_ptype;

typedef enum nisac_pconv {
    NISAC_PC_NONE = 0,
    NISAC_PC_DB,  /* given in dB, stored linear: 10^(x/10) */
    NISAC_PC_DEG  /* given in degrees, stored in radians */
} nisac_pconv;

/* Bits of nisac_param_def.flags. */
#define NISAC_PF_OPEN_LO 1u /* x > lo (not >=) */
#define NISAC_PF_NOSWEEP 2u /* not a sweep axis */

/* Magnitude cap on real values: keeps squares and sums of powers finite. */
#define NISAC_PARAM_ABS_MAX 1e12

typedef struct nisac_param_def {
    const char *name;            /* JSON key, sweep name, record column: "P_total" */
    const char *alias;           /* another command-line spelling ("Ptotal"), or NULL */
    nisac_ptype type;
    nisac_pconv conv;
    const char *unit;            /* of the config value: "W", "dB", "deg", "" */
    double def;                  /* default in config units (CHOICE: index; BOOL: 0/1) */
    double lo, hi;               /* accepted range in config units (INFINITY: open) */
    unsigned flags;              /* NISAC_PF_* */
    const char *const *choices;  /* CHOICE: names */
    int nchoices;
    const double *def_list;      /* LIST: default values in config units */
    int def_len;
    const char *from_metric;     /* a metric of the same system whose value (internal units) an
                                    experiment entry may take as this parameter ("NAME_from") */
    const char *help;
} nisac_param_def;

/* Values of one table.  v[i] is entry i's value in internal units;
 * list[i]/len[i] hold a LIST entry (internal units), NULL/0 otherwise. */
typedef struct nisac_params {
    const nisac_param_def *defs;
    int n;
    double *v;
    double **list;
    int *len;
    char **text;      /* TEXT entries (NULL: none) */
} nisac_params;

/* New value set holding every default; NULL when out of memory.  Free
 * with nisac_params_free. */
nisac_params *nisac_params_new(const nisac_param_def *defs, int n);
nisac_params *nisac_params_dup(const nisac_params *p);
void nisac_params_free(nisac_params *p);
/* Copies the values of src into dst (same table).  NISAC_ENOMEM or OK. */
int nisac_params_copy(nisac_params *dst, const nisac_params *src);

/* Index of the entry called name: its name, its alias, or its name with
 * '-' for '_' (command-line spelling); -1 when none. */
int nisac_param_find(const nisac_param_def *defs, int n, const char *name);

/* Checks x (config units) against entry d.  Returns 0, or NISAC_EINVAL
 * with "what was expected" written to why. */
int nisac_param_check(const nisac_param_def *d, double x, char *why, size_t len);
/* Config units to internal units and back. */
double nisac_param_to_internal(const nisac_param_def *d, double x);
double nisac_param_to_config(const nisac_param_def *d, double x);
/* Sets entry i from a config-unit value after nisac_param_check; on error
 * records "field 'NAME': ..." (nisac_last_error) and returns NISAC_EINVAL. */
int nisac_params_set(nisac_params *p, int i, double x);
/* The same by name (NISAC_ENOTFOUND when there is no such entry). */
int nisac_params_set_named(nisac_params *p, const char *name, double x);
/* A LIST entry from n config-unit values. */
int nisac_params_set_list(nisac_params *p, int i, const double *x, int n);
/* Internal value of the entry called name (NaN when none). */
double nisac_params_get(const nisac_params *p, const char *name);
/* A TEXT entry: set (a copy; NULL clears it) and read (NULL when unset or
 * not a TEXT entry). */
int nisac_params_set_text(nisac_params *p, int i, const char *text);
const char *nisac_params_get_text(const nisac_params *p, const char *name);

/* Parses a command-line value of entry d (a number, a choice name,
 * true/false) into config units; LIST takes "a,b,c" or "none" into the
 * caller's array x[*n] (capacity *n on entry).  0 or NISAC_EINVAL with why. */
int nisac_param_parse(const nisac_param_def *d, const char *text, double *x, char *why, size_t len);
int nisac_param_parse_list(const nisac_param_def *d, const char *text, double **x, int *n, char *why,
                           size_t len);
/* A config-unit value as it appears in records and messages: "own", "8",
 * "0.05", "true". */
void nisac_param_format(const nisac_param_def *d, double x, char *buf, size_t len);
/* Range text for help ("1..4096", "> 0", "all|own"). */
void nisac_param_range(const nisac_param_def *d, char *buf, size_t len);

/* Checks every value against its entry (config units); records
 * "field 'NAME': ..." on the first failure. */
int nisac_params_validate(const nisac_params *p);

#pragma GCC visibility pop

#ifdef __cplusplus
}
#endif
#endif
