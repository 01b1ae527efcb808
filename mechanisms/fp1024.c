/*
 * Arithmetic modulo the SAKKE prime p and the group order q (RFC 6509
 * parameter set 1) in Montgomery form over the kernel of fp1024_kernel.h.
 * Constant time throughout: carries and selections go through masks.
 */
#include "mechanisms/fp1024.h"

#include <pthread.h>
#include <string.h>

#include "common/wipe.h"
#include "mechanisms/ct_public.h"

typedef unsigned __int128 u128;

#if defined(__x86_64__)
#include <x86intrin.h>
/* ADC/SBB chains: the compiler keeps the carry in the flags. */
#define ADDC(c, a, b, r)                                                       \
	((c) = _addcarry_u64((unsigned char)(c), (a), (b),                     \
			     (unsigned long long *)(r)))
#define SUBB(c, a, b, r)                                                       \
	((c) = _subborrow_u64((unsigned char)(c), (a), (b),                    \
			      (unsigned long long *)(r)))
#else
#define ADDC(c, a, b, r)                                                       \
	do {                                                                   \
		u128 s_ = (u128)(a) + (b) + (c);                               \
		*(r) = (uint64_t)s_;                                           \
		(c) = (uint64_t)(s_ >> 64);                                    \
	} while (0)
#define SUBB(c, a, b, r)                                                       \
	do {                                                                   \
		u128 d_ = (u128)(a) - (b) - (c);                               \
		*(r) = (uint64_t)d_;                                           \
		(c) = (uint64_t)(d_ >> 64) & 1;                                \
	} while (0)
#endif

#define N MCX_FP1024_LIMBS

/* p and q = (p + 1) / 4 of RFC 6509 Appendix A (MCX-REFERENCE.md §3.1),
 * little-endian limbs. */
static const uint64_t p_limbs[MCX_FP1024_LIMBS] = {
    0x666d807afea85febULL, 0x80c5df10ac7ace87ULL, 0xfce3e82389857db0ULL,
    0x9f94d6af56971f1fULL, 0xa7cf3c521c3c09aaULL, 0xb6aff4a831852a82ULL,
    0x512ac5cd65681ce1ULL, 0xe26c6487326b4cd4ULL, 0x356d27f4a666a6d0ULL,
    0xe791b39ff7c88a19ULL, 0x228730d531a59cb0ULL, 0xf40aab27e2fc0f1bULL,
    0xbe9ae358b3e01a2eULL, 0x416c0ce19cb48261ULL, 0x65c61198dad0657aULL,
    0x997abb1f0a563fdaULL,
};
static const uint64_t q_limbs[MCX_FP1024_LIMBS] = {
    0xd99b601ebfaa17fbULL, 0x203177c42b1eb3a1ULL, 0xff38fa08e2615f6cULL,
    0xa7e535abd5a5c7c7ULL, 0xa9f3cf14870f026aULL, 0x6dabfd2a0c614aa0ULL,
    0x144ab173595a0738ULL, 0x389b1921cc9ad335ULL, 0x4d5b49fd2999a9b4ULL,
    0x39e46ce7fdf22286ULL, 0xc8a1cc354c69672cULL, 0xbd02aac9f8bf03c6ULL,
    0x6fa6b8d62cf8068bULL, 0x905b0338672d2098ULL, 0x9971846636b4195eULL,
    0x265eaec7c2958ff6ULL,
};

static struct mcx_fp1024_mod mod_p;
static struct mcx_fp1024_mod mod_q;
static mcx_fp1024_mont_mul_fn kmul;
static mcx_fp1024_mont_sqr_fn ksqr;
static mcx_fp1024_mul_wide_fn kwide;
static mcx_fp1024_redc_fn kredc;
static mcx_fp1024_mul2_fn kmul2; /* NULL: kwide x 2 + kredc */
static pthread_once_t init_once = PTHREAD_ONCE_INIT;

