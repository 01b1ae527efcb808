/*
 * C_DigestInit ... C_DigestFinal (PKCS#11 3.0 §5.10) with CKM_SHA256, and
 * C_DigestKey, which feeds a secret key's value into the digest.  Only
 * extractable secret keys may be digested: the hash of a key that must not
 * leave the token would be a stand-in for it (CKR_KEY_INDIGESTIBLE,
 * audited).
 */
#include "config.h"

#include <stdlib.h>

#include "mechanisms/digest.h"
#include "token/entry.h"
#include "token/ops_internal.h"

struct digest_op {
	struct mcx_digest *d;
	bool multi;
};

static void digest_op_free(void *p)
{
	struct digest_op *op = p;

	if (op == NULL)
		return;
	mcx_digest_free(op->d);
	free(op);
}

CK_RV mcx_C_DigestInit(CK_SESSION_HANDLE session, CK_MECHANISM_PTR mechanism)
{
	struct mcx_session *s = NULL;
	struct digest_op *op = NULL;
	const struct mcx_mech *row = NULL;
	CK_RV rv = mcx_session_acquire(session, &s);

	if (rv != CKR_OK)
		return rv;
	if (mechanism == NULL) {
		rv = CKR_ARGUMENTS_BAD;
		goto out;
	}
	if (mcx_session_op_active(s, MCX_OP_DIGEST)) {
		rv = CKR_OPERATION_ACTIVE;
		goto out;
	}
	row = mcx_ops_mech_find(mechanism->mechanism);
	/* CKM_SHA256 is the one digest row. */
	if (row == NULL || !(row->flags & CKF_DIGEST) ||
	    row->type != CKM_SHA256) {
		rv = CKR_MECHANISM_INVALID;
		goto out;
	}
	if (mechanism->pParameter != NULL || mechanism->ulParameterLen != 0) {
		rv = CKR_MECHANISM_PARAM_INVALID;
		goto out;
	}
	op = calloc(1, sizeof(*op));
	if (op == NULL) {
		rv = CKR_HOST_MEMORY;
		goto out;
	}
	rv = mcx_ops_mech_ckr(mcx_digest_new(&op->d, NULL, 0));
	if (rv != CKR_OK)
		goto out;
	rv = mcx_session_op_start(s, MCX_OP_DIGEST, row->type, NULL, op,
				  digest_op_free);
	if (rv == CKR_OK)
		op = NULL;
out:
	digest_op_free(op);
	mcx_session_release(s);
	return rv;
}

/* The active digest, with the lock held on CKR_OK. */
static CK_RV get_op(CK_SESSION_HANDLE h, struct mcx_session **s,
		    struct digest_op **op)
{
	void *ctx = NULL;
	CK_RV rv = mcx_session_acquire(h, s);

	if (rv != CKR_OK)
		return rv;
	rv = mcx_session_op_get(*s, MCX_OP_DIGEST, &ctx, NULL);
	if (rv != CKR_OK) {
		mcx_session_release(*s);
		*s = NULL;
		return rv;
	}
	*op = ctx;
	return CKR_OK;
}

/* Produce the digest (or answer the size query) and end the operation
 * unless it was a size query or the buffer was short. */
static CK_RV finish(struct mcx_session *s, struct digest_op *op,
		    CK_BYTE *digest, CK_ULONG *digest_len)
{
	bool produce = false;
	CK_RV rv =
	    mcx_ops_mech_out_len(digest, digest_len, MCX_SHA256_LEN, &produce);

	if (!produce)
		return rv;
	rv = mcx_ops_mech_ckr(mcx_digest_final(op->d, digest));
	if (rv == CKR_OK)
		*digest_len = MCX_SHA256_LEN;
	mcx_session_op_end(s, MCX_OP_DIGEST);
	return rv;
}

