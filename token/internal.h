/*
 * Private state of the PKCS#11 front end (module, slots, sessions, object
 * cache).  Only token/module.c, slot.c, session.c, login.c, object*.c,
 * attr_policy.c, find.c and audit.c include this; the crypto entry points
 * use the accessors of session.h and object.h.
 *
 * All of it is guarded by the module lock (mcx_module_lock()).
 */
#ifndef MCX_TOKEN_INTERNAL_H
#define MCX_TOKEN_INTERNAL_H

#include <mcxhsm/pkcs11-mcx.h>
#include <mcxhsm/pkcs11.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "token/hmap.h"
#include "token/object.h"
#include "token/session.h"
#include "token/store.h"

/* One attribute held in memory. */
struct mcx_attr {
	CK_ATTRIBUTE_TYPE type;
	uint8_t *value; /* malloc'd (NULL when len == 0) */
	size_t len;
	bool secret; /* encrypted at rest; wiped when freed */
};

struct mcx_attrs {
	struct mcx_attr *v;
	size_t n;
};

enum mcx_object_kind { MCX_OBJ_SESSION, MCX_OBJ_TOKEN, MCX_OBJ_AUDIT };

struct mcx_object {
	CK_OBJECT_HANDLE handle;
	struct mcx_slot *slot;
	enum mcx_object_kind kind;
	CK_SESSION_HANDLE owner; /* session objects: the creating session */
	mcx_store_id id;	 /* token objects: row id; audit: seq */
	bool loaded;		 /* attrs valid */
	bool with_secrets;	 /* attrs include decrypted secret values */
	uint64_t generation;	 /* slot generation_epoch when loaded */
	struct mcx_attrs attrs;
	unsigned refs; /* one for the tables while alive + one per get */
	bool dead;     /* removed from the tables */
};

struct mcx_slot {
	CK_SLOT_ID id;
	char *path;		 /* token database */
	struct mcx_store *store; /* NULL until opened (empty slot: no file) */
	bool has_file;
	/* Login state, shared by all sessions of this process (§5.6). */
	CK_USER_TYPE user;
	struct mcx_master_key key;
	bool have_key;
	/* Object cache: handles of this slot's token objects by row id. */
	struct mcx_hmap by_store_id;
	struct mcx_hmap audit_by_seq;
	uint64_t generation;	   /* last mcx_store_generation seen */
	uint64_t generation_epoch; /* bumped when it moved */
	bool generation_valid;
	/* mcx_g.lock_serial when the generation was last read: a lookup
	 * under the same hold of the module lock skips the read */
	uint64_t generation_checked;
	/* A C_Login, C_InitToken, C_InitPIN or C_SetPIN is running its PIN
	 * KDF without the module lock (one at a time per token; login.c);
	 * init_busy: it is C_InitToken (C_OpenSession waits for it). */
	bool login_busy;
	CK_USER_TYPE login_busy_user;
	bool init_busy;
};

struct mcx_op {
	bool active;
	bool needs_context_login;
	CK_MECHANISM_TYPE mechanism;
	void *ctx;
	void (*free_ctx)(void *ctx);
};

struct mcx_find {
	bool active;
	CK_ATTRIBUTE *tmpl; /* deep copy */
	CK_ULONG n;
	CK_OBJECT_HANDLE *handles; /* session objects, already matched */
	size_t count, pos;
	/* token objects (store row ids) or audit records (seq numbers),
	 * loaded and matched as C_FindObjects reaches them */
	mcx_store_id *ids;
	size_t nids, ipos;
	bool audit;
};

struct mcx_session {
	CK_SESSION_HANDLE handle;
	struct mcx_slot *slot;
	CK_FLAGS flags;
	struct mcx_op ops[MCX_OP_COUNT];
	struct mcx_find find;
	/* it created session objects: closing it must look for them (a scan
	 * of the handle table, skipped for the usual session that made
	 * none) */
	bool made_objects;
	/* calls of this session running without the module lock
	 * (mcx_session_unlock_begin); closing it waits for them */
	unsigned unlocked;
};

struct mcx_module {
	bool initialized;
	struct mcx_slot **slots;
	size_t nslots;
	struct mcx_session **sessions; /* by index; NULL = free */
	size_t nsessions;
	uint64_t session_serial;
	struct mcx_hmap objects; /* handle -> struct mcx_object * */
	/* the session objects alone (handle -> object), so that a find or a
	 * session close walks them, not every cached token object */
	struct mcx_hmap session_objects;
	CK_OBJECT_HANDLE next_handle;
	char *token_dir;
	/* Calls running without the module lock (PIN KDF); C_Finalize waits
	 * for them. */
	unsigned busy;
	uint32_t max_failures;
	bool sync_full; /* config `sync = full` (slot.c opens stores so) */
	/* the slot whose store has an open transaction (mcx_store_txn_begin)
	 * holding an object change until its audit record joins it
	 * (object_create.c, audit.c); committed before the module lock is
	 * released at the latest */
	struct mcx_slot *txn_slot;
	/* Bumped whenever a thread takes the module lock (an entry point
	 * starting, or a call coming back from mcx_session_unlock_begin or a
	 * wait): the store generation is read at most once per value, i.e.
	 * once per entry-point call and slot (object.c). */
	uint64_t lock_serial;
};

extern struct mcx_module mcx_g;

/* module.c: the lock and the initialised check. */
void mcx_module_lock(void);
void mcx_module_unlock(void);
/* Wait on / wake the module's condition variable (lock held). */
void mcx_module_wait_locked(void);
void mcx_module_signal_locked(void);
/* Lock and check that C_Initialize ran in this process: CKR_OK with the
 * lock held, or CKR_CRYPTOKI_NOT_INITIALIZED without it. */
CK_RV mcx_module_enter(void);

