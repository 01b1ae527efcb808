/*
 * The "3GPP key parameters" of a MIKEY-SAKKE I_MESSAGE: General Extension
 * type 7 (TS 33.180 5.2.4, E.6), carried as a TS 24.282-style protected
 * payload (MCX-REFERENCE §5.4, decision e):
 *
 *   off len
 *    0   1  message type 0x43          12  16  IV
 *    1   5  date and time              28   4  DPPK-ID (= the CSB-ID)
 *    6   4  payload ID 0               32   1  payload element type 0x00
 *   10   1  payload sequence number 0  33   2  payload length (ct + tag)
 *   11   1  algorithm 1 (AES-128-GCM)  35   n  ciphertext, then a 16-octet tag
 *
 *   DPCK = the last 16 octets of KDF(K, FC 0x53, P0 = DPPK-ID)   (F.1.5)
 *   AES-128-GCM(DPCK, 16-octet IV, AAD = GE[0..11] || IV || DPPK-ID)
 *
 * The plaintext is the bare Key Parameters content (decision e): key type
 * (1) | status (4) | activation (5) | expiry (5) | text length (2) | text
 * | [MC group IDs: length (2) | count (1) | (IEI (1) | length (2) | id)*].
 * Activation and expiry are 40-bit Unix time, 0 = not set (decision d).
 */
#ifndef MCX_MECHANISMS_MIKEY_KEYPARAMS_H
#define MCX_MECHANISMS_MIKEY_KEYPARAMS_H

#include <stddef.h>
#include <stdint.h>

#include "mechanisms/mech_err.h"

#define MCX_MIKEY_PP_HDR_LEN	   35
#define MCX_MIKEY_PP_MSG_TYPE	   0x43
#define MCX_MIKEY_PP_ALG_AES128GCM 1
#define MCX_MIKEY_PP_IV_LEN	   16
#define MCX_MIKEY_PP_TAG_LEN	   16
#define MCX_MIKEY_PP_ELEMENT_TYPE  0x00
#define MCX_MIKEY_KEYPARAMS_MAX	   4096 /* plaintext octets we accept */
#define MCX_MIKEY_MAX_GROUPS	   32
#define MCX_MIKEY_TIME40_MAX	   0xFFFFFFFFFFull

/* Status bits (E.6.9): bit 0 set = NOT revoked; bit 1 = shared with a
 * security gateway. */
#define MCX_MIKEY_STATUS_NOT_REVOKED 0x1u
#define MCX_MIKEY_STATUS_SHARED_GW   0x2u

/* The IEI written before each MC group ID (TS 24.282 §15.2.14).  The real
 * value is not confirmed (MCX-REFERENCE §5.4 [U]); receivers accept any. */
#define MCX_MIKEY_GROUP_ID_IEI 0x03

/* The protected-payload envelope of a GE type 7, structure checked. */
struct mcx_mikey_keyparams_pp {
	const uint8_t *data; /* the whole GE data */
	size_t len;
	uint64_t date_time;
	uint8_t algorithm;
	const uint8_t *iv; /* 16 octets */
	uint32_t dppk_id;
	const uint8_t *ct; /* ciphertext || tag */
	size_t ct_len;
};

struct mcx_mikey_group_id {
	uint8_t iei;
	const uint8_t *id;
	size_t len;
};

struct mcx_mikey_keyparams {
	uint8_t key_type; /* purpose tag (E.6.11) */
	uint32_t status;
	uint64_t activation; /* 40-bit Unix time, 0 = not set */
	uint64_t expiry;
	const uint8_t *text; /* UTF-8, not NUL terminated */
	size_t text_len;
	int has_groups; /* the MC group ID block (GMK, MKFC, MuSiK) */
	size_t n_groups;
	struct mcx_mikey_group_id groups[MCX_MIKEY_MAX_GROUPS];
};

/* Check the envelope of GE type 7 data against the layout above: message
 * type 0x43, payload ID and sequence 0, algorithm 1, DPPK-ID = csb_id,
 * element type 0, payload length = the rest (>= the tag).  Anything else,
 * e.g. a legacy clear block (decision g): MCX_ERR_PARAMS_FORMAT. */
enum mcx_mech_err
mcx_mikey_keyparams_pp_parse(const uint8_t *ge, size_t len, uint32_t csb_id,
			     struct mcx_mikey_keyparams_pp *out);

/* The content encoding.  encode: out == NULL gives *len only; values that
 * do not fit their fields give MCX_ERR_ARGUMENT.  parse: strict, every
 * length checked, no trailing octets (MCX_ERR_PARAMS_FORMAT); the output
 * points into in. */
enum mcx_mech_err
mcx_mikey_keyparams_encode(const struct mcx_mikey_keyparams *p, uint8_t *out,
			   size_t cap, size_t *len);
enum mcx_mech_err mcx_mikey_keyparams_parse(const uint8_t *in, size_t len,
					    struct mcx_mikey_keyparams *out);

/* GE type 7 data for p under key (16 octets) with DPPK-ID = dppk_id:
 * MCX_MIKEY_PP_HDR_LEN + content + 16 octets.  iv NULL: 16 random octets.
 * out == NULL gives *len only. */
enum mcx_mech_err mcx_mikey_keyparams_seal(const uint8_t *key, size_t key_len,
					   uint32_t dppk_id, uint64_t date_time,
					   const uint8_t *iv,
					   const struct mcx_mikey_keyparams *p,
					   uint8_t *out, size_t cap,
					   size_t *len);

/* Decrypt an envelope with key: plaintext into plain (cap octets),
 * *plain_len its length.  MCX_ERR_PARAMS if the GCM tag fails (plain is
 * wiped), MCX_ERR_PARAMS_FORMAT if it would exceed cap. */
enum mcx_mech_err
mcx_mikey_keyparams_open(const uint8_t *key, size_t key_len,
			 const struct mcx_mikey_keyparams_pp *pp,
			 uint8_t *plain, size_t cap, size_t *plain_len);

#endif /* MCX_MECHANISMS_MIKEY_KEYPARAMS_H */
