/*
 * Fixed-base combs for SAKKE encapsulation: [r b]P + [r]Z_T and g^r
 * (RFC 6508 §6.2.1 steps 3-4) with every secret-dependent choice made by
 * masks.  See sakke_comb.h for the method.
 */
#include "mechanisms/sakke_comb.h"

#include <pthread.h>
#include <string.h>

#include "common/wipe.h"

#define W  MCX_SAKKE_COMB_W
#define D  MCX_SAKKE_COMB_D
#define NE MCX_SAKKE_COMB_ENTRIES
#define V  MCX_SAKKE_COMB_V
#define E  MCX_SAKKE_COMB_E
#define L  (W * D) /* recoded length in bits, >= 1022 */
#define EL (L / 64 + 1)
#define NL MCX_FP1024_LIMBS

_Static_assert(L >= 1022 && L <= 64 * NL, "comb must cover q");

/* g = <P, P> of RFC 6509 Appendix A (MCX-REFERENCE.md §3.1). */
static const struct mcx_fp1024 g_raw = {{
    0xcde0fab36461ea46ULL,
    0x3c8cae87b7a0042aULL,
    0xe3720f20b9b7b040ULL,
    0xd682c033a7942bccULL,
    0xb4f1a32bcafa1ffaULL,
    0x55df0460b4a9fd74ULL,
    0xb99dfb0138c78433ULL,
    0xee0faed1828eab90ULL,
    0x7072da8f541721beULL,
    0xcbfda85d5d00ef57ULL,
    0x449ae9563f8bc446ULL,
    0x371e94744c96fedaULL,
    0x27fabe658e015a87ULL,
    0xc6a87bd1fb94c41eULL,
    0x148f15867d623068ULL,
    0x66fc2a432b6ea392ULL,
}};

static struct mcx_sakke_comb base_comb;
static struct mcx_fp1024 g_mont;
static struct mcx_fp1024 g_tab[V][NE]; /* e with table entry 1 + i e */
static pthread_once_t static_once = PTHREAD_ONCE_INIT;

static inline uint64_t eq_mask(uint64_t a, uint64_t b)
{
	uint64_t d = a ^ b;

	return ((d | (0 - d)) >> 63) - 1;
}

/* Recode k (raw, <= q) into e with k' = sum (2 e_i - 1) 2^i, i < L, where
 * k' = k if k is odd, else q - k; returns the mask "result must be
 * negated" (k even).  Branch-free. */
static uint64_t recode(uint64_t e[EL], const struct mcx_fp1024 *k)
{
	const struct mcx_fp1024_mod *qm = mcx_fp1024_mod_q();
	uint64_t odd = 0 - (k->v[0] & 1);
	uint64_t kk[NL];
	uint64_t br = 0;

	for (int i = 0; i < NL; i++) {
		unsigned __int128 d =
		    (unsigned __int128)qm->m[i] - k->v[i] - br;

		br = (uint64_t)(d >> 64) & 1;
		kk[i] = (k->v[i] & odd) | ((uint64_t)d & ~odd);
	}
	/* k' odd: (k' - 1)/2 + 2^(L-1) */
	kk[0] &= ~(uint64_t)1;
	memset(e, 0, EL * sizeof(uint64_t));
	for (int i = 0; i < NL; i++) {
		e[i] = kk[i] >> 1;
		if (i + 1 < NL)
			e[i] |= kk[i + 1] << 63;
	}
	e[(L - 1) / 64] |= (uint64_t)1 << ((L - 1) % 64);
	mcx_wipe(kk, sizeof(kk));
	return ~odd;
}

static inline uint64_t bit_at(const uint64_t e[EL], unsigned int i)
{
	return (e[i / 64] >> (i % 64)) & 1;
}

/* Column j: index u into the table and the mask "negate the entry". */
static uint64_t column(const uint64_t e[EL], unsigned int j, uint64_t *neg)
{
	uint64_t top = bit_at(e, j + (W - 1) * D);
	uint64_t u = 0;

	for (unsigned int t = 0; t < W - 1; t++)
		u |= (1 ^ bit_at(e, j + t * D) ^ top) << t;
	*neg = 0 - (top ^ 1);
	return u;
}

/* The masked scans are ~20% of an encapsulation: on x86-64 GCC also emits
 * an AVX2 clone, chosen at load time (ifunc); both are the same
 * branch-free scan. */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) &&         \
    !defined(__SANITIZE_ADDRESS__)
