/* cmd_demo.c — `dddlab demo`: the whole job on built-in synthetic data.
 *
 * The demo runs the same subcommands a lab would type, each as a child
 * process of this very executable, so it exercises exactly the public
 * command-line paths (and their error handling) rather than a private
 * shortcut through the libraries. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"

extern char **environ;

typedef struct demo_opts {
    const char *out_dir;
    int windowed;      /* a person answers the first session in a window */
    int simulate;      /* force simulated observers even with a display */
    int observers;     /* simulated observers per task */
    int pairs;         /* 2AFC main trials */
    int per_class;     /* rating images per difficulty class */
    unsigned long seed;
    int json;
} demo_opts;

void help_demo(FILE *out)
{
    fprintf(out,
            "usage: dddlab demo [--out DIR] [--windowed] [--simulate] [--observers N]\n"
            "                   [--pairs N] [--per-class N] [--seed S] [--json]\n\n"
            "Run the whole dddlab job on the built-in synthetic Gaussian data set:\n"
            "  1. generate the data set and its model zoo     (stimuli demo-data)\n"
            "  2. measure DDD and print the split             (stimuli analyse)\n"
            "  3. build a 2AFC and a rating set into DIR/demo.sqlite (stimuli build)\n"
            "  4. run short 2AFC and rating sessions          (run)\n"
            "  5. write the analysis report DIR/report/       (analyse)\n\n"
            "Sessions are answered by simulated observers (several, so inter-observer\n"
            "statistics exist). With --windowed and a display, you answer the first\n"
            "2AFC and rating session yourself in a window; the rest are simulated.\n\n"
            "options:\n"
            "  --out DIR        output folder (default dddlab-demo); must be new or empty\n"
            "  --windowed       answer the first session of each task yourself\n"
            "  --simulate       only simulated observers (the default without a display)\n"
            "  --observers N    simulated observers per task (default 5)\n"
            "  --pairs N        2AFC trials per session (default 20)\n"
            "  --per-class N    rating images per class trivial/in-between/impossible\n"
            "                   (default 5)\n"
            "  --seed S         seed of data, sets and simulated observers (default 1)\n"
            "  --json           print the report's JSON summary instead of the text\n");
}

/* Run this executable with args; 0 when it exited 0. stdout_path, when
 * given, receives the child's standard output. */
static int run_self(char *const *args, const char *stdout_path)
{
    char self[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n <= 0) {
        fprintf(stderr, "dddlab demo: cannot find the dddlab executable: %s\n", strerror(errno));
        return -1;
    }
    self[n] = '\0';
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    if (stdout_path)
        posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, stdout_path,
                                         O_WRONLY | O_CREAT | O_TRUNC, 0644);
    size_t argc = 0;
    while (args[argc])
        argc++;
    char **argv = calloc(argc + 2, sizeof *argv);
    if (!argv) {
        posix_spawn_file_actions_destroy(&fa);
        return -1;
    }
    argv[0] = self;
    for (size_t i = 0; i < argc; i++)
        argv[i + 1] = args[i];
    fflush(stdout);
    fflush(stderr);
    pid_t pid;
    int rc = posix_spawn(&pid, self, &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    free(argv);
    if (rc != 0) {
        fprintf(stderr, "dddlab demo: cannot start %s: %s\n", self, strerror(rc));
        return -1;
    }
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return -1;
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
        return 0;
    fprintf(stderr, "dddlab demo: step 'dddlab %s %s' failed\n", args[0], args[1] ? args[1] : "");
    return -1;
}

/* dir/name into dst; the demo refuses folder names too long for a path. */
static int join(char *dst, size_t n, const char *dir, const char *name)
{
    int w = snprintf(dst, n, "%s/%s", dir, name);
    return w < 0 || (size_t)w >= n ? -1 : 0;
}

static void step(int i, const char *what)
{
    fprintf(stderr, "\n== dddlab demo, step %d: %s\n", i, what);
}

static int folder_is_new_or_empty(const char *dir)
{
    struct stat sb;
    if (stat(dir, &sb) != 0)
        return errno == ENOENT;
    if (!S_ISDIR(sb.st_mode))
        return 0;
    char probe[PATH_MAX];
    snprintf(probe, sizeof probe, "%s/demo.sqlite", dir);
    return access(probe, F_OK) != 0;
}

