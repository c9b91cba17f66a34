/* Experiments through the program: byte-identical records for 1 and 2
 * workers and for 1 and 3 MPI ranks, SIGKILL and --resume, a catalogue
 * of malformed configs, summaries against independent arithmetic.
 * NISAC names the binary. */
#include "harness.h"
#include "nisac/nisac.h"
#include "testfs.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char *bin;
static char err[8192];
#include <limits.h>

static int sh(const char *cmd)
{
    char full[4096], ef[300];
    snprintf(ef, sizeof ef, "%s/stderr", tmpdir);
    snprintf(full, sizeof full, "%s >/dev/null 2>%s", cmd, ef);
    int st = system(full);
    FILE *e = fopen(ef, "r");
    size_t n = e ? fread(err, 1, sizeof err - 1, e) : 0;
    err[n] = 0;
    if (e) fclose(e);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}


/* Powers of a small system; OMA and NOMA, two decoders readings, a
 * robust design evaluated on error draws: every path of the runner. */
static const char *cfg_small =
    "{\n"
    "  \"name\": \"small\",\n"
    "  \"scenario\": {\"N\": 4, \"K\": 2, \"targets_deg\": [-60, 60], \"eps\": 0.05},\n"
    "  \"sweep\": [{\"param\": \"decoders\", \"values\": [\"all\", \"own\"]},\n"
    "            {\"param\": \"gamma_db\", \"from\": 4, \"to\": 12, \"step\": 4}],\n"
    "  \"algorithms\": [{\"label\": \"NOMA\", \"algo\": \"sdr-powermin\"},\n"
    "                 {\"label\": \"OMA\", \"algo\": \"oma-sdr\"},\n"
    "                 {\"label\": \"again\", \"algo\": \"sdr-powermin\", \"gamma_db_from\": \"NOMA\"}],\n"
    "  \"trials\": %d,\n"
    "  \"seed\": 11,\n"
    "  \"evaluate\": {\"channel\": \"error_ball\", \"draws\": 3},\n"
    "  \"metrics\": [\"total_power\", \"min_sinr_db\", \"user_sinr_db\", \"sense_power\", \"outage\", \"max_viol\"]\n"
    "}\n";

static void make_small(const char *name, int trials)
{
    char buf[2048];
    snprintf(buf, sizeof buf, cfg_small, trials);
    write_file(name, buf);
}

static void test_workers_identical(void)
{
    make_small("w.json", 6);
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "%s run %s --out %s --workers 1 --quiet", bin, path("w.json"), path("w1"));
    CHECK_MSG(sh(cmd) == 0, "%s", err);
    snprintf(cmd, sizeof cmd, "%s run %s --out %s --workers 2 --quiet", bin, path("w.json"), path("w2"));
    CHECK_MSG(sh(cmd) == 0, "%s", err);
    CHECK(exists(path("w1/results.csv")));
    CHECK(same_file(path("w1/results.csv"), path("w2/results.csv")));
    /* threads inside worker processes: the same file */
    snprintf(cmd, sizeof cmd, "%s run %s --out %s --workers 1 --threads 3 --quiet", bin, path("w.json"), path("w1t3"));
    CHECK_MSG(sh(cmd) == 0, "%s", err);
    CHECK(same_file(path("w1/results.csv"), path("w1t3/results.csv")));
    snprintf(cmd, sizeof cmd, "%s run %s --out %s --workers 2 --threads 2 --quiet", bin, path("w.json"), path("w2t2"));
    CHECK_MSG(sh(cmd) == 0, "%s", err);
    CHECK(same_file(path("w1/results.csv"), path("w2t2/results.csv")));
    snprintf(cmd, sizeof cmd, "%s run %s --out %s --workers 2 --quiet", bin, path("w.json"), path("w2"));
    /* 6 points x 6 trials x 3 algorithms x 3 draws rows + 8 header lines */
    size_t len;
    char *t = slurp(path("w1/results.csv"), &len);
    long lines = 0;
    for (size_t i = 0; t && i < len; i++) lines += t[i] == '\n';
    CHECK_MSG(lines == 8 + 6 * 6 * 3 * 3, "%ld lines", lines);
    /* a run over a finished one is refused without --force, and leaves it */
    CHECK(sh(cmd) == 2 && strstr(err, "exists"));
    CHECK(same_file(path("w1/results.csv"), path("w2/results.csv")));
    free(t);
}

