/* build_internal.h — private pieces of stimulus-set building (build*.c). */
#ifndef DL_BUILD_INTERNAL_H
#define DL_BUILD_INTERNAL_H

#include <gsl/gsl_rng.h>

#include "dl_stimuli.h"
#include "stimuli_internal.h"

/* Candidate images (indices into the results). */
typedef struct stim_bs_list {
    size_t *idx;
    size_t n;
} stim_bs_list;

void stim_bs_shuffle(gsl_rng *rng, size_t *idx, size_t n);
/* Shuffle, then keep the `pool` easiest (easiest=1) or hardest candidates. */
int stim_bs_pool(gsl_rng *rng, const dl_stimuli_results *r, stim_bs_list *c, size_t pool,
                 int easiest);
/* Shuffle, then order so classes take turns. */
int stim_bs_balance(gsl_rng *rng, const dl_stimuli_results *r, stim_bs_list *c);
/* Trivial-left flags: exactly n/2 ones in random order (odd n: the RNG
 * decides the extra one). */
int stim_bs_sides(gsl_rng *rng, size_t n, int *sides);

/* The set's parameters as JSON (malloc'd). */
char *stim_bs_params_json(const dl_stimuli_results *r, const dl_stimuli_build_opts *o,
                          const char *results_sha256);

/* Probe every image of the set (writing missing demo images first when
 * o->demo_ini is set); fills sha256 and size. */
int stim_bs_probe_set(dl_stim_set *set, const dl_stimuli_build_opts *o, dl_error *err);

#endif
