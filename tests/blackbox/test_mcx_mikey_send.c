/*
 * Black-box suite of CKM_MCX_MIKEY_SAKKE send (C_WrapKey; issue 5
 * "Sending", TS 33.180 5.2 and Annex E, MCX-REFERENCE §4-§5): with the
 * Streamwide v5 KMS and key sets in the token, the GMS's messages decode
 * (mcx_mikey_decode) and are received by the pure receiver
 * (mcx_mikey_receive) with the receiver's published keys: UIDs, GUK-ID,
 * K-ID, key and key parameters as sent.  Identity hiding, SAKKE-to-self,
 * no key parameters, an explicit key period, CSK / PCK layouts, the
 * partner GMS re-sending a received GMK with its own identity, and every
 * refusal with its CKR, an audit record and nothing stored.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "common/wipe.h"
#include "mechanisms/kdf3gpp.h"
#include "mechanisms/sakke.h"
#include "tests/blackbox/test_mcx_mikey_send_common.h"

static struct ms_token tok;
static CK_BBOOL yes = CK_TRUE, no = CK_FALSE;

#define F    tok.p11.f
#define SESS tok.sess
#define U(i) (&tok.users[i])

static int setup(void **state)
{
	(void)state;
	ms_token_open(&tok, "mcx-mikey-send", true);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	ms_token_close(&tok);
	return 0;
}

static CK_ULONG count_objects(void)
{
	CK_OBJECT_HANDLE h[512];
	CK_ULONG n = 0;
	MCX_P11_CHECK(F->C_FindObjectsInit(SESS, NULL, 0), CKR_OK);
	MCX_P11_CHECK(F->C_FindObjects(SESS, h, 512, &n), CKR_OK);
	MCX_P11_CHECK(F->C_FindObjectsFinal(SESS), CKR_OK);
	return n;
}

/* Audit records of C_WrapKey with this mechanism and CKR. */
static CK_ULONG audited(CK_RV rv)
{
	CK_OBJECT_CLASS cls = CKO_MCX_AUDIT_RECORD;
	CK_ULONG r = rv, mech = CKM_MCX_MIKEY_SAKKE;
	CK_ATTRIBUTE t[] = {{CKA_CLASS, &cls, sizeof(cls)},
			    {CKA_MCX_AUDIT_RV, &r, sizeof(r)},
			    {CKA_MCX_AUDIT_MECHANISM, &mech, sizeof(mech)},
			    {CKA_MCX_AUDIT_FUNCTION, "C_WrapKey", 9}};
	CK_OBJECT_HANDLE h[256];
	CK_ULONG n = 0;
	MCX_P11_CHECK(F->C_FindObjectsInit(SESS, t, 4), CKR_OK);
	MCX_P11_CHECK(F->C_FindObjects(SESS, h, 256, &n), CKR_OK);
	MCX_P11_CHECK(F->C_FindObjectsFinal(SESS), CKR_OK);
	return n;
}

static const struct mcx_mikey_idr *idr(const struct mcx_mikey_msg *m,
				       uint8_t role)
{
	const struct mcx_mikey_idr *r = mcx_mikey_find_idr(m, role);
	assert_non_null(r);
	return r;
}

static void assert_idr(const struct mcx_mikey_msg *m, uint8_t role,
		       const void *v, size_t len)
{
	const struct mcx_mikey_idr *r = idr(m, role);
	assert_int_equal(r->id_len, len);
	assert_memory_equal(r->id, v, len);
}

/* The key received is the token's key: same K-ID, same check value. */
static void assert_same_key(CK_OBJECT_HANDLE k,
			    const struct mcx_mikey_received *rx)
{
	uint8_t cv[3], got[3];
	ms_check_value(F, SESS, k, cv);
	ms_aes_check_value(rx->key, got);
	assert_memory_equal(cv, got, 3);
	assert_int_equal(rx->key_id, ms_key_id(F, SESS, k));
}

/* The GMK to Alice with hidden identities, text and group IDs: every
 * payload of §5.6 as expected, received by Alice with her published keys
 * (her UID of period 236 is what the token computed). */
