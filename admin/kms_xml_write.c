/*
 * The KMS side of Annex D (MCX-REFERENCE §6.2, §6.3 layout): KmsResponse
 * documents carrying a KmsInit (the KMS certificate) or a KmsKeyProv (key
 * sets whose elements are TrK-encrypted xenc:EncryptedKey, decision b, or
 * clear hexBinary), as `mcxhsm kms certificate` / `kms issue` write them
 * and as admin/kms_xml.c reads them.  Text is escaped; key octets are
 * written as the caller gives them (wrapped, or public).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "admin/kms_xml.h"
#include "common/wipe.h"

struct buf {
	char *p;
	size_t len, cap;
	int failed;
};

static void put(struct buf *b, const char *s, size_t n)
{
	char *g = NULL;

	if (b->failed)
		return;
	if (b->len + n + 1 > b->cap) {
		size_t cap = (b->cap + n + 1) * 2;

		g = realloc(b->p, cap);
		if (g == NULL) {
			b->failed = 1;
			return;
		}
		b->p = g;
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void puts_(struct buf *b, const char *s)
{
	put(b, s, strlen(s));
}

static void putf(struct buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void putf(struct buf *b, const char *fmt, ...)
{
	char tmp[256];
	va_list ap;
	int n = 0;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(tmp))
		b->failed = 1;
	else
		put(b, tmp, (size_t)n);
}

/* Character data with &, <, >, " escaped (XML 1.0 §2.4). */
static void text(struct buf *b, const char *s)
{
	for (; *s != '\0'; s++) {
		switch (*s) {
		case '&':
			puts_(b, "&amp;");
			break;
		case '<':
			puts_(b, "&lt;");
			break;
		case '>':
			puts_(b, "&gt;");
			break;
		case '"':
			puts_(b, "&quot;");
			break;
		default:
			put(b, s, 1);
		}
	}
}

static void elem(struct buf *b, const char *indent, const char *name,
		 const char *value)
{
	if (value == NULL)
		return;
	putf(b, "%s<%s>", indent, name);
	text(b, value);
	putf(b, "</%s>\n", name);
}

static void hex(struct buf *b, const uint8_t *v, size_t len)
{
	static const char digits[] = "0123456789ABCDEF";
	char pair[2];

	for (size_t i = 0; i < len; i++) {
		pair[0] = digits[v[i] >> 4];
		pair[1] = digits[v[i] & 15];
		put(b, pair, 2);
	}
}

