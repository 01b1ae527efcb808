/*
 * Our own MIKEY-SAKKE I_MESSAGEs (mechanisms/mikey*.c) with the Streamwide
 * v5 key material (tests/vectors/mikey_streamwide_v5.json):
 *   - a GMK message GMS -> Alice (our encapsulation, signature and key
 *     parameters) decodes at the offsets of MCX-REFERENCE §5.6 and is
 *     received by Alice; with the Streamwide SED, RAND, IV and date it is
 *     octet-identical to Streamwide Test 1 up to the signature;
 *   - SAKKE-to-self (E.5) and a PCK without end-point diversity;
 *   - every rejection with its own error: a tampered byte in each payload,
 *     wrong KPAK, truncations, lengths pointing outside, SIGN type, SIGN
 *     not last, SAKKE params / ID scheme, GE tampered under a valid
 *     signature, the legacy clear key-parameter block (decision g), wrong
 *     receiver, wrong URI.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "mechanisms/kdf3gpp.h"
#include "mechanisms/mikey.h"
#include "tests/common/vectors.h"

#define BUF 2048

struct user {
	const char *uri;
	uint8_t *uid;
	size_t uid_len;
	struct mcx_sakke_rsk *rsk;
	struct mcx_eccsi_signer *signer;
};

static struct json_object *root;
static struct mcx_sakke_kms *kms;
static struct mcx_eccsi_kpak *kpak;
static struct user gms, alice, bob;
static const char *kms_uri;
static uint8_t *sw1;
static size_t sw1_len;

static void load_user(struct user *u, const char *name)
{
	char path[64];
	size_t l1 = 0, l2 = 0, l3 = 0;
	uint8_t *rsk, *ssk, *pvt;

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
	assert_int_equal(mcx_sakke_rsk_new(rsk, l1, &u->rsk), MCX_OK);
	assert_int_equal(mcx_eccsi_signer_new(&u->signer, kpak, u->uid,
					      u->uid_len, ssk, l2, pvt, l3),
			 MCX_OK);
	free(rsk);
	free(ssk);
	free(pvt);
}

static void free_user(struct user *u)
{
	free(u->uid);
	mcx_sakke_rsk_free(u->rsk);
	mcx_eccsi_signer_free(u->signer);
}

static const uint8_t group1[] = "fire-north@gms.example.org";
static const uint8_t group2[] = "rescue@gms.example.org";
static const char text[] = "Fire brigade north";

static void fill_params(struct mcx_mikey_keyparams *p)
{
	memset(p, 0, sizeof(*p));
	p->key_type = MCX_MIKEY_PURPOSE_GMK;
	p->status = MCX_MIKEY_STATUS_NOT_REVOKED;
	p->activation = 1758931706; /* 0x0068D7EAFA, decision d */
	p->expiry = 0xFFFFFFFF;
	p->text = (const uint8_t *)text;
	p->text_len = strlen(text);
	p->has_groups = 1;
	p->n_groups = 2;
	p->groups[0].iei = MCX_MIKEY_GROUP_ID_IEI;
	p->groups[0].id = group1;
	p->groups[0].len = sizeof(group1) - 1;
	p->groups[1].iei = MCX_MIKEY_GROUP_ID_IEI;
	p->groups[1].id = group2;
	p->groups[1].len = sizeof(group2) - 1;
}

/* The Test 1 inputs: GMK, GMK-ID, T, RAND (§5.6). */
static const uint8_t *sw_key(void)
{
	static uint8_t key[16];
	uint8_t *k =
	    mcx_vectors_hex(root, "cases.0.expected.key", &(size_t){0});

	memcpy(key, k, 16);
	free(k);
	return key;
}

static void gmk_build(struct mcx_mikey_build *b,
		      const struct mcx_mikey_keyparams *params)
{
	memset(b, 0, sizeof(*b));
	b->key = sw_key();
	b->key_id = 0x0DF9BC39;
	b->receiver_uri = (const uint8_t *)alice.uri;
	b->receiver_uri_len = strlen(alice.uri);
	b->map_type = MCX_MIKEY_MAP_GENERIC_ID;
	b->cs_id = 4;
	b->ts = 0xEC898DA800000000ull;
	b->rand = sw1 + 37;
	b->idri =
	    (struct mcx_mikey_id){MCX_MIKEY_ROLE_UIDI, gms.uid, gms.uid_len};
	b->idrr = (struct mcx_mikey_id){MCX_MIKEY_ROLE_UIDR, alice.uid,
					alice.uid_len};
	b->idrkmsi = (struct mcx_mikey_id){
	    MCX_MIKEY_ROLE_KMSI, (const uint8_t *)kms_uri, strlen(kms_uri)};
	b->idrkmsr = (struct mcx_mikey_id){
	    MCX_MIKEY_ROLE_KMSR, (const uint8_t *)kms_uri, strlen(kms_uri)};
	b->with_sp = 1;
	b->kms = kms;
	b->receiver_uid = alice.uid;
	b->receiver_uid_len = alice.uid_len;
	b->params = params;
	b->signer = gms.signer;
}

