/*
 * The token side of a KMS import (TS 33.180 Annex D, MCX-REFERENCE §6.4
 * steps 2, 5, 6): finding the TrK / InK and a KMS's certificate objects,
 * and staging one key set as session objects.  An encrypted key element
 * goes to the token as it came (C_UnwrapKey with the TrK, decision b), a
 * clear one through C_CreateObject; the token validates the RSK (pairing)
 * and the SSK/PVT (against the KPAK) and recomputes the UID, so no secret
 * check happens here and no encrypted key is ever clear in this process.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "admin/kms_cmd.h"
#include "admin/kms_xml.h"

/* Every secret key of type kt allowing usage named name: by CKA_LABEL,
 * else by CKA_ID = name's octets, else by CKA_ID = name read as hex. */
int mcx_kms_cmd_find_key(struct mcx_admin *ad, CK_SESSION_HANDLE session,
			 const char *name, CK_KEY_TYPE kt,
			 CK_ATTRIBUTE_TYPE usage, CK_OBJECT_HANDLE *key,
			 size_t *count)
{
	CK_OBJECT_CLASS cls = CKO_SECRET_KEY;
	CK_BBOOL yes = CK_TRUE;
	CK_BYTE *id = NULL;
	size_t id_len = 0;
	CK_ATTRIBUTE tmpl[] = {
	    {CKA_CLASS, &cls, sizeof(cls)},
	    {CKA_KEY_TYPE, &kt, sizeof(kt)},
	    {usage, &yes, sizeof(yes)},
	    {CKA_LABEL, (void *)name, strlen(name)},
	};
	CK_OBJECT_HANDLE *h = NULL;
	size_t n = 0;
	int ret = MCX_EXIT_OK;

	*key = CK_INVALID_HANDLE;
	*count = 0;
	for (int pass = 0; pass < 3 && n == 0; pass++) {
		if (pass == 1)
			tmpl[3].type = CKA_ID;
		if (pass == 2) {
			if (!mcx_unhex(name, &id, &id_len))
				break;
			tmpl[3].pValue = id;
			tmpl[3].ulValueLen = id_len;
		}
		free(h);
		h = NULL;
		ret = mcx_p11_find(ad, session, tmpl, 4, &h, &n);
		if (ret != MCX_EXIT_OK)
			goto out;
	}
	*count = n;
	if (n == 1)
		*key = h[0];
out:
	free(h);
	free(id);
	return ret;
}

int mcx_kms_cmd_find_trk(struct mcx_admin *ad, CK_SESSION_HANDLE session,
			 const char *name, CK_ATTRIBUTE_TYPE usage,
			 CK_OBJECT_HANDLE *key, CK_ULONG *len, size_t *count)
{
	CK_ATTRIBUTE t = {CKA_VALUE_LEN, NULL, 0};
	int ret =
	    mcx_kms_cmd_find_key(ad, session, name, CKK_AES, usage, key, count);

	*len = 0;
	if (ret != MCX_EXIT_OK || *key == CK_INVALID_HANDLE)
		return ret;
	ret = mcx_p11_get_attrs(ad, session, *key, &t, 1);
	if (ret == MCX_EXIT_OK)
		(void)mcx_p11_attr_ulong(&t, 1, CKA_VALUE_LEN, len);
	mcx_p11_free_attrs(&t, 1);
	return ret;
}

/* The one token object of class cls and key type kt with attribute
 * (type, value, len), or CK_INVALID_HANDLE. */
