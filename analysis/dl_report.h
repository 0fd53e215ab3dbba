/* dl_report.h — the results section of a paper, from collected responses.
 *
 * A report is filled from one source — the store (2AFC trials or ratings of
 * completed sessions), a long CSV of ratings, or long CSVs of trials (any
 * n-way classification task: a trial is right or wrong) — optionally together
 * with the tables `dddlab stimuli analyse --out` wrote. dl_report_analyse
 * applies the filters and computes everything with the statistics core
 * (definitions in docs/statistics.md); the writers then produce the readable summary,
 * one JSON object, or a folder with CSV tables, figures (PLplot, PNG + SVG)
 * and report.html / report.md.
 *
 * Every function returns 0 or a negative DL_E* code with a message in err
 * ("FILE:LINE: what is wrong" for bad data). Nothing here prints on its own:
 * the text and JSON writers write to the stream they are given. */
#ifndef DL_REPORT_H
#define DL_REPORT_H

#include <regex.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "dl_common.h"
#include "dl_stats.h"

typedef struct dl_report dl_report;

/* ---- sources ----------------------------------------------------------------- */

/* Column names of CSV sources. Required columns must exist; optional ones
 * (class, model accuracy, label error, exclude, rt) are used when present
 * under their default name and must exist when named explicitly. */
typedef struct dl_report_columns {
    const char *observer;    /* default "observer" */
    const char *item;        /* default "item" */
    const char *item_regex;  /* POSIX ERE on the item field; group 1 is the key */
    const char *q[3];        /* ratings: default "q1", "q2", "q3" */
    const char *class_col;   /* trivial | in-between | impossible; default "difficulty" */
    const char *model_acc;   /* fraction of models correct; default "frac_correct" */
    const char *label_error; /* 1 = a confirmed label error; default "label_error" */
    const char *exclude;     /* rows with 1 here are dropped; no default */
    const char *correct;     /* trials: 0/1; default "correct" unless response/truth */
    const char *response;    /* trials: correct when response equals truth ... */
    const char *truth;       /* ... a missing response (time-out) counts as wrong */
    const char *rt;          /* response time; default "rt_ms" */
    double rt_to_ms;         /* factor to milliseconds: 1 (ms, default) or 1000 (s) */
    int explicit_optional;   /* set by the CLI per named optional column: see below */
} dl_report_columns;

/* Bits of dl_report_columns.explicit_optional: the column was named by the
 * user, so its absence is an error rather than "not available". */
enum {
    DL_REPORT_COL_CLASS = 1,
    DL_REPORT_COL_MODEL_ACC = 2,
    DL_REPORT_COL_LABEL_ERROR = 4,
    DL_REPORT_COL_RT = 8
};

void dl_report_columns_default(dl_report_columns *c);

dl_report *dl_report_new(void);    /* NULL when out of memory */
void dl_report_free(dl_report *r); /* accepts NULL */

/* Flags of dl_report_load_store. */
enum {
    DL_REPORT_INCLUDE_INCOMPLETE = 1, /* running, aborted and crashed sessions too */
    DL_REPORT_INCLUDE_SIMULATED = 2   /* sessions a simulated observer answered too */
};

/* Load the trials or ratings of sessions on set_name (NULL = every set) from
 * the database at db_path (opened read-only). Completed sessions of real
 * observers only unless flags say otherwise (a note says how many were left
 * out); practice items are left out. Fails with a clear message when
 * nothing is left, and when the database holds both 2AFC and rating
 * sessions but no set was named. Ratings follow the questions the sessions
 * asked (all answers rows, sessions.questions_json); sessions whose question
 * lists differ in keys, types, levels or number of labels are an error
 * naming two of them. Lists that differ only in wording (a translation) are
 * analysed together with the first session's texts and labels, and a note. */
int dl_report_load_store(dl_report *r, const char *db_path, const char *set_name, int flags,
                         dl_error *err);

/* Load a long CSV of ratings (one row per observer and item) or of trials
 * (one row per trial). May be called for several files of the same kind
 * (e.g. one file per observer). */
