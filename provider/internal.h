/*
 * The OpenSSL 3 provider "mcxhsm": what its files share.
 *
 *   prov.c          entry point, configuration, algorithm tables
 *   p11.c           the PKCS#11 module: lazy dlopen, fork, sessions, login
 *   uri.c           RFC 7512 pkcs11: URIs
 *   key.c           key objects (a token object by reference, or imported
 *                   public parts), shared by both key managers
 *   store.c         OSSL_STORE loader for pkcs11: URIs
 *   keymgmt.c       key managers ECCSI and SAKKE
 *   sig_eccsi.c kem_sakke.c  algorithms
 *   encode_text.c   text encoders (EVP_PKEY_print_*, `openssl pkey -text`)
 *   err.c           errors raised with the token's CKR name
 *
 * Inside, functions return CK_RV; the dispatch functions OpenSSL calls
 * turn that into 1/0 (the latchset/pkcs11-provider model).  The provider
 * reaches the token only through PKCS#11 and fetches no algorithm from
 * libcrypto, so loading it into a process whose token also uses OpenSSL
 * cannot recurse (the module has its own OSSL_LIB_CTX).
 */
#ifndef MCX_PROVIDER_INTERNAL_H
#define MCX_PROVIDER_INTERNAL_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <openssl/core.h>
#include <openssl/core_dispatch.h>

#include <mcxhsm/pkcs11-mcx.h>
#include <mcxhsm/pkcs11.h>

#define MCX_PROV_NAME  "mcxhsm"
#define MCX_PROV_PROPS "provider=mcxhsm"

/* Public OSSL_PARAM names of the MCX keys and operations (README). */
#define MCX_PARAM_KMS_URI	   "kms-uri"	      /* UTF-8 */
#define MCX_PARAM_USER_URI	   "user-uri"	      /* UTF-8 */
#define MCX_PARAM_UID		   "uid"	      /* octets (32, F.2.1) */
#define MCX_PARAM_PVT		   "pvt"	      /* octets (65) */
#define MCX_PARAM_KEY_PERIOD_NO	   "key-period-no"    /* unsigned */
#define MCX_PARAM_USER_KEY_PERIOD  "user-key-period"  /* unsigned, seconds */
#define MCX_PARAM_USER_KEY_OFFSET  "user-key-offset"  /* unsigned, seconds */
#define MCX_PARAM_ALLOW_SSV_EXPORT "allow-ssv-export" /* int 0/1, RO */
#define MCX_PARAM_PKCS11_URI	   "pkcs11-uri"	      /* UTF-8, RO */
/* ECCSI verify: the signer's identifier as signed (the UID) */
#define MCX_PARAM_SIGNER_ID "signer-id"
/* SAKKE encapsulate: the receiver's identifier (the UID) */
#define MCX_PARAM_RECEIVER_ID "receiver-id"
/* SAKKE encapsulate: a caller-chosen SSV instead of a random one (known
 * answer tests; compare DHKEM's "ikme") */
#define MCX_PARAM_SSV "ssv"

#define MCX_ECCSI_SIG_BYTES  129 /* r || s || PVT */
#define MCX_SAKKE_SED_BYTES  273 /* R || H */
#define MCX_SAKKE_SSV_BYTES  16
#define MCX_ECCSI_KPAK_BYTES 65
#define MCX_SAKKE_ZT_BYTES   257
#define MCX_ID_MAX	     128

/* ---- the PKCS#11 module (p11.c) ---------------------------------------- */
struct mcx_p11;

/* A handle on the module at path (not loaded yet).  pin_source: "file:..."
 * or NULL; debug: a log file path or NULL. */
struct mcx_p11 *mcx_p11_new(const char *path, const char *pin_source,
			    const char *debug);
void mcx_p11_free(struct mcx_p11 *p);

/* The function list, loading and initialising the module on first use and
 * again in a forked child; *gen (optional) changes whenever handles of
 * earlier generations became invalid (fork). */
CK_RV mcx_p11_get(struct mcx_p11 *p, CK_FUNCTION_LIST **f, unsigned *gen);

/* Whether any token lists the mechanism (C_GetMechanismList). */
bool mcx_p11_has_mechanism(struct mcx_p11 *p, CK_MECHANISM_TYPE m);

/* A session on slot (from a pool; logged in when a PIN is known for the
 * slot), returned with mcx_p11_session_put. */
