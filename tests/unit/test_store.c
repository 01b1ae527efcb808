/*
 * Unit tests of the SQLite token store (token/store.h): token life cycle,
 * PINs and lockout, objects and finds, secret attributes at rest and their
 * AAD binding, the generation counter across connections, the audit chain,
 * concurrent creation of a new file.  Each test works in its own temporary
 * directory.  This program compiles the store sources itself with a small
 * PBKDF2 count (tests/store.mk).
 */
#include "token/store.h"

#include <mcxhsm/pkcs11-mcx.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

static const uint8_t so_pin[] = "so-secret-1234";
static const uint8_t user_pin[] = "user-pin-5678";
#define PINLEN(p) (sizeof(p) - 1)

struct fixture {
	char dir[64];
	char path[128];
};

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));

	if (fx == NULL)
		return -1;
	snprintf(fx->dir, sizeof(fx->dir), "/tmp/mcx-store-XXXXXX");
	if (mkdtemp(fx->dir) == NULL)
		return -1;
	snprintf(fx->path, sizeof(fx->path), "%s/token.db", fx->dir);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;
	char p[160];
	static const char *const suffix[] = {"", "-wal", "-shm", "-journal"};

	for (size_t i = 0; i < 4; i++) {
		snprintf(p, sizeof(p), "%s%s", fx->path, suffix[i]);
		unlink(p);
	}
	rmdir(fx->dir);
	free(fx);
	return 0;
}

static void label32(char out[32], const char *s)
{
	memset(out, ' ', 32);
	memcpy(out, s, strlen(s));
}

static struct mcx_store *open_store(struct fixture *fx, uint32_t max)
{
	struct mcx_store *st = NULL;

	assert_int_equal(mcx_store_open(fx->path, max, &st), CKR_OK);
	assert_non_null(st);
	return st;
}

/* Initialised token with a user PIN; the master key in *key. */
static struct mcx_store *ready_store(struct fixture *fx, uint32_t max,
				     struct mcx_master_key *key)
{
	struct mcx_store *st = open_store(fx, max);
	char label[32];

	label32(label, "test token");
	assert_int_equal(
	    mcx_store_init_token(st, so_pin, PINLEN(so_pin), label), CKR_OK);
	assert_int_equal(
	    mcx_store_login(st, CKU_SO, so_pin, PINLEN(so_pin), key), CKR_OK);
	assert_int_equal(
	    mcx_store_init_pin(st, key, user_pin, PINLEN(user_pin)), CKR_OK);
	return st;
}

static void sql(struct fixture *fx, const char *q)
{
	sqlite3 *db = NULL;
	char *err = NULL;

	assert_int_equal(sqlite3_open(fx->path, &db), SQLITE_OK);
	sqlite3_busy_timeout(db, 5000);
	if (sqlite3_exec(db, q, NULL, NULL, &err) != SQLITE_OK)
		fail_msg("%s: %s", q, err);
	sqlite3_close(db);
}

static void test_open_uninitialised(void **state)
{
	struct fixture *fx = *state;
	struct mcx_store *st = open_store(fx, 0);
	struct mcx_store_token_info info;
	struct mcx_master_key key;
	char serial[16];
	uint64_t count = 1;

	assert_int_equal(mcx_store_token_info(st, &info), CKR_OK);
	assert_false(info.initialized);
	assert_false(info.user_pin_initialized);
	memcpy(serial, info.serial, 16);
	assert_true(serial[0] != ' ');
	assert_int_equal(
	    mcx_store_login(st, CKU_SO, so_pin, PINLEN(so_pin), &key),
	    CKR_TOKEN_NOT_RECOGNIZED);
	assert_int_equal(mcx_store_login(st, 42, so_pin, PINLEN(so_pin), &key),
			 CKR_USER_TYPE_INVALID);
	assert_int_equal(mcx_store_audit_count(st, &count), CKR_OK);
	assert_int_equal(count, 0);
	mcx_store_close(st);

	/* the serial number is stable across opens */
	st = open_store(fx, 0);
	assert_int_equal(mcx_store_token_info(st, &info), CKR_OK);
	assert_memory_equal(info.serial, serial, 16);
	mcx_store_close(st);
	assert_int_equal(mcx_store_open(NULL, 0, &st), CKR_ARGUMENTS_BAD);
	assert_int_not_equal(mcx_store_open("/nonexistent/dir/t.db", 0, &st),
			     CKR_OK);
}

static void test_not_a_database(void **state)
{
	struct fixture *fx = *state;
	struct mcx_store *st = NULL;
	FILE *f = fopen(fx->path, "w");

	assert_non_null(f);
	fputs("this is not an SQLite database, just some text padding "
	      "it out to more than one hundred octets so the header check "
	      "applies to it completely.\n",
	      f);
	fclose(f);
	assert_int_equal(mcx_store_open(fx->path, 0, &st),
			 CKR_TOKEN_NOT_RECOGNIZED);
	assert_null(st);
}

