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
	char *dump_file;            /* SPEC §8: rewritten after a changing upgrade/downgrade/stamp;
	                             * resolved against dir; NULL when none */
	char *schema_file;          /* SPEC §8: the declared schema (default schema.sql beside
	                             * cmig.yaml), resolved; NULL when the map form was given */
	char *schema_files[3];      /* SPEC §8 `schema_file: {sqlite: F, postgresql: F}`, resolved,
	                             * indexed by cmig_dialect_kind (NULL: that key is absent) */
	unsigned schema_file_line;  /* line of the schema_file key (0: not in the file) */
	unsigned schema_files_line[3]; /* line of each dialect's key in the map */
	char *dev_url;              /* SPEC §8: server for PostgreSQL scratch databases, or NULL */
	/* SPEC §10 (lint) */
	unsigned dialects;          /* `dialects`: bits 1u << CMIG_DIALECT_SQLITE / _POSTGRESQL;
	                             * 0 when not set (lint uses the URL's dialect) */
	unsigned postgresql_version;/* major version lint rules assume; 15 when not set */
	char *pg_lock_timeout;      /* PostgreSQL interval text ("5s", "500ms"); NULL when not set */
	char *url_source;           /* SPEC §1 -v: "--url", "DATABASE_URL", "<cmig.yaml> line N", "default" */
	/* database_url names an unset ${VAR}: the error the commands that connect report
	 * (NULL when none); database_url is then "" */
	char *url_problem, *url_problem_hint, *url_problem_path;
	unsigned url_problem_line;
};

/* What the caller gives beside the file, each winning over it (NULL: not given). */
struct cmig_config_given {
	const char *url;           /* --url or cmig_open_options.url; "" counts as not given */
	const char *env_url;       /* DATABASE_URL; "" counts as not given */
	const char *versions_dir;  /* cmig_open_options.versions_dir, used as given */
	const char *version_table; /* cmig_open_options.version_table */
};

/* path: -c FILE, or NULL for ./cmig.yaml when it exists. required: a missing file is an
 * error (CMIG_ENOTFOUND; when -c was given). given (may be NULL): the values that override
 * the file. YAML errors and values of the wrong type name file:line:column (all of them);
 * unknown keys are warnings; a repeated key is an error; a null or empty value means the
 * default. On failure `out` is released. */
int cmig_config_load(struct cmig_config *out, const char *path, bool required,
                     const struct cmig_config_given *given, cmig_diags *d);
void cmig_config_release(struct cmig_config *c);

#endif
