/* dl_stats.h — the statistics of dddlab: pure numerics, no I/O.
 *
 * Definitions and conventions are those of docs/statistics.md. Every function is deterministic and thread-safe. Where a
 * statistic is undefined for its input, the result is NaN and the function
 * returns DL_EUNDEF with a reason in `why` (a static string); it never crashes
 * and never prints. The formulas, conventions and references of every
 * statistic are in docs/statistics.md.
 *
 * GSL is called only with valid arguments; as GSL's default error handler
 * aborts on internal failures, programs should still call
 * gsl_set_error_handler_off() once at start. */
#ifndef DL_STATS_H
#define DL_STATS_H

#include <stddef.h>
#include <stdint.h>

#include "dl_common.h"

/* ---- error consistency (Geirhos et al. 2020) ------------------------------ */

typedef struct dl_ec {
    size_t n;     /* items compared */
    double p1;    /* accuracy of observer 1 */
    double p2;    /* accuracy of observer 2 */
    double c_obs; /* fraction of items both right or both wrong */
    double c_exp; /* p1 p2 + (1-p1)(1-p2) */
    double kappa; /* (c_obs - c_exp) / (1 - c_exp); NaN when undefined */
} dl_ec;

/* Error consistency of two correctness vectors (0/1 bytes) of length n.
 * Conventions: c_exp == 1 (both always right, or both always wrong) ->
 * kappa NaN, DL_EUNDEF (see dl_stats_ec_counts for the older convention);
 * else c_obs == 1 -> kappa 1; exactly one observer always right -> kappa 0.
 * n == 0 -> DL_EUNDEF. */
int dl_stats_ec(const uint8_t *a, const uint8_t *b, size_t n, dl_ec *out, const char **why);

/* Bit-packed correctness vectors for many observers/models: row r holds
 * n items in words_per_row 64-bit words (item i -> bit i%64 of word i/64,
 * unused high bits zero). Built with dl_stats_bits_new / _set. */
typedef struct dl_bits {
    size_t rows;
    size_t n;
    size_t words_per_row;
    uint64_t *words;
} dl_bits;

dl_bits *dl_stats_bits_new(size_t rows, size_t n);
void dl_stats_bits_free(dl_bits *b);
static inline void dl_stats_bits_set(dl_bits *b, size_t row, size_t item)
{
    b->words[row * b->words_per_row + item / 64] |= (uint64_t)1 << (item % 64);
}

/* Fill kappa (rows x rows, row-major) with the error-consistency kappa of
 * every pair of rows over all n items (popcount fast path). The diagonal is 1
 * (or NaN when undefined: no item, or a row always right / always wrong). c_obs may be NULL; when
 * given it is filled too. When mask is non-NULL (one row of n bits), only items whose mask bit is
 * set are compared. threads <= 0 means one per core. Entries equal
 * dl_stats_ec on the same items bit for bit, whatever the thread count.
 * Returns DL_EUNDEF (all entries NaN) when no item is compared, DL_EINVAL
 * when mask->n != b->n, DL_ENOMEM. */
int dl_stats_ec_matrix(const dl_bits *b, const dl_bits *mask, int threads, double *kappa,
                       double *c_obs);

/* The counts behind a kappa matrix: n items compared, right[row] items right
 * per row, both_right[p] for pair p = (a, b), a < b, row by row (index
 * a rows - a (a + 1) / 2 + b - a - 1). The caller allocates right (rows) and
 * both_right (rows (rows - 1) / 2). */
typedef struct dl_ec_counts {
    size_t n;
    size_t *right;
    uint64_t *both_right;
} dl_ec_counts;

/* dl_stats_ec_matrix that also fills counts (kappa may then be NULL), from
 * which every pair's test, bounds and other boundary convention follow. */
int dl_stats_ec_matrix_counts(const dl_bits *b, const dl_bits *mask, int threads, double *kappa,
                              dl_ec_counts *counts);

/* ==== error consistency: bounds, test, bootstrap (issue 13) =================== */

/* What kappa is when the expected agreement is 1 (both observers always right
 * or both always wrong): missing (the default, Klein et al. 2025) or 1 (the
 * older convention, for reproducing earlier numbers). */
