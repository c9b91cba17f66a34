/* A single-instance scenario: system parameters, channel source,
 * algorithm and options, loadable from JSON (schema in docs/cli.md). */
#ifndef NISAC_SCENARIO_H
#define NISAC_SCENARIO_H

#include <stdint.h>
#include "nisac/algo.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct nisac_scenario {
    nisac_noma_params p;
    uint64_t seed;          /* channel stream seed */
    uint64_t trial;         /* channel stream trial index */
    double complex *H;      /* explicit channels N x K (caller's user order), or NULL */
    int H_N, H_K;           /* their shape */
    char algo[64];
    nisac_opts opts;
} nisac_scenario;

/* Paper 000's default scenario and algorithm sdr-maxmin. */
void nisac_scenario_default(nisac_scenario *s);
/* Frees the explicit channels, if any. */
void nisac_scenario_clear(nisac_scenario *s);

/* Reads a JSON scenario over s (fields absent keep their values).  On
 * error returns NISAC_EPARSE/NISAC_EIO/NISAC_EINVAL and a message
 * "FILE:LINE:COL: field 'NAME': what was expected" in msg. */
int nisac_scenario_load_json(const char *path, nisac_scenario *s, char *msg, size_t msglen);

/* The K channel vectors (N x K, ld N): the explicit ones, or Rayleigh
 * CN(0, I) draws from stream (seed, 0, trial, NISAC_PURPOSE_CHANNEL). */
int nisac_scenario_channels(const nisac_scenario *s, double complex *H);

#ifdef __cplusplus
}
#endif
#endif
