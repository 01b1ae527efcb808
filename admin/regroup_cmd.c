/*
 * mcxhsm regroup new | start | wrap | end | derive (issue 6; MCX-REFERENCE
 * §7, decisions c and f): the RGK-SEED of a preconfigured group regroup or
 * user regroup in the token, never in the clear.
 *
 *   new     initiating client: a random seed object for the regroup
 *           (CKM_MCX_RGK_SEED_GEN)
 *   start   server: unwrap the initiator's protected seed file under its
 *           CSK into a token object kept for the regroup (CKM_MCX_XPK_WRAP
 *           C_UnwrapKey); an invited client does the same with its own CSK
 *           (unicast) or the MuSiK (--from-musik, multicast)
 *   wrap    one protected seed file (44 octets, decision c) per target CSK,
 *           or one under the MuSiK, in --out DIR, named <K-ID>.seed; all
 *           targets in one C_WrapKey (CK_MCX_XPK_WRAP_PARAMS.phTargets)
 *   end     destroy the regroup's seed (and RGKs derived here); audited
 *   derive  client: RGK = last 16 octets of HMAC-SHA-256(GMK, seed) into
 *           a sensitive token object; prints its check value only
 *
 * Keys are named by their 4-octet K-ID (8 hex digits) and must have the
 * purpose the option says.  P0 of the protection key (decision c) is the
 * key's CKA_MCX_SENDER_URI (set when a CSK or MuSiK arrives by MIKEY), or
 * --p0 URI for one key (a client's own CSK: its MC service ID).
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <json-c/json.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "admin/internal.h"
#include "common/wipe.h"

#define PROT_LEN 44
#define MAX_KEYS 4096

struct opts {
	const char *regroup_id;
	const char *seed_file;
	const char *from_csk;
	const char *from_musik;
	const char *expires;
	const char *p0;
	const char *out_dir;
	const char *musik;
	const char *gmk;
	const char *kids[MAX_KEYS];
	size_t n_kids;
	bool json;
};

enum {
	OPT_REGROUP_ID = 0x200,
	OPT_SEED_FILE,
	OPT_FROM_CSK,
	OPT_FROM_MUSIK,
	OPT_EXPIRES,
	OPT_P0,
	OPT_TO_CSK,
	OPT_TO_MUSIK,
	OPT_OUT,
	OPT_GMK,
	OPT_JSON,
};

static const struct option longopts[] = {
    MCX_COMMON_LONGOPTS,
    {"regroup-id", required_argument, NULL, OPT_REGROUP_ID},
    {"seed-file", required_argument, NULL, OPT_SEED_FILE},
    {"from-csk", required_argument, NULL, OPT_FROM_CSK},
    {"from-musik", required_argument, NULL, OPT_FROM_MUSIK},
    {"expires", required_argument, NULL, OPT_EXPIRES},
    {"p0", required_argument, NULL, OPT_P0},
    {"to-csk", required_argument, NULL, OPT_TO_CSK},
    {"to-musik", required_argument, NULL, OPT_TO_MUSIK},
    {"out", required_argument, NULL, OPT_OUT},
    {"gmk", required_argument, NULL, OPT_GMK},
    {"json", no_argument, NULL, OPT_JSON},
    {NULL, 0, NULL, 0},
};

/* Add the comma-separated K-IDs of arg. */
static bool add_kids(struct opts *o, char *arg)
{
	for (char *save = NULL, *t = strtok_r(arg, ",", &save); t != NULL;
	     t = strtok_r(NULL, ",", &save)) {
		if (o->n_kids == MAX_KEYS)
			return false;
		o->kids[o->n_kids++] = t;
	}
	return true;
}

/* Parse the options; --to-csk may be followed by more K-IDs as plain
 * arguments ("--to-csk A B C") or repeated.  false: usage error. */
