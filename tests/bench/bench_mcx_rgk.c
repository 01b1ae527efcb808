/*
 * BENCH: the MC service server's RGK-SEED re-wrap through PKCS#11 (issue 6;
 * bar: rgk_seed_rewrap >= 50,000/s), against the pure engine
 * (mcx_rgk_seed_rewrap_batch) measured in the same run.  The server token
 * holds TARGETS client CSKs as token objects.
 *
 *   rgk_seed_rewrap         protected seeds per second for a regroup start:
 *                           C_UnwrapKey of the initiator's protected seed
 *                           into a token object, one C_WrapKey naming the
 *                           TARGETS CSKs (CK_MCX_XPK_WRAP_PARAMS.phTargets),
 *                           C_DestroyObject at the regroup's end
 *   rgk_seed_wrap_batch     the C_WrapKey of the kept seed alone (late entry
 *                           of TARGETS members in one call)
 *   rgk_seed_wrap_single    one C_WrapKey per target (a call, and an audit
 *                           record, per protected seed)
 *   rgk_seed_rewrap_pure    the engine alone, one unprotect + TARGETS
 *                           protects
 *   rgk_derive              C_DeriveKey of the RGK (session object) + destroy
 *
 * Each figure is the median of MCXHSM_BENCH_REPS (default 5) windows of
 * MCXHSM_BENCH_SECONDS (default 0.4) seconds of process CPU time (per core,
 * like the pure figure; the two shared cores run other work);
 * rgk_seed_rewrap_wall is the same run by the wall clock (store writes
 * included, and whatever else the machine does).  MCXHSM_BENCH_ONLY=NAME
 * runs one figure.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mechanisms/rgk.h"
#include "tests/blackbox/p11_helpers.h"

#define TARGETS 100
#define PROT	MCX_RGK_PROTECTED_LEN

static struct mcx_p11 p11;
static CK_SESSION_HANDLE sess;
static CK_OBJECT_HANDLE csk[TARGETS + 1], gmk, kept;
static uint8_t csk_v[TARGETS + 1][16], csk_id[TARGETS + 1][4];
static char csk_p0[TARGETS + 1][40];
static uint8_t initiator_prot[PROT], out[(TARGETS + 1) * PROT];
static struct mcx_rgk_xpk from, to[TARGETS];
static CK_BBOOL yes = CK_TRUE, no = CK_FALSE;

static double clock_s(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double env_double(const char *name, double dflt)
{
	const char *v = getenv(name);

	return v != NULL && *v != '\0' ? atof(v) : dflt;
}

static void fail(const char *what, CK_RV rv)
{
	fprintf(stderr, "bench_mcx_rgk: %s failed (CKR 0x%lx)\n", what,
		(unsigned long)rv);
	exit(1);
}

static CK_OBJECT_HANDLE make_key(const uint8_t v[16], CK_ULONG purpose,
				 const uint8_t id[4], const char *sender)
{
	CK_OBJECT_CLASS cls = CKO_SECRET_KEY;
	CK_KEY_TYPE kt = CKK_MCX_KEY;
	CK_ATTRIBUTE t[] = {
	    {CKA_CLASS, &cls, sizeof(cls)},
	    {CKA_KEY_TYPE, &kt, sizeof(kt)},
	    {CKA_TOKEN, &yes, 1},
	    {CKA_VALUE, (void *)v, 16},
	    {CKA_MCX_KEY_PURPOSE, &purpose, sizeof(purpose)},
	    {CKA_MCX_KEY_ID, (void *)id, 4},
	    {CKA_WRAP, &yes, 1},
	    {CKA_UNWRAP, &yes, 1},
	    {CKA_DERIVE, &yes, 1},
	    {CKA_MCX_SENDER_URI, (void *)sender, strlen(sender)},
	};
	CK_OBJECT_HANDLE h = CK_INVALID_HANDLE;
	CK_RV rv = p11.f->C_CreateObject(sess, t, 10, &h);

	if (rv != CKR_OK)
		fail("C_CreateObject", rv);
	return h;
}

static CK_RV wrap_batch(CK_OBJECT_HANDLE seed)
{
	CK_MCX_XPK_WRAP_PARAMS p = {NULL, 0, &csk[2], TARGETS - 1};
	CK_MECHANISM m = {CKM_MCX_XPK_WRAP, &p, sizeof(p)};
	CK_ULONG len = sizeof(out);

	return p11.f->C_WrapKey(sess, &m, csk[1], seed, out, &len);
}

/* One regroup start for TARGETS members; returns targets served. */
static long op_rewrap(void)
{
	CK_MECHANISM m = {CKM_MCX_XPK_WRAP, NULL, 0};
	static const char rid[] = "bench-regroup";
	CK_ATTRIBUTE t[] = {{CKA_TOKEN, &yes, 1},
			    {CKA_MCX_REGROUP_ID, (void *)rid, sizeof(rid) - 1}};
	CK_OBJECT_HANDLE seed = CK_INVALID_HANDLE;
	CK_RV rv = p11.f->C_UnwrapKey(sess, &m, csk[0], initiator_prot, PROT, t,
				      2, &seed);

	if (rv != CKR_OK)
		fail("C_UnwrapKey", rv);
	rv = wrap_batch(seed);
	if (rv != CKR_OK)
		fail("C_WrapKey (batch)", rv);
	rv = p11.f->C_DestroyObject(sess, seed);
	if (rv != CKR_OK)
		fail("C_DestroyObject", rv);
	return TARGETS;
}

