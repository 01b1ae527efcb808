/*
 * Known answers for the TS 33.180 Annex F derivations and the MIKEY PRF
 * (tests/vectors/kdf_3gpp_vectors.json): every UID vector with its input
 * string S, the known-bad uid.excluded vector (must NOT match), User Salt /
 * GUK-ID and the inverse, DPCK (incl. the wrong-half trap), the seven MIKEY
 * PRF SRTP vectors; the F.1.4 XPK keys against HMAC-SHA-256 computed here
 * from the MCX-REFERENCE decision c formula.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "mechanisms/kdf3gpp.h"
#include "tests/common/vectors.h"

static struct json_object *root;

static uint64_t get_u64(struct json_object *o, const char *path)
{
	struct json_object *v = mcx_vectors_get(o, path);

	assert_non_null(v);
	return (uint64_t)json_object_get_int64(v);
}

static uint32_t get_u32hex(struct json_object *o, const char *path)
{
	return (uint32_t)strtoul(mcx_vectors_str(o, path), NULL, 16);
}

static size_t array_len(const char *path)
{
	struct json_object *a = mcx_vectors_get(root, path);

	assert_non_null(a);
	return json_object_array_length(a);
}

static void test_uid(void **state)
{
	size_t n = array_len("uid.vectors");
	char path[64];

	(void)state;
	assert_true(n >= 11);
	for (size_t i = 0; i < n; i++) {
		struct json_object *v;
		const char *uri, *kms;
		uint8_t *s_exp, *uid_exp;
		size_t s_exp_len, uid_len, s_len = 0;
		uint8_t s[512], uid[32];

		snprintf(path, sizeof(path), "uid.vectors.%zu", i);
		v = mcx_vectors_get(root, path);
		uri = mcx_vectors_str(v, "uri");
		kms = mcx_vectors_str(v, "kms_uri");
		s_exp = mcx_vectors_hex(v, "S_hex", &s_exp_len);
		uid_exp = mcx_vectors_hex(v, "expected_uid", &uid_len);
		assert_int_equal(
		    mcx_kdf3gpp_uid_input(
			(const uint8_t *)uri, strlen(uri), (const uint8_t *)kms,
			strlen(kms), get_u64(v, "user_key_period"),
			get_u64(v, "user_key_offset"),
			get_u64(v, "key_period_no"), s, sizeof(s), &s_len),
		    MCX_OK);
		assert_int_equal(s_len, s_exp_len);
		assert_memory_equal(s, s_exp, s_len);
		assert_int_equal(
		    mcx_kdf3gpp_uid((const uint8_t *)uri, strlen(uri),
				    (const uint8_t *)kms, strlen(kms),
				    get_u64(v, "user_key_period"),
				    get_u64(v, "user_key_offset"),
				    get_u64(v, "key_period_no"), uid),
		    MCX_OK);
		assert_int_equal(uid_len, 32);
		assert_memory_equal(uid, uid_exp, 32);
		/* A buffer one octet short is refused with the length. */
		assert_int_equal(
		    mcx_kdf3gpp_uid_input(
			(const uint8_t *)uri, strlen(uri), (const uint8_t *)kms,
			strlen(kms), get_u64(v, "user_key_period"),
			get_u64(v, "user_key_offset"),
			get_u64(v, "key_period_no"), s, s_exp_len - 1, &s_len),
		    MCX_ERR_LENGTH);
		assert_int_equal(s_len, s_exp_len);
		free(s_exp);
		free(uid_exp);
	}
}

/* The known-bad vector: our construction must not reproduce its claim. */
static void test_uid_excluded(void **state)
{
	size_t n = array_len("uid.excluded");
	char path[64];

	(void)state;
	assert_true(n >= 1);
	for (size_t i = 0; i < n; i++) {
		struct json_object *v;
		const char *uri, *kms;
		uint8_t *claimed;
		size_t len;
		uint8_t uid[32];

		snprintf(path, sizeof(path), "uid.excluded.%zu", i);
		v = mcx_vectors_get(root, path);
		uri = mcx_vectors_str(v, "uri");
		kms = mcx_vectors_str(v, "kms_uri");
		claimed = mcx_vectors_hex(v, "claimed_uid", &len);
		assert_int_equal(
		    mcx_kdf3gpp_uid(
			(const uint8_t *)uri, strlen(uri), (const uint8_t *)kms,
			strlen(kms), get_u64(v, "key_period"),
			get_u64(v, "offset"), get_u64(v, "key_period_no"), uid),
		    MCX_OK);
		assert_memory_not_equal(uid, claimed, 32);
		free(claimed);
	}
}

