/*
 * The PKCS#11 module behind the provider: loaded with dlopen() on first
 * use (not when OpenSSL loads the provider, so that `openssl list` or a
 * process that never uses our algorithms does not start the token),
 * initialised with OS locking, and initialised again in a forked child
 * (PKCS#11 3.0 §5.4: a child must call C_Initialize; handles of the parent
 * are meaningless there, hence the generation counter).
 *
 * Sessions come from a small pool per slot.  Login is per application and
 * slot (PKCS#11 §5.6): the first session of a slot with a known PIN logs
 * in, and again in a child after fork.  The PIN is kept for that and wiped
 * when the provider is unloaded.
 */
#include "config.h"

#include <dlfcn.h>
#include <errno.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "provider/internal.h"

#define POOL_MAX  16
#define SLOTS_MAX 16
#define PIN_MAX	  256

struct pooled {
	CK_SLOT_ID slot;
	CK_SESSION_HANDLE s;
};

struct slot_login {
	CK_SLOT_ID slot;
	char pin[PIN_MAX];
	size_t pin_len;
	bool have_pin;
	bool logged_in;
};

/* Forks of this process (pthread_atfork child handler; glibc removes the
 * handler when the provider is unloaded): cheaper than getpid() on every
 * call, which is a system call. */
static _Atomic unsigned forks;
static pthread_once_t atfork_once = PTHREAD_ONCE_INIT;

static void on_fork_child(void)
{
	atomic_fetch_add(&forks, 1);
}

static void register_atfork(void)
{
	pthread_atfork(NULL, NULL, on_fork_child);
}

struct mcx_p11 {
	pthread_mutex_t lock;
	_Atomic unsigned lock_forks; /* the process the mutex belongs to */
	char *path, *pin_source;
	FILE *debug;
	void *dl;
	CK_FUNCTION_LIST *f;
	unsigned init_forks; /* the process that initialised the module */
	bool we_initialised; /* C_Finalize is ours to call */
	unsigned gen;	     /* bumped when old handles become invalid */
	struct pooled pool[POOL_MAX];
	size_t npool;
	struct slot_login slots[SLOTS_MAX];
	size_t nslots;
	CK_MECHANISM_TYPE *mechs;
	size_t nmechs;
	unsigned mechs_gen; /* gen + 1 when mechs is current */
};

void mcx_p11_debug(struct mcx_p11 *p, const char *fmt, ...)
{
	if (p == NULL || p->debug == NULL)
		return;
	va_list ap;
	va_start(ap, fmt);
	fprintf(p->debug, "mcxhsm-provider[%ld]: ", (long)getpid());
	vfprintf(p->debug, fmt, ap);
	fputc('\n', p->debug);
	fflush(p->debug);
	va_end(ap);
}

/* In a forked child the mutex may have been held by a thread that does not
 * exist here: the first caller in the child makes a fresh one. */
static void lock(struct mcx_p11 *p)
{
	unsigned me = atomic_load(&forks);
	unsigned was = atomic_load(&p->lock_forks);
	if (was != me &&
	    atomic_compare_exchange_strong(&p->lock_forks, &was, me))
		pthread_mutex_init(&p->lock, NULL);
	pthread_mutex_lock(&p->lock);
}

static void unlock(struct mcx_p11 *p)
{
	pthread_mutex_unlock(&p->lock);
}

struct mcx_p11 *mcx_p11_new(const char *path, const char *pin_source,
			    const char *debug)
{
	struct mcx_p11 *p = calloc(1, sizeof(*p));
	if (p == NULL)
		return NULL;
	pthread_once(&atfork_once, register_atfork);
	pthread_mutex_init(&p->lock, NULL);
	atomic_store(&p->lock_forks, atomic_load(&forks));
	p->path = strdup(path);
	p->pin_source = pin_source ? strdup(pin_source) : NULL;
	if (p->path == NULL || (pin_source != NULL && p->pin_source == NULL)) {
		mcx_p11_free(p);
		return NULL;
	}
	if (debug != NULL && debug[0] != '\0')
		p->debug =
		    strcmp(debug, "stderr") == 0 ? stderr : fopen(debug, "a");
	return p;
}