static size_t encode(const struct mcx_mikey_build *b, uint8_t *out)
{
	size_t len = 0, len2 = 0;

	assert_int_equal(mcx_mikey_encode(b, NULL, 0, &len), MCX_OK);
	assert_true(len <= BUF);
	assert_int_equal(mcx_mikey_encode(b, out, len - 1, &len2),
			 MCX_ERR_LENGTH);
	assert_int_equal(mcx_mikey_encode(b, out, BUF, &len2), MCX_OK);
	assert_int_equal(len, len2);
	return len;
}

static void rx_for(struct mcx_mikey_receiver *rx, const struct user *to,
		   const struct user *from)
{
	memset(rx, 0, sizeof(*rx));
	rx->kpak = kpak;
	rx->sender_id = from->uid;
	rx->sender_id_len = from->uid_len;
	rx->kms = kms;
	rx->rsk = to->rsk;
	rx->own_uid = to->uid;
	rx->own_uid_len = to->uid_len;
	rx->own_uri = (const uint8_t *)to->uri;
	rx->own_uri_len = strlen(to->uri);
}

static enum mcx_mech_err receive(const uint8_t *msg, size_t len,
				 const struct mcx_mikey_receiver *rx,
				 struct mcx_mikey_received *got)
{
	struct mcx_mikey_msg m;
	enum mcx_mech_err err = mcx_mikey_decode(msg, len, &m);

	if (err != MCX_OK)
		return err;
	return mcx_mikey_receive(&m, rx, got);
}

