/*
 * Shared by the CKM_MCX_MIKEY_SAKKE receive suites
 * (tests/blackbox/test_mcx_mikey_rx*.c): one token with the Streamwide v5
 * KMS and the RSKs of its three users, the engines that build test
 * I_MESSAGEs with the pure builder (mcx_mikey_encode), and the checks every
 * refusal gets (its CKR, no key stored, one audit record with it).
 */
#ifndef MCX_TESTS_BLACKBOX_MIKEY_RX_UTIL_H
#define MCX_TESTS_BLACKBOX_MIKEY_RX_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mechanisms/eccsi.h"
#include "mechanisms/sakke.h"
#include "tests/blackbox/mcx_streamwide.h"
#include "tests/blackbox/p11_helpers.h"

#define SO_PIN	 "so-secret-1"
#define USER_PIN "user-secret-1"
#define MSG_CAP	 4096
#define F	 p11.f
#define GMS	 0
#define ALICE	 1
#define BOB	 2
/* the config of the suites: an authorised GMS for "partner.example" and a
 * 1-hour future-skew limit */
#define CONF                                                                   \
	"authorised_gms = partner.example gms@streamwide.com\n"                \
	"mikey_max_future_skew = 3600\n"

extern struct mcx_p11 p11;
extern CK_SESSION_HANDLE sess;
extern struct mcx_sw sw;
extern struct mcx_sw_user users[3]; /* GMS, Alice, Bob */
extern CK_OBJECT_HANDLE zt_h, kpak_h, rsk_h[3];
extern CK_BBOOL yes, no;
extern struct mcx_sakke_kms *kms;
extern struct mcx_eccsi_kpak *kpak;
extern struct mcx_eccsi_signer *signer[3], *rogue;
extern uint64_t sw_ts; /* the Streamwide messages' T (period 236) */

/* cmocka group setup / teardown: the token, keys and engines. */
int rx_setup(void **state);
int rx_teardown(void **state);
/* Rewrite the config file (token_dir + extra) and C_Initialize again. */
CK_RV rx_reinit(const char *extra);

void rx_aes_check_value(const uint8_t key[16], uint8_t cv[3]);
CK_ULONG rx_attr_len(CK_OBJECT_HANDLE h, CK_ATTRIBUTE_TYPE t, void *v,
		     CK_ULONG cap);
CK_ULONG rx_attr_ulong(CK_OBJECT_HANDLE h, CK_ATTRIBUTE_TYPE t);
/* CKK_MCX_KEY objects visible to sess; audit records with rv. */
CK_ULONG rx_count_keys(void);
CK_ULONG rx_audited(CK_RV rv);
/* C_UnwrapKey into a session object (CKA_EXTRACTABLE TRUE). */
CK_RV rx_receive_p(CK_OBJECT_HANDLE rsk, const uint8_t *msg, CK_ULONG len,
		   const CK_MCX_MIKEY_RECEIVE_PARAMS *p, CK_OBJECT_HANDLE *h);
CK_RV rx_receive(CK_OBJECT_HANDLE rsk, const uint8_t *msg, CK_ULONG len,
		 CK_OBJECT_HANDLE *h);
/* A refusal: want, no key stored, one more audit record with it. */
void rx_refused_p(CK_OBJECT_HANDLE rsk, const uint8_t *msg, CK_ULONG len,
		  const CK_MCX_MIKEY_RECEIVE_PARAMS *p, CK_RV want);
void rx_refused(CK_OBJECT_HANDLE rsk, const uint8_t *msg, CK_ULONG len,
		CK_RV want);

/* What a test message carries. */
struct rx_spec {
	int from, to;	   /* users[] */
	uint32_t key_id;   /* purpose tag in the top nibble */
	uint8_t key[16];   /* the key sent */
	bool hide;	   /* IDRuidi/IDRuidr (E.7) instead of URIs */
	bool revoked;	   /* status */
	bool no_params;	   /* no GE type 7 */
	const char *group; /* one MC group ID, or NULL */
	const char *kmsi;  /* IDRkmsi, NULL: the Streamwide KMS */
	uint64_t ts;	   /* NTP 64; 0: the Streamwide T */
	struct mcx_eccsi_signer *signer; /* NULL: users[from]'s */
	const uint8_t *sed;		 /* a ready SAKKE SED, or NULL */
};

/* A fresh random key and K-ID with purpose. */
void rx_spec_init(struct rx_spec *s, int from, int to, uint32_t purpose);
/* The signed I_MESSAGE (at most MSG_CAP octets); returns its length. */
size_t rx_build(const struct rx_spec *s, uint8_t *out);

#endif /* MCX_TESTS_BLACKBOX_MIKEY_RX_UTIL_H */
