/*
 * mcxhsm gms create-group | distribute | revoke | regroup | forward: a
 * Group Management Server's key work (TS 33.180 5.7, 7.3.3.3) on top of
 * CKM_MCX_KEY_GEN and CKM_MCX_MIKEY_SAKKE; the GMKs never leave the token
 * except SAKKE-encapsulated in signed I_MESSAGEs.
 *
 * Group state lives in the token, no side files (admin/gms_group.c): the
 * GMK "gmk:G", the MKFC "mkfc:G" and the member list "members:G".
 *
 * Members FILE: one member per line, "URI" or "URI KMS-URI" when the
 * member's key comes from another KMS than the GMS's (the token must hold
 * that KMS's certificate); blank lines and lines starting with '#' are
 * skipped.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "admin/gms.h"

/* ---- sending to members ---------------------------------------------------
 */

struct send_job {
	CK_OBJECT_HANDLE signer;
	CK_OBJECT_HANDLE keys[2];      /* GMK, MKFC (or CK_INVALID_HANDLE) */
	const char *names[2];	       /* file suffixes */
	CK_MCX_MIKEY_SEND_PARAMS base; /* status, times, text, groups, flags */
	const char *dir;
	bool sdp;
};

/* "sip:alice@example.org" -> "sip_alice@example.org": a file name. */
static void safe_name(char *out, size_t cap, const char *uri)
{
	size_t i = 0;

	for (i = 0; uri[i] != '\0' && i + 1 < cap; i++) {
		char c = uri[i];
		bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			  (c >= '0' && c <= '9') || c == '.' || c == '-' ||
			  c == '@' || c == '+';
		out[i] = ok ? c : '_';
	}
	out[i] = '\0';
}

static void progress(size_t done, size_t total, bool tty)
{
	int width = 40, fill = 0;

	if (!tty || total == 0)
		return;
	fill = (int)(done * (size_t)width / total);
	fprintf(stderr, "\r[%.*s%*s] %zu/%zu members", fill,
		"########################################", width - fill, "",
		done, total);
	if (done == total)
		fputc('\n', stderr);
	fflush(stderr);
}