/* r = a + b as N limbs; returns the carry out. */
static uint64_t raw_add(uint64_t r[N], const uint64_t a[N], const uint64_t b[N])
{
	uint64_t c = 0;

#pragma GCC unroll 16
	for (int i = 0; i < N; i++)
		ADDC(c, a[i], b[i], &r[i]);
	return c;
}

/* r = a - b as N limbs; returns the borrow out (0 or 1). */
static uint64_t raw_sub(uint64_t r[N], const uint64_t a[N], const uint64_t b[N])
{
	uint64_t br = 0;

#pragma GCC unroll 16
	for (int i = 0; i < N; i++)
		SUBB(br, a[i], b[i], &r[i]);
	return br;
}

static void select_limbs(uint64_t r[N], const uint64_t a[N],
			 const uint64_t b[N], uint64_t mask)
{
	/* r = mask ? a : b */
	for (int i = 0; i < N; i++)
		r[i] = (a[i] & mask) | (b[i] & ~mask);
}

/* The scalar modular addition and subtraction (a, b < m). */
static void add_scalar(uint64_t r[N], const uint64_t a[N], const uint64_t b[N],
		       const uint64_t m[N])
{
	uint64_t s[N];
	uint64_t t[N];
	uint64_t c = raw_add(s, a, b);
	uint64_t br = raw_sub(t, s, m);

	/* a + b >= m exactly when the sum carried or s - m did not borrow */
	select_limbs(r, t, s, (0 - c) | (br - 1));
}

static void sub_scalar(uint64_t r[N], const uint64_t a[N], const uint64_t b[N],
		       const uint64_t m[N])
{
	uint64_t d[N];
	uint64_t mm[N];
	uint64_t br = raw_sub(d, a, b);
	uint64_t mask = 0 - br;

	for (int i = 0; i < N; i++)
		mm[i] = m[i] & mask;
	raw_add(r, d, mm);
}

/* Modular addition/subtraction: the AVX-512 versions go with the IFMA
 * kernel (same CPUs; fp1024_addsub_avx512.c), the scalar ones otherwise. */
typedef void (*addsub_fn)(uint64_t r[N], const uint64_t a[N],
			  const uint64_t b[N], const uint64_t m[N]);
static addsub_fn kadd = add_scalar;
static addsub_fn ksub = sub_scalar;

static void init_mod(struct mcx_fp1024_mod *md, const uint64_t m[N])
{
	uint64_t two[N] = {2};
	struct mcx_fp1024 x = {{1}};

	memcpy(md->m, m, sizeof(md->m));
	md->m0inv = mcx_fp1024_m0inv(m[0]);
	raw_sub(md->e_inv, m, two);
	/* R^2 mod m by 2048 modular doublings of 1 (once, at start-up). */
	for (int i = 0; i < 2048; i++) {
		add_scalar(x.v, x.v, x.v, m);
		if (i == 1023)
			md->one = x;
	}
	md->r2 = x;
	/* R^3 = mont(R^2, R^2); kmul is not chosen yet: use the portable
	 * kernel (same results) */
	mcx_fp1024_mont_mul_portable(md->r3.v, x.v, x.v, m, md->m0inv);
	/* m in signed-62 limbs, and m^-1 mod 2^62 (Newton) */
	for (int i = 0; i < MCX_FP1024_S62; i++) {
		unsigned int bit = 62 * (unsigned int)i;
		uint64_t lo = bit / 64 < N ? m[bit / 64] >> (bit % 64) : 0;
		uint64_t hi = (bit % 64) > 2 && bit / 64 + 1 < N
				  ? m[bit / 64 + 1] << (64 - bit % 64)
				  : 0;

		md->m62[i] = (int64_t)((lo | hi) & (UINT64_MAX >> 2));
	}
	{
		uint64_t inv = m[0];

		for (int i = 0; i < 6; i++)
			inv *= 2 - m[0] * inv;
		md->m_inv62 = inv & (UINT64_MAX >> 2);
	}
}

