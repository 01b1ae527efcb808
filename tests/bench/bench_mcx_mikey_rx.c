/*
 * BENCH: CKM_MCX_MIKEY_SAKKE receive through C_UnwrapKey (issue 5 bar:
 * mikey_receive >= 350/s), the way an MC service server or a partner GMS
 * receives: GMK I_MESSAGEs from one GMS (Streamwide v5 "GMS" key set) to
 * one server identity (the "Bob" key set stands for it), each with a
 * distinct K-ID and a group ID, received into session objects with the
 * RSK named (mikey_receive) and chosen by the token (mikey_receive_auto).
 * The comparison point, measured in the same run: the pure engine
 * (mcx_mikey_decode + mcx_mikey_receive with the same cached RSK table and
 * ECCSI verifier), so the ratio is the token's overhead.  Each figure is
 * the median of MCXHSM_BENCH_REPS (default 5) rounds of MCXHSM_BENCH_MSGS
 * (default 150) messages; the keys of a round are destroyed between rounds
 * (not timed) so that the same messages are received again.  Token and
 * engine are interleaved message by message and rated per second of this
 * process's CPU time (one thread, no I/O wait: the store runs with sync =
 * normal), so that a busy shared machine does not skew the ratio;
 * mikey_receive_wall is the token's rate by the wall clock.
 * mikey_receive_2threads: two threads, each with its own session, receive
 * half of the messages each (wall clock, and its ratio to one thread's
 * wall-clock rate in the same run: the SAKKE/ECCSI math runs without the
 * module lock).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/rand.h>

#include "common/wipe.h"
#include "mechanisms/eccsi.h"
#include "mechanisms/mikey.h"
#include "mechanisms/sakke.h"
#include "tests/blackbox/mcx_streamwide.h"
#include "tests/blackbox/p11_helpers.h"
#include "tests/common/vectors.h"

#define MSG_CAP	 2048
#define MAX_MSGS 2000
#define MAX_REPS 21

static struct mcx_p11 p11;
static CK_SESSION_HANDLE sess;
static CK_OBJECT_HANDLE rsk_h, keys[MAX_MSGS];
static struct mcx_sw sw;
static struct mcx_sw_user gms, server;
static struct mcx_sakke_kms *kms;
static struct mcx_sakke_rsk *rsk;
static struct mcx_eccsi_kpak *kpak;
static struct mcx_eccsi_signer *signer;
static struct mcx_eccsi_verifier *verifier;
static uint8_t msgs[MAX_MSGS][MSG_CAP];
static size_t lens[MAX_MSGS];
static size_t n_msgs;
static uint64_t ts;

static double clock_of(clockid_t id)
{
	struct timespec t;
	clock_gettime(id, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static double now(void)
{
	return clock_of(CLOCK_PROCESS_CPUTIME_ID);
}

static void fail(const char *what, unsigned long code)
{
	fprintf(stderr, "bench_mcx_mikey_rx: %s failed (0x%lx)\n", what, code);
	exit(1);
}

static void build(size_t i)
{
	static const char group[] = "bench@gms@streamwide.com";
	struct mcx_mikey_keyparams kp;
	struct mcx_mikey_build b;
	uint8_t key[16];
	uint32_t r = 0;
	enum mcx_mech_err e;

	if (RAND_bytes(key, 16) != 1 || RAND_bytes((uint8_t *)&r, 4) != 1)
		fail("RAND_bytes", 0);
	memset(&kp, 0, sizeof(kp));
	kp.key_type = MCX_MIKEY_PURPOSE_GMK;
	kp.status = MCX_MIKEY_STATUS_NOT_REVOKED;
	kp.text = (const uint8_t *)"bench group";
	kp.text_len = 11;
	kp.has_groups = 1;
	kp.n_groups = 1;
	kp.groups[0].iei = MCX_MIKEY_GROUP_ID_IEI;
	kp.groups[0].id = (const uint8_t *)group;
	kp.groups[0].len = sizeof(group) - 1;
	memset(&b, 0, sizeof(b));
	b.key = key;
	/* distinct K-IDs: the index in the low bits */
	b.key_id = ((r & 0x0fff0000u) | (uint32_t)i) & 0x0fffffffu;
	b.receiver_uri = (const uint8_t *)server.uri;
	b.receiver_uri_len = strlen(server.uri);
	b.map_type = MCX_MIKEY_MAP_GENERIC_ID;
	b.cs_id = 4;
	b.ts = ts;
	b.idri = (struct mcx_mikey_id){MCX_MIKEY_ROLE_UIDI, gms.uid, 32};
	b.idrr = (struct mcx_mikey_id){MCX_MIKEY_ROLE_UIDR, server.uid, 32};
	b.idrkmsi = (struct mcx_mikey_id){MCX_MIKEY_ROLE_KMSI,
					  (const uint8_t *)sw.kms_uri,
					  strlen(sw.kms_uri)};
	b.idrkmsr = b.idrkmsi;
	b.idrkmsr.role = MCX_MIKEY_ROLE_KMSR;
	b.with_sp = 1;
	b.kms = kms;
	b.receiver_uid = server.uid;
	b.receiver_uid_len = 32;
	b.params = &kp;
	b.signer = signer;
	e = mcx_mikey_encode(&b, msgs[i], MSG_CAP, &lens[i]);
	mcx_wipe(key, sizeof(key));
	if (e != MCX_OK)
		fail("mcx_mikey_encode", e);
}

