/*
 * BENCH of CKM_MCX_MIKEY_SAKKE send through C_WrapKey (issue 5 bars:
 * >= 450 complete GMK I_MESSAGEs per second to distinct members on one
 * thread, >= 1.8x that with two threads):
 *
 *   mikey_send_gmk             messages/s, one thread: each to a new member
 *                              URI (a new UID: a cold SAKKE encapsulation),
 *                              hidden identities, key parameters with a
 *                              group ID, as a GMS distributes
 *   mikey_send_gmk_2threads    the same on two threads, two sessions
 *   mikey_send_gmk_2t_speedup  their ratio, measured in the same run
 *   mikey_send_gmk_cpu         CPU time per message, one thread
 *   mikey_send_gmk_cpu_2t_vs_1t  CPU per message with two threads over one
 *                              (contention; independent of other load)
 *   mikey_send_gmk_vs_pure     the one-thread rate over the pure builder's
 *                              (mcx_mikey_encode with the same KMS table and
 *                              signer, UID per member): the token's overhead
 *
 * Medians of MCXHSM_BENCH_RUNS runs (default 5) of MCXHSM_BENCH_MSGS
 * messages per thread (default 200).  Exits 77 without MCXHSM_MODULE.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "mechanisms/eccsi.h"
#include "mechanisms/kdf3gpp.h"
#include "mechanisms/sakke.h"
#include "tests/blackbox/test_mcx_mikey_send_common.h"

#define MAX_RUNS 15

static struct ms_token tok;
static CK_OBJECT_HANDLE gmk;
static unsigned n_msgs = 200;

struct worker {
	CK_SESSION_HANDLE s;
	unsigned id, run;
	CK_RV rv;
};

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static void *send_many(void *arg)
{
	struct worker *w = arg;
	static const uint8_t groups[] = "\x00\x19grp-1@sip:gms@example.org";
	uint8_t msg[2048];
	char uri[80];
	CK_MCX_MIKEY_SEND_PARAMS p;
	CK_MECHANISM m = {CKM_MCX_MIKEY_SAKKE, &p, sizeof(p)};
	w->rv = CKR_OK;
	for (unsigned i = 0; i < n_msgs && w->rv == CKR_OK; i++) {
		CK_ULONG len = sizeof(msg);
		snprintf(uri, sizeof(uri), "sip:member-%u-%u-%u@example.org",
			 w->run, w->id, i);
		ms_params(&tok, &p, uri);
		p.flags = CKF_MCX_HIDE_IDENTITIES;
		p.pText = (CK_BYTE_PTR) "group 1";
		p.ulTextLen = 7;
		p.pGroupIds = (CK_BYTE_PTR)groups;
		p.ulGroupIdsLen = sizeof(groups) - 1;
		w->rv = tok.p11.f->C_WrapKey(w->s, &m, tok.ssk[MS_GMS], gmk,
					     msg, &len);
	}
	return NULL;
}

/* Messages per second of n_threads threads sending n_msgs each; the
 * process's CPU time per message in *cpu_us. */
static double run(struct worker *w, unsigned n_threads, unsigned r,
		  double *cpu_us)
{
	pthread_t th[2];
	struct rusage ru0, ru1;
	getrusage(RUSAGE_SELF, &ru0);
	double t0 = now();
	for (unsigned i = 0; i < n_threads; i++) {
		w[i].id = i;
		w[i].run = r * 2 + n_threads;
		if (pthread_create(&th[i], NULL, send_many, &w[i]) != 0)
			abort();
	}
	for (unsigned i = 0; i < n_threads; i++)
		pthread_join(th[i], NULL);
	double t = now() - t0;
	getrusage(RUSAGE_SELF, &ru1);
	*cpu_us = ((ru1.ru_utime.tv_sec - ru0.ru_utime.tv_sec) * 1e6 +
		   (ru1.ru_utime.tv_usec - ru0.ru_utime.tv_usec) +
		   (ru1.ru_stime.tv_sec - ru0.ru_stime.tv_sec) * 1e6 +
		   (ru1.ru_stime.tv_usec - ru0.ru_stime.tv_usec)) /
		  (n_threads * n_msgs);
	for (unsigned i = 0; i < n_threads; i++)
		if (w[i].rv != CKR_OK) {
			fprintf(stderr, "C_WrapKey: 0x%lx\n", w[i].rv);
			exit(1);
		}
	return n_threads * n_msgs / t;
}