#define SCAN_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define SCAN_CLONES
#endif

/* 4 limbs as one vector value (GCC/clang vector extension; lowered to
 * SSE2 pairs without AVX2); aligned(8): table rows need not be 32-aligned. */
typedef uint64_t v4 __attribute__((vector_size(32), aligned(8)));

/* acc (W4 vectors) = OR over entries i of (t[i] AND (i == u ? ~0 : 0)): the
 * accumulators stay in registers, every entry is read. */
#define SCAN_BODY(W4)                                                          \
	v4 a[W4];                                                              \
	for (int l = 0; l < (W4); l++)                                         \
		a[l] = (v4){0, 0, 0, 0};                                       \
	for (unsigned int i = 0; i < n; i++) {                                 \
		uint64_t m1 = eq_mask(i, u);                                   \
		v4 m = {m1, m1, m1, m1};                                       \
		const v4 *row = (const v4 *)(t + (size_t)i * 4 * (W4));        \
		_Pragma("GCC unroll 8") for (int l = 0; l < (W4); l++) a[l] |= \
		    row[l] & m;                                                \
	}                                                                      \
	memcpy(acc, a, sizeof(a));                                             \
	memset(a, 0, sizeof(a))

SCAN_CLONES
static void scan_aff(uint64_t acc[2 * NL], const uint64_t *t, unsigned int n,
		     uint64_t u)
{
	SCAN_BODY(2 * NL / 4);
}

SCAN_CLONES
static void scan_fp(uint64_t acc[NL], const uint64_t *t, unsigned int n,
		    uint64_t u)
{
	SCAN_BODY(NL / 4);
}

static void lookup_aff(struct mcx_sakke_aff *r, const struct mcx_sakke_aff *c,
		       uint64_t u, uint64_t neg)
{
	/* Flat view: each entry is 2 * NL limbs (x then y); the fixed-length
	 * inner loop lets the compiler use vector AND/OR. */
	uint64_t acc[2 * NL] = {0};
	const uint64_t *t = (const uint64_t *)c;

	_Static_assert(sizeof(struct mcx_sakke_aff) == 2 * NL * 8, "layout");
	scan_aff(acc, t, NE, u);
	memcpy(r->x.v, acc, sizeof(r->x.v));
	memcpy(r->y.v, acc + NL, sizeof(r->y.v));
	mcx_wipe(acc, sizeof(acc));
	mcx_sakke_curve_cneg_aff(r, neg);
}

static void lookup_g(struct mcx_fp1024 *r, unsigned int blk, uint64_t u,
		     uint64_t neg)
{
	memset(r, 0, sizeof(*r));
	scan_fp(r->v, g_tab[blk][0].v, NE, u);
	{
		struct mcx_fp1024 n;

		mcx_fp1024_neg(mcx_fp1024_mod_p(), &n, r);
		mcx_fp1024_cmov(r, &n, neg);
		mcx_wipe(&n, sizeof(n));
	}
}

/* Simultaneous inversion (Montgomery's trick): v[i] = v[i]^-1 for n
 * values; returns the mask "some v[i] was 0" (then all results are 0). */
static uint64_t batch_inv(struct mcx_fp1024 *v, struct mcx_fp1024 *pre,
			  size_t n)
{
	const struct mcx_fp1024_mod *p = mcx_fp1024_mod_p();
	struct mcx_fp1024 inv;
	struct mcx_fp1024 t;

	pre[0] = v[0];
	for (size_t i = 1; i < n; i++)
		mcx_fp1024_mul(p, &pre[i], &pre[i - 1], &v[i]);
	mcx_fp1024_inv(p, &inv, &pre[n - 1]);
	for (size_t i = n; i-- > 1;) {
		mcx_fp1024_mul(p, &t, &inv, &pre[i - 1]);
		mcx_fp1024_mul(p, &inv, &inv, &v[i]);
		v[i] = t;
	}
	v[0] = inv;
	return mcx_fp1024_is_zero(&pre[n - 1]);
}

/* One block: out[u] = P_(W-1) + sum_(t < W-1) (+-1) P_t with P_t =
 * [2^(tD)]b0, bit t of u set for +1; affine. Returns a nonzero mask if an
 * entry is the point at infinity. */