static void test_roundtrip_gmk(void **state)
{
	static const size_t offs[][2] = {{0, 25},   {25, 10},  {35, 18},
					 {53, 37},  {90, 37},  {127, 29},
					 {156, 29}, {185, 32}, {217, 278}};
	struct mcx_mikey_keyparams p;
	struct mcx_mikey_build b;
	struct mcx_mikey_received *got = calloc(1, sizeof(*got));
	struct mcx_mikey_receiver rx;
	struct mcx_mikey_msg m;
	uint8_t msg[BUF];
	size_t len = 0, plen = 0;

	(void)state;
	assert_non_null(got);
	fill_params(&p);
	gmk_build(&b, &p);
	len = encode(&b, msg);
	assert_int_equal(mcx_mikey_keyparams_encode(&p, NULL, 0, &plen),
			 MCX_OK);
	assert_int_equal(mcx_mikey_decode(msg, len, &m), MCX_OK);
	/* §5.6 layout: payload offsets and lengths. */
	assert_int_equal(m.n_payloads, 11);
	for (size_t i = 0; i < 9; i++) {
		assert_int_equal(m.pos[i].offset, offs[i][0]);
		assert_int_equal(m.pos[i].len, offs[i][1]);
	}
	assert_int_equal(m.pos[9].type, MCX_MIKEY_PT_GE);
	assert_int_equal(m.pos[9].offset, 495);
	assert_int_equal(m.pos[9].len, 4 + 35 + plen + 16);
	assert_int_equal(m.pos[10].type, MCX_MIKEY_PT_SIGN);
	assert_int_equal(m.pos[10].offset, 495 + 4 + 35 + plen + 16);
	assert_int_equal(m.signed_len, m.pos[10].offset + 2);
	assert_int_equal(len, m.pos[10].offset + 131);
	/* The same HDR / T / RAND / IDR / SP octets as Streamwide Test 1:
	 * GUK-ID 06A12AEA, SPI = GMK-ID || GUK-ID, next-payload chain. */
	assert_memory_equal(msg, sw1, 217);
	assert_int_equal(m.csb_id, 0x06A12AEA);
	assert_memory_equal(msg + 217, "\x15\x01\x02\x01\x11", 5);
	assert_memory_equal(msg + 495, "\x04\x07", 2);
	assert_int_equal(msg[m.pos[10].offset], 0x20);
	assert_int_equal(msg[m.pos[10].offset + 1], 0x81);
	/* Received by Alice. */
	rx_for(&rx, &alice, &gms);
	assert_int_equal(mcx_mikey_receive(&m, &rx, got), MCX_OK);
	assert_memory_equal(got->key, b.key, 16);
	assert_int_equal(got->key_id, 0x0DF9BC39);
	assert_int_equal(got->uk_id, 0x06A12AEA);
	assert_true(got->has_params);
	assert_int_equal(got->params.key_type, 0);
	assert_int_equal(got->params.status, 1);
	assert_int_equal(got->params.activation, 1758931706);
	assert_int_equal(got->params.expiry, 0xFFFFFFFF);
	assert_int_equal(got->params.text_len, strlen(text));
	assert_memory_equal(got->params.text, text, strlen(text));
	assert_int_equal(got->params.n_groups, 2);
	assert_int_equal(got->params.groups[1].len, sizeof(group2) - 1);
	assert_memory_equal(got->params.groups[1].id, group2,
			    sizeof(group2) - 1);
	/* The same with a cached verifier for the GMS; a verifier for
	 * another sender (Bob) is refused: it is not for the named sender
	 * (and with sender_id = Bob, IDRuidi names the GMS). */
	{
		struct mcx_eccsi_verifier *v = NULL;
		assert_int_equal(mcx_eccsi_verifier_new(
				     &v, kpak, gms.uid, gms.uid_len,
				     mcx_eccsi_signer_pvt(gms.signer), 65),
				 MCX_OK);
		rx.verifier = v;
		assert_int_equal(mcx_mikey_receive(&m, &rx, got), MCX_OK);
		assert_int_equal(got->key_id, 0x0DF9BC39);
		mcx_eccsi_verifier_free(v);
		assert_int_equal(mcx_eccsi_verifier_new(
				     &v, kpak, bob.uid, bob.uid_len,
				     mcx_eccsi_signer_pvt(bob.signer), 65),
				 MCX_OK);
		rx.verifier = v;
		assert_int_equal(mcx_mikey_receive(&m, &rx, got),
				 MCX_ERR_IDENTITY);
		rx.sender_id = bob.uid;
		rx.sender_id_len = bob.uid_len;
		assert_int_equal(mcx_mikey_receive(&m, &rx, got),
				 MCX_ERR_IDENTITY);
		mcx_eccsi_verifier_free(v);
		rx.verifier = NULL;
		rx.sender_id = gms.uid;
		rx.sender_id_len = gms.uid_len;
	}
	/* The envelope date is the Unix time of T (40 bits). */
	assert_int_equal(m.keyparams.date_time,
			 0xEC898DA8ull - MCX_MIKEY_NTP_UNIX_DELTA);
	free(got);
}

/* With Streamwide's SED, IV, placeholder date and key parameters, our
 * message equals Streamwide Test 1 up to and including the SIGN header. */
static void test_identical_to_streamwide(void **state)
{
	struct mcx_mikey_keyparams p;
	struct mcx_mikey_build b;
	struct mcx_mikey_received *got = calloc(1, sizeof(*got));
	struct mcx_mikey_receiver rx;
	uint8_t msg[BUF];
	size_t len = 0;

	(void)state;
	assert_non_null(got);
	memset(&p, 0, sizeof(p));
	p.status = MCX_MIKEY_STATUS_NOT_REVOKED;
	p.has_groups = 1;
	gmk_build(&b, &p);
	b.sed = sw1 + 222;
	b.params_iv = sw1 + 511;
	b.params_date_time = 1;
	len = encode(&b, msg);
	assert_int_equal(len, sw1_len);
	assert_memory_equal(msg, sw1, 572);
	rx_for(&rx, &alice, &gms);
	assert_int_equal(receive(msg, len, &rx, got), MCX_OK);
	free(got);
}

