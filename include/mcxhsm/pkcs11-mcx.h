/*
 * mcxhsm vendor interface: the PKCS#11 key types, attributes, mechanisms,
 * parameter structures and return values that carry the 3GPP MCX
 * (TS 33.180) group-key work.  This header is the contract with users:
 * names are binding, numeric values never change once released.
 *
 * Every vendor constant is CK*_VENDOR_DEFINED | 0x4D435800 ("MCX\0") plus a
 * small offset, one base per constant family.
 *
 * Parameter structures are flat (a byte pointer + length per identity, no
 * nested pointers) so that language bindings such as PyKCS11 can pass them.
 */
#ifndef MCXHSM_PKCS11_MCX_H
#define MCXHSM_PKCS11_MCX_H

#include <mcxhsm/pkcs11.h>

#define MCX_VENDOR_TAG (0x4D435800UL)

#define CKK_MCX_BASE (CKK_VENDOR_DEFINED | MCX_VENDOR_TAG)
#define CKA_MCX_BASE (CKA_VENDOR_DEFINED | MCX_VENDOR_TAG)
#define CKM_MCX_BASE (CKM_VENDOR_DEFINED | MCX_VENDOR_TAG)
#define CKR_MCX_BASE (CKR_VENDOR_DEFINED | MCX_VENDOR_TAG)

/* ---- Key types ------------------------------------------------------- */

/* public: a KMS's Z_T (RFC 6508 §2.2); private: an RSK for one identity and
 * key period. */
#define CKK_MCX_SAKKE (CKK_MCX_BASE + 0x01UL)
/* public: a KMS's KPAK (RFC 6507 §4.2); private: SSK + PVT (+ HS). */
#define CKK_MCX_ECCSI (CKK_MCX_BASE + 0x02UL)
/* a 16-octet MCX key (GMK, PCK, CSK, SPK, MKFC, MSCCK, MuSiK). */
#define CKK_MCX_KEY (CKK_MCX_BASE + 0x03UL)
/* a 16-octet regroup key seed. */
#define CKK_MCX_RGK_SEED (CKK_MCX_BASE + 0x04UL)

/* ---- Attributes ------------------------------------------------------ */

/* CKK_MCX_KEY: purpose tag (CK_ULONG, TS 33.180 §5.2.3) and K-ID (4
 * octets, purpose tag in the top nibble). */
#define CKA_MCX_KEY_PURPOSE (CKA_MCX_BASE + 0x01UL)
#define CKA_MCX_KEY_ID	    (CKA_MCX_BASE + 0x02UL)
/* received keys: UK-ID / GUK-ID (4 octets), status, times, text, groups,
 * sender and receiver URIs. */
#define CKA_MCX_UK_ID  (CKA_MCX_BASE + 0x03UL)
#define CKA_MCX_STATUS (CKA_MCX_BASE + 0x04UL) /* CK_ULONG, CKS_MCX_* */
#define CKA_MCX_ACTIVATION                                                     \
	(CKA_MCX_BASE + 0x05UL) /* CK_ULONG Unix time, 0 unset */
#define CKA_MCX_EXPIRY                                                         \
	(CKA_MCX_BASE + 0x06UL)		     /* CK_ULONG Unix time, 0 unset    \
					      */
#define CKA_MCX_TEXT (CKA_MCX_BASE + 0x07UL) /* UTF-8 */
/* MC group IDs: a sequence of (2-octet big-endian length, UTF-8 ID). */
#define CKA_MCX_GROUP_IDS    (CKA_MCX_BASE + 0x08UL)
#define CKA_MCX_SENDER_URI   (CKA_MCX_BASE + 0x09UL)
#define CKA_MCX_RECEIVER_URI (CKA_MCX_BASE + 0x0aUL)

