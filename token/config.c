/*
 * Reading the configuration file (token/config.h).  A table of keys, each
 * with its parser, so adding a key is one line and one function.
 */
#include "token/config.h"

#include <errno.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define LINE_MAX_LEN 4096

/* Returns NULL on success, or a phrase saying what is wrong with value. */
typedef const char *(*parse_fn)(struct mcx_config *cfg, const char *value);

static const char *set_string(char **dst, const char *value)
{
	char *copy = NULL;

	if (*value == '\0')
		return "empty value";
	copy = strdup(value);
	if (copy == NULL)
		return "out of memory";
	free(*dst);
	*dst = copy;
	return NULL;
}

static const char *parse_token_dir(struct mcx_config *cfg, const char *value)
{
	return set_string(&cfg->token_dir, value);
}

static const char *parse_log_file(struct mcx_config *cfg, const char *value)
{
	return set_string(&cfg->log_file, value);
}

static const char *parse_max_pin_failures(struct mcx_config *cfg,
					  const char *value)
{
	char *end = NULL;
	unsigned long n = 0;

	if (*value < '0' || *value > '9')
		return "not a number from 1 to 1000";
	errno = 0;
	n = strtoul(value, &end, 10);
	if (errno != 0 || *end != '\0' || n < 1 || n > 1000)
		return "not a number from 1 to 1000";
	cfg->max_pin_failures = (uint32_t)n;
	return NULL;
}

static const char *parse_log_level(struct mcx_config *cfg, const char *value)
{
	int level = mcx_log_level_parse(value);

	if (level < 0)
		return "not one of error, warn, info, debug";
	cfg->log_level = (enum mcx_log_level)level;
	return NULL;
}

static const char *parse_sync(struct mcx_config *cfg, const char *value)
{
	if (strcmp(value, "normal") == 0)
		cfg->sync_full = false;
	else if (strcmp(value, "full") == 0)
		cfg->sync_full = true;
	else
		return "not one of normal, full";
	return NULL;
}

static const char *parse_seconds(uint64_t *dst, const char *value)
{
	char *end = NULL;
	unsigned long long n = 0;

	if (*value < '0' || *value > '9')
		return "not a number of seconds";
	errno = 0;
	n = strtoull(value, &end, 10);
	if (errno != 0 || *end != '\0' || n > 0xffffffffULL)
		return "not a number of seconds";
	*dst = n;
	return NULL;
}

static const char *parse_mikey_max_age(struct mcx_config *cfg,
				       const char *value)
{
	return parse_seconds(&cfg->mikey_max_age, value);
}

static const char *parse_mikey_max_future_skew(struct mcx_config *cfg,
					       const char *value)
{
	return parse_seconds(&cfg->mikey_max_future_skew, value);
}

/* `authorised_gms = DOMAIN GMS-URI`, one pair per line. */
static const char *parse_authorised_gms(struct mcx_config *cfg,
					const char *value)
{
	const char *sp = strpbrk(value, " \t");
	const char *uri = sp;
	struct mcx_config_gms *v = NULL;
	char *domain = NULL, *u = NULL;

	if (sp == NULL || sp == value)
		return "expected `DOMAIN GMS-URI`";
	while (*uri == ' ' || *uri == '\t')
		uri++;
	if (*uri == '\0' || strpbrk(uri, " \t") != NULL)
		return "expected `DOMAIN GMS-URI`";
	domain = strndup(value, (size_t)(sp - value));
	u = strdup(uri);
	v = realloc(cfg->authorised_gms,
		    (cfg->n_authorised_gms + 1) * sizeof(*v));
	if (domain == NULL || u == NULL || v == NULL) {
		free(domain);
		free(u);
		if (v != NULL)
			cfg->authorised_gms = v;
		return "out of memory";
	}
	cfg->authorised_gms = v;
	v[cfg->n_authorised_gms].domain = domain;
	v[cfg->n_authorised_gms].uri = u;
	cfg->n_authorised_gms++;
	return NULL;
}

static const struct {
	const char *key;
	parse_fn parse;
} keys[] = {
    {"token_dir", parse_token_dir},
    {"max_pin_failures", parse_max_pin_failures},
    {"log_file", parse_log_file},
    {"log_level", parse_log_level},
    {"sync", parse_sync},
    {"mikey_max_age", parse_mikey_max_age},
    {"mikey_max_future_skew", parse_mikey_max_future_skew},
    {"authorised_gms", parse_authorised_gms},
};

