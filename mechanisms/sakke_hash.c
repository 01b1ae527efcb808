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
 * l = 4 for n = q (1022 bits), 1 for n = 2^128. */
static enum mcx_mech_err h2r_blocks(const uint8_t *s1, size_t s1_len,
				    const uint8_t *s2, size_t s2_len, int l,
				    uint8_t *v)
{
	enum mcx_mech_err err = MCX_ERR_CRYPTO;
	const EVP_MD *md = NULL;
	uint8_t a[32];
	uint8_t h[32] = {0};

	mcx_err_mark();
	md = sha256_fetch();
	if (md == NULL || !sha256_2(md, s1, s1_len, s2, s2_len, a))
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
	enum mcx_mech_err err = h2r_blocks(s1, s1_len, s2, s2_len, 4, v);

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
	enum mcx_mech_err err = h2r_blocks(s, s_len, NULL, 0, 1, v);

	if (err == MCX_OK)
		memcpy(out, v + 16, MCX_SAKKE_SSV_LEN);
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