static bool parse(struct mcx_admin *ad, int argc, char **argv, struct opts *o)
{
	int opt = 0;
	bool to_csk = false;

	memset(o, 0, sizeof(*o));
	while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (mcx_main_common_opt(ad, opt, optarg))
			continue;
		switch (opt) {
		case OPT_REGROUP_ID:
			o->regroup_id = optarg;
			break;
		case OPT_SEED_FILE:
			o->seed_file = optarg;
			break;
		case OPT_FROM_CSK:
			o->from_csk = optarg;
			break;
		case OPT_FROM_MUSIK:
			o->from_musik = optarg;
			break;
		case OPT_EXPIRES:
			o->expires = optarg;
			break;
		case OPT_P0:
			o->p0 = optarg;
			break;
		case OPT_TO_CSK:
			to_csk = true;
			if (!add_kids(o, optarg))
				return false;
			break;
		case OPT_TO_MUSIK:
			o->musik = optarg;
			break;
		case OPT_OUT:
			o->out_dir = optarg;
			break;
		case OPT_GMK:
			o->gmk = optarg;
			break;
		case OPT_JSON:
			o->json = true;
			break;
		default:
			return false;
		}
	}
	for (; optind < argc; optind++)
		if (!to_csk || !add_kids(o, argv[optind]))
			return false;
	return o->regroup_id != NULL && o->regroup_id[0] != '\0';
}

/* "+3600" (seconds from now), else an absolute time as mikey send takes
 * it: "1735689600" or "2025-01-01T00:00:00Z". */
static bool parse_time(const char *s, CK_ULONG *out)
{
	char *end = NULL;
	unsigned long long v = 0;

	if (s[0] != '+')
		return mcx_mikey_cmd_parse_time(s, out);
	errno = 0;
	v = strtoull(s + 1, &end, 10);
	if (errno != 0 || end == s + 1 || *end != '\0')
		return false;
	*out = (CK_ULONG)((unsigned long long)time(NULL) + v);
	return true;
}

static bool parse_kid(const char *hex, CK_BYTE kid[4])
{
	CK_BYTE *b = NULL;
	size_t len = 0;
	bool ok = strlen(hex) == 8 && mcx_unhex(hex, &b, &len) && len == 4;

	if (ok)
		memcpy(kid, b, 4);
	free(b);
	return ok;
}

/* The token's CKK_MCX_KEY with this K-ID and purpose. */
static int find_key(struct mcx_admin *ad, CK_SESSION_HANDLE s,
		    const char *kid_hex, CK_ULONG purpose, CK_OBJECT_HANDLE *h)
{
	CK_OBJECT_CLASS cls = CKO_SECRET_KEY;
	CK_KEY_TYPE kt = CKK_MCX_KEY;
	CK_BYTE kid[4];
	CK_ATTRIBUTE t[] = {
	    {CKA_CLASS, &cls, sizeof(cls)},
	    {CKA_KEY_TYPE, &kt, sizeof(kt)},
	    {CKA_MCX_KEY_ID, kid, sizeof(kid)},
	};
	CK_ATTRIBUTE p[] = {{CKA_MCX_KEY_PURPOSE, NULL, 0}};
	CK_OBJECT_HANDLE *found = NULL;
	size_t n = 0;
	CK_ULONG got = 0;
	int ret = MCX_EXIT_FAIL;

	if (!parse_kid(kid_hex, kid))
		return mcx_main_fail("a K-ID is 8 hex digits: %s", kid_hex);
	ret = mcx_p11_find(ad, s, t, 3, &found, &n);
	if (ret != MCX_EXIT_OK)
		return ret;
	if (n != 1) {
		ret = mcx_main_fail(n == 0 ? "no MCX key with K-ID %s"
					   : "several MCX keys with K-ID %s",
				    kid_hex);
		goto out;
	}
	ret = mcx_p11_get_attrs(ad, s, found[0], p, 1);
	if (ret != MCX_EXIT_OK)
		goto out;
	if (!mcx_p11_attr_ulong(p, 1, CKA_MCX_KEY_PURPOSE, &got) ||
	    got != purpose) {
		ret = mcx_main_fail(
		    "key %s is a %s, not a %s", kid_hex,
		    mcx_p11_attr_ulong(p, 1, CKA_MCX_KEY_PURPOSE, &got)
			? mcx_names_purpose(got)
			: "key without purpose",
		    mcx_names_purpose(purpose));
	} else {
		*h = found[0];
	}
	mcx_p11_free_attrs(p, 1);
out:
	free(found);
	return ret;
}