/* A number with this many decimals (json-c would print 17 digits). */
static void add_number(struct json_object *o, const char *key, double v,
		       int decimals)
{
	char buf[64];

	snprintf(buf, sizeof(buf), "%.*f", decimals, v);
	json_object_object_add(o, key, json_object_new_double_s(v, buf));
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* One I_MESSAGE per member and key into job->dir; an index.json there
 * lists them.  Adds messages/seconds/rate to report. */
static int send_all(struct mcx_admin *ad, CK_SESSION_HANDLE s,
		    const struct send_job *job, const struct members *ms,
		    struct json_object *report)
{
	CK_OBJECT_HANDLE kms = CK_INVALID_HANDLE;
	const char *kms_uri = NULL;
	struct json_object *index = json_object_new_array();
	CK_BYTE *msg = NULL;
	CK_ULONG len = 0;
	char name[600], path[4096];
	size_t i = 0, k = 0, sent = 0;
	double t0 = now_s(), dt = 0;
	bool tty = isatty(STDERR_FILENO) != 0;
	int ret = MCX_EXIT_OK;

	if (mkdir(job->dir, 0700) != 0 && errno != EEXIST) {
		ret = mcx_main_fail("%s: %s", job->dir, strerror(errno));
		goto out;
	}
	for (i = 0; i < ms->n; i++) {
		const struct member *m = &ms->m[i];
		struct json_object *e = json_object_new_object();
		CK_MCX_MIKEY_SEND_PARAMS p = job->base;

		json_object_array_add(index, e);
		mcx_json_add_string(e, "member", m->uri);
		mcx_json_add_string(e, "kms", m->kms);
		/* the receiver's KMS certificate, looked up once per KMS */
		if (m->kms != NULL &&
		    (kms_uri == NULL || strcmp(kms_uri, m->kms) != 0)) {
			ret = mcx_mikey_cmd_find_kms(ad, s, m->kms, &kms);
			if (ret != MCX_EXIT_OK)
				goto out;
			kms_uri = m->kms;
		}
		p.hReceiverKms = m->kms != NULL ? kms : CK_INVALID_HANDLE;
		p.pReceiverUri = (CK_BYTE_PTR)m->uri;
		p.ulReceiverUriLen = strlen(m->uri);
		safe_name(name, sizeof(name), m->uri);
		for (k = 0; k < 2; k++) {
			if (job->keys[k] == CK_INVALID_HANDLE)
				continue;
			ret = mcx_mikey_cmd_wrap(ad, s, job->signer,
						 job->keys[k], &p, &msg, &len);
			if (ret != MCX_EXIT_OK) {
				fprintf(stderr, "mcxhsm: for member %s\n",
					m->uri);
				goto out;
			}
			snprintf(path, sizeof(path), "%s/%s.%s.mikey", job->dir,
				 name, job->names[k]);
			ret = mcx_mikey_cmd_write(path, msg, len, job->sdp);
			free(msg);
			msg = NULL;
			if (ret != MCX_EXIT_OK)
				goto out;
			mcx_json_add_string(e, job->names[k], path);
			sent++;
		}
		progress(i + 1, ms->n, tty);
	}
	dt = now_s() - t0;
	snprintf(path, sizeof(path), "%s/index.json", job->dir);
	if (json_object_to_file_ext(path, index,
				    JSON_C_TO_STRING_PRETTY |
					JSON_C_TO_STRING_NOSLASHESCAPE) != 0) {
		ret = mcx_main_fail("%s: cannot write", path);
		goto out;
	}
	mcx_json_add_string(report, "out", job->dir);
	mcx_json_add_int(report, "members", (long long)ms->n);
	mcx_json_add_int(report, "messages", (long long)sent);
	add_number(report, "seconds", dt, 3);
	add_number(report, "messages_per_second",
		   dt > 0 ? (double)sent / dt : 0, 1);
out:
	free(msg);
	json_object_put(index);
	return ret;
}

static int finish(struct json_object *report, bool json)
{
	if (json)
		return mcx_json_print(report);
	json_object_object_foreach(report, key, val)
	{
		printf("%-20s %s\n", key, json_object_get_string(val));
	}
	json_object_put(report);
	return MCX_EXIT_OK;
}

/* Options shared by the sending commands. */
struct send_opts {
	const char *from, *out, *text;
	CK_ULONG activation, expiry, time;
	bool sdp, json;
};
/* clang-format off */
#define SEND_LONGOPTS                                 \
	{"from", required_argument, NULL, 'f'},       \
	{"out", required_argument, NULL, 'o'},        \
	{"text", required_argument, NULL, 'x'},       \
	{"activation", required_argument, NULL, 'a'}, \
	{"expiry", required_argument, NULL, 'e'},     \
	{"time", required_argument, NULL, 'T'},       \
	{"sdp", no_argument, NULL, 'D'},              \
	{"json", no_argument, NULL, 'j'}
/* clang-format on */

static bool send_opt(struct send_opts *so, int opt, const char *arg)
{
	switch (opt) {
	case 'f':
		so->from = arg;
		return true;
	case 'o':
		so->out = arg;
		return true;
	case 'x':
		so->text = arg;
		return true;
	case 'a':
		return mcx_mikey_cmd_parse_time(arg, &so->activation);
	case 'e':
		return mcx_mikey_cmd_parse_time(arg, &so->expiry);
	case 'T':
		return mcx_mikey_cmd_parse_time(arg, &so->time);
	case 'D':
		so->sdp = true;
		return true;
	case 'j':
		so->json = true;
		return true;
	default:
		return false;
	}
}

/* The group's keys and the signer into job; group IDs = (group). */
static int prepare_job(struct mcx_admin *ad, CK_SESSION_HANDLE s,
		       const char *group, const struct send_opts *so,
		       struct send_job *job, CK_BYTE **gids)
{
	CK_ULONG gids_len = 0;
	char *g = (char *)group;
	int ret = MCX_EXIT_FAIL;

	memset(job, 0, sizeof(*job));
	job->keys[0] = job->keys[1] = CK_INVALID_HANDLE;
	job->names[0] = "gmk";
	job->names[1] = "mkfc";
	job->dir = so->out;
	job->sdp = so->sdp;
	ret = mcx_gms_group_key(ad, s, "gmk", group, &job->keys[0]);
	if (ret != MCX_EXIT_OK)
		return ret;
	if (job->keys[0] == CK_INVALID_HANDLE)
		return mcx_main_fail("no group %s in the token (gms "
				     "create-group)",
				     group);
	ret = mcx_gms_group_key(ad, s, "mkfc", group, &job->keys[1]);
	if (ret != MCX_EXIT_OK)
		return ret;
	ret = mcx_mikey_cmd_find_signer(
	    ad, s, so->from, so->time != 0 ? so->time : (CK_ULONG)time(NULL),
	    &job->signer);
	if (ret != MCX_EXIT_OK)
		return ret;
	ret = mcx_mikey_cmd_group_ids(&g, 1, gids, &gids_len);
	if (ret != MCX_EXIT_OK)
		return ret;
	job->base.ulReceiverKeyPeriodNo = CK_UNAVAILABLE_INFORMATION;
	job->base.ulStatus = CKS_MCX_ACTIVE;
	job->base.ulTime = so->time;
	job->base.ulActivation = so->activation;
	job->base.ulExpiry = so->expiry;
	job->base.pText = (CK_BYTE_PTR)so->text;
	job->base.ulTextLen = so->text != NULL ? strlen(so->text) : 0;
	job->base.pGroupIds = *gids;
	job->base.ulGroupIdsLen = gids_len;
	return MCX_EXIT_OK;
}

/* ---- the commands -------------------------------------------------------- */

int mcx_gms_cmd_create_group(struct mcx_admin *ad, int argc, char **argv)
{
	static const struct option longopts[] = {
	    MCX_COMMON_LONGOPTS,
	    {"group-id", required_argument, NULL, 'g'},
	    {"members", required_argument, NULL, 'm'},
	    {"floor-control", no_argument, NULL, 'F'},
	    {"members-only", no_argument, NULL, 'M'},
	    {"json", no_argument, NULL, 'j'},
	    {NULL, 0, NULL, 0},
	};
	struct members ms = {NULL, 0};
	struct json_object *report = NULL;
	CK_SESSION_HANDLE s = CK_INVALID_HANDLE;
	const char *group = NULL, *members = NULL;
	bool fc = false, json = false, keys = true;
	int opt = 0, ret = MCX_EXIT_FAIL;

	while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (opt == 'g')
			group = optarg;
		else if (opt == 'm')
			members = optarg;
		else if (opt == 'F')
			fc = true;
		else if (opt == 'M')
			keys = false;
		else if (opt == 'j')
			json = true;
		else if (!mcx_main_common_opt(ad, opt, optarg))
			return mcx_main_usage("gms", "create-group");
	}
	if (optind != argc || group == NULL || group[0] == '\0' ||
	    (!keys && (fc || members == NULL)))
		return mcx_main_usage("gms", "create-group");
	if (members != NULL) {
		ret = mcx_gms_group_members_read(members, &ms);
		if (ret != MCX_EXIT_OK)
			goto out;
	}
	ret = mcx_p11_start(ad, true, CKU_USER, &s);
	if (ret != MCX_EXIT_OK)
		goto out;
	report = json_object_new_object();
	ret = mcx_gms_group_create(ad, s, group, &ms, fc, keys, report);
	if (ret != MCX_EXIT_OK)
		goto out;
	ret = finish(report, json);
	report = NULL;
out:
	json_object_put(report);
	mcx_gms_group_members_free(&ms);
	mcx_p11_end(ad, s);
	return ret;
}

