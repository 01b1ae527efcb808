/*
 * Regroup keys: the RGK derivation of project decision f and the RGK-SEED
 * protection under a CSK or MuSiK of project decision c (MCX-REFERENCE §7,
 * §5.7, §1.2).  libcrypto is reached only through mechanisms/digest,
 * mechanisms/aes, mechanisms/kdf3gpp and mechanisms/random, which fetch
 * from the private library context and bracket their calls with
 * mcx_err_mark()/mcx_err_pop().
 */
#include "mechanisms/rgk.h"

#include <string.h>

#include "common/wipe.h"
#include "mechanisms/aes.h"
#include "mechanisms/digest.h"
#include "mechanisms/kdf3gpp.h"
#include "mechanisms/random.h"

/* ---- RGK (decision f) -------------------------------------------------- */

enum mcx_mech_err mcx_rgk_hmac_lsb128(const uint8_t *key, size_t key_len,
				      const uint8_t *data, size_t data_len,
				      uint8_t out[MCX_RGK_LEN])
{
	enum mcx_mech_err err = MCX_ERR_ARGUMENT;
	uint8_t full[MCX_SHA256_LEN] = {0};

	if (out == NULL)
		return MCX_ERR_ARGUMENT;
	if ((key == NULL && key_len > 0) || (data == NULL && data_len > 0))
		goto out;
	err = mcx_digest_hmac_sha256(key, key_len, data, data_len, full);
	if (err != MCX_OK)
		goto out;
	/* "128 least significant bits" = the LAST 16 octets of the 32-octet
	 * output (MCX-REFERENCE §0, §7); RFC 4231 §4.6 truncates to the
	 * leftmost bits instead, which is not the RGK. */
	memcpy(out, full + MCX_SHA256_LEN - MCX_RGK_LEN, MCX_RGK_LEN);
out:
	if (err != MCX_OK)
		mcx_wipe(out, MCX_RGK_LEN);
	mcx_wipe(full, sizeof(full));
	return err;
}

enum mcx_mech_err mcx_rgk_derive(const uint8_t gmk[MCX_RGK_GMK_LEN],
				 const uint8_t seed[MCX_RGK_SEED_LEN],
				 uint8_t rgk[MCX_RGK_LEN])
{
	if (rgk == NULL)
		return MCX_ERR_ARGUMENT;
	if (gmk == NULL || seed == NULL) {
		mcx_wipe(rgk, MCX_RGK_LEN);
		return MCX_ERR_ARGUMENT;
	}
	/* Decision f: a plain HMAC over the seed, not the FC/P/L KDF. */
	return mcx_rgk_hmac_lsb128(gmk, MCX_RGK_GMK_LEN, seed, MCX_RGK_SEED_LEN,
				   rgk);
}

enum mcx_mech_err mcx_rgk_seed_generate(uint8_t seed[MCX_RGK_SEED_LEN])
{
	enum mcx_mech_err err = MCX_ERR_ARGUMENT;

	if (seed == NULL)
		return err;
	err = mcx_random_bytes(seed, MCX_RGK_SEED_LEN);
	if (err != MCX_OK)
		mcx_wipe(seed, MCX_RGK_SEED_LEN);
	return err;
}

/* ---- RGK-SEED protection (decision c) ---------------------------------- */

enum mcx_mech_err mcx_rgk_xpk_key(const uint8_t xpk[MCX_RGK_XPK_LEN],
				  const uint8_t *p0, size_t p0_len,
				  const uint8_t xpk_id[MCX_RGK_XPK_ID_LEN],
				  uint8_t k[MCX_RGK_XPK_LEN])
{
	static const uint8_t empty[1];

	if (k == NULL)
		return MCX_ERR_ARGUMENT;
	if (xpk == NULL || xpk_id == NULL || (p0 == NULL && p0_len > 0)) {
		mcx_wipe(k, MCX_RGK_XPK_LEN);
		return MCX_ERR_ARGUMENT;
	}
	/* F.1.4 confidentiality key: FC 0x51, P0 = user ID / server URI,
	 * P1 = XPK-ID, last 16 octets (decision c).  Wipes k on failure. */
	return mcx_kdf3gpp_xpk_key(xpk, MCX_RGK_XPK_LEN,
				   MCX_KDF3GPP_FC_XPK_CONF,
				   p0 != NULL ? p0 : empty, p0_len, xpk_id, k);
}

