/*
 * mcxhsm kms create | certificate | issue: the KMS role (issue 4) for the
 * demo, the tests and KMS deployments that keep their master secrets in a
 * token.  The master secrets z_T (SAKKE, RFC 6508 §2.2) and KSAK (ECCSI,
 * RFC 6507 §4.2) are made inside the token (CKM_MCX_KMS_KEY_GEN) and never
 * leave it; a user key set (RSK, SSK, PVT) is made inside the token too and
 * comes out only wrapped under a TrK (CKM_MCX_KMS_ISSUE, decision b):
 * RSK and PVT with RFC 5649, SSK with RFC 3394.  This tool only adds the
 * public parts (UID F.2.1, key-period bounds §6.2) and writes the Annex D
 * XML (admin/kms_xml_write.c) that `kms import` reads in another token.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "admin/kms_cmd.h"
#include "admin/kms_xml.h"
#include "common/wipe.h"
#include "mechanisms/kdf3gpp.h"

/* The KMS this token holds: its master secrets and certificate objects. */
struct kms {
	char *uri;
	CK_OBJECT_HANDLE z_t, ksak; /* private, CKA_MCX_KMS_SECRET */
	struct mcx_kms_cmd_cert cert;
	CK_BYTE z_pub[257], kpak[65];
};

static int find_secret(struct mcx_admin *ad, CK_SESSION_HANDLE s,
		       CK_KEY_TYPE kt, const char *uri, CK_OBJECT_HANDLE *h,
		       size_t *count)
{
	CK_OBJECT_CLASS cls = CKO_PRIVATE_KEY;
	CK_BBOOL yes = CK_TRUE;
	CK_ATTRIBUTE t[] = {
	    {CKA_CLASS, &cls, sizeof(cls)},
	    {CKA_KEY_TYPE, &kt, sizeof(kt)},
	    {CKA_MCX_KMS_SECRET, &yes, sizeof(yes)},
	    {CKA_MCX_KMS_URI, (void *)uri, uri != NULL ? strlen(uri) : 0},
	};
	CK_OBJECT_HANDLE *all = NULL;
	int ret = mcx_p11_find(ad, s, t, uri != NULL ? 4 : 3, &all, count);

	*h = ret == MCX_EXIT_OK && *count > 0 ? all[0] : CK_INVALID_HANDLE;
	free(all);
	return ret;
}

static int read_public(struct mcx_admin *ad, CK_SESSION_HANDLE s,
		       CK_OBJECT_HANDLE h, CK_BYTE *out, size_t len)
{
	CK_ATTRIBUTE t = {CKA_VALUE, NULL, 0};
	int ret = mcx_p11_get_attrs(ad, s, h, &t, 1);

	if (ret == MCX_EXIT_OK &&
	    (t.pValue == NULL || t.ulValueLen != (CK_ULONG)len))
		ret = mcx_main_fail("the KMS public key has %lu octets, not "
				    "%zu",
				    (unsigned long)t.ulValueLen, len);
	if (ret == MCX_EXIT_OK)
		memcpy(out, t.pValue, len);
	mcx_p11_free_attrs(&t, 1);
	return ret;
}

/* The token's KMS (the one named uri, or the only one). */
static int find_kms(struct mcx_admin *ad, CK_SESSION_HANDLE s, const char *uri,
		    struct kms *k)
{
	CK_ATTRIBUTE t = {CKA_MCX_KMS_URI, NULL, 0};
	size_t n = 0, m = 0;
	bool found = false;
	int ret = find_secret(ad, s, CKK_MCX_SAKKE, uri, &k->z_t, &n);

