/*
 * CKM_MCX_MIKEY_SAKKE send under concurrency (issue 5: "Two threads and two
 * processes distributing to the same group at once: every message valid,
 * K-IDs unique"):
 *   - two threads, each with its own session, send one group's GMK (a
 *     token object) to distinct members and make GMKs of their own at the
 *     same time: every message decodes and its ECCSI signature verifies,
 *     carries the K-ID of the key it was made from, the GUK-IDs differ, the
 *     K-IDs of the new GMKs are unique, and Alice's copies are received
 *     with her published keys;
 *   - a session closed by another thread while it sends (the ECCSI/SAKKE
 *     math runs without the module lock): the sender sees
 *     CKR_SESSION_HANDLE_INVALID, nothing crashes;
 *   - two forked processes, each C_Initialize and its own login, do the
 *     same on the same token.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "common/wipe.h"
#include "tests/blackbox/test_mcx_mikey_send_common.h"

#define N_PER  10 /* messages per thread / process and key */
#define N_WORK 2

static struct ms_token tok;
static CK_OBJECT_HANDLE group_gmk;
static uint32_t group_kid;
static CK_BBOOL yes = CK_TRUE;

#define F    tok.p11.f
#define SESS tok.sess

struct out_msg {
	uint8_t *msg;
	size_t len;
	uint32_t kid; /* of the key it was made from */
	char uri[64];
};

struct work {
	int id;
	CK_SESSION_HANDLE s;
	struct out_msg msgs[2 * N_PER + 1];
	size_t n;
	uint32_t own_kid[N_PER];
	CK_RV rv;
};

static int setup(void **state)
{
	(void)state;
	ms_token_open(&tok, "mcx-mikey-mt", false);
	/* the group's GMK, a token object the other processes find */
	CK_ULONG purpose = CKP_MCX_GMK;
	CK_MECHANISM m = {CKM_MCX_KEY_GEN, NULL, 0};
	CK_ATTRIBUTE a[] = {
	    {CKA_MCX_KEY_PURPOSE, &purpose, sizeof(purpose)},
	    {CKA_TOKEN, &yes, sizeof(yes)},
	    {CKA_PRIVATE, &yes, sizeof(yes)},
	    {CKA_EXTRACTABLE, &yes, sizeof(yes)},
	    {CKA_LABEL, "group-gmk", 9},
	};
	MCX_P11_CHECK(F->C_GenerateKey(SESS, &m, a, 5, &group_gmk), CKR_OK);
	group_kid = ms_key_id(F, SESS, group_gmk);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	ms_token_close(&tok);
	return 0;
}

/* One worker's distribution on session s with the given objects: the
 * group GMK and a new GMK of its own to N_PER members each, and the group
 * GMK to Alice. */
static CK_RV distribute(CK_FUNCTION_LIST *f, CK_SESSION_HANDLE s, int id,
			CK_OBJECT_HANDLE ssk, CK_OBJECT_HANDLE zt,
			CK_OBJECT_HANDLE gmk, uint32_t gmk_kid, struct work *w)
{
	CK_MCX_MIKEY_SEND_PARAMS p;
	CK_RV rv = CKR_OK;
	for (int i = 0; i < N_PER && rv == CKR_OK; i++) {
		CK_OBJECT_HANDLE own = ms_gen_key(&tok, s, CKP_MCX_GMK);
		w->own_kid[i] = ms_key_id(f, s, own);
		for (int k = 0; k < 2 && rv == CKR_OK; k++) {
			struct out_msg *o = &w->msgs[w->n];
			snprintf(o->uri, sizeof(o->uri),
				 "sip:member-%d-%d-%d@example.org", id, i, k);
			ms_params(&tok, &p, o->uri);
			p.hReceiverKms = zt;
			o->kid = k == 0 ? gmk_kid : w->own_kid[i];
			rv = ms_send(f, s, ssk, k == 0 ? gmk : own, &p, &o->msg,
				     &o->len);
			if (rv == CKR_OK)
				w->n++;
		}
		f->C_DestroyObject(s, own);
	}
	if (rv == CKR_OK) {
		struct out_msg *o = &w->msgs[w->n];
		snprintf(o->uri, sizeof(o->uri), "%s", tok.users[MS_ALICE].uri);
		ms_params(&tok, &p, o->uri);
		p.hReceiverKms = zt;
		p.flags = CKF_MCX_HIDE_IDENTITIES;
		o->kid = gmk_kid;
		rv = ms_send(f, s, ssk, gmk, &p, &o->msg, &o->len);
		if (rv == CKR_OK)
			w->n++;
	}
	return rv;
}

