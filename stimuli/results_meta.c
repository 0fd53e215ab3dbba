/* results_meta.c — the files beside the results: image metadata
 * (--images-csv) and the images to leave out (--exclude). */
#include "results_internal.h"

#include <stdlib.h>
#include <string.h>

int stim_rd_read_exclude(const char *path, dl_names *names, dl_error *err)
{
    dl_csv *csv = NULL;
    int rc = dl_csv_read(path, &csv, err);
    if (rc)
        return rc;
    int col = dl_csv_col(csv, "image");
    if (col < 0 && csv->ncols != 1) {
        rc = dl_fail(
            err, DL_EINVAL,
            "%s:1: expected one image name per line or a column 'image' (found %zu columns)", path,
            csv->ncols);
        goto done;
    }
    size_t idx;
    /* Without an 'image' column the first line is a name, not a header. */
    if (col < 0 && dl_names_add(names, csv->header[0], NULL, &idx, NULL) != 0)
        goto oom;
    if (col < 0)
        col = 0;
    for (size_t i = 0; i < csv->nrows; i++) {
        const char *s = csv->rows[i][col];
        if (s[0] && dl_names_add(names, s, NULL, &idx, NULL) != 0)
            goto oom;
    }
    goto done;
oom:
    rc = dl_fail(err, DL_ENOMEM, "%s: out of memory", path);
done:
    dl_csv_free(csv);
    return rc;
}

static int check_columns(const dl_csv *csv, dl_error *err)
{
    static const char *const known[] = {"image",       "path", "class", "superclass",
                                        "label_error", "wnid", "label"};
    const size_t nknown = sizeof known / sizeof *known;
    for (size_t c = 0; c < csv->ncols; c++) {
        size_t k = 0;
        while (k < nknown && strcmp(csv->header[c], known[k]) != 0)
            k++;
        if (k == nknown)
            return dl_fail(err, DL_EINVAL,
                           "%s:1: unknown column '%s' in an images file (allowed: image, path, "
                           "class, superclass, label_error, wnid, label)",
                           csv->path, csv->header[c]);
    }
    int col;
    return dl_csv_require_col(csv, "image", &col, err);
}

static int replace(char **slot, const char *s)
{
    if (s[0] == '\0')
        return 0;
    char *copy = dl_strdup(s);
    if (!copy)
        return DL_ENOMEM;
    free(*slot);
    *slot = copy;
    return 0;
}

/* One row; class comes from 'class', else 'wnid', else 'label'. */
static int apply_row(const dl_csv *csv, size_t row, size_t img, dl_stimuli_results *res,
                     dl_error *err)
{
    char **f = csv->rows[row];
    int c;
    if ((c = dl_csv_col(csv, "path")) >= 0 && replace(&res->image_path[img], f[c]) != 0)
        return DL_ENOMEM;
    const char *cls = NULL;
    static const char *const class_cols[] = {"label", "wnid", "class"};
    for (int k = 0; k < 3; k++)
        if ((c = dl_csv_col(csv, class_cols[k])) >= 0 && f[c][0])
            cls = f[c];
    if (cls && replace(&res->class_label[img], cls) != 0)
        return DL_ENOMEM;
    if ((c = dl_csv_col(csv, "superclass")) >= 0 && replace(&res->superclass[img], f[c]) != 0)
        return DL_ENOMEM;
    if ((c = dl_csv_col(csv, "label_error")) >= 0) {
        int v;
        if (dl_is_missing(f[c]))
            return 0;
        if (stim_rd_parse01(f[c], &v) != 0)
            return dl_fail(err, DL_EINVAL,
                           "%s:%zu: column 'label_error': expected 0, 1, true or false, found '%s'",
                           csv->path, csv->row_line[row], f[c]);
        res->label_error[img] = (int8_t)v;
    }
    return 0;
}

int stim_rd_read_images_csv(const char *path, dl_stimuli_results *res, dl_error *err)
{
    dl_csv *csv = NULL;
    dl_names seen = {0};
    int rc = dl_csv_read(path, &csv, err);
    if (rc || (rc = check_columns(csv, err)) != 0)
        goto done;
    /* Rebuild an index of the result's images (the reader's is gone). */
    dl_names index = {0};
    for (size_t i = 0; i < res->nimages; i++) {
        size_t k;
        if (dl_names_add(&index, res->images[i], NULL, &k, NULL) != 0) {
            dl_names_free(&index);
            rc = dl_fail(err, DL_ENOMEM, "%s: out of memory", path);
            goto done;
        }
    }
    int ci = dl_csv_col(csv, "image");
    size_t *first = dl_calloc(csv->nrows, sizeof *first);
    for (size_t row = 0; first && row < csv->nrows && !rc; row++) {
        const char *name = csv->rows[row][ci];
        size_t k;
        int is_new;
        if (dl_names_add(&seen, name, NULL, &k, &is_new) != 0) {
            rc = dl_fail(err, DL_ENOMEM, "%s: out of memory", path);
            break;
        }
        if (!is_new) {
            rc = dl_fail(err, DL_EINVAL, "%s:%zu: duplicate image '%s' (first on line %zu)", path,
                         csv->row_line[row], name, first[k]);
            break;
        }
        first[k] = csv->row_line[row];
        long img = dl_names_find(&index, name);
        /* Metadata may describe more images than the results have. */
        if (img >= 0 && (rc = apply_row(csv, row, (size_t)img, res, err)) == DL_ENOMEM)
            rc = dl_fail(err, DL_ENOMEM, "%s: out of memory", path);
    }
    if (!first)
        rc = dl_fail(err, DL_ENOMEM, "%s: out of memory", path);
    free(first);
    dl_names_free(&index);
done:
    dl_names_free(&seen);
    dl_csv_free(csv);
    return rc;
}
