/* sdr-maxmin: Algorithm 1 (bisection on t over the power minimisation
 * (10)/(13)), as printed, and a bracketed secant variant. */
#include "noma_sdr_internal.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

typedef struct {
    int feasible;
    double pstar;  /* relaxation optimum of (10) at t: the (8b) sum */
    nisac_solve_status status;
} probe_t;

/* Solves (13) at SINR target t with the (8b) sum as objective; t feasible
 * for (9) iff a design is recovered whose (8b) sum is within P_total and
 * which the model finds meets (12b), (12e)-(12g). */
static int probe(const nisac_noma_instance *inst, const nisac_opts *o, double t,
                 nisac_design_out *scratch, probe_t *pr)
{
    nisac_noma_instance at = *inst;
    for (int k = 0; k < inst->p.K; k++) at.gamma[k] = t;
    noma_spec s = {at.gamma, 1.0, 1.0, 0, -1, -1};
    unsigned imposed = NISAC_C_POWERMIN | (inst->p.sic_power_order ? NISAC_C_SICORDER : 0u);
    scratch->randomized = 0;
    scratch->polished = 0;
    scratch->note[0] = 0;
    int rc = noma_sdr_solve(&at, o, noma_build_spec, &s, imposed, -1,
                            inst->p.P_total * (1.0 + o->feas_tol), scratch);
    if (rc) return rc;
    pr->status = scratch->status;
    pr->pstar = scratch->sdp_obj;
    pr->feasible = 0;
    if (scratch->status == NISAC_STATUS_OPTIMAL || scratch->status == NISAC_STATUS_FEASIBLE) {
        nisac_noma_eval ev;
        rc = nisac_noma_evaluate(&at, scratch->W, scratch->N, NULL, imposed | NISAC_C_BUDGET, &ev);
        if (rc) return rc;
        pr->feasible = ev.max_viol <= o->feas_tol;
    }
    if (scratch->status == NISAC_STATUS_INFEASIBLE) pr->pstar = INFINITY;
    return NISAC_OK;
}

/* log(P* / P_total); P* = 0 (nothing to transmit) maps far below 0. */
static double gval(double pstar, double ptot)
{
    if (!isfinite(pstar)) return INFINITY;
    return log(fmax(pstar, 1e-12 * ptot) / ptot);
}

static void keep(nisac_design_out *out, const nisac_design_out *s, double t)
{
    memcpy(out->W, s->W, sizeof(double complex) * (size_t)out->N * out->K);
    out->t = t;
    out->status = s->status;
    out->sdp_obj = s->sdp_obj;
    out->sdp_gap = s->sdp_gap;
    out->sdp_pinf = s->sdp_pinf;
    memcpy(out->rank_ratio, s->rank_ratio, sizeof out->rank_ratio);
    out->max_rank_ratio = s->max_rank_ratio;
    out->randomized = s->randomized;
    out->polished = s->polished;
    out->rand_feasible = s->rand_feasible;
}

