/*
 * mechanisms/digest and mechanisms/random: HMAC-SHA-256 against RFC 4231
 * test cases 1-7 (tests/vectors/hmac_sha256_rfc4231.json; case 5 is
 * published truncated to 128 bits, so its leftmost 16 octets are compared),
 * SHA-256 against EVP directly, streaming against one-shot.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "mechanisms/digest.h"
#include "mechanisms/random.h"
#include "tests/common/vectors.h"

static void test_rfc4231(void **state)
{
	struct json_object *root = mcx_vectors_load("hmac_sha256_rfc4231.json");
	struct json_object *arr = mcx_vectors_get(root, "vectors");
	size_t i = 0, n = 0;

	assert_non_null(arr);
	n = json_object_array_length(arr);
	assert_int_equal(n, 7);
	for (i = 0; i < n; i++) {
		char path[64];
		size_t key_len = 0, data_len = 0, exp_len = 0, j = 0;
		uint8_t *key = NULL, *data = NULL, *exp = NULL;
		uint8_t mac[MCX_SHA256_LEN], mac2[MCX_SHA256_LEN];
		struct mcx_digest *d = NULL;

		snprintf(path, sizeof(path), "vectors.%zu.key", i);
		key = mcx_vectors_hex(root, path, &key_len);
		snprintf(path, sizeof(path), "vectors.%zu.data", i);
		data = mcx_vectors_hex(root, path, &data_len);
		/* The RFC's own output (truncated for case 5). */
		snprintf(path, sizeof(path), "vectors.%zu.rfc_output", i);
		exp = mcx_vectors_hex(root, path, &exp_len);
		assert_true(exp_len == 16 || exp_len == 32);
		assert_int_equal(
		    mcx_digest_hmac_sha256(key, key_len, data, data_len, mac),
		    MCX_OK);
		assert_memory_equal(mac, exp, exp_len);
		/* Streaming, one octet at a time. */
		assert_int_equal(mcx_digest_new(&d, key, key_len), MCX_OK);
		for (j = 0; j < data_len; j++)
			assert_int_equal(mcx_digest_update(d, data + j, 1),
					 MCX_OK);
		assert_int_equal(mcx_digest_final(d, mac2), MCX_OK);
		assert_int_equal(mcx_digest_final(d, mac2), MCX_ERR_ARGUMENT);
		mcx_digest_free(d);
		assert_memory_equal(mac2, mac, MCX_SHA256_LEN);
		free(key);
		free(data);
		free(exp);
	}
	json_object_put(root);
}

static void test_sha256(void **state)
{
	uint8_t msg[1000], ref[32], got[32], got2[32];
	unsigned int len = 0;
	struct mcx_digest *d = NULL;

	assert_int_equal(RAND_bytes(msg, sizeof(msg)), 1);
	assert_int_equal(
	    EVP_Digest(msg, sizeof(msg), ref, &len, EVP_sha256(), NULL), 1);
	assert_int_equal(mcx_digest_sha256(msg, sizeof(msg), got), MCX_OK);
	assert_memory_equal(got, ref, 32);
	assert_int_equal(mcx_digest_new(&d, NULL, 0), MCX_OK);
	assert_int_equal(mcx_digest_update(d, msg, 333), MCX_OK);
	assert_int_equal(mcx_digest_update(d, NULL, 0), MCX_OK);
	assert_int_equal(mcx_digest_update(d, msg + 333, 667), MCX_OK);
	assert_int_equal(mcx_digest_final(d, got2), MCX_OK);
	mcx_digest_free(d);
	assert_memory_equal(got2, ref, 32);
	/* Empty message: SHA-256("") from EVP too. */
	assert_int_equal(EVP_Digest("", 0, ref, &len, EVP_sha256(), NULL), 1);
	assert_int_equal(mcx_digest_sha256(NULL, 0, got), MCX_OK);
	assert_memory_equal(got, ref, 32);
	assert_int_equal(mcx_digest_sha256(NULL, 5, got), MCX_ERR_ARGUMENT);

	/* Another hash by name: SHA-1 (CKM_ECDSA_SHA1), 20 octets. */
	assert_int_equal(
	    EVP_Digest(msg, sizeof(msg), ref, &len, EVP_sha1(), NULL), 1);
	assert_int_equal(mcx_digest_new_md(&d, "SHA1"), MCX_OK);
	assert_int_equal(mcx_digest_len(d), 20);
	assert_int_equal(mcx_digest_update(d, msg, sizeof(msg)), MCX_OK);
	assert_int_equal(mcx_digest_final(d, got2), MCX_OK);
	mcx_digest_free(d);
	assert_memory_equal(got2, ref, 20);
	assert_int_equal(mcx_digest_new_md(&d, "NO-SUCH-HASH"), MCX_ERR_CRYPTO);
	assert_null(d);
}

static void test_random(void **state)
{
	uint8_t a[64] = {0}, b[64] = {0}, zero[64] = {0};

	assert_int_equal(mcx_random_bytes(a, sizeof(a)), MCX_OK);
	assert_int_equal(mcx_random_bytes(b, sizeof(b)), MCX_OK);
	assert_memory_not_equal(a, b, sizeof(a));
	assert_memory_not_equal(a, zero, sizeof(a));
	assert_int_equal(mcx_random_bytes(NULL, 0), MCX_OK);
	assert_int_equal(mcx_random_bytes(NULL, 1), MCX_ERR_ARGUMENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_rfc4231),
	    cmocka_unit_test(test_sha256),
	    cmocka_unit_test(test_random),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
