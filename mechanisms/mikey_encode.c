/*
 * Builder of MIKEY-SAKKE I_MESSAGEs (RFC 6509 §2.1, TS 33.180 E.1-E.7),
 * laid out as the model message of MCX-REFERENCE §5.6:
 *
 *   HDR, T, RAND, IDRi, IDRr, IDRkmsi, IDRkmsr, [SP], SAKKE, [GE 6],
 *   [GE 7], SIGN
 *
 * The ECCSI signature covers everything up to and including the two SIGN
 * header octets (§4.3).
 */
#include <string.h>

#include "common/wipe.h"
#include "mechanisms/kdf3gpp.h"
#include "mechanisms/mikey.h"
#include "mechanisms/random.h"

/* The default SRTP profile of TS 33.179 E.2 (MCX-REFERENCE §5.3) as
 * Streamwide writes it: (type, length, value) for types 0, 1, 2, 4, 5, 6,
 * 18, 19, 20. */
static const uint8_t sp_default[] = {
    0x00, 0x01, 0x06, 0x01, 0x01, 0x10, 0x02, 0x01, 0x04,
    0x04, 0x01, 0x0C, 0x05, 0x01, 0x00, 0x06, 0x01, 0x00,
    0x12, 0x01, 0x04, 0x13, 0x01, 0x00, 0x14, 0x01, 0x10,
};

static void put_be(uint8_t *p, uint64_t v, size_t n)
{
	for (size_t i = n; i > 0; i--) {
		p[i - 1] = (uint8_t)v;
		v >>= 8;
	}
}

static int id_ok(const struct mcx_mikey_id *id, uint8_t r1, uint8_t r2)
{
	return id->id != NULL && id->id_len > 0 && id->id_len <= 0xFFFF &&
	       (id->role == r1 || id->role == r2);
}

static enum mcx_mech_err check(const struct mcx_mikey_build *in)
{
	if (in == NULL || in->key == NULL || in->signer == NULL)
		return MCX_ERR_ARGUMENT;
	if (in->map_type != MCX_MIKEY_MAP_GENERIC_ID &&
	    in->map_type != MCX_MIKEY_MAP_EMPTY)
		return MCX_ERR_ARGUMENT;
	if (!id_ok(&in->idri, MCX_MIKEY_ROLE_I, MCX_MIKEY_ROLE_UIDI) ||
	    !id_ok(&in->idrr, MCX_MIKEY_ROLE_R, MCX_MIKEY_ROLE_UIDR) ||
	    !id_ok(&in->idrkmsi, MCX_MIKEY_ROLE_KMSI, MCX_MIKEY_ROLE_KMSI) ||
	    !id_ok(&in->idrkmsr, MCX_MIKEY_ROLE_KMSR, MCX_MIKEY_ROLE_KMSR))
		return MCX_ERR_ARGUMENT;
	if (in->sed == NULL && (in->kms == NULL || in->receiver_uid == NULL))
		return MCX_ERR_ARGUMENT;
	if (in->self_kms != NULL && in->self_uid == NULL)
		return MCX_ERR_ARGUMENT;
	return MCX_OK;
}

static size_t hdr_len(const struct mcx_mikey_build *in)
{
	size_t spi = mcx_mikey_purpose_diversified(in->key_id) &&
			     in->receiver_uri != NULL
			 ? 8
			 : 4;

	if (in->map_type == MCX_MIKEY_MAP_EMPTY)
		return 10;
	/* CS ID | prot | S|#P | policy | session data len (2) | SPI len | SPI
	 */
	return 10 + 7 + spi;
}

enum mcx_mech_err mcx_mikey_encoded_len(const struct mcx_mikey_build *in,
					size_t *len)
{
	size_t n = 0, ge7 = 0;
	enum mcx_mech_err err = check(in);

	if (err != MCX_OK)
		return err;
	if (len == NULL)
		return MCX_ERR_ARGUMENT;
	n = hdr_len(in) + 10 + 2 + MCX_MIKEY_RAND_LEN;
	n += 5 + in->idri.id_len + 5 + in->idrr.id_len;
	n += 5 + in->idrkmsi.id_len + 5 + in->idrkmsr.id_len;
	if (in->with_sp)
		n += 5 + sizeof(sp_default);
	n += 5 + MCX_SAKKE_SED_LEN;
	if (in->self_kms != NULL)
		n += 4 + 5 + MCX_SAKKE_SED_LEN;
	if (in->params != NULL) {
		err = mcx_mikey_keyparams_seal(in->key, MCX_MIKEY_KEY_LEN, 0, 0,
					       NULL, in->params, NULL, 0, &ge7);
		if (err != MCX_OK)
			return err;
		if (ge7 > 0xFFFF)
			return MCX_ERR_ARGUMENT;
		n += 4 + ge7;
	}
	n += 2 + MCX_ECCSI_SIG_LEN;
	*len = n;
	return MCX_OK;
}

