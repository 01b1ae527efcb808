/*
 * Reference SAKKE arithmetic with BIGNUM (see sakke_ref.h): F_p in
 * Montgomery form, affine points (the literal formulas), Jacobian points
 * (the fast path), F_p^2 and the §3.5 pairing in both forms.
 */
#include <openssl/bn.h>
#include <stdlib.h>
#include <string.h>

#include "tests/ref/sakke_ref_internal.h"

/* ---- F_p: every coordinate is held in Montgomery form (x R mod p), so a
 * product is one BN_mod_mul_montgomery; sums and differences are the same
 * in both forms.  Only decode/encode and the inversion leave the form. ---- */

static int fmul(struct mcx_sakke_ref *ref, BIGNUM *r, const BIGNUM *a,
		const BIGNUM *b)
{
	return BN_mod_mul_montgomery(r, a, b, ref->mont, ref->bn);
}

static int fadd(struct mcx_sakke_ref *ref, BIGNUM *r, const BIGNUM *a,
		const BIGNUM *b)
{
	return BN_mod_add_quick(r, a, b, ref->p);
}

static int fsub(struct mcx_sakke_ref *ref, BIGNUM *r, const BIGNUM *a,
		const BIGNUM *b)
{
	return BN_mod_sub_quick(r, a, b, ref->p);
}

/* r = a^-1 (Montgomery form in and out). */
static int finv(struct mcx_sakke_ref *ref, BIGNUM *r, const BIGNUM *a)
{
	return BN_from_montgomery(r, a, ref->mont, ref->bn) &&
	       BN_mod_inverse(r, r, ref->p, ref->bn) != NULL &&
	       BN_to_montgomery(r, r, ref->mont, ref->bn);
}

/* r = 3a, r = 2a */
static int ftriple(struct mcx_sakke_ref *ref, BIGNUM *r, const BIGNUM *a)
{
	BIGNUM *t = BN_dup(a);
	int ok = t != NULL && fadd(ref, r, t, t) && fadd(ref, r, r, t);

	BN_free(t);
	return ok;
}

static int fdouble(struct mcx_sakke_ref *ref, BIGNUM *r, const BIGNUM *a)
{
	return fadd(ref, r, a, a);
}

static int fdecode(struct mcx_sakke_ref *ref, const uint8_t in[FP], BIGNUM *r)
{
	return BN_bin2bn(in, FP, r) != NULL && BN_cmp(r, ref->p) < 0 &&
	       BN_to_montgomery(r, r, ref->mont, ref->bn);
}

static int fencode(struct mcx_sakke_ref *ref, const BIGNUM *a, uint8_t out[FP])
{
	BIGNUM *t = BN_new();
	int ok = t != NULL && BN_from_montgomery(t, a, ref->mont, ref->bn) &&
		 BN_bn2binpad(t, out, FP) == FP;

	BN_free(t);
	return ok;
}

/* ---- small helpers ----------------------------------------------------- */

int mcx_sakke_ref_arith_pt_init(struct mcx_sakke_ref_pt *a)
{
	a->x = BN_new();
	a->y = BN_new();
	a->inf = 1;
	return a->x != NULL && a->y != NULL;
}

void mcx_sakke_ref_arith_pt_clear(struct mcx_sakke_ref_pt *a)
{
	BN_free(a->x);
	BN_free(a->y);
	a->x = a->y = NULL;
}

int mcx_sakke_ref_arith_pt_copy(struct mcx_sakke_ref_pt *dst,
				const struct mcx_sakke_ref_pt *src)
{
	dst->inf = src->inf;
	return BN_copy(dst->x, src->x) != NULL &&
	       BN_copy(dst->y, src->y) != NULL;
}

int mcx_sakke_ref_arith_fp2_init(struct mcx_sakke_ref_fp2 *a)
{
	a->a = BN_new();
	a->b = BN_new();
	return a->a != NULL && a->b != NULL;
}

