/*
 * The admin tool's side of PKCS#11: load the module like any client
 * (dlopen, C_GetInterface "PKCS 11" with C_GetFunctionList as the 2.40
 * fallback), find the token, open sessions and log in, find objects, read
 * public attributes.  Every failure prints one message naming the C_*
 * function and the CKR, then the caller exits 1.
 */
#include "config.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "admin/internal.h"
#include "common/wipe.h"

int mcx_p11_fail(const char *fn, CK_RV rv)
{
	const char *hint = mcx_names_rv_hint(rv);

	if (hint != NULL)
		return mcx_main_fail("%s: %s (%s)", fn, mcx_names_rv(rv), hint);
	return mcx_main_fail("%s: %s", fn, mcx_names_rv(rv));
}

int mcx_p11_load(struct mcx_admin *ad)
{
	CK_C_INITIALIZE_ARGS init_args;
	CK_C_GetInterface get_interface = NULL;
	CK_C_GetFunctionList get_function_list = NULL;
	CK_INTERFACE_PTR iface = NULL;
	CK_RV rv = CKR_OK;

	ad->p11.dl = dlopen(ad->module_path, RTLD_NOW | RTLD_LOCAL);
	if (ad->p11.dl == NULL)
		return mcx_main_fail("cannot load the module: %s", dlerror());
	/* PKCS#11 3.0 §5.2: prefer the interface; a 2.40 module has only
	 * C_GetFunctionList.  The 3.0 list starts with the 2.40 one, and the
	 * tool calls only 2.40 functions. */
	*(void **)&get_interface = dlsym(ad->p11.dl, "C_GetInterface");
	if (get_interface != NULL) {
		rv =
		    get_interface((CK_UTF8CHAR_PTR) "PKCS 11", NULL, &iface, 0);
		if (rv == CKR_OK && iface != NULL &&
		    iface->pFunctionList != NULL)
			ad->p11.f = iface->pFunctionList;
	}
	if (ad->p11.f == NULL) {
		*(void **)&get_function_list =
		    dlsym(ad->p11.dl, "C_GetFunctionList");
		if (get_function_list == NULL)
			return mcx_main_fail("%s: not a PKCS#11 module "
					     "(no C_GetFunctionList)",
					     ad->module_path);
		rv = get_function_list(&ad->p11.f);
		if (rv != CKR_OK || ad->p11.f == NULL)
			return mcx_p11_fail("C_GetFunctionList", rv);
	}
	memset(&init_args, 0, sizeof(init_args));
	init_args.flags = CKF_OS_LOCKING_OK;
	rv = ad->p11.f->C_Initialize(&init_args);
	if (rv != CKR_OK)
		return mcx_p11_fail("C_Initialize", rv);
	ad->p11.initialized = true;
	return MCX_EXIT_OK;
}

void mcx_p11_unload(struct mcx_admin *ad)
{
	if (ad->p11.initialized)
		ad->p11.f->C_Finalize(NULL);
	ad->p11.initialized = false;
	ad->p11.f = NULL;
	if (ad->p11.dl != NULL)
		dlclose(ad->p11.dl);
	ad->p11.dl = NULL;
}

void mcx_p11_padded(char *out, size_t outlen, const CK_UTF8CHAR *in,
		    size_t inlen)
{
	size_t n = inlen < outlen - 1 ? inlen : outlen - 1;

	memcpy(out, in, n);
	while (n > 0 && (out[n - 1] == ' ' || out[n - 1] == '\0'))
		n--;
	out[n] = '\0';
}

