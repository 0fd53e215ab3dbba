/* stimuli_internal.h — private helpers shared by the files of stimuli/.
 * Private names start with stim_ (sessions/ uses st_ for the store). */
#ifndef DL_STIMULI_INTERNAL_H
#define DL_STIMULI_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "dl_common.h"
#include "dl_stimuli.h"

/* Write a string (malloc'd) built by a callback writing to a FILE; used to
 * render JSON into memory with dl_json. NULL on failure. */
typedef void (*stim_render_fn)(void *ctx, FILE *out);
char *stim_render(stim_render_fn fn, void *ctx);

/* The Poisson-binomial pmf of m models (pmf: m + 1 values), as
 * dl_stats_poisson_binom_pmf but in O(m log² m) above a few thousand
 * models (pb_fast.c). */
int stim_pb_pmf(const double *acc, unsigned m, double *pmf);

/* ddd_ec.c: error consistency of the analysis (see dl_stimuli_ec_summary). */
void stim_ec_init(dl_stimuli_analysis *a);
void stim_ec_free(dl_stimuli_analysis *a);
int stim_ddd_ec(dl_stimuli_analysis *a, int threads);
void stim_ec_json(const dl_stimuli_analysis *a, dl_json *j);
void stim_ec_pairs_csv(const dl_stimuli_analysis *a, FILE *f);

/* ddd.c: the images of the analysis in difficulty class d, and the class's
 * name as the JSON and CSV files spell it ("in_between": the names of
 * dl_stats_difficulty_name with '-' written '_'). */
size_t stim_split_count(const dl_stimuli_analysis *a, dl_stats_difficulty d);
const char *stim_difficulty_key(dl_stats_difficulty d);

/* The files list the classes trivial first: the classes in that order. */
#define STIM_DISPLAY_ORDER                                                                         \
    {                                                                                              \
        DL_STATS_TRIVIAL, DL_STATS_IN_BETWEEN, DL_STATS_IMPOSSIBLE                                 \
    }

/* ddd_codebook.c: codebook.csv of `stimuli analyse --out` (table, column,
 * meaning, unit, labels). */
void stim_write_codebook(const dl_stimuli_analysis *a, FILE *f);

#endif
