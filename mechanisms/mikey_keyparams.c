/*
 * GE type 7 "3GPP key parameters" (TS 33.180 5.2.4, E.6; MCX-REFERENCE
 * §5.4, decisions d and e): the protected-payload envelope, the DPCK
 * (F.1.5), AES-128-GCM with a 16-octet IV, and the bare Key Parameters
 * content.
 */
#include <string.h>

#include "common/wipe.h"
#include "mechanisms/aes.h"
#include "mechanisms/kdf3gpp.h"
#include "mechanisms/mikey_keyparams.h"
#include "mechanisms/random.h"

#define AAD_LEN (12 + MCX_MIKEY_PP_IV_LEN + 4)

static uint64_t get_be(const uint8_t *p, size_t n)
{
	uint64_t v = 0;

	for (size_t i = 0; i < n; i++)
		v = v << 8 | p[i];
	return v;
}

static void put_be(uint8_t *p, uint64_t v, size_t n)
{
	for (size_t i = n; i > 0; i--) {
		p[i - 1] = (uint8_t)v;
		v >>= 8;
	}
}

enum mcx_mech_err
mcx_mikey_keyparams_pp_parse(const uint8_t *ge, size_t len, uint32_t csb_id,
			     struct mcx_mikey_keyparams_pp *out)
{
	if (ge == NULL || out == NULL)
		return MCX_ERR_ARGUMENT;
	memset(out, 0, sizeof(*out));
	/* A Rel-17 envelope holds at least the header and a GCM tag; shorter
	 * data (e.g. the 17-octet legacy clear block) is another format. */
	if (len < MCX_MIKEY_PP_HDR_LEN + MCX_MIKEY_PP_TAG_LEN)
		return MCX_ERR_PARAMS_FORMAT;
	if (ge[0] != MCX_MIKEY_PP_MSG_TYPE || get_be(ge + 6, 4) != 0 ||
	    ge[10] != 0 || ge[11] != MCX_MIKEY_PP_ALG_AES128GCM)
		return MCX_ERR_PARAMS_FORMAT;
	/* E.6.1: the DPPK-ID is the CSB-ID of the I_MESSAGE. */
	if ((uint32_t)get_be(ge + 28, 4) != csb_id)
		return MCX_ERR_PARAMS_FORMAT;
	if (ge[32] != MCX_MIKEY_PP_ELEMENT_TYPE ||
	    get_be(ge + 33, 2) != len - MCX_MIKEY_PP_HDR_LEN)
		return MCX_ERR_PARAMS_FORMAT;
	out->data = ge;
	out->len = len;
	out->date_time = get_be(ge + 1, 5);
	out->algorithm = ge[11];
	out->iv = ge + 12;
	out->dppk_id = csb_id;
	out->ct = ge + MCX_MIKEY_PP_HDR_LEN;
	out->ct_len = len - MCX_MIKEY_PP_HDR_LEN;
	return MCX_OK;
}

enum mcx_mech_err
mcx_mikey_keyparams_encode(const struct mcx_mikey_keyparams *p, uint8_t *out,
			   size_t cap, size_t *len)
{
	size_t n = 1 + 4 + 5 + 5 + 2;
	size_t groups = 0;

	if (p == NULL || len == NULL)
		return MCX_ERR_ARGUMENT;
	if (p->activation > MCX_MIKEY_TIME40_MAX ||
	    p->expiry > MCX_MIKEY_TIME40_MAX || p->text_len > 0xFFFF ||
	    (p->text_len > 0 && p->text == NULL) ||
	    p->n_groups > MCX_MIKEY_MAX_GROUPS ||
	    (!p->has_groups && p->n_groups > 0))
		return MCX_ERR_ARGUMENT;
	n += p->text_len;
	if (p->has_groups) {
		groups = 1;
		for (size_t i = 0; i < p->n_groups; i++) {
			if (p->groups[i].len > 0xFFFF ||
			    (p->groups[i].len > 0 && p->groups[i].id == NULL))
				return MCX_ERR_ARGUMENT;
			groups += 3 + p->groups[i].len;
		}
		if (groups > 0xFFFF)
			return MCX_ERR_ARGUMENT;
		n += 2 + groups;
	}
	*len = n;
	if (n > MCX_MIKEY_KEYPARAMS_MAX)
		return MCX_ERR_ARGUMENT;
	if (out == NULL)
		return MCX_OK;
	if (cap < n)
		return MCX_ERR_LENGTH;
	out[0] = p->key_type;
	put_be(out + 1, p->status, 4);
	put_be(out + 5, p->activation, 5);
	put_be(out + 10, p->expiry, 5);
	put_be(out + 15, p->text_len, 2);
	if (p->text_len > 0)
		memcpy(out + 17, p->text, p->text_len);
	if (p->has_groups) {
		uint8_t *q = out + 17 + p->text_len;

		put_be(q, groups, 2);
		q[2] = (uint8_t)p->n_groups;
		q += 3;
		for (size_t i = 0; i < p->n_groups; i++) {
			q[0] = p->groups[i].iei;
			put_be(q + 1, p->groups[i].len, 2);
			if (p->groups[i].len > 0)
				memcpy(q + 3, p->groups[i].id,
				       p->groups[i].len);
			q += 3 + p->groups[i].len;
		}
	}
	return MCX_OK;
}

