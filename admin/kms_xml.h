/*
 * TS 33.180 Annex D KMS provisioning XML (MCX-REFERENCE §6): a reader for
 * KmsResponse / SignedKmsResponse documents (namespace
 * urn:3gpp:ns:mcsecKMSInterface:1.0) carrying KmsInit, KmsKeyProv or
 * KmsCertCache, producing plain structs for the admin tool's importer.
 *
 *   mcx_kms_xml_parse          bytes -> struct mcx_kms_xml (size limit,
 *                              no DTD, no entities, no network; verifies a
 *                              ds:Signature when present)
 *   mcx_kms_xml_free           wipes every key octet
 *   mcx_kms_xml_check_keyset   §6.4 steps 2-4 on public data: KmsUri,
 *                              UID, key element shapes (the token
 *                              unwraps and validates the keys)
 *   mcx_kms_xml_keyset_validity  §6.2 key period bounds as Unix time
 *
 * Every failure writes one message into err (MCX_KMS_XML_ERR_LEN octets)
 * naming the element by an XPath-like path ("KmsKeySet[3]/UserDecryptKey")
 * and saying why.  Nothing secret is ever written into a message.
 */
#ifndef MCX_ADMIN_KMS_XML_H
#define MCX_ADMIN_KMS_XML_H

#include <stddef.h>
#include <stdint.h>

#define MCX_KMS_XML_NS	     "urn:3gpp:ns:mcsecKMSInterface:1.0"
#define MCX_KMS_XML_MAX_SIZE (16u * 1024u * 1024u) /* default input limit */
#define MCX_KMS_XML_ERR_LEN  512
#define MCX_KMS_XML_PATH_LEN 96
#define MCX_KMS_XML_UID_LEN  32
#define MCX_KMS_XML_RSK_LEN  257 /* 0x04 || x || y, SAKKE set 1 */
#define MCX_KMS_XML_SSK_LEN  32
#define MCX_KMS_XML_PVT_LEN  65 /* 0x04 || x || y, P-256 */

/* NTP seconds (since 1900-01-01) of the Unix epoch. */
#define MCX_KMS_XML_NTP_UNIX_DELTA 2208988800ull

/* The key-wrap algorithms of decision b. */
#define MCX_KMS_XML_KW_AES128 "http://www.w3.org/2001/04/xmlenc#kw-aes128"
#define MCX_KMS_XML_KW_AES256 "http://www.w3.org/2001/04/xmlenc#kw-aes256"
#define MCX_KMS_XML_KW_AES128_PAD                                              \
	"http://www.w3.org/2009/xmlenc11#kw-aes-128-pad"
#define MCX_KMS_XML_KW_AES256_PAD                                              \
	"http://www.w3.org/2009/xmlenc11#kw-aes-256-pad"

enum mcx_kms_xml_err {
	MCX_KMS_XML_OK = 0,
	MCX_KMS_XML_ERR_SIZE,	     /* input over the size limit or empty */
	MCX_KMS_XML_ERR_PARSE,	     /* not well-formed XML */
	MCX_KMS_XML_ERR_FORBIDDEN,   /* DOCTYPE, entity reference */
	MCX_KMS_XML_ERR_SCHEMA,	     /* element missing, duplicated, wrong */
	MCX_KMS_XML_ERR_ENCODING,    /* not hex / base64 / integer / time */
	MCX_KMS_XML_ERR_LENGTH,	     /* key of the wrong length or prefix */
	MCX_KMS_XML_ERR_ALGORITHM,   /* unsupported algorithm URI */
	MCX_KMS_XML_ERR_UNWRAP,	     /* key-wrap integrity check failed */
	MCX_KMS_XML_ERR_NO_KEY,	     /* TrK / signature key needed, not given */
	MCX_KMS_XML_ERR_SIGNATURE,   /* digest or HMAC does not verify */
	MCX_KMS_XML_ERR_UID,	     /* UserID != recomputed UID */
	MCX_KMS_XML_ERR_KEY_INVALID, /* RSK, SSK/PVT, Z_T or KPAK invalid */
	MCX_KMS_XML_ERR_NOMEM,
	MCX_KMS_XML_ERR_INTERNAL,
};

