/*
 * Constant-time cases for the glue around libcrypto and for MIKEY-SAKKE
 * (mechanisms/aes.h, digest.h, kdf3gpp.h, mikey_keyparams.h, mikey.h): the
 * secrets are marked undefined and every path our code runs on them must
 * neither branch on them nor index memory by them.
 *
 * Covered: AES-GCM one-shot and streaming with a secret key and secret
 * plaintext, AES key wrap (RFC 3394, RFC 5649) with a secret KEK and key,
 * HMAC-SHA-256 one-shot and streaming with a secret key, the TS 33.180
 * Annex F derivations from a secret key (F.1.3 salt, F.1.4 XPK keys, F.1.5
 * DPCK) and the MIKEY PRF (RFC 3830 §4.1.2), the GE type 7 key parameters
 * sealed and opened under a secret GMK (E.6), and a whole GMK I_MESSAGE
 * (without key parameters, see mikey_paths) built with a secret GMK and
 * SSK and received with a secret RSK (RFC 6509, the Streamwide v5 key
 * material).  The SAKKE and ECCSI engines underneath are ct_sakke.c's and
 * ct_eccsi.c's; what is new here is the MIKEY code around them.
 *
 * Declassified on purpose (public by design): the results the API returns
 * (error codes: a tag or integrity check verdict is public), ciphertexts,
 * wrapped keys, tags, and the K-ID / GUK-ID (TS 33.180 5.2.3: the 28-bit
 * salt is XORed into an identifier that goes on the wire).  As in
 * ct_eccsi.c, reports whose innermost frame is in libcrypto are suppressed
 * (ct.supp): this checks our code, not OpenSSL's.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mechanisms/aes.h"
#include "mechanisms/digest.h"
#include "mechanisms/kdf3gpp.h"
#include "mechanisms/mikey.h"
#include "tests/common/vectors.h"
#include "tests/ct/ct.h"

static int fail(const char *what, enum mcx_mech_err err)
{
	fprintf(stderr, "ct: %s: %s\n", what, mcx_mech_err_str(err));
	return 1;
}

static int glue_paths(void)
{
	uint8_t key[32], kek[16], plain[48], back[48], ct[48 + 16], tag[16];
	uint8_t iv[12], wrapped[48 + 8], kwp[40 + 8], mac[32], mac2[32];
	uint8_t dpck[16], xpk[16], prf[40];
	static const uint8_t aad[] = "aad", uri[] = "sip:alice@example.org";
	static const uint8_t id4[4] = {0x06, 0xA1, 0x2A, 0xEA};
	struct mcx_aes_gcm *g = NULL;
	struct mcx_digest *d = NULL;
	enum mcx_mech_err err = MCX_OK;
	size_t n = 0, m = 0;
	uint32_t salt = 0;
	int status = 1;

	ct_fill(key, sizeof(key));
	ct_fill(kek, sizeof(kek));
	ct_fill(plain, sizeof(plain));
	ct_fill(iv, sizeof(iv));
	CT_SECRET(key, sizeof(key));
	CT_SECRET(kek, sizeof(kek));
	CT_SECRET(plain, sizeof(plain));

	/* AES-GCM one-shot, then streaming decryption of the same. */
	err = mcx_aes_gcm_encrypt(key, 16, iv, sizeof(iv), aad, sizeof(aad),
				  plain, sizeof(plain), 16, ct);
	CT_PUBLIC(&err, sizeof(err));
	CT_PUBLIC(ct, sizeof(ct)); /* ciphertext and tag leave */
	if (err != MCX_OK)
		return fail("gcm encrypt", err);
	err = mcx_aes_gcm_decrypt(key, 16, iv, sizeof(iv), aad, sizeof(aad), ct,
				  sizeof(ct), 16, back);
	CT_PUBLIC(&err, sizeof(err)); /* the tag verdict is public */
	if (err != MCX_OK)
		return fail("gcm decrypt", err);
	err = mcx_aes_gcm_new(&g, 0, key, 16, iv, sizeof(iv), aad, sizeof(aad),
			      16);
	if (err == MCX_OK)
		err = mcx_aes_gcm_update(g, ct, 20, back, &n);
	if (err == MCX_OK)
		err = mcx_aes_gcm_update(g, ct + 20, sizeof(ct) - 20, back + n,
					 &m);
	if (err == MCX_OK)
		err = mcx_aes_gcm_final(g, NULL);
	CT_PUBLIC(&err, sizeof(err));
	mcx_aes_gcm_free(g);
	g = NULL;
	if (err != MCX_OK || n + m != sizeof(plain))
		return fail("gcm streaming decrypt", err);
	/* Streaming encryption with a 16-octet IV (the E.6 GHASH path). */
	err = mcx_aes_gcm_new(&g, 1, key, 32, key + 16, 16, NULL, 0, 16);
	if (err == MCX_OK)
		err = mcx_aes_gcm_update(g, plain, sizeof(plain), ct, &n);
	if (err == MCX_OK)
		err = mcx_aes_gcm_final(g, tag);
	CT_PUBLIC(&err, sizeof(err));
	mcx_aes_gcm_free(g);
	if (err != MCX_OK)
		return fail("gcm streaming encrypt", err);

	/* Key wrap: a secret key under a secret KEK, and back. */
	err = mcx_aes_wrap(kek, sizeof(kek), key, sizeof(key), wrapped);
	CT_PUBLIC(&err, sizeof(err));
	CT_PUBLIC(wrapped, sizeof(key) + 8);
	if (err != MCX_OK)
		return fail("aes wrap", err);
	err = mcx_aes_unwrap(kek, sizeof(kek), wrapped, sizeof(key) + 8, back);
	CT_PUBLIC(&err, sizeof(err)); /* the integrity verdict is public */
	if (err != MCX_OK)
		return fail("aes unwrap", err);
	err = mcx_aes_kwp_wrap(kek, sizeof(kek), plain, 33, kwp);
	CT_PUBLIC(&err, sizeof(err));
	CT_PUBLIC(kwp, sizeof(kwp));
	if (err != MCX_OK)
		return fail("aes kwp wrap", err);
	err = mcx_aes_kwp_unwrap(kek, sizeof(kek), kwp, sizeof(kwp), back, &n);
	CT_PUBLIC(&err, sizeof(err));
	CT_PUBLIC(&n, sizeof(n)); /* the MLI: the key length is public */
	if (err != MCX_OK || n != 33)
		return fail("aes kwp unwrap", err);

	/* HMAC-SHA-256 one-shot and streaming: the same MAC. */
	err = mcx_digest_hmac_sha256(key, 16, plain, sizeof(plain), mac);
	if (err == MCX_OK)
		err = mcx_digest_new(&d, key, 16);
	if (err == MCX_OK)
		err = mcx_digest_update(d, plain, 7);
	if (err == MCX_OK)
		err = mcx_digest_update(d, plain + 7, sizeof(plain) - 7);
	if (err == MCX_OK)
		err = mcx_digest_final(d, mac2);
	CT_PUBLIC(&err, sizeof(err));
	mcx_digest_free(d);
	if (err != MCX_OK)
		return fail("hmac", err);
	CT_PUBLIC(mac, sizeof(mac)); /* compared below: declassified */
	CT_PUBLIC(mac2, sizeof(mac2));
	if (memcmp(mac, mac2, sizeof(mac)) != 0)
		return fail("hmac streaming differs", MCX_ERR_CRYPTO);

	/* Annex F from a secret key, and the MIKEY PRF. */
	err = mcx_kdf3gpp_user_salt(key, 16, uri, sizeof(uri) - 1, &salt);
	CT_PUBLIC(&err, sizeof(err));
	CT_PUBLIC(&salt, sizeof(salt)); /* goes on the wire in the GUK-ID */
	if (err == MCX_OK)
		err = mcx_kdf3gpp_dpck(key, 16, id4, dpck);
	if (err == MCX_OK)
		err = mcx_kdf3gpp_xpk_key(key, 16, MCX_KDF3GPP_FC_XPK_CONF, uri,
					  sizeof(uri) - 1, id4, xpk);
	if (err == MCX_OK)
		err = mcx_kdf3gpp_mikey_prf(key, sizeof(key), plain, 20, prf,
					    sizeof(prf));
	CT_PUBLIC(&err, sizeof(err));
	if (err != MCX_OK)
		return fail("kdf3gpp", err);
	status = 0;
	CT_PUBLIC(key, sizeof(key));
	CT_PUBLIC(kek, sizeof(kek));
	CT_PUBLIC(plain, sizeof(plain));
	return status;
}

