#!/usr/bin/env bash
# Time the statistics core against NumPy on the same data and print the
# ratios. Builds nothing: build the project first (Release), then
#   bench/stats/run.sh [BUILD_DIR]        (default: build/release)
# The C programs and bench_numpy.py print the same checksum (alpha; mean
# kappa), so the two sides provably compute the same thing.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
build="${1:-$here/../../build/release}"
bin="$build/bench/stats"
py=/usr/bin/python3 # Debian's, with numpy and OpenBLAS

for prog in bench_alpha bench_ec_matrix bench_ec_boot bench_alpha_boot; do
  if [ ! -x "$bin/$prog" ]; then
    echo "run.sh: $bin/$prog not found; build first: cmake --build $build" >&2
    exit 2
  fi
done

field() { sed -n "s/.*$1=\([^ ]*\).*/\1/p"; }

compare() { # name, C output, NumPy output
  local tc tp cc cp
  tc=$(field seconds <<<"$2"); tp=$(field seconds <<<"$3")
  cc=$(field checksum <<<"$2"); cp=$(field checksum <<<"$3")
  printf '%-34s C %8.4f s   NumPy %8.4f s   ratio %6.1fx   checksum C %s NumPy %s\n' \
    "$1" "$tc" "$tp" "$(awk -v a="$tp" -v b="$tc" 'BEGIN { print a / b }')" "$cc" "$cp"
}

c=$("$bin/bench_alpha"); p=$("$py" "$here/bench_numpy.py" alpha)
compare "alpha ordinal 50 x 200,000" "$c" "$p"
c=$("$bin/bench_ec_matrix"); p=$("$py" "$here/bench_numpy.py" ec)
compare "EC matrix 1,000 x 50,000" "$c" "$p"
c=$("$bin/bench_ec_boot"); p=$("$py" "$here/bench_numpy.py" ec_boot)
compare "EC bootstrap 50 x 10,000, 10,000 reps" "$c" "$p"

# Issue 15: `consistency` with 1,000 observers on disjoint items (1,000 each,
# 1,000,000 responses): time and peak memory of the whole command (aim: under
# 10 s and 1 GiB; memory follows the responses, not observers x items).
dddlab="$build/cli/dddlab"
if [ -x "$dddlab" ]; then
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  "$py" - "$tmp/disjoint.csv" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    f.write("observer,item,correct\n")
    for o in range(1000):
        for i in range(1000):
            f.write("o%d,i%d_%d,%d\n" % (o, o, i, (o * 7 + i * 13) % 10 < 7))
PY
  /usr/bin/time -f "consistency 1,000 observers on disjoint items: %e s, peak %M KB" \
    "$dddlab" consistency "$tmp/disjoint.csv" --correct-col correct --json > /dev/null
fi

c=$("$bin/bench_alpha_boot"); p=$(cd "$here" && "$py" bench_alpha_boot_numpy.py)
compare "alpha bootstrap 10,000 x (8 x 300)" "$c" "$p"
echo "  (C on all cores: $(field seconds_all_cores <<<"$c") s)"

# Issue 15 finding 6: reliability on 1,000,000 sparse ratings (1,000 coders x
# 1,000,000 units); memory must follow the ratings, not coders x units.
tmpd="$(mktemp -d)"
"$py" "$here/make_sparse_ratings.py" "$tmpd/sparse.csv"
/usr/bin/time -f "reliability 1,000,000 ratings (1,000 x 1,000,000): %e s, %M KB peak" \
  "$build/cli/dddlab" reliability "$tmpd/sparse.csv" --level ordinal >/dev/null
rm -rf "$tmpd"
