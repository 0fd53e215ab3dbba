/* imagestats_results.c — image statistics beside model results read by
 * dl_stimuli_results_read: difficulty per image, and per epoch the
 * statistics of the images all models got right (Pliushch et al. 2022). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "imagestats_internal.h"

/* For each of our images, its index in r (-1 when r does not have it). */
static long *match_results(const dl_stimuli_results *r, const char *const *images, size_t n,
                           size_t *matched)
{
    long *at = dl_calloc(n, sizeof *at);
    imgstats_named *ix = imgstats_index_build((const char *const *)r->images, r->nimages);
    if (!at || !ix) {
        free(at);
        free(ix);
        return NULL;
    }
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        at[i] = imgstats_index_find(ix, r->nimages, images[i]);
        m += at[i] >= 0;
    }
    free(ix);
    if (matched)
        *matched = m;
    return at;
}

int dl_imgstats_difficulty_results(const dl_stimuli_results *r, unsigned near,
                                   const char *const *images, size_t n, double *frac_correct,
                                   int8_t *difficulty, size_t *matched, dl_error *err)
{
    uint8_t *cls = dl_calloc(r->nimages, 1);
    long *at = match_results(r, images, n, matched);
    int rc = 0;
    if (!cls || !at) {
        rc = dl_fail(err, DL_ENOMEM, "%s: out of memory", r->path);
        goto done;
    }
    if ((rc = dl_stimuli_classify(r, near, cls, err)) != 0)
        goto done;
    for (size_t i = 0; i < n; i++) {
        long k = at[i];
        frac_correct[i] = k < 0 || !r->models_per_image
                              ? NAN
                              : (double)r->n_correct[k] / (double)r->models_per_image;
        difficulty[i] = k < 0 ? -1 : (int8_t)cls[k];
    }
done:
    free(cls);
    free(at);
    return rc;
}

static int bit(const dl_bits *b, size_t row, size_t item)
{
    return (int)((b->words[row * b->words_per_row + item / 64] >> (item % 64)) & 1);
}

/* TPa of epoch e and, per result image, whether every model got it right. */
static int epoch_agreement(const dl_stimuli_results *r, size_t e, uint8_t *correct,
                           uint8_t *all_right, double *tpa)
{
    size_t k = r->nmodels, n = r->nimages;
    for (size_t m = 0; m < k; m++)
        for (size_t i = 0; i < n; i++)
            correct[m * n + i] = (uint8_t)bit(r->epoch_correct, e * k + m, i);
    for (size_t i = 0; i < n; i++) {
        all_right[i] = 1;
        for (size_t m = 0; m < k && all_right[i]; m++)
            all_right[i] = correct[m * n + i];
    }
    dl_tpa t;
    int rc = dl_stats_tpa(correct, k, n, &t, NULL);
    *tpa = rc == 0 ? t.tpa : NAN;
    return rc == DL_ENOMEM ? rc : 0;
}

static void epoch_means(const dl_imgstats_row *rows, const long *at, size_t n,
                        const uint8_t *all_right, dl_imgstats_epoch *ep)
{
    double sum[DL_IMGSTATS_NSTATS] = {0};
    size_t cnt[DL_IMGSTATS_NSTATS] = {0};
    ep->all_right = 0;
    for (size_t i = 0; i < n; i++) {
        if (at[i] < 0 || rows[i].error || !all_right[at[i]])
            continue;
        ep->all_right++;
        for (int s = 0; s < DL_IMGSTATS_NSTATS; s++) {
            double v = dl_imgstats_value(&rows[i].stats, s);
            if (!isnan(v)) {
                sum[s] += v;
                cnt[s]++;
            }
        }
    }
    for (int s = 0; s < DL_IMGSTATS_NSTATS; s++)
        ep->mean[s] = cnt[s] ? sum[s] / (double)cnt[s] : NAN;
}

int dl_imgstats_epochs(const dl_stimuli_results *r, const dl_imgstats_row *rows,
                       const char *const *images, size_t n, dl_imgstats_epoch *epochs,
                       dl_corr corr[DL_IMGSTATS_NSTATS], dl_error *err)
{
    if (!r->nepochs || !r->epoch_correct || !r->nmodels)
        return dl_fail(err, DL_EINVAL, "%s: the results have no epoch column", r->path);
    uint8_t *correct = dl_calloc(r->nmodels * r->nimages, 1);
    uint8_t *all_right = dl_calloc(r->nimages, 1);
    double *x = dl_calloc(r->nepochs, sizeof *x), *y = dl_calloc(r->nepochs, sizeof *y);
    long *at = match_results(r, images, n, NULL);
    int rc = 0;
    if (!correct || !all_right || !x || !y || !at) {
        rc = dl_fail(err, DL_ENOMEM, "%s: out of memory", r->path);
        goto done;
    }
    for (size_t e = 0; e < r->nepochs; e++) {
        epochs[e].epoch = r->epochs[e];
        if ((rc = epoch_agreement(r, e, correct, all_right, &epochs[e].tpa)) != 0) {
            rc = dl_fail(err, rc, "%s: out of memory", r->path);
            goto done;
        }
        epoch_means(rows, at, n, all_right, &epochs[e]);
        y[e] = epochs[e].tpa;
    }
    for (int s = 0; s < DL_IMGSTATS_NSTATS; s++) {
        for (size_t e = 0; e < r->nepochs; e++)
            x[e] = epochs[e].mean[s];
        dl_stats_pearson(x, y, r->nepochs, &corr[s], NULL);
    }
done:
    free(correct);
    free(all_right);
    free(x);
    free(y);
    free(at);
    return rc;
}
