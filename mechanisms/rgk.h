/*
 * Regroup keys (MCX-REFERENCE §7, §5.7; project decisions c and f):
 *
 *   mcx_rgk_derive            RGK = last 16 octets of
 *                             HMAC-SHA-256(key = GMK, data = RGK-SEED)
 *   mcx_rgk_seed_generate     a fresh random 16-octet RGK-SEED
 *   mcx_rgk_xpk_key           K = last 16 octets of the F.1.4 KDF with
 *                             FC 0x51 keyed with the XPK (CSK or MuSiK)
 *   mcx_rgk_seed_protect      IV (12) || AES-128-GCM(K, seed) (16) || tag
 *                             (16), AAD = XPK-ID: 44 octets
 *   mcx_rgk_seed_unprotect    its inverse; a tag failure wipes the seed
 *   mcx_rgk_seed_rewrap       unprotect under one XPK, protect under
 *                             another, the seed never leaving the call
 *   mcx_rgk_seed_protect_batch one seed for N targets (late entry)
 *   mcx_rgk_seed_rewrap_batch one unprotect, N protects (server side)
 *
 * An XPK is identified by its 16-octet value, P0 (the MC service user ID
 * the CSK belongs to, or the MC service server's identity URI for a MuSiK,
 * UTF-8 without NUL) and its 4-octet XPK-ID (CSK-ID or MuSiK-ID).  Outputs
 * are wiped when a function fails.
 */
#ifndef MCX_MECHANISMS_RGK_H
#define MCX_MECHANISMS_RGK_H

#include <stddef.h>
#include <stdint.h>

#include "mechanisms/mech_err.h"

#define MCX_RGK_LEN	      16 /* RGK: 128 least significant bits */
#define MCX_RGK_GMK_LEN	      16
#define MCX_RGK_SEED_LEN      16 /* decision c */
#define MCX_RGK_XPK_LEN	      16 /* CSK / MuSiK */
#define MCX_RGK_XPK_ID_LEN    4
#define MCX_RGK_IV_LEN	      12
#define MCX_RGK_TAG_LEN	      16
#define MCX_RGK_PROTECTED_LEN 44 /* 12 + 16 + 16 */

/* One XPK as a protection target or source; all pointers borrowed. */
struct mcx_rgk_xpk {
	const uint8_t *key; /* MCX_RGK_XPK_LEN octets */
	const uint8_t *p0;  /* user ID or server URI, p0_len octets */
	size_t p0_len;	    /* < 65536 (the KDF's L0 is 2 octets) */
	const uint8_t *id;  /* MCX_RGK_XPK_ID_LEN octets */
};

/* ---- RGK (decision f) -------------------------------------------------- */

/* rgk = HMAC-SHA-256(key = gmk, data = seed)[16..31]. */
enum mcx_mech_err mcx_rgk_derive(const uint8_t gmk[MCX_RGK_GMK_LEN],
				 const uint8_t seed[MCX_RGK_SEED_LEN],
				 uint8_t rgk[MCX_RGK_LEN]);

/* The same formula over any key and data length (RFC 4231 known answers):
 * out = HMAC-SHA-256(key, data)[16..31]. */
enum mcx_mech_err mcx_rgk_hmac_lsb128(const uint8_t *key, size_t key_len,
				      const uint8_t *data, size_t data_len,
				      uint8_t out[MCX_RGK_LEN]);

/* seed = 16 random octets from the module's DRBG. */
enum mcx_mech_err mcx_rgk_seed_generate(uint8_t seed[MCX_RGK_SEED_LEN]);

/* ---- RGK-SEED protection (decision c) ---------------------------------- */

/* k = HMAC-SHA-256(xpk, 0x51 || P0 || L0 || XPK-ID || 0x00 0x04)[16..31]. */
enum mcx_mech_err mcx_rgk_xpk_key(const uint8_t xpk[MCX_RGK_XPK_LEN],
				  const uint8_t *p0, size_t p0_len,
				  const uint8_t xpk_id[MCX_RGK_XPK_ID_LEN],
				  uint8_t k[MCX_RGK_XPK_LEN]);

/* out = IV || ciphertext || tag with a fresh random 12-octet IV. */
enum mcx_mech_err mcx_rgk_seed_protect(const uint8_t xpk[MCX_RGK_XPK_LEN],
				       const uint8_t *p0, size_t p0_len,
				       const uint8_t xpk_id[MCX_RGK_XPK_ID_LEN],
				       const uint8_t seed[MCX_RGK_SEED_LEN],
				       uint8_t out[MCX_RGK_PROTECTED_LEN]);

/* As mcx_rgk_seed_protect with the IV given: for known-answer tests only
 * (a repeated IV under one key breaks GCM). */
enum mcx_mech_err mcx_rgk_seed_protect_iv(
    const uint8_t xpk[MCX_RGK_XPK_LEN], const uint8_t *p0, size_t p0_len,
    const uint8_t xpk_id[MCX_RGK_XPK_ID_LEN], const uint8_t iv[MCX_RGK_IV_LEN],
    const uint8_t seed[MCX_RGK_SEED_LEN], uint8_t out[MCX_RGK_PROTECTED_LEN]);

/* seed = the RGK-SEED in in (in_len must be MCX_RGK_PROTECTED_LEN, else
 * MCX_ERR_LENGTH); MCX_ERR_AUTH if the tag does not verify (wrong XPK, P0,
 * XPK-ID or altered octets).  seed is zero on every failure. */
enum mcx_mech_err
mcx_rgk_seed_unprotect(const uint8_t xpk[MCX_RGK_XPK_LEN], const uint8_t *p0,
		       size_t p0_len, const uint8_t xpk_id[MCX_RGK_XPK_ID_LEN],
		       const uint8_t *in, size_t in_len,
		       uint8_t seed[MCX_RGK_SEED_LEN]);

/* out = protect(to, unprotect(from, in)) with a fresh IV; the seed exists
 * only inside the call.  out is zero on failure. */
enum mcx_mech_err mcx_rgk_seed_rewrap(const struct mcx_rgk_xpk *from,
				      const struct mcx_rgk_xpk *to,
				      const uint8_t *in, size_t in_len,
				      uint8_t out[MCX_RGK_PROTECTED_LEN]);

/* out + 44 * i = protect(to[i], seed) for i < n, each with a fresh IV:
 * the wrap of a seed the token keeps (late entry, users added later).
 * All n * 44 octets of out are zero on any failure. */
enum mcx_mech_err
mcx_rgk_seed_protect_batch(const struct mcx_rgk_xpk *to, size_t n,
			   const uint8_t seed[MCX_RGK_SEED_LEN], uint8_t *out);

/* The re-wrap for n targets: one unprotect under from, then out + 44 * i =
 * protect(to[i], seed), each with its own fresh IV.  n == 0 only checks
 * in.  All n * 44 octets of out are zero on any failure (no partial
 * result). */
enum mcx_mech_err mcx_rgk_seed_rewrap_batch(const struct mcx_rgk_xpk *from,
					    const struct mcx_rgk_xpk *to,
					    size_t n, const uint8_t *in,
					    size_t in_len, uint8_t *out);

#endif /* MCX_MECHANISMS_RGK_H */
