#!/usr/bin/env bash
# Install the Debian packages dddlab needs, only those missing.
# Idempotent and non-interactive. Usage: scripts/install-deps.sh [--bench] [--lint] [--fuzz] [--reference]
#   --lint       also clang-tidy and cppcheck (scripts/lint.sh)
#   --fuzz       also clang, for the libFuzzer targets (scripts/fuzz.sh)
#   --bench      also the NumPy/pandas baselines of bench/ (with OpenBLAS)
#   --reference  also scipy/statsmodels/sklearn, to regenerate test reference numbers
set -euo pipefail

pkgs=(build-essential cmake pkg-config git
      libsdl2-dev libsdl2-image-dev libsdl2-ttf-dev fonts-dejavu-core
      libsqlite3-dev libcsv-dev libgsl-dev libinih-dev
      libplplot-dev plplot-driver-cairo libfftw3-dev zlib1g-dev
      libcmocka-dev xvfb xauth xdotool libx11-dev
      sqlite3 chromium)  # tests: demo_repro compares databases; report_browser opens the pages
for arg in "$@"; do
  case "$arg" in
    --bench) pkgs+=(python3 python3-numpy python3-pandas python3-scipy libopenblas0-pthread time) ;;
    --lint) pkgs+=(clang-tidy cppcheck) ;;
    --fuzz) pkgs+=(clang) ;;
    --reference) pkgs+=(python3 python3-numpy python3-scipy python3-statsmodels python3-sklearn python3-mpmath) ;;
    *) echo "install-deps.sh: unknown option '$arg'" >&2; exit 2 ;;
  esac
done

missing=()
for p in "${pkgs[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
echo "install-deps.sh: installing ${missing[*]}" >&2
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  SUDO="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# With recommends, as on the machines the tests ran on (Mesa for the GL
# renderer under Xvfb, for one).
$SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
