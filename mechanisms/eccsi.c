/*
 * ECCSI (RFC 6507) on P-256, SHA-256.  The functions read as the RFC's
 * steps; see eccsi.h for the interface and MCX-REFERENCE §2 for the values.
 *
 * Constant time (secrets: SSK, KSAK, j, v):
 * - [j]G, [SSK]G, [v]G, [KSAK]G are single fixed-base multiplications
 *   EC_POINT_mul(group, R, k, NULL, NULL, ctx); OpenSSL computes those with
 *   its constant-time generator code (P-256 nistz256 table, or the
 *   Montgomery ladder) when the scalar has BN_FLG_CONSTTIME;
 * - the signature's scalar step s' = j * (HE + r*SSK)^-1 mod q is done in
 *   our own code (eccsi_ord.c: 4-limb Montgomery arithmetic, Fermat
 *   inversion with a public exponent, masked reductions), which the
 *   valgrind harness (tests/ct) checks; the KMS side's SSK = KSAK + HS*v
 *   uses BN_FLG_CONSTTIME BIGNUMs;
 * - the only branches on secret-derived values are the RFC's "retry if
 *   zero" tests, taken with probability 2^-256.
 * Verification handles only public data and uses one EC_POINT_mul with the
 * generator and Y (OpenSSL's interleaved multi-scalar multiplication).
 */
#include "mechanisms/eccsi.h"
#include "mechanisms/eccsi_internal.h"

#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "common/wipe.h"
#include "mechanisms/eccsi_ord.h"
#include "mechanisms/libctx.h"

struct mcx_eccsi_signer {
	struct mcx_eccsi_kpak *kpak;
	uint8_t ssk[MCX_ECCSI_N]; /* secret, wiped on free */
	uint8_t pvt[MCX_ECCSI_POINT_LEN];
	uint8_t hs[MCX_ECCSI_HS_LEN];
};

struct mcx_eccsi_sign_ctx {
	const struct mcx_eccsi_signer *signer;
	BIGNUM *j; /* secret ephemeral */
	EVP_MD_CTX *he;
	uint8_t r[MCX_ECCSI_N];
	int finished; /* j was used: a second final must fail */
};

/* ---- helpers ----------------------------------------------------------- */

void mcx_eccsi_curve_clear(struct mcx_eccsi_curve *c)
{
	EC_GROUP_free(c->group);
	BN_free(c->p);
	BN_free(c->q);
	EVP_MD_free(c->sha256);
	memset(c, 0, sizeof(*c));
}

enum mcx_mech_err mcx_eccsi_curve_init(struct mcx_eccsi_curve *c)
{
	enum mcx_mech_err err = MCX_ERR_CRYPTO;
	OSSL_LIB_CTX *lib = mcx_libctx();

	memset(c, 0, sizeof(*c));
	if (lib == NULL)
		goto out;
	/* RFC 6509 §3 / MCX-REFERENCE §2.1: ECCSI in MIKEY-SAKKE is P-256. */
	c->group =
	    EC_GROUP_new_by_curve_name_ex(lib, NULL, NID_X9_62_prime256v1);
	c->p = BN_new();
	c->q = BN_new();
	c->sha256 = EVP_MD_fetch(lib, "SHA256", NULL);
	if (c->group == NULL || c->p == NULL || c->q == NULL ||
	    c->sha256 == NULL)
		goto out;
	if (!EC_GROUP_get_curve(c->group, c->p, NULL, NULL, NULL) ||
	    BN_copy(c->q, EC_GROUP_get0_order(c->group)) == NULL)
		goto out;
	if (EC_POINT_point2oct(c->group, EC_GROUP_get0_generator(c->group),
			       POINT_CONVERSION_UNCOMPRESSED, c->g,
			       sizeof(c->g), NULL) != sizeof(c->g))
		goto out;
	err = MCX_OK;
out:
	if (err != MCX_OK)
		mcx_eccsi_curve_clear(c);
	return err;
}

/* A plain BN_CTX: its numbers are cleared when it is freed (BN_POOL uses
 * BN_clear_free), and we BN_clear the secret ones on release anyway; the
 * secure heap made the scalar multiplication a third slower. */
BN_CTX *mcx_eccsi_bn_ctx_new(void)
{
	return BN_CTX_new_ex(mcx_libctx());
}

/* A 0x04||x||y point: length, format, x and y < p, then the curve equation
 * (EC_POINT_set_affine_coordinates refuses a point off the curve).  P-256
 * has cofactor 1, so a point on the curve is in the group; infinity has no
 * such encoding. */
