/*
 * mcxhsm kms import: TS 33.180 Annex D KMS responses (KmsInit, KmsKeyProv,
 * KmsCertCache, signed or not) into the token, MCX-REFERENCE §6.4:
 *
 *   1. parse (admin/kms_xml.c: size limit, no DTD, no entities, no
 *      network); a ds:Signature is verified inside the token (C_Verify,
 *      CKM_SHA256_HMAC with the InK named by ds:KeyName or --ink);
 *   2. certificates become the public CKK_MCX_SAKKE (Z_T) and
 *      CKK_MCX_ECCSI (KPAK) objects of their KMS, with its URI,
 *      UserKeyPeriod/Offset, ValidFrom/ValidTo, Role and Revoked;
 *   3. each key set is checked on its public data first (KmsUri, UserID ==
 *      the F.2.1 UID, element lengths, algorithms) so that a refusal names
 *      the element, then goes to the token, which validates the keys
 *      (kms_cmd_keys.c);
 *   4. one transaction per file: everything is staged as session objects,
 *      then copied to token objects; a file with any bad element imports
 *      nothing.
 */
#include "config.h"

#include <getopt.h>
#include <json-c/json.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "admin/kms_cmd.h"
#include "admin/kms_xml.h"

/* A progress bar only for files this large, and only on a terminal. */
#define PROGRESS_MIN 10

int mcx_kms_import_fail(struct mcx_kms_import *imp, const char *path,
			const char *fmt, ...)
{
	char why[MCX_KMS_XML_ERR_LEN];
	size_t len = 0;
	va_list ap;

	if (imp->error != NULL)
		return MCX_EXIT_FAIL;
	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	len = strlen(path) + strlen(why) + 3;
	imp->error = malloc(len);
	if (imp->error != NULL)
		snprintf(imp->error, len, "%s%s%s", path, path[0] ? ": " : "",
			 why);
	return MCX_EXIT_FAIL;
}

static int grow(CK_OBJECT_HANDLE **v, size_t *n, size_t *cap,
		CK_OBJECT_HANDLE h)
{
	CK_OBJECT_HANDLE *g = NULL;

	if (*n == *cap) {
		*cap = *cap * 2 + 16;
		g = realloc(*v, *cap * sizeof(**v));
		if (g == NULL)
			return mcx_main_fail("out of memory");
		*v = g;
	}
	(*v)[(*n)++] = h;
	return MCX_EXIT_OK;
}

int mcx_kms_import_stage(struct mcx_kms_import *imp, CK_OBJECT_HANDLE obj)
{
	if (imp->check_only)
		return grow(&imp->checked, &imp->n_checked, &imp->cap_checked,
			    obj);
	return grow(&imp->staged, &imp->n_staged, &imp->cap_staged, obj);
}

/* ---- the signature (D.1: HMAC-SHA-256 with the InK) --------------------- */

static int verify_in_token(void *arg, const char *key_name, const uint8_t *data,
			   size_t len, const uint8_t *sig, size_t sig_len)
{
	struct mcx_kms_import *imp = arg;
	const char *name = imp->ink_label != NULL ? imp->ink_label : key_name;
	CK_MECHANISM mech = {CKM_SHA256_HMAC, NULL, 0};
	CK_OBJECT_HANDLE key = CK_INVALID_HANDLE;
	size_t count = 0;
	CK_RV rv = CKR_OK;

	if (name == NULL) {
		snprintf(imp->sig_note, sizeof(imp->sig_note),
			 "the signature names no key (ds:KeyName); give the "
			 "InK with --ink LABEL");
		return 1;
	}
	if (mcx_kms_cmd_find_key(imp->ad, imp->session, name,
				 CKK_GENERIC_SECRET, CKA_VERIFY, &key,
				 &count) != MCX_EXIT_OK ||
	    key == CK_INVALID_HANDLE) {
		snprintf(imp->sig_note, sizeof(imp->sig_note),
			 count > 1 ? "%zu keys answer to '%s'; choose the InK "
				     "with --ink"
				   : "%zu InK named '%s' in the token (install "
				     "it with mcxhsm trk import --ink)",
			 count, name);
		return 1;
	}
	rv = imp->ad->p11.f->C_VerifyInit(imp->session, &mech, key);
	if (rv == CKR_OK)
		rv = imp->ad->p11.f->C_Verify(imp->session, (CK_BYTE_PTR)data,
					      len, (CK_BYTE_PTR)sig, sig_len);
	if (rv != CKR_OK)
		snprintf(imp->sig_note, sizeof(imp->sig_note),
			 "HMAC-SHA-256 with the InK '%s': %s", name,
			 mcx_names_rv(rv));
	return rv == CKR_OK ? 0 : 1;
}

