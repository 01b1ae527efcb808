/*
 * Streamwide v5 key material as PKCS#11 objects (see mcx_streamwide.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/blackbox/mcx_streamwide.h"
#include "tests/common/vectors.h"

static CK_BBOOL yes = CK_TRUE, no = CK_FALSE;

static void hex_at(struct json_object *root, const char *path, uint8_t *out,
		   size_t len)
{
	const char *h = mcx_vectors_str(root, path);
	if (h == NULL || mcx_hex_decode(h, out, len) != (long)len) {
		fprintf(stderr, "vector %s missing or not %zu octets\n", path,
			len);
		abort();
	}
}

static CK_ULONG ulong_at(struct json_object *root, const char *path)
{
	struct json_object *o = mcx_vectors_get(root, path);
	if (o == NULL) {
		fprintf(stderr, "vector %s missing\n", path);
		abort();
	}
	return (CK_ULONG)json_object_get_int64(o);
}

void mcx_sw_load(struct mcx_sw *sw)
{
	memset(sw, 0, sizeof(*sw));
	sw->root = mcx_vectors_load("mikey_streamwide_v5.json");
	if (sw->root == NULL)
		abort();
	sw->kms_uri = mcx_vectors_str(sw->root, "kms.KmsUri");
	if (sw->kms_uri == NULL)
		abort();
	sw->period = ulong_at(sw->root, "kms.UserKeyPeriod");
	sw->offset = ulong_at(sw->root, "kms.UserKeyOffset");
	hex_at(sw->root, "kms.Z_PubEncKey", sw->z_t, sizeof(sw->z_t));
	hex_at(sw->root, "kms.KPAK_PubAuthKey", sw->kpak, sizeof(sw->kpak));
}

void mcx_sw_user(struct mcx_sw *sw, const char *name, struct mcx_sw_user *u)
{
	char p[64];
	memset(u, 0, sizeof(*u));
#define AT(field) (snprintf(p, sizeof(p), "users.%s.%s", name, field), p)
	u->uri = mcx_vectors_str(sw->root, AT("uri"));
	if (u->uri == NULL)
		abort();
	hex_at(sw->root, AT("uid"), u->uid, sizeof(u->uid));
	u->period_no = ulong_at(sw->root, AT("key_period_no"));
	hex_at(sw->root, AT("RSK"), u->rsk, sizeof(u->rsk));
	hex_at(sw->root, AT("SSK"), u->ssk, sizeof(u->ssk));
	hex_at(sw->root, AT("PVT"), u->pvt, sizeof(u->pvt));
	hex_at(sw->root, AT("HS_derived"), u->hs, sizeof(u->hs));
#undef AT
}

CK_RV mcx_sw_create_sakke_public(CK_FUNCTION_LIST *f, CK_SESSION_HANDLE s,
				 const struct mcx_sw *sw, const uint8_t *z_t,
				 CK_OBJECT_HANDLE *h)
{
	CK_OBJECT_CLASS cls = CKO_PUBLIC_KEY;
	CK_KEY_TYPE kt = CKK_MCX_SAKKE;
	CK_ULONG period = sw->period, offset = sw->offset;
	CK_ATTRIBUTE t[] = {
	    {CKA_CLASS, &cls, sizeof(cls)},
	    {CKA_KEY_TYPE, &kt, sizeof(kt)},
	    {CKA_TOKEN, &yes, sizeof(yes)},
	    {CKA_WRAP, &yes, sizeof(yes)},
	    {CKA_VALUE, (void *)z_t, 257},
	    {CKA_MCX_KMS_URI, (void *)sw->kms_uri, strlen(sw->kms_uri)},
	    {CKA_MCX_USER_KEY_PERIOD, &period, sizeof(period)},
	    {CKA_MCX_USER_KEY_OFFSET, &offset, sizeof(offset)},
	};
	return f->C_CreateObject(s, t, sizeof(t) / sizeof(t[0]), h);
}

CK_RV mcx_sw_create_eccsi_public(CK_FUNCTION_LIST *f, CK_SESSION_HANDLE s,
				 const struct mcx_sw *sw, const uint8_t *kpak,
				 CK_OBJECT_HANDLE *h)
{
	CK_OBJECT_CLASS cls = CKO_PUBLIC_KEY;
	CK_KEY_TYPE kt = CKK_MCX_ECCSI;
	CK_ATTRIBUTE t[] = {
	    {CKA_CLASS, &cls, sizeof(cls)},
	    {CKA_KEY_TYPE, &kt, sizeof(kt)},
	    {CKA_TOKEN, &yes, sizeof(yes)},
	    {CKA_VERIFY, &yes, sizeof(yes)},
	    {CKA_VALUE, (void *)kpak, 65},
	    {CKA_MCX_KMS_URI, (void *)sw->kms_uri, strlen(sw->kms_uri)},
	};
	return f->C_CreateObject(s, t, sizeof(t) / sizeof(t[0]), h);
}

static CK_RV create_private(CK_FUNCTION_LIST *f, CK_SESSION_HANDLE s,
			    CK_KEY_TYPE kt, const char *kms_uri,
			    const struct mcx_sw_user *u, CK_OBJECT_HANDLE *h)
{
	CK_OBJECT_CLASS cls = CKO_PRIVATE_KEY;
	CK_ULONG pno = u->period_no;
	CK_ATTRIBUTE t[] = {
	    {CKA_CLASS, &cls, sizeof(cls)},
	    {CKA_KEY_TYPE, &kt, sizeof(kt)},
	    {CKA_TOKEN, &yes, sizeof(yes)},
	    {CKA_PRIVATE, &yes, sizeof(yes)},
	    {kt == CKK_MCX_SAKKE ? CKA_UNWRAP : CKA_SIGN, &yes, sizeof(yes)},
	    /* asked for, never granted: RSK and SSK stay sensitive */
	    {CKA_SENSITIVE, &no, sizeof(no)},
	    {CKA_EXTRACTABLE, &yes, sizeof(yes)},
	    {CKA_MCX_USER_URI, (void *)u->uri, strlen(u->uri)},
	    {CKA_MCX_UID, (void *)u->uid, sizeof(u->uid)},
	    {CKA_MCX_KMS_URI, (void *)kms_uri, strlen(kms_uri)},
	    {CKA_MCX_KEY_PERIOD_NO, &pno, sizeof(pno)},
	    {CKA_VALUE, kt == CKK_MCX_SAKKE ? (void *)u->rsk : (void *)u->ssk,
	     kt == CKK_MCX_SAKKE ? sizeof(u->rsk) : sizeof(u->ssk)},
	    {CKA_MCX_PVT, (void *)u->pvt, sizeof(u->pvt)},
	};
	CK_ULONG n = sizeof(t) / sizeof(t[0]);
	return f->C_CreateObject(s, t, kt == CKK_MCX_SAKKE ? n - 1 : n, h);
}

CK_RV mcx_sw_create_rsk(CK_FUNCTION_LIST *f, CK_SESSION_HANDLE s,
			const char *kms_uri, const struct mcx_sw_user *u,
			CK_OBJECT_HANDLE *h)
{
	return create_private(f, s, CKK_MCX_SAKKE, kms_uri, u, h);
}

CK_RV mcx_sw_create_ssk(CK_FUNCTION_LIST *f, CK_SESSION_HANDLE s,
			const char *kms_uri, const struct mcx_sw_user *u,
			CK_OBJECT_HANDLE *h)
{
	return create_private(f, s, CKK_MCX_ECCSI, kms_uri, u, h);
}
