/*
 * Reference SAKKE with BIGNUM: see sakke_ref.h.  Each function follows
 * MCX-REFERENCE §3 literally; no precomputation, no projective coordinates,
 * no constant-time tricks, so that it can be checked by reading.
 */
#include "tests/ref/sakke_ref.h"

#include <openssl/bn.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

#include "tests/common/vectors.h"

#define FP  MCX_SAKKE_REF_FP_LEN
#define PT  MCX_SAKKE_REF_POINT_LEN
#define SSV MCX_SAKKE_REF_SSV_LEN

struct pt {
	BIGNUM *x;
	BIGNUM *y;
	int inf;
};

/* a + i*b with i^2 = -1; the PF_p value of (a, b) is b/a. */
struct fp2 {
	BIGNUM *a;
	BIGNUM *b;
};

struct mcx_sakke_ref {
	BIGNUM *p;
	BIGNUM *q;
	BIGNUM *g;
	BIGNUM *c;	   /* (p + 1) / q */
	BIGNUM *one;	   /* 1 in Montgomery form */
	BN_MONT_CTX *mont; /* modulo p */
	struct pt base;	   /* P, Montgomery form */
	BN_CTX *bn;
};

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

static int pt_init(struct pt *a)
{
	a->x = BN_new();
	a->y = BN_new();
	a->inf = 1;
	return a->x != NULL && a->y != NULL;
}

static void pt_clear(struct pt *a)
{
	BN_free(a->x);
	BN_free(a->y);
	a->x = a->y = NULL;
}

static int pt_copy(struct pt *dst, const struct pt *src)
{
	dst->inf = src->inf;
	return BN_copy(dst->x, src->x) != NULL &&
	       BN_copy(dst->y, src->y) != NULL;
}

static int fp2_init(struct fp2 *a)
{
	a->a = BN_new();
	a->b = BN_new();
	return a->a != NULL && a->b != NULL;
}

static void fp2_clear(struct fp2 *a)
{
	BN_free(a->a);
	BN_free(a->b);
}

static BIGNUM *hex_bn(struct json_object *root, const char *path)
{
	BIGNUM *v = NULL;

	if (!BN_hex2bn(&v, mcx_vectors_str(root, path)))
		return NULL;
	return v;
}

static int sha256(const uint8_t *a, size_t a_len, const uint8_t *b,
		  size_t b_len, uint8_t out[32])
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	int ok = md != NULL && EVP_DigestInit_ex(md, EVP_sha256(), NULL) &&
		 EVP_DigestUpdate(md, a, a_len) &&
		 (b_len == 0 || EVP_DigestUpdate(md, b, b_len)) &&
		 EVP_DigestFinal_ex(md, out, NULL);

	EVP_MD_CTX_free(md);
	return ok;
}

/* ---- points on y^2 = x^3 - 3x (affine) --------------------------------- */

