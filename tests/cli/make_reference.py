#!/usr/bin/python3
"""Reference numbers for the CLI tests (tests/cli/test_cli.c).

Run once with Debian's python3 (numpy, pandas, scipy, statsmodels, sklearn):
    /usr/bin/python3 tests/cli/make_reference.py [SHARED_DATA] > tests/cli/reference.h
It computes every statistic independently of dddlab (Krippendorff's alpha
through the coincidence matrix and error consistency from the one Python
reference, tests/reference/dl_ref.py; sklearn's Cohen's kappa; statsmodels'
Fleiss' kappa; scipy's binomtest; pandas to read and pair the data) and writes
a C header of test cases: the command line and the expected JSON values.
SHARED_DATA defaults to ../shared/data beside the repository; the real-data
cases are marked so the test skips them when the data are absent.
"""
import itertools
import math
import os
import sys

import numpy as np
import pandas as pd
from scipy.stats import binomtest
from sklearn.metrics import cohen_kappa_score
from statsmodels.stats.inter_rater import aggregate_raters, fleiss_kappa

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "reference"))
import dl_ref  # noqa: E402  (the one Python reference: alpha, error consistency)

SHARED = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "..", "..", "..", "shared", "data")
MISSING = {"", "NA", "NaN", "na", "nan", "null", "NULL", "N/A"}

cases = []   # (name, real, args)
values = []  # (name, json path, value or None for null)


def case(name, args, checks, real=False):
    cases.append((name, real, args))
    for path, v in checks.items():
        values.append((name, path, v))


# ---- Krippendorff's alpha (Krippendorff 2011, coincidence matrix) ----------

def kripp_alpha(units, level):
    """units: list of lists of the values of each unit (missing left out);
    None where alpha is undefined (the JSON null)."""
    alpha = dl_ref.kripp_alpha(units, level)["alpha"]
    return None if math.isnan(alpha) else alpha


def number_or_text(v):
    try:
        return ("n", float(v))
    except ValueError:
        return ("s", v)


def read_long(path, coder, unit, value, numeric):
    df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    df = df[~df[value].isin(MISSING)]
    if numeric:
        df = df.assign(**{value: df[value].astype(float)})
    return df


def units_of(df, unit, value):
    return [list(g[value]) for _, g in df.groupby(unit, sort=False)]


def coders_in_order(path, coder):
    df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    return list(pd.unique(df[coder]))


def pairwise(df, coders, coder, unit, value, level):
    out = {}
    alphas = []
    for k, (a, b) in enumerate(itertools.combinations(coders, 2)):
        sub = df[df[coder].isin([a, b])]
        us = units_of(sub, unit, value)
        al = kripp_alpha(us, level)
        out[f"pairwise.pairs.{k}.alpha"] = al
        out[f"pairwise.pairs.{k}.units"] = sum(1 for u in us if len(u) == 2)
        if al is not None:
            alphas.append(al)
    out["pairwise.mean"] = float(np.mean(alphas)) if alphas else None
    out["pairwise.min"] = min(alphas) if alphas else None
    out["pairwise.max"] = max(alphas) if alphas else None
    return out


def reliability_case(name, path, level, coder="coder", unit="unit", value="value", extra="",
                     pairs=False, real=False, filepath=None, cohen=None, fleiss=None):
    filepath = filepath or os.path.join(HERE, path)
    df = read_long(filepath, coder, unit, value, level != "nominal")
    us = units_of(df, unit, value)
    checks = {"alpha": kripp_alpha(us, level),
              "pairable_values": sum(len(u) for u in us if len(u) >= 2),
              "units_pairable": sum(1 for u in us if len(u) >= 2)}
    if cohen is not None:
        checks["cohen_kappa"] = cohen
    if fleiss is not None:
        checks["fleiss_kappa"] = fleiss
    coders = coders_in_order(filepath, coder)
    if pairs:
        checks.update(pairwise(df, coders, coder, unit, value, level))
    args = f"reliability {path} --level {level}"
    for opt, col, default in (("coder-col", coder, "coder"), ("unit-col", unit, "unit"),
                              ("value-col", value, "value")):
        if col != default:
            args += f" --{opt} {col}"
    args += (" --pairwise" if pairs else "") + extra + " --json"
    case(name, args, checks, real)
    return df


