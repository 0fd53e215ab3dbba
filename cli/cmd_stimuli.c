/* cmd_stimuli.c — `dddlab stimuli SUBCOMMAND`: the options of analyse,
 * build, check and demo-data (imagestats: cmd_imagestats.c), one library call
 * each, and the printing of what it returns. The runs and their reports are
 * in stimuli/ (analyse_run.c, build_run.c, *_text.c). */
#include <string.h>

#include "cli.h"
#include "cli_results.h"
#include "dl_stimuli.h"
#include "dl_store.h"

enum {
    OPT_IMAGES_CSV = 1000,
    OPT_EXCLUDE,
    OPT_NEAR,
    OPT_OUT,
    OPT_JSON,
    OPT_THREADS,
    OPT_TASK,
    OPT_NAME,
    OPT_ROOT,
    OPT_DB,
    OPT_PAIRS,
    OPT_POOL,
    OPT_PRACTICE,
    OPT_PER_CLASS,
    OPT_BALANCE,
    OPT_NO_LABEL_ERRORS,
    OPT_SEED,
    OPT_MANIFEST,
    OPT_DEMO_IMAGES,
    OPT_SET,
    OPT_CLASSES,
    OPT_PER_CLASS_IMAGES,
    OPT_SIZE,
    OPT_PNG,
    OPT_TRAIN,
    OPT_BOOTSTRAP,
    OPT_CONF,
    OPT_EC_BOUNDARY,
    OPT_EC_MAX_MODELS,
    OPT_HELP
};

/* The whole-number options of every subcommand and the values they accept
 * (demo-data's: those dl_stimuli_demo_generate accepts). */
static const struct whole_opt {
    int id;
    const char *name;
    unsigned long lo, hi;
} wholes[] = {{OPT_NEAR, "--near", 0, 100000},
              {OPT_THREADS, "--threads", 0, 256},
              {OPT_BOOTSTRAP, "--bootstrap", 1, 1000000},
              {OPT_SEED, "--seed", 0, 4294967295UL},
              {OPT_EC_MAX_MODELS, "--ec-max-models", 2, 1000000},
              {OPT_PAIRS, "--pairs", 1, 1000000},
              {OPT_POOL, "--pool", 0, 100000000},
              {OPT_PRACTICE, "--practice", 0, 1000000},
              {OPT_PER_CLASS, "--per-class", 1, 1000000},
              {OPT_CLASSES, "--classes", 2, 255},
              {OPT_PER_CLASS_IMAGES, "--images-per-class", 1, 9999},
              {OPT_TRAIN, "--train-per-class", 1, 9999},
              {OPT_SIZE, "--size", 8, 1024},
              {OPT_PNG, "--png-px", 1, 4096}};

/* -1 when c is no whole-number option; else 0 with *v, or the usage error
 * (exit 2), like every other bad option value. */
static int whole(const char *cmd, int c, const char *s, unsigned long *v)
{
    for (size_t i = 0; i < sizeof wholes / sizeof *wholes; i++) {
        const struct whole_opt *w = &wholes[i];
        long x;
        if (w->id != c)
            continue;
        if (dl_parse_long(s, &x) != 0 || x < 0 || (unsigned long)x < w->lo ||
            (unsigned long)x > w->hi)
            return cli_usage(cmd, "%s expects a whole number from %lu to %lu, not '%s'", w->name,
                             w->lo, w->hi, s);
        *v = (unsigned long)x;
        return 0;
    }
    return -1;
}

/* The results options, --images-csv and --exclude; -1 for any other c. */
static int opt_read(const char *cmd, int c, const char *arg, dl_stimuli_read_opts *ro)
{
    if (c == OPT_IMAGES_CSV)
        ro->images_csv = arg;
    else if (c == OPT_EXCLUDE)
        ro->exclude = arg;
    else
        return cli_results_opt(cmd, c, arg, ro);
    return 0;
}

/* ---- analyse ------------------------------------------------------------------ */