typedef enum { DL_EC_BOUNDARY_UNDEFINED = 0, DL_EC_BOUNDARY_ONE = 1 } dl_ec_boundary;

int dl_stats_ec_boundary_parse(const char *s); /* "undefined" / "one"; -1 if unknown */
const char *dl_stats_ec_boundary_name(dl_ec_boundary b);
/* What kappa is at c_exp = 1 under b, for a report's reader. */
const char *dl_stats_ec_boundary_text(dl_ec_boundary b);

/* Error consistency from the counts of a pair: n items, r1 and r2 right,
 * both_right right for both. Counts that no pair of vectors can have ->
 * DL_EINVAL. Missing kappa (n == 0, or c_exp == 1 under
 * DL_EC_BOUNDARY_UNDEFINED) -> NaN, DL_EUNDEF with the reason in `why`. */
int dl_stats_ec_counts(size_t n, size_t r1, size_t r2, size_t both_right, dl_ec_boundary boundary,
                       dl_ec *out, const char **why);

typedef struct dl_ec_test {
    double kappa_min;       /* smallest kappa two observers with these accuracies reach */
    double kappa_max;       /* largest one (Klein et al. 2025) */
    double kappa_corrected; /* n kappa / ((n - 1) + kappa), small-sample corrected */
    double p_value;         /* Fisher's exact test, two-sided, of the 2x2 right/wrong table */
} dl_ec_test;

/* Bounds, corrected kappa and Fisher's p of a pair from its counts (as
 * dl_stats_ec_counts). Bounds follow from both_right ranging over
 * [max(0, r1 + r2 - n), min(r1, r2)]. Fields that are undefined are NaN
 * (the p-value is defined whenever n > 0). Returns as dl_stats_ec_counts. */
int dl_stats_ec_test(size_t n, size_t r1, size_t r2, size_t both_right, dl_ec_boundary boundary,
                     dl_ec_test *out);
/* Error consistency over shared items, for observers who did not all see
 * the same items: one answer per (row, item), rows 0..m-1, items
 * 0..nitems-1. counts gets, for every pair a < b (index
 * a m - a (a + 1) / 2 + b - a - 1, m (m - 1) / 2 entries), the items both
 * answered and how many each and both got right; kappa then follows from
 * dl_stats_ec_counts. Memory and time follow the answers, not m x nitems:
 * an item answered by k observers costs k (k - 1) / 2 updates, so many
 * observers on disjoint items cost one pass plus one entry per pair.
 * Returns 0, DL_EINVAL (a row or item out of range, or one answered twice),
 * DL_ENOMEM. */
typedef struct dl_ec_answer {
    uint32_t row, item;
    uint8_t correct;
} dl_ec_answer;
typedef struct dl_ec_pair_counts {
    size_t n, r1, r2, both_right;
} dl_ec_pair_counts;
int dl_stats_ec_pair_counts(const dl_ec_answer *answers, size_t n, size_t m, size_t nitems,
                            dl_ec_pair_counts *counts);
/* dl_stats_ec_test without Fisher's test (p_value NaN): O(1), where the test
 * costs O(sqrt(n)) or more. */
int dl_stats_ec_bounds(size_t n, size_t r1, size_t r2, size_t both_right,
                       dl_ec_boundary boundary, dl_ec_test *out);

/* Fisher's exact test of the 2x2 table [[a, b], [c, d]], two-sided as R's
 * fisher.test: the sum of the hypergeometric probabilities (margins fixed)
 * of all tables no more likely than the observed one, relative tolerance
 * 1e-7. A total above 2^32 - 1 -> DL_EINVAL; an empty table -> p 1. */
int dl_stats_fisher_exact(uint64_t a, uint64_t b, uint64_t c, uint64_t d, double *p_value);

typedef struct dl_ec_boot_opts {
    size_t replicates;      /* bootstrap replicates, >= 1 */
    uint64_t seed;          /* replicate r draws from streams derived from (seed, r) */
    double conf_level;      /* e.g. 0.95 */
    int resample_observers; /* mean over pairs: resample observers too */
    dl_ec_boundary boundary;
    int threads; /* <= 0: one per core; the result does not depend on it */
} dl_ec_boot_opts;

