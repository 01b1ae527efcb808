/*
 * mcxhsm key list | delete.  The listing reads only public attributes: the
 * template below never names CKA_VALUE or any other secret attribute, so a
 * secret cannot be printed even by a module that would hand it out.
 */
#include "config.h"

#include <getopt.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "admin/internal.h"

/* What `key list` reads (PRODUCT.md "Admin tool JSON"). */
static const CK_ATTRIBUTE_TYPE list_attrs[] = {
    CKA_CLASS,
    CKA_KEY_TYPE,
    CKA_LABEL,
    CKA_ID,
    CKA_UNIQUE_ID,
    CKA_CHECK_VALUE,
    CKA_MCX_KEY_PURPOSE,
    CKA_MCX_KEY_ID,
    CKA_MCX_UK_ID,
    CKA_MCX_STATUS,
    CKA_MCX_REVOKED,
    CKA_MCX_USER_URI,
    CKA_MCX_KMS_URI,
    CKA_MCX_UID,
    CKA_MCX_KEY_PERIOD_NO,
    CKA_MCX_VALID_FROM,
    CKA_MCX_VALID_TO,
    CKA_SENSITIVE,
    CKA_EXTRACTABLE,
};
#define N_LIST (sizeof(list_attrs) / sizeof(list_attrs[0]))

static char *attr_string(const CK_ATTRIBUTE *t, CK_ATTRIBUTE_TYPE type)
{
	const CK_ATTRIBUTE *a = mcx_p11_attr(t, N_LIST, type);

	/* mcx_p11_get_attrs NUL-terminates every value. */
	return a != NULL ? (char *)a->pValue : NULL;
}

static void add_hex_attr(struct json_object *o, const char *key,
			 const CK_ATTRIBUTE *t, CK_ATTRIBUTE_TYPE type)
{
	const CK_ATTRIBUTE *a = mcx_p11_attr(t, N_LIST, type);

	if (a != NULL && a->ulValueLen > 0)
		mcx_json_add_hex(o, key, a->pValue, a->ulValueLen);
}

static bool attr_bool(const CK_ATTRIBUTE *t, CK_ATTRIBUTE_TYPE type, bool *out)
{
	const CK_ATTRIBUTE *a = mcx_p11_attr(t, N_LIST, type);

	if (a == NULL || a->ulValueLen != sizeof(CK_BBOOL))
		return false;
	*out = *(CK_BBOOL *)a->pValue != CK_FALSE;
	return true;
}

/* A CKK_MCX_SAKKE / CKK_MCX_ECCSI object: a KMS certificate or an
 * identity key. */
static bool is_identity(const CK_ATTRIBUTE *t)
{
	CK_ULONG kt = 0;

	return mcx_p11_attr_ulong(t, N_LIST, CKA_KEY_TYPE, &kt) &&
	       (kt == CKK_MCX_SAKKE || kt == CKK_MCX_ECCSI);
}

/* One object as the JSON object of PRODUCT.md; absent values omitted. */
static struct json_object *object_json(const CK_ATTRIBUTE *t)
{
	struct json_object *o = json_object_new_object();
	CK_ULONG v = 0;
	bool b = false, revoked = false;