void mcx_sakke_ref_arith_fp2_clear(struct mcx_sakke_ref_fp2 *a)
{
	BN_free(a->a);
	BN_free(a->b);
}

/* ---- points on y^2 = x^3 - 3x (affine) --------------------------------- */

int mcx_sakke_ref_arith_on_curve(struct mcx_sakke_ref *ref,
				 const struct mcx_sakke_ref_pt *a)
{
	BIGNUM *l = BN_new(), *r = BN_new(), *t = BN_new();
	int ok = 0;

	if (a->inf)
		ok = 1;
	else if (l != NULL && r != NULL && t != NULL &&
		 fmul(ref, l, a->y, a->y) && fmul(ref, r, a->x, a->x) &&
		 fmul(ref, r, r, a->x) && ftriple(ref, t, a->x) &&
		 fsub(ref, r, r, t))
		ok = BN_cmp(l, r) == 0;
	BN_free(l);
	BN_free(r);
	BN_free(t);
	return ok;
}

/* out = 2a:  lambda = (3x^2 - 3) / 2y, x3 = lambda^2 - 2x,
 * y3 = lambda (x - x3) - y. */
static int pt_double(struct mcx_sakke_ref *ref, struct mcx_sakke_ref_pt *out,
		     const struct mcx_sakke_ref_pt *a)
{
	BIGNUM *l = BN_new(), *t = BN_new(), *x3 = BN_new(), *y3 = BN_new();
	int ok = 0;

	if (l == NULL || t == NULL || x3 == NULL || y3 == NULL)
		goto out;
	if (a->inf || BN_is_zero(a->y)) {
		out->inf = 1;
		ok = 1;
		goto out;
	}
	if (!fmul(ref, l, a->x, a->x) || !fsub(ref, l, l, ref->one) ||
	    !ftriple(ref, l, l) || !fdouble(ref, t, a->y) || !finv(ref, t, t) ||
	    !fmul(ref, l, l, t))
		goto out;
	if (!fmul(ref, x3, l, l) || !fsub(ref, x3, x3, a->x) ||
	    !fsub(ref, x3, x3, a->x))
		goto out;
	if (!fsub(ref, y3, a->x, x3) || !fmul(ref, y3, y3, l) ||
	    !fsub(ref, y3, y3, a->y))
		goto out;
	ok = BN_copy(out->x, x3) != NULL && BN_copy(out->y, y3) != NULL;
	out->inf = 0;
out:
	BN_free(l);
	BN_free(t);
	BN_free(x3);
	BN_free(y3);
	return ok;
}

/* out = a + b:  lambda = (y2 - y1) / (x2 - x1), x3 = lambda^2 - x1 - x2,
 * y3 = lambda (x1 - x3) - y1. */
int mcx_sakke_ref_arith_pt_add(struct mcx_sakke_ref *ref,
			       struct mcx_sakke_ref_pt *out,
			       const struct mcx_sakke_ref_pt *a,
			       const struct mcx_sakke_ref_pt *b)
{
	BIGNUM *l = BN_new(), *t = BN_new(), *x3 = BN_new(), *y3 = BN_new();
	int ok = 0;

	if (l == NULL || t == NULL || x3 == NULL || y3 == NULL)
		goto out;
	if (a->inf) {
		ok = mcx_sakke_ref_arith_pt_copy(out, b);
		goto out;
	}
	if (b->inf) {
		ok = mcx_sakke_ref_arith_pt_copy(out, a);
		goto out;
	}
	if (BN_cmp(a->x, b->x) == 0) {
		if (BN_cmp(a->y, b->y) == 0) {
			ok = pt_double(ref, out, a);
		} else {
			out->inf = 1; /* b = -a */
			ok = 1;
		}
		goto out;
	}
	if (!fsub(ref, l, b->y, a->y) || !fsub(ref, t, b->x, a->x) ||
	    !finv(ref, t, t) || !fmul(ref, l, l, t))
		goto out;
	if (!fmul(ref, x3, l, l) || !fsub(ref, x3, x3, a->x) ||
	    !fsub(ref, x3, x3, b->x))
		goto out;
	if (!fsub(ref, y3, a->x, x3) || !fmul(ref, y3, y3, l) ||
	    !fsub(ref, y3, y3, a->y))
		goto out;
	ok = BN_copy(out->x, x3) != NULL && BN_copy(out->y, y3) != NULL;
	out->inf = 0;
out:
	BN_free(l);
	BN_free(t);
	BN_free(x3);
	BN_free(y3);
	return ok;
}