static enum mcx_mech_err parse_content(const uint8_t *in, size_t len,
				       struct mcx_mikey_keyparams *out);

/* E.6.3 content; on any error out is left all zero, so that no partly
 * filled result (e.g. has_groups set with some groups read) is used. */
enum mcx_mech_err mcx_mikey_keyparams_parse(const uint8_t *in, size_t len,
					    struct mcx_mikey_keyparams *out)
{
	enum mcx_mech_err err = MCX_OK;

	if (in == NULL || out == NULL)
		return MCX_ERR_ARGUMENT;
	err = parse_content(in, len, out);
	if (err != MCX_OK)
		memset(out, 0, sizeof(*out));
	return err;
}

static enum mcx_mech_err parse_content(const uint8_t *in, size_t len,
				       struct mcx_mikey_keyparams *out)
{
	size_t off = 17;

	memset(out, 0, sizeof(*out));
	if (len < off)
		return MCX_ERR_PARAMS_FORMAT;
	out->key_type = in[0];
	out->status = (uint32_t)get_be(in + 1, 4);
	out->activation = get_be(in + 5, 5);
	out->expiry = get_be(in + 10, 5);
	out->text_len = (size_t)get_be(in + 15, 2);
	if (out->text_len > len - off)
		return MCX_ERR_PARAMS_FORMAT;
	out->text = in + off;
	off += out->text_len;
	if (off == len)
		return MCX_OK; /* no MC group ID block (PCK, CSK, ...) */
	/* E.6.3: length (2) | count (1) | (IEI | length (2) | id)* */
	if (len - off < 2)
		return MCX_ERR_PARAMS_FORMAT;
	size_t glen = (size_t)get_be(in + off, 2);
	off += 2;
	if (glen > len - off || glen < 1)
		return MCX_ERR_PARAMS_FORMAT;
	size_t end = off + glen;
	size_t count = in[off++];
	if (count > MCX_MIKEY_MAX_GROUPS)
		return MCX_ERR_PARAMS_FORMAT;
	out->has_groups = 1;
	for (size_t i = 0; i < count; i++) {
		if (end - off < 3)
			return MCX_ERR_PARAMS_FORMAT;
		size_t l = (size_t)get_be(in + off + 1, 2);
		if (l > end - off - 3)
			return MCX_ERR_PARAMS_FORMAT;
		out->groups[i].iei = in[off];
		out->groups[i].id = in + off + 3;
		out->groups[i].len = l;
		off += 3 + l;
	}
	out->n_groups = count;
	/* Strict: nothing after the group block (the "reserved" key info of
	 * E.6 has no defined encoding). */
	if (off != end || end != len)
		return MCX_ERR_PARAMS_FORMAT;
	return MCX_OK;
}

static void make_aad(const uint8_t *pp, uint8_t aad[AAD_LEN])
{
	/* AAD = GE[0..11] || IV || DPPK-ID: the envelope fields before the
	 * element type (§5.4). */
	memcpy(aad, pp, 12);
	memcpy(aad + 12, pp + 12, MCX_MIKEY_PP_IV_LEN);
	memcpy(aad + 28, pp + 28, 4);
}

