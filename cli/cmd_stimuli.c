/* cmd_stimuli.c — `dddlab stimuli SUBCOMMAND`: the options of analyse,
 * build, check and demo-data (imagestats: cmd_imagestats.c) as dl_opt_args
 * tables, one library call each, and the printing of what it returns. The
 * runs and their reports are in stimuli/ (analyse_run.c, build_run.c,
 * *_text.c). */
#include <stddef.h>
#include <string.h>

#include "cli_groups.h"
#include "dl_stimuli.h"
#include "dl_store.h"

/* ---- analyse ------------------------------------------------------------------ */

typedef struct an_opts {
    dl_stimuli_analyse_job j;
    int json;
} an_opts;

#define T an_opts
static const dl_opt an_table[] = {
    DL_OPT_WHOLE(T, "near", j.ao.near, 0, 100000, "K", "count 'all but K' as all (default 0)"),
    DL_OPT_STR(T, "out", j.out_dir, "DIR",
               "write per_image.csv, model_accuracy.csv, histogram.csv,\n"
               "ec_all.csv, ec_in_between.csv, ec_pairs.csv (per pair:\n"
               "kappa, kappa_corrected, kappa_min, kappa_max, Fisher's\n"
               "p_value up to 300 models, ci_low, ci_high),\n"
               "class_accuracy.csv, epoch_decisions.csv, codebook.csv,\n"
               "agreement.csv, decisions.csv and summary.json"),
    DL_OPT_STR(T, "images-csv", j.ro.images_csv, "F",
               "image metadata: image,path,class,superclass,label_error"),
    DL_OPT_STR(T, "exclude", j.ro.exclude, "F",
               "images to leave out (one per line or an 'image' column)"),
    DL_OPT_WHOLE(T, "threads", j.ao.threads, 0, 256, "N",
                 "threads for the error-consistency matrices (default: cores)"),
    DL_OPT_WHOLE(T, "bootstrap", j.replicates, 1, 1000000, "N",
                 "uncertainty from N replicates: the split's intervals by\n"
                 "resampling models and images, a pointwise band around\n"
                 "the expectations, the beta-binomial rho with an interval;\n"
                 "error consistency's intervals per pair and for the mean\n"
                 "(images resampled, all pairs sharing each draw)"),
    DL_OPT_WHOLE(T, "seed", j.seed, 0, 4294967295LL, "S", "seed of the replicates (default 1)"),
    DL_OPT_REAL(T, "conf", j.conf, 0, 1, DL_OPT_OPEN, "C", "confidence level (default 0.95)"),
    DL_OPT_CHOICE(T, "ec-boundary", j.ao.ec_boundary, "undefined|one", dl_stats_ec_boundary_parse,
                  "B",
                  "kappa when two models are both always right or both always\n"
                  "wrong: undefined (default; left out of the mean with a\n"
                  "count) or one (the older convention)"),
    DL_OPT_WHOLE(T, "ec-max-models", j.ao.ec_max_models, 2, 1000000, "M",
                 "above M models (default 2000) no M x M matrices: the mean\n"
                 "kappa comes from 100,000 random pairs (seed 1 or --seed)\n"
                 "with its standard error, and no per-pair output"),
    DL_OPT_FLAG(T, "json", 0, json, "one JSON object on stdout"),
};
#undef T
static const dl_opt_group an_groups[] = {DL_OPT_GROUP(an_table, 0),
                                         CLI_RESULTS_GROUP(offsetof(an_opts, j.ro))};
static const dl_opt_spec cli_spec_stimuli_analyse = {
    .cmd = "stimuli analyse",
    .args = "RESULTS...",
    .about = "Dichotomous data difficulty of model results: accuracy per model, the histogram\n"
             "of models correct per image beside the Binomial and Poisson-binomial\n"
             "expectations of independent models, the split into trivial (>= M-K models\n"
             "correct), impossible (<= K) and in-between images, error consistency between\n"
             "models on all and on in-between images, per-class accuracy, and per-epoch\n"
             "true-positive agreement.\n",
    .groups = an_groups,
    .ngroups = 2,
    .npos_min = 1,
    .npos_max = DL_OPT_MANY,
    .missing = "missing the results file",
    .epilog = "Formats are described in docs/stimuli.md.\n"};

static int analyse_print(dl_stimuli_analyse_job *j, int json)
{
    cli_progress pr;
    cli_progress_begin(&pr, j->paths[0], 0);
    j->ro.progress = cli_progress_cb;
    j->ro.progress_ctx = &pr;
    dl_error err = {0};
    int rc = dl_stimuli_analyse_run(j, &err);
    cli_progress_end(&pr);
    cli_results_warnings(j->res);
    if (rc)
        rc = cli_fail(err.code, &err);
    else if (json)
        dl_stimuli_analysis_write_json(stdout, j->a);
    else
        dl_stimuli_analyse_job_write_text(stdout, j);
    dl_stimuli_analyse_job_free(j);
    return rc;
}

