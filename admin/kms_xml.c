/*
 * TS 33.180 Annex D KMS response reader (MCX-REFERENCE §6.2): the document
 * is parsed by libxml2 with network access off, no DTD loading and no
 * entity substitution (XML_PARSE_NOENT and XML_PARSE_HUGE are never set);
 * a DOCTYPE is refused outright, so no entity can be declared at all.
 * The schema's element order is not enforced (Rel-17 inserts TrK-ID and
 * Signature-ID); missing required elements, duplicates and bad values are.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "admin/kms_xml_internal.h"
#include "common/wipe.h"

#define FAIL(e, path, ...) mcx_kms_xml_fail(err, (e), (path), __VA_ARGS__)

/* Elements of one parent, looked up by name: single-valued ones. */
struct field {
	const char *name;
	int required;
	xmlNode *node;
};

static enum mcx_kms_xml_err collect(const xmlNode *parent, const char *ppath,
				    struct field *f, size_t n, char *err)
{
	for (const xmlNode *c = parent->children; c != NULL; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		for (size_t i = 0; i < n; i++) {
			if (!mcx_kms_xml_is(c, MCX_KMS_XML_NS, f[i].name))
				continue;
			if (f[i].node != NULL)
				return FAIL(MCX_KMS_XML_ERR_SCHEMA, ppath,
					    "duplicate element %s", f[i].name);
			f[i].node = (xmlNode *)c;
		}
	}
	for (size_t i = 0; i < n; i++)
		if (f[i].required && f[i].node == NULL)
			return FAIL(MCX_KMS_XML_ERR_SCHEMA, ppath,
				    "missing element %s", f[i].name);
	return MCX_KMS_XML_OK;
}

/* Optional string field: *out stays NULL when absent. */
static enum mcx_kms_xml_err str_field(const struct field *f, const char *ppath,
				      char **out, char *err)
{
	char path[MCX_KMS_XML_PATH_LEN];
	if (f->node == NULL)
		return MCX_KMS_XML_OK;
	mcx_kms_xml_child_path(path, ppath, f->name);
	return mcx_kms_xml_text(f->node, path, out, err);
}

static enum mcx_kms_xml_err uint_field(const struct field *f, const char *ppath,
				       uint64_t *out, char *err)
{
	char path[MCX_KMS_XML_PATH_LEN];
	char *t = NULL;
	enum mcx_kms_xml_err rc = MCX_KMS_XML_OK;
	uint64_t v = 0;
	if (f->node == NULL)
		return MCX_KMS_XML_OK;
	mcx_kms_xml_child_path(path, ppath, f->name);
	rc = mcx_kms_xml_text(f->node, path, &t, err);
	if (rc != MCX_KMS_XML_OK)
		goto out;
	const char *p = t[0] == '+' ? t + 1 : t;
	if (*p == '\0') {
		rc = FAIL(MCX_KMS_XML_ERR_ENCODING, path, "empty integer");
		goto out;
	}
	for (; *p != '\0'; p++) {
		if (*p < '0' || *p > '9' || v > (UINT64_MAX - 9) / 10) {
			rc = FAIL(MCX_KMS_XML_ERR_ENCODING, path,
				  "not a non-negative integer below 2^64");
			goto out;
		}
		v = v * 10 + (uint64_t)(*p - '0');
	}
	*out = v;
out:
	free(t);
	return rc;
}

static enum mcx_kms_xml_err bool_field(const struct field *f, const char *ppath,
				       int *out, char *err)
{
	char path[MCX_KMS_XML_PATH_LEN];
	char *t = NULL;
	enum mcx_kms_xml_err rc = MCX_KMS_XML_OK;
	if (f->node == NULL)
		return MCX_KMS_XML_OK;
	mcx_kms_xml_child_path(path, ppath, f->name);
	rc = mcx_kms_xml_text(f->node, path, &t, err);
	if (rc != MCX_KMS_XML_OK)
		goto out;
	if (strcmp(t, "true") == 0 || strcmp(t, "1") == 0)
		*out = 1;
	else if (strcmp(t, "false") == 0 || strcmp(t, "0") == 0)
		*out = 0;
	else
		rc = FAIL(MCX_KMS_XML_ERR_ENCODING, path, "not an xsd:boolean");
out:
	free(t);
	return rc;
}