static void help_sub_analyse(FILE *out)
{
    fprintf(out, "usage: dddlab stimuli analyse RESULTS... [--near K] [--out DIR] [--json]\n"
                 "           [--images-csv FILE] [--exclude FILE] [--threads N]\n"
                 "           [--bootstrap N [--seed S] [--conf C]] [--ec-boundary undefined|one]\n"
                 "           [--ec-max-models M] [results options]\n\n"
                 "Dichotomous data difficulty of model results: accuracy per model, the histogram\n"
                 "of models correct per image beside the Binomial and Poisson-binomial\n"
                 "expectations of independent models, the split into trivial (>= M-K models\n"
                 "correct), impossible (<= K) and in-between images, error consistency between\n"
                 "models on all and on in-between images, per-class accuracy, and per-epoch\n"
                 "true-positive agreement.\n\n"
                 "  --near K          count 'all but K' as all (default 0)\n"
                 "  --out DIR         write per_image.csv, model_accuracy.csv, histogram.csv,\n"
                 "                    ec_all.csv, ec_in_between.csv, ec_pairs.csv (per pair:\n"
                 "                    kappa, kappa_corrected, kappa_min, kappa_max, Fisher's\n"
                 "                    p_value up to 300 models, ci_low, ci_high),\n"
                 "                    class_accuracy.csv, epoch_decisions.csv, codebook.csv,\n"
                 "                    agreement.csv, decisions.csv and summary.json\n"
                 "  --images-csv F    image metadata: image,path,class,superclass,label_error\n"
                 "  --exclude F       images to leave out (one per line or an 'image' column)\n"
                 "  --threads N       threads for the error-consistency matrices (default: cores)\n"
                 "  --bootstrap N     uncertainty from N replicates: the split's intervals by\n"
                 "                    resampling models and images, a pointwise band around\n"
                 "                    the expectations, the beta-binomial rho with an interval;\n"
                 "                    error consistency's intervals per pair and for the mean\n"
                 "                    (images resampled, all pairs sharing each draw)\n"
                 "  --seed S          seed of the replicates (default 1)\n"
                 "  --conf C          confidence level (default 0.95)\n"
                 "  --ec-boundary B   kappa when two models are both always right or both always\n"
                 "                    wrong: undefined (default; left out of the mean with a\n"
                 "                    count) or one (the older convention)\n"
                 "  --ec-max-models M above M models (default 2000) no M x M matrices: the mean\n"
                 "                    kappa comes from 100,000 random pairs (seed 1 or --seed)\n"
                 "                    with its standard error, and no per-pair output\n"
                 "  --json            one JSON object on stdout\n\n");
    cli_results_help(out);
    fprintf(out, "\nFormats are described in docs/stimuli.md.\n");
}

static int analyse_print(dl_stimuli_analyse_job *j, int json)
{
    dl_progress pr;
    dl_progress_begin(&pr, j->paths[0], 0);
    j->ro.progress = dl_progress_cb;
    j->ro.progress_ctx = &pr;
    dl_error err = {0};
    int rc = dl_stimuli_analyse_run(j, &err);
    dl_progress_end(&pr);
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
    static const struct option opts[] = {{"near", required_argument, 0, OPT_NEAR},
                                         {"out", required_argument, 0, OPT_OUT},
                                         {"json", no_argument, 0, OPT_JSON},
                                         {"images-csv", required_argument, 0, OPT_IMAGES_CSV},
                                         {"exclude", required_argument, 0, OPT_EXCLUDE},
                                         {"threads", required_argument, 0, OPT_THREADS},
                                         {"bootstrap", required_argument, 0, OPT_BOOTSTRAP},
                                         {"seed", required_argument, 0, OPT_SEED},
                                         {"conf", required_argument, 0, OPT_CONF},
                                         {"ec-boundary", required_argument, 0, OPT_EC_BOUNDARY},
                                         {"ec-max-models", required_argument, 0, OPT_EC_MAX_MODELS},
                                         CLI_RESULTS_OPTIONS,
                                         {"help", no_argument, 0, OPT_HELP},
                                         {0, 0, 0, 0}};
    const char *cmd = "stimuli analyse";
    dl_stimuli_analyse_job j = {
        .seed = 1, .conf = 0.95, .ao = {.ec_max_models = DL_STIMULI_EC_MAX_MODELS, .ec_seed = 1}};
    int boot_given = 0; /* --seed or --conf, which need --bootstrap */
    int json = 0, c, rc, b;
    unsigned long v = 0;
    cli_getopt_reset();
    while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
        if (c == OPT_HELP) {
            help_sub_analyse(stdout);
            return DL_EXIT_OK;
        }
        if (c == '?' || c == ':')
            return cli_bad_option(cmd, c, argv);
        if ((rc = whole(cmd, c, optarg, &v)) > 0)
            return rc;
        switch (c) {
        case OPT_NEAR:
            j.ao.near = (unsigned)v;
            break;
        case OPT_THREADS:
            j.ao.threads = (int)v;
            break;
        case OPT_BOOTSTRAP:
            j.replicates = v;
            break;
        case OPT_SEED:
            j.seed = j.ao.ec_seed = v;
            boot_given = 1;
            break;
        case OPT_EC_MAX_MODELS:
            j.ao.ec_max_models = v;
            break;
        case OPT_CONF:
            if (dl_parse_double(optarg, &j.conf) != 0 || !(j.conf > 0 && j.conf < 1))
                return cli_usage(cmd, "--conf needs a number between 0 and 1, not '%s'", optarg);
            boot_given = 1;
            break;
        case OPT_EC_BOUNDARY:
            if ((b = dl_stats_ec_boundary_parse(optarg)) < 0)
                return cli_usage(cmd, "--ec-boundary must be undefined or one, not '%s'", optarg);
            j.ao.ec_boundary = (dl_ec_boundary)b;
            break;
        case OPT_OUT:
            j.out_dir = optarg;
            break;
        case OPT_JSON:
            json = 1;
            break;
        default:
            if ((rc = opt_read(cmd, c, optarg, &j.ro)) != 0)
                return rc < 0 ? cli_bad_option(cmd, c, argv) : rc;
        }
    }
    if (optind >= argc)
        return cli_usage(cmd, "missing the results file");
    if (boot_given && !j.replicates)
        return cli_usage(cmd, "--seed and --conf go with --bootstrap");
    j.paths = (const char *const *)argv + optind;
    j.npaths = (size_t)(argc - optind);
    return analyse_print(&j, json);
}

