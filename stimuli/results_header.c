/* results_header.c — the header row of a results file: which format, which
 * column means what. Unknown columns are errors, so a typo never silently
 * drops data. */
#include "results_internal.h"

#include <stdlib.h>
#include <string.h>

#define LONG_COLS "model, image, correct, label, prediction, epoch"
#define META_COLS "path, class, superclass, label_error, wnid, label"
#define COUNTS_COLS "image, n_correct, n_models, " META_COLS

static int col_of(char **f, size_t n, const char *name)
{
    if (!name)
        return -1;
    for (size_t i = 0; i < n; i++)
        if (strcmp(f[i], name) == 0)
            return (int)i;
    return -1;
}

static int is_meta(const char *s)
{
    static const char *const meta[] = {"path",        "class", "superclass",
                                       "label_error", "wnid",  "label"};
    for (size_t i = 0; i < sizeof meta / sizeof *meta; i++)
        if (strcmp(s, meta[i]) == 0)
            return 1;
    return 0;
}

/* The column names of format fmt: the options' names over its defaults. */
static void names_for(rd *r, dl_stimuli_format fmt)
{
    const dl_stimuli_columns *c = &r->opts->cols;
    const char *model = "model", *image = "image", *label = "label", *pred = "prediction",
               *correct = "correct", *epoch = "epoch";
    if (fmt == DL_STIMULI_MVH) {
        model = "subj", image = "imagename", label = "category", pred = "object_response";
        correct = epoch = NULL;
    } else if (fmt == DL_STIMULI_TIMM) {
        /* the 'label' column of timm holds predicted class names, not truth */
        model = NULL, image = "filename", label = NULL, pred = "index", correct = epoch = NULL;
    }
    r->cn_model = c->model ? c->model : model;
    r->cn_image = c->image ? c->image : image;
    r->cn_label = c->label ? c->label : label;
    r->cn_pred = c->prediction ? c->prediction : pred;
    r->cn_correct = c->correct ? c->correct : correct;
    r->cn_epoch = c->epoch ? c->epoch : epoch;
}

static int has(char **f, size_t n, const char *name)
{
    return col_of(f, n, name) >= 0;
}

/* The format of a header. model-vs-human and timm files are told by their
 * own column names, whatever column options say. */
static dl_stimuli_format detect(rd *r, char **f, size_t n)
{
    if (has(f, n, "n_correct") && has(f, n, "n_models"))
        return DL_STIMULI_COUNTS;
    if (has(f, n, "subj") && has(f, n, "object_response") && has(f, n, "imagename") &&
        has(f, n, "category"))
        return DL_STIMULI_MVH;
    if (has(f, n, "filename") && (has(f, n, "index") || has(f, n, "index_0")))
        return DL_STIMULI_TIMM;
    names_for(r, DL_STIMULI_LONG);
    if (has(f, n, r->cn_model) || has(f, n, r->cn_pred) || has(f, n, r->cn_correct))
        return DL_STIMULI_LONG;
    if (has(f, n, r->cn_image))
        return DL_STIMULI_WIDE;
    return DL_STIMULI_AUTO;
}

static int need(rd *r, int col, const char *name, size_t line)
{
    if (col >= 0 || !name)
        return 0;
    return dl_fail(r->err, DL_EINVAL, "%s:%zu: no column '%s' in a %s results file", r->path, line,
                   name, dl_stimuli_format_name(r->fmt));
}

static int unknown(rd *r, const char *col, size_t line, const char *allowed)
{
    return dl_fail(r->err, DL_EINVAL,
                   "%s:%zu: unknown column '%s' in a %s results file (allowed: %s)", r->path, line,
                   col, dl_stimuli_format_name(r->fmt), allowed);
}

/* timm: 'index' or index_0, index_1, ... (--results-separate-col). */
static int pred_cols(rd *r, char **f, size_t n)
{
    free(r->c_preds);
    r->npreds = 0;
    r->c_preds = dl_calloc(n ? n : 1, sizeof *r->c_preds);
    if (!r->c_preds)
        return DL_ENOMEM;
    if (r->c_pred >= 0) {
        r->c_preds[r->npreds++] = r->c_pred;
        return 0;
    }
    for (size_t k = 0; k < n; k++) {
        char name[300];
        snprintf(name, sizeof name, "%s_%zu", r->cn_pred, k);
        int c = col_of(f, n, name);
        if (c < 0)
            break;
        r->c_preds[r->npreds++] = c;
    }
    return 0;
}

