/*
 * A small open-addressing hash map from non-zero uint64 keys to pointers,
 * for the object cache (handle -> object, store row id -> object), so that
 * lookups stay O(1) with 100,000 objects.  Not thread-safe: the module
 * lock guards it.
 */
#ifndef MCX_TOKEN_HMAP_H
#define MCX_TOKEN_HMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct mcx_hmap {
	uint64_t *keys; /* 0 = empty, UINT64_MAX = deleted */
	void **vals;
	size_t cap;  /* power of two or 0 */
	size_t used; /* live + deleted */
	size_t live;
};

/* The value for key, or NULL. */
void *mcx_hmap_get(const struct mcx_hmap *m, uint64_t key);
/* Insert or replace; false only when out of memory. key != 0, != MAX. */
bool mcx_hmap_put(struct mcx_hmap *m, uint64_t key, void *val);
/* Remove key if present. */
void mcx_hmap_del(struct mcx_hmap *m, uint64_t key);
/* Call fn for every entry; fn must not modify the map. */
void mcx_hmap_each(const struct mcx_hmap *m,
		   void (*fn)(uint64_t key, void *val, void *arg), void *arg);
void mcx_hmap_free(struct mcx_hmap *m);

#endif /* MCX_TOKEN_HMAP_H */
