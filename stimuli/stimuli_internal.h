/* stimuli_internal.h — private helpers shared by the files of stimuli/. */
#ifndef DL_STIMULI_INTERNAL_H
#define DL_STIMULI_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "dl_common.h"
#include "dl_stimuli.h"

/* A list of distinct strings with a hash index: names[i] <-> i. */
typedef struct st_names {
    char **names;
    size_t n, cap;
    uint32_t *slots; /* open addressing; slot value = index + 1, 0 = empty */
    size_t nslots;
} st_names;

/* Index of s, or -1. */
long st_names_find(const st_names *t, const char *s);
/* Find s or append it. When it is new and *owned is non-NULL, the table takes
 * the string *owned (== s) and sets *owned to NULL; otherwise it copies s.
 * *is_new (may be NULL) tells which happened. DL_ENOMEM on failure. */
int st_names_add(st_names *t, const char *s, char **owned, size_t *idx, int *is_new);
/* Hand the names array to the caller (the table keeps nothing). */
char **st_names_take(st_names *t);
void st_names_free(st_names *t);


/* Write a string (malloc'd) built by a callback writing to a FILE; used to
 * render JSON into memory with dl_json. NULL on failure. */
typedef void (*st_render_fn)(void *ctx, FILE *out);
char *st_render(st_render_fn fn, void *ctx);

/* The Poisson-binomial pmf of m models (pmf: m + 1 values), as
 * dl_stats_poisson_binom_pmf but in O(m log² m) above a few thousand
 * models (pb_fast.c). */
int st_pb_pmf(const double *acc, unsigned m, double *pmf);

/* ddd_ec.c: error consistency of the analysis (see dl_stimuli_ec_summary). */
void st_ec_init(dl_stimuli_analysis *a);
void st_ec_free(dl_stimuli_analysis *a);
int st_ddd_ec(dl_stimuli_analysis *a, int threads);
void st_ec_json(const dl_stimuli_analysis *a, dl_json *j);
void st_ec_pairs_csv(const dl_stimuli_analysis *a, FILE *f);

#endif
