/*
 * mcxhsm trk import | generate: the transport key (TrK) of TS 33.180 D.1
 * (MCX-REFERENCE §6.1), a plain CKK_AES key the KMS and the token share,
 * which unwraps the KMS's encrypted key elements inside the token
 * (decision b: CKM_AES_KEY_WRAP / CKM_AES_KEY_WRAP_KWP).  With --ink the
 * same commands install the integrity key (InK) that verifies a
 * SignedKmsResponse: a CKK_GENERIC_SECRET key for CKM_SHA256_HMAC.
 *
 * Neither command prints anything secret: label, id and the PKCS#11 check
 * value only.  The key file's octets are wiped as soon as the token holds
 * them.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "admin/internal.h"
#include "common/hex.h"
#include "common/wipe.h"

/* A TrK file holds at most this much: 32 key octets as hex text with
 * white space around; anything longer is not a key file. */
#define KEY_FILE_MAX 256

struct trk_opts {
	const char *id_hex, *label, *key_file;
	CK_ULONG bits;
	bool ink;
};

/* The key file: 16 or 32 raw octets, or their hex text (white space
 * ignored).  key holds 32 octets; the caller wipes it. */
static int read_key_file(const char *path, CK_BYTE key[32], size_t *len)
{
	unsigned char buf[KEY_FILE_MAX + 1];
	size_t n = 0, i = 0, digits = 0;
	FILE *fp = NULL;
	int ret = MCX_EXIT_FAIL;
	bool hex = true;

	*len = 0;
	fp = fopen(path, "rbe");
	if (fp == NULL)
		return mcx_main_fail("%s: %s", path, strerror(errno));
	n = fread(buf, 1, sizeof(buf), fp);
	if (ferror(fp)) {
		ret = mcx_main_fail("%s: read error", path);
		goto out;
	}
	if (n > KEY_FILE_MAX) {
		ret = mcx_main_fail("%s: not a key file (more than %d octets)",
				    path, KEY_FILE_MAX);
		goto out;
	}
	for (i = 0; i < n && hex; i++)
		if (mcx_hex_digit(buf[i]) < 0 && buf[i] != ' ' &&
		    buf[i] != '\n' && buf[i] != '\r' && buf[i] != '\t')
			hex = false;
	if (!hex) {
		/* raw octets (a raw random key made of hex digits and white
		 * space only is as good as impossible) */
		if (n != 16 && n != 32) {
			ret = mcx_main_fail("%s: %zu octets; a TrK is 16 or 32 "
					    "octets (raw or as hex text)",
					    path, n);
			goto out;
		}
		memcpy(key, buf, n);
		*len = n;
		ret = MCX_EXIT_OK;
		goto out;
	}
	for (i = 0; i < n; i++) {
		int d = mcx_hex_digit(buf[i]);

		if (d < 0)
			continue;
		if (digits / 2 >= 32) {
			digits++;
			continue;
		}
		if (digits % 2 == 0)
			key[digits / 2] = (CK_BYTE)(d << 4);
		else
			key[digits / 2] |= (CK_BYTE)d;
		digits++;
	}
	if (digits != 32 && digits != 64) {
		ret = mcx_main_fail("%s: %zu hex digits; a TrK is 32 or 64 "
				    "hex digits (16 or 32 octets)",
				    path, digits);
		goto out;
	}
	*len = digits / 2;
	ret = MCX_EXIT_OK;
out:
	mcx_wipe(buf, sizeof(buf));
	if (ret != MCX_EXIT_OK)
		mcx_wipe(key, 32);
	fclose(fp);
	return ret;
}

static int parse_opts(int argc, char **argv, const char *command,
		      struct mcx_admin *ad, struct trk_opts *o)
{
	static const struct option longopts[] = {
	    MCX_COMMON_LONGOPTS,
	    {"id", required_argument, NULL, 'i'},
	    {"label", required_argument, NULL, 'l'},
	    {"key-file", required_argument, NULL, 'k'},
	    {"bits", required_argument, NULL, 'b'},
	    {"ink", no_argument, NULL, 'n'},
	    {NULL, 0, NULL, 0},
	};
	int opt = 0;
	bool import = strcmp(command, "import") == 0;

	memset(o, 0, sizeof(*o));
	o->bits = 256;
	while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (opt == 'i')
			o->id_hex = optarg;
		else if (opt == 'l')
			o->label = optarg;
		else if (opt == 'k' && import)
			o->key_file = optarg;
		else if (opt == 'b' && !import)
			o->bits = strcmp(optarg, "128") == 0   ? 128
				  : strcmp(optarg, "256") == 0 ? 256
							       : 0;
		else if (opt == 'n')
			o->ink = true;
		else if (!mcx_main_common_opt(ad, opt, optarg))
			return mcx_main_usage("trk", command);
	}
	if (optind != argc || o->id_hex == NULL || o->label == NULL ||
	    (import && o->key_file == NULL) || o->bits == 0)
		return mcx_main_usage("trk", command);
	return MCX_EXIT_OK;
}

/* Refuse a second key under the same label or id: the importer chooses the
 * TrK by either (ds:KeyName / TrK-ID), so both must name one key. */
static int check_unique(struct mcx_admin *ad, CK_SESSION_HANDLE session,
			const struct trk_opts *o, CK_BYTE *id, size_t id_len)
{
	CK_ATTRIBUTE by_label = {CKA_LABEL, (void *)o->label, strlen(o->label)};
	CK_ATTRIBUTE by_id = {CKA_ID, id, id_len};
	CK_OBJECT_HANDLE *h = NULL;
	size_t n = 0;
	int ret = mcx_p11_find(ad, session, &by_label, 1, &h, &n);

	free(h);
	h = NULL;
	if (ret != MCX_EXIT_OK)
		return ret;
	if (n > 0)
		return mcx_main_fail("an object labelled '%s' exists already",
				     o->label);
	ret = mcx_p11_find(ad, session, &by_id, 1, &h, &n);
	free(h);
	if (ret != MCX_EXIT_OK)
		return ret;
	if (n > 0)
		return mcx_main_fail("an object with id %s exists already",
				     o->id_hex);
	return MCX_EXIT_OK;
}

