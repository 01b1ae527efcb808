/*
 * Known answers and refusals for mechanisms/rgk (MCX-REFERENCE §7, §5.7;
 * decisions c and f):
 *  - the RGK formula against the reference's §7 example and RFC 4231
 *    (tests/vectors/hmac_sha256_rfc4231.json): the LAST 16 octets, never
 *    the first (test case 5 is published only as its leftmost half);
 *  - decision c with the fixed keys and IVs of tests/vectors/rgk_project.json,
 *    each value also recomputed here with OpenSSL EVP_MAC / EVP_CIPHER in
 *    the default library context (independent of the module's code);
 *  - wrong XPK / P0 / XPK-ID, every altered octet of IV, ciphertext and tag
 *    -> MCX_ERR_AUTH with the seed zeroed; wrong lengths -> MCX_ERR_LENGTH;
 *  - re-wrap (single and batch) and protect for N targets (late entry)
 *    equal unprotect + protect with the IV each chose, and leave nothing
 *    on failure;
 *  - a client with a different GMK derives a different RGK.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include "mechanisms/rgk.h"
#include "tests/common/vectors.h"

static struct json_object *rgk_root;
static struct json_object *hmac_root;

static const uint8_t zero44[MCX_RGK_PROTECTED_LEN];

/* ---- independent computations (OpenSSL default library context) ------- */

static void evp_hmac(const uint8_t *key, size_t key_len, const uint8_t *in,
		     size_t in_len, uint8_t out[32])
{
	EVP_MAC *mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
	EVP_MAC_CTX *ctx = NULL;
	OSSL_PARAM params[2];
	size_t len = 0;

	assert_non_null(mac);
	ctx = EVP_MAC_CTX_new(mac);
	assert_non_null(ctx);
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
						     (char *)"SHA256", 0);
	params[1] = OSSL_PARAM_construct_end();
	assert_int_equal(EVP_MAC_init(ctx, key, key_len, params), 1);
	assert_int_equal(EVP_MAC_update(ctx, in, in_len), 1);
	assert_int_equal(EVP_MAC_final(ctx, out, &len, 32), 1);
	assert_int_equal(len, 32);
	EVP_MAC_CTX_free(ctx);
	EVP_MAC_free(mac);
}

/* K of decision c, S built here octet by octet. */
static void evp_xpk_key(const uint8_t *xpk, const char *p0, const uint8_t id[4],
			uint8_t k[16])
{
	uint8_t s[512], full[32];
	size_t n = 0, p0_len = strlen(p0);

	assert_true(p0_len + 9 <= sizeof(s));
	s[n++] = 0x51;
	memcpy(s + n, p0, p0_len);
	n += p0_len;
	s[n++] = (uint8_t)(p0_len >> 8);
	s[n++] = (uint8_t)p0_len;
	memcpy(s + n, id, 4);
	n += 4;
	s[n++] = 0x00;
	s[n++] = 0x04;
	evp_hmac(xpk, 16, s, n, full);
	memcpy(k, full + 16, 16);
}

static void evp_protect(const uint8_t *xpk, const char *p0, const uint8_t id[4],
			const uint8_t iv[12], const uint8_t seed[16],
			uint8_t out[44])
{
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	uint8_t k[16];
	int len = 0;

	evp_xpk_key(xpk, p0, id, k);
	assert_non_null(ctx);
	assert_int_equal(
	    EVP_EncryptInit_ex(ctx, EVP_aes_128_gcm(), NULL, NULL, NULL), 1);
	assert_int_equal(
	    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, 12, NULL), 1);
	assert_int_equal(EVP_EncryptInit_ex(ctx, NULL, NULL, k, iv), 1);
	assert_int_equal(EVP_EncryptUpdate(ctx, NULL, &len, id, 4), 1);
	assert_int_equal(EVP_EncryptUpdate(ctx, out + 12, &len, seed, 16), 1);
	assert_int_equal(len, 16);
	assert_int_equal(EVP_EncryptFinal_ex(ctx, out + 28, &len), 1);
	assert_int_equal(len, 0);
	assert_int_equal(
	    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, 16, out + 28), 1);
	memcpy(out, iv, 12);
	EVP_CIPHER_CTX_free(ctx);
}

/* ---- vector access ----------------------------------------------------- */