static uint64_t build_block(struct mcx_sakke_aff out[NE],
			    const struct mcx_sakke_proj *b0)
{
	const struct mcx_fp1024_mod *p = mcx_fp1024_mod_p();
	struct mcx_sakke_proj pt[W];  /* [2^(tD)]b */
	struct mcx_sakke_proj pt2[W]; /* [2^(tD+1)]b */
	struct mcx_sakke_proj tab[NE];
	struct mcx_fp1024 z[NE];
	struct mcx_fp1024 pre[NE];
	uint64_t bad = 0;

	pt[0] = *b0;
	for (int t = 1; t < W; t++) {
		pt[t] = pt[t - 1];
		for (int s = 0; s < D; s++)
			mcx_sakke_curve_dbl(&pt[t], &pt[t]);
	}
	for (int t = 0; t < W; t++)
		mcx_sakke_curve_dbl(&pt2[t], &pt[t]);
	/* tab[0] = P_(W-1) - sum_(t < W-1) P_t; setting bit t of u adds
	 * 2 P_t. */
	tab[0] = pt[W - 1];
	for (int t = 0; t < W - 1; t++) {
		struct mcx_sakke_proj n = pt[t];

		mcx_sakke_curve_cneg(&n, ~(uint64_t)0);
		mcx_sakke_curve_add(&tab[0], &tab[0], &n);
	}
	for (unsigned int u = 1; u < NE; u++) {
		unsigned int hb = 31 - (unsigned int)__builtin_clz(u);

		mcx_sakke_curve_add(&tab[u], &tab[u - (1u << hb)], &pt2[hb]);
	}
	for (unsigned int u = 0; u < NE; u++)
		z[u] = tab[u].Z;
	bad = batch_inv(z, pre, NE);
	for (unsigned int u = 0; u < NE; u++) {
		mcx_fp1024_mul(p, &out[u].x, &tab[u].X, &z[u]);
		mcx_fp1024_mul(p, &out[u].y, &tab[u].Y, &z[u]);
	}
	mcx_wipe(pt, sizeof(pt));
	mcx_wipe(pt2, sizeof(pt2));
	mcx_wipe(tab, sizeof(tab));
	mcx_wipe(z, sizeof(z));
	mcx_wipe(pre, sizeof(pre));
	return bad;
}

int mcx_sakke_comb_init(struct mcx_sakke_comb *c, const struct mcx_sakke_aff *b)
{
	struct mcx_sakke_proj bu;
	uint64_t bad = 0;

	/* block u is the comb of [2^(uE)]b */
	mcx_sakke_curve_from_aff(&bu, b);
	for (int u = 0; u < V; u++) {
		if (u > 0)
			for (int s = 0; s < E; s++)
				mcx_sakke_curve_dbl(&bu, &bu);
		bad |= build_block(c->t[u], &bu);
	}
	mcx_wipe(&bu, sizeof(bu));
	return bad ? -1 : 0;
}

/* One block of the g table from h = g^(2^(uE)) in PF_p: out[u] is the
 * normalised e of h^(2^((W-1)D)) * prod_(t < W-1) h^(+-2^(tD)). */
static void build_g_block(struct mcx_fp1024 out[NE], const struct mcx_fp2 *h)
{
	const struct mcx_fp1024_mod *p = mcx_fp1024_mod_p();
	struct mcx_fp2 gt[W];  /* h^(2^(tD)) */
	struct mcx_fp2 gt2[W]; /* h^(2^(tD+1)) */
	struct mcx_fp2 tab[NE];
	struct mcx_fp1024 pre[NE];
	struct mcx_fp1024 x1[NE];

	gt[0] = *h;
	for (int t = 1; t < W; t++) {
		gt[t] = gt[t - 1];
		for (int s = 0; s < D; s++)
			mcx_fp2_sqr(&gt[t], &gt[t]);
	}
	for (int t = 0; t < W; t++)
		mcx_fp2_sqr(&gt2[t], &gt[t]);
	/* The conjugate is the inverse in PF_p: (x1 + i x2)(x1 - i x2) is in
	 * F_p. */
	tab[0] = gt[W - 1];
	for (int t = 0; t < W - 1; t++) {
		struct mcx_fp2 cj;

		mcx_fp2_conj(&cj, &gt[t]);
		mcx_fp2_mul(&tab[0], &tab[0], &cj);
	}
	for (unsigned int u = 1; u < NE; u++) {
		unsigned int hb = 31 - (unsigned int)__builtin_clz(u);

		mcx_fp2_mul(&tab[u], &tab[u - (1u << hb)], &gt2[hb]);
	}
	for (unsigned int u = 0; u < NE; u++)
		x1[u] = tab[u].x1;
	(void)batch_inv(x1, pre, NE);
	for (unsigned int u = 0; u < NE; u++)
		mcx_fp1024_mul(p, &out[u], &tab[u].x2, &x1[u]);
}

