/* The native conic backend against CSDP on the registry's problems, and
 * against closed forms; certificates of infeasible and unbounded problems;
 * reentrancy. */
#include "harness.h"
#include "nisac/nisac.h"
#include "../../src/algo/noma_sdr_internal.h"

#include <pthread.h>
#include <string.h>
#include <unistd.h>

typedef enum { PB_POWERMIN, PB_MAXMIN_STEP, PB_ROBUST, PB_OMA_POWER, PB_OMA_MAXSINR, PB_COUNT } pb_kind;
static const char *pb_names[PB_COUNT] = {"powermin", "maxmin-step", "robust", "oma-power", "oma-maxsinr"};

typedef struct {
    nisac_noma_params p;
    double theta[3];
    nisac_noma_instance *inst;
    pb_kind kind;
    double t; /* max-min step target */
} case_t;

/* A random instance of problem kind k from stream i. */
static void make_case(case_t *c, pb_kind k, uint64_t i)
{
    nisac_rng r;
    nisac_rng_init(&r, 4242, i, (uint64_t)k, NISAC_PURPOSE_ALGO);
    memset(c, 0, sizeof *c);
    c->kind = k;
    nisac_noma_params_default(&c->p);
    const int nmax = k == PB_ROBUST ? 6 : 16;
    c->p.N = 1 + (int)(nisac_rng_uniform(&r) * nmax);
    c->p.K = 1 + (int)(nisac_rng_uniform(&r) * 4);
    c->p.M = (int)(nisac_rng_uniform(&r) * 4);
    for (int m = 0; m < c->p.M; m++) c->theta[m] = (-60.0 + 60.0 * m) * M_PI / 180.0;
    c->p.theta = c->theta;
    c->p.decoders = nisac_rng_uniform(&r) < 0.5 ? NISAC_DECODERS_ALL : NISAC_DECODERS_OWN;
    c->p.xi = nisac_rng_uniform(&r) < 0.5 ? 10.0 : 0.0;
    c->p.Ps = nisac_rng_uniform(&r) < 0.2 ? 0.0 : 2.0;
    c->p.gamma = pow(10.0, (-5.0 + 30.0 * nisac_rng_uniform(&r)) / 10.0);
    c->p.sic_power_order = nisac_rng_uniform(&r) < 0.2;
    c->p.eps = 0.01 + 0.1 * nisac_rng_uniform(&r);
    c->t = pow(10.0, (-5.0 + 25.0 * nisac_rng_uniform(&r)) / 10.0);
    double complex *H = malloc(sizeof(double complex) * (size_t)c->p.N * c->p.K);
    nisac_rng_init(&r, 4243, i, (uint64_t)k, NISAC_PURPOSE_CHANNEL);
    nisac_rayleigh(&r, c->p.N, c->p.K, H, c->p.N);
    CHECK(nisac_noma_instance_new(&c->p, H, c->p.N, &c->inst) == NISAC_OK);
    free(H);
}

/* Builds the case's problem into P (fresh builder). */
static int build_case(const case_t *c, noma_prob *P, double *gam)
{
    const nisac_noma_instance *inst = c->inst;
    const int K = c->p.K;
    int only = -1;
    if (c->kind == PB_OMA_POWER || c->kind == PB_OMA_MAXSINR) only = (int)(c->t * 7) % K;
    int rc = noma_prob_init(P, inst, 0, NULL, only);
    if (rc) return rc;
    for (int k = 0; k < K; k++) gam[k] = c->kind == PB_MAXMIN_STEP ? c->t : inst->gamma[k];
    noma_spec s = {gam, c->p.rho_c, c->p.rho_s, 0, -1, -1};
    switch (c->kind) {
    case PB_POWERMIN: break;
    case PB_MAXMIN_STEP: s.wc = s.ws = 1.0; break;
    case PB_ROBUST: s.gamma = NULL; break;
    case PB_OMA_POWER: s.only_user = only; break;
    case PB_OMA_MAXSINR:
        s.gamma = NULL;
        s.budget = 1;
        s.objective_user = only;
        s.only_user = only;
        break;
    default: break;
    }
    rc = noma_build(P, inst, &s);
    if (!rc && c->kind == PB_ROBUST) rc = noma_add_robust(P, inst, c->p.eps);
    return rc;
}

static int solved(nisac_solve_status s) { return s == NISAC_STATUS_OPTIMAL || s == NISAC_STATUS_INACCURATE; }

/* Solves case c with a backend; the objective and status. */
static void solve_case(const case_t *c, nisac_solver solver, nisac_conic_result *res)
{
    noma_prob P;
    double gam[8];
    int rc = build_case(c, &P, gam);
    CHECK_MSG(rc == NISAC_OK, "%s", nisac_last_error());
    nisac_conic_opts o;
    nisac_conic_opts_default(&o);
    o.solver = solver;
    if (getenv("NISAC_CROSS_TOL")) o.tol = atof(getenv("NISAC_CROSS_TOL")); /* debugging */
    if (!rc) rc = nisac_conic_solve(P.c, &o, res);
    CHECK_MSG(rc == NISAC_OK, "%s", nisac_last_error());
    nisac_conic_free(P.c);
    free(P.var);
}

