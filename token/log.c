/*
 * The module's log (token/log.h).  One mutex around the destination, one
 * write(2) per message, so lines from several threads never interleave and
 * lines from several processes appending to one file stay whole.
 */
#include "token/log.h"

#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static enum mcx_log_level log_level = MCX_LOG_ERROR;
static int log_fd = -1; /* -1: stderr */

static const char *const level_names[] = {"error", "warn", "info", "debug"};

int mcx_log_level_parse(const char *name)
{
	for (size_t i = 0; i < sizeof(level_names) / sizeof(level_names[0]);
	     i++)
		if (name != NULL && strcmp(name, level_names[i]) == 0)
			return (int)i;
	return -1;
}

int mcx_log_configure(enum mcx_log_level level, const char *path)
{
	int fd = -1;

	if (level < MCX_LOG_ERROR || level > MCX_LOG_DEBUG)
		return -1;
	if (path != NULL) {
		fd =
		    open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
		if (fd < 0)
			return -1;
	}
	pthread_mutex_lock(&log_lock);
	if (log_fd >= 0)
		close(log_fd);
	log_fd = fd;
	log_level = level;
	pthread_mutex_unlock(&log_lock);
	return 0;
}

void mcx_log_reset(void)
{
	pthread_mutex_lock(&log_lock);
	if (log_fd >= 0)
		close(log_fd);
	log_fd = -1;
	log_level = MCX_LOG_ERROR;
	pthread_mutex_unlock(&log_lock);
}

int mcx_log_enabled(enum mcx_log_level level)
{
	int on = 0;

	pthread_mutex_lock(&log_lock);
	on = level <= log_level;
	pthread_mutex_unlock(&log_lock);
	return on;
}

void mcx_log(enum mcx_log_level level, const char *fmt, ...)
{
	char line[1024];
	int off = 0;
	int n = 0;
	va_list ap;

	if (level < MCX_LOG_ERROR || level > MCX_LOG_DEBUG || fmt == NULL)
		return;
	off = snprintf(line, sizeof(line), "mcxhsm[%ld]: %s: ", (long)getpid(),
		       level_names[level]);
	va_start(ap, fmt);
	n = vsnprintf(line + off, sizeof(line) - (size_t)off - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		n = 0;
	off += n;
	if (off > (int)sizeof(line) - 2)
		off = (int)sizeof(line) - 2; /* truncated message */
	line[off++] = '\n';
	pthread_mutex_lock(&log_lock);
	if (level <= log_level) {
		ssize_t w = write(log_fd >= 0 ? log_fd : STDERR_FILENO, line,
				  (size_t)off);
		(void)w; /* nowhere left to report a failed log write */
	}
	pthread_mutex_unlock(&log_lock);
}