static void choose_addsub(void)
{
	kadd = add_scalar;
	ksub = sub_scalar;
#ifdef MCX_HAVE_FP1024_IFMA
	if (kmul == mcx_fp1024_mont_mul_ifma) {
		kadd = mcx_fp1024_add_avx512;
		ksub = mcx_fp1024_sub_avx512;
	}
#endif
}

static void init(void)
{
	init_mod(&mod_p, p_limbs);
	init_mod(&mod_q, q_limbs);
	if (kmul == NULL) {
		kmul = mcx_fp1024_mont_mul_select();
		ksqr = mcx_fp1024_mont_sqr_select();
		kwide = mcx_fp1024_mul_wide_select();
		kredc = mcx_fp1024_redc_select();
		kmul2 = mcx_fp1024_mul2_select();
	}
	choose_addsub();
}

const struct mcx_fp1024_mod *mcx_fp1024_mod_p(void)
{
	pthread_once(&init_once, init);
	return &mod_p;
}

const struct mcx_fp1024_mod *mcx_fp1024_mod_q(void)
{
	pthread_once(&init_once, init);
	return &mod_q;
}

void mcx_fp1024_force_portable(int portable)
{
	pthread_once(&init_once, init);
	kmul = portable ? mcx_fp1024_mont_mul_portable
			: mcx_fp1024_mont_mul_select();
	ksqr = portable ? mcx_fp1024_mont_sqr_portable
			: mcx_fp1024_mont_sqr_select();
	kwide = portable ? mcx_fp1024_mul_wide_portable
			 : mcx_fp1024_mul_wide_select();
	kredc = portable ? mcx_fp1024_redc_portable : mcx_fp1024_redc_select();
	kmul2 = portable ? NULL : mcx_fp1024_mul2_select();
	choose_addsub();
}

mcx_fp1024_mont_mul_fn mcx_fp1024_kernel(void)
{
	pthread_once(&init_once, init);
	return kmul;
}

void mcx_fp1024_add(const struct mcx_fp1024_mod *m, struct mcx_fp1024 *r,
		    const struct mcx_fp1024 *a, const struct mcx_fp1024 *b)
{
	kadd(r->v, a->v, b->v, m->m);
}

void mcx_fp1024_sub(const struct mcx_fp1024_mod *m, struct mcx_fp1024 *r,
		    const struct mcx_fp1024 *a, const struct mcx_fp1024 *b)
{
	ksub(r->v, a->v, b->v, m->m);
}

void mcx_fp1024_neg(const struct mcx_fp1024_mod *m, struct mcx_fp1024 *r,
		    const struct mcx_fp1024 *a)
{
	static const struct mcx_fp1024 zero;

	mcx_fp1024_sub(m, r, &zero, a);
}

void mcx_fp1024_dbl(const struct mcx_fp1024_mod *m, struct mcx_fp1024 *r,
		    const struct mcx_fp1024 *a)
{
	mcx_fp1024_add(m, r, a, a);
}

void mcx_fp1024_mul(const struct mcx_fp1024_mod *m, struct mcx_fp1024 *r,
		    const struct mcx_fp1024 *a, const struct mcx_fp1024 *b)
{
	kmul(r->v, a->v, b->v, m->m, m->m0inv);
}

void mcx_fp1024_sqr(const struct mcx_fp1024_mod *m, struct mcx_fp1024 *r,
		    const struct mcx_fp1024 *a)
{
	ksqr(r->v, a->v, m->m, m->m0inv);
}

void mcx_fp1024_mul2_add_tmp(const struct mcx_fp1024_mod *m,
			     struct mcx_fp1024 *r, const struct mcx_fp1024 *a,
			     const struct mcx_fp1024 *b,
			     const struct mcx_fp1024 *c,
			     const struct mcx_fp1024 *d,
			     struct mcx_fp1024_wide_tmp *s)
{
	uint64_t carry = 0;

