/* libFuzzer target: the scenario reader (nisac solve --config): JSON,
 * positions, every parameter's table entry, explicit channels, the
 * algorithm and its options, then the system's and the algorithm's
 * checks.  Build and run with `make fuzz`. */
#include "nisac/scenario.h"

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char msg[1024];
    nisac_scenario s;
    if (nisac_scenario_init(&s, NULL, NULL)) __builtin_trap();
    if (nisac_scenario_parse((const char *)data, size, "fuzz.json", &s, msg, sizeof msg) == 0) {
        /* a parsed scenario is either valid or refused with a message */
        if (nisac_system_check(s.sys, s.p) == 0) (void)nisac_algo_check(s.algo, s.p, s.opts);
        if (!s.algo || !s.opts) __builtin_trap();
    } else if (!msg[0])
        __builtin_trap(); /* every refusal says why */
    nisac_scenario_clear(&s);
    return 0;
}
