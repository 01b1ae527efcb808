/*
 * AVX-512 IFMA 1024-bit Montgomery multiplication (and reduction, for the
 * lazy-reduction pair).  Contract:
 * mechanisms/fp1024_kernel.h -- bit-identical results to the portable and
 * ADX kernels (a * b * 2^-1024 mod m, fully reduced), so every table and
 * differential test of the field layer applies unchanged.
 *
 * Representation inside: 20 limbs of 52 bits in three 8-lane zmm vectors
 * (lanes 20..23 zero), the radix of VPMADD52LUQ/VPMADD52HUQ (the low and
 * high 52 bits of a 52x52-bit product added to a 64-bit lane).  The
 * technique is "almost Montgomery multiplication" in radix 2^52 (Gueron and
 * Krasnov, "Accelerating Big Integer Arithmetic Using Intel IFMA
 * Extensions", ARITH 2016): lanes are not normalised inside the loop (each
 * row adds < 2^54 to a lane, 20 rows stay far below 2^64), normalisation
 * happens once at the end.
 *
 * Getting exactly 2^-1024: 20 rows of radix-2^52 reduction divide by
 * R' = 2^1040, so a is converted as a * 2^16 (a 16-bit offset in the
 * byte shuffle, free).  For a, b < m: (a 2^16 b + Q m) / 2^1040 <
 * m (m / 2^1024) + m < 2m, so one masked subtraction of m gives [0, m).
 *
 * Conversions 16 x 64 <-> 20 x 52 at the boundary: in, one VPERMI2B
 * (AVX512-VBMI) gathers the 8 bytes holding each 52-bit field, VPSRLVQ and
 * VPAND align them (tables below; zero-masked bytes give the 2^16 offset
 * and the zero top lanes); out (out52), carries, packing and the final
 * subtraction all in vector registers with mask arithmetic (the scalar
 * version of that step measured a fifth of the kernel).
 *
 * Per row i the position-0 limb is kept in a scalar register (s): the
 * reduction digit y depends on it, and computing it from a lane extracted
 * from the vector would put a vector->GPR move on the serial path of
 * every row.  The scalar side computes the next s from lane 1 of the
 * accumulator (available one row ahead), the position-1 terms of a b
 * (computed for all rows at once in vectors before the rows) and the two
 * y products touching position 1; the vector lane 0 is shifted out unused.
 *
 * Constant time: no branch or address depends on a value; carries,
 * borrows and the final subtraction go through masks (integer arithmetic
 * on k-register values, never a branch).  The stack copies (b's limbs,
 * the position-1 terms) are zeroed on return.
 * Run-time choice (fp1024_select.c): only with CPUID bmi2, avx512f,
 * avx512dq, avx512vl, avx512bw, avx512ifma, avx512vbmi and zmm state
 * enabled by the OS (XGETBV).
 *
 * Measured (first version, bench_fp1024 interleaved medians on this 2-core
 * Sapphire Rapids VM): mul 0.57-0.58x the ADX kernel, redc 0.78-0.86x.
 * Second version (2026-11-23), tests/bench/bench_fp1024 medians, old and new
 * kernel builds run alternately (3 runs each, same tree otherwise): mul 143.7-
 * 157.7 ns against 144.6 ns (no real change: ratio to mul_adx 0.59 both);
 * the fused mcx_fp1024_mul2_add_ifma 179-192 ns against 385-397 ns for
 * the lazy path it replaces (2 mul_wide_adx + redc_ifma), 1.20-1.24x one
 * mul; redc 140 ns against 131 ns (slower: three candidates in out52 for
 * nsub = 2; redc is no longer on the ifma path's hot loops).
 * sakke_pairing (bench_sakke medians) 3.45-3.86 -> 3.07-3.36 ms.
 * What bounds mul is latency, not port throughput: a call is ~1000
 * instructions, more than the out-of-order window, so 4 independent
 * interleaved calls cost the same per call as a dependent chain, and
 * removing half of the row madds, or all row shifts, or the scalar loop,
 * each changed the time by less than 10% (measured in a test harness).
 * Kept: memory broadcasts of b_i, the scalar-side a b terms precomputed in
 * vectors (two 64x64 products a row fewer), the row restructured for
 * latency (amm52 comment), out52 with the subtraction beside the
 * normalisation (same time for mul, needed shape for the fused kernel),
 * no rep stos in the wipe.  Tried and not kept (no gain, same harness):
 * y and the extracted lane through memory instead of vpbroadcastq/
 * vpextrq (equal or slower), zeroing the row temporaries with vpxord, a
 * rolled row loop (same time: the front end is not the bound).
 * Also tried (2026-11-23) and not kept: a fused F_p^2 product, both
 * mul2_add chains of (a1 + i a2)(b1 + i b2) interleaved in one row loop:
 * 306-320 ns against 344-362 ns for two fused mul2_add calls (2.2x one
 * mul), and no measurable change in the pairing (in-process A/B, paired
 * ratio 0.99-1.01): once two chains are interleaved, 36 madds and ~54
 * vector uops a row bind ports 0 and 5 (zmm VPMADD52 measured at ~2 a
 * cycle).  Going lower needs fewer madds (a Karatsuba F_p^2, 30 a row).
 * Earlier sessions tried: the third vector as ymm, inline-assembler rows,
 * all products accumulated directly into x (10% slower), an IFMA mul_wide
 * (0.97x of ADX), two independent products interleaved in one loop.
 * Source for the radix-2^52 AMM: Gueron and Krasnov (above); OpenSSL's
 * rsaz-2k-avx512.pl (ossl_rsaz_amm52x20_x1_ifma256) is the same 20-limb
 * loop on ymm vectors.
 * Valgrind does not emulate AVX-512 (and hides it from CPUID), so the
 * constant-time harness (tests/ct) runs the ADX and portable kernels;
 * this kernel's trace is value-independent by construction (straight-line
 * code, fixed tables) and is checked bit-for-bit by the differential tests.
 */