static void test_self_and_pck(void **state)
{
	struct mcx_mikey_build b;
	struct mcx_mikey_received *got = calloc(1, sizeof(*got));
	struct mcx_mikey_receiver rx;
	struct mcx_mikey_msg m;
	uint8_t msg[BUF], ssv[16];
	static const uint8_t pck[16] = "0123456789abcdef";
	size_t len = 0;

	(void)state;
	assert_non_null(got);
	/* SAKKE-to-self: the GMS's other devices recover the GMK. */
	gmk_build(&b, NULL);
	b.self_kms = kms;
	b.self_uid = gms.uid;
	b.self_uid_len = gms.uid_len;
	len = encode(&b, msg);
	assert_int_equal(mcx_mikey_decode(msg, len, &m), MCX_OK);
	assert_true(m.has_self);
	assert_false(m.has_keyparams);
	assert_int_equal(m.pos[9].len, 4 + 5 + 273);
	assert_int_equal(mcx_sakke_decapsulate(kms, gms.rsk, gms.uid,
					       gms.uid_len, m.self.sed,
					       m.self.sed_len, ssv),
			 MCX_OK);
	assert_memory_equal(ssv, b.key, 16);
	rx_for(&rx, &alice, &gms);
	assert_int_equal(mcx_mikey_receive(&m, &rx, got), MCX_OK);
	assert_false(got->has_params);

	/* A PCK Alice -> Bob: empty map, CSB-ID = PCK-ID, URIs in IDRi/r. */
	gmk_build(&b, NULL);
	b.key = pck;
	b.key_id = 0x16992638;
	b.map_type = MCX_MIKEY_MAP_EMPTY;
	b.rand = NULL;
	b.idri = (struct mcx_mikey_id){
	    MCX_MIKEY_ROLE_I, (const uint8_t *)alice.uri, strlen(alice.uri)};
	b.idrr = (struct mcx_mikey_id){
	    MCX_MIKEY_ROLE_R, (const uint8_t *)bob.uri, strlen(bob.uri)};
	b.receiver_uid = bob.uid;
	b.signer = alice.signer;
	len = encode(&b, msg);
	assert_int_equal(mcx_mikey_decode(msg, len, &m), MCX_OK);
	assert_int_equal(m.csb_id, 0x16992638);
	assert_int_equal(m.pos[0].len, 10);
	rx_for(&rx, &bob, &alice);
	assert_int_equal(mcx_mikey_receive(&m, &rx, got), MCX_OK);
	assert_memory_equal(got->key, pck, 16);
	assert_int_equal(got->key_id, 0x16992638);
	/* No IDRuidi: a cached verifier for Alice must not let the caller
	 * take Alice's message as the GMS's (the signature alone is valid). */
	{
		struct mcx_eccsi_verifier *v = NULL;
		assert_int_equal(mcx_eccsi_verifier_new(
				     &v, kpak, alice.uid, alice.uid_len,
				     mcx_eccsi_signer_pvt(alice.signer), 65),
				 MCX_OK);
		rx.verifier = v;
		assert_int_equal(mcx_mikey_receive(&m, &rx, got), MCX_OK);
		rx.sender_id = gms.uid;
		rx.sender_id_len = gms.uid_len;
		assert_int_equal(mcx_mikey_receive(&m, &rx, got),
				 MCX_ERR_IDENTITY);
		for (size_t i = 0; i < sizeof(got->key); i++)
			assert_int_equal(got->key[i], 0);
		mcx_eccsi_verifier_free(v);
		rx.verifier = NULL;
	}
	/* Without IDRuidi the sender ID must be given. */
	rx.sender_id = NULL;
	assert_int_equal(mcx_mikey_receive(&m, &rx, got), MCX_ERR_ARGUMENT);
	free(got);
}

static void resign(uint8_t *msg, size_t len)
{
	assert_int_equal(
	    mcx_eccsi_sign(gms.signer, msg, len - 129, msg + len - 129),
	    MCX_OK);
}