int dl_report_load_ratings_csv(dl_report *r, const char *path, const dl_report_columns *cols,
                               dl_error *err);
int dl_report_load_trials_csv(dl_report *r, const char *path, const dl_report_columns *cols,
                              dl_error *err);
/* dl_report_load_trials_csv of path, or of every *.csv in it (name order)
 * when path is a folder; a folder without one is DL_ENOENT. */
int dl_report_load_trials_path(dl_report *r, const char *path, const dl_report_columns *cols,
                               dl_error *err);

/* Everything `dddlab analyse` reads, loaded in this order: the sessions of
 * a store (db, set and DL_REPORT_INCLUDE_* flags as dl_report_load_store),
 * CSV files of ratings and of trials (files or folders, read with cols), a
 * `stimuli analyse --out` folder (ddd). Unused sources are NULL / 0. */
typedef struct dl_report_sources {
    const char *db, *set;
    int include;
    const char *const *ratings, *const *trials;
    size_t nratings, ntrials;
    dl_report_columns cols;
    const char *ddd;
} dl_report_sources;
int dl_report_load_sources(dl_report *r, const dl_report_sources *s, dl_error *err);

/* The figure of `stimuli imagestats --out` (report_imgfig.c), drawn here so
 * the command line does not link PLplot: values is nstats x n (row s holds
 * statistic s of every image, NaN when unknown), cls[i] the
 * dl_stats_difficulty of image i (-1 none), class_names indexed by
 * dl_stats_difficulty. Each panel shows the classes trivial first. Writes
 * DIR/imagestats.png (1600 x 800, one panel per statistic). */
typedef struct dl_report_imgfig {
    size_t n, nstats;
    const double *values;
    const int8_t *cls;
    const char *const *stat_names;
    const char *class_names[3];
} dl_report_imgfig;
int dl_report_imagestats_figure(const dl_report_imgfig *f, const char *dir, dl_error *err);

/* One convention for the fields of a trials CSV, shared by the report's
 * loader and `consistency` (report_trialcsv.c).
 * Correctness: 1, 0, true or false, the words in any case; an empty or missing
 * field (dl_is_missing) is wrong. Anything else -> DL_EINVAL. */
int dl_report_parse_correct(const char *s, uint8_t *correct);
/* The item key of a field: the whole field, or with re (REG_EXTENDED, may
 * be NULL) the first group when it has one, else the whole match. A field
 * the regex does not match, or whose first group takes no part in the
 * match, -> DL_EINVAL (the caller names FILE:LINE). *key points into s;
 * no length limit. */
int dl_report_item_key(const regex_t *re, const char *s, const char **key, size_t *len);
/* Compile pattern (POSIX ERE) for --item-regex into re; DL_EINVAL with
 * "bad --item-regex 'P': WHY" when it is not a regex. */
int dl_report_item_regex(regex_t *re, const char *pattern, dl_error *err);

/* ---- the one reader of trial CSV rows ------------------------------------------- */

/* The reader of a trials CSV (report_trialcsv.c), used by the report's
 * loader and by dl_consistency: where the observer, the item and right or
 * wrong are, and the same messages for the same faults. Columns come from
 * cols (observer, item, item_regex, and correct or response + truth; with
 * neither, "correct"). A repeated item is not the reader's business: the
 * analyses let an observer's first answer to an item count
 * (docs/analysis.md). */
typedef struct dl_trialcsv {
    const dl_report_columns *cols;
    const char *path;
    regex_t re;
    int has_re;
    int c_obs, c_item, c_correct, c_resp, c_truth;
} dl_trialcsv;

/* One row: observer and item key point into the fields (the key is
 * key_len bytes, not NUL-terminated when a regex cut it). */
typedef struct dl_trialcsv_row {
    const char *observer;
    const char *key;
    size_t key_len;
    uint8_t correct;
} dl_trialcsv_row;

