/*
 * ECCSI (RFC 6507) known answers and bad input:
 * - RFC 6507 Appendix A (tests/vectors/eccsi_rfc6507.json): KPAK, PVT, HS,
 *   SSK, r, HE, s, SIG, the verifier's Y, [HE]G, [r]Y, J, and the file's
 *   suggested negative tests;
 * - the three Streamwide v5 key sets (SSK/PVT validate, HS as derived) and
 *   the Streamwide messages' signatures, which cover the message up to and
 *   including the 2-octet SIGN header (mikey_streamwide_v5.json);
 * - round trips (one-shot, multi-part, cached and new signer) and every
 *   distinct error.
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
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/rand.h>

#include "mechanisms/eccsi.h"
#include "mechanisms/eccsi_ord.h"
#include "tests/common/vectors.h"

struct rfc {
	struct json_object *root;
	uint8_t *ksak, *id, *v, *m, *j;
	size_t id_len, m_len, len;
	uint8_t *kpak, *pvt, *hs, *ssk, *r, *he, *s, *sig, *jpt;
	struct mcx_eccsi_kpak *k;
};

static uint8_t *hex(struct json_object *root, const char *path, size_t want)
{
	size_t len = 0;
	uint8_t *out = mcx_vectors_hex(root, path, &len);

	if (want != 0)
		assert_int_equal(len, want);
	return out;
}

static int setup(void **state)
{
	struct rfc *t = calloc(1, sizeof(*t));
	size_t len = 0;

	assert_non_null(t);
	t->root = mcx_vectors_load("eccsi_rfc6507.json");
	t->ksak = hex(t->root, "inputs.KSAK.hex", 32);
	t->id = mcx_vectors_hex(t->root, "inputs.ID.hex", &t->id_len);
	t->v = hex(t->root, "inputs.v.hex", 32);
	t->m = mcx_vectors_hex(t->root, "inputs.M.hex", &t->m_len);
	t->j = hex(t->root, "inputs.j.hex", 32);
	t->kpak = hex(t->root, "outputs.KPAK.hex", 65);
	t->pvt = hex(t->root, "outputs.PVT.hex", 65);
	t->hs = hex(t->root, "outputs.HS.hex", 32);
	t->ssk = hex(t->root, "outputs.SSK.hex", 32);
	t->r = hex(t->root, "outputs.r.hex", 32);
	t->he = hex(t->root, "outputs.HE.hex", 32);
	t->s = hex(t->root, "outputs.s.hex", 32);
	t->sig = hex(t->root, "outputs.Signature.hex", 129);
	t->jpt = hex(t->root, "outputs.J.hex", 65);
	(void)len;
	assert_int_equal(mcx_eccsi_kpak_new(&t->k, t->kpak, 65), MCX_OK);
	*state = t;
	return 0;
}

static int teardown(void **state)
{
	struct rfc *t = *state;

	mcx_eccsi_kpak_free(t->k);
	free(t->ksak);
	free(t->id);
	free(t->v);
	free(t->m);
	free(t->j);
	free(t->kpak);
	free(t->pvt);
	free(t->hs);
	free(t->ssk);
	free(t->r);
	free(t->he);
	free(t->s);
	free(t->sig);
	free(t->jpt);
	json_object_put(t->root);
	free(t);
	return 0;
}

static void sha256(const uint8_t *a, size_t a_len, const uint8_t *b,
		   size_t b_len, const uint8_t *c, size_t c_len,
		   uint8_t out[32])
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();

	assert_non_null(md);
	assert_true(EVP_DigestInit_ex(md, EVP_sha256(), NULL));
	assert_true(EVP_DigestUpdate(md, a, a_len));
	assert_true(EVP_DigestUpdate(md, b, b_len));
	assert_true(EVP_DigestUpdate(md, c, c_len));
	assert_true(EVP_DigestFinal_ex(md, out, NULL));
	EVP_MD_CTX_free(md);
}

/* KMS side: KPAK = [KSAK]G, PVT = [v]G, SSK = KSAK + HS*v. */
static void test_rfc_kms(void **state)
{
	struct rfc *t = *state;
	uint8_t kpak[65], ssk[32], pvt[65];

	assert_int_equal(mcx_eccsi_kms_kpak(t->ksak, kpak), MCX_OK);
	assert_memory_equal(kpak, t->kpak, 65);
	assert_int_equal(mcx_eccsi_kms_issue_with_v_for_test(
			     t->ksak, t->id, t->id_len, t->v, ssk, pvt),
			 MCX_OK);
	assert_memory_equal(pvt, t->pvt, 65);
	assert_memory_equal(ssk, t->ssk, 32);
}

