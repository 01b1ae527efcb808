/*
 * Black-box suite of the token core, through the built module only
 * ($MCXHSM_MODULE, C_GetInterface): interfaces, slots, PINs and their
 * flags, sessions, objects, whole-template C_GetAttributeValue, the
 * attribute policy's refusals (each with the spec's CKR and an audit
 * record), visibility, another process's changes, fork, threads.
 *
 * One token for the whole group, and an anchor session that keeps the
 * token's login state between tests (login state is per token, shared by
 * every session), because the PIN KDF makes logins slow (seconds under
 * ASan): a test logs in only when it needs a state change.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <openssl/evp.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tests/blackbox/p11_helpers.h"

#define SO_PIN	 "so-pin-0000"
#define USER_PIN "user-pin-1111"

static struct mcx_p11 P;
static CK_BBOOL T = CK_TRUE, F = CK_FALSE;
static CK_SESSION_HANDLE anchor;

static CK_SESSION_HANDLE open_rw(void);

static int group_setup(void **state)
{
	(void)state;
	mcx_p11_open(&P);
	mcx_p11_init_token(&P, "core", SO_PIN, USER_PIN);
	anchor = open_rw();
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	mcx_p11_close(&P);
	return 0;
}

static CK_SESSION_HANDLE open_rw(void)
{
	CK_SESSION_HANDLE s = CK_INVALID_HANDLE;
	assert_int_equal(P.f->C_OpenSession(P.slot,
					    CKF_SERIAL_SESSION | CKF_RW_SESSION,
					    NULL, NULL, &s),
			 CKR_OK);
	return s;
}

/* Log the token in as the user unless it already is. */
static void login_user(CK_SESSION_HANDLE s)
{
	CK_RV rv = P.f->C_Login(s, CKU_USER, (CK_UTF8CHAR_PTR)USER_PIN,
				strlen(USER_PIN));
	assert_true(rv == CKR_OK || rv == CKR_USER_ALREADY_LOGGED_IN);
}

/* Back to the public state (nobody logged in). */
static void ensure_public(void)
{
	CK_RV rv = P.f->C_Logout(anchor);
	assert_true(rv == CKR_OK || rv == CKR_USER_NOT_LOGGED_IN);
}

/* The newest audit record: its function name and CKR. */
static void last_audit(CK_SESSION_HANDLE s, char *fn, size_t fnlen, CK_RV *rv)
{
	CK_OBJECT_CLASS cls = CKO_MCX_AUDIT_RECORD;
	CK_ATTRIBUTE t = {CKA_CLASS, &cls, sizeof(cls)};
	CK_OBJECT_HANDLE h[256];
	CK_ULONG n = 0, best_seq = 0;
	CK_OBJECT_HANDLE best = CK_INVALID_HANDLE;
	assert_int_equal(P.f->C_FindObjectsInit(s, &t, 1), CKR_OK);
	do {
		assert_int_equal(P.f->C_FindObjects(s, h, 256, &n), CKR_OK);
		for (CK_ULONG i = 0; i < n; i++) {
			CK_ULONG seq = 0;
			CK_ATTRIBUTE a = {CKA_MCX_AUDIT_SEQ, &seq, sizeof(seq)};
			assert_int_equal(
			    P.f->C_GetAttributeValue(s, h[i], &a, 1), CKR_OK);
			if (best == CK_INVALID_HANDLE || seq > best_seq) {
				best = h[i];
				best_seq = seq;
			}
		}
	} while (n == 256);
	assert_int_equal(P.f->C_FindObjectsFinal(s), CKR_OK);
	assert_int_not_equal(best, CK_INVALID_HANDLE);
	memset(fn, 0, fnlen);
	CK_ATTRIBUTE a[2] = {{CKA_MCX_AUDIT_FUNCTION, fn, fnlen - 1},
			     {CKA_MCX_AUDIT_RV, rv, sizeof(*rv)}};
	assert_int_equal(P.f->C_GetAttributeValue(s, best, a, 2), CKR_OK);
}

/* How many audit records s sees. */
static CK_ULONG count_audit(CK_SESSION_HANDLE s)
{
	CK_OBJECT_CLASS cls = CKO_MCX_AUDIT_RECORD;
	CK_ATTRIBUTE t = {CKA_CLASS, &cls, sizeof(cls)};
	CK_OBJECT_HANDLE h[256];
	CK_ULONG n = 0, total = 0;
	assert_int_equal(P.f->C_FindObjectsInit(s, &t, 1), CKR_OK);
	do {
		assert_int_equal(P.f->C_FindObjects(s, h, 256, &n), CKR_OK);
		total += n;
	} while (n == 256);
	assert_int_equal(P.f->C_FindObjectsFinal(s), CKR_OK);
	return total;
}

/* The audit record `back` places before the newest has function fn and
 * CKR rv. */
static void assert_audit_back(CK_SESSION_HANDLE s, CK_ULONG back,
			      const char *fn, CK_RV rv)
{
	CK_ULONG total = count_audit(s);
	assert_true(total > back);
	CK_OBJECT_CLASS cls = CKO_MCX_AUDIT_RECORD;
	CK_ULONG seq = total - 1 - back;
	CK_ATTRIBUTE t[] = {{CKA_CLASS, &cls, sizeof(cls)},
			    {CKA_MCX_AUDIT_SEQ, &seq, sizeof(seq)}};
	CK_OBJECT_HANDLE h = CK_INVALID_HANDLE;
	CK_ULONG n = 0;
	assert_int_equal(P.f->C_FindObjectsInit(s, t, 2), CKR_OK);
	assert_int_equal(P.f->C_FindObjects(s, &h, 1, &n), CKR_OK);
	assert_int_equal(P.f->C_FindObjectsFinal(s), CKR_OK);
	assert_int_equal(n, 1);
	char got[64];
	CK_RV grv = 0;
	memset(got, 0, sizeof(got));
	CK_ATTRIBUTE a[2] = {{CKA_MCX_AUDIT_FUNCTION, got, sizeof(got) - 1},
			     {CKA_MCX_AUDIT_RV, &grv, sizeof(grv)}};
	assert_int_equal(P.f->C_GetAttributeValue(s, h, a, 2), CKR_OK);
	assert_string_equal(got, fn);
	assert_int_equal(grv, rv);
}

static void assert_last_audit(CK_SESSION_HANDLE s, const char *fn, CK_RV rv)
{
	char got[64];
	CK_RV grv = 0;
	last_audit(s, got, sizeof(got), &grv);
	assert_string_equal(got, fn);
	assert_int_equal(grv, rv);
}

static CK_OBJECT_HANDLE make_aes(CK_SESSION_HANDLE s, CK_BBOOL token,
				 CK_BBOOL sensitive, CK_BBOOL extractable,
				 const char *label, const unsigned char *key)
{
	CK_OBJECT_CLASS cls = CKO_SECRET_KEY;
	CK_KEY_TYPE kt = CKK_AES;
	CK_OBJECT_HANDLE h = CK_INVALID_HANDLE;
	CK_ATTRIBUTE t[] = {
	    {CKA_CLASS, &cls, sizeof(cls)},
	    {CKA_KEY_TYPE, &kt, sizeof(kt)},
	    {CKA_TOKEN, &token, 1},
	    {CKA_SENSITIVE, &sensitive, 1},
	    {CKA_EXTRACTABLE, &extractable, 1},
	    {CKA_LABEL, (void *)label, strlen(label)},
	    {CKA_VALUE, (void *)key, 16},
	};
	assert_int_equal(P.f->C_CreateObject(s, t, 7, &h), CKR_OK);
	return h;
}

static CK_ULONG find_by_label(CK_SESSION_HANDLE s, const char *label,
			      CK_OBJECT_HANDLE *out)
{
	CK_ATTRIBUTE t = {CKA_LABEL, (void *)label, strlen(label)};
	CK_OBJECT_HANDLE h[8];
	CK_ULONG n = 0;
	assert_int_equal(P.f->C_FindObjectsInit(s, &t, 1), CKR_OK);
	assert_int_equal(P.f->C_FindObjects(s, h, 8, &n), CKR_OK);
	assert_int_equal(P.f->C_FindObjectsFinal(s), CKR_OK);
	if (n > 0 && out != NULL)
		*out = h[0];
	return n;
}

/* ---- Interfaces and info ------------------------------------------------ */