static void base64(struct buf *b, const uint8_t *v, size_t len)
{
	static const char al[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstu"
	    "vwxyz0123456789+/";
	char q[4];

	for (size_t i = 0; i < len; i += 3) {
		uint32_t w = (uint32_t)v[i] << 16;

		if (i + 1 < len)
			w |= (uint32_t)v[i + 1] << 8;
		if (i + 2 < len)
			w |= v[i + 2];
		q[0] = al[(w >> 18) & 63];
		q[1] = al[(w >> 12) & 63];
		q[2] = i + 1 < len ? al[(w >> 6) & 63] : '=';
		q[3] = i + 2 < len ? al[w & 63] : '=';
		put(b, q, 4);
	}
}

/* xsd:dateTime in UTC. */
static void datetime(struct buf *b, const char *indent, const char *name,
		     int64_t t)
{
	struct tm tm;
	time_t tt = (time_t)t;
	char s[40];

	memset(&tm, 0, sizeof(tm));
	if (gmtime_r(&tt, &tm) == NULL ||
	    strftime(s, sizeof(s), "%Y-%m-%dT%H:%M:%SZ", &tm) == 0) {
		b->failed = 1;
		return;
	}
	elem(b, indent, name, s);
}

/* One abstractKeyContentType element: hexBinary, or (decision b) an
 * xenc:EncryptedKey naming the TrK in ds:KeyInfo/ds:KeyName. */
static void key(struct buf *b, const char *name,
		const struct mcx_kms_xml_wkey *k)
{
	const char *in = "          ";

	if (k->algorithm == NULL) {
		putf(b, "%s<%s xsi:type=\"KeyContentType\">", in, name);
		hex(b, k->value, k->len);
		putf(b, "</%s>\n", name);
		return;
	}
	putf(b, "%s<%s xsi:type=\"EncKeyContentType\">\n", in, name);
	putf(b,
	     "%s  <xenc:EncryptedKey>\n%s    <xenc:EncryptionMethod "
	     "Algorithm=\"",
	     in, in);
	text(b, k->algorithm);
	puts_(b, "\"/>\n");
	if (k->key_name != NULL) {
		putf(b, "%s    <ds:KeyInfo><ds:KeyName>", in);
		text(b, k->key_name);
		puts_(b, "</ds:KeyName></ds:KeyInfo>\n");
	}
	putf(b, "%s    <xenc:CipherData><xenc:CipherValue>", in);
	base64(b, k->value, k->len);
	puts_(b, "</xenc:CipherValue></xenc:CipherData>\n");
	putf(b, "%s  </xenc:EncryptedKey>\n%s</%s>\n", in, in, name);
}

static void cert(struct buf *b, const struct mcx_kms_xml_wcert *c)
{
	const char *in = "        ";

	putf(b, "      <KmsCertificate Version=\"1.1.0\" Role=\"");
	text(b, c->role != NULL ? c->role : "Root");
	puts_(b, "\">\n");
	elem(b, in, "CertUri", c->cert_uri);
	elem(b, in, "KmsUri", c->kms_uri);
	elem(b, in, "Issuer", c->issuer);
	if (c->has_valid_from)
		datetime(b, in, "ValidFrom", c->valid_from);
	if (c->has_valid_to)
		datetime(b, in, "ValidTo", c->valid_to);
	if (c->revoked)
		elem(b, in, "Revoked", "true");
	/* "2": the TS 33.180 F.2.1 hashed UID (the Streamwide examples) */
	elem(b, in, "UserIdFormat", "2");
	putf(b, "%s<UserKeyPeriod>%llu</UserKeyPeriod>\n", in,
	     (unsigned long long)c->user_key_period);
	putf(b, "%s<UserKeyOffset>%llu</UserKeyOffset>\n", in,
	     (unsigned long long)c->user_key_offset);
	putf(b, "%s<PubEncKey>", in);
	hex(b, c->pub_enc_key, MCX_KMS_XML_RSK_LEN);
	puts_(b, "</PubEncKey>\n");
	putf(b, "%s<PubAuthKey>", in);
	hex(b, c->pub_auth_key, MCX_KMS_XML_PVT_LEN);
	puts_(b, "</PubAuthKey>\n");
	/* RFC 6509 parameter set 1 */
	putf(b, "%s<ParameterSet>1</ParameterSet>\n", in);
	puts_(b, "      </KmsCertificate>\n");
}

static void keyset(struct buf *b, const struct mcx_kms_xml_wkeyset *ks)
{
	const char *in = "          ";
	char uid[2 * MCX_KMS_XML_UID_LEN + 1];

	for (size_t i = 0; i < MCX_KMS_XML_UID_LEN; i++)
		snprintf(uid + 2 * i, 3, "%02x", ks->user_id[i]);
	puts_(b, "        <KmsKeySet Version=\"1.1.0\">\n");
	elem(b, in, "KmsUri", ks->kms_uri);
	elem(b, in, "UserUri", ks->user_uri);
	elem(b, in, "UserID", uid);
	datetime(b, in, "ValidFrom", ks->valid_from);
	datetime(b, in, "ValidTo", ks->valid_to);
	putf(b, "%s<KeyPeriodNo>%llu</KeyPeriodNo>\n", in,
	     (unsigned long long)ks->key_period_no);
	elem(b, in, "Revoked", "false");
	key(b, "UserDecryptKey", &ks->rsk);
	key(b, "UserSigningKeySSK", &ks->ssk);
	key(b, "UserPubTokenPVT", &ks->pvt);
	puts_(b, "        </KmsKeySet>\n");
}

char *mcx_kms_xml_write(const struct mcx_kms_xml_wdoc *doc, size_t *len)
{
	struct buf b = {NULL, 0, 0, 0};
	const char *path = doc->type == MCX_KMS_XML_INIT ? "init" : "keyprov";

	puts_(&b,
	      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	      "<KmsResponse xmlns=\"" MCX_KMS_XML_NS "\"\n"
	      "    xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"\n"
	      "    xmlns:xenc=\"http://www.w3.org/2001/04/xmlenc#\"\n"
	      "    xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\"\n"
	      "    Version=\"1.0.0\">\n");
	elem(&b, "  ", "UserUri", doc->user_uri);
	elem(&b, "  ", "KmsUri", doc->kms_uri);
	datetime(&b, "  ", "Time", doc->time);
	/* §6.1: the request this answers */
	putf(&b, "  <ClientReqUrl>https://");
	text(&b, doc->kms_uri);
	putf(&b, "/keymanagement/identity/v1/%s</ClientReqUrl>\n", path);
	elem(&b, "  ", "TrK-ID", doc->trk_id);
	puts_(&b, "  <KmsMessage>\n");
	if (doc->type == MCX_KMS_XML_INIT) {
		puts_(&b, "    <KmsInit Version=\"1.0.0\">\n");
		cert(&b, doc->cert);
		puts_(&b, "    </KmsInit>\n");
	} else {
		puts_(&b, "    <KmsKeyProv Version=\"1.0.0\">\n");
		for (size_t i = 0; i < doc->n_keysets; i++)
			keyset(&b, &doc->keysets[i]);
		puts_(&b, "    </KmsKeyProv>\n");
	}
	puts_(&b, "  </KmsMessage>\n</KmsResponse>\n");
	if (b.failed) {
		if (b.p != NULL)
			mcx_wipe_free(b.p, b.cap);
		return NULL;
	}
	*len = b.len;
	return b.p;
}
