#!/bin/sh
# browser_test.sh DDDLAB_BINARY SOURCE_DIR [SCREENSHOT_DIR]
#
# Opens report.html of a 2AFC, a ratings and two DDD reports (one with epochs and
# classes) in a real browser
# (headless Chromium) and fails when an image does not load or the page logs
# anything to the console; saves a screenshot of each page (into
# SCREENSHOT_DIR, default the temporary folder, for a person to look at).
#
# The check: a copy of report.html beside it (so every relative link is the
# same) gets a script that, once the page has loaded, writes the number of
# images and of broken ones into the DOM; --dump-dom prints it. Console
# messages reach stderr through --enable-logging.
set -eu
bin=$1
src=$2
shots=${3:-}
fail() { echo "browser_test: $*" >&2; exit 1; }
browser=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$browser" ]; then
  if [ "${CI:-}" = true ]; then
    fail "chromium is missing (scripts/install-deps.sh installs it); CI must not skip this test"
  fi
  echo "browser_test: SKIPPED: chromium is not installed (apt-get install chromium)"
  exit 77
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
[ -n "$shots" ] || shots=$tmp
mkdir -p "$shots"

# Three reports from small inputs.
{ echo "observer,item,correct,rt_ms"
  for o in A B C; do for i in 1 2 3 4 5 6 7 8 9 10 11 12; do
    c=1; case "$o$i" in A3|A7|B3|B9|C3|C7|C11) c=0 ;; esac
    echo "$o,$i,$c,$((400 + i * 10))"; done; done; } > "$tmp/trials.csv"
{ echo "observer,item,q1,q2,q3,difficulty,frac_correct"
  for o in A B C; do
    echo "$o,1,1,2,0,trivial,1"; echo "$o,2,2,1,1,in-between,0.5"; echo "$o,3,3,0,2,impossible,0"
    echo "$o,4,1,2,0,trivial,0.9"; echo "$o,5,2,1,1,in-between,0.4"; echo "$o,6,4,0,2,impossible,0.1"
  done; } > "$tmp/ratings.csv"
"$bin" analyse --trials "$tmp/trials.csv" --out "$tmp/2afc" > /dev/null || fail "the 2AFC report failed"
"$bin" analyse --ratings "$tmp/ratings.csv" --out "$tmp/ratings" > /dev/null || fail "the ratings report failed"
"$bin" analyse --ddd "$src/tests/report/data/ddd" --out "$tmp/ddd" > /dev/null || fail "the DDD report failed"
# A DDD report with epochs and classes (the per-epoch decisions and class bars sections).
"$bin" stimuli analyse "$src/tests/report/data/epochs/results.csv" \
  --images-csv "$src/tests/report/data/epochs/images.csv" --near 1 --out "$tmp/epoch_tables" \
  > /dev/null || fail "stimuli analyse of the epoch results failed"
"$bin" analyse --ddd "$tmp/epoch_tables" --out "$tmp/ddd_epochs" > /dev/null ||
  fail "the DDD report with epochs failed"

probe='<script>window.addEventListener("load",function(){var i=document.images,b=0;for(var k=0;k<i.length;k++)if(!i[k].complete||i[k].naturalWidth===0)b++;var d=document.createElement("div");d.id="dl-probe";d.textContent="images="+i.length+" broken="+b;document.body.appendChild(d);});</script>'
for kind in 2afc ratings ddd ddd_epochs; do
  dir=$tmp/$kind
  [ -s "$dir/report.html" ] || fail "$kind: no report.html"
  # after </html> still ends up in the body: the HTML parser puts it there
  { cat "$dir/report.html"; echo "$probe"; } > "$dir/probe.html"
  timeout 120 "$browser" --headless --disable-gpu --no-sandbox --no-first-run \
    --enable-logging=stderr --v=0 --virtual-time-budget=5000 --user-data-dir="$tmp/profile" \
    --dump-dom "file://$dir/probe.html" > "$dir/dom.html" 2> "$dir/console.txt" ||
    { cat "$dir/console.txt" >&2; fail "$kind: chromium failed"; }
  result=$(grep -o 'images=[0-9]* broken=[0-9]*' "$dir/dom.html" || true)
  [ -n "$result" ] || fail "$kind: the page did not finish loading (no probe result)"
  images=$(echo "$result" | sed 's/images=\([0-9]*\).*/\1/')
  broken=$(echo "$result" | sed 's/.*broken=//')
  [ "$images" -ge 1 ] || fail "$kind: the page shows no figure"
  [ "$broken" -eq 0 ] || fail "$kind: $broken of $images images do not load"
  if [ "$kind" = ddd_epochs ]; then
    for fig in epoch_decisions class_bars; do
      grep -q "href=\"$fig.pdf\"" "$dir/dom.html" || fail "$kind: the page has no $fig figure"
    done
  fi
  if grep -q 'CONSOLE' "$dir/console.txt"; then
    grep 'CONSOLE' "$dir/console.txt" >&2
    fail "$kind: the page wrote to the browser console"
  fi
  timeout 120 "$browser" --headless --disable-gpu --no-sandbox --no-first-run \
    --hide-scrollbars --window-size=1100,2600 --user-data-dir="$tmp/profile" \
    --screenshot="$shots/report_$kind.png" "file://$dir/report.html" > /dev/null 2>&1 ||
    fail "$kind: no screenshot"
  [ -s "$shots/report_$kind.png" ] || fail "$kind: the screenshot is empty"
  echo "browser_test: $kind: $images images, all loaded, console quiet; screenshot $shots/report_$kind.png"
done
echo "1 passed, 0 failed"
