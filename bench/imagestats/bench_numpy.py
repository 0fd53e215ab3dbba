#!/usr/bin/python3
"""NumPy/SciPy baseline for bench/imagestats: the same four statistics as
dddlab (mean local entropy, DCT coefficient percentage, Felzenszwalb-
Huttenlocher segment count, Sobel edge strength) on the PNGs that
bench_imagestats wrote, the way one would write them in Python: PIL to
decode, vectorised NumPy/SciPy where the statistic allows it. The
segmentation is the pure-Python loop of tests/imagestats/imagestats_ref.py:
skimage (Cython) is not among the Debian packages we use.

Usage: bench_numpy.py DIR N -- the first N images (img0000.png ...); prints
one line of seconds and a checksum that must equal bench_imagestats's, and
one line of seconds per image and statistic."""
import os
import sys
import time

import numpy as np
from PIL import Image

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                                "tests", "imagestats"))
import imagestats_ref as ref  # noqa: E402


def local_entropy_fast(g, win=10):
    """The reference's statistic, vectorised over gray values: for each value
    present, its count in every window from an integral image."""
    g8 = np.floor(g + 0.5).astype(np.int64)
    h, w = g8.shape
    n = float(win * win)
    total = np.zeros((h - win + 1, w - win + 1))
    for v in np.unique(g8):
        ii = np.zeros((h + 1, w + 1))
        ii[1:, 1:] = np.cumsum(np.cumsum(g8 == v, axis=0), axis=1)
        c = ii[win:, win:] - ii[:-win, win:] - ii[win:, :-win] + ii[:-win, :-win]
        p = c / n
        with np.errstate(divide="ignore", invalid="ignore"):
            total -= np.where(c > 0, p * np.log2(p), 0.0)
    return float(total.mean())


def main():
    folder, count = sys.argv[1], int(sys.argv[2])
    names = ["entropy", "dct", "segments", "edges"]
    spent = dict.fromkeys(["decode"] + names, 0.0)
    sums = dict.fromkeys(names, 0.0)
    start = time.perf_counter()
    for i in range(count):
        t0 = time.perf_counter()
        rgb = np.asarray(Image.open(os.path.join(folder, "img%04d.png" % i)).convert("RGB"))
        g = ref.gray(rgb)
        t1 = time.perf_counter()
        values = {}
        for name, fn in (("entropy", lambda: local_entropy_fast(g)), ("dct", lambda: ref.dct_pct(g)),
                         ("segments", lambda: ref.segments(rgb)),
                         ("edges", lambda: ref.edge_strength(g))):
            t = time.perf_counter()
            values[name] = fn()
            spent[name] += time.perf_counter() - t
        spent["decode"] += t1 - t0
        for name in names:
            sums[name] += values[name]
    seconds = time.perf_counter() - start
    print("numpy images=%d seconds=%.3f images_per_s=%.3f" % (count, seconds, count / seconds))
    print("checksum images=%d entropy=%.9f dct=%.9f segments=%.0f edges=%.9f"
          % (count, sums["entropy"], sums["dct"], sums["segments"], sums["edges"]))
    print("ms_per_image " + " ".join("%s=%.1f" % (k, 1e3 * v / count) for k, v in spent.items()))


if __name__ == "__main__":
    main()
