/*
 * The SAKKE curve y^2 = x^3 - 3x over F_p (RFC 6508 §2.1): encoding,
 * validation, complete projective arithmetic, constant-time scalar
 * multiplication by a variable base.
 */
#include "mechanisms/sakke_curve.h"

#include <pthread.h>
#include <string.h>

#include "common/wipe.h"
#include "mechanisms/ct_public.h"

/* P of RFC 6509 Appendix A (MCX-REFERENCE.md §3.1), raw little-endian. */
static const struct mcx_fp1024 px_raw = {{
    0x880dc8abeae63895ULL,
    0x80ec46c4967e0979ULL,
    0xee9163a5b63f73ecULL,
    0xd5cfb4cc80728d87ULL,
    0xa7c1514dba66910dULL,
    0xa702c3397a60de74ULL,
    0x337c86548b72f2e1ULL,
    0x9760af765dd5bccbULL,
    0x718bd9e7406ce890ULL,
    0x43d5f22cdb9dfa55ULL,
    0xab10db9030b09e10ULL,
    0xb5edb6c0f6ce2308ULL,
    0x98b2f204b6ff7cbfULL,
    0x2b1a2fd60aec69c6ULL,
    0x0a7990053ed9b52aULL,
    0x53fc09ee332c29adULL,
}};
static const struct mcx_fp1024 py_raw = {{
    0x75573fd71bef16d7ULL,
    0xadb9b5706a67dcdeULL,
    0x80bdad5ad5bb4636ULL,
    0x13515ad7e9cb99a9ULL,
    0x492d979fc5a4d5f2ULL,
    0xac6f1e80164aa989ULL,
    0xcad696b5b7652fe0ULL,
    0x70dae117ad547c6cULL,
    0x416cff0ca9e032b9ULL,
    0x6b598ccf9a140b2eULL,
    0xe7f7f5e5f0de55f6ULL,
    0xf5ea69f4654ec2b9ULL,
    0x3d778d821e141178ULL,
    0xd3e8201602990696ULL,
    0xf9f1f0533634a135ULL,
    0x0a8249063f6009f1ULL,
}};

static struct mcx_sakke_aff base;
static pthread_once_t base_once = PTHREAD_ONCE_INIT;

static void init_base(void)
{
	const struct mcx_fp1024_mod *p = mcx_fp1024_mod_p();

	mcx_fp1024_to_mont(p, &base.x, &px_raw);
	mcx_fp1024_to_mont(p, &base.y, &py_raw);
}

const struct mcx_sakke_aff *mcx_sakke_curve_base(void)
{
	pthread_once(&base_once, init_base);
	return &base;
}

uint64_t mcx_sakke_curve_on_curve(const struct mcx_sakke_aff *a)
{
	const struct mcx_fp1024_mod *p = mcx_fp1024_mod_p();
	struct mcx_fp1024 l;
	struct mcx_fp1024 r;
	struct mcx_fp1024 t;
	uint64_t ok = 0;

	/* y^2 == x (x^2 - 3) */
	mcx_fp1024_sqr(p, &l, &a->y);
	mcx_fp1024_sqr(p, &r, &a->x);
	mcx_fp1024_dbl(p, &t, &p->one);
	mcx_fp1024_add(p, &t, &t, &p->one);
	mcx_fp1024_sub(p, &r, &r, &t);
	mcx_fp1024_mul(p, &r, &r, &a->x);
	ok = mcx_fp1024_eq(&l, &r);
	mcx_wipe(&l, sizeof(l));
	mcx_wipe(&r, sizeof(r));
	return ok;
}

