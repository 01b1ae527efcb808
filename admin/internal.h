/*
 * mcxhsm admin tool: what its files share.  The tool is a plain PKCS#11
 * client of the module (it dlopens it, like pkcs11-tool), so it includes
 * only the public headers, never token internals.
 *
 *   main.c       global options, the GROUP COMMAND dispatch table, usage
 *   p11.c        loading the module, slots, sessions, login, attributes
 *   pin.c        PINs from a file, the environment or a no-echo prompt
 *   names.c      CKR/CKO/CKK/CKM/purpose names and hints for messages
 *   json.c       JSON output through json-c
 *   token_cmd.c  token init | info | set-pin | init-pin
 *   key_cmd.c    key list | delete
 *   audit_cmd.c  audit show | verify
 *   trk_cmd.c    trk import | generate (TrK, InK)
 *   kms_cmd*.c   kms import | create | certificate | issue (admin/kms_cmd.h)
 *   mikey_inspect.c  mikey inspect (no token), I_MESSAGE file read/write
 *   mikey_cmd.c  mikey send | receive
 *   gms_cmd.c    gms create-group | distribute | revoke | regroup | forward
 */
#ifndef MCX_ADMIN_INTERNAL_H
#define MCX_ADMIN_INTERNAL_H

#include <mcxhsm/pkcs11-mcx.h>
#include <mcxhsm/pkcs11.h>
#include <stdbool.h>
#include <stddef.h>

/* Exit codes (wg-style): 0 ok, 1 failure (one message on stderr), 2 usage. */
enum { MCX_EXIT_OK = 0, MCX_EXIT_FAIL = 1, MCX_EXIT_USAGE = 2 };

/* The loaded module. */
struct mcx_p11 {
	void *dl;
	CK_FUNCTION_LIST_PTR f;
	bool initialized;
};

/* Options every command understands, and the module once loaded. */
struct mcx_admin {
	const char *module_path;
	const char *token_label;
	const char *pin_file;
	const char *so_pin_file;
	struct mcx_p11 p11;
};

/* ---- main.c ------------------------------------------------------------ */
/* Print "mcxhsm: <fmt>" and a newline on stderr; returns MCX_EXIT_FAIL. */
int mcx_main_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Print the usage of one command (or all) on stderr; returns MCX_EXIT_USAGE. */
int mcx_main_usage(const char *group, const char *command);
/* Long options shared by every command (--module, --token, --pin-file, ...)
 * so they may follow the command too; returns true when opt was one. */
bool mcx_main_common_opt(struct mcx_admin *ad, int opt, const char *arg);
/* clang-format off */
#define MCX_COMMON_LONGOPTS                                 \
	{"module", required_argument, NULL, 0x100},         \
	{"token", required_argument, NULL, 0x101},          \
	{"pin-file", required_argument, NULL, 0x102},       \
	{"so-pin-file", required_argument, NULL, 0x103},    \
	{"conf", required_argument, NULL, 0x104}
/* clang-format on */

/* ---- p11.c ------------------------------------------------------------- */
/* "mcxhsm: FN: CKR_NAME (hint)"; returns MCX_EXIT_FAIL. */
int mcx_p11_fail(const char *fn, CK_RV rv);
/* dlopen the module, get its function list (C_GetInterface "PKCS 11", else
 * C_GetFunctionList) and C_Initialize it; prints the failure. */
int mcx_p11_load(struct mcx_admin *ad);
void mcx_p11_unload(struct mcx_admin *ad);
/* The slot of the token labelled ad->token_label, or the only initialised
 * token when no label was given. */
int mcx_p11_find_token(struct mcx_admin *ad, CK_SLOT_ID *slot);
/* Open a session on the token and log in as user_type (CKU_USER or CKU_SO)
 * with the PIN from the options; user_type (CK_ULONG)-1 = no login. */
int mcx_p11_open(struct mcx_admin *ad, CK_SLOT_ID slot, bool rw,
		 CK_USER_TYPE user_type, CK_SESSION_HANDLE *session);
void mcx_p11_close(struct mcx_admin *ad, CK_SESSION_HANDLE session);
/* What most commands do first: mcx_p11_load, mcx_p11_find_token and
 * mcx_p11_open on that slot; *session is CK_INVALID_HANDLE until it is
 * open.  Undo with mcx_p11_end (also after a failure). */
int mcx_p11_start(struct mcx_admin *ad, bool rw, CK_USER_TYPE user_type,
		  CK_SESSION_HANDLE *session);
/* mcx_p11_close, then mcx_p11_unload. */
void mcx_p11_end(struct mcx_admin *ad, CK_SESSION_HANDLE session);
/* All object handles matching tmpl (NULL/0 = all); *handles is malloc'ed. */
int mcx_p11_find(struct mcx_admin *ad, CK_SESSION_HANDLE session,
		 CK_ATTRIBUTE *tmpl, CK_ULONG n, CK_OBJECT_HANDLE **handles,
		 size_t *count);
