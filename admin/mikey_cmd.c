/*
 * mcxhsm mikey send | receive: one MIKEY-SAKKE I_MESSAGE (TS 33.180 5.2,
 * Annex E) made or taken by the token with CKM_MCX_MIKEY_SAKKE, so the key
 * never leaves it in the clear:
 *
 *   send     C_WrapKey: wrapping key = the sender's private CKK_MCX_ECCSI
 *            key (SSK + PVT), key = the CKK_MCX_KEY with that K-ID,
 *            parameter CK_MCX_MIKEY_SEND_PARAMS (receiver, key parameters)
 *   receive  C_UnwrapKey with the unwrapping key chosen by the token
 *            (decision g), parameter CK_MCX_MIKEY_RECEIVE_PARAMS; the new
 *            (or, for a revocation, the existing) CKK_MCX_KEY is described
 *            by its public attributes, never its value
 *
 * The helpers below are shared with gms_cmd.c (declared in internal.h).
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <json-c/json.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "admin/internal.h"
#include "mechanisms/mikey.h"

/* ---- shared helpers ------------------------------------------------------ */

bool mcx_mikey_cmd_parse_time(const char *s, CK_ULONG *out)
{
	struct tm tm;
	char *end = NULL;
	unsigned long long v = 0;
	time_t t = 0;

	if (s == NULL || *s == '\0')
		return false;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno == 0 && *end == '\0' && s[0] != '-') {
		*out = (CK_ULONG)v;
		return true;
	}
	memset(&tm, 0, sizeof(tm));
	end = strptime(s, "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (end == NULL || *end != '\0')
		return false;
	t = timegm(&tm);
	if (t < 0)
		return false;
	*out = (CK_ULONG)t;
	return true;
}

int mcx_mikey_cmd_group_ids(char *const *ids, size_t n, CK_BYTE **out,
			    CK_ULONG *len)
{
	size_t total = 0, i = 0, l = 0;
	CK_BYTE *p = NULL;

	*out = NULL;
	*len = 0;
	for (i = 0; i < n; i++) {
		l = strlen(ids[i]);
		if (l == 0 || l > 0xFFFF)
			return mcx_main_fail("group ID '%s': empty or too long",
					     ids[i]);
		total += 2 + l;
	}
	if (total == 0)
		return MCX_EXIT_OK;
	*out = malloc(total);
	if (*out == NULL)
		return mcx_main_fail("out of memory");
	/* CKA_MCX_GROUP_IDS: (2-octet big-endian length, UTF-8 ID)* */
	for (i = 0, p = *out; i < n; i++) {
		l = strlen(ids[i]);
		p[0] = (CK_BYTE)(l >> 8);
		p[1] = (CK_BYTE)l;
		memcpy(p + 2, ids[i], l);
		p += 2 + l;
	}
	*len = total;
	return MCX_EXIT_OK;
}

/* The handles matching tmpl; exactly one expected unless first_ok. */
static int find_one(struct mcx_admin *ad, CK_SESSION_HANDLE s,
		    CK_ATTRIBUTE *tmpl, CK_ULONG n, const char *what,
		    CK_OBJECT_HANDLE *h)
{
	CK_OBJECT_HANDLE *hs = NULL;
	size_t count = 0;
	int ret = mcx_p11_find(ad, s, tmpl, n, &hs, &count);

	if (ret != MCX_EXIT_OK)
		return ret;
	if (count == 0)
		ret = mcx_main_fail("no %s in the token", what);
	else
		*h = hs[0];
	free(hs);
	return ret;
}

