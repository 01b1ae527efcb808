/*
 * The audit log: an append-only, hash-chained table in the token database,
 * exactly as documented for CKO_MCX_AUDIT_RECORD in <mcxhsm/pkcs11-mcx.h>:
 *   hash_n = SHA-256(hash_(n-1) || encoding_n), the first record's
 *   predecessor 32 x 0x00, encoding = seq(8) || time(8) || pid(8) ||
 *   user_type(8) || mechanism(8) || rv(8) || len(2) function ||
 *   len(2) unique_id || len(2) label.
 * Sequence numbers start at 0 and have no gaps.  The previous hash is read
 * inside the writing transaction (BEGIN IMMEDIATE), so appends from several
 * processes still form one chain.
 */
#include "token/store_internal.h"

#include "common/wipe.h"

#include <openssl/crypto.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define STR_MAX 0xffffu

static size_t str_len(const char *s)
{
	size_t len = s != NULL ? strlen(s) : 0;

	/* the encoding has 2 length octets: longer strings are cut (at a
	 * UTF-8 character boundary) before they are stored */
	if (len > STR_MAX) {
		len = STR_MAX;
		while (len > 0 && ((unsigned char)s[len] & 0xc0) == 0x80)
			len--;
	}
	return len;
}

static uint8_t *put_u64(uint8_t *p, uint64_t v)
{
	for (int i = 7; i >= 0; i--)
		*p++ = (uint8_t)(v >> (8 * i));
	return p;
}

static uint8_t *put_str(uint8_t *p, const char *s, size_t len)
{
	*p++ = (uint8_t)(len >> 8);
	*p++ = (uint8_t)len;
	if (len > 0)
		memcpy(p, s, len);
	return p + len;
}

/* hash = SHA-256(prev || encoding(rec)); string lengths already cut. */
static CK_RV chain_hash(struct mcx_store *st, const struct mcx_audit_record *r,
			size_t f_len, size_t u_len, size_t l_len,
			const uint8_t prev[32], uint8_t hash[32])
{
	CK_RV rv = CKR_OK;
	size_t len = 6 * 8 + 3 * 2 + f_len + u_len + l_len;
	uint8_t *enc = malloc(len);
	uint8_t *p = enc;

	if (enc == NULL)
		return CKR_HOST_MEMORY;
	p = put_u64(p, r->seq);
	p = put_u64(p, r->time);
	p = put_u64(p, r->pid);
	p = put_u64(p, r->user_type);
	p = put_u64(p, r->mechanism);
	p = put_u64(p, r->rv);
	p = put_str(p, r->function, f_len);
	p = put_str(p, r->unique_id, u_len);
	(void)put_str(p, r->label, l_len);
	rv = mcx_store_sha256(st, prev, 32, enc, len, hash);
	free(enc);
	return rv;
}

static void bind_str(sqlite3_stmt *s, int param, const char *str, size_t len)
{
	if (str == NULL)
		sqlite3_bind_null(s, param);
	else
		sqlite3_bind_text(s, param, str, (int)len, SQLITE_STATIC);
}