/* Read the attributes named in tmpl[i].type: each pValue is malloc'ed (and
 * NUL-terminated past ulValueLen for strings) or NULL with ulValueLen =
 * CK_UNAVAILABLE_INFORMATION when the object has no readable value.
 * Callers never name CKA_VALUE or another secret attribute. */
int mcx_p11_get_attrs(struct mcx_admin *ad, CK_SESSION_HANDLE session,
		      CK_OBJECT_HANDLE obj, CK_ATTRIBUTE *tmpl, CK_ULONG n);
void mcx_p11_free_attrs(CK_ATTRIBUTE *tmpl, CK_ULONG n);
/* Helpers over a template filled by mcx_p11_get_attrs. */
const CK_ATTRIBUTE *mcx_p11_attr(const CK_ATTRIBUTE *tmpl, CK_ULONG n,
				 CK_ATTRIBUTE_TYPE type);
bool mcx_p11_attr_ulong(const CK_ATTRIBUTE *tmpl, CK_ULONG n,
			CK_ATTRIBUTE_TYPE type, CK_ULONG *out);
/* Copy a blank-padded PKCS#11 text field into a NUL-terminated string. */
void mcx_p11_padded(char *out, size_t outlen, const CK_UTF8CHAR *in,
		    size_t inlen);

/* ---- pin.c ------------------------------------------------------------- */
#define MCX_PIN_MAX 256
/* Read a PIN: from file when given, else from the environment variable env
 * (when not NULL), else from a no-echo prompt on the terminal.  pin holds
 * MCX_PIN_MAX octets; the caller wipes it. */
int mcx_pin_read(const char *file, const char *env, const char *prompt,
		 char *pin, size_t *len);
/* Prompt twice for a new PIN (or read it from file); same contract. */
int mcx_pin_read_new(const char *file, const char *what, char *pin,
		     size_t *len);

/* ---- names.c ----------------------------------------------------------- */
const char *mcx_names_rv(CK_RV rv);
/* A few words on what went wrong, or NULL. */
const char *mcx_names_rv_hint(CK_RV rv);
const char *mcx_names_class(CK_OBJECT_CLASS cls);
const char *mcx_names_key_type(CK_KEY_TYPE kt);
const char *mcx_names_mechanism(CK_MECHANISM_TYPE mech);
const char *mcx_names_purpose(CK_ULONG purpose);
const char *mcx_names_user_type(CK_ULONG user_type);
/* Formats names unknown to the tables as 0x%08lx into a static buffer. */
const char *mcx_names_hex_ulong(CK_ULONG v);

/* ---- json.c ------------------------------------------------------------ */
struct json_object;
void mcx_json_add_string(struct json_object *obj, const char *key,
			 const char *value);
void mcx_json_add_int(struct json_object *obj, const char *key, long long v);
void mcx_json_add_bool(struct json_object *obj, const char *key, bool v);
/* value as lowercase hex; nothing when value is NULL */
void mcx_json_add_hex(struct json_object *obj, const char *key,
		      const CK_BYTE *value, size_t len);
/* Unix time as "YYYY-MM-DDTHH:MM:SSZ". */
void mcx_json_add_time(struct json_object *obj, const char *key,
		       unsigned long long t);
/* Print (pretty) on stdout and free; returns MCX_EXIT_OK or a failure. */
int mcx_json_print(struct json_object *root);

/* Lowercase hex of len octets into out (2 * len + 1 octets). */
void mcx_hex(char *out, const CK_BYTE *in, size_t len);
/* Parse hex into a malloc'ed buffer; false on bad input. */
bool mcx_unhex(const char *hex, CK_BYTE **out, size_t *len);
/* "YYYY-MM-DDTHH:MM:SSZ" into out (21 octets). */
void mcx_time_iso(char *out, size_t outlen, unsigned long long t);

/* ---- commands ---------------------------------------------------------- */
int mcx_token_cmd_init(struct mcx_admin *ad, int argc, char **argv);
int mcx_token_cmd_info(struct mcx_admin *ad, int argc, char **argv);
int mcx_token_cmd_set_pin(struct mcx_admin *ad, int argc, char **argv);
int mcx_token_cmd_init_pin(struct mcx_admin *ad, int argc, char **argv);
int mcx_key_cmd_list(struct mcx_admin *ad, int argc, char **argv);
int mcx_key_cmd_delete(struct mcx_admin *ad, int argc, char **argv);
int mcx_audit_cmd_show(struct mcx_admin *ad, int argc, char **argv);
int mcx_audit_cmd_verify(struct mcx_admin *ad, int argc, char **argv);
/* regroup_cmd.c: regroup new | start | wrap | end | derive (issue 6) */
int mcx_regroup_cmd_new(struct mcx_admin *ad, int argc, char **argv);
int mcx_regroup_cmd_start(struct mcx_admin *ad, int argc, char **argv);
int mcx_regroup_cmd_wrap(struct mcx_admin *ad, int argc, char **argv);
int mcx_regroup_cmd_end(struct mcx_admin *ad, int argc, char **argv);
int mcx_regroup_cmd_derive(struct mcx_admin *ad, int argc, char **argv);
int mcx_trk_cmd_import(struct mcx_admin *ad, int argc, char **argv);
int mcx_trk_cmd_generate(struct mcx_admin *ad, int argc, char **argv);
int mcx_kms_cmd_import(struct mcx_admin *ad, int argc, char **argv);
int mcx_kms_cmd_create(struct mcx_admin *ad, int argc, char **argv);
int mcx_kms_cmd_certificate(struct mcx_admin *ad, int argc, char **argv);
int mcx_kms_cmd_issue(struct mcx_admin *ad, int argc, char **argv);
int mcx_mikey_inspect_cmd(struct mcx_admin *ad, int argc, char **argv);
int mcx_mikey_cmd_send(struct mcx_admin *ad, int argc, char **argv);
int mcx_mikey_cmd_receive(struct mcx_admin *ad, int argc, char **argv);
int mcx_gms_cmd_create_group(struct mcx_admin *ad, int argc, char **argv);
int mcx_gms_cmd_distribute(struct mcx_admin *ad, int argc, char **argv);
int mcx_gms_cmd_revoke(struct mcx_admin *ad, int argc, char **argv);
int mcx_gms_cmd_regroup(struct mcx_admin *ad, int argc, char **argv);
int mcx_gms_cmd_forward(struct mcx_admin *ad, int argc, char **argv);