static void test_key_period_no(void **state)
{
	uint64_t no = 0;

	(void)state;
	assert_int_equal(
	    mcx_kdf3gpp_key_period_no(2592000ull * 1388 + 5, 2592000, 0, &no),
	    MCX_OK);
	assert_int_equal(no, 1388);
	assert_int_equal(mcx_kdf3gpp_key_period_no(100 + 25920000ull * 2 - 1,
						   25920000, 100, &no),
			 MCX_OK);
	assert_int_equal(no, 1);
	assert_int_equal(mcx_kdf3gpp_key_period_no(5, 0, 0, &no),
			 MCX_ERR_ARGUMENT);
	assert_int_equal(mcx_kdf3gpp_key_period_no(5, 10, 6, &no),
			 MCX_ERR_ARGUMENT);
}

static void test_guk_id(void **state)
{
	size_t n = array_len("guk_id.vectors");
	char path[64];

	(void)state;
	assert_true(n >= 5);
	for (size_t i = 0; i < n; i++) {
		struct json_object *v;
		const char *uri;
		uint8_t *gmk, *full;
		size_t gmk_len, full_len;
		uint8_t out[32];
		uint32_t salt = 0, gmk_id, guk_id;
		struct mcx_kdf3gpp_param p0;

		snprintf(path, sizeof(path), "guk_id.vectors.%zu", i);
		v = mcx_vectors_get(root, path);
		uri = mcx_vectors_str(v, "receiver_uri");
		gmk = mcx_vectors_hex(v, "gmk", &gmk_len);
		full = mcx_vectors_hex(v, "kdf_output_full", &full_len);
		p0.p = (const uint8_t *)uri;
		p0.len = strlen(uri);
		assert_int_equal(mcx_kdf3gpp_derive(gmk, gmk_len,
						    MCX_KDF3GPP_FC_USER_SALT,
						    &p0, 1, out),
				 MCX_OK);
		assert_int_equal(full_len, 32);
		assert_memory_equal(out, full, 32);
		assert_int_equal(mcx_kdf3gpp_user_salt(gmk, gmk_len,
						       (const uint8_t *)uri,
						       strlen(uri), &salt),
				 MCX_OK);
		assert_int_equal(salt, get_u32hex(v, "user_salt_28bit"));
		gmk_id = get_u32hex(v, "gmk_id");
		guk_id = mcx_kdf3gpp_guk_id(gmk_id, salt);
		assert_int_equal(guk_id, get_u32hex(v, "expected_guk_id"));
		assert_int_equal(mcx_kdf3gpp_kid_from_guk_id(guk_id, salt),
				 gmk_id);
		/* The purpose tag survives whatever the salt. */
		assert_int_equal(
		    mcx_kdf3gpp_guk_id(0x6ABCDEF0u, 0xFFFFFFFFu) >> 28, 6);
		free(gmk);
		free(full);
	}
}

static void test_dpck(void **state)
{
	size_t n = array_len("dpck.vectors");
	char path[64];

	(void)state;
	assert_true(n >= 4);
	for (size_t i = 0; i < n; i++) {
		struct json_object *v;
		uint8_t *dppk, *id, *exp;
		size_t dppk_len, id_len, exp_len;
		uint8_t out[16];

		snprintf(path, sizeof(path), "dpck.vectors.%zu", i);
		v = mcx_vectors_get(root, path);
		dppk = mcx_vectors_hex(v, "dppk", &dppk_len);
		id = mcx_vectors_hex(v, "dppk_id", &id_len);
		exp = mcx_vectors_hex(v, "expected_dpck_lsb128", &exp_len);
		assert_int_equal(id_len, 4);
		assert_int_equal(exp_len, 16);
		assert_int_equal(mcx_kdf3gpp_dpck(dppk, dppk_len, id, out),
				 MCX_OK);
		assert_memory_equal(out, exp, 16);
		if (mcx_vectors_get(v, "kdf_output_full") != NULL) {
			uint8_t *full;
			size_t full_len;
			struct mcx_kdf3gpp_param p0 = {id, 4};
			uint8_t all[32];

			full = mcx_vectors_hex(v, "kdf_output_full", &full_len);
			assert_int_equal(mcx_kdf3gpp_derive(dppk, dppk_len,
							    MCX_KDF3GPP_FC_DPCK,
							    &p0, 1, all),
					 MCX_OK);
			assert_memory_equal(all, full, 32);
			/* Wrong-half trap: the DPCK is not the first half. */
			assert_memory_not_equal(out, full, 16);
			free(full);
		}
		free(dppk);
		free(id);
		free(exp);
	}
}

