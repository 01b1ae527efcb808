/*
 * mechanisms/aes: RFC 3394 and RFC 5649 known answers (read at run time from
 * tests/vectors/aes_keywrap_rfc3394_rfc5649.json), GCM (incl. 16-octet IVs
 * and short tags) against libcrypto's EVP used directly, streaming against
 * one-shot, tag and wrap integrity failures, the AES check value.
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

#include "mechanisms/aes.h"
#include "mechanisms/libctx.h"
#include "tests/common/vectors.h"

static void test_rfc3394(void **state)
{
	struct json_object *root =
	    mcx_vectors_load("aes_keywrap_rfc3394_rfc5649.json");
	struct json_object *arr = mcx_vectors_get(root, "rfc3394");
	size_t i = 0, n = 0;

	assert_non_null(arr);
	n = json_object_array_length(arr);
	assert_int_equal(n, 6);
	for (i = 0; i < n; i++) {
		char path[64];
		size_t kek_len = 0, kd_len = 0, w_len = 0;
		uint8_t *kek = NULL, *kd = NULL, *w = NULL;
		uint8_t out[64], back[64];

		snprintf(path, sizeof(path), "rfc3394.%zu.kek", i);
		kek = mcx_vectors_hex(root, path, &kek_len);
		snprintf(path, sizeof(path), "rfc3394.%zu.key_data", i);
		kd = mcx_vectors_hex(root, path, &kd_len);
		snprintf(path, sizeof(path), "rfc3394.%zu.wrapped", i);
		w = mcx_vectors_hex(root, path, &w_len);
		assert_int_equal(w_len, kd_len + 8);
		assert_int_equal(mcx_aes_wrap(kek, kek_len, kd, kd_len, out),
				 MCX_OK);
		assert_memory_equal(out, w, w_len);
		assert_int_equal(mcx_aes_unwrap(kek, kek_len, w, w_len, back),
				 MCX_OK);
		assert_memory_equal(back, kd, kd_len);
		/* RFC 3394 2.2.3: any change fails the integrity check. */
		w[w_len - 1] ^= 0x01;
		assert_int_equal(mcx_aes_unwrap(kek, kek_len, w, w_len, back),
				 MCX_ERR_AUTH);
		free(kek);
		free(kd);
		free(w);
	}
	json_object_put(root);
}

static void test_rfc5649(void **state)
{
	struct json_object *root =
	    mcx_vectors_load("aes_keywrap_rfc3394_rfc5649.json");
	struct json_object *arr = mcx_vectors_get(root, "rfc5649");
	size_t i = 0, n = 0;

	assert_non_null(arr);
	n = json_object_array_length(arr);
	assert_int_equal(n, 2);
	for (i = 0; i < n; i++) {
		char path[64];
		size_t kek_len = 0, kd_len = 0, w_len = 0, back_len = 0;
		uint8_t *kek = NULL, *kd = NULL, *w = NULL;
		uint8_t out[64], back[64];

		snprintf(path, sizeof(path), "rfc5649.%zu.kek", i);
		kek = mcx_vectors_hex(root, path, &kek_len);
		snprintf(path, sizeof(path), "rfc5649.%zu.key_data", i);
		kd = mcx_vectors_hex(root, path, &kd_len);
		snprintf(path, sizeof(path), "rfc5649.%zu.wrapped", i);
		w = mcx_vectors_hex(root, path, &w_len);
		assert_int_equal(mcx_aes_kwp_wrapped_len(kd_len), w_len);
		assert_int_equal(
		    mcx_aes_kwp_wrap(kek, kek_len, kd, kd_len, out), MCX_OK);
		assert_memory_equal(out, w, w_len);
		assert_int_equal(
		    mcx_aes_kwp_unwrap(kek, kek_len, w, w_len, back, &back_len),
		    MCX_OK);
		assert_int_equal(back_len, kd_len);
		assert_memory_equal(back, kd, kd_len);
		w[0] ^= 0x80;
		assert_int_equal(
		    mcx_aes_kwp_unwrap(kek, kek_len, w, w_len, back, &back_len),
		    MCX_ERR_AUTH);
		assert_int_equal(back_len, 0);
		free(kek);
		free(kd);
		free(w);
	}
	json_object_put(root);
}