static int slot_list(struct mcx_admin *ad, CK_SLOT_ID **slots, CK_ULONG *n)
{
	CK_RV rv = CKR_OK;
	CK_ULONG count = 0;

	*slots = NULL;
	/* The count can grow between the two calls (C_InitToken adds a new
	 * empty slot), hence the loop. */
	for (;;) {
		rv = ad->p11.f->C_GetSlotList(CK_TRUE, NULL, &count);
		if (rv != CKR_OK)
			return mcx_p11_fail("C_GetSlotList", rv);
		free(*slots);
		*slots = calloc(count + 1, sizeof(**slots));
		if (*slots == NULL)
			return mcx_main_fail("out of memory");
		rv = ad->p11.f->C_GetSlotList(CK_TRUE, *slots, &count);
		if (rv == CKR_BUFFER_TOO_SMALL)
			continue;
		if (rv != CKR_OK) {
			free(*slots);
			*slots = NULL;
			return mcx_p11_fail("C_GetSlotList", rv);
		}
		*n = count;
		return MCX_EXIT_OK;
	}
}

int mcx_p11_find_token(struct mcx_admin *ad, CK_SLOT_ID *slot)
{
	CK_SLOT_ID *slots = NULL;
	CK_ULONG n = 0, i = 0, found = 0;
	CK_TOKEN_INFO ti;
	char label[sizeof(ti.label) + 1] = {0};
	int ret = MCX_EXIT_FAIL;

	ret = slot_list(ad, &slots, &n);
	if (ret != MCX_EXIT_OK)
		goto out;
	for (i = 0; i < n; i++) {
		CK_RV rv = ad->p11.f->C_GetTokenInfo(slots[i], &ti);

		if (rv != CKR_OK || !(ti.flags & CKF_TOKEN_INITIALIZED))
			continue;
		mcx_p11_padded(label, sizeof(label), ti.label,
			       sizeof(ti.label));
		if (ad->token_label != NULL &&
		    strcmp(label, ad->token_label) != 0)
			continue;
		if (found++ == 0)
			*slot = slots[i];
	}
	if (found == 0)
		ret = ad->token_label != NULL
			  ? mcx_main_fail("no token labelled '%s'",
					  ad->token_label)
			  : mcx_main_fail("no initialised token "
					  "(run: mcxhsm token init)");
	else if (found > 1)
		ret = ad->token_label != NULL
			  ? mcx_main_fail("%lu tokens are labelled '%s'",
					  (unsigned long)found, ad->token_label)
			  : mcx_main_fail("%lu tokens: choose one with --token "
					  "LABEL",
					  (unsigned long)found);
	else
		ret = MCX_EXIT_OK;
out:
	free(slots);
	return ret;
}

int mcx_p11_open(struct mcx_admin *ad, CK_SLOT_ID slot, bool rw,
		 CK_USER_TYPE user_type, CK_SESSION_HANDLE *session)
{
	char pin[MCX_PIN_MAX] = {0};
	size_t pin_len = 0;
	CK_FLAGS flags = CKF_SERIAL_SESSION | (rw ? CKF_RW_SESSION : 0);
	CK_RV rv = CKR_OK;
	int ret = MCX_EXIT_FAIL;
	bool so = user_type == CKU_SO;

	*session = CK_INVALID_HANDLE;
	rv = ad->p11.f->C_OpenSession(slot, flags, NULL, NULL, session);
	if (rv != CKR_OK) {
		ret = mcx_p11_fail("C_OpenSession", rv);
		goto out;
	}
	if (user_type == (CK_USER_TYPE)-1) {
		ret = MCX_EXIT_OK;
		goto out;
	}
	ret = mcx_pin_read(so ? ad->so_pin_file : ad->pin_file,
			   so ? "MCXHSM_SO_PIN" : "MCXHSM_PIN",
			   so ? "SO PIN: " : "User PIN: ", pin, &pin_len);
	if (ret != MCX_EXIT_OK)
		goto out;
	rv = ad->p11.f->C_Login(*session, user_type, (CK_UTF8CHAR_PTR)pin,
				pin_len);
	if (rv != CKR_OK && rv != CKR_USER_ALREADY_LOGGED_IN) {
		ret = mcx_p11_fail("C_Login", rv);
		goto out;
	}
	ret = MCX_EXIT_OK;
out:
	mcx_wipe(pin, sizeof(pin));
	if (ret != MCX_EXIT_OK && *session != CK_INVALID_HANDLE) {
		ad->p11.f->C_CloseSession(*session);
		*session = CK_INVALID_HANDLE;
	}
	return ret;
}

