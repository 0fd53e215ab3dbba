/* ddd_files.c — `stimuli analyse --out DIR`: the analysis as CSV files and
 * summary.json. Every file is written to a temporary name first and all are
 * renamed into place only when all were written, so a failure leaves no
 * half-written table. */
#include "dl_stimuli.h"
#include "stimuli_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A number for a CSV cell: NA when undefined, else the fewest digits that round-trip. */
static void num(FILE *f, double x)
{
    dl_csv_write_num(f, x);
}

static void write_per_image(const dl_stimuli_analysis *a, FILE *f)
{
    const dl_stimuli_results *r = a->res;
    fputs(
        "image,n_correct,n_models,fraction_correct,difficulty,class,superclass,label_error,path\n",
        f);
    for (size_t i = 0; i < r->nimages; i++) {
        dl_csv_write_field(f, r->images[i]);
        fprintf(f, ",%u,%u,", r->n_correct[i], a->m);
        num(f, (double)r->n_correct[i] / a->m);
        fprintf(f, ",%s,", dl_stats_difficulty_name(a->difficulty[i]));
        dl_csv_write_field(f, r->class_label[i]);
        fputc(',', f);
        dl_csv_write_field(f, r->superclass[i]);
        fputc(',', f);
        fprintf(f, r->label_error[i] >= 0 ? "%d" : "NA", r->label_error[i]);
        fputc(',', f);
        dl_csv_write_field(f, r->image_path[i] ? r->image_path[i] : r->images[i]);
        fputc('\n', f);
    }
}

/* decisions.csv: image x model 0/1 (the last epoch), the input of the
 * decisions figure (the paper's Figure 4). Counts input has no decisions, so
 * the file is a header only. */
static void write_decisions(const dl_stimuli_analysis *a, FILE *f)
{
    const dl_stimuli_results *r = a->res;
    fputs("image", f);
    for (size_t m = 0; r->correct && m < r->nmodels; m++) {
        fputc(',', f);
        dl_csv_write_field(f, r->models[m]);
    }
    fputc('\n', f);
    if (!r->correct)
        return;
    const dl_bits *b = r->correct;
    for (size_t i = 0; i < r->nimages; i++) {
        dl_csv_write_field(f, r->images[i]);
        for (size_t m = 0; m < r->nmodels; m++) {
            uint64_t w = b->words[m * b->words_per_row + i / 64];
            fputs((w >> (i % 64)) & 1 ? ",1" : ",0", f);
        }
        fputc('\n', f);
    }
}

/* epoch_decisions.csv: per epoch and image, each model's 0/1 (the paper's
 * Figure 8: when in training each image becomes learnable). Epochs
 * ascending, images in the order of decisions.csv within each epoch. Results
 * without an epoch column give the header only. */
static void write_epoch_decisions(const dl_stimuli_analysis *a, FILE *f)
{
    const dl_stimuli_results *r = a->res;
    const dl_bits *b = r->epoch_correct;
    size_t nm = b ? r->nmodels : 0;
    fputs("epoch,image", f);
    for (size_t m = 0; m < nm; m++) {
        fputc(',', f);
        dl_csv_write_field(f, r->models[m]);
    }
    fputc('\n', f);
    for (size_t e = 0; b && e < r->nepochs; e++)
        for (size_t i = 0; i < r->nimages; i++) {
            fprintf(f, "%ld,", r->epochs[e]);
            dl_csv_write_field(f, r->images[i]);
            for (size_t m = 0; m < nm; m++) {
                uint64_t w = b->words[(e * nm + m) * b->words_per_row + i / 64];
                fputs((w >> (i % 64)) & 1 ? ",1" : ",0", f);
            }
            fputc('\n', f);
        }
}

static void write_models(const dl_stimuli_analysis *a, FILE *f)
{
    const dl_stimuli_results *r = a->res;
    size_t n = r->nimages;
    fputs("model,epoch,images,correct,accuracy\n", f);
    for (size_t e = 0; e < a->nepochs; e++)
        for (size_t m = 0; m < r->nmodels; m++) {
            dl_csv_write_field(f, r->models[m]);
            double acc = a->epochs[e].accuracy[m];
            fprintf(f, ",%ld,%zu,%.0f,", a->epochs[e].epoch, n, acc * (double)n);
            num(f, acc);
            fputc('\n', f);
        }
    if (a->nepochs || !a->model_accuracy)
        return;
    for (size_t m = 0; m < r->nmodels; m++) {
        dl_csv_write_field(f, r->models[m]);
        fprintf(f, ",NA,%zu,%.0f,", n, a->model_accuracy[m] * (double)n);
        num(f, a->model_accuracy[m]);
        fputc('\n', f);
    }
}

static void write_histogram(const dl_stimuli_analysis *a, FILE *f)
{
    size_t n = a->res->nimages;
    fputs("n_correct,images,fraction,binomial_expected,poisson_binomial_expected\n", f);
    for (unsigned k = 0; k <= a->m; k++) {
        fprintf(f, "%u,%zu,", k, a->histogram[k]);
        num(f, (double)a->histogram[k] / (double)n);
        fputc(',', f);
        num(f, a->binomial_expected[k]);
        fputc(',', f);
        num(f, a->poisson_binomial_expected ? a->poisson_binomial_expected[k] : NAN);
        fputc('\n', f);
    }
}