typedef struct dl_ec_boot {
    size_t npairs;  /* rows (rows - 1) / 2, pairs (a, b), a < b, row by row */
    double *kappa;  /* per pair, the estimate on the data */
    double *ci_low; /* per pair, percentile interval; NaN if no replicate defined */
    double *ci_high;
    size_t *defined;    /* per pair, replicates with a defined kappa */
    double mean;        /* mean kappa over pairs with a defined kappa, on the data */
    size_t mean_pairs;  /* pairs in that mean */
    double mean_ci_low; /* percentile interval of the replicates' means */
    double mean_ci_high;
    double mean_se;      /* SD of the replicates' means */
    size_t mean_defined; /* replicates with a defined mean */
} dl_ec_boot;

/* Percentile bootstrap of every pairwise error consistency and of their mean.
 * correct: rows x n bit-packed correctness; seen: which items each row saw
 * (NULL: all; a correct bit must not be set where seen is not). A pair is compared over the items
 * both saw. Each replicate resamples the n items with replacement (one draw shared by all pairs, so
 * observers keep their alignment); with resample_observers the mean is also
 * taken over a resample of the rows (pairs weighted by the product of their
 * rows' multiplicities; a row drawn twice is not paired with itself).
 * Deterministic: the same inputs and seed give the same numbers on any
 * number of threads. Returns 0, DL_EINVAL, DL_ENOMEM. Free with
 * dl_stats_ec_boot_free. */
int dl_stats_ec_bootstrap(const dl_bits *correct, const dl_bits *seen, const dl_ec_boot_opts *o,
                          dl_ec_boot *out);
void dl_stats_ec_boot_free(dl_ec_boot *b);

/* Percentile of v[0..n) at probability q, linear interpolation between order
 * statistics (NumPy's default, R's type 7). Reorders v. n == 0 -> NaN. */
double dl_stats_percentile(double *v, size_t n, double q);

/* ---- planning (`dddlab plan`) ---- */

/* Power of the exact one-sided binomial test against chance (greater) with n
 * trials at level alpha when the true accuracy is `accuracy`: the test
 * rejects when correct >= *critical (n + 1: never). */
int dl_stats_power_2afc(unsigned n, double accuracy, double chance, double alpha,
                        unsigned *critical, double *power);

typedef struct dl_plan_2afc {
    unsigned n;        /* smallest n from which the power stays >= target */
    unsigned first_n;  /* smallest n whose power is >= target (it may dip after) */
    unsigned critical; /* at n: correct answers needed to reject chance */
    double power;      /* at n */
} dl_plan_2afc;

/* Trials needed. Power is not monotone in n; n is the smallest count from
 * which it stays >= target, checked up to 4 first_n + 50. Not reachable
 * within nmax trials (or accuracy <= chance) -> DL_EUNDEF with `why`. */
int dl_stats_plan_2afc(double accuracy, double chance, double alpha, double target, unsigned nmax,
                       dl_plan_2afc *out, const char **why);

/* The copy model of Klein et al. (2025) for accuracies p1, p2 and
 * population kappa: observer 2 copies observer 1's correctness with
 * probability *copy, else is right with probability *q. DL_EINVAL (with
 * `why`) when no copy model fits (kappa < 0 or above what p1, p2 allow). */
int dl_stats_copy_model(double p1, double p2, double kappa, double *copy, double *q,
                        const char **why);

typedef struct dl_plan_ec_opts {
    double p1, p2, kappa; /* the pair to plan for */
    double half_width;    /* wanted half-width of the interval */
    double conf_level;
    size_t sims;   /* simulated experiments per n */
    uint64_t seed; /* simulation s draws from a stream keyed by (seed, s) */
    size_t nmax;   /* give up beyond this many items */
} dl_plan_ec_opts;

typedef struct dl_plan_ec {
    size_t n;            /* items needed */
    double half_width;   /* expected half-width at n */
    double copy_prob;    /* the copy model's copy probability */
    size_t sims_defined; /* simulations at n with a defined kappa */
} dl_plan_ec;

/* Expected half-width of the conf_level interval of kappa with n items: half
 * the distance between the (1 -/+ conf)/2 quantiles of kappa over o->sims
 * experiments simulated from the copy model (the spread a percentile
 * bootstrap interval estimates). */