int mcx_mikey_cmd_find_signer(struct mcx_admin *ad, CK_SESSION_HANDLE s,
			      const char *uri, CK_ULONG at, CK_OBJECT_HANDLE *h)
{
	CK_OBJECT_CLASS cls = CKO_PRIVATE_KEY;
	CK_KEY_TYPE kt = CKK_MCX_ECCSI;
	CK_ATTRIBUTE tmpl[] = {
	    {CKA_CLASS, &cls, sizeof(cls)},
	    {CKA_KEY_TYPE, &kt, sizeof(kt)},
	    {CKA_MCX_USER_URI, (void *)uri, uri != NULL ? strlen(uri) : 0},
	};
	CK_ATTRIBUTE a[4];
	CK_OBJECT_HANDLE *hs = NULL, best = CK_INVALID_HANDLE;
	CK_ULONG from = 0, to = 0, kp = 0, best_kp = 0;
	size_t count = 0, i = 0;
	const CK_ATTRIBUTE *u = NULL;
	char *first_uri = NULL;
	bool in_period = false, best_in = false;
	int ret = MCX_EXIT_FAIL;

	memset(a, 0, sizeof(a));
	ret = mcx_p11_find(ad, s, tmpl, uri != NULL ? 3 : 2, &hs, &count);
	if (ret != MCX_EXIT_OK)
		return ret;
	/* The key for the period containing the sending time, else the
	 * latest period: the sender's own key period comes from its key
	 * object (TS 33.180 F.2.1).  KMS master secrets have no user URI. */
	for (i = 0; i < count; i++) {
		a[0].type = CKA_MCX_USER_URI;
		a[1].type = CKA_MCX_VALID_FROM;
		a[2].type = CKA_MCX_VALID_TO;
		a[3].type = CKA_MCX_KEY_PERIOD_NO;
		ret = mcx_p11_get_attrs(ad, s, hs[i], a, 4);
		if (ret != MCX_EXIT_OK)
			goto out;
		u = mcx_p11_attr(a, 4, CKA_MCX_USER_URI);
		if (u == NULL || u->ulValueLen == 0) {
			mcx_p11_free_attrs(a, 4);
			continue;
		}
		/* No --from: the token must hold one identity only. */
		if (uri == NULL && first_uri != NULL &&
		    strcmp(first_uri, u->pValue) != 0) {
			mcx_p11_free_attrs(a, 4);
			ret = mcx_main_fail("several ECCSI identities in the "
					    "token: give --from URI");
			goto out;
		}
		if (first_uri == NULL &&
		    (first_uri = strdup(u->pValue)) == NULL) {
			ret = mcx_main_fail("out of memory");
			goto out;
		}
		kp = 0;
		mcx_p11_attr_ulong(a, 4, CKA_MCX_KEY_PERIOD_NO, &kp);
		in_period =
		    mcx_p11_attr_ulong(a, 4, CKA_MCX_VALID_FROM, &from) &&
		    mcx_p11_attr_ulong(a, 4, CKA_MCX_VALID_TO, &to) &&
		    from <= at && at < to;
		if (best == CK_INVALID_HANDLE || (in_period && !best_in) ||
		    (in_period == best_in && kp > best_kp)) {
			best = hs[i];
			best_kp = kp;
			best_in = in_period;
		}
		mcx_p11_free_attrs(a, 4);
	}
	if (best == CK_INVALID_HANDLE) {
		ret = uri != NULL ? mcx_main_fail("no ECCSI signing key for %s "
						  "in the token",
						  uri)
				  : mcx_main_fail("no ECCSI signing key in the "
						  "token");
		goto out;
	}
	*h = best;
	ret = MCX_EXIT_OK;
out:
	mcx_p11_free_attrs(a, 4);
	free(first_uri);
	free(hs);
	return ret;
}

int mcx_mikey_cmd_find_kms(struct mcx_admin *ad, CK_SESSION_HANDLE s,
			   const char *kms_uri, CK_OBJECT_HANDLE *h)
{
	CK_OBJECT_CLASS cls = CKO_PUBLIC_KEY;
	CK_KEY_TYPE kt = CKK_MCX_SAKKE;
	CK_ATTRIBUTE tmpl[] = {
	    {CKA_CLASS, &cls, sizeof(cls)},
	    {CKA_KEY_TYPE, &kt, sizeof(kt)},
	    {CKA_MCX_KMS_URI, (void *)kms_uri, strlen(kms_uri)},
	};
	char what[300];

	snprintf(what, sizeof(what), "SAKKE public key (Z_T) of KMS %s",
		 kms_uri);
	return find_one(ad, s, tmpl, 3, what, h);
}

