/*
 * The configuration file through the built module (issue 2 "Config"):
 * an unknown key, a bad value and an unreadable file make C_Initialize
 * return CKR_GENERAL_ERROR with a clear message on stderr (no log file is
 * configured yet), never a crash, and a later C_Initialize with a good
 * file works; a good file's max_pin_failures reaches the token (lockout
 * after that many wrong PINs) and its log_file is created.
 */
#include <mcxhsm/pkcs11.h>

#include <dlfcn.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define SO_PIN	 "config-so-pin"
#define USER_PIN "config-user-pin"

static CK_FUNCTION_LIST *f;
static char dir[256];
static int failures;

#define EXPECT(cond, ...)                                                      \
	do {                                                                   \
		if (!(cond)) {                                                 \
			fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__);   \
			fprintf(stderr, __VA_ARGS__);                          \
			fputc('\n', stderr);                                   \
			failures++;                                            \
		}                                                              \
	} while (0)

static void write_conf(const char *name, const char *text)
{
	char path[400];
	FILE *fp = NULL;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fp = fopen(path, "w");
	if (fp == NULL) {
		perror(path);
		exit(1);
	}
	fputs(text, fp);
	fclose(fp);
	setenv("MCXHSM_CONF", path, 1);
}

/* C_Initialize with stderr captured into *err (static buffer). */
static CK_RV initialize(const char **err)
{
	static char buf[4096];
	char path[400];
	CK_C_INITIALIZE_ARGS args;
	int saved = dup(2), fd = -1;
	ssize_t n = 0;
	CK_RV rv = CKR_OK;

	snprintf(path, sizeof(path), "%s/stderr.txt", dir);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || saved < 0)
		exit(1);
	fflush(stderr);
	dup2(fd, 2);
	memset(&args, 0, sizeof(args));
	args.flags = CKF_OS_LOCKING_OK;
	rv = f->C_Initialize(&args);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	n = pread(fd, buf, sizeof(buf) - 1, 0);
	buf[n > 0 ? n : 0] = '\0';
	close(fd);
	*err = buf;
	return rv;
}

static void expect_refused(const char *conf_text, const char *message)
{
	const char *err = NULL;
	CK_RV rv = CKR_OK;

	write_conf("bad.conf", conf_text);
	rv = initialize(&err);
	EXPECT(rv == CKR_GENERAL_ERROR,
	       "C_Initialize with \"%s\": CKR 0x%lx, not CKR_GENERAL_ERROR",
	       conf_text, (unsigned long)rv);
	EXPECT(strstr(err, message) != NULL,
	       "stderr \"%s\" does not say \"%s\"", err, message);
	if (rv == CKR_OK)
		f->C_Finalize(NULL);
	/* nothing half-initialised is left behind */
	EXPECT(f->C_Finalize(NULL) == CKR_CRYPTOKI_NOT_INITIALIZED,
	       "C_Finalize after a refused C_Initialize");
}

static void pad(CK_UTF8CHAR *out, const char *s)
{
	memset(out, ' ', 32);
	memcpy(out, s, strlen(s));
}

/* The first slot whose token is (not) initialised. */
static CK_SLOT_ID slot_with(int initialized)
{
	CK_SLOT_ID slots[32];
	CK_ULONG n = 32;

	if (f->C_GetSlotList(CK_TRUE, slots, &n) != CKR_OK)
		exit(1);
	for (CK_ULONG i = 0; i < n; i++) {
		CK_TOKEN_INFO ti;

		if (f->C_GetTokenInfo(slots[i], &ti) == CKR_OK &&
		    !!(ti.flags & CKF_TOKEN_INITIALIZED) == initialized)
			return slots[i];
	}
	fprintf(stderr, "FAIL: no slot with initialized=%d\n", initialized);
	exit(1);
}