static int long_header(rd *r, char **f, size_t n, size_t line)
{
    const char *known[] = {r->cn_model, r->cn_image, r->cn_correct,
                           r->cn_label, r->cn_pred,  r->cn_epoch};
    int strict = r->fmt == DL_STIMULI_LONG && !r->explicit_cols;
    for (size_t i = 0; i < n; i++) {
        size_t k = 0;
        while (k < 6 && !(known[k] && strcmp(f[i], known[k]) == 0))
            k++;
        if (k < 6 || !strict)
            continue;
        return unknown(r, f[i], line, LONG_COLS);
    }
    int rc;
    r->c_model = col_of(f, n, r->cn_model);
    if (r->fmt == DL_STIMULI_MVH && (rc = need(r, r->c_model, r->cn_model, line)) != 0)
        return rc;
    if ((rc = need(r, r->c_image, r->cn_image, line)) != 0)
        return rc;
    r->c_label = col_of(f, n, r->cn_label);
    r->c_pred = col_of(f, n, r->cn_pred);
    r->c_correct = col_of(f, n, r->cn_correct);
    r->c_epoch = col_of(f, n, r->cn_epoch);
    if (pred_cols(r, f, n) != 0)
        return dl_fail(r->err, DL_ENOMEM, "%s: out of memory", r->path);
    if (r->fmt == DL_STIMULI_TIMM && r->npreds == 0)
        return dl_fail(r->err, DL_EINVAL,
                       "%s:%zu: no column '%s' (or %s_0, %s_1, ...) in a timm "
                       "results file",
                       r->path, line, r->cn_pred, r->cn_pred, r->cn_pred);
    if (r->c_label < 0 && r->npreds && r->gt.n == 0 && r->c_correct < 0)
        return dl_fail(r->err, DL_EINVAL,
                       "%s:%zu: no column '%s': the true labels are needed (give --labels FILE "
                       "with rows image,label)",
                       r->path, line, r->cn_label ? r->cn_label : "label");
    if (r->c_correct < 0 && r->npreds == 0)
        return dl_fail(r->err, DL_EINVAL,
                       "%s:%zu: a long results file needs a '%s' column or both '%s' and "
                       "'%s'",
                       r->path, line, r->cn_correct ? r->cn_correct : "correct",
                       r->cn_label ? r->cn_label : "label", r->cn_pred ? r->cn_pred : "prediction");
    if (r->c_model < 0 && !r->file_model)
        return dl_fail(r->err, DL_EINVAL, "%s:%zu: no column '%s' in a long results file", r->path,
                       line, r->cn_model ? r->cn_model : "model");
    return 0;
}

static void meta_cols(rd *r, char **f, size_t n)
{
    r->c_path = col_of(f, n, "path");
    r->c_class = col_of(f, n, "class");
    r->c_superclass = col_of(f, n, "superclass");
    r->c_label_error = col_of(f, n, "label_error");
    r->c_wnid = col_of(f, n, "wnid");
    r->c_class_idx = col_of(f, n, "label");
}

static int counts_header(rd *r, char **f, size_t n, size_t line)
{
    int rc;
    for (size_t i = 0; i < n; i++)
        if ((int)i != r->c_image && strcmp(f[i], "n_correct") != 0 &&
            strcmp(f[i], "n_models") != 0 && !is_meta(f[i]))
            return unknown(r, f[i], line, COUNTS_COLS);
    r->c_ncorrect = col_of(f, n, "n_correct");
    r->c_nmodels = col_of(f, n, "n_models");
    if ((rc = need(r, r->c_image, r->cn_image, line)) ||
        (rc = need(r, r->c_ncorrect, "n_correct", line)) ||
        (rc = need(r, r->c_nmodels, "n_models", line)))
        return rc;
    meta_cols(r, f, n);
    return 0;
}