static int env_count(const char *name, int def)
{
    const char *v = getenv(name);
    return v && atoi(v) > 0 ? atoi(v) : def;
}

static int full(nisac_solve_status s) { return s == NISAC_STATUS_OPTIMAL; }

/* Native and CSDP on the same problems.  Verdicts: solved (optimal or
 * inaccurate), infeasible, none (numerical failure, iteration limit).
 *   both optimal: optima within 1e-7 relative;
 *   one optimal, the other inaccurate: the accurate side settles it (its
 *     residuals and gap meet the tolerance); the optima within 1e-4;
 *   both infeasible: agree;
 *   infeasible against solved: a disagreement;
 *   otherwise (both inaccurate, or no verdict on a side) the pair is
 *     unsettled: ill-posed instances (optima around 1e5-1e7 W, users on
 *     fewer antennas than they need); at most 2% of the instances. */
static void test_cross_csdp(void)
{
    const int n = env_count("NISAC_CROSS_N", 1000);
    for (int k = 0; k < PB_COUNT; k++) {
        int agree = 0, both_opt = 0, one_sided = 0, infeas = 0, differ = 0, unsettled = 0;
        double worst = 0, tn = 0, tc = 0;
        const int nk = k == PB_ROBUST ? n / 5 : n;
        const char *one = getenv("NISAC_CROSS_ONE"); /* "kind:index": one case (debugging) */
        for (int i = 0; i < nk; i++) {
            if (one && (atoi(one) != k || atoi(strchr(one, ':') ? strchr(one, ':') + 1 : one) != i)) continue;
            case_t c;
            make_case(&c, (pb_kind)k, (uint64_t)i);
            nisac_conic_result rn, rcs;
            solve_case(&c, NISAC_SOLVER_NATIVE, &rn);
            solve_case(&c, NISAC_SOLVER_CSDP, &rcs);
            tn += rn.wall;
            tc += rcs.wall;
            const double rel = fabs(rn.pobj - rcs.pobj) / fmax(1.0, fabs(rcs.pobj));
            const int inf_n = rn.status == NISAC_STATUS_INFEASIBLE, inf_c = rcs.status == NISAC_STATUS_INFEASIBLE;
            int ok = 1;
            if (full(rn.status) && full(rcs.status)) {
                both_opt++;
                worst = fmax(worst, rel);
                ok = rel <= 1e-7;
            } else if ((full(rn.status) && rcs.status == NISAC_STATUS_INACCURATE) ||
                       (full(rcs.status) && rn.status == NISAC_STATUS_INACCURATE)) {
                one_sided++;
                ok = rel <= 1e-4;
            } else if (inf_n && inf_c) {
                infeas++;
            } else if ((solved(rn.status) && inf_c) || (inf_n && solved(rcs.status))) {
                ok = 0;
            } else {
                unsettled++;
                if (solved(rn.status) && solved(rcs.status) && rel > 1e-4) ok = 0;
            }
            agree += ok;
            differ += !ok;
            if (!ok || (!(full(rn.status) && full(rcs.status)) && !(inf_n && inf_c)) || getenv("NISAC_CROSS_VERBOSE"))
                printf("    %s #%d (N=%d K=%d M=%d dec=%d): native %s %.12g (%d it), csdp %s %.12g, rel %.1e%s\n",
                       pb_names[k], i, c.p.N, c.p.K, c.p.M, c.p.decoders, nisac_status_name(rn.status), rn.pobj,
                       rn.iterations, nisac_status_name(rcs.status), rcs.pobj, rel, ok ? "" : "  DIFFER");
            nisac_noma_instance_free(c.inst);
        }
        printf("  %-12s %5d instances: %d agree (%d both optimal, within 1e-7: worst %.1e; %d one side inaccurate; "
               "%d infeasible), %d differ, %d unsettled; solve time native %.3f s, csdp %.3f s\n",
               pb_names[k], nk, agree, both_opt, worst, one_sided, infeas, differ, unsettled, tn, tc);
        CHECK_MSG(differ == 0, "%s: %d of %d differ", pb_names[k], differ, nk);
        CHECK_MSG(unsettled * 50 <= nk, "%s: %d of %d unsettled", pb_names[k], unsettled, nk);
    }
}

/* Random LPs with a known optimum: x* >= 0 and z* >= 0 complementary, y*
 * free; b = A x*, c = A^T y* + z*, so (x*, y*, z*) satisfies the KKT
 * conditions and c^T x* = b^T y* is the optimum. */
