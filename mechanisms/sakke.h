/*
 * SAKKE (RFC 6508) with parameter set 1 of RFC 6509: pure functions over
 * bytes.  Points are 0x04 || x (128) || y (128) = 257 octets; F_p elements
 * and scalars are 128-octet big-endian strings; identifiers b are octet
 * strings read as big-endian integers (the RFC 6508 Appendix A identifier
 * is 26 octets, a TS 33.180 UID 32), reduced mod q.
 *
 * Every function returns an enum mcx_mech_err; on failure nothing is
 * returned (outputs are zeroed).  Every computation on a secret (z_T, the
 * RSK, r, the SSV) is constant time: no branch and no memory index depends
 * on it (MCX-REFERENCE.md §3, issue 3).
 *
 * Performance structure (issue 3): encapsulation computes
 * R = [r*b mod q]P + [r]Z_T as one joint fixed-base comb (a static table
 * for P, a per-KMS table for Z_T) and g^r from a static table; a receiver
 * may precompute the Miller-loop line coefficients of its own RSK
 * (mcx_sakke_rsk_precompute) so that each decapsulation only evaluates them.
 */
#ifndef MCX_MECHANISMS_SAKKE_H
#define MCX_MECHANISMS_SAKKE_H

#include <stddef.h>
#include <stdint.h>

#include "mechanisms/mech_err.h"

#define MCX_SAKKE_POINT_LEN 257 /* 0x04 || x || y */
#define MCX_SAKKE_FP_LEN    128 /* an F_p element or a scalar */
#define MCX_SAKKE_SSV_LEN   16	/* n = 128 bits */
#define MCX_SAKKE_SED_LEN   273 /* R (257) || H (16) */
/* Decision a: a SED written with a 15-octet H (leading zero dropped). */
#define MCX_SAKKE_SED_SHORT_LEN 272

/* ---- KMS public state ------------------------------------------------ */

/* A KMS public key Z_T with its comb table (built once, thread-safe). */
struct mcx_sakke_kms;

/* Parse and validate Z_T (257 octets): encoding, coordinates < p, on the
 * curve, not infinity, order q ([q]Z_T = O).  The comb table is built on
 * first use, or now with mcx_sakke_kms_build_table(). */
enum mcx_mech_err mcx_sakke_kms_new(const uint8_t *z_t, size_t z_t_len,
				    struct mcx_sakke_kms **out);
/* Build the per-KMS comb table now (idempotent, thread-safe). */
enum mcx_mech_err mcx_sakke_kms_build_table(struct mcx_sakke_kms *kms);
/* The 257-octet Z_T of the KMS. */
void mcx_sakke_kms_get_public(const struct mcx_sakke_kms *kms,
			      uint8_t z_t[MCX_SAKKE_POINT_LEN]);
void mcx_sakke_kms_free(struct mcx_sakke_kms *kms);

/* ---- Sender ------------------------------------------------------------ */

/* RFC 6508 §6.2.1: r = HashToIntegerRange(SSV || id, q),
 * R = [r*b mod q]P + [r]Z_T, H = SSV XOR HashToIntegerRange(g^r, 2^128)
 * with g^r hashed as the fixed 128-octet string (decision a);
 * sed = R || H (273 octets).  id_len in 1..128. */
enum mcx_mech_err mcx_sakke_encapsulate(struct mcx_sakke_kms *kms,
					const uint8_t *id, size_t id_len,
					const uint8_t ssv[MCX_SAKKE_SSV_LEN],
					uint8_t sed[MCX_SAKKE_SED_LEN]);

/* ---- Receiver ---------------------------------------------------------- */

/* A receiver secret key (RSK), optionally with a precomputed pairing
 * table; the struct is wiped when freed. */
struct mcx_sakke_rsk;

/* Parse an RSK (257 octets): encoding, on the curve, not infinity, order
 * q.  Errors: MCX_ERR_LENGTH, MCX_ERR_ENCODING, MCX_ERR_NOT_ON_CURVE,
 * MCX_ERR_INFINITY, MCX_ERR_NOT_IN_SUBGROUP. */
enum mcx_mech_err mcx_sakke_rsk_new(const uint8_t *rsk, size_t rsk_len,
				    struct mcx_sakke_rsk **out);
/* RFC 6508 §6.1.2: accept iff <[b]P + Z_T, RSK> == g; MCX_ERR_KEY_INVALID
 * otherwise. */
enum mcx_mech_err mcx_sakke_rsk_validate(const struct mcx_sakke_rsk *rsk,
					 const struct mcx_sakke_kms *kms,
					 const uint8_t *id, size_t id_len);