static enum mcx_kms_xml_err time_field(const struct field *f, const char *ppath,
				       int *has, int64_t *out, char *err)
{
	char path[MCX_KMS_XML_PATH_LEN];
	char *t = NULL;
	enum mcx_kms_xml_err rc = MCX_KMS_XML_OK;
	if (f->node == NULL)
		return MCX_KMS_XML_OK;
	mcx_kms_xml_child_path(path, ppath, f->name);
	rc = mcx_kms_xml_text(f->node, path, &t, err);
	if (rc != MCX_KMS_XML_OK)
		goto out;
	if (mcx_kms_xml_parse_time(t, out) != 0)
		rc =
		    FAIL(MCX_KMS_XML_ERR_ENCODING, path, "not an xsd:dateTime");
	else
		*has = 1;
out:
	free(t);
	return rc;
}

/* Public bytes (PubEncKey, PubAuthKey): hexBinary (base64 accepted). */
static enum mcx_kms_xml_err bytes_field(const struct field *f,
					const char *ppath, uint8_t **out,
					size_t *len, char *err)
{
	char path[MCX_KMS_XML_PATH_LEN];
	char *t = NULL;
	enum mcx_kms_xml_err rc = MCX_KMS_XML_OK;
	mcx_kms_xml_child_path(path, ppath, f->name);
	rc = mcx_kms_xml_text(f->node, path, &t, err);
	if (rc != MCX_KMS_XML_OK)
		goto out;
	int d = mcx_kms_xml_decode(t, out, len);
	if (d == -2)
		rc = FAIL(MCX_KMS_XML_ERR_NOMEM, path, "out of memory");
	else if (d != 0)
		rc = FAIL(MCX_KMS_XML_ERR_ENCODING, path,
			  "neither hexBinary nor base64 text");
out:
	free(t);
	return rc;
}

static char *attr_dup(const xmlNode *n, const char *name)
{
	xmlChar *v = xmlGetNoNsProp(n, (const xmlChar *)name);
	char *s = v != NULL ? strdup((const char *)v) : NULL;
	xmlFree(v);
	return s;
}

static enum mcx_kms_xml_err parse_cert(const xmlNode *n, const char *path,
				       struct mcx_kms_xml_cert *c, char *err)
{
	enum mcx_kms_xml_err rc = MCX_KMS_XML_OK;
	struct field f[] = {
	    {"CertUri", 0, NULL},	{"KmsUri", 1, NULL},
	    {"Issuer", 0, NULL},	{"ValidFrom", 0, NULL},
	    {"ValidTo", 0, NULL},	{"Revoked", 0, NULL},
	    {"UserIdFormat", 1, NULL},	{"UserKeyPeriod", 1, NULL},
	    {"UserKeyOffset", 1, NULL}, {"PubEncKey", 1, NULL},
	    {"PubAuthKey", 1, NULL},	{"ParameterSet", 0, NULL},
	    {"KmsDomainList", 0, NULL},
	};
	snprintf(c->path, sizeof(c->path), "%s", path);
	c->role = attr_dup(n, "Role");
	c->id = attr_dup(n, "Id");
	char *gw = attr_dup(n, "IsSecurityGateway");
	c->is_security_gateway =
	    gw != NULL && (strcmp(gw, "true") == 0 || strcmp(gw, "1") == 0);
	free(gw);
	if ((rc = collect(n, path, f, sizeof(f) / sizeof(f[0]), err)) ||
	    (rc = str_field(&f[0], path, &c->cert_uri, err)) ||
	    (rc = str_field(&f[1], path, &c->kms_uri, err)) ||
	    (rc = str_field(&f[2], path, &c->issuer, err)) ||
	    (rc = time_field(&f[3], path, &c->has_valid_from, &c->valid_from,
			     err)) ||
	    (rc = time_field(&f[4], path, &c->has_valid_to, &c->valid_to,
			     err)) ||
	    (rc = bool_field(&f[5], path, &c->revoked, err)) ||
	    (rc = str_field(&f[6], path, &c->user_id_format, err)) ||
	    (rc = uint_field(&f[7], path, &c->user_key_period, err)) ||
	    (rc = uint_field(&f[8], path, &c->user_key_offset, err)) ||
	    (rc = bytes_field(&f[9], path, &c->pub_enc_key, &c->pub_enc_key_len,
			      err)) ||
	    (rc = bytes_field(&f[10], path, &c->pub_auth_key,
			      &c->pub_auth_key_len, err)))
		return rc;
	char p[MCX_KMS_XML_PATH_LEN];
	if (c->user_key_period == 0) {
		mcx_kms_xml_child_path(p, path, "UserKeyPeriod");
		return FAIL(MCX_KMS_XML_ERR_ENCODING, p, "key period of 0 s");
	}
	if (f[11].node != NULL) {
		uint64_t ps = 0;
		if ((rc = uint_field(&f[11], path, &ps, err)) != MCX_KMS_XML_OK)
			return rc;
		c->parameter_set = ps > 1000 ? 1000 : (long)ps;
	}
	if (f[12].node != NULL) {
		for (const xmlNode *d = f[12].node->children; d != NULL;
		     d = d->next) {
			if (!mcx_kms_xml_is(d, MCX_KMS_XML_NS, "KmsDomain"))
				continue;
			char **nd = realloc(c->domains,
					    (c->n_domains + 1) * sizeof(*nd));
			if (nd == NULL)
				return FAIL(MCX_KMS_XML_ERR_NOMEM, path,
					    "out of memory");
			c->domains = nd;
			c->domains[c->n_domains] = NULL;
			char dn[32];
			snprintf(dn, sizeof(dn), "KmsDomainList/KmsDomain[%zu]",
				 c->n_domains + 1);
			mcx_kms_xml_child_path(p, path, dn);
			rc = mcx_kms_xml_text(d, p, &c->domains[c->n_domains],
					      err);
			c->n_domains++;
			if (rc != MCX_KMS_XML_OK)
				return rc;
		}
	}
	return MCX_KMS_XML_OK;
}

