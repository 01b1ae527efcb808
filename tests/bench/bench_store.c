/*
 * Token store benchmarks through PKCS#11 (issue 2, "Benchmarks"): our
 * module and SoftHSMv2 in the same run, each with a fresh token in a
 * temporary directory.  tests/bench/bench-store-smoke.sh runs it with tiny
 * counts in `make check`.
 *
 *   store_create_*         C_CreateObject of token AES keys (public,
 *                          sensitive, CKA_ID + label), objects/s, median of
 *                          batches; bar: ours >= 20x SoftHSMv2.
 *   store_init_find_N_*    a fresh process: C_Initialize .. C_OpenSession ..
 *                          first C_FindObjects by CKA_ID with N token
 *                          objects, ms, median of runs; bar: <= 50 ms at
 *                          N = 100,000.
 *   store_find_{id,label}_N_*  C_FindObjectsInit/C_FindObjects/Final by
 *                          CKA_ID or CKA_LABEL among N objects, ms, median,
 *                          in the session that created them (every object
 *                          has a live handle); bar: <= 2 ms at 100,000.
 *   store_find_{id,label}_reinit_N_*  the same after C_Finalize and
 *                          C_Initialize (no handle live yet).
 *
 * SoftHSMv2 2.6.1 (Debian, file object store: one file per object, every
 * object read at C_Initialize) creates some tens of objects/s, so 100,000
 * of them would take hours: it is measured at MCXHSM_BENCH_SOFTHSM_OBJECTS
 * (default 1,000) objects, and ours at that same count for the like-for-like
 * ratios, then ours again at MCXHSM_BENCH_OBJECTS (default 100,000).  Our
 * objects are created through the PKCS#11 API (the output says so).
 *
 * Usage: bench_store [OUR_MODULE [SOFTHSM_MODULE]] (defaults:
 * $MCXHSM_MODULE, /usr/lib/softhsm/libsofthsm2.so).  A missing SoftHSMv2
 * leaves its lines (and the ratios) out.  Internally, `bench_store --cold
 * MODULE VAR=CONF ID` is the fresh process of store_init_find.
 */
#include <dlfcn.h>
#include <errno.h>
#include <ftw.h>
#include <mcxhsm/pkcs11.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define SO_PIN	    "bench-so-pin"
#define USER_PIN    "bench-user-pin"
#define TOKEN_LABEL "bench"
#define BATCHES	    5
#define COLD_RUNS   5
#define FINDS	    101

struct target {
	const char *name;     /* "mcxhsm" or "softhsm" */
	const char *module;   /* absolute path */
	const char *conf_var; /* MCXHSM_CONF or SOFTHSM2_CONF */
	char dir[256];	      /* temporary token directory */
	char conf[300];	      /* config file in it */
	void *dl;
	CK_FUNCTION_LIST_PTR f;
	CK_SLOT_ID slot;
	CK_SESSION_HANDLE session; /* RW, user logged in */
	unsigned long objects;	   /* token objects created so far */
};

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int cmp_double(const void *x, const void *y)
{
	double a = *(const double *)x, b = *(const double *)y;

	return (a > b) - (a < b);
}

static double median(double *v, size_t n)
{
	qsort(v, n, sizeof(v[0]), cmp_double);
	return v[n / 2];
}

static unsigned long env_count(const char *var, unsigned long dflt)
{
	const char *s = getenv(var);
	char *end = NULL;
	unsigned long v = 0;

	if (s == NULL || *s == '\0')
		return dflt;
	v = strtoul(s, &end, 10);
	if (*end != '\0' || v == 0) {
		fprintf(stderr, "bench_store: bad %s=%s\n", var, s);
		exit(2);
	}
	return v;
}

