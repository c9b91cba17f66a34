/* The SDR algorithms of paper 000 against independently derived numbers. */
#include "harness.h"
#include "nisac/nisac.h"

#include <string.h>

static nisac_noma_instance *make(const nisac_noma_params *p, uint64_t seed)
{
    double complex H[64 * NISAC_MAX_USERS];
    nisac_rng r;
    nisac_rng_init(&r, seed, 0, 0, NISAC_PURPOSE_CHANNEL);
    nisac_rayleigh(&r, p->N, p->K, H, p->N);
    nisac_noma_instance *inst = NULL;
    if (nisac_noma_instance_new(p, H, p->N, &inst)) return NULL;
    return inst;
}

static nisac_design_out *run(const char *algo, const nisac_noma_instance *inst, const nisac_opts *o)
{
    nisac_design_out *out = nisac_design_out_new(inst->p.N, inst->p.K);
    int rc = nisac_design(nisac_algo_find(algo), inst, o, out);
    CHECK_MSG(rc == NISAC_OK, "%s: %s", algo, nisac_last_error());
    return out;
}

/* One user, no target: min ||w||^2 s.t. |h^H w|^2 / sigma^2 >= gamma has
 * the matched filter as solution, power gamma sigma^2 / ||h||^2. */
static void test_closed_form_single_user(void)
{
    nisac_noma_params p;
    nisac_noma_params_default(&p);
    p.K = 1;
    p.M = 0;
    nisac_opts o;
    nisac_opts_default(&o);
    for (uint64_t seed = 1; seed <= 3; seed++) {
        p.gamma = nisac_undb(10.0 + 5.0 * seed);
        nisac_noma_instance *inst = make(&p, seed);
        nisac_design_out *out = run("sdr-powermin", inst, &o);
        double h2 = nisac_cnorm2(p.N, inst->H);
        CHECK(out->status == NISAC_STATUS_OPTIMAL);
        CHECK_REL(out->eval.total_power, p.gamma * p.sigma2 / h2, 1e-6);
        nisac_design_out_free(out);
        nisac_noma_instance_free(inst);
    }
}

/* Sensing only (SINR target 0), one target: min Tr(W) s.t. alpha^H W alpha
 * >= Ps gives the beam along alpha(theta) with power Ps / N (||alpha||^2 = N). */
static void test_closed_form_sensing_only(void)
{
    nisac_noma_params p;
    nisac_noma_params_default(&p);
    p.K = 1;
    p.M = 1;
    p.theta[0] = nisac_deg2rad(25.0);
    p.gamma = 0.0;
    nisac_opts o;
    nisac_opts_default(&o);
    nisac_noma_instance *inst = make(&p, 4);
    nisac_design_out *out = run("sdr-powermin", inst, &o);
    CHECK(out->status == NISAC_STATUS_OPTIMAL);
    CHECK_REL(out->eval.comm_power, p.Ps / p.N, 1e-6);
    CHECK_REL(out->eval.sense_power[0], p.Ps, 1e-6);
    double complex a[8];
    nisac_ula_steering(p.N, p.d_lambda, p.theta[0], a);
    double align = cabs(nisac_cdot(p.N, a, out->W)) /
                   sqrt(nisac_cnorm2(p.N, a) * nisac_cnorm2(p.N, out->W));
    CHECK_REL(align, 1.0, 1e-6);
    nisac_design_out_free(out);
    nisac_noma_instance_free(inst);
}

/* Paper setting, several seeds and both readings: at status optimal the
 * relaxation gap is below 1e-6 and the re-evaluated design meets every
 * constraint of (13) within 1e-6. */
static void test_powermin_gap_and_feasibility(void)
{
    nisac_noma_params p;
    nisac_noma_params_default(&p);
    nisac_opts o;
    nisac_opts_default(&o);
    int optimal = 0;
    for (int dec = 0; dec < 2; dec++)
        for (uint64_t seed = 1; seed <= 4; seed++) {
            p.decoders = (nisac_decoders)dec;
            p.gamma = nisac_undb(dec ? 20.0 : 10.0);
            nisac_noma_instance *inst = make(&p, seed);
            nisac_design_out *out = run("sdr-powermin", inst, &o);
            if (out->status == NISAC_STATUS_OPTIMAL) {
                optimal++;
                CHECK(out->sdp_gap < 1e-6);
                CHECK_MSG(out->eval.max_viol <= 1e-6, "seed %d: violation %g", (int)seed, out->eval.max_viol);
                /* rank one: the design attains the relaxation bound */
                CHECK_REL(out->eval.objective, out->sdp_obj, 1e-6);
            } else {
                CHECK_MSG(out->status == NISAC_STATUS_FEASIBLE, "seed %d: status %s (%s)", (int)seed,
                          nisac_status_name(out->status), out->note);
                CHECK(out->eval.max_viol <= 1e-6);
                CHECK(out->eval.objective >= out->sdp_obj * (1 - 1e-6)); /* relaxation is a bound */
            }
            nisac_design_out_free(out);
            nisac_noma_instance_free(inst);
        }
    CHECK(optimal >= 4);
}

