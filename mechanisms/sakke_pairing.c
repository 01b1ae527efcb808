/*
 * Reduced Tate pairing for SAKKE (RFC 6508 §3.2, MCX-REFERENCE.md §3.5),
 * Miller loop over the NAF of q - 1 with Jacobian coordinates, and its
 * tabulated form for a fixed first argument (a receiver's own RSK).
 */
#include "mechanisms/sakke_pairing.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "common/wipe.h"

#define NAF_MAX 1026

/* NAF of q - 1, most significant digit first (public constant). */
static signed char naf[NAF_MAX];
static size_t naf_len;
static size_t naf_steps; /* doublings + additions after the top digit */
static size_t naf_adds;	 /* additions (non-zero digits after the top) */
/* Width-5 NAF of q - 1 for the full pairing's windowed loop: digits 0 and
 * +-1, +-3, ..., +-15, about one in six non-zero (171 additions instead of
 * the NAF's 352), most significant first (public constant). */
#define WNAF_W	 5
#define WNAF_ODD (1 << (WNAF_W - 2)) /* odd multiples [1]R .. [15]R */
static signed char wnaf[NAF_MAX];
static size_t wnaf_len;
static pthread_once_t naf_once = PTHREAD_ONCE_INIT;

static void init_naf(void)
{
	const struct mcx_fp1024_mod *qm = mcx_fp1024_mod_q();
	uint64_t k[MCX_FP1024_LIMBS];
	signed char rev[NAF_MAX];
	size_t n = 0;

	memcpy(k, qm->m, sizeof(k));
	k[0] -= 1; /* q is odd: no borrow */
	/* Width-5 NAF for the full pairing, most significant digit first. */
	n = mcx_sakke_curve_wnaf(k, WNAF_W, rev, NAF_MAX);
	wnaf_len = n;
	for (size_t i = 0; i < n; i++)
		wnaf[i] = rev[n - 1 - i];
	/* NAF (width 2) for the table path, most significant first. */
	n = mcx_sakke_curve_wnaf(k, 2, rev, NAF_MAX);
	naf_len = n;
	naf_steps = 0;
	naf_adds = 0;
	for (size_t i = 0; i < n; i++) {
		naf[i] = rev[n - 1 - i];
		if (i > 0) {
			naf_steps += 1 + (naf[i] != 0);
			naf_adds += naf[i] != 0;
		}
	}
}

/* One line value (a Qx + b) + i (c Qy), before evaluation at Q. */
struct line {
	struct mcx_fp1024 a;
	struct mcx_fp1024 b;
	struct mcx_fp1024 c;
};

struct jac {
	struct mcx_fp1024 X;
	struct mcx_fp1024 Y;
	struct mcx_fp1024 Z;
};

/* Scratch of the loop steps, owned by the caller and wiped once at the end
 * of a Miller loop (wiping every step's temporaries cost ~3% of a
 * pairing). */
struct step_tmp {
	struct mcx_fp1024 t[8];
	struct mcx_fp1024_wide_tmp w;
};

/* C = 2C (a = -3, after "dbl-2001-b"), and the tangent at C, evaluated at
 * psi(Q) = (-Qx, i Qy) and scaled by 2 Y Z^3 (an F_p factor):
 *   alpha = 3 (X - Z^2)(X + Z^2)
 *   t = alpha (Qx Z^2 + X) - 2 Y^2 + i (2 Y Z) Z^2 Qy
 * (for Z = 1 this is MCX-REFERENCE §3.5's 3(Cx^2 - 1)(Qx + Cx) - 2 Cy^2,
 * 2 Cy Qy).  Z3 = 2 Y Z as a product rather than (Y + Z)^2 - Y^2 - Z^2,
 * and 4 beta = X (4 Y^2): with the IFMA kernel a square costs a product and
 * each modular addition saved is ~5% of one (13 additions a step instead
 * of 19). */
static void dbl_step(struct jac *c, struct line *l,
		     const struct mcx_sakke_aff *q, struct mcx_fp2 *ev,
		     struct step_tmp *tmp)
{
	const struct mcx_fp1024_mod *p = mcx_fp1024_mod_p();
	struct mcx_fp1024 *const delta = &tmp->t[0];
	struct mcx_fp1024 *const gamma = &tmp->t[1];
	struct mcx_fp1024 *const beta4 = &tmp->t[2];
	struct mcx_fp1024 *const alpha = &tmp->t[3];
	struct mcx_fp1024 *const s = &tmp->t[4];
	struct mcx_fp1024 *const t = &tmp->t[5];
	struct mcx_fp1024 *const gamma2 = &tmp->t[6];
	struct mcx_fp1024 *const gamma4 = &tmp->t[7];

