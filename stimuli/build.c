/* build.c — a stimulus set from model results: 2AFC pairs of one trivial and
 * one impossible image, or rating images from each difficulty. Every image is
 * checked (present, decodable, hashed) before the set is handed back, so a
 * set that reaches the store is complete. */
#include "build_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

void dl_stimuli_build_defaults(dl_stimuli_build_opts *o)
{
    memset(o, 0, sizeof *o);
    o->task = DL_TASK_2AFC;
    o->pairs = 149;
    o->per_class = 100;
}

static int valid_name(const char *s)
{
    if (!s || !*s || strlen(s) > 200)
        return 0;
    for (; *s; s++)
        if (!(*s >= 'a' && *s <= 'z') && !(*s >= 'A' && *s <= 'Z') && !(*s >= '0' && *s <= '9') &&
            *s != '.' && *s != '_' && *s != '-')
            return 0;
    return 1;
}

static int check_opts(const dl_stimuli_results *r, const dl_stimuli_build_opts *o, dl_error *err)
{
    if (!valid_name(o->name))
        return dl_fail(err, DL_EINVAL,
                       "set name '%s' may only use letters, digits, '.', '_' and '-'",
                       o->name ? o->name : "");
    if (o->task != DL_TASK_2AFC && o->task != DL_TASK_RATING)
        return dl_fail(err, DL_EINVAL, "task must be 2afc or rating");
    if (!o->image_root)
        return dl_fail(err, DL_EINVAL, "no image root given");
    if (o->exclude_label_errors && !r->has_label_error)
        return dl_fail(err, DL_EINVAL,
                       "%s: --exclude-label-errors needs a label_error column (in the results or "
                       "--images-csv)",
                       r->path);
    if (o->balance_classes && !r->has_class)
        return dl_fail(err, DL_EINVAL,
                       "%s: --balance-classes needs image classes (a class, wnid or label column)",
                       r->path);
    if (o->task == DL_TASK_2AFC && o->pairs == 0)
        return dl_fail(err, DL_EINVAL, "--pairs must be at least 1");
    if (o->task == DL_TASK_RATING && o->per_class == 0)
        return dl_fail(err, DL_EINVAL, "--per-class must be at least 1");
    return 0;
}

/* Candidates per difficulty, in results order. */
static int candidates(const dl_stimuli_results *r, const dl_stimuli_build_opts *o,
                      const uint8_t *diff, stim_bs_list c[3])
{
    for (int d = 0; d < 3; d++) {
        if (!(c[d].idx = dl_calloc(r->nimages, sizeof *c[d].idx)))
            return DL_ENOMEM;
        for (size_t i = 0; i < r->nimages; i++)
            if (diff[i] == d && !(o->exclude_label_errors && r->label_error[i] == 1))
                c[d].idx[c[d].n++] = i;
    }
    return 0;
}

static int fill_image(const dl_stimuli_results *r, size_t i, dl_set_image *im)
{
    unsigned m = r->models_per_image;
    uint32_t k = r->n_correct[i];
    const char *path = r->image_path[i] ? r->image_path[i] : r->images[i];
    im->path = dl_strdup(path);
    /* The split is stored with the set, so it is recomputed from k here. */
    im->frac_correct = (double)k / m;
    im->label_error = r->label_error[i];
    im->class_label = r->class_label[i] ? dl_strdup(r->class_label[i]) : NULL;
    return im->path && (!r->class_label[i] || im->class_label) ? 0 : DL_ENOMEM;
}

static int set_difficulty(dl_set_image *im, int d)
{
    im->difficulty = dl_strdup(dl_stats_difficulty_name(d));
    return im->difficulty ? 0 : DL_ENOMEM;
}

static int too_few(const dl_stimuli_results *r, const char *what, size_t have, size_t need,
                   const dl_stimuli_build_opts *o, dl_error *err)
{
    return dl_fail(err, DL_EINVAL, "%s: only %zu %s images (--near %u%s%s) but the set needs %zu",
                   r->path, have, what, o->near,
                   o->exclude_label_errors ? ", label errors excluded" : "",
                   o->pool ? ", within --pool" : "", need);
}