/* [k]a, affine double-and-add from the top bit: the literal version, used
 * to check the Jacobian one. */
int mcx_sakke_ref_arith_pt_mul_affine(struct mcx_sakke_ref *ref,
				      struct mcx_sakke_ref_pt *out,
				      const BIGNUM *k,
				      const struct mcx_sakke_ref_pt *a)
{
	struct mcx_sakke_ref_pt acc;
	int ok = mcx_sakke_ref_arith_pt_init(&acc);

	for (int i = BN_num_bits(k) - 1; ok && i >= 0; i--) {
		ok = pt_double(ref, &acc, &acc);
		if (ok && BN_is_bit_set(k, i))
			ok = mcx_sakke_ref_arith_pt_add(ref, &acc, &acc, a);
	}
	if (ok)
		ok = mcx_sakke_ref_arith_pt_copy(out, &acc);
	mcx_sakke_ref_arith_pt_clear(&acc);
	return ok;
}

/* ---- Jacobian coordinates (x, y) = (X/Z^2, Y/Z^3): inversion-free, so
 * the reference is fast enough for a thousand differential cases.  Z = 0
 * is the point at infinity. ---------------------------------------------- */

struct jac {
	BIGNUM *x, *y, *z;
};

static int jac_init(struct jac *a)
{
	a->x = BN_new();
	a->y = BN_new();
	a->z = BN_new();
	if (a->z != NULL)
		BN_zero(a->z);
	return a->x != NULL && a->y != NULL && a->z != NULL;
}

static void jac_clear(struct jac *a)
{
	BN_free(a->x);
	BN_free(a->y);
	BN_free(a->z);
}

/* 2a for y^2 = x^3 - 3x ("dbl-2001-b", a = -3):
 * d = Z^2, g = Y^2, b = X g, al = 3 (X - d)(X + d),
 * X3 = al^2 - 8b, Y3 = al (4b - X3) - 8 g^2, Z3 = 2 Y Z. */
static int jac_double(struct mcx_sakke_ref *ref, struct jac *a)
{
	BIGNUM *d = BN_new(), *g = BN_new(), *b = BN_new(), *al = BN_new(),
	       *t = BN_new();
	int ok = d != NULL && g != NULL && b != NULL && al != NULL && t != NULL;

	if (ok && (BN_is_zero(a->z) || BN_is_zero(a->y))) {
		BN_zero(a->z);
		goto out;
	}
	ok = ok && fmul(ref, d, a->z, a->z) && fmul(ref, g, a->y, a->y) &&
	     fmul(ref, b, a->x, g) && fsub(ref, al, a->x, d) &&
	     fadd(ref, t, a->x, d) && fmul(ref, al, al, t) &&
	     ftriple(ref, al, al);
	/* Z3 = 2 Y Z (before Y changes) */
	ok = ok && fmul(ref, a->z, a->y, a->z) && fdouble(ref, a->z, a->z);
	/* X3 = al^2 - 8b */
	ok = ok && fdouble(ref, b, b) && fdouble(ref, b, b) && /* 4b */
	     fmul(ref, a->x, al, al) && fsub(ref, a->x, a->x, b) &&
	     fsub(ref, a->x, a->x, b);
	/* Y3 = al (4b - X3) - 8 g^2 */
	ok = ok && fsub(ref, t, b, a->x) && fmul(ref, t, t, al) &&
	     fmul(ref, g, g, g) && fdouble(ref, g, g) && fdouble(ref, g, g) &&
	     fdouble(ref, g, g) && fsub(ref, a->y, t, g);
out:
	BN_free(d);
	BN_free(g);
	BN_free(b);
	BN_free(al);
	BN_free(t);
	return ok;
}

