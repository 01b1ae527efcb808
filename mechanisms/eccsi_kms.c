/*
 * ECCSI, KMS side (RFC 6507 §5.1.1): KPAK = [KSAK]G and (SSK, PVT) issue;
 * see eccsi.h.  KSAK and v are secrets: fixed-base multiplications and
 * BN_FLG_CONSTTIME arithmetic, as in eccsi.c.
 */
#include "mechanisms/eccsi.h"

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

#include "common/wipe.h"
#include "mechanisms/eccsi_internal.h"
#include "mechanisms/libctx.h"

/* ---- KMS side (RFC 6507 §5.1.1) ---------------------------------------- */

/* [k]G, fixed base, into 65 octets. */
static enum mcx_mech_err mul_g(const struct mcx_eccsi_curve *c, const BIGNUM *k,
			       uint8_t out[MCX_ECCSI_POINT_LEN], BN_CTX *bn)
{
	enum mcx_mech_err err = MCX_ERR_CRYPTO;
	EC_POINT *pt = EC_POINT_new(c->group);

	if (pt != NULL && EC_POINT_mul(c->group, pt, k, NULL, NULL, bn) &&
	    EC_POINT_point2oct(c->group, pt, POINT_CONVERSION_UNCOMPRESSED, out,
			       MCX_ECCSI_POINT_LEN, bn) == MCX_ECCSI_POINT_LEN)
		err = MCX_OK;
	EC_POINT_clear_free(pt);
	return err;
}

enum mcx_mech_err mcx_eccsi_kms_kpak(const uint8_t ksak[MCX_ECCSI_N],
				     uint8_t kpak[MCX_ECCSI_POINT_LEN])
{
	enum mcx_mech_err err = MCX_ERR_CRYPTO;
	struct mcx_eccsi_curve c = {0};
	BN_CTX *bn = NULL;
	BIGNUM *k = NULL;

	if (ksak == NULL || kpak == NULL)
		return MCX_ERR_ARGUMENT;
	mcx_err_mark();
	err = mcx_eccsi_curve_init(&c);
	if (err != MCX_OK)
		goto out;
	err = MCX_ERR_CRYPTO;
	bn = mcx_eccsi_bn_ctx_new();
	k = mcx_eccsi_secret_bn(ksak);
	if (bn == NULL || k == NULL)
		goto out;
	if (!mcx_eccsi_scalar_in_range(k, c.q)) {
		err = MCX_ERR_SCALAR_RANGE;
		goto out;
	}
	err = mul_g(&c, k, kpak, bn);
out:
	BN_clear_free(k);
	BN_CTX_free(bn);
	mcx_eccsi_curve_clear(&c);
	mcx_err_pop();
	return err;
}

enum mcx_mech_err mcx_eccsi_kms_keygen(uint8_t ksak[MCX_ECCSI_N],
				       uint8_t kpak[MCX_ECCSI_POINT_LEN])
{
	enum mcx_mech_err err = MCX_ERR_CRYPTO;
	struct mcx_eccsi_curve c = {0};
	BN_CTX *bn = NULL;
	BIGNUM *k = NULL;

	if (ksak == NULL || kpak == NULL)
		return MCX_ERR_ARGUMENT;
	mcx_err_mark();
	err = mcx_eccsi_curve_init(&c);
	if (err != MCX_OK)
		goto out;
	err = MCX_ERR_CRYPTO;
	bn = mcx_eccsi_bn_ctx_new();
	k = BN_secure_new();
	if (bn == NULL || k == NULL)
		goto out;
	/* §5.1.1 (KMS): KSAK random in [1, q-1], KPAK = [KSAK]G. */
	err = mcx_eccsi_random_scalar(c.q, k, bn);
	if (err != MCX_OK)
		goto out;
	err = MCX_ERR_CRYPTO;
	if (BN_bn2binpad(k, ksak, MCX_ECCSI_N) != MCX_ECCSI_N)
		goto out;
	err = mul_g(&c, k, kpak, bn);
out:
	if (err != MCX_OK) {
		mcx_wipe(ksak, MCX_ECCSI_N);
		mcx_wipe(kpak, MCX_ECCSI_POINT_LEN);
	}
	BN_clear_free(k);
	BN_CTX_free(bn);
	mcx_eccsi_curve_clear(&c);
	mcx_err_pop();
	return err;
}