/* ---- build --------------------------------------------------------------------------- */

static void help_build(FILE *out)
{
    fprintf(out,
            "usage: dddlab stimuli build RESULTS --task 2afc|rating --name SET --image-root DIR\n"
            "           [--db PATH] [--pairs N] [--pool K] [--practice N] [--per-class N]\n"
            "           [--balance-classes] [--exclude-label-errors] [--near K] [--seed S]\n"
            "           [--images-csv FILE] [--exclude FILE] [--manifest FILE]\n"
            "           [--demo-images] [--json] [results options]\n\n"
            "Draw a stimulus set from model results and store it in the database with its\n"
            "parameters, seed and the results file's SHA-256. Every image is checked first\n"
            "(exists under DIR, decodes, size and SHA-256 recorded); a missing or corrupt\n"
            "image stops the build and nothing is stored.\n\n"
            "  --name SET         the set's name (--set SET also works, as in 'stimuli check')\n"
            "  --db PATH          the database (default dddlab.sqlite; made when missing)\n"
            "  --task 2afc        pairs of one trivial and one impossible image\n"
            "    --pairs N        main pairs (default 149)\n"
            "    --pool K         draw from the K easiest and K hardest images (default all)\n"
            "  --task rating      images from each of trivial, in-between, impossible\n"
            "    --per-class N    images per difficulty (default 100)\n"
            "    --balance-classes  spread the images over image classes\n"
            "  --practice N       extra practice items, kept apart (default 0)\n"
            "  --exclude-label-errors  leave out images with label_error = 1\n"
            "  --near K           trivial >= M-K models correct, impossible <= K (default 0)\n"
            "  --seed S           0..4294967295; the same seed gives the same set everywhere\n"
            "                     (default: a fresh seed, printed and stored)\n"
            "  --manifest FILE    manifest CSV (default: SET.manifest.csv beside the database)\n"
            "  --images-csv FILE, --exclude FILE   as for 'stimuli analyse'\n"
            "  --demo-images      write missing images of the demo data set (demo.ini beside\n"
            "                     RESULTS) into DIR before checking them\n"
            "  --json             one JSON object on stdout\n\n");
    cli_results_help(out);
}

static int build_opt(const char *cmd, int c, const char *arg, dl_stimuli_build_job *b, int *json)
{
    unsigned long v = 0;
    int rc = whole(cmd, c, arg, &v);
    if (rc > 0)
        return rc;
    switch (c) {
    case OPT_TASK:
        b->bo.task = arg;
        break;
    case OPT_NAME:
        b->bo.name = arg;
        break;
    case OPT_ROOT:
        b->bo.image_root = arg;
        break;
    case OPT_DB:
        b->db = arg;
        break;
    case OPT_MANIFEST:
        b->manifest = arg;
        break;
    case OPT_BALANCE:
        b->bo.balance_classes = 1;
        break;
    case OPT_NO_LABEL_ERRORS:
        b->bo.exclude_label_errors = 1;
        break;
    case OPT_DEMO_IMAGES:
        b->demo_images = 1;
        break;
    case OPT_JSON:
        *json = 1;
        break;
    case OPT_PAIRS:
        b->bo.pairs = v;
        break;
    case OPT_POOL:
        b->bo.pool = v;
        break;
    case OPT_PRACTICE:
        b->bo.practice = v;
        break;
    case OPT_PER_CLASS:
        b->bo.per_class = v;
        break;
    case OPT_NEAR:
        b->bo.near = (unsigned)v;
        break;
    case OPT_SEED:
        b->bo.seed = (uint32_t)v;
        b->seed_given = 1;
        break;
    default:
        return opt_read(cmd, c, arg, &b->ro);
    }
    return 0;
}

