/*
 * The shared part of the CKM_MCX_MIKEY_SAKKE receive suites (see
 * tests/blackbox/mikey_rx_util.h).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <json-c/json.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "mechanisms/eccsi.h"
#include "mechanisms/mikey.h"
#include "mechanisms/sakke.h"
#include "tests/blackbox/mikey_rx_util.h"
#include "tests/common/vectors.h"

struct mcx_p11 p11;
CK_SESSION_HANDLE sess;
struct mcx_sw sw;
struct mcx_sw_user users[3]; /* GMS, Alice, Bob */
static const char *names[3] = {"GMS", "Alice", "Bob"};
CK_OBJECT_HANDLE zt_h, kpak_h, rsk_h[3];
CK_BBOOL yes = CK_TRUE, no = CK_FALSE;
/* engines for building messages */
struct mcx_sakke_kms *kms;
struct mcx_eccsi_kpak *kpak;
struct mcx_eccsi_signer *signer[3], *rogue;
uint64_t sw_ts; /* the Streamwide messages' T (period 236) */

CK_RV rx_reinit(const char *extra)
{
	char conf[400];
	FILE *fp = NULL;
	CK_C_INITIALIZE_ARGS args;
	snprintf(conf, sizeof(conf), "%s/mcxhsm.conf", p11.dir);
	fp = fopen(conf, "w");
	assert_non_null(fp);
	fprintf(fp, "token_dir = %s/tokens\n%s", p11.dir, extra);
	fclose(fp);
	(void)F->C_Finalize(NULL);
	memset(&args, 0, sizeof(args));
	args.flags = CKF_OS_LOCKING_OK;
	return F->C_Initialize(&args);
}

static void rx_reinit_with_config(void)
{
	MCX_P11_CHECK(rx_reinit(CONF), CKR_OK);
}

int rx_setup(void **state)
{
	uint8_t ksak[32], ssk[32], pvt[65], rkpak[65];
	struct mcx_eccsi_kpak *rk = NULL;
	(void)state;
	mcx_sw_load(&sw);
	mcx_p11_open(&p11);
	rx_reinit_with_config();
	mcx_p11_init_token(&p11, "mcx-mikey-rx", SO_PIN, USER_PIN);
	sess = mcx_p11_session(&p11, CKU_USER, USER_PIN);
	MCX_P11_CHECK(mcx_sw_create_sakke_public(F, sess, &sw, sw.z_t, &zt_h),
		      CKR_OK);
	MCX_P11_CHECK(
	    mcx_sw_create_eccsi_public(F, sess, &sw, sw.kpak, &kpak_h), CKR_OK);
	assert_int_equal(mcx_sakke_kms_new(sw.z_t, 257, &kms), MCX_OK);
	assert_int_equal(mcx_eccsi_kpak_new(&kpak, sw.kpak, 65), MCX_OK);
	for (int i = 0; i < 3; i++) {
		mcx_sw_user(&sw, names[i], &users[i]);
		MCX_P11_CHECK(mcx_sw_create_rsk(F, sess, sw.kms_uri, &users[i],
						&rsk_h[i]),
			      CKR_OK);
		assert_int_equal(
		    mcx_eccsi_signer_new(&signer[i], kpak, users[i].uid, 32,
					 users[i].ssk, 32, users[i].pvt, 65),
		    MCX_OK);
	}
	/* the GMS's UID certified by another KMS: a wrong KPAK */
	assert_int_equal(mcx_eccsi_kms_keygen(ksak, rkpak), MCX_OK);
	assert_int_equal(mcx_eccsi_kpak_new(&rk, rkpak, 65), MCX_OK);
	assert_int_equal(
	    mcx_eccsi_kms_issue(ksak, users[GMS].uid, 32, ssk, pvt), MCX_OK);
	assert_int_equal(mcx_eccsi_signer_new(&rogue, rk, users[GMS].uid, 32,
					      ssk, 32, pvt, 65),
			 MCX_OK);
	mcx_eccsi_kpak_free(rk);
	size_t n = 0;
	uint8_t *ts = mcx_vectors_hex(sw.root, "cases.0.payloads.1.ts", &n);
	assert_int_equal(n, 8);
	for (int i = 0; i < 8; i++)
		sw_ts = sw_ts << 8 | ts[i];
	free(ts);
	return 0;
}