/* Decode the hex at path into out, which must be exactly len octets. */
static void hex_exact(struct json_object *o, const char *path, uint8_t *out,
		      size_t len)
{
	size_t n = 0;
	uint8_t *b = mcx_vectors_hex(o, path, &n);

	assert_int_equal(n, len);
	memcpy(out, b, len);
	free(b);
}

struct xv {
	uint8_t xpk[16], id[4], iv[12], seed[16], k[16], prot[44];
	const char *p0;
};

static size_t n_xpk_vectors(void)
{
	struct json_object *a = mcx_vectors_get(rgk_root, "xpk_protection");

	assert_non_null(a);
	return json_object_array_length(a);
}

static void load_xv(size_t i, struct xv *v)
{
	char path[64];
	struct json_object *o;

	snprintf(path, sizeof(path), "xpk_protection.%zu", i);
	o = mcx_vectors_get(rgk_root, path);
	assert_non_null(o);
	hex_exact(o, "xpk", v->xpk, 16);
	hex_exact(o, "xpk_id", v->id, 4);
	hex_exact(o, "iv", v->iv, 12);
	hex_exact(o, "rgk_seed", v->seed, 16);
	hex_exact(o, "k", v->k, 16);
	hex_exact(o, "protected", v->prot, 44);
	v->p0 = mcx_vectors_str(o, "p0");
}

static struct mcx_rgk_xpk as_xpk(const struct xv *v)
{
	struct mcx_rgk_xpk x = {v->xpk, (const uint8_t *)v->p0, strlen(v->p0),
				v->id};
	return x;
}

static enum mcx_mech_err unprotect_v(const struct xv *v, const uint8_t *in,
				     size_t in_len, uint8_t seed[16])
{
	return mcx_rgk_seed_unprotect(v->xpk, (const uint8_t *)v->p0,
				      strlen(v->p0), v->id, in, in_len, seed);
}

/* ---- RGK (decision f) -------------------------------------------------- */

static void test_rgk_reference_example(void **state)
{
	uint8_t gmk[16], seed[16], full[32], rgk_exp[16], msb[16], rgk[16];

	(void)state;
	hex_exact(rgk_root, "rgk_example.gmk", gmk, 16);
	hex_exact(rgk_root, "rgk_example.rgk_seed", seed, 16);
	hex_exact(rgk_root, "rgk_example.hmac_sha256", full, 32);
	hex_exact(rgk_root, "rgk_example.rgk", rgk_exp, 16);
	hex_exact(rgk_root, "rgk_example.msb128_not_the_rgk", msb, 16);
	/* The recorded example is the reference's HMAC and its last half. */
	assert_memory_equal(full + 16, rgk_exp, 16);
	assert_memory_equal(full, msb, 16);

	memset(rgk, 0xAA, sizeof(rgk));
	assert_int_equal(mcx_rgk_derive(gmk, seed, rgk), MCX_OK);
	assert_memory_equal(rgk, rgk_exp, 16);
	assert_memory_not_equal(rgk, msb, 16);
}

static void test_rgk_rfc4231(void **state)
{
	struct json_object *a = mcx_vectors_get(hmac_root, "vectors");
	size_t n = 0;

	(void)state;
	assert_non_null(a);
	n = json_object_array_length(a);
	assert_int_equal(n, 7);
	for (size_t i = 0; i < n; i++) {
		struct json_object *v = json_object_array_get_idx(a, i);
		size_t key_len = 0, data_len = 0;
		uint8_t *key = mcx_vectors_hex(v, "key", &key_len);
		uint8_t *data = mcx_vectors_hex(v, "data", &data_len);
		uint8_t lsb[16], msb[16], full[32], out[16];

		hex_exact(v, "lsb128_for_RGK_style_truncation", lsb, 16);
		hex_exact(v, "msb128", msb, 16);
		evp_hmac(key, key_len, data, data_len, full);
		assert_memory_equal(full + 16, lsb, 16);
		assert_int_equal(
		    mcx_rgk_hmac_lsb128(key, key_len, data, data_len, out),
		    MCX_OK);
		assert_memory_equal(out, lsb, 16);
		/* The wrong-half trap: never the leftmost 16 octets, and for
		 * test case 5 never the RFC's published (truncated) value. */
		assert_memory_not_equal(out, msb, 16);
		if (json_object_get_int(mcx_vectors_get(v, "test_case")) == 5) {
			uint8_t rfc[16];

			hex_exact(v, "rfc_output", rfc, 16);
			assert_memory_not_equal(out, rfc, 16);
		}
		free(key);
		free(data);
	}
}