static void test_lp_known_optimum(void)
{
    nisac_rng r;
    nisac_rng_init(&r, 99, 0, 0, NISAC_PURPOSE_ALGO);
    for (int t = 0; t < 200; t++) {
        const int n = 2 + (int)(nisac_rng_uniform(&r) * 20), m = 1 + (int)(nisac_rng_uniform(&r) * (n - 1));
        double *A = calloc((size_t)m * n, sizeof(double)), *x = calloc((size_t)n, sizeof(double)),
               *z = calloc((size_t)n, sizeof(double)), *y = calloc((size_t)m, sizeof(double));
        for (int i = 0; i < m * n; i++) A[i] = nisac_rng_uniform(&r) * 2 - 1;
        for (int j = 0; j < n; j++) {
            if (nisac_rng_uniform(&r) < 0.5) x[j] = nisac_rng_uniform(&r) * 3;
            else z[j] = nisac_rng_uniform(&r) * 3;
        }
        for (int i = 0; i < m; i++) y[i] = nisac_rng_uniform(&r) * 4 - 2;
        nisac_conic *c = nisac_conic_new();
        double opt = 0;
        for (int j = 0; j < n; j++) {
            int v = nisac_conic_add_nonneg(c);
            double cj = z[j];
            for (int i = 0; i < m; i++) cj += A[i + (size_t)j * m] * y[i];
            nisac_conic_scalar(c, NISAC_CONIC_OBJ, v, cj);
            opt += cj * x[j];
        }
        for (int i = 0; i < m; i++) {
            double bi = 0;
            for (int j = 0; j < n; j++) bi += A[i + (size_t)j * m] * x[j];
            int row = nisac_conic_add_row(c, NISAC_ROW_EQ, bi);
            for (int j = 0; j < n; j++) nisac_conic_scalar(c, row, j, A[i + (size_t)j * m]);
        }
        nisac_conic_result res;
        CHECK(nisac_conic_solve(c, NULL, &res) == NISAC_OK);
        CHECK_MSG(res.status == NISAC_STATUS_OPTIMAL, "LP %d (n=%d m=%d): %s", t, n, m, nisac_status_name(res.status));
        CHECK_REL(res.pobj, opt, 1e-7);
        nisac_conic_free(c);
        free(A);
        free(x);
        free(z);
        free(y);
    }
}

/* Projection onto a second-order cone: min t s.t. ||x - a|| <= t, x in Q.
 * Closed form: a if ||a1|| <= a0; 0 if ||a1|| <= -a0; else
 * (a0 + ||a1||)/2 (1, a1/||a1||).  Also min c^T x s.t. x in Q, x_0 = 1:
 * c_0 - ||c_1||.  Dimensions up to 128. */
static void test_soc_closed_forms(void)
{
    nisac_rng r;
    nisac_rng_init(&r, 98, 0, 0, NISAC_PURPOSE_ALGO);
    const int dims[] = {2, 3, 5, 17, 64, 128};
    for (int di = 0; di < 6; di++)
        for (int t = 0; t < 20; t++) {
            const int d = dims[di]; /* components x_0..x_{d-1} */
            double a[128], proj[128], n1 = 0;
            for (int i = 0; i < d; i++) a[i] = nisac_rng_uniform(&r) * 2 - 1;
            a[0] *= 1.5 * sqrt((double)d);
            for (int i = 1; i < d; i++) n1 += a[i] * a[i];
            n1 = sqrt(n1);
            if (n1 <= a[0]) memcpy(proj, a, sizeof(double) * (size_t)d);
            else if (n1 <= -a[0]) memset(proj, 0, sizeof(double) * (size_t)d);
            else {
                proj[0] = (a[0] + n1) / 2;
                for (int i = 1; i < d; i++) proj[i] = proj[0] * a[i] / n1;
            }
            double dist = 0;
            for (int i = 0; i < d; i++) dist += (proj[i] - a[i]) * (proj[i] - a[i]);
            dist = sqrt(dist);
            nisac_conic *c = nisac_conic_new();
            int x = nisac_conic_add_soc(c, d - 1), u = nisac_conic_add_soc(c, d);
            nisac_conic_socentry(c, NISAC_CONIC_OBJ, u, 0, 1.0);
            for (int i = 0; i < d; i++) { /* u_{i+1} = x_i - a_i */
                int row = nisac_conic_add_row(c, NISAC_ROW_EQ, -a[i]);
                nisac_conic_socentry(c, row, u, i + 1, 1.0);
                nisac_conic_socentry(c, row, x, i, -1.0);
            }
            nisac_conic_result res;
            CHECK(nisac_conic_solve(c, NULL, &res) == NISAC_OK);
            CHECK_MSG(res.status == NISAC_STATUS_OPTIMAL, "projection d=%d: %s", d, nisac_status_name(res.status));
            CHECK_REL(res.pobj, dist, 1e-7);
            double err = 0;
            for (int i = 0; i < d; i++) err = fmax(err, fabs(nisac_conic_soc_value(c, x, i) - proj[i]));
            /* the distance is flat around the projection: an objective within
             * delta of d* leaves the point within sqrt(2 d* delta), i.e.
             * about 4.5e-4 d* for delta = 1e-7 d* */
            CHECK_MSG(err < 1e-3 * (1 + dist), "projection d=%d: max error %.2e", d, err);
            nisac_conic_free(c);

            /* min c^T x, x in Q, x_0 = 1 */
            c = nisac_conic_new();
            x = nisac_conic_add_soc(c, d - 1);
            for (int i = 0; i < d; i++) nisac_conic_socentry(c, NISAC_CONIC_OBJ, x, i, a[i]);
            int row = nisac_conic_add_row(c, NISAC_ROW_EQ, 1.0);
            nisac_conic_socentry(c, row, x, 0, 1.0);
            CHECK(nisac_conic_solve(c, NULL, &res) == NISAC_OK);
            CHECK(res.status == NISAC_STATUS_OPTIMAL);
            CHECK_REL(res.pobj, a[0] - n1, 1e-7);
            nisac_conic_free(c);
        }
}

