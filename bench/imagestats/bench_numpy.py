#!/usr/bin/python3
"""The Python side of bench/imagestats: the same statistics on the PNGs that
bench_imagestats wrote, as one would compute them with the usual libraries,
timed, and compared image by image with dddlab's values
(DIR/dddlab_values.csv, written by bench_imagestats):

  entropy   the authors' definition (distinct unrounded gray values of every
            10 x 10 window, mean), vectorised with NumPy
            (tests/imagestats/imagestats_ref.local_entropy); also timed:
            skimage.filters.rank.entropy with a 10 x 10 footprint on the
            8-bit gray image (a per-pixel, 8-bit, border-padded variant: its
            values are not the authors' and are not compared)
  dct       scipy.fft.dctn(norm="ortho"), sorted, (k - 1) / N
  segments  skimage.segmentation.felzenszwalb(scale=500, sigma=0.5,
            min_size=20) (its port differs from Felzenszwalb's own code,
            which the authors ran and dddlab follows: reflected borders,
            float64 image, strict threshold; the counts are compared, not required
            to agree)
  sobel     scipy.ndimage.sobel magnitude, mean

Usage: bench_numpy.py DIR N -- the first N images (img0000.png ...). Prints
images per second, ms per image and statistic, and the comparison; exits 1
when entropy, DCT % (beyond one coefficient) or the Sobel mean disagree."""
import csv
import os
import sys
import time

import numpy as np
import scipy.ndimage
import skimage.filters.rank
import skimage.segmentation
from PIL import Image

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                                "tests", "imagestats"))
import imagestats_ref as ref  # noqa: E402


def sobel_mean(g):
    return float(np.hypot(scipy.ndimage.sobel(g, axis=1), scipy.ndimage.sobel(g, axis=0)).mean())


def segments_skimage(rgb):
    return int(skimage.segmentation.felzenszwalb(rgb, scale=500, sigma=0.5, min_size=20).max()) + 1


def rank_entropy(g):
    g8 = np.clip(np.floor(g + 0.5), 0, 255).astype(np.uint8)
    return float(skimage.filters.rank.entropy(g8, np.ones((10, 10), np.uint8)).mean())


def main():
    folder, count = sys.argv[1], int(sys.argv[2])
    with open(os.path.join(folder, "dddlab_values.csv")) as f:
        theirs = {r["image"]: r for r in csv.DictReader(f)}
    names = ["entropy", "dct", "segments", "sobel"]
    spent = dict.fromkeys(["decode"] + names + ["rank_entropy"], 0.0)
    worst = dict.fromkeys(["entropy", "dct_coefs", "sobel"], 0.0)
    seg_equal, seg_diff = 0, []
    start = time.perf_counter()
    for i in range(count):
        name = "img%04d.png" % i
        t0 = time.perf_counter()
        rgb = np.asarray(Image.open(os.path.join(folder, name)).convert("RGB"))
        g = ref.gray(rgb)
        spent["decode"] += time.perf_counter() - t0
        values = {}
        for stat, fn in (("entropy", lambda: ref.local_entropy(g)),
                         ("dct", lambda: ref.dct_pct(g)),
                         ("segments", lambda: segments_skimage(rgb)),
                         ("sobel", lambda: sobel_mean(g))):
            t = time.perf_counter()
            values[stat] = fn()
            spent[stat] += time.perf_counter() - t
        c = theirs[name]
        worst["entropy"] = max(worst["entropy"], abs(values["entropy"] - float(c["entropy"])))
        worst["dct_coefs"] = max(worst["dct_coefs"],
                                 abs(values["dct"] - float(c["dct"])) * g.size / 100.0)
        worst["sobel"] = max(worst["sobel"], abs(values["sobel"] - float(c["sobel"])))
        d = values["segments"] - int(c["segments"])
        seg_equal += d == 0
        seg_diff.append(d)
    seconds = time.perf_counter() - start
    # Timed apart: not part of the statistics above.
    t = time.perf_counter()
    for i in range(count):
        rgb = np.asarray(Image.open(os.path.join(folder, "img%04d.png" % i)).convert("RGB"))
        rank_entropy(ref.gray(rgb))
    spent["rank_entropy"] = time.perf_counter() - t
    print("python images=%d seconds=%.3f images_per_s=%.3f" % (count, seconds, count / seconds))
    print("python_ms_per_image " + " ".join("%s=%.1f" % (k, 1e3 * v / count)
                                            for k, v in spent.items()))
    seg_diff = np.array(seg_diff)
    print("compare images=%d entropy_max_abs_diff=%.3g dct_max_diff_coefficients=%.3g "
          "sobel_max_abs_diff=%.3g segments_equal=%d segments_skimage_minus_dddlab_mean=%.2f "
          "min=%d max=%d"
          % (count, worst["entropy"], worst["dct_coefs"], worst["sobel"], seg_equal,
             seg_diff.mean(), seg_diff.min(), seg_diff.max()))
    ok = worst["entropy"] <= 1e-9 and worst["dct_coefs"] <= 1.0 + 1e-6 and worst["sobel"] <= 1e-9
    print("values agree" if ok else "VALUES DIFFER")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
