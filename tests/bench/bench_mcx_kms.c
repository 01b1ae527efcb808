/*
 * BENCH: the token's KMS role and TrK import through PKCS#11 (issue 4):
 *   kms_issue_keyset   C_WrapKey CKM_MCX_KMS_ISSUE of an RSK and an SSK/PVT
 *                      (one key set) under a TrK in token A
 *   kms_unwrap_keyset  C_UnwrapKey of that key set into token B (RSK with
 *                      CKM_AES_KEY_WRAP_KWP, SSK with CKM_AES_KEY_WRAP and
 *                      CKA_MCX_WRAPPED_PVT), UID recompute and validation
 *                      included, as session objects (bar: >= 100/s)
 * and, to say what limits the import, the RSK and SSK halves alone and the
 * pure engine's RSK validation (mcx_sakke_rsk_new, whose order check is
 * [q]RSK = O, plus mcx_sakke_rsk_validate, the pairing) and SSK validation
 * (mcx_eccsi_signer_new) on the same keys, measured in the same run.  Each
 * figure is the median of MCXHSM_BENCH_REPS (default 3) rounds of
 * MCXHSM_BENCH_KMS_N (default 40) key sets.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/evp.h>

#include "mechanisms/eccsi.h"
#include "mechanisms/sakke.h"
#include "tests/blackbox/p11_helpers.h"

#define PIN	"bench-pin-1"
#define KMS_URI "kms.bench.example.org"
#define PERIOD	2592000UL
#define PNO	1388UL
#define MAX_N	1000

struct keyset {
	char uri[64];
	uint8_t uid[32];
	uint8_t rsk_w[272];
	uint8_t ssk_w[120];
};

static struct mcx_p11 p11;
static CK_SESSION_HANDLE sa, sb;
static CK_OBJECT_HANDLE z_priv, k_priv, trk_a, trk_b;
static uint8_t z_t[257], kpak[65];
static struct keyset *ks;
static CK_OBJECT_HANDLE *made;
static CK_BBOOL yes = CK_TRUE, no = CK_FALSE;
static const uint8_t trk_value[16] = "bench-trk-value";

#define F p11.f

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static long env_long(const char *name, long dflt)
{
	const char *v = getenv(name);
	return v != NULL && *v != '\0' ? atol(v) : dflt;
}

static void check(CK_RV rv, const char *what)
{
	if (rv != CKR_OK) {
		fprintf(stderr, "bench_mcx_kms: %s: 0x%lx\n", what,
			(unsigned long)rv);
		exit(1);
	}
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_double);
	return v[n / 2];
}

/* F.2.1 UID (public data), as in tests/blackbox/test_mcx_kms.c. */
static void uid_of(const char *uri, uint8_t uid[32])
{
	uint8_t s[256];
	size_t off = 0, l = strlen(uri);
	unsigned int dl = 0;
	static const uint8_t tail[] = {0x27, 0x8d, 0x00, 0x00, 0x03, /* P3 */
				       0x00, 0x00, 0x01,	     /* P4 */
				       0x05, 0x6c, 0x00, 0x02};	     /* P5 */
	s[off++] = 0x00;
	memcpy(s + off, "MIKEY-SAKKE-UID\x00\x0f", 17);
	off += 17;
	memcpy(s + off, uri, l);
	off += l;
	s[off++] = (uint8_t)(l >> 8);
	s[off++] = (uint8_t)l;
	l = strlen(KMS_URI);
	memcpy(s + off, KMS_URI, l);
	off += l;
	s[off++] = (uint8_t)(l >> 8);
	s[off++] = (uint8_t)l;
	/* PERIOD = 2592000, offset 0, PNO = 1388 */
	memcpy(s + off, tail, sizeof(tail));
	off += sizeof(tail);
	if (EVP_Digest(s, off, uid, &dl, EVP_sha256(), NULL) != 1)
		check(CKR_FUNCTION_FAILED, "SHA-256");
}

static CK_OBJECT_HANDLE trk(CK_SESSION_HANDLE s)
{
	CK_OBJECT_CLASS cls = CKO_SECRET_KEY;
	CK_KEY_TYPE kt = CKK_AES;
	CK_ATTRIBUTE t[] = {
	    {CKA_CLASS, &cls, sizeof(cls)},  {CKA_KEY_TYPE, &kt, sizeof(kt)},
	    {CKA_TOKEN, &yes, sizeof(yes)},  {CKA_WRAP, &yes, sizeof(yes)},
	    {CKA_UNWRAP, &yes, sizeof(yes)}, {CKA_VALUE, (void *)trk_value, 16},
	};
	CK_OBJECT_HANDLE h = CK_INVALID_HANDLE;
	check(F->C_CreateObject(s, t, 6, &h), "TrK");
	return h;
}