static void test_interfaces(void **state)
{
	(void)state;
	CK_RV (*gil)(CK_INTERFACE_PTR, CK_ULONG_PTR) = NULL;
	CK_RV(*gi)
	(CK_UTF8CHAR_PTR, CK_VERSION_PTR, CK_INTERFACE_PTR_PTR, CK_FLAGS) =
	    NULL;
	CK_RV (*gfl)(CK_FUNCTION_LIST_PTR_PTR) = NULL;
	*(void **)&gil = P.f3->C_GetInterfaceList;
	*(void **)&gi = P.f3->C_GetInterface;
	gfl = P.f->C_GetFunctionList;
	CK_ULONG n = 0;
	assert_int_equal(gil(NULL, &n), CKR_OK);
	assert_int_equal(n, 2);
	CK_INTERFACE list[2];
	n = 1;
	assert_int_equal(gil(list, &n), CKR_BUFFER_TOO_SMALL);
	assert_int_equal(n, 2);
	assert_int_equal(gil(list, &n), CKR_OK);
	assert_int_equal(gil(list, NULL), CKR_ARGUMENTS_BAD);
	for (int i = 0; i < 2; i++) {
		assert_string_equal((char *)list[i].pInterfaceName, "PKCS 11");
		/* fork safety is not claimed */
		assert_int_equal(list[i].flags & CKF_INTERFACE_FORK_SAFE, 0);
	}
	CK_INTERFACE *itf = NULL;
	CK_VERSION v240 = {2, 40}, v99 = {9, 9};
	assert_int_equal(gi((CK_UTF8CHAR_PTR) "PKCS 11", &v240, &itf, 0),
			 CKR_OK);
	CK_FUNCTION_LIST *l240 = itf->pFunctionList;
	assert_int_equal(l240->version.major, 2);
	assert_int_equal(l240->version.minor, 40);
	assert_int_equal(gi((CK_UTF8CHAR_PTR) "PKCS 11", &v99, &itf, 0),
			 CKR_ARGUMENTS_BAD);
	assert_int_equal(gi(NULL, NULL, &itf, CKF_INTERFACE_FORK_SAFE),
			 CKR_ARGUMENTS_BAD);
	assert_int_equal(gi(NULL, NULL, NULL, 0), CKR_ARGUMENTS_BAD);
	assert_int_equal(gi(NULL, NULL, &itf, 0), CKR_OK);
	assert_int_equal(((CK_VERSION *)itf->pFunctionList)->major, 3);

	CK_INFO info;
	assert_int_equal(P.f3->C_GetInfo(&info), CKR_OK);
	assert_int_equal(info.cryptokiVersion.major, 3);
	assert_int_equal(info.cryptokiVersion.minor, 0);
	CK_FUNCTION_LIST *fl = NULL;
	assert_int_equal(gfl(&fl), CKR_OK);
	assert_int_equal(fl->C_GetInfo(&info), CKR_OK);
	assert_int_equal(info.cryptokiVersion.major, 2);
	assert_int_equal(info.cryptokiVersion.minor, 40);
	assert_int_equal(P.f->C_GetInfo(NULL), CKR_ARGUMENTS_BAD);
	assert_int_equal(P.f->C_Initialize(NULL),
			 CKR_CRYPTOKI_ALREADY_INITIALIZED);
}

/* ---- Slots ----------------------------------------------------------------
 */

static void test_slots(void **state)
{
	(void)state;
	CK_ULONG n = 0;
	assert_int_equal(P.f->C_GetSlotList(CK_FALSE, NULL, &n), CKR_OK);
	assert_int_equal(n, 2); /* our token + the empty slot */
	CK_SLOT_ID ids[2];
	CK_ULONG small = 1;
	assert_int_equal(P.f->C_GetSlotList(CK_FALSE, ids, &small),
			 CKR_BUFFER_TOO_SMALL);
	assert_int_equal(small, 2);
	assert_int_equal(P.f->C_GetSlotList(CK_FALSE, ids, &n), CKR_OK);
	CK_SLOT_ID empty = ids[0] == P.slot ? ids[1] : ids[0];
	for (int i = 0; i < 2; i++)
		assert_true(ids[i] < 0x80000000UL);

	CK_TOKEN_INFO ti;
	assert_int_equal(P.f->C_GetTokenInfo(P.slot, &ti), CKR_OK);
	assert_true(ti.flags & CKF_TOKEN_INITIALIZED);
	assert_true(ti.flags & CKF_USER_PIN_INITIALIZED);
	assert_true(ti.flags & CKF_LOGIN_REQUIRED);
	assert_true(ti.flags & CKF_RNG);
	assert_memory_equal(ti.label, "core                            ", 32);
	assert_int_equal(P.f->C_GetTokenInfo(empty, &ti), CKR_OK);
	assert_false(ti.flags & CKF_TOKEN_INITIALIZED);
	CK_SLOT_INFO si;
	assert_int_equal(P.f->C_GetSlotInfo(empty, &si), CKR_OK);
	assert_true(si.flags & CKF_TOKEN_PRESENT);
	CK_SESSION_HANDLE s = 0;
	assert_int_equal(
	    P.f->C_OpenSession(empty, CKF_SERIAL_SESSION, NULL, NULL, &s),
	    CKR_TOKEN_NOT_RECOGNIZED);
	assert_int_equal(P.f->C_GetSlotInfo(0x7ffffffeUL, &si),
			 CKR_SLOT_ID_INVALID);

	/* stable across C_Finalize / C_Initialize (as across processes) */
	CK_SLOT_ID before = P.slot;
	assert_int_equal(P.f->C_Finalize(NULL), CKR_OK);
	assert_int_equal(P.f->C_GetSlotList(CK_FALSE, NULL, &n),
			 CKR_CRYPTOKI_NOT_INITIALIZED);
	assert_int_equal(P.f->C_Initialize(NULL), CKR_OK);
	anchor = open_rw();
	assert_int_equal(P.f->C_GetTokenInfo(before, &ti), CKR_OK);
	assert_memory_equal(ti.label, "core                            ", 32);
}

static void test_init_args(void **state)
{
	(void)state;
	CK_C_INITIALIZE_ARGS a;
	memset(&a, 0, sizeof(a));
	assert_int_equal(P.f->C_Finalize((void *)&a), CKR_ARGUMENTS_BAD);
	assert_int_equal(P.f->C_Finalize(NULL), CKR_OK);
	a.pReserved = &a;
	assert_int_equal(P.f->C_Initialize(&a), CKR_ARGUMENTS_BAD);
	a.pReserved = NULL;
	/* application mutex callbacks without CKF_OS_LOCKING_OK */
	a.CreateMutex = (CK_CREATEMUTEX)1;
	assert_int_equal(P.f->C_Initialize(&a), CKR_ARGUMENTS_BAD);
	a.DestroyMutex = (CK_DESTROYMUTEX)1;
	a.LockMutex = (CK_LOCKMUTEX)1;
	a.UnlockMutex = (CK_UNLOCKMUTEX)1;
	assert_int_equal(P.f->C_Initialize(&a), CKR_CANT_LOCK);
	a.flags = CKF_OS_LOCKING_OK;
	assert_int_equal(P.f->C_Initialize(&a), CKR_OK);
	anchor = open_rw();
}

/* ---- Sessions and login ------------------------------------------------- */

