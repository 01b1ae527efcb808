/*
 * Private to the SQLite store (token/store_*.c): the connection, its cached
 * statements and the helpers the store files share.  Nothing outside
 * token/store_*.c includes this.
 */
#ifndef MCX_TOKEN_STORE_INTERNAL_H
#define MCX_TOKEN_STORE_INTERNAL_H

#include "token/store.h"

#include <openssl/types.h>
#include <pthread.h>
#include <sqlite3.h>
#include <sys/types.h>

/* Schema version in PRAGMA user_version. */
#define MCX_STORE_SCHEMA_VERSION 1

/* PBKDF2-HMAC-SHA-256 of a PIN (issue 2: >= 600,000 iterations).  Only
 * tests/unit/test_store, which compiles the store sources into itself,
 * defines a smaller count so that its ~40 PIN operations stay fast under
 * ASan; the library and the module never do (tests/blackbox/test_at_rest
 * checks the count stored by the module). */
#ifndef MCX_STORE_KDF_ITERATIONS
#define MCX_STORE_KDF_ITERATIONS 600000u
#endif
#define MCX_STORE_SALT_LEN 16u
/* Wrapped master key: version(1) || IV(12) || ciphertext(32) || tag(16). */
#define MCX_STORE_GCM_IV_LEN  12u
#define MCX_STORE_GCM_TAG_LEN 16u
#define MCX_STORE_WRAPPED_LEN                                                  \
	(1u + MCX_STORE_GCM_IV_LEN + MCX_MASTER_KEY_LEN + MCX_STORE_GCM_TAG_LEN)

/* Cached statements, prepared on first use (SQL in store_sqlite.c). */
enum mcx_store_stmt {
	STMT_BEGIN_IMMEDIATE,
	STMT_BEGIN_DEFERRED,
	STMT_COMMIT,
	STMT_ROLLBACK,
	STMT_SAVEPOINT,
	STMT_RELEASE,
	STMT_ROLLBACK_TO,
	STMT_DATA_VERSION,
	STMT_TOKEN_GET,
	STMT_TOKEN_PIN_ROW,
	STMT_TOKEN_GENERATION,
	STMT_TOKEN_BUMP_GENERATION,
	STMT_TOKEN_SET_FAILURES,
	STMT_TOKEN_INIT,
	STMT_TOKEN_SET_SO_PIN,
	STMT_TOKEN_SET_USER_PIN,
	STMT_OBJ_INSERT,
	STMT_OBJ_UPDATE,
	STMT_OBJ_DELETE,
	STMT_OBJ_DELETE_ALL,
	STMT_OBJ_LOAD,
	STMT_OBJ_UNIQUE_ID,
	STMT_AUDIT_LAST,
	STMT_AUDIT_INSERT,
	STMT_AUDIT_RANGE,
	STMT_COUNT
};

/* Columns find can narrow by (one bit each in a find-statement key). */
#define MCX_STORE_FIND_COLUMNS 10
/* Longest CKA_UNIQUE_ID the store takes (octets, no NUL). */
#define MCX_STORE_UNIQUE_ID_MAX 64u

/* store_find.c: the indexed columns, in find-bit order; param = the SQL
 * parameter number in STMT_OBJ_INSERT / STMT_OBJ_UPDATE and in built find
 * statements. */
enum mcx_store_col_kind {
	MCX_COL_ULONG,
	MCX_COL_BOOL,
	MCX_COL_BLOB,
	MCX_COL_TEXT
};
struct mcx_store_index_col {
	CK_ATTRIBUTE_TYPE type;
	const char *column;
	enum mcx_store_col_kind kind;
	int param;
};
extern const struct mcx_store_index_col
    mcx_store_index_cols[MCX_STORE_FIND_COLUMNS];
/* Index of type in mcx_store_index_cols, -1 if not indexed. */
int mcx_store_index_col(CK_ATTRIBUTE_TYPE type);

struct mcx_store {
	pthread_mutex_t lock; /* serialises every use of db */
	sqlite3 *db;
	pid_t pid; /* opener: a forked child abandons the connection */
	uint32_t max_failures;
	sqlite3_stmt *stmt[STMT_COUNT];
	sqlite3_stmt *find_stmt[1u << MCX_STORE_FIND_COLUMNS];
	EVP_CIPHER *gcm; /* AES-256-GCM from mcx_libctx() */
	EVP_MD *sha256;
	/* generation cache: valid while PRAGMA data_version is unchanged and
	 * this connection has not written objects itself */
	bool gen_valid;
	int64_t data_version;
	uint64_t generation;
	/* mcx_store_txn_begin ran: one thread owns the store (and holds
	 * lock) until txn_commit/rollback; the changes made meanwhile run
	 * as savepoints inside that transaction */
	bool txn;
};

/* Token row as read for PIN work. */
struct mcx_store_pin_row {
	bool initialized;
	bool user_pin_initialized;
	uint32_t failures;
	uint32_t max_failures;
	uint32_t iterations;
	uint8_t salt[MCX_STORE_SALT_LEN];
	uint8_t wrapped[MCX_STORE_WRAPPED_LEN];
	bool have_wrapped;
};

/* store_sqlite.c */
/* Take / release st->lock, except in the thread that owns an open
 * mcx_store_txn_begin transaction (it holds the lock already). */
void mcx_store_lock(struct mcx_store *st);
void mcx_store_unlock(struct mcx_store *st);
CK_RV mcx_store_rv(int sqlite_rc);
sqlite3_stmt *mcx_store_stmt(struct mcx_store *st, enum mcx_store_stmt which);
void mcx_store_stmt_done(sqlite3_stmt *s);
CK_RV mcx_store_exec_stmt(struct mcx_store *st, enum mcx_store_stmt which);
CK_RV mcx_store_begin(struct mcx_store *st);
CK_RV mcx_store_commit(struct mcx_store *st);
void mcx_store_rollback(struct mcx_store *st);
CK_RV mcx_store_bump_generation_locked(struct mcx_store *st);

/* store_crypto.c: every libcrypto call of the store, through mcx_libctx().
 * Secret values are encrypted as IV(12) || ciphertext || tag(16). */
CK_RV mcx_store_crypto_init(struct mcx_store *st);
void mcx_store_crypto_free(struct mcx_store *st);
CK_RV mcx_store_random(void *buf, size_t len);
CK_RV mcx_store_pin_kek(const uint8_t *pin, size_t pin_len,
			const uint8_t salt[MCX_STORE_SALT_LEN],
			uint32_t iterations, uint8_t kek[32]);
CK_RV mcx_store_gcm_seal(struct mcx_store *st, const uint8_t key[32],
			 const uint8_t *aad, size_t aad_len, const uint8_t *in,
			 size_t in_len, uint8_t *out);
/* CKR_ENCRYPTED_DATA_INVALID when the tag does not verify (out wiped). */
CK_RV mcx_store_gcm_open(struct mcx_store *st, const uint8_t key[32],
			 const uint8_t *aad, size_t aad_len, const uint8_t *in,
			 size_t in_len, uint8_t *out);
CK_RV mcx_store_sha256(struct mcx_store *st, const uint8_t *a, size_t a_len,
		       const uint8_t *b, size_t b_len, uint8_t out[32]);

#endif /* MCX_TOKEN_STORE_INTERNAL_H */
