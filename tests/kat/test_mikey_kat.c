/*
 * Known answers for MIKEY-SAKKE (tests/vectors/mikey_streamwide_v5.json):
 * the three Streamwide v5 I_MESSAGEs decode payload by payload exactly as
 * the JSON says, and each is received with the responder's RSK, the KMS
 * Z / KPAK and the initiator's UID: key, K-ID, GUK-ID, RAND and the
 * decrypted key parameters equal the published values (decision e).
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

static struct json_object *root;

static int64_t num(struct json_object *o, const char *path)
{
	struct json_object *v = mcx_vectors_get(o, path);

	assert_non_null(v);
	return json_object_get_int64(v);
}

static void assert_hex(const uint8_t *got, size_t got_len,
		       struct json_object *o, const char *path)
{
	size_t len = 0;
	uint8_t *exp = mcx_vectors_hex(o, path, &len);

	assert_int_equal(got_len, len);
	assert_memory_equal(got, exp, len);
	free(exp);
}

static uint32_t hex32(struct json_object *o, const char *path)
{
	return (uint32_t)strtoul(mcx_vectors_str(o, path), NULL, 16);
}

/* Check one payload of the decoded message against its JSON record. */
static void check_payload(const struct mcx_mikey_msg *m, size_t idx,
			  size_t *n_idr, struct json_object *p)
{
	const char *type = mcx_vectors_str(p, "type");
	size_t off = (size_t)num(p, "offset");
	size_t len = (size_t)num(p, "length");
	const struct mcx_mikey_payload_pos *pos = &m->pos[idx];

	assert_int_equal(pos->offset, off);
	assert_int_equal(pos->len, len);
	if (strcmp(type, "HDR") == 0) {
		assert_int_equal(pos->type, MCX_MIKEY_PT_HDR);
		assert_int_equal(m->version, num(p, "version"));
		assert_int_equal(m->data_type, num(p, "data_type"));
		assert_int_equal(m->v, num(p, "V"));
		assert_int_equal(m->prf, num(p, "PRF"));
		assert_int_equal(m->csb_id, hex32(p, "csb_id"));
		assert_int_equal(m->n_cs, num(p, "n_cs"));
		assert_int_equal(m->map_type, num(p, "cs_id_map_type"));
		for (size_t i = 0; i < m->n_cs; i++) {
			char path[64];
			const struct mcx_mikey_cs *cs = &m->cs[i];
#define CS(f) (snprintf(path, sizeof(path), "generic_id.%zu." f, i), path)
			assert_int_equal(cs->cs_id, num(p, CS("cs_id")));
			assert_int_equal(cs->prot_type,
					 num(p, CS("prot_type")));
			assert_int_equal(cs->s, num(p, CS("S")));
			assert_int_equal(cs->n_policies,
					 num(p, CS("n_policies")));
			for (size_t k = 0; k < cs->n_policies; k++) {
				snprintf(path, sizeof(path),
					 "generic_id.%zu.policies.%zu", i, k);
				assert_int_equal(cs->policies[k], num(p, path));
			}
			assert_hex(cs->session_data, cs->session_data_len, p,
				   CS("session_data"));
			assert_int_equal(cs->spi_len, num(p, CS("spi_len")));
			assert_hex(cs->spi, cs->spi_len, p, CS("spi"));
#undef CS
		}
	} else if (strcmp(type, "T") == 0) {
		uint8_t ts[8];
		assert_int_equal(pos->type, MCX_MIKEY_PT_T);
		assert_int_equal(m->ts_type, num(p, "ts_type"));
		for (size_t i = 0; i < 8; i++)
			ts[i] = (uint8_t)(m->ts >> (56 - 8 * i));
		assert_hex(ts, 8, p, "ts");
	} else if (strcmp(type, "RAND") == 0) {
		assert_int_equal(pos->type, MCX_MIKEY_PT_RAND);
		assert_hex(m->rand, m->rand_len, p, "rand");
	} else if (strcmp(type, "IDR") == 0) {
		const struct mcx_mikey_idr *id = &m->idr[(*n_idr)++];
		assert_int_equal(pos->type, MCX_MIKEY_PT_IDR);
		assert_int_equal(id->role, num(p, "id_role"));
		assert_int_equal(id->type, num(p, "id_type"));
		assert_int_equal(id->id_len, num(p, "id_len"));
		assert_hex(id->id, id->id_len, p, "id_hex");
	} else if (strcmp(type, "SP") == 0) {
		struct json_object *params = mcx_vectors_get(p, "params");
		size_t o = 0;
		assert_int_equal(pos->type, MCX_MIKEY_PT_SP);
		assert_true(m->has_sp);
		assert_int_equal(m->sp_policy_no, num(p, "policy_no"));
		assert_int_equal(m->sp_prot_type, num(p, "prot_type"));
		assert_int_equal(m->sp_params_len, num(p, "param_len"));
		for (size_t i = 0; i < json_object_array_length(params); i++) {
			char path[32];
			size_t vl = 0;
			uint8_t *v = NULL;
			snprintf(path, sizeof(path), "params.%zu.1", i);
			v = mcx_vectors_hex(p, path, &vl);
			snprintf(path, sizeof(path), "params.%zu.0", i);
			assert_int_equal(m->sp_params[o], num(p, path));
			assert_int_equal(m->sp_params[o + 1], vl);
			assert_memory_equal(m->sp_params + o + 2, v, vl);
			o += 2 + vl;
			free(v);
		}
		assert_int_equal(o, m->sp_params_len);
	} else if (strcmp(type, "SAKKE") == 0) {
		assert_int_equal(pos->type, MCX_MIKEY_PT_SAKKE);
		assert_int_equal(m->sakke.params, num(p, "sakke_params"));
		assert_int_equal(m->sakke.id_scheme, num(p, "id_scheme"));
		assert_hex(m->sakke.sed, m->sakke.sed_len, p, "sakke_data");
	} else if (strcmp(type, "GEN-EXT") == 0) {
		assert_int_equal(pos->type, MCX_MIKEY_PT_GE);
		assert_int_equal(num(p, "ext_type"), MCX_MIKEY_GE_KEY_PARAMS);
		assert_true(m->has_keyparams);
		assert_hex(m->keyparams.data, m->keyparams.len, p, "ext_data");
	} else if (strcmp(type, "SIGN") == 0) {
		assert_int_equal(pos->type, MCX_MIKEY_PT_SIGN);
		assert_int_equal(m->sign_type, num(p, "s_type"));
		assert_int_equal(m->sig_len, num(p, "sig_len"));
		assert_hex(m->sig, m->sig_len, p, "signature");
		/* The JSON's signed_part_len is the offset of the SIGN
		 * header; the signature covers its 2 octets too. */
		assert_int_equal(m->signed_len,
				 (size_t)num(p, "signed_part_len") + 2);
	} else {
		fail_msg("unexpected payload type %s", type);
	}
}

