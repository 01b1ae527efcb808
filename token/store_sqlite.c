/*
 * The SQLite token store: connection, schema, cached statements,
 * transactions and the generation counter.  Objects are in
 * store_object.c, PINs and the master key in store_pin.c, the audit chain
 * in store_audit.c.
 *
 * Durability: WAL with PRAGMA synchronous=NORMAL by default.  A commit is
 * complete once its frames are written to the -wal file (the OS page cache
 * keeps them), so a killed or crashed process never loses an object whose
 * creation returned CKR_OK (tests/blackbox/test_crash_safety).  What NORMAL
 * gives up is the last commits before a power loss or kernel crash (never
 * consistency: WAL recovery rolls back whole transactions).  FULL syncs the
 * WAL at every commit and survives that too, at one fdatasync per change:
 * measured on the 2-core CI machine class, about 3,300 single-object commits
 * per second with FULL against about 50,000 with NORMAL, and issue 2 wants
 * token object creation at 20x SoftHSMv2's rate.  Deployments that need
 * power-loss durability set `sync = full` in the config file
 * (mcx_store_set_sync_full).
 */
#include "token/store_internal.h"

#include "common/wipe.h"
#include "token/log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Writers wait up to this long for another process's transaction. */
#define BUSY_TIMEOUT_MS 10000

static const char *const stmt_sql[STMT_COUNT] = {
    [STMT_BEGIN_IMMEDIATE] = "BEGIN IMMEDIATE",
    [STMT_BEGIN_DEFERRED] = "BEGIN",
    [STMT_COMMIT] = "COMMIT",
    [STMT_ROLLBACK] = "ROLLBACK",
    [STMT_SAVEPOINT] = "SAVEPOINT mcx_change",
    [STMT_RELEASE] = "RELEASE mcx_change",
    [STMT_ROLLBACK_TO] = "ROLLBACK TO mcx_change",
    [STMT_DATA_VERSION] = "PRAGMA data_version",
    [STMT_TOKEN_GET] =
	"SELECT initialized, user_pin_initialized, label, serial,"
	" so_failures, user_failures, max_failures, so_pin_to_be_changed,"
	" user_pin_to_be_changed FROM token WHERE id = 1",
    /* ?1 = 0 for the SO, 1 for the user */
    [STMT_TOKEN_PIN_ROW] =
	"SELECT initialized, user_pin_initialized,"
	" iif(?1 = 0, so_failures, user_failures), max_failures,"
	" iif(?1 = 0, so_iterations, user_iterations),"
	" iif(?1 = 0, so_salt, user_salt), iif(?1 = 0, so_wrapped, "
	"user_wrapped)"
	" FROM token WHERE id = 1",
    [STMT_TOKEN_GENERATION] = "SELECT generation FROM token WHERE id = 1",
    [STMT_TOKEN_BUMP_GENERATION] =
	"UPDATE token SET generation = generation + 1 WHERE id = 1",
    /* ?1 = 0 for the SO, 1 for the user; ?2 the new count */
    [STMT_TOKEN_SET_FAILURES] =
	"UPDATE token SET so_failures = iif(?1 = 0, ?2, so_failures),"
	" user_failures = iif(?1 = 1, ?2, user_failures) WHERE id = 1",
    [STMT_TOKEN_INIT] =
	"UPDATE token SET initialized = 1, user_pin_initialized = 0,"
	" label = ?1, max_failures = ?2, so_failures = 0, user_failures = 0,"
	" so_iterations = ?3, so_salt = ?4, so_wrapped = ?5,"
	" user_iterations = NULL, user_salt = NULL, user_wrapped = NULL,"
	" generation = generation + 1 WHERE id = 1",
    [STMT_TOKEN_SET_SO_PIN] =
	"UPDATE token SET so_iterations = ?1, so_salt = ?2, so_wrapped = ?3,"
	" so_failures = 0 WHERE id = 1",
    [STMT_TOKEN_SET_USER_PIN] =
	"UPDATE token SET user_iterations = ?1, user_salt = ?2,"
	" user_wrapped = ?3, user_failures = 0, user_pin_initialized = 1"
	" WHERE id = 1",
    [STMT_OBJ_INSERT] =
	"INSERT INTO objects (unique_id, class, key_type, cka_id, label,"
	" mcx_key_id, mcx_uk_id, user_uri, kms_uri, private, attrs)"
	" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    [STMT_OBJ_UPDATE] =
	"UPDATE objects SET class = ?2, key_type = ?3, cka_id = ?4,"
	" label = ?5, mcx_key_id = ?6, mcx_uk_id = ?7, user_uri = ?8,"
	" kms_uri = ?9, private = ?10, attrs = ?11 WHERE id = ?1",
    [STMT_OBJ_DELETE] = "DELETE FROM objects WHERE id = ?1",
    [STMT_OBJ_DELETE_ALL] = "DELETE FROM objects",
    [STMT_OBJ_LOAD] = "SELECT unique_id, attrs FROM objects WHERE id = ?1",
    [STMT_OBJ_UNIQUE_ID] = "SELECT unique_id, attrs FROM objects WHERE id = ?1",
    [STMT_AUDIT_LAST] = "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1",
    [STMT_AUDIT_INSERT] =
	"INSERT INTO audit (seq, time, pid, user_type, mechanism, rv,"
	" function, unique_id, label, prev_hash, hash)"
	" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    [STMT_AUDIT_RANGE] =
	"SELECT seq, time, pid, user_type, mechanism, rv, function,"
	" unique_id, label, prev_hash, hash FROM audit"
	" WHERE seq >= ?1 AND seq < ?2 ORDER BY seq",
};

