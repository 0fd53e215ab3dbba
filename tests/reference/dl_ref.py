#!/usr/bin/python3
"""The single Python reference for the statistics dddlab's tests pin.

Every reference generator (tests/stats/ref/make_*.py, tests/report/
make_reference.py, tests/cli/make_reference.py) and the bench/stats NumPy
baselines import the definitions below instead of writing their own, so a
statistic has one reference definition in Python, as it has one in C.

It is written from the published definitions, not from dddlab's C code, and
shares nothing with it: plain loops where the C code is vectorised or blocked.
Scripts import it by path (it is not a package):

    sys.path.insert(0, os.path.join(os.path.dirname(__file__), "<..>", "reference"))
    import dl_ref

What it defines:
  kripp_alpha(units, level)      Krippendorff's alpha (nominal, ordinal,
                                 interval, ratio) from the coincidence matrix,
                                 with explicit loops over the ordered pairs of
                                 values within each unit (Krippendorff 2011,
                                 "Computing Krippendorff's alpha-reliability").
                                 Returns alpha and its parts; alpha is NaN when
                                 undefined (no pairable unit, or D_e = 0).
  kripp_units(data, coders)      the units of a coders x units array with NaN
                                 for missing, as kripp_alpha takes them.
  ec_counts(n, r1, r2, both)     error consistency (Geirhos et al. 2020) of a
  error_consistency(a, b)        2x2 right/wrong table or two 0/1 vectors;
  kappa_at(n, r1, r2, c_obs)     kappa at a given observed agreement with the
                                 accuracies fixed (the bounds of Klein et al.
                                 2025). `boundary` picks the convention for
                                 c_exp = 1: "undefined" (NaN) or "one" (the
                                 older kappa = 1).
  mix64(x), boot_indices(...)    dddlab's documented splitmix64 random stream
                                 (docs/statistics.md) for bootstrap draws.
  fmt(x), write_csv(...)         how the reference CSV files print numbers
                                 (Python reprs, which C's strtod reads back
                                 exactly) and are written.

Run it directly to check it against Krippendorff's published 4 coders x 12
units example (0.743 nominal, 0.815 ordinal, 0.849 interval, 0.797 ratio).
"""
import os

import numpy as np

LEVELS = ("nominal", "ordinal", "interval", "ratio")

# ---- Krippendorff's alpha ---------------------------------------------------


def kripp_units(data, coders=None):
    """data: coders x units array, NaN = missing; coders: the rows to keep
    (all by default). Returns one list of float values per unit."""
    data = np.asarray(data, float)
    rows = range(data.shape[0]) if coders is None else coders
    return [[float(data[c, u]) for c in rows if not np.isnan(data[c, u])]
            for u in range(data.shape[1])]


def _delta2(level, values, n_c, c, k):
    """Squared distance between values number c and k (sorted)."""
    if c == k:
        return 0.0
    if level == "nominal":
        return 1.0
    if level == "ordinal":
        # cumulative value counts between the two, not ranks
        lo, hi = min(c, k), max(c, k)
        s = n_c[lo:hi + 1].sum() - (n_c[c] + n_c[k]) / 2.0
        return s * s
    a, b = values[c], values[k]
    if level == "interval":
        return (a - b) ** 2
    return ((a - b) / (a + b)) ** 2 if a + b != 0 else 0.0


def kripp_alpha(units, level):
    """units: one list of values per unit, missing values left out (nominal
    values may be any sortable, hashable labels). Units with fewer than two
    values are left out of the coincidence matrix and of the value totals.

    Returns a dict: alpha (NaN when undefined), d_obs, d_exp, pairable (the
    number of pairable values), units (pairable units), nvalues (distinct
    values in them)."""
    if level not in LEVELS:
        raise ValueError("level: %r" % (level,))
    units = [u for u in units if len(u) >= 2]
    values = sorted({v for u in units for v in u})
    nv = len(values)
    if nv == 0:
        return dict(alpha=np.nan, d_obs=np.nan, d_exp=np.nan, pairable=0, units=0, nvalues=0)
    index = {v: i for i, v in enumerate(values)}
    o = np.zeros((nv, nv))
    for u in units:
        m = len(u)
        for i in range(m):
            for j in range(m):
                if i != j:
                    o[index[u[i]], index[u[j]]] += 1.0 / (m - 1)
    n_c = o.sum(axis=1)
    n = n_c.sum()
    d2 = np.array([[_delta2(level, values, n_c, c, k) for k in range(nv)] for c in range(nv)])
    d_obs = (o * d2).sum() / n
    d_exp = (np.outer(n_c, n_c) * d2).sum() / (n * (n - 1))
    alpha = 1.0 - d_obs / d_exp if d_exp > 0 else np.nan
    return dict(alpha=alpha, d_obs=d_obs, d_exp=d_exp, pairable=int(round(n)),
                units=len(units), nvalues=nv)