static void test_decode(void **state)
{
	struct json_object *cases = mcx_vectors_get(root, "cases");

	(void)state;
	assert_int_equal(json_object_array_length(cases), 3);
	for (size_t c = 0; c < 3; c++) {
		struct json_object *cs = json_object_array_get_idx(cases, c);
		struct json_object *pl = mcx_vectors_get(cs, "payloads");
		struct mcx_mikey_msg m;
		size_t len = 0, n_idr = 0;
		uint8_t *msg = mcx_vectors_hex(cs, "hex", &len);

		assert_int_equal(len, num(cs, "length"));
		assert_int_equal(mcx_mikey_decode(msg, len, &m), MCX_OK);
		assert_int_equal(m.n_payloads, json_object_array_length(pl));
		for (size_t i = 0; i < m.n_payloads; i++)
			check_payload(&m, i, &n_idr,
				      json_object_array_get_idx(pl, i));
		assert_int_equal(n_idr, m.n_idr);
		free(msg);
	}
}

struct keys {
	struct mcx_sakke_kms *kms;
	struct mcx_eccsi_kpak *kpak;
};

static void load_kms(struct keys *k)
{
	size_t zl = 0, kl = 0;
	uint8_t *z = mcx_vectors_hex(root, "kms.Z_PubEncKey", &zl);
	uint8_t *kp = mcx_vectors_hex(root, "kms.KPAK_PubAuthKey", &kl);

	assert_int_equal(mcx_sakke_kms_new(z, zl, &k->kms), MCX_OK);
	assert_int_equal(mcx_eccsi_kpak_new(&k->kpak, kp, kl), MCX_OK);
	free(z);
	free(kp);
}

