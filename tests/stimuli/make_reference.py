#!/usr/bin/python3
"""Reference numbers for tests/stimuli (run once with Debian's /usr/bin/python3;
the outputs are committed, tests never run Python).

Writes data/wide_small.csv (8 models x 60 images, wide), data/epochs_small.csv
(long with an epoch column: 3 models x 3 epochs x 40 images) and
data/reference.txt with numbers computed independently of dddlab:
scipy.stats.binom for the Binomial expectation, an explicit numpy
convolution for the Poisson-binomial, sklearn's cohen_kappa_score for error
consistency (equal to Cohen's kappa on correctness), numpy for the rest."""
import os
import numpy as np
from scipy import stats
from sklearn.metrics import cohen_kappa_score

here = os.path.dirname(os.path.abspath(__file__))
rng = np.random.RandomState(20220125)


def kappa(a, b):
    # Conventions of DESIGN.md where sklearn gives NaN or 0/0.
    if np.all(a == b):
        return 1.0
    if a.all() or b.all():
        return 0.0
    return cohen_kappa_score(a, b)


def ec_matrix(c):
    m = c.shape[0]
    k = np.full((m, m), np.nan)
    for i in range(m):
        for j in range(m):
            k[i, j] = kappa(c[i], c[j])
    return k


def summary(k):
    iu = np.triu_indices(k.shape[0], 1)
    v = k[iu]
    v = v[np.isfinite(v)]
    return [v.mean(), v.min(), v.max()]


def poisson_binomial(acc):
    pmf = np.array([1.0])
    for p in acc:
        pmf = np.convolve(pmf, [1 - p, p])
    return pmf


out = []
def put(name, values):
    out.append(name + " " + " ".join(repr(float(v)) for v in np.atleast_1d(values)))


# ---- wide_small.csv -------------------------------------------------------
M, N = 8, 60
skill = rng.uniform(0.2, 1.8, M)
difficulty = rng.logistic(0, 2.0, N)
p = 1 / (1 + np.exp(difficulty[None, :] - skill[:, None]))
c = (rng.uniform(size=(M, N)) < p).astype(int)
with open(os.path.join(here, "data", "wide_small.csv"), "w") as f:
    f.write("image," + ",".join("m%d" % (j + 1) for j in range(M)) + "\n")
    for i in range(N):
        f.write("img%02d.png," % (i + 1) + ",".join(str(v) for v in c[:, i]) + "\n")

acc = c.mean(axis=1)
n_correct = c.sum(axis=0)
mean_acc = c.mean()
put("wide.accuracy", acc)
put("wide.mean_accuracy", mean_acc)
put("wide.histogram", np.bincount(n_correct, minlength=M + 1))
put("wide.binomial_expected", stats.binom.pmf(np.arange(M + 1), M, mean_acc) * N)
put("wide.poisson_binomial_expected", poisson_binomial(acc) * N)
for near in (0, 1):
    trivial = n_correct >= M - near
    impossible = n_correct <= near
    between = ~trivial & ~impossible
    put("wide.split%d" % near, [trivial.sum(), between.sum(), impossible.sum()])
    k_all = ec_matrix(c)
    k_btw = ec_matrix(c[:, between])
    put("wide.ec_all%d" % near, k_all.ravel())
    put("wide.ec_between%d" % near, k_btw.ravel())
    put("wide.ec_all_summary%d" % near, summary(k_all))
    put("wide.ec_between_summary%d" % near, summary(k_btw))

# ---- epochs_small.csv -------------------------------------------------------
K, E, N2 = 3, 3, 40
rows = []
for e in range(E):
    pe = 0.35 + 0.2 * e
    ce = (rng.uniform(size=(K, N2)) < pe).astype(int)
    acc_e = ce.mean(axis=1)
    all_right = ce.all(axis=0).sum()
    any_right = ce.any(axis=0).sum()
    prod = np.prod(acc_e)
    put("epoch%d.accuracy" % (e + 1), acc_e)
    put("epoch%d.tpa" % (e + 1), [all_right / any_right, 1 - min((1 - acc_e).sum(), 1),
                                 prod / (1 - np.prod(1 - acc_e)), prod, all_right, any_right])
    for k in range(K):
        for i in range(N2):
            rows.append("net%d,im%02d,%d,%s" % (k + 1, i + 1, e + 1, "true" if ce[k, i] else "false"))
# epochs in a shuffled order: the reader must sort them
order = rng.permutation(len(rows))
with open(os.path.join(here, "data", "epochs_small.csv"), "w") as f:
    f.write("model,image,epoch,correct\n")
    for r in order:
        f.write(rows[r] + "\n")

with open(os.path.join(here, "data", "reference.txt"), "w") as f:
    f.write("# made by make_reference.py; name value...\n")
    f.write("\n".join(out) + "\n")
