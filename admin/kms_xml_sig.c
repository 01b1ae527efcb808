/*
 * The "security extension" signature of a SignedKmsResponse
 * (MCX-REFERENCE §6.1, TS 33.180 D.1: HMAC-SHA-256, 256-bit signature,
 * with the InK or the TrK).  XML-DSig as far as a KMS response needs it:
 * one Reference to the KmsResponse (URI "#" + its Id), SHA-256 digest of
 * its canonical form, HMAC-SHA-256 over the canonical SignedInfo.  The
 * digested element is the very KmsResponse the reader then parses, so an
 * Id pointing elsewhere cannot substitute content.
 */
#include <stdlib.h>
#include <string.h>

#include <libxml/c14n.h>
#include <libxml/xmlIO.h>
#include <openssl/crypto.h>

#include "admin/kms_xml_internal.h"
#include "common/wipe.h"
#include "mechanisms/digest.h"

#define C14N_10	     "http://www.w3.org/TR/2001/REC-xml-c14n-20010315"
#define C14N_11	     "http://www.w3.org/2006/12/xml-c14n11"
#define C14N_EXC     "http://www.w3.org/2001/10/xml-exc-c14n#"
#define WITH_COMMENT "#WithComments"
#define ENVELOPED    "http://www.w3.org/2000/09/xmldsig#enveloped-signature"
#define HMAC_SHA256  "http://www.w3.org/2001/04/xmldsig-more#hmac-sha256"
#define SHA256	     "http://www.w3.org/2001/04/xmlenc#sha256"

#define FAIL(e, path, ...) mcx_kms_xml_fail(err, (e), (path), __VA_ARGS__)

struct c14n_mode {
	int mode; /* xmlC14NMode */
	int comments;
};

/* A canonicalisation algorithm URI; 0 if known. */
static int c14n_mode(const char *uri, struct c14n_mode *m)
{
	size_t l = strlen(uri);
	size_t wl = strlen(WITH_COMMENT);
	char base[128];
	m->comments = 0;
	if (l >= sizeof(base))
		return -1;
	memcpy(base, uri, l + 1);
	if (l > wl && strcmp(base + l - wl, WITH_COMMENT) == 0) {
		/* C14N_EXC ends in '#': "...exc-c14n#WithComments" */
		base[l - wl] = '\0';
		if (strcmp(base, "http://www.w3.org/2001/10/xml-exc-c14n") == 0)
			strcat(base, "#");
		m->comments = 1;
	}
	if (strcmp(base, C14N_10) == 0)
		m->mode = XML_C14N_1_0;
	else if (strcmp(base, C14N_11) == 0)
		m->mode = XML_C14N_1_1;
	else if (strcmp(base, C14N_EXC) == 0)
		m->mode = XML_C14N_EXCLUSIVE_1_0;
	else
		return -1;
	return 0;
}

/* The node set of a subtree: an element and all its descendants with
 * their attributes and in-scope namespace nodes. */
static int in_subtree(void *user, xmlNodePtr node, xmlNodePtr parent)
{
	const xmlNode *top = user;
	/* xmlNs and xmlNode both keep the type second, so this test is what
	 * libxml2's own c14n code does on namespace nodes. */
	const xmlNode *n =
	    node->type == XML_NAMESPACE_DECL || node->type == XML_ATTRIBUTE_NODE
		? parent
		: node;
	for (; n != NULL; n = n->parent)
		if (n == top)
			return 1;
	return 0;
}

static int canonicalise(xmlDoc *doc, xmlNode *top, const struct c14n_mode *m,
			uint8_t **out, size_t *len)
{
	xmlOutputBuffer *ob = xmlAllocOutputBuffer(NULL);
	int rc = -1;
	*out = NULL;
	if (ob == NULL)
		return -1;
	if (xmlC14NExecute(doc, in_subtree, top, m->mode, NULL, m->comments,
			   ob) < 0)
		goto out;
	size_t n = xmlOutputBufferGetSize(ob);
	*out = malloc(n > 0 ? n : 1);
	if (*out == NULL)
		goto out;
	memcpy(*out, xmlOutputBufferGetContent(ob), n);
	*len = n;
	rc = 0;
out:
	xmlOutputBufferClose(ob);
	return rc;
}

static char *attr(const xmlNode *n, const char *name)
{
	xmlChar *v =
	    n != NULL ? xmlGetNoNsProp(n, (const xmlChar *)name) : NULL;
	char *s = v != NULL ? strdup((const char *)v) : NULL;
	xmlFree(v);
	return s;
}

/* base64 text of a ds: element as exactly 32 octets. */
static enum mcx_kms_xml_err b64_32(const xmlNode *n, const char *path,
				   uint8_t out[32], char *err)
{
	char *t = NULL;
	uint8_t *v = NULL;
	size_t vl = 0;
	enum mcx_kms_xml_err rc = mcx_kms_xml_text(n, path, &t, err);
	if (rc != MCX_KMS_XML_OK)
		return rc;
	if (mcx_kms_xml_base64(t, &v, &vl) != 0 || vl != 32)
		rc = FAIL(MCX_KMS_XML_ERR_ENCODING, path,
			  "not base64 of 32 octets");
	else
		memcpy(out, v, 32);
	free(v);
	free(t);
	return rc;
}