/* max_pin_failures = 3 from the file: the third wrong PIN locks. */
static void check_good_config(void)
{
	char text[800];
	const char *err = NULL;
	CK_UTF8CHAR label[32];
	CK_SLOT_ID slot = 0;
	CK_SESSION_HANDLE s = CK_INVALID_HANDLE;
	CK_TOKEN_INFO ti;
	char logpath[400];
	struct stat sb;

	snprintf(text, sizeof(text),
		 "# good\ntoken_dir = %s/tokens\nmax_pin_failures = 3\n"
		 "log_level = info\nlog_file = module.log\n",
		 dir);
	write_conf("good.conf", text);
	EXPECT(initialize(&err) == CKR_OK, "good config refused: %s", err);
	snprintf(logpath, sizeof(logpath), "%s/module.log", dir);
	EXPECT(stat(logpath, &sb) == 0, "log_file %s not created", logpath);
	pad(label, "config");
	slot = slot_with(0);
	EXPECT(f->C_InitToken(slot, (CK_UTF8CHAR_PTR)SO_PIN, strlen(SO_PIN),
			      label) == CKR_OK,
	       "C_InitToken");
	slot = slot_with(1);
	if (f->C_OpenSession(slot, CKF_SERIAL_SESSION | CKF_RW_SESSION, NULL,
			     NULL, &s) != CKR_OK ||
	    f->C_Login(s, CKU_SO, (CK_UTF8CHAR_PTR)SO_PIN, strlen(SO_PIN)) !=
		CKR_OK ||
	    f->C_InitPIN(s, (CK_UTF8CHAR_PTR)USER_PIN, strlen(USER_PIN)) !=
		CKR_OK ||
	    f->C_Logout(s) != CKR_OK) {
		fprintf(stderr, "FAIL: token set-up\n");
		exit(1);
	}
	for (int i = 0; i < 3; i++) {
		CK_RV rv =
		    f->C_Login(s, CKU_USER, (CK_UTF8CHAR_PTR) "wrong-pin", 9);

		EXPECT(rv == CKR_PIN_INCORRECT, "wrong PIN %d: CKR 0x%lx", i,
		       (unsigned long)rv);
	}
	EXPECT(f->C_Login(s, CKU_USER, (CK_UTF8CHAR_PTR)USER_PIN,
			  strlen(USER_PIN)) == CKR_PIN_LOCKED,
	       "not locked after max_pin_failures = 3 wrong PINs");
	EXPECT(f->C_GetTokenInfo(slot, &ti) == CKR_OK &&
		   (ti.flags & CKF_USER_PIN_LOCKED),
	       "CKF_USER_PIN_LOCKED not set");
	f->C_CloseSession(s);
	f->C_Finalize(NULL);
}

static int rm_entry(const char *path, const struct stat *sb, int flag,
		    struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

int main(void)
{
	const char *module = getenv("MCXHSM_MODULE");
	void *dl = NULL;
	CK_RV (*get_list)(CK_FUNCTION_LIST_PTR_PTR) = NULL;
	const char *err = NULL;
	char missing[400];

	if (module == NULL || *module == '\0') {
		fprintf(stderr, "SKIP: MCXHSM_MODULE not set\n");
		return 77;
	}
	snprintf(dir, sizeof(dir), "%s/mcx-config-XXXXXX",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (mkdtemp(dir) == NULL)
		return 1;
	dl = dlopen(module, RTLD_NOW | RTLD_LOCAL);
	if (dl == NULL) {
		fprintf(stderr, "dlopen: %s\n", dlerror());
		return 1;
	}
	*(void **)&get_list = dlsym(dl, "C_GetFunctionList");
	if (get_list == NULL || get_list(&f) != CKR_OK)
		return 1;

	expect_refused("token_dir = /tmp\ncolour = blue\n",
		       "key \"colour\": unknown key");
	expect_refused("max_pin_failures = 0\n", "not a number from 1 to 1000");
	expect_refused("log_level = loud\n", "not one of error, warn");
	expect_refused("token_dir /tmp\n", "expected `key = value`");
	snprintf(missing, sizeof(missing), "%s/absent.conf", dir);
	setenv("MCXHSM_CONF", missing, 1);
	EXPECT(initialize(&err) == CKR_GENERAL_ERROR,
	       "unreadable config accepted");
	EXPECT(strstr(err, "absent.conf: cannot read") != NULL,
	       "stderr \"%s\" does not name the unreadable file", err);
	f->C_Finalize(NULL);
	check_good_config();

	if (getenv("MCXHSM_SANITIZERS") == NULL)
		dlclose(dl);
	nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	if (failures != 0) {
		fprintf(stderr, "test_config_module: %d failures\n", failures);
		return 1;
	}
	printf("PASS test_config_module\n");
	return 0;
}
