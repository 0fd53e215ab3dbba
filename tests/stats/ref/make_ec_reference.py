#!/usr/bin/python3
"""Reference numbers for tests/stats/test_stats_ec.c (error consistency:
bounds, Fisher's exact test, corrected kappa) and for `dddlab plan 2afc`,
made once and committed.

    /usr/bin/python3 tests/stats/ref/make_ec_reference.py

Writes ec_test.csv and plan_2afc.csv beside itself; the inputs are drawn
with a fixed seed, so running it again gives the same files.

  ec_test.csv    per 2x2 right/wrong table (n, r1, r2, both right):
                 kappa under both boundary conventions, written from the
                 definition (tests/reference/dl_ref.py); kappa_min / kappa_max from the closed forms of
                 Klein, Meyen, Brendel, Wichmann & Meding (2025): with the
                 accuracies fixed, c_obs ranges over
                 [|p1 + p2 - 1|, 1 - |p1 - p2|]; the small-sample corrected
                 kappa n k / ((n - 1) + k); p_value from
                 scipy.stats.fisher_exact (two-sided), checked against an
                 exact rational evaluation of R's rule (sum of the table
                 probabilities <= P(observed) (1 + 1e-7)), which replaces it
                 where the two differ by more than 1e-12 (scipy's tolerance
                 is 1e-14, R's 1e-7).
  plan_2afc.csv  the exact one-sided binomial test against chance 0.5:
                 critical count and power at (n, accuracy, alpha) from
                 scipy.stats.binom; and the planning rule of `dddlab plan`:
                 the smallest n from which the power stays >= target for
                 every larger n (checked up to 4 times that n).
"""
import os
import sys
from fractions import Fraction
from math import comb

import numpy as np
from scipy import stats

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "reference"))
import dl_ref  # noqa: E402  (the one Python reference: error consistency)
from dl_ref import fmt  # noqa: E402

RNG = np.random.default_rng(20261129)


def write(name, header, rows):
    dl_ref.write_csv(HERE, name, header, rows)


# ---- error consistency ------------------------------------------------------

def kappa_of(n, r1, r2, both, boundary):
    return dl_ref.ec_counts(n, r1, r2, both, boundary)[5]


def bound(n, r1, r2, c, boundary):
    """kappa at observed agreement c with the accuracies fixed."""
    return dl_ref.kappa_at(n, r1, r2, c, boundary)


def fisher_r_rule(a, b, c, d):
    """R's fisher.test two-sided p, in exact rationals."""
    n, k, dd = a + b + c + d, a + b, a + c
    lo, hi = max(0, dd + k - n), min(k, dd)
    prob = {x: Fraction(comb(k, x) * comb(n - k, dd - x), comb(n, dd)) for x in range(lo, hi + 1)}
    limit = prob[a] * (1 + Fraction(1, 10**7))
    return float(sum(p for p in prob.values() if p <= limit))


def ec_cases():
    cases = []
    for _ in range(300):
        n = int(RNG.choice([RNG.integers(1, 40), RNG.integers(40, 400), RNG.integers(400, 3000)]))
        pa, pb = RNG.uniform(0.02, 0.98, 2)
        a = RNG.random(n) < pa
        b = RNG.random(n) < pb
        share = RNG.uniform(-1, 1)
        copy = RNG.random(n) < abs(share)
        b[copy] = a[copy] if share > 0 else ~a[copy]
        cases.append((n, int(a.sum()), int(b.sum()), int((a & b).sum())))
    # the boundaries: always right / always wrong, one item, extreme tables
    for n in (1, 2, 5, 20):
        for r1, r2, both in ((n, n, n), (0, 0, 0), (n, 0, 0), (0, n, 0), (n, n // 2, n // 2),
                             (n // 2, n // 2, n // 2), (n // 2, n // 2, 0), (n // 2, n - n // 2, 0)):
            cases.append((n, r1, r2, both))
    cases += [(149, 120, 130, 110), (1000, 990, 995, 989), (5000, 4000, 4100, 3300),
              (10000, 8000, 8000, 6500), (10000, 8000, 8000, 6000), (2000, 1000, 1000, 500)]
    return cases


def make_ec_test():
    rows = []
    for n, r1, r2, both in ec_cases():
        tab = [[both, r1 - both], [r2 - both, n - r1 - r2 + both]]
        p = stats.fisher_exact(tab, alternative="two-sided").pvalue
        exact = fisher_r_rule(both, r1 - both, r2 - both, n - r1 - r2 + both)
        if abs(p - exact) > 1e-12 * max(exact, 1e-300):
            p = exact
        k = kappa_of(n, r1, r2, both, "undefined")
        k1 = kappa_of(n, r1, r2, both, "one")
        p1, p2 = r1 / n, r2 / n
        cmin, cmax = abs(p1 + p2 - 1), 1 - abs(p1 - p2)
        kc = n * k / ((n - 1) + k) if not np.isnan(k) and (n - 1) + k != 0 else float("nan")
        rows.append([fmt(v) for v in (n, r1, r2, both, k, k1,
                                      bound(n, r1, r2, cmin, "undefined"),
                                      bound(n, r1, r2, cmax, "undefined"),
                                      bound(n, r1, r2, cmin, "one"),
                                      bound(n, r1, r2, cmax, "one"), kc, p)])
    write("ec_test.csv", ["n", "r1", "r2", "both", "kappa", "kappa_one", "kappa_min",
                          "kappa_max", "kappa_min_one", "kappa_max_one", "kappa_corrected",
                          "p_value"], rows)


# ---- planning a 2AFC experiment --------------------------------------------

def critical(n, alpha):
    """Smallest k with P(X >= k | n, 0.5) <= alpha."""
    k = int(stats.binom.isf(alpha, n, 0.5))
    while k > 0 and stats.binom.sf(k - 2, n, 0.5) <= alpha:
        k -= 1
    while stats.binom.sf(k - 1, n, 0.5) > alpha:
        k += 1
    return k


def power(n, acc, alpha):
    return float(stats.binom.sf(critical(n, alpha) - 1, n, acc))


def plan_n(acc, alpha, target, nmax=100000):
    """Smallest n from which the power stays >= target (checked to 4 n)."""
    n = 1
    while power(n, acc, alpha) < target:
        n += 1
        if n > nmax:
            return -1
    last_bad = None
    for m in range(n, 4 * n + 50):
        if power(m, acc, alpha) < target:
            last_bad = m
    return n if last_bad is None else last_bad + 1


def make_plan_2afc():
    rows = []
    for n in (1, 5, 10, 20, 37, 50, 100, 149, 300, 1000):
        for acc in (0.55, 0.6, 0.7, 0.81, 0.9):
            for alpha in (0.05, 0.01, 0.001):
                rows.append(["power", fmt(n), fmt(acc), fmt(alpha), fmt(critical(n, alpha)),
                             fmt(power(n, acc, alpha)), "nan", "nan"])
    for acc in (0.6, 0.65, 0.7, 0.75, 0.81, 0.9, 0.95):
        for alpha in (0.05, 0.01):
            for target in (0.8, 0.9, 0.95):
                n = plan_n(acc, alpha, target)
                first = 1
                while power(first, acc, alpha) < target:
                    first += 1
                rows.append(["plan", fmt(n), fmt(acc), fmt(alpha), fmt(critical(n, alpha)),
                             fmt(power(n, acc, alpha)), fmt(target), fmt(first)])
    write("plan_2afc.csv", ["kind", "n", "accuracy", "alpha", "critical", "power", "target",
                            "first_n"], rows)


def main():
    make_ec_test()
    make_plan_2afc()


if __name__ == "__main__":
    main()
