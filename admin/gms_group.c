/*
 * The group state of `mcxhsm gms` in the token (no side files):
 *   GMK   CKK_MCX_KEY, purpose GMK, CKA_LABEL "gmk:G", CKA_MCX_GROUP_IDS
 *         = (G), CKA_ID = its own K-ID
 *   MKFC  the floor-control GMK (purpose MKFC), CKA_LABEL "mkfc:G", same
 *         group IDs, CKA_ID = the GMK's K-ID (the pair's link)
 *   members  a CKO_DATA object, CKA_APPLICATION "mcxhsm gms members",
 *         CKA_LABEL "members:G", CKA_VALUE = "URI[ KMS-URI]" lines
 * A revoked group key keeps its object (revoked keys stay recorded) and is
 * relabelled "revoked-gmk:G:K-ID" so that the group can be keyed again.
 */
#include "config.h"

#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "admin/gms.h"

#define MEMBERS_APP "mcxhsm gms members"

void mcx_gms_group_members_free(struct members *ms)
{
	size_t i = 0;

	for (i = 0; i < ms->n; i++) {
		free(ms->m[i].uri);
		free(ms->m[i].kms);
	}
	free(ms->m);
	ms->m = NULL;
	ms->n = 0;
}

bool mcx_gms_group_members_has(const struct members *ms, const char *uri)
{
	size_t i = 0;

	for (i = 0; i < ms->n; i++)
		if (strcmp(ms->m[i].uri, uri) == 0)
			return true;
	return false;
}

/* Parse the members text (file or stored value); duplicates are kept
 * once. */
static int members_parse(const char *text, size_t len, const char *what,
			 struct members *ms)
{
	char *copy = strndup(text, len), *line = NULL, *save = NULL;
	struct member *grown = NULL;
	size_t lineno = 0;
	int ret = MCX_EXIT_FAIL;

	if (copy == NULL)
		return mcx_main_fail("out of memory");
	for (line = strtok_r(copy, "\n", &save); line != NULL;
	     line = strtok_r(NULL, "\n", &save)) {
		char *uri = NULL, *kms = NULL, *rest = NULL, *f = NULL;

		lineno++;
		f = strchr(line, '\r');
		if (f != NULL)
			*f = '\0';
		uri = strtok_r(line, " \t", &rest);
		if (uri == NULL || uri[0] == '#')
			continue;
		kms = strtok_r(NULL, " \t", &rest);
		if (strtok_r(NULL, " \t", &rest) != NULL) {
			ret = mcx_main_fail("%s line %zu: 'URI [KMS-URI]' "
					    "expected",
					    what, lineno);
			goto out;
		}
		if (mcx_gms_group_members_has(ms, uri))
			continue;
		grown = realloc(ms->m, (ms->n + 1) * sizeof(*ms->m));
		if (grown == NULL) {
			ret = mcx_main_fail("out of memory");
			goto out;
		}
		ms->m = grown;
		ms->m[ms->n].uri = strdup(uri);
		ms->m[ms->n].kms = kms != NULL ? strdup(kms) : NULL;
		ms->n++;
		if (ms->m[ms->n - 1].uri == NULL ||
		    (kms != NULL && ms->m[ms->n - 1].kms == NULL)) {
			ret = mcx_main_fail("out of memory");
			goto out;
		}
	}
	ret = MCX_EXIT_OK;
out:
	free(copy);
	return ret;
}

int mcx_gms_group_members_read(const char *path, struct members *ms)
{
	FILE *fp = fopen(path, "re");
	char *buf = NULL;
	size_t len = 0, cap = 0, got = 0;
	int ret = MCX_EXIT_FAIL;

	if (fp == NULL)
		return mcx_main_fail("%s: %s", path, strerror(errno));
	do {
		if (cap - len < 4096) {
			char *g = realloc(buf, cap + 65536);

			if (g == NULL) {
				ret = mcx_main_fail("out of memory");
				goto out;
			}
			buf = g;
			cap += 65536;
		}
		got = fread(buf + len, 1, cap - len, fp);
		len += got;
	} while (got > 0);
	if (ferror(fp)) {
		ret = mcx_main_fail("%s: read error", path);
		goto out;
	}
	ret = members_parse(buf != NULL ? buf : "", len, path, ms);
	if (ret == MCX_EXIT_OK && ms->n == 0)
		ret = mcx_main_fail("%s: no members", path);
out:
	fclose(fp);
	free(buf);
	return ret;
}

