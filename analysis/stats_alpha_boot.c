/* stats_alpha_boot.c — Krippendorff's alpha on sparse ratings, with its
 * uncertainty: bootstrap intervals, p(alpha < alpha_min), leave-one-coder-out
 * and per-coder mean pairwise alphas.
 *
 * The ratings are kept as what they are, a list of (coder, unit, value), so
 * memory follows the number of ratings, not coders x units (1,000 coders
 * rating 1,000,000 units once each is 10^6 ratings, not 10^9 cells).
 * Grouping is by sorting: each pairable unit (two or more values) becomes a
 * short run of (value position, count) pairs.
 *
 * Alpha of a weighted set of units (weight = how often a bootstrap replicate
 * drew the unit) is then one pass over the runs:
 *   n_c  = sum_u w_u n_uc,            n = sum_c n_c
 *   D_o  = 1/n sum_u w_u s_u,         s_u = sum_{c,k} n_uc n_uk d2(c,k) / (m_u - 1)
 *   D_e  = 1/(n (n-1)) sum_{c,k} n_c n_k d2(c,k).
 * For nominal, interval and ratio data s_u does not depend on the other units
 * and is computed once; a replicate only sums weighted s_u. Ordinal distances
 * depend on the value totals n_c, so a replicate recomputes the mid-cumulative
 * positions and s_u from the unit's few (value, count) pairs.
 *
 * Random numbers: replicate b draws from its own stream, whose i-th 64-bit
 * word is dl_mix64(base_b + i * GOLDEN) with base_b = dl_mix64(seed ^
 * dl_mix64(b)) (splitmix64), so a replicate's numbers depend only on the seed
 * and b: the same seed gives the same replicates on any number of threads. */
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "dl_stats.h"

#define GOLDEN 0x9E3779B97F4A7C15ULL
enum { MAX_THREADS = 64 };

struct dl_alpha_set {
    dl_level level;
    size_t nunits;    /* pairable units */
    uint32_t *m;      /* values per pairable unit */
    size_t *start;    /* runs of unit u: [start[u], start[u+1]) */
    uint32_t *pos;    /* value position of each run */
    uint32_t *cnt;    /* occurrences of that value in the unit */
    size_t nv;        /* distinct values among pairable values */
    double *vals;     /* sorted distinct values */
    double *s_u;      /* per-unit share of D_o (not for ordinal) */
    size_t pairable;  /* n.. of the whole set */
    size_t nratings;  /* ratings given (missing values excluded) */
    size_t nunits_in; /* distinct units among the ratings */
    /* Few distinct values: each unit's whole contribution as one vector of
     * `len` doubles (its value counts n_uc, then for ordinal data its
     * coincidences o_ck, c < k, else its share s_u), so a bootstrap
     * replicate is a sum of the drawn units' vectors. NULL otherwise. */
    double *vec;
    size_t len;
    size_t stride; /* doubles per unit in vec: len, or 16 when len <= 16 */
};

/* ---- building --------------------------------------------------------------- */

static int cmp_rating(const void *pa, const void *pb)
{
    const dl_alpha_rating *a = pa, *b = pb;
    if (a->unit != b->unit)
        return (a->unit > b->unit) - (a->unit < b->unit);
    return (a->value > b->value) - (a->value < b->value);
}

