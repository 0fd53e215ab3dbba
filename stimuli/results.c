/* results.c — reading model results (long, wide or counts CSV) into
 * bit-packed correctness, one row of bits per model.
 *
 * Rows are streamed through dl_csv_stream, so only the bits and the names stay
 * in memory: a wide file of 1,000 models x 50,000 images needs ~13 MB while
 * it is read (correct bits, with seen bits for long files) and ~6 MB
 * afterwards. */
#include "dl_stimuli.h"
#include "results_internal.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

int dl_stimuli_format_parse(const char *s)
{
    static const char *const names[] = {"auto", "long", "wide", "counts", "mvh", "timm", "npy"};
    for (int i = 0; i < 7; i++)
        if (strcmp(s, names[i]) == 0)
            return i;
    return -1;
}

const char *dl_stimuli_format_name(dl_stimuli_format format)
{
    switch (format) {
    case DL_STIMULI_LONG:
        return "long";
    case DL_STIMULI_WIDE:
        return "wide";
    case DL_STIMULI_COUNTS:
        return "counts";
    case DL_STIMULI_MVH:
        return "mvh";
    case DL_STIMULI_TIMM:
        return "timm";
    case DL_STIMULI_NPY:
        return "npy";
    default:
        return "auto";
    }
}

/* ---- growable per-(model, epoch) bit vectors ---------------------------- */

static int vec_fit(stim_rd_vec *v, size_t item)
{
    if (!v->seen && !v->corr) { /* a new long vector: both kinds of bits */
        v->seen = dl_calloc(16, sizeof *v->seen);
        if (!v->seen)
            return DL_ENOMEM;
    }
    size_t need = item / 64 + 1;
    if (need <= v->words)
        return 0;
    size_t words = v->words ? v->words : 16;
    while (words < need)
        words *= 2;
    /* Wide vectors have no seen bits: a wide row has every model's cell. */
    if (v->seen) {
        uint64_t *seen = dl_realloc_array(v->seen, words, sizeof *seen);
        if (!seen)
            return DL_ENOMEM;
        v->seen = seen;
        memset(v->seen + v->words, 0, (words - v->words) * sizeof *seen);
    }
    uint64_t *corr = dl_realloc_array(v->corr, words, sizeof *corr);
    if (!corr)
        return DL_ENOMEM;
    v->corr = corr;
    memset(v->corr + v->words, 0, (words - v->words) * sizeof *corr);
    v->words = words;
    return 0;
}

/* The vector of model m in epoch slot e, created on first use. */
static stim_rd_vec *vec_get(rd *r, size_t m, size_t e)
{
    if (m >= r->nmv) {
        size_t cap = r->nmv ? r->nmv : 16;
        while (cap <= m)
            cap *= 2;
        stim_rd_model *mv = dl_realloc_array(r->mv, cap, sizeof *mv);
        if (!mv)
            return NULL;
        memset(mv + r->nmv, 0, (cap - r->nmv) * sizeof *mv);
        r->mv = mv;
        r->nmv = cap;
    }
    stim_rd_model *md = &r->mv[m];
    if (e >= md->nep) {
        size_t cap = md->nep ? md->nep : 1;
        while (cap <= e)
            cap *= 2;
        stim_rd_vec *ep = dl_realloc_array(md->ep, cap, sizeof *ep);
        if (!ep)
            return NULL;
        memset(ep + md->nep, 0, (cap - md->nep) * sizeof *ep);
        md->ep = ep;
        md->nep = cap;
    }
    return &md->ep[e];
}

/* Record one result; 1 when (model, image, epoch) was already there. */
static int vec_put(stim_rd_vec *v, size_t item, int correct)
{
    uint64_t bit = (uint64_t)1 << (item % 64);
    size_t w = item / 64;
    if (v->seen[w] & bit)
        return 1;
    v->seen[w] |= bit;
    if (correct)
        v->corr[w] |= bit;
    v->count++;
    return 0;
}

/* ---- per-image arrays ------------------------------------------------------ */

static int images_fit(rd *r, size_t n)
{
    if (n <= r->img_cap)
        return 0;
    size_t cap = r->img_cap ? r->img_cap * 2 : 1024;
    while (cap < n)
        cap *= 2;
#define GROW(field)                                                                                \
    do {                                                                                           \
        void *p_ = dl_realloc_array(r->field, cap, sizeof *r->field);                              \
        if (!p_)                                                                                   \
            return DL_ENOMEM;                                                                      \
        r->field = p_;                                                                             \
        memset(r->field + r->img_cap, 0, (cap - r->img_cap) * sizeof *r->field);                   \
    } while (0)
    GROW(image_line);
    GROW(image_file);
    GROW(n_correct);
    GROW(ipath);
    GROW(cls);
    GROW(super);
    GROW(lerr);
#undef GROW
    for (size_t i = r->img_cap; i < cap; i++)
        r->lerr[i] = -1;
    r->img_cap = cap;
    return 0;
}

