/* dl_set.h — the records of a stimulus set: its images, items and the set
 * itself. stimuli/ builds them, sessions/ stores and reads them, experiment/
 * shows them; they live here so that none of those depends on another for
 * three plain types. */
#ifndef DL_SET_H
#define DL_SET_H

#include <stddef.h>
#include <stdint.h>

/* One image of a set. Paths are relative to the set's image root. */
typedef struct dl_set_image {
    char *path;      /* relative path, as shown to the observer */
    char sha256[65]; /* of the file's bytes */
    int width_px, height_px;
    char *difficulty;    /* "trivial" | "in-between" | "impossible" */
    double frac_correct; /* fraction of models correct; NaN if unknown */
    char *class_label;   /* image class, or NULL */
    int label_error;     /* 1, 0, or -1 when unknown */
} dl_set_image;

/* One item of a set: a 2AFC pair (a = trivial, b = impossible) or a rating
 * image (a only; b unused). */
typedef struct dl_set_item {
    int index;        /* 0-based position in the set (practice items first) */
    int practice;     /* 1 for practice items, kept apart from the main items */
    int trivial_left; /* 2AFC: 1 when the trivial image goes on the left */
    dl_set_image a;
    dl_set_image b;
} dl_set_item;

typedef struct dl_stim_set {
    int64_t id;
    char *name;
    char *task; /* "2afc" | "rating" */
    char *created_utc;
    uint64_t seed;
    char *params_json;    /* the parameters the set was built with */
    char *results_sha256; /* of the model-results file */
    char *image_root;     /* where the images were when the set was built */
    char *content_sha256; /* hash over the items, for merge */
    size_t nitems;
    dl_set_item *items;
} dl_stim_set;

/* Free a set and its items; accepts NULL. */
void dl_stim_set_free(dl_stim_set *set);

#endif
