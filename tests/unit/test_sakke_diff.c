/*
 * Randomised differential test: mechanisms/sakke (constant-time engine)
 * against tests/ref/sakke_ref (plain BIGNUM reference), byte for byte, on
 * BOTH Montgomery kernels (portable C and, when the CPU has it, MULX/ADX:
 * mcx_sakke_set_kernel between the two runs of each case).
 *
 * Each run does MCXHSM_DIFF_CASES cases (default 1000) drawn from a seeded
 * generator, split over scalar multiplications, g^r, pairings,
 * encapsulations, decapsulations (a quarter of them of tampered data, which
 * both must refuse) and HashToIntegerRange; plus the KMS side (Z = [z]P,
 * RSK issue) and RSK validation for the key pool, and the two decision-a
 * compatibility forms (15-octet H, g^r hashed at minimal length).  The seed is
 * printed; MCXHSM_DIFF_SEED=<seed> replays a run.  Exit 0 when every comparison
 * matched, 1 otherwise.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mechanisms/sakke.h"
#include "tests/ref/sakke_ref.h"

#define PT  MCX_SAKKE_POINT_LEN
#define FP  MCX_SAKKE_FP_LEN
#define SSV MCX_SAKKE_SSV_LEN
#define SED MCX_SAKKE_SED_LEN

#define N_KMS  3
#define N_USER 6
#define N_POOL 16

static uint64_t rng_state;
static unsigned long failures;
static unsigned long comparisons;

/* splitmix64: small, seedable, good enough to pick test inputs. */
static uint64_t rnd(void)
{
	uint64_t z = (rng_state += 0x9E3779B97F4A7C15u);

	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
	return z ^ (z >> 31);
}

static void rnd_bytes(uint8_t *out, size_t len)
{
	for (size_t i = 0; i < len; i++)
		out[i] = (uint8_t)rnd();
}

/* A scalar of len octets in [1, q-1]: q's top octet is 0x26, so a 128-octet
 * value whose top octet is below 0x26 is below q. */
static void rnd_scalar(uint8_t *out, size_t len)
{
	rnd_bytes(out, len);
	if (len == FP)
		out[0] %= 0x26;
	out[len - 1] |= 1; /* never 0 */
}

static void hex(FILE *f, const char *name, const uint8_t *p, size_t len)
{
	fprintf(f, "  %s = ", name);
	for (size_t i = 0; i < len; i++)
		fprintf(f, "%02x", p[i]);
	fprintf(f, "\n");
}

static const char *kernel_name(enum mcx_sakke_kernel k)
{
	return k == MCX_SAKKE_KERNEL_PORTABLE ? "portable" : "auto";
}

/* One comparison; on mismatch print enough to replay. */
static void check(int ok, unsigned long n, const char *what,
		  enum mcx_sakke_kernel k)
{
	comparisons++;
	if (ok)
		return;
	failures++;
	fprintf(stderr, "MISMATCH case %lu (%s) kernel %s\n", n, what,
		kernel_name(k));
}

static const enum mcx_sakke_kernel kernels[2] = {MCX_SAKKE_KERNEL_PORTABLE,
						 MCX_SAKKE_KERNEL_AUTO};

struct pool {
	struct mcx_sakke_ref *ref;
	uint8_t p[PT];
	uint8_t z[N_KMS][FP];
	uint8_t zpub[N_KMS][PT];
	struct mcx_sakke_kms *kms[N_KMS];
	uint8_t id[N_USER][32];
	uint8_t rsk[N_USER][PT];
	struct mcx_sakke_rsk *rsk_obj[N_USER];
	uint8_t pts[N_POOL][PT]; /* points of order q for the pairings */
};

