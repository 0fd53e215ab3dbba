#!/usr/bin/python3
"""Reference numbers and fixtures for tests/report (run once with Debian's
/usr/bin/python3, which has numpy/scipy/pandas; the outputs are committed and
the tests never run Python).

Writes:
  data/ddd/        a `stimuli analyse --out` folder (11 models x 400 images,
                   per-model columns added to per_image.csv, 20 epochs)
  data/ddd_counts/ the same folder as written for aggregate (counts) results
  reference.txt    every number test_report.c pins, with how it was made

Krippendorff's alpha and error consistency come from tests/reference/dl_ref.py,
the one Python reference (Krippendorff 2011; it reproduces his 4 coders x 12
units example: 0.743 nominal, 0.815 ordinal, 0.849 interval, 0.797 ratio).
"""
import itertools
import os
import sys

import numpy as np
import pandas as pd
from scipy.stats import binomtest, pearsonr

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "reference"))
import dl_ref  # noqa: E402  (the one Python reference: alpha, error consistency)

SHARED = os.environ.get("DL_SHARED_DATA", os.path.join(HERE, "..", "..", "..", "shared", "data"))
out = open(os.path.join(HERE, "reference.txt"), "w")


def emit(key, value):
    out.write("%s = %.10g\n" % (key, value))


def kalpha(data, level):
    """Krippendorff's alpha of a coders x units array (NaN = missing)."""
    return dl_ref.kripp_alpha(dl_ref.kripp_units(data), level)["alpha"]


def ec(x, y):
    """Error consistency with the older convention (c_obs = 1 gives 1)."""
    return dl_ref.error_consistency(x, y, boundary="one")[5]


# ---- 2AFC sessions in the store (test_store_2afc) ---------------------------
# Main-item correctness per observer (practice items are all wrong and must
# not count); S4's session is still running.
afc = {
    "S1": [1, 1, 1, 1, 1, 1, 1, 1, 0, 0],
    "S2": [1, 1, 1, 1, 1, 1, 0, 1, 0, 1],
    "S3": [1, 0, 1, 0, 1, 0, 1, 0, 1, 1],
    "S10": [1] * 10,
}
rt = lambda o, i: 400.0 + 25.0 * i + 100.0 * list(afc).index(o)
for o, v in afc.items():
    k, n = sum(v), len(v)
    emit("afc.%s.p_greater" % o, binomtest(k, n, 0.5, "greater").pvalue)
    emit("afc.%s.p_two_sided" % o, binomtest(k, n, 0.5).pvalue)
    ci = binomtest(k, n).proportion_ci(method="exact")
    emit("afc.%s.ci_low" % o, ci.low)
    emit("afc.%s.ci_high" % o, ci.high)
    r = [rt(o, i) for i in range(n)]
    emit("afc.%s.rt_median_ms" % o, np.median(r))
acc = np.array([np.mean(v) for v in afc.values()])
emit("afc.accuracy.mean", acc.mean())
emit("afc.accuracy.sd", acc.std(ddof=1))
kap = {}
for a, b in itertools.combinations(afc, 2):
    kap[(a, b)] = ec(afc[a], afc[b])
    emit("afc.ec.%s.%s" % (a, b), kap[(a, b)])
kv = np.array(list(kap.values()))
emit("afc.ec.mean", kv.mean())
emit("afc.ec.sd", kv.std(ddof=1))
emit("afc.ec.min", kv.min())
emit("afc.ec.max", kv.max())

# ---- ratings in the store (test_store_ratings) --------------------------------
# Six images: classes and model accuracy as built by the test; item 3 is a
# label error. NaN = not answered.
cls = ["trivial", "in-between", "impossible", "trivial", "in-between", "impossible"]
macc = [1.0, 0.5, 0.0, 0.9, 0.4, 0.1]
nan = np.nan
rq = {
    "A": [[1, 2, 3, 1, 2, 4], [2, 1, 0, 2, 2, 0], [0, 1, 2, 0, 1, 2]],
    "B": [[1, 2, 2, 1, 3, 3], [2, 2, 0, 2, 1, 1], [0, 0, 2, 1, 1, nan]],
    "C": [[2, 2, 3, 1, 2, 5], [2, 1, 1, 2, 1, 0], [0, 1, 1, 0, 2, 2]],
}
levels = ["interval", "ordinal", "ordinal"]
obs = list(rq)
for q in range(3):
    m = np.array([rq[o][q] for o in obs], float)
    emit("rating.q%d.alpha" % (q + 1), kalpha(m, levels[q]))
    pa, pr = [], []
    for i, j in itertools.combinations(range(3), 2):
        pa.append(kalpha(m[[i, j]], levels[q]))
        ok = ~np.isnan(m[i]) & ~np.isnan(m[j])
        pr.append(pearsonr(m[i][ok], m[j][ok])[0])
    emit("rating.q%d.pairwise_alpha.mean" % (q + 1), np.mean(pa))
    emit("rating.q%d.pairwise_alpha.min" % (q + 1), np.min(pa))
    emit("rating.q%d.pairwise_alpha.max" % (q + 1), np.max(pa))
    emit("rating.q%d.pairwise_r.mean" % (q + 1), np.mean(pr))
    mean_item = np.nanmean(m, 0)
    emit("rating.q%d.r_with_model_accuracy" % (q + 1), pearsonr(mean_item, macc)[0])
    for v in sorted(set(m[~np.isnan(m)])):
        hit = m == v
        accs = np.array([macc[k] for o in range(3) for k in range(6) if hit[o, k]])
        emit("rating.q%d.answer%d.n" % (q + 1, v), hit.sum())
        emit("rating.q%d.answer%d.mean_model_accuracy" % (q + 1, v), accs.mean())
        tr = sum(1 for o in range(3) for k in range(6) if hit[o, k] and cls[k] == "trivial")
        emit("rating.q%d.answer%d.frac_trivial" % (q + 1, v), tr / hit.sum())
