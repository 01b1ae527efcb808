/*
 * SAKKE known answers (RFC 6508 Appendix A via
 * tests/vectors/sakke_rfc6508.json, Streamwide v5 key sets and messages via
 * mikey_streamwide_v5.json), the decision-a recovery of minimal-length senders,
 * and bad input, each with its distinct error.  Every test runs on both field
 * paths (the run-time kernel and the portable one).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/bn.h>
#include <pthread.h>

#include "mechanisms/sakke.h"
#include "tests/common/vectors.h"

static struct json_object *rfc;
static struct json_object *sw;

/* Hex at path into a buffer that must have exactly len octets. */
static uint8_t *vec(struct json_object *root, const char *path, size_t len)
{
	size_t n = 0;
	uint8_t *b = mcx_vectors_hex(root, path, &n);

	assert_int_equal(n, len);
	return b;
}

static uint8_t *vec_any(struct json_object *root, const char *path, size_t *len)
{
	return mcx_vectors_hex(root, path, len);
}

static void test_g_and_hash(void **state)
{
	uint8_t *g = vec(rfc, "parameter_set_1.g", 128);
	uint8_t *px = vec(rfc, "parameter_set_1.Px", 128);
	uint8_t *py = vec(rfc, "parameter_set_1.Py", 128);
	uint8_t *ssv = vec(rfc, "inputs.SSV.hex", 16);
	size_t id_len = 0;
	uint8_t *id = vec_any(rfc, "inputs.ID_b.hex", &id_len);
	uint8_t *r = vec(rfc, "outputs.r.hex", 128);
	uint8_t *gr = vec(rfc, "outputs.g_r.hex", 128);
	uint8_t *mask = vec(rfc, "outputs.mask.hex", 16);
	uint8_t pt[MCX_SAKKE_POINT_LEN];
	uint8_t s[16 + 128];
	uint8_t out[128];
	uint8_t one[128] = {0};

	(void)state;
	/* g = <P, P> */
	pt[0] = 0x04;
	memcpy(pt + 1, px, 128);
	memcpy(pt + 129, py, 128);
	assert_int_equal(mcx_sakke_pairing(pt, pt, out), MCX_OK);
	assert_memory_equal(out, g, 128);
	one[127] = 1;
	assert_int_equal(mcx_sakke_g_pow(one, out), MCX_OK);
	assert_memory_equal(out, g, 128);
	/* r = HashToIntegerRange(SSV || b, q) */
	memcpy(s, ssv, 16);
	memcpy(s + 16, id, id_len);
	assert_int_equal(mcx_sakke_hash_to_range_q(s, 16 + id_len, out),
			 MCX_OK);
	assert_memory_equal(out, r, 128);
	/* g^r and mask = HashToIntegerRange(g^r, 2^128) */
	assert_int_equal(mcx_sakke_g_pow(r, out), MCX_OK);
	assert_memory_equal(out, gr, 128);
	assert_int_equal(mcx_sakke_hash_to_range_n(gr, 128, out), MCX_OK);
	assert_memory_equal(out, mask, 16);
	free(g);
	free(px);
	free(py);
	free(ssv);
	free(id);
	free(r);
	free(gr);
	free(mask);
}

