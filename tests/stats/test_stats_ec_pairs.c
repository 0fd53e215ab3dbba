/* test_stats_ec_pairs.c — dl_stats_ec_pair_counts, error consistency over
 * shared items (used by `consistency` and the report), against counts worked
 * by hand, and its refusals. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "dl_stats.h"

/* Observer 0 answers items 0-3 (1 0 1 0), observer 1 items 0-2 (1 1 0),
 * observer 2 items 2-4 (1 1 1), in a shuffled order.
 * Pair (0,1): items 0,1,2: n 3, r1 = 1+0+1 = 2, r2 = 1+1+0 = 2, both 1.
 * Pair (0,2): items 2,3:   n 2, r1 = 1+0 = 1, r2 = 2, both 1.
 * Pair (1,2): item 2:      n 1, r1 = 0, r2 = 1, both 0. */
static void test_counts_by_hand(void **state)
{
    (void)state;
    const dl_ec_answer a[] = {{2, 4, 1}, {0, 0, 1}, {1, 2, 0}, {0, 3, 0}, {2, 2, 1},
                              {1, 0, 1}, {0, 1, 0}, {2, 3, 1}, {1, 1, 1}, {0, 2, 1}};
    dl_ec_pair_counts c[3];
    assert_int_equal(dl_stats_ec_pair_counts(a, 10, 3, 5, c), 0);
    const size_t want[3][4] = {{3, 2, 2, 1}, {2, 1, 2, 1}, {1, 0, 1, 0}};
    for (int p = 0; p < 3; p++) {
        assert_int_equal(c[p].n, want[p][0]);
        assert_int_equal(c[p].r1, want[p][1]);
        assert_int_equal(c[p].r2, want[p][2]);
        assert_int_equal(c[p].both_right, want[p][3]);
    }
    /* kappa of (0,1): p1 = p2 = 2/3; they agree on item 0 only, c_obs =
     * 1/3; c_exp = 4/9 + 1/9 = 5/9; kappa = (3/9 - 5/9) / (4/9) = -0.5 */
    dl_ec e;
    assert_int_equal(
        dl_stats_ec_counts(c[0].n, c[0].r1, c[0].r2, c[0].both_right, DL_EC_BOUNDARY_UNDEFINED,
                           &e, NULL),
        0);
    assert_true(e.kappa > -0.5 - 1e-12 && e.kappa < -0.5 + 1e-12);
}

static void test_refusals(void **state)
{
    (void)state;
    dl_ec_pair_counts c[1];
    const dl_ec_answer twice[] = {{0, 0, 1}, {1, 0, 1}, {0, 0, 0}};
    assert_int_equal(dl_stats_ec_pair_counts(twice, 3, 2, 1, c), DL_EINVAL);
    const dl_ec_answer row[] = {{2, 0, 1}};
    assert_int_equal(dl_stats_ec_pair_counts(row, 1, 2, 1, c), DL_EINVAL);
    const dl_ec_answer item[] = {{0, 1, 1}};
    assert_int_equal(dl_stats_ec_pair_counts(item, 1, 2, 1, c), DL_EINVAL);
    /* no answers: every pair zero */
    assert_int_equal(dl_stats_ec_pair_counts(NULL, 0, 2, 1, c), 0);
    assert_int_equal(c[0].n, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_counts_by_hand),
        cmocka_unit_test(test_refusals),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
