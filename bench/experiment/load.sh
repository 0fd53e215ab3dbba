#!/bin/sh
# load.sh BUILD_DIR [NTRIALS] — the runner under load (issue 11, "Timing under
# load"): a CPU-bound process spins on CPU 0 for the whole benchmark, and a
# simulated rating session (fixation 500 ms before each onset: about 35
# frames a trial, so 30 trials are over 1,000 frames) runs under a private
# Xvfb in four set-ups:
#   1. priority = realtime, cpu = 1: the runner's threads on the other CPU
#      (what a lab should do on a station that runs other work);
#   2. the same with the X server at real-time priority too (chrt -f 5): the
#      server takes part in every present, so this shows how much of what is
#      left is the server's waiting;
#   3. priority = realtime, cpu = 0: the runner on the hog's own CPU (the worst
#      case; real-time scheduling has to win it alone);
#   4. priority = normal, not pinned: no help at all.
# Prints the frames presented and dropped, what the run obtained, and the rt
# error of each. Not a test: the numbers depend on the machine and on what
# else runs on it. Needs taskset and chrt (util-linux).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=${1:?usage: load.sh BUILD_DIR [NTRIALS]}
n=${2:-30}
bench="$build/bench/experiment/bench_experiment"
xvfb="$here/../../tests/experiment/with-xvfb.sh"
for tool in taskset chrt; do
    command -v $tool >/dev/null 2>&1 || { echo "load.sh: $tool not found (util-linux)" >&2; exit 1; }
done
taskset -c 0 sh -c 'while :; do :; done' &
hog=$!
trap 'kill $hog 2>/dev/null' EXIT INT TERM
run() { # TITLE XVFB_CHRT PRIORITY CPU
    echo "== $1"
    DL_XVFB_CHRT=$2 "$xvfb" "$bench" "$n" "$3" 500 "$4" |
        grep -E "^(frames dropped|rt error|priority)"
}
run "1. realtime, runner on CPU 1, X server normal, hog on CPU 0" "" realtime 1
run "2. realtime, runner on CPU 1, X server SCHED_FIFO 5, hog on CPU 0" "-f 5" realtime 1
run "3. realtime, runner on CPU 0 with the hog, X server normal" "" realtime 0
run "4. normal, not pinned, X server normal, hog on CPU 0" "" normal any
