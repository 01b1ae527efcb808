/*
 * C_SignInit ... C_VerifyFinal for every mechanism with a sign handler
 * (PKCS#11 3.0 §5.11-5.12), and the recover variants, which no mechanism
 * of ours supports.  Same operation-state rules as ops_crypt.c; C_Verify
 * and C_VerifyFinal always end the operation (there is no size query).
 */
#include "config.h"

#include "token/entry.h"
#include "token/ops_internal.h"
#include "token/ops_op.h"

static bool sign_handler(const struct mcx_mech *row,
			 struct mcx_ops_op_handler *h)
{
	if (row->sign == NULL)
		return false;
	h->init = row->sign->init;
	h->free = row->sign->free;
	return true;
}

static const struct mcx_ops_op_kind sign_kind = {
    "C_SignInit", MCX_OP_SIGN, CKF_SIGN, CKA_SIGN, true, sign_handler};
static const struct mcx_ops_op_kind verify_kind = {
    "C_VerifyInit", MCX_OP_VERIFY, CKF_VERIFY, CKA_VERIFY, false, sign_handler};

enum step { STEP_ONESHOT, STEP_UPDATE, STEP_FINAL };

/* One step of a sign (sig_out/sig_out_len) or verify (sig_in/sig_in_len)
 * operation. */
static CK_RV sign_step(CK_SESSION_HANDLE h, bool sign, enum step step,
		       const CK_BYTE *data, CK_ULONG data_len, CK_BYTE *sig_out,
		       CK_ULONG *sig_out_len, const CK_BYTE *sig_in,
		       CK_ULONG sig_in_len)
{
	enum mcx_op_kind kind = sign ? MCX_OP_SIGN : MCX_OP_VERIFY;
	struct mcx_session *s = NULL;
	struct mcx_ops_op *op = NULL;
	const struct mcx_sign_ops *ops = NULL;
	bool produce = false, end = true;
	CK_RV rv = mcx_session_acquire(h, &s);

	if (rv != CKR_OK)
		return rv;
	rv = mcx_ops_op_get(s, kind, &op);
	if (rv != CKR_OK) {
		end = false;
		goto out;
	}
	ops = op->row->sign;
	if ((data == NULL && data_len > 0) ||
	    (sign && step != STEP_UPDATE && sig_out_len == NULL) ||
	    (!sign && step != STEP_UPDATE && sig_in == NULL)) {
		rv = CKR_ARGUMENTS_BAD;
		goto out;
	}
	if (step == STEP_ONESHOT && op->multi) {
		rv = CKR_OPERATION_ACTIVE;
		end = false;
		goto out;
	}
	if (step == STEP_UPDATE && !ops->multi_part) {
		/* e.g. CKM_ECDSA: single-part only (§2.3.6). */
		rv = CKR_FUNCTION_NOT_SUPPORTED;
		goto out;
	}
	if (sign && step != STEP_UPDATE) {
		rv = mcx_ops_mech_out_len(sig_out, sig_out_len,
					  ops->sig_len(op->hctx), &produce);
		if (!produce) {
			end = false;
			goto out;
		}
	}
	if (step != STEP_FINAL) {
		rv = ops->update(op->hctx, data, data_len);
		if (rv != CKR_OK)
			goto out;
	}
	if (step == STEP_UPDATE) {
		op->multi = true;
		end = false;
		goto out;
	}
	if (sign) {
		rv = ops->sign(op->hctx, sig_out);
		if (rv == CKR_OK)
			*sig_out_len = ops->sig_len(op->hctx);
	} else {
		rv = ops->verify(op->hctx, sig_in, sig_in_len);
	}
out:
	if (end && op != NULL)
		mcx_session_op_end(s, kind);
	mcx_session_release(s);
	return rv;
}

CK_RV mcx_C_SignInit(CK_SESSION_HANDLE session, CK_MECHANISM_PTR mechanism,
		     CK_OBJECT_HANDLE key)
{
	return mcx_ops_op_init(session, mechanism, key, &sign_kind);
}

CK_RV mcx_C_Sign(CK_SESSION_HANDLE session, CK_BYTE_PTR data, CK_ULONG data_len,
		 CK_BYTE_PTR signature, CK_ULONG_PTR signature_len)
{
	return sign_step(session, true, STEP_ONESHOT, data, data_len, signature,
			 signature_len, NULL, 0);
}