enum mcx_mech_err mcx_eccsi_parse_point(const struct mcx_eccsi_curve *c,
					const uint8_t *in, size_t len,
					EC_POINT *out, BN_CTX *bn)
{
	enum mcx_mech_err err = MCX_ERR_CRYPTO;
	BIGNUM *x = NULL;
	BIGNUM *y = NULL;

	if (in == NULL || len != MCX_ECCSI_POINT_LEN)
		return MCX_ERR_LENGTH;
	if (in[0] != 0x04)
		return MCX_ERR_ENCODING;
	BN_CTX_start(bn);
	x = BN_CTX_get(bn);
	y = BN_CTX_get(bn);
	if (y == NULL)
		goto out;
	if (BN_bin2bn(in + 1, MCX_ECCSI_N, x) == NULL ||
	    BN_bin2bn(in + 1 + MCX_ECCSI_N, MCX_ECCSI_N, y) == NULL)
		goto out;
	if (BN_cmp(x, c->p) >= 0 || BN_cmp(y, c->p) >= 0) {
		err = MCX_ERR_ENCODING;
		goto out;
	}
	if (!EC_POINT_set_affine_coordinates(c->group, out, x, y, bn)) {
		err = MCX_ERR_NOT_ON_CURVE;
		goto out;
	}
	err = MCX_OK;
out:
	BN_CTX_end(bn);
	return err;
}

/* A secret scalar from 32 octets, flagged constant time; the caller frees
 * it with BN_clear_free. */
BIGNUM *mcx_eccsi_secret_bn(const uint8_t in[MCX_ECCSI_N])
{
	BIGNUM *k = BN_secure_new();

	if (k == NULL)
		return NULL;
	BN_set_flags(k, BN_FLG_CONSTTIME);
	if (BN_bin2bn(in, MCX_ECCSI_N, k) == NULL) {
		BN_clear_free(k);
		return NULL;
	}
	return k;
}

/* 1 <= k < q, decided without looking at k's bits one by one (the result
 * itself is the only thing revealed). */
int mcx_eccsi_scalar_in_range(const BIGNUM *k, const BIGNUM *q)
{
	return !BN_is_zero(k) && BN_cmp(k, q) < 0;
}

/* Uniform in [1, q-1] from the library context's private DRBG. */
enum mcx_mech_err mcx_eccsi_random_scalar(const BIGNUM *q, BIGNUM *k,
					  BN_CTX *bn)
{
	BN_set_flags(k, BN_FLG_CONSTTIME);
	do {
		if (!BN_priv_rand_range_ex(k, q, 0, bn))
			return MCX_ERR_RANDOM;
	} while (BN_is_zero(k));
	return MCX_OK;
}

/* HS = SHA-256(G || KPAK || ID || PVT)  (RFC 6507 §5.1.1 step 3). */
enum mcx_mech_err mcx_eccsi_compute_hs(const struct mcx_eccsi_kpak *kpak,
				       const uint8_t *id, size_t id_len,
				       const uint8_t pvt[MCX_ECCSI_POINT_LEN],
				       uint8_t hs[MCX_ECCSI_HS_LEN])
{
	enum mcx_mech_err err = MCX_ERR_CRYPTO;
	EVP_MD_CTX *md = EVP_MD_CTX_new();

	if (md == NULL)
		goto out;
	if (!EVP_DigestInit_ex(md, kpak->c.sha256, NULL) ||
	    !EVP_DigestUpdate(md, kpak->c.g, sizeof(kpak->c.g)) ||
	    !EVP_DigestUpdate(md, kpak->bytes, sizeof(kpak->bytes)) ||
	    (id_len > 0 && !EVP_DigestUpdate(md, id, id_len)) ||
	    !EVP_DigestUpdate(md, pvt, MCX_ECCSI_POINT_LEN) ||
	    !EVP_DigestFinal_ex(md, hs, NULL))
		goto out;
	err = MCX_OK;
out:
	EVP_MD_CTX_free(md);
	return err;
}

/* Y = [HS]PVT + KPAK (RFC 6507 §5.2.2 step 4); public values only.  Y at
 * infinity would make every signature depend on G alone: refuse it. */
