/*
 * RAND_bytes_ex on mcx_libctx(): the private context's own DRBG chain,
 * seeded from the OS, never an application-installed RAND method.
 */
#include "mechanisms/random.h"

#include <openssl/rand.h>

#include "common/wipe.h"
#include "mechanisms/libctx.h"

enum mcx_mech_err mcx_random_bytes(uint8_t *out, size_t len)
{
	enum mcx_mech_err err = MCX_ERR_RANDOM;
	OSSL_LIB_CTX *libctx = NULL;

	if (out == NULL && len > 0)
		return MCX_ERR_ARGUMENT;
	if (len == 0)
		return MCX_OK;
	mcx_err_mark();
	libctx = mcx_libctx();
	if (libctx == NULL)
		goto out;
	if (RAND_bytes_ex(libctx, out, len, 0) != 1) {
		/* Never hand back a partly filled buffer as random. */
		mcx_wipe(out, len);
		goto out;
	}
	err = MCX_OK;
out:
	mcx_err_pop();
	return err;
}
