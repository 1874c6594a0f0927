/*
 * config.c - cmig.yaml, DATABASE_URL and --url -> settings (SPEC §1).
 *
 * The file is one YAML mapping of scalar keys to scalar values (`dialects` takes a list,
 * `schema_file` also a map of dialect to file, SPEC §8), read with libyaml's event
 * parser (no document tree: a config is a dozen lines, and events carry the line and column
 * each diagnostic needs). Syntax errors and values of the wrong type name path:line:column;
 * an unknown key is a warning (a newer cmig's key should not break an older one); a repeated
 * key is an error (YAML forbids it, and which one wins would be a guess). A null or empty
 * value means "not set": the default applies.
 *
 * Precedence lives in cmig_config_load alone: --url > DATABASE_URL > file > default. Relative
 * paths in the file are relative to the file's directory; so is the default sqlite URL when
 * a cmig.yaml was found (url_base_dir), matching where `cmig init` puts things.
 *
 * It does not parse the URL (model/dburl.c) or check that versions_dir exists (scriptdir.c
 * says so with a hint), so `cmig init` and `cmig --help` work without a project.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "buf.h"
#include "envsubst.h"
#include "fs.h"
#include "revfile.h"
#include "text.h"

#define CONFIG_MAX ((size_t)1 << 20) /* a config file is a few lines; refuse a megabyte */
#define DEFAULT_URL "sqlite:///cmig.db"
#define DEFAULT_TEMPLATE "templates/revision.sql.tmpl"

enum key_type { KEY_STRING, KEY_BOOL, KEY_LIST };

/* The keys of SPEC §1, in table order. */
static const struct key_def {
	const char *name;
	enum key_type type;
} keys[] = {
	{ "database_url", KEY_STRING },
	{ "versions_dir", KEY_STRING },
	{ "template", KEY_STRING },
	{ "version_table", KEY_STRING },
	{ "version_table_schema", KEY_STRING },
	{ "history_table", KEY_STRING },
	{ "sqlite_foreign_keys", KEY_BOOL },
	/* SPEC §8 (issue 13) */
	{ "dump_file", KEY_STRING },
	{ "schema_file", KEY_STRING },
	{ "dev_url", KEY_STRING },
	{ "dialects", KEY_LIST },              /* SPEC §10: lint */
	{ "postgresql_version", KEY_STRING },
	{ "pg_lock_timeout", KEY_STRING },
};
#define NKEYS (sizeof(keys) / sizeof(keys[0]))

/* What the file said, before defaults and precedence. */
struct file_values {
	char *value[NKEYS];   /* NULL: not set */
	bool seen[NKEYS];
	int fk;               /* -1 not set, else 0/1 */
	unsigned line[NKEYS]; /* where each value was given */
	/* SPEC §8 schema_file's map form, by cmig_dialect_kind */
	bool smap_given;
	char *smap[3];
	unsigned smap_line[3];
};

/* The index of a key in keys[] (the table is static, so the name is always there). */
static size_t key_index(const char *name)
{
	size_t k;
	for (k = 0; k < NKEYS && strcmp(keys[k].name, name); k++)
		;
	return k;
}

static int yaml_problem(const yaml_parser_t *p, const char *path, cmig_diags *d)
{
	unsigned line, col;

	if (p->error == YAML_MEMORY_ERROR)
		return cmig_diag_error(d, path, 0, CMIG_ENOMEM, NULL, "out of memory reading YAML");
	if (p->error == YAML_READER_ERROR) {
		/* Encoding problems carry a byte offset, not a mark. */
		line = 0;
		col = 0;
		return cmig_diag_full(d, CMIG_DIAG_ERROR, CMIG_ERROR, NULL, path, line, col, NULL, NULL,
		                      "invalid YAML: %s at byte %zu",
		                      p->problem ? p->problem : "unreadable input", p->problem_offset);
	}
	line = (unsigned)p->problem_mark.line + 1;
	col = (unsigned)p->problem_mark.column + 1;
	if (p->context)
		return cmig_diag_full(d, CMIG_DIAG_ERROR, CMIG_ERROR, NULL, path, line, col, NULL, NULL,
		                      "invalid YAML: %s %s (started on line %u)",
		                      p->problem ? p->problem : "syntax error", p->context,
		                      (unsigned)p->context_mark.line + 1);
	return cmig_diag_full(d, CMIG_DIAG_ERROR, CMIG_ERROR, NULL, path, line, col, NULL, NULL,
	                      "invalid YAML: %s", p->problem ? p->problem : "syntax error");
}

