#!/usr/bin/env python3
"""Writes results.csv and images.csv: a small, synthetic set of model results over training
epochs, for the per-epoch decisions figure (the paper's Figure 8) and the class
accuracy bars. No real epoch-wise model results are in ../shared/data, so this
is made up, and says so: it is a toy, not data about any real network.

The toy: 6 "models" x 240 images (12 classes of 20) x 10 epochs. Each image
has a difficulty (a third easy, learnt by every model within a few epochs; a
third in-between; the rest, a quarter of them label errors, hard or never
learnt); each class shifts its images' difficulty a little; each model learns
at its own speed. Model m learns image i at epoch
    learn = difficulty_i + class shift + model delay_m + noise,
is right from that epoch on, and at each epoch flips with a small probability
(forgetting, as Toneva et al. saw in real training). Everything comes from one
seeded generator, so the file is the same on every run:

    python3 make_results.py     (writes results.csv and images.csv here)

results.csv holds model,image,epoch,correct; images.csv the class and label
error of each image (read with --images-csv).
"""
import random

rng = random.Random(20221)
n_models, n_classes, per_class, n_epochs = 6, 12, 20, 10
models = ["net-a", "net-b", "net-c", "net-d", "net-e", "net-f"]
delay = [0.0, 0.5, 1.0, 1.5, 2.5, 3.5]          # per model, in epochs
class_shift = [rng.gauss(0.0, 1.2) for _ in range(n_classes)]
rows = ["model,image,epoch,correct"]
images = []
for c in range(n_classes):
    for j in range(per_class):
        kind = rng.choices([0, 1, 2], weights=[0.4, 0.35, 0.25])[0]           # easy, in-between, hard
        base = {0: rng.uniform(0, 2), 1: rng.uniform(3, 7), 2: rng.uniform(9, 20)}[kind]
        label_error = int(kind == 2 and rng.random() < 0.25)
        images.append((f"img{c:02d}_{j:02d}.png", f"class{c:02d}", base + class_shift[c],
                       label_error))
for m, name in enumerate(models):
    for img, cls, difficulty, label_error in images:
        learn = difficulty + delay[m] + rng.gauss(0, 1.0)
        never = label_error == 1                            # a wrong label is never "learnt"
        for e in range(1, n_epochs + 1):
            right = (not never) and e >= learn
            if rng.random() < 0.04:                          # forgetting / lucky guesses
                right = not right
            rows.append(f"{name},{img},{e},{int(right)}")
with open("results.csv", "w") as f:
    f.write("\n".join(rows) + "\n")
with open("images.csv", "w") as f:
    f.write("image,class,label_error\n")
    for img, cls, _, label_error in images:
        f.write(f"{img},{cls},{label_error}\n")