int dl_stats_ec_half_width(size_t n, const dl_plan_ec_opts *o, double *half_width, size_t *defined);
/* The smallest n (to 1%) whose expected half-width is <= o->half_width. */
int dl_stats_plan_ec(const dl_plan_ec_opts *o, dl_plan_ec *out, const char **why);

/* ==== end of error consistency block (issue 13) ================================ */

/* ---- Cohen's and Fleiss' kappa --------------------------------------------- */

typedef enum { DL_KAPPA_NONE = 0, DL_KAPPA_LINEAR = 1, DL_KAPPA_QUADRATIC = 2 } dl_kappa_weights;

/* Cohen's kappa of two raters over n items; ratings are category positions
 * 0..ncat-1 in the declared order (weights use positions, not values:
 * linear |i-j|/(ncat-1), quadratic its square). Items with a negative rating
 * on either side are skipped; a rating >= ncat is DL_EINVAL. Undefined
 * (no item left, or expected disagreement 0) -> NaN, DL_EUNDEF. */
int dl_stats_cohen_kappa(const int *r1, const int *r2, size_t n, int ncat, dl_kappa_weights weights,
                         double *kappa, const char **why);

/* Fleiss' kappa: counts is nitems x ncat, counts[i*ncat+k] = raters who put
 * item i in category k; every item must have the same number of raters
 * (>= 2), else DL_EINVAL. No items, or all ratings in one category ->
 * NaN, DL_EUNDEF. */
int dl_stats_fleiss_kappa(const int *counts, size_t nitems, int ncat, double *kappa,
                          const char **why);

/* ---- Krippendorff's alpha ------------------------------------------------------ */

typedef enum {
    DL_LEVEL_NOMINAL = 0,
    DL_LEVEL_ORDINAL = 1,
    DL_LEVEL_INTERVAL = 2,
    DL_LEVEL_RATIO = 3
} dl_level;

/* Parse "nominal" / "ordinal" / "interval" / "ratio"; -1 if unknown. */
int dl_stats_level_parse(const char *s);
const char *dl_stats_level_name(dl_level level);

typedef struct dl_alpha {
    double alpha;           /* NaN when undefined */
    double d_obs;           /* observed disagreement D_o */
    double d_exp;           /* expected disagreement D_e */
    size_t pairable_values; /* n.. : values in units with >= 2 values */
    size_t units_used;      /* units with >= 2 values */
    size_t nvalues;         /* distinct values among pairable ones */
} dl_alpha;

/* Krippendorff's alpha via the coincidence matrix (Krippendorff 2011).
 * data is ncoders x nunits row-major; NaN marks a missing value. Units with
 * fewer than two values are left out of the matrix and the totals. Ordinal
 * distances use cumulative value counts. No pairable values, or expected
 * disagreement 0 (one distinct value) -> alpha NaN, DL_EUNDEF, `why` says
 * which. An infinite value, or a negative one at ratio level, is DL_EINVAL
 * (alpha NaN, `why` says which). O(ncoders x nunits) time for every level
 * but ratio, which adds O(V^2) for V distinct values. */
int dl_stats_kripp_alpha(const double *data, size_t ncoders, size_t nunits, dl_level level,
                         dl_alpha *out, const char **why);

/* ==== Krippendorff's alpha: sparse ratings and uncertainty (stats_alpha_boot.c) ====
 * Everything here works on a list of ratings, so memory follows the number of
 * ratings and not coders x units. See docs/statistics.md, "Uncertainty of
 * alpha", for the methods and the random-number scheme. */

/* One rating; value NaN = missing (ignored). Each coder rates a unit at most
 * once (the caller checks; the numbers do not depend on coder otherwise). */
typedef struct dl_alpha_rating {
    uint32_t coder;
    uint32_t unit;
    double value;
} dl_alpha_rating;

/* Ratings grouped into pairable units (two or more values), ready for alpha
 * and its bootstrap. Opaque; immutable once built, so threads may share it. */
typedef struct dl_alpha_set dl_alpha_set;

/* Build from n ratings in any order. An infinite value, or a negative one at
 * ratio level -> DL_EINVAL with `why`. O(n log n) time, O(n) memory. */
int dl_alpha_set_new(const dl_alpha_rating *ratings, size_t n, dl_level level, dl_alpha_set **out,
                     const char **why);