static int draw_pairs(gsl_rng *rng, const dl_stimuli_results *r, const dl_stimuli_build_opts *o,
                      stim_bs_list c[3], dl_stim_set *set, dl_error *err)
{
    stim_bs_list *t = &c[DL_STATS_TRIVIAL], *im = &c[DL_STATS_IMPOSSIBLE];
    size_t need = o->pairs + o->practice;
    int rc;
    if ((rc = stim_bs_pool(rng, r, t, o->pool, 1)) || (rc = stim_bs_pool(rng, r, im, o->pool, 0)))
        return rc;
    if (t->n < need)
        return too_few(r, dl_stats_difficulty_name(DL_STATS_TRIVIAL), t->n, need, o, err);
    if (im->n < need)
        return too_few(r, dl_stats_difficulty_name(DL_STATS_IMPOSSIBLE), im->n, need, o, err);
    stim_bs_shuffle(rng, t->idx, t->n);
    stim_bs_shuffle(rng, im->idx, im->n);
    int *sides = dl_calloc(need, sizeof *sides);
    if (!sides || !(set->items = dl_calloc(need, sizeof *set->items))) {
        free(sides);
        return DL_ENOMEM;
    }
    stim_bs_sides(rng, o->practice, sides);
    stim_bs_sides(rng, o->pairs, sides + o->practice);
    set->nitems = need;
    for (size_t i = 0; i < need && !rc; i++) {
        dl_set_item *it = &set->items[i];
        it->index = (int)i;
        it->practice = i < o->practice;
        it->trivial_left = sides[i];
        rc = fill_image(r, t->idx[i], &it->a);
        if (!rc)
            rc = fill_image(r, im->idx[i], &it->b);
        if (!rc && !(rc = set_difficulty(&it->a, DL_STATS_TRIVIAL)))
            rc = set_difficulty(&it->b, DL_STATS_IMPOSSIBLE);
    }
    free(sides);
    return rc;
}

/* Rating: per_class main images of each difficulty, then practice images
 * taken in turn from trivial, in-between and impossible. */
static int draw_rating(gsl_rng *rng, const dl_stimuli_results *r, const dl_stimuli_build_opts *o,
                       stim_bs_list c[3], dl_stim_set *set, dl_error *err)
{
    static const int order[3] = {DL_STATS_TRIVIAL, DL_STATS_IN_BETWEEN, DL_STATS_IMPOSSIBLE};
    size_t share[3], nmain = 3 * o->per_class, n = nmain + o->practice;
    int rc = 0;
    for (int k = 0; k < 3; k++) {
        stim_bs_list *l = &c[order[k]];
        share[k] = o->practice / 3 + ((size_t)k < o->practice % 3);
        if ((rc = o->balance_classes ? stim_bs_balance(rng, r, l)
                                     : (stim_bs_shuffle(rng, l->idx, l->n), 0)))
            return rc;
        if (l->n < o->per_class + share[k])
            return too_few(r, dl_stats_difficulty_name(order[k]), l->n, o->per_class + share[k], o,
                           err);
    }
    /* (image, difficulty) of the main items, then of the practice items. */
    size_t *pick = dl_calloc(n, sizeof *pick), p = 0;
    int *dk = dl_calloc(n, sizeof *dk);
    if (!pick || !dk || !(set->items = dl_calloc(n, sizeof *set->items))) {
        free(pick);
        free(dk);
        return DL_ENOMEM;
    }
    for (int k = 0; k < 3; k++)
        for (size_t i = 0; i < o->per_class; i++, p++)
            pick[p] = c[order[k]].idx[i], dk[p] = order[k];
    for (size_t i = 0; p < n; i++)
        for (int k = 0; k < 3 && p < n; k++)
            if (i < share[k])
                pick[p] = c[order[k]].idx[o->per_class + i], dk[p++] = order[k];
    /* Shuffle positions, keeping practice items first. */
    size_t *pos = dl_calloc(n, sizeof *pos);
    if (!pos) {
        free(pick);
        free(dk);
        return DL_ENOMEM;
    }
    for (size_t i = 0; i < n; i++)
        pos[i] = i;
    stim_bs_shuffle(rng, pos, nmain);
    stim_bs_shuffle(rng, pos + nmain, o->practice);
    set->nitems = n;
    for (size_t i = 0; i < n && !rc; i++) {
        /* practice items take the first indices */
        size_t src = i < o->practice ? pos[nmain + i] : pos[i - o->practice];
        dl_set_item *it = &set->items[i];
        it->index = (int)i;
        it->practice = i < o->practice;
        it->b.frac_correct = NAN;
        it->b.label_error = -1;
        rc = fill_image(r, pick[src], &it->a);
        if (!rc)
            rc = set_difficulty(&it->a, dk[src]);
    }
    free(pick);
    free(dk);
    free(pos);
    return rc;
}

