#include "nisac/rng.h"

#include <math.h>
#include <Random123/philox.h>

void nisac_rng_init(nisac_rng *r, uint64_t seed, uint64_t point, uint64_t trial, uint64_t purpose)
{
    r->key[0] = seed;
    r->key[1] = purpose;
    r->ctr[0] = point;
    r->ctr[1] = trial;
    r->ctr[2] = 0;
    r->ctr[3] = 0;
    r->used = 4;
}

static void refill(nisac_rng *r)
{
    philox4x64_ctr_t c = {{r->ctr[0], r->ctr[1], r->ctr[2], r->ctr[3]}};
    philox4x64_key_t k = {{r->key[0], r->key[1]}};
    philox4x64_ctr_t out = philox4x64(c, k);
    for (int i = 0; i < 4; i++) r->buf[i] = out.v[i];
    r->ctr[2]++;
    r->used = 0;
}

uint64_t nisac_rng_u64(nisac_rng *r)
{
    if (r->used >= 4) refill(r);
    return r->buf[r->used++];
}

double nisac_rng_uniform(nisac_rng *r)
{
    uint64_t b = nisac_rng_u64(r) >> 11;
    return ((double)b + 0.5) * 0x1.0p-53;
}

double nisac_rng_normal(nisac_rng *r)
{
    double u1 = nisac_rng_uniform(r), u2 = nisac_rng_uniform(r);
    return sqrt(-2.0 * log(u1)) * cos(2.0 * M_PI * u2);
}

double complex nisac_rng_cn(nisac_rng *r)
{
    double u1 = nisac_rng_uniform(r), u2 = nisac_rng_uniform(r);
    double rad = sqrt(-log(u1));
    return rad * cos(2.0 * M_PI * u2) + I * (rad * sin(2.0 * M_PI * u2));
}

void nisac_rng_cn_vec(nisac_rng *r, int n, double var, double complex *x)
{
    double s = sqrt(var);
    for (int i = 0; i < n; i++) x[i] = s * nisac_rng_cn(r);
}