static uint8_t *put_idr(uint8_t *q, uint8_t **nextp,
			const struct mcx_mikey_id *id)
{
	**nextp = MCX_MIKEY_PT_IDR;
	*nextp = q;
	q[1] = id->role;
	q[2] = MCX_MIKEY_IDTYPE_URI; /* URIs, and UIDs as in §5.6 */
	put_be(q + 3, id->id_len, 2);
	memcpy(q + 5, id->id, id->id_len);
	return q + 5 + id->id_len;
}

/* A SAKKE payload (RFC 6509 §4.2) with its next octet at q[0]. */
static void put_sakke(uint8_t *q, const uint8_t sed[MCX_SAKKE_SED_LEN])
{
	q[1] = MCX_MIKEY_SAKKE_PARAMS_SET1;
	q[2] = MCX_MIKEY_SAKKE_SCHEME_UID;
	put_be(q + 3, MCX_SAKKE_SED_LEN, 2);
	memcpy(q + 5, sed, MCX_SAKKE_SED_LEN);
}

enum mcx_mech_err mcx_mikey_encode(const struct mcx_mikey_build *in,
				   uint8_t *out, size_t cap, size_t *out_len)
{
	uint8_t sed[MCX_SAKKE_SED_LEN];
	uint32_t csb_id = 0, salt = 0;
	size_t total = 0, ge7 = 0;
	uint8_t *q = NULL, *nextp = NULL;
	int diversity = 0;
	enum mcx_mech_err err = MCX_OK;

	if (out_len == NULL)
		return MCX_ERR_ARGUMENT;
	err = mcx_mikey_encoded_len(in, &total);
	if (err != MCX_OK)
		return err;
	*out_len = total;
	if (out == NULL)
		return MCX_OK;
	if (cap < total)
		return MCX_ERR_LENGTH;

	/* TS 33.180 5.2.3: GMK and MKFC travel with a per-receiver UK-ID. */
	diversity = mcx_mikey_purpose_diversified(in->key_id) &&
		    in->receiver_uri != NULL;
	csb_id = in->key_id;
	if (diversity) {
		err = mcx_kdf3gpp_user_salt(in->key, MCX_MIKEY_KEY_LEN,
					    in->receiver_uri,
					    in->receiver_uri_len, &salt);
		if (err != MCX_OK)
			goto out;
		csb_id = mcx_kdf3gpp_guk_id(in->key_id, salt);
	}

	/* HDR (RFC 3830 §6.1): version, data type 26, next = T, PRF 1. */
	q = out;
	q[0] = MCX_MIKEY_VERSION;
	q[1] = MCX_MIKEY_DATA_TYPE_SAKKE;
	q[2] = MCX_MIKEY_PT_T;
	q[3] = MCX_MIKEY_PRF_HMAC_SHA256;
	put_be(q + 4, csb_id, 4);
	if (in->map_type == MCX_MIKEY_MAP_EMPTY) {
		q[8] = 0;
		q[9] = MCX_MIKEY_MAP_EMPTY;
		q += 10;
	} else {
		/* One GENERIC-ID CS (RFC 6043 §6.1.1), SRTP, policy 0, no
		 * session data, SPI = K-ID || UK-ID (the SRTP MKI, §5.2). */
		q[8] = 1;
		q[9] = MCX_MIKEY_MAP_GENERIC_ID;
		q[10] = in->cs_id;
		q[11] = 0;
		q[12] = 1;
		q[13] = 0;
		q[14] = 0;
		q[15] = 0;
		q[16] = diversity ? 8 : 4;
		put_be(q + 17, in->key_id, 4);
		if (diversity)
			put_be(q + 21, csb_id, 4);
		q += 17 + q[16];
	}
	/* T: NTP-UTC, 64 bits (TS 33.179 E.1.1). */
	nextp = q;
	q[1] = MCX_MIKEY_TS_NTP_UTC;
	put_be(q + 2, in->ts, 8);
	q += 10;
	/* RAND: 16 octets. */
	*nextp = MCX_MIKEY_PT_RAND;
	nextp = q;
	q[1] = MCX_MIKEY_RAND_LEN;
	if (in->rand != NULL)
		memcpy(q + 2, in->rand, MCX_MIKEY_RAND_LEN);
	else if ((err = mcx_random_bytes(q + 2, MCX_MIKEY_RAND_LEN)) != MCX_OK)
		goto out;
	q += 2 + MCX_MIKEY_RAND_LEN;
	q = put_idr(q, &nextp, &in->idri);
	q = put_idr(q, &nextp, &in->idrr);
	q = put_idr(q, &nextp, &in->idrkmsi);
	q = put_idr(q, &nextp, &in->idrkmsr);
	if (in->with_sp) {
		*nextp = MCX_MIKEY_PT_SP;
		nextp = q;
		q[1] = 0; /* policy no */
		q[2] = 0; /* SRTP */
		put_be(q + 3, sizeof(sp_default), 2);
		memcpy(q + 5, sp_default, sizeof(sp_default));
		q += 5 + sizeof(sp_default);
	}
	/* SAKKE (RFC 6508 §6.2.1) to the receiver's UID. */
	if (in->sed != NULL)
		memcpy(sed, in->sed, sizeof(sed));
	else if ((err = mcx_sakke_encapsulate(in->kms, in->receiver_uid,
					      in->receiver_uid_len, in->key,
					      sed)) != MCX_OK)
		goto out;
	*nextp = MCX_MIKEY_PT_SAKKE;
	nextp = q;
	put_sakke(q, sed);
	q += 5 + MCX_SAKKE_SED_LEN;
	if (in->self_kms != NULL) {
		/* E.5: the same key to the sender's own UID in GE type 6. */
		err = mcx_sakke_encapsulate(in->self_kms, in->self_uid,
					    in->self_uid_len, in->key, sed);
		if (err != MCX_OK)
			goto out;
		*nextp = MCX_MIKEY_PT_GE;
		nextp = q;
		q[1] = MCX_MIKEY_GE_SAKKE_TO_SELF;
		put_be(q + 2, 5 + MCX_SAKKE_SED_LEN, 2);
		q[4] = MCX_MIKEY_PT_LAST;
		put_sakke(q + 4, sed);
		q += 4 + 5 + MCX_SAKKE_SED_LEN;
	}
	if (in->params != NULL) {
		/* E.6: DPPK-ID = CSB-ID; the envelope's date and time is the
		 * message time in Unix seconds (40 bits). */
		uint64_t t = in->params_date_time != 0
				 ? in->params_date_time
				 : mcx_mikey_unix_from_ntp(in->ts) &
				       MCX_MIKEY_TIME40_MAX;
		*nextp = MCX_MIKEY_PT_GE;
		nextp = q;
		q[1] = MCX_MIKEY_GE_KEY_PARAMS;
		err = mcx_mikey_keyparams_seal(
		    in->key, MCX_MIKEY_KEY_LEN, csb_id, t, in->params_iv,
		    in->params, q + 4, total - (size_t)(q + 4 - out), &ge7);
		if (err != MCX_OK)
			goto out;
		put_be(q + 2, ge7, 2);
		q += 4 + ge7;
	}
	/* SIGN (RFC 6509 §4.3): type 2 | length 129, signed with the
	 * header. */
	*nextp = MCX_MIKEY_PT_SIGN;
	put_be(q, (uint64_t)MCX_MIKEY_SIGN_ECCSI << 12 | MCX_ECCSI_SIG_LEN, 2);
	q += 2;
	err = mcx_eccsi_sign(in->signer, out, (size_t)(q - out), q);
	if (err != MCX_OK)
		goto out;
	q += MCX_ECCSI_SIG_LEN;
	if ((size_t)(q - out) != total)
		err = MCX_ERR_ARGUMENT;
out:
	if (err != MCX_OK)
		mcx_wipe(out, total);
	mcx_wipe(sed, sizeof(sed));
	mcx_wipe(&salt, sizeof(salt));
	return err;
}