static enum mcx_kms_xml_err parse_keyset(const xmlNode *n, const char *path,
					 struct mcx_kms_xml_keyset *ks,
					 char *err)
{
	enum mcx_kms_xml_err rc = MCX_KMS_XML_OK;
	char *uid = NULL;
	uint8_t *raw = NULL;
	size_t raw_len = 0;
	char p[MCX_KMS_XML_PATH_LEN];
	struct field f[] = {
	    {"KmsUri", 1, NULL},
	    {"CertUri", 0, NULL},
	    {"Issuer", 0, NULL},
	    {"UserUri", 1, NULL},
	    {"UserID", 1, NULL},
	    {"ValidFrom", 0, NULL},
	    {"ValidTo", 0, NULL},
	    {"KeyPeriodNo", 1, NULL},
	    {"Revoked", 0, NULL},
	    {"UserDecryptKey", 1, NULL},
	    {"UserSigningKeySSK", 1, NULL},
	    {"UserPubTokenPVT", 1, NULL},
	};
	snprintf(ks->path, sizeof(ks->path), "%s", path);
	ks->id = attr_dup(n, "Id");
	if ((rc = collect(n, path, f, sizeof(f) / sizeof(f[0]), err)) ||
	    (rc = str_field(&f[0], path, &ks->kms_uri, err)) ||
	    (rc = str_field(&f[1], path, &ks->cert_uri, err)) ||
	    (rc = str_field(&f[2], path, &ks->issuer, err)) ||
	    (rc = str_field(&f[3], path, &ks->user_uri, err)) ||
	    (rc = str_field(&f[4], path, &uid, err)) ||
	    (rc = time_field(&f[5], path, &ks->has_valid_from, &ks->valid_from,
			     err)) ||
	    (rc = time_field(&f[6], path, &ks->has_valid_to, &ks->valid_to,
			     err)) ||
	    (rc = uint_field(&f[7], path, &ks->key_period_no, err)) ||
	    (rc = bool_field(&f[8], path, &ks->revoked, err)))
		goto out;
	/* §6.2: UserID as hex (Streamwide) or base64 (another reading). */
	mcx_kms_xml_child_path(p, path, "UserID");
	int d = mcx_kms_xml_decode(uid, &raw, &raw_len);
	if (d == -2) {
		rc = FAIL(MCX_KMS_XML_ERR_NOMEM, p, "out of memory");
		goto out;
	}
	if (d != 0 || raw_len != MCX_KMS_XML_UID_LEN) {
		rc = FAIL(MCX_KMS_XML_ERR_LENGTH, p,
			  "not 32 octets of hex or base64");
		goto out;
	}
	memcpy(ks->user_id, raw, MCX_KMS_XML_UID_LEN);
	ks->user_id_text = uid;
	uid = NULL;
	mcx_kms_xml_child_path(p, path, "UserDecryptKey");
	if ((rc = mcx_kms_xml_parse_key(f[9].node, p, &ks->rsk, err)) !=
	    MCX_KMS_XML_OK)
		goto out;
	mcx_kms_xml_child_path(p, path, "UserSigningKeySSK");
	if ((rc = mcx_kms_xml_parse_key(f[10].node, p, &ks->ssk, err)) !=
	    MCX_KMS_XML_OK)
		goto out;
	mcx_kms_xml_child_path(p, path, "UserPubTokenPVT");
	rc = mcx_kms_xml_parse_key(f[11].node, p, &ks->pvt, err);
out:
	free(uid);
	free(raw);
	return rc;
}

