/*
 * Black-box suite: another process's changes to token objects are seen by
 * this process's next call (token/object.c: the cache is revalidated
 * against the store generation once per entry-point call, not per
 * lookup).  Process B (this one) holds handles whose attributes it has
 * read, so they are cached, and a C_FindObjects half way; process A (a
 * forked child with its own C_Initialize, as a second application on the
 * same token would be) then destroys, changes and creates objects.  B's
 * next calls must see each change: the destroyed object's handle is
 * invalid, the changed value is the new one, the new object is found, and
 * the find in progress does not return the destroyed candidate.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "tests/blackbox/p11_helpers.h"

#define SO_PIN	 "so-secret-1"
#define USER_PIN "user-secret-1"

static struct mcx_p11 p11;
static CK_BBOOL yes = CK_TRUE, no = CK_FALSE;

#define F p11.f

/* A public token data object. */
static CK_OBJECT_HANDLE data_object(CK_SESSION_HANDLE s, const char *label,
				    const char *value)
{
	CK_OBJECT_CLASS cls = CKO_DATA;
	CK_ATTRIBUTE t[] = {
	    {CKA_CLASS, &cls, sizeof(cls)},
	    {CKA_TOKEN, &yes, sizeof(yes)},
	    {CKA_PRIVATE, &no, sizeof(no)},
	    {CKA_LABEL, (void *)label, strlen(label)},
	    {CKA_VALUE, (void *)value, strlen(value)},
	};
	CK_OBJECT_HANDLE h = CK_INVALID_HANDLE;
	MCX_P11_CHECK(F->C_CreateObject(s, t, 5, &h), CKR_OK);
	return h;
}

/* CKA_VALUE of h as a string (the attribute read also caches h). */
static CK_RV value_of(CK_SESSION_HANDLE s, CK_OBJECT_HANDLE h, char *buf,
		      size_t cap)
{
	CK_ATTRIBUTE a = {CKA_VALUE, buf, cap - 1};
	CK_RV rv = F->C_GetAttributeValue(s, h, &a, 1);
	buf[rv == CKR_OK ? a.ulValueLen : 0] = '\0';
	return rv;
}

/* The handles of the objects labelled label (at most max). */
static CK_ULONG find(CK_SESSION_HANDLE s, const char *label,
		     CK_OBJECT_HANDLE *out, CK_ULONG max)
{
	CK_ATTRIBUTE t = {CKA_LABEL, (void *)label, strlen(label)};
	CK_ULONG n = 0;
	MCX_P11_CHECK(F->C_FindObjectsInit(s, &t, 1), CKR_OK);
	MCX_P11_CHECK(F->C_FindObjects(s, out, max, &n), CKR_OK);
	MCX_P11_CHECK(F->C_FindObjectsFinal(s), CKR_OK);
	return n;
}

/* Process A: its own C_Initialize and session; returns 0 if every change
 * went through.  Destroys "gen-x" and the "gen-find" object whose value is
 * other_find, changes "gen-z" to "new", creates "gen-y". */
static int process_a(const char *other_find)
{
	CK_SESSION_HANDLE s = CK_INVALID_HANDLE;
	CK_OBJECT_HANDLE h[4];
	char v[32];
	int bad = 0;

	bad |= F->C_Initialize(NULL) != CKR_OK;
	bad |= F->C_OpenSession(p11.slot, CKF_SERIAL_SESSION | CKF_RW_SESSION,
				NULL, NULL, &s) != CKR_OK;
	if (bad)
		return bad;
	bad |= find(s, "gen-x", h, 4) != 1;
	bad |= F->C_DestroyObject(s, h[0]) != CKR_OK;
	CK_ULONG n = find(s, "gen-find", h, 4);
	bad |= n != 2;
	for (CK_ULONG i = 0; i < n; i++) {
		bad |= value_of(s, h[i], v, sizeof(v)) != CKR_OK;
		if (strcmp(v, other_find) == 0)
			bad |= F->C_DestroyObject(s, h[i]) != CKR_OK;
	}
	bad |= find(s, "gen-z", h, 4) != 1;
	CK_ATTRIBUTE nv = {CKA_VALUE, "new", 3};
	bad |= F->C_SetAttributeValue(s, h[0], &nv, 1) != CKR_OK;
	data_object(s, "gen-y", "born in A");
	bad |= F->C_Finalize(NULL) != CKR_OK;
	return bad;
}

