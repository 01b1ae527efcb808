/*
 * Text and tree helpers of the KMS XML reader: error messages, element
 * lookup by namespace, element text, hexBinary / base64 decoding (§6.2:
 * all hex digits -> hex, otherwise base64, as Streamwide's parser does).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "admin/kms_xml_internal.h"
#include "common/hex.h"
#include "common/wipe.h"

enum mcx_kms_xml_err mcx_kms_xml_fail(char *err, enum mcx_kms_xml_err e,
				      const char *path, const char *fmt, ...)
{
	va_list ap;
	if (err == NULL)
		return e;
	int n = snprintf(err, MCX_KMS_XML_ERR_LEN,
			 "%s: ", path != NULL && path[0] != '\0' ? path : "/");
	if (n < 0 || n >= MCX_KMS_XML_ERR_LEN)
		return e;
	va_start(ap, fmt);
	vsnprintf(err + n, MCX_KMS_XML_ERR_LEN - (size_t)n, fmt, ap);
	va_end(ap);
	return e;
}

int mcx_kms_xml_is(const xmlNode *n, const char *ns, const char *name)
{
	return n != NULL && n->type == XML_ELEMENT_NODE && n->ns != NULL &&
	       n->ns->href != NULL &&
	       strcmp((const char *)n->ns->href, ns) == 0 &&
	       strcmp((const char *)n->name, name) == 0;
}

xmlNode *mcx_kms_xml_child(const xmlNode *parent, const char *ns,
			   const char *name)
{
	for (xmlNode *c = parent->children; c != NULL; c = c->next)
		if (mcx_kms_xml_is(c, ns, name))
			return c;
	return NULL;
}

/* "ppath/name", truncated to the path buffer (messages only). */
void mcx_kms_xml_child_path(char *dst, const char *ppath, const char *name)
{
	size_t a = strlen(ppath), b = strlen(name), o = 0;
	if (a > MCX_KMS_XML_PATH_LEN - 1)
		a = MCX_KMS_XML_PATH_LEN - 1;
	memcpy(dst, ppath, a);
	o = a;
	if (a != 0 && o < MCX_KMS_XML_PATH_LEN - 1)
		dst[o++] = '/';
	if (b > MCX_KMS_XML_PATH_LEN - 1 - o)
		b = MCX_KMS_XML_PATH_LEN - 1 - o;
	memcpy(dst + o, name, b);
	dst[o + b] = '\0';
}

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

enum mcx_kms_xml_err mcx_kms_xml_text(const xmlNode *n, const char *path,
				      char **out, char *err)
{
	size_t len = 0;
	char *s = NULL;
	*out = NULL;
	for (const xmlNode *c = n->children; c != NULL; c = c->next) {
		if (c->type == XML_TEXT_NODE ||
		    c->type == XML_CDATA_SECTION_NODE)
			len += c->content != NULL
				   ? strlen((const char *)c->content)
				   : 0;
		else if (c->type == XML_ELEMENT_NODE)
			return mcx_kms_xml_fail(
			    err, MCX_KMS_XML_ERR_SCHEMA, path,
			    "unexpected child element %.80s",
			    (const char *)c->name);
		else if (c->type == XML_ENTITY_REF_NODE ||
			 c->type == XML_ENTITY_NODE)
			return mcx_kms_xml_fail(err, MCX_KMS_XML_ERR_FORBIDDEN,
						path,
						"entity reference not allowed");
	}
	s = malloc(len + 1);
	if (s == NULL)
		return mcx_kms_xml_fail(err, MCX_KMS_XML_ERR_NOMEM, path,
					"out of memory");
	size_t off = 0;
	for (const xmlNode *c = n->children; c != NULL; c = c->next) {
		if ((c->type == XML_TEXT_NODE ||
		     c->type == XML_CDATA_SECTION_NODE) &&
		    c->content != NULL) {
			size_t l = strlen((const char *)c->content);
			memcpy(s + off, c->content, l);
			off += l;
		}
	}
	s[off] = '\0';
	/* trim (xsd:token / anyURI / hexBinary collapse white space) */
	size_t b = 0;
	while (b < off && is_space(s[b]))
		b++;
	while (off > b && is_space(s[off - 1]))
		off--;
	memmove(s, s + b, off - b);
	s[off - b] = '\0';
	*out = s;
	return MCX_KMS_XML_OK;
}

static int b64val(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

int mcx_kms_xml_base64(const char *text, uint8_t **out, size_t *len)
{
	size_t n = 0, pad = 0, o = 0;
	uint8_t *buf = NULL;
	uint32_t acc = 0;
	int bits = 0;
	*out = NULL;
	*len = 0;
	for (const char *p = text; *p != '\0'; p++) {
		if (is_space(*p))
			continue;
		if (*p == '=') {
			pad++;
		} else if (pad != 0 || b64val(*p) < 0) {
			return -1; /* data after padding, or not base64 */
		}
		n++;
	}
	if (n == 0 || n % 4 != 0 || pad > 2)
		return -1;
	buf = malloc(n / 4 * 3);
	if (buf == NULL)
		return -2;
	for (const char *p = text; *p != '\0'; p++) {
		if (is_space(*p) || *p == '=')
			continue;
		acc = acc << 6 | (uint32_t)b64val(*p);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			buf[o++] = (uint8_t)(acc >> bits);
		}
	}
	/* canonical form: the unused low bits of the last group are zero */
	if ((acc & ((1u << bits) - 1)) != 0 || o != n / 4 * 3 - pad) {
		mcx_wipe_free(buf, n / 4 * 3);
		return -1;
	}
	acc = 0;
	*out = buf;
	*len = o;
	return 0;
}

int mcx_kms_xml_decode(const char *text, uint8_t **out, size_t *len)
{
	size_t digits = 0;
	int all_hex = 1;
	*out = NULL;
	*len = 0;
	for (const char *p = text; *p != '\0'; p++) {
		if (is_space(*p))
			continue;
		if (mcx_hex_digit(*p) < 0)
			all_hex = 0;
		digits++;
	}
	if (digits == 0)
		return -1;
	if (!all_hex)
		return mcx_kms_xml_base64(text, out, len);
	if (digits % 2 != 0)
		return -1; /* truncated hexBinary */
	uint8_t *buf = malloc(digits / 2);
	if (buf == NULL)
		return -2;
	size_t o = 0;
	int hi = -1;
	for (const char *p = text; *p != '\0'; p++) {
		if (is_space(*p))
			continue;
		if (hi < 0) {
			hi = mcx_hex_digit(*p);
		} else {
			buf[o++] = (uint8_t)(hi << 4 | mcx_hex_digit(*p));
			hi = -1;
		}
	}
	*out = buf;
	*len = o;
	return 0;
}