static void test_sessions(void **state)
{
	(void)state;
	ensure_public();
	CK_SESSION_HANDLE ro = 0, rw = 0, x = 0;
	CK_SESSION_INFO si;
	assert_int_equal(P.f->C_OpenSession(P.slot, 0, NULL, NULL, &x),
			 CKR_SESSION_PARALLEL_NOT_SUPPORTED);
	assert_int_equal(
	    P.f->C_OpenSession(P.slot, CKF_SERIAL_SESSION, NULL, NULL, &ro),
	    CKR_OK);
	rw = open_rw();
	assert_int_equal(P.f->C_GetSessionInfo(ro, &si), CKR_OK);
	assert_int_equal(si.state, CKS_RO_PUBLIC_SESSION);
	assert_int_equal(si.slotID, P.slot);
	assert_int_equal(P.f->C_GetSessionInfo(rw, &si), CKR_OK);
	assert_int_equal(si.state, CKS_RW_PUBLIC_SESSION);
	/* SO cannot log in while a read-only session exists */
	assert_int_equal(
	    P.f->C_Login(rw, CKU_SO, (CK_UTF8CHAR_PTR)SO_PIN, strlen(SO_PIN)),
	    CKR_SESSION_READ_ONLY_EXISTS);
	assert_int_equal(
	    P.f->C_Login(rw, 77, (CK_UTF8CHAR_PTR)SO_PIN, strlen(SO_PIN)),
	    CKR_USER_TYPE_INVALID);
	assert_int_equal(P.f->C_Logout(rw), CKR_USER_NOT_LOGGED_IN);
	/* no operation waits for a context-specific login */
	assert_int_equal(P.f->C_Login(rw, CKU_CONTEXT_SPECIFIC,
				      (CK_UTF8CHAR_PTR)USER_PIN,
				      strlen(USER_PIN)),
			 CKR_USER_NOT_LOGGED_IN);
	login_user(ro); /* login state is shared by every session */
	assert_int_equal(P.f->C_GetSessionInfo(ro, &si), CKR_OK);
	assert_int_equal(si.state, CKS_RO_USER_FUNCTIONS);
	assert_int_equal(P.f->C_GetSessionInfo(rw, &si), CKR_OK);
	assert_int_equal(si.state, CKS_RW_USER_FUNCTIONS);
	assert_int_equal(P.f->C_Login(rw, CKU_USER, (CK_UTF8CHAR_PTR)USER_PIN,
				      strlen(USER_PIN)),
			 CKR_USER_ALREADY_LOGGED_IN);
	assert_int_equal(
	    P.f->C_Login(rw, CKU_SO, (CK_UTF8CHAR_PTR)SO_PIN, strlen(SO_PIN)),
	    CKR_USER_ANOTHER_ALREADY_LOGGED_IN);
	assert_int_equal(P.f->C_Login(rw, CKU_CONTEXT_SPECIFIC,
				      (CK_UTF8CHAR_PTR)USER_PIN,
				      strlen(USER_PIN)),
			 CKR_OPERATION_NOT_INITIALIZED);
	CK_TOKEN_INFO ti;
	assert_int_equal(P.f->C_GetTokenInfo(P.slot, &ti), CKR_OK);
	assert_int_equal(ti.ulSessionCount, 3); /* with the anchor */
	assert_int_equal(ti.ulRwSessionCount, 2);
	/* a read-only session cannot create token objects */
	unsigned char key[16] = {1};
	CK_OBJECT_CLASS cls = CKO_DATA;
	CK_ATTRIBUTE t[] = {{CKA_CLASS, &cls, sizeof(cls)},
			    {CKA_TOKEN, &T, 1},
			    {CKA_VALUE, key, sizeof(key)}};
	CK_OBJECT_HANDLE h = 0;
	assert_int_equal(P.f->C_CreateObject(ro, t, 3, &h),
			 CKR_SESSION_READ_ONLY);
	assert_int_equal(P.f->C_CloseSession(ro), CKR_OK);
	assert_int_equal(P.f->C_CloseSession(ro), CKR_SESSION_HANDLE_INVALID);
	assert_int_equal(P.f->C_GetSessionInfo(ro, &si),
			 CKR_SESSION_HANDLE_INVALID);
	/* closing the last session logs the token out */
	assert_int_equal(P.f->C_CloseAllSessions(P.slot), CKR_OK);
	rw = open_rw();
	assert_int_equal(P.f->C_GetSessionInfo(rw, &si), CKR_OK);
	assert_int_equal(si.state, CKS_RW_PUBLIC_SESSION);
	assert_int_equal(P.f->C_CloseSession(rw), CKR_OK);
	anchor = open_rw();
}

static void test_pin_flags_and_audit(void **state)
{
	(void)state;
	ensure_public();
	CK_SESSION_HANDLE s = open_rw();
	CK_TOKEN_INFO ti;
	assert_int_equal(
	    P.f->C_Login(s, CKU_USER, (CK_UTF8CHAR_PTR) "wrong-pin", 9),
	    CKR_PIN_INCORRECT);
	assert_int_equal(P.f->C_GetTokenInfo(P.slot, &ti), CKR_OK);
	assert_true(ti.flags & CKF_USER_PIN_COUNT_LOW);
	assert_false(ti.flags & CKF_USER_PIN_LOCKED);
	/* the failed login is in the audit log, which only a logged-in
	 * user (or the SO) sees: the record before the successful login */
	login_user(s);
	assert_audit_back(s, 1, "C_Login", CKR_PIN_INCORRECT);
	assert_last_audit(s, "C_Login", CKR_OK);
	assert_int_equal(P.f->C_GetTokenInfo(P.slot, &ti), CKR_OK);
	assert_false(ti.flags & CKF_USER_PIN_COUNT_LOW);
	/* C_SetPIN: the new PIN's length is checked */
	assert_int_equal(P.f->C_SetPIN(s, (CK_UTF8CHAR_PTR)USER_PIN,
				       strlen(USER_PIN),
				       (CK_UTF8CHAR_PTR) "abc", 3),
			 CKR_PIN_LEN_RANGE);
	assert_last_audit(s, "C_SetPIN", CKR_PIN_LEN_RANGE);
	assert_int_equal(P.f->C_CloseSession(s), CKR_OK);
}

/* A second token with max_pin_failures = 2 (the limit is applied at
 * C_InitToken): its SO PIN shows COUNT_LOW and FINAL_TRY after one wrong
 * PIN and LOCKED after two; the user PIN's flags are in
 * test_pin_flags_and_audit.  The SO PIN keeps the test to one token
 * initialisation (each PIN KDF costs seconds under ASan). */
static void test_lockout(void **state)
{
	(void)state;
	char path[512];
	snprintf(path, sizeof(path), "%s/mcxhsm.conf", P.dir);
	FILE *fp = fopen(path, "a");
	assert_non_null(fp);
	fprintf(fp, "max_pin_failures = 2\n");
	fclose(fp);
	assert_int_equal(P.f->C_Finalize(NULL), CKR_OK);
	assert_int_equal(P.f->C_Initialize(NULL), CKR_OK);
	anchor = CK_INVALID_HANDLE; /* last test: no anchor needed any more */
	CK_SLOT_ID slots[8], blank = 0;
	CK_ULONG n = 8;
	CK_TOKEN_INFO ti;
	assert_int_equal(P.f->C_GetSlotList(CK_TRUE, slots, &n), CKR_OK);
	for (CK_ULONG i = 0; i < n; i++) {
		assert_int_equal(P.f->C_GetTokenInfo(slots[i], &ti), CKR_OK);
		if (!(ti.flags & CKF_TOKEN_INITIALIZED))
			blank = slots[i];
	}
	assert_int_not_equal(blank, 0);
	CK_UTF8CHAR label[32];
	memset(label, ' ', sizeof(label));
	memcpy(label, "lockout", 7);
	assert_int_equal(P.f->C_InitToken(blank, (CK_UTF8CHAR_PTR)SO_PIN,
					  strlen(SO_PIN), label),
			 CKR_OK);
	CK_SESSION_HANDLE s = 0;
	assert_int_equal(P.f->C_OpenSession(blank,
					    CKF_SERIAL_SESSION | CKF_RW_SESSION,
					    NULL, NULL, &s),
			 CKR_OK);
	CK_FLAGS want[2] = {CKF_SO_PIN_COUNT_LOW | CKF_SO_PIN_FINAL_TRY,
			    CKF_SO_PIN_LOCKED};
	for (int i = 0; i < 2; i++) {
		assert_int_equal(
		    P.f->C_Login(s, CKU_SO, (CK_UTF8CHAR_PTR) "wrong-pin", 9),
		    CKR_PIN_INCORRECT);
		assert_int_equal(P.f->C_GetTokenInfo(blank, &ti), CKR_OK);
		assert_int_equal(ti.flags & want[i], want[i]);
		assert_int_equal(ti.flags & CKF_SO_PIN_LOCKED,
				 i == 1 ? CKF_SO_PIN_LOCKED : 0);
	}
	assert_int_equal(
	    P.f->C_Login(s, CKU_SO, (CK_UTF8CHAR_PTR)SO_PIN, strlen(SO_PIN)),
	    CKR_PIN_LOCKED);
	/* nobody can log in to this token any more: its audit trail (four
	 * records at least) is hidden from the public session */
	assert_int_equal(count_audit(s), 0);
	assert_int_equal(P.f->C_CloseSession(s), CKR_OK);
}

/* ---- Objects --------------------------------------------------------------
 */

static void aes_check_value(const unsigned char key[16], unsigned char cv[3])
{
	unsigned char zero[16] = {0}, out[32];
	int l = 0;
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
	assert_non_null(c);
	assert_int_equal(
	    EVP_EncryptInit_ex(c, EVP_aes_128_ecb(), NULL, key, NULL), 1);
	EVP_CIPHER_CTX_set_padding(c, 0);
	assert_int_equal(EVP_EncryptUpdate(c, out, &l, zero, 16), 1);
	EVP_CIPHER_CTX_free(c);
	memcpy(cv, out, 3);
}

