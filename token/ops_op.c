/*
 * The Init path and operation state shared by ops_crypt.c and ops_sign.c
 * (PKCS#11 3.0 §5.8-5.12; see ops_op.h).
 */
#include "config.h"

#include <stdlib.h>

#include "token/ops_op.h"

static void op_free(void *p)
{
	struct mcx_ops_op *op = p;

	if (op == NULL)
		return;
	if (op->hctx != NULL)
		op->hfree(op->hctx);
	free(op);
}

CK_RV mcx_ops_op_init(CK_SESSION_HANDLE h, CK_MECHANISM_PTR mech,
		      CK_OBJECT_HANDLE hkey, const struct mcx_ops_op_kind *k)
{
	struct mcx_session *s = NULL;
	struct mcx_object *key = NULL;
	struct mcx_ops_op *op = NULL;
	const struct mcx_mech *row = NULL;
	struct mcx_ops_op_handler hd = {NULL, NULL};
	CK_RV rv = mcx_session_acquire(h, &s);

	if (rv != CKR_OK)
		return rv;
	if (mech == NULL) {
		rv = CKR_ARGUMENTS_BAD;
		goto out;
	}
	if (mcx_session_op_active(s, k->kind)) {
		rv = CKR_OPERATION_ACTIVE;
		goto out;
	}
	row = mcx_ops_mech_find(mech->mechanism);
	if (row == NULL || !k->handler(row, &hd) || !(row->flags & k->flag)) {
		rv = CKR_MECHANISM_INVALID;
		goto out;
	}
	rv = mcx_ops_mech_key(s, k->fn, row, hkey, k->usage, &key);
	if (rv != CKR_OK)
		goto out;
	op = calloc(1, sizeof(*op));
	if (op == NULL) {
		rv = CKR_HOST_MEMORY;
		goto out;
	}
	op->row = row;
	op->hfree = hd.free;
	rv = hd.init(mech, key, k->dir, &op->hctx);
	if (rv != CKR_OK) {
		mcx_audit(s, k->fn, row->type, key, rv);
		goto out;
	}
	rv = mcx_session_op_start(s, k->kind, row->type, key, op, op_free);
	if (rv == CKR_OK)
		op = NULL;
out:
	op_free(op);
	mcx_object_put(key);
	mcx_session_release(s);
	return rv;
}

CK_RV mcx_ops_op_get(struct mcx_session *s, enum mcx_op_kind kind,
		     struct mcx_ops_op **op)
{
	void *ctx = NULL;
	CK_RV rv = mcx_session_op_get(s, kind, &ctx, NULL);

	*op = ctx;
	return rv;
}
