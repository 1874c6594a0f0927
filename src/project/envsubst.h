/*
 * envsubst.h - `${NAME}` and `${NAME:-default}` in cmig.yaml values (SPEC §1).
 */
#ifndef CMIG_PROJECT_ENVSUBST_H
#define CMIG_PROJECT_ENVSUBST_H

#include <stddef.h>

/* What went wrong, when cmig_envsubst does not return 0. */
enum { CMIG_ENVSUBST_OK = 0, CMIG_ENVSUBST_UNSET = 1, CMIG_ENVSUBST_NOMEM = 2 };

/* Expand value into *out (malloc'd; the caller frees). NAME is [A-Za-z_][A-Za-z0-9_]*; `:-`
 * takes the literal default when NAME is unset or empty; `$$` is `$`; any other `$` is a
 * literal `$` (so existing passwords keep working), as is a `${` that is not a well-formed
 * reference. getenv_fn looks a name up (getenv when NULL). On CMIG_ENVSUBST_UNSET, *out is
 * NULL and unset (size unset_len) receives the first unset name without a default. */
int cmig_envsubst(char **out, const char *value, char *unset, size_t unset_len,
                  const char *(*getenv_fn)(const char *name));

#endif