static enum mcx_mech_err issue(const uint8_t ksak_in[MCX_ECCSI_N],
			       const uint8_t *id, size_t id_len,
			       const uint8_t *v_in, uint8_t ssk[MCX_ECCSI_N],
			       uint8_t pvt[MCX_ECCSI_POINT_LEN])
{
	enum mcx_mech_err err = MCX_ERR_CRYPTO;
	struct mcx_eccsi_kpak *kpak = NULL;
	BN_CTX *bn = NULL;
	BIGNUM *ksak = NULL;
	BIGNUM *v = NULL;
	BIGNUM *h = NULL;
	BIGNUM *t = NULL;
	uint8_t kpak_bytes[MCX_ECCSI_POINT_LEN] = {0};
	uint8_t hs[MCX_ECCSI_HS_LEN] = {0};

	if (ksak_in == NULL || ssk == NULL || pvt == NULL ||
	    (id == NULL && id_len > 0))
		return MCX_ERR_ARGUMENT;
	mcx_err_mark();
	err = mcx_eccsi_kms_kpak(ksak_in, kpak_bytes);
	if (err != MCX_OK)
		goto out;
	err = mcx_eccsi_kpak_new(&kpak, kpak_bytes, sizeof(kpak_bytes));
	if (err != MCX_OK)
		goto out;
	err = MCX_ERR_CRYPTO;
	bn = mcx_eccsi_bn_ctx_new();
	ksak = mcx_eccsi_secret_bn(ksak_in);
	v = v_in != NULL ? mcx_eccsi_secret_bn(v_in) : BN_secure_new();
	h = BN_new();
	t = BN_secure_new();
	if (bn == NULL || ksak == NULL || v == NULL || h == NULL || t == NULL)
		goto out;
	BN_set_flags(t, BN_FLG_CONSTTIME);
	if (v_in != NULL && !mcx_eccsi_scalar_in_range(v, kpak->c.q)) {
		err = MCX_ERR_SCALAR_RANGE;
		goto out;
	}
	for (;;) {
		/* Step 1: v random, PVT = [v]G. */
		if (v_in == NULL) {
			err = mcx_eccsi_random_scalar(kpak->c.q, v, bn);
			if (err != MCX_OK)
				goto out;
		}
		err = mul_g(&kpak->c, v, pvt, bn);
		if (err != MCX_OK)
			goto out;
		/* Step 3: HS = SHA-256(G || KPAK || ID || PVT). */
		err = mcx_eccsi_compute_hs(kpak, id, id_len, pvt, hs);
		if (err != MCX_OK)
			goto out;
		/* Step 4: SSK = KSAK + HS*v mod q. */
		err = MCX_ERR_CRYPTO;
		if (BN_bin2bn(hs, sizeof(hs), h) == NULL ||
		    !BN_mod_mul(t, h, v, kpak->c.q, bn) ||
		    !BN_mod_add_quick(t, t, ksak, kpak->c.q))
			goto out;
		if (!BN_is_zero(t))
			break;
		/* SSK = 0 would be refused by every user: new v. */
		if (v_in != NULL) {
			err = MCX_ERR_KEY_INVALID;
			goto out;
		}
	}
	err = BN_bn2binpad(t, ssk, MCX_ECCSI_N) == MCX_ECCSI_N ? MCX_OK
							       : MCX_ERR_CRYPTO;
out:
	if (err != MCX_OK) {
		mcx_wipe(ssk, MCX_ECCSI_N);
		mcx_wipe(pvt, MCX_ECCSI_POINT_LEN);
	}
	mcx_wipe(hs, sizeof(hs));
	BN_clear_free(ksak);
	BN_clear_free(v);
	BN_clear_free(h);
	BN_clear_free(t);
	BN_CTX_free(bn);
	mcx_eccsi_kpak_free(kpak);
	mcx_err_pop();
	return err;
}

enum mcx_mech_err mcx_eccsi_kms_issue(const uint8_t ksak[MCX_ECCSI_N],
				      const uint8_t *id, size_t id_len,
				      uint8_t ssk[MCX_ECCSI_N],
				      uint8_t pvt[MCX_ECCSI_POINT_LEN])
{
	return issue(ksak, id, id_len, NULL, ssk, pvt);
}

enum mcx_mech_err mcx_eccsi_kms_issue_with_v_for_test(
    const uint8_t ksak[MCX_ECCSI_N], const uint8_t *id, size_t id_len,
    const uint8_t v[MCX_ECCSI_N], uint8_t ssk[MCX_ECCSI_N],
    uint8_t pvt[MCX_ECCSI_POINT_LEN])
{
	if (v == NULL)
		return MCX_ERR_ARGUMENT;
	return issue(ksak, id, id_len, v, ssk, pvt);
}
