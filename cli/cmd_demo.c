/* cmd_demo.c — `dddlab demo`: the whole job on built-in synthetic data.
 *
 * The demo runs the same subcommands a lab would type, each as a child
 * process of this very executable, so it exercises exactly the public
 * command-line paths (and their error handling) rather than a private
 * shortcut through the libraries. */
#include <errno.h>
#include <limits.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "cli_args.h"
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

#define T demo_opts
static const cli_opt demo_table[] = {
    CLI_STR_OPT(T, "out", out_dir, "DIR",
                "output folder (default dddlab-demo); must be new or empty"),
    CLI_FLAG_OPT(T, "windowed", 0, windowed, "your sessions in a window instead of fullscreen"),
    CLI_FLAG_OPT(T, "simulate", 0, simulate,
                 "only simulated observers (the default without a display)"),
    CLI_WHOLE_OPT(T, "observers", observers, 1, 100000, "N",
                  "simulated observers per task (default 5, at least 2)"),
    CLI_WHOLE_OPT(T, "pairs", pairs, 1, 100000, "N", "2AFC trials per session (default 40)"),
    CLI_WHOLE_OPT(T, "per-class", per_class, 1, 100000, "N",
                  "rating images per class trivial/in-between/impossible\n"
                  "(default 5)"),
    CLI_WHOLE_OPT(T, "seed", seed, 0, 100000, "S",
                  "seed of data, sets, simulated observers and every trial\n"
                  "order: one seed, one database apart from times (default 1)"),
    CLI_FLAG_OPT(T, "json", 0, json, "print the report's JSON summary instead of the text"),
};
#undef T
static const cli_group demo_groups[] = {CLI_GROUP(demo_table, 0)};
const cli_spec cli_spec_demo = {
    .cmd = "demo",
    .usage = "usage: dddlab demo [--out DIR] [--windowed] [--simulate] [--observers N]\n"
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
             "options:\n",
    .groups = demo_groups,
    .ngroups = 1};

void help_demo(FILE *out)
{
    cli_args_help(out, &cli_spec_demo);
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
    cli_args a;
    int rc = cli_args_parse(&cli_spec_demo, argc, argv, o, &a);
    if (rc)
        return rc;
    if (a.npos > 0)
        return cli_usage("demo", "unexpected argument '%s'", a.pos[0]);
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
        return rc == CLI_HELP_SHOWN ? DL_EXIT_OK : rc;
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
