/*
 * BENCH: CKM_MCX_ECCSI through PKCS#11 (C_SignInit + C_Sign and
 * C_VerifyInit + C_Verify on a 700-octet message, the size of an
 * I_MESSAGE, with the Streamwide v5 GMS key set) against the pure engine
 * (mcx_eccsi_sign / mcx_eccsi_verifier_verify with cached state), measured
 * in the same run.  Each figure is the median of MCXHSM_BENCH_REPS (default
 * 5) windows of MCXHSM_BENCH_SECONDS (default 0.4) seconds.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mechanisms/eccsi.h"
#include "tests/blackbox/mcx_streamwide.h"
#include "tests/blackbox/p11_helpers.h"

#define MSG_LEN 700

static struct mcx_p11 p11;
static CK_SESSION_HANDLE sess;
static CK_OBJECT_HANDLE kpak_h, ssk_h;
static struct mcx_sw sw;
static struct mcx_sw_user gms;
static uint8_t msg[MSG_LEN], sig[MCX_ECCSI_SIG_LEN];
static struct mcx_eccsi_signer *signer;
static struct mcx_eccsi_verifier *verifier;

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double env_double(const char *name, double dflt)
{
	const char *v = getenv(name);
	return v != NULL && *v != '\0' ? atof(v) : dflt;
}

static void fail(const char *what)
{
	fprintf(stderr, "bench_mcx_eccsi: %s failed\n", what);
	exit(1);
}

static void p11_sign(void)
{
	CK_MECHANISM m = {CKM_MCX_ECCSI, NULL, 0};
	CK_ULONG l = sizeof(sig);
	if (p11.f->C_SignInit(sess, &m, ssk_h) != CKR_OK ||
	    p11.f->C_Sign(sess, msg, MSG_LEN, sig, &l) != CKR_OK)
		fail("C_Sign");
}

static void p11_verify(void)
{
	CK_MCX_ECCSI_PARAMS p = {gms.uid, 32};
	CK_MECHANISM m = {CKM_MCX_ECCSI, &p, sizeof(p)};
	if (p11.f->C_VerifyInit(sess, &m, kpak_h) != CKR_OK ||
	    p11.f->C_Verify(sess, msg, MSG_LEN, sig, sizeof(sig)) != CKR_OK)
		fail("C_Verify");
}

static void engine_sign(void)
{
	if (mcx_eccsi_sign(signer, msg, MSG_LEN, sig) != MCX_OK)
		fail("mcx_eccsi_sign");
}

static void engine_verify(void)
{
	if (mcx_eccsi_verifier_verify(verifier, msg, MSG_LEN, sig,
				      sizeof(sig)) != MCX_OK)
		fail("mcx_eccsi_verifier_verify");
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* Median operations per second of fn over reps windows. */
static double rate(void (*fn)(void), int reps, double seconds)
{
	double r[32];
	if (reps > 32)
		reps = 32;
	fn(); /* warm the caches */
	for (int i = 0; i < reps; i++) {
		double t0 = now(), t = t0;
		long n = 0;
		while ((t = now()) - t0 < seconds) {
			fn();
			n++;
		}
		r[i] = (double)n / (t - t0);
	}
	qsort(r, (size_t)reps, sizeof(r[0]), cmp);
	return r[reps / 2];
}

int main(void)
{
	int reps = (int)env_double("MCXHSM_BENCH_REPS", 5);
	double secs = env_double("MCXHSM_BENCH_SECONDS", 0.4);
	CK_OBJECT_HANDLE h = CK_INVALID_HANDLE;
	struct mcx_eccsi_kpak *kpak = NULL;

	if (reps < 1)
		reps = 1;
	for (size_t i = 0; i < MSG_LEN; i++)
		msg[i] = (uint8_t)i;
	mcx_sw_load(&sw);
	mcx_sw_user(&sw, "GMS", &gms);
	mcx_p11_open(&p11);
	mcx_p11_init_token(&p11, "bench-mcx", "so-secret-1", "user-secret-1");
	sess = mcx_p11_session(&p11, CKU_USER, "user-secret-1");
	if (mcx_sw_create_sakke_public(p11.f, sess, &sw, sw.z_t, &h) !=
		CKR_OK ||
	    mcx_sw_create_eccsi_public(p11.f, sess, &sw, sw.kpak, &kpak_h) !=
		CKR_OK ||
	    mcx_sw_create_ssk(p11.f, sess, sw.kms_uri, &gms, &ssk_h) != CKR_OK)
		fail("key import");
	if (mcx_eccsi_kpak_new(&kpak, sw.kpak, sizeof(sw.kpak)) != MCX_OK ||
	    mcx_eccsi_signer_new(&signer, kpak, gms.uid, 32, gms.ssk, 32,
				 gms.pvt, 65) != MCX_OK ||
	    mcx_eccsi_verifier_new(&verifier, kpak, gms.uid, 32, gms.pvt, 65) !=
		MCX_OK)
		fail("engine setup");

	double ps = rate(p11_sign, reps, secs);
	double es = rate(engine_sign, reps, secs);
	p11_sign();
	double pv = rate(p11_verify, reps, secs);
	double ev = rate(engine_verify, reps, secs);
	printf("BENCH mcx_eccsi_sign_p11 %.0f ops/s\n", ps);
	printf("BENCH mcx_eccsi_sign_engine %.0f ops/s\n", es);
	printf("BENCH mcx_eccsi_sign_p11_vs_engine %.2f ratio\n", ps / es);
	printf("BENCH mcx_eccsi_verify_p11 %.0f ops/s\n", pv);
	printf("BENCH mcx_eccsi_verify_engine %.0f ops/s\n", ev);
	printf("BENCH mcx_eccsi_verify_p11_vs_engine %.2f ratio\n", pv / ev);

	mcx_eccsi_verifier_free(verifier);
	mcx_eccsi_signer_free(signer);
	mcx_eccsi_kpak_free(kpak);
	p11.f->C_CloseSession(sess);
	mcx_p11_close(&p11);
	return 0;
}
