/* cmd_demo.c — `dddlab demo`: the whole job on built-in synthetic data.
 *
 * The demo runs the same subcommands a lab would type, each as a child
 * process of this very executable, so it exercises exactly the public
 * command-line paths (and their error handling) rather than a private
 * shortcut through the libraries. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "dl_stimuli.h"

extern char **environ;

typedef struct demo_opts {
    const char *out_dir;
    int windowed;  /* the person's sessions in a window, not fullscreen */
    int simulate;  /* force simulated observers even with a display */
    int observers; /* simulated observers per task */
    int pairs;     /* 2AFC main trials */
    int per_class; /* rating images per difficulty class */
    unsigned long seed;
    int json;
} demo_opts;

void help_demo(FILE *out)
{
    fprintf(out, "usage: dddlab demo [--out DIR] [--windowed] [--simulate] [--observers N]\n"
                 "                   [--pairs N] [--per-class N] [--seed S] [--json]\n\n"
                 "Run the whole dddlab job on the built-in synthetic Gaussian data set:\n"
                 "  1. generate the data set and its model zoo     (stimuli demo-data)\n"
                 "  2. measure DDD and print the split             (stimuli analyse)\n"
                 "  3. build a 2AFC and a rating set into DIR/demo.sqlite (stimuli build)\n"
                 "  4. run short 2AFC and rating sessions          (run)\n"
                 "  5. write the analysis report DIR/report/       (analyse)\n\n"
                 "With a display, you answer the first 2AFC and the first rating session\n"
                 "yourself (fullscreen, or in a window with --windowed); several simulated\n"
                 "observers answer the rest off screen, so inter-observer statistics exist.\n"
                 "Without a display, or with --simulate, every observer is simulated.\n\n"
                 "options:\n"
                 "  --out DIR        output folder (default dddlab-demo); must be new or empty\n"
                 "  --windowed       your sessions in a window instead of fullscreen\n"
                 "  --simulate       only simulated observers (the default without a display)\n"
                 "  --observers N    simulated observers per task (default 5)\n"
                 "  --pairs N        2AFC trials per session (default 40)\n"
                 "  --per-class N    rating images per class trivial/in-between/impossible\n"
                 "                   (default 5)\n"
                 "  --seed S         seed of data, sets, simulated observers and every trial\n"
                 "                   order: one seed, one database apart from times (default 1)\n"
                 "  --json           print the report's JSON summary instead of the text\n");
}

/* Start this executable with args; the child's pid, or -1. */
static pid_t spawn_self(char *const *args)
{
    char self[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n <= 0) {
        fprintf(stderr, "dddlab demo: cannot find the dddlab executable: %s\n", strerror(errno));
        return -1;
    }
    self[n] = '\0';
    size_t argc = 0;
    while (args[argc])
        argc++;
    char **argv = calloc(argc + 2, sizeof *argv);
    if (!argv)
        return -1;
    argv[0] = self;
    for (size_t i = 0; i < argc; i++)
        argv[i + 1] = args[i];
    fflush(stdout);
    fflush(stderr);
    pid_t pid;
    int rc = posix_spawn(&pid, self, NULL, NULL, argv, environ);
    free(argv);
    if (rc != 0) {
        fprintf(stderr, "dddlab demo: cannot start %s: %s\n", self, strerror(rc));
        return -1;
    }
    return pid;
}

/* Wait for a child started by spawn_self; 0 when it exited 0. */
static int wait_self(pid_t pid, char *const *args)
{
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return -1;
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
        return 0;
    fprintf(stderr, "dddlab demo: step 'dddlab %s %s' failed\n", args[0], args[1] ? args[1] : "");
    return -1;
}

