#!/usr/bin/python3
"""NumPy baselines for bench/stats: the same data as bench_data.h, the same
computations as bench_ec_matrix.c and bench_alpha.c, formulated the way one
would in NumPy (the EC matrix as one float32 matrix product through BLAS, the
alpha coincidence matrix from vectorised per-unit value counts).

Usage: bench_numpy.py ec|alpha|ec_boot [ROWS ITEMS [REPLICATES]] — prints one
line like the C programs: seconds (best of 3; ec_boot once) and a checksum
that must agree with theirs (ec_boot draws the same resamples as the C
bootstrap, from the documented splitmix64 streams).
Run with Debian's /usr/bin/python3 (numpy with OpenBLAS)."""
import os
import sys
import time

import numpy as np

# dddlab's random stream, scalar, from the one Python reference; the arrays
# below stay vectorised on purpose: they are the speed baseline
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests",
                                "reference"))
from dl_ref import mix64  # noqa: E402


def splitmix64(x):
    x = x + np.uint64(0x9E3779B97F4A7C15)
    x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))


def uniform(stream, idx):
    idx = np.asarray(idx, dtype=np.uint64)
    with np.errstate(over="ignore"):
        x = splitmix64(np.uint64(stream) * np.uint64(0x100000000) + idx)
    return (x >> np.uint64(11)).astype(np.float64) * 2.0**-53


def ec_data(rows, n):
    j = np.arange(n, dtype=np.uint64)
    item = 0.4 * (uniform(1, j) - 0.5)
    x = np.empty((rows, n), dtype=np.float32)
    for r in range(rows):
        acc = 0.5 + 0.4 * r / rows
        x[r] = uniform(2 + r, j) < acc + item
    return x


def ec_matrix(x):
    n = x.shape[1]
    both = x @ x.T  # both right, exact in float32 for n < 2**24
    right = x.sum(axis=1, dtype=np.float64)
    both = both.astype(np.float64)
    agree = n - right[:, None] - right[None, :] + 2.0 * both
    p = right / n
    c_obs = agree / n
    c_exp = np.outer(p, p) + np.outer(1 - p, 1 - p)
    with np.errstate(divide="ignore", invalid="ignore"):
        kappa = (c_obs - c_exp) / (1.0 - c_exp)
    always = right == n
    kappa[always[:, None] != always[None, :]] = 0.0
    kappa[agree == n] = 1.0
    return kappa


def alpha_data(coders, units):
    u = np.arange(units, dtype=np.uint64)
    truth = 1 + (uniform(999, u) * 5.0).astype(np.int64)
    data = np.empty((coders, units), dtype=np.float64)
    for c in range(coders):
        miss = uniform(1000 + c, 2 * u) < 0.1
        d = uniform(1000 + c, 2 * u + np.uint64(1))
        v = np.where(d < 0.6, truth, 1 + ((d - 0.6) / 0.4 * 5.0).astype(np.int64))
        data[c] = np.where(miss, np.nan, v)
    return data


def unit_counts(data):
    """Value counts per pairable unit (units x values) of a coders x units
    array (NaN = missing); units with fewer than two values left out."""
    ok = ~np.isnan(data)
    pair = ok.sum(axis=0) >= 2
    d, ok = data[:, pair], ok[:, pair]
    values, inv = np.unique(d[ok], return_inverse=True)
    v = len(values)
    unit = np.broadcast_to(np.arange(d.shape[1]), d.shape)[ok]
    counts = np.bincount(unit * v + inv, minlength=d.shape[1] * v).reshape(-1, v)
    return counts.astype(np.float64)


def alpha_ordinal(data):
    """Krippendorff's alpha, ordinal, from a coders x units array (NaN =
    missing): value counts per unit, coincidence matrix, cumulative-count
    ordinal distances (Krippendorff 2011)."""
    counts = unit_counts(data)
    w = 1.0 / (counts.sum(axis=1) - 1)
    o = (counts * w[:, None]).T @ counts
    o -= np.diag((counts * w[:, None]).sum(axis=0))
    n_c = o.sum(axis=1)
    n = n_c.sum()
    mid = np.cumsum(n_c) - n_c / 2.0
    delta = (mid[:, None] - mid[None, :]) ** 2
    d_o = (o * delta).sum() / n
    d_e = (np.outer(n_c, n_c) * delta).sum() / (n * (n - 1))
    return 1.0 - d_o / d_e


