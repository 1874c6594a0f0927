/*
 * config.h - cmig.yaml (libyaml) + DATABASE_URL + flags -> settings (SPEC §1). The
 * precedence rule lives in one function, cmig_config_load.
 */
#ifndef CMIG_PROJECT_CONFIG_H
#define CMIG_PROJECT_CONFIG_H

#include <stdbool.h>

#include "diag.h"

struct cmig_config {
	char *path;                 /* the config file read, NULL when none */
	char *dir;                  /* its directory; "." when none */
	char *database_url;         /* after precedence: flag > env > file > default */
	char *url_base_dir;         /* dir relative sqlite paths resolve against; NULL = cwd */
	bool url_configured;        /* a URL came from flag, env or file (not the default) */
	char *versions_dir;         /* resolved against dir */
	char *template_path;        /* resolved; NULL = built-in template */
	char *version_table;
	char *version_table_schema; /* NULL when none */
	char *history_table;
	bool sqlite_foreign_keys;
	char *url_source;           /* SPEC §1 -v: "--url", "DATABASE_URL", "<cmig.yaml> line N", "default" */
	/* database_url names an unset ${VAR}: the error the commands that connect report
	 * (NULL when none); database_url is then "" */
	char *url_problem, *url_problem_hint, *url_problem_path;
	unsigned url_problem_line;
};

/* path: -c FILE, or NULL for ./cmig.yaml when it exists. required: a missing file is an
 * error (CMIG_ENOTFOUND; when -c was given). url_flag: --url or NULL; env_url: DATABASE_URL
 * or NULL; an empty string counts as not given. YAML errors and values of the wrong type
 * name file:line:column (all of them); unknown keys are warnings; a repeated key is an
 * error; a null or empty value means the default. On failure `out` is released. */
int cmig_config_load(struct cmig_config *out, const char *path, bool required,
                     const char *url_flag, const char *env_url, cmig_diags *d);
void cmig_config_release(struct cmig_config *c);

#endif