static int setup(struct pool *s)
{
	uint8_t out[PT];
	int ok = 1;

	s->ref = mcx_sakke_ref_new();
	if (s->ref == NULL)
		return 0;
	mcx_sakke_ref_get_p(s->ref, s->p);
	/* KMS: Z = [z]P by both, on both kernels; the engine's KMS object with
	 * its comb table. */
	for (size_t i = 0; i < N_KMS; i++) {
		rnd_scalar(s->z[i], i == 0 ? 20 : FP);
		ok &= mcx_sakke_ref_kms_public(
			  s->ref, s->z[i], i == 0 ? 20 : FP, s->zpub[i]) == 0;
		for (int k = 0; k < 2; k++) {
			mcx_sakke_set_kernel(kernels[k]);
			check(mcx_sakke_kms_public_from_secret(
				  s->z[i], i == 0 ? 20 : FP, out) == MCX_OK &&
				  memcmp(out, s->zpub[i], PT) == 0,
			      i, "kms public", kernels[k]);
		}
		ok &= mcx_sakke_kms_new(s->zpub[i], PT, &s->kms[i]) == MCX_OK &&
		      mcx_sakke_kms_build_table(s->kms[i]) == MCX_OK;
	}
	/* Users: RSK issued by both; validated by both (and refused for
	 * another identity); every other one with its pairing table. */
	for (size_t u = 0; u < N_USER; u++) {
		size_t k_i = u % N_KMS;
		size_t zl = k_i == 0 ? 20 : FP;

		rnd_bytes(s->id[u], 32);
		ok &= mcx_sakke_ref_issue_rsk(s->ref, s->z[k_i], zl, s->id[u],
					      32, s->rsk[u]) == 0;
		ok &= mcx_sakke_ref_validate_rsk(s->ref, s->zpub[k_i],
						 s->rsk[u], s->id[u], 32) == 0;
		for (int k = 0; k < 2; k++) {
			mcx_sakke_set_kernel(kernels[k]);
			check(mcx_sakke_kms_issue_rsk(s->z[k_i], zl, s->id[u],
						      32, out) == MCX_OK &&
				  memcmp(out, s->rsk[u], PT) == 0,
			      u, "rsk issue", kernels[k]);
		}
		ok &=
		    mcx_sakke_rsk_new(s->rsk[u], PT, &s->rsk_obj[u]) == MCX_OK;
		for (int k = 0; k < 2 && ok; k++) {
			mcx_sakke_set_kernel(kernels[k]);
			check(mcx_sakke_rsk_validate(s->rsk_obj[u], s->kms[k_i],
						     s->id[u], 32) == MCX_OK,
			      u, "rsk validate", kernels[k]);
			s->id[u][7] ^= 0x10;
			check(mcx_sakke_rsk_validate(s->rsk_obj[u], s->kms[k_i],
						     s->id[u],
						     32) == MCX_ERR_KEY_INVALID,
			      u, "rsk validate (wrong id)", kernels[k]);
			s->id[u][7] ^= 0x10;
		}
		if (ok && u % 2 == 1)
			ok &= mcx_sakke_rsk_precompute(s->rsk_obj[u]) == MCX_OK;
	}
	/* Pairing inputs: P, the Z, the RSKs and random multiples of P. */
	memcpy(s->pts[0], s->p, PT);
	for (size_t i = 0; i < N_KMS; i++)
		memcpy(s->pts[1 + i], s->zpub[i], PT);
	for (size_t u = 0; u < N_USER; u++)
		memcpy(s->pts[1 + N_KMS + u], s->rsk[u], PT);
	for (size_t i = 1 + N_KMS + N_USER; i < N_POOL; i++) {
		uint8_t k[FP];

		rnd_scalar(k, FP);
		ok &= mcx_sakke_ref_point_mul(s->ref, k, FP, s->p, s->pts[i]) ==
		      0;
	}
	return ok;
}

static void teardown(struct pool *s)
{
	for (size_t i = 0; i < N_KMS; i++)
		mcx_sakke_kms_free(s->kms[i]);
	for (size_t u = 0; u < N_USER; u++)
		mcx_sakke_rsk_free(s->rsk_obj[u]);
	mcx_sakke_ref_free(s->ref);
}

static void case_point_mul(struct pool *s, unsigned long n)
{
	uint8_t k[FP], exp[PT], got[PT];
	size_t len = 1 + (size_t)(rnd() % FP);
	const uint8_t *base = s->pts[rnd() % N_POOL];

	rnd_scalar(k, len);
	if (mcx_sakke_ref_point_mul(s->ref, k, len, base, exp) != 0) {
		check(0, n, "point_mul (reference)", MCX_SAKKE_KERNEL_AUTO);
		return;
	}
	for (int i = 0; i < 2; i++) {
		mcx_sakke_set_kernel(kernels[i]);
		memset(got, 0, sizeof(got));
		check(mcx_sakke_point_mul(k, len, base, got) == MCX_OK &&
			  memcmp(got, exp, PT) == 0,
		      n, "point_mul", kernels[i]);
	}
	if (failures > 0 && failures < 4) {
		hex(stderr, "k", k, len);
		hex(stderr, "base", base, PT);
	}
}