/* Tabulate the Miller-loop line coefficients of the RSK (the pairing is
 * symmetric on <P>: <R, RSK> = <RSK, R>), so that each decapsulation only
 * evaluates them at R (2 F_p elements per loop step, 1374 steps: 352 KiB).
 * With a table, the first decapsulation also builds a comb for the
 * receiver's Q_b = [b]P + Z_T (128 KiB) so that the re-encapsulation check
 * is a single-base comb.  Idempotent; thread-safe.  The size of both in
 * octets is mcx_sakke_rsk_table_size(); build times: tests/bench/bench_sakke
 * (sakke_rsk_table_build, sakke_decapsulate_first). */
enum mcx_mech_err mcx_sakke_rsk_precompute(struct mcx_sakke_rsk *rsk);
size_t mcx_sakke_rsk_table_size(void);
void mcx_sakke_rsk_free(struct mcx_sakke_rsk *rsk);

/* RFC 6508 §6.2.2 with the re-encapsulation check: sed_len is 273, or 272
 * (decision a: a 15-octet H, read left-padded).  w = <R, RSK>,
 * SSV = H XOR HashToIntegerRange(w, 2^128) with w as the fixed 128-octet
 * string; if [r]([b]P + Z_T) != R and w's top octet is 0, the mask from the
 * minimal-length w is tried (decision a).  Only an SSV that passes the check
 * is returned; otherwise MCX_ERR_DECAP_CHECK and ssv is zeroed.  Uses the
 * RSK's table if it has one. */
enum mcx_mech_err mcx_sakke_decapsulate(struct mcx_sakke_kms *kms,
					const struct mcx_sakke_rsk *rsk,
					const uint8_t *id, size_t id_len,
					const uint8_t *sed, size_t sed_len,
					uint8_t ssv[MCX_SAKKE_SSV_LEN]);

/* ---- KMS side (RFC 6508 §6.1.1) ----------------------------------------
 * z is the KMS master secret, 1..128 octets big-endian, in [1, q-1]
 * (MCX_ERR_SCALAR_RANGE otherwise). */
enum mcx_mech_err
mcx_sakke_kms_public_from_secret(const uint8_t *z, size_t z_len,
				 uint8_t z_t[MCX_SAKKE_POINT_LEN]);
/* K = [(b + z)^-1 mod q]P; b + z = 0 mod q gives MCX_ERR_SCALAR_RANGE. */
enum mcx_mech_err mcx_sakke_kms_issue_rsk(const uint8_t *z, size_t z_len,
					  const uint8_t *id, size_t id_len,
					  uint8_t rsk[MCX_SAKKE_POINT_LEN]);

/* ---- Primitives for known-answer and differential tests --------------- */

/* The reduced pairing <R, Q> of RFC 6508 §3.2 (MCX-REFERENCE §3.5) as the
 * F_p value x2/x1 (128 octets).  Both points must decode and lie on the
 * curve (no subgroup check). */
enum mcx_mech_err mcx_sakke_pairing(const uint8_t r[MCX_SAKKE_POINT_LEN],
				    const uint8_t q[MCX_SAKKE_POINT_LEN],
				    uint8_t out[MCX_SAKKE_FP_LEN]);
/* HashToIntegerRange(s, q, SHA-256) as 128 octets (RFC 6508 §5.1). */
enum mcx_mech_err mcx_sakke_hash_to_range_q(const uint8_t *s, size_t s_len,
					    uint8_t out[MCX_SAKKE_FP_LEN]);
/* HashToIntegerRange(s, 2^128, SHA-256) as 16 octets. */
enum mcx_mech_err mcx_sakke_hash_to_range_n(const uint8_t *s, size_t s_len,
					    uint8_t out[MCX_SAKKE_SSV_LEN]);
/* g^r in PF_p as the F_p value x2/x1; r is 128 octets, any value < 2^1024
 * (it is used mod q). */
enum mcx_mech_err mcx_sakke_g_pow(const uint8_t r[MCX_SAKKE_FP_LEN],
				  uint8_t out[MCX_SAKKE_FP_LEN]);
/* [k]point for k of 1..128 octets in [1, q-1] (constant time in k and the
 * point); the point must decode and lie on the curve. */
enum mcx_mech_err mcx_sakke_point_mul(const uint8_t *k, size_t k_len,
				      const uint8_t point[MCX_SAKKE_POINT_LEN],
				      uint8_t out[MCX_SAKKE_POINT_LEN]);

/* Which Montgomery kernel the field arithmetic uses (for tests and
 * benchmarks; the default is the fastest for this CPU, or the portable one
 * when MCXHSM_FP1024=portable).  Not thread-safe against concurrent
 * arithmetic: call it before any. */
enum mcx_sakke_kernel {
	MCX_SAKKE_KERNEL_AUTO = 0,
	MCX_SAKKE_KERNEL_PORTABLE,
};
void mcx_sakke_set_kernel(enum mcx_sakke_kernel kernel);

#endif /* MCX_MECHANISMS_SAKKE_H */
