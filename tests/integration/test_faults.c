/* Fault injection: each reproducer of a past defect, hostile inputs,
 * damaged files, concurrent runs, a small address space, and 20
 * randomised interruptions (SIGKILL of the parent or of a worker,
 * SIGTERM, a disk that fills up, torn or NUL-damaged partial files), each
 * ending, after --resume, in a file byte-identical to an uninterrupted
 * run.  NISAC names the program, NISAC_SHIM the ENOSPC shim. */
#include "harness.h"
#include "testfs.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char *bin, *shim;
static char out[1 << 16], err[16384];
static char all_err[1 << 16]; /* every command's stderr since the last reset */

static int sh(const char *cmd)
{
    char full[8192], ef[300], of[300];
    snprintf(ef, sizeof ef, "%s/stderr", tmpdir);
    snprintf(of, sizeof of, "%s/stdout", tmpdir);
    snprintf(full, sizeof full, "(%s) >%s 2>%s", cmd, of, ef);
    int st = system(full);
    FILE *e = fopen(ef, "r");
    size_t n = e ? fread(err, 1, sizeof err - 1, e) : 0;
    err[n] = 0;
    if (e) fclose(e);
    strncat(all_err, err, sizeof all_err - strlen(all_err) - 1);
    FILE *o = fopen(of, "r");
    n = o ? fread(out, 1, sizeof out - 1, o) : 0;
    out[n] = 0;
    if (o) fclose(o);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}


static long count_lines(const char *p)
{
    size_t len = 0;
    char *t = slurp(p, &len);
    long n = 0;
    for (size_t i = 0; t && i < len; i++) n += t[i] == '\n';
    free(t);
    return n;
}

/* 6 points x T trials x 2 algorithms: a run of a few seconds. */
static void make_config_plot(const char *name, int trials, const char *plots)
{
    char buf[2048];
    snprintf(buf, sizeof buf,
             "{\"name\": \"faults\", %s\"scenario\": {\"N\": 4, \"K\": 2, \"targets_deg\": [-60, 60]},\n"
             " \"sweep\": [{\"param\": \"decoders\", \"values\": [\"all\", \"own\"]},\n"
             "           {\"param\": \"gamma_db\", \"from\": 4, \"to\": 12, \"step\": 4}],\n"
             " \"algorithms\": [{\"label\": \"NOMA\", \"algo\": \"sdr-powermin\"}, {\"label\": \"OMA\", \"algo\": \"oma-sdr\"}],\n"
             " \"trials\": %d, \"seed\": 5, \"metrics\": [\"total_power\", \"min_sinr_db\", \"user_sinr_db\", \"max_viol\"]}\n",
             plots, trials);
    write_file(name, buf);
}

static void make_config(const char *name, int trials) { make_config_plot(name, trials, ""); }

/* ---- reproducers ---- */

/* 1. Reads are sized by the file: run, resume, summarize and plot work in
 * a 2 GB address space. */
static void test_small_address_space(void)
{
#if defined(__SANITIZE_ADDRESS__)
    printf("  skip test_small_address_space: AddressSanitizer reserves terabytes of address space\n");
#else
    make_config_plot("v.json", 4, "\"plots\": [{\"file\": \"p\", \"x\": \"gamma_db\", \"y\": \"total_power\", "
                                  "\"series\": [\"algo\"]}], ");
    char cmd[2048];
    /* a complete run, its summary and plot, then a resume of a cut partial file */
    snprintf(cmd, sizeof cmd, "ulimit -v 2000000; %s run %s --out %s --workers 2 --quiet", bin, path("v.json"), path("v"));
    CHECK_MSG(sh(cmd) == 0, "run: %s", err);
    snprintf(cmd, sizeof cmd, "ulimit -v 2000000; %s summarize %s", bin, path("v/results.csv"));
    CHECK_MSG(sh(cmd) == 0, "summarize: %s", err);
    snprintf(cmd, sizeof cmd, "ulimit -v 2000000; %s plot %s --out %s", bin, path("v.json"), path("v"));
    CHECK_MSG(sh(cmd) == 0 && exists(path("v/p.png")), "plot: %s", err);
    size_t len;
    char *t = slurp(path("v/results.csv"), &len);
    mkdir(path("v2"), 0777);
    FILE *f = fopen(path("v2/results.csv.partial"), "wb");
    fwrite(t, 1, len / 2, f);
    fclose(f);
    free(t);
    snprintf(cmd, sizeof cmd, "ulimit -v 2000000; %s run %s --out %s --workers 2 --resume --quiet", bin, path("v.json"),
             path("v2"));
    CHECK_MSG(sh(cmd) == 0, "resume: %s", err);
    CHECK(same_file(path("v/results.csv"), path("v2/results.csv")));
#endif
}

