#!/usr/bin/env python3
"""Reference numbers for the binomial test where it used to break (issue 15,
item 1): n in the millions up to 2^32 - 1, p0 = 0 and 1, and p-values far
below the smallest double. Run once; the output binom_big.csv is committed and
read by tests/hardening/test_binom_big.c (no Python at test time).

  p_value, log10_p   mpmath at 60 digits: R's two-sided rule (the pmf of
                     every outcome no more likely than k, relative tolerance
                     1e-7, the other side found by bisection on the pmf) or
                     the one-sided tail; each tail summed outward from its
                     start by the ratio of neighbouring terms until the rest
                     is below 1e-40 of the sum, a tail that holds the mode as
                     1 minus the other one. p_value empty when below 1e-300;
                     log10_p empty when p is exactly 0 (p0 = 0 or 1).
                     (scipy's binomtest loses ~1e-8 near p = 1 for n ~ 1e9,
                     which is why it is not the reference here.)
  ci_low, ci_high    scipy.stats.binomtest(...).proportion_ci("exact"), good
                     to about 1e-7 relative at these n (at k = 10,
                     n = 1e6 its lower limit is 8e-8 low against an mpmath
                     bisection); the test allows 2e-7.
  p0 = 0 or 1        scipy.stats.binomtest.
"""
import csv
import math

import mpmath
from scipy import stats

mpmath.mp.dps = 60


def mp_lpmf(x, n, p):
    return (mpmath.loggamma(n + 1) - mpmath.loggamma(x + 1) - mpmath.loggamma(n - x + 1)
            + x * mpmath.log(p) + (n - x) * mpmath.log(1 - p))


def mp_mode(n, p):
    return min(n, int(mpmath.floor((n + 1) * p)))


def mp_tail_sum(k, n, p, up):
    """P(X >= k) (up) or P(X <= k), k on the falling side of the pmf."""
    term = mpmath.exp(mp_lpmf(k, n, p))
    total, i, odds = term, k, p / (1 - p)
    while True:
        ratio = (n - i) / mpmath.mpf(i + 1) * odds if up else i / mpmath.mpf(n - i + 1) / odds
        i += 1 if up else -1
        if i < 0 or i > n or ratio == 0:
            return total
        term *= ratio
        total += term
        if term < total * mpmath.mpf("1e-40"):
            return total


def mp_cdf(k, n, p):
    if k < 0:
        return mpmath.mpf(0)
    if k >= n:
        return mpmath.mpf(1)
    if k <= mp_mode(n, p):
        return mp_tail_sum(k, n, p, False)
    return 1 - mp_tail_sum(k + 1, n, p, True)


def mp_sf(k, n, p):  # P(X >= k)
    if k <= 0:
        return mpmath.mpf(1)
    if k > n:
        return mpmath.mpf(0)
    if k >= mp_mode(n, p):
        return mp_tail_sum(k, n, p, True)
    return 1 - mp_tail_sum(k - 1, n, p, False)


def mp_p(k, n, p0, alt):
    p = mpmath.mpf(p0)
    if alt == "greater":
        return mp_sf(k, n, p)
    if alt == "less":
        return mp_cdf(k, n, p)
    ld = mp_lpmf(k, n, p) + mpmath.log(1 + mpmath.mpf("1e-7"))
    m = n * p
    if k == m:
        return mpmath.mpf(1)
    if k < m:  # first y >= ceil(m) with pmf(y) <= d; the pmf falls there
        a, b = int(mpmath.ceil(m)), n + 1
        while a < b:
            mid = (a + b) // 2
            if mp_lpmf(mid, n, p) <= ld:
                b = mid
            else:
                a = mid + 1
        s = mp_cdf(k, n, p) + mp_sf(a, n, p)
    else:  # first y <= floor(m) with pmf(y) > d; the pmf rises there
        a, b = 0, int(mpmath.floor(m)) + 1
        while a < b:
            mid = (a + b) // 2
            if mp_lpmf(mid, n, p) > ld:
                b = mid
            else:
                a = mid + 1
        s = mp_cdf(a - 1, n, p) + mp_sf(k, n, p)
    return min(s, mpmath.mpf(1))


CASES = [
    # the two from the issue
    (5000100, 10000000, 0.5, "greater"),
    (50002500, 100000000, 0.5, "two-sided"),
    # large n, every alternative, p0 away from 1/2
    (5000100, 10000000, 0.5, "less"),
    (5000100, 10000000, 0.5, "two-sided"),
    (2500400, 10000000, 0.25, "two-sided"),
    (2499000, 10000000, 0.25, "two-sided"),
    (1001234, 4000000, 0.25, "greater"),
    (3000000, 4000000, 0.75, "less"),
    (123456789, 987654321, 0.125, "two-sided"),
    (2147483648, 4294967295, 0.5, "two-sided"),
    (2147500000, 4294967295, 0.5, "greater"),
    (2147483647, 4294967295, 0.5000001, "greater"),  # scipy is 1e-7 off here
    (429500000, 4294967295, 0.1, "two-sided"),
    (99990, 100000, 0.9999, "two-sided"),
    (10, 1000000, 0.00001, "two-sided"),
    (3, 1000000, 0.00001, "less"),
    (0, 100000, 0.00001, "two-sided"),
    (100000, 100000, 0.99999, "two-sided"),
    # p-values below the smallest double (log10 only)
    (741, 800, 0.0625, "two-sided"),
    (741, 800, 0.0625, "greater"),
    (3000, 3000, 0.5, "two-sided"),
    (0, 4000, 0.5, "less"),
    (12, 4000, 0.5, "two-sided"),
    (1500, 1600, 0.1, "greater"),
    (10, 2500, 0.8, "less"),
    # ordinary ones, checked by both
    (107, 149, 0.5, "greater"),
    (107, 149, 0.5, "two-sided"),
    (3, 40, 0.3, "two-sided"),
    (0, 1, 0.5, "two-sided"),
    # p0 = 0 and 1, which R and scipy accept
    (0, 10, 0.0, "two-sided"),
    (5, 10, 0.0, "two-sided"),
    (5, 10, 0.0, "less"),
    (5, 10, 1.0, "two-sided"),
    (10, 10, 1.0, "two-sided"),
    (5, 10, 1.0, "greater"),
]


def row(k, n, p0, alt):
    res = stats.binomtest(k, n, p0, alternative=alt)
    ci = res.proportion_ci(confidence_level=0.95, method="exact")
    if 0 < p0 < 1:
        p = mp_p(k, n, p0, alt)
        pcol = repr(float(p)) if p > mpmath.mpf("1e-300") else ""
        l10 = repr(float(mpmath.log10(p)))
    else:
        pv = float(res.pvalue)
        pcol = repr(pv)
        l10 = repr(math.log10(pv)) if pv > 0 else ""
    return [k, n, repr(p0), alt, pcol, l10, repr(float(ci.low)), repr(float(ci.high))]


def main():
    with open("binom_big.csv", "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["k", "n", "p0", "alternative", "p_value", "log10_p", "ci_low", "ci_high"])
        for c in CASES:
            w.writerow(row(*c))


if __name__ == "__main__":
    main()