static int sub_analyse(int argc, char **argv)
{
    const char *cmd = cli_spec_stimuli_analyse.cmd;
    an_opts o = {.j = {.seed = 1,
                       .conf = 0.95,
                       .ao = {.ec_max_models = DL_STIMULI_EC_MAX_MODELS, .ec_seed = 1}}};
    dl_opt_args a;
    int rc = cli_parse(&cli_spec_stimuli_analyse, argc, argv, &o, &a);
    if (rc)
        return rc;
    int seed_given = dl_opt_seen(&cli_spec_stimuli_analyse, &a, "seed");
    if (seed_given)
        o.j.ao.ec_seed = o.j.seed;
    if ((seed_given || dl_opt_seen(&cli_spec_stimuli_analyse, &a, "conf")) && !o.j.replicates)
        return cli_usage(cmd, "--seed and --conf go with --bootstrap");
    o.j.paths = (const char *const *)a.pos;
    o.j.npaths = (size_t)a.npos;
    return analyse_print(&o.j, o.json);
}

/* ---- build --------------------------------------------------------------------------- */

typedef struct build_opts {
    dl_stimuli_build_job j;
    int json;
} build_opts;

/* dl_task_parse's 0 ("unknown") is the option engine's -1. */
static int task_parse(const char *w)
{
    int t = dl_task_parse(w);
    return t ? t : -1;
}

#define T build_opts
static const dl_opt build_table[] = {
    DL_OPT_CHOICE(T, "task", j.bo.task, "2afc|rating", task_parse, "2afc|rating",
                  "2afc: pairs of one trivial and one impossible image;\n"
                  "rating: images from each of trivial, in-between, impossible"),
    DL_OPT_STR(T, "name", j.bo.name, "SET", "the set's name"),
    DL_OPT_STR(T, "set", j.bo.name, "SET", "the same as --name (as in 'stimuli check')"),
    DL_OPT_STR(T, "image-root", j.bo.image_root, "DIR", "where the images are"),
    DL_OPT_STR(T, "db", j.db, "PATH", "the database (default dddlab.sqlite; made when missing)"),
    DL_OPT_WHOLE(T, "pairs", j.bo.pairs, 1, 1000000, "N", "2afc: main pairs (default 149)"),
    DL_OPT_WHOLE(T, "pool", j.bo.pool, 0, 100000000, "K",
                 "2afc: draw from the K easiest and K hardest images\n"
                 "(default all)"),
    DL_OPT_WHOLE(T, "per-class", j.bo.per_class, 1, 1000000, "N",
                 "rating: images per difficulty (default 100)"),
    DL_OPT_FLAG(T, "balance-classes", 0, j.bo.balance_classes,
                "rating: spread the images over image classes"),
    DL_OPT_WHOLE(T, "practice", j.bo.practice, 0, 1000000, "N",
                 "extra practice items, kept apart (default 0)"),
    DL_OPT_FLAG(T, "exclude-label-errors", 0, j.bo.exclude_label_errors,
                "leave out images with label_error = 1"),
    DL_OPT_WHOLE(T, "near", j.bo.near, 0, 100000, "K",
                 "trivial >= M-K models correct, impossible <= K (default 0)"),
    DL_OPT_WHOLE(T, "seed", j.bo.seed, 0, 4294967295LL, "S",
                 "0..4294967295; the same seed gives the same set everywhere\n"
                 "(default: a fresh seed, printed and stored)"),
    DL_OPT_STR(T, "manifest", j.manifest, "FILE",
               "manifest CSV (default: SET.manifest.csv beside the database)"),
    DL_OPT_STR(T, "images-csv", j.ro.images_csv, "FILE", "as for 'stimuli analyse'"),
    DL_OPT_STR(T, "exclude", j.ro.exclude, "FILE", "as for 'stimuli analyse'"),
    DL_OPT_FLAG(T, "demo-images", 0, j.demo_images,
                "write missing images of the demo data set (demo.ini beside\n"
                "RESULTS) into DIR before checking them"),
    DL_OPT_FLAG(T, "json", 0, json, "one JSON object on stdout"),
};
#undef T
static const dl_opt_group build_groups[] = {DL_OPT_GROUP(build_table, 0),
                                            CLI_RESULTS_GROUP(offsetof(build_opts, j.ro))};