static void test_objects(void **state)
{
	(void)state;
	CK_SESSION_HANDLE s = open_rw();
	login_user(s);
	unsigned char key[16] = {0x2b, 0x7e, 0x15, 0x16, 0x28, 0xae,
				 0xd2, 0xa6, 0xab, 0xf7, 0x15, 0x88,
				 0x09, 0xcf, 0x4f, 0x3c};
	CK_OBJECT_HANDLE k =
	    make_aes(s, CK_TRUE, CK_TRUE, CK_FALSE, "obj-aes", key);
	assert_last_audit(s, "C_CreateObject", CKR_OK);

	/* derived attributes */
	unsigned char cv[3], want_cv[3], uid[64], uid2[64];
	CK_BBOOL local = T, as = T, ne = T;
	CK_ULONG vlen = 0;
	CK_ATTRIBUTE a[] = {
	    {CKA_CHECK_VALUE, cv, sizeof(cv)},
	    {CKA_UNIQUE_ID, uid, sizeof(uid)},
	    {CKA_LOCAL, &local, 1},
	    {CKA_ALWAYS_SENSITIVE, &as, 1},
	    {CKA_NEVER_EXTRACTABLE, &ne, 1},
	    {CKA_VALUE_LEN, &vlen, sizeof(vlen)},
	};
	assert_int_equal(P.f->C_GetAttributeValue(s, k, a, 6), CKR_OK);
	aes_check_value(key, want_cv);
	assert_memory_equal(cv, want_cv, 3);
	assert_true(a[1].ulValueLen > 0);
	assert_int_equal(local, CK_FALSE); /* imported, not generated */
	assert_int_equal(as, CK_FALSE);
	assert_int_equal(ne, CK_FALSE);
	assert_int_equal(vlen, 16);
	/* CKA_UNIQUE_ID is read-only and stable */
	CK_ATTRIBUTE u = {CKA_UNIQUE_ID, "x", 1};
	assert_int_equal(P.f->C_SetAttributeValue(s, k, &u, 1),
			 CKR_ATTRIBUTE_READ_ONLY);
	CK_ATTRIBUTE u2 = {CKA_UNIQUE_ID, uid2, sizeof(uid2)};
	assert_int_equal(P.f->C_GetAttributeValue(s, k, &u2, 1), CKR_OK);
	assert_int_equal(u2.ulValueLen, a[1].ulValueLen);
	assert_memory_equal(uid, uid2, u2.ulValueLen);
	/* a wrong check value is refused; an AES key of 15 octets too */
	CK_OBJECT_CLASS cls = CKO_SECRET_KEY;
	CK_KEY_TYPE kt = CKK_AES;
	unsigned char badcv[3] = {0, 0, 0};
	CK_OBJECT_HANDLE h = 0;
	CK_ATTRIBUTE bad[] = {{CKA_CLASS, &cls, sizeof(cls)},
			      {CKA_KEY_TYPE, &kt, sizeof(kt)},
			      {CKA_VALUE, key, 16},
			      {CKA_CHECK_VALUE, badcv, 3}};
	assert_int_equal(P.f->C_CreateObject(s, bad, 4, &h),
			 CKR_ATTRIBUTE_VALUE_INVALID);
	bad[2].ulValueLen = 15;
	assert_int_equal(P.f->C_CreateObject(s, bad, 3, &h),
			 CKR_ATTRIBUTE_VALUE_INVALID);
	assert_int_equal(P.f->C_CreateObject(s, bad, 2, &h),
			 CKR_TEMPLATE_INCOMPLETE);
	assert_int_equal(P.f->C_CreateObject(s, &bad[2], 1, &h),
			 CKR_TEMPLATE_INCOMPLETE);
	CK_ULONG bogus = 0x7777;
	CK_ATTRIBUTE bt[] = {{CKA_CLASS, &bogus, sizeof(bogus)}};
	assert_int_equal(P.f->C_CreateObject(s, bt, 1, &h),
			 CKR_ATTRIBUTE_VALUE_INVALID);
	CK_ATTRIBUTE ro[] = {{CKA_CLASS, &cls, sizeof(cls)},
			     {CKA_KEY_TYPE, &kt, sizeof(kt)},
			     {CKA_VALUE, key, 16},
			     {CKA_LOCAL, &T, 1}};
	assert_int_equal(P.f->C_CreateObject(s, ro, 4, &h),
			 CKR_ATTRIBUTE_READ_ONLY);

	/* find, copy, destroy */
	CK_OBJECT_HANDLE found = 0;
	assert_int_equal(find_by_label(s, "obj-aes", &found), 1);
	assert_int_equal(found, k);
	CK_ATTRIBUTE relabel = {CKA_LABEL, "obj-aes-copy", 12};
	CK_OBJECT_HANDLE c = 0;
	assert_int_equal(P.f->C_CopyObject(s, k, &relabel, 1, &c), CKR_OK);
	assert_last_audit(s, "C_CopyObject", CKR_OK);
	assert_int_equal(find_by_label(s, "obj-aes-copy", NULL), 1);
	CK_ATTRIBUTE cu = {CKA_UNIQUE_ID, uid2, sizeof(uid2)};
	assert_int_equal(P.f->C_GetAttributeValue(s, c, &cu, 1), CKR_OK);
	assert_false(cu.ulValueLen == a[1].ulValueLen &&
		     memcmp(uid, uid2, cu.ulValueLen) == 0);
	CK_ULONG size = 0;
	assert_int_equal(P.f->C_GetObjectSize(s, c, &size), CKR_OK);
	assert_true(size > 0);
	assert_int_equal(P.f->C_DestroyObject(s, c), CKR_OK);
	assert_last_audit(s, "C_DestroyObject", CKR_OK);
	assert_int_equal(find_by_label(s, "obj-aes-copy", NULL), 0);
	assert_int_equal(P.f->C_DestroyObject(s, c), CKR_OBJECT_HANDLE_INVALID);

	/* not destroyable */
	CK_OBJECT_CLASS dc = CKO_DATA;
	CK_ATTRIBUTE nd[] = {{CKA_CLASS, &dc, sizeof(dc)},
			     {CKA_DESTROYABLE, &F, 1},
			     {CKA_LABEL, "nd", 2}};
	assert_int_equal(P.f->C_CreateObject(s, nd, 3, &h), CKR_OK);
	assert_int_equal(P.f->C_DestroyObject(s, h), CKR_ACTION_PROHIBITED);
	assert_int_equal(P.f->C_DestroyObject(s, k), CKR_OK);
	assert_int_equal(P.f->C_CloseSession(s), CKR_OK);
}

/* Each refusal: the spec's CKR and an audit record naming it. */
static void test_policy_refusals(void **state)
{
	(void)state;
	CK_SESSION_HANDLE s = open_rw();
	login_user(s);
	unsigned char key[16] = {9, 8, 7, 6, 5, 4, 3, 2, 1};
	CK_OBJECT_HANDLE k =
	    make_aes(s, CK_FALSE, CK_TRUE, CK_FALSE, "sens", key);

	/* reading CKA_VALUE of a sensitive key */
	unsigned char buf[32];
	CK_ATTRIBUTE v = {CKA_VALUE, buf, sizeof(buf)};
	assert_int_equal(P.f->C_GetAttributeValue(s, k, &v, 1),
			 CKR_ATTRIBUTE_SENSITIVE);
	assert_int_equal(v.ulValueLen, CK_UNAVAILABLE_INFORMATION);
	assert_last_audit(s, "C_GetAttributeValue", CKR_ATTRIBUTE_SENSITIVE);

	/* turning CKA_SENSITIVE off */
	CK_ATTRIBUTE off = {CKA_SENSITIVE, &F, 1};
	assert_int_equal(P.f->C_SetAttributeValue(s, k, &off, 1),
			 CKR_ATTRIBUTE_READ_ONLY);
	assert_last_audit(s, "C_SetAttributeValue", CKR_ATTRIBUTE_READ_ONLY);

	/* CKA_EXTRACTABLE back to TRUE */
	CK_ATTRIBUTE ext = {CKA_EXTRACTABLE, &T, 1};
	assert_int_equal(P.f->C_SetAttributeValue(s, k, &ext, 1),
			 CKR_ATTRIBUTE_READ_ONLY);

	/* copying with CKA_EXTRACTABLE = TRUE from FALSE */
	CK_OBJECT_HANDLE c = 0;
	assert_int_equal(P.f->C_CopyObject(s, k, &ext, 1, &c),
			 CKR_ATTRIBUTE_READ_ONLY);
	assert_last_audit(s, "C_CopyObject", CKR_ATTRIBUTE_READ_ONLY);

	/* setting CKA_TRUSTED as user: on create and on set */
	CK_OBJECT_CLASS cls = CKO_SECRET_KEY;
	CK_KEY_TYPE kt = CKK_AES;
	CK_OBJECT_HANDLE h = 0;
	CK_ATTRIBUTE tr[] = {{CKA_CLASS, &cls, sizeof(cls)},
			     {CKA_KEY_TYPE, &kt, sizeof(kt)},
			     {CKA_VALUE, key, 16},
			     {CKA_TRUSTED, &T, 1}};
	assert_int_equal(P.f->C_CreateObject(s, tr, 4, &h),
			 CKR_ATTRIBUTE_READ_ONLY);
	assert_last_audit(s, "C_CreateObject", CKR_ATTRIBUTE_READ_ONLY);
	CK_ATTRIBUTE trs = {CKA_TRUSTED, &T, 1};
	assert_int_equal(P.f->C_SetAttributeValue(s, k, &trs, 1),
			 CKR_ATTRIBUTE_READ_ONLY);
	assert_last_audit(s, "C_SetAttributeValue", CKR_ATTRIBUTE_READ_ONLY);

	/* the latches that are allowed */
	CK_OBJECT_HANDLE n =
	    make_aes(s, CK_FALSE, CK_FALSE, CK_TRUE, "nonsens", key);
	unsigned char got[16];
	CK_ATTRIBUTE gv = {CKA_VALUE, got, sizeof(got)};
	assert_int_equal(P.f->C_GetAttributeValue(s, n, &gv, 1), CKR_OK);
	assert_memory_equal(got, key, 16);
	CK_ATTRIBUTE on[] = {{CKA_SENSITIVE, &T, 1},
			     {CKA_EXTRACTABLE, &F, 1},
			     {CKA_WRAP_WITH_TRUSTED, &T, 1}};
	assert_int_equal(P.f->C_SetAttributeValue(s, n, on, 3), CKR_OK);
	CK_ATTRIBUTE wwt = {CKA_WRAP_WITH_TRUSTED, &F, 1};
	assert_int_equal(P.f->C_SetAttributeValue(s, n, &wwt, 1),
			 CKR_ATTRIBUTE_READ_ONLY);
	gv.ulValueLen = sizeof(got);
	assert_int_equal(P.f->C_GetAttributeValue(s, n, &gv, 1),
			 CKR_ATTRIBUTE_SENSITIVE);
	/* not modifiable */
	CK_OBJECT_CLASS dc = CKO_DATA;
	CK_ATTRIBUTE nm[] = {{CKA_CLASS, &dc, sizeof(dc)},
			     {CKA_MODIFIABLE, &F, 1}};
	assert_int_equal(P.f->C_CreateObject(s, nm, 2, &h), CKR_OK);
	CK_ATTRIBUTE lbl = {CKA_LABEL, "x", 1};
	assert_int_equal(P.f->C_SetAttributeValue(s, h, &lbl, 1),
			 CKR_ACTION_PROHIBITED);
	assert_int_equal(P.f->C_CloseSession(s), CKR_OK);
}