static void test_init_login(void **state)
{
	struct fixture *fx = *state;
	struct mcx_store *st = open_store(fx, 0);
	struct mcx_store_token_info info;
	struct mcx_master_key so_key, user_key, key2;
	struct mcx_store_attr a = {CKA_LABEL, "x", 1, false};
	mcx_store_id id = 0;
	char label[32], serial[16];
	mcx_store_id *ids = NULL;
	size_t n = 0;

	label32(label, "first");
	assert_int_equal(mcx_store_token_info(st, &info), CKR_OK);
	memcpy(serial, info.serial, 16);
	assert_int_equal(
	    mcx_store_init_token(st, so_pin, PINLEN(so_pin), label), CKR_OK);
	assert_int_equal(mcx_store_token_info(st, &info), CKR_OK);
	assert_true(info.initialized);
	assert_false(info.user_pin_initialized);
	assert_memory_equal(info.label, label, 32);
	assert_memory_equal(info.serial, serial, 16);
	assert_int_equal(info.max_failures, 10);

	assert_int_equal(mcx_store_login(st, CKU_USER, user_pin,
					 PINLEN(user_pin), &user_key),
			 CKR_USER_PIN_NOT_INITIALIZED);
	assert_int_equal(
	    mcx_store_login(st, CKU_SO, user_pin, PINLEN(user_pin), &so_key),
	    CKR_PIN_INCORRECT);
	assert_int_equal(mcx_store_token_info(st, &info), CKR_OK);
	assert_int_equal(info.so_failures, 1);
	assert_int_equal(
	    mcx_store_login(st, CKU_SO, so_pin, PINLEN(so_pin), &so_key),
	    CKR_OK);
	assert_int_equal(mcx_store_token_info(st, &info), CKR_OK);
	assert_int_equal(info.so_failures, 0);
	assert_int_equal(
	    mcx_store_init_pin(st, &so_key, user_pin, PINLEN(user_pin)),
	    CKR_OK);
	assert_int_equal(mcx_store_token_info(st, &info), CKR_OK);
	assert_true(info.user_pin_initialized);
	assert_int_equal(mcx_store_login(st, CKU_USER, user_pin,
					 PINLEN(user_pin), &user_key),
			 CKR_OK);
	/* both PINs unwrap the same master key */
	assert_memory_equal(so_key.octets, user_key.octets, MCX_MASTER_KEY_LEN);
	/* KDF parameters per PIN: the count this build uses, 16-octet salts
	 * that differ, 61-octet wrapped keys */
	{
		sqlite3 *db = NULL;
		sqlite3_stmt *s = NULL;

		assert_int_equal(sqlite3_open(fx->path, &db), SQLITE_OK);
		assert_int_equal(
		    sqlite3_prepare_v2(db,
				       "SELECT so_iterations, user_iterations,"
				       " length(so_salt), so_salt != user_salt,"
				       " length(so_wrapped) FROM token",
				       -1, &s, NULL),
		    SQLITE_OK);
		assert_int_equal(sqlite3_step(s), SQLITE_ROW);
		assert_int_equal(sqlite3_column_int64(s, 0),
				 MCX_STORE_KDF_ITERATIONS);
		assert_int_equal(sqlite3_column_int64(s, 1),
				 MCX_STORE_KDF_ITERATIONS);
		assert_int_equal(sqlite3_column_int(s, 2), 16);
		assert_int_equal(sqlite3_column_int(s, 3), 1);
		assert_int_equal(sqlite3_column_int(s, 4), 61);
		sqlite3_finalize(s);
		sqlite3_close(db);
	}

	/* re-initialisation: wrong SO PIN refused, right one wipes objects
	 * and the user PIN and makes a new master key */
	assert_int_equal(mcx_store_object_insert(st, NULL, &a, 1, &id), CKR_OK);
	label32(label, "second");
	assert_int_equal(
	    mcx_store_init_token(st, user_pin, PINLEN(user_pin), label),
	    CKR_PIN_INCORRECT);
	assert_int_equal(
	    mcx_store_init_token(st, so_pin, PINLEN(so_pin), label), CKR_OK);
	assert_int_equal(mcx_store_token_info(st, &info), CKR_OK);
	assert_false(info.user_pin_initialized);
	assert_int_equal(info.so_failures, 0);
	assert_memory_equal(info.label, label, 32);
	assert_memory_equal(info.serial, serial, 16);
	assert_int_equal(mcx_store_object_find(st, NULL, 0, &ids, &n), CKR_OK);
	assert_int_equal(n, 0);
	free(ids);
	assert_int_equal(
	    mcx_store_login(st, CKU_SO, so_pin, PINLEN(so_pin), &key2), CKR_OK);
	assert_memory_not_equal(key2.octets, so_key.octets, MCX_MASTER_KEY_LEN);
	mcx_store_close(st);
}

static void test_lockout(void **state)
{
	struct fixture *fx = *state;
	struct mcx_master_key key, k2;
	struct mcx_store *st = ready_store(fx, 3, &key);
	struct mcx_store *st2 = NULL;
	struct mcx_store_token_info info;

	assert_int_equal(mcx_store_token_info(st, &info), CKR_OK);
	assert_int_equal(info.max_failures, 3);
	/* a success resets the count */
	assert_int_equal(
	    mcx_store_login(st, CKU_USER, so_pin, PINLEN(so_pin), &k2),
	    CKR_PIN_INCORRECT);
	assert_int_equal(
	    mcx_store_login(st, CKU_USER, user_pin, PINLEN(user_pin), &k2),
	    CKR_OK);
	assert_int_equal(mcx_store_token_info(st, &info), CKR_OK);
	assert_int_equal(info.user_failures, 0);
	for (int i = 0; i < 2; i++)
		assert_int_equal(
		    mcx_store_login(st, CKU_USER, so_pin, PINLEN(so_pin), &k2),
		    CKR_PIN_INCORRECT);
	/* the count is persistent: another connection sees it and adds */
	st2 = open_store(fx, 0);
	assert_int_equal(mcx_store_token_info(st2, &info), CKR_OK);
	assert_int_equal(info.user_failures, 2);
	assert_int_equal(
	    mcx_store_login(st2, CKU_USER, so_pin, PINLEN(so_pin), &k2),
	    CKR_PIN_INCORRECT);
	/* at the limit even the right PIN is refused */
	assert_int_equal(
	    mcx_store_login(st, CKU_USER, user_pin, PINLEN(user_pin), &k2),
	    CKR_PIN_LOCKED);
	assert_int_equal(mcx_store_token_info(st, &info), CKR_OK);
	assert_int_equal(info.user_failures, 3);
	assert_int_equal(info.so_failures, 0);
	/* the SO is not locked, and C_InitPIN unlocks the user */
	assert_int_equal(
	    mcx_store_login(st2, CKU_SO, so_pin, PINLEN(so_pin), &k2), CKR_OK);
	assert_int_equal(
	    mcx_store_init_pin(st2, &k2, user_pin, PINLEN(user_pin)), CKR_OK);
	assert_int_equal(mcx_store_token_info(st, &info), CKR_OK);
	assert_int_equal(info.user_failures, 0);
	mcx_store_close(st2);
	mcx_store_close(st);
}

