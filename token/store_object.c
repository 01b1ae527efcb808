/*
 * Token objects in the SQLite store: one row per object with the indexed
 * attributes as columns and the whole attribute list as one blob.
 *
 * Blob (all integers big-endian):
 *   version(1) = 1 || count(4) || count x [ type(8) || flags(1) || len(4) ||
 *   value(len) ]
 * flags bit 0 = secret: value is IV(12) || AES-256-GCM ciphertext || tag(16)
 * under the master key with AAD = unique_id (UTF-8) || type(8), so a
 * ciphertext moved to another object or attribute fails to decrypt.
 *
 * Why a blob and not an attribute table: a load is one indexed row read and
 * a store one row write (an object has 14-40 attributes); finds use the
 * index columns only.  Measured with the sqlite3 shell on this machine
 * class, 10,000 objects of 14 attributes, one transaction each, same
 * indexes: blob 1.10 s to insert and 0.20 s for 20,000 random loads; an
 * (object, type) WITHOUT ROWID attribute table 1.92 s and 0.34 s.
 * The index columns and finds by them are in store_find.c.
 */
#include "token/store_internal.h"

#include "common/wipe.h"

#include <mcxhsm/pkcs11-mcx.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BLOB_VERSION	1u
#define ATTR_HDR_LEN	13u /* type(8) flags(1) len(4) */
#define FLAG_SECRET	0x01u
#define UNIQUE_ID_MAX	MCX_STORE_UNIQUE_ID_MAX
#define AAD_MAX		(UNIQUE_ID_MAX + 8u)
#define SECRET_OVERHEAD (MCX_STORE_GCM_IV_LEN + MCX_STORE_GCM_TAG_LEN)

static void put_be(uint8_t *p, uint64_t v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * (n - 1 - i)));
}

static uint64_t get_be(const uint8_t *p, size_t n)
{
	uint64_t v = 0;

	for (size_t i = 0; i < n; i++)
		v = (v << 8) | p[i];
	return v;
}

static size_t make_aad(uint8_t aad[AAD_MAX], const char *unique_id,
		       CK_ATTRIBUTE_TYPE type)
{
	size_t len = strlen(unique_id);

	memcpy(aad, unique_id, len);
	put_be(aad + len, type, 8);
	return len + 8;
}

/* Validate an attribute list; sets *need_key when one is secret. */
static CK_RV check_attrs_list(const struct mcx_store_attr *attrs, size_t n,
			      bool *need_key)
{
	*need_key = false;
	if (n > 0 && attrs == NULL)
		return CKR_ARGUMENTS_BAD;
	if (n > 100000)
		return CKR_ARGUMENTS_BAD;
	for (size_t i = 0; i < n; i++) {
		if (attrs[i].len > 0 && attrs[i].value == NULL)
			return CKR_ARGUMENTS_BAD;
		if (attrs[i].len > 0x7fffffffu - SECRET_OVERHEAD)
			return CKR_ATTRIBUTE_VALUE_INVALID;
		if (attrs[i].secret) {
			/* an indexed value would sit in the clear in its
			 * column: the core never marks those secret */
			if (mcx_store_index_col(attrs[i].type) >= 0)
				return CKR_ARGUMENTS_BAD;
			*need_key = true;
		}
	}
	return CKR_OK;
}

/* Serialise attrs, encrypting secret values for object unique_id. */
/* Entries of a stored blob kept by an update: see carry_secrets(). */
struct kept {
	uint8_t *entries; /* serialised entries, ciphertext only */
	size_t len;
	size_t count;
};