static void test_mpi_identical(void)
{
    if (sh("command -v mpirun") != 0) {
        printf("  skip test_mpi_identical: mpirun not found (install openmpi-bin and libopenmpi-dev)\n");
        return;
    }
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "%s version", bin);
    FILE *p = popen(cmd, "r");
    char v[256] = "";
    if (p) {
        if (!fgets(v, sizeof v, p)) v[0] = 0;
        pclose(p);
    }
    if (!strstr(v, "MPI: yes")) {
        printf("  skip test_mpi_identical: this build has no MPI (libopenmpi-dev was absent at build time)\n");
        return;
    }
    make_small("m.json", 5);
    snprintf(cmd, sizeof cmd, "%s run %s --out %s --workers 1 --quiet", bin, path("m.json"), path("m1"));
    CHECK_MSG(sh(cmd) == 0, "%s", err);
    /* Under the sanitizers, OpenMPI's own allocations in MPI_Init are
     * suppressed (full stacks are needed to see them). */
    char supp[4096] = "";
    if (!realpath("tests/lsan-mpi.supp", supp)) supp[0] = 0;
    snprintf(cmd, sizeof cmd,
             "OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_btl=self,vader "
             "OMPI_MCA_plm_rsh_agent= " /* one node: no ssh needed (machines without openssh-client) */
             "ASAN_OPTIONS=fast_unwind_on_malloc=0 LSAN_OPTIONS=suppressions=%s "
             "mpirun -np 3 --oversubscribe -x ASAN_OPTIONS -x LSAN_OPTIONS %s run %s --out %s --quiet",
             supp, bin, path("m.json"), path("m3"));
    int rc = sh(cmd);
    CHECK_MSG(rc == 0, "mpirun exit %d: %s", rc, err);
    CHECK(same_file(path("m1/results.csv"), path("m3/results.csv")));
    /* the long layout: vectors.csv from 3 ranks equals one process's */
    write_file("mv.json", "{\"name\": \"mv\", \"scenario\": {\"N\": 4, \"K\": 2}, \"sweep\": [{\"param\": "
                          "\"gamma_db\", \"values\": [4, 8]}], \"algorithms\": [{\"algo\": \"sdr-powermin\"}], "
                          "\"trials\": 5, \"vectors\": \"long\", \"metrics\": [\"total_power\", \"user_sinr_db\"]}");
    char cmd2[4096];
    snprintf(cmd2, sizeof cmd2, "%s run %s --out %s --workers 1 --quiet", bin, path("mv.json"), path("mv1"));
    CHECK_MSG(sh(cmd2) == 0, "%s", err);
    char *at = strstr(cmd, " run ");
    if (at) {
        snprintf(at, sizeof cmd - (size_t)(at - cmd), " run %s --out %s --quiet", path("mv.json"), path("mv3"));
        CHECK_MSG(sh(cmd) == 0, "mpirun (long layout): %s", err);
        CHECK(same_file(path("mv1/results.csv"), path("mv3/results.csv")));
        CHECK(same_file(path("mv1/vectors.csv"), path("mv3/vectors.csv")));
    }
}

/* Starts a run, kills it with SIGKILL once the partial file holds at
 * least `rows` records, resumes it, and compares with a clean run. */
