/*
 * Slots and tokens (PKCS#11 3.0 §5.5): the slot list, slot and token
 * information, C_InitToken.  See slot.h for how slot IDs stay stable.
 */

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/wipe.h"
#include "token/config.h"
#include "token/entry.h"
#include "token/internal.h"
#include "token/ops_mcx.h"
#include "token/slot.h"

#define TOKEN_PREFIX "token-"
#define TOKEN_SUFFIX ".mcxtoken"
#define MAX_SLOT_ID  0x7fffffffUL
#define MIN_PIN_LEN  4
#define MAX_PIN_LEN  255

/* ---- Configuration ------------------------------------------------------ */

/* token/config.c reads MCXHSM_CONF (errors logged there, returned as
 * CKR_GENERAL_ERROR, which C_Initialize returns as is). */
CK_RV mcx_slot_config_locked(void)
{
	struct mcx_config *cfg = NULL;
	CK_RV rv = mcx_config_load(&cfg);
	if (rv != CKR_OK)
		return rv;
	rv = mcx_config_apply_log(cfg);
	if (rv == CKR_OK)
		rv = mcx_config_make_token_dir(cfg);
	if (rv == CKR_OK) {
		mcx_g.token_dir = strdup(cfg->token_dir);
		mcx_g.max_failures = cfg->max_pin_failures;
		mcx_g.sync_full = cfg->sync_full;
		if (mcx_g.token_dir == NULL)
			rv = CKR_HOST_MEMORY;
	}
	if (rv == CKR_OK)
		rv = mcx_ops_mcx_keystore_configure(cfg);
	mcx_config_free(cfg);
	return rv;
}

/* ---- The slot table ----------------------------------------------------- */

struct mcx_slot *mcx_slot_find_locked(CK_SLOT_ID id)
{
	for (size_t i = 0; i < mcx_g.nslots; i++)
		if (mcx_g.slots[i]->id == id)
			return mcx_g.slots[i];
	return NULL;
}

static CK_RV add_slot(CK_SLOT_ID id, bool has_file)
{
	struct mcx_slot *slot = calloc(1, sizeof(*slot));
	struct mcx_slot **v =
	    realloc(mcx_g.slots, (mcx_g.nslots + 1) * sizeof(*v));
	if (slot == NULL || v == NULL) {
		free(slot);
		if (v != NULL)
			mcx_g.slots = v;
		return CKR_HOST_MEMORY;
	}
	mcx_g.slots = v;
	size_t len = strlen(mcx_g.token_dir) + 64;
	slot->path = malloc(len);
	if (slot->path == NULL) {
		free(slot);
		return CKR_HOST_MEMORY;
	}
	snprintf(slot->path, len, "%s/" TOKEN_PREFIX "%lu" TOKEN_SUFFIX,
		 mcx_g.token_dir, (unsigned long)id);
	slot->id = id;
	slot->has_file = has_file;
	slot->user = MCX_USER_NONE;
	/* keep the table sorted by ID: C_GetSlotList order is stable */
	size_t pos = mcx_g.nslots;
	while (pos > 0 && mcx_g.slots[pos - 1]->id > id) {
		mcx_g.slots[pos] = mcx_g.slots[pos - 1];
		pos--;
	}
	mcx_g.slots[pos] = slot;
	mcx_g.nslots++;
	return CKR_OK;
}

/* token-<N>.mcxtoken with N canonical decimal in 1 .. 2^31-1. */
static bool parse_name(const char *name, CK_SLOT_ID *id)
{
	size_t pl = strlen(TOKEN_PREFIX), sl = strlen(TOKEN_SUFFIX);
	size_t n = strlen(name);
	if (n <= pl + sl || strncmp(name, TOKEN_PREFIX, pl) != 0 ||
	    strcmp(name + n - sl, TOKEN_SUFFIX) != 0)
		return false;
	unsigned long v = 0;
	for (size_t i = pl; i < n - sl; i++) {
		if (name[i] < '0' || name[i] > '9' ||
		    (i == pl && name[i] == '0'))
			return false;
		v = v * 10 + (unsigned long)(name[i] - '0');
		if (v > MAX_SLOT_ID)
			return false;
	}
	*id = v;
	return v != 0;
}