enum mcx_mech_err mcx_eccsi_compute_y(const struct mcx_eccsi_kpak *kpak,
				      const EC_POINT *pvt,
				      const uint8_t hs[MCX_ECCSI_HS_LEN],
				      EC_POINT *y, BN_CTX *bn)
{
	enum mcx_mech_err err = MCX_ERR_CRYPTO;
	BIGNUM *h = NULL;

	BN_CTX_start(bn);
	h = BN_CTX_get(bn);
	if (h == NULL || BN_bin2bn(hs, MCX_ECCSI_HS_LEN, h) == NULL)
		goto out;
	if (!EC_POINT_mul(kpak->c.group, y, NULL, pvt, h, bn) ||
	    !EC_POINT_add(kpak->c.group, y, y, kpak->point, bn))
		goto out;
	if (EC_POINT_is_at_infinity(kpak->c.group, y)) {
		err = MCX_ERR_INFINITY;
		goto out;
	}
	err = MCX_OK;
out:
	BN_CTX_end(bn);
	return err;
}

/* ---- KPAK -------------------------------------------------------------- */

enum mcx_mech_err mcx_eccsi_kpak_new(struct mcx_eccsi_kpak **out,
				     const uint8_t *kpak_bytes, size_t kpak_len)
{
	enum mcx_mech_err err = MCX_ERR_NOMEM;
	struct mcx_eccsi_kpak *kpak = NULL;
	BN_CTX *bn = NULL;

	if (out == NULL)
		return MCX_ERR_ARGUMENT;
	*out = NULL;
	mcx_err_mark();
	kpak = calloc(1, sizeof(*kpak));
	if (kpak == NULL)
		goto out;
	atomic_init(&kpak->refs, 1);
	err = mcx_eccsi_curve_init(&kpak->c);
	if (err != MCX_OK)
		goto out;
	err = MCX_ERR_CRYPTO;
	bn = mcx_eccsi_bn_ctx_new();
	kpak->point = EC_POINT_new(kpak->c.group);
	if (bn == NULL || kpak->point == NULL)
		goto out;
	err = mcx_eccsi_parse_point(&kpak->c, kpak_bytes, kpak_len, kpak->point,
				    bn);
	if (err != MCX_OK)
		goto out;
	memcpy(kpak->bytes, kpak_bytes, sizeof(kpak->bytes));
	*out = kpak;
	kpak = NULL;
out:
	BN_CTX_free(bn);
	mcx_eccsi_kpak_free(kpak);
	mcx_err_pop();
	return err;
}

void mcx_eccsi_kpak_free(struct mcx_eccsi_kpak *kpak)
{
	if (kpak == NULL || atomic_fetch_sub(&kpak->refs, 1) != 1)
		return;
	EC_POINT_free(kpak->point);
	mcx_eccsi_curve_clear(&kpak->c);
	free(kpak);
}

struct mcx_eccsi_kpak *mcx_eccsi_kpak_ref(struct mcx_eccsi_kpak *kpak)
{
	atomic_fetch_add(&kpak->refs, 1);
	return kpak;
}

const uint8_t *mcx_eccsi_kpak_bytes(const struct mcx_eccsi_kpak *kpak)
{
	return kpak->bytes;
}

/* ---- signer (RFC 6507 §5.1.2) ------------------------------------------ */