static void test_kill_resume(void)
{
    make_small("k.json", 60);
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "%s run %s --out %s --workers 2 --quiet", bin, path("k.json"), path("ref"));
    CHECK_MSG(sh(cmd) == 0, "%s", err);
    char part[400];
    snprintf(part, sizeof part, "%s", path("kill/results.csv.partial"));
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        int fd = open("/dev/null", O_WRONLY);
        dup2(fd, 1);
        dup2(fd, 2);
        execl(bin, bin, "run", path("k.json"), "--out", path("kill"), "--workers", "2", "--batch", "2", (char *)NULL);
        _exit(127);
    }
    long rows = 0;
    for (int i = 0; i < 20000 && rows < 200; i++) {
        size_t len = 0;
        char *t = slurp(part, &len);
        rows = 0;
        for (size_t j = 0; t && j < len; j++) rows += t[j] == '\n';
        free(t);
        struct timespec ts = {0, 1000000};
        nanosleep(&ts, NULL);
    }
    kill(pid, SIGKILL);
    int st;
    waitpid(pid, &st, 0);
    CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
    CHECK_MSG(exists(part) && !exists(path("kill/results.csv")), "the run finished before it was killed");
    /* without --resume the partial file is protected */
    snprintf(cmd, sizeof cmd, "%s run %s --out %s --quiet", bin, path("k.json"), path("kill"));
    CHECK(sh(cmd) == 2 && strstr(err, "--resume"));
    snprintf(cmd, sizeof cmd, "%s run %s --out %s --workers 2 --resume --quiet", bin, path("k.json"), path("kill"));
    CHECK_MSG(sh(cmd) == 0, "%s", err);
    CHECK(same_file(path("ref/results.csv"), path("kill/results.csv")));
    CHECK(!exists(part));

    /* A torn last line (a write cut short) is cut back on resume. */
    size_t len;
    char *t = slurp(path("ref/results.csv"), &len);
    size_t cut = len * 2 / 3;
    while (t[cut] != '\n') cut++;
    cut += 9; /* part of the next line */
    char d[400];
    snprintf(d, sizeof d, "%s", path("torn"));
    mkdir(d, 0777);
    FILE *f = fopen(path("torn/results.csv.partial"), "wb");
    fwrite(t, 1, cut, f);
    fclose(f);
    free(t);
    snprintf(cmd, sizeof cmd, "%s run %s --out %s --workers 1 --resume --quiet", bin, path("k.json"), path("torn"));
    CHECK_MSG(sh(cmd) == 0, "%s", err);
    CHECK(same_file(path("ref/results.csv"), path("torn/results.csv")));

    /* A partial file of another config is refused. */
    make_small("k2.json", 61);
    char d2[400];
    snprintf(d2, sizeof d2, "%s", path("other"));
    mkdir(d2, 0777);
    f = fopen(path("other/results.csv.partial"), "wb");
    fputs("# nisac results\n", f);
    fclose(f);
    snprintf(cmd, sizeof cmd, "%s run %s --out %s --resume --quiet", bin, path("k2.json"), path("other"));
    CHECK(sh(cmd) != 0 && strstr(err, "header does not match"));
}

/* Each malformed config: exit 2, a message with file:line:col naming the
 * field, and no results file. */