/* Schema 1.  Objects are one row each: the indexed attributes as columns
 * (finds never read the blob) and the whole attribute list as one
 * serialised blob (store_object.c), secret values in it encrypted.  Ids are
 * AUTOINCREMENT so a deleted object's id (a handle the core may still
 * hold) is never given to another object.  The audit table refuses UPDATE
 * and DELETE: append-only even for a buggy caller. */
static const char schema_sql[] =
    "CREATE TABLE token ("
    " id INTEGER PRIMARY KEY CHECK (id = 1),"
    " initialized INTEGER NOT NULL DEFAULT 0,"
    " user_pin_initialized INTEGER NOT NULL DEFAULT 0,"
    " label BLOB NOT NULL, serial BLOB NOT NULL,"
    " so_failures INTEGER NOT NULL DEFAULT 0,"
    " user_failures INTEGER NOT NULL DEFAULT 0,"
    " max_failures INTEGER NOT NULL,"
    " so_pin_to_be_changed INTEGER NOT NULL DEFAULT 0,"
    " user_pin_to_be_changed INTEGER NOT NULL DEFAULT 0,"
    " kdf TEXT NOT NULL DEFAULT 'pbkdf2-hmac-sha256',"
    " so_iterations INTEGER, so_salt BLOB, so_wrapped BLOB,"
    " user_iterations INTEGER, user_salt BLOB, user_wrapped BLOB,"
    " generation INTEGER NOT NULL DEFAULT 0);"
    "CREATE TABLE objects ("
    " id INTEGER PRIMARY KEY AUTOINCREMENT,"
    " unique_id TEXT NOT NULL UNIQUE,"
    " class INTEGER, key_type INTEGER, cka_id BLOB, label BLOB,"
    " mcx_key_id BLOB, mcx_uk_id BLOB, user_uri BLOB, kms_uri BLOB,"
    " private INTEGER,"
    " attrs BLOB NOT NULL);"
    "CREATE INDEX objects_class ON objects (class, key_type);"
    "CREATE INDEX objects_cka_id ON objects (cka_id) WHERE cka_id IS NOT NULL;"
    "CREATE INDEX objects_label ON objects (label) WHERE label IS NOT NULL;"
    "CREATE INDEX objects_mcx_key_id ON objects (mcx_key_id)"
    " WHERE mcx_key_id IS NOT NULL;"
    "CREATE INDEX objects_mcx_uk_id ON objects (mcx_uk_id)"
    " WHERE mcx_uk_id IS NOT NULL;"
    "CREATE INDEX objects_user_uri ON objects (user_uri)"
    " WHERE user_uri IS NOT NULL;"
    "CREATE INDEX objects_kms_uri ON objects (kms_uri)"
    " WHERE kms_uri IS NOT NULL;"
    "CREATE TABLE audit ("
    " seq INTEGER PRIMARY KEY, time INTEGER NOT NULL, pid INTEGER NOT NULL,"
    " user_type INTEGER NOT NULL, mechanism INTEGER NOT NULL,"
    " rv INTEGER NOT NULL, function TEXT NOT NULL, unique_id TEXT,"
    " label TEXT, prev_hash BLOB NOT NULL, hash BLOB NOT NULL);"
    "CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit"
    " BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;"
    "CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit"
    " BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;";