static int find_one(struct mcx_admin *ad, CK_SESSION_HANDLE session,
		    CK_OBJECT_CLASS cls, CK_KEY_TYPE kt, CK_ATTRIBUTE_TYPE type,
		    const void *value, size_t len, CK_OBJECT_HANDLE *out)
{
	CK_BBOOL yes = CK_TRUE;
	CK_ATTRIBUTE tmpl[] = {
	    {CKA_CLASS, &cls, sizeof(cls)},
	    {CKA_KEY_TYPE, &kt, sizeof(kt)},
	    {CKA_TOKEN, &yes, sizeof(yes)},
	    {type, (void *)value, len},
	};
	CK_OBJECT_HANDLE *h = NULL;
	size_t n = 0;
	int ret = mcx_p11_find(ad, session, tmpl, 4, &h, &n);

	*out = ret == MCX_EXIT_OK && n > 0 ? h[0] : CK_INVALID_HANDLE;
	free(h);
	return ret;
}

int mcx_kms_cmd_find_cert(struct mcx_admin *ad, CK_SESSION_HANDLE session,
			  const char *kms_uri, struct mcx_kms_cmd_cert *cert,
			  bool *found)
{
	CK_ATTRIBUTE t[] = {{CKA_MCX_USER_KEY_PERIOD, NULL, 0},
			    {CKA_MCX_USER_KEY_OFFSET, NULL, 0},
			    {CKA_MCX_REVOKED, NULL, 0}};
	const CK_ATTRIBUTE *r = NULL;
	int ret = MCX_EXIT_OK;

	memset(cert, 0, sizeof(*cert));
	*found = false;
	ret = find_one(ad, session, CKO_PUBLIC_KEY, CKK_MCX_SAKKE,
		       CKA_MCX_KMS_URI, kms_uri, strlen(kms_uri), &cert->sakke);
	if (ret == MCX_EXIT_OK)
		ret = find_one(ad, session, CKO_PUBLIC_KEY, CKK_MCX_ECCSI,
			       CKA_MCX_KMS_URI, kms_uri, strlen(kms_uri),
			       &cert->eccsi);
	if (ret != MCX_EXIT_OK || cert->sakke == CK_INVALID_HANDLE)
		return ret;
	ret = mcx_p11_get_attrs(ad, session, cert->sakke, t, 3);
	if (ret != MCX_EXIT_OK)
		return ret;
	(void)mcx_p11_attr_ulong(t, 3, CKA_MCX_USER_KEY_PERIOD, &cert->period);
	(void)mcx_p11_attr_ulong(t, 3, CKA_MCX_USER_KEY_OFFSET, &cert->offset);
	r = mcx_p11_attr(t, 3, CKA_MCX_REVOKED);
	cert->revoked = r != NULL && r->ulValueLen == sizeof(CK_BBOOL) &&
			*(CK_BBOOL *)r->pValue != CK_FALSE;
	mcx_p11_free_attrs(t, 3);
	*found = true;
	return MCX_EXIT_OK;
}

/* ---- staging one key set ----------------------------------------------- */

static CK_MECHANISM_TYPE kw_mechanism(const char *algorithm)
{
	return strstr(algorithm, "-pad") != NULL ? CKM_AES_KEY_WRAP_KWP
						 : CKM_AES_KEY_WRAP;
}

static size_t kw_kek_len(const char *algorithm)
{
	return strstr(algorithm, "aes128") != NULL ||
		       strstr(algorithm, "aes-128") != NULL
		   ? 16
		   : 32;
}

/* The TrK of an encrypted element: --trk, else its ds:KeyName, else the
 * response's TrK-ID; its size must be the algorithm's. */
