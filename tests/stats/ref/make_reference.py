#!/usr/bin/python3
"""Reference numbers for tests/stats/test_stats_ref.c, made once and committed.

Run from anywhere with Debian's Python (numpy, scipy, sklearn, statsmodels,
mpmath):

    /usr/bin/python3 tests/stats/ref/make_reference.py

It writes one CSV file per statistic beside itself. The inputs are drawn with
a fixed seed, so running it again gives the same files. Lists inside a field
are separated by spaces; a missing value is "NA"; numbers are Python reprs,
which C's strtod reads back exactly.

Where a library has the statistic, the library gives the number:
  binomial test and Clopper-Pearson   scipy.stats.binomtest (method "exact");
                                      each limit checked against a 40-digit
                                      root with mpmath, which replaces it
                                      where Boost is off by > 1e-10
  Pearson / Spearman                  scipy.stats.pearsonr / spearmanr
  Cohen's kappa (plain/linear/quad)   sklearn.metrics.cohen_kappa_score
  Fleiss' kappa                       statsmodels fleiss_kappa
  binomial pmf                        scipy.stats.binom.pmf
Where none is installed, a plain, independent implementation written from the
definition gives it (alpha and error consistency from tests/reference/dl_ref.py,
the one Python reference for them):
  Krippendorff's alpha   coincidence matrix with explicit loops over the
                         pairs of values in each unit (Krippendorff 2011)
  error consistency      Geirhos et al. 2020, from the two vectors
  Poisson-binomial pmf   repeated convolution with [1 - p, p]
  true-positive agreement, summary   numpy one-liners
"""
import os
import sys
import warnings

import mpmath
import numpy as np
from scipy import stats
from sklearn.metrics import cohen_kappa_score
from statsmodels.stats.inter_rater import fleiss_kappa

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "reference"))
import dl_ref  # noqa: E402  (the one Python reference: alpha, error consistency)
from dl_ref import fmt  # noqa: E402

# sklearn warns (and returns NaN) on the one case that is undefined on purpose
warnings.simplefilter("ignore", RuntimeWarning)

HERE = os.path.dirname(os.path.abspath(__file__))
RNG = np.random.default_rng(20240611)


def lst(xs):
    return " ".join("NA" if (isinstance(x, float) and np.isnan(x)) else fmt(x) for x in xs)


def write(name, header, rows):
    dl_ref.write_csv(HERE, name, header, rows)


# ---- error consistency --------------------------------------------------------

def make_ec():
    rows = []
    cases = []
    for _ in range(140):
        n = int(RNG.integers(1, 300))
        pa, pb = RNG.uniform(0.05, 0.95, 2)
        a = (RNG.random(n) < pa).astype(int)
        # b copies a on a share of items, so kappa spreads over [-1, 1]
        share = RNG.uniform(-1, 1)
        b = (RNG.random(n) < pb).astype(int)
        copy = RNG.random(n) < abs(share)
        b[copy] = a[copy] if share > 0 else 1 - a[copy]
        cases.append((a, b))
    n = 20
    ones, zeros = np.ones(n, int), np.zeros(n, int)
    mixed = (np.arange(n) % 3 == 0).astype(int)
    cases += [(ones, ones), (zeros, zeros), (mixed, mixed), (ones, mixed), (mixed, ones),
              (ones, zeros), (zeros, ones), (zeros, mixed), (mixed, 1 - mixed),
              (np.array([1]), np.array([0])), (np.array([1]), np.array([1]))]
    for a, b in cases:
        ref = dl_ref.error_consistency(a, b)
        rows.append(["".join(map(str, a)), "".join(map(str, b))] + [fmt(v) for v in ref])
    write("ec.csv", ["a", "b", "n", "p1", "p2", "c_obs", "c_exp", "kappa"], rows)


# ---- Cohen's and Fleiss' kappa ----------------------------------------------