int rx_teardown(void **state)
{
	(void)state;
	for (int i = 0; i < 3; i++)
		mcx_eccsi_signer_free(signer[i]);
	mcx_eccsi_signer_free(rogue);
	mcx_eccsi_kpak_free(kpak);
	mcx_sakke_kms_free(kms);
	F->C_CloseSession(sess);
	mcx_p11_close(&p11);
	json_object_put(sw.root);
	return 0;
}

/* ---- helpers --------------------------------------------------------- */

void rx_aes_check_value(const uint8_t key[16], uint8_t cv[3])
{
	uint8_t zero[16] = {0}, out[32];
	int l = 0;
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
	assert_non_null(c);
	assert_int_equal(
	    EVP_EncryptInit_ex(c, EVP_aes_128_ecb(), NULL, key, NULL), 1);
	EVP_CIPHER_CTX_set_padding(c, 0);
	assert_int_equal(EVP_EncryptUpdate(c, out, &l, zero, 16), 1);
	EVP_CIPHER_CTX_free(c);
	memcpy(cv, out, 3);
}

CK_ULONG rx_attr_len(CK_OBJECT_HANDLE h, CK_ATTRIBUTE_TYPE t, void *v,
		     CK_ULONG cap)
{
	CK_ATTRIBUTE a = {t, v, cap};
	MCX_P11_CHECK(F->C_GetAttributeValue(sess, h, &a, 1), CKR_OK);
	return a.ulValueLen;
}

CK_ULONG rx_attr_ulong(CK_OBJECT_HANDLE h, CK_ATTRIBUTE_TYPE t)
{
	CK_ULONG v = 0;
	assert_int_equal(rx_attr_len(h, t, &v, sizeof(v)), sizeof(v));
	return v;
}

static CK_ULONG rx_count_class(CK_OBJECT_CLASS cls, CK_ULONG rv, bool by_rv)
{
	CK_KEY_TYPE kt = CKK_MCX_KEY;
	CK_ULONG r = rv;
	CK_ATTRIBUTE t[] = {{CKA_CLASS, &cls, sizeof(cls)},
			    {by_rv ? CKA_MCX_AUDIT_RV : CKA_KEY_TYPE,
			     by_rv ? (void *)&r : (void *)&kt,
			     by_rv ? sizeof(r) : sizeof(kt)}};
	CK_OBJECT_HANDLE h[512];
	CK_ULONG n = 0, total = 0;
	MCX_P11_CHECK(F->C_FindObjectsInit(sess, t, 2), CKR_OK);
	do {
		MCX_P11_CHECK(F->C_FindObjects(sess, h, 512, &n), CKR_OK);
		total += n;
	} while (n == 512);
	MCX_P11_CHECK(F->C_FindObjectsFinal(sess), CKR_OK);
	return total;
}

CK_ULONG rx_count_keys(void)
{
	return rx_count_class(CKO_SECRET_KEY, 0, false);
}

CK_ULONG rx_audited(CK_RV rv)
{
	return rx_count_class(CKO_MCX_AUDIT_RECORD, rv, true);
}

CK_RV rx_receive_p(CK_OBJECT_HANDLE rsk, const uint8_t *msg, CK_ULONG len,
		   const CK_MCX_MIKEY_RECEIVE_PARAMS *p, CK_OBJECT_HANDLE *h)
{
	CK_MECHANISM m = {CKM_MCX_MIKEY_SAKKE, (void *)p,
			  p != NULL ? sizeof(*p) : 0};
	CK_ATTRIBUTE t[] = {
	    {CKA_TOKEN, &no, sizeof(no)},
	    {CKA_EXTRACTABLE, &yes, sizeof(yes)},
	};
	*h = CK_INVALID_HANDLE;
	return F->C_UnwrapKey(sess, &m, rsk, (CK_BYTE_PTR)msg, len, t, 2, h);
}

CK_RV rx_receive(CK_OBJECT_HANDLE rsk, const uint8_t *msg, CK_ULONG len,
		 CK_OBJECT_HANDLE *h)
{
	return rx_receive_p(rsk, msg, len, NULL, h);
}

