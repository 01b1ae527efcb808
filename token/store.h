/*
 * The token store: one SQLite database per token (WAL, busy timeout, one
 * transaction per change).  This interface is the seam for a second backend
 * (PostgreSQL is planned), so it speaks only of tokens, PINs, objects as
 * attribute lists, indexed finds and audit records; attribute policy lives
 * in the token core, above it.
 *
 * At rest: every attribute flagged secret is encrypted with AES-256-GCM
 * under the token master key (random, 32 octets), with the object's
 * identity and the attribute type as AAD.  The master key is stored only
 * wrapped under keys derived from the SO PIN and from the user PIN with a
 * slow KDF (PBKDF2-HMAC-SHA-256, >= 600,000 iterations, random salt), so
 * the file never holds a plaintext key or PIN.
 *
 * Thread safety: one struct mcx_store may be used from several threads (it
 * serialises internally); several processes may open the same file.
 * Every function returns a CK_RV.
 *
 * Notes for the core (engineer S, store owner), all additions only:
 * - Object identity / AAD: an object's CKA_UNIQUE_ID when the attribute
 *   list carries one (1..64 octets, no NUL; duplicates give
 *   CKR_ATTRIBUTE_VALUE_INVALID), else 32 random hex digits the store
 *   keeps.  update may not change CKA_UNIQUE_ID (CKR_ATTRIBUTE_READ_ONLY).
 * - Indexed attributes (the list at mcx_store_object_find) must not be
 *   flagged secret (CKR_ARGUMENTS_BAD): they live in clear index columns.
 * - insert/update with a secret attribute and key == NULL:
 *   CKR_USER_NOT_LOGGED_IN.  Ids are never reused after a delete.
 * - Audit: seq starts at 0 (the record called hash_0 in pkcs11-mcx.h);
 *   time == 0 / pid == 0 in an appended record mean "now" / getpid();
 *   function NULL is stored as "".  audit_each's callback must not call
 *   the store (the store's lock is held).
 * - Busy database past the 10 s timeout, I/O errors: CKR_DEVICE_ERROR;
 *   a file that is not a token database: CKR_TOKEN_NOT_RECOGNIZED.
 * - Login/set_pin/init_token run PBKDF2 (600,000 iterations, ~0.2 s)
 *   without holding the store's lock.
 * - fork(): the child must open its own store; mcx_store_close() in the
 *   child frees the parent's struct without touching its connection.
 *   Close every store before mcx_libctx_free() (the store caches
 *   algorithms fetched from that context).
 */
#ifndef MCX_TOKEN_STORE_H
#define MCX_TOKEN_STORE_H

#include <mcxhsm/pkcs11.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct mcx_store;

/* The token master key, held in memory between login and logout. */
#define MCX_MASTER_KEY_LEN 32
struct mcx_master_key {
	uint8_t octets[MCX_MASTER_KEY_LEN];
};

/* Token-level state kept in the database. */
struct mcx_store_token_info {
	bool initialized;	   /* C_InitToken has run */
	bool user_pin_initialized; /* C_InitPIN has run */
	char label[32];		   /* blank padded, as CK_TOKEN_INFO */
	char serial[16];	   /* blank padded, random at init, stable */
	uint32_t so_failures;	   /* consecutive wrong SO PINs */
	uint32_t user_failures;	   /* consecutive wrong user PINs */
	uint32_t max_failures;	   /* lockout threshold (config, default 10) */
	bool so_pin_to_be_changed; /* flags for CK_TOKEN_INFO */
	bool user_pin_to_be_changed;
};

/* One attribute of a stored object.  `secret` values are encrypted at rest
 * and returned only when the master key is given. */
struct mcx_store_attr {
	CK_ATTRIBUTE_TYPE type;
	void *value; /* owned by whoever holds the array */
	size_t len;
	bool secret;
};

/* Stable row identity of a token object within one database. */
typedef int64_t mcx_store_id;

/* Open (creating if absent) the database at path.  A new file is an
 * uninitialised token.  max_failures: PIN retry limit (0 = default 10),
 * applied when the token is initialised. */
CK_RV mcx_store_open(const char *path, uint32_t max_failures,
		     struct mcx_store **out);
void mcx_store_close(struct mcx_store *st);
/* Durability (config key `sync`): false (default) = WAL with
 * synchronous=NORMAL, a killed process never loses a committed change but
 * a power loss may lose the last ones; true = synchronous=FULL, one
 * fdatasync per change (see store_sqlite.c for measured rates). */
CK_RV mcx_store_set_sync_full(struct mcx_store *st, bool full);
/* The connection's current setting (PRAGMA synchronous >= FULL). */
CK_RV mcx_store_sync_full(struct mcx_store *st, bool *full);

CK_RV mcx_store_token_info(struct mcx_store *st,
			   struct mcx_store_token_info *out);

/* C_InitToken.  On an initialised token the SO PIN must verify (wrong PIN:
 * CKR_PIN_INCORRECT and the SO failure count goes up; locked:
 * CKR_PIN_LOCKED).  Destroys every object (audit log kept), makes a new
 * master key wrapped under the SO PIN, clears the user PIN. */
CK_RV mcx_store_init_token(struct mcx_store *st, const uint8_t *so_pin,
			   size_t so_pin_len, const char label[32]);

/* C_Login: verify the PIN of user_type (CKU_SO or CKU_USER; the caller maps
 * CKU_CONTEXT_SPECIFIC to the logged-in type) and unwrap the master key
 * into *key.  Wrong PIN: CKR_PIN_INCORRECT (failure counted, persistent);
 * at the limit: CKR_PIN_LOCKED; user PIN not set:
 * CKR_USER_PIN_NOT_INITIALIZED; token not initialised:
 * CKR_TOKEN_NOT_RECOGNIZED.  A correct PIN resets the count. */