static void test_bad_configs(void)
{
    static const struct {
        const char *text, *expect;
    } cases[] = {
        {"{\"algorithms\": [{\"algo\": \"sdr-powermin\"}],\n \"trials\": \"ten\"}", "c.json:2:2: field 'trials': expected an integer"},
        {"{\"algorithms\": [{\"algo\": \"sdr-nope\"}]}", "c.json:1:18: field 'algorithms[0].algo': unknown algorithm 'sdr-nope'"},
        {"{\"algorithms\": [{\"algo\": \"sdr-powermin\"}], \"trials\": -3}", "field 'trials': expected an integer in 1..10000000, got -3"},
        {"{\"algorithms\": [{\"algo\": \"sdr-powermin\"}],\n \"sweep\": [{\"param\": \"Ps\", \"values\": []}]}", "c.json:2:28: field 'sweep[0].values': empty sweep"},
        {"{\"algorithms\": [{\"algo\": \"sdr-powermin\"}], \"sweep\": []}", "field 'sweep': empty sweep"},
        {"{\"algorithms\": [{\"algo\": \"sdr-powermin\"}], \"sweep\": [{\"param\": \"Ps\", \"val", "c.json:1:"},
        {"{\"algorithms\": [{\"algo\": \"sdr-powermin\"}], \"scenario\": {\"Ps\": NaN}}", "c.json:1:"},
        {"{\"algorithms\": [{\"algo\": \"sdr-powermin\"}], \"scenario\": {\"P_total\": 1e300}}", "field 'scenario.P_total': P_total = 1e+300 is out of range"},
        {"{\"algorithms\": [{\"algo\": \"sdr-powermin\"}], \"trials\": 99999999999}", "field 'trials': expected an integer"},
        {"{\"algorithms\": [{\"algo\": \"sdr-powermin\"}],\n \"sweep\": [{\"param\": \"gamma_db\", \"from\": 0, \"to\": 1e9, \"step\": 1}]}", "c.json:2:"},
        {"{\"algorithms\": [{\"algo\": \"sdr-powermin\"}], \"trails\": 3}", "field 'trails': unknown field"},
        {"{\"algorithms\": [{\"algo\": \"sdr-powermin\"}], \"metrics\": [\"power\"]}", "field 'metrics[0]': unknown metric 'power'"},
        {"{\"algorithms\": [{\"algo\": \"sdr-powermin\"}, {\"algo\": \"sdr-powermin\"}]}", "field 'algorithms[1].label': label 'sdr-powermin' is used twice"},
        {"{\"algorithms\": [{\"algo\": \"sdr-powermin\", \"gamma_db_from\": \"x\"}]}", "field 'algorithms[0].gamma_db_from': no earlier"},
        {"{\"algorithms\": [{\"algo\": \"sdr-powermin\"}], \"sweep\": [{\"param\": \"Q\", \"values\": [1]}]}", "field 'sweep[0].param': unknown sweep parameter 'Q'"},
        {"{\"algorithms\": [{\"algo\": \"sdr-powermin\"}], \"sweep\": [{\"param\": \"K\", \"values\": [2, 0]}]}", "field 'sweep[0].values[1]': expected an integer in 1..100000, got 0"},
        {"{\"system\": \"ris\", \"algorithms\": [{\"algo\": \"sdr-powermin\"}]}", "c.json:1:2: field 'system': unknown system 'ris' (known: noma-isac, ris-noma-isac, rs-noma-isac)"},
        {"{\"algorithms\": [{\"algo\": \"sdr-powermin\", \"options\": {\"mu\": 0.1}}]}", "field 'algorithms[0].options.mu': unknown option (known: solver, nrand, rank_tol, feas_tol, sdp_tol, sdp_maxiter, max_memory_mb, refine, refine_maxiter)"},
        {"{\"algorithms\": [{\"algo\": \"sdr-powermin\"}], \"scenario\": {\"targets_deg\": [10, 95]}}", "field 'scenario.targets_deg[1]': targets_deg must be in [-90, 90] deg, got 95"},
        {"{\"algorithms\": [{\"algo\": \"sdr-powermin\"}], \"sweep\": [{\"param\": \"targets_deg\", \"values\": [1]}]}", "unknown sweep parameter 'targets_deg'"},
        {"{\"algorithms\": [{\"algo\": \"sdr-powermin\"}], \"vectors\": \"tall\"}", "field 'vectors': expected one of auto|wide|long"},
        {"{\"algorithms\": [{\"algo\": \"sdr-powermin\"}], \"plots\": [{\"file\": \"a\", \"y\": \"nothing\"}]}", "field 'plots[0].y'"},
        {"[1, 2]", "c.json:1:1: expected a JSON object"},
        {"{\"algorithms\": [{\"algo\": \"sdr-maxmin\", \"options\": {\"mu\": \"fast\"}}]}", "field 'algorithms[0].options.mu': expected a number"},
        {"", "c.json:1:"},
    };
    const int n = (int)(sizeof cases / sizeof cases[0]);
    for (int i = 0; i < n; i++) {
        write_file("c.json", cases[i].text);
        char cmd[1024];
        snprintf(cmd, sizeof cmd, "rm -rf %s; %s run %s --out %s --quiet", path("bad"), bin, path("c.json"), path("bad"));
        int rc = sh(cmd);
        CHECK_MSG(rc == 2, "case %d: exit %d", i, rc);
        CHECK_MSG(strstr(err, cases[i].expect) != NULL, "case %d: stderr '%s' lacks '%s'", i, err, cases[i].expect);
        CHECK_MSG(!exists(path("bad")), "case %d: left an output folder", i);
    }
}

