/* demo_zoo.c — the model zoo of the synthetic Gaussian data set: models that
 * LEARN from the training images. Like the networks of Meding et al. (2022)
 * they all see the same data, and differ in inductive bias: the learner
 * (nearest class mean, softmax regression by SGD, k nearest neighbours,
 * Gaussian naive Bayes), the features it is given (channel SDs, local
 * contrast, a histogram of deviations) and, for the same learner and
 * features, the training subset and the seed. Whatever their errors share
 * comes from the data — images whose noise happens to look like another
 * class — and whatever they do not, from their biases. */
#include "demo_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Pixel (x, y) channel c of an RGB image of side n. */
#define PIX(im, n, x, y, c) ((double)(im)[((size_t)(y) * (n) + (x)) * 3 + (c)])

enum { F_VAR, F_CONTRAST, F_HIST };
enum { L_NCM, L_SOFTMAX, L_KNN, L_BAYES };

static const unsigned feat_dim[DEMO_NSETS] = {3, 3, 6};

typedef struct zoo_spec {
    const char *name;
    int learner;
    int features;
    unsigned subset_pct; /* share of the training images this model sees */
    unsigned seed;       /* of its training subset and its SGD order */
} zoo_spec;

/* Same learner on other subsets and seeds (ncm-var-a/b, softmax-var-1/2),
 * same features under other learners, and other features. */
static const zoo_spec specs[] = {
    {"ncm-var-a", L_NCM, F_VAR, 60, 1},
    {"ncm-var-b", L_NCM, F_VAR, 60, 2},
    {"ncm-hist", L_NCM, F_HIST, 80, 3},
    {"softmax-var-1", L_SOFTMAX, F_VAR, 80, 4},
    {"softmax-var-2", L_SOFTMAX, F_VAR, 80, 5},
    {"softmax-hist", L_SOFTMAX, F_HIST, 80, 6},
    {"softmax-contrast", L_SOFTMAX, F_CONTRAST, 80, 7},
    {"knn5-var", L_KNN, F_VAR, 100, 8},
    {"knn5-hist", L_KNN, F_HIST, 100, 9},
    {"bayes-var", L_BAYES, F_VAR, 80, 10},
    {"bayes-contrast", L_BAYES, F_CONTRAST, 80, 11},
};
enum { NSPECS = sizeof specs / sizeof *specs };

size_t dl_stimuli_demo_nmodels(void)
{
    return NSPECS;
}

const char *dl_stimuli_demo_model(size_t i)
{
    return i < NSPECS ? specs[i].name : NULL;
}

const char *demo_zoo_name(size_t m)
{
    return specs[m].name;
}

/* ---- features ---------------------------------------------------------------------------------
 */

static double sd_of(double s, double s2, double k)
{
    double var = (s2 - s * s / k) / (k - 1);
    return var > 0 ? sqrt(var) : 0;
}

void demo_features(const uint8_t *im, unsigned n, double f[DEMO_NSETS][DEMO_NFEAT])
{
    memset(f, 0, sizeof(double) * DEMO_NSETS * DEMO_NFEAT);
    /* Channel SDs. */
    for (int c = 0; c < 3; c++) {
        double s = 0, s2 = 0;
        for (unsigned i = 0; i < n * n; i++) {
            double v = (double)im[(size_t)i * 3 + (size_t)c];
            s += v;
            s2 += v * v;
        }
        f[F_VAR][c] = sd_of(s, s2, (double)n * n);
    }
    /* Local contrast: horizontal and vertical neighbour differences, and the
     * SD of 2x2 block means (a blurred view). */
    double hs = 0, hs2 = 0, hk = 0, vs = 0, vs2 = 0, vk = 0, bs = 0, bs2 = 0, bk = 0;
    for (unsigned y = 0; y < n; y++)
        for (unsigned x = 0; x < n; x++)
            for (int c = 0; c < 3; c++) {
                double v = PIX(im, n, x, y, c);
                if (x + 1 < n) {
                    double d = PIX(im, n, x + 1, y, c) - v;
                    hs += d, hs2 += d * d, hk++;
                }
                if (y + 1 < n) {
                    double d = PIX(im, n, x, y + 1, c) - v;
                    vs += d, vs2 += d * d, vk++;
                }
                if (x % 2 == 0 && y % 2 == 0 && x + 1 < n && y + 1 < n) {
                    double b = (v + PIX(im, n, x + 1, y, c) + PIX(im, n, x, y + 1, c) +
                                PIX(im, n, x + 1, y + 1, c)) /
                               4;
                    bs += b, bs2 += b * b, bk++;
                }
            }
    f[F_CONTRAST][0] = sd_of(hs, hs2, hk);
    f[F_CONTRAST][1] = sd_of(vs, vs2, vk);
    f[F_CONTRAST][2] = sd_of(bs, bs2, bk);
    /* Share of values per bin of |v - 128|, bins 0-3, 4-7, 8-15, 16-31, 32-63, 64+. */
    size_t total = (size_t)n * n * 3;
    for (size_t i = 0; i < total; i++) {
        int d = abs((int)im[i] - 128);
        int b = d < 4 ? 0 : d < 8 ? 1 : d < 16 ? 2 : d < 32 ? 3 : d < 64 ? 4 : 5;
        f[F_HIST][b] += 1.0 / (double)total;
    }
}

