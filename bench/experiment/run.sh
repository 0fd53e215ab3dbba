#!/bin/sh
# run.sh BUILD_DIR [NTRIALS] — the runner benchmark under a private Xvfb.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=${1:?usage: run.sh BUILD_DIR [NTRIALS]}
exec "$here/../../tests/experiment/with-xvfb.sh" "$build/bench/experiment/bench_experiment" ${2:-300}
