/* report_ddd.c — the tables `dddlab stimuli analyse --out DIR` writes:
 * histogram.csv (models correct per image with the independent-model
 * expectations), ec_all.csv / ec_in_between.csv (model x model error
 * consistency), decisions.csv or per_image.csv (decisions), agreement.csv
 * (epochs), epoch_decisions.csv (decisions per epoch, in the decisions
 * figure's image order), class_accuracy.csv (classes with the spread over
 * models) and uncertainty.csv. */
#include "report_internal.h"

#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Beyond this many cells the decisions figure says nothing a reader could
 * see, and reading it would cost more memory than the rest of the report. */
#define MAX_DECISION_CELLS 20000000u

void rp_ddd_free(rp_ddd *d)
{
    if (!d)
        return;
    free(d->dir);
    free(d->images);
    free(d->fraction);
    free(d->binomial);
    free(d->poisson_binomial);
    for (size_t i = 0; d->models && i < d->nmodels; i++)
        free(d->models[i]);
    free(d->models);
    free(d->ec_all);
    free(d->ec_between);
    free(d->decisions);
    free(d->label_error);
    free(d->class_acc);
    for (int c = 0; c < DL_REPORT_NCLASS; c++)
        free(d->class_split[c]);
    for (size_t i = 0; d->class_names && i < d->nclasses; i++)
        free(d->class_names[i]);
    free(d->class_names);
    free(d->class_min);
    free(d->class_max);
    free(d->class_images);
    free(d->edec_epoch);
    free(d->edec);
    free(d->dec_row);
    if (d->dec_names)
        dl_names_free(d->dec_names);
    free(d->dec_names);
    for (int e = 0; e < 2; e++) {
        free(d->band_lo[e]);
        free(d->band_hi[e]);
    }
    free(d->epochs);
    for (size_t i = 0; d->series_names && i < d->nseries; i++)
        free(d->series_names[i]);
    free(d->series_names);
    free(d->series);
    free(d);
}

static int exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static int cell(const dl_csv *csv, size_t row, int col, double *v, dl_error *err)
{
    const char *s = csv->rows[row][col];
    *v = NAN;
    if (dl_is_missing(s))
        return 0;
    if (dl_parse_double(s, v))
        return dl_fail(err, DL_EINVAL, "%s:%zu: %s '%s' is not a number", csv->path,
                       csv->row_line[row], csv->header[col], s);
    return 0;
}

/* ---- histogram ---- */

/* The expectation columns may hold fractions or image counts; both are
 * shown as fractions of all images. */
static void to_fraction(double *v, size_t n, double total)
{
    double sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += isnan(v[i]) ? 0 : v[i];
    if (fabs(sum - 1) < 1e-3 || total <= 0)
        return;
    for (size_t i = 0; i < n; i++)
        v[i] /= total;
}

static int histogram_rows(rp_ddd *d, const dl_csv *csv, const int *col, dl_error *err)
{
    for (size_t i = 0; i < csv->nrows; i++) {
        double k, v;
        int rc = cell(csv, i, col[0], &k, err);
        if (rc)
            return rc;
        if (isnan(k) || k < 0 || k != floor(k) || k >= (double)d->nbins)
            return dl_fail(err, DL_EINVAL, "%s:%zu: n_correct '%s' is not one of 0..%zu", csv->path,
                           csv->row_line[i], csv->rows[i][col[0]], d->nbins - 1);
        size_t b = (size_t)k;
        if ((rc = cell(csv, i, col[1], &v, err)))
            return rc;
        d->images[b] = isnan(v) ? 0 : v;
        double *dst[3] = {d->fraction, d->binomial, d->poisson_binomial};
        for (int c = 0; c < 3; c++)
            if (col[2 + c] >= 0 && (rc = cell(csv, i, col[2 + c], &dst[c][b], err)))
                return rc;
    }
    return 0;
}

static int load_histogram(rp_ddd *d, const char *path, dl_error *err)
{
    dl_csv *csv = NULL;
    int col[5], rc = dl_csv_read(path, &csv, err);
    if (rc)
        return rc;
    if ((rc = dl_csv_require_col(csv, "n_correct", &col[0], err)) ||
        (rc = dl_csv_require_col(csv, "images", &col[1], err)))
        goto done;
    col[2] = dl_csv_col(csv, "fraction");
    col[3] = dl_csv_col(csv, "binomial_expected");
    col[4] = dl_csv_col(csv, "poisson_binomial_expected");
    if (csv->nrows < 2) {
        rc = dl_fail(err, DL_EINVAL, "%s:2: expected one row per number of models correct", path);
        goto done;
    }
    d->nbins = csv->nrows;
    d->nmodels = d->nbins - 1;
    d->images = dl_calloc(d->nbins, sizeof *d->images);
    d->fraction = dl_calloc(d->nbins, sizeof *d->fraction);
    d->binomial = dl_calloc(d->nbins, sizeof *d->binomial);
    d->poisson_binomial = dl_calloc(d->nbins, sizeof *d->poisson_binomial);
    if (!d->images || !d->fraction || !d->binomial || !d->poisson_binomial) {
        rc = dl_fail(err, DL_ENOMEM, "%s: out of memory", path);
        goto done;
    }
    for (size_t b = 0; b < d->nbins; b++)
        d->fraction[b] = d->binomial[b] = d->poisson_binomial[b] = NAN;
    if ((rc = histogram_rows(d, csv, col, err)))
        goto done;
    d->nimages = 0;
    for (size_t b = 0; b < d->nbins; b++)
        d->nimages += d->images[b];
    for (size_t b = 0; b < d->nbins; b++)
        if (isnan(d->fraction[b]) && d->nimages > 0)
            d->fraction[b] = d->images[b] / d->nimages;
    to_fraction(d->binomial, d->nbins, d->nimages);
    to_fraction(d->poisson_binomial, d->nbins, d->nimages);
done:
    dl_csv_free(csv);
    return rc;
}