static void test_set_pin(void **state)
{
	struct fixture *fx = *state;
	struct mcx_master_key key, k2;
	struct mcx_store *st = ready_store(fx, 0, &key);
	static const uint8_t new_pin[] = "brand-new-pin";

	assert_int_equal(mcx_store_set_pin(st, CKU_USER, so_pin, PINLEN(so_pin),
					   new_pin, PINLEN(new_pin)),
			 CKR_PIN_INCORRECT);
	assert_int_equal(mcx_store_set_pin(st, CKU_USER, user_pin,
					   PINLEN(user_pin), new_pin,
					   PINLEN(new_pin)),
			 CKR_OK);
	assert_int_equal(
	    mcx_store_login(st, CKU_USER, user_pin, PINLEN(user_pin), &k2),
	    CKR_PIN_INCORRECT);
	assert_int_equal(
	    mcx_store_login(st, CKU_USER, new_pin, PINLEN(new_pin), &k2),
	    CKR_OK);
	assert_memory_equal(k2.octets, key.octets, MCX_MASTER_KEY_LEN);
	/* the SO PIN likewise, and an empty PIN is a PIN */
	assert_int_equal(
	    mcx_store_set_pin(st, CKU_SO, so_pin, PINLEN(so_pin), NULL, 0),
	    CKR_OK);
	assert_int_equal(mcx_store_login(st, CKU_SO, NULL, 0, &k2), CKR_OK);
	assert_memory_equal(k2.octets, key.octets, MCX_MASTER_KEY_LEN);
	assert_int_equal(
	    mcx_store_set_pin(st, CKU_CONTEXT_SPECIFIC, NULL, 0, NULL, 0),
	    CKR_USER_TYPE_INVALID);
	mcx_store_close(st);
}

/* An object with the usual indexed attributes and one secret value. */
struct obj {
	CK_OBJECT_CLASS cls;
	CK_KEY_TYPE kt;
	CK_BBOOL priv;
	char id[12];
	char label[16];
	uint8_t value[32];
	struct mcx_store_attr a[6];
};

static void make_obj(struct obj *o, int i, const char *label)
{
	o->cls = CKO_SECRET_KEY;
	o->kt = CKK_AES;
	o->priv = CK_TRUE;
	snprintf(o->id, sizeof(o->id), "id%05d", i % 100000);
	snprintf(o->label, sizeof(o->label), "%s", label);
	for (size_t k = 0; k < sizeof(o->value); k++)
		o->value[k] = (uint8_t)(0xA0 + i + k);
	o->a[0] =
	    (struct mcx_store_attr){CKA_CLASS, &o->cls, sizeof(o->cls), false};
	o->a[1] =
	    (struct mcx_store_attr){CKA_KEY_TYPE, &o->kt, sizeof(o->kt), false};
	o->a[2] = (struct mcx_store_attr){CKA_PRIVATE, &o->priv, 1, false};
	o->a[3] = (struct mcx_store_attr){CKA_ID, o->id, 7, false};
	o->a[4] = (struct mcx_store_attr){CKA_LABEL, o->label, strlen(o->label),
					  false};
	o->a[5] = (struct mcx_store_attr){CKA_VALUE, o->value, sizeof(o->value),
					  true};
}

static const struct mcx_store_attr *find_attr(const struct mcx_store_attr *a,
					      size_t n, CK_ATTRIBUTE_TYPE t)
{
	for (size_t i = 0; i < n; i++)
		if (a[i].type == t)
			return &a[i];
	return NULL;
}

static void fixed_key(struct mcx_master_key *key, uint8_t seed)
{
	for (size_t i = 0; i < MCX_MASTER_KEY_LEN; i++)
		key->octets[i] = (uint8_t)(seed * 31 + i * 7);
}