void dl_alpha_set_free(dl_alpha_set *s);
size_t dl_alpha_set_units(const dl_alpha_set *s); /* pairable units */

/* Alpha of the set, equal to dl_stats_kripp_alpha on the same data (to
 * rounding), with the same undefined cases and reasons. */
int dl_alpha_set_alpha(const dl_alpha_set *s, dl_alpha *out, const char **why);

typedef enum {
    DL_ALPHA_BOOT_UNITS = 0, /* resample pairable units with replacement */
    DL_ALPHA_BOOT_HAYES = 1  /* Krippendorff's: pairs of values from the
                                coincidence matrix, D_e held fixed */
} dl_alpha_boot_method;
const char *dl_alpha_boot_method_name(dl_alpha_boot_method m);
int dl_alpha_boot_method_parse(const char *s); /* -1 if unknown */

enum { DL_ALPHA_MIN_MAX = 8 }; /* most --alpha-min values */

typedef struct dl_alpha_boot_opts {
    dl_alpha_boot_method method;
    size_t replicates;
    uint64_t seed;
    double conf; /* e.g. 0.95; percentile interval */
    double alpha_min[DL_ALPHA_MIN_MAX];
    size_t nmin;
    int threads; /* <= 0: one per core; the result does not depend on it */
} dl_alpha_boot_opts;

typedef struct dl_alpha_boot {
    dl_alpha_boot_method method;
    size_t replicates;
    size_t undefined; /* replicates with one value only, left out */
    uint64_t seed;
    double conf;
    double ci_low, ci_high; /* percentile interval (linear interpolation) */
    size_t nmin;
    double alpha_min[DL_ALPHA_MIN_MAX];
    double p_below[DL_ALPHA_MIN_MAX]; /* share of replicates < alpha_min[i] */
} dl_alpha_boot;

/* Bootstrap alpha. reps_out (optional, o->replicates doubles) receives each
 * replicate's alpha in replicate order (NaN when undefined). Bad options ->
 * DL_EINVAL; alpha undefined on the data, or every replicate undefined ->
 * DL_EUNDEF (interval NaN); DL_EINVAL also for the hayes method with more than
 * 4096 distinct values. */
int dl_alpha_boot_run(const dl_alpha_set *s, const dl_alpha_boot_opts *o, dl_alpha_boot *out,
                      double *reps_out);

/* Leave-one-coder-out alpha loo[c] (alpha without coder c), each coder's mean
 * pairwise alpha mean_pair[c] (over the coders it shares a defined alpha
 * with), and optionally the ncoders x ncoders pairwise alphas (diagonal NaN)
 * and the units each pair both rated (diagonal 0).
 * Undefined values are NaN. Coders are 0..ncoders-1 (else DL_EINVAL).
 * O(ncoders x n log n). */
int dl_alpha_per_coder(const dl_alpha_rating *ratings, size_t n, size_t ncoders, dl_level level,
                       double *loo, double *mean_pair, double *pair, size_t *pair_units);

/* Planning a rating study (stats_alpha_plan.c): the width of alpha's
 * confidence interval for a given number of units, simulated from coders with
 * a known population alpha (latent normal value per unit plus coder noise,
 * cut into `categories` equal-probability categories except at interval
 * level). The width is the spread of the estimates over `sims` simulated
 * studies, (1-conf)/2 to 1-(1-conf)/2. Seeded; see docs/statistics.md. */
typedef struct dl_alpha_plan_opts {
    size_t coders;
    double alpha; /* population alpha, in (0, 1) */
    dl_level level;
    int categories; /* 2..64; ignored at interval level */
    double conf;
    size_t sims; /* simulated studies per size, >= 10 */
    uint64_t seed;
    double noise_sd; /* > 0: the coder noise SD of an earlier call (skips the
                        calibration); 0: calibrate */
} dl_alpha_plan_opts;

typedef struct dl_alpha_plan_row {
    size_t units;
    double mean_alpha;      /* mean estimate (alpha is slightly biased) */
    double ci_low, ci_high; /* quantiles of the estimates */
    double width;           /* ci_high - ci_low */
    size_t undefined;       /* studies whose alpha was undefined */
} dl_alpha_plan_row;