/* identity keys (CKK_MCX_SAKKE / CKK_MCX_ECCSI) and KMS certificates */
#define CKA_MCX_USER_URI	(CKA_MCX_BASE + 0x10UL) /* UTF-8 */
#define CKA_MCX_UID		(CKA_MCX_BASE + 0x11UL) /* 32 octets, F.2.1 */
#define CKA_MCX_KMS_URI		(CKA_MCX_BASE + 0x12UL) /* UTF-8 */
#define CKA_MCX_KEY_PERIOD_NO	(CKA_MCX_BASE + 0x13UL) /* CK_ULONG */
#define CKA_MCX_USER_KEY_PERIOD (CKA_MCX_BASE + 0x14UL) /* CK_ULONG seconds */
#define CKA_MCX_USER_KEY_OFFSET (CKA_MCX_BASE + 0x15UL) /* CK_ULONG seconds */
#define CKA_MCX_VALID_FROM	(CKA_MCX_BASE + 0x16UL) /* CK_ULONG Unix time */
#define CKA_MCX_VALID_TO	(CKA_MCX_BASE + 0x17UL) /* CK_ULONG Unix time */
#define CKA_MCX_PVT		(CKA_MCX_BASE + 0x18UL) /* 65 octets 04||x||y */
#define CKA_MCX_HS		(CKA_MCX_BASE + 0x19UL) /* 32 octets */
#define CKA_MCX_KMS_ROLE	(CKA_MCX_BASE + 0x1aUL) /* UTF-8 "Root"/"External" */
#define CKA_MCX_REVOKED		(CKA_MCX_BASE + 0x1bUL) /* CK_BBOOL */
/* a private SAKKE key whose SSV may be returned to the caller by
 * CKM_MCX_SAKKE unwrap into a session object (provider decapsulation). */
#define CKA_MCX_ALLOW_SSV_EXPORT (CKA_MCX_BASE + 0x1cUL) /* CK_BBOOL */

/* KMS master secrets (KMS role): CK_TRUE on the private CKK_MCX_SAKKE
 * (z_T) and CKK_MCX_ECCSI (KSAK) keys made by CKM_MCX_KMS_KEY_GEN; they
 * carry CKA_MCX_KMS_URI, CKA_MCX_USER_KEY_PERIOD and CKA_MCX_USER_KEY_OFFSET
 * but no user identity.  Read-only.  Only CKM_MCX_KMS_ISSUE uses one (as
 * the key to be wrapped); as any mechanism's key it is refused with
 * CKR_KEY_TYPE_INCONSISTENT (CKR_(UN)WRAPPING_KEY_TYPE_INCONSISTENT in
 * C_WrapKey / C_UnwrapKey), whatever its usage flags. */
#define CKA_MCX_KMS_SECRET (CKA_MCX_BASE + 0x1dUL) /* CK_BBOOL */
/* Template-only, for C_UnwrapKey of a private CKK_MCX_ECCSI key with
 * CKM_AES_KEY_WRAP or CKM_AES_KEY_WRAP_KWP (the wrapped data is the SSK):
 * the PVT wrapped under the same unwrapping key with CKM_AES_KEY_WRAP_KWP
 * (RFC 5649, 80 octets), as a KMS sends it (TS 33.180 Annex D,
 * MCX-REFERENCE decision b).  The token unwraps it into CKA_MCX_PVT; the
 * attribute itself is never stored or returned.  A wrapped PVT that fails
 * the RFC 5649 check or is not 65 octets: CKR_WRAPPED_KEY_INVALID. */
#define CKA_MCX_WRAPPED_PVT (CKA_MCX_BASE + 0x1eUL)

/* RGK-SEED objects (also CKA_MCX_EXPIRY: CK_ULONG Unix time, 0 none) */
#define CKA_MCX_REGROUP_ID    (CKA_MCX_BASE + 0x20UL) /* UTF-8 */
#define CKA_MCX_INITIATOR_URI (CKA_MCX_BASE + 0x21UL) /* UTF-8 */
#define CKA_MCX_CREATED	      (CKA_MCX_BASE + 0x22UL) /* CK_ULONG Unix time */

/* ---- Key purposes (CKA_MCX_KEY_PURPOSE; TS 33.180 §5.2.3 purpose tag) -- */
#define CKP_MCX_GMK   (0UL)
#define CKP_MCX_PCK   (1UL)
#define CKP_MCX_CSK   (2UL)
#define CKP_MCX_SPK   (3UL)
#define CKP_MCX_MKFC  (4UL)
#define CKP_MCX_MSCCK (5UL)
#define CKP_MCX_MUSIK (6UL)

