/*
 * Store-level benchmark (make bench; engineer I's bench_store.c compares
 * the module with SoftHSMv2 through PKCS#11): object insert rate (one
 * transaction each, sync normal and full), load rate with decryption, find by
 * CKA_ID and by CKA_LABEL among 100,000 objects, open + first find on that
 * database.  Medians of repeated runs; prints BENCH lines.
 * MCXHSM_BENCH_OBJECTS overrides the object count (default 100000).
 */
#include "token/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(double *v, size_t n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* A typical secret key object: 14 attributes, one secret. */
struct obj {
	CK_OBJECT_CLASS cls;
	CK_KEY_TYPE kt;
	CK_BBOOL t, f;
	CK_ULONG len;
	char id[16];
	char label[32];
	char uid[40];
	unsigned char value[32];
	unsigned char check[3];
	struct mcx_store_attr a[14];
};

static void make_obj(struct obj *o, long i)
{
	o->cls = CKO_SECRET_KEY;
	o->kt = CKK_AES;
	o->t = CK_TRUE;
	o->f = CK_FALSE;
	o->len = 32;
	snprintf(o->id, sizeof(o->id), "id-%08ld", i);
	snprintf(o->label, sizeof(o->label), "key number %ld", i);
	snprintf(o->uid, sizeof(o->uid), "bench-%ld-%ld", (long)getpid(), i);
	for (size_t k = 0; k < sizeof(o->value); k++)
		o->value[k] = (unsigned char)(i * 7 + k);
	memset(o->check, 0x5a, sizeof(o->check));
	struct mcx_store_attr a[14] = {
	    {CKA_CLASS, &o->cls, sizeof(o->cls), false},
	    {CKA_KEY_TYPE, &o->kt, sizeof(o->kt), false},
	    {CKA_TOKEN, &o->t, 1, false},
	    {CKA_PRIVATE, &o->t, 1, false},
	    {CKA_SENSITIVE, &o->t, 1, false},
	    {CKA_EXTRACTABLE, &o->f, 1, false},
	    {CKA_ENCRYPT, &o->t, 1, false},
	    {CKA_DECRYPT, &o->t, 1, false},
	    {CKA_VALUE_LEN, &o->len, sizeof(o->len), false},
	    {CKA_ID, o->id, strlen(o->id), false},
	    {CKA_LABEL, o->label, strlen(o->label), false},
	    {CKA_UNIQUE_ID, o->uid, strlen(o->uid), false},
	    {CKA_CHECK_VALUE, o->check, 3, false},
	    {CKA_VALUE, o->value, sizeof(o->value), true},
	};
	memcpy(o->a, a, sizeof(a));
}

static void die(const char *what, CK_RV rv)
{
	fprintf(stderr, "bench_store: %s: CKR 0x%lx\n", what,
		(unsigned long)rv);
	exit(1);
}

static void rm_db(const char *path)
{
	char p[320];

	unlink(path);
	snprintf(p, sizeof(p), "%s-wal", path);
	unlink(p);
	snprintf(p, sizeof(p), "%s-shm", path);
	unlink(p);
}

/* Insert count objects numbered from first; returns objects/s. */
static double insert_rate(struct mcx_store *st, struct mcx_master_key *key,
			  long first, long count)
{
	struct obj o;
	mcx_store_id id = 0;
	double t0 = now();
	CK_RV rv = CKR_OK;

	for (long i = first; i < first + count; i++) {
		make_obj(&o, i);
		rv = mcx_store_object_insert(st, key, o.a, 14, &id);
		if (rv != CKR_OK)
			die("insert", rv);
	}
	return (double)count / (now() - t0);
}

/* Median microseconds of one find (reps finds, random ids). */
static double find_us(struct mcx_store *st, long objects, int by_label,
		      int reps)
{
	double *t = calloc((size_t)reps, sizeof(double));
	char buf[32];
	mcx_store_id *ids = NULL;
	size_t n = 0;
	double m = 0;

	for (int r = 0; r < reps; r++) {
		long i = random() % objects;
		CK_ATTRIBUTE tmpl[1];
		double t0 = 0;
		CK_RV rv = CKR_OK;

		if (by_label)
			snprintf(buf, sizeof(buf), "key number %ld", i);
		else
			snprintf(buf, sizeof(buf), "id-%08ld", i);
		tmpl[0].type = by_label ? CKA_LABEL : CKA_ID;
		tmpl[0].pValue = buf;
		tmpl[0].ulValueLen = strlen(buf);
		t0 = now();
		rv = mcx_store_object_find(st, tmpl, 1, &ids, &n);
		t[r] = (now() - t0) * 1e6;
		if (rv != CKR_OK || n != 1)
			die("find", rv != CKR_OK ? rv : CKR_GENERAL_ERROR);
		free(ids);
	}
	m = median(t, (size_t)reps);
	free(t);
	return m;
}

