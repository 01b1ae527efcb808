/*
 * Unit tests of the configuration file and the log (token/config.h,
 * token/log.h): a good file, defaults, every kind of bad input giving a
 * logged message and CKR_GENERAL_ERROR, log levels and the log file,
 * and that `sync` reaches the stores the module opens (slot.c).
 */
#include "token/config.h"
#include "token/entry.h"
#include "token/internal.h"
#include "token/log.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

struct fixture {
	char dir[64];
	char conf[128];
	char log[128];
};

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));

	if (fx == NULL)
		return -1;
	snprintf(fx->dir, sizeof(fx->dir), "/tmp/mcx-config-XXXXXX");
	if (mkdtemp(fx->dir) == NULL)
		return -1;
	snprintf(fx->conf, sizeof(fx->conf), "%s/mcxhsm.conf", fx->dir);
	snprintf(fx->log, sizeof(fx->log), "%s/errors.log", fx->dir);
	/* errors of the parser go to a file we can read back */
	if (mcx_log_configure(MCX_LOG_ERROR, fx->log) != 0)
		return -1;
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;
	char cmd[200];

	mcx_log_reset();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", fx->dir);
	if (system(cmd) != 0)
		return -1;
	free(fx);
	return 0;
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static char *read_file(const char *path)
{
	FILE *f = fopen(path, "r");
	static char buf[8192];
	size_t n = 0;

	buf[0] = '\0';
	if (f == NULL)
		return buf;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static void test_good_file(void **state)
{
	struct fixture *fx = *state;
	struct mcx_config *cfg = NULL;

	write_file(fx->conf, "# mcxhsm test configuration\n"
			     "\n"
			     "token_dir = /var/lib/mcxhsm/tokens\n"
			     "  max_pin_failures=5  \n"
			     "log_level = debug\n"
			     "sync = full\n"
			     "log_file = \"/tmp/with space.log\"\n");
	assert_int_equal(mcx_config_load_file(fx->conf, &cfg), CKR_OK);
	assert_string_equal(cfg->token_dir, "/var/lib/mcxhsm/tokens");
	assert_int_equal(cfg->max_pin_failures, 5);
	assert_int_equal(cfg->log_level, MCX_LOG_DEBUG);
	assert_string_equal(cfg->log_file, "/tmp/with space.log");
	assert_string_equal(cfg->path, fx->conf);
	assert_true(cfg->sync_full);
	mcx_config_free(cfg);
	assert_string_equal(read_file(fx->log), "");
}

static void test_relative_and_defaults(void **state)
{
	struct fixture *fx = *state;
	struct mcx_config *cfg = NULL;
	char want[200];

	/* relative token_dir: from the config file's directory; defaults
	 * for the rest */
	write_file(fx->conf, "token_dir = var/tokens\n");
	assert_int_equal(mcx_config_load_file(fx->conf, &cfg), CKR_OK);
	snprintf(want, sizeof(want), "%s/var/tokens", fx->dir);
	assert_string_equal(cfg->token_dir, want);
	assert_int_equal(cfg->max_pin_failures, 10);
	assert_int_equal(cfg->log_level, MCX_LOG_ERROR);
	assert_null(cfg->log_file);
	assert_false(cfg->sync_full);
	/* the directory is made owner-only, parents included */
	assert_int_equal(mcx_config_make_token_dir(cfg), CKR_OK);
	assert_int_equal(mcx_config_make_token_dir(cfg), CKR_OK);
	{
		struct stat sb;

		assert_int_equal(stat(want, &sb), 0);
		assert_true(S_ISDIR(sb.st_mode));
		assert_int_equal(sb.st_mode & 0777, 0700);
	}
	mcx_config_free(cfg);

	/* MCXHSM_CONF names the file; unset: the per-user default */
	setenv("MCXHSM_CONF", fx->conf, 1);
	assert_int_equal(mcx_config_load(&cfg), CKR_OK);
	assert_string_equal(cfg->token_dir, want);
	mcx_config_free(cfg);
	unsetenv("MCXHSM_CONF");
	setenv("XDG_DATA_HOME", "/xdg/data", 1);
	assert_int_equal(mcx_config_load(&cfg), CKR_OK);
	assert_string_equal(cfg->token_dir, "/xdg/data/mcxhsm/tokens");
	assert_null(cfg->path);
	mcx_config_free(cfg);
	unsetenv("XDG_DATA_HOME");
	setenv("HOME", "/home/op", 1);
	setenv("MCXHSM_CONF", "", 1);
	assert_int_equal(mcx_config_load(&cfg), CKR_OK);
	assert_string_equal(cfg->token_dir,
			    "/home/op/.local/share/mcxhsm/tokens");
	mcx_config_free(cfg);
	unsetenv("MCXHSM_CONF");
}

/* Each bad file: CKR_GENERAL_ERROR, no config, and a log line naming the
 * file, the line and the problem. */
static void expect_bad(struct fixture *fx, const char *text,
		       const char *message)
{
	struct mcx_config *cfg = (struct mcx_config *)1;
	const char *log = NULL;

	assert_int_equal(truncate(fx->log, 0), 0);
	write_file(fx->conf, text);
	assert_int_equal(mcx_config_load_file(fx->conf, &cfg),
			 CKR_GENERAL_ERROR);
	assert_null(cfg);
	log = read_file(fx->log);
	if (strstr(log, message) == NULL || strstr(log, fx->conf) == NULL)
		fail_msg("log \"%s\" lacks \"%s\"", log, message);
}

static void test_bad_files(void **state)
{
	struct fixture *fx = *state;

	expect_bad(fx, "token_dir = /t\ncolour = blue\n",
		   ":2: key \"colour\": unknown key");
	expect_bad(fx, "max_pin_failures = 0\n",
		   ":1: key \"max_pin_failures\": not a number from 1 to 1000");
	expect_bad(fx, "max_pin_failures = 12abc\n", "not a number");
	expect_bad(fx, "max_pin_failures = -3\n", "not a number");
	expect_bad(fx, "max_pin_failures = 99999999999999999999999\n",
		   "not a number");
	expect_bad(fx, "log_level = verbose\n",
		   "not one of error, warn, info, debug");
	expect_bad(fx, "# fine\njust some words\n",
		   ":2: expected `key = value`");
	expect_bad(fx, " = value\n", ":1: missing key");
	expect_bad(fx, "token_dir =\n", "empty value");
	expect_bad(fx, "sync = sometimes\n", "not one of normal, full");
	{
		char longline[6000];

		memset(longline, 'a', sizeof(longline) - 2);
		longline[sizeof(longline) - 2] = '\n';
		longline[sizeof(longline) - 1] = '\0';
		expect_bad(fx, longline, "line too long");
	}
}

static void test_unreadable(void **state)
{
	struct fixture *fx = *state;
	struct mcx_config *cfg = NULL;
	char missing[160];

	snprintf(missing, sizeof(missing), "%s/absent.conf", fx->dir);
	assert_int_equal(mcx_config_load_file(missing, &cfg),
			 CKR_GENERAL_ERROR);
	assert_null(cfg);
	assert_non_null(strstr(read_file(fx->log), "absent.conf: cannot read"));
	setenv("MCXHSM_CONF", missing, 1);
	assert_int_equal(mcx_config_load(&cfg), CKR_GENERAL_ERROR);
	unsetenv("MCXHSM_CONF");
	/* a directory is not a config file */
	assert_int_equal(mcx_config_load_file(fx->dir, &cfg),
			 CKR_GENERAL_ERROR);
	assert_int_equal(mcx_config_load_file(NULL, &cfg), CKR_ARGUMENTS_BAD);
}

static void test_log_levels(void **state)
{
	struct fixture *fx = *state;
	struct mcx_config *cfg = NULL;
	char conf[300];
	char logfile[160];
	const char *text = NULL;

	snprintf(logfile, sizeof(logfile), "%s/module.log", fx->dir);
	snprintf(conf, sizeof(conf),
		 "token_dir = /t\nlog_level = warn\n"
		 "log_file = module.log\n");
	write_file(fx->conf, conf);
	assert_int_equal(mcx_config_load_file(fx->conf, &cfg), CKR_OK);
	assert_string_equal(cfg->log_file, logfile);
	assert_int_equal(mcx_config_apply_log(cfg), CKR_OK);
	mcx_log(MCX_LOG_ERROR, "an error %d", 1);
	mcx_log(MCX_LOG_WARN, "a warning");
	mcx_log(MCX_LOG_INFO, "some info");
	mcx_log(MCX_LOG_DEBUG, "debugging");
	assert_true(mcx_log_enabled(MCX_LOG_WARN));
	assert_false(mcx_log_enabled(MCX_LOG_INFO));
	text = read_file(logfile);
	assert_non_null(strstr(text, ": error: an error 1\n"));
	assert_non_null(strstr(text, ": warn: a warning\n"));
	assert_null(strstr(text, "some info"));
	assert_null(strstr(text, "debugging"));
	mcx_config_free(cfg);
	/* an unopenable log file is a config error */
	write_file(fx->conf, "log_file = /nonexistent/dir/x.log\n");
	mcx_log_configure(MCX_LOG_ERROR, fx->log);
	assert_int_equal(mcx_config_load_file(fx->conf, &cfg), CKR_OK);
	assert_int_equal(mcx_config_apply_log(cfg), CKR_GENERAL_ERROR);
	assert_non_null(strstr(read_file(fx->log), "cannot open log_file"));
	mcx_config_free(cfg);
	assert_int_equal(mcx_log_level_parse("debug"), MCX_LOG_DEBUG);
	assert_int_equal(mcx_log_level_parse("DEBUG"), -1);
	assert_int_equal(mcx_log_level_parse(NULL), -1);
}

/* The store of slot id as the module opened it: its synchronous mode. */
static bool slot_sync_full(CK_SLOT_ID id)
{
	bool full = false;
	struct mcx_slot *slot = NULL;

	for (size_t i = 0; i < mcx_g.nslots; i++)
		if (mcx_g.slots[i]->id == id)
			slot = mcx_g.slots[i];
	assert_non_null(slot);
	assert_non_null(slot->store);
	assert_int_equal(mcx_store_sync_full(slot->store, &full), CKR_OK);
	return full;
}

static void write_conf(struct fixture *fx, const char *sync)
{
	char text[512];

	snprintf(text, sizeof(text), "token_dir = %s/tokens\nsync = %s\n",
		 fx->dir, sync);
	write_file(fx->conf, text);
	assert_int_equal(setenv("MCXHSM_CONF", fx->conf, 1), 0);
}

/* `sync = full` reaches the store both where the module opens one: at
 * C_InitToken on the empty slot and at C_OpenSession on a token; `normal`
 * (and the default) leaves SQLite's NORMAL. */
static void test_sync_reaches_store(void **state)
{
	struct fixture *fx = *state;
	CK_SLOT_ID slots[8];
	CK_ULONG n = 8;
	CK_SESSION_HANDLE h = CK_INVALID_HANDLE;
	CK_UTF8CHAR label[32];

	memset(label, ' ', sizeof(label));
	memcpy(label, "sync", 4);
	write_conf(fx, "full");
	assert_int_equal(mcx_C_Initialize(NULL), CKR_OK);
	assert_int_equal(mcx_C_GetSlotList(CK_FALSE, slots, &n), CKR_OK);
	assert_int_equal(n, 1);
	assert_int_equal(
	    mcx_C_InitToken(slots[0], (CK_UTF8CHAR_PTR) "so-pin-1", 8, label),
	    CKR_OK);
	assert_true(slot_sync_full(slots[0]));
	assert_int_equal(mcx_C_Finalize(NULL), CKR_OK);

	const char *modes[] = {"normal", "full"};
	for (size_t m = 0; m < 2; m++) {
		write_conf(fx, modes[m]);
		assert_int_equal(mcx_C_Initialize(NULL), CKR_OK);
		assert_int_equal(mcx_C_OpenSession(slots[0], CKF_SERIAL_SESSION,
						   NULL, NULL, &h),
				 CKR_OK);
		assert_int_equal(slot_sync_full(slots[0]), m == 1);
		assert_int_equal(mcx_C_Finalize(NULL), CKR_OK);
	}
	unsetenv("MCXHSM_CONF");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_good_file, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_relative_and_defaults, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_bad_files, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_unreadable, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_log_levels, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_sync_reaches_store, setup,
					    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