/* F.1.4 / decision c: last 16 octets of
 * HMAC-SHA-256(XPK, FC || P0 || L0 || XPK-ID || 0x00 0x04). */
static void test_xpk(void **state)
{
	static const uint8_t xpk[16] = {1, 2,  3,  4,  5,  6,  7,  8,
					9, 10, 11, 12, 13, 14, 15, 16};
	static const uint8_t xpk_id[4] = {0x2D, 0xDD, 0x5B, 0xF0};
	static const char user[] = "sip:alice@streamwide.com";
	uint8_t s[64], mac[32], out[16], out2[16];
	unsigned int mac_len = 0;
	size_t n = 0;
	const uint8_t fcs[2] = {MCX_KDF3GPP_FC_XPK_CONF,
				MCX_KDF3GPP_FC_XPK_INTEG};

	(void)state;
	for (size_t f = 0; f < 2; f++) {
		n = 0;
		s[n++] = fcs[f];
		memcpy(s + n, user, strlen(user));
		n += strlen(user);
		s[n++] = 0x00;
		s[n++] = (uint8_t)strlen(user);
		memcpy(s + n, xpk_id, 4);
		n += 4;
		s[n++] = 0x00;
		s[n++] = 0x04;
		assert_non_null(
		    HMAC(EVP_sha256(), xpk, sizeof(xpk), s, n, mac, &mac_len));
		assert_int_equal(mcx_kdf3gpp_xpk_key(xpk, sizeof(xpk), fcs[f],
						     (const uint8_t *)user,
						     strlen(user), xpk_id, out),
				 MCX_OK);
		assert_memory_equal(out, mac + 16, 16);
		if (f == 0)
			memcpy(out2, out, 16);
	}
	/* Confidentiality and integrity keys differ. */
	assert_memory_not_equal(out, out2, 16);
	assert_int_equal(mcx_kdf3gpp_xpk_key(xpk, sizeof(xpk), 0x53,
					     (const uint8_t *)user,
					     strlen(user), xpk_id, out),
			 MCX_ERR_ARGUMENT);
}

static void test_mikey_prf(void **state)
{
	size_t n = array_len("srtp_master_key_salt.vectors");
	char path[64];

	(void)state;
	assert_int_equal(n, 7);
	for (size_t i = 0; i < n; i++) {
		struct json_object *v, *kind;
		uint8_t *key, *rand;
		size_t key_len, rand_len;
		uint8_t mk[16], salt[12];
		uint32_t key_const = MCX_MIKEY_CONST_TEK;
		uint8_t cs_id;
		uint32_t csb_id;

		snprintf(path, sizeof(path), "srtp_master_key_salt.vectors.%zu",
			 i);
		v = mcx_vectors_get(root, path);
		key = mcx_vectors_hex(v, "key", &key_len);
		rand = mcx_vectors_hex(v, "rand", &rand_len);
		cs_id = (uint8_t)get_u64(v, "cs_id");
		csb_id = get_u32hex(v, "csb_id");
		kind = mcx_vectors_get(v, "key_kind");
		if (kind != NULL &&
		    strcmp(json_object_get_string(kind), "encr") == 0)
			key_const = MCX_MIKEY_CONST_ENCR;
		assert_int_equal(mcx_kdf3gpp_mikey_derive(
				     key, key_len, key_const, cs_id, csb_id,
				     rand, rand_len, mk, sizeof(mk)),
				 MCX_OK);
		assert_int_equal(
		    mcx_kdf3gpp_mikey_derive(key, key_len, MCX_MIKEY_CONST_SALT,
					     cs_id, csb_id, rand, rand_len,
					     salt, sizeof(salt)),
		    MCX_OK);
		if (mcx_vectors_get(v, "master_key") != NULL) {
			uint8_t *emk, *esalt;
			size_t emk_len, esalt_len;

			emk = mcx_vectors_hex(v, "master_key", &emk_len);
			esalt = mcx_vectors_hex(v, "master_salt", &esalt_len);
			assert_int_equal(emk_len, 16);
			assert_int_equal(esalt_len, 12);
			assert_memory_equal(mk, emk, 16);
			assert_memory_equal(salt, esalt, 12);
			free(emk);
			free(esalt);
		} else {
			uint8_t *both;
			size_t both_len;

			both = mcx_vectors_hex(v, "output_key16_then_salt12",
					       &both_len);
			assert_int_equal(both_len, 28);
			assert_memory_equal(mk, both, 16);
			assert_memory_equal(salt, both + 16, 12);
			free(both);
		}
		free(key);
		free(rand);
	}
}