/* a += b (b affine, not infinity): U2 = x2 Z^2, S2 = y2 Z^3, H = U2 - X,
 * R = S2 - Y, X3 = R^2 - H^3 - 2 X H^2, Y3 = R (X H^2 - X3) - Y H^3,
 * Z3 = Z H. */
static int jac_add_affine(struct mcx_sakke_ref *ref, struct jac *a,
			  const struct mcx_sakke_ref_pt *b)
{
	BIGNUM *z2 = BN_new(), *u2 = BN_new(), *s2 = BN_new(), *h = BN_new(),
	       *r = BN_new(), *hh = BN_new(), *hhh = BN_new(), *v = BN_new();
	int ok = z2 != NULL && u2 != NULL && s2 != NULL && h != NULL &&
		 r != NULL && hh != NULL && hhh != NULL && v != NULL;

	if (ok && BN_is_zero(a->z)) {
		ok = BN_copy(a->x, b->x) && BN_copy(a->y, b->y) &&
		     BN_copy(a->z, ref->one);
		goto out;
	}
	ok = ok && fmul(ref, z2, a->z, a->z) && fmul(ref, u2, b->x, z2) &&
	     fmul(ref, s2, b->y, z2) && fmul(ref, s2, s2, a->z) &&
	     fsub(ref, h, u2, a->x) && fsub(ref, r, s2, a->y);
	if (ok && BN_is_zero(h)) {
		if (BN_is_zero(r))
			ok = jac_double(ref, a);
		else
			BN_zero(a->z); /* b = -a */
		goto out;
	}
	ok = ok && fmul(ref, hh, h, h) && fmul(ref, hhh, hh, h) &&
	     fmul(ref, v, a->x, hh) && fmul(ref, a->z, a->z, h) &&
	     fmul(ref, a->x, r, r) && fsub(ref, a->x, a->x, hhh) &&
	     fsub(ref, a->x, a->x, v) && fsub(ref, a->x, a->x, v) &&
	     fsub(ref, v, v, a->x) && fmul(ref, v, v, r) &&
	     fmul(ref, hhh, hhh, a->y) && fsub(ref, a->y, v, hhh);
out:
	BN_free(z2);
	BN_free(u2);
	BN_free(s2);
	BN_free(h);
	BN_free(r);
	BN_free(hh);
	BN_free(hhh);
	BN_free(v);
	return ok;
}

static int jac_to_affine(struct mcx_sakke_ref *ref, const struct jac *a,
			 struct mcx_sakke_ref_pt *out)
{
	BIGNUM *zi = BN_new(), *t = BN_new();
	int ok = zi != NULL && t != NULL;

	if (ok && BN_is_zero(a->z)) {
		out->inf = 1;
		goto out;
	}
	ok = ok && finv(ref, zi, a->z) && fmul(ref, t, zi, zi) &&
	     fmul(ref, out->x, a->x, t) && fmul(ref, t, t, zi) &&
	     fmul(ref, out->y, a->y, t);
	out->inf = 0;
out:
	BN_free(zi);
	BN_free(t);
	return ok;
}

