/*
 * ECCSI verification (RFC 6507 §5.2.2), one-shot and with a cached signer;
 * see eccsi.h.  Public data only: no constant-time requirement.
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

struct mcx_eccsi_verifier {
	struct mcx_eccsi_kpak *kpak;
	uint8_t *id;
	size_t id_len;
	uint8_t pvt[MCX_ECCSI_POINT_LEN];
	uint8_t hs[MCX_ECCSI_HS_LEN];
	EC_POINT *y; /* [HS]PVT + KPAK */
};

/* ---- verification (RFC 6507 §5.2.2) ------------------------------------ */

/* Steps 3, 5, 6 with Y known: HE = SHA-256(HS || r || M),
 * J = [s*HE]G + [s*r]Y in one multiplication, accept iff Jx = r (r is
 * already in [1, q-1] so Jx = r implies Jx != 0 and Jx = r mod p). */
static enum mcx_mech_err verify_with_y(const struct mcx_eccsi_kpak *kpak,
				       const uint8_t hs[MCX_ECCSI_HS_LEN],
				       const EC_POINT *y, const uint8_t *msg,
				       size_t msg_len, const BIGNUM *r,
				       const BIGNUM *s, BN_CTX *bn)
{
	enum mcx_mech_err err = MCX_ERR_CRYPTO;
	const struct mcx_eccsi_curve *c = &kpak->c;
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	EC_POINT *j = EC_POINT_new(c->group);
	BIGNUM *he = NULL;
	BIGNUM *a = NULL;
	BIGNUM *b = NULL;
	BIGNUM *jx = NULL;
	uint8_t rb[MCX_ECCSI_N] = {0};
	uint8_t heb[MCX_ECCSI_HS_LEN] = {0};

	BN_CTX_start(bn);
	he = BN_CTX_get(bn);
	a = BN_CTX_get(bn);
	b = BN_CTX_get(bn);
	jx = BN_CTX_get(bn);
	if (md == NULL || j == NULL || jx == NULL)
		goto out;
	if (BN_bn2binpad(r, rb, sizeof(rb)) != sizeof(rb))
		goto out;
	if (!EVP_DigestInit_ex(md, c->sha256, NULL) ||
	    !EVP_DigestUpdate(md, hs, MCX_ECCSI_HS_LEN) ||
	    !EVP_DigestUpdate(md, rb, sizeof(rb)) ||
	    (msg_len > 0 && !EVP_DigestUpdate(md, msg, msg_len)) ||
	    !EVP_DigestFinal_ex(md, heb, NULL))
		goto out;
	if (BN_bin2bn(heb, sizeof(heb), he) == NULL ||
	    !BN_mod_mul(a, s, he, c->q, bn) || !BN_mod_mul(b, s, r, c->q, bn))
		goto out;
	if (!EC_POINT_mul(c->group, j, a, y, b, bn))
		goto out;
	if (EC_POINT_is_at_infinity(c->group, j)) {
		err = MCX_ERR_SIGNATURE;
		goto out;
	}
	if (!EC_POINT_get_affine_coordinates(c->group, j, jx, NULL, bn))
		goto out;
	err = BN_cmp(jx, r) == 0 ? MCX_OK : MCX_ERR_SIGNATURE;
out:
	BN_CTX_end(bn);
	EC_POINT_free(j);
	EVP_MD_CTX_free(md);
	return err;
}

/* Step 1: length, then r and s in [1, q-1] (distinct from a failed
 * equation), then the PVT when pvt_pt != NULL. */
static enum mcx_mech_err parse_sig(const struct mcx_eccsi_curve *c,
				   const uint8_t *sig, size_t sig_len,
				   BIGNUM *r, BIGNUM *s, EC_POINT *pvt_pt,
				   BN_CTX *bn)
{
	if (sig == NULL || sig_len != MCX_ECCSI_SIG_LEN)
		return MCX_ERR_LENGTH;
	if (BN_bin2bn(sig, MCX_ECCSI_N, r) == NULL ||
	    BN_bin2bn(sig + MCX_ECCSI_N, MCX_ECCSI_N, s) == NULL)
		return MCX_ERR_CRYPTO;
	if (!mcx_eccsi_scalar_in_range(r, c->q) ||
	    !mcx_eccsi_scalar_in_range(s, c->q))
		return MCX_ERR_SCALAR_RANGE;
	if (pvt_pt == NULL)
		return MCX_OK;
	return mcx_eccsi_parse_point(c, sig + 2 * MCX_ECCSI_N,
				     MCX_ECCSI_POINT_LEN, pvt_pt, bn);
}