static void case_g_pow(struct pool *s, unsigned long n)
{
	uint8_t r[FP], exp[FP], got[FP];

	/* Any 1024-bit value (the engine reduces mod q). */
	rnd_bytes(r, FP);
	if (rnd() % 2)
		r[0] %= 0x26;
	if (mcx_sakke_ref_g_pow(s->ref, r, FP, exp) != 0) {
		check(0, n, "g_pow (reference)", MCX_SAKKE_KERNEL_AUTO);
		return;
	}
	for (int i = 0; i < 2; i++) {
		mcx_sakke_set_kernel(kernels[i]);
		check(mcx_sakke_g_pow(r, got) == MCX_OK &&
			  memcmp(got, exp, FP) == 0,
		      n, "g_pow", kernels[i]);
	}
}

static void case_pairing(struct pool *s, unsigned long n)
{
	uint8_t exp[FP], got[FP];
	const uint8_t *r = s->pts[rnd() % N_POOL];
	const uint8_t *q = s->pts[rnd() % N_POOL];

	if (mcx_sakke_ref_pairing(s->ref, r, q, exp) != 0) {
		check(0, n, "pairing (reference)", MCX_SAKKE_KERNEL_AUTO);
		return;
	}
	for (int i = 0; i < 2; i++) {
		mcx_sakke_set_kernel(kernels[i]);
		check(mcx_sakke_pairing(r, q, got) == MCX_OK &&
			  memcmp(got, exp, FP) == 0,
		      n, "pairing", kernels[i]);
	}
}

static void case_hash(struct pool *s, unsigned long n)
{
	uint8_t in[300], eq[FP], en[SSV], gq[FP], gn[SSV];
	size_t len = (size_t)(rnd() % sizeof(in));

	rnd_bytes(in, len);
	if (mcx_sakke_ref_hash_to_q(s->ref, in, len, eq) != 0 ||
	    mcx_sakke_ref_hash_to_n(s->ref, in, len, en) != 0) {
		check(0, n, "hash (reference)", MCX_SAKKE_KERNEL_AUTO);
		return;
	}
	for (int i = 0; i < 2; i++) {
		mcx_sakke_set_kernel(kernels[i]);
		check(mcx_sakke_hash_to_range_q(in, len, gq) == MCX_OK &&
			  memcmp(gq, eq, FP) == 0 &&
			  mcx_sakke_hash_to_range_n(in, len, gn) == MCX_OK &&
			  memcmp(gn, en, SSV) == 0,
		      n, "hash_to_range", kernels[i]);
	}
}

static void case_encapsulate(struct pool *s, unsigned long n)
{
	uint8_t id[64], ssv[SSV], exp[SED], got[SED];
	size_t k_i = (size_t)(rnd() % N_KMS);
	/* Mostly 32-octet UIDs; sometimes the RFC's 26 or other lengths. */
	size_t len = rnd() % 4 ? 32 : 1 + (size_t)(rnd() % sizeof(id));

	rnd_bytes(id, len);
	rnd_bytes(ssv, SSV);
	if (mcx_sakke_ref_encapsulate(s->ref, s->zpub[k_i], id, len, ssv, exp,
				      NULL) != 0) {
		check(0, n, "encapsulate (reference)", MCX_SAKKE_KERNEL_AUTO);
		return;
	}
	for (int i = 0; i < 2; i++) {
		mcx_sakke_set_kernel(kernels[i]);
		check(mcx_sakke_encapsulate(s->kms[k_i], id, len, ssv, got) ==
			      MCX_OK &&
			  memcmp(got, exp, SED) == 0,
		      n, "encapsulate", kernels[i]);
	}
}