CK_RV mcx_p11_session_get(struct mcx_p11 *p, CK_SLOT_ID slot,
			  CK_SESSION_HANDLE *s);
void mcx_p11_session_put(struct mcx_p11 *p, CK_SLOT_ID slot,
			 CK_SESSION_HANDLE s, CK_RV last_rv);

/* Log the user in on slot with pin (remembered for the child after fork);
 * pin NULL: the configured pin-source, if any.  CKR_OK when already. */
CK_RV mcx_p11_login(struct mcx_p11 *p, CK_SLOT_ID slot, const char *pin,
		    size_t pin_len);

/* Whether a PIN is known for slot (configured, or given earlier). */
bool mcx_p11_has_pin(struct mcx_p11 *p, CK_SLOT_ID slot);

/* Read a PIN from a pin-source ("file:PATH", RFC 7512 §2.4) into out
 * (NUL-terminated, trailing newline dropped). */
CK_RV mcx_p11_read_pin_source(const char *src, char *out, size_t out_size,
			      size_t *len);

void mcx_p11_debug(struct mcx_p11 *p, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* ---- provider context (prov.c) ----------------------------------------- */
struct mcx_prov {
	const OSSL_CORE_HANDLE *handle;
	OSSL_LIB_CTX *libctx;
	struct mcx_p11 *p11;
	OSSL_FUNC_core_new_error_fn *new_error;
	OSSL_FUNC_core_set_error_debug_fn *set_error_debug;
	OSSL_FUNC_core_vset_error_fn *vset_error;
	OSSL_FUNC_BIO_write_ex_fn *bio_write;
};

/* ---- errors (err.c) ------------------------------------------------------ */
#define MCX_R_PKCS11	      1 /* a PKCS#11 call failed: data names it */
#define MCX_R_NO_MODULE	      2
#define MCX_R_BAD_URI	      3
#define MCX_R_NOT_FOUND	      4
#define MCX_R_PRIVATE_EXPORT  5
#define MCX_R_BAD_PARAM	      6
#define MCX_R_WRONG_KEY	      7
#define MCX_R_SSV_NOT_ALLOWED 8
#define MCX_R_BAD_DIGEST      9

const OSSL_ITEM *mcx_err_reason_strings(void);
/* The name of a CKR ("CKR_MCX_SIGNATURE_INVALID") or NULL. */
const char *mcx_err_ckr_name(CK_RV rv);
void mcx_err_raise(const struct mcx_prov *prov, int reason, const char *file,
		   int line, const char *func, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));
/* Raise MCX_R_PKCS11 naming call and rv; returns rv. */
CK_RV mcx_err_ckr(const struct mcx_prov *prov, const char *file, int line,
		  const char *func, const char *call, CK_RV rv);
#define MCX_RAISE(prov, reason, ...)                                           \
	mcx_err_raise((prov), (reason), __FILE__, __LINE__, __func__,          \
		      __VA_ARGS__)
#define MCX_CKR(prov, call, rv)                                                \
	mcx_err_ckr((prov), __FILE__, __LINE__, __func__, (call), (rv))

/* ---- RFC 7512 URIs (uri.c) ------------------------------------------------
 */
struct mcx_uri {
	char *token, *manufacturer, *model, *serial, *object;
	uint8_t *id;
	size_t id_len;
	bool has_id, has_slot_id;
	CK_SLOT_ID slot_id;
	/* 0: any; else CKO_PUBLIC_KEY / CKO_PRIVATE_KEY / ... */
	CK_OBJECT_CLASS type;
	bool has_type;
	char *pin_source, *pin_value;
	size_t pin_value_len;
};

/* Parse s into *u (zeroed first); CKR_OK or CKR_ARGUMENTS_BAD. */
CK_RV mcx_uri_parse(const char *s, struct mcx_uri *u);
void mcx_uri_clear(struct mcx_uri *u);
/* "pkcs11:token=..;object=..;id=..;type=.." for a key (malloc'ed). */
char *mcx_uri_format(const char *token, const char *object, const uint8_t *id,
		     size_t id_len, CK_OBJECT_CLASS cls);

/* ---- keys (key.c) ----------------------------------------------------------
 */