static int on_curve(struct mcx_sakke_ref *ref, const struct pt *a)
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
static int pt_double(struct mcx_sakke_ref *ref, struct pt *out,
		     const struct pt *a)
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
static int pt_add(struct mcx_sakke_ref *ref, struct pt *out, const struct pt *a,
		  const struct pt *b)
{
	BIGNUM *l = BN_new(), *t = BN_new(), *x3 = BN_new(), *y3 = BN_new();
	int ok = 0;

	if (l == NULL || t == NULL || x3 == NULL || y3 == NULL)
		goto out;
	if (a->inf) {
		ok = pt_copy(out, b);
		goto out;
	}
	if (b->inf) {
		ok = pt_copy(out, a);
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
static int pt_mul_affine(struct mcx_sakke_ref *ref, struct pt *out,
			 const BIGNUM *k, const struct pt *a)
{
	struct pt acc;
	int ok = pt_init(&acc);

	for (int i = BN_num_bits(k) - 1; ok && i >= 0; i--) {
		ok = pt_double(ref, &acc, &acc);
		if (ok && BN_is_bit_set(k, i))
			ok = pt_add(ref, &acc, &acc, a);
	}
	if (ok)
		ok = pt_copy(out, &acc);
	pt_clear(&acc);
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
			  const struct pt *b)
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
			 struct pt *out)
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
static int pt_mul(struct mcx_sakke_ref *ref, struct pt *out, const BIGNUM *k,
		  const struct pt *a)
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

static int pt_decode(struct mcx_sakke_ref *ref, const uint8_t in[PT],
		     struct pt *out)
{
	if (in[0] != 0x04 || !fdecode(ref, in + 1, out->x) ||
	    !fdecode(ref, in + 1 + FP, out->y))
		return 0;
	out->inf = 0;
	return on_curve(ref, out);
}

static int pt_encode(struct mcx_sakke_ref *ref, const struct pt *a,
		     uint8_t out[PT])
{
	if (a->inf)
		return 0;
	out[0] = 0x04;
	return fencode(ref, a->x, out + 1) && fencode(ref, a->y, out + 1 + FP);
}

/* ---- F_p^2 -------------------------------------------------------------- */

/* out = x * y: (a1 b1 - a2 b2) + i (a1 b2 + a2 b1); out may alias. */
static int fp2_mul(struct mcx_sakke_ref *ref, struct fp2 *out,
		   const struct fp2 *x, const struct fp2 *y)
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
static int fp2_pow(struct mcx_sakke_ref *ref, struct fp2 *out,
		   const struct fp2 *x, const BIGNUM *e)
{
	struct fp2 acc;
	int ok = fp2_init(&acc) && BN_copy(acc.a, ref->one);

	BN_zero(acc.b);
	for (int i = BN_num_bits(e) - 1; ok && i >= 0; i--) {
		ok = fp2_mul(ref, &acc, &acc, &acc);
		if (ok && BN_is_bit_set(e, i))
			ok = fp2_mul(ref, &acc, &acc, x);
	}
	ok = ok && BN_copy(out->a, acc.a) && BN_copy(out->b, acc.b);
	fp2_clear(&acc);
	return ok;
}

/* The F_p value b/a of the PF_p element (a, b), 128 octets. */
static int fp2_to_fp(struct mcx_sakke_ref *ref, const struct fp2 *x,
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
static int pairing_affine(struct mcx_sakke_ref *ref, const struct pt *r,
			  const struct pt *q, uint8_t out[FP])
{
	struct pt c;
	struct fp2 v, t;
	BIGNUM *n = BN_new(), *u = BN_new(), *w = BN_new();
	int ok = pt_init(&c) && fp2_init(&v) && fp2_init(&t) && n != NULL &&
		 u != NULL && w != NULL;

	/* v = (1, 0); C = R; loop over the bits of q - 1 below the top. */
	ok = ok && BN_copy(v.a, ref->one) && BN_copy(n, ref->q) &&
	     BN_sub_word(n, 1) && pt_copy(&c, r);
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
		ok = ok && fp2_mul(ref, &v, &v, &t) && pt_add(ref, &c, &c, r);
	}
	/* Final exponentiation v^c, c = (p + 1) / q; then x2/x1. */
	ok = ok && fp2_pow(ref, &v, &v, ref->c) && fp2_to_fp(ref, &v, out);
	pt_clear(&c);
	fp2_clear(&v);
	fp2_clear(&t);
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
static int pairing(struct mcx_sakke_ref *ref, const struct pt *r,
		   const struct pt *q, uint8_t out[FP])
{
	struct jac c;
	struct fp2 v, t;
	BIGNUM *n = BN_new(), *u = BN_new(), *w = BN_new(), *z2 = BN_new(),
	       *z3 = BN_new();
	int ok = jac_init(&c) && fp2_init(&v) && fp2_init(&t) && n != NULL &&
		 u != NULL && w != NULL && z2 != NULL && z3 != NULL;

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
	ok = ok && fp2_pow(ref, &v, &v, ref->c) && fp2_to_fp(ref, &v, out);
	jac_clear(&c);
	fp2_clear(&v);
	fp2_clear(&t);
	BN_free(n);
	BN_free(u);
	BN_free(w);
	BN_free(z2);
	BN_free(z3);
	return ok;
}

/* ---- HashToIntegerRange (§3.2) ----------------------------------------- */

static int hash_to_range(const uint8_t *s, size_t s_len, const BIGNUM *n,
			 BIGNUM *out, BN_CTX *bn)
{
	uint8_t a[32], h[32] = {0}, vv[32 * 8];
	BIGNUM *n1 = BN_dup(n);
	int l, ok = n1 != NULL && BN_sub_word(n1, 1) &&
		    sha256(s, s_len, NULL, 0, a);

	/* l = ceil(lg(n) / 256) */
	l = (BN_num_bits(n1) + 255) / 256;
	ok = ok && l >= 1 && l <= 8;
	for (int i = 0; ok && i < l; i++)
		ok = sha256(h, 32, NULL, 0, h) &&
		     sha256(h, 32, a, 32, vv + 32 * i);
	ok = ok && BN_bin2bn(vv, 32 * l, out) != NULL &&
	     BN_nnmod(out, out, n, bn);
	BN_free(n1);
	return ok;
}

/* ---- setup ------------------------------------------------------------- */

struct mcx_sakke_ref *mcx_sakke_ref_new(void)
{
	struct json_object *root = mcx_vectors_load("sakke_rfc6508.json");
	struct mcx_sakke_ref *ref = calloc(1, sizeof(*ref));
	BIGNUM *rem = BN_new();
	struct pt t;
	int ok = ref != NULL && rem != NULL && pt_init(&t);

	if (ref != NULL) {
		ref->bn = BN_CTX_new();
		ref->p = hex_bn(root, "parameter_set_1.p");
		ref->q = hex_bn(root, "parameter_set_1.q");
		ref->g = hex_bn(root, "parameter_set_1.g");
		ref->c = BN_new();
		ref->one = BN_new();
		ref->mont = BN_MONT_CTX_new();
		ok = ok && pt_init(&ref->base);
		if (ok) {
			BN_free(ref->base.x);
			BN_free(ref->base.y);
			ref->base.x = hex_bn(root, "parameter_set_1.Px");
			ref->base.y = hex_bn(root, "parameter_set_1.Py");
			ref->base.inf = 0;
		}
	}
	ok = ok && ref->bn != NULL && ref->p != NULL && ref->q != NULL &&
	     ref->g != NULL && ref->c != NULL && ref->one != NULL &&
	     ref->mont != NULL && ref->base.x != NULL && ref->base.y != NULL;
	/* Montgomery form modulo p: 1 and P's coordinates. */
	ok = ok && BN_MONT_CTX_set(ref->mont, ref->p, ref->bn) &&
	     BN_to_montgomery(ref->one, BN_value_one(), ref->mont, ref->bn) &&
	     BN_to_montgomery(ref->base.x, ref->base.x, ref->mont, ref->bn) &&
	     BN_to_montgomery(ref->base.y, ref->base.y, ref->mont, ref->bn);
	/* c = (p + 1) / q exactly; P on the curve; [q]P = O. */
	ok = ok && BN_copy(rem, ref->p) && BN_add_word(rem, 1) &&
	     BN_div(ref->c, rem, rem, ref->q, ref->bn) && BN_is_zero(rem) &&
	     on_curve(ref, &ref->base) && pt_mul(ref, &t, ref->q, &ref->base) &&
	     t.inf;
	pt_clear(&t);
	BN_free(rem);
	json_object_put(root);
	if (!ok) {
		mcx_sakke_ref_free(ref);
		return NULL;
	}
	return ref;
}

void mcx_sakke_ref_free(struct mcx_sakke_ref *ref)
{
	if (ref == NULL)
		return;
	BN_free(ref->p);
	BN_free(ref->q);
	BN_free(ref->g);
	BN_free(ref->c);
	BN_free(ref->one);
	BN_MONT_CTX_free(ref->mont);
	pt_clear(&ref->base);
	BN_CTX_free(ref->bn);
	free(ref);
}

void mcx_sakke_ref_get_p(struct mcx_sakke_ref *ref, uint8_t out[PT])
{
	pt_encode(ref, &ref->base, out);
}

int mcx_sakke_ref_on_curve(struct mcx_sakke_ref *ref, const uint8_t pt[PT])
{
	struct pt a;
	int ok = pt_init(&a) && pt_decode(ref, pt, &a);

	pt_clear(&a);
	return ok ? 0 : -1;
}

/* ---- public operations ------------------------------------------------- */

int mcx_sakke_ref_point_mul(struct mcx_sakke_ref *ref, const uint8_t *k,
			    size_t k_len, const uint8_t pt[PT], uint8_t out[PT])
{
	struct pt a, r;
	BIGNUM *kb = BN_bin2bn(k, (int)k_len, NULL);
	int ok = kb != NULL && pt_init(&a) && pt_init(&r) &&
		 pt_decode(ref, pt, &a) && pt_mul(ref, &r, kb, &a) &&
		 pt_encode(ref, &r, out);

	pt_clear(&a);
	pt_clear(&r);
	BN_free(kb);
	return ok ? 0 : -1;
}

int mcx_sakke_ref_point_mul_affine(struct mcx_sakke_ref *ref, const uint8_t *k,
				   size_t k_len, const uint8_t pt[PT],
				   uint8_t out[PT])
{
	struct pt a, r;
	BIGNUM *kb = BN_bin2bn(k, (int)k_len, NULL);
	int ok = kb != NULL && pt_init(&a) && pt_init(&r) &&
		 pt_decode(ref, pt, &a) && pt_mul_affine(ref, &r, kb, &a) &&
		 pt_encode(ref, &r, out);

	pt_clear(&a);
	pt_clear(&r);
	BN_free(kb);
	return ok ? 0 : -1;
}

int mcx_sakke_ref_pairing_affine(struct mcx_sakke_ref *ref, const uint8_t r[PT],
				 const uint8_t q[PT], uint8_t out[FP])
{
	struct pt a, b;
	int ok = pt_init(&a) && pt_init(&b) && pt_decode(ref, r, &a) &&
		 pt_decode(ref, q, &b) && pairing_affine(ref, &a, &b, out);

	pt_clear(&a);
	pt_clear(&b);
	return ok ? 0 : -1;
}

int mcx_sakke_ref_pairing(struct mcx_sakke_ref *ref, const uint8_t r[PT],
			  const uint8_t q[PT], uint8_t out[FP])
{
	struct pt a, b;
	int ok = pt_init(&a) && pt_init(&b) && pt_decode(ref, r, &a) &&
		 pt_decode(ref, q, &b) && pairing(ref, &a, &b, out);

	pt_clear(&a);
	pt_clear(&b);
	return ok ? 0 : -1;
}

static int g_pow_bn(struct mcx_sakke_ref *ref, const BIGNUM *e, uint8_t out[FP])
{
	struct fp2 g, v;
	int ok = fp2_init(&g) && fp2_init(&v) && BN_copy(g.a, ref->one) &&
		 BN_to_montgomery(g.b, ref->g, ref->mont, ref->bn) &&
		 fp2_pow(ref, &v, &g, e) && fp2_to_fp(ref, &v, out);

	fp2_clear(&g);
	fp2_clear(&v);
	return ok;
}

int mcx_sakke_ref_g_pow(struct mcx_sakke_ref *ref, const uint8_t *e,
			size_t e_len, uint8_t out[FP])
{
	BIGNUM *eb = BN_bin2bn(e, (int)e_len, NULL);
	int ok = eb != NULL && g_pow_bn(ref, eb, out);

	BN_free(eb);
	return ok ? 0 : -1;
}

int mcx_sakke_ref_hash_to_q(struct mcx_sakke_ref *ref, const uint8_t *s,
			    size_t s_len, uint8_t out[FP])
{
	BIGNUM *v = BN_new();
	int ok = v != NULL && hash_to_range(s, s_len, ref->q, v, ref->bn) &&
		 BN_bn2binpad(v, out, FP) == FP;

	BN_free(v);
	return ok ? 0 : -1;
}

int mcx_sakke_ref_hash_to_n(struct mcx_sakke_ref *ref, const uint8_t *s,
			    size_t s_len, uint8_t out[SSV])
{
	BIGNUM *v = BN_new(), *n = BN_new();
	int ok = v != NULL && n != NULL && BN_set_bit(n, 128) &&
		 hash_to_range(s, s_len, n, v, ref->bn) &&
		 BN_bn2binpad(v, out, SSV) == SSV;

	BN_free(v);
	BN_free(n);
	return ok ? 0 : -1;
}

int mcx_sakke_ref_kms_public(struct mcx_sakke_ref *ref, const uint8_t *z,
			     size_t z_len, uint8_t z_pub[PT])
{
	struct pt r;
	BIGNUM *zb = BN_bin2bn(z, (int)z_len, NULL);
	int ok = zb != NULL && pt_init(&r) && pt_mul(ref, &r, zb, &ref->base) &&
		 pt_encode(ref, &r, z_pub);

	pt_clear(&r);
	BN_free(zb);
	return ok ? 0 : -1;
}

int mcx_sakke_ref_issue_rsk(struct mcx_sakke_ref *ref, const uint8_t *z,
			    size_t z_len, const uint8_t *id, size_t id_len,
			    uint8_t rsk[PT])
{
	struct pt r;
	BIGNUM *zb = BN_bin2bn(z, (int)z_len, NULL);
	BIGNUM *b = BN_bin2bn(id, (int)id_len, NULL);
	int ok = zb != NULL && b != NULL && pt_init(&r) &&
		 BN_mod_add(b, b, zb, ref->q, ref->bn) &&
		 BN_mod_inverse(b, b, ref->q, ref->bn) != NULL &&
		 pt_mul(ref, &r, b, &ref->base) && pt_encode(ref, &r, rsk);

	pt_clear(&r);
	BN_free(zb);
	BN_free(b);
	return ok ? 0 : -1;
}

/* [b]P + Z */
static int bp_plus_z(struct mcx_sakke_ref *ref, const uint8_t z_pub[PT],
		     const uint8_t *id, size_t id_len, struct pt *out)
{
	struct pt z;
	BIGNUM *b = BN_bin2bn(id, (int)id_len, NULL);
	int ok = b != NULL && pt_init(&z) && pt_decode(ref, z_pub, &z) &&
		 pt_mul(ref, out, b, &ref->base) && pt_add(ref, out, out, &z);

	pt_clear(&z);
	BN_free(b);
	return ok;
}

int mcx_sakke_ref_validate_rsk(struct mcx_sakke_ref *ref,
			       const uint8_t z_pub[PT], const uint8_t rsk[PT],
			       const uint8_t *id, size_t id_len)
{
	struct pt a, k;
	uint8_t w[FP], g[FP];
	int ok = pt_init(&a) && pt_init(&k) && pt_decode(ref, rsk, &k) &&
		 bp_plus_z(ref, z_pub, id, id_len, &a) &&
		 pairing(ref, &a, &k, w) && BN_bn2binpad(ref->g, g, FP) == FP &&
		 memcmp(w, g, FP) == 0;

	pt_clear(&a);
	pt_clear(&k);
	return ok ? 0 : -1;
}

/* r = HashToIntegerRange(SSV || b, q) */
static int derive_r(struct mcx_sakke_ref *ref, const uint8_t ssv[SSV],
		    const uint8_t *id, size_t id_len, BIGNUM *r)
{
	uint8_t *s = malloc(SSV + id_len);
	int ok = s != NULL;

	if (ok) {
		memcpy(s, ssv, SSV);
		memcpy(s + SSV, id, id_len);
		ok = hash_to_range(s, SSV + id_len, ref->q, r, ref->bn);
	}
	free(s);
	return ok;
}

int mcx_sakke_ref_encapsulate(struct mcx_sakke_ref *ref,
			      const uint8_t z_pub[PT], const uint8_t *id,
			      size_t id_len, const uint8_t ssv[SSV],
			      uint8_t sed[MCX_SAKKE_REF_SED_LEN],
			      struct mcx_sakke_ref_encap *inter)
{
	struct mcx_sakke_ref_encap loc;
	struct mcx_sakke_ref_encap *e = inter != NULL ? inter : &loc;
	struct pt bpz, rr;
	BIGNUM *r = BN_new();
	int ok = r != NULL && pt_init(&bpz) && pt_init(&rr);

	/* 2. r = HashToIntegerRange(SSV || b, q) */
	ok = ok && derive_r(ref, ssv, id, id_len, r) &&
	     BN_bn2binpad(r, e->r, FP) == FP;
	/* 3. R = [r]([b]P + Z) */
	ok = ok && bp_plus_z(ref, z_pub, id, id_len, &bpz) &&
	     pt_encode(ref, &bpz, e->bp_plus_z) && pt_mul(ref, &rr, r, &bpz) &&
	     pt_encode(ref, &rr, sed);
	/* 4. H = SSV XOR HashToIntegerRange(g^r, 2^128), g^r fixed-length */
	ok = ok && g_pow_bn(ref, r, e->g_r) &&
	     mcx_sakke_ref_hash_to_n(ref, e->g_r, FP, e->mask) == 0;
	for (size_t i = 0; ok && i < SSV; i++)
		sed[PT + i] = ssv[i] ^ e->mask[i];
	pt_clear(&bpz);
	pt_clear(&rr);
	BN_free(r);
	return ok ? 0 : -1;
}

int mcx_sakke_ref_decapsulate(struct mcx_sakke_ref *ref,
			      const uint8_t z_pub[PT], const uint8_t rsk[PT],
			      const uint8_t *id, size_t id_len,
			      const uint8_t *sed, size_t sed_len,
			      uint8_t ssv[SSV], uint8_t w_out[FP])
{
	struct pt rr, k, bpz, test;
	BIGNUM *r = BN_new();
	uint8_t w[FP], h[SSV] = {0}, mask[SSV], cand[SSV];
	int ok, found = 0;

	if (sed_len != MCX_SAKKE_REF_SED_LEN &&
	    sed_len != MCX_SAKKE_REF_SED_LEN - 1) {
		BN_free(r);
		return -1;
	}
	/* 1. parse R and H (a 15-octet H is left-padded, decision a) */
	memcpy(h + SSV - (sed_len - PT), sed + PT, sed_len - PT);
	ok = r != NULL && pt_init(&rr) && pt_init(&k) && pt_init(&bpz) &&
	     pt_init(&test) && pt_decode(ref, sed, &rr) &&
	     pt_decode(ref, rsk, &k);
	/* 2. w = <R, K> */
	ok = ok && pairing(ref, &rr, &k, w) &&
	     bp_plus_z(ref, z_pub, id, id_len, &bpz);
	/* 3-5, first with w as 128 octets, then (decision a) without its
	 * leading zero octets if it has any. */
	for (int attempt = 0; ok && !found && attempt < 2; attempt++) {
		size_t skip = 0;

		if (attempt == 1) {
			while (skip < FP && w[skip] == 0)
				skip++;
			if (skip == 0)
				break;
		}
		ok = mcx_sakke_ref_hash_to_n(ref, w + skip, FP - skip, mask) ==
		     0;
		for (size_t i = 0; ok && i < SSV; i++)
			cand[i] = h[i] ^ mask[i];
		ok = ok && derive_r(ref, cand, id, id_len, r) &&
		     pt_mul(ref, &test, r, &bpz);
		found = ok && !test.inf && BN_cmp(test.x, rr.x) == 0 &&
			BN_cmp(test.y, rr.y) == 0;
	}
	if (found)
		memcpy(ssv, cand, SSV);
	if (w_out != NULL && ok)
		memcpy(w_out, w, FP);
	pt_clear(&rr);
	pt_clear(&k);
	pt_clear(&bpz);
	pt_clear(&test);
	BN_free(r);
	return found ? 0 : -1;
}
