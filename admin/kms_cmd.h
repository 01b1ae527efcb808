/*
 * What the `kms` commands' files share (admin/kms_cmd*.c): looking up the
 * TrK and the KMS objects in the token.  Secret values never pass through
 * here: keys are named by handle.
 *
 *   kms_cmd_import.c  kms import (Annex D XML into the token)
 *   kms_cmd_keys.c    the token objects of one import: templates, unwrap
 *   kms_cmd.c         kms create | certificate | issue (KMS role)
 *   kms_xml_write.c   the KmsInit / KmsKeyProv XML the KMS role writes
 */
#ifndef MCX_ADMIN_KMS_CMD_H
#define MCX_ADMIN_KMS_CMD_H

#include "admin/internal.h"

/* A TrK (CKK_AES secret key with CKA_UNWRAP or CKA_WRAP) whose CKA_LABEL is
 * name, or whose CKA_ID is name's octets or name read as hex.  Sets *key
 * and *len (octets); *key = CK_INVALID_HANDLE when there is none or more
 * than one (*count says how many).  Fails only on a PKCS#11 error. */
int mcx_kms_cmd_find_trk(struct mcx_admin *ad, CK_SESSION_HANDLE session,
			 const char *name, CK_ATTRIBUTE_TYPE usage,
			 CK_OBJECT_HANDLE *key, CK_ULONG *len, size_t *count);

/* The public CKK_MCX_SAKKE (Z_T) and CKK_MCX_ECCSI (KPAK) objects of the
 * KMS kms_uri as the token holds them (token objects only). */
struct mcx_kms_cmd_cert {
	CK_OBJECT_HANDLE sakke, eccsi;
	CK_ULONG period, offset;
	bool revoked;
};
/* *found = false when the token has no SAKKE public key for kms_uri. */
int mcx_kms_cmd_find_cert(struct mcx_admin *ad, CK_SESSION_HANDLE session,
			  const char *kms_uri, struct mcx_kms_cmd_cert *cert,
			  bool *found);

/* A secret key of type kt allowing usage, named by CKA_LABEL, CKA_ID or
 * CKA_ID in hex (ds:KeyName, TrK-ID); *key only when exactly one. */
int mcx_kms_cmd_find_key(struct mcx_admin *ad, CK_SESSION_HANDLE session,
			 const char *name, CK_KEY_TYPE kt,
			 CK_ATTRIBUTE_TYPE usage, CK_OBJECT_HANDLE *key,
			 size_t *count);

/* ---- kms import (kms_cmd_import.c, kms_cmd_keys.c) ---------------------- */
struct mcx_kms_import {
	struct mcx_admin *ad;
	CK_SESSION_HANDLE session;
	const char *trk_label, *ink_label;
	bool uid_as_text, require_signature;
	/* the file being imported */
	const char *file;
	const char *doc_trk_id; /* the response's TrK-ID, if any */
	char *error;		/* its first failure, "path: why" */
	char sig_note[160];	/* why the InK check failed, if it did */
	/* its transaction: staged session objects, revocations */
	CK_OBJECT_HANDLE *staged, *revoke, *checked;
	size_t n_staged, cap_staged, n_revoke, cap_revoke, n_checked,
	    cap_checked;
	/* staging a key set the token has already: validated, not copied */
	bool check_only;
};

/* Record "path: why" as the file's failure (printed by the caller);
 * returns MCX_EXIT_FAIL. */
int mcx_kms_import_fail(struct mcx_kms_import *imp, const char *path,
			const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Add a session object to the file's transaction (with check_only, to the
 * objects destroyed at its end). */
int mcx_kms_import_stage(struct mcx_kms_import *imp, CK_OBJECT_HANDLE obj);

struct mcx_kms_xml_keyset;
/* Stage the key set's RSK and SSK/PVT objects (kms_cmd_keys.c). */
int mcx_kms_cmd_stage_keyset(struct mcx_kms_import *imp,
			     const struct mcx_kms_xml_keyset *ks,
			     CK_ULONG valid_from, CK_ULONG valid_to);

#endif /* MCX_ADMIN_KMS_CMD_H */