	if (ret != MCX_EXIT_OK)
		return ret;
	if (n == 0)
		return uri != NULL
			   ? mcx_main_fail("the token holds no KMS '%s' (run: "
					   "mcxhsm kms create)",
					   uri)
			   : mcx_main_fail("the token holds no KMS (run: "
					   "mcxhsm kms create)");
	if (n > 1)
		return mcx_main_fail("the token holds %zu KMSs: choose one "
				     "with --uri",
				     n);
	ret = mcx_p11_get_attrs(ad, s, k->z_t, &t, 1);
	if (ret != MCX_EXIT_OK)
		return ret;
	k->uri = t.pValue; /* NUL-terminated by mcx_p11_get_attrs */
	if (k->uri == NULL)
		return mcx_main_fail("the KMS secret has no CKA_MCX_KMS_URI");
	ret = find_secret(ad, s, CKK_MCX_ECCSI, k->uri, &k->ksak, &m);
	if (ret == MCX_EXIT_OK && m != 1)
		ret = mcx_main_fail("KMS '%s': %zu ECCSI master secrets",
				    k->uri, m);
	if (ret == MCX_EXIT_OK)
		ret = mcx_kms_cmd_find_cert(ad, s, k->uri, &k->cert, &found);
	if (ret == MCX_EXIT_OK &&
	    (!found || k->cert.eccsi == CK_INVALID_HANDLE))
		ret = mcx_main_fail("KMS '%s': its public keys are missing",
				    k->uri);
	if (ret == MCX_EXIT_OK)
		ret = read_public(ad, s, k->cert.sakke, k->z_pub, 257);
	if (ret == MCX_EXIT_OK)
		ret = read_public(ad, s, k->cert.eccsi, k->kpak, 65);
	return ret;
}

static int write_file(const char *path, const char *data, size_t len)
{
	FILE *fp = fopen(path, "we");

	if (fp == NULL)
		return mcx_main_fail("%s: %s", path, strerror(errno));
	if (fwrite(data, 1, len, fp) != len || fclose(fp) != 0) {
		if (fp != NULL)
			(void)remove(path);
		return mcx_main_fail("%s: write error", path);
	}
	return MCX_EXIT_OK;
}

static bool parse_ulong(const char *s, CK_ULONG *out)
{
	char *end = NULL;
	unsigned long long v = 0;

	errno = 0;
	if (s[0] < '0' || s[0] > '9')
		return false;
	v = strtoull(s, &end, 10);
	if (errno != 0 || *end != '\0' || v > 0xffffffffull)
		return false;
	*out = (CK_ULONG)v;
	return true;
}

/* ---- kms create ---------------------------------------------------------- */