/* ---- error-consistency matrices ---- */

static int take_models(rp_ddd *d, const dl_csv *csv, dl_error *err)
{
    size_t m = csv->ncols - 1;
    if (m == 0 || csv->nrows != m)
        return dl_fail(err, DL_EINVAL,
                       "%s:1: expected a square matrix: a header of %zu model "
                       "names and one row per model, found %zu rows",
                       csv->path, m, csv->nrows);
    if (d->models) {
        if (m != d->nmodels)
            return dl_fail(err, DL_EINVAL, "%s:1: %zu models, but ec_all.csv has %zu", csv->path, m,
                           d->nmodels);
        for (size_t i = 0; i < m; i++)
            if (strcmp(csv->header[i + 1], d->models[i]) != 0)
                return dl_fail(err, DL_EINVAL, "%s:1: column %zu is '%s', but ec_all.csv has '%s'",
                               csv->path, i + 2, csv->header[i + 1], d->models[i]);
        return 0;
    }
    d->nmodels = m;
    if (!(d->models = dl_calloc(m, sizeof *d->models)))
        return dl_fail(err, DL_ENOMEM, "out of memory");
    for (size_t i = 0; i < m; i++)
        if (!(d->models[i] = dl_strdup(csv->header[i + 1])))
            return dl_fail(err, DL_ENOMEM, "out of memory");
    return 0;
}

/* A header without model names is what `stimuli analyse` writes for
 * aggregate (counts) results: no matrix, not an error. */
