/* names.c — the string-interning table (dl_names): distinct strings in
 * first-seen order, found again through an open-addressing hash index. */
#include "dl_common.h"

#include <stdlib.h>
#include <string.h>

/* The slot holding the len bytes at s, or the empty slot where they would
 * go (the table has slots). */
static size_t probe(const dl_names *t, const char *s, size_t len)
{
    size_t mask = t->nslots - 1;
    size_t i = dl_hash_bytes(s, len) & mask;
    for (; t->slots[i]; i = (i + 1) & mask) {
        const char *name = t->names[t->slots[i] - 1];
        if (strncmp(name, s, len) == 0 && name[len] == '\0')
            return i;
    }
    return i;
}

long dl_names_find(const dl_names *t, const char *s)
{
    if (!t->nslots)
        return -1;
    uint32_t v = t->slots[probe(t, s, strlen(s))];
    return v ? (long)(v - 1) : -1;
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

/* Append copy (owned, len bytes) as a new name; the caller checked it is
 * not there. */
static int append(dl_names *t, char *copy, size_t len, size_t *idx)
{
    size_t i = probe(t, copy, len);
    t->slots[i] = (uint32_t)(t->n + 1);
    t->names[t->n] = copy;
    *idx = t->n++;
    return 0;
}

/* Room for one more name: a slot array at most half full, a names array
 * with a free entry. */
static int reserve(dl_names *t)
{
    if (t->n >= UINT32_MAX - 1)
        return DL_ENOMEM;
    if ((t->n + 1) * 2 > t->nslots && rehash(t) != 0)
        return DL_ENOMEM;
    return dl_grow(&t->names, &t->cap, t->n + 1, sizeof *t->names);
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
    if (reserve(t) != 0)
        return DL_ENOMEM;
    char *copy;
    if (owned && *owned) {
        copy = *owned;
        *owned = NULL;
    } else if (!(copy = dl_strdup(s))) {
        return DL_ENOMEM;
    }
    return append(t, copy, strlen(copy), idx);
}

int dl_names_add_len(dl_names *t, const char *s, size_t len, size_t *idx)
{
    if (t->nslots) {
        uint32_t v = t->slots[probe(t, s, len)];
        if (v) {
            *idx = v - 1;
            return 0;
        }
    }
    if (reserve(t) != 0)
        return DL_ENOMEM;
    char *copy = malloc(len + 1);
    if (!copy)
        return DL_ENOMEM;
    memcpy(copy, s, len);
    copy[len] = '\0';
    return append(t, copy, len, idx);
}

int dl_names_add32(dl_names *t, const char *s, uint32_t *idx)
{
    size_t i;
    int rc = dl_names_add_len(t, s, strlen(s), &i);
    if (rc == 0)
        *idx = (uint32_t)i;
    return rc;
}

int dl_names_width(const dl_names *t, int min, int max)
{
    int w = min;
    for (size_t i = 0; i < t->n; i++) {
        int len = dl_utf8_width(t->names[i]);
        if (len > w)
            w = len > max ? max : len;
    }
    return w;
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