enum mcx_kms_xml_err
mcx_kms_xml_verify_signature(xmlDoc *doc, xmlNode *resp, xmlNode *sig,
			     const struct mcx_kms_xml_opts *opts,
			     char **key_name, char *err)
{
	enum mcx_kms_xml_err rc = MCX_KMS_XML_OK;
	char *cm_uri = NULL, *sm_uri = NULL, *ref_uri = NULL, *id = NULL;
	char *dm_uri = NULL, *tr_uri = NULL, *hlen = NULL;
	uint8_t *c14n = NULL;
	size_t c14n_len = 0;
	uint8_t want_digest[32], digest[32], sigval[32], mac[32];
	struct c14n_mode si_mode = {0}, ref_mode = {0};
	const char *P = "Signature/SignedInfo";
	*key_name = NULL;

	const xmlNode *si =
	    mcx_kms_xml_child(sig, MCX_KMS_XML_DS_NS, "SignedInfo");
	const xmlNode *sv =
	    mcx_kms_xml_child(sig, MCX_KMS_XML_DS_NS, "SignatureValue");
	if (si == NULL || sv == NULL) {
		rc = FAIL(MCX_KMS_XML_ERR_SCHEMA, "Signature",
			  "missing SignedInfo or SignatureValue");
		goto out;
	}
	cm_uri = attr(
	    mcx_kms_xml_child(si, MCX_KMS_XML_DS_NS, "CanonicalizationMethod"),
	    "Algorithm");
	if (cm_uri == NULL || c14n_mode(cm_uri, &si_mode) != 0) {
		rc = FAIL(MCX_KMS_XML_ERR_ALGORITHM,
			  "Signature/SignedInfo/CanonicalizationMethod",
			  "unsupported algorithm %.200s",
			  cm_uri != NULL ? cm_uri : "(none)");
		goto out;
	}
	const xmlNode *sm =
	    mcx_kms_xml_child(si, MCX_KMS_XML_DS_NS, "SignatureMethod");
	sm_uri = attr(sm, "Algorithm");
	if (sm_uri == NULL || strcmp(sm_uri, HMAC_SHA256) != 0) {
		rc = FAIL(MCX_KMS_XML_ERR_ALGORITHM,
			  "Signature/SignedInfo/SignatureMethod",
			  "unsupported algorithm %.200s (D.1: HMAC-SHA-256)",
			  sm_uri != NULL ? sm_uri : "(none)");
		goto out;
	}
	/* D.1: "a signature length of 256" -- a truncated HMAC is refused */
	const xmlNode *ol =
	    mcx_kms_xml_child(sm, MCX_KMS_XML_DS_NS, "HMACOutputLength");
	if (ol != NULL) {
		if ((rc = mcx_kms_xml_text(ol, P, &hlen, err)))
			goto out;
		if (strcmp(hlen, "256") != 0) {
			rc = FAIL(MCX_KMS_XML_ERR_SIGNATURE,
				  "Signature/SignedInfo/SignatureMethod/"
				  "HMACOutputLength",
				  "%.20s bits (256 required)", hlen);
			goto out;
		}
	}
	const xmlNode *ref = NULL;
	for (const xmlNode *c = si->children; c != NULL; c = c->next) {
		if (!mcx_kms_xml_is(c, MCX_KMS_XML_DS_NS, "Reference"))
			continue;
		if (ref != NULL) {
			rc = FAIL(MCX_KMS_XML_ERR_SCHEMA, P,
				  "more than one Reference");
			goto out;
		}
		ref = c;
	}
	if (ref == NULL) {
		rc = FAIL(MCX_KMS_XML_ERR_SCHEMA, P, "missing Reference");
		goto out;
	}
	ref_uri = attr(ref, "URI");
	id = attr(resp, "Id");
	if (ref_uri == NULL || id == NULL || ref_uri[0] != '#' ||
	    strcmp(ref_uri + 1, id) != 0) {
		rc = FAIL(
		    MCX_KMS_XML_ERR_SIGNATURE, "Signature/SignedInfo/Reference",
		    "URI %.100s does not name the KmsResponse (Id %.100s)",
		    ref_uri != NULL ? ref_uri : "(none)",
		    id != NULL ? id : "(none)");
		goto out;
	}
	/* The Reference's own c14n transform if any; otherwise the
	 * SignedInfo's CanonicalizationMethod (KMS practice). */
	ref_mode = si_mode;
	const xmlNode *trs =
	    mcx_kms_xml_child(ref, MCX_KMS_XML_DS_NS, "Transforms");
	for (const xmlNode *t = trs != NULL ? trs->children : NULL; t != NULL;
	     t = t->next) {
		if (!mcx_kms_xml_is(t, MCX_KMS_XML_DS_NS, "Transform"))
			continue;
		free(tr_uri);
		tr_uri = attr(t, "Algorithm");
		if (tr_uri != NULL && strcmp(tr_uri, ENVELOPED) == 0)
			continue; /* the Signature is outside KmsResponse */
		if (tr_uri == NULL || c14n_mode(tr_uri, &ref_mode) != 0) {
			rc = FAIL(MCX_KMS_XML_ERR_ALGORITHM,
				  "Signature/SignedInfo/Reference/Transforms",
				  "unsupported transform %.200s",
				  tr_uri != NULL ? tr_uri : "(none)");
			goto out;
		}
	}
	dm_uri = attr(mcx_kms_xml_child(ref, MCX_KMS_XML_DS_NS, "DigestMethod"),
		      "Algorithm");
	if (dm_uri == NULL || strcmp(dm_uri, SHA256) != 0) {
		rc = FAIL(MCX_KMS_XML_ERR_ALGORITHM,
			  "Signature/SignedInfo/Reference/DigestMethod",
			  "unsupported algorithm %.200s",
			  dm_uri != NULL ? dm_uri : "(none)");
		goto out;
	}
	const xmlNode *dv =
	    mcx_kms_xml_child(ref, MCX_KMS_XML_DS_NS, "DigestValue");
	if (dv == NULL) {
		rc = FAIL(MCX_KMS_XML_ERR_SCHEMA,
			  "Signature/SignedInfo/Reference",
			  "missing DigestValue");
		goto out;
	}
	if ((rc = b64_32(dv, "Signature/SignedInfo/Reference/DigestValue",
			 want_digest, err)) ||
	    (rc = b64_32(sv, "Signature/SignatureValue", sigval, err)))
		goto out;
	const xmlNode *ki =
	    mcx_kms_xml_child(sig, MCX_KMS_XML_DS_NS, "KeyInfo");
	const xmlNode *kn =
	    ki != NULL ? mcx_kms_xml_child(ki, MCX_KMS_XML_DS_NS, "KeyName")
		       : NULL;
	if (kn != NULL && (rc = mcx_kms_xml_text(
			       kn, "Signature/KeyInfo/KeyName", key_name, err)))
		goto out;

	/* Reference: SHA-256 of the canonical KmsResponse. */
	if (canonicalise(doc, resp, &ref_mode, &c14n, &c14n_len) != 0 ||
	    mcx_digest_sha256(c14n, c14n_len, digest) != MCX_OK) {
		rc = FAIL(MCX_KMS_XML_ERR_INTERNAL, "KmsResponse",
			  "canonicalisation failed");
		goto out;
	}
	if (CRYPTO_memcmp(digest, want_digest, sizeof(digest)) != 0) {
		rc = FAIL(MCX_KMS_XML_ERR_SIGNATURE,
			  "Signature/SignedInfo/Reference/DigestValue",
			  "digest of KmsResponse does not match (document "
			  "modified)");
		goto out;
	}
	free(c14n);
	c14n = NULL;
	if (canonicalise(doc, (xmlNode *)si, &si_mode, &c14n, &c14n_len) != 0) {
		rc = FAIL(MCX_KMS_XML_ERR_INTERNAL, P,
			  "canonicalisation failed");
		goto out;
	}
	if (opts->verify != NULL) {
		if (opts->verify(opts->verify_arg, *key_name, c14n, c14n_len,
				 sigval, sizeof(sigval)) != 0)
			rc =
			    FAIL(MCX_KMS_XML_ERR_SIGNATURE,
				 "Signature/SignatureValue",
				 "HMAC-SHA-256 does not verify with key %.100s",
				 *key_name != NULL ? *key_name : "(unnamed)");
		goto out;
	}
	if (opts->sig_key == NULL) {
		rc = FAIL(MCX_KMS_XML_ERR_NO_KEY, "Signature",
			  "signed document but no InK/TrK given to verify it "
			  "(KeyName %.100s)",
			  *key_name != NULL ? *key_name : "(none)");
		goto out;
	}
	if (mcx_digest_hmac_sha256(opts->sig_key, opts->sig_key_len, c14n,
				   c14n_len, mac) != MCX_OK) {
		rc = FAIL(MCX_KMS_XML_ERR_INTERNAL, "Signature", "HMAC failed");
		goto out;
	}
	if (CRYPTO_memcmp(mac, sigval, sizeof(mac)) != 0)
		rc = FAIL(MCX_KMS_XML_ERR_SIGNATURE, "Signature/SignatureValue",
			  "HMAC-SHA-256 does not verify");
out:
	mcx_wipe(mac, sizeof(mac));
	free(c14n);
	free(cm_uri);
	free(sm_uri);
	free(ref_uri);
	free(id);
	free(dm_uri);
	free(tr_uri);
	free(hlen);
	if (rc != MCX_KMS_XML_OK) {
		free(*key_name);
		*key_name = NULL;
	}
	return rc;
}