int mcx_kms_cmd_create(struct mcx_admin *ad, int argc, char **argv)
{
	static const struct option longopts[] = {
	    MCX_COMMON_LONGOPTS,
	    {"uri", required_argument, NULL, 'u'},
	    {"period", required_argument, NULL, 'p'},
	    {"offset", required_argument, NULL, 'o'},
	    {NULL, 0, NULL, 0},
	};
	CK_MECHANISM mech = {CKM_MCX_KMS_KEY_GEN, NULL, 0};
	CK_OBJECT_CLASS pub_cls = CKO_PUBLIC_KEY, priv_cls = CKO_PRIVATE_KEY;
	CK_KEY_TYPE kt = CKK_MCX_SAKKE;
	CK_BBOOL yes = CK_TRUE;
	CK_ULONG period = 0, offset = 0;
	CK_SESSION_HANDLE s = CK_INVALID_HANDLE;
	CK_OBJECT_HANDLE pub = CK_INVALID_HANDLE, priv = CK_INVALID_HANDLE;
	CK_OBJECT_HANDLE made[2] = {CK_INVALID_HANDLE, CK_INVALID_HANDLE};
	struct mcx_kms_cmd_cert have;
	const char *uri = NULL;
	size_t n = 0;
	CK_RV rv = CKR_OK;
	int opt = 0, ret = MCX_EXIT_OK;
	bool have_period = false, have_offset = false, found = false;

	while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (opt == 'u')
			uri = optarg;
		else if (opt == 'p')
			have_period = parse_ulong(optarg, &period);
		else if (opt == 'o')
			have_offset = parse_ulong(optarg, &offset);
		else if (!mcx_main_common_opt(ad, opt, optarg))
			return mcx_main_usage("kms", "create");
	}
	if (optind != argc || uri == NULL || uri[0] == '\0' || !have_period ||
	    period == 0 || !have_offset)
		return mcx_main_usage("kms", "create");
	ret = mcx_p11_start(ad, true, CKU_USER, &s);
	if (ret != MCX_EXIT_OK)
		goto out;
	/* one KMS per URI: identity keys find their KMS by it */
	ret = find_secret(ad, s, CKK_MCX_SAKKE, uri, &priv, &n);
	if (ret == MCX_EXIT_OK)
		ret = mcx_kms_cmd_find_cert(ad, s, uri, &have, &found);
	if (ret != MCX_EXIT_OK)
		goto out;
	if (n > 0 || found) {
		ret = mcx_main_fail("the token already holds KMS '%s'", uri);
		goto out;
	}
	CK_ATTRIBUTE pt[] = {
	    {CKA_CLASS, &pub_cls, sizeof(pub_cls)},
	    {CKA_KEY_TYPE, &kt, sizeof(kt)},
	    {CKA_TOKEN, &yes, sizeof(yes)},
	    {CKA_LABEL, (void *)uri, strlen(uri)},
	    {CKA_MCX_KMS_URI, (void *)uri, strlen(uri)},
	    {CKA_MCX_USER_KEY_PERIOD, &period, sizeof(period)},
	    {CKA_MCX_USER_KEY_OFFSET, &offset, sizeof(offset)},
	};
	CK_ATTRIBUTE st[] = {
	    {CKA_CLASS, &priv_cls, sizeof(priv_cls)},
	    {CKA_KEY_TYPE, &kt, sizeof(kt)},
	    {CKA_TOKEN, &yes, sizeof(yes)},
	    {CKA_PRIVATE, &yes, sizeof(yes)},
	    {CKA_LABEL, (void *)uri, strlen(uri)},
	};
	for (int i = 0; i < 2; i++) {
		kt = i == 0 ? CKK_MCX_SAKKE : CKK_MCX_ECCSI;
		rv = ad->p11.f->C_GenerateKeyPair(
		    s, &mech, pt, sizeof(pt) / sizeof(pt[0]), st,
		    sizeof(st) / sizeof(st[0]), &pub, &priv);
		if (rv != CKR_OK) {
			ret = mcx_p11_fail("C_GenerateKeyPair", rv);
			/* no half KMS: remove the SAKKE pair */
			for (int j = 0; j < 2; j++)
				if (made[j] != CK_INVALID_HANDLE)
					(void)ad->p11.f->C_DestroyObject(
					    s, made[j]);
			goto out;
		}
		if (i == 0) {
			made[0] = pub;
			made[1] = priv;
		}
	}
	printf("created KMS '%s' (UserKeyPeriod %lu s, UserKeyOffset %lu s): "
	       "z_T and KSAK in the token\n",
	       uri, (unsigned long)period, (unsigned long)offset);
out:
	mcx_p11_end(ad, s);
	return ret;
}

/* ---- kms certificate ------------------------------------------------------
 */