static void test_kms_side(void **state)
{
	size_t z_len = 0;
	size_t id_len = 0;
	uint8_t *z = vec_any(rfc, "inputs.z.hex", &z_len);
	uint8_t *id = vec_any(rfc, "inputs.ID_b.hex", &id_len);
	uint8_t *zt = vec(rfc, "outputs.Z.hex", MCX_SAKKE_POINT_LEN);
	uint8_t *rsk = vec(rfc, "outputs.RSK.hex", MCX_SAKKE_POINT_LEN);
	uint8_t *bpz = vec(rfc, "outputs.bP_plus_Z.hex", MCX_SAKKE_POINT_LEN);
	uint8_t out[MCX_SAKKE_POINT_LEN];
	uint8_t rs[128] = {0};
	uint8_t ws[128];
	uint8_t *g = vec(rfc, "parameter_set_1.g", 128);
	uint8_t *px = vec(rfc, "parameter_set_1.Px", 128);
	uint8_t *py = vec(rfc, "parameter_set_1.Py", 128);
	uint8_t pt[MCX_SAKKE_POINT_LEN];

	(void)state;
	assert_int_equal(mcx_sakke_kms_public_from_secret(z, z_len, out),
			 MCX_OK);
	assert_memory_equal(out, zt, MCX_SAKKE_POINT_LEN);
	assert_int_equal(mcx_sakke_kms_issue_rsk(z, z_len, id, id_len, out),
			 MCX_OK);
	assert_memory_equal(out, rsk, MCX_SAKKE_POINT_LEN);
	/* point_mul: [z]P = Z_T */
	pt[0] = 0x04;
	memcpy(pt + 1, px, 128);
	memcpy(pt + 129, py, 128);
	assert_int_equal(mcx_sakke_point_mul(z, z_len, pt, out), MCX_OK);
	assert_memory_equal(out, zt, MCX_SAKKE_POINT_LEN);
	/* <[b]P + Z, RSK> = g, by the primitive pairing */
	assert_int_equal(mcx_sakke_pairing(bpz, rsk, ws), MCX_OK);
	assert_memory_equal(ws, g, 128);
	/* bilinearity: <[2]P, P> = g^2 */
	rs[127] = 2;
	assert_int_equal(mcx_sakke_point_mul(rs, 128, pt, out), MCX_OK);
	assert_int_equal(mcx_sakke_pairing(out, pt, ws), MCX_OK);
	assert_int_equal(mcx_sakke_g_pow(rs, out), MCX_OK);
	assert_memory_equal(ws, out, 128);
	free(z);
	free(id);
	free(zt);
	free(rsk);
	free(bpz);
	free(g);
	free(px);
	free(py);
}

static void test_rfc_encap_decap(void **state)
{
	size_t id_len = 0;
	uint8_t *id = vec_any(rfc, "inputs.ID_b.hex", &id_len);
	uint8_t *zt = vec(rfc, "outputs.Z.hex", MCX_SAKKE_POINT_LEN);
	uint8_t *rsk = vec(rfc, "outputs.RSK.hex", MCX_SAKKE_POINT_LEN);
	uint8_t *ssv = vec(rfc, "inputs.SSV.hex", 16);
	uint8_t *sed = vec(rfc, "outputs.SED.hex", MCX_SAKKE_SED_LEN);
	uint8_t *w = vec(rfc, "receiver_intermediates.w.hex", 128);
	struct mcx_sakke_kms *kms = NULL;
	struct mcx_sakke_rsk *k = NULL;
	uint8_t out[MCX_SAKKE_SED_LEN];
	uint8_t got[16];

	(void)state;
	assert_int_equal(mcx_sakke_kms_new(zt, MCX_SAKKE_POINT_LEN, &kms),
			 MCX_OK);
	assert_int_equal(mcx_sakke_rsk_new(rsk, MCX_SAKKE_POINT_LEN, &k),
			 MCX_OK);
	assert_int_equal(mcx_sakke_rsk_validate(k, kms, id, id_len), MCX_OK);
	/* another identity: the RSK does not validate */
	id[id_len - 2] ^= 1;
	assert_int_equal(mcx_sakke_rsk_validate(k, kms, id, id_len),
			 MCX_ERR_KEY_INVALID);
	id[id_len - 2] ^= 1;

	assert_int_equal(mcx_sakke_encapsulate(kms, id, id_len, ssv, out),
			 MCX_OK);
	assert_memory_equal(out, sed, MCX_SAKKE_SED_LEN);
	{
		uint8_t wv[128];

		assert_int_equal(mcx_sakke_pairing(sed, rsk, wv), MCX_OK);
		assert_memory_equal(wv, w, 128);
	}
	/* plain pairing, then with the RSK table */
	assert_int_equal(mcx_sakke_decapsulate(kms, k, id, id_len, sed,
					       MCX_SAKKE_SED_LEN, got),
			 MCX_OK);
	assert_memory_equal(got, ssv, 16);
	assert_int_equal(mcx_sakke_rsk_precompute(k), MCX_OK);
	memset(got, 0, sizeof(got));
	assert_int_equal(mcx_sakke_decapsulate(kms, k, id, id_len, sed,
					       MCX_SAKKE_SED_LEN, got),
			 MCX_OK);
	assert_memory_equal(got, ssv, 16);
	mcx_sakke_rsk_free(k);
	mcx_sakke_kms_free(kms);
	free(id);
	free(zt);
	free(rsk);
	free(ssv);
	free(sed);
	free(w);
}