/* Compile cols->item_regex (dl_report_item_regex). dl_trialcsv_close frees. */
int dl_trialcsv_open(dl_trialcsv *t, const dl_report_columns *cols, dl_error *err);
/* The header of path: the columns must exist ("FILE:1: no column ..."). */
int dl_trialcsv_header(dl_trialcsv *t, const char *path, char **fields, size_t n, dl_error *err);
/* Read one data row (as many fields as the header): "FILE:LINE: ..." when
 * the observer or item is missing, the item does not match the regex,
 * correct is not 1/0/true/false, or the right answer is missing. */
int dl_trialcsv_read(const dl_trialcsv *t, char **f, size_t line, dl_trialcsv_row *row,
                     dl_error *err);
void dl_trialcsv_close(dl_trialcsv *t);

/* ---- error consistency of trials CSVs (`dddlab consistency`) ------------------- */

typedef struct dl_report_ec_opts {
    dl_report_columns cols;  /* observer, item, item_regex, correct | response + truth */
    const char *by;          /* one analysis per value of this column; NULL: one */
    dl_ec_boundary boundary; /* kappa when c_exp = 1 */
    dl_ec_boot_opts boot;    /* boot.replicates == 0: no bootstrap */
    dl_progress_fn progress; /* bytes read of each file; may be NULL */
    void *progress_ctx;
} dl_report_ec_opts;

typedef struct dl_report_ec dl_report_ec;

/* Read the trials CSVs paths[0..npaths) as one (dl_trialcsv; a file with a
 * header and no rows is an error) and compute error consistency between
 * every pair of observers over the items both saw, per group of o->by. An
 * observer's first answer to an item counts (within a group); later ones are
 * counted (dl_report_ec_repeats) and left out, as in the report. */
int dl_report_ec_run(const char *const *paths, size_t npaths, const dl_report_ec_opts *o,
                     dl_report_ec **out, dl_error *err);
size_t dl_report_ec_repeats(const dl_report_ec *e);
/* The table, one JSON object, or the CSV (a row per pair and a "mean" row
 * per group, NaN as NA) on out. */
void dl_report_ec_write_text(const dl_report_ec *e, FILE *out);
void dl_report_ec_write_json(const dl_report_ec *e, FILE *out);
void dl_report_ec_write_csv(const dl_report_ec *e, FILE *out);
void dl_report_ec_free(dl_report_ec *e); /* accepts NULL */

/* ---- reliability of a ratings CSV (`dddlab reliability`) ----------------------- */

typedef struct dl_report_rel_opts {
    const char *coder_col, *unit_col, *value_col; /* the long CSV's columns */
    dl_level level;
    int pairwise;            /* alpha of every pair of coders */
    int per_coder;           /* leave-one-out and mean pairwise alpha per coder */
    dl_alpha_boot_opts boot; /* boot.replicates == 0: no bootstrap */
    dl_progress_fn progress; /* bytes read of the file; may be NULL */
    void *progress_ctx;
} dl_report_rel_opts;

typedef struct dl_report_rel dl_report_rel;

/* Read the long CSV at path (one row per coder, unit and value; an empty
 * value, NA or NaN is missing; a second row for a coder and unit is an error
 * naming both lines) and compute Krippendorff's alpha, Cohen's and Fleiss'
 * kappa (dl_stats_reliability). */
int dl_report_rel_run(const char *path, const dl_report_rel_opts *o, dl_report_rel **out,
                      dl_error *err);
/* The table, one JSON object, or the CSV of the alphas on out. */
void dl_report_rel_write_text(const dl_report_rel *r, FILE *out);
void dl_report_rel_write_json(const dl_report_rel *r, FILE *out);
void dl_report_rel_write_csv(const dl_report_rel *r, FILE *out);
void dl_report_rel_free(dl_report_rel *r); /* accepts NULL */

/* ---- the exact binomial test (`dddlab binomial`, report_binom.c) ---------------- */

/* b as a table (a p below 1e-300 as "< 1e-300" with its log10) or one JSON
 * object {k, n, p0, alternative, conf_level, p_value, log10_p, estimate,
 * ci_low, ci_high}. */