	/* IFMA path: one fused AMM pass, about 1.2x one product; s is not
	 * touched.  (The kernel choice is public.) */
	if (kmul2 != NULL) {
		kmul2(r->v, a->v, b->v, c->v, d->v, m->m, m->m0inv);
		return;
	}
	/* Lazy reduction (fp1024_kernel.h): a b + c d < 2 m^2, which fits in
	 * 2048 bits for m < 2^1023.5 (p = 0.6 * 2^1024, q = p / 4) and is
	 * below the 2 m 2^1024 that redc accepts: two products, one
	 * reduction (A2 measured mul_wide 110 ns, redc 149 ns, mont_mul
	 * 244 ns). */
	kwide(s->t, a->v, b->v);
	kwide(s->u, c->v, d->v);
#pragma GCC unroll 32
	for (int i = 0; i < 2 * N; i++)
		ADDC(carry, s->t[i], s->u[i], &s->t[i]);
	kredc(r->v, s->t, m->m, m->m0inv);
}

int mcx_fp1024_mul2_add_fused(void)
{
	pthread_once(&init_once, init);
	return kmul2 != NULL;
}

void mcx_fp1024_mul2_add(const struct mcx_fp1024_mod *m, struct mcx_fp1024 *r,
			 const struct mcx_fp1024 *a, const struct mcx_fp1024 *b,
			 const struct mcx_fp1024 *c, const struct mcx_fp1024 *d)
{
	struct mcx_fp1024_wide_tmp s;

	mcx_fp1024_mul2_add_tmp(m, r, a, b, c, d, &s);
	mcx_wipe(&s, sizeof(s));
}

void mcx_fp1024_pow(const struct mcx_fp1024_mod *m, struct mcx_fp1024 *r,
		    const struct mcx_fp1024 *a, const uint64_t e[N])
{
	/* The exponent is public, so the window value may index the table;
	 * the base may be secret and only enters through multiplications. */
	struct mcx_fp1024 tab[16];
	struct mcx_fp1024 acc = m->one;

	tab[0] = m->one;
	tab[1] = *a;
	for (int i = 2; i < 16; i++)
		mcx_fp1024_mul(m, &tab[i], &tab[i - 1], a);
	for (int i = 16 * N - 1; i >= 0; i--) {
		unsigned int w =
		    (unsigned int)(e[i / 16] >> (4 * (i % 16))) & 15;

		for (int k = 0; k < 4; k++)
			mcx_fp1024_sqr(m, &acc, &acc);
		mcx_fp1024_mul(m, &acc, &acc, &tab[w]);
	}
	*r = acc;
	mcx_wipe(tab, sizeof(tab));
	mcx_wipe(&acc, sizeof(acc));
}

/* ---- Inversion: Bernstein-Yang safegcd -----------------------------------
 * D. J. Bernstein, B.-Y. Yang, "Fast constant-time gcd computation and
 * modular inversion", TCHES 2019; the structure follows libsecp256k1's
 * modinv64 (signed 62-bit limbs, batches of 62 divsteps folded into a 2x2
 * transition matrix, d and e kept mod m by adding multiples of m that clear
 * the low 62 bits).  Invariants: f = d a, g = e a (mod m) up to the common
 * power of 2 removed exactly by the updates; at the end g = 0, f = +-1 and
 * d = +-a^-1.  Every step is branch-free; the number of steps is fixed:
 * floor((49 * 1024 + 80) / 17) = 2956 divsteps suffice for 1024-bit inputs
 * (Theorem 11.2 of the paper, delta = 1 variant), done as 48 batches of 62. */
#define S62	MCX_FP1024_S62
#define M62	(UINT64_MAX >> 2)
#define BATCHES 48

typedef __int128 i128;

struct trans {
	int64_t u, v, q, r;
};

