/*
 * mcxhsm audit show | verify.  The token's audit log is readable as
 * CKO_MCX_AUDIT_RECORD objects; each carries its hash-chain link, so any
 * client can recompute the chain (encoding in <mcxhsm/pkcs11-mcx.h>):
 *   hash_n = SHA-256(hash_(n-1) || encoding_n), with 32 zero octets before
 *   the first record.
 * verify reports the first record whose link does not hold.  Both log in
 * (user, or SO with --so): the records are private objects.
 */
#include "config.h"

#include <getopt.h>
#include <json-c/json.h>
#include <openssl/evp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "admin/internal.h"

struct record {
	CK_ULONG seq, time, pid, user_type, mechanism, rv;
	char *function, *unique_id, *label; /* never NULL once read */
	CK_BYTE prev_hash[32], hash[32];
	bool has_hashes;
};

static const CK_ATTRIBUTE_TYPE record_attrs[] = {
    CKA_MCX_AUDIT_SEQ,	     CKA_MCX_AUDIT_TIME,      CKA_MCX_AUDIT_PID,
    CKA_MCX_AUDIT_USER_TYPE, CKA_MCX_AUDIT_MECHANISM, CKA_MCX_AUDIT_RV,
    CKA_MCX_AUDIT_FUNCTION,  CKA_MCX_AUDIT_OBJECT_ID, CKA_MCX_AUDIT_LABEL,
    CKA_MCX_AUDIT_PREV_HASH, CKA_MCX_AUDIT_HASH,
};
#define N_REC (sizeof(record_attrs) / sizeof(record_attrs[0]))

static char *dup_string(const CK_ATTRIBUTE *t, CK_ATTRIBUTE_TYPE type)
{
	const CK_ATTRIBUTE *a = mcx_p11_attr(t, N_REC, type);

	return strdup(a != NULL ? (const char *)a->pValue : "");
}

static bool copy_hash(const CK_ATTRIBUTE *t, CK_ATTRIBUTE_TYPE type,
		      CK_BYTE out[32])
{
	const CK_ATTRIBUTE *a = mcx_p11_attr(t, N_REC, type);

	if (a == NULL || a->ulValueLen != 32)
		return false;
	memcpy(out, a->pValue, 32);
	return true;
}

static int record_from_attrs(const CK_ATTRIBUTE *t, struct record *r)
{
	memset(r, 0, sizeof(*r));
	if (!mcx_p11_attr_ulong(t, N_REC, CKA_MCX_AUDIT_SEQ, &r->seq))
		return mcx_main_fail("an audit record has no sequence number");
	/* An absent number reads as "not available", as the log writes. */
	if (!mcx_p11_attr_ulong(t, N_REC, CKA_MCX_AUDIT_TIME, &r->time))
		r->time = 0;
	if (!mcx_p11_attr_ulong(t, N_REC, CKA_MCX_AUDIT_PID, &r->pid))
		r->pid = 0;
	if (!mcx_p11_attr_ulong(t, N_REC, CKA_MCX_AUDIT_USER_TYPE,
				&r->user_type))
		r->user_type = CK_UNAVAILABLE_INFORMATION;
	if (!mcx_p11_attr_ulong(t, N_REC, CKA_MCX_AUDIT_MECHANISM,
				&r->mechanism))
		r->mechanism = CK_UNAVAILABLE_INFORMATION;
	if (!mcx_p11_attr_ulong(t, N_REC, CKA_MCX_AUDIT_RV, &r->rv))
		r->rv = CK_UNAVAILABLE_INFORMATION;
	r->function = dup_string(t, CKA_MCX_AUDIT_FUNCTION);
	r->unique_id = dup_string(t, CKA_MCX_AUDIT_OBJECT_ID);
	r->label = dup_string(t, CKA_MCX_AUDIT_LABEL);
	if (r->function == NULL || r->unique_id == NULL || r->label == NULL)
		return mcx_main_fail("out of memory");
	r->has_hashes = copy_hash(t, CKA_MCX_AUDIT_PREV_HASH, r->prev_hash) &&
			copy_hash(t, CKA_MCX_AUDIT_HASH, r->hash);
	return MCX_EXIT_OK;
}