/* ---- certificates ------------------------------------------------------ */

static CK_ULONG unix_ulong(int64_t t)
{
	return t < 0 ? 0 : (CK_ULONG)t;
}

static int same_value(struct mcx_kms_import *imp, CK_OBJECT_HANDLE obj,
		      const uint8_t *v, size_t len, bool *same)
{
	CK_ATTRIBUTE t = {CKA_VALUE, NULL, 0};
	int ret = mcx_p11_get_attrs(imp->ad, imp->session, obj, &t, 1);

	*same = ret == MCX_EXIT_OK && t.pValue != NULL && t.ulValueLen == len &&
		memcmp(t.pValue, v, len) == 0;
	mcx_p11_free_attrs(&t, 1);
	return ret;
}

/* Stage the public SAKKE and ECCSI objects of one certificate, or note a
 * revocation of the ones the token has; *added counts what changes. */
static int stage_cert(struct mcx_kms_import *imp,
		      const struct mcx_kms_xml_cert *c, size_t *added)
{
	CK_OBJECT_CLASS cls = CKO_PUBLIC_KEY;
	CK_KEY_TYPE kt = CKK_MCX_SAKKE;
	CK_BBOOL yes = CK_TRUE, no = CK_FALSE;
	CK_ULONG period = (CK_ULONG)c->user_key_period;
	CK_ULONG offset = (CK_ULONG)c->user_key_offset;
	CK_ULONG from = unix_ulong(c->valid_from), to = unix_ulong(c->valid_to);
	struct mcx_kms_cmd_cert have;
	char p[MCX_KMS_XML_PATH_LEN + 16];
	CK_ATTRIBUTE t[16];
	CK_ULONG n = 0, fixed = 0;
	CK_OBJECT_HANDLE obj = CK_INVALID_HANDLE;
	CK_RV rv = CKR_OK;
	bool found = false, same_z = false, same_k = false;
	int ret = MCX_EXIT_OK;

	/* §6.4 step 3 and 6 on what the token cannot judge for us */
	snprintf(p, sizeof(p), "%s/PubEncKey", c->path);
	if (c->pub_enc_key_len != 257 || c->pub_enc_key[0] != 0x04)
		return mcx_kms_import_fail(imp, p,
					   "Z_T of %zu octets (257 starting "
					   "0x04 expected)",
					   c->pub_enc_key_len);
	snprintf(p, sizeof(p), "%s/PubAuthKey", c->path);
	if (c->pub_auth_key_len != 65 || c->pub_auth_key[0] != 0x04)
		return mcx_kms_import_fail(imp, p,
					   "KPAK of %zu octets (65 starting "
					   "0x04 expected)",
					   c->pub_auth_key_len);
	snprintf(p, sizeof(p), "%s/UserKeyPeriod", c->path);
	if (c->user_key_period == 0 || c->user_key_period > 0xffffffffu ||
	    c->user_key_offset > 0xffffffffu)
		return mcx_kms_import_fail(
		    imp, p,
		    "key period %llu / offset %llu out "
		    "of range",
		    (unsigned long long)c->user_key_period,
		    (unsigned long long)c->user_key_offset);
	if (c->role != NULL && strcmp(c->role, "Root") != 0 &&
	    strcmp(c->role, "External") != 0)
		return mcx_kms_import_fail(imp, c->path,
					   "Role '%.60s' is neither Root nor "
					   "External",
					   c->role);
	if (c->has_valid_from && c->has_valid_to &&
	    c->valid_to <= c->valid_from)
		return mcx_kms_import_fail(imp, c->path,
					   "ValidTo is not after ValidFrom");
	if (c->parameter_set != 0 && c->parameter_set != 1)
		return mcx_kms_import_fail(imp, c->path,
					   "SAKKE ParameterSet %ld (only 1, "
					   "RFC 6509, is supported)",
					   c->parameter_set);

	ret = mcx_kms_cmd_find_cert(imp->ad, imp->session, c->kms_uri, &have,
				    &found);
	if (ret != MCX_EXIT_OK)
		return ret;
	if (found) {
		ret = same_value(imp, have.sakke, c->pub_enc_key,
				 c->pub_enc_key_len, &same_z);
		if (ret == MCX_EXIT_OK && have.eccsi != CK_INVALID_HANDLE)
			ret = same_value(imp, have.eccsi, c->pub_auth_key,
					 c->pub_auth_key_len, &same_k);
		if (ret != MCX_EXIT_OK)
			return ret;
		if (!same_z || !same_k)
			return mcx_kms_import_fail(
			    imp, c->path,
			    "the token holds another certificate of KMS "
			    "'%.100s' (delete it first with mcxhsm key "
			    "delete)",
			    c->kms_uri);
		/* the same certificate again: only a revocation changes it */
		if (c->revoked && !have.revoked) {
			ret = grow(&imp->revoke, &imp->n_revoke,
				   &imp->cap_revoke, have.sakke);
			if (ret == MCX_EXIT_OK)
				ret = grow(&imp->revoke, &imp->n_revoke,
					   &imp->cap_revoke, have.eccsi);
			*added += ret == MCX_EXIT_OK;
		}
		return ret;
	}
	t[n++] = (CK_ATTRIBUTE){CKA_CLASS, &cls, sizeof(cls)};
	t[n++] = (CK_ATTRIBUTE){CKA_KEY_TYPE, &kt, sizeof(kt)};
	t[n++] = (CK_ATTRIBUTE){CKA_TOKEN, &no, sizeof(no)};
	t[n++] = (CK_ATTRIBUTE){CKA_LABEL, c->kms_uri, strlen(c->kms_uri)};
	t[n++] =
	    (CK_ATTRIBUTE){CKA_MCX_KMS_URI, c->kms_uri, strlen(c->kms_uri)};
	t[n++] =
	    (CK_ATTRIBUTE){CKA_MCX_USER_KEY_PERIOD, &period, sizeof(period)};
	t[n++] =
	    (CK_ATTRIBUTE){CKA_MCX_USER_KEY_OFFSET, &offset, sizeof(offset)};
	if (c->revoked)
		t[n++] = (CK_ATTRIBUTE){CKA_MCX_REVOKED, &yes, sizeof(yes)};
	if (c->has_valid_from)
		t[n++] =
		    (CK_ATTRIBUTE){CKA_MCX_VALID_FROM, &from, sizeof(from)};
	if (c->has_valid_to)
		t[n++] = (CK_ATTRIBUTE){CKA_MCX_VALID_TO, &to, sizeof(to)};
	if (c->role != NULL)
		t[n++] =
		    (CK_ATTRIBUTE){CKA_MCX_KMS_ROLE, c->role, strlen(c->role)};
	fixed = n;
	/* Z_T: senders SAKKE-wrap to this KMS's users with it */
	t[n++] = (CK_ATTRIBUTE){CKA_WRAP, &yes, sizeof(yes)};
	t[n++] = (CK_ATTRIBUTE){CKA_VALUE, c->pub_enc_key, c->pub_enc_key_len};
	rv = imp->ad->p11.f->C_CreateObject(imp->session, t, n, &obj);
	snprintf(p, sizeof(p), "%s/PubEncKey", c->path);
	if (rv != CKR_OK)
		return mcx_kms_import_fail(imp, p, "Z_T refused (%s: %s)",
					   "C_CreateObject", mcx_names_rv(rv));
	ret = mcx_kms_import_stage(imp, obj);
	if (ret != MCX_EXIT_OK)
		return ret;
	/* KPAK: verifiers of this KMS's users' ECCSI signatures */
	kt = CKK_MCX_ECCSI;
	n = fixed;
	t[n++] = (CK_ATTRIBUTE){CKA_VERIFY, &yes, sizeof(yes)};
	t[n++] =
	    (CK_ATTRIBUTE){CKA_VALUE, c->pub_auth_key, c->pub_auth_key_len};
	rv = imp->ad->p11.f->C_CreateObject(imp->session, t, n, &obj);
	snprintf(p, sizeof(p), "%s/PubAuthKey", c->path);
	if (rv != CKR_OK)
		return mcx_kms_import_fail(imp, p, "KPAK refused (%s: %s)",
					   "C_CreateObject", mcx_names_rv(rv));
	*added += 1;
	return mcx_kms_import_stage(imp, obj);
}

