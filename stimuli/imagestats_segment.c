/* imagestats_segment.c — Felzenszwalb & Huttenlocher (2004) graph-based
 * segmentation, counted. Follows the authors' public code (segment.tar.gz):
 * each RGB channel smoothed by a Gaussian (float arithmetic, mask of length
 * ceil(4 sigma) + 1, borders clamped), one 8-connected grid graph whose
 * weights are Euclidean RGB distances, edges taken in ascending weight order,
 * threshold w + k / |C|, then components smaller than min_size merged along
 * the sorted edges. The paper's text segments each channel separately and
 * intersects the results; the code (and skimage) use one colour graph, and
 * so do we. Equal weights keep the order in which the code makes the edges
 * (a stable sort), where the code's std::sort leaves it unspecified. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "imagestats_internal.h"

#define MASK_MAX 64

/* The code's make_fgauss + normalize, in the same float arithmetic. */
static int gauss_mask(float sigma, float mask[MASK_MAX])
{
    sigma = sigma > 0.01f ? sigma : 0.01f;
    int len = (int)ceil(sigma * 4.0) + 1;
    if (len > MASK_MAX)
        len = MASK_MAX;
    for (int i = 0; i < len; i++) {
        float t = (float)i / sigma;
        mask[i] = (float)exp(-0.5 * (double)(t * t));
    }
    float sum = 0;
    for (int i = 1; i < len; i++)
        sum += fabsf(mask[i]);
    sum = 2 * sum + fabsf(mask[0]);
    for (int i = 0; i < len; i++)
        mask[i] /= sum;
    return len;
}

/* src -> tmp along rows, tmp -> dst along columns; per pixel the sum is
 * m0 v + m1 (v[-1] + v[+1]) + m2 (v[-2] + v[+2]) ... in that order, as the
 * code's convolve_even. */
static void smooth_plane(const float *src, float *tmp, float *dst, int w, int h, const float *m,
                         int len)
{
    for (int y = 0; y < h; y++) {
        const float *s = src + (size_t)y * w;
        float *d = tmp + (size_t)y * w;
        for (int x = 0; x < w; x++)
            d[x] = m[0] * s[x];
        /* Tap by tap over the row, so the middle runs without clamping (and
         * vectorises); per pixel the terms are still added in the code's
         * order. */
        for (int i = 1; i < len; i++) {
            int lo = i < w ? i : w, hi = w - i > lo ? w - i : lo;
            for (int x = 0; x < lo; x++)
                d[x] += m[i] * (s[0] + s[x + i > w - 1 ? w - 1 : x + i]);
            for (int x = lo; x < hi; x++)
                d[x] += m[i] * (s[x - i] + s[x + i]);
            for (int x = hi; x < w; x++)
                d[x] += m[i] * (s[x - i < 0 ? 0 : x - i] + s[w - 1]);
        }
    }
    for (int y = 0; y < h; y++) {
        float *d = dst + (size_t)y * w;
        const float *c = tmp + (size_t)y * w;
        for (int x = 0; x < w; x++)
            d[x] = m[0] * c[x];
        for (int i = 1; i < len; i++) {
            const float *u = tmp + (size_t)(y - i < 0 ? 0 : y - i) * w;
            const float *v = tmp + (size_t)(y + i > h - 1 ? h - 1 : y + i) * w;
            for (int x = 0; x < w; x++)
                d[x] += m[i] * (u[x] + v[x]);
        }
    }
}

static float rgb_diff(const float *p, size_t n, size_t i, size_t j)
{
    float dr = p[i] - p[j], dg = p[n + i] - p[n + j], db = p[2 * n + i] - p[2 * n + j];
    return sqrtf(dr * dr + dg * dg + db * db);
}

/* An edge is one 64-bit key: the weight's bits above, pixel * 4 + direction
 * below (right, down, down-right, up-right: the code's order of making
 * them). Sorting the keys sorts by weight, and equal weights stay in the
 * order the code makes its edges. Weights are >= 0, so their bit patterns
 * order like their values. */
static uint64_t edge_key(float w, size_t pixel, int dir)
{
    /* pixel * 4 + dir fits in 32 bits: images have at most
     * IMGSTATS_MAX_PIXELS (25 million) pixels. */
    uint32_t bits;
    memcpy(&bits, &w, sizeof bits);
    return (uint64_t)bits << 32 | (uint64_t)(pixel * 4 + (size_t)dir);
}

/* The radix sort's digit counts, made while the edges are (fewer than 2^32:
 * at most 4 per pixel of IMGSTATS_MAX_PIXELS). */
