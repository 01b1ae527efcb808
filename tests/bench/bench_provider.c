/*
 * BENCH: ECCSI signing through the OpenSSL provider (EVP_DigestSignInit_ex
 * + EVP_DigestSign with a key from a pkcs11: URI, a fresh EVP_MD_CTX per
 * signature as an application makes one) against the token's own C_SignInit
 * + C_Sign on the same key, in the same run (issue 7 bar: >= 0.8x).  Also
 * SAKKE encapsulation and ECCSI verification through the provider.  Each
 * figure is the median of MCXHSM_BENCH_REPS (default 5) windows of
 * MCXHSM_BENCH_SECONDS (default 0.4) seconds, the two signers alternating.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/store.h>

#include "tests/provider/fixture.h"

#define PROPQ "provider=mcxhsm"

static struct mcxp_fixture fx;
static OSSL_LIB_CTX *libctx;
static EVP_PKEY *gms, *kpak, *zt;
static CK_SESSION_HANDLE sess;
static const uint8_t msg[100] = "a MIKEY I_MESSAGE of about one hundred";

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

static EVP_PKEY *load(const char *uri)
{
	OSSL_STORE_CTX *st = OSSL_STORE_open_ex(uri, libctx, PROPQ, NULL, NULL,
						NULL, NULL, NULL);
	EVP_PKEY *k = NULL;
	while (st != NULL && k == NULL && !OSSL_STORE_eof(st)) {
		OSSL_STORE_INFO *i = OSSL_STORE_load(st);
		if (i == NULL)
			continue;
		k = OSSL_STORE_INFO_get_type(i) == OSSL_STORE_INFO_PKEY
			? OSSL_STORE_INFO_get1_PKEY(i)
			: OSSL_STORE_INFO_get1_PUBKEY(i);
		OSSL_STORE_INFO_free(i);
	}
	OSSL_STORE_close(st);
	if (k == NULL) {
		ERR_print_errors_fp(stderr);
		fprintf(stderr, "%s not found\n", uri);
		exit(1);
	}
	return k;
}

static int provider_sign(void)
{
	uint8_t sig[160];
	size_t sl = sizeof(sig);
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	int ok = EVP_DigestSignInit_ex(md, NULL, NULL, libctx, PROPQ, gms,
				       NULL) == 1 &&
		 EVP_DigestSign(md, sig, &sl, msg, sizeof(msg)) == 1;
	EVP_MD_CTX_free(md);
	return ok;
}

static int token_sign(void)
{
	uint8_t sig[160];
	CK_ULONG sl = sizeof(sig);
	CK_MECHANISM m = {CKM_MCX_ECCSI, NULL, 0};
	return fx.p11.f->C_SignInit(sess, &m, fx.gms_ssk) == CKR_OK &&
	       fx.p11.f->C_Sign(sess, (CK_BYTE_PTR)msg, sizeof(msg), sig,
				&sl) == CKR_OK;
}

static uint8_t sig0[160];

static int provider_verify(void)
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	OSSL_PARAM p[] = {
	    OSSL_PARAM_construct_octet_string("signer-id", fx.gms.uid, 32),
	    OSSL_PARAM_END,
	};
	int ok = EVP_DigestVerifyInit_ex(md, NULL, NULL, libctx, PROPQ, kpak,
					 p) == 1 &&
		 EVP_DigestVerify(md, sig0, 129, msg, sizeof(msg)) == 1;
	EVP_MD_CTX_free(md);
	return ok;
}

static int provider_encap(void)
{
	uint8_t sed[300], ssv[16];
	size_t el = sizeof(sed), sl = sizeof(ssv);
	EVP_PKEY_CTX *c = EVP_PKEY_CTX_new_from_pkey(libctx, zt, PROPQ);
	OSSL_PARAM p[] = {
	    OSSL_PARAM_construct_octet_string("receiver-id", fx.alice.uid, 32),
	    OSSL_PARAM_END,
	};
	int ok = c != NULL && EVP_PKEY_encapsulate_init(c, p) == 1 &&
		 EVP_PKEY_encapsulate(c, sed, &el, ssv, &sl) == 1;
	EVP_PKEY_CTX_free(c);
	return ok;
}

static CK_OBJECT_HANDLE ssv_key;

/* the token's own SAKKE wrap of one session MCX key (no object made) */
static int token_wrap(void)
{
	uint8_t sed[300];
	CK_ULONG wl = sizeof(sed);
	CK_MCX_SAKKE_PARAMS p = {fx.alice.uid, 32};
	CK_MECHANISM m = {CKM_MCX_SAKKE, &p, sizeof(p)};
	return fx.p11.f->C_WrapKey(sess, &m, fx.zt, ssv_key, sed, &wl) ==
	       CKR_OK;
}

