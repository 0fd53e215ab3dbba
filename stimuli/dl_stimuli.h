/* dl_stimuli.h — from model results to DDD measures, stimulus sets, the
 * synthetic demo data set and image statistics. Never opens a window. */
#ifndef DL_STIMULI_H
#define DL_STIMULI_H

#include <stddef.h>
#include <stdint.h>

#include "dl_common.h"
#include "dl_stats.h"
#include "dl_set.h"

/* ==== model results, DDD analysis, stimulus sets, demo data ==== */
/* (section owned by stimuli/results*.c, ddd*.c, build*.c, demo*.c) */

/* ---- reading model results --------------------------------------------- */

typedef enum dl_stimuli_format {
    DL_STIMULI_AUTO = 0,   /* detect from the extension and the header */
    DL_STIMULI_LONG = 1,   /* model,image,correct | model,image,label,prediction [,epoch] */
    DL_STIMULI_WIDE = 2,   /* image,<model 1>,<model 2>,... with 0/1 cells */
    DL_STIMULI_COUNTS = 3, /* image,n_correct,n_models (aggregate results only) */
    DL_STIMULI_MVH =
        4, /* model-vs-human raw data: subj,...,object_response,category,...,imagename */
    DL_STIMULI_TIMM = 5, /* timm inference.py: filename,index (top-k) + a labels file */
    DL_STIMULI_NPY = 6   /* NumPy .npy / .npz arrays (docs/stimuli.md) */
} dl_stimuli_format;

/* Parse "auto" / "long" / "wide" / "counts" / "mvh" / "timm" / "npy"; -1 if
 * unknown. */
int dl_stimuli_format_parse(const char *s);
const char *dl_stimuli_format_name(dl_stimuli_format format);

/* Which column means what. NULL fields take the defaults: model, image,
 * label, prediction, correct, epoch (mvh: subj, imagename, category,
 * object_response; timm: filename, index). With any name given, columns the
 * reader does not use are ignored instead of being errors. */
typedef struct dl_stimuli_columns {
    const char *model, *image, *label, *prediction, *correct, *epoch;
    /* POSIX extended regex applied to every image name (results and labels
     * files): its first group, or the whole match without groups, is the
     * name. A name it does not match is an error. NULL: names as written
     * (mvh: the trial and subject prefix is removed, timm: the folder). */
    const char *image_regex;
} dl_stimuli_columns;

typedef struct dl_stimuli_read_opts {
    dl_stimuli_format format; /* DL_STIMULI_AUTO to detect */
    const char *images_csv;   /* image,path,class,superclass,label_error; or NULL */
    const char *exclude;      /* image names to leave out; or NULL */
    dl_stimuli_columns cols;
    /* 0: a prediction is one value; a list ("[3, 17, 65]", "3 17 65") counts
     * by its first entry only when it is bracketed. K >= 1: a prediction is a
     * list and the image is correct when the label is among its first K. */
    unsigned top_k;
    /* The true label of every image: "image,label" rows (a header row naming
     * image/filename and label/class/target is skipped). Needed by timm and by
     * npy predictions; else used for long files without a label column. */
    const char *labels;
    /* npy: the image names in array order, one per line (or an 'image'
     * column); without it, ImageFolder order of --image-root is not known,
     * so images are named by their index. */
    const char *image_list;
    /* Bytes read of all files' sizes (may be NULL): the caller draws it. */
    dl_progress_fn progress;
    void *progress_ctx;
} dl_stimuli_read_opts;

/* Model results in memory. Correctness is bit-packed, one row per model, so
 * 1,000 models x 50,000 images take about 6 MB. Images keep the order in
 * which the results file first names them. Read-only for users. */
typedef struct dl_stimuli_results {
    char *path;               /* results file, as given */
    dl_stimuli_format format; /* as read (never AUTO) */
    size_t nfiles;            /* files read (a folder or glob gives many) */
    /* When path is not one plain file (a folder, a glob, several paths): the
     * SHA-256 of the lines "SHA256  BASENAME\n" of every file read, in order,
     * which dl_stimuli_build records; else "" (build hashes path itself). */
    char sha256[65];
    size_t nimages;
    char **images;             /* image names */
    size_t nmodels;            /* 0 for counts input */
    char **models;             /* model names in order of first appearance */
    unsigned models_per_image; /* M: models that judged every image */
    size_t nepochs;            /* 0 without an epoch column */
    long *epochs;              /* ascending */
    dl_bits *correct;          /* nmodels x nimages (the last epoch); NULL for counts */
    dl_bits *epoch_correct;    /* (nepochs * nmodels) x nimages, row e*nmodels+m; or NULL */
    uint32_t *n_correct;       /* per image: models correct (last epoch) */
    /* image metadata (--images-csv, or the results file itself); entries are
     * NULL / -1 where unknown */
    char **image_path; /* relative path of the image file; NULL -> the name */
    char **class_label;
    char **superclass;
    int8_t *label_error; /* 1, 0, -1 unknown */
    int has_class;       /* some image has a class */
    int has_label_error; /* some image has a known label_error */
    size_t excluded;     /* images left out through --exclude */
    /* Things that look wrong but are not errors, one sentence each naming the
     * model (accuracy 0; predictions that share no value with the labels).
     * The library never prints them: the caller shows them. */
    size_t nwarnings;
    char **warnings;
} dl_stimuli_results;