/* A MIKEY message's SAKKE payload: the SAKKE data field of the payload
 * whose type is "SAKKE", checked against the message octets at its
 * offset (payload header: next, params, scheme, length(2)). */
static uint8_t *sakke_data(int c, size_t *len)
{
	char path[96];
	size_t msg_len = 0;
	uint8_t *msg = NULL;
	uint8_t *data = NULL;

	snprintf(path, sizeof(path), "cases.%d.hex", c);
	msg = vec_any(sw, path, &msg_len);
	for (int i = 0; i < 32; i++) {
		struct json_object *o = NULL;
		const char *type = NULL;

		snprintf(path, sizeof(path), "cases.%d.payloads.%d.type", c, i);
		o = mcx_vectors_get(sw, path);
		assert_non_null(o);
		type = json_object_get_string(o);
		if (strcmp(type, "SAKKE") == 0) {
			long off = 0;

			snprintf(path, sizeof(path),
				 "cases.%d.payloads.%d.sakke_data", c, i);
			data = vec_any(sw, path, len);
			snprintf(path, sizeof(path),
				 "cases.%d.payloads.%d.offset", c, i);
			off = json_object_get_int64(mcx_vectors_get(sw, path));
			assert_true((size_t)off + 5 + *len <= msg_len);
			assert_memory_equal(msg + off + 5, data, *len);
			break;
		}
	}
	free(msg);
	assert_non_null(data);
	return data;
}

static void test_streamwide(void **state)
{
	uint8_t *zt = vec(sw, "kms.Z_PubEncKey", MCX_SAKKE_POINT_LEN);
	struct mcx_sakke_kms *kms = NULL;
	static const char *const users[] = {"GMS", "Alice", "Bob"};

	(void)state;
	assert_int_equal(mcx_sakke_kms_new(zt, MCX_SAKKE_POINT_LEN, &kms),
			 MCX_OK);
	/* the three users' RSKs validate against the KMS's Z with their UIDs */
	for (int u = 0; u < 3; u++) {
		char path[64];
		uint8_t *rsk = NULL;
		uint8_t *uid = NULL;
		struct mcx_sakke_rsk *k = NULL;

		snprintf(path, sizeof(path), "users.%s.RSK", users[u]);
		rsk = vec(sw, path, MCX_SAKKE_POINT_LEN);
		snprintf(path, sizeof(path), "users.%s.uid", users[u]);
		uid = vec(sw, path, 32);
		assert_int_equal(
		    mcx_sakke_rsk_new(rsk, MCX_SAKKE_POINT_LEN, &k), MCX_OK);
		assert_int_equal(mcx_sakke_rsk_validate(k, kms, uid, 32),
				 MCX_OK);
		mcx_sakke_rsk_free(k);
		free(rsk);
		free(uid);
	}
	/* each message's SAKKE payload decapsulates, with the responder's
	 * RSK, to the published key */
	for (int c = 0; c < 3; c++) {
		char path[64];
		const char *role = NULL;
		uint8_t *rsk = NULL;
		uint8_t *uid = NULL;
		uint8_t *key = NULL;
		uint8_t *sed = NULL;
		size_t sed_len = 0;
		struct mcx_sakke_rsk *k = NULL;
		uint8_t ssv[16];

		snprintf(path, sizeof(path), "cases.%d.responder.role", c);
		role = mcx_vectors_str(sw, path);
		snprintf(path, sizeof(path), "users.%s.RSK", role);
		rsk = vec(sw, path, MCX_SAKKE_POINT_LEN);
		snprintf(path, sizeof(path), "cases.%d.responder.uid", c);
		uid = vec(sw, path, 32);
		snprintf(path, sizeof(path), "cases.%d.expected.key", c);
		key = vec(sw, path, 16);
		sed = sakke_data(c, &sed_len);
		assert_int_equal(
		    mcx_sakke_rsk_new(rsk, MCX_SAKKE_POINT_LEN, &k), MCX_OK);
		assert_int_equal(
		    mcx_sakke_decapsulate(kms, k, uid, 32, sed, sed_len, ssv),
		    MCX_OK);
		assert_memory_equal(ssv, key, 16);
		assert_int_equal(mcx_sakke_rsk_precompute(k), MCX_OK);
		memset(ssv, 0, sizeof(ssv));
		assert_int_equal(
		    mcx_sakke_decapsulate(kms, k, uid, 32, sed, sed_len, ssv),
		    MCX_OK);
		assert_memory_equal(ssv, key, 16);
		mcx_sakke_rsk_free(k);
		free(rsk);
		free(uid);
		free(key);
		free(sed);
	}
	mcx_sakke_kms_free(kms);
	free(zt);
}