static void test_other_process_changes(void **state)
{
	(void)state;
	CK_SESSION_HANDLE s = mcx_p11_session(&p11, CKU_USER, NULL);
	CK_OBJECT_HANDLE x = data_object(s, "gen-x", "x");
	CK_OBJECT_HANDLE z = data_object(s, "gen-z", "old");
	CK_OBJECT_HANDLE f1 = data_object(s, "gen-find", "f1");
	CK_OBJECT_HANDLE f2 = data_object(s, "gen-find", "f2");
	CK_OBJECT_HANDLE h[4];
	char v[32];
	CK_ULONG n = 0;

	/* every object read once: cached, loaded at the current generation */
	MCX_P11_CHECK(value_of(s, x, v, sizeof(v)), CKR_OK);
	MCX_P11_CHECK(value_of(s, z, v, sizeof(v)), CKR_OK);
	assert_string_equal(v, "old");
	MCX_P11_CHECK(value_of(s, f1, v, sizeof(v)), CKR_OK);
	MCX_P11_CHECK(value_of(s, f2, v, sizeof(v)), CKR_OK);
	assert_int_equal(find(s, "gen-y", h, 4), 0);
	/* a find half way: one of the two candidates returned */
	CK_ATTRIBUTE ft = {CKA_LABEL, "gen-find", 8};
	MCX_P11_CHECK(F->C_FindObjectsInit(s, &ft, 1), CKR_OK);
	MCX_P11_CHECK(F->C_FindObjects(s, h, 1, &n), CKR_OK);
	assert_int_equal(n, 1);
	assert_true(h[0] == f1 || h[0] == f2);
	const char *other = h[0] == f1 ? "f2" : "f1";

	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		_exit(process_a(other));
	int st = 0;
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);

	/* the find goes on without the candidate A destroyed */
	MCX_P11_CHECK(F->C_FindObjects(s, h, 4, &n), CKR_OK);
	assert_int_equal(n, 0);
	MCX_P11_CHECK(F->C_FindObjectsFinal(s), CKR_OK);
	/* the destroyed objects' handles are gone, the change is seen */
	assert_int_equal(value_of(s, x, v, sizeof(v)),
			 CKR_OBJECT_HANDLE_INVALID);
	assert_int_equal(
	    value_of(s, strcmp(other, "f1") == 0 ? f1 : f2, v, sizeof(v)),
	    CKR_OBJECT_HANDLE_INVALID);
	MCX_P11_CHECK(value_of(s, z, v, sizeof(v)), CKR_OK);
	assert_string_equal(v, "new");
	/* A's new object is found and read */
	assert_int_equal(find(s, "gen-y", h, 4), 1);
	MCX_P11_CHECK(value_of(s, h[0], v, sizeof(v)), CKR_OK);
	assert_string_equal(v, "born in A");
	assert_int_equal(find(s, "gen-find", h, 4), 1);

	/* and the other way: B's own changes stay visible to B at once
	 * (its writes keep the cache, object_create.c after_write) */
	CK_ATTRIBUTE nv = {CKA_VALUE, "newer", 5};
	MCX_P11_CHECK(F->C_SetAttributeValue(s, z, &nv, 1), CKR_OK);
	MCX_P11_CHECK(value_of(s, z, v, sizeof(v)), CKR_OK);
	assert_string_equal(v, "newer");
	MCX_P11_CHECK(F->C_DestroyObject(s, z), CKR_OK);
	assert_int_equal(value_of(s, z, v, sizeof(v)),
			 CKR_OBJECT_HANDLE_INVALID);
	MCX_P11_CHECK(F->C_CloseSession(s), CKR_OK);
}

static int setup(void **state)
{
	(void)state;
	mcx_p11_open(&p11);
	mcx_p11_init_token(&p11, "generation", SO_PIN, USER_PIN);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	mcx_p11_close(&p11);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_other_process_changes),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
