#!/usr/bin/python3
"""Fixtures of every results format a lab has, written the way the tools
that make them write them (pandas.to_csv, numpy.save/savez, timm's
inference.py, model-vs-human's raw-data files), plus reference.txt with the
accuracies and splits computed here with numpy, independently of dddlab.

Run once with Debian's /usr/bin/python3 from any folder; the outputs are
committed and the tests never run Python.

reference.txt lines: "NAME.accuracy a1 a2 ..." (models in the order dddlab
reports them: first appearance, files sorted) and "NAME.split T B I"
(trivial, in-between, impossible images at --near 0)."""
import hashlib
import os
import shutil
import zipfile

import numpy as np
import pandas as pd

here = os.path.dirname(os.path.abspath(__file__))
rng = np.random.RandomState(14)
ref = []


def out(name):
    return os.path.join(here, name)


def record(name, correct):
    """correct: models x images 0/1 array."""
    correct = np.asarray(correct, dtype=int)
    m = correct.shape[0]
    n_correct = correct.sum(axis=0)
    acc = correct.mean(axis=1)
    ref.append(f"{name}.accuracy " + " ".join(repr(float(a)) for a in acc))
    ref.append(f"{name}.split {int((n_correct == m).sum())} "
               f"{int(((n_correct > 0) & (n_correct < m)).sum())} {int((n_correct == 0).sum())}")


def simulate(models, images, classes, skill):
    """Labels and predictions: model k is right with probability skill[k]
    (harder images harder for all), else predicts another class."""
    labels = rng.randint(0, classes, size=images)
    hard = rng.uniform(-2, 2, size=images)
    right = np.zeros((models, images), dtype=bool)
    preds = np.zeros((models, images), dtype=int)
    for k in range(models):
        p = 1 / (1 + np.exp(-(skill[k] - 3 * hard)))
        right[k] = rng.uniform(size=images) < p
        wrong = (labels + rng.randint(1, classes, size=images)) % classes
        preds[k] = np.where(right[k], labels, wrong)
    return labels, preds, right


# ---- 1. pandas writes an integer column with a missing value as floats ----
labels, preds, right = simulate(3, 12, 100, [0.5, 1.5, -0.5])
rows = []
names = ["resnet", "vit", "alexnet"]
for k in range(3):
    for i in range(12):
        rows.append({"model": names[k], "image": f"img{i:02d}.png", "label": labels[i],
                     "prediction": preds[k, i]})
df = pd.DataFrame(rows)
# One more model that is always right; a missing prediction of another model
# makes pandas turn the whole column into float64 (65 -> 65.0).
for i in range(12):
    rows.append({"model": "oracle", "image": f"img{i:02d}.png", "label": labels[i],
                 "prediction": labels[i]})
df = pd.DataFrame(rows)
df["prediction"] = df["prediction"].astype(float)
missing = df.index[(df.model == "alexnet")][0]
df.loc[missing, "prediction"] = np.nan
df.to_csv(out("pandas_float.csv"), index=False)
corr = np.array([[df[(df.model == m) & (df.image == f"img{i:02d}.png")].pipe(
    lambda r: float(r.prediction.iloc[0]) == float(r.label.iloc[0])) for i in range(12)]
    for m in names + ["oracle"]])
record("pandas_float", corr)

# A model whose predictions are class names while the labels are indices.
rows = [{"model": "named", "image": f"img{i:02d}.png", "label": labels[i],
         "prediction": f"class_{preds[0, i]}"} for i in range(12)]
rows += [{"model": "indexed", "image": f"img{i:02d}.png", "label": labels[i],
          "prediction": preds[0, i]} for i in range(12)]
pd.DataFrame(rows).to_csv(out("mismatch.csv"), index=False)

# ---- 2. other column names, image names that need cutting down ------------
labels, preds, right = simulate(4, 20, 10, [1.0, 0.0, 2.0, -1.0])
rows = []
for e in (1, 2):
    for k in range(4):
        for i in range(20):
            # epoch 1: every answer wrong; epoch 2 (reported): the simulated ones
            guess = preds[k, i] if e == 2 else (labels[i] + 1) % 10
            rows.append({"net": f"net{k}", "file": f"val/class{labels[i]}/pic_{i:03d}.JPEG",
                         "truth": labels[i], "guess": guess, "ep": e, "rt": 0.5})
