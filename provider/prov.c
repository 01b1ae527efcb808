/*
 * The provider's entry point (provider-base(7)): configuration, algorithm
 * tables and the dispatch OpenSSL calls.
 *
 * Configuration: the provider section of openssl.cnf, overridden by the
 * environment (tests, one-off runs):
 *   pkcs11-module-path  MCXHSM_PROVIDER_MODULE  PKCS#11 module (default:
 *                                               ours, as installed)
 *   pin-source   MCXHSM_PROVIDER_PIN_SOURCE  "file:PATH" with the user PIN
 *   debug        MCXHSM_PROVIDER_DEBUG       log file path, or "stderr"
 * ("module" itself is OpenSSL's key for the provider's own path.)
 *
 * Algorithms are advertised only when a token lists their mechanism
 * (C_GetMechanismList): ECCSI signature + key management for
 * CKM_MCX_ECCSI, SAKKE KEM + key management for CKM_MCX_SAKKE.  The store
 * loader for the "pkcs11" scheme is always there.  Every algorithm carries
 * the property "provider=mcxhsm".
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/params.h>

#include "provider/internal.h"

#ifndef MCX_PROV_DEFAULT_MODULE
#define MCX_PROV_DEFAULT_MODULE "libmcxhsm.so"
#endif

#define TEXT_PROPS MCX_PROV_PROPS ",output=text"

struct prov_tables {
	OSSL_ALGORITHM keymgmt[3];
	OSSL_ALGORITHM signature[2];
	OSSL_ALGORITHM kem[2];
	OSSL_ALGORITHM encoder[3];
	bool built;
};

struct prov_state {
	struct mcx_prov prov; /* first: the provctx handed to OpenSSL */
	struct prov_tables t;
	pthread_mutex_t lock;
};

static const OSSL_ALGORITHM store[] = {
    {"pkcs11", MCX_PROV_PROPS, mcx_store_functions,
     "RFC 7512 pkcs11: URIs (mcxhsm ECCSI and SAKKE keys)"},
    {NULL, NULL, NULL, NULL},
};

static const OSSL_PARAM gettable[] = {
    OSSL_PARAM_DEFN(OSSL_PROV_PARAM_NAME, OSSL_PARAM_UTF8_PTR, NULL, 0),
    OSSL_PARAM_DEFN(OSSL_PROV_PARAM_VERSION, OSSL_PARAM_UTF8_PTR, NULL, 0),
    OSSL_PARAM_DEFN(OSSL_PROV_PARAM_BUILDINFO, OSSL_PARAM_UTF8_PTR, NULL, 0),
    OSSL_PARAM_DEFN(OSSL_PROV_PARAM_STATUS, OSSL_PARAM_INTEGER, NULL, 0),
    OSSL_PARAM_END,
};

static const OSSL_PARAM *prov_gettable_params(void *provctx)
{
	return gettable;
}

static int prov_get_params(void *provctx, OSSL_PARAM params[])
{
	OSSL_PARAM *p = OSSL_PARAM_locate(params, OSSL_PROV_PARAM_NAME);
	if (p != NULL &&
	    !OSSL_PARAM_set_utf8_ptr(p, "mcxhsm MCX (TS 33.180) provider"))
		return 0;
	p = OSSL_PARAM_locate(params, OSSL_PROV_PARAM_VERSION);
	if (p != NULL && !OSSL_PARAM_set_utf8_ptr(p, PACKAGE_VERSION))
		return 0;
	p = OSSL_PARAM_locate(params, OSSL_PROV_PARAM_BUILDINFO);
	if (p != NULL && !OSSL_PARAM_set_utf8_ptr(p, PACKAGE_STRING))
		return 0;
	p = OSSL_PARAM_locate(params, OSSL_PROV_PARAM_STATUS);
	if (p != NULL && !OSSL_PARAM_set_int(p, 1))
		return 0;
	return 1;
}

/* Build the tables from the token's mechanisms; false while the module
 * cannot be loaded (OpenSSL asks again: no_cache). */
static bool build_tables(struct prov_state *st)
{
	struct prov_tables *t = &st->t;
	bool ok = true;
	pthread_mutex_lock(&st->lock);
	if (!t->built) {
		CK_FUNCTION_LIST *f = NULL;
		if (mcx_p11_get(st->prov.p11, &f, NULL) != CKR_OK) {
			ok = false;
		} else {
			size_t nk = 0, ns = 0, nm = 0, ne = 0;
			memset(t, 0, sizeof(*t));
			if (mcx_p11_has_mechanism(st->prov.p11,
						  CKM_MCX_ECCSI)) {
				t->keymgmt[nk++] = (OSSL_ALGORITHM){
				    "ECCSI", MCX_PROV_PROPS,
				    mcx_keymgmt_eccsi_functions,
				    "ECCSI keys (RFC 6507) in the token"};
				t->signature[ns++] = (OSSL_ALGORITHM){
				    "ECCSI", MCX_PROV_PROPS,
				    mcx_sig_eccsi_functions,
				    "ECCSI signatures (RFC 6507) in the token"};
				t->encoder[ne++] =
				    (OSSL_ALGORITHM){"ECCSI", TEXT_PROPS,
						     mcx_encode_text_functions,
						     "ECCSI key as text"};
			}
			if (mcx_p11_has_mechanism(st->prov.p11,
						  CKM_MCX_SAKKE)) {
				t->keymgmt[nk++] = (OSSL_ALGORITHM){
				    "SAKKE", MCX_PROV_PROPS,
				    mcx_keymgmt_sakke_functions,
				    "SAKKE keys (RFC 6508) in the token"};
				t->kem[nm++] = (OSSL_ALGORITHM){
				    "SAKKE", MCX_PROV_PROPS,
				    mcx_kem_sakke_functions,
				    "SAKKE (RFC 6508/6509) in the token"};
				t->encoder[ne++] =
				    (OSSL_ALGORITHM){"SAKKE", TEXT_PROPS,
						     mcx_encode_text_functions,
						     "SAKKE key as text"};
			}
			t->built = true;
		}
	}
	pthread_mutex_unlock(&st->lock);
	return ok;
}