CK_RV mcx_store_rv(int rc)
{
	switch (rc & 0xff) {
	case SQLITE_OK:
	case SQLITE_DONE:
	case SQLITE_ROW:
		return CKR_OK;
	case SQLITE_NOMEM:
		return CKR_HOST_MEMORY;
	case SQLITE_FULL:
		return CKR_DEVICE_MEMORY;
	case SQLITE_CONSTRAINT:
		return CKR_ATTRIBUTE_VALUE_INVALID;
	case SQLITE_NOTADB:
	case SQLITE_CORRUPT:
		return CKR_TOKEN_NOT_RECOGNIZED;
	default: /* BUSY past the timeout, IOERR, READONLY, ... */
		return CKR_DEVICE_ERROR;
	}
}

sqlite3_stmt *mcx_store_stmt(struct mcx_store *st, enum mcx_store_stmt which)
{
	if (st->stmt[which] == NULL &&
	    sqlite3_prepare_v3(st->db, stmt_sql[which], -1,
			       SQLITE_PREPARE_PERSISTENT, &st->stmt[which],
			       NULL) != SQLITE_OK)
		return NULL;
	return st->stmt[which];
}

void mcx_store_stmt_done(sqlite3_stmt *s)
{
	if (s == NULL)
		return;
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
}

CK_RV mcx_store_exec_stmt(struct mcx_store *st, enum mcx_store_stmt which)
{
	sqlite3_stmt *s = mcx_store_stmt(st, which);
	int rc = SQLITE_NOMEM;

	if (s != NULL) {
		rc = sqlite3_step(s);
		mcx_store_stmt_done(s);
	} else {
		rc = sqlite3_errcode(st->db);
	}
	return rc == SQLITE_DONE ? CKR_OK : mcx_store_rv(rc);
}

/* Writers take the write lock at BEGIN (IMMEDIATE), so they wait in the
 * busy handler instead of failing with SQLITE_BUSY on upgrade. */
/* The store whose mcx_store_txn_begin transaction this thread owns. */
static _Thread_local struct mcx_store *txn_owned;

void mcx_store_lock(struct mcx_store *st)
{
	if (txn_owned != st)
		pthread_mutex_lock(&st->lock);
}

void mcx_store_unlock(struct mcx_store *st)
{
	if (txn_owned != st)
		pthread_mutex_unlock(&st->lock);
}

/* Inside an open mcx_store_txn_begin transaction, a change is a savepoint:
 * it can fail alone without undoing the steps before it. */
CK_RV mcx_store_begin(struct mcx_store *st)
{
	if (st->txn)
		return mcx_store_exec_stmt(st, STMT_SAVEPOINT);
	CK_RV rv = mcx_store_exec_stmt(st, STMT_BEGIN_IMMEDIATE);

	/* the usual cause: another process held the write lock past the
	 * busy timeout; operators need SQLite's own words */
	if (rv != CKR_OK)
		mcx_log(MCX_LOG_ERROR, "store %s: cannot start a change: %s",
			sqlite3_db_filename(st->db, "main"),
			sqlite3_errmsg(st->db));
	return rv;
}

