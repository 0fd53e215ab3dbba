#!/bin/sh
# load.sh BUILD_DIR [NTRIALS] — the runner under load (issue 11, "Timing under
# load"): a CPU-bound process spins on CPU 0 and the runner is pinned to the
# same CPU, so every frame and every key stamp competes with it. The
# simulated rating session (fixation 500 ms before each onset: about 35 frames
# a trial, so 30 trials are over 1,000 frames) runs once with
# priority = realtime (SCHED_FIFO + locked memory where the system allows it)
# and once with priority = normal, under a private Xvfb. Prints the frames
# presented and dropped and the rt error p99 of each. Not a test: the numbers
# depend on the machine. Needs taskset (util-linux).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=${1:?usage: load.sh BUILD_DIR [NTRIALS]}
n=${2:-30}
bench="$build/bench/experiment/bench_experiment"
command -v taskset >/dev/null 2>&1 || { echo "load.sh: taskset not found (util-linux)" >&2; exit 1; }
taskset -c 0 sh -c 'while :; do :; done' &
hog=$!
trap 'kill $hog 2>/dev/null' EXIT INT TERM
for prio in realtime normal; do
    echo "== priority = $prio, a CPU hog on CPU 0, runner pinned to CPU 0"
    taskset -c 0 "$here/../../tests/experiment/with-xvfb.sh" "$bench" "$n" "$prio" 500 |
        grep -E "^(frames dropped|rt error|simulated)"
done