static size_t find_value(const double *vals, size_t nv, double v)
{
    size_t lo = 0, hi = nv;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (vals[mid] < v)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static double ratio_d2(double x, double y)
{
    double d = (x - y) / (x + y);
    return x + y == 0 ? 0 : d * d;
}

/* sum_{c,k} n_c n_k d2(c, k) for counts n[] at positions x[] (nv of them). */
static double pair_sum(dl_level level, const double *n, const double *x, const uint32_t *at,
                       size_t nt, double total)
{
    if (level == DL_LEVEL_NOMINAL) {
        double sq = 0;
        for (size_t t = 0; t < nt; t++)
            sq += n[t] * n[t];
        return total * total - sq;
    }
    if (level == DL_LEVEL_RATIO) {
        double s = 0;
        for (size_t t = 0; t < nt; t++)
            for (size_t q = t + 1; q < nt; q++)
                s += n[t] * n[q] * ratio_d2(x[at[t]], x[at[q]]);
        return 2 * s;
    }
    double mean = 0, ss = 0; /* centred, for accuracy with large values */
    for (size_t t = 0; t < nt; t++)
        mean += n[t] * x[at[t]];
    mean /= total;
    for (size_t t = 0; t < nt; t++) {
        double d = x[at[t]] - mean;
        ss += n[t] * d * d;
    }
    return 2 * total * ss;
}

/* s_u of unit u with positions x[]. */
static double unit_share(const dl_alpha_set *s, size_t u, const double *x)
{
    size_t a = s->start[u], nt = s->start[u + 1] - a;
    double n[64], total = (double)s->m[u];
    if (nt > 64) { /* a unit with more than 64 distinct values: rare, slow path */
        double sum = 0;
        for (size_t t = 0; t < nt; t++)
            for (size_t q = 0; q < nt; q++) {
                double xc = x[s->pos[a + t]], xk = x[s->pos[a + q]];
                double d2 = s->level == DL_LEVEL_NOMINAL ? (t != q)
                            : s->level == DL_LEVEL_RATIO ? ratio_d2(xc, xk)
                                                         : (xc - xk) * (xc - xk);
                sum += (double)s->cnt[a + t] * (double)s->cnt[a + q] * d2;
            }
        return sum / (total - 1);
    }
    for (size_t t = 0; t < nt; t++)
        n[t] = s->cnt[a + t];
    return pair_sum(s->level, n, x, s->pos + a, nt, total) / (total - 1);
}

void dl_alpha_set_free(dl_alpha_set *s)
{
    if (!s)
        return;
    free(s->m);
    free(s->start);
    free(s->pos);
    free(s->cnt);
    free(s->vals);
    free(s->s_u);
    free(s->vec);
    free(s);
}

/* Distinct values of the pairable ratings (sorted by unit in r). */
static int collect_values(dl_alpha_set *s, const dl_alpha_rating *r, size_t n)
{
    double *v = dl_calloc(n ? n : 1, sizeof *v);
    if (!v)
        return DL_ENOMEM;
    size_t k = 0;
    for (size_t i = 0, j; i < n; i = j) {
        for (j = i; j < n && r[j].unit == r[i].unit; j++)
            ;
        if (j - i >= 2)
            for (size_t t = i; t < j; t++)
                v[k++] = r[t].value;
    }
    qsort(v, k, sizeof *v, dl_cmp_double);
    size_t nv = 0;
    for (size_t i = 0; i < k; i++)
        if (nv == 0 || v[i] != v[nv - 1])
            v[nv++] = v[i];
    s->nv = nv;
    s->vals = v;
    s->pairable = k;
    return 0;
}

/* Runs of (value position, count) per pairable unit. */
static int build_runs(dl_alpha_set *s, const dl_alpha_rating *r, size_t n)
{
    size_t nu = 0, nruns = 0;
    for (size_t i = 0, j; i < n; i = j) {
        size_t distinct = 1;
        for (j = i + 1; j < n && r[j].unit == r[i].unit; j++)
            distinct += r[j].value != r[j - 1].value;
        s->nunits_in++;
        if (j - i >= 2) {
            nu++;
            nruns += distinct;
        }
    }
    s->nunits = nu;
    s->m = dl_calloc(nu ? nu : 1, sizeof *s->m);
    s->start = dl_calloc(nu + 1, sizeof *s->start);
    s->pos = dl_calloc(nruns ? nruns : 1, sizeof *s->pos);
    s->cnt = dl_calloc(nruns ? nruns : 1, sizeof *s->cnt);
    s->s_u = dl_calloc(nu ? nu : 1, sizeof *s->s_u);
    if (!s->m || !s->start || !s->pos || !s->cnt || !s->s_u)
        return DL_ENOMEM;
    size_t u = 0, e = 0;
    for (size_t i = 0, j; i < n; i = j) {
        for (j = i + 1; j < n && r[j].unit == r[i].unit; j++)
            ;
        if (j - i < 2)
            continue;
        s->start[u] = e;
        s->m[u] = (uint32_t)(j - i);
        for (size_t t = i; t < j; t++) {
            if (t == i || r[t].value != r[t - 1].value) {
                s->pos[e] = (uint32_t)find_value(s->vals, s->nv, r[t].value);
                s->cnt[e++] = 0;
            }
            s->cnt[e - 1]++;
        }
        u++;
    }
    s->start[nu] = e;
    if (s->level != DL_LEVEL_ORDINAL)
        for (u = 0; u < nu; u++)
            s->s_u[u] = unit_share(s, u, s->vals);
    return 0;
}

/* Largest vector, and most doubles for all of them (32 MiB). */
enum { VEC_LEN_MAX = 64, VEC_TOTAL_MAX = 1 << 22 };

static size_t upper_index(size_t nv, size_t c, size_t k) /* c < k */
{
    return c * (2 * nv - c - 1) / 2 + (k - c - 1);
}

static int build_vectors(dl_alpha_set *s)
{
    size_t nv = s->nv;
    size_t len = nv + (s->level == DL_LEVEL_ORDINAL ? nv * (nv - 1) / 2 : 1);
    if (nv < 2 || len > VEC_LEN_MAX || s->nunits > VEC_TOTAL_MAX / len)
        return 0; /* the general path serves */
    /* Up to 16 doubles are padded to 16, so a replicate's running sum has a
     * size known when compiling and stays in registers. */
    size_t stride = len <= 16 ? 16 : len;
    s->vec = dl_calloc(s->nunits * stride, sizeof *s->vec);
    if (!s->vec)
        return DL_ENOMEM;
    s->len = len;
    s->stride = stride;
    for (size_t u = 0; u < s->nunits; u++) {
        double *v = s->vec + u * stride, m = s->m[u];
        for (size_t e = s->start[u]; e < s->start[u + 1]; e++) {
            v[s->pos[e]] = s->cnt[e];
            for (size_t f = e + 1; s->level == DL_LEVEL_ORDINAL && f < s->start[u + 1]; f++)
                v[nv + upper_index(nv, s->pos[e], s->pos[f])] =
                    (double)s->cnt[e] * s->cnt[f] / (m - 1);
        }
        if (s->level != DL_LEVEL_ORDINAL)
            v[nv] = s->s_u[u];
    }
    return 0;
}

int dl_alpha_set_new(const dl_alpha_rating *ratings, size_t n, dl_level level, dl_alpha_set **out,
                     const char **why)
{
    *out = NULL;
    if ((unsigned)level > DL_LEVEL_RATIO || (!ratings && n)) {
        if (why)
            *why = "invalid arguments";
        return DL_EINVAL;
    }
    dl_alpha_rating *r = dl_calloc(n ? n : 1, sizeof *r);
    dl_alpha_set *s = dl_calloc(1, sizeof *s);
    int rc = DL_ENOMEM;
    if (!r || !s)
        goto fail;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        double v = ratings[i].value;
        if (isnan(v))
            continue;
        if (isinf(v) || (level == DL_LEVEL_RATIO && v < 0)) {
            if (why)
                *why = isinf(v) ? "a value is infinite" : "ratio data must not be negative";
            rc = DL_EINVAL;
            goto fail;
        }
        r[k] = ratings[i];
        r[k++].value = v == 0.0 ? 0.0 : v; /* -0.0 and 0.0 are one value */
    }
    qsort(r, k, sizeof *r, cmp_rating);
    s->level = level;
    s->nratings = k;
    if ((rc = collect_values(s, r, k)) != 0 || (rc = build_runs(s, r, k)) != 0 ||
        (rc = build_vectors(s)) != 0)
        goto fail;
    free(r);
    *out = s;
    return 0;
fail:
    if (rc == DL_ENOMEM && why)
        *why = "out of memory";
    free(r);
    dl_alpha_set_free(s);
    return rc;
}