/* Decision a: a sender that hashes g^r in its minimal-length encoding
 * (leading zero octet dropped) and may write H in 15 octets.  The SSVs are
 * A5 00.. || n (4 octets) for the two n below, found by searching n = 0, 1,
 * ...: the first whose g^r (for the RFC identifier) has a zero top octet
 * (~1 in 153), and the first whose legacy H also starts with a zero octet
 * (~1 in 39,000).  Messages are built from our own R and the legacy mask. */
static void test_minimal_length_sender(void **state)
{
	size_t id_len = 0;
	uint8_t *id = vec_any(rfc, "inputs.ID_b.hex", &id_len);
	uint8_t *zt = vec(rfc, "outputs.Z.hex", MCX_SAKKE_POINT_LEN);
	uint8_t *rsk = vec(rfc, "outputs.RSK.hex", MCX_SAKKE_POINT_LEN);
	struct mcx_sakke_kms *kms = NULL;
	struct mcx_sakke_rsk *k = NULL;
	uint8_t ssv[16] = {0};
	uint8_t s[16 + 128];
	uint8_t r[128];
	uint8_t w[128];
	uint8_t sed[MCX_SAKKE_SED_LEN];
	uint8_t mask[16];
	uint8_t got[16];
	int found = 0;
	int short_found = 0;
	static const uint32_t seeds[] = {224, 70082};

	(void)state;
	assert_int_equal(mcx_sakke_kms_new(zt, MCX_SAKKE_POINT_LEN, &kms),
			 MCX_OK);
	assert_int_equal(mcx_sakke_rsk_new(rsk, MCX_SAKKE_POINT_LEN, &k),
			 MCX_OK);
	for (size_t c = 0; c < sizeof(seeds) / sizeof(seeds[0]); c++) {
		uint32_t n = seeds[c];

		ssv[0] = 0xA5;
		ssv[12] = (uint8_t)(n >> 24);
		ssv[13] = (uint8_t)(n >> 16);
		ssv[14] = (uint8_t)(n >> 8);
		ssv[15] = (uint8_t)n;
		memcpy(s, ssv, 16);
		memcpy(s + 16, id, id_len);
		assert_int_equal(mcx_sakke_hash_to_range_q(s, 16 + id_len, r),
				 MCX_OK);
		assert_int_equal(mcx_sakke_g_pow(r, w), MCX_OK);
		/* the seeds were chosen for this: g^r has a zero top octet */
		assert_int_equal(w[0], 0);
		assert_int_equal(
		    mcx_sakke_encapsulate(kms, id, id_len, ssv, sed), MCX_OK);
		/* the strict H */
		assert_int_equal(mcx_sakke_decapsulate(kms, k, id, id_len, sed,
						       MCX_SAKKE_SED_LEN, got),
				 MCX_OK);
		assert_memory_equal(got, ssv, 16);
		/* the legacy H = SSV XOR mask(minimal w) */
		assert_int_equal(mcx_sakke_hash_to_range_n(w + 1, 127, mask),
				 MCX_OK);
		for (int i = 0; i < 16; i++)
			sed[MCX_SAKKE_POINT_LEN + i] = ssv[i] ^ mask[i];
		memset(got, 0, sizeof(got));
		assert_int_equal(mcx_sakke_decapsulate(kms, k, id, id_len, sed,
						       MCX_SAKKE_SED_LEN, got),
				 MCX_OK);
		assert_memory_equal(got, ssv, 16);
		found = 1;
		if (sed[MCX_SAKKE_POINT_LEN] == 0) {
			/* ... written in 15 octets: a 272-octet SED */
			memset(got, 0, sizeof(got));
			memmove(sed + MCX_SAKKE_POINT_LEN,
				sed + MCX_SAKKE_POINT_LEN + 1, 15);
			assert_int_equal(
			    mcx_sakke_decapsulate(kms, k, id, id_len, sed,
						  MCX_SAKKE_SED_SHORT_LEN, got),
			    MCX_OK);
			assert_memory_equal(got, ssv, 16);
			short_found = 1;
		}
		if (!short_found) {
			/* a 272-octet SED whose H was not short: rejected */
			assert_int_equal(
			    mcx_sakke_decapsulate(kms, k, id, id_len, sed,
						  MCX_SAKKE_SED_SHORT_LEN, got),
			    MCX_ERR_DECAP_CHECK);
		}
	}
	assert_true(found && short_found);
	mcx_sakke_rsk_free(k);
	mcx_sakke_kms_free(kms);
	free(id);
	free(zt);
	free(rsk);
}