/* ---- Key status (CKA_MCX_STATUS) -------------------------------------- */
#define CKS_MCX_ACTIVE	(0UL)
#define CKS_MCX_REVOKED (1UL)

/* ---- Mechanisms -------------------------------------------------------- */
#define CKM_MCX_KEY_GEN	     (CKM_MCX_BASE + 0x01UL)
#define CKM_MCX_SAKKE	     (CKM_MCX_BASE + 0x02UL)
#define CKM_MCX_ECCSI	     (CKM_MCX_BASE + 0x03UL)
#define CKM_MCX_MIKEY_SAKKE  (CKM_MCX_BASE + 0x04UL)
#define CKM_MCX_XPK_WRAP     (CKM_MCX_BASE + 0x05UL)
#define CKM_MCX_RGK_SEED_GEN (CKM_MCX_BASE + 0x06UL)
#define CKM_MCX_RGK_DERIVE   (CKM_MCX_BASE + 0x07UL)
/* KMS role.  CKM_MCX_KMS_KEY_GEN is C_GenerateKeyPair with CKA_KEY_TYPE
 * CKK_MCX_SAKKE (z_T / Z_T, RFC 6508 §2.2) or CKK_MCX_ECCSI (KSAK / KPAK,
 * RFC 6507 §4.2) in the templates and the KMS's CKA_MCX_KMS_URI,
 * CKA_MCX_USER_KEY_PERIOD and CKA_MCX_USER_KEY_OFFSET in the public one:
 * the secret is generated in the token, sensitive and never extractable.
 * CKM_MCX_KMS_ISSUE: see CK_MCX_KMS_ISSUE_PARAMS. */
#define CKM_MCX_KMS_KEY_GEN (CKM_MCX_BASE + 0x10UL)
#define CKM_MCX_KMS_ISSUE   (CKM_MCX_BASE + 0x11UL)

/* ---- Mechanism parameters ------------------------------------------------ */

/* CKM_MCX_ECCSI (RFC 6507 over P-256/SHA-256; signatures are r || s || PVT,
 * 129 octets).  C_SignInit takes no parameter: the signer is the private
 * CKK_MCX_ECCSI key (SSK + PVT, its ID the key's CKA_MCX_UID).
 * C_VerifyInit takes the KMS's public CKK_MCX_ECCSI key (KPAK) and this
 * parameter: the signer's identifier as signed (for MCX the 32-octet UID of
 * TS 33.180 F.2.1). */
typedef struct CK_MCX_ECCSI_PARAMS {
	CK_BYTE_PTR pSignerId;
	CK_ULONG ulSignerIdLen;
} CK_MCX_ECCSI_PARAMS;

/* CKM_MCX_SAKKE (RFC 6508 with RFC 6509 parameter set 1): C_WrapKey with a
 * KMS's public CKK_MCX_SAKKE key (Z_T, a token object) wraps a CKK_MCX_KEY
 * (the SSV) into the 273-octet SED R || H for this receiver identifier
 * (for MCX the 32-octet UID of the receiver's key period, F.2.1).
 * C_UnwrapKey with the receiver's private CKK_MCX_SAKKE key (RSK) makes a
 * new CKK_MCX_KEY (CKA_MCX_KEY_PURPOSE from the template); the parameter
 * may be omitted there (NULL): the identifier is then the RSK's
 * CKA_MCX_UID. */
typedef struct CK_MCX_SAKKE_PARAMS {
	CK_BYTE_PTR pIdentifier;
	CK_ULONG ulIdentifierLen;
} CK_MCX_SAKKE_PARAMS;

