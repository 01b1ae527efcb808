/*
 * A plain reference SAKKE (RFC 6508, parameter set 1 of RFC 6509) with
 * OpenSSL BIGNUM, for tests only: affine points on y^2 = x^3 - 3x,
 * F_p^2 = F_p[i]/(i^2 + 1), the Miller loop and final exponentiation of
 * MCX-REFERENCE §3.5 transcribed line by line, HashToIntegerRange (§3.2),
 * KMS side (§3.3), encapsulation and decapsulation (§3.4, decision a).
 *
 * Written to be obviously right, not fast and not constant time: it is the
 * independent oracle for the differential test of mechanisms/sakke.  The
 * literal affine formulas (one inversion per step) are kept and checked
 * against the RFC values; the scalar multiplication and the Miller loop
 * used by default run in Jacobian coordinates with Montgomery-form BIGNUMs
 * (no inversion per step, about ten times faster) and are checked against
 * the affine ones by tests/ref/test_sakke_ref.  Parameters p, q, P, g are read
 * from sakke_rfc6508.json (parameter_set_1).
 *
 * Byte formats as in mechanisms/sakke.h: points 0x04 || x || y (257),
 * F_p elements 128 octets, SSV 16 octets, SED R || H (273).  Every function
 * returns 0 on success, -1 on failure (bad input, failed check).
 */
#ifndef MCX_TESTS_REF_SAKKE_REF_H
#define MCX_TESTS_REF_SAKKE_REF_H

#include <stddef.h>
#include <stdint.h>

#define MCX_SAKKE_REF_POINT_LEN 257
#define MCX_SAKKE_REF_FP_LEN	128
#define MCX_SAKKE_REF_SSV_LEN	16
#define MCX_SAKKE_REF_SED_LEN	273

struct mcx_sakke_ref;

/* The parameters from tests/vectors/sakke_rfc6508.json; checks that P is on
 * the curve and [q]P = O.  NULL on failure. */
struct mcx_sakke_ref *mcx_sakke_ref_new(void);
void mcx_sakke_ref_free(struct mcx_sakke_ref *ref);

/* P as 257 octets. */
void mcx_sakke_ref_get_p(struct mcx_sakke_ref *ref,
			 uint8_t out[MCX_SAKKE_REF_POINT_LEN]);

/* Whether a 257-octet string is an affine point on the curve. */
int mcx_sakke_ref_on_curve(struct mcx_sakke_ref *ref,
			   const uint8_t pt[MCX_SAKKE_REF_POINT_LEN]);

/* [k]pt by double-and-add (k big-endian, any length, k = 0 or a result at
 * infinity fails). */
int mcx_sakke_ref_point_mul(struct mcx_sakke_ref *ref, const uint8_t *k,
			    size_t k_len,
			    const uint8_t pt[MCX_SAKKE_REF_POINT_LEN],
			    uint8_t out[MCX_SAKKE_REF_POINT_LEN]);

/* The literal affine versions (one inversion per step, slow) that check
 * the Jacobian ones used everywhere else. */
int mcx_sakke_ref_point_mul_affine(struct mcx_sakke_ref *ref, const uint8_t *k,
				   size_t k_len,
				   const uint8_t pt[MCX_SAKKE_REF_POINT_LEN],
				   uint8_t out[MCX_SAKKE_REF_POINT_LEN]);
int mcx_sakke_ref_pairing_affine(struct mcx_sakke_ref *ref,
				 const uint8_t r[MCX_SAKKE_REF_POINT_LEN],
				 const uint8_t q[MCX_SAKKE_REF_POINT_LEN],
				 uint8_t out[MCX_SAKKE_REF_FP_LEN]);

/* <R, Q> as x2/x1 (128 octets). */
int mcx_sakke_ref_pairing(struct mcx_sakke_ref *ref,
			  const uint8_t r[MCX_SAKKE_REF_POINT_LEN],
			  const uint8_t q[MCX_SAKKE_REF_POINT_LEN],
			  uint8_t out[MCX_SAKKE_REF_FP_LEN]);

/* g^e in PF_p as x2/x1 (e big-endian, any length). */
int mcx_sakke_ref_g_pow(struct mcx_sakke_ref *ref, const uint8_t *e,
			size_t e_len, uint8_t out[MCX_SAKKE_REF_FP_LEN]);

/* HashToIntegerRange(s, q) (128 octets) and (s, 2^128) (16 octets). */
int mcx_sakke_ref_hash_to_q(struct mcx_sakke_ref *ref, const uint8_t *s,
			    size_t s_len, uint8_t out[MCX_SAKKE_REF_FP_LEN]);
int mcx_sakke_ref_hash_to_n(struct mcx_sakke_ref *ref, const uint8_t *s,
			    size_t s_len, uint8_t out[MCX_SAKKE_REF_SSV_LEN]);

/* KMS: Z = [z]P; RSK = [(b + z)^-1 mod q]P. */
int mcx_sakke_ref_kms_public(struct mcx_sakke_ref *ref, const uint8_t *z,
			     size_t z_len,
			     uint8_t z_pub[MCX_SAKKE_REF_POINT_LEN]);
int mcx_sakke_ref_issue_rsk(struct mcx_sakke_ref *ref, const uint8_t *z,
			    size_t z_len, const uint8_t *id, size_t id_len,
			    uint8_t rsk[MCX_SAKKE_REF_POINT_LEN]);
/* <[b]P + Z, RSK> == g. */
int mcx_sakke_ref_validate_rsk(struct mcx_sakke_ref *ref,
			       const uint8_t z_pub[MCX_SAKKE_REF_POINT_LEN],
			       const uint8_t rsk[MCX_SAKKE_REF_POINT_LEN],
			       const uint8_t *id, size_t id_len);

/* Intermediates of one encapsulation (each may be read by a KAT). */
struct mcx_sakke_ref_encap {
	uint8_t r[MCX_SAKKE_REF_FP_LEN];
	uint8_t bp_plus_z[MCX_SAKKE_REF_POINT_LEN];
	uint8_t g_r[MCX_SAKKE_REF_FP_LEN];
	uint8_t mask[MCX_SAKKE_REF_SSV_LEN];
};

/* SED = R || H for ssv to id under Z; inter may be NULL. */
int mcx_sakke_ref_encapsulate(struct mcx_sakke_ref *ref,
			      const uint8_t z_pub[MCX_SAKKE_REF_POINT_LEN],
			      const uint8_t *id, size_t id_len,
			      const uint8_t ssv[MCX_SAKKE_REF_SSV_LEN],
			      uint8_t sed[MCX_SAKKE_REF_SED_LEN],
			      struct mcx_sakke_ref_encap *inter);

/* The SSV from a SED of 273 (or 272: 15-octet H) octets, with the
 * re-encapsulation check and the decision-a fallback; w (may be NULL)
 * receives the pairing value. */
int mcx_sakke_ref_decapsulate(struct mcx_sakke_ref *ref,
			      const uint8_t z_pub[MCX_SAKKE_REF_POINT_LEN],
			      const uint8_t rsk[MCX_SAKKE_REF_POINT_LEN],
			      const uint8_t *id, size_t id_len,
			      const uint8_t *sed, size_t sed_len,
			      uint8_t ssv[MCX_SAKKE_REF_SSV_LEN],
			      uint8_t w[MCX_SAKKE_REF_FP_LEN]);

#endif /* MCX_TESTS_REF_SAKKE_REF_H */