# ---- error consistency ------------------------------------------------------


def kappa_at(n, r1, r2, c_obs, boundary="undefined"):
    """Error consistency kappa of two observers with r1 and r2 of n items
    right at observed agreement c_obs. c_exp = 1 (both always right or both
    always wrong) is undefined (NaN) or, with boundary "one", 1; exactly one
    observer always right gives 0; c_obs = 1 otherwise gives 1."""
    if boundary not in ("undefined", "one"):
        raise ValueError("boundary: %r" % (boundary,))
    p1, p2 = r1 / n, r2 / n
    c_exp = p1 * p2 + (1 - p1) * (1 - p2)
    if (r1 == n and r2 == n) or (r1 == 0 and r2 == 0):
        return 1.0 if boundary == "one" else float("nan")
    if (r1 == n) != (r2 == n):
        return 0.0
    if c_obs == 1:
        return 1.0
    return (c_obs - c_exp) / (1 - c_exp)


def ec_counts(n, r1, r2, both, boundary="undefined"):
    """From the 2x2 table: n items, r1 / r2 right, both right.
    Returns (n, p1, p2, c_obs, c_exp, kappa)."""
    p1, p2 = r1 / n, r2 / n
    c_obs = (n - r1 - r2 + 2 * both) / n
    c_exp = p1 * p2 + (1 - p1) * (1 - p2)
    return n, p1, p2, c_obs, c_exp, kappa_at(n, r1, r2, c_obs, boundary)


def error_consistency(a, b, boundary="undefined"):
    """a, b: 0/1 correctness of two observers on the same items, in order."""
    a, b = np.asarray(a).astype(int), np.asarray(b).astype(int)
    if a.shape != b.shape or a.size == 0:
        raise ValueError("two non-empty vectors of one length")
    return ec_counts(int(a.size), int(a.sum()), int(b.sum()), int((a & b).sum()), boundary)


# ---- dddlab's random stream (docs/statistics.md) ------------------------------

M64 = (1 << 64) - 1
GOLDEN = 0x9E3779B97F4A7C15


def mix64(x):
    """splitmix64 as common/'s dl_mix64: add the golden gamma, then mix."""
    x = (x + GOLDEN) & M64
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & M64
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & M64
    return x ^ (x >> 31)


def boot_indices(seed, rep, nunits):
    """Units of bootstrap replicate `rep` over units (Krippendorff's alpha):
    word i of the replicate's stream, scaled to [0, nunits)."""
    base = mix64(seed ^ mix64(rep))
    out = []
    for i in range(nunits):
        x = mix64((base + i * GOLDEN) & M64)
        out.append(((x >> 32) * nunits) >> 32)
    return out


# ---- printing ---------------------------------------------------------------------


def fmt(x):
    """An int as itself; a float as its repr (exact for strtod); NaN as nan."""
    if isinstance(x, (int, np.integer)):
        return str(int(x))
    x = float(x)
    if np.isnan(x):
        return "nan"
    return repr(x)


def write_csv(folder, name, header, rows):
    """header: column names; rows: lists of strings. Says how many cases."""
    with open(os.path.join(folder, name), "w") as f:
        f.write(",".join(header) + "\n")
        for r in rows:
            f.write(",".join(r) + "\n")
    print("%-16s %4d cases" % (name, len(rows)))


def _self_check():
    """Krippendorff (2011), section C: 4 coders x 12 units, missing = NaN."""
    nan = np.nan
    data = [[1, 2, 3, 3, 2, 1, 4, 1, 2, nan, nan, nan],
            [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, nan, 3],
            [nan, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, nan],
            [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, nan]]
    want = dict(nominal=0.743, ordinal=0.815, interval=0.849, ratio=0.797)
    for level, w in want.items():
        got = kripp_alpha(kripp_units(data), level)["alpha"]
        assert round(got, 3) == w, (level, got, w)
        print("%-8s %.3f (published %.3f)" % (level, got, w))


if __name__ == "__main__":
    _self_check()