static int run_self(char *const *args)
{
    pid_t pid = spawn_self(args);
    return pid < 0 ? -1 : wait_self(pid, args);
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

static int parse_opts(int argc, char **argv, demo_opts *o)
{
    enum { O_OUT = 1, O_WINDOWED, O_SIMULATE, O_OBSERVERS, O_PAIRS, O_PER_CLASS, O_SEED, O_JSON };
    static const struct option opts[] = {{"out", required_argument, 0, O_OUT},
                                         {"windowed", no_argument, 0, O_WINDOWED},
                                         {"simulate", no_argument, 0, O_SIMULATE},
                                         {"observers", required_argument, 0, O_OBSERVERS},
                                         {"pairs", required_argument, 0, O_PAIRS},
                                         {"per-class", required_argument, 0, O_PER_CLASS},
                                         {"seed", required_argument, 0, O_SEED},
                                         {"json", no_argument, 0, O_JSON},
                                         {0, 0, 0, 0}};
    int c;
    long v;
    while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
        switch (c) {
        case O_OUT:
            o->out_dir = optarg;
            break;
        case O_WINDOWED:
            o->windowed = 1;
            break;
        case O_SIMULATE:
            o->simulate = 1;
            break;
        case O_JSON:
            o->json = 1;
            break;
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
        default:
            return cli_bad_option("demo", c, argv);
        }
    }
    if (optind < argc)
        return cli_usage("demo", "unexpected argument '%s'", argv[optind]);
    if (o->observers < 2)
        return cli_usage("demo", "--observers must be at least 2 (consistency needs pairs)");
    return 0;
}

/* One task's sessions: the person's first (alone, in a window), then every
 * simulated observer at once. Each observer gets an experiment file of its
 * own whose trial-order seed derives from --seed, so two demos with one seed
 * show every observer the same order (run draws it from /dev/urandom when
 * the file names none). Simulated observers answer in real time
 * through the real event queue, so running them side by side keeps the
 * demo short; the store's busy timeout lets them share the database. */
static int run_sessions(const demo_opts *o, int task, char *db, int person)
{
    enum { MAX_OBS = 64 };
    dl_stimuli_demo_obs obs[MAX_OBS];
    char ini[MAX_OBS][PATH_MAX];
    char *args[MAX_OBS][12];
    pid_t pid[MAX_OBS];
    int n = o->observers + person < MAX_OBS ? o->observers + person : MAX_OBS;
    int failed = 0;
    int video_driver_set = getenv("SDL_VIDEODRIVER") != NULL;
    for (int i = 0; i < n; i++) {
        int is_person = person && i == 0;
        const char *tname = task == 0 ? "2afc" : "rating";
        char name[64];
        dl_error err = {0};
        dl_stimuli_demo_observer(o->seed, task, i, person, &obs[i]);
        snprintf(name, sizeof name, "sessions/%.31s_%s.ini", obs[i].code, tname);
        if (join(ini[i], sizeof ini[i], o->out_dir, name) ||
            dl_stimuli_demo_write_experiment(ini[i], tname, task == 0 ? "demo-2afc" : "demo-rating",
                                             "../data/images", obs[i].order_seed, &err)) {
            if (err.code)
                cli_fail(err.code, &err);
            failed = 1;
            n = i;
            break;
        }
        char **a = args[i];
        int k = 0;
        a[k++] = "run";
        a[k++] = "--db";
        a[k++] = db;
        a[k++] = "--experiment";
        a[k++] = ini[i];
        a[k++] = "--observer";
        a[k++] = obs[i].code;
        if (is_person) {
            if (o->windowed)
                a[k++] = "--windowed";
        } else {
            a[k++] = "--simulate";
            a[k++] = obs[i].spec;
        }
        a[k] = NULL;
        /* Simulated observers run off screen even on a desktop: a person
         * should not see several windows at once. */
        if (!is_person && !video_driver_set && setenv("SDL_VIDEODRIVER", "offscreen", 1) != 0)
            failed = 1;
        pid[i] = spawn_self(a);
        if (pid[i] < 0 || (is_person && wait_self(pid[i], a) != 0)) {
            n = i + (pid[i] >= 0 && !is_person);
            failed = 1;
            break;
        }
        if (is_person)
            pid[i] = 0;
    }
    for (int i = 0; i < n; i++)
        if (pid[i] > 0 && wait_self(pid[i], args[i]) != 0)
            failed = 1;
    if (!video_driver_set)
        unsetenv("SDL_VIDEODRIVER");
    return failed ? -1 : 0;
}

