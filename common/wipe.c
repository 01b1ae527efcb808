#include "common/wipe.h"

#include <openssl/crypto.h>
#include <stdlib.h>

void mcx_wipe(void *p, size_t len)
{
	if (p != NULL && len > 0)
		OPENSSL_cleanse(p, len);
}

void mcx_wipe_free(void *p, size_t len)
{
	if (p == NULL)
		return;
	mcx_wipe(p, len);
	free(p);
}
