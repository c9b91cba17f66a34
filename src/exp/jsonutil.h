/* Shared JSON reading for scenarios and experiment configs: typed field
 * readers whose errors name "FILE:LINE:COL: field 'PATH': what was
 * expected".  Internal to src/exp. */
#ifndef NISAC_JSONUTIL_H
#define NISAC_JSONUTIL_H

#include <jansson.h>
#include <stdint.h>
#include "jpos.h"
#include "nisac/algo.h"

typedef struct {
    const char *file;    /* name used in messages */
    jpos_map pos;        /* value positions of the text */
    char prefix[256];    /* path of the object being read ("" at the top) */
    char *msg;
    size_t msglen;
} jctx;

/* Parses text with jansson (duplicate keys rejected) and scans positions.
 * NULL on a syntax error, with the message written. */
json_t *jctx_open(jctx *c, const char *file, const char *text, size_t len, char *msg, size_t msglen);
void jctx_close(jctx *c, json_t *root);

/* Error at member `key` of the current object (key may be "[3]" for an
 * array element, or "" for the object itself).  Returns NISAC_EINVAL. */
int jerr(const jctx *c, const char *key, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Enters member key (pushes it on the path); jleave restores. */
void jenter(jctx *c, const char *key, char *saved, size_t savedlen);
void jleave(jctx *c, const char *saved);

const char *jtype(const json_t *v);
int jnum(const jctx *c, json_t *v, const char *key, double *out);
int jint(const jctx *c, json_t *v, const char *key, long lo, long hi, long *out);
int ju64(const jctx *c, json_t *v, const char *key, uint64_t *out);
int jbool(const jctx *c, json_t *v, const char *key, int *out);
int jchoice(const jctx *c, json_t *v, const char *key, const char *const *names, int n, int *out);

/* Reads an "options" object over op. */
int jread_options(jctx *c, json_t *o, nisac_opts *op);
/* Applies scenario field key = v to p.  Returns 0 when applied, 1 when
 * key is not a scenario parameter, NISAC_EINVAL on a bad value. */
int jread_param(jctx *c, const char *key, json_t *v, nisac_noma_params *p);

#endif

/* Scalar scenario parameters that a sweep or an algorithm override may set. */
typedef enum { JP_INT, JP_REAL, JP_POS, JP_NONNEG, JP_DB, JP_CHOICE } jparam_kind;
typedef struct {
    const char *name;
    jparam_kind kind;
    double lo, hi;               /* range for JP_INT */
    const char *const *choices;  /* for JP_CHOICE */
    int nchoices;
    const char *help;
} jparam;
extern const jparam jparams[];
extern const int njparams;
int jparam_find(const char *name);
/* Reads value v of parameter i (a number, or a choice name) into *out. */
int jparam_read(const jctx *c, int i, json_t *v, const char *key, double *out);
void jparam_set(nisac_noma_params *p, int i, double v);
/* The value as it appears in records ("own", "8", "0.05"). */
void jparam_format(int i, double v, char *buf, size_t len);
