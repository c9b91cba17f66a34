/* libFuzzer target: the results-file readers.  The input (after a mode
 * byte) becomes a results file given to `summarize` (strict and
 * lenient), or a results.csv.partial, with this config's header in front
 * half of the time and an index after a 0xff byte, given to --resume of
 * a small experiment (stopped before it computes anything).  Build and
 * run with `make fuzz`. */
#include "nisac/experiment.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char dir[64];
static nisac_experiment *exp_;

static int stop_at_once(void *user)
{
    (void)user;
    return 1;
}

static void put(const char *name, const void *a, size_t n, const char *b, size_t m)
{
    char p[128];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    FILE *f = fopen(p, "wb");
    if (!f) __builtin_trap();
    if (a) fwrite(a, 1, n, f);
    if (b) fwrite(b, 1, m, f);
    fclose(f);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    snprintf(dir, sizeof dir, "/tmp/nisac-fuzz-%ld", (long)getpid());
    char cmd[128];
    snprintf(cmd, sizeof cmd, "mkdir -p %s", dir);
    if (system(cmd)) return 0;
    const char *cfg = "{\"scenario\": {\"N\": 2, \"K\": 2}, \"sweep\": [{\"param\": \"Ps\", \"values\": [1, 2]}],"
                      " \"algorithms\": [{\"algo\": \"sdr-powermin\"}, {\"label\": \"b\", \"algo\": \"oma-sdr\"}],"
                      " \"trials\": 3, \"metrics\": [\"total_power\", \"user_sinr_db\"]}";
    char msg[512];
    if (nisac_experiment_parse(NULL, cfg, strlen(cfg), "fuzz.json", &exp_, msg, sizeof msg)) __builtin_trap();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) return 0;
    const int mode = data[0] % 4;
    const char *body = (const char *)data + 1;
    size_t n = size - 1;
    char msg[1024], p[160];
    if (mode < 2) {
        put("r.csv", body, n, NULL, 0);
        snprintf(p, sizeof p, "%s/r.csv", dir);
        nisac_summarize(p, dir, mode ? NISAC_READ_LENIENT : 0, msg, sizeof msg);
        return 0;
    }
    /* --resume over a damaged partial file (and index) */
    char *hdr = NULL;
    size_t hl = 0;
    FILE *h = open_memstream(&hdr, &hl);
    if (mode == 3) nisac_experiment_write_header(exp_, h);
    fclose(h);
    const char *cut = memchr(body, 0xff, n);
    size_t pn = cut ? (size_t)(cut - body) : n;
    snprintf(p, sizeof p, "%s/run/results.csv.partial", dir);
    char cmd[160];
    snprintf(cmd, sizeof cmd, "rm -rf %s/run && mkdir -p %s/run", dir, dir);
    if (system(cmd)) return 0;
    put("run/results.csv.partial", hdr, hl, body, pn);
    if (cut) put("run/results.csv.partial.idx", cut + 1, n - pn - 1, NULL, 0);
    free(hdr);
    nisac_run_opts o;
    memset(&o, 0, sizeof o);
    snprintf(p, sizeof p, "%s/run", dir);
    o.out_dir = p;
    o.workers = 1;
    o.resume = 1;
    o.cancelled = stop_at_once;
    nisac_run_result res;
    int rc = nisac_experiment_run(exp_, &o, &res);
    if (rc != NISAC_OK && rc != NISAC_EINTERRUPTED && rc != NISAC_EINVAL && rc != NISAC_EIO) __builtin_trap();
    if (rc == NISAC_EINTERRUPTED && (res.done < 0 || res.done > nisac_experiment_units(exp_))) __builtin_trap();
    return 0;
}
