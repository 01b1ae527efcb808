/*
 * Reference validation of parsed KMS key sets in-process (MCX-REFERENCE
 * §6.4 steps 2-5): unwrap with a TrK held in the clear, then RSK pairing
 * and SSK/PVT against the KPAK.  The admin tool never does this (the token
 * unwraps and validates, so no key is ever clear in the tool); the
 * reader's unit test and fuzz target use it to drive the parsed values
 * through the pure engines.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "admin/kms_xml_internal.h"
#include "common/wipe.h"
#include "mechanisms/aes.h"
#include "mechanisms/eccsi.h"
#include "mechanisms/kdf3gpp.h"
#include "mechanisms/sakke.h"
#include "tests/kms/kms_xml_ref.h"

#define FAIL(e, path, ...) mcx_kms_xml_fail(err, (e), (path), __VA_ARGS__)

struct mcx_kms_xml_kms {
	struct mcx_sakke_kms *sakke;
	struct mcx_eccsi_kpak *kpak;
	char *kms_uri;
	uint64_t period, offset;
};

enum mcx_kms_xml_err mcx_kms_xml_key_unwrap(const struct mcx_kms_xml_key *key,
					    const uint8_t *trk, size_t trk_len,
					    uint8_t *out, size_t cap,
					    size_t *out_len,
					    char err[MCX_KMS_XML_ERR_LEN])
{
	enum mcx_kms_xml_err rc = MCX_KMS_XML_OK;
	enum mcx_mech_err m = MCX_OK;
	uint8_t *tmp = NULL;
	size_t tmp_len = 0, kek_len = 0, n = 0;
	int pad = 0;
	*out_len = 0;
	if (key == NULL || !key->present)
		return FAIL(MCX_KMS_XML_ERR_SCHEMA, key ? key->path : "",
			    "key element missing");
	if (!key->encrypted) {
		if (key->len > cap)
			return FAIL(MCX_KMS_XML_ERR_LENGTH, key->path,
				    "%zu octets (at most %zu expected)",
				    key->len, cap);
		memcpy(out, key->value, key->len);
		*out_len = key->len;
		return MCX_KMS_XML_OK;
	}
	if (strcmp(key->algorithm, MCX_KMS_XML_KW_AES128) == 0)
		kek_len = 16;
	else if (strcmp(key->algorithm, MCX_KMS_XML_KW_AES256) == 0)
		kek_len = 32;
	else if (strcmp(key->algorithm, MCX_KMS_XML_KW_AES128_PAD) == 0)
		kek_len = 16, pad = 1;
	else if (strcmp(key->algorithm, MCX_KMS_XML_KW_AES256_PAD) == 0)
		kek_len = 32, pad = 1;
	else
		return FAIL(MCX_KMS_XML_ERR_ALGORITHM, key->path,
			    "unsupported key-wrap algorithm %.200s",
			    key->algorithm);
	if (trk == NULL)
		return FAIL(MCX_KMS_XML_ERR_NO_KEY, key->path,
			    "encrypted under TrK %.100s; no TrK given",
			    key->key_name != NULL ? key->key_name
						  : "(unnamed)");
	if (trk_len != kek_len)
		return FAIL(MCX_KMS_XML_ERR_NO_KEY, key->path,
			    "TrK of %zu octets; %.200s needs %zu", trk_len,
			    key->algorithm, kek_len);
	/* The unwrapped value is at most len - 8 octets, but libcrypto's
	 * CRYPTO_128_unwrap_pad cleanses len octets of its output buffer on
	 * failure, so the buffer is len octets long. */
	tmp_len = key->len;
	tmp = malloc(tmp_len);
	if (tmp == NULL)
		return FAIL(MCX_KMS_XML_ERR_NOMEM, key->path, "out of memory");
	if (pad) {
		m = mcx_aes_kwp_unwrap(trk, trk_len, key->value, key->len, tmp,
				       &n);
	} else if (key->len < 24) {
		m = MCX_ERR_LENGTH; /* RFC 3394 wraps at least 2 blocks */
	} else {
		m = mcx_aes_unwrap(trk, trk_len, key->value, key->len, tmp);
		n = key->len - 8;
	}
	if (m == MCX_ERR_AUTH) {
		rc = FAIL(MCX_KMS_XML_ERR_UNWRAP, key->path,
			  "key-wrap integrity check failed (wrong TrK or "
			  "tampered CipherValue)");
		goto out;
	}
	if (m != MCX_OK) {
		rc = FAIL(MCX_KMS_XML_ERR_UNWRAP, key->path, "unwrap: %s",
			  mcx_mech_err_str(m));
		goto out;
	}
	if (n > cap) {
		rc = FAIL(MCX_KMS_XML_ERR_LENGTH, key->path,
			  "%zu octets (at most %zu expected)", n, cap);
		goto out;
	}
	memcpy(out, tmp, n);
	*out_len = n;