static void write_matrix(const dl_stimuli_analysis *a, const double *kappa, FILE *f)
{
    const dl_stimuli_results *r = a->res;
    size_t nm = kappa ? r->nmodels : 0;
    fputs("model", f);
    for (size_t m = 0; m < nm; m++) {
        fputc(',', f);
        dl_csv_write_field(f, r->models[m]);
    }
    fputc('\n', f);
    for (size_t i = 0; i < nm; i++) {
        dl_csv_write_field(f, r->models[i]);
        for (size_t j = 0; j < nm; j++) {
            fputc(',', f);
            num(f, kappa[i * nm + j]);
        }
        fputc('\n', f);
    }
}

static void write_ec_all(const dl_stimuli_analysis *a, FILE *f)
{
    write_matrix(a, a->ec_all, f);
}
static void write_ec_between(const dl_stimuli_analysis *a, FILE *f)
{
    write_matrix(a, a->ec_in_between, f);
}

static void write_classes(const dl_stimuli_analysis *a, FILE *f)
{
    fputs("rank,class,images,accuracy,trivial,in_between,impossible,min_model_accuracy,"
          "max_model_accuracy\n",
          f);
    for (size_t k = 0; k < a->nclasses; k++) {
        const dl_stimuli_class_acc *c = &a->classes[k];
        fprintf(f, "%zu,", k + 1);
        dl_csv_write_field(f, c->name);
        fprintf(f, ",%zu,", c->images);
        num(f, c->accuracy);
        fprintf(f, ",%zu,%zu,%zu,", c->trivial, c->in_between, c->impossible);
        num(f, c->model_min);
        fputc(',', f);
        num(f, c->model_max);
        fputc('\n', f);
    }
}

static void agreement_row(FILE *f, const dl_tpa *t, double mean_acc, unsigned m)
{
    fprintf(f, ",%u,", m);
    num(f, mean_acc);
    fputc(',', f);
    num(f, t->tpa);
    fputc(',', f);
    num(f, t->lower_bound);
    fputc(',', f);
    num(f, t->expected_tpa);
    fputc(',', f);
    num(f, t->expected_all);
    fprintf(f, ",%zu,%zu\n", t->all_right, t->any_right);
}

/* One row per epoch, or one row (epoch NA) for results without epochs. */
static void write_agreement(const dl_stimuli_analysis *a, FILE *f)
{
    fputs("epoch,models,mean_accuracy,tpa,lower_bound,expected_tpa,expected_all,all_right,"
          "any_right\n",
          f);
    for (size_t e = 0; e < a->nepochs; e++) {
        fprintf(f, "%ld", a->epochs[e].epoch);
        agreement_row(f, &a->epochs[e].tpa, a->epochs[e].mean_accuracy, a->m);
    }
    if (!a->nepochs) {
        fputs("NA", f);
        agreement_row(f, &a->tpa, a->mean_accuracy, a->m);
    }
}

static void write_summary(const dl_stimuli_analysis *a, FILE *f)
{
    dl_json j;
    dl_json_init(&j, f);
    dl_stimuli_analysis_json(a, &j);
    dl_json_end(&j);
}

typedef void (*writer_fn)(const dl_stimuli_analysis *a, FILE *f);

static const struct {
    const char *name;
    writer_fn fn;
} files[] = {
    {"per_image.csv", write_per_image},      {"model_accuracy.csv", write_models},
    {"histogram.csv", write_histogram},      {"ec_all.csv", write_ec_all},
    {"ec_in_between.csv", write_ec_between}, {"ec_pairs.csv", stim_ec_pairs_csv},
    {"class_accuracy.csv", write_classes},   {"agreement.csv", write_agreement},
    {"decisions.csv", write_decisions},      {"epoch_decisions.csv", write_epoch_decisions},
    {"codebook.csv", stim_write_codebook},   {"summary.json", write_summary},
};
#define NFILES (sizeof files / sizeof *files)

int dl_stimuli_analysis_write(const dl_stimuli_analysis *a, const char *dir, dl_error *err)
{
    dl_atomic at[NFILES];
    size_t opened = 0;
    int created = 0; /* a new folder goes again when nothing could be written */
    int rc = dl_mkdir_p_new(dir, &created, err);
    if (rc)
        return rc;
    for (; opened < NFILES; opened++) {
        char *path = dl_path_join(dir, files[opened].name);
        if (!path) {
            rc = dl_fail(err, DL_ENOMEM, "%s: out of memory", dir);
            goto fail;
        }
        rc = dl_atomic_open(&at[opened], path, err);
        free(path);
        if (rc)
            goto fail;
        files[opened].fn(a, at[opened].fp);
    }
    /* Everything reaches the disk before the first rename, so a full disk
     * leaves no file rather than the first few. */
    for (size_t i = 0; i < NFILES; i++)
        if ((rc = dl_atomic_flush(&at[i], err)) != 0)
            goto fail;
    for (size_t i = 0; i < NFILES; i++) {
        rc = dl_atomic_commit(&at[i], err);
        if (rc) {
            for (size_t k = i + 1; k < NFILES; k++)
                dl_atomic_abort(&at[k]);
            if (i == 0 && created)
                rmdir(dir);
            return rc;
        }
    }
    return 0;
fail:
    for (size_t i = 0; i < opened; i++)
        dl_atomic_abort(&at[i]);
    if (created)
        rmdir(dir);
    return rc;
}