int mcx_mikey_cmd_find_key(struct mcx_admin *ad, CK_SESSION_HANDLE s,
			   const CK_BYTE kid[4], CK_OBJECT_HANDLE *h)
{
	CK_OBJECT_CLASS cls = CKO_SECRET_KEY;
	CK_KEY_TYPE kt = CKK_MCX_KEY;
	CK_ATTRIBUTE tmpl[] = {
	    {CKA_CLASS, &cls, sizeof(cls)},
	    {CKA_KEY_TYPE, &kt, sizeof(kt)},
	    {CKA_MCX_KEY_ID, (void *)kid, 4},
	};
	char what[64];

	snprintf(what, sizeof(what), "MCX key with K-ID %02x%02x%02x%02x",
		 kid[0], kid[1], kid[2], kid[3]);
	return find_one(ad, s, tmpl, 3, what, h);
}

int mcx_mikey_cmd_wrap(struct mcx_admin *ad, CK_SESSION_HANDLE s,
		       CK_OBJECT_HANDLE signer, CK_OBJECT_HANDLE key,
		       CK_MCX_MIKEY_SEND_PARAMS *p, CK_BYTE **msg,
		       CK_ULONG *len)
{
	CK_MECHANISM mech = {CKM_MCX_MIKEY_SAKKE, p, sizeof(*p)};
	CK_ULONG cap = 2048;
	CK_BYTE *buf = NULL;
	CK_RV rv = CKR_OK;

	*msg = NULL;
	*len = 0;
	/* One call with room for any I_MESSAGE (about 700 octets, 1000
	 * with SAKKE-to-self); the size query would sign twice. */
	for (;;) {
		free(buf);
		buf = malloc(cap);
		if (buf == NULL)
			return mcx_main_fail("out of memory");
		*len = cap;
		rv = ad->p11.f->C_WrapKey(s, &mech, signer, key, buf, len);
		if (rv == CKR_BUFFER_TOO_SMALL && *len > cap) {
			cap = *len;
			continue;
		}
		break;
	}
	if (rv != CKR_OK) {
		free(buf);
		*len = 0;
		return mcx_p11_fail("C_WrapKey", rv);
	}
	*msg = buf;
	return MCX_EXIT_OK;
}

int mcx_mikey_cmd_unwrap(struct mcx_admin *ad, CK_SESSION_HANDLE s,
			 CK_BYTE *msg, CK_ULONG len,
			 CK_MCX_MIKEY_RECEIVE_PARAMS *rp, const char *label,
			 bool resend, CK_OBJECT_HANDLE *h)
{
	CK_MECHANISM mech = {CKM_MCX_MIKEY_SAKKE, rp, sizeof(*rp)};
	CK_OBJECT_CLASS cls = CKO_SECRET_KEY;
	CK_KEY_TYPE kt = CKK_MCX_KEY;
	CK_BBOOL yes = CK_TRUE, ext = resend ? CK_TRUE : CK_FALSE;
	struct mcx_mikey_msg m;
	/* A member's key stays in its token; a partner GMS's may be sent on
	 * (only SAKKE-encapsulated: the token's policy).  A GMK may derive
	 * regroup keys (CKM_MCX_RGK_DERIVE takes it as base key). */
	CK_ATTRIBUTE tmpl[7] = {
	    {CKA_CLASS, &cls, sizeof(cls)},
	    {CKA_KEY_TYPE, &kt, sizeof(kt)},
	    {CKA_TOKEN, &yes, sizeof(yes)},
	    {CKA_PRIVATE, &yes, sizeof(yes)},
	    {CKA_EXTRACTABLE, &ext, sizeof(ext)},
	};
	CK_ULONG n = 5;
	CK_RV rv = CKR_OK;

	if (label != NULL)
		tmpl[n++] =
		    (CK_ATTRIBUTE){CKA_LABEL, (void *)label, strlen(label)};
	/* The purpose tag of the CSB-ID (TS 33.180 5.2.3) tells a GMK;
	 * a message the decoder refuses is left to the token to refuse. */
	memset(&m, 0, sizeof(m));
	if (mcx_mikey_decode(msg, len, &m) == MCX_OK &&
	    (m.csb_id >> 28) == CKP_MCX_GMK)
		tmpl[n++] = (CK_ATTRIBUTE){CKA_DERIVE, &yes, sizeof(yes)};
	rv = ad->p11.f->C_UnwrapKey(s, &mech, CK_INVALID_HANDLE, msg, len, tmpl,
				    n, h);

	if (rv != CKR_OK)
		return mcx_p11_fail("C_UnwrapKey", rv);
	return MCX_EXIT_OK;
}