static int maxmin_design(const nisac_noma_instance *inst, const nisac_opts *o, nisac_design_out *out)
{
    const nisac_noma_params *p = &inst->p;
    out->imposed = NISAC_C_MAXMIN | (p->sic_power_order ? NISAC_C_SICORDER : 0u);
    if (!(o->mu > 0)) return NISAC_FAIL(NISAC_EINVAL, "option 'mu': expected > 0, got %g", o->mu);
    nisac_design_out *sc = nisac_design_out_new(out->N, out->K);
    if (!sc) return NISAC_FAIL(NISAC_ENOMEM, "out of memory");
    int rc = NISAC_OK, have = 0;
    double h1 = 0;
    for (int n = 0; n < p->N; n++) h1 += creal(inst->H[n]) * creal(inst->H[n]) + cimag(inst->H[n]) * cimag(inst->H[n]);
    double lo = 0, hi = p->P_total * h1 / p->sigma2; /* Algorithm 1's t_min, t_max */
    probe_t pr;

    if (o->method == NISAC_MAXMIN_PRINTED) {
        while (hi - lo > o->mu) {
            double t = 0.5 * (lo + hi);
            if ((rc = probe(inst, o, t, sc, &pr))) goto done;
            out->iterations++;
            if (pr.feasible) {
                lo = t;
                keep(out, sc, t);
                have = 1;
            } else {
                hi = t;
            }
        }
    } else {
        /* Bracketed secant (Illinois) on g(t) = log(P*(t) / P_total), P*(t) the
         * relaxation optimum of (10) at t (log because P* is flat at small t
         * and grows like t^2 under decoders=all).  Each trial point is offset
         * by mu/2 towards the side that has not moved, so that the bracket
         * closes to width mu, and a bisection step is taken whenever the
         * bracket has not halved over the last two steps (as in Brent's
         * method), so the count never exceeds about twice the bisection's. */
        if ((rc = probe(inst, o, 0.0, sc, &pr))) goto done;
        out->iterations++;
        if (!pr.feasible) goto done;
        keep(out, sc, 0.0);
        have = 1;
        double glo = gval(pr.pstar, p->P_total);
        if ((rc = probe(inst, o, hi, sc, &pr))) goto done;
        out->iterations++;
        if (pr.feasible) { /* cannot happen for P_total > 0, kept for safety */
            keep(out, sc, hi);
            goto done;
        }
        double ghi = gval(pr.pstar, p->P_total);
        int last = 0; /* +1: lo moved last, -1: hi moved last */
        double width[3] = {hi - lo, hi - lo, hi - lo};
        while (hi - lo > o->mu) {
            double t;
            int bisect = width[0] < 2.0 * (hi - lo) && out->iterations > 3;
            if (!bisect && isfinite(ghi) && ghi > glo) t = hi - ghi * (hi - lo) / (ghi - glo);
            else t = 0.5 * (lo + hi);
            if (!bisect) t += last > 0 ? 0.5 * o->mu : last < 0 ? -0.5 * o->mu : 0.0;
            double a = lo + 0.5 * o->mu, b = hi - 0.5 * o->mu;
            if (a > b) t = 0.5 * (lo + hi);
            else t = fmin(fmax(t, a), b);
            if ((rc = probe(inst, o, t, sc, &pr))) goto done;
            out->iterations++;
            double g = gval(pr.pstar, p->P_total);
            nisac_log(NISAC_LOG_DEBUG, "maxmin fast: t=%.6f g=%.6g feasible=%d bracket=[%.6f, %.6f]%s",
                      t, g, pr.feasible, lo, hi, bisect ? " (bisection)" : "");
            if (pr.feasible) {
                lo = t;
                glo = fmin(g, 0.0);
                keep(out, sc, t);
                if (last > 0 && isfinite(ghi)) ghi *= 0.5;
                last = 1;
            } else {
                hi = t;
                ghi = fmax(g, 1e-300);
                if (last < 0) glo *= 0.5;
                last = -1;
            }
            width[0] = width[1];
            width[1] = width[2];
            width[2] = hi - lo;
        }
    }
    if (!have) {
        /* No t > 0 was feasible: decide whether t = 0 is (the sensing
         * constraints within the budget). */
        if ((rc = probe(inst, o, 0.0, sc, &pr))) goto done;
        out->iterations++;
        if (pr.feasible) {
            keep(out, sc, 0.0);
            have = 1;
        }
    }
done:
    out->solves += sc->solves;
    if (!rc && !have) {
        out->status = pr.status == NISAC_STATUS_OPTIMAL || pr.status == NISAC_STATUS_FEASIBLE
                          ? NISAC_STATUS_INFEASIBLE
                          : pr.status;
        snprintf(out->note, sizeof out->note,
                 "no SINR target is reachable: sensing (12e)-(12g) alone exceeds P_total = %g W",
                 p->P_total);
        memset(out->W, 0, sizeof(double complex) * (size_t)out->N * out->K);
    }
    nisac_design_out_free(sc);
    return rc;
}

static int maxmin_evaluate(const nisac_noma_instance *inst, const nisac_opts *o,
                           nisac_design_out *out)
{
    int rc = nisac_noma_evaluate(inst, out->W, out->N, NULL, out->imposed, &out->eval);
    out->objective = out->eval.min_sinr;
    return rc;
}

const nisac_algo nisac_algo_sdr_maxmin = {
    "sdr-maxmin",
    "max-min SINR (8) by Algorithm 1: bisection on t over SDR power minimisation",
    maxmin_design, maxmin_evaluate};
