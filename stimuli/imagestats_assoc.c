/* imagestats_assoc.c — how the image statistics relate to difficulty: the
 * per-image difficulty file, correlations with the fraction of models
 * correct and summaries per difficulty class. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "imagestats_internal.h"

static int by_name(const void *a, const void *b)
{
    int c = strcmp(((const imgstats_named *)a)->name, ((const imgstats_named *)b)->name);
    if (c)
        return c;
    size_t x = ((const imgstats_named *)a)->i, y = ((const imgstats_named *)b)->i;
    return x < y ? -1 : x > y;
}

imgstats_named *imgstats_index_build(const char *const *names, size_t n)
{
    imgstats_named *ix = dl_calloc(n, sizeof *ix);
    if (!ix)
        return NULL;
    for (size_t i = 0; i < n; i++)
        ix[i] = (imgstats_named){names[i], i};
    qsort(ix, n, sizeof *ix, by_name);
    return ix;
}

long imgstats_index_find(const imgstats_named *ix, size_t n, const char *name)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(ix[mid].name, name) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < n && strcmp(ix[lo].name, name) == 0 ? (long)ix[lo].i : -1;
}

/* Column positions of a difficulty file. */
typedef struct diff_cols {
    int image, frac, n_correct, n_models, cls;
} diff_cols;

static int find_cols(const dl_csv *csv, int class_column, diff_cols *c, dl_error *err)
{
    int rc = dl_csv_require_col(csv, "image", &c->image, err);
    if (rc)
        return rc;
    c->frac = dl_csv_col(csv, "frac_correct");
    c->n_correct = dl_csv_col(csv, "n_correct");
    c->n_models = dl_csv_col(csv, "n_models");
    if (c->frac < 0 && (c->n_correct < 0 || c->n_models < 0))
        return dl_fail(err, DL_EINVAL,
                       "%s:1: no column 'frac_correct' (nor 'n_correct' and 'n_models')",
                       csv->path);
    c->cls = dl_csv_col(csv, "difficulty");
    if (c->cls < 0)
        c->cls = dl_csv_col(csv, "stimulus_class");
    if (c->cls < 0 && class_column)
        c->cls = dl_csv_col(csv, "class");
    return 0;
}

static int row_frac(const dl_csv *csv, const diff_cols *c, size_t r, double *frac, dl_error *err)
{
    char **f = csv->rows[r];
    size_t line = csv->row_line[r];
    if (c->frac >= 0) {
        if (dl_is_missing(f[c->frac])) {
            *frac = NAN;
            return 0;
        }
        if (dl_parse_double(f[c->frac], frac) != 0 || *frac < 0 || *frac > 1)
            return dl_fail(err, DL_EINVAL, "%s:%zu: frac_correct '%s' is not a number in 0..1",
                           csv->path, line, f[c->frac]);
        return 0;
    }
    long k, m;
    if (dl_parse_long(f[c->n_models], &m) != 0 || m <= 0)
        return dl_fail(err, DL_EINVAL, "%s:%zu: n_models '%s' is not a positive whole number",
                       csv->path, line, f[c->n_models]);
    if (dl_parse_long(f[c->n_correct], &k) != 0 || k < 0 || k > m)
        return dl_fail(err, DL_EINVAL, "%s:%zu: n_correct '%s' is not a whole number in 0..%ld",
                       csv->path, line, f[c->n_correct], m);
    *frac = (double)k / (double)m;
    return 0;
}

static int8_t class_of_frac(double frac)
{
    if (isnan(frac))
        return -1;
    return frac >= 1 ? DL_STATS_TRIVIAL : frac <= 0 ? DL_STATS_IMPOSSIBLE : DL_STATS_IN_BETWEEN;
}

static int read_rows(const dl_csv *csv, const diff_cols *c, const imgstats_named *ix, size_t n,
                     double *frac, int8_t *difficulty, size_t *line_of, dl_error *err)
{
    for (size_t r = 0; r < csv->nrows; r++) {
        const char *name = csv->rows[r][c->image];
        long i = imgstats_index_find(ix, n, name);
        if (i < 0)
            continue;
        if (line_of[i])
            return dl_fail(err, DL_EINVAL, "%s:%zu: duplicate image '%s' (first on line %zu)",
                           csv->path, csv->row_line[r], name, line_of[i]);
        line_of[i] = csv->row_line[r];
        int rc = row_frac(csv, c, r, &frac[i], err);
        if (rc)
            return rc;
        difficulty[i] = class_of_frac(frac[i]);
        const char *cls = c->cls >= 0 ? csv->rows[r][c->cls] : "";
        if (!dl_is_missing(cls)) {
            int k = dl_stats_difficulty_parse(cls);
            if (k < 0)
                return dl_fail(err, DL_EINVAL,
                               "%s:%zu: difficulty '%s' is not trivial, in-between or impossible",
                               csv->path, csv->row_line[r], cls);
            difficulty[i] = (int8_t)k;
        }
    }
    return 0;
}

int dl_imgstats_difficulty_read(const char *path, int class_column, const char *const *images,
                                size_t n, double *frac_correct, int8_t *difficulty, size_t *matched,
                                dl_error *err)
{
    dl_csv *csv = NULL;
    imgstats_named *ix = NULL;
    size_t *line_of = NULL;
    for (size_t i = 0; i < n; i++) {
        frac_correct[i] = NAN;
        difficulty[i] = -1;
    }
    int rc = dl_csv_read(path, &csv, err);
    if (rc)
        return rc;
    diff_cols c;
    if ((rc = find_cols(csv, class_column, &c, err)) != 0)
        goto done;
    line_of = dl_calloc(n, sizeof *line_of);
    if (!line_of || !(ix = imgstats_index_build(images, n))) {
        rc = dl_fail(err, DL_ENOMEM, "%s: out of memory", path);
        goto done;
    }
    if ((rc = read_rows(csv, &c, ix, n, frac_correct, difficulty, line_of, err)) != 0)
        goto done;
    if (matched) {
        *matched = 0;
        for (size_t i = 0; i < n; i++)
            *matched += line_of[i] != 0;
    }
done:
    free(ix);
    free(line_of);
    dl_csv_free(csv);
    return rc;
}

int dl_imgstats_associate(const dl_imgstats_row *rows, const double *frac_correct,
                          const int8_t *difficulty, size_t n,
                          dl_imgstats_assoc out[DL_IMGSTATS_NSTATS], dl_error *err)
{
    double *x = dl_calloc(n, sizeof *x), *v = dl_calloc(n, sizeof *v);
    if (!x || !v) {
        free(x);
        free(v);
        return dl_fail(err, DL_ENOMEM, "out of memory");
    }
    for (int s = 0; s < DL_IMGSTATS_NSTATS; s++) {
        dl_imgstats_assoc *a = &out[s];
        memset(a, 0, sizeof *a);
        for (size_t i = 0; i < n; i++)
            x[i] = rows[i].error ? NAN : dl_imgstats_value(&rows[i].stats, s);
        const char *why = NULL;
        dl_stats_pearson(x, frac_correct, n, &a->pearson, &why);
        a->why = why;
        why = NULL;
        dl_stats_spearman(x, frac_correct, n, &a->spearman, &why);
        if (!a->why)
            a->why = why;
        for (int k = 0; k < 3; k++) {
            size_t m = 0;
            for (size_t i = 0; i < n; i++)
                if (difficulty[i] == k && !isnan(x[i]))
                    v[m++] = x[i];
            dl_stats_summary(v, m, &a->by_class[k]);
        }
    }
    free(x);
    free(v);
    return 0;
}
