/*
 * At rest (issue 2): import a known AES key, a known EC P-256 private key
 * and an extractable AES key through C_CreateObject as token objects, and
 * check that none of their bytes (any 8-octet window), nor the SO or user
 * PIN, occur in any file of the token directory (database, -wal, -shm):
 * once while the module holds the token open, once after C_Finalize.  The
 * public labels must be found (the scan reads the right files), the stored
 * PBKDF2 counts must be >= 600,000, and after a restart the extractable
 * key's value comes back intact through the module.
 */
#include "tests/blackbox/p11_helpers.h"

#include <dirent.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SO_PIN	 "at-rest-so-8u3k2"
#define USER_PIN "at-rest-user-5h7q1"

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

/* Known keys: fixed patterns that cannot occur by accident. */
static uint8_t aes_key[32], ec_scalar[32], plain_key[16];

static void make_keys(void)
{
	for (int i = 0; i < 32; i++) {
		aes_key[i] = (uint8_t)(0x3c ^ (i * 29 + 7));
		/* below the P-256 order: top octet 0x5a */
		ec_scalar[i] = (uint8_t)(i == 0 ? 0x5a : (i * 53 + 11));
	}
	for (int i = 0; i < 16; i++)
		plain_key[i] = (uint8_t)(0xc3 ^ (i * 71 + 5));
}

struct blob {
	uint8_t *data;
	size_t len;
	char name[300];
};

/* Every regular file of the token directory. */
static size_t read_token_files(const char *dir, struct blob *out, size_t max)
{
	DIR *d = opendir(dir);
	struct dirent *e = NULL;
	size_t n = 0;

	if (d == NULL) {
		perror(dir);
		abort();
	}
	while ((e = readdir(d)) != NULL && n < max) {
		FILE *f = NULL;
		long sz = 0;

		if (e->d_name[0] == '.')
			continue;
		snprintf(out[n].name, sizeof(out[n].name), "%s/%s", dir,
			 e->d_name);
		f = fopen(out[n].name, "rb");
		if (f == NULL)
			continue; /* e.g. -shm removed meanwhile */
		fseek(f, 0, SEEK_END);
		sz = ftell(f);
		fseek(f, 0, SEEK_SET);
		out[n].data = malloc(sz > 0 ? (size_t)sz : 1);
		if (out[n].data == NULL)
			abort();
		out[n].len = fread(out[n].data, 1, (size_t)sz, f);
		fclose(f);
		n++;
	}
	closedir(d);
	return n;
}

static bool contains(const struct blob *b, const uint8_t *needle, size_t len)
{
	if (len == 0 || b->len < len)
		return false;
	for (size_t i = 0; i + len <= b->len; i++)
		if (b->data[i] == needle[0] &&
		    memcmp(b->data + i, needle, len) == 0)
			return true;
	return false;
}

/* No 8-octet window of secret anywhere in the files. */
static void expect_absent(const struct blob *files, size_t n,
			  const uint8_t *secret, size_t len, const char *what,
			  const char *when)
{
	size_t w = len < 8 ? len : 8;

	for (size_t f = 0; f < n; f++)
		for (size_t i = 0; i + w <= len; i++)
			EXPECT(!contains(&files[f], secret + i, w),
			       "%s: octets %zu..%zu of %s found in %s", when, i,
			       i + w - 1, what, files[f].name);
}

