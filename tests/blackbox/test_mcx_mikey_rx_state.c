/*
 * Black-box suite of CKM_MCX_MIKEY_SAKKE receive, part 2 (issue 5
 * "Receiving", decision g; part 1 is test_mcx_mikey_rx.c): the K-ID
 * registry (a duplicate K-ID is refused, a revocation marks the held key
 * revoked for good or records it, an old message cannot bring it back,
 * the mark is stored), the sender's authorisation for the group IDs (the
 * GMS named in the group ID, or configured for its domain), a round trip
 * through C_WrapKey (engineer MS's send), two threads and two processes
 * receiving the same messages at once (exactly one gets each key), and the
 * configuration keys.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <json-c/json.h>

#include "mechanisms/eccsi.h"
#include "mechanisms/mikey.h"
#include "mechanisms/sakke.h"
#include "tests/blackbox/mikey_rx_util.h"
#include "tests/common/vectors.h"

static void test_duplicates_and_revocation(void **state)
{
	(void)state;
	uint8_t msg[MSG_CAP], rmsg[MSG_CAP], out[1024];
	struct rx_spec s;
	CK_OBJECT_HANDLE h = CK_INVALID_HANDLE, h2 = CK_INVALID_HANDLE;

	rx_spec_init(&s, GMS, ALICE, CKP_MCX_GMK);
	s.group = "rev@gms@streamwide.com";
	size_t len = rx_build(&s, msg);
	MCX_P11_CHECK(rx_receive(CK_INVALID_HANDLE, msg, len, &h), CKR_OK);
	rx_refused(CK_INVALID_HANDLE, msg, len, CKR_MCX_DUPLICATE_KEY_ID);
	/* a new message (new RAND, same K-ID): still a duplicate */
	size_t len2 = rx_build(&s, rmsg);
	rx_refused(CK_INVALID_HANDLE, rmsg, len2, CKR_MCX_DUPLICATE_KEY_ID);
	/* usable before revocation */
	CK_MCX_SAKKE_PARAMS sp = {users[BOB].uid, 32};
	CK_MECHANISM sm = {CKM_MCX_SAKKE, &sp, sizeof(sp)};
	CK_ULONG olen = sizeof(out);
	MCX_P11_CHECK(F->C_WrapKey(sess, &sm, zt_h, h, out, &olen), CKR_OK);
	/* the revocation marks the held key and returns it */
	s.revoked = true;
	len2 = rx_build(&s, rmsg);
	CK_ULONG keys = rx_count_keys();
	MCX_P11_CHECK(rx_receive(CK_INVALID_HANDLE, rmsg, len2, &h2), CKR_OK);
	assert_int_equal(h2, h);
	assert_int_equal(rx_count_keys(), keys);
	assert_int_equal(rx_attr_ulong(h, CKA_MCX_STATUS), CKS_MCX_REVOKED);
	CK_BBOOL b = CK_TRUE;
	rx_attr_len(h, CKA_DESTROYABLE, &b, 1);
	assert_int_equal(b, CK_FALSE);
	/* revoked: no mechanism uses it, it stays, and it cannot be made
	 * active again */
	olen = sizeof(out);
	assert_int_equal(F->C_WrapKey(sess, &sm, zt_h, h, out, &olen),
			 CKR_MCX_KEY_REVOKED);
	assert_int_equal(F->C_DestroyObject(sess, h), CKR_ACTION_PROHIBITED);
	CK_ULONG active = CKS_MCX_ACTIVE;
	CK_ATTRIBUTE st = {CKA_MCX_STATUS, &active, sizeof(active)};
	(void)F->C_SetAttributeValue(sess, h, &st, 1);
	olen = sizeof(out);
	assert_int_equal(F->C_WrapKey(sess, &sm, zt_h, h, out, &olen),
			 CKR_MCX_KEY_REVOKED);
	/* nor MIKEY send (the key being wrapped) nor RGK derivation (the
	 * base key) */
	CK_OBJECT_HANDLE ssk = CK_INVALID_HANDLE, seed = CK_INVALID_HANDLE,
			 rgk = CK_INVALID_HANDLE;
	MCX_P11_CHECK(mcx_sw_create_ssk(F, sess, sw.kms_uri, &users[GMS], &ssk),
		      CKR_OK);
	CK_MCX_MIKEY_SEND_PARAMS mp = {
	    (CK_BYTE_PTR)users[BOB].uri,
	    strlen(users[BOB].uri),
	    zt_h,
	    CK_UNAVAILABLE_INFORMATION,
	    (CK_ULONG)mcx_mikey_unix_from_ntp(sw_ts),
	    CKS_MCX_ACTIVE,
	    0,
	    0,
	    NULL,
	    0,
	    NULL,
	    0,
	    CKF_MCX_NO_KEY_PARAMS,
	};
	CK_MECHANISM mm = {CKM_MCX_MIKEY_SAKKE, &mp, sizeof(mp)};
	olen = sizeof(out);
	assert_int_equal(F->C_WrapKey(sess, &mm, ssk, h, out, &olen),
			 CKR_MCX_KEY_REVOKED);
	MCX_P11_CHECK(F->C_DestroyObject(sess, ssk), CKR_OK);
	CK_MECHANISM gm = {CKM_MCX_RGK_SEED_GEN, NULL, 0};
	CK_ATTRIBUTE gt[] = {{CKA_TOKEN, &no, 1}};
	MCX_P11_CHECK(F->C_GenerateKey(sess, &gm, gt, 1, &seed), CKR_OK);
	CK_MCX_RGK_DERIVE_PARAMS dp = {seed};
	CK_MECHANISM dm = {CKM_MCX_RGK_DERIVE, &dp, sizeof(dp)};
	assert_int_equal(F->C_DeriveKey(sess, &dm, h, gt, 1, &rgk),
			 CKR_MCX_KEY_REVOKED);
	/* the old message cannot bring it back */
	rx_refused(CK_INVALID_HANDLE, msg, len, CKR_MCX_DUPLICATE_KEY_ID);
	/* a second revocation is idempotent */
	MCX_P11_CHECK(rx_receive(CK_INVALID_HANDLE, rmsg, len2, &h2), CKR_OK);
	assert_int_equal(h2, h);

	/* a revocation for a K-ID not seen yet is recorded revoked */
	rx_spec_init(&s, GMS, BOB, CKP_MCX_GMK);
	s.revoked = true;
	s.group = "rev2@gms@streamwide.com";
	len2 = rx_build(&s, rmsg);
	keys = rx_count_keys();
	MCX_P11_CHECK(rx_receive(CK_INVALID_HANDLE, rmsg, len2, &h), CKR_OK);
	assert_int_equal(rx_count_keys(), keys + 1);
	assert_int_equal(rx_attr_ulong(h, CKA_MCX_STATUS), CKS_MCX_REVOKED);
	s.revoked = false;
	len = rx_build(&s, msg);
	rx_refused(CK_INVALID_HANDLE, msg, len, CKR_MCX_DUPLICATE_KEY_ID);
	/* the same K-ID for another receiver is another key */
	s.to = ALICE;
	len = rx_build(&s, msg);
	MCX_P11_CHECK(rx_receive(CK_INVALID_HANDLE, msg, len, &h), CKR_OK);
	/* a "revocation" carrying another key for a held K-ID */
	uint32_t kid = s.key_id;
	rx_spec_init(&s, GMS, ALICE, CKP_MCX_GMK);
	s.key_id = kid;
	s.revoked = true;
	s.group = "rev2@gms@streamwide.com";
	len = rx_build(&s, msg);
	rx_refused(CK_INVALID_HANDLE, msg, len, CKR_MCX_DUPLICATE_KEY_ID);
	assert_int_equal(rx_attr_ulong(h, CKA_MCX_STATUS), CKS_MCX_ACTIVE);
}

