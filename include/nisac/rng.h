/* Counter-based random streams (Random123 Philox4x64-10).
 *
 * A stream is named by (seed, point, trial, purpose): the Philox key is
 * (seed, purpose) and the counter is (point, trial, block, 0), so every
 * draw of a Monte Carlo run depends only on those four numbers and on the
 * order of draws within the stream, never on threads or ranks. */
#ifndef NISAC_RNG_H
#define NISAC_RNG_H

#include <complex.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif
#pragma GCC visibility push(default) /* the public API of the shared library */

/* Named purposes keep streams of different uses independent. */
enum nisac_purpose {
    NISAC_PURPOSE_CHANNEL = 1,   /* true/estimated channel draws */
    NISAC_PURPOSE_CSI_ERROR = 2, /* CSI error draws */
    NISAC_PURPOSE_ALGO = 3,      /* algorithm-internal randomness (Gaussian randomisation) */
    NISAC_PURPOSE_EVAL = 4       /* evaluation draws (errors used to test a design) */
};

typedef struct nisac_rng {
    uint64_t key[2];
    uint64_t ctr[4];
    uint64_t buf[4];
    int used;                    /* words of buf consumed (4 = empty) */
} nisac_rng;

/* Initialises the stream (seed, point, trial, purpose). */
void nisac_rng_init(nisac_rng *r, uint64_t seed, uint64_t point, uint64_t trial, uint64_t purpose);
/* Next 64 random bits. */
uint64_t nisac_rng_u64(nisac_rng *r);
/* Uniform double in the open interval (0, 1): (b + 0.5) * 2^-53 with b the
 * top 53 bits of a word. */
double nisac_rng_uniform(nisac_rng *r);
/* Standard normal N(0,1) by the Box-Muller transform (two uniforms per
 * pair; the second normal of a pair is not cached, so each call uses
 * exactly two uniforms and stream positions stay simple). */
double nisac_rng_normal(nisac_rng *r);
/* Circularly-symmetric complex Gaussian CN(0,1): sqrt(-ln u1) e^{i 2 pi u2},
 * so |z|^2 ~ Exp(1) and E|z|^2 = 1. */
double complex nisac_rng_cn(nisac_rng *r);
/* Fills x[n] with i.i.d. CN(0, var). */
void nisac_rng_cn_vec(nisac_rng *r, int n, double var, double complex *x);

#pragma GCC visibility pop

#ifdef __cplusplus
}
#endif
#endif
