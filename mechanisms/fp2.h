/*
 * F_p^2 = F_p[i]/(i^2 + 1) for the SAKKE prime p (p = 3 mod 4), and its
 * projectivisation PF_p (RFC 6508 §2.1, MCX-REFERENCE.md §3.5): x1 + i x2
 * and (l x1) + i (l x2) are the same PF_p element for every l != 0 in F_p,
 * reported in F_p as x2 / x1.  Coordinates are in Montgomery form mod p.
 * Constant time like mechanisms/fp1024.h.
 */
#ifndef MCX_MECHANISMS_FP2_H
#define MCX_MECHANISMS_FP2_H

#include <stdint.h>

#include "mechanisms/fp1024.h"

struct mcx_fp2 {
	struct mcx_fp1024 x1; /* real part */
	struct mcx_fp1024 x2; /* coefficient of i */
};

/* Scratch space for the _tmp variants below: hot loops (Miller loop,
 * comb) pass their own scratch and wipe it once at the end instead of
 * wiping every temporary of every operation (which cost ~5% of a
 * pairing). */
struct mcx_fp2_tmp {
	struct mcx_fp1024 t[4];
	struct mcx_fp1024_wide_tmp w;
};

/* r = 1 */
void mcx_fp2_set_one(struct mcx_fp2 *r);
/* r = a b in 3 multiplications (Karatsuba); r may alias a or b. */
void mcx_fp2_mul(struct mcx_fp2 *r, const struct mcx_fp2 *a,
		 const struct mcx_fp2 *b);
/* r = a^2 in 2 multiplications: ((a1 + a2)(a1 - a2), 2 a1 a2). */
void mcx_fp2_sqr(struct mcx_fp2 *r, const struct mcx_fp2 *a);
/* r = a (1 + i e) in 2 multiplications: a PF_p element normalised to first
 * coordinate 1 (a table entry). */
void mcx_fp2_mul_1e(struct mcx_fp2 *r, const struct mcx_fp2 *a,
		    const struct mcx_fp1024 *e);
/* The same operations with caller-owned scratch (wiped by the caller). */
void mcx_fp2_mul_tmp(struct mcx_fp2 *r, const struct mcx_fp2 *a,
		     const struct mcx_fp2 *b, struct mcx_fp2_tmp *s);
void mcx_fp2_sqr_tmp(struct mcx_fp2 *r, const struct mcx_fp2 *a,
		     struct mcx_fp2_tmp *s);
void mcx_fp2_mul_1e_tmp(struct mcx_fp2 *r, const struct mcx_fp2 *a,
			const struct mcx_fp1024 *e, struct mcx_fp2_tmp *s);
/* r = conjugate of a (the inverse in PF_p of a norm-scaled element). */
void mcx_fp2_conj(struct mcx_fp2 *r, const struct mcx_fp2 *a);
/* Conjugate in place where mask is all ones. */
void mcx_fp2_cconj(struct mcx_fp2 *r, uint64_t mask);
/* The F_p value of a PF_p element: x2 / x1 (Montgomery form). */
void mcx_fp2_pf_value(struct mcx_fp1024 *r, const struct mcx_fp2 *a);

#endif /* MCX_MECHANISMS_FP2_H */
