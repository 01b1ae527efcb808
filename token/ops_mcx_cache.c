/*
 * The MCX mechanisms' engine state cache (see token/ops_mcx.h): a small
 * bounded table, least recently used entry evicted, its own lock so that
 * an operation's handler may use it with or without the module lock.
 */
#include "config.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "token/ops_mcx.h"

/* Enough for the identities of a busy GMS (one signer, a few hundred
 * senders' verifiers); each miss costs one validation, not correctness. */
#define CACHE_SLOTS 256
#define KEY_MAX	    160

struct mcx_ops_mcx_entry {
	uint8_t key[KEY_MAX];
	size_t key_len;
	void *value;
	void (*free_fn)(void *);
	unsigned refs; /* one for the table while listed + one per holder */
	uint64_t used;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct mcx_ops_mcx_entry *table[CACHE_SLOTS];
static uint64_t clock_tick;

static void unref_locked(struct mcx_ops_mcx_entry *e)
{
	if (--e->refs > 0)
		return;
	e->free_fn(e->value);
	free(e);
}

static struct mcx_ops_mcx_entry *lookup_locked(const uint8_t *key,
					       size_t key_len)
{
	for (size_t i = 0; i < CACHE_SLOTS; i++) {
		struct mcx_ops_mcx_entry *e = table[i];
		if (e != NULL && e->key_len == key_len &&
		    memcmp(e->key, key, key_len) == 0)
			return e;
	}
	return NULL;
}

void *mcx_ops_mcx_cache_get(const uint8_t *key, size_t key_len,
			    struct mcx_ops_mcx_entry **ent)
{
	void *v = NULL;
	*ent = NULL;
	if (key_len > KEY_MAX)
		return NULL;
	pthread_mutex_lock(&lock);
	struct mcx_ops_mcx_entry *e = lookup_locked(key, key_len);
	if (e != NULL) {
		e->refs++;
		e->used = ++clock_tick;
		*ent = e;
		v = e->value;
	}
	pthread_mutex_unlock(&lock);
	return v;
}

void *mcx_ops_mcx_cache_put(const uint8_t *key, size_t key_len, void *value,
			    void (*free_fn)(void *),
			    struct mcx_ops_mcx_entry **ent)
{
	struct mcx_ops_mcx_entry *e = NULL;
	void *v = NULL;
	*ent = NULL;
	if (key_len > KEY_MAX || (e = calloc(1, sizeof(*e))) == NULL) {
		free_fn(value);
		return NULL;
	}
	memcpy(e->key, key, key_len);
	e->key_len = key_len;
	e->value = value;
	e->free_fn = free_fn;
	e->refs = 2; /* the table's and the caller's */
	pthread_mutex_lock(&lock);
	struct mcx_ops_mcx_entry *old = lookup_locked(key, key_len);
	if (old != NULL) {
		/* another thread was first: use its state */
		old->refs++;
		old->used = ++clock_tick;
		*ent = old;
		v = old->value;
		pthread_mutex_unlock(&lock);
		free_fn(value);
		free(e);
		return v;
	}
	size_t victim = 0;
	for (size_t i = 0; i < CACHE_SLOTS; i++) {
		if (table[i] == NULL) {
			victim = i;
			break;
		}
		if (table[i]->used < table[victim]->used)
			victim = i;
	}
	if (table[victim] != NULL)
		unref_locked(table[victim]);
	e->used = ++clock_tick;
	table[victim] = e;
	*ent = e;
	v = value;
	pthread_mutex_unlock(&lock);
	return v;
}

void mcx_ops_mcx_cache_release(struct mcx_ops_mcx_entry *ent)
{
	if (ent == NULL)
		return;
	pthread_mutex_lock(&lock);
	unref_locked(ent);
	pthread_mutex_unlock(&lock);
}

void mcx_ops_mcx_cache_flush(void)
{
	pthread_mutex_lock(&lock);
	for (size_t i = 0; i < CACHE_SLOTS; i++) {
		if (table[i] != NULL)
			unref_locked(table[i]);
		table[i] = NULL;
	}
	pthread_mutex_unlock(&lock);
}

/* The module may be dlclose()d without C_Finalize: the state (secrets
 * included, wiped by the engines' free functions) goes with it. */
__attribute__((destructor)) static void cache_unload(void)
{
	mcx_ops_mcx_cache_flush();
}