CK_RV mcx_C_Digest(CK_SESSION_HANDLE session, CK_BYTE_PTR data,
		   CK_ULONG data_len, CK_BYTE_PTR digest,
		   CK_ULONG_PTR digest_len)
{
	struct mcx_session *s = NULL;
	struct digest_op *op = NULL;
	bool produce = false;
	CK_RV rv = get_op(session, &s, &op);

	if (rv != CKR_OK)
		return rv;
	if ((data == NULL && data_len > 0) || digest_len == NULL) {
		mcx_session_op_end(s, MCX_OP_DIGEST);
		rv = CKR_ARGUMENTS_BAD;
		goto out;
	}
	if (op->multi) {
		rv = CKR_OPERATION_ACTIVE;
		goto out;
	}
	/* Nothing may be consumed by a size query. */
	rv = mcx_ops_mech_out_len(digest, digest_len, MCX_SHA256_LEN, &produce);
	if (!produce)
		goto out;
	rv = mcx_ops_mech_ckr(mcx_digest_update(op->d, data, data_len));
	if (rv != CKR_OK) {
		mcx_session_op_end(s, MCX_OP_DIGEST);
		goto out;
	}
	rv = finish(s, op, digest, digest_len);
out:
	mcx_session_release(s);
	return rv;
}

CK_RV mcx_C_DigestUpdate(CK_SESSION_HANDLE session, CK_BYTE_PTR part,
			 CK_ULONG part_len)
{
	struct mcx_session *s = NULL;
	struct digest_op *op = NULL;
	CK_RV rv = get_op(session, &s, &op);

	if (rv != CKR_OK)
		return rv;
	rv = part == NULL && part_len > 0
		 ? CKR_ARGUMENTS_BAD
		 : mcx_ops_mech_ckr(mcx_digest_update(op->d, part, part_len));
	if (rv == CKR_OK)
		op->multi = true;
	else
		mcx_session_op_end(s, MCX_OP_DIGEST);
	mcx_session_release(s);
	return rv;
}

CK_RV mcx_C_DigestKey(CK_SESSION_HANDLE session, CK_OBJECT_HANDLE key)
{
	struct mcx_session *s = NULL;
	struct digest_op *op = NULL;
	struct mcx_object *obj = NULL;
	const uint8_t *value = NULL;
	size_t len = 0;
	CK_RV rv = get_op(session, &s, &op);

	if (rv != CKR_OK)
		return rv;
	rv = mcx_object_get(s, key, &obj);
	if (rv == CKR_OBJECT_HANDLE_INVALID)
		rv = CKR_KEY_HANDLE_INVALID;
	if (rv != CKR_OK)
		goto out;
	rv = mcx_object_check_use(obj, 0, CKM_SHA256);
	if (rv == CKR_OK && (mcx_object_class(obj) != CKO_SECRET_KEY ||
			     !mcx_object_bool(obj, CKA_EXTRACTABLE, false)))
		rv = CKR_KEY_INDIGESTIBLE;
	if (rv != CKR_OK) {
		mcx_audit(s, "C_DigestKey", CKM_SHA256, obj, rv);
		goto out;
	}
	rv = mcx_ops_mech_value(obj, &value, &len);
	if (rv == CKR_KEY_TYPE_INCONSISTENT)
		rv = CKR_KEY_INDIGESTIBLE;
	if (rv == CKR_OK)
		rv = mcx_ops_mech_ckr(mcx_digest_update(op->d, value, len));
	if (rv == CKR_OK)
		op->multi = true;
out:
	if (rv != CKR_OK)
		mcx_session_op_end(s, MCX_OP_DIGEST);
	mcx_object_put(obj);
	mcx_session_release(s);
	return rv;
}

CK_RV mcx_C_DigestFinal(CK_SESSION_HANDLE session, CK_BYTE_PTR digest,
			CK_ULONG_PTR digest_len)
{
	struct mcx_session *s = NULL;
	struct digest_op *op = NULL;
	CK_RV rv = get_op(session, &s, &op);

	if (rv != CKR_OK)
		return rv;
	if (digest_len == NULL) {
		mcx_session_op_end(s, MCX_OP_DIGEST);
		rv = CKR_ARGUMENTS_BAD;
	} else {
		rv = finish(s, op, digest, digest_len);
	}
	mcx_session_release(s);
	return rv;
}