/* The per-user default: $XDG_DATA_HOME/mcxhsm/tokens, else
 * $HOME/.local/share/mcxhsm/tokens (home from the password database when
 * HOME is unset). */
static CK_RV default_token_dir(char **out)
{
	const char *xdg = getenv("XDG_DATA_HOME");
	const char *home = getenv("HOME");
	struct passwd *pw = NULL;
	char buf[PATH_MAX];
	int n = 0;

	/* XDG Base Directory: a relative XDG_DATA_HOME is invalid, ignore */
	if (xdg != NULL && xdg[0] == '/') {
		n = snprintf(buf, sizeof(buf), "%s/mcxhsm/tokens", xdg);
	} else {
		if (home == NULL || home[0] == '\0') {
			pw = getpwuid(getuid());
			home = pw != NULL ? pw->pw_dir : NULL;
		}
		if (home == NULL || home[0] == '\0') {
			mcx_log(MCX_LOG_ERROR,
				"config: no MCXHSM_CONF and no home directory "
				"for the default token directory");
			return CKR_GENERAL_ERROR;
		}
		n = snprintf(buf, sizeof(buf), "%s/.local/share/mcxhsm/tokens",
			     home);
	}
	if (n < 0 || (size_t)n >= sizeof(buf)) {
		mcx_log(MCX_LOG_ERROR, "config: default token directory path "
				       "too long");
		return CKR_GENERAL_ERROR;
	}
	*out = strdup(buf);
	return *out != NULL ? CKR_OK : CKR_HOST_MEMORY;
}

static struct mcx_config *config_new(void)
{
	struct mcx_config *cfg = calloc(1, sizeof(*cfg));

	if (cfg == NULL)
		return NULL;
	cfg->max_pin_failures = 10;
	cfg->log_level = MCX_LOG_ERROR;
	return cfg;
}

void mcx_config_free(struct mcx_config *cfg)
{
	if (cfg == NULL)
		return;
	free(cfg->token_dir);
	free(cfg->log_file);
	free(cfg->path);
	for (size_t i = 0; i < cfg->n_authorised_gms; i++) {
		free(cfg->authorised_gms[i].domain);
		free(cfg->authorised_gms[i].uri);
	}
	free(cfg->authorised_gms);
	free(cfg);
}

static char *trim(char *s)
{
	char *end = NULL;

	while (*s == ' ' || *s == '\t')
		s++;
	end = s + strlen(s);
	while (end > s && (end[-1] == ' ' || end[-1] == '\t' ||
			   end[-1] == '\n' || end[-1] == '\r'))
		*--end = '\0';
	return s;
}

/* One `key = value` line; NULL or a phrase saying what is wrong. */
static const char *parse_line(struct mcx_config *cfg, char *line,
			      const char **key_out)
{
	char *eq = strchr(line, '=');
	char *key = NULL;
	char *value = NULL;
	size_t vlen = 0;

	*key_out = NULL;
	if (eq == NULL)
		return "expected `key = value`";
	*eq = '\0';
	key = trim(line);
	value = trim(eq + 1);
	*key_out = key;
	if (*key == '\0')
		return "missing key";
	vlen = strlen(value);
	if (vlen >= 2 && value[0] == '"' && value[vlen - 1] == '"') {
		value[vlen - 1] = '\0';
		value++;
	}
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (strcmp(key, keys[i].key) == 0)
			return keys[i].parse(cfg, value);
	return "unknown key";
}

/* token_dir and log_file relative to the config file's directory. */
static CK_RV resolve(char **p, const char *conf_path)
{
	const char *slash = strrchr(conf_path, '/');
	char *abs = NULL;
	size_t dlen = 0;

	if (*p == NULL || (*p)[0] == '/' || slash == NULL)
		return CKR_OK;
	dlen = (size_t)(slash - conf_path);
	abs = malloc(dlen + 1 + strlen(*p) + 1);
	if (abs == NULL)
		return CKR_HOST_MEMORY;
	memcpy(abs, conf_path, dlen);
	abs[dlen] = '/';
	strcpy(abs + dlen + 1, *p);
	free(*p);
	*p = abs;
	return CKR_OK;
}

