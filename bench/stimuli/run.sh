#!/usr/bin/env bash
# The stimuli benchmark: a generated wide results file of 1,000 models x
# 50,000 images, read and fully analysed (split, histogram, expectations, both
# error-consistency matrices, agreement) by `dddlab stimuli analyse`, beside
# the pandas/NumPy script doing the same. Prints both times, the ratio and
# dddlab's peak memory.
#
# usage: bench/stimuli/run.sh [BUILD_DIR] [MODELS] [IMAGES]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
build="${1:-$here/../../build/release}"
models="${2:-1000}"
images="${3:-50000}"
dddlab="$build/cli/dddlab"
gen="$build/bench/stimuli/bench_stimuli_gen_wide"
for f in "$dddlab" "$gen"; do
  [ -x "$f" ] || { echo "missing $f: build first (cmake --build $build)" >&2; exit 2; }
done
[ -x /usr/bin/time ] || { echo "needs /usr/bin/time (apt-get install time)" >&2; exit 2; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
wide="$work/wide.csv"
"$gen" "$wide" "$models" "$images"
echo "input: $models models x $images images, $(du -m "$wide" | cut -f1) MB ($wide)"

# One warm-up read so both programs find the file in the page cache.
cat "$wide" > /dev/null

field() { sed -n "s/^.*$1: *//p" "$2"; }

/usr/bin/time -v "$dddlab" stimuli analyse "$wide" --json > "$work/dddlab.json" 2> "$work/dddlab.time"
d_wall=$(field "Elapsed (wall clock) time (h:mm:ss or m:ss)" "$work/dddlab.time")
d_user=$(field "User time (seconds)" "$work/dddlab.time")
d_sys=$(field "System time (seconds)" "$work/dddlab.time")
d_rss=$(field "Maximum resident set size (kbytes)" "$work/dddlab.time")

/usr/bin/time -v /usr/bin/python3 "$here/bench_stimuli_numpy.py" "$wide" > "$work/numpy.json" 2> "$work/numpy.time"
n_wall=$(field "Elapsed (wall clock) time (h:mm:ss or m:ss)" "$work/numpy.time")
n_user=$(field "User time (seconds)" "$work/numpy.time")
n_sys=$(field "System time (seconds)" "$work/numpy.time")
n_rss=$(field "Maximum resident set size (kbytes)" "$work/numpy.time")

/usr/bin/python3 - "$work" "$d_wall" "$d_user" "$d_sys" "$d_rss" "$n_wall" "$n_user" "$n_sys" "$n_rss" <<'PY'
import json, sys
work = sys.argv[1]
def secs(s):
    parts = [float(p) for p in s.split(":")]
    return sum(p * 60 ** i for i, p in enumerate(reversed(parts)))
dw, du, ds, drss, nw, nu, ns, nrss = sys.argv[2:]
dw, nw = secs(dw), secs(nw)
dcpu, ncpu = float(du) + float(ds), float(nu) + float(ns)
d = json.load(open(work + "/dddlab.json"))
n = json.load(open(work + "/numpy.json"))
# both must have computed the same thing
for k in ("all", "in_between"):
    a, b = d["error_consistency"][k], n["error_consistency"][k]
    assert abs(a["mean"] - b["mean"]) < 1e-9 and a["pairs"] == b["pairs"], (k, a, b)
assert d["trivial"]["images"] == n["trivial"] and d["impossible"]["images"] == n["impossible"]
print(f"{'':22s} {'wall s':>8s} {'cpu s':>8s} {'peak MiB':>9s}")
print(f"{'dddlab stimuli analyse':22s} {dw:8.2f} {dcpu:8.2f} {int(drss) / 1024:9.1f}")
print(f"{'pandas/NumPy':22s} {nw:8.2f} {ncpu:8.2f} {int(nrss) / 1024:9.1f}")
print(f"ratio NumPy/dddlab: {nw / dw:.1f}x wall, {ncpu / dcpu:.1f}x cpu"
      f"  (results agree: EC mean all {d['error_consistency']['all']['mean']:.6f},"
      f" in-between {d['error_consistency']['in_between']['mean']:.6f})")
print(f"aim: < 5 s and < 1024 MiB: {'met' if dw < 5 and int(drss) < 1024 * 1024 else 'NOT met'}")
PY
