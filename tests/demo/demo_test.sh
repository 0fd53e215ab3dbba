#!/bin/sh
# demo_test.sh DDDLAB_BINARY [install]
#
# Runs `dddlab demo --simulate` into a fresh temporary folder and checks what
# it left: the database holds every simulated trial and rating of completed
# sessions, the DDD split, and both reports with their figures.
# With "install", DDDLAB_BINARY is an installed copy (cmake --install) run
# from an unrelated folder, to show that it needs nothing from the source tree.
set -eu
bin=$1
mode=${2:-build}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
fail() { echo "demo_test: $*" >&2; exit 1; }

observers=3 pairs=6 per_class=3
unset DISPLAY || true
"$bin" demo --simulate --out out --observers $observers --pairs $pairs --per-class $per_class \
  > demo.log 2>&1 || { cat demo.log; fail "dddlab demo failed"; }

# The database: completed sessions, every trial and rating.
"$bin" sessions list --db out/demo.sqlite --json > sessions.json
completed=$(grep -o '"status":"completed"' sessions.json | wc -l)
[ "$completed" -eq $((2 * observers)) ] || fail "expected $((2 * observers)) completed sessions, got $completed"
"$bin" export --db out/demo.sqlite --table trials --out trials.csv
"$bin" export --db out/demo.sqlite --table ratings --out ratings.csv
trials=$(($(wc -l < trials.csv) - 1))
ratings=$(($(wc -l < ratings.csv) - 1))
# 2 practice pairs besides the main ones; 3 difficulty classes of rating images.
[ "$trials" -eq $((observers * (pairs + 2))) ] || fail "expected $((observers * (pairs + 2))) trials, got $trials"
[ "$ratings" -eq $((observers * 3 * per_class)) ] || fail "expected $((observers * 3 * per_class)) ratings, got $ratings"
"$bin" db check --db out/demo.sqlite > check.txt || fail "db check failed: $(cat check.txt)"

# The DDD analysis and the reports.
grep -q '"trivial"' out/ddd/summary.json || fail "out/ddd/summary.json has no split"
for f in report/report.html report/report.md report/ddd_histogram.png report/ec_models.png \
         report/observer_accuracy.png report/ratings/report.html; do
  [ -s "out/$f" ] || fail "out/$f is missing or empty"
done
head -c 8 out/report/ddd_histogram.png | od -An -tx1 | grep -q "89 50 4e 47 0d 0a 1a 0a" \
  || fail "ddd_histogram.png is not a PNG"
grep -q "demo-2afc" out/report/report.html || fail "report.html does not name the set"
grep -q "report.html" demo.log || fail "the demo did not print the report's path"
echo "demo ($mode): $completed sessions, $trials trials, $ratings ratings, reports written"
echo "1 passed, 0 failed"