static int build_parse(int argc, char **argv, dl_stimuli_build_job *b, int *json)
{
    static const struct option opts[] = {
        {"task", required_argument, 0, OPT_TASK},
        {"name", required_argument, 0, OPT_NAME},
        {"set", required_argument, 0, OPT_NAME}, /* as in 'stimuli check' and 'analyse' */
        {"image-root", required_argument, 0, OPT_ROOT},
        {"db", required_argument, 0, OPT_DB},
        {"pairs", required_argument, 0, OPT_PAIRS},
        {"pool", required_argument, 0, OPT_POOL},
        {"practice", required_argument, 0, OPT_PRACTICE},
        {"per-class", required_argument, 0, OPT_PER_CLASS},
        {"balance-classes", no_argument, 0, OPT_BALANCE},
        {"exclude-label-errors", no_argument, 0, OPT_NO_LABEL_ERRORS},
        {"near", required_argument, 0, OPT_NEAR},
        {"seed", required_argument, 0, OPT_SEED},
        {"manifest", required_argument, 0, OPT_MANIFEST},
        {"demo-images", no_argument, 0, OPT_DEMO_IMAGES},
        {"images-csv", required_argument, 0, OPT_IMAGES_CSV},
        {"exclude", required_argument, 0, OPT_EXCLUDE},
        CLI_RESULTS_OPTIONS,
        {"json", no_argument, 0, OPT_JSON},
        {"help", no_argument, 0, OPT_HELP},
        {0, 0, 0, 0}};
    const char *cmd = "stimuli build";
    int c, rc;
    cli_getopt_reset();
    while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
        if (c == OPT_HELP) {
            help_build(stdout);
            return CLI_HELP_SHOWN;
        }
        if (c == '?' || c == ':')
            return cli_bad_option(cmd, c, argv);
        if ((rc = build_opt(cmd, c, optarg, b, json)) != 0)
            return rc < 0 ? cli_bad_option(cmd, c, argv) : rc;
    }
    if (argc - optind != 1)
        return optind >= argc ? cli_usage(cmd, "missing the results file")
                              : cli_usage(cmd, "unexpected argument '%s'", argv[optind + 1]);
    b->results = argv[optind];
    if (!b->bo.task || !b->bo.name || !b->bo.image_root)
        return cli_usage(cmd, "--task, --name and --image-root are required");
    if (!b->db)
        b->db = "dddlab.sqlite";
    if (strcmp(b->bo.task, "2afc") != 0 && strcmp(b->bo.task, "rating") != 0)
        return cli_usage(cmd, "--task must be 2afc or rating, not '%s'", b->bo.task);
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
    dl_stimuli_build_job j = {.store = build_store};
    int json = 0;
    dl_stimuli_build_defaults(&j.bo);
    j.bo.task = NULL;
    int rc = build_parse(argc, argv, &j, &json);
    if (rc)
        return rc == CLI_HELP_SHOWN ? DL_EXIT_OK : rc;
    j.store_ctx = (void *)j.db;
    dl_progress pr, pc;
    dl_progress_begin(&pr, j.results, 0);
    dl_progress_begin(&pc, "checking images", 0);
    j.ro.progress = j.bo.progress = dl_progress_cb;
    j.ro.progress_ctx = &pr;
    j.bo.progress_ctx = &pc;
    dl_error err = {0};
    rc = dl_stimuli_build_run(&j, &err);
    dl_progress_end(&pr);
    dl_progress_end(&pc);
    cli_results_warnings(j.res);
    if (rc)
        rc = cli_fail(err.code, &err);
    else
        (json ? dl_stimuli_build_job_write_json : dl_stimuli_build_job_write_text)(stdout, &j);
    dl_stimuli_build_job_free(&j);
    return rc;
}