struct mcx_key {
	struct mcx_prov *prov;
	pthread_mutex_t lock;
	int refs;	      /* under lock */
	CK_KEY_TYPE key_type; /* CKK_MCX_ECCSI or CKK_MCX_SAKKE */
	CK_OBJECT_CLASS cls;  /* CKO_PUBLIC_KEY or CKO_PRIVATE_KEY */
	bool in_token;	      /* a token object (store), else imported */
	CK_SLOT_ID slot;
	CK_OBJECT_HANDLE handle; /* valid in generation gen */
	unsigned gen;
	bool session_object; /* handle is a session object we made */
	uint8_t unique_id[64];
	size_t unique_id_len;
	char *token_label; /* for the pkcs11-uri parameter */
	char *label;
	uint8_t *ckaid;
	size_t ckaid_len;
	/* public parts */
	uint8_t *value; /* public keys: KPAK (65) / Z_T (257) */
	size_t value_len;
	char *kms_uri, *user_uri;
	uint8_t *uid, *pvt;
	size_t uid_len, pvt_len;
	CK_ULONG key_period_no, user_key_period, user_key_offset;
	bool has_key_period_no, has_user_key_period, has_user_key_offset;
	bool allow_ssv_export;
};

struct mcx_key *mcx_key_new(struct mcx_prov *prov, CK_KEY_TYPE kt);
struct mcx_key *mcx_key_ref(struct mcx_key *k);
void mcx_key_free(struct mcx_key *k);
/* A key for token object h on slot (attributes read through session s). */
CK_RV mcx_key_from_object(struct mcx_prov *prov, CK_FUNCTION_LIST *f,
			  CK_SESSION_HANDLE s, CK_SLOT_ID slot,
			  const char *token_label, CK_OBJECT_HANDLE h,
			  struct mcx_key **out);
/* The key's object handle valid now (found again by CKA_UNIQUE_ID after a
 * fork; for an imported public key a session object is made once). */
CK_RV mcx_key_handle(struct mcx_key *k, CK_FUNCTION_LIST *f,
		     CK_SESSION_HANDLE s, CK_OBJECT_HANDLE *h);
/* The slot to use for k (its own, or the first token with the mechanism
 * for an imported key). */
CK_RV mcx_key_slot(struct mcx_key *k, CK_SLOT_ID *slot);
/* The module's function list, k's slot (mcx_key_slot) and a logged-in
 * session on it, to be returned with mcx_p11_session_put(.., *slot, *s, rv);
 * *call names the PKCS#11 step that failed, for MCX_CKR. */
CK_RV mcx_key_session(struct mcx_key *k, CK_FUNCTION_LIST **f, CK_SLOT_ID *slot,
		      CK_SESSION_HANDLE *s, const char **call);
/* The public key object of k's KMS (KPAK for ECCSI, Z_T for SAKKE: same key
 * type and CKA_MCX_KMS_URI), for a private key working with its own KMS;
 * token_only skips session objects.  CKR_MCX_UNKNOWN_KMS if there is none. */
CK_RV mcx_key_kms_object(struct mcx_key *k, CK_FUNCTION_LIST *f,
			 CK_SESSION_HANDLE s, bool token_only,
			 CK_OBJECT_HANDLE *h);

/* keymgmt parts shared by ECCSI and SAKKE */
int mcx_key_has(const struct mcx_key *k, int selection);
int mcx_key_match(const struct mcx_key *a, const struct mcx_key *b,
		  int selection);
int mcx_key_import(struct mcx_key *k, int selection, const OSSL_PARAM p[]);
int mcx_key_export(struct mcx_key *k, int selection, OSSL_CALLBACK *cb,
		   void *cbarg);
int mcx_key_get_params(struct mcx_key *k, OSSL_PARAM p[]);
const OSSL_PARAM *mcx_key_import_types(int selection);
const OSSL_PARAM *mcx_key_gettable_params(void);

/* ---- algorithm tables
 * -------------------------------------------------------- */
extern const OSSL_DISPATCH mcx_keymgmt_eccsi_functions[];
extern const OSSL_DISPATCH mcx_keymgmt_sakke_functions[];
extern const OSSL_DISPATCH mcx_sig_eccsi_functions[];
extern const OSSL_DISPATCH mcx_kem_sakke_functions[];
extern const OSSL_DISPATCH mcx_store_functions[];
extern const OSSL_DISPATCH mcx_encode_text_functions[];

#endif /* MCX_PROVIDER_INTERNAL_H */
