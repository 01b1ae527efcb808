/*
 * PINs for the admin tool: from a file (first line), from the environment,
 * or typed at a no-echo prompt on the controlling terminal.  A PIN never
 * appears on a command line (where ps would show it), and every buffer that
 * held one is wiped.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "admin/internal.h"
#include "common/wipe.h"

/* Cut at the first CR or LF: a PIN file usually ends with a newline. */
static size_t chomp(char *pin, size_t len)
{
	size_t i = 0;

	for (i = 0; i < len; i++)
		if (pin[i] == '\n' || pin[i] == '\r')
			break;
	mcx_wipe(pin + i, len - i);
	return i;
}

static int read_file(const char *file, char *pin, size_t *len)
{
	char buf[MCX_PIN_MAX + 2] = {0};
	FILE *fp = NULL;
	size_t n = 0;
	int ret = MCX_EXIT_FAIL;

	fp = fopen(file, "re");
	if (fp == NULL) {
		mcx_main_fail("%s: %s", file, strerror(errno));
		goto out;
	}
	n = fread(buf, 1, sizeof(buf) - 1, fp);
	if (ferror(fp)) {
		mcx_main_fail("%s: read error", file);
		goto out;
	}
	n = chomp(buf, n);
	if (n == 0 || n >= MCX_PIN_MAX) {
		mcx_main_fail("%s: %s", file,
			      n == 0 ? "empty PIN file" : "PIN too long");
		goto out;
	}
	memcpy(pin, buf, n);
	pin[n] = '\0';
	*len = n;
	ret = MCX_EXIT_OK;
out:
	mcx_wipe(buf, sizeof(buf));
	if (fp != NULL)
		fclose(fp);
	return ret;
}

/* Read a line from the terminal with echo off, restoring the terminal on
 * every path (termios(3)). */
static int read_prompt(const char *prompt, char *pin, size_t *len)
{
	char buf[MCX_PIN_MAX + 2] = {0};
	struct termios old, noecho;
	ssize_t r = 0;
	size_t n = 0;
	int fd = -1;
	int ret = MCX_EXIT_FAIL;
	bool restore = false;

	memset(&old, 0, sizeof(old));
	fd = open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY);
	if (fd < 0 || !isatty(fd)) {
		mcx_main_fail("no PIN: give --pin-file, set MCXHSM_PIN or run "
			      "on a terminal");
		goto out;
	}
	if (tcgetattr(fd, &old) != 0) {
		mcx_main_fail("terminal: %s", strerror(errno));
		goto out;
	}
	noecho = old;
	noecho.c_lflag &= ~(tcflag_t)ECHO;
	noecho.c_lflag |= ECHONL;
	if (tcsetattr(fd, TCSAFLUSH, &noecho) != 0) {
		mcx_main_fail("terminal: %s", strerror(errno));
		goto out;
	}
	restore = true;
	if (write(fd, prompt, strlen(prompt)) < 0) {
		mcx_main_fail("terminal: %s", strerror(errno));
		goto out;
	}
	while (n < sizeof(buf) - 1) {
		r = read(fd, buf + n, 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0 || buf[n] == '\n')
			break;
		n++;
	}
	n = chomp(buf, n);
	if (n == 0 || n >= MCX_PIN_MAX) {
		mcx_main_fail(n == 0 ? "empty PIN" : "PIN too long");
		goto out;
	}
	memcpy(pin, buf, n);
	pin[n] = '\0';
	*len = n;
	ret = MCX_EXIT_OK;
out:
	mcx_wipe(buf, sizeof(buf));
	if (restore)
		tcsetattr(fd, TCSAFLUSH, &old);
	if (fd >= 0)
		close(fd);
	return ret;
}

int mcx_pin_read(const char *file, const char *env, const char *prompt,
		 char *pin, size_t *len)
{
	const char *val = NULL;
	size_t n = 0;

	if (file != NULL)
		return read_file(file, pin, len);
	val = env != NULL ? getenv(env) : NULL;
	if (val != NULL && val[0] != '\0') {
		n = strlen(val);
		if (n >= MCX_PIN_MAX)
			return mcx_main_fail("%s: PIN too long", env);
		memcpy(pin, val, n + 1);
		*len = n;
		return MCX_EXIT_OK;
	}
	return read_prompt(prompt, pin, len);
}

int mcx_pin_read_new(const char *file, const char *what, char *pin, size_t *len)
{
	char again[MCX_PIN_MAX] = {0};
	char prompt[64] = {0};
	size_t again_len = 0;
	int ret = MCX_EXIT_FAIL;

	if (file != NULL)
		return read_file(file, pin, len);
	snprintf(prompt, sizeof(prompt), "New %s: ", what);
	ret = read_prompt(prompt, pin, len);
	if (ret != MCX_EXIT_OK)
		goto out;
	snprintf(prompt, sizeof(prompt), "New %s again: ", what);
	ret = read_prompt(prompt, again, &again_len);
	if (ret != MCX_EXIT_OK)
		goto out;
	if (again_len != *len || memcmp(again, pin, *len) != 0) {
		ret = mcx_main_fail("the two %ss differ", what);
		goto out;
	}
	ret = MCX_EXIT_OK;
out:
	mcx_wipe(again, sizeof(again));
	if (ret != MCX_EXIT_OK) {
		mcx_wipe(pin, MCX_PIN_MAX);
		*len = 0;
	}
	return ret;
}