static void test_whole_template(void **state)
{
	(void)state;
	CK_SESSION_HANDLE s = open_rw();
	login_user(s);
	unsigned char key[16] = {3};
	CK_OBJECT_HANDLE k =
	    make_aes(s, CK_FALSE, CK_TRUE, CK_FALSE, "whole-template", key);
	char label[64];
	unsigned char value[16], id[1];
	CK_ULONG idlen_probe = 0;
	(void)idlen_probe;
	CK_ATTRIBUTE setid = {CKA_ID, "longer-id", 9};
	assert_int_equal(P.f->C_SetAttributeValue(s, k, &setid, 1), CKR_OK);
	CK_ATTRIBUTE t[] = {
	    {CKA_LABEL, label, sizeof(label)},
	    {CKA_VALUE, value, sizeof(value)},	  /* sensitive */
	    {CKA_EC_POINT, value, sizeof(value)}, /* no such attribute */
	    {CKA_ID, id, sizeof(id)},		  /* too small */
	    {CKA_KEY_TYPE, NULL, 0},		  /* length query */
	};
	CK_RV rv = P.f->C_GetAttributeValue(s, k, t, 5);
	assert_true(rv == CKR_ATTRIBUTE_SENSITIVE ||
		    rv == CKR_ATTRIBUTE_TYPE_INVALID ||
		    rv == CKR_BUFFER_TOO_SMALL);
	/* every attribute was processed */
	assert_int_equal(t[0].ulValueLen, 14);
	assert_memory_equal(label, "whole-template", 14);
	assert_int_equal(t[1].ulValueLen, CK_UNAVAILABLE_INFORMATION);
	assert_int_equal(t[2].ulValueLen, CK_UNAVAILABLE_INFORMATION);
	assert_int_equal(t[3].ulValueLen, CK_UNAVAILABLE_INFORMATION);
	assert_int_equal(t[4].ulValueLen, sizeof(CK_KEY_TYPE));
	/* each kind alone gives its own code */
	t[2].ulValueLen = sizeof(value);
	assert_int_equal(P.f->C_GetAttributeValue(s, k, &t[2], 1),
			 CKR_ATTRIBUTE_TYPE_INVALID);
	t[3].ulValueLen = sizeof(id);
	assert_int_equal(P.f->C_GetAttributeValue(s, k, &t[3], 1),
			 CKR_BUFFER_TOO_SMALL);
	/* wrap templates come back as attribute arrays */
	CK_OBJECT_CLASS cls = CKO_SECRET_KEY;
	CK_KEY_TYPE kt = CKK_AES;
	CK_ATTRIBUTE wt[] = {{CKA_EXTRACTABLE, &T, 1}};
	CK_ATTRIBUTE kt2[] = {{CKA_CLASS, &cls, sizeof(cls)},
			      {CKA_KEY_TYPE, &kt, sizeof(kt)},
			      {CKA_VALUE, key, 16},
			      {CKA_WRAP_TEMPLATE, wt, sizeof(wt)}};
	CK_OBJECT_HANDLE w = 0;
	assert_int_equal(P.f->C_CreateObject(s, kt2, 4, &w), CKR_OK);
	CK_ATTRIBUTE q = {CKA_WRAP_TEMPLATE, NULL, 0};
	assert_int_equal(P.f->C_GetAttributeValue(s, w, &q, 1), CKR_OK);
	assert_int_equal(q.ulValueLen, sizeof(CK_ATTRIBUTE));
	CK_BBOOL bv = CK_FALSE;
	CK_ATTRIBUTE inner = {0, &bv, 1};
	q.pValue = &inner;
	assert_int_equal(P.f->C_GetAttributeValue(s, w, &q, 1), CKR_OK);
	assert_int_equal(inner.type, CKA_EXTRACTABLE);
	assert_int_equal(bv, CK_TRUE);
	assert_int_equal(P.f->C_CloseSession(s), CKR_OK);
}

static void test_visibility(void **state)
{
	(void)state;
	CK_SESSION_HANDLE a = open_rw(), b = open_rw();
	login_user(a);
	unsigned char key[16] = {5};
	CK_OBJECT_HANDLE priv =
	    make_aes(a, CK_TRUE, CK_TRUE, CK_FALSE, "vis-private", key);
	CK_OBJECT_CLASS dc = CKO_DATA;
	CK_ATTRIBUTE d[] = {{CKA_CLASS, &dc, sizeof(dc)},
			    {CKA_LABEL, "vis-session", 11}};
	CK_OBJECT_HANDLE so = 0;
	assert_int_equal(P.f->C_CreateObject(a, d, 2, &so), CKR_OK);
	/* session objects are visible to the other sessions ... */
	assert_int_equal(find_by_label(b, "vis-session", NULL), 1);
	assert_int_equal(P.f->C_Logout(a), CKR_OK);
	/* ... private objects only after a user login */
	assert_int_equal(find_by_label(b, "vis-private", NULL), 0);
	char l[32];
	CK_ATTRIBUTE la = {CKA_LABEL, l, sizeof(l)};
	assert_int_equal(P.f->C_GetAttributeValue(b, priv, &la, 1),
			 CKR_OBJECT_HANDLE_INVALID);
	/* a private object cannot be created without login */
	CK_ATTRIBUTE pd[] = {{CKA_CLASS, &dc, sizeof(dc)},
			     {CKA_PRIVATE, &T, 1}};
	CK_OBJECT_HANDLE h = 0;
	assert_int_equal(P.f->C_CreateObject(b, pd, 2, &h),
			 CKR_USER_NOT_LOGGED_IN);
	/* ... and die with the session that made them */
	assert_int_equal(P.f->C_CloseSession(a), CKR_OK);
	assert_int_equal(P.f->C_GetAttributeValue(b, so, &la, 1),
			 CKR_OBJECT_HANDLE_INVALID);
	assert_int_equal(find_by_label(b, "vis-session", NULL), 0);
	login_user(b);
	assert_int_equal(find_by_label(b, "vis-private", NULL), 1);
	assert_int_equal(P.f->C_DestroyObject(b, priv), CKR_OK);
	assert_int_equal(P.f->C_CloseSession(b), CKR_OK);
}

/* Another process's change is seen (cache revalidation), and a forked
 * child starts clean with its own C_Initialize. */
