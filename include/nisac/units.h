/* Unit conversions used at the edges (configs, records, printing):
 * powers are watts inside the library, dB only here. */
#ifndef NISAC_UNITS_H
#define NISAC_UNITS_H

#ifdef __cplusplus
extern "C" {
#endif
#pragma GCC visibility push(default) /* the public API of the shared library */

/* 10 log10(x) and its inverse 10^(db/10). */
double nisac_db(double x);
double nisac_undb(double db);

#pragma GCC visibility pop

#ifdef __cplusplus
}
#endif
#endif