static CK_RV build_blob(struct mcx_store *st, const struct mcx_master_key *key,
			const char *unique_id,
			const struct mcx_store_attr *attrs, size_t n,
			const struct kept *kept, uint8_t **blob,
			size_t *blob_len)
{
	CK_RV rv = CKR_OK;
	size_t len = 5;
	uint8_t *b = NULL;
	uint8_t *p = NULL;
	uint8_t aad[AAD_MAX];
	size_t aad_len = 0;
	size_t count = n + (kept != NULL ? kept->count : 0);

	for (size_t i = 0; i < n; i++)
		len += ATTR_HDR_LEN + attrs[i].len +
		       (attrs[i].secret ? SECRET_OVERHEAD : 0);
	if (kept != NULL)
		len += kept->len;
	b = malloc(len);
	if (b == NULL)
		return CKR_HOST_MEMORY;
	b[0] = BLOB_VERSION;
	put_be(b + 1, count, 4);
	p = b + 5;
	if (kept != NULL && kept->len > 0) {
		memcpy(p, kept->entries, kept->len);
		p += kept->len;
	}
	for (size_t i = 0; i < n; i++) {
		size_t vlen =
		    attrs[i].len + (attrs[i].secret ? SECRET_OVERHEAD : 0);

		put_be(p, attrs[i].type, 8);
		p[8] = attrs[i].secret ? FLAG_SECRET : 0;
		put_be(p + 9, vlen, 4);
		p += ATTR_HDR_LEN;
		if (attrs[i].secret) {
			aad_len = make_aad(aad, unique_id, attrs[i].type);
			rv =
			    mcx_store_gcm_seal(st, key->octets, aad, aad_len,
					       attrs[i].value, attrs[i].len, p);
			if (rv != CKR_OK)
				goto out;
		} else if (attrs[i].len > 0) {
			memcpy(p, attrs[i].value, attrs[i].len);
		}
		p += vlen;
	}
	*blob = b;
	*blob_len = len;
	b = NULL;
out:
	free(b); /* holds only ciphertext and public values */
	return rv;
}

void mcx_store_attrs_free(struct mcx_store_attr *attrs, size_t n)
{
	if (attrs == NULL)
		return;
	for (size_t i = 0; i < n; i++) {
		if (attrs[i].secret)
			mcx_wipe_free(attrs[i].value, attrs[i].len);
		else
			free(attrs[i].value);
	}
	free(attrs);
}

/* Parse a blob; secret values are decrypted with key, or left out when key
 * is NULL.  A malformed blob or a failed tag is CKR_DEVICE_ERROR. */
static CK_RV parse_blob(struct mcx_store *st, const struct mcx_master_key *key,
			const char *unique_id, const uint8_t *b, size_t len,
			struct mcx_store_attr **out, size_t *out_n)
{
	CK_RV rv = CKR_DEVICE_ERROR;
	struct mcx_store_attr *attrs = NULL;
	size_t count = 0;
	size_t n = 0;
	const uint8_t *p = b + 5;
	const uint8_t *end = b + len;
	uint8_t aad[AAD_MAX];
	size_t aad_len = 0;

	if (len < 5 || b[0] != BLOB_VERSION)
		return CKR_DEVICE_ERROR;
	count = (size_t)get_be(b + 1, 4);
	if (count > (len - 5) / ATTR_HDR_LEN)
		return CKR_DEVICE_ERROR;
	attrs = calloc(count > 0 ? count : 1, sizeof(*attrs));
	if (attrs == NULL)
		return CKR_HOST_MEMORY;
	for (size_t i = 0; i < count; i++) {
		CK_ATTRIBUTE_TYPE type = 0;
		bool secret = false;
		size_t vlen = 0;

		if ((size_t)(end - p) < ATTR_HDR_LEN)
			goto out;
		type = (CK_ATTRIBUTE_TYPE)get_be(p, 8);
		secret = (p[8] & FLAG_SECRET) != 0;
		vlen = (size_t)get_be(p + 9, 4);
		p += ATTR_HDR_LEN;
		if ((size_t)(end - p) < vlen)
			goto out;
		if (secret && key == NULL) {
			p += vlen;
			continue;
		}
		if (secret && vlen < SECRET_OVERHEAD)
			goto out;
		attrs[n].type = type;
		attrs[n].secret = secret;
		attrs[n].len = secret ? vlen - SECRET_OVERHEAD : vlen;
		/* never a NULL value, so callers may memcpy even 0 octets */
		attrs[n].value = malloc(attrs[n].len > 0 ? attrs[n].len : 1);
		if (attrs[n].value == NULL) {
			rv = CKR_HOST_MEMORY;
			goto out;
		}
		n++;
		if (secret) {
			aad_len = make_aad(aad, unique_id, type);
			rv = mcx_store_gcm_open(st, key->octets, aad, aad_len,
						p, vlen, attrs[n - 1].value);
			if (rv != CKR_OK) {
				/* tampered, moved, or the wrong master key */
				rv = rv == CKR_HOST_MEMORY ? rv
							   : CKR_DEVICE_ERROR;
				goto out;
			}
			rv = CKR_DEVICE_ERROR;
		} else if (vlen > 0) {
			memcpy(attrs[n - 1].value, p, vlen);
		}
		p += vlen;
	}
	if (p != end)
		goto out;
	*out = attrs;
	*out_n = n;
	attrs = NULL;
	rv = CKR_OK;
out:
	mcx_store_attrs_free(attrs, n);
	return rv;
}