size_t dl_alpha_set_units(const dl_alpha_set *s)
{
    return s->nunits;
}

/* ---- alpha of weighted units ---------------------------------------------------- */

/* Scratch for one evaluation: value totals, positions, list of present values. */
typedef struct eval_buf {
    double *n_c, *x;
    uint32_t *at;
} eval_buf;

static int eval_buf_init(eval_buf *b, size_t nv)
{
    size_t k = nv ? nv : 1;
    b->n_c = dl_calloc(k, sizeof *b->n_c);
    b->x = dl_calloc(k, sizeof *b->x);
    b->at = dl_calloc(k, sizeof *b->at);
    return b->n_c && b->x && b->at ? 0 : DL_ENOMEM;
}

static void eval_buf_free(eval_buf *b)
{
    free(b->n_c);
    free(b->x);
    free(b->at);
}

/* Alpha of the units weighted by w (NULL = each once); NaN when undefined.
 * d_obs and d_exp may be NULL. */
static double eval_alpha(const dl_alpha_set *s, const uint32_t *w, eval_buf *b, double *d_obs,
                         double *d_exp)
{
    memset(b->n_c, 0, s->nv * sizeof *b->n_c);
    for (size_t u = 0; u < s->nunits; u++) {
        double wu = w ? w[u] : 1;
        if (wu == 0)
            continue;
        for (size_t e = s->start[u]; e < s->start[u + 1]; e++)
            b->n_c[s->pos[e]] += wu * s->cnt[e];
    }
    size_t nt = 0;
    double n = 0, cum = 0;
    for (size_t v = 0; v < s->nv; v++) {
        if (b->n_c[v] == 0)
            continue;
        b->at[nt] = (uint32_t)v;
        b->n_c[nt++] = b->n_c[v]; /* compact: n_c[t] belongs to value at[t] */
        n += b->n_c[v];
    }
    for (size_t t = 0; t < nt; t++) {
        /* Ordinal: positions are mid-cumulative counts cum_g - n_g / 2. */
        cum += b->n_c[t];
        b->x[b->at[t]] = s->level == DL_LEVEL_ORDINAL ? cum - b->n_c[t] / 2 : s->vals[b->at[t]];
    }
    double obs = 0;
    for (size_t u = 0; u < s->nunits; u++) {
        double wu = w ? w[u] : 1;
        if (wu != 0)
            obs += wu * (s->level == DL_LEVEL_ORDINAL ? unit_share(s, u, b->x) : s->s_u[u]);
    }
    double exp = pair_sum(s->level, b->n_c, b->x, b->at, nt, n);
    double dobs = n > 0 ? obs / n : NAN, dexp = n > 1 ? exp / (n * (n - 1)) : NAN;
    if (d_obs)
        *d_obs = dobs;
    if (d_exp)
        *d_exp = dexp;
    if (nt < 2)
        return NAN;
    double a = 1 - dobs / dexp;
    return isfinite(a) ? a : NAN;
}

