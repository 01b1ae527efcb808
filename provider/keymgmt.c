/*
 * Key management "ECCSI" and "SAKKE" (provider-keymgmt(7)) for
 * CKK_MCX_ECCSI keys (a KMS public key, KPAK, RFC 6507 §4.2, or a user's
 * SSK + PVT, RFC 6507 §5.1.1) and CKK_MCX_SAKKE keys (a KMS public key,
 * Z_T, RFC 6508 §2.2, or a user's RSK, RFC 6508 §6.1.1) held in the token.
 * The two managers differ only in the key type they make, accept from the
 * store and name; the key object and its public parameters are in key.c.
 * There is no key generation here (user keys come from a KMS,
 * TS 33.180 §5.1).
 */
#include "config.h"

#include <string.h>

#include <openssl/core_names.h>

#include "provider/internal.h"

static void *km_eccsi_new(void *provctx)
{
	return mcx_key_new(provctx, CKK_MCX_ECCSI);
}

static void *km_sakke_new(void *provctx)
{
	return mcx_key_new(provctx, CKK_MCX_SAKKE);
}

static void km_free(void *key)
{
	mcx_key_free(key);
}

/* The store hands keys over by reference: a pointer to a key holding a
 * reference of its own, adopted here (store.c) if it has the key type of
 * the manager asked to load it. */
static void *km_load(const void *ref, size_t ref_size, CK_KEY_TYPE kt)
{
	struct mcx_key *k = NULL;
	if (ref == NULL || ref_size != sizeof(k))
		return NULL;
	memcpy(&k, ref, sizeof(k));
	if (k == NULL || k->key_type != kt)
		return NULL;
	return mcx_key_ref(k);
}

static void *km_eccsi_load(const void *ref, size_t ref_size)
{
	return km_load(ref, ref_size, CKK_MCX_ECCSI);
}

static void *km_sakke_load(const void *ref, size_t ref_size)
{
	return km_load(ref, ref_size, CKK_MCX_SAKKE);
}

static void *km_dup(const void *key, int selection)
{
	/* a key is immutable once made (the cached handle has its lock), so
	 * a copy of any selection is the key itself */
	return mcx_key_ref((struct mcx_key *)key);
}

static int km_has(const void *key, int selection)
{
	return mcx_key_has(key, selection);
}

static int km_match(const void *a, const void *b, int selection)
{
	return mcx_key_match(a, b, selection);
}

static int km_import(void *key, int selection, const OSSL_PARAM params[])
{
	return mcx_key_import(key, selection, params);
}

static const OSSL_PARAM *km_import_types(int selection)
{
	return mcx_key_import_types(selection);
}

static int km_export(void *key, int selection, OSSL_CALLBACK *cb, void *cbarg)
{
	return mcx_key_export(key, selection, cb, cbarg);
}

static const OSSL_PARAM *km_export_types(int selection)
{
	if (selection & OSSL_KEYMGMT_SELECT_PRIVATE_KEY)
		return NULL;
	return mcx_key_gettable_params();
}

static int km_get_params(void *key, OSSL_PARAM params[])
{
	return mcx_key_get_params(key, params);
}

static const OSSL_PARAM *km_gettable_params(void *provctx)
{
	return mcx_key_gettable_params();
}

static const char *km_eccsi_query_operation_name(int operation_id)
{
	return "ECCSI";
}

static const char *km_sakke_query_operation_name(int operation_id)
{
	return "SAKKE";
}

const OSSL_DISPATCH mcx_keymgmt_eccsi_functions[] = {
    {OSSL_FUNC_KEYMGMT_NEW, (void (*)(void))km_eccsi_new},
    {OSSL_FUNC_KEYMGMT_FREE, (void (*)(void))km_free},
    {OSSL_FUNC_KEYMGMT_LOAD, (void (*)(void))km_eccsi_load},
    {OSSL_FUNC_KEYMGMT_DUP, (void (*)(void))km_dup},
    {OSSL_FUNC_KEYMGMT_HAS, (void (*)(void))km_has},
    {OSSL_FUNC_KEYMGMT_MATCH, (void (*)(void))km_match},
    {OSSL_FUNC_KEYMGMT_IMPORT, (void (*)(void))km_import},
    {OSSL_FUNC_KEYMGMT_IMPORT_TYPES, (void (*)(void))km_import_types},
    {OSSL_FUNC_KEYMGMT_EXPORT, (void (*)(void))km_export},
    {OSSL_FUNC_KEYMGMT_EXPORT_TYPES, (void (*)(void))km_export_types},
    {OSSL_FUNC_KEYMGMT_GET_PARAMS, (void (*)(void))km_get_params},
    {OSSL_FUNC_KEYMGMT_GETTABLE_PARAMS, (void (*)(void))km_gettable_params},
    {OSSL_FUNC_KEYMGMT_QUERY_OPERATION_NAME,
     (void (*)(void))km_eccsi_query_operation_name},
    {0, NULL},
};

const OSSL_DISPATCH mcx_keymgmt_sakke_functions[] = {
    {OSSL_FUNC_KEYMGMT_NEW, (void (*)(void))km_sakke_new},
    {OSSL_FUNC_KEYMGMT_FREE, (void (*)(void))km_free},
    {OSSL_FUNC_KEYMGMT_LOAD, (void (*)(void))km_sakke_load},
    {OSSL_FUNC_KEYMGMT_DUP, (void (*)(void))km_dup},
    {OSSL_FUNC_KEYMGMT_HAS, (void (*)(void))km_has},
    {OSSL_FUNC_KEYMGMT_MATCH, (void (*)(void))km_match},
    {OSSL_FUNC_KEYMGMT_IMPORT, (void (*)(void))km_import},
    {OSSL_FUNC_KEYMGMT_IMPORT_TYPES, (void (*)(void))km_import_types},
    {OSSL_FUNC_KEYMGMT_EXPORT, (void (*)(void))km_export},
    {OSSL_FUNC_KEYMGMT_EXPORT_TYPES, (void (*)(void))km_export_types},
    {OSSL_FUNC_KEYMGMT_GET_PARAMS, (void (*)(void))km_get_params},
    {OSSL_FUNC_KEYMGMT_GETTABLE_PARAMS, (void (*)(void))km_gettable_params},
    {OSSL_FUNC_KEYMGMT_QUERY_OPERATION_NAME,
     (void (*)(void))km_sakke_query_operation_name},
    {0, NULL},
};