static int oom(rd *r)
{
    return dl_fail(r->err, DL_ENOMEM, "%s: out of memory", r->path);
}

/* Image index for a data row; *skip when the image is excluded. A repeated
 * image is an error for the one-row-per-image formats. */
int stim_rd_add_image(rd *r, const char *name, size_t line, size_t *idx, int *skip)
{
    *skip = 0;
    if (r->exclude) {
        long x = dl_names_find(r->exclude, name);
        if (x >= 0) {
            r->excluded += !r->exclude_hit[x];
            r->exclude_hit[x] = 1;
            *skip = 1;
            return 0;
        }
    }
    int is_new;
    if (dl_names_add(&r->images, name, NULL, idx, &is_new) != 0 || images_fit(r, r->images.n) != 0)
        return oom(r);
    if (is_new) {
        r->image_line[*idx] = line;
        r->image_file[*idx] = r->file_idx;
    } else if (r->fmt == DL_STIMULI_WIDE || r->fmt == DL_STIMULI_COUNTS) {
        return dl_fail(r->err, DL_EINVAL, "%s:%zu: duplicate image '%s' (first on line %zu)",
                       r->path, line, name, r->image_line[*idx]);
    }
    return 0;
}

/* Image index for a data row; *skip when the image is excluded. A repeated
 * image is an error for the one-row-per-image formats. */
static int row_image(rd *r, char **f, size_t line, size_t *idx, int *skip)
{
    char name[4096];
    *skip = 0;
    int rc = stim_rd_image_name(r, f[r->c_image], line, name, sizeof name);
    if (rc)
        return rc;
    return stim_rd_add_image(r, name, line, idx, skip);
}

int stim_rd_parse01(const char *s, int *v)
{
    if ((s[0] == '0' || s[0] == '1') && s[1] == '\0') {
        *v = s[0] - '0';
        return 0;
    }
    while (*s == ' ')
        s++;
    size_t n = strlen(s);
    while (n && s[n - 1] == ' ')
        n--;
    if (n == 1 && (s[0] == '0' || s[0] == '1')) {
        *v = s[0] - '0';
        return 0;
    }
    if (n == 4 && strncasecmp(s, "true", 4) == 0) {
        *v = 1;
        return 0;
    }
    if (n == 5 && strncasecmp(s, "false", 5) == 0) {
        *v = 0;
        return 0;
    }
    return DL_EINVAL;
}

static int bad01(rd *r, size_t line, const char *col, const char *val)
{
    return dl_fail(r->err, DL_EINVAL,
                   "%s:%zu: column '%s': expected 0, 1, true or false, found '%s'", r->path, line,
                   col, val);
}

/* Set a string metadata field of an image unless the value is empty. */
static int meta_set(char **slot, const char *value)
{
    if (value[0] == '\0')
        return 0;
    char *copy = dl_strdup(value);
    if (!copy)
        return DL_ENOMEM;
    free(*slot);
    *slot = copy;
    return 0;
}

/* Metadata columns allowed in wide and counts files (one row per image). */
int stim_rd_meta_row(rd *r, char **f, size_t img, size_t line, const char *path)
{
    /* class from 'class', else 'wnid', else 'label' */
    const char *cls = r->c_class >= 0 && f[r->c_class][0] ? f[r->c_class]
                      : r->c_wnid >= 0 && f[r->c_wnid][0] ? f[r->c_wnid]
                      : r->c_class_idx >= 0               ? f[r->c_class_idx]
                                                          : "";
    if ((r->c_path >= 0 && meta_set(&r->ipath[img], f[r->c_path]) != 0) ||
        meta_set(&r->cls[img], cls) != 0 ||
        (r->c_superclass >= 0 && meta_set(&r->super[img], f[r->c_superclass]) != 0))
        return oom(r);
    if (r->c_label_error >= 0) {
        const char *s = f[r->c_label_error];
        int v;
        if (dl_is_missing(s))
            r->lerr[img] = -1;
        else if (stim_rd_parse01(s, &v) == 0)
            r->lerr[img] = (int8_t)v;
        else
            return dl_fail(r->err, DL_EINVAL,
                           "%s:%zu: column 'label_error': expected 0, 1, true or false, found '%s'",
                           path, line, s);
    }
    return 0;
}

