/* imagestats_list.c — the image list of `stimuli imagestats`: a CSV with
 * an 'image' column and optionally 'path' (relative to the list's folder or
 * image_root), each name once. */
#include <libgen.h>
#include <stdlib.h>
#include <string.h>

#include "dl_stimuli.h"

void dl_imgstats_list_free(dl_imgstats_list *im)
{
    for (size_t i = 0; im->paths && i < im->n; i++)
        free(im->paths[i]);
    free(im->paths);
    free(im->names);
    free(im->lines);
    dl_csv_free(im->csv);
}

static int by_name(const void *a, const void *b)
{
    const char *const *x = a, *const *y = b;
    int c = strcmp(x[0], y[0]);
    return c ? c : (x[1] > y[1]) - (x[1] < y[1]);
}

/* A repeated image name would make the join with difficulty ambiguous. */
static int check_unique(const dl_imgstats_list *im, dl_error *err)
{
    const char *(*pairs)[2] = dl_calloc(im->n, sizeof *pairs);
    if (!pairs)
        return dl_fail(err, DL_ENOMEM, "out of memory");
    for (size_t i = 0; i < im->n; i++) {
        pairs[i][0] = im->names[i];
        pairs[i][1] = (const char *)&im->lines[i]; /* orders ties by input position */
    }
    qsort(pairs, im->n, sizeof *pairs, by_name);
    int rc = 0;
    for (size_t i = 1; i < im->n && !rc; i++)
        if (strcmp(pairs[i][0], pairs[i - 1][0]) == 0)
            rc = dl_fail(err, DL_EINVAL, "%s:%zu: duplicate image '%s' (first on line %zu)",
                         im->csv->path, *(const size_t *)pairs[i][1], pairs[i][0],
                         *(const size_t *)pairs[i - 1][1]);
    free(pairs);
    return rc;
}

int dl_imgstats_list_read(const char *path, const char *image_root, dl_imgstats_list *im,
                          dl_error *err)
{
    memset(im, 0, sizeof *im);
    int rc = dl_csv_read(path, &im->csv, err), ci;
    if (rc || (rc = dl_csv_require_col(im->csv, "image", &ci, err)) != 0)
        return rc;
    int cp = dl_csv_col(im->csv, "path");
    char *copy = dl_strdup(path);
    const char *root = image_root ? image_root : copy ? dirname(copy) : ".";
    im->n = im->csv->nrows;
    im->names = dl_calloc(im->n, sizeof *im->names);
    im->paths = dl_calloc(im->n, sizeof *im->paths);
    im->lines = dl_calloc(im->n, sizeof *im->lines);
    rc = !copy || !im->names || !im->paths || !im->lines ? DL_ENOMEM : 0;
    for (size_t i = 0; !rc && i < im->n; i++) {
        char **f = im->csv->rows[i];
        im->names[i] = f[ci];
        im->lines[i] = im->csv->row_line[i];
        const char *rel = cp >= 0 && !dl_is_missing(f[cp]) ? f[cp] : f[ci];
        if (!f[ci][0])
            rc = dl_fail(err, DL_EINVAL, "%s:%zu: empty image name", path, im->lines[i]);
        else if (!(im->paths[i] = dl_path_join(root, rel)))
            rc = DL_ENOMEM;
    }
    free(copy);
    if (rc == DL_ENOMEM)
        return dl_fail(err, rc, "%s: out of memory", path);
    if (!rc && im->n == 0)
        rc = dl_fail(err, DL_EINVAL, "%s: no images listed", path);
    return rc ? rc : check_unique(im, err);
}
