#!/usr/bin/python3
"""Reference values of dddlab's image statistics computed the way Pliushch et
al. (2022) computed theirs, for tests/imagestats/test_imagestats_authors.c.

The authors' code is ccc-frankfurt/intrinsic_ordering_nn_training,
lib/dataset_metrics.py (DatasetMetrics.img_entropy, .img_frequency,
.segment_count) and lib/helpers/dct.py (dct_2d, norm='ortho'). This script
follows those definitions with numpy/PIL/scipy (no torch: torchvision's
Resize((128, 128)) on a PIL image *is* PIL's Image.resize((128, 128),
BILINEAR), and ToTensor()*255 cast to uint8 gives back every 8-bit value
exactly, which is checked below).

1. Draws the committed test images (images/*.png) when they are missing:
   synthetic scenes with PIL (sky, sun, hills, a house, textured grass, a
   few sizes, square and not). Once committed they are only read.
2. Writes images/pil128/NAME.png: PIL's BILINEAR resize to 128 x 128 (the
   C test compares its own resize with these bytes).
3. Writes ref_authors.csv: every statistic at the native size and at 128.

Run with Debian's python: /usr/bin/python3 make_reference_authors.py
The tests never run Python.
"""
import csv
import math
import os

import numpy as np
import scipy
import scipy.fft
import scipy.ndimage
import skimage
import skimage.segmentation
from PIL import Image, ImageDraw, ImageFilter

import imagestats_ref as ref  # the port of Felzenszwalb's segment.tar.gz

HERE = os.path.dirname(os.path.abspath(__file__))
IMG = os.path.join(HERE, "images")

# name, width, height, seed
SCENES = [
    ("scene_160x120", 160, 120, 1),
    ("scene_96x128", 96, 128, 2),
    ("scene_128x128", 128, 128, 3),
    ("scene_300x200", 300, 200, 4),
    ("scene_64x48", 64, 48, 5),
]