/* ---- data rows per format ---------------------------------------------------- */

static int epoch_slot(rd *r, const char *s, size_t line, size_t *slot)
{
    long e;
    if (dl_parse_long(s, &e) != 0)
        return dl_fail(r->err, DL_EINVAL,
                       "%s:%zu: column 'epoch': expected a whole number, found '%s'", r->path, line,
                       s);
    if (r->nepochs && r->epochs[r->last_epoch] == e) {
        *slot = r->last_epoch;
        return 0;
    }
    for (size_t i = 0; i < r->nepochs; i++)
        if (r->epochs[i] == e) {
            *slot = r->last_epoch = i;
            return 0;
        }
    long *ep = dl_realloc_array(r->epochs, r->nepochs + 1, sizeof *ep);
    if (!ep)
        return oom(r);
    r->epochs = ep;
    ep[r->nepochs] = e;
    *slot = r->last_epoch = r->nepochs++;
    return 0;
}

/* The label of an image must be the same on every row (it is its class);
 * 65 and 65.0 are the same label. */
int stim_rd_set_label(rd *r, const char *label, size_t img, size_t line)
{
    if (r->label_cap < r->img_cap) {
        size_t *ll = dl_realloc_array(r->label_line, r->img_cap, sizeof *ll);
        if (!ll)
            return oom(r);
        r->label_line = ll;
        r->label_cap = r->img_cap;
    }
    if (!r->cls[img]) {
        r->label_line[img] = line;
        return meta_set(&r->cls[img], label) == 0 ? 0 : oom(r);
    }
    if (!stim_rd_values_equal(r->cls[img], label))
        return dl_fail(r->err, DL_EINVAL,
                       "%s:%zu: image '%s' has label '%s' here but '%s' on line %zu", r->path, line,
                       r->images.names[img], label, r->cls[img], r->label_line[img]);
    return 0;
}

/* The label of a row: its column, else --labels. */
static int row_label(rd *r, char **f, size_t img, size_t line, const char **label)
{
    *label = NULL;
    if (r->c_label >= 0) {
        *label = f[r->c_label];
        if ((*label)[0] == '\0')
            return dl_fail(r->err, DL_EINVAL, "%s:%zu: empty label", r->path, line);
    } else if (r->gt.n) {
        *label = stim_rd_gt_label(r, r->images.names[img]);
        if (!*label)
            return dl_fail(r->err, DL_EINVAL, "%s:%zu: image '%s' is not in the labels file %s",
                           r->path, line, r->images.names[img], r->opts->labels);
    } else {
        return 0;
    }
    return stim_rd_set_label(r, *label, img, line);
}

/* Correctness of a row from its 'correct' cell or its label and prediction(s).
 * Predictions of a model that has not yet been right once are remembered
 * (canonically), so the finish can warn when they share no value with the
 * labels. */
static int long_value(rd *r, char **f, size_t line, const char *label, stim_rd_model *md, int *v)
{
    if (r->c_correct >= 0) {
        if (stim_rd_parse01(f[r->c_correct], v) != 0)
            return bad01(r, line, r->cn_correct, f[r->c_correct]);
        return 0;
    }
    dl_names *seen = NULL;
    if (!md->shares) {
        if (!md->pending && !(md->pending = dl_calloc(1, sizeof *md->pending)))
            return oom(r);
        /* bounded: a model with thousands of distinct wrong values needs no more */
        seen = md->pending->n < 4096 ? md->pending : NULL;
    }
    *v = 0;
    if (r->npreds == 1) {
        if (stim_rd_pred_match(f[r->c_preds[0]], label, r->opts->top_k, v, seen) != 0)
            return oom(r);
    } else {
        unsigned k = r->opts->top_k ? r->opts->top_k : 1;
        for (size_t i = 0; i < r->npreds && i < k; i++) {
            int hit;
            if (stim_rd_pred_match(f[r->c_preds[i]], label, 0, &hit, seen) != 0)
                return oom(r);
            *v |= hit;
        }
    }
    if (*v && !md->shares) {
        md->shares = 1;
        dl_names_free(md->pending);
        free(md->pending);
        md->pending = NULL;
    }
    return 0;
}