	mcx_fp1024_sqr(p, delta, &c->Z);
	mcx_fp1024_sqr(p, gamma, &c->Y);
	mcx_fp1024_sub(p, s, &c->X, delta);
	mcx_fp1024_add(p, t, &c->X, delta);
	mcx_fp1024_mul(p, alpha, s, t);
	mcx_fp1024_dbl(p, s, alpha);
	mcx_fp1024_add(p, alpha, alpha, s);
	mcx_fp1024_dbl(p, gamma2, gamma);
	mcx_fp1024_dbl(p, gamma4, gamma2);
	mcx_fp1024_mul(p, beta4, &c->X, gamma4);

	/* line: a = alpha Z^2, b = alpha X - 2 gamma, c = (2 Y Z) Z^2; or,
	 * evaluated at once (q != NULL, one multiplication fewer):
	 * alpha (Qx Z^2 + X) - 2 gamma */
	if (q != NULL) {
		mcx_fp1024_mul(p, s, delta, &q->x);
		mcx_fp1024_add(p, s, s, &c->X);
		mcx_fp1024_mul(p, &ev->x1, alpha, s);
		mcx_fp1024_sub(p, &ev->x1, &ev->x1, gamma2);
	} else {
		mcx_fp1024_mul(p, &l->a, alpha, delta);
		mcx_fp1024_mul(p, &l->b, alpha, &c->X);
		mcx_fp1024_sub(p, &l->b, &l->b, gamma2);
	}

	/* Z3 = 2 Y Z */
	mcx_fp1024_mul(p, s, &c->Y, &c->Z);
	mcx_fp1024_dbl(p, &c->Z, s);
	if (q != NULL) {
		mcx_fp1024_mul(p, s, &c->Z, delta);
		mcx_fp1024_mul(p, &ev->x2, s, &q->y);
	} else {
		mcx_fp1024_mul(p, &l->c, &c->Z, delta);
	}
	/* X3 = alpha^2 - 8 beta */
	mcx_fp1024_sqr(p, s, alpha);
	mcx_fp1024_dbl(p, t, beta4);
	mcx_fp1024_sub(p, &c->X, s, t);
	/* Y3 = alpha (4 beta - X3) + (2 gamma)(-4 gamma): two products, one
	 * reduction (lazy reduction, issue 3) */
	mcx_fp1024_sub(p, s, beta4, &c->X);
	mcx_fp1024_neg(p, t, gamma4);
	mcx_fp1024_mul2_add_tmp(p, &c->Y, alpha, s, gamma2, t, &tmp->w);
}

/* C = C + R' with R' = (Rx, ry) affine (ry = +-Ry, nry = -ry), and the chord
 * through C and R', evaluated at psi(Q), scaled by H Z with H = Rx Z^2 - X: r =
 * ry Z^3 - Y;  t = r (Qx + Rx) - ry H Z + i (H Z) Qy. */
static void add_step(struct jac *c, struct line *l, const struct mcx_fp1024 *rx,
		     const struct mcx_fp1024 *ry, const struct mcx_fp1024 *nry,
		     const struct mcx_sakke_aff *q, struct mcx_fp2 *ev,
		     struct step_tmp *tmp)
{
	const struct mcx_fp1024_mod *p = mcx_fp1024_mod_p();
	struct mcx_fp1024 *const zz = &tmp->t[0];
	struct mcx_fp1024 *const h = &tmp->t[1];
	struct mcx_fp1024 *const r = &tmp->t[2];
	struct mcx_fp1024 *const hz = &tmp->t[3];
	struct mcx_fp1024 *const hh = &tmp->t[4];
	struct mcx_fp1024 *const hhh = &tmp->t[5];
	struct mcx_fp1024 *const v = &tmp->t[6];
	struct mcx_fp1024 *const s = &tmp->t[7];

	mcx_fp1024_sqr(p, zz, &c->Z);
	mcx_fp1024_mul(p, h, rx, zz);
	mcx_fp1024_sub(p, h, h, &c->X);
	mcx_fp1024_mul(p, zz, zz, &c->Z);
	mcx_fp1024_mul(p, r, ry, zz);
	mcx_fp1024_sub(p, r, r, &c->Y);
	mcx_fp1024_mul(p, hz, h, &c->Z);