def draw_scene(w, h, seed):
    """A landscape: vertical sky gradient, a sun, two hills, a house with a
    roof, window and door, grass with per-pixel noise, then a light blur and
    fine noise everywhere (so the unrounded gray values are many)."""
    rng = np.random.default_rng(seed)
    ys = np.linspace(0.0, 1.0, h)[:, None]
    top = rng.uniform(60, 140, 3)
    bottom = rng.uniform(170, 240, 3)
    sky = (top[None, None, :] * (1 - ys[..., None]) + bottom[None, None, :] * ys[..., None])
    sky = np.broadcast_to(sky, (h, w, 3)).astype(np.uint8)
    im = Image.fromarray(np.ascontiguousarray(sky), "RGB")
    d = ImageDraw.Draw(im)
    r = int(min(w, h) * rng.uniform(0.08, 0.14))
    cx, cy = int(w * rng.uniform(0.6, 0.85)), int(h * rng.uniform(0.12, 0.25))
    d.ellipse([cx - r, cy - r, cx + r, cy + r], fill=(250, 220, int(rng.integers(40, 120))))
    for k in range(2):
        base = int(h * rng.uniform(0.5, 0.7))
        pts = [(0, h)] + [(int(x), int(base - h * 0.15 * math.sin(math.pi * x / w + k)))
                          for x in np.linspace(0, w, 12)] + [(w, h)]
        d.polygon(pts, fill=tuple(int(v) for v in rng.integers(30, 120, 3)))
    hx, hy = int(w * rng.uniform(0.15, 0.35)), int(h * rng.uniform(0.55, 0.65))
    hw, hh = int(w * 0.3), int(h * 0.25)
    d.rectangle([hx, hy, hx + hw, hy + hh], fill=tuple(int(v) for v in rng.integers(120, 230, 3)))
    d.polygon([(hx - 3, hy), (hx + hw // 2, hy - hh // 2), (hx + hw + 3, hy)], fill=(150, 40, 30))
    d.rectangle([hx + hw // 6, hy + hh // 4, hx + hw // 6 + hw // 5, hy + hh // 4 + hh // 4],
                fill=(60, 90, 160))
    d.rectangle([hx + hw // 2, hy + hh // 2, hx + hw // 2 + hw // 6, hy + hh], fill=(80, 50, 20))
    im = im.filter(ImageFilter.GaussianBlur(0.7))
    a = np.asarray(im).astype(np.int64)
    a += rng.integers(-6, 7, a.shape)
    grass = np.broadcast_to(np.arange(h)[:, None] > int(h * 0.82), (h, w))
    a[grass] = (a[grass] + rng.integers(-25, 26, a[grass].shape)) // 2 + np.array([10, 60, 5])
    return np.clip(a, 0, 255).astype(np.uint8)


def load(name):
    return np.asarray(Image.open(os.path.join(IMG, name + ".png")).convert("RGB"))


# ---- the authors' statistics ------------------------------------------------

def authors_uint8(rgb):
    """ToTensor() (x / 255 in float32), then * 255. and astype(np.uint8), as
    img_entropy does with its loader's tensors."""
    t = rgb.astype(np.float32) / np.float32(255)
    return (t * 255.).astype(np.uint8)


def entropy_authors(rgb, window_size=10, rounded=False):
    """DatasetMetrics.img_entropy: gray = 0.2989 R + 0.5870 G + 0.1140 B on
    the uint8 values (float64), np.unique of every valid window, entropy in
    bits, mean over windows. rounded=True: dddlab's option, gray rounded to
    8 bits (half up) first."""
    inputs = authors_uint8(rgb).transpose(2, 0, 1)
    gray = 0.2989 * inputs[0, :, :] + 0.5870 * inputs[1, :, :] + 0.1140 * inputs[2, :, :]
    if rounded:
        gray = np.floor(gray + 0.5)
    h, w = gray.shape
    if h < window_size or w < window_size:
        return float("nan")
    window_entropies = []
    for y in range(h + 1 - window_size):
        for x in range(w + 1 - window_size):
            window = gray[y:y + window_size, x:x + window_size]
            values, counts = np.unique(window, return_counts=True)
            probs = counts / float(np.sum(counts))
            window_entropies.append(-np.sum(probs * np.log2(probs)))
    return float(np.mean(window_entropies))


def dct_authors(rgb):
    """DatasetMetrics.img_frequency: gray of the float32 tensor (0..1), the
    orthonormal 2-D DCT-II (scipy.fft.dctn type 2, norm='ortho' is the same
    transform as dct.py's dct_2d), coefficients sorted by magnitude, the
    first k whose norm reaches 0.9998 of the total norm, reported as
    100 (k - 1) / N. The norms are taken in float64 here; the authors' torch
    float32 can move k by one at the boundary (the test allows that)."""
    t = rgb.astype(np.float32) / np.float32(255)
    gray = np.float32(0.2989) * t[..., 0] + np.float32(0.5870) * t[..., 1] \
        + np.float32(0.1140) * t[..., 2]
    coeffs = scipy.fft.dctn(gray.astype(np.float64), type=2, norm="ortho")
    s = np.sort(np.abs(coeffs).ravel())[::-1]
    cum = np.cumsum(s * s)
    total = cum[-1]
    if total <= 0:
        return 0.0, 1
    ratio = np.sqrt(cum) / np.sqrt(total)
    k = int(np.argmax(ratio >= 0.9998)) + 1  # the loop's num_coeffs
    return 100.0 * (k - 1) / coeffs.size, k


def segments_authors(rgb):
    """DatasetMetrics.segment_count runs Felzenszwalb's segment binary
    (segment 0.5 500 20) on the image saved as PPM; imagestats_ref.segments
    is a float32 port of that code."""
    return ref.segments(rgb, sigma=0.5, k=500.0, min_size=20)


def segments_skimage(rgb):
    """For comparison only: scikit-image's port with the same parameters."""
    lab = skimage.segmentation.felzenszwalb(rgb, scale=500, sigma=0.5, min_size=20)
    return int(lab.max()) + 1


def dddlab_extras(rgb):
    """The statistics that are dddlab's own (not in the authors' code)."""
    g = ref.gray(rgb)
    gx = scipy.ndimage.sobel(g, axis=1)
    gy = scipy.ndimage.sobel(g, axis=0)
    return {
        "sobel_mean": float(np.hypot(gx, gy).sum() / g.size),
        "mean_luminance": float(g.mean()),
        "rms_contrast": float((g / 255.0).std()),
    }


def main():
    k = np.arange(256, dtype=np.uint8)[None, :, None].repeat(3, axis=2)
    assert (authors_uint8(k) == k).all(), "ToTensor * 255 no longer round-trips"
    os.makedirs(os.path.join(IMG, "pil128"), exist_ok=True)
    for name, w, h, seed in SCENES:
        path = os.path.join(IMG, name + ".png")
        if not os.path.exists(path):
            Image.fromarray(draw_scene(w, h, seed), "RGB").save(path, optimize=True)
    rows = []
    for name, w, h, seed in SCENES:
        native = load(name)
        small = Image.fromarray(native).resize((128, 128), Image.BILINEAR)
        small.save(os.path.join(IMG, "pil128", name + ".png"), optimize=True)
        for size, rgb in ((0, native), (128, np.asarray(small))):
            pct, kk = dct_authors(rgb)
            row = {
                "image": name, "size_px": size,
                "width_px": rgb.shape[1], "height_px": rgb.shape[0],
                "pixel_sum": int(rgb.astype(np.int64).sum()),
                "local_entropy_bits": repr(entropy_authors(rgb)),
                "local_entropy_rounded_bits": repr(entropy_authors(rgb, rounded=True)),
                "dct_coef_pct": repr(pct), "dct_k": kk,
                "segments": segments_authors(rgb),
                "segments_skimage": segments_skimage(rgb),
            }
            row.update({kk2: repr(v) for kk2, v in dddlab_extras(rgb).items()})
            rows.append(row)
            print(row)
    with open(os.path.join(HERE, "ref_authors.csv"), "w", newline="") as f:
        wr = csv.DictWriter(f, fieldnames=list(rows[0].keys()), lineterminator="\n")
        wr.writeheader()
        wr.writerows(rows)
    print("NumPy %s, SciPy %s, Pillow %s, scikit-image %s"
          % (np.__version__, scipy.__version__, Image.__version__, skimage.__version__))


if __name__ == "__main__":
    main()