/* CKM_MCX_MIKEY_SAKKE, C_WrapKey (TS 33.180 5.2, Annex E;
 * MCX-REFERENCE §4-§5): the wrapping key is the sender's private
 * CKK_MCX_ECCSI key (its CKA_MCX_USER_URI is IDRi, its CKA_MCX_KMS_URI
 * IDRkmsi, its key period the sender's), the key a CKK_MCX_KEY; the result
 * is one complete signed I_MESSAGE for one receiver.
 *   pReceiverUri      the receiver's MC service ID URI (IDRr; the GUK-ID
 *                     salt for GMK and MKFC, F.1.3)
 *   hReceiverKms      the receiver KMS's public CKK_MCX_SAKKE key (Z_T, a
 *                     token object; its CKA_MCX_KMS_URI is IDRkmsr), or
 *                     CK_INVALID_HANDLE: the sender's own KMS
 *   ulReceiverKeyPeriodNo  the receiver's key period (its UID, F.2.1), or
 *                     CK_UNAVAILABLE_INFORMATION: the one containing ulTime
 *   ulTime            the T payload's time, Unix seconds; 0: now
 *   ulStatus, ulActivation, ulExpiry, pText, pGroupIds: the GE type 7 key
 *                     parameters (E.6; CKS_MCX_*, Unix time with 0 = not
 *                     set (decision d), UTF-8, group IDs encoded as
 *                     CKA_MCX_GROUP_IDS; group IDs only for GMK, MKFC and
 *                     MuSiK), sent unless CKF_MCX_NO_KEY_PARAMS is set;
 *                     0 / NULL: the key's own CKA_MCX_ACTIVATION, _EXPIRY,
 *                     _TEXT, _GROUP_IDS when it has them (a received key
 *                     re-sent by a partner GMS keeps them)
 *   flags             CKF_MCX_SAKKE_TO_SELF (E.5), CKF_MCX_HIDE_IDENTITIES
 *                     (E.7: IDRuidi/IDRuidr, roles 8/9, instead of URIs),
 *                     CKF_MCX_NO_KEY_PARAMS
 * The wrapping key's usage flag is CKA_SIGN (it signs the message).  The
 * size query (NULL output) does no per-message cryptography.  Refusals:
 * CKR_MCX_UNKNOWN_KMS (hReceiverKms not a token public CKK_MCX_SAKKE key),
 * CKR_MCX_KEY_PERIOD_INVALID (ulTime outside the sender key's
 * CKA_MCX_VALID_FROM/TO), CKR_MCX_KEY_REVOKED, CKR_KEY_NOT_WRAPPABLE (not
 * a CKK_MCX_KEY with a K-ID), CKR_MECHANISM_PARAM_INVALID. */
#define CKF_MCX_SAKKE_TO_SELF	(0x01UL)
#define CKF_MCX_HIDE_IDENTITIES (0x02UL)
#define CKF_MCX_NO_KEY_PARAMS	(0x04UL)
typedef struct CK_MCX_MIKEY_SEND_PARAMS {
	CK_BYTE_PTR pReceiverUri;
	CK_ULONG ulReceiverUriLen;
	CK_OBJECT_HANDLE hReceiverKms;
	CK_ULONG ulReceiverKeyPeriodNo;
	CK_ULONG ulTime;
	CK_ULONG ulStatus;
	CK_ULONG ulActivation;
	CK_ULONG ulExpiry;
	CK_BYTE_PTR pText;
	CK_ULONG ulTextLen;
	CK_BYTE_PTR pGroupIds;
	CK_ULONG ulGroupIdsLen;
	CK_FLAGS flags;
} CK_MCX_MIKEY_SEND_PARAMS;

/* CKM_MCX_MIKEY_SAKKE, C_UnwrapKey: the wrapped data is the I_MESSAGE; the
 * unwrapping key is the receiver's RSK, or CK_INVALID_HANDLE to let the
 * token choose it (decision g).  The parameter may be NULL (all defaults):
 *   ulEvaluationTime  the time the message is judged at, Unix seconds;
 *                     0: now
 *   ulMaxAge          refuse T older than this many seconds before the
 *                     evaluation time (CKR_MCX_MESSAGE_TOO_OLD); 0: the
 *                     module configuration's mikey_max_age, off if unset
 *   ulMaxFutureSkew   refuse T more than this many seconds after it
 *                     (CKR_MCX_MESSAGE_IN_FUTURE); 0: the configuration's
 *                     mikey_max_future_skew, off if unset
 * The new CKK_MCX_KEY carries the message's K-ID, UK-ID, key parameters
 * and sender/receiver URIs (the sender URI only when known: IDRi, or with
 * hidden identities the GMS of a group ID whose UID is IDRuidi).  A
 * message whose status is revoked marks the receiver's key with that K-ID
 * revoked (or records it revoked) and returns that object; a revoked key
 * keeps CKA_MCX_REVOKED TRUE and CKA_DESTROYABLE FALSE. */
