/* names.c — the string-interning table (dl_names): distinct strings in
 * first-seen order, found again through an open-addressing hash index. */
#include "dl_common.h"

#include <stdlib.h>
#include <string.h>

long dl_names_find(const dl_names *t, const char *s)
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

static int rehash(dl_names *t)
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

int dl_names_add(dl_names *t, const char *s, char **owned, size_t *idx, int *is_new)
{
    long found = dl_names_find(t, s);
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
    if (dl_grow(&t->names, &t->cap, t->n + 1, sizeof *t->names) != 0)
        return DL_ENOMEM;
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

char **dl_names_take(dl_names *t)
{
    char **names = t->names;
    if (!names)
        names = dl_calloc(1, sizeof *names);
    free(t->slots);
    memset(t, 0, sizeof *t);
    return names;
}

void dl_names_free(dl_names *t)
{
    for (size_t i = 0; i < t->n; i++)
        free(t->names[i]);
    free(t->names);
    free(t->slots);
    memset(t, 0, sizeof *t);
}
