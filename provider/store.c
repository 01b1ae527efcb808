/*
 * OSSL_STORE loader for RFC 7512 "pkcs11:" URIs (provider-storemgmt(7)).
 * It finds the ECCSI and SAKKE key objects a URI names (token, manufacturer,
 * model, serial, slot-id, object = CKA_LABEL, id = CKA_ID, type) and hands
 * each over by reference (OSSL_OBJECT_PARAM_REFERENCE: a pointer to our
 * key, adopted by the key manager's load()), never by value.
 *
 * Login: the URI's pin-value or pin-source, else the provider's configured
 * pin-source, else the caller's passphrase callback; without a PIN only
 * public objects are found.  The loader is registered with the property
 * "provider=mcxhsm", so that `-propquery provider=mcxhsm` (or
 * OSSL_STORE_open_ex(..., "provider=mcxhsm", ...)) picks it when
 * pkcs11-provider, which registers the same scheme, is loaded too.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/core_object.h>
#include <openssl/crypto.h>
#include <openssl/params.h>
#include <openssl/store.h>

#include "provider/internal.h"

#define MAX_SLOTS 16

struct storectx {
	struct mcx_prov *prov;
	struct mcx_uri uri;
	int expect; /* OSSL_STORE_INFO_* or 0 */
	struct mcx_key **keys;
	size_t n, next;
	bool searched;
};

static void *st_open(void *provctx, const char *uri)
{
	struct mcx_prov *prov = provctx;
	struct storectx *c = calloc(1, sizeof(*c));
	if (c == NULL)
		return NULL;
	c->prov = prov;
	if (mcx_uri_parse(uri, &c->uri) != CKR_OK) {
		MCX_RAISE(prov, MCX_R_BAD_URI, "%s", uri);
		free(c);
		return NULL;
	}
	return c;
}

static int st_close(void *vctx)
{
	struct storectx *c = vctx;
	if (c == NULL)
		return 1;
	for (size_t i = c->next; i < c->n; i++)
		mcx_key_free(c->keys[i]);
	free(c->keys);
	mcx_uri_clear(&c->uri);
	free(c);
	return 1;
}

static int st_set_ctx_params(void *vctx, const OSSL_PARAM params[])
{
	struct storectx *c = vctx;
	const OSSL_PARAM *p =
	    params ? OSSL_PARAM_locate_const(params, OSSL_STORE_PARAM_EXPECT)
		   : NULL;
	if (p != NULL && !OSSL_PARAM_get_int(p, &c->expect))
		return 0;
	return 1;
}

static const OSSL_PARAM settable[] = {
    OSSL_PARAM_int(OSSL_STORE_PARAM_EXPECT, NULL),
    OSSL_PARAM_END,
};

static const OSSL_PARAM *st_settable_ctx_params(void *provctx)
{
	return settable;
}

/* A blank-padded CK_UTF8CHAR field equals s. */
static bool field_is(const CK_UTF8CHAR *field, size_t size, const char *s)
{
	size_t n = size;
	while (n > 0 && field[n - 1] == ' ')
		n--;
	return s == NULL || (strlen(s) == n && memcmp(field, s, n) == 0);
}

static CK_RV add_key(struct storectx *c, struct mcx_key *k)
{
	struct mcx_key **v = realloc(c->keys, (c->n + 1) * sizeof(*v));
	if (v == NULL) {
		mcx_key_free(k);
		return CKR_HOST_MEMORY;
	}
	c->keys = v;
	c->keys[c->n++] = k;
	return CKR_OK;
}