static void test_rgk_other_gmk_or_seed(void **state)
{
	uint8_t gmk[16], seed[16], rgk_a[16], rgk_b[16], rgk_c[16];

	(void)state;
	hex_exact(rgk_root, "rgk_example.gmk", gmk, 16);
	hex_exact(rgk_root, "rgk_example.rgk_seed", seed, 16);
	assert_int_equal(mcx_rgk_derive(gmk, seed, rgk_a), MCX_OK);
	/* A client of another group (one bit of the GMK differs). */
	gmk[15] ^= 0x01;
	assert_int_equal(mcx_rgk_derive(gmk, seed, rgk_b), MCX_OK);
	assert_memory_not_equal(rgk_a, rgk_b, 16);
	/* Same GMK, another regroup's seed. */
	gmk[15] ^= 0x01;
	seed[0] ^= 0x80;
	assert_int_equal(mcx_rgk_derive(gmk, seed, rgk_c), MCX_OK);
	assert_memory_not_equal(rgk_a, rgk_c, 16);
	/* Arguments. */
	memset(rgk_c, 0xAA, sizeof(rgk_c));
	assert_int_equal(mcx_rgk_derive(NULL, seed, rgk_c), MCX_ERR_ARGUMENT);
	assert_memory_equal(rgk_c, zero44, 16);
	assert_int_equal(mcx_rgk_derive(gmk, seed, NULL), MCX_ERR_ARGUMENT);
}

static void test_seed_generate(void **state)
{
	uint8_t a[16], b[16];

	(void)state;
	assert_int_equal(mcx_rgk_seed_generate(a), MCX_OK);
	assert_int_equal(mcx_rgk_seed_generate(b), MCX_OK);
	assert_memory_not_equal(a, b, 16);
	assert_int_equal(mcx_rgk_seed_generate(NULL), MCX_ERR_ARGUMENT);
}

/* ---- decision c known answers ------------------------------------------ */

static void test_xpk_key(void **state)
{
	size_t n = n_xpk_vectors();

	(void)state;
	assert_true(n >= 3);
	for (size_t i = 0; i < n; i++) {
		struct xv v;
		uint8_t k[16], k_evp[16];

		load_xv(i, &v);
		evp_xpk_key(v.xpk, v.p0, v.id, k_evp);
		assert_memory_equal(k_evp, v.k, 16);
		assert_int_equal(mcx_rgk_xpk_key(v.xpk, (const uint8_t *)v.p0,
						 strlen(v.p0), v.id, k),
				 MCX_OK);
		assert_memory_equal(k, v.k, 16);
	}
}

static void test_protect_kat(void **state)
{
	size_t n = n_xpk_vectors();

	(void)state;
	for (size_t i = 0; i < n; i++) {
		struct xv v;
		uint8_t out[44], evp[44], seed[16];

		load_xv(i, &v);
		evp_protect(v.xpk, v.p0, v.id, v.iv, v.seed, evp);
		assert_memory_equal(evp, v.prot, 44);
		assert_int_equal(mcx_rgk_seed_protect_iv(
				     v.xpk, (const uint8_t *)v.p0, strlen(v.p0),
				     v.id, v.iv, v.seed, out),
				 MCX_OK);
		assert_memory_equal(out, v.prot, 44);
		memset(seed, 0xAA, sizeof(seed));
		assert_int_equal(unprotect_v(&v, v.prot, 44, seed), MCX_OK);
		assert_memory_equal(seed, v.seed, 16);
	}
}

static void test_protect_random_iv(void **state)
{
	struct xv v;
	uint8_t a[44], b[44], evp[44], seed[16];

	(void)state;
	load_xv(0, &v);
	assert_int_equal(mcx_rgk_seed_protect(v.xpk, (const uint8_t *)v.p0,
					      strlen(v.p0), v.id, v.seed, a),
			 MCX_OK);
	assert_int_equal(mcx_rgk_seed_protect(v.xpk, (const uint8_t *)v.p0,
					      strlen(v.p0), v.id, v.seed, b),
			 MCX_OK);
	assert_memory_not_equal(a, b, 12); /* fresh IVs */
	/* Each equals the independent computation with the IV it carries. */
	evp_protect(v.xpk, v.p0, v.id, a, v.seed, evp);
	assert_memory_equal(a, evp, 44);
	evp_protect(v.xpk, v.p0, v.id, b, v.seed, evp);
	assert_memory_equal(b, evp, 44);
	assert_int_equal(unprotect_v(&v, b, 44, seed), MCX_OK);
	assert_memory_equal(seed, v.seed, 16);
}

