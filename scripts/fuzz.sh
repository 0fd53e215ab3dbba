#!/usr/bin/env bash
# Fuzz every reader with libFuzzer (clang, ASan + UBSan): build build/fuzz
# with -DDL_FUZZ=ON, then run each target for SECONDS (default 30) on a
# working copy of its seed corpus (fuzz/corpus/<target>, left unchanged).
#   bash scripts/fuzz.sh [SECONDS] [TARGET...]    e.g.  bash scripts/fuzz.sh 600
# A crash stops with exit status 1 and leaves the input that caused it in
# build/fuzz/artifacts/ (rerun: build/fuzz/fuzz/fuzz_T build/fuzz/artifacts/crash-...).
set -euo pipefail
cd "$(dirname "$0")/.."
secs="${1:-30}"
shift || true
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(csv results ini imghdr npy json)
jobs=$(nproc)

if ! command -v clang >/dev/null; then
  echo "fuzz.sh: clang not found: apt-get install clang (or run scripts/install-deps.sh --fuzz)" >&2
  exit 1
fi
CC=clang cmake -S . -B build/fuzz -DDL_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DBUILD_TESTING=OFF >/dev/null
cmake --build build/fuzz -j"$jobs" --target fuzz_all >/dev/null

mkdir -p build/fuzz/artifacts
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:allocator_may_return_null=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
export LSAN_OPTIONS="suppressions=$PWD/tests/lsan.supp:print_suppressions=0"
status=0
for t in "${targets[@]}"; do
  work="build/fuzz/corpus/$t"
  mkdir -p "$work"
  echo "== fuzz_$t: ${secs} s"
  # -rss_limit_mb: an input that makes a reader take more than 2 GB is a bug too.
  if ! build/fuzz/fuzz/fuzz_"$t" "$work" "fuzz/corpus/$t" -max_total_time="$secs" \
      -timeout=10 -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 \
      -artifact_prefix=build/fuzz/artifacts/"$t"- >build/fuzz/fuzz_"$t".log 2>&1; then
    echo "fuzz.sh: fuzz_$t failed; the last lines of build/fuzz/fuzz_$t.log:" >&2
    tail -n 40 build/fuzz/fuzz_"$t".log >&2
    status=1
  else
    grep -E "^stat::number_of_executed_units|^stat::peak_rss_mb" build/fuzz/fuzz_"$t".log |
      tr '\n' ' '
    echo
  fi
done
exit $status
