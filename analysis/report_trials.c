/* report_trials.c — per-observer accuracy against chance, the group, and
 * error consistency between observers over the items both saw. */
#include "report_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Accuracy, exact tests and the interval of one observer. */
static void observer_stats(dl_report_observer *o, double chance)
{
    dl_binom b;
    unsigned k = (unsigned)o->correct, n = (unsigned)o->trials;
    o->accuracy = (double)o->correct / (double)o->trials;
    o->ci_low = o->ci_high = o->p_greater = o->p_two_sided = NAN;
    dl_stats_clopper_pearson(k, n, 0.95, &o->ci_low, &o->ci_high);
    if (dl_stats_binom_test(k, n, chance, DL_ALT_GREATER, 0.95, &b) == 0)
        o->p_greater = b.p_value;
    if (dl_stats_binom_test(k, n, chance, DL_ALT_TWO_SIDED, 0.95, &b) == 0)
        o->p_two_sided = b.p_value;
}

/* Median and mean response time per observer, from the trials grouped by
 * observer with a counting sort (one pass, no per-observer arrays). */
static int rt_stats(dl_report *r, dl_report_observer *obs, size_t nobs)
{
    rp_results *res = &r->res;
    size_t *start = dl_calloc(nobs + 1, sizeof *start);
    double *rt = dl_calloc(r->ntrials, sizeof *rt);
    if (!start || !rt) {
        free(start);
        free(rt);
        return DL_ENOMEM;
    }
    for (size_t i = 0; i < r->ntrials; i++) {
        const rp_trial *t = &r->trials[i];
        uint32_t o = res->obs_map[t->obs];
        if (o != UINT32_MAX && res->item_map[t->item] != UINT32_MAX && !isnan(t->rt_ms))
            start[o + 1]++;
    }
    for (size_t o = 0; o < nobs; o++)
        start[o + 1] += start[o];
    size_t *fill = dl_calloc(nobs, sizeof *fill);
    if (!fill) {
        free(start);
        free(rt);
        return DL_ENOMEM;
    }
    for (size_t i = 0; i < r->ntrials; i++) {
        const rp_trial *t = &r->trials[i];
        uint32_t o = res->obs_map[t->obs];
        if (o != UINT32_MAX && res->item_map[t->item] != UINT32_MAX && !isnan(t->rt_ms))
            rt[start[o] + fill[o]++] = t->rt_ms;
    }
    for (size_t o = 0; o < nobs; o++) {
        dl_stats_summary_t s;
        obs[o].rt_median_ms = obs[o].rt_mean_ms = NAN;
        if (start[o + 1] > start[o]) {
            dl_stats_summary(rt + start[o], start[o + 1] - start[o], &s);
            obs[o].rt_median_ms = s.median;
            obs[o].rt_mean_ms = s.mean;
        }
    }
    free(fill);
    free(start);
    free(rt);
    return 0;
}

static size_t popcount_and(const uint64_t *a, const uint64_t *b, size_t words)
{
    size_t n = 0;
    for (size_t w = 0; w < words; w++)
        n += (size_t)__builtin_popcountll(a[w] & b[w]);
    return n;
}

static int all_saw_everything(const dl_bits *seen)
{
    for (size_t o = 0; o < seen->rows; o++)
        if (popcount_and(seen->words + o * seen->words_per_row,
                         seen->words + o * seen->words_per_row, seen->words_per_row) != seen->n)
            return 0;
    return 1;
}

static int bit_get(const dl_bits *b, size_t row, size_t item)
{
    return (int)(b->words[row * b->words_per_row + item / 64] >> (item % 64) & 1);
}

/* Each pair over the items both saw (dl_stats_ec_pair_counts); the
 * diagonal is an observer with itself over its own items. */
