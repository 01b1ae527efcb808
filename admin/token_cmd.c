/*
 * mcxhsm token init | info | set-pin | init-pin: token and PIN life cycle
 * through the standard calls (PKCS#11 3.0 §5.6: C_InitToken, C_InitPIN,
 * C_SetPIN).
 */
#include "config.h"

#include <getopt.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "admin/internal.h"
#include "common/wipe.h"

/* ---- token init -------------------------------------------------------- */

/* The first slot whose token is not initialised (the module keeps one
 * empty slot for C_InitToken); fails when a token already has the label. */
static int find_empty_slot(struct mcx_admin *ad, const char *label,
			   CK_SLOT_ID *slot)
{
	CK_SLOT_ID *slots = NULL;
	CK_ULONG n = 0, i = 0;
	CK_TOKEN_INFO ti;
	char have[sizeof(ti.label) + 1] = {0};
	CK_RV rv = CKR_OK;
	int ret = MCX_EXIT_FAIL;
	bool found = false;

	rv = ad->p11.f->C_GetSlotList(CK_TRUE, NULL, &n);
	if (rv != CKR_OK)
		return mcx_p11_fail("C_GetSlotList", rv);
	slots = calloc(n + 1, sizeof(*slots));
	if (slots == NULL)
		return mcx_main_fail("out of memory");
	rv = ad->p11.f->C_GetSlotList(CK_TRUE, slots, &n);
	if (rv != CKR_OK) {
		ret = mcx_p11_fail("C_GetSlotList", rv);
		goto out;
	}
	for (i = 0; i < n; i++) {
		rv = ad->p11.f->C_GetTokenInfo(slots[i], &ti);
		if (rv != CKR_OK)
			continue;
		if (!(ti.flags & CKF_TOKEN_INITIALIZED)) {
			if (!found)
				*slot = slots[i];
			found = true;
			continue;
		}
		mcx_p11_padded(have, sizeof(have), ti.label, sizeof(ti.label));
		if (strcmp(have, label) == 0) {
			ret = mcx_main_fail("a token labelled '%s' exists "
					    "already",
					    label);
			goto out;
		}
	}
	ret = found ? MCX_EXIT_OK
		    : mcx_main_fail("no empty slot for a new token");
out:
	free(slots);
	return ret;
}

int mcx_token_cmd_init(struct mcx_admin *ad, int argc, char **argv)
{
	static const struct option longopts[] = {
	    MCX_COMMON_LONGOPTS,
	    {"label", required_argument, NULL, 'l'},
	    {NULL, 0, NULL, 0},
	};
	CK_UTF8CHAR padded[32];
	char so_pin[MCX_PIN_MAX] = {0};
	char pin[MCX_PIN_MAX] = {0};
	size_t so_len = 0, pin_len = 0;
	const char *label = NULL;
	CK_SLOT_ID slot = 0;
	CK_SESSION_HANDLE session = CK_INVALID_HANDLE;
	CK_RV rv = CKR_OK;
	int opt = 0, ret = MCX_EXIT_FAIL;

	while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (opt == 'l')
			label = optarg;
		else if (!mcx_main_common_opt(ad, opt, optarg))
			return mcx_main_usage("token", "init");
	}
	if (optind != argc || label == NULL || label[0] == '\0' ||
	    strlen(label) > sizeof(padded))
		return mcx_main_usage("token", "init");
	/* Both PINs before touching the token: a typo must not leave a token
	 * with an SO PIN and no user PIN. */
	ret = mcx_pin_read_new(ad->so_pin_file, "SO PIN", so_pin, &so_len);
	if (ret != MCX_EXIT_OK)
		goto out;
	ret = mcx_pin_read_new(ad->pin_file, "user PIN", pin, &pin_len);
	if (ret != MCX_EXIT_OK)
		goto out;
	ret = mcx_p11_load(ad);
	if (ret != MCX_EXIT_OK)
		goto out;
	ret = find_empty_slot(ad, label, &slot);
	if (ret != MCX_EXIT_OK)
		goto out;
	/* PKCS#11 §5.6 C_InitToken: a 32-octet label padded with blanks. */
	memset(padded, ' ', sizeof(padded));
	memcpy(padded, label, strlen(label));
	rv = ad->p11.f->C_InitToken(slot, (CK_UTF8CHAR_PTR)so_pin, so_len,
				    padded);
	if (rv != CKR_OK) {
		ret = mcx_p11_fail("C_InitToken", rv);
		goto out;
	}
	/* The initialised token may now sit in another slot (SoftHSMv2
	 * renumbers it): look it up again by its label. */
	ad->token_label = label;
	ret = mcx_p11_find_token(ad, &slot);
	if (ret != MCX_EXIT_OK)
		goto out;
	rv = ad->p11.f->C_OpenSession(slot, CKF_SERIAL_SESSION | CKF_RW_SESSION,
				      NULL, NULL, &session);
	if (rv != CKR_OK) {
		ret = mcx_p11_fail("C_OpenSession", rv);
		goto out;
	}
	rv = ad->p11.f->C_Login(session, CKU_SO, (CK_UTF8CHAR_PTR)so_pin,
				so_len);
	if (rv != CKR_OK) {
		ret = mcx_p11_fail("C_Login", rv);
		goto out;
	}
	rv = ad->p11.f->C_InitPIN(session, (CK_UTF8CHAR_PTR)pin, pin_len);
	if (rv != CKR_OK) {
		ret = mcx_p11_fail("C_InitPIN", rv);
		goto out;
	}
	rv = ad->p11.f->C_Logout(session);
	if (rv != CKR_OK) {
		ret = mcx_p11_fail("C_Logout", rv);
		goto out;
	}
	printf("token '%s' initialised in slot %lu\n", label,
	       (unsigned long)slot);
	ret = MCX_EXIT_OK;
