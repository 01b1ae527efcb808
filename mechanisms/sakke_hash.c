/*
 * HashToIntegerRange of RFC 6508 §5.1 with SHA-256 (MCX-REFERENCE.md
 * §3.2), for n = q (r from SSV || b) and n = 2^128 (the SSV mask).
 */
#include "mechanisms/sakke_hash.h"

#include <openssl/evp.h>
#include <string.h>

#include "common/wipe.h"
#include "mechanisms/libctx.h"
#include "mechanisms/sakke.h"

#define FP_LEN MCX_SAKKE_FP_LEN

static const EVP_MD *sha256_fetch(void)
{
	OSSL_LIB_CTX *ctx = mcx_libctx();

	return ctx == NULL ? NULL : EVP_MD_fetch(ctx, "SHA256", NULL);
}

/* out = SHA-256(a || b) */
static int sha256_2(const EVP_MD *md, const uint8_t *a, size_t a_len,
		    const uint8_t *b, size_t b_len, uint8_t out[32])
{
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	unsigned int len = 0;
	int ok = 0;

	ok = c != NULL && EVP_DigestInit_ex(c, md, NULL) == 1 &&
	     EVP_DigestUpdate(c, a, a_len) == 1 &&
	     (b_len == 0 || EVP_DigestUpdate(c, b, b_len) == 1) &&
	     EVP_DigestFinal_ex(c, out, &len) == 1 && len == 32;
	EVP_MD_CTX_free(c);
	return ok;
}

/* v' = v_1 || ... || v_l of HashToIntegerRange over s1 || s2:
 * A = SHA-256(s), h_0 = 0^32, h_i = SHA-256(h_(i-1)), v_i = SHA-256(h_i || A).
 * l = 4 for n = q (1022 bits), 1 for n = 2^128.  a_in: A already computed
 * (s1, s2 unused), or NULL. */
static enum mcx_mech_err h2r_blocks(const uint8_t *s1, size_t s1_len,
				    const uint8_t *s2, size_t s2_len,
				    const uint8_t *a_in, int l, uint8_t *v)
{
	enum mcx_mech_err err = MCX_ERR_CRYPTO;
	const EVP_MD *md = NULL;
	uint8_t a[32];
	uint8_t h[32] = {0};

	mcx_err_mark();
	md = sha256_fetch();
	if (md == NULL)
		goto out;
	if (a_in != NULL)
		memcpy(a, a_in, sizeof(a));
	else if (!sha256_2(md, s1, s1_len, s2, s2_len, a))
		goto out;
	for (int i = 0; i < l; i++) {
		if (!sha256_2(md, h, 32, NULL, 0, h) ||
		    !sha256_2(md, h, 32, a, 32, v + 32 * i))
			goto out;
	}
	err = MCX_OK;
out:
	EVP_MD_free((EVP_MD *)md);
	mcx_err_pop();
	mcx_wipe(a, sizeof(a));
	mcx_wipe(h, sizeof(h));
	return err;
}

/* HashToIntegerRange(s1 || s2, q) as a Montgomery element mod q and raw. */
enum mcx_mech_err mcx_sakke_hash_q(const uint8_t *s1, size_t s1_len,
				   const uint8_t *s2, size_t s2_len,
				   struct mcx_fp1024 *mont,
				   struct mcx_fp1024 *raw)
{
	const struct mcx_fp1024_mod *q = mcx_fp1024_mod_q();
	uint8_t v[128];
	enum mcx_mech_err err = h2r_blocks(s1, s1_len, s2, s2_len, NULL, 4, v);

	if (err == MCX_OK) {
		/* v' mod q: v' < 2^1024 */
		mcx_fp1024_from_bytes_reduce(q, mont, v, sizeof(v));
		mcx_fp1024_from_mont(q, raw, mont);
	}
	mcx_wipe(v, sizeof(v));
	return err;
}