static void setup(void)
{
	enum mcx_mech_err e;
	size_t n = 0;
	mcx_sw_load(&sw);
	mcx_sw_user(&sw, "GMS", &gms);
	mcx_sw_user(&sw, "Bob", &server);
	uint8_t *t = mcx_vectors_hex(sw.root, "cases.0.payloads.1.ts", &n);
	for (size_t i = 0; i < n; i++)
		ts = ts << 8 | t[i];
	free(t);
	if ((e = mcx_sakke_kms_new(sw.z_t, 257, &kms)) != MCX_OK ||
	    (e = mcx_sakke_kms_build_table(kms)) != MCX_OK ||
	    (e = mcx_sakke_rsk_new(server.rsk, 257, &rsk)) != MCX_OK ||
	    (e = mcx_sakke_rsk_precompute(rsk)) != MCX_OK ||
	    (e = mcx_eccsi_kpak_new(&kpak, sw.kpak, 65)) != MCX_OK ||
	    (e = mcx_eccsi_signer_new(&signer, kpak, gms.uid, 32, gms.ssk, 32,
				      gms.pvt, 65)) != MCX_OK ||
	    (e = mcx_eccsi_verifier_new(&verifier, kpak, gms.uid, 32, gms.pvt,
					65)) != MCX_OK)
		fail("engine setup", e);
	for (size_t i = 0; i < n_msgs; i++)
		build(i);

	CK_OBJECT_HANDLE h = CK_INVALID_HANDLE;
	mcx_p11_open(&p11);
	mcx_p11_init_token(&p11, "bench-mikey-rx", "so-secret-1",
			   "user-secret-1");
	sess = mcx_p11_session(&p11, CKU_USER, "user-secret-1");
	CK_RV rv = mcx_sw_create_sakke_public(p11.f, sess, &sw, sw.z_t, &h);
	if (rv == CKR_OK)
		rv = mcx_sw_create_eccsi_public(p11.f, sess, &sw, sw.kpak, &h);
	if (rv == CKR_OK)
		rv =
		    mcx_sw_create_rsk(p11.f, sess, sw.kms_uri, &server, &rsk_h);
	/* the other identities a server token would hold */
	if (rv == CKR_OK)
		rv = mcx_sw_create_rsk(p11.f, sess, sw.kms_uri, &gms, &h);
	if (rv != CKR_OK)
		fail("token setup", rv);
}

/* One round through the token: every message, then (untimed) the keys
 * destroyed.  Returns messages per second. */
/* One message through the pure engine with the same cached state. */
static void engine_one(size_t i)
{
	struct mcx_mikey_receiver rx = {
	    .kpak = kpak,
	    .sender_id = gms.uid,
	    .sender_id_len = 32,
	    .verifier = verifier,
	    .kms = kms,
	    .rsk = rsk,
	    .own_uid = server.uid,
	    .own_uid_len = 32,
	    .own_uri = (const uint8_t *)server.uri,
	    .own_uri_len = strlen(server.uri),
	};
	struct mcx_mikey_msg d;
	struct mcx_mikey_received out;
	enum mcx_mech_err e = mcx_mikey_decode(msgs[i], lens[i], &d);
	if (e == MCX_OK)
		e = mcx_mikey_receive(&d, &rx, &out);
	if (e != MCX_OK)
		fail("mcx_mikey_receive", e);
	mcx_wipe(&out, sizeof(out));
}

static void destroy_keys(void)
{
	for (size_t i = 0; i < n_msgs; i++)
		if (p11.f->C_DestroyObject(sess, keys[i]) != CKR_OK)
			fail("C_DestroyObject", 0);
}

/* One round, token and engine interleaved message by message so that both
 * see the same machine: CPU-time rates in *tok and *eng.  Then (untimed)
 * the keys are destroyed. */
static void interleaved_round(CK_OBJECT_HANDLE unwrapping, double *tok,
			      double *eng)
{
	CK_MECHANISM m = {CKM_MCX_MIKEY_SAKKE, NULL, 0};
	CK_BBOOL no = CK_FALSE;
	CK_ATTRIBUTE t[] = {{CKA_TOKEN, &no, sizeof(no)}};
	double tt = 0, te = 0;
	for (size_t i = 0; i < n_msgs; i++) {
		double t0 = now();
		CK_RV rv = p11.f->C_UnwrapKey(sess, &m, unwrapping, msgs[i],
					      lens[i], t, 1, &keys[i]);
		double t1 = now();
		if (rv != CKR_OK)
			fail("C_UnwrapKey", rv);
		engine_one(i);
		tt += t1 - t0;
		te += now() - t1;
	}
	*tok = (double)n_msgs / tt;
	*eng = (double)n_msgs / te;
	destroy_keys();
}

