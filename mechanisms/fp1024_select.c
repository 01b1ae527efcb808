/*
 * Run-time choice of the 1024-bit Montgomery kernel: the AVX-512 IFMA one
 * when the CPU and OS support it, else the MULX/ADCX/ADOX one when the CPU
 * has BMI2 and ADX, else portable C.  MCXHSM_FP1024 (read once, at the
 * first call) overrides: "portable"; "adx" (without asking CPUID: for the
 * valgrind tests, whose CPUID hides ADX); "ifma" is the default where
 * available and otherwise ignored (there is no way to run AVX-512 where
 * CPUID denies it: valgrind does not emulate it, so the constant-time
 * harness of tests/ct covers the adx and portable kernels only).
 * The ifma path keeps the ADX mul_wide (every IFMA CPU has ADX) and adds
 * a fused a b + c d kernel (mcx_fp1024_mul2_select(); NULL elsewhere).
 */
#include "mechanisms/fp1024_kernel.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

static pthread_once_t select_once = PTHREAD_ONCE_INIT;
static mcx_fp1024_mont_mul_fn chosen = mcx_fp1024_mont_mul_portable;
static mcx_fp1024_mont_sqr_fn chosen_sqr = mcx_fp1024_mont_sqr_portable;
static mcx_fp1024_mul_wide_fn chosen_wide = mcx_fp1024_mul_wide_portable;
static mcx_fp1024_redc_fn chosen_redc = mcx_fp1024_redc_portable;
static mcx_fp1024_mul2_fn chosen_mul2;

static void choose(void)
{
	const char *env = getenv("MCXHSM_FP1024");

	chosen = mcx_fp1024_mont_mul_portable;
	chosen_sqr = mcx_fp1024_mont_sqr_portable;
	chosen_wide = mcx_fp1024_mul_wide_portable;
	chosen_redc = mcx_fp1024_redc_portable;
	chosen_mul2 = NULL;
	if (env != NULL && strcmp(env, "portable") == 0)
		return;
#ifdef MCX_HAVE_FP1024_IFMA
	if ((env == NULL || strcmp(env, "adx") != 0) &&
	    mcx_fp1024_cpu_has_ifma()) {
		chosen = mcx_fp1024_mont_mul_ifma;
		chosen_sqr = mcx_fp1024_mont_sqr_ifma;
		chosen_wide = mcx_fp1024_mul_wide_adx;
		chosen_redc = mcx_fp1024_redc_ifma;
		chosen_mul2 = mcx_fp1024_mul2_add_ifma;
		return;
	}
#endif
#ifdef MCX_HAVE_FP1024_ADX
	/* "adx" skips the CPUID test: valgrind runs MULX/ADCX/ADOX but hides
	 * ADX from its synthetic CPUID, and the constant-time harness must
	 * cover this kernel too (tests/ct/run-ct.sh sets it only when
	 * /proc/cpuinfo lists bmi2 and adx; elsewhere it would be SIGILL). */
	if (mcx_fp1024_cpu_has_adx() ||
	    (env != NULL && strcmp(env, "adx") == 0)) {
		chosen = mcx_fp1024_mont_mul_adx;
		chosen_sqr = mcx_fp1024_mont_sqr_adx;
		chosen_wide = mcx_fp1024_mul_wide_adx;
		chosen_redc = mcx_fp1024_redc_adx;
	}
#endif
}

mcx_fp1024_mont_mul_fn mcx_fp1024_mont_mul_select(void)
{
	pthread_once(&select_once, choose);
	return chosen;
}

mcx_fp1024_mont_sqr_fn mcx_fp1024_mont_sqr_select(void)
{
	pthread_once(&select_once, choose);
	return chosen_sqr;
}

mcx_fp1024_mul_wide_fn mcx_fp1024_mul_wide_select(void)
{
	pthread_once(&select_once, choose);
	return chosen_wide;
}

mcx_fp1024_redc_fn mcx_fp1024_redc_select(void)
{
	pthread_once(&select_once, choose);
	return chosen_redc;
}

mcx_fp1024_mul2_fn mcx_fp1024_mul2_select(void)
{
	pthread_once(&select_once, choose);
	return chosen_mul2;
}

const char *mcx_fp1024_mont_mul_name(mcx_fp1024_mont_mul_fn fn)
{
	if (fn == mcx_fp1024_mont_mul_portable)
		return "portable";
#ifdef MCX_HAVE_FP1024_ADX
	if (fn == mcx_fp1024_mont_mul_adx)
		return "adx";
#endif
#ifdef MCX_HAVE_FP1024_IFMA
	if (fn == mcx_fp1024_mont_mul_ifma)
		return "ifma";
#endif
	return "unknown";
}

uint64_t mcx_fp1024_m0inv(uint64_t m0)
{
	/* x = m0 is an inverse mod 2^3 (odd squares are 1 mod 8); each
	 * Newton step x = x(2 - m0 x) doubles the correct bits: 3, 6, 12, 24,
	 * 48, 96 >= 64. */
	uint64_t x = m0;

	for (int i = 0; i < 5; i++)
		x *= 2 - m0 * x;
	return 0 - x;
}
