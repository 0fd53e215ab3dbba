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
bash scripts/install-deps.sh
cmake -S . -B build/release -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build/release -j"$(nproc)" >/dev/null
if [ -f "$out/demo.sqlite" ]; then
  echo "demo.sh: replacing the earlier demo in $out" >&2
  rm -rf "$out"
fi
exec build/release/cli/dddlab demo --out "$out" "$@"