/* Every token object of the regroup of this key type (seed or RGK). */
static int find_regroup(struct mcx_admin *ad, CK_SESSION_HANDLE s,
			const char *rid, CK_KEY_TYPE kt,
			CK_OBJECT_HANDLE **found, size_t *n)
{
	CK_OBJECT_CLASS cls = CKO_SECRET_KEY;
	CK_BBOOL yes = CK_TRUE;
	char label[256];
	CK_ATTRIBUTE t[] = {
	    {CKA_CLASS, &cls, sizeof(cls)},
	    {CKA_KEY_TYPE, &kt, sizeof(kt)},
	    {CKA_TOKEN, &yes, sizeof(yes)},
	    {CKA_MCX_REGROUP_ID, (void *)rid, strlen(rid)},
	};

	if (kt == CKK_MCX_RGK_SEED)
		return mcx_p11_find(ad, s, t, 4, found, n);
	/* RGKs are AES keys: named by label */
	snprintf(label, sizeof(label), "rgk:%s", rid);
	t[3] = (CK_ATTRIBUTE){CKA_LABEL, label, strlen(label)};
	return mcx_p11_find(ad, s, t, 4, found, n);
}

static int find_seed(struct mcx_admin *ad, CK_SESSION_HANDLE s, const char *rid,
		     CK_OBJECT_HANDLE *h)
{
	CK_OBJECT_HANDLE *found = NULL;
	size_t n = 0;
	int ret = find_regroup(ad, s, rid, CKK_MCX_RGK_SEED, &found, &n);

	if (ret == MCX_EXIT_OK && n != 1)
		ret = mcx_main_fail(n == 0 ? "no seed for regroup '%s' in the "
					     "token (not started, or ended)"
					   : "several seeds for regroup '%s'",
				    rid);
	if (ret == MCX_EXIT_OK)
		*h = found[0];
	free(found);
	return ret;
}

static void print_cv(struct mcx_admin *ad, CK_SESSION_HANDLE s,
		     CK_OBJECT_HANDLE h, const char *what, const char *rid,
		     bool json)
{
	CK_ATTRIBUTE t[] = {{CKA_CHECK_VALUE, NULL, 0}};
	char hex[7] = "";

	if (mcx_p11_get_attrs(ad, s, h, t, 1) == MCX_EXIT_OK &&
	    t[0].pValue != NULL && t[0].ulValueLen == 3)
		mcx_hex(hex, t[0].pValue, 3);
	mcx_p11_free_attrs(t, 1);
	if (json) {
		struct json_object *o = json_object_new_object();
		mcx_json_add_string(o, "regroup_id", rid);
		mcx_json_add_string(o, "key", what);
		mcx_json_add_string(o, "check_value", hex);
		mcx_json_print(o);
	} else {
		printf("%s check_value %s\n", what, hex);
	}
}

static int refuse_existing(struct mcx_admin *ad, CK_SESSION_HANDLE s,
			   const char *rid)
{
	CK_OBJECT_HANDLE *found = NULL;
	size_t n = 0;
	int ret = find_regroup(ad, s, rid, CKK_MCX_RGK_SEED, &found, &n);

	free(found);
	if (ret == MCX_EXIT_OK && n != 0)
		ret = mcx_main_fail("regroup '%s' has a seed in the token "
				    "already (end it first)",
				    rid);
	return ret;
}