/* Append-one helpers for the repeated elements. */
#define GROW(arr, n)                                                           \
	do {                                                                   \
		void *g_ = realloc((arr), ((n) + 1) * sizeof(*(arr)));         \
		if (g_ == NULL)                                                \
			return FAIL(MCX_KMS_XML_ERR_NOMEM, "",                 \
				    "out of memory");                          \
		(arr) = g_;                                                    \
		memset(&(arr)[(n)], 0, sizeof(*(arr)));                        \
		(n)++;                                                         \
	} while (0)

/* KmsInit, KmsKeyProv or KmsCertCache: certificates, key sets, and the
 * NewTransportKey / NewIntegrityKey elements of the TkIk types. */
static enum mcx_kms_xml_err parse_message(const xmlNode *m,
					  struct mcx_kms_xml *doc, char *err)
{
	enum mcx_kms_xml_err rc = MCX_KMS_XML_OK;
	char p[MCX_KMS_XML_PATH_LEN];
	for (const xmlNode *c = m->children; c != NULL; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		const xmlNode *cert = NULL;
		if (mcx_kms_xml_is(c, MCX_KMS_XML_NS, "KmsCertificate")) {
			cert = c;
			snprintf(p, sizeof(p), "KmsCertificate[%zu]",
				 doc->n_certs + 1);
		} else if (mcx_kms_xml_is(c, MCX_KMS_XML_NS,
					  "SignedKmsCertificate")) {
			snprintf(p, sizeof(p),
				 "SignedKmsCertificate[%zu]/KmsCertificate",
				 doc->n_certs + 1);
			cert = mcx_kms_xml_child(c, MCX_KMS_XML_NS,
						 "KmsCertificate");
			if (cert == NULL)
				return FAIL(MCX_KMS_XML_ERR_SCHEMA, p,
					    "missing element");
		}
		if (cert != NULL) {
			if (doc->type == MCX_KMS_XML_KEYPROV)
				return FAIL(MCX_KMS_XML_ERR_SCHEMA, p,
					    "certificate in KmsKeyProv");
			GROW(doc->certs, doc->n_certs);
			rc = parse_cert(cert, p, &doc->certs[doc->n_certs - 1],
					err);
		} else if (mcx_kms_xml_is(c, MCX_KMS_XML_NS, "KmsKeySet")) {
			snprintf(p, sizeof(p), "KmsKeySet[%zu]",
				 doc->n_keysets + 1);
			if (doc->type != MCX_KMS_XML_KEYPROV)
				return FAIL(MCX_KMS_XML_ERR_SCHEMA, p,
					    "key set outside KmsKeyProv");
			GROW(doc->keysets, doc->n_keysets);
			rc = parse_keyset(
			    c, p, &doc->keysets[doc->n_keysets - 1], err);
		} else if (mcx_kms_xml_is(c, MCX_KMS_XML_NS,
					  "NewTransportKey")) {
			snprintf(p, sizeof(p), "NewTransportKey[%zu]",
				 doc->n_new_trks + 1);
			GROW(doc->new_trks, doc->n_new_trks);
			rc = mcx_kms_xml_parse_key(
			    c, p, &doc->new_trks[doc->n_new_trks - 1], err);
		} else if (mcx_kms_xml_is(c, MCX_KMS_XML_NS,
					  "NewIntegrityKey")) {
			snprintf(p, sizeof(p), "NewIntegrityKey[%zu]",
				 doc->n_new_inks + 1);
			GROW(doc->new_inks, doc->n_new_inks);
			rc = mcx_kms_xml_parse_key(
			    c, p, &doc->new_inks[doc->n_new_inks - 1], err);
		}
		if (rc != MCX_KMS_XML_OK)
			return rc;
	}
	if (doc->type == MCX_KMS_XML_INIT && doc->n_certs != 1)
		return FAIL(MCX_KMS_XML_ERR_SCHEMA, "KmsInit",
			    "%zu certificates (exactly 1 expected)",
			    doc->n_certs);
	return MCX_KMS_XML_OK;
}

