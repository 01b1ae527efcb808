/*
 * SAKKE KMS side (RFC 6508 §6.1.1; MCX-REFERENCE.md §3.3): Z_T = [z_T]P and
 * RSK issue K = [(b + z_T)^-1 mod q]P, constant time in z_T, for the
 * token's KMS role, tests and the demo.
 */
#include <string.h>

#include "common/wipe.h"
#include "mechanisms/ct_public.h"
#include "mechanisms/sakke.h"
#include "mechanisms/sakke_comb.h"
#include "mechanisms/sakke_curve.h"
#include "mechanisms/sakke_internal.h"

#define FP_LEN MCX_SAKKE_FP_LEN

enum mcx_mech_err
mcx_sakke_kms_public_from_secret(const uint8_t *z, size_t z_len,
				 uint8_t z_t[MCX_SAKKE_POINT_LEN])
{
	struct mcx_fp1024 zr;
	struct mcx_sakke_proj t;
	struct mcx_sakke_aff a;
	enum mcx_mech_err err = MCX_ERR_ARGUMENT;
	uint64_t ok = 0;

	if (z_t == NULL)
		return err;
	memset(z_t, 0, MCX_SAKKE_POINT_LEN);
	if (z == NULL)
		return err;
	if (z_len == 0 || z_len > FP_LEN)
		return MCX_ERR_LENGTH;
	ok = mcx_sakke_scalar_in_range(&zr, z, z_len);
	MCX_CT_PUBLIC(&ok, sizeof(ok)); /* the error code reports it */
	if (!ok) {
		err = MCX_ERR_SCALAR_RANGE;
		goto out;
	}
	/* Z_T = [z_T]P from the static comb */
	mcx_sakke_comb_mul2(&t, mcx_sakke_comb_base(), &zr, NULL, NULL);
	mcx_sakke_curve_to_aff(&a, &t);
	mcx_sakke_curve_encode(z_t, &a);
	err = MCX_OK;
out:
	mcx_wipe(&zr, sizeof(zr));
	mcx_wipe(&t, sizeof(t));
	return err;
}

enum mcx_mech_err mcx_sakke_kms_issue_rsk(const uint8_t *z, size_t z_len,
					  const uint8_t *id, size_t id_len,
					  uint8_t rsk[MCX_SAKKE_POINT_LEN])
{
	const struct mcx_fp1024_mod *q = mcx_fp1024_mod_q();
	struct mcx_fp1024 zr;
	struct mcx_fp1024 s;
	struct mcx_fp1024 b;
	struct mcx_sakke_proj t;
	struct mcx_sakke_aff a;
	enum mcx_mech_err err = MCX_ERR_ARGUMENT;
	uint64_t ok = 0;

	if (rsk == NULL)
		return err;
	memset(rsk, 0, MCX_SAKKE_POINT_LEN);
	if (z == NULL)
		return err;
	err = mcx_sakke_check_id(id, id_len);
	if (err != MCX_OK)
		return err;
	if (z_len == 0 || z_len > FP_LEN)
		return MCX_ERR_LENGTH;
	ok = mcx_sakke_scalar_in_range(&zr, z, z_len);
	/* s = b + z mod q, in Montgomery form */
	mcx_fp1024_to_mont(q, &s, &zr);
	mcx_fp1024_from_bytes_reduce(q, &b, id, id_len);
	mcx_fp1024_add(q, &s, &s, &b);
	ok &= ~mcx_fp1024_is_zero(&s);
	MCX_CT_PUBLIC(&ok, sizeof(ok)); /* the error code reports it */
	if (!ok) {
		err = MCX_ERR_SCALAR_RANGE;
		goto out;
	}
	/* K = [(b + z)^-1 mod q]P (Fermat inverse mod q, constant time) */
	mcx_fp1024_inv(q, &s, &s);
	mcx_fp1024_from_mont(q, &s, &s);
	mcx_sakke_comb_mul2(&t, mcx_sakke_comb_base(), &s, NULL, NULL);
	mcx_sakke_curve_to_aff(&a, &t);
	mcx_sakke_curve_encode(rsk, &a);
	err = MCX_OK;
out:
	mcx_wipe(&zr, sizeof(zr));
	mcx_wipe(&s, sizeof(s));
	mcx_wipe(&b, sizeof(b));
	mcx_wipe(&t, sizeof(t));
	mcx_wipe(&a, sizeof(a));
	return err;
}
