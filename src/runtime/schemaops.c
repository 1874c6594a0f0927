/*
 * schemaops.c - `cmig dump` and dump_file (see schemaops.h).
 */
#include "schemaops.h"

#include <stdlib.h>
#include <string.h>

#include "dump.h"
#include "fs.h"
#include "schema.h"
#include "session.h"

int cmig_schemaops_dump_backend(cmig_buf *out, struct cmig_backend *be, cmig_diags *d)
{
	struct cmig_schema *s = NULL;
	char *rev = NULL;
	int rc = be->ops->version_read(be, &rev, d);
	if (!rc)
		rc = cmig_backend_schema_read(be, &s, d);
	if (!rc)
		rc = cmig_schema_dump(out, s, rev, d);
	cmig_schema_free(s);
	free(rev);
	return rc;
}

int cmig_schemaops_dump(cmig_buf *out, const struct cmig_runtime *rt, const cmig_run_options *o,
                        cmig_diags *d)
{
	struct cmig_session ss;
	const char *absent = cmig_backend_absent(rt->url);
	int rc;

	/* a read-only open would read a missing database as base: dump refuses it instead.
	 * Outside a project with no URL given, the default URL is rarely what was meant. */
	if (absent)
		return cmig_diag_full(d, CMIG_DIAG_ERROR, CMIG_ENOTFOUND, NULL, NULL, 0, 0, NULL,
		                      rt->config->url_configured || rt->config->path ? NULL :
		                      "No cmig.yaml here: name the database with --url or DATABASE_URL.",
		                      "dump: the %s database %s does not exist",
		                      cmig_backend_for(rt->url, false)->title, absent);
	rc = cmig_session_open(&ss, rt, NULL, o, CMIG_SESSION_READONLY, d);
	if (rc)
		return rc;
	rc = cmig_schemaops_dump_backend(out, ss.be, d);
	cmig_session_close(&ss);
	return rc;
}

void cmig_schemaops_dump_file(const struct cmig_runtime *rt, struct cmig_backend *be,
                              cmig_diags *d)
{
	cmig_diags tmp = CMIG_DIAGS_INIT;
	cmig_buf text = CMIG_BUF_INIT;
	const char *path = rt->config->dump_file;

	if (!rt->write_dump_file || !path || !be)
		return;
	if (cmig_schemaops_dump_backend(&text, be, &tmp) == CMIG_OK)
		cmig_fs_replace(path, text.ptr, text.len, &tmp);
	/* the migration is committed: whatever went wrong here is only a warning */
	for (size_t i = 0; i < tmp.n; i++)
		if (tmp.items[i].severity == CMIG_DIAG_ERROR)
			cmig_diag_warning(d, path, 0, "dump-file", "dump_file not written: %s",
			                  tmp.items[i].message);
	cmig_diags_release(&tmp);
	cmig_buf_release(&text);
}