/* Read a results file. Every error names FILE:LINE (or FILE: array index):
 * unknown columns, duplicate (model, image[, epoch]) rows, a model missing
 * some images, values other than 0/1/true/false, inconsistent n_models.
 * path may be a folder (every .csv / .npy / .npz file in it, sorted) or a
 * glob pattern; each file then holds one model or more. Label and prediction
 * compare as numbers when both are numbers (65 equals 65.0), else as text.
 * Reports the bytes read to opts->progress. */
int dl_stimuli_results_read(const char *path, const dl_stimuli_read_opts *opts,
                            dl_stimuli_results **out, dl_error *err);
/* The same over several paths (each a file, a folder or a glob), read as one
 * data set; a model named in no column is named by its file's stem. */
int dl_stimuli_results_read_many(const char *const *paths, size_t n,
                                 const dl_stimuli_read_opts *opts, dl_stimuli_results **out,
                                 dl_error *err);
void dl_stimuli_results_free(dl_stimuli_results *r); /* accepts NULL */

/* ---- DDD analysis -------------------------------------------------------- */

/* The split of images by n_correct (K = near) into dl_stats_difficulty
 * classes (dl_stats_difficulty_of, dl_stats.h); DL_EINVAL when 2K >= M. */
int dl_stimuli_classify(const dl_stimuli_results *r, unsigned near, uint8_t *difficulty,
                        dl_error *err);

/* Error consistency between the models over one set of images (all, or the
 * in-between ones). Pairs are (a, b), a < b, row by row, as in
 * dl_stats_ec_bootstrap. */
typedef struct dl_stimuli_ec_summary {
    double mean, min, max; /* over model pairs with a defined kappa; NaN if none;
                            * min and max NaN when pairs were sampled */
    size_t pairs;          /* pairs with a defined kappa (of the sample, when sampled) */
    size_t undefined;      /* pairs left out: kappa missing (expected agreement 1) */
    size_t images;         /* images compared */
    size_t sampled;        /* 0: every pair; else the pairs drawn (models > ec_max_models) */
    double sample_se;      /* standard error of a sampled mean; NaN otherwise */
    size_t *right;         /* per model: images right among those; NULL when sampled */
    uint64_t *both_right;  /* per pair: images both right; NULL when sampled */
    /* dl_stimuli_ec_uncertainty: percentile intervals (NULL / NaN before) */
    double *ci_low, *ci_high;                  /* per pair */
    size_t *defined;                           /* per pair: replicates with a defined kappa */
    double mean_ci_low, mean_ci_high, mean_se; /* the mean's interval and bootstrap SD */
    size_t mean_defined;                       /* replicates with a defined mean */
} dl_stimuli_ec_summary;

/* Above this many models `stimuli analyse` keeps no M x M error-consistency
 * matrix (two of them need 16 M^2 bytes and O(M^2 N) time): the mean kappa is
 * then estimated from DL_STIMULI_EC_SAMPLE_PAIRS pairs drawn at random
 * (seeded), with its standard error. */
#define DL_STIMULI_EC_MAX_MODELS 2000
#define DL_STIMULI_EC_SAMPLE_PAIRS 100000
/* Fisher's exact test costs up to ~60 us per pair at 50,000 images (its
 * walk is as long as the table is far from independence), so ec_pairs.csv
 * leaves p_value empty above this many models (300: ~5 s at 50,000 images). */
#define DL_STIMULI_EC_FISHER_MAX_MODELS 300

typedef struct dl_stimuli_class_acc {
    const char *name; /* borrowed from the results */
    size_t images;
    double accuracy; /* mean fraction of models correct */
    size_t trivial, in_between, impossible;
    /* the least and the most accurate model on the class's images (the
     * spread over models); NaN for counts input */
    double model_min, model_max;
} dl_stimuli_class_acc;

typedef struct dl_stimuli_epoch {
    long epoch;
    double *accuracy; /* per model */
    double mean_accuracy;
    dl_tpa tpa; /* true-positive agreement of all models */
} dl_stimuli_epoch;

typedef struct dl_stimuli_analysis {
    const dl_stimuli_results *res; /* borrowed */
    unsigned near;
    unsigned m;                        /* models per image */
    double *model_accuracy;            /* nmodels (none for counts) */
    double mean_accuracy;              /* over all models and images */
    size_t *histogram;                 /* m + 1: images with k models correct */
    double *binomial_expected;         /* m + 1: expected images, Binomial(m, mean) */
    double *poisson_binomial_expected; /* m + 1, each model its accuracy; NULL for counts */
    uint8_t *difficulty;               /* per image, dl_stats_difficulty */
    size_t trivial, in_between, impossible;
    double *ec_all;        /* nmodels^2 kappas; NULL for counts */
    double *ec_in_between; /* the same over in-between images only */
    dl_stimuli_ec_summary ec_all_summary, ec_in_between_summary;
    dl_ec_boundary ec_boundary;  /* kappa when the expected agreement is 1 */
    size_t ec_max_models;        /* the limit in force */
    size_t ec_fisher_max_models; /* above it no Fisher p per pair */
    int ec_sampled;              /* 1: models > ec_max_models, no matrices */
    uint64_t ec_seed;            /* of the pair sample */
    size_t ec_replicates;        /* dl_stimuli_ec_uncertainty's; 0 = none */
    uint64_t ec_boot_seed;
    double ec_conf;
    size_t nclasses;               /* 0 when no class is known */
    dl_stimuli_class_acc *classes; /* easiest first */
    size_t nepochs;
    dl_stimuli_epoch *epochs;
    dl_tpa tpa;                           /* of the (last-epoch) results */
    const struct dl_stimuli_ddd_unc *unc; /* borrowed; when set, JSON adds "uncertainty" */
} dl_stimuli_analysis;