typedef struct CK_MCX_MIKEY_RECEIVE_PARAMS {
	CK_ULONG ulEvaluationTime;
	CK_ULONG ulMaxAge;
	CK_ULONG ulMaxFutureSkew;
} CK_MCX_MIKEY_RECEIVE_PARAMS;

/* CKM_MCX_XPK_WRAP (decision c): C_WrapKey of a CKK_MCX_RGK_SEED under a
 * CSK or MuSiK (CKK_MCX_KEY) gives IV || ciphertext || tag (44 octets);
 * C_UnwrapKey makes the seed object.  pP0 is the KDF's P0: the MC service
 * user ID the CSK belongs to, or the MC service server's URI for a MuSiK;
 * NULL: the XPK's CKA_MCX_SENDER_URI (the client that sent the CSK, the
 * server that sent the MuSiK).  The parameter may be omitted (NULL): all
 * defaults.
 * Re-wrap for N targets in one call (C_WrapKey only): phTargets names
 * ulTargets further CSKs/MuSiKs; the output is 44 * (1 + ulTargets)
 * octets, the seed protected under the wrapping key first, then under each
 * target in order, each with its own IV; pP0 must then be NULL (every XPK
 * brings its CKA_MCX_SENDER_URI).  Each target is checked as a wrapping key;
 * any refusal fails the whole call (no partial output).  One audit record
 * for the call (naming the seed), and one for each refused target. */
typedef struct CK_MCX_XPK_WRAP_PARAMS {
	CK_BYTE_PTR pP0;
	CK_ULONG ulP0Len;
	CK_OBJECT_HANDLE_PTR phTargets;
	CK_ULONG ulTargets;
} CK_MCX_XPK_WRAP_PARAMS;

/* CKM_MCX_RGK_DERIVE (decision f): C_DeriveKey with a GMK as base key
 * (CKA_DERIVE TRUE) and the RGK-SEED object here gives the RGK, a
 * sensitive 16-octet CKK_AES key.  A seed past its CKA_MCX_EXPIRY:
 * CKR_MCX_REGROUP_ENDED (also for CKM_MCX_XPK_WRAP). */
typedef struct CK_MCX_RGK_DERIVE_PARAMS {
	CK_OBJECT_HANDLE hSeed;
} CK_MCX_RGK_DERIVE_PARAMS;

/* CKM_MCX_KMS_ISSUE (KMS role, RFC 6507 §5.1.1, RFC 6508 §6.1.1, TS 33.180
 * F.2.1): C_WrapKey with a TrK (CKK_AES) as wrapping key and a KMS master
 * secret (CKA_MCX_KMS_SECRET) as the key issues that KMS's user key for
 * (pUserUri, ulKeyPeriodNo) wrapped under the TrK, nothing in the clear:
 *   z_T  (CKK_MCX_SAKKE): RSK wrapped with RFC 5649 (272 octets)
 *   KSAK (CKK_MCX_ECCSI): SSK wrapped with RFC 3394 (40 octets) || PVT
 *        wrapped with RFC 5649 (80 octets)
 * The UID is the F.2.1 UID of the user URI, the KMS URI and the key period
 * parameters of the KMS (those of its public key, copied to the master
 * secret at generation).  A key that is not a KMS master secret:
 * CKR_KEY_TYPE_INCONSISTENT; a bad parameter: CKR_MECHANISM_PARAM_INVALID. */
typedef struct CK_MCX_KMS_ISSUE_PARAMS {
	CK_BYTE_PTR pUserUri;
	CK_ULONG ulUserUriLen;
	CK_ULONG ulKeyPeriodNo;
} CK_MCX_KMS_ISSUE_PARAMS;