/* The experiment files the demo runs; a lab writes its own (docs/examples/). */
static int write_experiment(const char *path, const char *task, const char *set, const char *root,
                            dl_error *err)
{
    dl_atomic a;
    int rc = dl_atomic_open(&a, path, err);
    if (rc)
        return rc;
    if (strcmp(task, "2afc") == 0)
        fprintf(a.fp,
                "; dddlab demo: a short 2AFC session (see docs/examples/experiment1_2afc.ini)\n"
                "[experiment]\ntask = 2afc\nstimulus_set = %s\nimage_root = %s\n\n"
                "[procedure]\npractice_trials = 2\nbreak_every = 10\niti_ms = 300\n",
                set, root);
    else
        fprintf(a.fp,
                "; dddlab demo: a short rating session (see docs/examples/experiment2_rating.ini)\n"
                "[experiment]\ntask = rating\nstimulus_set = %s\nimage_root = %s\n\n"
                "[procedure]\npractice_trials = 0\nbreak_every = 10\niti_ms = 300\n",
                set, root);
    return dl_atomic_commit(&a, err);
}

static int parse_opts(int argc, char **argv, demo_opts *o)
{
    enum { O_OUT = 1, O_WINDOWED, O_SIMULATE, O_OBSERVERS, O_PAIRS, O_PER_CLASS, O_SEED, O_JSON };
    static const struct option opts[] = {
        {"out", required_argument, 0, O_OUT},         {"windowed", no_argument, 0, O_WINDOWED},
        {"simulate", no_argument, 0, O_SIMULATE},     {"observers", required_argument, 0, O_OBSERVERS},
        {"pairs", required_argument, 0, O_PAIRS},     {"per-class", required_argument, 0, O_PER_CLASS},
        {"seed", required_argument, 0, O_SEED},       {"json", no_argument, 0, O_JSON},
        {0, 0, 0, 0}};
    int c;
    long v;
    while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
        switch (c) {
        case O_OUT: o->out_dir = optarg; break;
        case O_WINDOWED: o->windowed = 1; break;
        case O_SIMULATE: o->simulate = 1; break;
        case O_JSON: o->json = 1; break;
        case O_OBSERVERS:
        case O_PAIRS:
        case O_PER_CLASS:
        case O_SEED:
            if (dl_parse_long(optarg, &v) != 0 || v < (c == O_SEED ? 0 : 1) || v > 100000)
                return cli_usage("demo", "'%s' needs a positive whole number, not '%s'",
                                 argv[optind - 1], optarg);
            if (c == O_OBSERVERS)
                o->observers = (int)v;
            else if (c == O_PAIRS)
                o->pairs = (int)v;
            else if (c == O_PER_CLASS)
                o->per_class = (int)v;
            else
                o->seed = (unsigned long)v;
            break;
        default: return cli_bad_option("demo", c, argv);
        }
    }
    if (optind < argc)
        return cli_usage("demo", "unexpected argument '%s'", argv[optind]);
    if (o->observers < 2)
        return cli_usage("demo", "--observers must be at least 2 (consistency needs pairs)");
    return 0;
}