/* ---- key sets ---------------------------------------------------------- */

/* The token's private SAKKE key for this identity and period, if any. */
static int existing_keyset(struct mcx_kms_import *imp,
			   const struct mcx_kms_xml_keyset *ks,
			   CK_OBJECT_HANDLE *sakke, CK_OBJECT_HANDLE *eccsi)
{
	CK_OBJECT_CLASS cls = CKO_PRIVATE_KEY;
	CK_KEY_TYPE kt = CKK_MCX_SAKKE;
	CK_BBOOL yes = CK_TRUE;
	CK_ULONG pno = (CK_ULONG)ks->key_period_no;
	CK_ATTRIBUTE t[] = {
	    {CKA_CLASS, &cls, sizeof(cls)},
	    {CKA_KEY_TYPE, &kt, sizeof(kt)},
	    {CKA_TOKEN, &yes, sizeof(yes)},
	    {CKA_MCX_USER_URI, ks->user_uri, strlen(ks->user_uri)},
	    {CKA_MCX_KMS_URI, ks->kms_uri, strlen(ks->kms_uri)},
	    {CKA_MCX_KEY_PERIOD_NO, &pno, sizeof(pno)},
	};
	CK_OBJECT_HANDLE *h = NULL;
	size_t n = 0;
	int ret = MCX_EXIT_OK;

	*sakke = *eccsi = CK_INVALID_HANDLE;
	for (int i = 0; i < 2 && ret == MCX_EXIT_OK; i++) {
		kt = i == 0 ? CKK_MCX_SAKKE : CKK_MCX_ECCSI;
		ret = mcx_p11_find(imp->ad, imp->session, t, 6, &h, &n);
		if (ret == MCX_EXIT_OK && n > 0)
			*(i == 0 ? sakke : eccsi) = h[0];
		free(h);
		h = NULL;
	}
	return ret;
}

