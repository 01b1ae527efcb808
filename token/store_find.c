/*
 * Finds in the SQLite store (mcx_store_object_find): the indexed
 * attributes are columns of the objects table (written by store_object.c
 * through the table below), and a find narrows by the ones its template
 * names with one cached statement per set of columns, so a find among
 * 100,000 objects reads only its candidates' row ids.
 */
#include "token/store_internal.h"

#include <mcxhsm/pkcs11-mcx.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The indexed columns, in find-bit order.  param = the SQL parameter number
 * in STMT_OBJ_INSERT / STMT_OBJ_UPDATE and in built find statements. */
const struct mcx_store_index_col mcx_store_index_cols[MCX_STORE_FIND_COLUMNS] =
    {
	{CKA_UNIQUE_ID, "unique_id", MCX_COL_TEXT, 1},
	{CKA_CLASS, "class", MCX_COL_ULONG, 2},
	{CKA_KEY_TYPE, "key_type", MCX_COL_ULONG, 3},
	{CKA_ID, "cka_id", MCX_COL_BLOB, 4},
	{CKA_LABEL, "label", MCX_COL_BLOB, 5},
	{CKA_MCX_KEY_ID, "mcx_key_id", MCX_COL_BLOB, 6},
	{CKA_MCX_UK_ID, "mcx_uk_id", MCX_COL_BLOB, 7},
	{CKA_MCX_USER_URI, "user_uri", MCX_COL_BLOB, 8},
	{CKA_MCX_KMS_URI, "kms_uri", MCX_COL_BLOB, 9},
	{CKA_PRIVATE, "private", MCX_COL_BOOL, 10},
};

int mcx_store_index_col(CK_ATTRIBUTE_TYPE type)
{
	for (int i = 0; i < MCX_STORE_FIND_COLUMNS; i++)
		if (mcx_store_index_cols[i].type == type)
			return i;
	return -1;
}

/* The find statement for one set of columns, built and cached on first
 * use.  Parameters keep their column's number, so binding needs no map. */
static sqlite3_stmt *find_stmt(struct mcx_store *st, unsigned mask)
{
	char sql[512];
	size_t off = 0;

	if (st->find_stmt[mask] != NULL)
		return st->find_stmt[mask];
	off = (size_t)snprintf(sql, sizeof(sql),
			       "SELECT id FROM objects WHERE 1");
	for (int c = 0; c < MCX_STORE_FIND_COLUMNS; c++)
		if (mask & (1u << c))
			off += (size_t)snprintf(sql + off, sizeof(sql) - off,
						" AND %s = ?%d",
						mcx_store_index_cols[c].column,
						mcx_store_index_cols[c].param);
	snprintf(sql + off, sizeof(sql) - off, " ORDER BY id");
	if (sqlite3_prepare_v3(st->db, sql, -1, SQLITE_PREPARE_PERSISTENT,
			       &st->find_stmt[mask], NULL) != SQLITE_OK)
		return NULL;
	return st->find_stmt[mask];
}

/* Whether a template value can match any stored column value at all. */
static bool value_matchable(int c, const CK_ATTRIBUTE *a)
{
	switch (mcx_store_index_cols[c].kind) {
	case MCX_COL_ULONG:
		return a->ulValueLen == sizeof(CK_ULONG);
	case MCX_COL_BOOL:
		return a->ulValueLen == sizeof(CK_BBOOL);
	case MCX_COL_TEXT:
		return a->ulValueLen > 0 &&
		       a->ulValueLen <= MCX_STORE_UNIQUE_ID_MAX;
	default:
		return a->ulValueLen <= 0x7fffffffu;
	}
}

CK_RV mcx_store_object_find(struct mcx_store *st, const CK_ATTRIBUTE *tmpl,
			    size_t n, mcx_store_id **ids, size_t *count)
{
	CK_RV rv = CKR_OK;
	const CK_ATTRIBUTE *by_col[MCX_STORE_FIND_COLUMNS] = {NULL};
	unsigned mask = 0;
	sqlite3_stmt *s = NULL;
	mcx_store_id *list = NULL;
	size_t cap = 0;
	size_t len = 0;
	int rc = SQLITE_OK;

	if (st == NULL || ids == NULL || count == NULL || (n > 0 && !tmpl))
		return CKR_ARGUMENTS_BAD;
	*ids = NULL;
	*count = 0;
	for (size_t i = 0; i < n; i++) {
		int c = mcx_store_index_col(tmpl[i].type);

		if (tmpl[i].ulValueLen > 0 && tmpl[i].pValue == NULL)
			return CKR_ARGUMENTS_BAD;
		if (tmpl[i].type == CKA_TOKEN) {
			/* every stored object is a token object */
			if (tmpl[i].ulValueLen != sizeof(CK_BBOOL) ||
			    *(CK_BBOOL *)tmpl[i].pValue == CK_FALSE)
				return CKR_OK;
			continue;
		}
		if (c < 0)
			continue;
		if (!value_matchable(c, &tmpl[i]))
			return CKR_OK; /* nothing can match */
		if (by_col[c] != NULL) {
			/* the same type twice: both must hold */
			if (by_col[c]->ulValueLen != tmpl[i].ulValueLen ||
			    (tmpl[i].ulValueLen > 0 &&
			     memcmp(by_col[c]->pValue, tmpl[i].pValue,
				    tmpl[i].ulValueLen) != 0))
				return CKR_OK;
			continue;
		}
		by_col[c] = &tmpl[i];
		mask |= 1u << c;
	}
	mcx_store_lock(st);
	s = find_stmt(st, mask);
	if (s == NULL) {
		rv = mcx_store_rv(sqlite3_errcode(st->db));
		goto out;
	}
	for (int c = 0; c < MCX_STORE_FIND_COLUMNS; c++) {
		const CK_ATTRIBUTE *a = by_col[c];
		int param = mcx_store_index_cols[c].param;
		CK_ULONG v = 0;

		if (a == NULL)
			continue;
		switch (mcx_store_index_cols[c].kind) {
		case MCX_COL_ULONG:
			memcpy(&v, a->pValue, sizeof(v));
			sqlite3_bind_int64(s, param, (int64_t)v);
			break;
		case MCX_COL_BOOL:
			sqlite3_bind_int(s, param,
					 *(CK_BBOOL *)a->pValue != CK_FALSE);
			break;
		case MCX_COL_TEXT:
			sqlite3_bind_text(s, param, a->pValue,
					  (int)a->ulValueLen, SQLITE_STATIC);
			break;
		default:
			if (a->ulValueLen == 0)
				sqlite3_bind_zeroblob(s, param, 0);
			else
				sqlite3_bind_blob(s, param, a->pValue,
						  (int)a->ulValueLen,
						  SQLITE_STATIC);
			break;
		}
	}
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (len == cap) {
			size_t ncap = cap ? 2 * cap : 16;
			mcx_store_id *nl = realloc(list, ncap * sizeof(*nl));

			if (nl == NULL) {
				rv = CKR_HOST_MEMORY;
				goto out;
			}
			list = nl;
			cap = ncap;
		}
		list[len++] = sqlite3_column_int64(s, 0);
	}
	if (rc != SQLITE_DONE) {
		rv = mcx_store_rv(rc);
		goto out;
	}
	*ids = list;
	*count = len;
	list = NULL;
out:
	mcx_store_stmt_done(s);
	mcx_store_unlock(st);
	free(list);
	return rv;
}
