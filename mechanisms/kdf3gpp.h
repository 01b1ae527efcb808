/*
 * The key derivations of TS 33.180 Annex F and MIKEY (MCX-REFERENCE §1.2,
 * §5.1, §5.2, §5.4, §5.7; decision c):
 *
 *   mcx_kdf3gpp_derive        TS 33.220 Annex B KDF:
 *                             HMAC-SHA-256(key, FC || P0 || L0 || ...)
 *   mcx_kdf3gpp_uid           MIKEY-SAKKE UID (F.2.1): SHA-256 of the same
 *                             S encoding with FC 0x00, no HMAC
 *   mcx_kdf3gpp_user_salt     User Salt (F.1.3, FC 0x50) and
 *   mcx_kdf3gpp_guk_id        GUK-ID = tag(K-ID) | ((K-ID ^ salt) & 28 bits)
 *   mcx_kdf3gpp_kid_from_guk_id   its inverse (receiver side)
 *   mcx_kdf3gpp_xpk_key       F.1.4 XPK keys (FC 0x51 / 0x52), last 16 octets
 *   mcx_kdf3gpp_dpck          DPCK (F.1.5, FC 0x53), last 16 octets
 *   mcx_kdf3gpp_mikey_prf     MIKEY PRF with HMAC-SHA-256 (RFC 3830 §4.1.2,
 *                             RFC 6043 §6.1) and the SRTP master key/salt
 *                             derivation of RFC 3830 §4.1.3
 *
 * "The n least significant bits" of a 256-bit output are its last n/8
 * octets (MCX-REFERENCE §0).  Strings are UTF-8 octets without NUL, given
 * as pointer + length.  Outputs are wiped when a function fails.
 */
#ifndef MCX_MECHANISMS_KDF3GPP_H
#define MCX_MECHANISMS_KDF3GPP_H

#include <stddef.h>
#include <stdint.h>

#include "mechanisms/mech_err.h"

#define MCX_KDF3GPP_OUT_LEN 32 /* HMAC-SHA-256 / SHA-256 output */
#define MCX_KDF3GPP_KEY_LEN 16 /* 128-bit keys: last 16 octets */
#define MCX_KDF3GPP_UID_LEN 32

/* TS 33.180 Annex F function codes. */
#define MCX_KDF3GPP_FC_UID	 0x00 /* F.2.1 (SHA-256 only) */
#define MCX_KDF3GPP_FC_USER_SALT 0x50 /* F.1.3 */
#define MCX_KDF3GPP_FC_XPK_CONF	 0x51 /* F.1.4 confidentiality key */
#define MCX_KDF3GPP_FC_XPK_INTEG 0x52 /* F.1.4 integrity key */
#define MCX_KDF3GPP_FC_DPCK	 0x53 /* F.1.5 */

/* One parameter Pi; Li = len as 2 octets big-endian (len < 65536). */
struct mcx_kdf3gpp_param {
	const uint8_t *p;
	size_t len;
};

/* out = HMAC-SHA-256(key, FC || P0 || L0 || ... || Pn-1 || Ln-1).
 * MCX_ERR_LENGTH if a parameter is 65536 octets or longer. */
enum mcx_mech_err mcx_kdf3gpp_derive(const uint8_t *key, size_t key_len,
				     uint8_t fc,
				     const struct mcx_kdf3gpp_param *params,
				     size_t n_params,
				     uint8_t out[MCX_KDF3GPP_OUT_LEN]);

/* ---- MIKEY-SAKKE UID (F.2.1) ------------------------------------------- */

/* The input string S = 0x00 || "MIKEY-SAKKE-UID" || L0 || uri || L1 ||
 * kms_uri || L2 || period || L3 || offset || L4 || period_no || L5, the
 * integers as the shortest big-endian octet string (0 as one octet 0x00).
 * Writes at most cap octets; *s_len gets the length (also when cap is too
 * small: then MCX_ERR_LENGTH). */
enum mcx_mech_err mcx_kdf3gpp_uid_input(
    const uint8_t *uri, size_t uri_len, const uint8_t *kms_uri,
    size_t kms_uri_len, uint64_t user_key_period, uint64_t user_key_offset,
    uint64_t key_period_no, uint8_t *s, size_t cap, size_t *s_len);