/* Writes a 3-D complex128 .npy file of shape (t, k, n) in C order: z[(r k + i) n + j]. */
static void write_npy3(const char *file, int t, int k, int n, const double complex *z)
{
    char hdr[128];
    int hl = snprintf(hdr, sizeof hdr, "{'descr': '<c16', 'fortran_order': False, 'shape': (%d, %d, %d), }", t, k, n);
    const int pad = (int)((64 - (10 + hl + 1) % 64) % 64), hlen = hl + pad + 1;
    FILE *f = fopen(file, "wb");
    fwrite("\x93NUMPY\x01\x00", 1, 8, f);
    fputc(hlen & 0xff, f);
    fputc(hlen >> 8, f);
    fwrite(hdr, 1, (size_t)hl, f);
    for (int i = 0; i < pad; i++) fputc(' ', f);
    fputc('\n', f);
    fwrite(z, sizeof *z, (size_t)t * k * n, f);
    fclose(f);
}

/* The records' lines without the header comments (they carry the config's hash). */
static int same_records(const char *a, const char *b)
{
    char cmd[1200];
    snprintf(cmd, sizeof cmd, "cmp -s <(grep -v '^#' %s) <(grep -v '^#' %s)", a, b);
    char full[1400];
    snprintf(full, sizeof full, "bash -c \"%s\"", cmd);
    return system(full) == 0;
}

/* 1 when every record of trial 0 equals the record of trial 1 at the same point (the trial field
 * aside), 0 when some differ, -1 when the file cannot be read. */
static int trials_alike(const char *file)
{
    size_t len;
    char *t = slurp(file, &len);
    if (!t) return -1;
    static char rec[2][16][512]; /* [trial][point] without the trial field */
    unsigned seen = 0;
    for (char *l = strtok(t, "\n"); l; l = strtok(NULL, "\n")) {
        int pt, tr, n = 0;
        if (l[0] == '#' || sscanf(l, "%d,%*[^,],%*[^,],%d,%n", &pt, &tr, &n) != 2 || tr > 1 || pt > 15) continue;
        char *c3 = l; /* the record from its fourth field on */
        for (int f = 0; f < 3; f++) c3 = strchr(c3, ',') + 1;
        snprintf(rec[tr][pt], sizeof rec[tr][pt], "%.*s%s", (int)(c3 - l), l, strchr(c3, ','));
        seen |= 1u << (2 * pt + tr);
    }
    free(t);
    int alike = seen != 0;
    for (int pt = 0; pt < 16; pt++)
        if (seen & (3u << (2 * pt))) alike &= !strcmp(rec[0][pt], rec[1][pt]);
    return alike;
}

/* "channels": {"file": F}: a .npy stack holding the channels the runner would draw for trials
 * 0..2 gives the drawn run's records line for line; a file with one realisation serves every trial;
 * a file with too few realisations, a sweep over its sizes, a system with several inputs and a
 * missing file are refused with the field. */
