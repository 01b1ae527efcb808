/*
 * RFC 7512 "pkcs11:" URIs: path attributes separated by ';', query
 * attributes after '?' separated by '&', values percent-encoded (§2.3).
 * A path attribute we do not know makes the URI invalid, except vendor
 * ones ("x-..."); unknown query attributes are ignored (§2.3, §3.3).
 * Supported: token, manufacturer, model, serial, slot-id, object, id, type
 * (path); pin-source, pin-value (query).  library-* and slot-description
 * / slot-manufacturer are accepted and not used for matching: there is one
 * library, the configured module.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/crypto.h>

#include "common/hex.h"
#include "provider/internal.h"

/* Percent-decode s[0..n) into a new NUL-terminated buffer. */
static char *pct_decode(const char *s, size_t n, size_t *out_len)
{
	char *out = malloc(n + 1);
	size_t o = 0;
	if (out == NULL)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '%') {
			int hi = i + 1 < n ? mcx_hex_digit(s[i + 1]) : -1;
			int lo = i + 2 < n ? mcx_hex_digit(s[i + 2]) : -1;
			if (hi < 0 || lo < 0) {
				OPENSSL_clear_free(out, n + 1);
				return NULL;
			}
			out[o++] = (char)(hi << 4 | lo);
			i += 2;
		} else {
			out[o++] = s[i];
		}
	}
	out[o] = '\0';
	*out_len = o;
	return out;
}

static CK_RV set_str(char **dst, const char *v, size_t vlen)
{
	if (*dst != NULL)
		return CKR_ARGUMENTS_BAD; /* twice */
	*dst = malloc(vlen + 1);
	if (*dst == NULL)
		return CKR_HOST_MEMORY;
	memcpy(*dst, v, vlen + 1);
	return CKR_OK;
}

static CK_RV path_attr(struct mcx_uri *u, const char *name, const char *v,
		       size_t vlen)
{
	if (strcmp(name, "token") == 0)
		return set_str(&u->token, v, vlen);
	if (strcmp(name, "manufacturer") == 0)
		return set_str(&u->manufacturer, v, vlen);
	if (strcmp(name, "model") == 0)
		return set_str(&u->model, v, vlen);
	if (strcmp(name, "serial") == 0)
		return set_str(&u->serial, v, vlen);
	if (strcmp(name, "object") == 0)
		return set_str(&u->object, v, vlen);
	if (strcmp(name, "id") == 0) {
		if (u->has_id)
			return CKR_ARGUMENTS_BAD;
		u->id = malloc(vlen ? vlen : 1);
		if (u->id == NULL)
			return CKR_HOST_MEMORY;
		memcpy(u->id, v, vlen);
		u->id_len = vlen;
		u->has_id = true;
		return CKR_OK;
	}
	if (strcmp(name, "slot-id") == 0) {
		char *end = NULL;
		if (u->has_slot_id || vlen == 0)
			return CKR_ARGUMENTS_BAD;
		unsigned long id = strtoul(v, &end, 10);
		if (end == NULL || *end != '\0')
			return CKR_ARGUMENTS_BAD;
		u->slot_id = id;
		u->has_slot_id = true;
		return CKR_OK;
	}
	if (strcmp(name, "type") == 0) {
		static const struct {
			const char *n;
			CK_OBJECT_CLASS c;
		} types[] = {
		    {"public", CKO_PUBLIC_KEY},
		    {"private", CKO_PRIVATE_KEY},
		    {"secret-key", CKO_SECRET_KEY},
		    {"cert", CKO_CERTIFICATE},
		    {"data", CKO_DATA},
		};
		if (u->has_type)
			return CKR_ARGUMENTS_BAD;
		for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
			if (strcmp(v, types[i].n) == 0) {
				u->type = types[i].c;
				u->has_type = true;
				return CKR_OK;
			}
		return CKR_ARGUMENTS_BAD;
	}
	if (strncmp(name, "library-", 8) == 0 ||
	    strcmp(name, "slot-description") == 0 ||
	    strcmp(name, "slot-manufacturer") == 0 ||
	    strncmp(name, "x-", 2) == 0)
		return CKR_OK;
	return CKR_ARGUMENTS_BAD;
}

static CK_RV query_attr(struct mcx_uri *u, const char *name, const char *v,
			size_t vlen)
{
	if (strcmp(name, "pin-source") == 0)
		return set_str(&u->pin_source, v, vlen);
	if (strcmp(name, "pin-value") == 0) {
		CK_RV rv = set_str(&u->pin_value, v, vlen);
		if (rv == CKR_OK)
			u->pin_value_len = vlen;
		return rv;
	}
	return CKR_OK;
}