static int element_trk(struct mcx_kms_import *imp,
		       const struct mcx_kms_xml_key *k, CK_OBJECT_HANDLE *trk)
{
	const char *name = imp->trk_label;
	CK_ULONG len = 0;
	size_t count = 0;
	int ret = MCX_EXIT_OK;

	if (name == NULL)
		name = k->key_name != NULL ? k->key_name : imp->doc_trk_id;
	if (name == NULL)
		return mcx_kms_import_fail(imp, k->path,
					   "encrypted, but names no TrK "
					   "(ds:KeyName or TrK-ID); give one "
					   "with --trk LABEL");
	ret = mcx_kms_cmd_find_trk(imp->ad, imp->session, name, CKA_UNWRAP, trk,
				   &len, &count);
	if (ret != MCX_EXIT_OK)
		return ret;
	if (count > 1)
		return mcx_kms_import_fail(imp, k->path,
					   "%zu TrKs in the token answer to "
					   "'%s'; choose one with --trk",
					   count, name);
	if (*trk == CK_INVALID_HANDLE)
		return mcx_kms_import_fail(imp, k->path,
					   "encrypted under TrK '%s', which "
					   "the token does not hold (install "
					   "it with mcxhsm trk import)",
					   name);
	if (len != kw_kek_len(k->algorithm))
		return mcx_kms_import_fail(
		    imp, k->path, "%s needs a %zu-bit TrK; '%s' has %lu bits",
		    k->algorithm, kw_kek_len(k->algorithm) * 8, name,
		    (unsigned long)len * 8);
	return MCX_EXIT_OK;
}

/* One refusal of the token, said about the element it concerns. */
static int token_refusal(struct mcx_kms_import *imp, const char *fn,
			 const char *path, const char *what, CK_RV rv)
{
	switch (rv) {
	case CKR_MCX_KEY_VALIDATION_FAILED:
		return mcx_kms_import_fail(imp, path,
					   "%s fails validation for this "
					   "identity and its KMS (%s: %s)",
					   what, fn, mcx_names_rv(rv));
	case CKR_WRAPPED_KEY_INVALID:
	case CKR_WRAPPED_KEY_LEN_RANGE:
	case CKR_ENCRYPTED_DATA_INVALID:
	case CKR_ENCRYPTED_DATA_LEN_RANGE:
		return mcx_kms_import_fail(imp, path,
					   "key-wrap integrity check failed: "
					   "wrong TrK or tampered CipherValue "
					   "(%s: %s)",
					   fn, mcx_names_rv(rv));
	case CKR_MCX_UID_MISMATCH:
		return mcx_kms_import_fail(imp, path,
					   "the token's UID check refused "
					   "the UserID (%s: %s)",
					   fn, mcx_names_rv(rv));
	case CKR_MCX_UNKNOWN_KMS:
	case CKR_MCX_KEY_REVOKED:
		return mcx_kms_import_fail(imp, path,
					   "the token has no usable "
					   "certificate of this KMS (%s: %s)",
					   fn, mcx_names_rv(rv));
	default:
		return mcx_kms_import_fail(imp, path, "%s: %s", fn,
					   mcx_names_rv(rv));
	}
}

/* Private identity key template shared by the RSK and the SSK objects;
 * the caller appends the key's own attributes at t[*n]. */
struct identity {
	CK_OBJECT_CLASS cls;
	CK_KEY_TYPE kt;
	CK_BBOOL yes, no, revoked;
	CK_ULONG period_no, valid_from, valid_to;
	char uid_text[2 * MCX_KMS_XML_UID_LEN + 1];
};