int mcx_gms_cmd_distribute(struct mcx_admin *ad, int argc, char **argv)
{
	static const struct option longopts[] = {
	    MCX_COMMON_LONGOPTS,
	    {"group-id", required_argument, NULL, 'g'},
	    {"members", required_argument, NULL, 'm'},
	    SEND_LONGOPTS,
	    {NULL, 0, NULL, 0},
	};
	struct send_opts so;
	struct send_job job;
	struct members ms = {NULL, 0};
	struct json_object *report = NULL;
	CK_SESSION_HANDLE s = CK_INVALID_HANDLE;
	CK_BYTE *gids = NULL;
	const char *group = NULL, *members = NULL;
	bool stored = false;
	int opt = 0, ret = MCX_EXIT_FAIL;

	memset(&so, 0, sizeof(so));
	while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (opt == 'g')
			group = optarg;
		else if (opt == 'm')
			members = optarg;
		else if (!send_opt(&so, opt, optarg) &&
			 !mcx_main_common_opt(ad, opt, optarg))
			return mcx_main_usage("gms", "distribute");
	}
	if (optind != argc || group == NULL || so.out == NULL)
		return mcx_main_usage("gms", "distribute");
	if (members != NULL) {
		ret = mcx_gms_group_members_read(members, &ms);
		if (ret != MCX_EXIT_OK)
			goto out;
	}
	ret = mcx_p11_start(ad, true, CKU_USER, &s);
	if (ret != MCX_EXIT_OK)
		goto out;
	/* --members replaces the stored list; without it, the stored one */
	if (members != NULL)
		ret = mcx_gms_group_members_store(ad, s, group, &ms);
	else
		ret = mcx_gms_group_members_load(ad, s, group, &ms, &stored);
	if (ret != MCX_EXIT_OK)
		goto out;
	if (ms.n == 0) {
		ret = mcx_main_fail("group %s has no members: give --members "
				    "FILE",
				    group);
		goto out;
	}
	ret = prepare_job(ad, s, group, &so, &job, &gids);
	if (ret != MCX_EXIT_OK)
		goto out;
	report = json_object_new_object();
	mcx_json_add_string(report, "group_id", group);
	ret = send_all(ad, s, &job, &ms, report);
	if (ret != MCX_EXIT_OK)
		goto out;
	ret = finish(report, so.json);
	report = NULL;
