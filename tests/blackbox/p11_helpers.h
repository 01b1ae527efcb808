/*
 * Helpers for black-box C tests of the built module: dlopen
 * $MCXHSM_MODULE, take its 3.0 interface through C_GetInterface, give it a
 * private temporary token directory through an MCXHSM_CONF file, initialise
 * a token and log in.  Shared by every tests/blackbox suite.
 */
#ifndef MCX_TESTS_BLACKBOX_P11_HELPERS_H
#define MCX_TESTS_BLACKBOX_P11_HELPERS_H

#include <mcxhsm/pkcs11-mcx.h>
#include <mcxhsm/pkcs11.h>

struct mcx_p11 {
	void *dl;
	CK_FUNCTION_LIST_3_0 *f3; /* the "PKCS 11" 3.0 interface (ours) */
	CK_FUNCTION_LIST *f;	  /* the same table, 2.40 view */
	char dir[256];		  /* temporary directory (conf + tokens) */
	CK_SLOT_ID slot;	  /* the token made by mcx_p11_init_token */
};

/* dlopen the module named by $MCXHSM_MODULE, write <tmp>/mcxhsm.conf with
 * token_dir = <tmp>/tokens, set MCXHSM_CONF, C_Initialize (OS locking).
 * Exits 77 (skip) when MCXHSM_MODULE is unset; aborts on any failure. */
void mcx_p11_open(struct mcx_p11 *p);

/* The same for SoftHSMv2 ($P11_SOFTHSM_MODULE, default
 * MCX_P11_SOFTHSM_MODULE) with its own temporary SOFTHSM2_CONF token
 * directory, through C_GetFunctionList (SoftHSMv2 2.6 is a 2.40 module).
 * Exits 77 when SoftHSMv2 is not installed.  The comparison point of the
 * benchmarks. */
#define MCX_P11_SOFTHSM_MODULE "/usr/lib/softhsm/libsofthsm2.so"
void mcx_p11_open_softhsm(struct mcx_p11 *p);

/* C_InitToken on the empty slot with label and so_pin, then C_InitPIN of
 * user_pin as SO; p->slot is the new token's slot (found by label). */
void mcx_p11_init_token(struct mcx_p11 *p, const char *label,
			const char *so_pin, const char *user_pin);
/* The same, calling as_so(p, so_session, arg) while the SO is logged in
 * (objects only the SO may make, e.g. CKA_TRUSTED keys), which saves the
 * tests a slow PIN derivation for a second SO login. */
void mcx_p11_init_token_as_so(struct mcx_p11 *p, const char *label,
			      const char *so_pin, const char *user_pin,
			      void (*as_so)(struct mcx_p11 *p,
					    CK_SESSION_HANDLE so, void *arg),
			      void *arg);

/* Open an R/W session on p->slot and, if pin is not NULL, log in as
 * user_type with it. */
CK_SESSION_HANDLE mcx_p11_session(struct mcx_p11 *p, CK_USER_TYPE user_type,
				  const char *pin);

/* C_Finalize, dlclose, remove the temporary directory. */
void mcx_p11_close(struct mcx_p11 *p);

/* Abort with a message naming the call when rv != expected. */
#define MCX_P11_CHECK(call, expected)                                          \
	mcx_p11_check((call), (expected), #call, __FILE__, __LINE__)
void mcx_p11_check(CK_RV rv, CK_RV expected, const char *what, const char *file,
		   int line);

#endif /* MCX_TESTS_BLACKBOX_P11_HELPERS_H */