/* A refusal: its CKR, no key stored, one more audit record with it. */
void rx_refused_p(CK_OBJECT_HANDLE rsk, const uint8_t *msg, CK_ULONG len,
		  const CK_MCX_MIKEY_RECEIVE_PARAMS *p, CK_RV want)
{
	CK_ULONG keys = rx_count_keys(), recs = rx_audited(want);
	CK_OBJECT_HANDLE h = CK_INVALID_HANDLE;
	CK_RV rv = rx_receive_p(rsk, msg, len, p, &h);
	if (rv != want)
		fail_msg("C_UnwrapKey: 0x%lx, expected 0x%lx", rv, want);
	assert_int_equal(rx_count_keys(), keys);
	assert_int_equal(rx_audited(want), recs + 1);
}

void rx_refused(CK_OBJECT_HANDLE rsk, const uint8_t *msg, CK_ULONG len,
		CK_RV want)
{
	rx_refused_p(rsk, msg, len, NULL, want);
}

void rx_spec_init(struct rx_spec *s, int from, int to, uint32_t purpose)
{
	uint32_t r = 0;
	memset(s, 0, sizeof(*s));
	s->from = from;
	s->to = to;
	assert_int_equal(RAND_bytes((uint8_t *)&r, 4), 1);
	s->key_id = purpose << 28 | (r & 0x0fffffffu);
	assert_int_equal(RAND_bytes(s->key, 16), 1);
}

size_t rx_build(const struct rx_spec *s, uint8_t *out)
{
	struct mcx_mikey_build b;
	struct mcx_mikey_keyparams kp;
	const struct mcx_sw_user *fu = &users[s->from], *tu = &users[s->to];
	const char *kmsi = s->kmsi != NULL ? s->kmsi : sw.kms_uri;
	size_t len = 0;

	memset(&kp, 0, sizeof(kp));
	kp.key_type = (uint8_t)(s->key_id >> 28);
	kp.status = s->revoked ? 0 : MCX_MIKEY_STATUS_NOT_REVOKED;
	kp.activation = 1760000000;
	kp.expiry = 1790000000;
	kp.text = (const uint8_t *)"test key";
	kp.text_len = 8;
	if (s->group != NULL) {
		kp.has_groups = 1;
		kp.n_groups = 1;
		kp.groups[0].iei = MCX_MIKEY_GROUP_ID_IEI;
		kp.groups[0].id = (const uint8_t *)s->group;
		kp.groups[0].len = strlen(s->group);
	}
	memset(&b, 0, sizeof(b));
	b.key = s->key;
	b.key_id = s->key_id;
	b.receiver_uri = (const uint8_t *)tu->uri;
	b.receiver_uri_len = strlen(tu->uri);
	b.map_type = MCX_MIKEY_MAP_GENERIC_ID;
	b.cs_id = 4;
	b.ts = s->ts != 0 ? s->ts : sw_ts;
	if (s->hide) {
		b.idri =
		    (struct mcx_mikey_id){MCX_MIKEY_ROLE_UIDI, fu->uid, 32};
		b.idrr =
		    (struct mcx_mikey_id){MCX_MIKEY_ROLE_UIDR, tu->uid, 32};
	} else {
		b.idri = (struct mcx_mikey_id){MCX_MIKEY_ROLE_I,
					       (const uint8_t *)fu->uri,
					       strlen(fu->uri)};
		b.idrr = (struct mcx_mikey_id){MCX_MIKEY_ROLE_R,
					       (const uint8_t *)tu->uri,
					       strlen(tu->uri)};
	}
	b.idrkmsi = (struct mcx_mikey_id){MCX_MIKEY_ROLE_KMSI,
					  (const uint8_t *)kmsi, strlen(kmsi)};
	b.idrkmsr = (struct mcx_mikey_id){MCX_MIKEY_ROLE_KMSR,
					  (const uint8_t *)sw.kms_uri,
					  strlen(sw.kms_uri)};
	b.with_sp = 1;
	b.sed = s->sed;
	b.kms = kms;
	b.receiver_uid = tu->uid;
	b.receiver_uid_len = 32;
	b.params = s->no_params ? NULL : &kp;
	b.signer = s->signer != NULL ? s->signer : signer[s->from];
	assert_int_equal(mcx_mikey_encode(&b, out, MSG_CAP, &len), MCX_OK);
	return len;
}