enum mcx_mech_err mcx_rgk_seed_protect_iv(
    const uint8_t xpk[MCX_RGK_XPK_LEN], const uint8_t *p0, size_t p0_len,
    const uint8_t xpk_id[MCX_RGK_XPK_ID_LEN], const uint8_t iv[MCX_RGK_IV_LEN],
    const uint8_t seed[MCX_RGK_SEED_LEN], uint8_t out[MCX_RGK_PROTECTED_LEN])
{
	enum mcx_mech_err err = MCX_ERR_ARGUMENT;
	uint8_t k[MCX_RGK_XPK_LEN] = {0};

	if (out == NULL)
		return MCX_ERR_ARGUMENT;
	if (iv == NULL || seed == NULL)
		goto out;
	err = mcx_rgk_xpk_key(xpk, p0, p0_len, xpk_id, k);
	if (err != MCX_OK)
		goto out;
	/* XML Encryption 1.1 aes128-gcm layout: IV || ciphertext || tag;
	 * the XPK-ID as AAD binds the value to the key it names.  memmove:
	 * the caller may pass an IV that already sits at out. */
	memmove(out, iv, MCX_RGK_IV_LEN);
	err = mcx_aes_gcm_encrypt(k, sizeof(k), out, MCX_RGK_IV_LEN, xpk_id,
				  MCX_RGK_XPK_ID_LEN, seed, MCX_RGK_SEED_LEN,
				  MCX_RGK_TAG_LEN, out + MCX_RGK_IV_LEN);
out:
	if (err != MCX_OK)
		mcx_wipe(out, MCX_RGK_PROTECTED_LEN);
	mcx_wipe(k, sizeof(k));
	return err;
}

enum mcx_mech_err mcx_rgk_seed_protect(const uint8_t xpk[MCX_RGK_XPK_LEN],
				       const uint8_t *p0, size_t p0_len,
				       const uint8_t xpk_id[MCX_RGK_XPK_ID_LEN],
				       const uint8_t seed[MCX_RGK_SEED_LEN],
				       uint8_t out[MCX_RGK_PROTECTED_LEN])
{
	enum mcx_mech_err err = MCX_ERR_ARGUMENT;

	if (out == NULL)
		return err;
	/* A fresh random IV per protection: with one XPK protecting many
	 * seeds, a repeated 96-bit IV would break GCM (SP 800-38D §8). */
	err = mcx_random_bytes(out, MCX_RGK_IV_LEN);
	if (err == MCX_OK)
		err = mcx_rgk_seed_protect_iv(xpk, p0, p0_len, xpk_id, out,
					      seed, out);
	if (err != MCX_OK)
		mcx_wipe(out, MCX_RGK_PROTECTED_LEN);
	return err;
}

enum mcx_mech_err
mcx_rgk_seed_unprotect(const uint8_t xpk[MCX_RGK_XPK_LEN], const uint8_t *p0,
		       size_t p0_len, const uint8_t xpk_id[MCX_RGK_XPK_ID_LEN],
		       const uint8_t *in, size_t in_len,
		       uint8_t seed[MCX_RGK_SEED_LEN])
{
	enum mcx_mech_err err = MCX_ERR_ARGUMENT;
	uint8_t k[MCX_RGK_XPK_LEN] = {0};

	if (seed == NULL)
		return MCX_ERR_ARGUMENT;
	if (in == NULL)
		goto out;
	/* Decision c fixes the seed at 16 octets: anything but 44 octets is
	 * not a protected seed. */
	if (in_len != MCX_RGK_PROTECTED_LEN) {
		err = MCX_ERR_LENGTH;
		goto out;
	}
	err = mcx_rgk_xpk_key(xpk, p0, p0_len, xpk_id, k);
	if (err != MCX_OK)
		goto out;
	/* mcx_aes_gcm_decrypt compares the tag in constant time and wipes
	 * the plaintext on MCX_ERR_AUTH; we wipe again below on any error. */
	err = mcx_aes_gcm_decrypt(k, sizeof(k), in, MCX_RGK_IV_LEN, xpk_id,
				  MCX_RGK_XPK_ID_LEN, in + MCX_RGK_IV_LEN,
				  MCX_RGK_SEED_LEN + MCX_RGK_TAG_LEN,
				  MCX_RGK_TAG_LEN, seed);
out:
	if (err != MCX_OK)
		mcx_wipe(seed, MCX_RGK_SEED_LEN);
	mcx_wipe(k, sizeof(k));
	return err;
}

