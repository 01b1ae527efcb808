/*
 * Wiping secrets.  One function for the whole tree, so that every wipe is
 * one the compiler cannot elide (OPENSSL_cleanse is such a function).
 */
#ifndef MCX_COMMON_WIPE_H
#define MCX_COMMON_WIPE_H

#include <stddef.h>

/* Overwrite len octets at p with zeros; never optimised away. */
void mcx_wipe(void *p, size_t len);

/* Wipe then free a heap buffer of len octets; NULL-safe. */
void mcx_wipe_free(void *p, size_t len);

#endif /* MCX_COMMON_WIPE_H */