CK_RV mcx_C_SignUpdate(CK_SESSION_HANDLE session, CK_BYTE_PTR part,
		       CK_ULONG part_len)
{
	return sign_step(session, true, STEP_UPDATE, part, part_len, NULL, NULL,
			 NULL, 0);
}

CK_RV mcx_C_SignFinal(CK_SESSION_HANDLE session, CK_BYTE_PTR signature,
		      CK_ULONG_PTR signature_len)
{
	return sign_step(session, true, STEP_FINAL, NULL, 0, signature,
			 signature_len, NULL, 0);
}

CK_RV mcx_C_VerifyInit(CK_SESSION_HANDLE session, CK_MECHANISM_PTR mechanism,
		       CK_OBJECT_HANDLE key)
{
	return mcx_ops_op_init(session, mechanism, key, &verify_kind);
}

CK_RV mcx_C_Verify(CK_SESSION_HANDLE session, CK_BYTE_PTR data,
		   CK_ULONG data_len, CK_BYTE_PTR signature,
		   CK_ULONG signature_len)
{
	return sign_step(session, false, STEP_ONESHOT, data, data_len, NULL,
			 NULL, signature, signature_len);
}

CK_RV mcx_C_VerifyUpdate(CK_SESSION_HANDLE session, CK_BYTE_PTR part,
			 CK_ULONG part_len)
{
	return sign_step(session, false, STEP_UPDATE, part, part_len, NULL,
			 NULL, NULL, 0);
}

CK_RV mcx_C_VerifyFinal(CK_SESSION_HANDLE session, CK_BYTE_PTR signature,
			CK_ULONG signature_len)
{
	return sign_step(session, false, STEP_FINAL, NULL, 0, NULL, NULL,
			 signature, signature_len);
}

/* No mechanism of ours has CKF_SIGN_RECOVER / CKF_VERIFY_RECOVER, so the
 * Init calls refuse every mechanism and no recover operation ever starts. */
static CK_RV recover_init(CK_SESSION_HANDLE h, CK_MECHANISM_PTR mech,
			  enum mcx_op_kind kind)
{
	struct mcx_session *s = NULL;
	CK_RV rv = mcx_session_acquire(h, &s);

	if (rv != CKR_OK)
		return rv;
	if (mech == NULL)
		rv = CKR_ARGUMENTS_BAD;
	else if (mcx_session_op_active(s, kind))
		rv = CKR_OPERATION_ACTIVE;
	else
		rv = CKR_MECHANISM_INVALID;
	mcx_session_release(s);
	return rv;
}

static CK_RV recover_step(CK_SESSION_HANDLE h, enum mcx_op_kind kind)
{
	struct mcx_session *s = NULL;
	void *ctx = NULL;
	CK_RV rv = mcx_session_acquire(h, &s);

	if (rv != CKR_OK)
		return rv;
	rv = mcx_session_op_get(s, kind, &ctx, NULL);
	if (rv == CKR_OK) {
		/* Unreachable while no mechanism supports recovery. */
		mcx_session_op_end(s, kind);
		rv = CKR_FUNCTION_FAILED;
	}
	mcx_session_release(s);
	return rv;
}

CK_RV mcx_C_SignRecoverInit(CK_SESSION_HANDLE session,
			    CK_MECHANISM_PTR mechanism, CK_OBJECT_HANDLE key)
{
	(void)key;
	return recover_init(session, mechanism, MCX_OP_SIGN_RECOVER);
}

CK_RV mcx_C_SignRecover(CK_SESSION_HANDLE session, CK_BYTE_PTR data,
			CK_ULONG data_len, CK_BYTE_PTR signature,
			CK_ULONG_PTR signature_len)
{
	(void)data;
	(void)data_len;
	(void)signature;
	(void)signature_len;
	return recover_step(session, MCX_OP_SIGN_RECOVER);
}

CK_RV mcx_C_VerifyRecoverInit(CK_SESSION_HANDLE session,
			      CK_MECHANISM_PTR mechanism, CK_OBJECT_HANDLE key)
{
	(void)key;
	return recover_init(session, mechanism, MCX_OP_VERIFY_RECOVER);
}

CK_RV mcx_C_VerifyRecover(CK_SESSION_HANDLE session, CK_BYTE_PTR signature,
			  CK_ULONG signature_len, CK_BYTE_PTR data,
			  CK_ULONG_PTR data_len)
{
	(void)signature;
	(void)signature_len;
	(void)data;
	(void)data_len;
	return recover_step(session, MCX_OP_VERIFY_RECOVER);
}