/* The whole of §5.2.2 from the PVT in the signature. */
static enum mcx_mech_err verify_slow(struct mcx_eccsi_kpak *kpak,
				     const uint8_t *id, size_t id_len,
				     const uint8_t *msg, size_t msg_len,
				     const uint8_t *sig, size_t sig_len,
				     BN_CTX *bn)
{
	enum mcx_mech_err err = MCX_ERR_CRYPTO;
	const struct mcx_eccsi_curve *c = &kpak->c;
	EC_POINT *pvt = EC_POINT_new(c->group);
	EC_POINT *y = EC_POINT_new(c->group);
	BIGNUM *r = NULL;
	BIGNUM *s = NULL;
	uint8_t hs[MCX_ECCSI_HS_LEN] = {0};

	BN_CTX_start(bn);
	r = BN_CTX_get(bn);
	s = BN_CTX_get(bn);
	if (pvt == NULL || y == NULL || s == NULL)
		goto out;
	err = parse_sig(c, sig, sig_len, r, s, pvt, bn);
	if (err != MCX_OK)
		goto out;
	/* Step 2: HS; step 4: Y. */
	err = mcx_eccsi_compute_hs(kpak, id, id_len, sig + 2 * MCX_ECCSI_N, hs);
	if (err != MCX_OK)
		goto out;
	err = mcx_eccsi_compute_y(kpak, pvt, hs, y, bn);
	if (err == MCX_ERR_INFINITY)
		err = MCX_ERR_SIGNATURE;
	if (err != MCX_OK)
		goto out;
	err = verify_with_y(kpak, hs, y, msg, msg_len, r, s, bn);
out:
	BN_CTX_end(bn);
	EC_POINT_free(pvt);
	EC_POINT_free(y);
	return err;
}

enum mcx_mech_err mcx_eccsi_verify(struct mcx_eccsi_kpak *kpak,
				   const uint8_t *id, size_t id_len,
				   const uint8_t *msg, size_t msg_len,
				   const uint8_t *sig, size_t sig_len)
{
	enum mcx_mech_err err = MCX_ERR_CRYPTO;
	BN_CTX *bn = NULL;

	if (kpak == NULL || (id == NULL && id_len > 0) ||
	    (msg == NULL && msg_len > 0))
		return MCX_ERR_ARGUMENT;
	mcx_err_mark();
	bn = BN_CTX_new_ex(mcx_libctx());
	if (bn != NULL)
		err = verify_slow(kpak, id, id_len, msg, msg_len, sig, sig_len,
				  bn);
	BN_CTX_free(bn);
	mcx_err_pop();
	return err;
}

