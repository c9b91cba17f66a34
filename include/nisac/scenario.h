/* A single-instance scenario: a system, its parameters, the channel
 * source (a drawn stream or explicit data), an algorithm and its
 * options, loadable from JSON (schema in docs/cli.md). */
#ifndef NISAC_SCENARIO_H
#define NISAC_SCENARIO_H

#include <stdint.h>
#include "nisac/algo.h"

#ifdef __cplusplus
extern "C" {
#endif
#pragma GCC visibility push(default) /* the public API of the shared library */

typedef struct nisac_scenario {
    const nisac_catalog *cat;
    const nisac_system *sys;
    nisac_params *p;        /* the system's parameters */
    const nisac_algo *algo;
    nisac_params *opts;     /* the algorithm's options */
    uint64_t seed;          /* channel stream seed */
    uint64_t trial;         /* channel stream trial index */
    uint64_t algo_seed;     /* the algorithm's random stream (Gaussian randomisation) */
    int channel_model;      /* index into sys->channel_models */
    nisac_inputs in;        /* explicit inputs, one slot per sys->inputs entry (NULL: drawn) */
} nisac_scenario;

/* The defaults of system `system` (NULL: the default system) and its
 * default algorithm; cat NULL means the built-ins.  Free with
 * nisac_scenario_clear.  NISAC_ENOTFOUND for an unknown system. */
int nisac_scenario_init(nisac_scenario *s, const nisac_catalog *cat, const char *system);
void nisac_scenario_clear(nisac_scenario *s);
/* Selects the algorithm (its options back to their defaults). */
int nisac_scenario_set_algo(nisac_scenario *s, const char *name);

/* Reads a JSON scenario over s (fields absent keep their values; a
 * "system" field different from s's system starts from that system's
 * defaults).  On error returns NISAC_EPARSE/NISAC_EIO/NISAC_EINVAL and a
 * message "FILE:LINE:COL: field 'NAME': what was expected" in msg. */
int nisac_scenario_load_json(const char *path, nisac_scenario *s, char *msg, size_t msglen);
/* Explicit input i of the system (0: its channels) from a .npy or .mat
 * file at path, as a scenario's "NAME": "FILE" field reads it: the file's
 * shape sets the sizes.  Messages start with label (e.g. "--channels"). */
int nisac_scenario_input_file(nisac_scenario *s, int i, const char *path, const char *label, char *msg,
                              size_t msglen);
/* The same from a text in memory; name is used in messages. */
int nisac_scenario_parse(const char *text, size_t len, const char *name, nisac_scenario *s, char *msg,
                         size_t msglen);

/* The instance: explicit inputs, or channels drawn from the stream
 * (seed, 0, trial, purpose). */
int nisac_scenario_instance(const nisac_scenario *s, nisac_instance **out);

#pragma GCC visibility pop

#ifdef __cplusplus
}
#endif
#endif