static int draw(const dl_stimuli_results *r, const dl_stimuli_build_opts *o, dl_stim_set *set,
                dl_error *err)
{
    stim_bs_list c[3] = {{0}};
    uint8_t *diff = dl_calloc(r->nimages, 1);
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    int rc = DL_ENOMEM;
    if (!diff || !rng)
        goto done;
    gsl_rng_set(rng, o->seed);
    if ((rc = dl_stimuli_classify(r, o->near, diff, err)) != 0)
        goto done;
    if ((rc = candidates(r, o, diff, c)) != 0)
        goto done;
    if (o->task == DL_TASK_2AFC)
        rc = draw_pairs(rng, r, o, c, set, err);
    else
        rc = draw_rating(rng, r, o, c, set, err);
done:
    for (int d = 0; d < 3; d++)
        free(c[d].idx);
    free(diff);
    if (rng)
        gsl_rng_free(rng);
    if (rc == DL_ENOMEM)
        dl_fail(err, rc, "%s: out of memory", r->path);
    return rc;
}

static int is_regular(const char *path)
{
    struct stat st;
    return path && stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* A labels file or an image list decides which prediction is right as much
 * as the results do, so a set built with them records one hash over all:
 * sha256sum's lines of the results' hash and theirs, hashed. */
static int side_files_sha256(const dl_stimuli_build_opts *o, char sha[65], dl_error *err)
{
    const char *names[2] = {"labels", "image_list"}, *paths[2] = {o->labels, o->image_list};
    if (!is_regular(paths[0]) && !is_regular(paths[1]))
        return 0;
    dl_sha256 all;
    dl_sha256_init(&all);
    dl_sha256_update(&all, sha, 64);
    dl_sha256_update(&all, "  results\n", 10);
    for (int i = 0; i < 2; i++) {
        char one[65];
        if (!is_regular(paths[i]))
            continue;
        int rc = dl_sha256_file(paths[i], one, err);
        if (rc)
            return rc;
        dl_sha256_update(&all, one, 64);
        dl_sha256_update(&all, "  ", 2);
        dl_sha256_update(&all, names[i], strlen(names[i]));
        dl_sha256_update(&all, "\n", 1);
    }
    dl_sha256_hex(&all, sha);
    return 0;
}

int dl_stimuli_build(const dl_stimuli_results *r, const dl_stimuli_build_opts *o, dl_stim_set **out,
                     dl_error *err)
{
    char sha[65];
    *out = NULL;
    int rc = check_opts(r, o, err);
    if (rc)
        return rc;
    if (r->sha256[0]) /* a folder or glob of files: their hash, made by the reader */
        memcpy(sha, r->sha256, sizeof sha);
    else if ((rc = dl_sha256_file(r->path, sha, err)) != 0)
        return rc;
    if ((rc = side_files_sha256(o, sha, err)) != 0)
        return rc;
    dl_stim_set *set = dl_calloc(1, sizeof *set);
    if (!set)
        return dl_fail(err, DL_ENOMEM, "out of memory");
    set->seed = o->seed;
    set->name = dl_strdup(o->name);
    set->task = dl_strdup(dl_task_name(o->task));
    set->image_root = dl_strdup(o->image_root);
    set->results_sha256 = dl_strdup(sha);
    set->params_json = stim_bs_params_json(r, o, sha);
    if (!set->name || !set->task || !set->image_root || !set->results_sha256 || !set->params_json) {
        rc = dl_fail(err, DL_ENOMEM, "out of memory");
        goto fail;
    }
    if ((rc = draw(r, o, set, err)) != 0 || (rc = stim_bs_probe_set(set, o, err)) != 0)
        goto fail;
    *out = set;
    return 0;
fail:
    dl_stim_set_free(set);
    return rc;
}
