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
 * reduction digit y = s * (-m^-1) mod 2^52 depends on it, and computing it
 * from a lane extracted from the vector would put a vector->GPR move on
 * the serial path of every row.  The scalar side computes the next s from
 * lane 1 of the accumulator (available one row ahead) plus the four
 * products touching position 1; the vector lane 0 is shifted out unused.
 *
 * Constant time: no branch or address depends on a value; carries,
 * borrows and the final subtraction go through masks (integer arithmetic
 * on k-register values, never a branch).  The one stack copy (b's limbs)
 * is zeroed on return.
 * Run-time choice (fp1024_select.c): only with CPUID bmi2, avx512f,
 * avx512vl, avx512bw, avx512ifma, avx512vbmi and zmm state enabled by the
 * OS (XGETBV).
 *
 * Measured (tests/bench/bench_fp1024, interleaved medians, this 2-core
 * Sapphire Rapids VM under load): mul 0.57-0.58x the ADX kernel's time
 * (148-170 ns against 260-287 ns), redc 0.78-0.86x.  The 20 rows are ~70%
 * of the product, bound by instruction throughput and the y -> Y ->
 * accumulator latency; tried and not kept (no gain, same run): the third
 * vector as ymm (4 live lanes), the row as inline assembler (gcc's code
 * has ~65 instructions a row, hand-written 45, same time), all products
 * accumulated directly into x (latency bound, 10% slower), an IFMA
 * mul_wide (0.97x of ADX), two independent products interleaved in one
 * loop (0.80-1.07x of two calls: the out-of-order core already overlaps
 * independent calls).
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
			      "avx512vbmi,bmi2")))

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
	/* EBX: 8 bmi2, 16 avx512f, 21 avx512ifma, 30 avx512bw, 31 avx512vl;
	 * ECX: 1 avx512vbmi. */
	return (ebx & (1u << 8)) != 0 && (ebx & (1u << 16)) != 0 &&
	       (ebx & (1u << 21)) != 0 && (ebx & (1u << 30)) != 0 &&
	       (ebx & (1u << 31)) != 0 && (ecx & (1u << 1)) != 0;
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

/*
 * The result, out of radix 2^52: x (lanes < 2^63, value < 2m < 2^1025)
 * normalised, packed into 16 limbs and reduced once by m, all in vector
 * registers.  Carries: two shift-and-add rounds leave lanes <= 2^52; the
 * remaining +1 carries ripple through lanes equal to 2^52 - 1, resolved at
 * once with the mask addition ((G << 1) + P) ^ P (G: lanes that carry out,
 * P: lanes that pass a carry on).  The borrows of r - m the same way.
 */
IFMA_TARGET static inline void out52(uint64_t r[N], __m512i x0, __m512i x1,
				     __m512i x2, const uint64_t m[N], int nsub)
{
	const __m512i zero = _mm512_setzero_si512();
	const __m512i one = _mm512_set1_epi64(1);
	const __m512i mask = _mm512_set1_epi64((long long)MASK52);
	const __m512i mv0 = _mm512_loadu_si512((const void *)m);
	const __m512i mv1 = _mm512_loadu_si512((const void *)(m + 8));
	__m512i r0, r1, d0, d1;
	uint32_t g = 0, p = 0, inc = 0, take = 0;
	uint32_t top = 0;

	for (int round = 0; round < 2; round++) {
		const __m512i c0 = _mm512_srli_epi64(x0, 52);
		const __m512i c1 = _mm512_srli_epi64(x1, 52);
		const __m512i c2 = _mm512_srli_epi64(x2, 52);

		x0 = _mm512_add_epi64(_mm512_and_si512(x0, mask),
				      _mm512_alignr_epi64(c0, zero, 7));
		x1 = _mm512_add_epi64(_mm512_and_si512(x1, mask),
				      _mm512_alignr_epi64(c1, c0, 7));
		x2 = _mm512_add_epi64(_mm512_and_si512(x2, mask),
				      _mm512_alignr_epi64(c2, c1, 7));
	}
	g = (uint32_t)_mm512_cmpgt_epu64_mask(x0, mask) |
	    (uint32_t)_mm512_cmpgt_epu64_mask(x1, mask) << 8 |
	    (uint32_t)_mm512_cmpgt_epu64_mask(x2, mask) << 16;
	p = (uint32_t)_mm512_cmpeq_epu64_mask(x0, mask) |
	    (uint32_t)_mm512_cmpeq_epu64_mask(x1, mask) << 8 |
	    (uint32_t)_mm512_cmpeq_epu64_mask(x2, mask) << 16;
	inc = ((g << 1) + p) ^ p;
	x0 = _mm512_and_si512(_mm512_mask_add_epi64(x0, (__mmask8)inc, x0, one),
			      mask);
	x1 = _mm512_and_si512(
	    _mm512_mask_add_epi64(x1, (__mmask8)(inc >> 8), x1, one), mask);
	x2 = _mm512_and_si512(
	    _mm512_mask_add_epi64(x2, (__mmask8)(inc >> 16), x2, one), mask);
	/* bits 1024.. = limb 19 >> 36 (0..3: below 3m < 2^1026) */
	top = (uint32_t)((uint64_t)_mm_extract_epi64(
			     _mm512_extracti32x4_epi32(x2, 1), 1) >>
			 36);
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
	/* nsub times: d = r - m with its borrows; keep r when (top, r) < m,
	 * i.e. the subtraction borrows out of 1024 bits and top is 0 */
	for (int j = 0; j < nsub; j++) {
		uint32_t bout = 0, keep = 0;

		g = (uint32_t)_mm512_cmplt_epu64_mask(r0, mv0) |
		    (uint32_t)_mm512_cmplt_epu64_mask(r1, mv1) << 8;
		p = (uint32_t)_mm512_cmpeq_epu64_mask(r0, mv0) |
		    (uint32_t)_mm512_cmpeq_epu64_mask(r1, mv1) << 8;
		inc = ((g << 1) + p) ^ p; /* borrows into lanes 0..15 */
		bout = (inc >> 16) & 1;
		d0 = _mm512_sub_epi64(r0, mv0);
		d1 = _mm512_sub_epi64(r1, mv1);
		d0 = _mm512_mask_sub_epi64(d0, (__mmask8)inc, d0, one);
		d1 = _mm512_mask_sub_epi64(d1, (__mmask8)(inc >> 8), d1, one);
		keep = bout & ((top - 1) >> 31); /* top == 0, top <= 3 */
		take = 0 - (keep ^ 1);
		r0 = _mm512_mask_mov_epi64(r0, (__mmask8)take, d0);
		r1 = _mm512_mask_mov_epi64(r1, (__mmask8)take, d1);
		top -= bout & take;
	}
	_mm512_storeu_si512((void *)r, r0);
	_mm512_storeu_si512((void *)(r + 8), r1);
}