int mcx_kms_cmd_certificate(struct mcx_admin *ad, int argc, char **argv)
{
	static const struct option longopts[] = {
	    MCX_COMMON_LONGOPTS,
	    {"uri", required_argument, NULL, 'u'},
	    {"out", required_argument, NULL, 'o'},
	    {"user", required_argument, NULL, 'U'},
	    {NULL, 0, NULL, 0},
	};
	struct kms k;
	struct mcx_kms_xml_wcert c;
	struct mcx_kms_xml_wdoc doc;
	CK_SESSION_HANDLE s = CK_INVALID_HANDLE;
	const char *uri = NULL, *out = NULL, *user = NULL;
	char *xml = NULL;
	size_t len = 0;
	int opt = 0, ret = MCX_EXIT_OK;

	memset(&k, 0, sizeof(k));
	while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (opt == 'u')
			uri = optarg;
		else if (opt == 'o')
			out = optarg;
		else if (opt == 'U')
			user = optarg;
		else if (!mcx_main_common_opt(ad, opt, optarg))
			return mcx_main_usage("kms", "certificate");
	}
	if (optind != argc || out == NULL)
		return mcx_main_usage("kms", "certificate");
	ret = mcx_p11_start(ad, true, CKU_USER, &s);
	if (ret == MCX_EXIT_OK)
		ret = find_kms(ad, s, uri, &k);
	if (ret != MCX_EXIT_OK)
		goto out;
	memset(&c, 0, sizeof(c));
	c.kms_uri = k.uri;
	c.role = "Root";
	c.user_key_period = k.cert.period;
	c.user_key_offset = k.cert.offset;
	c.revoked = k.cert.revoked;
	c.pub_enc_key = k.z_pub;
	c.pub_auth_key = k.kpak;
	memset(&doc, 0, sizeof(doc));
	doc.type = MCX_KMS_XML_INIT;
	doc.user_uri = user != NULL ? user : k.uri;
	doc.kms_uri = k.uri;
	doc.time = (int64_t)time(NULL);
	doc.cert = &c;
	xml = mcx_kms_xml_write(&doc, &len);
	if (xml == NULL) {
		ret = mcx_main_fail("out of memory");
		goto out;
	}
	ret = write_file(out, xml, len);
	if (ret == MCX_EXIT_OK)
		printf("wrote the KmsInit certificate of KMS '%s' to %s\n",
		       k.uri, out);
out:
	free(xml);
	free(k.uri);
	mcx_p11_end(ad, s);
	return ret;
}

/* ---- kms issue ------------------------------------------------------------
 */

struct issue_opts {
	const char *uri, *trk, *out;
	char **users;
	size_t n_users;
	CK_ULONG period_no, periods;
	const char *at;
	bool have_period_no;
};

/* One key set of (user, period) from the token, wrapped under the TrK:
 * wrapped[0..271] RSK, [272..311] SSK, [312..391] PVT. */
static int issue_one(struct mcx_admin *ad, CK_SESSION_HANDLE s,
		     const struct kms *k, CK_OBJECT_HANDLE trk,
		     const char *user, CK_ULONG period_no, CK_BYTE wrapped[392])
{
	CK_MCX_KMS_ISSUE_PARAMS p = {(CK_BYTE_PTR)user, strlen(user),
				     period_no};
	CK_MECHANISM m = {CKM_MCX_KMS_ISSUE, &p, sizeof(p)};
	CK_ULONG len = 272;
	CK_RV rv = ad->p11.f->C_WrapKey(s, &m, trk, k->z_t, wrapped, &len);

	if (rv != CKR_OK || len != 272)
		return rv != CKR_OK ? mcx_p11_fail("C_WrapKey (RSK)", rv)
				    : mcx_main_fail("C_WrapKey (RSK): %lu "
						    "octets, 272 expected",
						    (unsigned long)len);
	len = 120;
	rv = ad->p11.f->C_WrapKey(s, &m, trk, k->ksak, wrapped + 272, &len);
	if (rv != CKR_OK || len != 120)
		return rv != CKR_OK ? mcx_p11_fail("C_WrapKey (SSK, PVT)", rv)
				    : mcx_main_fail("C_WrapKey (SSK, PVT): %lu "
						    "octets, 120 expected",
						    (unsigned long)len);
	return MCX_EXIT_OK;
}

