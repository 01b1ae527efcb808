/*
 * The BIGNUM reference SAKKE (tests/ref/sakke_ref.c) against every value of
 * RFC 6508 Appendix A in tests/vectors/sakke_rfc6508.json, the three
 * Streamwide v5 RSKs, and the file's suggested negative tests.  The
 * reference is the oracle of tests/unit/test_sakke_diff, so it is checked
 * here on its own first.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tests/common/vectors.h"
#include "tests/ref/sakke_ref.h"

struct st {
	struct json_object *root;
	struct mcx_sakke_ref *ref;
	uint8_t *z, *id, *ssv, *zpub, *rsk;
	size_t z_len, id_len;
};

static uint8_t *hexn(struct json_object *root, const char *path, size_t want)
{
	size_t len = 0;
	uint8_t *out = mcx_vectors_hex(root, path, &len);

	assert_int_equal(len, want);
	return out;
}

static int setup(void **state)
{
	struct st *t = calloc(1, sizeof(*t));
	size_t len;

	assert_non_null(t);
	t->root = mcx_vectors_load("sakke_rfc6508.json");
	t->ref = mcx_sakke_ref_new();
	assert_non_null(t->ref);
	t->z = mcx_vectors_hex(t->root, "inputs.z.hex", &t->z_len);
	t->id = mcx_vectors_hex(t->root, "inputs.ID_b.hex", &t->id_len);
	t->ssv = hexn(t->root, "inputs.SSV.hex", 16);
	t->zpub = hexn(t->root, "outputs.Z.hex", 257);
	t->rsk = hexn(t->root, "outputs.RSK.hex", 257);
	(void)len;
	*state = t;
	return 0;
}

static int teardown(void **state)
{
	struct st *t = *state;

	mcx_sakke_ref_free(t->ref);
	free(t->z);
	free(t->id);
	free(t->ssv);
	free(t->zpub);
	free(t->rsk);
	json_object_put(t->root);
	free(t);
	return 0;
}

/* g = <P, P> */
static void test_g(void **state)
{
	struct st *t = *state;
	uint8_t p[257], w[128];
	uint8_t *g = hexn(t->root, "parameter_set_1.g", 128);

	mcx_sakke_ref_get_p(t->ref, p);
	assert_int_equal(mcx_sakke_ref_pairing(t->ref, p, p, w), 0);
	assert_memory_equal(w, g, 128);
	free(g);
}

/* The Jacobian scalar multiplication and pairing equal the literal affine
 * ones: g = <P, P> both ways, <R, RSK> both ways, and [k]P for scalars of
 * several sizes (including 1, 2 and q - 1). */
static void test_fast_vs_literal(void **state)
{
	struct st *t = *state;
	uint8_t p[257], a[257], b[257], w1[128], w2[128], k[128];
	uint8_t *sed = hexn(t->root, "outputs.SED.hex", 273);
	uint8_t *q = hexn(t->root, "parameter_set_1.q", 128);
	static const size_t lens[] = {1, 1, 8, 32, 128, 128};

	mcx_sakke_ref_get_p(t->ref, p);
	assert_int_equal(mcx_sakke_ref_pairing_affine(t->ref, sed, t->rsk, w1),
			 0);
	assert_int_equal(mcx_sakke_ref_pairing(t->ref, sed, t->rsk, w2), 0);
	assert_memory_equal(w1, w2, 128);
	assert_int_equal(mcx_sakke_ref_pairing_affine(t->ref, p, p, w1), 0);
	assert_int_equal(mcx_sakke_ref_pairing(t->ref, p, p, w2), 0);
	assert_memory_equal(w1, w2, 128);
	for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		for (size_t j = 0; j < lens[i]; j++)
			k[j] = (uint8_t)(0x5A + 77 * j + i);
		if (i == 0)
			k[0] = 1;
		if (i == 1)
			k[0] = 2;
		if (i == 5) {
			memcpy(k, q, 128);
			k[127] -= 1; /* q - 1: [q-1]P = -P */
		}
		if (i == 4)
			k[0] &= 0x1F; /* below q */
		assert_int_equal(
		    mcx_sakke_ref_point_mul_affine(t->ref, k, lens[i], p, a),
		    0);
		assert_int_equal(
		    mcx_sakke_ref_point_mul(t->ref, k, lens[i], p, b), 0);
		assert_memory_equal(a, b, 257);
	}
	/* [q-1]P = -P: same x, y = p - Py */
	assert_memory_equal(b + 1, p + 1, 128);
	assert_memory_not_equal(b + 129, p + 129, 128);
	/* [q]P is the point at infinity: no encoding. */
	assert_int_equal(mcx_sakke_ref_point_mul(t->ref, q, 128, p, b), -1);
	free(sed);
	free(q);
}

/* Z = [z]P, RSK = [(b + z)^-1]P, <[b]P + Z, RSK> = g; the RSK of another
 * identity fails. */
static void test_kms(void **state)
{
	struct st *t = *state;
	uint8_t out[257];

	assert_int_equal(mcx_sakke_ref_kms_public(t->ref, t->z, t->z_len, out),
			 0);
	assert_memory_equal(out, t->zpub, 257);
	assert_int_equal(mcx_sakke_ref_issue_rsk(t->ref, t->z, t->z_len, t->id,
						 t->id_len, out),
			 0);
	assert_memory_equal(out, t->rsk, 257);
	assert_int_equal(mcx_sakke_ref_validate_rsk(t->ref, t->zpub, t->rsk,
						    t->id, t->id_len),
			 0);
	/* "RSK for another identity -> RSK validation fails" */
	t->id[3] ^= 1;
	assert_int_equal(mcx_sakke_ref_issue_rsk(t->ref, t->z, t->z_len, t->id,
						 t->id_len, out),
			 0);
	t->id[3] ^= 1;
	assert_int_equal(
	    mcx_sakke_ref_validate_rsk(t->ref, t->zpub, out, t->id, t->id_len),
	    -1);
}

