/*
 * init.c - `cmig init`: create cmig.yaml, versions/ and templates/revision.sql.tmpl. An
 * existing file is never overwritten: it is kept and not reported as created.
 */
#include "init.h"

#include <stdlib.h>
#include <string.h>

#include "fs.h"
#include "newrev.h"


static const char init_config[] =
	"# cmig configuration (man cmig, FILES). Keys: database_url, versions_dir, template,\n"
	"# version_table, version_table_schema, history_table, sqlite_foreign_keys. Values may\n"
	"# use ${VAR} and ${VAR:-default}; --url and DATABASE_URL override database_url.\n"
	"database_url: sqlite:///cmig.db\n"
	"versions_dir: versions\n";

int cmig_project_init(const char *dir, void (*created_cb)(const char *path, void *payload),
                      void *payload, cmig_diags *dp)
{
	char *cfg = NULL, *ver = NULL, *tdir = NULL, *tmpl = NULL;
	int rc;

	if (!dir)
		dir = ".";
	cfg = cmig_path_join(dir, "cmig.yaml");
	ver = cmig_path_join(dir, "versions");
	tdir = cmig_path_join(dir, "templates");
	tmpl = tdir ? cmig_path_join(tdir, "revision.sql.tmpl") : NULL;
	if (!cfg || !ver || !tdir || !tmpl) {
		rc = CMIG_ENOMEM;
		goto done;
	}
	rc = cmig_fs_mkdirs(dir, dp);
	if (!rc) {
		bool had = cmig_fs_is_dir(ver);
		rc = cmig_fs_mkdirs(ver, dp);
		if (!rc && !had && created_cb)
			created_cb(ver, payload);
	}
	if (!rc && !cmig_fs_exists(cfg)) {
		rc = cmig_fs_write_new(cfg, init_config, strlen(init_config), dp);
		if (!rc && created_cb)
			created_cb(cfg, payload);
	}
	if (!rc)
		rc = cmig_fs_mkdirs(tdir, dp);
	if (!rc && !cmig_fs_exists(tmpl)) {
		rc = cmig_fs_write_new(tmpl, cmig_newrev_default_template,
		                       strlen(cmig_newrev_default_template), dp);
		if (!rc && created_cb)
			created_cb(tmpl, payload);
	}
done:
	free(cfg);
	free(ver);
	free(tdir);
	free(tmpl);
	cmig_diags_release(dp);
	return rc;
}
