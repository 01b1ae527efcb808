/*
 * LD_PRELOADed into programs that load our provider under ASan (as
 * latchset/pkcs11-provider's tests/fake_dlclose.c does): a dlclose() that
 * keeps the library mapped, so that leak reports at exit can still name
 * the provider's and the module's functions.
 */
int dlclose(void *handle);

int dlclose(void *handle)
{
	(void)handle;
	return 0;
}
