"""imagestats_ref.py -- NumPy/SciPy reference of dddlab's image statistics.

Written independently of the C code from the definitions in docs/imagestats.md,
for tests/imagestats/make_reference.py (numbers committed in ref_values.h) and
bench/imagestats/bench_numpy.py. Run with Debian's /usr/bin/python3 (numpy,
scipy). The tests themselves never run Python.
"""
import math

import numpy as np
import scipy.fft
import scipy.ndimage
from numpy.lib.stride_tricks import sliding_window_view

F32 = np.float32


def gray(rgb):
    """0.2989 R + 0.5870 G + 0.1140 B on 0..255 values, not rounded."""
    r, g, b = (rgb[..., c].astype(np.float64) for c in range(3))
    return 0.2989 * r + 0.5870 * g + 0.1140 * b


def local_entropy(g, win=10, rounded=False):
    """Mean over all win x win windows (stride 1) of the Shannon entropy
    (log2) of the window's distinct gray values: the unrounded doubles (the
    authors' np.unique per window), or with rounded=True the gray values
    rounded to integers. Vectorised: each window's 100 values sorted, runs
    of equal values counted."""
    h, w = g.shape
    if h < win or w < win:
        return float("nan")
    v = np.floor(g + 0.5) if rounded else g
    wins = sliding_window_view(v, (win, win)).reshape(-1, win * win)
    n = win * win
    total = 0.0
    for start in range(0, wins.shape[0], 4096):
        s = np.sort(wins[start:start + 4096], axis=1)
        new_run = np.ones(s.shape, bool)
        new_run[:, 1:] = s[:, 1:] != s[:, :-1]
        run = np.cumsum(new_run, axis=1) - 1  # run index within the window
        rows = np.repeat(np.arange(s.shape[0]), n)
        counts = np.bincount(rows * n + run.ravel(), minlength=s.shape[0] * n)
        p = counts[counts > 0] / float(n)
        total += float(-(p * np.log2(p)).sum())
    return total / wins.shape[0]


def dct_pct(g, frac=0.9998):
    """100 (k - 1) / N, k the fewest orthonormal DCT-II coefficients of
    gray/255 whose L2 norm reaches frac of the total L2 norm (norms
    compared, not energies); minus one as the authors' loop counts."""
    c = scipy.fft.dctn(g / 255.0, type=2, norm="ortho")
    e = np.sort((c * c).ravel())[::-1]
    total = float(np.sum(c * c))
    if total <= 0:
        return 0.0
    cum = np.cumsum(e)
    k = int(np.argmax(np.sqrt(cum) >= frac * math.sqrt(total))) + 1
    return 100.0 * (k - 1) / g.size


def sobel_mean(g):
    """Sum of Sobel gradient magnitudes / pixel count (scipy's 'reflect'
    border, which for a 3x3 kernel repeats the edge pixel)."""
    gx = scipy.ndimage.sobel(g, axis=1)
    gy = scipy.ndimage.sobel(g, axis=0)
    return float(np.hypot(gx, gy).sum() / g.size)


def luminance(g):
    return float(g.mean()), float((g / 255.0).std())


# ---- Felzenszwalb-Huttenlocher, as the authors' segment.tar.gz, in float32 ----

def _mask(sigma):
    sigma = max(F32(sigma), F32(0.01))
    n = int(math.ceil(float(sigma) * 4.0)) + 1
    m = np.zeros(n, np.float32)
    for i in range(n):
        t = F32(F32(i) / sigma)
        m[i] = F32(math.exp(-0.5 * float(F32(t * t))))
    s = F32(0)
    for i in range(1, n):
        s = F32(s + abs(m[i]))
    s = F32(F32(2) * s + abs(m[0]))
    return (m / s).astype(np.float32)


def _smooth(p, m):
    h, w = p.shape
    xs = np.arange(w)
    out = m[0] * p
    for i in range(1, len(m)):
        out = out + m[i] * (p[:, np.maximum(xs - i, 0)] + p[:, np.minimum(xs + i, w - 1)])
    ys = np.arange(h)
    res = m[0] * out
    for i in range(1, len(m)):
        res = res + m[i] * (out[np.maximum(ys - i, 0), :] + out[np.minimum(ys + i, h - 1), :])
    return res.astype(np.float32)


def _edges(planes):
    r, g, b = planes
    h, w = r.shape
    idx = np.arange(h * w).reshape(h, w)
    a_list, b_list, w_list, ok_list = [], [], [], []
    for dy, dx in ((0, 1), (1, 0), (1, 1), (-1, 1)):  # right, down, down-right, up-right
        ok = np.ones((h, w), bool)
        if dx:
            ok[:, w - 1] = False
        if dy == 1:
            ok[h - 1, :] = False
        if dy == -1:
            ok[0, :] = False
        y2 = np.clip(np.arange(h)[:, None] + dy, 0, h - 1) * np.ones((1, w), int)
        x2 = np.ones((h, 1), int) * np.clip(np.arange(w)[None, :] + dx, 0, w - 1)
        d = [(c - c[y2, x2]).astype(np.float32) for c in (r, g, b)]
        wt = np.sqrt(d[0] * d[0] + d[1] * d[1] + d[2] * d[2]).astype(np.float32)
        a_list.append(idx)
        b_list.append(idx[y2, x2])
        w_list.append(wt)
        ok_list.append(ok)
    ok = np.stack(ok_list, axis=-1).ravel()
    ea = np.stack(a_list, axis=-1).ravel()[ok]
    eb = np.stack(b_list, axis=-1).ravel()[ok]
    ew = np.stack(w_list, axis=-1).ravel()[ok]
    return ea, eb, ew