int dl_alpha_set_alpha(const dl_alpha_set *s, dl_alpha *out, const char **why)
{
    memset(out, 0, sizeof *out);
    out->alpha = out->d_obs = out->d_exp = NAN;
    out->pairable_values = s->pairable;
    out->units_used = s->nunits;
    out->nvalues = s->nv;
    if (s->pairable == 0) {
        if (why)
            *why = "no unit has two or more values";
        return DL_EUNDEF;
    }
    eval_buf b;
    int rc = eval_buf_init(&b, s->nv);
    if (rc == 0)
        out->alpha = eval_alpha(s, NULL, &b, &out->d_obs, &out->d_exp);
    eval_buf_free(&b);
    if (rc)
        return rc;
    if (s->nv < 2 || isnan(out->alpha)) {
        out->alpha = NAN;
        if (why)
            *why = s->nv < 2 ? "only one distinct value: expected disagreement is 0"
                             : "values too far apart or too close: distances overflow";
        return DL_EUNDEF;
    }
    return 0;
}

/* ---- bootstrap ------------------------------------------------------------------ */

const char *dl_alpha_boot_method_name(dl_alpha_boot_method m)
{
    return m == DL_ALPHA_BOOT_HAYES ? "hayes" : "units";
}

int dl_alpha_boot_method_parse(const char *s)
{
    if (strcmp(s, "units") == 0)
        return DL_ALPHA_BOOT_UNITS;
    if (strcmp(s, "hayes") == 0)
        return DL_ALPHA_BOOT_HAYES;
    return -1;
}

uint64_t dl_boot_stream(uint64_t seed, uint64_t replicate)
{
    return dl_mix64(seed ^ dl_mix64(replicate));
}

