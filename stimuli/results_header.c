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

static dl_stimuli_format detect(char **f, size_t n)
{
    if (col_of(f, n, "n_correct") >= 0 && col_of(f, n, "n_models") >= 0)
        return DL_STIMULI_COUNTS;
    if (col_of(f, n, "model") >= 0)
        return DL_STIMULI_LONG;
    if (col_of(f, n, "image") >= 0)
        return DL_STIMULI_WIDE;
    return DL_STIMULI_AUTO;
}

static int need(rd *r, int col, const char *name, size_t line)
{
    if (col >= 0)
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

static int long_header(rd *r, char **f, size_t n, size_t line)
{
    static const char *const known[] = {"model", "image",      "correct",
                                        "label", "prediction", "epoch"};
    for (size_t i = 0; i < n; i++) {
        size_t k = 0;
        while (k < 6 && strcmp(f[i], known[k]) != 0)
            k++;
        if (k == 6)
            return unknown(r, f[i], line, LONG_COLS);
    }
    int rc;
    if ((rc = need(r, r->c_model, "model", line)) || (rc = need(r, r->c_image, "image", line)))
        return rc;
    r->c_label = col_of(f, n, "label");
    r->c_pred = col_of(f, n, "prediction");
    r->c_correct = col_of(f, n, "correct");
    r->c_epoch = col_of(f, n, "epoch");
    if (r->c_correct < 0 && (r->c_label < 0 || r->c_pred < 0))
        return dl_fail(r->err, DL_EINVAL,
                       "%s:%zu: a long results file needs a 'correct' column or both 'label' and "
                       "'prediction'",
                       r->path, line);
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
        if (strcmp(f[i], "image") != 0 && strcmp(f[i], "n_correct") != 0 &&
            strcmp(f[i], "n_models") != 0 && !is_meta(f[i]))
            return unknown(r, f[i], line, COUNTS_COLS);
    r->c_ncorrect = col_of(f, n, "n_correct");
    r->c_nmodels = col_of(f, n, "n_models");
    if ((rc = need(r, r->c_image, "image", line)) ||
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
    if ((rc = need(r, r->c_image, "image", line)) != 0)
        return rc;
    meta_cols(r, f, n);
    r->wide_col = dl_calloc(n, sizeof *r->wide_col);
    if (!r->wide_col)
        return dl_fail(r->err, DL_ENOMEM, "%s: out of memory", r->path);
    for (size_t i = 0; i < n; i++) {
        if ((int)i == r->c_image || is_meta(f[i]))
            continue;
        size_t m;
        if (st_names_add(&r->models, f[i], NULL, &m, NULL) != 0)
            return dl_fail(r->err, DL_ENOMEM, "%s: out of memory", r->path);
        r->wide_col[m] = i;
    }
    if (r->models.n == 0)
        return dl_fail(r->err, DL_EINVAL,
                       "%s:%zu: no model columns besides 'image' in a wide results file", r->path,
                       line);
    for (size_t m = 0; m < r->models.n; m++) {
        rd_vec *v;
        size_t words = 16;
        r->mv = r->mv ? r->mv : dl_calloc(r->models.n, sizeof *r->mv);
        if (!r->mv)
            return dl_fail(r->err, DL_ENOMEM, "%s: out of memory", r->path);
        r->nmv = r->models.n;
        r->mv[m].first_line = line;
        r->mv[m].nep = 1;
        r->mv[m].ep = v = dl_calloc(1, sizeof *v);
        if (!v || !(v->seen = dl_calloc(words, 8)) || !(v->corr = dl_calloc(words, 8)))
            return dl_fail(r->err, DL_ENOMEM, "%s: out of memory", r->path);
        v->words = words;
        v->first_line = line;
    }
    return 0;
}

int rd_header(rd *r, char **f, size_t n, size_t line)
{
    for (size_t i = 0; i < n; i++) {
        if (f[i][0] == '\0')
            return dl_fail(r->err, DL_EINVAL, "%s:%zu: header column %zu has no name", r->path,
                           line, i + 1);
        for (size_t k = 0; k < i; k++)
            if (strcmp(f[k], f[i]) == 0)
                return dl_fail(r->err, DL_EINVAL, "%s:%zu: duplicate column name '%s'", r->path,
                               line, f[i]);
    }
    r->ncols = n;
    r->c_model = col_of(f, n, "model");
    r->c_image = col_of(f, n, "image");
    r->c_correct = r->c_label = r->c_pred = r->c_epoch = r->c_ncorrect = r->c_nmodels = -1;
    r->c_path = r->c_class = r->c_superclass = r->c_label_error = r->c_wnid = r->c_class_idx = -1;
    if (r->fmt == DL_STIMULI_AUTO && (r->fmt = detect(f, n)) == DL_STIMULI_AUTO)
        return dl_fail(r->err, DL_EINVAL,
                       "%s:%zu: cannot tell the format from the header (expected "
                       "model,image,correct | model,image,label,prediction | image,<model>,... | "
                       "image,n_correct,n_models); see --format",
                       r->path, line);
    switch (r->fmt) {
    case DL_STIMULI_LONG:
        return long_header(r, f, n, line);
    case DL_STIMULI_WIDE:
        return wide_header(r, f, n, line);
    default:
        return counts_header(r, f, n, line);
    }
}
