/* Conic problems with typed cones, solved by a choice of backends.
 *
 *   minimise    sum_b <C_b, X_b> + c^T s + const
 *   subject to  rows:  sum_b <A_rb, X_b> + a_r^T s  (=, >=, <=)  rhs_r
 *               X_b Hermitian PSD (complex) or real symmetric PSD,
 *               x_b in a second-order cone ||(x_1..x_d)|| <= x_0,
 *               s_j >= 0 (nonnegative scalars) or free.
 *
 * A problem is stated once and solved by any backend that supports its
 * cones (nisac_conic_opts.solver):
 *   native (default): the primal-dual interior-point method of
 *     src/conic/native.c: homogeneous self-dual embedding (infeasible and
 *     unbounded problems end with certificates), Nesterov-Todd scaling,
 *     Mehrotra predictor-corrector; Hermitian blocks in complex
 *     arithmetic, second-order cones as cones.  Reentrant: its workspace
 *     belongs to the solve, so solves in several threads run at once.
 *   csdp: CSDP, the reference.  Hermitian blocks go in as the real
 *     symmetric 2n x 2n embedding [[Re W, -Im W], [Im W, Re W]], cones as
 *     arrow LMIs with equality rows, inequality rows get a slack in CSDP's
 *     diagonal block.  CSDP is not reentrant (its op_o keeps workspace in a
 *     function-level static): a process-wide mutex serialises its calls.
 *     CSDP never reads a parameter file and never prints here; the
 *     problem is validated before the call so that none of CSDP's exit()
 *     paths for bad input is reachable (it still exits on allocation
 *     failure).
 *
 * Thread safety: a builder belongs to one thread. */
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
int nisac_conic_add_free(nisac_conic *c);          /* scalar s_j, free */
/* Second-order cone ||(x_1..x_d)||_2 <= x_0: a block of d + 1 components.
 * Terms: nisac_conic_socentry (component i), or nisac_conic_sentry with
 * (0, i) (the arrow-matrix reading X[0][i] = x_i, X[0][0] = x_0). */
int nisac_conic_add_soc(nisac_conic *c, int d);

/* Affine cone constraints: s(x) in a cone, every component of s an
 * expression row of the variables.  Add terms to a component's row with
 * the term functions below and a constant with nisac_conic_row_const; its
 * value is sum(terms) + constant.
 *   nisac_conic_add_lmi: Hermitian S(x) >= 0 of order n; the rows of
 *     Re S_ij (imag 0, i <= j) and Im S_ij (imag 1, i < j) by
 *     nisac_conic_lmi_row;
 *   nisac_conic_add_soc_affine: ||(s_1..s_d)|| <= s_0; the row of s_i by
 *     nisac_conic_soc_row.
 * Each returns the cone's index (or a negative error code).  The native
 * backend solves problems with affine cones through their conic dual (its
 * rows are then the problem's real variables: a Hermitian block counts
 * n^2), CSDP through slack blocks tied by equality rows. */
int nisac_conic_add_lmi(nisac_conic *c, int n);
int nisac_conic_lmi_row(const nisac_conic *c, int k, int i, int j, int imag);
int nisac_conic_add_soc_affine(nisac_conic *c, int d);
int nisac_conic_soc_row(const nisac_conic *c, int k, int i);
int nisac_conic_row_const(nisac_conic *c, int row, double v);

/* Data updates between solves, without rebuilding: a row's right-hand
 * side, or all of its terms (then add new ones; the objective is row
 * NISAC_CONIC_OBJ).  A bisection or SCA loop changes its targets this way
 * and solves again. */
int nisac_conic_set_rhs(nisac_conic *c, int row, double rhs);
int nisac_conic_clear_row(nisac_conic *c, int row);

/* Rows added so far (the index the next row will get). */
int nisac_conic_rows(const nisac_conic *c);
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
int nisac_conic_socentry(nisac_conic *c, int row, int b, int i, double coef); /* += coef * x_i */
int nisac_conic_obj_const(nisac_conic *c, double v);

typedef enum { NISAC_SOLVER_NATIVE = 0, NISAC_SOLVER_CSDP = 1 } nisac_solver;

typedef struct nisac_conic_opts {
    nisac_solver solver; /* backend (default native) */
    double tol;  /* relative accuracy: residuals and gap (CSDP: axtol = atytol = objtol) */
    int maxiter; /* iteration limit */
    int verify;  /* 1 (default): check infeasibility claims and numerical failures by a
                    re-solve at unit scale (csdp; the native backend always works at unit
                    scale); 0: report the verdict as it is (for solves whose failure only
                    drops a candidate, e.g. randomised power re-allocation) */
    const nisac_conic *warm; /* native: start from the solution of this problem (the same
                                variables and rows, solved before: a neighbour in a
                                bisection or SCA sequence), shifted into the cones' interior;
                                NULL (default): the standard start */
} nisac_conic_opts;
void nisac_conic_opts_default(nisac_conic_opts *o);
/* Backend by name ("native", "csdp"): 0 and *s set, or NISAC_EINVAL. */
int nisac_solver_from_name(const char *name, nisac_solver *s);
const char *nisac_solver_name(nisac_solver s);

typedef struct nisac_conic_result {
    nisac_solve_status status;
    nisac_solver solver; /* the backend that ran */
    int csdp_code;    /* CSDP's return code (0 solved, 1 primal infeasible, ...); -1 not called */
    int iterations;   /* interior-point iterations (native; 0 for csdp) */
    double pobj;      /* primal objective of the minimisation */
    double dobj;      /* dual objective (a lower bound when feasible) */
    double rel_gap;   /* |pobj - dobj| / (1 + |pobj| + |dobj|) */
    double pinf;      /* relative primal infeasibility ||A(X) - a|| / (1 + ||a||) */
    double wall;      /* seconds inside the backend (CSDP lock wait excluded) */
    int rows, dim;    /* constraint rows and variable dimension the backend saw */
    int rescaled;     /* 1: the first solve claimed infeasibility or failed numerically, and
                         this result is the re-solve of the problem brought to unit scale */
    nisac_solve_status first_status; /* the first solve's status when rescaled */
} nisac_conic_result;

/* Solves the problem.  Returns NISAC_OK when the result is filled (any
 * status, infeasible included) or an error code for invalid input (a
 * backend that does not support the problem's cones: NISAC_EINVAL).
 * Native: infeasible means the solver found a Farkas certificate y
 * (row duals, nisac_conic_row_dual) with b^T y > 0 and A^T y in -K*;
 * unbounded, a primal ray (the values) with c^T x < 0, A x = 0.
 * CSDP, verified verdicts: when CSDP claims infeasibility or fails numerically,
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
double nisac_conic_soc_value(const nisac_conic *c, int b, int i);
/* Dual multiplier y_r of row r: the dual is max b^T y s.t.
 * C - sum_r y_r A_r in K* (slacks included), so a >= row has y_r >= 0
 * and a <= row y_r <= 0; d(optimum)/d(rhs_r) = y_r. */
double nisac_conic_row_dual(const nisac_conic *c, int row);

/* Writes the problem in SDPA sparse format, as CSDP sees it (Hermitian
 * blocks as real embeddings, cones as arrow LMIs, slacks and free scalars
 * in the diagonal block): max tr(C X) s.t. tr(A_i X) = a_i with C the
 * negated objective.  For cross-checks with other SDP solvers. */
int nisac_conic_write_sdpa(const nisac_conic *c, const char *path);

/* Number of backend solves this process has made (for solve counts). */
long nisac_conic_calls(void);

#pragma GCC visibility pop

#ifdef __cplusplus
}
#endif
#endif