/* A received token object: its revocation is stored (seen by a new
 * session) and survives; the old message stays refused. */
static void test_revocation_stored(void **state)
{
	(void)state;
	uint8_t msg[MSG_CAP], rmsg[MSG_CAP];
	struct rx_spec s;
	CK_MECHANISM m = {CKM_MCX_MIKEY_SAKKE, NULL, 0};
	CK_ATTRIBUTE t[] = {{CKA_TOKEN, &yes, sizeof(yes)}};
	CK_OBJECT_HANDLE h = CK_INVALID_HANDLE, h2 = CK_INVALID_HANDLE;
	uint8_t kid[4];

	rx_spec_init(&s, ALICE, GMS, CKP_MCX_CSK);
	size_t len = rx_build(&s, msg);
	MCX_P11_CHECK(
	    F->C_UnwrapKey(sess, &m, CK_INVALID_HANDLE, msg, len, t, 1, &h),
	    CKR_OK);
	s.revoked = true;
	size_t rlen = rx_build(&s, rmsg);
	MCX_P11_CHECK(
	    F->C_UnwrapKey(sess, &m, CK_INVALID_HANDLE, rmsg, rlen, t, 1, &h2),
	    CKR_OK);
	assert_int_equal(h2, h);
	rx_attr_len(h, CKA_MCX_KEY_ID, kid, 4);
	/* another session finds it revoked in the store */
	CK_SESSION_HANDLE s2 = CK_INVALID_HANDLE;
	MCX_P11_CHECK(F->C_OpenSession(p11.slot,
				       CKF_SERIAL_SESSION | CKF_RW_SESSION,
				       NULL, NULL, &s2),
		      CKR_OK);
	CK_OBJECT_CLASS cls = CKO_SECRET_KEY;
	CK_ATTRIBUTE ft[] = {{CKA_CLASS, &cls, sizeof(cls)},
			     {CKA_MCX_KEY_ID, kid, 4}};
	CK_OBJECT_HANDLE found[4];
	CK_ULONG n = 0, st = 99;
	MCX_P11_CHECK(F->C_FindObjectsInit(s2, ft, 2), CKR_OK);
	MCX_P11_CHECK(F->C_FindObjects(s2, found, 4, &n), CKR_OK);
	MCX_P11_CHECK(F->C_FindObjectsFinal(s2), CKR_OK);
	assert_int_equal(n, 1);
	CK_ATTRIBUTE a = {CKA_MCX_STATUS, &st, sizeof(st)};
	MCX_P11_CHECK(F->C_GetAttributeValue(s2, found[0], &a, 1), CKR_OK);
	assert_int_equal(st, CKS_MCX_REVOKED);
	assert_int_equal(F->C_DestroyObject(s2, found[0]),
			 CKR_ACTION_PROHIBITED);
	MCX_P11_CHECK(F->C_CloseSession(s2), CKR_OK);
	rx_refused(CK_INVALID_HANDLE, msg, len, CKR_MCX_DUPLICATE_KEY_ID);
}