/* Everything `dddlab stimuli analyse` reports. threads <= 0: one per core.
 * Error consistency under DL_EC_BOUNDARY_UNDEFINED, at most
 * DL_STIMULI_EC_MAX_MODELS for the matrices, sample seed 1. */
int dl_stimuli_analyse(const dl_stimuli_results *r, unsigned near, int threads,
                       dl_stimuli_analysis **out, dl_error *err);

typedef struct dl_stimuli_analyse_opts {
    unsigned near;
    int threads;
    dl_ec_boundary ec_boundary;
    size_t ec_max_models;        /* 0: DL_STIMULI_EC_MAX_MODELS */
    uint64_t ec_seed;            /* seeds the pair sample above ec_max_models */
    size_t ec_fisher_max_models; /* 0: DL_STIMULI_EC_FISHER_MAX_MODELS */
} dl_stimuli_analyse_opts;

/* dl_stimuli_analyse with every option. */
int dl_stimuli_analyse_with(const dl_stimuli_results *r, const dl_stimuli_analyse_opts *o,
                            dl_stimuli_analysis **out, dl_error *err);

/* Percentile bootstrap intervals of every pair's error consistency and of
 * the mean over pairs, on all images and on the in-between ones
 * (dl_stats_ec_bootstrap: images resampled, one draw shared by all pairs; the
 * in-between images are resampled among themselves). o->boundary is set to
 * the analysis's. A no-op for counts input or sampled pairs. */
int dl_stimuli_ec_uncertainty(dl_stimuli_analysis *a, const dl_ec_boot_opts *o, dl_error *err);
void dl_stimuli_analysis_free(dl_stimuli_analysis *a); /* accepts NULL */

/* The analysis as one JSON object (keys in docs/stimuli.md). */
void dl_stimuli_analysis_json(const dl_stimuli_analysis *a, dl_json *j);

/* ---- uncertainty of the DDD measures (ddd_uncertainty.c) ---------------------- */

typedef struct dl_stimuli_ddd_unc {
    size_t replicates;
    uint64_t seed;
    double conf;
    int has_models;              /* per-model results: the split by models */
    dl_ddd_split_ci by_models;   /* fractions' intervals, resampling models */
    dl_ddd_split_ci by_images;   /* resampling images */
    double *binom_lo, *binom_hi; /* m + 1: pointwise band of the binomial */
    double *pb_lo, *pb_hi;       /* the same for the Poisson-binomial; NULL for counts */
    dl_betabin betabin;          /* beta-binomial fit of the histogram */
    int betabin_rc;              /* DL_EUNDEF when it cannot be fitted */
    double rho_low, rho_high;    /* rho's interval, resampling images */
} dl_stimuli_ddd_unc;

/* Every interval of the analysis from `replicates` bootstrap replicates
 * (seeded; see docs/statistics.md). Fails only on bad arguments or memory. */
int dl_stimuli_ddd_uncertainty(const dl_stimuli_analysis *a, size_t replicates, uint64_t seed,
                               double conf, dl_stimuli_ddd_unc *out, dl_error *err);
void dl_stimuli_ddd_unc_free(dl_stimuli_ddd_unc *u);
/* Key "uncertainty" and its object, inside an open JSON object. */
void dl_stimuli_ddd_unc_json(const dl_stimuli_ddd_unc *u, unsigned m, dl_json *j);
/* DIR/uncertainty.csv (atomically): measure, models_correct, resampling,
 * estimate, low, high, interval, replicates, seed, conf; measures
 * split_trivial / split_in_between / split_impossible (fractions),
 * beta_binomial_rho, binomial_band and poisson_binomial_band (images). */
int dl_stimuli_ddd_unc_write(const dl_stimuli_analysis *a, const dl_stimuli_ddd_unc *u,
                             const char *dir, dl_error *err);

/* Write per_image.csv, model_accuracy.csv, histogram.csv, ec_all.csv,
 * ec_in_between.csv, ec_pairs.csv, class_accuracy.csv, agreement.csv, decisions.csv and
 * summary.json into dir (created if missing), each atomically. */
int dl_stimuli_analysis_write(const dl_stimuli_analysis *a, const char *dir, dl_error *err);

/* ---- `stimuli analyse` as one call (analyse_run.c, analyse_text.c) ---------- */