# ---- bootstrap of error consistency: the same draws as dl_stats_ec_bootstrap --

GOLDEN = np.uint64(0x9E3779B97F4A7C15)


def boot_indices(seed, r, n):
    """Replicate r's item draws (docs/statistics.md): splitmix64 from
    key = mix(mix(seed) ^ mix(2 r)), two 32-bit draws per output (upper
    first), Lemire's multiply-and-reject below n."""
    key = mix64(mix64(seed) ^ mix64(2 * r))
    threshold = ((1 << 32) - n) % n
    m = n // 2 + 64
    with np.errstate(over="ignore"):
        out = splitmix64(np.uint64(key) + np.arange(m, dtype=np.uint64) * GOLDEN)
    halves = np.empty(2 * m, dtype=np.uint64)
    halves[0::2] = out >> np.uint64(32)
    halves[1::2] = out & np.uint64(0xFFFFFFFF)
    prod = halves * np.uint64(n)
    ok = (prod & np.uint64(0xFFFFFFFF)) >= np.uint64(threshold)
    idx = (prod >> np.uint64(32))[ok]
    assert idx.size >= n
    return idx[:n].astype(np.int64)


def ec_boot(x, reps=10000, seed=1, conf=0.95):
    """All pairwise kappas and their mean per replicate, the NumPy way: item
    weights by bincount, weighted counts by one float32 product through
    BLAS; percentile intervals with np.percentile."""
    rows, n = x.shape
    iu = np.triu_indices(rows, 1)
    kap = np.empty((reps, iu[0].size))
    for r in range(reps):
        w = np.bincount(boot_indices(seed, r, n), minlength=n).astype(np.float32)
        both = ((x * w) @ x.T).astype(np.float64)
        right = both.diagonal().copy()
        agree = n - right[:, None] - right[None, :] + 2.0 * both
        p = right / n
        c_exp = np.outer(p, p) + np.outer(1 - p, 1 - p)
        with np.errstate(divide="ignore", invalid="ignore"):
            k = (agree / n - c_exp) / (1.0 - c_exp)
        kap[r] = k[iu]
    lo, hi = np.percentile(kap, [50 * (1 - conf), 50 * (1 + conf)], axis=0)
    mlo, mhi = np.percentile(kap.mean(axis=1), [50 * (1 - conf), 50 * (1 + conf)])
    return (lo.sum() + hi.sum() + mlo + mhi) / (2 * lo.size + 2)


def best_of(fn, arg, reps=3):
    best, out = None, None
    for _ in range(reps):
        t0 = time.perf_counter()
        out = fn(arg)
        dt = time.perf_counter() - t0
        best = dt if best is None or dt < best else best
    return best, out


def main():
    what = sys.argv[1] if len(sys.argv) > 1 else "ec"
    if what == "ec":
        rows = int(sys.argv[2]) if len(sys.argv) > 3 else 1000
        n = int(sys.argv[3]) if len(sys.argv) > 3 else 50000
        x = ec_data(rows, n)
        dt, kappa = best_of(ec_matrix, x)
        print("ec_matrix rows=%d items=%d seconds=%.4f checksum=%.10f"
              % (rows, n, dt, kappa.mean()))
    elif what == "alpha":
        coders = int(sys.argv[2]) if len(sys.argv) > 3 else 50
        units = int(sys.argv[3]) if len(sys.argv) > 3 else 200000
        data = alpha_data(coders, units)
        dt, alpha = best_of(alpha_ordinal, data)
        print("alpha coders=%d units=%d seconds=%.4f checksum=%.10f"
              % (coders, units, dt, alpha))
    elif what == "ec_boot":
        rows = int(sys.argv[2]) if len(sys.argv) > 4 else 50
        n = int(sys.argv[3]) if len(sys.argv) > 4 else 10000
        reps = int(sys.argv[4]) if len(sys.argv) > 4 else 10000
        x = ec_data(rows, n)
        t0 = time.perf_counter()
        check = ec_boot(x, reps)
        dt = time.perf_counter() - t0  # once: a run takes long enough
        print("ec_boot rows=%d items=%d replicates=%d seconds=%.4f checksum=%.8f"
              % (rows, n, reps, dt, check))
    else:
        sys.exit("usage: bench_numpy.py ec|alpha|ec_boot [ROWS ITEMS [REPLICATES]]")


if __name__ == "__main__":
    main()
