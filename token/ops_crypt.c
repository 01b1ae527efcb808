/*
 * C_EncryptInit ... C_DecryptFinal for every mechanism with a cipher
 * handler.  The rules of PKCS#11 3.0 §5.8-5.9 live here, once: an active
 * operation refuses a second Init (CKR_OPERATION_ACTIVE); a NULL output
 * buffer is a size query and CKR_BUFFER_TOO_SMALL keeps the operation;
 * every other outcome of C_Encrypt / C_*Final, and every error of
 * C_*Update, ends it.
 */
#include "config.h"

#include "token/entry.h"
#include "token/ops_internal.h"
#include "token/ops_op.h"

static bool cipher_handler(const struct mcx_mech *row,
			   struct mcx_ops_op_handler *h)
{
	if (row->cipher == NULL)
		return false;
	h->init = row->cipher->init;
	h->free = row->cipher->free;
	return true;
}

static const struct mcx_ops_op_kind encrypt_kind = {
    "C_EncryptInit", MCX_OP_ENCRYPT, CKF_ENCRYPT,
    CKA_ENCRYPT,     true,	     cipher_handler};
static const struct mcx_ops_op_kind decrypt_kind = {
    "C_DecryptInit", MCX_OP_DECRYPT, CKF_DECRYPT,
    CKA_DECRYPT,     false,	     cipher_handler};

enum step { STEP_ONESHOT, STEP_UPDATE, STEP_FINAL };

static CK_RV crypt_step(CK_SESSION_HANDLE h, bool encrypt, enum step step,
			const CK_BYTE *in, CK_ULONG in_len, CK_BYTE *out,
			CK_ULONG *out_len)
{
	enum mcx_op_kind kind = encrypt ? MCX_OP_ENCRYPT : MCX_OP_DECRYPT;
	struct mcx_session *s = NULL;
	struct mcx_ops_op *op = NULL;
	const struct mcx_cipher_ops *c = NULL;
	CK_ULONG need = 0;
	bool produce = false, end = true;
	CK_RV rv = mcx_session_acquire(h, &s);

	if (rv != CKR_OK)
		return rv;
	rv = mcx_ops_op_get(s, kind, &op);
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
	return mcx_ops_op_init(session, mechanism, key, &encrypt_kind);
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
	return mcx_ops_op_init(session, mechanism, key, &decrypt_kind);
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