static enum mcx_kms_xml_err parse_response(const xmlNode *r,
					   struct mcx_kms_xml *doc, char *err)
{
	enum mcx_kms_xml_err rc = MCX_KMS_XML_OK;
	const char *pp = "KmsResponse";
	struct field f[] = {
	    {"UserUri", 1, NULL},      {"KmsUri", 1, NULL},
	    {"Time", 1, NULL},	       {"KmsId", 0, NULL},
	    {"ClientReqUrl", 1, NULL}, {"KmsMessage", 0, NULL},
	    {"KmsError", 0, NULL},     {"TrK-ID", 0, NULL},
	    {"Signature-ID", 0, NULL},
	};
	if ((rc = collect(r, pp, f, sizeof(f) / sizeof(f[0]), err)) ||
	    (rc = str_field(&f[0], pp, &doc->user_uri, err)) ||
	    (rc = str_field(&f[1], pp, &doc->kms_uri, err)) ||
	    (rc = str_field(&f[2], pp, &doc->time, err)) ||
	    (rc = str_field(&f[3], pp, &doc->kms_id, err)) ||
	    (rc = str_field(&f[4], pp, &doc->client_req_url, err)) ||
	    (rc = str_field(&f[7], pp, &doc->trk_id, err)) ||
	    (rc = str_field(&f[8], pp, &doc->signature_id, err)))
		return rc;
	if (f[6].node != NULL) {
		const xmlNode *ec =
		    mcx_kms_xml_child(f[6].node, MCX_KMS_XML_NS, "ErrorCode");
		if (ec != NULL &&
		    (rc = mcx_kms_xml_text(ec, "KmsError/ErrorCode",
					   &doc->error_code, err)))
			return rc;
	}
	if (f[5].node == NULL)
		return MCX_KMS_XML_OK;
	const xmlNode *m = NULL;
	size_t kinds = 0;
	for (const xmlNode *c = f[5].node->children; c != NULL; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		enum mcx_kms_xml_type t = MCX_KMS_XML_NONE;
		if (mcx_kms_xml_is(c, MCX_KMS_XML_NS, "KmsInit"))
			t = MCX_KMS_XML_INIT;
		else if (mcx_kms_xml_is(c, MCX_KMS_XML_NS, "KmsKeyProv"))
			t = MCX_KMS_XML_KEYPROV;
		else if (mcx_kms_xml_is(c, MCX_KMS_XML_NS, "KmsCertCache"))
			t = MCX_KMS_XML_CERTCACHE;
		else
			return FAIL(MCX_KMS_XML_ERR_SCHEMA, "KmsMessage",
				    "unexpected element %.80s",
				    (const char *)c->name);
		m = c;
		doc->type = t;
		kinds++;
	}
	if (kinds != 1)
		return FAIL(MCX_KMS_XML_ERR_SCHEMA, "KmsMessage",
			    "%zu messages (exactly 1 expected)", kinds);
	return parse_message(m, doc, err);
}

/* Refuse what the reader must never process: libxml2 would not load or
 * substitute entities with our options, but a DOCTYPE has no place in a
 * KMS response, so it is refused before any parsing. */