/* Infeasible problems end with a Farkas certificate the test verifies:
 * b^T y > 0 and every column's reduced cost -a_j^T y >= 0 (the cones are
 * self-dual; slacks of >= rows are columns with coefficient -1). */
static void test_infeasible_certificate(void)
{
    for (int sv = 0; sv < 2; sv++) {
        /* x1 + x2 = -1, x >= 0; and x1 - x2 >= 2, x2 - x1 >= 1 */
        nisac_conic *c = nisac_conic_new();
        int x1 = nisac_conic_add_nonneg(c), x2 = nisac_conic_add_nonneg(c);
        nisac_conic_scalar(c, NISAC_CONIC_OBJ, x1, 1.0);
        int r0 = nisac_conic_add_row(c, NISAC_ROW_GE, 2.0);
        nisac_conic_scalar(c, r0, x1, 1.0);
        nisac_conic_scalar(c, r0, x2, -1.0);
        int r1 = nisac_conic_add_row(c, NISAC_ROW_GE, 1.0);
        nisac_conic_scalar(c, r1, x1, -1.0);
        nisac_conic_scalar(c, r1, x2, 1.0);
        nisac_conic_opts o;
        nisac_conic_opts_default(&o);
        o.solver = sv ? NISAC_SOLVER_CSDP : NISAC_SOLVER_NATIVE;
        nisac_conic_result res;
        CHECK(nisac_conic_solve(c, &o, &res) == NISAC_OK);
        CHECK_MSG(res.status == NISAC_STATUS_INFEASIBLE, "%s: %s", nisac_solver_name(o.solver),
                  nisac_status_name(res.status));
        if (sv == 0) {
            double y0 = nisac_conic_row_dual(c, r0), y1 = nisac_conic_row_dual(c, r1);
            double by = 2 * y0 + 1 * y1, s = fabs(y0) + fabs(y1);
            CHECK_MSG(by > 0, "b^T y = %g", by);
            /* columns x1, x2 and the two slacks (coefficient -1 on their row) */
            CHECK(-(y0 - y1) >= -1e-8 * s);
            CHECK(-(-y0 + y1) >= -1e-8 * s);
            CHECK(y0 >= -1e-8 * s && y1 >= -1e-8 * s);
        }
        nisac_conic_free(c);
    }
    /* A Hermitian block with Tr(W) = -1: y < 0 with -y I >= 0 */
    nisac_conic *c = nisac_conic_new();
    int b = nisac_conic_add_hblock(c, 3);
    int row = nisac_conic_add_row(c, NISAC_ROW_EQ, -1.0);
    for (int i = 0; i < 3; i++) nisac_conic_hentry(c, row, b, i, i, 1.0);
    nisac_conic_hentry(c, NISAC_CONIC_OBJ, b, 0, 1, 1.0 + I);
    nisac_conic_result res;
    CHECK(nisac_conic_solve(c, NULL, &res) == NISAC_OK);
    CHECK(res.status == NISAC_STATUS_INFEASIBLE);
    CHECK(nisac_conic_row_dual(c, row) < 0);
    nisac_conic_free(c);
    /* A second-order cone with x_0 = -1 */
    c = nisac_conic_new();
    b = nisac_conic_add_soc(c, 4);
    row = nisac_conic_add_row(c, NISAC_ROW_EQ, -1.0);
    nisac_conic_socentry(c, row, b, 0, 1.0);
    nisac_conic_socentry(c, NISAC_CONIC_OBJ, b, 1, 1.0);
    CHECK(nisac_conic_solve(c, NULL, &res) == NISAC_OK);
    CHECK(res.status == NISAC_STATUS_INFEASIBLE);
    CHECK(nisac_conic_row_dual(c, row) < 0);
    nisac_conic_free(c);
}

/* Unbounded problems end with a primal ray the test verifies: c^T x < 0,
 * A x = 0, x in K. */
static void test_unbounded_certificate(void)
{
    /* min -x1 s.t. x1 - x2 = 0, x >= 0 */
    nisac_conic *c = nisac_conic_new();
    int x1 = nisac_conic_add_nonneg(c), x2 = nisac_conic_add_nonneg(c);
    nisac_conic_scalar(c, NISAC_CONIC_OBJ, x1, -1.0);
    int row = nisac_conic_add_row(c, NISAC_ROW_EQ, 0.0);
    nisac_conic_scalar(c, row, x1, 1.0);
    nisac_conic_scalar(c, row, x2, -1.0);
    nisac_conic_result res;
    CHECK(nisac_conic_solve(c, NULL, &res) == NISAC_OK);
    CHECK_MSG(res.status == NISAC_STATUS_UNBOUNDED, "%s", nisac_status_name(res.status));
    double v1 = nisac_conic_scalar_value(c, x1), v2 = nisac_conic_scalar_value(c, x2);
    CHECK(-v1 < 0);
    CHECK(fabs(v1 - v2) <= 1e-8 * (fabs(v1) + fabs(v2)));
    CHECK(v1 >= 0 && v2 >= 0);
    nisac_conic_free(c);
    /* min x_1 over the cone with x_0 <= 1 free of a lower bound on x_1: unbounded along (1, -1) scaled?
     * No: x_0 <= 1 bounds x_1.  Instead min x_1 - x_0 with no rows but x_2 = 0:
     * the ray (1, 1, 0) ... keeps c^T x = 0.  Use min x_1 s.t. x_2 = 0 with x_0 free to grow:
     * the ray (1, -1, 0) has c^T x = -1. */
    c = nisac_conic_new();
    int b = nisac_conic_add_soc(c, 2);
    nisac_conic_socentry(c, NISAC_CONIC_OBJ, b, 1, 1.0);
    row = nisac_conic_add_row(c, NISAC_ROW_EQ, 0.0);
    nisac_conic_socentry(c, row, b, 2, 1.0);
    CHECK(nisac_conic_solve(c, NULL, &res) == NISAC_OK);
    CHECK_MSG(res.status == NISAC_STATUS_UNBOUNDED, "%s", nisac_status_name(res.status));
    double t0 = nisac_conic_soc_value(c, b, 0), t1 = nisac_conic_soc_value(c, b, 1), t2 = nisac_conic_soc_value(c, b, 2);
    CHECK(t1 < 0);
    CHECK(fabs(t2) <= 1e-8 * fabs(t1));
    CHECK(t0 >= sqrt(t1 * t1 + t2 * t2) * (1 - 1e-8));
    nisac_conic_free(c);
}