static CK_ULONG identity_template(const struct mcx_kms_import *imp,
				  const struct mcx_kms_xml_keyset *ks,
				  struct identity *id, CK_KEY_TYPE kt,
				  CK_ATTRIBUTE *t)
{
	CK_ULONG n = 0;

	id->cls = CKO_PRIVATE_KEY;
	id->kt = kt;
	id->yes = CK_TRUE;
	id->no = CK_FALSE;
	id->revoked = ks->revoked ? CK_TRUE : CK_FALSE;
	id->period_no = (CK_ULONG)ks->key_period_no;
	t[n++] = (CK_ATTRIBUTE){CKA_CLASS, &id->cls, sizeof(id->cls)};
	t[n++] = (CK_ATTRIBUTE){CKA_KEY_TYPE, &id->kt, sizeof(id->kt)};
	/* a session object first: the file's transaction copies it to the
	 * token once every key set of the file is in (kms_cmd_import.c) */
	t[n++] = (CK_ATTRIBUTE){CKA_TOKEN, &id->no, sizeof(id->no)};
	t[n++] = (CK_ATTRIBUTE){CKA_PRIVATE, &id->yes, sizeof(id->yes)};
	t[n++] = (CK_ATTRIBUTE){CKA_SENSITIVE, &id->yes, sizeof(id->yes)};
	t[n++] = (CK_ATTRIBUTE){CKA_EXTRACTABLE, &id->no, sizeof(id->no)};
	t[n++] = (CK_ATTRIBUTE){kt == CKK_MCX_SAKKE ? CKA_UNWRAP : CKA_SIGN,
				&id->yes, sizeof(id->yes)};
	t[n++] = (CK_ATTRIBUTE){CKA_LABEL, ks->user_uri, strlen(ks->user_uri)};
	t[n++] =
	    (CK_ATTRIBUTE){CKA_ID, (void *)ks->user_id, MCX_KMS_XML_UID_LEN};
	t[n++] = (CK_ATTRIBUTE){CKA_MCX_USER_URI, ks->user_uri,
				strlen(ks->user_uri)};
	if (imp->uid_as_text) {
		/* MCX-REFERENCE §6.3 quirk: the identifier is the UserID's
		 * 64-character hex text as the KMS wrote it */
		if (ks->user_id_text != NULL &&
		    strlen(ks->user_id_text) == 2 * MCX_KMS_XML_UID_LEN)
			memcpy(id->uid_text, ks->user_id_text,
			       sizeof(id->uid_text));
		else
			mcx_hex(id->uid_text, ks->user_id, MCX_KMS_XML_UID_LEN);
		t[n++] = (CK_ATTRIBUTE){CKA_MCX_UID, id->uid_text,
					2 * MCX_KMS_XML_UID_LEN};
	} else {
		t[n++] = (CK_ATTRIBUTE){CKA_MCX_UID, (void *)ks->user_id,
					MCX_KMS_XML_UID_LEN};
	}
	t[n++] =
	    (CK_ATTRIBUTE){CKA_MCX_KMS_URI, ks->kms_uri, strlen(ks->kms_uri)};
	t[n++] = (CK_ATTRIBUTE){CKA_MCX_KEY_PERIOD_NO, &id->period_no,
				sizeof(id->period_no)};
	/* a period that ended before 1970 has no Unix-time bounds */
	if (id->valid_to != 0) {
		t[n++] = (CK_ATTRIBUTE){CKA_MCX_VALID_FROM, &id->valid_from,
					sizeof(id->valid_from)};
		t[n++] = (CK_ATTRIBUTE){CKA_MCX_VALID_TO, &id->valid_to,
					sizeof(id->valid_to)};
	}
	if (ks->revoked)
		t[n++] = (CK_ATTRIBUTE){CKA_MCX_REVOKED, &id->revoked,
					sizeof(id->revoked)};
	return n;
}

/* Stage the RSK (CKK_MCX_SAKKE) and SSK+PVT (CKK_MCX_ECCSI) of ks as
 * session objects, appended to the file's transaction. */
