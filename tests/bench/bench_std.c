/*
 * Benchmark of the standard mechanisms through PKCS#11: AES-GCM encryption
 * of 1 KiB (C_EncryptInit + C_Encrypt per operation, a fresh IV each time)
 * with a 256-bit session key, on our module and on SoftHSMv2 in the same
 * run.  Prints
 *   BENCH aes_gcm_1k_encrypt <n> ops/s
 *   BENCH softhsm_aes_gcm_1k_encrypt <n> ops/s
 *   BENCH aes_gcm_1k_encrypt_vs_softhsm <ratio> ratio
 * Each figure is the median of MCXHSM_BENCH_REPS (default 5) runs of
 * MCXHSM_BENCH_SECONDS (default 0.5) seconds after a warm-up.  Bar (issue
 * 2): >= 100,000/s.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tests/blackbox/p11_helpers.h"

#define MAX_REPS 21

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double env_double(const char *name, double dflt)
{
	const char *v = getenv(name);

	return v != NULL && *v != '\0' ? atof(v) : dflt;
}

/* Operations per second of C_EncryptInit + C_Encrypt(1 KiB) for about
 * seconds. */
static double gcm_rate(CK_FUNCTION_LIST *f, CK_SESSION_HANDLE s,
		       CK_OBJECT_HANDLE k, double seconds)
{
	static unsigned char pt[1024];
	unsigned char iv[12] = {0}, ct[1024 + 16];
	CK_GCM_PARAMS gp = {iv, sizeof(iv), 96, NULL, 0, 128};
	CK_MECHANISM m = {CKM_AES_GCM, &gp, sizeof(gp)};
	unsigned long ops = 0;
	double t0 = now(), t = t0;

	do {
		for (int i = 0; i < 256; i++) {
			CK_ULONG n = sizeof(ct);

			/* A new IV per message, as GCM requires. */
			iv[0] = (unsigned char)ops;
			iv[1] = (unsigned char)(ops >> 8);
			iv[2] = (unsigned char)(ops >> 16);
			MCX_P11_CHECK(f->C_EncryptInit(s, &m, k), CKR_OK);
			MCX_P11_CHECK(f->C_Encrypt(s, pt, sizeof(pt), ct, &n),
				      CKR_OK);
			ops++;
		}
		t = now();
	} while (t - t0 < seconds);
	return (double)ops / (t - t0);
}

static double measure(struct mcx_p11 *p, int reps, double seconds)
{
	CK_BBOOL yes = CK_TRUE, no = CK_FALSE;
	CK_ULONG len = 32;
	CK_ATTRIBUTE t[] = {{CKA_VALUE_LEN, &len, sizeof(len)},
			    {CKA_TOKEN, &no, sizeof(no)},
			    {CKA_ENCRYPT, &yes, sizeof(yes)}};
	CK_MECHANISM gen = {CKM_AES_KEY_GEN, NULL, 0};
	CK_SESSION_HANDLE s = CK_INVALID_HANDLE;
	CK_OBJECT_HANDLE k = CK_INVALID_HANDLE;
	double rates[MAX_REPS];

	mcx_p11_init_token(p, "bench-std", "bench-so-pin", "bench-user-pin");
	s = mcx_p11_session(p, CKU_USER, "bench-user-pin");
	MCX_P11_CHECK(p->f->C_GenerateKey(s, &gen, t, 3, &k), CKR_OK);
	gcm_rate(p->f, s, k, seconds / 2); /* warm-up */
	for (int i = 0; i < reps; i++)
		rates[i] = gcm_rate(p->f, s, k, seconds);
	qsort(rates, (size_t)reps, sizeof(rates[0]), cmp_double);
	p->f->C_CloseSession(s);
	return rates[reps / 2];
}

int main(void)
{
	int reps = (int)env_double("MCXHSM_BENCH_REPS", 5);
	double seconds = env_double("MCXHSM_BENCH_SECONDS", 0.5);
	struct mcx_p11 ours, softhsm;
	double r_ours = 0, r_softhsm = 0;

	if (reps < 1)
		reps = 1;
	if (reps > MAX_REPS)
		reps = MAX_REPS;
	mcx_p11_open(&ours);
	r_ours = measure(&ours, reps, seconds);
	mcx_p11_close(&ours);
	printf("BENCH aes_gcm_1k_encrypt %.0f ops/s\n", r_ours);
	fflush(stdout);

	mcx_p11_open_softhsm(&softhsm);
	r_softhsm = measure(&softhsm, reps, seconds);
	mcx_p11_close(&softhsm);
	printf("BENCH softhsm_aes_gcm_1k_encrypt %.0f ops/s\n", r_softhsm);
	printf("BENCH aes_gcm_1k_encrypt_vs_softhsm %.2f ratio\n",
	       r_ours / r_softhsm);
	return 0;
}