static int parse_issue(struct mcx_admin *ad, int argc, char **argv,
		       struct issue_opts *o)
{
	static const struct option longopts[] = {
	    MCX_COMMON_LONGOPTS,
	    {"uri", required_argument, NULL, 'u'},
	    {"user", required_argument, NULL, 'U'},
	    {"period-no", required_argument, NULL, 'n'},
	    {"periods", required_argument, NULL, 'c'},
	    {"at", required_argument, NULL, 'a'},
	    {"trk", required_argument, NULL, 't'},
	    {"out", required_argument, NULL, 'o'},
	    {NULL, 0, NULL, 0},
	};
	char **g = NULL;
	int opt = 0;
	bool ok = true;

	memset(o, 0, sizeof(*o));
	o->periods = 1;
	while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (opt == 'u') {
			o->uri = optarg;
		} else if (opt == 'U') {
			g = realloc(o->users, (o->n_users + 1) * sizeof(*g));
			if (g == NULL)
				return mcx_main_fail("out of memory");
			o->users = g;
			o->users[o->n_users++] = optarg;
		} else if (opt == 'n') {
			ok = ok && parse_ulong(optarg, &o->period_no);
			o->have_period_no = true;
		} else if (opt == 'c') {
			ok = ok && parse_ulong(optarg, &o->periods) &&
			     o->periods > 0 && o->periods <= 100000;
		} else if (opt == 'a') {
			o->at = optarg;
		} else if (opt == 't') {
			o->trk = optarg;
		} else if (opt == 'o') {
			o->out = optarg;
		} else if (!mcx_main_common_opt(ad, opt, optarg)) {
			return mcx_main_usage("kms", "issue");
		}
	}
	if (!ok || optind != argc || o->n_users == 0 || o->trk == NULL ||
	    o->out == NULL || (o->have_period_no && o->at != NULL))
		return mcx_main_usage("kms", "issue");
	return MCX_EXIT_OK;
}

/* The key period containing Unix time t (§5.1: P5 = floor((NTP - P4) /
 * P3)). */
static int period_at(const struct kms *k, const char *at, CK_ULONG *out)
{
	int64_t t = (int64_t)time(NULL);
	uint64_t ntp = 0;
	CK_ULONG v = 0;

	if (at != NULL) {
		if (parse_ulong(at, &v))
			t = (int64_t)v;
		else if (mcx_kms_xml_parse_time(at, &t) != 0)
			return mcx_main_fail(
			    "--at: neither Unix seconds nor an "
			    "xsd:dateTime: %s",
			    at);
	}
	ntp = (uint64_t)(t + (int64_t)MCX_KMS_XML_NTP_UNIX_DELTA);
	if (ntp < k->cert.offset)
		return mcx_main_fail("--at: before the KMS's first key period");
	*out = (CK_ULONG)((ntp - k->cert.offset) / k->cert.period);
	return MCX_EXIT_OK;
}