/* The members as stored: "URI[ KMS]\n" per member. */
static char *members_text(const struct members *ms, size_t *len)
{
	size_t total = 1, i = 0, off = 0;
	char *t = NULL;

	for (i = 0; i < ms->n; i++)
		total += strlen(ms->m[i].uri) + 2 +
			 (ms->m[i].kms != NULL ? strlen(ms->m[i].kms) : 0);
	t = malloc(total);
	if (t == NULL)
		return NULL;
	for (i = 0; i < ms->n; i++)
		off += (size_t)snprintf(
		    t + off, total - off, "%s%s%s\n", ms->m[i].uri,
		    ms->m[i].kms != NULL ? " " : "",
		    ms->m[i].kms != NULL ? ms->m[i].kms : "");
	t[off] = '\0';
	*len = off;
	return t;
}

/* ---- the group's objects ------------------------------------------------- */

static int find_label(struct mcx_admin *ad, CK_SESSION_HANDLE s,
		      CK_OBJECT_CLASS cls, const char *label,
		      CK_OBJECT_HANDLE *h)
{
	CK_ATTRIBUTE tmpl[] = {
	    {CKA_CLASS, &cls, sizeof(cls)},
	    {CKA_LABEL, (void *)label, strlen(label)},
	};
	CK_OBJECT_HANDLE *hs = NULL;
	size_t count = 0;
	int ret = mcx_p11_find(ad, s, tmpl, 2, &hs, &count);

	*h = CK_INVALID_HANDLE;
	if (ret == MCX_EXIT_OK && count > 0)
		*h = hs[0];
	free(hs);
	return ret;
}

int mcx_gms_group_key(struct mcx_admin *ad, CK_SESSION_HANDLE s,
		      const char *prefix, const char *group,
		      CK_OBJECT_HANDLE *h)
{
	char label[512];

	snprintf(label, sizeof(label), "%s:%s", prefix, group);
	return find_label(ad, s, CKO_SECRET_KEY, label, h);
}

int mcx_gms_group_members_load(struct mcx_admin *ad, CK_SESSION_HANDLE s,
			       const char *group, struct members *ms,
			       bool *found)
{
	CK_ATTRIBUTE a = {CKA_VALUE, NULL, 0};
	CK_OBJECT_HANDLE h = CK_INVALID_HANDLE;
	char label[512];
	int ret = MCX_EXIT_FAIL;

	snprintf(label, sizeof(label), "members:%s", group);
	ret = find_label(ad, s, CKO_DATA, label, &h);
	if (ret != MCX_EXIT_OK)
		return ret;
	*found = h != CK_INVALID_HANDLE;
	if (!*found)
		return MCX_EXIT_OK;
	ret = mcx_p11_get_attrs(ad, s, h, &a, 1);
	if (ret != MCX_EXIT_OK)
		return ret;
	if (a.pValue != NULL)
		ret = members_parse(a.pValue, a.ulValueLen, label, ms);
	mcx_p11_free_attrs(&a, 1);
	return ret;
}

