/*
 * envsubst.c - environment references in cmig.yaml values (see envsubst.h).
 *
 * One left-to-right pass; a substituted value is never scanned again (a variable holding
 * "${X}" is that text), so the result does not depend on the order of expansion.
 */
#include "envsubst.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"

static bool name_start(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}

static bool name_char(char c)
{
	return name_start(c) || (c >= '0' && c <= '9');
}

static const char *plain_getenv(const char *name)
{
	return getenv(name);
}

int cmig_envsubst(char **out, const char *value, char *unset, size_t unset_len,
                  const char *(*getenv_fn)(const char *name))
{
	cmig_buf b = CMIG_BUF_INIT;
	const char *p = value;
	int rc = CMIG_ENVSUBST_OK;

	*out = NULL;
	if (!getenv_fn)
		getenv_fn = plain_getenv;
	while (*p && rc == CMIG_ENVSUBST_OK) {
		const char *name, *end, *def = NULL, *close;
		size_t nlen;
		char *n;
		const char *v;

		if (p[0] != '$') {
			size_t run = strcspn(p, "$");
			if (cmig_buf_add(&b, p, run) != 0)
				rc = CMIG_ENVSUBST_NOMEM;
			p += run;
			continue;
		}
		if (p[1] == '$') { /* `$$` is `$` */
			if (cmig_buf_putc(&b, '$') != 0)
				rc = CMIG_ENVSUBST_NOMEM;
			p += 2;
			continue;
		}
		name = p + 2;
		end = name;
		if (p[1] == '{' && name_start(*end))
			while (name_char(*end))
				end++;
		nlen = (size_t)(end - name);
		if (nlen && end[0] == ':' && end[1] == '-') {
			def = end + 2;
			close = strchr(def, '}');
		} else {
			close = nlen && *end == '}' ? end : NULL;
		}
		if (!close) { /* not a reference: a literal `$` */
			if (cmig_buf_putc(&b, '$') != 0)
				rc = CMIG_ENVSUBST_NOMEM;
			p++;
			continue;
		}
		if (!(n = malloc(nlen + 1))) {
			rc = CMIG_ENVSUBST_NOMEM;
			break;
		}
		memcpy(n, name, nlen);
		n[nlen] = '\0';
		v = getenv_fn(n);
		if (def && (!v || !*v)) {
			if (cmig_buf_add(&b, def, (size_t)(close - def)) != 0)
				rc = CMIG_ENVSUBST_NOMEM;
		} else if (!v) {
			if (unset && unset_len) {
				strncpy(unset, n, unset_len - 1);
				unset[unset_len - 1] = '\0';
			}
			rc = CMIG_ENVSUBST_UNSET;
		} else if (cmig_buf_puts(&b, v) != 0) {
			rc = CMIG_ENVSUBST_NOMEM;
		}
		free(n);
		p = close + 1;
	}
	if (rc == CMIG_ENVSUBST_OK && !(*out = cmig_buf_detach(&b)))
		rc = CMIG_ENVSUBST_NOMEM;
	cmig_buf_release(&b);
	return rc;
}