/* The PRF over several 256-bit key blocks and several output blocks: the
 * P() of each key block XORed (RFC 3830 §4.1.2), checked against a direct
 * HMAC computation. */
static void test_mikey_prf_structure(void **state)
{
	uint8_t key[40], label[20], out[40], exp[40] = {0};
	uint8_t a[32], buf[52], mac[32];
	unsigned int mac_len;

	(void)state;
	for (size_t i = 0; i < sizeof(key); i++)
		key[i] = (uint8_t)(i * 7 + 1);
	for (size_t i = 0; i < sizeof(label); i++)
		label[i] = (uint8_t)(0xA0 + i);
	for (size_t blk = 0; blk < 2; blk++) {
		const uint8_t *s = key + 32 * blk;
		size_t s_len = blk == 0 ? 32 : 8;

		HMAC(EVP_sha256(), s, (int)s_len, label, sizeof(label), a,
		     &mac_len);
		for (size_t done = 0; done < sizeof(out); done += 32) {
			memcpy(buf, a, 32);
			memcpy(buf + 32, label, sizeof(label));
			HMAC(EVP_sha256(), s, (int)s_len, buf, sizeof(buf), mac,
			     &mac_len);
			for (size_t i = 0; i < 32 && done + i < sizeof(out);
			     i++)
				exp[done + i] ^= mac[i];
			HMAC(EVP_sha256(), s, (int)s_len, a, 32, a, &mac_len);
		}
	}
	assert_int_equal(mcx_kdf3gpp_mikey_prf(key, sizeof(key), label,
					       sizeof(label), out, sizeof(out)),
			 MCX_OK);
	assert_memory_equal(out, exp, sizeof(out));
	assert_int_equal(mcx_kdf3gpp_mikey_prf(key, 0, label, sizeof(label),
					       out, sizeof(out)),
			 MCX_ERR_LENGTH);
}

static void test_kdf_bad_input(void **state)
{
	static uint8_t big[0x10000];
	struct mcx_kdf3gpp_param p = {big, sizeof(big)};
	uint8_t out[32];

	(void)state;
	assert_int_equal(mcx_kdf3gpp_derive(big, 16, 0x50, &p, 1, out),
			 MCX_ERR_LENGTH);
	p.len = 0xFFFF;
	assert_int_equal(mcx_kdf3gpp_derive(big, 16, 0x50, &p, 1, out), MCX_OK);
	p.p = NULL;
	assert_int_equal(mcx_kdf3gpp_derive(big, 16, 0x50, &p, 1, out),
			 MCX_ERR_ARGUMENT);
	/* A RAND length no MIKEY RAND payload can carry (RFC 3830 §6.11: at
	 * most 255 octets) is refused before the label is sized: SIZE_MAX
	 * would wrap 9 + rand_len to 8 and overflow the label buffer.  The
	 * output is wiped. */
	memset(out, 0xAA, sizeof(out));
	assert_int_equal(mcx_kdf3gpp_mikey_derive(big, 16, 0x2AD01C64, 0,
						  0x06A12AEA, big, SIZE_MAX,
						  out, sizeof(out)),
			 MCX_ERR_LENGTH);
	for (size_t i = 0; i < sizeof(out); i++)
		assert_int_equal(out[i], 0);
	assert_int_equal(mcx_kdf3gpp_mikey_derive(big, 16, 0x2AD01C64, 0,
						  0x06A12AEA, big, 256, out,
						  sizeof(out)),
			 MCX_ERR_LENGTH);
	assert_int_equal(mcx_kdf3gpp_mikey_derive(big, 16, 0x2AD01C64, 0,
						  0x06A12AEA, big, 255, out,
						  sizeof(out)),
			 MCX_OK);
}

static int setup(void **state)
{
	(void)state;
	root = mcx_vectors_load("kdf_3gpp_vectors.json");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	json_object_put(root);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_uid),
	    cmocka_unit_test(test_uid_excluded),
	    cmocka_unit_test(test_key_period_no),
	    cmocka_unit_test(test_guk_id),
	    cmocka_unit_test(test_dpck),
	    cmocka_unit_test(test_xpk),
	    cmocka_unit_test(test_mikey_prf),
	    cmocka_unit_test(test_mikey_prf_structure),
	    cmocka_unit_test(test_kdf_bad_input),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