/* rows[i] for units[i] (2..1,000,000 each); noise_sd (optional) receives the
 * coder noise SD that gives the population alpha. DL_EINVAL for bad options,
 * DL_EUNDEF when the generator cannot reach the alpha. */
int dl_alpha_plan(const dl_alpha_plan_opts *o, const size_t *units, size_t nunits,
                  dl_alpha_plan_row *rows, double *noise_sd);

/* The start of bootstrap replicate `replicate`'s splitmix64 stream:
 * dl_mix64(seed ^ dl_mix64(replicate)); word i of the stream is
 * dl_mix64(start + i * 0x9E3779B97F4A7C15). */
uint64_t dl_boot_stream(uint64_t seed, uint64_t replicate);

/* Quantile q of n sorted values, linear interpolation between order
 * statistics (numpy's default, R's type 7); NaN when n == 0. */
double dl_stats_quantile_sorted(const double *x, size_t n, double q);
/* ==== end of alpha uncertainty ==== */

/* ---- difficulty classes ---------------------------------------------------------- */

/* How hard an image is for a model zoo (Meding et al.'s DDD split): at most K
 * of M models correct, in between, or at least M - K correct. The one
 * definition: stimuli/ computes it, analysis/ reads it back from a set. */
typedef enum dl_stats_difficulty {
    DL_STATS_IMPOSSIBLE = 0,
    DL_STATS_IN_BETWEEN = 1,
    DL_STATS_TRIVIAL = 2
} dl_stats_difficulty;

/* The class of an image that k of m models got right, with K = near: trivial
 * when k >= m - near, impossible when k <= near, else in-between. The one
 * rule: stimuli/ classifies with it and the split bootstrap reclassifies
 * with it. Needs 2 * near < m (callers check; otherwise trivial wins). */
dl_stats_difficulty dl_stats_difficulty_of(unsigned k, unsigned m, unsigned near);

/* "impossible", "in-between" (also written in_between or inbetween) or
 * "trivial"; -1 for anything else. */
int dl_stats_difficulty_parse(const char *s);
/* "impossible" / "in-between" / "trivial"; "unknown" otherwise. */
const char *dl_stats_difficulty_name(int difficulty);

/* ---- binomial test and intervals ------------------------------------------------ */

typedef enum { DL_ALT_TWO_SIDED = 0, DL_ALT_GREATER = 1, DL_ALT_LESS = 2 } dl_alternative;

int dl_stats_alternative_parse(const char *s); /* -1 if unknown */
const char *dl_stats_alternative_name(dl_alternative alt);

typedef struct dl_binom {
    unsigned k, n;
    double p0;
    double estimate; /* k / n */
    double p_value; /* 0 when below the smallest double: see log10_p */
    double log10_p; /* log10 of the p-value, computed in log space, so it
                       stays exact where p_value underflows (-inf when p is
                       exactly 0, at p0 = 0 or 1) */
    double ci_low, ci_high; /* Clopper-Pearson at conf_level (one-sided for
                               greater/less, as R's binom.test) */
    double conf_level;
} dl_binom;

/* Exact binomial test of k successes in n trials against p0, as R's
 * binom.test: two-sided p sums the probabilities of all outcomes no more
 * likely than the observed one (relative tolerance 1e-7). Exact in log
 * space for every n up to 2^32 - 1; time grows with sqrt(n), not n. p0 = 0
 * and 1 are allowed (p is then 0 or 1). k > n, p0 outside [0, 1] or conf_level outside (0, 1) -> DL_EINVAL; n == 0 -> DL_EUNDEF
 * (all NaN). */
int dl_stats_binom_test(unsigned k, unsigned n, double p0, dl_alternative alt, double conf_level,
                        dl_binom *out);

/* Two-sided Clopper-Pearson interval at conf_level (0 / 1 at k = 0 / n).
 * n == 0 -> DL_EUNDEF, NaN. */
int dl_stats_clopper_pearson(unsigned k, unsigned n, double conf_level, double *lo, double *hi);

/* ---- correlation --------------------------------------------------------------- */

typedef struct dl_corr {
    double r;       /* Pearson r or Spearman rho */
    double p_value; /* two-sided, t distribution with n-2 df (as scipy) */
    size_t n;       /* pairs used (pairs with a NaN are skipped) */
} dl_corr;

