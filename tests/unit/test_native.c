/* The native conic backend against CSDP on the registry's problems, and
 * against closed forms; certificates of infeasible and unbounded problems;
 * reentrancy. */
#include "harness.h"
#include "nisac/nisac.h"
#include "../../src/algo/noma_sdr_internal.h"

#include <pthread.h>
#include <string.h>

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
            if (!ok || !(full(rn.status) && full(rcs.status)) || getenv("NISAC_CROSS_VERBOSE"))
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

int main(void)
{
    RUN(test_cross_csdp);
    TEST_END();
}