static void test_gmk_hidden(void **state)
{
	(void)state;
	CK_OBJECT_HANDLE k = ms_gen_key(&tok, SESS, CKP_MCX_GMK);
	static const uint8_t groups[] = "\x00\x1c"
					"grp-7@sip:gms@streamwide.com"
					"\x00\x04"
					"ops2";
	CK_MCX_MIKEY_SEND_PARAMS p;
	struct mcx_mikey_msg m;
	struct mcx_mikey_received rx;
	uint8_t *msg = NULL;
	size_t len = 0;
	CK_ULONG audit0 = audited(CKR_OK);
	CK_ATTRIBUTE label = {CKA_LABEL, "gmk-group-7", 11};
	MCX_P11_CHECK(F->C_SetAttributeValue(SESS, k, &label, 1), CKR_OK);

	ms_params(&tok, &p, U(MS_ALICE)->uri);
	p.flags = CKF_MCX_HIDE_IDENTITIES;
	p.pText = (CK_BYTE_PTR) "Group 7";
	p.ulTextLen = 7;
	p.pGroupIds = (CK_BYTE_PTR)groups;
	p.ulGroupIdsLen = sizeof(groups) - 1;
	p.ulActivation = 1759448000;
	p.ulExpiry = 1790000000;
	MCX_P11_CHECK(ms_send(F, SESS, tok.ssk[MS_GMS], k, &p, &msg, &len),
		      CKR_OK);
	assert_int_equal(
	    ms_receive(&tok, msg, len, MS_ALICE, U(MS_GMS)->uid, &m, &rx),
	    MCX_OK);
	assert_same_key(k, &rx);
	/* HDR: CSB-ID = GUK-ID (F.1.3), GENERIC-ID CS 4, SPI = K-ID || GUK-ID
	 */
	uint32_t salt = 0;
	assert_int_equal(
	    mcx_kdf3gpp_user_salt(rx.key, 16, (const uint8_t *)U(MS_ALICE)->uri,
				  strlen(U(MS_ALICE)->uri), &salt),
	    MCX_OK);
	assert_int_equal(m.csb_id, mcx_kdf3gpp_guk_id(rx.key_id, salt));
	assert_int_equal(rx.uk_id, m.csb_id);
	assert_int_not_equal(m.csb_id, rx.key_id);
	assert_int_equal(m.map_type, MCX_MIKEY_MAP_GENERIC_ID);
	assert_int_equal(m.n_cs, 1);
	assert_int_equal(m.cs[0].cs_id, 4);
	assert_int_equal(m.cs[0].spi_len, 8);
	/* T from ulTime; IDRs: UIDs in roles 8/9, the KMS URIs */
	assert_int_equal(m.ts_type, MCX_MIKEY_TS_NTP_UTC);
	assert_int_equal(m.ts, mcx_mikey_ntp_from_unix(MS_SW_TIME));
	assert_int_equal(m.rand_len, 16);
	assert_idr(&m, MCX_MIKEY_ROLE_UIDI, U(MS_GMS)->uid, 32);
	assert_idr(&m, MCX_MIKEY_ROLE_UIDR, U(MS_ALICE)->uid, 32);
	assert_null(mcx_mikey_find_idr(&m, MCX_MIKEY_ROLE_I));
	assert_null(mcx_mikey_find_idr(&m, MCX_MIKEY_ROLE_R));
	assert_idr(&m, MCX_MIKEY_ROLE_KMSI, tok.sw.kms_uri,
		   strlen(tok.sw.kms_uri));
	assert_idr(&m, MCX_MIKEY_ROLE_KMSR, tok.sw.kms_uri,
		   strlen(tok.sw.kms_uri));
	assert_true(m.has_sp);
	assert_int_equal(m.sakke.id_scheme, MCX_MIKEY_SAKKE_SCHEME_UID);
	assert_false(m.has_self);
	/* GE 7 key parameters as given */
	assert_true(m.has_keyparams);
	assert_true(rx.has_params);
	assert_int_equal(rx.params.key_type, CKP_MCX_GMK);
	assert_int_equal(rx.params.status, MCX_MIKEY_STATUS_NOT_REVOKED);
	assert_int_equal(rx.params.activation, 1759448000);
	assert_int_equal(rx.params.expiry, 1790000000);
	assert_int_equal(rx.params.text_len, 7);
	assert_memory_equal(rx.params.text, "Group 7", 7);
	assert_true(rx.params.has_groups);
	assert_int_equal(rx.params.n_groups, 2);
	assert_int_equal(rx.params.groups[0].len, 0x1c);
	assert_memory_equal(rx.params.groups[0].id,
			    "grp-7@sip:gms@streamwide.com", 0x1c);
	assert_memory_equal(rx.params.groups[1].id, "ops2", 4);
	/* exactly one more successful send audited (the size query is not
	 * an export) */
	assert_int_equal(audited(CKR_OK), audit0 + 1);
	/* the record names the key: label and CKA_UNIQUE_ID */
	char uid[64];
	CK_ATTRIBUTE ua = {CKA_UNIQUE_ID, uid, sizeof(uid)};
	MCX_P11_CHECK(F->C_GetAttributeValue(SESS, k, &ua, 1), CKR_OK);
	CK_OBJECT_CLASS acls = CKO_MCX_AUDIT_RECORD;
	CK_ATTRIBUTE at[] = {{CKA_CLASS, &acls, sizeof(acls)},
			     {CKA_MCX_AUDIT_LABEL, "gmk-group-7", 11},
			     {CKA_MCX_AUDIT_OBJECT_ID, uid, ua.ulValueLen},
			     {CKA_MCX_AUDIT_FUNCTION, "C_WrapKey", 9}};
	CK_OBJECT_HANDLE ah[4];
	CK_ULONG an = 0;
	MCX_P11_CHECK(F->C_FindObjectsInit(SESS, at, 4), CKR_OK);
	MCX_P11_CHECK(F->C_FindObjects(SESS, ah, 4, &an), CKR_OK);
	MCX_P11_CHECK(F->C_FindObjectsFinal(SESS), CKR_OK);
	assert_int_equal(an, 1);
	mcx_wipe(&rx, sizeof(rx));
	free(msg);

	/* to Bob: the same K-ID under another GUK-ID */
	ms_params(&tok, &p, U(MS_BOB)->uri);
	MCX_P11_CHECK(ms_send(F, SESS, tok.ssk[MS_GMS], k, &p, &msg, &len),
		      CKR_OK);
	uint32_t alice_guk = m.csb_id;
	assert_int_equal(
	    ms_receive(&tok, msg, len, MS_BOB, U(MS_GMS)->uid, &m, &rx),
	    MCX_OK);
	assert_same_key(k, &rx);
	assert_int_not_equal(m.csb_id, alice_guk);
	/* Alice cannot read Bob's message */
	struct mcx_mikey_received rx2;
	assert_int_not_equal(
	    ms_receive(&tok, msg, len, MS_ALICE, U(MS_GMS)->uid, &m, &rx2),
	    MCX_OK);
	mcx_wipe(&rx, sizeof(rx));
	free(msg);
	F->C_DestroyObject(SESS, k);
}