static long op_wrap_batch(void)
{
	CK_RV rv = wrap_batch(kept);

	if (rv != CKR_OK)
		fail("C_WrapKey (batch)", rv);
	return TARGETS;
}

static long op_wrap_single(void)
{
	CK_MECHANISM m = {CKM_MCX_XPK_WRAP, NULL, 0};

	for (int i = 1; i <= TARGETS; i++) {
		CK_ULONG len = PROT;
		CK_RV rv = p11.f->C_WrapKey(sess, &m, csk[i], kept, out, &len);
		if (rv != CKR_OK)
			fail("C_WrapKey", rv);
	}
	return TARGETS;
}

static long op_pure(void)
{
	if (mcx_rgk_seed_rewrap_batch(&from, to, TARGETS, initiator_prot, PROT,
				      out) != MCX_OK)
		fail("mcx_rgk_seed_rewrap_batch", 0);
	return TARGETS;
}

static long op_derive(void)
{
	CK_MCX_RGK_DERIVE_PARAMS p = {kept};
	CK_MECHANISM m = {CKM_MCX_RGK_DERIVE, &p, sizeof(p)};
	CK_ATTRIBUTE t[] = {{CKA_TOKEN, &no, 1}};
	CK_OBJECT_HANDLE h = CK_INVALID_HANDLE;
	CK_RV rv = p11.f->C_DeriveKey(sess, &m, gmk, t, 1, &h);

	if (rv != CKR_OK)
		fail("C_DeriveKey", rv);
	rv = p11.f->C_DestroyObject(sess, h);
	if (rv != CKR_OK)
		fail("C_DestroyObject", rv);
	return 1;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Median rate (units per second of process CPU time: the bar is per core,
 * and the two shared cores run other work) of op over the windows; the
 * wall-clock median in *wall. */
static double rate2(long (*op)(void), double *wall)
{
	int reps = (int)env_double("MCXHSM_BENCH_REPS", 5);
	double win = env_double("MCXHSM_BENCH_SECONDS", 0.4), r[32], w[32];

	if (reps < 1)
		reps = 1;
	if (reps > 32)
		reps = 32;
	op(); /* warm: caches, secrets decrypted once */
	for (int i = 0; i < reps; i++) {
		long n = 0;
		double c0 = clock_s(CLOCK_PROCESS_CPUTIME_ID), c = c0;
		double w0 = clock_s(CLOCK_MONOTONIC);
		do {
			n += op();
			c = clock_s(CLOCK_PROCESS_CPUTIME_ID);
		} while (c - c0 < win);
		r[i] = (double)n / (c - c0);
		w[i] = (double)n / (clock_s(CLOCK_MONOTONIC) - w0);
	}
	qsort(r, (size_t)reps, sizeof(r[0]), cmp);
	qsort(w, (size_t)reps, sizeof(w[0]), cmp);
	if (wall != NULL)
		*wall = w[reps / 2];
	return r[reps / 2];
}

static double rate(long (*op)(void))
{
	return rate2(op, NULL);
}

static void setup(void)
{
	CK_MECHANISM m = {CKM_MCX_XPK_WRAP, NULL, 0};
	CK_ATTRIBUTE t[] = {{CKA_TOKEN, &yes, 1}};
	uint8_t seed[16], g[16], gid[4] = {0x00, 0x00, 0x00, 0x01};
	CK_RV rv = CKR_OK;

	mcx_p11_open(&p11);
	mcx_p11_init_token(&p11, "bench-rgk", "so-pin-1", "user-pin-1");
	sess = mcx_p11_session(&p11, CKU_USER, "user-pin-1");
	for (int i = 0; i <= TARGETS; i++) {
		for (int j = 0; j < 16; j++)
			csk_v[i][j] = (uint8_t)(i * 31 + j * 7 + 1);
		csk_id[i][0] = 0x20;
		csk_id[i][1] = 0x00;
		csk_id[i][2] = (uint8_t)(i >> 8);
		csk_id[i][3] = (uint8_t)i;
		snprintf(csk_p0[i], sizeof(csk_p0[i]),
			 "sip:user%03d@mcptt.example.org", i);
		csk[i] = make_key(csk_v[i], CKP_MCX_CSK, csk_id[i], csk_p0[i]);
	}
	memset(g, 0x5a, sizeof(g));
	gmk = make_key(g, CKP_MCX_GMK, gid, "sip:gms@mcptt.example.org");
	/* the initiator (CSK 0's owner) protected a seed under its CSK */
	for (int j = 0; j < 16; j++)
		seed[j] = (uint8_t)(0xf0 ^ j);
	if (mcx_rgk_seed_protect(csk_v[0], (const uint8_t *)csk_p0[0],
				 strlen(csk_p0[0]), csk_id[0], seed,
				 initiator_prot) != MCX_OK)
		fail("mcx_rgk_seed_protect", 0);
	rv = p11.f->C_UnwrapKey(sess, &m, csk[0], initiator_prot, PROT, t, 1,
				&kept);
	if (rv != CKR_OK)
		fail("C_UnwrapKey", rv);
	from = (struct mcx_rgk_xpk){csk_v[0], (const uint8_t *)csk_p0[0],
				    strlen(csk_p0[0]), csk_id[0]};
	for (int i = 0; i < TARGETS; i++)
		to[i] = (struct mcx_rgk_xpk){
		    csk_v[i + 1], (const uint8_t *)csk_p0[i + 1],
		    strlen(csk_p0[i + 1]), csk_id[i + 1]};
}

/* MCXHSM_BENCH_ONLY=NAME runs one figure (for profiling the token path). */
static bool wanted(const char *name)
{
	const char *only = getenv("MCXHSM_BENCH_ONLY");

	return only == NULL || *only == '\0' || strcmp(only, name) == 0;
}

int main(void)
{
	double rewrap = 0, pure = 0, wall = 0;

	setup();
	if (wanted("rgk_seed_rewrap")) {
		rewrap = rate2(op_rewrap, &wall);
		printf("BENCH rgk_seed_rewrap %.0f ops/s\n", rewrap);
		printf("BENCH rgk_seed_rewrap_wall %.0f ops/s\n", wall);
	}
	if (wanted("rgk_seed_wrap_batch")) {
		printf("BENCH rgk_seed_wrap_batch %.0f ops/s\n",
		       rate2(op_wrap_batch, &wall));
		printf("BENCH rgk_seed_wrap_batch_wall %.0f ops/s\n", wall);
	}
	if (wanted("rgk_seed_wrap_single")) {
		printf("BENCH rgk_seed_wrap_single %.0f ops/s\n",
		       rate2(op_wrap_single, &wall));
		printf("BENCH rgk_seed_wrap_single_wall %.0f ops/s\n", wall);
	}
	if (wanted("rgk_seed_rewrap_pure")) {
		pure = rate(op_pure);
		printf("BENCH rgk_seed_rewrap_pure %.0f ops/s\n", pure);
	}
	if (rewrap > 0 && pure > 0)
		printf("BENCH rgk_seed_rewrap_vs_pure %.2f ratio\n",
		       rewrap / pure);
	if (wanted("rgk_derive"))
		printf("BENCH rgk_derive %.0f ops/s\n", rate(op_derive));
	p11.f->C_CloseSession(sess);
	mcx_p11_close(&p11);
	return 0;
}