/* ---- refusals ---------------------------------------------------------- */

static void expect_auth(const struct xv *v, const uint8_t *in)
{
	uint8_t seed[16];

	memset(seed, 0xAA, sizeof(seed));
	assert_int_equal(unprotect_v(v, in, 44, seed), MCX_ERR_AUTH);
	assert_memory_equal(seed, zero44, 16);
}

static void test_unprotect_auth_failures(void **state)
{
	struct xv v, other;
	uint8_t in[44], seed[16];

	(void)state;
	load_xv(0, &v);
	load_xv(1, &other);
	/* Every single altered octet of IV, ciphertext and tag. */
	for (size_t i = 0; i < 44; i++) {
		memcpy(in, v.prot, 44);
		in[i] ^= (uint8_t)(1u << (i % 8));
		expect_auth(&v, in);
	}
	/* Wrong XPK, wrong XPK-ID (AAD and KDF), wrong P0. */
	{
		struct xv w = v;

		w.xpk[0] ^= 0x01;
		expect_auth(&w, v.prot);
		w = v;
		w.id[3] ^= 0x01;
		expect_auth(&w, v.prot);
		w = v;
		w.p0 = other.p0;
		expect_auth(&w, v.prot);
	}
	/* Another CSK's protected seed presented under this CSK. */
	expect_auth(&v, other.prot);
	/* The original still opens (nothing above altered state). */
	assert_int_equal(unprotect_v(&v, v.prot, 44, seed), MCX_OK);
	assert_memory_equal(seed, v.seed, 16);
}

/* The XPK-ID is also the AAD: a value protected under K with another AAD
 * (built with EVP here) fails although K is right. */
static void test_unprotect_aad_only(void **state)
{
	struct xv v;
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	uint8_t in[44], aad[4];
	int len = 0;

	(void)state;
	load_xv(0, &v);
	memcpy(aad, v.id, 4);
	aad[0] ^= 0xFF;
	assert_non_null(ctx);
	assert_int_equal(
	    EVP_EncryptInit_ex(ctx, EVP_aes_128_gcm(), NULL, v.k, v.iv), 1);
	assert_int_equal(EVP_EncryptUpdate(ctx, NULL, &len, aad, 4), 1);
	assert_int_equal(EVP_EncryptUpdate(ctx, in + 12, &len, v.seed, 16), 1);
	assert_int_equal(EVP_EncryptFinal_ex(ctx, in + 28, &len), 1);
	assert_int_equal(
	    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, 16, in + 28), 1);
	EVP_CIPHER_CTX_free(ctx);
	memcpy(in, v.iv, 12);
	/* Ciphertext equals the real one (same K, IV): only the tag moved. */
	assert_memory_equal(in + 12, v.prot + 12, 16);
	expect_auth(&v, in);
}

static void test_lengths_and_arguments(void **state)
{
	struct xv v;
	uint8_t in[64], seed[16], out[44];
	static const size_t bad[] = {0, 1, 28, 43, 45, 60};

	(void)state;
	load_xv(0, &v);
	memset(in, 0, sizeof(in));
	memcpy(in, v.prot, 44);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(seed, 0xAA, sizeof(seed));
		assert_int_equal(unprotect_v(&v, in, bad[i], seed),
				 MCX_ERR_LENGTH);
		assert_memory_equal(seed, zero44, 16);
	}
	memset(seed, 0xAA, sizeof(seed));
	assert_int_equal(unprotect_v(&v, NULL, 44, seed), MCX_ERR_ARGUMENT);
	assert_memory_equal(seed, zero44, 16);
	memset(out, 0xAA, sizeof(out));
	assert_int_equal(mcx_rgk_seed_protect(NULL, (const uint8_t *)v.p0,
					      strlen(v.p0), v.id, v.seed, out),
			 MCX_ERR_ARGUMENT);
	assert_memory_equal(out, zero44, 44);
	memset(out, 0xAA, sizeof(out));
	assert_int_equal(mcx_rgk_seed_protect_iv(v.xpk, (const uint8_t *)v.p0,
						 strlen(v.p0), NULL, v.iv,
						 v.seed, out),
			 MCX_ERR_ARGUMENT);
	assert_memory_equal(out, zero44, 44);
	memset(out, 0xAA, sizeof(out));
	assert_int_equal(mcx_rgk_seed_protect(v.xpk, (const uint8_t *)v.p0,
					      strlen(v.p0), v.id, NULL, out),
			 MCX_ERR_ARGUMENT);
	assert_memory_equal(out, zero44, 44);
	/* L0 is two octets: P0 of 65536 octets cannot be encoded. */
	{
		uint8_t *big = calloc(65536, 1);

		assert_non_null(big);
		memset(out, 0xAA, sizeof(out));
		assert_int_equal(
		    mcx_rgk_seed_protect(v.xpk, big, 65536, v.id, v.seed, out),
		    MCX_ERR_LENGTH);
		assert_memory_equal(out, zero44, 44);
		free(big);
	}
}

