"""The same computation as paired-slices.ts with numpy, written the way a numpy user would:
multinomial resample counts from rng.integers + np.bincount, F1 and accuracy from weighted sums."""
import json, sys, time
import numpy as np

n, slices, resamples = (int(a) for a in sys.argv[1:4])
rng = np.random.default_rng(1)
label = (rng.random(n) < 0.4).astype(np.int64)
slice_of = rng.integers(0, slices, n)

def model(accuracy):
    right = rng.random(n) < accuracy
    return np.where(right, label, 1 - label)

started = time.perf_counter()
candidate = model(0.9)
baseline = model(0.89)

def f1(y, p, w):
    tp = np.dot(w, (y == 1) & (p == 1))
    fp = np.dot(w, (y == 0) & (p == 1))
    fn = np.dot(w, (y == 1) & (p == 0))
    return 0.0 if tp == 0 else 2 * tp / (2 * tp + fp + fn)

def accuracy(y, p, w):
    return np.dot(w, y == p) / w.sum()

checksum = 0.0
scopes = [None] + [np.flatnonzero(slice_of == s) for s in range(slices)]
for scope in scopes:
    y = label if scope is None else label[scope]
    c = candidate if scope is None else candidate[scope]
    b = baseline if scope is None else baseline[scope]
    size = len(y)
    for metric in (f1, accuracy):
        reps = np.empty(resamples)
        for r in range(resamples):
            w = np.bincount(rng.integers(0, size, size), minlength=size).astype(np.float64)
            reps[r] = metric(y, c, w) - metric(y, b, w)
        lo, hi = np.percentile(reps, [2.5, 97.5])
        checksum += lo + hi
print(json.dumps({"seconds": time.perf_counter() - started, "checksum": checksum}))
