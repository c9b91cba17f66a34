/* JSON scenarios (jansson).  Unknown fields are errors, so that a typo is
 * never silently ignored. */
#include "nisac/scenario.h"
#include "nisac/channel.h"
#include "nisac/geom.h"
#include "jsonutil.h"
#include "exp_internal.h"

#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void nisac_scenario_default(nisac_scenario *s)
{
    memset(s, 0, sizeof *s);
    nisac_noma_params_default(&s->p);
    s->seed = 1;
    s->trial = 0;
    snprintf(s->algo, sizeof s->algo, "%s", "sdr-maxmin");
    nisac_opts_default(&s->opts);
}

void nisac_scenario_clear(nisac_scenario *s)
{
    free(s->H);
    s->H = NULL;
    s->H_N = s->H_K = 0;
}

static int load_channels(jctx *c, json_t *v, nisac_scenario *s)
{
    const char *key = "channels";
    if (!json_is_array(v) || json_array_size(v) == 0)
        return jerr(c, key, "expected a non-empty array of K channel vectors");
    size_t K = json_array_size(v), N = 0;
    char f[64];
    for (size_t k = 0; k < K; k++) {
        json_t *h = json_array_get(v, k);
        snprintf(f, sizeof f, "channels[%zu]", k);
        if (!json_is_array(h) || json_array_size(h) == 0)
            return jerr(c, f, "expected an array of N [re, im] pairs");
        if (k == 0) N = json_array_size(h);
        else if (json_array_size(h) != N)
            return jerr(c, f, "has %zu entries, channels[0] has %zu", json_array_size(h), N);
    }
    if (K > NISAC_MAX_USERS || N > 4096) return jerr(c, key, "too many users or antennas");
    free(s->H);
    s->H = calloc(N * K, sizeof(double complex));
    if (!s->H) return jerr(c, key, "out of memory");
    s->H_N = (int)N;
    s->H_K = (int)K;
    for (size_t k = 0; k < K; k++)
        for (size_t n = 0; n < N; n++) {
            json_t *e = json_array_get(json_array_get(v, k), n);
            snprintf(f, sizeof f, "channels[%zu][%zu]", k, n);
            if (!json_is_array(e) || json_array_size(e) != 2 || !json_is_number(json_array_get(e, 0)) ||
                !json_is_number(json_array_get(e, 1)))
                return jerr(c, f, "expected a pair [re, im] of numbers");
            double re = json_number_value(json_array_get(e, 0)), im = json_number_value(json_array_get(e, 1));
            if (!isfinite(re) || !isfinite(im)) return jerr(c, f, "not finite");
            s->H[n + k * N] = re + I * im;
        }
    return 0;
}

int nisac_scenario_load_json(const char *path, nisac_scenario *s, char *msg, size_t msglen)
{
    msg[0] = 0;
    size_t len;
    char *text = nisac__slurp(path, 16u << 20, &len);
    if (!text) {
        snprintf(msg, msglen, "%s: cannot read: %s", path, strerror(errno));
        return NISAC_EIO;
    }
    jctx c;
    json_t *root = jctx_open(&c, path, text, len, msg, msglen);
    free(text);
    if (!root) return NISAC_EPARSE;
    int rc = 0;
    if (!json_is_object(root)) {
        snprintf(msg, msglen, "%s:1:1: expected a JSON object at the top level", path);
        rc = NISAC_EPARSE;
        goto out;
    }
    const char *key;
    json_t *v;
    nisac_noma_params *p = &s->p;
    json_object_foreach(root, key, v)
    {
        if (!strcmp(key, "seed")) rc = ju64(&c, v, key, &s->seed);
        else if (!strcmp(key, "trial")) rc = ju64(&c, v, key, &s->trial);
        else if (!strcmp(key, "channels")) rc = load_channels(&c, v, s);
        else if (!strcmp(key, "algo")) {
            if (!json_is_string(v)) rc = jerr(&c, key, "expected a string, got %s", jtype(v));
            else if (!nisac_algo_find(json_string_value(v)))
                rc = jerr(&c, key, "unknown algorithm '%s' (see 'nisac algos')", json_string_value(v));
            else snprintf(s->algo, sizeof s->algo, "%s", json_string_value(v));
        } else if (!strcmp(key, "options")) {
            char saved[256];
            jenter(&c, key, saved, sizeof saved);
            rc = jread_options(&c, v, &s->opts);
            jleave(&c, saved);
        } else if (!strcmp(key, "comment")) {
            /* free text, ignored */
        } else if ((rc = jread_param(&c, key, v, p)) == 1)
            rc = jerr(&c, key, "unknown field (see docs/cli.md for the scenario schema)");
        if (rc) goto out;
    }
    if (s->H && (s->H_N != p->N || s->H_K != p->K)) {
        if (json_object_get(root, "N") || json_object_get(root, "K"))
            rc = jerr(&c, "channels", "has K=%d vectors of N=%d entries, but N=%d K=%d", s->H_K, s->H_N,
                      p->N, p->K);
        else {
            p->N = s->H_N;
            p->K = s->H_K;
        }
    }
out:
    jctx_close(&c, root);
    return rc ? (rc < 0 ? rc : NISAC_EINVAL) : 0;
}

int nisac_scenario_channels(const nisac_scenario *s, double complex *H)
{
    const int N = s->p.N, K = s->p.K;
    if (s->H) {
        if (s->H_N != N || s->H_K != K)
            return NISAC_FAIL(NISAC_EINVAL, "explicit channels are %dx%d, scenario needs N=%d K=%d",
                              s->H_N, s->H_K, N, K);
        memcpy(H, s->H, sizeof(double complex) * (size_t)N * K);
        return NISAC_OK;
    }
    nisac_rng r;
    nisac_rng_init(&r, s->seed, 0, s->trial, NISAC_PURPOSE_CHANNEL);
    nisac_rayleigh(&r, N, K, H, N);
    return NISAC_OK;
}