def cohen_two(path, weights):
    df = pd.read_csv(os.path.join(HERE, path), dtype=str, keep_default_na=False)
    w = df.pivot(index="unit", columns="coder", values="value")
    w = w[(~w["x"].isin(MISSING)) & (~w["y"].isin(MISSING))]
    return cohen_kappa_score(w["x"].astype(float), w["y"].astype(float), weights=weights)


def fleiss_of(path):
    df = pd.read_csv(os.path.join(HERE, path), dtype=str, keep_default_na=False)
    w = df.pivot(index="unit", columns="coder", values="value")
    table, _ = aggregate_raters(w.to_numpy())
    return fleiss_kappa(table, method="fleiss")


# ---- error consistency -------------------------------------------------------

def ec_pair(a, b):
    # the older convention: c_obs = 1 gives kappa = 1 (no case here has c_exp = 1)
    return dl_ref.error_consistency(a, b, boundary="one")


def ec_checks(df, prefix=""):
    """df: observer, item, correct (0/1), in input order."""
    obs = list(pd.unique(df["observer"]))
    # observers in the order dddlab keeps: first seen in the whole input
    checks = {f"{prefix}items": df["item"].nunique()}
    kappas = []
    for k, (a, b) in enumerate(itertools.combinations(obs, 2)):
        da = df[df.observer == a].set_index("item")["correct"]
        db = df[df.observer == b].set_index("item")["correct"]
        common = da.index.intersection(db.index)
        p = f"{prefix}pairs.{k}."
        checks[p + "items"] = len(common)
        if len(common) == 0:
            for key in ("p1", "p2", "c_obs", "c_exp", "kappa"):
                checks[p + key] = None
            continue
        n, p1, p2, c_obs, c_exp, kappa = ec_pair(da[common].to_numpy(), db[common].to_numpy())
        checks.update({p + "p1": p1, p + "p2": p2, p + "c_obs": c_obs, p + "c_exp": c_exp,
                       p + "kappa": kappa})
        kappas.append(kappa)
    checks[prefix + "mean_kappa"] = float(np.mean(kappas)) if kappas else None
    checks[prefix + "min_kappa"] = min(kappas) if kappas else None
    checks[prefix + "max_kappa"] = max(kappas) if kappas else None
    checks[prefix + "sd_kappa"] = float(np.std(kappas, ddof=1)) if len(kappas) > 1 else None
    return checks


def mvh_frame(paths, by=None):
    frames = [pd.read_csv(p, dtype=str, keep_default_na=False) for p in paths]
    df = pd.concat(frames, ignore_index=True)
    resp, truth = df["object_response"], df["category"]
    out = pd.DataFrame({"observer": df["subj"],
                        "item": df["imagename"].str.extract(r"_([^_]+)$", expand=False),
                        "correct": ((~resp.isin(MISSING)) & (resp == truth)).astype(int)})
    if by:
        out["group"] = df[by]
    return out


# ---- the cases ------------------------------------------------------------------