typedef struct dl_stimuli_analyse_job {
    const char *const *paths; /* results: files, folders or globs, read as one */
    size_t npaths;
    dl_stimuli_read_opts ro;
    dl_stimuli_analyse_opts ao;
    size_t replicates;   /* > 0: dl_stimuli_ddd_uncertainty and _ec_uncertainty */
    uint64_t seed;       /* of the replicates */
    double conf;         /* of their intervals */
    const char *out_dir; /* the tables (dl_stimuli_analysis_write, and
                          * uncertainty.csv with replicates), or NULL */
    /* what the run found; res stays set after a later step failed (its warnings) */
    dl_stimuli_results *res;
    dl_stimuli_analysis *a;
    dl_stimuli_ddd_unc unc;
} dl_stimuli_analyse_job;

/* Read, analyse, bootstrap and write as j asks (the outputs zeroed). Free
 * with dl_stimuli_analyse_job_free in any case. */
int dl_stimuli_analyse_run(dl_stimuli_analyse_job *j, dl_error *err);
void dl_stimuli_analyse_job_free(dl_stimuli_analyse_job *j);

/* The text report: the results, split, histogram, model accuracy, error
 * consistency, classes and agreement; the bootstrap's intervals; both, and
 * with out_dir the files written. */
void dl_stimuli_analysis_write_text(FILE *out, const dl_stimuli_analysis *a);
void dl_stimuli_ddd_unc_write_text(FILE *out, const dl_stimuli_analysis *a,
                                   const dl_stimuli_ddd_unc *u);
void dl_stimuli_analyse_job_write_text(FILE *out, const dl_stimuli_analyse_job *j);
/* dl_stimuli_analysis_json as one document on out. */
void dl_stimuli_analysis_write_json(FILE *out, const dl_stimuli_analysis *a);

/* ---- stimulus sets --------------------------------------------------------- */

typedef struct dl_stimuli_build_opts {
    const char *name;       /* set name: letters, digits, '.', '_', '-' */
    dl_task task;           /* DL_TASK_2AFC | DL_TASK_RATING */
    const char *image_root; /* image files are image_root/path */
    unsigned near;          /* K of the split */
    uint32_t seed;          /* seeds gsl_rng_mt19937 */
    size_t pairs;           /* 2AFC main pairs (default 149) */
    size_t pool;            /* 2AFC: draw from the K easiest / hardest; 0 = all */
    size_t practice;        /* extra practice items kept apart */
    size_t per_class;       /* rating: images per difficulty (default 100) */
    int balance_classes;    /* rating: spread over image classes */
    int exclude_label_errors;
    const char *demo_ini;    /* non-NULL: write missing images of this demo data set */
    const char *images_csv;  /* recorded in params_json only */
    const char *exclude;     /* recorded in params_json only */
    const char *labels;      /* --labels and --image-list of the reading: regular files */
    const char *image_list;  /* among them enter results_sha256 (see dl_stimuli_build) */
    dl_progress_fn progress; /* items whose images are checked (may be NULL) */
    void *progress_ctx;
} dl_stimuli_build_opts;

/* Defaults: pairs 149, per_class 100, everything else 0/NULL. */
void dl_stimuli_build_defaults(dl_stimuli_build_opts *o);

/* Draw a set from r and check every image (exists under the image root,
 * decodes with SDL2_image, size and SHA-256 recorded). Nothing is stored:
 * pass *out to dl_store_add_set. A missing or corrupt image fails with its
 * path. results_sha256 is computed from r->path (or is r->sha256); when
 * o->labels or o->image_list name regular files, which decide correctness
 * too, it is instead the SHA-256 of the sha256sum-style lines
 * "HASH  results\n", "HASH  labels\n", "HASH  image_list\n" of those given
 * (an --image-list folder is recorded by path only). */
int dl_stimuli_build(const dl_stimuli_results *r, const dl_stimuli_build_opts *o, dl_stim_set **out,
                     dl_error *err);

/* Write the manifest CSV of a set to an open stream (one row per image). */
void dl_stimuli_manifest(const dl_stim_set *set, FILE *out);

/* ---- `stimuli build` as one call (build_run.c, build_text.c) ---------------- */

/* Stores set (dl_store_add_set into the caller's database); set->id is then
 * known. The command line passes it, so stimuli/ does not depend on the store. */
typedef int (*dl_stimuli_store_fn)(void *ctx, dl_stim_set *set, dl_error *err);

/* Write set's manifest (dl_stimuli_manifest) to manifest and store the set,
 * so neither exists without the other: DL_EEXIST when manifest exists; the
 * manifest reaches the disk before store is called and appears only when
 * store succeeded. */
int dl_stimuli_set_save(dl_stim_set *set, const char *manifest, dl_stimuli_store_fn store,
                        void *store_ctx, dl_error *err);

typedef struct dl_stimuli_build_job {
    const char *results;  /* one results path (file, folder or glob) */
    const char *db;       /* the database, named in the report and beside which
                           * the manifest goes by default */
    const char *manifest; /* NULL: NAME.manifest.csv beside db */
    int demo_images;      /* write missing demo images (demo.ini beside results) */
    int seed_given;       /* else bo.seed is drawn fresh (/dev/urandom) */
    dl_stimuli_read_opts ro;
    dl_stimuli_build_opts bo; /* images_csv, exclude, labels, image_list, demo_ini from ro */
    dl_stimuli_store_fn store;
    void *store_ctx;
    /* what the run made; res stays set after a later step failed (its warnings) */
    dl_stimuli_results *res;
    dl_stim_set *set;
    char *manifest_path, *demo_ini;
} dl_stimuli_build_job;