static void test_wrap_lengths(void **state)
{
	uint8_t kek[16] = {0}, in[40] = {0}, out[64];
	size_t n = 0;

	assert_int_equal(mcx_aes_wrap(kek, 16, in, 8, out), MCX_ERR_LENGTH);
	assert_int_equal(mcx_aes_wrap(kek, 16, in, 20, out), MCX_ERR_LENGTH);
	assert_int_equal(mcx_aes_wrap(kek, 15, in, 16, out), MCX_ERR_LENGTH);
	assert_int_equal(mcx_aes_unwrap(kek, 16, in, 16, out), MCX_ERR_LENGTH);
	assert_int_equal(mcx_aes_kwp_wrap(kek, 16, in, 0, out), MCX_ERR_LENGTH);
	assert_int_equal(mcx_aes_kwp_unwrap(kek, 16, in, 20, out, &n),
			 MCX_ERR_LENGTH);
	assert_int_equal(mcx_aes_wrap(NULL, 16, in, 16, out), MCX_ERR_ARGUMENT);
}

/* GCM through EVP in the default library context: the reference. */
static void evp_gcm(const uint8_t *key, size_t key_len, const uint8_t *iv,
		    size_t iv_len, const uint8_t *aad, size_t aad_len,
		    const uint8_t *in, size_t in_len, size_t tag_len,
		    uint8_t *out)
{
	const EVP_CIPHER *c = key_len == 16   ? EVP_aes_128_gcm()
			      : key_len == 24 ? EVP_aes_192_gcm()
					      : EVP_aes_256_gcm();
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	int outl = 0;

	assert_non_null(ctx);
	assert_int_equal(EVP_EncryptInit_ex(ctx, c, NULL, NULL, NULL), 1);
	assert_int_equal(
	    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, (int)iv_len, NULL),
	    1);
	assert_int_equal(EVP_EncryptInit_ex(ctx, NULL, NULL, key, iv), 1);
	if (aad_len > 0)
		assert_int_equal(
		    EVP_EncryptUpdate(ctx, NULL, &outl, aad, (int)aad_len), 1);
	if (in_len > 0)
		assert_int_equal(
		    EVP_EncryptUpdate(ctx, out, &outl, in, (int)in_len), 1);
	assert_int_equal(EVP_EncryptFinal_ex(ctx, out + in_len, &outl), 1);
	assert_int_equal(EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG,
					     (int)tag_len, out + in_len),
			 1);
	EVP_CIPHER_CTX_free(ctx);
}

/* A failed RFC 5649 unwrap must not write past the in_len - 8 octets the
 * header promises (libcrypto clears in_len octets of its own output on an
 * integrity failure): the 8 octets after the promised size are a canary. */
static void test_kwp_unwrap_failure_stays_in_buffer(void **state)
{
	uint8_t kek[32] = {0}, key[40], wrapped[48], out[48];
	size_t out_len = 1;

	(void)state;
	memset(key, 0x5a, sizeof(key));
	assert_int_equal(
	    mcx_aes_kwp_wrap(kek, sizeof(kek), key, sizeof(key), wrapped),
	    MCX_OK);
	wrapped[20] ^= 0x01;
	memset(out, 0xee, sizeof(out));
	assert_int_equal(mcx_aes_kwp_unwrap(kek, sizeof(kek), wrapped,
					    sizeof(wrapped), out, &out_len),
			 MCX_ERR_AUTH);
	assert_int_equal(out_len, 0);
	for (size_t i = 0; i < sizeof(wrapped) - 8; i++)
		assert_int_equal(out[i], 0);
	for (size_t i = sizeof(wrapped) - 8; i < sizeof(out); i++)
		assert_int_equal(out[i], 0xee);
}