/* Solves from several threads at once give the results of the same solves
 * run one after another, bit for bit. */
#define NT 4
#define PER 12
typedef struct {
    int id;
    double pobj[PER];
    double complex W0[PER];
} thr_t;

static void *thr_run(void *arg)
{
    thr_t *t = arg;
    for (int j = 0; j < PER; j++) {
        case_t c;
        make_case(&c, (pb_kind)(j % PB_COUNT), (uint64_t)(100 + t->id * PER + j));
        noma_prob P;
        double gam[8];
        build_case(&c, &P, gam);
        nisac_conic_result res;
        nisac_conic_solve(P.c, NULL, &res);
        t->pobj[j] = res.pobj;
        t->W0[j] = NAN;
        for (int k = 0; k < c.p.K; k++)
            if (P.var[k] >= 0) {
                double complex *W = malloc(sizeof(double complex) * (size_t)c.p.N * c.p.N);
                if (nisac_conic_hvalue(P.c, P.var[k], W, c.p.N) == NISAC_OK) t->W0[j] = W[c.p.N - 1];
                free(W);
                break;
            }
        nisac_conic_free(P.c);
        free(P.var);
        nisac_noma_instance_free(c.inst);
    }
    return NULL;
}

static void test_threads_bit_identical(void)
{
    thr_t seq[NT], par[NT];
    for (int i = 0; i < NT; i++) {
        seq[i].id = par[i].id = i;
        thr_run(&seq[i]);
    }
    pthread_t th[NT];
    for (int i = 0; i < NT; i++) CHECK(pthread_create(&th[i], NULL, thr_run, &par[i]) == 0);
    for (int i = 0; i < NT; i++) pthread_join(th[i], NULL);
    for (int i = 0; i < NT; i++) {
        CHECK(memcmp(seq[i].pobj, par[i].pobj, sizeof seq[i].pobj) == 0);
        CHECK(memcmp(seq[i].W0, par[i].W0, sizeof seq[i].W0) == 0);
    }
}

/* Free scalars: min x1 + x2 s.t. x1 - x2 >= -3, x1 + 2 x2 >= 1, x1 <= 5 with
 * x1, x2 free: the optimum is at the intersection of the first two rows,
 * x2 = 4/3, x1 = -5/3, value -1/3; both backends. */
static void test_free_scalars(void)
{
    for (int sv = 0; sv < 2; sv++) {
        nisac_conic *c = nisac_conic_new();
        int x1 = nisac_conic_add_free(c), x2 = nisac_conic_add_free(c);
        nisac_conic_scalar(c, NISAC_CONIC_OBJ, x1, 1.0);
        nisac_conic_scalar(c, NISAC_CONIC_OBJ, x2, 1.0);
        int r = nisac_conic_add_row(c, NISAC_ROW_GE, -3.0);
        nisac_conic_scalar(c, r, x1, 1.0);
        nisac_conic_scalar(c, r, x2, -1.0);
        r = nisac_conic_add_row(c, NISAC_ROW_GE, 1.0);
        nisac_conic_scalar(c, r, x1, 1.0);
        nisac_conic_scalar(c, r, x2, 2.0);
        r = nisac_conic_add_row(c, NISAC_ROW_LE, 5.0);
        nisac_conic_scalar(c, r, x1, 1.0);
        nisac_conic_opts o;
        nisac_conic_opts_default(&o);
        o.solver = sv ? NISAC_SOLVER_CSDP : NISAC_SOLVER_NATIVE;
        nisac_conic_result res;
        CHECK(nisac_conic_solve(c, &o, &res) == NISAC_OK);
        CHECK_MSG(res.status == NISAC_STATUS_OPTIMAL, "%s: %s", nisac_solver_name(o.solver), nisac_status_name(res.status));
        CHECK_REL(res.pobj, -1.0 / 3.0, 1e-7);
        CHECK(fabs(nisac_conic_scalar_value(c, x1) + 5.0 / 3.0) < 1e-6);
        CHECK(fabs(nisac_conic_scalar_value(c, x2) - 4.0 / 3.0) < 1e-6);
        nisac_conic_free(c);
    }
}

