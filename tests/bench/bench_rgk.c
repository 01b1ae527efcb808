/*
 * Regroup-key benchmark (make bench), pure mechanisms (mechanisms/rgk):
 *
 *   BENCH rgk_seed_rewrap_pure <n> ops/s   protected seeds produced per second
 *       by mcx_rgk_seed_rewrap_batch for a batch of 100 distinct targets
 *       (one unprotect under the initiator's CSK, 100 protects, each with
 *       its own K derivation and random IV)
 *   BENCH rgk_derive_pure <n> ops/s        RGK derivations per second
 *
 * Rounds of about 0.2 s of process CPU time (the two shared cores are busy
 * with other builds, and wall time would count their share); each figure
 * is the median over ROUNDS rounds.  Issue 6 bar for the token path (later):
 * rgk_seed_rewrap >= 50,000/s.  Exit status 0 whatever the figures; 1 if an
 * operation fails.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mechanisms/rgk.h"

#define ROUNDS	  7
#define TARGETS	  100
#define ROUND_CPU 0.2

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double median(double *v, size_t n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return v[n / 2];
}

struct ctx {
	uint8_t from_key[16], from_id[4];
	uint8_t keys[TARGETS][16], ids[TARGETS][4];
	char p0[TARGETS][48];
	struct mcx_rgk_xpk from, to[TARGETS];
	uint8_t in[MCX_RGK_PROTECTED_LEN];
	uint8_t out[TARGETS * MCX_RGK_PROTECTED_LEN];
	uint8_t gmk[16], seed[16], rgk[16];
};

static const char from_p0[] = "sip:initiator@example.org";

static int setup(struct ctx *c)
{
	for (size_t i = 0; i < 16; i++) {
		c->from_key[i] = (uint8_t)i;
		c->gmk[i] = (uint8_t)(0xA0 + i);
		c->seed[i] = (uint8_t)(0x30 + i);
	}
	memcpy(c->from_id, "\x20\x00\x00\x01", 4);
	c->from = (struct mcx_rgk_xpk){c->from_key, (const uint8_t *)from_p0,
				       strlen(from_p0), c->from_id};
	for (size_t t = 0; t < TARGETS; t++) {
		for (size_t i = 0; i < 16; i++)
			c->keys[t][i] = (uint8_t)(t * 16 + i);
		c->ids[t][0] = 0x20;
		c->ids[t][1] = 0x00;
		c->ids[t][2] = (uint8_t)(t >> 8);
		c->ids[t][3] = (uint8_t)(t + 2);
		snprintf(c->p0[t], sizeof(c->p0[t]),
			 "sip:user%03zu@example.org", t);
		c->to[t] =
		    (struct mcx_rgk_xpk){c->keys[t], (const uint8_t *)c->p0[t],
					 strlen(c->p0[t]), c->ids[t]};
	}
	return mcx_rgk_seed_protect(c->from.key, c->from.p0, c->from.p0_len,
				    c->from.id, c->seed, c->in) == MCX_OK;
}

static int op_rewrap(struct ctx *c)
{
	return mcx_rgk_seed_rewrap_batch(&c->from, c->to, TARGETS, c->in,
					 sizeof(c->in), c->out) == MCX_OK;
}

static int op_derive(struct ctx *c)
{
	return mcx_rgk_derive(c->gmk, c->seed, c->rgk) == MCX_OK;
}

/* Units per second over one round; an operation yields per_op units. */
static double rate_once(struct ctx *c, int (*op)(struct ctx *), double per_op)
{
	double n = 0, t0 = now(), t = t0;

	do {
		if (!op(c)) {
			fprintf(stderr, "bench_rgk: operation failed\n");
			exit(1);
		}
		n += per_op;
		t = now();
	} while (t - t0 < ROUND_CPU);
	return n / (t - t0);
}

static double rate(struct ctx *c, int (*op)(struct ctx *), double per_op)
{
	double r[ROUNDS];

	(void)rate_once(c, op, per_op); /* warm-up: fetches, caches */
	for (size_t i = 0; i < ROUNDS; i++)
		r[i] = rate_once(c, op, per_op);
	return median(r, ROUNDS);
}

int main(void)
{
	static struct ctx c;

	if (!setup(&c)) {
		fprintf(stderr, "bench_rgk: setup failed\n");
		return 1;
	}
	printf("BENCH rgk_seed_rewrap_pure %.0f ops/s\n",
	       rate(&c, op_rewrap, TARGETS));
	printf("BENCH rgk_derive_pure %.0f ops/s\n", rate(&c, op_derive, 1));
	return 0;
}