CK_RV mcx_store_commit(struct mcx_store *st)
{
	if (st->txn) {
		CK_RV srv = mcx_store_exec_stmt(st, STMT_RELEASE);
		if (srv != CKR_OK)
			mcx_store_rollback(st);
		return srv;
	}
	CK_RV rv = mcx_store_exec_stmt(st, STMT_COMMIT);

	if (rv != CKR_OK) {
		mcx_log(MCX_LOG_ERROR, "store %s: commit failed: %s",
			sqlite3_db_filename(st->db, "main"),
			sqlite3_errmsg(st->db));
		mcx_store_rollback(st);
	}
	return rv;
}

void mcx_store_rollback(struct mcx_store *st)
{
	if (sqlite3_get_autocommit(st->db))
		return;
	if (st->txn) {
		/* undo this change only; the savepoint stays until
		 * released */
		if (mcx_store_exec_stmt(st, STMT_ROLLBACK_TO) == CKR_OK)
			(void)mcx_store_exec_stmt(st, STMT_RELEASE);
		return;
	}
	(void)mcx_store_exec_stmt(st, STMT_ROLLBACK);
}

CK_RV mcx_store_txn_begin(struct mcx_store *st)
{
	if (st == NULL)
		return CKR_ARGUMENTS_BAD;
	if (txn_owned == st)
		return CKR_OPERATION_ACTIVE; /* not nestable */
	pthread_mutex_lock(&st->lock);
	CK_RV rv = mcx_store_begin(st);
	if (rv != CKR_OK) {
		pthread_mutex_unlock(&st->lock);
		return rv;
	}
	st->txn = true;
	txn_owned = st;
	return CKR_OK;
}

static CK_RV txn_end(struct mcx_store *st, bool commit)
{
	CK_RV rv = CKR_OK;
	if (st == NULL || txn_owned != st)
		return CKR_OPERATION_NOT_INITIALIZED;
	st->txn = false;
	txn_owned = NULL;
	if (commit && !sqlite3_get_autocommit(st->db))
		rv = mcx_store_commit(st);
	else if (commit)
		rv = CKR_DEVICE_ERROR; /* SQLite rolled it back (I/O, full) */
	else
		mcx_store_rollback(st);
	if (rv != CKR_OK)
		st->gen_valid = false;
	pthread_mutex_unlock(&st->lock);
	return rv;
}

CK_RV mcx_store_txn_commit(struct mcx_store *st)
{
	return txn_end(st, true);
}

void mcx_store_txn_rollback(struct mcx_store *st)
{
	(void)txn_end(st, false);
}

CK_RV mcx_store_bump_generation_locked(struct mcx_store *st)
{
	st->gen_valid = false;
	return mcx_store_exec_stmt(st, STMT_TOKEN_BUMP_GENERATION);
}

static CK_RV exec(struct mcx_store *st, const char *sql)
{
	return mcx_store_rv(sqlite3_exec(st->db, sql, NULL, NULL, NULL));
}

static CK_RV pragma_int(struct mcx_store *st, const char *sql, int64_t *val)
{
	sqlite3_stmt *s = NULL;
	int rc = sqlite3_prepare_v2(st->db, sql, -1, &s, NULL);

	if (rc == SQLITE_OK) {
		rc = sqlite3_step(s);
		if (rc == SQLITE_ROW)
			*val = sqlite3_column_int64(s, 0);
	}
	sqlite3_finalize(s);
	return rc == SQLITE_ROW ? CKR_OK : mcx_store_rv(rc);
}

/* Switch to WAL (persistent in the file).  Changing the journal mode of a
 * new file while other processes open it can fail with SQLITE_BUSY without
 * the busy handler being called, so retry here, within the same 10 s. */