/* Read, build (a failure says "; set 'NAME' not stored") and save the set
 * with its manifest. Free with dl_stimuli_build_job_free in any case. */
int dl_stimuli_build_run(dl_stimuli_build_job *j, dl_error *err);
void dl_stimuli_build_job_free(dl_stimuli_build_job *j);
/* What was stored, as text or as one JSON object. */
void dl_stimuli_build_job_write_text(FILE *out, const dl_stimuli_build_job *j);
void dl_stimuli_build_job_write_json(FILE *out, const dl_stimuli_build_job *j);

/* Image files are checked by dl_image_read and dl_image_check_buf
 * (common/imghdr.c, declared in dl_common.h): the runner checks its
 * stimuli with the same code before it decodes them. */

/* Check one image file: fills sha256, width_px and height_px of img.
 * DL_ENOENT when missing; otherwise dl_image_read's checks first, then
 * DL_ECORRUPT when SDL2_image cannot decode it. */
int dl_stimuli_probe_image(const char *image_root, const char *rel_path, dl_set_image *img,
                           dl_error *err);

typedef struct dl_stimuli_problem {
    int item;   /* set item index */
    char *path; /* image path relative to the root */
    char *what; /* "missing", "changed (sha256 ...)", ... */
} dl_stimuli_problem;

/* Re-verify every image of a set under image_root (NULL = the set's root):
 * still there, same SHA-256, same size. *problems (length *nproblems) lists
 * what is wrong; free with dl_stimuli_problems_free. */
int dl_stimuli_check(const dl_stim_set *set, const char *image_root, dl_stimuli_problem **problems,
                     size_t *nproblems, size_t *nimages, dl_error *err);
void dl_stimuli_problems_free(dl_stimuli_problem *p, size_t n);
/* The result of dl_stimuli_check under root, as text or as one JSON object
 * (build_text.c). */
void dl_stimuli_check_write_text(FILE *out, const dl_stim_set *set, const char *root,
                                 const dl_stimuli_problem *p, size_t np, size_t nimages);
void dl_stimuli_check_write_json(FILE *out, const dl_stim_set *set, const char *root,
                                 const dl_stimuli_problem *p, size_t np, size_t nimages);

/* ---- the synthetic Gaussian demo data set ------------------------------------ */

typedef struct dl_stimuli_demo {
    unsigned classes;          /* class i = 1..classes has sigma = i (default 100) */
    unsigned images_per_class; /* default 100 */
    unsigned train_per_class;  /* images the classifiers calibrate on (default 20) */
    uint32_t seed;             /* default 1 */
    unsigned size_px;          /* image side the classifiers see (default 32) */
    unsigned png_px;           /* side of the PNGs shown to observers (default 128) */
    dl_progress_fn progress;   /* test images classified by generate (may be NULL) */
    void *progress_ctx;
} dl_stimuli_demo;

void dl_stimuli_demo_defaults(dl_stimuli_demo *d);

/* Number and names of the classifiers of the demo zoo. */
size_t dl_stimuli_demo_nmodels(void);
const char *dl_stimuli_demo_model(size_t i);

/* Write dir/results.csv (long: model,image,label,prediction), dir/images.csv
 * (image,path,class) and dir/demo.ini (the parameters). No PNG is written:
 * dl_stimuli_demo_write_image makes the ones a set needs. */
int dl_stimuli_demo_generate(const dl_stimuli_demo *d, const char *dir, dl_error *err);

/* Read the parameters back from a demo.ini. */
int dl_stimuli_demo_read_ini(const char *path, dl_stimuli_demo *d, dl_error *err);

/* Image name of test image index (0-based, class-major) and back. */
void dl_stimuli_demo_image_name(const dl_stimuli_demo *d, size_t index, char name[64]);
int dl_stimuli_demo_image_index(const dl_stimuli_demo *d, const char *name, size_t *index);

/* Regenerate test image index from (seed, index) and write it as PNG
 * (png_px square, nearest-neighbour scaled) to path, atomically. */
int dl_stimuli_demo_write_image(const dl_stimuli_demo *d, size_t index, const char *path,
                                dl_error *err);

/* What dl_stimuli_demo_generate made in dir in secs seconds, as text (with
 * the next command) or as one JSON object (demo_text.c). */
void dl_stimuli_demo_write_text(FILE *out, const dl_stimuli_demo *d, const char *dir, double secs);
void dl_stimuli_demo_write_json(FILE *out, const dl_stimuli_demo *d, const char *dir, double secs);

/* The experiment file `dddlab demo` runs a task ("2afc" or "rating") of set
 * with: images under root (relative to the file), trial order seed, short
 * procedure, images enlarged; written atomically to path. */
int dl_stimuli_demo_write_experiment(const char *path, const char *task, const char *set,
                                     const char *root, unsigned long long seed, dl_error *err);