out:
	mcx_wipe(so_pin, sizeof(so_pin));
	mcx_wipe(pin, sizeof(pin));
	mcx_p11_end(ad, session);
	return ret;
}

/* ---- token info -------------------------------------------------------- */

struct flag_name {
	CK_FLAGS flag;
	const char *name;
};

static const struct flag_name token_flags[] = {
    {CKF_RNG, "rng"},
    {CKF_WRITE_PROTECTED, "write_protected"},
    {CKF_LOGIN_REQUIRED, "login_required"},
    {CKF_USER_PIN_INITIALIZED, "user_pin_initialized"},
    {CKF_RESTORE_KEY_NOT_NEEDED, "restore_key_not_needed"},
    {CKF_CLOCK_ON_TOKEN, "clock_on_token"},
    {CKF_PROTECTED_AUTHENTICATION_PATH, "protected_authentication_path"},
    {CKF_DUAL_CRYPTO_OPERATIONS, "dual_crypto_operations"},
    {CKF_TOKEN_INITIALIZED, "token_initialized"},
    {CKF_USER_PIN_COUNT_LOW, "user_pin_count_low"},
    {CKF_USER_PIN_FINAL_TRY, "user_pin_final_try"},
    {CKF_USER_PIN_LOCKED, "user_pin_locked"},
    {CKF_USER_PIN_TO_BE_CHANGED, "user_pin_to_be_changed"},
    {CKF_SO_PIN_COUNT_LOW, "so_pin_count_low"},
    {CKF_SO_PIN_FINAL_TRY, "so_pin_final_try"},
    {CKF_SO_PIN_LOCKED, "so_pin_locked"},
    {CKF_SO_PIN_TO_BE_CHANGED, "so_pin_to_be_changed"},
};

/* PKCS#11 uses CK_EFFECTIVELY_INFINITE / CK_UNAVAILABLE_INFORMATION in the
 * counters: JSON gets -1 for "not known". */
static long long counter(CK_ULONG v)
{
	if (v == CK_UNAVAILABLE_INFORMATION)
		return -1;
	return (long long)v;
}