static void forget_pins(struct mcx_p11 *p)
{
	OPENSSL_cleanse(p->slots, sizeof(p->slots));
	p->nslots = 0;
}

void mcx_p11_free(struct mcx_p11 *p)
{
	if (p == NULL)
		return;
	if (p->f != NULL && p->init_forks == atomic_load(&forks)) {
		for (size_t i = 0; i < p->npool; i++)
			p->f->C_CloseSession(p->pool[i].s);
		if (p->we_initialised)
			p->f->C_Finalize(NULL);
	}
	if (p->dl != NULL)
		dlclose(p->dl);
	forget_pins(p);
	if (p->debug != NULL && p->debug != stderr)
		fclose(p->debug);
	free(p->mechs);
	free(p->path);
	free(p->pin_source);
	pthread_mutex_destroy(&p->lock);
	free(p);
}

static CK_RV initialise_locked(struct mcx_p11 *p)
{
	CK_C_INITIALIZE_ARGS args;
	memset(&args, 0, sizeof(args));
	args.flags = CKF_OS_LOCKING_OK;
	CK_RV rv = p->f->C_Initialize(&args);
	if (rv == CKR_CRYPTOKI_ALREADY_INITIALIZED) {
		/* the application uses the module itself: share it, and
		 * leave C_Finalize to it */
		p->we_initialised = false;
		rv = CKR_OK;
	} else if (rv == CKR_OK) {
		p->we_initialised = true;
	}
	if (rv == CKR_OK)
		p->init_forks = atomic_load(&forks);
	mcx_p11_debug(p, "C_Initialize(%s) = 0x%lx", p->path,
		      (unsigned long)rv);
	return rv;
}

static CK_RV load_locked(struct mcx_p11 *p)
{
	CK_C_GetFunctionList gfl = NULL;
	p->dl = dlopen(p->path, RTLD_NOW | RTLD_LOCAL);
	if (p->dl == NULL) {
		mcx_p11_debug(p, "dlopen(%s): %s", p->path, dlerror());
		return CKR_GENERAL_ERROR;
	}
	*(void **)&gfl = dlsym(p->dl, "C_GetFunctionList");
	if (gfl == NULL || gfl(&p->f) != CKR_OK || p->f == NULL) {
		mcx_p11_debug(p, "%s: no C_GetFunctionList", p->path);
		p->f = NULL;
		dlclose(p->dl);
		p->dl = NULL;
		return CKR_GENERAL_ERROR;
	}
	CK_RV rv = initialise_locked(p);
	if (rv != CKR_OK) {
		p->f = NULL;
		dlclose(p->dl);
		p->dl = NULL;
	}
	return rv;
}

CK_RV mcx_p11_get(struct mcx_p11 *p, CK_FUNCTION_LIST **f, unsigned *gen)
{
	CK_RV rv = CKR_OK;
	lock(p);
	if (p->f == NULL) {
		rv = load_locked(p);
		p->gen++;
	} else if (p->init_forks != atomic_load(&forks)) {
		/* a forked child: the parent's sessions, login and handles
		 * are not ours; start the module again */
		p->npool = 0;
		for (size_t i = 0; i < p->nslots; i++)
			p->slots[i].logged_in = false;
		p->gen++;
		rv = initialise_locked(p);
	}
	if (rv == CKR_OK) {
		*f = p->f;
		if (gen != NULL)
			*gen = p->gen;
	}
	unlock(p);
	return rv;
}

static CK_RV mechanisms_locked(struct mcx_p11 *p)
{
	CK_SLOT_ID slots[SLOTS_MAX];
	CK_ULONG ns = SLOTS_MAX;
	CK_RV rv = p->f->C_GetSlotList(CK_TRUE, slots, &ns);
	if (rv != CKR_OK)
		return rv;
	free(p->mechs);
	p->mechs = NULL;
	p->nmechs = 0;
	for (CK_ULONG i = 0; i < ns; i++) {
		CK_ULONG n = 0;
		if (p->f->C_GetMechanismList(slots[i], NULL, &n) != CKR_OK ||
		    n == 0)
			continue;
		CK_MECHANISM_TYPE *m =
		    realloc(p->mechs, (p->nmechs + n) * sizeof(*m));
		if (m == NULL)
			return CKR_HOST_MEMORY;
		p->mechs = m;
		if (p->f->C_GetMechanismList(slots[i], m + p->nmechs, &n) ==
		    CKR_OK)
			p->nmechs += n;
	}
	p->mechs_gen = p->gen + 1;
	return CKR_OK;
}

