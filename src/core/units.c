/* dB conversions (include/nisac/units.h). */
#include "nisac/units.h"

#include <math.h>

double nisac_db(double x) { return 10.0 * log10(x); }
double nisac_undb(double db) { return pow(10.0, db / 10.0); }