static void *thread_main(void *arg)
{
	struct work *w = arg;
	w->rv = distribute(F, w->s, w->id, tok.ssk[MS_GMS], tok.zt, group_gmk,
			   group_kid, w);
	return NULL;
}

/* Every message valid, K-IDs as sent, GUK-IDs distinct, new K-IDs
 * unique; Alice receives hers. */
static void check_work(struct work *w, size_t nw)
{
	uint32_t guk[N_WORK * (2 * N_PER + 1)];
	size_t ng = 0;
	for (size_t a = 0; a < nw; a++) {
		assert_int_equal(w[a].rv, CKR_OK);
		assert_int_equal(w[a].n, 2 * N_PER + 1);
		for (size_t i = 0; i < w[a].n; i++) {
			struct out_msg *o = &w[a].msgs[i];
			struct mcx_mikey_msg m;
			assert_int_equal(ms_verify(&tok, o->msg, o->len,
						   tok.users[MS_GMS].uid, &m),
					 MCX_OK);
			assert_int_equal(m.cs[0].spi_len, 8);
			uint32_t kid = (uint32_t)m.cs[0].spi[0] << 24 |
				       (uint32_t)m.cs[0].spi[1] << 16 |
				       (uint32_t)m.cs[0].spi[2] << 8 |
				       m.cs[0].spi[3];
			assert_int_equal(kid, o->kid);
			/* distinct members: distinct GUK-IDs (every worker
			 * also sends to Alice: hers are equal) */
			if (o->kid == group_kid &&
			    strcmp(o->uri, tok.users[MS_ALICE].uri) != 0) {
				for (size_t j = 0; j < ng; j++)
					assert_int_not_equal(guk[j], m.csb_id);
				guk[ng++] = m.csb_id;
			}
			if (strcmp(o->uri, tok.users[MS_ALICE].uri) == 0) {
				struct mcx_mikey_received rx;
				assert_int_equal(
				    ms_receive(&tok, o->msg, o->len, MS_ALICE,
					       tok.users[MS_GMS].uid, &m, &rx),
				    MCX_OK);
				assert_int_equal(rx.key_id, group_kid);
				uint8_t cv[3], got[3];
				ms_check_value(F, SESS, group_gmk, cv);
				ms_aes_check_value(rx.key, got);
				assert_memory_equal(cv, got, 3);
				mcx_wipe(&rx, sizeof(rx));
			}
			free(o->msg);
		}
		for (size_t i = 0; i < N_PER; i++) {
			assert_int_not_equal(w[a].own_kid[i], group_kid);
			for (size_t b = 0; b <= a; b++)
				for (size_t j = 0;
				     j < (b == a ? i : (size_t)N_PER); j++)
					assert_int_not_equal(w[a].own_kid[i],
							     w[b].own_kid[j]);
		}
	}
}