def make_cohen():
    rows = []
    for weights in ("none", "linear", "quadratic"):
        for _ in range(120):
            ncat = int(RNG.integers(2, 8))
            n = int(RNG.integers(5, 200))
            r1 = RNG.integers(0, ncat, n)
            # r2 agrees with r1 often, else is off by a little or random
            r2 = np.where(RNG.random(n) < RNG.uniform(0, 0.9), r1,
                          np.clip(r1 + RNG.integers(-2, 3, n), 0, ncat - 1))
            r2 = np.where(RNG.random(n) < 0.2, RNG.integers(0, ncat, n), r2)
            # some categories unused: weights still follow declared positions
            if RNG.random() < 0.3:
                r1 = np.where(r1 == 1, 0, r1)
            miss1 = RNG.random(n) < 0.1
            miss2 = RNG.random(n) < 0.1
            keep = ~(miss1 | miss2)
            w = None if weights == "none" else weights
            k = cohen_kappa_score(r1[keep], r2[keep], labels=list(range(ncat)), weights=w)
            r1m = np.where(miss1, -1, r1)
            r2m = np.where(miss2, -1, r2)
            rows.append([weights, str(ncat), lst(r1m), lst(r2m), fmt(k)])
    write("cohen.csv", ["weights", "ncat", "r1", "r2", "kappa"], rows)


def make_fleiss():
    rows = []
    for _ in range(120):
        ncat = int(RNG.integers(2, 6))
        nitems = int(RNG.integers(2, 60))
        raters = int(RNG.integers(2, 12))
        conc = RNG.uniform(0.2, 5)
        table = np.zeros((nitems, ncat), int)
        for i in range(nitems):
            p = RNG.dirichlet(np.full(ncat, conc))
            table[i] = RNG.multinomial(raters, p)
        k = fleiss_kappa(table, method="fleiss")
        rows.append([str(nitems), str(ncat), lst(table.ravel()), fmt(k)])
    write("fleiss.csv", ["nitems", "ncat", "counts", "kappa"], rows)


# ---- Krippendorff's alpha ---------------------------------------------------



def kripp_data(kind, ncoders, nunits, miss):
    truth = RNG.integers(1, 6, nunits).astype(float)
    if kind == "int5":
        vals = np.where(RNG.random((ncoders, nunits)) < RNG.uniform(0.2, 0.9), truth,
                        RNG.integers(1, 6, (ncoders, nunits)))
    elif kind == "halfsteps":
        vals = np.where(RNG.random((ncoders, nunits)) < 0.6, truth,
                        RNG.integers(0, 12, (ncoders, nunits)) / 2.0 + 0.5)
    elif kind == "wideint":
        truth = RNG.integers(0, 2_000_000, nunits).astype(float)
        vals = truth + RNG.integers(0, 3, (ncoders, nunits)) * 100000.0
    elif kind == "real":
        vals = truth * 1.7 + RNG.normal(0, 0.8, (ncoders, nunits))
        vals = np.round(vals, 3) + 5.0  # positive, for ratio
    elif kind == "manyint":
        truth = RNG.integers(0, 60, nunits).astype(float)
        vals = truth + RNG.integers(-3, 4, (ncoders, nunits))
        vals = np.abs(vals)
    else:  # negative integers
        vals = truth - 3 + RNG.integers(-1, 2, (ncoders, nunits))
    vals = vals.astype(float)
    vals[RNG.random((ncoders, nunits)) < miss] = np.nan
    return vals


def make_alpha():
    rows = []
    kinds = ["int5", "halfsteps", "wideint", "real", "manyint", "negint"]
    for level in ("nominal", "ordinal", "interval", "ratio"):
        for i in range(110):
            kind = kinds[i % len(kinds)]
            if level == "ratio" and kind == "negint":
                kind = "int5"
            ncoders = int(RNG.integers(2, 9))
            nunits = int(RNG.integers(2, 40))
            if i % 37 == 5:
                ncoders, nunits = 3, 1800  # large: more than one block of units
            miss = RNG.choice([0.0, 0.1, 0.3, 0.6])
            data = kripp_data(kind, ncoders, nunits, miss)
            r = dl_ref.kripp_alpha(dl_ref.kripp_units(data), level)
            rows.append([level, str(ncoders), str(nunits), lst(data.ravel()), fmt(r["alpha"]),
                         fmt(r["d_obs"]), fmt(r["d_exp"]), str(r["pairable"]),
                         str(r["units"]), str(r["nvalues"])])
    write("alpha.csv", ["level", "ncoders", "nunits", "data", "alpha", "d_obs", "d_exp",
                        "pairable", "units", "nvalues"], rows)