/*
 * The AMM rows.  A = a 2^16 and M in radix 2^52 (vectors); the scalars:
 * b52 = b's limbs (b52[20] = 0), a0s = limb 0 of A times 2^12, a1 = limb 1
 * of A, m0s = limb 0 of M times 2^12, m1, k0 = -m^-1 mod 2^52.  Leaves the
 * unnormalised result in t[0..19] (t[20..23] = 0).
 *
 * Scaling limb 0 by 2^12 makes one 64x64 product give both halves of the
 * 104-bit product: high word = its high 52 bits, low word >> 12 = its low
 * 52 bits.  Lanes stay below 2^64: each row adds four values < 2^52 to a
 * lane, 20 rows < 2^59.
 */
IFMA_TARGET static inline void amm52(__m512i X[3], const __m512i A[3],
				     const __m512i M[3], const uint64_t b52[24],
				     const uint64_t a0s, const uint64_t a1,
				     const uint64_t m0s, const uint64_t m1,
				     const uint64_t k0)
{
	const __m512i zero = _mm512_setzero_si512();
	__m512i x0 = zero, x1 = zero, x2 = zero;
	const u128 p0 = (u128)a0s * b52[0];
	/* s: the exact position-0 limb at the row's start, with this row's
	 * lo(a0 b_i) already added; p0hi: hi(a0 b_i), added at the next
	 * position */
	uint64_t s = (uint64_t)p0 >> 12;
	uint64_t p0hi = (uint64_t)(p0 >> 64);
	uint64_t l1 = 0; /* lane 1 of the accumulator at the row's start */
	const __m512i As[3] = {_mm512_alignr_epi64(A[1], A[0], 1),
			       _mm512_alignr_epi64(A[2], A[1], 1),
			       _mm512_alignr_epi64(zero, A[2], 1)};
	const __m512i Ms[3] = {_mm512_alignr_epi64(M[1], M[0], 1),
			       _mm512_alignr_epi64(M[2], M[1], 1),
			       _mm512_alignr_epi64(zero, M[2], 1)};

#pragma GCC unroll 20
	for (int i = 0; i < L52; i++) {
		const uint64_t bi = b52[i];
		const __m512i B = _mm512_set1_epi64((long long)bi);
		const uint64_t y = (s * k0) & MASK52;
		const __m512i Y = _mm512_set1_epi64((long long)y);
		/* s + lo(m0 y) is s rounded up to a multiple of 2^52 */
		const uint64_t carry = (s + MASK52) >> 52;
		const u128 pn = (u128)a0s * b52[i + 1]; /* next row's a0 b */
		/* the next row's position 0, but for the y terms */
		const uint64_t z = l1 + ((a1 * bi) & MASK52) + p0hi + carry +
				   ((uint64_t)pn >> 12);
		const uint64_t q0hi = (uint64_t)(((u128)m0s * y) >> 64);
		const uint64_t q1lo = (m1 * y) & MASK52;
		__m512i h0, h1, h2, g0, g1, g2;

		p0hi = (uint64_t)(pn >> 64);
		/* x = x / 2^52 + lo(A' B) + hi(A B) + lo(M' Y) + hi(M Y),
		 * A', M' = A, M one lane down (their lane 0 is position 0,
		 * kept in s): the shift of x does not wait for the products,
		 * the chain through x is a shift and two adds */
		h0 = _mm512_madd52lo_epu64(zero, As[0], B);
		h1 = _mm512_madd52lo_epu64(zero, As[1], B);
		h2 = _mm512_madd52lo_epu64(zero, As[2], B);
		g0 = _mm512_madd52lo_epu64(zero, Ms[0], Y);
		g1 = _mm512_madd52lo_epu64(zero, Ms[1], Y);
		g2 = _mm512_madd52lo_epu64(zero, Ms[2], Y);
		h0 = _mm512_madd52hi_epu64(h0, A[0], B);
		h1 = _mm512_madd52hi_epu64(h1, A[1], B);
		h2 = _mm512_madd52hi_epu64(h2, A[2], B);
		g0 = _mm512_madd52hi_epu64(g0, M[0], Y);
		g1 = _mm512_madd52hi_epu64(g1, M[1], Y);
		g2 = _mm512_madd52hi_epu64(g2, M[2], Y);
		x0 = _mm512_alignr_epi64(x1, x0, 1);
		x1 = _mm512_alignr_epi64(x2, x1, 1);
		x2 = _mm512_alignr_epi64(zero, x2, 1);
		x0 = _mm512_add_epi64(_mm512_add_epi64(x0, h0), g0);
		x1 = _mm512_add_epi64(_mm512_add_epi64(x1, h1), g1);
		x2 = _mm512_add_epi64(_mm512_add_epi64(x2, h2), g2);

		s = z + q1lo + q0hi;
		l1 = (uint64_t)_mm_extract_epi64(_mm512_castsi512_si128(x0), 1);
	}
	X[0] = _mm512_mask_set1_epi64(x0, 1, (long long)s);
	X[1] = x1;
	X[2] = x2;
}

