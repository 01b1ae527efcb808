/*
 * The receiver's cryptographic steps on a decoded MIKEY-SAKKE I_MESSAGE,
 * in the order that never uses an unauthenticated value (RFC 6509 §3,
 * TS 33.180 5.2.3, E.5-E.7, decision g): signature first, then
 * decapsulation, then the K-ID, then the key parameters under the key.
 */
#include <openssl/crypto.h>
#include <string.h>

#include "common/wipe.h"
#include "mechanisms/kdf3gpp.h"
#include "mechanisms/mikey.h"

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static int same(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
	return alen == blen && CRYPTO_memcmp(a, b, alen) == 0;
}

/* Whether every GENERIC-ID SPI names this K-ID (and GUK-ID): 8 octets
 * K-ID || GUK-ID, or 4 octets K-ID (§5.6).  The K-ID is computed from the
 * key (the F.1.3 salt), but it is public by design: the SPI carries K-ID
 * and GUK-ID in clear, so their XOR, the salt, is on the wire too.  A
 * function of its own so that tests/ct/ct.supp can declassify exactly
 * these comparisons. */
static int spi_agrees(const struct mcx_mikey_msg *msg, uint32_t key_id,
		      uint32_t uk_id)
{
	if (msg->map_type != MCX_MIKEY_MAP_GENERIC_ID)
		return 1;
	for (size_t i = 0; i < msg->n_cs; i++) {
		const struct mcx_mikey_cs *cs = &msg->cs[i];
		if ((cs->spi_len == 8 &&
		     (be32(cs->spi) != key_id || be32(cs->spi + 4) != uk_id)) ||
		    (cs->spi_len == 4 && be32(cs->spi) != key_id))
			return 0;
	}
	return 1;
}

enum mcx_mech_err mcx_mikey_receive(const struct mcx_mikey_msg *msg,
				    const struct mcx_mikey_receiver *rx,
				    struct mcx_mikey_received *out)
{
	const struct mcx_mikey_idr *uidi = NULL, *uidr = NULL;
	const uint8_t *sender = NULL;
	size_t sender_len = 0;
	uint32_t salt = 0;
	enum mcx_mech_err err = MCX_OK;

	if (out == NULL)
		return MCX_ERR_ARGUMENT;
	memset(out, 0, sizeof(*out));
	if (msg == NULL || msg->msg == NULL || msg->sig == NULL || rx == NULL ||
	    (rx->kpak == NULL && rx->verifier == NULL) ||
	    (rx->verifier != NULL && rx->sender_id == NULL) ||
	    rx->kms == NULL || rx->rsk == NULL || rx->own_uid == NULL)
		return MCX_ERR_ARGUMENT;

	/* 1. Signature (RFC 6507 §5.2.2) with the sender's UID: IDRuidi when
	 * the message hides identities, else the caller's (decision g). */
	uidi = mcx_mikey_find_idr(msg, MCX_MIKEY_ROLE_UIDI);
	sender = rx->sender_id;
	sender_len = rx->sender_id_len;
	if (sender == NULL) {
		if (uidi == NULL)
			return MCX_ERR_ARGUMENT;
		sender = uidi->id;
		sender_len = uidi->id_len;
	} else if (uidi != NULL &&
		   !same(uidi->id, uidi->id_len, sender, sender_len)) {
		return MCX_ERR_IDENTITY;
	}
	/* A cached verifier checks against the ID it was made for: that ID
	 * must be the sender the caller names (and IDRuidi checked above),
	 * or a message signed by one user would be taken as another's. */
	if (rx->verifier != NULL) {
		size_t vid_len = 0;
		const uint8_t *vid =
		    mcx_eccsi_verifier_id(rx->verifier, &vid_len);
		if (!same(vid, vid_len, sender, sender_len))
			return MCX_ERR_IDENTITY;
	}
	if (rx->verifier != NULL)
		err = mcx_eccsi_verifier_verify(rx->verifier, msg->msg,
						msg->signed_len, msg->sig,
						msg->sig_len);
	else
		err = mcx_eccsi_verify(rx->kpak, sender, sender_len, msg->msg,
				       msg->signed_len, msg->sig, msg->sig_len);
	if (err != MCX_OK)
		goto out;

	/* 2. The message must be for us (E.7), then decapsulate with the
	 * re-encapsulation check (RFC 6508 §6.2.2). */
	uidr = mcx_mikey_find_idr(msg, MCX_MIKEY_ROLE_UIDR);
	if (uidr != NULL &&
	    !same(uidr->id, uidr->id_len, rx->own_uid, rx->own_uid_len)) {
		err = MCX_ERR_IDENTITY;
		goto out;
	}
	err = mcx_sakke_decapsulate(rx->kms, rx->rsk, rx->own_uid,
				    rx->own_uid_len, msg->sakke.sed,
				    msg->sakke.sed_len, out->key);
	if (err != MCX_OK)
		goto out;

	/* 3. K-ID (TS 33.180 5.2.3): for GMK / MKFC the CSB-ID is the GUK-ID,
	 * K-ID = GUK-ID XOR User Salt(own URI); otherwise the K-ID itself. */
	out->uk_id = msg->csb_id;
	out->key_id = msg->csb_id;
	if (mcx_mikey_purpose_diversified(msg->csb_id)) {
		if (rx->own_uri == NULL) {
			err = MCX_ERR_ARGUMENT;
			goto out;
		}
		err =
		    mcx_kdf3gpp_user_salt(out->key, sizeof(out->key),
					  rx->own_uri, rx->own_uri_len, &salt);
		if (err != MCX_OK)
			goto out;
		out->key_id = mcx_kdf3gpp_kid_from_guk_id(msg->csb_id, salt);
	}
	/* The SRTP MKI in the GENERIC-ID SPI must agree (§5.6): a wrong URI
	 * gives a wrong K-ID, caught here rather than at media time. */
	if (!spi_agrees(msg, out->key_id, out->uk_id)) {
		err = MCX_ERR_KEY_ID;
		goto out;
	}

	/* 4. Key parameters (E.6): decrypt with the key, parse, and check the
	 * key type against the purpose tag. */
	if (msg->has_keyparams) {
		err = mcx_mikey_keyparams_open(
		    out->key, sizeof(out->key), &msg->keyparams,
		    out->params_plain, sizeof(out->params_plain),
		    &out->params_plain_len);
		if (err != MCX_OK)
			goto out;
		err = mcx_mikey_keyparams_parse(
		    out->params_plain, out->params_plain_len, &out->params);
		if (err != MCX_OK)
			goto out;
		if (out->params.key_type != out->key_id >> 28) {
			err = MCX_ERR_KEY_ID;
			goto out;
		}
		out->has_params = 1;
	}
out:
	mcx_wipe(&salt, sizeof(salt));
	if (err != MCX_OK)
		mcx_wipe(out, sizeof(*out));
	return err;
}
