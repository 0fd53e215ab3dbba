"""Make docs/examples/fig6_exclude_items.txt: the items (1-300) of
experiment2_ratings.csv that are NOT in the item set of the paper's Figure 6.

The authors' notebook 06_figure_6.ipynb (wichmann-lab/trivial-or-impossible)
removes the confirmed label errors and the three regenerated items (positions
43, 221, 253 counted from 0), then balances the classes to the number of
impossible items left (57) by two draws of numpy's legacy generator seeded
with 1312: first the in-between, then the trivial items to remove. This
script repeats those draws on the published CSV (item k is position k - 1).

    python3 docs/examples/fig6_items.py ../shared/data/trivial-or-impossible/experiment2_ratings.csv
"""
import sys

import numpy as np
import pandas as pd

ratings = pd.read_csv(sys.argv[1])
items = ratings[ratings.subject == ratings.subject.iloc[0]].sort_values("item")
assert list(items.item) == list(range(1, 301))
cls = items.stimulus_class.map({"impossible": 0, "in-between": 1, "trivial": 2}).to_numpy()
errors = np.where(items.label_error_mturk.to_numpy() == 1)[0]

np.random.seed(1312)
kept = np.delete(np.arange(300), np.concatenate((errors, [43, 221, 253])))
c = cls[kept]
impossible, between, trivial = (np.where(c == k)[0] for k in (0, 1, 2))
drop_between = np.random.choice(between, len(between) - len(impossible), replace=False)
drop_trivial = np.random.choice(trivial, len(trivial) - len(impossible), replace=False)
kept = np.delete(kept, np.concatenate((drop_between, drop_trivial)))

left_out = sorted(set(range(1, 301)) - {int(k) + 1 for k in kept})
print("# items (1-300) left out of the authors' Figure-6 set: label errors, the 3 regenerated")
print("# items, and the in-between/trivial items their numpy draw (seed 1312) removed")
print("item")
for k in left_out:
    print(k)
