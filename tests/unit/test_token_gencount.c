/*
 * How often the token reads the store generation (token/object.c): once
 * per entry-point call and slot, however many token objects the call
 * looks up, and again in the next call.  Linked with
 * -Wl,--wrap=mcx_store_generation (tests/token.mk), so every read the
 * front end makes is counted here; the store's own calls stay internal.
 *
 * The token is driven through the mcx_C_* entry points of the token
 * library (token/entry.h), in a temporary token directory.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "token/entry.h"
#include "token/store.h"

#define SO_PIN	 "so-secret-1"
#define USER_PIN "user-secret-1"

static unsigned long reads;

CK_RV __real_mcx_store_generation(struct mcx_store *st, uint64_t *generation);
CK_RV __wrap_mcx_store_generation(struct mcx_store *st, uint64_t *generation);

CK_RV __wrap_mcx_store_generation(struct mcx_store *st, uint64_t *generation)
{
	reads++;
	return __real_mcx_store_generation(st, generation);
}

static char dir[64];
static CK_SLOT_ID slot;
static CK_SESSION_HANDLE sess;
static CK_BBOOL yes = CK_TRUE;

static void pad(CK_UTF8CHAR *out, const char *s, size_t n)
{
	size_t len = strlen(s);
	memset(out, ' ', n);
	memcpy(out, s, len < n ? len : n);
}

/* A token AES key that wraps and may be wrapped. */
static CK_OBJECT_HANDLE aes_key(uint8_t fill)
{
	CK_OBJECT_CLASS cls = CKO_SECRET_KEY;
	CK_KEY_TYPE kt = CKK_AES;
	uint8_t v[16];
	memset(v, fill, sizeof(v));
	CK_ATTRIBUTE t[] = {
	    {CKA_CLASS, &cls, sizeof(cls)},
	    {CKA_KEY_TYPE, &kt, sizeof(kt)},
	    {CKA_TOKEN, &yes, sizeof(yes)},
	    {CKA_PRIVATE, &yes, sizeof(yes)},
	    {CKA_WRAP, &yes, sizeof(yes)},
	    {CKA_EXTRACTABLE, &yes, sizeof(yes)},
	    {CKA_VALUE, v, sizeof(v)},
	};
	CK_OBJECT_HANDLE h = CK_INVALID_HANDLE;
	assert_int_equal(mcx_C_CreateObject(sess, t, 7, &h), CKR_OK);
	return h;
}

static void test_one_read_per_call(void **state)
{
	(void)state;
	CK_OBJECT_HANDLE kek = aes_key(0x11), key = aes_key(0x22);
	CK_MECHANISM m = {CKM_AES_KEY_WRAP, NULL, 0};
	uint8_t out[64], lbl[32];
	CK_ULONG len = sizeof(out);
	CK_ATTRIBUTE a = {CKA_LABEL, lbl, sizeof(lbl)};

	/* a C_WrapKey looks up two token objects: one read */
	reads = 0;
	assert_int_equal(mcx_C_WrapKey(sess, &m, kek, key, out, &len), CKR_OK);
	assert_int_equal(len, 24);
	assert_int_equal(reads, 1);
	/* the next call reads again (another process may have written) */
	reads = 0;
	len = sizeof(out);
	assert_int_equal(mcx_C_WrapKey(sess, &m, kek, key, out, &len), CKR_OK);
	assert_int_equal(reads, 1);
	/* so does each of several calls naming one object */
	reads = 0;
	for (int i = 0; i < 5; i++) {
		a.ulValueLen = sizeof(lbl);
		assert_int_equal(mcx_C_GetAttributeValue(sess, key, &a, 1),
				 CKR_OK);
	}
	assert_int_equal(reads, 5);
	/* a call that only writes reads before (its check) and after its
	 * own write (object_create.c after_write keeps the cache) */
	reads = 0;
	CK_ATTRIBUTE l = {CKA_LABEL, "k", 1};
	assert_int_equal(mcx_C_SetAttributeValue(sess, key, &l, 1), CKR_OK);
	assert_int_equal(reads, 2);
	reads = 0;
	assert_int_equal(mcx_C_DestroyObject(sess, kek), CKR_OK);
	assert_int_equal(mcx_C_DestroyObject(sess, key), CKR_OK);
	assert_int_equal(reads, 4);
}

static int setup(void **state)
{
	(void)state;
	char path[128];
	CK_UTF8CHAR label[32];
	CK_SLOT_ID slots[8];
	CK_ULONG n = 8;
	FILE *fp = NULL;

	snprintf(dir, sizeof(dir), "/tmp/mcx-gencount-XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(path, sizeof(path), "%s/tokens", dir);
	if (mkdir(path, 0700) != 0)
		return -1;
	snprintf(path, sizeof(path), "%s/mcxhsm.conf", dir);
	fp = fopen(path, "w");
	if (fp == NULL)
		return -1;
	fprintf(fp, "token_dir = %s/tokens\n", dir);
	fclose(fp);
	setenv("MCXHSM_CONF", path, 1);
	if (mcx_C_Initialize(NULL) != CKR_OK ||
	    mcx_C_GetSlotList(CK_FALSE, slots, &n) != CKR_OK || n == 0)
		return -1;
	slot = slots[0];
	pad(label, "gencount", sizeof(label));
	if (mcx_C_InitToken(slot, (CK_UTF8CHAR_PTR)SO_PIN, strlen(SO_PIN),
			    label) != CKR_OK)
		return -1;
	if (mcx_C_OpenSession(slot, CKF_SERIAL_SESSION | CKF_RW_SESSION, NULL,
			      NULL, &sess) != CKR_OK ||
	    mcx_C_Login(sess, CKU_SO, (CK_UTF8CHAR_PTR)SO_PIN,
			strlen(SO_PIN)) != CKR_OK ||
	    mcx_C_InitPIN(sess, (CK_UTF8CHAR_PTR)USER_PIN, strlen(USER_PIN)) !=
		CKR_OK ||
	    mcx_C_Logout(sess) != CKR_OK ||
	    mcx_C_Login(sess, CKU_USER, (CK_UTF8CHAR_PTR)USER_PIN,
			strlen(USER_PIN)) != CKR_OK)
		return -1;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	char cmd[128];
	mcx_C_Finalize(NULL);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_one_read_per_call),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
