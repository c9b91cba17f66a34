/* Experiment configs and units, in-process: sweep enumeration, ranges,
 * error positions, unit determinism, and gamma_db_from chaining checked
 * against the optimality relation between (8) and (12). */
#include "harness.h"
#include "nisac/experiment.h"
#include "nisac/noma_isac.h"

#include <string.h>

static nisac_experiment *parse(const char *text, char *msg, size_t len)
{
    nisac_experiment *e = NULL;
    nisac_experiment_parse(NULL, text, strlen(text), "t.json", &e, msg, len);
    return e;
}

static void test_point_order(void)
{
    char msg[512];
    nisac_experiment *e = parse("{\"algorithms\": [{\"algo\": \"sdr-powermin\"}],"
                                " \"sweep\": [{\"param\": \"decoders\", \"values\": [\"all\", \"own\"]},"
                                "            {\"param\": \"P_total\", \"values\": [6, 8, 10]}]}",
                                msg, sizeof msg);
    CHECK_MSG(e != NULL, "%s", msg);
    if (!e) return;
    CHECK(e->npoints == 6);
    nisac_params *ps = nisac_system_params(e->sys);
    nisac_noma_params p;
    nisac_experiment_point_params(e, 0, ps);
    nisac_noma_params_from(ps, &p);
    CHECK(p.decoders == NISAC_DECODERS_ALL && p.P_total == 6);
    nisac_experiment_point_params(e, 1, ps); /* the last axis runs fastest */
    nisac_noma_params_from(ps, &p);
    CHECK(p.decoders == NISAC_DECODERS_ALL && p.P_total == 8);
    nisac_experiment_point_params(e, 3, ps);
    nisac_noma_params_from(ps, &p);
    CHECK(p.decoders == NISAC_DECODERS_OWN && p.P_total == 6);
    nisac_experiment_point_params(e, 5, ps);
    nisac_noma_params_from(ps, &p);
    CHECK(p.decoders == NISAC_DECODERS_OWN && p.P_total == 10);
    nisac_params_free(ps);
    nisac_experiment_free(e);
}

static void test_ranges(void)
{
    char msg[512];
    nisac_experiment *e = parse("{\"algorithms\": [{\"algo\": \"sdr-powermin\"}],"
                                " \"sweep\": [{\"param\": \"gamma_db\", \"from\": 0, \"to\": 30, \"step\": 2.5},"
                                "            {\"param\": \"Ps\", \"from\": 1, \"to\": 2, \"num\": 5}]}",
                                msg, sizeof msg);
    CHECK_MSG(e != NULL, "%s", msg);
    if (!e) return;
    CHECK(e->axes[0].nvalues == 13 && e->axes[0].values[12] == 30);
    CHECK(e->axes[1].nvalues == 5 && e->axes[1].values[0] == 1 && e->axes[1].values[4] == 2);
    CHECK_REL(e->axes[1].values[1], 1.25, 1e-15);
    nisac_experiment_free(e);
    /* a descending range needs a negative step */
    e = parse("{\"algorithms\": [{\"algo\": \"sdr-powermin\"}],"
              " \"sweep\": [{\"param\": \"Ps\", \"from\": 3, \"to\": 1, \"step\": 1}]}",
              msg, sizeof msg);
    CHECK(e == NULL && strstr(msg, "field 'sweep[0].step'"));
    nisac_experiment_free(e);
}

static void test_positions(void)
{
    char msg[512];
    /* line 3, column 19: columns count characters, not UTF-8 bytes */
    nisac_experiment *e = parse("{\"description\": \"\xc3\xa9\xc3\xa9\",\n"
                                " \"algorithms\": [{\"algo\": \"sdr-powermin\"},\n"
                                " {\"comment\": \"\xc3\xa9\", \"algo\": 3}]}",
                                msg, sizeof msg);
    CHECK(e == NULL);
    CHECK_MSG(strstr(msg, "t.json:3:19: field 'algorithms[1].algo': expected an algorithm name, got a number"),
              "%s", msg);
    /* a value inside nested arrays */
    e = parse("{\"algorithms\": [{\"algo\": \"sdr-powermin\"}],\n"
              "\"sweep\": [{\"params\": [\"P_total\", \"Ps\"],\n"
              "           \"values\": [[6, 2],\n"
              "                      [8, \"x\"]]}]}",
              msg, sizeof msg);
    CHECK(e == NULL);
    CHECK_MSG(strstr(msg, "t.json:4:27: field 'sweep[0].values[1][1]': expected a number"), "%s", msg);
    /* a value out of its parameter's range is named where it stands */
    e = parse("{\"algorithms\": [{\"algo\": \"sdr-powermin\"}],\n"
              "\"sweep\": [{\"param\": \"d_lambda\", \"values\": [0.5, 2]}]}",
              msg, sizeof msg);
    CHECK(e == NULL);
    CHECK_MSG(strstr(msg, "t.json:2:49: field 'sweep[0].values[1]': d_lambda must be in (0, 1] wavelengths, got 2"), "%s", msg);
    /* an invalid combination names the sweep point and the field */
    e = parse("{\"algorithms\": [{\"algo\": \"sdr-powermin\"}], \"scenario\": {\"rho_s\": 0},\n"
              "\"sweep\": [{\"param\": \"rho_c\", \"values\": [1, 0]}]}",
              msg, sizeof msg);
    CHECK(e == NULL);
    CHECK_MSG(strstr(msg, "sweep point 1") && strstr(msg, "rho_c"), "%s", msg);
}