static void test_authorisation(void **state)
{
	(void)state;
	uint8_t msg[MSG_CAP];
	struct rx_spec s;
	static const char *bad[] = {
	    "tg@sip:othergms@streamwide.com", /* another GMS */
	    "tg-no-gms",		      /* names no GMS */
	    "tg@gms2@elsewhere.example",      /* domain not configured */
	};
	for (int hide = 0; hide < 2; hide++)
		for (size_t i = 0; i < 3; i++) {
			rx_spec_init(&s, GMS, ALICE, CKP_MCX_GMK);
			s.hide = hide;
			s.group = bad[i];
			size_t len = rx_build(&s, msg);
			rx_refused(CK_INVALID_HANDLE, msg, len,
				   CKR_MCX_SENDER_NOT_AUTHORISED);
		}
	/* Alice is no GMS, not even for the configured domain */
	rx_spec_init(&s, ALICE, BOB, CKP_MCX_GMK);
	s.group = "tg@gms2@partner.example";
	size_t len = rx_build(&s, msg);
	rx_refused(CK_INVALID_HANDLE, msg, len, CKR_MCX_SENDER_NOT_AUTHORISED);
}

/* ---- token to token: C_WrapKey (engineer MS's send) then C_UnwrapKey ---- */

static void test_round_trip(void **state)
{
	(void)state;
	CK_OBJECT_HANDLE ssk = CK_INVALID_HANDLE, k = CK_INVALID_HANDLE,
			 h = CK_INVALID_HANDLE;
	CK_MECHANISM gm = {CKM_MCX_KEY_GEN, NULL, 0};
	CK_ULONG purpose = CKP_MCX_GMK;
	CK_ATTRIBUTE gt[] = {
	    {CKA_MCX_KEY_PURPOSE, &purpose, sizeof(purpose)},
	    {CKA_TOKEN, &no, sizeof(no)},
	    {CKA_EXTRACTABLE, &yes, sizeof(yes)},
	};
	const char *group = "rt@gms@streamwide.com";
	uint8_t groups[64], msg[MSG_CAP], cv[3], cv2[3], id[4], id2[4];
	size_t gl = strlen(group);
	groups[0] = 0;
	groups[1] = (uint8_t)gl;
	memcpy(groups + 2, group, gl);
	MCX_P11_CHECK(mcx_sw_create_ssk(F, sess, sw.kms_uri, &users[GMS], &ssk),
		      CKR_OK);
	MCX_P11_CHECK(F->C_GenerateKey(sess, &gm, gt, 3, &k), CKR_OK);
	for (CK_FLAGS fl = 0; fl <= CKF_MCX_HIDE_IDENTITIES;
	     fl += CKF_MCX_HIDE_IDENTITIES) {
		int to = fl ? BOB : ALICE;
		CK_MCX_MIKEY_SEND_PARAMS sp = {
		    (CK_BYTE_PTR)users[to].uri,
		    strlen(users[to].uri),
		    zt_h,
		    CK_UNAVAILABLE_INFORMATION,
		    (CK_ULONG)mcx_mikey_unix_from_ntp(sw_ts),
		    CKS_MCX_ACTIVE,
		    0,
		    0,
		    (CK_BYTE_PTR) "rt",
		    2,
		    groups,
		    2 + gl,
		    fl,
		};
		CK_MECHANISM m = {CKM_MCX_MIKEY_SAKKE, &sp, sizeof(sp)};
		CK_ULONG len = sizeof(msg);
		MCX_P11_CHECK(F->C_WrapKey(sess, &m, ssk, k, msg, &len),
			      CKR_OK);
		MCX_P11_CHECK(rx_receive(CK_INVALID_HANDLE, msg, len, &h),
			      CKR_OK);
		rx_attr_len(k, CKA_CHECK_VALUE, cv, 3);
		rx_attr_len(h, CKA_CHECK_VALUE, cv2, 3);
		assert_memory_equal(cv, cv2, 3);
		rx_attr_len(k, CKA_MCX_KEY_ID, id, 4);
		rx_attr_len(h, CKA_MCX_KEY_ID, id2, 4);
		assert_memory_equal(id, id2, 4);
		rx_refused(CK_INVALID_HANDLE, msg, len,
			   CKR_MCX_DUPLICATE_KEY_ID);
	}
	MCX_P11_CHECK(F->C_DestroyObject(sess, ssk), CKR_OK);
}