	/* line: a = r, b = r Rx - ry H Z, c = H Z; or evaluated at once:
	 * r (Qx + Rx) - ry H Z, H Z Qy (nry = -ry: the two products summed
	 * before one reduction) */
	if (q != NULL) {
		mcx_fp1024_add(p, s, &q->x, rx);
		mcx_fp1024_mul2_add_tmp(p, &ev->x1, r, s, nry, hz, &tmp->w);
		mcx_fp1024_mul(p, &ev->x2, hz, &q->y);
	} else {
		l->a = *r;
		mcx_fp1024_mul2_add_tmp(p, &l->b, r, rx, nry, hz, &tmp->w);
		l->c = *hz;
	}

	mcx_fp1024_sqr(p, hh, h);
	mcx_fp1024_mul(p, hhh, hh, h);
	mcx_fp1024_mul(p, v, &c->X, hh);
	/* X3 = r^2 - H^3 - 2V; Y3 = r (V - X3) - Y H^3; Z3 = Z H */
	mcx_fp1024_sqr(p, s, r);
	mcx_fp1024_sub(p, s, s, hhh);
	mcx_fp1024_sub(p, s, s, v);
	mcx_fp1024_sub(p, &c->X, s, v);
	mcx_fp1024_sub(p, s, v, &c->X);
	mcx_fp1024_neg(p, hhh, hhh);
	mcx_fp1024_mul2_add_tmp(p, &c->Y, r, s, &c->Y, hhh, &tmp->w);
	c->Z = *hz;
}

static void final_exp(struct mcx_fp2 *f)
{
	/* c = (p + 1)/q = 4; the (p - 1) part of the reduced Tate exponent
	 * is implicit in the PF_p representation. */
	mcx_fp2_sqr(f, f);
	mcx_fp2_sqr(f, f);
}

/* The odd multiples [1]R, [3]R, ..., [15]R (affine) and the Miller
 * functions f_1 = 1, f_3, ..., f_15 evaluated at psi(Q), from
 * f_(k+1) = f_k l_(kR,R) (the vertical lines lie in F_p and vanish in
 * PF_p).  The additions have no exceptional case for R of order q (kR =
 * +-R needs q | k -+ 1); a point of small order only gives a wrong value,
 * which the callers' checks reject. */
struct window {
	struct mcx_sakke_aff pt[WNAF_ODD];
	struct mcx_fp1024 ny[WNAF_ODD]; /* -y */
	struct mcx_fp2 f[WNAF_ODD];
	struct jac m[WNAF_ODD];
	struct mcx_fp1024 pre[WNAF_ODD];
};

static void window_init(struct window *w, const struct mcx_sakke_aff *r,
			const struct mcx_sakke_aff *q, struct step_tmp *st,
			struct mcx_fp2_tmp *tmp)
{
	const struct mcx_fp1024_mod *p = mcx_fp1024_mod_p();
	struct jac c;
	struct mcx_fp2 t;
	struct mcx_fp2 v;
	struct mcx_fp1024 nry;
	struct mcx_fp1024 inv;
	struct mcx_fp1024 zi;
	struct mcx_fp1024 z2;

