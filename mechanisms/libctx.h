/*
 * The module's private OpenSSL library context.  Every libcrypto call in
 * mechanisms/ and token/ fetches algorithms from this context, never from
 * the default one, so that an application that also loads our OpenSSL
 * provider (or pkcs11-provider) cannot make the module call back into
 * itself through the default context.
 */
#ifndef MCX_MECHANISMS_LIBCTX_H
#define MCX_MECHANISMS_LIBCTX_H

#include <openssl/types.h>

/* The context, created on first use (thread-safe); NULL only if libcrypto
 * could not create it or load its default provider. */
OSSL_LIB_CTX *mcx_libctx(void);

/* Free the context (C_Finalize); a later mcx_libctx() makes a new one. */
void mcx_libctx_free(void);

/* Register fn to be called by mcx_libctx_free() before the context goes:
 * caches of algorithms fetched from it (mechanisms/aes.c) drop them there.
 * Registering the same fn again is a no-op; at most 8 functions.  fn runs
 * with the context's lock held and must not call mcx_libctx(). */
void mcx_libctx_atfree(void (*fn)(void));

/* Bracket libcrypto calls so that errors they leave behind do not leak into
 * the application's error queue:
 *     mcx_err_mark(); ... libcrypto ...; mcx_err_pop();   */
void mcx_err_mark(void);
void mcx_err_pop(void);

#endif /* MCX_MECHANISMS_LIBCTX_H */