#include "mechanisms/fp1024_kernel.h"

#ifdef MCX_HAVE_FP1024_IFMA

#include <cpuid.h>
#include <immintrin.h>
#include <stddef.h>

#define N      MCX_FP1024_LIMBS
#define L52    20 /* 52-bit limbs of a 1024-bit value (1040 bits) */
#define MASK52 ((UINT64_C(1) << 52) - 1)

typedef unsigned __int128 u128;

#define IFMA_TARGET                                                            \
	__attribute__((target("avx512f,avx512vl,avx512bw,avx512ifma,"          \
			      "avx512vbmi,avx512dq,bmi2")))

static uint64_t xgetbv0(void)
{
	uint32_t lo = 0, hi = 0;

	__asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
	return ((uint64_t)hi << 32) | lo;
}

int mcx_fp1024_cpu_has_ifma(void)
{
	unsigned int eax = 0, ebx = 0, ecx = 0, edx = 0;
	/* XCR0 bits 1, 2 (SSE, AVX state), 5, 6, 7 (opmask, ZMM_Hi256,
	 * Hi16_ZMM): the OS saves the AVX-512 state on context switch. */
	const uint64_t xcr0_zmm = 0xe6;

	if (__get_cpuid_max(0, NULL) < 7)
		return 0;
	__cpuid(1, eax, ebx, ecx, edx);
	if ((ecx & (1u << 27)) == 0) /* OSXSAVE: XGETBV usable */
		return 0;
	if ((xgetbv0() & xcr0_zmm) != xcr0_zmm)
		return 0;
	__cpuid_count(7, 0, eax, ebx, ecx, edx);
	/* EBX: 8 bmi2, 16 avx512f, 17 avx512dq, 21 avx512ifma, 30 avx512bw,
	 * 31 avx512vl; ECX: 1 avx512vbmi. */
	return (ebx & (1u << 8)) != 0 && (ebx & (1u << 16)) != 0 &&
	       (ebx & (1u << 17)) != 0 && (ebx & (1u << 21)) != 0 &&
	       (ebx & (1u << 30)) != 0 && (ebx & (1u << 31)) != 0 &&
	       (ecx & (1u << 1)) != 0;
}

/*
 * VPERMI2B indices: lane j of vector v receives the 8 bytes starting at
 * byte floor((52 k + off) / 8) of the 128-byte little-endian input, k =
 * 8 v + j; the zero masks clear bytes outside the input (and the unused
 * lanes 20..23).  "plain": off = 0; "shift16": off = -16, i.e. the value
 * times 2^16.  Afterwards each lane is shifted right by (52 k) mod 8 (0 or
 * 4) and masked to 52 bits.  (Generated from that rule, not hand-edited.)
 */
