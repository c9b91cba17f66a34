/* sdr-maxmin: Algorithm 1 (bisection on t over the power minimisation
 * (10)/(13)), as printed, and a bracketed secant variant. */
#include "noma_sdr_internal.h"
#include "nisac/linalg.h"
#include "nisac/units.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    int feasible;        /* relaxation (13) at t has optimum within P_total */
    double pstar;        /* relaxation optimum of (10) at t: the (8b) sum */
    int design_ok;       /* a design was recovered that meets (8b), (12b), (12e)-(12g) */
    double design_sinr;  /* its min SINR */
    nisac_solve_status status;
    double dpdt;         /* derivative of the relaxation optimum in t (NaN: none) */
} probe_t;

/* Solves (13) at SINR target t with the (8b) sum as objective.  As in
 * Algorithm 1, t is feasible when the relaxation is (its optimum within
 * P_total): this is monotone in t and its threshold bounds the max-min
 * SINR from above.  The design recovered from the relaxation (rank one,
 * or by randomisation) is judged separately by the model. */
static int probe_at(const nisac_noma_instance *inst, const noma_opts *o, double t, int refine,
                    noma_out *scratch, double *gam, probe_t *pr)
{
    nisac_noma_instance at = *inst;
    at.gamma = gam;
    for (int k = 0; k < inst->p.K; k++) at.gamma[k] = t;
    /* the bisection's probes recover designs as the paper does; the refinement (with (8b) as a row, so that
     * its designs stay within the budget) runs once, at the end */
    noma_spec s = {at.gamma, 1.0, 1.0, refine, -1, -1};
    noma_opts q = *o;
    q.refine = refine && o->refine;
    o = &q;
    unsigned imposed = NISAC_C_POWERMIN | (inst->p.sic_power_order ? NISAC_C_SICORDER : 0u);
    scratch->randomized = 0;
    scratch->polished = 0;
    scratch->refined = 0;
    scratch->note[0] = 0;
    int rc = noma_sdr_solve(&at, o, noma_build_spec, &s, imposed, -1,
                            inst->p.P_total * (1.0 + o->feas_tol), scratch);
    if (rc) return rc;
    pr->status = scratch->status;
    pr->pstar = scratch->sdp_obj;
    pr->dpdt = scratch->dPdt;
    int relaxed = scratch->sdp_obj <= inst->p.P_total * (1.0 + o->feas_tol);
    pr->feasible = 0;
    pr->design_ok = 0;
    pr->design_sinr = 0;
    switch (scratch->status) {
    case NISAC_STATUS_OPTIMAL:
    case NISAC_STATUS_FEASIBLE:
    case NISAC_STATUS_ROUNDING_FAILED:
    case NISAC_STATUS_INACCURATE:
        pr->feasible = relaxed;
        break;
    default:
        pr->pstar = INFINITY;
        break;
    }
    if (scratch->status == NISAC_STATUS_OPTIMAL || scratch->status == NISAC_STATUS_FEASIBLE) {
        nisac_noma_eval ev = NISAC_NOMA_EVAL_INIT;
        rc = nisac_noma_evaluate(&at, scratch->W, scratch->N, NULL, imposed | NISAC_C_BUDGET, &ev);
        pr->design_ok = ev.max_viol <= o->feas_tol;
        pr->design_sinr = ev.min_sinr;
        nisac_noma_eval_release(&ev);
        if (rc) return rc;
    }
    return NISAC_OK;
}

static int probe(const nisac_noma_instance *inst, const noma_opts *o, double t, noma_out *scratch, double *gam,
                 probe_t *pr)
{
    return probe_at(inst, o, t, 0, scratch, gam, pr);
}

/* log(P* / P_total); P* = 0 (nothing to transmit) maps far below 0. */
static double gval(double pstar, double ptot)
{
    if (!isfinite(pstar)) return INFINITY;
    return log(fmax(pstar, 1e-12 * ptot) / ptot);
}

/* After a probe: records the relaxation's feasible t, and keeps the design
 * when it is valid and better (higher min SINR) than the one kept. */
