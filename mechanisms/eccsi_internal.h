/*
 * Private to the ECCSI files (eccsi.c: curve, KPAK, signer, signing;
 * eccsi_verify.c; eccsi_kms.c): the KPAK object and the helpers they share.
 */
#ifndef MCX_MECHANISMS_ECCSI_INTERNAL_H
#define MCX_MECHANISMS_ECCSI_INTERNAL_H

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <stdatomic.h>

#include "mechanisms/eccsi.h"

/* The curve and hash, one set per KPAK (an EC_GROUP holds a pointer into
 * the library context, so it is never cached beyond mcx_libctx_free). */
struct mcx_eccsi_curve {
	EC_GROUP *group;
	BIGNUM *p; /* field prime */
	BIGNUM *q; /* group order */
	EVP_MD *sha256;
	uint8_t g[MCX_ECCSI_POINT_LEN]; /* G, encoded for HS */
};

struct mcx_eccsi_kpak {
	atomic_int refs;
	struct mcx_eccsi_curve c;
	EC_POINT *point;
	uint8_t bytes[MCX_ECCSI_POINT_LEN];
};

enum mcx_mech_err mcx_eccsi_curve_init(struct mcx_eccsi_curve *c);
void mcx_eccsi_curve_clear(struct mcx_eccsi_curve *c);
BN_CTX *mcx_eccsi_bn_ctx_new(void);
/* 0x04 || x || y: MCX_ERR_LENGTH, MCX_ERR_ENCODING, MCX_ERR_NOT_ON_CURVE. */
enum mcx_mech_err mcx_eccsi_parse_point(const struct mcx_eccsi_curve *c,
					const uint8_t *in, size_t len,
					EC_POINT *out, BN_CTX *bn);
/* A BN_FLG_CONSTTIME secret from 32 octets; free with BN_clear_free. */
BIGNUM *mcx_eccsi_secret_bn(const uint8_t in[MCX_ECCSI_N]);
int mcx_eccsi_scalar_in_range(const BIGNUM *k, const BIGNUM *q);
enum mcx_mech_err mcx_eccsi_random_scalar(const BIGNUM *q, BIGNUM *k,
					  BN_CTX *bn);
/* HS = SHA-256(G || KPAK || ID || PVT) */
enum mcx_mech_err mcx_eccsi_compute_hs(const struct mcx_eccsi_kpak *kpak,
				       const uint8_t *id, size_t id_len,
				       const uint8_t pvt[MCX_ECCSI_POINT_LEN],
				       uint8_t hs[MCX_ECCSI_HS_LEN]);
/* Y = [HS]PVT + KPAK; MCX_ERR_INFINITY if Y is the point at infinity. */
enum mcx_mech_err mcx_eccsi_compute_y(const struct mcx_eccsi_kpak *kpak,
				      const EC_POINT *pvt,
				      const uint8_t hs[MCX_ECCSI_HS_LEN],
				      EC_POINT *y, BN_CTX *bn);
struct mcx_eccsi_kpak *mcx_eccsi_kpak_ref(struct mcx_eccsi_kpak *kpak);

#endif /* MCX_MECHANISMS_ECCSI_INTERNAL_H */