enum mcx_mech_err
mcx_sakke_curve_decode(struct mcx_sakke_aff *r,
		       const uint8_t in[MCX_SAKKE_CURVE_POINT_LEN])
{
	const struct mcx_fp1024_mod *p = mcx_fp1024_mod_p();
	enum mcx_mech_err err = MCX_ERR_ENCODING;
	uint8_t any = 0;
	uint8_t inf = 0;
	uint8_t fmt = 0;
	uint64_t on = 0;

	memset(r, 0, sizeof(*r));
	/* Point validity is reported, never the coordinates: the decision
	 * branches only on the verdicts, each declassified where it is taken
	 * (mechanisms/ct_public.h; the point may be a secret RSK). */
	for (size_t i = 1; i < MCX_SAKKE_CURVE_POINT_LEN; i++)
		any |= in[i];
	inf = (uint8_t)((((unsigned int)any - 1u) >> 8) & 1u); /* any == 0 */
	MCX_CT_PUBLIC(&inf, sizeof(inf));
	/* the format octet is public by definition (callers may have marked
	 * the whole encoding secret) */
	fmt = (uint8_t)(in[0] ^ 0x04);
	MCX_CT_PUBLIC(&fmt, sizeof(fmt));
	if (fmt != 0)
		goto out;
	if (mcx_fp1024_from_bytes(p, &r->x, in + 1) != 0 ||
	    mcx_fp1024_from_bytes(p, &r->y, in + 1 + MCX_FP1024_BYTES) != 0)
		goto out;
	if (inf) {
		err = MCX_ERR_INFINITY;
		goto out;
	}
	on = mcx_sakke_curve_on_curve(r);
	MCX_CT_PUBLIC(&on, sizeof(on));
	if (!on) {
		err = MCX_ERR_NOT_ON_CURVE;
		goto out;
	}
	err = MCX_OK;
out:
	if (err != MCX_OK)
		mcx_wipe(r, sizeof(*r));
	return err;
}

void mcx_sakke_curve_encode(uint8_t out[MCX_SAKKE_CURVE_POINT_LEN],
			    const struct mcx_sakke_aff *a)
{
	const struct mcx_fp1024_mod *p = mcx_fp1024_mod_p();

	out[0] = 0x04;
	mcx_fp1024_to_bytes(p, out + 1, &a->x);
	mcx_fp1024_to_bytes(p, out + 1 + MCX_FP1024_BYTES, &a->y);
}

void mcx_sakke_curve_from_aff(struct mcx_sakke_proj *r,
			      const struct mcx_sakke_aff *a)
{
	r->X = a->x;
	r->Y = a->y;
	r->Z = mcx_fp1024_mod_p()->one;
}

void mcx_sakke_curve_set_inf(struct mcx_sakke_proj *r)
{
	memset(r, 0, sizeof(*r));
	r->Y = mcx_fp1024_mod_p()->one;
}

uint64_t mcx_sakke_curve_is_inf(const struct mcx_sakke_proj *r)
{
	return mcx_fp1024_is_zero(&r->Z);
}

/* The tail shared by the three additions (RCB Algorithm 4 with a = -3 and
 * b = 0, steps 17-43 simplified): from t0 = X1X2, t1 = Y1Y2, t2 = Z1Z2,
 * t3 = X1Y2 + X2Y1, t4 = Y1Z2 + Y2Z1, u = X1Z2 + X2Z1:
 *   A = t1 + 3u, B = t1 - 3u, V = -3(3 t2 + t0), W = 3(t0 - t2),
 *   X3 = t3 A - t4 V, Y3 = A B + W V, Z3 = t4 B + t3 W. */
static void add_tail(struct mcx_sakke_proj *r, struct mcx_fp1024 *t0,
		     struct mcx_fp1024 *t1, struct mcx_fp1024 *t2,
		     struct mcx_fp1024 *t3, struct mcx_fp1024 *t4,
		     struct mcx_fp1024 *u)
{
	const struct mcx_fp1024_mod *p = mcx_fp1024_mod_p();
	struct mcx_fp1024 a;
	struct mcx_fp1024 b;
	struct mcx_fp1024 v;
	struct mcx_fp1024 w;
	struct mcx_fp1024 s;