void dl_report_binom_write(const dl_binom *b, dl_alternative alt, int json, FILE *out);

/* ---- the tables of `dddlab plan` (report_plan.c) -------------------------------- */

/* 2AFC: every accuracy x power target. */
typedef struct dl_report_plan_2afc_in {
    const double *acc, *power;
    size_t nacc, npower;
    double alpha, chance;
    unsigned nmax; /* give up beyond this many trials */
} dl_report_plan_2afc_in;
void dl_report_plan_2afc(const dl_report_plan_2afc_in *p, int json, FILE *out);

/* Error consistency: every kappa x half-width, the rest from base. */
typedef struct dl_report_plan_ec_in {
    const double *kappa, *half_width;
    size_t nkappa, nhw;
    dl_plan_ec_opts base;
} dl_report_plan_ec_in;
int dl_report_plan_ec(const dl_report_plan_ec_in *p, int json, FILE *out, dl_error *err);

/* Krippendorff's alpha: a grid of study sizes until the interval is at most
 * width wide, then bisection; the table is written only when it is done. */
int dl_report_plan_alpha(const dl_alpha_plan_opts *o, double width, int json, FILE *out,
                         dl_error *err);

/* Read the tables of `dddlab stimuli analyse --out DIR`: histogram.csv,
 * ec_all.csv, ec_in_between.csv and, when present, per_image.csv and
 * agreement.csv. */
int dl_report_load_ddd(dl_report *r, const char *dir, dl_error *err);

/* ---- analysis ---------------------------------------------------------------------- */

typedef struct dl_report_options {
    const char *const *exclude_observers; /* codes to leave out */
    size_t nexclude_observers;
    const char *exclude_items_path; /* item keys, one per line ('#' comments) */
    int exclude_label_errors;
    int balance_classes; /* subsample trivial/in-between/impossible to equal size */
    uint64_t seed;       /* of the GSL RNG that subsamples */
    double chance;       /* accuracy of guessing: 0.5 for 2AFC (default) */
    /* Error consistency: the c_exp = 1 convention, and a bootstrap of every
     * pair and of the mean (ec_boot.replicates 0: none; default seed 1,
     * level 0.95). */
    dl_ec_boundary ec_boundary;
    dl_ec_boot_opts ec_boot;
    /* Krippendorff's alpha: bootstrap replicates over items (0 = none), their
     * seed (default 1) and level (default 0.95); see dl_alpha_boot_run. */
    size_t alpha_bootstrap;
    uint64_t alpha_seed;
    double alpha_conf;
} dl_report_options;

void dl_report_options_default(dl_report_options *o);

/* Apply the filters and compute every result. May be called again with
 * other options; earlier results are dropped. */
int dl_report_analyse(dl_report *r, const dl_report_options *opt, dl_error *err);

/* ---- results (valid until the next analyse or free) ------------------------------ */

typedef struct dl_report_observer {
    const char *code;
    size_t trials, correct;
    double accuracy;
    double ci_low, ci_high;          /* Clopper-Pearson, 95 %, two-sided */
    double p_greater;                /* exact binomial test against chance, one-sided */
    double p_two_sided;              /* as R's binom.test */
    double rt_median_ms, rt_mean_ms; /* NaN without response times */
} dl_report_observer;

typedef struct dl_report_trials {
    size_t nobservers, nitems, ntrials;
    double chance;
    const dl_report_observer *observers;
    dl_stats_summary_t accuracy; /* over observers */
    /* Error consistency over the items both saw (first answer per item),
     * nobservers x nobservers row-major; NaN where undefined. */
    const double *ec;
    const size_t *ec_items;       /* items each pair both saw */
    dl_stats_summary_t ec_pairs;  /* over pairs i < j with a defined kappa */
    size_t ec_undefined;          /* pairs whose kappa is undefined */
    size_t ec_boundary_undefined; /* of those, pairs with c_exp = 1 */
    dl_ec_boundary ec_boundary;   /* the convention used */
    /* With a bootstrap (ec_boot.replicates > 0), else NULL / NaN: percentile
     * intervals per pair (nobservers x nobservers) and of the mean. */
    const double *ec_ci_low, *ec_ci_high;
    double ec_mean_ci_low, ec_mean_ci_high;
    dl_ec_boot_opts ec_boot;
} dl_report_trials;