# ---- binomial ------------------------------------------------------------------

def checked_limit(value, k, n, alpha, lower):
    """scipy's Clopper-Pearson limit, checked against a 40-digit root of the
    beta cdf (mpmath). Boost's beta quantile is off by ~1e-9 now and then;
    then the exact root is the reference (and we say so)."""
    if (lower and k == 0) or (not lower and k == n):
        return value
    mpmath.mp.dps = 40
    a, b = (k, n - k + 1) if lower else (k + 1, n - k)
    target = mpmath.mpf(alpha) if lower else 1 - mpmath.mpf(alpha)
    root = mpmath.mpf(value)
    for _ in range(4):  # Newton from scipy's value: quadratic, so exact to 40 digits
        dens = root ** (a - 1) * (1 - root) ** (b - 1) / mpmath.beta(a, b)
        root -= (mpmath.betainc(a, b, 0, root, regularized=True) - target) / dens
    if abs(root - value) > 1e-10 * abs(root):
        print("  k=%d n=%d: scipy limit %r, exact %s (used)" % (k, n, value,
                                                               mpmath.nstr(root, 17)))
        return float(root)
    return value


def make_binom():
    rows = []
    for alt in ("two-sided", "greater", "less"):
        for i in range(120):
            n = int(RNG.choice([RNG.integers(1, 30), RNG.integers(30, 500),
                                RNG.integers(500, 5000)]))
            p0 = float(RNG.choice([0.5, 0.25, 1 / 3, RNG.uniform(0.01, 0.99)]))
            k = int(np.clip(RNG.binomial(n, np.clip(p0 + RNG.normal(0, 0.15), 0, 1)), 0, n))
            if i % 20 == 0:
                k = 0
            if i % 20 == 1:
                k = n
            if i % 20 == 2 and float(n * p0).is_integer():
                k = int(n * p0)
            conf = float(RNG.choice([0.95, 0.9, 0.99]))
            res = stats.binomtest(k, n, p0, alternative=alt)
            ci = res.proportion_ci(confidence_level=conf, method="exact")
            alpha = (1 - conf) / 2 if alt == "two-sided" else 1 - conf
            low = checked_limit(ci.low, k, n, alpha, True) if alt != "less" else ci.low
            high = checked_limit(ci.high, k, n, alpha, False) if alt != "greater" else ci.high
            rows.append([str(k), str(n), fmt(p0), alt, fmt(conf), fmt(res.pvalue),
                         fmt(low), fmt(high)])
    # The paper's check: 107 of 149 correct against chance.
    for alt in ("two-sided", "greater", "less"):
        res = stats.binomtest(107, 149, 0.5, alternative=alt)
        ci = res.proportion_ci(confidence_level=0.95, method="exact")
        rows.append(["107", "149", "0.5", alt, "0.95", fmt(res.pvalue), fmt(ci.low),
                     fmt(ci.high)])
    write("binom.csv", ["k", "n", "p0", "alternative", "conf", "p_value", "ci_low",
                        "ci_high"], rows)


def make_binom_pmf():
    rows = []
    for i in range(120):
        m = int(RNG.integers(0, 200))
        p = float(RNG.choice([0.0, 1.0, RNG.uniform(0, 1)])) if i % 10 == 0 else \
            float(RNG.uniform(0.001, 0.999))
        pmf = stats.binom.pmf(np.arange(m + 1), m, p)
        rows.append([str(m), fmt(p), lst(pmf)])
    write("binom_pmf.csv", ["m", "p", "pmf"], rows)


def make_poibin():
    rows = []
    for i in range(120):
        m = int(RNG.integers(0, 60))
        acc = RNG.uniform(0, 1, m)
        if i % 10 == 0 and m:
            acc[0] = 1.0
            acc[-1] = 0.0
        pmf = np.array([1.0])
        for p in acc:
            pmf = np.convolve(pmf, [1 - p, p])
        rows.append([lst(acc), lst(pmf)])
    write("poibin.csv", ["acc", "pmf"], rows)