/* The seed template for start/new: token object, label, ID, expiry. */
static CK_ULONG seed_template(const struct opts *o, CK_ATTRIBUTE *t,
			      char *label, size_t label_len, CK_BBOOL *yes,
			      CK_ULONG *expiry)
{
	CK_ULONG n = 0;

	snprintf(label, label_len, "seed:%s", o->regroup_id);
	t[n++] = (CK_ATTRIBUTE){CKA_TOKEN, yes, sizeof(*yes)};
	t[n++] = (CK_ATTRIBUTE){CKA_PRIVATE, yes, sizeof(*yes)};
	t[n++] = (CK_ATTRIBUTE){CKA_LABEL, label, strlen(label)};
	t[n++] = (CK_ATTRIBUTE){CKA_MCX_REGROUP_ID, (void *)o->regroup_id,
				strlen(o->regroup_id)};
	if (o->expires != NULL)
		t[n++] =
		    (CK_ATTRIBUTE){CKA_MCX_EXPIRY, expiry, sizeof(*expiry)};
	return n;
}

/* ---- new ------------------------------------------------------------------
 */

int mcx_regroup_cmd_new(struct mcx_admin *ad, int argc, char **argv)
{
	struct opts o;
	CK_SESSION_HANDLE s = CK_INVALID_HANDLE;
	CK_MECHANISM m = {CKM_MCX_RGK_SEED_GEN, NULL, 0};
	CK_ATTRIBUTE t[5];
	CK_BBOOL yes = CK_TRUE;
	CK_ULONG expiry = 0, n = 0;
	CK_OBJECT_HANDLE h = CK_INVALID_HANDLE;
	char label[300];
	CK_RV rv = CKR_OK;
	int ret = MCX_EXIT_OK;

	if (!parse(ad, argc, argv, &o) || o.n_kids || o.seed_file ||
	    o.from_csk || o.from_musik || o.musik || o.out_dir || o.gmk || o.p0)
		return mcx_main_usage("regroup", "new");
	if (o.expires != NULL && !parse_time(o.expires, &expiry))
		return mcx_main_fail("--expires: not a time: %s", o.expires);
	ret = mcx_p11_start(ad, true, CKU_USER, &s);
	if (ret == MCX_EXIT_OK)
		ret = refuse_existing(ad, s, o.regroup_id);
	if (ret != MCX_EXIT_OK)
		goto out;
	n = seed_template(&o, t, label, sizeof(label), &yes, &expiry);
	rv = ad->p11.f->C_GenerateKey(s, &m, t, n, &h);
	if (rv != CKR_OK) {
		ret = mcx_p11_fail("C_GenerateKey", rv);
		goto out;
	}
	print_cv(ad, s, h, "seed", o.regroup_id, o.json);
out:
	mcx_p11_end(ad, s);
	return ret;
}

/* ---- start ----------------------------------------------------------------
 */

/* A protected seed file: 44 raw octets, or their hex or base64 text. */
static int read_seed_file(const char *path, CK_BYTE out[PROT_LEN])
{
	CK_BYTE buf[512], *dec = NULL;
	char text[512];
	size_t len = 0, t = 0, dl = 0;
	FILE *f = fopen(path, "rb");
	int ret = MCX_EXIT_FAIL;

	if (f == NULL)
		return mcx_main_fail("%s: %s", path, strerror(errno));
	len = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	if (len == PROT_LEN) {
		memcpy(out, buf, PROT_LEN);
		return MCX_EXIT_OK;
	}
	for (size_t i = 0; i < len && t < sizeof(text) - 1; i++)
		if (buf[i] != ' ' && buf[i] != '\n' && buf[i] != '\r' &&
		    buf[i] != '\t')
			text[t++] = (char)buf[i];
	text[t] = '\0';
	if (t == 2 * PROT_LEN && mcx_unhex(text, &dec, &dl) && dl == PROT_LEN) {
		memcpy(out, dec, PROT_LEN);
		ret = MCX_EXIT_OK;
	} else if (t > 0 && t < sizeof(text)) {
		CK_BYTE raw[400];
		int n =
		    EVP_DecodeBlock(raw, (const unsigned char *)text, (int)t);
		/* EVP_DecodeBlock counts the '=' padding as zero octets */
		if (n >= PROT_LEN &&
		    n - (int)(text[t - 1] == '=') -
			    (int)(t > 1 && text[t - 2] == '=') ==
			PROT_LEN) {
			memcpy(out, raw, PROT_LEN);
			ret = MCX_EXIT_OK;
		}
	}
	free(dec);
	if (ret != MCX_EXIT_OK)
		ret = mcx_main_fail("%s: not a protected seed (44 octets, "
				    "raw, hex or base64)",
				    path);
	return ret;
}