# Without the label error (item 3):
keep = [0, 1, 2, 4, 5]
m = np.array([[rq[o][1][k] for k in keep] for o in obs], float)
emit("rating.nolabel.q2.alpha", kalpha(m, "ordinal"))

# ---- real data --------------------------------------------------------------------
ratings = os.path.join(SHARED, "trivial-or-impossible", "experiment2_ratings.csv")
if os.path.exists(ratings):
    df = pd.read_csv(ratings)
    d = df[df.excluded_item == 0]
    qs = ["q1_num_categories", "q2_main_category", "q3_unusual_presentation"]
    for q, col in enumerate(qs):
        w = d.pivot(index="subject", columns="item", values=col)
        emit("exp2.q%d.alpha" % (q + 1), kalpha(w.values, levels[q]))
        pa = [kalpha(w.values[[i, j]], levels[q]) for i, j in itertools.combinations(range(8), 2)]
        emit("exp2.q%d.pairwise_alpha.mean" % (q + 1), np.mean(pa))
        emit("exp2.q%d.pairwise_alpha.min" % (q + 1), np.min(pa))
        emit("exp2.q%d.pairwise_alpha.max" % (q + 1), np.max(pa))
        r = [np.corrcoef(w.values[i], w.values[j])[0, 1] for i, j in itertools.combinations(range(8), 2)]
        emit("exp2.q%d.pairwise_r.mean" % (q + 1), np.mean(r))
        emit("exp2.q%d.pairwise_r.min" % (q + 1), np.min(r))
        emit("exp2.q%d.pairwise_r.max" % (q + 1), np.max(r))
        acc = d.groupby("item").model_frac_correct_11.first()
        emit("exp2.q%d.r_with_model_accuracy" % (q + 1),
             np.corrcoef(w.mean(0).values, acc[w.columns].values)[0, 1])
    emit("exp2.items", d.item.nunique())
    nl = d[d.label_error_mturk == 0]
    emit("exp2.nolabel.items", nl.item.nunique())
    w = nl.pivot(index="subject", columns="item", values=qs[1])
    emit("exp2.nolabel.q2.alpha", kalpha(w.values, "ordinal"))

mvh = os.path.join(SHARED, "model-vs-human")
for ds in ["edge", "silhouette", "sketch"]:
    folder = os.path.join(mvh, ds)
    if not os.path.isdir(folder):
        continue
    fs = sorted(os.path.join(folder, f) for f in os.listdir(folder) if f.endswith(".csv"))
    df = pd.concat([pd.read_csv(f, keep_default_na=False) for f in fs])
    df["correct"] = (df.object_response == df.category).astype(int)
    df["img"] = df.imagename.str.split("_").str[-1]
    w = df.pivot(index="subj", columns="img", values="correct")
    acc = w.mean(1)
    emit("mvh.%s.observers" % ds, len(w))
    emit("mvh.%s.items" % ds, w.shape[1])
    emit("mvh.%s.accuracy.mean" % ds, acc.mean())
    emit("mvh.%s.accuracy.sd" % ds, acc.std(ddof=1))
    emit("mvh.%s.accuracy.min" % ds, acc.min())
    emit("mvh.%s.accuracy.max" % ds, acc.max())
    ks = np.array([ec(w.loc[a].values, w.loc[b].values) for a, b in itertools.combinations(w.index, 2)])
    emit("mvh.%s.ec.mean" % ds, ks.mean())
    emit("mvh.%s.ec.sd" % ds, ks.std(ddof=1))
    emit("mvh.%s.ec.min" % ds, ks.min())
    emit("mvh.%s.ec.max" % ds, ks.max())
    s = df[df.subj == w.index[0]]
    rts = pd.to_numeric(s.rt, errors="coerce") * 1000
    emit("mvh.%s.first.rt_median_ms" % ds, np.nanmedian(rts))
    emit("mvh.%s.first.p_greater" % ds, binomtest(int(s.correct.sum()), len(s), 1 / 16, "greater").pvalue)