	mcx_fp1024_dbl(p, &s, u);
	mcx_fp1024_add(p, &s, &s, u); /* 3u */
	mcx_fp1024_add(p, &a, t1, &s);
	mcx_fp1024_sub(p, &b, t1, &s);
	mcx_fp1024_dbl(p, &s, t2);
	mcx_fp1024_add(p, &s, &s, t2); /* 3 t2 */
	mcx_fp1024_add(p, &v, &s, t0);
	mcx_fp1024_dbl(p, &w, &v);
	mcx_fp1024_add(p, &v, &w, &v);
	mcx_fp1024_neg(p, &v, &v); /* V */
	mcx_fp1024_sub(p, &w, t0, t2);
	mcx_fp1024_dbl(p, &s, &w);
	mcx_fp1024_add(p, &w, &s, &w); /* W */

	mcx_fp1024_mul(p, &s, t3, &a);
	mcx_fp1024_mul(p, u, t4, &v);
	mcx_fp1024_sub(p, &r->X, &s, u);
	mcx_fp1024_mul(p, &s, &a, &b);
	mcx_fp1024_mul(p, u, &w, &v);
	mcx_fp1024_add(p, &r->Y, &s, u);
	mcx_fp1024_mul(p, &s, t4, &b);
	mcx_fp1024_mul(p, u, t3, &w);
	mcx_fp1024_add(p, &r->Z, &s, u);

	mcx_wipe(&a, sizeof(a));
	mcx_wipe(&b, sizeof(b));
	mcx_wipe(&v, sizeof(v));
	mcx_wipe(&w, sizeof(w));
	mcx_wipe(&s, sizeof(s));
}

void mcx_sakke_curve_add(struct mcx_sakke_proj *r,
			 const struct mcx_sakke_proj *a,
			 const struct mcx_sakke_proj *b)
{
	const struct mcx_fp1024_mod *p = mcx_fp1024_mod_p();
	struct mcx_fp1024 t[6];
	struct mcx_fp1024 s1;
	struct mcx_fp1024 s2;

	mcx_fp1024_mul(p, &t[0], &a->X, &b->X);
	mcx_fp1024_mul(p, &t[1], &a->Y, &b->Y);
	mcx_fp1024_mul(p, &t[2], &a->Z, &b->Z);
	mcx_fp1024_add(p, &s1, &a->X, &a->Y);
	mcx_fp1024_add(p, &s2, &b->X, &b->Y);
	mcx_fp1024_mul(p, &t[3], &s1, &s2);
	mcx_fp1024_sub(p, &t[3], &t[3], &t[0]);
	mcx_fp1024_sub(p, &t[3], &t[3], &t[1]);
	mcx_fp1024_add(p, &s1, &a->Y, &a->Z);
	mcx_fp1024_add(p, &s2, &b->Y, &b->Z);
	mcx_fp1024_mul(p, &t[4], &s1, &s2);
	mcx_fp1024_sub(p, &t[4], &t[4], &t[1]);
	mcx_fp1024_sub(p, &t[4], &t[4], &t[2]);
	mcx_fp1024_add(p, &s1, &a->X, &a->Z);
	mcx_fp1024_add(p, &s2, &b->X, &b->Z);
	mcx_fp1024_mul(p, &t[5], &s1, &s2);
	mcx_fp1024_sub(p, &t[5], &t[5], &t[0]);
	mcx_fp1024_sub(p, &t[5], &t[5], &t[2]);
	add_tail(r, &t[0], &t[1], &t[2], &t[3], &t[4], &t[5]);
	mcx_wipe(t, sizeof(t));
	mcx_wipe(&s1, sizeof(s1));
	mcx_wipe(&s2, sizeof(s2));
}