#define DL_REPORT_NCLASS 3 /* the dl_stats_difficulty classes */

typedef struct dl_report_answer {
    int value;
    const char *label;          /* its label ("No", "Maybe", ...); NULL for counts */
    size_t n;                   /* ratings with this answer, all observers */
    double mean_model_accuracy; /* NaN when unknown */
    /* indexed by dl_stats_difficulty (DL_STATS_TRIVIAL, ...), not in the
     * trivial-first order the tables print */
    size_t nclass[DL_REPORT_NCLASS];
    double frac_class[DL_REPORT_NCLASS]; /* of the answers with a known class */
} dl_report_answer;

/* Answer types of a rating question (as the experiment file names them). */
typedef enum dl_report_qtype {
    DL_REPORT_Q_COUNT,    /* a number 0-9 */
    DL_REPORT_Q_ORDERED,  /* one of ordered labels, coded 0, 1, ... */
    DL_REPORT_Q_UNORDERED /* one of unordered labels, coded 0, 1, ... */
} dl_report_qtype;

#define DL_REPORT_MAXQ 9 /* questions of a rating task */

typedef struct dl_report_question {
    const char *name; /* its key: "q1" */
    const char *text; /* the question as the sessions asked it (their language) */
    dl_report_qtype type;
    size_t nlabels;                    /* answer labels; 0 for a count */
    const char *const *labels;         /* value k is labels[k] */
    dl_level level;                    /* of its agreement (the experiment file's choice) */
    dl_alpha alpha;                    /* overall; alpha.alpha NaN when undefined */
    const char *alpha_why;             /* reason when undefined, else NULL */
    dl_stats_summary_t pairwise_alpha; /* over observer pairs with a defined alpha */
    dl_stats_summary_t pairwise_r;     /* Pearson r over observer pairs */
    dl_corr r_with_model_accuracy;     /* mean answer per item vs fraction of models correct */
    size_t nanswers;
    const dl_report_answer *answers; /* ascending value */
    int has_alpha_boot;              /* options.alpha_bootstrap > 0 */
    dl_alpha_boot alpha_boot;        /* interval, p_below, method, seed */
    const double *alpha_without;     /* per observer: leave-one-out alpha */
    const double *alpha_mean_pair;   /* per observer: mean pairwise alpha */
} dl_report_question;

/* The questions are those the sessions asked (sessions.questions_json; the
 * paper's three for a version-1 file, sessions without definitions and CSV
 * input): q[0 .. nquestions-1]. */
typedef struct dl_report_ratings {
    size_t nobservers, nitems, nratings;
    size_t nquestions;
    dl_report_question q[DL_REPORT_MAXQ];
} dl_report_ratings;

/* NULL when the report holds no trials / no ratings (or before analyse). */
const dl_report_trials *dl_report_get_trials(const dl_report *r);
const dl_report_ratings *dl_report_get_ratings(const dl_report *r);

/* ---- output --------------------------------------------------------------------- */

/* The readable summary: aligned tables. */
void dl_report_write_text(const dl_report *r, FILE *out);
/* One JSON object (NaN -> null). Keys: see docs/analysis.md. */
void dl_report_write_json(const dl_report *r, FILE *out);
/* Create dir and write the CSV tables, the figures (PNG and SVG) and
 * report.html / report.md naming command_line, the software version and
 * revision and the SHA-256 of every input. Each file is written atomically. */
int dl_report_write_dir(const dl_report *r, const char *dir, const char *command_line,
                        dl_error *err);
/* "dddlab ARGV..." with every argument a shell would split or expand in
 * single quotes, for dl_report_write_dir (report_cmdline.c); NULL when out
 * of memory, else free() it. */
char *dl_report_command_line(int argc, const char *const *argv);

#endif