out:
	json_object_put(report);
	free(gids);
	mcx_gms_group_members_free(&ms);
	mcx_p11_end(ad, s);
	return ret;
}

int mcx_gms_cmd_revoke(struct mcx_admin *ad, int argc, char **argv)
{
	static const struct option longopts[] = {
	    MCX_COMMON_LONGOPTS,
	    {"group-id", required_argument, NULL, 'g'},
	    SEND_LONGOPTS,
	    {NULL, 0, NULL, 0},
	};
	struct send_opts so;
	struct send_job job;
	struct members ms = {NULL, 0};
	struct json_object *report = NULL;
	CK_SESSION_HANDLE s = CK_INVALID_HANDLE;
	CK_BYTE *gids = NULL;
	const char *group = NULL;
	bool stored = false;
	size_t k = 0;
	int opt = 0, ret = MCX_EXIT_FAIL;

	memset(&so, 0, sizeof(so));
	while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (opt == 'g')
			group = optarg;
		else if (!send_opt(&so, opt, optarg) &&
			 !mcx_main_common_opt(ad, opt, optarg))
			return mcx_main_usage("gms", "revoke");
	}
	if (optind != argc || group == NULL)
		return mcx_main_usage("gms", "revoke");
	ret = mcx_p11_start(ad, true, CKU_USER, &s);
	if (ret != MCX_EXIT_OK)
		goto out;
	ret = mcx_gms_group_members_load(ad, s, group, &ms, &stored);
	if (ret != MCX_EXIT_OK)
		goto out;
	if (ms.n > 0 && so.out == NULL) {
		ret = mcx_main_fail("group %s has %zu members: give --out DIR "
				    "for their revocation messages",
				    group, ms.n);
		goto out;
	}
	ret = prepare_job(ad, s, group, &so, &job, &gids);
	if (ret != MCX_EXIT_OK)
		goto out;
	report = json_object_new_object();
	mcx_json_add_string(report, "group_id", group);
	/* First the messages (status revoked, E.6.9) while the keys may
	 * still be wrapped, then the token's own keys. */
	job.base.ulStatus = CKS_MCX_REVOKED;
	if (ms.n > 0) {
		ret = send_all(ad, s, &job, &ms, report);
		if (ret != MCX_EXIT_OK)
			goto out;
	}
	for (k = 0; k < 2; k++) {
		if (job.keys[k] == CK_INVALID_HANDLE)
			continue;
		ret = mcx_gms_group_revoke(ad, s, job.keys[k], job.names[k],
					   group);
		if (ret != MCX_EXIT_OK)
			goto out;
	}
	mcx_json_add_string(report, "status", "revoked");
	ret = finish(report, so.json);
	report = NULL;
