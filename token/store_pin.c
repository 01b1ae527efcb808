/*
 * PINs and the token master key.
 *
 * The master key (32 random octets, made at C_InitToken) is stored only
 * wrapped, once per PIN:
 *   wrapped = version(1) = 1 || IV(12) || AES-256-GCM(KEK, master key) ||
 *             tag(16),
 *   KEK = PBKDF2-HMAC-SHA-256(PIN, salt(16, random per PIN), iterations),
 *   AAD = "mcxhsm master key" || role(1: 0 SO, 1 user) || iterations(4) ||
 *         salt,
 * so a wrong PIN is detected by the GCM tag check (constant time) and the
 * file holds neither a key nor a PIN nor a PIN hash cheaper than the KDF.
 *
 * Failure counting: a login attempt is counted, and the count committed,
 * *before* the slow KDF runs, and reset only after the PIN verified.  So a
 * process killed during the KDF still used up a try, and parallel guesses
 * from several processes cannot overshoot max_failures.  The KDF runs
 * without the store's lock, so other threads keep using the token.
 */
#include "token/store_internal.h"

#include "common/wipe.h"

#include <stdlib.h>
#include <string.h>

#define WRAP_VERSION 1u
#define AAD_PREFIX   "mcxhsm master key"
#define AAD_LEN	     (sizeof(AAD_PREFIX) - 1 + 1 + 4 + MCX_STORE_SALT_LEN)

struct wrapped_pin {
	uint32_t iterations;
	uint8_t salt[MCX_STORE_SALT_LEN];
	uint8_t wrapped[MCX_STORE_WRAPPED_LEN];
};

static int role_of(CK_USER_TYPE user_type)
{
	return user_type == CKU_SO ? 0 : 1;
}

static void make_aad(uint8_t aad[AAD_LEN], int role, uint32_t iterations,
		     const uint8_t salt[MCX_STORE_SALT_LEN])
{
	size_t off = sizeof(AAD_PREFIX) - 1;

	memcpy(aad, AAD_PREFIX, off);
	aad[off++] = (uint8_t)role;
	for (int i = 3; i >= 0; i--)
		aad[off++] = (uint8_t)(iterations >> (8 * i));
	memcpy(aad + off, salt, MCX_STORE_SALT_LEN);
}

/* Wrap key under a fresh salt and the KEK of pin. */
static CK_RV wrap_master(struct mcx_store *st, int role, const uint8_t *pin,
			 size_t pin_len, const struct mcx_master_key *key,
			 struct wrapped_pin *w)
{
	CK_RV rv = CKR_OK;
	uint8_t kek[32];
	uint8_t aad[AAD_LEN];

	w->iterations = MCX_STORE_KDF_ITERATIONS;
	rv = mcx_store_random(w->salt, sizeof(w->salt));
	if (rv != CKR_OK)
		return rv;
	rv = mcx_store_pin_kek(pin, pin_len, w->salt, w->iterations, kek);
	if (rv != CKR_OK)
		goto out;
	make_aad(aad, role, w->iterations, w->salt);
	w->wrapped[0] = WRAP_VERSION;
	rv = mcx_store_gcm_seal(st, kek, aad, sizeof(aad), key->octets,
				MCX_MASTER_KEY_LEN, w->wrapped + 1);
out:
	mcx_wipe(kek, sizeof(kek));
	return rv;
}

/* Unwrap with pin: CKR_PIN_INCORRECT when the tag does not verify. */
static CK_RV unwrap_master(struct mcx_store *st, int role, const uint8_t *pin,
			   size_t pin_len, const struct mcx_store_pin_row *row,
			   struct mcx_master_key *key)
{
	CK_RV rv = CKR_OK;
	uint8_t kek[32];
	uint8_t aad[AAD_LEN];