CK_RV mcx_store_audit_append(struct mcx_store *st,
			     const struct mcx_audit_record *rec)
{
	CK_RV rv = CKR_OK;
	struct mcx_audit_record r;
	sqlite3_stmt *s = NULL;
	size_t f_len = 0, u_len = 0, l_len = 0;
	int rc = SQLITE_OK;

	if (st == NULL || rec == NULL)
		return CKR_ARGUMENTS_BAD;
	r = *rec;
	if (r.function == NULL)
		r.function = "";
	if (r.time == 0)
		r.time = (uint64_t)time(NULL);
	if (r.pid == 0)
		r.pid = (uint64_t)getpid();
	f_len = str_len(r.function);
	u_len = str_len(r.unique_id);
	l_len = str_len(r.label);
	memset(r.prev_hash, 0, sizeof(r.prev_hash));

	mcx_store_lock(st);
	rv = mcx_store_begin(st);
	if (rv != CKR_OK)
		goto out;
	s = mcx_store_stmt(st, STMT_AUDIT_LAST);
	if (s == NULL) {
		rv = mcx_store_rv(sqlite3_errcode(st->db));
		goto out;
	}
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		if (sqlite3_column_bytes(s, 1) != 32) {
			rv = CKR_DEVICE_ERROR;
			goto out;
		}
		r.seq = (uint64_t)sqlite3_column_int64(s, 0) + 1;
		memcpy(r.prev_hash, sqlite3_column_blob(s, 1), 32);
	} else if (rc == SQLITE_DONE) {
		r.seq = 0;
	} else {
		rv = mcx_store_rv(rc);
		goto out;
	}
	mcx_store_stmt_done(s);
	rv = chain_hash(st, &r, f_len, u_len, l_len, r.prev_hash, r.hash);
	if (rv != CKR_OK)
		goto out;
	s = mcx_store_stmt(st, STMT_AUDIT_INSERT);
	if (s == NULL) {
		rv = mcx_store_rv(sqlite3_errcode(st->db));
		goto out;
	}
	sqlite3_bind_int64(s, 1, (int64_t)r.seq);
	sqlite3_bind_int64(s, 2, (int64_t)r.time);
	sqlite3_bind_int64(s, 3, (int64_t)r.pid);
	sqlite3_bind_int64(s, 4, (int64_t)r.user_type);
	sqlite3_bind_int64(s, 5, (int64_t)r.mechanism);
	sqlite3_bind_int64(s, 6, (int64_t)r.rv);
	bind_str(s, 7, r.function, f_len);
	bind_str(s, 8, r.unique_id, u_len);
	bind_str(s, 9, r.label, l_len);
	sqlite3_bind_blob(s, 10, r.prev_hash, 32, SQLITE_STATIC);
	sqlite3_bind_blob(s, 11, r.hash, 32, SQLITE_STATIC);
	rc = sqlite3_step(s);
	if (rc != SQLITE_DONE) {
		rv = mcx_store_rv(rc);
		goto out;
	}
	rv = mcx_store_commit(st);
out:
	mcx_store_stmt_done(s);
	if (rv != CKR_OK)
		mcx_store_rollback(st);
	mcx_store_unlock(st);
	return rv;
}

/* Fill rec from a STMT_AUDIT_RANGE row (strings point into the row). */
static void row_record(sqlite3_stmt *s, struct mcx_audit_record *rec)
{
	memset(rec, 0, sizeof(*rec));
	rec->seq = (uint64_t)sqlite3_column_int64(s, 0);
	rec->time = (uint64_t)sqlite3_column_int64(s, 1);
	rec->pid = (uint64_t)sqlite3_column_int64(s, 2);
	rec->user_type = (CK_ULONG)sqlite3_column_int64(s, 3);
	rec->mechanism = (CK_ULONG)sqlite3_column_int64(s, 4);
	rec->rv = (CK_RV)sqlite3_column_int64(s, 5);
	rec->function = (const char *)sqlite3_column_text(s, 6);
	rec->unique_id = (const char *)sqlite3_column_text(s, 7);
	rec->label = (const char *)sqlite3_column_text(s, 8);
	if (rec->function == NULL)
		rec->function = "";
	if (sqlite3_column_bytes(s, 9) == 32)
		memcpy(rec->prev_hash, sqlite3_column_blob(s, 9), 32);
	if (sqlite3_column_bytes(s, 10) == 32)
		memcpy(rec->hash, sqlite3_column_blob(s, 10), 32);
}

