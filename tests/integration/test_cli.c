/* The nisac program: defaults, JSON output, explicit channels, and the
 * messages and exit codes of malformed input.  NISAC names the binary. */
#include "harness.h"
#include "nisac/nisac.h"
#include "nisac/scenario.h"

#include <jansson.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *bin;
static char tmpdir[256];

/* Runs the program; returns the exit status, stdout and stderr in buffers. */
static int sh(const char *args, char *out, size_t outlen, char *err, size_t errlen)
{
    char cmd[2048], ef[300];
    snprintf(ef, sizeof ef, "%s/stderr", tmpdir);
    snprintf(cmd, sizeof cmd, "%s %s 2>%s", bin, args, ef);
    FILE *p = popen(cmd, "r");
    size_t n = fread(out, 1, outlen - 1, p);
    out[n] = 0;
    int st = pclose(p);
    FILE *e = fopen(ef, "r");
    n = e ? fread(err, 1, errlen - 1, e) : 0;
    err[n] = 0;
    if (e) fclose(e);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static char *write_file(const char *name, const char *text)
{
    static char path[300];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    FILE *f = fopen(path, "w");
    fputs(text, f);
    fclose(f);
    return path;
}

static char out[1 << 16], err[4096];

static void test_default_scenario(void)
{
    int rc = sh("solve", out, sizeof out, err, sizeof err);
    CHECK(rc == 0);
    CHECK(strstr(out, "status: optimal") != NULL);
    CHECK(strstr(out, "max violation") != NULL);
    CHECK(strstr(out, "sense_power") != NULL);
}

static void test_json_output(void)
{
    int rc = sh("solve --algo sdr-powermin --gamma-db 12 --json", out, sizeof out, err, sizeof err);
    CHECK(rc == 0);
    json_error_t je;
    json_t *j = json_loads(out, 0, &je);
    CHECK(j != NULL);
    if (!j) return;
    const char *keys[] = {"system", "status", "objective", "metrics", "violations", "max_violation", "diagnostics",
                          "solves", "design"};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        CHECK_MSG(json_object_get(j, keys[i]) != NULL, "missing %s", keys[i]);
    CHECK(!strcmp(json_string_value(json_object_get(j, "status")), "optimal"));
    json_t *m = json_object_get(j, "metrics");
    json_t *us = json_object_get(m, "user_sinr_db");
    CHECK(json_array_size(us) == 3);
    for (size_t k = 0; k < json_array_size(us); k++)
        CHECK(json_real_value(json_array_get(us, k)) >= 12.0 - 1e-5);
    CHECK(json_array_size(json_object_get(m, "sense_power")) == 2);
    CHECK(json_array_size(json_object_get(json_object_get(j, "diagnostics"), "rank_ratio")) == 3);
    CHECK(json_array_size(json_object_get(json_object_get(j, "design"), "W")) == 3);
    /* the objective of power minimisation is (12a): beam + sensing power */
    CHECK_REL(json_real_value(json_object_get(j, "objective")), json_real_value(json_object_get(m, "total_power")),
              1e-12);
    json_decref(j);
}

/* Channels given explicitly reproduce the run that drew them from a seed. */
static void test_explicit_channels(void)
{
    double complex H[24];
    nisac_rng r;
    nisac_rng_init(&r, 7, 0, 0, NISAC_PURPOSE_CHANNEL); /* the stream of --seed 7 --trial 0 */
    nisac_rayleigh(&r, 8, 3, H, 8);
    char text[8192];
    size_t n = (size_t)snprintf(text, sizeof text, "{\n  \"algo\": \"sdr-powermin\",\n  \"channels\": [");
    for (int k = 0; k < 3; k++) {
        n += (size_t)snprintf(text + n, sizeof text - n, "%s[", k ? "," : "");
        for (int i = 0; i < 8; i++)
            n += (size_t)snprintf(text + n, sizeof text - n, "%s[%.17g, %.17g]", i ? "," : "",
                                  creal(H[i + 8 * k]), cimag(H[i + 8 * k]));
        n += (size_t)snprintf(text + n, sizeof text - n, "]");
    }
    snprintf(text + n, sizeof text - n, "]\n}\n");
    char args[512], out2[1 << 16];
    snprintf(args, sizeof args, "solve --config %s --json", write_file("ch.json", text));
    CHECK(sh(args, out, sizeof out, err, sizeof err) == 0);
    CHECK(sh("solve --algo sdr-powermin --seed 7 --json", out2, sizeof out2, err, sizeof err) == 0);
    json_t *a = json_loads(out, 0, NULL), *b = json_loads(out2, 0, NULL);
    CHECK(a && b);
    if (a && b)
        CHECK_REL(json_real_value(json_object_get(json_object_get(a, "metrics"), "total_power")),
                  json_real_value(json_object_get(json_object_get(b, "metrics"), "total_power")), 1e-12);
    json_decref(a);
    json_decref(b);
}

static size_t put_vectors(char *text, size_t n, size_t cap, const char *key, const double complex *z, int rows, int cols)
{
    n += (size_t)snprintf(text + n, cap - n, ",\n  \"%s\": [", key);
    for (int k = 0; k < cols; k++) {
        n += (size_t)snprintf(text + n, cap - n, "%s[", k ? "," : "");
        for (int i = 0; i < rows; i++)
            n += (size_t)snprintf(text + n, cap - n, "%s[%.17g, %.17g]", i ? "," : "", creal(z[i + (size_t)rows * k]),
                                  cimag(z[i + (size_t)rows * k]));
        n += (size_t)snprintf(text + n, cap - n, "]");
    }
    return n + (size_t)snprintf(text + n, cap - n, "]");
}

/* ris-noma-isac: the five explicit channel inputs reproduce the design
 * made on the channels the seed draws. */
static void test_ris_explicit_channels(void)
{
    nisac_ris_params p;
    nisac_ris_params_default(&p);
    nisac_rng r;
    nisac_rng_init(&r, 7, 0, 0, NISAC_PURPOSE_CHANNEL);
    nisac_ris_instance *in;
    CHECK(nisac_ris_instance_draw(&p, &r, &in) == 0);
    static char text[1 << 18];
    size_t n = (size_t)snprintf(text, sizeof text, "{\n  \"system\": \"ris-noma-isac\", \"ris_cols\": 8");
    n = put_vectors(text, n, sizeof text, "direct", in->hd, p.M, p.K);
    n = put_vectors(text, n, sizeof text, "ris_user", in->hr, p.N, p.K);
    n = put_vectors(text, n, sizeof text, "G", in->G, p.N, p.M);
    n = put_vectors(text, n, sizeof text, "target_direct", in->hb, p.M, p.T);
    n = put_vectors(text, n, sizeof text, "target_ris", in->ht, p.N, p.T);
    snprintf(text + n, sizeof text - n, "\n}\n");
    nisac_ris_instance_free(in);
    char args[512];
    static char out2[1 << 16];
    snprintf(args, sizeof args, "solve --config %s --json", write_file("ris.json", text));
    CHECK(sh(args, out, sizeof out, err, sizeof err) == 0);
    CHECK(sh("solve --system ris-noma-isac --seed 7 --json", out2, sizeof out2, err, sizeof err) == 0);
    json_t *a = json_loads(out, 0, NULL), *b = json_loads(out2, 0, NULL);
    CHECK(a && b);
    if (a && b) {
        CHECK(!strcmp(json_string_value(json_object_get(a, "status")), "feasible"));
        double ra = json_real_value(json_object_get(json_object_get(a, "metrics"), "sum_rate"));
        double rb = json_real_value(json_object_get(json_object_get(b, "metrics"), "sum_rate"));
        CHECK_MSG(ra == rb && ra > 0, "sum rate explicit %.17g drawn %.17g", ra, rb);
    }
    json_decref(a);
    json_decref(b);
}

/* rs-noma-isac: channels from a NumPy file of shape (K, M), named relative
 * to the scenario file, reproduce the design made on the drawn channels;
 * a file of the wrong shape is refused with its field. */
static void test_rs_npy_channels(void)
{
    const nisac_system *sy = nisac_system_find(NULL, "rs-noma-isac");
    nisac_params *p = nisac_system_params(sy);
    nisac_params_set_named(p, "M", 16);
    nisac_params_set_named(p, "Mx", 4);
    nisac_params_set_named(p, "K", 4);
    nisac_params_set_named(p, "kappa", 0); /* the instance keeps the channels through the coupling: none here */
    nisac_instance *inst;
    CHECK(nisac_instance_new(sy, p, 0, NULL, 7, 0, 0, &inst) == 0);
    const nisac_rs_instance *ri = nisac_rs_instance_of(inst);
    double complex rowmajor[64]; /* (K, M): row k is h_k */
    for (int k = 0; k < 4; k++)
        for (int m = 0; m < 16; m++) rowmajor[k + 4 * m] = ri->H[m + 16 * k];
    char path[300];
    snprintf(path, sizeof path, "%s/h.npy", tmpdir);
    CHECK(nisac_npy_write(path, 4, 16, rowmajor) == 0);
    snprintf(path, sizeof path, "%s/h.mat", tmpdir); /* MATLAB: the same K x M matrix, v7.3 */
    CHECK(nisac_mat_write(path, "channels", 4, 16, rowmajor, 1) == 0);
    snprintf(path, sizeof path, "%s/h_t.npy", tmpdir);
    CHECK(nisac_npy_write(path, 16, 4, ri->H) == 0); /* (M, K): the wrong shape */
    nisac_instance_free(inst);
    nisac_params_free(p);
    char args[512];
    static char out2[1 << 16];
    snprintf(args, sizeof args, "solve --config %s --json",
             write_file("rs.json", "{\"system\": \"rs-noma-isac\", \"M\": 16, \"Mx\": 4, \"kappa\": 0, \"seed\": 7, \"channels\": \"h.npy\"}"));
    CHECK(sh(args, out, sizeof out, err, sizeof err) == 0);
    CHECK(sh("solve --system rs-noma-isac --M 16 --Mx 4 --K 4 --kappa 0 --seed 7 --json", out2, sizeof out2, err, sizeof err) == 0);
    json_t *a = json_loads(out, 0, NULL), *b = json_loads(out2, 0, NULL);
    CHECK(a && b);
    if (a && b) {
        double ra = json_real_value(json_object_get(json_object_get(a, "metrics"), "objective"));
        double rb = json_real_value(json_object_get(json_object_get(b, "metrics"), "objective"));
        CHECK_MSG(ra == rb && ra > 0, "objective from the .npy channels %.17g, drawn %.17g", ra, rb);
    }
    json_decref(a);
    json_decref(b);
    snprintf(args, sizeof args, "solve --config %s --json",
             write_file("rs3.json", "{\"system\": \"rs-noma-isac\", \"M\": 16, \"Mx\": 4, \"kappa\": 0, \"seed\": 7, \"channels\": \"h.mat\"}"));
    CHECK_MSG(sh(args, out, sizeof out, err, sizeof err) == 0, "%s", err);
    a = json_loads(out, 0, NULL);
    b = json_loads(out2, 0, NULL);
    if (a && b)
        CHECK(json_real_value(json_object_get(json_object_get(a, "metrics"), "objective")) ==
              json_real_value(json_object_get(json_object_get(b, "metrics"), "objective")));
    json_decref(a);
    json_decref(b);
    snprintf(args, sizeof args, "solve --config %s",
             write_file("rs2.json", "{\"system\": \"rs-noma-isac\", \"K\": 4, \"channels\": \"h_t.npy\"}"));
    CHECK(sh(args, out, sizeof out, err, sizeof err) != 0);
    CHECK_MSG(strstr(err, "rs2.json:1:36: field 'channels': has K=16 vectors of M=4 entries") != NULL, "%s", err);
    rowmajor[2 + 4 * 5] = INFINITY; /* a .mat file (libmatio keeps any double) with an infinite entry (2, 5) */
    snprintf(path, sizeof path, "%s/hinf.mat", tmpdir);
    CHECK(nisac_mat_write(path, "channels", 4, 16, rowmajor, 0) == 0);
    snprintf(args, sizeof args, "solve --system rs-noma-isac --Mx 4 --channels %s", path);
    CHECK(sh(args, out, sizeof out, err, sizeof err) == 2);
    CHECK_MSG(strstr(err, "option --channels: field 'channels': ") && strstr(err, "hinf.mat: entry (2, 5) is not finite"),
              "%s", err);
}

static void expect_bad(const char *args, const char *needle)
{
    int rc = sh(args, out, sizeof out, err, sizeof err);
    CHECK_MSG(rc == 2, "'%s' exited %d", args, rc);
    CHECK_MSG(strstr(err, needle) != NULL, "'%s': stderr '%s' lacks '%s'", args, err, needle);
    CHECK_MSG(out[0] == 0, "'%s' wrote to stdout", args);
}

/* nisac train: a short run writes its checkpoint, curve and test files; --resume goes on from the
 * checkpoint's episode; a checkpoint of other sizes is refused. */
static void test_train(void)
{
    char args[600], path[400];
    const char *small = "--M 16 --Mx 4 --K 4 --L 1 --steps 2 --hidden1 16 --hidden2 16 --batch 16 --test 2";
    snprintf(args, sizeof args, "train %s --episodes 20 --out %s/td3", small, tmpdir);
    CHECK_MSG(sh(args, out, sizeof out, err, sizeof err) == 0, "%s", err);
    CHECK(strstr(out, "td3 after 20 episodes: objective") != NULL);
    const char *files[3] = {"td3.ckpt", "training.csv", "test.csv"};
    for (int i = 0; i < 3; i++) {
        snprintf(path, sizeof path, "%s/td3/%s", tmpdir, files[i]);
        CHECK_MSG(access(path, R_OK) == 0, "%s missing", path);
    }
    snprintf(args, sizeof args, "train %s --episodes 30 --resume --out %s/td3", small, tmpdir);
    CHECK_MSG(sh(args, out, sizeof out, err, sizeof err) == 0, "%s", err);
    snprintf(path, sizeof path, "%s/td3/training.csv", tmpdir);
    FILE *f = fopen(path, "r");
    int lines = 0;
    char line[256];
    while (f && fgets(line, sizeof line, f)) lines += line[0] != '#';
    if (f) fclose(f);
    CHECK_MSG(lines == 1 + 30, "training.csv has %d rows after 20 + 10 episodes", lines - 1);
    snprintf(args, sizeof args, "train --M 16 --Mx 4 --K 6 --L 1 --steps 2 --episodes 30 --resume --out %s/td3", tmpdir);
    CHECK(sh(args, out, sizeof out, err, sizeof err) == 2);
    CHECK(strstr(err, "was trained for other sizes") != NULL);
    /* the trained policy as the algorithm td3, by flag and by a scenario file's options: the same design */
    static char out2[1 << 16];
    snprintf(args, sizeof args, "solve --system rs-noma-isac --M 16 --Mx 4 --K 4 --L 1 --algo td3 --weights %s/td3/td3.ckpt "
             "--json", tmpdir);
    CHECK_MSG(sh(args, out, sizeof out, err, sizeof err) == 0, "%s", err);
    char cfg[512];
    snprintf(cfg, sizeof cfg, "{\"system\": \"rs-noma-isac\", \"M\": 16, \"Mx\": 4, \"K\": 4, \"L\": 1, \"algo\": \"td3\", "
             "\"options\": {\"weights\": \"%s/td3/td3.ckpt\"}}", tmpdir);
    snprintf(args, sizeof args, "solve --config %s --json", write_file("td3.json", cfg));
    CHECK_MSG(sh(args, out2, sizeof out2, err, sizeof err) == 0, "%s", err);
    json_t *ja = json_loads(out, 0, NULL), *jb = json_loads(out2, 0, NULL);
    CHECK(ja && jb);
    if (ja && jb) {
        CHECK(!strcmp(json_string_value(json_object_get(ja, "status")), "feasible"));
        const double fa = json_real_value(json_object_get(json_object_get(ja, "metrics"), "objective"));
        const double fb = json_real_value(json_object_get(json_object_get(jb, "metrics"), "objective"));
        CHECK_MSG(fa == fb && fa > 0, "objective by flag %.17g, by file %.17g", fa, fb);
    }
    json_decref(ja);
    json_decref(jb);
    snprintf(args, sizeof args, "solve --config %s",
             write_file("td3bad.json", "{\"system\": \"rs-noma-isac\", \"algo\": \"td3\", \"options\": {\"weights\": 3}}"));
    CHECK(sh(args, out, sizeof out, err, sizeof err) == 2);
    CHECK_MSG(strstr(err, "field 'options.weights': expected a string") != NULL, "%s", err);
    CHECK(sh("solve --system rs-noma-isac --algo td3", out, sizeof out, err, sizeof err) == 2);
    CHECK(strstr(err, "option 'weights': give the checkpoint of nisac train") != NULL);
    CHECK(sh("train --episodes 0", out, sizeof out, err, sizeof err) == 2);
    CHECK(strstr(err, "option --episodes: expected a positive integer") != NULL);
}

/* --save-design writes each block as .npy: the same numbers as the JSON report's design. */
static void test_save_design(void)
{
    char args[512], path[400];
    snprintf(args, sizeof args, "solve --system rs-noma-isac --M 16 --Mx 4 --K 4 --L 1 --json --save-design %s/des",
             tmpdir);
    CHECK_MSG(sh(args, out, sizeof out, err, sizeof err) == 0, "%s", err);
    json_t *j = json_loads(out, 0, NULL);
    CHECK(j != NULL);
    const char *names[2] = {"Wp", "share"};
    for (int q = 0; j && q < 2; q++) {
        snprintf(path, sizeof path, "%s/des/%s.npy", tmpdir, names[q]);
        int rows = 0, cols = 0;
        double complex *z = NULL;
        CHECK_MSG(nisac_npy_read(path, &rows, &cols, &z) == 0, "%s", nisac_last_error());
        json_t *blk = json_object_get(json_object_get(j, "design"), names[q]);
        CHECK(z && (int)json_array_size(blk) == cols);
        for (int c = 0; z && c < cols; c++)
            for (int i = 0; i < rows; i++) {
                json_t *e = json_array_get(json_array_get(blk, c), i);
                const double re = json_is_array(e) ? json_real_value(json_array_get(e, 0)) : json_number_value(e);
                const double im = json_is_array(e) ? json_real_value(json_array_get(e, 1)) : 0;
                CHECK(creal(z[i + (size_t)rows * c]) == re && cimag(z[i + (size_t)rows * c]) == im);
            }
        free(z);
    }
    json_decref(j);
}

/* The C API designs what the program designs, to the bit: status, objective (read from the
 * program's 17-digit JSON) and every block (from its --save-design .mat file), on the three
 * systems, with the program's one BLAS thread.  The channels of rs-noma-isac come from a .mat
 * file (--channels) and as explicit inputs. */
static void api_as_program(const char *system, const char *algo, const char *const *names, const double *vals, int n,
                           uint64_t seed, const nisac_inputs *in, const char *flags)
{
    const nisac_system *sy = nisac_system_find(NULL, system);
    const nisac_algo *al = nisac_algo_find(NULL, sy, algo);
    nisac_params *p = nisac_system_params(sy), *o = nisac_algo_opts(al);
    for (int i = 0; i < n; i++) CHECK_MSG(nisac_params_set_named(p, names[i], vals[i]) == 0, "%s", names[i]);
    nisac_instance *inst = NULL;
    CHECK(nisac_instance_new(sy, p, 0, in, seed, 0, 0, &inst) == 0);
    nisac_design_t *d = inst ? nisac_design_new(inst) : NULL;
    nisac_report *r = nisac_report_new();
    CHECK(d && nisac_design(al, inst, o, 1, d, r) == 0);
    char args[1024], mat[400];
    snprintf(mat, sizeof mat, "%s/api-%s.mat", tmpdir, system);
    snprintf(args, sizeof args, "solve --system %s --algo %s --seed %llu %s --json --save-design %s", system, algo,
             (unsigned long long)seed, flags, mat);
    CHECK_MSG(sh(args, out, sizeof out, err, sizeof err) == 0, "%s", err);
    json_t *j = json_loads(out, 0, NULL);
    CHECK(j && d);
    if (j && d) {
        CHECK_MSG(!strcmp(json_string_value(json_object_get(j, "status")), nisac_status_name(r->status)), "%s: %s",
                  system, nisac_status_name(r->status));
        const double obj = json_number_value(json_object_get(j, "objective"));
        CHECK_MSG(obj == r->objective, "%s: objective %.17g vs the program's %.17g", system, r->objective, obj);
        for (int b = 0; b < d->nblocks; b++) {
            const nisac_block *bl = &d->blocks[b];
            int rows = 0, cols = 0;
            double complex *z = NULL;
            CHECK_MSG(nisac_mat_read(mat, bl->name, &rows, &cols, &z) == 0, "%s", nisac_last_error());
            CHECK(z && rows == bl->rows && cols == bl->cols);
            int same = z != NULL;
            for (int i = 0; z && i < rows * cols; i++)
                same &= bl->z ? z[i] == bl->z[i] : (creal(z[i]) == bl->x[i] && cimag(z[i]) == 0);
            CHECK_MSG(same, "%s: block %s differs from the program's", system, bl->name);
            free(z);
        }
    }
    json_decref(j);
    nisac_report_free(r);
    nisac_design_free(d);
    nisac_instance_free(inst);
    nisac_params_free(o);
    nisac_params_free(p);
}

extern void openblas_set_num_threads(int) __attribute__((weak));

static void test_api_as_the_program(void)
{
    if (openblas_set_num_threads) openblas_set_num_threads(1);
    const char *noma[] = {"gamma_db"};
    const double noma_v[] = {12};
    api_as_program("noma-isac", "sdr-powermin", noma, noma_v, 1, 3, NULL, "--gamma-db 12");
    const char *ris[] = {"Gamma_db"};
    const double ris_v[] = {0};
    api_as_program("ris-noma-isac", "ris-sdma", ris, ris_v, 1, 3, NULL, "--Gamma-db 0");
    double complex h[64], rowmajor[64]; /* h_k as column k (the API's layout); the file holds K x M */
    for (int k = 0; k < 4; k++)
        for (int m = 0; m < 16; m++) {
            h[m + 16 * k] = 1e-5 * (cos(1.3 * m + k) + I * sin(0.7 * m * k + 0.2));
            rowmajor[k + 4 * m] = h[m + 16 * k];
        }
    char path[300], flags[400];
    snprintf(path, sizeof path, "%s/api-h.mat", tmpdir);
    CHECK(nisac_mat_write(path, "channels", 4, 16, rowmajor, 0) == 0);
    int rows[1] = {16}, cols[1] = {4};
    double complex *z[1] = {h};
    nisac_inputs in = {1, rows, cols, z};
    const char *rs[] = {"M", "Mx", "K", "L"};
    const double rs_v[] = {16, 4, 4, 1};
    snprintf(flags, sizeof flags, "--Mx 4 --L 1 --channels %s", path);
    api_as_program("rs-noma-isac", "hao-sca", rs, rs_v, 4, 2, &in, flags);
}

/* Booleans: a switch, or followed by true/false; --refine false gives the paper's procedure (on this
 * channel its randomisation fails where the refinement recovers a design near the bound). */
static void test_bool_flags(void)
{
    CHECK(sh("solve --algo sdr-powermin --gamma-db 20 --seed 3 --refine false --json", out, sizeof out, err,
             sizeof err) == 0);
    json_t *a = json_loads(out, 0, NULL);
    CHECK(sh("solve --algo sdr-powermin --gamma-db 20 --seed 3 --refine --json", out, sizeof out, err, sizeof err) == 0);
    json_t *b = json_loads(out, 0, NULL);
    CHECK(a && b);
    if (a && b) {
        CHECK(!strcmp(json_string_value(json_object_get(a, "status")), "rounding_failed"));
        CHECK(!strcmp(json_string_value(json_object_get(b, "status")), "feasible"));
        const double gap = json_number_value(json_object_get(b, "bound_gap"));
        CHECK_MSG(gap >= 0 && gap < 1e-3, "refined gap %g", gap);
        CHECK(json_number_value(json_object_get(json_object_get(b, "diagnostics"), "refined")) == 1);
    }
    json_decref(a);
    json_decref(b);
    CHECK(sh("solve --sic-order false --gamma-db 10 --algo sdr-powermin", out, sizeof out, err, sizeof err) == 0);
    CHECK(sh("solve --sic-order --gamma-db 10 --algo sdr-powermin", out, sizeof out, err, sizeof err) == 0);
}

static void test_bad_flags(void)
{
    expect_bad("solve --N abc", "--N");
    expect_bad("solve --N 0", "--N");
    expect_bad("solve --sigma2 nan", "--sigma2");
    expect_bad("solve --algo nope", "unknown algorithm 'nope'");
    expect_bad("solve --decoders some", "--decoders");
    expect_bad("solve --targets 10,100", "--targets");
    expect_bad("solve --frobnicate", "unknown option '--frobnicate'");
    expect_bad("solve --Ps", "missing value");
    expect_bad("solve --sigma2 -1", "sigma2");
    expect_bad("bogus", "unknown command");
    expect_bad("solve --system nope", "unknown system 'nope'");
    /* options belong to their algorithm: mu is sdr-maxmin's */
    expect_bad("solve --algo sdr-powermin --mu 0.1", "unknown option '--mu' for system 'noma-isac' and algorithm 'sdr-powermin'");
    expect_bad("solve --method quick", "expected one of printed|fast|newton, got 'quick'");
}

/* Help and listings come from the tables: every parameter, option and metric. */
static void test_help_from_tables(void)
{
    CHECK(sh("solve --help", out, sizeof out, err, sizeof err) == 0);
    const nisac_system *s = nisac_system_find(NULL, "noma-isac");
    for (int i = 0; i < s->nparams; i++) CHECK_MSG(strstr(out, s->params[i].help) != NULL, "%s", s->params[i].name);
    CHECK(strstr(out, "--Ptotal X") && strstr(out, "--sic-order ") && strstr(out, "--method NAME"));
    CHECK(sh("systems", out, sizeof out, err, sizeof err) == 0);
    for (int i = 0; i < s->nmetrics; i++) CHECK_MSG(strstr(out, s->metrics[i].name) != NULL, "%s", s->metrics[i].name);
    CHECK(sh("algos", out, sizeof out, err, sizeof err) == 0);
    CHECK(strstr(out, "sdr-maxmin") && strstr(out, "oma_basis"));
}

static void test_bad_json(void)
{
    char args[512];
    /* syntax error: line and column from the parser */
    snprintf(args, sizeof args, "solve --config %s", write_file("a.json", "{\n  \"N\": 8,\n  \"K\": ,\n}\n"));
    expect_bad(args, "a.json:3:");
    /* wrong type: the field, with its line and column */
    snprintf(args, sizeof args, "solve --config %s", write_file("b.json", "{\n  \"N\": 8,\n  \"sigma2\": \"small\"\n}\n"));
    expect_bad(args, "b.json:3:3: field 'sigma2': expected a number");
    snprintf(args, sizeof args, "solve --config %s", write_file("c.json", "{\"Ptotl\": 3}"));
    expect_bad(args, "field 'Ptotl': unknown field");
    snprintf(args, sizeof args, "solve --config %s",
             write_file("d.json", "{\"channels\": [[[1, 0], [0, 1]], [[1, 0]]]}"));
    expect_bad(args, "field 'channels[1]'");
    snprintf(args, sizeof args, "solve --config %s", write_file("e.json", "{\"options\": {\"mu\": -1}}"));
    expect_bad(args, "e.json:1:14: field 'options.mu'");
    snprintf(args, sizeof args, "solve --config %s", write_file("f.json", "{\"N\": 8, \"N\": 9}"));
    expect_bad(args, "f.json:1:");
    /* explicit inputs of one system that disagree on a size */
    snprintf(args, sizeof args, "solve --config %s",
             write_file("g.json", "{\"system\": \"ris-noma-isac\", \"direct\": [[[1, 0], [0, 1]], [[1, 0], [0, 1]]],\n"
                                  " \"ris_user\": [[[1, 0]], [[1, 0]], [[1, 0]]]}"));
    expect_bad(args, "g.json:2:2: field 'ris_user': has K=3 vectors, but 'direct' has K=2");
    expect_bad("solve --config /nonexistent/x.json", "cannot read");
}

int main(void)
{
    bin = getenv("NISAC");
    if (!bin) bin = "build/nisac";
    snprintf(tmpdir, sizeof tmpdir, "/tmp/nisac-test-XXXXXX");
    if (!mkdtemp(tmpdir)) return 1;
    RUN(test_default_scenario);
    RUN(test_json_output);
    RUN(test_explicit_channels);
    RUN(test_ris_explicit_channels);
    RUN(test_rs_npy_channels);
    RUN(test_train);
    RUN(test_save_design);
    RUN(test_api_as_the_program);
    RUN(test_bool_flags);
    RUN(test_bad_flags);
    RUN(test_bad_json);
    RUN(test_help_from_tables);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
    if (system(cmd)) {}
    TEST_END();
}
