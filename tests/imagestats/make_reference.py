#!/usr/bin/python3
"""Compute the reference numbers of test_imagestats.c once and write
ref_values.h beside this script. Run: /usr/bin/python3 make_reference.py"""
import math
import os

import numpy as np

import imagestats_ref as ref

# name, kind, width, height, seed, resize to (0 = no resize)
CASES = [
    ("noise_37x29", "noise", 37, 29, 1, 0),
    ("blocks_64x48", "blocks", 64, 48, 2, 0),
    ("gray_50x50", "gray", 50, 50, 3, 0),
    ("noise_7x5", "noise", 7, 5, 4, 0),
    ("blocks_40x40_to_16", "blocks", 40, 40, 5, 16),
    ("noise_7x5_to_12", "noise", 7, 5, 6, 12),
    ("blocks_96x80", "blocks", 96, 80, 7, 0),
    ("noise_33x31_to_20", "noise", 33, 31, 8, 20),
    ("checker_20x20", "checker", 20, 20, 0, 0),
    ("halves_32x16", "halves", 32, 16, 0, 0),
    ("halves_32x32", "halves", 32, 32, 0, 0),
]


def num(v):
    return "NAN" if math.isnan(v) else repr(float(v))


def main():
    lines = [
        "/* ref_values.h -- written by make_reference.py (NumPy %s, SciPy %s); do not edit. */"
        % (np.__version__, __import__("scipy").__version__),
        "static const struct ref_case {",
        "    const char *name, *kind;",
        "    int w, h;",
        "    unsigned seed;",
        "    int size_px;",
        "    unsigned long pixel_sum, pixel_hash; /* of the image as analysed */",
        "    double entropy_bits, dct_pct, segments, sobel_mean, mean_luminance, rms_contrast;",
        "} ref_cases[] = {",
    ]
    for name, kind, w, h, seed, size in CASES:
        img = ref.test_image(kind, w, h, seed)
        if size:
            img = ref.resize_area(img, size, size)
        flat = img.ravel().astype(np.uint64)
        psum = int(flat.sum())
        phash = int((flat * (np.arange(flat.size, dtype=np.uint64) % 65521 + 1)).sum() % (1 << 32))
        s = ref.all_stats(img)
        lines.append('    {"%s", "%s", %d, %d, %du, %d, %dul, %dul,' % (name, kind, w, h, seed, size, psum, phash))
        lines.append("     %s, %s, %s, %s, %s, %s}," % (
            num(s["local_entropy_bits"]), num(s["dct_coef_pct"]), num(s["segments"]),
            num(s["sobel_mean"]), num(s["mean_luminance"]), num(s["rms_contrast"])))
        print(name, s)
    lines.append("};")
    here = os.path.dirname(os.path.abspath(__file__))
    with open(os.path.join(here, "ref_values.h"), "w") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