/* ---- learners ---------------------------------------------------------------------------------
 */

typedef struct zoo_model {
    const zoo_spec *spec;
    unsigned dim, classes;
    double mu[DEMO_NFEAT], sd[DEMO_NFEAT]; /* standardisation from its training subset */
    double *a, *b;       /* NCM/Bayes: class means, Bayes: class variances; softmax: W, bias */
    double *train_x;     /* k-NN: its standardised training features */
    unsigned *train_cls; /* k-NN */
    size_t ntrain;
} zoo_model;

struct demo_zoo {
    zoo_model m[NSPECS];
};

static uint64_t pick(unsigned seed, size_t i)
{
    return dl_mix64(((uint64_t)seed << 32) ^ (uint64_t)i);
}

static void standardise(const zoo_model *zm, const double *raw, double *x)
{
    for (unsigned j = 0; j < zm->dim; j++)
        x[j] = (raw[j] - zm->mu[j]) / zm->sd[j];
}

/* Training features: tf[i * DEMO_NSETS * DEMO_NFEAT + set * DEMO_NFEAT + j]. */
static const double *raw_of(const double *tf, size_t i, int set)
{
    return tf + (i * DEMO_NSETS + (size_t)set) * DEMO_NFEAT;
}

static void fit_softmax(zoo_model *zm, const double *xs, const unsigned *ys, size_t n)
{
    size_t C = zm->classes, D = zm->dim;
    double *p = calloc(C, sizeof *p);
    size_t *order = n ? calloc(n, sizeof *order) : NULL;
    if (!p || !order) /* nothing to learn from (n = 0) leaves the weights at 0 */
        goto done;
    for (size_t i = 0; i < n; i++)
        order[i] = i;
    for (int epoch = 0; epoch < 150; epoch++) {
        /* A shuffle of this model's own: its seed sets the SGD path. */
        for (size_t i = n; i > 1; i--) {
            size_t k = (size_t)(pick(zm->spec->seed + 1000u * (unsigned)epoch, i) % i);
            size_t t = order[i - 1];
            order[i - 1] = order[k];
            order[k] = t;
        }
        double lr = 2.0 / (1.0 + 0.02 * epoch);
        for (size_t s = 0; s < n; s++) {
            const double *x = xs + order[s] * D;
            unsigned y = ys[order[s]];
            double mx = -INFINITY, z = 0;
            for (size_t c = 0; c < C; c++) {
                double v = zm->b[c];
                for (size_t j = 0; j < D; j++)
                    v += zm->a[c * D + j] * x[j];
                p[c] = v;
                mx = v > mx ? v : mx;
            }
            for (size_t c = 0; c < C; c++)
                z += (p[c] = exp(p[c] - mx));
            for (size_t c = 0; c < C; c++) {
                double g = p[c] / z - (c == y ? 1.0 : 0.0);
                zm->b[c] -= lr * g;
                for (size_t j = 0; j < D; j++)
                    zm->a[c * D + j] -= lr * g * x[j];
            }
        }
    }
done:
    free(p);
    free(order);
}

