/*
 * The module's log: one line per message, "mcxhsm[pid]: level: text", to
 * the file named by the config key log_file or else to stderr, for messages
 * at or above the configured level (default: errors only).
 *
 * Never pass key values, PINs or anything derived from them: log object
 * labels, unique ids, CKR values and function names only.
 */
#ifndef MCX_TOKEN_LOG_H
#define MCX_TOKEN_LOG_H

enum mcx_log_level {
	MCX_LOG_ERROR = 0,
	MCX_LOG_WARN = 1,
	MCX_LOG_INFO = 2,
	MCX_LOG_DEBUG = 3,
};

/* Set the threshold and the destination (path NULL: stderr).  The file is
 * opened for appending (created 0600).  Returns 0, or -1 with the log
 * unchanged when the file cannot be opened. */
int mcx_log_configure(enum mcx_log_level level, const char *path);

/* Back to the default (errors to stderr), closing any log file
 * (C_Finalize). */
void mcx_log_reset(void);

/* Whether a message at level would be written (to skip costly
 * formatting). */
int mcx_log_enabled(enum mcx_log_level level);

void mcx_log(enum mcx_log_level level, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* "error", "warn", "info", "debug" -> level; -1 if none of them. */
int mcx_log_level_parse(const char *name);

#endif /* MCX_TOKEN_LOG_H */
