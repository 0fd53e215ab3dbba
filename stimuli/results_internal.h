/* results_internal.h — the state of the results reader (results*.c). */
#ifndef DL_RESULTS_INTERNAL_H
#define DL_RESULTS_INTERNAL_H

#include <regex.h>

#include "dl_stimuli.h"
#include "stimuli_internal.h"

/* Results of one model in one epoch, growing with the image index. */
typedef struct stim_rd_vec {
    uint64_t *seen, *corr;
    size_t words;
    size_t count;      /* images with a result */
    size_t first_line; /* first row of this (model, epoch) */
} stim_rd_vec;

typedef struct stim_rd_model {
    stim_rd_vec *ep; /* one per epoch slot (slot 0 without epochs) */
    size_t nep;
    size_t first_line; /* first row naming the model */
    const char *file;  /* the file of that row */
    /* Label/prediction input: whether some prediction equals some label;
     * until then the distinct predictions (canonical form), so that the
     * finish can tell "no overlap" from "never right". */
    int shares;
    dl_names *pending;
} stim_rd_model;

typedef struct rd {
    const char *path; /* the file being read */
    const dl_stimuli_read_opts *opts;
    const char *file_model; /* stem of the file: the model without a model column */
    int explicit_cols;      /* a column option was given: ignore unused columns */
    const char *cn_model, *cn_image, *cn_label, *cn_pred, *cn_correct, *cn_epoch;
    regex_t re;
    int has_re;
    int *c_preds; /* top-k prediction columns (timm index_0, index_1, ...) */
    size_t npreds;
    dl_names gt;        /* --labels: image names ... */
    char **gt_label;    /* ... and their labels */
    size_t *image_file; /* per image: index into files */
    const char *const *files;
    size_t file_idx;
    char **warnings;
    size_t nwarnings;
    struct npy_ctx *npy; /* NumPy input: array order and labels (npy_results.c) */
    dl_error *err;
    dl_stimuli_format fmt;
    size_t ncols;
    int header_done;
    /* columns (-1 when absent) */
    int c_image, c_model, c_correct, c_label, c_pred, c_epoch, c_ncorrect, c_nmodels;
    int c_path, c_class, c_superclass, c_label_error, c_wnid, c_class_idx;
    size_t *wide_col; /* wide: column of model m */
    uint64_t *wblk;   /* wide: per model, the bits of the current 64 images */
    size_t wblk_word; /* ... which are word wblk_word of every row */
    dl_names images, models;
    size_t img_cap; /* capacity of the per-image arrays below */
    size_t *image_line;
    size_t *label_line; /* long: line where an image's label was first seen */
    size_t label_cap;
    uint32_t *n_correct; /* counts input */
    char **ipath, **cls, **super;
    int8_t *lerr;
    unsigned counts_m;
    size_t counts_m_line;
    long *epochs; /* in order of appearance */
    size_t nepochs, last_epoch;
    stim_rd_model *mv;
    size_t nmv;
    dl_names *exclude;
    unsigned char *exclude_hit;
    size_t excluded;
    /* bytes of the files before this one, and of all, for opts->progress */
    size_t bytes_before, bytes_total, bytes_done;
} rd;

/* Equality of a label and a prediction: as numbers when both parse as
 * finite numbers (65 == 65.0), else as text. */
int stim_rd_values_equal(const char *a, const char *b);
/* The canonical form of a value for sets: a number as %.17g, else the text. */
void stim_rd_canon(const char *s, char *buf, size_t size);
/* Whether label is among the first k entries of the prediction list s
 * (k == 0: s is one value unless bracketed, then its first entry). Adds the
 * entries looked at to seen (may be NULL) in canonical form. */
int stim_rd_pred_match(const char *s, const char *label, unsigned k, int *match, dl_names *seen);
/* The image name of a raw value: --image-regex, else the format's default
 * (mvh: without the trial/subject prefix, timm: the base name). Writes into
 * buf; DL_EINVAL (message in r->err, naming FILE:LINE) when it does not fit. */
int stim_rd_image_name(rd *r, const char *raw, size_t line, char *buf, size_t size);
/* Append a warning (printf-style). */
int stim_rd_warn(rd *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* --labels FILE into r->gt / r->gt_label. */
int stim_rd_read_labels(rd *r, const char *path);
/* The true label of an image from --labels, or NULL. */
const char *stim_rd_gt_label(const rd *r, const char *image);
/* Accuracy-0 warnings after the bits are built. */
int stim_rd_model_warnings(rd *r, const dl_stimuli_results *res);

/* The dl_csv_stream callback of the CSV formats. */
int stim_rd_on_row(void *ctx, char **f, size_t n, size_t line);
/* Read a .npy / .npz file into the reader (npy_results.c). */
int stim_rd_read_npy(rd *r, const char *path);
void stim_rd_npy_free(rd *r);
void stim_rd_free(rd *r);
/* Wide: move the current 64-image block of bits into the rows. */
void stim_rd_wide_flush(rd *r);

/* Index of image name (added when new); *skip when --exclude names it. */
int stim_rd_add_image(rd *r, const char *name, size_t line, size_t *idx, int *skip);
/* Record the label of an image; a different label than before is an error. */
int stim_rd_set_label(rd *r, const char *label, size_t img, size_t line);
/* Index of a model (added when new). */
int stim_rd_model_index(rd *r, const char *model, size_t line, size_t *m);
/* Record one result of model m for image img in epoch slot e; a second
 * result is an error naming line (epoch: its text, or NULL). */
int stim_rd_put(rd *r, size_t m, size_t img, size_t e, int v, size_t line, const char *epoch);

/* The header row: detect or check the format, find the columns. */
int stim_rd_header(rd *r, char **f, size_t n, size_t line);
/* Parse 0/1/true/false (case-insensitive, surrounding blanks allowed). */
int stim_rd_parse01(const char *s, int *v);
/* Metadata columns (path, class, wnid, label, superclass, label_error) of a
 * one-row-per-image file. */
int stim_rd_meta_row(rd *r, char **f, size_t img, size_t line, const char *path);
/* Check completeness and move everything into a results object. */
int stim_rd_finish(rd *r, dl_stimuli_results **out);
/* --exclude FILE: names one per line, or an 'image' column. */
int stim_rd_read_exclude(const char *path, dl_names *names, dl_error *err);
/* --images-csv FILE: overrides metadata of the images it names. */
int stim_rd_read_images_csv(const char *path, dl_stimuli_results *res, dl_error *err);
/* Set has_class / has_label_error. */
void stim_rd_meta_flags(dl_stimuli_results *res);

#endif