/* r, [b]P + Z, R, g^r, mask, H, SED. */
static void test_encapsulate(void **state)
{
	struct st *t = *state;
	struct mcx_sakke_ref_encap e;
	uint8_t sed[273], buf[128];
	uint8_t *r = hexn(t->root, "outputs.r.hex", 128);
	uint8_t *bpz = hexn(t->root, "outputs.bP_plus_Z.hex", 257);
	uint8_t *rbs = hexn(t->root, "outputs.R_bS.hex", 257);
	uint8_t *gr = hexn(t->root, "outputs.g_r.hex", 128);
	uint8_t *mask = hexn(t->root, "outputs.mask.hex", 16);
	uint8_t *h = hexn(t->root, "outputs.H.hex", 16);
	uint8_t *sed_exp = hexn(t->root, "outputs.SED.hex", 273);
	uint8_t s[16 + 64];

	assert_int_equal(mcx_sakke_ref_encapsulate(t->ref, t->zpub, t->id,
						   t->id_len, t->ssv, sed, &e),
			 0);
	assert_memory_equal(e.r, r, 128);
	assert_memory_equal(e.bp_plus_z, bpz, 257);
	assert_memory_equal(sed, rbs, 257);
	assert_memory_equal(e.g_r, gr, 128);
	assert_memory_equal(e.mask, mask, 16);
	assert_memory_equal(sed + 257, h, 16);
	assert_memory_equal(sed, sed_exp, 273);
	/* The primitives one by one. */
	memcpy(s, t->ssv, 16);
	memcpy(s + 16, t->id, t->id_len);
	assert_int_equal(
	    mcx_sakke_ref_hash_to_q(t->ref, s, 16 + t->id_len, buf), 0);
	assert_memory_equal(buf, r, 128);
	assert_int_equal(mcx_sakke_ref_g_pow(t->ref, r, 128, buf), 0);
	assert_memory_equal(buf, gr, 128);
	assert_int_equal(mcx_sakke_ref_hash_to_n(t->ref, gr, 128, buf), 0);
	assert_memory_equal(buf, mask, 16);
	free(r);
	free(bpz);
	free(rbs);
	free(gr);
	free(mask);
	free(h);
	free(sed_exp);
}

/* w = <R, RSK> = g^r, SSV recovered; altered H or R fails. */
static void test_decapsulate(void **state)
{
	struct st *t = *state;
	uint8_t ssv[16], w[128];
	uint8_t *sed = hexn(t->root, "outputs.SED.hex", 273);
	uint8_t *w_exp = hexn(t->root, "receiver_intermediates.w.hex", 128);
	uint8_t *ssv_exp =
	    hexn(t->root, "receiver_intermediates.SSV_recovered", 16);

	assert_int_equal(mcx_sakke_ref_decapsulate(t->ref, t->zpub, t->rsk,
						   t->id, t->id_len, sed, 273,
						   ssv, w),
			 0);
	assert_memory_equal(w, w_exp, 128);
	assert_memory_equal(ssv, ssv_exp, 16);
	/* "alter one octet of H -> ... check fails" */
	sed[270] ^= 0x40;
	assert_int_equal(mcx_sakke_ref_decapsulate(t->ref, t->zpub, t->rsk,
						   t->id, t->id_len, sed, 273,
						   ssv, NULL),
			 -1);
	sed[270] ^= 0x40;
	/* "alter R -> check fails" (R off the curve is refused outright) */
	sed[100] ^= 0x01;
	assert_int_equal(mcx_sakke_ref_decapsulate(t->ref, t->zpub, t->rsk,
						   t->id, t->id_len, sed, 273,
						   ssv, NULL),
			 -1);
	sed[100] ^= 0x01;
	/* Another identity fails. */
	t->id[0] ^= 1;
	assert_int_equal(mcx_sakke_ref_decapsulate(t->ref, t->zpub, t->rsk,
						   t->id, t->id_len, sed, 273,
						   ssv, NULL),
			 -1);
	t->id[0] ^= 1;
	free(sed);
	free(w_exp);
	free(ssv_exp);
}

/* The Streamwide v5 KMS and its three users' RSKs validate. */
static void test_streamwide_rsk(void **state)
{
	struct st *t = *state;
	struct json_object *sw = mcx_vectors_load("mikey_streamwide_v5.json");
	static const char *users[] = {"GMS", "Alice", "Bob"};
	uint8_t *z = hexn(sw, "kms.Z_PubEncKey", 257);
	char path[64];

	for (size_t i = 0; i < 3; i++) {
		uint8_t *uid, *rsk;

		snprintf(path, sizeof(path), "users.%s.uid", users[i]);
		uid = hexn(sw, path, 32);
		snprintf(path, sizeof(path), "users.%s.RSK", users[i]);
		rsk = hexn(sw, path, 257);
		assert_int_equal(
		    mcx_sakke_ref_validate_rsk(t->ref, z, rsk, uid, 32), 0);
		uid[31] ^= 1;
		assert_int_equal(
		    mcx_sakke_ref_validate_rsk(t->ref, z, rsk, uid, 32), -1);
		free(uid);
		free(rsk);
	}
	free(z);
	json_object_put(sw);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_g),
	    cmocka_unit_test(test_fast_vs_literal),
	    cmocka_unit_test(test_kms),
	    cmocka_unit_test(test_encapsulate),
	    cmocka_unit_test(test_decapsulate),
	    cmocka_unit_test(test_streamwide_rsk),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
