/* build_sample.c — drawing the images of a stimulus set with GSL's
 * Mersenne Twister (gsl_rng_mt19937), so one seed gives the same set on every
 * machine: the draw uses only gsl_ran_shuffle, gsl_rng_uniform_int and sorts
 * with total orders (no ties left to the C library's qsort). */
#include "build_internal.h"

#include <gsl/gsl_randist.h>
#include <stdlib.h>
#include <string.h>

typedef struct keyed {
    size_t image;
    double key; /* primary sort key */
    size_t tie; /* position after the shuffle: breaks ties reproducibly */
} keyed;

static int cmp_keyed(const void *pa, const void *pb)
{
    const keyed *a = pa, *b = pb;
    if (a->key != b->key)
        return a->key < b->key ? -1 : 1;
    return (a->tie > b->tie) - (a->tie < b->tie);
}

/* Sort idx[0..n) by key (ascending), ties in their current order. */
static int sort_by(size_t *idx, const double *key, size_t n)
{
    keyed *k = dl_calloc(n, sizeof *k);
    if (!k)
        return DL_ENOMEM;
    for (size_t i = 0; i < n; i++)
        k[i] = (keyed){idx[i], key[i], i};
    qsort(k, n, sizeof *k, cmp_keyed);
    for (size_t i = 0; i < n; i++)
        idx[i] = k[i].image;
    free(k);
    return 0;
}

void stim_bs_shuffle(gsl_rng *rng, size_t *idx, size_t n)
{
    if (n > 1)
        gsl_ran_shuffle(rng, idx, n, sizeof *idx);
}

/* Keep the pool easiest (trivial) or hardest (impossible) candidates; ties
 * at the border of the pool are broken by the shuffle before. */
int stim_bs_pool(gsl_rng *rng, const dl_stimuli_results *r, stim_bs_list *c, size_t pool,
                 int easiest)
{
    stim_bs_shuffle(rng, c->idx, c->n);
    if (!pool || pool >= c->n)
        return 0;
    double *key = dl_calloc(c->n, sizeof *key);
    if (!key)
        return DL_ENOMEM;
    for (size_t i = 0; i < c->n; i++)
        key[i] = easiest ? -(double)r->n_correct[c->idx[i]] : (double)r->n_correct[c->idx[i]];
    int rc = sort_by(c->idx, key, c->n);
    free(key);
    c->n = pool;
    return rc;
}

/* Reorder c so that classes take turns: the first image of every class (in a
 * random class order), then the second of every class, and so on. */
int stim_bs_balance(gsl_rng *rng, const dl_stimuli_results *r, stim_bs_list *c)
{
    dl_names classes = {0};
    size_t *cls = dl_calloc(c->n, sizeof *cls);
    double *key = dl_calloc(c->n, sizeof *key);
    size_t *order = NULL, *seen = NULL;
    int rc = DL_ENOMEM;
    if (!cls || !key)
        goto done;
    stim_bs_shuffle(rng, c->idx, c->n);
    for (size_t i = 0; i < c->n; i++) {
        const char *name = r->class_label[c->idx[i]];
        if (dl_names_add(&classes, name ? name : "", NULL, &cls[i], NULL) != 0)
            goto done;
    }
    order = dl_calloc(classes.n, sizeof *order);
    seen = dl_calloc(classes.n, sizeof *seen);
    if (!order || !seen)
        goto done;
    for (size_t k = 0; k < classes.n; k++)
        order[k] = k;
    stim_bs_shuffle(rng, order, classes.n);
    double *rank = dl_calloc(classes.n, sizeof *rank);
    if (!rank)
        goto done;
    for (size_t k = 0; k < classes.n; k++)
        rank[order[k]] = (double)k;
    /* key = round * nclasses + position of the class in this round. */
    for (size_t i = 0; i < c->n; i++)
        key[i] = (double)(seen[cls[i]]++) * (double)classes.n + rank[cls[i]];
    free(rank);
    rc = sort_by(c->idx, key, c->n);
done:
    free(cls);
    free(key);
    free(order);
    free(seen);
    dl_names_free(&classes);
    return rc;
}

/* n sides with exactly n/2 ones (the trivial image left); for odd n the RNG
 * decides where the extra one goes. Then shuffled. */
int stim_bs_sides(gsl_rng *rng, size_t n, int *sides)
{
    size_t left = n / 2;
    if (n % 2 && gsl_rng_uniform_int(rng, 2))
        left++;
    for (size_t i = 0; i < n; i++)
        sides[i] = i < left;
    if (n > 1)
        gsl_ran_shuffle(rng, sides, n, sizeof *sides);
    return 0;
}
