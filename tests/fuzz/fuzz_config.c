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
    if (nisac_experiment_parse(NULL, (const char *)data, size, "fuzz.json", &e, msg, sizeof msg) == 0) {
        /* a loaded config must give its columns, each of them a column */
        char name[96];
        for (int i = 0; i < nisac_experiment_ncolumns(e) && i < 4096; i++)
            if (nisac_experiment_column(e, i, name, sizeof name) || !nisac_experiment_is_column(e, name)) __builtin_trap();
        nisac_experiment_free(e);
    }
    return 0;
}