static void test_fork_and_other_process(void **state)
{
	(void)state;
	CK_SESSION_HANDLE s = open_rw();
	assert_int_equal(find_by_label(s, "from-child", NULL), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int bad = 0;
		CK_ULONG n = 0;
		CK_SESSION_INFO si;
		bad |= P.f->C_GetSlotList(CK_FALSE, NULL, &n) !=
		       CKR_CRYPTOKI_NOT_INITIALIZED;
		bad |= P.f->C_Initialize(NULL) != CKR_OK;
		/* the parent's session does not exist here */
		bad |=
		    P.f->C_GetSessionInfo(s, &si) != CKR_SESSION_HANDLE_INVALID;
		CK_SESSION_HANDLE c = 0;
		bad |= P.f->C_OpenSession(P.slot,
					  CKF_SERIAL_SESSION | CKF_RW_SESSION,
					  NULL, NULL, &c) != CKR_OK;
		CK_OBJECT_CLASS dc = CKO_DATA;
		CK_ATTRIBUTE d[] = {{CKA_CLASS, &dc, sizeof(dc)},
				    {CKA_TOKEN, &T, 1},
				    {CKA_LABEL, "from-child", 10}};
		CK_OBJECT_HANDLE h = 0;
		bad |= P.f->C_CreateObject(c, d, 3, &h) != CKR_OK;
		bad |= P.f->C_Finalize(NULL) != CKR_OK;
		_exit(bad ? 1 : 0);
	}
	int st = 0;
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
	CK_OBJECT_HANDLE h = 0;
	assert_int_equal(find_by_label(s, "from-child", &h), 1);
	assert_int_equal(P.f->C_DestroyObject(s, h), CKR_OK);
	assert_int_equal(P.f->C_CloseSession(s), CKR_OK);
}

struct thread_arg {
	int id;
	int failures;
};

static void *worker(void *p)
{
	struct thread_arg *t = p;
	CK_SESSION_HANDLE s = 0;
	char label[32];
	snprintf(label, sizeof(label), "thread-%d", t->id);
	if (P.f->C_OpenSession(P.slot, CKF_SERIAL_SESSION, NULL, NULL, &s) !=
	    CKR_OK) {
		t->failures++;
		return NULL;
	}
	for (int i = 0; i < 200; i++) {
		CK_OBJECT_CLASS dc = CKO_DATA;
		CK_ATTRIBUTE d[] = {{CKA_CLASS, &dc, sizeof(dc)},
				    {CKA_LABEL, label, strlen(label)}};
		CK_OBJECT_HANDLE h = 0, f[4];
		CK_ULONG n = 0;
		t->failures += P.f->C_CreateObject(s, d, 2, &h) != CKR_OK;
		t->failures += P.f->C_FindObjectsInit(s, &d[1], 1) != CKR_OK;
		t->failures += P.f->C_FindObjects(s, f, 4, &n) != CKR_OK;
		t->failures += n != 1;
		t->failures += P.f->C_FindObjectsFinal(s) != CKR_OK;
		t->failures += P.f->C_DestroyObject(s, h) != CKR_OK;
	}
	t->failures += P.f->C_CloseSession(s) != CKR_OK;
	return NULL;
}

static void test_threads(void **state)
{
	(void)state;
	pthread_t th[4];
	struct thread_arg args[4];
	for (int i = 0; i < 4; i++) {
		args[i].id = i;
		args[i].failures = 0;
		assert_int_equal(pthread_create(&th[i], NULL, worker, &args[i]),
				 0);
	}
	for (int i = 0; i < 4; i++) {
		assert_int_equal(pthread_join(th[i], NULL), 0);
		assert_int_equal(args[i].failures, 0);
	}
}

/* CKA_ALWAYS_AUTHENTICATE: the operation waits for C_Login
 * (CKU_CONTEXT_SPECIFIC) before its data call (PKCS#11 3.0 §5.6.4). */
static void test_context_specific_login(void **state)
{
	(void)state;
	CK_SESSION_HANDLE s = open_rw();
	login_user(s);
	CK_MECHANISM gen = {CKM_EC_KEY_PAIR_GEN, NULL, 0};
	CK_BYTE p256[] = {0x06, 0x08, 0x2a, 0x86, 0x48,
			  0xce, 0x3d, 0x03, 0x01, 0x07};
	CK_ATTRIBUTE pub[] = {{CKA_EC_PARAMS, p256, sizeof(p256)}};
	CK_ATTRIBUTE priv[] = {{CKA_ALWAYS_AUTHENTICATE, &T, 1},
			       {CKA_SIGN, &T, 1}};
	CK_OBJECT_HANDLE hpub = 0, hpriv = 0;
	CK_RV rv =
	    P.f->C_GenerateKeyPair(s, &gen, pub, 1, priv, 2, &hpub, &hpriv);
	if (rv == CKR_MECHANISM_INVALID || rv == CKR_FUNCTION_NOT_SUPPORTED) {
		P.f->C_CloseSession(s);
		skip();
	}
	assert_int_equal(rv, CKR_OK);
	CK_MECHANISM ecdsa = {CKM_ECDSA, NULL, 0};
	CK_BYTE digest[32] = {1, 2, 3}, sig[128];
	CK_ULONG sl = sizeof(sig);
	assert_int_equal(P.f->C_SignInit(s, &ecdsa, hpriv), CKR_OK);
	assert_int_equal(P.f->C_Sign(s, digest, 32, sig, &sl),
			 CKR_USER_NOT_LOGGED_IN);
	assert_int_equal(P.f->C_Login(s, CKU_CONTEXT_SPECIFIC,
				      (CK_UTF8CHAR_PTR) "wrong-pin", 9),
			 CKR_PIN_INCORRECT);
	assert_int_equal(P.f->C_Login(s, CKU_CONTEXT_SPECIFIC,
				      (CK_UTF8CHAR_PTR)USER_PIN,
				      strlen(USER_PIN)),
			 CKR_OK);
	sl = sizeof(sig);
	assert_int_equal(P.f->C_Sign(s, digest, 32, sig, &sl), CKR_OK);
	assert_int_equal(sl, 64);
	assert_int_equal(P.f->C_CloseSession(s), CKR_OK);
}

/* Vendor key types (<mcxhsm/pkcs11-mcx.h>), the SO's CKA_TRUSTED, and
 * audit records kept out of ordinary finds. */
