/* The conic builder's storage, shared by its backends (internal to
 * src/conic; symbols nisac__-prefixed). */
#ifndef NISAC_CONIC_INTERNAL_H
#define NISAC_CONIC_INTERNAL_H

#include "nisac/conic.h"

typedef enum { BLK_HERM = 0, BLK_SYM, BLK_SOC } blk_kind;

typedef struct {
    blk_kind kind;
    int n; /* order (HERM, SYM) or cone dimension d + 1 (SOC) */
} blk_t;

enum { TERM_ENTRY = 0, TERM_QUAD = 1 };

/* One term of a row or of the objective.
 *   blk < 0:           v * s_p                (scalar p; v real)
 *   HERM, ENTRY:       Re(v * W[p][q])
 *   HERM, QUAD:        Re(v * y^H W x)        x = vector p, y = vector q of the pool
 *   SYM, ENTRY:        v * X[p][q]            (v real, X symmetric)
 *   SOC, ENTRY:        v * x_p                (component p; 0 is the bound t) */
typedef struct {
    int blk;
    int kind;
    int p, q;
    double complex v;
} term_t;

typedef struct {
    term_t *t;
    int n, cap;
} terms_t;

typedef struct {
    nisac_row_sense sense;
    double rhs;
    terms_t terms;
    int slack; /* scalar index of the slack (-1 for EQ) */
    int cone;  /* affine cone the row is a component of (-1: a constraint row); its value
                  is sum(terms) - rhs, component (ci, cj, cpart) (SOC: ci) */
    int ci, cj, cpart;
} row_t;

/* An affine cone constraint: component rows row[i + j n] (Re S_ij, i <= j),
 * row[j + i n] (Im S_ij, i < j) for an LMI; row[i] for a cone of dimension n. */
typedef struct {
    blk_kind kind; /* BLK_HERM or BLK_SOC */
    int n;
    int *row;
} acone_t;

struct nisac_conic {
    blk_t *blk;
    int nblk, capblk;
    int nscal, capscal;
    unsigned char *isfree; /* per scalar: 1 for a free variable */
    row_t *row;
    int nrow, caprow;
    terms_t obj;
    double obj_const;
    acone_t *ac;
    int nac, capac;
    /* vector pool of QUAD terms: vector i has length vlen[i] at voff[i] */
    double complex *vpool;
    size_t vused, vcap;
    size_t *voff;
    int *vlen, *vblk;
    int nvec, capvec;
    /* the solution of the last solve */
    int solved;
    double complex **xh; /* HERM/SYM blocks: n x n column-major; SOC: n values in the real parts */
    double *xscal;
    double *ydual;
};

/* Backends: fill r and the solution arrays (xh, xscal, ydual) of c. */
typedef struct {
    const char *name;
    int (*supports)(const nisac_conic *c);
    int (*solve)(nisac_conic *c, const nisac_conic_opts *o, nisac_conic_result *r);
} conic_backend;

#define conic_backend_csdp nisac__conic_backend_csdp
#define conic_backend_native nisac__conic_backend_native
#define conic_alloc_solution nisac__conic_alloc_solution
#define conic_pinf nisac__conic_pinf
#define conic_count_call nisac__conic_count_call
extern const conic_backend conic_backend_csdp;
extern const conic_backend conic_backend_native;

/* Allocates zeroed solution arrays (c->solved stays 0). */
int conic_alloc_solution(nisac_conic *c);
/* Relative primal infeasibility ||A(X) - a|| / (1 + ||a||) of the stored solution. */
double conic_pinf(const nisac_conic *c);
void conic_count_call(void);

#endif