void mcx_p11_close(struct mcx_admin *ad, CK_SESSION_HANDLE session)
{
	if (session != CK_INVALID_HANDLE && ad->p11.f != NULL)
		ad->p11.f->C_CloseSession(session);
}

int mcx_p11_start(struct mcx_admin *ad, bool rw, CK_USER_TYPE user_type,
		  CK_SESSION_HANDLE *session)
{
	CK_SLOT_ID slot = 0;
	int ret = MCX_EXIT_OK;

	*session = CK_INVALID_HANDLE;
	ret = mcx_p11_load(ad);
	if (ret == MCX_EXIT_OK)
		ret = mcx_p11_find_token(ad, &slot);
	if (ret == MCX_EXIT_OK)
		ret = mcx_p11_open(ad, slot, rw, user_type, session);
	return ret;
}

void mcx_p11_end(struct mcx_admin *ad, CK_SESSION_HANDLE session)
{
	mcx_p11_close(ad, session);
	mcx_p11_unload(ad);
}

int mcx_p11_find(struct mcx_admin *ad, CK_SESSION_HANDLE session,
		 CK_ATTRIBUTE *tmpl, CK_ULONG n, CK_OBJECT_HANDLE **handles,
		 size_t *count)
{
	CK_OBJECT_HANDLE *all = NULL, *grown = NULL;
	size_t cap = 0, used = 0;
	CK_ULONG got = 0;
	CK_RV rv = CKR_OK;
	int ret = MCX_EXIT_FAIL;
	bool active = false;

	rv = ad->p11.f->C_FindObjectsInit(session, tmpl, n);
	if (rv != CKR_OK) {
		ret = mcx_p11_fail("C_FindObjectsInit", rv);
		goto out;
	}
	active = true;
	do {
		if (cap - used < 256) {
			cap = cap * 2 + 256;
			grown = realloc(all, cap * sizeof(*all));
			if (grown == NULL) {
				ret = mcx_main_fail("out of memory");
				goto out;
			}
			all = grown;
		}
		got = 0;
		rv = ad->p11.f->C_FindObjects(session, all + used, 256, &got);
		if (rv != CKR_OK) {
			ret = mcx_p11_fail("C_FindObjects", rv);
			goto out;
		}
		used += got;
	} while (got > 0);
	ret = MCX_EXIT_OK;
out:
	if (active) {
		rv = ad->p11.f->C_FindObjectsFinal(session);
		if (rv != CKR_OK && ret == MCX_EXIT_OK)
			ret = mcx_p11_fail("C_FindObjectsFinal", rv);
	}
	if (ret != MCX_EXIT_OK) {
		free(all);
		all = NULL;
		used = 0;
	}
	*handles = all;
	*count = used;
	return ret;
}

/* One attribute at a time: the fallback for modules whose whole-template
 * answers are unusable, and for a value that changed size in between. */
static int get_one(struct mcx_admin *ad, CK_SESSION_HANDLE session,
		   CK_OBJECT_HANDLE obj, CK_ATTRIBUTE *a)
{
	CK_RV rv = CKR_OK;

	a->pValue = NULL;
	a->ulValueLen = 0;
	rv = ad->p11.f->C_GetAttributeValue(session, obj, a, 1);
	if (rv == CKR_ATTRIBUTE_TYPE_INVALID || rv == CKR_ATTRIBUTE_SENSITIVE ||
	    a->ulValueLen == CK_UNAVAILABLE_INFORMATION) {
		a->ulValueLen = CK_UNAVAILABLE_INFORMATION;
		return MCX_EXIT_OK;
	}
	if (rv != CKR_OK)
		return mcx_p11_fail("C_GetAttributeValue", rv);
	a->pValue = calloc(1, a->ulValueLen + 1);
	if (a->pValue == NULL)
		return mcx_main_fail("out of memory");
	rv = ad->p11.f->C_GetAttributeValue(session, obj, a, 1);
	if (rv != CKR_OK) {
		free(a->pValue);
		a->pValue = NULL;
		a->ulValueLen = CK_UNAVAILABLE_INFORMATION;
		if (rv == CKR_ATTRIBUTE_TYPE_INVALID ||
		    rv == CKR_ATTRIBUTE_SENSITIVE)
			return MCX_EXIT_OK;
		return mcx_p11_fail("C_GetAttributeValue", rv);
	}
	return MCX_EXIT_OK;
}

