/*
 * Crash safety (issue 2): 50 times, a child process creates token objects
 * through the module as fast as it can and reports each creation that
 * returned CKR_OK through a pipe; the parent SIGKILLs it after a random
 * delay.  After every kill the token database must pass
 * PRAGMA integrity_check, hold every reported object, hold the creation
 * audit record of every object present, and its audit chain must verify
 * (recomputed here from the rows, by the encoding documented for
 * CKO_MCX_AUDIT_RECORD in <mcxhsm/pkcs11-mcx.h>).  At the end the module itself
 * finds every reported object.
 *
 * MCXHSM_SEED fixes the random delays (the seed used is printed).
 */
#include "tests/blackbox/p11_helpers.h"

#include <dirent.h>
#include <errno.h>
#include <openssl/evp.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define ROUNDS	     50
#define MAX_DELAY_MS 40
#define READY_MARK   0xffffffffu
#define SO_PIN	     "crash-so-pin-1"
#define USER_PIN     "crash-user-pin-1"

static void die(const char *fmt, const char *detail)
    __attribute__((format(printf, 1, 0), noreturn));
static void die(const char *fmt, const char *detail)
{
	fprintf(stderr, "FAIL: ");
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
	/* every caller passes a literal with one %s */
	fprintf(stderr, fmt, detail);
#pragma GCC diagnostic pop
	fputc('\n', stderr);
	exit(1);
}

static void label_of(char *buf, size_t len, int round, uint32_t i)
{
	snprintf(buf, len, "crash-r%02d-o%05u", round, (unsigned)i);
}

/* The child: create public token data objects until killed. */
static void child(struct mcx_p11 *p, int round, int wfd)
{
	CK_C_INITIALIZE_ARGS args;
	CK_SESSION_HANDLE s = CK_INVALID_HANDLE;
	CK_OBJECT_CLASS data = CKO_DATA;
	CK_BBOOL t = CK_TRUE, f = CK_FALSE;
	char label[40];
	uint8_t value[64];

	memset(&args, 0, sizeof(args));
	args.flags = CKF_OS_LOCKING_OK;
	if (p->f->C_Initialize(&args) != CKR_OK)
		_exit(3);
	/* a public R/W session: token objects without a login (and without
	 * the 600,000-iteration KDF in every child) */
	if (p->f->C_OpenSession(p->slot, CKF_SERIAL_SESSION | CKF_RW_SESSION,
				NULL, NULL, &s) != CKR_OK)
		_exit(4);
	/* ready: the parent may time the kill from here */
	{
		uint32_t mark = READY_MARK;

		if (write(wfd, &mark, sizeof(mark)) != (ssize_t)sizeof(mark))
			_exit(6);
	}
	memset(value, round, sizeof(value));
	for (uint32_t i = 0; i < 1000000; i++) {
		CK_OBJECT_HANDLE h = CK_INVALID_HANDLE;
		CK_ATTRIBUTE tmpl[] = {
		    {CKA_CLASS, &data, sizeof(data)},
		    {CKA_TOKEN, &t, 1},
		    {CKA_PRIVATE, &f, 1},
		    {CKA_LABEL, label, 0},
		    {CKA_APPLICATION, "crash-safety", 12},
		    {CKA_VALUE, value, sizeof(value)},
		};

		label_of(label, sizeof(label), round, i);
		tmpl[3].ulValueLen = strlen(label);
		if (p->f->C_CreateObject(s, tmpl, 6, &h) != CKR_OK)
			_exit(5);
		if (write(wfd, &i, sizeof(i)) != (ssize_t)sizeof(i))
			_exit(6);
	}
	_exit(0);
}

/* The initialised token's database in dir (exactly one). */
static void find_db(const char *dir, char *out, size_t len)
{
	DIR *d = opendir(dir);
	struct dirent *e = NULL;
	int found = 0;

	if (d == NULL)
		die("cannot open %s", dir);
	while ((e = readdir(d)) != NULL) {
		size_t l = strlen(e->d_name);

		if (l > 9 && strcmp(e->d_name + l - 9, ".mcxtoken") == 0) {
			snprintf(out, len, "%s/%s", dir, e->d_name);
			found++;
		}
	}
	closedir(d);
	if (found != 1)
		die("expected one token database in %s", dir);
}

static void put_u64(uint8_t *p, uint64_t v)
{
	for (int i = 7; i >= 0; i--)
		*p++ = (uint8_t)(v >> (8 * i));
}

/* Recompute the chain from 32 zero octets; returns the records checked or
 * -1 (message printed) when it is broken. */