static int load_matrix(dl_report *r, rp_ddd *d, const char *path, double **out, dl_error *err)
{
    dl_csv *csv = NULL;
    int rc = dl_csv_read(path, &csv, err);
    if (!rc && csv->ncols == 1 && csv->nrows == 0) {
        dl_csv_free(csv);
        return rp_note(r, "%s holds no models (aggregate results): its figure is skipped", path);
    }
    if (rc || (rc = take_models(d, csv, err)))
        goto done;
    size_t m = d->nmodels;
    double *mat = *out = dl_calloc(m * m, sizeof *mat);
    if (!mat) {
        rc = dl_fail(err, DL_ENOMEM, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < m && !rc; i++) {
        if (strcmp(csv->rows[i][0], d->models[i]) != 0) {
            rc = dl_fail(err, DL_EINVAL,
                         "%s:%zu: row of '%s' where '%s' was expected (the rows "
                         "must follow the header's order)",
                         path, csv->row_line[i], csv->rows[i][0], d->models[i]);
            break;
        }
        for (size_t j = 0; j < m && !rc; j++)
            rc = cell(csv, i, (int)j + 1, &mat[i * m + j], err);
    }
done:
    dl_csv_free(csv);
    return rc;
}

/* ---- decisions ---- */

typedef struct dec_ctx {
    rp_ddd *d;
    const char *path;
    dl_error *err;
    int *col; /* per model: column in per_image.csv */
    int image_col;
    size_t ncols, rows, cap;
    uint8_t *dec;
    int missing;     /* some model has no column */
    dl_names *names; /* image names in row order; NULL once one repeats */
} dec_ctx;

static int dec_header(dec_ctx *c, char **f, size_t n)
{
    c->ncols = n;
    c->image_col = -1;
    for (size_t k = 0; k < n; k++)
        if (strcmp(f[k], "image") == 0)
            c->image_col = (int)k;
    for (size_t m = 0; m < c->d->nmodels; m++) {
        c->col[m] = -1;
        for (size_t k = 0; k < n; k++)
            if (strcmp(f[k], c->d->models[m]) == 0)
                c->col[m] = (int)k;
        if (c->col[m] < 0) {
            c->missing = 1;
            return 1; /* stop: no per-model columns, nothing to read */
        }
    }
    return 0;
}

static int dec_row(void *ctx, char **f, size_t n, size_t line)
{
    dec_ctx *c = ctx;
    size_t m = c->d->nmodels;
    if (line == 1)
        return dec_header(c, f, n);
    if (n != c->ncols)
        return dl_fail(c->err, DL_EINVAL, "%s:%zu: expected %zu fields as in the header, found %zu",
                       c->path, line, c->ncols, n);
    if ((c->rows + 1) * m > MAX_DECISION_CELLS)
        return 2;
    if (dl_grow(&c->dec, &c->cap, c->rows + 1, m) != 0)
        return dl_fail(c->err, DL_ENOMEM, "%s: out of memory", c->path);
    for (size_t k = 0; k < m; k++) {
        const char *s = f[c->col[k]];
        if (strcmp(s, "0") != 0 && strcmp(s, "1") != 0)
            return dl_fail(c->err, DL_EINVAL, "%s:%zu: %s is '%s', expected 0 or 1", c->path, line,
                           c->d->models[k], s);
        c->dec[c->rows * m + k] = s[0] == '1';
    }
    /* The names let epoch_decisions.csv rows find their image; a repeated
     * name makes that ambiguous, so the epoch figure is then left out. */
    if (c->names && c->image_col >= 0) {
        uint32_t idx;
        size_t before = c->names->n;
        if (dl_names_add32(c->names, f[c->image_col], &idx))
            return dl_fail(c->err, DL_ENOMEM, "%s: out of memory", c->path);
        if (c->names->n == before) {
            dl_names_free(c->names);
            free(c->names);
            c->names = NULL;
        }
    }
    c->rows++;
    return 0;
}

typedef struct dec_sort {
    uint32_t row;
    uint32_t ncorrect;
} dec_sort;

static int cmp_dec(const void *a, const void *b)
{
    const dec_sort *x = a, *y = b;
    if (x->ncorrect != y->ncorrect)
        return x->ncorrect < y->ncorrect ? -1 : 1;
    return x->row < y->row ? -1 : x->row > y->row;
}

/* Images sorted by the number of models correct (stable), as in Figure 4. */
static int sort_decisions(rp_ddd *d, uint8_t *dec, size_t rows)
{
    size_t m = d->nmodels;
    dec_sort *s = dl_calloc(rows, sizeof *s);
    uint8_t *out = dl_calloc(rows * m, 1);
    if (!s || !out) {
        free(s);
        free(out);
        return DL_ENOMEM;
    }
    for (size_t i = 0; i < rows; i++) {
        s[i].row = (uint32_t)i;
        for (size_t k = 0; k < m; k++)
            s[i].ncorrect += dec[i * m + k];
    }
    qsort(s, rows, sizeof *s, cmp_dec);
    uint32_t *pos = dl_calloc(rows ? rows : 1, sizeof *pos);
    if (!pos) {
        free(s);
        free(out);
        return DL_ENOMEM;
    }
    for (size_t i = 0; i < rows; i++) {
        memcpy(out + i * m, dec + (size_t)s[i].row * m, m);
        pos[i] = s[i].row;
    }
    free(s);
    d->decisions = out;
    d->dec_row = pos;
    d->ndec_images = rows;
    return 0;
}

static int load_decisions(dl_report *r, rp_ddd *d, const char *path, dl_error *err)
{
    dec_ctx c = {.d = d, .path = path, .err = err};
    if (!d->models)
        return rp_note(r,
                       "decisions figure skipped: no model names (ec_all.csv is missing or empty)");
    if (!(c.col = dl_calloc(d->nmodels, sizeof *c.col)) ||
        !(c.names = dl_calloc(1, sizeof *c.names))) {
        free(c.col);
        return dl_fail(err, DL_ENOMEM, "out of memory");
    }
    int rc = dl_csv_stream(path, dec_row, &c, err);
    free(c.col);
    if (!rc && c.image_col >= 0 && c.names) {
        d->dec_names = c.names;
        c.names = NULL;
    }
    if (c.names) {
        dl_names_free(c.names);
        free(c.names);
    }
    if (rc == 1 || c.missing) {
        free(c.dec);
        return rp_note(r, "decisions figure skipped: %s has no per-model 0/1 columns", path);
    }
    if (rc == 2) {
        free(c.dec);
        return rp_note(r, "decisions figure skipped: more than %u image x model cells",
                       MAX_DECISION_CELLS);
    }
    if (!rc && c.rows == 0)
        rc = dl_fail(err, DL_EINVAL, "%s:2: no data rows after the header", path);
    if (!rc && (rc = sort_decisions(d, c.dec, c.rows)))
        rc = dl_fail(err, rc, "out of memory");
    free(c.dec);
    return rc ? rc : rp_add_input(r, path, err);
}

/* ---- decisions per epoch (the paper's Figure 8) ---- */

typedef struct edec_ctx {
    rp_ddd *d;
    const char *path;
    dl_error *err;
    int *col; /* per model */
    int epoch_col, image_col;
    size_t ncols;
    uint32_t *at;   /* row of decisions.csv -> position in the figure */
    double *epochs; /* in order of first appearance */
    size_t nepochs, cap_epochs, cap_cells;
    uint8_t *cells; /* per epoch slot: ndec_images x nmodels */
    int skip;       /* 1: a model has no column */
} edec_ctx;

static int edec_header(edec_ctx *c, char **f, size_t n)
{
    c->ncols = n;
    c->epoch_col = c->image_col = -1;
    for (size_t k = 0; k < n; k++) {
        if (strcmp(f[k], "epoch") == 0)
            c->epoch_col = (int)k;
        if (strcmp(f[k], "image") == 0)
            c->image_col = (int)k;
    }
    if (c->epoch_col < 0 || c->image_col < 0)
        return dl_fail(c->err, DL_EINVAL, "%s:1: expected the columns epoch and image", c->path);
    if (n == 2)
        return 1; /* the header `stimuli analyse` writes for results without epochs */
    for (size_t m = 0; m < c->d->nmodels; m++) {
        c->col[m] = -1;
        for (size_t k = 0; k < n; k++)
            if (strcmp(f[k], c->d->models[m]) == 0)
                c->col[m] = (int)k;
        if (c->col[m] < 0) {
            c->skip = 1;
            return 1;
        }
    }
    return 0;
}

/* The slot of epoch e, opened (every cell "no result") on first sight. */
static int edec_slot(edec_ctx *c, double e, size_t line, size_t *slot)
{
    for (size_t k = 0; k < c->nepochs; k++)
        if (c->epochs[k] == e) {
            *slot = k;
            return 0;
        }
    size_t per = c->d->ndec_images * c->d->nmodels;
    if ((c->nepochs + 1) * per > MAX_DECISION_CELLS)
        return 2;
    if (dl_grow(&c->epochs, &c->cap_epochs, c->nepochs + 1, sizeof *c->epochs) != 0 ||
        dl_grow(&c->cells, &c->cap_cells, (c->nepochs + 1) * per, 1) != 0)
        return dl_fail(c->err, DL_ENOMEM, "%s:%zu: out of memory", c->path, line);
    memset(c->cells + c->nepochs * per, 2, per);
    c->epochs[c->nepochs] = e;
    *slot = c->nepochs++;
    return 0;
}

static int edec_row(void *ctx, char **f, size_t n, size_t line)
{
    edec_ctx *c = ctx;
    const rp_ddd *d = c->d;
    size_t m = d->nmodels;
    if (line == 1)
        return edec_header(c, f, n);
    if (n != c->ncols)
        return dl_fail(c->err, DL_EINVAL, "%s:%zu: expected %zu fields as in the header, found %zu",
                       c->path, line, c->ncols, n);
    double e;
    if (dl_parse_double(f[c->epoch_col], &e))
        return dl_fail(c->err, DL_EINVAL, "%s:%zu: epoch '%s' is not a number", c->path, line,
                       f[c->epoch_col]);
    long row = dl_names_find(d->dec_names, f[c->image_col]);
    if (row < 0)
        return dl_fail(c->err, DL_EINVAL, "%s:%zu: image '%s' is not in the decisions table",
                       c->path, line, f[c->image_col]);
    size_t slot = 0;
    int rc = edec_slot(c, e, line, &slot);
    if (rc)
        return rc;
    uint8_t *cell = c->cells + (slot * d->ndec_images + c->at[row]) * m;
    if (cell[0] != 2)
        return dl_fail(c->err, DL_EINVAL, "%s:%zu: image '%s' appears twice in epoch %s", c->path,
                       line, f[c->image_col], f[c->epoch_col]);
    for (size_t k = 0; k < m; k++) {
        const char *v = f[c->col[k]];
        if (strcmp(v, "0") != 0 && strcmp(v, "1") != 0)
            return dl_fail(c->err, DL_EINVAL, "%s:%zu: %s is '%s', expected 0 or 1", c->path, line,
                           d->models[k], v);
        cell[k] = v[0] == '1';
    }
    return 0;
}

/* Epoch slots into ascending order (few epochs: insertion sort of slots). */
static int edec_finish(rp_ddd *d, edec_ctx *c)
{
    size_t ne = c->nepochs, per = d->ndec_images * d->nmodels;
    size_t *ord = dl_calloc(ne, sizeof *ord);
    d->edec = dl_calloc(ne * per, 1);
    d->edec_epoch = dl_calloc(ne, sizeof *d->edec_epoch);
    if (!ord || !d->edec || !d->edec_epoch) {
        free(ord);
        return DL_ENOMEM;
    }
    for (size_t i = 0; i < ne; i++) {
        ord[i] = i;
        for (size_t j = i; j > 0 && c->epochs[ord[j]] < c->epochs[ord[j - 1]]; j--) {
            size_t t = ord[j];
            ord[j] = ord[j - 1];
            ord[j - 1] = t;
        }
    }
    for (size_t i = 0; i < ne; i++) {
        d->edec_epoch[i] = c->epochs[ord[i]];
        memcpy(d->edec + i * per, c->cells + ord[i] * per, per);
    }
    d->nedec = ne;
    free(ord);
    return 0;
}

static int load_epoch_decisions(dl_report *r, rp_ddd *d, const char *dir, dl_error *err)
{
    char *path = dl_path_join(dir, "epoch_decisions.csv");
    if (!path)
        return dl_fail(err, DL_ENOMEM, "out of memory");
    int rc = 0;
    edec_ctx c = {.d = d, .path = path, .err = err};
    if (!exists(path))
        goto done;
    if (!d->decisions || !d->dec_names) {
        rc = rp_note(r, "per-epoch decisions figure skipped: %s",
                     d->decisions ? "decisions.csv names an image twice or has no image column"
                                  : "no decisions for the last epoch");
        goto done;
    }
    c.col = dl_calloc(d->nmodels, sizeof *c.col);
    c.at = dl_calloc(d->ndec_images, sizeof *c.at);
    if (!c.col || !c.at) {
        rc = dl_fail(err, DL_ENOMEM, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < d->ndec_images; i++)
        c.at[d->dec_row[i]] = (uint32_t)i;
    rc = dl_csv_stream(path, edec_row, &c, err);
    if (rc == 1 && !c.skip)
        rc = 0; /* no model columns: results without epochs */
    else if (rc == 1)
        rc =
            rp_note(r, "per-epoch decisions figure skipped: %s lacks a column of some model", path);
    else if (rc == 2)
        rc = rp_note(r,
                     "per-epoch decisions figure skipped: more than %u epoch x image x model "
                     "cells",
                     MAX_DECISION_CELLS);
    else if (!rc && c.nepochs) {
        if ((rc = edec_finish(d, &c)) != 0)
            rc = dl_fail(err, rc, "out of memory");
        else
            rc = rp_add_input(r, path, err);
    }
done:
    free(c.col);
    free(c.at);
    free(c.epochs);
    free(c.cells);
    free(path);
    return rc;
}

/* ---- agreement over epochs ---- */

/* The curves of Pliushch et al. that agreement.csv carries, with legends. */
static const struct {
    const char *col, *label;
} curves[] = {
    {"tpa", "true-positive agreement"},
    {"lower_bound", "lower bound"},
    {"expected_tpa", "expected for independent models"},
    {"mean_accuracy", "mean model accuracy"},
};
#define NCURVES (sizeof curves / sizeof *curves)

static int agreement_series(rp_ddd *d, const dl_csv *csv, int ecol, dl_error *err)
{
    size_t n = csv->nrows;
    d->epochs = dl_calloc(n, sizeof *d->epochs);
    d->series_names = dl_calloc(NCURVES, sizeof *d->series_names);
    d->series = dl_calloc(NCURVES * n, sizeof *d->series);
    if (!d->epochs || !d->series_names || !d->series)
        return dl_fail(err, DL_ENOMEM, "out of memory");
    d->nepochs = n;
    for (size_t i = 0; i < n; i++) {
        int rc = cell(csv, i, ecol, &d->epochs[i], err);
        if (rc)
            return rc;
        if (isnan(d->epochs[i]))
            return 1; /* results without epochs: one row, nothing to draw over time */
    }
    for (size_t c = 0; c < NCURVES; c++) {
        int col = dl_csv_col(csv, curves[c].col);
        if (col < 0)
            continue;
        size_t s = d->nseries;
        if (!(d->series_names[s] = dl_strdup(curves[c].label)))
            return dl_fail(err, DL_ENOMEM, "out of memory");
        d->nseries++;
        for (size_t i = 0; i < n; i++) {
            int rc = cell(csv, i, col, &d->series[s * n + i], err);
            if (rc)
                return rc;
        }
    }
    return 0;
}

static int load_agreement(dl_report *r, rp_ddd *d, const char *path, dl_error *err)
{
    dl_csv *csv = NULL;
    int rc = dl_csv_read(path, &csv, err);
    if (rc)
        return rc;
    int ecol = dl_csv_col(csv, "epoch");
    if (ecol < 0 || csv->nrows < 2) {
        dl_csv_free(csv);
        return 0; /* not a table over epochs: the figure is for results with epochs */
    }
    rc = agreement_series(d, csv, ecol, err);
    dl_csv_free(csv);
    if (rc == 1 || (rc == 0 && d->nseries == 0)) {
        d->nepochs = d->nseries = 0;
        return rc == 1 ? 0
                       : rp_note(r,
                                 "agreement figure skipped: %s has none of the columns "
                                 "tpa, lower_bound, expected_tpa, mean_accuracy",
                                 path);
    }
    return rc ? rc : rp_add_input(r, path, err);
}

/* ---- the folder ---- */

/* Decisions come from decisions.csv (wide: image, one 0/1 column per model)
 * when present, else from per_image.csv if it carries the model columns. */
static int load_decision_file(dl_report *r, rp_ddd *d, const char *dir, dl_error *err)
{
    char *wide = dl_path_join(dir, "decisions.csv"), *per = dl_path_join(dir, "per_image.csv");
    int rc = 0;
    if (!wide || !per)
        rc = dl_fail(err, DL_ENOMEM, "out of memory");
    else if (exists(wide))
        rc = load_decisions(r, d, wide, err);
    else if (exists(per))
        rc = load_decisions(r, d, per, err);
    else
        rc = rp_note(r, "decisions figure skipped: no decisions.csv or per_image.csv in %s", dir);
    free(wide);
    free(per);
    return rc;
}

/* per_image.csv (optional): the split per image, so the report can state it
 * with the --near K that made it, and the label errors per models-correct
 * bin when the column holds any. */
typedef struct split_ctx {
    rp_ddd *d;
    const char *path;
    int col[3]; /* n_correct, difficulty, label_error */
    int min_trivial, max_impossible, any_label;
    dl_error *err;
} split_ctx;

static int split_row(void *ctx, char **f, size_t n, size_t line)
{
    split_ctx *c = ctx;
    if (line == 1) {
        static const char *const names[3] = {"n_correct", "difficulty", "label_error"};
        for (int k = 0; k < 3; k++) {
            c->col[k] = -1;
            for (size_t i = 0; i < n; i++)
                if (strcmp(f[i], names[k]) == 0)
                    c->col[k] = (int)i;
        }
        return c->col[0] < 0 || c->col[1] < 0 ? 1 : 0; /* nothing to learn: stop */
    }
    for (int k = 0; k < 3; k++)
        if (c->col[k] >= (int)n)
            return dl_fail(c->err, DL_EINVAL, "%s:%zu: expected %d fields, found %zu", c->path,
                           line, c->col[k] + 1, n);
    long k;
    if (dl_parse_long(f[c->col[0]], &k) || k < 0 || (size_t)k >= c->d->nbins)
        return dl_fail(c->err, DL_EINVAL, "%s:%zu: n_correct '%s' is not one of 0..%zu", c->path,
                       line, f[c->col[0]], c->d->nbins - 1);
    /* stimuli/ writes the three names; any other word counts as in-between */
    int diff = dl_stats_difficulty_parse(f[c->col[1]]);
    if (diff == DL_STATS_TRIVIAL) {
        c->d->nsplit[DL_STATS_TRIVIAL]++;
        c->min_trivial = k < c->min_trivial ? (int)k : c->min_trivial;
    } else if (diff == DL_STATS_IMPOSSIBLE) {
        c->d->nsplit[DL_STATS_IMPOSSIBLE]++;
        c->max_impossible = k > c->max_impossible ? (int)k : c->max_impossible;
    } else
        c->d->nsplit[DL_STATS_IN_BETWEEN]++;
    if (c->col[2] >= 0 && !dl_is_missing(f[c->col[2]]) && strcmp(f[c->col[2]], "0") != 0) {
        c->d->label_error[k]++;
        c->any_label = 1;
    }
    return 0;
}

static int load_split(dl_report *r, rp_ddd *d, const char *dir, dl_error *err)
{
    char *path = dl_path_join(dir, "per_image.csv");
    d->near = -1;
    if (!path)
        return dl_fail(err, DL_ENOMEM, "out of memory");
    int rc = 0;
    if (!exists(path))
        goto done;
    if (!(d->label_error = dl_calloc(d->nbins, sizeof *d->label_error))) {
        rc = dl_fail(err, DL_ENOMEM, "out of memory");
        goto done;
    }
    split_ctx c = {.d = d, .path = path, .min_trivial = INT_MAX, .max_impossible = -1, .err = err};
    rc = dl_csv_stream(path, split_row, &c, err);
    if (rc > 0)
        rc = 0;
    if (rc)
        goto done;
    /* --near K: trivial >= models - K correct, impossible <= K. */
    if (c.max_impossible >= 0)
        d->near = c.max_impossible;
    else if (c.min_trivial != INT_MAX)
        d->near = (int)d->nmodels - c.min_trivial;
    if (!c.any_label) {
        free(d->label_error);
        d->label_error = NULL;
    }
    rc = rp_add_input(r, path, err);
done:
    free(path);
    return rc;
}

/* class_accuracy.csv (optional): per class its accuracy and its images by
 * difficulty, in the file's rank order. */
static int load_classes(dl_report *r, rp_ddd *d, const char *dir, dl_error *err)
{
    char *path = dl_path_join(dir, "class_accuracy.csv");
    dl_csv *csv = NULL;
    int rc = 0, col_acc, col[DL_REPORT_NCLASS];
    if (!path)
        return dl_fail(err, DL_ENOMEM, "out of memory");
    if (!exists(path))
        goto done;
    if ((rc = dl_csv_read(path, &csv, err)))
        goto done;
    static const char *const split[DL_REPORT_NCLASS] = {[DL_STATS_TRIVIAL] = "trivial",
                                                        [DL_STATS_IN_BETWEEN] = "in_between",
                                                        [DL_STATS_IMPOSSIBLE] = "impossible"};
    if ((col_acc = dl_csv_col(csv, "accuracy")) < 0)
        goto done; /* another layout: no figure */
    for (int c = 0; c < DL_REPORT_NCLASS; c++)
        if ((col[c] = dl_csv_col(csv, split[c])) < 0)
            goto done;
    if (csv->nrows == 0)
        goto done;
    d->class_acc = dl_calloc(csv->nrows, sizeof *d->class_acc);
    for (int c = 0; c < DL_REPORT_NCLASS; c++)
        d->class_split[c] = dl_calloc(csv->nrows, sizeof *d->class_split[c]);
    d->class_min = dl_calloc(csv->nrows, sizeof *d->class_min);
    d->class_max = dl_calloc(csv->nrows, sizeof *d->class_max);
    d->class_images = dl_calloc(csv->nrows, sizeof *d->class_images);
    d->class_names = dl_calloc(csv->nrows, sizeof *d->class_names);
    if (!d->class_acc || !d->class_split[0] || !d->class_split[1] || !d->class_split[2] ||
        !d->class_min || !d->class_max || !d->class_images || !d->class_names) {
        rc = dl_fail(err, DL_ENOMEM, "out of memory");
        goto done;
    }
    /* optional: names, images and the spread over models (class_bars) */
    int more[4] = {dl_csv_col(csv, "class"), dl_csv_col(csv, "images"),
                   dl_csv_col(csv, "min_model_accuracy"), dl_csv_col(csv, "max_model_accuracy")};
    double *dst[3] = {d->class_images, d->class_min, d->class_max};
    for (size_t i = 0; i < csv->nrows && !rc; i++) {
        rc = cell(csv, i, col_acc, &d->class_acc[i], err);
        for (int c = DL_STATS_TRIVIAL; c >= DL_STATS_IMPOSSIBLE && !rc; c--)
            rc = cell(csv, i, col[c], &d->class_split[c][i], err);
        for (int c = 0; c < 3 && !rc; c++) {
            dst[c][i] = NAN;
            if (more[1 + c] >= 0)
                rc = cell(csv, i, more[1 + c], &dst[c][i], err);
        }
        if (!rc && !(d->class_names[i] = dl_strdup(more[0] >= 0 ? csv->rows[i][more[0]] : "")))
            rc = dl_fail(err, DL_ENOMEM, "out of memory");
    }
    d->nclasses = csv->nrows; /* also on failure: rp_ddd_free frees the names by it */
    if (!rc)
        rc = rp_add_input(r, path, err);
done:
    dl_csv_free(csv);
    free(path);
    return rc;
}

/* uncertainty.csv (optional): the split's intervals and rho. */
static int load_uncertainty(dl_report *r, rp_ddd *d, const char *dir, dl_error *err)
{
    static const char *const split[DL_REPORT_NCLASS] = {[DL_STATS_TRIVIAL] = "split_trivial",
                                                        [DL_STATS_IN_BETWEEN] = "split_in_between",
                                                        [DL_STATS_IMPOSSIBLE] = "split_impossible"};
    char *path = dl_path_join(dir, "uncertainty.csv");
    if (!path)
        return dl_fail(err, DL_ENOMEM, "out of memory");
    dl_csv *csv = NULL;
    int col[8], rc = 0;
    static const char *const names[8] = {"measure", "resampling", "estimate", "low",
                                         "high",    "replicates", "seed",     "conf"};
    if (!exists(path) || (rc = dl_csv_read(path, &csv, err)) != 0)
        goto done;
    for (int i = 0; i < 8 && !rc; i++)
        rc = dl_csv_require_col(csv, names[i], &col[i], err);
    for (size_t row = 0; row < csv->nrows && !rc; row++) {
        char **f = csv->rows[row];
        double v[6];
        for (int i = 0; i < 6 && !rc; i++)
            if (dl_is_missing(f[col[2 + i]]))
                v[i] = NAN;
            else if (dl_parse_double(f[col[2 + i]], &v[i]) != 0)
                rc = dl_fail(err, DL_EINVAL, "%s:%zu: '%s' in column %s is not a number", path,
                             csv->row_line[row], f[col[2 + i]], names[2 + i]);
        if (rc)
            break;
        d->unc_replicates = v[3];
        d->unc_seed = v[4];
        d->unc_conf = v[5];
        int how = strcmp(f[col[1]], "models") == 0 ? 0 : 1;
        for (int c = 0; c < DL_REPORT_NCLASS; c++)
            if (strcmp(f[col[0]], split[c]) == 0) {
                d->split_has[how] = d->has_unc = 1;
                d->split_est[c] = v[0];
                d->split_lo[how][c] = v[1];
                d->split_hi[how][c] = v[2];
            }
        int band = strcmp(f[col[0]], "binomial_band") == 0           ? 0
                   : strcmp(f[col[0]], "poisson_binomial_band") == 0 ? 1
                                                                     : -1;
        int kc = dl_csv_col(csv, "models_correct");
        long k = -1;
        if (band >= 0 && (kc < 0 || dl_parse_long(f[kc], &k) != 0 || k < 0 ||
                          (size_t)k >= d->nbins || !(d->nimages > 0))) {
            rc = dl_fail(err, DL_EINVAL, "%s:%zu: models_correct must be 0..%zu", path,
                         csv->row_line[row], d->nbins - 1);
            break;
        }
        if (band >= 0 && !d->band_lo[band]) {
            d->band_lo[band] = dl_calloc(d->nbins, sizeof *d->band_lo[band]);
            d->band_hi[band] = dl_calloc(d->nbins, sizeof *d->band_hi[band]);
            if (!d->band_lo[band] || !d->band_hi[band]) {
                rc = dl_fail(err, DL_ENOMEM, "out of memory");
                break;
            }
            for (size_t b = 0; b < d->nbins; b++)
                d->band_lo[band][b] = d->band_hi[band][b] = NAN;
        }
        if (band >= 0) {
            d->band_lo[band][k] = v[1] / d->nimages;
            d->band_hi[band][k] = v[2] / d->nimages;
        }
        if (strcmp(f[col[0]], "beta_binomial_rho") == 0) {
            d->has_unc = 1;
            d->rho = v[0];
            d->rho_lo = v[1];
            d->rho_hi = v[2];
        }
    }
    if (!rc)
        rc = rp_add_input(r, path, err);
done:
    dl_csv_free(csv);
    free(path);
    return rc;
}

static int load_optional(dl_report *r, rp_ddd *d, const char *dir, dl_error *err)
{
    static const char *const names[] = {"ec_all.csv", "ec_in_between.csv", "agreement.csv"};
    int rc = 0;
    for (int i = 0; i < 3 && !rc; i++) {
        char *path = dl_path_join(dir, names[i]);
        if (!path)
            return dl_fail(err, DL_ENOMEM, "out of memory");
        if (!exists(path))
            rc = i == 2 ? 0 : rp_note(r, "%s not found: its figure is skipped", path);
        else if (i < 2) {
            rc = load_matrix(r, d, path, i == 0 ? &d->ec_all : &d->ec_between, err);
            if (!rc)
                rc = rp_add_input(r, path, err);
        } else
            rc = load_agreement(r, d, path, err);
        free(path);
    }
    if (!rc)
        rc = load_uncertainty(r, d, dir, err);
    if (!rc)
        rc = load_split(r, d, dir, err);
    if (!rc)
        rc = load_classes(r, d, dir, err);
    if (!rc)
        rc = load_decision_file(r, d, dir, err);
    return rc ? rc : load_epoch_decisions(r, d, dir, err);
}

int dl_report_load_ddd(dl_report *r, const char *dir, dl_error *err)
{
    if (r->ddd)
        return dl_fail(err, DL_EINVAL, "%s: the report already holds DDD tables", dir);
    rp_ddd *d = dl_calloc(1, sizeof *d);
    char *hist = dl_path_join(dir, "histogram.csv");
    int rc = 0;
    if (!d || !hist || !(d->dir = dl_strdup(dir))) {
        rc = dl_fail(err, DL_ENOMEM, "out of memory");
        goto done;
    }
    if (!exists(hist)) {
        rc = dl_fail(err, DL_ENOENT,
                     "%s: no histogram.csv (expected the --out folder of "
                     "'dddlab stimuli analyse')",
                     dir);
        goto done;
    }
    if ((rc = load_histogram(d, hist, err)) || (rc = rp_add_input(r, hist, err)))
        goto done;
    size_t hist_models = d->nmodels;
    if ((rc = load_optional(r, d, dir, err)))
        goto done;
    if (d->models && d->nmodels != hist_models)
        rc = dl_fail(err, DL_EINVAL,
                     "%s: %zu rows (0..%zu models correct) but ec_all.csv names "
                     "%zu models",
                     hist, hist_models + 1, hist_models, d->nmodels);
done:
    free(hist);
    if (rc)
        rp_ddd_free(d);
    else
        r->ddd = d;
    return rc;
}

/* The paper's headline, e.g. "With --near 1 (trivial: at least 10 of 11
 * models correct; impossible: at most 1): trivial 46.0% [45.6, 46.4],
 * in-between 42.5% [...], impossible 11.5% [...]"; the intervals of
 * uncertainty.csv (resampling images, else models) when present. */
int rp_ddd_headline(const rp_ddd *d, char *buf, size_t cap)
{
    if (d->near < 0 || cap == 0)
        return -1;
    double total = d->nsplit[DL_STATS_TRIVIAL] + d->nsplit[DL_STATS_IN_BETWEEN] +
                   d->nsplit[DL_STATS_IMPOSSIBLE];
    if (total <= 0)
        return -1;
    int how = d->split_has[1] ? 1 : d->split_has[0] ? 0 : -1;
    size_t n = 0;
    int w = snprintf(buf, cap,
                     "With --near %d (trivial: at least %zu of %zu models correct; impossible: at "
                     "most %d): ",
                     d->near, d->nmodels - (size_t)d->near, d->nmodels, d->near);
    for (int c = DL_STATS_TRIVIAL; c >= DL_STATS_IMPOSSIBLE; c--) {
        if (w < 0 || (n += (size_t)w) >= cap)
            return -1;
        const char *sep = c == DL_STATS_TRIVIAL ? "" : ", ", *name = dl_stats_difficulty_name(c);
        if (how >= 0)
            w = snprintf(buf + n, cap - n, "%s%s %.1f%% [%.1f, %.1f]", sep, name,
                         100 * d->nsplit[c] / total, 100 * d->split_lo[how][c],
                         100 * d->split_hi[how][c]);
        else
            w = snprintf(buf + n, cap - n, "%s%s %.1f%%", sep, name, 100 * d->nsplit[c] / total);
    }
    if (w < 0 || (n += (size_t)w) >= cap)
        return -1;
    if (how >= 0)
        snprintf(buf + n, cap - n, " (%g%% bootstrap intervals, resampling %s)", 100 * d->unc_conf,
                 how == 1 ? "images" : "models");
    return 0;
}