static int rm_entry(const char *path, const struct stat *sb, int flag,
		    struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void id_of(unsigned long i, char out[32])
{
	snprintf(out, 32, "id%014lu", i);
}

static void label_of(unsigned long i, char out[32])
{
	snprintf(out, 32, "bench-object-%lu", i);
}

static CK_RV load_module(struct target *t)
{
	CK_RV (*get_list)(CK_FUNCTION_LIST_PTR_PTR) = NULL;

	t->dl = dlopen(t->module, RTLD_NOW | RTLD_LOCAL);
	if (t->dl == NULL) {
		fprintf(stderr, "bench_store: %s\n", dlerror());
		return CKR_GENERAL_ERROR;
	}
	*(void **)&get_list = dlsym(t->dl, "C_GetFunctionList");
	if (get_list == NULL)
		return CKR_GENERAL_ERROR;
	return get_list(&t->f);
}

static CK_RV initialize(CK_FUNCTION_LIST_PTR f)
{
	CK_C_INITIALIZE_ARGS args;

	memset(&args, 0, sizeof(args));
	args.flags = CKF_OS_LOCKING_OK;
	return f->C_Initialize(&args);
}

/* The slot whose token label is label (blank padded), or with
 * uninitialized, the first slot whose token is not initialised. */
static CK_RV find_slot(CK_FUNCTION_LIST_PTR f, const char *label,
		       bool uninitialized, CK_SLOT_ID *out)
{
	CK_SLOT_ID slots[64];
	CK_ULONG n = 64;
	CK_TOKEN_INFO info;
	char padded[32];
	CK_RV rv = f->C_GetSlotList(CK_TRUE, slots, &n);

	if (rv != CKR_OK)
		return rv;
	memset(padded, ' ', sizeof(padded));
	if (label != NULL)
		memcpy(padded, label, strlen(label));
	for (CK_ULONG i = 0; i < n; i++) {
		if (f->C_GetTokenInfo(slots[i], &info) != CKR_OK)
			continue;
		if (uninitialized ? !(info.flags & CKF_TOKEN_INITIALIZED)
				  : memcmp(info.label, padded, 32) == 0 &&
					(info.flags & CKF_TOKEN_INITIALIZED)) {
			*out = slots[i];
			return CKR_OK;
		}
	}
	return CKR_SLOT_ID_INVALID;
}

#define CHECK(what, call)                                                      \
	do {                                                                   \
		CK_RV check_rv_ = (call);                                      \
		if (check_rv_ != CKR_OK) {                                     \
			fprintf(stderr, "bench_store: %s: %s: CKR 0x%lx\n",    \
				t->name, what, (unsigned long)check_rv_);      \
			return check_rv_;                                      \
		}                                                              \
	} while (0)

/* A RW session on the token, logged in as the user, in t->session. */
static CK_RV user_session(struct target *t)
{
	CHECK("token slot", find_slot(t->f, TOKEN_LABEL, false, &t->slot));
	CHECK("C_OpenSession",
	      t->f->C_OpenSession(t->slot, CKF_SERIAL_SESSION | CKF_RW_SESSION,
				  NULL, NULL, &t->session));
	CHECK("C_Login",
	      t->f->C_Login(t->session, CKU_USER, (CK_UTF8CHAR_PTR)USER_PIN,
			    strlen(USER_PIN)));
	return CKR_OK;
}

/* Fresh token in a temporary directory, and a user session on it. */
static CK_RV setup(struct target *t)
{
	CK_SLOT_ID empty = 0;
	CK_SESSION_HANDLE so = 0;
	char label[32];
	FILE *fp = NULL;

	snprintf(t->dir, sizeof(t->dir), "%s/mcxhsm-bench-%s.XXXXXX",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp", t->name);
	if (mkdtemp(t->dir) == NULL)
		return CKR_GENERAL_ERROR;
	snprintf(t->conf, sizeof(t->conf), "%s/token.conf", t->dir);
	fp = fopen(t->conf, "w");
	if (fp == NULL)
		return CKR_GENERAL_ERROR;
	if (strcmp(t->name, "softhsm") == 0)
		fprintf(fp,
			"directories.tokendir = %s\nobjectstore.backend = "
			"file\nlog.level = ERROR\n",
			t->dir);
	else
		fprintf(fp, "token_dir = %s\n", t->dir);
	fclose(fp);
	setenv(t->conf_var, t->conf, 1);

	CHECK("load", load_module(t));
	CHECK("C_Initialize", initialize(t->f));
	CHECK("empty slot", find_slot(t->f, NULL, true, &empty));
	memset(label, ' ', sizeof(label));
	memcpy(label, TOKEN_LABEL, strlen(TOKEN_LABEL));
	CHECK("C_InitToken",
	      t->f->C_InitToken(empty, (CK_UTF8CHAR_PTR)SO_PIN, strlen(SO_PIN),
				(CK_UTF8CHAR_PTR)label));
	/* SoftHSMv2 renumbers the slot of a newly initialised token. */
	CHECK("token slot", find_slot(t->f, TOKEN_LABEL, false, &t->slot));
	CHECK("C_OpenSession (SO)",
	      t->f->C_OpenSession(t->slot, CKF_SERIAL_SESSION | CKF_RW_SESSION,
				  NULL, NULL, &so));
	CHECK("C_Login (SO)", t->f->C_Login(so, CKU_SO, (CK_UTF8CHAR_PTR)SO_PIN,
					    strlen(SO_PIN)));
	CHECK("C_InitPIN",
	      t->f->C_InitPIN(so, (CK_UTF8CHAR_PTR)USER_PIN, strlen(USER_PIN)));
	CHECK("C_Logout", t->f->C_Logout(so));
	CHECK("C_CloseSession", t->f->C_CloseSession(so));
	return user_session(t);
}

static void teardown(struct target *t)
{
	if (t->f != NULL)
		t->f->C_Finalize(NULL);
	if (t->dl != NULL)
		dlclose(t->dl);
	if (t->dir[0] != '\0')
		nftw(t->dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	t->f = NULL;
	t->dl = NULL;
	t->dir[0] = '\0';
}

/* Create token objects number t->objects .. upto-1: public, sensitive AES
 * keys with a distinct CKA_ID and label each. */
static CK_RV create_objects(struct target *t, unsigned long upto)
{
	static const CK_OBJECT_CLASS cls = CKO_SECRET_KEY;
	static const CK_KEY_TYPE kt = CKK_AES;
	static const CK_BBOOL yes = CK_TRUE, no = CK_FALSE;
	CK_BYTE value[16];
	char id[32], label[32];
	CK_ATTRIBUTE tmpl[] = {
	    {CKA_CLASS, (void *)&cls, sizeof(cls)},
	    {CKA_KEY_TYPE, (void *)&kt, sizeof(kt)},
	    {CKA_TOKEN, (void *)&yes, sizeof(yes)},
	    {CKA_PRIVATE, (void *)&no, sizeof(no)},
	    {CKA_SENSITIVE, (void *)&yes, sizeof(yes)},
	    {CKA_ENCRYPT, (void *)&yes, sizeof(yes)},
	    {CKA_VALUE, value, sizeof(value)},
	    {CKA_ID, id, 0},
	    {CKA_LABEL, label, 0},
	};
	CK_OBJECT_HANDLE h = 0;

	for (; t->objects < upto; t->objects++) {
		/* A distinct value per object: test data, not a secret. */
		for (size_t k = 0; k < sizeof(value); k++)
			value[k] = (CK_BYTE)(t->objects >> (8 * (k % 4)));
		id_of(t->objects, id);
		label_of(t->objects, label);
		tmpl[7].ulValueLen = strlen(id);
		tmpl[8].ulValueLen = strlen(label);
		CHECK("C_CreateObject",
		      t->f->C_CreateObject(t->session, tmpl,
					   sizeof(tmpl) / sizeof(tmpl[0]), &h));
	}
	return CKR_OK;
}

/* Objects/s, median over BATCHES batches of per_batch objects. */
static CK_RV creation_rate(struct target *t, unsigned long per_batch,
			   double *rate)
{
	double r[BATCHES];

	for (int b = 0; b < BATCHES; b++) {
		double t0 = now_ms();
		CK_RV rv = create_objects(t, t->objects + per_batch);

		if (rv != CKR_OK)
			return rv;
		r[b] = (double)per_batch * 1e3 / (now_ms() - t0);
	}
	*rate = median(r, BATCHES);
	return CKR_OK;
}

/* One find: Init/FindObjects/Final by one attribute; *found = count. */
static CK_RV find_one(CK_FUNCTION_LIST_PTR f, CK_SESSION_HANDLE s,
		      CK_ATTRIBUTE_TYPE type, const char *value,
		      CK_ULONG *found)
{
	CK_ATTRIBUTE tmpl = {type, (void *)value, strlen(value)};
	CK_OBJECT_HANDLE h[4];
	CK_RV rv = f->C_FindObjectsInit(s, &tmpl, 1);

	if (rv != CKR_OK)
		return rv;
	rv = f->C_FindObjects(s, h, 4, found);
	f->C_FindObjectsFinal(s);
	return rv;
}

/* ms per find by type among t->objects, median over FINDS lookups of
 * spread-out objects; each must find exactly one object. */
static CK_RV find_time(struct target *t, CK_ATTRIBUTE_TYPE type, double *ms)
{
	double d[FINDS];
	char buf[32];

	for (unsigned long k = 0; k < FINDS; k++) {
		unsigned long i = (k * 7919u + 13u) % t->objects;
		CK_ULONG found = 0;
		double t0 = 0;

		if (type == CKA_ID)
			id_of(i, buf);
		else
			label_of(i, buf);
		t0 = now_ms();
		CHECK("find", find_one(t->f, t->session, type, buf, &found));
		d[k] = now_ms() - t0;
		if (found != 1) {
			fprintf(stderr, "bench_store: %s: find %s: %lu found\n",
				t->name, buf, (unsigned long)found);
			return CKR_GENERAL_ERROR;
		}
	}
	*ms = median(d, FINDS);
	return CKR_OK;
}

/* The --cold child: C_Initialize .. first C_FindObjects in this fresh
 * process; prints the ms on stdout. */
static int cold_main(const char *module, const char *assign, const char *id)
{
	struct target t;
	CK_SESSION_HANDLE s = 0;
	CK_ULONG found = 0;
	double t0 = 0, t1 = 0;
	const char *eq = strchr(assign, '=');
	char var[64];

	memset(&t, 0, sizeof(t));
	t.name = "cold";
	t.module = module;
	if (eq == NULL || (size_t)(eq - assign) >= sizeof(var))
		return 2;
	memcpy(var, assign, (size_t)(eq - assign));
	var[eq - assign] = '\0';
	setenv(var, eq + 1, 1);
	if (load_module(&t) != CKR_OK)
		return 1;
	t0 = now_ms();
	if (initialize(t.f) != CKR_OK ||
	    find_slot(t.f, TOKEN_LABEL, false, &t.slot) != CKR_OK ||
	    t.f->C_OpenSession(t.slot, CKF_SERIAL_SESSION, NULL, NULL, &s) !=
		CKR_OK ||
	    find_one(t.f, s, CKA_ID, id, &found) != CKR_OK)
		return 1;
	t1 = now_ms();
	t.f->C_Finalize(NULL);
	if (found != 1)
		return 1;
	printf("%.3f\n", t1 - t0);
	return 0;
}

/* Median ms of COLD_RUNS fresh processes. */
static CK_RV cold_time(struct target *t, const char *self, double *ms)
{
	double d[COLD_RUNS];
	char assign[400], id[32];

	snprintf(assign, sizeof(assign), "%s=%s", t->conf_var, t->conf);
	id_of(t->objects / 2, id);
	for (int r = 0; r < COLD_RUNS; r++) {
		int fds[2];
		pid_t pid = 0;
		int status = 0;
		char out[64];
		ssize_t n = 0;

		if (pipe(fds) != 0)
			return CKR_GENERAL_ERROR;
		pid = fork();
		if (pid < 0)
			return CKR_GENERAL_ERROR;
		if (pid == 0) {
			dup2(fds[1], 1);
			close(fds[0]);
			close(fds[1]);
			execl(self, self, "--cold", t->module, assign, id,
			      (char *)NULL);
			_exit(127);
		}
		close(fds[1]);
		n = read(fds[0], out, sizeof(out) - 1);
		close(fds[0]);
		waitpid(pid, &status, 0);
		if (n <= 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
			fprintf(stderr, "bench_store: %s: cold run failed\n",
				t->name);
			return CKR_GENERAL_ERROR;
		}
		out[n] = '\0';
		d[r] = strtod(out, NULL);
	}
	*ms = median(d, COLD_RUNS);
	return CKR_OK;
}

struct figures {
	double create_rate;
	double cold_ms, find_id_ms, find_label_ms;
	double reinit_id_ms, reinit_label_ms;
};

/* All find figures at t->objects; leaves a new user session open. */
static CK_RV measure_at(struct target *t, const char *self, struct figures *fig)
{
	CK_RV rv = cold_time(t, self, &fig->cold_ms);

	if (rv == CKR_OK)
		rv = find_time(t, CKA_ID, &fig->find_id_ms);
	if (rv == CKR_OK)
		rv = find_time(t, CKA_LABEL, &fig->find_label_ms);
	if (rv != CKR_OK)
		return rv;
	CHECK("C_Finalize", t->f->C_Finalize(NULL));
	CHECK("C_Initialize", initialize(t->f));
	rv = user_session(t);
	if (rv == CKR_OK)
		rv = find_time(t, CKA_ID, &fig->reinit_id_ms);
	if (rv == CKR_OK)
		rv = find_time(t, CKA_LABEL, &fig->reinit_label_ms);
	if (rv != CKR_OK)
		return rv;
	printf("BENCH store_init_find_%lu_%s %.3f ms\n", t->objects, t->name,
	       fig->cold_ms);
	printf("BENCH store_find_id_%lu_%s %.4f ms\n", t->objects, t->name,
	       fig->find_id_ms);
	printf("BENCH store_find_label_%lu_%s %.4f ms\n", t->objects, t->name,
	       fig->find_label_ms);
	printf("BENCH store_find_id_reinit_%lu_%s %.4f ms\n", t->objects,
	       t->name, fig->reinit_id_ms);
	printf("BENCH store_find_label_reinit_%lu_%s %.4f ms\n", t->objects,
	       t->name, fig->reinit_label_ms);
	fflush(stdout);
	return CKR_OK;
}

int main(int argc, char **argv)
{
	struct target ours, soft;
	struct figures f_ours, f_soft;
	unsigned long big = env_count("MCXHSM_BENCH_OBJECTS", 100000);
	unsigned long small = env_count("MCXHSM_BENCH_SOFTHSM_OBJECTS", 1000);
	bool have_soft = false;
	char self[4096];
	ssize_t n = 0;
	double t0 = 0, secs = 0;
	int status = 1;

	if (argc == 5 && strcmp(argv[1], "--cold") == 0)
		return cold_main(argv[2], argv[3], argv[4]);
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n <= 0)
		return 1;
	self[n] = '\0';
	if (small < BATCHES || big < small) {
		fprintf(stderr,
			"bench_store: need %d <= softhsm objects <= "
			"objects\n",
			BATCHES);
		return 2;
	}

	memset(&ours, 0, sizeof(ours));
	memset(&soft, 0, sizeof(soft));
	memset(&f_ours, 0, sizeof(f_ours));
	memset(&f_soft, 0, sizeof(f_soft));
	ours.name = "mcxhsm";
	ours.module = argc > 1 ? argv[1] : getenv("MCXHSM_MODULE");
	ours.conf_var = "MCXHSM_CONF";
	soft.name = "softhsm";
	soft.module = argc > 2 ? argv[2] : "/usr/lib/softhsm/libsofthsm2.so";
	soft.conf_var = "SOFTHSM2_CONF";
	if (ours.module == NULL) {
		fprintf(stderr, "usage: bench_store [MODULE [SOFTHSM]] or "
				"MCXHSM_MODULE\n");
		return 2;
	}
	have_soft = access(soft.module, R_OK) == 0;
	if (!have_soft)
		fprintf(stderr, "bench_store: no SoftHSMv2 at %s: ours only\n",
			soft.module);

	printf("# bench_store: token AES key objects created through the "
	       "PKCS#11 API (C_CreateObject), one call per object\n");
	/* SoftHSMv2 first: its token is small and done with quickly. */
	if (have_soft) {
		if (setup(&soft) != CKR_OK ||
		    creation_rate(&soft, small / BATCHES,
				  &f_soft.create_rate) != CKR_OK)
			goto out;
		printf("BENCH store_create_softhsm %.1f objects/s\n",
		       f_soft.create_rate);
		fflush(stdout);
		if (measure_at(&soft, self, &f_soft) != CKR_OK)
			goto out;
		teardown(&soft);
	}

	if (setup(&ours) != CKR_OK ||
	    creation_rate(&ours, small / BATCHES, &f_ours.create_rate) !=
		CKR_OK)
		goto out;
	printf("BENCH store_create_mcxhsm %.1f objects/s\n",
	       f_ours.create_rate);
	if (have_soft)
		printf("BENCH store_create_vs_softhsm %.2f ratio\n",
		       f_ours.create_rate / f_soft.create_rate);
	fflush(stdout);
	if (measure_at(&ours, self, &f_ours) != CKR_OK)
		goto out;
	if (have_soft) {
		/* Speed-ups at the same object count: SoftHSMv2 time / ours. */
		printf("BENCH store_init_find_%lu_vs_softhsm %.2f ratio\n",
		       ours.objects, f_soft.cold_ms / f_ours.cold_ms);
		printf("BENCH store_find_id_%lu_vs_softhsm %.2f ratio\n",
		       ours.objects, f_soft.find_id_ms / f_ours.find_id_ms);
		printf("BENCH store_find_label_%lu_vs_softhsm %.2f ratio\n",
		       ours.objects,
		       f_soft.find_label_ms / f_ours.find_label_ms);
	}

	if (big > ours.objects) {
		unsigned long before = ours.objects;

		t0 = now_ms();
		if (create_objects(&ours, big) != CKR_OK)
			goto out;
		secs = (now_ms() - t0) / 1e3;
		printf("# populated %lu more objects through the PKCS#11 API "
		       "in %.1f s\n",
		       big - before, secs);
		printf("BENCH store_populate_%lu_mcxhsm %.1f objects/s\n", big,
		       (double)(big - before) / secs);
		fflush(stdout);
		if (measure_at(&ours, self, &f_ours) != CKR_OK)
			goto out;
	}
	status = 0;
out:
	teardown(&soft);
	teardown(&ours);
	return status;
}