def small_cases():
    for level in ("nominal", "ordinal", "interval", "ratio"):
        reliability_case(f"kripp_{level}", "data/kripp.csv", level, pairs=(level == "ordinal"))
    reliability_case("kripp_bom", "data/bom.csv", "interval")
    reliability_case("kripp_crlf", "data/crlf.csv", "interval")
    reliability_case("labels", "data/labels.csv", "nominal", coder="rater", unit="image",
                     value="label", pairs=True)
    reliability_case("two_nominal", "data/two.csv", "nominal", cohen=cohen_two("data/two.csv", None))
    reliability_case("two_ordinal", "data/two.csv", "ordinal",
                     cohen=cohen_two("data/two.csv", "linear"))
    reliability_case("two_interval", "data/two.csv", "interval",
                     cohen=cohen_two("data/two.csv", "quadratic"))
    reliability_case("two_ratio", "data/two.csv", "ratio",
                     cohen=cohen_two("data/two.csv", "quadratic"))
    # nominal labels mixing numbers (1, 1.0, 1e0 are one category) and words
    df = pd.read_csv(os.path.join(HERE, "data/mixed.csv"), dtype=str, keep_default_na=False)
    df = df[~df["value"].isin(MISSING)]
    df["value"] = [number_or_text(v) for v in df["value"]]
    case("mixed", "reliability data/mixed.csv --json",
         {"alpha": kripp_alpha(units_of(df, "unit", "value"), "nominal"),
          "fleiss_kappa": None})
    reliability_case("fleiss", "data/fleiss.csv", "nominal", fleiss=fleiss_of("data/fleiss.csv"))

    ec = mvh_frame([os.path.join(HERE, "data/ec.csv")], by="cond")
    mvh = ("--observer-col subj --item-col imagename --response-col object_response "
           "--truth-col category --item-regex _([^_]+)$")
    checks = {}
    for g in pd.unique(ec["group"]):
        checks.update(ec_checks(ec[ec.group == g], prefix=f"groups.{g}."))
    case("ec_by", f"consistency data/ec.csv {mvh} --by cond --json", checks)

    df = pd.read_csv(os.path.join(HERE, "data/ec_correct.csv"), dtype=str, keep_default_na=False)
    df["correct"] = df["correct"].str.lower().map({"1": 1, "true": 1}).fillna(0).astype(int)
    case("ec_correct", "consistency data/ec_correct.csv --correct-col correct --json",
         ec_checks(df))

    for k, n, p0, alt, conf in ((107, 149, 0.5, "two-sided", 0.95), (107, 149, 0.5, "greater", 0.95),
                                (3, 20, 0.25, "less", 0.9), (0, 10, 0.5, "two-sided", 0.95),
                                (10, 10, 0.3, "two-sided", 0.99), (13, 40, 1 / 16, "two-sided", 0.95)):
        t = binomtest(k, n, p0, alternative=alt)
        ci = t.proportion_ci(confidence_level=conf, method="exact")
        name = f"binom_{k}_{n}_{alt}"
        case(name, f"binomial {k} {n} --p0 {p0!r} --alternative {alt} --conf {conf} --json",
             {"k": k, "n": n, "p0": p0, "p_value": t.pvalue, "estimate": k / n,
              "ci_low": ci.low, "ci_high": ci.high, "conf_level": conf})


def real_cases():
    ratings = os.path.join(SHARED, "trivial-or-impossible", "experiment2_ratings.csv")
    if os.path.exists(ratings):
        for q in ("q1_num_categories", "q2_main_category", "q3_unusual_presentation"):
            for level in ("ordinal", "interval"):
                reliability_case(f"ratings_{q}_{level}",
                                 "@D/trivial-or-impossible/experiment2_ratings.csv", level,
                                 coder="subject", unit="item", value=q, real=True,
                                 filepath=ratings, pairs=(level == "ordinal"))
        df = pd.read_csv(ratings)
        w = df.pivot(index="item", columns="subject", values="q2_main_category")
        reliability_case("ratings_q2_main_category_nominal",
                         "@D/trivial-or-impossible/experiment2_ratings.csv", "nominal",
                         coder="subject", unit="item", value="q2_main_category", real=True,
                         filepath=ratings, fleiss=fleiss_kappa(aggregate_raters(w.to_numpy())[0]))
    for name, nobs in (("edge", 10), ("silhouette", 10), ("sketch", 7)):
        folder = os.path.join(SHARED, "model-vs-human", name)
        if not os.path.isdir(folder):
            continue
        files = [f"{name}_subject-{i:02d}_session_1.csv" for i in range(1, nobs + 1)]
        df = mvh_frame([os.path.join(folder, f) for f in files])
        args = " ".join(f"@D/model-vs-human/{name}/{f}" for f in files)
        case(name, f"consistency {args} --observer-col subj --item-col imagename "
             "--response-col object_response --truth-col category --item-regex _([^_]+)$ --json",
             ec_checks(df), real=True)


def c_double(v):
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "NAN"
    return repr(float(v))


def main():
    small_cases()
    real_cases()
    print("/* reference.h — generated by make_reference.py; do not edit.")
    print(" * Expected JSON values of dddlab commands, computed independently with")
    print(" * numpy/pandas/scipy/statsmodels/sklearn. NAN means the value must be null.")
    print(" * In args, @D/ stands for $DL_SHARED_DATA/. */")
    print("typedef struct ref_case {\n    const char *name;\n    int real_data;\n"
          "    const char *args;\n} ref_case;\n")
    print("typedef struct ref_value {\n    const char *name;\n    const char *path;\n"
          "    double value;\n} ref_value;\n")
    print("static const ref_case REF_CASES[] = {")
    for name, real, args in cases:
        print(f'    {{"{name}", {int(real)},\n     "{args}"}},')
    print("};\n")
    print("static const ref_value REF_VALUES[] = {")
    for name, path, v in values:
        print(f'    {{"{name}", "{path}", {c_double(v)}}},')
    print("};")


main()
