/*
 * Fixed-width arithmetic modulo a 1024-bit odd modulus in Montgomery form,
 * on top of the kernel of mechanisms/fp1024_kernel.h.  Two moduli are
 * used: p of RFC 6509 parameter set 1 (the SAKKE field) and q = (p+1)/4
 * (the group order, for scalars).  Elements are 16 little-endian 64-bit
 * limbs, always fully reduced to [0, m).
 *
 * Constant time: every function runs the same instructions and touches the
 * same addresses whatever the values; selections use all-ones/zero masks.
 * The only value-dependent result is the range check of the decoders,
 * which concerns public encodings (or is only reported as a failure).
 */
#ifndef MCX_MECHANISMS_FP1024_H
#define MCX_MECHANISMS_FP1024_H

#include <stddef.h>
#include <stdint.h>

#include "mechanisms/fp1024_kernel.h"

#define MCX_FP1024_BYTES 128
/* Limbs of the signed 62-bit form used by the inversion (17 * 62 = 1054
 * bits: 1024 bits, sign and headroom). */
#define MCX_FP1024_S62 17

struct mcx_fp1024 {
	uint64_t v[MCX_FP1024_LIMBS];
};

/* A modulus with its Montgomery constants (R = 2^1024). */
struct mcx_fp1024_mod {
	uint64_t m[MCX_FP1024_LIMBS];
	uint64_t m0inv;			  /* -m^-1 mod 2^64 */
	struct mcx_fp1024 r2;		  /* R^2 mod m */
	struct mcx_fp1024 one;		  /* R mod m: 1 in Montgomery form */
	uint64_t e_inv[MCX_FP1024_LIMBS]; /* m - 2, the Fermat exponent */
	struct mcx_fp1024 r3;		  /* R^3 mod m */
	int64_t m62[MCX_FP1024_S62];	  /* m in signed 62-bit limbs */
	uint64_t m_inv62;		  /* m^-1 mod 2^62 */
};

/* The SAKKE field prime p and the group order q (initialised once,
 * thread-safe). */
const struct mcx_fp1024_mod *mcx_fp1024_mod_p(void);
const struct mcx_fp1024_mod *mcx_fp1024_mod_q(void);

/* Kernel choice: 1 forces the portable kernel, 0 restores the run-time
 * choice of mcx_fp1024_mont_mul_select().  Call before any arithmetic. */
void mcx_fp1024_force_portable(int portable);
/* The kernel now in use (for tests: compare the paths). */
mcx_fp1024_mont_mul_fn mcx_fp1024_kernel(void);

/* r = a + b, a - b, -a, 2a (mod m); outputs may alias inputs. */
void mcx_fp1024_add(const struct mcx_fp1024_mod *m, struct mcx_fp1024 *r,
		    const struct mcx_fp1024 *a, const struct mcx_fp1024 *b);
void mcx_fp1024_sub(const struct mcx_fp1024_mod *m, struct mcx_fp1024 *r,
		    const struct mcx_fp1024 *a, const struct mcx_fp1024 *b);
void mcx_fp1024_neg(const struct mcx_fp1024_mod *m, struct mcx_fp1024 *r,
		    const struct mcx_fp1024 *a);
void mcx_fp1024_dbl(const struct mcx_fp1024_mod *m, struct mcx_fp1024 *r,
		    const struct mcx_fp1024 *a);
/* Montgomery product r = a b R^-1 and square r = a^2 R^-1. */
void mcx_fp1024_mul(const struct mcx_fp1024_mod *m, struct mcx_fp1024 *r,
		    const struct mcx_fp1024 *a, const struct mcx_fp1024 *b);
void mcx_fp1024_sqr(const struct mcx_fp1024_mod *m, struct mcx_fp1024 *r,
		    const struct mcx_fp1024 *a);
/* r = (a b + c d) R^-1 with one Montgomery reduction (lazy reduction:
 * two full products summed, then reduced); for p and q, whose 2 m^2 fits
 * in 2048 bits.  r may alias any input. */
void mcx_fp1024_mul2_add(const struct mcx_fp1024_mod *m, struct mcx_fp1024 *r,
			 const struct mcx_fp1024 *a, const struct mcx_fp1024 *b,
			 const struct mcx_fp1024 *c,
			 const struct mcx_fp1024 *d);