static void note_probe(noma_out *out, const noma_out *s, const probe_t *pr,
                       double t, int *have, double *best)
{
    if (pr->feasible && t > out->t) out->t = t;
    if (!pr->design_ok || (*have && pr->design_sinr <= *best)) return;
    *have = 1;
    *best = pr->design_sinr;
    memcpy(out->W, s->W, sizeof(double complex) * (size_t)out->N * out->K);
    out->status = s->status;
    out->sdp_obj = s->sdp_obj;
    out->sdp_gap = s->sdp_gap;
    out->sdp_pinf = s->sdp_pinf;
    memcpy(out->rank_ratio, s->rank_ratio, sizeof(double) * (size_t)out->K);
    out->max_rank_ratio = s->max_rank_ratio;
    out->randomized = s->randomized;
    out->polished = s->polished;
    out->rand_feasible = s->rand_feasible;
    out->refined = s->refined;
    out->refine_iters = s->refine_iters;
    out->refine_rise = s->refine_rise;
}

static int maxmin_run(const nisac_noma_instance *inst, const noma_opts *o, const void *ctx, noma_out *out)
{
    (void)ctx;
    out->objective_metric = "min_sinr_db";
    const nisac_noma_params *p = &inst->p;
    out->imposed = NISAC_C_MAXMIN | (p->sic_power_order ? NISAC_C_SICORDER : 0u);
    if (!(o->mu > 0)) return NISAC_FAIL(NISAC_EINVAL, "option 'mu': expected > 0, got %g", o->mu);
    noma_out *sc = noma_out_new(out->N, out->K);
    double *gam = malloc(sizeof(double) * (size_t)out->K);
    if (!sc || !gam) {
        noma_out_free(sc);
        free(gam);
        return NISAC_FAIL(NISAC_ENOMEM, "out of memory");
    }
    int rc = NISAC_OK, have = 0, any = 0;
    double best = 0;
    /* Algorithm 1's t_min, t_max (user 1 alone with the whole budget) */
    double lo = 0, hi = p->P_total * nisac_cnorm2(p->N, inst->H) / p->sigma2;
    probe_t pr;

    if (o->method == NISAC_MAXMIN_PRINTED) {
        while (hi - lo > o->mu) {
            double t = 0.5 * (lo + hi);
            if ((rc = probe(inst, o, t, sc, gam, &pr))) goto done;
            out->iterations++;
            note_probe(out, sc, &pr, t, &have, &best);
            if (pr.feasible) lo = t;
            else hi = t;
        }
    } else if (o->method == NISAC_MAXMIN_NEWTON) {
        /* Newton's method on G(u) = ln(P*(t) / P_total), u = ln t, with the
         * slope every probe already gives: by the envelope theorem the derivative of P* is
         * the sum over the (12b) rows of y_r (I_r + sigma^2) (noma_sdr_solve),
         * so G'(u) = t P*'(t) / P*(t).  Safeguards: the bracket [lo, hi] of
         * the relaxation's feasibility threshold; a step outside it, or one
         * without a slope, is a bisection (geometric once lo > 0).  When the
         * step is below mu/4 the bracket is closed by probing the root's
         * estimate r at r - mu/2 and r + mu/2: the answer then carries
         * Algorithm 1's guarantee (t_max - t_min <= mu). */
        double t = pow(fmax(o->mu, 1e-6), 0.25) * pow(hi, 0.75); /* above the root for most channels */
        sc->keep_warm = 1; /* each probe starts from the previous relaxation (bench_conic: a third fewer iterations) */
        int closing = 0;
        double prev_step = NAN;
        while (hi - lo > o->mu && out->iterations < 200) {
            if ((rc = probe(inst, o, t, sc, gam, &pr))) goto done;
            out->iterations++;
            note_probe(out, sc, &pr, t, &have, &best);
            any |= pr.feasible;
            if (pr.feasible) lo = fmax(lo, t);
            else hi = fmin(hi, t);
            if (hi - lo <= o->mu) break;
            double est = NAN;
            if (isfinite(pr.pstar) && pr.pstar > 0 && isfinite(pr.dpdt) && pr.dpdt > 0) {
                const double G = log(pr.pstar / p->P_total), dG = t * pr.dpdt / pr.pstar;
                est = exp(log(t) - G / dG);
            }
            nisac_log(NISAC_LOG_DEBUG, "maxmin newton: t=%.6f P*=%.6g dP/dt=%.6g feasible=%d bracket=[%.6f, %.6f] est=%.6f",
                      t, pr.pstar, pr.dpdt, pr.feasible, lo, hi, est);
            if (!(est > lo && est < hi)) est = lo > 0 ? sqrt(lo * hi) : 0.5 * (lo + hi);
            /* close when the step is below mu/4, or when quadratic convergence
             * (e_next ~ step^3 / previous step^2) predicts the estimate within mu/10 */
            const double step = fabs(est - t);
            if (!closing && (step < 0.25 * o->mu || (isfinite(prev_step) && step < prev_step &&
                                                     step * step * step < 0.1 * o->mu * prev_step * prev_step)))
                closing = 1;
            prev_step = step;
            if (closing) { /* confirm the feasible side, then the other */
                const double a = est - 0.45 * o->mu, b = est + 0.45 * o->mu;
                t = a > lo ? a : b < hi ? b : 0.5 * (lo + hi);
            } else {
                t = est;
            }
        }
    } else {
        /* Bracketed secant (Illinois) in log-log coordinates: u = ln t,
         * G(u) = ln(P*(t) / P_total), P* the relaxation optimum of (10) at
         * t, which grows like a power of t (t under decoders=own, about t^2
         * under decoders=all) and is flat at small t.  A geometric
         * bisection replaces the secant whenever the bracket's log-width
         * has not halved in two steps, or when no finite value bounds the
         * root from above (CSDP cannot solve (13) at very large t).  Trial
         * points are offset by mu/2 towards the side that has not moved, so
         * the bracket closes to width mu; the stopping rule is Algorithm 1's
         * (t_max - t_min <= mu).  t_max is not probed: (13) at t_max forces
         * Tr(W_1) >= P_total through user 1's own row, so any sensing power
         * or second user puts it over budget. */
        double t0 = fmin(o->mu, 0.5 * hi);
        if ((rc = probe(inst, o, t0, sc, gam, &pr))) goto done;
        out->iterations++;
        note_probe(out, sc, &pr, t0, &have, &best);
        if (!pr.feasible) {
            hi = t0;
            goto closing; /* the answer lies in [0, mu): decided at t = 0 below */
        }
        any = 1;
        lo = t0;
        double glo = gval(pr.pstar, p->P_total), ghi = INFINITY;
        if ((p->M == 0 || p->Ps <= 0) && p->K == 1) {
            if ((rc = probe(inst, o, hi, sc, gam, &pr))) goto done;
            out->iterations++;
            note_probe(out, sc, &pr, hi, &have, &best);
            if (pr.feasible) {
                lo = hi;
                goto closing;
            }
            ghi = gval(pr.pstar, p->P_total);
        }
        int last = 0; /* +1: lo moved last, -1: hi moved last */
        double lw[3] = {log(hi / lo), log(hi / lo), log(hi / lo)};
        while (hi - lo > o->mu) {
            double ulo = log(lo), uhi = log(hi), t;
            int bisect = !(isfinite(ghi) && ghi > glo) || (lw[0] < 2.0 * (uhi - ulo) && out->iterations > 3);
            if (!bisect) t = exp(uhi - ghi * (uhi - ulo) / (ghi - glo));
            else t = sqrt(lo * hi);
            if (!bisect) t += last > 0 ? 0.5 * o->mu : last < 0 ? -0.5 * o->mu : 0.0;
            double a = lo + 0.5 * o->mu, b = hi - 0.5 * o->mu;
            if (a > b) t = 0.5 * (lo + hi);
            else t = fmin(fmax(t, a), b);
            if ((rc = probe(inst, o, t, sc, gam, &pr))) goto done;
            out->iterations++;
            note_probe(out, sc, &pr, t, &have, &best);
            double g = gval(pr.pstar, p->P_total);
            nisac_log(NISAC_LOG_DEBUG, "maxmin fast: t=%.6f g=%.6g feasible=%d bracket=[%.6f, %.6f]%s",
                      t, g, pr.feasible, lo, hi, bisect ? " (bisection)" : "");
            if (pr.feasible) {
                lo = t;
                glo = fmin(g, 0.0);
                if (last > 0 && isfinite(ghi)) ghi *= 0.5;
                last = 1;
            } else {
                hi = t;
                ghi = isfinite(g) ? fmax(g, 1e-300) : INFINITY;
                if (last < 0) glo *= 0.5;
                last = -1;
            }
            lw[0] = lw[1];
            lw[1] = lw[2];
            lw[2] = log(hi / lo);
        }
    }
closing:
    if (!have) {
        /* No design recovered at any t > 0: decide whether t = 0 is feasible
         * (the sensing constraints within the budget). */
        if ((rc = probe(inst, o, 0.0, sc, gam, &pr))) goto done;
        out->iterations++;
        note_probe(out, sc, &pr, 0.0, &have, &best);
        any |= pr.feasible;
    }
    /* Rank-one refinement at the last feasible t when no design recovered so far is within mu of it. */
    if (!rc && o->refine && out->t > 0 && (!have || best < out->t - o->mu)) {
        if ((rc = probe_at(inst, o, out->t, 1, sc, gam, &pr))) goto done;
        note_probe(out, sc, &pr, out->t, &have, &best);
    }
done:
    out->solves += sc->solves;
    if (!rc && !have) {
        memset(out->W, 0, sizeof(double complex) * (size_t)out->N * out->K);
        if (!any && !(out->t > 0)) {
            out->status = pr.status == NISAC_STATUS_OPTIMAL || pr.status == NISAC_STATUS_FEASIBLE ||
                                  pr.status == NISAC_STATUS_ROUNDING_FAILED
                              ? NISAC_STATUS_INFEASIBLE
                              : pr.status;
            snprintf(out->note, sizeof out->note,
                     "no SINR target is reachable: sensing (12e)-(12g) alone exceeds P_total = %g W",
                     p->P_total);
        } else {
            out->status = NISAC_STATUS_ROUNDING_FAILED;
            snprintf(out->note, sizeof out->note,
                     "relaxation feasible up to t = %.4f dB but no design was recovered", nisac_db(out->t));
        }
    } else if (!rc && have && best < out->t - o->mu) {
        snprintf(out->note, sizeof out->note,
                 "relaxation not tight: bound t = %.4f dB, recovered design %.4f dB",
                 nisac_db(out->t), nisac_db(best));
        if (out->status == NISAC_STATUS_OPTIMAL) out->status = NISAC_STATUS_FEASIBLE;
    }
    noma_out_free(sc);
    free(gam);
    out->bound = out->t > 0 ? out->t : NAN;
    /* the design's min SINR lies within mu (and the judge's tolerance) of the bound t when optimal */
    out->gap_tol = out->t > 0 ? o->mu / out->t + o->feas_tol : NAN;
    return rc;
}