/* The coincidence cells of Krippendorff's bootstrap: every pair of distinct
 * values c < k with o_ck > 0, its probability 2 o_ck / n.. and d2(c, k); the
 * diagonal (d2 = 0) is one lumped cell. */
typedef struct hayes_cells {
    size_t ncell;
    double *p, *d2;
    double d_exp;
    unsigned long draws; /* M = sum_u m_u (m_u - 1) / 2 pairs per replicate */
} hayes_cells;

static int hayes_prepare(const dl_alpha_set *s, hayes_cells *h)
{
    memset(h, 0, sizeof *h);
    size_t nv = s->nv;
    if (nv > 4096)
        return DL_EINVAL; /* a dense V x V coincidence matrix would not fit */
    double *o = dl_calloc(nv * nv, sizeof *o);
    eval_buf b;
    int rc = eval_buf_init(&b, nv);
    h->p = dl_calloc(nv * nv + 1, sizeof *h->p);
    h->d2 = dl_calloc(nv * nv + 1, sizeof *h->d2);
    if (!o || rc || !h->p || !h->d2) {
        rc = DL_ENOMEM;
        goto done;
    }
    eval_alpha(s, NULL, &b, NULL, &h->d_exp); /* fills b.x with the positions */
    double pairs = 0;
    for (size_t u = 0; u < s->nunits; u++) {
        double m = s->m[u];
        pairs += m * (m - 1) / 2;
        for (size_t e = s->start[u]; e < s->start[u + 1]; e++)
            for (size_t f = e + 1; f < s->start[u + 1]; f++)
                o[s->pos[e] * nv + s->pos[f]] += (double)s->cnt[e] * s->cnt[f] / (m - 1);
    }
    double n = (double)s->pairable, rest = 1;
    for (size_t c = 0; c < nv; c++)
        for (size_t k = c + 1; k < nv; k++) {
            if (o[c * nv + k] == 0)
                continue;
            double xc = b.x[c], xk = b.x[k];
            h->p[h->ncell] = 2 * o[c * nv + k] / n;
            h->d2[h->ncell] = s->level == DL_LEVEL_NOMINAL ? 1
                              : s->level == DL_LEVEL_RATIO ? ratio_d2(xc, xk)
                                                           : (xc - xk) * (xc - xk);
            rest -= h->p[h->ncell++];
        }
    h->p[h->ncell] = rest > 0 ? rest : 0; /* the diagonal */
    h->d2[h->ncell++] = 0;
    /* GSL draws binomials of at most UINT_MAX trials. */
    h->draws = pairs < 4294967295.0 ? (unsigned long)pairs : 4294967295UL;
    rc = 0;
done:
    free(o);
    eval_buf_free(&b);
    return rc;
}

static void hayes_free(hayes_cells *h)
{
    free(h->p);
    free(h->d2);
}

/* One replicate: the M pairs fall into the cells as Multinomial(M, p), drawn
 * as a chain of binomials (the same distribution as M single draws). */
static double hayes_replicate(const hayes_cells *h, gsl_rng *rng)
{
    unsigned long left = h->draws;
    double pleft = 1, sum = 0;
    for (size_t i = 0; i + 1 < h->ncell && left > 0; i++) {
        /* Rounding can leave pleft a hair below p[i] (or at 0) near the end. */
        double p = pleft > 0 ? h->p[i] / pleft : 1;
        unsigned int k = p >= 1   ? (unsigned)left
                         : p <= 0 ? 0
                                  : gsl_ran_binomial(rng, p, (unsigned)left);
        sum += k * h->d2[i];
        left -= k;
        pleft -= h->p[i];
    }
    return 1 - sum / (double)h->draws / h->d_exp;
}

/* Alpha from a summed vector acc (value totals, then coincidences or the
 * observed sum); b provides scratch. NaN when undefined. */