out:
	mcx_wipe_free(tmp, tmp_len);
	return rc;
}

enum mcx_kms_xml_err mcx_kms_xml_kms_new(const struct mcx_kms_xml_cert *cert,
					 struct mcx_kms_xml_kms **out,
					 char err[MCX_KMS_XML_ERR_LEN])
{
	enum mcx_kms_xml_err rc = MCX_KMS_XML_OK;
	enum mcx_mech_err m = MCX_OK;
	char p[MCX_KMS_XML_PATH_LEN + 16];
	struct mcx_kms_xml_kms *k = calloc(1, sizeof(*k));
	*out = NULL;
	if (k == NULL)
		return FAIL(MCX_KMS_XML_ERR_NOMEM, cert->path, "out of memory");
	snprintf(p, sizeof(p), "%s/PubEncKey", cert->path);
	if (cert->pub_enc_key_len != MCX_SAKKE_POINT_LEN) {
		rc = FAIL(MCX_KMS_XML_ERR_LENGTH, p,
			  "%zu octets (257 expected)", cert->pub_enc_key_len);
		goto out;
	}
	if ((m = mcx_sakke_kms_new(cert->pub_enc_key, cert->pub_enc_key_len,
				   &k->sakke)) != MCX_OK) {
		rc = FAIL(MCX_KMS_XML_ERR_KEY_INVALID, p, "Z_T invalid: %s",
			  mcx_mech_err_str(m));
		goto out;
	}
	snprintf(p, sizeof(p), "%s/PubAuthKey", cert->path);
	if (cert->pub_auth_key_len != MCX_ECCSI_POINT_LEN) {
		rc = FAIL(MCX_KMS_XML_ERR_LENGTH, p, "%zu octets (65 expected)",
			  cert->pub_auth_key_len);
		goto out;
	}
	if ((m = mcx_eccsi_kpak_new(&k->kpak, cert->pub_auth_key,
				    cert->pub_auth_key_len)) != MCX_OK) {
		rc = FAIL(MCX_KMS_XML_ERR_KEY_INVALID, p, "KPAK invalid: %s",
			  mcx_mech_err_str(m));
		goto out;
	}
	k->kms_uri = strdup(cert->kms_uri);
	if (k->kms_uri == NULL) {
		rc = FAIL(MCX_KMS_XML_ERR_NOMEM, cert->path, "out of memory");
		goto out;
	}
	k->period = cert->user_key_period;
	k->offset = cert->user_key_offset;
	*out = k;
	k = NULL;
out:
	mcx_kms_xml_kms_free(k);
	return rc;
}

void mcx_kms_xml_kms_free(struct mcx_kms_xml_kms *kms)
{
	if (kms == NULL)
		return;
	mcx_sakke_kms_free(kms->sakke);
	mcx_eccsi_kpak_free(kms->kpak);
	free(kms->kms_uri);
	free(kms);
}