static const uint8_t idx_plain[3][64] __attribute__((aligned(64))) = {
    {0,	 1,  2,	 3,  4,	 5,  6,	 7,  6,	 7,  8,	 9,  10, 11, 12, 13,
     13, 14, 15, 16, 17, 18, 19, 20, 19, 20, 21, 22, 23, 24, 25, 26,
     26, 27, 28, 29, 30, 31, 32, 33, 32, 33, 34, 35, 36, 37, 38, 39,
     39, 40, 41, 42, 43, 44, 45, 46, 45, 46, 47, 48, 49, 50, 51, 52},
    {52, 53, 54, 55, 56, 57, 58, 59, 58, 59, 60, 61,  62,  63,	64,  65,
     65, 66, 67, 68, 69, 70, 71, 72, 71, 72, 73, 74,  75,  76,	77,  78,
     78, 79, 80, 81, 82, 83, 84, 85, 84, 85, 86, 87,  88,  89,	90,  91,
     91, 92, 93, 94, 95, 96, 97, 98, 97, 98, 99, 100, 101, 102, 103, 104},
    {104, 105, 106, 107, 108, 109, 110, 111, 110, 111, 112, 113, 114,
     115, 116, 117, 117, 118, 119, 120, 121, 122, 123, 124, 123, 124,
     125, 126, 127, 0,	 0,   0,   0,	0,   0,	  0,   0,   0,	 0,
     0,	  0,   0,   0,	 0,   0,   0,	0,   0,	  0,   0,   0,	 0,
     0,	  0,   0,   0,	 0,   0,   0,	0,   0,	  0,   0,   0},
};
static const uint64_t zmask_plain[3] = {UINT64_C(0xffffffffffffffff),
					UINT64_C(0xffffffffffffffff),
					UINT64_C(0x000000001fffffff)};
static const uint8_t idx_shift16[3][64] __attribute__((aligned(64))) = {
    {0,	 0,  0,	 1,  2,	 3,  4,	 5,  4,	 5,  6,	 7,  8,	 9,  10, 11,
     11, 12, 13, 14, 15, 16, 17, 18, 17, 18, 19, 20, 21, 22, 23, 24,
     24, 25, 26, 27, 28, 29, 30, 31, 30, 31, 32, 33, 34, 35, 36, 37,
     37, 38, 39, 40, 41, 42, 43, 44, 43, 44, 45, 46, 47, 48, 49, 50},
    {50, 51, 52, 53, 54, 55, 56, 57, 56, 57, 58, 59, 60, 61,  62,  63,
     63, 64, 65, 66, 67, 68, 69, 70, 69, 70, 71, 72, 73, 74,  75,  76,
     76, 77, 78, 79, 80, 81, 82, 83, 82, 83, 84, 85, 86, 87,  88,  89,
     89, 90, 91, 92, 93, 94, 95, 96, 95, 96, 97, 98, 99, 100, 101, 102},
    {102, 103, 104, 105, 106, 107, 108, 109, 108, 109, 110, 111, 112,
     113, 114, 115, 115, 116, 117, 118, 119, 120, 121, 122, 121, 122,
     123, 124, 125, 126, 127, 0,   0,	0,   0,	  0,   0,   0,	 0,
     0,	  0,   0,   0,	 0,   0,   0,	0,   0,	  0,   0,   0,	 0,
     0,	  0,   0,   0,	 0,   0,   0,	0,   0,	  0,   0,   0},
};
static const uint64_t zmask_shift16[3] = {UINT64_C(0xfffffffffffffffc),
					  UINT64_C(0xffffffffffffffff),
					  UINT64_C(0x000000007fffffff)};

/* x (16 limbs) -> three vectors of 52-bit limbs (times 2^16 if shifted). */
IFMA_TARGET static inline void to52(__m512i out[3], const uint64_t x[N],
				    int shift16)
{
	const __m512i lo = _mm512_loadu_si512((const void *)x);
	const __m512i hi = _mm512_loadu_si512((const void *)(x + 8));
	const __m512i sh = _mm512_set_epi64(4, 0, 4, 0, 4, 0, 4, 0);
	const __m512i mask = _mm512_set1_epi64((long long)MASK52);

	for (int v = 0; v < 3; v++) {
		const __m512i idx = _mm512_load_si512(
		    (const void *)(shift16 ? idx_shift16[v] : idx_plain[v]));
		__m512i t = _mm512_maskz_permutex2var_epi8(
		    shift16 ? zmask_shift16[v] : zmask_plain[v], lo, idx, hi);

		out[v] = _mm512_and_si512(_mm512_srlv_epi64(t, sh), mask);
	}
}

/* 52-bit limb k of x (x 2^16 when shift16), from the 64-bit limbs with
 * constant shifts (k is a constant after unrolling). */
IFMA_TARGET static inline uint64_t limb52(const uint64_t x[N], int k,
					  int shift16)
{
	int bit = 52 * k - (shift16 ? 16 : 0);
	uint64_t v = 0;

	if (k >= L52)
		return 0;
	if (bit < 0)
		return (x[0] << -bit) & MASK52;
	v = x[bit / 64] >> (bit % 64);
	if (bit % 64 > 12 && bit / 64 + 1 < N)
		v |= x[bit / 64 + 1] << (64 - bit % 64);
	return v & MASK52;
}