# ---- correlation and summary ----------------------------------------------------

def make_corr():
    rows = []
    for method in ("pearson", "spearman"):
        i = done = 0
        while done < 120:
            i += 1
            n = int(RNG.integers(3, 100))
            rho = RNG.uniform(-0.99, 0.99)
            x = RNG.normal(0, 1, n)
            y = rho * x + np.sqrt(1 - rho * rho) * RNG.normal(0, 1, n)
            if i % 3 == 0:  # ties
                x = np.round(x * 2)
                y = np.round(y * 2)
            if i % 4 == 0:  # other scale and offset
                x = x * 37.5 + 1000
            if np.ptp(x) == 0 or np.ptp(y) == 0:
                x[0] += 1
                y[-1] += 1
            xs, ys = x.copy(), y.copy()
            if i % 5 == 0:  # pairs with a NaN are skipped
                xs[RNG.random(n) < 0.1] = np.nan
                ys[RNG.random(n) < 0.1] = np.nan
            ok = ~(np.isnan(xs) | np.isnan(ys))
            if ok.sum() < 3 or np.ptp(xs[ok]) == 0 or np.ptp(ys[ok]) == 0:
                xs, ys, ok = x, y, np.ones(n, bool)
            f = stats.pearsonr if method == "pearson" else stats.spearmanr
            res = f(xs[ok], ys[ok])
            if abs(res[0]) > 1 - 1e-12:
                # |r| = 1 up to rounding: p then hangs on the last bit of r
                # (ill-conditioned), so such a case checks nothing
                continue
            rows.append([method, lst(xs), lst(ys), fmt(res[0]), fmt(res[1]),
                         str(int(ok.sum()))])
            done += 1
    write("corr.csv", ["method", "x", "y", "r", "p_value", "n"], rows)


def make_summary():
    rows = []
    for i in range(120):
        n = int(RNG.integers(1, 80))
        x = RNG.normal(RNG.uniform(-100, 100), RNG.uniform(0.1, 50), n)
        if i % 3 == 0:
            x = np.round(x)
        if i % 4 == 0:
            x[RNG.random(n) < 0.2] = np.nan
        v = x[~np.isnan(x)]
        if len(v) == 0:
            x[0] = 1.5
            v = x[~np.isnan(x)]
        sd = np.std(v, ddof=1) if len(v) > 1 else np.nan
        rows.append([lst(x), str(len(v)), fmt(np.mean(v)), fmt(sd), fmt(np.min(v)),
                     fmt(np.max(v)), fmt(np.median(v))])
    write("summary.csv", ["x", "n", "mean", "sd", "min", "max", "median"], rows)


def make_tpa():
    rows = []
    for i in range(120):
        k = int(RNG.integers(1, 8))
        n = int(RNG.integers(1, 300))
        ease = RNG.uniform(0, 1, n)
        acc = RNG.uniform(0.3, 0.95, k)
        correct = (RNG.random((k, n)) < (acc[:, None] + ease[None, :]) / 2 + 0.1).astype(int)
        if i % 15 == 0:
            correct[:] = 0
            if i % 30 == 0:
                correct[0, 0] = 1
        a = correct.mean(axis=1)
        all_right = int(np.all(correct == 1, axis=0).sum())
        any_right = int(np.any(correct == 1, axis=0).sum())
        tpa = all_right / any_right if any_right else np.nan
        lower = 1 - min(np.sum(1 - a), 1)
        exp_all = np.prod(a)
        denom = 1 - np.prod(1 - a)
        exp_tpa = exp_all / denom if denom > 0 else np.nan
        rows.append([str(k), str(n), "".join(map(str, correct.ravel())), fmt(tpa), fmt(lower),
                     fmt(exp_all), fmt(exp_tpa), str(all_right), str(any_right)])
    write("tpa.csv", ["k", "n", "correct", "tpa", "lower_bound", "expected_all",
                      "expected_tpa", "all_right", "any_right"], rows)


def main():
    make_ec()
    make_cohen()
    make_fleiss()
    make_alpha()
    make_binom()
    make_binom_pmf()
    make_poibin()
    make_corr()
    make_summary()
    make_tpa()


if __name__ == "__main__":
    main()
