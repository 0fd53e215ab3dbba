#!/usr/bin/python3
"""Write a sparse ratings CSV for the reliability memory benchmark:
N ratings (default 1,000,000) by CODERS coders (1,000) over UNITS units
(1,000,000), values 1..5 near a per-unit true value; seeded.

Usage: make_sparse_ratings.py OUT.csv [N CODERS UNITS]"""
import sys

import numpy as np


def main():
    out = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 4 else 1_000_000
    coders = int(sys.argv[3]) if len(sys.argv) > 4 else 1000
    units = int(sys.argv[4]) if len(sys.argv) > 4 else 1_000_000
    rng = np.random.default_rng(15)
    cell = rng.choice(coders * units, size=n, replace=False)
    coder, unit = cell // units, cell % units
    truth = rng.integers(1, 6, units)
    value = np.where(rng.random(n) < 0.7, truth[unit], rng.integers(1, 6, n))
    with open(out, "w") as f:
        f.write("coder,unit,value\n")
        for c, u, v in zip(coder.tolist(), unit.tolist(), value.tolist()):
            f.write("c%d,u%d,%d\n" % (c, u, v))


if __name__ == "__main__":
    main()