/* Observer i (0-based; with person, observer 0 is the person at the screen)
 * of task (0 2afc, 1 rating) in `dddlab demo` with seed: its code ("you",
 * "sim01", ...), the simulated observer's --simulate spec (skill and speed
 * differ between observers) and the trial-order seed of its experiment file,
 * so two demos with one seed show every observer the same order. */
typedef struct dl_stimuli_demo_obs {
    char code[32];
    char spec[128];
    unsigned long long order_seed;
} dl_stimuli_demo_obs;
void dl_stimuli_demo_observer(unsigned long seed, int task, int i, int person,
                              dl_stimuli_demo_obs *o);

/* ==== image statistics (section owned by stimuli/imagestats*.c) ==== */

/* Image statistics after Pliushch et al. (2022), computed on the decoded
 * image (SDL2_image). Exact definitions, conventions and their reasons are
 * in docs/imagestats.md. Every function is thread-safe. */

typedef enum dl_imgstats_stat {
    DL_IMGSTATS_WIDTH = 0, /* width_px of the decoded file */
    DL_IMGSTATS_HEIGHT,    /* height_px of the decoded file */
    DL_IMGSTATS_ENTROPY,   /* mean local entropy (bits), 10 x 10 windows */
    DL_IMGSTATS_DCT,       /* % of DCT coefficients for 99.98% of the L2 norm */
    DL_IMGSTATS_SEGMENTS,  /* Felzenszwalb-Huttenlocher segment count */
    DL_IMGSTATS_SOBEL,     /* mean Sobel gradient magnitude (gray 0..255) */
    DL_IMGSTATS_LUMINANCE, /* mean gray value, 0..255 */
    DL_IMGSTATS_CONTRAST,  /* RMS contrast: population SD of gray / 255 */
    DL_IMGSTATS_NSTATS
} dl_imgstats_stat;

/* The statistics of one image. Statistics other than width and height are
 * computed on the image as analysed (after --size resizing). */
typedef struct dl_imgstats {
    int width_px, height_px;                   /* of the file, before any resize */
    int analysed_width_px, analysed_height_px; /* the statistics were computed at */
    double entropy_bits;                       /* NaN when the image is smaller than 10 x 10 */
    double dct_pct; /* 100 (k - 1) / (H W), as the authors; 0 for all black */
    double segments;
    double sobel_mean; /* stands in for the authors' crisp-boundary edge strength */
    double mean_luminance;
    double rms_contrast;
} dl_imgstats;

/* CSV column name of a statistic ("local_entropy_bits", ...); NULL if out
 * of range. */
const char *dl_imgstats_name(int stat);
/* The statistic's title for a reader, with its unit ("Local entropy (bits)"). */
const char *dl_imgstats_title(int stat);
/* The value of one statistic of s. */
double dl_imgstats_value(const dl_imgstats *s, int stat);

/* Which gray image the local entropy counts distinct values of. */
typedef enum dl_imgstats_gray {
    DL_IMGSTATS_GRAY_FLOAT = 0, /* the authors': 0.2989 R + 0.5870 G + 0.1140 B unrounded */
    DL_IMGSTATS_GRAY_ROUNDED    /* the same rounded to 8 bits (dddlab before 2026-11) */
} dl_imgstats_gray;

/* How --size resizes. */
typedef enum dl_imgstats_filter {
    DL_IMGSTATS_BILINEAR_AA = 0, /* the authors': PIL's bilinear resize (antialiased) */
    DL_IMGSTATS_AREA             /* area average (dddlab before 2026-11) */
} dl_imgstats_filter;

/* "float" / "rounded", "bilinear-aa" / "area"; NULL if out of range. */
const char *dl_imgstats_gray_name(int gray);
const char *dl_imgstats_filter_name(int filter);

/* All statistics of an 8-bit RGB image (rows of 3 * width_px bytes, packed),
 * at its own size, with the authors' definitions (entropy of the unrounded
 * gray image). DL_EINVAL for an empty or oversized image. */
int dl_imgstats_compute(const uint8_t *rgb, int width_px, int height_px, dl_imgstats *out,
                        dl_error *err);

/* Resize a packed RGB image to dw x dh with filter (dl_imgstats_filter).
 * DL_EINVAL for an unknown filter, DL_ENOMEM. */
int dl_imgstats_resize(const uint8_t *src, int sw, int sh, uint8_t *dst, int dw, int dh,
                       int filter);

/* Decode an image file with SDL2_image as 8-bit RGB (alpha ignored) and, when
 * size_px > 0, resize it to size_px x size_px with filter (dl_imgstats_filter).
 * *rgb is malloc'ed; orig_px receives the file's width and height (may be NULL). DL_ENOENT when the
 * file cannot be opened, DL_ECORRUPT when it cannot be decoded; the message
 * is "PATH: cannot decode image (SDL2_image's reason)". */
int dl_imgstats_load(const char *path, int size_px, int filter, uint8_t **rgb, int *width_px,
                     int *height_px, int orig_px[2], dl_error *err);