static CK_RV set_wal(struct mcx_store *st)
{
	struct timespec pause = {0, 2000000}; /* 2 ms */
	int tries = BUSY_TIMEOUT_MS / 2;
	int rc = SQLITE_OK;

	for (int i = 0; i < tries; i++) {
		sqlite3_stmt *s = NULL;
		bool wal = false;

		rc = sqlite3_prepare_v2(st->db, "PRAGMA journal_mode = WAL", -1,
					&s, NULL);
		if (rc == SQLITE_OK) {
			rc = sqlite3_step(s);
			if (rc == SQLITE_ROW) {
				const char *mode =
				    (const char *)sqlite3_column_text(s, 0);

				wal = mode != NULL && strcmp(mode, "wal") == 0;
			}
		}
		sqlite3_finalize(s);
		if (rc == SQLITE_ROW)
			/* a file system without shared memory refuses WAL:
			 * concurrency and durability as designed need it */
			return wal ? CKR_OK : CKR_DEVICE_ERROR;
		if ((rc & 0xff) != SQLITE_BUSY && (rc & 0xff) != SQLITE_LOCKED)
			break;
		nanosleep(&pause, NULL);
	}
	return mcx_store_rv(rc);
}

/* A new file: create the schema and the token row (uninitialised, with its
 * serial number, which stays the same across C_InitToken). */
static CK_RV create_schema(struct mcx_store *st)
{
	CK_RV rv = CKR_OK;
	int64_t version = 0;
	uint8_t rnd[8];
	char serial[17];
	char label[32];
	char sql[160];
	sqlite3_stmt *s = NULL;

	rv = mcx_store_begin(st);
	if (rv != CKR_OK)
		return rv;
	/* Another process may have created it while we waited. */
	rv = pragma_int(st, "PRAGMA user_version", &version);
	if (rv != CKR_OK || version != 0)
		goto out;
	rv = exec(st, schema_sql);
	if (rv != CKR_OK)
		goto out;
	rv = mcx_store_random(rnd, sizeof(rnd));
	if (rv != CKR_OK)
		goto out;
	for (size_t i = 0; i < sizeof(rnd); i++)
		snprintf(serial + 2 * i, 3, "%02x", rnd[i]);
	memset(label, ' ', sizeof(label));
	rv = mcx_store_rv(sqlite3_prepare_v2(
	    st->db,
	    "INSERT INTO token (id, label, serial, max_failures)"
	    " VALUES (1, ?1, ?2, ?3)",
	    -1, &s, NULL));
	if (rv != CKR_OK)
		goto out;
	sqlite3_bind_blob(s, 1, label, sizeof(label), SQLITE_STATIC);
	sqlite3_bind_blob(s, 2, serial, 16, SQLITE_STATIC);
	sqlite3_bind_int64(s, 3, st->max_failures);
	rv = mcx_store_rv(sqlite3_step(s));
	if (rv != CKR_OK)
		goto out;
	snprintf(sql, sizeof(sql), "PRAGMA user_version = %d",
		 MCX_STORE_SCHEMA_VERSION);
	rv = exec(st, sql);
out:
	sqlite3_finalize(s);
	if (rv == CKR_OK)
		rv = mcx_store_commit(st);
	else
		mcx_store_rollback(st);
	return rv;
}

CK_RV mcx_store_open(const char *path, uint32_t max_failures,
		     struct mcx_store **out)
{
	CK_RV rv = CKR_OK;
	struct mcx_store *st = NULL;
	int64_t version = 0;
	int fd = -1;