static void free_records(struct record *recs, size_t n)
{
	size_t i = 0;

	for (i = 0; recs != NULL && i < n; i++) {
		free(recs[i].function);
		free(recs[i].unique_id);
		free(recs[i].label);
	}
	free(recs);
}

static int cmp_seq(const void *a, const void *b)
{
	const struct record *x = a, *y = b;

	return (x->seq > y->seq) - (x->seq < y->seq);
}

/* Every audit record of the token, in sequence order. */
static int read_records(struct mcx_admin *ad, CK_SESSION_HANDLE session,
			struct record **out, size_t *n_out)
{
	CK_OBJECT_CLASS cls = CKO_MCX_AUDIT_RECORD;
	CK_ATTRIBUTE match = {CKA_CLASS, &cls, sizeof(cls)};
	CK_ATTRIBUTE tmpl[N_REC];
	CK_OBJECT_HANDLE *handles = NULL;
	struct record *recs = NULL;
	size_t count = 0, i = 0, k = 0, done = 0;
	int ret = MCX_EXIT_FAIL;

	memset(tmpl, 0, sizeof(tmpl));
	for (k = 0; k < N_REC; k++)
		tmpl[k].type = record_attrs[k];
	ret = mcx_p11_find(ad, session, &match, 1, &handles, &count);
	if (ret != MCX_EXIT_OK)
		goto out;
	recs = calloc(count + 1, sizeof(*recs));
	if (recs == NULL) {
		ret = mcx_main_fail("out of memory");
		goto out;
	}
	for (i = 0; i < count; i++) {
		ret = mcx_p11_get_attrs(ad, session, handles[i], tmpl, N_REC);
		if (ret != MCX_EXIT_OK)
			goto out;
		ret = record_from_attrs(tmpl, &recs[i]);
		done = i + 1;
		mcx_p11_free_attrs(tmpl, N_REC);
		if (ret != MCX_EXIT_OK)
			goto out;
	}
	qsort(recs, count, sizeof(*recs), cmp_seq);
	*out = recs;
	*n_out = count;
	recs = NULL;
	ret = MCX_EXIT_OK;
out:
	mcx_p11_free_attrs(tmpl, N_REC);
	free_records(recs, done);
	free(handles);
	return ret;
}

/* Load the module and open the token logged in: the module shows the
 * audit records (labels and unique ids of private keys, who did what) only
 * to a logged-in user or SO.  The user PIN comes from --pin-file,
 * $MCXHSM_PIN or a prompt; with --so the SO PIN from --so-pin-file,
 * $MCXHSM_SO_PIN or a prompt, on an R/W session (an SO login refuses
 * R/O sessions, PKCS#11 3.0 §5.6.4). */
static int open_token(struct mcx_admin *ad, bool so, CK_SESSION_HANDLE *s)
{
	return mcx_p11_start(ad, so, so ? CKU_SO : CKU_USER, s);
}

static struct json_object *record_json(const struct record *r)
{
	struct json_object *o = json_object_new_object();

	mcx_json_add_int(o, "seq", (long long)r->seq);
	mcx_json_add_time(o, "time", r->time);
	mcx_json_add_int(o, "pid", (long long)r->pid);
	mcx_json_add_string(o, "user_type", mcx_names_user_type(r->user_type));
	mcx_json_add_string(o, "function", r->function);
	mcx_json_add_string(o, "mechanism", mcx_names_mechanism(r->mechanism));
	if (r->unique_id[0] != '\0')
		mcx_json_add_string(o, "unique_id", r->unique_id);
	if (r->label[0] != '\0')
		mcx_json_add_string(o, "label", r->label);
	mcx_json_add_string(o, "rv", mcx_names_rv(r->rv));
	if (r->has_hashes)
		mcx_json_add_hex(o, "hash", r->hash, sizeof(r->hash));
	return o;
}

