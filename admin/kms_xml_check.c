/*
 * The importer's checks on parsed KMS material that need no secret
 * (MCX-REFERENCE §6.4 steps 2-4 and 6): KmsUri, the F.2.1 UID (§5.1), the
 * shape of every key element (lengths, key-wrap algorithms of decision b),
 * key-period validity (§6.2), xsd:dateTime.  Unwrapping and validating the
 * keys is the token's work (`mcxhsm kms import` passes them to it); a
 * reference validator for the reader's tests is tests/kms/kms_xml_ref.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "admin/kms_xml_internal.h"
#include "mechanisms/kdf3gpp.h"

#define FAIL(e, path, ...) mcx_kms_xml_fail(err, (e), (path), __VA_ARGS__)

const char *mcx_kms_xml_err_str(enum mcx_kms_xml_err e)
{
	switch (e) {
	case MCX_KMS_XML_OK:
		return "ok";
	case MCX_KMS_XML_ERR_SIZE:
		return "input size";
	case MCX_KMS_XML_ERR_PARSE:
		return "not well-formed XML";
	case MCX_KMS_XML_ERR_FORBIDDEN:
		return "forbidden XML construct";
	case MCX_KMS_XML_ERR_SCHEMA:
		return "schema violation";
	case MCX_KMS_XML_ERR_ENCODING:
		return "bad value encoding";
	case MCX_KMS_XML_ERR_LENGTH:
		return "wrong key length";
	case MCX_KMS_XML_ERR_ALGORITHM:
		return "unsupported algorithm";
	case MCX_KMS_XML_ERR_UNWRAP:
		return "key unwrap failed";
	case MCX_KMS_XML_ERR_NO_KEY:
		return "key not given";
	case MCX_KMS_XML_ERR_SIGNATURE:
		return "signature does not verify";
	case MCX_KMS_XML_ERR_UID:
		return "UserID mismatch";
	case MCX_KMS_XML_ERR_KEY_INVALID:
		return "key fails validation";
	case MCX_KMS_XML_ERR_NOMEM:
		return "out of memory";
	case MCX_KMS_XML_ERR_INTERNAL:
		break;
	}
	return "internal error";
}

/* One key element's public shape: clear length and prefix, or a known
 * algorithm and the wrapped length of the expected key (RFC 3394 adds 8
 * octets to a multiple of 8; RFC 5649 pads to 8 and adds 8). */
static enum mcx_kms_xml_err check_key_shape(const struct mcx_kms_xml_key *k,
					    const char *what, size_t want,
					    int point, char *err)
{
	size_t wrapped = (want + 7) / 8 * 8 + 8;
	int pad = 0;

	if (!k->present)
		return FAIL(MCX_KMS_XML_ERR_SCHEMA, k->path,
			    "key element missing");
	if (!k->encrypted) {
		if (k->len != want || (point && k->value[0] != 0x04))
			return FAIL(MCX_KMS_XML_ERR_LENGTH, k->path,
				    "%s of %zu octets (%zu%s expected)", what,
				    k->len, want,
				    point ? " starting 0x04" : "");
		return MCX_KMS_XML_OK;
	}
	if (strcmp(k->algorithm, MCX_KMS_XML_KW_AES128_PAD) == 0 ||
	    strcmp(k->algorithm, MCX_KMS_XML_KW_AES256_PAD) == 0)
		pad = 1;
	else if (strcmp(k->algorithm, MCX_KMS_XML_KW_AES128) != 0 &&
		 strcmp(k->algorithm, MCX_KMS_XML_KW_AES256) != 0)
		return FAIL(MCX_KMS_XML_ERR_ALGORITHM, k->path,
			    "unsupported key-wrap algorithm %.200s",
			    k->algorithm);
	if (!pad && want % 8 != 0)
		return FAIL(MCX_KMS_XML_ERR_ALGORITHM, k->path,
			    "%s of %zu octets cannot be wrapped with %.200s "
			    "(RFC 3394 needs a multiple of 8; use the -pad "
			    "form)",
			    what, want, k->algorithm);
	if (k->len != wrapped)
		return FAIL(MCX_KMS_XML_ERR_LENGTH, k->path,
			    "wrapped %s of %zu octets (%zu expected)", what,
			    k->len, wrapped);
	return MCX_KMS_XML_OK;
}