static void case_decapsulate(struct pool *s, unsigned long n)
{
	size_t u = (size_t)(rnd() % N_USER);
	size_t k_i = u % N_KMS;
	uint8_t ssv[SSV], sed[SED], exp[SSV], got[SSV];
	int tamper = (int)(rnd() % 4) == 0;
	int ref_rc;

	rnd_bytes(ssv, SSV);
	if (mcx_sakke_ref_encapsulate(s->ref, s->zpub[k_i], s->id[u], 32, ssv,
				      sed, NULL) != 0) {
		check(0, n, "decapsulate (reference encapsulation)",
		      MCX_SAKKE_KERNEL_AUTO);
		return;
	}
	if (tamper) {
		/* One bit of H (wrong SSV, the re-encapsulation check fails)
		 * or of R (off the curve, or another point). */
		size_t at = rnd() % 2 ? PT + (size_t)(rnd() % SSV)
				      : 1 + (size_t)(rnd() % (PT - 1));

		sed[at] ^= (uint8_t)(1u << (rnd() % 8));
	}
	ref_rc = mcx_sakke_ref_decapsulate(s->ref, s->zpub[k_i], s->rsk[u],
					   s->id[u], 32, sed, SED, exp, NULL);
	if (ref_rc != (tamper ? -1 : 0) ||
	    (!tamper && memcmp(exp, ssv, SSV) != 0)) {
		check(0, n, "decapsulate (reference)", MCX_SAKKE_KERNEL_AUTO);
		return;
	}
	for (int i = 0; i < 2; i++) {
		enum mcx_mech_err rc;

		mcx_sakke_set_kernel(kernels[i]);
		memset(got, 0xAA, sizeof(got));
		rc = mcx_sakke_decapsulate(s->kms[k_i], s->rsk_obj[u], s->id[u],
					   32, sed, SED, got);
		if (tamper) {
			static const uint8_t zero[SSV] = {0};

			check(rc != MCX_OK && memcmp(got, zero, SSV) == 0, n,
			      "decapsulate (tampered)", kernels[i]);
		} else {
			check(rc == MCX_OK && memcmp(got, exp, SSV) == 0, n,
			      u % 2 ? "decapsulate (table)" : "decapsulate",
			      kernels[i]);
		}
	}
}

/* Decision a (MCX-REFERENCE top): messages of the widely used library
 * that writes H without its leading zero octet (272-octet SED), and that
 * hashes g^r without its leading zero octets.  Found by drawing SSVs with
 * the engine (about 1 in 256 and 1 in 153 draws); both implementations must
 * then recover the SSV on both kernels. */
static void case_decision_a(struct pool *s)
{
	uint8_t ssv[SSV], sed[SED], got[SSV], exp[SSV], r[FP], w[FP], m[SSV];
	uint8_t s_id[SSV + 32];
	int found = 0;

	mcx_sakke_set_kernel(MCX_SAKKE_KERNEL_AUTO);
	/* H with a leading zero octet: send it as 272 octets. */
	for (int tries = 0; tries < 4000 && !found; tries++) {
		rnd_bytes(ssv, SSV);
		if (mcx_sakke_encapsulate(s->kms[0], s->id[0], 32, ssv, sed) !=
		    MCX_OK)
			break;
		found = sed[PT] == 0;
	}
	check(found, 0, "decision a: find a short H", MCX_SAKKE_KERNEL_AUTO);
	printf("  decision a: 272-octet SED (15-octet H)%s\n",
	       found ? "" : " NOT FOUND");
	if (found) {
		memmove(sed + PT, sed + PT + 1, SSV - 1);
		check(mcx_sakke_ref_decapsulate(s->ref, s->zpub[0], s->rsk[0],
						s->id[0], 32, sed, SED - 1, exp,
						NULL) == 0 &&
			  memcmp(exp, ssv, SSV) == 0,
		      0, "decision a: short H (reference)",
		      MCX_SAKKE_KERNEL_AUTO);
		for (int i = 0; i < 2; i++) {
			mcx_sakke_set_kernel(kernels[i]);
			check(mcx_sakke_decapsulate(s->kms[0], s->rsk_obj[0],
						    s->id[0], 32, sed, SED - 1,
						    got) == MCX_OK &&
				  memcmp(got, ssv, SSV) == 0,
			      0, "decision a: short H", kernels[i]);
		}
	}
	/* g^r with a leading zero octet, masked from its minimal encoding. */
	found = 0;
	mcx_sakke_set_kernel(MCX_SAKKE_KERNEL_AUTO);
	for (int tries = 0; tries < 3000 && !found; tries++) {
		rnd_bytes(ssv, SSV);
		memcpy(s_id, ssv, SSV);
		memcpy(s_id + SSV, s->id[1], 32);
		if (mcx_sakke_hash_to_range_q(s_id, sizeof(s_id), r) !=
			MCX_OK ||
		    mcx_sakke_g_pow(r, w) != MCX_OK)
			break;
		found = w[0] == 0;
	}
	check(found, 0, "decision a: find g^r < 2^1016", MCX_SAKKE_KERNEL_AUTO);
	printf("  decision a: H masked from the minimal-length g^r%s\n",
	       found ? "" : " NOT FOUND");
	if (found) {
		size_t skip = 0;

		while (skip < FP && w[skip] == 0)
			skip++;
		if (mcx_sakke_encapsulate(s->kms[1], s->id[1], 32, ssv, sed) !=
			MCX_OK ||
		    mcx_sakke_hash_to_range_n(w + skip, FP - skip, m) !=
			MCX_OK) {
			check(0, 0, "decision a: build", MCX_SAKKE_KERNEL_AUTO);
			return;
		}
		for (size_t i = 0; i < SSV; i++)
			sed[PT + i] = ssv[i] ^ m[i];
		check(mcx_sakke_ref_decapsulate(s->ref, s->zpub[1], s->rsk[1],
						s->id[1], 32, sed, SED, exp,
						NULL) == 0 &&
			  memcmp(exp, ssv, SSV) == 0,
		      0, "decision a: minimal g^r (reference)",
		      MCX_SAKKE_KERNEL_AUTO);
		for (int i = 0; i < 2; i++) {
			mcx_sakke_set_kernel(kernels[i]);
			check(mcx_sakke_decapsulate(s->kms[1], s->rsk_obj[1],
						    s->id[1], 32, sed, SED,
						    got) == MCX_OK &&
				  memcmp(got, ssv, SSV) == 0,
			      0, "decision a: minimal g^r", kernels[i]);
		}
	}
}

