/*
 * Black-box suite of CKM_MCX_MIKEY_SAKKE receive (C_UnwrapKey; issue 5
 * "Receiving", MCX-REFERENCE §4-§5, decision g), part 1: the three
 * Streamwide v5 I_MESSAGEs are received with the published check values
 * and IDs, with the RSK chosen by the token (CK_INVALID_HANDLE) and named
 * by the caller; messages built with the pure builder (mcx_mikey_encode)
 * are received with their attributes; the rejections, each with its CKR,
 * nothing stored and an audit record: a tampered byte in each payload
 * (and every octet flipped once), a wrong KPAK, an unknown KMS, no
 * receiver key (key period, unknown receiver), the wrong RSK, failed
 * decapsulation and key parameters, a truncated message, payload lengths
 * pointing outside, a legacy key-parameter block, too old / in the future.
 * Part 2 (test_mcx_mikey_rx_state.c): duplicates, revocation,
 * authorisation, token-to-token, threads, processes, configuration.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>
#include <json-c/json.h>

#include "mechanisms/eccsi.h"
#include "mechanisms/mikey.h"
#include "mechanisms/sakke.h"
#include "tests/blackbox/mikey_rx_util.h"
#include "tests/common/vectors.h"

/* ---- Streamwide ------------------------------------------------------- */

static const int sw_to[3] = {ALICE, GMS, BOB};

static void check_sw_key(int c, CK_OBJECT_HANDLE h)
{
	char path[64];
	size_t n = 0;
	uint8_t cv[3], want_cv[3], id[4], uk[4];
	snprintf(path, sizeof(path), "cases.%d.expected.key", c);
	uint8_t *key = mcx_vectors_hex(sw.root, path, &n);
	assert_int_equal(n, 16);
	rx_aes_check_value(key, want_cv);
	free(key);
	assert_int_equal(rx_attr_len(h, CKA_CHECK_VALUE, cv, 3), 3);
	assert_memory_equal(cv, want_cv, 3);
	snprintf(path, sizeof(path), "cases.%d.expected.key_id", c);
	uint8_t *kid = mcx_vectors_hex(sw.root, path, &n);
	assert_int_equal(rx_attr_len(h, CKA_MCX_KEY_ID, id, 4), 4);
	assert_memory_equal(id, kid, 4);
	assert_int_equal(rx_attr_ulong(h, CKA_MCX_KEY_PURPOSE), kid[0] >> 4);
	snprintf(path, sizeof(path), "cases.%d.expected.guk_id", c);
	if (mcx_vectors_get(sw.root, path) != NULL) {
		free(kid);
		kid = mcx_vectors_hex(sw.root, path, &n);
	}
	assert_int_equal(rx_attr_len(h, CKA_MCX_UK_ID, uk, 4), 4);
	assert_memory_equal(uk, kid, 4);
	free(kid);
	assert_int_equal(rx_attr_ulong(h, CKA_MCX_STATUS), CKS_MCX_ACTIVE);
	char uri[128];
	const char *want = users[sw_to[c]].uri;
	assert_int_equal(rx_attr_len(h, CKA_MCX_RECEIVER_URI, uri, sizeof(uri)),
			 strlen(want));
	assert_memory_equal(uri, want, strlen(want));
	CK_BBOOL sens = CK_FALSE;
	rx_attr_len(h, CKA_SENSITIVE, &sens, 1);
	assert_int_equal(sens, CK_TRUE);
	uint8_t v[16];
	CK_ATTRIBUTE a = {CKA_VALUE, v, sizeof(v)};
	assert_int_equal(F->C_GetAttributeValue(sess, h, &a, 1),
			 CKR_ATTRIBUTE_SENSITIVE);
}

static void test_streamwide(void **state)
{
	(void)state;
	for (int c = 0; c < 3; c++) {
		char path[64];
		size_t len = 0;
		CK_OBJECT_HANDLE h = CK_INVALID_HANDLE;
		snprintf(path, sizeof(path), "cases.%d.hex", c);
		uint8_t *msg = mcx_vectors_hex(sw.root, path, &len);
		/* the token finds the RSK by IDRuidr */
		MCX_P11_CHECK(rx_receive(CK_INVALID_HANDLE, msg, len, &h),
			      CKR_OK);
		check_sw_key(c, h);
		/* the same message again: a replay */
		rx_refused(CK_INVALID_HANDLE, msg, len,
			   CKR_MCX_DUPLICATE_KEY_ID);
		rx_refused(rsk_h[sw_to[c]], msg, len, CKR_MCX_DUPLICATE_KEY_ID);
		MCX_P11_CHECK(F->C_DestroyObject(sess, h), CKR_OK);
		/* with the caller's RSK */
		MCX_P11_CHECK(rx_receive(rsk_h[sw_to[c]], msg, len, &h),
			      CKR_OK);
		check_sw_key(c, h);
		MCX_P11_CHECK(F->C_DestroyObject(sess, h), CKR_OK);
		/* another receiver's RSK: the message is not for it */
		rx_refused(rsk_h[(sw_to[c] + 1) % 3], msg, len,
			   CKR_MCX_UID_MISMATCH);
		free(msg);
	}
}

