/*
 * Order-q check of a SAKKE curve point with the public scalar q
 * (mechanisms/sakke_order.h).  KMS public keys (Z_T) and RSKs are checked
 * when they are loaded; the RSK is secret, q is not.
 *
 * Why a separate check at all (issue 3 item 4): RFC 6508 §6.1.2 validates an
 * RSK K_b by <[b]P + Z_T, K_b> == g.  That test does not imply K_b in <P>:
 * with K_b = K0 + t, K0 in <P> and t of order dividing 4, bilinearity gives
 * <Q, K_b> = <Q, K0> <Q, t>, and <Q, t> is a q-th root of unity whose
 * fourth power is <Q, [4]t> = 1, so it is 1 (gcd(4, q) = 1).  A key with a
 * small-order component would pass the pairing test, hence this check.
 *
 * Method: Jacobian coordinates on y^2 = x^3 - 3x (x = X/Z^2, y = Y/Z^3),
 * doubling "dbl-2001-b" (a = -3: 3M + 5S), mixed addition "madd-2007-bl"
 * (7M + 4S) with the affine odd multiples [1]a..[15]a, along the width-5
 * NAF of q (about 170 additions instead of the ladder's 256 complete
 * additions and 1024 complete doublings).  These formulas have exceptional
 * cases (doubling a point of order 2; adding C = +-b), but only when a
 * itself has order 1, 2 or 4: for a = a0 + t with a0 != O every
 * intermediate [k]a (1 < k < q) is neither of order 2 nor equal to
 * +-[d]a for a digit d.  Points of order 2 or 4 are caught separately
 * ([4]a = O), which also covers the degenerate table they produce.
 */
#include "mechanisms/sakke_order.h"

#include <pthread.h>
#include <string.h>

#include "common/wipe.h"

#define W	5
#define ODD	(1 << (W - 2)) /* [1]a, [3]a, ..., [15]a */
#define NAF_MAX (64 * MCX_FP1024_LIMBS + 2)

struct jac {
	struct mcx_fp1024 X;
	struct mcx_fp1024 Y;
	struct mcx_fp1024 Z;
};

struct scratch {
	struct mcx_fp1024 t[7];
};

/* Width-5 NAF of q, least significant digit first (public constant). */
static signed char qnaf[NAF_MAX];
static int qnaf_len;
static pthread_once_t qnaf_once = PTHREAD_ONCE_INIT;

static void init_qnaf(void)
{
	qnaf_len =
	    (int)mcx_sakke_curve_wnaf(mcx_fp1024_mod_q()->m, W, qnaf, NAF_MAX);
}

/* r = 2a (dbl-2001-b, a = -3); r may alias a. */
static void jdbl(struct jac *r, const struct jac *a, struct scratch *s)
{
	const struct mcx_fp1024_mod *p = mcx_fp1024_mod_p();
	struct mcx_fp1024 *delta = &s->t[0], *gamma = &s->t[1];
	struct mcx_fp1024 *beta = &s->t[2], *alpha = &s->t[3];
	struct mcx_fp1024 *u = &s->t[4], *v = &s->t[5];

	mcx_fp1024_sqr(p, delta, &a->Z);
	mcx_fp1024_sqr(p, gamma, &a->Y);
	mcx_fp1024_mul(p, beta, &a->X, gamma);
	mcx_fp1024_sub(p, u, &a->X, delta);
	mcx_fp1024_add(p, v, &a->X, delta);
	mcx_fp1024_mul(p, alpha, u, v);
	mcx_fp1024_dbl(p, u, alpha);
	mcx_fp1024_add(p, alpha, alpha, u); /* 3 (X - Z^2)(X + Z^2) */
	/* Z3 = (Y + Z)^2 - gamma - delta, before Y and Z are overwritten */
	mcx_fp1024_add(p, u, &a->Y, &a->Z);
	mcx_fp1024_sqr(p, u, u);
	mcx_fp1024_sub(p, u, u, gamma);
	mcx_fp1024_sub(p, &r->Z, u, delta);
	/* X3 = alpha^2 - 8 beta */
	mcx_fp1024_dbl(p, beta, beta);
	mcx_fp1024_dbl(p, beta, beta); /* 4 beta */
	mcx_fp1024_sqr(p, u, alpha);
	mcx_fp1024_dbl(p, v, beta);
	mcx_fp1024_sub(p, &r->X, u, v);
	/* Y3 = alpha (4 beta - X3) - 8 gamma^2 */
	mcx_fp1024_sub(p, u, beta, &r->X);
	mcx_fp1024_mul(p, u, alpha, u);
	mcx_fp1024_sqr(p, v, gamma);
	mcx_fp1024_dbl(p, v, v);
	mcx_fp1024_dbl(p, v, v);
	mcx_fp1024_dbl(p, v, v);
	mcx_fp1024_sub(p, &r->Y, u, v);
}

/* r = a + (bx, by) (madd-2007-bl); r may alias a.  H = 0 (a = +-b, or
 * a = O with Z = 0) gives Z3 = 0. */
static void jmadd(struct jac *r, const struct jac *a,
		  const struct mcx_fp1024 *bx, const struct mcx_fp1024 *by,
		  struct scratch *s)
{
	const struct mcx_fp1024_mod *p = mcx_fp1024_mod_p();
	struct mcx_fp1024 *zz = &s->t[0], *h = &s->t[1], *hh = &s->t[2];
	struct mcx_fp1024 *i4 = &s->t[3], *j = &s->t[4], *rr = &s->t[5];
	struct mcx_fp1024 *v = &s->t[6];