static int xpk_ok(const struct mcx_rgk_xpk *x)
{
	return x != NULL && x->key != NULL && x->id != NULL &&
	       (x->p0 != NULL || x->p0_len == 0);
}

enum mcx_mech_err
mcx_rgk_seed_protect_batch(const struct mcx_rgk_xpk *to, size_t n,
			   const uint8_t seed[MCX_RGK_SEED_LEN], uint8_t *out)
{
	enum mcx_mech_err err = MCX_ERR_ARGUMENT;
	size_t i = 0;

	if (n == 0)
		return MCX_OK;
	if (out == NULL)
		return MCX_ERR_ARGUMENT;
	if (n > SIZE_MAX / MCX_RGK_PROTECTED_LEN)
		return MCX_ERR_LENGTH;
	if (to == NULL || seed == NULL)
		goto out;
	for (i = 0; i < n; i++)
		if (!xpk_ok(&to[i]))
			goto out;
	/* Each target gets its own K (its own XPK, P0, XPK-ID) and IV. */
	err = MCX_OK;
	for (i = 0; i < n && err == MCX_OK; i++)
		err = mcx_rgk_seed_protect(to[i].key, to[i].p0, to[i].p0_len,
					   to[i].id, seed,
					   out + i * MCX_RGK_PROTECTED_LEN);
out:
	/* No partial result: a caller that ignores the error must not send
	 * some targets a seed and others zeros it takes for one. */
	if (err != MCX_OK)
		mcx_wipe(out, n * MCX_RGK_PROTECTED_LEN);
	return err;
}

enum mcx_mech_err mcx_rgk_seed_rewrap_batch(const struct mcx_rgk_xpk *from,
					    const struct mcx_rgk_xpk *to,
					    size_t n, const uint8_t *in,
					    size_t in_len, uint8_t *out)
{
	enum mcx_mech_err err = MCX_ERR_ARGUMENT;
	uint8_t seed[MCX_RGK_SEED_LEN] = {0};
	size_t i = 0;

	if (n > 0 && out == NULL)
		return MCX_ERR_ARGUMENT;
	if (n > SIZE_MAX / MCX_RGK_PROTECTED_LEN)
		return MCX_ERR_LENGTH;
	/* Check every target before decrypting anything. */
	if (!xpk_ok(from) || (n > 0 && to == NULL))
		goto out;
	for (i = 0; i < n; i++)
		if (!xpk_ok(&to[i]))
			goto out;
	err = mcx_rgk_seed_unprotect(from->key, from->p0, from->p0_len,
				     from->id, in, in_len, seed);
	if (err == MCX_OK)
		err = mcx_rgk_seed_protect_batch(to, n, seed, out);
out:
	if (err != MCX_OK && n > 0)
		mcx_wipe(out, n * MCX_RGK_PROTECTED_LEN);
	mcx_wipe(seed, sizeof(seed));
	return err;
}

enum mcx_mech_err mcx_rgk_seed_rewrap(const struct mcx_rgk_xpk *from,
				      const struct mcx_rgk_xpk *to,
				      const uint8_t *in, size_t in_len,
				      uint8_t out[MCX_RGK_PROTECTED_LEN])
{
	if (out == NULL)
		return MCX_ERR_ARGUMENT;
	if (to == NULL) {
		mcx_wipe(out, MCX_RGK_PROTECTED_LEN);
		return MCX_ERR_ARGUMENT;
	}
	return mcx_rgk_seed_rewrap_batch(from, to, 1, in, in_len, out);
}