/* ---- check --------------------------------------------------------------------------- */

static void help_check(FILE *out)
{
    fprintf(out,
            "usage: dddlab stimuli check --set NAME [--db PATH] [--image-root DIR] [--json]\n\n"
            "Re-verify a stored stimulus set before a session day: every image is still\n"
            "under the image root, decodes, and has the same SHA-256 and size.\n"
            "Exit status 1 when anything is wrong.\n\n"
            "  --set NAME        the stimulus set\n"
            "  --db PATH         the database (default dddlab.sqlite)\n"
            "  --image-root DIR  where the images are now (default: the root the set\n"
            "                    was built with)\n"
            "  --json            one JSON object: set, image_root, images, ok,\n"
            "                    problems [{item, path, problem}]\n");
}

static int sub_check(int argc, char **argv)
{
    static const struct option opts[] = {{"db", required_argument, 0, OPT_DB},
                                         {"set", required_argument, 0, OPT_SET},
                                         {"image-root", required_argument, 0, OPT_ROOT},
                                         {"json", no_argument, 0, OPT_JSON},
                                         {"help", no_argument, 0, OPT_HELP},
                                         {0, 0, 0, 0}};
    const char *cmd = "stimuli check", *db = "dddlab.sqlite", *name = NULL, *root = NULL;
    int json = 0, c;
    cli_getopt_reset();
    while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
        if (c == OPT_HELP) {
            help_check(stdout);
            return DL_EXIT_OK;
        }
        if (c == OPT_DB)
            db = optarg;
        else if (c == OPT_SET)
            name = optarg;
        else if (c == OPT_ROOT)
            root = optarg;
        else if (c == OPT_JSON)
            json = 1;
        else
            return cli_bad_option(cmd, c, argv);
    }
    if (optind < argc)
        return cli_usage(cmd, "unexpected argument '%s'", argv[optind]);
    if (!name)
        return cli_usage(cmd, "--set is required");
    dl_error err = {0};
    dl_store *st = NULL;
    dl_stim_set *set = NULL;
    dl_stimuli_problem *p = NULL;
    size_t np = 0, nimages = 0;
    int rc = DL_EXIT_OK;
    if (dl_store_open(db, DL_STORE_READONLY | DL_STORE_NOCREATE, &st, &err) != 0 ||
        dl_store_find_set(st, name, &set, &err) != 0 ||
        dl_stimuli_check(set, root, &p, &np, &nimages, &err) != 0) {
        rc = cli_fail(err.code, &err);
        goto done;
    }
    (json ? dl_stimuli_check_write_json : dl_stimuli_check_write_text)(
        stdout, set, root ? root : set->image_root, p, np, nimages);
    rc = np ? DL_EXIT_FAIL : DL_EXIT_OK;
done:
    dl_stimuli_problems_free(p, np);
    dl_stim_set_free(set);
    dl_store_close(st);
    return rc;
}

/* ---- demo-data ------------------------------------------------------------------------- */

static void help_demo_data(FILE *out)
{
    fprintf(
        out,
        "usage: dddlab stimuli demo-data --out DIR [--classes N] [--images-per-class N]\n"
        "           [--train-per-class N] [--seed S] [--size PX] [--png-px PX] [--json]\n\n"
        "Generate the synthetic Gaussian data set (Meding et al. 2022): class i = 1..N is\n"
        "pixel-wise independent RGB Gaussian noise, mean 128, sigma i. A zoo of %zu simple\n"
        "classifiers (noise-level estimators on different pixels, channels, robust and\n"
        "quantised inputs) calibrates on training images and classifies the test images.\n"
        "Writes DIR/results.csv (long: model,image,label,prediction), DIR/images.csv\n"
        "(image,path,class) and DIR/demo.ini. PNGs are written only when a set needs\n"
        "them: 'dddlab stimuli build DIR/results.csv --demo-images --image-root DIR/images'.\n\n"
        "  --classes N           classes, sigma 1..N (default 100, at most 255)\n"
        "  --images-per-class N  test images per class (default 100)\n"
        "  --train-per-class N   calibration images per class (default 20)\n"
        "  --seed S              default 1\n"
        "  --size PX             image side the classifiers see (default 32)\n"
        "  --png-px PX           side of the PNG shown to observers, nearest-neighbour\n"
        "                        scaled (default 128)\n"
        "  --json                one JSON object on stdout\n",
        dl_stimuli_demo_nmodels());
}

