/* nisac: beamforming for NOMA-based integrated sensing and communication.
 * Includes every public header. */
#ifndef NISAC_H
#define NISAC_H
#include "nisac/core.h"
#include "nisac/defaults.h"
#include "nisac/units.h"
#include "nisac/params.h"
#include "nisac/linalg.h"
#include "nisac/rng.h"
#include "nisac/geom.h"
#include "nisac/channel.h"
#include "nisac/system.h"
#include "nisac/noma_isac.h"
#include "nisac/ris_noma_isac.h"
#include "nisac/holo.h"
#include "nisac/impair.h"
#include "nisac/rs_noma_isac.h"
#include "nisac/npy.h"
#include "nisac/conic.h"
#include "nisac/algo.h"
#include "nisac/stats.h"
#include "nisac/learn.h"
#include "nisac/scenario.h"
#include "nisac/experiment.h"
#endif