/* P + (0, 0): on the curve, order 2q, so outside <P>. */
static void point_outside_subgroup(uint8_t out[MCX_SAKKE_POINT_LEN])
{
	BN_CTX *ctx = BN_CTX_new();
	BIGNUM *p = NULL, *px = NULL, *py = NULL, *l = NULL, *x = NULL,
	       *y = NULL;
	const char *ps = mcx_vectors_str(rfc, "parameter_set_1.p");
	const char *pxs = mcx_vectors_str(rfc, "parameter_set_1.Px");
	const char *pys = mcx_vectors_str(rfc, "parameter_set_1.Py");

	assert_non_null(ctx);
	assert_true(BN_hex2bn(&p, ps) && BN_hex2bn(&px, pxs) &&
		    BN_hex2bn(&py, pys));
	l = BN_new();
	x = BN_new();
	y = BN_new();
	/* lambda = Py / Px; x3 = lambda^2 - Px; y3 = lambda (Px - x3) - Py */
	assert_non_null(BN_mod_inverse(l, px, p, ctx));
	assert_true(BN_mod_mul(l, l, py, p, ctx));
	assert_true(BN_mod_sqr(x, l, p, ctx));
	assert_true(BN_mod_sub(x, x, px, p, ctx));
	assert_true(BN_mod_sub(y, px, x, p, ctx));
	assert_true(BN_mod_mul(y, y, l, p, ctx));
	assert_true(BN_mod_sub(y, y, py, p, ctx));
	out[0] = 0x04;
	assert_int_equal(BN_bn2binpad(x, out + 1, 128), 128);
	assert_int_equal(BN_bn2binpad(y, out + 129, 128), 128);
	BN_free(p);
	BN_free(px);
	BN_free(py);
	BN_free(l);
	BN_free(x);
	BN_free(y);
	BN_CTX_free(ctx);
}

