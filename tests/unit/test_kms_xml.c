/*
 * The KMS XML reader (admin/kms_xml.h, MCX-REFERENCE §6): the Annex D
 * examples of tests/vectors/kms_xml/, the Streamwide v5 key sets
 * (mikey_streamwide_v5.json) built into XML here in clear and TrK-encrypted
 * form (OpenSSL's AES key wrap, decision b), a signature made here with
 * libxml2's c14n over an XPath node set, and bad input refused with a
 * message naming the element.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <libxml/c14n.h>
#include <libxml/parser.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include "admin/kms_xml.h"
#include "tests/common/vectors.h"
#include "tests/kms/kms_xml_ref.h"

#define XSI  "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\""
#define XENC "http://www.w3.org/2001/04/xmlenc#"
#define DS   "http://www.w3.org/2000/09/xmldsig#"

static struct json_object *sw;
static uint8_t trk[32];

/* ---- text building --------------------------------------------------- */

struct buf {
	char *p;
	size_t len, cap;
};

static void bprintf(struct buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void bprintf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	assert_true(n >= 0);
	if (b->len + (size_t)n + 1 > b->cap) {
		b->cap = (b->len + (size_t)n + 1) * 2;
		b->p = realloc(b->p, b->cap);
		assert_non_null(b->p);
	}
	va_start(ap, fmt);
	vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

static char *b64(const uint8_t *in, size_t len)
{
	char *out = malloc(4 * ((len + 2) / 3) + 1);
	assert_non_null(out);
	EVP_EncodeBlock((unsigned char *)out, in, (int)len);
	return out;
}

/* OpenSSL's AES key wrap (independent of mechanisms/aes.c). */
static char *wrap_b64(const char *hex, int pad, size_t kek_len)
{
	uint8_t in[300], out[320];
	long n = mcx_hex_decode(hex, in, sizeof(in));
	int l1 = 0, l2 = 0;
	assert_true(n > 0);
	const EVP_CIPHER *c =
	    pad ? (kek_len == 16 ? EVP_aes_128_wrap_pad()
				 : EVP_aes_256_wrap_pad())
		: (kek_len == 16 ? EVP_aes_128_wrap() : EVP_aes_256_wrap());
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	assert_int_equal(EVP_EncryptInit_ex(ctx, c, NULL, trk, NULL), 1);
	assert_int_equal(EVP_EncryptUpdate(ctx, out, &l1, in, (int)n), 1);
	assert_int_equal(EVP_EncryptFinal_ex(ctx, out + l1, &l2), 1);
	EVP_CIPHER_CTX_free(ctx);
	return b64(out, (size_t)(l1 + l2));
}

static void key_elem(struct buf *b, const char *name, const char *hex,
		     const char *alg, int pad, size_t kek_len)
{
	if (alg == NULL) {
		bprintf(b, "<%s xsi:type=\"KeyContentType\">%s</%s>", name, hex,
			name);
		return;
	}
	char *cv = wrap_b64(hex, pad, kek_len);
	bprintf(b,
		"<%s xsi:type=\"EncKeyContentType\"><xenc:EncryptedKey "
		"xmlns:xenc=\"" XENC "\" xmlns:ds=\"" DS "\">"
		"<xenc:EncryptionMethod Algorithm=\"%s\"/>"
		"<ds:KeyInfo><ds:KeyName>trk-1</ds:KeyName></ds:KeyInfo>"
		"<xenc:CipherData><xenc:CipherValue>%s</xenc:CipherValue>"
		"</xenc:CipherData></xenc:EncryptedKey></%s>",
		name, alg, cv, name);
	free(cv);
}

static void head(struct buf *b, const char *msg_open)
{
	bprintf(b,
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<KmsResponse xmlns=\"" MCX_KMS_XML_NS "\" " XSI
		" Id=\"xmldoc\"><UserUri>%s</UserUri><KmsUri>%s</KmsUri>"
		"<Time>2024-01-01T00:00:00Z</Time><ClientReqUrl>https://kms/"
		"keymanagement/identity/v1/x</ClientReqUrl><KmsMessage>%s",
		mcx_vectors_str(sw, "users.GMS.uri"),
		mcx_vectors_str(sw, "kms.KmsUri"), msg_open);
}

/* KmsInit with the Streamwide v5 certificate. */
static char *init_xml(void)
{
	struct buf b = {0};
	head(&b, "<KmsInit Version=\"1.0.0\">");
	bprintf(&b,
		"<KmsCertificate Version=\"1.1.0\" Role=\"Root\">"
		"<KmsUri>%s</KmsUri><UserIdFormat>2</UserIdFormat>"
		"<UserKeyPeriod>%d</UserKeyPeriod><UserKeyOffset>%d"
		"</UserKeyOffset><PubEncKey>%s</PubEncKey><PubAuthKey>%s"
		"</PubAuthKey><ParameterSet>1</ParameterSet><KmsDomainList>"
		"<KmsDomain>streamwide.com</KmsDomain></KmsDomainList>"
		"</KmsCertificate></KmsInit></KmsMessage></KmsResponse>",
		mcx_vectors_str(sw, "kms.KmsUri"),
		json_object_get_int(mcx_vectors_get(sw, "kms.UserKeyPeriod")),
		json_object_get_int(mcx_vectors_get(sw, "kms.UserKeyOffset")),
		mcx_vectors_str(sw, "kms.Z_PubEncKey"),
		mcx_vectors_str(sw, "kms.KPAK_PubAuthKey"));
	return b.p;
}

/* What to change in a generated key set. */
struct mod {
	const char *user;      /* whose identity (UserUri, UserID) */
	const char *keys_from; /* whose keys (default: user) */
	int encrypted;
	const char *uid;     /* replaces UserID text */
	const char *ssk;     /* replaces SSK text */
	const char *rsk_alg; /* replaces the RSK EncryptionMethod */
	const char *rsk;     /* replaces RSK text */
	int kek16;	     /* kw-aes128 / kw-aes-128-pad, 16-octet TrK */
};

static char *keyprov_xml(const struct mod *m, size_t n)
{
	struct buf b = {0};
	char path[64];
	head(&b, "<KmsKeyProv Version=\"1.0.0\">");
	for (size_t i = 0; i < n; i++) {
		const char *k = m[i].keys_from ? m[i].keys_from : m[i].user;
#define U(who, f)                                                              \
	(snprintf(path, sizeof(path), "users.%s.%s", who, f),                  \
	 mcx_vectors_str(sw, path))
		bprintf(&b,
			"<KmsKeySet Version=\"1.1.0\"><KmsUri>%s</KmsUri>"
			"<UserUri>%s</UserUri><UserID>%s</UserID>"
			"<KeyPeriodNo>%d</KeyPeriodNo><Revoked>false</Revoked>",
			mcx_vectors_str(sw, "kms.KmsUri"), U(m[i].user, "uri"),
			m[i].uid ? m[i].uid : U(m[i].user, "uid"),
			json_object_get_int(mcx_vectors_get(
			    sw, (snprintf(path, sizeof(path),
					  "users.%s.key_period_no", m[i].user),
				 path))));
		const char *kwp = m[i].kek16 ? MCX_KMS_XML_KW_AES128_PAD
					     : MCX_KMS_XML_KW_AES256_PAD;
		const char *kw =
		    m[i].kek16 ? MCX_KMS_XML_KW_AES128 : MCX_KMS_XML_KW_AES256;
		size_t kl = m[i].kek16 ? 16 : 32;
		key_elem(
		    &b, "UserDecryptKey", m[i].rsk ? m[i].rsk : U(k, "RSK"),
		    m[i].encrypted ? (m[i].rsk_alg ? m[i].rsk_alg : kwp) : NULL,
		    1, kl);
		key_elem(&b, "UserSigningKeySSK",
			 m[i].ssk ? m[i].ssk : U(k, "SSK"),
			 m[i].encrypted ? kw : NULL, 0, kl);
		key_elem(&b, "UserPubTokenPVT", U(k, "PVT"),
			 m[i].encrypted ? kwp : NULL, 1, kl);
		bprintf(&b, "</KmsKeySet>");
#undef U
	}
	bprintf(&b, "</KmsKeyProv></KmsMessage></KmsResponse>");
	return b.p;
}

static enum mcx_kms_xml_err parse_str(const char *s,
				      const struct mcx_kms_xml_opts *o,
				      struct mcx_kms_xml **doc, char *err)
{
	return mcx_kms_xml_parse((const uint8_t *)s, strlen(s), o, doc, err);
}

static struct mcx_kms_xml_kms *sw_kms(struct mcx_kms_xml **cert_doc)
{
	char err[MCX_KMS_XML_ERR_LEN] = "";
	struct mcx_kms_xml_kms *k = NULL;
	char *x = init_xml();
	assert_int_equal(parse_str(x, NULL, cert_doc, err), MCX_KMS_XML_OK);
	free(x);
	assert_int_equal((*cert_doc)->type, MCX_KMS_XML_INIT);
	assert_int_equal(mcx_kms_xml_kms_new(&(*cert_doc)->certs[0], &k, err),
			 MCX_KMS_XML_OK);
	return k;
}

static char *vector_file(const char *name)
{
	char path[1024];
	const char *dir = getenv("MCXHSM_VECTORS");
	snprintf(path, sizeof(path), "%s/kms_xml/%s",
		 dir != NULL ? dir : MCX_TEST_VECTORS_DIR, name);
	return strdup(path);
}

/* Expect err to name the element (and contain more, if given). */
static void expect_msg(const char *err, const char *a, const char *b)
{
	if (strstr(err, a) == NULL || (b != NULL && strstr(err, b) == NULL))
		fail_msg("message \"%s\" lacks \"%s\" / \"%s\"", err, a,
			 b ? b : "");
}

/* ---- tests ------------------------------------------------------------ */

static void test_annex_d_examples(void **state)
{
	(void)state;
	char err[MCX_KMS_XML_ERR_LEN] = "";
	struct mcx_kms_xml *init = NULL, *prov = NULL;
	struct mcx_kms_xml_kms *kms = NULL;
	char *p = vector_file("streamwide_kms_init_response.xml");
	assert_int_equal(mcx_kms_xml_parse_file(p, NULL, &init, err),
			 MCX_KMS_XML_OK);
	free(p);
	assert_int_equal(init->type, MCX_KMS_XML_INIT);
	assert_int_equal(init->n_certs, 1);
	assert_string_equal(init->certs[0].kms_uri, "localhost:8080");
	assert_string_equal(init->certs[0].role, "Root");
	assert_int_equal(init->certs[0].user_key_period, 2592000);
	assert_int_equal(init->certs[0].pub_enc_key_len, 257);
	assert_int_equal(init->certs[0].pub_auth_key_len, 65);
	assert_int_equal(mcx_kms_xml_kms_new(&init->certs[0], &kms, err),
			 MCX_KMS_XML_OK);

	p = vector_file("streamwide_kms_keyprov_response.xml");
	assert_int_equal(mcx_kms_xml_parse_file(p, NULL, &prov, err),
			 MCX_KMS_XML_OK);
	free(p);
	assert_int_equal(prov->type, MCX_KMS_XML_KEYPROV);
	assert_int_equal(prov->n_keysets, 1);
	assert_int_equal(prov->keysets[0].key_period_no, 625);
	/* its UserID is the F.2.1 UID, but its keys were issued for the hex
	 * text: refused by default (§6.3), accepted with the quirk flag */
	assert_int_equal(mcx_kms_xml_validate_keyset(kms, &prov->keysets[0],
						     NULL, 0, 0, err),
			 MCX_KMS_XML_ERR_KEY_INVALID);
	expect_msg(err, "KmsKeySet[1]/UserDecryptKey", "validation");
	assert_int_equal(
	    mcx_kms_xml_validate_keyset(kms, &prov->keysets[0], NULL, 0,
					MCX_KMS_XML_UID_AS_TEXT, err),
	    MCX_KMS_XML_OK);
	/* the admin tool's public checks: the UserID is the F.2.1 UID */
	assert_int_equal(mcx_kms_xml_check_keyset(&prov->keysets[0],
						  "localhost:8080", 2592000, 0,
						  err),
			 MCX_KMS_XML_OK);
	assert_int_equal(mcx_kms_xml_check_keyset(&prov->keysets[0],
						  "localhost:8080", 2592001, 0,
						  err),
			 MCX_KMS_XML_ERR_UID);
	expect_msg(err, "KmsKeySet[1]/UserID", "does not match");
	assert_int_equal(mcx_kms_xml_check_keyset(&prov->keysets[0],
						  "kms.other", 2592000, 0, err),
			 MCX_KMS_XML_ERR_SCHEMA);
	expect_msg(err, "KmsKeySet[1]/KmsUri", "certificate");
	int64_t from = 0, to = 0;
	assert_int_equal(mcx_kms_xml_keyset_validity(&init->certs[0],
						     &prov->keysets[0], &from,
						     &to, err),
			 MCX_KMS_XML_OK);
	/* 625 * 2592000 NTP seconds = 1620000000 - 2208988800... */
	assert_true(from == (int64_t)625 * 2592000 - 2208988800LL);
	assert_true(to - from == 2592000);
	mcx_kms_xml_kms_free(kms);
	mcx_kms_xml_free(init);
	mcx_kms_xml_free(prov);
}

/* What `kms certificate` / `kms issue` write (admin/kms_xml_write.c)
 * reads back as written: the certificate, clear and wrapped key elements
 * with their algorithms and TrK name, the UID, the validity. */
static void test_writer_round_trip(void **state)
{
	(void)state;
	char err[MCX_KMS_XML_ERR_LEN] = "";
	struct mcx_kms_xml *init = NULL, *prov = NULL, *back = NULL;
	char *p = vector_file("streamwide_kms_init_response.xml");
	assert_int_equal(mcx_kms_xml_parse_file(p, NULL, &init, err),
			 MCX_KMS_XML_OK);
	free(p);
	p = vector_file("streamwide_kms_keyprov_response.xml");
	assert_int_equal(mcx_kms_xml_parse_file(p, NULL, &prov, err),
			 MCX_KMS_XML_OK);
	free(p);
	const struct mcx_kms_xml_cert *c = &init->certs[0];
	struct mcx_kms_xml_wcert wc = {
	    .kms_uri = "kms<&>\"x", /* escaped */
	    .role = "External",
	    .has_valid_to = 1,
	    .valid_to = 1800000000,
	    .user_key_period = c->user_key_period,
	    .user_key_offset = c->user_key_offset,
	    .pub_enc_key = c->pub_enc_key,
	    .pub_auth_key = c->pub_auth_key,
	};
	struct mcx_kms_xml_wdoc wd = {.type = MCX_KMS_XML_INIT,
				      .user_uri = "sip:a@b",
				      .kms_uri = wc.kms_uri,
				      .time = 1700000000,
				      .cert = &wc};
	size_t len = 0;
	char *x = mcx_kms_xml_write(&wd, &len);
	assert_non_null(x);
	assert_int_equal(parse_str(x, NULL, &back, err), MCX_KMS_XML_OK);
	assert_int_equal(back->type, MCX_KMS_XML_INIT);
	assert_string_equal(back->certs[0].kms_uri, "kms<&>\"x");
	assert_string_equal(back->certs[0].role, "External");
	assert_true(back->certs[0].has_valid_to &&
		    back->certs[0].valid_to == 1800000000);
	assert_memory_equal(back->certs[0].pub_enc_key, c->pub_enc_key, 257);
	assert_memory_equal(back->certs[0].pub_auth_key, c->pub_auth_key, 65);
	mcx_kms_xml_free(back);
	back = NULL;
	free(x);

	const struct mcx_kms_xml_keyset *ks = &prov->keysets[0];
	uint8_t wrapped[272];
	for (size_t i = 0; i < sizeof(wrapped); i++)
		wrapped[i] = (uint8_t)i;
	struct mcx_kms_xml_wkeyset wk = {
	    .kms_uri = ks->kms_uri,
	    .user_uri = ks->user_uri,
	    .key_period_no = ks->key_period_no,
	    .valid_from = 1000,
	    .valid_to = 2000,
	    .rsk = {wrapped, 272, MCX_KMS_XML_KW_AES128_PAD, "trk-1"},
	    .ssk = {ks->ssk.value, ks->ssk.len, NULL, NULL},
	    .pvt = {ks->pvt.value, ks->pvt.len, NULL, NULL},
	};
	memcpy(wk.user_id, ks->user_id, sizeof(wk.user_id));
	struct mcx_kms_xml_wdoc wp = {.type = MCX_KMS_XML_KEYPROV,
				      .user_uri = ks->user_uri,
				      .kms_uri = ks->kms_uri,
				      .trk_id = "trk-1",
				      .keysets = &wk,
				      .n_keysets = 1};
	x = mcx_kms_xml_write(&wp, &len);
	assert_non_null(x);
	assert_int_equal(parse_str(x, NULL, &back, err), MCX_KMS_XML_OK);
	assert_int_equal(back->n_keysets, 1);
	const struct mcx_kms_xml_keyset *b = &back->keysets[0];
	assert_true(b->rsk.encrypted && b->rsk.len == 272);
	assert_memory_equal(b->rsk.value, wrapped, 272);
	assert_string_equal(b->rsk.algorithm, MCX_KMS_XML_KW_AES128_PAD);
	assert_string_equal(b->rsk.key_name, "trk-1");
	assert_string_equal(back->trk_id, "trk-1");
	assert_false(b->ssk.encrypted);
	assert_memory_equal(b->ssk.value, ks->ssk.value, 32);
	assert_true(b->has_valid_from && b->valid_from == 1000 &&
		    b->valid_to == 2000);
	assert_int_equal(
	    mcx_kms_xml_check_keyset(b, "localhost:8080", 2592000, 0, err),
	    MCX_KMS_XML_OK);
	mcx_kms_xml_free(back);
	free(x);
	mcx_kms_xml_free(init);
	mcx_kms_xml_free(prov);
}

static void check_streamwide(int encrypted)
{
	char err[MCX_KMS_XML_ERR_LEN] = "";
	struct mcx_kms_xml *cert = NULL, *doc = NULL;
	struct mcx_kms_xml_kms *kms = sw_kms(&cert);
	struct mod m[3] = {{.user = "GMS", .encrypted = encrypted},
			   {.user = "Alice", .encrypted = encrypted},
			   {.user = "Bob", .encrypted = encrypted}};
	char *x = keyprov_xml(m, 3);
	assert_int_equal(parse_str(x, NULL, &doc, err), MCX_KMS_XML_OK);
	assert_int_equal(doc->n_keysets, 3);
	for (size_t i = 0; i < 3; i++) {
		struct mcx_kms_xml_keyset *ks = &doc->keysets[i];
		assert_int_equal(ks->rsk.encrypted, encrypted);
		assert_int_equal(ks->ssk.encrypted, encrypted);
		assert_int_equal(ks->pvt.encrypted, encrypted);
		assert_int_equal(mcx_kms_xml_validate_keyset(
				     kms, ks, trk, sizeof(trk), 0, err),
				 MCX_KMS_XML_OK);
		int64_t from = 0, to = 0;
		assert_int_equal(mcx_kms_xml_keyset_validity(
				     &cert->certs[0], ks, &from, &to, err),
				 MCX_KMS_XML_OK);
		assert_true(from == (int64_t)236 * 16777215 - 2208988800LL);
	}
	if (encrypted) {
		uint8_t k[300];
		size_t kl = 0;
		assert_string_equal(doc->keysets[0].ssk.key_name, "trk-1");
		assert_int_equal(mcx_kms_xml_validate_keyset(
				     kms, &doc->keysets[1], NULL, 0, 0, err),
				 MCX_KMS_XML_ERR_NO_KEY);
		expect_msg(err, "KmsKeySet[2]/UserDecryptKey", "trk-1");
		assert_int_equal(mcx_kms_xml_key_unwrap(&doc->keysets[1].rsk,
							trk, sizeof(trk), k,
							sizeof(k), &kl, err),
				 MCX_KMS_XML_OK);
		assert_int_equal(kl, 257);
		/* wrong TrK */
		uint8_t bad[32];
		memcpy(bad, trk, 32);
		bad[5] ^= 1;
		assert_int_equal(mcx_kms_xml_validate_keyset(
				     kms, &doc->keysets[2], bad, 32, 0, err),
				 MCX_KMS_XML_ERR_UNWRAP);
		expect_msg(err, "KmsKeySet[3]/UserDecryptKey", "integrity");
		/* tampered wrapped key */
		doc->keysets[0].ssk.value[17] ^= 0x40;
		assert_int_equal(mcx_kms_xml_validate_keyset(
				     kms, &doc->keysets[0], trk, 32, 0, err),
				 MCX_KMS_XML_ERR_UNWRAP);
		expect_msg(err, "KmsKeySet[1]/UserSigningKeySSK", "integrity");
	}
	free(x);
	mcx_kms_xml_free(doc);
	mcx_kms_xml_free(cert);
	mcx_kms_xml_kms_free(kms);
}

static void test_streamwide_clear(void **state)
{
	(void)state;
	check_streamwide(0);
}

static void test_streamwide_encrypted(void **state)
{
	(void)state;
	check_streamwide(1);
}

/* Parse (and validate) one key set built from m; expect rc and (when it
 * is an error) a message naming path. */
static void expect_refused(const struct mod *m, enum mcx_kms_xml_err rc,
			   const char *path, const char *more)
{
	char err[MCX_KMS_XML_ERR_LEN] = "";
	struct mcx_kms_xml *cert = NULL, *doc = NULL;
	struct mcx_kms_xml_kms *kms = sw_kms(&cert);
	struct mod two[2] = {{.user = "GMS"}, *m};
	char *x = keyprov_xml(two, 2);
	enum mcx_kms_xml_err got = parse_str(x, NULL, &doc, err);
	if (got == MCX_KMS_XML_OK) {
		assert_int_equal(mcx_kms_xml_validate_keyset(
				     kms, &doc->keysets[0], trk, 32, 0, err),
				 MCX_KMS_XML_OK);
		got = mcx_kms_xml_validate_keyset(kms, &doc->keysets[1], trk,
						  m->kek16 ? 16 : 32, 0, err);
	}
	if (got != rc)
		fail_msg("expected %s, got %s: %s", mcx_kms_xml_err_str(rc),
			 mcx_kms_xml_err_str(got), err);
	if (rc != MCX_KMS_XML_OK)
		expect_msg(err, path, more);
	free(x);
	mcx_kms_xml_free(doc);
	mcx_kms_xml_free(cert);
	mcx_kms_xml_kms_free(kms);
}

static void test_bad_keysets(void **state)
{
	(void)state;
	char uid[65];
	snprintf(uid, sizeof(uid), "%s",
		 mcx_vectors_str(sw, "users.Alice.uid"));
	uid[10] = uid[10] == '0' ? '1' : '0';
	struct mod m = {.user = "Alice", .uid = uid};
	expect_refused(&m, MCX_KMS_XML_ERR_UID, "KmsKeySet[2]/UserID", NULL);
	/* Bob's keys under Alice's identity: RSK fails first */
	m = (struct mod){.user = "Alice", .keys_from = "Bob"};
	expect_refused(&m, MCX_KMS_XML_ERR_KEY_INVALID,
		       "KmsKeySet[2]/UserDecryptKey", "validation");
	/* Alice's RSK and PVT, Bob's SSK */
	m = (struct mod){.user = "Alice",
			 .ssk = mcx_vectors_str(sw, "users.Bob.SSK")};
	expect_refused(&m, MCX_KMS_XML_ERR_KEY_INVALID,
		       "KmsKeySet[2]/UserSigningKeySSK", "KPAK");
	char ssk[80];
	snprintf(ssk, sizeof(ssk), "%s",
		 mcx_vectors_str(sw, "users.Alice.SSK"));
	ssk[63] = '\0'; /* truncated: odd number of hex digits */
	m = (struct mod){.user = "Alice", .ssk = ssk};
	expect_refused(&m, MCX_KMS_XML_ERR_ENCODING,
		       "KmsKeySet[2]/UserSigningKeySSK", "hex");
	ssk[62] = '\0'; /* 31 octets */
	expect_refused(&m, MCX_KMS_XML_ERR_LENGTH,
		       "KmsKeySet[2]/UserSigningKeySSK", "32");
	m.ssk =
	    "z!7237faa18a874b88d955199dea974b7d0fefcbbae1946baf659b26a4d05a5e";
	expect_refused(&m, MCX_KMS_XML_ERR_ENCODING,
		       "KmsKeySet[2]/UserSigningKeySSK", NULL);
	const char *cbc = "http://www.w3.org/2001/04/xmlenc#aes256-cbc";
	m = (struct mod){.user = "Bob", .encrypted = 1, .rsk_alg = cbc};
	expect_refused(&m, MCX_KMS_XML_ERR_ALGORITHM,
		       "KmsKeySet[2]/UserDecryptKey", cbc);
	/* base64 UserID is accepted (§6.2) */
	uint8_t raw[32];
	assert_int_equal(
	    mcx_hex_decode(mcx_vectors_str(sw, "users.Bob.uid"), raw, 32), 32);
	char *b = b64(raw, 32);
	m = (struct mod){.user = "Bob",
			 .uid = b,
			 .ssk = mcx_vectors_str(sw, "users.Alice.SSK")};
	expect_refused(&m, MCX_KMS_XML_ERR_KEY_INVALID,
		       "KmsKeySet[2]/UserSigningKeySSK", NULL);
	free(b);
}

static void test_good_variants(void **state)
{
	(void)state;
	/* kw-aes128 (SSK) and kw-aes-128-pad (RSK, PVT) with a 16-octet TrK */
	struct mod m = {.user = "Alice", .encrypted = 1, .kek16 = 1};
	expect_refused(&m, MCX_KMS_XML_OK, NULL, NULL);
	/* a 256-bit TrK for a kw-aes128 key is refused, naming the length */
	m.kek16 = 0;
	m.rsk_alg = MCX_KMS_XML_KW_AES128_PAD;
	expect_refused(&m, MCX_KMS_XML_ERR_NO_KEY,
		       "KmsKeySet[2]/UserDecryptKey", "needs 16");
	/* base64 key text (§6.2) */
	uint8_t raw[32];
	assert_int_equal(
	    mcx_hex_decode(mcx_vectors_str(sw, "users.Alice.SSK"), raw, 32),
	    32);
	char *b = b64(raw, 32);
	m = (struct mod){.user = "Alice", .ssk = b};
	expect_refused(&m, MCX_KMS_XML_OK, NULL, NULL);
	free(b);
	/* an RSK of 257 octets without the 0x04 prefix */
	char rsk[600];
	snprintf(rsk, sizeof(rsk), "%s", mcx_vectors_str(sw, "users.Bob.RSK"));
	rsk[1] = '5';
	m = (struct mod){.user = "Bob", .rsk = rsk};
	expect_refused(&m, MCX_KMS_XML_ERR_LENGTH,
		       "KmsKeySet[2]/UserDecryptKey", "0x04");
}

static void test_new_keys_and_cache(void **state)
{
	(void)state;
	char err[MCX_KMS_XML_ERR_LEN] = "";
	struct mcx_kms_xml *doc = NULL;
	struct mod m = {.user = "Bob", .encrypted = 1};
	char *x = keyprov_xml(&m, 1);
	struct buf b = {0};
	char *end = strstr(x, "</KmsKeyProv>");
	*end = '\0';
	bprintf(&b, "%s", x);
	/* D.3.1: the KMS may send a new TrK / InK; recorded, not applied */
	key_elem(
	    &b, "NewTransportKey",
	    "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff",
	    MCX_KMS_XML_KW_AES256, 0, 32);
	key_elem(
	    &b, "NewIntegrityKey",
	    "ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100",
	    NULL, 0, 32);
	bprintf(&b, "</KmsKeyProv>%s", end + strlen("</KmsKeyProv>"));
	free(x);
	assert_int_equal(parse_str(b.p, NULL, &doc, err), MCX_KMS_XML_OK);
	assert_int_equal(doc->n_new_trks, 1);
	assert_int_equal(doc->n_new_inks, 1);
	assert_true(doc->new_trks[0].encrypted);
	assert_false(doc->new_inks[0].encrypted);
	uint8_t k[64];
	size_t kl = 0;
	assert_int_equal(mcx_kms_xml_key_unwrap(&doc->new_trks[0], trk, 32, k,
						sizeof(k), &kl, err),
			 MCX_KMS_XML_OK);
	assert_int_equal(kl, 32);
	assert_int_equal(k[1], 0x11);
	mcx_kms_xml_free(doc);
	doc = NULL;
	free(b.p);

	/* KmsCertCache with two certificates (one signed-wrapper form) */
	x = init_xml();
	char *c0 = strstr(x, "<KmsCertificate");
	char *c1 = strstr(x, "</KmsCertificate>") + strlen("</KmsCertificate>");
	b = (struct buf){0};
	bprintf(&b, "%.*s", (int)(strstr(x, "<KmsInit") - x), x);
	bprintf(&b,
		"<KmsCertCache Version=\"1.0.0\" CacheNum=\"2\">%.*s"
		"<SignedKmsCertificate>%.*s</SignedKmsCertificate>"
		"</KmsCertCache></KmsMessage></KmsResponse>",
		(int)(c1 - c0), c0, (int)(c1 - c0), c0);
	free(x);
	assert_int_equal(parse_str(b.p, NULL, &doc, err), MCX_KMS_XML_OK);
	assert_int_equal(doc->type, MCX_KMS_XML_CERTCACHE);
	assert_int_equal(doc->n_certs, 2);
	assert_int_equal(doc->certs[1].n_domains, 1);
	assert_string_equal(doc->certs[1].domains[0], "streamwide.com");
	assert_string_equal(doc->certs[1].path,
			    "SignedKmsCertificate[2]/KmsCertificate");
	mcx_kms_xml_free(doc);
	free(b.p);
}

static void test_forbidden_input(void **state)
{
	(void)state;
	char err[MCX_KMS_XML_ERR_LEN] = "";
	struct mcx_kms_xml *doc = NULL;
	const char *xxe =
	    "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY e SYSTEM "
	    "\"file:///etc/passwd\">]><KmsResponse xmlns=\"" MCX_KMS_XML_NS
	    "\"><UserUri>&e;</UserUri></KmsResponse>";
	assert_int_equal(parse_str(xxe, NULL, &doc, err),
			 MCX_KMS_XML_ERR_FORBIDDEN);
	expect_msg(err, "DOCTYPE", NULL);
	assert_null(doc);
	assert_int_equal(parse_str("<KmsResponse", NULL, &doc, err),
			 MCX_KMS_XML_ERR_PARSE);
	assert_int_equal(
	    parse_str("<KmsResponse xmlns=\"urn:other\"/>", NULL, &doc, err),
	    MCX_KMS_XML_ERR_SCHEMA);
	/* size limit, configurable, checked before parsing */
	char *x = init_xml();
	struct mcx_kms_xml_opts o = {.max_size = 1000};
	assert_int_equal(parse_str(x, &o, &doc, err), MCX_KMS_XML_ERR_SIZE);
	free(x);
	size_t big = MCX_KMS_XML_MAX_SIZE + 1;
	char *huge = malloc(big + 1);
	assert_non_null(huge);
	memset(huge, ' ', big);
	memcpy(huge, "<KmsResponse>", 13);
	huge[big] = '\0';
	assert_int_equal(parse_str(huge, NULL, &doc, err),
			 MCX_KMS_XML_ERR_SIZE);
	free(huge);
	/* missing element */
	x = init_xml();
	char *pe = strstr(x, "<PubAuthKey>");
	char *pe_end = strstr(x, "</PubAuthKey>") + strlen("</PubAuthKey>");
	memmove(pe, pe_end, strlen(pe_end) + 1);
	assert_int_equal(parse_str(x, NULL, &doc, err), MCX_KMS_XML_ERR_SCHEMA);
	expect_msg(err, "KmsCertificate[1]", "PubAuthKey");
	free(x);
	/* time parsing */
	int64_t t = 0;
	assert_int_equal(mcx_kms_xml_parse_time("1970-01-02T00:00:01Z", &t), 0);
	assert_true(t == 86401);
	assert_int_equal(
	    mcx_kms_xml_parse_time("2021-05-10T11:23:02+01:00", &t), 0);
	assert_true(t == 1620645782 - 3600);
	assert_int_equal(mcx_kms_xml_parse_time("2021-13-10T11:23:02", &t), -1);
}

/* ---- signature -------------------------------------------------------- */

static xmlChar *c14n_subtree(xmlDoc *d, const char *what, int mode)
{
	xmlXPathContext *ctx = xmlXPathNewContext(d);
	xmlXPathRegisterNs(ctx, (const xmlChar *)"k",
			   (const xmlChar *)MCX_KMS_XML_NS);
	xmlXPathRegisterNs(ctx, (const xmlChar *)"ds", (const xmlChar *)DS);
	char q[256];
	snprintf(q, sizeof(q),
		 "(//. | //@* | //namespace::*)[ancestor-or-self::%s]", what);
	xmlXPathObject *o = xmlXPathEvalExpression((const xmlChar *)q, ctx);
	assert_non_null(o);
	xmlChar *out = NULL;
	assert_true(
	    xmlC14NDocDumpMemory(d, o->nodesetval, mode, NULL, 0, &out) > 0);
	xmlXPathFreeObject(o);
	xmlXPathFreeContext(ctx);
	return out;
}

static void set_text(xmlDoc *d, const char *what, const char *text)
{
	xmlXPathContext *ctx = xmlXPathNewContext(d);
	xmlXPathRegisterNs(ctx, (const xmlChar *)"ds", (const xmlChar *)DS);
	xmlXPathObject *o = xmlXPathEvalExpression((const xmlChar *)what, ctx);
	assert_true(o != NULL && o->nodesetval && o->nodesetval->nodeNr == 1);
	xmlNodeSetContent(o->nodesetval->nodeTab[0], (const xmlChar *)text);
	xmlXPathFreeObject(o);
	xmlXPathFreeContext(ctx);
}

/* A SignedKmsResponse around the Streamwide KmsInit, signed with key. */
static char *signed_xml(const uint8_t *key, size_t key_len, int exclusive)
{
	char *inner = init_xml();
	struct buf b = {0};
	const char *cm = exclusive ? "http://www.w3.org/2001/10/xml-exc-c14n#"
				   : "http://www.w3.org/TR/2001/"
				     "REC-xml-c14n-20010315";
	bprintf(
	    &b,
	    "<SignedKmsResponse xmlns=\"" MCX_KMS_XML_NS "\">%s"
	    "<ds:Signature xmlns:ds=\"" DS "\"><ds:SignedInfo>"
	    "<ds:CanonicalizationMethod Algorithm=\"%s\"/>"
	    "<ds:SignatureMethod Algorithm=\"http://www.w3.org/2001/04/"
	    "xmldsig-more#hmac-sha256\"/><ds:Reference URI=\"#xmldoc\">"
	    "<ds:Transforms><ds:Transform Algorithm=\"%s\"/></ds:Transforms>"
	    "<ds:DigestMethod Algorithm=\"http://www.w3.org/2001/04/"
	    "xmlenc#sha256\"/><ds:DigestValue>x</ds:DigestValue>"
	    "</ds:Reference></ds:SignedInfo><ds:SignatureValue>x"
	    "</ds:SignatureValue><ds:KeyInfo><ds:KeyName>ink-1</ds:KeyName>"
	    "</ds:KeyInfo></ds:Signature></SignedKmsResponse>",
	    strstr(inner, "<KmsResponse"), cm, cm);
	free(inner);
	int mode = exclusive ? XML_C14N_EXCLUSIVE_1_0 : XML_C14N_1_0;
	xmlDoc *d = xmlReadMemory(b.p, (int)b.len, NULL, NULL, XML_PARSE_NONET);
	assert_non_null(d);
	free(b.p);
	uint8_t md[32];
	unsigned int ml = 32;
	xmlChar *c = c14n_subtree(d, "k:KmsResponse", mode);
	EVP_Digest(c, strlen((char *)c), md, &ml, EVP_sha256(), NULL);
	xmlFree(c);
	char *t = b64(md, 32);
	set_text(d, "//ds:DigestValue", t);
	free(t);
	c = c14n_subtree(d, "ds:SignedInfo", mode);
	HMAC(EVP_sha256(), key, (int)key_len, c, strlen((char *)c), md, &ml);
	xmlFree(c);
	t = b64(md, 32);
	set_text(d, "//ds:SignatureValue", t);
	free(t);
	xmlChar *outx = NULL;
	int outl = 0;
	xmlDocDumpMemory(d, &outx, &outl);
	char *r = strdup((char *)outx);
	xmlFree(outx);
	xmlFreeDoc(d);
	return r;
}

static int verify_cb(void *arg, const char *key_name, const uint8_t *data,
		     size_t len, const uint8_t *sig, size_t sig_len)
{
	uint8_t md[32];
	unsigned int ml = 32;
	if (key_name == NULL || strcmp(key_name, "ink-1") != 0)
		return 1;
	HMAC(EVP_sha256(), arg, 32, data, len, md, &ml);
	return sig_len != 32 || memcmp(md, sig, 32) != 0;
}

static void test_signature(void **state)
{
	(void)state;
	char err[MCX_KMS_XML_ERR_LEN] = "";
	struct mcx_kms_xml *doc = NULL;
	uint8_t ink[32], wrong[32];
	RAND_bytes(ink, 32);
	memcpy(wrong, ink, 32);
	wrong[0] ^= 0x80;
	for (int excl = 0; excl < 2; excl++) {
		char *x = signed_xml(ink, 32, excl);
		struct mcx_kms_xml_opts o = {.sig_key = ink, .sig_key_len = 32};
		assert_int_equal(parse_str(x, &o, &doc, err), MCX_KMS_XML_OK);
		assert_true(doc->signed_doc);
		assert_string_equal(doc->sig_key_name, "ink-1");
		assert_int_equal(doc->n_certs, 1);
		mcx_kms_xml_free(doc);
		doc = NULL;
		struct mcx_kms_xml_opts cb = {.verify = verify_cb,
					      .verify_arg = ink};
		assert_int_equal(parse_str(x, &cb, &doc, err), MCX_KMS_XML_OK);
		mcx_kms_xml_free(doc);
		doc = NULL;
		/* wrong key */
		o.sig_key = wrong;
		assert_int_equal(parse_str(x, &o, &doc, err),
				 MCX_KMS_XML_ERR_SIGNATURE);
		expect_msg(err, "Signature/SignatureValue", NULL);
		/* no key */
		assert_int_equal(parse_str(x, NULL, &doc, err),
				 MCX_KMS_XML_ERR_NO_KEY);
		/* modified document: the KMS URI changes one character */
		o.sig_key = ink;
		char *u =
		    strstr(x, "<UserKeyPeriod>") + strlen("<UserKeyPeriod>");
		*u = *u == '1' ? '2' : '1';
		assert_int_equal(parse_str(x, &o, &doc, err),
				 MCX_KMS_XML_ERR_SIGNATURE);
		expect_msg(err, "DigestValue", "modified");
		assert_null(doc);
		free(x);
	}
	/* an unsigned document when a signature is required */
	char *x = init_xml();
	struct mcx_kms_xml_opts req = {.require_signature = 1};
	assert_int_equal(parse_str(x, &req, &doc, err),
			 MCX_KMS_XML_ERR_SIGNATURE);
	free(x);
}

static void dump(const char *dir, const char *name, const char *text)
{
	char path[1024];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *fp = fopen(path, "wb");
	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
}

/* MCX_KMS_XML_DUMP_CORPUS=DIR: write the generated documents as seeds
 * for tests/fuzz/corpus/kms_xml, with the fuzz target's fixed TrK / InK
 * (1..8 then zeros) so the seeds reach unwrapping and the HMAC check. */
static int dump_corpus(const char *dir)
{
	static const uint8_t fuzz_key[32] = {1, 2, 3, 4, 5, 6, 7, 8};
	memcpy(trk, fuzz_key, sizeof(trk));
	char *x = init_xml();
	dump(dir, "sw_init.xml", x);
	free(x);
	struct mod m[3] = {{.user = "GMS"}, {.user = "Alice"}, {.user = "Bob"}};
	x = keyprov_xml(m, 3);
	dump(dir, "sw_keyprov_clear.xml", x);
	free(x);
	for (size_t i = 0; i < 3; i++)
		m[i].encrypted = 1;
	x = keyprov_xml(m, 3);
	dump(dir, "sw_keyprov_trk.xml", x);
	free(x);
	x = signed_xml(fuzz_key, 32, 1);
	dump(dir, "sw_signed_exc.xml", x);
	free(x);
	x = signed_xml(fuzz_key, 32, 0);
	dump(dir, "sw_signed_incl.xml", x);
	free(x);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_annex_d_examples),
	    cmocka_unit_test(test_writer_round_trip),
	    cmocka_unit_test(test_streamwide_clear),
	    cmocka_unit_test(test_streamwide_encrypted),
	    cmocka_unit_test(test_bad_keysets),
	    cmocka_unit_test(test_good_variants),
	    cmocka_unit_test(test_new_keys_and_cache),
	    cmocka_unit_test(test_forbidden_input),
	    cmocka_unit_test(test_signature),
	};
	sw = mcx_vectors_load("mikey_streamwide_v5.json");
	RAND_bytes(trk, sizeof(trk));
	if (getenv("MCX_KMS_XML_DUMP_CORPUS") != NULL) {
		dump_corpus(getenv("MCX_KMS_XML_DUMP_CORPUS"));
		json_object_put(sw);
		return 0;
	}
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	json_object_put(sw);
	xmlCleanupParser();
	return rc;
}