/* Bind ?2..?10 (the indexed columns other than unique_id) from attrs. */
static void bind_index(sqlite3_stmt *s, const struct mcx_store_attr *attrs,
		       size_t n)
{
	for (int c = 1; c < MCX_STORE_FIND_COLUMNS; c++) {
		const struct mcx_store_attr *a = NULL;
		int param = mcx_store_index_cols[c].param;

		for (size_t i = 0; i < n && a == NULL; i++)
			if (attrs[i].type == mcx_store_index_cols[c].type)
				a = &attrs[i];
		if (a == NULL) {
			sqlite3_bind_null(s, param);
			continue;
		}
		switch (mcx_store_index_cols[c].kind) {
		case MCX_COL_ULONG:
			if (a->len == sizeof(CK_ULONG)) {
				CK_ULONG v = 0;

				memcpy(&v, a->value, sizeof(v));
				sqlite3_bind_int64(s, param, (int64_t)v);
			} else {
				sqlite3_bind_null(s, param);
			}
			break;
		case MCX_COL_BOOL:
			if (a->len == sizeof(CK_BBOOL))
				sqlite3_bind_int(s, param,
						 *(const CK_BBOOL *)a->value !=
						     CK_FALSE);
			else
				sqlite3_bind_null(s, param);
			break;
		default:
			if (a->len == 0)
				sqlite3_bind_zeroblob(s, param, 0);
			else
				sqlite3_bind_blob(s, param, a->value,
						  (int)a->len, SQLITE_STATIC);
			break;
		}
	}
}

/* The rest of an object row write shared by insert and update: the indexed
 * columns, the attribute blob, the step, and the generation bump that tells
 * other connections to revalidate their caches. */
static CK_RV write_row_locked(struct mcx_store *st, sqlite3_stmt *s,
			      const struct mcx_store_attr *attrs, size_t n,
			      const uint8_t *blob, size_t blob_len)
{
	int rc;

	bind_index(s, attrs, n);
	sqlite3_bind_blob(s, 11, blob, (int)blob_len, SQLITE_STATIC);
	rc = sqlite3_step(s);
	if (rc != SQLITE_DONE)
		return mcx_store_rv(rc);
	return mcx_store_bump_generation_locked(st);
}

/* The object's identity for AAD: its CKA_UNIQUE_ID when the core set one,
 * else 32 random hex digits.  *given tells which. */
static CK_RV object_identity(const struct mcx_store_attr *attrs, size_t n,
			     char uid[UNIQUE_ID_MAX + 1], bool *given)
{
	CK_RV rv = CKR_OK;
	uint8_t rnd[16];

	*given = false;
	for (size_t i = 0; i < n; i++) {
		if (attrs[i].type != CKA_UNIQUE_ID)
			continue;
		if (attrs[i].len == 0 || attrs[i].len > UNIQUE_ID_MAX ||
		    memchr(attrs[i].value, 0, attrs[i].len) != NULL)
			return CKR_ATTRIBUTE_VALUE_INVALID;
		memcpy(uid, attrs[i].value, attrs[i].len);
		uid[attrs[i].len] = '\0';
		*given = true;
		return CKR_OK;
	}
	rv = mcx_store_random(rnd, sizeof(rnd));
	if (rv != CKR_OK)
		return rv;
	for (size_t i = 0; i < sizeof(rnd); i++)
		snprintf(uid + 2 * i, 3, "%02x", rnd[i]);
	return CKR_OK;
}

CK_RV mcx_store_object_insert(struct mcx_store *st,
			      const struct mcx_master_key *key,
			      const struct mcx_store_attr *attrs, size_t n,
			      mcx_store_id *id)
{
	CK_RV rv = CKR_OK;
	bool need_key = false;
	bool given = false;
	char uid[UNIQUE_ID_MAX + 1];
	uint8_t *blob = NULL;
	size_t blob_len = 0;
	sqlite3_stmt *s = NULL;

	if (st == NULL || id == NULL)
		return CKR_ARGUMENTS_BAD;
	rv = check_attrs_list(attrs, n, &need_key);
	if (rv != CKR_OK)
		return rv;
	if (need_key && key == NULL)
		return CKR_USER_NOT_LOGGED_IN;
	rv = object_identity(attrs, n, uid, &given);
	if (rv != CKR_OK)
		return rv;
	rv = build_blob(st, key, uid, attrs, n, NULL, &blob, &blob_len);
	if (rv != CKR_OK)
		return rv;
	mcx_store_lock(st);
	rv = mcx_store_begin(st);
	if (rv != CKR_OK)
		goto out;
	s = mcx_store_stmt(st, STMT_OBJ_INSERT);
	if (s == NULL) {
		rv = mcx_store_rv(sqlite3_errcode(st->db));
		goto out;
	}
	sqlite3_bind_text(s, 1, uid, -1, SQLITE_STATIC);
	rv = write_row_locked(st, s, attrs, n, blob, blob_len);
	if (rv != CKR_OK)
		goto out;
	/* the generation bump is an UPDATE: the insert's rowid stands */
	*id = sqlite3_last_insert_rowid(st->db);
	rv = mcx_store_commit(st);
out:
	mcx_store_stmt_done(s);
	if (rv != CKR_OK)
		mcx_store_rollback(st);
	mcx_store_unlock(st);
	free(blob);
	return rv;
}