	c.X = r->x;
	c.Y = r->y;
	c.Z = p->one;
	mcx_fp1024_neg(p, &nry, &r->y);
	w->m[0] = c;
	mcx_fp2_set_one(&w->f[0]);
	for (int k = 1; k < 2 * WNAF_ODD - 1; k++) {
		/* c = [k]R -> [k + 1]R, v = f_k -> f_(k+1) */
		if (k == 1) {
			dbl_step(&c, NULL, q, &v, st);
		} else {
			add_step(&c, NULL, &r->x, &r->y, &nry, q, &t, st);
			mcx_fp2_mul_tmp(&v, &v, &t, tmp);
		}
		if (k % 2 == 0) {
			w->m[k / 2] = c;
			w->f[k / 2] = v;
		}
	}
	/* to affine with one inversion (Montgomery's trick) */
	w->pre[0] = w->m[0].Z;
	for (int j = 1; j < WNAF_ODD; j++)
		mcx_fp1024_mul(p, &w->pre[j], &w->pre[j - 1], &w->m[j].Z);
	mcx_fp1024_inv(p, &inv, &w->pre[WNAF_ODD - 1]);
	for (int j = WNAF_ODD - 1; j >= 0; j--) {
		if (j > 0) {
			mcx_fp1024_mul(p, &zi, &inv, &w->pre[j - 1]);
			mcx_fp1024_mul(p, &inv, &inv, &w->m[j].Z);
		} else {
			zi = inv;
		}
		mcx_fp1024_sqr(p, &z2, &zi);
		mcx_fp1024_mul(p, &w->pt[j].x, &w->m[j].X, &z2);
		mcx_fp1024_mul(p, &z2, &z2, &zi);
		mcx_fp1024_mul(p, &w->pt[j].y, &w->m[j].Y, &z2);
		mcx_fp1024_neg(p, &w->ny[j], &w->pt[j].y);
	}
	mcx_wipe(&c, sizeof(c));
	mcx_wipe(&t, sizeof(t));
	mcx_wipe(&v, sizeof(v));
	mcx_wipe(&nry, sizeof(nry));
	mcx_wipe(&inv, sizeof(inv));
	mcx_wipe(&zi, sizeof(zi));
	mcx_wipe(&z2, sizeof(z2));
}

/* The Miller loop over the width-5 NAF of q - 1 (issue 3: 171 additions
 * instead of 352, for 14 additions and one inversion of precomputation):
 * f_(2k+d) = f_k^2 f_d l_(2kR, dR), with f_(-d) = conj(f_d) in PF_p
 * (f_d f_(-d) is a vertical line, in F_p). */
void mcx_sakke_pairing_pf(struct mcx_fp2 *f, const struct mcx_sakke_aff *r,
			  const struct mcx_sakke_aff *q)
{
	struct window w;
	struct jac c;
	struct mcx_fp2 t;
	struct mcx_fp2 v;
	struct mcx_fp2 fd;
	struct mcx_fp2_tmp tmp;
	struct step_tmp st;

	pthread_once(&naf_once, init_naf);
	window_init(&w, r, q, &st, &tmp);
	c = w.m[wnaf[0] >> 1]; /* the top digit is positive */
	v = w.f[wnaf[0] >> 1];
	for (size_t i = 1; i < wnaf_len; i++) {
		int d = wnaf[i]; /* public: a digit of q - 1 */
		int j = (d < 0 ? -d : d) >> 1;

		dbl_step(&c, NULL, q, &t, &st);
		mcx_fp2_sqr_tmp(&v, &v, &tmp);
		mcx_fp2_mul_tmp(&v, &v, &t, &tmp);
		if (d == 0)
			continue;
		add_step(&c, NULL, &w.pt[j].x, d > 0 ? &w.pt[j].y : &w.ny[j],
			 d > 0 ? &w.ny[j] : &w.pt[j].y, q, &t, &st);
		mcx_fp2_mul_tmp(&v, &v, &t, &tmp);
		if (j > 0) {
			fd = w.f[j];
			if (d < 0)
				mcx_fp2_conj(&fd, &fd);
			mcx_fp2_mul_tmp(&v, &v, &fd, &tmp);
		}
	}
	final_exp(&v);
	*f = v;
	mcx_wipe(&w, sizeof(w));
	mcx_wipe(&c, sizeof(c));
	mcx_wipe(&t, sizeof(t));
	mcx_wipe(&v, sizeof(v));
	mcx_wipe(&fd, sizeof(fd));
	mcx_wipe(&tmp, sizeof(tmp));
	mcx_wipe(&st, sizeof(st));
}

/* Table entries per loop step (MCX-REFERENCE §3.5; issue 3): a doubling
 * step alone keeps its line (A Qx + B) + i Qy as (A, B), evaluated after
 * the F_p scaling by 1/Qy as u + i with u = A (Qx/Qy) + B (1/Qy); a
 * doubling step followed by an addition keeps the product of its two
 * lines, (l1 l2 - Qy^2) + i Qy (l1 + l2), expanded in Qx as
 *   (c2 Qx^2 + c1 Qx + c0 - Qy^2) + i (d1 Qx Qy + d0 Qy),
 * c2 = A1 A2, c1 = A1 B2 + A2 B1, c0 = B1 B2, d1 = A1 + A2, d0 = B1 + B2.
 * Every F_p factor (1/Qy, the per-line normalisation) vanishes in PF_p. */
#define DBL_ENTRIES 2
#define ADD_ENTRIES 5