typedef struct dl_imgstats_opts {
    int size_px;  /* > 0: resize every image to size_px x size_px first; 0: as is */
    int filter;   /* dl_imgstats_filter of that resize */
    int gray;     /* dl_imgstats_gray of the local entropy */
    int threads;  /* <= 0: one per online core */
    int skip_bad; /* 1: record a missing or corrupt image in its row and go on */
    /* Called after each image with the number done; under a lock, so never
     * concurrently, but from worker threads. May be NULL. */
    dl_progress_fn progress;
    void *progress_ctx;
} dl_imgstats_opts;

typedef struct dl_imgstats_row {
    dl_imgstats stats; /* valid when error is NULL */
    char *error;       /* NULL, or why the image was skipped (owned) */
} dl_imgstats_row;

/* The statistics of n image files, computed by a pool of threads; rows[i]
 * belongs to paths[i] and is identical for any thread count. Without
 * skip_bad, the first missing or corrupt image in input order stops the run:
 * its error is returned (err names the path) and *bad_index (may be NULL) is
 * set to its index. Free the rows' messages with dl_imgstats_rows_clear. */
int dl_imgstats_run(const char *const *paths, size_t n, const dl_imgstats_opts *opts,
                    dl_imgstats_row *rows, size_t *bad_index, dl_error *err);
void dl_imgstats_rows_clear(dl_imgstats_row *rows, size_t n);

/* Difficulty of images, read from a CSV with an `image` column, either
 * `frac_correct` (0..1) or `n_correct` and `n_models`, and optionally
 * `difficulty` (or `stimulus_class`; with class_column also `class`) holding
 * trivial / in-between / impossible. Rows are matched to images[0..n) by
 * name; unmatched images get frac NaN and class -1. Without a class column
 * the class follows from frac_correct: 1 trivial, 0 impossible, else
 * in-between. Errors name FILE:LINE. */
int dl_imgstats_difficulty_read(const char *path, int class_column, const char *const *images,
                                size_t n, double *frac_correct, int8_t *difficulty, size_t *matched,
                                dl_error *err);

/* One statistic's relation to difficulty. */
typedef struct dl_imgstats_assoc {
    dl_corr pearson, spearman;      /* with the fraction of models correct */
    const char *why;                /* why a correlation is undefined, or NULL */
    dl_stats_summary_t by_class[3]; /* indexed by dl_stats_difficulty */
} dl_imgstats_assoc;

/* Correlate every statistic with frac_correct (Pearson and Spearman, pairs
 * with a NaN skipped) and summarise it per difficulty class (-1 = unknown).
 * Rows with an error are left out. */
int dl_imgstats_associate(const dl_imgstats_row *rows, const double *frac_correct,
                          const int8_t *difficulty, size_t n,
                          dl_imgstats_assoc out[DL_IMGSTATS_NSTATS], dl_error *err);

/* Difficulty from model results read by dl_stimuli_results_read: the
 * fraction of models correct (last epoch) and the class of
 * dl_stimuli_classify(r, near). Images not in r get NaN and -1. */
int dl_imgstats_difficulty_results(const dl_stimuli_results *r, unsigned near,
                                   const char *const *images, size_t n, double *frac_correct,
                                   int8_t *difficulty, size_t *matched, dl_error *err);

/* Pliushch et al. (2022), Fig. 4: per epoch, the mean of each statistic over
 * the images every model got right, beside the epoch's true-positive
 * agreement. */
typedef struct dl_imgstats_epoch {
    long epoch;
    double tpa;                      /* over all images of the results */
    size_t all_right;                /* of the analysed images */
    double mean[DL_IMGSTATS_NSTATS]; /* over those; NaN when there are none */
} dl_imgstats_epoch;

/* Fill epochs (r->nepochs entries, caller-allocated) and, per statistic, the
 * Pearson correlation across epochs of its mean with TPa (epochs without
 * such images left out). rows[i] belongs to images[i]. DL_EINVAL when r has
 * no epochs. */
int dl_imgstats_epochs(const dl_stimuli_results *r, const dl_imgstats_row *rows,
                       const char *const *images, size_t n, dl_imgstats_epoch *epochs,
                       dl_corr corr[DL_IMGSTATS_NSTATS], dl_error *err);

/* The image list of `stimuli imagestats` (imagestats_list.c): a CSV with an
 * 'image' column and optionally 'path' (default: the name), paths relative
 * to image_root (NULL: the list's folder). An empty name, no images or a
 * repeated name (naming both lines) -> DL_EINVAL with FILE:LINE. */
typedef struct dl_imgstats_list {
    dl_csv *csv;
    size_t n;
    const char **names; /* borrowed from csv */
    char **paths;
    size_t *lines;
} dl_imgstats_list;
int dl_imgstats_list_read(const char *path, const char *image_root, dl_imgstats_list *list,
                          dl_error *err);
void dl_imgstats_list_free(dl_imgstats_list *list);

/* The --out folder of `stimuli imagestats` (imagestats_out.c). The run as
 * the files report it; every pointer is borrowed. */
