#include "mechanisms/libctx.h"

#include <openssl/err.h>
#include <openssl/provider.h>
#include <pthread.h>

static pthread_mutex_t libctx_lock = PTHREAD_MUTEX_INITIALIZER;
static OSSL_LIB_CTX *libctx;
static OSSL_PROVIDER *default_provider;
/* mcx_libctx_atfree() callbacks */
static void (*atfree_fns[8])(void);
static size_t n_atfree;

OSSL_LIB_CTX *mcx_libctx(void)
{
	OSSL_LIB_CTX *ctx;

	pthread_mutex_lock(&libctx_lock);
	if (libctx == NULL) {
		ERR_set_mark();
		libctx = OSSL_LIB_CTX_new();
		if (libctx != NULL) {
			/* Only OpenSSL's own default provider: never a provider
			 * named in a config file, which could be ours. */
			default_provider =
			    OSSL_PROVIDER_load(libctx, "default");
			if (default_provider == NULL) {
				OSSL_LIB_CTX_free(libctx);
				libctx = NULL;
			}
		}
		ERR_pop_to_mark();
	}
	ctx = libctx;
	pthread_mutex_unlock(&libctx_lock);
	return ctx;
}

void mcx_libctx_atfree(void (*fn)(void))
{
	size_t i = 0;

	pthread_mutex_lock(&libctx_lock);
	for (i = 0; i < n_atfree && atfree_fns[i] != fn; i++)
		;
	if (i == n_atfree &&
	    n_atfree < sizeof(atfree_fns) / sizeof(*atfree_fns))
		atfree_fns[n_atfree++] = fn;
	pthread_mutex_unlock(&libctx_lock);
}

void mcx_libctx_free(void)
{
	pthread_mutex_lock(&libctx_lock);
	for (size_t i = 0; i < n_atfree; i++)
		atfree_fns[i]();
	if (default_provider != NULL)
		OSSL_PROVIDER_unload(default_provider);
	default_provider = NULL;
	OSSL_LIB_CTX_free(libctx);
	libctx = NULL;
	pthread_mutex_unlock(&libctx_lock);
}

void mcx_err_mark(void)
{
	ERR_set_mark();
}

void mcx_err_pop(void)
{
	ERR_pop_to_mark();
}