/* Carries and generate/propagate masks of one candidate (below). */
IFMA_TARGET static inline void norm52(__m512i v[3], uint32_t *g, uint32_t *p)
{
	const __m512i zero = _mm512_setzero_si512();
	const __m512i mask = _mm512_set1_epi64((long long)MASK52);
	/* lanes 16..19: 2^52 - 1, lane 20 (and up): 0, so that g marks a
	 * carry already in lane 20 (bit 1040) */
	const __m512i lim2 = _mm512_maskz_mov_epi64(0x0f, mask);

#pragma GCC unroll 3
	for (int round = 0; round < 2; round++) {
		const __m512i c0 = _mm512_srli_epi64(v[0], 52);
		const __m512i c1 = _mm512_srli_epi64(v[1], 52);
		const __m512i c2 = _mm512_srli_epi64(v[2], 52);

		v[0] = _mm512_add_epi64(_mm512_and_si512(v[0], mask),
					_mm512_alignr_epi64(c0, zero, 7));
		v[1] = _mm512_add_epi64(_mm512_and_si512(v[1], mask),
					_mm512_alignr_epi64(c1, c0, 7));
		v[2] = _mm512_add_epi64(_mm512_and_si512(v[2], mask),
					_mm512_alignr_epi64(c2, c1, 7));
	}
	*g = (uint32_t)_mm512_cmpgt_epu64_mask(v[0], mask) |
	     (uint32_t)_mm512_cmpgt_epu64_mask(v[1], mask) << 8 |
	     (uint32_t)_mm512_cmpgt_epu64_mask(v[2], lim2) << 16;
	*p = (uint32_t)_mm512_cmpeq_epu64_mask(v[0], mask) |
	     (uint32_t)_mm512_cmpeq_epu64_mask(v[1], mask) << 8 |
	     (uint32_t)_mm512_cmpeq_epu64_mask(v[2], mask) << 16;
}

/*
 * The result, out of radix 2^52: X (lanes < 2^63, lanes 20..23 zero, X <
 * (nsub + 1) m < 2^1026) reduced mod m, packed into 16 limbs, all in
 * vector registers.  The candidates X, X + 2^1040 - M (and X + 2^1040 -
 * 2M when nsub = 2) are normalised side by side: two shift-and-add rounds
 * leave lanes <= 2^52, the remaining +1 carries ripple through lanes equal
 * to 2^52 - 1 and are resolved at once with the mask addition ((G << 1) +
 * P) ^ P (G: lanes that carry out, P: lanes that pass a carry on).  A
 * carry into bit 1040 of a candidate X - k M + 2^1040 means X >= k M; the
 * largest such k is taken (masks, no branch).  The candidates' chains are
 * independent, so the subtraction no longer follows the normalisation.
 */
