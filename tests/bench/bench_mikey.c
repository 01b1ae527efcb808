/*
 * make bench: MIKEY-SAKKE I_MESSAGEs at the pure level (no token).
 *
 *   BENCH mikey_build_gmk <n>/s      complete signed GMK I_MESSAGEs, one
 *                                    GMK to distinct members (UID, GUK-ID,
 *                                    SAKKE with the KMS comb table, key
 *                                    parameters, ECCSI signature)
 *   BENCH mikey_receive_pure <n>/s   decode + receive (signature, SAKKE
 *                                    with the RSK table, K-ID, parameters)
 *   BENCH mikey_build_vs_primitives  build rate / (SAKKE encapsulation +
 *                                    ECCSI signature) rate, same run, both
 *                                    per CPU second
 *   BENCH mikey_receive_vs_primitives  receive rate / (ECCSI verification +
 *                                    SAKKE decapsulation) rate, per CPU s
 *   BENCH ..._per_cpu_s              the same rates per CPU second of
 *                                    this process (load-independent)
 *
 * Keys are made here by the pure KMS functions.  Each figure is the median
 * of 5 runs of about 0.6 s (2 noisy cores).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/wipe.h"
#include "mechanisms/kdf3gpp.h"
#include "mechanisms/mikey.h"
#include "mechanisms/random.h"

#define RUNS	 5
#define RUN_SECS 0.6
#define MEMBERS	 256
#define RX_MSGS	 64

static const char kms_uri[] = "kms.bench.example.org";
static const uint64_t period = 2592000, period_no = 1388;

static double clock_of(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static double now(void)
{
	return clock_of(CLOCK_MONOTONIC);
}

/* CPU time of this (single-threaded) process: the rate per CPU second,
 * which other jobs on the 2 shared cores do not dilute. */
