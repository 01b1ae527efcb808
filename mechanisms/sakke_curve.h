/*
 * The SAKKE curve E: y^2 = x^3 - 3x over F_p (RFC 6508 §2.1, RFC 6509
 * parameter set 1), points of the order-q subgroup <P>.
 *
 * Arithmetic uses homogeneous projective coordinates (X : Y : Z),
 * x = X/Z, y = Y/Z, with the complete addition formulas of Renes, Costello
 * and Batina ("Complete addition formulas for prime order elliptic curves",
 * EUROCRYPT 2016, Algorithm 4 with a = -3, here b = 0): they have no
 * exceptional case for points of odd order (the infinity is (0 : 1 : 0)),
 * so no branch or mask is needed for doubling, P + (-P) or P + O.
 * All coordinates are in Montgomery form mod p; every function is constant
 * time except those documented as taking public input.
 */
#ifndef MCX_MECHANISMS_SAKKE_CURVE_H
#define MCX_MECHANISMS_SAKKE_CURVE_H

#include <stdint.h>

#include "mechanisms/fp1024.h"
#include "mechanisms/mech_err.h"

#define MCX_SAKKE_CURVE_POINT_LEN 257

struct mcx_sakke_aff {
	struct mcx_fp1024 x;
	struct mcx_fp1024 y;
};

struct mcx_sakke_proj {
	struct mcx_fp1024 X;
	struct mcx_fp1024 Y;
	struct mcx_fp1024 Z;
};

/* The base point P of parameter set 1. */
const struct mcx_sakke_aff *mcx_sakke_curve_base(void);

/* Decode 0x04 || x || y: MCX_ERR_ENCODING (no 0x04, coordinate >= p),
 * MCX_ERR_INFINITY (x = y = 0, the usual encoding of the point at
 * infinity), MCX_ERR_NOT_ON_CURVE.  No subgroup check. */
enum mcx_mech_err
mcx_sakke_curve_decode(struct mcx_sakke_aff *r,
		       const uint8_t in[MCX_SAKKE_CURVE_POINT_LEN]);
void mcx_sakke_curve_encode(uint8_t out[MCX_SAKKE_CURVE_POINT_LEN],
			    const struct mcx_sakke_aff *a);
/* Mask: a satisfies the curve equation. */
uint64_t mcx_sakke_curve_on_curve(const struct mcx_sakke_aff *a);

void mcx_sakke_curve_from_aff(struct mcx_sakke_proj *r,
			      const struct mcx_sakke_aff *a);
void mcx_sakke_curve_set_inf(struct mcx_sakke_proj *r);
/* Mask: r is the point at infinity (Z = 0). */
uint64_t mcx_sakke_curve_is_inf(const struct mcx_sakke_proj *r);
/* r = a + b (complete); r may alias a or b. */
void mcx_sakke_curve_add(struct mcx_sakke_proj *r,
			 const struct mcx_sakke_proj *a,
			 const struct mcx_sakke_proj *b);
/* r = a + b for affine b (complete for b != O); r may alias a. */
void mcx_sakke_curve_madd(struct mcx_sakke_proj *r,
			  const struct mcx_sakke_proj *a,
			  const struct mcx_sakke_aff *b);
/* r = 2a (complete). */
void mcx_sakke_curve_dbl(struct mcx_sakke_proj *r,
			 const struct mcx_sakke_proj *a);
/* Negate y where mask is all ones. */
void mcx_sakke_curve_cneg_aff(struct mcx_sakke_aff *a, uint64_t mask);
void mcx_sakke_curve_cneg(struct mcx_sakke_proj *a, uint64_t mask);
/* Affine form (one inversion); infinity gives (0, 0). */
void mcx_sakke_curve_to_aff(struct mcx_sakke_aff *r,
			    const struct mcx_sakke_proj *a);
/* Mask: projective a equals affine b. */
uint64_t mcx_sakke_curve_eq_aff(const struct mcx_sakke_proj *a,
				const struct mcx_sakke_aff *b);
/* r = [k]a for a raw (non-Montgomery) scalar k < 2^1024, constant time in
 * k and a (fixed 4-bit windows, masked table scan). */
void mcx_sakke_curve_mul(struct mcx_sakke_proj *r,
			 const struct mcx_sakke_aff *a,
			 const struct mcx_fp1024 *k);
/* Width-w NAF (2 <= w <= 7) of the public scalar k: digits 0 or odd in
 * (-2^(w-1), 2^(w-1)), least significant first, at most 64 * limbs + 1 of
 * them (max; the count is returned, 0 for k = 0).  Variable time, so only
 * for public scalars: the Miller loop's q - 1 and the order check's q. */
size_t mcx_sakke_curve_wnaf(const uint64_t k[MCX_FP1024_LIMBS], unsigned int w,
			    signed char *digits, size_t max);

#endif /* MCX_MECHANISMS_SAKKE_CURVE_H */