/* ---- Return values ----------------------------------------------------- */
#define CKR_MCX_SIGNATURE_INVALID     (CKR_MCX_BASE + 0x01UL)
#define CKR_MCX_DECAPSULATION_FAILED  (CKR_MCX_BASE + 0x02UL)
#define CKR_MCX_PARAMETERS_INVALID    (CKR_MCX_BASE + 0x03UL)
#define CKR_MCX_UNKNOWN_KMS	      (CKR_MCX_BASE + 0x04UL)
#define CKR_MCX_NO_RECEIVER_KEY	      (CKR_MCX_BASE + 0x05UL)
#define CKR_MCX_DUPLICATE_KEY_ID      (CKR_MCX_BASE + 0x06UL)
#define CKR_MCX_SENDER_NOT_AUTHORISED (CKR_MCX_BASE + 0x07UL)
#define CKR_MCX_KEY_REVOKED	      (CKR_MCX_BASE + 0x08UL)
#define CKR_MCX_KEY_VALIDATION_FAILED (CKR_MCX_BASE + 0x09UL)
#define CKR_MCX_MESSAGE_MALFORMED     (CKR_MCX_BASE + 0x0aUL)
#define CKR_MCX_MESSAGE_TOO_OLD	      (CKR_MCX_BASE + 0x0bUL)
#define CKR_MCX_MESSAGE_IN_FUTURE     (CKR_MCX_BASE + 0x0cUL)
#define CKR_MCX_KEY_PERIOD_INVALID    (CKR_MCX_BASE + 0x0dUL)
#define CKR_MCX_UID_MISMATCH	      (CKR_MCX_BASE + 0x0eUL)
#define CKR_MCX_REGROUP_ENDED	      (CKR_MCX_BASE + 0x0fUL)

/* ---- Audit records -----------------------------------------------------
 * The token's append-only audit log is readable through PKCS#11 as
 * read-only objects of class CKO_MCX_AUDIT_RECORD.  They are returned by
 * C_FindObjects only when the template names that class explicitly, so they
 * never mix with keys, and only to a logged-in user or SO (CKA_PRIVATE =
 * TRUE; unlike other private objects, the SO sees them too).  Each record
 * carries its hash-chain link: hash_n = SHA-256( hash_(n-1) || encoding_n ),
 * hash_0's predecessor = 32 x 0x00 encoding = seq(8) || time(8) || pid(8) ||
 * user_type(8) || mechanism(8)
 * || rv(8) || len(2) function || len(2) unique_id || len(2) label (integers
 * unsigned big-endian, lengths 2 octets big-endian, strings UTF-8, user_type =
 * CK_UNAVAILABLE_INFORMATION when nobody is logged in, mechanism =
 * CK_UNAVAILABLE_INFORMATION when none applies), so that any client (the admin
 * tool's `audit verify`) can check the chain. */
#define CKO_MCX_AUDIT_RECORD	(CKO_VENDOR_DEFINED | MCX_VENDOR_TAG | 0x01UL)
#define CKA_MCX_AUDIT_SEQ	(CKA_MCX_BASE + 0x40UL) /* CK_ULONG */
#define CKA_MCX_AUDIT_TIME	(CKA_MCX_BASE + 0x41UL) /* CK_ULONG Unix time */
#define CKA_MCX_AUDIT_PID	(CKA_MCX_BASE + 0x42UL) /* CK_ULONG */
#define CKA_MCX_AUDIT_USER_TYPE (CKA_MCX_BASE + 0x43UL) /* CK_ULONG */
#define CKA_MCX_AUDIT_FUNCTION	(CKA_MCX_BASE + 0x44UL) /* UTF-8, "C_Login" */
#define CKA_MCX_AUDIT_MECHANISM (CKA_MCX_BASE + 0x45UL) /* CK_ULONG */
#define CKA_MCX_AUDIT_OBJECT_ID                                                \
	(CKA_MCX_BASE + 0x46UL) /* UTF-8 CKA_UNIQUE_ID */
#define CKA_MCX_AUDIT_LABEL	(CKA_MCX_BASE + 0x47UL) /* UTF-8 */
#define CKA_MCX_AUDIT_RV	(CKA_MCX_BASE + 0x48UL) /* CK_ULONG, the CKR */
#define CKA_MCX_AUDIT_PREV_HASH (CKA_MCX_BASE + 0x49UL) /* 32 octets */
#define CKA_MCX_AUDIT_HASH	(CKA_MCX_BASE + 0x4aUL) /* 32 octets */

#endif /* MCXHSM_PKCS11_MCX_H */