/* 62 divsteps on the low limbs; returns the new eta = -delta. */
static int64_t divsteps_62(int64_t eta, uint64_t f0, uint64_t g0,
			   struct trans *t)
{
	uint64_t u = 1, v = 0, q = 0, r = 1;
	uint64_t f = f0, g = g0;

	for (int i = 0; i < 62; i++) {
		/* c1: delta > 0 (eta < 0); c2: g odd */
		uint64_t c1 = (uint64_t)(eta >> 63);
		uint64_t c2 = 0 - (g & 1);
		uint64_t x = (f ^ c1) - c1;
		uint64_t y = (u ^ c1) - c1;
		uint64_t z = (v ^ c1) - c1;

		g += x & c2;
		q += y & c2;
		r += z & c2;
		c1 &= c2;
		eta = (int64_t)(((uint64_t)eta ^ c1) - c1) - 1;
		f += g & c1;
		u += q & c1;
		v += r & c1;
		g >>= 1;
		u <<= 1;
		v <<= 1;
	}
	t->u = (int64_t)u;
	t->v = (int64_t)v;
	t->q = (int64_t)q;
	t->r = (int64_t)r;
	return eta;
}

/* [d, e] = t [d, e] / 2^62 (mod m), d and e kept in (-2m, m). */
static void update_de(int64_t d[S62], int64_t e[S62], const struct trans *t,
		      const struct mcx_fp1024_mod *m)
{
	int64_t sd = d[S62 - 1] >> 63;
	int64_t se = e[S62 - 1] >> 63;
	int64_t md = (t->u & sd) + (t->v & se);
	int64_t me = (t->q & sd) + (t->r & se);
	i128 cd = (i128)t->u * d[0] + (i128)t->v * e[0];
	i128 ce = (i128)t->q * d[0] + (i128)t->r * e[0];

	/* add md, me times m so that the low 62 bits vanish */
	md -= (int64_t)((m->m_inv62 * (uint64_t)cd + (uint64_t)md) & M62);
	me -= (int64_t)((m->m_inv62 * (uint64_t)ce + (uint64_t)me) & M62);
	cd += (i128)m->m62[0] * md;
	ce += (i128)m->m62[0] * me;
	cd >>= 62;
	ce >>= 62;
	for (int i = 1; i < S62; i++) {
		cd += (i128)t->u * d[i] + (i128)t->v * e[i];
		ce += (i128)t->q * d[i] + (i128)t->r * e[i];
		cd += (i128)m->m62[i] * md;
		ce += (i128)m->m62[i] * me;
		d[i - 1] = (int64_t)((uint64_t)cd & M62);
		e[i - 1] = (int64_t)((uint64_t)ce & M62);
		cd >>= 62;
		ce >>= 62;
	}
	d[S62 - 1] = (int64_t)cd;
	e[S62 - 1] = (int64_t)ce;
}

/* [f, g] = t [f, g] / 2^62 (exact). */
static void update_fg(int64_t f[S62], int64_t g[S62], const struct trans *t)
{
	i128 cf = (i128)t->u * f[0] + (i128)t->v * g[0];
	i128 cg = (i128)t->q * f[0] + (i128)t->r * g[0];

	cf >>= 62;
	cg >>= 62;
	for (int i = 1; i < S62; i++) {
		cf += (i128)t->u * f[i] + (i128)t->v * g[i];
		cg += (i128)t->q * f[i] + (i128)t->r * g[i];
		f[i - 1] = (int64_t)((uint64_t)cf & M62);
		g[i - 1] = (int64_t)((uint64_t)cg & M62);
		cf >>= 62;
		cg >>= 62;
	}
	f[S62 - 1] = (int64_t)cf;
	g[S62 - 1] = (int64_t)cg;
}