/* ---- MIKEY-SAKKE: key parameters, build, receive ------------------------ */

struct user {
	const char *uri;
	uint8_t *uid;
	size_t uid_len;
	struct mcx_sakke_rsk *rsk;
	struct mcx_eccsi_signer *signer;
};

/* with_rsk 0: the sender needs only its signer (an RSK validation is a
 * pairing, seconds under valgrind). */
static enum mcx_mech_err load_user(struct json_object *root,
				   struct mcx_eccsi_kpak *kpak, struct user *u,
				   const char *name, int with_rsk)
{
	char path[64];
	size_t l1 = 0, l2 = 0, l3 = 0;
	uint8_t *rsk = NULL, *ssk = NULL, *pvt = NULL;
	enum mcx_mech_err err = MCX_ERR_ARGUMENT;

	snprintf(path, sizeof(path), "users.%s.uri", name);
	u->uri = mcx_vectors_str(root, path);
	snprintf(path, sizeof(path), "users.%s.uid", name);
	u->uid = mcx_vectors_hex(root, path, &u->uid_len);
	snprintf(path, sizeof(path), "users.%s.RSK", name);
	rsk = mcx_vectors_hex(root, path, &l1);
	snprintf(path, sizeof(path), "users.%s.SSK", name);
	ssk = mcx_vectors_hex(root, path, &l2);
	snprintf(path, sizeof(path), "users.%s.PVT", name);
	pvt = mcx_vectors_hex(root, path, &l3);
	if (u->uri == NULL || u->uid == NULL || rsk == NULL || ssk == NULL ||
	    pvt == NULL)
		goto out;
	/* The user's private keys are secrets from here on. */
	CT_SECRET(rsk, l1);
	CT_SECRET(ssk, l2);
	err = with_rsk ? mcx_sakke_rsk_new(rsk, l1, &u->rsk) : MCX_OK;
	if (err == MCX_OK)
		err = mcx_eccsi_signer_new(&u->signer, kpak, u->uid, u->uid_len,
					   ssk, l2, pvt, l3);
	CT_PUBLIC(&err, sizeof(err)); /* validation verdicts are public */
out:
	if (rsk != NULL)
		CT_PUBLIC(rsk, l1);
	if (ssk != NULL)
		CT_PUBLIC(ssk, l2);
	free(rsk);
	free(ssk);
	free(pvt);
	return err;
}