/* The same with caller-owned scratch (hot loops wipe it once). */
/* 1 when mul2_add is one fused pass (IFMA, ~1.2 products) rather than
 * two wide products and a reduction: the F_p^2 product then takes two
 * mul2_add instead of Karatsuba's three products. */
int mcx_fp1024_mul2_add_fused(void);
struct mcx_fp1024_wide_tmp {
	uint64_t t[2 * MCX_FP1024_LIMBS];
	uint64_t u[2 * MCX_FP1024_LIMBS];
};
void mcx_fp1024_mul2_add_tmp(const struct mcx_fp1024_mod *m,
			     struct mcx_fp1024 *r, const struct mcx_fp1024 *a,
			     const struct mcx_fp1024 *b,
			     const struct mcx_fp1024 *c,
			     const struct mcx_fp1024 *d,
			     struct mcx_fp1024_wide_tmp *s);
/* r = a^e for a public exponent e (16 limbs), fixed 4-bit windows. */
void mcx_fp1024_pow(const struct mcx_fp1024_mod *m, struct mcx_fp1024 *r,
		    const struct mcx_fp1024 *a,
		    const uint64_t e[MCX_FP1024_LIMBS]);
/* r = a^-1 (m prime); 0 maps to 0.  Bernstein-Yang "safegcd" divsteps
 * (constant time: a fixed number of branch-free steps); mcx_fp1024_pow
 * with m->e_inv is the Fermat alternative (tests compare them). */
void mcx_fp1024_inv(const struct mcx_fp1024_mod *m, struct mcx_fp1024 *r,
		    const struct mcx_fp1024 *a);

/* Masks: all ones when true, 0 otherwise. */
uint64_t mcx_fp1024_eq(const struct mcx_fp1024 *a, const struct mcx_fp1024 *b);
uint64_t mcx_fp1024_is_zero(const struct mcx_fp1024 *a);
/* r = a where mask is all ones (r unchanged where mask is 0). */
void mcx_fp1024_cmov(struct mcx_fp1024 *r, const struct mcx_fp1024 *a,
		     uint64_t mask);
void mcx_fp1024_cswap(struct mcx_fp1024 *a, struct mcx_fp1024 *b,
		      uint64_t mask);

/* Plain (non-Montgomery) conversions.  from_bytes: 128 octets big-endian
 * into Montgomery form; returns 0, or -1 (r zeroed) when the value is >= m.
 * to_bytes: out of Montgomery form into 128 octets. */
int mcx_fp1024_from_bytes(const struct mcx_fp1024_mod *m, struct mcx_fp1024 *r,
			  const uint8_t in[MCX_FP1024_BYTES]);
void mcx_fp1024_to_bytes(const struct mcx_fp1024_mod *m,
			 uint8_t out[MCX_FP1024_BYTES],
			 const struct mcx_fp1024 *a);
/* Any value of up to 128 octets (len <= 128), reduced mod m in constant
 * time (m > 2^1021, so at most 7 subtractions), into Montgomery form. */
void mcx_fp1024_from_bytes_reduce(const struct mcx_fp1024_mod *m,
				  struct mcx_fp1024 *r, const uint8_t *in,
				  size_t len);
/* Raw limbs (not Montgomery) <-> Montgomery. */
void mcx_fp1024_to_mont(const struct mcx_fp1024_mod *m, struct mcx_fp1024 *r,
			const struct mcx_fp1024 *a);
void mcx_fp1024_from_mont(const struct mcx_fp1024_mod *m, struct mcx_fp1024 *r,
			  const struct mcx_fp1024 *a);
/* Raw big-endian octets <-> raw limbs. */
void mcx_fp1024_raw_from_bytes(struct mcx_fp1024 *r, const uint8_t *in,
			       size_t len);
void mcx_fp1024_raw_to_bytes(uint8_t out[MCX_FP1024_BYTES],
			     const struct mcx_fp1024 *a);
/* Mask: raw a < m. */
uint64_t mcx_fp1024_raw_lt(const struct mcx_fp1024 *a, const uint64_t *m);

#endif /* MCX_MECHANISMS_FP1024_H */