/* r in (-2m, m) -> [0, m), negated first if sign < 0. */
static void normalize(int64_t r[S62], int64_t sign,
		      const struct mcx_fp1024_mod *m)
{
	int64_t add = r[S62 - 1] >> 63;
	int64_t neg = sign >> 63;

	for (int i = 0; i < S62; i++)
		r[i] += m->m62[i] & add;
	for (int i = 0; i < S62; i++)
		r[i] = (r[i] ^ neg) - neg;
	for (int i = 0; i < S62 - 1; i++) {
		r[i + 1] += r[i] >> 62;
		r[i] &= (int64_t)M62;
	}
	add = r[S62 - 1] >> 63;
	for (int i = 0; i < S62; i++)
		r[i] += m->m62[i] & add;
	for (int i = 0; i < S62 - 1; i++) {
		r[i + 1] += r[i] >> 62;
		r[i] &= (int64_t)M62;
	}
}

static void to_s62(int64_t r[S62], const uint64_t a[N])
{
	for (int i = 0; i < S62; i++) {
		unsigned int bit = 62 * (unsigned int)i;
		uint64_t lo = bit / 64 < N ? a[bit / 64] >> (bit % 64) : 0;
		uint64_t hi = (bit % 64) > 2 && bit / 64 + 1 < N
				  ? a[bit / 64 + 1] << (64 - bit % 64)
				  : 0;

		r[i] = (int64_t)((lo | hi) & M62);
	}
}

static void from_s62(uint64_t r[N], const int64_t a[S62])
{
	memset(r, 0, N * sizeof(uint64_t));
	for (int i = 0; i < S62; i++) {
		unsigned int bit = 62 * (unsigned int)i;
		uint64_t x = (uint64_t)a[i];

		if (bit / 64 < N)
			r[bit / 64] |= x << (bit % 64);
		if ((bit % 64) > 2 && bit / 64 + 1 < N)
			r[bit / 64 + 1] |= x >> (64 - bit % 64);
	}
}

void mcx_fp1024_inv(const struct mcx_fp1024_mod *m, struct mcx_fp1024 *r,
		    const struct mcx_fp1024 *a)
{
	int64_t d[S62] = {0};
	int64_t e[S62] = {1};
	int64_t f[S62];
	int64_t g[S62];
	int64_t eta = -1; /* delta = 1 */
	struct trans t;
	struct mcx_fp1024 x;

	memcpy(f, m->m62, sizeof(f));
	to_s62(g, a->v);
	for (int i = 0; i < BATCHES; i++) {
		eta = divsteps_62(eta, (uint64_t)f[0], (uint64_t)g[0], &t);
		update_de(d, e, &t, m);
		update_fg(f, g, &t);
	}
	/* g = 0, f = +-1, d = +-(a R)^-1 = +-a^-1 R^-1: the Montgomery form
	 * of a^-1 is that times R^2, i.e. mont(d, R^3). */
	normalize(d, f[S62 - 1], m);
	from_s62(x.v, d);
	mcx_fp1024_mul(m, r, &x, &m->r3);
	mcx_wipe(d, sizeof(d));
	mcx_wipe(e, sizeof(e));
	mcx_wipe(f, sizeof(f));
	mcx_wipe(g, sizeof(g));
	mcx_wipe(&t, sizeof(t));
	mcx_wipe(&x, sizeof(x));
	eta = 0;
}

uint64_t mcx_fp1024_eq(const struct mcx_fp1024 *a, const struct mcx_fp1024 *b)
{
	uint64_t d = 0;

	for (int i = 0; i < N; i++)
		d |= a->v[i] ^ b->v[i];
	/* d == 0 -> all ones */
	return ((d | (0 - d)) >> 63) - 1;
}

uint64_t mcx_fp1024_is_zero(const struct mcx_fp1024 *a)
{
	static const struct mcx_fp1024 zero;

	return mcx_fp1024_eq(a, &zero);
}

void mcx_fp1024_cmov(struct mcx_fp1024 *r, const struct mcx_fp1024 *a,
		     uint64_t mask)
{
	select_limbs(r->v, a->v, r->v, mask);
}

