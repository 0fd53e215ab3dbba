/* bench_experiment.c — a simulated rating session of 300 trials (the size
 * of the paper's Experiment 2) at the display's frame rate, run in-process
 * through dl_exp_run. Prints the three numbers the runner is held to:
 *   - time from start to the first instruction frame, 300 stimuli preloaded
 *     (target < 1.5 s),
 *   - frames dropped (target 0),
 *   - |recorded rt_ms - intended rt| of the simulated observer (p99 < 1 ms).
 * Needs a display: run it through tests/experiment/with-xvfb.sh (see
 * bench/experiment/run.sh; under a CPU hog, load.sh).
 * Usage: bench_experiment [NTRIALS [PRIORITY [FIXATION_MS [CPU]]]] with
 * PRIORITY realtime | high | normal (the experiment file's key), a fixation
 * cross of FIXATION_MS before each onset (more frames per trial), and CPU
 * the experiment file's cpu key (a number, or any). */
#include <stdio.h>
#include <stdlib.h>

#include "dl_experiment.h"
#include "fixture.h"

int main(int argc, char **argv)
{
    int n = argc > 1 ? atoi(argv[1]) : 300;
    const char *priority = argc > 2 ? argv[2] : "realtime";
    int fixation_ms = argc > 3 ? atoi(argv[3]) : 0;
    const char *cpu = argc > 4 ? argv[4] : "any";
    fx f;
    fx_opts o = {"rating", "bench", n, 0, 224, 224, 0};
    if (n < 1 || fx_setup(&f, &o) != 0) {
        fprintf(stderr, "bench_experiment: cannot make the fixture\n");
        return 1;
    }
    char body[512];
    snprintf(body, sizeof body,
             "[procedure]\ninstructions = instructions.txt\niti_ms = 200\ncountdown_s = 1\n"
             "screen_min_ms = 100\npriority = %s\nfixation_ms = %d\ncpu = %s\n",
             priority, fixation_ms, cpu);
    fx_ini(&f, "rating", "bench", body);
    dl_exp_options opt = {.db_path = f.db,
                          .experiment_path = f.ini,
                          .observer_code = "bench",
                          .simulate = "accuracy=0.8,rt=lognormal:150:0.25,confirm_ms=50,seed=1"};
    dl_exp_result r;
    dl_error err = {0};
    int rc = dl_exp_run(&opt, &r, &err);
    if (rc) {
        fprintf(stderr, "bench_experiment: %s\n", err.msg);
        fx_teardown(&f);
        return 1;
    }
    printf("simulated rating session: %zu trials, %s, %s renderer on %s, %dx%d px, %s\n", r.logged,
           r.status, r.renderer, r.video_driver, r.drawable_w, r.drawable_h,
           r.vsync_emulated ? "vsync emulated (no vblank on this display)" : "vsync");
    printf("startup to first instruction frame (%d stimuli preloaded): %.3f s  (target < 1.5 s)\n",
           n, r.startup_s);
    printf("frames dropped: %zu of %zu before onsets (per-trial counts stored); "
           "%zu of %zu in all timed runs, longest interval %.2f ms, refresh %.3f ms (SD %.3f)  "
           "(target 0)\n",
           r.trial_frames_dropped, r.logged, r.frames_dropped, r.frames, r.frame_max_ms,
           r.refresh_mean_ms, r.refresh_sd_ms);
    printf("priority = %s: obtained %s (priority %d, nice %d) on %d thread%s, memory %s, ",
           priority, r.sched_policy, r.sched_priority, r.nice, r.sched_threads,
           r.sched_threads == 1 ? "" : "s", r.memory_locked ? "locked" : "not locked");
    if (r.cpu >= 0)
        printf("pinned to CPU %d\n", r.cpu);
    else
        printf("not pinned\n");
    printf("rt error |recorded - intended| over %zu answers: median %.3f ms, p99 %.3f ms, "
           "max %.3f ms  (target p99 < 1 ms)\n",
           r.rt_n, r.rt_err_median_ms, r.rt_err_p99_ms, r.rt_err_max_ms);
    fx_teardown(&f);
    return 0;
}