static void test_objects(void **state)
{
	struct fixture *fx = *state;
	struct mcx_store *st = open_store(fx, 0);
	struct mcx_master_key key;
	struct obj o1, o2, o3;
	mcx_store_id id1 = 0, id2 = 0, id3 = 0;
	struct mcx_store_attr *got = NULL;
	size_t n = 0;
	const struct mcx_store_attr *v = NULL;
	CK_BBOOL f = CK_FALSE;

	fixed_key(&key, 1);
	make_obj(&o1, 1, "alpha");
	make_obj(&o2, 2, "beta");
	make_obj(&o3, 3, "alpha");
	o3.priv = CK_FALSE;
	assert_int_equal(mcx_store_object_insert(st, NULL, o1.a, 6, &id1),
			 CKR_USER_NOT_LOGGED_IN);
	assert_int_equal(mcx_store_object_insert(st, &key, o1.a, 6, &id1),
			 CKR_OK);
	assert_int_equal(mcx_store_object_insert(st, &key, o2.a, 6, &id2),
			 CKR_OK);
	assert_int_equal(mcx_store_object_insert(st, &key, o3.a, 5, &id3),
			 CKR_OK);
	assert_true(id1 != id2 && id2 != id3);

	/* round trip with the key */
	assert_int_equal(mcx_store_object_load(st, &key, id2, &got, &n),
			 CKR_OK);
	assert_int_equal(n, 6);
	v = find_attr(got, n, CKA_VALUE);
	assert_non_null(v);
	assert_true(v->secret);
	assert_int_equal(v->len, 32);
	assert_memory_equal(v->value, o2.value, 32);
	v = find_attr(got, n, CKA_LABEL);
	assert_int_equal(v->len, 4);
	assert_memory_equal(v->value, "beta", 4);
	mcx_store_attrs_free(got, n);
	/* without the key the secret is left out */
	assert_int_equal(mcx_store_object_load(st, NULL, id2, &got, &n),
			 CKR_OK);
	assert_int_equal(n, 5);
	assert_null(find_attr(got, n, CKA_VALUE));
	mcx_store_attrs_free(got, n);

	/* update replaces the set */
	o1.a[4].value = "renamed";
	o1.a[4].len = 7;
	o1.value[0] ^= 0xff;
	assert_int_equal(mcx_store_object_update(st, &key, id1, o1.a, 6),
			 CKR_OK);
	assert_int_equal(mcx_store_object_load(st, &key, id1, &got, &n),
			 CKR_OK);
	v = find_attr(got, n, CKA_LABEL);
	assert_memory_equal(v->value, "renamed", 7);
	v = find_attr(got, n, CKA_VALUE);
	assert_memory_equal(v->value, o1.value, 32);
	mcx_store_attrs_free(got, n);
	/* a reference to a missing value is bad input */
	o1.a[4].value = NULL;
	assert_int_equal(mcx_store_object_update(st, &key, id1, o1.a, 6),
			 CKR_ARGUMENTS_BAD);
	o1.a[4].value = "renamed";
	/* indexed attributes may not be secret */
	o1.a[4].secret = true;
	assert_int_equal(mcx_store_object_update(st, &key, id1, o1.a, 6),
			 CKR_ARGUMENTS_BAD);
	o1.a[4].secret = false;
	/* an update without the key (public attributes only) keeps the
	 * stored secret value */
	{
		struct mcx_store_attr pub[] = {o1.a[0], o1.a[1], o1.a[2],
					       o1.a[3], o1.a[4]};

		pub[4].value = "public-edit";
		pub[4].len = 11;
		assert_int_equal(mcx_store_object_update(st, NULL, id1, pub, 5),
				 CKR_OK);
		assert_int_equal(mcx_store_object_load(st, &key, id1, &got, &n),
				 CKR_OK);
		assert_int_equal(n, 6);
		v = find_attr(got, n, CKA_LABEL);
		assert_memory_equal(v->value, "public-edit", 11);
		v = find_attr(got, n, CKA_VALUE);
		assert_non_null(v);
		assert_int_equal(v->len, 32);
		assert_memory_equal(v->value, o1.value, 32);
		mcx_store_attrs_free(got, n);
	}
	/* CKA_UNIQUE_ID cannot change */
	{
		struct mcx_store_attr u[] = {
		    {CKA_UNIQUE_ID, "other", 5, false}};

		assert_int_equal(mcx_store_object_update(st, &key, id1, u, 1),
				 CKR_ATTRIBUTE_READ_ONLY);
	}

	/* delete; the handle stays invalid and is not reused */
	assert_int_equal(mcx_store_object_delete(st, id2), CKR_OK);
	assert_int_equal(mcx_store_object_delete(st, id2),
			 CKR_OBJECT_HANDLE_INVALID);
	assert_int_equal(mcx_store_object_load(st, &key, id2, &got, &n),
			 CKR_OBJECT_HANDLE_INVALID);
	assert_int_equal(mcx_store_object_update(st, &key, id2, o2.a, 6),
			 CKR_OBJECT_HANDLE_INVALID);
	assert_int_equal(mcx_store_object_insert(st, &key, o2.a, 6, &id2),
			 CKR_OK);
	assert_true(id2 > id3);

	/* CKA_PRIVATE FALSE narrows to o3 */
	{
		CK_ATTRIBUTE t[] = {{CKA_PRIVATE, &f, 1}};
		mcx_store_id *ids = NULL;
		size_t cnt = 0;

		assert_int_equal(mcx_store_object_find(st, t, 1, &ids, &cnt),
				 CKR_OK);
		assert_int_equal(cnt, 1);
		assert_int_equal(ids[0], id3);
		free(ids);
	}
	mcx_store_close(st);
}

static void expect_find(struct mcx_store *st, CK_ATTRIBUTE *t, size_t n,
			size_t want, const mcx_store_id *ids_want)
{
	mcx_store_id *ids = NULL;
	size_t cnt = 99;

	assert_int_equal(mcx_store_object_find(st, t, n, &ids, &cnt), CKR_OK);
	assert_int_equal(cnt, want);
	for (size_t i = 0; i < want && ids_want != NULL; i++)
		assert_int_equal(ids[i], ids_want[i]);
	free(ids);
}