/* The SDPA export of a problem written by hand: min 2 s0 + W00 s.t.
 * s0 + Re W01 >= 1 (W Hermitian 2 x 2): CSDP's view is block 1 the 4 x 4
 * embedding, block 2 the diagonal (s0 and the row's slack), the objective
 * negated (max form). */
static void test_sdpa_export(void)
{
    nisac_conic *c = nisac_conic_new();
    int s0 = nisac_conic_add_nonneg(c), w = nisac_conic_add_hblock(c, 2);
    nisac_conic_scalar(c, NISAC_CONIC_OBJ, s0, 2.0);
    nisac_conic_hentry(c, NISAC_CONIC_OBJ, w, 0, 0, 1.0);
    int r = nisac_conic_add_row(c, NISAC_ROW_GE, 1.0);
    nisac_conic_scalar(c, r, s0, 1.0);
    nisac_conic_hentry(c, r, w, 0, 1, 1.0);
    char path[] = "/tmp/nisac-sdpa-XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    close(fd);
    CHECK(nisac_conic_write_sdpa(c, path) == NISAC_OK);
    FILE *f = fopen(path, "r");
    char line[256], all[4096] = "";
    while (f && fgets(line, sizeof line, f))
        if (line[0] != '"') strncat(all, line, sizeof all - strlen(all) - 1);
    if (f) fclose(f);
    /* m = 1; blocks: the 4 x 4 embedding and the diagonal of size 2 (s0, slack);
     * C: -1/2 on (1,1) and (3,3) of the embedding (Re W00 = (X11 + X33)/2), -2 on s0;
     * row: Re W01 = (X12 + X34)/2 as symmetric entries 1/4, s0 coefficient 1, slack -1 */
    const char *want = "1\n2\n4 -2\n1 \n0 2 1 1 -2\n0 1 1 1 -0.5\n0 1 3 3 -0.5\n"
                       "1 2 1 1 1\n1 2 2 2 -1\n1 1 1 2 0.25\n1 1 3 4 0.25\n"; /* diagonal block first */
    CHECK_MSG(strcmp(all, want) == 0, "SDPA:\n%s", all);
    unlink(path);
    /* the problem itself is feasible (s0 = 1, W = 0) with an infimum of 0 that
     * is not attained (W01 = 1 needs W00 W11 >= 1): no backend may call it
     * infeasible */
    nisac_conic_result res;
    CHECK(nisac_conic_solve(c, NULL, &res) == NISAC_OK);
    CHECK(res.status != NISAC_STATUS_INFEASIBLE);
    nisac_conic_free(c);
}

/* Affine cones (native: through the conic dual; CSDP: slack blocks), both
 * backends against closed forms:
 *   min t s.t. ||x - a|| <= t and x in Q, both affine over free scalars:
 *     the projection distance of test_soc_closed_forms, and x the projection;
 *   min t + Tr W s.t. [[t, 1+i], [1-i, t]] >= 0, W - e1 e1^H >= 0, W_22 >= 1/2:
 *     t = sqrt(2) (|1+i|), W = diag(1, 1/2), the row's dual 1. */
