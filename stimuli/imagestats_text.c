/* imagestats_text.c — the report of `stimuli imagestats` on a stream: the
 * images (without --out), the summary, the relation to difficulty and the
 * epochs as text, or the --json object. */
#include <math.h>
#include <stdio.h>

#include "dl_stimuli.h"
#include "stimuli_internal.h"

/* The classes as the files list them, trivial first. */
static const dl_stats_difficulty class_order[3] = STIM_DISPLAY_ORDER;

/* One right-aligned number after a space; "-" when it is undefined (a
 * correlation of a constant statistic, the SD of one image), never "nan". */
static void cell(FILE *out, int width, int prec, int general, double v)
{
    char buf[64] = "-";
    if (isfinite(v))
        snprintf(buf, sizeof buf, general ? "%.*g" : "%.*f", prec, v);
    fprintf(out, " %*s", width, buf);
}

static void print_images(FILE *out, const dl_imgstats_job *j)
{
    fprintf(out, "%-24s", "image");
    for (int s = 0; s < DL_IMGSTATS_NSTATS; s++)
        fprintf(out, " %18s", dl_imgstats_name(s));
    fprintf(out, "\n");
    for (size_t i = 0; i < j->im.n && i < 100; i++) {
        fprintf(out, "%-24s", j->im.names[i]);
        for (int s = 0; s < DL_IMGSTATS_NSTATS; s++)
            if (j->rows[i].error)
                fprintf(out, " %18s", "-");
            else
                cell(out, 18, 6, 1, dl_imgstats_value(&j->rows[i].stats, s));
        fprintf(out, "\n");
    }
    if (j->im.n > 100)
        fprintf(out, "... %zu more images: write them all with --out DIR\n", j->im.n - 100);
    fprintf(out, "\n");
}

static void print_summary(FILE *out, const dl_imgstats_job *j)
{
    const dl_imgstats_opts *o = &j->o.run;
    fprintf(out, "%zu images (%zu skipped), ", j->im.n, j->skipped);
    if (o->size_px)
        fprintf(out, "resized to %d x %d px (%s), ", o->size_px, o->size_px,
                dl_imgstats_filter_name(o->filter));
    fprintf(out, "entropy of the %s gray image, ",
            o->gray == DL_IMGSTATS_GRAY_ROUNDED ? "rounded" : "unrounded");
    fprintf(out, "%d threads\n\n", j->threads);
    fprintf(out, "%-20s %7s %12s %12s %12s %12s %12s\n", "statistic", "n", "mean", "sd", "min",
            "median", "max");
    for (int s = 0; s < DL_IMGSTATS_NSTATS; s++) {
        const dl_stats_summary_t *m = &j->overall[s];
        fprintf(out, "%-20s %7zu", dl_imgstats_name(s), m->n);
        const double v[5] = {m->mean, m->sd, m->min, m->median, m->max};
        for (int k = 0; k < 5; k++)
            cell(out, 12, 6, 1, v[k]);
        fprintf(out, "\n");
    }
}

static void print_difficulty(FILE *out, const dl_imgstats_job *j)
{
    fprintf(out, "\ndifficulty from %s: %zu of %zu images matched\n", j->source, j->matched,
            j->im.n);
    fprintf(out, "%-20s %7s %10s %10s %12s %10s\n", "statistic", "n", "pearson_r", "p",
            "spearman_rho", "p");
    for (int s = 0; s < DL_IMGSTATS_NSTATS; s++) {
        const dl_imgstats_assoc *a = &j->assoc[s];
        fprintf(out, "%-20s %7zu", dl_imgstats_name(s), a->pearson.n);
        cell(out, 10, 4, 0, a->pearson.r);
        cell(out, 10, 3, 1, a->pearson.p_value);
        cell(out, 12, 4, 0, a->spearman.r);
        cell(out, 10, 3, 1, a->spearman.p_value);
        fprintf(out, "\n");
    }
    fprintf(out, "\nmean (SD) per class\n%-20s", "statistic");
    for (int c = 0; c < 3; c++) {
        char head[48];
        snprintf(head, sizeof head, "%s (n=%zu)", dl_stats_difficulty_name(class_order[c]),
                 j->assoc[0].by_class[class_order[c]].n);
        fprintf(out, " %24s", head);
    }
    fprintf(out, "\n");
    for (int s = 0; s < DL_IMGSTATS_NSTATS; s++) {
        fprintf(out, "%-20s", dl_imgstats_name(s));
        for (int c = 0; c < 3; c++) {
            const dl_stats_summary_t *m = &j->assoc[s].by_class[class_order[c]];
            char text[64] = "-";
            if (m->n && isfinite(m->sd))
                snprintf(text, sizeof text, "%.5g (%.3g)", m->mean, m->sd);
            else if (m->n)
                snprintf(text, sizeof text, "%.5g (-)", m->mean);
            fprintf(out, " %24s", text);
        }
        fprintf(out, "\n");
    }
}

static void print_epochs(FILE *out, const dl_imgstats_job *j)
{
    fprintf(out, "\nper epoch: mean statistic of the images all models got right, and TPa\n");
    fprintf(out, "%-8s %8s %9s", "epoch", "tpa", "all_right");
    for (int s = 2; s < DL_IMGSTATS_NSTATS; s++)
        fprintf(out, " %18s", dl_imgstats_name(s));
    fprintf(out, "\n");
    for (size_t e = 0; e < j->nepochs; e++) {
        const dl_imgstats_epoch *ep = &j->epochs[e];
        fprintf(out, "%-8ld", ep->epoch);
        cell(out, 8, 4, 0, ep->tpa);
        fprintf(out, " %9zu", ep->all_right);
        for (int s = 2; s < DL_IMGSTATS_NSTATS; s++)
            cell(out, 18, 6, 1, ep->mean[s]);
        fprintf(out, "\n");
    }
    fprintf(out, "%-8s %8s %9s", "r(TPa)", "", "");
    for (int s = 2; s < DL_IMGSTATS_NSTATS; s++)
        cell(out, 18, 4, 0, j->epoch_corr[s].r);
    fprintf(out, "\n");
}

void dl_imgstats_job_write_text(FILE *out, const dl_imgstats_job *j)
{
    if (!j->o.out)
        print_images(out, j);
    print_summary(out, j);
    if (j->source)
        print_difficulty(out, j);
    if (j->nepochs)
        print_epochs(out, j);
}

void dl_imgstats_job_write_json(FILE *out, const dl_imgstats_job *j)
{
    dl_imgstats_report r = dl_imgstats_job_report(j);
    dl_json js;
    dl_json_init(&js, out);
    dl_imgstats_json(&r, &js);
    dl_json_end(&js);
}

/* One line, not one per image (a large folder can have thousands). */
void dl_imgstats_job_write_skipped(FILE *out, const dl_imgstats_job *j)
{
    if (j->o.out)
        fprintf(out,
                "skipped %zu of %zu images (missing or undecodable), listed in %s/skipped.csv\n",
                j->skipped, j->im.n, j->o.out);
    else
        fprintf(out,
                "skipped %zu of %zu images (missing or undecodable), the first %s:%zu: %s; "
                "--out DIR lists them in DIR/skipped.csv\n",
                j->skipped, j->im.n, j->o.images_csv, j->im.lines[j->first_skipped],
                j->rows[j->first_skipped].error);
}