/* core.c: C_GetInfo of the 2.40 function list (cryptokiVersion 2.40). */
CK_RV mcx_core_get_info_240(CK_INFO_PTR pInfo);

/* slot.c */
CK_RV mcx_slot_scan_locked(void);
struct mcx_slot *mcx_slot_find_locked(CK_SLOT_ID id);
CK_RV mcx_slot_open_store_locked(struct mcx_slot *slot);
void mcx_slot_free_all_locked(void);
CK_RV mcx_slot_config_locked(void);
/* Forget the login (wipes the key, drops cached secrets). */
void mcx_slot_logout_locked(struct mcx_slot *slot);
/* CKR_PIN_LEN_RANGE unless 4 <= len <= 255. */
CK_RV mcx_slot_check_pin_len(CK_ULONG len);

/* login.c: around a PIN KDF.  begin (lock held) marks the slot busy and
 * releases the module lock; end takes it again and wakes the waiters. */
void mcx_login_busy_begin_locked(struct mcx_slot *slot, CK_USER_TYPE who);
void mcx_login_busy_end(struct mcx_slot *slot);

/* session.c */
void mcx_find_clear(struct mcx_find *f);
CK_RV mcx_session_lookup_locked(CK_SESSION_HANDLE h, struct mcx_session **out);

/* object.c: the cache */
struct mcx_object *mcx_object_new_locked(struct mcx_slot *slot,
					 enum mcx_object_kind kind);
void mcx_object_unlink_locked(struct mcx_object *obj);
void mcx_object_destroy_session_objects_locked(CK_SESSION_HANDLE owner);
void mcx_object_forget_slot_locked(struct mcx_slot *slot);
void mcx_object_drop_secrets_locked(struct mcx_slot *slot);
/* Revalidate the slot's cache against the store generation. */
void mcx_object_revalidate_locked(struct mcx_slot *slot);
/* Make sure obj->attrs is loaded (with secrets if the key is there and
 * want_secrets).  CKR_OBJECT_HANDLE_INVALID if the row is gone. */
CK_RV mcx_object_load_locked(struct mcx_object *obj, bool want_secrets);
/* The token object for a store row, made on first sight. */
struct mcx_object *mcx_object_for_store_id_locked(struct mcx_slot *slot,
						  mcx_store_id id);
bool mcx_object_visible(const struct mcx_session *s, struct mcx_object *obj);
const struct mcx_attr *mcx_attrs_find(const struct mcx_attrs *a,
				      CK_ATTRIBUTE_TYPE type);
void mcx_attrs_clear(struct mcx_attrs *a);
CK_RV mcx_attrs_set(struct mcx_attrs *a, CK_ATTRIBUTE_TYPE type,
		    const void *value, size_t len, bool secret);
bool mcx_object_matches(struct mcx_object *obj, const CK_ATTRIBUTE *tmpl,
			CK_ULONG n);

/* attr_build.c */
/* The attributes of a new object from a key spec (C_CreateObject: no
 * implied attributes, origin CREATED), policy applied; *cls_out = class. */
CK_RV mcx_attr_build(struct mcx_session *s, const struct mcx_key_spec *k,
		     struct mcx_attrs *out, CK_OBJECT_CLASS *cls_out);
/* A caller's template: NULL values with a length, oversized values,
 * duplicates with different values. */
CK_RV mcx_attr_check_template(const CK_ATTRIBUTE *t, CK_ULONG n);
/* 32 random lowercase hex digits + NUL, for CKA_UNIQUE_ID. */
CK_RV mcx_attr_new_unique_id(char out[33]);

/* object_create.c */
/* Validate one application-supplied attribute: creation (old == NULL) or
 * a change of an existing object (copy: C_CopyObject, set:
 * C_SetAttributeValue), latching and SO-only rules included. */
CK_RV mcx_policy_check_change(CK_OBJECT_CLASS cls, CK_KEY_TYPE kt,
			      const CK_ATTRIBUTE *t,
			      const struct mcx_attrs *old, bool copy, bool set,
			      CK_USER_TYPE user);
/* Write a token object's attributes: insert (new row id in *new_id) or
 * replace row id; keeps the cache generation when nobody else wrote. */
CK_RV mcx_object_store_attrs_locked(struct mcx_slot *slot, mcx_store_id id,
				    const struct mcx_attrs *a, bool insert,
				    mcx_store_id *new_id);
/* Store an attribute from a template (nested templates encoded). */
CK_RV mcx_object_set_from_template(struct mcx_attrs *a, CK_OBJECT_CLASS cls,
				   CK_KEY_TYPE kt, const CK_ATTRIBUTE *t);

/* audit.c: append a record to slot's log as user (MCX_USER_NONE when nobody
 * is logged in); obj may be NULL.  Commits the object change waiting for
 * it (mcx_audit_txn_open_locked): returns that commit's CKR. */
CK_RV mcx_audit_slot_locked(struct mcx_slot *slot, CK_USER_TYPE user,
			    const char *function, CK_MECHANISM_TYPE mechanism,
			    struct mcx_object *obj, CK_RV rv);
struct mcx_object *mcx_audit_object_locked(struct mcx_slot *slot, uint64_t seq);
/* Open the transaction that makes a change of slot's objects and its
 * audit record one commit (no-op if open); mcx_audit_slot_locked and
 * mcx_audit_commit_locked commit it. */
CK_RV mcx_audit_txn_open_locked(struct mcx_slot *slot);
/* Commit the open transaction, if any: CKR_OK, or the store's error
 * (everything since mcx_audit_txn_open_locked is then undone). */
CK_RV mcx_audit_commit_locked(void);
CK_RV mcx_audit_load_locked(struct mcx_object *obj);

#endif /* MCX_TOKEN_INTERNAL_H */
