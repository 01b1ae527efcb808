/*
 * Black-box test helpers: see p11_helpers.h.
 */
#include "tests/blackbox/p11_helpers.h"

#include <dlfcn.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void mcx_p11_check(CK_RV rv, CK_RV expected, const char *what, const char *file,
		   int line)
{
	if (rv == expected)
		return;
	fprintf(stderr, "%s:%d: %s returned 0x%lx, expected 0x%lx\n", file,
		line, what, (unsigned long)rv, (unsigned long)expected);
	abort();
}

/* Make the temporary directory with a tokens/ folder; returns the path
 * of a config file name in it. */
static void make_dir(struct mcx_p11 *p, char *conf, size_t conf_len,
		     const char *conf_name)
{
	char path[320];

	snprintf(p->dir, sizeof(p->dir), "%s/mcxtest.XXXXXX",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (mkdtemp(p->dir) == NULL) {
		perror("mkdtemp");
		abort();
	}
	snprintf(path, sizeof(path), "%s/tokens", p->dir);
	if (mkdir(path, 0700) != 0) {
		perror("mkdir");
		abort();
	}
	snprintf(conf, conf_len, "%s/%s", p->dir, conf_name);
}

static void write_file(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");

	if (fp == NULL) {
		perror(path);
		abort();
	}
	fputs(text, fp);
	fclose(fp);
}

/* dlopen module, take its function list (through C_GetInterface when
 * use_interface), C_Initialize with OS locking. */
static void load(struct mcx_p11 *p, const char *module, int use_interface)
{
	CK_RV(*get_interface)
	(CK_UTF8CHAR_PTR, CK_VERSION_PTR, CK_INTERFACE_PTR_PTR, CK_FLAGS) =
	    NULL;
	CK_RV (*get_list)(CK_FUNCTION_LIST_PTR_PTR) = NULL;
	CK_INTERFACE *itf = NULL;
	CK_VERSION v30 = {3, 0};
	CK_C_INITIALIZE_ARGS args;

	p->dl = dlopen(module, RTLD_NOW | RTLD_LOCAL);
	if (p->dl == NULL) {
		fprintf(stderr, "dlopen %s: %s\n", module, dlerror());
		abort();
	}
	if (use_interface) {
		*(void **)&get_interface = dlsym(p->dl, "C_GetInterface");
		if (get_interface == NULL) {
			fprintf(stderr, "no C_GetInterface in %s\n", module);
			abort();
		}
		MCX_P11_CHECK(
		    get_interface((CK_UTF8CHAR_PTR) "PKCS 11", &v30, &itf, 0),
		    CKR_OK);
		p->f3 = itf->pFunctionList;
		p->f = itf->pFunctionList;
	} else {
		*(void **)&get_list = dlsym(p->dl, "C_GetFunctionList");
		if (get_list == NULL) {
			fprintf(stderr, "no C_GetFunctionList in %s\n", module);
			abort();
		}
		MCX_P11_CHECK(get_list(&p->f), CKR_OK);
	}
	memset(&args, 0, sizeof(args));
	args.flags = CKF_OS_LOCKING_OK;
	MCX_P11_CHECK(p->f->C_Initialize(&args), CKR_OK);
}

void mcx_p11_open(struct mcx_p11 *p)
{
	const char *module = getenv("MCXHSM_MODULE");
	char conf[320], text[400];

	memset(p, 0, sizeof(*p));
	if (module == NULL || *module == '\0') {
		fprintf(stderr, "SKIP: MCXHSM_MODULE not set\n");
		exit(77);
	}
	make_dir(p, conf, sizeof(conf), "mcxhsm.conf");
	snprintf(text, sizeof(text), "token_dir = %s/tokens\n", p->dir);
	write_file(conf, text);
	setenv("MCXHSM_CONF", conf, 1);
	load(p, module, 1);
}

void mcx_p11_open_softhsm(struct mcx_p11 *p)
{
	const char *module = getenv("P11_SOFTHSM_MODULE");
	char conf[320], text[500];

	memset(p, 0, sizeof(*p));
	if (module == NULL || *module == '\0')
		module = MCX_P11_SOFTHSM_MODULE;
	if (access(module, R_OK) != 0) {
		fprintf(stderr, "SKIP: %s not installed\n", module);
		exit(77);
	}
	make_dir(p, conf, sizeof(conf), "softhsm2.conf");
	snprintf(text, sizeof(text),
		 "directories.tokendir = %s/tokens\n"
		 "objectstore.backend = file\n"
		 "log.level = ERROR\n"
		 "slots.removable = false\n",
		 p->dir);
	write_file(conf, text);
	setenv("SOFTHSM2_CONF", conf, 1);
	load(p, module, 0);
}

static void pad(CK_UTF8CHAR *out, const char *s, size_t n)
{
	size_t len = strlen(s);

	memset(out, ' ', n);
	memcpy(out, s, len < n ? len : n);
}

/* The slot whose token label is label, or (label NULL) the first slot
 * whose token is not initialised. */
static int find_slot(struct mcx_p11 *p, const char *label, CK_SLOT_ID *out)
{
	CK_SLOT_ID slots[64];
	CK_ULONG n = 64;
	CK_UTF8CHAR want[32];

	if (label != NULL)
		pad(want, label, sizeof(want));
	MCX_P11_CHECK(p->f->C_GetSlotList(CK_TRUE, slots, &n), CKR_OK);
	for (CK_ULONG i = 0; i < n; i++) {
		CK_TOKEN_INFO ti;

		if (p->f->C_GetTokenInfo(slots[i], &ti) != CKR_OK)
			continue;
		if (label == NULL ? !(ti.flags & CKF_TOKEN_INITIALIZED)
				  : ((ti.flags & CKF_TOKEN_INITIALIZED) &&
				     memcmp(ti.label, want, 32) == 0)) {
			*out = slots[i];
			return 1;
		}
	}
	return 0;
}

void mcx_p11_init_token(struct mcx_p11 *p, const char *label,
			const char *so_pin, const char *user_pin)
{
	mcx_p11_init_token_as_so(p, label, so_pin, user_pin, NULL, NULL);
}

void mcx_p11_init_token_as_so(struct mcx_p11 *p, const char *label,
			      const char *so_pin, const char *user_pin,
			      void (*as_so)(struct mcx_p11 *p,
					    CK_SESSION_HANDLE so, void *arg),
			      void *arg)
{
	CK_UTF8CHAR lbl[32];
	CK_SLOT_ID empty = 0;
	CK_SESSION_HANDLE s = CK_INVALID_HANDLE;

	if (!find_slot(p, NULL, &empty)) {
		fprintf(stderr, "no empty slot for C_InitToken\n");
		abort();
	}
	pad(lbl, label, sizeof(lbl));
	MCX_P11_CHECK(p->f->C_InitToken(empty, (CK_UTF8CHAR_PTR)so_pin,
					strlen(so_pin), lbl),
		      CKR_OK);
	if (!find_slot(p, label, &p->slot)) {
		fprintf(stderr, "token %s not found after C_InitToken\n",
			label);
		abort();
	}
	s = mcx_p11_session(p, CKU_SO, so_pin);
	MCX_P11_CHECK(
	    p->f->C_InitPIN(s, (CK_UTF8CHAR_PTR)user_pin, strlen(user_pin)),
	    CKR_OK);
	if (as_so != NULL)
		as_so(p, s, arg);
	MCX_P11_CHECK(p->f->C_Logout(s), CKR_OK);
	MCX_P11_CHECK(p->f->C_CloseSession(s), CKR_OK);
}

CK_SESSION_HANDLE mcx_p11_session(struct mcx_p11 *p, CK_USER_TYPE user_type,
				  const char *pin)
{
	CK_SESSION_HANDLE s = CK_INVALID_HANDLE;

	MCX_P11_CHECK(p->f->C_OpenSession(p->slot,
					  CKF_SERIAL_SESSION | CKF_RW_SESSION,
					  NULL, NULL, &s),
		      CKR_OK);
	if (pin != NULL)
		MCX_P11_CHECK(p->f->C_Login(s, user_type, (CK_UTF8CHAR_PTR)pin,
					    strlen(pin)),
			      CKR_OK);
	return s;
}

static int rm_entry(const char *path, const struct stat *st, int flag,
		    struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

void mcx_p11_close(struct mcx_p11 *p)
{
	if (p->f != NULL)
		p->f->C_Finalize(NULL);
	/* The ASan build keeps the module mapped so leak reports can name
	 * its frames (the fake_dlclose idea of pkcs11-provider). */
	if (p->dl != NULL && getenv("MCXHSM_SANITIZERS") == NULL)
		dlclose(p->dl);
	if (p->dir[0] != '\0')
		nftw(p->dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	memset(p, 0, sizeof(*p));
}