CK_RV mcx_slot_scan_locked(void)
{
	DIR *d = opendir(mcx_g.token_dir);
	if (d == NULL)
		return CKR_GENERAL_ERROR;
	CK_RV rv = CKR_OK;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		CK_SLOT_ID id = 0;
		if (!parse_name(e->d_name, &id))
			continue;
		struct mcx_slot *slot = mcx_slot_find_locked(id);
		if (slot != NULL) {
			slot->has_file = true;
			continue;
		}
		rv = add_slot(id, true);
		if (rv != CKR_OK)
			break;
	}
	closedir(d);
	if (rv != CKR_OK)
		return rv;
	/* exactly one empty slot, for C_InitToken */
	for (size_t i = 0; i < mcx_g.nslots; i++)
		if (!mcx_g.slots[i]->has_file)
			return CKR_OK;
	CK_SLOT_ID id = 1;
	while (mcx_slot_find_locked(id) != NULL)
		id++;
	return add_slot(id, false);
}

/* mcx_store_open with the configured durability (`sync`, config.h). */
static CK_RV open_store(struct mcx_slot *slot)
{
	CK_RV rv = mcx_store_open(slot->path, mcx_g.max_failures, &slot->store);
	if (rv == CKR_OK && mcx_g.sync_full)
		rv = mcx_store_set_sync_full(slot->store, true);
	if (rv != CKR_OK) {
		if (slot->store != NULL)
			mcx_store_close(slot->store);
		slot->store = NULL;
	}
	return rv;
}

CK_RV mcx_slot_open_store_locked(struct mcx_slot *slot)
{
	if (slot->store != NULL)
		return CKR_OK;
	if (!slot->has_file)
		return CKR_TOKEN_NOT_RECOGNIZED;
	return open_store(slot);
}

void mcx_slot_logout_locked(struct mcx_slot *slot)
{
	mcx_wipe(&slot->key, sizeof(slot->key));
	slot->have_key = false;
	slot->user = MCX_USER_NONE;
	mcx_object_drop_secrets_locked(slot);
	/* Engine state derived from private keys (ECCSI signers, RSK pairing
	 * tables) must not outlive the login that unlocked them; C_Finalize
	 * comes here too, before handles can be reused. */
	mcx_ops_mcx_cache_flush();
}

void mcx_slot_free_all_locked(void)
{
	for (size_t i = 0; i < mcx_g.nslots; i++) {
		struct mcx_slot *slot = mcx_g.slots[i];
		mcx_slot_logout_locked(slot);
		mcx_object_forget_slot_locked(slot);
		mcx_hmap_free(&slot->by_store_id);
		mcx_hmap_free(&slot->audit_by_seq);
		if (slot->store != NULL)
			mcx_store_close(slot->store);
		free(slot->path);
		free(slot);
	}
	free(mcx_g.slots);
	mcx_g.slots = NULL;
	mcx_g.nslots = 0;
}

CK_RV mcx_slot_check(CK_SLOT_ID slotID)
{
	CK_RV rv = mcx_module_enter();
	if (rv != CKR_OK)
		return rv;
	if (mcx_slot_find_locked(slotID) == NULL)
		rv = CKR_SLOT_ID_INVALID;
	mcx_module_unlock();
	return rv;
}

/* ---- Entry points ------------------------------------------------------- */

static void pad(CK_UTF8CHAR *dst, size_t len, const char *src, size_t n)
{
	memset(dst, ' ', len);
	memcpy(dst, src, n < len ? n : len);
}

CK_RV mcx_C_GetSlotList(CK_BBOOL tokenPresent, CK_SLOT_ID_PTR pSlotList,
			CK_ULONG_PTR pulCount)
{
	(void)tokenPresent; /* every slot holds a (maybe blank) token */
	CK_RV rv = mcx_module_enter();
	if (rv != CKR_OK)
		return rv;
	if (pulCount == NULL) {
		rv = CKR_ARGUMENTS_BAD;
		goto out;
	}
	/* Rescan on the size query only, so the count cannot change
	 * between the two calls of the usual idiom. */
	if (pSlotList == NULL) {
		rv = mcx_slot_scan_locked();
		if (rv != CKR_OK)
			goto out;
		*pulCount = mcx_g.nslots;
		goto out;
	}
	if (*pulCount < mcx_g.nslots) {
		*pulCount = mcx_g.nslots;
		rv = CKR_BUFFER_TOO_SMALL;
		goto out;
	}
	for (size_t i = 0; i < mcx_g.nslots; i++)
		pSlotList[i] = mcx_g.slots[i]->id;
	*pulCount = mcx_g.nslots;
out:
	mcx_module_unlock();
	return rv;
}

