/*
 * MIKEY-SAKKE I_MESSAGEs (RFC 6509 on RFC 3830 / RFC 6043, TS 33.180
 * Annex E) as pure functions over bytes (MCX-REFERENCE §4, §5; the model
 * message is §5.6):
 *
 *   mcx_mikey_decode    strict parser: every length is checked against the
 *                       remaining octets, the output points into the input
 *   mcx_mikey_encode    builder: HDR, T, RAND, IDRs, SP, SAKKE, optional
 *                       SAKKE-to-self (GE 6) and key parameters (GE 7),
 *                       SIGN with an ECCSI signature
 *   mcx_mikey_receive   the receiver's cryptographic steps in order:
 *                       signature, decapsulation, K-ID, key parameters
 *
 * The key parameters (GE type 7) are in mechanisms/mikey_keyparams.h.
 * Times: T is a 64-bit NTP-UTC timestamp (seconds since 1900 in the upper
 * 32 bits, TS 33.179 E.1.1); the key parameters use 40-bit Unix time
 * (decision d).
 */
#ifndef MCX_MECHANISMS_MIKEY_H
#define MCX_MECHANISMS_MIKEY_H

#include <stddef.h>
#include <stdint.h>

#include "mechanisms/eccsi.h"
#include "mechanisms/mech_err.h"
#include "mechanisms/mikey_keyparams.h"
#include "mechanisms/sakke.h"

/* RFC 3830 §6 / RFC 6043 / RFC 6509 payload numbers (MCX-REFERENCE §4.2). */
#define MCX_MIKEY_PT_LAST  0
#define MCX_MIKEY_PT_SIGN  4
#define MCX_MIKEY_PT_T	   5
#define MCX_MIKEY_PT_SP	   10
#define MCX_MIKEY_PT_RAND  11
#define MCX_MIKEY_PT_IDR   14
#define MCX_MIKEY_PT_GE	   21
#define MCX_MIKEY_PT_SAKKE 26
#define MCX_MIKEY_PT_HDR   255 /* not a wire value: HDR in payload lists */

#define MCX_MIKEY_VERSION	  1
#define MCX_MIKEY_DATA_TYPE_SAKKE 26
#define MCX_MIKEY_PRF_HMAC_SHA256 1
#define MCX_MIKEY_MAP_SRTP_ID	  0
#define MCX_MIKEY_MAP_EMPTY	  1
#define MCX_MIKEY_MAP_GENERIC_ID  2
#define MCX_MIKEY_TS_NTP_UTC	  0

/* IDR roles (RFC 6043 §6.6, RFC 6509, TS 33.180 E.7) and ID types. */
#define MCX_MIKEY_ROLE_I       1
#define MCX_MIKEY_ROLE_R       2
#define MCX_MIKEY_ROLE_KMSI    6
#define MCX_MIKEY_ROLE_KMSR    7
#define MCX_MIKEY_ROLE_UIDI    8
#define MCX_MIKEY_ROLE_UIDR    9
#define MCX_MIKEY_IDTYPE_NAI   0
#define MCX_MIKEY_IDTYPE_URI   1
#define MCX_MIKEY_IDTYPE_BYTES 2

#define MCX_MIKEY_SAKKE_PARAMS_SET1 1
#define MCX_MIKEY_SAKKE_SCHEME_UID  2 /* "3GPP MCX hashed UID" */
#define MCX_MIKEY_GE_SAKKE_TO_SELF  6 /* TS 33.180 E.5 */
#define MCX_MIKEY_GE_KEY_PARAMS	    7 /* TS 33.180 E.6 */
#define MCX_MIKEY_SIGN_ECCSI	    2
#define MCX_MIKEY_RAND_LEN	    16
#define MCX_MIKEY_KEY_LEN	    16 /* GMK, PCK, CSK, MuSiK (E.1) */

/* K-ID purpose tags (TS 33.180 5.2.3, the 4 MSBs of a K-ID). */
#define MCX_MIKEY_PURPOSE_GMK	0
#define MCX_MIKEY_PURPOSE_PCK	1
#define MCX_MIKEY_PURPOSE_CSK	2
#define MCX_MIKEY_PURPOSE_SPK	3
#define MCX_MIKEY_PURPOSE_MKFC	4
#define MCX_MIKEY_PURPOSE_MSCCK 5
#define MCX_MIKEY_PURPOSE_MUSIK 6

/* NTP seconds = Unix seconds + 2 208 988 800 (MCX-REFERENCE §0). */
#define MCX_MIKEY_NTP_UNIX_DELTA 2208988800u

#define MCX_MIKEY_MAX_CS       8
#define MCX_MIKEY_MAX_IDR      8
#define MCX_MIKEY_MAX_PAYLOADS 24

/* Whether the CSB-ID carries a UK-ID (end-point diversity, TS 33.180
 * 5.2.3): GMK and MKFC. */
int mcx_mikey_purpose_diversified(uint32_t csb_id);

