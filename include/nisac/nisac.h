/* nisac: beamforming for NOMA-based integrated sensing and communication. */
#ifndef NISAC_H
#define NISAC_H
#include "nisac/core.h"
#include "nisac/defaults.h"
#include "nisac/linalg.h"
#include "nisac/rng.h"
#include "nisac/geom.h"
#include "nisac/channel.h"
#include "nisac/noma_isac.h"
#include "nisac/conic.h"
#include "nisac/algo.h"
#endif
