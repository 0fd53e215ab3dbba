#!/usr/bin/env bash
# Images per second of `dddlab stimuli imagestats`'s statistics (decoding
# included) with 1 and 2 threads on N generated 256 x 256 PNGs, beside
# Python (scikit-image's felzenszwalb, SciPy's DCT and Sobel, the authors'
# entropy in NumPy) on the first N_PY of them, in one run; the Python side
# compares its values with dddlab's image by image (bench_numpy.py). Builds
# nothing: build the project first (Release), then
#   bench/imagestats/run.sh [BUILD_DIR [N [N_PY]]]   (build/release 2000 50)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
build="${1:-$here/../../build/release}"
n="${2:-2000}"
npy="${3:-50}"
bin="$build/bench/imagestats/bench_imagestats"
py=/usr/bin/python3 # Debian's, with numpy, scipy, PIL and scikit-image
if [ ! -x "$bin" ]; then
  echo "run.sh: $bin not found; build first: cmake --build $build" >&2
  exit 2
fi
tmp="$(mktemp -d /tmp/dl_bench_imagestats.XXXXXX)"
trap 'rm -rf "$tmp"' EXIT

c="$("$bin" "$tmp" "$n" "$npy")"
status=0
p="$("$py" "$here/bench_numpy.py" "$tmp" "$npy")" || status=$?
printf '%s\n%s\n\n' "$c" "$p"

field() { sed -n "s/.*$1=\([^ ]*\).*/\1/p"; }
c1=$(grep '^threads=1 ' <<<"$c" | field images_per_s)
c2=$(grep '^threads=2 ' <<<"$c" | field images_per_s)
pn=$(grep '^python ' <<<"$p" | field images_per_s)
printf 'dddlab, 1 thread            %9.1f images/s (%s images)\n' "$c1" "$n"
printf 'dddlab, 2 threads           %9.1f images/s\n' "$c2"
printf 'Python/skimage, 1 thread    %9.2f images/s (first %s images)\n' "$pn" "$npy"
printf 'ratio                       %9.0fx (1 thread)   %.0fx (2 threads)\n' \
  "$(awk -v a="$c1" -v b="$pn" 'BEGIN { print a / b }')" \
  "$(awk -v a="$c2" -v b="$pn" 'BEGIN { print a / b }')"
exit "$status"