static int stage_keyset(struct mcx_kms_import *imp,
			const struct mcx_kms_xml_keyset *ks, size_t *added,
			size_t *unchanged)
{
	struct mcx_kms_cmd_cert cert;
	struct mcx_kms_xml_cert params;
	CK_OBJECT_HANDLE old_r = CK_INVALID_HANDLE, old_s = CK_INVALID_HANDLE;
	char err[MCX_KMS_XML_ERR_LEN] = {0};
	char p[MCX_KMS_XML_PATH_LEN + 16];
	int64_t from = 0, to = 0;
	bool found = false;
	int ret = MCX_EXIT_OK;

	snprintf(p, sizeof(p), "%s/KmsUri", ks->path);
	ret = mcx_kms_cmd_find_cert(imp->ad, imp->session, ks->kms_uri, &cert,
				    &found);
	if (ret != MCX_EXIT_OK)
		return ret;
	if (!found)
		return mcx_kms_import_fail(imp, p,
					   "no certificate of KMS '%.100s' in "
					   "the token (import its KmsInit or "
					   "KmsCertCache first)",
					   ks->kms_uri);
	if (cert.revoked)
		return mcx_kms_import_fail(imp, p,
					   "the certificate of KMS '%.100s' "
					   "is revoked",
					   ks->kms_uri);
	if (mcx_kms_xml_check_keyset(ks, ks->kms_uri, cert.period, cert.offset,
				     err) != MCX_KMS_XML_OK)
		return mcx_kms_import_fail(imp, "", "%s", err);
	/* §6.2: the key period's bounds; a KMS may write narrower ones */
	memset(&params, 0, sizeof(params));
	params.user_key_period = cert.period;
	params.user_key_offset = cert.offset;
	if (mcx_kms_xml_keyset_validity(&params, ks, &from, &to, err) !=
	    MCX_KMS_XML_OK)
		return mcx_kms_import_fail(imp, "", "%s", err);
	if (ks->has_valid_from)
		from = ks->valid_from;
	if (ks->has_valid_to)
		to = ks->valid_to;
	if (to <= from)
		return mcx_kms_import_fail(imp, ks->path,
					   "ValidTo is not after ValidFrom");
	ret = existing_keyset(imp, ks, &old_r, &old_s);
	if (ret != MCX_EXIT_OK)
		return ret;
	if (old_r != CK_INVALID_HANDLE || old_s != CK_INVALID_HANDLE) {
		/* imported before: the key set is still validated by the
		 * token (a tampered or wrong file fails as a new one would),
		 * but a re-import changes nothing except a revocation (the
		 * token latches CKA_MCX_REVOKED) */
		imp->check_only = true;
		ret = mcx_kms_cmd_stage_keyset(imp, ks, unix_ulong(from),
					       unix_ulong(to));
		imp->check_only = false;
		if (ret != MCX_EXIT_OK)
			return ret;
		if (!ks->revoked) {
			*unchanged += 1;
			return MCX_EXIT_OK;
		}
		if (old_r != CK_INVALID_HANDLE)
			ret = grow(&imp->revoke, &imp->n_revoke,
				   &imp->cap_revoke, old_r);
		if (ret == MCX_EXIT_OK && old_s != CK_INVALID_HANDLE)
			ret = grow(&imp->revoke, &imp->n_revoke,
				   &imp->cap_revoke, old_s);
		*added += ret == MCX_EXIT_OK;
		return ret;
	}
	ret =
	    mcx_kms_cmd_stage_keyset(imp, ks, unix_ulong(from), unix_ulong(to));
	*added += ret == MCX_EXIT_OK;
	return ret;
}