/* Public objects of the token, counted without logging in. */
static long long count_public_objects(struct mcx_admin *ad, CK_SLOT_ID slot)
{
	CK_SESSION_HANDLE session = CK_INVALID_HANDLE;
	CK_OBJECT_HANDLE *handles = NULL;
	size_t count = 0;
	long long ret = -1;

	if (ad->p11.f->C_OpenSession(slot, CKF_SERIAL_SESSION, NULL, NULL,
				     &session) != CKR_OK)
		return -1;
	if (mcx_p11_find(ad, session, NULL, 0, &handles, &count) == MCX_EXIT_OK)
		ret = (long long)count;
	free(handles);
	mcx_p11_close(ad, session);
	return ret;
}

static void print_token_text(CK_SLOT_ID slot, const CK_SLOT_INFO *si,
			     const CK_TOKEN_INFO *ti, long long objects)
{
	char buf[65] = {0};
	size_t i = 0;

	mcx_p11_padded(buf, sizeof(buf), si->slotDescription,
		       sizeof(si->slotDescription));
	printf("slot %lu: %s\n", (unsigned long)slot, buf);
	if (!(ti->flags & CKF_TOKEN_INITIALIZED)) {
		printf("  token: (not initialised)\n");
		return;
	}
	mcx_p11_padded(buf, sizeof(buf), ti->label, sizeof(ti->label));
	printf("  label:         %s\n", buf);
	mcx_p11_padded(buf, sizeof(buf), ti->manufacturerID,
		       sizeof(ti->manufacturerID));
	printf("  manufacturer:  %s\n", buf);
	mcx_p11_padded(buf, sizeof(buf), ti->model, sizeof(ti->model));
	printf("  model:         %s\n", buf);
	mcx_p11_padded(buf, sizeof(buf), ti->serialNumber,
		       sizeof(ti->serialNumber));
	printf("  serial:        %s\n", buf);
	printf("  flags:        ");
	for (i = 0; i < sizeof(token_flags) / sizeof(token_flags[0]); i++)
		if (ti->flags & token_flags[i].flag)
			printf(" %s", token_flags[i].name);
	printf("\n");
	if (counter(ti->ulSessionCount) >= 0)
		printf("  sessions:      %lld open, %lld read-write\n",
		       counter(ti->ulSessionCount),
		       counter(ti->ulRwSessionCount));
	printf("  PIN length:    %lu..%lu\n", (unsigned long)ti->ulMinPinLen,
	       (unsigned long)ti->ulMaxPinLen);
	if (objects >= 0)
		printf("  public objects: %lld\n", objects);
}

static struct json_object *token_json(CK_SLOT_ID slot, const CK_SLOT_INFO *si,
				      const CK_TOKEN_INFO *ti,
				      long long objects)
{
	struct json_object *o = json_object_new_object();
	struct json_object *flags = json_object_new_array();
	char buf[65] = {0};
	size_t i = 0;

	mcx_json_add_int(o, "slot", (long long)slot);
	mcx_p11_padded(buf, sizeof(buf), si->slotDescription,
		       sizeof(si->slotDescription));
	mcx_json_add_string(o, "slot_description", buf);
	mcx_json_add_bool(o, "initialized",
			  (ti->flags & CKF_TOKEN_INITIALIZED) != 0);
	mcx_p11_padded(buf, sizeof(buf), ti->label, sizeof(ti->label));
	mcx_json_add_string(o, "label", buf);
	mcx_p11_padded(buf, sizeof(buf), ti->manufacturerID,
		       sizeof(ti->manufacturerID));
	mcx_json_add_string(o, "manufacturer", buf);
	mcx_p11_padded(buf, sizeof(buf), ti->model, sizeof(ti->model));
	mcx_json_add_string(o, "model", buf);
	mcx_p11_padded(buf, sizeof(buf), ti->serialNumber,
		       sizeof(ti->serialNumber));
	mcx_json_add_string(o, "serial", buf);
	for (i = 0; i < sizeof(token_flags) / sizeof(token_flags[0]); i++)
		if (ti->flags & token_flags[i].flag)
			json_object_array_add(
			    flags, json_object_new_string(token_flags[i].name));
	json_object_object_add(o, "flags", flags);
	mcx_json_add_int(o, "session_count", counter(ti->ulSessionCount));
	mcx_json_add_int(o, "rw_session_count", counter(ti->ulRwSessionCount));
	mcx_json_add_int(o, "min_pin_len", (long long)ti->ulMinPinLen);
	mcx_json_add_int(o, "max_pin_len", (long long)ti->ulMaxPinLen);
	if (objects >= 0)
		mcx_json_add_int(o, "public_objects", objects);
	return o;
}

