/*
 * Subgroup membership on the SAKKE curve (RFC 6508 §2.1, parameter set 1 of
 * RFC 6509): does a point of E(F_p) lie in the order-q subgroup <P>?
 *
 * E(F_p) has p + 1 = 4q points, so a decoded point a = a0 + t with a0 in
 * <P> and t of order 1, 2 or 4.  The check computes [q]a with the public
 * scalar q: the point is secret (an RSK), the scalar is not, so the
 * addition chain (a width-5 NAF of q) may branch on q's digits while every
 * field operation stays constant time in a.
 */
#ifndef MCX_MECHANISMS_SAKKE_ORDER_H
#define MCX_MECHANISMS_SAKKE_ORDER_H

#include <stdint.h>

#include "mechanisms/sakke_curve.h"

/* Mask: all ones when a (on the curve, not infinity) has order q, i.e.
 * [q]a = O and a is not one of the points of order 2 or 4.  Constant time
 * in a; about 10,000 field multiplications and squarings (the
 * constant-time fixed-window ladder of mcx_sakke_curve_mul needs ~17,000):
 * measured 2.6 ms against 4.5 ms for [q]a with the ladder (best of 40). */
uint64_t mcx_sakke_order_is_q(const struct mcx_sakke_aff *a);

#endif /* MCX_MECHANISMS_SAKKE_ORDER_H */
