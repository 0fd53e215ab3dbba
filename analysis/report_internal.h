/* report_internal.h — private to analysis/report*.c: the report handle, the
 * loaded responses and the helpers the report files share. */
#ifndef DL_REPORT_INTERNAL_H
#define DL_REPORT_INTERNAL_H

#include <stdint.h>

#include "dl_report.h"

/* Difficulty classes are dl_stats_difficulty (analysis/dl_stats.h) everywhere
 * in the report: items, and every per-class array is indexed by its values.
 * Outputs list the classes easiest first, so they walk from DL_STATS_TRIVIAL
 * down to DL_STATS_IMPOSSIBLE. */

typedef struct rp_item {
    int cls;          /* dl_stats_difficulty; -1 unknown */
    double model_acc; /* NaN unknown */
    int label_error;  /* 1, 0, -1 unknown */
} rp_item;

typedef struct rp_trial {
    uint32_t obs, item;
    uint8_t correct;
    double rt_ms; /* NaN when unknown */
} rp_trial;

typedef struct rp_rating {
    uint32_t obs, item;
    double q[DL_REPORT_MAXQ]; /* per question of r->questions; NaN missing */
    uint32_t src;             /* input index + 1 for a CSV row, 0 for the store */
    uint32_t line;
} rp_rating;

/* One rating question's definition (report_questions.c); owns its strings. */
typedef struct rp_qdef {
    char key[16]; /* "q1" */
    char *text;
    dl_report_qtype type;
    dl_level level;
    size_t nopt;
    char **opt; /* labels; value k is opt[k] */
} rp_qdef;

typedef struct rp_qlist {
    size_t n;
    rp_qdef q[DL_REPORT_MAXQ];
    int paper; /* the paper's three as analyse has always worded them */
} rp_qlist;

/* The paper's three questions (Experiment 2). 0 or DL_ENOMEM. */
int rp_qlist_paper(rp_qlist *out);
/* Parse a session's questions_json (experiment/config.c writes it): an array
 * of 1-9 objects {"key", "text", "type", "level", "options"}. DL_EINVAL with
 * the problem in err (no file name: the caller prefixes where it came from). */
int rp_qlist_parse(const char *json, rp_qlist *out, dl_error *err);
void rp_qlist_clear(rp_qlist *q);
/* 1 when a and b ask the same questions: keys, types, levels and number of
 * labels (wording may differ, e.g. a translation). */
int rp_qlist_same(const rp_qlist *a, const rp_qlist *b);
/* 1 when texts and labels are the same too. */
int rp_qlist_same_words(const rp_qlist *a, const rp_qlist *b);
/* "q1 count interval, q2 ordered ordinal (3 labels), ..." into buf. */
void rp_qlist_describe(const rp_qlist *q, char *buf, size_t cap);
/* Index of the question named key; -1 when absent. */
int rp_qlist_find(const rp_qlist *q, const char *key);
const char *rp_qtype_name(dl_report_qtype t);

typedef struct rp_input {
    char *path;
    char sha256[65];
} rp_input;

/* The tables of `stimuli analyse --out` (report_ddd.c). */
typedef struct rp_ddd {
    char *dir;
    size_t nbins;             /* models + 1 */
    double *images;           /* per number of models correct */
    double *fraction;         /* observed, of all images */
    double *binomial;         /* expected fraction; NaN when absent */
    double *poisson_binomial; /* expected fraction; NaN when absent */
    double nimages;
    size_t nmodels;
    char **models;               /* from ec_all.csv; NULL when absent */
    double *ec_all, *ec_between; /* nmodels^2, NaN undefined; NULL when absent */
    /* decisions: per image (sorted by fraction correct) x model, 0/1 */
    size_t ndec_images;
    uint8_t *decisions; /* ndec_images x nmodels; NULL when unavailable */
    /* agreement over epochs */
    size_t nepochs, nseries;
    double *epochs;
    char **series_names;
    double *series; /* nseries x nepochs */
    /* uncertainty.csv of `stimuli analyse --bootstrap` (has_unc 0 without) */
    int has_unc;
    int split_has[2];    /* [0] resampling models, [1] images */
    double split_est[DL_REPORT_NCLASS]; /* by dl_stats_difficulty, as the two below */
    double split_lo[2][DL_REPORT_NCLASS], split_hi[2][DL_REPORT_NCLASS];
    double rho, rho_lo, rho_hi;
    double unc_replicates, unc_seed, unc_conf;
    double *band_lo[2], *band_hi[2]; /* nbins; fraction of images, [0] binomial,
                                        [1] Poisson-binomial; NULL when absent */
    /* per_image.csv: the split as `stimuli analyse` made it */
    int near;            /* its --near K; -1 unknown (no per_image.csv or no split) */
    double nsplit[DL_REPORT_NCLASS]; /* images by dl_stats_difficulty */
    double *label_error; /* nbins: images with label_error = 1; NULL without the column */
    /* class_accuracy.csv: classes by rank (most accurate first); 0 when absent */
    size_t nclasses;
    double *class_acc;             /* mean fraction of models correct */
    double *class_split[DL_REPORT_NCLASS]; /* images by dl_stats_difficulty */
    char **class_names;            /* NULL when the file has no class column */
    double *class_min, *class_max; /* least / most accurate model; NaN unknown */
    double *class_images;          /* images per class; NaN unknown */
    /* epoch_decisions.csv, images in the decisions figure's order (dec_row
     * below); 0 / NULL when absent */
    size_t nedec;        /* epochs */
    double *edec_epoch;  /* ascending */
    uint8_t *edec;       /* nedec x ndec_images x nmodels: 0, 1, 2 = no result */
    uint32_t *dec_row;   /* sorted position -> row of decisions.csv */
    dl_names *dec_names; /* image names of decisions.csv, in its row order */
} rp_ddd;