	if (!row->have_wrapped || row->wrapped[0] != WRAP_VERSION ||
	    row->iterations == 0)
		return CKR_DEVICE_ERROR;
	rv = mcx_store_pin_kek(pin, pin_len, row->salt, row->iterations, kek);
	if (rv != CKR_OK)
		goto out;
	make_aad(aad, role, row->iterations, row->salt);
	rv = mcx_store_gcm_open(st, kek, aad, sizeof(aad), row->wrapped + 1,
				MCX_STORE_WRAPPED_LEN - 1, key->octets);
	if (rv == CKR_ENCRYPTED_DATA_INVALID)
		rv = CKR_PIN_INCORRECT;
out:
	mcx_wipe(kek, sizeof(kek));
	if (rv != CKR_OK)
		mcx_wipe(key, sizeof(*key));
	return rv;
}

static CK_RV read_pin_row_locked(struct mcx_store *st, int role,
				 struct mcx_store_pin_row *row)
{
	CK_RV rv = CKR_OK;
	sqlite3_stmt *s = mcx_store_stmt(st, STMT_TOKEN_PIN_ROW);
	int rc = SQLITE_OK;

	memset(row, 0, sizeof(*row));
	if (s == NULL)
		return mcx_store_rv(sqlite3_errcode(st->db));
	sqlite3_bind_int(s, 1, role);
	rc = sqlite3_step(s);
	if (rc != SQLITE_ROW) {
		rv = rc == SQLITE_DONE ? CKR_TOKEN_NOT_RECOGNIZED
				       : mcx_store_rv(rc);
		goto out;
	}
	row->initialized = sqlite3_column_int(s, 0) != 0;
	row->user_pin_initialized = sqlite3_column_int(s, 1) != 0;
	row->failures = (uint32_t)sqlite3_column_int64(s, 2);
	row->max_failures = (uint32_t)sqlite3_column_int64(s, 3);
	row->iterations = (uint32_t)sqlite3_column_int64(s, 4);
	if (sqlite3_column_bytes(s, 5) == MCX_STORE_SALT_LEN &&
	    sqlite3_column_bytes(s, 6) == MCX_STORE_WRAPPED_LEN) {
		memcpy(row->salt, sqlite3_column_blob(s, 5),
		       MCX_STORE_SALT_LEN);
		memcpy(row->wrapped, sqlite3_column_blob(s, 6),
		       MCX_STORE_WRAPPED_LEN);
		row->have_wrapped = true;
	}
out:
	mcx_store_stmt_done(s);
	return rv;
}

static CK_RV set_failures_locked(struct mcx_store *st, int role,
				 uint32_t failures)
{
	sqlite3_stmt *s = mcx_store_stmt(st, STMT_TOKEN_SET_FAILURES);
	int rc = SQLITE_OK;

	if (s == NULL)
		return mcx_store_rv(sqlite3_errcode(st->db));
	sqlite3_bind_int(s, 1, role);
	sqlite3_bind_int64(s, 2, failures);
	rc = sqlite3_step(s);
	mcx_store_stmt_done(s);
	return rc == SQLITE_DONE ? CKR_OK : mcx_store_rv(rc);
}

/* One transaction: check the token state and the count for role, then
 * count this attempt.  The row read (salt, wrapped key) goes to *row. */
static CK_RV count_attempt_locked(struct mcx_store *st, int role,
				  struct mcx_store_pin_row *row)
{
	CK_RV rv = mcx_store_begin(st);

	if (rv != CKR_OK)
		return rv;
	rv = read_pin_row_locked(st, role, row);
	if (rv == CKR_OK && !row->initialized)
		rv = CKR_TOKEN_NOT_RECOGNIZED;
	else if (rv == CKR_OK && role == 1 && !row->user_pin_initialized)
		rv = CKR_USER_PIN_NOT_INITIALIZED;
	else if (rv == CKR_OK && row->max_failures > 0 &&
		 row->failures >= row->max_failures)
		rv = CKR_PIN_LOCKED;
	if (rv == CKR_OK)
		rv = set_failures_locked(st, role, row->failures + 1);
	if (rv == CKR_OK)
		rv = mcx_store_commit(st);
	else
		mcx_store_rollback(st);
	return rv;
}

static CK_RV reset_failures_locked(struct mcx_store *st, int role)
{
	CK_RV rv = mcx_store_begin(st);

	if (rv == CKR_OK)
		rv = set_failures_locked(st, role, 0);
	if (rv == CKR_OK)
		rv = mcx_store_commit(st);
	else
		mcx_store_rollback(st);
	return rv;
}