enum mcx_mech_err mcx_mikey_keyparams_seal(const uint8_t *key, size_t key_len,
					   uint32_t dppk_id, uint64_t date_time,
					   const uint8_t *iv,
					   const struct mcx_mikey_keyparams *p,
					   uint8_t *out, size_t cap,
					   size_t *len)
{
	uint8_t plain[MCX_MIKEY_KEYPARAMS_MAX];
	uint8_t dpck[MCX_KDF3GPP_KEY_LEN] = {0};
	uint8_t aad[AAD_LEN];
	uint8_t id[4];
	size_t plen = 0, total = 0;
	enum mcx_mech_err err = MCX_OK;

	if (key == NULL || key_len != 16 || len == NULL ||
	    date_time > MCX_MIKEY_TIME40_MAX)
		return MCX_ERR_ARGUMENT;
	err = mcx_mikey_keyparams_encode(p, NULL, 0, &plen);
	if (err != MCX_OK)
		return err;
	total = MCX_MIKEY_PP_HDR_LEN + plen + MCX_MIKEY_PP_TAG_LEN;
	*len = total;
	if (out == NULL)
		return MCX_OK;
	if (cap < total)
		return MCX_ERR_LENGTH;
	err = mcx_mikey_keyparams_encode(p, plain, sizeof(plain), &plen);
	if (err != MCX_OK)
		goto out;
	out[0] = MCX_MIKEY_PP_MSG_TYPE;
	put_be(out + 1, date_time, 5);
	memset(out + 6, 0, 5); /* payload ID and sequence number 0 (E.6.1) */
	out[11] = MCX_MIKEY_PP_ALG_AES128GCM;
	if (iv != NULL)
		memcpy(out + 12, iv, MCX_MIKEY_PP_IV_LEN);
	else if ((err = mcx_random_bytes(out + 12, MCX_MIKEY_PP_IV_LEN)) !=
		 MCX_OK)
		goto out;
	put_be(out + 28, dppk_id, 4);
	out[32] = MCX_MIKEY_PP_ELEMENT_TYPE;
	put_be(out + 33, plen + MCX_MIKEY_PP_TAG_LEN, 2);
	put_be(id, dppk_id, 4);
	err = mcx_kdf3gpp_dpck(key, key_len, id, dpck);
	if (err != MCX_OK)
		goto out;
	make_aad(out, aad);
	err = mcx_aes_gcm_encrypt(
	    dpck, sizeof(dpck), out + 12, MCX_MIKEY_PP_IV_LEN, aad, sizeof(aad),
	    plain, plen, MCX_MIKEY_PP_TAG_LEN, out + MCX_MIKEY_PP_HDR_LEN);
out:
	if (err != MCX_OK)
		mcx_wipe(out, total);
	mcx_wipe(plain, sizeof(plain));
	mcx_wipe(dpck, sizeof(dpck));
	return err;
}

enum mcx_mech_err
mcx_mikey_keyparams_open(const uint8_t *key, size_t key_len,
			 const struct mcx_mikey_keyparams_pp *pp,
			 uint8_t *plain, size_t cap, size_t *plain_len)
{
	uint8_t dpck[MCX_KDF3GPP_KEY_LEN] = {0};
	uint8_t aad[AAD_LEN];
	uint8_t id[4];
	size_t n = 0;
	enum mcx_mech_err err = MCX_OK;

	if (key == NULL || key_len != 16 || pp == NULL || pp->data == NULL ||
	    plain == NULL || plain_len == NULL)
		return MCX_ERR_ARGUMENT;
	*plain_len = 0;
	if (pp->ct_len < MCX_MIKEY_PP_TAG_LEN)
		return MCX_ERR_PARAMS_FORMAT;
	n = pp->ct_len - MCX_MIKEY_PP_TAG_LEN;
	if (n > cap)
		return MCX_ERR_PARAMS_FORMAT;
	put_be(id, pp->dppk_id, 4);
	err = mcx_kdf3gpp_dpck(key, key_len, id, dpck);
	if (err != MCX_OK)
		goto out;
	make_aad(pp->data, aad);
	err = mcx_aes_gcm_decrypt(dpck, sizeof(dpck), pp->iv,
				  MCX_MIKEY_PP_IV_LEN, aad, sizeof(aad), pp->ct,
				  pp->ct_len, MCX_MIKEY_PP_TAG_LEN, plain);
	/* E.6.1: if decryption fails the key is rejected. */
	if (err == MCX_ERR_AUTH)
		err = MCX_ERR_PARAMS;
	if (err == MCX_OK)
		*plain_len = n;
	else
		mcx_wipe(plain, n);
out:
	mcx_wipe(dpck, sizeof(dpck));
	return err;
}