/* ---- two threads receiving at once -------------------------------------- */

struct racer {
	const uint8_t *msg;
	size_t len;
	CK_SESSION_HANDLE s;
	CK_RV rv[8];
};

static void *race(void *arg)
{
	struct racer *r = arg;
	CK_MECHANISM m = {CKM_MCX_MIKEY_SAKKE, NULL, 0};
	CK_ATTRIBUTE t[] = {{CKA_TOKEN, &no, sizeof(no)}};
	for (int i = 0; i < 8; i++) {
		CK_OBJECT_HANDLE h = CK_INVALID_HANDLE;
		r->rv[i] = F->C_UnwrapKey(r->s, &m, CK_INVALID_HANDLE,
					  (CK_BYTE_PTR)r->msg + i * MSG_CAP,
					  r->len, t, 1, &h);
	}
	return NULL;
}

/* The signature and decapsulation run without the module lock; the
 * duplicate check and the store stay atomic: of two threads receiving
 * the same messages at once, exactly one gets each key. */
static void test_threads(void **state)
{
	(void)state;
	static uint8_t msgs[8][MSG_CAP];
	struct racer r[2];
	pthread_t th[2];
	size_t len = 0;
	struct rx_spec s;
	CK_ULONG keys = rx_count_keys();
	for (int i = 0; i < 8; i++) {
		rx_spec_init(&s, GMS, ALICE, CKP_MCX_GMK);
		s.group = "race@gms@streamwide.com";
		size_t l = rx_build(&s, msgs[i]);
		assert_true(len == 0 || l == len);
		len = l;
	}
	for (int t = 0; t < 2; t++) {
		memset(&r[t], 0, sizeof(r[t]));
		r[t].msg = msgs[0];
		r[t].len = len;
		r[t].s = mcx_p11_session(&p11, CKU_USER, NULL);
		assert_int_equal(pthread_create(&th[t], NULL, race, &r[t]), 0);
	}
	for (int t = 0; t < 2; t++)
		assert_int_equal(pthread_join(th[t], NULL), 0);
	for (int i = 0; i < 8; i++) {
		int ok = (r[0].rv[i] == CKR_OK) + (r[1].rv[i] == CKR_OK);
		int dup = (r[0].rv[i] == CKR_MCX_DUPLICATE_KEY_ID) +
			  (r[1].rv[i] == CKR_MCX_DUPLICATE_KEY_ID);
		assert_int_equal(ok, 1);
		assert_int_equal(dup, 1);
	}
	assert_int_equal(rx_count_keys(), keys + 8);
	for (int t = 0; t < 2; t++)
		MCX_P11_CHECK(F->C_CloseSession(r[t].s), CKR_OK);
}

