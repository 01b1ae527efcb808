/*
 * The token the provider tests and bench work with: a fresh token
 * "mcx-prov" (tests/blackbox/p11_helpers.h) holding the Streamwide v5 KMS
 * certificates and user key sets (tests/vectors/mikey_streamwide_v5.json)
 * as labelled token objects:
 *   kms-sakke, kms-eccsi     the KMS's Z_T and KPAK (public)
 *   gms-eccsi, alice-eccsi   SSK + PVT (private)
 *   alice-sakke              Alice's RSK, CKA_MCX_ALLOW_SSV_EXPORT true
 *   bob-sakke                Bob's RSK, default policy (SSV stays inside)
 * and the user PIN in <dir>/user.pin (for pin-source=file:...).
 */
#ifndef MCX_TESTS_PROVIDER_FIXTURE_H
#define MCX_TESTS_PROVIDER_FIXTURE_H

#include <stdbool.h>

#include "tests/blackbox/mcx_streamwide.h"
#include "tests/blackbox/p11_helpers.h"

#define MCXP_TOKEN    "mcx-prov"
#define MCXP_SO_PIN   "so-secret-7"
#define MCXP_USER_PIN "user-secret-7"

struct mcxp_fixture {
	struct mcx_p11 p11;
	struct mcx_sw sw;
	struct mcx_sw_user gms, alice, bob;
	CK_OBJECT_HANDLE zt, kpak, gms_ssk, alice_ssk, alice_rsk, bob_rsk;
	char pin_file[300];
	struct ossl_provider_st *prov, *deflt;
};

/* Make the token (module loaded, initialised and left so: the provider
 * shares it when loaded into the same process).  No session stays open:
 * nobody is logged in afterwards. */
void mcxp_fixture_make(struct mcxp_fixture *fx);

/* A logged-in R/W session of the test itself. */
CK_SESSION_HANDLE mcxp_fixture_session(struct mcxp_fixture *fx);

/* Point the provider at the built module and the PIN file (environment,
 * see provider/prov.c) and load it with "default" into a new library
 * context; NULL (and a message) on failure. */
struct ossl_lib_ctx_st *mcxp_provider_libctx(struct mcxp_fixture *fx);
/* Unload both providers and free the context. */
void mcxp_provider_libctx_free(struct mcxp_fixture *fx,
			       struct ossl_lib_ctx_st *ctx);

#endif /* MCX_TESTS_PROVIDER_FIXTURE_H */