static int sub_demo_data(int argc, char **argv)
{
    static const struct option opts[] = {
        {"out", required_argument, 0, OPT_OUT},
        {"classes", required_argument, 0, OPT_CLASSES},
        {"images-per-class", required_argument, 0, OPT_PER_CLASS_IMAGES},
        {"train-per-class", required_argument, 0, OPT_TRAIN},
        {"seed", required_argument, 0, OPT_SEED},
        {"size", required_argument, 0, OPT_SIZE},
        {"png-px", required_argument, 0, OPT_PNG},
        {"json", no_argument, 0, OPT_JSON},
        {"help", no_argument, 0, OPT_HELP},
        {0, 0, 0, 0}};
    const char *cmd = "stimuli demo-data", *dir = NULL;
    dl_stimuli_demo d;
    int json = 0, c, rc;
    unsigned long v = 0;
    dl_stimuli_demo_defaults(&d);
    cli_getopt_reset();
    while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
        if (c == OPT_HELP) {
            help_demo_data(stdout);
            return DL_EXIT_OK;
        }
        if (c == '?' || c == ':')
            return cli_bad_option(cmd, c, argv);
        if ((rc = whole(cmd, c, optarg, &v)) > 0)
            return rc;
        if (c == OPT_OUT)
            dir = optarg;
        else if (c == OPT_JSON)
            json = 1;
        else if (c == OPT_SEED)
            d.seed = (uint32_t)v;
        else
            *(c == OPT_CLASSES            ? &d.classes
              : c == OPT_PER_CLASS_IMAGES ? &d.images_per_class
              : c == OPT_TRAIN            ? &d.train_per_class
              : c == OPT_SIZE             ? &d.size_px
                                          : &d.png_px) = (unsigned)v;
    }
    if (optind < argc)
        return cli_usage(cmd, "unexpected argument '%s'", argv[optind]);
    if (!dir)
        return cli_usage(cmd, "--out DIR is required");
    dl_error err = {0};
    dl_progress pr;
    dl_progress_begin(&pr, "demo data", 0);
    d.progress = dl_progress_cb;
    d.progress_ctx = &pr;
    double t0 = dl_now_s();
    rc = dl_stimuli_demo_generate(&d, dir, &err);
    dl_progress_end(&pr);
    if (rc)
        return cli_fail(err.code, &err);
    (json ? dl_stimuli_demo_write_json : dl_stimuli_demo_write_text)(stdout, &d, dir,
                                                                     dl_now_s() - t0);
    return DL_EXIT_OK;
}

/* ---- dispatch -------------------------------------------------------------------- */

static const dl_cmd subs[] = {
    {"analyse", "DDD measures of model results: split, histogram, error consistency", sub_analyse,
     help_sub_analyse},
    {"build", "draw a reproducible 2AFC or rating stimulus set into a database", sub_build,
     help_build},
    {"check", "re-verify the images of a stored set (present, same SHA-256)", sub_check,
     help_check},
    {"demo-data", "generate the synthetic Gaussian data set and its model zoo", sub_demo_data,
     help_demo_data},
    {"imagestats", "image statistics of a set of images", cmd_stimuli_imagestats,
     help_stimuli_imagestats},
};
#define NSUBS (sizeof subs / sizeof *subs)

void help_stimuli(FILE *out)
{
    fprintf(out, "usage: dddlab stimuli SUBCOMMAND [ARGS]\n\n"
                 "From model results to DDD measures and reproducible stimulus sets.\n\n"
                 "subcommands:\n");
    for (size_t i = 0; i < NSUBS; i++)
        fprintf(out, "  %-11s %s\n", subs[i].name, subs[i].summary);
    fprintf(out, "\n'dddlab stimuli SUBCOMMAND --help' describes one subcommand.\n");
}

int cmd_stimuli(int argc, char **argv)
{
    if (argc < 2)
        return cli_usage("stimuli", "missing subcommand (analyse, build, check, demo-data, "
                                    "imagestats)");
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        help_stimuli(stdout);
        return DL_EXIT_OK;
    }
    for (size_t i = 0; i < NSUBS; i++) {
        if (strcmp(argv[1], subs[i].name) != 0)
            continue;
        if (argc > 2 && (strcmp(argv[2], "--help") == 0 || strcmp(argv[2], "-h") == 0)) {
            subs[i].help(stdout);
            return DL_EXIT_OK;
        }
        cli_getopt_reset();
        return subs[i].run(argc - 1, argv + 1);
    }
    return cli_usage("stimuli", "unknown subcommand '%s'", argv[1]);
}