/* ---- the transaction --------------------------------------------------- */

/* Copy every staged object to the token; on any failure destroy the copies
 * made so far.  The staged session objects go in every case. */
static int commit(struct mcx_kms_import *imp, bool ok)
{
	CK_FUNCTION_LIST_PTR f = imp->ad->p11.f;
	CK_BBOOL yes = CK_TRUE;
	CK_ATTRIBUTE to_token = {CKA_TOKEN, &yes, sizeof(yes)};
	CK_ATTRIBUTE revoked = {CKA_MCX_REVOKED, &yes, sizeof(yes)};
	CK_OBJECT_HANDLE *made = NULL;
	size_t n_made = 0, i = 0;
	CK_RV rv = CKR_OK;
	int ret = ok ? MCX_EXIT_OK : MCX_EXIT_FAIL;

	if (ok && imp->n_staged > 0) {
		made = calloc(imp->n_staged, sizeof(*made));
		if (made == NULL)
			ret = mcx_main_fail("out of memory");
	}
	for (i = 0; ret == MCX_EXIT_OK && i < imp->n_staged; i++) {
		rv = f->C_CopyObject(imp->session, imp->staged[i], &to_token, 1,
				     &made[n_made]);
		if (rv != CKR_OK)
			ret = mcx_kms_import_fail(imp, "",
						  "storing in the token: "
						  "C_CopyObject: %s",
						  mcx_names_rv(rv));
		else
			n_made++;
	}
	for (i = 0; ret == MCX_EXIT_OK && i < imp->n_revoke; i++) {
		rv = f->C_SetAttributeValue(imp->session, imp->revoke[i],
					    &revoked, 1);
		if (rv != CKR_OK)
			ret = mcx_kms_import_fail(imp, "",
						  "marking revoked: "
						  "C_SetAttributeValue: %s",
						  mcx_names_rv(rv));
	}
	if (ret != MCX_EXIT_OK)
		for (i = 0; i < n_made; i++)
			(void)f->C_DestroyObject(imp->session, made[i]);
	for (i = 0; i < imp->n_staged; i++)
		(void)f->C_DestroyObject(imp->session, imp->staged[i]);
	for (i = 0; i < imp->n_checked; i++)
		(void)f->C_DestroyObject(imp->session, imp->checked[i]);
	imp->n_staged = 0;
	imp->n_checked = 0;
	imp->n_revoke = 0;
	free(made);
	return ret;
}

/* ---- one file ----------------------------------------------------------- */