/* Pearson r. Fewer than two complete pairs, or a constant variable -> r and
 * p NaN, DL_EUNDEF. n == 2 gives p = 1, |r| == 1 gives p = 0 (as scipy). */
int dl_stats_pearson(const double *x, const double *y, size_t n, dl_corr *out, const char **why);
/* Spearman: Pearson on mid-ranks (ties get the average rank). */
int dl_stats_spearman(const double *x, const double *y, size_t n, dl_corr *out, const char **why);

/* Mean, sample SD (n-1), min, max, median of n values, NaNs skipped; NaN
 * where there are too few values (sd needs two). */
typedef struct dl_stats_summary_t {
    size_t n;
    double mean, sd, min, max, median;
} dl_stats_summary_t;
void dl_stats_summary(const double *x, size_t n, dl_stats_summary_t *out);

/* ---- DDD expectations ----------------------------------------------------------- */

/* pmf[0..m] of Binomial(m, p): number of m independent models correct.
 * p outside [0, 1] -> DL_EINVAL. */
int dl_stats_binom_pmf(unsigned m, double p, double *pmf);

/* pmf[0..m] of the Poisson-binomial with success probabilities acc[0..m-1]
 * (each model its own accuracy), by the exact recursion. */
int dl_stats_poisson_binom_pmf(const double *acc, unsigned m, double *pmf);

/* ==== DDD: how dichotomous (stats_betabin.c) ==== */

typedef struct dl_betabin {
    double a, b;   /* Beta(a, b) of the per-image probability correct */
    double rho;    /* intra-class correlation 1 / (a + b + 1): 0 binomial,
                      1 fully dichotomous */
    double loglik; /* maximised log-likelihood (with the binomial coefficients) */
} dl_betabin;

/* Maximum-likelihood Beta-Binomial(m, a, b) fit to hist[0..m] (images with k
 * of m models correct). A negative or non-finite count -> DL_EINVAL; no
 * images, m == 0, or every image in bin 0 or every image in bin m ->
 * DL_EUNDEF (NaN). When the data are no more spread than a binomial, a and b
 * run to their bound (e^25) and rho is ~0. */
int dl_stats_betabin_fit(const double *hist, unsigned m, dl_betabin *out);

/* Percentile interval of rho at conf from `replicates` resamplings of the
 * images (a replicate histogram is Multinomial(N, hist / N), refitted);
 * replicate b uses GSL mt19937 seeded with dl_boot_stream(seed, b). Counts
 * must be whole numbers, N <= 4e9. */
int dl_stats_betabin_boot(const double *hist, unsigned m, size_t replicates, uint64_t seed,
                          double conf, double *rho_low, double *rho_high);

/* Pointwise band for a histogram of n images under independence: the count
 * at k is Binomial(n, pmf[k]), so lo[k], hi[k] are its (1-conf)/2 and
 * 1-(1-conf)/2 quantiles (smallest count whose CDF reaches the level).
 * Pointwise, not simultaneous; the accuracies behind pmf are taken as known. */
int dl_stats_ddd_band(const double *pmf, unsigned m, size_t n, double conf, double *lo,
                      double *hi);

typedef enum { DL_DDD_RESAMPLE_MODELS = 0, DL_DDD_RESAMPLE_IMAGES = 1 } dl_ddd_resample;

/* Percentile intervals of the fraction of images in each class, indexed by
 * dl_stats_difficulty. */
typedef struct dl_ddd_split_ci {
    double low[3], high[3];
} dl_ddd_split_ci;

/* Bootstrap the split (near = K as dl_stats_difficulty_of). Models: draw the m
 * models (rows of correct) with replacement, recount each image, reclassify;
 * replicate b's draws come from dl_boot_stream(seed, b) as the alpha
 * bootstrap's. Images: draw n images with replacement (as a multinomial of
 * the class counts, GSL mt19937 seeded with dl_boot_stream(seed, b)); needs
 * only n_correct. Bad arguments (or models without correct) -> DL_EINVAL. */
int dl_stats_ddd_split_boot(const dl_bits *correct, const uint32_t *n_correct, size_t n,
                            unsigned m, unsigned near, dl_ddd_resample what, size_t nrep,
                            uint64_t seed, double conf, dl_ddd_split_ci *out);