enum mcx_mech_err mcx_eccsi_signer_new(struct mcx_eccsi_signer **out,
				       struct mcx_eccsi_kpak *kpak,
				       const uint8_t *id, size_t id_len,
				       const uint8_t *ssk, size_t ssk_len,
				       const uint8_t *pvt, size_t pvt_len)
{
	enum mcx_mech_err err = MCX_ERR_NOMEM;
	struct mcx_eccsi_signer *s = NULL;
	const struct mcx_eccsi_curve *c = NULL;
	BN_CTX *bn = NULL;
	EC_POINT *pvt_pt = NULL;
	EC_POINT *ssk_g = NULL;
	EC_POINT *y = NULL;
	BIGNUM *k = NULL;

	if (out == NULL || kpak == NULL || (id == NULL && id_len > 0))
		return MCX_ERR_ARGUMENT;
	*out = NULL;
	if (ssk == NULL || ssk_len != MCX_ECCSI_N)
		return MCX_ERR_LENGTH;
	c = &kpak->c;
	mcx_err_mark();
	s = calloc(1, sizeof(*s));
	if (s == NULL)
		goto out;
	s->kpak = mcx_eccsi_kpak_ref(kpak);
	err = MCX_ERR_CRYPTO;
	bn = mcx_eccsi_bn_ctx_new();
	pvt_pt = EC_POINT_new(c->group);
	ssk_g = EC_POINT_new(c->group);
	y = EC_POINT_new(c->group);
	k = mcx_eccsi_secret_bn(ssk);
	if (bn == NULL || pvt_pt == NULL || ssk_g == NULL || y == NULL ||
	    k == NULL)
		goto out;
	/* Step 1: PVT must be a point of E. */
	err = mcx_eccsi_parse_point(c, pvt, pvt_len, pvt_pt, bn);
	if (err != MCX_OK)
		goto out;
	memcpy(s->pvt, pvt, sizeof(s->pvt));
	if (!mcx_eccsi_scalar_in_range(k, c->q)) {
		err = MCX_ERR_SCALAR_RANGE;
		goto out;
	}
	/* Step 2: HS, kept for every signature. */
	err = mcx_eccsi_compute_hs(kpak, id, id_len, s->pvt, s->hs);
	if (err != MCX_OK)
		goto out;
	/* Step 3: KPAK == [SSK]G - [HS]PVT, i.e. [SSK]G == [HS]PVT + KPAK.
	 * [SSK]G alone, fixed-base and constant time; the right side is
	 * public.  A Y at infinity cannot equal [SSK]G for SSK in [1, q-1]. */
	err = MCX_ERR_CRYPTO;
	if (!EC_POINT_mul(c->group, ssk_g, k, NULL, NULL, bn))
		goto out;
	err = mcx_eccsi_compute_y(kpak, pvt_pt, s->hs, y, bn);
	if (err == MCX_ERR_INFINITY)
		err = MCX_ERR_KEY_INVALID;
	if (err != MCX_OK)
		goto out;
	if (EC_POINT_cmp(c->group, ssk_g, y, bn) != 0) {
		err = MCX_ERR_KEY_INVALID;
		goto out;
	}
	memcpy(s->ssk, ssk, sizeof(s->ssk));
	*out = s;
	s = NULL;
	err = MCX_OK;
out:
	BN_clear_free(k);
	EC_POINT_clear_free(ssk_g);
	EC_POINT_free(pvt_pt);
	EC_POINT_free(y);
	BN_CTX_free(bn);
	mcx_eccsi_signer_free(s);
	mcx_err_pop();
	return err;
}

void mcx_eccsi_signer_free(struct mcx_eccsi_signer *s)
{
	if (s == NULL)
		return;
	mcx_eccsi_kpak_free(s->kpak);
	mcx_wipe(s, sizeof(*s));
	free(s);
}

const uint8_t *mcx_eccsi_signer_hs(const struct mcx_eccsi_signer *s)
{
	return s->hs;
}

const uint8_t *mcx_eccsi_signer_pvt(const struct mcx_eccsi_signer *s)
{
	return s->pvt;
}

/* ---- signing (RFC 6507 §5.2.1) ----------------------------------------- */

/* Steps 2: J = [j]G, r = Jx.  Returns MCX_ERR_SCALAR_RANGE when r >= q
 * (probability about 2^-64): the caller then picks a new j, so that every
 * signature we make passes a verifier that insists on r in [1, q-1]. */
static enum mcx_mech_err compute_r(const struct mcx_eccsi_curve *c,
				   const BIGNUM *j, uint8_t r[MCX_ECCSI_N],
				   BN_CTX *bn)
{
	enum mcx_mech_err err = MCX_ERR_CRYPTO;
	EC_POINT *jp = EC_POINT_new(c->group);
	BIGNUM *x = NULL;

	BN_CTX_start(bn);
	x = BN_CTX_get(bn);
	if (jp == NULL || x == NULL)
		goto out;
	if (!EC_POINT_mul(c->group, jp, j, NULL, NULL, bn) ||
	    !EC_POINT_get_affine_coordinates(c->group, jp, x, NULL, bn) ||
	    BN_bn2binpad(x, r, MCX_ECCSI_N) != MCX_ECCSI_N)
		goto out;
	err =
	    mcx_eccsi_scalar_in_range(x, c->q) ? MCX_OK : MCX_ERR_SCALAR_RANGE;
out:
	BN_clear(x);
	BN_CTX_end(bn);
	EC_POINT_clear_free(jp);
	return err;
}

/* Start HE = SHA-256(HS || r || ...)  (step 3). */
static enum mcx_mech_err he_start(const struct mcx_eccsi_signer *s,
				  const uint8_t r[MCX_ECCSI_N], EVP_MD_CTX *md)
{
	if (!EVP_DigestInit_ex(md, s->kpak->c.sha256, NULL) ||
	    !EVP_DigestUpdate(md, s->hs, sizeof(s->hs)) ||
	    !EVP_DigestUpdate(md, r, MCX_ECCSI_N))
		return MCX_ERR_CRYPTO;
	return MCX_OK;
}

