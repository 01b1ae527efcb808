/*
 * ECCSI (RFC 6507) on NIST P-256 with SHA-256, the signature scheme of
 * MIKEY-SAKKE (RFC 6509) and TS 33.180.  Pure functions over bytes; every
 * libcrypto call goes through mcx_libctx().
 *
 * Objects, in the order a user needs them:
 *
 *   struct mcx_eccsi_kpak      a KMS public authentication key (KPAK),
 *                              validated once; reference counted, shared by
 *                              the signers and verifiers made from it.
 *   struct mcx_eccsi_signer    SSK + PVT + ID + HS of one identity, made only
 *                              by validation (RFC 6507 §5.1.2).
 *   struct mcx_eccsi_sign_ctx  one multi-part signature (C_SignInit/Update/
 *                              Final).
 *   struct mcx_eccsi_verifier  one signer (KPAK, ID, PVT) with
 *                              Y = [HS]PVT + KPAK cached, for repeated
 *                              verifications (RFC 6507 §5.2.2 step 4 once).
 *
 * Encodings (RFC 6507 §3, MCX-REFERENCE §2): points 0x04 || x || y
 * (65 octets), scalars 32 octets big-endian, SIG = r || s || PVT
 * (129 octets).  The ID is raw octets (for MCX the 32-octet F.2.1 UID).
 *
 * Every object is immutable once made, so one object may be used from
 * several threads at once.  Secrets (SSK, KSAK, j, v) are wiped on every
 * path; the fixed-base multiplications by them are OpenSSL's constant-time
 * P-256 code and the signing scalar arithmetic is our own constant-time
 * code (eccsi_ord.c); see eccsi.c.
 */
#ifndef MCX_MECHANISMS_ECCSI_H
#define MCX_MECHANISMS_ECCSI_H

#include <stddef.h>
#include <stdint.h>

#include "mechanisms/mech_err.h"

#define MCX_ECCSI_N	    32 /* octets of a scalar / coordinate */
#define MCX_ECCSI_POINT_LEN (2 * MCX_ECCSI_N + 1) /* 0x04 || x || y */
#define MCX_ECCSI_SIG_LEN   (4 * MCX_ECCSI_N + 1) /* r || s || PVT */
#define MCX_ECCSI_HS_LEN    32			  /* SHA-256 output */

struct mcx_eccsi_kpak;
struct mcx_eccsi_signer;
struct mcx_eccsi_sign_ctx;
struct mcx_eccsi_verifier;

/* ---- KMS public key ---------------------------------------------------- */

/* Parse and check a KPAK (65 octets, on P-256; a point at infinity cannot be
 * encoded this way).  MCX_ERR_LENGTH, MCX_ERR_ENCODING (not 0x04, coordinate
 * >= p), MCX_ERR_NOT_ON_CURVE. */
enum mcx_mech_err mcx_eccsi_kpak_new(struct mcx_eccsi_kpak **out,
				     const uint8_t *kpak, size_t kpak_len);
/* Drop one reference; NULL-safe. */
void mcx_eccsi_kpak_free(struct mcx_eccsi_kpak *kpak);
/* The 65-octet encoding. */
const uint8_t *mcx_eccsi_kpak_bytes(const struct mcx_eccsi_kpak *kpak);

/* ---- signer: SSK + PVT of one identity (RFC 6507 §5.1.2) --------------- */

/* Validate (SSK, PVT) for id under kpak and keep them with
 * HS = SHA-256(G || KPAK || ID || PVT):
 *   PVT on E                         else MCX_ERR_LENGTH / ENCODING /
 *                                         NOT_ON_CURVE
 *   SSK in [1, q-1]                  else MCX_ERR_SCALAR_RANGE
 *   KPAK == [SSK]G - [HS]PVT         else MCX_ERR_KEY_INVALID
 * The signer takes a reference on kpak. */
enum mcx_mech_err mcx_eccsi_signer_new(struct mcx_eccsi_signer **out,
				       struct mcx_eccsi_kpak *kpak,
				       const uint8_t *id, size_t id_len,
				       const uint8_t *ssk, size_t ssk_len,
				       const uint8_t *pvt, size_t pvt_len);
void mcx_eccsi_signer_free(struct mcx_eccsi_signer *signer);
/* HS (32 octets), computed once at validation. */
const uint8_t *mcx_eccsi_signer_hs(const struct mcx_eccsi_signer *signer);
/* PVT (65 octets). */
const uint8_t *mcx_eccsi_signer_pvt(const struct mcx_eccsi_signer *signer);

/* One-shot signature of msg (RFC 6507 §5.2.1) into sig[129]. */
enum mcx_mech_err mcx_eccsi_sign(const struct mcx_eccsi_signer *signer,
				 const uint8_t *msg, size_t msg_len,
				 uint8_t sig[MCX_ECCSI_SIG_LEN]);

/* Multi-part signature: init chooses j, computes J and r and starts
 * HE = SHA-256(HS || r || ...); update feeds message parts; final completes
 * s and writes SIG.  The context keeps a reference on nothing but the
 * signer, which must outlive it.  In the 2^-256-probability event that
 * HE + r*SSK = 0 mod q (RFC 6507 §5.2.1 step 4 asks for a new j, which a
 * streamed message cannot give), final fails with MCX_ERR_RANDOM and the
 * caller signs again.  final may be called once (MCX_ERR_ARGUMENT after);
 * free is NULL-safe and wipes j. */
enum mcx_mech_err mcx_eccsi_sign_init(struct mcx_eccsi_sign_ctx **out,
				      const struct mcx_eccsi_signer *signer);