int mcx_p11_get_attrs(struct mcx_admin *ad, CK_SESSION_HANDLE session,
		      CK_OBJECT_HANDLE obj, CK_ATTRIBUTE *tmpl, CK_ULONG n)
{
	CK_RV rv = CKR_OK;
	CK_ULONG i = 0;
	int ret = MCX_EXIT_FAIL;
	bool batch = true;

	for (i = 0; i < n; i++) {
		tmpl[i].pValue = NULL;
		tmpl[i].ulValueLen = 0;
	}
	/* PKCS#11 3.0 §5.7.5: one call gives every length, marking the
	 * attributes the object lacks with CK_UNAVAILABLE_INFORMATION. */
	rv = ad->p11.f->C_GetAttributeValue(session, obj, tmpl, n);
	if (rv != CKR_OK && rv != CKR_ATTRIBUTE_TYPE_INVALID &&
	    rv != CKR_ATTRIBUTE_SENSITIVE) {
		if (rv == CKR_OBJECT_HANDLE_INVALID)
			return mcx_p11_fail("C_GetAttributeValue", rv);
		batch = false;
	}
	for (i = 0; batch && i < n; i++) {
		if (tmpl[i].ulValueLen == CK_UNAVAILABLE_INFORMATION)
			continue;
		tmpl[i].pValue = calloc(1, tmpl[i].ulValueLen + 1);
		if (tmpl[i].pValue == NULL) {
			ret = mcx_main_fail("out of memory");
			goto out;
		}
	}
	if (batch) {
		rv = ad->p11.f->C_GetAttributeValue(session, obj, tmpl, n);
		if (rv != CKR_OK && rv != CKR_ATTRIBUTE_TYPE_INVALID &&
		    rv != CKR_ATTRIBUTE_SENSITIVE) {
			mcx_p11_free_attrs(tmpl, n);
			batch = false;
		}
	}
	for (i = 0; !batch && i < n; i++) {
		ret = get_one(ad, session, obj, &tmpl[i]);
		if (ret != MCX_EXIT_OK)
			goto out;
	}
	for (i = 0; i < n; i++) {
		if (tmpl[i].ulValueLen == CK_UNAVAILABLE_INFORMATION) {
			free(tmpl[i].pValue);
			tmpl[i].pValue = NULL;
		}
	}
	ret = MCX_EXIT_OK;
out:
	if (ret != MCX_EXIT_OK)
		mcx_p11_free_attrs(tmpl, n);
	return ret;
}

void mcx_p11_free_attrs(CK_ATTRIBUTE *tmpl, CK_ULONG n)
{
	CK_ULONG i = 0;

	for (i = 0; i < n; i++) {
		free(tmpl[i].pValue);
		tmpl[i].pValue = NULL;
		tmpl[i].ulValueLen = CK_UNAVAILABLE_INFORMATION;
	}
}

const CK_ATTRIBUTE *mcx_p11_attr(const CK_ATTRIBUTE *tmpl, CK_ULONG n,
				 CK_ATTRIBUTE_TYPE type)
{
	CK_ULONG i = 0;

	for (i = 0; i < n; i++)
		if (tmpl[i].type == type && tmpl[i].pValue != NULL)
			return &tmpl[i];
	return NULL;
}

bool mcx_p11_attr_ulong(const CK_ATTRIBUTE *tmpl, CK_ULONG n,
			CK_ATTRIBUTE_TYPE type, CK_ULONG *out)
{
	const CK_ATTRIBUTE *a = mcx_p11_attr(tmpl, n, type);

	if (a == NULL || a->ulValueLen != sizeof(CK_ULONG))
		return false;
	memcpy(out, a->pValue, sizeof(CK_ULONG));
	return true;
}