/* 2. A zero budget is bad input, not an optimal design over budget. */
static void test_zero_budget(void)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "%s solve --Ptotal 0 --json", bin);
    CHECK(sh(cmd) == 2 && strstr(err, "P_total must be > 0"));
    write_file("pt.json", "{\"P_total\": 0}");
    snprintf(cmd, sizeof cmd, "%s solve --config %s", bin, path("pt.json"));
    CHECK(sh(cmd) == 2 && strstr(err, "pt.json:1:2: field 'P_total': P_total must be > 0"));
    /* a budget below what sensing alone needs: infeasible, and the judge says the budget (8b) is imposed */
    snprintf(cmd, sizeof cmd, "%s solve --Ptotal 0.5 --json", bin);
    CHECK(sh(cmd) == 0 && strstr(out, "\"status\": \"infeasible\""));
    const char *b = strstr(out, "\"budget\": {");
    CHECK(b && strstr(b, "\"imposed\": true") && strstr(b, "\"imposed\": true") < strchr(b, '}'));
}

/* Starts `nisac run CFG --out DIR` with 2 workers in the background,
 * output dropped; with enospc, writes to the partial files fail with
 * ENOSPC after that many bytes (the shim). */
static pid_t start_run(const char *cfg, const char *dir, int resume, int enospc)
{
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        int fd = open("/dev/null", O_WRONLY);
        dup2(fd, 1);
        dup2(fd, 2);
        if (enospc) {
            char lim[32];
            snprintf(lim, sizeof lim, "%d", enospc);
            setenv("NISAC_FAULT_ENOSPC_AFTER", lim, 1);
            setenv("LD_PRELOAD", shim, 1);
            setenv("ASAN_OPTIONS", "verify_asan_link_order=0", 1);
        }
        execl(bin, bin, "run", cfg, "--out", dir, "--workers", "2", "--batch", "2", resume ? "--resume" : "--quiet",
              (char *)NULL);
        _exit(127);
    }
    return pid;
}

/* 3. Two runs on one folder: the second is refused with the holder's pid;
 * the first's file is intact. */
static void test_concurrent_runs(void)
{
    make_config("c.json", 12);
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "%s run %s --out %s --workers 1 --quiet", bin, path("c.json"), path("cref"));
    CHECK_MSG(sh(cmd) == 0, "%s", err);
    pid_t pid = start_run(path("c.json"), path("c1"), 0, 0);
    for (int i = 0; i < 5000 && !exists(path("c1/.nisac.lock")); i++) {
        struct timespec ts = {0, 1000000};
        nanosleep(&ts, NULL);
    }
    snprintf(cmd, sizeof cmd, "%s run %s --out %s --force --quiet", bin, path("c.json"), path("c1"));
    int rc = sh(cmd);
    char want[64];
    snprintf(want, sizeof want, "in use by another nisac run (pid %d", (int)pid);
    CHECK_MSG(rc == 2 && strstr(err, want), "rc %d: %s", rc, err);
    int st;
    waitpid(pid, &st, 0);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    CHECK(same_file(path("cref/results.csv"), path("c1/results.csv")));
    CHECK(!exists(path("c1/.nisac.lock")));
}