enum mcx_kms_xml_err
mcx_kms_xml_validate_keyset(const struct mcx_kms_xml_kms *kms,
			    const struct mcx_kms_xml_keyset *ks,
			    const uint8_t *trk, size_t trk_len, unsigned flags,
			    char err[MCX_KMS_XML_ERR_LEN])
{
	enum mcx_kms_xml_err rc = MCX_KMS_XML_OK;
	enum mcx_mech_err m = MCX_OK;
	/* room for any clear value a KMS could send, checked below */
	uint8_t rsk[MCX_KMS_XML_RSK_LEN + 8], ssk[MCX_KMS_XML_SSK_LEN + 8],
	    pvt[MCX_KMS_XML_PVT_LEN + 8];
	size_t rsk_len = 0, ssk_len = 0, pvt_len = 0;
	uint8_t uid[MCX_KMS_XML_UID_LEN];
	char uid_text[2 * MCX_KMS_XML_UID_LEN + 1];
	char p[MCX_KMS_XML_PATH_LEN + 16];
	struct mcx_sakke_rsk *r = NULL;
	struct mcx_eccsi_signer *signer = NULL;
	const uint8_t *id = ks->user_id;
	size_t id_len = MCX_KMS_XML_UID_LEN;

	snprintf(p, sizeof(p), "%s/KmsUri", ks->path);
	if (strcmp(ks->kms_uri, kms->kms_uri) != 0) {
		rc = FAIL(MCX_KMS_XML_ERR_SCHEMA, p,
			  "%.100s is not the certificate's KmsUri %.100s",
			  ks->kms_uri, kms->kms_uri);
		goto out;
	}
	/* §6.4 step 2-3: the key octets and their lengths */
	if ((rc = mcx_kms_xml_key_unwrap(&ks->rsk, trk, trk_len, rsk,
					 sizeof(rsk), &rsk_len, err)) ||
	    (rc = mcx_kms_xml_key_unwrap(&ks->ssk, trk, trk_len, ssk,
					 sizeof(ssk), &ssk_len, err)) ||
	    (rc = mcx_kms_xml_key_unwrap(&ks->pvt, trk, trk_len, pvt,
					 sizeof(pvt), &pvt_len, err)))
		goto out;
	if (rsk_len != MCX_KMS_XML_RSK_LEN || rsk[0] != 0x04) {
		rc = FAIL(MCX_KMS_XML_ERR_LENGTH, ks->rsk.path,
			  "RSK of %zu octets (257 starting 0x04 expected)",
			  rsk_len);
		goto out;
	}
	if (ssk_len != MCX_KMS_XML_SSK_LEN) {
		rc = FAIL(MCX_KMS_XML_ERR_LENGTH, ks->ssk.path,
			  "SSK of %zu octets (32 expected)", ssk_len);
		goto out;
	}
	if (pvt_len != MCX_KMS_XML_PVT_LEN || pvt[0] != 0x04) {
		rc = FAIL(MCX_KMS_XML_ERR_LENGTH, ks->pvt.path,
			  "PVT of %zu octets (65 starting 0x04 expected)",
			  pvt_len);
		goto out;
	}
	/* §6.4 step 4: UserID == UID (F.2.1) */
	snprintf(p, sizeof(p), "%s/UserID", ks->path);
	m = mcx_kdf3gpp_uid((const uint8_t *)ks->user_uri, strlen(ks->user_uri),
			    (const uint8_t *)ks->kms_uri, strlen(ks->kms_uri),
			    kms->period, kms->offset, ks->key_period_no, uid);
	if (m != MCX_OK) {
		rc = FAIL(MCX_KMS_XML_ERR_UID, p, "UID computation: %s",
			  mcx_mech_err_str(m));
		goto out;
	}
	if (CRYPTO_memcmp(uid, ks->user_id, sizeof(uid)) != 0) {
		char hex[2 * MCX_KMS_XML_UID_LEN + 1];
		for (size_t i = 0; i < sizeof(uid); i++)
			snprintf(hex + 2 * i, 3, "%02x", uid[i]);
		rc = FAIL(MCX_KMS_XML_ERR_UID, p,
			  "does not match UID(UserUri, KmsUri, %llu, %llu, "
			  "KeyPeriodNo %llu) = %s",
			  (unsigned long long)kms->period,
			  (unsigned long long)kms->offset,
			  (unsigned long long)ks->key_period_no, hex);
		goto out;
	}
	/* §6.3 quirk: some KMSs use the 64 hex characters as the identifier */
	if (flags & MCX_KMS_XML_UID_AS_TEXT) {
		if (ks->user_id_text != NULL &&
		    strlen(ks->user_id_text) == 2 * MCX_KMS_XML_UID_LEN)
			memcpy(uid_text, ks->user_id_text, sizeof(uid_text));
		else
			for (size_t i = 0; i < sizeof(uid); i++)
				snprintf(uid_text + 2 * i, 3, "%02x",
					 ks->user_id[i]);
		id = (const uint8_t *)uid_text;
		id_len = 2 * MCX_KMS_XML_UID_LEN;
	}
	/* §6.4 step 5: RSK by pairing, SSK/PVT against KPAK */
	if ((m = mcx_sakke_rsk_new(rsk, rsk_len, &r)) != MCX_OK ||
	    (m = mcx_sakke_rsk_validate(r, kms->sakke, id, id_len)) != MCX_OK) {
		rc = FAIL(MCX_KMS_XML_ERR_KEY_INVALID, ks->rsk.path,
			  "RSK fails validation for this identity (%s)",
			  mcx_mech_err_str(m));
		goto out;
	}
	m = mcx_eccsi_signer_new(&signer, kms->kpak, id, id_len, ssk, ssk_len,
				 pvt, pvt_len);
	if (m == MCX_ERR_KEY_INVALID || m == MCX_ERR_SCALAR_RANGE) {
		rc = FAIL(MCX_KMS_XML_ERR_KEY_INVALID, ks->ssk.path,
			  "SSK/PVT fail validation against KPAK for this "
			  "identity (%s)",
			  mcx_mech_err_str(m));
		goto out;
	}
	if (m != MCX_OK) {
		rc = FAIL(MCX_KMS_XML_ERR_KEY_INVALID, ks->pvt.path,
			  "PVT invalid (%s)", mcx_mech_err_str(m));
		goto out;
	}
out:
	mcx_eccsi_signer_free(signer);
	mcx_sakke_rsk_free(r);
	mcx_wipe(rsk, sizeof(rsk));
	mcx_wipe(ssk, sizeof(ssk));
	mcx_wipe(pvt, sizeof(pvt));
	return rc;
}