enum mcx_mech_err mcx_eccsi_verifier_new(struct mcx_eccsi_verifier **out,
					 struct mcx_eccsi_kpak *kpak,
					 const uint8_t *id, size_t id_len,
					 const uint8_t *pvt, size_t pvt_len)
{
	enum mcx_mech_err err = MCX_ERR_NOMEM;
	struct mcx_eccsi_verifier *v = NULL;
	BN_CTX *bn = NULL;
	EC_POINT *pvt_pt = NULL;

	if (out == NULL || kpak == NULL || (id == NULL && id_len > 0))
		return MCX_ERR_ARGUMENT;
	*out = NULL;
	mcx_err_mark();
	v = calloc(1, sizeof(*v));
	if (v == NULL)
		goto out;
	v->kpak = mcx_eccsi_kpak_ref(kpak);
	v->id = malloc(id_len > 0 ? id_len : 1);
	if (v->id == NULL)
		goto out;
	if (id_len > 0)
		memcpy(v->id, id, id_len);
	v->id_len = id_len;
	err = MCX_ERR_CRYPTO;
	bn = BN_CTX_new_ex(mcx_libctx());
	pvt_pt = EC_POINT_new(kpak->c.group);
	v->y = EC_POINT_new(kpak->c.group);
	if (bn == NULL || pvt_pt == NULL || v->y == NULL)
		goto out;
	err = mcx_eccsi_parse_point(&kpak->c, pvt, pvt_len, pvt_pt, bn);
	if (err != MCX_OK)
		goto out;
	memcpy(v->pvt, pvt, sizeof(v->pvt));
	err = mcx_eccsi_compute_hs(kpak, id, id_len, v->pvt, v->hs);
	if (err != MCX_OK)
		goto out;
	err = mcx_eccsi_compute_y(kpak, pvt_pt, v->hs, v->y, bn);
	if (err != MCX_OK)
		goto out;
	*out = v;
	v = NULL;
out:
	EC_POINT_free(pvt_pt);
	BN_CTX_free(bn);
	mcx_eccsi_verifier_free(v);
	mcx_err_pop();
	return err;
}

void mcx_eccsi_verifier_free(struct mcx_eccsi_verifier *v)
{
	if (v == NULL)
		return;
	EC_POINT_free(v->y);
	free(v->id);
	mcx_eccsi_kpak_free(v->kpak);
	free(v);
}

enum mcx_mech_err mcx_eccsi_verifier_y(const struct mcx_eccsi_verifier *v,
				       uint8_t y[MCX_ECCSI_POINT_LEN])
{
	enum mcx_mech_err err = MCX_ERR_CRYPTO;

	if (v == NULL || y == NULL)
		return MCX_ERR_ARGUMENT;
	mcx_err_mark();
	if (EC_POINT_point2oct(
		v->kpak->c.group, v->y, POINT_CONVERSION_UNCOMPRESSED, y,
		MCX_ECCSI_POINT_LEN, NULL) == MCX_ECCSI_POINT_LEN)
		err = MCX_OK;
	mcx_err_pop();
	return err;
}

const uint8_t *mcx_eccsi_verifier_hs(const struct mcx_eccsi_verifier *v)
{
	return v->hs;
}

const uint8_t *mcx_eccsi_verifier_id(const struct mcx_eccsi_verifier *v,
				     size_t *id_len)
{
	*id_len = v->id_len;
	return v->id;
}

enum mcx_mech_err mcx_eccsi_verifier_verify(const struct mcx_eccsi_verifier *v,
					    const uint8_t *msg, size_t msg_len,
					    const uint8_t *sig, size_t sig_len)
{
	enum mcx_mech_err err = MCX_ERR_CRYPTO;
	BN_CTX *bn = NULL;
	BIGNUM *r = NULL;
	BIGNUM *s = NULL;

	if (v == NULL || (msg == NULL && msg_len > 0))
		return MCX_ERR_ARGUMENT;
	mcx_err_mark();
	bn = BN_CTX_new_ex(mcx_libctx());
	if (bn == NULL)
		goto out;
	/* A PVT other than the cached one: same ID, another key; verify it
	 * from scratch and leave the cache alone (it stays immutable, so
	 * concurrent callers need no lock). */
	if (sig != NULL && sig_len == MCX_ECCSI_SIG_LEN &&
	    memcmp(sig + 2 * MCX_ECCSI_N, v->pvt, MCX_ECCSI_POINT_LEN) != 0) {
		err = verify_slow(v->kpak, v->id, v->id_len, msg, msg_len, sig,
				  sig_len, bn);
		goto out;
	}
	BN_CTX_start(bn);
	r = BN_CTX_get(bn);
	s = BN_CTX_get(bn);
	if (s != NULL) {
		err = parse_sig(&v->kpak->c, sig, sig_len, r, s, NULL, bn);
		if (err == MCX_OK)
			err = verify_with_y(v->kpak, v->hs, v->y, msg, msg_len,
					    r, s, bn);
	}
	BN_CTX_end(bn);
out:
	BN_CTX_free(bn);
	mcx_err_pop();
	return err;
}