static void test_reject_tamper(void **state)
{
	struct mcx_mikey_keyparams p;
	struct mcx_mikey_build b;
	struct mcx_mikey_received *got = calloc(1, sizeof(*got));
	struct mcx_mikey_receiver rx;
	struct mcx_mikey_msg m;
	struct mcx_eccsi_kpak *other = NULL;
	uint8_t msg[BUF], t[BUF], ksak[32], kp[65];
	size_t len = 0;

	(void)state;
	assert_non_null(got);
	fill_params(&p);
	gmk_build(&b, &p);
	len = encode(&b, msg);
	assert_int_equal(mcx_mikey_decode(msg, len, &m), MCX_OK);
	rx_for(&rx, &alice, &gms);
	assert_int_equal(receive(msg, len, &rx, got), MCX_OK);
	/* A tampered octet in each signed payload: still well formed, the
	 * signature fails. */
	for (size_t i = 0; i + 1 < m.n_payloads; i++) {
		memcpy(t, msg, len);
		t[m.pos[i].offset + m.pos[i].len - 1] ^= 0x01;
		/* IDRuidi (payload 3) no longer names the expected sender;
		 * taken as the sender ID, the signature fails. */
		assert_int_equal(receive(t, len, &rx, got),
				 i == 3 ? MCX_ERR_IDENTITY : MCX_ERR_SIGNATURE);
		rx.sender_id = NULL;
		assert_int_equal(receive(t, len, &rx, got), MCX_ERR_SIGNATURE);
		rx.sender_id = gms.uid;
	}
	/* ... and in the signature's s. */
	memcpy(t, msg, len);
	t[len - 66] ^= 0x01;
	assert_int_equal(receive(t, len, &rx, got), MCX_ERR_SIGNATURE);
	/* Wrong KPAK. */
	assert_int_equal(mcx_eccsi_kms_keygen(ksak, kp), MCX_OK);
	assert_int_equal(mcx_eccsi_kpak_new(&other, kp, sizeof(kp)), MCX_OK);
	rx.kpak = other;
	assert_int_equal(receive(msg, len, &rx, got), MCX_ERR_SIGNATURE);
	mcx_eccsi_kpak_free(other);
	/* A sender ID other than IDRuidi. */
	rx_for(&rx, &alice, &bob);
	assert_int_equal(receive(msg, len, &rx, got), MCX_ERR_IDENTITY);
	/* Not for Bob (IDRuidr is Alice). */
	rx_for(&rx, &bob, &gms);
	assert_int_equal(receive(msg, len, &rx, got), MCX_ERR_IDENTITY);
	/* Alice's keys with a wrong URI: wrong K-ID, caught by the SPI. */
	rx_for(&rx, &alice, &gms);
	rx.own_uri = (const uint8_t *)bob.uri;
	rx.own_uri_len = strlen(bob.uri);
	assert_int_equal(receive(msg, len, &rx, got), MCX_ERR_KEY_ID);
	/* The GE ciphertext tampered under a valid signature: GCM fails. */
	rx_for(&rx, &alice, &gms);
	memcpy(t, msg, len);
	t[495 + 4 + 35] ^= 0x80;
	resign(t, len);
	assert_int_equal(receive(t, len, &rx, got), MCX_ERR_PARAMS);
	for (size_t i = 0; i < sizeof(got->key); i++)
		assert_int_equal(got->key[i], 0); /* wiped */
	/* A SAKKE data tampered under a valid signature: decapsulation. */
	memcpy(t, msg, len);
	t[217 + 5 + 272] ^= 0x01;
	resign(t, len);
	assert_int_equal(receive(t, len, &rx, got), MCX_ERR_DECAP_CHECK);
	free(got);
}

static void test_reject_structure(void **state)
{
	struct mcx_mikey_keyparams p;
	struct mcx_mikey_build b;
	struct mcx_mikey_msg m;
	uint8_t msg[BUF], t[BUF];
	size_t len = 0, sign = 0, ge = 0;

	(void)state;
	fill_params(&p);
	gmk_build(&b, &p);
	len = encode(&b, msg);
	assert_int_equal(mcx_mikey_decode(msg, len, &m), MCX_OK);
	sign = m.pos[10].offset;
	ge = m.pos[9].offset;
	/* Every truncation. */
	for (size_t n = 0; n < len; n++)
		assert_int_equal(mcx_mikey_decode(msg, n, &m),
				 MCX_ERR_ENCODING);
	/* Lengths pointing outside the message. */
	static const size_t at[] = {14, 53 + 3, 185 + 3, 217 + 3};
	for (size_t i = 0; i < sizeof(at) / sizeof(at[0]); i++) {
		memcpy(t, msg, len);
		t[at[i]] = 0xFF;
		t[at[i] + 1] = 0xFF;
		assert_int_equal(mcx_mikey_decode(t, len, &m),
				 MCX_ERR_ENCODING);
	}
	memcpy(t, msg, len);
	t[ge + 2] = 0xFF;
	assert_int_equal(mcx_mikey_decode(t, len, &m), MCX_ERR_ENCODING);
	memcpy(t, msg, len);
	t[sign] |= 0x0F; /* signature length 0xF81 */
	assert_int_equal(mcx_mikey_decode(t, len, &m), MCX_ERR_ENCODING);
	/* Wrong SIGN type (3), right length. */
	memcpy(t, msg, len);
	t[sign] = 0x30;
	assert_int_equal(mcx_mikey_decode(t, len, &m), MCX_ERR_UNSUPPORTED);
	/* SIGN not last: an octet after it; a chain ending without SIGN. */
	memcpy(t, msg, len);
	t[len] = 0;
	assert_int_equal(mcx_mikey_decode(t, len + 1, &m), MCX_ERR_ENCODING);
	memcpy(t, msg, len);
	t[ge] = MCX_MIKEY_PT_LAST;
	assert_int_equal(mcx_mikey_decode(t, len, &m), MCX_ERR_ENCODING);
	/* Payloads out of order: SAKKE's next points to T. */
	memcpy(t, msg, len);
	t[217] = MCX_MIKEY_PT_T;
	assert_int_equal(mcx_mikey_decode(t, len, &m), MCX_ERR_ENCODING);
	/* Bad SAKKE params, ID scheme; unknown GE type; HDR values. */
	static const size_t bad[][2] = {{217 + 1, 2}, {217 + 2, 1}, {0, 2},
					{1, 6},	      {3, 2},	    {26, 2}};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memcpy(t, msg, len);
		t[bad[i][0]] = (uint8_t)bad[i][1];
		assert_int_equal(mcx_mikey_decode(t, len, &m),
				 MCX_ERR_UNSUPPORTED);
	}
	memcpy(t, msg, len);
	t[ge + 1] = 9;
	assert_int_equal(mcx_mikey_decode(t, len, &m), MCX_ERR_UNSUPPORTED);
	/* DPPK-ID not the CSB-ID. */
	memcpy(t, msg, len);
	t[ge + 4 + 28] ^= 1;
	assert_int_equal(mcx_mikey_decode(t, len, &m), MCX_ERR_PARAMS_FORMAT);
}