static double alpha_of_vector(const dl_alpha_set *s, const double *acc, eval_buf *b)
{
    size_t nv = s->nv, nt = 0;
    double n = 0, cum = 0, obs = 0;
    for (size_t v = 0; v < nv; v++) {
        if (acc[v] == 0)
            continue;
        b->at[nt] = (uint32_t)v;
        b->n_c[nt++] = acc[v];
        n += acc[v];
    }
    for (size_t t = 0; t < nt; t++) {
        cum += b->n_c[t];
        b->x[b->at[t]] = s->level == DL_LEVEL_ORDINAL ? cum - b->n_c[t] / 2 : s->vals[b->at[t]];
    }
    if (nt < 2)
        return NAN;
    if (s->level == DL_LEVEL_ORDINAL) {
        const double *o = acc + nv;
        for (size_t c = 0, i = 0; c < nv; c++)
            for (size_t k = c + 1; k < nv; k++, i++) {
                double d = b->x[c] - b->x[k];
                obs += o[i] * d * d; /* o is 0 for absent values, whose x is stale */
            }
        obs *= 2;
    } else {
        obs = acc[nv];
    }
    double exp = pair_sum(s->level, b->n_c, b->x, b->at, nt, n);
    double a = 1 - (obs / n) / (exp / (n * (n - 1)));
    return isfinite(a) ? a : NAN;
}

/* A units replicate on the vectors: sum the drawn units' vectors. */
static double units_replicate_vec(const dl_alpha_set *s, uint64_t base, double *acc, eval_buf *b)
{
    size_t nu = s->nunits, len = s->len, stride = s->stride;
    if (stride == 16) {
        double a[16] = {0};
        for (size_t i = 0; i < nu; i++) {
            uint64_t x = dl_mix64(base + (uint64_t)i * GOLDEN);
            const double *v = s->vec + (((x >> 32) * (uint64_t)nu) >> 32) * 16;
            for (size_t j = 0; j < 16; j++)
                a[j] += v[j];
        }
        memcpy(acc, a, sizeof a);
        return alpha_of_vector(s, acc, b);
    }
    memset(acc, 0, len * sizeof *acc);
    for (size_t i = 0; i < nu; i++) {
        uint64_t x = dl_mix64(base + (uint64_t)i * GOLDEN);
        const double *v = s->vec + (((x >> 32) * (uint64_t)nu) >> 32) * stride;
        for (size_t j = 0; j < len; j++)
            acc[j] += v[j];
    }
    return alpha_of_vector(s, acc, b);
}

typedef struct boot_work {
    const dl_alpha_set *s;
    const hayes_cells *h;
    dl_alpha_boot_method method;
    uint64_t seed;
    size_t nrep;
    double *reps;
    int nthreads;
} boot_work;

typedef struct boot_thread {
    const boot_work *w;
    int index;
    int rc;
} boot_thread;

static void units_replicate_weights(uint64_t base, size_t nu, uint32_t *w)
{
    memset(w, 0, nu * sizeof *w);
    for (size_t i = 0; i < nu; i++) {
        uint64_t x = dl_mix64(base + (uint64_t)i * GOLDEN);
        w[((x >> 32) * (uint64_t)nu) >> 32]++; /* nu < 2^32: bias below 2^-32 nu */
    }
}

static void *boot_worker(void *arg)
{
    boot_thread *t = arg;
    const boot_work *w = t->w;
    const dl_alpha_set *s = w->s;
    uint32_t *weights = dl_calloc(s->nunits ? s->nunits : 1, sizeof *weights);
    double acc[VEC_LEN_MAX];
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    eval_buf b;
    t->rc = eval_buf_init(&b, s->nv);
    if (!weights || !rng || t->rc) {
        t->rc = DL_ENOMEM;
        goto done;
    }
    /* Replicates are dealt round-robin; each has its own stream. */
    for (size_t r = (size_t)t->index; r < w->nrep; r += (size_t)w->nthreads) {
        uint64_t base = dl_boot_stream(w->seed, r);
        if (w->method == DL_ALPHA_BOOT_UNITS && s->vec) {
            w->reps[r] = units_replicate_vec(s, base, acc, &b);
        } else if (w->method == DL_ALPHA_BOOT_UNITS) {
            units_replicate_weights(base, s->nunits, weights);
            w->reps[r] = eval_alpha(s, weights, &b, NULL, NULL);
        } else {
            gsl_rng_set(rng, (unsigned long)base);
            w->reps[r] = hayes_replicate(w->h, rng);
        }
    }
done:
    eval_buf_free(&b);
    gsl_rng_free(rng);
    free(weights);
    return NULL;
}