int mcx_regroup_cmd_start(struct mcx_admin *ad, int argc, char **argv)
{
	struct opts o;
	CK_SESSION_HANDLE s = CK_INVALID_HANDLE;
	CK_MCX_XPK_WRAP_PARAMS p = {NULL, 0, NULL, 0};
	CK_MECHANISM m = {CKM_MCX_XPK_WRAP, &p, sizeof(p)};
	CK_BYTE prot[PROT_LEN];
	CK_ATTRIBUTE t[5];
	CK_BBOOL yes = CK_TRUE;
	CK_ULONG expiry = 0, n = 0;
	CK_OBJECT_HANDLE csk = CK_INVALID_HANDLE, h = CK_INVALID_HANDLE;
	char label[300];
	CK_RV rv = CKR_OK;
	int ret = MCX_EXIT_OK;

	if (!parse(ad, argc, argv, &o) || o.seed_file == NULL ||
	    (o.from_csk == NULL) == (o.from_musik == NULL) || o.n_kids ||
	    o.musik || o.out_dir || o.gmk)
		return mcx_main_usage("regroup", "start");
	if (o.expires != NULL && !parse_time(o.expires, &expiry))
		return mcx_main_fail("--expires: not a time: %s", o.expires);
	if (o.p0 != NULL) {
		p.pP0 = (CK_BYTE_PTR)o.p0;
		p.ulP0Len = strlen(o.p0);
	}
	ret = read_seed_file(o.seed_file, prot);
	if (ret == MCX_EXIT_OK)
		ret = mcx_p11_start(ad, true, CKU_USER, &s);
	if (ret == MCX_EXIT_OK)
		ret = refuse_existing(ad, s, o.regroup_id);
	if (ret == MCX_EXIT_OK)
		ret = find_key(ad, s, o.from_csk ? o.from_csk : o.from_musik,
			       o.from_csk ? CKP_MCX_CSK : CKP_MCX_MUSIK, &csk);
	if (ret != MCX_EXIT_OK)
		goto out;
	n = seed_template(&o, t, label, sizeof(label), &yes, &expiry);
	rv = ad->p11.f->C_UnwrapKey(s, &m, csk, prot, PROT_LEN, t, n, &h);
	if (rv == CKR_WRAPPED_KEY_INVALID) {
		ret = mcx_main_fail("%s does not open under %s %s (wrong key "
				    "or P0, or altered): nothing stored",
				    o.seed_file, o.from_csk ? "CSK" : "MuSiK",
				    o.from_csk ? o.from_csk : o.from_musik);
		goto out;
	}
	if (rv == CKR_MECHANISM_PARAM_INVALID && o.p0 == NULL) {
		ret = mcx_main_fail("C_UnwrapKey: CKR_MECHANISM_PARAM_INVALID "
				    "(the key has no owner URI: give --p0)");
		goto out;
	}
	if (rv != CKR_OK) {
		ret = mcx_p11_fail("C_UnwrapKey", rv);
		goto out;
	}
	print_cv(ad, s, h, "seed", o.regroup_id, o.json);
out:
	mcx_p11_end(ad, s);
	return ret;
}

/* ---- wrap -----------------------------------------------------------------
 */

static int write_file(const char *dir, const char *kid, const CK_BYTE *v)
{
	char path[4096];
	FILE *f = NULL;
	int ok = 0;

	snprintf(path, sizeof(path), "%s/%s.seed", dir, kid);
	f = fopen(path, "wb");
	if (f == NULL)
		return mcx_main_fail("%s: %s", path, strerror(errno));
	ok = fwrite(v, 1, PROT_LEN, f) == PROT_LEN;
	ok = (fclose(f) == 0) && ok;
	if (!ok)
		return mcx_main_fail("%s: write failed", path);
	printf("%s\n", path);
	return MCX_EXIT_OK;
}