int mcx_kms_cmd_stage_keyset(struct mcx_kms_import *imp,
			     const struct mcx_kms_xml_keyset *ks,
			     CK_ULONG valid_from, CK_ULONG valid_to)
{
	struct identity id;
	CK_ATTRIBUTE t[24];
	CK_OBJECT_HANDLE trk = CK_INVALID_HANDLE, ptrk = CK_INVALID_HANDLE;
	CK_OBJECT_HANDLE obj = CK_INVALID_HANDLE;
	CK_MECHANISM mech = {0, NULL, 0};
	CK_ULONG n = 0;
	CK_RV rv = CKR_OK;
	int ret = MCX_EXIT_OK;

	memset(&id, 0, sizeof(id));
	id.valid_from = valid_from;
	id.valid_to = valid_to;

	/* RSK */
	n = identity_template(imp, ks, &id, CKK_MCX_SAKKE, t);
	if (ks->rsk.encrypted) {
		ret = element_trk(imp, &ks->rsk, &trk);
		if (ret != MCX_EXIT_OK)
			return ret;
		mech.mechanism = kw_mechanism(ks->rsk.algorithm);
		rv = imp->ad->p11.f->C_UnwrapKey(imp->session, &mech, trk,
						 ks->rsk.value, ks->rsk.len, t,
						 n, &obj);
	} else {
		t[n++] = (CK_ATTRIBUTE){CKA_VALUE, ks->rsk.value, ks->rsk.len};
		rv = imp->ad->p11.f->C_CreateObject(imp->session, t, n, &obj);
	}
	if (rv != CKR_OK)
		return token_refusal(
		    imp, ks->rsk.encrypted ? "C_UnwrapKey" : "C_CreateObject",
		    ks->rsk.path, "RSK", rv);
	ret = mcx_kms_import_stage(imp, obj);
	if (ret != MCX_EXIT_OK)
		return ret;

	/* SSK + PVT: the PVT travels with the SSK (CKA_MCX_WRAPPED_PVT) */
	obj = CK_INVALID_HANDLE;
	n = identity_template(imp, ks, &id, CKK_MCX_ECCSI, t);
	if (ks->pvt.encrypted && !ks->ssk.encrypted)
		return mcx_kms_import_fail(imp, ks->pvt.path,
					   "encrypted while UserSigningKeySSK "
					   "is clear: the token unwraps a PVT "
					   "only together with its SSK");
	if (ks->pvt.encrypted) {
		ret = element_trk(imp, &ks->pvt, &ptrk);
		if (ret != MCX_EXIT_OK)
			return ret;
		if (kw_mechanism(ks->pvt.algorithm) != CKM_AES_KEY_WRAP_KWP)
			return mcx_kms_import_fail(imp, ks->pvt.path,
						   "a PVT is wrapped with "
						   "RFC 5649 (-pad)");
		t[n++] = (CK_ATTRIBUTE){CKA_MCX_WRAPPED_PVT, ks->pvt.value,
					ks->pvt.len};
	} else {
		t[n++] =
		    (CK_ATTRIBUTE){CKA_MCX_PVT, ks->pvt.value, ks->pvt.len};
	}
	if (ks->ssk.encrypted) {
		ret = element_trk(imp, &ks->ssk, &trk);
		if (ret != MCX_EXIT_OK)
			return ret;
		if (ks->pvt.encrypted && ptrk != trk)
			return mcx_kms_import_fail(imp, ks->pvt.path,
						   "wrapped under another TrK "
						   "than UserSigningKeySSK");
		mech.mechanism = kw_mechanism(ks->ssk.algorithm);
		rv = imp->ad->p11.f->C_UnwrapKey(imp->session, &mech, trk,
						 ks->ssk.value, ks->ssk.len, t,
						 n, &obj);
	} else {
		t[n++] = (CK_ATTRIBUTE){CKA_VALUE, ks->ssk.value, ks->ssk.len};
		rv = imp->ad->p11.f->C_CreateObject(imp->session, t, n, &obj);
	}
	if (rv != CKR_OK && ks->pvt.encrypted) {
		/* the token unwraps both at once and cannot say which failed */
		char both[2 * MCX_KMS_XML_PATH_LEN + 8];

		snprintf(both, sizeof(both), "%s and UserPubTokenPVT",
			 ks->ssk.path);
		return token_refusal(imp, "C_UnwrapKey", both, "SSK/PVT", rv);
	}
	if (rv != CKR_OK)
		return token_refusal(
		    imp, ks->ssk.encrypted ? "C_UnwrapKey" : "C_CreateObject",
		    ks->ssk.path, "SSK/PVT", rv);
	return mcx_kms_import_stage(imp, obj);
}
