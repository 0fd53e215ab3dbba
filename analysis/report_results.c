/* report_results.c — which observers and items the results cover, in which
 * order, and freeing the results. */
#include "report_internal.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

void rp_results_free(rp_results *res)
{
    free(res->obs_kept);
    free(res->items_kept);
    free(res->obs_map);
    free(res->item_map);
    free(res->observers);
    free(res->ec);
    free(res->ec_items);
    free(res->ec_ci_low);
    free(res->ec_ci_high);
    free(res->ratings_per_obs);
    for (int q = 0; q < DL_REPORT_MAXQ; q++) {
        free(res->answers[q]);
        free(res->item_mean[q]);
        free(res->pair_alpha[q]);
        free(res->pair_r[q]);
        free(res->pair_units[q]);
        free(res->obs_mean[q]);
        free(res->alpha_loo[q]);
        free(res->alpha_mean_pair[q]);
    }
    memset(res, 0, sizeof *res);
}

/* Natural order: "S2" before "S10", so tables list observers as a lab
 * numbers them. */
static int natcmp(const char *a, const char *b)
{
    while (*a && *b) {
        if (isdigit((unsigned char)*a) && isdigit((unsigned char)*b)) {
            while (*a == '0')
                a++;
            while (*b == '0')
                b++;
            size_t na = 0, nb = 0;
            while (isdigit((unsigned char)a[na]))
                na++;
            while (isdigit((unsigned char)b[nb]))
                nb++;
            if (na != nb)
                return na < nb ? -1 : 1;
            int c = strncmp(a, b, na);
            if (c)
                return c;
            a += na;
            b += nb;
            continue;
        }
        if (*a != *b)
            return (unsigned char)*a < (unsigned char)*b ? -1 : 1;
        a++;
        b++;
    }
    return *a ? 1 : *b ? -1 : 0;
}

typedef struct named {
    const char *name;
    uint32_t idx;
} named;

static int cmp_named(const void *a, const void *b)
{
    const named *x = a, *y = b;
    int c = natcmp(x->name, y->name);
    if (c == 0)
        c = strcmp(x->name, y->name);
    return c;
}

/* kept[0..n) = report indices with used[i] set, sorted naturally by name;
 * map[report index] = position in kept or UINT32_MAX. */
static int order(const dl_names *names, const uint8_t *used, uint32_t **kept, size_t *n,
                 uint32_t **map)
{
    size_t k = 0;
    for (size_t i = 0; i < names->n; i++)
        k += used[i] != 0;
    named *tmp = dl_calloc(k, sizeof *tmp);
    *kept = dl_calloc(k, sizeof **kept);
    *map = dl_calloc(names->n, sizeof **map);
    if (!tmp || !*kept || !*map) {
        free(tmp);
        return DL_ENOMEM;
    }
    k = 0;
    for (size_t i = 0; i < names->n; i++) {
        (*map)[i] = UINT32_MAX;
        if (used[i])
            tmp[k++] = (named){names->names[i], (uint32_t)i};
    }
    qsort(tmp, k, sizeof *tmp, cmp_named);
    for (size_t i = 0; i < k; i++) {
        (*kept)[i] = tmp[i].idx;
        (*map)[tmp[i].idx] = (uint32_t)i;
    }
    *n = k;
    free(tmp);
    return 0;
}

int rp_map_kept(dl_report *r, const uint8_t *keep_obs, const uint8_t *keep_item, int ratings,
                dl_error *err)
{
    rp_results *res = &r->res;
    uint8_t *used_obs = dl_calloc(r->obs.n, 1), *used_item = dl_calloc(r->items.n, 1);
    int rc = 0;
    if (!used_obs || !used_item) {
        rc = DL_ENOMEM;
        goto done;
    }
    size_t n = ratings ? r->nratings : r->ntrials;
    for (size_t i = 0; i < n; i++) {
        uint32_t o = ratings ? r->ratings[i].obs : r->trials[i].obs;
        uint32_t it = ratings ? r->ratings[i].item : r->trials[i].item;
        if (keep_obs[o] && keep_item[it])
            used_obs[o] = used_item[it] = 1;
    }
    if ((rc = order(&r->obs, used_obs, &res->obs_kept, &res->nobs, &res->obs_map)) ||
        (rc = order(&r->items, used_item, &res->items_kept, &res->nitems, &res->item_map)))
        goto done;
    if (res->nobs == 0)
        rc = dl_fail(err, DL_EINVAL, "no %s left to analyse after the filters",
                     ratings ? "ratings" : "trials");
done:
    if (rc == DL_ENOMEM)
        dl_fail(err, rc, "out of memory");
    free(used_obs);
    free(used_item);
    return rc;
}