/* Max-min: t equals the min SINR of the returned beamformers within mu;
 * power minimisation at t fits the budget, and at t + 2 mu it does not
 * (the Table I / Table II consistency of the paper).  Both methods agree
 * within mu. */
static void test_maxmin_consistency(void)
{
    nisac_noma_params p;
    nisac_noma_params_default(&p);
    nisac_opts o;
    nisac_opts_default(&o);
    for (int dec = 0; dec < 2; dec++)
        for (uint64_t seed = 1; seed <= 3; seed++) {
            p.decoders = (nisac_decoders)dec;
            nisac_noma_instance *inst = make(&p, seed);
            o.method = NISAC_MAXMIN_PRINTED;
            nisac_design_out *mm = run("sdr-maxmin", inst, &o);
            o.method = NISAC_MAXMIN_FAST;
            nisac_design_out *mf = run("sdr-maxmin", inst, &o);
            CHECK(mm->status == NISAC_STATUS_OPTIMAL || mm->status == NISAC_STATUS_FEASIBLE);
            CHECK(mm->eval.min_sinr >= mm->t * (1 - 1e-6));
            CHECK_MSG(mm->eval.min_sinr - mm->t <= o.mu, "t=%g min SINR=%g", mm->t, mm->eval.min_sinr);
            CHECK(mm->eval.max_viol <= 1e-6);
            CHECK_MSG(fabs(mm->t - mf->t) <= o.mu, "printed t=%g fast t=%g", mm->t, mf->t);
            CHECK(mf->solves < mm->solves || mf->iterations < mm->iterations);

            nisac_noma_params q = p;
            q.gamma = mm->t;
            nisac_noma_instance *at = make(&q, seed);
            nisac_opts_default(&o);
            nisac_design_out *pm = run("sdr-powermin", at, &o);
            CHECK_MSG(pm->eval.total_power <= p.P_total * (1 + 1e-6), "power %g at t", pm->eval.total_power);
            nisac_noma_instance_free(at);
            q.gamma = mm->t + 2 * o.mu;
            at = make(&q, seed);
            nisac_design_out *pm2 = run("sdr-powermin", at, &o);
            CHECK_MSG(pm2->sdp_obj > p.P_total, "power %g at t + 2 mu", pm2->sdp_obj);
            nisac_design_out_free(pm);
            nisac_design_out_free(pm2);
            nisac_noma_instance_free(at);
            nisac_design_out_free(mm);
            nisac_design_out_free(mf);
            nisac_noma_instance_free(inst);
        }
}

/* Robust: the worst-case SINR over the eps-ball, computed by the TRS
 * bisection of the model (not by the solver), meets gamma; the non-robust
 * design falls below gamma for some error of norm eps, and never does the
 * robust design on sampled errors. */
static void test_robust(void)
{
    nisac_noma_params p;
    nisac_noma_params_default(&p);
    p.decoders = NISAC_DECODERS_OWN;
    p.gamma = nisac_undb(10.0);
    p.eps = 0.05;
    nisac_opts o;
    nisac_opts_default(&o);
    for (uint64_t seed = 1; seed <= 2; seed++) {
        nisac_noma_instance *inst = make(&p, seed);
        nisac_design_out *rb = run("sdr-robust", inst, &o);
        nisac_design_out *nr = run("sdr-powermin", inst, &o);
        CHECK_MSG(rb->status == NISAC_STATUS_OPTIMAL || rb->status == NISAC_STATUS_FEASIBLE,
                  "status %s (%s)", nisac_status_name(rb->status), rb->note);
        CHECK_MSG(rb->worst_min_sinr >= p.gamma * (1 - 1e-6), "worst %g < gamma %g", rb->worst_min_sinr, p.gamma);
        CHECK(rb->eval.total_power > nr->eval.total_power);
        double ws[NISAC_MAX_USERS][NISAC_MAX_USERS];
        CHECK(nisac_noma_worst_sinr(inst, nr->W, p.N, p.eps, 1e-9, ws) == NISAC_OK);
        double worst_nr = INFINITY;
        for (int k = 0; k < p.K; k++) worst_nr = fmin(worst_nr, ws[k][k]);
        CHECK(worst_nr < p.gamma);
        /* sampled errors on the sphere ||dh|| = eps */
        nisac_rng r;
        nisac_rng_init(&r, seed, 0, 0, NISAC_PURPOSE_EVAL);
        double complex dH[8 * 3];
        int below_nr = 0, below_rb = 0;
        double min_nr = INFINITY;
        for (int s = 0; s < 2000; s++) {
            for (int k = 0; k < p.K; k++) nisac_csi_error_sphere(&r, p.N, p.eps, dH + k * p.N);
            nisac_noma_eval e1, e2;
            nisac_noma_evaluate(inst, nr->W, p.N, dH, 0, &e1);
            nisac_noma_evaluate(inst, rb->W, p.N, dH, 0, &e2);
            below_nr += e1.min_sinr < p.gamma * (1 - 1e-9);
            below_rb += e2.min_sinr < p.gamma * (1 - 1e-6);
            min_nr = fmin(min_nr, e1.min_sinr);
            CHECK(e2.min_sinr >= rb->worst_min_sinr * (1 - 1e-6)); /* sampling never beats the TRS bound */
            CHECK(e1.min_sinr >= worst_nr * (1 - 1e-6));
        }
        CHECK(below_nr > 0);
        CHECK(below_rb == 0);
        nisac_design_out_free(rb);
        nisac_design_out_free(nr);
        nisac_noma_instance_free(inst);
    }
}