static int ec_shared(rp_results *res, const dl_bits *correct, const dl_bits *seen)
{
    size_t n = res->nobs, m = seen->n, na = 0, np = n * (n - 1) / 2;
    size_t *own = dl_calloc(n + 1, sizeof *own), *right = dl_calloc(n + 1, sizeof *right);
    dl_ec_answer *a = dl_calloc(n * m + 1, sizeof *a);
    dl_ec_pair_counts *c = dl_calloc(np + 1, sizeof *c);
    int rc = own && right && a && c ? 0 : DL_ENOMEM;
    for (size_t o = 0; rc == 0 && o < n; o++)
        for (size_t i = 0; i < m; i++)
            if (bit_get(seen, o, i)) {
                uint8_t ok = (uint8_t)bit_get(correct, o, i);
                a[na++] = (dl_ec_answer){(uint32_t)o, (uint32_t)i, ok};
                own[o]++;
                right[o] += ok;
            }
    if (rc == 0)
        rc = dl_stats_ec_pair_counts(a, na, n, m, c);
    for (size_t i = 0, p = 0; rc == 0 && i < n; i++) {
        dl_ec e;
        dl_stats_ec_counts(own[i], right[i], right[i], right[i], DL_EC_BOUNDARY_UNDEFINED, &e,
                           NULL);
        res->ec[i * n + i] = e.kappa;
        res->ec_items[i * n + i] = own[i];
        for (size_t j = i + 1; j < n; j++, p++) {
            dl_stats_ec_counts(c[p].n, c[p].r1, c[p].r2, c[p].both_right,
                               DL_EC_BOUNDARY_UNDEFINED, &e, NULL);
            res->ec[i * n + j] = res->ec[j * n + i] = e.kappa;
            res->ec_items[i * n + j] = res->ec_items[j * n + i] = c[p].n;
        }
    }
    free(own);
    free(right);
    free(a);
    free(c);
    return rc;
}

static int ec_fill(rp_results *res, const dl_bits *correct, const dl_bits *seen)
{
    if (all_saw_everything(seen)) {
        dl_stats_ec_matrix(correct, NULL, 0, res->ec, NULL);
        for (size_t i = 0; i < res->nobs * res->nobs; i++)
            res->ec_items[i] = seen->n;
        return 0;
    }
    return ec_shared(res, correct, seen);
}

/* Under the older convention a pair with items but a missing kappa (only
 * c_exp = 1 does that) gets kappa 1. */
static void apply_boundary(rp_results *res, dl_ec_boundary boundary)
{
    size_t n = res->nobs;
    for (size_t i = 0; i < n * n; i++)
        if (boundary == DL_EC_BOUNDARY_ONE && isnan(res->ec[i]) && res->ec_items[i] > 0)
            res->ec[i] = 1.0;
}

/* Percentile intervals of every pair and of the mean, resampling the items
 * (one draw for all pairs). */
static int ec_bootstrap(dl_report *r, const dl_bits *correct, const dl_bits *seen)
{
    rp_results *res = &r->res;
    size_t n = res->nobs;
    dl_ec_boot_opts o = r->opt.ec_boot;
    o.boundary = r->opt.ec_boundary;
    dl_report_trials *tr = &res->trials;
    tr->ec_mean_ci_low = tr->ec_mean_ci_high = NAN;
    if (!o.replicates || n < 2)
        return 0;
    dl_ec_boot b;
    int rc = dl_stats_ec_bootstrap(correct, all_saw_everything(seen) ? NULL : seen, &o, &b);
    if (rc)
        return rc;
    res->ec_ci_low = dl_calloc(n * n, sizeof *res->ec_ci_low);
    res->ec_ci_high = dl_calloc(n * n, sizeof *res->ec_ci_high);
    if (!res->ec_ci_low || !res->ec_ci_high) {
        dl_stats_ec_boot_free(&b);
        return DL_ENOMEM;
    }
    for (size_t i = 0; i < n * n; i++)
        res->ec_ci_low[i] = res->ec_ci_high[i] = NAN;
    for (size_t i = 0, p = 0; i < n; i++)
        for (size_t j = i + 1; j < n; j++, p++) {
            res->ec_ci_low[i * n + j] = res->ec_ci_low[j * n + i] = b.ci_low[p];
            res->ec_ci_high[i * n + j] = res->ec_ci_high[j * n + i] = b.ci_high[p];
        }
    tr->ec_mean_ci_low = b.mean_ci_low;
    tr->ec_mean_ci_high = b.mean_ci_high;
    dl_stats_ec_boot_free(&b);
    return 0;
}

/* Error consistency uses each observer's first answer to an item, so an
 * observer who ran a set twice still contributes one answer per item. */
