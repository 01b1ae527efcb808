/*
 * Helpers of the CKM_MCX_MIKEY_SAKKE send suites and benchmark (see
 * test_mcx_mikey_send_common.h).  Failures of the setup abort: the suites
 * check the behaviour under test themselves.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "mechanisms/eccsi.h"
#include "mechanisms/sakke.h"
#include "tests/blackbox/test_mcx_mikey_send_common.h"

static const char *names[3] = {"GMS", "Alice", "Bob"};

void ms_token_open(struct ms_token *t, const char *label, bool rsks)
{
	memset(t, 0, sizeof(*t));
	mcx_sw_load(&t->sw);
	mcx_p11_open(&t->p11);
	mcx_p11_init_token(&t->p11, label, MS_SO_PIN, MS_USER_PIN);
	t->sess = mcx_p11_session(&t->p11, CKU_USER, MS_USER_PIN);
	CK_FUNCTION_LIST *f = t->p11.f;
	MCX_P11_CHECK(
	    mcx_sw_create_sakke_public(f, t->sess, &t->sw, t->sw.z_t, &t->zt),
	    CKR_OK);
	MCX_P11_CHECK(mcx_sw_create_eccsi_public(f, t->sess, &t->sw, t->sw.kpak,
						 &t->kpak),
		      CKR_OK);
	for (int i = 0; i < 3; i++) {
		mcx_sw_user(&t->sw, names[i], &t->users[i]);
		if (rsks)
			MCX_P11_CHECK(
			    mcx_sw_create_rsk(f, t->sess, t->sw.kms_uri,
					      &t->users[i], &t->rsk[i]),
			    CKR_OK);
		MCX_P11_CHECK(mcx_sw_create_ssk(f, t->sess, t->sw.kms_uri,
						&t->users[i], &t->ssk[i]),
			      CKR_OK);
	}
}

void ms_token_close(struct ms_token *t)
{
	t->p11.f->C_CloseSession(t->sess);
	mcx_p11_close(&t->p11);
	json_object_put(t->sw.root);
}

CK_OBJECT_HANDLE ms_gen_key(struct ms_token *t, CK_SESSION_HANDLE s,
			    CK_ULONG purpose)
{
	static CK_BBOOL yes = CK_TRUE, no = CK_FALSE;
	CK_MECHANISM m = {CKM_MCX_KEY_GEN, NULL, 0};
	CK_ATTRIBUTE a[] = {
	    {CKA_MCX_KEY_PURPOSE, &purpose, sizeof(purpose)},
	    {CKA_TOKEN, &no, sizeof(no)},
	    {CKA_EXTRACTABLE, &yes, sizeof(yes)},
	};
	CK_OBJECT_HANDLE h = CK_INVALID_HANDLE;
	MCX_P11_CHECK(t->p11.f->C_GenerateKey(s, &m, a, 3, &h), CKR_OK);
	return h;
}

void ms_params(const struct ms_token *t, CK_MCX_MIKEY_SEND_PARAMS *p,
	       const char *uri)
{
	memset(p, 0, sizeof(*p));
	p->pReceiverUri = (CK_BYTE_PTR)uri;
	p->ulReceiverUriLen = strlen(uri);
	p->hReceiverKms = t->zt;
	p->ulReceiverKeyPeriodNo = CK_UNAVAILABLE_INFORMATION;
	p->ulTime = MS_SW_TIME;
	p->ulStatus = CKS_MCX_ACTIVE;
}

CK_RV ms_send(CK_FUNCTION_LIST *f, CK_SESSION_HANDLE s, CK_OBJECT_HANDLE ssk,
	      CK_OBJECT_HANDLE key, const CK_MCX_MIKEY_SEND_PARAMS *p,
	      uint8_t **msg, size_t *len)
{
	CK_MECHANISM m = {CKM_MCX_MIKEY_SAKKE, (void *)p, sizeof(*p)};
	CK_ULONG n = 0, n2 = 0;
	*msg = NULL;
	*len = 0;
	CK_RV rv = f->C_WrapKey(s, &m, ssk, key, NULL, &n);
	if (rv != CKR_OK)
		return rv;
	*msg = malloc(n);
	if (*msg == NULL)
		abort();
	n2 = n;
	rv = f->C_WrapKey(s, &m, ssk, key, *msg, &n2);
	if (rv == CKR_OK && n2 != n) {
		fprintf(stderr, "size query %lu, message %lu\n", n, n2);
		abort();
	}
	if (rv != CKR_OK) {
		free(*msg);
		*msg = NULL;
		return rv;
	}
	*len = n2;
	return CKR_OK;
}

enum mcx_mech_err ms_verify(const struct ms_token *t, const uint8_t *msg,
			    size_t len, const uint8_t *signer_uid,
			    struct mcx_mikey_msg *m)
{
	struct mcx_eccsi_kpak *kpak = NULL;
	enum mcx_mech_err e = mcx_mikey_decode(msg, len, m);
	if (e != MCX_OK)
		return e;
	e = mcx_eccsi_kpak_new(&kpak, t->sw.kpak, sizeof(t->sw.kpak));
	if (e == MCX_OK)
		e = mcx_eccsi_verify(kpak, signer_uid, 32, msg, m->signed_len,
				     m->sig, m->sig_len);
	mcx_eccsi_kpak_free(kpak);
	return e;
}

enum mcx_mech_err ms_receive(const struct ms_token *t, const uint8_t *msg,
			     size_t len, int rx, const uint8_t *signer_uid,
			     struct mcx_mikey_msg *m,
			     struct mcx_mikey_received *out)
{
	struct mcx_eccsi_kpak *kpak = NULL;
	struct mcx_sakke_kms *kms = NULL;
	struct mcx_sakke_rsk *rsk = NULL;
	const struct mcx_sw_user *u = &t->users[rx];
	enum mcx_mech_err e = mcx_mikey_decode(msg, len, m);
	if (e == MCX_OK)
		e = mcx_eccsi_kpak_new(&kpak, t->sw.kpak, sizeof(t->sw.kpak));
	if (e == MCX_OK)
		e = mcx_sakke_kms_new(t->sw.z_t, sizeof(t->sw.z_t), &kms);
	if (e == MCX_OK)
		e = mcx_sakke_rsk_new(u->rsk, sizeof(u->rsk), &rsk);
	if (e == MCX_OK) {
		struct mcx_mikey_receiver r;
		memset(&r, 0, sizeof(r));
		r.kpak = kpak;
		r.sender_id = signer_uid;
		r.sender_id_len = 32;
		r.kms = kms;
		r.rsk = rsk;
		r.own_uid = u->uid;
		r.own_uid_len = sizeof(u->uid);
		r.own_uri = (const uint8_t *)u->uri;
		r.own_uri_len = strlen(u->uri);
		e = mcx_mikey_receive(m, &r, out);
	}
	mcx_sakke_rsk_free(rsk);
	mcx_sakke_kms_free(kms);
	mcx_eccsi_kpak_free(kpak);
	return e;
}

uint32_t ms_key_id(CK_FUNCTION_LIST *f, CK_SESSION_HANDLE s, CK_OBJECT_HANDLE h)
{
	uint8_t id[4];
	CK_ATTRIBUTE a = {CKA_MCX_KEY_ID, id, sizeof(id)};
	MCX_P11_CHECK(f->C_GetAttributeValue(s, h, &a, 1), CKR_OK);
	return (uint32_t)id[0] << 24 | (uint32_t)id[1] << 16 |
	       (uint32_t)id[2] << 8 | id[3];
}

void ms_check_value(CK_FUNCTION_LIST *f, CK_SESSION_HANDLE s,
		    CK_OBJECT_HANDLE h, uint8_t cv[3])
{
	CK_ATTRIBUTE a = {CKA_CHECK_VALUE, cv, 3};
	MCX_P11_CHECK(f->C_GetAttributeValue(s, h, &a, 1), CKR_OK);
}

void ms_aes_check_value(const uint8_t key[16], uint8_t cv[3])
{
	uint8_t zero[16] = {0}, out[32];
	int l = 0;
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
	if (c == NULL ||
	    EVP_EncryptInit_ex(c, EVP_aes_128_ecb(), NULL, key, NULL) != 1 ||
	    EVP_CIPHER_CTX_set_padding(c, 0) != 1 ||
	    EVP_EncryptUpdate(c, out, &l, zero, 16) != 1)
		abort();
	EVP_CIPHER_CTX_free(c);
	memcpy(cv, out, 3);
}