/* Inside the caller's transaction: an object's identity, and the secret
 * entries of its stored blob whose types attrs does not carry.  PKCS#11
 * never removes an attribute, and a caller without the master key (a
 * public session changing CKA_LABEL of a public object with a secret
 * value) cannot pass the secret values: they are kept as stored, still
 * encrypted and still bound to this object and type. */
static CK_RV load_old_locked(struct mcx_store *st, mcx_store_id id,
			     const struct mcx_store_attr *attrs, size_t n,
			     char uid[UNIQUE_ID_MAX + 1], struct kept *kept)
{
	CK_RV rv = CKR_OK;
	sqlite3_stmt *s = mcx_store_stmt(st, STMT_OBJ_UNIQUE_ID);
	const uint8_t *b = NULL, *p = NULL, *end = NULL;
	size_t len = 0, count = 0;
	int rc = SQLITE_OK;
	int uid_len = 0;

	if (s == NULL)
		return mcx_store_rv(sqlite3_errcode(st->db));
	sqlite3_bind_int64(s, 1, id);
	rc = sqlite3_step(s);
	if (rc != SQLITE_ROW) {
		rv = rc == SQLITE_DONE ? CKR_OBJECT_HANDLE_INVALID
				       : mcx_store_rv(rc);
		goto out;
	}
	uid_len = sqlite3_column_bytes(s, 0);
	if (uid_len <= 0 || uid_len > (int)UNIQUE_ID_MAX) {
		rv = CKR_DEVICE_ERROR;
		goto out;
	}
	memcpy(uid, sqlite3_column_text(s, 0), (size_t)uid_len);
	uid[uid_len] = '\0';
	b = sqlite3_column_blob(s, 1);
	len = (size_t)sqlite3_column_bytes(s, 1);
	rv = CKR_DEVICE_ERROR;
	if (b == NULL || len < 5 || b[0] != BLOB_VERSION)
		goto out;
	count = (size_t)get_be(b + 1, 4);
	kept->entries = malloc(len);
	if (kept->entries == NULL) {
		rv = CKR_HOST_MEMORY;
		goto out;
	}
	p = b + 5;
	end = b + len;
	for (size_t i = 0; i < count; i++) {
		CK_ATTRIBUTE_TYPE type = 0;
		size_t vlen = 0;
		bool keep = false;

		if ((size_t)(end - p) < ATTR_HDR_LEN)
			goto out;
		type = (CK_ATTRIBUTE_TYPE)get_be(p, 8);
		vlen = (size_t)get_be(p + 9, 4);
		if ((size_t)(end - p) - ATTR_HDR_LEN < vlen)
			goto out;
		keep = (p[8] & FLAG_SECRET) != 0;
		for (size_t j = 0; j < n && keep; j++)
			if (attrs[j].type == type)
				keep = false;
		if (keep) {
			memcpy(kept->entries + kept->len, p,
			       ATTR_HDR_LEN + vlen);
			kept->len += ATTR_HDR_LEN + vlen;
			kept->count++;
		}
		p += ATTR_HDR_LEN + vlen;
	}
	rv = p == end ? CKR_OK : CKR_DEVICE_ERROR;
out:
	mcx_store_stmt_done(s);
	return rv;
}

