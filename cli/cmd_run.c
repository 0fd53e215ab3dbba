/* cmd_run.c — `dddlab run`: a 2AFC or rating session with an observer. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "dl_experiment.h"

#define CMD "run"

typedef struct run_opts {
    dl_exp_options o;
    int json;
} run_opts;

static const dl_opt run_table[] = {
    DL_OPT_STR(run_opts, "db", o.db_path, "FILE",
               "the database holding the stimulus set (must exist)"),
    DL_OPT_STR(run_opts, "experiment", o.experiment_path, "FILE.ini", "the experiment file"),
    DL_OPT_STR(run_opts, "observer", o.observer_code, "CODE",
               "the observer's pseudonymous code; without it the first\n"
               "screen asks for it (and offers to resume)"),
    DL_OPT_FLAG(run_opts, "resume", 0, o.resume,
                "continue the observer's unfinished session on this set\n"
                "at the next unanswered trial, in the same order"),
    DL_OPT_FLAG(run_opts, "new-session", 0, o.new_session,
                "start a new session although the observer has an\n"
                "unfinished one on this set (without it, that is an error)"),
    DL_OPT_FLAG(run_opts, "allow-changed-experiment", 0, o.allow_changed_experiment,
                "resume with an experiment file changed since the\n"
                "session ran; the new file is recorded with the run"),
    DL_OPT_WHOLE(run_opts, "age", o.age, 1, 150, "N",
                 "the observer's age in years, stored with the observer code"),
    DL_OPT_STR(run_opts, "gender", o.gender, "TEXT",
               "the observer's gender, stored with the observer code"),
    DL_OPT_STR(run_opts, "sex", o.gender, "TEXT", "the same as --gender"),
    DL_OPT_STR(run_opts, "handedness", o.handedness, "TEXT",
               "the observer's handedness, stored with the observer code"),
    DL_OPT_FLAG(run_opts, "windowed", 0, o.windowed,
                "a 1024x768 window instead of fullscreen (testing)"),
    DL_OPT_WHOLE(run_opts, "display", o.display_index, 0, 63, "N",
                 "the monitor to use, 0 = the first (default 0)"),
    DL_OPT_STR(run_opts, "simulate", o.simulate, "SPEC",
               "a simulated observer answers every screen with real SDL\n"
               "events, e.g. accuracy=0.8,rt=lognormal:600:0.3,seed=1\n"
               "(keys: accuracy, rt=lognormal:MEDIAN:SIGMA|fixed:MS|\n"
               "uniform:MIN:MAX, seed, screen_ms, confirm_ms, mouse, code,\n"
               "resume=yes|no|back, quit_after=N). Without a DISPLAY it runs\n"
               "headless on SDL's offscreen driver."),
    DL_OPT_STR(run_opts, "screenshots", o.screenshots_dir, "DIR",
               "save one PNG of each kind of screen into DIR"),
    DL_OPT_FLAG(run_opts, "json", 0, json, "print the result as one JSON object"),
};
static const dl_opt_group run_groups[] = {DL_OPT_GROUP(run_table, 0)};
static const dl_opt_spec cli_spec_run = {
    .cmd = CMD,
    .about = "Run a session of the 2AFC or the rating task, fullscreen, and log every answer\n"
             "to the database as it is given. The experiment file (INI) names the task, the\n"
             "stimulus set and every text the observer sees; see docs/experiment.md.\n"
             "Everything is checked before the window opens.\n",
    .groups = run_groups,
    .ngroups = 1,
    .required = "db|experiment",
    .epilog = "Keys: Escape pauses (continue or quit). Quitting, Ctrl-C, SIGTERM, closing the\n"
              "window or a crash keep every answer; the session can be resumed.\n"
              "Observer codes are compared without regard to case (p02 is P02).\n"
              "Exit status: 0 completed or quit by the observer, 1 bad input or a failure,\n"
              "2 usage error.\n"};

/* The runner checks and decodes every image before its window opens (a
 * 300-image set takes a moment); the line is drawn here, the library only
 * reports how far it got. */
typedef struct run_progress {
    cli_progress bar;
    int begun, ended;
} run_progress;

static void on_progress(void *ctx, size_t done, size_t total)
{
    run_progress *p = ctx;
    if (!p->begun)
        cli_progress_begin(&p->bar, "checking images", total);
    p->begun = 1;
    cli_progress_update(&p->bar, done);
    if (done == total && !p->ended)
        cli_progress_end(&p->bar);
    p->ended = done == total;
}

static int cmd_run(int argc, char **argv)
{
    run_opts ro = {0};
    dl_opt_args a;
    int rc = cli_parse(&cli_spec_run, argc, argv, &ro, &a);
    if (rc)
        return rc;
    dl_exp_options o = ro.o;
    if (o.resume && o.new_session)
        return cli_usage(CMD, "--resume and --new-session exclude each other");
    dl_error err = {0};
    if (o.simulate && dl_exp_sim_check(o.simulate, &err))
        return cli_usage(CMD, "%s", err.msg);
    dl_exp_result res;
    run_progress prog = {0};
    o.progress = on_progress;
    o.progress_ctx = &prog;
    rc = dl_exp_run(&o, &res, &err);
    if (prog.begun && !prog.ended) /* the check stopped at a bad image */
        cli_progress_end(&prog.bar);
    for (size_t i = 0; i < res.nwarnings; i++)
        fprintf(stderr, "dddlab: warning: %s\n", res.warnings[i]);
    if (rc != 0)
        return cli_fail(rc, &err);
    (ro.json ? dl_exp_result_write_json : dl_exp_result_write_text)(stdout, &res);
    return DL_EXIT_OK;
}

const cli_cmd cli_cmd_run = {.name = CMD,
                             .summary =
                                 "run a 2AFC or rating session with an observer (fullscreen)",
                             .run = cmd_run,
                             .spec = &cli_spec_run};