static int long_row(rd *r, char **f, size_t line)
{
    size_t img, m, e = 0;
    int skip, is_new, v, rc;
    const char *model = r->c_model >= 0 ? f[r->c_model] : r->file_model;
    const char *label;
    if (model[0] == '\0')
        return dl_fail(r->err, DL_EINVAL, "%s:%zu: empty model name", r->path, line);
    if ((rc = row_image(r, f, line, &img, &skip)) != 0 || skip)
        return rc;
    if ((rc = row_label(r, f, img, line, &label)) != 0)
        return rc;
    if (r->c_epoch >= 0 && (rc = epoch_slot(r, f[r->c_epoch], line, &e)) != 0)
        return rc;
    if (dl_names_add(&r->models, model, NULL, &m, &is_new) != 0)
        return oom(r);
    if (is_new && !vec_get(r, m, e))
        return oom(r);
    if (is_new) {
        r->mv[m].first_line = line;
        r->mv[m].file = r->path;
    }
    if ((rc = long_value(r, f, line, label, &r->mv[m], &v)) != 0)
        return rc;
    return stim_rd_put(r, m, img, e, v, line, r->c_epoch >= 0 ? f[r->c_epoch] : NULL);
}

int stim_rd_model_index(rd *r, const char *model, size_t line, size_t *m)
{
    int is_new;
    if (dl_names_add(&r->models, model, NULL, m, &is_new) != 0 || !vec_get(r, *m, 0))
        return oom(r);
    if (is_new) {
        r->mv[*m].first_line = line;
        r->mv[*m].file = r->path;
    }
    return 0;
}

int stim_rd_put(rd *r, size_t m, size_t img, size_t e, int v, size_t line, const char *epoch)
{
    stim_rd_vec *vec = vec_get(r, m, e);
    if (!vec || vec_fit(vec, img) != 0)
        return oom(r);
    if (!vec->count)
        vec->first_line = line;
    if (vec_put(vec, img, v)) {
        if (epoch)
            return dl_fail(r->err, DL_EINVAL,
                           "%s:%zu: duplicate result for model '%s', image '%s', epoch %s", r->path,
                           line, r->models.names[m], r->images.names[img], epoch);
        return dl_fail(r->err, DL_EINVAL, "%s:%zu: duplicate result for model '%s' and image '%s'",
                       r->path, line, r->models.names[m], r->images.names[img]);
    }
    return 0;
}

/* Writing one bit per model per row into M separate bit rows touches M
 * cache lines per row; instead a row's bits go into one contiguous word per
 * model for the current 64 images, moved into the rows once per 64 rows. */
void stim_rd_wide_flush(rd *r)
{
    if (!r->wblk)
        return;
    for (size_t m = 0; m < r->models.n; m++) {
        r->mv[m].ep[0].corr[r->wblk_word] |= r->wblk[m];
        r->wblk[m] = 0;
    }
}

static int wide_row(rd *r, char **f, size_t n, size_t line)
{
    size_t img;
    int skip, rc;
    if ((rc = row_image(r, f, line, &img, &skip)) != 0 || skip)
        return rc;
    /* all models' vectors grow together */
    if (img / 64 >= r->mv[0].ep[0].words)
        for (size_t m = 0; m < r->models.n; m++)
            if (vec_fit(&r->mv[m].ep[0], img) != 0)
                return oom(r);
    if (img / 64 != r->wblk_word) {
        stim_rd_wide_flush(r);
        r->wblk_word = img / 64;
    }
    for (size_t m = 0; m < r->models.n; m++) {
        const char *s = f[r->wide_col[m]];
        int v;
        /* The fast path: a bare 0 or 1 (almost every cell of a wide file). */
        if ((s[0] == '0' || s[0] == '1') && s[1] == '\0')
            v = s[0] - '0';
        else if (s[0] == '\0')
            return dl_fail(r->err, DL_EINVAL,
                           "%s:%zu: model '%s' has no result for image '%s' (empty cell)", r->path,
                           line, r->models.names[m], r->images.names[img]);
        else if (stim_rd_parse01(s, &v) != 0)
            return bad01(r, line, r->models.names[m], s);
        /* A wide row has a cell for every model (ragged rows and empty
         * cells are errors), so only the correct bits need setting; they
         * go into the 64-image block first (see stim_rd_wide_flush). */
        r->wblk[m] |= (uint64_t)v << (img % 64);
    }
    (void)n;
    return stim_rd_meta_row(r, f, img, line, r->path);
}

static int parse_count(rd *r, char **f, int col, const char *name, size_t line, long *v)
{
    if (dl_parse_long(f[col], v) != 0 || *v < 0)
        return dl_fail(r->err, DL_EINVAL,
                       "%s:%zu: column '%s': expected a whole number >= 0, found '%s'", r->path,
                       line, name, f[col]);
    return 0;
}

