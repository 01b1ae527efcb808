/*
 * TS 33.180 Annex F key derivations and the MIKEY PRF; see kdf3gpp.h.
 * HMAC-SHA-256 and SHA-256 come from the module's private library context.
 */
#include "mechanisms/kdf3gpp.h"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <string.h>

#include "common/wipe.h"
#include "mechanisms/libctx.h"

/* HMAC-SHA-256 over the concatenation of n parts. */
static enum mcx_mech_err hmac_parts(const uint8_t *key, size_t key_len,
				    const struct mcx_kdf3gpp_param *parts,
				    size_t n, uint8_t out[MCX_KDF3GPP_OUT_LEN])
{
	enum mcx_mech_err err = MCX_ERR_CRYPTO;
	EVP_MAC *mac = NULL;
	EVP_MAC_CTX *ctx = NULL;
	OSSL_PARAM params[2];
	size_t out_len = 0;
	static const uint8_t empty = 0;

	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
						     (char *)"SHA256", 0);
	params[1] = OSSL_PARAM_construct_end();
	mac = EVP_MAC_fetch(mcx_libctx(), "HMAC", NULL);
	ctx = mac != NULL ? EVP_MAC_CTX_new(mac) : NULL;
	/* HMAC takes keys of any length (RFC 2104); an empty key is legal. */
	if (ctx == NULL ||
	    !EVP_MAC_init(ctx, key_len > 0 ? key : &empty, key_len, params))
		goto out;
	for (size_t i = 0; i < n; i++)
		if (parts[i].len > 0 &&
		    !EVP_MAC_update(ctx, parts[i].p, parts[i].len))
			goto out;
	if (!EVP_MAC_final(ctx, out, &out_len, MCX_KDF3GPP_OUT_LEN) ||
	    out_len != MCX_KDF3GPP_OUT_LEN)
		goto out;
	err = MCX_OK;
out:
	EVP_MAC_CTX_free(ctx);
	EVP_MAC_free(mac);
	return err;
}

/* Append Pi || Li to buf (cap octets) at *pos; counts even past cap. */
static void put_param(uint8_t *buf, size_t cap, size_t *pos, const uint8_t *p,
		      size_t len)
{
	if (*pos + len + 2 <= cap) {
		if (len > 0)
			memcpy(buf + *pos, p, len);
		buf[*pos + len] = (uint8_t)(len >> 8);
		buf[*pos + len + 1] = (uint8_t)len;
	}
	*pos += len + 2;
}

enum mcx_mech_err mcx_kdf3gpp_derive(const uint8_t *key, size_t key_len,
				     uint8_t fc,
				     const struct mcx_kdf3gpp_param *params,
				     size_t n_params,
				     uint8_t out[MCX_KDF3GPP_OUT_LEN])
{
	enum mcx_mech_err err = MCX_ERR_NOMEM;
	struct mcx_kdf3gpp_param *parts = NULL;
	uint8_t *lens = NULL;

	if (out == NULL || (key == NULL && key_len > 0) ||
	    (params == NULL && n_params > 0) || n_params > 64)
		return MCX_ERR_ARGUMENT;
	for (size_t i = 0; i < n_params; i++) {
		if (params[i].p == NULL && params[i].len > 0)
			return MCX_ERR_ARGUMENT;
		if (params[i].len > 0xFFFF)
			return MCX_ERR_LENGTH;
	}
	/* S = FC || P0 || L0 || ... as 1 + 2n parts (TS 33.220 B.2). */
	parts = calloc(1 + 2 * n_params, sizeof(*parts));
	lens = calloc(n_params > 0 ? 2 * n_params : 1, 1);
	if (parts == NULL || lens == NULL)
		goto out;
	parts[0].p = &fc;
	parts[0].len = 1;
	for (size_t i = 0; i < n_params; i++) {
		lens[2 * i] = (uint8_t)(params[i].len >> 8);
		lens[2 * i + 1] = (uint8_t)params[i].len;
		parts[1 + 2 * i] = params[i];
		parts[2 + 2 * i].p = lens + 2 * i;
		parts[2 + 2 * i].len = 2;
	}
	mcx_err_mark();
	err = hmac_parts(key, key_len, parts, 1 + 2 * n_params, out);
	mcx_err_pop();
out:
	if (err != MCX_OK)
		mcx_wipe(out, MCX_KDF3GPP_OUT_LEN);
	free(parts);
	free(lens);
	return err;
}

/* ---- UID (F.2.1) ------------------------------------------------------- */