	if (path == NULL || out == NULL)
		return CKR_ARGUMENTS_BAD;
	*out = NULL;
	st = calloc(1, sizeof(*st));
	if (st == NULL)
		return CKR_HOST_MEMORY;
	if (pthread_mutex_init(&st->lock, NULL) != 0) {
		free(st);
		return CKR_CANT_LOCK;
	}
	st->pid = getpid();
	st->max_failures = max_failures == 0 ? 10 : max_failures;
	rv = mcx_store_crypto_init(st);
	if (rv != CKR_OK)
		goto out;
	/* Create the file owner-only before SQLite does (it would use 0644);
	 * the -wal and -shm files inherit its mode. */
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0) {
		rv = errno == ENOENT || errno == EACCES ? CKR_DEVICE_ERROR
							: CKR_GENERAL_ERROR;
		goto out;
	}
	close(fd);
	/* Our own mutex serialises the connection: SQLite's can be off. */
	if (sqlite3_open_v2(path, &st->db,
			    SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX |
				SQLITE_OPEN_EXRESCODE,
			    NULL) != SQLITE_OK) {
		rv = st->db != NULL ? mcx_store_rv(sqlite3_errcode(st->db))
				    : CKR_HOST_MEMORY;
		goto out;
	}
	sqlite3_busy_timeout(st->db, BUSY_TIMEOUT_MS);
	rv = set_wal(st);
	if (rv != CKR_OK)
		goto out;
	rv = exec(st, "PRAGMA synchronous = NORMAL;"
		      /* checkpoint every ~40 MB of WAL instead of 4 MB: a
		       * checkpoint syncs, and with 7 pages per object
		       * commit the default made one every ~140 inserts */
		      "PRAGMA wal_autocheckpoint = 10000;"
		      "PRAGMA journal_size_limit = 67108864;"
		      "PRAGMA foreign_keys = ON;"
		      "PRAGMA trusted_schema = OFF;");
	if (rv != CKR_OK)
		goto out;
	rv = pragma_int(st, "PRAGMA user_version", &version);
	if (rv != CKR_OK)
		goto out;
	if (version == 0) {
		rv = create_schema(st);
		if (rv != CKR_OK)
			goto out;
	} else if (version != MCX_STORE_SCHEMA_VERSION) {
		rv = CKR_TOKEN_NOT_RECOGNIZED;
		goto out;
	}
	*out = st;
	st = NULL;
out:
	if (rv != CKR_OK)
		mcx_log(MCX_LOG_ERROR, "store %s: cannot open: %s (CKR 0x%lx)",
			path,
			st != NULL && st->db != NULL ? sqlite3_errmsg(st->db)
						     : strerror(errno),
			(unsigned long)rv);
	mcx_store_close(st);
	return rv;
}

void mcx_store_close(struct mcx_store *st)
{
	if (st == NULL)
		return;
	/* After fork() the child must not touch the parent's connection
	 * (SQLite: "do not carry an open database across a fork"): closing
	 * it could checkpoint or unlock files the parent uses.  Leak it. */
	if (st->pid == getpid()) {
		for (size_t i = 0; i < STMT_COUNT; i++)
			sqlite3_finalize(st->stmt[i]);
		for (size_t i = 0; i < (1u << MCX_STORE_FIND_COLUMNS); i++)
			sqlite3_finalize(st->find_stmt[i]);
		sqlite3_close(st->db);
		pthread_mutex_destroy(&st->lock);
	}
	mcx_store_crypto_free(st);
	free(st);
}

CK_RV mcx_store_token_info(struct mcx_store *st,
			   struct mcx_store_token_info *out)
{
	CK_RV rv = CKR_OK;
	sqlite3_stmt *s = NULL;
	int rc = SQLITE_OK;