/* What `mikey receive --json` prints (PRODUCT.md "Admin tool JSON"). */
static const CK_ATTRIBUTE_TYPE key_attrs[] = {
    CKA_LABEL,		CKA_CHECK_VALUE,      CKA_MCX_KEY_PURPOSE,
    CKA_MCX_KEY_ID,	CKA_MCX_UK_ID,	      CKA_MCX_STATUS,
    CKA_MCX_SENDER_URI, CKA_MCX_RECEIVER_URI, CKA_MCX_ACTIVATION,
    CKA_MCX_EXPIRY,	CKA_MCX_TEXT,	      CKA_MCX_GROUP_IDS,
};
#define N_KEY (sizeof(key_attrs) / sizeof(key_attrs[0]))

static void add_hex(struct json_object *o, const char *k, const CK_ATTRIBUTE *t,
		    CK_ATTRIBUTE_TYPE type)
{
	const CK_ATTRIBUTE *a = mcx_p11_attr(t, N_KEY, type);

	if (a != NULL && a->ulValueLen > 0)
		mcx_json_add_hex(o, k, a->pValue, a->ulValueLen);
}

static void add_str(struct json_object *o, const char *k, const CK_ATTRIBUTE *t,
		    CK_ATTRIBUTE_TYPE type)
{
	const CK_ATTRIBUTE *a = mcx_p11_attr(t, N_KEY, type);

	/* mcx_p11_get_attrs NUL-terminates every value; empty = absent */
	if (a != NULL && a->ulValueLen > 0)
		mcx_json_add_string(o, k, a->pValue);
}

struct json_object *mcx_mikey_cmd_groups_json(const CK_BYTE *p, size_t len)
{
	struct json_object *arr = json_object_new_array();
	size_t off = 0, l = 0;

	while (off + 2 <= len) {
		l = ((size_t)p[off] << 8) | p[off + 1];
		if (off + 2 + l > len)
			break;
		json_object_array_add(
		    arr, json_object_new_string_len((const char *)p + off + 2,
						    (int)l));
		off += 2 + l;
	}
	return arr;
}

int mcx_mikey_cmd_key_json(struct mcx_admin *ad, CK_SESSION_HANDLE s,
			   CK_OBJECT_HANDLE h, struct json_object **out)
{
	CK_ATTRIBUTE t[N_KEY];
	struct json_object *o = NULL;
	const CK_ATTRIBUTE *g = NULL;
	CK_ULONG v = 0;
	size_t k = 0;
	int ret = MCX_EXIT_FAIL;

	memset(t, 0, sizeof(t));
	for (k = 0; k < N_KEY; k++)
		t[k].type = key_attrs[k];
	ret = mcx_p11_get_attrs(ad, s, h, t, N_KEY);
	if (ret != MCX_EXIT_OK)
		return ret;
	o = json_object_new_object();
	if (mcx_p11_attr_ulong(t, N_KEY, CKA_MCX_KEY_PURPOSE, &v))
		mcx_json_add_string(o, "purpose", mcx_names_purpose(v));
	add_hex(o, "key_id", t, CKA_MCX_KEY_ID);
	add_hex(o, "uk_id", t, CKA_MCX_UK_ID);
	add_hex(o, "check_value", t, CKA_CHECK_VALUE);
	if (mcx_p11_attr_ulong(t, N_KEY, CKA_MCX_STATUS, &v))
		mcx_json_add_string(
		    o, "status", v == CKS_MCX_REVOKED ? "revoked" : "active");
	add_str(o, "sender", t, CKA_MCX_SENDER_URI);
	add_str(o, "receiver", t, CKA_MCX_RECEIVER_URI);
	/* 0 = not set (decision d): omitted */
	if (mcx_p11_attr_ulong(t, N_KEY, CKA_MCX_ACTIVATION, &v) && v != 0)
		mcx_json_add_time(o, "activation", v);
	if (mcx_p11_attr_ulong(t, N_KEY, CKA_MCX_EXPIRY, &v) && v != 0)
		mcx_json_add_time(o, "expiry", v);
	add_str(o, "text", t, CKA_MCX_TEXT);
	g = mcx_p11_attr(t, N_KEY, CKA_MCX_GROUP_IDS);
	if (g != NULL)
		json_object_object_add(
		    o, "group_ids",
		    mcx_mikey_cmd_groups_json(g->pValue, g->ulValueLen));
	add_str(o, "label", t, CKA_LABEL);
	mcx_p11_free_attrs(t, N_KEY);
	*out = o;
	return MCX_EXIT_OK;
}