static void progress(size_t done, size_t total, bool on)
{
	static const char bar[] = "########################################";
	size_t w = sizeof(bar) - 1;

	if (!on || (done != total && done % (total / 100 + 1) != 0))
		return;
	fprintf(stderr, "\r  [%-*.*s] %zu/%zu key sets", (int)w,
		(int)(w * done / total), bar, done, total);
	if (done == total)
		fputc('\n', stderr);
}

static const char *type_name(enum mcx_kms_xml_type t)
{
	switch (t) {
	case MCX_KMS_XML_INIT:
		return "KmsInit";
	case MCX_KMS_XML_KEYPROV:
		return "KmsKeyProv";
	case MCX_KMS_XML_CERTCACHE:
		return "KmsCertCache";
	default:
		return "none";
	}
}

/* One identity and key period once per file: a second key set for it
 * would make two token objects of one identity. */
static int check_duplicate(struct mcx_kms_import *imp,
			   const struct mcx_kms_xml *doc, size_t i)
{
	const struct mcx_kms_xml_keyset *a = &doc->keysets[i];

	for (size_t j = 0; j < i; j++) {
		const struct mcx_kms_xml_keyset *b = &doc->keysets[j];

		if (a->key_period_no == b->key_period_no &&
		    strcmp(a->user_uri, b->user_uri) == 0 &&
		    strcmp(a->kms_uri, b->kms_uri) == 0)
			return mcx_kms_import_fail(imp, a->path,
						   "the same UserUri, KmsUri "
						   "and KeyPeriodNo as %s",
						   b->path);
	}
	return MCX_EXIT_OK;
}

static int import_file(struct mcx_kms_import *imp, const char *file,
		       struct json_object *jf, size_t *certs, size_t *keysets,
		       size_t *unchanged)
{
	struct mcx_kms_xml_opts opts;
	struct mcx_kms_xml *doc = NULL;
	char err[MCX_KMS_XML_ERR_LEN] = {0};
	size_t n_certs = 0, n_keysets = 0, n_same = 0, i = 0;
	enum mcx_kms_xml_err rc = MCX_KMS_XML_OK;
	int ret = MCX_EXIT_OK;
	bool bar = false;

	memset(&opts, 0, sizeof(opts));
	opts.verify = verify_in_token;
	opts.verify_arg = imp;
	opts.require_signature = imp->require_signature;
	imp->file = file;
	imp->sig_note[0] = '\0';
	rc = mcx_kms_xml_parse_file(file, &opts, &doc, err);
	if (rc != MCX_KMS_XML_OK) {
		ret = mcx_kms_import_fail(imp, "", "%s%s%s", err,
					  imp->sig_note[0] ? ": " : "",
					  imp->sig_note);
		goto out;
	}
	imp->doc_trk_id = doc->trk_id;
	mcx_json_add_string(jf, "type", type_name(doc->type));
	if (doc->signed_doc)
		mcx_json_add_bool(jf, "signed", true);
	if (doc->type == MCX_KMS_XML_NONE) {
		ret = mcx_kms_import_fail(
		    imp, "KmsResponse", "%s%s",
		    doc->error_code != NULL ? "KmsError, ErrorCode "
					    : "no KmsMessage",
		    doc->error_code != NULL ? doc->error_code : "");
		goto out;
	}
	if (doc->n_new_trks > 0 || doc->n_new_inks > 0)
		fprintf(stderr,
			"mcxhsm: %s: NewTransportKey/NewIntegrityKey not "
			"applied (install keys with mcxhsm trk import)\n",
			file);
	if (imp->uid_as_text && doc->n_keysets > 0)
		fprintf(stderr,
			"mcxhsm: warning: %s: --uid-as-text: key sets are "
			"validated with the UserID's hex text as the "
			"SAKKE/ECCSI identifier (MCX-REFERENCE 6.3 "
			"compatibility mode)\n",
			file);
	for (i = 0; ret == MCX_EXIT_OK && i < doc->n_certs; i++)
		ret = stage_cert(imp, &doc->certs[i], &n_certs);
	bar = isatty(STDERR_FILENO) && doc->n_keysets >= PROGRESS_MIN;
	for (i = 0; ret == MCX_EXIT_OK && i < doc->n_keysets; i++) {
		ret = check_duplicate(imp, doc, i);
		if (ret == MCX_EXIT_OK)
			ret = stage_keyset(imp, &doc->keysets[i], &n_keysets,
					   &n_same);
		progress(i + 1, doc->n_keysets, bar && ret == MCX_EXIT_OK);
	}
	if (bar && ret != MCX_EXIT_OK)
		fputc('\n', stderr);
out:
	ret = commit(imp, ret == MCX_EXIT_OK);
	if (ret == MCX_EXIT_OK) {
		*certs += n_certs;
		*keysets += n_keysets;
		*unchanged += n_same;
		mcx_json_add_int(jf, "certificates", (long long)n_certs);
		mcx_json_add_int(jf, "key_sets", (long long)n_keysets);
		mcx_json_add_int(jf, "unchanged", (long long)n_same);
	} else {
		mcx_json_add_string(jf, "error", imp->error);
	}
	mcx_kms_xml_free(doc);
	imp->doc_trk_id = NULL;
	return ret;
}