int mcx_regroup_cmd_wrap(struct mcx_admin *ad, int argc, char **argv)
{
	struct opts o;
	CK_SESSION_HANDLE s = CK_INVALID_HANDLE;
	CK_OBJECT_HANDLE seed = CK_INVALID_HANDLE, *keys = NULL;
	CK_MCX_XPK_WRAP_PARAMS p = {NULL, 0, NULL, 0};
	CK_MECHANISM m = {CKM_MCX_XPK_WRAP, &p, sizeof(p)};
	CK_BYTE *out = NULL;
	CK_ULONG out_len = 0;
	size_t n = 0;
	struct stat st;
	CK_RV rv = CKR_OK;
	int ret = MCX_EXIT_OK;

	if (!parse(ad, argc, argv, &o) || o.out_dir == NULL ||
	    (o.n_kids == 0) == (o.musik == NULL) || o.seed_file || o.from_csk ||
	    o.from_musik || o.gmk || o.expires)
		return mcx_main_usage("regroup", "wrap");
	if (o.musik != NULL)
		o.kids[o.n_kids++] = o.musik;
	n = o.n_kids;
	if (o.p0 != NULL && n != 1)
		return mcx_main_fail("--p0 names one key's owner: give one "
				     "target");
	if (stat(o.out_dir, &st) != 0 || !S_ISDIR(st.st_mode))
		return mcx_main_fail("--out %s: not a directory", o.out_dir);
	keys = calloc(n, sizeof(*keys));
	out = calloc(n, PROT_LEN);
	if (keys == NULL || out == NULL) {
		ret = mcx_main_fail("out of memory");
		goto out;
	}
	ret = mcx_p11_start(ad, true, CKU_USER, &s);
	if (ret == MCX_EXIT_OK)
		ret = find_seed(ad, s, o.regroup_id, &seed);
	for (size_t i = 0; i < n && ret == MCX_EXIT_OK; i++)
		ret = find_key(ad, s, o.kids[i],
			       o.musik != NULL ? CKP_MCX_MUSIK : CKP_MCX_CSK,
			       &keys[i]);
	if (ret != MCX_EXIT_OK)
		goto out;
	if (o.p0 != NULL) {
		p.pP0 = (CK_BYTE_PTR)o.p0;
		p.ulP0Len = strlen(o.p0);
	}
	/* one call for every target: one audit record, no partial result */
	p.phTargets = n > 1 ? keys + 1 : NULL;
	p.ulTargets = (CK_ULONG)(n - 1);
	out_len = (CK_ULONG)(n * PROT_LEN);
	rv = ad->p11.f->C_WrapKey(s, &m, keys[0], seed, out, &out_len);
	if (rv == CKR_MECHANISM_PARAM_INVALID && o.p0 == NULL) {
		ret = mcx_main_fail("C_WrapKey: CKR_MECHANISM_PARAM_INVALID "
				    "(a target without its owner's URI: give "
				    "--p0 for a single target)");
		goto out;
	}
	if (rv != CKR_OK) {
		ret = mcx_p11_fail("C_WrapKey", rv);
		goto out;
	}
	for (size_t i = 0; i < n && ret == MCX_EXIT_OK; i++)
		ret = write_file(o.out_dir, o.kids[i], out + i * PROT_LEN);
out:
	free(keys);
	free(out);
	mcx_p11_end(ad, s);
	return ret;
}

/* ---- end ------------------------------------------------------------------
 */