/* ---- re-wrap ----------------------------------------------------------- */

static void test_rewrap(void **state)
{
	struct xv a, b;
	struct mcx_rgk_xpk from, to;
	uint8_t out[44], expect[44], seed[16];

	(void)state;
	load_xv(0, &a);
	load_xv(2, &b); /* CSK of the initiator -> MuSiK */
	from = as_xpk(&a);
	to = as_xpk(&b);
	assert_int_equal(mcx_rgk_seed_rewrap(&from, &to, a.prot, 44, out),
			 MCX_OK);
	/* Equal to unprotect + protect (with the IV the re-wrap drew). */
	assert_int_equal(unprotect_v(&a, a.prot, 44, seed), MCX_OK);
	evp_protect(b.xpk, b.p0, b.id, out, seed, expect);
	assert_memory_equal(out, expect, 44);
	assert_int_equal(unprotect_v(&b, out, 44, seed), MCX_OK);
	assert_memory_equal(seed, a.seed, 16);
	/* The source key cannot open the re-wrapped value. */
	expect_auth(&a, out);

	/* Wrong source (b's key for a's value): MCX_ERR_AUTH, out zero. */
	memset(out, 0xAA, sizeof(out));
	assert_int_equal(mcx_rgk_seed_rewrap(&to, &from, a.prot, 44, out),
			 MCX_ERR_AUTH);
	assert_memory_equal(out, zero44, 44);
	memset(out, 0xAA, sizeof(out));
	assert_int_equal(mcx_rgk_seed_rewrap(&from, &to, a.prot, 43, out),
			 MCX_ERR_LENGTH);
	assert_memory_equal(out, zero44, 44);
	memset(out, 0xAA, sizeof(out));
	assert_int_equal(mcx_rgk_seed_rewrap(&from, NULL, a.prot, 44, out),
			 MCX_ERR_ARGUMENT);
	assert_memory_equal(out, zero44, 44);
}

#define BATCH 5