/* Nesting deeper than the scanner records must still be scanned, not
 * looped over (found by fuzzing). */
static void test_deep_nesting(void)
{
    char text[1024] = "{\"algorithms\": [{\"algo\": \"sdr-powermin\"}], \"plots\": ", msg[512];
    for (int i = 0; i < 100; i++) strcat(text, "[");
    strcat(text, "1, \"a\", {\"b\": 2}");
    for (int i = 0; i < 100; i++) strcat(text, "]");
    strcat(text, "}");
    nisac_experiment *e = parse(text, msg, sizeof msg);
    CHECK(e == NULL);
    CHECK_MSG(strstr(msg, "field 'plots[0]': expected an object"), "%s", msg);
}

static const char *chain =
    "{\"scenario\": {\"N\": 6, \"K\": 3, \"P_total\": 7},"
    " \"channels\": {\"common\": false},"
    " \"sweep\": [{\"param\": \"decoders\", \"values\": [\"all\", \"own\"]}],"
    " \"algorithms\": [{\"label\": \"mm\", \"algo\": \"sdr-maxmin\", \"options\": {\"method\": \"fast\"}},"
    "                {\"label\": \"pm\", \"algo\": \"sdr-powermin\", \"gamma_db_from\": \"mm\"}],"
    " \"trials\": 3,"
    " \"metrics\": [\"min_sinr_db\", \"gamma_db\", \"total_power\"]}";

static void test_unit_chain(void)
{
    char msg[512];
    nisac_experiment *e = parse(chain, msg, sizeof msg);
    CHECK_MSG(e != NULL, "%s", msg);
    if (!e) return;
    CHECK(nisac_experiment_units(e) == 6 && nisac_experiment_rows_per_unit(e) == 2);
    for (long u = 0; u < 6; u++) {
        char *a = nisac_experiment_unit(e, u), *b = nisac_experiment_unit(e, u);
        CHECK(a && b && strcmp(a, b) == 0); /* a pure function of (config, unit) */
        /* rows: point,decoders,algo,trial,draw,status,min_sinr_db,gamma_db,total_power */
        char st1[32], st2[32], dec[8];
        int pt, tr, dr;
        double s1, g1, p1, s2, g2, p2;
        int n1 = sscanf(a, "%d,%7[^,],mm,%d,%d,%31[^,],%lf,%lf,%lf", &pt, dec, &tr, &dr, st1, &s1, &g1, &p1);
        const char *l2 = strchr(a, '\n') + 1;
        int n2 = sscanf(l2, "%d,%7[^,],pm,%d,%d,%31[^,],%lf,%lf,%lf", &pt, dec, &tr, &dr, st2, &s2, &g2, &p2);
        CHECK(n1 == 8 && n2 == 8);
        CHECK(pt == (int)(u / 3) && tr == (int)(u % 3));
        /* the target handed on is what the max-min design achieved */
        CHECK_REL(g2, s1, 1e-12);
        CHECK(!strcmp(st2, "optimal") || !strcmp(st2, "feasible"));
        CHECK(s2 >= g2 - 1e-5);
        /* the max-min design meets (12) at its own SINR, so power
         * minimisation needs at most its power: P_total */
        CHECK_MSG(p2 <= p1 * (1 + 1e-6), "powermin %.9g > maxmin %.9g", p2, p1);
        free(a);
        free(b);
    }
    char *x = nisac_experiment_unit(e, 0), *y = nisac_experiment_unit(e, 1);
    CHECK(strcmp(x, y) != 0);
    free(x);
    free(y);
    nisac_experiment_free(e);
}

static void test_stats(void)
{
    /* constant data: sd 0, half-width 0; one value: no sd */
    double c[4] = {3, 3, 3, 3}, one[2] = {NAN, 7};
    int n;
    double m, sd, h;
    nisac_stats_ci95(c, 4, &n, &m, &sd, &h);
    CHECK(n == 4 && m == 3 && sd == 0 && h == 0);
    nisac_stats_ci95(one, 2, &n, &m, &sd, &h);
    CHECK(n == 1 && m == 7 && isnan(sd) && isnan(h));
    /* two values a, b: mean (a+b)/2, sd |a-b|/sqrt(2), t(0.975,1) = 12.706204736174705 */
    double two[2] = {1, 4};
    nisac_stats_ci95(two, 2, &n, &m, &sd, &h);
    CHECK_REL(m, 2.5, 1e-15);
    CHECK_REL(sd, 3 / sqrt(2.0), 1e-14);
    CHECK_REL(h, 12.706204736174705 * (3 / sqrt(2.0)) / sqrt(2.0), 1e-12);
}

int main(void)
{
    RUN(test_point_order);
    RUN(test_ranges);
    RUN(test_positions);
    RUN(test_deep_nesting);
    RUN(test_unit_chain);
    RUN(test_stats);
    TEST_END();
}