/* URIs in IDRi/IDRr (roles 1/2), SAKKE-to-self to the GMS's own UID (its
 * RSK opens it), the default KMS (CK_INVALID_HANDLE), the key's own text
 * when the parameters give none. */
static void test_uris_self(void **state)
{
	(void)state;
	CK_OBJECT_HANDLE k = ms_gen_key(&tok, SESS, CKP_MCX_GMK);
	CK_ATTRIBUTE set = {CKA_MCX_TEXT, "stored text", 11};
	CK_MCX_MIKEY_SEND_PARAMS p;
	struct mcx_mikey_msg m;
	struct mcx_mikey_received rx;
	uint8_t *msg = NULL, ssv[16];
	size_t len = 0;

	MCX_P11_CHECK(F->C_SetAttributeValue(SESS, k, &set, 1), CKR_OK);
	ms_params(&tok, &p, U(MS_ALICE)->uri);
	p.hReceiverKms = CK_INVALID_HANDLE;
	p.flags = CKF_MCX_SAKKE_TO_SELF;
	MCX_P11_CHECK(ms_send(F, SESS, tok.ssk[MS_GMS], k, &p, &msg, &len),
		      CKR_OK);
	assert_int_equal(
	    ms_receive(&tok, msg, len, MS_ALICE, U(MS_GMS)->uid, &m, &rx),
	    MCX_OK);
	assert_same_key(k, &rx);
	assert_idr(&m, MCX_MIKEY_ROLE_I, U(MS_GMS)->uri,
		   strlen(U(MS_GMS)->uri));
	assert_idr(&m, MCX_MIKEY_ROLE_R, U(MS_ALICE)->uri,
		   strlen(U(MS_ALICE)->uri));
	assert_null(mcx_mikey_find_idr(&m, MCX_MIKEY_ROLE_UIDI));
	assert_int_equal(rx.params.text_len, 11);
	assert_memory_equal(rx.params.text, "stored text", 11);
	assert_true(rx.params.has_groups);
	assert_int_equal(rx.params.n_groups, 0);
	/* E.5: the GMS's own RSK opens the second SED */
	assert_true(m.has_self);
	struct mcx_sakke_kms *kms = NULL;
	struct mcx_sakke_rsk *rsk = NULL;
	assert_int_equal(
	    mcx_sakke_kms_new(tok.sw.z_t, sizeof(tok.sw.z_t), &kms), MCX_OK);
	assert_int_equal(mcx_sakke_rsk_new(U(MS_GMS)->rsk, 257, &rsk), MCX_OK);
	assert_int_equal(mcx_sakke_decapsulate(kms, rsk, U(MS_GMS)->uid, 32,
					       m.self.sed, m.self.sed_len, ssv),
			 MCX_OK);
	assert_memory_equal(ssv, rx.key, 16);
	mcx_sakke_rsk_free(rsk);
	mcx_sakke_kms_free(kms);
	mcx_wipe(ssv, sizeof(ssv));
	mcx_wipe(&rx, sizeof(rx));
	free(msg);
	F->C_DestroyObject(SESS, k);
}

/* CKF_MCX_NO_KEY_PARAMS: no GE 7; a revoked status sent for an active key
 * (how a GMS revokes a key at its members). */
static void test_no_params_and_revocation(void **state)
{
	(void)state;
	CK_OBJECT_HANDLE k = ms_gen_key(&tok, SESS, CKP_MCX_GMK);
	CK_MCX_MIKEY_SEND_PARAMS p;
	struct mcx_mikey_msg m;
	struct mcx_mikey_received rx;
	uint8_t *msg = NULL;
	size_t len = 0;

	ms_params(&tok, &p, U(MS_ALICE)->uri);
	p.flags = CKF_MCX_NO_KEY_PARAMS;
	MCX_P11_CHECK(ms_send(F, SESS, tok.ssk[MS_GMS], k, &p, &msg, &len),
		      CKR_OK);
	assert_int_equal(
	    ms_receive(&tok, msg, len, MS_ALICE, U(MS_GMS)->uid, &m, &rx),
	    MCX_OK);
	assert_false(m.has_keyparams);
	assert_false(rx.has_params);
	assert_same_key(k, &rx);
	free(msg);

	ms_params(&tok, &p, U(MS_ALICE)->uri);
	p.ulStatus = CKS_MCX_REVOKED;
	MCX_P11_CHECK(ms_send(F, SESS, tok.ssk[MS_GMS], k, &p, &msg, &len),
		      CKR_OK);
	assert_int_equal(
	    ms_receive(&tok, msg, len, MS_ALICE, U(MS_GMS)->uid, &m, &rx),
	    MCX_OK);
	assert_true(rx.has_params);
	assert_int_equal(rx.params.status & MCX_MIKEY_STATUS_NOT_REVOKED, 0);
	mcx_wipe(&rx, sizeof(rx));
	free(msg);
	F->C_DestroyObject(SESS, k);
}