/* Signer validation computes HS; deterministic signing gives the RFC SIG and
 * its intermediates r = Jx, HE, s = s'. */
static void test_rfc_sign(void **state)
{
	struct rfc *t = *state;
	struct mcx_eccsi_signer *s = NULL;
	uint8_t sig[129], he[32];
	uint8_t *s_prime = hex(t->root, "outputs.s_prime.hex", 32);

	assert_int_equal(mcx_eccsi_signer_new(&s, t->k, t->id, t->id_len,
					      t->ssk, 32, t->pvt, 65),
			 MCX_OK);
	assert_memory_equal(mcx_eccsi_signer_hs(s), t->hs, 32);
	assert_memory_equal(mcx_eccsi_signer_pvt(s), t->pvt, 65);
	assert_int_equal(
	    mcx_eccsi_sign_with_j_for_test(s, t->m, t->m_len, t->j, sig),
	    MCX_OK);
	assert_memory_equal(sig, t->sig, 129);
	assert_memory_equal(sig, t->r, 32);
	assert_memory_equal(sig, t->jpt + 1, 32); /* r = Jx */
	assert_memory_equal(sig + 32, t->s, 32);
	assert_memory_equal(sig + 32, s_prime, 32);
	sha256(t->hs, 32, t->r, 32, t->m, t->m_len, he);
	assert_memory_equal(he, t->he, 32);
	mcx_eccsi_signer_free(s);
	free(s_prime);
}

static void point_hex(const EC_GROUP *g, const EC_POINT *p, uint8_t out[65])
{
	assert_int_equal(EC_POINT_point2oct(g, p, POINT_CONVERSION_UNCOMPRESSED,
					    out, 65, NULL),
			 65);
}

/* Verification: Y from the verifier, and [HE]G, [r]Y, J recomputed from the
 * file's values with libcrypto directly, as a check of the vectors that
 * our verify relies on. */
static void test_rfc_verify(void **state)
{
	struct rfc *t = *state;
	struct mcx_eccsi_verifier *v = NULL;
	uint8_t y[65], buf[65];
	uint8_t *y_exp = hex(t->root, "verification_intermediates.Y.hex", 65);
	uint8_t *heg = hex(t->root, "verification_intermediates.HE_G.hex", 65);
	uint8_t *ry = hex(t->root, "verification_intermediates.r_Y.hex", 65);
	uint8_t *jv =
	    hex(t->root, "verification_intermediates.J_verify.hex", 65);
	EC_GROUP *g = EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1);
	EC_POINT *p1 = EC_POINT_new(g), *p2 = EC_POINT_new(g);
	BIGNUM *bhe = BN_bin2bn(t->he, 32, NULL),
	       *br = BN_bin2bn(t->r, 32, NULL);
	BIGNUM *bs = BN_bin2bn(t->s, 32, NULL);

	assert_int_equal(mcx_eccsi_verify(t->k, t->id, t->id_len, t->m,
					  t->m_len, t->sig, 129),
			 MCX_OK);
	assert_int_equal(
	    mcx_eccsi_verifier_new(&v, t->k, t->id, t->id_len, t->pvt, 65),
	    MCX_OK);
	assert_memory_equal(mcx_eccsi_verifier_hs(v), t->hs, 32);
	assert_int_equal(mcx_eccsi_verifier_y(v, y), MCX_OK);
	assert_memory_equal(y, y_exp, 65);
	assert_int_equal(
	    mcx_eccsi_verifier_verify(v, t->m, t->m_len, t->sig, 129), MCX_OK);
	/* [HE]G */
	assert_true(EC_POINT_mul(g, p1, bhe, NULL, NULL, NULL));
	point_hex(g, p1, buf);
	assert_memory_equal(buf, heg, 65);
	/* [r]Y */
	assert_true(EC_POINT_oct2point(g, p2, y, 65, NULL));
	assert_true(EC_POINT_mul(g, p2, NULL, p2, br, NULL));
	point_hex(g, p2, buf);
	assert_memory_equal(buf, ry, 65);
	/* J = [s]([HE]G + [r]Y), Jx = r */
	assert_true(EC_POINT_add(g, p1, p1, p2, NULL));
	assert_true(EC_POINT_mul(g, p1, NULL, p1, bs, NULL));
	point_hex(g, p1, buf);
	assert_memory_equal(buf, jv, 65);
	assert_memory_equal(buf + 1, t->r, 32);
	mcx_eccsi_verifier_free(v);
	BN_free(bhe);
	BN_free(br);
	BN_free(bs);
	EC_POINT_free(p1);
	EC_POINT_free(p2);
	EC_GROUP_free(g);
	free(y_exp);
	free(heg);
	free(ry);
	free(jv);
}