static void scan(const char *dir, const char *when, bool expect_wal)
{
	struct blob files[16];
	size_t n = read_token_files(dir, files, 16);
	bool label_seen = false, wal_seen = false;

	EXPECT(n > 0, "%s: no token files in %s", when, dir);
	expect_absent(files, n, aes_key, sizeof(aes_key), "the AES key", when);
	expect_absent(files, n, ec_scalar, sizeof(ec_scalar),
		      "the EC private scalar", when);
	expect_absent(files, n, plain_key, sizeof(plain_key),
		      "the extractable AES key", when);
	expect_absent(files, n, (const uint8_t *)SO_PIN, strlen(SO_PIN),
		      "the SO PIN", when);
	expect_absent(files, n, (const uint8_t *)USER_PIN, strlen(USER_PIN),
		      "the user PIN", when);
	for (size_t f = 0; f < n; f++) {
		if (contains(&files[f], (const uint8_t *)"at-rest EC key", 14))
			label_seen = true;
		if (strstr(files[f].name, "-wal") != NULL)
			wal_seen = true;
		free(files[f].data);
	}
	/* the scan can fail: the public label is in the same files */
	EXPECT(label_seen, "%s: public label not found: scan reads nothing",
	       when);
	if (expect_wal)
		EXPECT(wal_seen, "%s: no -wal file while the token is open",
		       when);
}

/* The PBKDF2 counts the module stored (any *.mcxtoken file). */
static void check_kdf_params(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e = NULL;
	int checked = 0;

	while (d != NULL && (e = readdir(d)) != NULL) {
		char path[600];
		sqlite3 *db = NULL;
		sqlite3_stmt *s = NULL;
		size_t l = strlen(e->d_name);

		if (l < 9 || strcmp(e->d_name + l - 9, ".mcxtoken") != 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) !=
			SQLITE_OK ||
		    sqlite3_prepare_v2(db,
				       "SELECT so_iterations, user_iterations"
				       " FROM token WHERE initialized = 1",
				       -1, &s, NULL) != SQLITE_OK) {
			EXPECT(0, "cannot read %s: %s", path,
			       sqlite3_errmsg(db));
		} else {
			while (sqlite3_step(s) == SQLITE_ROW) {
				EXPECT(sqlite3_column_int64(s, 0) >= 600000 &&
					   sqlite3_column_int64(s, 1) >= 600000,
				       "PBKDF2 iterations %lld/%lld < 600000",
				       (long long)sqlite3_column_int64(s, 0),
				       (long long)sqlite3_column_int64(s, 1));
				checked++;
			}
		}
		sqlite3_finalize(s);
		sqlite3_close(db);
	}
	if (d != NULL)
		closedir(d);
	EXPECT(checked == 1, "%d initialised token databases, expected 1",
	       checked);
}

static void create_keys(struct mcx_p11 *p, CK_SESSION_HANDLE s)
{
	CK_OBJECT_CLASS sec = CKO_SECRET_KEY, priv = CKO_PRIVATE_KEY;
	CK_KEY_TYPE aes = CKK_AES, ec = CKK_EC;
	CK_BBOOL t = CK_TRUE, f = CK_FALSE;
	/* DER OID prime256v1 */
	CK_BYTE p256[] = {0x06, 0x08, 0x2a, 0x86, 0x48,
			  0xce, 0x3d, 0x03, 0x01, 0x07};
	CK_OBJECT_HANDLE h = CK_INVALID_HANDLE;
	CK_ATTRIBUTE aes_t[] = {
	    {CKA_CLASS, &sec, sizeof(sec)},
	    {CKA_KEY_TYPE, &aes, sizeof(aes)},
	    {CKA_TOKEN, &t, 1},
	    {CKA_SENSITIVE, &t, 1},
	    {CKA_ENCRYPT, &t, 1},
	    {CKA_LABEL, "at-rest AES key", 15},
	    {CKA_VALUE, aes_key, sizeof(aes_key)},
	};
	CK_ATTRIBUTE ec_t[] = {
	    {CKA_CLASS, &priv, sizeof(priv)},
	    {CKA_KEY_TYPE, &ec, sizeof(ec)},
	    {CKA_TOKEN, &t, 1},
	    {CKA_SENSITIVE, &t, 1},
	    {CKA_SIGN, &t, 1},
	    {CKA_LABEL, "at-rest EC key", 14},
	    {CKA_EC_PARAMS, p256, sizeof(p256)},
	    {CKA_VALUE, ec_scalar, sizeof(ec_scalar)},
	};
	CK_ATTRIBUTE plain_t[] = {
	    {CKA_CLASS, &sec, sizeof(sec)},
	    {CKA_KEY_TYPE, &aes, sizeof(aes)},
	    {CKA_TOKEN, &t, 1},
	    {CKA_SENSITIVE, &f, 1},
	    {CKA_EXTRACTABLE, &t, 1},
	    {CKA_LABEL, "at-rest plain key", 17},
	    {CKA_VALUE, plain_key, sizeof(plain_key)},
	};

	MCX_P11_CHECK(p->f->C_CreateObject(s, aes_t, 7, &h), CKR_OK);
	MCX_P11_CHECK(p->f->C_CreateObject(s, ec_t, 8, &h), CKR_OK);
	MCX_P11_CHECK(p->f->C_CreateObject(s, plain_t, 7, &h), CKR_OK);
}