CK_RV mcx_C_GetSlotInfo(CK_SLOT_ID slotID, CK_SLOT_INFO_PTR pInfo)
{
	CK_RV rv = mcx_module_enter();
	if (rv != CKR_OK)
		return rv;
	struct mcx_slot *slot = mcx_slot_find_locked(slotID);
	if (slot == NULL) {
		rv = CKR_SLOT_ID_INVALID;
	} else if (pInfo == NULL) {
		rv = CKR_ARGUMENTS_BAD;
	} else {
		char desc[64];
		int n = snprintf(desc, sizeof(desc), "mcxhsm slot %lu",
				 (unsigned long)slot->id);
		memset(pInfo, 0, sizeof(*pInfo));
		pad(pInfo->slotDescription, sizeof(pInfo->slotDescription),
		    desc, (size_t)n);
		pad(pInfo->manufacturerID, sizeof(pInfo->manufacturerID),
		    "mcxhsm", 6);
		pInfo->flags = CKF_TOKEN_PRESENT;
		pInfo->hardwareVersion.minor = 1;
		pInfo->firmwareVersion.minor = 1;
	}
	mcx_module_unlock();
	return rv;
}

static CK_FLAGS pin_flags(uint32_t failures, uint32_t max, CK_FLAGS low,
			  CK_FLAGS final, CK_FLAGS locked)
{
	if (failures == 0)
		return 0;
	if (max != 0 && failures >= max)
		return locked;
	if (max != 0 && failures + 1 == max)
		return low | final;
	return low;
}

CK_RV mcx_C_GetTokenInfo(CK_SLOT_ID slotID, CK_TOKEN_INFO_PTR pInfo)
{
	CK_RV rv = mcx_module_enter();
	if (rv != CKR_OK)
		return rv;
	struct mcx_slot *slot = mcx_slot_find_locked(slotID);
	struct mcx_store_token_info ti;
	memset(&ti, 0, sizeof(ti));
	if (slot == NULL) {
		rv = CKR_SLOT_ID_INVALID;
		goto out;
	}
	if (pInfo == NULL) {
		rv = CKR_ARGUMENTS_BAD;
		goto out;
	}
	if (slot->has_file) {
		rv = mcx_slot_open_store_locked(slot);
		if (rv == CKR_OK)
			rv = mcx_store_token_info(slot->store, &ti);
		if (rv != CKR_OK)
			goto out;
	}
	memset(pInfo, 0, sizeof(*pInfo));
	if (ti.initialized) {
		memcpy(pInfo->label, ti.label, sizeof(pInfo->label));
		memcpy(pInfo->serialNumber, ti.serial,
		       sizeof(pInfo->serialNumber));
	} else {
		pad(pInfo->label, sizeof(pInfo->label), "", 0);
		char serial[17];
		int n = snprintf(serial, sizeof(serial), "%lu",
				 (unsigned long)slot->id);
		pad(pInfo->serialNumber, sizeof(pInfo->serialNumber), serial,
		    (size_t)n);
	}
	pad(pInfo->manufacturerID, sizeof(pInfo->manufacturerID), "mcxhsm", 6);
	pad(pInfo->model, sizeof(pInfo->model), "mcxhsm soft", 11);
	pInfo->flags = CKF_RNG | CKF_LOGIN_REQUIRED;
	if (ti.initialized)
		pInfo->flags |= CKF_TOKEN_INITIALIZED;
	if (ti.user_pin_initialized)
		pInfo->flags |= CKF_USER_PIN_INITIALIZED;
	if (ti.so_pin_to_be_changed)
		pInfo->flags |= CKF_SO_PIN_TO_BE_CHANGED;
	if (ti.user_pin_to_be_changed)
		pInfo->flags |= CKF_USER_PIN_TO_BE_CHANGED;
	pInfo->flags |=
	    pin_flags(ti.user_failures, ti.max_failures, CKF_USER_PIN_COUNT_LOW,
		      CKF_USER_PIN_FINAL_TRY, CKF_USER_PIN_LOCKED);
	pInfo->flags |=
	    pin_flags(ti.so_failures, ti.max_failures, CKF_SO_PIN_COUNT_LOW,
		      CKF_SO_PIN_FINAL_TRY, CKF_SO_PIN_LOCKED);
	CK_ULONG all = 0, ro = 0;
	mcx_session_count_locked(slot, &all, &ro);
	pInfo->ulMaxSessionCount = CK_EFFECTIVELY_INFINITE;
	pInfo->ulSessionCount = all;
	pInfo->ulMaxRwSessionCount = CK_EFFECTIVELY_INFINITE;
	pInfo->ulRwSessionCount = all - ro;
	pInfo->ulMaxPinLen = MAX_PIN_LEN;
	pInfo->ulMinPinLen = MIN_PIN_LEN;
	pInfo->ulTotalPublicMemory = CK_UNAVAILABLE_INFORMATION;
	pInfo->ulFreePublicMemory = CK_UNAVAILABLE_INFORMATION;
	pInfo->ulTotalPrivateMemory = CK_UNAVAILABLE_INFORMATION;
	pInfo->ulFreePrivateMemory = CK_UNAVAILABLE_INFORMATION;
	pInfo->hardwareVersion.minor = 1;
	pInfo->firmwareVersion.minor = 1;
	/* no CKF_CLOCK_ON_TOKEN: utcTime stays blank */
	memset(pInfo->utcTime, ' ', sizeof(pInfo->utcTime));
out:
	mcx_module_unlock();
	return rv;
}

