/* conic: closed-form SDPs, duals, infeasibility, and concurrent solves. */
#include "harness.h"
#include "nisac/conic.h"
#include "nisac/linalg.h"
#include "nisac/rng.h"

#include <pthread.h>
#include <string.h>
#include <unistd.h>

/* min Tr(W) s.t. h^H W h >= b, W >= 0: W* = b hh^H/||h||^4, optimum b/||h||^2,
 * and the dual multiplier of the row is 1/||h||^2. */
static double single_user(const double complex *h, int n, double b, double complex *W,
                          nisac_conic_result *res, double *dual)
{
    nisac_conic *c = nisac_conic_new();
    int blk = nisac_conic_add_hblock(c, n);
    for (int i = 0; i < n; i++) nisac_conic_hentry(c, NISAC_CONIC_OBJ, blk, i, i, 1.0);
    int r = nisac_conic_add_row(c, NISAC_ROW_GE, b);
    nisac_conic_hquad(c, r, blk, h, h, 1.0);
    CHECK(nisac_conic_solve(c, NULL, res) == NISAC_OK);
    if (W) nisac_conic_hvalue(c, blk, W, n);
    if (dual) *dual = nisac_conic_row_dual(c, r);
    nisac_conic_free(c);
    return res->pobj;
}

static void test_single_user_closed_form(void)
{
    nisac_rng r;
    nisac_rng_init(&r, 7, 0, 0, NISAC_PURPOSE_CHANNEL);
    for (int n = 1; n <= 6; n++) {
        double complex h[6], W[36];
        nisac_rng_cn_vec(&r, n, 1.0, h);
        double h2 = nisac_cnorm2(n, h), b = 3.7, dual;
        nisac_conic_result res;
        double obj = single_user(h, n, b, W, &res, &dual);
        CHECK(res.status == NISAC_STATUS_OPTIMAL);
        CHECK_REL(obj, b / h2, 1e-7);
        CHECK_REL(dual, 1.0 / h2, 1e-6);
        CHECK(res.rel_gap < 1e-7);
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++) {
                double complex want = b * h[i] * conj(h[j]) / (h2 * h2);
                CHECK(cabs(W[i + j * n] - want) < 1e-6);
            }
    }
}

/* Real block and scalars: min s1 + 2 s2 s.t. s1 + s2 >= 1, s1 <= 0.25 -> 1.75. */
static void test_lp_scalars(void)
{
    nisac_conic *c = nisac_conic_new();
    int s1 = nisac_conic_add_nonneg(c), s2 = nisac_conic_add_nonneg(c);
    nisac_conic_scalar(c, NISAC_CONIC_OBJ, s1, 1.0);
    nisac_conic_scalar(c, NISAC_CONIC_OBJ, s2, 2.0);
    int r1 = nisac_conic_add_row(c, NISAC_ROW_GE, 1.0);
    nisac_conic_scalar(c, r1, s1, 1.0);
    nisac_conic_scalar(c, r1, s2, 1.0);
    int r2 = nisac_conic_add_row(c, NISAC_ROW_LE, 0.25);
    nisac_conic_scalar(c, r2, s1, 1.0);
    nisac_conic_result res;
    CHECK(nisac_conic_solve(c, NULL, &res) == NISAC_OK);
    CHECK_MSG(res.status == NISAC_STATUS_OPTIMAL, "csdp %d pobj %g dobj %g", res.csdp_code, res.pobj, res.dobj);
    CHECK_REL(res.pobj, 1.75, 1e-7);
    CHECK_REL(nisac_conic_scalar_value(c, s1), 0.25, 1e-6);
    /* duals: y1 = 2 (>= row), y2 = -1 (<= row binding with price 1) */
    CHECK_REL(nisac_conic_row_dual(c, r1), 2.0, 1e-6);
    CHECK_REL(nisac_conic_row_dual(c, r2), -1.0, 1e-6);
    nisac_conic_free(c);
}

/* SOC: min t s.t. ||(x1 - 3, x2 + 4)|| <= t with x fixed by rows -> t = 5,
 * written as: arrow block, X00 free (objective), X01 = 3, X02 = -4. */
static void test_soc(void)
{
    nisac_conic *c = nisac_conic_new();
    int b = nisac_conic_add_soc(c, 2);
    nisac_conic_sentry(c, NISAC_CONIC_OBJ, b, 0, 0, 1.0);
    int r = nisac_conic_add_row(c, NISAC_ROW_EQ, 3.0);
    nisac_conic_sentry(c, r, b, 0, 1, 1.0);
    r = nisac_conic_add_row(c, NISAC_ROW_EQ, -4.0);
    nisac_conic_sentry(c, r, b, 0, 2, 1.0);
    nisac_conic_result res;
    CHECK(nisac_conic_solve(c, NULL, &res) == NISAC_OK);
    CHECK_MSG(res.status == NISAC_STATUS_OPTIMAL, "csdp %d pobj %g dobj %g", res.csdp_code, res.pobj, res.dobj);
    CHECK_REL(res.pobj, 5.0, 1e-6);
    nisac_conic_free(c);
}

