#!/bin/sh
# check_docs.sh DDDLAB_BINARY SOURCE_DIR FILE.md...
#
# Every ```console block of the given Markdown files holds commands ("$ ...")
# each followed by the exact output (stdout and stderr) it printed. This runs each
# command again from SOURCE_DIR with `dddlab` meaning DDDLAB_BINARY and
# compares the output byte for byte, so the docs cannot drift from the
# program. A block whose commands read ../shared/data is skipped (with a
# note) when that folder is absent.
set -u
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
src=$2
shift 2
bindir=$(mktemp -d)
ln -s "$bin" "$bindir/dddlab"
trap 'rm -rf "$bindir"' EXIT
failed=0
checked=0
skipped=0

# Split the blocks into numbered command/expected-output files with awk.
work=$(mktemp -d)
for md in "$@"; do
  rm -f "$work"/*
  awk -v dir="$work" '
    /^```console[ ]*$/ { inblock = 1; next }
    /^```[ ]*$/ && inblock { inblock = 0; next }
    inblock && cont { line = $0; cont = sub(/\\$/, "", line); printf " %s", line >> cmd;
                      if (!cont) printf "\n" >> cmd; close(cmd); next }
    inblock && /^\$ / { n++; cmd = sprintf("%s/%04d.cmd", dir, n); out = sprintf("%s/%04d.out", dir, n);
                         line = substr($0, 3); cont = sub(/\\$/, "", line);
                         printf "%s", line > cmd; if (!cont) printf "\n" >> cmd; close(cmd);
                         printf "" > out; close(out); next }
    inblock && n > 0 { printf "%s\n", $0 >> out; close(out) }
  ' "$md"
  for cmdfile in "$work"/*.cmd; do
    [ -e "$cmdfile" ] || continue
    cmd=$(cat "$cmdfile")
    expected="${cmdfile%.cmd}.out"
    case "$cmd" in
      *../shared/data*)
        if [ ! -d "$src/../shared/data" ]; then
          skipped=$((skipped + 1))
          continue
        fi ;;
    esac
    actual=$(mktemp)
    (cd "$src" && PATH="$bindir:$PATH" sh -c "$cmd" > "$actual" 2>&1)
    checked=$((checked + 1))
    # Docs separate commands with a blank line: trailing blank lines don't count.
    for f in "$actual" "$expected"; do
      awk '{ lines[NR] = $0 } END { n = NR; while (n > 0 && lines[n] == "") n--;
             for (i = 1; i <= n; i++) print lines[i] }' "$f" > "$f.trim" && mv "$f.trim" "$f"
    done
    if ! cmp -s "$actual" "$expected"; then
      failed=$((failed + 1))
      echo "FAIL $(basename "$md"): \$ $cmd"
      diff "$expected" "$actual" | head -20
    fi
    rm -f "$actual"
  done
done
rm -rf "$work"
echo "docs examples: $((checked - failed)) passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ] && [ "$checked" -gt 0 ]
