/* results_finish.c — after the last row: every model must have judged every
 * image (in every epoch); then the growable vectors become dl_bits rows. */
#include "results_internal.h"

#include <stdlib.h>
#include <string.h>

/* First image without a result in v. */
static size_t first_missing(const stim_rd_vec *v, size_t nimages)
{
    for (size_t i = 0; i < nimages; i++)
        if (i / 64 >= v->words || !(v->seen[i / 64] & ((uint64_t)1 << (i % 64))))
            return i;
    return nimages;
}

static int check_complete(rd *r, const size_t *order, size_t nslots)
{
    size_t n = r->images.n;
    for (size_t m = 0; m < r->models.n; m++) {
        for (size_t s = 0; s < nslots; s++) {
            size_t e = order[s];
            stim_rd_model *md = &r->mv[m];
            static const stim_rd_vec empty = {0};
            const stim_rd_vec *v = e < md->nep ? &md->ep[e] : &empty;
            if (v->count == n)
                continue;
            size_t miss = first_missing(v, n);
            char epoch[48] = "";
            if (r->nepochs)
                snprintf(epoch, sizeof epoch, " in epoch %ld", r->epochs[e]);
            const char *mfile = md->file ? md->file : r->path;
            const char *ifile = r->files ? r->files[r->image_file[miss]] : r->path;
            char where[1024];
            if (strcmp(mfile, ifile) == 0)
                snprintf(where, sizeof where, "line %zu", r->image_line[miss]);
            else
                snprintf(where, sizeof where, "%s:%zu", ifile, r->image_line[miss]);
            return dl_fail(r->err, DL_EINVAL,
                           "%s:%zu: model '%s' has results for %zu of %zu images%s; missing e.g. "
                           "image '%s' (%s)",
                           mfile, md->first_line, r->models.names[m], v->count, n, epoch,
                           r->images.names[miss], where);
        }
    }
    return 0;
}

static int cmp_long(const void *a, const void *b)
{
    long x = **(const long *const *)a, y = **(const long *const *)b;
    return (x > y) - (x < y);
}

/* order[k] = epoch slot of the k-th smallest epoch. */
static size_t *epoch_order(const rd *r, size_t nslots)
{
    size_t *order = dl_calloc(nslots, sizeof *order);
    const long **ptr = dl_calloc(nslots, sizeof *ptr);
    if (!order || !ptr) {
        free(order);
        free(ptr);
        return NULL;
    }
    for (size_t s = 0; s < r->nepochs; s++)
        ptr[s] = &r->epochs[s];
    if (r->nepochs)
        qsort(ptr, nslots, sizeof *ptr, cmp_long);
    for (size_t s = 0; s < nslots; s++)
        order[s] = r->nepochs ? (size_t)(ptr[s] - r->epochs) : 0;
    free(ptr);
    return order;
}

static void copy_row(dl_bits *b, size_t row, const stim_rd_vec *v)
{
    size_t w = b->words_per_row < v->words ? b->words_per_row : v->words;
    memcpy(b->words + row * b->words_per_row, v->corr, w * sizeof *b->words);
}

/* n_correct per image from the bit rows. */
static void count_correct(const dl_bits *b, uint32_t *n_correct)
{
    for (size_t m = 0; m < b->rows; m++) {
        const uint64_t *w = b->words + m * b->words_per_row;
        for (size_t k = 0; k < b->words_per_row; k++)
            for (uint64_t x = w[k]; x; x &= x - 1)
                n_correct[k * 64 + (size_t)__builtin_ctzll(x)]++;
    }
}