/* [k]a, double-and-add from the top bit in Jacobian coordinates. */
int mcx_sakke_ref_arith_pt_mul(struct mcx_sakke_ref *ref,
			       struct mcx_sakke_ref_pt *out, const BIGNUM *k,
			       const struct mcx_sakke_ref_pt *a)
{
	struct jac acc;
	int ok = jac_init(&acc);

	if (a->inf) {
		out->inf = 1;
		jac_clear(&acc);
		return ok;
	}
	for (int i = BN_num_bits(k) - 1; ok && i >= 0; i--) {
		ok = jac_double(ref, &acc);
		if (ok && BN_is_bit_set(k, i))
			ok = jac_add_affine(ref, &acc, a);
	}
	ok = ok && jac_to_affine(ref, &acc, out);
	jac_clear(&acc);
	return ok;
}

int mcx_sakke_ref_arith_pt_decode(struct mcx_sakke_ref *ref,
				  const uint8_t in[PT],
				  struct mcx_sakke_ref_pt *out)
{
	if (in[0] != 0x04 || !fdecode(ref, in + 1, out->x) ||
	    !fdecode(ref, in + 1 + FP, out->y))
		return 0;
	out->inf = 0;
	return mcx_sakke_ref_arith_on_curve(ref, out);
}

int mcx_sakke_ref_arith_pt_encode(struct mcx_sakke_ref *ref,
				  const struct mcx_sakke_ref_pt *a,
				  uint8_t out[PT])
{
	if (a->inf)
		return 0;
	out[0] = 0x04;
	return fencode(ref, a->x, out + 1) && fencode(ref, a->y, out + 1 + FP);
}

/* ---- F_p^2 -------------------------------------------------------------- */

/* out = x * y: (a1 b1 - a2 b2) + i (a1 b2 + a2 b1); out may alias. */
static int fp2_mul(struct mcx_sakke_ref *ref, struct mcx_sakke_ref_fp2 *out,
		   const struct mcx_sakke_ref_fp2 *x,
		   const struct mcx_sakke_ref_fp2 *y)
{
	BIGNUM *a = BN_new(), *b = BN_new(), *t = BN_new();
	int ok = a != NULL && b != NULL && t != NULL &&
		 fmul(ref, a, x->a, y->a) && fmul(ref, t, x->b, y->b) &&
		 fsub(ref, a, a, t) && fmul(ref, b, x->a, y->b) &&
		 fmul(ref, t, x->b, y->a) && fadd(ref, b, b, t) &&
		 BN_copy(out->a, a) && BN_copy(out->b, b);

	BN_free(a);
	BN_free(b);
	BN_free(t);
	return ok;
}

/* out = x^e, square-and-multiply. */
int mcx_sakke_ref_arith_fp2_pow(struct mcx_sakke_ref *ref,
				struct mcx_sakke_ref_fp2 *out,
				const struct mcx_sakke_ref_fp2 *x,
				const BIGNUM *e)
{
	struct mcx_sakke_ref_fp2 acc;
	int ok = mcx_sakke_ref_arith_fp2_init(&acc) && BN_copy(acc.a, ref->one);

	BN_zero(acc.b);
	for (int i = BN_num_bits(e) - 1; ok && i >= 0; i--) {
		ok = fp2_mul(ref, &acc, &acc, &acc);
		if (ok && BN_is_bit_set(e, i))
			ok = fp2_mul(ref, &acc, &acc, x);
	}
	ok = ok && BN_copy(out->a, acc.a) && BN_copy(out->b, acc.b);
	mcx_sakke_ref_arith_fp2_clear(&acc);
	return ok;
}

/* The F_p value b/a of the PF_p element (a, b), 128 octets. */
int mcx_sakke_ref_arith_fp2_to_fp(struct mcx_sakke_ref *ref,
				  const struct mcx_sakke_ref_fp2 *x,
				  uint8_t out[FP])
{
	BIGNUM *t = BN_new();
	int ok = t != NULL && finv(ref, t, x->a) && fmul(ref, t, t, x->b) &&
		 fencode(ref, t, out);

	BN_free(t);
	return ok;
}

