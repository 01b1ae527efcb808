/*
 * Modular addition and subtraction of 1024-bit values in two AVX-512
 * vectors, used with the IFMA multiplication kernel (same CPUs).  Contract
 * as mcx_fp1024_add/_sub (fp1024.h): a, b < m, the result fully reduced,
 * bit-identical to the scalar code.
 *
 * Why: the scalar versions are two 16-limb carry chains and a select; in
 * the SAKKE pairing they measured 13% of the time (perf, 2026-11-23) once
 * the products ran on IFMA, and the compiler's select vectorises into
 * 16-byte loads of 8-byte stores (store-forwarding stalls).
 *
 * Carries across the 16 lanes without a loop: a lane generates a carry
 * (G) when its sum wrapped, propagates one (P) when it is all ones; the
 * carry into each lane is ((G << 1) + P) ^ P as 17-bit integers (the
 * addition ripples through runs of P lanes at once), bit 16 the carry out
 * of the whole value.  Borrows the same way (G: a < b, P: a == b).  The
 * masks are values, never branched on: constant time.
 */
#include "mechanisms/fp1024_kernel.h"

#ifdef MCX_HAVE_FP1024_IFMA

#include <immintrin.h>

#define AVX512_TARGET __attribute__((target("avx512f")))

/* x + y as 1024 bits (x0/x1 the low/high eight limbs); returns the carry
 * out. */
AVX512_TARGET static inline uint32_t add1024(__m512i *r0, __m512i *r1,
					     __m512i x0, __m512i x1, __m512i y0,
					     __m512i y1)
{
	const __m512i ones = _mm512_set1_epi64(-1);
	const __m512i s0 = _mm512_add_epi64(x0, y0);
	const __m512i s1 = _mm512_add_epi64(x1, y1);
	const uint32_t g = (uint32_t)_mm512_cmplt_epu64_mask(s0, x0) |
			   (uint32_t)_mm512_cmplt_epu64_mask(s1, x1) << 8;
	const uint32_t p = (uint32_t)_mm512_cmpeq_epi64_mask(s0, ones) |
			   (uint32_t)_mm512_cmpeq_epi64_mask(s1, ones) << 8;
	const uint32_t c = (g << 1) + p;
	const uint32_t cin = c ^ p;

	/* + 1 where a carry comes in: subtract all-ones */
	*r0 = _mm512_mask_sub_epi64(s0, (__mmask8)cin, s0, ones);
	*r1 = _mm512_mask_sub_epi64(s1, (__mmask8)(cin >> 8), s1, ones);
	return (c >> 16) & 1;
}

/* x - y as 1024 bits; returns the borrow out. */
AVX512_TARGET static inline uint32_t sub1024(__m512i *r0, __m512i *r1,
					     __m512i x0, __m512i x1, __m512i y0,
					     __m512i y1)
{
	const __m512i ones = _mm512_set1_epi64(-1);
	const __m512i d0 = _mm512_sub_epi64(x0, y0);
	const __m512i d1 = _mm512_sub_epi64(x1, y1);
	const uint32_t g = (uint32_t)_mm512_cmplt_epu64_mask(x0, y0) |
			   (uint32_t)_mm512_cmplt_epu64_mask(x1, y1) << 8;
	const uint32_t p = (uint32_t)_mm512_cmpeq_epi64_mask(x0, y0) |
			   (uint32_t)_mm512_cmpeq_epi64_mask(x1, y1) << 8;
	const uint32_t b = (g << 1) + p;
	const uint32_t bin = b ^ p;

	/* - 1 where a borrow comes in: add all-ones */
	*r0 = _mm512_mask_add_epi64(d0, (__mmask8)bin, d0, ones);
	*r1 = _mm512_mask_add_epi64(d1, (__mmask8)(bin >> 8), d1, ones);
	return (b >> 16) & 1;
}

AVX512_TARGET void mcx_fp1024_add_avx512(uint64_t r[MCX_FP1024_LIMBS],
					 const uint64_t a[MCX_FP1024_LIMBS],
					 const uint64_t b[MCX_FP1024_LIMBS],
					 const uint64_t m[MCX_FP1024_LIMBS])
{
	__m512i s0, s1, t0, t1;
	const uint32_t carry =
	    add1024(&s0, &s1, _mm512_loadu_si512(a), _mm512_loadu_si512(a + 8),
		    _mm512_loadu_si512(b), _mm512_loadu_si512(b + 8));
	const uint32_t borrow = sub1024(&t0, &t1, s0, s1, _mm512_loadu_si512(m),
					_mm512_loadu_si512(m + 8));
	/* a + b >= m exactly when the sum carried or s - m did not borrow */
	const __mmask8 take = (__mmask8)(0 - (carry | (borrow ^ 1)));

	_mm512_storeu_si512(r, _mm512_mask_mov_epi64(s0, take, t0));
	_mm512_storeu_si512(r + 8, _mm512_mask_mov_epi64(s1, take, t1));
}

AVX512_TARGET void mcx_fp1024_sub_avx512(uint64_t r[MCX_FP1024_LIMBS],
					 const uint64_t a[MCX_FP1024_LIMBS],
					 const uint64_t b[MCX_FP1024_LIMBS],
					 const uint64_t m[MCX_FP1024_LIMBS])
{
	__m512i d0, d1, e0, e1;
	const uint32_t borrow =
	    sub1024(&d0, &d1, _mm512_loadu_si512(a), _mm512_loadu_si512(a + 8),
		    _mm512_loadu_si512(b), _mm512_loadu_si512(b + 8));
	/* a < b: add m back (the carry out is the borrow's complement) */
	const __mmask8 add = (__mmask8)(0 - borrow);

	(void)add1024(&e0, &e1, d0, d1,
		      _mm512_maskz_mov_epi64(add, _mm512_loadu_si512(m)),
		      _mm512_maskz_mov_epi64(add, _mm512_loadu_si512(m + 8)));
	_mm512_storeu_si512(r, e0);
	_mm512_storeu_si512(r + 8, e1);
}

#endif /* MCX_HAVE_FP1024_IFMA */
