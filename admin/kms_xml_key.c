/*
 * Key elements of the KMS XML (abstractKeyContentType, MCX-REFERENCE §6.2
 * and decision b): clear hexBinary / base64 text (xsi:type KeyContentType
 * or none), or an xenc:EncryptedKey (EncKeyContentType) whose CipherValue
 * is kept wrapped; only the four AES key-wrap algorithms are accepted.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "admin/kms_xml_internal.h"
#include "common/wipe.h"

#define FAIL(e, path, ...) mcx_kms_xml_fail(err, (e), (path), __VA_ARGS__)

/* The local part of an xsi:type value ("tns:EncKeyContentType"). */
static const char *local_part(const char *qname)
{
	const char *c = strchr(qname, ':');
	return c != NULL ? c + 1 : qname;
}

static int kw_algorithm_ok(const char *uri)
{
	return strcmp(uri, MCX_KMS_XML_KW_AES128) == 0 ||
	       strcmp(uri, MCX_KMS_XML_KW_AES256) == 0 ||
	       strcmp(uri, MCX_KMS_XML_KW_AES128_PAD) == 0 ||
	       strcmp(uri, MCX_KMS_XML_KW_AES256_PAD) == 0;
}

/* The xenc:EncryptedKey of an EncKeyContentType element (decision b). */
static enum mcx_kms_xml_err
parse_encrypted(const xmlNode *n, struct mcx_kms_xml_key *key, char *err)
{
	char path[MCX_KMS_XML_PATH_LEN];
	char *t = NULL;
	xmlChar *alg = NULL;
	enum mcx_kms_xml_err rc = MCX_KMS_XML_OK;
	const xmlNode *ek =
	    mcx_kms_xml_child(n, MCX_KMS_XML_XENC_NS, "EncryptedKey");
	if (ek == NULL) {
		rc = FAIL(MCX_KMS_XML_ERR_SCHEMA, key->path,
			  "EncKeyContentType without xenc:EncryptedKey");
		goto out;
	}
	mcx_kms_xml_child_path(path, key->path,
			       "EncryptedKey/EncryptionMethod");
	const xmlNode *em =
	    mcx_kms_xml_child(ek, MCX_KMS_XML_XENC_NS, "EncryptionMethod");
	if (em == NULL ||
	    (alg = xmlGetNoNsProp(em, (const xmlChar *)"Algorithm")) == NULL) {
		rc = FAIL(MCX_KMS_XML_ERR_SCHEMA, path,
			  "missing EncryptionMethod/@Algorithm");
		goto out;
	}
	/* Decision b: only the AES key wraps; anything else is named. */
	if (!kw_algorithm_ok((const char *)alg)) {
		rc = FAIL(MCX_KMS_XML_ERR_ALGORITHM, path,
			  "unsupported key-wrap algorithm %.200s",
			  (const char *)alg);
		goto out;
	}
	key->algorithm = strdup((const char *)alg);
	if (key->algorithm == NULL) {
		rc = FAIL(MCX_KMS_XML_ERR_NOMEM, path, "out of memory");
		goto out;
	}
	const xmlNode *ki = mcx_kms_xml_child(ek, MCX_KMS_XML_DS_NS, "KeyInfo");
	const xmlNode *kn =
	    ki != NULL ? mcx_kms_xml_child(ki, MCX_KMS_XML_DS_NS, "KeyName")
		       : NULL;
	if (kn != NULL) {
		mcx_kms_xml_child_path(path, key->path,
				       "EncryptedKey/KeyInfo/KeyName");
		rc = mcx_kms_xml_text(kn, path, &key->key_name, err);
		if (rc != MCX_KMS_XML_OK)
			goto out;
	}
	mcx_kms_xml_child_path(path, key->path,
			       "EncryptedKey/CipherData/CipherValue");
	const xmlNode *cd =
	    mcx_kms_xml_child(ek, MCX_KMS_XML_XENC_NS, "CipherData");
	const xmlNode *cv =
	    cd != NULL
		? mcx_kms_xml_child(cd, MCX_KMS_XML_XENC_NS, "CipherValue")
		: NULL;
	if (cv == NULL) {
		rc = FAIL(MCX_KMS_XML_ERR_SCHEMA, path, "missing CipherValue");
		goto out;
	}
	rc = mcx_kms_xml_text(cv, path, &t, err);
	if (rc != MCX_KMS_XML_OK)
		goto out;
	int d = mcx_kms_xml_base64(t, &key->value, &key->len);
	if (d == -2) {
		rc = FAIL(MCX_KMS_XML_ERR_NOMEM, path, "out of memory");
		goto out;
	}
	/* RFC 3394 / RFC 5649 output: a multiple of 8, at least 16. */
	if (d != 0 || key->len < 16 || key->len % 8 != 0) {
		rc = FAIL(MCX_KMS_XML_ERR_ENCODING, path,
			  "not base64 of an AES key-wrap output (%zu octets)",
			  d == 0 ? key->len : (size_t)0);
		goto out;
	}
	key->encrypted = 1;
out:
	xmlFree(alg);
	free(t);
	return rc;
}

/* One abstractKeyContentType element (RSK, SSK, PVT, NewTransportKey...). */
enum mcx_kms_xml_err mcx_kms_xml_parse_key(const xmlNode *n, const char *path,
					   struct mcx_kms_xml_key *key,
					   char *err)
{
	char *t = NULL;
	xmlChar *type = NULL;
	enum mcx_kms_xml_err rc = MCX_KMS_XML_OK;
	key->present = 1;
	snprintf(key->path, sizeof(key->path), "%s", path);
	type = xmlGetNsProp(n, (const xmlChar *)"type",
			    (const xmlChar *)MCX_KMS_XML_XSI_NS);
	if (type != NULL &&
	    strcmp(local_part((const char *)type), "EncKeyContentType") == 0) {
		rc = parse_encrypted(n, key, err);
		goto out;
	}
	if (type != NULL &&
	    strcmp(local_part((const char *)type), "KeyContentType") != 0) {
		rc = FAIL(MCX_KMS_XML_ERR_SCHEMA, path,
			  "unknown xsi:type %.100s", (const char *)type);
		goto out;
	}
	rc = mcx_kms_xml_text(n, path, &t, err);
	if (rc != MCX_KMS_XML_OK)
		goto out;
	int d = mcx_kms_xml_decode(t, &key->value, &key->len);
	if (d == -2)
		rc = FAIL(MCX_KMS_XML_ERR_NOMEM, path, "out of memory");
	else if (d != 0)
		rc = FAIL(MCX_KMS_XML_ERR_ENCODING, path,
			  "key text is neither hexBinary nor base64 "
			  "(truncated or non-hex)");
out:
	xmlFree(type);
	if (t != NULL) {
		mcx_wipe(t, strlen(t));
		free(t);
	}
	return rc;
}