static int resolve_threads(int threads, size_t nrep)
{
    long t = threads > 0 ? threads : sysconf(_SC_NPROCESSORS_ONLN);
    if (t < 1)
        t = 1;
    if (t > MAX_THREADS)
        t = MAX_THREADS;
    if ((size_t)t > nrep)
        t = nrep ? (long)nrep : 1;
    return (int)t;
}

static int run_boot(boot_work *w, int threads)
{
    boot_thread th[MAX_THREADS];
    pthread_t ids[MAX_THREADS];
    int n = resolve_threads(threads, w->nrep), started = 0;
    w->nthreads = n;
    for (int t = 0; t < n; t++)
        th[t] = (boot_thread){w, t, 0};
    for (int t = 1; t < n; t++)
        if (pthread_create(&ids[t], NULL, boot_worker, &th[t]) != 0)
            break;
        else
            started = t;
    /* Threads that could not start: their replicates are done here. */
    for (int t = started + 1; t < n; t++)
        boot_worker(&th[t]);
    boot_worker(&th[0]);
    for (int t = 1; t <= started; t++)
        pthread_join(ids[t], NULL);
    for (int t = 0; t < n; t++)
        if (th[t].rc)
            return th[t].rc;
    return 0;
}

double dl_stats_quantile_sorted(const double *x, size_t n, double q)
{
    if (n == 0)
        return NAN;
    double h = q * (double)(n - 1);
    size_t i = (size_t)floor(h);
    if (i + 1 >= n)
        return x[n - 1];
    return x[i] + (h - (double)i) * (x[i + 1] - x[i]);
}

int dl_alpha_boot_run(const dl_alpha_set *s, const dl_alpha_boot_opts *o, dl_alpha_boot *out,
                      double *reps_out)
{
    memset(out, 0, sizeof *out);
    out->ci_low = out->ci_high = NAN;
    for (size_t i = 0; i < DL_ALPHA_MIN_MAX; i++)
        out->p_below[i] = NAN;
    if (!o || o->replicates == 0 || !(o->conf > 0 && o->conf < 1) || o->nmin > DL_ALPHA_MIN_MAX ||
        (unsigned)o->method > DL_ALPHA_BOOT_HAYES || s->nunits > UINT32_MAX)
        return DL_EINVAL;
    out->replicates = o->replicates;
    out->seed = o->seed;
    out->conf = o->conf;
    out->method = o->method;
    if (s->nunits == 0 || s->nv < 2)
        return DL_EUNDEF;
    double *reps = dl_calloc(o->replicates, sizeof *reps);
    hayes_cells h = {0};
    int rc = reps ? 0 : DL_ENOMEM;
    if (rc == 0 && o->method == DL_ALPHA_BOOT_HAYES)
        rc = hayes_prepare(s, &h);
    boot_work w = {s, &h, o->method, o->seed, o->replicates, reps, 1};
    if (rc == 0)
        rc = run_boot(&w, o->threads);
    if (rc)
        goto done;
    if (reps_out)
        memcpy(reps_out, reps, o->replicates * sizeof *reps);
    /* Undefined replicates (one value only) are counted and left out. */
    size_t k = 0;
    for (size_t r = 0; r < o->replicates; r++)
        if (!isnan(reps[r]))
            reps[k++] = reps[r];
    out->undefined = o->replicates - k;
    qsort(reps, k, sizeof *reps, dl_cmp_double);
    out->ci_low = dl_stats_quantile_sorted(reps, k, (1 - o->conf) / 2);
    out->ci_high = dl_stats_quantile_sorted(reps, k, 1 - (1 - o->conf) / 2);
    for (size_t i = 0; i < o->nmin; i++) {
        size_t below = 0;
        for (size_t r = 0; r < k; r++)
            below += reps[r] < o->alpha_min[i];
        out->alpha_min[i] = o->alpha_min[i];
        out->p_below[i] = k ? (double)below / (double)k : NAN;
    }
    out->nmin = o->nmin;
    rc = k ? 0 : DL_EUNDEF;
done:
    hayes_free(&h);
    free(reps);
    return rc;
}