static void test_find(void **state)
{
	struct fixture *fx = *state;
	struct mcx_store *st = open_store(fx, 0);
	struct mcx_master_key key;
	struct obj o[20];
	mcx_store_id id[20];
	CK_OBJECT_CLASS pub = CKO_PUBLIC_KEY, sec = CKO_SECRET_KEY;
	CK_OBJECT_CLASS audit = CKO_MCX_AUDIT_RECORD;
	CK_BBOOL tru = CK_TRUE, fal = CK_FALSE;
	CK_KEY_TYPE mcx = CKK_MCX_KEY;
	uint8_t kid[4] = {0x10, 0, 0, 7};
	const char *uri = "sip:alice@example.org";

	fixed_key(&key, 2);
	for (int i = 0; i < 20; i++) {
		make_obj(&o[i], i, i % 2 ? "odd" : "even");
		assert_int_equal(
		    mcx_store_object_insert(st, &key, o[i].a, 6, &id[i]),
		    CKR_OK);
	}
	/* an MCX key with its vendor indexed attributes and a public key */
	{
		struct mcx_store_attr a[] = {
		    {CKA_CLASS, &sec, sizeof(sec), false},
		    {CKA_KEY_TYPE, &mcx, sizeof(mcx), false},
		    {CKA_MCX_KEY_ID, kid, 4, false},
		    {CKA_MCX_UK_ID, kid, 4, false},
		    {CKA_MCX_USER_URI, (void *)uri, strlen(uri), false},
		    {CKA_MCX_KMS_URI, (void *)uri, strlen(uri), false},
		    {CKA_UNIQUE_ID, "mcx-0001", 8, false},
		    {CKA_LABEL, "", 0, false},
		};
		struct mcx_store_attr p[] = {
		    {CKA_CLASS, &pub, sizeof(pub), false}};
		mcx_store_id mid = 0, pid = 0, dup = 0;

		assert_int_equal(mcx_store_object_insert(st, &key, a, 8, &mid),
				 CKR_OK);
		assert_int_equal(mcx_store_object_insert(st, &key, p, 1, &pid),
				 CKR_OK);
		/* CKA_UNIQUE_ID is unique */
		assert_int_equal(mcx_store_object_insert(st, &key, a, 8, &dup),
				 CKR_ATTRIBUTE_VALUE_INVALID);

		CK_ATTRIBUTE t1[] = {{CKA_MCX_KEY_ID, kid, 4}};
		expect_find(st, t1, 1, 1, &mid);
		CK_ATTRIBUTE t2[] = {
		    {CKA_MCX_UK_ID, kid, 4},
		    {CKA_MCX_USER_URI, (void *)uri, strlen(uri)},
		    {CKA_MCX_KMS_URI, (void *)uri, strlen(uri)}};
		expect_find(st, t2, 3, 1, &mid);
		CK_ATTRIBUTE t3[] = {{CKA_UNIQUE_ID, "mcx-0001", 8}};
		expect_find(st, t3, 1, 1, &mid);
		CK_ATTRIBUTE t4[] = {{CKA_LABEL, "", 0}};
		expect_find(st, t4, 1, 1, &mid);
		CK_ATTRIBUTE t5[] = {{CKA_CLASS, &pub, sizeof(pub)}};
		expect_find(st, t5, 1, 1, &pid);
		CK_ATTRIBUTE t6[] = {{CKA_KEY_TYPE, &mcx, sizeof(mcx)},
				     {CKA_CLASS, &sec, sizeof(sec)}};
		expect_find(st, t6, 2, 1, &mid);
	}
	CK_ATTRIBUTE all[] = {{CKA_TOKEN, &tru, 1}};
	expect_find(st, all, 1, 22, NULL);
	expect_find(st, NULL, 0, 22, NULL);
	CK_ATTRIBUTE none[] = {{CKA_TOKEN, &fal, 1}};
	expect_find(st, none, 1, 0, NULL);
	CK_ATTRIBUTE by_id[] = {{CKA_ID, o[7].id, 7}};
	expect_find(st, by_id, 1, 1, &id[7]);
	CK_ATTRIBUTE by_label[] = {{CKA_LABEL, "odd", 3},
				   {CKA_CLASS, &sec, sizeof(sec)}};
	expect_find(st, by_label, 2, 10, NULL);
	/* two different values for one type: nothing matches */
	CK_ATTRIBUTE clash[] = {{CKA_LABEL, "odd", 3}, {CKA_LABEL, "even", 4}};
	expect_find(st, clash, 2, 0, NULL);
	CK_ATTRIBUTE same[] = {{CKA_LABEL, "odd", 3}, {CKA_LABEL, "odd", 3}};
	expect_find(st, same, 2, 10, NULL);
	/* a wrong-sized CK_ULONG matches nothing; audit records are never
	 * objects; a non-indexed attribute does not narrow */
	CK_ATTRIBUTE bad_len[] = {{CKA_CLASS, &sec, 2}};
	expect_find(st, bad_len, 1, 0, NULL);
	CK_ATTRIBUTE aud[] = {{CKA_CLASS, &audit, sizeof(audit)}};
	expect_find(st, aud, 1, 0, NULL);
	CK_ATTRIBUTE other[] = {{CKA_ENCRYPT, &tru, 1}, {CKA_ID, o[3].id, 7}};
	expect_find(st, other, 2, 1, &id[3]);
	CK_ATTRIBUTE nullv[] = {{CKA_ID, NULL, 7}};
	{
		mcx_store_id *ids = NULL;
		size_t cnt = 0;

		assert_int_equal(
		    mcx_store_object_find(st, nullv, 1, &ids, &cnt),
		    CKR_ARGUMENTS_BAD);
	}
	mcx_store_close(st);
}

/* Read a whole file into a malloc'd buffer (NULL if absent). */
static uint8_t *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	long sz = 0;

	*len = 0;
	if (f == NULL)
		return NULL;
	fseek(f, 0, SEEK_END);
	sz = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc(sz > 0 ? (size_t)sz : 1);
	assert_non_null(buf);
	*len = fread(buf, 1, (size_t)sz, f);
	fclose(f);
	return buf;
}

static bool contains(const uint8_t *hay, size_t hlen, const uint8_t *needle,
		     size_t nlen)
{
	for (size_t i = 0; hay != NULL && i + nlen <= hlen; i++)
		if (memcmp(hay + i, needle, nlen) == 0)
			return true;
	return false;
}

static bool in_db_files(struct fixture *fx, const uint8_t *needle, size_t nlen)
{
	static const char *const suffix[] = {"", "-wal", "-shm"};
	char p[160];
	bool found = false;

	for (size_t i = 0; i < 3 && !found; i++) {
		size_t len = 0;
		uint8_t *buf = NULL;

		snprintf(p, sizeof(p), "%s%s", fx->path, suffix[i]);
		buf = slurp(p, &len);
		found = contains(buf, len, needle, nlen);
		free(buf);
	}
	return found;
}