static const dl_opt_spec cli_spec_stimuli_build = {
    .cmd = "stimuli build",
    .args = "RESULTS --name SET",
    .about = "Draw a stimulus set from model results and store it in the database with its\n"
             "parameters, seed and the results file's SHA-256. Every image is checked first\n"
             "(exists under DIR, decodes, size and SHA-256 recorded); a missing or corrupt\n"
             "image stops the build and nothing is stored.\n",
    .groups = build_groups,
    .ngroups = 2,
    .npos_min = 1,
    .npos_max = 1,
    .missing = "missing the results file",
    .required = "task|image-root"};

static int build_parse(int argc, char **argv, build_opts *o)
{
    const char *cmd = cli_spec_stimuli_build.cmd;
    dl_stimuli_build_job *b = &o->j;
    dl_opt_args a;
    int rc = cli_parse(&cli_spec_stimuli_build, argc, argv, o, &a);
    if (rc)
        return rc;
    b->results = a.pos[0];
    b->seed_given = dl_opt_seen(&cli_spec_stimuli_build, &a, "seed");
    if (!b->bo.name) /* --name or --set */
        return cli_usage(cmd, "--name SET is required");
    return 0;
}

/* The set goes into the database here, so stimuli/ does not depend on the
 * store. A new database is made under a temporary name and appears only
 * complete, so a full disk leaves no 4 KB schema-less file behind. */
static int build_store(void *ctx, dl_stim_set *set, dl_error *err)
{
    dl_store *st = NULL;
    int rc = dl_store_open(ctx, DL_STORE_NEW_ATOMIC, &st, err);
    if (!rc && (rc = dl_store_add_set(st, set, err)) != 0)
        dl_store_close(st);
    return rc ? rc : dl_store_finish(st, err);
}

static int sub_build(int argc, char **argv)
{
    build_opts o = {.j = {.store = build_store, .db = "dddlab.sqlite"}};
    dl_stimuli_build_defaults(&o.j.bo);
    int rc = build_parse(argc, argv, &o);
    if (rc)
        return rc;
    dl_stimuli_build_job j = o.j;
    j.store_ctx = (void *)j.db;
    cli_progress pr, pc;
    cli_progress_begin(&pr, j.results, 0);
    cli_progress_begin(&pc, "checking images", 0);
    j.ro.progress = j.bo.progress = cli_progress_cb;
    j.ro.progress_ctx = &pr;
    j.bo.progress_ctx = &pc;
    dl_error err = {0};
    rc = dl_stimuli_build_run(&j, &err);
    cli_progress_end(&pr);
    cli_progress_end(&pc);
    cli_results_warnings(j.res);
    if (rc)
        rc = cli_fail(err.code, &err);
    else
        (o.json ? dl_stimuli_build_job_write_json : dl_stimuli_build_job_write_text)(stdout, &j);
    dl_stimuli_build_job_free(&j);
    return rc;
}

/* ---- check --------------------------------------------------------------------------- */

typedef struct check_opts {
    const char *db, *name, *root;
    int json;
} check_opts;

#define T check_opts
static const dl_opt check_table[] = {
    DL_OPT_STR(T, "set", name, "NAME", "the stimulus set"),
    DL_OPT_STR(T, "db", db, "PATH", "the database (default dddlab.sqlite)"),
    DL_OPT_STR(T, "image-root", root, "DIR",
               "where the images are now (default: the root the set\n"
               "was built with)"),
    DL_OPT_FLAG(T, "json", 0, json,
                "one JSON object: set, image_root, images, ok,\n"
                "problems [{item, path, problem}]"),
};
#undef T
static const dl_opt_group check_groups[] = {DL_OPT_GROUP(check_table, 0)};
static const dl_opt_spec cli_spec_stimuli_check = {
    .cmd = "stimuli check",
    .about = "Re-verify a stored stimulus set before a session day: every image is still\n"
             "under the image root, decodes, and has the same SHA-256 and size.\n"
             "Exit status 1 when anything is wrong.\n",
    .groups = check_groups,
    .ngroups = 1,
    .required = "set"};

static int sub_check(int argc, char **argv)
{
    check_opts o = {.db = "dddlab.sqlite"};
    dl_opt_args a;
    int rc = cli_parse(&cli_spec_stimuli_check, argc, argv, &o, &a);
    if (rc)
        return rc;
    dl_error err = {0};
    dl_store *st = NULL;
    dl_stim_set *set = NULL;
    dl_stimuli_problem *p = NULL;
    size_t np = 0, nimages = 0;
    if (dl_store_open(o.db, DL_STORE_READONLY | DL_STORE_NOCREATE, &st, &err) != 0 ||
        dl_store_find_set(st, o.name, &set, &err) != 0 ||
        dl_stimuli_check(set, o.root, &p, &np, &nimages, &err) != 0) {
        rc = cli_fail(err.code, &err);
        goto done;
    }
    (o.json ? dl_stimuli_check_write_json : dl_stimuli_check_write_text)(
        stdout, set, o.root ? o.root : set->image_root, p, np, nimages);
    rc = np ? DL_EXIT_FAIL : DL_EXIT_OK;
done:
    dl_stimuli_problems_free(p, np);
    dl_stim_set_free(set);
    dl_store_close(st);
    return rc;
}