	mcx_json_add_string(o, "label", attr_string(t, CKA_LABEL));
	if (mcx_p11_attr_ulong(t, N_LIST, CKA_CLASS, &v))
		mcx_json_add_string(o, "class", mcx_names_class(v));
	if (mcx_p11_attr_ulong(t, N_LIST, CKA_KEY_TYPE, &v))
		mcx_json_add_string(o, "key_type", mcx_names_key_type(v));
	mcx_json_add_string(o, "unique_id", attr_string(t, CKA_UNIQUE_ID));
	add_hex_attr(o, "id", t, CKA_ID);
	add_hex_attr(o, "check_value", t, CKA_CHECK_VALUE);
	if (mcx_p11_attr_ulong(t, N_LIST, CKA_MCX_KEY_PURPOSE, &v))
		mcx_json_add_string(o, "purpose", mcx_names_purpose(v));
	add_hex_attr(o, "key_id", t, CKA_MCX_KEY_ID);
	add_hex_attr(o, "uk_id", t, CKA_MCX_UK_ID);
	/* Keys carry CKA_MCX_STATUS; identity keys CKA_MCX_REVOKED. */
	if (mcx_p11_attr_ulong(t, N_LIST, CKA_MCX_STATUS, &v))
		mcx_json_add_string(
		    o, "status", v == CKS_MCX_REVOKED ? "revoked" : "active");
	else if (attr_bool(t, CKA_MCX_REVOKED, &revoked) || is_identity(t))
		/* an identity key or KMS certificate is active until revoked
		 * (Annex D Revoked, issue 4) */
		mcx_json_add_string(o, "status",
				    revoked ? "revoked" : "active");
	mcx_json_add_string(o, "user_uri", attr_string(t, CKA_MCX_USER_URI));
	mcx_json_add_string(o, "kms_uri", attr_string(t, CKA_MCX_KMS_URI));
	add_hex_attr(o, "uid", t, CKA_MCX_UID);
	if (mcx_p11_attr_ulong(t, N_LIST, CKA_MCX_KEY_PERIOD_NO, &v))
		mcx_json_add_int(o, "key_period_no", (long long)v);
	if (mcx_p11_attr_ulong(t, N_LIST, CKA_MCX_VALID_FROM, &v))
		mcx_json_add_time(o, "valid_from", v);
	if (mcx_p11_attr_ulong(t, N_LIST, CKA_MCX_VALID_TO, &v))
		mcx_json_add_time(o, "valid_to", v);
	if (attr_bool(t, CKA_SENSITIVE, &b))
		mcx_json_add_bool(o, "sensitive", b);
	if (attr_bool(t, CKA_EXTRACTABLE, &b))
		mcx_json_add_bool(o, "extractable", b);
	return o;
}

/* The text form: one line per object, then indented MCX attributes,
 * printed from the JSON object so both forms say the same. */
static void print_text(struct json_object *o)
{
	static const char *const head[] = {"class", "key_type", "label"};
	size_t i = 0;

	for (i = 0; i < sizeof(head) / sizeof(head[0]); i++) {
		struct json_object *v = NULL;

		printf("%s%s", i == 0 ? "" : "  ",
		       json_object_object_get_ex(o, head[i], &v)
			   ? json_object_get_string(v)
			   : "-");
	}
	printf("\n");
	json_object_object_foreach(o, key, val)
	{
		if (strcmp(key, "class") == 0 || strcmp(key, "key_type") == 0 ||
		    strcmp(key, "label") == 0)
			continue;
		printf("    %-14s %s\n", key, json_object_get_string(val));
	}
}

int mcx_key_cmd_list(struct mcx_admin *ad, int argc, char **argv)
{
	static const struct option longopts[] = {
	    MCX_COMMON_LONGOPTS,
	    {"json", no_argument, NULL, 'j'},
	    {NULL, 0, NULL, 0},
	};
	CK_ATTRIBUTE tmpl[N_LIST];
	struct json_object *root = NULL;
	CK_OBJECT_HANDLE *handles = NULL;
	CK_SESSION_HANDLE session = CK_INVALID_HANDLE;
	size_t count = 0, i = 0, k = 0;
	int opt = 0, ret = MCX_EXIT_FAIL;
	bool json = false;

	while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (opt == 'j')
			json = true;
		else if (!mcx_main_common_opt(ad, opt, optarg))
			return mcx_main_usage("key", "list");
	}
	if (optind != argc)
		return mcx_main_usage("key", "list");
	memset(tmpl, 0, sizeof(tmpl));
	for (k = 0; k < N_LIST; k++)
		tmpl[k].type = list_attrs[k];
	ret = mcx_p11_start(ad, false, CKU_USER, &session);
	if (ret != MCX_EXIT_OK)
		goto out;
	/* An empty template: every object but audit records, which the
	 * module returns only when asked for their class. */
	ret = mcx_p11_find(ad, session, NULL, 0, &handles, &count);
	if (ret != MCX_EXIT_OK)
		goto out;
	root = json_object_new_array();
	for (i = 0; i < count; i++) {
		ret = mcx_p11_get_attrs(ad, session, handles[i], tmpl, N_LIST);
		if (ret != MCX_EXIT_OK)
			goto out;
		json_object_array_add(root, object_json(tmpl));
		mcx_p11_free_attrs(tmpl, N_LIST);
	}
	if (json) {
		ret = mcx_json_print(root);
		root = NULL;
		goto out;
	}
	for (i = 0; i < count; i++)
		print_text(json_object_array_get_idx(root, i));
	if (count == 0)
		printf("(no objects)\n");
	ret = MCX_EXIT_OK;