/* ---- our own messages -------------------------------------------------- */

static void test_own_messages(void **state)
{
	(void)state;
	uint8_t msg[MSG_CAP], cv[3], want[3], id[4], buf[128];
	struct rx_spec s;
	CK_OBJECT_HANDLE h = CK_INVALID_HANDLE;

	/* URIs, a GMK for a group of the sender */
	rx_spec_init(&s, GMS, ALICE, CKP_MCX_GMK);
	s.group = "talkgroup-1@gms@streamwide.com";
	size_t len = rx_build(&s, msg);
	MCX_P11_CHECK(rx_receive(CK_INVALID_HANDLE, msg, len, &h), CKR_OK);
	rx_aes_check_value(s.key, want);
	rx_attr_len(h, CKA_CHECK_VALUE, cv, 3);
	assert_memory_equal(cv, want, 3);
	rx_attr_len(h, CKA_MCX_KEY_ID, id, 4);
	assert_int_equal(
	    (uint32_t)id[0] << 24 | id[1] << 16 | id[2] << 8 | id[3], s.key_id);
	assert_int_equal(rx_attr_ulong(h, CKA_MCX_ACTIVATION), 1760000000);
	assert_int_equal(rx_attr_ulong(h, CKA_MCX_EXPIRY), 1790000000);
	assert_int_equal(rx_attr_len(h, CKA_MCX_TEXT, buf, sizeof(buf)), 8);
	assert_memory_equal(buf, "test key", 8);
	assert_int_equal(rx_attr_len(h, CKA_MCX_SENDER_URI, buf, sizeof(buf)),
			 strlen(users[GMS].uri));
	assert_memory_equal(buf, users[GMS].uri, strlen(users[GMS].uri));
	CK_ULONG gl = rx_attr_len(h, CKA_MCX_GROUP_IDS, buf, sizeof(buf));
	assert_int_equal(gl, 2 + strlen(s.group));
	assert_int_equal(buf[0] << 8 | buf[1], strlen(s.group));
	assert_memory_equal(buf + 2, s.group, strlen(s.group));

	/* hidden identities: the sender URI comes from the group ID whose
	 * UID matched IDRuidi */
	rx_spec_init(&s, GMS, BOB, CKP_MCX_GMK);
	s.hide = true;
	s.group = "talkgroup-2@gms@streamwide.com";
	len = rx_build(&s, msg);
	MCX_P11_CHECK(rx_receive(rsk_h[BOB], msg, len, &h), CKR_OK);
	assert_int_equal(rx_attr_len(h, CKA_MCX_SENDER_URI, buf, sizeof(buf)),
			 strlen(users[GMS].uri));

	/* a partner-domain group: the sender is configured for it */
	rx_spec_init(&s, GMS, BOB, CKP_MCX_MKFC);
	s.group = "fc-7@gms2@partner.example";
	len = rx_build(&s, msg);
	MCX_P11_CHECK(rx_receive(CK_INVALID_HANDLE, msg, len, &h), CKR_OK);
	rx_spec_init(&s, GMS, BOB, CKP_MCX_GMK);
	s.hide = true;
	s.group = "fc-8@gms2@partner.example";
	len = rx_build(&s, msg);
	MCX_P11_CHECK(rx_receive(CK_INVALID_HANDLE, msg, len, &h), CKR_OK);

	/* a CSK with no key parameters: active, no text or groups */
	rx_spec_init(&s, ALICE, GMS, CKP_MCX_CSK);
	s.no_params = true;
	len = rx_build(&s, msg);
	MCX_P11_CHECK(rx_receive(CK_INVALID_HANDLE, msg, len, &h), CKR_OK);
	assert_int_equal(rx_attr_ulong(h, CKA_MCX_STATUS), CKS_MCX_ACTIVE);
	assert_int_equal(rx_attr_ulong(h, CKA_MCX_KEY_PURPOSE), CKP_MCX_CSK);
	CK_ATTRIBUTE a = {CKA_MCX_TEXT, NULL, 0};
	assert_int_equal(F->C_GetAttributeValue(sess, h, &a, 1),
			 CKR_ATTRIBUTE_TYPE_INVALID);
}