/* An explicit receiver key period: the UID of that period in IDRuidr;
 * with period 236 and T = now the published UID (the period is not
 * derived from T then). */
static void test_explicit_period(void **state)
{
	(void)state;
	CK_OBJECT_HANDLE k = ms_gen_key(&tok, SESS, CKP_MCX_GMK);
	CK_MCX_MIKEY_SEND_PARAMS p;
	struct mcx_mikey_msg m;
	struct mcx_mikey_received rx;
	uint8_t *msg = NULL, uid[32];
	size_t len = 0;
	const char *a = U(MS_ALICE)->uri;

	ms_params(&tok, &p, a);
	p.flags = CKF_MCX_HIDE_IDENTITIES;
	p.ulReceiverKeyPeriodNo = 237;
	MCX_P11_CHECK(ms_send(F, SESS, tok.ssk[MS_GMS], k, &p, &msg, &len),
		      CKR_OK);
	assert_int_equal(ms_verify(&tok, msg, len, U(MS_GMS)->uid, &m), MCX_OK);
	assert_int_equal(mcx_kdf3gpp_uid((const uint8_t *)a, strlen(a),
					 (const uint8_t *)tok.sw.kms_uri,
					 strlen(tok.sw.kms_uri), tok.sw.period,
					 tok.sw.offset, 237, uid),
			 MCX_OK);
	assert_idr(&m, MCX_MIKEY_ROLE_UIDR, uid, 32);
	assert_memory_not_equal(uid, U(MS_ALICE)->uid, 32);
	free(msg);

	ms_params(&tok, &p, a);
	p.flags = CKF_MCX_HIDE_IDENTITIES;
	p.ulReceiverKeyPeriodNo = 236;
	p.ulTime = 0; /* now */
	MCX_P11_CHECK(ms_send(F, SESS, tok.ssk[MS_GMS], k, &p, &msg, &len),
		      CKR_OK);
	assert_int_equal(
	    ms_receive(&tok, msg, len, MS_ALICE, U(MS_GMS)->uid, &m, &rx),
	    MCX_OK);
	uint64_t t = mcx_mikey_unix_from_ntp(m.ts);
	assert_true(t > MS_SW_TIME + 86400);
	assert_same_key(k, &rx);
	mcx_wipe(&rx, sizeof(rx));
	free(msg);
	F->C_DestroyObject(SESS, k);
}

/* CSK: CSB-ID = CSK-ID, CS 6, no group block; PCK: the empty map. */
static void test_csk_pck(void **state)
{
	(void)state;
	CK_ULONG purposes[2] = {CKP_MCX_CSK, CKP_MCX_PCK};
	for (int i = 0; i < 2; i++) {
		CK_OBJECT_HANDLE k = ms_gen_key(&tok, SESS, purposes[i]);
		CK_MCX_MIKEY_SEND_PARAMS p;
		struct mcx_mikey_msg m;
		struct mcx_mikey_received rx;
		uint8_t *msg = NULL;
		size_t len = 0;
		/* a client (Alice) to the server identity (the GMS) */
		ms_params(&tok, &p, U(MS_GMS)->uri);
		MCX_P11_CHECK(
		    ms_send(F, SESS, tok.ssk[MS_ALICE], k, &p, &msg, &len),
		    CKR_OK);
		assert_int_equal(ms_receive(&tok, msg, len, MS_GMS,
					    U(MS_ALICE)->uid, &m, &rx),
				 MCX_OK);
		assert_same_key(k, &rx);
		assert_int_equal(m.csb_id, rx.key_id);
		assert_int_equal(rx.key_id >> 28, purposes[i]);
		if (purposes[i] == CKP_MCX_CSK) {
			assert_int_equal(m.map_type, MCX_MIKEY_MAP_GENERIC_ID);
			assert_int_equal(m.cs[0].cs_id, 6);
			assert_int_equal(m.cs[0].spi_len, 4);
		} else {
			assert_int_equal(m.map_type, MCX_MIKEY_MAP_EMPTY);
		}
		assert_int_equal(rx.params.key_type, purposes[i]);
		assert_false(rx.params.has_groups);
		/* group IDs belong to GMK, MKFC and MuSiK only */
		p.pGroupIds = (CK_BYTE_PTR) "\x00\x01g";
		p.ulGroupIdsLen = 3;
		free(msg);
		assert_int_equal(
		    ms_send(F, SESS, tok.ssk[MS_ALICE], k, &p, &msg, &len),
		    CKR_MECHANISM_PARAM_INVALID);
		mcx_wipe(&rx, sizeof(rx));
		F->C_DestroyObject(SESS, k);
	}
}

/* Partner GMS (TS 33.180 7.3.3.3): Bob receives the GMK (a received-style
 * key: CKM_MCX_SAKKE unwrap with K-ID, status, text and groups in the
 * template) and re-sends it to Alice with his own identity: same K-ID,
 * his signature, the stored key parameters. */
