/*
 * The operation state that C_EncryptInit/C_DecryptInit (ops_crypt.c) and
 * C_SignInit/C_VerifyInit (ops_sign.c) share: one Init path, written once.
 * PKCS#11 3.0 §5.8, §5.9, §5.11, §5.12 give the four Init calls the same
 * rules (CKR_OPERATION_ACTIVE for a second Init, CKR_MECHANISM_INVALID
 * for a mechanism without the function, the key's usage flag, the
 * operation kept until its final step); only the handler family differs.
 */
#ifndef MCX_TOKEN_OPS_OP_H
#define MCX_TOKEN_OPS_OP_H

#include <stdbool.h>

#include "token/ops_internal.h"

/* A handler's two ends, alike for struct mcx_cipher_ops and struct
 * mcx_sign_ops (init gets encrypt or sign as dir). */
struct mcx_ops_op_handler {
	CK_RV(*init)
	(const CK_MECHANISM *mech, struct mcx_object *key, bool dir,
	 void **ctx);
	void (*free)(void *ctx);
};

/* One kind of operation as its Init call sees it. */
struct mcx_ops_op_kind {
	const char *fn;		 /* the Init entry point, for the audit */
	enum mcx_op_kind kind;	 /* MCX_OP_ENCRYPT, ... */
	CK_FLAGS flag;		 /* the row's CKF_ENCRYPT, CKF_SIGN, ... */
	CK_ATTRIBUTE_TYPE usage; /* the key's CKA_ENCRYPT, CKA_SIGN, ... */
	bool dir;		 /* the handler's encrypt / sign argument */
	/* The row's handler of this family; false if it has none. */
	bool (*handler)(const struct mcx_mech *row,
			struct mcx_ops_op_handler *h);
};

/* An active operation: the mechanism's row, the handler's context and
 * whether C_*Update was called (then the one-shot call is refused). */
struct mcx_ops_op {
	const struct mcx_mech *row;
	void *hctx;
	void (*hfree)(void *hctx);
	bool multi;
};

/* C_*Init: session, mechanism row, operation key (mcx_ops_mech_key, which
 * audits its refusals), the handler's init (a refusal audited here) and
 * the session's operation of k->kind. */
CK_RV mcx_ops_op_init(CK_SESSION_HANDLE h, CK_MECHANISM_PTR mech,
		      CK_OBJECT_HANDLE hkey, const struct mcx_ops_op_kind *k);

/* The active operation of kind, or the CK_RV why not (not initialised, or
 * a context-specific login is due: the operation, if any, stays). */
CK_RV mcx_ops_op_get(struct mcx_session *s, enum mcx_op_kind kind,
		     struct mcx_ops_op **op);

#endif
