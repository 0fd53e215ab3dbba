#!/usr/bin/env bash
# Static checks: clang-tidy (configuration in .clang-tidy, compile flags from the
# build folder's compile_commands.json) and cppcheck, over every .c file of the
# module folders. Exits 1 when either tool reports a finding, 2 on bad usage.
#
# Usage: scripts/lint.sh [-B BUILD_DIR] [-j N] [--skip PATH]... [FILE.c...]
#   -B BUILD_DIR  a configured build folder (default build/release; configured
#                 here when it has no compile_commands.json yet)
#   -j N          clang-tidy processes at once (default: the core count)
#   --skip PATH   leave out a module folder (e.g. experiment) or one file;
#                 may be repeated
#   FILE.c...     check only these files instead of every module folder
set -euo pipefail
cd "$(dirname "$0")/.."

modules=(common analysis sessions stimuli experiment cli)
build=build/release
jobs=$(nproc)
skip=()
files=()
usage() { sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
while [ $# -gt 0 ]; do
  case "$1" in
    -B) [ $# -ge 2 ] || usage; build=$2; shift 2 ;;
    -j) [ $# -ge 2 ] || usage; jobs=$2; shift 2 ;;
    -j[0-9]*) jobs=${1#-j}; shift ;;
    --skip) [ $# -ge 2 ] || usage; skip+=("${2%/}"); shift 2 ;;
    -h|--help) usage ;;
    -*) echo "lint.sh: unknown option '$1'" >&2; exit 2 ;;
    *) files+=("$1"); shift ;;
  esac
done

for tool in clang-tidy cppcheck; do
  if ! command -v "$tool" >/dev/null; then
    echo "lint.sh: $tool not found: apt-get install clang-tidy cppcheck" >&2
    exit 2
  fi
done

if [ ! -f "$build/compile_commands.json" ]; then
  cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
fi

if [ ${#files[@]} -eq 0 ]; then
  for m in "${modules[@]}"; do
    for f in "$m"/*.c; do
      [ -e "$f" ] && files+=("$f")
    done
  done
fi
kept=()
for f in "${files[@]}"; do
  drop=0
  for s in "${skip[@]+"${skip[@]}"}"; do
    case "$f" in "$s" | "$s"/*) drop=1 ;; esac
  done
  [ $drop -eq 1 ] || kept+=("$f")
done
if [ ${#kept[@]} -eq 0 ]; then
  echo "lint.sh: no files to check" >&2
  exit 2
fi

log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0

echo "== clang-tidy (${#kept[@]} files, $jobs at once)"
# --warnings-as-errors makes every finding fail its clang-tidy run; xargs then
# exits non-zero. The "N warnings generated" chatter goes to stderr.
if ! printf '%s\n' "${kept[@]}" |
     xargs -P "$jobs" -n 4 clang-tidy -p "$build" --quiet --warnings-as-errors='*' \
       >"$log" 2>/dev/null; then
  status=1
fi
cat "$log"

echo "== cppcheck"
includes=()
for m in "${modules[@]}"; do includes+=(-I "$m"); done
# The same feature macro as every target (cmake/dddlab.cmake), so cppcheck
# checks the configuration that is compiled, not every #ifdef combination.
if ! cppcheck --enable=warning,performance,portability --error-exitcode=1 --inline-suppr \
     --suppress=missingIncludeSystem --std=c11 --quiet -j "$jobs" \
     -D_POSIX_C_SOURCE=200809L "${includes[@]}" -I "$build/generated" "${kept[@]}"; then
  status=1
fi

if [ $status -eq 0 ]; then
  echo "lint.sh: clean"
else
  echo "lint.sh: findings above" >&2
fi
exit $status