/* ---- mikey_inspect.c: I_MESSAGE files -------------------------------- */
/* Read a file holding a binary I_MESSAGE or its SDP form "mikey <base64>"
 * (also "a=key-mgmt:mikey <base64>"); *msg is malloc'ed; *sdp (may be
 * NULL) tells which form it was.  Prints the failure. */
int mcx_mikey_inspect_read(const char *path, CK_BYTE **msg, size_t *len,
			   bool *sdp);
/* Write len octets to path (created or truncated); prints the failure. */
int mcx_mikey_inspect_write(const char *path, const CK_BYTE *msg, size_t len);

/* ---- mikey_cmd.c: CKM_MCX_MIKEY_SAKKE through the module (gms_cmd.c) -- */
struct json_object;
/* Unix seconds or "YYYY-MM-DDTHH:MM:SSZ". */
bool mcx_mikey_cmd_parse_time(const char *s, CK_ULONG *out);
/* n group IDs as CKA_MCX_GROUP_IDS ((2-octet length, UTF-8)*); *out
 * malloc'ed, NULL when n = 0. */
int mcx_mikey_cmd_group_ids(char *const *ids, size_t n, CK_BYTE **out,
			    CK_ULONG *len);
/* CKA_MCX_GROUP_IDS as a JSON array of strings. */
struct json_object *mcx_mikey_cmd_groups_json(const CK_BYTE *p, size_t len);
/* The sender's private CKK_MCX_ECCSI key for uri (NULL: the token's only
 * identity) whose key period contains at (else the latest period). */
int mcx_mikey_cmd_find_signer(struct mcx_admin *ad, CK_SESSION_HANDLE s,
			      const char *uri, CK_ULONG at,
			      CK_OBJECT_HANDLE *h);
/* A KMS's public CKK_MCX_SAKKE key (Z_T) by CKA_MCX_KMS_URI. */
int mcx_mikey_cmd_find_kms(struct mcx_admin *ad, CK_SESSION_HANDLE s,
			   const char *kms_uri, CK_OBJECT_HANDLE *h);
/* The CKK_MCX_KEY with this K-ID. */
int mcx_mikey_cmd_find_key(struct mcx_admin *ad, CK_SESSION_HANDLE s,
			   const CK_BYTE kid[4], CK_OBJECT_HANDLE *h);
/* C_WrapKey(CKM_MCX_MIKEY_SAKKE): *msg malloc'ed. */
int mcx_mikey_cmd_wrap(struct mcx_admin *ad, CK_SESSION_HANDLE s,
		       CK_OBJECT_HANDLE signer, CK_OBJECT_HANDLE key,
		       CK_MCX_MIKEY_SEND_PARAMS *p, CK_BYTE **msg,
		       CK_ULONG *len);
/* C_UnwrapKey(CKM_MCX_MIKEY_SAKKE), the token choosing the RSK; the key
 * object is a private token object, labelled label when not NULL,
 * extractable (to be re-sent, partner GMS) when resend. */
int mcx_mikey_cmd_unwrap(struct mcx_admin *ad, CK_SESSION_HANDLE s,
			 CK_BYTE *msg, CK_ULONG len,
			 CK_MCX_MIKEY_RECEIVE_PARAMS *rp, const char *label,
			 bool resend, CK_OBJECT_HANDLE *h);
/* The `mikey receive --json` object of a CKK_MCX_KEY. */
int mcx_mikey_cmd_key_json(struct mcx_admin *ad, CK_SESSION_HANDLE s,
			   CK_OBJECT_HANDLE h, struct json_object **out);
/* Write a message, binary or (sdp) as "mikey <base64>\n". */
int mcx_mikey_cmd_write(const char *path, const CK_BYTE *msg, CK_ULONG len,
			bool sdp);

#endif /* MCX_ADMIN_INTERNAL_H */