static int fit_one(zoo_model *zm, const double *tf, const unsigned *tcls, size_t ntrain)
{
    const zoo_spec *sp = zm->spec;
    size_t D = zm->dim, C = zm->classes;
    int rc = DL_ENOMEM;
    double *xs = calloc(ntrain * D, sizeof *xs);
    unsigned *ys = calloc(ntrain, sizeof *ys);
    double *cnt = calloc(C, sizeof *cnt);
    zm->a = calloc((size_t)C * D, sizeof *zm->a);
    zm->b = calloc((size_t)C * D, sizeof *zm->b);
    if (!xs || !ys || !cnt || !zm->a || !zm->b)
        goto done;
    size_t n = 0;
    for (size_t i = 0; i < ntrain; i++)
        if (pick(sp->seed, i) % 100 < sp->subset_pct) {
            memcpy(xs + n * D, raw_of(tf, i, sp->features), D * sizeof *xs);
            ys[n++] = tcls[i];
        }
    for (size_t j = 0; j < D; j++) {
        double s = 0, s2 = 0;
        for (size_t i = 0; i < n; i++)
            s += xs[i * D + j], s2 += xs[i * D + j] * xs[i * D + j];
        zm->mu[j] = n ? s / (double)n : 0;
        zm->sd[j] = n > 1 ? sd_of(s, s2, (double)n) : 1;
        if (!(zm->sd[j] > 0))
            zm->sd[j] = 1;
    }
    for (size_t i = 0; i < n; i++)
        standardise(zm, xs + i * D, xs + i * D);
    if (sp->learner == L_NCM || sp->learner == L_BAYES) {
        for (size_t i = 0; i < n; i++) {
            cnt[ys[i]]++;
            for (size_t j = 0; j < D; j++)
                zm->a[ys[i] * D + j] += xs[i * D + j];
        }
        for (size_t c = 0; c < C; c++)
            for (size_t j = 0; j < D; j++)
                zm->a[c * D + j] /= cnt[c] > 0 ? cnt[c] : 1;
        for (size_t i = 0; i < n; i++)
            for (size_t j = 0; j < D; j++) {
                double d = xs[i * D + j] - zm->a[ys[i] * D + j];
                zm->b[ys[i] * D + j] += d * d;
            }
        /* A variance floor keeps a class seen once or twice from a zero variance. */
        for (size_t c = 0; c < C; c++)
            for (size_t j = 0; j < D; j++)
                zm->b[c * D + j] = zm->b[c * D + j] / (cnt[c] > 1 ? cnt[c] - 1 : 1) + 1e-4;
        if (sp->learner == L_NCM)
            for (size_t c = 0; c < C; c++)
                if (cnt[c] == 0)
                    zm->a[c * D] = INFINITY; /* never the nearest */
    } else if (sp->learner == L_SOFTMAX) {
        fit_softmax(zm, xs, ys, n);
    } else {
        zm->train_x = xs;
        zm->train_cls = ys;
        zm->ntrain = n;
        xs = NULL;
        ys = NULL;
    }
    rc = 0;
done:
    free(xs);
    free(ys);
    free(cnt);
    return rc;
}

int demo_zoo_fit(const double *tf, const unsigned *tcls, size_t ntrain, unsigned classes,
                 demo_zoo **out)
{
    demo_zoo *z = calloc(1, sizeof *z);
    if (!z)
        return DL_ENOMEM;
    for (size_t m = 0; m < NSPECS; m++) {
        z->m[m].spec = &specs[m];
        z->m[m].dim = feat_dim[specs[m].features];
        z->m[m].classes = classes;
        if (fit_one(&z->m[m], tf, tcls, ntrain)) {
            demo_zoo_free(z);
            return DL_ENOMEM;
        }
    }
    *out = z;
    return 0;
}

/* The k = 5 nearest training images vote; ties go to the nearest among the tied. */
static unsigned knn_predict(const zoo_model *zm, const double *x)
{
    enum { K = 5 };
    double bd[K] = {0};
    unsigned bc[K] = {0};
    size_t k = 0;
    for (size_t i = 0; i < zm->ntrain; i++) {
        double d = 0;
        for (unsigned j = 0; j < zm->dim; j++) {
            double t = zm->train_x[i * zm->dim + j] - x[j];
            d += t * t;
        }
        if (k < K || d < bd[k - 1]) {
            size_t p = k < K ? k++ : K - 1;
            while (p > 0 && bd[p - 1] > d) {
                bd[p] = bd[p - 1];
                bc[p] = bc[p - 1];
                p--;
            }
            bd[p] = d;
            bc[p] = zm->train_cls[i];
        }
    }
    unsigned best = bc[0];
    int best_votes = 0;
    for (size_t i = 0; i < k; i++) {
        int v = 0;
        for (size_t j = 0; j < k; j++)
            v += bc[j] == bc[i];
        if (v > best_votes)
            best = bc[i], best_votes = v;
    }
    return best;
}

unsigned demo_zoo_predict(const demo_zoo *z, size_t m, double f[DEMO_NSETS][DEMO_NFEAT])
{
    const zoo_model *zm = &z->m[m];
    size_t D = zm->dim, best = 0;
    double x[DEMO_NFEAT], best_score = -INFINITY;
    standardise(zm, f[zm->spec->features], x);
    if (zm->spec->learner == L_KNN)
        return knn_predict(zm, x) + 1;
    for (size_t c = 0; c < zm->classes; c++) {
        double s = 0;
        for (size_t j = 0; j < D; j++) {
            double a = zm->a[c * D + j];
            if (zm->spec->learner == L_NCM)
                s -= (x[j] - a) * (x[j] - a);
            else if (zm->spec->learner == L_BAYES)
                s -= 0.5 * ((x[j] - a) * (x[j] - a) / zm->b[c * D + j] + log(zm->b[c * D + j]));
            else
                s += a * x[j];
        }
        if (zm->spec->learner == L_SOFTMAX)
            s += zm->b[c];
        if (s > best_score)
            best_score = s, best = c;
    }
    return (unsigned)best + 1;
}

void demo_zoo_free(demo_zoo *z)
{
    if (!z)
        return;
    for (size_t m = 0; m < NSPECS; m++) {
        free(z->m[m].a);
        free(z->m[m].b);
        free(z->m[m].train_x);
        free(z->m[m].train_cls);
    }
    free(z);
}