# ---- DDD fixture: a `stimuli analyse --out` folder ------------------------------------
def write_ddd(folder, counts_only):
    os.makedirs(folder, exist_ok=True)
    rng = np.random.default_rng(20220425)
    models = ["CLIP", "CORnet-RT", "BagNet-33", "HRNet-W44", "ResNet-152", "ResNet-50-adv",
              "SWSL-ResNet-50", "ResNet-50-SIN", "SimCLR", "SqueezeNet-1.1", "ViT-B/16"]
    n, m = 400, len(models)
    # latent difficulty: most images very easy or very hard (dichotomous)
    ease = np.concatenate([rng.normal(3, 1, 190), rng.normal(-3, 1, 60), rng.normal(0, 1, 150)])
    skill = np.linspace(-0.8, 0.8, m)
    p = 1 / (1 + np.exp(-(ease[:, None] + skill[None, :])))
    dec = (rng.random((n, m)) < p).astype(int)
    k = dec.sum(1)
    acc = dec.mean(0)
    hist = np.bincount(k, minlength=m + 1)
    from scipy.stats import binom
    bexp = binom.pmf(np.arange(m + 1), m, acc.mean()) * n
    pb = np.zeros(m + 1)
    pb[0] = 1
    for a in acc:
        pb[1:] = pb[1:] * (1 - a) + pb[:-1] * a
        pb[0] *= 1 - a
    pb *= n
    diff = np.where(k == m, "trivial", np.where(k == 0, "impossible", "in-between"))
    with open(os.path.join(folder, "histogram.csv"), "w") as f:
        f.write("n_correct,images,fraction,binomial_expected,poisson_binomial_expected\n")
        for i in range(m + 1):
            f.write("%d,%d,%.10g,%.10g,%s\n" % (i, hist[i], hist[i] / n, bexp[i],
                                                "" if counts_only else "%.10g" % pb[i]))
    for name, mask in [("ec_all.csv", np.ones(n, bool)), ("ec_in_between.csv", diff == "in-between")]:
        with open(os.path.join(folder, name), "w") as f:
            if counts_only:
                f.write("model\n")
                continue
            f.write("model," + ",".join(models) + "\n")
            for i in range(m):
                row = [ec(dec[mask, i], dec[mask, j]) for j in range(m)]
                f.write(models[i] + "," + ",".join("%.10g" % v for v in row) + "\n")
    with open(os.path.join(folder, "per_image.csv"), "w") as f:
        head = "image,n_correct,n_models,fraction_correct,difficulty,class,superclass,label_error,path"
        f.write(head + ("" if counts_only else "," + ",".join(models)) + "\n")
        for i in range(n):
            f.write("img%04d.png,%d,%d,%.10g,%s,,,0,img%04d.png" % (i, k[i], m, k[i] / m, diff[i], i))
            f.write("" if counts_only else "," + ",".join(str(v) for v in dec[i]))
            f.write("\n")
    with open(os.path.join(folder, "agreement.csv"), "w") as f:
        f.write("epoch,models,mean_accuracy,tpa,lower_bound,expected_tpa,expected_all,all_right,any_right\n")
        if counts_only:
            f.write(",%d,%.10g,,,,,,\n" % (m, acc.mean()))
        else:
            for e in range(1, 21):
                a = 1 - 0.9 * np.exp(-e / 5) * np.ones(m) + 0.01 * skill
                a = np.clip(a, 0.05, 0.99)
                tpa_exp = np.prod(a) / (1 - np.prod(1 - a))
                lb = 1 - min((1 - a).sum(), 1)
                tpa = min(1, tpa_exp + 0.35 * (1 - tpa_exp))
                f.write("%d,%d,%.10g,%.10g,%.10g,%.10g,%.10g,%d,%d\n" % (
                    e, m, a.mean(), tpa, lb, tpa_exp, np.prod(a), int(tpa * 300), 300))
    return hist, acc


hist, acc = write_ddd(os.path.join(HERE, "data", "ddd"), False)
emit("ddd.images", 400)
emit("ddd.hist0", hist[0])
emit("ddd.hist11", hist[11])
write_ddd(os.path.join(HERE, "data", "ddd_counts"), True)
out.close()
print(open(os.path.join(HERE, "reference.txt")).read())