static int inside(const uint8_t *msg, size_t len, const uint8_t *p, size_t n)
{
	if (n == 0)
		return 1;
	return p != NULL && p >= msg && n <= len &&
	       (size_t)(p - msg) <= len - n;
}

/* Every pointer and length the decoder hands out lies inside the input. */
static void assert_within(const uint8_t *msg, size_t len,
			  const struct mcx_mikey_msg *m)
{
	assert_true(m->n_payloads <= MCX_MIKEY_MAX_PAYLOADS);
	for (size_t i = 0; i < m->n_payloads; i++)
		assert_true(m->pos[i].offset <= len &&
			    m->pos[i].len <= len - m->pos[i].offset);
	assert_true(m->n_idr <= MCX_MIKEY_MAX_IDR &&
		    m->n_cs <= MCX_MIKEY_MAX_CS);
	for (size_t i = 0; i < m->n_idr; i++)
		assert_true(inside(msg, len, m->idr[i].id, m->idr[i].id_len));
	for (size_t i = 0; i < m->n_cs; i++) {
		assert_true(
		    inside(msg, len, m->cs[i].policies, m->cs[i].n_policies));
		assert_true(inside(msg, len, m->cs[i].session_data,
				   m->cs[i].session_data_len));
		assert_true(inside(msg, len, m->cs[i].spi, m->cs[i].spi_len));
	}
	assert_true(inside(msg, len, m->rand, m->rand_len));
	assert_true(inside(msg, len, m->sp_params, m->sp_params_len));
	assert_true(inside(msg, len, m->sakke.sed, m->sakke.sed_len));
	if (m->has_self)
		assert_true(inside(msg, len, m->self.sed, m->self.sed_len));
	if (m->has_keyparams) {
		assert_true(
		    inside(msg, len, m->keyparams.data, m->keyparams.len));
		assert_true(
		    inside(msg, len, m->keyparams.ct, m->keyparams.ct_len));
		assert_true(
		    inside(msg, len, m->keyparams.iv, MCX_MIKEY_PP_IV_LEN));
	}
	assert_true(inside(msg, len, m->sig, m->sig_len));
	assert_true(m->signed_len <= len);
}

/* Try to break the parser: every single-octet change of a GMK message with
 * SAKKE-to-self and key parameters, to a set of values that hit the
 * boundaries of lengths, counts and types (0, 1, 0x7F, 0x80, 0xFF, +-1).
 * Accepted or not, nothing may point outside the input (ASan catches the
 * reads).  Then the cases the grammar forbids by name. */