IFMA_TARGET static inline void out52(uint64_t r[N], __m512i x0, __m512i x1,
				     __m512i x2, const __m512i M[3], int nsub)
{
	const __m512i one = _mm512_set1_epi64(1);
	const __m512i mask = _mm512_set1_epi64((long long)MASK52);
	__m512i v[3][3], mc[3], r0, r1;
	uint32_t g[3] = {0, 0, 0}, p[3] = {0, 0, 0}, inc[3] = {0, 0, 0};
	uint32_t c1 = 0, c2 = 0, sel1 = 0, sel2 = 0, incf = 0;

	/* 2^1040 - M: the 52-bit complement of M's 20 lanes, plus one */
	mc[0] = _mm512_mask_add_epi64(_mm512_sub_epi64(mask, M[0]), 1,
				      _mm512_sub_epi64(mask, M[0]), one);
	mc[1] = _mm512_sub_epi64(mask, M[1]);
	mc[2] = _mm512_maskz_sub_epi64(0x0f, mask, M[2]);
	v[0][0] = x0;
	v[0][1] = x1;
	v[0][2] = x2;
#pragma GCC unroll 3
	for (int k = 1; k <= nsub; k++)
#pragma GCC unroll 3
		for (int j = 0; j < 3; j++)
			v[k][j] = _mm512_add_epi64(v[k - 1][j], mc[j]);
	/* (2^1040 - M) + (2^1040 - M) + X - 2^1040: take 2^52 off lane 19 */
	if (nsub == 2)
		v[2][2] = _mm512_mask_sub_epi64(
		    v[2][2], 0x08, v[2][2],
		    _mm512_set1_epi64((long long)(UINT64_C(1) << 52)));
#pragma GCC unroll 3
	for (int k = 0; k <= nsub; k++) {
		norm52(v[k], &g[k], &p[k]);
		inc[k] = ((g[k] << 1) + p[k]) ^ p[k];
	}
	c1 = ((inc[1] | g[1]) >> 20) & 1;
	sel1 = 0 - c1;
	if (nsub == 2) {
		c2 = ((inc[2] | g[2]) >> 20) & 1;
		sel2 = 0 - c2;
		sel1 &= ~sel2;
	}
	incf = (inc[0] & ~(sel1 | sel2)) | (inc[1] & sel1) | (inc[2] & sel2);
#pragma GCC unroll 3
	for (int j = 0; j < 3; j++) {
		v[0][j] =
		    _mm512_mask_mov_epi64(v[0][j], (__mmask8)sel1, v[1][j]);
		if (nsub == 2)
			v[0][j] = _mm512_mask_mov_epi64(v[0][j], (__mmask8)sel2,
							v[2][j]);
		v[0][j] = _mm512_and_si512(
		    _mm512_mask_add_epi64(v[0][j], (__mmask8)(incf >> (8 * j)),
					  v[0][j], one),
		    mask);
	}
	x0 = v[0][0];
	x1 = v[0][1];
	x2 = v[0][2];
	/* 64-bit limb w = n[k] >> sh | n[k+1] << (52 - sh) | n[k+2] << (104
	 * - sh), k = floor(64 w / 52), sh = 64 w - 52 k (shift counts >= 64
	 * give 0).  Lane 7 of the index is the highest argument. */
	r0 = _mm512_ternarylogic_epi64(
	    _mm512_srlv_epi64(
		_mm512_permutex2var_epi64(
		    x0, _mm512_set_epi64(8, 7, 6, 4, 3, 2, 1, 0), x1),
		_mm512_set_epi64(32, 20, 8, 48, 36, 24, 12, 0)),
	    _mm512_sllv_epi64(
		_mm512_permutex2var_epi64(
		    x0, _mm512_set_epi64(9, 8, 7, 5, 4, 3, 2, 1), x1),
		_mm512_set_epi64(20, 32, 44, 4, 16, 28, 40, 52)),
	    _mm512_sllv_epi64(
		_mm512_permutex2var_epi64(
		    x0, _mm512_set_epi64(10, 9, 8, 6, 5, 4, 3, 2), x1),
		_mm512_set_epi64(64, 64, 64, 56, 64, 64, 64, 64)),
	    0xfe);
	r1 = _mm512_ternarylogic_epi64(
	    _mm512_srlv_epi64(
		_mm512_permutex2var_epi64(
		    x1, _mm512_set_epi64(10, 9, 8, 6, 5, 4, 3, 1), x2),
		_mm512_set_epi64(24, 12, 0, 40, 28, 16, 4, 44)),
	    _mm512_sllv_epi64(
		_mm512_permutex2var_epi64(
		    x1, _mm512_set_epi64(11, 10, 9, 7, 6, 5, 4, 2), x2),
		_mm512_set_epi64(28, 40, 52, 12, 24, 36, 48, 8)),
	    _mm512_sllv_epi64(
		_mm512_permutex2var_epi64(
		    x1, _mm512_set_epi64(12, 11, 10, 8, 7, 6, 5, 3), x2),
		_mm512_set_epi64(64, 64, 64, 64, 64, 64, 64, 60)),
	    0xfe);
	_mm512_storeu_si512((void *)r, r0);
	_mm512_storeu_si512((void *)(r + 8), r1);
}

/* The modulus in radix 2^52: M, M' = M one lane down (its lane 0,
 * position 0, is the scalar side's), and the scalar constants m0s = limb 0
 * times 2^12, m1 = limb 1, k0 = -m^-1 mod 2^52. */
struct ifma_mod {
	__m512i M[3], Ms[3];
	uint64_t m0s, m1, k0;
};

IFMA_TARGET static inline void mod52(struct ifma_mod *md, const uint64_t m[N],
				     uint64_t m0inv)
{
	const __m512i zero = _mm512_setzero_si512();

	to52(md->M, m, 0);
	md->Ms[0] = _mm512_alignr_epi64(md->M[1], md->M[0], 1);
	md->Ms[1] = _mm512_alignr_epi64(md->M[2], md->M[1], 1);
	md->Ms[2] = _mm512_alignr_epi64(zero, md->M[2], 1);
	md->m0s = limb52(m, 0, 0) << 12;
	md->m1 = limb52(m, 1, 0);
	md->k0 = m0inv & MASK52;
}

/* One factor pair of a row: A = a 2^16 (and A' one lane down) against b's
 * limbs b52[0..23] (b52[20..23] = 0, read one a row from memory: a
 * broadcast from memory is a load, not a shuffle). */
struct ifma_pair {
	__m512i A[3], As[3];
	const uint64_t *b52;
};