enum { SORT_BITS = 11, SORT_BUCKETS = 1 << SORT_BITS };
typedef struct edge_hist {
    uint32_t c[3][SORT_BUCKETS];
} edge_hist;

static inline void put_edge(uint64_t *e, size_t *ne, uint64_t key, edge_hist *hs)
{
    e[(*ne)++] = key;
    hs->c[0][(key >> 32) & (SORT_BUCKETS - 1)]++;
    hs->c[1][(key >> 43) & (SORT_BUCKETS - 1)]++;
    hs->c[2][(key >> 54) & (SORT_BUCKETS - 1)]++;
}

static size_t build_edges(const float *p, int w, int h, uint64_t *e, edge_hist *hs)
{
    size_t n = (size_t)w * (size_t)h, ne = 0, sw = (size_t)w;
    memset(hs, 0, sizeof *hs);
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            size_t i = (size_t)y * sw + (size_t)x;
            if (x < w - 1)
                put_edge(e, &ne, edge_key(rgb_diff(p, n, i, i + 1), i, 0), hs);
            if (y < h - 1)
                put_edge(e, &ne, edge_key(rgb_diff(p, n, i, i + sw), i, 1), hs);
            if (x < w - 1 && y < h - 1)
                put_edge(e, &ne, edge_key(rgb_diff(p, n, i, i + sw + 1), i, 2), hs);
            if (x < w - 1 && y > 0)
                put_edge(e, &ne, edge_key(rgb_diff(p, n, i, i - sw + 1), i, 3), hs);
        }
    return ne;
}

/* The pixels an edge key joins. */
static void edge_ends(uint64_t key, size_t w, uint32_t *a, uint32_t *b)
{
    size_t low = (size_t)(key & 0xffffffffu), pixel = low / 4;
    static const int dy[4] = {0, 1, 1, -1}, dx[4] = {1, 0, 1, 1};
    int d = (int)(low % 4);
    *a = (uint32_t)pixel;
    *b = (uint32_t)((ptrdiff_t)pixel + dy[d] * (ptrdiff_t)w + dx[d]);
}

static float edge_weight(uint64_t key)
{
    uint32_t bits = (uint32_t)(key >> 32);
    float w;
    memcpy(&w, &bits, sizeof w);
    return w;
}

/* Stable LSD radix sort on the weight bits (the upper 32), 11 bits a pass,
 * with the digit counts build_edges made (one read of the keys less); keys
 * arrive in making order, so ties keep it. Passes in which every key has
 * the same digit are skipped. Returns the buffer holding the result. */
static uint64_t *sort_edges(uint64_t *e, uint64_t *buf, size_t ne, edge_hist *hs)
{
    static const int shift[3] = {32, 43, 54};
    for (int d = 0; d < 3; d++) {
        uint32_t *c = hs->c[d], pos = 0;
        if (c[(e[0] >> shift[d]) & (SORT_BUCKETS - 1)] == ne)
            continue;
        for (int b = 0; b < SORT_BUCKETS; b++) {
            uint32_t t = c[b];
            c[b] = pos;
            pos += t;
        }
        for (size_t i = 0; i < ne; i++)
            buf[c[(e[i] >> shift[d]) & (SORT_BUCKETS - 1)]++] = e[i];
        uint64_t *t = e;
        e = buf;
        buf = t;
    }
    return e;
}

/* The components: every pixel knows its root directly (a lookup, not a
 * find: the main pass spends its time on unpredictable branches, and a
 * find's loop adds more of them), members of a component form a circular
 * list through next, and a join relabels the smaller component's members
 * (union by size: a pixel is relabelled at most log2(n) times, about 2.5
 * times per pixel on the benchmark's images). Per root, the threshold and
 * size side by side: the test and the join read both. */
typedef struct seg_comp {
    float thr; /* valid at a root */
    uint32_t size;
} seg_comp;

typedef struct forest {
    uint32_t *root, *next;
    seg_comp *comp;
} forest;

/* Join the components with roots a != b; returns the surviving root. Which
 * root survives does not change the partition. */
static uint32_t forest_join(forest *f, uint32_t a, uint32_t b)
{
    if (f->comp[a].size < f->comp[b].size) {
        uint32_t t = a;
        a = b;
        b = t;
    }
    uint32_t x = b;
    do {
        f->root[x] = a;
        x = f->next[x];
    } while (x != b);
    uint32_t t = f->next[a]; /* splice the two circles */
    f->next[a] = f->next[b];
    f->next[b] = t;
    f->comp[a].size += f->comp[b].size;
    return a;
}