enum mcx_kms_xml_err
mcx_kms_xml_check_keyset(const struct mcx_kms_xml_keyset *ks,
			 const char *kms_uri, uint64_t period, uint64_t offset,
			 char err[MCX_KMS_XML_ERR_LEN])
{
	enum mcx_kms_xml_err rc = MCX_KMS_XML_OK;
	enum mcx_mech_err m = MCX_OK;
	uint8_t uid[MCX_KMS_XML_UID_LEN];
	char hex[2 * MCX_KMS_XML_UID_LEN + 1];
	char p[MCX_KMS_XML_PATH_LEN + 16];

	snprintf(p, sizeof(p), "%s/KmsUri", ks->path);
	if (strcmp(ks->kms_uri, kms_uri) != 0)
		return FAIL(MCX_KMS_XML_ERR_SCHEMA, p,
			    "%.100s is not the certificate's KmsUri %.100s",
			    ks->kms_uri, kms_uri);
	/* §6.4 step 4: UserID == UID (F.2.1); public values only */
	snprintf(p, sizeof(p), "%s/UserID", ks->path);
	m = mcx_kdf3gpp_uid((const uint8_t *)ks->user_uri, strlen(ks->user_uri),
			    (const uint8_t *)ks->kms_uri, strlen(ks->kms_uri),
			    period, offset, ks->key_period_no, uid);
	if (m != MCX_OK)
		return FAIL(MCX_KMS_XML_ERR_UID, p, "UID computation: %s",
			    mcx_mech_err_str(m));
	if (memcmp(uid, ks->user_id, sizeof(uid)) != 0) {
		for (size_t i = 0; i < sizeof(uid); i++)
			snprintf(hex + 2 * i, 3, "%02x", uid[i]);
		return FAIL(MCX_KMS_XML_ERR_UID, p,
			    "does not match UID(UserUri, KmsUri, %llu, %llu, "
			    "KeyPeriodNo %llu) = %s",
			    (unsigned long long)period,
			    (unsigned long long)offset,
			    (unsigned long long)ks->key_period_no, hex);
	}
	/* §6.4 steps 2-3, as far as they can be judged without the keys */
	if ((rc = check_key_shape(&ks->rsk, "RSK", MCX_KMS_XML_RSK_LEN, 1,
				  err)) != MCX_KMS_XML_OK ||
	    (rc = check_key_shape(&ks->ssk, "SSK", MCX_KMS_XML_SSK_LEN, 0,
				  err)) != MCX_KMS_XML_OK ||
	    (rc = check_key_shape(&ks->pvt, "PVT", MCX_KMS_XML_PVT_LEN, 1,
				  err)) != MCX_KMS_XML_OK)
		return rc;
	return MCX_KMS_XML_OK;
}

enum mcx_kms_xml_err mcx_kms_xml_keyset_validity(
    const struct mcx_kms_xml_cert *cert, const struct mcx_kms_xml_keyset *ks,
    int64_t *valid_from, int64_t *valid_to, char err[MCX_KMS_XML_ERR_LEN])
{
	uint64_t period = cert->user_key_period, ntp = 0;
	char p[MCX_KMS_XML_PATH_LEN + 16];
	snprintf(p, sizeof(p), "%s/KeyPeriodNo", ks->path);
	/* ValidFrom = offset + n * period, in NTP seconds (§6.2) */
	if (period == 0 || ks->key_period_no > (UINT64_MAX / 2) / period ||
	    cert->user_key_offset > UINT64_MAX / 4 ||
	    (ntp = cert->user_key_offset + ks->key_period_no * period) >
		(uint64_t)INT64_MAX - period)
		return FAIL(MCX_KMS_XML_ERR_ENCODING, p,
			    "key period out of range");
	*valid_from = (int64_t)ntp - (int64_t)MCX_KMS_XML_NTP_UNIX_DELTA;
	*valid_to = *valid_from + (int64_t)period;
	return MCX_KMS_XML_OK;
}

static int digits(const char **s, int n, int *out)
{
	int v = 0;
	for (int i = 0; i < n; i++, (*s)++) {
		if (**s < '0' || **s > '9')
			return -1;
		v = v * 10 + (**s - '0');
	}
	*out = v;
	return 0;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

int mcx_kms_xml_parse_time(const char *t, int64_t *out)
{
	int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0, zh = 0, zm = 0;
	static const int mdays[] = {31, 29, 31, 30, 31, 30,
				    31, 31, 30, 31, 30, 31};
	if (digits(&t, 4, &y) || *t++ != '-' || digits(&t, 2, &mo) ||
	    *t++ != '-' || digits(&t, 2, &d) || *t++ != 'T' ||
	    digits(&t, 2, &h) || *t++ != ':' || digits(&t, 2, &mi) ||
	    *t++ != ':' || digits(&t, 2, &s))
		return -1;
	if (*t == '.') {
		t++;
		if (*t < '0' || *t > '9')
			return -1;
		while (*t >= '0' && *t <= '9')
			t++; /* fractions of a second are dropped */
	}
	int64_t off = 0;
	if (*t == 'Z') {
		t++;
	} else if (*t == '+' || *t == '-') {
		int sign = *t++ == '-' ? -1 : 1;
		if (digits(&t, 2, &zh) || *t++ != ':' || digits(&t, 2, &zm) ||
		    zh > 14 || zm > 59)
			return -1;
		off = sign * (zh * 3600 + zm * 60);
	}
	if (*t != '\0' || mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] ||
	    h > 24 || mi > 59 || s > 60 || (h == 24 && (mi != 0 || s != 0)))
		return -1;
	*out = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s - off;
	return 0;
}