static CK_RV find_class(struct storectx *c, CK_FUNCTION_LIST *f,
			CK_SESSION_HANDLE s, CK_SLOT_ID slot, const char *token,
			CK_OBJECT_CLASS cls)
{
	CK_ATTRIBUTE t[3];
	CK_ULONG nt = 0, got = 0;
	CK_OBJECT_HANDLE h[64];
	t[nt++] = (CK_ATTRIBUTE){CKA_CLASS, &cls, sizeof(cls)};
	if (c->uri.object != NULL)
		t[nt++] = (CK_ATTRIBUTE){CKA_LABEL, c->uri.object,
					 strlen(c->uri.object)};
	if (c->uri.has_id)
		t[nt++] = (CK_ATTRIBUTE){CKA_ID, c->uri.id, c->uri.id_len};
	CK_RV rv = f->C_FindObjectsInit(s, t, nt);
	if (rv != CKR_OK)
		return rv;
	do {
		rv = f->C_FindObjects(s, h, 64, &got);
		for (CK_ULONG i = 0; rv == CKR_OK && i < got; i++) {
			struct mcx_key *k = NULL;
			/* other key types are not ours to load */
			if (mcx_key_from_object(c->prov, f, s, slot, token,
						h[i], &k) != CKR_OK)
				continue;
			rv = add_key(c, k);
		}
	} while (rv == CKR_OK && got == 64);
	f->C_FindObjectsFinal(s);
	return rv;
}

/* The PIN for slot from the URI or, failing that, the caller. */
static CK_RV login(struct storectx *c, CK_SLOT_ID slot, const char *token,
		   OSSL_PASSPHRASE_CALLBACK *pw_cb, void *pw_cbarg)
{
	char pin[256];
	size_t len = 0;
	CK_RV rv = CKR_OK;
	if (c->uri.pin_value != NULL)
		return mcx_p11_login(c->prov->p11, slot, c->uri.pin_value,
				     c->uri.pin_value_len);
	if (c->uri.pin_source != NULL) {
		rv = mcx_p11_read_pin_source(c->uri.pin_source, pin,
					     sizeof(pin), &len);
		if (rv == CKR_OK)
			rv = mcx_p11_login(c->prov->p11, slot, pin, len);
		OPENSSL_cleanse(pin, sizeof(pin));
		return rv;
	}
	if (mcx_p11_has_pin(c->prov->p11, slot))
		return mcx_p11_login(c->prov->p11, slot, NULL, 0);
	if (pw_cb == NULL || c->expect == OSSL_STORE_INFO_PUBKEY ||
	    (c->uri.has_type && c->uri.type != CKO_PRIVATE_KEY))
		return rv;
	/* no configured PIN: ask the application (a public-only search
	 * when it has none) */
	OSSL_PARAM info[] = {
	    OSSL_PARAM_utf8_string(OSSL_PASSPHRASE_PARAM_INFO, (char *)token,
				   0),
	    OSSL_PARAM_END,
	};
	info[0].data_size = strlen(token);
	if (pw_cb(pin, sizeof(pin) - 1, &len, info, pw_cbarg) && len > 0)
		rv = mcx_p11_login(c->prov->p11, slot, pin, len);
	OPENSSL_cleanse(pin, sizeof(pin));
	return rv;
}

