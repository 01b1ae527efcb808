/*
 * TrK unwrap straight into identity keys (issue 4; TS 33.180 Annex D,
 * MCX-REFERENCE §6.4 and decision b): C_UnwrapKey with CKM_AES_KEY_WRAP /
 * CKM_AES_KEY_WRAP_KWP under a CKK_AES transport key makes a private
 * CKK_MCX_SAKKE key (the wrapped data is the 257-octet RSK) or
 * CKK_MCX_ECCSI key (the 32-octet SSK).  ops_wrap.c does the AES key unwrap
 * and hands the clear value here; it is wiped there.
 *
 * The ECCSI PVT comes clear in CKA_MCX_PVT or, as a KMS sends it, wrapped
 * with RFC 5649 under the same TrK in the template-only CKA_MCX_WRAPPED_PVT
 * (<mcxhsm/pkcs11-mcx.h>); it is unwrapped here into CKA_MCX_PVT and the
 * wrapped form is dropped from the template, so it is never stored.  The
 * key is then created exactly as C_CreateObject would create it: the
 * attribute policy forces RSK/SSK sensitive and never extractable, and
 * mcx_ops_mcx_validate_identity recomputes the UID (F.2.1) and validates
 * the RSK by the pairing / the SSK and PVT against the KPAK before anything
 * is stored.
 *
 * Refusals: an unwrapped value or PVT of the wrong length, a wrapped PVT
 * that fails the RFC 5649 integrity check (tampered, or another TrK):
 * CKR_WRAPPED_KEY_INVALID; both PVT forms: CKR_TEMPLATE_INCONSISTENT;
 * neither: CKR_TEMPLATE_INCOMPLETE; then those of the validation
 * (CKR_MCX_UNKNOWN_KMS, CKR_MCX_UID_MISMATCH, CKR_MCX_KEY_VALIDATION_FAILED).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "common/wipe.h"
#include "mechanisms/aes.h"
#include "mechanisms/eccsi.h"
#include "mechanisms/sakke.h"
#include "token/entry.h"
#include "token/ops_internal.h"
#include "token/ops_mcx.h"

/* RFC 5649 of the 65-octet PVT: ceil(65 / 8) * 8 + 8. */
#define PVT_WRAPPED_LEN 80

/* The PVT from CKA_MCX_WRAPPED_PVT. */
static CK_RV unwrap_pvt(const uint8_t *kek, size_t kek_len,
			const CK_ATTRIBUTE *w, uint8_t pvt[MCX_ECCSI_POINT_LEN])
{
	/* RFC 5649 unwrap writes up to in_len - 8 octets */
	uint8_t buf[PVT_WRAPPED_LEN - 8] = {0};
	size_t len = 0;
	enum mcx_mech_err e = MCX_OK;
	CK_RV rv = CKR_WRAPPED_KEY_INVALID;

	if (w->pValue == NULL)
		return CKR_ATTRIBUTE_VALUE_INVALID;
	if (w->ulValueLen != PVT_WRAPPED_LEN)
		return CKR_WRAPPED_KEY_INVALID;
	e = mcx_aes_kwp_unwrap(kek, kek_len, w->pValue, w->ulValueLen, buf,
			       &len);
	if (e == MCX_OK && len == MCX_ECCSI_POINT_LEN) {
		memcpy(pvt, buf, MCX_ECCSI_POINT_LEN);
		rv = CKR_OK;
	} else if (e != MCX_OK && e != MCX_ERR_AUTH) {
		rv = mcx_ops_mech_ckr(e);
	}
	mcx_wipe(buf, sizeof(buf));
	return rv;
}

CK_RV mcx_ops_mcx_kms_unwrap_identity(
    struct mcx_session *s, const CK_MECHANISM *mech, struct mcx_object *trk,
    const uint8_t *kek, size_t kek_len, CK_KEY_TYPE kt, const uint8_t *value,
    size_t len, const CK_ATTRIBUTE *tmpl, CK_ULONG n, CK_OBJECT_HANDLE *key)
{
	const CK_ATTRIBUTE *wrapped_pvt =
	    mcx_template_find(tmpl, n, CKA_MCX_WRAPPED_PVT);
	uint8_t pvt[MCX_ECCSI_POINT_LEN] = {0};
	CK_ATTRIBUTE *t = NULL;
	CK_ULONG nt = 0;
	CK_ATTRIBUTE implied[2];
	CK_ULONG n_implied = 0;
	struct mcx_key_spec spec;
	CK_RV rv = CKR_OK;

	/* MCX-REFERENCE §6.4 step 3: RSK 257 octets, SSK 32 */
	if (len != (kt == CKK_MCX_SAKKE ? MCX_SAKKE_POINT_LEN : MCX_ECCSI_N))
		return CKR_WRAPPED_KEY_INVALID;
	implied[n_implied++] = (CK_ATTRIBUTE){CKA_VALUE, (void *)value, len};
	if (kt == CKK_MCX_ECCSI && wrapped_pvt != NULL) {
		if (mcx_template_find(tmpl, n, CKA_MCX_PVT) != NULL)
			return CKR_TEMPLATE_INCONSISTENT;
		rv = unwrap_pvt(kek, kek_len, wrapped_pvt, pvt);
		if (rv != CKR_OK)
			goto out;
		implied[n_implied++] =
		    (CK_ATTRIBUTE){CKA_MCX_PVT, pvt, sizeof(pvt)};
	}
	/* the template without the wrapped PVT, which is never stored (on
	 * a SAKKE key it stays, and the policy refuses it) */
	t = malloc((n ? n : 1) * sizeof(*t));
	if (t == NULL) {
		rv = CKR_HOST_MEMORY;
		goto out;
	}
	for (CK_ULONG i = 0; i < n; i++)
		if (kt != CKK_MCX_ECCSI || tmpl[i].type != CKA_MCX_WRAPPED_PVT)
			t[nt++] = tmpl[i];
	spec = (struct mcx_key_spec){.tmpl = t,
				     .n_tmpl = nt,
				     .implied = implied,
				     .n_implied = n_implied,
				     .origin = MCX_ORIGIN_UNWRAPPED,
				     .mechanism = mech->mechanism,
				     .unwrapping_key = trk};
	rv = mcx_object_create_key(s, &spec, key);
out:
	free(t);
	mcx_wipe(pvt, sizeof(pvt));
	return rv;
}
