/* results_internal.h — the state of the results reader (results*.c). */
#ifndef DL_RESULTS_INTERNAL_H
#define DL_RESULTS_INTERNAL_H

#include "dl_stimuli.h"
#include "stimuli_internal.h"

/* Results of one model in one epoch, growing with the image index. */
typedef struct rd_vec {
    uint64_t *seen, *corr;
    size_t words;
    size_t count;      /* images with a result */
    size_t first_line; /* first row of this (model, epoch) */
} rd_vec;

typedef struct rd_model {
    rd_vec *ep; /* one per epoch slot (slot 0 without epochs) */
    size_t nep;
    size_t first_line; /* first row naming the model */
} rd_model;

typedef struct rd {
    const char *path;
    dl_error *err;
    dl_stimuli_format fmt;
    size_t ncols;
    int header_done;
    /* columns (-1 when absent) */
    int c_image, c_model, c_correct, c_label, c_pred, c_epoch, c_ncorrect, c_nmodels;
    int c_path, c_class, c_superclass, c_label_error, c_wnid, c_class_idx;
    size_t *wide_col; /* wide: column of model m */
    st_names images, models;
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
    rd_model *mv;
    size_t nmv;
    st_names *exclude;
    unsigned char *exclude_hit;
    size_t excluded;
    dl_progress progress;
} rd;

/* The header row: detect or check the format, find the columns. */
int rd_header(rd *r, char **f, size_t n, size_t line);
/* Parse 0/1/true/false (case-insensitive, surrounding blanks allowed). */
int rd_parse01(const char *s, int *v);
/* Metadata columns (path, class, wnid, label, superclass, label_error) of a
 * one-row-per-image file. */
int rd_meta_row(rd *r, char **f, size_t img, size_t line, const char *path);
/* Check completeness and move everything into a results object. */
int rd_finish(rd *r, dl_stimuli_results **out);
/* --exclude FILE: names one per line, or an 'image' column. */
int rd_read_exclude(const char *path, st_names *names, dl_error *err);
/* --images-csv FILE: overrides metadata of the images it names. */
int rd_read_images_csv(const char *path, dl_stimuli_results *res, dl_error *err);
/* Set has_class / has_label_error. */
void rd_meta_flags(dl_stimuli_results *res);

#endif