bool mcx_p11_has_mechanism(struct mcx_p11 *p, CK_MECHANISM_TYPE m)
{
	CK_FUNCTION_LIST *f = NULL;
	bool found = false;
	if (mcx_p11_get(p, &f, NULL) != CKR_OK)
		return false;
	lock(p);
	if (p->mechs_gen != p->gen + 1)
		(void)mechanisms_locked(p);
	for (size_t i = 0; i < p->nmechs && !found; i++)
		found = p->mechs[i] == m;
	unlock(p);
	return found;
}

static struct slot_login *slot_locked(struct mcx_p11 *p, CK_SLOT_ID slot,
				      bool create)
{
	for (size_t i = 0; i < p->nslots; i++)
		if (p->slots[i].slot == slot)
			return &p->slots[i];
	if (!create || p->nslots == SLOTS_MAX)
		return NULL;
	struct slot_login *l = &p->slots[p->nslots++];
	memset(l, 0, sizeof(*l));
	l->slot = slot;
	return l;
}

CK_RV mcx_p11_read_pin_source(const char *src, char *out, size_t out_size,
			      size_t *len)
{
	if (src == NULL || strncmp(src, "file:", 5) != 0 || out_size < 2)
		return CKR_ARGUMENTS_BAD;
	const char *path = src + 5;
	/* file:///path and file:/path (RFC 8089) as well as file:path */
	if (strncmp(path, "//", 2) == 0)
		path += 2;
	FILE *fp = fopen(path, "r");
	if (fp == NULL)
		return CKR_ARGUMENTS_BAD;
	size_t n = fread(out, 1, out_size - 1, fp);
	bool more = fgetc(fp) != EOF;
	fclose(fp);
	while (n > 0 && (out[n - 1] == '\n' || out[n - 1] == '\r'))
		n--;
	out[n] = '\0';
	if (more && n == out_size - 1) {
		OPENSSL_cleanse(out, out_size);
		return CKR_PIN_LEN_RANGE;
	}
	*len = n;
	return CKR_OK;
}

/* C_Login on s with the slot's PIN when it has one and is not logged in. */
static CK_RV ensure_login(struct mcx_p11 *p, CK_SLOT_ID slot,
			  CK_SESSION_HANDLE s)
{
	char pin[PIN_MAX];
	size_t len = 0;
	bool need = false;
	lock(p);
	struct slot_login *l = slot_locked(p, slot, false);
	if (l != NULL && l->have_pin && !l->logged_in) {
		memcpy(pin, l->pin, l->pin_len);
		len = l->pin_len;
		need = true;
	}
	CK_FUNCTION_LIST *f = p->f;
	unlock(p);
	if (!need)
		return CKR_OK;
	CK_RV rv = f->C_Login(s, CKU_USER, (CK_UTF8CHAR_PTR)pin, len);
	OPENSSL_cleanse(pin, sizeof(pin));
	mcx_p11_debug(p, "C_Login(slot %lu) = 0x%lx", (unsigned long)slot,
		      (unsigned long)rv);
	if (rv == CKR_USER_ALREADY_LOGGED_IN)
		rv = CKR_OK;
	lock(p);
	l = slot_locked(p, slot, false);
	if (l != NULL) {
		if (rv == CKR_OK)
			l->logged_in = true;
		else if (rv == CKR_PIN_INCORRECT || rv == CKR_PIN_LOCKED ||
			 rv == CKR_PIN_LEN_RANGE) {
			/* never retry a wrong PIN: it would lock the token */
			OPENSSL_cleanse(l->pin, sizeof(l->pin));
			l->have_pin = false;
		}
	}
	unlock(p);
	return rv;
}