static void test_affine_cones(void)
{
    nisac_rng r;
    nisac_rng_init(&r, 97, 0, 0, NISAC_PURPOSE_ALGO);
    for (int sv = 0; sv < 2; sv++)
        for (int trial = 0; trial < 10; trial++) {
            const int d = 2 + trial * 3;
            double a[32], pr[32], n1 = 0, dist = 0;
            for (int i = 0; i < d; i++) a[i] = nisac_rng_uniform(&r) * 2 - 1;
            for (int i = 1; i < d; i++) n1 += a[i] * a[i];
            n1 = sqrt(n1);
            if (n1 <= a[0]) memcpy(pr, a, sizeof(double) * (size_t)d);
            else if (n1 <= -a[0]) memset(pr, 0, sizeof(double) * (size_t)d);
            else {
                pr[0] = (a[0] + n1) / 2;
                for (int i = 1; i < d; i++) pr[i] = pr[0] * a[i] / n1;
            }
            for (int i = 0; i < d; i++) dist += (pr[i] - a[i]) * (pr[i] - a[i]);
            dist = sqrt(dist);
            nisac_conic *c = nisac_conic_new();
            int x[32], t = nisac_conic_add_free(c);
            for (int i = 0; i < d; i++) x[i] = nisac_conic_add_free(c);
            nisac_conic_scalar(c, NISAC_CONIC_OBJ, t, 1.0);
            int k = nisac_conic_add_soc_affine(c, d), q = nisac_conic_add_soc_affine(c, d - 1);
            nisac_conic_scalar(c, nisac_conic_soc_row(c, k, 0), t, 1.0);
            for (int i = 0; i < d; i++) {
                int row = nisac_conic_soc_row(c, k, i + 1);
                nisac_conic_scalar(c, row, x[i], 1.0);
                nisac_conic_row_const(c, row, -a[i]);
                nisac_conic_scalar(c, nisac_conic_soc_row(c, q, i), x[i], 1.0);
            }
            nisac_conic_opts o;
            nisac_conic_opts_default(&o);
            o.solver = sv ? NISAC_SOLVER_CSDP : NISAC_SOLVER_NATIVE;
            nisac_conic_result res;
            CHECK(nisac_conic_solve(c, &o, &res) == NISAC_OK);
            CHECK_MSG(res.status == NISAC_STATUS_OPTIMAL, "%s d=%d: %s", nisac_solver_name(o.solver), d,
                      nisac_status_name(res.status));
            CHECK_REL(res.pobj, dist, 1e-7);
            double err = 0;
            for (int i = 0; i < d; i++) err = fmax(err, fabs(nisac_conic_scalar_value(c, x[i]) - pr[i]));
            CHECK_MSG(err < 1e-3 * (1 + dist), "%s d=%d: projection error %.2e", nisac_solver_name(o.solver), d, err);
            nisac_conic_free(c);
        }
    for (int sv = 0; sv < 2; sv++) {
        nisac_conic *c = nisac_conic_new();
        int t = nisac_conic_add_free(c);
        nisac_conic_scalar(c, NISAC_CONIC_OBJ, t, 1.0);
        int L = nisac_conic_add_lmi(c, 2);
        nisac_conic_scalar(c, nisac_conic_lmi_row(c, L, 0, 0, 0), t, 1.0);
        nisac_conic_scalar(c, nisac_conic_lmi_row(c, L, 1, 1, 0), t, 1.0);
        nisac_conic_row_const(c, nisac_conic_lmi_row(c, L, 0, 1, 0), 1.0);
        nisac_conic_row_const(c, nisac_conic_lmi_row(c, L, 0, 1, 1), 1.0);
        int W = nisac_conic_add_hblock(c, 2);
        nisac_conic_hentry(c, NISAC_CONIC_OBJ, W, 0, 0, 1.0);
        nisac_conic_hentry(c, NISAC_CONIC_OBJ, W, 1, 1, 1.0);
        int L2 = nisac_conic_add_lmi(c, 2);
        nisac_conic_hentry(c, nisac_conic_lmi_row(c, L2, 0, 0, 0), W, 0, 0, 1.0);
        nisac_conic_row_const(c, nisac_conic_lmi_row(c, L2, 0, 0, 0), -1.0);
        nisac_conic_hentry(c, nisac_conic_lmi_row(c, L2, 1, 1, 0), W, 1, 1, 1.0);
        nisac_conic_hentry(c, nisac_conic_lmi_row(c, L2, 0, 1, 0), W, 0, 1, 1.0);
        nisac_conic_hentry(c, nisac_conic_lmi_row(c, L2, 0, 1, 1), W, 0, 1, -I);
        int row = nisac_conic_add_row(c, NISAC_ROW_GE, 0.5);
        nisac_conic_hentry(c, row, W, 1, 1, 1.0);
        nisac_conic_opts o;
        nisac_conic_opts_default(&o);
        o.solver = sv ? NISAC_SOLVER_CSDP : NISAC_SOLVER_NATIVE;
        nisac_conic_result res;
        CHECK(nisac_conic_solve(c, &o, &res) == NISAC_OK);
        CHECK(res.status == NISAC_STATUS_OPTIMAL);
        CHECK_REL(res.pobj, sqrt(2.0) + 1.5, 1e-7);
        double complex Wv[4];
        CHECK(nisac_conic_hvalue(c, W, Wv, 2) == NISAC_OK);
        CHECK(cabs(Wv[0] - 1.0) < 1e-6 && cabs(Wv[3] - 0.5) < 1e-6 && cabs(Wv[1]) < 1e-6);
        CHECK(fabs(nisac_conic_row_dual(c, row) - 1.0) < 1e-6);
        CHECK(nisac_conic_lmi_row(c, L, 1, 0, 0) < 0); /* below the diagonal: refused */
        CHECK(nisac_conic_lmi_row(c, L, 1, 1, 1) < 0); /* imaginary part of a diagonal entry */
        nisac_conic_free(c);
    }
}

/* Data updates: a power minimisation whose SINR row is rewritten for a new
 * target (terms cleared and added again, right-hand side set) solves to
 * what a fresh build at that target gives, bit for bit. */