static void test_partner_resend(void **state)
{
	(void)state;
	CK_OBJECT_HANDLE k = ms_gen_key(&tok, SESS, CKP_MCX_GMK), rk = 0;
	uint8_t kid[4], sed[MCX_SAKKE_SED_LEN];
	CK_ULONG sed_len = sizeof(sed);
	CK_MCX_SAKKE_PARAMS sp = {U(MS_BOB)->uid, 32};
	CK_MECHANISM wm = {CKM_MCX_SAKKE, &sp, sizeof(sp)};
	CK_MECHANISM um = {CKM_MCX_SAKKE, NULL, 0};
	CK_ULONG purpose = CKP_MCX_GMK, status = CKS_MCX_ACTIVE,
		 expiry = 1800000000;
	static const uint8_t groups[] = "\x00\x0bgrp-partner";
	CK_ATTRIBUTE a = {CKA_MCX_KEY_ID, kid, 4};
	MCX_P11_CHECK(F->C_GetAttributeValue(SESS, k, &a, 1), CKR_OK);
	MCX_P11_CHECK(F->C_WrapKey(SESS, &wm, tok.zt, k, sed, &sed_len),
		      CKR_OK);
	CK_ATTRIBUTE t[] = {
	    {CKA_MCX_KEY_PURPOSE, &purpose, sizeof(purpose)},
	    {CKA_MCX_KEY_ID, kid, 4},
	    {CKA_MCX_STATUS, &status, sizeof(status)},
	    {CKA_MCX_EXPIRY, &expiry, sizeof(expiry)},
	    {CKA_MCX_TEXT, "from primary", 12},
	    {CKA_MCX_GROUP_IDS, (void *)groups, sizeof(groups) - 1},
	    {CKA_MCX_SENDER_URI, (void *)U(MS_GMS)->uri,
	     strlen(U(MS_GMS)->uri)},
	    {CKA_TOKEN, &no, sizeof(no)},
	    {CKA_EXTRACTABLE, &yes, sizeof(yes)},
	};
	MCX_P11_CHECK(F->C_UnwrapKey(SESS, &um, tok.rsk[MS_BOB], sed, sed_len,
				     t, sizeof(t) / sizeof(t[0]), &rk),
		      CKR_OK);

	CK_MCX_MIKEY_SEND_PARAMS p;
	struct mcx_mikey_msg m;
	struct mcx_mikey_received rx;
	uint8_t *msg = NULL;
	size_t len = 0;
	ms_params(&tok, &p, U(MS_ALICE)->uri);
	p.flags = CKF_MCX_HIDE_IDENTITIES;
	MCX_P11_CHECK(ms_send(F, SESS, tok.ssk[MS_BOB], rk, &p, &msg, &len),
		      CKR_OK);
	/* signed by Bob, not the GMS */
	assert_int_not_equal(ms_verify(&tok, msg, len, U(MS_GMS)->uid, &m),
			     MCX_OK);
	assert_int_equal(
	    ms_receive(&tok, msg, len, MS_ALICE, U(MS_BOB)->uid, &m, &rx),
	    MCX_OK);
	assert_same_key(k, &rx);
	assert_int_equal(rx.key_id, ms_key_id(F, SESS, rk));
	assert_idr(&m, MCX_MIKEY_ROLE_UIDI, U(MS_BOB)->uid, 32);
	assert_int_equal(rx.params.expiry, 1800000000);
	assert_memory_equal(rx.params.text, "from primary", 12);
	assert_int_equal(rx.params.n_groups, 1);
	assert_memory_equal(rx.params.groups[0].id, "grp-partner", 11);
	free(msg);
	/* the parameters given override the stored ones */
	p.pText = (CK_BYTE_PTR) "partner";
	p.ulTextLen = 7;
	MCX_P11_CHECK(ms_send(F, SESS, tok.ssk[MS_BOB], rk, &p, &msg, &len),
		      CKR_OK);
	assert_int_equal(
	    ms_receive(&tok, msg, len, MS_ALICE, U(MS_BOB)->uid, &m, &rx),
	    MCX_OK);
	assert_int_equal(rx.params.text_len, 7);
	assert_memory_equal(rx.params.text, "partner", 7);
	mcx_wipe(&rx, sizeof(rx));
	free(msg);
	F->C_DestroyObject(SESS, rk);
	F->C_DestroyObject(SESS, k);
}

/* C_UnwrapKey(CKM_MCX_MIKEY_SAKKE) of the receiver: t (Unix) is the
 * evaluation time. */
static CK_RV token_receive(CK_OBJECT_HANDLE rsk, const uint8_t *msg, size_t len,
			   CK_OBJECT_HANDLE *h)
{
	CK_MCX_MIKEY_RECEIVE_PARAMS rp = {MS_SW_TIME + 60, 0, 0};
	CK_MECHANISM m = {CKM_MCX_MIKEY_SAKKE, &rp, sizeof(rp)};
	CK_ATTRIBUTE t[] = {{CKA_TOKEN, &no, sizeof(no)},
			    {CKA_EXTRACTABLE, &yes, sizeof(yes)}};
	return F->C_UnwrapKey(SESS, &m, rsk, (CK_BYTE_PTR)msg, len, t, 2, h);
}

