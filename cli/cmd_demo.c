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
static const dl_opt demo_table[] = {
    DL_OPT_STR(T, "out", out_dir, "DIR",
               "output folder (default dddlab-demo); must be new or empty"),
    DL_OPT_FLAG(T, "windowed", 0, windowed, "your sessions in a window instead of fullscreen"),
    DL_OPT_FLAG(T, "simulate", 0, simulate,
                "only simulated observers (the default without a display)"),
    DL_OPT_WHOLE(T, "observers", observers, 2, 60, "N", "simulated observers per task (default 5)"),
    DL_OPT_WHOLE(T, "pairs", pairs, 1, 100000, "N", "2AFC trials per session (default 40)"),
    DL_OPT_WHOLE(T, "per-class", per_class, 1, 100000, "N",
                 "rating images per class trivial/in-between/impossible\n"
                 "(default 5)"),
    DL_OPT_WHOLE(T, "seed", seed, 0, 100000, "S",
                 "seed of data, sets, simulated observers and every trial\n"
                 "order: one seed, one database apart from times (default 1)"),
    DL_OPT_FLAG(T, "json", 0, json, "print the report's JSON summary instead of the text"),
};
#undef T
static const dl_opt_group demo_groups[] = {DL_OPT_GROUP(demo_table, 0)};
static const dl_opt_spec cli_spec_demo = {
    .cmd = "demo",
    .about = "Run the whole dddlab job on the built-in synthetic Gaussian data set:\n"
             "  1. generate the data set and its model zoo     (stimuli demo-data)\n"
             "  2. measure DDD and print the split             (stimuli analyse)\n"
             "  3. build a 2AFC and a rating set into DIR/demo.sqlite (stimuli build)\n"
             "  4. run short 2AFC and rating sessions          (run)\n"
             "  5. write the analysis report DIR/report/       (analyse)\n\n"
             "With a display, you answer the first 2AFC and the first rating session\n"
             "yourself (fullscreen, or in a window with --windowed); several simulated\n"
             "observers answer the rest off screen, so inter-observer statistics exist.\n"
             "Without a display, or with --simulate, every observer is simulated.\n",
    .groups = demo_groups,
    .ngroups = 1};

/* Start this executable with args (NULL-terminated); the child's pid, or -1. */
static pid_t spawn_self(char *const *args)
{
    char self[PATH_MAX], *argv[32] = {self};
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n <= 0) {
        fprintf(stderr, "dddlab demo: cannot find the dddlab executable: %s\n", strerror(errno));
        return -1;
    }
    self[n] = '\0';
    for (size_t i = 0; args[i] && i + 2 < sizeof argv / sizeof *argv; i++)
        argv[i + 1] = args[i];
    fflush(stdout);
    fflush(stderr);
    pid_t pid;
    int rc = posix_spawn(&pid, self, NULL, NULL, argv, environ);
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

/* Step i (when what is given) of the demo: run `dddlab args...`. */
static int step(int i, const char *what, char *const *args)
{
    if (what)
        fprintf(stderr, "\n== dddlab demo, step %d: %s\n", i, what);
    pid_t pid = spawn_self(args);
    return pid < 0 ? -1 : wait_self(pid, args);
}

/* dir/name into dst (PATH_MAX); the demo refuses folder names too long. */
static int at(char *dst, const char *dir, const char *name)
{
    int w = snprintf(dst, PATH_MAX, "%s/%s", dir, name);
    return w < 0 || w >= PATH_MAX ? -1 : 0;
}

static int folder_is_new_or_empty(const char *dir)
{
    struct stat sb;
    char probe[PATH_MAX];
    if (stat(dir, &sb) != 0)
        return errno == ENOENT;
    return S_ISDIR(sb.st_mode) && at(probe, dir, "demo.sqlite") == 0 && access(probe, F_OK) != 0;
}

/* One task's sessions: the person's first (alone, in a window), then every
 * simulated observer at once. Each observer gets an experiment file of its
 * own whose trial-order seed derives from --seed, so two demos with one seed
 * show every observer the same order (run draws it from /dev/urandom when
 * the file names none). Simulated observers answer in real time
 * through the real event queue, so running them side by side keeps the
 * demo short; the store's busy timeout lets them share the database.
 * They run off screen even on a desktop: a person should not see several
 * windows at once. */