/* HashToIntegerRange(s, 2^128) = the last 16 octets of v_1 */
enum mcx_mech_err mcx_sakke_hash_n(const uint8_t *s, size_t s_len,
				   uint8_t out[MCX_SAKKE_SSV_LEN])
{
	uint8_t v[32];
	enum mcx_mech_err err = h2r_blocks(s, s_len, NULL, 0, NULL, 1, v);

	if (err == MCX_OK)
		memcpy(out, v + 16, MCX_SAKKE_SSV_LEN);
	mcx_wipe(v, sizeof(v));
	return err;
}

/* ---- SHA-256 over a secret suffix (decision a's recovery) ------------ */

/* FIPS 180-4 SHA-256 compression.  Only here: libcrypto's EVP interface
 * hashes a message whose length it branches on, and the length of the
 * minimal-length g^r is secret; the low-level SHA256_Transform is
 * deprecated in OpenSSL 3. */
static const uint32_t sha_k[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1,
    0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
    0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
    0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
    0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
    0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
    0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
    0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
    0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static uint32_t ror32(uint32_t x, int n)
{
	return (x >> n) | (x << (32 - n));
}

static void sha256_block(uint32_t st[8], const uint8_t blk[64])
{
	uint32_t w[64];
	uint32_t v[8];

	for (int i = 0; i < 16; i++)
		w[i] = (uint32_t)blk[4 * i] << 24 |
		       (uint32_t)blk[4 * i + 1] << 16 |
		       (uint32_t)blk[4 * i + 2] << 8 | (uint32_t)blk[4 * i + 3];
	for (int i = 16; i < 64; i++) {
		uint32_t s0 = ror32(w[i - 15], 7) ^ ror32(w[i - 15], 18) ^
			      (w[i - 15] >> 3);
		uint32_t s1 = ror32(w[i - 2], 17) ^ ror32(w[i - 2], 19) ^
			      (w[i - 2] >> 10);

		w[i] = w[i - 16] + s0 + w[i - 7] + s1;
	}
	memcpy(v, st, sizeof(v));
	for (int i = 0; i < 64; i++) {
		uint32_t t1 =
		    v[7] +
		    (ror32(v[4], 6) ^ ror32(v[4], 11) ^ ror32(v[4], 25)) +
		    ((v[4] & v[5]) ^ (~v[4] & v[6])) + sha_k[i] + w[i];
		uint32_t t2 =
		    (ror32(v[0], 2) ^ ror32(v[0], 13) ^ ror32(v[0], 22)) +
		    ((v[0] & v[1]) ^ (v[0] & v[2]) ^ (v[1] & v[2]));

		memmove(v + 1, v, 7 * sizeof(v[0]));
		v[4] += t1;
		v[0] = t1 + t2;
	}
	for (int i = 0; i < 8; i++)
		st[i] += v[i];
	mcx_wipe(w, sizeof(w));
	mcx_wipe(v, sizeof(v));
}

/* All ones when a == b (values below 2^63). */
static uint64_t eq_mask(uint64_t a, uint64_t b)
{
	uint64_t d = a ^ b;

	return ((d | (0 - d)) >> 63) - 1;
}

/* SHA-256(w[skip..128)) in constant time in w and skip: the suffix is
 * moved to the front by a branch-free barrel shifter (7 masked passes, one
 * per bit of skip), padded for every possible length with masks, hashed
 * over all three blocks a message of 1..128 octets can need, and the state
 * after the right block count chosen with masks. */
static void sha256_tail(const uint8_t w[FP_LEN], size_t skip, uint8_t out[32])
{
	static const uint32_t h0[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372,
				       0xa54ff53a, 0x510e527f, 0x9b05688c,
				       0x1f83d9ab, 0x5be0cd19};
	uint8_t t[256] = {0};
	uint64_t len = FP_LEN - (uint64_t)skip; /* 1..128 */
	uint64_t nb = 0;
	uint64_t bits = 8 * len;
	uint32_t st[8];
	uint32_t res[8] = {0};

	memcpy(t, w, FP_LEN);
	for (int b = 0; b < 7; b++) {
		int s = 1 << b;
		uint8_t m = (uint8_t)(0 - ((skip >> b) & 1));

		for (int j = 0; j < 192; j++)
			t[j] = (uint8_t)((t[j + s] & m) | (t[j] & ~m));
	}
	/* t[0..len) is the message, t[len..192) zero. */
	for (int j = 0; j < 192; j++)
		t[j] |= (uint8_t)(0x80 & eq_mask((uint64_t)j, len));
	/* blocks: len + 9 octets rounded up to 64 (1, 2 or 3) */
	nb = 1 + ((55 - len) >> 63) + ((119 - len) >> 63);
	for (uint64_t k = 1; k <= 3; k++) {
		uint8_t m = (uint8_t)eq_mask(nb, k);

		for (int i = 0; i < 8; i++)
			t[64 * k - 8 + (uint64_t)i] |=
			    (uint8_t)(bits >> (56 - 8 * i)) & m;
	}
	memcpy(st, h0, sizeof(st));
	for (uint64_t k = 1; k <= 3; k++) {
		uint32_t m = (uint32_t)eq_mask(nb, k);

		sha256_block(st, t + 64 * (k - 1));
		for (int i = 0; i < 8; i++)
			res[i] |= st[i] & m;
	}
	for (int i = 0; i < 8; i++) {
		out[4 * i] = (uint8_t)(res[i] >> 24);
		out[4 * i + 1] = (uint8_t)(res[i] >> 16);
		out[4 * i + 2] = (uint8_t)(res[i] >> 8);
		out[4 * i + 3] = (uint8_t)res[i];
	}
	mcx_wipe(t, sizeof(t));
	mcx_wipe(st, sizeof(st));
	mcx_wipe(res, sizeof(res));
	len = 0;
	nb = 0;
	bits = 0;
}

enum mcx_mech_err mcx_sakke_hash_n_tail(const uint8_t w[MCX_SAKKE_FP_LEN],
					size_t skip,
					uint8_t out[MCX_SAKKE_SSV_LEN])
{
	uint8_t a[32];
	uint8_t v[32];
	enum mcx_mech_err err = MCX_ERR_CRYPTO;

	/* no range check: skip is secret; the caller's leading-zero count
	 * stops at 127 (sakke.h) */
	sha256_tail(w, skip & (FP_LEN - 1), a);
	err = h2r_blocks(NULL, 0, NULL, 0, a, 1, v);
	if (err == MCX_OK)
		memcpy(out, v + 16, MCX_SAKKE_SSV_LEN);
	mcx_wipe(a, sizeof(a));
	mcx_wipe(v, sizeof(v));
	return err;
}

enum mcx_mech_err mcx_sakke_hash_to_range_q(const uint8_t *s, size_t s_len,
					    uint8_t out[MCX_SAKKE_FP_LEN])
{
	struct mcx_fp1024 m;
	struct mcx_fp1024 r;
	enum mcx_mech_err err = MCX_ERR_ARGUMENT;

	memset(out, 0, FP_LEN);
	if (s == NULL && s_len != 0)
		return err;
	err = mcx_sakke_hash_q(s, s_len, NULL, 0, &m, &r);
	if (err == MCX_OK)
		mcx_fp1024_raw_to_bytes(out, &r);
	mcx_wipe(&m, sizeof(m));
	mcx_wipe(&r, sizeof(r));
	return err;
}

enum mcx_mech_err mcx_sakke_hash_to_range_n(const uint8_t *s, size_t s_len,
					    uint8_t out[MCX_SAKKE_SSV_LEN])
{
	memset(out, 0, MCX_SAKKE_SSV_LEN);
	if (s == NULL && s_len != 0)
		return MCX_ERR_ARGUMENT;
	return mcx_sakke_hash_n(s, s_len, out);
}