CK_RV mcx_config_load_file(const char *path, struct mcx_config **out)
{
	CK_RV rv = CKR_OK;
	struct mcx_config *cfg = NULL;
	FILE *f = NULL;
	char line[LINE_MAX_LEN];
	unsigned lineno = 0;

	if (path == NULL || out == NULL)
		return CKR_ARGUMENTS_BAD;
	*out = NULL;
	cfg = config_new();
	if (cfg == NULL)
		return CKR_HOST_MEMORY;
	cfg->path = strdup(path);
	if (cfg->path == NULL) {
		rv = CKR_HOST_MEMORY;
		goto out;
	}
	f = fopen(path, "re");
	if (f == NULL) {
		mcx_log(MCX_LOG_ERROR, "config %s: cannot read: %s", path,
			strerror(errno));
		rv = CKR_GENERAL_ERROR;
		goto out;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		const char *key = NULL;
		const char *err = NULL;
		char *l = NULL;

		lineno++;
		if (strchr(line, '\n') == NULL && !feof(f)) {
			mcx_log(MCX_LOG_ERROR, "config %s:%u: line too long",
				path, lineno);
			rv = CKR_GENERAL_ERROR;
			goto out;
		}
		l = trim(line);
		if (*l == '\0' || *l == '#')
			continue;
		err = parse_line(cfg, l, &key);
		if (err != NULL) {
			if (key != NULL && *key != '\0')
				mcx_log(MCX_LOG_ERROR,
					"config %s:%u: key \"%s\": %s", path,
					lineno, key, err);
			else
				mcx_log(MCX_LOG_ERROR, "config %s:%u: %s", path,
					lineno, err);
			rv = strcmp(err, "out of memory") == 0
				 ? CKR_HOST_MEMORY
				 : CKR_GENERAL_ERROR;
			goto out;
		}
	}
	if (ferror(f)) {
		mcx_log(MCX_LOG_ERROR, "config %s: read error", path);
		rv = CKR_GENERAL_ERROR;
		goto out;
	}
	if (cfg->token_dir == NULL)
		rv = default_token_dir(&cfg->token_dir);
	else
		rv = resolve(&cfg->token_dir, path);
	if (rv == CKR_OK)
		rv = resolve(&cfg->log_file, path);
	if (rv != CKR_OK)
		goto out;
	*out = cfg;
	cfg = NULL;
out:
	if (f != NULL)
		fclose(f);
	mcx_config_free(cfg);
	return rv;
}

CK_RV mcx_config_load(struct mcx_config **out)
{
	const char *path = getenv("MCXHSM_CONF");
	struct mcx_config *cfg = NULL;
	CK_RV rv = CKR_OK;

	if (out == NULL)
		return CKR_ARGUMENTS_BAD;
	*out = NULL;
	if (path != NULL && path[0] != '\0')
		return mcx_config_load_file(path, out);
	cfg = config_new();
	if (cfg == NULL)
		return CKR_HOST_MEMORY;
	rv = default_token_dir(&cfg->token_dir);
	if (rv != CKR_OK) {
		mcx_config_free(cfg);
		return rv;
	}
	*out = cfg;
	return CKR_OK;
}

CK_RV mcx_config_apply_log(const struct mcx_config *cfg)
{
	if (cfg == NULL)
		return CKR_ARGUMENTS_BAD;
	if (mcx_log_configure(cfg->log_level, cfg->log_file) != 0) {
		mcx_log(MCX_LOG_ERROR, "config %s: cannot open log_file %s: %s",
			cfg->path ? cfg->path : "(defaults)",
			cfg->log_file ? cfg->log_file : "(stderr)",
			strerror(errno));
		return CKR_GENERAL_ERROR;
	}
	return CKR_OK;
}

CK_RV mcx_config_make_token_dir(const struct mcx_config *cfg)
{
	char buf[PATH_MAX];
	size_t len = 0;

	if (cfg == NULL || cfg->token_dir == NULL)
		return CKR_ARGUMENTS_BAD;
	len = strlen(cfg->token_dir);
	if (len == 0 || len >= sizeof(buf))
		return CKR_GENERAL_ERROR;
	memcpy(buf, cfg->token_dir, len + 1);
	/* mkdir -p, each missing level owner-only */
	for (char *p = buf + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0700) != 0 && errno != EEXIST)
			goto fail;
		*p = '/';
	}
	if (mkdir(buf, 0700) != 0 && errno != EEXIST)
		goto fail;
	return CKR_OK;
fail:
	mcx_log(MCX_LOG_ERROR, "config: cannot create token_dir %s: %s",
		cfg->token_dir, strerror(errno));
	return CKR_GENERAL_ERROR;
}