void rp_ddd_free(rp_ddd *d);
/* The split stated in one sentence into buf; -1 when per_image.csv gave no split. */
int rp_ddd_headline(const rp_ddd *d, char *buf, size_t cap);

/* The results of the last dl_report_analyse (report_trials.c, report_ratings.c). */
typedef struct rp_results {
    uint32_t *obs_kept; /* report observer index of result observer i */
    size_t nobs;
    uint32_t *obs_map;  /* report observer index -> result index or UINT32_MAX */
    uint32_t *item_map; /* report item index -> result index or UINT32_MAX */
    dl_report_trials trials;
    int has_trials;
    dl_report_observer *observers;
    double *ec;
    size_t *ec_items;
    double *ec_ci_low, *ec_ci_high; /* nobs x nobs with a bootstrap, else NULL */
    dl_report_ratings ratings;
    int has_ratings;
    dl_report_answer *answers[DL_REPORT_MAXQ];
    double *item_mean[DL_REPORT_MAXQ]; /* per result item: mean answer over observers */
    uint32_t *items_kept;              /* report item index of result item j */
    size_t nitems;
    double *pair_alpha[DL_REPORT_MAXQ], *pair_r[DL_REPORT_MAXQ]; /* nobs x nobs, NaN diagonal */
    size_t *pair_units[DL_REPORT_MAXQ];                          /* items both answered */
    size_t *ratings_per_obs;
    double *obs_mean[DL_REPORT_MAXQ];
    double *alpha_loo[DL_REPORT_MAXQ], *alpha_mean_pair[DL_REPORT_MAXQ]; /* per observer */
} rp_results;

void rp_results_free(rp_results *res);
/* Fill res->obs_kept/items_kept (natural order of names) and the maps with
 * the observers and items that have a kept trial (ratings == 0) or rating. */
int rp_map_kept(dl_report *r, const uint8_t *keep_obs, const uint8_t *keep_item, int ratings,
                dl_error *err);

struct dl_report {
    dl_names obs, items;
    rp_item *item; /* parallel to items */
    size_t item_cap;
    rp_trial *trials;
    size_t ntrials, trials_cap;
    rp_rating *ratings;
    size_t nratings, ratings_cap;
    rp_qlist questions; /* of the ratings (n 0 before any are loaded) */
    int task_2afc;      /* trials came from a 2AFC set in the store */
    char *source;       /* one line saying where the responses came from */
    rp_input *inputs;
    size_t ninputs;
    size_t ncsv, csv_first; /* CSV inputs of responses: how many, the first */
    char **notes;           /* things the reader should know (skips, duplicates) */
    size_t nnotes;
    size_t nnotes_loaded; /* notes before the first analysis */
    int analysed_before;
    rp_ddd *ddd;
    dl_report_options opt;
    char **excluded_obs; /* copies of opt's lists, for the report page */
    size_t nexcluded_obs;
    char *exclude_items_path;
    size_t dropped_label_error, dropped_balance, dropped_items_file;
    int analysed;
    rp_results res;
};

/* report.c */
int rp_note(dl_report *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int rp_add_input(dl_report *r, const char *path, dl_error *err);
int rp_item_slot(dl_report *r, const char *key, uint32_t *idx);
int rp_push_trial(dl_report *r, const rp_trial *t);
int rp_push_rating(dl_report *r, const rp_rating *x);
int rp_set_source(dl_report *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* report_trials.c / report_ratings.c: compute from the kept observers and
 * items (keep flags indexed by report indices). */
int rp_analyse_trials(dl_report *r, const uint8_t *keep_obs, const uint8_t *keep_item,
                      dl_error *err);
int rp_analyse_ratings(dl_report *r, const uint8_t *keep_obs, const uint8_t *keep_item,
                       dl_error *err);

/* report_json.c, report_text.c helpers */
void rp_json_summary(dl_json *j, const dl_stats_summary_t *s);

/* report_tables.c */
int rp_write_tables(const dl_report *r, const char *dir, dl_error *err);
/* report_codebook.c: codebook.csv (table, column, meaning, unit, labels)
 * for the tables written; nothing for --ddd alone. */
int rp_write_codebook(const dl_report *r, const char *dir, dl_error *err);
/* report_figures.c: writes NAME.png and NAME.svg; *names gets the figure
 * base names written (static strings), *nnames how many: at most
 * RP_MAX_FIGURES (8 of a DDD folder and 3 of trials or 2 of ratings today). */
#define RP_MAX_FIGURES 16
int rp_write_figures(const dl_report *r, const char *dir, const char **names, size_t *nnames,
                     dl_error *err);
/* The caption of a figure by base name ("" if unknown). */
const char *rp_figure_caption(const char *name);
/* report_page.c */
int rp_write_pages(const dl_report *r, const char *dir, const char *command_line,
                   const char *const *figures, size_t nfigures, dl_error *err);

#endif