/* Replace the first occurrence of from by to in an object's blob. */
static void patch_blob(struct fixture *fx, mcx_store_id id, const uint8_t *from,
		       const uint8_t *to, size_t len)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *s = NULL;
	uint8_t *blob = NULL;
	size_t blen = 0;
	bool done = false;

	assert_int_equal(sqlite3_open(fx->path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db,
					    "SELECT attrs FROM objects WHERE"
					    " id = ?1",
					    -1, &s, NULL),
			 SQLITE_OK);
	sqlite3_bind_int64(s, 1, id);
	assert_int_equal(sqlite3_step(s), SQLITE_ROW);
	blen = (size_t)sqlite3_column_bytes(s, 0);
	blob = malloc(blen);
	assert_non_null(blob);
	memcpy(blob, sqlite3_column_blob(s, 0), blen);
	sqlite3_finalize(s);
	for (size_t i = 0; !done && i + len <= blen; i++) {
		if (memcmp(blob + i, from, len) == 0) {
			memcpy(blob + i, to, len);
			done = true;
		}
	}
	assert_true(done);
	assert_int_equal(sqlite3_prepare_v2(db,
					    "UPDATE objects SET attrs = ?2"
					    " WHERE id = ?1",
					    -1, &s, NULL),
			 SQLITE_OK);
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_blob(s, 2, blob, (int)blen, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(s), SQLITE_DONE);
	sqlite3_finalize(s);
	sqlite3_close(db);
	free(blob);
}

static void test_secret_at_rest(void **state)
{
	struct fixture *fx = *state;
	struct mcx_master_key key, other;
	struct mcx_store *st = ready_store(fx, 0, &key);
	struct obj o1, o2;
	mcx_store_id id1 = 0, id2 = 0;
	struct mcx_store_attr *got = NULL;
	size_t n = 0;
	char q[200];

	make_obj(&o1, 1, "one");
	make_obj(&o2, 2, "two");
	assert_int_equal(mcx_store_object_insert(st, &key, o1.a, 6, &id1),
			 CKR_OK);
	assert_int_equal(mcx_store_object_insert(st, &key, o2.a, 6, &id2),
			 CKR_OK);
	/* neither the secret, the master key nor a PIN is in the files; the
	 * public CKA_ID is (so the search itself works) */
	assert_false(in_db_files(fx, o1.value, sizeof(o1.value)));
	assert_false(in_db_files(fx, key.octets, sizeof(key.octets)));
	assert_false(in_db_files(fx, so_pin, PINLEN(so_pin)));
	assert_false(in_db_files(fx, user_pin, PINLEN(user_pin)));
	assert_true(in_db_files(fx, (const uint8_t *)"id00001", 7));

	/* the wrong master key fails authentication */
	fixed_key(&other, 9);
	assert_int_equal(mcx_store_object_load(st, &other, id1, &got, &n),
			 CKR_DEVICE_ERROR);
	assert_null(got);

	/* a ciphertext moved to another object does not decrypt: copy
	 * object 1's blob (same layout) onto object 2 */
	snprintf(q, sizeof(q),
		 "UPDATE objects SET attrs = (SELECT attrs FROM objects WHERE"
		 " id = %lld) WHERE id = %lld",
		 (long long)id1, (long long)id2);
	sql(fx, q);
	assert_int_equal(mcx_store_object_load(st, &key, id2, &got, &n),
			 CKR_DEVICE_ERROR);
	/* the public part alone still loads */
	assert_int_equal(mcx_store_object_load(st, NULL, id2, &got, &n),
			 CKR_OK);
	mcx_store_attrs_free(got, n);
	/* nor to another attribute: relabel CKA_VALUE (0x11) of object 1 as
	 * CKA_VALUE_LEN (0x161) by patching the type octets in place */
	{
		static const uint8_t from[] = {0, 0, 0, 0, 0, 0, 0, 0x11, 1};
		static const uint8_t to[] = {0, 0, 0, 0, 0, 0, 0x01, 0x61, 1};

		patch_blob(fx, id1, from, to, sizeof(from));
	}
	assert_int_equal(mcx_store_object_load(st, &key, id1, &got, &n),
			 CKR_DEVICE_ERROR);
	/* a truncated blob is a device error, not a crash */
	snprintf(q, sizeof(q),
		 "UPDATE objects SET attrs = substr(attrs, 1, 20) WHERE id ="
		 " %lld",
		 (long long)id1);
	sql(fx, q);
	assert_int_equal(mcx_store_object_load(st, NULL, id1, &got, &n),
			 CKR_DEVICE_ERROR);
	mcx_store_close(st);
}

static void test_generation(void **state)
{
	struct fixture *fx = *state;
	struct mcx_store *a = open_store(fx, 0);
	struct mcx_store *b = open_store(fx, 0);
	struct mcx_store_attr attr = {CKA_LABEL, "g", 1, false};
	uint64_t ga = 0, gb = 0, ga2 = 0, gb2 = 0;
	mcx_store_id id = 0;

	assert_int_equal(mcx_store_generation(a, &ga), CKR_OK);
	assert_int_equal(mcx_store_generation(b, &gb), CKR_OK);
	assert_int_equal(ga, gb);
	assert_int_equal(mcx_store_generation(a, &ga2), CKR_OK);
	assert_int_equal(ga, ga2);
	/* a change through b is seen through a, and through b itself */
	assert_int_equal(mcx_store_object_insert(b, NULL, &attr, 1, &id),
			 CKR_OK);
	assert_int_equal(mcx_store_generation(a, &ga2), CKR_OK);
	assert_int_equal(mcx_store_generation(b, &gb2), CKR_OK);
	assert_int_equal(ga2, ga + 1);
	assert_int_equal(ga2, gb2);
	/* an audit append is not an object change */
	{
		struct mcx_audit_record r = {.function = "C_Login"};

		assert_int_equal(mcx_store_audit_append(b, &r), CKR_OK);
		assert_int_equal(mcx_store_generation(a, &ga), CKR_OK);
		assert_int_equal(ga, ga2);
	}
	assert_int_equal(mcx_store_object_delete(a, id), CKR_OK);
	assert_int_equal(mcx_store_generation(b, &gb), CKR_OK);
	assert_int_not_equal(gb, gb2);
	/* b sees a's delete */
	assert_int_equal(mcx_store_object_delete(b, id),
			 CKR_OBJECT_HANDLE_INVALID);
	mcx_store_close(a);
	mcx_store_close(b);
}

