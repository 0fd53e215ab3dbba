/* dl_stimuli.h — from model results to DDD measures, stimulus sets, the
 * synthetic demo data set and image statistics. Never opens a window. */
#ifndef DL_STIMULI_H
#define DL_STIMULI_H

#include <stddef.h>
#include <stdint.h>

#include "dl_common.h"
#include "dl_stats.h"
#include "dl_store.h"

/* ==== model results, DDD analysis, stimulus sets, demo data ==== */
/* (section owned by stimuli/results*.c, ddd*.c, build*.c, demo*.c) */

/* ==== image statistics (section owned by stimuli/imagestats*.c) ==== */

#endif