/* Infeasible problems are results: status infeasible, no crash, no NaN. */
static void test_infeasible(void)
{
    nisac_noma_params p;
    nisac_noma_params_default(&p);
    nisac_opts o;
    nisac_opts_default(&o);
    /* N = 1: alpha = 1 for every angle, so Cbar = (sum P)^2 / ... = P^2 >= Ps^2 = 4 > xi = 1 */
    p.N = 1;
    p.xi = 1.0;
    nisac_noma_instance *inst = make(&p, 1);
    nisac_design_out *out = run("sdr-powermin", inst, &o);
    CHECK_MSG(out->status == NISAC_STATUS_INFEASIBLE, "status %s", nisac_status_name(out->status));
    for (int i = 0; i < p.N * p.K; i++) CHECK(isfinite(creal(out->W[i])) && isfinite(cimag(out->W[i])));
    nisac_design_out_free(out);
    nisac_noma_instance_free(inst);
    /* max-min with a budget below the sensing requirement (Ps M (1 + 1/N) > P_total) */
    nisac_noma_params_default(&p);
    p.P_total = 3.0;
    inst = make(&p, 1);
    for (int m = 0; m < 2; m++) {
        o.method = (nisac_maxmin_method)m;
        out = run("sdr-maxmin", inst, &o);
        CHECK_MSG(out->status == NISAC_STATUS_INFEASIBLE, "status %s", nisac_status_name(out->status));
        nisac_design_out_free(out);
    }
    nisac_noma_instance_free(inst);
}

/* OMA: slot SINRs meet the rate-equivalent target; the time-averaged power
 * is reported; NOMA needs less power than OMA at the same rate (own). */
static void test_oma(void)
{
    nisac_noma_params p;
    nisac_noma_params_default(&p);
    p.decoders = NISAC_DECODERS_OWN;
    p.gamma = nisac_undb(10.0);
    nisac_opts o;
    nisac_opts_default(&o);
    nisac_noma_instance *inst = make(&p, 2);
    nisac_design_out *oma = run("oma-sdr", inst, &o);
    nisac_design_out *noma = run("sdr-powermin", inst, &o);
    CHECK(oma->status == NISAC_STATUS_OPTIMAL || oma->status == NISAC_STATUS_FEASIBLE);
    CHECK_REL(oma->slot_gamma, pow(1 + p.gamma, p.K) - 1, 1e-12);
    for (int k = 0; k < p.K; k++) {
        CHECK(oma->eval.user_sinr[k] >= oma->slot_gamma * (1 - 1e-6));
        CHECK(oma->eval.rate[k] >= log2(1 + p.gamma) * (1 - 1e-6));
    }
    CHECK(oma->eval.max_viol <= 1e-6);
    CHECK(oma->eval.total_power > noma->eval.total_power);
    /* max-min per slot: one SDP per slot */
    o.problem = NISAC_PROBLEM_MAXMIN;
    nisac_design_out *om = run("oma-sdr", inst, &o);
    CHECK(om->solves >= p.K);
    CHECK(om->eval.max_viol <= 1e-6);
    nisac_design_out_free(om);
    nisac_design_out_free(oma);
    nisac_design_out_free(noma);
    nisac_noma_instance_free(inst);
}

int main(void)
{
    RUN(test_closed_form_single_user);
    RUN(test_closed_form_sensing_only);
    RUN(test_powermin_gap_and_feasibility);
    RUN(test_maxmin_consistency);
    RUN(test_robust);
    RUN(test_infeasible);
    RUN(test_oma);
    TEST_END();
}