struct mcx_sakke_pairing_table {
	size_t n; /* entries */
	struct mcx_fp1024 *e;
};

static size_t table_entries(void)
{
	return (naf_steps - 2 * naf_adds) * DBL_ENTRIES +
	       naf_adds * ADD_ENTRIES;
}

size_t mcx_sakke_pairing_table_size(void)
{
	pthread_once(&naf_once, init_naf);
	return sizeof(struct mcx_sakke_pairing_table) +
	       table_entries() * sizeof(struct mcx_fp1024);
}

struct mcx_sakke_pairing_table *
mcx_sakke_pairing_table_new(const struct mcx_sakke_aff *a)
{
	const struct mcx_fp1024_mod *p = mcx_fp1024_mod_p();
	struct mcx_sakke_pairing_table *tab = NULL;
	struct line *lines = NULL;
	struct mcx_fp1024 *pre = NULL;
	struct mcx_fp1024(*ab)[2] = NULL;
	struct mcx_fp1024 inv;
	struct mcx_fp1024 ci;
	struct mcx_fp1024 nay;
	struct jac c;
	struct step_tmp st;
	size_t k = 0;
	size_t j = 0;

	pthread_once(&naf_once, init_naf);
	tab = calloc(1, sizeof(*tab));
	lines = calloc(naf_steps, sizeof(*lines));
	pre = calloc(naf_steps, sizeof(*pre));
	ab = calloc(naf_steps, sizeof(*ab));
	if (tab == NULL || lines == NULL || pre == NULL || ab == NULL)
		goto fail;
	tab->e = calloc(table_entries(), sizeof(*tab->e));
	if (tab->e == NULL)
		goto fail;
	tab->n = table_entries();

	/* The Miller loop of a, recording the unevaluated lines. */
	c.X = a->x;
	c.Y = a->y;
	c.Z = p->one;
	mcx_fp1024_neg(p, &nay, &a->y);
	for (size_t i = 1; i < naf_len; i++) {
		dbl_step(&c, &lines[k++], NULL, NULL, &st);
		if (naf[i] != 0)
			add_step(&c, &lines[k++], &a->x,
				 naf[i] > 0 ? &a->y : &nay,
				 naf[i] > 0 ? &nay : &a->y, NULL, NULL, &st);
	}
	/* Normalise every line by its c (an F_p factor, invisible in PF_p)
	 * with one inversion: Montgomery's simultaneous inversion. */
	pre[0] = lines[0].c;
	for (k = 1; k < naf_steps; k++)
		mcx_fp1024_mul(p, &pre[k], &pre[k - 1], &lines[k].c);
	mcx_fp1024_inv(p, &inv, &pre[naf_steps - 1]);
	for (k = naf_steps; k-- > 0;) {
		if (k > 0) {
			mcx_fp1024_mul(p, &ci, &inv, &pre[k - 1]);
			mcx_fp1024_mul(p, &inv, &inv, &lines[k].c);
		} else {
			ci = inv;
		}
		mcx_fp1024_mul(p, &ab[k][0], &lines[k].a, &ci);
		mcx_fp1024_mul(p, &ab[k][1], &lines[k].b, &ci);
	}
	/* The per-step entries (the schedule is public). */
	k = 0;
	for (size_t i = 1; i < naf_len; i++) {
		struct mcx_fp1024 *e = &tab->e[j];

		if (naf[i] == 0) {
			e[0] = ab[k][0];
			e[1] = ab[k][1];
			j += DBL_ENTRIES;
			k++;
			continue;
		}
		mcx_fp1024_mul(p, &e[0], &ab[k][0], &ab[k + 1][0]);
		mcx_fp1024_mul2_add(p, &e[1], &ab[k][0], &ab[k + 1][1],
				    &ab[k + 1][0], &ab[k][1]);
		mcx_fp1024_mul(p, &e[2], &ab[k][1], &ab[k + 1][1]);
		mcx_fp1024_add(p, &e[3], &ab[k][0], &ab[k + 1][0]);
		mcx_fp1024_add(p, &e[4], &ab[k][1], &ab[k + 1][1]);
		j += ADD_ENTRIES;
		k += 2;
	}
	goto done;
fail:
	mcx_sakke_pairing_table_free(tab);
	tab = NULL;
done:
	if (lines != NULL)
		mcx_wipe_free(lines, naf_steps * sizeof(*lines));
	if (pre != NULL)
		mcx_wipe_free(pre, naf_steps * sizeof(*pre));
	if (ab != NULL)
		mcx_wipe_free(ab, naf_steps * sizeof(*ab));
	mcx_wipe(&inv, sizeof(inv));
	mcx_wipe(&ci, sizeof(ci));
	mcx_wipe(&nay, sizeof(nay));
	mcx_wipe(&c, sizeof(c));
	mcx_wipe(&st, sizeof(st));
	return tab;
}

