/* demo_internal.h — private pieces of the synthetic demo data set (demo*.c). */
#ifndef DL_DEMO_INTERNAL_H
#define DL_DEMO_INTERNAL_H

#include "dl_stimuli.h"
#include "stimuli_internal.h"

/* A classifier of the zoo: one statistic of an RGB image of side n. */
typedef struct demo_model {
    const char *name;
    double (*stat)(const uint8_t *rgb, unsigned n);
} demo_model;

extern const demo_model demo_zoo[];
extern const size_t demo_nzoo;

#endif
