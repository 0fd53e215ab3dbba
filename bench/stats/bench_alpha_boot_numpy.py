#!/usr/bin/python3
"""NumPy baseline for bench_alpha_boot.c: the same data (bench_data.h), the
same 10,000 bootstrap replicates over units with the same unit draws (the
documented per-replicate splitmix64 streams of analysis/stats_alpha_boot.c),
ordinal alpha per replicate, vectorised over replicates the way one would in
NumPy: weights W (replicates x units), value totals W @ counts, mid-cumulative
positions per replicate, each unit's observed share from two matrix products.

Usage: bench_alpha_boot_numpy.py [CODERS UNITS REPLICATES] — prints seconds
(best of 3) and the mean replicate as the checksum bench_alpha_boot prints."""
import sys
import time

import numpy as np

from bench_numpy import alpha_data, splitmix64, unit_counts

GOLDEN = np.uint64(0x9E3779B97F4A7C15)


def draws(seed, nrep, nunits):
    """Unit indices of every replicate: word i of replicate r's stream."""
    r = np.arange(nrep, dtype=np.uint64)
    with np.errstate(over="ignore"):
        base = splitmix64(np.uint64(seed) ^ splitmix64(r))
        i = np.arange(nunits, dtype=np.uint64)
        x = splitmix64(base[:, None] + i[None, :] * GOLDEN)
    return ((x >> np.uint64(32)) * np.uint64(nunits)) >> np.uint64(32)


def boot(args):
    counts, nrep = args
    nu = counts.shape[0]
    idx = draws(1, nrep, nu).astype(np.int64)
    w = np.zeros((nrep, nu))
    np.add.at(w, (np.repeat(np.arange(nrep), nu), idx.ravel()), 1.0)
    m = counts.sum(axis=1)
    n_c = w @ counts                                   # replicates x values
    n = n_c.sum(axis=1)
    x = np.cumsum(n_c, axis=1) - n_c / 2.0             # ordinal positions
    a = (x * x) @ counts.T                             # sum_c n_uc x_c^2
    b = x @ counts.T                                   # sum_c n_uc x_c
    share = 2.0 * (m * a - b * b) / (m - 1)
    d_o = (w * share).sum(axis=1) / n
    mean = (n_c * x).sum(axis=1) / n
    ss = (n_c * (x - mean[:, None]) ** 2).sum(axis=1)
    d_e = 2.0 * n * ss / (n * (n - 1))
    return 1.0 - d_o / d_e


def main():
    coders = int(sys.argv[1]) if len(sys.argv) > 3 else 8
    units = int(sys.argv[2]) if len(sys.argv) > 3 else 300
    nrep = int(sys.argv[3]) if len(sys.argv) > 3 else 10000
    counts = unit_counts(alpha_data(coders, units))
    best, reps = None, None
    for _ in range(3):
        t0 = time.perf_counter()
        reps = boot((counts, nrep))
        dt = time.perf_counter() - t0
        best = dt if best is None or dt < best else best
    lo, hi = np.quantile(reps, [0.025, 0.975])
    print("alpha_boot coders=%d units=%d replicates=%d seconds=%.4f ci=%.6f..%.6f checksum=%.10f"
          % (coders, units, nrep, best, lo, hi, reps.mean()))


if __name__ == "__main__":
    main()