/* ---- configuration ------------------------------------------------------ */

static void test_config(void **state)
{
	(void)state;
	static const char *bad[] = {
	    "authorised_gms = partner.example\n",
	    "authorised_gms = a b c\n",
	    "mikey_max_age = soon\n",
	    "mikey_max_future_skew = -1\n",
	};
	for (size_t i = 0; i < 4; i++)
		assert_int_equal(rx_reinit(bad[i]), CKR_GENERAL_ERROR);
	/* mikey_max_age judges against now: the 2025 message is too old */
	MCX_P11_CHECK(rx_reinit(CONF "mikey_max_age = 86400\n"), CKR_OK);
	sess = mcx_p11_session(&p11, CKU_USER, USER_PIN);
	size_t len = 0;
	uint8_t *msg = mcx_vectors_hex(sw.root, "cases.1.hex", &len);
	rx_refused(CK_INVALID_HANDLE, msg, len, CKR_MCX_MESSAGE_TOO_OLD);
	/* the caller's evaluation time still rules */
	CK_MCX_MIKEY_RECEIVE_PARAMS p = {
	    (CK_ULONG)mcx_mikey_unix_from_ntp(sw_ts) + 60, 0, 0};
	CK_OBJECT_HANDLE h = CK_INVALID_HANDLE;
	MCX_P11_CHECK(rx_receive_p(CK_INVALID_HANDLE, msg, len, &p, &h),
		      CKR_OK);
	free(msg);
}

/* Two processes storing the same received keys as token objects at once:
 * the duplicate check and the insert share one write transaction, so
 * exactly one process stores each K-ID. */