static void make_ssv_key(void)
{
	CK_OBJECT_CLASS cls = CKO_SECRET_KEY;
	CK_KEY_TYPE kt = CKK_MCX_KEY;
	CK_ULONG purpose = CKP_MCX_CSK;
	CK_BBOOL no = CK_FALSE, yes = CK_TRUE;
	uint8_t v[16] = {1, 2, 3};
	CK_ATTRIBUTE t[] = {
	    {CKA_CLASS, &cls, sizeof(cls)},
	    {CKA_KEY_TYPE, &kt, sizeof(kt)},
	    {CKA_TOKEN, &no, sizeof(no)},
	    {CKA_MCX_KEY_PURPOSE, &purpose, sizeof(purpose)},
	    {CKA_VALUE, v, sizeof(v)},
	    {CKA_EXTRACTABLE, &yes, sizeof(yes)},
	};
	MCX_P11_CHECK(fx.p11.f->C_CreateObject(sess, t, 6, &ssv_key), CKR_OK);
}

/* Operations per second of fn over one window. */
static double rate(int (*fn)(void), double secs)
{
	long n = 0;
	double t0 = now(), t = t0;
	while (t - t0 < secs) {
		if (!fn()) {
			ERR_print_errors_fp(stderr);
			fprintf(stderr, "operation failed\n");
			exit(1);
		}
		n++;
		if ((n & 15) == 0)
			t = now();
	}
	t = now();
	return (double)n / (t - t0);
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp);
	return v[n / 2];
}

int main(void)
{
	int reps = (int)env_double("MCXHSM_BENCH_REPS", 5);
	double secs = env_double("MCXHSM_BENCH_SECONDS", 0.4);
	if (reps < 1 || reps > 99)
		reps = 5;
	double ps[99], ts[99], pv[99], pe[99], tw[99];
	mcxp_fixture_make(&fx);
	libctx = mcxp_provider_libctx(&fx);
	if (libctx == NULL)
		return 1;
	gms = load("pkcs11:token=" MCXP_TOKEN ";object=gms-eccsi");
	kpak = load("pkcs11:token=" MCXP_TOKEN ";object=kms-eccsi");
	zt = load("pkcs11:token=" MCXP_TOKEN ";object=kms-sakke");
	sess = mcxp_fixture_session(&fx);
	{
		size_t sl = sizeof(sig0);
		EVP_MD_CTX *md = EVP_MD_CTX_new();
		if (EVP_DigestSignInit_ex(md, NULL, NULL, libctx, PROPQ, gms,
					  NULL) != 1 ||
		    EVP_DigestSign(md, sig0, &sl, msg, sizeof(msg)) != 1)
			return 1;
		EVP_MD_CTX_free(md);
	}
	make_ssv_key();
	/* warm up both paths (engine caches, session pool) */
	rate(provider_sign, secs / 4);
	rate(token_sign, secs / 4);
	for (int i = 0; i < reps; i++) {
		ps[i] = rate(provider_sign, secs);
		ts[i] = rate(token_sign, secs);
	}
	for (int i = 0; i < reps; i++) {
		pv[i] = rate(provider_verify, secs);
		pe[i] = rate(provider_encap, secs);
		tw[i] = rate(token_wrap, secs);
	}
	double p = median(ps, reps), t = median(ts, reps);
	printf("BENCH provider_eccsi_sign %.0f /s\n", p);
	printf("BENCH token_eccsi_sign_direct %.0f /s\n", t);
	printf("BENCH provider_eccsi_sign_vs_token %.2f ratio\n", p / t);
	printf("BENCH provider_eccsi_verify %.0f /s\n", median(pv, reps));
	double e = median(pe, reps), w = median(tw, reps);
	printf("BENCH provider_sakke_encapsulate %.0f /s\n", e);
	printf("BENCH token_sakke_wrap_direct %.0f /s\n", w);
	printf("BENCH provider_sakke_encapsulate_vs_token %.2f ratio\n", e / w);
	fx.p11.f->C_CloseSession(sess);
	EVP_PKEY_free(gms);
	EVP_PKEY_free(kpak);
	EVP_PKEY_free(zt);
	mcxp_provider_libctx_free(&fx, libctx);
	mcx_p11_close(&fx.p11);
	return 0;
}