	mcx_fp1024_sqr(p, zz, &a->Z);
	mcx_fp1024_mul(p, h, bx, zz);
	mcx_fp1024_sub(p, h, h, &a->X); /* H = U2 - X1 */
	mcx_fp1024_mul(p, rr, &a->Z, zz);
	mcx_fp1024_mul(p, rr, by, rr); /* S2 */
	mcx_fp1024_sub(p, rr, rr, &a->Y);
	mcx_fp1024_dbl(p, rr, rr); /* r = 2 (S2 - Y1) */
	mcx_fp1024_sqr(p, hh, h);
	mcx_fp1024_dbl(p, i4, hh);
	mcx_fp1024_dbl(p, i4, i4);	 /* I = 4 HH */
	mcx_fp1024_mul(p, j, h, i4);	 /* J = H I */
	mcx_fp1024_mul(p, v, &a->X, i4); /* V = X1 I */
	/* Z3 = (Z1 + H)^2 - Z1Z1 - HH (uses Z1 before it is overwritten) */
	mcx_fp1024_add(p, i4, &a->Z, h);
	mcx_fp1024_sqr(p, i4, i4);
	mcx_fp1024_sub(p, i4, i4, zz);
	mcx_fp1024_sub(p, &r->Z, i4, hh);
	/* Y1 J before Y1 is overwritten */
	mcx_fp1024_mul(p, h, &a->Y, j);
	mcx_fp1024_dbl(p, h, h); /* 2 Y1 J */
	/* X3 = r^2 - J - 2 V */
	mcx_fp1024_sqr(p, zz, rr);
	mcx_fp1024_sub(p, zz, zz, j);
	mcx_fp1024_sub(p, zz, zz, v);
	mcx_fp1024_sub(p, &r->X, zz, v);
	/* Y3 = r (V - X3) - 2 Y1 J */
	mcx_fp1024_sub(p, v, v, &r->X);
	mcx_fp1024_mul(p, v, rr, v);
	mcx_fp1024_sub(p, &r->Y, v, h);
}

uint64_t mcx_sakke_order_is_q(const struct mcx_sakke_aff *a)
{
	const struct mcx_fp1024_mod *p = mcx_fp1024_mod_p();
	struct jac m[2 * ODD]; /* m[j] = [j + 1]a, Jacobian */
	struct mcx_fp1024 pre[ODD];
	struct mcx_fp1024 tx[ODD]; /* affine [2j + 1]a */
	struct mcx_fp1024 ty[ODD];
	struct mcx_fp1024 ny;
	struct mcx_fp1024 inv;
	struct mcx_fp1024 zi;
	struct mcx_fp1024 z2;
	struct jac acc;
	struct scratch s;
	uint64_t small = 0;
	uint64_t ok = 0;

	pthread_once(&qnaf_once, init_qnaf);
	/* [1]a .. [16]a: one doubling, then additions of the affine a */
	m[0].X = a->x;
	m[0].Y = a->y;
	m[0].Z = p->one;
	jdbl(&m[1], &m[0], &s);
	for (int j = 2; j < 2 * ODD; j++)
		jmadd(&m[j], &m[j - 1], &a->x, &a->y, &s);
	/* a has order 1, 2 or 4 exactly when [4]a = O */
	small = mcx_fp1024_is_zero(&m[3].Z);

	/* The odd multiples to affine with one inversion (Montgomery's
	 * simultaneous inversion; a degenerate table only occurs for the
	 * small orders rejected above). */
	pre[0] = m[0].Z;
	for (int j = 1; j < ODD; j++)
		mcx_fp1024_mul(p, &pre[j], &pre[j - 1], &m[2 * j].Z);
	mcx_fp1024_inv(p, &inv, &pre[ODD - 1]);
	for (int j = ODD - 1; j >= 0; j--) {
		if (j > 0) {
			mcx_fp1024_mul(p, &zi, &inv, &pre[j - 1]);
			mcx_fp1024_mul(p, &inv, &inv, &m[2 * j].Z);
		} else {
			zi = inv;
		}
		mcx_fp1024_sqr(p, &z2, &zi);
		mcx_fp1024_mul(p, &tx[j], &m[2 * j].X, &z2);
		mcx_fp1024_mul(p, &z2, &z2, &zi);
		mcx_fp1024_mul(p, &ty[j], &m[2 * j].Y, &z2);
	}

	/* [q]a along the NAF; the digits are public. */
	{
		int top = qnaf[qnaf_len - 1]; /* positive */

		acc.X = tx[top >> 1];
		acc.Y = ty[top >> 1];
		acc.Z = p->one;
	}
	for (int i = qnaf_len - 2; i >= 0; i--) {
		int d = qnaf[i];

		jdbl(&acc, &acc, &s);
		if (d > 0) {
			jmadd(&acc, &acc, &tx[d >> 1], &ty[d >> 1], &s);
		} else if (d < 0) {
			mcx_fp1024_neg(p, &ny, &ty[(-d) >> 1]);
			jmadd(&acc, &acc, &tx[(-d) >> 1], &ny, &s);
		}
	}
	ok = mcx_fp1024_is_zero(&acc.Z) & ~small;

	mcx_wipe(m, sizeof(m));
	mcx_wipe(pre, sizeof(pre));
	mcx_wipe(tx, sizeof(tx));
	mcx_wipe(ty, sizeof(ty));
	mcx_wipe(&ny, sizeof(ny));
	mcx_wipe(&inv, sizeof(inv));
	mcx_wipe(&zi, sizeof(zi));
	mcx_wipe(&z2, sizeof(z2));
	mcx_wipe(&acc, sizeof(acc));
	mcx_wipe(&s, sizeof(s));
	small = 0;
	return ok;
}