static long segment_graph_relabel(forest *f, size_t n, size_t w, const uint64_t *e, size_t ne,
                                  float k, int min_size)
{
    uint32_t *root = f->root;
    seg_comp *comp = f->comp;
    for (size_t i = 0; i < n; i++) {
        root[i] = f->next[i] = (uint32_t)i;
        comp[i] = (seg_comp){k, 1}; /* threshold k / 1 */
    }
    long sets = (long)n;
    for (size_t i = 0; i < ne; i++) {
        uint32_t a, b;
        /* The lookups are random reads: the roots of the edge 16 ahead,
         * then the components of the edge 8 ahead (which a join in between
         * may change: only a hint). 0.25 ms of 2.5 per 256 x 256 image. */
        if (i + 16 < ne) {
            edge_ends(e[i + 16], w, &a, &b);
            __builtin_prefetch(&root[a]);
            __builtin_prefetch(&root[b]);
        }
        if (i + 8 < ne) {
            edge_ends(e[i + 8], w, &a, &b);
            __builtin_prefetch(&comp[root[a]]);
            __builtin_prefetch(&comp[root[b]]);
        }
        edge_ends(e[i], w, &a, &b);
        a = root[a];
        b = root[b];
        float wt = edge_weight(e[i]);
        if (a != b && wt <= comp[a].thr && wt <= comp[b].thr) {
            uint32_t r = forest_join(f, a, b);
            comp[r].thr = wt + k / (float)comp[r].size;
            sets--;
        }
    }
    /* The merge of small components, along the sorted edges. Once no
     * component is below min_size nothing can change any more. */
    uint32_t min = (uint32_t)min_size;
    size_t small = 0;
    for (size_t i = 0; i < n; i++)
        small += root[i] == i && comp[i].size < min;
    for (size_t i = 0; i < ne && small > 0; i++) {
        uint32_t a, b;
        edge_ends(e[i], w, &a, &b);
        a = root[a];
        b = root[b];
        if (a == b)
            continue;
        int sa = comp[a].size < min, sb = comp[b].size < min;
        if (sa || sb) {
            uint32_t r = forest_join(f, a, b);
            small -= (size_t)(sa + sb);
            small += comp[r].size < min;
            sets--;
        }
    }
    return sets;
}

/* Above IMGSTATS_SEG_RELABEL_MAX_PX pixels the relabelling's walks through
 * member lists leave the caches and cost more than finds (4 Mpx noise: 1.45
 * s against 1.15 s): a union-find forest with path halving. Per pixel its
 * parent and, at a root, the component's threshold side by side (8 bytes: a find and the threshold
 * test that follows touch one cache line per step), sizes apart as they
 * are needed only when two components merge. */
typedef struct uf_node {
    uint32_t parent;
    float thr; /* valid at a root */
} uf_node;

typedef struct uf {
    uf_node *node;
    uint32_t *size;
    uint8_t *flag; /* per pixel: in a component below min_size after pass 1 */
} uf;

static uint32_t uf_find(uf_node *u, uint32_t x)
{
    /* Path halving, but no store when x's parent is already the root (the
     * common case once components have grown): stores dirty cache lines. */
    uint32_t p = u[x].parent;
    while (p != x) {
        uint32_t g = u[p].parent;
        if (g == p)
            return p;
        u[x].parent = g;
        x = g;
        p = u[x].parent;
    }
    return x;
}

/* Union by size; which root survives does not change the partition. */
static uint32_t uf_join(uf *u, uint32_t a, uint32_t b)
{
    if (u->size[a] < u->size[b]) {
        uint32_t t = a;
        a = b;
        b = t;
    }
    u->node[b].parent = a;
    u->size[a] += u->size[b];
    return a;
}