static void test_mutations(void **state)
{
	static const uint8_t vals[] = {0x00, 0x01, 0x02, 0x07,
				       0x7F, 0x80, 0xFE, 0xFF};
	struct mcx_mikey_keyparams p;
	struct mcx_mikey_build b;
	struct mcx_mikey_msg m, good;
	uint8_t msg[BUF], t[BUF];
	size_t len = 0, accepted = 0, idr = 0;

	(void)state;
	fill_params(&p);
	gmk_build(&b, &p);
	b.self_kms = kms;
	b.self_uid = gms.uid;
	b.self_uid_len = gms.uid_len;
	len = encode(&b, msg);
	assert_int_equal(mcx_mikey_decode(msg, len, &m), MCX_OK);
	assert_within(msg, len, &m);
	good = m; /* m is cleared by every failed decode below */
	idr = good.pos[3].offset; /* IDRuidi */
	for (size_t i = 0; i < len; i++) {
		for (size_t k = 0; k < sizeof(vals) + 2; k++) {
			uint8_t v = k < sizeof(vals)	? vals[k]
				    : k == sizeof(vals) ? (uint8_t)(msg[i] + 1)
							: (uint8_t)(msg[i] - 1);
			if (v == msg[i])
				continue;
			memcpy(t, msg, len);
			t[i] = v;
			if (mcx_mikey_decode(t, len, &m) == MCX_OK) {
				accepted++;
				assert_within(t, len, &m);
			} else {
				/* Failure leaves nothing behind. */
				assert_null(m.msg);
				assert_int_equal(m.n_payloads, 0);
			}
		}
	}
	/* Changes inside IDs, RAND, SED, ciphertext and signature are well
	 * formed: some must be accepted, or the loop tested nothing. */
	assert_true(accepted > 0);

	/* A second IDR with a role already present (IDRuidi's role on
	 * IDRuidr): one identity per role. */
	memcpy(t, msg, len);
	t[good.pos[4].offset + 1] = MCX_MIKEY_ROLE_UIDI;
	assert_int_equal(mcx_mikey_decode(t, len, &m), MCX_ERR_ENCODING);
	/* IDR roles 3..5 and ID type 3 are not TS 33.180's. */
	for (uint8_t r = 3; r <= 5; r++) {
		memcpy(t, msg, len);
		t[idr + 1] = r;
		assert_int_equal(mcx_mikey_decode(t, len, &m),
				 MCX_ERR_UNSUPPORTED);
	}
	memcpy(t, msg, len);
	t[idr + 2] = 3;
	assert_int_equal(mcx_mikey_decode(t, len, &m), MCX_ERR_UNSUPPORTED);
	/* The V bit (no verification message in MIKEY-SAKKE, E.1.2). */
	memcpy(t, msg, len);
	t[3] |= 0x80;
	assert_int_equal(mcx_mikey_decode(t, len, &m), MCX_ERR_UNSUPPORTED);
	/* RAND shorter than 128 bits (RFC 3830 §6.11): the length octet. */
	memcpy(t, msg, len);
	t[good.pos[2].offset + 1] = 15;
	assert_int_equal(mcx_mikey_decode(t, len, &m), MCX_ERR_ENCODING);
	/* More crypto sessions than we keep. */
	memcpy(t, msg, len);
	t[8] = MCX_MIKEY_MAX_CS + 1;
	assert_int_equal(mcx_mikey_decode(t, len, &m), MCX_ERR_UNSUPPORTED);
	/* A mandatory IDR missing: IDRkmsr's role changed to IDRr's (the
	 * message has IDRuidr, so no duplicate) leaves no IDRkmsr. */
	memcpy(t, msg, len);
	t[good.pos[6].offset + 1] = MCX_MIKEY_ROLE_R;
	assert_int_equal(mcx_mikey_decode(t, len, &m), MCX_ERR_ENCODING);
	/* SIGN straight after HDR. */
	memcpy(t, msg, len);
	t[2] = MCX_MIKEY_PT_SIGN;
	assert_int_equal(mcx_mikey_decode(t, len, &m), MCX_ERR_ENCODING);
}

/* Decision g: a clear "legacy" key-parameter block in GE type 7 (as
 * Streamwide Test 4) is rejected even under a valid signature. */