/*
 * Loads a b pair: A, A' from a (times 2^16), b's limbs into b52, and adds
 * the pair's position-1 terms to C: lane i gets lo(a1 b_i) + hi(a0 b_i) +
 * lo(a0 b_{i+1}) (b_20 = 0), what position 0 of row i + 1 receives from
 * a b besides the accumulator; returns lo(a0 b_0), position 0 of row 0.
 * Computing these for all rows at once (9 products in vectors) takes the
 * two scalar products a row used to cost off the scalar side.
 */
IFMA_TARGET static inline uint64_t pair52(struct ifma_pair *pr, __m512i C[3],
					  uint64_t b52[24], const uint64_t a[N],
					  const uint64_t b[N])
{
	const __m512i zero = _mm512_setzero_si512();
	__m512i B[3], Bs[3], a0, a1;

	to52(pr->A, a, 1);
	to52(B, b, 0);
	pr->As[0] = _mm512_alignr_epi64(pr->A[1], pr->A[0], 1);
	pr->As[1] = _mm512_alignr_epi64(pr->A[2], pr->A[1], 1);
	pr->As[2] = _mm512_alignr_epi64(zero, pr->A[2], 1);
	Bs[0] = _mm512_alignr_epi64(B[1], B[0], 1);
	Bs[1] = _mm512_alignr_epi64(B[2], B[1], 1);
	Bs[2] = _mm512_alignr_epi64(zero, B[2], 1);
	a0 = _mm512_permutexvar_epi64(zero, pr->A[0]);
	a1 = _mm512_permutexvar_epi64(_mm512_set1_epi64(1), pr->A[0]);
	for (int v = 0; v < 3; v++) {
		C[v] = _mm512_madd52lo_epu64(C[v], B[v], a1);
		C[v] = _mm512_madd52hi_epu64(C[v], B[v], a0);
		C[v] = _mm512_madd52lo_epu64(C[v], Bs[v], a0);
		_mm512_store_si512((void *)(b52 + 8 * v), B[v]);
	}
	pr->b52 = b52;
	return (limb52(a, 0, 1) * limb52(b, 0, 0)) & MASK52;
}

/*
 * The AMM rows over np (1 or 2) factor pairs: X = (sum a b 2^16 + Q m) /
 * 2^1040 unnormalised, in lanes 0..19 (lanes 20..23 = 0).  c52: the
 * position-1 terms of pair52 (summed over the pairs), s: position 0 of
 * row 0.
 *
 * Row i: x = x / 2^52 + lo(A' b_i) + hi(A b_i) + lo(M' y) + hi(M y) (per
 * pair).  Lane 0 of x (position 0 of the next row, which y is computed
 * from) is kept exact in the scalar s instead: s for row i + 1 is lane 1
 * of x at the start of row i (extracted a row ahead) + c52[i] + the carry
 * out of position 0 + lo(m1 y) + hi(m0 y).  Lanes stay below 2^59: each
 * row adds at most six values < 2^52 to a lane.
 *
 * What bounds a row is latency, not port throughput (removing half of
 * the madds changed little; measured), along two loops: y -> hi(m0 y) ->
 * s -> y (scalar), and y -> Y -> x -> lane 1 -> s two rows on.  Hence:
 * ys = y 2^12 = s (k0 2^12) mod 2^64 (no mask on the scalar loop: one
 * 64x64 product with the plain m0 then gives hi(m0 y) in its high word,
 * and m1 ys / 2^12 = lo(m1 y)); the shift of x feeds the hi(M y) madd and
 * the b terms and lo(M' y) go to a second register, so Y reaches x
 * through one madd and one addition; the extracted lane is added last.
 */
