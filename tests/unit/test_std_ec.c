/*
 * mechanisms/ec_p256: key generation, ECDSA sign/verify round trip, a
 * signature made by OpenSSL's own API (default library context) verified by
 * us and ours verified by OpenSSL, the PKCS#11 encodings (CKA_EC_PARAMS,
 * CKA_EC_POINT), point and scalar validation.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "mechanisms/ec_p256.h"

/* A P-256 key made by OpenSSL in the default context, with its raw
 * private scalar and public point. */
static EVP_PKEY *ossl_key(uint8_t priv[32], uint8_t pub[65])
{
	EVP_PKEY *pkey = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	BIGNUM *d = NULL;
	size_t len = 0;

	assert_non_null(pkey);
	assert_int_equal(
	    EVP_PKEY_get_bn_param(pkey, OSSL_PKEY_PARAM_PRIV_KEY, &d), 1);
	assert_int_equal(BN_bn2binpad(d, priv, 32), 32);
	BN_clear_free(d);
	assert_int_equal(EVP_PKEY_get_octet_string_param(
			     pkey, OSSL_PKEY_PARAM_PUB_KEY, pub, 65, &len),
			 1);
	assert_int_equal(len, 65);
	return pkey;
}

static void test_generate_sign_verify(void **state)
{
	uint8_t priv[32], pub[65], pub2[65], sig[64], dgst[32];

	assert_int_equal(RAND_bytes(dgst, sizeof(dgst)), 1);
	assert_int_equal(mcx_ec_p256_generate(priv, pub), MCX_OK);
	assert_int_equal(pub[0], 0x04);
	assert_int_equal(mcx_ec_p256_check_point(pub, 65), MCX_OK);
	assert_int_equal(mcx_ec_p256_public(priv, pub2), MCX_OK);
	assert_memory_equal(pub, pub2, 65);
	assert_int_equal(mcx_ec_p256_sign(priv, dgst, 32, sig), MCX_OK);
	assert_int_equal(mcx_ec_p256_verify(pub, dgst, 32, sig, 64), MCX_OK);
	/* Digest lengths other than 32 (CKM_ECDSA takes any). */
	assert_int_equal(mcx_ec_p256_sign(priv, dgst, 20, sig), MCX_OK);
	assert_int_equal(mcx_ec_p256_verify(pub, dgst, 20, sig, 64), MCX_OK);
	assert_int_equal(mcx_ec_p256_verify(pub, dgst, 32, sig, 64),
			 MCX_ERR_SIGNATURE);
	sig[10] ^= 1;
	assert_int_equal(mcx_ec_p256_verify(pub, dgst, 20, sig, 64),
			 MCX_ERR_SIGNATURE);
	assert_int_equal(mcx_ec_p256_verify(pub, dgst, 20, sig, 63),
			 MCX_ERR_LENGTH);
	/* r = s = 0 is never valid. */
	memset(sig, 0, sizeof(sig));
	assert_int_equal(mcx_ec_p256_verify(pub, dgst, 32, sig, 64),
			 MCX_ERR_SIGNATURE);
}

static void test_verify_openssl_signature(void **state)
{
	uint8_t priv[32], pub[65], pub2[65], sig[64], dgst[32], der[80];
	size_t der_len = sizeof(der);
	EVP_PKEY *pkey = ossl_key(priv, pub);
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new(pkey, NULL);
	const unsigned char *p = der;
	ECDSA_SIG *es = NULL;
	unsigned char *out = NULL;
	int out_len = 0;

	assert_int_equal(RAND_bytes(dgst, sizeof(dgst)), 1);
	/* OpenSSL signs, we verify. */
	assert_int_equal(EVP_PKEY_sign_init(ctx), 1);
	assert_int_equal(EVP_PKEY_sign(ctx, der, &der_len, dgst, 32), 1);
	es = d2i_ECDSA_SIG(NULL, &p, (long)der_len);
	assert_non_null(es);
	assert_int_equal(BN_bn2binpad(ECDSA_SIG_get0_r(es), sig, 32), 32);
	assert_int_equal(BN_bn2binpad(ECDSA_SIG_get0_s(es), sig + 32, 32), 32);
	ECDSA_SIG_free(es);
	assert_int_equal(mcx_ec_p256_verify(pub, dgst, 32, sig, 64), MCX_OK);
	/* Our public point of OpenSSL's scalar is OpenSSL's. */
	assert_int_equal(mcx_ec_p256_public(priv, pub2), MCX_OK);
	assert_memory_equal(pub, pub2, 65);
	/* We sign with OpenSSL's key, OpenSSL verifies. */
	assert_int_equal(mcx_ec_p256_sign(priv, dgst, 32, sig), MCX_OK);
	es = ECDSA_SIG_new();
	assert_int_equal(ECDSA_SIG_set0(es, BN_bin2bn(sig, 32, NULL),
					BN_bin2bn(sig + 32, 32, NULL)),
			 1);
	out_len = i2d_ECDSA_SIG(es, &out);
	assert_true(out_len > 0);
	assert_int_equal(EVP_PKEY_verify_init(ctx), 1);
	assert_int_equal(EVP_PKEY_verify(ctx, out, (size_t)out_len, dgst, 32),
			 1);
	dgst[0] ^= 1;
	assert_int_not_equal(
	    EVP_PKEY_verify(ctx, out, (size_t)out_len, dgst, 32), 1);
	OPENSSL_free(out);
	ECDSA_SIG_free(es);
	EVP_PKEY_CTX_free(ctx);
	EVP_PKEY_free(pkey);
}