/* ---- demo-data ------------------------------------------------------------------------- */

typedef struct demo_opts {
    dl_stimuli_demo d;
    const char *dir;
    int json;
} demo_opts;

#define T demo_opts
static const dl_opt demo_table[] = {
    DL_OPT_STR(T, "out", dir, "DIR", "where the data set goes (required)"),
    DL_OPT_WHOLE(T, "classes", d.classes, 2, 255, "N",
                 "classes, sigma 1..N (default 100, at most 255)"),
    DL_OPT_WHOLE(T, "images-per-class", d.images_per_class, 1, 9999, "N",
                 "test images per class (default 100)"),
    DL_OPT_WHOLE(T, "train-per-class", d.train_per_class, 1, 9999, "N",
                 "calibration images per class (default 20)"),
    DL_OPT_WHOLE(T, "seed", d.seed, 0, 4294967295LL, "S", "default 1"),
    DL_OPT_WHOLE(T, "size", d.size_px, 8, 1024, "PX",
                 "image side the classifiers see (default 32)"),
    DL_OPT_WHOLE(T, "png-px", d.png_px, 1, 4096, "PX",
                 "side of the PNG shown to observers, nearest-neighbour\n"
                 "scaled (default 128)"),
    DL_OPT_FLAG(T, "json", 0, json, "one JSON object on stdout"),
};
#undef T
static const dl_opt_group demo_groups[] = {DL_OPT_GROUP(demo_table, 0)};

static void demo_data_intro(FILE *out)
{
    fprintf(out,
            "Generate the synthetic Gaussian data set (Meding et al. 2022): class i = 1..N is\n"
            "pixel-wise independent RGB Gaussian noise, mean 128, sigma i. A zoo of %zu simple\n"
            "classifiers (noise-level estimators on different pixels, channels, robust and\n"
            "quantised inputs) calibrates on training images and classifies the test images.\n"
            "Writes DIR/results.csv (long: model,image,label,prediction), DIR/images.csv\n"
            "(image,path,class) and DIR/demo.ini. PNGs are written only when a set needs\n"
            "them: 'dddlab stimuli build DIR/results.csv --demo-images --image-root DIR/images'.\n",
            dl_stimuli_demo_nmodels());
}

static const dl_opt_spec cli_spec_stimuli_demo_data = {.cmd = "stimuli demo-data",
                                                       .intro = demo_data_intro,
                                                       .groups = demo_groups,
                                                       .ngroups = 1,
                                                       .required = "out"};

static int sub_demo_data(int argc, char **argv)
{
    demo_opts o = {.dir = NULL};
    dl_stimuli_demo_defaults(&o.d);
    dl_opt_args a;
    int rc = cli_parse(&cli_spec_stimuli_demo_data, argc, argv, &o, &a);
    if (rc)
        return rc;
    dl_stimuli_demo d = o.d;
    dl_error err = {0};
    cli_progress pr;
    cli_progress_begin(&pr, "demo data", 0);
    d.progress = cli_progress_cb;
    d.progress_ctx = &pr;
    double t0 = dl_now_s();
    rc = dl_stimuli_demo_generate(&d, o.dir, &err);
    cli_progress_end(&pr);
    if (rc)
        return cli_fail(err.code, &err);
    (o.json ? dl_stimuli_demo_write_json : dl_stimuli_demo_write_text)(stdout, &d, o.dir,
                                                                       dl_now_s() - t0);
    return DL_EXIT_OK;
}

const cli_cmd cli_cmd_stimuli_analyse = {
    .name = "analyse",
    .summary = "DDD measures of model results: split, histogram, error consistency",
    .run = sub_analyse,
    .spec = &cli_spec_stimuli_analyse};
const cli_cmd cli_cmd_stimuli_build = {
    .name = "build",
    .summary = "draw a reproducible 2AFC or rating stimulus set into a database",
    .run = sub_build,
    .spec = &cli_spec_stimuli_build};
const cli_cmd cli_cmd_stimuli_check = {
    .name = "check",
    .summary = "re-verify the images of a stored set (present, same SHA-256)",
    .run = sub_check,
    .spec = &cli_spec_stimuli_check};
const cli_cmd cli_cmd_stimuli_demo_data = {
    .name = "demo-data",
    .summary = "generate the synthetic Gaussian data set and its model zoo",
    .run = sub_demo_data,
    .spec = &cli_spec_stimuli_demo_data};