static long verify_audit(sqlite3 *db)
{
	sqlite3_stmt *s = NULL;
	uint8_t prev[32] = {0};
	long n = 0;
	int rc = 0;

	if (sqlite3_prepare_v2(db,
			       "SELECT seq, time, pid, user_type, mechanism,"
			       " rv, function, unique_id, label, prev_hash,"
			       " hash FROM audit ORDER BY seq",
			       -1, &s, NULL) != SQLITE_OK)
		die("audit query: %s", sqlite3_errmsg(db));
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		uint8_t enc[6 * 8 + 3 * 2 + 3 * 65536];
		size_t off = 0;
		uint8_t hash[32];
		unsigned int hlen = 0;

		if (sqlite3_column_int64(s, 0) != n) {
			fprintf(stderr, "audit: seq %lld where %ld expected\n",
				(long long)sqlite3_column_int64(s, 0), n);
			n = -1;
			break;
		}
		for (int c = 0; c < 6; c++, off += 8)
			put_u64(enc + off,
				(uint64_t)sqlite3_column_int64(s, c));
		for (int c = 6; c < 9; c++) {
			size_t l = (size_t)sqlite3_column_bytes(s, c);
			const void *v = sqlite3_column_blob(s, c);

			enc[off++] = (uint8_t)(l >> 8);
			enc[off++] = (uint8_t)l;
			if (l > 0)
				memcpy(enc + off, v, l);
			off += l;
		}
		if (sqlite3_column_bytes(s, 9) != 32 ||
		    memcmp(sqlite3_column_blob(s, 9), prev, 32) != 0) {
			fprintf(stderr, "audit: record %ld: prev_hash broken\n",
				n);
			n = -1;
			break;
		}
		{
			EVP_MD_CTX *c = EVP_MD_CTX_new();

			if (c == NULL ||
			    EVP_DigestInit_ex(c, EVP_sha256(), NULL) != 1 ||
			    EVP_DigestUpdate(c, prev, 32) != 1 ||
			    EVP_DigestUpdate(c, enc, off) != 1 ||
			    EVP_DigestFinal_ex(c, hash, &hlen) != 1)
				die("%s", "SHA-256 failed");
			EVP_MD_CTX_free(c);
		}
		if (sqlite3_column_bytes(s, 10) != 32 ||
		    memcmp(sqlite3_column_blob(s, 10), hash, 32) != 0) {
			fprintf(stderr, "audit: record %ld: hash broken\n", n);
			n = -1;
			break;
		}
		memcpy(prev, hash, 32);
		n++;
	}
	if (n >= 0 && rc != SQLITE_DONE)
		die("audit read: %s", sqlite3_errmsg(db));
	sqlite3_finalize(s);
	return n;
}

/* After a kill: integrity, every reported object present, audit chain. */
static void check_db(const char *path, int round, const uint32_t *ok,
		     size_t nok, long *audit_records)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *s = NULL;
	char label[40];

	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) !=
	    SQLITE_OK)
		die("open %s", path);
	sqlite3_busy_timeout(db, 10000);
	if (sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &s, NULL) !=
		SQLITE_OK ||
	    sqlite3_step(s) != SQLITE_ROW ||
	    strcmp((const char *)sqlite3_column_text(s, 0), "ok") != 0)
		die("integrity_check: %s",
		    s ? (const char *)sqlite3_column_text(s, 0)
		      : sqlite3_errmsg(db));
	sqlite3_finalize(s);
	if (sqlite3_prepare_v2(db,
			       "SELECT count(*) FROM objects WHERE label = ?1",
			       -1, &s, NULL) != SQLITE_OK)
		die("objects query: %s", sqlite3_errmsg(db));
	for (size_t i = 0; i < nok; i++) {
		label_of(label, sizeof(label), round, ok[i]);
		sqlite3_bind_blob(s, 1, label, (int)strlen(label),
				  SQLITE_STATIC);
		if (sqlite3_step(s) != SQLITE_ROW ||
		    sqlite3_column_int(s, 0) != 1)
			die("object %s returned CKR_OK but is not in the "
			    "database",
			    label);
		sqlite3_reset(s);
	}
	sqlite3_finalize(s);
	/* every object present has its creation record (one transaction
	 * for both): none may exist without it */
	if (sqlite3_prepare_v2(
		db,
		"SELECT o.unique_id FROM objects o WHERE NOT EXISTS"
		" (SELECT 1 FROM audit a WHERE a.unique_id = o.unique_id"
		" AND a.function = 'C_CreateObject' AND a.rv = 0)",
		-1, &s, NULL) != SQLITE_OK)
		die("audit join: %s", sqlite3_errmsg(db));
	if (sqlite3_step(s) == SQLITE_ROW)
		die("object %s exists without its C_CreateObject audit record",
		    (const char *)sqlite3_column_text(s, 0));
	sqlite3_finalize(s);
	*audit_records = verify_audit(db);
	if (*audit_records < 0)
		die("%s", "audit chain does not verify");
	sqlite3_close(db);
}