int mcx_regroup_cmd_end(struct mcx_admin *ad, int argc, char **argv)
{
	struct opts o;
	CK_SESSION_HANDLE s = CK_INVALID_HANDLE;
	static const CK_KEY_TYPE kinds[2] = {CKK_MCX_RGK_SEED, CKK_AES};
	size_t total[2] = {0, 0};
	CK_RV rv = CKR_OK;
	int ret = MCX_EXIT_OK;

	if (!parse(ad, argc, argv, &o) || o.n_kids || o.seed_file ||
	    o.from_csk || o.from_musik || o.musik || o.out_dir || o.gmk ||
	    o.expires || o.p0)
		return mcx_main_usage("regroup", "end");
	ret = mcx_p11_start(ad, true, CKU_USER, &s);
	for (size_t k = 0; k < 2 && ret == MCX_EXIT_OK; k++) {
		CK_OBJECT_HANDLE *found = NULL;
		size_t n = 0;
		ret = find_regroup(ad, s, o.regroup_id, kinds[k], &found, &n);
		for (size_t i = 0; i < n && ret == MCX_EXIT_OK; i++) {
			rv = ad->p11.f->C_DestroyObject(s, found[i]);
			if (rv != CKR_OK)
				ret = mcx_p11_fail("C_DestroyObject", rv);
			else
				total[k]++;
		}
		free(found);
	}
	if (ret == MCX_EXIT_OK && total[0] == 0)
		ret = mcx_main_fail("no seed for regroup '%s' in the token",
				    o.regroup_id);
	else if (ret == MCX_EXIT_OK)
		printf("regroup %s ended: %zu seed(s), %zu RGK(s) destroyed\n",
		       o.regroup_id, total[0], total[1]);
	mcx_p11_end(ad, s);
	return ret;
}

/* ---- derive ---------------------------------------------------------------
 */

int mcx_regroup_cmd_derive(struct mcx_admin *ad, int argc, char **argv)
{
	struct opts o;
	CK_SESSION_HANDLE s = CK_INVALID_HANDLE;
	CK_OBJECT_HANDLE seed = CK_INVALID_HANDLE, gmk = CK_INVALID_HANDLE,
			 h = CK_INVALID_HANDLE, *old = NULL;
	CK_MCX_RGK_DERIVE_PARAMS p = {CK_INVALID_HANDLE};
	CK_MECHANISM m = {CKM_MCX_RGK_DERIVE, &p, sizeof(p)};
	CK_BBOOL yes = CK_TRUE, no = CK_FALSE;
	char label[300];
	CK_ATTRIBUTE t[] = {
	    {CKA_TOKEN, &yes, sizeof(yes)},
	    {CKA_PRIVATE, &yes, sizeof(yes)},
	    {CKA_EXTRACTABLE, &no, sizeof(no)},
	    {CKA_LABEL, label, 0},
	};
	size_t n_old = 0;
	CK_RV rv = CKR_OK;
	int ret = MCX_EXIT_OK;

	if (!parse(ad, argc, argv, &o) || o.gmk == NULL || o.n_kids ||
	    o.seed_file || o.from_csk || o.from_musik || o.musik || o.out_dir ||
	    o.expires || o.p0)
		return mcx_main_usage("regroup", "derive");
	snprintf(label, sizeof(label), "rgk:%s", o.regroup_id);
	t[3].ulValueLen = strlen(label);
	ret = mcx_p11_start(ad, true, CKU_USER, &s);
	if (ret == MCX_EXIT_OK)
		ret = find_seed(ad, s, o.regroup_id, &seed);
	if (ret == MCX_EXIT_OK)
		ret = find_key(ad, s, o.gmk, CKP_MCX_GMK, &gmk);
	if (ret == MCX_EXIT_OK)
		ret = find_regroup(ad, s, o.regroup_id, CKK_AES, &old, &n_old);
	if (ret != MCX_EXIT_OK)
		goto out;
	p.hSeed = seed;
	rv = ad->p11.f->C_DeriveKey(s, &m, gmk, t, 4, &h);
	if (rv != CKR_OK) {
		ret = mcx_p11_fail("C_DeriveKey", rv);
		goto out;
	}
	/* one RGK per regroup: the new one replaces an earlier one */
	for (size_t i = 0; i < n_old; i++)
		(void)ad->p11.f->C_DestroyObject(s, old[i]);
	print_cv(ad, s, h, "rgk", o.regroup_id, o.json);
out:
	free(old);
	mcx_p11_end(ad, s);
	return ret;
}