static void test_processes(void **state)
{
	(void)state;
	static uint8_t msgs[4][MSG_CAP];
	size_t len[4];
	uint8_t kids[4][4];
	int fds[2][2];
	pid_t pid[2];
	struct rx_spec s;
	for (int i = 0; i < 4; i++) {
		rx_spec_init(&s, ALICE, GMS, CKP_MCX_CSK);
		len[i] = rx_build(&s, msgs[i]);
		for (int k = 0; k < 4; k++)
			kids[i][k] = (uint8_t)(s.key_id >> (24 - 8 * k));
	}
	for (int c = 0; c < 2; c++) {
		assert_int_equal(pipe(fds[c]), 0);
		pid[c] = fork();
		assert_true(pid[c] >= 0);
		if (pid[c] > 0) {
			close(fds[c][1]);
			continue;
		}
		/* child: its own C_Initialize and login */
		CK_C_INITIALIZE_ARGS args;
		CK_RV rv[4] = {CKR_GENERAL_ERROR, CKR_GENERAL_ERROR,
			       CKR_GENERAL_ERROR, CKR_GENERAL_ERROR};
		CK_SESSION_HANDLE cs = CK_INVALID_HANDLE;
		memset(&args, 0, sizeof(args));
		args.flags = CKF_OS_LOCKING_OK;
		if (F->C_Initialize(&args) == CKR_OK &&
		    F->C_OpenSession(p11.slot,
				     CKF_SERIAL_SESSION | CKF_RW_SESSION, NULL,
				     NULL, &cs) == CKR_OK &&
		    F->C_Login(cs, CKU_USER, (CK_UTF8CHAR_PTR)USER_PIN,
			       strlen(USER_PIN)) == CKR_OK) {
			CK_MECHANISM m = {CKM_MCX_MIKEY_SAKKE, NULL, 0};
			CK_ATTRIBUTE t[] = {{CKA_TOKEN, &yes, sizeof(yes)}};
			for (int i = 0; i < 4; i++) {
				CK_OBJECT_HANDLE h = CK_INVALID_HANDLE;
				rv[i] =
				    F->C_UnwrapKey(cs, &m, CK_INVALID_HANDLE,
						   msgs[i], len[i], t, 1, &h);
			}
		}
		ssize_t w = write(fds[c][1], rv, sizeof(rv));
		_exit(w == (ssize_t)sizeof(rv) ? 0 : 1);
	}
	CK_RV rv[2][4];
	for (int c = 0; c < 2; c++) {
		int status = 0;
		assert_int_equal(read(fds[c][0], rv[c], sizeof(rv[c])),
				 sizeof(rv[c]));
		close(fds[c][0]);
		assert_int_equal(waitpid(pid[c], &status, 0), pid[c]);
		assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
	for (int i = 0; i < 4; i++) {
		assert_int_equal((rv[0][i] == CKR_OK) + (rv[1][i] == CKR_OK),
				 1);
		assert_int_equal((rv[0][i] == CKR_MCX_DUPLICATE_KEY_ID) +
				     (rv[1][i] == CKR_MCX_DUPLICATE_KEY_ID),
				 1);
		CK_OBJECT_CLASS cls = CKO_SECRET_KEY;
		CK_ATTRIBUTE ft[] = {{CKA_CLASS, &cls, sizeof(cls)},
				     {CKA_MCX_KEY_ID, kids[i], 4}};
		CK_OBJECT_HANDLE found[4];
		CK_ULONG n = 0;
		MCX_P11_CHECK(F->C_FindObjectsInit(sess, ft, 2), CKR_OK);
		MCX_P11_CHECK(F->C_FindObjects(sess, found, 4, &n), CKR_OK);
		MCX_P11_CHECK(F->C_FindObjectsFinal(sess), CKR_OK);
		assert_int_equal(n, 1);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_duplicates_and_revocation),
	    cmocka_unit_test(test_revocation_stored),
	    cmocka_unit_test(test_authorisation),
	    cmocka_unit_test(test_round_trip),
	    cmocka_unit_test(test_threads),
	    cmocka_unit_test(test_processes),
	    cmocka_unit_test(test_config),
	};
	return cmocka_run_group_tests(tests, rx_setup, rx_teardown);
}
