/* util.c — small private helpers of stimuli/: a string index, hashing, paths. */
#include "stimuli_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

long stim_names_find(const stim_names *t, const char *s)
{
    if (!t->nslots)
        return -1;
    size_t mask = t->nslots - 1;
    for (size_t i = dl_hash_str(s) & mask;; i = (i + 1) & mask) {
        uint32_t v = t->slots[i];
        if (!v)
            return -1;
        if (strcmp(t->names[v - 1], s) == 0)
            return (long)(v - 1);
    }
}

static int rehash(stim_names *t)
{
    size_t nslots = t->nslots ? t->nslots * 2 : 64;
    uint32_t *slots = dl_calloc(nslots, sizeof *slots);
    if (!slots)
        return DL_ENOMEM;
    for (size_t k = 0; k < t->n; k++) {
        size_t i = dl_hash_str(t->names[k]) & (nslots - 1);
        while (slots[i])
            i = (i + 1) & (nslots - 1);
        slots[i] = (uint32_t)(k + 1);
    }
    free(t->slots);
    t->slots = slots;
    t->nslots = nslots;
    return 0;
}

int stim_names_add(stim_names *t, const char *s, char **owned, size_t *idx, int *is_new)
{
    long found = stim_names_find(t, s);
    if (is_new)
        *is_new = found < 0;
    if (found >= 0) {
        *idx = (size_t)found;
        return 0;
    }
    if (t->n >= UINT32_MAX - 1)
        return DL_ENOMEM;
    /* Keep the load factor under one half. */
    if ((t->n + 1) * 2 > t->nslots && rehash(t) != 0)
        return DL_ENOMEM;
    if (t->n == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 64;
        char **names = dl_realloc_array(t->names, cap, sizeof *names);
        if (!names)
            return DL_ENOMEM;
        t->names = names;
        t->cap = cap;
    }
    char *copy;
    if (owned && *owned) {
        copy = *owned;
        *owned = NULL;
    } else if (!(copy = dl_strdup(s))) {
        return DL_ENOMEM;
    }
    size_t i = dl_hash_str(copy) & (t->nslots - 1);
    while (t->slots[i])
        i = (i + 1) & (t->nslots - 1);
    t->slots[i] = (uint32_t)(t->n + 1);
    t->names[t->n] = copy;
    *idx = t->n++;
    return 0;
}

char **stim_names_take(stim_names *t)
{
    char **names = t->names;
    if (!names)
        names = dl_calloc(1, sizeof *names);
    free(t->slots);
    memset(t, 0, sizeof *t);
    return names;
}

void stim_names_free(stim_names *t)
{
    for (size_t i = 0; i < t->n; i++)
        free(t->names[i]);
    free(t->names);
    free(t->slots);
    memset(t, 0, sizeof *t);
}

char *stim_render(stim_render_fn fn, void *ctx)
{
    char *data = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&data, &len);
    if (!out)
        return NULL;
    fn(ctx, out);
    if (fclose(out) != 0) {
        free(data);
        return NULL;
    }
    return data;
}