pd.DataFrame(rows).to_csv(out("columns.csv"), index=False)
record("columns", right)  # the last epoch (2) is reported

# ---- 3. one file per model, no model column -------------------------------
labels, preds, right = simulate(3, 15, 5, [0.0, 1.0, 2.0])
os.makedirs(out("per_model"), exist_ok=True)
for k, name in enumerate(["alexnet", "resnet50", "vit_b16"]):
    pd.DataFrame({"image": [f"im{i}" for i in range(15)], "label": labels,
                  "prediction": preds[k]}).to_csv(out(f"per_model/{name}.csv"), index=False)
record("per_model", right)  # files sorted: alexnet, resnet50, vit_b16
# the hash stimuli build records for a folder: sha256sum's lines, hashed
lines = ""
for name in sorted(os.listdir(out("per_model"))):
    with open(out(f"per_model/{name}"), "rb") as f:
        lines += hashlib.sha256(f.read()).hexdigest() + "  " + name + "\n"
ref.append("per_model.sha256 " + hashlib.sha256(lines.encode()).hexdigest())

# ---- 4. top-k lists --------------------------------------------------------
n, classes = 16, 50
labels = rng.randint(0, classes, size=n)
rows = []
top = {}
for k, name in enumerate(["m1", "m2"]):
    top[name] = []
    for i in range(n):
        others = [c for c in rng.permutation(classes) if c != labels[i]][:5]
        pos = 0 if rng.uniform() < 0.4 else rng.randint(1, 7)  # 0..4 inside the top 5
        lst = others[:]
        if pos < 5:
            lst[pos] = labels[i]
        top[name].append(lst)
        # m1 writes Python lists, m2 blank-separated (numpy's str of an array)
        text = str([int(x) for x in lst]) if name == "m1" else " ".join(str(x) for x in lst)
        rows.append({"model": name, "image": f"t{i}", "label": labels[i], "prediction": text})
pd.DataFrame(rows).to_csv(out("topk.csv"), index=False)
for kk in (1, 5):
    record(f"topk{kk}", [[labels[i] in top[m][i][:kk] for i in range(n)] for m in ("m1", "m2")])

# ---- 6a. model-vs-human raw data -------------------------------------------
cats = ["airplane", "bear", "bicycle", "bird", "boat", "bottle"]
imgs = [f"0_{c}_00_{c}{j}.png" for c in cats for j in (1, 2)]
os.makedirs(out("mvh"), exist_ok=True)
right = []
for s in range(1, 4):
    order = rng.permutation(len(imgs))
    rows = []
    r = []
    for t, idx in enumerate(order):
        cat = imgs[idx].split("_")[1]
        u = rng.uniform()
        resp = cat if u < 0.6 else "na" if u < 0.7 else cats[(cats.index(cat) + 1) % 6]
        rows.append({"subj": f"subject-{s:02d}", "session": 1, "trial": t + 1,
                     "rt": round(rng.uniform(0.3, 1.5), 6), "object_response": resp,
                     "category": cat, "condition": 0,
                     "imagename": f"{t + 1:04d}_edg_s{s:02d}_{imgs[idx]}"})
    df = pd.DataFrame(rows)
    df.to_csv(out(f"mvh/edge_subject-{s:02d}_session_1.csv"), index=False)
    by = {row.imagename.split("_", 3)[3]: row.object_response == row.category
          for row in df.itertuples()}
    right.append([by[im] for im in sorted(by)])
record("mvh", right)  # (the split does not depend on image order)

# ---- 6b. timm inference.py CSV + the ImageNet ground-truth file ------------
n, classes = 10, 1000
files = [f"ILSVRC2012_val_{i + 1:08d}.JPEG" for i in range(n)]
labels = rng.randint(0, classes, size=n)
pd.DataFrame({"0": files, "1": labels}).to_csv(out("timm_val_labels.csv"), index=False,
                                                 header=False)
os.makedirs(out("timm"), exist_ok=True)
right1, right5 = [], []
for name in ("convnext_tiny", "resnet18"):
    idx = np.zeros((n, 5), dtype=np.int64)
    for i in range(n):
        others = [c for c in rng.permutation(classes)[:8] if c != labels[i]][:5]
        pos = 0 if rng.uniform() < 0.4 else rng.randint(1, 7)
        if pos < 5:
            others[pos] = labels[i]
        idx[i] = others
    # what inference.py does: data_dict[index_col] = list(np_indices)
    df = pd.DataFrame({"filename": [f"imagenet/val/{f}" for f in files],
                       "index": list(idx), "label": [f"name{j}" for j in idx[:, 0]]})
    df.to_csv(out(f"timm/{name}.csv"), index=False)
    right1.append(idx[:, 0] == labels)
    right5.append((idx == labels[:, None]).any(axis=1))
