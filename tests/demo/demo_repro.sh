#!/bin/sh
# demo_repro.sh DDDLAB_BINARY DUMP_SQL
#
# `dddlab demo --seed S` twice, in two folders: the data set, the DDD tables
# and every table of the two databases (without times, hosts, pids, UUIDs;
# see dump_demo_db.sql) must be identical. A third run with another seed must
# differ, so the comparison can fail.
set -eu
bin=$1
sql=$2
command -v sqlite3 >/dev/null || { echo "demo_repro: sqlite3 is missing (scripts/install-deps.sh installs it)" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "demo_repro: $*" >&2; exit 1; }
unset DISPLAY || true
for run in a b c; do
  seed=7
  [ "$run" = c ] && seed=8
  mkdir "$tmp/$run"
  (cd "$tmp/$run" && "$bin" demo --simulate --out out --seed $seed --observers 2 --pairs 6 \
     --per-class 2 > demo.log 2>&1) || { cat "$tmp/$run/demo.log"; fail "demo $run failed"; }
  sqlite3 "$tmp/$run/out/demo.sqlite" < "$sql" > "$tmp/$run.dump" || fail "cannot read the database of run $run"
done
for f in data/results.csv data/images.csv ddd/per_image.csv; do
  cmp -s "$tmp/a/out/$f" "$tmp/b/out/$f" || fail "$f differs between two demos with --seed 7"
done
diff "$tmp/a.dump" "$tmp/b.dump" > "$tmp/diff.txt" || { head -40 "$tmp/diff.txt"; fail "the databases of two demos with --seed 7 differ"; }
trials=$(grep -c '|demo-2afc|' "$tmp/a.dump")
[ "$trials" -ge 16 ] || fail "the dump holds only $trials 2AFC rows; the query misses the trials"
cmp -s "$tmp/a.dump" "$tmp/c.dump" && fail "demos with --seed 7 and --seed 8 gave the same database"
echo "demo_repro: two demos with --seed 7 agree in $(wc -l < "$tmp/a.dump") rows; --seed 8 differs"
echo "1 passed, 0 failed"
