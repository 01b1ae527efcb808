/*
 * The module's configuration: the file named by the environment variable
 * MCXHSM_CONF, lines of `key = value` ('#' starts a comment line, blank
 * lines ignored, a value may be "double-quoted").  Keys:
 *   token_dir        = DIR   one SQLite file per token (relative: to the
 *                            config file's directory)
 *   max_pin_failures = N     1..1000, default 10 (applied at C_InitToken)
 *   log_file         = FILE  default: stderr
 *   log_level        = error|warn|info|debug, default error
 *   sync             = normal|full, default normal: call
 *                      mcx_store_set_sync_full(st, cfg->sync_full) after
 *                      mcx_store_open (token/store.h says what each costs)
 *   mikey_max_age    = SECONDS  CKM_MCX_MIKEY_SAKKE receive: refuse an
 *                      I_MESSAGE whose T is older than this (0 = off, the
 *                      default; MCX-REFERENCE decision g)
 *   mikey_max_future_skew = SECONDS  likewise for T in the future
 *   authorised_gms   = DOMAIN GMS-URI  (repeatable) GMS-URI may send keys
 *                      for the MC groups of DOMAIN (ops_mcx_keystore.c)
 * Without MCXHSM_CONF (unset or empty): token_dir is
 * $XDG_DATA_HOME/mcxhsm/tokens, else ~/.local/share/mcxhsm/tokens.
 *
 * Agreement with the front end (C_Initialize): an unreadable file, an
 * unknown key or a bad value is logged (mcx_log, file and line named) and
 * mcx_config_load returns CKR_GENERAL_ERROR, which C_Initialize returns as
 * is; CKR_HOST_MEMORY when out of memory.  Never a crash.
 */
#ifndef MCX_TOKEN_CONFIG_H
#define MCX_TOKEN_CONFIG_H

#include "token/log.h"

#include <mcxhsm/pkcs11.h>
#include <stdbool.h>
#include <stdint.h>

struct mcx_config {
	char *token_dir; /* absolute or as given; never NULL */
	uint32_t max_pin_failures;
	char *log_file; /* NULL: stderr */
	enum mcx_log_level log_level;
	bool sync_full; /* sync = full */
	char *path;	/* the file read, NULL for the defaults */
	/* MIKEY receive defaults (0 = off) and authorised GMSs per domain */
	uint64_t mikey_max_age;
	uint64_t mikey_max_future_skew;
	struct mcx_config_gms {
		char *domain;
		char *uri;
	} * authorised_gms;
	size_t n_authorised_gms;
};

/* From $MCXHSM_CONF, or the defaults when it is unset or empty. */
CK_RV mcx_config_load(struct mcx_config **out);
/* From one file. */
CK_RV mcx_config_load_file(const char *path, struct mcx_config **out);
void mcx_config_free(struct mcx_config *cfg);

/* mcx_log_configure() with the config's level and file; CKR_GENERAL_ERROR
 * (message on stderr) when the log file cannot be opened. */
CK_RV mcx_config_apply_log(const struct mcx_config *cfg);

/* Create token_dir (and missing parents) with mode 0700 if absent. */
CK_RV mcx_config_make_token_dir(const struct mcx_config *cfg);

#endif /* MCX_TOKEN_CONFIG_H */
