/* report_trialsdir.c — what `analyse` reads: every source in one call, and
 * for `--trials PATH` a trials CSV, or a folder whose *.csv files (one per
 * observer, as model-vs-human ships them) are read in name order as one
 * source. */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "dl_report.h"

static int cmp_str(const void *x, const void *y)
{
    return strcmp(*(char *const *)x, *(char *const *)y);
}

/* Every *.csv in dir, in name order; *is_dir = 0 when dir is no folder. */
static int load_dir(dl_report *r, const char *dir, const dl_report_columns *cols, dl_error *err,
                    int *is_dir)
{
    DIR *d = opendir(dir);
    *is_dir = d != NULL;
    if (!d)
        return 0;
    char **names = NULL;
    size_t n = 0, cap = 0;
    int rc = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        size_t len = strlen(e->d_name);
        if (len < 5 || strcmp(e->d_name + len - 4, ".csv") != 0 || e->d_name[0] == '.')
            continue;
        if (dl_grow(&names, &cap, n + 1, sizeof *names) != 0) {
            rc = dl_fail(err, DL_ENOMEM, "out of memory");
            break;
        }
        names[n] = malloc(strlen(dir) + len + 2);
        if (!names[n]) {
            rc = dl_fail(err, DL_ENOMEM, "out of memory");
            break;
        }
        sprintf(names[n++], "%s/%s", dir, e->d_name);
    }
    closedir(d);
    if (!rc && n == 0)
        rc = dl_fail(err, DL_ENOENT, "%s: no .csv files in this folder", dir);
    if (!rc && names)
        qsort(names, n, sizeof *names, cmp_str);
    for (size_t i = 0; !rc && i < n; i++)
        rc = dl_report_load_trials_csv(r, names[i], cols, err);
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    return rc;
}

int dl_report_load_trials_path(dl_report *r, const char *path, const dl_report_columns *cols,
                               dl_error *err)
{
    int is_dir;
    int rc = load_dir(r, path, cols, err, &is_dir);
    return rc || is_dir ? rc : dl_report_load_trials_csv(r, path, cols, err);
}

int dl_report_load_sources(dl_report *r, const dl_report_sources *s, dl_error *err)
{
    int rc = 0;
    if (s->db)
        rc = dl_report_load_store(r, s->db, s->set, s->include, err);
    for (size_t i = 0; !rc && i < s->nratings; i++)
        rc = dl_report_load_ratings_csv(r, s->ratings[i], &s->cols, err);
    for (size_t i = 0; !rc && i < s->ntrials; i++)
        rc = dl_report_load_trials_path(r, s->trials[i], &s->cols, err);
    if (!rc && s->ddd)
        rc = dl_report_load_ddd(r, s->ddd, err);
    return rc;
}