static void test_gcm_against_evp(void **state)
{
	static const size_t key_lens[] = {16, 24, 32};
	static const size_t iv_lens[] = {12, 16, 1, 60};
	static const size_t tag_lens[] = {16, 12, 8, 4};
	static const size_t pt_lens[] = {0, 1, 16, 33, 1024};
	uint8_t key[32], iv[60], aad[20], pt[1024];
	uint8_t ref[1024 + 16], got[1024 + 16], back[1024];
	size_t k = 0, v = 0, t = 0, p = 0;

	assert_int_equal(RAND_bytes(key, sizeof(key)), 1);
	assert_int_equal(RAND_bytes(iv, sizeof(iv)), 1);
	assert_int_equal(RAND_bytes(aad, sizeof(aad)), 1);
	assert_int_equal(RAND_bytes(pt, sizeof(pt)), 1);
	for (k = 0; k < 3; k++)
		for (v = 0; v < 4; v++)
			for (t = 0; t < 4; t++)
				for (p = 0; p < 5; p++) {
					size_t kl = key_lens[k],
					       il = iv_lens[v],
					       tl = tag_lens[t],
					       pl = pt_lens[p];

					evp_gcm(key, kl, iv, il, aad, 20, pt,
						pl, tl, ref);
					assert_int_equal(
					    mcx_aes_gcm_encrypt(key, kl, iv, il,
								aad, 20, pt, pl,
								tl, got),
					    MCX_OK);
					assert_memory_equal(got, ref, pl + tl);
					assert_int_equal(mcx_aes_gcm_decrypt(
							     key, kl, iv, il,
							     aad, 20, got,
							     pl + tl, tl, back),
							 MCX_OK);
					if (pl > 0)
						assert_memory_equal(back, pt,
								    pl);
				}
}

static void test_gcm_tamper(void **state)
{
	uint8_t key[16] = {1}, iv[16] = {2}, aad[4] = {3}, pt[32] = {4};
	uint8_t ct[48], back[32];

	assert_int_equal(
	    mcx_aes_gcm_encrypt(key, 16, iv, 16, aad, 4, pt, 32, 16, ct),
	    MCX_OK);
	ct[5] ^= 1;
	memset(back, 0xaa, sizeof(back));
	assert_int_equal(
	    mcx_aes_gcm_decrypt(key, 16, iv, 16, aad, 4, ct, 48, 16, back),
	    MCX_ERR_AUTH);
	/* No unauthenticated plaintext left behind. */
	for (size_t i = 0; i < sizeof(back); i++)
		assert_int_equal(back[i], 0);
	ct[5] ^= 1;
	aad[0] ^= 1;
	assert_int_equal(
	    mcx_aes_gcm_decrypt(key, 16, iv, 16, aad, 4, ct, 48, 16, back),
	    MCX_ERR_AUTH);
	/* Argument checks. */
	assert_int_equal(
	    mcx_aes_gcm_encrypt(key, 16, iv, 16, aad, 4, pt, 32, 3, ct),
	    MCX_ERR_LENGTH);
	assert_int_equal(
	    mcx_aes_gcm_encrypt(key, 16, iv, 0, aad, 4, pt, 32, 16, ct),
	    MCX_ERR_LENGTH);
	assert_int_equal(
	    mcx_aes_gcm_decrypt(key, 16, iv, 16, aad, 4, ct, 10, 16, back),
	    MCX_ERR_LENGTH);
}

/* Feed in chunks of chunk octets through the streaming API. */
static void stream(int encrypt, const uint8_t *key, const uint8_t *iv,
		   size_t iv_len, const uint8_t *in, size_t in_len,
		   size_t tag_len, size_t chunk, uint8_t *out, size_t *out_len,
		   enum mcx_mech_err *final_err)
{
	struct mcx_aes_gcm *g = NULL;
	size_t off = 0, total = 0, n = 0;

	assert_int_equal(
	    mcx_aes_gcm_new(&g, encrypt, key, 16, iv, iv_len, NULL, 0, tag_len),
	    MCX_OK);
	while (off < in_len) {
		size_t c = in_len - off < chunk ? in_len - off : chunk;

		assert_int_equal(
		    mcx_aes_gcm_update(g, in + off, c, out + total, &n),
		    MCX_OK);
		total += n;
		off += c;
	}
	*final_err = mcx_aes_gcm_final(g, out + total);
	if (encrypt)
		total += tag_len;
	*out_len = total;
	mcx_aes_gcm_free(g);
}