static long segment_graph_uf(uf *u, size_t n, size_t w, const uint64_t *e, size_t ne, float k,
                             int min_size)
{
    uf_node *nd = u->node;
    for (size_t i = 0; i < n; i++) {
        nd[i] = (uf_node){(uint32_t)i, k}; /* threshold k / 1 */
        u->size[i] = 1;
    }
    long sets = (long)n;
    for (size_t i = 0; i < ne; i++) {
        uint32_t a, b;
        if (i + 16 < ne) { /* the finds are random reads: ask for them early */
            edge_ends(e[i + 16], w, &a, &b);
            __builtin_prefetch(&nd[a]);
            __builtin_prefetch(&nd[b]);
        }
        edge_ends(e[i], w, &a, &b);
        a = uf_find(nd, a);
        b = uf_find(nd, b);
        float wt = edge_weight(e[i]);
        if (a != b && wt <= nd[a].thr && wt <= nd[b].thr) {
            uint32_t r = uf_join(u, a, b);
            nd[r].thr = wt + k / (float)u->size[r];
            sets--;
        }
    }
    /* The merge of small components, along the sorted edges. Only an edge
     * with an end in a component below min_size can merge, and components
     * only grow, so an edge between two components that are large now
     * never will: one scan with a per-pixel flag keeps the few candidates
     * (in order), and the finds run on those alone. Once no component is
     * below min_size nothing can change any more. */
    size_t small = 0;
    uint8_t *flag = u->flag;
    for (size_t i = 0; i < n; i++) {
        uint32_t r = uf_find(nd, (uint32_t)i);
        nd[i].parent = r;
        flag[i] = u->size[r] < (uint32_t)min_size;
        small += r == i && flag[i];
    }
    for (size_t i = 0; i < ne && small > 0; i++) {
        uint32_t a, b;
        edge_ends(e[i], w, &a, &b);
        if (!(flag[a] | flag[b]))
            continue;
        a = uf_find(nd, a);
        b = uf_find(nd, b);
        int sa = u->size[a] < (uint32_t)min_size, sb = u->size[b] < (uint32_t)min_size;
        if (a != b && (sa || sb)) {
            uint32_t r = uf_join(u, a, b);
            small -= (size_t)(sa + sb);
            small += u->size[r] < (uint32_t)min_size;
            sets--;
        }
    }
    return sets;
}

static int seg_buffers(imgstats_ws *ws, size_t n)
{
    if (imgstats_grow((void **)&ws->planes, &ws->planes_cap, 6 * n, sizeof(float)) ||
        imgstats_grow((void **)&ws->tmp, &ws->tmp_cap, n, sizeof(float)) ||
        imgstats_grow(&ws->edges, &ws->edges_cap, 4 * n, sizeof(uint64_t)) ||
        imgstats_grow(&ws->edges2, &ws->edges2_cap, 4 * n, sizeof(uint64_t)) ||
        /* either a forest's root and next (8 bytes a pixel) or union-find
         * nodes (8), then its components (8) or sizes and flags (5) */
        imgstats_grow(&ws->links, &ws->links_cap, n, 8) ||
        imgstats_grow(&ws->comps, &ws->comps_cap, n, 8))
        return DL_ENOMEM;
    return 0;
}

int imgstats_segments_by(imgstats_ws *ws, const uint8_t *rgb, int w, int h, float sigma, float k,
                         int min_size, imgstats_seg_method how, long *count, dl_error *err)
{
    size_t n = (size_t)w * (size_t)h;
    if (seg_buffers(ws, n))
        return dl_fail(err, DL_ENOMEM, "out of memory segmenting a %dx%d image", w, h);
    float *raw = ws->planes, *smooth = ws->planes + 3 * n;
    for (size_t i = 0; i < n; i++)
        for (int c = 0; c < 3; c++)
            raw[c * n + i] = rgb[3 * i + c];
    float mask[MASK_MAX] = {0};
    int len = gauss_mask(sigma, mask);
    for (int c = 0; c < 3; c++)
        smooth_plane(raw + c * n, ws->tmp, smooth + c * n, w, h, mask, len);
    edge_hist hs; /* 24 kB */
    size_t ne = build_edges(smooth, w, h, ws->edges, &hs);
    const uint64_t *sorted = ne ? sort_edges(ws->edges, ws->edges2, ne, &hs) : ws->edges;
    if (how == IMGSTATS_SEG_AUTO)
        how = n <= IMGSTATS_SEG_RELABEL_MAX_PX ? IMGSTATS_SEG_RELABEL : IMGSTATS_SEG_UNION_FIND;
    if (how == IMGSTATS_SEG_RELABEL) {
        uint32_t *links = ws->links;
        forest f = {links, links + n, ws->comps};
        *count = segment_graph_relabel(&f, n, (size_t)w, sorted, ne, k, min_size);
    } else {
        uint32_t *sizes = ws->comps;
        uf u = {ws->links, sizes, (uint8_t *)(sizes + n)};
        *count = segment_graph_uf(&u, n, (size_t)w, sorted, ne, k, min_size);
    }
    return 0;
}

int imgstats_segments(imgstats_ws *ws, const uint8_t *rgb, int w, int h, float sigma, float k,
                      int min_size, long *count, dl_error *err)
{
    return imgstats_segments_by(ws, rgb, w, h, sigma, k, min_size, IMGSTATS_SEG_AUTO, count, err);
}
