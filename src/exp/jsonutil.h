/* Shared JSON reading for scenarios and experiment configs: typed field
 * readers whose errors name "FILE:LINE:COL: field 'PATH': what was
 * expected", and readers driven by parameter tables.  Internal to
 * src/exp: the short names below are macros for nisac__-prefixed symbols. */
#ifndef NISAC_JSONUTIL_H
#define NISAC_JSONUTIL_H

#include <jansson.h>
#include <stdint.h>
#include "jpos.h"
#include "nisac/params.h"

#define jctx_open nisac__jctx_open
#define jctx_close nisac__jctx_close
#define jerr nisac__jerr
#define jenter nisac__jenter
#define jleave nisac__jleave
#define jtype nisac__jtype
#define jnum nisac__jnum
#define jint nisac__jint
#define ju64 nisac__ju64
#define jbool nisac__jbool
#define jchoice nisac__jchoice
#define jread_value nisac__jread_value
#define jread_param nisac__jread_param
#define jread_table nisac__jread_table
#define jnames nisac__jnames
#define jparam_exact nisac__jparam_exact

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

/* Reads the scalar value v of entry d (a number, a choice name, a
 * boolean) in config units, checked against the entry. */
int jread_value(const jctx *c, const nisac_param_def *d, json_t *v, const char *key, double *out);
/* Applies member key = v to p when key names an entry of p's table (a
 * LIST entry takes an array).  Returns 0 when applied, 1 when key is not
 * in the table, NISAC_EINVAL on a bad value. */
int jread_param(jctx *c, const char *key, json_t *v, nisac_params *p);
/* Reads an object of entries of p's table ("options"); an unknown member
 * is an error naming `what` ("option") and listing the known names. */
int jread_table(jctx *c, json_t *o, nisac_params *p, const char *what);
/* Index of the entry spelt exactly `name` (files use the table's names,
 * not the command line's aliases); -1 when none. */
int jparam_exact(const nisac_param_def *defs, int n, const char *name);
/* "a, b, c": the names of a table (entries with any of `skip` flags left out). */
void jnames(const nisac_param_def *defs, int n, unsigned skip, char *buf, size_t len);

#endif