CK_RV mcx_store_login(struct mcx_store *st, CK_USER_TYPE user_type,
		      const uint8_t *pin, size_t pin_len,
		      struct mcx_master_key *key);

/* C_InitPIN (SO logged in, key = the master key): set the user PIN. */
CK_RV mcx_store_init_pin(struct mcx_store *st, const struct mcx_master_key *key,
			 const uint8_t *pin, size_t pin_len);

/* C_SetPIN for user_type: old PIN verified as in login. */
CK_RV mcx_store_set_pin(struct mcx_store *st, CK_USER_TYPE user_type,
			const uint8_t *old_pin, size_t old_len,
			const uint8_t *new_pin, size_t new_len);

/* Objects.  insert/update/delete are one transaction each (or a part of
 * one opened by mcx_store_txn_begin).  key may be NULL
 * only when no attribute is secret.  insert returns the new row id. */
CK_RV mcx_store_object_insert(struct mcx_store *st,
			      const struct mcx_master_key *key,
			      const struct mcx_store_attr *attrs, size_t n,
			      mcx_store_id *id);
/* Replace the whole attribute set of an object.  Stored secret attributes
 * whose type attrs does not carry are kept as they are (still encrypted),
 * so an update by a caller without the key, or with a set loaded without
 * secrets, never drops a secret value. */
CK_RV mcx_store_object_update(struct mcx_store *st,
			      const struct mcx_master_key *key, mcx_store_id id,
			      const struct mcx_store_attr *attrs, size_t n);
/* CKR_OBJECT_HANDLE_INVALID if it no longer exists. */
CK_RV mcx_store_object_delete(struct mcx_store *st, mcx_store_id id);

/* Several changes as one transaction: an object insert, update or delete
 * and its audit record commit together (one commit, so half the fsyncs of
 * two; an object never exists without its record).  Between begin and
 * commit/rollback the calling thread owns the store (other threads wait)
 * and each insert/update/delete/audit_append inside is a savepoint: one
 * that fails is undone alone.  Not nestable (CKR_OPERATION_ACTIVE).
 * commit: CKR_DEVICE_ERROR if SQLite had to roll everything back. */
CK_RV mcx_store_txn_begin(struct mcx_store *st);
CK_RV mcx_store_txn_commit(struct mcx_store *st);
void mcx_store_txn_rollback(struct mcx_store *st);

/* Load one object.  With key == NULL secret attributes are omitted; with a
 * key they are decrypted (authentication failure: CKR_DEVICE_ERROR).  The
 * array and values are malloc'd: free with mcx_store_attrs_free (which
 * wipes secret values). CKR_OBJECT_HANDLE_INVALID if gone. */
CK_RV mcx_store_object_load(struct mcx_store *st,
			    const struct mcx_master_key *key, mcx_store_id id,
			    struct mcx_store_attr **attrs, size_t *n);
void mcx_store_attrs_free(struct mcx_store_attr *attrs, size_t n);

/* Ids of the objects that may match tmpl: the store narrows by its indexed
 * attributes (CKA_CLASS, CKA_KEY_TYPE, CKA_ID, CKA_LABEL, CKA_UNIQUE_ID,
 * CKA_MCX_KEY_ID, CKA_MCX_UK_ID, CKA_MCX_USER_URI, CKA_MCX_KMS_URI, CKA_TOKEN,
 * CKA_PRIVATE) and the caller checks the rest.  Audit records are never
 * objects here.  *ids malloc'd (free()). */
CK_RV mcx_store_object_find(struct mcx_store *st, const CK_ATTRIBUTE *tmpl,
			    size_t n, mcx_store_id **ids, size_t *count);

/* A number that changes whenever any process changed the object set or an
 * object (cheap: PRAGMA data_version + a change counter), so the core can
 * keep a cache and revalidate it. */
CK_RV mcx_store_generation(struct mcx_store *st, uint64_t *generation);

/* Audit log: append-only and hash-chained as documented for
 * CKO_MCX_AUDIT_RECORD in <mcxhsm/pkcs11-mcx.h>.  Never key material or
 * PINs.  seq, prev_hash and hash are assigned by the store. */
struct mcx_audit_record {
	uint64_t seq;
	uint64_t time;
	uint64_t pid;
	CK_ULONG user_type;
	CK_ULONG mechanism;
	CK_RV rv;
	const char *function;
	const char *unique_id; /* may be NULL */
	const char *label;     /* may be NULL */
	uint8_t prev_hash[32];
	uint8_t hash[32];
};
CK_RV mcx_store_audit_append(struct mcx_store *st,
			     const struct mcx_audit_record *rec);
/* Records with seq in [first, first + max) in order; each callback gets a
 * record whose strings live only for the call.  Returns the callback's
 * first non-CKR_OK value. */
CK_RV mcx_store_audit_each(struct mcx_store *st, uint64_t first, uint64_t max,
			   CK_RV (*cb)(const struct mcx_audit_record *rec,
				       void *arg),
			   void *arg);
CK_RV mcx_store_audit_count(struct mcx_store *st, uint64_t *count);
/* Recompute the whole chain (tests; the admin tool verifies through
 * PKCS#11).  CKR_OK, or CKR_DATA_INVALID with *bad_seq = the first record
 * that does not verify (wrong seq, prev_hash or hash).  *count (may be
 * NULL) gets the number of records that verified. */
CK_RV mcx_store_audit_verify(struct mcx_store *st, uint64_t *count,
			     uint64_t *bad_seq);

#endif /* MCX_TOKEN_STORE_H */