/* One thread through the token, by the wall clock. */
static double wall_round(void)
{
	CK_MECHANISM m = {CKM_MCX_MIKEY_SAKKE, NULL, 0};
	CK_BBOOL no = CK_FALSE;
	CK_ATTRIBUTE t[] = {{CKA_TOKEN, &no, sizeof(no)}};
	double w0 = clock_of(CLOCK_MONOTONIC);
	for (size_t i = 0; i < n_msgs; i++) {
		CK_RV rv = p11.f->C_UnwrapKey(sess, &m, rsk_h, msgs[i], lens[i],
					      t, 1, &keys[i]);
		if (rv != CKR_OK)
			fail("C_UnwrapKey", rv);
	}
	double rate = (double)n_msgs / (clock_of(CLOCK_MONOTONIC) - w0);
	destroy_keys();
	return rate;
}

struct half {
	CK_SESSION_HANDLE s;
	size_t from, to;
	CK_RV rv;
};

static void *receive_half(void *arg)
{
	struct half *h = arg;
	CK_MECHANISM m = {CKM_MCX_MIKEY_SAKKE, NULL, 0};
	CK_BBOOL no = CK_FALSE;
	CK_ATTRIBUTE t[] = {{CKA_TOKEN, &no, sizeof(no)}};
	for (size_t i = h->from; i < h->to && h->rv == CKR_OK; i++)
		h->rv = p11.f->C_UnwrapKey(h->s, &m, rsk_h, msgs[i], lens[i], t,
					   1, &keys[i]);
	return NULL;
}

/* Two threads; wall-clock messages per second.  The keys live in the
 * threads' sessions and go when they close. */
static double threads_round(void)
{
	struct half h[2] = {{0, 0, n_msgs / 2, CKR_OK},
			    {0, n_msgs / 2, n_msgs, CKR_OK}};
	pthread_t th[2];
	for (int i = 0; i < 2; i++)
		h[i].s = mcx_p11_session(&p11, CKU_USER, NULL);
	double w0 = clock_of(CLOCK_MONOTONIC);
	for (int i = 0; i < 2; i++)
		if (pthread_create(&th[i], NULL, receive_half, &h[i]) != 0)
			fail("pthread_create", 0);
	for (int i = 0; i < 2; i++)
		pthread_join(th[i], NULL);
	double rate = (double)n_msgs / (clock_of(CLOCK_MONOTONIC) - w0);
	for (int i = 0; i < 2; i++) {
		if (h[i].rv != CKR_OK)
			fail("C_UnwrapKey (thread)", h[i].rv);
		p11.f->C_CloseSession(h[i].s);
	}
	return rate;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp);
	return v[n / 2];
}

int main(void)
{
	const char *e = getenv("MCXHSM_BENCH_REPS");
	const char *m = getenv("MCXHSM_BENCH_MSGS");
	int reps = e != NULL && *e ? atoi(e) : 5;
	double tok[MAX_REPS], aut[MAX_REPS], eng[MAX_REPS], wall[MAX_REPS],
	    two[MAX_REPS];

	n_msgs = m != NULL && *m ? (size_t)atol(m) : 150;
	if (reps < 1 || reps > MAX_REPS || n_msgs < 1 || n_msgs > MAX_MSGS) {
		fprintf(stderr, "bench_mcx_mikey_rx: bad REPS/MSGS\n");
		return 1;
	}
	setup();
	/* warm-up: the RSK table, the verifier and the KMS enter the caches */
	interleaved_round(rsk_h, &tok[0], &eng[0]);
	for (int r = 0; r < reps; r++) {
		double unused = 0;
		interleaved_round(rsk_h, &tok[r], &eng[r]);
		interleaved_round(CK_INVALID_HANDLE, &aut[r], &unused);
		wall[r] = wall_round();
		two[r] = threads_round();
	}
	double t = median(tok, reps), a = median(aut, reps),
	       g = median(eng, reps);
	double w = median(wall, reps), w2 = median(two, reps);
	printf("BENCH mikey_receive %.0f /s\n", t);
	printf("BENCH mikey_receive_auto %.0f /s\n", a);
	printf("BENCH mikey_receive_engine %.0f /s\n", g);
	printf("BENCH mikey_receive_vs_engine %.2f ratio\n", t / g);
	printf("BENCH mikey_receive_token_overhead %.0f us\n",
	       (1.0 / t - 1.0 / g) * 1e6);
	printf("BENCH mikey_receive_wall %.0f /s\n", w);
	printf("BENCH mikey_receive_2threads %.0f /s\n", w2);
	printf("BENCH mikey_receive_2t_speedup %.2f ratio\n", w2 / w);
	p11.f->C_CloseSession(sess);
	mcx_p11_close(&p11);
	mcx_eccsi_verifier_free(verifier);
	mcx_eccsi_signer_free(signer);
	mcx_eccsi_kpak_free(kpak);
	mcx_sakke_rsk_free(rsk);
	mcx_sakke_kms_free(kms);
	json_object_put(sw.root);
	return 0;
}
