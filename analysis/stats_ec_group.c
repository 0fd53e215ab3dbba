/* stats_ec_group.c — error consistency of a group of observers who need
 * not all see the same items: every pair over its shared items
 * (dl_stats_ec_pair_counts), its bounds and Fisher's test, the summary of
 * the kappas and, when asked for, the bootstrap intervals (what
 * `consistency` reports per group). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dl_stats.h"

typedef struct ec_cfg {
    dl_ec_boundary boundary;
    dl_ec_boot_opts boot;
} ec_cfg;

static void pair_stats(const ec_cfg *o, const dl_ec_pair_counts *c, dl_ec_pair_result *p,
                       dl_ec_group *g)
{
    p->ci_low = p->ci_high = NAN;
    if (c->n == 0) {
        p->ec = (dl_ec){0, NAN, NAN, NAN, NAN, NAN};
        p->test = (dl_ec_test){NAN, NAN, NAN, NAN};
        g->no_common++;
        return;
    }
    dl_stats_ec_counts(c->n, c->r1, c->r2, c->both_right, o->boundary, &p->ec, NULL);
    dl_stats_ec_test(c->n, c->r1, c->r2, c->both_right, o->boundary, &p->test);
    if (isnan(p->ec.kappa))
        g->boundary_undef++;
}

/* Bit-packed correctness and seen-ness of the group for the bootstrap. */
static int group_bootstrap(const ec_cfg *o, const dl_ec_answer *ans, size_t nans, dl_ec_group *g)
{
    size_t m = g->nrows, n = g->nitems;
    dl_bits *correct = dl_stats_bits_new(m, n), *saw = dl_stats_bits_new(m, n);
    int rc = DL_ENOMEM;
    if (!correct || !saw)
        goto done;
    /* one answer per observer and item, so all saw everything iff m n */
    int full = nans == m * n;
    for (size_t k = 0; k < nans; k++) {
        dl_stats_bits_set(saw, ans[k].row, ans[k].item);
        if (ans[k].correct)
            dl_stats_bits_set(correct, ans[k].row, ans[k].item);
    }
    dl_ec_boot b;
    if ((rc = dl_stats_ec_bootstrap(correct, full ? NULL : saw, &o->boot, &b)) != 0)
        goto done;
    for (size_t p = 0; p < g->npairs; p++) {
        g->pairs[p].ci_low = b.ci_low[p];
        g->pairs[p].ci_high = b.ci_high[p];
        g->pairs[p].boot_defined = b.defined[p];
    }
    g->mean_ci_low = b.mean_ci_low;
    g->mean_ci_high = b.mean_ci_high;
    g->mean_se = b.mean_se;
    g->mean_defined = b.mean_defined;
    dl_stats_ec_boot_free(&b);
done:
    dl_stats_bits_free(correct);
    dl_stats_bits_free(saw);
    return rc;
}

/* Every pair over the items both answered (dl_stats_ec_pair_counts, whose
 * cost follows the answers, not observers x items). */
static int group_pairs(const ec_cfg *o, const dl_ec_answer *ans, size_t nans, dl_ec_group *g)
{
    size_t m = g->nrows;
    g->npairs = m * (m - 1) / 2;
    g->pairs = dl_calloc(g->npairs ? g->npairs : 1, sizeof *g->pairs);
    dl_ec_pair_counts *cnt = dl_calloc(g->npairs ? g->npairs : 1, sizeof *cnt);
    double *kappas = dl_calloc(g->npairs ? g->npairs : 1, sizeof *kappas);
    int rc = g->pairs && cnt && kappas ? 0 : DL_ENOMEM;
    g->mean_ci_low = g->mean_ci_high = g->mean_se = NAN;
    if (rc == 0)
        rc = dl_stats_ec_pair_counts(ans, nans, m, g->nitems, cnt);
    if (rc == 0) {
        for (size_t a = 0, k = 0; a < m; a++)
            for (size_t b = a + 1; b < m; b++, k++) {
                g->pairs[k].a = a;
                g->pairs[k].b = b;
                pair_stats(o, &cnt[k], &g->pairs[k], g);
                kappas[k] = g->pairs[k].ec.kappa;
            }
        dl_stats_summary(kappas, g->npairs, &g->kappa);
        if (o->boot.replicates && g->npairs)
            rc = group_bootstrap(o, ans, nans, g);
    }
    free(cnt);
    free(kappas);
    return rc;
}

int dl_stats_ec_group(const dl_ec_answer *answers, size_t n, size_t m, size_t nitems,
                      dl_ec_boundary boundary, const dl_ec_boot_opts *boot, dl_ec_group *g)
{
    ec_cfg o = {.boundary = boundary};
    if (boot)
        o.boot = *boot;
    memset(g, 0, sizeof *g);
    g->nrows = m;
    g->nitems = nitems;
    return group_pairs(&o, answers, n, g);
}

void dl_stats_ec_group_free(dl_ec_group *g)
{
    if (g)
        free(g->pairs);
}