/* The same messages built by the pure engine, no token: messages/s. */
static double run_pure(struct mcx_sakke_kms *kms,
		       const struct mcx_eccsi_signer *signer, unsigned r)
{
	static const uint8_t groups[] = "grp-1@sip:gms@example.org";
	const struct mcx_sw_user *g = &tok.users[MS_GMS];
	uint8_t msg[2048], key[16] = {1, 2, 3}, uid[32];
	char uri[80];
	struct mcx_mikey_keyparams kp;
	struct mcx_mikey_build b;
	memset(&kp, 0, sizeof(kp));
	kp.status = MCX_MIKEY_STATUS_NOT_REVOKED;
	kp.text = (const uint8_t *)"group 1";
	kp.text_len = 7;
	kp.has_groups = 1;
	kp.n_groups = 1;
	kp.groups[0].iei = MCX_MIKEY_GROUP_ID_IEI;
	kp.groups[0].id = groups;
	kp.groups[0].len = sizeof(groups) - 1;
	double t0 = now();
	for (unsigned i = 0; i < n_msgs; i++) {
		size_t len = 0;
		uint64_t pno = 0;
		snprintf(uri, sizeof(uri), "sip:pure-%u-%u@example.org", r, i);
		const char *kms_uri = tok.sw.kms_uri;
		if (mcx_kdf3gpp_key_period_no(MS_SW_TIME + 2208988800ull,
					      tok.sw.period, tok.sw.offset,
					      &pno) != MCX_OK ||
		    mcx_kdf3gpp_uid((const uint8_t *)uri, strlen(uri),
				    (const uint8_t *)kms_uri, strlen(kms_uri),
				    tok.sw.period, tok.sw.offset, pno,
				    uid) != MCX_OK)
			abort();
		memset(&b, 0, sizeof(b));
		b.key = key;
		b.key_id = 0x0123456;
		b.receiver_uri = (const uint8_t *)uri;
		b.receiver_uri_len = strlen(uri);
		b.map_type = MCX_MIKEY_MAP_GENERIC_ID;
		b.cs_id = 4;
		b.ts = mcx_mikey_ntp_from_unix(MS_SW_TIME);
		b.idri = (struct mcx_mikey_id){MCX_MIKEY_ROLE_UIDI, g->uid, 32};
		b.idrr = (struct mcx_mikey_id){MCX_MIKEY_ROLE_UIDR, uid, 32};
		b.idrkmsi = (struct mcx_mikey_id){MCX_MIKEY_ROLE_KMSI,
						  (const uint8_t *)kms_uri,
						  strlen(kms_uri)};
		b.idrkmsr = (struct mcx_mikey_id){MCX_MIKEY_ROLE_KMSR,
						  (const uint8_t *)kms_uri,
						  strlen(kms_uri)};
		b.with_sp = 1;
		b.kms = kms;
		b.receiver_uid = uid;
		b.receiver_uid_len = 32;
		b.params = &kp;
		b.signer = signer;
		if (mcx_mikey_encode(&b, msg, sizeof(msg), &len) != MCX_OK)
			abort();
	}
	return n_msgs / (now() - t0);
}

int main(void)
{
	unsigned runs = 5;
	const char *e = getenv("MCXHSM_BENCH_RUNS");
	if (e != NULL && atoi(e) > 0)
		runs =
		    (unsigned)atoi(e) > MAX_RUNS ? MAX_RUNS : (unsigned)atoi(e);
	e = getenv("MCXHSM_BENCH_MSGS");
	if (e != NULL && atoi(e) > 0)
		n_msgs = (unsigned)atoi(e);

	ms_token_open(&tok, "bench-mikey-send", false);
	gmk = ms_gen_key(&tok, tok.sess, CKP_MCX_GMK);
	struct worker w[2];
	memset(w, 0, sizeof(w));
	w[0].s = tok.sess;
	w[1].s = mcx_p11_session(&tok.p11, CKU_USER, NULL);
	/* warm-up: the KMS comb table and the ECCSI signer are made once */
	unsigned keep = n_msgs;
	n_msgs = 5;
	double cpu1[MAX_RUNS], cpu2[MAX_RUNS];
	run(w, 2, 100, &cpu1[0]);
	n_msgs = keep;

	struct mcx_sakke_kms *kms = NULL;
	struct mcx_eccsi_kpak *kpak = NULL;
	struct mcx_eccsi_signer *signer = NULL;
	const struct mcx_sw_user *g = &tok.users[MS_GMS];
	if (mcx_sakke_kms_new(tok.sw.z_t, 257, &kms) != MCX_OK ||
	    mcx_sakke_kms_build_table(kms) != MCX_OK ||
	    mcx_eccsi_kpak_new(&kpak, tok.sw.kpak, 65) != MCX_OK ||
	    mcx_eccsi_signer_new(&signer, kpak, g->uid, 32, g->ssk, 32, g->pvt,
				 65) != MCX_OK)
		abort();

	double one[MAX_RUNS], two[MAX_RUNS], ratio[MAX_RUNS], vs[MAX_RUNS];
	for (unsigned r = 0; r < runs; r++) {
		double pure = run_pure(kms, signer, r);
		one[r] = run(w, 1, r, &cpu1[r]);
		two[r] = run(w, 2, r, &cpu2[r]);
		cpu2[r] /= cpu1[r];
		ratio[r] = two[r] / one[r];
		vs[r] = one[r] / pure;
	}
	mcx_eccsi_signer_free(signer);
	mcx_eccsi_kpak_free(kpak);
	mcx_sakke_kms_free(kms);
	qsort(vs, runs, sizeof(double), cmp_double);
	qsort(cpu1, runs, sizeof(double), cmp_double);
	qsort(cpu2, runs, sizeof(double), cmp_double);
	qsort(one, runs, sizeof(double), cmp_double);
	qsort(two, runs, sizeof(double), cmp_double);
	qsort(ratio, runs, sizeof(double), cmp_double);
	printf("BENCH mikey_send_gmk %.0f msg/s\n", one[runs / 2]);
	printf("BENCH mikey_send_gmk_2threads %.0f msg/s\n", two[runs / 2]);
	printf("BENCH mikey_send_gmk_2t_speedup %.2f ratio\n", ratio[runs / 2]);
	printf("BENCH mikey_send_gmk_vs_pure %.2f ratio\n", vs[runs / 2]);
	/* load-independent: CPU per message (2 threads over 1; 1.00 = no
	 * contention, the 2-thread rate then scales with free cores) */
	printf("BENCH mikey_send_gmk_cpu %.0f us/msg\n", cpu1[runs / 2]);
	printf("BENCH mikey_send_gmk_cpu_2t_vs_1t %.2f ratio\n",
	       cpu2[runs / 2]);
	tok.p11.f->C_CloseSession(w[1].s);
	ms_token_close(&tok);
	return 0;
}