static void test_rewrap_batch(void **state)
{
	struct xv v[3];
	struct mcx_rgk_xpk from, to[BATCH];
	uint8_t ids[BATCH][4];
	uint8_t out[BATCH * 44], expect[44], seed[16];
	const struct xv *src = &v[0];

	(void)state;
	for (size_t i = 0; i < 3; i++)
		load_xv(i, &v[i]);
	from = as_xpk(src);
	/* Figure X.1 shape: a CSK target, the MuSiK, and three more CSKs
	 * that differ only in XPK-ID (distinct K each). */
	for (size_t i = 0; i < BATCH; i++) {
		to[i] = as_xpk(&v[1 + (i == 1)]);
		memcpy(ids[i], to[i].id, 4);
		ids[i][3] = (uint8_t)(ids[i][3] + (i > 1 ? i : 0));
		to[i].id = ids[i];
	}
	assert_int_equal(
	    mcx_rgk_seed_rewrap_batch(&from, to, BATCH, src->prot, 44, out),
	    MCX_OK);
	for (size_t i = 0; i < BATCH; i++) {
		const uint8_t *o = out + i * 44;

		evp_protect(to[i].key, (const char *)v[1 + (i == 1)].p0,
			    to[i].id, o, src->seed, expect);
		assert_memory_equal(o, expect, 44);
		assert_int_equal(mcx_rgk_seed_unprotect(to[i].key, to[i].p0,
							to[i].p0_len, to[i].id,
							o, 44, seed),
				 MCX_OK);
		assert_memory_equal(seed, src->seed, 16);
		for (size_t j = 0; j < i; j++)
			assert_memory_not_equal(o, out + j * 44, 12);
	}
	/* A failed unprotect leaves no partial result. */
	memset(out, 0xAA, sizeof(out));
	assert_int_equal(
	    mcx_rgk_seed_rewrap_batch(&from, to, BATCH, v[1].prot, 44, out),
	    MCX_ERR_AUTH);
	for (size_t i = 0; i < BATCH; i++)
		assert_memory_equal(out + i * 44, zero44, 44);
	/* A bad target late in the list: nothing produced for any. */
	to[BATCH - 1].key = NULL;
	memset(out, 0xAA, sizeof(out));
	assert_int_equal(
	    mcx_rgk_seed_rewrap_batch(&from, to, BATCH, src->prot, 44, out),
	    MCX_ERR_ARGUMENT);
	for (size_t i = 0; i < BATCH; i++)
		assert_memory_equal(out + i * 44, zero44, 44);
	/* n == 0 only checks the input. */
	assert_int_equal(
	    mcx_rgk_seed_rewrap_batch(&from, NULL, 0, src->prot, 44, NULL),
	    MCX_OK);
	assert_int_equal(
	    mcx_rgk_seed_rewrap_batch(&from, NULL, 0, v[1].prot, 44, NULL),
	    MCX_ERR_AUTH);
}

/* Late entry: the token protects the seed it keeps for new targets. */
static void test_protect_batch(void **state)
{
	struct xv v[3];
	struct mcx_rgk_xpk to[3];
	uint8_t out[3 * 44], expect[44], seed[16];

	(void)state;
	for (size_t i = 0; i < 3; i++) {
		load_xv(i, &v[i]);
		to[i] = as_xpk(&v[i]);
	}
	assert_int_equal(mcx_rgk_seed_protect_batch(to, 3, v[0].seed, out),
			 MCX_OK);
	for (size_t i = 0; i < 3; i++) {
		evp_protect(v[i].xpk, v[i].p0, v[i].id, out + i * 44, v[0].seed,
			    expect);
		assert_memory_equal(out + i * 44, expect, 44);
		assert_int_equal(unprotect_v(&v[i], out + i * 44, 44, seed),
				 MCX_OK);
		assert_memory_equal(seed, v[0].seed, 16);
	}
	memset(out, 0xAA, sizeof(out));
	assert_int_equal(mcx_rgk_seed_protect_batch(to, 3, NULL, out),
			 MCX_ERR_ARGUMENT);
	for (size_t i = 0; i < 3; i++)
		assert_memory_equal(out + i * 44, zero44, 44);
	to[2].id = NULL;
	memset(out, 0xAA, sizeof(out));
	assert_int_equal(mcx_rgk_seed_protect_batch(to, 3, v[0].seed, out),
			 MCX_ERR_ARGUMENT);
	for (size_t i = 0; i < 3; i++)
		assert_memory_equal(out + i * 44, zero44, 44);
	assert_int_equal(mcx_rgk_seed_protect_batch(NULL, 0, NULL, NULL),
			 MCX_OK);
}

static int setup(void **state)
{
	(void)state;
	rgk_root = mcx_vectors_load("rgk_project.json");
	hmac_root = mcx_vectors_load("hmac_sha256_rfc4231.json");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	json_object_put(rgk_root);
	json_object_put(hmac_root);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_rgk_reference_example),
	    cmocka_unit_test(test_rgk_rfc4231),
	    cmocka_unit_test(test_rgk_other_gmk_or_seed),
	    cmocka_unit_test(test_seed_generate),
	    cmocka_unit_test(test_xpk_key),
	    cmocka_unit_test(test_protect_kat),
	    cmocka_unit_test(test_protect_random_iv),
	    cmocka_unit_test(test_unprotect_auth_failures),
	    cmocka_unit_test(test_unprotect_aad_only),
	    cmocka_unit_test(test_lengths_and_arguments),
	    cmocka_unit_test(test_rewrap),
	    cmocka_unit_test(test_rewrap_batch),
	    cmocka_unit_test(test_protect_batch),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