int mcx_mikey_cmd_write(const char *path, const CK_BYTE *msg, CK_ULONG len,
			bool sdp)
{
	char *b64 = NULL;
	int n = 0, ret = MCX_EXIT_FAIL;

	if (!sdp)
		return mcx_mikey_inspect_write(path, msg, len);
	/* RFC 4567: the key-mgmt attribute value "mikey <base64>" */
	b64 = malloc(6 + 4 * ((len + 2) / 3) + 2);
	if (b64 == NULL)
		return mcx_main_fail("out of memory");
	memcpy(b64, "mikey ", 6);
	n = EVP_EncodeBlock((unsigned char *)b64 + 6, msg, (int)len);
	b64[6 + n] = '\n';
	ret = mcx_mikey_inspect_write(path, (CK_BYTE *)b64, 6 + (size_t)n + 1);
	free(b64);
	return ret;
}

/* ---- mikey send ---------------------------------------------------------- */

int mcx_mikey_cmd_send(struct mcx_admin *ad, int argc, char **argv)
{
	static const struct option longopts[] = {
	    MCX_COMMON_LONGOPTS,
	    {"key", required_argument, NULL, 'k'},
	    {"from", required_argument, NULL, 'f'},
	    {"to", required_argument, NULL, 't'},
	    {"to-kms", required_argument, NULL, 'K'},
	    {"status", required_argument, NULL, 's'},
	    {"group-id", required_argument, NULL, 'g'},
	    {"text", required_argument, NULL, 'x'},
	    {"activation", required_argument, NULL, 'a'},
	    {"expiry", required_argument, NULL, 'e'},
	    {"time", required_argument, NULL, 'T'},
	    {"sakke-to-self", no_argument, NULL, 'S'},
	    {"hide-identities", no_argument, NULL, 'H'},
	    {"no-key-params", no_argument, NULL, 'N'},
	    {"sdp", no_argument, NULL, 'D'},
	    {"out", required_argument, NULL, 'o'},
	    {NULL, 0, NULL, 0},
	};
	CK_MCX_MIKEY_SEND_PARAMS p;
	CK_SESSION_HANDLE s = CK_INVALID_HANDLE;
	CK_OBJECT_HANDLE key = CK_INVALID_HANDLE, signer = CK_INVALID_HANDLE;
	CK_BYTE *kid = NULL, *groups = NULL, *msg = NULL;
	CK_ULONG groups_len = 0, msg_len = 0;
	size_t kid_len = 0;
	char **group_ids = NULL;
	size_t n_groups = 0;
	const char *key_hex = NULL, *from = NULL, *to = NULL, *to_kms = NULL;
	const char *out = NULL;
	bool sdp = false;
	int opt = 0, ret = MCX_EXIT_FAIL;

	memset(&p, 0, sizeof(p));
	p.hReceiverKms = CK_INVALID_HANDLE;
	p.ulReceiverKeyPeriodNo = CK_UNAVAILABLE_INFORMATION;
	p.ulStatus = CKS_MCX_ACTIVE;
	group_ids = calloc((size_t)argc + 1, sizeof(*group_ids));
	if (group_ids == NULL)
		return mcx_main_fail("out of memory");
	while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (opt) {
		case 'k':
			key_hex = optarg;
			break;
		case 'f':
			from = optarg;
			break;
		case 't':
			to = optarg;
			break;
		case 'K':
			to_kms = optarg;
			break;
		case 's':
			if (strcmp(optarg, "revoked") == 0)
				p.ulStatus = CKS_MCX_REVOKED;
			else if (strcmp(optarg, "active") != 0)
				goto usage;
			break;
		case 'g':
			group_ids[n_groups++] = optarg;
			break;
		case 'x':
			p.pText = (CK_BYTE_PTR)optarg;
			p.ulTextLen = strlen(optarg);
			break;
		case 'a':
		case 'e':
		case 'T':
			if (!mcx_mikey_cmd_parse_time(
				optarg, opt == 'a'   ? &p.ulActivation
					: opt == 'e' ? &p.ulExpiry
						     : &p.ulTime)) {
				fprintf(stderr,
					"mcxhsm: not a time (Unix seconds or "
					"YYYY-MM-DDTHH:MM:SSZ): %s\n",
					optarg);
				goto usage;
			}
			break;
		case 'S':
			p.flags |= CKF_MCX_SAKKE_TO_SELF;
			break;
		case 'H':
			p.flags |= CKF_MCX_HIDE_IDENTITIES;
			break;
		case 'N':
			p.flags |= CKF_MCX_NO_KEY_PARAMS;
			break;
		case 'D':
			sdp = true;
			break;
		case 'o':
			out = optarg;
			break;
		default:
			if (!mcx_main_common_opt(ad, opt, optarg))
				goto usage;
		}
	}
	if (optind != argc || key_hex == NULL || to == NULL || out == NULL)
		goto usage;
	if (!mcx_unhex(key_hex, &kid, &kid_len) || kid_len != 4) {
		fprintf(stderr, "mcxhsm: --key: a K-ID is 8 hex digits: %s\n",
			key_hex);
		goto usage;
	}
	ret =
	    mcx_mikey_cmd_group_ids(group_ids, n_groups, &groups, &groups_len);
	if (ret != MCX_EXIT_OK)
		goto out;
	p.pReceiverUri = (CK_BYTE_PTR)to;
	p.ulReceiverUriLen = strlen(to);
	p.pGroupIds = groups;
	p.ulGroupIdsLen = groups_len;
	ret = mcx_p11_start(ad, false, CKU_USER, &s);
	if (ret != MCX_EXIT_OK)
		goto out;
	ret = mcx_mikey_cmd_find_key(ad, s, kid, &key);
	if (ret != MCX_EXIT_OK)
		goto out;
	ret = mcx_mikey_cmd_find_signer(
	    ad, s, from, p.ulTime != 0 ? p.ulTime : (CK_ULONG)time(NULL),
	    &signer);
	if (ret != MCX_EXIT_OK)
		goto out;
	if (to_kms != NULL) {
		ret = mcx_mikey_cmd_find_kms(ad, s, to_kms, &p.hReceiverKms);
		if (ret != MCX_EXIT_OK)
			goto out;
	}
	ret = mcx_mikey_cmd_wrap(ad, s, signer, key, &p, &msg, &msg_len);
	if (ret != MCX_EXIT_OK)
		goto out;
	ret = mcx_mikey_cmd_write(out, msg, msg_len, sdp);
	if (ret != MCX_EXIT_OK)
		goto out;
	printf("%s: I_MESSAGE of %lu octets for %s (K-ID %s%s)\n", out,
	       (unsigned long)msg_len, to, key_hex,
	       p.ulStatus == CKS_MCX_REVOKED ? ", status revoked" : "");
	ret = MCX_EXIT_OK;
	goto out;