int mcx_gms_group_members_store(struct mcx_admin *ad, CK_SESSION_HANDLE s,
				const char *group, const struct members *ms)
{
	CK_OBJECT_CLASS cls = CKO_DATA;
	CK_BBOOL yes = CK_TRUE;
	CK_OBJECT_HANDLE h = CK_INVALID_HANDLE;
	char label[512];
	size_t len = 0;
	char *text = members_text(ms, &len);
	CK_RV rv = CKR_OK;
	int ret = MCX_EXIT_FAIL;

	if (text == NULL)
		return mcx_main_fail("out of memory");
	snprintf(label, sizeof(label), "members:%s", group);
	ret = find_label(ad, s, CKO_DATA, label, &h);
	if (ret != MCX_EXIT_OK)
		goto out;
	if (h != CK_INVALID_HANDLE) {
		CK_ATTRIBUTE v = {CKA_VALUE, text, len};

		rv = ad->p11.f->C_SetAttributeValue(s, h, &v, 1);
		if (rv != CKR_OK)
			ret = mcx_p11_fail("C_SetAttributeValue", rv);
		goto out;
	} else {
		CK_ATTRIBUTE t[] = {
		    {CKA_CLASS, &cls, sizeof(cls)},
		    {CKA_TOKEN, &yes, sizeof(yes)},
		    {CKA_PRIVATE, &yes, sizeof(yes)},
		    {CKA_LABEL, label, strlen(label)},
		    {CKA_APPLICATION, (void *)MEMBERS_APP, strlen(MEMBERS_APP)},
		    {CKA_VALUE, text, len},
		};

		rv = ad->p11.f->C_CreateObject(s, t, 6, &h);
		if (rv != CKR_OK)
			ret = mcx_p11_fail("C_CreateObject", rv);
	}
out:
	free(text);
	return ret;
}

/* Public facts of a key: K-ID, check value; out arrays of 4 / 3 octets. */
static int key_facts(struct mcx_admin *ad, CK_SESSION_HANDLE s,
		     CK_OBJECT_HANDLE h, CK_BYTE kid[4], CK_BYTE cv[3])
{
	CK_ATTRIBUTE a[] = {{CKA_MCX_KEY_ID, kid, 4}, {CKA_CHECK_VALUE, cv, 3}};
	CK_RV rv = ad->p11.f->C_GetAttributeValue(s, h, a, 2);

	if (rv != CKR_OK)
		return mcx_p11_fail("C_GetAttributeValue", rv);
	return MCX_EXIT_OK;
}

static int gen_key(struct mcx_admin *ad, CK_SESSION_HANDLE s, CK_ULONG purpose,
		   const char *prefix, const char *group,
		   const CK_BYTE *link_id, CK_OBJECT_HANDLE *h, CK_BYTE kid[4],
		   CK_BYTE cv[3])
{
	CK_MECHANISM mech = {CKM_MCX_KEY_GEN, NULL, 0};
	CK_OBJECT_CLASS cls = CKO_SECRET_KEY;
	CK_KEY_TYPE kt = CKK_MCX_KEY;
	CK_BBOOL yes = CK_TRUE;
	CK_BYTE *gids = NULL;
	CK_ULONG gids_len = 0;
	char label[512];
	char *g = (char *)group;
	CK_RV rv = CKR_OK;
	int ret = MCX_EXIT_FAIL;

	snprintf(label, sizeof(label), "%s:%s", prefix, group);
	ret = mcx_mikey_cmd_group_ids(&g, 1, &gids, &gids_len);
	if (ret != MCX_EXIT_OK)
		return ret;
	{
		CK_ATTRIBUTE t[] = {
		    {CKA_CLASS, &cls, sizeof(cls)},
		    {CKA_KEY_TYPE, &kt, sizeof(kt)},
		    {CKA_MCX_KEY_PURPOSE, &purpose, sizeof(purpose)},
		    {CKA_TOKEN, &yes, sizeof(yes)},
		    {CKA_PRIVATE, &yes, sizeof(yes)},
		    {CKA_SENSITIVE, &yes, sizeof(yes)},
		    /* PKCS#11 wrapping needs it; the token lets an MCX key
		     * out only SAKKE-encapsulated (CKM_MCX_MIKEY_SAKKE) */
		    {CKA_EXTRACTABLE, &yes, sizeof(yes)},
		    {CKA_LABEL, label, strlen(label)},
		    {CKA_MCX_GROUP_IDS, gids, gids_len},
		};

		rv = ad->p11.f->C_GenerateKey(s, &mech, t, 9, h);
	}
	free(gids);
	if (rv != CKR_OK)
		return mcx_p11_fail("C_GenerateKey", rv);
	ret = key_facts(ad, s, *h, kid, cv);
	if (ret != MCX_EXIT_OK)
		return ret;
	/* CKA_ID: the GMK's K-ID on the GMK and its MKFC (the pair). */
	{
		CK_ATTRIBUTE id = {CKA_ID, (void *)(link_id ? link_id : kid),
				   4};

		rv = ad->p11.f->C_SetAttributeValue(s, *h, &id, 1);
		if (rv != CKR_OK)
			return mcx_p11_fail("C_SetAttributeValue", rv);
	}
	return MCX_EXIT_OK;
}