static int run_sessions(const demo_opts *o, int task, char *db, int person)
{
    enum { MAX_OBS = 64 };
    const char *tname = task == 0 ? "2afc" : "rating";
    dl_stimuli_demo_obs obs[MAX_OBS];
    char ini[MAX_OBS][PATH_MAX], name[64];
    char *args[MAX_OBS][12];
    pid_t pid[MAX_OBS];
    int n = 0, failed = 0, driver_set = getenv("SDL_VIDEODRIVER") != NULL;
    dl_error err = {0};
    for (int i = 0; i < o->observers + person && !failed; i++) {
        int is_person = person && i == 0;
        dl_stimuli_demo_observer(o->seed, task, i, person, &obs[i]);
        snprintf(name, sizeof name, "sessions/%.31s_%s.ini", obs[i].code, tname);
        if (at(ini[i], o->out_dir, name) ||
            dl_stimuli_demo_write_experiment(ini[i], tname, task == 0 ? "demo-2afc" : "demo-rating",
                                             "../data/images", obs[i].order_seed, &err)) {
            if (err.code)
                cli_fail(err.code, &err);
            failed = 1;
            break;
        }
        char **a = args[i], *const base[] = {"run",  "--db",       db,         "--experiment",
                                             ini[i], "--observer", obs[i].code};
        int k = sizeof base / sizeof *base;
        memcpy(a, base, sizeof base);
        if (!is_person) {
            a[k++] = "--simulate";
            a[k++] = obs[i].spec;
        } else if (o->windowed)
            a[k++] = "--windowed";
        a[k] = NULL;
        if (!is_person && !driver_set && setenv("SDL_VIDEODRIVER", "offscreen", 1) != 0)
            failed = 1;
        pid[i] = failed ? -1 : spawn_self(a);
        if (pid[i] < 0 || (is_person && wait_self(pid[i], a) != 0))
            failed = 1;
        else if (!is_person)
            n = i + 1; /* wait for it below */
        if (is_person)
            pid[i] = 0;
    }
    for (int i = 0; i < n; i++)
        if (pid[i] > 0 && wait_self(pid[i], args[i]) != 0)
            failed = 1;
    if (!driver_set)
        unsetenv("SDL_VIDEODRIVER");
    return failed ? -1 : 0;
}

static int cmd_demo(int argc, char **argv)
{
    demo_opts o = {
        .out_dir = "dddlab-demo", .observers = 5, .pairs = 40, .per_class = 5, .seed = 1};
    dl_opt_args a;
    int rc = cli_parse(&cli_spec_demo, argc, argv, &o, &a);
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
    char sessions[PATH_MAX], rating_report[PATH_MAX];
    char seed[32], pairs[32], per_class[32];
    if (at(data, o.out_dir, "data") || at(results, data, "results.csv") ||
        at(images_csv, data, "images.csv") || at(root, data, "images") ||
        at(ddd, o.out_dir, "ddd") || at(db, o.out_dir, "demo.sqlite") ||
        at(ini_2afc, o.out_dir, "demo_2afc.ini") || at(ini_rating, o.out_dir, "demo_rating.ini") ||
        at(report, o.out_dir, "report") || at(sessions, o.out_dir, "sessions") ||
        at(rating_report, report, "ratings"))
        return cli_usage("demo", "the --out folder name is too long");
    snprintf(seed, sizeof seed, "%lu", o.seed);
    snprintf(pairs, sizeof pairs, "%d", o.pairs);
    snprintf(per_class, sizeof per_class, "%d", o.per_class);
    char *json = o.json ? "--json" : NULL;

    /* clang-format off */
    if (step(1, "generate the synthetic Gaussian data set and its model zoo",
             (char *[]){"stimuli", "demo-data", "--out", data, "--seed", seed, NULL}) ||
        step(2, "measure dichotomous data difficulty",
             (char *[]){"stimuli", "analyse", results, "--near", "1", "--images-csv", images_csv,
                        "--out", ddd, NULL}) ||
        step(3, "build a 2AFC set and a rating set",
             (char *[]){"stimuli", "build", results, "--task", "2afc", "--name", "demo-2afc",
                        "--images-csv", images_csv, "--image-root", root, "--db", db,
                        "--pairs", pairs, "--practice", "2", "--near", "1", "--seed", seed,
                        "--demo-images", NULL}) ||
        step(3, NULL,
             (char *[]){"stimuli", "build", results, "--task", "rating", "--name", "demo-rating",
                        "--images-csv", images_csv, "--image-root", root, "--db", db,
                        "--per-class", per_class, "--near", "1", "--seed", seed,
                        "--demo-images", NULL}))
        return DL_EXIT_FAIL;
    /* clang-format on */
    /* The files a lab would start from; each session runs its own copy under
     * sessions/ with its own seed. */
    if (dl_stimuli_demo_write_experiment(ini_2afc, "2afc", "demo-2afc", "data/images", o.seed,
                                         &err) ||
        dl_stimuli_demo_write_experiment(ini_rating, "rating", "demo-rating", "data/images", o.seed,
                                         &err) ||
        dl_mkdir_p(sessions, &err))
        return cli_fail(err.code, &err);

    fprintf(stderr, "\n== dddlab demo, step 4: %s\n",
            person ? "run the sessions (yours first, then simulated observers)"
                   : "run simulated sessions");
    if (run_sessions(&o, 0, db, person) || run_sessions(&o, 1, db, person))
        return DL_EXIT_FAIL;

    /* The demo's observers are simulated: analyse them as observers. */
    /* clang-format off */
    if (step(5, "analyse the sessions and write the report",
             (char *[]){"analyse", "--db", db, "--set", "demo-2afc", "--include-simulated",
                        "--ddd", ddd, "--out", report, json, NULL}) ||
        step(5, NULL,
             (char *[]){"analyse", "--db", db, "--set", "demo-rating", "--include-simulated",
                        "--out", rating_report, json, NULL}))
        return DL_EXIT_FAIL;
    /* clang-format on */
    fprintf(stderr,
            "\ndddlab demo: done.\n  2AFC and DDD report  %s/report.html\n"
            "  rating report        %s/report.html\n  database             %s\n",
            report, rating_report, db);
    return DL_EXIT_OK;
}

const cli_cmd cli_cmd_demo = {.name = "demo",
                              .summary = "the whole job on built-in synthetic data",
                              .run = cmd_demo,
                              .spec = &cli_spec_demo};