int mcx_kms_cmd_issue(struct mcx_admin *ad, int argc, char **argv)
{
	static const char *const alg[2][2] = {
	    {MCX_KMS_XML_KW_AES128, MCX_KMS_XML_KW_AES128_PAD},
	    {MCX_KMS_XML_KW_AES256, MCX_KMS_XML_KW_AES256_PAD},
	};
	struct issue_opts o;
	struct kms k;
	struct mcx_kms_xml_wdoc doc;
	struct mcx_kms_xml_wkeyset *sets = NULL;
	CK_BYTE *wrapped = NULL;
	CK_SESSION_HANDLE s = CK_INVALID_HANDLE;
	CK_OBJECT_HANDLE trk = CK_INVALID_HANDLE;
	CK_ULONG trk_len = 0, first = 0;
	size_t n = 0, count = 0, i = 0;
	char *xml = NULL;
	size_t xml_len = 0;
	int ret = parse_issue(ad, argc, argv, &o), big = 0;

	memset(&k, 0, sizeof(k));
	if (ret != MCX_EXIT_OK) {
		free(o.users);
		return ret;
	}
	ret = mcx_p11_start(ad, true, CKU_USER, &s);
	if (ret == MCX_EXIT_OK)
		ret = find_kms(ad, s, o.uri, &k);
	if (ret == MCX_EXIT_OK)
		ret = mcx_kms_cmd_find_trk(ad, s, o.trk, CKA_WRAP, &trk,
					   &trk_len, &count);
	if (ret != MCX_EXIT_OK)
		goto out;
	if (trk == CK_INVALID_HANDLE || (trk_len != 16 && trk_len != 32)) {
		ret =
		    mcx_main_fail(count > 1 ? "%zu TrKs answer to '%s'"
					    : "%zu AES TrK of 16 or 32 "
					      "octets named '%s' in the token",
				  count, o.trk);
		goto out;
	}
	big = trk_len == 32;
	first = o.period_no;
	if (!o.have_period_no) {
		ret = period_at(&k, o.at, &first);
		if (ret != MCX_EXIT_OK)
			goto out;
	}
	n = o.n_users * o.periods;
	sets = calloc(n, sizeof(*sets));
	wrapped = calloc(n, 392);
	if (sets == NULL || wrapped == NULL) {
		ret = mcx_main_fail("out of memory");
		goto out;
	}
	for (i = 0; i < n; i++) {
		struct mcx_kms_xml_wkeyset *ks = &sets[i];
		const char *user = o.users[i / o.periods];
		CK_ULONG pno = first + (CK_ULONG)(i % o.periods);
		uint64_t ntp = k.cert.offset + (uint64_t)pno * k.cert.period;
		CK_BYTE *w = wrapped + 392 * i;

		ret = issue_one(ad, s, &k, trk, user, pno, w);
		if (ret != MCX_EXIT_OK)
			goto out;
		if (mcx_kdf3gpp_uid((const uint8_t *)user, strlen(user),
				    (const uint8_t *)k.uri, strlen(k.uri),
				    k.cert.period, k.cert.offset, pno,
				    ks->user_id) != MCX_OK) {
			ret = mcx_main_fail("UID of '%s': bad input", user);
			goto out;
		}
		ks->kms_uri = k.uri;
		ks->user_uri = user;
		ks->key_period_no = pno;
		/* §6.2: the period's bounds, NTP to Unix time */
		ks->valid_from =
		    (int64_t)ntp - (int64_t)MCX_KMS_XML_NTP_UNIX_DELTA;
		ks->valid_to = ks->valid_from + (int64_t)k.cert.period;
		ks->rsk = (struct mcx_kms_xml_wkey){w, 272, alg[big][1], o.trk};
		ks->ssk =
		    (struct mcx_kms_xml_wkey){w + 272, 40, alg[big][0], o.trk};
		ks->pvt =
		    (struct mcx_kms_xml_wkey){w + 312, 80, alg[big][1], o.trk};
	}
	memset(&doc, 0, sizeof(doc));
	doc.type = MCX_KMS_XML_KEYPROV;
	doc.user_uri = o.users[0];
	doc.kms_uri = k.uri;
	doc.trk_id = o.trk;
	doc.time = (int64_t)time(NULL);
	doc.keysets = sets;
	doc.n_keysets = n;
	xml = mcx_kms_xml_write(&doc, &xml_len);
	if (xml == NULL) {
		ret = mcx_main_fail("out of memory");
		goto out;
	}
	ret = write_file(o.out, xml, xml_len);
	if (ret == MCX_EXIT_OK)
		printf("issued %zu key set%s of KMS '%s' (key period %lu%s), "
		       "wrapped under TrK '%s', to %s\n",
		       n, n == 1 ? "" : "s", k.uri, (unsigned long)first,
		       o.periods > 1 ? " on" : "", o.trk, o.out);
out:
	free(xml);
	free(sets);
	free(wrapped);
	free(o.users);
	free(k.uri);
	mcx_p11_end(ad, s);
	return ret;
}