static int has_doctype(const uint8_t *buf, size_t len)
{
	static const char *const bad[] = {"<!DOCTYPE", "<!ENTITY"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (memmem(buf, len, bad[i], strlen(bad[i])) != NULL)
			return 1;
	return 0;
}

static void key_clear(struct mcx_kms_xml_key *k)
{
	mcx_wipe_free(k->value, k->len);
	free(k->algorithm);
	free(k->key_name);
}

void mcx_kms_xml_free(struct mcx_kms_xml *doc)
{
	if (doc == NULL)
		return;
	for (size_t i = 0; i < doc->n_certs; i++) {
		struct mcx_kms_xml_cert *c = &doc->certs[i];
		free(c->kms_uri);
		free(c->cert_uri);
		free(c->issuer);
		free(c->role);
		free(c->user_id_format);
		free(c->id);
		free(c->pub_enc_key);
		free(c->pub_auth_key);
		for (size_t j = 0; j < c->n_domains; j++)
			free(c->domains[j]);
		free(c->domains);
	}
	for (size_t i = 0; i < doc->n_keysets; i++) {
		struct mcx_kms_xml_keyset *k = &doc->keysets[i];
		free(k->kms_uri);
		free(k->cert_uri);
		free(k->issuer);
		free(k->user_uri);
		free(k->user_id_text);
		free(k->id);
		key_clear(&k->rsk);
		key_clear(&k->ssk);
		key_clear(&k->pvt);
	}
	for (size_t i = 0; i < doc->n_new_trks; i++)
		key_clear(&doc->new_trks[i]);
	for (size_t i = 0; i < doc->n_new_inks; i++)
		key_clear(&doc->new_inks[i]);
	free(doc->certs);
	free(doc->keysets);
	free(doc->new_trks);
	free(doc->new_inks);
	free(doc->user_uri);
	free(doc->kms_uri);
	free(doc->time);
	free(doc->client_req_url);
	free(doc->kms_id);
	free(doc->trk_id);
	free(doc->signature_id);
	free(doc->error_code);
	free(doc->sig_key_name);
	free(doc);
}

enum mcx_kms_xml_err mcx_kms_xml_parse(const uint8_t *buf, size_t len,
				       const struct mcx_kms_xml_opts *opts,
				       struct mcx_kms_xml **out,
				       char err[MCX_KMS_XML_ERR_LEN])
{
	static const struct mcx_kms_xml_opts defaults = {0};
	enum mcx_kms_xml_err rc = MCX_KMS_XML_OK;
	xmlParserCtxt *ctxt = NULL;
	xmlDoc *xdoc = NULL;
	struct mcx_kms_xml *doc = NULL;
	if (opts == NULL)
		opts = &defaults;
	size_t max =
	    opts->max_size != 0 ? opts->max_size : MCX_KMS_XML_MAX_SIZE;
	if (out == NULL || (buf == NULL && len != 0)) {
		rc = FAIL(MCX_KMS_XML_ERR_INTERNAL, "", "bad arguments");
		goto out;
	}
	*out = NULL;
	if (len == 0 || len > max || len > INT32_MAX) {
		rc = FAIL(MCX_KMS_XML_ERR_SIZE, "/",
			  "document of %zu octets (limit %zu)", len, max);
		goto out;
	}
	if (has_doctype(buf, len)) {
		rc = FAIL(MCX_KMS_XML_ERR_FORBIDDEN, "/",
			  "DOCTYPE or entity declaration not allowed");
		goto out;
	}
	ctxt = xmlNewParserCtxt();
	if (ctxt == NULL) {
		rc = FAIL(MCX_KMS_XML_ERR_NOMEM, "/", "out of memory");
		goto out;
	}
	/* NONET: no network; no NOENT / DTDLOAD / DTDATTR / HUGE / XINCLUDE. */
	xdoc = xmlCtxtReadMemory(ctxt, (const char *)buf, (int)len, NULL, NULL,
				 XML_PARSE_NONET | XML_PARSE_NOERROR |
				     XML_PARSE_NOWARNING);
	if (xdoc == NULL || !ctxt->wellFormed) {
		const xmlError *e = xmlCtxtGetLastError(ctxt);
		char msg[160] = "";
		if (e != NULL && e->message != NULL)
			snprintf(msg, sizeof(msg), "%s", e->message);
		msg[strcspn(msg, "\n")] = '\0';
		rc = FAIL(MCX_KMS_XML_ERR_PARSE, "/",
			  "not well-formed XML (line %d: %s)",
			  e != NULL ? e->line : 0, msg);
		goto out;
	}
	if (xdoc->intSubset != NULL || xdoc->extSubset != NULL) {
		rc =
		    FAIL(MCX_KMS_XML_ERR_FORBIDDEN, "/", "DOCTYPE not allowed");
		goto out;
	}
	doc = calloc(1, sizeof(*doc));
	if (doc == NULL) {
		rc = FAIL(MCX_KMS_XML_ERR_NOMEM, "/", "out of memory");
		goto out;
	}
	xmlNode *root = xmlDocGetRootElement(xdoc);
	xmlNode *resp = root;
	xmlNode *sig = NULL;
	if (mcx_kms_xml_is(root, MCX_KMS_XML_NS, "SignedKmsResponse")) {
		resp = mcx_kms_xml_child(root, MCX_KMS_XML_NS, "KmsResponse");
		sig = mcx_kms_xml_child(root, MCX_KMS_XML_DS_NS, "Signature");
		if (resp == NULL) {
			rc = FAIL(MCX_KMS_XML_ERR_SCHEMA, "SignedKmsResponse",
				  "missing element KmsResponse");
			goto out;
		}
	} else if (!mcx_kms_xml_is(root, MCX_KMS_XML_NS, "KmsResponse")) {
		rc = FAIL(MCX_KMS_XML_ERR_SCHEMA, "/",
			  "root is not KmsResponse or SignedKmsResponse in "
			  "namespace " MCX_KMS_XML_NS);
		goto out;
	}
	if (sig != NULL) {
		rc = mcx_kms_xml_verify_signature(xdoc, resp, sig, opts,
						  &doc->sig_key_name, err);
		if (rc != MCX_KMS_XML_OK)
			goto out;
		doc->signed_doc = 1;
	} else if (opts->require_signature) {
		rc = FAIL(MCX_KMS_XML_ERR_SIGNATURE, "/",
			  "unsigned document (ds:Signature required)");
		goto out;
	}
	if ((rc = parse_response(resp, doc, err)) != MCX_KMS_XML_OK)
		goto out;
	*out = doc;
	doc = NULL;
out:
	mcx_kms_xml_free(doc);
	xmlFreeDoc(xdoc);
	xmlFreeParserCtxt(ctxt);
	return rc;
}

enum mcx_kms_xml_err mcx_kms_xml_parse_file(const char *path,
					    const struct mcx_kms_xml_opts *opts,
					    struct mcx_kms_xml **out,
					    char err[MCX_KMS_XML_ERR_LEN])
{
	enum mcx_kms_xml_err rc = MCX_KMS_XML_OK;
	FILE *fp = NULL;
	uint8_t *buf = NULL;
	struct stat st;
	size_t max = opts != NULL && opts->max_size != 0 ? opts->max_size
							 : MCX_KMS_XML_MAX_SIZE;
	fp = fopen(path, "rb");
	if (fp == NULL || fstat(fileno(fp), &st) != 0) {
		rc = FAIL(MCX_KMS_XML_ERR_INTERNAL, path, "cannot read: %s",
			  strerror(errno));
		goto out;
	}
	/* The limit is checked before reading, so a huge file costs nothing. */
	if (st.st_size <= 0 || (uint64_t)st.st_size > max) {
		rc = FAIL(MCX_KMS_XML_ERR_SIZE, path,
			  "file of %lld octets (limit %zu)",
			  (long long)st.st_size, max);
		goto out;
	}
	buf = malloc((size_t)st.st_size);
	if (buf == NULL) {
		rc = FAIL(MCX_KMS_XML_ERR_NOMEM, path, "out of memory");
		goto out;
	}
	if (fread(buf, 1, (size_t)st.st_size, fp) != (size_t)st.st_size) {
		rc = FAIL(MCX_KMS_XML_ERR_INTERNAL, path, "short read");
		goto out;
	}
	rc = mcx_kms_xml_parse(buf, (size_t)st.st_size, opts, out, err);
out:
	if (buf != NULL)
		mcx_wipe_free(buf, (size_t)st.st_size);
	if (fp != NULL)
		fclose(fp);
	return rc;
}