/* ---- per coder ------------------------------------------------------------------ */

static int cmp_coder_unit(const void *pa, const void *pb)
{
    const dl_alpha_rating *a = pa, *b = pb;
    if (a->coder != b->coder)
        return (a->coder > b->coder) - (a->coder < b->coder);
    return (a->unit > b->unit) - (a->unit < b->unit);
}

static double alpha_of(const dl_alpha_rating *r, size_t n, dl_level level, int *rc)
{
    dl_alpha_set *s = NULL;
    dl_alpha a;
    double v = NAN;
    *rc = dl_alpha_set_new(r, n, level, &s, NULL);
    if (*rc == 0) {
        *rc = dl_alpha_set_alpha(s, &a, NULL);
        v = a.alpha;
    }
    if (*rc == DL_EUNDEF)
        *rc = 0;
    dl_alpha_set_free(s);
    return v;
}

/* Pairwise alphas from the ratings sorted by (coder, unit): a merge of the
 * two coders' lists gives the units both rated. */
static int pairwise(const dl_alpha_rating *r, const size_t *first, size_t ncoders, dl_level level,
                    dl_alpha_rating *two, double *pair, size_t *pair_units)
{
    int rc = 0;
    for (size_t a = 0; a < ncoders && rc == 0; a++) {
        pair[a * ncoders + a] = NAN;
        for (size_t b = a + 1; b < ncoders && rc == 0; b++) {
            size_t i = first[a], j = first[b], k = 0;
            while (i < first[a + 1] && j < first[b + 1]) {
                if (r[i].unit < r[j].unit)
                    i++;
                else if (r[j].unit < r[i].unit)
                    j++;
                else {
                    two[k++] = r[i++];
                    two[k++] = r[j++];
                }
            }
            pair[a * ncoders + b] = pair[b * ncoders + a] = alpha_of(two, k, level, &rc);
            if (pair_units)
                pair_units[a * ncoders + b] = pair_units[b * ncoders + a] = k / 2;
        }
    }
    return rc;
}

int dl_alpha_per_coder(const dl_alpha_rating *ratings, size_t n, size_t ncoders, dl_level level,
                       double *loo, double *mean_pair, double *pair, size_t *pair_units)
{
    for (size_t i = 0; i < n; i++)
        if (ratings[i].coder >= ncoders)
            return DL_EINVAL;
    dl_alpha_rating *r = dl_calloc(n ? n : 1, sizeof *r);
    dl_alpha_rating *other = dl_calloc(n ? n : 1, sizeof *other);
    size_t *first = dl_calloc(ncoders + 1, sizeof *first);
    double *pr = pair ? pair : dl_calloc(ncoders * ncoders + 1, sizeof *pr);
    int rc = r && other && first && pr ? 0 : DL_ENOMEM;
    if (rc)
        goto done;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) /* missing values are no ratings */
        if (!isnan(ratings[i].value))
            r[k++] = ratings[i];
    n = k;
    qsort(r, n, sizeof *r, cmp_coder_unit);
    for (size_t i = 0; i < n; i++)
        first[r[i].coder + 1]++;
    for (size_t c = 0; c < ncoders; c++)
        first[c + 1] += first[c];
    for (size_t c = 0; c < ncoders && rc == 0; c++) {
        /* Everyone but c: the ratings before and after c's block. */
        size_t before = first[c], after = n - first[c + 1];
        memcpy(other, r, before * sizeof *r);
        memcpy(other + before, r + first[c + 1], after * sizeof *r);
        loo[c] = alpha_of(other, before + after, level, &rc);
    }
    if (rc == 0)
        rc = pairwise(r, first, ncoders, level, other, pr, pair_units);
    for (size_t c = 0; c < ncoders && rc == 0; c++) {
        double sum = 0;
        size_t cnt = 0;
        for (size_t d = 0; d < ncoders; d++)
            if (d != c && !isnan(pr[c * ncoders + d])) {
                sum += pr[c * ncoders + d];
                cnt++;
            }
        mean_pair[c] = cnt ? sum / (double)cnt : NAN;
    }
done:
    free(r);
    free(other);
    free(first);
    if (pr != pair)
        free(pr);
    return rc;
}
