#!/usr/bin/python3
"""The pandas baseline of bench_stimuli_read: read a wide results file
(image,<model 1>,...) with pandas.read_csv (C engine, uint8 cells, as a
careful user would: int64 cells would need 8 bytes each), then per model
the accuracy, the split at near 0 and the Poisson-binomial expectation by
the same O(M^2) recursion. Prints the same JSON keys.

usage: /usr/bin/python3 bench_read_pandas.py WIDE.csv"""
import json
import sys
import time

import numpy as np
import pandas as pd

t0 = time.perf_counter()
head = pd.read_csv(sys.argv[1], nrows=0).columns
dtypes = {c: np.uint8 for c in head if c != "image"}
df = pd.read_csv(sys.argv[1], dtype=dtypes, engine="c")
t1 = time.perf_counter()
x = df.drop(columns=["image"]).to_numpy()  # images x models
m = x.shape[1]
acc = x.mean(axis=0, dtype=np.float64)
n_correct = x.sum(axis=1, dtype=np.int64)
pmf = np.zeros(m + 1)
pmf[0] = 1.0
for i, p in enumerate(acc):
    pmf[1:i + 2] = pmf[1:i + 2] * (1 - p) + pmf[0:i + 1] * p
    pmf[0] *= 1 - p
t2 = time.perf_counter()
print(json.dumps({"models": int(m), "images": int(x.shape[0]),
                  "trivial": int((n_correct == m).sum()),
                  "in_between": int(((n_correct > 0) & (n_correct < m)).sum()),
                  "impossible": int((n_correct == 0).sum()),
                  "mean_accuracy": float(acc.mean()), "pb_mean": float((np.arange(m + 1) * pmf).sum()),
                  "read_s": round(t1 - t0, 3), "split_pb_s": round(t2 - t1, 3)}))