static CK_RV search(struct storectx *c, OSSL_PASSPHRASE_CALLBACK *pw_cb,
		    void *pw_cbarg)
{
	CK_FUNCTION_LIST *f = NULL;
	CK_SLOT_ID slots[MAX_SLOTS];
	CK_ULONG ns = MAX_SLOTS;
	CK_RV rv = mcx_p11_get(c->prov->p11, &f, NULL);
	if (rv != CKR_OK) {
		MCX_RAISE(c->prov, MCX_R_NO_MODULE, "C_Initialize: %s",
			  mcx_err_ckr_name(rv) ? mcx_err_ckr_name(rv) : "?");
		return rv;
	}
	rv = f->C_GetSlotList(CK_TRUE, slots, &ns);
	if (rv != CKR_OK)
		return MCX_CKR(c->prov, "C_GetSlotList", rv);
	bool pub = c->expect == 0 || c->expect == OSSL_STORE_INFO_PUBKEY;
	bool priv = c->expect == 0 || c->expect == OSSL_STORE_INFO_PKEY;
	if (c->uri.has_type) {
		pub = pub && c->uri.type == CKO_PUBLIC_KEY;
		priv = priv && c->uri.type == CKO_PRIVATE_KEY;
	}
	for (CK_ULONG i = 0; i < ns && rv == CKR_OK; i++) {
		CK_TOKEN_INFO ti;
		char label[sizeof(ti.label) + 1];
		CK_SESSION_HANDLE s = CK_INVALID_HANDLE;
		if (c->uri.has_slot_id && c->uri.slot_id != slots[i])
			continue;
		if (f->C_GetTokenInfo(slots[i], &ti) != CKR_OK ||
		    !(ti.flags & CKF_TOKEN_INITIALIZED) ||
		    !field_is(ti.label, sizeof(ti.label), c->uri.token) ||
		    !field_is(ti.manufacturerID, sizeof(ti.manufacturerID),
			      c->uri.manufacturer) ||
		    !field_is(ti.model, sizeof(ti.model), c->uri.model) ||
		    !field_is(ti.serialNumber, sizeof(ti.serialNumber),
			      c->uri.serial))
			continue;
		size_t ll = sizeof(ti.label);
		while (ll > 0 && ti.label[ll - 1] == ' ')
			ll--;
		memcpy(label, ti.label, ll);
		label[ll] = '\0';
		if (priv) {
			rv = login(c, slots[i], label, pw_cb, pw_cbarg);
			if (rv != CKR_OK)
				return MCX_CKR(c->prov, "C_Login", rv);
		}
		rv = mcx_p11_session_get(c->prov->p11, slots[i], &s);
		if (rv != CKR_OK)
			return MCX_CKR(c->prov, "C_OpenSession", rv);
		if (priv)
			rv = find_class(c, f, s, slots[i], label,
					CKO_PRIVATE_KEY);
		if (rv == CKR_OK && pub)
			rv = find_class(c, f, s, slots[i], label,
					CKO_PUBLIC_KEY);
		mcx_p11_session_put(c->prov->p11, slots[i], s, rv);
		if (rv != CKR_OK)
			return MCX_CKR(c->prov, "C_FindObjects", rv);
	}
	return rv;
}

static int st_load(void *vctx, OSSL_CALLBACK *object_cb, void *object_cbarg,
		   OSSL_PASSPHRASE_CALLBACK *pw_cb, void *pw_cbarg)
{
	struct storectx *c = vctx;
	if (!c->searched) {
		c->searched = true;
		if (search(c, pw_cb, pw_cbarg) != CKR_OK)
			return 0;
	}
	if (c->next >= c->n)
		return 0;
	struct mcx_key *k = c->keys[c->next++];
	int type = OSSL_OBJECT_PKEY;
	const char *dt = k->key_type == CKK_MCX_ECCSI ? "ECCSI" : "SAKKE";
	OSSL_PARAM p[5];
	size_t n = 0;
	p[n++] = OSSL_PARAM_construct_int(OSSL_OBJECT_PARAM_TYPE, &type);
	p[n++] = OSSL_PARAM_construct_utf8_string(OSSL_OBJECT_PARAM_DATA_TYPE,
						  (char *)dt, 0);
	p[n++] = OSSL_PARAM_construct_octet_string(OSSL_OBJECT_PARAM_REFERENCE,
						   &k, sizeof(k));
	if (k->label != NULL && k->label[0] != '\0')
		p[n++] = OSSL_PARAM_construct_utf8_string(
		    OSSL_OBJECT_PARAM_DESC, k->label, 0);
	p[n] = OSSL_PARAM_construct_end();
	int ok = object_cb(p, object_cbarg);
	/* the key manager took its own reference */
	mcx_key_free(k);
	return ok;
}

static int st_eof(void *vctx)
{
	struct storectx *c = vctx;
	return c->searched && c->next >= c->n;
}

const OSSL_DISPATCH mcx_store_functions[] = {
    {OSSL_FUNC_STORE_OPEN, (void (*)(void))st_open},
    {OSSL_FUNC_STORE_SETTABLE_CTX_PARAMS,
     (void (*)(void))st_settable_ctx_params},
    {OSSL_FUNC_STORE_SET_CTX_PARAMS, (void (*)(void))st_set_ctx_params},
    {OSSL_FUNC_STORE_LOAD, (void (*)(void))st_load},
    {OSSL_FUNC_STORE_EOF, (void (*)(void))st_eof},
    {OSSL_FUNC_STORE_CLOSE, (void (*)(void))st_close},
    {0, NULL},
};
