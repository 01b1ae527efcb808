/*
 * Unit test of token/hmap.c, the object cache's hash map: insert, replace,
 * delete with tombstones, growth to 100,000 entries, iteration.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "token/hmap.h"

static void count_fn(uint64_t key, void *val, void *arg)
{
	size_t *n = arg;
	assert_int_equal((uintptr_t)val, key * 3);
	(*n)++;
}

static void test_basic(void **state)
{
	(void)state;
	struct mcx_hmap m = {0};
	assert_null(mcx_hmap_get(&m, 1));
	assert_false(mcx_hmap_put(&m, 0, (void *)1)); /* 0 is reserved */
	assert_true(mcx_hmap_put(&m, 7, (void *)21));
	assert_ptr_equal(mcx_hmap_get(&m, 7), (void *)21);
	assert_true(mcx_hmap_put(&m, 7, (void *)22)); /* replace */
	assert_ptr_equal(mcx_hmap_get(&m, 7), (void *)22);
	assert_int_equal(m.live, 1);
	mcx_hmap_del(&m, 7);
	assert_null(mcx_hmap_get(&m, 7));
	assert_int_equal(m.live, 0);
	mcx_hmap_del(&m, 7); /* absent: no-op */
	mcx_hmap_free(&m);
}

static void test_many(void **state)
{
	(void)state;
	struct mcx_hmap m = {0};
	const uint64_t n = 100000;
	for (uint64_t k = 1; k <= n; k++)
		assert_true(mcx_hmap_put(&m, k, (void *)(uintptr_t)(k * 3)));
	assert_int_equal(m.live, n);
	for (uint64_t k = 1; k <= n; k += 2)
		mcx_hmap_del(&m, k);
	for (uint64_t k = 1; k <= n; k++) {
		void *v = mcx_hmap_get(&m, k);
		if (k % 2)
			assert_null(v);
		else
			assert_ptr_equal(v, (void *)(uintptr_t)(k * 3));
	}
	/* churn: tombstones must not make lookups loop or the map grow
	 * without bound */
	for (uint64_t k = n + 1; k <= 4 * n; k++) {
		assert_true(mcx_hmap_put(&m, k, (void *)(uintptr_t)(k * 3)));
		mcx_hmap_del(&m, k);
	}
	assert_true(m.cap <= 4 * 65536 * 2);
	size_t seen = 0;
	mcx_hmap_each(&m, count_fn, &seen);
	assert_int_equal(seen, n / 2);
	mcx_hmap_free(&m);
	assert_null(mcx_hmap_get(&m, 2));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_basic),
	    cmocka_unit_test(test_many),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