/* Count the attempt (committed), then verify pin and unwrap the key. */
static CK_RV verify_pin(struct mcx_store *st, CK_USER_TYPE user_type,
			const uint8_t *pin, size_t pin_len,
			struct mcx_master_key *key)
{
	CK_RV rv = CKR_OK;
	int role = role_of(user_type);
	struct mcx_store_pin_row row;

	memset(&row, 0, sizeof(row));
	if (pin == NULL && pin_len > 0)
		return CKR_ARGUMENTS_BAD;
	mcx_store_lock(st);
	rv = count_attempt_locked(st, role, &row);
	mcx_store_unlock(st);
	if (rv != CKR_OK)
		goto out;
	/* the slow part, without the lock */
	rv = unwrap_master(st, role, pin, pin_len, &row, key);
	if (rv != CKR_OK)
		goto out; /* the failure is already counted */
	mcx_store_lock(st);
	rv = reset_failures_locked(st, role);
	mcx_store_unlock(st);
	if (rv != CKR_OK)
		mcx_wipe(key, sizeof(*key));
out:
	mcx_wipe(&row, sizeof(row));
	return rv;
}

CK_RV mcx_store_login(struct mcx_store *st, CK_USER_TYPE user_type,
		      const uint8_t *pin, size_t pin_len,
		      struct mcx_master_key *key)
{
	if (st == NULL || key == NULL)
		return CKR_ARGUMENTS_BAD;
	if (user_type != CKU_SO && user_type != CKU_USER)
		return CKR_USER_TYPE_INVALID;
	return verify_pin(st, user_type, pin, pin_len, key);
}

static CK_RV store_wrapped_locked(struct mcx_store *st,
				  enum mcx_store_stmt which,
				  const struct wrapped_pin *w)
{
	sqlite3_stmt *s = mcx_store_stmt(st, which);
	int rc = SQLITE_OK;

	if (s == NULL)
		return mcx_store_rv(sqlite3_errcode(st->db));
	sqlite3_bind_int64(s, 1, w->iterations);
	sqlite3_bind_blob(s, 2, w->salt, sizeof(w->salt), SQLITE_STATIC);
	sqlite3_bind_blob(s, 3, w->wrapped, sizeof(w->wrapped), SQLITE_STATIC);
	rc = sqlite3_step(s);
	mcx_store_stmt_done(s);
	return rc == SQLITE_DONE ? CKR_OK : mcx_store_rv(rc);
}

/* One transaction: objects go (the audit log stays), the token row gets
 * its label, limit and the new SO wrapping; the user PIN is cleared. */
static CK_RV reinit_locked(struct mcx_store *st, const char label[32],
			   const struct wrapped_pin *w)
{
	CK_RV rv = mcx_store_begin(st);
	sqlite3_stmt *s = NULL;
	int rc = SQLITE_OK;

	if (rv != CKR_OK)
		return rv;
	rv = mcx_store_exec_stmt(st, STMT_OBJ_DELETE_ALL);
	if (rv != CKR_OK)
		goto out;
	s = mcx_store_stmt(st, STMT_TOKEN_INIT);
	if (s == NULL) {
		rv = mcx_store_rv(sqlite3_errcode(st->db));
		goto out;
	}
	sqlite3_bind_blob(s, 1, label, 32, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, st->max_failures);
	sqlite3_bind_int64(s, 3, w->iterations);
	sqlite3_bind_blob(s, 4, w->salt, sizeof(w->salt), SQLITE_STATIC);
	sqlite3_bind_blob(s, 5, w->wrapped, sizeof(w->wrapped), SQLITE_STATIC);
	rc = sqlite3_step(s);
	rv = rc == SQLITE_DONE ? CKR_OK : mcx_store_rv(rc);
	st->gen_valid = false;
	if (rv == CKR_OK)
		rv = mcx_store_commit(st);
out:
	mcx_store_stmt_done(s);
	if (rv != CKR_OK)
		mcx_store_rollback(st);
	return rv;
}