int mcx_token_cmd_info(struct mcx_admin *ad, int argc, char **argv)
{
	static const struct option longopts[] = {
	    MCX_COMMON_LONGOPTS,
	    {"json", no_argument, NULL, 'j'},
	    {NULL, 0, NULL, 0},
	};
	struct json_object *root = NULL;
	CK_SLOT_ID *slots = NULL;
	CK_ULONG n = 0, i = 0;
	CK_SLOT_INFO si;
	CK_TOKEN_INFO ti;
	CK_RV rv = CKR_OK;
	int opt = 0, ret = MCX_EXIT_FAIL;
	bool json = false;

	while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (opt == 'j')
			json = true;
		else if (!mcx_main_common_opt(ad, opt, optarg))
			return mcx_main_usage("token", "info");
	}
	if (optind != argc)
		return mcx_main_usage("token", "info");
	ret = mcx_p11_load(ad);
	if (ret != MCX_EXIT_OK)
		goto out;
	rv = ad->p11.f->C_GetSlotList(CK_TRUE, NULL, &n);
	if (rv != CKR_OK) {
		ret = mcx_p11_fail("C_GetSlotList", rv);
		goto out;
	}
	slots = calloc(n + 1, sizeof(*slots));
	if (slots == NULL) {
		ret = mcx_main_fail("out of memory");
		goto out;
	}
	rv = ad->p11.f->C_GetSlotList(CK_TRUE, slots, &n);
	if (rv != CKR_OK) {
		ret = mcx_p11_fail("C_GetSlotList", rv);
		goto out;
	}
	root = json ? json_object_new_array() : NULL;
	for (i = 0; i < n; i++) {
		long long objects = -1;

		rv = ad->p11.f->C_GetSlotInfo(slots[i], &si);
		if (rv != CKR_OK) {
			ret = mcx_p11_fail("C_GetSlotInfo", rv);
			goto out;
		}
		rv = ad->p11.f->C_GetTokenInfo(slots[i], &ti);
		if (rv != CKR_OK) {
			ret = mcx_p11_fail("C_GetTokenInfo", rv);
			goto out;
		}
		if (ti.flags & CKF_TOKEN_INITIALIZED)
			objects = count_public_objects(ad, slots[i]);
		if (json)
			json_object_array_add(
			    root, token_json(slots[i], &si, &ti, objects));
		else
			print_token_text(slots[i], &si, &ti, objects);
	}
	ret = MCX_EXIT_OK;
	if (json) {
		ret = mcx_json_print(root);
		root = NULL;
	}
out:
	json_object_put(root);
	free(slots);
	mcx_p11_unload(ad);
	return ret;
}

/* ---- token set-pin ----------------------------------------------------- */