/* ---- rejections ------------------------------------------------------- */

static void test_tampered(void **state)
{
	(void)state;
	uint8_t msg[MSG_CAP], bad[MSG_CAP];
	struct mcx_mikey_msg d;
	struct rx_spec s;
	for (int hide = 0; hide < 2; hide++) {
		rx_spec_init(&s, GMS, ALICE, CKP_MCX_GMK);
		s.hide = hide;
		s.group = "tg@gms@streamwide.com";
		size_t len = rx_build(&s, msg);
		assert_int_equal(mcx_mikey_decode(msg, len, &d), MCX_OK);
		assert_true(d.n_payloads >= 10);
		for (size_t i = 0; i < d.n_payloads; i++) {
			const struct mcx_mikey_payload_pos *p = &d.pos[i];
			/* a value octet: the payload's last (for SIGN the
			 * PVT, for SAKKE H, for GE the tag) and one in the
			 * middle of it */
			size_t at[2] = {p->offset + p->len - 1,
					p->offset + p->len / 2 + 2};
			for (int k = 0; k < 2; k++) {
				memcpy(bad, msg, len);
				bad[at[k]] ^= 0x01;
				CK_ULONG keys = rx_count_keys();
				CK_OBJECT_HANDLE h = CK_INVALID_HANDLE;
				CK_RV rv =
				    rx_receive(CK_INVALID_HANDLE, bad, len, &h);
				assert_int_equal(rx_count_keys(), keys);
				if (rv == CKR_MCX_SIGNATURE_INVALID ||
				    rv == CKR_MCX_MESSAGE_MALFORMED)
					continue;
				/* an identity octet: the message then
				 * names a receiver or KMS we do not hold */
				if (p->type == MCX_MIKEY_PT_IDR &&
				    (rv == CKR_MCX_NO_RECEIVER_KEY ||
				     rv == CKR_MCX_UNKNOWN_KMS))
					continue;
				fail_msg("payload %zu (type %u) octet %zu: "
					 "0x%lx",
					 i, p->type, at[k], rv);
			}
		}
		/* every octet of the message: never accepted */
		CK_ULONG keys = rx_count_keys();
		for (size_t i = 0; i < len; i++) {
			CK_OBJECT_HANDLE h = CK_INVALID_HANDLE;
			memcpy(bad, msg, len);
			bad[i] ^= 0x20;
			CK_RV rv = rx_receive(CK_INVALID_HANDLE, bad, len, &h);
			if (rv == CKR_OK)
				fail_msg("octet %zu flipped: accepted", i);
		}
		assert_int_equal(rx_count_keys(), keys);
		/* each refusal was audited: spot-check one */
		memcpy(bad, msg, len);
		bad[d.pos[2].offset + 4] ^= 0x80; /* RAND */
		rx_refused(CK_INVALID_HANDLE, bad, len,
			   CKR_MCX_SIGNATURE_INVALID);
	}
}