int cmd_demo(int argc, char **argv)
{
    demo_opts o = {
        .out_dir = "dddlab-demo", .observers = 5, .pairs = 40, .per_class = 5, .seed = 1};
    int rc = parse_opts(argc, argv, &o);
    if (rc)
        return rc;
    dl_error err = {0};
    if (!folder_is_new_or_empty(o.out_dir)) {
        fprintf(stderr,
                "dddlab: %s: already holds a demo (demo.sqlite); choose a new --out folder\n",
                o.out_dir);
        return DL_EXIT_FAIL;
    }
    if (dl_mkdir_p(o.out_dir, &err))
        return cli_fail(err.code, &err);
    const char *display = getenv("DISPLAY");
    int person = !o.simulate && ((display && display[0]) || getenv("WAYLAND_DISPLAY"));

    char data[PATH_MAX], results[PATH_MAX], images_csv[PATH_MAX], ddd[PATH_MAX], db[PATH_MAX];
    char root[PATH_MAX], ini_2afc[PATH_MAX], ini_rating[PATH_MAX], report[PATH_MAX];
    char seed[32], pairs[32], per_class[32];
    if (join(data, sizeof data, o.out_dir, "data") ||
        join(results, sizeof results, data, "results.csv") ||
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
    if (run_self(s1))
        return DL_EXIT_FAIL;

    step(2, "measure dichotomous data difficulty");
    char *s2[] = {"stimuli",      "analyse",  results, "--near", "1",
                  "--images-csv", images_csv, "--out", ddd,      NULL};
    if (run_self(s2))
        return DL_EXIT_FAIL;

    step(3, "build a 2AFC set and a rating set");
    char *s3a[] = {"stimuli",   "build",        results,    "--task",        "2afc", "--name",
                   "demo-2afc", "--images-csv", images_csv, "--image-root",  root,   "--db",
                   db,          "--pairs",      pairs,      "--practice",    "2",    "--near",
                   "1",         "--seed",       seed,       "--demo-images", NULL};
    char *s3b[] = {"stimuli",  "build",        results,       "--task",
                   "rating",   "--name",       "demo-rating", "--images-csv",
                   images_csv, "--image-root", root,          "--db",
                   db,         "--per-class",  per_class,     "--near",
                   "1",        "--seed",       seed,          "--demo-images",
                   NULL};
    if (run_self(s3a) || run_self(s3b))
        return DL_EXIT_FAIL;
    char sessions_dir[PATH_MAX];
    if (join(sessions_dir, sizeof sessions_dir, o.out_dir, "sessions"))
        return cli_usage("demo", "the --out folder name is too long");
    /* The files a lab would start from; each session runs its own copy under
     * sessions/ with its own seed. */
    if (dl_stimuli_demo_write_experiment(ini_2afc, "2afc", "demo-2afc", "data/images", o.seed,
                                         &err) ||
        dl_stimuli_demo_write_experiment(ini_rating, "rating", "demo-rating", "data/images", o.seed,
                                         &err) ||
        dl_mkdir_p(sessions_dir, &err))
        return cli_fail(err.code, &err);

    step(4, person ? "run the sessions (yours first, then simulated observers)"
                   : "run simulated sessions");
    for (int task = 0; task < 2; task++)
        if (run_sessions(&o, task, db, person))
            return DL_EXIT_FAIL;

    step(5, "analyse the sessions and write the report");
    char rating_report[PATH_MAX];
    if (join(rating_report, sizeof rating_report, report, "ratings"))
        return cli_usage("demo", "the --out folder name is too long");
    char *json = o.json ? "--json" : NULL;
    /* The demo's observers are simulated: analyse them as observers. */
    char *s5a[] = {"analyse", "--db", db,      "--set", "demo-2afc", "--include-simulated",
                   "--ddd",   ddd,    "--out", report,  json,        NULL};
    char *s5b[] = {"analyse", "--db",        db,   "--set", "demo-rating", "--include-simulated",
                   "--out",   rating_report, json, NULL};
    if (run_self(s5a) || run_self(s5b))
        return DL_EXIT_FAIL;
    fprintf(stderr,
            "\ndddlab demo: done.\n  2AFC and DDD report  %s/report.html\n"
            "  rating report        %s/report.html\n  database             %s\n",
            report, rating_report, db);
    return DL_EXIT_OK;
}