/* Wide: every column but image and the metadata names is a model. */
static int wide_header(rd *r, char **f, size_t n, size_t line)
{
    int rc;
    if ((rc = need(r, r->c_image, r->cn_image, line)) != 0)
        return rc;
    meta_cols(r, f, n);
    r->wide_col = dl_calloc(n, sizeof *r->wide_col);
    r->wblk = dl_calloc(n, sizeof *r->wblk);
    if (!r->wide_col || !r->wblk)
        return dl_fail(r->err, DL_ENOMEM, "%s: out of memory", r->path);
    for (size_t i = 0; i < n; i++) {
        if ((int)i == r->c_image || is_meta(f[i]))
            continue;
        size_t m;
        if (dl_names_add(&r->models, f[i], NULL, &m, NULL) != 0)
            return dl_fail(r->err, DL_ENOMEM, "%s: out of memory", r->path);
        r->wide_col[m] = i;
    }
    if (r->models.n == 0)
        return dl_fail(r->err, DL_EINVAL,
                       "%s:%zu: no model columns besides 'image' in a wide results file", r->path,
                       line);
    for (size_t m = 0; m < r->models.n; m++) {
        stim_rd_vec *v;
        size_t words = 16;
        r->mv = r->mv ? r->mv : dl_calloc(r->models.n, sizeof *r->mv);
        if (!r->mv)
            return dl_fail(r->err, DL_ENOMEM, "%s: out of memory", r->path);
        r->nmv = r->models.n;
        r->mv[m].first_line = line;
        r->mv[m].file = r->path;
        r->mv[m].nep = 1;
        r->mv[m].ep = v = dl_calloc(1, sizeof *v);
        if (!v || !(v->corr = dl_calloc(words, 8)))
            return dl_fail(r->err, DL_ENOMEM, "%s: out of memory", r->path);
        v->words = words;
        v->first_line = line;
    }
    return 0;
}

/* A column named by an option that the header does not have: the likely
 * reason the format could not be told. */
static int missing_named(rd *r, char **f, size_t n, size_t line)
{
    const dl_stimuli_columns *c = &r->opts->cols;
    const char *const names[] = {c->model, c->image, c->label, c->prediction, c->correct, c->epoch};
    static const char *const opts[] = {"--model-col",      "--image-col",   "--label-col",
                                       "--prediction-col", "--correct-col", "--epoch-col"};
    for (size_t i = 0; i < 6; i++)
        if (names[i] && col_of(f, n, names[i]) < 0)
            return dl_fail(r->err, DL_EINVAL, "%s:%zu: no column '%s' (%s) in the header", r->path,
                           line, names[i], opts[i]);
    return 0;
}

int stim_rd_header(rd *r, char **f, size_t n, size_t line)
{
    /* A hash set, not pairwise strcmp: wide files have tens of thousands of
     * model columns, and the pairwise check was quadratic (20,000 columns:
     * 2e8 comparisons). */
    dl_names seen = {0};
    for (size_t i = 0; i < n; i++) {
        size_t idx;
        int is_new;
        if (f[i][0] == '\0') {
            dl_names_free(&seen);
            return dl_fail(r->err, DL_EINVAL, "%s:%zu: header column %zu has no name", r->path,
                           line, i + 1);
        }
        if (dl_names_add(&seen, f[i], NULL, &idx, &is_new) != 0) {
            dl_names_free(&seen);
            return dl_fail(r->err, DL_ENOMEM, "%s: out of memory", r->path);
        }
        if (!is_new) {
            dl_names_free(&seen);
            return dl_fail(r->err, DL_EINVAL, "%s:%zu: duplicate column name '%s'", r->path, line,
                           f[i]);
        }
    }
    dl_names_free(&seen);
    dl_stimuli_format want = r->fmt;
    r->ncols = n;
    r->c_model = r->c_correct = r->c_label = r->c_pred = r->c_epoch = r->c_ncorrect = -1;
    r->c_nmodels = -1;
    r->c_path = r->c_class = r->c_superclass = r->c_label_error = r->c_wnid = r->c_class_idx = -1;
    /* A column an option names must be there, whatever the format. */
    if (missing_named(r, f, n, line) != 0)
        return DL_EINVAL;
    if (want == DL_STIMULI_AUTO)
        r->fmt = detect(r, f, n);
    if (r->fmt == DL_STIMULI_AUTO)
        return dl_fail(r->err, DL_EINVAL,
                       "%s:%zu: cannot tell the format from the header (expected "
                       "model,image,correct | model,image,label,prediction | image,<model>,... | "
                       "image,n_correct,n_models | subj,...,imagename | filename,index); see "
                       "--format",
                       r->path, line);
    names_for(r, r->fmt);
    r->c_image = col_of(f, n, r->cn_image);
    if (r->file_idx > 0 && (r->fmt == DL_STIMULI_WIDE || r->fmt == DL_STIMULI_COUNTS))
        return dl_fail(r->err, DL_EINVAL,
                       "%s:%zu: %s results cannot be combined with other files (one file holds "
                       "every model)",
                       r->path, line, dl_stimuli_format_name(r->fmt));
    switch (r->fmt) {
    case DL_STIMULI_LONG:
    case DL_STIMULI_MVH:
    case DL_STIMULI_TIMM:
        return long_header(r, f, n, line);
    case DL_STIMULI_WIDE:
        return wide_header(r, f, n, line);
    default:
        return counts_header(r, f, n, line);
    }
}
