/*
 * Shared by the CKM_MCX_MIKEY_SAKKE send suites and the send benchmark
 * (tests/blackbox/test_mcx_mikey_send*.c, tests/bench/bench_mcx_mikey.c): a
 * token holding the Streamwide v5 KMS (Z_T, KPAK) and the GMS / Alice / Bob
 * key sets, a C_WrapKey wrapper, and the pure receiver's checks of a
 * message (mechanisms/mikey.h) with the published keys.
 */
#ifndef MCX_TESTS_BLACKBOX_TEST_MCX_MIKEY_SEND_COMMON_H
#define MCX_TESTS_BLACKBOX_TEST_MCX_MIKEY_SEND_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mechanisms/mikey.h"
#include "tests/blackbox/mcx_streamwide.h"
#include "tests/blackbox/p11_helpers.h"

#define MS_SO_PIN   "so-secret-1"
#define MS_USER_PIN "user-secret-1"
#define MS_GMS	    0
#define MS_ALICE    1
#define MS_BOB	    2
/* The T of the Streamwide messages (NTP 0xEC898DA8), Unix seconds: inside
 * key period 236 of the Streamwide KMS, the published users' period. */
#define MS_SW_TIME (0xEC898DA8UL - 2208988800UL)

struct ms_token {
	struct mcx_p11 p11;
	CK_SESSION_HANDLE sess;
	struct mcx_sw sw;
	struct mcx_sw_user users[3];
	CK_OBJECT_HANDLE zt, kpak;
	CK_OBJECT_HANDLE ssk[3], rsk[3]; /* GMS, Alice, Bob */
};

/* dlopen the module (exit 77 without MCXHSM_MODULE), make a token, log in,
 * create the KMS public keys and every user's SSK and, with rsks, RSK as
 * token objects (an RSK's validation is a pairing: senders do without). */
void ms_token_open(struct ms_token *t, const char *label, bool rsks);
void ms_token_close(struct ms_token *t);

/* C_GenerateKey CKM_MCX_KEY_GEN: an extractable session key of purpose. */
CK_OBJECT_HANDLE ms_gen_key(struct ms_token *t, CK_SESSION_HANDLE s,
			    CK_ULONG purpose);

/* Default send parameters to uri: receiver KMS = the Streamwide Z_T, key
 * period from ulTime = MS_SW_TIME, no flags. */
void ms_params(const struct ms_token *t, CK_MCX_MIKEY_SEND_PARAMS *p,
	       const char *uri);

/* C_WrapKey(CKM_MCX_MIKEY_SAKKE): size query, then the message into a new
 * buffer (*msg, free it) of exactly that size.  The CKR of the first call
 * that fails, or CKR_OK. */
CK_RV ms_send(CK_FUNCTION_LIST *f, CK_SESSION_HANDLE s, CK_OBJECT_HANDLE ssk,
	      CK_OBJECT_HANDLE key, const CK_MCX_MIKEY_SEND_PARAMS *p,
	      uint8_t **msg, size_t *len);

/* Decode msg and verify its ECCSI signature with the Streamwide KPAK for
 * signer_uid: MCX_OK or the first error. */
enum mcx_mech_err ms_verify(const struct ms_token *t, const uint8_t *msg,
			    size_t len, const uint8_t *signer_uid,
			    struct mcx_mikey_msg *m);

/* The pure receiver (mcx_mikey_receive) as user rx with its published
 * keys, for a message signed by the identity signer_uid. */
enum mcx_mech_err ms_receive(const struct ms_token *t, const uint8_t *msg,
			     size_t len, int rx, const uint8_t *signer_uid,
			     struct mcx_mikey_msg *m,
			     struct mcx_mikey_received *out);

/* CKA_MCX_KEY_ID as a 32-bit value; CKA_CHECK_VALUE. */
uint32_t ms_key_id(CK_FUNCTION_LIST *f, CK_SESSION_HANDLE s,
		   CK_OBJECT_HANDLE h);
void ms_check_value(CK_FUNCTION_LIST *f, CK_SESSION_HANDLE s,
		    CK_OBJECT_HANDLE h, uint8_t cv[3]);
/* The AES rule of PRODUCT.md: AES-128-ECB(key, 0^16)[0..2]. */
void ms_aes_check_value(const uint8_t key[16], uint8_t cv[3]);

#endif /* MCX_TESTS_BLACKBOX_TEST_MCX_MIKEY_SEND_COMMON_H */