static void test_keys_and_kms(void **state)
{
	(void)state;
	uint8_t msg[MSG_CAP];
	struct rx_spec s;
	size_t len = 0;

	/* signed under another KMS's KPAK */
	rx_spec_init(&s, GMS, ALICE, CKP_MCX_GMK);
	s.hide = true;
	s.signer = rogue;
	len = rx_build(&s, msg);
	rx_refused(CK_INVALID_HANDLE, msg, len, CKR_MCX_SIGNATURE_INVALID);
	/* a KMS the token does not know */
	rx_spec_init(&s, GMS, ALICE, CKP_MCX_GMK);
	s.hide = true;
	s.kmsi = "kms.unknown.example";
	len = rx_build(&s, msg);
	rx_refused(CK_INVALID_HANDLE, msg, len, CKR_MCX_UNKNOWN_KMS);
	/* T in the next key period: the token has no RSK for it */
	rx_spec_init(&s, GMS, ALICE, CKP_MCX_PCK);
	s.ts = (uint64_t)(237ull * sw.period + 100) << 32;
	len = rx_build(&s, msg);
	rx_refused(CK_INVALID_HANDLE, msg, len, CKR_MCX_NO_RECEIVER_KEY);
	rx_refused(rsk_h[ALICE], msg, len, CKR_MCX_UID_MISMATCH);
	/* the receiver's key was for the previous period */
	rx_spec_init(&s, GMS, ALICE, CKP_MCX_PCK);
	s.ts = (uint64_t)(235ull * sw.period + 100) << 32;
	len = rx_build(&s, msg);
	rx_refused(CK_INVALID_HANDLE, msg, len, CKR_MCX_NO_RECEIVER_KEY);
	/* Bob's RSK for Alice's message */
	rx_spec_init(&s, GMS, ALICE, CKP_MCX_PCK);
	len = rx_build(&s, msg);
	rx_refused(rsk_h[BOB], msg, len, CKR_MCX_UID_MISMATCH);
	/* an ECCSI key is not an RSK */
	CK_OBJECT_HANDLE ssk = CK_INVALID_HANDLE;
	MCX_P11_CHECK(
	    mcx_sw_create_ssk(F, sess, sw.kms_uri, &users[ALICE], &ssk),
	    CKR_OK);
	CK_OBJECT_HANDLE h = CK_INVALID_HANDLE;
	assert_int_equal(rx_receive(ssk, msg, len, &h),
			 CKR_UNWRAPPING_KEY_TYPE_INCONSISTENT);
	MCX_P11_CHECK(F->C_DestroyObject(sess, ssk), CKR_OK);
	/* a validly signed message whose SED fails the re-encapsulation
	 * check */
	uint8_t sed[MCX_SAKKE_SED_LEN];
	rx_spec_init(&s, GMS, ALICE, CKP_MCX_PCK);
	assert_int_equal(
	    mcx_sakke_encapsulate(kms, users[ALICE].uid, 32, s.key, sed),
	    MCX_OK);
	sed[MCX_SAKKE_SED_LEN - 1] ^= 0x01;
	s.sed = sed;
	len = rx_build(&s, msg);
	rx_refused(CK_INVALID_HANDLE, msg, len, CKR_MCX_DECAPSULATION_FAILED);
	/* key parameters sealed under another key than the one sent */
	rx_spec_init(&s, GMS, ALICE, CKP_MCX_PCK);
	uint8_t other[16];
	memcpy(other, s.key, 16);
	other[0] ^= 0xff;
	assert_int_equal(
	    mcx_sakke_encapsulate(kms, users[ALICE].uid, 32, other, sed),
	    MCX_OK);
	s.sed = sed;
	len = rx_build(&s, msg);
	rx_refused(CK_INVALID_HANDLE, msg, len, CKR_MCX_PARAMETERS_INVALID);
}

static void test_malformed(void **state)
{
	(void)state;
	uint8_t msg[MSG_CAP], bad[MSG_CAP];
	struct mcx_mikey_msg d;
	struct rx_spec s;
	rx_spec_init(&s, GMS, ALICE, CKP_MCX_GMK);
	s.group = "tg@gms@streamwide.com";
	size_t len = rx_build(&s, msg);
	assert_int_equal(mcx_mikey_decode(msg, len, &d), MCX_OK);
	/* truncated */
	static const size_t cut[] = {1, 10, 100, 300, 0};
	for (size_t i = 0; i < 5; i++) {
		size_t l = cut[i] != 0 ? cut[i] : len - 1;
		rx_refused(CK_INVALID_HANDLE, msg, l,
			   CKR_MCX_MESSAGE_MALFORMED);
	}
	/* a byte after SIGN */
	memcpy(bad, msg, len);
	bad[len] = 0;
	rx_refused(CK_INVALID_HANDLE, bad, len + 1, CKR_MCX_MESSAGE_MALFORMED);
	/* each length field pointing past the end */
	for (size_t i = 0; i < d.n_payloads; i++) {
		const struct mcx_mikey_payload_pos *p = &d.pos[i];
		size_t off = 0;
		switch (p->type) {
		case MCX_MIKEY_PT_IDR: /* next role type LEN(2) */
			off = p->offset + 3;
			break;
		case MCX_MIKEY_PT_SAKKE: /* next params scheme LEN(2) */
			off = p->offset + 3;
			break;
		case MCX_MIKEY_PT_GE: /* next type LEN(2) */
			off = p->offset + 2;
			break;
		case MCX_MIKEY_PT_SP: /* next policy prot LEN(2) */
			off = p->offset + 3;
			break;
		default:
			continue;
		}
		memcpy(bad, msg, len);
		bad[off] = 0xff;
		bad[off + 1] = 0xf0;
		rx_refused(CK_INVALID_HANDLE, bad, len,
			   CKR_MCX_MESSAGE_MALFORMED);
	}
	/* decision g: a legacy clear key-parameter block (Streamwide "Test
	 * 4"), validly signed, is refused */
	rx_spec_init(&s, GMS, ALICE, CKP_MCX_PCK);
	s.no_params = true;
	len = rx_build(&s, msg);
	assert_int_equal(mcx_mikey_decode(msg, len, &d), MCX_OK);
	size_t sakke = 0, sign = d.pos[d.n_payloads - 1].offset;
	for (size_t i = 0; i < d.n_payloads; i++)
		if (d.pos[i].type == MCX_MIKEY_PT_SAKKE)
			sakke = d.pos[i].offset;
	static const uint8_t legacy[4 + 17] = {
	    MCX_MIKEY_PT_SIGN, 7, 0, 17, 0x01, 0, 0, 0, 1};
	memcpy(bad, msg, sign);
	bad[sakke] = MCX_MIKEY_PT_GE;
	memcpy(bad + sign, legacy, sizeof(legacy));
	size_t l = sign + sizeof(legacy);
	memcpy(bad + l, msg + sign, 2); /* SIGN header */
	assert_int_equal(mcx_eccsi_sign(signer[GMS], bad, l + 2, bad + l + 2),
			 MCX_OK);
	rx_refused(CK_INVALID_HANDLE, bad, l + 2 + MCX_ECCSI_SIG_LEN,
		   CKR_MCX_PARAMETERS_INVALID);
	/* a wrong mechanism parameter length */
	CK_MCX_MIKEY_RECEIVE_PARAMS p = {0, 0, 0};
	CK_MECHANISM m = {CKM_MCX_MIKEY_SAKKE, &p, sizeof(p) - 1};
	CK_OBJECT_HANDLE h = CK_INVALID_HANDLE;
	assert_int_equal(
	    F->C_UnwrapKey(sess, &m, CK_INVALID_HANDLE, msg, len, NULL, 0, &h),
	    CKR_MECHANISM_PARAM_INVALID);
	/* CK_INVALID_HANDLE is an unwrapping key for this mechanism only */
	CK_MECHANISM sm = {CKM_MCX_SAKKE, NULL, 0};
	assert_int_equal(
	    F->C_UnwrapKey(sess, &sm, CK_INVALID_HANDLE, msg, 273, NULL, 0, &h),
	    CKR_UNWRAPPING_KEY_HANDLE_INVALID);
}

