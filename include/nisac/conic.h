/* Conic problem builder over CSDP.
 *
 *   minimise    sum_b <C_b, X_b> + c^T s + const
 *   subject to  rows:  sum_b <A_rb, X_b> + a_r^T s  (=, >=, <=)  rhs_r
 *               X_b Hermitian PSD (complex, real-embedded for CSDP),
 *               X_b real symmetric PSD, s >= 0 (nonnegative scalars),
 *               second-order cones ||v|| <= t (as arrow LMIs).
 *
 * Hermitian blocks W (n x n) are passed to CSDP as the real symmetric
 * 2n x 2n embedding [[Re W, -Im W], [Im W, Re W]]; every coefficient is
 * written so that it reads the embedding symmetrically, so the solution
 * is projected back without loss.  Inequality rows get a slack in CSDP's
 * diagonal block.
 *
 * Thread safety: a builder belongs to one thread.  CSDP itself is not
 * reentrant (its op_o keeps workspace in a function-level static), so
 * nisac_conic_solve holds one process-wide mutex around every call into
 * CSDP: solves from several threads are correct but run one at a time.
 * To use several cores on SDR work, use several processes.
 *
 * CSDP never reads a parameter file and never prints here: the builder
 * sets CSDP's parameters itself, runs with printlevel 0, and validates
 * the problem (finite data, no empty rows, at least one row) before the
 * call, so that none of CSDP's exit() paths for bad input is reachable.
 * CSDP still exits on allocation failure; nisac cannot prevent that. */
#ifndef NISAC_CONIC_H
#define NISAC_CONIC_H

#include <complex.h>
#include "nisac/core.h"

#ifdef __cplusplus
extern "C" {
#endif
#pragma GCC visibility push(default) /* the public API of the shared library */

typedef struct nisac_conic nisac_conic;

typedef enum { NISAC_ROW_EQ = 0, NISAC_ROW_GE, NISAC_ROW_LE } nisac_row_sense;

/* Row index standing for the objective in the term functions below. */
#define NISAC_CONIC_OBJ (-1)

/* New empty builder; NULL on allocation failure.  Free with nisac_conic_free. */
nisac_conic *nisac_conic_new(void);
void nisac_conic_free(nisac_conic *c);

/* Variables.  Each returns an index >= 0 or a negative error code. */
int nisac_conic_add_hblock(nisac_conic *c, int n); /* Hermitian PSD n x n */
int nisac_conic_add_sblock(nisac_conic *c, int n); /* real symmetric PSD n x n */
int nisac_conic_add_nonneg(nisac_conic *c);        /* scalar s_j >= 0 */
/* Second-order cone ||(v_1..v_d)||_2 <= t: adds a real (d+1) block
 * X = [[t, v^T], [v, t I]] with the rows that fix its arrow pattern, and
 * returns the block index.  Link t = X[0][0] and v_i = X[0][i] to your
 * expressions with rows and nisac_conic_sentry. */
int nisac_conic_add_soc(nisac_conic *c, int d);

/* Constraint rows: returns the row index >= 0, or a negative error code. */
int nisac_conic_add_row(nisac_conic *c, nisac_row_sense sense, double rhs);

/* Terms (row may be NISAC_CONIC_OBJ).  Each returns NISAC_OK or NISAC_EINVAL.
 *   hentry: += Re(coef * W_b[i][j])
 *   hquad:  += Re(coef * v^H W_b u)           (u, v: n-vectors)
 *   htrace: += scale * Tr(H W_b)              (H Hermitian n x n, ldh)
 *   sentry: += coef * X_b[i][j]               (real block; X symmetric, so
 *                                              [i][j] and [j][i] name the same variable)
 *   scalar: += coef * s_j
 * obj_const adds a constant to the objective. */
int nisac_conic_hentry(nisac_conic *c, int row, int b, int i, int j, double complex coef);
int nisac_conic_hquad(nisac_conic *c, int row, int b, const double complex *u,
                      const double complex *v, double complex coef);
int nisac_conic_htrace(nisac_conic *c, int row, int b, const double complex *H, int ldh,
                       double scale);
int nisac_conic_sentry(nisac_conic *c, int row, int b, int i, int j, double coef);
int nisac_conic_scalar(nisac_conic *c, int row, int s, double coef);
int nisac_conic_obj_const(nisac_conic *c, double v);

typedef struct nisac_conic_opts {
    double tol;  /* CSDP axtol = atytol = objtol */
    int maxiter; /* CSDP maxiter */
    int verify;  /* 1 (default): check infeasibility claims and numerical failures by a
                    re-solve at unit scale; 0: report CSDP's verdict as it is (for solves
                    whose failure only drops a candidate, e.g. randomised power re-allocation) */
} nisac_conic_opts;
void nisac_conic_opts_default(nisac_conic_opts *o);

typedef struct nisac_conic_result {
    nisac_solve_status status;
    int csdp_code;    /* CSDP's return code (0 solved, 1 primal infeasible, ...); -1 not called */
    double pobj;      /* primal objective of the minimisation */
    double dobj;      /* dual objective (a lower bound when feasible) */
    double rel_gap;   /* |pobj - dobj| / (1 + |pobj| + |dobj|) */
    double pinf;      /* relative primal infeasibility ||A(X) - a|| / (1 + ||a||) */
    double wall;      /* seconds inside CSDP (lock wait excluded) */
    int rows, dim;    /* CSDP constraint count and matrix order */
    int rescaled;     /* 1: the first solve claimed infeasibility or failed numerically, and
                         this result is the re-solve of the problem brought to unit scale */
    nisac_solve_status first_status; /* the first solve's status when rescaled */
} nisac_conic_result;

/* Solves the problem.  Returns NISAC_OK when the result is filled (any
 * status, infeasible included) or an error code for invalid input.
 * Verified verdicts: when CSDP claims infeasibility or fails numerically,
 * the problem is solved again after scaling (rows by their largest
 * coefficient, variables by the largest scaled right-hand side, the
 * objective by its largest coefficient; powers of two); the second
 * result is reported, and "infeasible" only when both solves say so
 * (they disagree: numerical failure). */
int nisac_conic_solve(nisac_conic *c, const nisac_conic_opts *o, nisac_conic_result *r);

/* Values after a solve (status optimal, feasible or inaccurate). */
int nisac_conic_hvalue(const nisac_conic *c, int b, double complex *W, int ldw);
int nisac_conic_svalue(const nisac_conic *c, int b, double *X, int ldx);
double nisac_conic_scalar_value(const nisac_conic *c, int s);
/* Dual multiplier y_r of row r in the convention of CSDP's dual
 * (min a^T y s.t. sum_r y_r A_r - C = Z >= 0), sign-adjusted to the
 * minimisation: for a >= row at optimum, y_r >= 0. */
double nisac_conic_row_dual(const nisac_conic *c, int row);

/* Number of CSDP calls this process has made (for solve counts). */
long nisac_conic_calls(void);

#pragma GCC visibility pop

#ifdef __cplusplus
}
#endif
#endif