enum mcx_kms_xml_type {
	MCX_KMS_XML_NONE = 0, /* KmsError or no KmsMessage */
	MCX_KMS_XML_INIT,
	MCX_KMS_XML_KEYPROV,
	MCX_KMS_XML_CERTCACHE,
};

/* One key element (abstractKeyContentType): clear, or an
 * xenc:EncryptedKey whose CipherValue stays wrapped here. */
struct mcx_kms_xml_key {
	int present;
	int encrypted;
	uint8_t *value; /* clear key octets, or the wrapped CipherValue */
	size_t len;
	char *algorithm; /* EncryptionMethod/@Algorithm (encrypted only) */
	char *key_name;	 /* ds:KeyInfo/ds:KeyName: the TrK (may be NULL) */
	char path[MCX_KMS_XML_PATH_LEN];
};

struct mcx_kms_xml_cert {
	char *kms_uri, *cert_uri, *issuer, *role, *user_id_format, *id;
	int has_valid_from, has_valid_to;
	int64_t valid_from, valid_to; /* Unix time */
	int revoked;
	uint64_t user_key_period, user_key_offset; /* seconds (P3, P4) */
	uint8_t *pub_enc_key;			   /* Z_T */
	size_t pub_enc_key_len;
	uint8_t *pub_auth_key; /* KPAK */
	size_t pub_auth_key_len;
	long parameter_set; /* 0 when absent */
	char **domains;	    /* KmsDomainList/KmsDomain */
	size_t n_domains;
	int is_security_gateway;
	char path[MCX_KMS_XML_PATH_LEN];
};

struct mcx_kms_xml_keyset {
	char *kms_uri, *cert_uri, *issuer, *user_uri, *id;
	uint8_t user_id[MCX_KMS_XML_UID_LEN];
	char
	    *user_id_text; /* UserID as written (for MCX_KMS_XML_UID_AS_TEXT) */
	int has_valid_from, has_valid_to;
	int64_t valid_from, valid_to; /* Unix time, as written */
	uint64_t key_period_no;	      /* P5 */
	int revoked;
	struct mcx_kms_xml_key rsk; /* UserDecryptKey */
	struct mcx_kms_xml_key ssk; /* UserSigningKeySSK */
	struct mcx_kms_xml_key pvt; /* UserPubTokenPVT */
	char path[MCX_KMS_XML_PATH_LEN];
};

struct mcx_kms_xml {
	char *user_uri, *kms_uri, *time, *client_req_url, *kms_id;
	char *trk_id, *signature_id; /* Rel-17 TrK-ID / Signature-ID */
	char *error_code;	     /* KmsError/ErrorCode text, if any */
	enum mcx_kms_xml_type type;
	struct mcx_kms_xml_cert *certs;
	size_t n_certs;
	struct mcx_kms_xml_keyset *keysets;
	size_t n_keysets;
	/* Recorded, not applied (D.3.1: the KMS may send a new TrK / InK). */
	struct mcx_kms_xml_key *new_trks, *new_inks;
	size_t n_new_trks, n_new_inks;
	int signed_doc;	    /* a ds:Signature was present and verified */
	char *sig_key_name; /* its ds:KeyInfo/ds:KeyName */
};

/* Verifies an HMAC-SHA-256 SignatureValue over the canonical SignedInfo
 * with the key the caller holds under key_name (may be NULL): 0 if it
 * verifies, nonzero otherwise.  Lets the importer verify with the InK
 * inside the token (C_Verify with CKM_SHA256_HMAC). */
typedef int (*mcx_kms_xml_verify_fn)(void *arg, const char *key_name,
				     const uint8_t *data, size_t len,
				     const uint8_t *sig, size_t sig_len);

struct mcx_kms_xml_opts {
	size_t max_size; /* 0: MCX_KMS_XML_MAX_SIZE */
	/* Signature key (InK or TrK) in the clear, or a callback; with
	 * neither, a signed document is refused. */
	const uint8_t *sig_key;
	size_t sig_key_len;
	mcx_kms_xml_verify_fn verify;
	void *verify_arg;
	int require_signature; /* refuse documents without ds:Signature */
};

/* Parse one document.  opts may be NULL (defaults, unsigned only).  On
 * success *out is set; free it with mcx_kms_xml_free(). */