static void test_time(void **state)
{
	(void)state;
	size_t len = 0;
	uint8_t *msg = mcx_vectors_hex(sw.root, "cases.2.hex", &len);
	uint64_t t = mcx_mikey_unix_from_ntp(sw_ts);
	CK_MCX_MIKEY_RECEIVE_PARAMS p = {(CK_ULONG)t + 100, 50, 0};
	rx_refused_p(CK_INVALID_HANDLE, msg, len, &p, CKR_MCX_MESSAGE_TOO_OLD);
	/* judged against now (2026+), a 2025 message is too old */
	p.ulEvaluationTime = 0;
	p.ulMaxAge = 86400;
	rx_refused_p(CK_INVALID_HANDLE, msg, len, &p, CKR_MCX_MESSAGE_TOO_OLD);
	p.ulEvaluationTime = (CK_ULONG)t - 100;
	p.ulMaxAge = 0;
	p.ulMaxFutureSkew = 50;
	rx_refused_p(CK_INVALID_HANDLE, msg, len, &p,
		     CKR_MCX_MESSAGE_IN_FUTURE);
	/* within the limits */
	p.ulEvaluationTime = (CK_ULONG)t + 40;
	p.ulMaxAge = 50;
	CK_OBJECT_HANDLE h = CK_INVALID_HANDLE;
	MCX_P11_CHECK(rx_receive_p(CK_INVALID_HANDLE, msg, len, &p, &h),
		      CKR_OK);
	MCX_P11_CHECK(F->C_DestroyObject(sess, h), CKR_OK);
	free(msg);
	/* the configured skew (3600 s) without a parameter */
	uint8_t own[MSG_CAP];
	struct rx_spec s;
	rx_spec_init(&s, GMS, ALICE, CKP_MCX_PCK);
	s.ts = mcx_mikey_ntp_from_unix((uint64_t)time(NULL) + 7200);
	len = rx_build(&s, own);
	rx_refused(CK_INVALID_HANDLE, own, len, CKR_MCX_MESSAGE_IN_FUTURE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_streamwide),
	    cmocka_unit_test(test_own_messages),
	    cmocka_unit_test(test_tampered),
	    cmocka_unit_test(test_keys_and_kms),
	    cmocka_unit_test(test_malformed),
	    cmocka_unit_test(test_time),
	};
	return cmocka_run_group_tests(tests, rx_setup, rx_teardown);
}