CK_RV mcx_store_init_token(struct mcx_store *st, const uint8_t *so_pin,
			   size_t so_pin_len, const char label[32])
{
	CK_RV rv = CKR_OK;
	struct mcx_store_token_info info;
	struct mcx_master_key key;
	struct wrapped_pin w;

	memset(&key, 0, sizeof(key));
	memset(&w, 0, sizeof(w));
	if (st == NULL || label == NULL || (so_pin == NULL && so_pin_len > 0))
		return CKR_ARGUMENTS_BAD;
	rv = mcx_store_token_info(st, &info);
	if (rv != CKR_OK)
		return rv;
	if (info.initialized) {
		/* re-initialisation: the old SO PIN must verify */
		rv = verify_pin(st, CKU_SO, so_pin, so_pin_len, &key);
		mcx_wipe(&key, sizeof(key));
		if (rv != CKR_OK)
			return rv;
	}
	rv = mcx_store_random(key.octets, sizeof(key.octets));
	if (rv != CKR_OK)
		goto out;
	rv = wrap_master(st, 0, so_pin, so_pin_len, &key, &w);
	if (rv != CKR_OK)
		goto out;
	mcx_store_lock(st);
	rv = reinit_locked(st, label, &w);
	mcx_store_unlock(st);
out:
	mcx_wipe(&key, sizeof(key));
	return rv;
}

CK_RV mcx_store_init_pin(struct mcx_store *st, const struct mcx_master_key *key,
			 const uint8_t *pin, size_t pin_len)
{
	CK_RV rv = CKR_OK;
	struct wrapped_pin w;
	struct mcx_store_pin_row row;

	memset(&w, 0, sizeof(w));
	if (st == NULL || key == NULL || (pin == NULL && pin_len > 0))
		return CKR_ARGUMENTS_BAD;
	rv = wrap_master(st, 1, pin, pin_len, key, &w);
	if (rv != CKR_OK)
		return rv;
	mcx_store_lock(st);
	rv = mcx_store_begin(st);
	if (rv != CKR_OK)
		goto out;
	rv = read_pin_row_locked(st, 1, &row);
	if (rv == CKR_OK && !row.initialized)
		rv = CKR_TOKEN_NOT_RECOGNIZED;
	if (rv == CKR_OK)
		rv = store_wrapped_locked(st, STMT_TOKEN_SET_USER_PIN, &w);
	if (rv == CKR_OK)
		rv = mcx_store_commit(st);
out:
	if (rv != CKR_OK)
		mcx_store_rollback(st);
	mcx_store_unlock(st);
	mcx_wipe(&row, sizeof(row));
	return rv;
}

CK_RV mcx_store_set_pin(struct mcx_store *st, CK_USER_TYPE user_type,
			const uint8_t *old_pin, size_t old_len,
			const uint8_t *new_pin, size_t new_len)
{
	CK_RV rv = CKR_OK;
	struct mcx_master_key key;
	struct wrapped_pin w;

	memset(&key, 0, sizeof(key));
	memset(&w, 0, sizeof(w));
	if (st == NULL || (new_pin == NULL && new_len > 0))
		return CKR_ARGUMENTS_BAD;
	if (user_type != CKU_SO && user_type != CKU_USER)
		return CKR_USER_TYPE_INVALID;
	rv = verify_pin(st, user_type, old_pin, old_len, &key);
	if (rv != CKR_OK)
		return rv;
	rv = wrap_master(st, role_of(user_type), new_pin, new_len, &key, &w);
	if (rv != CKR_OK)
		goto out;
	mcx_store_lock(st);
	rv = mcx_store_begin(st);
	if (rv == CKR_OK)
		rv = store_wrapped_locked(st,
					  user_type == CKU_SO
					      ? STMT_TOKEN_SET_SO_PIN
					      : STMT_TOKEN_SET_USER_PIN,
					  &w);
	if (rv == CKR_OK)
		rv = mcx_store_commit(st);
	else
		mcx_store_rollback(st);
	mcx_store_unlock(st);
out:
	mcx_wipe(&key, sizeof(key));
	return rv;
}