void mcx_fp1024_cswap(struct mcx_fp1024 *a, struct mcx_fp1024 *b, uint64_t mask)
{
	for (int i = 0; i < N; i++) {
		uint64_t t = (a->v[i] ^ b->v[i]) & mask;

		a->v[i] ^= t;
		b->v[i] ^= t;
	}
}

void mcx_fp1024_raw_from_bytes(struct mcx_fp1024 *r, const uint8_t *in,
			       size_t len)
{
	memset(r, 0, sizeof(*r));
	for (size_t i = 0; i < len && i < MCX_FP1024_BYTES; i++) {
		size_t bit = 8 * i; /* from the least significant octet */

		r->v[bit / 64] |= (uint64_t)in[len - 1 - i] << (bit % 64);
	}
}

void mcx_fp1024_raw_to_bytes(uint8_t out[MCX_FP1024_BYTES],
			     const struct mcx_fp1024 *a)
{
	for (size_t i = 0; i < MCX_FP1024_BYTES; i++) {
		size_t bit = 8 * i;

		out[MCX_FP1024_BYTES - 1 - i] =
		    (uint8_t)(a->v[bit / 64] >> (bit % 64));
	}
}

uint64_t mcx_fp1024_raw_lt(const struct mcx_fp1024 *a, const uint64_t *m)
{
	uint64_t t[N];
	uint64_t br = raw_sub(t, a->v, m);

	mcx_wipe(t, sizeof(t));
	return 0 - br;
}

void mcx_fp1024_to_mont(const struct mcx_fp1024_mod *m, struct mcx_fp1024 *r,
			const struct mcx_fp1024 *a)
{
	mcx_fp1024_mul(m, r, a, &m->r2);
}

void mcx_fp1024_from_mont(const struct mcx_fp1024_mod *m, struct mcx_fp1024 *r,
			  const struct mcx_fp1024 *a)
{
	static const struct mcx_fp1024 one = {{1}};

	mcx_fp1024_mul(m, r, a, &one);
}

int mcx_fp1024_from_bytes(const struct mcx_fp1024_mod *m, struct mcx_fp1024 *r,
			  const uint8_t in[MCX_FP1024_BYTES])
{
	struct mcx_fp1024 x;
	uint64_t ok = 0;

	mcx_fp1024_raw_from_bytes(&x, in, MCX_FP1024_BYTES);
	ok = mcx_fp1024_raw_lt(&x, m->m);
	for (int i = 0; i < N; i++)
		x.v[i] &= ok;
	mcx_fp1024_to_mont(m, r, &x);
	mcx_wipe(&x, sizeof(x));
	/* Only validity leaves this function, never the value. */
	MCX_CT_PUBLIC(&ok, sizeof(ok));
	return ok ? 0 : -1;
}

void mcx_fp1024_to_bytes(const struct mcx_fp1024_mod *m,
			 uint8_t out[MCX_FP1024_BYTES],
			 const struct mcx_fp1024 *a)
{
	struct mcx_fp1024 x;

	mcx_fp1024_from_mont(m, &x, a);
	mcx_fp1024_raw_to_bytes(out, &x);
	mcx_wipe(&x, sizeof(x));
}

void mcx_fp1024_from_bytes_reduce(const struct mcx_fp1024_mod *m,
				  struct mcx_fp1024 *r, const uint8_t *in,
				  size_t len)
{
	struct mcx_fp1024 x;
	uint64_t t[N];

	mcx_fp1024_raw_from_bytes(&x, in, len);
	/* m > 2^1021 for both moduli, so 2^1024 / m < 8: seven conditional
	 * subtractions reduce any 1024-bit value. */
	for (int k = 0; k < 7; k++) {
		uint64_t br = raw_sub(t, x.v, m->m);

		select_limbs(x.v, x.v, t, 0 - br);
	}
	mcx_fp1024_to_mont(m, r, &x);
	mcx_wipe(&x, sizeof(x));
	mcx_wipe(t, sizeof(t));
}
