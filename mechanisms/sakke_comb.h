/*
 * Fixed-base comb tables for SAKKE (issue 3): [k]B for a fixed point B
 * (a static table for P, one per KMS for Z_T, built once when the KMS key
 * is loaded) and g^k in PF_p from a static table.
 *
 * Method: the signed all-bit-set comb (Hedabou, Pinel, Beneteau,
 * "Countermeasures for preventing comb method against SCA attacks", ISPEC
 * 2005).  The scalar is made odd (k, or q - k with the result negated), then
 * written as k = sum s_i 2^i with every s_i = +-1 over l = W*D bits; column j
 * of the comb (digits s_j, s_(j+D), ..., s_(j+(W-1)D)) is never zero, so each
 * column adds one table entry +-T[u], u < 2^(W-1) (no zero digit to skip).
 * Two bases share the doublings (joint comb, [r b]P + [r]Z_T in one
 * pass).  The complete formulas of sakke_curve.h need no exceptional case
 * handling; lookups scan the whole table with masks and the recoding is
 * branch-free, so neither branches nor addresses depend on k.
 */
#ifndef MCX_MECHANISMS_SAKKE_COMB_H
#define MCX_MECHANISMS_SAKKE_COMB_H

#include <stddef.h>

#include "mechanisms/fp2.h"
#include "mechanisms/sakke_curve.h"

/* Comb width W (teeth), spacing D = ceil(1022 / W), and V blocks (Lim-Lee):
 * the D columns are split into V blocks of E = D / V, each block with its
 * own table of [2^(uE)]B, so a multiplication costs E - 1 doublings and D
 * additions per base.  W = 8, V = 8: 15 doublings, 128 additions, tables of
 * V * 2^(W-1) = 1024 affine points (256 KiB per base).  (Issue 3, A3: V = 8
 * against V = 4 measured 2-3% faster table decapsulation, best of 10 x 24
 * interleaved runs, 2.28-2.32 against 2.35 ms; W = 9 would double the
 * constant-time scan per addition for 12 fewer additions.) */
#define MCX_SAKKE_COMB_W       8
#define MCX_SAKKE_COMB_D       128
#define MCX_SAKKE_COMB_V       8
#define MCX_SAKKE_COMB_E       (MCX_SAKKE_COMB_D / MCX_SAKKE_COMB_V)
#define MCX_SAKKE_COMB_ENTRIES (1u << (MCX_SAKKE_COMB_W - 1))

struct mcx_sakke_comb {
	struct mcx_sakke_aff t[MCX_SAKKE_COMB_V][MCX_SAKKE_COMB_ENTRIES];
};

/* Fill a comb table for the point b (public input).  Returns 0, or -1 if
 * b gave the point at infinity in the table (b not of order q). */
int mcx_sakke_comb_init(struct mcx_sakke_comb *c,
			const struct mcx_sakke_aff *b);
/* The static table of P (built once, thread-safe). */
const struct mcx_sakke_comb *mcx_sakke_comb_base(void);

/* r = [k1]B1 + [k2]B2 for the tables' points, k1, k2 raw scalars in
 * [0, q] (constant time in k1, k2).  c2 may be NULL: r = [k1]B1. */
void mcx_sakke_comb_mul2(struct mcx_sakke_proj *r,
			 const struct mcx_sakke_comb *c1,
			 const struct mcx_fp1024 *k1,
			 const struct mcx_sakke_comb *c2,
			 const struct mcx_fp1024 *k2);

/* r = g^k in PF_p (not normalised), k raw in [0, q], constant time in k.
 * g = <P, P> of RFC 6509 parameter set 1. */
void mcx_sakke_comb_gpow(struct mcx_fp2 *r, const struct mcx_fp1024 *k);
/* The F_p representative of g (Montgomery form). */
const struct mcx_fp1024 *mcx_sakke_comb_g(void);

#endif /* MCX_MECHANISMS_SAKKE_COMB_H */