static void test_encodings(void **state)
{
	static const uint8_t oid[] = {0x06, 0x08, 0x2a, 0x86, 0x48,
				      0xce, 0x3d, 0x03, 0x01, 0x07};
	static const uint8_t p384[] = {0x06, 0x05, 0x2b, 0x81,
				       0x04, 0x00, 0x22};
	static const uint8_t name[] = {0x13, 0x0a, 'p', 'r', 'i', 'm',
				       'e',  '2',  '5', '6', 'v', '1'};
	static const uint8_t badname[] = {0x13, 0x05, 'P', '-', '3', '8', '4'};
	uint8_t priv[32], pub[65], der[67], back[65];

	assert_memory_equal(mcx_ec_p256_params_der, oid, sizeof(oid));
	assert_true(mcx_ec_p256_params_match(oid, sizeof(oid)));
	assert_true(mcx_ec_p256_params_match(name, sizeof(name)));
	assert_false(mcx_ec_p256_params_match(p384, sizeof(p384)));
	assert_false(mcx_ec_p256_params_match(badname, sizeof(badname)));
	assert_false(mcx_ec_p256_params_match(oid, sizeof(oid) - 1));

	assert_int_equal(mcx_ec_p256_generate(priv, pub), MCX_OK);
	mcx_ec_p256_point_to_der(pub, der);
	assert_int_equal(der[0], 0x04);
	assert_int_equal(der[1], 65);
	assert_int_equal(mcx_ec_p256_point_from_der(der, 67, back), MCX_OK);
	assert_memory_equal(back, pub, 65);
	assert_int_equal(mcx_ec_p256_point_from_der(pub, 65, back), MCX_OK);
	assert_memory_equal(back, pub, 65);
	assert_int_equal(mcx_ec_p256_point_from_der(der, 66, back),
			 MCX_ERR_ENCODING);
	/* Off the curve. */
	pub[64] ^= 1;
	assert_int_equal(mcx_ec_p256_check_point(pub, 65),
			 MCX_ERR_NOT_ON_CURVE);
	assert_int_equal(mcx_ec_p256_verify(pub, priv, 32, der, 64),
			 MCX_ERR_NOT_ON_CURVE);
	pub[0] = 0x02;
	assert_int_equal(mcx_ec_p256_check_point(pub, 65), MCX_ERR_ENCODING);
}

static void test_scalar_range(void **state)
{
	/* n and n+something: out of range; 0 likewise; n-1 fine. */
	static const uint8_t n[32] = {
	    0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff,
	    0xff, 0xff, 0xff, 0xff, 0xff, 0xbc, 0xe6, 0xfa, 0xad, 0xa7, 0x17,
	    0x9e, 0x84, 0xf3, 0xb9, 0xca, 0xc2, 0xfc, 0x63, 0x25, 0x51};
	uint8_t k[32], pub[65], sig[64], dgst[32] = {1};

	memset(k, 0, sizeof(k));
	assert_int_equal(mcx_ec_p256_public(k, pub), MCX_ERR_SCALAR_RANGE);
	assert_int_equal(mcx_ec_p256_sign(k, dgst, 32, sig),
			 MCX_ERR_SCALAR_RANGE);
	memcpy(k, n, 32);
	assert_int_equal(mcx_ec_p256_public(k, pub), MCX_ERR_SCALAR_RANGE);
	memset(k, 0xff, 32);
	assert_int_equal(mcx_ec_p256_public(k, pub), MCX_ERR_SCALAR_RANGE);
	memcpy(k, n, 32);
	k[31] -= 1;
	assert_int_equal(mcx_ec_p256_public(k, pub), MCX_OK);
	assert_int_equal(mcx_ec_p256_sign(k, dgst, 32, sig), MCX_OK);
	assert_int_equal(mcx_ec_p256_verify(pub, dgst, 32, sig, 64), MCX_OK);
	memset(k, 0, 32);
	k[31] = 1;
	assert_int_equal(mcx_ec_p256_public(k, pub), MCX_OK);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_generate_sign_verify),
	    cmocka_unit_test(test_verify_openssl_signature),
	    cmocka_unit_test(test_encodings),
	    cmocka_unit_test(test_scalar_range),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