static const OSSL_ALGORITHM *prov_query(void *provctx, int op, int *no_cache)
{
	struct prov_state *st = provctx;
	*no_cache = 0;
	if (op == OSSL_OP_STORE)
		return store;
	if (op != OSSL_OP_KEYMGMT && op != OSSL_OP_SIGNATURE &&
	    op != OSSL_OP_KEM && op != OSSL_OP_ENCODER)
		return NULL;
	if (!build_tables(st)) {
		*no_cache = 1;
		return NULL;
	}
	const OSSL_ALGORITHM *a = op == OSSL_OP_KEYMGMT	    ? st->t.keymgmt
				  : op == OSSL_OP_SIGNATURE ? st->t.signature
				  : op == OSSL_OP_KEM	    ? st->t.kem
							    : st->t.encoder;
	return a[0].algorithm_names != NULL ? a : NULL;
}

static const OSSL_ITEM *prov_reason_strings(void *provctx)
{
	return mcx_err_reason_strings();
}

static void prov_teardown(void *provctx)
{
	struct prov_state *st = provctx;
	if (st == NULL)
		return;
	mcx_p11_free(st->prov.p11);
	pthread_mutex_destroy(&st->lock);
	free(st);
}

static const OSSL_DISPATCH prov_functions[] = {
    {OSSL_FUNC_PROVIDER_TEARDOWN, (void (*)(void))prov_teardown},
    {OSSL_FUNC_PROVIDER_GETTABLE_PARAMS, (void (*)(void))prov_gettable_params},
    {OSSL_FUNC_PROVIDER_GET_PARAMS, (void (*)(void))prov_get_params},
    {OSSL_FUNC_PROVIDER_QUERY_OPERATION, (void (*)(void))prov_query},
    {OSSL_FUNC_PROVIDER_GET_REASON_STRINGS,
     (void (*)(void))prov_reason_strings},
    {0, NULL},
};

/* env wins over openssl.cnf; NULL when neither says */
static const char *setting(const char *env, const char *conf)
{
	const char *e = getenv(env);
	if (e != NULL && e[0] != '\0')
		return e;
	return conf != NULL && conf[0] != '\0' ? conf : NULL;
}

int OSSL_provider_init(const OSSL_CORE_HANDLE *handle, const OSSL_DISPATCH *in,
		       const OSSL_DISPATCH **out, void **provctx)
{
	OSSL_FUNC_core_get_params_fn *get_params = NULL;
	char *module = NULL, *pin_source = NULL, *debug = NULL;
	struct prov_state *st = calloc(1, sizeof(*st));
	if (st == NULL)
		return 0;
	pthread_mutex_init(&st->lock, NULL);
	st->prov.handle = handle;
	for (; in != NULL && in->function_id != 0; in++) {
		switch (in->function_id) {
		case OSSL_FUNC_CORE_GET_PARAMS:
			get_params = OSSL_FUNC_core_get_params(in);
			break;
		case OSSL_FUNC_CORE_NEW_ERROR:
			st->prov.new_error = OSSL_FUNC_core_new_error(in);
			break;
		case OSSL_FUNC_CORE_SET_ERROR_DEBUG:
			st->prov.set_error_debug =
			    OSSL_FUNC_core_set_error_debug(in);
			break;
		case OSSL_FUNC_CORE_VSET_ERROR:
			st->prov.vset_error = OSSL_FUNC_core_vset_error(in);
			break;
		case OSSL_FUNC_BIO_WRITE_EX:
			st->prov.bio_write = OSSL_FUNC_BIO_write_ex(in);
			break;
		default:
			break;
		}
	}
	if (get_params != NULL) {
		OSSL_PARAM p[] = {
		    OSSL_PARAM_utf8_ptr("pkcs11-module-path", &module, 0),
		    OSSL_PARAM_utf8_ptr("pin-source", &pin_source, 0),
		    OSSL_PARAM_utf8_ptr("debug", &debug, 0),
		    OSSL_PARAM_END,
		};
		(void)get_params(handle, p);
	}
	const char *m = setting("MCXHSM_PROVIDER_MODULE", module);
	st->prov.p11 =
	    mcx_p11_new(m ? m : MCX_PROV_DEFAULT_MODULE,
			setting("MCXHSM_PROVIDER_PIN_SOURCE", pin_source),
			setting("MCXHSM_PROVIDER_DEBUG", debug));
	if (st->prov.p11 == NULL) {
		prov_teardown(st);
		return 0;
	}
	mcx_p11_debug(st->prov.p11, "provider loaded, module %s",
		      m ? m : MCX_PROV_DEFAULT_MODULE);
	*out = prov_functions;
	*provctx = st;
	return 1;
}