/* After a restart: the extractable key reads back intact. */
static void check_round_trip(struct mcx_p11 *p)
{
	CK_SESSION_HANDLE s = mcx_p11_session(p, CKU_USER, USER_PIN);
	CK_ATTRIBUTE find[] = {{CKA_LABEL, "at-rest plain key", 17}};
	CK_OBJECT_HANDLE h[4];
	CK_ULONG n = 0;
	uint8_t value[32];
	CK_ATTRIBUTE get[] = {{CKA_VALUE, value, sizeof(value)}};

	MCX_P11_CHECK(p->f->C_FindObjectsInit(s, find, 1), CKR_OK);
	MCX_P11_CHECK(p->f->C_FindObjects(s, h, 4, &n), CKR_OK);
	MCX_P11_CHECK(p->f->C_FindObjectsFinal(s), CKR_OK);
	EXPECT(n == 1, "%lu objects labelled 'at-rest plain key'",
	       (unsigned long)n);
	if (n == 1) {
		MCX_P11_CHECK(p->f->C_GetAttributeValue(s, h[0], get, 1),
			      CKR_OK);
		EXPECT(get[0].ulValueLen == sizeof(plain_key) &&
			   memcmp(value, plain_key, sizeof(plain_key)) == 0,
		       "extractable key changed across the restart");
	}
	MCX_P11_CHECK(p->f->C_Logout(s), CKR_OK);
	MCX_P11_CHECK(p->f->C_CloseSession(s), CKR_OK);
}

int main(void)
{
	struct mcx_p11 p;
	CK_SESSION_HANDLE s = CK_INVALID_HANDLE;
	char tokens[300];
	CK_C_INITIALIZE_ARGS args;

	make_keys();
	mcx_p11_open(&p);
	snprintf(tokens, sizeof(tokens), "%s/tokens", p.dir);
	mcx_p11_init_token(&p, "at-rest", SO_PIN, USER_PIN);
	s = mcx_p11_session(&p, CKU_USER, USER_PIN);
	create_keys(&p, s);
	/* while the module has the database open (WAL and shm present) */
	scan(tokens, "token open", true);
	MCX_P11_CHECK(p.f->C_Logout(s), CKR_OK);
	MCX_P11_CHECK(p.f->C_CloseSession(s), CKR_OK);
	MCX_P11_CHECK(p.f->C_Finalize(NULL), CKR_OK);
	scan(tokens, "after C_Finalize", false);
	check_kdf_params(tokens);

	memset(&args, 0, sizeof(args));
	args.flags = CKF_OS_LOCKING_OK;
	MCX_P11_CHECK(p.f->C_Initialize(&args), CKR_OK);
	check_round_trip(&p);
	mcx_p11_close(&p);
	if (failures != 0) {
		fprintf(stderr, "test_at_rest: %d failures\n", failures);
		return 1;
	}
	printf("PASS test_at_rest: no key octet or PIN in the token files\n");
	return 0;
}
