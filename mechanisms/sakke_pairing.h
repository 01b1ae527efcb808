/*
 * The reduced Tate pairing of SAKKE (RFC 6508 §3.2; MCX-REFERENCE.md §3.5):
 * <R, Q> = f_R(psi(Q))^c in PF_p with psi(x, y) = (-x, i y), the Miller
 * function over q - 1 and c = (p + 1)/q = 4.
 *
 * The Miller loop runs over a signed-digit form of q - 1: the reduced
 * pairing does not depend on the addition chain, since the functions differ
 * only by vertical lines whose values at psi(Q) lie in F_p, which PF_p
 * ignores.  The full pairing uses the width-5 NAF (171 additions of the
 * odd multiples [1]R .. [15]R, each with its precomputed f_d(psi(Q)));
 * the table of a fixed point uses the plain NAF (352 additions), whose
 * doubling and addition lines fold into one sparse table entry.  The point C =
 * [k]R is kept in Jacobian coordinates and the lines are scaled by F_p factors
 * so that no inversion occurs in the loop.
 *
 * Constant time: the loop's control flow depends only on q; R and Q only
 * enter arithmetic.
 */
#ifndef MCX_MECHANISMS_SAKKE_PAIRING_H
#define MCX_MECHANISMS_SAKKE_PAIRING_H

#include <stddef.h>

#include "mechanisms/fp2.h"
#include "mechanisms/sakke_curve.h"

/* f = <R, Q> as a PF_p element (not normalised). */
void mcx_sakke_pairing_pf(struct mcx_fp2 *f, const struct mcx_sakke_aff *r,
			  const struct mcx_sakke_aff *q);

/* Precomputed Miller loop of a fixed first argument: per loop step the
 * line through the fixed point's multiples, normalised to (A x + B) + i y;
 * a lone doubling line is evaluated as u + i with u = A x/y + B/y (one
 * inversion of y per evaluation, then two products with one reduction and
 * a two-multiplication F_p^2 product), a doubling line followed by an
 * addition line as their product expanded in x (five entries; see
 * sakke_pairing.c).  Heap allocated; wiped when freed. */
struct mcx_sakke_pairing_table;

/* Number of octets a table occupies. */
size_t mcx_sakke_pairing_table_size(void);
/* Build the table of the point a (constant time in a); NULL on ENOMEM. */
struct mcx_sakke_pairing_table *
mcx_sakke_pairing_table_new(const struct mcx_sakke_aff *a);
void mcx_sakke_pairing_table_free(struct mcx_sakke_pairing_table *t);
/* f = <A, Q> for the table's point A. */
void mcx_sakke_pairing_table_eval(struct mcx_fp2 *f,
				  const struct mcx_sakke_pairing_table *t,
				  const struct mcx_sakke_aff *q);

#endif /* MCX_MECHANISMS_SAKKE_PAIRING_H */