/* ---- the pairing (§3.5) ------------------------------------------------ */

/* Literal transcription with affine C (one inversion per step); checks the
 * Jacobian version below in the reference's own test. */
int mcx_sakke_ref_arith_pairing_affine(struct mcx_sakke_ref *ref,
				       const struct mcx_sakke_ref_pt *r,
				       const struct mcx_sakke_ref_pt *q,
				       uint8_t out[FP])
{
	struct mcx_sakke_ref_pt c;
	struct mcx_sakke_ref_fp2 v, t;
	BIGNUM *n = BN_new(), *u = BN_new(), *w = BN_new();
	int ok = mcx_sakke_ref_arith_pt_init(&c) &&
		 mcx_sakke_ref_arith_fp2_init(&v) &&
		 mcx_sakke_ref_arith_fp2_init(&t) && n != NULL && u != NULL &&
		 w != NULL;

	/* v = (1, 0); C = R; loop over the bits of q - 1 below the top. */
	ok = ok && BN_copy(v.a, ref->one) && BN_copy(n, ref->q) &&
	     BN_sub_word(n, 1) && mcx_sakke_ref_arith_pt_copy(&c, r);
	BN_zero(v.b);
	ok = ok && !r->inf && !q->inf;
	for (int i = BN_num_bits(n) - 2; ok && i >= 0; i--) {
		if (c.inf) {
			ok = 0;
			break;
		}
		/* t.x1 = 3*(Cx^2 - 1)*(Qx + Cx) - 2*Cy^2; t.x2 = 2*Cy*Qy */
		ok = fmul(ref, u, c.x, c.x) && fsub(ref, u, u, ref->one) &&
		     ftriple(ref, u, u) && fadd(ref, w, q->x, c.x) &&
		     fmul(ref, u, u, w) && fmul(ref, w, c.y, c.y) &&
		     fdouble(ref, w, w) && fsub(ref, t.a, u, w) &&
		     fmul(ref, t.b, c.y, q->y) && fdouble(ref, t.b, t.b);
		/* v = v^2 * t; C = [2]C */
		ok = ok && fp2_mul(ref, &v, &v, &v) &&
		     fp2_mul(ref, &v, &v, &t) && pt_double(ref, &c, &c);
		if (!ok || !BN_is_bit_set(n, i))
			continue;
		if (c.inf) {
			ok = 0;
			break;
		}
		/* t.x1 = Cy*(Qx + Rx) - Ry*(Qx + Cx); t.x2 = (Cx - Rx)*Qy */
		ok = fadd(ref, u, q->x, r->x) && fmul(ref, u, u, c.y) &&
		     fadd(ref, w, q->x, c.x) && fmul(ref, w, w, r->y) &&
		     fsub(ref, t.a, u, w) && fsub(ref, t.b, c.x, r->x) &&
		     fmul(ref, t.b, t.b, q->y);
		/* v = v * t; C = C + R */
		ok = ok && fp2_mul(ref, &v, &v, &t) &&
		     mcx_sakke_ref_arith_pt_add(ref, &c, &c, r);
	}
	/* Final exponentiation v^c, c = (p + 1) / q; then x2/x1. */
	ok = ok && mcx_sakke_ref_arith_fp2_pow(ref, &v, &v, ref->c) &&
	     mcx_sakke_ref_arith_fp2_to_fp(ref, &v, out);
	mcx_sakke_ref_arith_pt_clear(&c);
	mcx_sakke_ref_arith_fp2_clear(&v);
	mcx_sakke_ref_arith_fp2_clear(&t);
	BN_free(n);
	BN_free(u);
	BN_free(w);
	return ok;
}