int mcx_audit_cmd_show(struct mcx_admin *ad, int argc, char **argv)
{
	static const struct option longopts[] = {
	    MCX_COMMON_LONGOPTS,
	    {"json", no_argument, NULL, 'j'},
	    {"last", required_argument, NULL, 'n'},
	    {"so", no_argument, NULL, 's'},
	    {NULL, 0, NULL, 0},
	};
	struct json_object *root = NULL;
	struct record *recs = NULL;
	CK_SESSION_HANDLE session = CK_INVALID_HANDLE;
	size_t count = 0, first = 0, i = 0;
	unsigned long long last = 0;
	char *end = NULL;
	int opt = 0, ret = MCX_EXIT_FAIL;
	bool json = false, so = false, limit = false;

	while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (opt == 'j') {
			json = true;
		} else if (opt == 's') {
			so = true;
		} else if (opt == 'n') {
			last = strtoull(optarg, &end, 10);
			if (optarg[0] < '0' || optarg[0] > '9' || *end != '\0')
				return mcx_main_usage("audit", "show");
			limit = true;
		} else if (!mcx_main_common_opt(ad, opt, optarg)) {
			return mcx_main_usage("audit", "show");
		}
	}
	if (optind != argc)
		return mcx_main_usage("audit", "show");
	ret = open_token(ad, so, &session);
	if (ret != MCX_EXIT_OK)
		goto out;
	ret = read_records(ad, session, &recs, &count);
	if (ret != MCX_EXIT_OK)
		goto out;
	if (limit && last < count)
		first = count - (size_t)last;
	if (json) {
		root = json_object_new_array();
		for (i = first; i < count; i++)
			json_object_array_add(root, record_json(&recs[i]));
		ret = mcx_json_print(root);
		root = NULL;
		goto out;
	}
	printf("%-6s %-20s %-7s %-5s %-20s %-22s %-28s %s\n", "seq",
	       "time (UTC)", "pid", "user", "function", "mechanism", "result",
	       "object");
	for (i = first; i < count; i++) {
		const struct record *r = &recs[i];
		char t[32] = {0};

		mcx_time_iso(t, sizeof(t), r->time);
		printf("%-6lu %-20s %-7lu %-5s %-20s %-22s %-28s %s%s%s%s\n",
		       (unsigned long)r->seq, t, (unsigned long)r->pid,
		       mcx_names_user_type(r->user_type), r->function,
		       mcx_names_mechanism(r->mechanism), mcx_names_rv(r->rv),
		       r->label[0] != '\0' ? "'" : "", r->label,
		       r->label[0] != '\0' ? "' " : "", r->unique_id);
	}
	if (count == 0)
		printf("(no audit records)\n");
	ret = MCX_EXIT_OK;
out:
	json_object_put(root);
	free_records(recs, count);
	mcx_p11_end(ad, session);
	return ret;
}

static void put_u64(CK_BYTE *p, uint64_t v)
{
	int i = 0;

	for (i = 7; i >= 0; i--) {
		p[i] = (CK_BYTE)(v & 0xff);
		v >>= 8;
	}
}

/* Numbers are 8 octets: CK_UNAVAILABLE_INFORMATION is all ones however
 * wide CK_ULONG is. */
static uint64_t wide(CK_ULONG v)
{
	return v == CK_UNAVAILABLE_INFORMATION ? UINT64_MAX : (uint64_t)v;
}

static bool hash_string(EVP_MD_CTX *md, const char *s)
{
	size_t n = strlen(s);
	CK_BYTE len[2] = {(CK_BYTE)(n >> 8), (CK_BYTE)(n & 0xff)};

	return n <= 0xffff && EVP_DigestUpdate(md, len, 2) == 1 &&
	       EVP_DigestUpdate(md, s, n) == 1;
}