void mcx_sakke_curve_madd(struct mcx_sakke_proj *r,
			  const struct mcx_sakke_proj *a,
			  const struct mcx_sakke_aff *b)
{
	const struct mcx_fp1024_mod *p = mcx_fp1024_mod_p();
	struct mcx_fp1024 t[6];
	struct mcx_fp1024 s1;
	struct mcx_fp1024 s2;

	mcx_fp1024_mul(p, &t[0], &a->X, &b->x);
	mcx_fp1024_mul(p, &t[1], &a->Y, &b->y);
	t[2] = a->Z;
	mcx_fp1024_add(p, &s1, &a->X, &a->Y);
	mcx_fp1024_add(p, &s2, &b->x, &b->y);
	mcx_fp1024_mul(p, &t[3], &s1, &s2);
	mcx_fp1024_sub(p, &t[3], &t[3], &t[0]);
	mcx_fp1024_sub(p, &t[3], &t[3], &t[1]);
	mcx_fp1024_mul(p, &t[4], &b->y, &a->Z);
	mcx_fp1024_add(p, &t[4], &t[4], &a->Y);
	mcx_fp1024_mul(p, &t[5], &b->x, &a->Z);
	mcx_fp1024_add(p, &t[5], &t[5], &a->X);
	add_tail(r, &t[0], &t[1], &t[2], &t[3], &t[4], &t[5]);
	mcx_wipe(t, sizeof(t));
	mcx_wipe(&s1, sizeof(s1));
	mcx_wipe(&s2, sizeof(s2));
}

void mcx_sakke_curve_dbl(struct mcx_sakke_proj *r,
			 const struct mcx_sakke_proj *a)
{
	const struct mcx_fp1024_mod *p = mcx_fp1024_mod_p();
	struct mcx_fp1024 t[6];

	/* The addition formula with both inputs equal. */
	mcx_fp1024_sqr(p, &t[0], &a->X);
	mcx_fp1024_sqr(p, &t[1], &a->Y);
	mcx_fp1024_sqr(p, &t[2], &a->Z);
	mcx_fp1024_mul(p, &t[3], &a->X, &a->Y);
	mcx_fp1024_dbl(p, &t[3], &t[3]);
	mcx_fp1024_mul(p, &t[4], &a->Y, &a->Z);
	mcx_fp1024_dbl(p, &t[4], &t[4]);
	mcx_fp1024_mul(p, &t[5], &a->X, &a->Z);
	mcx_fp1024_dbl(p, &t[5], &t[5]);
	add_tail(r, &t[0], &t[1], &t[2], &t[3], &t[4], &t[5]);
	mcx_wipe(t, sizeof(t));
}

void mcx_sakke_curve_cneg_aff(struct mcx_sakke_aff *a, uint64_t mask)
{
	struct mcx_fp1024 n;

	mcx_fp1024_neg(mcx_fp1024_mod_p(), &n, &a->y);
	mcx_fp1024_cmov(&a->y, &n, mask);
	mcx_wipe(&n, sizeof(n));
}

void mcx_sakke_curve_cneg(struct mcx_sakke_proj *a, uint64_t mask)
{
	struct mcx_fp1024 n;

	mcx_fp1024_neg(mcx_fp1024_mod_p(), &n, &a->Y);
	mcx_fp1024_cmov(&a->Y, &n, mask);
	mcx_wipe(&n, sizeof(n));
}

void mcx_sakke_curve_to_aff(struct mcx_sakke_aff *r,
			    const struct mcx_sakke_proj *a)
{
	const struct mcx_fp1024_mod *p = mcx_fp1024_mod_p();
	struct mcx_fp1024 zi;

	mcx_fp1024_inv(p, &zi, &a->Z); /* 0 -> 0: infinity gives (0, 0) */
	mcx_fp1024_mul(p, &r->x, &a->X, &zi);
	mcx_fp1024_mul(p, &r->y, &a->Y, &zi);
	mcx_wipe(&zi, sizeof(zi));
}