static int error_consistency(dl_report *r)
{
    rp_results *res = &r->res;
    size_t n = res->nobs;
    res->ec = dl_calloc(n * n, sizeof *res->ec);
    res->ec_items = dl_calloc(n * n, sizeof *res->ec_items);
    dl_bits *correct = dl_stats_bits_new(n, res->nitems), *seen = dl_stats_bits_new(n, res->nitems);
    int rc = DL_ENOMEM;
    size_t repeats = 0;
    if (!res->ec || !res->ec_items || !correct || !seen)
        goto done;
    for (size_t i = 0; i < r->ntrials; i++) {
        const rp_trial *t = &r->trials[i];
        uint32_t o = res->obs_map[t->obs], it = res->item_map[t->item];
        if (o == UINT32_MAX || it == UINT32_MAX)
            continue;
        uint64_t bit = (uint64_t)1 << (it % 64);
        uint64_t *w = &seen->words[o * seen->words_per_row + it / 64];
        if (*w & bit) {
            repeats++;
            continue;
        }
        *w |= bit;
        if (t->correct)
            dl_stats_bits_set(correct, o, it);
    }
    if ((rc = ec_fill(res, correct, seen)))
        goto done;
    apply_boundary(res, r->opt.ec_boundary);
    if ((rc = ec_bootstrap(r, correct, seen)))
        goto done;
    if (repeats)
        rc = rp_note(r,
                     "%zu repeated trial(s) of an item by the same observer: error consistency "
                     "uses the first, accuracy counts all",
                     repeats);
done:
    dl_stats_bits_free(correct);
    dl_stats_bits_free(seen);
    return rc;
}

static void ec_summary(rp_results *res)
{
    size_t n = res->nobs, k = 0;
    double *v = dl_calloc(n * n + 1, sizeof *v);
    res->trials.ec_undefined = res->trials.ec_boundary_undefined = 0;
    for (size_t i = 0; v && i < n; i++)
        for (size_t j = i + 1; j < n; j++) {
            double x = res->ec[i * n + j];
            if (isnan(x)) {
                res->trials.ec_undefined++;
                res->trials.ec_boundary_undefined += res->ec_items[i * n + j] > 0;
            } else
                v[k++] = x;
        }
    dl_stats_summary(v ? v : (double[]){0}, k, &res->trials.ec_pairs);
    free(v);
}

int rp_analyse_trials(dl_report *r, const uint8_t *keep_obs, const uint8_t *keep_item,
                      dl_error *err)
{
    rp_results *res = &r->res;
    int rc = rp_map_kept(r, keep_obs, keep_item, 0, err);
    if (rc)
        return rc;
    size_t n = res->nobs;
    if (!(res->observers = dl_calloc(n, sizeof *res->observers)))
        return dl_fail(err, DL_ENOMEM, "out of memory");
    size_t ntrials = 0;
    for (size_t i = 0; i < r->ntrials; i++) {
        const rp_trial *t = &r->trials[i];
        uint32_t o = res->obs_map[t->obs];
        if (o == UINT32_MAX || res->item_map[t->item] == UINT32_MAX)
            continue;
        res->observers[o].trials++;
        res->observers[o].correct += t->correct;
        ntrials++;
    }
    double *acc = dl_calloc(n, sizeof *acc);
    if (!acc)
        return dl_fail(err, DL_ENOMEM, "out of memory");
    for (size_t o = 0; o < n; o++) {
        res->observers[o].code = r->obs.names[res->obs_kept[o]];
        observer_stats(&res->observers[o], r->opt.chance);
        acc[o] = res->observers[o].accuracy;
    }
    dl_report_trials *tr = &res->trials;
    dl_stats_summary(acc, n, &tr->accuracy);
    free(acc);
    tr->ec_boundary = r->opt.ec_boundary;
    tr->ec_boot = r->opt.ec_boot;
    tr->ec_boot.boundary = r->opt.ec_boundary;
    if (rt_stats(r, res->observers, n) || error_consistency(r))
        return dl_fail(err, DL_ENOMEM, "out of memory");
    ec_summary(res);
    tr->nobservers = n;
    tr->nitems = res->nitems;
    tr->ntrials = ntrials;
    tr->chance = r->opt.chance;
    tr->observers = res->observers;
    tr->ec = res->ec;
    tr->ec_items = res->ec_items;
    tr->ec_ci_low = res->ec_ci_low;
    tr->ec_ci_high = res->ec_ci_high;
    res->has_trials = 1;
    return 0;
}
