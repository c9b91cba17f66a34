/* Algorithms and the catalogue of systems and algorithms.
 *
 * An algorithm designs from what the base station knows (the instance);
 * nisac_design runs it, then evaluates the design with the system's
 * judge on the instance and fills the report.  Each algorithm declares
 * its own option table (nisac_param_def), so options never grow into a
 * shared struct.  The built-in catalogue is const; nisac_catalog_new
 * makes a caller-owned one that more systems and algorithms can join
 * (a test's toy system, a user's own algorithm). */
#ifndef NISAC_ALGO_H
#define NISAC_ALGO_H

#include <stdint.h>
#include "nisac/system.h"

#ifdef __cplusplus
extern "C" {
#endif
#pragma GCC visibility push(default) /* the public API of the shared library */

typedef struct nisac_algo {
    const char *name;      /* registry name: "sdr-powermin" */
    const char *system;    /* the system it designs for: "noma-isac" */
    const char *summary;
    const nisac_param_def *opts;  /* its options; the driver honours one called "feas_tol" */
    int nopts;
    /* Designs from inst into d (blocks zeroed on entry) and fills r's
     * status, counters and diagnostics; seed keys its random stream.
     * Returns NISAC_OK whatever the solver outcome, an error code on an
     * error (allocation, LAPACK, invalid options). */
    int (*design)(const nisac_instance *inst, const nisac_params *opts, uint64_t seed, nisac_design_t *d,
                  nisac_report *r);
    /* Estimated peak memory (MiB) of a design for the system parameters
     * p with options opts, or NULL when small.  A design whose estimate
     * exceeds the option "max_memory_mb" (default NISAC_DEF_MAX_MEMORY_MB)
     * is refused before it starts (nisac_algo_check). */
    double (*memory_mb)(const nisac_params *p, const nisac_params *opts);
} nisac_algo;

/* Whether a can design for system parameters p with options opts within
 * its memory limit: NISAC_OK, or NISAC_EUNSUPPORTED with a message that
 * gives the estimate, the limit and the option that raises it. */
int nisac_algo_check(const nisac_algo *a, const nisac_params *p, const nisac_params *opts);

/* Option set of a with its defaults. */
nisac_params *nisac_algo_opts(const nisac_algo *a);
/* The judge's relative tolerance for a design made with options opts:
 * their "feas_tol", or NISAC_DEF_FEAS_TOL (opts NULL or without one). */
double nisac_algo_feas_tol(const nisac_params *opts);

/* Runs a on inst (after nisac_algo_check): resets d and r, designs, evaluates d on the instance
 * (r->eval, r->objective, r->max-violation fields) and times it.  A
 * design whose re-evaluated violation exceeds the option feas_tol is never
 * reported optimal or feasible: its status becomes inaccurate and r->note
 * names the constraint.  opts may be NULL (defaults).  On an error the
 * report says status "error", r->error the code and r->note the message,
 * and the code is returned. */
int nisac_design(const nisac_algo *a, const nisac_instance *inst, const nisac_params *opts, uint64_t seed,
                 nisac_design_t *d, nisac_report *r);

/* ---- catalogue ---- */
typedef struct nisac_catalog nisac_catalog;

/* The built-in systems and algorithms (const, shared). */
const nisac_catalog *nisac_catalog_builtin(void);
/* A caller-owned catalogue holding the built-ins; NULL when out of memory. */
nisac_catalog *nisac_catalog_new(void);
void nisac_catalog_free(nisac_catalog *c);
/* Adds a system or an algorithm (pointers must outlive the catalogue).
 * NISAC_EINVAL on a duplicate name or an algorithm of an unknown system. */
int nisac_catalog_add_system(nisac_catalog *c, const nisac_system *s);
int nisac_catalog_add_algo(nisac_catalog *c, const nisac_algo *a);

int nisac_catalog_nsystems(const nisac_catalog *c);
const nisac_system *nisac_catalog_system_at(const nisac_catalog *c, int i);
int nisac_catalog_nalgos(const nisac_catalog *c);
const nisac_algo *nisac_catalog_algo_at(const nisac_catalog *c, int i);
/* By name; NULL when unknown.  A NULL catalogue means the built-ins. */
const nisac_system *nisac_system_find(const nisac_catalog *c, const char *name);
/* Algorithm name of system s (s NULL: any system). */
const nisac_algo *nisac_algo_find(const nisac_catalog *c, const nisac_system *s, const char *name);

/* The system files without a "system" field mean. */
#define NISAC_DEFAULT_SYSTEM "noma-isac"

#pragma GCC visibility pop

#ifdef __cplusplus
}
#endif
#endif