/* Shortest big-endian encoding of v; 0 is one octet 0x00 (MCX-REFERENCE
 * §5.1, matching every published UID vector). */
static size_t encode_uint(uint64_t v, uint8_t out[8])
{
	size_t n = 1;

	while (n < 8 && (v >> (8 * n)) != 0)
		n++;
	for (size_t i = 0; i < n; i++)
		out[i] = (uint8_t)(v >> (8 * (n - 1 - i)));
	return n;
}

enum mcx_mech_err mcx_kdf3gpp_uid_input(
    const uint8_t *uri, size_t uri_len, const uint8_t *kms_uri,
    size_t kms_uri_len, uint64_t user_key_period, uint64_t user_key_offset,
    uint64_t key_period_no, uint8_t *s, size_t cap, size_t *s_len)
{
	static const uint8_t label[] = "MIKEY-SAKKE-UID";
	uint8_t ints[3][8];
	size_t int_len[3];
	size_t pos = 1;

	if (s_len == NULL || (s == NULL && cap > 0) ||
	    (uri == NULL && uri_len > 0) ||
	    (kms_uri == NULL && kms_uri_len > 0))
		return MCX_ERR_ARGUMENT;
	if (uri_len > 0xFFFF || kms_uri_len > 0xFFFF)
		return MCX_ERR_LENGTH;
	int_len[0] = encode_uint(user_key_period, ints[0]);
	int_len[1] = encode_uint(user_key_offset, ints[1]);
	int_len[2] = encode_uint(key_period_no, ints[2]);
	if (cap > 0)
		s[0] = MCX_KDF3GPP_FC_UID;
	put_param(s, cap, &pos, label, sizeof(label) - 1);
	put_param(s, cap, &pos, uri, uri_len);
	put_param(s, cap, &pos, kms_uri, kms_uri_len);
	for (size_t i = 0; i < 3; i++)
		put_param(s, cap, &pos, ints[i], int_len[i]);
	*s_len = pos;
	return pos <= cap ? MCX_OK : MCX_ERR_LENGTH;
}

enum mcx_mech_err mcx_kdf3gpp_uid(const uint8_t *uri, size_t uri_len,
				  const uint8_t *kms_uri, size_t kms_uri_len,
				  uint64_t user_key_period,
				  uint64_t user_key_offset,
				  uint64_t key_period_no,
				  uint8_t uid[MCX_KDF3GPP_UID_LEN])
{
	enum mcx_mech_err err = MCX_ERR_NOMEM;
	uint8_t *s = NULL;
	size_t s_len = 0;
	unsigned int md_len = 0;
	EVP_MD *sha256 = NULL;

	if (uid == NULL)
		return MCX_ERR_ARGUMENT;
	err = mcx_kdf3gpp_uid_input(uri, uri_len, kms_uri, kms_uri_len,
				    user_key_period, user_key_offset,
				    key_period_no, NULL, 0, &s_len);
	if (err != MCX_ERR_LENGTH)
		goto out;
	err = MCX_ERR_NOMEM;
	s = malloc(s_len);
	if (s == NULL)
		goto out;
	err = mcx_kdf3gpp_uid_input(uri, uri_len, kms_uri, kms_uri_len,
				    user_key_period, user_key_offset,
				    key_period_no, s, s_len, &s_len);
	if (err != MCX_OK)
		goto out;
	/* F.2.1: the S encoding of TS 33.220 Annex B, hashed, not HMACed. */
	mcx_err_mark();
	err = MCX_ERR_CRYPTO;
	sha256 = EVP_MD_fetch(mcx_libctx(), "SHA256", NULL);
	if (sha256 != NULL &&
	    EVP_Digest(s, s_len, uid, &md_len, sha256, NULL) &&
	    md_len == MCX_KDF3GPP_UID_LEN)
		err = MCX_OK;
	EVP_MD_free(sha256);
	mcx_err_pop();
out:
	if (err != MCX_OK)
		mcx_wipe(uid, MCX_KDF3GPP_UID_LEN);
	free(s);
	return err;
}

enum mcx_mech_err mcx_kdf3gpp_key_period_no(uint64_t ntp_seconds,
					    uint64_t user_key_period,
					    uint64_t user_key_offset,
					    uint64_t *key_period_no)
{
	if (key_period_no == NULL || user_key_period == 0 ||
	    ntp_seconds < user_key_offset)
		return MCX_ERR_ARGUMENT;
	*key_period_no = (ntp_seconds - user_key_offset) / user_key_period;
	return MCX_OK;
}