static void test_vendor_types_and_so(void **state)
{
	(void)state;
	CK_SESSION_HANDLE s = open_rw();
	login_user(s);
	CK_OBJECT_CLASS priv = CKO_PRIVATE_KEY, sec = CKO_SECRET_KEY;
	CK_KEY_TYPE eccsi = CKK_MCX_ECCSI, mk = CKK_MCX_KEY;
	unsigned char ssk[32] = {7}, key[16] = {0x11, 0x22, 0x33};
	CK_ATTRIBUTE st[] = {{CKA_CLASS, &priv, sizeof(priv)},
			     {CKA_KEY_TYPE, &eccsi, sizeof(eccsi)},
			     {CKA_VALUE, ssk, sizeof(ssk)},
			     {CKA_SENSITIVE, &F, 1},
			     {CKA_EXTRACTABLE, &T, 1},
			     {CKA_MCX_USER_URI, "tel:+1", 6}};
	CK_OBJECT_HANDLE h = 0;
	/* An SSK is validated against its KMS's KPAK when created (issue 4):
	 * one without identity or KMS is refused and nothing is stored.
	 * "Always sensitive, never extractable" is checked on validated keys
	 * in tests/blackbox/test_mcx_ident.c. */
	assert_int_equal(P.f->C_CreateObject(s, st, 6, &h),
			 CKR_TEMPLATE_INCOMPLETE);
	/* an MCX key: 16 octets, AES-rule check value */
	CK_ULONG purpose = CKP_MCX_GMK;
	CK_ATTRIBUTE kt[] = {{CKA_CLASS, &sec, sizeof(sec)},
			     {CKA_KEY_TYPE, &mk, sizeof(mk)},
			     {CKA_VALUE, key, 16},
			     {CKA_MCX_KEY_PURPOSE, &purpose, sizeof(purpose)}};
	assert_int_equal(P.f->C_CreateObject(s, kt, 4, &h), CKR_OK);
	unsigned char cv[3], want[3];
	CK_ATTRIBUTE c = {CKA_CHECK_VALUE, cv, 3};
	assert_int_equal(P.f->C_GetAttributeValue(s, h, &c, 1), CKR_OK);
	aes_check_value(key, want);
	assert_memory_equal(cv, want, 3);
	unsigned char key32[32] = {0};
	kt[2].pValue = key32;
	kt[2].ulValueLen = sizeof(key32);
	assert_int_equal(P.f->C_CreateObject(s, kt, 4, &h),
			 CKR_ATTRIBUTE_VALUE_INVALID);
	/* audit records never mix with ordinary finds */
	CK_OBJECT_HANDLE all[512];
	CK_ULONG n = 0;
	assert_int_equal(P.f->C_FindObjectsInit(s, NULL, 0), CKR_OK);
	assert_int_equal(P.f->C_FindObjects(s, all, 512, &n), CKR_OK);
	assert_int_equal(P.f->C_FindObjectsFinal(s), CKR_OK);
	for (CK_ULONG i = 0; i < n; i++) {
		CK_OBJECT_CLASS oc = 0;
		CK_ATTRIBUTE ca = {CKA_CLASS, &oc, sizeof(oc)};
		assert_int_equal(P.f->C_GetAttributeValue(s, all[i], &ca, 1),
				 CKR_OK);
		assert_int_not_equal(oc, CKO_MCX_AUDIT_RECORD);
	}
	/* audit records are read-only */
	CK_OBJECT_CLASS ac = CKO_MCX_AUDIT_RECORD;
	CK_ATTRIBUTE at = {CKA_CLASS, &ac, sizeof(ac)};
	assert_int_equal(P.f->C_FindObjectsInit(s, &at, 1), CKR_OK);
	assert_int_equal(P.f->C_FindObjects(s, all, 1, &n), CKR_OK);
	assert_int_equal(n, 1);
	assert_int_equal(P.f->C_FindObjectsFinal(s), CKR_OK);
	assert_int_equal(P.f->C_DestroyObject(s, all[0]),
			 CKR_ACTION_PROHIBITED);
	CK_ATTRIBUTE lb = {CKA_LABEL, "x", 1};
	assert_int_equal(P.f->C_SetAttributeValue(s, all[0], &lb, 1),
			 CKR_ACTION_PROHIBITED);
	assert_int_equal(P.f->C_CreateObject(s, &at, 1, &h),
			 CKR_ATTRIBUTE_READ_ONLY);
	assert_int_equal(P.f->C_Logout(s), CKR_OK);
	/* the SO may set CKA_TRUSTED on a public object */
	assert_int_equal(
	    P.f->C_Login(s, CKU_SO, (CK_UTF8CHAR_PTR)SO_PIN, strlen(SO_PIN)),
	    CKR_OK);
	CK_OBJECT_CLASS cc = CKO_CERTIFICATE;
	CK_CERTIFICATE_TYPE ct = CKC_X_509;
	CK_ATTRIBUTE cert[] = {{CKA_CLASS, &cc, sizeof(cc)},
			       {CKA_CERTIFICATE_TYPE, &ct, sizeof(ct)},
			       {CKA_TRUSTED, &T, 1},
			       {CKA_SUBJECT, "s", 1},
			       {CKA_VALUE, "v", 1}};
	assert_int_equal(P.f->C_CreateObject(s, cert, 5, &h), CKR_OK);
	/* the SO sees no private objects and cannot make one */
	CK_ATTRIBUTE pt[] = {{CKA_CLASS, &cc, sizeof(cc)},
			     {CKA_CERTIFICATE_TYPE, &ct, sizeof(ct)},
			     {CKA_PRIVATE, &T, 1}};
	assert_int_equal(P.f->C_CreateObject(s, pt, 3, &h),
			 CKR_USER_NOT_LOGGED_IN);
	CK_SESSION_HANDLE ro = 0;
	assert_int_equal(
	    P.f->C_OpenSession(P.slot, CKF_SERIAL_SESSION, NULL, NULL, &ro),
	    CKR_SESSION_READ_WRITE_SO_EXISTS);
	assert_int_equal(P.f->C_Logout(s), CKR_OK);
	assert_int_equal(P.f->C_CloseSession(s), CKR_OK);
}

struct login_arg {
	CK_SESSION_HANDLE s;
	const char *pin;
	CK_RV rv;
	struct timespec end;
};

static void *login_thread(void *p)
{
	struct login_arg *a = p;
	a->rv = P.f->C_Login(a->s, CKU_USER, (CK_UTF8CHAR_PTR)a->pin,
			     strlen(a->pin));
	clock_gettime(CLOCK_MONOTONIC, &a->end);
	return NULL;
}

static double ts(const struct timespec *t)
{
	return (double)t->tv_sec + (double)t->tv_nsec / 1e9;
}

/* The PIN KDF runs without the module lock: other threads' calls go on
 * during a login; two logins on one token are serialised. */
static void test_login_concurrency(void **state)
{
	(void)state;
	ensure_public();
	CK_SESSION_HANDLE s = open_rw(), t = open_rw();
	struct login_arg a = {s, "wrong-pin", 0, {0, 0}};
	pthread_t th;
	assert_int_equal(pthread_create(&th, NULL, login_thread, &a), 0);
	struct timespec nap = {0, 50 * 1000 * 1000};
	nanosleep(&nap, NULL);
	CK_SESSION_INFO si;
	for (int i = 0; i < 20; i++)
		assert_int_equal(P.f->C_GetSessionInfo(t, &si), CKR_OK);
	struct timespec mine;
	clock_gettime(CLOCK_MONOTONIC, &mine);
	assert_int_equal(pthread_join(th, NULL), 0);
	assert_int_equal(a.rv, CKR_PIN_INCORRECT);
	/* done while the other thread's login was still deriving keys */
	assert_true(ts(&mine) < ts(&a.end));

	struct login_arg b[2] = {{s, USER_PIN, 0, {0, 0}},
				 {t, USER_PIN, 0, {0, 0}}};
	pthread_t tb[2];
	for (int i = 0; i < 2; i++)
		assert_int_equal(
		    pthread_create(&tb[i], NULL, login_thread, &b[i]), 0);
	for (int i = 0; i < 2; i++)
		assert_int_equal(pthread_join(tb[i], NULL), 0);
	assert_true(
	    (b[0].rv == CKR_OK && b[1].rv == CKR_USER_ALREADY_LOGGED_IN) ||
	    (b[1].rv == CKR_OK && b[0].rv == CKR_USER_ALREADY_LOGGED_IN));
	assert_int_equal(P.f->C_GetSessionInfo(s, &si), CKR_OK);
	assert_int_equal(si.state, CKS_RW_USER_FUNCTIONS);
	assert_int_equal(P.f->C_CloseSession(s), CKR_OK);
	assert_int_equal(P.f->C_CloseSession(t), CKR_OK);
}

/* Audit records are private: not found, and their handles invalid, in the
 * public state; visible to the user and to the SO (unlike other private
 * objects: the SO administers the token and verifies its trail). */
static void test_audit_visibility(void **state)
{
	(void)state;
	CK_SESSION_HANDLE s = open_rw();
	login_user(s);
	CK_ULONG seen = count_audit(s);
	assert_true(seen > 0);
	CK_OBJECT_CLASS cls = CKO_MCX_AUDIT_RECORD;
	CK_ULONG seq = 0;
	CK_ATTRIBUTE t[] = {{CKA_CLASS, &cls, sizeof(cls)},
			    {CKA_MCX_AUDIT_SEQ, &seq, sizeof(seq)}};
	CK_OBJECT_HANDLE h = CK_INVALID_HANDLE;
	CK_ULONG n = 0;
	assert_int_equal(P.f->C_FindObjectsInit(s, t, 2), CKR_OK);
	assert_int_equal(P.f->C_FindObjects(s, &h, 1, &n), CKR_OK);
	assert_int_equal(P.f->C_FindObjectsFinal(s), CKR_OK);
	assert_int_equal(n, 1);
	CK_BBOOL priv = CK_FALSE;
	CK_ATTRIBUTE pa = {CKA_PRIVATE, &priv, 1};
	assert_int_equal(P.f->C_GetAttributeValue(s, h, &pa, 1), CKR_OK);
	assert_int_equal(priv, CK_TRUE);

	ensure_public();
	assert_int_equal(count_audit(s), 0);
	assert_int_equal(P.f->C_FindObjectsInit(s, t, 2), CKR_OK);
	assert_int_equal(P.f->C_FindObjects(s, &h, 1, &n), CKR_OK);
	assert_int_equal(P.f->C_FindObjectsFinal(s), CKR_OK);
	assert_int_equal(n, 0);
	char fn[64];
	CK_ATTRIBUTE fa = {CKA_MCX_AUDIT_FUNCTION, fn, sizeof(fn)};
	assert_int_equal(P.f->C_GetAttributeValue(s, h, &fa, 1),
			 CKR_OBJECT_HANDLE_INVALID);

	assert_int_equal(
	    P.f->C_Login(s, CKU_SO, (CK_UTF8CHAR_PTR)SO_PIN, strlen(SO_PIN)),
	    CKR_OK);
	assert_true(count_audit(s) > seen);
	assert_int_equal(P.f->C_GetAttributeValue(s, h, &fa, 1), CKR_OK);
	assert_last_audit(s, "C_Login", CKR_OK);
	assert_int_equal(P.f->C_Logout(s), CKR_OK);
	assert_int_equal(P.f->C_CloseSession(s), CKR_OK);
}