static void test_channel_file(void)
{
    enum { T = 3, K = 2, N = 4 };
    static const char *cfg =
        "{\"name\": \"cf\", \"scenario\": {\"N\": 4, \"K\": 2, \"targets_deg\": [-60, 60]},%s\n"
        " \"sweep\": [{\"param\": \"gamma_db\", \"values\": [4, 8]}],\n"
        " \"algorithms\": [{\"algo\": \"sdr-powermin\"}], \"trials\": %d, \"seed\": 11,\n"
        " \"metrics\": [\"total_power\", \"user_sinr_db\", \"max_viol\"]}\n";
    const nisac_system *sy = nisac_system_find(NULL, "noma-isac");
    nisac_params *p = nisac_system_params(sy);
    nisac_params_set_named(p, "N", N);
    nisac_params_set_named(p, "K", K);
    double complex z[T * K * N];
    for (int t = 0; t < T; t++) { /* the channels of trial t, stream (11, 0, t), users in the caller's order */
        nisac_instance *inst = NULL;
        CHECK(nisac_instance_new(sy, p, 0, NULL, 11, 0, (uint64_t)t, &inst) == 0);
        const nisac_noma_instance *ni = inst ? nisac_noma_instance_of(inst) : NULL;
        for (int k = 0; ni && k < K; k++)
            for (int n = 0; n < N; n++) z[(t * K + ni->order[k]) * N + n] = ni->H[n + (size_t)N * k];
        nisac_instance_free(inst);
    }
    nisac_params_free(p);
    write_npy3(path("h3.npy"), T, K, N, z);
    double complex zn[T * K * N];
    memcpy(zn, z, sizeof zn);
    zn[T * K * N - 1] = NAN; /* the last entry of the last realisation */
    write_npy3(path("hnan.npy"), T, K, N, zn);
    char buf[1024], cmd[1200];
    snprintf(buf, sizeof buf, cfg, "", T);
    write_file("drawn.json", buf);
    snprintf(buf, sizeof buf, cfg, " \"channels\": {\"file\": \"h3.npy\"},", T);
    write_file("file.json", buf);
    snprintf(cmd, sizeof cmd, "%s run %s --out %s --quiet && %s run %s --out %s --quiet", bin, path("drawn.json"),
             path("cf-drawn"), bin, path("file.json"), path("cf-file"));
    CHECK_MSG(sh(cmd) == 0, "%s", err);
    CHECK_MSG(same_records(path("cf-drawn/results.csv"), path("cf-file/results.csv")),
              "the file's channels give other records than the drawn ones");
    /* one realisation (the first of the stack) for every trial */
    write_npy3(path("h1.npy"), 1, K, N, z);
    snprintf(buf, sizeof buf, cfg, " \"channels\": {\"file\": \"h1.npy\"},", 2);
    write_file("one.json", buf);
    snprintf(cmd, sizeof cmd, "%s run %s --out %s --quiet", bin, path("one.json"), path("cf-one"));
    CHECK_MSG(sh(cmd) == 0, "%s", err);
    CHECK_MSG(trials_alike(path("cf-one/results.csv")) == 1, "one realisation: trials 0 and 1 differ");
    CHECK_MSG(trials_alike(path("cf-drawn/results.csv")) == 0, "drawn: trials 0 and 1 alike");
    static const struct {
        const char *fields, *expect;
        int trials;
    } bad[] = {
        {" \"channels\": {\"file\": \"h3.npy\"},", "holds 3 realisations, fewer than the 4 trials", 4},
        {" \"channels\": {\"file\": \"nope.npy\"},", "field 'channels.file': ", 1},
        {" \"channels\": {\"file\": 3},", "field 'channels.file': expected a .npy or .mat file name", 1},
        {" \"channels\": {\"file\": \"hnan.npy\"},", "hnan.npy: not a usable .npy file: entry [2, 1, 3] is not finite", 1},
        {" \"system\": \"ris-noma-isac\", \"channels\": {\"file\": \"h3.npy\"},", "takes 5 explicit inputs", 1},
    };
    for (int i = 0; i < (int)(sizeof bad / sizeof bad[0]); i++) {
        snprintf(buf, sizeof buf, cfg, bad[i].fields, bad[i].trials);
        if (strstr(bad[i].fields, "ris-noma-isac")) { /* a ris-noma-isac config */
            snprintf(buf, sizeof buf, "{%s \"algorithms\": [{\"algo\": \"ris-sdma\"}]}", bad[i].fields);
        }
        write_file("bad.json", buf);
        snprintf(cmd, sizeof cmd, "rm -rf %s; %s run %s --out %s --quiet", path("cf-bad"), bin, path("bad.json"),
                 path("cf-bad"));
        CHECK_MSG(sh(cmd) == 2 && strstr(err, bad[i].expect), "case %d: '%s' lacks '%s'", i, err, bad[i].expect);
        CHECK(!exists(path("cf-bad")));
    }
    /* a sweep over the users the file fixes */
    write_file("bad.json", "{\"channels\": {\"file\": \"h3.npy\"}, \"trials\": 3, \"algorithms\": "
                           "[{\"algo\": \"sdr-powermin\"}], \"scenario\": {\"N\": 4},"
                           " \"sweep\": [{\"param\": \"K\", \"values\": [2, 3]}]}");
    snprintf(cmd, sizeof cmd, "%s run %s --out %s --quiet", bin, path("bad.json"), path("cf-bad"));
    CHECK_MSG(sh(cmd) == 2 && strstr(err, "K=3 N=4, but the channel file holds K=2 N=4"), "'%s'", err);
    write_file("bad.json", "{\"channels\": {\"file\": \"h3.npy\"}, \"trials\": 3, \"algorithms\": "
                           "[{\"algo\": \"sdr-powermin\"}], \"scenario\": {\"N\": 5}}");
    CHECK_MSG(sh(cmd) == 2 && strstr(err, "but scenario.N is 5"), "'%s'", err);
}