static void test_updates(void)
{
    case_t c;
    for (uint64_t i = 0;; i++) { /* the first instance with one (12b) row per user */
        make_case(&c, PB_POWERMIN, i);
        if (c.p.decoders == NISAC_DECODERS_OWN && c.p.K > 1) break;
        nisac_noma_instance_free(c.inst);
    }
    noma_prob P;
    double gam[8];
    CHECK(build_case(&c, &P, gam) == NISAC_OK);
    nisac_conic_result r1, r2;
    CHECK(nisac_conic_solve(P.c, NULL, &r1) == NISAC_OK);
    /* the first (12b) row, for target 2 gamma: Tr(H_l W_k) - 2g sum_{i>k} Tr(H_l W_i) >= 2g sigma^2 */
    const int row = P.sinr_first, K = c.p.K;
    const double g2 = 2 * gam[0];
    CHECK(nisac_conic_clear_row(P.c, row) == NISAC_OK);
    CHECK(nisac_conic_set_rhs(P.c, row, g2 * c.p.sigma2) == NISAC_OK);
    CHECK(noma_term_quad(&P, row, 0, c.inst->H, c.inst->H, 1.0) == NISAC_OK);
    for (int i = 1; i < K; i++) CHECK(noma_term_quad(&P, row, i, c.inst->H, c.inst->H, -g2) == NISAC_OK);
    CHECK(nisac_conic_solve(P.c, NULL, &r2) == NISAC_OK);
    /* a fresh builder with user 0's target doubled: the same rows in the same order */
    noma_prob F;
    CHECK(noma_prob_init(&F, c.inst, 0, NULL, -1) == NISAC_OK);
    double gf[8];
    for (int k = 0; k < K; k++) gf[k] = gam[k];
    gf[0] = g2;
    noma_spec s = {gf, c.p.rho_c, c.p.rho_s, 0, -1, -1};
    CHECK(noma_build(&F, c.inst, &s) == NISAC_OK);
    nisac_conic_result r3;
    CHECK(nisac_conic_solve(F.c, NULL, &r3) == NISAC_OK);
    /* one row per user: the rewritten row is the whole of user 0's (12b) */
    CHECK_MSG(r2.pobj == r3.pobj, "updated %.17g fresh %.17g", r2.pobj, r3.pobj);
    CHECK(r2.pobj >= r1.pobj * (1 - 1e-9)); /* a higher target never costs less */
    nisac_conic_free(F.c);
    free(F.var);
    nisac_conic_free(P.c);
    free(P.var);
    nisac_noma_instance_free(c.inst);
}

/* Warm starts: each relaxation of a sequence of targets started from the
 * previous one's solution reaches the same optimum (1e-7) and status as a
 * cold start; a start from a problem of another shape is ignored. */
static void test_warm_start(void)
{
    int it_cold = 0, it_warm = 0, n = 0;
    for (uint64_t i = 0; i < 30; i++) {
        case_t c;
        make_case(&c, PB_MAXMIN_STEP, 500 + i);
        nisac_conic *prev = NULL;
        const double t0 = c.t;
        for (int k = 0; k < 4; k++) {
            c.t = t0 * (1.0 + 0.1 * k);
            noma_prob P[2];
            double gam[8];
            nisac_conic_result r[2];
            for (int mode = 0; mode < 2; mode++) {
                CHECK(build_case(&c, &P[mode], gam) == NISAC_OK);
                nisac_conic_opts o;
                nisac_conic_opts_default(&o);
                o.warm = mode ? prev : NULL;
                CHECK(nisac_conic_solve(P[mode].c, &o, &r[mode]) == NISAC_OK);
            }
            CHECK_MSG(r[0].status == r[1].status || r[0].status == NISAC_STATUS_INACCURATE ||
                          r[1].status == NISAC_STATUS_INACCURATE,
                      "case %d step %d: cold %s, warm %s", (int)i, k, nisac_status_name(r[0].status),
                      nisac_status_name(r[1].status));
            if (r[0].status == NISAC_STATUS_OPTIMAL && r[1].status == NISAC_STATUS_OPTIMAL)
                CHECK_REL(r[1].pobj, r[0].pobj, 1e-7);
            if (k > 0) {
                it_cold += r[0].iterations;
                it_warm += r[1].iterations;
                n++;
            }
            nisac_conic_free(prev);
            prev = P[0].c;
            free(P[0].var);
            nisac_conic_free(P[1].c);
            free(P[1].var);
        }
        /* another shape: ignored */
        case_t d;
        make_case(&d, PB_POWERMIN, 900 + i);
        noma_prob Q;
        double gq[8];
        CHECK(build_case(&d, &Q, gq) == NISAC_OK);
        nisac_conic_opts o;
        nisac_conic_opts_default(&o);
        o.warm = prev;
        nisac_conic_result rq, rc;
        CHECK(nisac_conic_solve(Q.c, &o, &rq) == NISAC_OK);
        CHECK(nisac_conic_solve(Q.c, NULL, &rc) == NISAC_OK);
        if (d.p.N != c.p.N || d.p.K != c.p.K) /* other block orders or counts */
            CHECK_MSG((rq.pobj == rc.pobj || (isnan(rq.pobj) && isnan(rc.pobj))) && rq.status == rc.status &&
                          rq.iterations == rc.iterations,
                      "N %d/%d K %d/%d: %.17g (%d it) vs %.17g (%d it)",
                      d.p.N, c.p.N, d.p.K, c.p.K, rq.pobj, rq.iterations, rc.pobj, rc.iterations);
        nisac_conic_free(Q.c);
        free(Q.var);
        nisac_noma_instance_free(d.inst);
        nisac_conic_free(prev);
        nisac_noma_instance_free(c.inst);
    }
    printf("  warm starts: %.1f iterations against %.1f cold (%d solves, targets 10-30%% apart)\n",
           (double)it_warm / n, (double)it_cold / n, n);
}

extern void openblas_set_num_threads(int) __attribute__((weak));

int main(void)
{
    if (openblas_set_num_threads) openblas_set_num_threads(1);
    RUN(test_lp_known_optimum);
    RUN(test_soc_closed_forms);
    RUN(test_infeasible_certificate);
    RUN(test_unbounded_certificate);
    RUN(test_threads_bit_identical);
    RUN(test_free_scalars);
    RUN(test_sdpa_export);
    RUN(test_affine_cones);
    RUN(test_updates);
    RUN(test_warm_start);
    RUN(test_cross_csdp);
    TEST_END();
}