static int build_bits(rd *r, dl_stimuli_results *res, const size_t *order, size_t nslots)
{
    size_t n = res->nimages, nm = r->models.n;
    res->correct = dl_stats_bits_new(nm, n);
    if (!res->correct)
        return DL_ENOMEM;
    for (size_t m = 0; m < nm; m++)
        copy_row(res->correct, m, &r->mv[m].ep[order[nslots - 1]]);
    if (r->nepochs) {
        res->epoch_correct = dl_stats_bits_new(nslots * nm, n);
        if (!res->epoch_correct)
            return DL_ENOMEM;
        for (size_t s = 0; s < nslots; s++)
            for (size_t m = 0; m < nm; m++)
                copy_row(res->epoch_correct, s * nm + m, &r->mv[m].ep[order[s]]);
        res->nepochs = nslots;
        res->epochs = dl_calloc(nslots, sizeof *res->epochs);
        if (!res->epochs)
            return DL_ENOMEM;
        for (size_t s = 0; s < nslots; s++)
            res->epochs[s] = r->epochs[order[s]];
    }
    count_correct(res->correct, res->n_correct);
    return 0;
}

/* Move the per-image arrays (trimmed to nimages) from the reader. */
static int take_images(rd *r, dl_stimuli_results *res)
{
    size_t n = r->images.n;
    res->nimages = n;
    res->images = dl_names_take(&r->images);
    res->image_path = dl_calloc(n, sizeof *res->image_path);
    res->class_label = dl_calloc(n, sizeof *res->class_label);
    res->superclass = dl_calloc(n, sizeof *res->superclass);
    res->label_error = dl_calloc(n, sizeof *res->label_error);
    res->n_correct = dl_calloc(n, sizeof *res->n_correct);
    if (!res->images || !res->image_path || !res->class_label || !res->superclass ||
        !res->label_error || !res->n_correct)
        return DL_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        res->image_path[i] = r->ipath[i];
        res->class_label[i] = r->cls[i];
        res->superclass[i] = r->super[i];
        r->ipath[i] = r->cls[i] = r->super[i] = NULL;
        res->label_error[i] = r->lerr[i];
    }
    if (r->fmt == DL_STIMULI_COUNTS)
        memcpy(res->n_correct, r->n_correct, n * sizeof *res->n_correct);
    return 0;
}

int stim_rd_finish(rd *r, dl_stimuli_results **out)
{
    *out = NULL;
    if (!r->header_done)
        return dl_fail(r->err, DL_EINVAL, "%s:1: the file is empty (expected a header row)",
                       r->path);
    if (r->images.n == 0)
        return dl_fail(r->err, DL_EINVAL, "%s:2: no results (only a header%s)", r->path,
                       r->excluded ? ", or every image excluded" : "");
    size_t nslots = r->nepochs ? r->nepochs : 1;
    size_t *order = epoch_order(r, nslots);
    dl_stimuli_results *res = dl_calloc(1, sizeof *res);
    int rc = DL_ENOMEM;
    if (!order || !res || !(res->path = dl_strdup(r->path)))
        goto fail;
    if (r->fmt == DL_STIMULI_WIDE) /* complete by construction (see wide_row) */
        stim_rd_wide_flush(r);
    if (r->fmt == DL_STIMULI_WIDE)
        for (size_t m = 0; m < r->models.n; m++)
            r->mv[m].ep[0].count = r->images.n;
    if (r->fmt != DL_STIMULI_COUNTS && (rc = check_complete(r, order, nslots)) != 0)
        goto fail;
    rc = DL_ENOMEM;
    res->format = r->fmt;
    res->excluded = r->excluded;
    if (take_images(r, res) != 0)
        goto fail;
    if (r->fmt == DL_STIMULI_COUNTS) {
        res->models_per_image = r->counts_m;
    } else {
        if (build_bits(r, res, order, nslots) != 0)
            goto fail;
        res->nmodels = r->models.n;
        res->models_per_image = (unsigned)r->models.n;
        res->models = dl_names_take(&r->models);
        if (!res->models)
            goto fail;
    }
    free(order);
    *out = res;
    return 0;
fail:
    free(order);
    dl_stimuli_results_free(res);
    return rc == DL_ENOMEM ? dl_fail(r->err, rc, "%s: out of memory", r->path) : rc;
}

void stim_rd_meta_flags(dl_stimuli_results *res)
{
    res->has_class = res->has_label_error = 0;
    for (size_t i = 0; i < res->nimages; i++) {
        res->has_class |= res->class_label[i] != NULL;
        res->has_label_error |= res->label_error[i] >= 0;
    }
}