/* UID = SHA-256(S). */
enum mcx_mech_err mcx_kdf3gpp_uid(const uint8_t *uri, size_t uri_len,
				  const uint8_t *kms_uri, size_t kms_uri_len,
				  uint64_t user_key_period,
				  uint64_t user_key_offset,
				  uint64_t key_period_no,
				  uint8_t uid[MCX_KDF3GPP_UID_LEN]);

/* Key period number that contains the time ntp_seconds (seconds since
 * 1900-01-01 UTC): floor((ntp - offset) / period) (F.2.1 P5).
 * MCX_ERR_ARGUMENT if period is 0 or the time precedes the offset. */
enum mcx_mech_err mcx_kdf3gpp_key_period_no(uint64_t ntp_seconds,
					    uint64_t user_key_period,
					    uint64_t user_key_offset,
					    uint64_t *key_period_no);

/* ---- K-ID end-point diversity (F.1.3) ---------------------------------- */

/* User Salt = the 28 least significant bits of
 * KDF(key, FC 0x50, P0 = receiving user's MC service ID URI). */
enum mcx_mech_err mcx_kdf3gpp_user_salt(const uint8_t *key, size_t key_len,
					const uint8_t *uri, size_t uri_len,
					uint32_t *salt);

/* GUK-ID = (K-ID & 0xF0000000) | ((K-ID ^ salt) & 0x0FFFFFFF): the purpose
 * tag in the top nibble is kept.  The inverse is the same operation. */
uint32_t mcx_kdf3gpp_guk_id(uint32_t key_id, uint32_t salt);
uint32_t mcx_kdf3gpp_kid_from_guk_id(uint32_t guk_id, uint32_t salt);

/* ---- 128-bit keys ------------------------------------------------------ */

/* F.1.4: the last 16 octets of KDF(XPK, fc, P0 = user ID (or the server URI
 * for a MuSiK), P1 = XPK-ID (4 octets)); fc is MCX_KDF3GPP_FC_XPK_CONF or
 * MCX_KDF3GPP_FC_XPK_INTEG (else MCX_ERR_ARGUMENT). */
enum mcx_mech_err mcx_kdf3gpp_xpk_key(const uint8_t *xpk, size_t xpk_len,
				      uint8_t fc, const uint8_t *user_id,
				      size_t user_id_len,
				      const uint8_t xpk_id[4],
				      uint8_t out[MCX_KDF3GPP_KEY_LEN]);

/* F.1.5: DPCK = the last 16 octets of KDF(DPPK, FC 0x53, P0 = DPPK-ID). */
enum mcx_mech_err mcx_kdf3gpp_dpck(const uint8_t *dppk, size_t dppk_len,
				   const uint8_t dppk_id[4],
				   uint8_t dpck[MCX_KDF3GPP_KEY_LEN]);

/* ---- MIKEY PRF (RFC 3830 §4.1.2 with HMAC-SHA-256, RFC 6043 §6.1) ------ */

/* RFC 3830 §4.1.3 key-derivation constants. */
#define MCX_MIKEY_CONST_TEK  0x2AD01C64u
#define MCX_MIKEY_CONST_ENCR 0x15798CEFu
#define MCX_MIKEY_CONST_AUTH 0x1B5C7973u
#define MCX_MIKEY_CONST_SALT 0x39A2C14Bu

/* out (out_len octets) = PRF(inkey, label): inkey split into 256-bit
 * blocks s_1..s_n, P(s, label, m) = HMAC(s, A_1 || label) || ... with
 * A_0 = label, A_i = HMAC(s, A_i-1), m = ceil(out_len / 256 bits), the
 * P(s_i, ...) XORed together and truncated. */
enum mcx_mech_err mcx_kdf3gpp_mikey_prf(const uint8_t *inkey, size_t inkey_len,
					const uint8_t *label, size_t label_len,
					uint8_t *out, size_t out_len);

/* The key derived from a TGK / GMK for one crypto session (RFC 3830
 * §4.1.3): PRF(key, constant || CS-ID || CSB-ID || RAND). */
enum mcx_mech_err mcx_kdf3gpp_mikey_derive(const uint8_t *key, size_t key_len,
					   uint32_t constant, uint8_t cs_id,
					   uint32_t csb_id, const uint8_t *rand,
					   size_t rand_len, uint8_t *out,
					   size_t out_len);

#endif /* MCX_MECHANISMS_KDF3GPP_H */