/* Steps 4-7: s' = ((HE + r*SSK)^-1 * j) mod q, SIG = r || s || PVT.
 * MCX_ERR_RANDOM when HE + r*SSK = 0 mod q (step 4: new j).  The scalar
 * arithmetic is eccsi_ord.c's, constant time in our own code. */
static enum mcx_mech_err compute_s(const struct mcx_eccsi_signer *s,
				   const BIGNUM *j,
				   const uint8_t r[MCX_ECCSI_N],
				   const uint8_t he[MCX_ECCSI_HS_LEN],
				   uint8_t sig[MCX_ECCSI_SIG_LEN])
{
	enum mcx_mech_err err = MCX_ERR_CRYPTO;
	uint8_t jb[MCX_ECCSI_N] = {0};

	/* BN_bn2binpad is constant time in the value (OpenSSL 3). */
	if (BN_bn2binpad(j, jb, sizeof(jb)) != sizeof(jb))
		goto out;
	if (!mcx_eccsi_ord_sign(sig + MCX_ECCSI_N, jb, s->ssk, r, he)) {
		err = MCX_ERR_RANDOM;
		goto out;
	}
	/* Step 6 never applies to P-256 (s' < q < 2^256): s = s'. */
	memcpy(sig, r, MCX_ECCSI_N);
	memcpy(sig + 2 * MCX_ECCSI_N, s->pvt, MCX_ECCSI_POINT_LEN);
	err = MCX_OK;
out:
	mcx_wipe(jb, sizeof(jb));
	return err;
}

/* One signature; j given (test) or drawn (retrying on the RFC's rare
 * conditions). */
static enum mcx_mech_err sign_oneshot(const struct mcx_eccsi_signer *s,
				      const uint8_t *msg, size_t msg_len,
				      const uint8_t *j_in,
				      uint8_t sig[MCX_ECCSI_SIG_LEN])
{
	enum mcx_mech_err err = MCX_ERR_CRYPTO;
	const struct mcx_eccsi_curve *c = NULL;
	BN_CTX *bn = NULL;
	BIGNUM *j = NULL;
	EVP_MD_CTX *md = NULL;
	uint8_t r[MCX_ECCSI_N] = {0};
	uint8_t he[MCX_ECCSI_HS_LEN] = {0};

	if (s == NULL || sig == NULL || (msg == NULL && msg_len > 0))
		return MCX_ERR_ARGUMENT;
	c = &s->kpak->c;
	mcx_err_mark();
	bn = mcx_eccsi_bn_ctx_new();
	md = EVP_MD_CTX_new();
	if (bn == NULL || md == NULL)
		goto out;
	if (j_in != NULL) {
		j = mcx_eccsi_secret_bn(j_in);
		if (j == NULL)
			goto out;
		if (!mcx_eccsi_scalar_in_range(j, c->q)) {
			err = MCX_ERR_SCALAR_RANGE;
			goto out;
		}
	} else {
		j = BN_secure_new();
		if (j == NULL)
			goto out;
	}
	for (;;) {
		/* Step 1: ephemeral j in [1, q-1]. */
		if (j_in == NULL) {
			err = mcx_eccsi_random_scalar(c->q, j, bn);
			if (err != MCX_OK)
				goto out;
		}
		/* Step 2: r = Jx. */
		err = compute_r(c, j, r, bn);
		if (err == MCX_ERR_SCALAR_RANGE && j_in == NULL)
			continue;
		if (err != MCX_OK)
			goto out;
		/* Step 3: HE = SHA-256(HS || r || M). */
		err = he_start(s, r, md);
		if (err != MCX_OK)
			goto out;
		if ((msg_len > 0 && !EVP_DigestUpdate(md, msg, msg_len)) ||
		    !EVP_DigestFinal_ex(md, he, NULL)) {
			err = MCX_ERR_CRYPTO;
			goto out;
		}
		/* Steps 4-7. */
		err = compute_s(s, j, r, he, sig);
		if (err == MCX_ERR_RANDOM && j_in == NULL)
			continue;
		break;
	}
out:
	if (err != MCX_OK && sig != NULL)
		mcx_wipe(sig, MCX_ECCSI_SIG_LEN);
	mcx_wipe(he, sizeof(he));
	BN_clear_free(j);
	EVP_MD_CTX_free(md);
	BN_CTX_free(bn);
	mcx_err_pop();
	return err;
}