CK_RV mcx_store_object_update(struct mcx_store *st,
			      const struct mcx_master_key *key, mcx_store_id id,
			      const struct mcx_store_attr *attrs, size_t n)
{
	CK_RV rv = CKR_OK;
	bool need_key = false;
	bool given = false;
	char uid[UNIQUE_ID_MAX + 1];
	char new_uid[UNIQUE_ID_MAX + 1];
	struct kept kept = {NULL, 0, 0};
	uint8_t *blob = NULL;
	size_t blob_len = 0;
	sqlite3_stmt *s = NULL;

	if (st == NULL)
		return CKR_ARGUMENTS_BAD;
	rv = check_attrs_list(attrs, n, &need_key);
	if (rv != CKR_OK)
		return rv;
	if (need_key && key == NULL)
		return CKR_USER_NOT_LOGGED_IN;
	rv = object_identity(attrs, n, new_uid, &given);
	if (rv != CKR_OK)
		return rv;
	mcx_store_lock(st);
	rv = mcx_store_begin(st);
	if (rv != CKR_OK)
		goto out;
	rv = load_old_locked(st, id, attrs, n, uid, &kept);
	if (rv != CKR_OK)
		goto out;
	/* CKA_UNIQUE_ID never changes (PKCS#11 3.0 4.4.1) */
	if (given && strcmp(uid, new_uid) != 0) {
		rv = CKR_ATTRIBUTE_READ_ONLY;
		goto out;
	}
	rv = build_blob(st, key, uid, attrs, n, &kept, &blob, &blob_len);
	if (rv != CKR_OK)
		goto out;
	s = mcx_store_stmt(st, STMT_OBJ_UPDATE);
	if (s == NULL) {
		rv = mcx_store_rv(sqlite3_errcode(st->db));
		goto out;
	}
	sqlite3_bind_int64(s, 1, id);
	rv = write_row_locked(st, s, attrs, n, blob, blob_len);
	if (rv != CKR_OK)
		goto out;
	rv = mcx_store_commit(st);
out:
	mcx_store_stmt_done(s);
	if (rv != CKR_OK)
		mcx_store_rollback(st);
	mcx_store_unlock(st);
	free(kept.entries); /* ciphertext only */
	free(blob);
	return rv;
}

CK_RV mcx_store_object_delete(struct mcx_store *st, mcx_store_id id)
{
	CK_RV rv = CKR_OK;
	sqlite3_stmt *s = NULL;
	int rc = SQLITE_OK;

	if (st == NULL)
		return CKR_ARGUMENTS_BAD;
	mcx_store_lock(st);
	rv = mcx_store_begin(st);
	if (rv != CKR_OK)
		goto out;
	s = mcx_store_stmt(st, STMT_OBJ_DELETE);
	if (s == NULL) {
		rv = mcx_store_rv(sqlite3_errcode(st->db));
		goto out;
	}
	sqlite3_bind_int64(s, 1, id);
	rc = sqlite3_step(s);
	if (rc != SQLITE_DONE) {
		rv = mcx_store_rv(rc);
		goto out;
	}
	if (sqlite3_changes(st->db) == 0) {
		rv = CKR_OBJECT_HANDLE_INVALID;
		goto out;
	}
	rv = mcx_store_bump_generation_locked(st);
	if (rv != CKR_OK)
		goto out;
	rv = mcx_store_commit(st);
out:
	mcx_store_stmt_done(s);
	if (rv != CKR_OK)
		mcx_store_rollback(st);
	mcx_store_unlock(st);
	return rv;
}

CK_RV mcx_store_object_load(struct mcx_store *st,
			    const struct mcx_master_key *key, mcx_store_id id,
			    struct mcx_store_attr **attrs, size_t *n)
{
	CK_RV rv = CKR_OK;
	sqlite3_stmt *s = NULL;
	int rc = SQLITE_OK;
	int uid_len = 0;
	char uid[UNIQUE_ID_MAX + 1];

	if (st == NULL || attrs == NULL || n == NULL)
		return CKR_ARGUMENTS_BAD;
	*attrs = NULL;
	*n = 0;
	mcx_store_lock(st);
	s = mcx_store_stmt(st, STMT_OBJ_LOAD);
	if (s == NULL) {
		rv = mcx_store_rv(sqlite3_errcode(st->db));
		goto out;
	}
	sqlite3_bind_int64(s, 1, id);
	rc = sqlite3_step(s);
	if (rc != SQLITE_ROW) {
		rv = rc == SQLITE_DONE ? CKR_OBJECT_HANDLE_INVALID
				       : mcx_store_rv(rc);
		goto out;
	}
	uid_len = sqlite3_column_bytes(s, 0);
	if (uid_len <= 0 || uid_len > (int)UNIQUE_ID_MAX) {
		rv = CKR_DEVICE_ERROR;
		goto out;
	}
	memcpy(uid, sqlite3_column_text(s, 0), (size_t)uid_len);
	uid[uid_len] = '\0';
	rv = parse_blob(st, key, uid, sqlite3_column_blob(s, 1),
			(size_t)sqlite3_column_bytes(s, 1), attrs, n);
out:
	mcx_store_stmt_done(s);
	mcx_store_unlock(st);
	return rv;
}