static void test_gcm_streaming(void **state)
{
	static const size_t chunks[] = {1, 3, 7, 16, 17, 100, 2000};
	uint8_t key[16], iv[16], pt[300], one[316], got[316], back[316];
	size_t c = 0, n = 0;
	enum mcx_mech_err fe = MCX_OK;

	assert_int_equal(RAND_bytes(key, sizeof(key)), 1);
	assert_int_equal(RAND_bytes(iv, sizeof(iv)), 1);
	assert_int_equal(RAND_bytes(pt, sizeof(pt)), 1);
	assert_int_equal(
	    mcx_aes_gcm_encrypt(key, 16, iv, 16, NULL, 0, pt, 300, 16, one),
	    MCX_OK);
	for (c = 0; c < sizeof(chunks) / sizeof(chunks[0]); c++) {
		stream(1, key, iv, 16, pt, 300, 16, chunks[c], got, &n, &fe);
		assert_int_equal(fe, MCX_OK);
		assert_int_equal(n, 316);
		assert_memory_equal(got, one, 316);
		stream(0, key, iv, 16, one, 316, 16, chunks[c], back, &n, &fe);
		assert_int_equal(fe, MCX_OK);
		assert_int_equal(n, 300);
		assert_memory_equal(back, pt, 300);
	}
	/* A wrong tag fails final(); fewer octets than a tag too. */
	one[315] ^= 0x40;
	stream(0, key, iv, 16, one, 316, 16, 5, back, &n, &fe);
	assert_int_equal(fe, MCX_ERR_AUTH);
	stream(0, key, iv, 16, one, 10, 16, 5, back, &n, &fe);
	assert_int_equal(fe, MCX_ERR_LENGTH);
	assert_int_equal(n, 0);
}

static void test_check_value(void **state)
{
	static const uint8_t zero[16];
	uint8_t key[32], cv[3], ref[32];
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	int outl = 0;

	assert_int_equal(RAND_bytes(key, sizeof(key)), 1);
	assert_int_equal(
	    EVP_EncryptInit_ex(ctx, EVP_aes_256_ecb(), NULL, key, NULL), 1);
	EVP_CIPHER_CTX_set_padding(ctx, 0);
	assert_int_equal(EVP_EncryptUpdate(ctx, ref, &outl, zero, 16), 1);
	EVP_CIPHER_CTX_free(ctx);
	assert_int_equal(mcx_aes_check_value(key, 32, cv), MCX_OK);
	assert_memory_equal(cv, ref, 3);
	assert_int_equal(mcx_aes_check_value(key, 31, cv), MCX_ERR_LENGTH);
}

/* The fetched-cipher cache follows the library context across
 * mcx_libctx_free() (C_Finalize) and a new context (C_Initialize). */
static void test_cache_across_libctx(void **state)
{
	uint8_t key[16] = {7}, iv[12] = {8}, pt[40] = {9}, a[56], b[56];
	uint8_t w[24], kd[16] = {1};

	assert_int_equal(
	    mcx_aes_gcm_encrypt(key, 16, iv, 12, NULL, 0, pt, 40, 16, a),
	    MCX_OK);
	assert_int_equal(mcx_aes_wrap(key, 16, kd, 16, w), MCX_OK);
	mcx_libctx_free();
	assert_int_equal(
	    mcx_aes_gcm_encrypt(key, 16, iv, 12, NULL, 0, pt, 40, 16, b),
	    MCX_OK);
	assert_memory_equal(a, b, sizeof(a));
	mcx_libctx_free();
	mcx_libctx_free();
	assert_int_equal(mcx_aes_unwrap(key, 16, w, 24, b), MCX_OK);
	assert_memory_equal(b, kd, 16);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_rfc3394),
	    cmocka_unit_test(test_rfc5649),
	    cmocka_unit_test(test_wrap_lengths),
	    cmocka_unit_test(test_kwp_unwrap_failure_stays_in_buffer),
	    cmocka_unit_test(test_gcm_against_evp),
	    cmocka_unit_test(test_gcm_tamper),
	    cmocka_unit_test(test_gcm_streaming),
	    cmocka_unit_test(test_check_value),
	    cmocka_unit_test(test_cache_across_libctx),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