/* The module finds every reported object. */
static void check_through_module(struct mcx_p11 *p, size_t total)
{
	CK_C_INITIALIZE_ARGS args;
	CK_SESSION_HANDLE s = CK_INVALID_HANDLE;
	CK_ATTRIBUTE tmpl[] = {{CKA_APPLICATION, "crash-safety", 12}};
	CK_OBJECT_HANDLE h[256];
	CK_ULONG n = 0;
	size_t found = 0;

	memset(&args, 0, sizeof(args));
	args.flags = CKF_OS_LOCKING_OK;
	MCX_P11_CHECK(p->f->C_Initialize(&args), CKR_OK);
	s = mcx_p11_session(p, CKU_USER, NULL);
	MCX_P11_CHECK(p->f->C_FindObjectsInit(s, tmpl, 1), CKR_OK);
	do {
		MCX_P11_CHECK(p->f->C_FindObjects(s, h, 256, &n), CKR_OK);
		found += n;
	} while (n > 0);
	MCX_P11_CHECK(p->f->C_FindObjectsFinal(s), CKR_OK);
	MCX_P11_CHECK(p->f->C_CloseSession(s), CKR_OK);
	if (found < total) {
		fprintf(stderr,
			"FAIL: module finds %zu objects, %zu reported\n", found,
			total);
		exit(1);
	}
}

int main(void)
{
	struct mcx_p11 p;
	char tokens[300], db[600];
	const char *seed_env = getenv("MCXHSM_SEED");
	unsigned seed = seed_env ? (unsigned)strtoul(seed_env, NULL, 0)
				 : (unsigned)time(NULL) ^ (unsigned)getpid();
	size_t total = 0;
	int mid_run = 0;
	long audit = 0;
	uint32_t *ok = NULL;
	size_t cap = 1u << 16;

	printf("test_crash_safety: seed %u (MCXHSM_SEED to repeat)\n", seed);
	srand(seed);
	ok = malloc(cap * sizeof(*ok));
	if (ok == NULL)
		return 1;
	mcx_p11_open(&p);
	snprintf(tokens, sizeof(tokens), "%s/tokens", p.dir);
	mcx_p11_init_token(&p, "crash", SO_PIN, USER_PIN);
	MCX_P11_CHECK(p.f->C_Finalize(NULL), CKR_OK);
	find_db(tokens, db, sizeof(db));

	for (int round = 0; round < ROUNDS; round++) {
		int fds[2];
		pid_t pid = 0;
		int status = 0;
		size_t nok = 0;
		ssize_t r = 0;
		struct timespec delay;
		long ms = rand() % (MAX_DELAY_MS + 1);

		if (pipe(fds) != 0)
			die("%s", "pipe");
		fflush(NULL);
		pid = fork();
		if (pid < 0)
			die("%s", "fork");
		if (pid == 0) {
			close(fds[0]);
			child(&p, round, fds[1]);
		}
		close(fds[1]);
		/* odd rounds time the kill from the child's first creation
		 * (so that loaded machines still kill mid-run), even rounds
		 * from the fork (kills during C_Initialize too) */
		if (round % 2 == 1) {
			uint32_t mark = 0;

			while ((r = read(fds[0], &mark, sizeof(mark))) < 0 &&
			       errno == EINTR)
				;
			if (r != (ssize_t)sizeof(mark) || mark != READY_MARK)
				die("%s", "child did not get ready");
			/* and its first creation, so the kill is mid-run */
			while ((r = read(fds[0], ok, sizeof(*ok))) < 0 &&
			       errno == EINTR)
				;
			if (r != (ssize_t)sizeof(*ok))
				die("%s", "child created nothing");
			nok = 1;
			ms /= 2;
		}
		delay.tv_sec = 0;
		delay.tv_nsec = ms * 1000000L;
		nanosleep(&delay, NULL);
		kill(pid, SIGKILL);
		if (waitpid(pid, &status, 0) != pid)
			die("%s", "waitpid");
		if (!WIFSIGNALED(status)) {
			fprintf(stderr,
				"FAIL: child exited with %d before the"
				" kill\n",
				WEXITSTATUS(status));
			return 1;
		}
		while ((r = read(fds[0], ok + nok, (cap - nok) * sizeof(*ok))) >
			   0 ||
		       (r < 0 && errno == EINTR)) {
			if (r > 0)
				nok += (size_t)r / sizeof(*ok);
			if (nok == cap)
				break;
		}
		close(fds[0]);
		if (nok > 0 && ok[0] == READY_MARK)
			memmove(ok, ok + 1, --nok * sizeof(*ok));
		check_db(db, round, ok, nok, &audit);
		if (nok > 0)
			mid_run++;
		total += nok;
	}
	check_through_module(&p, total);
	mcx_p11_close(&p);
	free(ok);
	printf("PASS test_crash_safety: %d kills (%d after creations), %zu "
	       "objects reported and present, audit chain of %ld records "
	       "verifies\n",
	       ROUNDS, mid_run, total, audit);
	/* every odd round kills a child that has created objects */
	return mid_run >= ROUNDS / 2 ? 0 : 1;
}