/* Infeasible: Tr(W) <= 1 and Tr(W) >= 2. */
static void test_infeasible(void)
{
    nisac_conic *c = nisac_conic_new();
    int b = nisac_conic_add_hblock(c, 3);
    for (int i = 0; i < 3; i++) nisac_conic_hentry(c, NISAC_CONIC_OBJ, b, i, i, 1.0);
    int r1 = nisac_conic_add_row(c, NISAC_ROW_LE, 1.0), r2 = nisac_conic_add_row(c, NISAC_ROW_GE, 2.0);
    for (int i = 0; i < 3; i++) {
        nisac_conic_hentry(c, r1, b, i, i, 1.0);
        nisac_conic_hentry(c, r2, b, i, i, 1.0);
    }
    nisac_conic_result res;
    CHECK(nisac_conic_solve(c, NULL, &res) == NISAC_OK);
    CHECK_MSG(res.status == NISAC_STATUS_INFEASIBLE, "status %s", nisac_status_name(res.status));
    nisac_conic_free(c);
}

/* Bad input never reaches CSDP: non-finite data, empty problem. */
static void test_bad_input(void)
{
    nisac_conic *c = nisac_conic_new();
    int b = nisac_conic_add_hblock(c, 2);
    int r = nisac_conic_add_row(c, NISAC_ROW_EQ, 1.0);
    CHECK(nisac_conic_hentry(c, r, b, 0, 0, NAN) == NISAC_EINVAL);
    CHECK(nisac_conic_hentry(c, r, b, 5, 0, 1.0) == NISAC_EINVAL);
    CHECK(nisac_conic_add_row(c, NISAC_ROW_EQ, INFINITY) < 0);
    /* the only row is empty with rhs 1: infeasible, decided without CSDP */
    nisac_conic_result res;
    CHECK(nisac_conic_solve(c, NULL, &res) == NISAC_OK);
    CHECK(res.status == NISAC_STATUS_INFEASIBLE && res.csdp_code == -1);
    nisac_conic_free(c);
    c = nisac_conic_new();
    nisac_conic_add_hblock(c, 2);
    CHECK(nisac_conic_solve(c, NULL, &res) == NISAC_EINVAL); /* no constraints */
    nisac_conic_free(c);
}

/* Concurrent solves give the same answers as sequential ones. */
#define NJOBS 12
typedef struct {
    double complex h[5];
    double obj;
    int status;
} job_t;
static job_t jobs[NJOBS];

static void *worker(void *arg)
{
    int id = (int)(size_t)arg;
    for (int j = id; j < NJOBS; j += 4) {
        nisac_conic_result res;
        jobs[j].obj = single_user(jobs[j].h, 5, 1.0 + j, NULL, &res, NULL);
        jobs[j].status = res.status;
    }
    return NULL;
}

static void test_concurrent(void)
{
    nisac_rng r;
    nisac_rng_init(&r, 11, 0, 0, NISAC_PURPOSE_CHANNEL);
    double seq[NJOBS];
    for (int j = 0; j < NJOBS; j++) {
        nisac_rng_cn_vec(&r, 5, 1.0, jobs[j].h);
        nisac_conic_result res;
        seq[j] = single_user(jobs[j].h, 5, 1.0 + j, NULL, &res, NULL);
    }
    pthread_t th[4];
    for (int t = 0; t < 4; t++) pthread_create(&th[t], NULL, worker, (void *)(size_t)t);
    for (int t = 0; t < 4; t++) pthread_join(th[t], NULL);
    for (int j = 0; j < NJOBS; j++) {
        CHECK(jobs[j].status == NISAC_STATUS_OPTIMAL);
        CHECK_MSG(jobs[j].obj == seq[j], "job %d: threaded %.17g vs sequential %.17g", j,
                  jobs[j].obj, seq[j]);
    }
}

/* The solver prints nothing on stdout. */
static void test_silent(void)
{
    fflush(stdout);
    FILE *tmp = tmpfile();
    int saved = dup(1);
    dup2(fileno(tmp), 1);
    double complex h[3] = {1, 2 * I, -1};
    nisac_conic_result res;
    single_user(h, 3, 1.0, NULL, &res, NULL);
    fflush(stdout);
    dup2(saved, 1);
    close(saved);
    fseek(tmp, 0, SEEK_END);
    long len = ftell(tmp); /* bytes that reached fd 1 */
    fclose(tmp);
    CHECK_MSG(len == 0, "%ld bytes written to stdout during a solve", len);
}

int main(void)
{
    RUN(test_single_user_closed_form);
    RUN(test_lp_scalars);
    RUN(test_soc);
    RUN(test_infeasible);
    RUN(test_bad_input);
    RUN(test_concurrent);
    RUN(test_silent);
    TEST_END();
}
