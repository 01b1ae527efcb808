/*
 * C_EncryptInit ... C_DecryptFinal for every mechanism with a cipher
 * handler.  The rules of PKCS#11 3.0 §5.8-5.9 live here, once: an active
 * operation refuses a second Init (CKR_OPERATION_ACTIVE); a NULL output
 * buffer is a size query and CKR_BUFFER_TOO_SMALL keeps the operation;
 * every other outcome of C_Encrypt / C_*Final, and every error of
 * C_*Update, ends it.
 */
#include "config.h"

#include <stdlib.h>

#include "token/entry.h"
#include "token/ops_internal.h"

struct crypt_op {
	const struct mcx_mech *row;
	void *hctx;
	bool multi; /* C_*Update was called: C_Encrypt/C_Decrypt refused */
};

static void crypt_op_free(void *p)
{
	struct crypt_op *op = p;

	if (op == NULL)
		return;
	if (op->hctx != NULL)
		op->row->cipher->free(op->hctx);
	free(op);
}

static CK_RV crypt_init(CK_SESSION_HANDLE h, CK_MECHANISM_PTR mech,
			CK_OBJECT_HANDLE hkey, bool encrypt)
{
	const char *fn = encrypt ? "C_EncryptInit" : "C_DecryptInit";
	enum mcx_op_kind kind = encrypt ? MCX_OP_ENCRYPT : MCX_OP_DECRYPT;
	struct mcx_session *s = NULL;
	struct mcx_object *key = NULL;
	struct crypt_op *op = NULL;
	const struct mcx_mech *row = NULL;
	CK_RV rv = mcx_session_acquire(h, &s);

	if (rv != CKR_OK)
		return rv;
	if (mech == NULL) {
		rv = CKR_ARGUMENTS_BAD;
		goto out;
	}
	if (mcx_session_op_active(s, kind)) {
		rv = CKR_OPERATION_ACTIVE;
		goto out;
	}
	row = mcx_ops_mech_find(mech->mechanism);
	if (row == NULL || row->cipher == NULL ||
	    !(row->flags & (encrypt ? CKF_ENCRYPT : CKF_DECRYPT))) {
		rv = CKR_MECHANISM_INVALID;
		goto out;
	}
	rv = mcx_ops_mech_key(s, fn, row, hkey,
			      encrypt ? CKA_ENCRYPT : CKA_DECRYPT, &key);
	if (rv != CKR_OK)
		goto out;
	op = calloc(1, sizeof(*op));
	if (op == NULL) {
		rv = CKR_HOST_MEMORY;
		goto out;
	}
	op->row = row;
	rv = row->cipher->init(mech, key, encrypt, &op->hctx);
	if (rv != CKR_OK) {
		mcx_audit(s, fn, row->type, key, rv);
		goto out;
	}
	rv = mcx_session_op_start(s, kind, row->type, key, op, crypt_op_free);
	if (rv == CKR_OK)
		op = NULL;
out:
	crypt_op_free(op);
	mcx_object_put(key);
	mcx_session_release(s);
	return rv;
}

/* The active operation of kind, or the CK_RV why not. */
static CK_RV get_op(struct mcx_session *s, enum mcx_op_kind kind,
		    struct crypt_op **op)
{
	void *ctx = NULL;
	CK_RV rv = mcx_session_op_get(s, kind, &ctx, NULL);

	*op = ctx;
	return rv;
}

enum step { STEP_ONESHOT, STEP_UPDATE, STEP_FINAL };