/* 64-bit NTP-UTC timestamp <-> Unix seconds (fraction dropped). */
uint64_t mcx_mikey_ntp_from_unix(uint64_t unix_seconds);
uint64_t mcx_mikey_unix_from_ntp(uint64_t ntp64);

/* ---- decoded message ---------------------------------------------------- */

/* One crypto session of the CS ID map.  SRTP-ID (type 0): policy_no, ssrc,
 * roc.  GENERIC-ID (type 2): cs_id, prot_type, s, policies, session data,
 * spi. */
struct mcx_mikey_cs {
	uint8_t cs_id;
	uint8_t prot_type;
	uint8_t s;
	uint8_t n_policies;
	const uint8_t *policies;
	uint8_t policy_no;
	uint32_t ssrc;
	uint32_t roc;
	const uint8_t *session_data;
	size_t session_data_len;
	const uint8_t *spi;
	size_t spi_len;
};

struct mcx_mikey_idr {
	uint8_t role;
	uint8_t type;
	const uint8_t *id;
	size_t id_len;
};

struct mcx_mikey_sakke_payload {
	uint8_t params;
	uint8_t id_scheme;
	const uint8_t *sed; /* 273 octets, or 272 (decision a) */
	size_t sed_len;
};

/* Where each payload sits (for inspection tools and layout tests). */
struct mcx_mikey_payload_pos {
	uint8_t type; /* MCX_MIKEY_PT_*, HDR as MCX_MIKEY_PT_HDR */
	size_t offset;
	size_t len;
};

struct mcx_mikey_msg {
	const uint8_t *msg;
	size_t msg_len;
	/* HDR */
	uint8_t version, data_type, v, prf;
	uint32_t csb_id;
	uint8_t n_cs, map_type;
	struct mcx_mikey_cs cs[MCX_MIKEY_MAX_CS];
	/* T */
	uint8_t ts_type;
	uint64_t ts; /* NTP-UTC, 64 bits */
	/* RAND */
	const uint8_t *rand;
	size_t rand_len;
	/* IDR */
	size_t n_idr;
	struct mcx_mikey_idr idr[MCX_MIKEY_MAX_IDR];
	/* SP (at most one) */
	int has_sp;
	uint8_t sp_policy_no, sp_prot_type;
	const uint8_t *sp_params;
	size_t sp_params_len;
	/* SAKKE, and the SAKKE-to-self of GE type 6 */
	struct mcx_mikey_sakke_payload sakke;
	int has_self;
	struct mcx_mikey_sakke_payload self;
	/* GE type 7: the protected key parameters, structure checked */
	int has_keyparams;
	struct mcx_mikey_keyparams_pp keyparams;
	/* SIGN */
	uint8_t sign_type;
	const uint8_t *sig;
	size_t sig_len;
	size_t signed_len; /* octets covered: up to and incl. the SIGN header */
	size_t n_payloads;
	struct mcx_mikey_payload_pos pos[MCX_MIKEY_MAX_PAYLOADS];
};

/* Strict parse of an I_MESSAGE (grammar of MCX-REFERENCE §4.1 in the order
 * HDR, T, RAND, IDR*, SP?, SAKKE, GE(6)?, GE(7)?, SIGN).  Errors:
 *   MCX_ERR_ENCODING     a length points outside the message, a payload is
 *                        missing, repeated or out of order, bytes follow
 *                        SIGN, a field is malformed
 *   MCX_ERR_UNSUPPORTED  well formed but not what TS 33.180 uses: version,
 *                        data type, PRF, map type, TS type, IDR role/type,
 *                        SAKKE params / ID scheme / SED length, GE type,
 *                        SIGN type or length, payload type
 *   MCX_ERR_PARAMS_FORMAT  GE type 7 not in the Rel-17 protected form of
 *                        decision e (e.g. a legacy clear block, decision g)
 * The output points into msg, which must outlive it. */
enum mcx_mech_err mcx_mikey_decode(const uint8_t *msg, size_t len,
				   struct mcx_mikey_msg *out);

/* The first IDR with this role, or NULL. */
const struct mcx_mikey_idr *mcx_mikey_find_idr(const struct mcx_mikey_msg *m,
					       uint8_t role);

/* ---- builder ------------------------------------------------------------ */

struct mcx_mikey_id {
	uint8_t role; /* MCX_MIKEY_ROLE_* */
	const uint8_t *id;
	size_t id_len;
};