int mcx_token_cmd_set_pin(struct mcx_admin *ad, int argc, char **argv)
{
	static const struct option longopts[] = {
	    MCX_COMMON_LONGOPTS,
	    {"so", no_argument, NULL, 's'},
	    {"new-pin-file", required_argument, NULL, 'n'},
	    {NULL, 0, NULL, 0},
	};
	char old_pin[MCX_PIN_MAX] = {0};
	char new_pin[MCX_PIN_MAX] = {0};
	size_t old_len = 0, new_len = 0;
	const char *new_file = NULL;
	CK_SLOT_ID slot = 0;
	CK_SESSION_HANDLE session = CK_INVALID_HANDLE;
	CK_USER_TYPE user = CKU_USER;
	CK_RV rv = CKR_OK;
	int opt = 0, ret = MCX_EXIT_FAIL;

	while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (opt == 's')
			user = CKU_SO;
		else if (opt == 'n')
			new_file = optarg;
		else if (!mcx_main_common_opt(ad, opt, optarg))
			return mcx_main_usage("token", "set-pin");
	}
	if (optind != argc)
		return mcx_main_usage("token", "set-pin");
	ret = mcx_pin_read(
	    user == CKU_SO ? ad->so_pin_file : ad->pin_file,
	    user == CKU_SO ? "MCXHSM_SO_PIN" : "MCXHSM_PIN",
	    user == CKU_SO ? "Current SO PIN: " : "Current user PIN: ", old_pin,
	    &old_len);
	if (ret != MCX_EXIT_OK)
		goto out;
	ret = mcx_pin_read_new(new_file, user == CKU_SO ? "SO PIN" : "user PIN",
			       new_pin, &new_len);
	if (ret != MCX_EXIT_OK)
		goto out;
	ret = mcx_p11_load(ad);
	if (ret != MCX_EXIT_OK)
		goto out;
	ret = mcx_p11_find_token(ad, &slot);
	if (ret != MCX_EXIT_OK)
		goto out;
	rv = ad->p11.f->C_OpenSession(slot, CKF_SERIAL_SESSION | CKF_RW_SESSION,
				      NULL, NULL, &session);
	if (rv != CKR_OK) {
		ret = mcx_p11_fail("C_OpenSession", rv);
		goto out;
	}
	/* §5.6 C_SetPIN changes the PIN of the user logged in on the
	 * session; the SO PIN needs an SO session. */
	rv = ad->p11.f->C_Login(session, user, (CK_UTF8CHAR_PTR)old_pin,
				old_len);
	if (rv != CKR_OK) {
		ret = mcx_p11_fail("C_Login", rv);
		goto out;
	}
	rv = ad->p11.f->C_SetPIN(session, (CK_UTF8CHAR_PTR)old_pin, old_len,
				 (CK_UTF8CHAR_PTR)new_pin, new_len);
	if (rv != CKR_OK) {
		ret = mcx_p11_fail("C_SetPIN", rv);
		goto out;
	}
	printf("%s PIN changed\n", user == CKU_SO ? "SO" : "user");
	ret = MCX_EXIT_OK;
out:
	mcx_wipe(old_pin, sizeof(old_pin));
	mcx_wipe(new_pin, sizeof(new_pin));
	mcx_p11_end(ad, session);
	return ret;
}

/* ---- token init-pin ---------------------------------------------------- */

/* The SO sets a new user PIN (C_InitPIN): the way back from a locked or
 * forgotten user PIN. */
int mcx_token_cmd_init_pin(struct mcx_admin *ad, int argc, char **argv)
{
	static const struct option longopts[] = {
	    MCX_COMMON_LONGOPTS,
	    {"new-pin-file", required_argument, NULL, 'n'},
	    {NULL, 0, NULL, 0},
	};
	char new_pin[MCX_PIN_MAX] = {0};
	size_t new_len = 0;
	const char *new_file = NULL;
	CK_SESSION_HANDLE session = CK_INVALID_HANDLE;
	CK_RV rv = CKR_OK;
	int opt = 0, ret = MCX_EXIT_FAIL;

	while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (opt == 'n')
			new_file = optarg;
		else if (!mcx_main_common_opt(ad, opt, optarg))
			return mcx_main_usage("token", "init-pin");
	}
	if (optind != argc)
		return mcx_main_usage("token", "init-pin");
	ret = mcx_pin_read_new(new_file, "user PIN", new_pin, &new_len);
	if (ret != MCX_EXIT_OK)
		goto out;
	ret = mcx_p11_start(ad, true, CKU_SO, &session);
	if (ret != MCX_EXIT_OK)
		goto out;
	rv = ad->p11.f->C_InitPIN(session, (CK_UTF8CHAR_PTR)new_pin, new_len);
	if (rv != CKR_OK) {
		ret = mcx_p11_fail("C_InitPIN", rv);
		goto out;
	}
	printf("user PIN set by the SO\n");
	ret = MCX_EXIT_OK;
out:
	mcx_wipe(new_pin, sizeof(new_pin));
	mcx_p11_end(ad, session);
	return ret;
}