static void test_two_threads(void **state)
{
	(void)state;
	struct work *w = calloc(N_WORK, sizeof(*w));
	pthread_t th[N_WORK];
	assert_non_null(w);
	for (int i = 0; i < N_WORK; i++) {
		w[i].id = i;
		w[i].s = mcx_p11_session(&tok.p11, CKU_USER, NULL);
	}
	for (int i = 0; i < N_WORK; i++)
		assert_int_equal(
		    pthread_create(&th[i], NULL, thread_main, &w[i]), 0);
	for (int i = 0; i < N_WORK; i++)
		pthread_join(th[i], NULL);
	for (int i = 0; i < N_WORK; i++)
		F->C_CloseSession(w[i].s);
	check_work(w, N_WORK);
	free(w);
}

struct closer {
	CK_SESSION_HANDLE s;
	_Atomic CK_RV last;
	_Atomic unsigned ok;
};

static void *send_until_closed(void *arg)
{
	struct closer *c = arg;
	CK_MCX_MIKEY_SEND_PARAMS p;
	ms_params(&tok, &p, "sip:someone@example.org");
	for (int i = 0; i < 100000; i++) {
		uint8_t *msg = NULL;
		size_t len = 0;
		c->last = ms_send(F, c->s, tok.ssk[MS_GMS], group_gmk, &p, &msg,
				  &len);
		free(msg);
		if (c->last != CKR_OK)
			break;
		c->ok++;
	}
	return NULL;
}

static void test_close_while_sending(void **state)
{
	(void)state;
	struct closer c = {mcx_p11_session(&tok.p11, CKU_USER, NULL), 0, 0};
	pthread_t th;
	struct timespec ts = {0, 10 * 1000 * 1000};
	assert_int_equal(pthread_create(&th, NULL, send_until_closed, &c), 0);
	/* a few messages made: it is sending now (bounded wait) */
	for (int i = 0; i < 2000 && c.ok < 3 && c.last == CKR_OK; i++)
		nanosleep(&ts, NULL);
	assert_int_equal(c.last, CKR_OK);
	assert_true(c.ok >= 3);
	MCX_P11_CHECK(F->C_CloseSession(c.s), CKR_OK);
	pthread_join(th, NULL);
	assert_int_equal(c.last, CKR_SESSION_HANDLE_INVALID);
	/* the module is still usable */
	CK_SESSION_INFO info;
	MCX_P11_CHECK(F->C_GetSessionInfo(SESS, &info), CKR_OK);
}

static CK_OBJECT_HANDLE find_one(CK_FUNCTION_LIST *f, CK_SESSION_HANDLE s,
				 CK_ATTRIBUTE *t, CK_ULONG n)
{
	CK_OBJECT_HANDLE h = CK_INVALID_HANDLE;
	CK_ULONG got = 0;
	if (f->C_FindObjectsInit(s, t, n) != CKR_OK ||
	    f->C_FindObjects(s, &h, 1, &got) != CKR_OK ||
	    f->C_FindObjectsFinal(s) != CKR_OK || got != 1)
		return CK_INVALID_HANDLE;
	return h;
}

/* A forked child: its own C_Initialize and login, the objects found by
 * their attributes, the distribution written to path as
 * (4-octet length, message)* then the own K-IDs. */
