#!/usr/bin/env bash
# Reading at scale: a generated wide results file of 10,000 models x 50,000
# images (about 1 GB, made here and removed afterwards), read by dddlab
# (bench_stimuli_read: read, accuracies, split, Poisson-binomial) beside
# pandas doing the same. Prints both times, the ratio and peak memory.
# The aim of issue 14: dddlab under 15 s and 1 GiB.
#
# usage: bench/stimuli/run_scale.sh [BUILD_DIR] [MODELS] [IMAGES]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
build="${1:-$here/../../build/release}"
models="${2:-10000}"
images="${3:-50000}"
gen="$build/bench/stimuli/bench_stimuli_gen_wide"
rd="$build/bench/stimuli/bench_stimuli_read"
for f in "$gen" "$rd"; do
  [ -x "$f" ] || { echo "missing $f: build first (cmake --build $build)" >&2; exit 2; }
done
[ -x /usr/bin/time ] || { echo "needs /usr/bin/time (apt-get install time)" >&2; exit 2; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
wide="$work/wide.csv"
"$gen" "$wide" "$models" "$images"
echo "input: $models models x $images images, $(du -m "$wide" | cut -f1) MB"
cat "$wide" > /dev/null  # both read from the page cache

/usr/bin/time -f "%e %M %U %S" -o "$work/d.time" "$rd" "$wide" > "$work/d.json"
/usr/bin/time -f "%e %M %U %S" -o "$work/p.time" /usr/bin/python3 "$here/bench_read_pandas.py" "$wide" > "$work/p.json"

/usr/bin/python3 - "$work" <<'PY'
import json, sys
w = sys.argv[1]
d, p = json.load(open(w + "/d.json")), json.load(open(w + "/p.json"))
dt, dm, du, ds = open(w + "/d.time").read().split()
pt, pm, pu, ps = open(w + "/p.time").read().split()
dc, pc = float(du) + float(ds), float(pu) + float(ps)
for k in ("models", "images", "trivial", "in_between", "impossible"):
    assert d[k] == p[k], (k, d[k], p[k])
assert abs(d["mean_accuracy"] - p["mean_accuracy"]) < 1e-9
assert abs(d["pb_mean"] - p["pb_mean"]) < 1e-6 * d["models"]
print(f"{'':20s} {'wall s':>8s} {'cpu s':>8s} {'read s':>8s} {'peak MiB':>9s}")
print(f"{'dddlab':20s} {float(dt):8.2f} {dc:8.2f} {d['read_s']:8.2f} {int(dm) / 1024:9.1f}")
print(f"{'pandas (uint8)':20s} {float(pt):8.2f} {pc:8.2f} {p['read_s']:8.2f} {int(pm) / 1024:9.1f}")
print(f"ratio pandas/dddlab: {float(pt) / float(dt):.1f}x wall, {pc / dc:.1f}x cpu, "
      f"{int(pm) / int(dm):.1f}x memory"
      f"  (same split: {d['trivial']} trivial, {d['in_between']} in-between, {d['impossible']} impossible)")
ok = float(dt) < 15 and int(dm) < 1024 * 1024
print(f"aim: < 15 s and < 1024 MiB: {'met' if ok else 'NOT met'}"
      f"{'' if ok or dc >= 15 else ' (wall time > cpu time: the machine is busy)'}")
PY
