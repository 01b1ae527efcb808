/*
 * Token store operations through the PKCS#11 API, ours against SoftHSMv2
 * (issue 2 "Benchmarks"), for `make bench`; tests/bench/bench-store-smoke.sh
 * runs it with tiny counts in `make check`.
 *
 * NOTE (engineer S, 04:16 UTC): engineer I's original of this file was
 * overwritten by mistake at 04:05 when S created a file of the same name;
 * this is S's re-creation to the same contract (arguments, environment,
 * figure names as bench-store-smoke.sh and I's build expected), so that
 * `make check` builds again.  Engineer I: replace it with yours.
 *
 *   bench_store [MODULE [SOFTHSM]]   (MODULE defaults to $MCXHSM_MODULE)
 *   MCXHSM_BENCH_OBJECTS (default 100000) objects in our token,
 *   MCXHSM_BENCH_SOFTHSM_OBJECTS (default 2000) in both, for the ratios.
 *
 * Objects are token AES keys, public (CKA_PRIVATE false) so that a fresh
 * process can find them without a login: "C_Initialize + first
 * C_FindObjects" is timed in a new process (this program re-executed with
 * --cold), medians of repeated runs.
 */
#include <mcxhsm/pkcs11.h>

#include <dlfcn.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define SO_PIN	  "bench-so-pin"
#define USER_PIN  "bench-user-pin"
#define LABEL	  "bench"
#define REPS	  201
#define COLD_RUNS 5

