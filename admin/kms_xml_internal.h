/*
 * Helpers shared by the KMS XML reader's files (admin/kms_xml*.c); not
 * part of its interface.
 */
#ifndef MCX_ADMIN_KMS_XML_INTERNAL_H
#define MCX_ADMIN_KMS_XML_INTERNAL_H

#include <libxml/tree.h>

#include "admin/kms_xml.h"

#define MCX_KMS_XML_DS_NS   "http://www.w3.org/2000/09/xmldsig#"
#define MCX_KMS_XML_XENC_NS "http://www.w3.org/2001/04/xmlenc#"
#define MCX_KMS_XML_XSI_NS  "http://www.w3.org/2001/XMLSchema-instance"

/* Write "path: why" into err and return e. */
enum mcx_kms_xml_err mcx_kms_xml_fail(char *err, enum mcx_kms_xml_err e,
				      const char *path, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Whether n is an element called name in namespace ns. */
int mcx_kms_xml_is(const xmlNode *n, const char *ns, const char *name);

/* dst (MCX_KMS_XML_PATH_LEN) = "ppath/name", truncated if need be. */
void mcx_kms_xml_child_path(char *dst, const char *ppath, const char *name);

/* One abstractKeyContentType element (RSK, SSK, PVT, NewTransportKey):
 * fills key (path recorded for messages). */
enum mcx_kms_xml_err mcx_kms_xml_parse_key(const xmlNode *n, const char *path,
					   struct mcx_kms_xml_key *key,
					   char *err);

/* The first element child of parent called name in ns, or NULL. */
xmlNode *mcx_kms_xml_child(const xmlNode *parent, const char *ns,
			   const char *name);

/* The text content of an element (text and CDATA children, surrounding
 * white space trimmed) in a fresh string; an element child or an entity
 * reference is an error naming path. */
enum mcx_kms_xml_err mcx_kms_xml_text(const xmlNode *n, const char *path,
				      char **out, char *err);

/* Decode key text: all hex digits (white space ignored) -> hexBinary,
 * otherwise base64 (§6.2).  0 on success with a fresh buffer in *out
 * (wipe it), -1 if the text is neither, -2 out of memory. */
int mcx_kms_xml_decode(const char *text, uint8_t **out, size_t *len);

/* Strict base64 only (CipherValue, DigestValue, SignatureValue). */
int mcx_kms_xml_base64(const char *text, uint8_t **out, size_t *len);

/* Verify the ds:Signature sig of a SignedKmsResponse over its KmsResponse
 * resp (MCX-REFERENCE §6.1: HMAC-SHA-256, 256-bit).  *key_name gets the
 * signature's ds:KeyName (or NULL). */
enum mcx_kms_xml_err
mcx_kms_xml_verify_signature(xmlDoc *doc, xmlNode *resp, xmlNode *sig,
			     const struct mcx_kms_xml_opts *opts,
			     char **key_name, char *err);

#endif /* MCX_ADMIN_KMS_XML_INTERNAL_H */