static int counts_row(rd *r, char **f, size_t line)
{
    size_t img;
    int skip, rc;
    long nc, nm;
    if ((rc = parse_count(r, f, r->c_ncorrect, "n_correct", line, &nc)) != 0 ||
        (rc = parse_count(r, f, r->c_nmodels, "n_models", line, &nm)) != 0)
        return rc;
    if (nm == 0 || nm > 1000000)
        return dl_fail(r->err, DL_EINVAL,
                       "%s:%zu: n_models must be between 1 and 1000000, found %ld", r->path, line,
                       nm);
    if (!r->counts_m) {
        r->counts_m = (unsigned)nm;
        r->counts_m_line = line;
    } else if ((unsigned)nm != r->counts_m) {
        return dl_fail(r->err, DL_EINVAL, "%s:%zu: n_models is %ld here but %u on line %zu",
                       r->path, line, nm, r->counts_m, r->counts_m_line);
    }
    if (nc > nm)
        return dl_fail(r->err, DL_EINVAL, "%s:%zu: n_correct %ld is larger than n_models %ld",
                       r->path, line, nc, nm);
    if ((rc = row_image(r, f, line, &img, &skip)) != 0 || skip)
        return rc;
    r->n_correct[img] = (uint32_t)nc;
    return stim_rd_meta_row(r, f, img, line, r->path);
}

int stim_rd_on_row(void *ctx, char **f, size_t n, size_t line)
{
    rd *r = ctx;
    if (!r->header_done) {
        r->header_done = 1;
        return stim_rd_header(r, f, n, line);
    }
    if (n != r->ncols)
        return dl_fail(r->err, DL_EINVAL, "%s:%zu: expected %zu fields as in the header, found %zu",
                       r->path, line, r->ncols, n);
    switch (r->fmt) {
    case DL_STIMULI_LONG:
    case DL_STIMULI_MVH:
    case DL_STIMULI_TIMM:
        return long_row(r, f, line);
    case DL_STIMULI_WIDE:
        return wide_row(r, f, n, line);
    default:
        return counts_row(r, f, line);
    }
}

/* ---- reading ------------------------------------------------------------------ */

void stim_rd_free(rd *r)
{
    for (size_t m = 0; m < r->nmv; m++) {
        for (size_t e = 0; e < r->mv[m].nep; e++) {
            free(r->mv[m].ep[e].seen);
            free(r->mv[m].ep[e].corr);
        }
        free(r->mv[m].ep);
        if (r->mv[m].pending)
            dl_names_free(r->mv[m].pending);
        free(r->mv[m].pending);
    }
    free(r->mv);
    dl_names_free(&r->images);
    dl_names_free(&r->models);
    for (size_t i = 0; i < r->img_cap; i++) {
        free(r->ipath ? r->ipath[i] : NULL);
        free(r->cls ? r->cls[i] : NULL);
        free(r->super ? r->super[i] : NULL);
    }
    free(r->ipath);
    free(r->cls);
    free(r->super);
    free(r->lerr);
    free(r->image_line);
    free(r->image_file);
    free(r->c_preds);
    for (size_t i = 0; i < r->gt.n; i++)
        free(r->gt_label[i]);
    free(r->gt_label);
    dl_names_free(&r->gt);
    for (size_t i = 0; i < r->nwarnings; i++)
        free(r->warnings[i]);
    free(r->warnings);
    if (r->has_re)
        regfree(&r->re);
    stim_rd_npy_free(r);
    free(r->label_line);
    free(r->n_correct);
    free(r->epochs);
    free(r->wide_col);
    free(r->wblk);
    free(r->exclude_hit);
}

void dl_stimuli_results_free(dl_stimuli_results *res)
{
    if (!res)
        return;
    /* Arrays may be missing when reading failed half-way. */
    for (size_t i = 0; i < res->nimages; i++) {
        free(res->images ? res->images[i] : NULL);
        free(res->image_path ? res->image_path[i] : NULL);
        free(res->class_label ? res->class_label[i] : NULL);
        free(res->superclass ? res->superclass[i] : NULL);
    }
    for (size_t m = 0; res->models && m < res->nmodels; m++)
        free(res->models[m]);
    free(res->images);
    free(res->image_path);
    free(res->class_label);
    free(res->superclass);
    free(res->label_error);
    free(res->models);
    free(res->epochs);
    free(res->n_correct);
    for (size_t i = 0; res->warnings && i < res->nwarnings; i++)
        free(res->warnings[i]);
    free(res->warnings);
    dl_stats_bits_free(res->correct);
    dl_stats_bits_free(res->epoch_correct);
    free(res->path);
    free(res);
}
