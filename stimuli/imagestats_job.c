/* imagestats_job.c — `stimuli imagestats` as one call: the image list, the
 * difficulty (model results, a difficulty file or the list's own columns),
 * the statistics of every image, their relation to difficulty and epochs,
 * and the --out folder. The command line only parses options and prints. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dl_stimuli.h"

void dl_imgstats_job_free(dl_imgstats_job *j)
{
    dl_imgstats_rows_clear(j->rows, j->im.n);
    free(j->rows);
    free(j->frac);
    free(j->cls);
    free(j->epochs);
    dl_stimuli_results_free(j->res);
    dl_imgstats_list_free(&j->im);
    j->rows = NULL;
    j->frac = NULL;
    j->cls = NULL;
    j->epochs = NULL;
    j->res = NULL;
}

static int has_difficulty_columns(const dl_csv *csv)
{
    return dl_csv_col(csv, "frac_correct") >= 0 ||
           (dl_csv_col(csv, "n_correct") >= 0 && dl_csv_col(csv, "n_models") >= 0);
}

static int read_difficulty(dl_imgstats_job *j, dl_error *err)
{
    const dl_imgstats_job_opts *o = &j->o;
    const char *const *names = j->im.names;
    if (o->results) {
        int rc = dl_stimuli_results_read(o->results, &o->ro, &j->res, err);
        if (!rc)
            rc = dl_imgstats_difficulty_results(j->res, o->near, names, j->im.n, j->frac, j->cls,
                                                &j->matched, err);
        j->source = o->results;
        return rc;
    }
    const char *path = o->difficulty;
    if (!path && has_difficulty_columns(j->im.csv))
        path = o->images_csv;
    if (!path)
        return 0;
    j->source = path;
    return dl_imgstats_difficulty_read(path, path == o->difficulty, names, j->im.n, j->frac, j->cls,
                                       &j->matched, err);
}

static int prepare(dl_imgstats_job *j, dl_error *err)
{
    int rc = dl_imgstats_list_read(j->o.images_csv, j->o.image_root, &j->im, err);
    if (rc)
        return rc;
    size_t n = j->im.n;
    j->rows = dl_calloc(n, sizeof *j->rows);
    j->frac = dl_calloc(n, sizeof *j->frac);
    j->cls = dl_calloc(n, sizeof *j->cls);
    if (!j->rows || !j->frac || !j->cls)
        return dl_fail(err, DL_ENOMEM, "out of memory");
    for (size_t i = 0; i < n; i++) {
        j->frac[i] = NAN;
        j->cls[i] = -1;
    }
    /* Difficulty first: a bad difficulty file fails before the long part. */
    return read_difficulty(j, err);
}

static int thread_default(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : n > 256 ? 256 : (int)n;
}

static int compute(dl_imgstats_job *j, dl_error *err)
{
    dl_imgstats_opts ro = j->o.run;
    ro.threads = j->threads = ro.threads > 0 ? ro.threads : thread_default();
    size_t bad = 0;
    int rc = dl_imgstats_run((const char *const *)j->im.paths, j->im.n, &ro, j->rows, &bad, err);
    if (rc == DL_ECORRUPT || rc == DL_ENOENT || rc == DL_EIO || rc == DL_EINVAL)
        return dl_fail_prefix(err, "%s:%zu: ", j->o.images_csv, j->im.lines[bad]);
    for (size_t i = 0; !rc && i < j->im.n; i++)
        if (j->rows[i].error && j->skipped++ == 0)
            j->first_skipped = i;
    return rc;
}

static void summarise(dl_imgstats_job *j)
{
    double *v = dl_calloc(j->im.n, sizeof *v);
    for (int s = 0; v && s < DL_IMGSTATS_NSTATS; s++) {
        for (size_t i = 0; i < j->im.n; i++)
            v[i] = j->rows[i].error ? NAN : dl_imgstats_value(&j->rows[i].stats, s);
        dl_stats_summary(v, j->im.n, &j->overall[s]);
    }
    free(v);
}

static int analyse(dl_imgstats_job *j, dl_error *err)
{
    summarise(j);
    if (!j->source)
        return 0;
    int rc = dl_imgstats_associate(j->rows, j->frac, j->cls, j->im.n, j->assoc, err);
    if (rc || !j->res || !j->res->nepochs)
        return rc;
    j->nepochs = j->res->nepochs;
    j->epochs = dl_calloc(j->nepochs, sizeof *j->epochs);
    if (!j->epochs)
        return dl_fail(err, DL_ENOMEM, "out of memory");
    return dl_imgstats_epochs(j->res, j->rows, j->im.names, j->im.n, j->epochs, j->epoch_corr, err);
}

/* The run as imagestats_out.c writes it. */
dl_imgstats_report dl_imgstats_job_report(const dl_imgstats_job *j)
{
    return (dl_imgstats_report){.n = j->im.n,
                                .names = j->im.names,
                                .lines = j->im.lines,
                                .rows = j->rows,
                                .skipped = j->skipped,
                                .source = j->source,
                                .frac = j->frac,
                                .cls = j->cls,
                                .assoc = j->assoc,
                                .epochs = j->epochs,
                                .nepochs = j->nepochs,
                                .matched = j->matched,
                                .overall = j->overall,
                                .epoch_corr = j->epoch_corr,
                                .size_px = j->o.run.size_px,
                                .filter = j->o.run.filter,
                                .gray = j->o.run.gray,
                                .threads = j->threads,
                                .out = j->o.out};
}

int dl_imgstats_job_run(dl_imgstats_job *j, dl_error *err)
{
    int rc = prepare(j, err);
    if (!rc)
        rc = compute(j, err);
    if (!rc)
        rc = analyse(j, err);
    if (!rc && j->o.out) {
        dl_imgstats_report r = dl_imgstats_job_report(j);
        rc = dl_imgstats_write_out(&r, j->o.out, j->o.figure, j->o.figure_ctx, err);
    }
    return rc;
}