static void test_receive(void **state)
{
	struct json_object *cases = mcx_vectors_get(root, "cases");
	struct keys k = {NULL, NULL};

	(void)state;
	load_kms(&k);
	for (size_t c = 0; c < 3; c++) {
		struct json_object *cs = json_object_array_get_idx(cases, c);
		char path[64];
		const char *rrole = mcx_vectors_str(cs, "responder.role");
		struct mcx_mikey_msg m;
		struct mcx_mikey_received *got = calloc(1, sizeof(*got));
		struct mcx_mikey_receiver rx;
		struct mcx_sakke_rsk *rsk = NULL;
		size_t len = 0, rl = 0, il = 0, ul = 0;
		uint8_t *msg = mcx_vectors_hex(cs, "hex", &len);
		uint8_t *ini = mcx_vectors_hex(cs, "initiator.uid", &il);
		uint8_t *uid = mcx_vectors_hex(cs, "responder.uid", &ul);
		const char *uri = mcx_vectors_str(cs, "responder.uri");
		uint8_t *rskb = NULL;

		assert_non_null(got);
		snprintf(path, sizeof(path), "users.%s.RSK", rrole);
		rskb = mcx_vectors_hex(root, path, &rl);
		assert_int_equal(mcx_sakke_rsk_new(rskb, rl, &rsk), MCX_OK);
		assert_int_equal(mcx_mikey_decode(msg, len, &m), MCX_OK);
		memset(&rx, 0, sizeof(rx));
		rx.kpak = k.kpak;
		rx.sender_id = ini;
		rx.sender_id_len = il;
		rx.kms = k.kms;
		rx.rsk = rsk;
		rx.own_uid = uid;
		rx.own_uid_len = ul;
		rx.own_uri = (const uint8_t *)uri;
		rx.own_uri_len = strlen(uri);
		assert_int_equal(mcx_mikey_receive(&m, &rx, got), MCX_OK);
		assert_hex(got->key, sizeof(got->key), cs, "expected.key");
		assert_int_equal(got->key_id, hex32(cs, "expected.key_id"));
		if (mcx_vectors_get(cs, "expected.guk_id") != NULL)
			assert_int_equal(got->uk_id,
					 hex32(cs, "expected.guk_id"));
		else
			assert_int_equal(got->uk_id, got->key_id);
		assert_hex(m.rand, m.rand_len, cs, "expected.rand");
		assert_true(got->has_params);
		assert_hex(got->params_plain, got->params_plain_len, cs,
			   "gen_ext_key_parameters.plaintext");
		assert_int_equal(
		    m.keyparams.dppk_id,
		    hex32(cs, "gen_ext_key_parameters.dppk_id_used"));
		assert_int_equal(got->params.key_type, got->key_id >> 28);
		assert_int_equal(got->params.status,
				 MCX_MIKEY_STATUS_NOT_REVOKED);
		assert_int_equal(got->params.activation, 0);
		assert_int_equal(got->params.expiry, 0);
		assert_int_equal(got->params.text_len, 0);
		/* Groups only for the GMK (Test 1): a block with count 0. */
		assert_int_equal(got->params.has_groups, c == 0);
		assert_int_equal(got->params.n_groups, 0);

		/* The same message with the sender UID taken from IDRuidi
		 * (decision g). */
		rx.sender_id = NULL;
		assert_int_equal(mcx_mikey_receive(&m, &rx, got), MCX_OK);
		assert_hex(got->key, sizeof(got->key), cs, "expected.key");

		/* Verification over the bytes before the SIGN header only
		 * must fail (the JSON's _if_SIGN_header_excluded check). */
		assert_int_equal(mcx_eccsi_verify(k.kpak, ini, il, msg,
						  m.signed_len - 2, m.sig,
						  m.sig_len),
				 MCX_ERR_SIGNATURE);
		mcx_sakke_rsk_free(rsk);
		free(rskb);
		free(msg);
		free(ini);
		free(uid);
		free(got);
	}
	mcx_sakke_kms_free(k.kms);
	mcx_eccsi_kpak_free(k.kpak);
}

/* The DPCKs of the JSON are the keys under which the GCM tags verify. */
static void test_dpck(void **state)
{
	struct json_object *cases = mcx_vectors_get(root, "cases");

	(void)state;
	for (size_t c = 0; c < 3; c++) {
		struct json_object *cs = json_object_array_get_idx(cases, c);
		size_t kl = 0;
		uint8_t *key = mcx_vectors_hex(cs, "expected.key", &kl);
		uint8_t id[4], dpck[16];
		uint32_t dppk =
		    hex32(cs, "gen_ext_key_parameters.dppk_id_used");

		for (size_t i = 0; i < 4; i++)
			id[i] = (uint8_t)(dppk >> (24 - 8 * i));
		assert_int_equal(mcx_kdf3gpp_dpck(key, kl, id, dpck), MCX_OK);
		assert_hex(dpck, 16, cs, "gen_ext_key_parameters.dpck");
		free(key);
	}
}

static int setup(void **state)
{
	(void)state;
	root = mcx_vectors_load("mikey_streamwide_v5.json");
	return root == NULL;
}

static int teardown(void **state)
{
	(void)state;
	json_object_put(root);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_decode),
	    cmocka_unit_test(test_receive),
	    cmocka_unit_test(test_dpck),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