static double cpu(void)
{
	return clock_of(CLOCK_PROCESS_CPUTIME_ID);
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void die(const char *what, enum mcx_mech_err err)
{
	fprintf(stderr, "bench_mikey: %s: %s\n", what, mcx_mech_err_str(err));
	exit(1);
}

static void uid_of(const char *uri, uint8_t uid[32])
{
	enum mcx_mech_err err = mcx_kdf3gpp_uid(
	    (const uint8_t *)uri, strlen(uri), (const uint8_t *)kms_uri,
	    strlen(kms_uri), period, 0, period_no, uid);

	if (err != MCX_OK)
		die("uid", err);
}

struct env {
	struct mcx_sakke_kms *kms;
	struct mcx_eccsi_kpak *kpak;
	struct mcx_eccsi_signer *gms;
	uint8_t gms_uid[32];
	uint8_t gmk[16];
	struct mcx_mikey_keyparams params;
	char uris[MEMBERS][48];
};

static void build_one(struct env *e, size_t member, uint8_t *out, size_t *len)
{
	uint8_t uid[32];
	struct mcx_mikey_build b;
	enum mcx_mech_err err;

	uid_of(e->uris[member], uid);
	memset(&b, 0, sizeof(b));
	b.key = e->gmk;
	b.key_id = 0x0DF9BC39;
	b.receiver_uri = (const uint8_t *)e->uris[member];
	b.receiver_uri_len = strlen(e->uris[member]);
	b.map_type = MCX_MIKEY_MAP_GENERIC_ID;
	b.cs_id = 4;
	b.ts = mcx_mikey_ntp_from_unix((uint64_t)time(NULL));
	b.idri = (struct mcx_mikey_id){MCX_MIKEY_ROLE_UIDI, e->gms_uid, 32};
	b.idrr = (struct mcx_mikey_id){MCX_MIKEY_ROLE_UIDR, uid, 32};
	b.idrkmsi = (struct mcx_mikey_id){
	    MCX_MIKEY_ROLE_KMSI, (const uint8_t *)kms_uri, strlen(kms_uri)};
	b.idrkmsr = b.idrkmsi;
	b.idrkmsr.role = MCX_MIKEY_ROLE_KMSR;
	b.with_sp = 1;
	b.kms = e->kms;
	b.receiver_uid = uid;
	b.receiver_uid_len = 32;
	b.params = &e->params;
	b.signer = e->gms;
	err = mcx_mikey_encode(&b, out, 2048, len);
	if (err != MCX_OK)
		die("encode", err);
}

/* Decode + receive the messages in turn for secs seconds (once each if
 * secs is 0); returns the count. */
static size_t receive_run(const struct mcx_mikey_receiver *rx,
			  uint8_t msgs[][2048], const size_t *lens,
			  struct mcx_mikey_received *got, double secs)
{
	size_t n = 0;
	double t0 = now();

	do {
		struct mcx_mikey_msg m;
		size_t i = n % RX_MSGS;
		enum mcx_mech_err err = mcx_mikey_decode(msgs[i], lens[i], &m);
		if (err == MCX_OK)
			err = mcx_mikey_receive(&m, rx, got);
		if (err != MCX_OK)
			die("receive", err);
		n++;
	} while (secs > 0 ? now() - t0 < secs : n < RX_MSGS);
	return n;
}

int main(void)
{
	static struct env e;
	static uint8_t msgs[RX_MSGS][2048];
	static size_t lens[RX_MSGS];
	uint8_t z[32], ksak[32], kpak[65], ssk[32], pvt[65];
	uint8_t z_t[MCX_SAKKE_POINT_LEN], rskb[MCX_SAKKE_POINT_LEN];
	uint8_t alice_uid[32], sed[MCX_SAKKE_SED_LEN], sig[MCX_ECCSI_SIG_LEN];
	uint8_t buf[2048];
	const char *alice = "sip:alice@bench.example.org";
	struct mcx_sakke_rsk *rsk = NULL;
	struct mcx_mikey_received *got = calloc(1, sizeof(*got));
	double build[RUNS], recv[RUNS], prim[RUNS], build_cpu[RUNS],
	    recv_cpu[RUNS], recvc_cpu[RUNS], rprim[RUNS];
	struct mcx_mikey_receiver rx = {0}, rxc = {0};
	struct mcx_eccsi_verifier *ver = NULL;
	size_t len = 0;
	enum mcx_mech_err err;

	if (got == NULL)
		return 1;
	/* A KMS (SAKKE master secret z, ECCSI KSAK), the GMS's signing key
	 * and Alice's RSK. */
	if ((err = mcx_random_bytes(z, sizeof(z))) != MCX_OK ||
	    (err = mcx_sakke_kms_public_from_secret(z, sizeof(z), z_t)) !=
		MCX_OK ||
	    (err = mcx_sakke_kms_new(z_t, sizeof(z_t), &e.kms)) != MCX_OK ||
	    (err = mcx_sakke_kms_build_table(e.kms)) != MCX_OK)
		die("sakke kms", err);
	uid_of("gms@bench.example.org", e.gms_uid);
	uid_of(alice, alice_uid);
	if ((err = mcx_eccsi_kms_keygen(ksak, kpak)) != MCX_OK ||
	    (err = mcx_eccsi_kpak_new(&e.kpak, kpak, sizeof(kpak))) != MCX_OK ||
	    (err = mcx_eccsi_kms_issue(ksak, e.gms_uid, 32, ssk, pvt)) !=
		MCX_OK ||
	    (err = mcx_eccsi_signer_new(&e.gms, e.kpak, e.gms_uid, 32, ssk, 32,
					pvt, 65)) != MCX_OK)
		die("eccsi", err);
	if ((err = mcx_sakke_kms_issue_rsk(z, sizeof(z), alice_uid, 32,
					   rskb)) != MCX_OK ||
	    (err = mcx_sakke_rsk_new(rskb, sizeof(rskb), &rsk)) != MCX_OK ||
	    (err = mcx_sakke_rsk_precompute(rsk)) != MCX_OK)
		die("rsk", err);
	if ((err = mcx_random_bytes(e.gmk, sizeof(e.gmk))) != MCX_OK)
		die("random", err);
	e.params.key_type = MCX_MIKEY_PURPOSE_GMK;
	e.params.status = MCX_MIKEY_STATUS_NOT_REVOKED;
	e.params.text = (const uint8_t *)"bench group";
	e.params.text_len = 11;
	e.params.has_groups = 1;
	e.params.n_groups = 1;
	e.params.groups[0].iei = MCX_MIKEY_GROUP_ID_IEI;
	e.params.groups[0].id = (const uint8_t *)"bench@gms.example.org";
	e.params.groups[0].len = 21;
	for (size_t i = 0; i < MEMBERS; i++)
		snprintf(e.uris[i], sizeof(e.uris[i]),
			 "sip:member%zu@bench.example.org", i);
	/* Messages to Alice for the receive runs (the first warms the RSK's
	 * Q_b comb). */
	strcpy(e.uris[0], alice);
	for (size_t i = 0; i < RX_MSGS; i++) {
		if ((err = mcx_random_bytes(e.gmk, sizeof(e.gmk))) != MCX_OK)
			die("random", err);
		build_one(&e, 0, msgs[i], &lens[i]);
	}
	rx.kpak = e.kpak;
	rx.kms = e.kms;
	rx.rsk = rsk;
	rx.own_uid = alice_uid;
	rx.own_uid_len = 32;
	rx.own_uri = (const uint8_t *)alice;
	rx.own_uri_len = strlen(alice);
	receive_run(&rx, msgs, lens, got, 0);
	/* A receiver that keeps a verifier per sender (Y cached). */
	if ((err = mcx_eccsi_verifier_new(&ver, e.kpak, e.gms_uid, 32, pvt,
					  65)) != MCX_OK)
		die("verifier", err);
	rxc = rx;
	rxc.sender_id = e.gms_uid;
	rxc.sender_id_len = 32;
	rxc.verifier = ver;

	for (int r = 0; r < RUNS; r++) {
		size_t n = 0;
		double t0 = now(), t = 0, c0 = cpu();

		do {
			build_one(&e, 1 + n % (MEMBERS - 1), buf, &len);
			n++;
			t = now() - t0;
		} while (t < RUN_SECS);
		build[r] = (double)n / t;
		build_cpu[r] = (double)n / (cpu() - c0);

		t0 = now();
		c0 = cpu();
		n = receive_run(&rx, msgs, lens, got, RUN_SECS);
		recv[r] = (double)n / (now() - t0);
		recv_cpu[r] = (double)n / (cpu() - c0);
		c0 = cpu();
		n = receive_run(&rxc, msgs, lens, got, RUN_SECS);
		recvc_cpu[r] = (double)n / (cpu() - c0);

		/* The two public-key operations alone, same conditions. */
		n = 0;
		t0 = now();
		c0 = cpu();
		do {
			if ((err = mcx_sakke_encapsulate(
				 e.kms, alice_uid, 32, e.gmk, sed)) != MCX_OK ||
			    (err = mcx_eccsi_sign(e.gms, msgs[0], 570, sig)) !=
				MCX_OK)
				die("primitives", err);
			n++;
			t = now() - t0;
		} while (t < RUN_SECS);
		(void)t;
		prim[r] = (double)n / (cpu() - c0);

		/* Receiving's public-key operations alone: ECCSI verification
		 * and SAKKE decapsulation with the RSK table. */
		n = 0;
		t0 = now();
		c0 = cpu();
		do {
			struct mcx_mikey_msg m;
			uint8_t ssv[MCX_SAKKE_SSV_LEN];
			size_t i = n % RX_MSGS;
			if ((err = mcx_mikey_decode(msgs[i], lens[i], &m)) !=
				MCX_OK ||
			    (err = mcx_eccsi_verify(
				 e.kpak, e.gms_uid, 32, msgs[i], m.signed_len,
				 m.sig, m.sig_len)) != MCX_OK ||
			    (err = mcx_sakke_decapsulate(
				 e.kms, rsk, alice_uid, 32, m.sakke.sed,
				 m.sakke.sed_len, ssv)) != MCX_OK)
				die("primitives", err);
			mcx_wipe(ssv, sizeof(ssv));
			n++;
		} while (now() - t0 < RUN_SECS);
		rprim[r] = (double)n / (cpu() - c0);
	}
	qsort(build, RUNS, sizeof(double), cmp);
	qsort(recv, RUNS, sizeof(double), cmp);
	qsort(prim, RUNS, sizeof(double), cmp);
	qsort(build_cpu, RUNS, sizeof(double), cmp);
	qsort(recv_cpu, RUNS, sizeof(double), cmp);
	qsort(recvc_cpu, RUNS, sizeof(double), cmp);
	qsort(rprim, RUNS, sizeof(double), cmp);
	printf("BENCH mikey_build_gmk %.1f /s\n", build[RUNS / 2]);
	printf("BENCH mikey_receive_pure %.1f /s\n", recv[RUNS / 2]);
	printf("BENCH mikey_build_gmk_per_cpu_s %.1f /s\n",
	       build_cpu[RUNS / 2]);
	printf("BENCH mikey_receive_pure_per_cpu_s %.1f /s\n",
	       recv_cpu[RUNS / 2]);
	printf("BENCH mikey_receive_pure_cached_verifier_per_cpu_s %.1f /s\n",
	       recvc_cpu[RUNS / 2]);
	printf("BENCH mikey_build_vs_primitives %.3f ratio\n",
	       build_cpu[RUNS / 2] / prim[RUNS / 2]);
	printf("BENCH mikey_receive_vs_primitives %.3f ratio\n",
	       recv_cpu[RUNS / 2] / rprim[RUNS / 2]);
	mcx_wipe(z, sizeof(z));
	mcx_wipe(ksak, sizeof(ksak));
	mcx_wipe(ssk, sizeof(ssk));
	mcx_wipe(e.gmk, sizeof(e.gmk));
	mcx_wipe(got, sizeof(*got));
	free(got);
	mcx_eccsi_verifier_free(ver);
	mcx_sakke_rsk_free(rsk);
	mcx_eccsi_signer_free(e.gms);
	mcx_eccsi_kpak_free(e.kpak);
	mcx_sakke_kms_free(e.kms);
	return 0;
}