int mcx_kms_cmd_import(struct mcx_admin *ad, int argc, char **argv)
{
	static const struct option longopts[] = {
	    MCX_COMMON_LONGOPTS,
	    {"trk", required_argument, NULL, 't'},
	    {"ink", required_argument, NULL, 'i'},
	    {"uid-as-text", no_argument, NULL, 'u'},
	    {"require-signature", no_argument, NULL, 's'},
	    {"json", no_argument, NULL, 'j'},
	    {NULL, 0, NULL, 0},
	};
	struct mcx_kms_import imp;
	struct json_object *root = NULL, *files = NULL, *jf = NULL;
	size_t certs = 0, keysets = 0, unchanged = 0, failed = 0;
	int opt = 0, ret = MCX_EXIT_OK, r = 0;
	bool json = false;

	memset(&imp, 0, sizeof(imp));
	imp.ad = ad;
	imp.session = CK_INVALID_HANDLE;
	while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (opt == 't')
			imp.trk_label = optarg;
		else if (opt == 'i')
			imp.ink_label = optarg;
		else if (opt == 'u')
			imp.uid_as_text = true;
		else if (opt == 's')
			imp.require_signature = true;
		else if (opt == 'j')
			json = true;
		else if (!mcx_main_common_opt(ad, opt, optarg))
			return mcx_main_usage("kms", "import");
	}
	if (optind >= argc)
		return mcx_main_usage("kms", "import");
	ret = mcx_p11_start(ad, true, CKU_USER, &imp.session);
	if (ret != MCX_EXIT_OK)
		goto out;
	root = json_object_new_object();
	files = json_object_new_array();
	for (int i = optind; i < argc; i++) {
		jf = json_object_new_object();
		mcx_json_add_string(jf, "file", argv[i]);
		r = import_file(&imp, argv[i], jf, &certs, &keysets,
				&unchanged);
		json_object_array_add(files, jf);
		if (r != MCX_EXIT_OK) {
			failed++;
			fprintf(stderr,
				"mcxhsm: %s: %s (nothing imported "
				"from this file)\n",
				argv[i],
				imp.error != NULL ? imp.error : "failed");
		}
		free(imp.error);
		imp.error = NULL;
	}
	if (json) {
		mcx_json_add_int(root, "files", (long long)(argc - optind));
		mcx_json_add_int(root, "certificates", (long long)certs);
		mcx_json_add_int(root, "key_sets", (long long)keysets);
		mcx_json_add_int(root, "unchanged", (long long)unchanged);
		mcx_json_add_int(root, "failed_files", (long long)failed);
		json_object_object_add(root, "per_file", files);
		files = NULL;
		ret = mcx_json_print(root);
		root = NULL;
	} else {
		printf("imported %zu certificate%s and %zu key set%s from %d "
		       "file%s (%zu unchanged, %zu file%s refused)\n",
		       certs, certs == 1 ? "" : "s", keysets,
		       keysets == 1 ? "" : "s", argc - optind,
		       argc - optind == 1 ? "" : "s", unchanged, failed,
		       failed == 1 ? "" : "s");
	}
	if (failed > 0)
		ret = MCX_EXIT_FAIL;
out:
	json_object_put(files);
	json_object_put(root);
	free(imp.staged);
	free(imp.revoke);
	free(imp.checked);
	free(imp.error);
	mcx_p11_end(ad, imp.session);
	return ret;
}