/* The summary against arithmetic done here: values 1,2,3,4 have mean
 * 2.5, sd sqrt(5/3), and t(0.975, 3) = 3.182446305284263 (tables). */
static void test_summary_stats(void)
{
    const char *csv = "# nisac results\n"
                      "point,Ps,algo,trial,draw,status,x,y\n"
                      "0,2,A,0,0,optimal,1,1000000001\n"
                      "0,2,A,1,0,feasible,2,1000000002\n"
                      "0,2,A,2,0,infeasible,3,1000000003\n"
                      "0,2,A,3,0,optimal,4,nan\n"
                      "0,2,B,0,0,optimal,5,7\n"
                      "1,3,A,0,0,optimal,-1,-2\n"
                      "1,3,A,1,0,optimal,1,2\n";
    char d[400];
    snprintf(d, sizeof d, "%s", path("s"));
    mkdir(d, 0777);
    write_file("s/results.csv", csv);
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "%s summarize %s", bin, path("s/results.csv"));
    CHECK_MSG(sh(cmd) == 0, "%s", err);
    char *t = slurp(path("s/summary.csv"), NULL);
    CHECK(t != NULL);
    if (!t) return;
    char *line = strstr(t, "\n0,2,A,");
    CHECK(line != NULL);
    if (!line) {
        free(t);
        return;
    }
    int n;
    double feas, xm, xs, xh, ym, ys, yh;
    int xn, yn;
    char statuses[128];
    int got = sscanf(line, "\n0,2,A,%d,%lf,%127[^,],%lf,%lf,%lf,%d,%lf,%lf,%lf,%d", &n, &feas, statuses, &xm, &xs, &xh,
                     &xn, &ym, &ys, &yh, &yn);
    CHECK(got == 11);
    CHECK(n == 4 && xn == 4 && yn == 3);
    CHECK_REL(feas, 0.75, 1e-12);
    CHECK(strcmp(statuses, "optimal=2;feasible=1;infeasible=1") == 0);
    const double t3 = 3.182446305284263, t2 = 4.302652729911275;
    CHECK_REL(xm, 2.5, 1e-9);
    CHECK_REL(xs, sqrt(5.0 / 3.0), 1e-9);
    CHECK_REL(xh, t3 * sqrt(5.0 / 3.0) / 2.0, 1e-9);
    /* y: 1e9 + {1, 2, 3}, NaN skipped: mean 1e9+2, sd 1 (no cancellation) */
    CHECK_REL(ym, 1000000002.0, 1e-15);
    CHECK_REL(ys, 1.0, 1e-6);
    CHECK_REL(yh, t2 / sqrt(3.0), 1e-6);
    /* the second point: -1, 1 -> mean 0, sd sqrt(2), one group per (point, algo) */
    line = strstr(t, "\n1,3,A,2,1,optimal=2,");
    CHECK(line != NULL);
    CHECK(strstr(t, "\n0,2,B,1,1,optimal=1,5,nan,nan,1,") != NULL);
    free(t);
    char *md = slurp(path("s/summary.md"), NULL);
    CHECK(md && strstr(md, "| 2 | A | 4 | 75% | 2.5 ± 2.1 |"));
    free(md);
    /* a torn file is refused with its line */
    write_file("s/results.csv", "# x\npoint,Ps,algo,trial,draw,status,x\n0,2,A,0,0,optimal,1\n0,2,A,1");
    CHECK(sh(cmd) == 2 && strstr(err, "results.csv:4: incomplete last line"));
}

int main(void)
{
    bin = getenv("NISAC");
    if (!bin) bin = "build/nisac";
    snprintf(tmpdir, sizeof tmpdir, "/tmp/nisac-run-XXXXXX");
    if (!mkdtemp(tmpdir)) return 1;
    RUN(test_workers_identical);
    RUN(test_mpi_identical);
    RUN(test_kill_resume);
    RUN(test_bad_configs);
    RUN(test_summary_stats);
    RUN(test_channel_file);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
    if (system(cmd)) {}
    TEST_END();
}
