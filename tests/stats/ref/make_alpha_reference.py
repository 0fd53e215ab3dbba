#!/usr/bin/python3
"""Reference numbers for tests/stats/test_alpha_boot.c, made once and committed.

    /usr/bin/python3 tests/stats/ref/make_alpha_reference.py

(a few minutes: the alpha reference loops over pairs of values in plain Python,
on purpose, so that it shares nothing with the vectorised C.)

Writes beside itself:
  alpha_loo.csv      random reliability data (coders x units, "NA" = missing,
                     units separated by ';', coders by ' ') with Krippendorff's
                     alpha, every leave-one-coder-out alpha and every coder's
                     mean pairwise alpha
  alpha_boot.csv     the same kind of data with the first bootstrap replicates
                     over units, drawn with dddlab's documented random stream
                     (splitmix64 per replicate), so the C code must pick the
                     same units and get the same alphas
  betabin.csv        beta-binomial maximum-likelihood fits of histograms of
                     "models correct" (scipy.stats.betabinom + scipy.optimize)

Alpha and the random stream come from tests/reference/dl_ref.py, the one
Python reference: a plain implementation written from the definition
(Krippendorff 2011), the coincidence matrix with explicit loops over the
ordered pairs of values within each unit, then D_o and D_e with the
level's squared distance. It shares no code with the C implementation.
"""
import os
import sys

import numpy as np
from scipy import optimize, stats

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "reference"))
from dl_ref import boot_indices, kripp_alpha, kripp_units  # noqa: E402


def alpha(units, level):
    """units: list of lists of values (missing already removed)."""
    return kripp_alpha(units, level)["alpha"]


def units_of(data, coders=None):
    """data: coders x units array with NaN; coders: rows to keep."""
    return kripp_units(data, coders)


def random_data(rng, level):
    ncoders = int(rng.integers(3, 7))
    nunits = int(rng.integers(8, 40))
    nvals = int(rng.integers(2, 6))
    truth = rng.integers(0, nvals, nunits)
    data = np.empty((ncoders, nunits))
    for c in range(ncoders):
        noise = rng.random(nunits) < rng.uniform(0.1, 0.6)
        data[c] = np.where(noise, rng.integers(0, nvals, nunits), truth)
    if level == "ratio":
        data += 1
    if level == "interval":
        data = data * 0.5 - 1
    data[rng.random(data.shape) < 0.15] = np.nan
    return data


def fmt_data(data):
    return ";".join(" ".join("NA" if np.isnan(v) else repr(float(v)) for v in data[:, u])
                    for u in range(data.shape[1]))


def fmt(x):
    return "NA" if np.isnan(x) else repr(float(x))


def make_loo(rng):
    rows = []
    levels = ["nominal", "ordinal", "interval", "ratio"]
    for case in range(120):
        level = levels[case % 4]
        data = random_data(rng, level)
        nc = data.shape[0]
        loo = [alpha(units_of(data, [d for d in range(nc) if d != c]), level) for c in range(nc)]
        pair = np.full((nc, nc), np.nan)
        for a in range(nc):
            for b in range(a + 1, nc):
                pair[a, b] = pair[b, a] = alpha(units_of(data, [a, b]), level)
        mean_pair = [np.nanmean(np.delete(pair[c], c)) if not np.all(np.isnan(np.delete(pair[c], c)))
                     else np.nan for c in range(nc)]
        rows.append([level, str(nc), str(data.shape[1]), fmt_data(data), fmt(alpha(units_of(data), level)),
                     " ".join(fmt(x) for x in loo), " ".join(fmt(x) for x in mean_pair)])
    with open(os.path.join(HERE, "alpha_loo.csv"), "w") as f:
        f.write("level,coders,units,data,alpha,loo,mean_pairwise\n")
        for r in rows:
            f.write(",".join(r) + "\n")


def make_boot(rng):
    rows = []
    levels = ["nominal", "ordinal", "interval", "ratio"]
    for case in range(100):
        level = levels[case % 4]
        data = random_data(rng, level)
        seed = int(rng.integers(0, 2**62))
        pairable = [u for u in units_of(data) if len(u) >= 2]
        reps = []
        for r in range(5):
            pick = boot_indices(seed, r, len(pairable))
            reps.append(alpha([pairable[i] for i in pick], level))
        rows.append([level, str(data.shape[0]), str(data.shape[1]), fmt_data(data), str(seed),
                     " ".join(fmt(x) for x in reps)])
    with open(os.path.join(HERE, "alpha_boot.csv"), "w") as f:
        f.write("level,coders,units,data,seed,replicates\n")
        for r in rows:
            f.write(",".join(r) + "\n")


def betabin_fit(hist):
    """ML fit of Beta-Binomial(M, a, b) to counts hist[k] (k = 0..M)."""
    M = len(hist) - 1
    k = np.arange(M + 1)

    def nll(t):
        a, b = np.exp(t)
        return -(hist * stats.betabinom.logpmf(k, M, a, b)).sum()

    mean = (hist * k).sum() / hist.sum() / M
    best = None
    for start in ([0.0, 0.0], [np.log(mean + 1e-3), np.log(1 - mean + 1e-3)], [-2.0, -2.0], [2.0, 2.0]):
        r = optimize.minimize(nll, start, method="Nelder-Mead",
                              options={"xatol": 1e-12, "fatol": 1e-13, "maxiter": 20000, "maxfev": 40000})
        if best is None or r.fun < best.fun:
            best = r
    r = optimize.minimize(nll, best.x, method="BFGS", options={"gtol": 1e-10})
    if r.fun > best.fun:
        r = best
    a, b = np.exp(r.x)
    return a, b, -r.fun


def make_betabin(rng):
    rows = []
    for case in range(100):
        M = int(rng.integers(2, 16))
        n = int(rng.integers(50, 3000))
        a, b = rng.uniform(0.05, 5, 2)
        p = rng.beta(a, b, n)
        hist = np.bincount(rng.binomial(M, p), minlength=M + 1).astype(float)
        fa, fb, ll = betabin_fit(hist)
        rows.append([" ".join(str(int(h)) for h in hist), repr(fa), repr(fb), repr(1 / (fa + fb + 1)), repr(ll)])
    with open(os.path.join(HERE, "betabin.csv"), "w") as f:
        f.write("hist,a,b,rho,loglik\n")
        for r in rows:
            f.write(",".join(r) + "\n")


def main():
    rng = np.random.default_rng(20261129)
    make_loo(rng)
    make_boot(rng)
    make_betabin(rng)


if __name__ == "__main__":
    main()