/* 4. Resume drops a damaged unit (a short row, NUL bytes) and recomputes it. */
static void test_resume_damaged(void)
{
    make_config("d.json", 8);
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "%s run %s --out %s --quiet --workers 2", bin, path("d.json"), path("dref"));
    CHECK_MSG(sh(cmd) == 0, "%s", err);
    size_t len;
    char *t = slurp(path("dref/results.csv"), &len);
    /* the header, 5 units (2 rows each), a unit's first row and 60 characters of its second */
    char *p = strstr(t, "\npoint,") + 1;
    p = strchr(p, '\n') + 1;
    for (int r = 0; r < 11; r++) p = strchr(p, '\n') + 1;
    for (int variant = 0; variant < 2; variant++) {
        const char *dir = variant ? path("dnul") : path("dcut");
        mkdir(dir, 0777);
        char part[600];
        snprintf(part, sizeof part, "%s/results.csv.partial", dir);
        FILE *f = fopen(part, "wb");
        if (!variant) {
            fwrite(t, 1, (size_t)(p - t) + 60, f);
            fputc('\n', f);
        } else { /* NUL bytes over the middle of the file, the rest kept */
            size_t at = (size_t)(p - t) - 30;
            fwrite(t, 1, at, f);
            for (int i = 0; i < 200; i++) fputc(0, f);
            fwrite(t + at + 200, 1, len - at - 200 - 1000, f);
        }
        fclose(f);
        snprintf(cmd, sizeof cmd, "%s run %s --out %s --resume --quiet --workers 2", bin, path("d.json"), dir);
        CHECK_MSG(sh(cmd) == 0, "variant %d: %s", variant, err);
        char fin[600];
        snprintf(fin, sizeof fin, "%s/results.csv", dir);
        CHECK_MSG(same_file(path("dref/results.csv"), fin), "variant %d", variant);
    }
    free(t);
}

/* 5. A problem whose answer is 1e9 W is not called infeasible: the
 * verdict is checked at unit scale; the answer scales with the noise. */
static void test_scaled_verdict(void)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "%s solve --algo sdr-powermin --gamma-db 40 --targets none --json", bin);
    CHECK(sh(cmd) == 0);
    CHECK_MSG(strstr(out, "\"status\": \"optimal\""), "%.300s", out);
    char *tp = strstr(out, "\"total_power\": ");
    double p1 = tp ? atof(tp + 15) : NAN;
    snprintf(cmd, sizeof cmd, "%s solve --algo sdr-powermin --gamma-db 40 --targets none --sigma2 1e-4 --json", bin);
    CHECK(sh(cmd) == 0);
    tp = strstr(out, "\"total_power\": ");
    double p2 = tp ? atof(tp + 15) : NAN;
    /* no targets, no budget: W scales with sigma2 */
    CHECK_REL(p1, 100 * p2, 1e-4);
}

/* 6. summarize and plot: strict by default, --lenient counts. */
static void test_summarize_strict(void)
{
    const char *head = "# nisac results\n# points: 2 trials: 2 algorithms: 1 draws: 1 rows_per_unit: 1\n"
                       "point,Ps,algo,trial,draw,status,x\n";
    static const struct {
        const char *rows, *expect;
    } cases[] = {
        {"0,2,A,0,0,optimal,1\n0,2,A,1,0,optimal,abc\n", "s.csv:5: column 'x': 'abc' is not a number"},
        {"0,2,A,0,0,optimal,1\n0,2,A,0,0,optimal,1\n", "s.csv:5: duplicate record (point 0, algo A, trial 0, draw 0) of line 4"},
        {"0,2,A,0,0,optimal,1\n0,2,B,1,0,optimal,2\n", "s.csv:5: algorithm 'B' is one more than the 1"},
        {"0,2,A,0,0,optimal,1\n7,2,A,1,0,optimal,2\n", "s.csv:5: point '7' is not one of the 2 points"},
        {"0,2,A,0,0,optimal,1\n0,2,A,1,0,great,2\n", "s.csv:5: status 'great' is not a solve status"},
        {"0,2,A,0,0,optimal,1\n0,2,A,\0\0,0,optimal,2\n", "s.csv:5: NUL bytes"},
    };
    mkdir(path("sum"), 0777);
    /* a header that announces no counts and a point number near LONG_MAX
     * (found by fuzzing: the groups were sized by the largest point) */
    write_file("sum/big.csv", "# nisac results\npoint,algo,trial,draw,status,x\n0,A,0,0,optimal,1\n"
                              "9223372036854775807,A,0,0,optimal,2\n");
    char bc[1024];
    snprintf(bc, sizeof bc, "%s summarize %s", bin, path("sum/big.csv"));
    CHECK_MSG(sh(bc) == 0, "%s", err);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        FILE *f = fopen(path("sum/s.csv"), "wb");
        fputs(head, f);
        size_t n = strlen(cases[i].rows);
        if (i == 5) n = 41; /* the row with NUL bytes */
        fwrite(cases[i].rows, 1, n, f);
        fclose(f);
        char cmd[1024];
        snprintf(cmd, sizeof cmd, "%s summarize %s", bin, path("sum/s.csv"));
        int rc = sh(cmd);
        CHECK_MSG(rc == 2 && strstr(err, cases[i].expect), "case %zu: rc %d: %s", i, rc, err);
        snprintf(cmd, sizeof cmd, "%s summarize %s --lenient", bin, path("sum/s.csv"));
        CHECK_MSG(sh(cmd) == 0, "case %zu lenient: %s", i, err);
        char *s = slurp(path("sum/summary.csv"), NULL);
        CHECK_MSG(s && strstr(s, "# skipped: 1 damaged or duplicate rows"), "case %zu: %s", i, s ? s : "(none)");
        free(s);
    }
}