int cmd_demo(int argc, char **argv)
{
    demo_opts o = {.out_dir = "dddlab-demo", .observers = 5, .pairs = 20, .per_class = 5, .seed = 1};
    int rc = parse_opts(argc, argv, &o);
    if (rc)
        return rc;
    dl_error err = {0};
    if (!folder_is_new_or_empty(o.out_dir)) {
        fprintf(stderr, "dddlab: %s: already holds a demo (demo.sqlite); choose a new --out folder\n",
                o.out_dir);
        return DL_EXIT_FAIL;
    }
    if (dl_mkdir_p(o.out_dir, &err))
        return cli_fail(&err);
    int person = o.windowed && !o.simulate && getenv("DISPLAY") && getenv("DISPLAY")[0];

    char data[PATH_MAX], results[PATH_MAX], images_csv[PATH_MAX], ddd[PATH_MAX], db[PATH_MAX];
    char root[PATH_MAX], ini_2afc[PATH_MAX], ini_rating[PATH_MAX], report[PATH_MAX];
    char seed[32], pairs[32], per_class[32];
    if (join(data, sizeof data, o.out_dir, "data") || join(results, sizeof results, data, "results.csv") ||
        join(images_csv, sizeof images_csv, data, "images.csv") ||
        join(root, sizeof root, data, "images") || join(ddd, sizeof ddd, o.out_dir, "ddd") ||
        join(db, sizeof db, o.out_dir, "demo.sqlite") ||
        join(ini_2afc, sizeof ini_2afc, o.out_dir, "demo_2afc.ini") ||
        join(ini_rating, sizeof ini_rating, o.out_dir, "demo_rating.ini") ||
        join(report, sizeof report, o.out_dir, "report"))
        return cli_usage("demo", "the --out folder name is too long");
    snprintf(seed, sizeof seed, "%lu", o.seed);
    snprintf(pairs, sizeof pairs, "%d", o.pairs);
    snprintf(per_class, sizeof per_class, "%d", o.per_class);

    step(1, "generate the synthetic Gaussian data set and its model zoo");
    char *s1[] = {"stimuli", "demo-data", "--out", data, "--seed", seed, NULL};
    if (run_self(s1, NULL))
        return DL_EXIT_FAIL;

    step(2, "measure dichotomous data difficulty");
    char *s2[] = {"stimuli", "analyse", results, "--images-csv", images_csv, "--out", ddd, NULL};
    if (run_self(s2, NULL))
        return DL_EXIT_FAIL;

    step(3, "build a 2AFC set and a rating set");
    char *s3a[] = {"stimuli", "build", results, "--task", "2afc", "--name", "demo-2afc",
                   "--images-csv", images_csv, "--image-root", root, "--db", db,
                   "--pairs", pairs, "--practice", "2", "--seed", seed, "--demo-images", NULL};
    char *s3b[] = {"stimuli", "build", results, "--task", "rating", "--name", "demo-rating",
                   "--images-csv", images_csv, "--image-root", root, "--db", db,
                   "--per-class", per_class, "--seed", seed, "--demo-images", NULL};
    if (run_self(s3a, NULL) || run_self(s3b, NULL))
        return DL_EXIT_FAIL;
    if (write_experiment(ini_2afc, "2afc", "demo-2afc", "data/images", &err) ||
        write_experiment(ini_rating, "rating", "demo-rating", "data/images", &err))
        return cli_fail(&err);

    step(4, person ? "run the sessions (yours first, in a window)" : "run simulated sessions");
    for (int task = 0; task < 2; task++) {
        for (int i = 0; i < o.observers + person; i++) {
            char code[32], spec[128];
            int is_person = person && i == 0;
            snprintf(code, sizeof code, "%s%02d", is_person ? "you" : "sim", i + 1 - person);
            /* Observers differ in skill so the report has something to show. */
            double acc = 0.70 + 0.05 * (double)(i % 5);
            snprintf(spec, sizeof spec, "accuracy=%.2f,rt=lognormal:700:0.3,seed=%lu", acc,
                     o.seed * 100 + (unsigned long)i + 1);
            char *args[16];
            int k = 0;
            args[k++] = "run";
            args[k++] = "--db";
            args[k++] = db;
            args[k++] = "--experiment";
            args[k++] = task == 0 ? ini_2afc : ini_rating;
            args[k++] = "--observer";
            args[k++] = code;
            if (is_person) {
                args[k++] = "--windowed";
            } else {
                args[k++] = "--simulate";
                args[k++] = spec;
            }
            args[k] = NULL;
            if (run_self(args, NULL))
                return DL_EXIT_FAIL;
        }
    }

    step(5, "analyse the sessions and write the report");
    char *s5[] = {"analyse", "--db", db, "--ddd", ddd, "--out", report, o.json ? "--json" : NULL,
                  NULL};
    if (run_self(s5, NULL))
        return DL_EXIT_FAIL;
    fprintf(stderr, "\ndddlab demo: done. The report: %s/report.html\n", report);
    return DL_EXIT_OK;
}