record("timm1", right1)
record("timm5", right5)
# --results-separate-col: index_0 .. index_4
df = pd.DataFrame({"filename": files, **{f"index_{j}": idx[:, j] for j in range(5)}})
df.to_csv(out("timm_separate.csv"), index=False)
record("timm_separate5", [(idx == labels[:, None]).any(axis=1)])

# ---- 5. NumPy ----------------------------------------------------------------
m, n = 4, 9
corr = rng.uniform(size=(m, n)) < 0.6
corr[:, 0] = True
corr[:, 1] = False
np.save(out("correct_bool.npy"), corr)
np.save(out("correct_i8.npy"), corr.astype(np.int64))
record("npy_matrix", corr)
names = [f"pic{i}.png" for i in range(n)]
with open(out("npy_images.txt"), "w") as f:
    f.write("\n".join(names) + "\n")
classes = 7
labels = rng.randint(0, classes, size=n)
pd.DataFrame({"image": names, "label": labels}).to_csv(out("npy_labels.csv"), index=False)
np.save(out("npy_labels.npy"), labels.astype(np.int64))
logits = rng.normal(size=(n, classes)).astype(np.float32)
preds16 = rng.randint(0, classes, size=n).astype(np.int16)
probs = rng.dirichlet(np.ones(classes), size=n)  # float64
np.savez(out("models.npz"), resnet=logits, vit=preds16, clip=probs)
record("npz_models", [logits.argmax(1) == labels, preds16 == labels, probs.argmax(1) == labels])
top3 = np.argsort(-probs, axis=1)[:, :3]
record("npz_models_top3", [(np.argsort(-logits, axis=1)[:, :3] == labels[:, None]).any(1),
                           preds16 == labels, (top3 == labels[:, None]).any(1)])
np.savez_compressed(out("models_deflated.npz"), resnet=logits, vit=preds16, clip=probs)

# torchvision ImageFolder: class folders sorted, files sorted within; the
# label is the folder's index. Empty files stand in for the images.
folder = out("imagefolder")
shutil.rmtree(folder, ignore_errors=True)
tree = {"zebra": ["b.JPEG", "a.JPEG"], "ant": ["x.png", "c.png", "notes.txt"],
        "cat": ["1.jpg"]}
for cls, files in tree.items():
    os.makedirs(os.path.join(folder, cls))
    for name in files:
        open(os.path.join(folder, cls, name), "w").close()
order, targets = [], []
exts = (".jpg", ".jpeg", ".png", ".ppm", ".bmp", ".pgm", ".tif", ".tiff", ".webp")
for ci, cls in enumerate(sorted(os.listdir(folder))):
    for name in sorted(os.listdir(os.path.join(folder, cls))):
        if name.lower().endswith(exts):
            order.append(f"{cls}/{name}")
            targets.append(ci)
targets = np.array(targets)
folder_logits = rng.normal(size=(len(order), 3))
folder_logits[np.arange(len(order)), targets] += 1.0
np.save(out("imagefolder_logits.npy"), folder_logits)
record("imagefolder", [folder_logits.argmax(1) == targets])
ref.append("imagefolder.first " + str(order.index("ant/c.png")))

# Bad arrays for the error messages.
np.save(out("bad_big_endian.npy"), corr.astype(">i4"))
np.save(out("bad_fortran.npy"), np.asfortranarray(corr.astype(np.uint8)))
np.save(out("bad_object.npy"), np.array([["a", 1]], dtype=object), allow_pickle=True)
np.save(out("bad_values.npy"), np.array([[0, 1, 2]], dtype=np.int32))
with open(out("correct_bool.npy"), "rb") as f:
    whole = f.read()
with open(out("bad_truncated.npy"), "wb") as f:
    f.write(whole[:-3])
with open(out("bad_header.npy"), "wb") as f:
    f.write(whole.replace(b"'descr':", b"'descr' ", 1))

with open(out("reference.txt"), "w") as f:
    f.write("# made by make_fixtures.py; name value...\n" + "\n".join(ref) + "\n")