/* "flip any bit of r, s, PVT, M or ID -> verify must fail": every bit of
 * r, s and PVT, every bit of M and ID. */
static void test_rfc_flips(void **state)
{
	struct rfc *t = *state;
	struct mcx_eccsi_verifier *v = NULL;
	uint8_t sig[129];
	uint8_t *m = malloc(t->m_len), *id = malloc(t->id_len);

	assert_non_null(m);
	assert_non_null(id);
	assert_int_equal(
	    mcx_eccsi_verifier_new(&v, t->k, t->id, t->id_len, t->pvt, 65),
	    MCX_OK);
	for (size_t bit = 0; bit < 129 * 8; bit++) {
		memcpy(sig, t->sig, 129);
		sig[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		assert_int_not_equal(mcx_eccsi_verify(t->k, t->id, t->id_len,
						      t->m, t->m_len, sig, 129),
				     MCX_OK);
		assert_int_not_equal(
		    mcx_eccsi_verifier_verify(v, t->m, t->m_len, sig, 129),
		    MCX_OK);
	}
	for (size_t bit = 0; bit < t->m_len * 8; bit++) {
		memcpy(m, t->m, t->m_len);
		m[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		assert_int_equal(
		    mcx_eccsi_verifier_verify(v, m, t->m_len, t->sig, 129),
		    MCX_ERR_SIGNATURE);
	}
	for (size_t bit = 0; bit < t->id_len * 8; bit++) {
		memcpy(id, t->id, t->id_len);
		id[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		assert_int_equal(mcx_eccsi_verify(t->k, id, t->id_len, t->m,
						  t->m_len, t->sig, 129),
				 MCX_ERR_SIGNATURE);
	}
	/* A truncated message or ID also fails. */
	assert_int_equal(mcx_eccsi_verify(t->k, t->id, t->id_len, t->m,
					  t->m_len - 1, t->sig, 129),
			 MCX_ERR_SIGNATURE);
	assert_int_equal(mcx_eccsi_verify(t->k, t->id, t->id_len - 1, t->m,
					  t->m_len, t->sig, 129),
			 MCX_ERR_SIGNATURE);
	mcx_eccsi_verifier_free(v);
	free(m);
	free(id);
}

/* Distinct errors for each kind of bad input. */
static void test_rfc_bad_input(void **state)
{
	struct rfc *t = *state;
	static const uint8_t q[32] = {
	    0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0xFF,
	    0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xBC, 0xE6, 0xFA, 0xAD, 0xA7, 0x17,
	    0x9E, 0x84, 0xF3, 0xB9, 0xCA, 0xC2, 0xFC, 0x63, 0x25, 0x51};
	static const uint8_t p[32] = {
	    0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,
	    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xFF, 0xFF,
	    0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF};
	struct mcx_eccsi_signer *s = NULL;
	struct mcx_eccsi_verifier *v = NULL;
	struct mcx_eccsi_kpak *k = NULL;
	uint8_t sig[130], pt[65], ssk[32];

	/* Signature length. */
	assert_int_equal(mcx_eccsi_verify(t->k, t->id, t->id_len, t->m,
					  t->m_len, t->sig, 128),
			 MCX_ERR_LENGTH);
	memcpy(sig, t->sig, 129);
	sig[129] = 0;
	assert_int_equal(
	    mcx_eccsi_verify(t->k, t->id, t->id_len, t->m, t->m_len, sig, 130),
	    MCX_ERR_LENGTH);
	/* r = 0, r = q, s = 0, s = q. */
	memcpy(sig, t->sig, 129);
	memset(sig, 0, 32);
	assert_int_equal(
	    mcx_eccsi_verify(t->k, t->id, t->id_len, t->m, t->m_len, sig, 129),
	    MCX_ERR_SCALAR_RANGE);
	memcpy(sig, q, 32);
	assert_int_equal(
	    mcx_eccsi_verify(t->k, t->id, t->id_len, t->m, t->m_len, sig, 129),
	    MCX_ERR_SCALAR_RANGE);
	memcpy(sig, t->sig, 129);
	memset(sig + 32, 0, 32);
	assert_int_equal(
	    mcx_eccsi_verify(t->k, t->id, t->id_len, t->m, t->m_len, sig, 129),
	    MCX_ERR_SCALAR_RANGE);
	memcpy(sig + 32, q, 32);
	assert_int_equal(
	    mcx_eccsi_verify(t->k, t->id, t->id_len, t->m, t->m_len, sig, 129),
	    MCX_ERR_SCALAR_RANGE);
	/* The cached path checks the same. */
	assert_int_equal(
	    mcx_eccsi_verifier_new(&v, t->k, t->id, t->id_len, t->pvt, 65),
	    MCX_OK);
	assert_int_equal(mcx_eccsi_verifier_verify(v, t->m, t->m_len, sig, 129),
			 MCX_ERR_SCALAR_RANGE);
	assert_int_equal(
	    mcx_eccsi_verifier_verify(v, t->m, t->m_len, t->sig, 100),
	    MCX_ERR_LENGTH);
	/* PVT not on the curve, badly encoded, coordinate >= p. */
	memcpy(sig, t->sig, 129);
	sig[129 - 1] ^= 1;
	assert_int_equal(
	    mcx_eccsi_verify(t->k, t->id, t->id_len, t->m, t->m_len, sig, 129),
	    MCX_ERR_NOT_ON_CURVE);
	assert_int_equal(mcx_eccsi_verifier_verify(v, t->m, t->m_len, sig, 129),
			 MCX_ERR_NOT_ON_CURVE);
	memcpy(sig, t->sig, 129);
	sig[64] = 0x02;
	assert_int_equal(
	    mcx_eccsi_verify(t->k, t->id, t->id_len, t->m, t->m_len, sig, 129),
	    MCX_ERR_ENCODING);
	memcpy(sig, t->sig, 129);
	memcpy(sig + 65, p, 32);
	assert_int_equal(
	    mcx_eccsi_verify(t->k, t->id, t->id_len, t->m, t->m_len, sig, 129),
	    MCX_ERR_ENCODING);
	mcx_eccsi_verifier_free(v);
	v = NULL;
	memcpy(pt, t->pvt, 65);
	pt[40] ^= 0x10;
	assert_int_equal(
	    mcx_eccsi_verifier_new(&v, t->k, t->id, t->id_len, pt, 65),
	    MCX_ERR_NOT_ON_CURVE);
	assert_null(v);
	assert_int_equal(mcx_eccsi_signer_new(&s, t->k, t->id, t->id_len,
					      t->ssk, 32, pt, 65),
			 MCX_ERR_NOT_ON_CURVE);
	assert_null(s);
	assert_int_equal(mcx_eccsi_signer_new(&s, t->k, t->id, t->id_len,
					      t->ssk, 32, t->pvt, 64),
			 MCX_ERR_LENGTH);
	/* KPAK checks. */
	assert_int_equal(mcx_eccsi_kpak_new(&k, pt, 65), MCX_ERR_NOT_ON_CURVE);
	assert_int_equal(mcx_eccsi_kpak_new(&k, t->kpak, 33), MCX_ERR_LENGTH);
	memcpy(pt, t->kpak, 65);
	pt[0] = 0x03;
	assert_int_equal(mcx_eccsi_kpak_new(&k, pt, 65), MCX_ERR_ENCODING);
	assert_null(k);
	/* "SSK with wrong HS -> validation must fail": the SSK of another
	 * ID, a modified SSK, and SSK out of range. */
	assert_int_equal(mcx_eccsi_signer_new(&s, t->k, t->id, t->id_len - 1,
					      t->ssk, 32, t->pvt, 65),
			 MCX_ERR_KEY_INVALID);
	memcpy(ssk, t->ssk, 32);
	ssk[31] ^= 1;
	assert_int_equal(mcx_eccsi_signer_new(&s, t->k, t->id, t->id_len, ssk,
					      32, t->pvt, 65),
			 MCX_ERR_KEY_INVALID);
	memset(ssk, 0, 32);
	assert_int_equal(mcx_eccsi_signer_new(&s, t->k, t->id, t->id_len, ssk,
					      32, t->pvt, 65),
			 MCX_ERR_SCALAR_RANGE);
	assert_int_equal(
	    mcx_eccsi_signer_new(&s, t->k, t->id, t->id_len, q, 32, t->pvt, 65),
	    MCX_ERR_SCALAR_RANGE);
	assert_int_equal(mcx_eccsi_signer_new(&s, t->k, t->id, t->id_len,
					      t->ssk, 31, t->pvt, 65),
			 MCX_ERR_LENGTH);
	assert_null(s);
	/* A KPAK of another KMS refuses the key. */
	assert_int_equal(mcx_eccsi_kpak_new(&k, t->pvt, 65), MCX_OK);
	assert_int_equal(mcx_eccsi_signer_new(&s, k, t->id, t->id_len, t->ssk,
					      32, t->pvt, 65),
			 MCX_ERR_KEY_INVALID);
	assert_int_equal(
	    mcx_eccsi_verify(k, t->id, t->id_len, t->m, t->m_len, t->sig, 129),
	    MCX_ERR_SIGNATURE);
	mcx_eccsi_kpak_free(k);
	/* j out of range for the test signer; KSAK out of range. */
	assert_int_equal(mcx_eccsi_signer_new(&s, t->k, t->id, t->id_len,
					      t->ssk, 32, t->pvt, 65),
			 MCX_OK);
	assert_int_equal(
	    mcx_eccsi_sign_with_j_for_test(s, t->m, t->m_len, q, sig),
	    MCX_ERR_SCALAR_RANGE);
	mcx_eccsi_signer_free(s);
	assert_int_equal(mcx_eccsi_kms_kpak(q, pt), MCX_ERR_SCALAR_RANGE);
}

/* Random KMS, random users: one-shot, multi-part, cached and new-signer
 * verification agree; a second key for the same ID goes the slow way. */
static void test_round_trips(void **state)
{
	uint8_t ksak[32], kpak[65], ssk[32], pvt[65], ssk2[32], pvt2[65];
	uint8_t id[32], msg[300], sig[129], sig2[129];
	struct mcx_eccsi_kpak *k = NULL;
	struct mcx_eccsi_signer *s = NULL, *s2 = NULL;
	struct mcx_eccsi_verifier *v = NULL;
	struct mcx_eccsi_sign_ctx *ctx = NULL;

	(void)state;
	assert_int_equal(mcx_eccsi_kms_keygen(ksak, kpak), MCX_OK);
	assert_int_equal(mcx_eccsi_kpak_new(&k, kpak, 65), MCX_OK);
	assert_true(RAND_bytes(id, sizeof(id)));
	assert_true(RAND_bytes(msg, sizeof(msg)));
	assert_int_equal(mcx_eccsi_kms_issue(ksak, id, 32, ssk, pvt), MCX_OK);
	assert_int_equal(mcx_eccsi_kms_issue(ksak, id, 32, ssk2, pvt2), MCX_OK);
	assert_memory_not_equal(pvt, pvt2, 65);
	assert_int_equal(mcx_eccsi_signer_new(&s, k, id, 32, ssk, 32, pvt, 65),
			 MCX_OK);
	assert_int_equal(
	    mcx_eccsi_signer_new(&s2, k, id, 32, ssk2, 32, pvt2, 65), MCX_OK);
	assert_int_equal(mcx_eccsi_verifier_new(&v, k, id, 32, pvt, 65),
			 MCX_OK);
	for (size_t len = 0; len < sizeof(msg); len += 37) {
		assert_int_equal(mcx_eccsi_sign(s, msg, len, sig), MCX_OK);
		assert_int_equal(
		    mcx_eccsi_verify(k, id, 32, msg, len, sig, 129), MCX_OK);
		assert_int_equal(
		    mcx_eccsi_verifier_verify(v, msg, len, sig, 129), MCX_OK);
		/* Randomised: two signatures differ. */
		assert_int_equal(mcx_eccsi_sign(s, msg, len, sig2), MCX_OK);
		assert_memory_not_equal(sig, sig2, 64);
		/* Multi-part in uneven pieces. */
		assert_int_equal(mcx_eccsi_sign_init(&ctx, s), MCX_OK);
		for (size_t off = 0; off < len; off += 13)
			assert_int_equal(mcx_eccsi_sign_update(
					     ctx, msg + off,
					     len - off < 13 ? len - off : 13),
					 MCX_OK);
		assert_int_equal(mcx_eccsi_sign_final(ctx, sig), MCX_OK);
		assert_int_equal(mcx_eccsi_sign_final(ctx, sig2),
				 MCX_ERR_ARGUMENT);
		mcx_eccsi_sign_ctx_free(ctx);
		ctx = NULL;
		assert_int_equal(
		    mcx_eccsi_verifier_verify(v, msg, len, sig, 129), MCX_OK);
		if (len > 0) {
			assert_int_equal(mcx_eccsi_verifier_verify(
					     v, msg, len - 1, sig, 129),
					 MCX_ERR_SIGNATURE);
		}
		/* The second key: the verifier cached the first PVT. */
		assert_int_equal(mcx_eccsi_sign(s2, msg, len, sig2), MCX_OK);
		assert_int_equal(
		    mcx_eccsi_verifier_verify(v, msg, len, sig2, 129), MCX_OK);
		/* Mixing r||s of one key with the PVT of the other fails. */
		memcpy(sig2 + 64, pvt, 65);
		assert_int_equal(
		    mcx_eccsi_verifier_verify(v, msg, len, sig2, 129),
		    MCX_ERR_SIGNATURE);
	}
	/* Another ID does not verify. */
	id[0] ^= 1;
	assert_int_equal(mcx_eccsi_verify(k, id, 32, msg, 10, sig, 129),
			 MCX_ERR_SIGNATURE);
	/* The key of one ID does not validate for another. */
	mcx_eccsi_signer_free(s2);
	s2 = NULL;
	assert_int_equal(mcx_eccsi_signer_new(&s2, k, id, 32, ssk, 32, pvt, 65),
			 MCX_ERR_KEY_INVALID);
	assert_null(s2);
	mcx_eccsi_signer_free(s);
	mcx_eccsi_verifier_free(v);
	mcx_eccsi_kpak_free(k);
}

/* Streamwide v5: the three key sets validate with HS as derived, and the
 * three I_MESSAGEs' signatures verify with the initiator's UID over the
 * message up to and including the SIGN header (and not without it). */
static void test_streamwide(void **state)
{
	struct json_object *root = mcx_vectors_load("mikey_streamwide_v5.json");
	static const char *users[] = {"GMS", "Alice", "Bob"};
	struct mcx_eccsi_kpak *k = NULL;
	size_t len = 0;
	uint8_t *kpak = mcx_vectors_hex(root, "kms.KPAK_PubAuthKey", &len);
	char path[128];

	(void)state;
	assert_int_equal(mcx_eccsi_kpak_new(&k, kpak, len), MCX_OK);
	for (size_t i = 0; i < 3; i++) {
		struct mcx_eccsi_signer *s = NULL;
		uint8_t *uid, *ssk, *pvt, *hs;
		size_t uid_len, ssk_len, pvt_len, hs_len;
		uint8_t sig[129];
		static const uint8_t msg[] = "round trip";

		snprintf(path, sizeof(path), "users.%s.uid", users[i]);
		uid = mcx_vectors_hex(root, path, &uid_len);
		snprintf(path, sizeof(path), "users.%s.SSK", users[i]);
		ssk = mcx_vectors_hex(root, path, &ssk_len);
		snprintf(path, sizeof(path), "users.%s.PVT", users[i]);
		pvt = mcx_vectors_hex(root, path, &pvt_len);
		snprintf(path, sizeof(path), "users.%s.HS_derived", users[i]);
		hs = mcx_vectors_hex(root, path, &hs_len);
		assert_int_equal(uid_len, 32);
		assert_int_equal(mcx_eccsi_signer_new(&s, k, uid, uid_len, ssk,
						      ssk_len, pvt, pvt_len),
				 MCX_OK);
		assert_int_equal(hs_len, 32);
		assert_memory_equal(mcx_eccsi_signer_hs(s), hs, 32);
		assert_int_equal(mcx_eccsi_sign(s, msg, sizeof(msg), sig),
				 MCX_OK);
		assert_int_equal(
		    mcx_eccsi_verify(k, uid, 32, msg, sizeof(msg), sig, 129),
		    MCX_OK);
		mcx_eccsi_signer_free(s);
		free(uid);
		free(ssk);
		free(pvt);
		free(hs);
	}
	for (size_t c = 0;; c++) {
		struct json_object *cs = NULL;
		struct mcx_eccsi_verifier *v = NULL;
		uint8_t *m, *uid, *sig;
		size_t m_len, uid_len, sig_len, n_payloads, off;

		snprintf(path, sizeof(path), "cases.%zu", c);
		cs = mcx_vectors_get(root, path);
		if (cs == NULL) {
			assert_int_equal(c, 3);
			break;
		}
		m = mcx_vectors_hex(cs, "hex", &m_len);
		uid = mcx_vectors_hex(cs, "initiator.uid", &uid_len);
		n_payloads =
		    json_object_array_length(mcx_vectors_get(cs, "payloads"));
		snprintf(path, sizeof(path), "payloads.%zu.type",
			 n_payloads - 1);
		assert_string_equal(mcx_vectors_str(cs, path), "SIGN");
		snprintf(path, sizeof(path), "payloads.%zu.offset",
			 n_payloads - 1);
		off = (size_t)json_object_get_int(mcx_vectors_get(cs, path));
		snprintf(path, sizeof(path), "payloads.%zu.signature",
			 n_payloads - 1);
		sig = mcx_vectors_hex(cs, path, &sig_len);
		assert_int_equal(sig_len, 129);
		/* SIGN header: S type 2 (ECCSI) | length 129, then SIG. */
		assert_int_equal(m[off], 0x20 | (129 >> 8));
		assert_int_equal(m[off + 1], 129 & 0xFF);
		assert_int_equal(off + 2 + 129, m_len);
		assert_memory_equal(m + off + 2, sig, 129);
		assert_int_equal(
		    mcx_eccsi_verify(k, uid, uid_len, m, off + 2, sig, 129),
		    MCX_OK);
		assert_int_equal(
		    mcx_eccsi_verify(k, uid, uid_len, m, off, sig, 129),
		    MCX_ERR_SIGNATURE);
		assert_int_equal(
		    mcx_eccsi_verifier_new(&v, k, uid, uid_len, sig + 64, 65),
		    MCX_OK);
		assert_int_equal(
		    mcx_eccsi_verifier_verify(v, m, off + 2, sig, 129), MCX_OK);
		m[5] ^= 0x01;
		assert_int_equal(
		    mcx_eccsi_verifier_verify(v, m, off + 2, sig, 129),
		    MCX_ERR_SIGNATURE);
		mcx_eccsi_verifier_free(v);
		free(m);
		free(uid);
		free(sig);
	}
	mcx_eccsi_kpak_free(k);
	free(kpak);
	json_object_put(root);
}

/* The constant-time inversion modulo the P-256 order against BIGNUM: 1,
 * q - 1, 2^k, and random values. */
static void test_ord_inverse(void **state)
{
	EC_GROUP *g = EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1);
	const BIGNUM *q = EC_GROUP_get0_order(g);
	BIGNUM *x = BN_new(), *y = BN_new();
	BN_CTX *bn = BN_CTX_new();
	uint8_t in[32], out[32], exp[32];

	(void)state;
	assert_non_null(y);
	for (int i = 0; i < 2000; i++) {
		if (i == 0)
			assert_true(BN_one(x));
		else if (i == 1)
			assert_true(BN_sub(x, q, BN_value_one()));
		else if (i < 258)
			assert_true(BN_lshift(x, BN_value_one(), i - 2) &&
				    BN_nnmod(x, x, q, bn));
		else
			assert_true(BN_rand_range(x, q));
		if (BN_is_zero(x))
			continue;
		assert_int_equal(BN_bn2binpad(x, in, 32), 32);
		assert_non_null(BN_mod_inverse(y, x, q, bn));
		assert_int_equal(BN_bn2binpad(y, exp, 32), 32);
		mcx_eccsi_ord_inverse(out, in);
		assert_memory_equal(out, exp, 32);
	}
	BN_free(x);
	BN_free(y);
	BN_CTX_free(bn);
	EC_GROUP_free(g);
}

/* s = j * (HE + r*SSK)^-1 mod q against BIGNUM, with HE >= q sometimes,
 * and the zero case (HE = -r*SSK mod q) reported. */
static void test_ord_sign(void **state)
{
	EC_GROUP *g = EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1);
	const BIGNUM *q = EC_GROUP_get0_order(g);
	BIGNUM *j = BN_new(), *k = BN_new(), *r = BN_new(), *h = BN_new();
	BIGNUM *t = BN_new();
	BN_CTX *bn = BN_CTX_new();
	uint8_t jb[32], kb[32], rb[32], hb[32], out[32], exp[32];

	(void)state;
	assert_non_null(t);
	for (int i = 0; i < 500; i++) {
		assert_true(BN_rand_range(j, q) && BN_rand_range(k, q) &&
			    BN_rand_range(r, q));
		if (BN_is_zero(j) || BN_is_zero(k) || BN_is_zero(r))
			continue;
		if (i % 3 == 0) {
			/* HE in [q, 2^256) */
			assert_true(BN_rand(h, 256 - 40, BN_RAND_TOP_ANY,
					    BN_RAND_BOTTOM_ANY) &&
				    BN_add(h, h, q));
		} else {
			assert_true(BN_rand(h, 256, BN_RAND_TOP_ANY,
					    BN_RAND_BOTTOM_ANY));
		}
		assert_true(BN_bn2binpad(j, jb, 32) == 32 &&
			    BN_bn2binpad(k, kb, 32) == 32 &&
			    BN_bn2binpad(r, rb, 32) == 32 &&
			    BN_bn2binpad(h, hb, 32) == 32);
		assert_true(BN_mod_mul(t, r, k, q, bn) &&
			    BN_mod_add(t, t, h, q, bn) &&
			    BN_mod_inverse(t, t, q, bn) != NULL &&
			    BN_mod_mul(t, t, j, q, bn) &&
			    BN_bn2binpad(t, exp, 32) == 32);
		assert_int_equal(mcx_eccsi_ord_sign(out, jb, kb, rb, hb), 1);
		assert_memory_equal(out, exp, 32);
	}
	/* HE = q - r*SSK mod q: the RFC's retry case. */
	assert_true(BN_mod_mul(t, r, k, q, bn) && BN_sub(h, q, t) &&
		    BN_bn2binpad(h, hb, 32) == 32);
	assert_int_equal(mcx_eccsi_ord_sign(out, jb, kb, rb, hb), 0);
	BN_free(j);
	BN_free(k);
	BN_free(r);
	BN_free(h);
	BN_free(t);
	BN_CTX_free(bn);
	EC_GROUP_free(g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_ord_inverse),
	    cmocka_unit_test(test_ord_sign),
	    cmocka_unit_test(test_rfc_kms),
	    cmocka_unit_test(test_rfc_sign),
	    cmocka_unit_test(test_rfc_verify),
	    cmocka_unit_test(test_rfc_flips),
	    cmocka_unit_test(test_rfc_bad_input),
	    cmocka_unit_test(test_round_trips),
	    cmocka_unit_test(test_streamwide),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