int main(void)
{
	char dir[] = "/tmp/mcx-bench-store-XXXXXX";
	char path[300];
	const char *env = getenv("MCXHSM_BENCH_OBJECTS");
	long objects = env != NULL ? atol(env) : 100000;
	struct mcx_store *st = NULL;
	struct mcx_master_key key;
	double rates[5], t[7];
	CK_RV rv = CKR_OK;
	long done = 0;

	if (objects < 1000)
		objects = 1000;
	if (mkdtemp(dir) == NULL)
		return 1;
	snprintf(path, sizeof(path), "%s/bench.db", dir);
	for (size_t i = 0; i < sizeof(key.octets); i++)
		key.octets[i] = (unsigned char)(i * 13 + 1);
	srandom(1);

	rv = mcx_store_open(path, 0, &st);
	if (rv != CKR_OK)
		die("open", rv);
	/* insert rate: 5 slices of 2,000 (sync normal), median */
	for (int r = 0; r < 5; r++) {
		rates[r] = insert_rate(st, &key, done, 2000);
		done += 2000;
	}
	printf("BENCH store_insert_sync_normal %.0f objects/s\n",
	       median(rates, 5));
	rv = mcx_store_set_sync_full(st, true);
	if (rv != CKR_OK)
		die("sync full", rv);
	for (int r = 0; r < 3; r++) {
		rates[r] = insert_rate(st, &key, done, 500);
		done += 500;
	}
	printf("BENCH store_insert_sync_full %.0f objects/s\n",
	       median(rates, 3));
	rv = mcx_store_set_sync_full(st, false);
	if (rv != CKR_OK)
		die("sync normal", rv);
	/* fill up to the object count */
	if (done < objects)
		(void)insert_rate(st, &key, done, objects - done);
	done = objects > done ? objects : done;

	/* load with decryption of the secret value */
	{
		struct mcx_store_attr *attrs = NULL;
		size_t n = 0;
		double t0 = now();
		int reps = 20000;

		for (int r = 0; r < reps; r++) {
			rv = mcx_store_object_load(
			    st, &key, 1 + random() % done, &attrs, &n);
			if (rv != CKR_OK)
				die("load", rv);
			mcx_store_attrs_free(attrs, n);
		}
		printf("BENCH store_load_decrypt %.0f objects/s\n",
		       reps / (now() - t0));
	}
	printf("BENCH store_find_by_id_%ld %.1f us\n", done,
	       find_us(st, done, 0, 2001));
	printf("BENCH store_find_by_label_%ld %.1f us\n", done,
	       find_us(st, done, 1, 2001));
	mcx_store_close(st);
	st = NULL;

	/* open + first find on the full database (page cache warm) */
	for (int r = 0; r < 7; r++) {
		double t0 = now();
		char id[32];
		CK_ATTRIBUTE tmpl[1] = {{CKA_ID, id, 0}};
		mcx_store_id *ids = NULL;
		size_t n = 0;

		snprintf(id, sizeof(id), "id-%08ld", random() % done);
		tmpl[0].ulValueLen = strlen(id);
		rv = mcx_store_open(path, 0, &st);
		if (rv != CKR_OK)
			die("reopen", rv);
		rv = mcx_store_object_find(st, tmpl, 1, &ids, &n);
		if (rv != CKR_OK || n != 1)
			die("first find",
			    rv != CKR_OK ? rv : CKR_GENERAL_ERROR);
		t[r] = (now() - t0) * 1e3;
		free(ids);
		mcx_store_close(st);
		st = NULL;
	}
	printf("BENCH store_open_first_find_%ld %.2f ms\n", done, median(t, 7));
	rm_db(path);
	rmdir(dir);
	return 0;
}
