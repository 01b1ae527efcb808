/*
 * The provider tests' token (see fixture.h).
 */
#include "tests/provider/fixture.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/provider.h>

static CK_BBOOL yes = CK_TRUE;

static void create(struct mcxp_fixture *fx, CK_SESSION_HANDLE s,
		   CK_ATTRIBUTE *t, CK_ULONG n, CK_OBJECT_HANDLE *h)
{
	MCX_P11_CHECK(fx->p11.f->C_CreateObject(s, t, n, h), CKR_OK);
}

static void kms_objects(struct mcxp_fixture *fx, CK_SESSION_HANDLE s)
{
	CK_OBJECT_CLASS cls = CKO_PUBLIC_KEY;
	CK_KEY_TYPE sk = CKK_MCX_SAKKE, ek = CKK_MCX_ECCSI;
	CK_ULONG period = fx->sw.period, offset = fx->sw.offset;
	const char *uri = fx->sw.kms_uri;
	CK_ATTRIBUTE zt[] = {
	    {CKA_CLASS, &cls, sizeof(cls)},
	    {CKA_KEY_TYPE, &sk, sizeof(sk)},
	    {CKA_TOKEN, &yes, sizeof(yes)},
	    {CKA_WRAP, &yes, sizeof(yes)},
	    {CKA_LABEL, "kms-sakke", 9},
	    {CKA_ID, "\x01", 1},
	    {CKA_VALUE, fx->sw.z_t, sizeof(fx->sw.z_t)},
	    {CKA_MCX_KMS_URI, (void *)uri, strlen(uri)},
	    {CKA_MCX_USER_KEY_PERIOD, &period, sizeof(period)},
	    {CKA_MCX_USER_KEY_OFFSET, &offset, sizeof(offset)},
	};
	CK_ATTRIBUTE kpak[] = {
	    {CKA_CLASS, &cls, sizeof(cls)},
	    {CKA_KEY_TYPE, &ek, sizeof(ek)},
	    {CKA_TOKEN, &yes, sizeof(yes)},
	    {CKA_VERIFY, &yes, sizeof(yes)},
	    {CKA_LABEL, "kms-eccsi", 9},
	    {CKA_ID, "\x02", 1},
	    {CKA_VALUE, fx->sw.kpak, sizeof(fx->sw.kpak)},
	    {CKA_MCX_KMS_URI, (void *)uri, strlen(uri)},
	};
	create(fx, s, zt, sizeof(zt) / sizeof(zt[0]), &fx->zt);
	create(fx, s, kpak, sizeof(kpak) / sizeof(kpak[0]), &fx->kpak);
}

static void user_key(struct mcxp_fixture *fx, CK_SESSION_HANDLE s,
		     CK_KEY_TYPE kt, const struct mcx_sw_user *u,
		     const char *label, bool allow_ssv, CK_OBJECT_HANDLE *h)
{
	CK_OBJECT_CLASS cls = CKO_PRIVATE_KEY;
	CK_ULONG pno = u->period_no;
	CK_BBOOL allow = allow_ssv ? CK_TRUE : CK_FALSE;
	const char *kms = fx->sw.kms_uri;
	bool sakke = kt == CKK_MCX_SAKKE;
	CK_ATTRIBUTE t[] = {
	    {CKA_CLASS, &cls, sizeof(cls)},
	    {CKA_KEY_TYPE, &kt, sizeof(kt)},
	    {CKA_TOKEN, &yes, sizeof(yes)},
	    {CKA_PRIVATE, &yes, sizeof(yes)},
	    {sakke ? CKA_UNWRAP : CKA_SIGN, &yes, sizeof(yes)},
	    {CKA_LABEL, (void *)label, strlen(label)},
	    {CKA_MCX_USER_URI, (void *)u->uri, strlen(u->uri)},
	    {CKA_MCX_UID, (void *)u->uid, sizeof(u->uid)},
	    {CKA_MCX_KMS_URI, (void *)kms, strlen(kms)},
	    {CKA_MCX_KEY_PERIOD_NO, &pno, sizeof(pno)},
	    {CKA_VALUE, sakke ? (void *)u->rsk : (void *)u->ssk,
	     sakke ? sizeof(u->rsk) : sizeof(u->ssk)},
	    {sakke ? CKA_MCX_ALLOW_SSV_EXPORT : CKA_MCX_PVT,
	     sakke ? (void *)&allow : (void *)u->pvt,
	     sakke ? sizeof(allow) : sizeof(u->pvt)},
	};
	create(fx, s, t, sizeof(t) / sizeof(t[0]), h);
}