/* C_InitToken, C_InitPIN and C_SetPIN run their PIN KDFs without the
 * module lock: another session's calls keep going meanwhile.  Measured as
 * the longest single C_GetSessionInfo during the PIN call against that
 * call's own duration (holding the lock would make them about equal). */
enum pin_op { PIN_OP_INIT_TOKEN, PIN_OP_INIT_PIN, PIN_OP_SET_PIN };

struct pin_arg {
	enum pin_op op;
	CK_SESSION_HANDLE s;
	CK_SLOT_ID slot;
	CK_RV rv;
	struct timespec start, end;
	volatile int started, done;
};

static void *pin_thread(void *p)
{
	struct pin_arg *a = p;
	CK_UTF8CHAR label[32];
	memset(label, ' ', sizeof(label));
	memcpy(label, "kdf-unlocked", 12);
	clock_gettime(CLOCK_MONOTONIC, &a->start);
	__atomic_store_n(&a->started, 1, __ATOMIC_SEQ_CST);
	switch (a->op) {
	case PIN_OP_INIT_TOKEN:
		a->rv = P.f->C_InitToken(a->slot, (CK_UTF8CHAR_PTR)SO_PIN,
					 strlen(SO_PIN), label);
		break;
	case PIN_OP_INIT_PIN:
		a->rv = P.f->C_InitPIN(a->s, (CK_UTF8CHAR_PTR)USER_PIN,
				       strlen(USER_PIN));
		break;
	case PIN_OP_SET_PIN:
		a->rv = P.f->C_SetPIN(
		    a->s, (CK_UTF8CHAR_PTR)USER_PIN, strlen(USER_PIN),
		    (CK_UTF8CHAR_PTR)USER_PIN, strlen(USER_PIN));
		break;
	}
	clock_gettime(CLOCK_MONOTONIC, &a->end);
	__atomic_store_n(&a->done, 1, __ATOMIC_SEQ_CST);
	return NULL;
}

static double ts(const struct timespec *t);

static void run_pin_op_alongside(struct pin_arg *a, CK_SESSION_HANDLE other)
{
	pthread_t th;
	CK_SESSION_INFO si;
	double worst = 0;
	unsigned long calls = 0;
	assert_int_equal(pthread_create(&th, NULL, pin_thread, a), 0);
	while (!__atomic_load_n(&a->started, __ATOMIC_SEQ_CST))
		sched_yield();
	while (!__atomic_load_n(&a->done, __ATOMIC_SEQ_CST)) {
		struct timespec t0, t1;
		clock_gettime(CLOCK_MONOTONIC, &t0);
		assert_int_equal(P.f->C_GetSessionInfo(other, &si), CKR_OK);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		if (ts(&t1) - ts(&t0) > worst)
			worst = ts(&t1) - ts(&t0);
		calls++;
	}
	assert_int_equal(pthread_join(th, NULL), 0);
	assert_int_equal(a->rv, CKR_OK);
	double dur = ts(&a->end) - ts(&a->start);
	printf("# pin op %d: %.3f s, %lu calls alongside, longest %.4f s\n",
	       (int)a->op, dur, calls, worst);
	assert_true(worst < dur / 2);
}

static void test_pin_kdf_unlocked(void **state)
{
	(void)state;
	CK_SESSION_HANDLE s = open_rw(), other = open_rw();
	/* C_SetPIN of the user PIN (same value: the other tests keep it) */
	login_user(s);
	struct pin_arg a = {.op = PIN_OP_SET_PIN, .s = s};
	run_pin_op_alongside(&a, other);
	/* C_InitPIN by the SO */
	ensure_public();
	assert_int_equal(
	    P.f->C_Login(s, CKU_SO, (CK_UTF8CHAR_PTR)SO_PIN, strlen(SO_PIN)),
	    CKR_OK);
	struct pin_arg b = {.op = PIN_OP_INIT_PIN, .s = s};
	run_pin_op_alongside(&b, other);
	assert_int_equal(P.f->C_Logout(s), CKR_OK);
	/* C_InitToken on the empty slot while this token's session works */
	CK_SLOT_ID slots[16], blank = 0;
	CK_ULONG n = 16;
	CK_TOKEN_INFO ti;
	assert_int_equal(P.f->C_GetSlotList(CK_TRUE, slots, &n), CKR_OK);
	for (CK_ULONG i = 0; i < n; i++) {
		assert_int_equal(P.f->C_GetTokenInfo(slots[i], &ti), CKR_OK);
		if (!(ti.flags & CKF_TOKEN_INITIALIZED))
			blank = slots[i];
	}
	assert_int_not_equal(blank, 0);
	struct pin_arg c = {.op = PIN_OP_INIT_TOKEN, .slot = blank};
	run_pin_op_alongside(&c, other);
	assert_int_equal(P.f->C_GetTokenInfo(blank, &ti), CKR_OK);
	assert_true(ti.flags & CKF_TOKEN_INITIALIZED);
	assert_int_equal(P.f->C_CloseSession(s), CKR_OK);
	assert_int_equal(P.f->C_CloseSession(other), CKR_OK);
}

/* mcx_object_check_use through a crypto entry point: usage flag,
 * CKA_ALLOWED_MECHANISMS, CKA_END_DATE; each refusal audited. */
static void test_usage_checks(void **state)
{
	(void)state;
	CK_SESSION_HANDLE s = open_rw();
	login_user(s);
	CK_OBJECT_CLASS sec = CKO_SECRET_KEY;
	CK_KEY_TYPE gen = CKK_GENERIC_SECRET;
	unsigned char key[32] = {0x42};
	CK_MECHANISM_TYPE only_gcm = CKM_AES_GCM, only_hmac = CKM_SHA256_HMAC;
	CK_DATE past = {{'2', '0', '0', '1'}, {'0', '1'}, {'0', '1'}};
	CK_ATTRIBUTE base[] = {
	    {CKA_CLASS, &sec, sizeof(sec)},
	    {CKA_KEY_TYPE, &gen, sizeof(gen)},
	    {CKA_VALUE, key, sizeof(key)},
	    {CKA_SIGN, &T, 1},
	    {CKA_ALLOWED_MECHANISMS, &only_hmac, sizeof(only_hmac)}};
	CK_MECHANISM hmac = {CKM_SHA256_HMAC, NULL, 0};
	CK_OBJECT_HANDLE h = 0;
	assert_int_equal(P.f->C_CreateObject(s, base, 5, &h), CKR_OK);
	assert_int_equal(P.f->C_SignInit(s, &hmac, h), CKR_OK);
	unsigned char mac[32];
	CK_ULONG ml = sizeof(mac);
	assert_int_equal(P.f->C_Sign(s, key, 4, mac, &ml), CKR_OK);
	/* usage flag off */
	base[3].pValue = &F;
	assert_int_equal(P.f->C_CreateObject(s, base, 5, &h), CKR_OK);
	assert_int_equal(P.f->C_SignInit(s, &hmac, h),
			 CKR_KEY_FUNCTION_NOT_PERMITTED);
	assert_last_audit(s, "C_SignInit", CKR_KEY_FUNCTION_NOT_PERMITTED);
	/* mechanism not allowed */
	base[3].pValue = &T;
	base[4].pValue = &only_gcm;
	assert_int_equal(P.f->C_CreateObject(s, base, 5, &h), CKR_OK);
	assert_int_equal(P.f->C_SignInit(s, &hmac, h), CKR_MECHANISM_INVALID);
	/* past its end date */
	CK_ATTRIBUTE dated[] = {base[0],
				base[1],
				base[2],
				base[3],
				{CKA_END_DATE, &past, sizeof(past)}};
	assert_int_equal(P.f->C_CreateObject(s, dated, 5, &h), CKR_OK);
	assert_int_equal(P.f->C_SignInit(s, &hmac, h),
			 CKR_KEY_FUNCTION_NOT_PERMITTED);
	assert_int_equal(P.f->C_CloseSession(s), CKR_OK);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_interfaces),
	    cmocka_unit_test(test_slots),
	    cmocka_unit_test(test_init_args),
	    cmocka_unit_test(test_sessions),
	    cmocka_unit_test(test_pin_flags_and_audit),
	    cmocka_unit_test(test_objects),
	    cmocka_unit_test(test_policy_refusals),
	    cmocka_unit_test(test_whole_template),
	    cmocka_unit_test(test_visibility),
	    cmocka_unit_test(test_fork_and_other_process),
	    cmocka_unit_test(test_threads),
	    cmocka_unit_test(test_login_concurrency),
	    cmocka_unit_test(test_audit_visibility),
	    cmocka_unit_test(test_pin_kdf_unlocked),
	    cmocka_unit_test(test_context_specific_login),
	    cmocka_unit_test(test_usage_checks),
	    cmocka_unit_test(test_vendor_types_and_so),
	    cmocka_unit_test(test_lockout),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