CK_RV mcx_p11_login(struct mcx_p11 *p, CK_SLOT_ID slot, const char *pin,
		    size_t pin_len)
{
	char buf[PIN_MAX];
	size_t len = 0;
	CK_RV rv = CKR_OK;
	CK_SESSION_HANDLE s = CK_INVALID_HANDLE;

	if (pin != NULL) {
		if (pin_len >= sizeof(buf))
			return CKR_PIN_LEN_RANGE;
		memcpy(buf, pin, pin_len);
		len = pin_len;
	} else if (p->pin_source != NULL) {
		rv = mcx_p11_read_pin_source(p->pin_source, buf, sizeof(buf),
					     &len);
		if (rv != CKR_OK)
			goto out;
	} else {
		return CKR_OK; /* nothing to log in with */
	}
	lock(p);
	struct slot_login *l = slot_locked(p, slot, true);
	if (l == NULL) {
		unlock(p);
		rv = CKR_HOST_MEMORY;
		goto out;
	}
	if (!l->logged_in || !l->have_pin) {
		memcpy(l->pin, buf, len);
		l->pin_len = len;
		l->have_pin = true;
	}
	unlock(p);
	/* session_get logs in */
	rv = mcx_p11_session_get(p, slot, &s);
	if (rv == CKR_OK)
		mcx_p11_session_put(p, slot, s, rv);
out:
	OPENSSL_cleanse(buf, sizeof(buf));
	return rv;
}

bool mcx_p11_has_pin(struct mcx_p11 *p, CK_SLOT_ID slot)
{
	lock(p);
	struct slot_login *l = slot_locked(p, slot, false);
	bool has = p->pin_source != NULL || (l != NULL && l->have_pin);
	unlock(p);
	return has;
}

CK_RV mcx_p11_session_get(struct mcx_p11 *p, CK_SLOT_ID slot,
			  CK_SESSION_HANDLE *s)
{
	CK_FUNCTION_LIST *f = NULL;
	CK_RV rv = mcx_p11_get(p, &f, NULL);
	if (rv != CKR_OK)
		return rv;
	*s = CK_INVALID_HANDLE;
	lock(p);
	for (size_t i = p->npool; i-- > 0;) {
		if (p->pool[i].slot == slot) {
			*s = p->pool[i].s;
			p->pool[i] = p->pool[--p->npool];
			break;
		}
	}
	unlock(p);
	if (*s == CK_INVALID_HANDLE) {
		rv = f->C_OpenSession(slot, CKF_SERIAL_SESSION | CKF_RW_SESSION,
				      NULL, NULL, s);
		if (rv != CKR_OK)
			return rv;
	}
	rv = ensure_login(p, slot, *s);
	if (rv != CKR_OK) {
		f->C_CloseSession(*s);
		*s = CK_INVALID_HANDLE;
	}
	return rv;
}

void mcx_p11_session_put(struct mcx_p11 *p, CK_SLOT_ID slot,
			 CK_SESSION_HANDLE s, CK_RV last_rv)
{
	if (s == CK_INVALID_HANDLE)
		return;
	bool keep = last_rv != CKR_SESSION_HANDLE_INVALID &&
		    last_rv != CKR_SESSION_CLOSED &&
		    last_rv != CKR_DEVICE_REMOVED &&
		    last_rv != CKR_TOKEN_NOT_PRESENT &&
		    last_rv != CKR_CRYPTOKI_NOT_INITIALIZED;
	lock(p);
	if (p->init_forks != atomic_load(&forks) || p->f == NULL) {
		unlock(p);
		return; /* a session of the parent */
	}
	if (keep && p->npool < POOL_MAX) {
		p->pool[p->npool].slot = slot;
		p->pool[p->npool].s = s;
		p->npool++;
		s = CK_INVALID_HANDLE;
	}
	if (s != CK_INVALID_HANDLE) {
		/* closing a slot's last session logs the user out (§5.6):
		 * log in again next time (an extra C_Login is harmless) */
		struct slot_login *l = slot_locked(p, slot, false);
		if (l != NULL)
			l->logged_in = false;
	}
	CK_FUNCTION_LIST *f = p->f;
	unlock(p);
	if (s != CK_INVALID_HANDLE)
		f->C_CloseSession(s);
}