static void kms(CK_KEY_TYPE kt, CK_OBJECT_HANDLE *priv, uint8_t *pub_value,
		CK_ULONG len)
{
	CK_MECHANISM m = {CKM_MCX_KMS_KEY_GEN, NULL, 0};
	CK_ULONG period = PERIOD, offset = 0;
	CK_OBJECT_HANDLE pub = CK_INVALID_HANDLE;
	CK_ATTRIBUTE pt[] = {
	    {CKA_KEY_TYPE, &kt, sizeof(kt)},
	    {CKA_TOKEN, &yes, sizeof(yes)},
	    {CKA_MCX_KMS_URI, KMS_URI, strlen(KMS_URI)},
	    {CKA_MCX_USER_KEY_PERIOD, &period, sizeof(period)},
	    {CKA_MCX_USER_KEY_OFFSET, &offset, sizeof(offset)},
	};
	CK_ATTRIBUTE qt[] = {{CKA_TOKEN, &yes, sizeof(yes)}};
	CK_ATTRIBUTE v = {CKA_VALUE, pub_value, len};
	check(F->C_GenerateKeyPair(sa, &m, pt, 5, qt, 1, &pub, priv),
	      "CKM_MCX_KMS_KEY_GEN");
	check(F->C_GetAttributeValue(sa, pub, &v, 1), "KMS public value");
	/* the same certificate in token B */
	CK_OBJECT_CLASS cls = CKO_PUBLIC_KEY;
	CK_ATTRIBUTE ct[] = {
	    {CKA_CLASS, &cls, sizeof(cls)},
	    {CKA_KEY_TYPE, &kt, sizeof(kt)},
	    {CKA_TOKEN, &yes, sizeof(yes)},
	    {CKA_VALUE, pub_value, len},
	    {CKA_MCX_KMS_URI, KMS_URI, strlen(KMS_URI)},
	    {CKA_MCX_USER_KEY_PERIOD, &period, sizeof(period)},
	    {CKA_MCX_USER_KEY_OFFSET, &offset, sizeof(offset)},
	};
	check(F->C_CreateObject(sb, ct, 7, &pub), "KMS certificate in B");
}

static void issue(CK_OBJECT_HANDLE secret, const char *uri, uint8_t *out,
		  CK_ULONG cap)
{
	CK_MCX_KMS_ISSUE_PARAMS p = {(CK_BYTE_PTR)uri, strlen(uri), PNO};
	CK_MECHANISM m = {CKM_MCX_KMS_ISSUE, &p, sizeof(p)};
	CK_ULONG len = cap;
	check(F->C_WrapKey(sa, &m, trk_a, secret, out, &len),
	      "CKM_MCX_KMS_ISSUE");
}

static CK_OBJECT_HANDLE unwrap(const struct keyset *k, bool rsk)
{
	CK_MECHANISM m = {rsk ? CKM_AES_KEY_WRAP_KWP : CKM_AES_KEY_WRAP, NULL,
			  0};
	CK_OBJECT_CLASS cls = CKO_PRIVATE_KEY;
	CK_KEY_TYPE kt = rsk ? CKK_MCX_SAKKE : CKK_MCX_ECCSI;
	CK_ULONG pno = PNO;
	CK_ATTRIBUTE t[] = {
	    {CKA_CLASS, &cls, sizeof(cls)},
	    {CKA_KEY_TYPE, &kt, sizeof(kt)},
	    {CKA_TOKEN, &no, sizeof(no)},
	    {rsk ? CKA_UNWRAP : CKA_SIGN, &yes, sizeof(yes)},
	    {CKA_MCX_USER_URI, (void *)k->uri, strlen(k->uri)},
	    {CKA_MCX_UID, (void *)k->uid, 32},
	    {CKA_MCX_KMS_URI, KMS_URI, strlen(KMS_URI)},
	    {CKA_MCX_KEY_PERIOD_NO, &pno, sizeof(pno)},
	    {CKA_MCX_WRAPPED_PVT, (void *)(k->ssk_w + 40), 80},
	};
	CK_OBJECT_HANDLE h = CK_INVALID_HANDLE;
	check(F->C_UnwrapKey(sb, &m, trk_b,
			     (CK_BYTE_PTR)(rsk ? k->rsk_w : k->ssk_w),
			     rsk ? 272 : 40, t, rsk ? 8 : 9, &h),
	      "C_UnwrapKey");
	return h;
}