typedef struct dl_imgstats_report {
    size_t n;                       /* images listed */
    const char *const *names;       /* their names */
    const size_t *lines;            /* their lines in the image list */
    const dl_imgstats_row *rows;    /* rows[i].error set for a skipped image */
    size_t skipped;                 /* images with an error */
    const char *source;             /* where the difficulty came from; NULL: none */
    const double *frac;             /* with a source: frac_correct per image */
    const int8_t *cls;              /* with a source: dl_stats_difficulty, -1 unknown */
    const dl_imgstats_assoc *assoc; /* with a source: DL_IMGSTATS_NSTATS entries */
    const dl_imgstats_epoch *epochs;
    size_t nepochs;
    /* for the JSON only */
    size_t matched;                     /* images with a difficulty */
    const dl_stats_summary_t *overall;  /* DL_IMGSTATS_NSTATS, over all images */
    const dl_corr *epoch_corr;          /* DL_IMGSTATS_NSTATS, with epochs */
    int size_px, filter, gray, threads; /* the run's dl_imgstats_opts */
    const char *out;                    /* --out folder or NULL */
} dl_imgstats_report;

/* The figure's data: values is nstats x n (row s holds statistic s of every
 * image, NaN for a skipped one), cls[i] the dl_stats_difficulty of image i
 * (-1 none), class_names indexed by dl_stats_difficulty. The drawing puts
 * the panels' classes trivial first. */
typedef struct dl_imgstats_figure {
    size_t n, nstats;
    const double *values;
    const int8_t *cls;
    const char *const *stat_names; /* titles with units */
    const char *class_names[3];
} dl_imgstats_figure;

/* Draws the figure f into dir (a staging folder); the command line passes
 * the report's plotting code, so stimuli/ does not depend on it. */
typedef int (*dl_imgstats_figure_fn)(void *ctx, const dl_imgstats_figure *f, const char *dir,
                                     dl_error *err);

/* The --json object of `stimuli imagestats` (keys in docs/imagestats.md). */
void dl_imgstats_json(const dl_imgstats_report *r, dl_json *js);

/* Write imagestats.csv, skipped.csv (when images were skipped) and, with a
 * difficulty, correlations.csv, class_summary.csv, epochs.csv (with epochs)
 * and the figure (figure may be NULL) into out_dir, staged: all files or
 * none, out_dir left as it was on failure. */
int dl_imgstats_write_out(const dl_imgstats_report *r, const char *out_dir,
                          dl_imgstats_figure_fn figure, void *figure_ctx, dl_error *err);

/* ---- `stimuli imagestats` as one call (imagestats_job.c, imagestats_text.c) ---- */

typedef struct dl_imgstats_job_opts {
    const char *images_csv;       /* the image list (dl_imgstats_list_read) */
    const char *image_root;       /* NULL: the list's folder */
    const char *results;          /* model results for the difficulty, or NULL */
    unsigned near;                /* K of the split of results */
    dl_stimuli_read_opts ro;      /* how results are read */
    const char *difficulty;       /* image,frac_correct[,difficulty] file instead, or NULL;
                                   * without either, the list's own columns when it has them */
    const char *out;              /* --out folder (dl_imgstats_write_out), or NULL */
    dl_imgstats_opts run;         /* threads <= 0: one per online core (at most 256) */
    dl_imgstats_figure_fn figure; /* with out and a difficulty; may be NULL */
    void *figure_ctx;
} dl_imgstats_job_opts;

/* A run and everything it found; read-only after dl_imgstats_job_run. */
typedef struct dl_imgstats_job {
    dl_imgstats_job_opts o;
    dl_imgstats_list im;
    dl_imgstats_row *rows;
    size_t skipped;       /* images with an error (skip_bad) */
    size_t first_skipped; /* the first of them, when skipped */
    int threads;          /* threads used */
    double *frac;         /* per image; NaN unknown */
    int8_t *cls;          /* per image; dl_stats_difficulty or -1 */
    const char *source;   /* where the difficulty came from; NULL if none */
    size_t matched;
    dl_imgstats_assoc assoc[DL_IMGSTATS_NSTATS];
    dl_stats_summary_t overall[DL_IMGSTATS_NSTATS];
    dl_stimuli_results *res; /* with o.results, also after a failure (its warnings) */
    dl_imgstats_epoch *epochs;
    size_t nepochs;
    dl_corr epoch_corr[DL_IMGSTATS_NSTATS];
} dl_imgstats_job;

/* Read the list and the difficulty (a bad difficulty file fails before the
 * long part), compute every image's statistics, relate them to difficulty
 * (and epochs) and, with o.out, write the --out folder. j is zeroed but for
 * j->o. A bad image without skip_bad fails with "LIST:LINE: " before its
 * message. Free with dl_imgstats_job_free in any case. */
int dl_imgstats_job_run(dl_imgstats_job *j, dl_error *err);
void dl_imgstats_job_free(dl_imgstats_job *j);
/* The run as the --out files and the JSON report it (pointers borrowed). */
dl_imgstats_report dl_imgstats_job_report(const dl_imgstats_job *j);
/* The report of `stimuli imagestats` as text (without --out also the first
 * 100 images) and as its --json object (dl_imgstats_json). */
void dl_imgstats_job_write_text(FILE *out, const dl_imgstats_job *j);
void dl_imgstats_job_write_json(FILE *out, const dl_imgstats_job *j);
/* One line (with '\n') saying how many images were skipped and where they
 * are listed (--out) or which was the first. */
void dl_imgstats_job_write_skipped(FILE *out, const dl_imgstats_job *j);

#endif