static void test_reject_legacy(void **state)
{
	static const uint8_t legacy[17] = {0x01, 0, 0, 0, 0x01};
	struct mcx_mikey_build b;
	struct mcx_mikey_msg m;
	uint8_t msg[BUF], t[BUF];
	size_t len = 0, n = 0;

	(void)state;
	gmk_build(&b, NULL);
	len = encode(&b, msg);
	assert_int_equal(mcx_mikey_decode(msg, len, &m), MCX_OK);
	n = m.pos[8].offset + m.pos[8].len; /* end of SAKKE */
	memcpy(t, msg, n);
	t[m.pos[8].offset] = MCX_MIKEY_PT_GE;
	t[n] = MCX_MIKEY_PT_SIGN;
	t[n + 1] = MCX_MIKEY_GE_KEY_PARAMS;
	t[n + 2] = 0;
	t[n + 3] = sizeof(legacy);
	memcpy(t + n + 4, legacy, sizeof(legacy));
	n += 4 + sizeof(legacy);
	t[n] = 0x20;
	t[n + 1] = 0x81;
	n += 2 + 129;
	resign(t, n);
	assert_int_equal(mcx_mikey_decode(t, n, &m), MCX_ERR_PARAMS_FORMAT);
}

static void test_keyparams(void **state)
{
	struct mcx_mikey_keyparams p, q;
	uint8_t buf[512];
	size_t len = 0;

	(void)state;
	fill_params(&p);
	assert_int_equal(mcx_mikey_keyparams_encode(&p, buf, sizeof(buf), &len),
			 MCX_OK);
	assert_int_equal(len, 17 + strlen(text) + 3 + 2 * 3 + sizeof(group1) -
				  1 + sizeof(group2) - 1);
	assert_int_equal(mcx_mikey_keyparams_parse(buf, len, &q), MCX_OK);
	assert_int_equal(q.activation, p.activation);
	assert_int_equal(q.n_groups, 2);
	assert_memory_equal(q.groups[0].id, group1, sizeof(group1) - 1);
	for (size_t n = 0; n < len; n++)
		if (n != 17 + strlen(text)) { /* the end before the groups */
			assert_int_equal(mcx_mikey_keyparams_parse(buf, n, &q),
					 MCX_ERR_PARAMS_FORMAT);
			/* No partial result: a failed parse leaves nothing
			 * (not has_groups with some groups read). */
			assert_false(q.has_groups);
			assert_int_equal(q.n_groups, 0);
			assert_null(q.text);
			assert_null(q.groups[0].id);
		}
	buf[len] = 0;
	assert_int_equal(mcx_mikey_keyparams_parse(buf, len + 1, &q),
			 MCX_ERR_PARAMS_FORMAT);
	p.activation = MCX_MIKEY_TIME40_MAX + 1;
	assert_int_equal(mcx_mikey_keyparams_encode(&p, NULL, 0, &len),
			 MCX_ERR_ARGUMENT);
	assert_int_equal(mcx_mikey_ntp_from_unix(0),
			 (uint64_t)MCX_MIKEY_NTP_UNIX_DELTA << 32);
	assert_int_equal(mcx_mikey_unix_from_ntp(0xEC898DA800000000ull),
			 0xEC898DA8ull - MCX_MIKEY_NTP_UNIX_DELTA);
}

static int setup(void **state)
{
	size_t zl = 0, kl = 0;
	uint8_t *z, *kp;

	(void)state;
	root = mcx_vectors_load("mikey_streamwide_v5.json");
	z = mcx_vectors_hex(root, "kms.Z_PubEncKey", &zl);
	kp = mcx_vectors_hex(root, "kms.KPAK_PubAuthKey", &kl);
	if (mcx_sakke_kms_new(z, zl, &kms) != MCX_OK ||
	    mcx_eccsi_kpak_new(&kpak, kp, kl) != MCX_OK)
		return -1;
	free(z);
	free(kp);
	kms_uri = mcx_vectors_str(root, "kms.KmsUri");
	load_user(&gms, "GMS");
	load_user(&alice, "Alice");
	load_user(&bob, "Bob");
	sw1 = mcx_vectors_hex(root, "cases.0.hex", &sw1_len);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	free_user(&gms);
	free_user(&alice);
	free_user(&bob);
	free(sw1);
	mcx_sakke_kms_free(kms);
	mcx_eccsi_kpak_free(kpak);
	json_object_put(root);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_roundtrip_gmk),
	    cmocka_unit_test(test_identical_to_streamwide),
	    cmocka_unit_test(test_self_and_pck),
	    cmocka_unit_test(test_reject_tamper),
	    cmocka_unit_test(test_reject_structure),
	    cmocka_unit_test(test_mutations),
	    cmocka_unit_test(test_reject_legacy),
	    cmocka_unit_test(test_keyparams),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
