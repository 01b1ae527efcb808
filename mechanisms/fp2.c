/*
 * F_p^2 and PF_p arithmetic for SAKKE (RFC 6508 §2.1; MCX-REFERENCE.md
 * §3.5).  i^2 = -1 because p = 3 mod 4.
 */
#include "mechanisms/fp2.h"

#include "common/wipe.h"

void mcx_fp2_set_one(struct mcx_fp2 *r)
{
	const struct mcx_fp1024_mod *p = mcx_fp1024_mod_p();

	r->x1 = p->one;
	r->x2 = (struct mcx_fp1024){{0}};
}

void mcx_fp2_mul(struct mcx_fp2 *r, const struct mcx_fp2 *a,
		 const struct mcx_fp2 *b)
{
	const struct mcx_fp1024_mod *p = mcx_fp1024_mod_p();
	struct mcx_fp1024 t0;
	struct mcx_fp1024 t1;
	struct mcx_fp1024 s0;
	struct mcx_fp1024 s1;

	/* (a1 + i a2)(b1 + i b2) = (a1 b1 - a2 b2)
	 *   + i ((a1 + a2)(b1 + b2) - a1 b1 - a2 b2) */
	mcx_fp1024_mul(p, &t0, &a->x1, &b->x1);
	mcx_fp1024_mul(p, &t1, &a->x2, &b->x2);
	mcx_fp1024_add(p, &s0, &a->x1, &a->x2);
	mcx_fp1024_add(p, &s1, &b->x1, &b->x2);
	mcx_fp1024_mul(p, &s0, &s0, &s1);
	mcx_fp1024_sub(p, &s0, &s0, &t0);
	mcx_fp1024_sub(p, &r->x2, &s0, &t1);
	mcx_fp1024_sub(p, &r->x1, &t0, &t1);
	mcx_wipe(&t0, sizeof(t0));
	mcx_wipe(&t1, sizeof(t1));
	mcx_wipe(&s0, sizeof(s0));
	mcx_wipe(&s1, sizeof(s1));
}

void mcx_fp2_sqr(struct mcx_fp2 *r, const struct mcx_fp2 *a)
{
	const struct mcx_fp1024_mod *p = mcx_fp1024_mod_p();
	struct mcx_fp1024 s;
	struct mcx_fp1024 d;
	struct mcx_fp1024 t;

	mcx_fp1024_add(p, &s, &a->x1, &a->x2);
	mcx_fp1024_sub(p, &d, &a->x1, &a->x2);
	mcx_fp1024_mul(p, &t, &a->x1, &a->x2);
	mcx_fp1024_mul(p, &r->x1, &s, &d);
	mcx_fp1024_dbl(p, &r->x2, &t);
	mcx_wipe(&s, sizeof(s));
	mcx_wipe(&d, sizeof(d));
	mcx_wipe(&t, sizeof(t));
}

void mcx_fp2_mul_1e(struct mcx_fp2 *r, const struct mcx_fp2 *a,
		    const struct mcx_fp1024 *e)
{
	const struct mcx_fp1024_mod *p = mcx_fp1024_mod_p();
	struct mcx_fp1024 t1;
	struct mcx_fp1024 t2;

	/* (a1 + i a2)(1 + i e) = (a1 - a2 e) + i (a2 + a1 e) */
	mcx_fp1024_mul(p, &t1, &a->x2, e);
	mcx_fp1024_mul(p, &t2, &a->x1, e);
	mcx_fp1024_sub(p, &r->x1, &a->x1, &t1);
	mcx_fp1024_add(p, &r->x2, &a->x2, &t2);
	mcx_wipe(&t1, sizeof(t1));
	mcx_wipe(&t2, sizeof(t2));
}

void mcx_fp2_conj(struct mcx_fp2 *r, const struct mcx_fp2 *a)
{
	const struct mcx_fp1024_mod *p = mcx_fp1024_mod_p();

	r->x1 = a->x1;
	mcx_fp1024_neg(p, &r->x2, &a->x2);
}

void mcx_fp2_cconj(struct mcx_fp2 *r, uint64_t mask)
{
	const struct mcx_fp1024_mod *p = mcx_fp1024_mod_p();
	struct mcx_fp1024 n;

	mcx_fp1024_neg(p, &n, &r->x2);
	mcx_fp1024_cmov(&r->x2, &n, mask);
	mcx_wipe(&n, sizeof(n));
}

void mcx_fp2_pf_value(struct mcx_fp1024 *r, const struct mcx_fp2 *a)
{
	const struct mcx_fp1024_mod *p = mcx_fp1024_mod_p();
	struct mcx_fp1024 inv;

	mcx_fp1024_inv(p, &inv, &a->x1);
	mcx_fp1024_mul(p, r, &a->x2, &inv);
	mcx_wipe(&inv, sizeof(inv));
}