void mcxp_fixture_make(struct mcxp_fixture *fx)
{
	memset(fx, 0, sizeof(*fx));
	mcx_sw_load(&fx->sw);
	mcx_sw_user(&fx->sw, "GMS", &fx->gms);
	mcx_sw_user(&fx->sw, "Alice", &fx->alice);
	mcx_sw_user(&fx->sw, "Bob", &fx->bob);
	mcx_p11_open(&fx->p11);
	mcx_p11_init_token(&fx->p11, MCXP_TOKEN, MCXP_SO_PIN, MCXP_USER_PIN);
	CK_SESSION_HANDLE s = mcxp_fixture_session(fx);
	kms_objects(fx, s);
	user_key(fx, s, CKK_MCX_ECCSI, &fx->gms, "gms-eccsi", false,
		 &fx->gms_ssk);
	user_key(fx, s, CKK_MCX_ECCSI, &fx->alice, "alice-eccsi", false,
		 &fx->alice_ssk);
	user_key(fx, s, CKK_MCX_SAKKE, &fx->alice, "alice-sakke", true,
		 &fx->alice_rsk);
	user_key(fx, s, CKK_MCX_SAKKE, &fx->bob, "bob-sakke", false,
		 &fx->bob_rsk);
	/* closing the last session logs the user out: the provider logs in
	 * with its pin-source */
	MCX_P11_CHECK(fx->p11.f->C_CloseAllSessions(fx->p11.slot), CKR_OK);
	snprintf(fx->pin_file, sizeof(fx->pin_file), "%s/user.pin",
		 fx->p11.dir);
	FILE *fp = fopen(fx->pin_file, "w");
	if (fp == NULL) {
		perror(fx->pin_file);
		abort();
	}
	fputs(MCXP_USER_PIN "\n", fp);
	fclose(fp);
}

CK_SESSION_HANDLE mcxp_fixture_session(struct mcxp_fixture *fx)
{
	CK_SESSION_HANDLE s = CK_INVALID_HANDLE;
	MCX_P11_CHECK(fx->p11.f->C_OpenSession(
			  fx->p11.slot, CKF_SERIAL_SESSION | CKF_RW_SESSION,
			  NULL, NULL, &s),
		      CKR_OK);
	CK_RV rv = fx->p11.f->C_Login(
	    s, CKU_USER, (CK_UTF8CHAR_PTR)MCXP_USER_PIN, strlen(MCXP_USER_PIN));
	if (rv != CKR_USER_ALREADY_LOGGED_IN)
		MCX_P11_CHECK(rv, CKR_OK);
	return s;
}

struct ossl_lib_ctx_st *mcxp_provider_libctx(struct mcxp_fixture *fx)
{
	const char *build = getenv("MCXHSM_BUILDDIR");
	const char *module = getenv("MCXHSM_MODULE");
	char path[512], pin[320];
	if (build == NULL || module == NULL) {
		fprintf(stderr, "MCXHSM_BUILDDIR / MCXHSM_MODULE not set\n");
		return NULL;
	}
	snprintf(path, sizeof(path), "%s/provider/.libs", build);
	snprintf(pin, sizeof(pin), "file:%s", fx->pin_file);
	setenv("MCXHSM_PROVIDER_MODULE", module, 1);
	setenv("MCXHSM_PROVIDER_PIN_SOURCE", pin, 1);
	OSSL_LIB_CTX *ctx = OSSL_LIB_CTX_new();
	if (ctx == NULL || !OSSL_PROVIDER_set_default_search_path(ctx, path) ||
	    (fx->prov = OSSL_PROVIDER_load(ctx, "mcxhsm")) == NULL ||
	    (fx->deflt = OSSL_PROVIDER_load(ctx, "default")) == NULL) {
		fprintf(stderr, "cannot load the mcxhsm provider from %s\n",
			path);
		mcxp_provider_libctx_free(fx, ctx);
		return NULL;
	}
	return ctx;
}

void mcxp_provider_libctx_free(struct mcxp_fixture *fx, OSSL_LIB_CTX *ctx)
{
	if (fx->prov != NULL)
		OSSL_PROVIDER_unload(fx->prov);
	if (fx->deflt != NULL)
		OSSL_PROVIDER_unload(fx->deflt);
	fx->prov = fx->deflt = NULL;
	OSSL_LIB_CTX_free(ctx);
}