/* One "name=value" of s[0..n). */
static CK_RV one_attr(struct mcx_uri *u, const char *s, size_t n, bool query)
{
	const char *eq = memchr(s, '=', n);
	char name[64];
	size_t vlen = 0;
	if (eq == NULL || eq == s || (size_t)(eq - s) >= sizeof(name))
		return CKR_ARGUMENTS_BAD;
	memcpy(name, s, (size_t)(eq - s));
	name[eq - s] = '\0';
	char *v = pct_decode(eq + 1, n - (size_t)(eq - s) - 1, &vlen);
	if (v == NULL)
		return CKR_ARGUMENTS_BAD;
	CK_RV rv =
	    query ? query_attr(u, name, v, vlen) : path_attr(u, name, v, vlen);
	OPENSSL_clear_free(v, vlen + 1);
	return rv;
}

static CK_RV attrs(struct mcx_uri *u, const char *s, size_t n, char sep,
		   bool query)
{
	size_t start = 0;
	for (size_t i = 0; i <= n; i++) {
		if (i < n && s[i] != sep)
			continue;
		if (i > start) {
			CK_RV rv = one_attr(u, s + start, i - start, query);
			if (rv != CKR_OK)
				return rv;
		}
		start = i + 1;
	}
	return CKR_OK;
}

CK_RV mcx_uri_parse(const char *s, struct mcx_uri *u)
{
	memset(u, 0, sizeof(*u));
	if (s == NULL || strncasecmp(s, "pkcs11:", 7) != 0)
		return CKR_ARGUMENTS_BAD;
	s += 7;
	const char *q = strchr(s, '?');
	size_t plen = q ? (size_t)(q - s) : strlen(s);
	CK_RV rv = attrs(u, s, plen, ';', false);
	if (rv == CKR_OK && q != NULL)
		rv = attrs(u, q + 1, strlen(q + 1), '&', true);
	/* RFC 7512 §2.4: a URI may carry pin-value or pin-source, not
	 * both */
	if (rv == CKR_OK && u->pin_source != NULL && u->pin_value != NULL)
		rv = CKR_ARGUMENTS_BAD;
	if (rv != CKR_OK)
		mcx_uri_clear(u);
	return rv;
}

void mcx_uri_clear(struct mcx_uri *u)
{
	free(u->token);
	free(u->manufacturer);
	free(u->model);
	free(u->serial);
	free(u->object);
	free(u->id);
	free(u->pin_source);
	if (u->pin_value != NULL)
		OPENSSL_clear_free(u->pin_value, u->pin_value_len + 1);
	memset(u, 0, sizeof(*u));
}

/* RFC 3986 unreserved characters and the pchar extras RFC 7512 allows
 * unescaped in path values. */
static bool plain(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || strchr("-._~:[]@!$'()*+,", c) != NULL;
}

static size_t pct_encode(char *out, const uint8_t *v, size_t n, bool all)
{
	static const char hex[] = "0123456789abcdef";
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		if (!all && plain(v[i]) && v[i] != 0) {
			if (out)
				out[o] = (char)v[i];
			o++;
		} else {
			if (out) {
				out[o] = '%';
				out[o + 1] = hex[v[i] >> 4];
				out[o + 2] = hex[v[i] & 15];
			}
			o += 3;
		}
	}
	return o;
}

char *mcx_uri_format(const char *token, const char *object, const uint8_t *id,
		     size_t id_len, CK_OBJECT_CLASS cls)
{
	const char *type = cls == CKO_PUBLIC_KEY    ? "public"
			   : cls == CKO_PRIVATE_KEY ? "private"
						    : NULL;
	size_t tl = token ? strlen(token) : 0, ol = object ? strlen(object) : 0;
	size_t n = 7 + 7 + pct_encode(NULL, (const uint8_t *)token, tl, false) +
		   8 + pct_encode(NULL, (const uint8_t *)object, ol, false) +
		   4 + pct_encode(NULL, id, id_len, true) + 16;
	char *s = malloc(n), *w = s;
	if (s == NULL)
		return NULL;
	memcpy(w, "pkcs11:", 7);
	w += 7;
	const char *sep = "";
	if (token != NULL) {
		w += sprintf(w, "%stoken=", sep);
		w += pct_encode(w, (const uint8_t *)token, tl, false);
		sep = ";";
	}
	if (object != NULL && ol > 0) {
		w += sprintf(w, "%sobject=", sep);
		w += pct_encode(w, (const uint8_t *)object, ol, false);
		sep = ";";
	}
	if (id != NULL && id_len > 0) {
		w += sprintf(w, "%sid=", sep);
		w += pct_encode(w, id, id_len, true);
		sep = ";";
	}
	if (type != NULL)
		w += sprintf(w, "%stype=%s", sep, type);
	*w = '\0';
	return s;
}
