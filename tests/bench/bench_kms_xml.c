/*
 * KMS XML benchmark (make bench, issue 4): a KmsKeyProv document of
 * MCXHSM_BENCH_KEYSETS (default 1,000) key sets for one identity, one per
 * key period, issued here with the pure KMS functions
 * (mcx_sakke_kms_issue_rsk, mcx_eccsi_kms_issue) and TrK-encrypted as a KMS
 * sends them (kw-aes256 for the SSK, kw-aes-256-pad for RSK and PVT).
 * Timed: parse the whole document, then unwrap and validate every key set
 * (UID, RSK pairing, SSK/PVT against KPAK) -- the pure part of
 * `mcxhsm kms import`.  Process CPU time (2 shared cores), median of
 * ROUNDS runs.
 *
 *   BENCH kms_parse_validate_keysets <n>/s   (issue 4 bar for the whole
 *                                             import: >= 100/s)
 *   BENCH kms_parse_keysets <n>/s            (parsing alone)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "admin/kms_xml.h"
#include "mechanisms/aes.h"
#include "mechanisms/eccsi.h"
#include "mechanisms/kdf3gpp.h"
#include "mechanisms/random.h"
#include "mechanisms/sakke.h"

#define ROUNDS	 3
#define KMS_URI	 "kms.bench.example.org"
#define USER_URI "sip:server@bench.example.org"
#define PERIOD	 2592000u

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

struct buf {
	char *p;
	size_t len, cap;
};

static void put(struct buf *b, const char *s)
{
	size_t n = strlen(s);
	if (b->len + n + 1 > b->cap) {
		b->cap = (b->len + n + 1) * 2;
		b->p = realloc(b->p, b->cap);
		if (b->p == NULL)
			abort();
	}
	memcpy(b->p + b->len, s, n + 1);
	b->len += n;
}

static void hex(char *out, const uint8_t *in, size_t n)
{
	for (size_t i = 0; i < n; i++)
		snprintf(out + 2 * i, 3, "%02X", in[i]);
}

static void b64(char *out, const uint8_t *in, size_t n)
{
	static const char t[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrst"
				"uvwxyz0123456789+/";
	size_t o = 0;
	for (size_t i = 0; i < n; i += 3) {
		uint32_t v = (uint32_t)in[i] << 16;
		if (i + 1 < n)
			v |= (uint32_t)in[i + 1] << 8;
		if (i + 2 < n)
			v |= in[i + 2];
		out[o++] = t[v >> 18 & 63];
		out[o++] = t[v >> 12 & 63];
		out[o++] = i + 1 < n ? t[v >> 6 & 63] : '=';
		out[o++] = i + 2 < n ? t[v & 63] : '=';
	}
	out[o] = '\0';
}

static void enc_key(struct buf *b, const char *name, const uint8_t *trk,
		    const uint8_t *key, size_t len, int pad)
{
	uint8_t w[300];
	char text[1200];
	size_t wl = pad ? mcx_aes_kwp_wrapped_len(len) : len + 8;
	if ((pad ? mcx_aes_kwp_wrap(trk, 32, key, len, w)
		 : mcx_aes_wrap(trk, 32, key, len, w)) != MCX_OK)
		abort();
	b64(text, w, wl);
	char head[512];
	snprintf(head, sizeof(head),
		 "<%s xsi:type=\"EncKeyContentType\"><xenc:EncryptedKey "
		 "xmlns:xenc=\"http://www.w3.org/2001/04/xmlenc#\" "
		 "xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\">"
		 "<xenc:EncryptionMethod Algorithm=\"%s\"/><ds:KeyInfo>"
		 "<ds:KeyName>trk</ds:KeyName></ds:KeyInfo><xenc:CipherData>"
		 "<xenc:CipherValue>",
		 name, pad ? MCX_KMS_XML_KW_AES256_PAD : MCX_KMS_XML_KW_AES256);
	put(b, head);
	put(b, text);
	snprintf(head, sizeof(head),
		 "</xenc:CipherValue></xenc:CipherData></xenc:EncryptedKey>"
		 "</%s>",
		 name);
	put(b, head);
}

int main(void)
{
	const char *env = getenv("MCXHSM_BENCH_KEYSETS");
	size_t n = env != NULL ? strtoul(env, NULL, 10) : 1000;
	uint8_t z[32], zt[MCX_SAKKE_POINT_LEN], ksak[32], kpak[65], trk[32];
	char line[2048], zt_hex[2 * sizeof(zt) + 1], kpak_hex[131];
	struct buf cert = {0}, prov = {0};
	double t[ROUNDS], tp[ROUNDS];
	if (n == 0)
		n = 1;
	/* KMS master secrets (z < 2^256 < q) and the TrK */
	if (mcx_random_bytes(z, sizeof(z)) != MCX_OK ||
	    mcx_random_bytes(trk, sizeof(trk)) != MCX_OK)
		return 1;
	z[0] |= 1;
	if (mcx_sakke_kms_public_from_secret(z, sizeof(z), zt) != MCX_OK ||
	    mcx_eccsi_kms_keygen(ksak, kpak) != MCX_OK)
		return 1;
	hex(zt_hex, zt, sizeof(zt));
	hex(kpak_hex, kpak, sizeof(kpak));
	const char *head =
	    "<KmsResponse xmlns=\"" MCX_KMS_XML_NS "\" xmlns:xsi=\"http://"
	    "www.w3.org/2001/XMLSchema-instance\"><UserUri>" USER_URI
	    "</UserUri><KmsUri>" KMS_URI "</KmsUri><Time>2026-01-01T00:00:00"
	    "</Time><ClientReqUrl>https://kms</ClientReqUrl><KmsMessage>";
	put(&cert, head);
	snprintf(line, sizeof(line),
		 "<KmsInit><KmsCertificate Role=\"Root\"><KmsUri>" KMS_URI
		 "</KmsUri><UserIdFormat>2</UserIdFormat><UserKeyPeriod>%u"
		 "</UserKeyPeriod><UserKeyOffset>0</UserKeyOffset><PubEncKey>",
		 PERIOD);
	put(&cert, line);
	put(&cert, zt_hex);
	put(&cert, "</PubEncKey><PubAuthKey>");
	put(&cert, kpak_hex);
	put(&cert, "</PubAuthKey></KmsCertificate></KmsInit></KmsMessage>"
		   "</KmsResponse>");

	fprintf(stderr, "issuing %zu key sets...\n", n);
	put(&prov, head);
	put(&prov, "<KmsKeyProv Version=\"1.0.0\">");
	for (size_t i = 0; i < n; i++) {
		uint8_t uid[32], rsk[MCX_SAKKE_POINT_LEN], ssk[32], pvt[65];
		char uid_hex[65];
		uint64_t kpn = 1400 + i;
		if (mcx_kdf3gpp_uid((const uint8_t *)USER_URI, strlen(USER_URI),
				    (const uint8_t *)KMS_URI, strlen(KMS_URI),
				    PERIOD, 0, kpn, uid) != MCX_OK ||
		    mcx_sakke_kms_issue_rsk(z, sizeof(z), uid, sizeof(uid),
					    rsk) != MCX_OK ||
		    mcx_eccsi_kms_issue(ksak, uid, sizeof(uid), ssk, pvt) !=
			MCX_OK)
			return 1;
		hex(uid_hex, uid, sizeof(uid));
		snprintf(line, sizeof(line),
			 "<KmsKeySet Version=\"1.1.0\"><KmsUri>" KMS_URI
			 "</KmsUri><UserUri>" USER_URI "</UserUri><UserID>%s"
			 "</UserID><KeyPeriodNo>%llu</KeyPeriodNo>",
			 uid_hex, (unsigned long long)kpn);
		put(&prov, line);
		enc_key(&prov, "UserDecryptKey", trk, rsk, sizeof(rsk), 1);
		enc_key(&prov, "UserSigningKeySSK", trk, ssk, sizeof(ssk), 0);
		enc_key(&prov, "UserPubTokenPVT", trk, pvt, sizeof(pvt), 1);
		put(&prov, "</KmsKeySet>");
	}
	put(&prov, "</KmsKeyProv></KmsMessage></KmsResponse>");
	fprintf(stderr, "document: %zu octets\n", prov.len);

	for (int r = 0; r < ROUNDS; r++) {
		char err[MCX_KMS_XML_ERR_LEN] = "";
		struct mcx_kms_xml *cd = NULL, *pd = NULL;
		struct mcx_kms_xml_kms *kms = NULL;
		double t0 = now();
		if (mcx_kms_xml_parse((const uint8_t *)cert.p, cert.len, NULL,
				      &cd, err) != MCX_KMS_XML_OK ||
		    mcx_kms_xml_kms_new(&cd->certs[0], &kms, err) !=
			MCX_KMS_XML_OK ||
		    mcx_kms_xml_parse((const uint8_t *)prov.p, prov.len, NULL,
				      &pd, err) != MCX_KMS_XML_OK) {
			fprintf(stderr, "%s\n", err);
			return 1;
		}
		double t1 = now();
		for (size_t i = 0; i < pd->n_keysets; i++) {
			if (mcx_kms_xml_validate_keyset(
				kms, &pd->keysets[i], trk, sizeof(trk), 0,
				err) != MCX_KMS_XML_OK) {
				fprintf(stderr, "%s\n", err);
				return 1;
			}
		}
		double t2 = now();
		if (pd->n_keysets != n)
			return 1;
		t[r] = (double)n / (t2 - t0);
		tp[r] = (double)n / (t1 - t0);
		mcx_kms_xml_kms_free(kms);
		mcx_kms_xml_free(cd);
		mcx_kms_xml_free(pd);
	}
	qsort(t, ROUNDS, sizeof(t[0]), cmp_double);
	qsort(tp, ROUNDS, sizeof(tp[0]), cmp_double);
	printf("BENCH kms_parse_validate_keysets %.1f keysets/s\n",
	       t[ROUNDS / 2]);
	printf("BENCH kms_parse_keysets %.0f keysets/s\n", tp[ROUNDS / 2]);
	free(cert.p);
	free(prov.p);
	return 0;
}