static CK_RV collect(const struct mcx_audit_record *rec, void *arg)
{
	uint64_t *seen = arg;

	assert_int_equal(rec->seq, *seen);
	if (rec->seq == 1) {
		assert_string_equal(rec->function, "C_CreateObject");
		assert_string_equal(rec->unique_id, "uid-1");
		assert_string_equal(rec->label, "my key");
		assert_int_equal(rec->rv, CKR_OK);
		assert_int_equal(rec->mechanism, CKM_AES_KEY_GEN);
		assert_int_equal(rec->user_type, CKU_USER);
		assert_int_equal(rec->pid, 4242);
		assert_int_equal(rec->time, 1700000000);
	}
	(*seen)++;
	return CKR_OK;
}

static CK_RV stop_at_two(const struct mcx_audit_record *rec, void *arg)
{
	(void)arg;
	return rec->seq == 2 ? CKR_CANCEL : CKR_OK;
}

static void test_audit(void **state)
{
	struct fixture *fx = *state;
	struct mcx_store *st = open_store(fx, 0);
	struct mcx_audit_record r = {0};
	uint64_t count = 0, bad = 0, seen = 0;

	r.function = "C_Login";
	r.user_type = CK_UNAVAILABLE_INFORMATION;
	r.mechanism = CK_UNAVAILABLE_INFORMATION;
	r.rv = CKR_PIN_INCORRECT;
	assert_int_equal(mcx_store_audit_append(st, &r), CKR_OK);
	r = (struct mcx_audit_record){.time = 1700000000,
				      .pid = 4242,
				      .user_type = CKU_USER,
				      .mechanism = CKM_AES_KEY_GEN,
				      .function = "C_CreateObject",
				      .unique_id = "uid-1",
				      .label = "my key"};
	assert_int_equal(mcx_store_audit_append(st, &r), CKR_OK);

	/* several processes append to one chain */
	for (int c = 0; c < 4; c++) {
		pid_t pid = fork();

		assert_true(pid >= 0);
		if (pid == 0) {
			struct mcx_store *cs = NULL;
			struct mcx_audit_record cr = {.function = "C_Sign",
						      .label = "child"};
			int ok = mcx_store_open(fx->path, 0, &cs) == CKR_OK;

			for (int i = 0; ok && i < 25; i++)
				ok = mcx_store_audit_append(cs, &cr) == CKR_OK;
			mcx_store_close(cs);
			_exit(ok ? 0 : 1);
		}
	}
	for (int c = 0; c < 4; c++) {
		int status = 0;

		assert_true(wait(&status) > 0);
		assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
	assert_int_equal(mcx_store_audit_count(st, &count), CKR_OK);
	assert_int_equal(count, 102);
	assert_int_equal(mcx_store_audit_verify(st, &count, &bad), CKR_OK);
	assert_int_equal(count, 102);
	assert_int_equal(mcx_store_audit_each(st, 0, 1000, collect, &seen),
			 CKR_OK);
	assert_int_equal(seen, 102);
	assert_int_equal(mcx_store_audit_each(st, 0, 10, stop_at_two, NULL),
			 CKR_CANCEL);
	assert_int_equal(mcx_store_audit_each(st, 0, 1, NULL, NULL),
			 CKR_ARGUMENTS_BAD);

	/* append-only: the database refuses changes ... */
	{
		sqlite3 *db = NULL;

		assert_int_equal(sqlite3_open(fx->path, &db), SQLITE_OK);
		assert_int_not_equal(sqlite3_exec(db,
						  "UPDATE audit SET label = 'x'"
						  " WHERE seq = 5",
						  NULL, NULL, NULL),
				     SQLITE_OK);
		assert_int_not_equal(sqlite3_exec(db,
						  "DELETE FROM audit WHERE"
						  " seq = 5",
						  NULL, NULL, NULL),
				     SQLITE_OK);
		sqlite3_close(db);
	}
	/* ... and an edit past the triggers is found at its record */
	sql(fx, "DROP TRIGGER audit_no_update");
	sql(fx, "UPDATE audit SET label = 'changed' WHERE seq = 1");
	assert_int_equal(mcx_store_audit_verify(st, &count, &bad),
			 CKR_DATA_INVALID);
	assert_int_equal(bad, 1);
	assert_int_equal(count, 1);
	sql(fx, "UPDATE audit SET label = 'my key' WHERE seq = 1");
	assert_int_equal(mcx_store_audit_verify(st, &count, &bad), CKR_OK);
	/* a removed record in the middle breaks the chain */
	sql(fx, "DROP TRIGGER audit_no_delete");
	sql(fx, "DELETE FROM audit WHERE seq = 50");
	assert_int_equal(mcx_store_audit_verify(st, &count, &bad),
			 CKR_DATA_INVALID);
	assert_int_equal(bad, 50);
	mcx_store_close(st);
}

static void test_audit_first_link(void **state)
{
	struct fixture *fx = *state;
	struct mcx_store *st = open_store(fx, 0);
	struct mcx_audit_record r = {.function = "C_InitToken"};
	uint8_t zero[32] = {0};
	sqlite3 *db = NULL;
	sqlite3_stmt *s = NULL;

	assert_int_equal(mcx_store_audit_append(st, &r), CKR_OK);
	assert_int_equal(sqlite3_open(fx->path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db,
					    "SELECT seq, prev_hash FROM audit",
					    -1, &s, NULL),
			 SQLITE_OK);
	assert_int_equal(sqlite3_step(s), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int64(s, 0), 0);
	assert_int_equal(sqlite3_column_bytes(s, 1), 32);
	assert_memory_equal(sqlite3_column_blob(s, 1), zero, 32);
	sqlite3_finalize(s);
	sqlite3_close(db);
	mcx_store_close(st);
}

/* Several processes opening a new file at once: one creates the schema,
 * the others wait (busy timeout) and use it; nobody fails. */
static void test_concurrent_create(void **state)
{
	struct fixture *fx = *state;
	struct mcx_store *st = NULL;
	mcx_store_id *ids = NULL;
	size_t n = 0;
	int children = 6;

	for (int c = 0; c < children; c++) {
		pid_t pid = fork();

		assert_true(pid >= 0);
		if (pid == 0) {
			struct mcx_store *cs = NULL;
			struct mcx_store_attr a = {CKA_LABEL, "racer", 5,
						   false};
			mcx_store_id id = 0;
			CK_RV rv = mcx_store_open(fx->path, 0, &cs);

			if (rv == CKR_OK)
				rv = mcx_store_object_insert(cs, NULL, &a, 1,
							     &id);
			if (rv != CKR_OK)
				fprintf(stderr, "child %d: CKR 0x%lx\n", c,
					(unsigned long)rv);
			mcx_store_close(cs);
			_exit(rv == CKR_OK ? 0 : 1);
		}
	}
	for (int c = 0; c < children; c++) {
		int status = 0;

		assert_true(wait(&status) > 0);
		assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
	st = open_store(fx, 0);
	assert_int_equal(mcx_store_object_find(st, NULL, 0, &ids, &n), CKR_OK);
	assert_int_equal(n, (size_t)children);
	free(ids);
	mcx_store_close(st);
}

static size_t count_label(struct mcx_store *st, const char *label)
{
	CK_ATTRIBUTE t = {CKA_LABEL, (void *)label, strlen(label)};
	mcx_store_id *ids = NULL;
	size_t n = 0;

	assert_int_equal(mcx_store_object_find(st, &t, 1, &ids, &n), CKR_OK);
	free(ids);
	return n;
}

/* mcx_store_txn_begin/commit/rollback: an object change and its audit
 * record commit or vanish together; a failing step inside is undone alone
 * (savepoint); other connections see nothing before the commit. */
static void test_txn(void **state)
{
	struct fixture *fx = *state;
	struct mcx_store *st = open_store(fx, 0);
	struct mcx_store *other = open_store(fx, 0);
	struct mcx_store_attr a[2] = {{CKA_UNIQUE_ID, "uid-a", 5, false},
				      {CKA_LABEL, "txn-a", 5, false}};
	struct mcx_store_attr b[2] = {{CKA_UNIQUE_ID, "uid-a", 5, false},
				      {CKA_LABEL, "txn-b", 5, false}};
	struct mcx_audit_record rec;
	mcx_store_id id = 0;
	uint64_t count = 0;

	memset(&rec, 0, sizeof(rec));
	rec.function = "C_CreateObject";
	rec.unique_id = "uid-a";
	assert_int_equal(mcx_store_txn_commit(st),
			 CKR_OPERATION_NOT_INITIALIZED);
	/* rolled back: neither the object nor its record */
	assert_int_equal(mcx_store_txn_begin(st), CKR_OK);
	assert_int_equal(mcx_store_txn_begin(st), CKR_OPERATION_ACTIVE);
	assert_int_equal(mcx_store_object_insert(st, NULL, a, 2, &id), CKR_OK);
	assert_int_equal(mcx_store_audit_append(st, &rec), CKR_OK);
	assert_int_equal(count_label(st, "txn-a"), 1);
	assert_int_equal(count_label(other, "txn-a"), 0);
	mcx_store_txn_rollback(st);
	assert_int_equal(count_label(st, "txn-a"), 0);
	assert_int_equal(mcx_store_audit_count(st, &count), CKR_OK);
	assert_int_equal(count, 0);
	/* committed: both; the failed duplicate insert inside is undone
	 * alone */
	assert_int_equal(mcx_store_txn_begin(st), CKR_OK);
	assert_int_equal(mcx_store_object_insert(st, NULL, a, 2, &id), CKR_OK);
	assert_int_equal(mcx_store_object_insert(st, NULL, b, 2, &id),
			 CKR_ATTRIBUTE_VALUE_INVALID);
	assert_int_equal(mcx_store_audit_append(st, &rec), CKR_OK);
	assert_int_equal(mcx_store_audit_count(other, &count), CKR_OK);
	assert_int_equal(count, 0);
	assert_int_equal(mcx_store_txn_commit(st), CKR_OK);
	assert_int_equal(count_label(other, "txn-a"), 1);
	assert_int_equal(count_label(other, "txn-b"), 0);
	assert_int_equal(mcx_store_audit_count(other, &count), CKR_OK);
	assert_int_equal(count, 1);
	assert_int_equal(mcx_store_audit_verify(other, &count, NULL), CKR_OK);
	/* a delete and its record likewise */
	assert_int_equal(mcx_store_txn_begin(st), CKR_OK);
	assert_int_equal(mcx_store_object_delete(st, id), CKR_OK);
	mcx_store_txn_rollback(st);
	assert_int_equal(count_label(other, "txn-a"), 1);
	mcx_store_close(other);
	mcx_store_close(st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_open_uninitialised, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_not_a_database, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_init_login, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_lockout, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_set_pin, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_objects, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_find, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_secret_at_rest, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_generation, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_audit, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_audit_first_link, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_txn, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_concurrent_create, setup,
					    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