def segments(rgb, sigma=0.5, k=500.0, min_size=20):
    planes = [_smooth(rgb[..., c].astype(np.float32), _mask(sigma)) for c in range(3)]
    ea, eb, ew = _edges(planes)
    order = np.argsort(ew, kind="stable")
    ea, eb, ew = ea[order].tolist(), eb[order].tolist(), ew[order].tolist()
    n = rgb.shape[0] * rgb.shape[1]
    parent = list(range(n))
    size = [1] * n
    thr = [float(F32(k))] * n
    kf = float(F32(k))

    def find(x):
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def join(a, b):
        if size[a] < size[b]:
            a, b = b, a
        parent[b] = a
        size[a] += size[b]
        return a

    sets = n
    for a0, b0, wt in zip(ea, eb, ew):
        a, b = find(a0), find(b0)
        if a != b and wt <= thr[a] and wt <= thr[b]:
            r = join(a, b)
            q = float(F32(kf / size[r]))
            thr[r] = float(F32(wt + q))
            sets -= 1
    for a0, b0 in zip(ea, eb):
        a, b = find(a0), find(b0)
        if a != b and (size[a] < min_size or size[b] < min_size):
            join(a, b)
            sets -= 1
    return sets


def resize_area(rgb, dw, dh):
    """Area average: each output pixel is the coverage-weighted mean of the
    source pixels under it, rounded to the nearest integer (halves up)."""
    sh, sw = rgb.shape[:2]

    def weights(ns, nd):
        m = np.zeros((nd, ns))
        scale = ns / nd
        for i in range(nd):
            a, b = i * ns / nd, (i + 1) * ns / nd
            for j in range(int(math.floor(a)), min(int(math.ceil(b)), ns)):
                m[i, j] = (min(b, j + 1.0) - max(a, float(j))) / scale
        return m

    wx, wy = weights(sw, dw), weights(sh, dh)
    out = np.empty((dh, dw, 3), np.uint8)
    for c in range(3):
        v = wy @ (rgb[..., c].astype(np.float64) @ wx.T)
        out[..., c] = np.clip(np.floor(v + 0.5), 0, 255).astype(np.uint8)
    return out


def all_stats(rgb):
    g = gray(rgb)
    mean, rms = luminance(g)
    return {
        "local_entropy_bits": local_entropy(g),
        "dct_coef_pct": dct_pct(g),
        "segments": segments(rgb),
        "sobel_mean": sobel_mean(g),
        "mean_luminance": mean,
        "rms_contrast": rms,
    }


# ---- the test images: a generator the C test repeats exactly ----

def xorshift_bytes(seed, count):
    s = seed & 0xFFFFFFFF
    out = np.empty(count, np.uint8)
    for i in range(count):
        s ^= (s << 13) & 0xFFFFFFFF
        s ^= s >> 17
        s ^= (s << 5) & 0xFFFFFFFF
        out[i] = s >> 24
    return out


def test_image(kind, w, h, seed):
    """noise: uniform RGB noise; blocks: 8x8 blocks of random colour plus noise
    in -16..15; gray: r = g = b in 120..135; checker: 1-pixel black/white
    checkerboard, white where x + y is odd; halves: black left, white from
    x = w / 2 on (seed unused for the last two)."""
    if kind in ("checker", "halves"):
        ys, xs = np.mgrid[0:h, 0:w]
        on = (xs + ys) % 2 == 1 if kind == "checker" else xs >= w // 2
        v = np.where(on, 255, 0)
        return np.stack([v, v, v], axis=-1).astype(np.uint8)
    rnd = xorshift_bytes(seed, w * h * 3).reshape(h, w, 3).astype(np.int64)
    if kind == "noise":
        img = rnd
    elif kind == "blocks":
        colours = xorshift_bytes(seed ^ 0x9E3779B9, ((h + 7) // 8) * ((w + 7) // 8) * 3)
        colours = colours.reshape((h + 7) // 8, (w + 7) // 8, 3).astype(np.int64)
        ys, xs = np.arange(h) // 8, np.arange(w) // 8
        img = colours[ys][:, xs] + (rnd // 8) - 16
    elif kind == "gray":
        v = 120 + rnd[..., 0] // 16
        img = np.stack([v, v, v], axis=-1)
    else:
        raise ValueError(kind)
    return np.clip(img, 0, 255).astype(np.uint8)