IFMA_TARGET static inline void amm52(__m512i X[3], const struct ifma_mod *md,
				     const struct ifma_pair *pr, int np,
				     const uint64_t c52[24], uint64_t s)
{
	const __m512i zero = _mm512_setzero_si512();
	__m512i x0 = zero, x1 = zero, x2 = zero;
	const uint64_t k0s = md->k0 << 12, m0 = md->m0s >> 12, m1 = md->m1;
	uint64_t l1 = 0; /* lane 1 of x at the row's start */

#pragma GCC unroll 20
	for (int i = 0; i < L52; i++) {
		const uint64_t ys = s * k0s;
		const __m512i Y = _mm512_set1_epi64((long long)(ys >> 12));
		/* s + lo(m0 y) is s rounded up to a multiple of 2^52 */
		const uint64_t carry = (s + MASK52) >> 52;
		const uint64_t u = c52[i] + carry + ((m1 * ys) >> 12);
		const uint64_t q0hi = (uint64_t)(((u128)m0 * ys) >> 64);
		__m512i g0 = zero, g1 = zero, g2 = zero;

		for (int k = 0; k < np; k++) {
			const __m512i B =
			    _mm512_set1_epi64((long long)pr[k].b52[i]);

			g0 = _mm512_madd52lo_epu64(g0, pr[k].As[0], B);
			g1 = _mm512_madd52lo_epu64(g1, pr[k].As[1], B);
			g2 = _mm512_madd52lo_epu64(g2, pr[k].As[2], B);
			g0 = _mm512_madd52hi_epu64(g0, pr[k].A[0], B);
			g1 = _mm512_madd52hi_epu64(g1, pr[k].A[1], B);
			g2 = _mm512_madd52hi_epu64(g2, pr[k].A[2], B);
		}
		g0 = _mm512_madd52lo_epu64(g0, md->Ms[0], Y);
		g1 = _mm512_madd52lo_epu64(g1, md->Ms[1], Y);
		g2 = _mm512_madd52lo_epu64(g2, md->Ms[2], Y);
		x0 = _mm512_madd52hi_epu64(_mm512_alignr_epi64(x1, x0, 1),
					   md->M[0], Y);
		x1 = _mm512_madd52hi_epu64(_mm512_alignr_epi64(x2, x1, 1),
					   md->M[1], Y);
		x2 = _mm512_madd52hi_epu64(_mm512_alignr_epi64(zero, x2, 1),
					   md->M[2], Y);
		x0 = _mm512_add_epi64(x0, g0);
		x1 = _mm512_add_epi64(x1, g1);
		x2 = _mm512_add_epi64(x2, g2);

		s = (u + l1) + q0hi;
		l1 = (uint64_t)_mm_extract_epi64(_mm512_castsi512_si128(x0), 1);
	}
	X[0] = _mm512_mask_set1_epi64(x0, 1, (long long)s);
	X[1] = x1;
	X[2] = x2;
}

/* Zero the stack copies of the secret limbs: vector stores and a barrier
 * the compiler cannot see through (mcx_wipe's out-of-line calls measured
 * about a third of this kernel's time). */
IFMA_TARGET static inline void wipe52(uint64_t *p, int vectors)
{
	const __m512i zero = _mm512_setzero_si512();

	/* (the barrier in the loop also keeps gcc from turning the stores
	 * into a rep stos, which measured slower than the stores) */
	for (int v = 0; v < vectors; v++) {
		_mm512_store_si512((void *)(p + 8 * v), zero);
		__asm__ volatile("" : : "r"(p) : "memory");
	}
}

IFMA_TARGET void mcx_fp1024_mont_mul_ifma(uint64_t r[N], const uint64_t a[N],
					  const uint64_t b[N],
					  const uint64_t m[N], uint64_t m0inv)
{
	const __m512i zero = _mm512_setzero_si512();
	/* b52[0..23]: b's limbs; c52[24..47]: the position-1 terms */
	uint64_t buf[48] __attribute__((aligned(64)));
	struct ifma_mod md;
	struct ifma_pair pr;
	__m512i C[3] = {zero, zero, zero}, X[3];
	uint64_t s = 0;

	mod52(&md, m, m0inv);
	s = pair52(&pr, C, buf, a, b);
	for (int v = 0; v < 3; v++)
		_mm512_store_si512((void *)(buf + 24 + 8 * v), C[v]);
	/* the rows load b's limbs and c52 (one load each) */
	__asm__ volatile("" : : "r"(buf) : "memory");
	amm52(X, &md, &pr, 1, buf + 24, s);
	out52(r, X[0], X[1], X[2], md.M, 1);
	wipe52(buf, 6);
}

/*
 * r = (a b + c d) 2^-1024 mod m in one AMM pass (both products in each
 * row, one reduction digit a row): (a b 2^16 + c d 2^16 + Q m) / 2^1040 <
 * 2m (m / 2^1024) + m < 3m, so two masked subtractions.  For a, b, c, d
 * < m.
 */
IFMA_TARGET void mcx_fp1024_mul2_add_ifma(uint64_t r[N], const uint64_t a[N],
					  const uint64_t b[N],
					  const uint64_t c[N],
					  const uint64_t d[N],
					  const uint64_t m[N], uint64_t m0inv)
{
	const __m512i zero = _mm512_setzero_si512();
	/* b52, d52, then c52 (24 limbs each) */
	uint64_t buf[72] __attribute__((aligned(64)));
	struct ifma_mod md;
	struct ifma_pair pr[2];
	__m512i C[3] = {zero, zero, zero}, X[3];
	uint64_t s = 0;

	mod52(&md, m, m0inv);
	s = pair52(&pr[0], C, buf, a, b);
	s += pair52(&pr[1], C, buf + 24, c, d);
	for (int v = 0; v < 3; v++)
		_mm512_store_si512((void *)(buf + 48 + 8 * v), C[v]);
	__asm__ volatile("" : : "r"(buf) : "memory");
	amm52(X, &md, pr, 2, buf + 48, s);
	out52(r, X[0], X[1], X[2], md.M, 2);
	wipe52(buf, 9);
}

