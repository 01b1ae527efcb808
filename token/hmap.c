/* Open addressing with linear probing and tombstones; see hmap.h. */

#include "token/hmap.h"

#include <stdlib.h>

#define DELETED UINT64_MAX

static size_t slot_of(uint64_t key, size_t cap)
{
	/* splitmix64 finaliser: handles are sequential, spread them. */
	key ^= key >> 30;
	key *= 0xbf58476d1ce4e5b9ULL;
	key ^= key >> 27;
	key *= 0x94d049bb133111ebULL;
	key ^= key >> 31;
	return (size_t)key & (cap - 1);
}

void *mcx_hmap_get(const struct mcx_hmap *m, uint64_t key)
{
	if (m->cap == 0 || key == 0 || key == DELETED)
		return NULL;
	for (size_t i = slot_of(key, m->cap);; i = (i + 1) & (m->cap - 1)) {
		if (m->keys[i] == key)
			return m->vals[i];
		if (m->keys[i] == 0)
			return NULL;
	}
}

static bool grow(struct mcx_hmap *m)
{
	size_t cap = m->cap ? m->cap : 16;
	/* Double only when live entries need it; otherwise just rehash away
	 * the tombstones. */
	if (m->live * 2 >= cap)
		cap *= 2;
	uint64_t *keys = calloc(cap, sizeof(*keys));
	void **vals = calloc(cap, sizeof(*vals));
	if (keys == NULL || vals == NULL) {
		free(keys);
		free(vals);
		return false;
	}
	for (size_t i = 0; i < m->cap; i++) {
		if (m->keys[i] == 0 || m->keys[i] == DELETED)
			continue;
		size_t j = slot_of(m->keys[i], cap);
		while (keys[j] != 0)
			j = (j + 1) & (cap - 1);
		keys[j] = m->keys[i];
		vals[j] = m->vals[i];
	}
	free(m->keys);
	free(m->vals);
	m->keys = keys;
	m->vals = vals;
	m->cap = cap;
	m->used = m->live;
	return true;
}

bool mcx_hmap_put(struct mcx_hmap *m, uint64_t key, void *val)
{
	if (key == 0 || key == DELETED)
		return false;
	if ((m->used + 1) * 4 >= m->cap * 3 && !grow(m))
		return false;
	size_t tomb = SIZE_MAX;
	size_t i = slot_of(key, m->cap);
	for (;; i = (i + 1) & (m->cap - 1)) {
		if (m->keys[i] == key) {
			m->vals[i] = val;
			return true;
		}
		if (m->keys[i] == DELETED && tomb == SIZE_MAX)
			tomb = i;
		if (m->keys[i] == 0)
			break;
	}
	if (tomb != SIZE_MAX)
		i = tomb;
	else
		m->used++;
	m->keys[i] = key;
	m->vals[i] = val;
	m->live++;
	return true;
}

void mcx_hmap_del(struct mcx_hmap *m, uint64_t key)
{
	if (m->cap == 0 || key == 0 || key == DELETED)
		return;
	for (size_t i = slot_of(key, m->cap);; i = (i + 1) & (m->cap - 1)) {
		if (m->keys[i] == key) {
			m->keys[i] = DELETED;
			m->vals[i] = NULL;
			m->live--;
			return;
		}
		if (m->keys[i] == 0)
			return;
	}
}

void mcx_hmap_each(const struct mcx_hmap *m,
		   void (*fn)(uint64_t key, void *val, void *arg), void *arg)
{
	for (size_t i = 0; i < m->cap; i++)
		if (m->keys[i] != 0 && m->keys[i] != DELETED)
			fn(m->keys[i], m->vals[i], arg);
}

void mcx_hmap_free(struct mcx_hmap *m)
{
	free(m->keys);
	free(m->vals);
	m->keys = NULL;
	m->vals = NULL;
	m->cap = m->used = m->live = 0;
}