/* ---- GUK-ID (F.1.3) ---------------------------------------------------- */

enum mcx_mech_err mcx_kdf3gpp_user_salt(const uint8_t *key, size_t key_len,
					const uint8_t *uri, size_t uri_len,
					uint32_t *salt)
{
	enum mcx_mech_err err = MCX_ERR_ARGUMENT;
	uint8_t out[MCX_KDF3GPP_OUT_LEN] = {0};
	struct mcx_kdf3gpp_param p0 = {uri, uri_len};

	if (salt == NULL)
		return err;
	*salt = 0;
	err = mcx_kdf3gpp_derive(key, key_len, MCX_KDF3GPP_FC_USER_SALT, &p0, 1,
				 out);
	if (err == MCX_OK)
		/* The 28 least significant bits: low bits of the last 4
		 * octets (MCX-REFERENCE §5.2 vectors). */
		*salt = ((uint32_t)out[28] << 24 | (uint32_t)out[29] << 16 |
			 (uint32_t)out[30] << 8 | (uint32_t)out[31]) &
			0x0FFFFFFFu;
	mcx_wipe(out, sizeof(out));
	return err;
}

uint32_t mcx_kdf3gpp_guk_id(uint32_t key_id, uint32_t salt)
{
	return (key_id & 0xF0000000u) | ((key_id ^ salt) & 0x0FFFFFFFu);
}

uint32_t mcx_kdf3gpp_kid_from_guk_id(uint32_t guk_id, uint32_t salt)
{
	/* XOR undoes itself; the purpose tag was never changed. */
	return mcx_kdf3gpp_guk_id(guk_id, salt);
}

/* ---- 128-bit keys (F.1.4, F.1.5) --------------------------------------- */

static enum mcx_mech_err derive_lsb128(const uint8_t *key, size_t key_len,
				       uint8_t fc,
				       const struct mcx_kdf3gpp_param *params,
				       size_t n, uint8_t out[16])
{
	enum mcx_mech_err err = MCX_ERR_ARGUMENT;
	uint8_t full[MCX_KDF3GPP_OUT_LEN] = {0};

	if (out == NULL)
		return err;
	err = mcx_kdf3gpp_derive(key, key_len, fc, params, n, full);
	if (err == MCX_OK)
		memcpy(out, full + MCX_KDF3GPP_OUT_LEN - MCX_KDF3GPP_KEY_LEN,
		       MCX_KDF3GPP_KEY_LEN);
	else
		mcx_wipe(out, MCX_KDF3GPP_KEY_LEN);
	mcx_wipe(full, sizeof(full));
	return err;
}

enum mcx_mech_err mcx_kdf3gpp_xpk_key(const uint8_t *xpk, size_t xpk_len,
				      uint8_t fc, const uint8_t *user_id,
				      size_t user_id_len,
				      const uint8_t xpk_id[4],
				      uint8_t out[MCX_KDF3GPP_KEY_LEN])
{
	struct mcx_kdf3gpp_param p[2] = {{user_id, user_id_len}, {xpk_id, 4}};

	if ((fc != MCX_KDF3GPP_FC_XPK_CONF && fc != MCX_KDF3GPP_FC_XPK_INTEG) ||
	    xpk_id == NULL) {
		if (out != NULL)
			mcx_wipe(out, MCX_KDF3GPP_KEY_LEN);
		return MCX_ERR_ARGUMENT;
	}
	return derive_lsb128(xpk, xpk_len, fc, p, 2, out);
}

enum mcx_mech_err mcx_kdf3gpp_dpck(const uint8_t *dppk, size_t dppk_len,
				   const uint8_t dppk_id[4],
				   uint8_t dpck[MCX_KDF3GPP_KEY_LEN])
{
	struct mcx_kdf3gpp_param p0 = {dppk_id, 4};

	if (dppk_id == NULL) {
		if (dpck != NULL)
			mcx_wipe(dpck, MCX_KDF3GPP_KEY_LEN);
		return MCX_ERR_ARGUMENT;
	}
	return derive_lsb128(dppk, dppk_len, MCX_KDF3GPP_FC_DPCK, &p0, 1, dpck);
}

/* ---- MIKEY PRF --------------------------------------------------------- */