IFMA_TARGET void mcx_fp1024_mont_mul_ifma(uint64_t r[N], const uint64_t a[N],
					  const uint64_t b[N],
					  const uint64_t m[N], uint64_t m0inv)
{
	const __m512i zero = _mm512_setzero_si512();
	__m512i A[3], B[3], M[3], X[3];
	uint64_t b52[24] __attribute__((aligned(64)));

	to52(A, a, 1);
	to52(B, b, 0);
	to52(M, m, 0);
	_mm512_store_si512((void *)b52, B[0]);
	_mm512_store_si512((void *)(b52 + 8), B[1]);
	_mm512_store_si512((void *)(b52 + 16), B[2]);
	/* make the rows load b's limbs (one load each) instead of extracting
	 * them from B[] (two shuffles each) */
	__asm__ volatile("" : : "r"(b52) : "memory");
	amm52(X, A, M, b52, limb52(a, 0, 1) << 12, limb52(a, 1, 1),
	      limb52(m, 0, 0) << 12, limb52(m, 1, 0), m0inv & MASK52);
	out52(r, X[0], X[1], X[2], m, 1);
	/* wipe the stack copy of b: vector stores and a barrier the compiler
	 * cannot see through (mcx_wipe's out-of-line calls measured about a
	 * third of this kernel's time) */
	_mm512_store_si512((void *)b52, zero);
	_mm512_store_si512((void *)(b52 + 8), zero);
	_mm512_store_si512((void *)(b52 + 16), zero);
	__asm__ volatile("" : : "r"(b52) : "memory");
}

IFMA_TARGET void mcx_fp1024_ifma_out52(uint64_t r[N], const uint64_t x[24],
				       const uint64_t m[N])
{
	out52(r, _mm512_loadu_si512((const void *)x),
	      _mm512_loadu_si512((const void *)(x + 8)),
	      _mm512_loadu_si512((const void *)(x + 16)), m, 1);
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
	out52(r, _mm512_mask_set1_epi64(p0, 1, (long long)s), p1, p2, m, 2);
}

void mcx_fp1024_mont_sqr_ifma(uint64_t r[N], const uint64_t a[N],
			      const uint64_t m[N], uint64_t m0inv)
{
	/* No separate squaring: in radix 2^52 with 8-lane vectors the
	 * symmetric products do not halve the row count. */
	mcx_fp1024_mont_mul_ifma(r, a, a, m, m0inv);
}

#endif /* MCX_HAVE_FP1024_IFMA */