uint64_t mcx_sakke_curve_eq_aff(const struct mcx_sakke_proj *a,
				const struct mcx_sakke_aff *b)
{
	const struct mcx_fp1024_mod *p = mcx_fp1024_mod_p();
	struct mcx_fp1024 t;
	uint64_t eq = 0;

	/* X == x Z and Y == y Z and Z != 0: no inversion needed */
	mcx_fp1024_mul(p, &t, &b->x, &a->Z);
	eq = mcx_fp1024_eq(&t, &a->X);
	mcx_fp1024_mul(p, &t, &b->y, &a->Z);
	eq &= mcx_fp1024_eq(&t, &a->Y);
	eq &= ~mcx_fp1024_is_zero(&a->Z);
	mcx_wipe(&t, sizeof(t));
	return eq;
}

/* r = tab[idx] by scanning all n entries with masks. */
static void lookup_proj(struct mcx_sakke_proj *r,
			const struct mcx_sakke_proj *tab, unsigned int n,
			uint64_t idx)
{
	memset(r, 0, sizeof(*r));
	for (unsigned int i = 0; i < n; i++) {
		uint64_t d = (uint64_t)i ^ idx;
		uint64_t mask = ((d | (0 - d)) >> 63) - 1;

		mcx_fp1024_cmov(&r->X, &tab[i].X, mask);
		mcx_fp1024_cmov(&r->Y, &tab[i].Y, mask);
		mcx_fp1024_cmov(&r->Z, &tab[i].Z, mask);
	}
}

void mcx_sakke_curve_mul(struct mcx_sakke_proj *r,
			 const struct mcx_sakke_aff *a,
			 const struct mcx_fp1024 *k)
{
	struct mcx_sakke_proj tab[16];
	struct mcx_sakke_proj acc;
	struct mcx_sakke_proj t;

	/* tab[j] = [j]a, j = 0..15 */
	mcx_sakke_curve_set_inf(&tab[0]);
	mcx_sakke_curve_from_aff(&tab[1], a);
	for (int j = 2; j < 16; j++)
		mcx_sakke_curve_madd(&tab[j], &tab[j - 1], a);
	mcx_sakke_curve_set_inf(&acc);
	for (int i = 16 * MCX_FP1024_LIMBS - 1; i >= 0; i--) {
		uint64_t w = (k->v[i / 16] >> (4 * (i % 16))) & 15;

		for (int s = 0; s < 4; s++)
			mcx_sakke_curve_dbl(&acc, &acc);
		lookup_proj(&t, tab, 16, w);
		mcx_sakke_curve_add(&acc, &acc, &t);
	}
	*r = acc;
	mcx_wipe(tab, sizeof(tab));
	mcx_wipe(&acc, sizeof(acc));
	mcx_wipe(&t, sizeof(t));
}

size_t mcx_sakke_curve_wnaf(const uint64_t k_in[MCX_FP1024_LIMBS],
			    unsigned int w, signed char *digits, size_t max)
{
	uint64_t k[MCX_FP1024_LIMBS + 1] = {0};
	size_t n = 0;
	int nonzero = 0;

	memcpy(k, k_in, MCX_FP1024_LIMBS * sizeof(k[0]));
	for (int i = 0; i < MCX_FP1024_LIMBS; i++)
		nonzero |= k[i] != 0;
	while (nonzero && n < max) {
		int d = 0;

		if (k[0] & 1) {
			d = (int)(k[0] & ((1u << w) - 1));
			if (d >= (1 << (w - 1)))
				d -= 1 << w;
			/* k -= d: d > 0 only clears low bits; d < 0 adds */
			if (d > 0) {
				k[0] -= (uint64_t)d;
			} else {
				uint64_t c = (uint64_t)(-d);

				for (int i = 0; i <= MCX_FP1024_LIMBS && c;
				     i++) {
					k[i] += c;
					c = k[i] < c;
				}
			}
		}
		digits[n++] = (signed char)d;
		for (int i = 0; i < MCX_FP1024_LIMBS; i++)
			k[i] = (k[i] >> 1) | (k[i + 1] << 63);
		k[MCX_FP1024_LIMBS] >>= 1;
		nonzero = 0;
		for (int i = 0; i <= MCX_FP1024_LIMBS; i++)
			nonzero |= k[i] != 0;
	}
	return n;
}