	if (st == NULL || out == NULL)
		return CKR_ARGUMENTS_BAD;
	memset(out, 0, sizeof(*out));
	mcx_store_lock(st);
	s = mcx_store_stmt(st, STMT_TOKEN_GET);
	if (s == NULL) {
		rv = mcx_store_rv(sqlite3_errcode(st->db));
		goto out;
	}
	rc = sqlite3_step(s);
	if (rc != SQLITE_ROW) {
		rv = rc == SQLITE_DONE ? CKR_TOKEN_NOT_RECOGNIZED
				       : mcx_store_rv(rc);
		goto out;
	}
	out->initialized = sqlite3_column_int(s, 0) != 0;
	out->user_pin_initialized = sqlite3_column_int(s, 1) != 0;
	memset(out->label, ' ', sizeof(out->label));
	memset(out->serial, ' ', sizeof(out->serial));
	if (sqlite3_column_bytes(s, 2) == (int)sizeof(out->label))
		memcpy(out->label, sqlite3_column_blob(s, 2),
		       sizeof(out->label));
	if (sqlite3_column_bytes(s, 3) == (int)sizeof(out->serial))
		memcpy(out->serial, sqlite3_column_blob(s, 3),
		       sizeof(out->serial));
	out->so_failures = (uint32_t)sqlite3_column_int64(s, 4);
	out->user_failures = (uint32_t)sqlite3_column_int64(s, 5);
	out->max_failures = (uint32_t)sqlite3_column_int64(s, 6);
	out->so_pin_to_be_changed = sqlite3_column_int(s, 7) != 0;
	out->user_pin_to_be_changed = sqlite3_column_int(s, 8) != 0;
out:
	mcx_store_stmt_done(s);
	mcx_store_unlock(st);
	return rv;
}

/* The stored counter changes in the same transaction as every object
 * change; PRAGMA data_version tells (without reading any table) whether
 * another connection committed since we last looked, so most calls cost
 * one pragma step. */
CK_RV mcx_store_generation(struct mcx_store *st, uint64_t *generation)
{
	CK_RV rv = CKR_OK;
	sqlite3_stmt *s = NULL;
	int64_t dv = 0;
	int rc = SQLITE_OK;

	if (st == NULL || generation == NULL)
		return CKR_ARGUMENTS_BAD;
	mcx_store_lock(st);
	s = mcx_store_stmt(st, STMT_DATA_VERSION);
	if (s == NULL) {
		rv = mcx_store_rv(sqlite3_errcode(st->db));
		goto out;
	}
	rc = sqlite3_step(s);
	if (rc != SQLITE_ROW) {
		rv = mcx_store_rv(rc);
		goto out;
	}
	dv = sqlite3_column_int64(s, 0);
	mcx_store_stmt_done(s);
	if (!st->gen_valid || dv != st->data_version) {
		s = mcx_store_stmt(st, STMT_TOKEN_GENERATION);
		if (s == NULL) {
			rv = mcx_store_rv(sqlite3_errcode(st->db));
			goto out;
		}
		rc = sqlite3_step(s);
		if (rc != SQLITE_ROW) {
			rv = rc == SQLITE_DONE ? CKR_TOKEN_NOT_RECOGNIZED
					       : mcx_store_rv(rc);
			goto out;
		}
		st->generation = (uint64_t)sqlite3_column_int64(s, 0);
		st->data_version = dv;
		st->gen_valid = true;
	}
	*generation = st->generation;
out:
	mcx_store_stmt_done(s);
	mcx_store_unlock(st);
	return rv;
}

CK_RV mcx_store_set_sync_full(struct mcx_store *st, bool full)
{
	CK_RV rv = CKR_OK;

	if (st == NULL)
		return CKR_ARGUMENTS_BAD;
	mcx_store_lock(st);
	rv = exec(st, full ? "PRAGMA synchronous = FULL"
			   : "PRAGMA synchronous = NORMAL");
	mcx_store_unlock(st);
	return rv;
}

CK_RV mcx_store_sync_full(struct mcx_store *st, bool *full)
{
	CK_RV rv = CKR_OK;
	sqlite3_stmt *s = NULL;
	int rc = SQLITE_OK;

	if (st == NULL || full == NULL)
		return CKR_ARGUMENTS_BAD;
	*full = false;
	mcx_store_lock(st);
	rc = sqlite3_prepare_v2(st->db, "PRAGMA synchronous", -1, &s, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(s);
	if (rc != SQLITE_ROW) {
		rv = mcx_store_rv(rc);
		goto out;
	}
	/* 0 OFF, 1 NORMAL, 2 FULL, 3 EXTRA */
	*full = sqlite3_column_int(s, 0) >= 2;
out:
	sqlite3_finalize(s);
	mcx_store_unlock(st);
	return rv;
}