IFMA_TARGET void mcx_fp1024_ifma_out52(uint64_t r[N], const uint64_t x[24],
				       const uint64_t m[N])
{
	__m512i M[3];

	to52(M, m, 0);
	out52(r, _mm512_loadu_si512((const void *)x),
	      _mm512_loadu_si512((const void *)(x + 8)),
	      _mm512_loadu_si512((const void *)(x + 16)), M, 1);
}

/*
 * Montgomery reduction of a 2048-bit t (lazy reduction, contract in
 * fp1024_kernel.h: t < 2m 2^1024, r = t 2^-1024 mod m).  The same rows as
 * the product without the b terms, over t 2^16 in 40 lanes (t's low half
 * converted with the 16-bit offset fills lanes 0..19 exactly, its high half
 * plainly lanes 20..39); the window of five vectors moves down one lane a
 * row.  (t 2^16 + Q m) / 2^1040 < 2m + m: two masked subtractions.
 */
IFMA_TARGET void mcx_fp1024_redc_ifma(uint64_t r[N], const uint64_t t[2 * N],
				      const uint64_t m[N], uint64_t m0inv)
{
	const __m512i zero = _mm512_setzero_si512();
	__m512i L[3], H[3], M[3], Ms[3];
	__m512i p0, p1, p2, p3, p4;
	const uint64_t k0 = m0inv & MASK52;
	const uint64_t m0s = limb52(m, 0, 0) << 12, m1 = limb52(m, 1, 0);
	uint64_t s = limb52(t, 0, 1);
	uint64_t l1 = limb52(t, 1, 1);

	to52(L, t, 1);
	to52(H, t + N, 0);
	to52(M, m, 0);
	Ms[0] = _mm512_alignr_epi64(M[1], M[0], 1);
	Ms[1] = _mm512_alignr_epi64(M[2], M[1], 1);
	Ms[2] = _mm512_alignr_epi64(zero, M[2], 1);
	p0 = L[0];
	p1 = L[1];
	p2 = _mm512_permutex2var_epi64(
	    L[2], _mm512_set_epi64(11, 10, 9, 8, 3, 2, 1, 0), H[0]);
	p3 = _mm512_permutex2var_epi64(
	    H[0], _mm512_set_epi64(11, 10, 9, 8, 7, 6, 5, 4), H[1]);
	p4 = _mm512_permutex2var_epi64(
	    H[1], _mm512_set_epi64(11, 10, 9, 8, 7, 6, 5, 4), H[2]);

#pragma GCC unroll 20
	for (int i = 0; i < L52; i++) {
		const uint64_t y = (s * k0) & MASK52;
		const __m512i Y = _mm512_set1_epi64((long long)y);
		const uint64_t carry = (s + MASK52) >> 52;
		const uint64_t q0hi = (uint64_t)(((u128)m0s * y) >> 64);
		const uint64_t q1lo = (m1 * y) & MASK52;
		__m512i g0, g1, g2;

		g0 = _mm512_madd52lo_epu64(zero, Ms[0], Y);
		g1 = _mm512_madd52lo_epu64(zero, Ms[1], Y);
		g2 = _mm512_madd52lo_epu64(zero, Ms[2], Y);
		g0 = _mm512_madd52hi_epu64(g0, M[0], Y);
		g1 = _mm512_madd52hi_epu64(g1, M[1], Y);
		g2 = _mm512_madd52hi_epu64(g2, M[2], Y);
		p0 = _mm512_add_epi64(_mm512_alignr_epi64(p1, p0, 1), g0);
		p1 = _mm512_add_epi64(_mm512_alignr_epi64(p2, p1, 1), g1);
		p2 = _mm512_add_epi64(_mm512_alignr_epi64(p3, p2, 1), g2);
		p3 = _mm512_alignr_epi64(p4, p3, 1);
		p4 = _mm512_alignr_epi64(zero, p4, 1);
		s = carry + l1 + q1lo + q0hi;
		l1 = (uint64_t)_mm_extract_epi64(_mm512_castsi512_si128(p0), 1);
	}
	out52(r, _mm512_mask_set1_epi64(p0, 1, (long long)s), p1, p2, M, 2);
}

void mcx_fp1024_mont_sqr_ifma(uint64_t r[N], const uint64_t a[N],
			      const uint64_t m[N], uint64_t m0inv)
{
	/* No separate squaring: in radix 2^52 with 8-lane vectors the
	 * symmetric products do not halve the row count. */
	mcx_fp1024_mont_mul_ifma(r, a, a, m, m0inv);
}

#endif /* MCX_HAVE_FP1024_IFMA */
