/* demo_internal.h — private pieces of the synthetic demo data set (demo*.c). */
#ifndef DL_DEMO_INTERNAL_H
#define DL_DEMO_INTERNAL_H

#include "dl_stimuli.h"
#include "stimuli_internal.h"

/* The learned model zoo (demo_zoo.c). Every image is described by
 * DEMO_NSETS feature sets of up to DEMO_NFEAT numbers each; a model picks one
 * set and learns from (a subset of) the training images. */
enum { DEMO_NSETS = 3, DEMO_NFEAT = 6 };
typedef struct demo_zoo demo_zoo;

void demo_features(const uint8_t *rgb, unsigned n, double f[DEMO_NSETS][DEMO_NFEAT]);
/* tf: ntrain rows of DEMO_NSETS * DEMO_NFEAT features; tcls: classes 0..classes-1. */
int demo_zoo_fit(const double *tf, const unsigned *tcls, size_t ntrain, unsigned classes,
                 demo_zoo **out);
/* The class 1..classes model m predicts for an image's features. */
unsigned demo_zoo_predict(const demo_zoo *z, size_t m, double f[DEMO_NSETS][DEMO_NFEAT]);
const char *demo_zoo_name(size_t m);
void demo_zoo_free(demo_zoo *z);

#endif