static void test_bad_input(void **state)
{
	size_t id_len = 0;
	uint8_t *id = vec_any(rfc, "inputs.ID_b.hex", &id_len);
	uint8_t *zt = vec(rfc, "outputs.Z.hex", MCX_SAKKE_POINT_LEN);
	uint8_t *rsk = vec(rfc, "outputs.RSK.hex", MCX_SAKKE_POINT_LEN);
	uint8_t *sed = vec(rfc, "outputs.SED.hex", MCX_SAKKE_SED_LEN);
	uint8_t *pb = vec(rfc, "parameter_set_1.p", 128);
	uint8_t *qb = vec(rfc, "parameter_set_1.q", 128);
	struct mcx_sakke_kms *kms = NULL;
	struct mcx_sakke_rsk *k = NULL;
	struct mcx_sakke_rsk *k2 = NULL;
	struct mcx_sakke_kms *kms2 = NULL;
	uint8_t bad[MCX_SAKKE_SED_LEN + 1];
	uint8_t out[MCX_SAKKE_POINT_LEN];
	uint8_t ssv[16];
	uint8_t zero[16] = {0};
	uint8_t big[128];

	(void)state;
	assert_int_equal(mcx_sakke_kms_new(zt, MCX_SAKKE_POINT_LEN, &kms),
			 MCX_OK);
	assert_int_equal(mcx_sakke_rsk_new(rsk, MCX_SAKKE_POINT_LEN, &k),
			 MCX_OK);

#define DECAP(buf, len, want)                                                  \
	do {                                                                   \
		memset(ssv, 0xEE, sizeof(ssv));                                \
		assert_int_equal(                                              \
		    mcx_sakke_decapsulate(kms, k, id, id_len, buf, len, ssv),  \
		    want);                                                     \
		assert_memory_equal(ssv, zero, 16);                            \
	} while (0)

	/* wrong length */
	memcpy(bad, sed, MCX_SAKKE_SED_LEN);
	DECAP(bad, MCX_SAKKE_SED_LEN - 2, MCX_ERR_LENGTH);
	DECAP(bad, MCX_SAKKE_SED_LEN + 1, MCX_ERR_LENGTH);
	/* no 0x04 */
	bad[0] = 0x02;
	DECAP(bad, MCX_SAKKE_SED_LEN, MCX_ERR_ENCODING);
	/* coordinate >= p */
	memcpy(bad, sed, MCX_SAKKE_SED_LEN);
	memcpy(bad + 1, pb, 128);
	DECAP(bad, MCX_SAKKE_SED_LEN, MCX_ERR_ENCODING);
	/* R not on the curve */
	memcpy(bad, sed, MCX_SAKKE_SED_LEN);
	bad[200] ^= 0x01;
	DECAP(bad, MCX_SAKKE_SED_LEN, MCX_ERR_NOT_ON_CURVE);
	/* R at infinity */
	memset(bad + 1, 0, 256);
	DECAP(bad, MCX_SAKKE_SED_LEN, MCX_ERR_INFINITY);
	/* wrong H: the re-encapsulation check fails */
	memcpy(bad, sed, MCX_SAKKE_SED_LEN);
	bad[MCX_SAKKE_SED_LEN - 1] ^= 0x80;
	DECAP(bad, MCX_SAKKE_SED_LEN, MCX_ERR_DECAP_CHECK);
	/* the same on the table path */
	assert_int_equal(mcx_sakke_rsk_precompute(k), MCX_OK);
	DECAP(bad, MCX_SAKKE_SED_LEN, MCX_ERR_DECAP_CHECK);
	/* wrong identifier */
	id[0] ^= 1;
	DECAP(sed, MCX_SAKKE_SED_LEN, MCX_ERR_DECAP_CHECK);
	id[0] ^= 1;
	/* a point outside <P> */
	point_outside_subgroup(out);
	assert_int_equal(mcx_sakke_kms_new(out, MCX_SAKKE_POINT_LEN, &kms2),
			 MCX_ERR_NOT_IN_SUBGROUP);
	assert_null(kms2);
	assert_int_equal(mcx_sakke_rsk_new(out, MCX_SAKKE_POINT_LEN, &k2),
			 MCX_ERR_NOT_IN_SUBGROUP);
	assert_null(k2);
	assert_int_equal(mcx_sakke_rsk_new(rsk, 256, &k2), MCX_ERR_LENGTH);
	/* an RSK for another identity fails validation */
	assert_int_equal(
	    mcx_sakke_rsk_validate(k, kms, (const uint8_t *)"x", 1),
	    MCX_ERR_KEY_INVALID);
	/* scalars 0 and >= q */
	memset(big, 0, sizeof(big));
	assert_int_equal(mcx_sakke_kms_public_from_secret(big, 128, out),
			 MCX_ERR_SCALAR_RANGE);
	assert_int_equal(mcx_sakke_kms_public_from_secret(qb, 128, out),
			 MCX_ERR_SCALAR_RANGE);
	assert_int_equal(mcx_sakke_point_mul(qb, 128, zt, out),
			 MCX_ERR_SCALAR_RANGE);
	assert_int_equal(mcx_sakke_point_mul(big, 1, zt, out),
			 MCX_ERR_SCALAR_RANGE);
	/* b + z = 0 mod q: z = q - b */
	{
		BIGNUM *q = NULL;
		BIGNUM *b = BN_bin2bn(id, (int)id_len, NULL);

		assert_true(
		    BN_hex2bn(&q, mcx_vectors_str(rfc, "parameter_set_1.q")));
		assert_true(BN_sub(q, q, b));
		assert_int_equal(BN_bn2binpad(q, big, 128), 128);
		assert_int_equal(
		    mcx_sakke_kms_issue_rsk(big, 128, id, id_len, out),
		    MCX_ERR_SCALAR_RANGE);
		BN_free(q);
		BN_free(b);
	}
	/* identifier length */
	assert_int_equal(mcx_sakke_encapsulate(kms, id, 0, zero, bad),
			 MCX_ERR_LENGTH);
	assert_int_equal(mcx_sakke_encapsulate(kms, id, 129, zero, bad),
			 MCX_ERR_LENGTH);
	mcx_sakke_rsk_free(k);
	mcx_sakke_kms_free(kms);
	free(id);
	free(zt);
	free(rsk);
	free(sed);
	free(pb);
	free(qb);
}