usage:
	ret = mcx_main_usage("mikey", "send");
out:
	free(msg);
	free(groups);
	free(kid);
	free(group_ids);
	mcx_p11_end(ad, s);
	return ret;
}

/* ---- mikey receive ------------------------------------------------------- */

static void print_key_text(struct json_object *o)
{
	json_object_object_foreach(o, key, val)
	{
		printf("  %-12s %s\n", key, json_object_get_string(val));
	}
}

int mcx_mikey_cmd_receive(struct mcx_admin *ad, int argc, char **argv)
{
	static const struct option longopts[] = {
	    MCX_COMMON_LONGOPTS,
	    {"in", required_argument, NULL, 'i'},
	    {"at", required_argument, NULL, 'a'},
	    {"max-age", required_argument, NULL, 'm'},
	    {"max-skew", required_argument, NULL, 's'},
	    {"label", required_argument, NULL, 'l'},
	    {"json", no_argument, NULL, 'j'},
	    {NULL, 0, NULL, 0},
	};
	CK_MCX_MIKEY_RECEIVE_PARAMS rp;
	CK_SESSION_HANDLE s = CK_INVALID_HANDLE;
	CK_OBJECT_HANDLE h = CK_INVALID_HANDLE;
	CK_BYTE *msg = NULL;
	size_t msg_len = 0, n_in = 0, i = 0;
	char **in = NULL;
	const char *label = NULL;
	struct json_object *o = NULL, *all = NULL;
	bool json = false;
	int opt = 0, ret = MCX_EXIT_FAIL;

	memset(&rp, 0, sizeof(rp));
	in = calloc((size_t)argc + 1, sizeof(*in));
	if (in == NULL)
		return mcx_main_fail("out of memory");
	while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (opt) {
		case 'i':
			in[n_in++] = optarg;
			break;
		case 'a':
		case 'm':
		case 's':
			if (!mcx_mikey_cmd_parse_time(
				optarg, opt == 'a'   ? &rp.ulEvaluationTime
					: opt == 'm' ? &rp.ulMaxAge
						     : &rp.ulMaxFutureSkew)) {
				fprintf(stderr, "mcxhsm: not a time: %s\n",
					optarg);
				goto usage;
			}
			break;
		case 'l':
			label = optarg;
			break;
		case 'j':
			json = true;
			break;
		default:
			if (!mcx_main_common_opt(ad, opt, optarg))
				goto usage;
		}
	}
	if (optind != argc || n_in == 0)
		goto usage;
	/* One login for every message: a member takes a group's GMK and
	 * MKFC (or a whole backlog) at once. */
	ret = mcx_p11_start(ad, true, CKU_USER, &s);
	if (ret != MCX_EXIT_OK)
		goto out;
	all = json_object_new_array();
	for (i = 0; i < n_in; i++) {
		ret = mcx_mikey_inspect_read(in[i], &msg, &msg_len, NULL);
		if (ret != MCX_EXIT_OK)
			goto out;
		ret = mcx_mikey_cmd_unwrap(ad, s, msg, msg_len, &rp, label,
					   false, &h);
		free(msg);
		msg = NULL;
		if (ret != MCX_EXIT_OK) {
			fprintf(stderr, "mcxhsm: %s: rejected\n", in[i]);
			goto out;
		}
		ret = mcx_mikey_cmd_key_json(ad, s, h, &o);
		if (ret != MCX_EXIT_OK)
			goto out;
		json_object_array_add(all, o);
	}
	if (json) {
		/* one --in: one object (PRODUCT.md); several: an array */
		o = n_in == 1
			? json_object_get(json_object_array_get_idx(all, 0))
			: json_object_get(all);
		ret = mcx_json_print(o);
		goto out;
	}
	for (i = 0; i < n_in; i++) {
		printf("%s: received\n", in[i]);
		print_key_text(json_object_array_get_idx(all, i));
	}
	ret = MCX_EXIT_OK;
	goto out;
usage:
	ret = mcx_main_usage("mikey", "receive");
out:
	json_object_put(all);
	free(msg);
	free(in);
	mcx_p11_end(ad, s);
	return ret;
}