static const char *const method_names[] = {"printed", "fast", "newton"};
static const nisac_param_def maxmin_opts[] = {
    {"mu", NULL, NISAC_PT_REAL, NISAC_PC_NONE, "", NISAC_DEF_MU, 0, INFINITY, NISAC_PF_OPEN_LO, NULL, 0, NULL, 0,
     NULL, "bisection tolerance on t (linear SINR): Algorithm 1 stops when t_max - t_min <= mu"},
    {"method", NULL, NISAC_PT_CHOICE, NISAC_PC_NONE, "", NISAC_MAXMIN_NEWTON, 0, 2, 0, method_names, 3, NULL, 0,
     NULL, "printed: Algorithm 1 (bisection); fast: bracketed secant in log-log coordinates; newton: Newton steps "
     "from the duals' slope dP*/dt, bracket closed to mu (default)"},
    NOMA_SDR_OPTION_ENTRIES,
};

static int maxmin_design(const nisac_instance *gi, const nisac_params *op, uint64_t seed, nisac_design_t *d,
                         nisac_report *r)
{
    return noma_design_with(gi, op, seed, d, r, maxmin_run, NULL);
}

const nisac_algo nisac_algo_sdr_maxmin = {
    "sdr-maxmin", "noma-isac",
    "max-min SINR (8) over SDR power minimisation: Newton steps on t from the duals (default) or Algorithm 1's bisection",
    maxmin_opts, (int)(sizeof maxmin_opts / sizeof maxmin_opts[0]), maxmin_design, noma_memory_mb};