struct target {
	const char *name; /* "mcxhsm" or "softhsm" */
	const char *module;
	void *dl;
	CK_FUNCTION_LIST *f;
	CK_SLOT_ID slot;
	char dir[300];
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(double *v, size_t n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static void check(struct target *t, const char *what, CK_RV rv)
{
	if (rv == CKR_OK)
		return;
	fprintf(stderr, "bench_store: %s: %s: CKR 0x%lx\n", t->name, what,
		(unsigned long)rv);
	exit(1);
}

static unsigned long env_count(const char *name, unsigned long def)
{
	const char *v = getenv(name);
	char *end = NULL;
	unsigned long n = 0;

	if (v == NULL || *v == '\0')
		return def;
	n = strtoul(v, &end, 10);
	if (*end != '\0' || n == 0) {
		fprintf(stderr, "bench_store: bad %s=%s\n", name, v);
		exit(2);
	}
	return n;
}

static void load(struct target *t)
{
	CK_RV (*get_list)(CK_FUNCTION_LIST_PTR_PTR) = NULL;
	CK_C_INITIALIZE_ARGS args;

	t->dl = dlopen(t->module, RTLD_NOW | RTLD_LOCAL);
	if (t->dl == NULL) {
		fprintf(stderr, "bench_store: %s\n", dlerror());
		exit(1);
	}
	*(void **)&get_list = dlsym(t->dl, "C_GetFunctionList");
	if (get_list == NULL) {
		fprintf(stderr, "bench_store: %s: no C_GetFunctionList\n",
			t->name);
		exit(1);
	}
	check(t, "C_GetFunctionList", get_list(&t->f));
	memset(&args, 0, sizeof(args));
	args.flags = CKF_OS_LOCKING_OK;
	check(t, "C_Initialize", t->f->C_Initialize(&args));
}

static void pad(CK_UTF8CHAR *out, const char *s)
{
	memset(out, ' ', 32);
	memcpy(out, s, strlen(s));
}

/* The slot with the token labelled LABEL, or (want_empty) the first slot
 * with an uninitialised token. */
static int find_slot(struct target *t, int want_empty, CK_SLOT_ID *out)
{
	CK_SLOT_ID slots[64];
	CK_ULONG n = 64;
	CK_UTF8CHAR want[32];

	pad(want, LABEL);
	check(t, "C_GetSlotList", t->f->C_GetSlotList(CK_TRUE, slots, &n));
	for (CK_ULONG i = 0; i < n; i++) {
		CK_TOKEN_INFO ti;

		if (t->f->C_GetTokenInfo(slots[i], &ti) != CKR_OK)
			continue;
		if (want_empty ? !(ti.flags & CKF_TOKEN_INITIALIZED)
			       : ((ti.flags & CKF_TOKEN_INITIALIZED) &&
				  memcmp(ti.label, want, 32) == 0)) {
			*out = slots[i];
			return 1;
		}
	}
	return 0;
}

/* Private token directory and config for t, then load and init. */
static void setup(struct target *t)
{
	char conf[400], tokens[350];
	CK_UTF8CHAR label[32];
	CK_SLOT_ID empty = 0;
	CK_SESSION_HANDLE s = CK_INVALID_HANDLE;
	FILE *fp = NULL;
	const char *tmp = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";

	snprintf(t->dir, sizeof(t->dir), "%s/mcxhsm-bench-%s.XXXXXX", tmp,
		 t->name);
	if (mkdtemp(t->dir) == NULL) {
		perror("mkdtemp");
		exit(1);
	}
	snprintf(tokens, sizeof(tokens), "%s/tokens", t->dir);
	snprintf(conf, sizeof(conf), "%s/token.conf", t->dir);
	if (mkdir(tokens, 0700) != 0 || (fp = fopen(conf, "w")) == NULL) {
		perror(conf);
		exit(1);
	}
	if (strcmp(t->name, "softhsm") == 0) {
		fprintf(fp,
			"directories.tokendir = %s\n"
			"objectstore.backend = file\n"
			"log.level = ERROR\n",
			tokens);
		setenv("SOFTHSM2_CONF", conf, 1);
	} else {
		fprintf(fp, "token_dir = %s\n", tokens);
		setenv("MCXHSM_CONF", conf, 1);
	}
	fclose(fp);
	load(t);
	if (!find_slot(t, 1, &empty)) {
		fprintf(stderr, "bench_store: %s: no empty slot\n", t->name);
		exit(1);
	}
	pad(label, LABEL);
	check(t, "C_InitToken",
	      t->f->C_InitToken(empty, (CK_UTF8CHAR_PTR)SO_PIN, strlen(SO_PIN),
				label));
	if (!find_slot(t, 0, &t->slot)) {
		fprintf(stderr, "bench_store: %s: token slot\n", t->name);
		exit(1);
	}
	check(t, "C_OpenSession",
	      t->f->C_OpenSession(t->slot, CKF_SERIAL_SESSION | CKF_RW_SESSION,
				  NULL, NULL, &s));
	check(
	    t, "C_Login SO",
	    t->f->C_Login(s, CKU_SO, (CK_UTF8CHAR_PTR)SO_PIN, strlen(SO_PIN)));
	check(t, "C_InitPIN",
	      t->f->C_InitPIN(s, (CK_UTF8CHAR_PTR)USER_PIN, strlen(USER_PIN)));
	check(t, "C_Logout", t->f->C_Logout(s));
	check(t, "C_CloseSession", t->f->C_CloseSession(s));
}

static CK_SESSION_HANDLE user_session(struct target *t)
{
	CK_SESSION_HANDLE s = CK_INVALID_HANDLE;

	check(t, "C_OpenSession",
	      t->f->C_OpenSession(t->slot, CKF_SERIAL_SESSION | CKF_RW_SESSION,
				  NULL, NULL, &s));
	check(t, "C_Login",
	      t->f->C_Login(s, CKU_USER, (CK_UTF8CHAR_PTR)USER_PIN,
			    strlen(USER_PIN)));
	return s;
}

/* Create objects [first, first + n) with C_CreateObject; objects/s. */
static double create(struct target *t, CK_SESSION_HANDLE s, unsigned long first,
		     unsigned long n)
{
	CK_OBJECT_CLASS cls = CKO_SECRET_KEY;
	CK_KEY_TYPE kt = CKK_AES;
	CK_BBOOL yes = CK_TRUE, no = CK_FALSE;
	CK_BYTE value[16];
	char id[32], label[48];
	double t0 = now();

	for (unsigned long i = first; i < first + n; i++) {
		CK_OBJECT_HANDLE h = CK_INVALID_HANDLE;
		CK_ATTRIBUTE tmpl[] = {
		    {CKA_CLASS, &cls, sizeof(cls)},
		    {CKA_KEY_TYPE, &kt, sizeof(kt)},
		    {CKA_TOKEN, &yes, 1},
		    {CKA_PRIVATE, &no, 1},
		    {CKA_SENSITIVE, &yes, 1},
		    {CKA_ENCRYPT, &yes, 1},
		    {CKA_ID, id, 0},
		    {CKA_LABEL, label, 0},
		    {CKA_VALUE, value, sizeof(value)},
		};

		snprintf(id, sizeof(id), "id%014lu", i);
		snprintf(label, sizeof(label), "bench-object-%lu", i);
		tmpl[6].ulValueLen = strlen(id);
		tmpl[7].ulValueLen = strlen(label);
		for (size_t k = 0; k < sizeof(value); k++)
			value[k] = (CK_BYTE)(i * 31 + k);
		check(t, "C_CreateObject",
		      t->f->C_CreateObject(s, tmpl, 9, &h));
	}
	return (double)n / (now() - t0);
}

/* One find by CKA_ID or CKA_LABEL of object i; must find exactly one. */
static void find_one(struct target *t, CK_SESSION_HANDLE s, int by_label,
		     unsigned long i)
{
	char buf[48];
	CK_ATTRIBUTE tmpl[1];
	CK_OBJECT_HANDLE h[2];
	CK_ULONG n = 0;

	if (by_label)
		snprintf(buf, sizeof(buf), "bench-object-%lu", i);
	else
		snprintf(buf, sizeof(buf), "id%014lu", i);
	tmpl[0].type = by_label ? CKA_LABEL : CKA_ID;
	tmpl[0].pValue = buf;
	tmpl[0].ulValueLen = strlen(buf);
	check(t, "C_FindObjectsInit", t->f->C_FindObjectsInit(s, tmpl, 1));
	check(t, "C_FindObjects", t->f->C_FindObjects(s, h, 2, &n));
	check(t, "C_FindObjectsFinal", t->f->C_FindObjectsFinal(s));
	if (n != 1) {
		fprintf(stderr, "bench_store: %s: find %s: %lu found\n",
			t->name, buf, (unsigned long)n);
		exit(1);
	}
}

/* Median ms of one warm find over objects [0, count). */
static double warm_find(struct target *t, CK_SESSION_HANDLE s, int by_label,
			unsigned long count)
{
	double v[REPS];

	for (int r = 0; r < REPS; r++) {
		double t0 = now();

		find_one(t, s, by_label, (unsigned long)random() % count);
		v[r] = (now() - t0) * 1e3;
	}
	return median(v, REPS);
}

/* --cold: in a fresh process, C_Initialize + first find; prints ms. */
static int cold_main(const char *name, const char *module, const char *count)
{
	struct target t = {.name = name, .module = module};
	CK_SESSION_HANDLE s = CK_INVALID_HANDLE;
	unsigned long n = strtoul(count, NULL, 10);
	double t0 = 0;

	srandom((unsigned)getpid());
	t0 = now();
	load(&t);
	if (!find_slot(&t, 0, &t.slot))
		return 1;
	check(&t, "C_OpenSession",
	      t.f->C_OpenSession(t.slot, CKF_SERIAL_SESSION, NULL, NULL, &s));
	find_one(&t, s, 0, (unsigned long)random() % n);
	printf("%.3f\n", (now() - t0) * 1e3);
	t.f->C_CloseSession(s);
	t.f->C_Finalize(NULL);
	return 0;
}

/* Median ms of C_Initialize + first find in a new process. */
static double cold_find(struct target *t, unsigned long count)
{
	double v[COLD_RUNS];
	char arg[32];

	snprintf(arg, sizeof(arg), "%lu", count);
	for (int r = 0; r < COLD_RUNS; r++) {
		int fds[2], status = 0;
		char out[64];
		ssize_t len = 0;
		pid_t pid = 0;

		if (pipe(fds) != 0)
			exit(1);
		fflush(NULL);
		pid = fork();
		if (pid == 0) {
			dup2(fds[1], 1);
			close(fds[0]);
			execl("/proc/self/exe", "bench_store", "--cold",
			      t->name, t->module, arg, (char *)NULL);
			_exit(127);
		}
		close(fds[1]);
		len = read(fds[0], out, sizeof(out) - 1);
		close(fds[0]);
		waitpid(pid, &status, 0);
		if (len <= 0 || !WIFEXITED(status) || WEXITSTATUS(status)) {
			fprintf(stderr, "bench_store: %s: cold run failed\n",
				t->name);
			exit(1);
		}
		out[len] = '\0';
		v[r] = strtod(out, NULL);
	}
	return median(v, COLD_RUNS);
}

struct figures {
	double create, init_find, find_id, find_label;
};

/* The three find figures for a token of count objects. */
static void measure_finds(struct target *t, unsigned long count,
			  struct figures *fig)
{
	CK_SESSION_HANDLE s = CK_INVALID_HANDLE;
	CK_C_INITIALIZE_ARGS args;

	check(t, "C_Finalize", t->f->C_Finalize(NULL));
	fig->init_find = cold_find(t, count);
	memset(&args, 0, sizeof(args));
	args.flags = CKF_OS_LOCKING_OK;
	check(t, "C_Initialize", t->f->C_Initialize(&args));
	/* slot IDs are valid after C_GetSlotList (SoftHSMv2) */
	if (!find_slot(t, 0, &t->slot)) {
		fprintf(stderr, "bench_store: %s: token slot\n", t->name);
		exit(1);
	}
	s = user_session(t);
	fig->find_id = warm_find(t, s, 0, count);
	fig->find_label = warm_find(t, s, 1, count);
	check(t, "C_CloseSession", t->f->C_CloseSession(s));
	printf("BENCH store_init_find_%lu_%s %.3f ms\n", count, t->name,
	       fig->init_find);
	printf("BENCH store_find_id_%lu_%s %.4f ms\n", count, t->name,
	       fig->find_id);
	printf("BENCH store_find_label_%lu_%s %.4f ms\n", count, t->name,
	       fig->find_label);
}

static int rm_entry(const char *path, const struct stat *sb, int flag,
		    struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void teardown(struct target *t)
{
	t->f->C_Finalize(NULL);
	if (getenv("MCXHSM_SANITIZERS") == NULL)
		dlclose(t->dl);
	nftw(t->dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

int main(int argc, char **argv)
{
	struct target ours = {.name = "mcxhsm"};
	struct target soft = {.name = "softhsm",
			      .module = "/usr/lib/softhsm/libsofthsm2.so"};
	unsigned long n = env_count("MCXHSM_BENCH_OBJECTS", 100000);
	unsigned long m = env_count("MCXHSM_BENCH_SOFTHSM_OBJECTS", 2000);
	struct figures fo = {0}, fs = {0};
	int have_soft = 0;
	CK_SESSION_HANDLE s = CK_INVALID_HANDLE;

	if (argc == 5 && strcmp(argv[1], "--cold") == 0)
		return cold_main(argv[2], argv[3], argv[4]);
	if (argc > 3) {
		fprintf(
		    stderr,
		    "usage: bench_store [MODULE [SOFTHSM]] or MCXHSM_MODULE\n");
		return 2;
	}
	ours.module = argc > 1 ? argv[1] : getenv("MCXHSM_MODULE");
	if (ours.module == NULL) {
		fprintf(
		    stderr,
		    "usage: bench_store [MODULE [SOFTHSM]] or MCXHSM_MODULE\n");
		return 2;
	}
	if (argc > 2)
		soft.module = argv[2];
	if (m > n) {
		fprintf(stderr,
			"bench_store: need %d <= softhsm objects <= "
			"objects\n",
			1);
		return 2;
	}
	srandom(1);
	have_soft = access(soft.module, R_OK) == 0;
	if (!have_soft)
		fprintf(stderr, "bench_store: no SoftHSMv2 at %s: ours only\n",
			soft.module);
	printf("# bench_store: token AES key objects created through the "
	       "PKCS#11 API (C_CreateObject), one call per object\n");
	if (have_soft) {
		setup(&soft);
		s = user_session(&soft);
		fs.create = create(&soft, s, 0, m);
		check(&soft, "C_CloseSession", soft.f->C_CloseSession(s));
		printf("BENCH store_create_softhsm %.1f objects/s\n",
		       fs.create);
		measure_finds(&soft, m, &fs);
		teardown(&soft);
	}
	setup(&ours);
	s = user_session(&ours);
	fo.create = create(&ours, s, 0, m);
	check(&ours, "C_CloseSession", ours.f->C_CloseSession(s));
	printf("BENCH store_create_mcxhsm %.1f objects/s\n", fo.create);
	measure_finds(&ours, m, &fo);
	if (have_soft) {
		printf("BENCH store_create_vs_softhsm %.2f ratio\n",
		       fo.create / fs.create);
		printf("BENCH store_init_find_%lu_vs_softhsm %.2f ratio\n", m,
		       fs.init_find / fo.init_find);
		printf("BENCH store_find_id_%lu_vs_softhsm %.2f ratio\n", m,
		       fs.find_id / fo.find_id);
		printf("BENCH store_find_label_%lu_vs_softhsm %.2f ratio\n", m,
		       fs.find_label / fo.find_label);
	}
	if (n > m) {
		double t0 = now(), rate = 0;

		s = user_session(&ours);
		rate = create(&ours, s, m, n - m);
		check(&ours, "C_CloseSession", ours.f->C_CloseSession(s));
		printf(
		    "# populated %lu more objects through the PKCS#11 API in "
		    "%.1f s\n",
		    n - m, now() - t0);
		printf("BENCH store_populate_%lu_mcxhsm %.1f objects/s\n", n,
		       rate);
		measure_finds(&ours, n, &fo);
	}
	teardown(&ours);
	return 0;
}