out:
	json_object_put(report);
	free(gids);
	mcx_gms_group_members_free(&ms);
	mcx_p11_end(ad, s);
	return ret;
}

int mcx_gms_cmd_regroup(struct mcx_admin *ad, int argc, char **argv)
{
	static const struct option longopts[] = {
	    MCX_COMMON_LONGOPTS,
	    {"from-groups", required_argument, NULL, 'G'},
	    {"group-id", required_argument, NULL, 'g'},
	    {"floor-control", no_argument, NULL, 'F'},
	    SEND_LONGOPTS,
	    {NULL, 0, NULL, 0},
	};
	struct send_opts so;
	struct send_job job;
	struct members ms = {NULL, 0}, one = {NULL, 0};
	struct json_object *report = NULL;
	CK_SESSION_HANDLE s = CK_INVALID_HANDLE;
	CK_BYTE *gids = NULL;
	char *from = NULL, *g = NULL, *save = NULL;
	const char *group = NULL;
	bool fc = false, stored = false;
	size_t i = 0;
	int opt = 0, ret = MCX_EXIT_FAIL;

	memset(&so, 0, sizeof(so));
	while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (opt == 'G')
			from = optarg;
		else if (opt == 'g')
			group = optarg;
		else if (opt == 'F')
			fc = true;
		else if (!send_opt(&so, opt, optarg) &&
			 !mcx_main_common_opt(ad, opt, optarg))
			return mcx_main_usage("gms", "regroup");
	}
	if (optind != argc || group == NULL || from == NULL || so.out == NULL)
		return mcx_main_usage("gms", "regroup");
	ret = mcx_p11_start(ad, true, CKU_USER, &s);
	if (ret != MCX_EXIT_OK)
		goto out;
	/* the union of the constituent groups' members (TS 33.180 7.3) */
	for (g = strtok_r(from, ",", &save); g != NULL;
	     g = strtok_r(NULL, ",", &save)) {
		ret = mcx_gms_group_members_load(ad, s, g, &one, &stored);
		if (ret != MCX_EXIT_OK)
			goto out;
		if (!stored) {
			ret = mcx_main_fail("group %s: no members in the token",
					    g);
			goto out;
		}
		for (i = 0; i < one.n; i++) {
			struct member *grown = NULL;

			if (mcx_gms_group_members_has(&ms, one.m[i].uri))
				continue;
			grown = realloc(ms.m, (ms.n + 1) * sizeof(*ms.m));
			if (grown == NULL) {
				ret = mcx_main_fail("out of memory");
				goto out;
			}
			ms.m = grown;
			/* take the strings over from one */
			ms.m[ms.n++] = one.m[i];
			one.m[i].uri = NULL;
			one.m[i].kms = NULL;
		}
		mcx_gms_group_members_free(&one);
	}
	report = json_object_new_object();
	ret = mcx_gms_group_create(ad, s, group, &ms, fc, true, report);
	if (ret != MCX_EXIT_OK)
		goto out;
	ret = prepare_job(ad, s, group, &so, &job, &gids);
	if (ret != MCX_EXIT_OK)
		goto out;
	ret = send_all(ad, s, &job, &ms, report);
	if (ret != MCX_EXIT_OK)
		goto out;
	ret = finish(report, so.json);
	report = NULL;
out:
	json_object_put(report);
	free(gids);
	mcx_gms_group_members_free(&one);
	mcx_gms_group_members_free(&ms);
	mcx_p11_end(ad, s);
	return ret;
}