void mcx_sakke_pairing_table_free(struct mcx_sakke_pairing_table *t)
{
	if (t == NULL)
		return;
	if (t->e != NULL)
		mcx_wipe_free(t->e, t->n * sizeof(*t->e));
	mcx_wipe_free(t, sizeof(*t));
}

void mcx_sakke_pairing_table_eval(struct mcx_fp2 *f,
				  const struct mcx_sakke_pairing_table *t,
				  const struct mcx_sakke_aff *q)
{
	const struct mcx_fp1024_mod *p = mcx_fp1024_mod_p();
	struct mcx_fp2 v;
	struct mcx_fp2 l;
	struct mcx_fp1024 u;
	struct mcx_fp1024 yi;  /* 1/Qy */
	struct mcx_fp1024 xyi; /* Qx/Qy */
	struct mcx_fp1024 xx;  /* Qx^2 */
	struct mcx_fp1024 xy;  /* Qx Qy */
	struct mcx_fp1024 yy;  /* Qy^2 */
	struct mcx_fp2_tmp tmp;
	struct mcx_fp1024_wide_tmp wt;
	const struct mcx_fp1024 *e = t->e;

	/* One inversion per evaluation (~18 us) turns every lone doubling
	 * line into u + i, u = A Qx/Qy + B/Qy: two products with one
	 * reduction, and v (u + i) = (v1 u - v2) + i (v2 u + v1) costs two
	 * multiplications instead of Karatsuba's three.  Qy != 0 for every
	 * point of order q (an invalid R only gives a wrong value, which the
	 * re-encapsulation check rejects). */
	mcx_fp1024_inv(p, &yi, &q->y);
	mcx_fp1024_mul(p, &xyi, &q->x, &yi);
	mcx_fp1024_sqr(p, &xx, &q->x);
	mcx_fp1024_mul(p, &xy, &q->x, &q->y);
	mcx_fp1024_sqr(p, &yy, &q->y);
	mcx_fp2_set_one(&v);
	for (size_t i = 1; i < naf_len; i++) {
		mcx_fp2_sqr_tmp(&v, &v, &tmp);
		if (naf[i] == 0) { /* public: a digit of q - 1 */
			mcx_fp1024_mul2_add_tmp(p, &u, &e[0], &xyi, &e[1], &yi,
						&wt);
			e += DBL_ENTRIES;
			mcx_fp1024_mul(p, &tmp.t[0], &v.x1, &u);
			mcx_fp1024_mul(p, &tmp.t[1], &v.x2, &u);
			mcx_fp1024_sub(p, &tmp.t[0], &tmp.t[0], &v.x2);
			mcx_fp1024_add(p, &v.x2, &tmp.t[1], &v.x1);
			v.x1 = tmp.t[0];
			continue;
		}
		mcx_fp1024_mul2_add_tmp(p, &l.x1, &e[0], &xx, &e[1], &q->x,
					&wt);
		mcx_fp1024_add(p, &l.x1, &l.x1, &e[2]);
		mcx_fp1024_sub(p, &l.x1, &l.x1, &yy);
		mcx_fp1024_mul2_add_tmp(p, &l.x2, &e[3], &xy, &e[4], &q->y,
					&wt);
		e += ADD_ENTRIES;
		mcx_fp2_mul_tmp(&v, &v, &l, &tmp);
	}
	final_exp(&v);
	*f = v;
	mcx_wipe(&v, sizeof(v));
	mcx_wipe(&l, sizeof(l));
	mcx_wipe(&u, sizeof(u));
	mcx_wipe(&yi, sizeof(yi));
	mcx_wipe(&xyi, sizeof(xyi));
	mcx_wipe(&xx, sizeof(xx));
	mcx_wipe(&xy, sizeof(xy));
	mcx_wipe(&yy, sizeof(yy));
	mcx_wipe(&tmp, sizeof(tmp));
	mcx_wipe(&wt, sizeof(wt));
}
