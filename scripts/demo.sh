#!/usr/bin/env bash
# The demo command: install what is missing, build in Release, and run the
# whole dddlab job on the built-in synthetic data.
#   bash scripts/demo.sh [OUT_DIR] [-- extra options for `dddlab demo`]
# OUT_DIR (default dddlab-demo) is replaced if it holds an earlier demo.
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-dddlab-demo}"
shift || true
[ "${1:-}" = "--" ] && shift
echo "demo.sh: checking the Debian packages dddlab needs" >&2
bash scripts/install-deps.sh
echo "demo.sh: configuring and building dddlab in Release (a minute or two the first time)" >&2
cmake -S . -B build/release -DCMAKE_BUILD_TYPE=Release >/dev/null
# Progress on one line: make's "[ 42%]" prefixes; the whole log only on failure.
log=$(mktemp)
trap 'rm -f "$log"' EXIT
if ! cmake --build build/release -j"$(nproc)" 2>&1 | tee "$log" |
    { last=""; while IFS= read -r line; do
        pct=${line%%]*}
        case "$line" in "["*"%]"*) [ "$pct" != "$last" ] && printf '\rdemo.sh: build %s]' "$pct" >&2; last=$pct ;; esac
      done; echo >&2; }; then
  cat "$log" >&2
  exit 1
fi
if [ -f "$out/demo.sqlite" ]; then
  echo "demo.sh: replacing the earlier demo in $out" >&2
  rm -rf "$out"
fi
rm -f "$log"
exec build/release/cli/dddlab demo --out "$out" "$@"