/* The same loop with C = (X, Y, Z) in Jacobian coordinates.  PF_p is
 * projective, so each line may be scaled by any non-zero element of F_p:
 * the tangent is the affine one times Z^6 and the chord the affine one
 * times Z^3 (Cx = X/Z^2, Cy = Y/Z^3):
 *   tangent  t.x1 = 3 (X^2 - Z^4)(Qx Z^2 + X) - 2 Y^2,  t.x2 = 2 Y Z^3 Qy
 *   chord    t.x1 = Y (Qx + Rx) - Ry (Qx Z^3 + X Z),
 *            t.x2 = (X Z - Rx Z^3) Qy */
int mcx_sakke_ref_arith_pairing(struct mcx_sakke_ref *ref,
				const struct mcx_sakke_ref_pt *r,
				const struct mcx_sakke_ref_pt *q,
				uint8_t out[FP])
{
	struct jac c;
	struct mcx_sakke_ref_fp2 v, t;
	BIGNUM *n = BN_new(), *u = BN_new(), *w = BN_new(), *z2 = BN_new(),
	       *z3 = BN_new();
	int ok = jac_init(&c) && mcx_sakke_ref_arith_fp2_init(&v) &&
		 mcx_sakke_ref_arith_fp2_init(&t) && n != NULL && u != NULL &&
		 w != NULL && z2 != NULL && z3 != NULL;

	ok = ok && BN_copy(v.a, ref->one) && BN_copy(n, ref->q) &&
	     BN_sub_word(n, 1) && !r->inf && !q->inf &&
	     jac_add_affine(ref, &c, r); /* C = R */
	BN_zero(v.b);
	for (int i = BN_num_bits(n) - 2; ok && i >= 0; i--) {
		if (BN_is_zero(c.z)) {
			ok = 0;
			break;
		}
		ok = fmul(ref, z2, c.z, c.z) && fmul(ref, z3, z2, c.z);
		/* tangent */
		ok = ok && fmul(ref, u, c.x, c.x) && fmul(ref, w, z2, z2) &&
		     fsub(ref, u, u, w) && ftriple(ref, u, u) &&
		     fmul(ref, w, q->x, z2) && fadd(ref, w, w, c.x) &&
		     fmul(ref, u, u, w) && fmul(ref, w, c.y, c.y) &&
		     fdouble(ref, w, w) && fsub(ref, t.a, u, w) &&
		     fmul(ref, t.b, c.y, z3) && fmul(ref, t.b, t.b, q->y) &&
		     fdouble(ref, t.b, t.b);
		ok = ok && fp2_mul(ref, &v, &v, &v) &&
		     fp2_mul(ref, &v, &v, &t) && jac_double(ref, &c);
		if (!ok || !BN_is_bit_set(n, i))
			continue;
		if (BN_is_zero(c.z)) {
			ok = 0;
			break;
		}
		ok = fmul(ref, z2, c.z, c.z) && fmul(ref, z3, z2, c.z);
		/* chord through C (after the doubling) and R */
		ok = ok && fadd(ref, u, q->x, r->x) && fmul(ref, u, u, c.y) &&
		     fmul(ref, w, q->x, z3) && fmul(ref, t.b, c.x, c.z) &&
		     fadd(ref, w, w, t.b) && fmul(ref, w, w, r->y) &&
		     fsub(ref, t.a, u, w) && fmul(ref, w, r->x, z3) &&
		     fsub(ref, t.b, t.b, w) && fmul(ref, t.b, t.b, q->y);
		ok = ok && fp2_mul(ref, &v, &v, &t) &&
		     jac_add_affine(ref, &c, r);
	}
	ok = ok && mcx_sakke_ref_arith_fp2_pow(ref, &v, &v, ref->c) &&
	     mcx_sakke_ref_arith_fp2_to_fp(ref, &v, out);
	jac_clear(&c);
	mcx_sakke_ref_arith_fp2_clear(&v);
	mcx_sakke_ref_arith_fp2_clear(&t);
	BN_free(n);
	BN_free(u);
	BN_free(w);
	BN_free(z2);
	BN_free(z3);
	return ok;
}