static void init_static(void)
{
	const struct mcx_fp1024_mod *p = mcx_fp1024_mod_p();
	struct mcx_fp2 h;

	(void)mcx_sakke_comb_init(&base_comb, mcx_sakke_curve_base());
	mcx_fp1024_to_mont(p, &g_mont, &g_raw);
	/* g as the PF_p element 1 + i g (MCX-REFERENCE.md §3.5) */
	h.x1 = p->one;
	h.x2 = g_mont;
	for (int u = 0; u < V; u++) {
		if (u > 0)
			for (int s = 0; s < E; s++)
				mcx_fp2_sqr(&h, &h);
		build_g_block(g_tab[u], &h);
	}
}

const struct mcx_sakke_comb *mcx_sakke_comb_base(void)
{
	pthread_once(&static_once, init_static);
	return &base_comb;
}

const struct mcx_fp1024 *mcx_sakke_comb_g(void)
{
	pthread_once(&static_once, init_static);
	return &g_mont;
}

void mcx_sakke_comb_mul2(struct mcx_sakke_proj *r,
			 const struct mcx_sakke_comb *c1,
			 const struct mcx_fp1024 *k1,
			 const struct mcx_sakke_comb *c2,
			 const struct mcx_fp1024 *k2)
{
	uint64_t e1[EL];
	uint64_t e2[EL];
	uint64_t n1 = 0;
	uint64_t n2 = 0;
	uint64_t neg = 0;
	uint64_t u = 0;
	struct mcx_sakke_aff a;
	struct mcx_sakke_proj acc;

	n1 = recode(e1, k1);
	if (c2 != NULL)
		n2 = recode(e2, k2);
	/* Column j = j' + bE contributes 2^j' (+-T_b[u]); Horner over j'. */
	for (int j = E - 1; j >= 0; j--) {
		if (j != E - 1)
			mcx_sakke_curve_dbl(&acc, &acc);
		for (unsigned int b = 0; b < V; b++) {
			u = column(e1, (unsigned int)j + b * E, &neg);
			lookup_aff(&a, c1->t[b], u, neg ^ n1);
			if (j == E - 1 && b == 0)
				mcx_sakke_curve_from_aff(&acc, &a);
			else
				mcx_sakke_curve_madd(&acc, &acc, &a);
			if (c2 != NULL) {
				u = column(e2, (unsigned int)j + b * E, &neg);
				lookup_aff(&a, c2->t[b], u, neg ^ n2);
				mcx_sakke_curve_madd(&acc, &acc, &a);
			}
		}
	}
	*r = acc;
	mcx_wipe(e1, sizeof(e1));
	mcx_wipe(e2, sizeof(e2));
	mcx_wipe(&a, sizeof(a));
	mcx_wipe(&acc, sizeof(acc));
	u = neg = n1 = n2 = 0;
}

void mcx_sakke_comb_gpow(struct mcx_fp2 *r, const struct mcx_fp1024 *k)
{
	const struct mcx_fp1024_mod *p = mcx_fp1024_mod_p();
	uint64_t e[EL];
	uint64_t nk = 0;
	uint64_t neg = 0;
	uint64_t u = 0;
	struct mcx_fp1024 t;
	struct mcx_fp2 acc;

	pthread_once(&static_once, init_static);
	nk = recode(e, k);
	for (int j = E - 1; j >= 0; j--) {
		if (j != E - 1)
			mcx_fp2_sqr(&acc, &acc);
		for (unsigned int b = 0; b < V; b++) {
			u = column(e, (unsigned int)j + b * E, &neg);
			lookup_g(&t, b, u, neg ^ nk);
			if (j == E - 1 && b == 0) {
				acc.x1 = p->one;
				acc.x2 = t;
			} else {
				mcx_fp2_mul_1e(&acc, &acc, &t);
			}
		}
	}
	*r = acc;
	mcx_wipe(e, sizeof(e));
	mcx_wipe(&t, sizeof(t));
	mcx_wipe(&acc, sizeof(acc));
	u = neg = nk = 0;
}