/* Print what identifies the new key: never its value. */
static int print_key(struct mcx_admin *ad, CK_SESSION_HANDLE session,
		     CK_OBJECT_HANDLE key, const struct trk_opts *o,
		     const char *verb)
{
	CK_ATTRIBUTE t[] = {{CKA_CHECK_VALUE, NULL, 0},
			    {CKA_VALUE_LEN, NULL, 0}};
	char cv[2 * 8 + 1] = "-";
	CK_ULONG len = 0;
	int ret = mcx_p11_get_attrs(ad, session, key, t, 2);

	if (ret != MCX_EXIT_OK)
		return ret;
	if (t[0].pValue != NULL && t[0].ulValueLen <= 8)
		mcx_hex(cv, t[0].pValue, t[0].ulValueLen);
	(void)mcx_p11_attr_ulong(t, 2, CKA_VALUE_LEN, &len);
	printf("%s %s '%s' (id %s, %lu bits)\ncheck_value %s\n", verb,
	       o->ink ? "InK" : "TrK", o->label, o->id_hex,
	       (unsigned long)len * 8, cv);
	mcx_p11_free_attrs(t, 2);
	return MCX_EXIT_OK;
}

/* trk import and trk generate: one body, the key's origin differs. */
static int trk_install(struct mcx_admin *ad, int argc, char **argv,
		       const char *command)
{
	struct trk_opts o;
	CK_OBJECT_CLASS cls = CKO_SECRET_KEY;
	CK_KEY_TYPE kt = CKK_AES;
	CK_BBOOL yes = CK_TRUE, no = CK_FALSE;
	CK_BYTE key[32] = {0};
	CK_BYTE *id = NULL;
	size_t key_len = 0, id_len = 0;
	CK_ULONG value_len = 0;
	CK_SESSION_HANDLE session = CK_INVALID_HANDLE;
	CK_OBJECT_HANDLE obj = CK_INVALID_HANDLE;
	CK_MECHANISM gen = {CKM_AES_KEY_GEN, NULL, 0};
	CK_RV rv = CKR_OK;
	int ret = parse_opts(argc, argv, command, ad, &o);
	bool import = strcmp(command, "import") == 0;

	if (ret != MCX_EXIT_OK)
		return ret;
	if (!mcx_unhex(o.id_hex, &id, &id_len))
		return mcx_main_fail("--id: not hex: %s", o.id_hex);
	if (o.ink) {
		kt = CKK_GENERIC_SECRET;
		gen.mechanism = CKM_GENERIC_SECRET_KEY_GEN;
	}
	if (import) {
		ret = read_key_file(o.key_file, key, &key_len);
		if (ret != MCX_EXIT_OK)
			goto out;
	}
	value_len = import ? key_len : o.bits / 8;
	/* A TrK only wraps and unwraps (the KMS's key elements, decision b);
	 * an InK only verifies and signs HMACs (D.1).  Both are sensitive,
	 * never extractable, private token objects. */
	CK_ATTRIBUTE tmpl[] = {
	    {CKA_CLASS, &cls, sizeof(cls)},
	    {CKA_KEY_TYPE, &kt, sizeof(kt)},
	    {CKA_TOKEN, &yes, sizeof(yes)},
	    {CKA_PRIVATE, &yes, sizeof(yes)},
	    {CKA_SENSITIVE, &yes, sizeof(yes)},
	    {CKA_EXTRACTABLE, &no, sizeof(no)},
	    {CKA_LABEL, (void *)o.label, strlen(o.label)},
	    {CKA_ID, id, id_len},
	    {o.ink ? CKA_SIGN : CKA_WRAP, &yes, sizeof(yes)},
	    {o.ink ? CKA_VERIFY : CKA_UNWRAP, &yes, sizeof(yes)},
	    {import ? CKA_VALUE : CKA_VALUE_LEN,
	     import ? (void *)key : (void *)&value_len,
	     import ? key_len : sizeof(value_len)},
	};
	ret = mcx_p11_start(ad, true, CKU_USER, &session);
	if (ret != MCX_EXIT_OK)
		goto out;
	ret = check_unique(ad, session, &o, id, id_len);
	if (ret != MCX_EXIT_OK)
		goto out;
	if (import)
		rv = ad->p11.f->C_CreateObject(
		    session, tmpl, sizeof(tmpl) / sizeof(tmpl[0]), &obj);
	else
		rv = ad->p11.f->C_GenerateKey(
		    session, &gen, tmpl, sizeof(tmpl) / sizeof(tmpl[0]), &obj);
	mcx_wipe(key, sizeof(key));
	if (rv != CKR_OK) {
		ret = mcx_p11_fail(import ? "C_CreateObject" : "C_GenerateKey",
				   rv);
		goto out;
	}
	ret =
	    print_key(ad, session, obj, &o, import ? "imported" : "generated");
out:
	mcx_wipe(key, sizeof(key));
	free(id);
	mcx_p11_end(ad, session);
	return ret;
}

int mcx_trk_cmd_import(struct mcx_admin *ad, int argc, char **argv)
{
	return trk_install(ad, argc, argv, "import");
}

int mcx_trk_cmd_generate(struct mcx_admin *ad, int argc, char **argv)
{
	return trk_install(ad, argc, argv, "generate");
}