/* hash_n = SHA-256(prev || seq || time || pid || user_type || mechanism ||
 * rv || len function || len unique_id || len label). */
static bool chain_hash(const CK_BYTE prev[32], const struct record *r,
		       CK_BYTE out[32])
{
	CK_BYTE nums[48] = {0};
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	unsigned int len = 0;
	bool ok = false;

	put_u64(nums, wide(r->seq));
	put_u64(nums + 8, wide(r->time));
	put_u64(nums + 16, wide(r->pid));
	put_u64(nums + 24, wide(r->user_type));
	put_u64(nums + 32, wide(r->mechanism));
	put_u64(nums + 40, wide(r->rv));
	ok = md != NULL && EVP_DigestInit_ex(md, EVP_sha256(), NULL) == 1 &&
	     EVP_DigestUpdate(md, prev, 32) == 1 &&
	     EVP_DigestUpdate(md, nums, sizeof(nums)) == 1 &&
	     hash_string(md, r->function) && hash_string(md, r->unique_id) &&
	     hash_string(md, r->label) &&
	     EVP_DigestFinal_ex(md, out, &len) == 1 && len == 32;
	EVP_MD_CTX_free(md);
	return ok;
}

int mcx_audit_cmd_verify(struct mcx_admin *ad, int argc, char **argv)
{
	static const struct option longopts[] = {
	    MCX_COMMON_LONGOPTS,
	    {"so", no_argument, NULL, 's'},
	    {NULL, 0, NULL, 0},
	};
	struct record *recs = NULL;
	CK_SESSION_HANDLE session = CK_INVALID_HANDLE;
	CK_BYTE prev[32] = {0}, h[32] = {0};
	size_t count = 0, i = 0;
	int opt = 0, ret = MCX_EXIT_FAIL;
	bool so = false;

	while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (opt == 's')
			so = true;
		else if (!mcx_main_common_opt(ad, opt, optarg))
			return mcx_main_usage("audit", "verify");
	}
	if (optind != argc)
		return mcx_main_usage("audit", "verify");
	ret = open_token(ad, so, &session);
	if (ret != MCX_EXIT_OK)
		goto out;
	ret = read_records(ad, session, &recs, &count);
	if (ret != MCX_EXIT_OK)
		goto out;
	if (count == 0) {
		ret = mcx_main_fail("audit verify: the token returned no "
				    "audit records");
		goto out;
	}
	/* The chain starts at 32 zero octets; sequence numbers have no gap,
	 * so a deleted record breaks the chain as an edited one does. */
	for (i = 0; i < count; i++) {
		const struct record *r = &recs[i];

		if (i > 0 && r->seq != recs[i - 1].seq + 1) {
			ret = mcx_main_fail("audit chain broken at seq %lu "
					    "(record %lu missing)",
					    (unsigned long)r->seq,
					    (unsigned long)recs[i - 1].seq + 1);
			goto out;
		}
		if (!r->has_hashes) {
			ret = mcx_main_fail("audit chain broken at seq %lu "
					    "(no hash attributes)",
					    (unsigned long)r->seq);
			goto out;
		}
		if (!chain_hash(prev, r, h)) {
			ret = mcx_main_fail("SHA-256 failed");
			goto out;
		}
		if (memcmp(r->prev_hash, prev, 32) != 0 ||
		    memcmp(r->hash, h, 32) != 0) {
			ret = mcx_main_fail("audit chain broken at seq %lu",
					    (unsigned long)r->seq);
			goto out;
		}
		memcpy(prev, h, 32);
	}
	printf("audit chain ok: %zu records, seq %lu..%lu\n", count,
	       (unsigned long)recs[0].seq, (unsigned long)recs[count - 1].seq);
	ret = MCX_EXIT_OK;
out:
	free_records(recs, count);
	mcx_p11_end(ad, session);
	return ret;
}