/* Two threads share a fresh KMS (its comb built lazily by whichever
 * thread comes first) and a fresh RSK whose table both threads ask for at
 * once: every result must still be the RFC's. */
struct shared {
	struct mcx_sakke_kms *kms;
	struct mcx_sakke_rsk *rsk;
	const uint8_t *id;
	size_t id_len;
	const uint8_t *ssv;
	const uint8_t *sed;
};

static void *worker(void *arg)
{
	struct shared *sh = arg;
	uint8_t out[MCX_SAKKE_SED_LEN];
	uint8_t got[16];
	int bad = 0;

	for (int i = 0; i < 4; i++) {
		bad |= mcx_sakke_encapsulate(sh->kms, sh->id, sh->id_len,
					     sh->ssv, out) != MCX_OK;
		bad |= memcmp(out, sh->sed, MCX_SAKKE_SED_LEN) != 0;
		bad |= mcx_sakke_rsk_precompute(sh->rsk) != MCX_OK;
		bad |= mcx_sakke_decapsulate(sh->kms, sh->rsk, sh->id,
					     sh->id_len, sh->sed,
					     MCX_SAKKE_SED_LEN, got) != MCX_OK;
		bad |= memcmp(got, sh->ssv, 16) != 0;
	}
	return bad ? (void *)1 : NULL;
}

static void test_threads(void **state)
{
	size_t id_len = 0;
	uint8_t *id = vec_any(rfc, "inputs.ID_b.hex", &id_len);
	uint8_t *zt = vec(rfc, "outputs.Z.hex", MCX_SAKKE_POINT_LEN);
	uint8_t *rsk = vec(rfc, "outputs.RSK.hex", MCX_SAKKE_POINT_LEN);
	uint8_t *ssv = vec(rfc, "inputs.SSV.hex", 16);
	uint8_t *sed = vec(rfc, "outputs.SED.hex", MCX_SAKKE_SED_LEN);
	struct shared sh = {0};
	pthread_t th[2];
	void *res[2] = {NULL, NULL};

	(void)state;
	assert_int_equal(mcx_sakke_kms_new(zt, MCX_SAKKE_POINT_LEN, &sh.kms),
			 MCX_OK);
	assert_int_equal(mcx_sakke_rsk_new(rsk, MCX_SAKKE_POINT_LEN, &sh.rsk),
			 MCX_OK);
	sh.id = id;
	sh.id_len = id_len;
	sh.ssv = ssv;
	sh.sed = sed;
	for (int i = 0; i < 2; i++)
		assert_int_equal(pthread_create(&th[i], NULL, worker, &sh), 0);
	for (int i = 0; i < 2; i++)
		assert_int_equal(pthread_join(th[i], &res[i]), 0);
	assert_null(res[0]);
	assert_null(res[1]);
	mcx_sakke_rsk_free(sh.rsk);
	mcx_sakke_kms_free(sh.kms);
	free(id);
	free(zt);
	free(rsk);
	free(ssv);
	free(sed);
}

static int use_portable(void **state)
{
	(void)state;
	mcx_sakke_set_kernel(MCX_SAKKE_KERNEL_PORTABLE);
	return 0;
}

static int use_auto(void **state)
{
	(void)state;
	mcx_sakke_set_kernel(MCX_SAKKE_KERNEL_AUTO);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_g_and_hash),
	    cmocka_unit_test(test_kms_side),
	    cmocka_unit_test(test_rfc_encap_decap),
	    cmocka_unit_test(test_streamwide),
	    cmocka_unit_test(test_minimal_length_sender),
	    cmocka_unit_test(test_bad_input),
	    cmocka_unit_test(test_threads),
	};
	int rc = 0;

	rfc = mcx_vectors_load("sakke_rfc6508.json");
	sw = mcx_vectors_load("mikey_streamwide_v5.json");
	cmocka_set_message_output(CM_OUTPUT_STDOUT);
	rc |= _cmocka_run_group_tests("sakke_kat_default", tests,
				      sizeof(tests) / sizeof(tests[0]),
				      use_auto, NULL);
	rc |= _cmocka_run_group_tests("sakke_kat_portable", tests,
				      sizeof(tests) / sizeof(tests[0]),
				      use_portable, use_auto);
	json_object_put(rfc);
	json_object_put(sw);
	return rc;
}