enum mcx_mech_err mcx_eccsi_sign_update(struct mcx_eccsi_sign_ctx *ctx,
					const uint8_t *part, size_t part_len);
enum mcx_mech_err mcx_eccsi_sign_final(struct mcx_eccsi_sign_ctx *ctx,
				       uint8_t sig[MCX_ECCSI_SIG_LEN]);
void mcx_eccsi_sign_ctx_free(struct mcx_eccsi_sign_ctx *ctx);

/* KNOWN-ANSWER TESTS ONLY: sign with a caller-chosen ephemeral j (32 octets,
 * in [1, q-1]).  Never use it on real keys: two signatures with one j reveal
 * the SSK.  The token does not call it. */
enum mcx_mech_err mcx_eccsi_sign_with_j_for_test(
    const struct mcx_eccsi_signer *signer, const uint8_t *msg, size_t msg_len,
    const uint8_t j[MCX_ECCSI_N], uint8_t sig[MCX_ECCSI_SIG_LEN]);

/* ---- verification (RFC 6507 §5.2.2) ------------------------------------ */

/* Verify sig over msg for id under kpak, computing HS and Y from the PVT in
 * the signature (a signer seen for the first time).  Errors, each distinct:
 *   MCX_ERR_LENGTH        sig is not 129 octets
 *   MCX_ERR_ENCODING      PVT not 0x04||x||y with x, y < p
 *   MCX_ERR_NOT_ON_CURVE  PVT not on E
 *   MCX_ERR_SCALAR_RANGE  r or s is 0 or >= q
 *   MCX_ERR_SIGNATURE     the equation does not hold */
enum mcx_mech_err mcx_eccsi_verify(struct mcx_eccsi_kpak *kpak,
				   const uint8_t *id, size_t id_len,
				   const uint8_t *msg, size_t msg_len,
				   const uint8_t *sig, size_t sig_len);

/* A verifier for one signer (KPAK, ID, PVT): checks the PVT and computes HS
 * and Y = [HS]PVT + KPAK once.  Takes a reference on kpak. */
enum mcx_mech_err mcx_eccsi_verifier_new(struct mcx_eccsi_verifier **out,
					 struct mcx_eccsi_kpak *kpak,
					 const uint8_t *id, size_t id_len,
					 const uint8_t *pvt, size_t pvt_len);
void mcx_eccsi_verifier_free(struct mcx_eccsi_verifier *verifier);
/* The cached HS (32 octets) and Y = [HS]PVT + KPAK (65 octets; public). */
const uint8_t *mcx_eccsi_verifier_hs(const struct mcx_eccsi_verifier *verifier);
enum mcx_mech_err
mcx_eccsi_verifier_y(const struct mcx_eccsi_verifier *verifier,
		     uint8_t y[MCX_ECCSI_POINT_LEN]);
/* The signer ID the verifier was made for (RFC 6507 §5.2.2 verifies
 * against this ID, not against any ID a caller names alongside it). */
const uint8_t *mcx_eccsi_verifier_id(const struct mcx_eccsi_verifier *verifier,
				     size_t *id_len);

/* Verify with the cached Y: one multi-scalar multiplication
 * [s*HE]G + [s*r]Y.  A signature carrying a PVT other than the cached one
 * (the signer got a new key, same ID) is verified the slow way, exactly as
 * mcx_eccsi_verify would, without changing the cache.  Errors as
 * mcx_eccsi_verify. */
enum mcx_mech_err
mcx_eccsi_verifier_verify(const struct mcx_eccsi_verifier *verifier,
			  const uint8_t *msg, size_t msg_len,
			  const uint8_t *sig, size_t sig_len);

/* ---- KMS side (RFC 6507 §5.1.1) ---------------------------------------- */

/* A new KMS key pair: random KSAK in [1, q-1], KPAK = [KSAK]G. */
enum mcx_mech_err mcx_eccsi_kms_keygen(uint8_t ksak[MCX_ECCSI_N],
				       uint8_t kpak[MCX_ECCSI_POINT_LEN]);
/* KPAK = [KSAK]G for a given KSAK (in [1, q-1], else MCX_ERR_SCALAR_RANGE). */
enum mcx_mech_err mcx_eccsi_kms_kpak(const uint8_t ksak[MCX_ECCSI_N],
				     uint8_t kpak[MCX_ECCSI_POINT_LEN]);
/* Issue (SSK, PVT) for id: random v, PVT = [v]G,
 * HS = SHA-256(G || KPAK || ID || PVT), SSK = KSAK + HS*v mod q (a new v if
 * SSK = 0).  Outputs are wiped on failure. */
enum mcx_mech_err mcx_eccsi_kms_issue(const uint8_t ksak[MCX_ECCSI_N],
				      const uint8_t *id, size_t id_len,
				      uint8_t ssk[MCX_ECCSI_N],
				      uint8_t pvt[MCX_ECCSI_POINT_LEN]);
/* KNOWN-ANSWER TESTS ONLY: issue with a caller-chosen v (a repeated v
 * reveals the KSAK).  MCX_ERR_KEY_INVALID if SSK would be 0. */
enum mcx_mech_err mcx_eccsi_kms_issue_with_v_for_test(
    const uint8_t ksak[MCX_ECCSI_N], const uint8_t *id, size_t id_len,
    const uint8_t v[MCX_ECCSI_N], uint8_t ssk[MCX_ECCSI_N],
    uint8_t pvt[MCX_ECCSI_POINT_LEN]);

#endif /* MCX_MECHANISMS_ECCSI_H */