static const char *event_what(const yaml_event_t *ev)
{
	switch (ev->type) {
	case YAML_SEQUENCE_START_EVENT:
		return "a list";
	case YAML_MAPPING_START_EVENT:
		return "a mapping";
	case YAML_ALIAS_EVENT:
		return "an alias";
	default:
		return "something else";
	}
}

/* A value of the wrong shape, at its position: line and column are 1-based when printed. */
static int wrong_type(const char *path, const yaml_event_t *ev, const char *key, bool boolean,
                      cmig_diags *d)
{
	unsigned line = (unsigned)ev->start_mark.line + 1, col = (unsigned)ev->start_mark.column + 1;

	if (boolean)
		return cmig_diag_full(d, CMIG_DIAG_ERROR, CMIG_ERROR, NULL, path, line, col, NULL, NULL,
		                      "key \"%s\" must be true or false, not %s", key, event_what(ev));
	return cmig_diag_full(d, CMIG_DIAG_ERROR, CMIG_ERROR, NULL, path, line, col, NULL, NULL,
	                      "key \"%s\" must be a string, not %s", key, event_what(ev));
}

static bool is_null_scalar(const yaml_event_t *ev)
{
	const char *v = (const char *)ev->data.scalar.value;
	if (ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return ev->data.scalar.length == 0;
	return ev->data.scalar.length == 0 || !strcmp(v, "~") || !strcmp(v, "null") ||
	       !strcmp(v, "Null") || !strcmp(v, "NULL");
}

static int parse_bool(int *out, const char *v)
{
	static const char *const yes[] = { "true", "yes", "on" }, *const no[] = { "false", "no", "off" };
	for (size_t i = 0; i < 3; i++) {
		if (cmig_text_ieq(v, yes[i])) {
			*out = 1;
			return 0;
		}
		if (cmig_text_ieq(v, no[i])) {
			*out = 0;
			return 0;
		}
	}
	return -1;
}

/* Skip the rest of a node whose first event ev was (a list or mapping: up to its end). */
static int skip_node(yaml_parser_t *p, const yaml_event_t *ev, const char *path, cmig_diags *d)
{
	int depth = ev->type == YAML_SEQUENCE_START_EVENT || ev->type == YAML_MAPPING_START_EVENT;
	while (depth > 0) {
		yaml_event_t e;
		if (!yaml_parser_parse(p, &e))
			return yaml_problem(p, path, d);
		if (e.type == YAML_SEQUENCE_START_EVENT || e.type == YAML_MAPPING_START_EVENT)
			depth++;
		else if (e.type == YAML_SEQUENCE_END_EVENT || e.type == YAML_MAPPING_END_EVENT)
			depth--;
		yaml_event_delete(&e);
	}
	return CMIG_OK;
}

/* SPEC §8 `schema_file: {sqlite: FILE, postgresql: FILE}`; the mapping's start event is
 * already read. A key other than a dialect, a repeated key, a value that is not a string and
 * an empty map are errors at their line; the map is read to its end either way, so the keys
 * after it are still checked. */
static int read_schema_map(struct file_values *fv, yaml_parser_t *p, unsigned kline,
                           const char *path, cmig_diags *d)
{
	yaml_event_t kev, vev;
	int rc = CMIG_OK, r;
	size_t n = 0;

	fv->smap_given = true;
	for (;;) {
		if (!yaml_parser_parse(p, &kev))
			return yaml_problem(p, path, d);
		if (kev.type == YAML_MAPPING_END_EVENT) {
			yaml_event_delete(&kev);
			break;
		}
		unsigned line = (unsigned)kev.start_mark.line + 1, col = (unsigned)kev.start_mark.column + 1;
		int dia = 0;
		if (kev.type == YAML_SCALAR_EVENT) {
			const char *key = (const char *)kev.data.scalar.value;
			dia = !strcmp(key, "sqlite") ? CMIG_DIALECT_SQLITE
			    : (!strcmp(key, "postgresql") || !strcmp(key, "postgres")) ? CMIG_DIALECT_POSTGRESQL
			    : 0;
			if (!dia)
				rc = cmig_diag_full(d, CMIG_DIAG_ERROR, CMIG_ERROR, NULL, path, line, col, NULL,
				                    NULL, "key \"schema_file\": unknown dialect \"%s\" (expected "
				                    "sqlite or postgresql)", key);
		} else {
			rc = cmig_diag_full(d, CMIG_DIAG_ERROR, CMIG_ERROR, NULL, path, line, col, NULL, NULL,
			                    "key \"schema_file\": its keys must be sqlite or postgresql, "
			                    "not %s", event_what(&kev));
		}
		r = skip_node(p, &kev, path, d);
		yaml_event_delete(&kev);
		if (r)
			return r;
		if (!yaml_parser_parse(p, &vev))
			return yaml_problem(p, path, d);
		if (!dia) {
			/* reported above */
		} else if (fv->smap_line[dia]) {
			rc = cmig_diag_full(d, CMIG_DIAG_ERROR, CMIG_ERROR, NULL, path, line, col, NULL,
			                    NULL, "key \"schema_file\": %s appears twice (lines %u and %u)",
			                    dia == CMIG_DIALECT_SQLITE ? "sqlite" : "postgresql",
			                    fv->smap_line[dia], line);
		} else if (vev.type != YAML_SCALAR_EVENT || is_null_scalar(&vev)) {
			rc = cmig_diag_full(d, CMIG_DIAG_ERROR, CMIG_ERROR, NULL, path, line, col, NULL,
			                    NULL, "key \"schema_file\": %s needs a file name, not %s",
			                    dia == CMIG_DIALECT_SQLITE ? "sqlite" : "postgresql",
			                    vev.type == YAML_SCALAR_EVENT ? "nothing" : event_what(&vev));
		} else {
			fv->smap_line[dia] = line;
			fv->smap[dia] = cmig_strndup((const char *)vev.data.scalar.value,
			                             vev.data.scalar.length);
			if (!fv->smap[dia])
				rc = cmig_diag_error(d, path, 0, CMIG_ENOMEM, NULL, "out of memory");
			n++;
		}
		r = skip_node(p, &vev, path, d);
		yaml_event_delete(&vev);
		if (r)
			return r;
	}
	if (n == 0 && rc == CMIG_OK)
		rc = cmig_diag_full(d, CMIG_DIAG_ERROR, CMIG_ERROR, NULL, path, kline, 0, NULL, NULL,
		                    "key \"schema_file\": the map names no file (expected sqlite: FILE "
		                    "and/or postgresql: FILE)");
	return rc;
}

/* One key: value pair; the key event is already read. */
static int read_pair(struct file_values *fv, yaml_parser_t *p, const yaml_event_t *kev,
                     const char *path, cmig_diags *d)
{
	const char *key = (const char *)kev->data.scalar.value;
	unsigned kline = (unsigned)kev->start_mark.line + 1, kcol = (unsigned)kev->start_mark.column + 1;
	yaml_event_t ev;
	size_t k;
	int rc = CMIG_OK;

	for (k = 0; k < NKEYS; k++)
		if (!strcmp(key, keys[k].name))
			break;
	if (!yaml_parser_parse(p, &ev))
		return yaml_problem(p, path, d);
	if (k == NKEYS) {
		cmig_diag_full(d, CMIG_DIAG_WARNING, CMIG_OK, NULL, path, kline, kcol, NULL, NULL,
		               "unknown key \"%s\" in configuration (ignored)", key);
		/* Skip the value, whatever its shape. */
		int depth = 0;
		for (;;) {
			if (ev.type == YAML_SEQUENCE_START_EVENT || ev.type == YAML_MAPPING_START_EVENT)
				depth++;
			else if (ev.type == YAML_SEQUENCE_END_EVENT || ev.type == YAML_MAPPING_END_EVENT)
				depth--;
			yaml_event_delete(&ev);
			if (depth == 0)
				return CMIG_OK;
			if (!yaml_parser_parse(p, &ev))
				return yaml_problem(p, path, d);
		}
	}
	if (fv->seen[k]) {
		rc = cmig_diag_full(d, CMIG_DIAG_ERROR, CMIG_ERROR, NULL, path, kline, kcol, NULL, NULL,
		                    "key \"%s\" appears twice", key);
	} else if (!strcmp(key, "schema_file") && ev.type == YAML_MAPPING_START_EVENT) {
		fv->seen[k] = true;
		fv->line[k] = kline;
		yaml_event_delete(&ev);
		return read_schema_map(fv, p, kline, path, d);
	} else if (keys[k].type == KEY_LIST && ev.type == YAML_SEQUENCE_START_EVENT) {
		/* a list of plain scalars, kept as one comma-separated value */
		cmig_buf b = CMIG_BUF_INIT;
		fv->seen[k] = true;
		fv->line[k] = kline;
		yaml_event_delete(&ev);
		for (;;) {
			if (!yaml_parser_parse(p, &ev)) {
				cmig_buf_release(&b);
				return yaml_problem(p, path, d);
			}
			if (ev.type == YAML_SEQUENCE_END_EVENT)
				break;
			if (ev.type != YAML_SCALAR_EVENT) {
				rc = wrong_type(path, &ev, key, false, d);
				break;
			}
			if ((b.len && cmig_buf_puts(&b, ",")) ||
			    cmig_buf_add(&b, (const char *)ev.data.scalar.value, ev.data.scalar.length))
				rc = cmig_diag_error(d, path, 0, CMIG_ENOMEM, NULL, "out of memory");
			yaml_event_delete(&ev);
		}
		if (ev.type != YAML_SEQUENCE_END_EVENT) {   /* skip the rest of the list */
			int depth = 1;
			if (ev.type == YAML_SEQUENCE_START_EVENT || ev.type == YAML_MAPPING_START_EVENT)
				depth++;
			yaml_event_delete(&ev);
			while (depth > 0) {
				if (!yaml_parser_parse(p, &ev)) {
					cmig_buf_release(&b);
					return yaml_problem(p, path, d);
				}
				if (ev.type == YAML_SEQUENCE_START_EVENT || ev.type == YAML_MAPPING_START_EVENT)
					depth++;
				else if (ev.type == YAML_SEQUENCE_END_EVENT || ev.type == YAML_MAPPING_END_EVENT)
					depth--;
				yaml_event_delete(&ev);
			}
			cmig_buf_release(&b);
			return rc;
		}
		yaml_event_delete(&ev);
		fv->value[k] = b.ptr ? b.ptr : cmig_strdup("");
		return rc;
	} else if (ev.type != YAML_SCALAR_EVENT) {
		rc = wrong_type(path, &ev, key, keys[k].type == KEY_BOOL, d);
	} else if (is_null_scalar(&ev)) {
		fv->seen[k] = true;
	} else if (keys[k].type == KEY_BOOL) {
		fv->seen[k] = true;
		if (parse_bool(&fv->fk, (const char *)ev.data.scalar.value) != 0)
			rc = cmig_diag_full(d, CMIG_DIAG_ERROR, CMIG_ERROR, NULL, path,
			                    (unsigned)ev.start_mark.line + 1,
			                    (unsigned)ev.start_mark.column + 1, NULL, NULL,
			                    "key \"%s\" must be true or false (yes/no, on/off), not \"%s\"",
			                    key, (const char *)ev.data.scalar.value);
	} else {
		fv->seen[k] = true;
		fv->line[k] = (unsigned)ev.start_mark.line + 1;
		fv->value[k] = cmig_strndup((const char *)ev.data.scalar.value, ev.data.scalar.length);
		if (!fv->value[k])
			rc = cmig_diag_error(d, path, 0, CMIG_ENOMEM, NULL, "out of memory");
	}
	/* A list or mapping value of a known key: skip it to keep going. */
	if (ev.type == YAML_SEQUENCE_START_EVENT || ev.type == YAML_MAPPING_START_EVENT) {
		int depth = 1;
		yaml_event_delete(&ev);
		while (depth > 0) {
			if (!yaml_parser_parse(p, &ev))
				return yaml_problem(p, path, d);
			if (ev.type == YAML_SEQUENCE_START_EVENT || ev.type == YAML_MAPPING_START_EVENT)
				depth++;
			else if (ev.type == YAML_SEQUENCE_END_EVENT || ev.type == YAML_MAPPING_END_EVENT)
				depth--;
			yaml_event_delete(&ev);
		}
		return rc;
	}
	yaml_event_delete(&ev);
	return rc;
}

/* Parse text into fv; every problem found is reported. */
static int read_yaml(struct file_values *fv, const char *text, size_t len, const char *path,
                     cmig_diags *d)
{
	yaml_parser_t p;
	yaml_event_t ev;
	int rc = CMIG_OK, docs = 0;
	bool in_map = false, done = false;

	if (!yaml_parser_initialize(&p))
		return cmig_diag_error(d, path, 0, CMIG_ENOMEM, NULL, "out of memory reading YAML");
	yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
	while (!done) {
		if (!yaml_parser_parse(&p, &ev)) {
			rc = yaml_problem(&p, path, d);
			break;
		}
		switch (ev.type) {
		case YAML_STREAM_END_EVENT:
			done = true;
			break;
		case YAML_DOCUMENT_START_EVENT:
			if (++docs > 1) {
				rc = cmig_diag_full(d, CMIG_DIAG_ERROR, CMIG_ERROR, NULL, path,
				                    (unsigned)ev.start_mark.line + 1,
				                    (unsigned)ev.start_mark.column + 1, NULL, NULL,
				                    "configuration must be a single YAML document");
				done = true;
			}
			break;
		case YAML_MAPPING_START_EVENT:
			if (in_map) {
				rc = cmig_diag_full(d, CMIG_DIAG_ERROR, CMIG_ERROR, NULL, path,
				                    (unsigned)ev.start_mark.line + 1,
				                    (unsigned)ev.start_mark.column + 1, NULL, NULL,
				                    "configuration keys must be plain strings");
				done = true;
			}
			in_map = true;
			break;
		case YAML_MAPPING_END_EVENT:
			in_map = false;
			break;
		case YAML_SCALAR_EVENT:
			if (!in_map) {
				/* An empty document is a null scalar: no settings. */
				if (!is_null_scalar(&ev)) {
					rc = cmig_diag_full(d, CMIG_DIAG_ERROR, CMIG_ERROR, NULL, path,
					                    (unsigned)ev.start_mark.line + 1,
					                    (unsigned)ev.start_mark.column + 1, NULL, NULL,
					                    "configuration must be a mapping of keys to values");
					done = true;
				}
				break;
			}
			{
				int r = read_pair(fv, &p, &ev, path, d);
				if (r != CMIG_OK) {
					/* Wrong-typed values leave the parser in step: keep reporting. A
					 * YAML error does not. */
					if (rc == CMIG_OK)
						rc = r;
					if (p.error != YAML_NO_ERROR)
						done = true;
				}
			}
			break;
		case YAML_SEQUENCE_START_EVENT:
		case YAML_ALIAS_EVENT:
			rc = cmig_diag_full(d, CMIG_DIAG_ERROR, CMIG_ERROR, NULL, path,
			                    (unsigned)ev.start_mark.line + 1,
			                    (unsigned)ev.start_mark.column + 1, NULL, NULL,
			                    in_map ? "configuration keys must be plain strings" :
			                    "configuration must be a mapping of keys to values");
			done = true;
			break;
		default:
			break;
		}
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&p);
	return rc;
}

/* SPEC §10 keys: `dialects` (sqlite, postgresql), `postgresql_version` (a major version),
 * `pg_lock_timeout` (a PostgreSQL duration: digits, an optional unit). Each bad value is an
 * error at its line. */
static int lint_keys(struct cmig_config *out, const struct file_values *fv, const char *path,
                     cmig_diags *d)
{
	size_t kd = key_index("dialects"), kv = key_index("postgresql_version"),
	       kt = key_index("pg_lock_timeout");
	int rc = CMIG_OK;
	out->postgresql_version = 15;
	if (fv->value[kd]) {
		const char *p = fv->value[kd];
		while (*p) {
			const char *e;
			size_t n;
			while (*p == ',' || *p == ' ')
				p++;
			for (e = p; *e && *e != ',' && *e != ' '; e++)
				;
			n = (size_t)(e - p);
			if (n == 6 && cmig_text_ieqn(p, n, "sqlite"))
				out->dialects |= 1u << CMIG_DIALECT_SQLITE;
			else if ((n == 10 && cmig_text_ieqn(p, n, "postgresql")) ||
			         (n == 8 && cmig_text_ieqn(p, n, "postgres")))
				out->dialects |= 1u << CMIG_DIALECT_POSTGRESQL;
			else if (n)
				rc = cmig_diag_full(d, CMIG_DIAG_ERROR, CMIG_ERROR, NULL, path, fv->line[kd], 0,
				                    NULL, NULL, "key \"dialects\": unknown dialect \"%.*s\" "
				                    "(expected sqlite or postgresql)", (int)n, p);
			p = e;
		}
	}
	if (fv->value[kv]) {
		char *end;
		long v = strtol(fv->value[kv], &end, 10);
		if (end == fv->value[kv] || (*end && *end != '.') || v < 9 || v > 99)
			rc = cmig_diag_full(d, CMIG_DIAG_ERROR, CMIG_ERROR, NULL, path, fv->line[kv], 0, NULL,
			                    NULL, "key \"postgresql_version\" must be a major version such "
			                    "as 15, not \"%s\"", fv->value[kv]);
		else
			out->postgresql_version = (unsigned)v;
	}
	if (fv->value[kt]) {
		const char *p = fv->value[kt], *u;
		while (*p >= '0' && *p <= '9')
			p++;
		u = p;
		while (*u == ' ')
			u++;
		if (p == fv->value[kt] ||
		    !(!*u || !strcmp(u, "ms") || !strcmp(u, "s") || !strcmp(u, "min") ||
		      !strcmp(u, "h") || !strcmp(u, "d")))
			rc = cmig_diag_full(d, CMIG_DIAG_ERROR, CMIG_ERROR, NULL, path, fv->line[kt], 0, NULL,
			                    NULL, "key \"pg_lock_timeout\" must be a duration such as 5s, "
			                    "500ms or 1min, not \"%s\"", fv->value[kt]);
		else if (!(out->pg_lock_timeout = cmig_strdup(fv->value[kt])))
			rc = cmig_diag_oom(d);
	}
	return rc;
}

static char *resolve(const char *dir, const char *value)
{
	return cmig_path_join(dir, value);
}

/* SPEC §1: `${NAME}` and `${NAME:-default}` in a value, expanded when the value is used. An
 * unset NAME is an error naming it and the line (never the value, which may be a URL with a
 * password). Returns CMIG_OK, CMIG_ERROR (reported) or CMIG_ENOMEM. */
static int expand(char **value, const char *key, const char *shown, unsigned line, cmig_diags *d)
{
	char unset[128], *v = NULL;
	int r;

	if (!*value || !strchr(*value, '$'))
		return CMIG_OK;
	r = cmig_envsubst(&v, *value, unset, sizeof(unset), NULL);
	if (r == CMIG_ENVSUBST_NOMEM)
		return cmig_diag_error(d, NULL, 0, CMIG_ENOMEM, NULL, "out of memory");
	if (r == CMIG_ENVSUBST_UNSET) {
		char hint[320];
		snprintf(hint, sizeof(hint), "Set %s, or write ${%s:-DEFAULT} for a default.", unset, unset);
		return cmig_diag_full(d, CMIG_DIAG_ERROR, CMIG_ERROR, NULL, shown, line, 0, NULL, hint,
		                      "%s uses ${%s}, but the environment variable %s is not set",
		                      key, unset, unset);
	}
	free(*value);
	*value = v;
	if (!*v) { /* `${DEV_URL:-}`: a value that expands to nothing is not set */
		free(v);
		*value = NULL;
	}
	return CMIG_OK;
}

int cmig_config_load(struct cmig_config *out, const char *path, bool required,
                     const struct cmig_config_given *given, cmig_diags *d)
{
	static const struct cmig_config_given none;
	const char *url_flag, *env_url;
	struct file_values fv;
	cmig_buf text = CMIG_BUF_INIT;
	const char *url, *v;
	char *tmpl_default = NULL, *shown = NULL;
	bool from_file_url = false, is_default = false;
	int rc = CMIG_OK;

	memset(out, 0, sizeof(*out));
	memset(&fv, 0, sizeof(fv));
	fv.fk = -1;
	if (!given)
		given = &none;
	url_flag = given->url;
	env_url = given->env_url;

	if (!path) {
		if (cmig_fs_exists("cmig.yaml"))
			path = "cmig.yaml";
		else if (required)
			return cmig_diag_full(d, CMIG_DIAG_ERROR, CMIG_ENOTFOUND, NULL, "cmig.yaml", 0, 0,
			                      NULL, "Run 'cmig init' to create a project.",
			                      "configuration file not found");
	} else if (!cmig_fs_exists(path)) {
		if (required)
			return cmig_diag_full(d, CMIG_DIAG_ERROR, CMIG_ENOTFOUND, NULL, path, 0, 0, NULL,
			                      "Run 'cmig init' to create a project.",
			                      "configuration file not found");
		path = NULL;
	}

	if (path) {
		if (!(out->path = cmig_strdup(path)) || !(out->dir = cmig_path_dirname(path))) {
			rc = cmig_diag_oom(d);
			goto done;
		}
		/* Diagnostics name the file as SPEC §3 prints paths: relative to the cwd. */
		if (!(shown = cmig_path_display(path))) {
			rc = cmig_diag_oom(d);
			goto done;
		}
		if ((rc = cmig_fs_read(&text, path, shown, CONFIG_MAX, d)) != CMIG_OK)
			goto done;
		if ((rc = read_yaml(&fv, text.ptr, text.len, shown, d)) != CMIG_OK)
			goto done;
		/* SPEC §1 ${VAR}: every string key but database_url (expanded below, only when it is
		 * the URL in use) is expanded now, before its value is checked */
		for (size_t k = 1; k < NKEYS && rc == CMIG_OK; k++)
			if (keys[k].type == KEY_STRING)
				rc = expand(&fv.value[k], keys[k].name, shown, fv.line[k], d);
		for (size_t k = 1; k < 3 && rc == CMIG_OK; k++)
			rc = expand(&fv.smap[k], "schema_file", shown, fv.smap_line[k], d);
		if (rc != CMIG_OK)
			goto done;
		if ((rc = lint_keys(out, &fv, shown, d)) != CMIG_OK)
			goto done;
	} else if ((out->postgresql_version = 15), !(out->dir = cmig_strdup("."))) {
		rc = cmig_diag_oom(d);
		goto done;
	}

	/* SPEC §1 precedence: --url, DATABASE_URL, the file, the default. An empty string is
	 * treated as not given (DATABASE_URL= in a shell). */
	if (url_flag && *url_flag) {
		url = url_flag;
		out->url_source = cmig_strdup("--url");
	} else if (env_url && *env_url) {
		url = env_url;
		out->url_source = cmig_strdup("DATABASE_URL");
	} else if ((url = fv.value[0]) != NULL) {
		cmig_buf src = CMIG_BUF_INIT;
		from_file_url = true;
		cmig_buf_printf(&src, "%s line %u", shown, fv.line[0]);
		out->url_source = cmig_buf_detach(&src);
		/* database_url is expanded only when it is the URL used: `${PROD_URL}` in it must not
		 * break `cmig --url … upgrade` or `cmig revision`, so an unset variable is kept as a
		 * problem that the commands which connect report (url_problem) */
		if (strchr(url, '$')) {
			cmig_diags later;
			cmig_diags_init(&later, NULL, NULL);
			int r = expand(&fv.value[0], keys[0].name, shown, fv.line[0], &later);
			if (r == CMIG_ERROR && later.n) {
				out->url_problem = cmig_strdup(later.items[0].message);
				out->url_problem_hint = later.items[0].hint ? cmig_strdup(later.items[0].hint) : NULL;
				out->url_problem_path = cmig_strdup(shown);
				out->url_problem_line = fv.line[0];
			} else if (r) {
				rc = cmig_diag_error(d, NULL, 0, CMIG_ENOMEM, NULL, "out of memory");
			}
			cmig_diags_release(&later);
			if (rc != CMIG_OK)
				goto done;
			url = fv.value[0] ? fv.value[0] : "";
		}
	} else {
		url = DEFAULT_URL;
		is_default = true;
		out->url_source = cmig_strdup("default");
	}
	out->url_configured = !is_default;
	out->database_url = cmig_strdup(url);
	if (from_file_url || (is_default && out->path))
		out->url_base_dir = cmig_strdup(out->dir);

	/* a directory given in code is used as given; the file's is relative to the file */
	v = fv.value[1] ? fv.value[1] : "versions";
	out->versions_dir = given->versions_dir ? cmig_strdup(given->versions_dir)
	                                        : resolve(out->dir, v);
	if (fv.value[2]) {
		out->template_path = resolve(out->dir, fv.value[2]);
	} else {
		tmpl_default = resolve(out->dir, DEFAULT_TEMPLATE);
		if (tmpl_default && cmig_fs_exists(tmpl_default)) {
			out->template_path = tmpl_default;
			tmpl_default = NULL;
		}
	}
	out->version_table = cmig_strdup(given->version_table ? given->version_table
	                                 : fv.value[3] ? fv.value[3] : "cmig_version");
	if (fv.value[4])
		out->version_table_schema = cmig_strdup(fv.value[4]);
	out->history_table = cmig_strdup(fv.value[5] ? fv.value[5] : "cmig_history");
	out->sqlite_foreign_keys = fv.fk != 0;
	if (fv.value[7] && !(out->dump_file = resolve(out->dir, fv.value[7])))
		rc = CMIG_ENOMEM;
	out->schema_file_line = fv.line[8];
	if (fv.smap_given) {
		for (size_t k = 1; k < 3; k++) {
			out->schema_files_line[k] = fv.smap_line[k];
			if (fv.smap[k] && !(out->schema_files[k] = resolve(out->dir, fv.smap[k])))
				rc = CMIG_ENOMEM;
		}
	} else if (!(out->schema_file = resolve(out->dir, fv.value[8] ? fv.value[8] : "schema.sql"))) {
		rc = CMIG_ENOMEM;
	}
	if (fv.value[9] && !(out->dev_url = cmig_strdup(fv.value[9])))
		rc = CMIG_ENOMEM;
	if (!out->database_url || (out->path && !out->url_base_dir && (from_file_url || is_default)) ||
	    !out->versions_dir || !out->version_table || !out->history_table ||
	    (fv.value[4] && !out->version_table_schema) || (fv.value[2] && !out->template_path) ||
	    rc == CMIG_ENOMEM)
		rc = cmig_diag_oom(d);

done:
	for (size_t k = 0; k < NKEYS; k++)
		free(fv.value[k]);
	for (size_t k = 0; k < 3; k++)
		free(fv.smap[k]);
	free(tmpl_default);
	free(shown);
	cmig_buf_release(&text);
	if (rc != CMIG_OK)
		cmig_config_release(out);
	return rc;
}

void cmig_config_release(struct cmig_config *c)
{
	if (!c)
		return;
	free(c->path);
	free(c->dir);
	free(c->database_url);
	free(c->url_base_dir);
	free(c->versions_dir);
	free(c->template_path);
	free(c->version_table);
	free(c->version_table_schema);
	free(c->history_table);
	free(c->url_source);
	free(c->url_problem);
	free(c->url_problem_hint);
	free(c->url_problem_path);
	free(c->dump_file);
	free(c->schema_file);
	for (size_t k = 0; k < 3; k++)
		free(c->schema_files[k]);
	free(c->dev_url);
	free(c->pg_lock_timeout);
	memset(c, 0, sizeof(*c));
}
