#!/usr/bin/env bash
# Run every dddlab benchmark, each beside its baseline, and print the ratios.
#   bash bench/run.sh [BUILD_DIR]      (default build/release; built if missing)
# Installs the baselines' Debian packages (NumPy, pandas, SciPy, OpenBLAS)
# when missing. Benchmarks are never part of the test suite: they measure,
# they do not assert.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$here/.."
build="${1:-$root/build/release}"
bash "$root/scripts/install-deps.sh" --bench
if [ ! -x "$build/cli/dddlab" ]; then
  cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build "$build" -j"$(nproc)"
fi
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

section() { printf '\n== %s\n' "$1"; }
section "statistics core vs NumPy (issue 2)";   bash "$here/stats/run.sh" "$build"
section "store: trial logging latency (issue 3)"; "$build/bench/store/bench_store" --dir "$tmp"
section "stimuli analyse vs pandas (issue 4)";  bash "$here/stimuli/run.sh" "$build"
section "reading 10,000 x 50,000 results vs pandas (issue 14)"; bash "$here/stimuli/run_scale.sh" "$build"
section "runner under Xvfb (issue 5)";          sh "$here/experiment/run.sh" "$build"
section "runner under a CPU hog (issue 11)";    sh "$here/experiment/load.sh" "$build"
section "analyse at scale (issue 6)";           "$build/bench/report/bench_report" 100 10000 "$tmp"
section "image statistics vs NumPy/SciPy (issue 8)"; bash "$here/imagestats/run.sh" "$build"