int main(void)
{
	struct pool s;
	const char *env_seed = getenv("MCXHSM_DIFF_SEED");
	const char *env_cases = getenv("MCXHSM_DIFF_CASES");
	unsigned long n_cases = 1000, counts[6] = {0};
	double secs[6] = {0};
	uint64_t seed;
	clock_t t0 = clock();
	static const char *names[6] = {"point_mul",   "g_pow",
				       "pairing",     "encapsulate",
				       "decapsulate", "hash_to_range"};

	if (env_seed != NULL && *env_seed != '\0')
		seed = strtoull(env_seed, NULL, 0);
	else
		seed = (uint64_t)time(NULL) ^ ((uint64_t)clock() << 32);
	if (env_cases != NULL && *env_cases != '\0')
		n_cases = strtoul(env_cases, NULL, 0);
	rng_state = seed;
	printf("test_sakke_diff: seed 0x%016" PRIx64
	       " (replay: MCXHSM_DIFF_SEED=0x%016" PRIx64 "), %lu cases\n",
	       seed, seed, n_cases);
	memset(&s, 0, sizeof(s));
	if (!setup(&s)) {
		fprintf(stderr, "test_sakke_diff: setup failed\n");
		teardown(&s);
		return 1;
	}
	for (unsigned long n = 0; n < n_cases; n++) {
		/* The mix (percent), balanced by cost on this machine (plain
		 * build, both kernels, per case): point_mul 20 ms, g_pow 4 ms,
		 * pairing 38 ms, encapsulate 15 ms, decapsulate 49 ms,
		 * hash_to_range 0.1 ms; about 14 s per run. */
		unsigned int pick = (unsigned int)(rnd() % 100);
		unsigned int kind = pick < 15	? 0
				    : pick < 48 ? 1
				    : pick < 55 ? 2
				    : pick < 75 ? 3
				    : pick < 83 ? 4
						: 5;

		clock_t c0 = clock();

		counts[kind]++;
		switch (kind) {
		case 0:
			case_point_mul(&s, n);
			break;
		case 1:
			case_g_pow(&s, n);
			break;
		case 2:
			case_pairing(&s, n);
			break;
		case 3:
			case_encapsulate(&s, n);
			break;
		case 4:
			case_decapsulate(&s, n);
			break;
		default:
			case_hash(&s, n);
			break;
		}
		secs[kind] += (double)(clock() - c0) / CLOCKS_PER_SEC;
	}
	case_decision_a(&s);
	teardown(&s);
	for (size_t i = 0; i < 6; i++)
		printf("  %-14s %4lu cases %6.2f s\n", names[i], counts[i],
		       secs[i]);
	printf("test_sakke_diff: %lu comparisons (2 kernels), %lu mismatches, "
	       "%.1f s CPU\n",
	       comparisons, failures, (double)(clock() - t0) / CLOCKS_PER_SEC);
	if (failures > 0)
		printf("test_sakke_diff: FAILED (seed 0x%016" PRIx64 ")\n",
		       seed);
	return failures == 0 ? 0 : 1;
}