/* ==== end of DDD: how dichotomous ==== */

/* ---- true-positive agreement (Pliushch et al. 2022) ------------------------------ */

typedef struct dl_tpa {
    double tpa;          /* all K right / at least one right */
    double lower_bound;  /* 1 - min(sum(1 - acc_k), 1) */
    double expected_all; /* prod acc_k (scale of all items) */
    double expected_tpa; /* prod acc_k / (1 - prod(1 - acc_k)) (TPa's scale) */
    size_t all_right;    /* items all K got right */
    size_t any_right;    /* items at least one got right */
} dl_tpa;

/* correct is k x n row-major 0/1 bytes for one epoch. k or n == 0, or no
 * item right for any model -> DL_EUNDEF (tpa and expected_tpa NaN; the
 * counts, lower_bound and expected_all are still filled when n > 0). */
int dl_stats_tpa(const uint8_t *correct, size_t k, size_t n, dl_tpa *out, const char **why);

/* `reliability` on a list of ratings (stats_reliability.c). Coders
 * 0..ncoders-1, units 0..nunits-1; nominal values are category indices
 * 0..ncats-1. pairwise: every pair's alpha and shared units; per_coder: each
 * coder's leave-one-out and mean pairwise alpha. */
typedef struct dl_reliability_in {
    const dl_alpha_rating *ratings;
    size_t n, ncoders, nunits, ncats;
    dl_level level;
    int pairwise, per_coder;
    dl_alpha_boot_opts boot; /* boot.replicates == 0: no bootstrap */
} dl_reliability_in;

typedef struct dl_rel_pair {
    size_t a, b;
    size_t units; /* units both coders rated */
    double alpha;
} dl_rel_pair;

/* A statistic that may be undefined, with the reason why. */
typedef struct dl_rel_stat {
    double value;
    const char *why;
} dl_rel_stat;

typedef struct dl_reliability {
    dl_alpha alpha;
    const char *alpha_why;
    size_t units_pairable;
    int has_cohen;
    dl_kappa_weights weights;
    dl_rel_stat cohen;
    dl_rel_stat fleiss;
    dl_rel_pair *pairs;
    size_t npairs;
    int has_boot;
    dl_alpha_boot boot;
    double *loo;       /* per coder, with per_coder or pairwise */
    double *mean_pair; /* per coder, with per_coder or pairwise */
    size_t *rated;     /* units each coder rated (values given) */
} dl_reliability;

/* Fill out (zeroed by the caller); undefined statistics carry their reason.
 * Returns 0, DL_ENOMEM, or DL_EINVAL (as dl_alpha_boot_run). */
int dl_stats_reliability(const dl_reliability_in *in, dl_reliability *out);
void dl_stats_reliability_free(dl_reliability *r); /* its arrays; accepts NULL */

/* Error consistency of a group of m observers (rows) over nitems items,
 * each pair over the items both answered (stats_ec_group.c, what
 * `consistency` reports per group). boot NULL or boot->replicates 0: no
 * bootstrap. Pairs a < b in the order of dl_stats_ec_pair_counts. */
typedef struct dl_ec_pair_result {
    size_t a, b;     /* rows */
    dl_ec ec;        /* NaNs when undefined (no common item, or c_exp = 1) */
    dl_ec_test test; /* bounds, corrected kappa, Fisher's p */
    double ci_low, ci_high;
    size_t boot_defined; /* replicates with a defined kappa */
} dl_ec_pair_result;
typedef struct dl_ec_group {
    size_t nrows, nitems;
    dl_ec_pair_result *pairs;
    size_t npairs;
    dl_stats_summary_t kappa; /* over the pairs with a kappa */
    size_t no_common;      /* pairs without a common item */
    size_t boundary_undef; /* pairs with c_exp = 1 (kappa missing) */
    double mean_ci_low, mean_ci_high, mean_se;
    size_t mean_defined; /* replicates with a defined mean */
} dl_ec_group;
int dl_stats_ec_group(const dl_ec_answer *answers, size_t n, size_t m, size_t nitems,
                      dl_ec_boundary boundary, const dl_ec_boot_opts *boot, dl_ec_group *g);
void dl_stats_ec_group_free(dl_ec_group *g); /* its pairs; accepts NULL */

#endif
