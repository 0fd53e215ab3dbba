#!/usr/bin/python3
"""The NumPy/pandas reference for the stimuli benchmark: the same analysis as
`dddlab stimuli analyse WIDE.csv --json` (per-model accuracy, histogram,
Binomial and Poisson-binomial expectations, the split, error consistency on
all and on in-between images with mean/min/max, true-positive agreement),
done the way a lab would in Python: pandas.read_csv, then matrix products
(OpenBLAS) for the error-consistency matrices.

usage: /usr/bin/python3 bench_stimuli_numpy.py WIDE.csv [NEAR]
Prints one JSON object with the key numbers and the time taken."""
import json
import sys
import time

import numpy as np
import pandas as pd
from scipy import stats


def kappa_matrix(x):
    """Error consistency of every pair of rows of the 0/1 float32 matrix x."""
    n = x.shape[1]
    right = x.sum(axis=1, dtype=np.float64)
    both_right = (x @ x.T).astype(np.float64)  # exact: counts < 2^24
    both_wrong = n - right[:, None] - right[None, :] + both_right
    c_obs = (both_right + both_wrong) / n
    p = right / n
    c_exp = p[:, None] * p[None, :] + (1 - p[:, None]) * (1 - p[None, :])
    with np.errstate(divide="ignore", invalid="ignore"):
        k = (c_obs - c_exp) / (1 - c_exp)
    one_always = ((p[:, None] == 1) ^ (p[None, :] == 1))
    k[one_always] = 0.0
    k[c_obs == 1] = 1.0
    return k


def summary(k):
    v = k[np.triu_indices(k.shape[0], 1)]
    v = v[np.isfinite(v)]
    return {"mean": float(v.mean()), "min": float(v.min()), "max": float(v.max()),
            "pairs": int(v.size)} if v.size else None


def main():
    path = sys.argv[1]
    near = int(sys.argv[2]) if len(sys.argv) > 2 else 0
    t0 = time.perf_counter()
    df = pd.read_csv(path, index_col="image")
    x = df.to_numpy(dtype=np.float32).T  # models x images
    m, n = x.shape
    acc = x.mean(axis=1, dtype=np.float64)
    n_correct = x.sum(axis=0).astype(np.int64)
    mean_acc = float(acc.mean())
    hist = np.bincount(n_correct, minlength=m + 1)
    binom = stats.binom.pmf(np.arange(m + 1), m, mean_acc) * n
    pb = np.array([1.0])
    for p in acc:
        pb = np.convolve(pb, [1 - p, p])
    pb *= n
    trivial = n_correct >= m - near
    impossible = n_correct <= near
    between = ~trivial & ~impossible
    k_all = kappa_matrix(x)
    k_btw = kappa_matrix(np.ascontiguousarray(x[:, between]))
    all_right = int((n_correct == m).sum())
    any_right = int((n_correct > 0).sum())
    prod = float(np.prod(acc))
    tpa = {"tpa": all_right / any_right, "lower_bound": 1 - min(float((1 - acc).sum()), 1.0),
           "expected_tpa": prod / (1 - float(np.prod(1 - acc))), "all_right": all_right,
           "any_right": any_right}
    seconds = time.perf_counter() - t0
    print(json.dumps({
        "images": n, "models": m, "mean_accuracy": mean_acc,
        "histogram_sum": int(hist.sum()), "binomial_expected_max": float(binom.max()),
        "poisson_binomial_expected_max": float(pb.max()),
        "trivial": int(trivial.sum()), "in_between": int(between.sum()),
        "impossible": int(impossible.sum()),
        "error_consistency": {"all": summary(k_all), "in_between": summary(k_btw)},
        "true_positive_agreement": tpa, "seconds": seconds}))


if __name__ == "__main__":
    main()