static CK_RV crypt_step(CK_SESSION_HANDLE h, bool encrypt, enum step step,
			const CK_BYTE *in, CK_ULONG in_len, CK_BYTE *out,
			CK_ULONG *out_len)
{
	enum mcx_op_kind kind = encrypt ? MCX_OP_ENCRYPT : MCX_OP_DECRYPT;
	struct mcx_session *s = NULL;
	struct crypt_op *op = NULL;
	const struct mcx_cipher_ops *c = NULL;
	CK_ULONG need = 0;
	bool produce = false, end = true;
	CK_RV rv = mcx_session_acquire(h, &s);

	if (rv != CKR_OK)
		return rv;
	rv = get_op(s, kind, &op);
	if (rv != CKR_OK) {
		/* Not initialised, or a context-specific login is due: the
		 * operation (if any) stays. */
		end = false;
		goto out;
	}
	c = op->row->cipher;
	if (out_len == NULL || (in == NULL && in_len > 0)) {
		rv = CKR_ARGUMENTS_BAD;
		goto out;
	}
	if (step == STEP_ONESHOT && op->multi) {
		/* §5.8: C_Encrypt cannot finish a multi-part operation. */
		rv = CKR_OPERATION_ACTIVE;
		end = false;
		goto out;
	}
	switch (step) {
	case STEP_ONESHOT:
		rv = c->oneshot_len(op->hctx, in_len, &need);
		break;
	case STEP_UPDATE:
		rv = c->update_len(op->hctx, in_len, &need);
		break;
	case STEP_FINAL:
		rv = c->final_len(op->hctx, &need);
		break;
	}
	if (rv != CKR_OK)
		goto out;
	rv = mcx_ops_mech_out_len(out, out_len, need, &produce);
	if (!produce) {
		/* A size query or a short buffer: the operation goes on. */
		end = false;
		goto out;
	}
	switch (step) {
	case STEP_ONESHOT:
		rv = c->oneshot(op->hctx, in, in_len, out, out_len);
		break;
	case STEP_UPDATE:
		rv = c->update(op->hctx, in, in_len, out, out_len);
		op->multi = true;
		end = rv != CKR_OK;
		break;
	case STEP_FINAL:
		rv = c->final(op->hctx, out, out_len);
		break;
	}
out:
	if (end && op != NULL)
		mcx_session_op_end(s, kind);
	mcx_session_release(s);
	return rv;
}

CK_RV mcx_C_EncryptInit(CK_SESSION_HANDLE session, CK_MECHANISM_PTR mechanism,
			CK_OBJECT_HANDLE key)
{
	return crypt_init(session, mechanism, key, true);
}

CK_RV mcx_C_Encrypt(CK_SESSION_HANDLE session, CK_BYTE_PTR data,
		    CK_ULONG data_len, CK_BYTE_PTR encrypted_data,
		    CK_ULONG_PTR encrypted_data_len)
{
	return crypt_step(session, true, STEP_ONESHOT, data, data_len,
			  encrypted_data, encrypted_data_len);
}

CK_RV mcx_C_EncryptUpdate(CK_SESSION_HANDLE session, CK_BYTE_PTR part,
			  CK_ULONG part_len, CK_BYTE_PTR encrypted_part,
			  CK_ULONG_PTR encrypted_part_len)
{
	return crypt_step(session, true, STEP_UPDATE, part, part_len,
			  encrypted_part, encrypted_part_len);
}

CK_RV mcx_C_EncryptFinal(CK_SESSION_HANDLE session,
			 CK_BYTE_PTR last_encrypted_part,
			 CK_ULONG_PTR last_encrypted_part_len)
{
	return crypt_step(session, true, STEP_FINAL, NULL, 0,
			  last_encrypted_part, last_encrypted_part_len);
}

CK_RV mcx_C_DecryptInit(CK_SESSION_HANDLE session, CK_MECHANISM_PTR mechanism,
			CK_OBJECT_HANDLE key)
{
	return crypt_init(session, mechanism, key, false);
}

CK_RV mcx_C_Decrypt(CK_SESSION_HANDLE session, CK_BYTE_PTR encrypted_data,
		    CK_ULONG encrypted_data_len, CK_BYTE_PTR data,
		    CK_ULONG_PTR data_len)
{
	return crypt_step(session, false, STEP_ONESHOT, encrypted_data,
			  encrypted_data_len, data, data_len);
}

CK_RV mcx_C_DecryptUpdate(CK_SESSION_HANDLE session, CK_BYTE_PTR encrypted_part,
			  CK_ULONG encrypted_part_len, CK_BYTE_PTR part,
			  CK_ULONG_PTR part_len)
{
	return crypt_step(session, false, STEP_UPDATE, encrypted_part,
			  encrypted_part_len, part, part_len);
}

CK_RV mcx_C_DecryptFinal(CK_SESSION_HANDLE session, CK_BYTE_PTR last_part,
			 CK_ULONG_PTR last_part_len)
{
	return crypt_step(session, false, STEP_FINAL, NULL, 0, last_part,
			  last_part_len);
}
