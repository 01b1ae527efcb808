/*
 * Make the provider tests' token (fixture.h) for the shell tests and print
 * the directory that holds it (mcxhsm.conf, tokens/, user.pin); the caller
 * removes it.
 */
#include <stdio.h>

#include "tests/provider/fixture.h"

int main(void)
{
	static struct mcxp_fixture fx; /* reachable: no leak report */
	mcxp_fixture_make(&fx);
	MCX_P11_CHECK(fx.p11.f->C_Finalize(NULL), CKR_OK);
	printf("%s\n", fx.p11.dir);
	return 0;
}