static void hex4(char out[9], const CK_BYTE *b)
{
	mcx_hex(out, b, 4);
}

/* Make a group's GMK (and MKFC); store members when given. */
int mcx_gms_group_create(struct mcx_admin *ad, CK_SESSION_HANDLE s,
			 const char *group, const struct members *ms, bool fc,
			 bool keys, struct json_object *report)
{
	CK_OBJECT_HANDLE h = CK_INVALID_HANDLE;
	CK_BYTE kid[4] = {0}, cv[3] = {0}, fkid[4] = {0}, fcv[3] = {0};
	char hex[9];
	int ret = mcx_gms_group_key(ad, s, "gmk", group, &h);

	if (ret != MCX_EXIT_OK)
		return ret;
	if (h != CK_INVALID_HANDLE)
		return mcx_main_fail("group %s has a GMK already (revoke it "
				     "first to key the group again)",
				     group);
	mcx_json_add_string(report, "group_id", group);
	if (!keys)
		goto members;
	ret = gen_key(ad, s, CKP_MCX_GMK, "gmk", group, NULL, &h, kid, cv);
	if (ret != MCX_EXIT_OK)
		return ret;
	hex4(hex, kid);
	mcx_json_add_string(report, "gmk_id", hex);
	mcx_json_add_hex(report, "gmk_check_value", cv, 3);
	if (fc) {
		ret = gen_key(ad, s, CKP_MCX_MKFC, "mkfc", group, kid, &h, fkid,
			      fcv);
		if (ret != MCX_EXIT_OK)
			return ret;
		hex4(hex, fkid);
		mcx_json_add_string(report, "mkfc_id", hex);
		mcx_json_add_hex(report, "mkfc_check_value", fcv, 3);
	}
members:
	if (ms != NULL && ms->n > 0) {
		ret = mcx_gms_group_members_store(ad, s, group, ms);
		if (ret != MCX_EXIT_OK)
			return ret;
		mcx_json_add_int(report, "members", (long long)ms->n);
	}
	return MCX_EXIT_OK;
}

/* Mark a group key revoked in the token (CKA_MCX_STATUS is modifiable)
 * and relabel it, so that the group can be keyed again. */
int mcx_gms_group_revoke(struct mcx_admin *ad, CK_SESSION_HANDLE s,
			 CK_OBJECT_HANDLE h, const char *prefix,
			 const char *group)
{
	CK_ULONG status = CKS_MCX_REVOKED;
	CK_BYTE kid[4] = {0}, cv[3] = {0};
	char label[600], hex[9];
	CK_RV rv = CKR_OK;
	int ret = key_facts(ad, s, h, kid, cv);

	if (ret != MCX_EXIT_OK)
		return ret;
	hex4(hex, kid);
	snprintf(label, sizeof(label), "revoked-%s:%s:%s", prefix, group, hex);
	{
		CK_ATTRIBUTE a[] = {
		    {CKA_MCX_STATUS, &status, sizeof(status)},
		    {CKA_LABEL, label, strlen(label)},
		};

		rv = ad->p11.f->C_SetAttributeValue(s, h, a, 2);
	}
	if (rv != CKR_OK)
		return mcx_p11_fail("C_SetAttributeValue", rv);
	return MCX_EXIT_OK;
}