int mcx_gms_cmd_forward(struct mcx_admin *ad, int argc, char **argv)
{
	static const struct option longopts[] = {
	    MCX_COMMON_LONGOPTS,
	    {"in", required_argument, NULL, 'i'},
	    {"members", required_argument, NULL, 'm'},
	    SEND_LONGOPTS,
	    {NULL, 0, NULL, 0},
	};
	static const CK_ATTRIBUTE_TYPE types[] = {
	    CKA_MCX_STATUS, CKA_MCX_ACTIVATION, CKA_MCX_EXPIRY,
	    CKA_MCX_TEXT,   CKA_MCX_GROUP_IDS,
	};
	CK_ATTRIBUTE a[5];
	CK_MCX_MIKEY_RECEIVE_PARAMS rp;
	struct send_opts so;
	struct send_job job;
	struct members ms = {NULL, 0};
	struct json_object *report = NULL, *key = NULL;
	CK_SESSION_HANDLE s = CK_INVALID_HANDLE;
	CK_OBJECT_HANDLE h = CK_INVALID_HANDLE;
	const CK_ATTRIBUTE *t = NULL;
	CK_BYTE *msg = NULL;
	size_t msg_len = 0, k = 0;
	const char *in = NULL, *members = NULL;
	int opt = 0, ret = MCX_EXIT_FAIL;

	memset(&so, 0, sizeof(so));
	memset(&rp, 0, sizeof(rp));
	memset(a, 0, sizeof(a));
	while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (opt == 'i')
			in = optarg;
		else if (opt == 'm')
			members = optarg;
		else if (!send_opt(&so, opt, optarg) &&
			 !mcx_main_common_opt(ad, opt, optarg))
			return mcx_main_usage("gms", "forward");
	}
	if (optind != argc || in == NULL || members == NULL || so.out == NULL)
		return mcx_main_usage("gms", "forward");
	ret = mcx_gms_group_members_read(members, &ms);
	if (ret != MCX_EXIT_OK)
		goto out;
	ret = mcx_mikey_inspect_read(in, &msg, &msg_len, NULL);
	if (ret != MCX_EXIT_OK)
		goto out;
	ret = mcx_p11_start(ad, true, CKU_USER, &s);
	if (ret != MCX_EXIT_OK)
		goto out;
	/* 1. the primary GMS's message, verified and taken into the token
	 * (the partner GMS is its receiver, TS 33.180 7.3.3.3) */
	ret = mcx_mikey_cmd_unwrap(ad, s, msg, msg_len, &rp, NULL, true, &h);
	if (ret != MCX_EXIT_OK)
		goto out;
	report = json_object_new_object();
	ret = mcx_mikey_cmd_key_json(ad, s, h, &key);
	if (ret != MCX_EXIT_OK)
		goto out;
	json_object_object_add(report, "received", key);
	/* 2. re-sent with the same K-ID and key parameters, our signature,
	 * a new GUK-ID per member (the token derives it) */
	for (k = 0; k < 5; k++)
		a[k].type = types[k];
	ret = mcx_p11_get_attrs(ad, s, h, a, 5);
	if (ret != MCX_EXIT_OK)
		goto out;
	memset(&job, 0, sizeof(job));
	job.keys[0] = h;
	job.keys[1] = CK_INVALID_HANDLE;
	job.names[0] = "gmk";
	job.dir = so.out;
	job.sdp = so.sdp;
	ret = mcx_mikey_cmd_find_signer(
	    ad, s, so.from, so.time != 0 ? so.time : (CK_ULONG)time(NULL),
	    &job.signer);
	if (ret != MCX_EXIT_OK)
		goto out;
	job.base.ulReceiverKeyPeriodNo = CK_UNAVAILABLE_INFORMATION;
	job.base.ulTime = so.time;
	mcx_p11_attr_ulong(a, 5, CKA_MCX_STATUS, &job.base.ulStatus);
	mcx_p11_attr_ulong(a, 5, CKA_MCX_ACTIVATION, &job.base.ulActivation);
	mcx_p11_attr_ulong(a, 5, CKA_MCX_EXPIRY, &job.base.ulExpiry);
	if ((t = mcx_p11_attr(a, 5, CKA_MCX_TEXT)) != NULL) {
		job.base.pText = t->pValue;
		job.base.ulTextLen = t->ulValueLen;
	}
	if ((t = mcx_p11_attr(a, 5, CKA_MCX_GROUP_IDS)) != NULL) {
		job.base.pGroupIds = t->pValue;
		job.base.ulGroupIdsLen = t->ulValueLen;
	}
	ret = send_all(ad, s, &job, &ms, report);
	if (ret != MCX_EXIT_OK)
		goto out;
	ret = finish(report, so.json);
	report = NULL;
out:
	mcx_p11_free_attrs(a, 5);
	json_object_put(report);
	free(msg);
	mcx_gms_group_members_free(&ms);
	mcx_p11_end(ad, s);
	return ret;
}
