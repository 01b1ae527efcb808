/*
 * Shared by the MCX black-box suites (tests/blackbox/test_mcx_*.c): import
 * the Streamwide v5 KMS certificate and user key sets of
 * tests/vectors/mikey_streamwide_v5.json (read at run time) as PKCS#11
 * objects.
 */
#ifndef MCX_TESTS_BLACKBOX_MCX_STREAMWIDE_H
#define MCX_TESTS_BLACKBOX_MCX_STREAMWIDE_H

#include <json-c/json.h>
#include <stddef.h>
#include <stdint.h>

#include "tests/blackbox/p11_helpers.h"

/* One user's key set as published (name: "GMS", "Alice", "Bob"). */
struct mcx_sw_user {
	const char *uri;
	uint8_t uid[32];
	CK_ULONG period_no;
	uint8_t rsk[257];
	uint8_t ssk[32];
	uint8_t pvt[65];
	uint8_t hs[32];
};

struct mcx_sw {
	struct json_object *root;
	const char *kms_uri;
	CK_ULONG period, offset;
	uint8_t z_t[257];
	uint8_t kpak[65];
};

/* Load the vector file (aborts when it is missing or malformed). */
void mcx_sw_load(struct mcx_sw *sw);
void mcx_sw_user(struct mcx_sw *sw, const char *name, struct mcx_sw_user *u);

/* C_CreateObject of the KMS public keys (token objects): returns the
 * CKR of each; handles in *z_t / *kpak. */
CK_RV mcx_sw_create_sakke_public(CK_FUNCTION_LIST *f, CK_SESSION_HANDLE s,
				 const struct mcx_sw *sw, const uint8_t *z_t,
				 CK_OBJECT_HANDLE *h);
CK_RV mcx_sw_create_eccsi_public(CK_FUNCTION_LIST *f, CK_SESSION_HANDLE s,
				 const struct mcx_sw *sw, const uint8_t *kpak,
				 CK_OBJECT_HANDLE *h);
/* C_CreateObject of an RSK / SSK+PVT object (token, private) for user u
 * under KMS kms_uri with the given (possibly tampered) values. */
CK_RV mcx_sw_create_rsk(CK_FUNCTION_LIST *f, CK_SESSION_HANDLE s,
			const char *kms_uri, const struct mcx_sw_user *u,
			CK_OBJECT_HANDLE *h);
CK_RV mcx_sw_create_ssk(CK_FUNCTION_LIST *f, CK_SESSION_HANDLE s,
			const char *kms_uri, const struct mcx_sw_user *u,
			CK_OBJECT_HANDLE *h);

#endif /* MCX_TESTS_BLACKBOX_MCX_STREAMWIDE_H */