CK_RV mcx_C_WaitForSlotEvent(CK_FLAGS flags, CK_SLOT_ID_PTR pSlot,
			     CK_VOID_PTR pReserved)
{
	CK_RV rv = mcx_module_enter();
	if (rv != CKR_OK)
		return rv;
	mcx_module_unlock();
	if (pSlot == NULL || pReserved != NULL)
		return CKR_ARGUMENTS_BAD;
	/* Tokens are files, not devices: no event source to wait on. */
	return (flags & CKF_DONT_BLOCK) ? CKR_NO_EVENT
					: CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV mcx_slot_check_pin_len(CK_ULONG len)
{
	return (len < MIN_PIN_LEN || len > MAX_PIN_LEN) ? CKR_PIN_LEN_RANGE
							: CKR_OK;
}

CK_RV mcx_C_InitToken(CK_SLOT_ID slotID, CK_BYTE_PTR pPin, CK_ULONG ulPinLen,
		      CK_BYTE_PTR pLabel)
{
	CK_RV rv = mcx_module_enter();
	if (rv != CKR_OK)
		return rv;
	struct mcx_slot *slot = mcx_slot_find_locked(slotID);
	CK_ULONG open = 0;
	/* one PIN operation per token at a time (login.c) */
	while (slot != NULL && slot->login_busy) {
		mcx_module_wait_locked();
		if (!mcx_g.initialized) {
			mcx_module_unlock();
			return CKR_CRYPTOKI_NOT_INITIALIZED;
		}
		slot = mcx_slot_find_locked(slotID);
	}
	if (slot == NULL) {
		rv = CKR_SLOT_ID_INVALID;
		goto out;
	}
	if (pPin == NULL || pLabel == NULL) {
		rv = CKR_ARGUMENTS_BAD;
		goto out;
	}
	mcx_session_count_locked(slot, &open, NULL);
	if (open != 0) {
		rv = CKR_SESSION_EXISTS;
		goto out;
	}
	rv = mcx_slot_check_pin_len(ulPinLen);
	if (rv != CKR_OK)
		goto out;
	if (slot->store == NULL) {
		rv = open_store(slot);
		if (rv != CKR_OK)
			goto out;
		slot->has_file = true;
	}
	/* 32 blank-padded octets (§5.5.5); a NUL ends a shorter label that
	 * some bindings pass, and is never read past. */
	char label[32];
	size_t ll = strnlen((const char *)pLabel, sizeof(label));
	memset(label, ' ', sizeof(label));
	memcpy(label, pLabel, ll);
	/* the SO PIN KDF runs without the module lock, so that the other
	 * tokens' sessions go on; C_OpenSession on this slot waits */
	slot->init_busy = true;
	mcx_login_busy_begin_locked(slot, MCX_USER_NONE);
	rv = mcx_store_init_token(slot->store, pPin, ulPinLen, label);
	mcx_login_busy_end(slot);
	if (rv == CKR_OK) {
		/* every object is gone: forget the cached ones */
		mcx_object_forget_slot_locked(slot);
		slot->generation_valid = false;
	}
	mcx_audit_slot_locked(slot, MCX_USER_NONE, "C_InitToken",
			      CK_UNAVAILABLE_INFORMATION, NULL, rv);
	/* the next blank slot appears at once */
	(void)mcx_slot_scan_locked();
out:
	mcx_module_unlock();
	return rv;
}