static void free_user(struct user *u)
{
	free(u->uid);
	mcx_sakke_rsk_free(u->rsk);
	mcx_eccsi_signer_free(u->signer);
}

static int mikey_paths(void)
{
	static const uint8_t group[] = "fire-north@gms.example.org";
	static const uint8_t text[] = "Fire brigade north";
	struct json_object *root = NULL;
	struct mcx_sakke_kms *kms = NULL;
	struct mcx_eccsi_kpak *kpak = NULL;
	struct user gms = {0}, alice = {0};
	struct mcx_mikey_keyparams p, q;
	struct mcx_mikey_keyparams_pp pp;
	uint8_t plain[256];
	size_t plain_len = 0;
	struct mcx_mikey_build b;
	struct mcx_mikey_receiver rx;
	struct mcx_mikey_msg msg;
	struct mcx_mikey_received *got = calloc(1, sizeof(*got));
	uint8_t gmk[16], out[2048];
	uint8_t *z = NULL, *kp = NULL;
	size_t zl = 0, kl = 0, len = 0;
	const char *kms_uri = NULL;
	enum mcx_mech_err err = MCX_ERR_ARGUMENT;
	int status = 1;

	root = mcx_vectors_load("mikey_streamwide_v5.json");
	if (root == NULL || got == NULL)
		goto out;
	z = mcx_vectors_hex(root, "kms.Z_PubEncKey", &zl);
	kp = mcx_vectors_hex(root, "kms.KPAK_PubAuthKey", &kl);
	kms_uri = mcx_vectors_str(root, "kms.KmsUri");
	if (z == NULL || kp == NULL || kms_uri == NULL)
		goto out;
	err = mcx_sakke_kms_new(z, zl, &kms);
	if (err == MCX_OK)
		err = mcx_eccsi_kpak_new(&kpak, kp, kl);
	if (err == MCX_OK)
		err = load_user(root, kpak, &gms, "GMS", 0);
	if (err == MCX_OK)
		err = load_user(root, kpak, &alice, "Alice", 1);
	if (err != MCX_OK)
		goto out;

	memset(&p, 0, sizeof(p));
	p.key_type = MCX_MIKEY_PURPOSE_GMK;
	p.status = MCX_MIKEY_STATUS_NOT_REVOKED;
	p.text = text;
	p.text_len = sizeof(text) - 1;
	p.has_groups = 1;
	p.n_groups = 1;
	p.groups[0].iei = MCX_MIKEY_GROUP_ID_IEI;
	p.groups[0].id = group;
	p.groups[0].len = sizeof(group) - 1;

	ct_fill(gmk, sizeof(gmk));
	CT_SECRET(gmk, sizeof(gmk));

	/* E.6: key parameters sealed and opened under the secret GMK (DPCK,
	 * F.1.5, then AES-128-GCM with a 16-octet IV).  The opened plaintext
	 * is declassified before it is parsed: once the tag verified it is
	 * what the API hands to the caller, and the parser necessarily
	 * branches on its lengths.  For that reason the whole message below
	 * is built without key parameters: mcx_mikey_receive parses them
	 * right after opening. */
	err = mcx_mikey_keyparams_seal(gmk, sizeof(gmk), 0x06A12AEA, 1, NULL,
				       &p, out, sizeof(out), &len);
	CT_PUBLIC(&err, sizeof(err));
	CT_PUBLIC(&len, sizeof(len));
	if (err != MCX_OK)
		goto out;
	CT_PUBLIC(out, len); /* the protected payload goes on the wire */
	err = mcx_mikey_keyparams_pp_parse(out, len, 0x06A12AEA, &pp);
	if (err == MCX_OK)
		err = mcx_mikey_keyparams_open(gmk, sizeof(gmk), &pp, plain,
					       sizeof(plain), &plain_len);
	CT_PUBLIC(&err, sizeof(err)); /* the tag verdict */
	if (err != MCX_OK)
		goto out;
	CT_PUBLIC(plain, plain_len);
	err = mcx_mikey_keyparams_parse(plain, plain_len, &q);
	if (err == MCX_OK &&
	    (q.n_groups != 1 || q.text_len != sizeof(text) - 1 ||
	     memcmp(q.groups[0].id, group, sizeof(group) - 1) != 0))
		err = MCX_ERR_PARAMS_FORMAT;
	if (err != MCX_OK)
		goto out;
	memset(&b, 0, sizeof(b));
	b.key = gmk;
	b.key_id = 0x0DF9BC39;
	b.receiver_uri = (const uint8_t *)alice.uri;
	b.receiver_uri_len = strlen(alice.uri);
	b.map_type = MCX_MIKEY_MAP_GENERIC_ID;
	b.cs_id = 4;
	b.ts = 0xEC898DA800000000ull;
	b.idri =
	    (struct mcx_mikey_id){MCX_MIKEY_ROLE_UIDI, gms.uid, gms.uid_len};
	b.idrr = (struct mcx_mikey_id){MCX_MIKEY_ROLE_UIDR, alice.uid,
				       alice.uid_len};
	b.idrkmsi = (struct mcx_mikey_id){
	    MCX_MIKEY_ROLE_KMSI, (const uint8_t *)kms_uri, strlen(kms_uri)};
	b.idrkmsr = b.idrkmsi;
	b.idrkmsr.role = MCX_MIKEY_ROLE_KMSR;
	b.with_sp = 1;
	b.kms = kms;
	b.receiver_uid = alice.uid;
	b.receiver_uid_len = alice.uid_len;
	b.signer = gms.signer;
	err = mcx_mikey_encode(&b, out, sizeof(out), &len);
	CT_PUBLIC(&err, sizeof(err));
	CT_PUBLIC(&len, sizeof(len));
	if (err != MCX_OK)
		goto out;
	CT_PUBLIC(out, len); /* the message goes on the wire */
	err = mcx_mikey_decode(out, len, &msg);
	if (err != MCX_OK)
		goto out;

	memset(&rx, 0, sizeof(rx));
	rx.kpak = kpak;
	rx.sender_id = gms.uid;
	rx.sender_id_len = gms.uid_len;
	rx.kms = kms;
	rx.rsk = alice.rsk;
	rx.own_uid = alice.uid;
	rx.own_uid_len = alice.uid_len;
	rx.own_uri = (const uint8_t *)alice.uri;
	rx.own_uri_len = strlen(alice.uri);
	err = mcx_mikey_receive(&msg, &rx, got);
	CT_PUBLIC(&err, sizeof(err)); /* signature / decap / tag verdicts */
	if (err != MCX_OK)
		goto out;
	/* Compare only after declassifying the recovered key. */
	CT_PUBLIC(got->key, sizeof(got->key));
	CT_PUBLIC(gmk, sizeof(gmk));
	CT_PUBLIC(&got->key_id, sizeof(got->key_id));
	if (memcmp(got->key, gmk, sizeof(gmk)) != 0 ||
	    got->key_id != 0x0DF9BC39) {
		err = MCX_ERR_CRYPTO;
		goto out;
	}
	status = 0;
out:
	if (status != 0)
		fprintf(stderr, "ct: mikey: %s\n", mcx_mech_err_str(err));
	CT_PUBLIC(gmk, sizeof(gmk));
	free_user(&gms);
	free_user(&alice);
	mcx_sakke_kms_free(kms);
	mcx_eccsi_kpak_free(kpak);
	free(z);
	free(kp);
	free(got);
	json_object_put(root);
	return status;
}

const struct ct_case ct_mikey_cases[] = {
    {"aes-gcm, key wrap, hmac, kdf3gpp glue", glue_paths},
    {"mikey E.6 seal/open, build, receive", mikey_paths},
    {NULL, NULL},
};