/* P(s, label, m) of RFC 3830 §4.1.2, XORed into out (out_len octets). */
static enum mcx_mech_err prf_p_xor(const uint8_t *s, size_t s_len,
				   const uint8_t *label, size_t label_len,
				   uint8_t *out, size_t out_len)
{
	enum mcx_mech_err err = MCX_OK;
	uint8_t a[MCX_KDF3GPP_OUT_LEN] = {0};
	uint8_t blk[MCX_KDF3GPP_OUT_LEN] = {0};
	struct mcx_kdf3gpp_param parts[2];

	/* A_1 = HMAC(s, A_0 = label). */
	parts[0].p = label;
	parts[0].len = label_len;
	err = hmac_parts(s, s_len, parts, 1, a);
	for (size_t done = 0; err == MCX_OK && done < out_len;) {
		size_t n =
		    out_len - done < sizeof(blk) ? out_len - done : sizeof(blk);

		/* block i = HMAC(s, A_i || label) */
		parts[0].p = a;
		parts[0].len = sizeof(a);
		parts[1].p = label;
		parts[1].len = label_len;
		err = hmac_parts(s, s_len, parts, 2, blk);
		if (err != MCX_OK)
			break;
		for (size_t i = 0; i < n; i++)
			out[done + i] ^= blk[i];
		done += n;
		if (done < out_len) {
			/* A_i+1 = HMAC(s, A_i) */
			parts[0].p = a;
			parts[0].len = sizeof(a);
			err = hmac_parts(s, s_len, parts, 1, a);
		}
	}
	mcx_wipe(a, sizeof(a));
	mcx_wipe(blk, sizeof(blk));
	return err;
}

enum mcx_mech_err mcx_kdf3gpp_mikey_prf(const uint8_t *inkey, size_t inkey_len,
					const uint8_t *label, size_t label_len,
					uint8_t *out, size_t out_len)
{
	enum mcx_mech_err err = MCX_OK;

	if ((inkey == NULL && inkey_len > 0) ||
	    (label == NULL && label_len > 0) || (out == NULL && out_len > 0))
		return MCX_ERR_ARGUMENT;
	if (inkey_len == 0)
		return MCX_ERR_LENGTH;
	if (out_len == 0)
		return MCX_OK;
	memset(out, 0, out_len);
	mcx_err_mark();
	/* inkey in 256-bit blocks s_1..s_n (the last one may be shorter);
	 * PRF = P(s_1, label, m) XOR ... XOR P(s_n, label, m). */
	for (size_t off = 0; err == MCX_OK && off < inkey_len; off += 32) {
		size_t n = inkey_len - off < 32 ? inkey_len - off : 32;

		err = prf_p_xor(inkey + off, n, label, label_len, out, out_len);
	}
	mcx_err_pop();
	if (err != MCX_OK)
		mcx_wipe(out, out_len);
	return err;
}

enum mcx_mech_err mcx_kdf3gpp_mikey_derive(const uint8_t *key, size_t key_len,
					   uint32_t constant, uint8_t cs_id,
					   uint32_t csb_id, const uint8_t *rand,
					   size_t rand_len, uint8_t *out,
					   size_t out_len)
{
	enum mcx_mech_err err = MCX_ERR_NOMEM;
	uint8_t *label = NULL;
	size_t label_len = 0;

	if ((rand == NULL && rand_len > 0) || (out == NULL && out_len > 0))
		return MCX_ERR_ARGUMENT;
	/* RAND is at most 255 octets on the wire (RFC 3830 §6.11: an 8-bit
	 * length); a larger value would also wrap label_len below. */
	if (rand_len > 255) {
		if (out != NULL)
			mcx_wipe(out, out_len);
		return MCX_ERR_LENGTH;
	}
	/* RFC 3830 §4.1.3: label = constant || cs_id || csb_id || RAND. */
	label_len = 4 + 1 + 4 + rand_len;
	label = malloc(label_len);
	if (label == NULL)
		goto out;
	label[0] = (uint8_t)(constant >> 24);
	label[1] = (uint8_t)(constant >> 16);
	label[2] = (uint8_t)(constant >> 8);
	label[3] = (uint8_t)constant;
	label[4] = cs_id;
	label[5] = (uint8_t)(csb_id >> 24);
	label[6] = (uint8_t)(csb_id >> 16);
	label[7] = (uint8_t)(csb_id >> 8);
	label[8] = (uint8_t)csb_id;
	if (rand_len > 0)
		memcpy(label + 9, rand, rand_len);
	err =
	    mcx_kdf3gpp_mikey_prf(key, key_len, label, label_len, out, out_len);
out:
	if (err != MCX_OK && out != NULL)
		mcx_wipe(out, out_len);
	free(label);
	return err;
}