static void destroy(CK_ULONG n)
{
	for (CK_ULONG i = 0; i < n; i++)
		check(F->C_DestroyObject(sb, made[i]), "C_DestroyObject");
}

static void kw_open(const uint8_t *in, int in_len, bool pad, uint8_t *out)
{
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
	int ol = 0;
	EVP_CIPHER_CTX_set_flags(c, EVP_CIPHER_CTX_FLAG_WRAP_ALLOW);
	if (EVP_DecryptInit_ex(
		c, pad ? EVP_aes_128_wrap_pad() : EVP_aes_128_wrap(), NULL,
		trk_value, NULL) != 1 ||
	    EVP_DecryptUpdate(c, out, &ol, in, in_len) != 1)
		check(CKR_FUNCTION_FAILED, "OpenSSL unwrap");
	EVP_CIPHER_CTX_free(c);
}

int main(void)
{
	int reps = (int)env_long("MCXHSM_BENCH_REPS", 3);
	long n = env_long("MCXHSM_BENCH_KMS_N", 40);
	double *r_issue, *r_unwrap, *r_rsk, *r_ssk, *r_eng_rsk, *r_eng_ssk;
	double *r_eng_order, *r_eng_zt;

	if (reps < 1)
		reps = 1;
	if (n < 1 || n > MAX_N)
		n = 40;
	ks = calloc((size_t)n, sizeof(*ks));
	made = calloc(2 * (size_t)n, sizeof(*made));
	r_issue = calloc((size_t)reps, sizeof(double));
	r_unwrap = calloc((size_t)reps, sizeof(double));
	r_rsk = calloc((size_t)reps, sizeof(double));
	r_ssk = calloc((size_t)reps, sizeof(double));
	r_eng_rsk = calloc((size_t)reps, sizeof(double));
	r_eng_ssk = calloc((size_t)reps, sizeof(double));
	r_eng_order = calloc((size_t)reps, sizeof(double));
	r_eng_zt = calloc((size_t)reps, sizeof(double));
	if (!ks || !made || !r_issue || !r_unwrap || !r_rsk || !r_ssk ||
	    !r_eng_rsk || !r_eng_ssk || !r_eng_order || !r_eng_zt)
		return 1;
	mcx_p11_open(&p11);
	mcx_p11_init_token(&p11, "bench-kms", PIN, PIN);
	sa = mcx_p11_session(&p11, CKU_USER, PIN);
	mcx_p11_init_token(&p11, "bench-user", PIN, PIN);
	sb = mcx_p11_session(&p11, CKU_USER, PIN);
	kms(CKK_MCX_SAKKE, &z_priv, z_t, sizeof(z_t));
	kms(CKK_MCX_ECCSI, &k_priv, kpak, sizeof(kpak));
	trk_a = trk(sa);
	trk_b = trk(sb);
	for (long i = 0; i < n; i++) {
		snprintf(ks[i].uri, sizeof(ks[i].uri),
			 "sip:user%ld@bench.example.org", i);
		uid_of(ks[i].uri, ks[i].uid);
	}
	struct mcx_sakke_kms *zk = NULL;
	struct mcx_eccsi_kpak *kp = NULL;
	if (mcx_sakke_kms_new(z_t, sizeof(z_t), &zk) != MCX_OK ||
	    mcx_eccsi_kpak_new(&kp, kpak, sizeof(kpak)) != MCX_OK)
		check(CKR_FUNCTION_FAILED, "engine KMS state");

	for (int r = 0; r < reps; r++) {
		double t0 = now();
		for (long i = 0; i < n; i++) {
			issue(z_priv, ks[i].uri, ks[i].rsk_w, 272);
			issue(k_priv, ks[i].uri, ks[i].ssk_w, 120);
		}
		r_issue[r] = (double)n / (now() - t0);
		t0 = now();
		for (long i = 0; i < n; i++) {
			made[2 * i] = unwrap(&ks[i], true);
			made[2 * i + 1] = unwrap(&ks[i], false);
		}
		r_unwrap[r] = (double)n / (now() - t0);
		destroy(2 * (CK_ULONG)n);
		t0 = now();
		for (long i = 0; i < n; i++)
			made[i] = unwrap(&ks[i], true);
		r_rsk[r] = (double)n / (now() - t0);
		destroy((CK_ULONG)n);
		t0 = now();
		for (long i = 0; i < n; i++)
			made[i] = unwrap(&ks[i], false);
		r_ssk[r] = (double)n / (now() - t0);
		destroy((CK_ULONG)n);
		/* the engine alone on the same keys (opened here with the
		 * TrK the bench knows) */
		double eng_rsk = 0, eng_ssk = 0, eng_order = 0, eng_zt = 0;
		for (long i = 0; i < n; i++) {
			uint8_t rsk[264], ssk[32], pvt[72];
			struct mcx_sakke_rsk *rk = NULL;
			struct mcx_eccsi_signer *sg = NULL;
			kw_open(ks[i].rsk_w, 272, true, rsk);
			kw_open(ks[i].ssk_w, 40, false, ssk);
			kw_open(ks[i].ssk_w + 40, 80, true, pvt);
			t0 = now();
			if (mcx_sakke_rsk_new(rsk, 257, &rk) != MCX_OK ||
			    mcx_sakke_rsk_validate(rk, zk, ks[i].uid, 32) !=
				MCX_OK)
				check(CKR_FUNCTION_FAILED, "engine RSK");
			eng_rsk += now() - t0;
			/* its parts: the RSK's order check alone, and a Z_T
			 * parse (also an order check) */
			mcx_sakke_rsk_free(rk);
			rk = NULL;
			t0 = now();
			if (mcx_sakke_rsk_new(rsk, 257, &rk) != MCX_OK)
				check(CKR_FUNCTION_FAILED, "engine RSK parse");
			eng_order += now() - t0;
			struct mcx_sakke_kms *z2 = NULL;
			t0 = now();
			if (mcx_sakke_kms_new(z_t, sizeof(z_t), &z2) != MCX_OK)
				check(CKR_FUNCTION_FAILED, "engine Z_T parse");
			eng_zt += now() - t0;
			mcx_sakke_kms_free(z2);
			t0 = now();
			if (mcx_eccsi_signer_new(&sg, kp, ks[i].uid, 32, ssk,
						 32, pvt, 65) != MCX_OK)
				check(CKR_FUNCTION_FAILED, "engine SSK");
			eng_ssk += now() - t0;
			mcx_sakke_rsk_free(rk);
			mcx_eccsi_signer_free(sg);
		}
		r_eng_rsk[r] = (double)n / eng_rsk;
		r_eng_ssk[r] = (double)n / eng_ssk;
		r_eng_order[r] = eng_order / (double)n * 1e3;
		r_eng_zt[r] = eng_zt / (double)n * 1e3;
	}
	double iss = median(r_issue, reps), unw = median(r_unwrap, reps);
	double rsk = median(r_rsk, reps), ssk = median(r_ssk, reps);
	double ersk = median(r_eng_rsk, reps), essk = median(r_eng_ssk, reps);
	printf("BENCH kms_issue_keyset %.1f /s\n", iss);
	printf("BENCH kms_unwrap_keyset %.1f /s\n", unw);
	printf("BENCH kms_unwrap_rsk %.1f /s\n", rsk);
	printf("BENCH kms_unwrap_ssk %.1f /s\n", ssk);
	printf("BENCH kms_engine_rsk_validate %.1f /s\n", ersk);
	printf("BENCH kms_engine_ssk_validate %.1f /s\n", essk);
	printf("BENCH kms_engine_rsk_parse %.2f ms\n",
	       median(r_eng_order, reps));
	printf("BENCH kms_engine_zt_parse %.2f ms\n", median(r_eng_zt, reps));
	/* share of the key set import spent in the engine's validation */
	printf("BENCH kms_unwrap_keyset_vs_engine_validation %.2f ratio\n",
	       unw * (1.0 / ersk + 1.0 / essk));
	mcx_sakke_kms_free(zk);
	mcx_eccsi_kpak_free(kp);
	F->C_CloseSession(sa);
	F->C_CloseSession(sb);
	mcx_p11_close(&p11);
	free(ks);
	free(made);
	free(r_issue);
	free(r_unwrap);
	free(r_rsk);
	free(r_ssk);
	free(r_eng_rsk);
	free(r_eng_ssk);
	free(r_eng_order);
	free(r_eng_zt);
	return 0;
}
