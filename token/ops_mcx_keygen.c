/*
 * CKM_MCX_KEY_GEN: C_GenerateKey of a CKK_MCX_KEY (TS 33.180 §5.2.3,
 * MCX-REFERENCE §5.2): 16 random octets, CKA_MCX_KEY_PURPOSE from the
 * template, CKA_MCX_KEY_ID = purpose tag in the top nibble || 28 random
 * bits (4 octets big-endian), unique among the keys the session can see
 * (a colliding K-ID is drawn again), always sensitive.  The check value
 * follows the AES rule (attr_build.c).
 */
#include "config.h"

#include <string.h>

#include "common/wipe.h"
#include "mechanisms/random.h"
#include "token/entry.h"
#include "token/ops_internal.h"
#include "token/ops_mcx.h"

#define KEY_LEN 16
/* 2^28 K-IDs per purpose: a handful of tries finds a free one unless the
 * token is absurdly full, which is then reported. */
#define MAX_TRIES 16

static CK_RV fresh_key_id(struct mcx_session *s, CK_ULONG purpose,
			  uint8_t kid[4])
{
	CK_OBJECT_CLASS cls = CKO_SECRET_KEY;
	CK_KEY_TYPE kt = CKK_MCX_KEY;
	CK_ATTRIBUTE t[] = {
	    {CKA_CLASS, &cls, sizeof(cls)},
	    {CKA_KEY_TYPE, &kt, sizeof(kt)},
	    {CKA_MCX_KEY_ID, kid, 4},
	};
	for (int i = 0; i < MAX_TRIES; i++) {
		struct mcx_object *other = NULL;
		CK_RV rv = mcx_ops_mech_ckr(mcx_random_bytes(kid, 4));
		if (rv != CKR_OK)
			return rv;
		kid[0] = (uint8_t)((purpose << 4) | (kid[0] & 0x0f));
		rv = mcx_ops_mcx_find_first(s, t, 3, &other);
		if (rv != CKR_OK)
			return rv;
		if (other == NULL)
			return CKR_OK;
		mcx_object_put(other);
	}
	return CKR_MCX_DUPLICATE_KEY_ID;
}

static CK_RV gen_mcx_key(struct mcx_session *s, const CK_MECHANISM *mech,
			 const CK_ATTRIBUTE *tmpl, CK_ULONG n,
			 CK_OBJECT_HANDLE *key)
{
	CK_OBJECT_CLASS cls = CKO_SECRET_KEY;
	CK_KEY_TYPE kt = CKK_MCX_KEY;
	CK_ULONG len = KEY_LEN, purpose = 0;
	CK_BBOOL sensitive = CK_TRUE;
	uint8_t value[KEY_LEN], kid[4];
	CK_ATTRIBUTE implied[7];
	struct mcx_key_spec spec;
	CK_RV rv = CKR_OK;

	if (mech->pParameter != NULL || mech->ulParameterLen != 0)
		return CKR_MECHANISM_PARAM_INVALID;
	const CK_ATTRIBUTE *p = mcx_template_find(tmpl, n, CKA_MCX_KEY_PURPOSE);
	if (p == NULL)
		return CKR_TEMPLATE_INCOMPLETE;
	if (p->pValue == NULL || p->ulValueLen != sizeof(purpose))
		return CKR_ATTRIBUTE_VALUE_INVALID;
	memcpy(&purpose, p->pValue, sizeof(purpose));
	if (purpose > CKP_MCX_MUSIK)
		return CKR_ATTRIBUTE_VALUE_INVALID;
	rv = fresh_key_id(s, purpose, kid);
	if (rv == CKR_OK)
		rv = mcx_ops_mech_ckr(mcx_random_bytes(value, sizeof(value)));
	if (rv != CKR_OK)
		goto out;
	implied[0] = (CK_ATTRIBUTE){CKA_CLASS, &cls, sizeof(cls)};
	implied[1] = (CK_ATTRIBUTE){CKA_KEY_TYPE, &kt, sizeof(kt)};
	implied[2] = (CK_ATTRIBUTE){CKA_VALUE, value, sizeof(value)};
	implied[3] = (CK_ATTRIBUTE){CKA_VALUE_LEN, &len, sizeof(len)};
	implied[4] =
	    (CK_ATTRIBUTE){CKA_MCX_KEY_PURPOSE, &purpose, sizeof(purpose)};
	implied[5] = (CK_ATTRIBUTE){CKA_MCX_KEY_ID, kid, sizeof(kid)};
	implied[6] = (CK_ATTRIBUTE){CKA_SENSITIVE, &sensitive, 1};
	memset(&spec, 0, sizeof(spec));
	spec.tmpl = tmpl;
	spec.n_tmpl = n;
	spec.implied = implied;
	spec.n_implied = 7;
	spec.origin = MCX_ORIGIN_GENERATED;
	spec.mechanism = mech->mechanism;
	rv = mcx_object_create_key(s, &spec, key);
out:
	mcx_wipe(value, sizeof(value));
	return rv;
}

const struct mcx_keygen_ops mcx_ops_mcx_keygen = {
    .generate = gen_mcx_key,
    .generate_pair = NULL,
};