CK_RV mcx_store_audit_each(struct mcx_store *st, uint64_t first, uint64_t max,
			   CK_RV (*cb)(const struct mcx_audit_record *rec,
				       void *arg),
			   void *arg)
{
	CK_RV rv = CKR_OK;
	sqlite3_stmt *s = NULL;
	struct mcx_audit_record rec;
	uint64_t end = first + max;
	int rc = SQLITE_OK;

	if (st == NULL || cb == NULL)
		return CKR_ARGUMENTS_BAD;
	if (first > (uint64_t)INT64_MAX)
		return CKR_OK;
	if (end < first || end > (uint64_t)INT64_MAX)
		end = (uint64_t)INT64_MAX;
	mcx_store_lock(st);
	s = mcx_store_stmt(st, STMT_AUDIT_RANGE);
	if (s == NULL) {
		rv = mcx_store_rv(sqlite3_errcode(st->db));
		goto out;
	}
	sqlite3_bind_int64(s, 1, (int64_t)first);
	sqlite3_bind_int64(s, 2, (int64_t)end);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		row_record(s, &rec);
		rv = cb(&rec, arg);
		if (rv != CKR_OK)
			goto out;
	}
	if (rc != SQLITE_DONE)
		rv = mcx_store_rv(rc);
out:
	mcx_store_stmt_done(s);
	mcx_store_unlock(st);
	return rv;
}

CK_RV mcx_store_audit_count(struct mcx_store *st, uint64_t *count)
{
	CK_RV rv = CKR_OK;
	sqlite3_stmt *s = NULL;
	int rc = SQLITE_OK;

	if (st == NULL || count == NULL)
		return CKR_ARGUMENTS_BAD;
	*count = 0;
	mcx_store_lock(st);
	s = mcx_store_stmt(st, STMT_AUDIT_LAST);
	if (s == NULL) {
		rv = mcx_store_rv(sqlite3_errcode(st->db));
		goto out;
	}
	rc = sqlite3_step(s);
	/* seqs are 0..n-1 without gaps: the last one tells the count */
	if (rc == SQLITE_ROW)
		*count = (uint64_t)sqlite3_column_int64(s, 0) + 1;
	else if (rc != SQLITE_DONE)
		rv = mcx_store_rv(rc);
out:
	mcx_store_stmt_done(s);
	mcx_store_unlock(st);
	return rv;
}

struct verify_state {
	struct mcx_store *st;
	uint64_t next_seq;
	uint8_t prev[32];
	uint64_t *bad_seq;
};

static CK_RV verify_one(const struct mcx_audit_record *rec, void *arg)
{
	struct verify_state *vs = arg;
	uint8_t hash[32];
	CK_RV rv = CKR_OK;

	*vs->bad_seq = vs->next_seq;
	if (rec->seq != vs->next_seq ||
	    CRYPTO_memcmp(rec->prev_hash, vs->prev, 32) != 0)
		return CKR_DATA_INVALID;
	/* recompute from the stored strings as an outside verifier would */
	rv = chain_hash(vs->st, rec, strlen(rec->function),
			rec->unique_id ? strlen(rec->unique_id) : 0,
			rec->label ? strlen(rec->label) : 0, vs->prev, hash);
	if (rv != CKR_OK)
		return rv;
	if (CRYPTO_memcmp(hash, rec->hash, 32) != 0)
		return CKR_DATA_INVALID;
	memcpy(vs->prev, hash, 32);
	vs->next_seq++;
	return CKR_OK;
}

CK_RV mcx_store_audit_verify(struct mcx_store *st, uint64_t *count,
			     uint64_t *bad_seq)
{
	CK_RV rv = CKR_OK;
	struct verify_state vs;
	uint64_t total = 0;
	uint64_t dummy = 0;

	if (st == NULL)
		return CKR_ARGUMENTS_BAD;
	memset(&vs, 0, sizeof(vs));
	vs.st = st;
	vs.bad_seq = bad_seq != NULL ? bad_seq : &dummy;
	rv = mcx_store_audit_count(st, &total);
	if (rv != CKR_OK)
		return rv;
	rv = mcx_store_audit_each(st, 0, total, verify_one, &vs);
	/* a record missing at the end (or in the middle) shows as a short
	 * walk */
	if (rv == CKR_OK && vs.next_seq != total) {
		*vs.bad_seq = vs.next_seq;
		rv = CKR_DATA_INVALID;
	}
	if (count != NULL)
		*count = vs.next_seq;
	return rv;
}
