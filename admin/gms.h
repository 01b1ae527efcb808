/*
 * What admin/gms_cmd.c (the commands, sending) and admin/gms_group.c (the
 * group state in the token) share.
 */
#ifndef MCX_ADMIN_GMS_H
#define MCX_ADMIN_GMS_H

#include "admin/internal.h"

struct json_object;

/* One member: its MC service ID URI and, when it is certified by another
 * KMS than the GMS's, that KMS's URI. */
struct member {
	char *uri;
	char *kms; /* NULL: the sender's own KMS */
};

struct members {
	struct member *m;
	size_t n;
};

void mcx_gms_group_members_free(struct members *ms);
bool mcx_gms_group_members_has(const struct members *ms, const char *uri);
/* A members FILE: "URI [KMS-URI]" per line, '#' comments; duplicates are
 * kept once; an empty list fails. */
int mcx_gms_group_members_read(const char *path, struct members *ms);
/* The group's stored members (*found = false: none stored). */
int mcx_gms_group_members_load(struct mcx_admin *ad, CK_SESSION_HANDLE s,
			       const char *group, struct members *ms,
			       bool *found);
/* Store (create or replace) the group's members. */
int mcx_gms_group_members_store(struct mcx_admin *ad, CK_SESSION_HANDLE s,
				const char *group, const struct members *ms);
/* The group's active key "PREFIX:G" (prefix "gmk" or "mkfc"), or
 * CK_INVALID_HANDLE. */
int mcx_gms_group_key(struct mcx_admin *ad, CK_SESSION_HANDLE s,
		      const char *prefix, const char *group,
		      CK_OBJECT_HANDLE *h);
/* A new GMK for group (and an MKFC when fc; no key when !keys) in the
 * token; stores ms when not empty; adds group_id, gmk_id,
 * gmk_check_value, mkfc_id, mkfc_check_value, members to report. */
int mcx_gms_group_create(struct mcx_admin *ad, CK_SESSION_HANDLE s,
			 const char *group, const struct members *ms, bool fc,
			 bool keys, struct json_object *report);
/* Mark the group key h revoked (CKS_MCX_REVOKED) and relabel it. */
int mcx_gms_group_revoke(struct mcx_admin *ad, CK_SESSION_HANDLE s,
			 CK_OBJECT_HANDLE h, const char *prefix,
			 const char *group);

#endif /* MCX_ADMIN_GMS_H */