struct mcx_mikey_build {
	/* The key and its identifier (purpose tag in the 4 MSBs). */
	const uint8_t *key; /* MCX_MIKEY_KEY_LEN octets */
	uint32_t key_id;
	/* For GMK / MKFC: the receiver's MC service ID URI; the CSB-ID is then
	 * the GUK-ID (F.1.3) and the GENERIC-ID SPI is K-ID || GUK-ID (§5.6).
	 * Otherwise (NULL, or another purpose) CSB-ID = SPI = K-ID. */
	const uint8_t *receiver_uri;
	size_t receiver_uri_len;
	/* CS ID map: MCX_MIKEY_MAP_GENERIC_ID (one CS, cs_id, SRTP, policy 0)
	 * or MCX_MIKEY_MAP_EMPTY (#CS 0). */
	uint8_t map_type;
	uint8_t cs_id;
	uint64_t ts;	     /* 64-bit NTP-UTC */
	const uint8_t *rand; /* 16 octets, or NULL: fresh random */
	/* IDRi, IDRr (URIs, roles 1/2, or UIDs, roles 8/9), IDRkmsi,
	 * IDRkmsr, in this order; all four mandatory (E.1.2). */
	struct mcx_mikey_id idri, idrr, idrkmsi, idrkmsr;
	int with_sp; /* the default SRTP profile (§5.3) as Streamwide writes */
	/* SAKKE: either a ready SED (273 octets) or kms + the receiver's UID
	 * to encapsulate key to. */
	const uint8_t *sed;
	struct mcx_sakke_kms *kms;
	const uint8_t *receiver_uid;
	size_t receiver_uid_len;
	/* SAKKE-to-self (E.5): the sender's KMS and UID, or NULL. */
	struct mcx_sakke_kms *self_kms;
	const uint8_t *self_uid;
	size_t self_uid_len;
	/* Key parameters (E.6) or NULL; the IV (16 octets) or NULL: random. */
	const struct mcx_mikey_keyparams *params;
	const uint8_t *params_iv;
	/* The envelope's 40-bit "date and time"; 0: the Unix time of ts
	 * (Streamwide writes the placeholder 1). */
	uint64_t params_date_time;
	/* The sender's ECCSI signer (its ID is the sender's UID). */
	const struct mcx_eccsi_signer *signer;
};

/* The encoded size for in (no cryptography done). */
enum mcx_mech_err mcx_mikey_encoded_len(const struct mcx_mikey_build *in,
					size_t *len);

/* Build and sign an I_MESSAGE.  out == NULL: *out_len gets the size.
 * cap too small: MCX_ERR_LENGTH with *out_len set.  On failure the output
 * is wiped. */
enum mcx_mech_err mcx_mikey_encode(const struct mcx_mikey_build *in,
				   uint8_t *out, size_t cap, size_t *out_len);

/* ---- receiver ------------------------------------------------------------ */

struct mcx_mikey_receiver {
	/* Signature: the sender KMS's KPAK and the sender's ECCSI ID (its UID;
	 * NULL: the UID in IDRuidi, decision g). */
	struct mcx_eccsi_kpak *kpak;
	const uint8_t *sender_id;
	size_t sender_id_len;
	/* Optional: a verifier made for (kpak, sender_id, the sender's PVT)
	 * with Y cached, for repeated messages from one sender (a GMS).  Then
	 * sender_id is required; kpak is not used. */
	const struct mcx_eccsi_verifier *verifier;
	/* Decapsulation: the receiver KMS, own RSK and own UID. */
	struct mcx_sakke_kms *kms;
	const struct mcx_sakke_rsk *rsk;
	const uint8_t *own_uid;
	size_t own_uid_len;
	/* Own MC service ID URI, for the GUK-ID salt of GMK / MKFC. */
	const uint8_t *own_uri;
	size_t own_uri_len;
};

struct mcx_mikey_received {
	uint8_t key[MCX_MIKEY_KEY_LEN]; /* secret: wipe with mcx_wipe */
	uint32_t key_id;
	uint32_t
	    uk_id; /* the CSB-ID (GUK-ID; equals key_id without diversity) */
	int has_params;
	struct mcx_mikey_keyparams params; /* points into params_plain */
	uint8_t params_plain[MCX_MIKEY_KEYPARAMS_MAX];
	size_t params_plain_len;
};

/* The receiver's steps on a decoded message, in order (RFC 6509 §3,
 * TS 33.180 5.2.3, E.6):
 *   1. ECCSI verification over msg[0, signed_len) with the sender ID
 *      (MCX_ERR_IDENTITY if sender_id differs from IDRuidi or, with a
 *      verifier, from the ID the verifier was made for; the
 *      mcx_eccsi_verify errors, e.g. MCX_ERR_SIGNATURE)
 *   2. IDRuidr, when present, must be own_uid (MCX_ERR_IDENTITY); SAKKE
 *      decapsulation with the re-encapsulation check (MCX_ERR_DECAP_CHECK)
 *   3. K-ID from the CSB-ID (GUK-ID salt with own_uri for GMK / MKFC);
 *      a GENERIC-ID SPI of 8 octets must be K-ID || CSB-ID, of 4 octets
 *      the CSB-ID (MCX_ERR_KEY_ID)
 *   4. key parameters: decryption (MCX_ERR_PARAMS), content
 *      (MCX_ERR_PARAMS_FORMAT), key type = purpose tag (MCX_ERR_KEY_ID)
 * On failure out is wiped. */
enum mcx_mech_err mcx_mikey_receive(const struct mcx_mikey_msg *msg,
				    const struct mcx_mikey_receiver *rx,
				    struct mcx_mikey_received *out);

#endif /* MCX_MECHANISMS_MIKEY_H */