static void assert_same_cv(CK_OBJECT_HANDLE a, CK_OBJECT_HANDLE b)
{
	uint8_t x[3], y[3];
	ms_check_value(F, SESS, a, x);
	ms_check_value(F, SESS, b, y);
	assert_memory_equal(x, y, 3);
	assert_int_equal(ms_key_id(F, SESS, a), ms_key_id(F, SESS, b));
}

/* Token to token (the receive of ops_mcx_mikey_receive.c): the GMS's
 * message is received by Alice's RSK with K-ID, UK-ID, text and group as
 * sent, a second time refused as a duplicate; a revoked status sent next
 * revokes her copy, which can no longer be sent on.  The partner GMS
 * flow: Bob (chosen by the token from the hidden UID) receives a GMK,
 * re-sends it with his identity, and Alice's token takes it. */
static void test_token_round_trip(void **state)
{
	(void)state;
	CK_OBJECT_HANDLE k = ms_gen_key(&tok, SESS, CKP_MCX_GMK), rk = 0,
			 rk2 = 0;
	const char *gms = U(MS_GMS)->uri;
	char group[96];
	uint8_t groups[100], buf[100];
	CK_MCX_MIKEY_SEND_PARAMS p;
	uint8_t *msg = NULL;
	size_t len = 0;
	int gl = snprintf(group, sizeof(group), "grp-rt@%s", gms);
	groups[0] = 0;
	groups[1] = (uint8_t)gl;
	memcpy(groups + 2, group, (size_t)gl);

	ms_params(&tok, &p, U(MS_ALICE)->uri);
	p.pText = (CK_BYTE_PTR) "round trip";
	p.ulTextLen = 10;
	p.pGroupIds = groups;
	p.ulGroupIdsLen = 2 + (CK_ULONG)gl;
	MCX_P11_CHECK(ms_send(F, SESS, tok.ssk[MS_GMS], k, &p, &msg, &len),
		      CKR_OK);
	MCX_P11_CHECK(token_receive(tok.rsk[MS_ALICE], msg, len, &rk), CKR_OK);
	assert_same_cv(k, rk);
	CK_ATTRIBUTE a[] = {{CKA_MCX_TEXT, buf, sizeof(buf)}};
	MCX_P11_CHECK(F->C_GetAttributeValue(SESS, rk, a, 1), CKR_OK);
	assert_int_equal(a[0].ulValueLen, 10);
	assert_memory_equal(buf, "round trip", 10);
	a[0] = (CK_ATTRIBUTE){CKA_MCX_GROUP_IDS, buf, sizeof(buf)};
	MCX_P11_CHECK(F->C_GetAttributeValue(SESS, rk, a, 1), CKR_OK);
	assert_int_equal(a[0].ulValueLen, 2 + (CK_ULONG)gl);
	assert_memory_equal(buf, groups, 2 + (size_t)gl);
	struct mcx_mikey_msg m;
	assert_int_equal(mcx_mikey_decode(msg, len, &m), MCX_OK);
	a[0] = (CK_ATTRIBUTE){CKA_MCX_UK_ID, buf, 4};
	MCX_P11_CHECK(F->C_GetAttributeValue(SESS, rk, a, 1), CKR_OK);
	assert_int_equal((uint32_t)buf[0] << 24 | (uint32_t)buf[1] << 16 |
			     (uint32_t)buf[2] << 8 | buf[3],
			 m.csb_id);
	assert_int_equal(token_receive(tok.rsk[MS_ALICE], msg, len, &rk2),
			 CKR_MCX_DUPLICATE_KEY_ID);
	free(msg);

	/* revocation travels the same way */
	p.ulStatus = CKS_MCX_REVOKED;
	MCX_P11_CHECK(ms_send(F, SESS, tok.ssk[MS_GMS], k, &p, &msg, &len),
		      CKR_OK);
	MCX_P11_CHECK(token_receive(tok.rsk[MS_ALICE], msg, len, &rk2), CKR_OK);
	assert_int_equal(rk2, rk);
	free(msg);
	ms_params(&tok, &p, U(MS_BOB)->uri);
	assert_int_equal(
	    ms_send(F, SESS, tok.ssk[MS_ALICE], rk, &p, &msg, &len),
	    CKR_MCX_KEY_REVOKED);

	/* partner GMS, token to token, RSKs chosen by the token */
	CK_OBJECT_HANDLE k2 = ms_gen_key(&tok, SESS, CKP_MCX_GMK), bk = 0,
			 ak = 0;
	ms_params(&tok, &p, U(MS_BOB)->uri);
	p.flags = CKF_MCX_HIDE_IDENTITIES;
	MCX_P11_CHECK(ms_send(F, SESS, tok.ssk[MS_GMS], k2, &p, &msg, &len),
		      CKR_OK);
	MCX_P11_CHECK(token_receive(CK_INVALID_HANDLE, msg, len, &bk), CKR_OK);
	free(msg);
	ms_params(&tok, &p, U(MS_ALICE)->uri);
	MCX_P11_CHECK(ms_send(F, SESS, tok.ssk[MS_BOB], bk, &p, &msg, &len),
		      CKR_OK);
	MCX_P11_CHECK(token_receive(CK_INVALID_HANDLE, msg, len, &ak), CKR_OK);
	assert_same_cv(k2, ak);
	free(msg);
	F->C_DestroyObject(SESS, ak);
	F->C_DestroyObject(SESS, bk);
	F->C_DestroyObject(SESS, k2);
	F->C_DestroyObject(SESS, k);
}