/* 7. Sizes the program cannot finish are refused at once, with the reason. */
static void test_refused_sizes(void)
{
    char cmd[1024];
    time_t t0 = time(NULL);
    snprintf(cmd, sizeof cmd, "%s solve --N 4096 --K 1", bin);
    CHECK(sh(cmd) == 2 && strstr(err, "max_memory_mb"));
    snprintf(cmd, sizeof cmd, "%s solve --N 4096 --K 1 --algo sdr-powermin --max-memory-mb 4096", bin);
    CHECK(sh(cmd) == 2 && strstr(err, "MiB"));
    CHECK(time(NULL) - t0 < 10);
    write_file("big.json", "{\"scenario\": {\"N\": 2048}, \"algorithms\": [{\"algo\": \"sdr-powermin\"}]}");
    snprintf(cmd, sizeof cmd, "%s run %s --out %s", bin, path("big.json"), path("bigout"));
    CHECK(sh(cmd) == 2 && strstr(err, "sweep point 0, algorithm 'sdr-powermin'") && strstr(err, "max_memory_mb"));
    CHECK(!exists(path("bigout")));
}

/* 8. Exit codes and messages: file and field, never a source location. */
static void test_messages(void)
{
    char cmd[1024];
    all_err[0] = 0;
    write_file("ch.json", "{\"channels\": [[[1e200, 0], [0, 1]]]}");
    snprintf(cmd, sizeof cmd, "%s solve --config %s", bin, path("ch.json"));
    CHECK(sh(cmd) == 2 && strstr(err, "ch.json:1:16: field 'channels[0][0]'"));
    snprintf(cmd, sizeof cmd, "%s solve --rank-tol -1", bin);
    CHECK(sh(cmd) == 2 && strstr(err, "option --rank-tol: rank_tol must be >= 0"));
    snprintf(cmd, sizeof cmd, "%s solve --sigma2 1e308", bin);
    CHECK(sh(cmd) == 2 && strstr(err, "sigma2 = 1e+308 is out of range"));
    write_file("s1.json", "{\"sigma2\": 1e308}");
    snprintf(cmd, sizeof cmd, "%s solve --config %s", bin, path("s1.json"));
    CHECK(sh(cmd) == 2 && strstr(err, "sigma2 = 1e+308 is out of range"));
    snprintf(cmd, sizeof cmd, "%s solve --targets 10,", bin);
    CHECK(sh(cmd) == 2 && strstr(err, "option --targets"));
    /* a config larger than 16 MiB, and a folder */
    FILE *f = fopen(path("huge.json"), "w");
    fputs("{\"algorithms\": [{\"algo\": \"sdr-powermin\"}], \"description\": \"", f);
    for (int i = 0; i < 17 * 1024; i++)
        for (int j = 0; j < 1024; j++) fputc('x', f);
    fputs("\"}", f);
    fclose(f);
    snprintf(cmd, sizeof cmd, "%s run %s", bin, path("huge.json"));
    CHECK(sh(cmd) == 2 && strstr(err, "larger than 16 MiB"));
    unlink(path("huge.json"));
    snprintf(cmd, sizeof cmd, "%s run %s", bin, tmpdir);
    CHECK(sh(cmd) == 2 && strstr(err, "Is a directory"));
    snprintf(cmd, sizeof cmd, "%s solve --config %s", bin, tmpdir);
    CHECK(sh(cmd) == 2 && strstr(err, "Is a directory"));
    /* output that cannot be written */
    snprintf(cmd, sizeof cmd, "%s solve --algo sdr-powermin --gamma-db 5 --json > /dev/full", bin);
    if (exists("/dev/full")) CHECK(sh(cmd) == 1 && strstr(err, "cannot write the output"));
    /* no library source location in any message above */
    CHECK_MSG(all_err[0] && !strstr(all_err, ".c:"), "%s", all_err);
    /* a header of another config: bad input (2), for the partial and the final file */
    make_config("h1.json", 3);
    make_config("h2.json", 4);
    snprintf(cmd, sizeof cmd, "%s run %s --out %s --quiet", bin, path("h1.json"), path("h"));
    CHECK(sh(cmd) == 0);
    snprintf(cmd, sizeof cmd, "%s run %s --out %s --resume --quiet", bin, path("h2.json"), path("h"));
    CHECK(sh(cmd) == 2 && strstr(err, "another config"));
    rename(path("h/results.csv"), path("h/results.csv.partial"));
    CHECK(sh(cmd) == 2 && strstr(err, "header does not match"));
    /* max-min measures no SINR target: its SINR violation is not reported */
    snprintf(cmd, sizeof cmd, "%s solve --json", bin);
    CHECK(sh(cmd) == 0);
    char *v = strstr(out, "\"sinr\": {");
    CHECK(v && strstr(v, "\"imposed\": false") && strstr(v, "\"violation\": null") &&
          strstr(v, "\"violation\": null") < strstr(v, "}"));
}