enum mcx_kms_xml_err mcx_kms_xml_parse(const uint8_t *buf, size_t len,
				       const struct mcx_kms_xml_opts *opts,
				       struct mcx_kms_xml **out,
				       char err[MCX_KMS_XML_ERR_LEN]);
/* Read a file (refusing it above the size limit before reading it). */
enum mcx_kms_xml_err mcx_kms_xml_parse_file(const char *path,
					    const struct mcx_kms_xml_opts *opts,
					    struct mcx_kms_xml **out,
					    char err[MCX_KMS_XML_ERR_LEN]);
void mcx_kms_xml_free(struct mcx_kms_xml *doc);

/* §6.4 steps 2-4 on public data only, for an importer that leaves every
 * check of a secret value to the token: ks->kms_uri == kms_uri, UserID ==
 * UID(UserUri, KmsUri, period, offset, KeyPeriodNo) (F.2.1), each clear key
 * element's length (RSK 257 and SSK 32 and PVT 65, points starting 0x04),
 * and each encrypted one's algorithm (decision b) and wrapped length
 * (RFC 3394: the SSK, 40; RFC 5649: RSK 272, SSK 40, PVT 80). */
enum mcx_kms_xml_err
mcx_kms_xml_check_keyset(const struct mcx_kms_xml_keyset *ks,
			 const char *kms_uri, uint64_t period, uint64_t offset,
			 char err[MCX_KMS_XML_ERR_LEN]);

/* §6.2: ValidFrom = UserKeyOffset + KeyPeriodNo * UserKeyPeriod (NTP
 * seconds), ValidTo = ValidFrom + UserKeyPeriod, as Unix time. */
enum mcx_kms_xml_err mcx_kms_xml_keyset_validity(
    const struct mcx_kms_xml_cert *cert, const struct mcx_kms_xml_keyset *ks,
    int64_t *valid_from, int64_t *valid_to, char err[MCX_KMS_XML_ERR_LEN]);

/* ---- Writing (admin/kms_xml_write.c): what the KMS role sends ---------- */

/* A key element: clear hexBinary (algorithm NULL), or the wrapped octets
 * of an xenc:EncryptedKey with that algorithm and ds:KeyName. */
struct mcx_kms_xml_wkey {
	const uint8_t *value;
	size_t len;
	const char *algorithm;
	const char *key_name;
};

struct mcx_kms_xml_wcert {
	const char *kms_uri, *cert_uri, *issuer, *role; /* role NULL: Root */
	int has_valid_from, has_valid_to, revoked;
	int64_t valid_from, valid_to; /* Unix time */
	uint64_t user_key_period, user_key_offset;
	const uint8_t *pub_enc_key;  /* Z_T, 257 octets */
	const uint8_t *pub_auth_key; /* KPAK, 65 octets */
};

struct mcx_kms_xml_wkeyset {
	const char *kms_uri, *user_uri;
	uint8_t user_id[MCX_KMS_XML_UID_LEN];
	uint64_t key_period_no;
	int64_t valid_from, valid_to; /* Unix time */
	struct mcx_kms_xml_wkey rsk, ssk, pvt;
};

struct mcx_kms_xml_wdoc {
	enum mcx_kms_xml_type type; /* MCX_KMS_XML_INIT or _KEYPROV */
	const char *user_uri, *kms_uri, *trk_id;
	int64_t time;			      /* Unix time of the response */
	const struct mcx_kms_xml_wcert *cert; /* KmsInit */
	const struct mcx_kms_xml_wkeyset *keysets; /* KmsKeyProv */
	size_t n_keysets;
};

/* A KmsResponse document (§6.2 element order) as a malloc'ed string of
 * *len octets, or NULL when out of memory. */
char *mcx_kms_xml_write(const struct mcx_kms_xml_wdoc *doc, size_t *len);

/* xsd:dateTime ("2021-05-10T11:23:02", optional fraction, "Z" or
 * "+hh:mm"; no zone = UTC) to Unix time; -1 if malformed. */
int mcx_kms_xml_parse_time(const char *text, int64_t *out);

const char *mcx_kms_xml_err_str(enum mcx_kms_xml_err e);

#endif /* MCX_ADMIN_KMS_XML_H */
