/* libFuzzer target: the experiment config loader (JSON parsing, position
 * scan, validation of every field and sweep point, plots).  Build and run
 * with `make fuzz` (FUZZ_SECONDS bounds the run). */
#include "nisac/experiment.h"

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char msg[1024];
    nisac_experiment *e = NULL;
    if (nisac_experiment_parse((const char *)data, size, "fuzz.json", &e, msg, sizeof msg) == 0) {
        /* a loaded config must give a header and its columns */
        char cols[64][48];
        nisac_experiment_columns(e, cols, 64);
        nisac_experiment_free(e);
    }
    return 0;
}