/* ---- 20 randomised interruptions ---- */

static unsigned long long lcg = 88172645463325252ULL;
static unsigned rnd(unsigned n)
{
    lcg = lcg * 6364136223846793005ULL + 1442695040888963407ULL;
    return (unsigned)((lcg >> 33) % n);
}

/* The children of pid (its worker processes). */
static int children(pid_t pid, pid_t *kids, int max)
{
    int n = 0;
    DIR *d = opendir("/proc");
    struct dirent *de;
    while (d && (de = readdir(d)) && n < max) {
        char p[300], buf[512];
        snprintf(p, sizeof p, "/proc/%s/stat", de->d_name);
        FILE *f = fopen(p, "r");
        if (!f) continue;
        size_t r = fread(buf, 1, sizeof buf - 1, f);
        fclose(f);
        buf[r] = 0;
        char *cp = strrchr(buf, ')');
        int ppid = 0;
        if (cp && sscanf(cp + 2, "%*c %d", &ppid) == 1 && ppid == pid) kids[n++] = (pid_t)atoi(de->d_name);
    }
    if (d) closedir(d);
    return n;
}


static void test_random_interruptions(void)
{
    make_config("r.json", 60);
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "%s run %s --out %s --quiet --workers 2", bin, path("r.json"), path("rref"));
    CHECK_MSG(sh(cmd) == 0, "%s", err);
    const long total_lines = count_lines(path("rref/results.csv"));
    const char *kinds[] = {"kill parent", "kill worker", "SIGTERM", "ENOSPC", "torn", "NUL"};
    int by_kind[6] = {0}, ok = 0, interrupted = 0;
    for (int c = 0; c < 20; c++) {
        int kind = c < 6 ? c : (int)rnd(6);
        if (kind == 3 && !shim) kind = 0;
        by_kind[kind]++;
        char dir[600], part[700], fin[700];
        snprintf(dir, sizeof dir, "%s/r%d", tmpdir, c);
        snprintf(part, sizeof part, "%s/results.csv.partial", dir);
        snprintf(fin, sizeof fin, "%s/results.csv", dir);
        const long at = 20 + (long)rnd((unsigned)(total_lines / 2));
        int st = 0, reaped = 0;
        pid_t pid = start_run(path("r.json"), dir, 0, kind == 3 ? (int)(2000 + rnd(20000)) : 0);
        if (kind != 3) {
            /* wait until the partial file holds `at` lines */
            for (int i = 0; i < 30000 && count_lines(part) < at && !(reaped = waitpid(pid, &st, WNOHANG) == pid); i++) {
                struct timespec ts = {0, 1000000};
                nanosleep(&ts, NULL);
            }
            if (reaped) {
            } else if (kind == 1) {
                pid_t kids[8];
                int nk = children(pid, kids, 8);
                if (nk > 0) kill(kids[rnd((unsigned)nk)], SIGKILL);
                else kill(pid, SIGKILL);
            } else
                kill(pid, kind == 2 ? SIGTERM : SIGKILL);
        }
        if (!reaped) waitpid(pid, &st, 0);
        interrupted += exists(part) && !exists(fin);
        int code = WIFEXITED(st) ? WEXITSTATUS(st) : -WTERMSIG(st);
        if (kind == 1 || kind == 2) CHECK_MSG(code == 3 || code == 0, "cycle %d (%s): exit %d", c, kinds[kind], code);
        if (kind == 3) CHECK_MSG(code == 1 || code == 0, "cycle %d (ENOSPC): exit %d", c, code);
        if ((kind == 4 || kind == 5) && exists(part)) { /* damage what the kill left */
            size_t len;
            char *t = slurp(part, &len);
            FILE *f = fopen(part, "wb");
            if (kind == 4) fwrite(t, 1, len > 40 ? len - 1 - rnd(40) : len, f);
            else {
                size_t a = len / 3 + rnd((unsigned)(len / 3 + 1));
                fwrite(t, 1, a, f);
                for (int i = 0; i < 64 && a + (size_t)i < len; i++) fputc(0, f);
                if (a + 64 < len) fwrite(t + a + 64, 1, len - a - 64, f);
            }
            fclose(f);
            free(t);
        }
        pid = start_run(path("r.json"), dir, 1, 0);
        waitpid(pid, &st, 0);
        CHECK_MSG(WIFEXITED(st) && WEXITSTATUS(st) == 0, "cycle %d (%s): resume failed", c, kinds[kind]);
        int same = same_file(path("rref/results.csv"), fin);
        CHECK_MSG(same, "cycle %d (%s): the resumed file differs", c, kinds[kind]);
        ok += same;
    }
    printf("  interruptions: %d of 20 cycles stopped mid-run, %d of 20 byte-identical after --resume (kill parent "
           "%d, kill worker %d, SIGTERM %d, ENOSPC %d, torn %d, NUL %d)\n",
           interrupted, ok, by_kind[0], by_kind[1], by_kind[2], by_kind[3], by_kind[4], by_kind[5]);
    CHECK_MSG(interrupted >= 16, "only %d of 20 cycles were stopped before the run completed", interrupted);
}

int main(void)
{
    bin = getenv("NISAC");
    if (!bin) bin = "build/nisac";
    shim = getenv("NISAC_SHIM");
    if (getenv("NISAC_FAULT_SEED")) lcg = strtoull(getenv("NISAC_FAULT_SEED"), NULL, 10); /* other interruptions */
    if (shim && !*shim) shim = NULL;
    snprintf(tmpdir, sizeof tmpdir, "/tmp/nisac-faults-XXXXXX");
    if (!mkdtemp(tmpdir)) return 1;
    RUN(test_small_address_space);
    RUN(test_zero_budget);
    RUN(test_concurrent_runs);
    RUN(test_resume_damaged);
    RUN(test_scaled_verdict);
    RUN(test_summarize_strict);
    RUN(test_refused_sizes);
    RUN(test_messages);
    RUN(test_random_interruptions);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
    if (system(cmd)) {}
    TEST_END();
}