out:
	mcx_p11_free_attrs(tmpl, N_LIST);
	json_object_put(root);
	free(handles);
	mcx_p11_end(ad, session);
	return ret;
}

int mcx_key_cmd_delete(struct mcx_admin *ad, int argc, char **argv)
{
	static const struct option longopts[] = {
	    MCX_COMMON_LONGOPTS,
	    {"label", required_argument, NULL, 'l'},
	    {"id", required_argument, NULL, 'i'},
	    {"unique-id", required_argument, NULL, 'u'},
	    {NULL, 0, NULL, 0},
	};
	CK_ATTRIBUTE match = {0, NULL, 0};
	CK_OBJECT_HANDLE *handles = NULL;
	CK_SESSION_HANDLE session = CK_INVALID_HANDLE;
	CK_BYTE *id = NULL;
	size_t id_len = 0, count = 0, i = 0;
	const char *label = NULL, *id_hex = NULL, *unique_id = NULL;
	CK_RV rv = CKR_OK;
	int opt = 0, ret = MCX_EXIT_FAIL, selectors = 0;

	while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (opt == 'l')
			label = optarg;
		else if (opt == 'i')
			id_hex = optarg;
		else if (opt == 'u')
			unique_id = optarg;
		else if (!mcx_main_common_opt(ad, opt, optarg))
			return mcx_main_usage("key", "delete");
	}
	selectors = (label != NULL) + (id_hex != NULL) + (unique_id != NULL);
	if (optind != argc || selectors != 1)
		return mcx_main_usage("key", "delete");
	if (id_hex != NULL) {
		if (!mcx_unhex(id_hex, &id, &id_len)) {
			fprintf(stderr, "mcxhsm: --id: not hex: %s\n", id_hex);
			return mcx_main_usage("key", "delete");
		}
		match = (CK_ATTRIBUTE){CKA_ID, id, id_len};
	} else if (label != NULL) {
		match = (CK_ATTRIBUTE){CKA_LABEL, (void *)label, strlen(label)};
	} else {
		match = (CK_ATTRIBUTE){CKA_UNIQUE_ID, (void *)unique_id,
				       strlen(unique_id)};
	}
	ret = mcx_p11_start(ad, true, CKU_USER, &session);
	if (ret != MCX_EXIT_OK)
		goto out;
	ret = mcx_p11_find(ad, session, &match, 1, &handles, &count);
	if (ret != MCX_EXIT_OK)
		goto out;
	if (count == 0) {
		ret = mcx_main_fail("no object with that %s",
				    label != NULL    ? "label"
				    : id_hex != NULL ? "id"
						     : "unique id");
		goto out;
	}
	/* Every match goes: a key pair shares its label and id. */
	for (i = 0; i < count; i++) {
		rv = ad->p11.f->C_DestroyObject(session, handles[i]);
		if (rv != CKR_OK) {
			ret = mcx_p11_fail("C_DestroyObject", rv);
			goto out;
		}
	}
	printf("deleted %zu object%s\n", count, count == 1 ? "" : "s");
	ret = MCX_EXIT_OK;
out:
	free(id);
	free(handles);
	mcx_p11_end(ad, session);
	return ret;
}
