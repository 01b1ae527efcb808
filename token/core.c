/*
 * Module state: C_Initialize / C_Finalize / C_GetInfo and the module lock
 * (see token/session.h for the lock discipline).
 *
 * Fork: C_Initialize in a child whose parent had initialised the module
 * starts clean: the state inherited from the parent is freed without
 * touching its SQLite connections (SQLite forbids using a connection across
 * fork), and the mutex is re-created.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mechanisms/libctx.h"
#include "token/entry.h"
#include "token/internal.h"
#include "token/log.h"

struct mcx_module mcx_g;

static pthread_mutex_t module_mutex = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t module_cond = PTHREAD_COND_INITIALIZER;
/* pid of the process that ran C_Initialize; 0 when not initialised. */
static _Atomic pid_t init_pid;

void mcx_module_lock(void)
{
	pthread_mutex_lock(&module_mutex);
	mcx_g.lock_serial++;
}

void mcx_module_unlock(void)
{
	/* an object change whose entry point did not audit it (none
	 * should) is committed here: no transaction outlives the lock */
	if (mcx_g.txn_slot != NULL)
		(void)mcx_audit_commit_locked();
	pthread_mutex_unlock(&module_mutex);
}

void mcx_module_wait_locked(void)
{
	pthread_cond_wait(&module_cond, &module_mutex);
	/* others ran meanwhile: a new hold of the lock */
	mcx_g.lock_serial++;
}

void mcx_module_signal_locked(void)
{
	pthread_cond_broadcast(&module_cond);
}

CK_RV mcx_module_enter(void)
{
	/* Checked before locking: in a forked child the parent's lock may be
	 * held by a thread that does not exist here. */
	if (atomic_load(&init_pid) != getpid())
		return CKR_CRYPTOKI_NOT_INITIALIZED;
	mcx_module_lock();
	if (!mcx_g.initialized) {
		mcx_module_unlock();
		return CKR_CRYPTOKI_NOT_INITIALIZED;
	}
	return CKR_OK;
}

/* Tear down everything.  In a forked child mcx_store_close() frees the
 * parent's store structures without touching their SQLite connections
 * (token/store.h). */
static void teardown_locked(void)
{
	mcx_session_close_all_locked(NULL);
	mcx_slot_free_all_locked();
	mcx_hmap_free(&mcx_g.objects);
	mcx_hmap_free(&mcx_g.session_objects);
	free(mcx_g.sessions);
	free(mcx_g.token_dir);
	memset(&mcx_g, 0, sizeof(mcx_g));
}

static CK_RV check_init_args(const CK_C_INITIALIZE_ARGS *args)
{
	if (args == NULL)
		return CKR_OK;
	if (args->pReserved != NULL)
		return CKR_ARGUMENTS_BAD;
	int set = (args->CreateMutex != NULL) + (args->DestroyMutex != NULL) +
		  (args->LockMutex != NULL) + (args->UnlockMutex != NULL);
	if (set != 0 && set != 4)
		return CKR_ARGUMENTS_BAD;
	/* Application callbacks without CKF_OS_LOCKING_OK: we can only lock
	 * with the OS primitives (§5.4, C_Initialize case 3). */
	if (set == 4 && !(args->flags & CKF_OS_LOCKING_OK))
		return CKR_CANT_LOCK;
	return CKR_OK;
}

CK_RV mcx_C_Initialize(CK_VOID_PTR pInitArgs)
{
	CK_RV rv = check_init_args(pInitArgs);
	if (rv != CKR_OK)
		return rv;

	pid_t me = getpid();
	pid_t was = atomic_load(&init_pid);
	if (was != 0 && was != me) {
		/* A forked child: the parent's lock state is meaningless. */
		pthread_mutex_init(&module_mutex, NULL);
		pthread_cond_init(&module_cond, NULL);
		mcx_module_lock();
		teardown_locked();
		atomic_store(&init_pid, 0);
	} else {
		mcx_module_lock();
		if (mcx_g.initialized) {
			mcx_module_unlock();
			return CKR_CRYPTOKI_ALREADY_INITIALIZED;
		}
	}

	mcx_g.next_handle = 1;
	rv = mcx_slot_config_locked();
	if (rv == CKR_OK)
		rv = mcx_slot_scan_locked();
	if (rv != CKR_OK) {
		teardown_locked();
		mcx_module_unlock();
		return rv;
	}
	mcx_g.initialized = true;
	atomic_store(&init_pid, me);
	mcx_module_unlock();
	return CKR_OK;
}

CK_RV mcx_C_Finalize(CK_VOID_PTR pReserved)
{
	if (pReserved != NULL)
		return CKR_ARGUMENTS_BAD;
	CK_RV rv = mcx_module_enter();
	if (rv != CKR_OK)
		return rv;
	/* a login's PIN KDF runs unlocked on a slot: let it finish */
	while (mcx_g.busy > 0) {
		mcx_module_wait_locked();
		if (!mcx_g.initialized) {
			mcx_module_unlock();
			return CKR_CRYPTOKI_NOT_INITIALIZED;
		}
	}
	teardown_locked();
	atomic_store(&init_pid, 0);
	mcx_module_unlock();
	mcx_log_reset();
	mcx_libctx_free();
	return CKR_OK;
}

static void pad(CK_UTF8CHAR *dst, size_t len, const char *src)
{
	size_t n = strlen(src);
	memset(dst, ' ', len);
	memcpy(dst, src, n < len ? n : len);
}

static CK_RV get_info(CK_INFO_PTR pInfo, CK_BYTE major, CK_BYTE minor)
{
	CK_RV rv = mcx_module_enter();
	if (rv != CKR_OK)
		return rv;
	mcx_module_unlock();
	if (pInfo == NULL)
		return CKR_ARGUMENTS_BAD;
	memset(pInfo, 0, sizeof(*pInfo));
	pInfo->cryptokiVersion.major = major;
	pInfo->cryptokiVersion.minor = minor;
	pad(pInfo->manufacturerID, sizeof(pInfo->manufacturerID), "mcxhsm");
	pad(pInfo->libraryDescription, sizeof(pInfo->libraryDescription),
	    "mcxhsm MCX software HSM");
	pInfo->libraryVersion.major = 0;
	pInfo->libraryVersion.minor = 1;
	return CKR_OK;
}

/* C_GetInfo of the 3.0 function list. */
CK_RV mcx_C_GetInfo(CK_INFO_PTR pInfo)
{
	return get_info(pInfo, 3, 0);
}

/* C_GetInfo of the 2.40 list: an application that asked for 2.40 sees
 * 2.40. */
CK_RV mcx_core_get_info_240(CK_INFO_PTR pInfo)
{
	return get_info(pInfo, 2, 40);
}