/* One refused send: its CKR, one audit record with it, nothing stored,
 * the size query refused the same way. */
static void refused(CK_OBJECT_HANDLE ssk, CK_OBJECT_HANDLE k,
		    const CK_MCX_MIKEY_SEND_PARAMS *p, CK_ULONG plen,
		    CK_RV want)
{
	CK_MECHANISM m = {CKM_MCX_MIKEY_SAKKE, (void *)p, plen};
	uint8_t buf[2048];
	CK_ULONG n = sizeof(buf);
	CK_ULONG objs = count_objects(), a0 = audited(want);
	assert_int_equal(F->C_WrapKey(SESS, &m, ssk, k, buf, &n), want);
	assert_int_equal(audited(want), a0 + 1);
	n = 0;
	assert_int_equal(F->C_WrapKey(SESS, &m, ssk, k, NULL, &n), want);
	assert_int_equal(count_objects(), objs);
}

static void test_refusals(void **state)
{
	(void)state;
	CK_OBJECT_HANDLE k = ms_gen_key(&tok, SESS, CKP_MCX_GMK);
	CK_OBJECT_HANDLE ssk = tok.ssk[MS_GMS];
	CK_MCX_MIKEY_SEND_PARAMS p, q;
	ms_params(&tok, &p, U(MS_ALICE)->uri);

	/* bad parameters */
	refused(ssk, k, NULL, 0, CKR_MECHANISM_PARAM_INVALID);
	refused(ssk, k, &p, sizeof(p) - 1, CKR_MECHANISM_PARAM_INVALID);
	q = p;
	q.ulReceiverUriLen = 0;
	refused(ssk, k, &q, sizeof(q), CKR_MECHANISM_PARAM_INVALID);
	q = p;
	q.pReceiverUri = NULL;
	refused(ssk, k, &q, sizeof(q), CKR_MECHANISM_PARAM_INVALID);
	q = p;
	q.flags = 0x80;
	refused(ssk, k, &q, sizeof(q), CKR_MECHANISM_PARAM_INVALID);
	q = p;
	q.ulStatus = 7;
	refused(ssk, k, &q, sizeof(q), CKR_MECHANISM_PARAM_INVALID);
	q = p;
	q.ulExpiry = 0x10000000000ULL;
	refused(ssk, k, &q, sizeof(q), CKR_MECHANISM_PARAM_INVALID);
	q = p;
	q.pText = NULL;
	q.ulTextLen = 3;
	refused(ssk, k, &q, sizeof(q), CKR_MECHANISM_PARAM_INVALID);
	q = p;
	q.pGroupIds = (CK_BYTE_PTR) "\x00\x09short";
	q.ulGroupIdsLen = 7;
	refused(ssk, k, &q, sizeof(q), CKR_MECHANISM_PARAM_INVALID);

	/* receiver KMS: not a SAKKE public key, no object, a session
	 * object */
	q = p;
	q.hReceiverKms = tok.kpak;
	refused(ssk, k, &q, sizeof(q), CKR_MCX_UNKNOWN_KMS);
	q.hReceiverKms = 0x7fff1234;
	refused(ssk, k, &q, sizeof(q), CKR_MCX_UNKNOWN_KMS);
	CK_OBJECT_CLASS pub = CKO_PUBLIC_KEY;
	CK_KEY_TYPE skt = CKK_MCX_SAKKE;
	CK_ULONG per = tok.sw.period, off = tok.sw.offset;
	CK_ATTRIBUTE zt[] = {
	    {CKA_CLASS, &pub, sizeof(pub)},
	    {CKA_KEY_TYPE, &skt, sizeof(skt)},
	    {CKA_TOKEN, &no, sizeof(no)},
	    {CKA_VALUE, tok.sw.z_t, sizeof(tok.sw.z_t)},
	    {CKA_MCX_KMS_URI, (void *)tok.sw.kms_uri, strlen(tok.sw.kms_uri)},
	    {CKA_MCX_USER_KEY_PERIOD, &per, sizeof(per)},
	    {CKA_MCX_USER_KEY_OFFSET, &off, sizeof(off)},
	};
	CK_OBJECT_HANDLE szt = CK_INVALID_HANDLE;
	MCX_P11_CHECK(F->C_CreateObject(SESS, zt, 7, &szt), CKR_OK);
	q.hReceiverKms = szt;
	refused(ssk, k, &q, sizeof(q), CKR_MCX_UNKNOWN_KMS);
	F->C_DestroyObject(SESS, szt);

	/* the key: not an MCX key; revoked */
	CK_MECHANISM ag = {CKM_AES_KEY_GEN, NULL, 0};
	CK_ULONG sixteen = 16;
	CK_ATTRIBUTE at[] = {{CKA_VALUE_LEN, &sixteen, sizeof(sixteen)},
			     {CKA_TOKEN, &no, sizeof(no)},
			     {CKA_EXTRACTABLE, &yes, sizeof(yes)}};
	CK_OBJECT_HANDLE aes = CK_INVALID_HANDLE;
	MCX_P11_CHECK(F->C_GenerateKey(SESS, &ag, at, 3, &aes), CKR_OK);
	refused(ssk, aes, &p, sizeof(p), CKR_KEY_NOT_WRAPPABLE);
	F->C_DestroyObject(SESS, aes);
	CK_OBJECT_HANDLE rk = ms_gen_key(&tok, SESS, CKP_MCX_GMK);
	CK_ULONG revoked = CKS_MCX_REVOKED;
	CK_ATTRIBUTE st = {CKA_MCX_STATUS, &revoked, sizeof(revoked)};
	MCX_P11_CHECK(F->C_SetAttributeValue(SESS, rk, &st, 1), CKR_OK);
	refused(ssk, rk, &p, sizeof(p), CKR_MCX_KEY_REVOKED);
	F->C_DestroyObject(SESS, rk);

	/* the wrapping key: an RSK is no sender key; the KPAK no private key */
	refused(tok.rsk[MS_GMS], k, &p, sizeof(p),
		CKR_WRAPPING_KEY_TYPE_INCONSISTENT);

	/* the sender's key validity */
	CK_OBJECT_CLASS priv = CKO_PRIVATE_KEY;
	CK_KEY_TYPE ekt = CKK_MCX_ECCSI;
	CK_ULONG pno = U(MS_GMS)->period_no, from = MS_SW_TIME - 100,
		 to = MS_SW_TIME + 100;
	CK_ATTRIBUTE sk[] = {
	    {CKA_CLASS, &priv, sizeof(priv)},
	    {CKA_KEY_TYPE, &ekt, sizeof(ekt)},
	    {CKA_TOKEN, &no, sizeof(no)},
	    {CKA_PRIVATE, &yes, sizeof(yes)},
	    {CKA_SIGN, &yes, sizeof(yes)},
	    {CKA_MCX_USER_URI, (void *)U(MS_GMS)->uri, strlen(U(MS_GMS)->uri)},
	    {CKA_MCX_UID, U(MS_GMS)->uid, 32},
	    {CKA_MCX_KMS_URI, (void *)tok.sw.kms_uri, strlen(tok.sw.kms_uri)},
	    {CKA_MCX_KEY_PERIOD_NO, &pno, sizeof(pno)},
	    {CKA_MCX_VALID_FROM, &from, sizeof(from)},
	    {CKA_MCX_VALID_TO, &to, sizeof(to)},
	    {CKA_VALUE, U(MS_GMS)->ssk, 32},
	    {CKA_MCX_PVT, U(MS_GMS)->pvt, 65},
	};
	CK_OBJECT_HANDLE vssk = CK_INVALID_HANDLE;
	MCX_P11_CHECK(
	    F->C_CreateObject(SESS, sk, sizeof(sk) / sizeof(sk[0]), &vssk),
	    CKR_OK);
	uint8_t *msg = NULL;
	size_t len = 0;
	MCX_P11_CHECK(ms_send(F, SESS, vssk, k, &p, &msg, &len), CKR_OK);
	free(msg);
	q = p;
	q.ulTime = MS_SW_TIME + 101;
	refused(vssk, k, &q, sizeof(q), CKR_MCX_KEY_PERIOD_INVALID);
	q.ulTime = MS_SW_TIME - 101;
	refused(vssk, k, &q, sizeof(q), CKR_MCX_KEY_PERIOD_INVALID);
	F->C_DestroyObject(SESS, vssk);
	/* a time past the 32-bit NTP seconds of T */
	q = p;
	q.ulTime = 0xFFFFFFFFUL - 2208988800UL + 1;
	refused(ssk, k, &q, sizeof(q), CKR_MECHANISM_PARAM_INVALID);
	F->C_DestroyObject(SESS, k);
}