enum mcx_mech_err mcx_eccsi_sign(const struct mcx_eccsi_signer *signer,
				 const uint8_t *msg, size_t msg_len,
				 uint8_t sig[MCX_ECCSI_SIG_LEN])
{
	return sign_oneshot(signer, msg, msg_len, NULL, sig);
}

enum mcx_mech_err mcx_eccsi_sign_with_j_for_test(
    const struct mcx_eccsi_signer *signer, const uint8_t *msg, size_t msg_len,
    const uint8_t j[MCX_ECCSI_N], uint8_t sig[MCX_ECCSI_SIG_LEN])
{
	if (j == NULL)
		return MCX_ERR_ARGUMENT;
	return sign_oneshot(signer, msg, msg_len, j, sig);
}

enum mcx_mech_err mcx_eccsi_sign_init(struct mcx_eccsi_sign_ctx **out,
				      const struct mcx_eccsi_signer *signer)
{
	enum mcx_mech_err err = MCX_ERR_NOMEM;
	struct mcx_eccsi_sign_ctx *ctx = NULL;
	BN_CTX *bn = NULL;

	if (out == NULL || signer == NULL)
		return MCX_ERR_ARGUMENT;
	*out = NULL;
	mcx_err_mark();
	ctx = calloc(1, sizeof(*ctx));
	if (ctx == NULL)
		goto out;
	ctx->signer = signer;
	err = MCX_ERR_CRYPTO;
	bn = mcx_eccsi_bn_ctx_new();
	ctx->j = BN_secure_new();
	ctx->he = EVP_MD_CTX_new();
	if (bn == NULL || ctx->j == NULL || ctx->he == NULL)
		goto out;
	/* Steps 1-2 now (new j while r >= q), step 3 begins. */
	do {
		err = mcx_eccsi_random_scalar(signer->kpak->c.q, ctx->j, bn);
		if (err != MCX_OK)
			goto out;
		err = compute_r(&signer->kpak->c, ctx->j, ctx->r, bn);
	} while (err == MCX_ERR_SCALAR_RANGE);
	if (err != MCX_OK)
		goto out;
	err = he_start(signer, ctx->r, ctx->he);
	if (err != MCX_OK)
		goto out;
	*out = ctx;
	ctx = NULL;
out:
	BN_CTX_free(bn);
	mcx_eccsi_sign_ctx_free(ctx);
	mcx_err_pop();
	return err;
}

enum mcx_mech_err mcx_eccsi_sign_update(struct mcx_eccsi_sign_ctx *ctx,
					const uint8_t *part, size_t part_len)
{
	enum mcx_mech_err err = MCX_OK;

	if (ctx == NULL || (part == NULL && part_len > 0))
		return MCX_ERR_ARGUMENT;
	if (part_len == 0)
		return MCX_OK;
	mcx_err_mark();
	if (!EVP_DigestUpdate(ctx->he, part, part_len))
		err = MCX_ERR_CRYPTO;
	mcx_err_pop();
	return err;
}

enum mcx_mech_err mcx_eccsi_sign_final(struct mcx_eccsi_sign_ctx *ctx,
				       uint8_t sig[MCX_ECCSI_SIG_LEN])
{
	enum mcx_mech_err err = MCX_ERR_CRYPTO;
	uint8_t he[MCX_ECCSI_HS_LEN] = {0};

	if (ctx == NULL || sig == NULL || ctx->finished)
		return MCX_ERR_ARGUMENT;
	ctx->finished = 1;
	mcx_err_mark();
	if (!EVP_DigestFinal_ex(ctx->he, he, NULL))
		goto out;
	err = compute_s(ctx->signer, ctx->j, ctx->r, he, sig);
out:
	if (err != MCX_OK)
		mcx_wipe(sig, MCX_ECCSI_SIG_LEN);
	/* One signature per j. */
	BN_clear(ctx->j);
	mcx_wipe(he, sizeof(he));
	mcx_err_pop();
	return err;
}

void mcx_eccsi_sign_ctx_free(struct mcx_eccsi_sign_ctx *ctx)
{
	if (ctx == NULL)
		return;
	BN_clear_free(ctx->j);
	EVP_MD_CTX_free(ctx->he);
	mcx_wipe(ctx, sizeof(*ctx));
	free(ctx);
}