static int child_main(int id, const char *path)
{
	CK_FUNCTION_LIST *f = F;
	CK_C_INITIALIZE_ARGS args;
	CK_SESSION_HANDLE s = CK_INVALID_HANDLE;
	CK_OBJECT_CLASS priv = CKO_PRIVATE_KEY, pub = CKO_PUBLIC_KEY;
	CK_KEY_TYPE ekt = CKK_MCX_ECCSI, skt = CKK_MCX_SAKKE;
	const char *gms = tok.users[MS_GMS].uri;
	static struct work w;

	memset(&args, 0, sizeof(args));
	args.flags = CKF_OS_LOCKING_OK;
	if (f->C_Initialize(&args) != CKR_OK ||
	    f->C_OpenSession(tok.p11.slot, CKF_SERIAL_SESSION | CKF_RW_SESSION,
			     NULL, NULL, &s) != CKR_OK ||
	    f->C_Login(s, CKU_USER, (CK_UTF8CHAR_PTR)MS_USER_PIN,
		       strlen(MS_USER_PIN)) != CKR_OK)
		return 2;
	CK_ATTRIBUTE ts[] = {{CKA_CLASS, &priv, sizeof(priv)},
			     {CKA_KEY_TYPE, &ekt, sizeof(ekt)},
			     {CKA_MCX_USER_URI, (void *)gms, strlen(gms)}};
	CK_ATTRIBUTE tz[] = {{CKA_CLASS, &pub, sizeof(pub)},
			     {CKA_KEY_TYPE, &skt, sizeof(skt)}};
	CK_ATTRIBUTE tg[] = {{CKA_LABEL, "group-gmk", 9}};
	CK_OBJECT_HANDLE ssk = find_one(f, s, ts, 3),
			 zt = find_one(f, s, tz, 2),
			 gmk = find_one(f, s, tg, 1);
	if (ssk == CK_INVALID_HANDLE || zt == CK_INVALID_HANDLE ||
	    gmk == CK_INVALID_HANDLE)
		return 3;
	w.id = 10 + id;
	if (distribute(f, s, w.id, ssk, zt, gmk, ms_key_id(f, s, gmk), &w) !=
	    CKR_OK)
		return 4;
	FILE *fp = fopen(path, "wb");
	if (fp == NULL)
		return 5;
	for (size_t i = 0; i < w.n; i++) {
		uint32_t l = (uint32_t)w.msgs[i].len;
		fwrite(&l, 4, 1, fp);
		fwrite(w.msgs[i].msg, 1, w.msgs[i].len, fp);
		fwrite(w.msgs[i].uri, 1, sizeof(w.msgs[i].uri), fp);
		fwrite(&w.msgs[i].kid, 4, 1, fp);
	}
	fwrite(w.own_kid, 4, N_PER, fp);
	fclose(fp);
	f->C_Finalize(NULL);
	return 0;
}

static void read_work(const char *path, struct work *w)
{
	FILE *fp = fopen(path, "rb");
	assert_non_null(fp);
	w->rv = CKR_OK;
	for (w->n = 0; w->n < 2 * N_PER + 1; w->n++) {
		struct out_msg *o = &w->msgs[w->n];
		uint32_t l = 0;
		assert_int_equal(fread(&l, 4, 1, fp), 1);
		o->len = l;
		o->msg = malloc(l);
		assert_non_null(o->msg);
		assert_int_equal(fread(o->msg, 1, l, fp), l);
		assert_int_equal(fread(o->uri, 1, sizeof(o->uri), fp),
				 sizeof(o->uri));
		assert_int_equal(fread(&o->kid, 4, 1, fp), 1);
	}
	assert_int_equal(fread(w->own_kid, 4, N_PER, fp), N_PER);
	fclose(fp);
}

static void test_two_processes(void **state)
{
	(void)state;
	pid_t pid[N_WORK];
	char path[N_WORK][320];
	struct work *w = calloc(N_WORK, sizeof(*w));
	assert_non_null(w);
	for (int i = 0; i < N_WORK; i++) {
		snprintf(path[i], sizeof(path[i]), "%s/child-%d.bin",
			 tok.p11.dir, i);
		pid[i] = fork();
		assert_true(pid[i] >= 0);
		if (pid[i] == 0)
			_exit(child_main(i, path[i]));
	}
	for (int i = 0; i < N_WORK; i++) {
		int st = 0;
		assert_int_equal(waitpid(pid[i], &st, 0), pid[i]);
		assert_true(WIFEXITED(st));
		assert_int_equal(WEXITSTATUS(st), 0);
		read_work(path[i], &w[i]);
		unlink(path[i]);
	}
	check_work(w, N_WORK);
	free(w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_two_threads),
	    cmocka_unit_test(test_close_while_sending),
	    cmocka_unit_test(test_two_processes),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