/* The wrapping key's size query does not need a buffer and gives the
 * exact size; a short buffer gets CKR_BUFFER_TOO_SMALL with it. */
static void test_size_query(void **state)
{
	(void)state;
	CK_OBJECT_HANDLE k = ms_gen_key(&tok, SESS, CKP_MCX_GMK);
	CK_MCX_MIKEY_SEND_PARAMS p;
	CK_MECHANISM m = {CKM_MCX_MIKEY_SAKKE, &p, sizeof(p)};
	uint8_t buf[1024];
	CK_ULONG n = 0, n2 = 10;
	ms_params(&tok, &p, U(MS_ALICE)->uri);
	MCX_P11_CHECK(F->C_WrapKey(SESS, &m, tok.ssk[MS_GMS], k, NULL, &n),
		      CKR_OK);
	assert_true(n > 600 && n < sizeof(buf));
	assert_int_equal(F->C_WrapKey(SESS, &m, tok.ssk[MS_GMS], k, buf, &n2),
			 CKR_BUFFER_TOO_SMALL);
	assert_int_equal(n2, n);
	n2 = sizeof(buf);
	MCX_P11_CHECK(F->C_WrapKey(SESS, &m, tok.ssk[MS_GMS], k, buf, &n2),
		      CKR_OK);
	assert_int_equal(n2, n);
	F->C_DestroyObject(SESS, k);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_gmk_hidden),
	    cmocka_unit_test(test_uris_self),
	    cmocka_unit_test(test_no_params_and_revocation),
	    cmocka_unit_test(test_explicit_period),
	    cmocka_unit_test(test_csk_pck),
	    cmocka_unit_test(test_partner_resend),
	    cmocka_unit_test(test_token_round_trip),
	    cmocka_unit_test(test_refusals),
	    cmocka_unit_test(test_size_query),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
