/*
 * autogen.c - diff, check --schema and revision --autogenerate (see autogen.h).
 *
 * Invariants:
 *  - Nothing is written unless both proofs pass: the chain plus the new up section, replayed
 *    in a scratch database, reads equal to the declared schema; then the down section gives
 *    the schema at head again (an added enum value excepted: PostgreSQL cannot remove it).
 *  - Renames are never guessed: a possible rename without --rename or a renamed-from line is
 *    a refusal that names the pair; so is a removed enum value, an uncovered object that
 *    differs, and (without --allow-drop) an up statement that drops data.
 *  - Scratch databases are closed (PostgreSQL: dropped) on every path.
 */
#include "autogen.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diff.h"
#include "fs.h"
#include "newrev.h"
#include "scratch.h"
#include "sqllex.h"
#include "sqltext.h"
#include "strmap.h"
#include "target.h"
#include "text.h"

#define SCHEMA_MAX ((size_t)64 << 20)

static void run_options_of(cmig_run_options *ro, const cmig_schema_options *o)
{
	cmig_run_options def = CMIG_RUN_OPTIONS_INIT;
	*ro = def;
	ro->wait = o->wait;
	ro->on_diag = o->on_diag;
	ro->payload = o->payload;
}

/* ---- renames ------------------------------------------------------------------------------ */

struct renames {
	CMIG_VEC(struct cmig_rename) v;
	size_t first_hint;      /* v[first_hint…] come from renamed-from lines */
	cmig_arena strings;
};

static void renames_release(struct renames *r)
{
	free(r->v.items);
	cmig_arena_release(&r->strings);
}

/* One identifier of a --rename argument: "quoted" (PostgreSQL quoting) or bare up to stop.
 * Bare names fold to lower case on PostgreSQL. */
static const char *ident(struct renames *r, const char **p, const char *stops, bool fold)
{
	cmig_buf b = CMIG_BUF_INIT;
	const char *s = *p;
	if (*s == '"') {
		for (s++; *s; s++) {
			if (*s == '"' && s[1] == '"') {
				cmig_buf_putc(&b, '"');
				s++;
			} else if (*s == '"') {
				s++;
				break;
			} else {
				cmig_buf_putc(&b, *s);
			}
		}
	} else {
		for (; *s && !strchr(stops, *s); s++)
			cmig_buf_putc(&b, (char)(fold && *s >= 'A' && *s <= 'Z' ? *s - 'A' + 'a' : *s));
	}
	*p = s;
	const char *out = b.len ? cmig_arena_strdup(&r->strings, b.ptr) : NULL;
	cmig_buf_release(&b);
	return out;
}

static int parse_rename(struct renames *r, const char *arg, bool fold, cmig_diags *d)
{
	const char *p = arg;
	struct cmig_rename x = { NULL, NULL, NULL };
	x.table = ident(r, &p, ".:", fold);
	if (*p == '.') {
		p++;
		x.column = ident(r, &p, ":", fold);
	}
	if (*p == ':') {
		p++;
		x.new_name = ident(r, &p, "", fold);
	}
	if (!x.table || !x.new_name || *p || (strchr(arg, '.') && !x.column && arg[0] != '"'))
		return cmig_diag_error(d, NULL, 0, CMIG_EUSAGE, NULL,
		                       "--rename '%s': expected TABLE:NEW or TABLE.COLUMN:NEW", arg);
	if (CMIG_VEC_PUSH(&r->v, x))
		return cmig_diag_oom(d);
	return CMIG_OK;
}

/* The first name of a line's text (after CREATE TABLE [IF NOT EXISTS] when create). */
static char *line_name(const char *text, size_t start, size_t end, bool create, bool fold)
{
	cmig_stoks t = CMIG_STOKS_INIT;
	char *name = NULL;
	size_t i = 0;
	if (cmig_stoks_build(&t, text, start, end))
		return NULL;
	if (create) {
		if (!cmig_stoks_is(&t, 0, "CREATE"))
			goto out;
		i = 1;
		while (i < t.n && (cmig_stoks_is(&t, i, "TEMP") || cmig_stoks_is(&t, i, "TEMPORARY") ||
		                   cmig_stoks_is(&t, i, "UNLOGGED")))
			i++;
		if (!cmig_stoks_is(&t, i, "TABLE"))
			goto out;
		i++;
		if (cmig_stoks_is(&t, i, "IF") && cmig_stoks_is(&t, i + 1, "NOT"))
			i += 3;
		/* schema.table: the last part */
		while (i + 2 < t.n && cmig_stoks_punct(&t, i + 1, '.'))
			i += 2;
	}
	if (i < t.n && cmig_stoks_is_name(&t, i)) {
		name = cmig_stoks_name(&t, i);
		if (name && fold && !cmig_stoks_is_quoted(&t, i))
			for (char *q = name; *q; q++)
				if (*q >= 'A' && *q <= 'Z')
					*q = (char)(*q - 'A' + 'a');
	}
out:
	cmig_stoks_release(&t);
	return name;
}

/* `-- cmig:renamed-from OLD` directly above a CREATE TABLE line or a column's line. */
static int hints(struct renames *r, const char *text, bool fold, cmig_diags *d)
{
	static const char tag[] = "-- cmig:renamed-from";
	const char *table_new = NULL, *table_old = NULL;
	const char *pending_old = NULL; /* a table's hint, for the CREATE TABLE on the next line */
	size_t pos = 0, len = strlen(text);
	while (pos < len) {
		size_t eol = pos + strcspn(text + pos, "\n");
		const char *line = text + pos;
		size_t ws = strspn(line, " \t");
		char *cn = line_name(text, pos, eol, true, fold);
		if (cn) { /* a CREATE TABLE: columns below belong to it (under its head name when
		           * the line above renamed it, which is how the differ knows the table) */
			table_new = cmig_arena_strdup(&r->strings, cn);
			table_old = pending_old;
			free(cn);
		}
		pending_old = NULL;
		if (strncmp(line + ws, tag, sizeof(tag) - 1) == 0) {
			size_t a = pos + ws + sizeof(tag) - 1;
			char *old = line_name(text, a, eol, false, fold);
			size_t next = eol < len ? eol + 1 : len;
			size_t next_end = next + strcspn(text + next, "\n");
			char *tn = line_name(text, next, next_end, true, fold);
			struct cmig_rename x = { NULL, NULL, NULL };
			if (!old) {
				free(tn);
				return cmig_diag_error(d, NULL, 0, CMIG_ERROR, NULL,
				                       "a '-- cmig:renamed-from' line without a name");
			}
			if (tn) {
				x.table = cmig_arena_strdup(&r->strings, old);
				x.new_name = cmig_arena_strdup(&r->strings, tn);
				pending_old = x.table;
			} else {
				char *col = line_name(text, next, next_end, false, fold);
				x.table = table_old ? table_old : table_new;
				x.column = cmig_arena_strdup(&r->strings, old);
				x.new_name = col ? cmig_arena_strdup(&r->strings, col) : NULL;
				free(col);
			}
			free(tn);
			free(old);
			if (x.table && x.new_name && CMIG_VEC_PUSH(&r->v, x))
				return cmig_diag_oom(d);
		}
		pos = eol + 1;
	}
	return CMIG_OK;
}

static const struct cmig_sch_table *head_table(const struct cmig_schema *a, const char *name)
{
	for (size_t k = 0; k < a->tables.n; k++)
		if (a->dialect == CMIG_SCH_SQLITE ? cmig_sqltext_name_eq(a->tables.items[k].name, name)
		                                  : strcmp(a->tables.items[k].name, name) == 0)
			return &a->tables.items[k];
	return NULL;
}

static bool head_column(const struct cmig_schema *a, const struct cmig_sch_table *t,
                        const char *name)
{
	for (size_t k = 0; t && k < t->columns.n; k++)
		if (a->dialect == CMIG_SCH_SQLITE ? cmig_sqltext_name_eq(t->columns.items[k].name, name)
		                                  : strcmp(t->columns.items[k].name, name) == 0)
			return true;
	return false;
}

/* Every --rename must name what exists at head (SPEC §8 bad input). A renamed-from line
 * stays in schema.sql after its rename has been migrated: once its old name is gone from
 * head it says nothing more, and is dropped here. */
static int check_renames(struct renames *r, const struct cmig_schema *a, cmig_diags *d)
{
	int rc = CMIG_OK;
	size_t keep = 0;
	for (size_t i = 0; i < r->v.n; i++) {
		const struct cmig_rename *x = &r->v.items[i];
		const struct cmig_sch_table *t = head_table(a, x->table);
		bool ok = t && (!x->column || head_column(a, t, x->column));
		if (i >= r->first_hint) {
			if (ok)
				r->v.items[keep++] = *x;
			continue;
		}
		if (!t)
			rc = cmig_diag_error(d, NULL, 0, CMIG_ERROR, NULL,
			                     "--rename: there is no table %s at head", x->table);
		else if (!ok)
			rc = cmig_diag_error(d, NULL, 0, CMIG_ERROR, NULL,
			                     "--rename: table %s has no column %s at head", x->table,
			                     x->column);
		r->v.items[keep++] = *x;
	}
	r->v.n = keep;
	return rc;
}

/* ---- the two schemas ---------------------------------------------------------------------- */

struct sides {
	cmig_dialect_kind dialect;      /* the dialect both are read in */
	struct cmig_scratch head;       /* the chain replayed (or unused with --from-db) */
	struct cmig_scratch decl;       /* the declared schema loaded */
	struct cmig_schema *a, *b;      /* head (or the configured database), declared */
	cmig_buf schema_text;
	char *schema_path;              /* as printed */
	struct renames renames;
};

static void sides_release(struct sides *s)
{
	cmig_schema_free(s->a);
	cmig_schema_free(s->b);
	cmig_scratch_close(&s->head);
	cmig_scratch_close(&s->decl);
	cmig_buf_release(&s->schema_text);
	free(s->schema_path);
	renames_release(&s->renames);
}

static const char *dialect_name(cmig_dialect_kind k)
{
	return k == CMIG_DIALECT_POSTGRESQL ? "postgresql" : "sqlite";
}

/* SPEC §8: the declared schema of a dialect, `schema_file: FILE` or the dialect's entry in
 * `schema_file: {sqlite: FILE, postgresql: FILE}`. In the map form a missing key or file is an
 * error at its cmig.yaml line. *file is the config's; *shown is malloc'd (as printed). */
static int declared_file(const char **file, char **shown, const struct cmig_runtime *rt,
                         cmig_dialect_kind dia, cmig_diags *d)
{
	const struct cmig_config *c = rt->config;
	char *cfg;
	int rc;

	*file = c->schema_file ? c->schema_file : c->schema_files[dia];
	if (*file && c->schema_file) {
		if (!(*shown = cmig_path_display(*file)))
			return cmig_diag_oom(d);
		if (!cmig_fs_exists(*file))
			return cmig_diag_full(d, CMIG_DIAG_ERROR, CMIG_ENOTFOUND, NULL, *shown, 0, 0, NULL,
			                      "Write the CREATE statements of the schema you want there, "
			                      "or set schema_file in cmig.yaml.",
			                      "the declared schema file does not exist");
		return CMIG_OK;
	}
	if (!(cfg = cmig_path_display(c->path ? c->path : "cmig.yaml")))
		return cmig_diag_oom(d);
	if (!*file) {
		char hint[96];
		snprintf(hint, sizeof(hint), "Add `%s: FILE` under schema_file in cmig.yaml.",
		         dialect_name(dia));
		rc = cmig_diag_full(d, CMIG_DIAG_ERROR, CMIG_ERROR, NULL, cfg, c->schema_file_line, 0,
		                    NULL, hint, "schema_file has no \"%s\" key, and the database URL is "
		                    "%s", dialect_name(dia),
		                    dia == CMIG_DIALECT_POSTGRESQL ? "PostgreSQL" : "SQLite");
		free(cfg);
		return rc;
	}
	if (!(*shown = cmig_path_display(*file))) {
		free(cfg);
		return cmig_diag_oom(d);
	}
	rc = CMIG_OK;
	if (!cmig_fs_exists(*file))
		rc = cmig_diag_full(d, CMIG_DIAG_ERROR, CMIG_ENOTFOUND, NULL, cfg,
		                    c->schema_files_line[dia], 0, NULL,
		                    "Write the CREATE statements of the schema you want there, or fix "
		                    "the name in cmig.yaml.",
		                    "schema_file: the %s file %s does not exist", dialect_name(dia),
		                    *shown);
	free(cfg);
	return rc;
}

static int open_configured(struct cmig_backend **be, struct cmig_backend_settings *st,
                           const struct cmig_runtime *rt, const cmig_run_options *ro,
                           cmig_diags *d)
{
	const char *absent = cmig_backend_absent(rt->url);
	if (absent)
		return cmig_diag_error(d, NULL, 0, CMIG_ENOTFOUND, NULL, "the %s database %s does not exist",
		                       cmig_backend_for(rt->url, false)->title, absent);
	cmig_migrate_settings(st, rt, ro, true);
	return cmig_backend_for(rt->url, false)->open(be, rt->url, st, d);
}

/* ---- both sides at once ------------------------------------------------------------------
 * The head (the chain replayed, or the configured database read) and the declared schema are
 * two databases with nothing shared but the read-only project (in-memory SQLite scratch
 * databases; not PostgreSQL's, which share the server's roles), so they load side by side: on
 * a 300-table schema each is about half of `cmig diff`. Every scratch database is opened
 * before the second thread starts (PostgreSQL forks a watchdog there). Each side reports into
 * its own list; the head's is merged first, and the declared side's only when the head loaded
 * (what running them one after the other said). */

struct side_job {
	int (*fn)(struct side_job *);
	struct sides *s;
	const struct cmig_runtime *rt;
	const cmig_run_options *ro;
	long to;
	cmig_diags d;
	int rc;
};

static void *side_job_run(void *arg)
{
	struct side_job *j = arg;
	j->rc = j->fn(j);
	return NULL;
}

static int job_replay(struct side_job *j)
{
	int rc = cmig_scratch_replay(&j->s->head, &j->rt->scripts->chain, j->to, &j->d);
	return rc ? rc : cmig_scratch_read(&j->s->head, &j->s->a, &j->d);
}

static int job_configured(struct side_job *j)
{
	struct cmig_backend_settings st;
	struct cmig_backend *be = NULL;
	int rc = open_configured(&be, &st, j->rt, j->ro, &j->d);
	if (!rc) {
		rc = cmig_backend_schema_read(be, &j->s->a, &j->d);
		be->ops->close(be);
	}
	return rc;
}

static int job_declared(struct side_job *j)
{
	struct sides *s = j->s;
	int rc = cmig_scratch_exec(&s->decl, s->schema_path, s->schema_text.ptr, true, &j->d);
	return rc ? rc : cmig_scratch_read(&s->decl, &s->b, &j->d);
}

/* s->a: the chain replayed to `to` in a scratch database, or (from_db) the configured
 * database; s->b: the declared schema file loaded into another. */
static int load_sides(struct sides *s, const struct cmig_runtime *rt, const cmig_run_options *ro,
                      long to, bool from_db, cmig_diags *d)
{
	struct side_job a = { from_db ? job_configured : job_replay, s, rt, ro, to,
	                      CMIG_DIAGS_INIT, CMIG_OK };
	struct side_job b = { job_declared, s, rt, ro, to, CMIG_DIAGS_INIT, CMIG_OK };
	const char *file;
	pthread_t t;
	bool threaded;
	int rc;

	if ((rc = declared_file(&file, &s->schema_path, rt, s->dialect, d)) ||
	    (rc = cmig_fs_read(&s->schema_text, file, s->schema_path, SCHEMA_MAX, d)) ||
	    (!from_db && (rc = cmig_scratch_open(&s->head, rt, s->dialect, ro, d))) ||
	    (rc = cmig_scratch_open(&s->decl, rt, s->dialect, ro, d)))
		return rc;
	a.d.strict = b.d.strict = d->strict;
	/* Side by side only where the two databases share nothing: scratch databases on a server
	 * (PostgreSQL) share its roles, and a chain and a schema.sql that both create one (IF NOT
	 * EXISTS, then CREATE ROLE) would race (t620's 093-pg-grant-table did). */
	threaded = !s->decl.ops->scratch_create && pthread_create(&t, NULL, side_job_run, &b) == 0;
	side_job_run(&a);
	if (threaded)
		pthread_join(t, NULL);
	else if (!a.rc)
		side_job_run(&b); /* no second thread: one after the other */
	cmig_diags_append(d, &a.d);
	if (!a.rc)
		cmig_diags_append(d, &b.d);
	cmig_diags_release(&a.d);
	cmig_diags_release(&b.d);
	return a.rc ? a.rc : b.rc;
}

/* head alone: the chain replayed to `to` in a scratch database (check --schema). */
static int load_head(struct sides *s, const struct cmig_runtime *rt, const cmig_run_options *ro,
                     long to, cmig_diags *d)
{
	int rc = cmig_scratch_open(&s->head, rt, s->dialect, ro, d);
	if (!rc)
		rc = cmig_scratch_replay(&s->head, &rt->scripts->chain, to, d);
	if (!rc)
		rc = cmig_scratch_read(&s->head, &s->a, d);
	return rc;
}

static int load_renames(struct sides *s, const cmig_schema_options *o, cmig_diags *d)
{
	bool pg = s->dialect == CMIG_DIALECT_POSTGRESQL;
	int rc = CMIG_OK;
	for (size_t i = 0; !rc && i < o->nrenames; i++)
		rc = parse_rename(&s->renames, o->renames[i], pg, d);
	s->renames.first_hint = s->renames.v.n;
	if (!rc)
		rc = hints(&s->renames, s->schema_text.ptr, pg, d);
	return rc;
}

static long head_pos(const struct cmig_runtime *rt)
{
	return (long)rt->scripts->chain.n - 1;
}

/* ---- cmig diff ---------------------------------------------------------------------------- */

static void out_text(const cmig_schema_options *o, const char *text)
{
	if (o->on_output && *text)
		o->on_output(text, strlen(text), o->payload);
}

int cmig_autogen_diff(size_t *count_out, const struct cmig_runtime *rt,
                      const cmig_schema_options *o, cmig_diags *d)
{
	struct sides s;
	struct cmig_changes ch;
	cmig_run_options ro;
	cmig_buf sql = CMIG_BUF_INIT;
	struct cmig_diff_options dopt;
	int rc;

	*count_out = 0;
	memset(&s, 0, sizeof(s));
	memset(&ch, 0, sizeof(ch));
	s.dialect = cmig_runtime_dialect(rt);
	run_options_of(&ro, o);
	rc = load_sides(&s, rt, &ro, head_pos(rt), (o->flags & CMIG_SCHEMA_FROM_DB) != 0, d);
	if (!rc)
		rc = load_renames(&s, o, d);
	if (!rc)
		rc = check_renames(&s.renames, s.a, d);
	dopt.renames = s.renames.v.items;
	dopt.nrenames = s.renames.v.n;
	if (!rc)
		rc = cmig_schema_diff(&ch, s.a, s.b, &dopt, d);
	if (!rc) {
		for (size_t i = 0; i < ch.items.n; i++) {
			const struct cmig_change *c = &ch.items.items[i];
			if (c->kind == CMIG_CHG_MAYBE_RENAME || c->kind == CMIG_CHG_NEEDS_HAND ||
			    c->kind == CMIG_CHG_UNSUPPORTED || c->kind == CMIG_CHG_DROP_ENUM_VALUE) {
				cmig_buf line = CMIG_BUF_INIT;
				cmig_change_describe(&line, c);
				cmig_diag_warning(d, NULL, 0, "schema-diff", "%s", line.ptr);
				cmig_buf_release(&line);
			}
		}
		rc = cmig_changes_write(&sql, &ch, s.a->dialect, 0, 0);
		if (rc)
			rc = cmig_diag_oom(d);
	}
	if (!rc) {
		out_text(o, sql.ptr);
		*count_out = ch.items.n;
	}
	cmig_buf_release(&sql);
	cmig_changes_release(&ch);
	sides_release(&s);
	return rc;
}

/* ---- cmig check --schema ------------------------------------------------------------------ */

int cmig_autogen_check(size_t *count_out, const struct cmig_runtime *rt,
                       const cmig_schema_options *o, cmig_diags *d)
{
	struct sides s;
	struct cmig_changes ch;
	cmig_run_options ro;
	struct cmig_backend_settings st;
	struct cmig_backend *be = NULL;
	struct cmig_schema *db = NULL;
	char *rev = NULL;
	long pos = CMIG_POS_BASE;
	int rc;

	*count_out = 0;
	memset(&s, 0, sizeof(s));
	memset(&ch, 0, sizeof(ch));
	s.dialect = cmig_runtime_dialect(rt);
	run_options_of(&ro, o);
	rc = open_configured(&be, &st, rt, &ro, d);
	if (!rc) {
		rc = be->ops->version_read(be, &rev, d);
		if (!rc)
			rc = cmig_backend_schema_read(be, &db, d);
		be->ops->close(be);
	}
	if (!rc && rev && (pos = cmig_chain_index(&rt->scripts->chain, rev)) < 0)
		rc = cmig_diag_error(d, NULL, 0, CMIG_ENOTFOUND, "db-unknown",
		                     "db-unknown: the database is at revision %s, which no file declares",
		                     rev);
	if (!rc)
		rc = load_head(&s, rt, &ro, pos, d);
	if (!rc)
		rc = cmig_schema_diff(&ch, s.a, db, NULL, d);
	for (size_t i = 0; !rc && i < ch.items.n; i++) {
		cmig_buf line = CMIG_BUF_INIT;
		cmig_change_describe(&line, &ch.items.items[i]);
		cmig_diag_error(d, NULL, 0, CMIG_ERROR, "schema-drift",
		                "schema-drift: the database differs from the migrations at %s: %s",
		                rev ? rev : "base", line.ptr);
		cmig_buf_release(&line);
	}
	if (!rc) {
		*count_out = ch.items.n;
		if (ch.items.n)
			rc = CMIG_ERROR;
	}
	cmig_changes_release(&ch);
	cmig_schema_free(db);
	free(rev);
	sides_release(&s);
	return rc;
}

/* ---- cmig revision --autogenerate --------------------------------------------------------- */

/* List the remaining differences between got and want, one a line; ignore_enum_adds: values
 * in got that want lacks are accepted (the down proof). Returns how many. */
static size_t remaining(const struct cmig_schema *got, const struct cmig_schema *want,
                        const char *what, bool ignore_enum_adds, cmig_diags *d)
{
	struct cmig_changes ch;
	size_t n = 0;
	cmig_diags quiet = CMIG_DIAGS_INIT;
	if (cmig_schema_diff(&ch, got, want, NULL, &quiet)) {
		cmig_diags_release(&quiet);
		cmig_diag_oom(d);
		return 1;
	}
	cmig_diags_release(&quiet);
	for (size_t i = 0; i < ch.items.n; i++) {
		const struct cmig_change *c = &ch.items.items[i];
		if (ignore_enum_adds && c->kind == CMIG_CHG_DROP_ENUM_VALUE)
			continue;
		cmig_buf line = CMIG_BUF_INIT;
		cmig_change_describe(&line, c);
		cmig_diag_error(d, NULL, 0, CMIG_ERROR, "autogenerate-proof", "%s: %s", what, line.ptr);
		cmig_buf_release(&line);
		n++;
	}
	cmig_changes_release(&ch);
	return n;
}

static void reverse_renames(struct renames *out, const struct renames *in,
                            const struct cmig_schema *a)
{
	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < in->v.n; i++) {
		const struct cmig_rename *x = &in->v.items[i];
		struct cmig_rename y = { NULL, NULL, NULL };
		if (x->column) {
			/* the table's name in the declared schema */
			const char *t = x->table;
			for (size_t k = 0; k < in->v.n; k++)
				if (!in->v.items[k].column && strcmp(in->v.items[k].table, x->table) == 0)
					t = in->v.items[k].new_name;
			y.table = t;
			y.column = x->new_name;
			y.new_name = x->column;
		} else {
			y.table = x->new_name;
			y.new_name = x->table;
		}
		(void)a;
		if (CMIG_VEC_PUSH(&out->v, y))
			return;
	}
}

/* One dialect's revision: its sections, proven. With per-dialect schema files there are two,
 * each proven in a scratch database of its own dialect. */
struct part {
	struct sides s;
	const char *tag;                /* "sqlite: " / "postgresql: " before its messages, or "" */
	struct cmig_changes up, down;
	struct renames rev_renames;
	cmig_buf up_sql, enum_sql, down_sql;
	bool differs;
};

static void part_release(struct part *p)
{
	cmig_buf_release(&p->up_sql);
	cmig_buf_release(&p->enum_sql);
	cmig_buf_release(&p->down_sql);
	cmig_changes_release(&p->up);
	cmig_changes_release(&p->down);
	free(p->rev_renames.v.items);
	sides_release(&p->s);
}

/* Diff, refuse, write and prove one dialect's sections; p->differs false: nothing to do. */
static int part_prove(struct part *p, const struct cmig_runtime *rt, const cmig_schema_options *o,
                      const cmig_run_options *ro, cmig_diags *d)
{
	struct sides *s = &p->s;
	struct cmig_diff_options dopt, ropt;
	struct cmig_schema *proved = NULL;
	char what[96];
	int rc;

	rc = load_sides(s, rt, ro, head_pos(rt), false, d);
	if (!rc)
		rc = load_renames(s, o, d);
	if (!rc)
		rc = check_renames(&s->renames, s->a, d);
	if (rc)
		return rc;
	dopt.renames = s->renames.v.items;
	dopt.nrenames = s->renames.v.n;
	if ((rc = cmig_schema_diff(&p->up, s->a, s->b, &dopt, d)))
		return rc;
	if (p->up.items.n == 0)
		return CMIG_OK;
	p->differs = true;
	reverse_renames(&p->rev_renames, &s->renames, s->a);
	ropt.renames = p->rev_renames.v.items;
	ropt.nrenames = p->rev_renames.v.n;
	if ((rc = cmig_schema_diff(&p->down, s->b, s->a, &ropt, d)))
		return rc;

	/* Names are not part of equality: the down section renames a constraint or an index back
	 * only when the up section renamed it. */
	{
		size_t keep = 0;
		for (size_t i = 0; i < p->down.items.n; i++) {
			const struct cmig_change *c = &p->down.items.items[i];
			bool mirrored = true;
			if (c->kind == CMIG_CHG_RENAME_CONSTRAINT || c->kind == CMIG_CHG_RENAME_INDEX) {
				mirrored = false;
				for (size_t k = 0; k < p->up.items.n && !mirrored; k++) {
					const struct cmig_change *u = &p->up.items.items[k];
					mirrored = u->kind == c->kind && strcmp(u->name, c->new_name) == 0 &&
					           strcmp(u->new_name, c->name) == 0;
				}
			}
			if (mirrored)
				p->down.items.items[keep++] = *c;
		}
		p->down.items.n = keep;
	}

	/* refusals: renames not said, removed enum values, uncovered objects, drops */
	for (size_t i = 0; i < p->up.items.n; i++) {
		const struct cmig_change *c = &p->up.items.items[i];
		bool refuse = c->kind == CMIG_CHG_MAYBE_RENAME || c->kind == CMIG_CHG_NEEDS_HAND ||
		              c->kind == CMIG_CHG_UNSUPPORTED || c->kind == CMIG_CHG_DROP_ENUM_VALUE;
		bool drop = (c->flags & CMIG_CHGF_DROPS_DATA) && !(o->flags & CMIG_SCHEMA_ALLOW_DROP);
		if (!refuse && !drop)
			continue;
		cmig_buf line = CMIG_BUF_INIT;
		cmig_change_describe(&line, c);
		if (drop)
			cmig_diag_full(d, CMIG_DIAG_ERROR, CMIG_ERROR, "autogenerate-drop", NULL, 0, 0, NULL,
			               "Pass --allow-drop if the data may go, or --rename if this is a "
			               "rename.", "%sthis drops data: %s", p->tag, line.ptr);
		else
			cmig_diag_error(d, NULL, 0, CMIG_ERROR, "autogenerate-refused", "%s%s", p->tag,
			                line.ptr);
		cmig_buf_release(&line);
		rc = CMIG_ERROR;
	}
	for (size_t i = 0; i < p->down.items.n; i++) {
		const struct cmig_change *c = &p->down.items.items[i];
		if (c->kind == CMIG_CHG_MAYBE_RENAME || c->kind == CMIG_CHG_NEEDS_HAND ||
		    c->kind == CMIG_CHG_UNSUPPORTED) {
			cmig_buf line = CMIG_BUF_INIT;
			cmig_change_describe(&line, c);
			cmig_diag_error(d, NULL, 0, CMIG_ERROR, "autogenerate-refused",
			                "%sthe down section cannot be written: %s", p->tag, line.ptr);
			cmig_buf_release(&line);
			rc = CMIG_ERROR;
		}
	}
	if (rc)
		return rc;
	if (cmig_changes_write(&p->up_sql, &p->up, s->a->dialect, 0, CMIG_CHGF_ENUM_VALUE) ||
	    cmig_changes_write(&p->enum_sql, &p->up, s->a->dialect, CMIG_CHGF_ENUM_VALUE, 0) ||
	    cmig_changes_write(&p->down_sql, &p->down, s->a->dialect, 0, 0))
		return cmig_diag_oom(d);
	for (size_t i = 0; i < p->up.items.n; i++)
		if (p->up.items.items[i].flags & CMIG_CHGF_FAILS_IF_ROWS) {
			cmig_buf line = CMIG_BUF_INIT;
			cmig_change_describe(&line, &p->up.items.items[i]);
			cmig_diag_warning(d, NULL, 0, "autogenerate-rows",
			                  "%sthe proof runs on empty tables: this fails if the table has "
			                  "rows that %s: %s", p->tag, p->up.items.items[i].text, line.ptr);
			cmig_buf_release(&line);
		}

	/* the proof, up: head + (enum values) + up section = declared */
	if (p->enum_sql.len &&
	    (rc = cmig_scratch_exec(&s->head, "(autogenerated enum values)", p->enum_sql.ptr, false, d)))
		goto proof_failed;
	if (p->up_sql.len &&
	    (rc = cmig_scratch_exec(&s->head, "(autogenerated up section)", p->up_sql.ptr, true, d)))
		goto proof_failed;
	if ((rc = cmig_scratch_read(&s->head, &proved, d)))
		return rc;
	snprintf(what, sizeof(what), "%sup proof: after the new up section", p->tag);
	if (remaining(proved, s->b, what, false, d)) {
		rc = CMIG_ERROR;
		goto proof_failed;
	}
	cmig_schema_free(proved);
	proved = NULL;
	/* … and down: back to head (enum values stay) */
	if (p->down_sql.len &&
	    (rc = cmig_scratch_exec(&s->head, "(autogenerated down section)", p->down_sql.ptr, true, d)))
		goto proof_failed;
	if ((rc = cmig_scratch_read(&s->head, &proved, d)))
		return rc;
	snprintf(what, sizeof(what), "%sdown proof: after the new down section", p->tag);
	if (remaining(proved, s->a, what, true, d)) {
		rc = CMIG_ERROR;
		goto proof_failed;
	}
	cmig_schema_free(proved);
	return CMIG_OK;

proof_failed:
	cmig_schema_free(proved);
	cmig_diag_error(d, NULL, 0, CMIG_ERROR, "autogenerate-proof",
	                "%sthe generated revision does not prove out: nothing written", p->tag);
	return rc ? rc : CMIG_ERROR;
}

/* The enum-values revision (PostgreSQL): its up section outside a transaction, since ADD VALUE
 * must commit before anything uses it. With both dialects, SQLite gets an empty up section. */
static int write_enum_revision(char *enum_id, const struct cmig_runtime *rt,
                               const cmig_schema_options *o, const char *enum_sql, bool dialects,
                               const char *down_rev, const char *created, cmig_diags *d)
{
	const struct cmig_chain *c = &rt->scripts->chain;
	cmig_buf body = CMIG_BUF_INIT, msg = CMIG_BUF_INIT, text = CMIG_BUF_INIT;
	char *enum_path = NULL;
	int rc;

	do
		cmig_text_random_id(enum_id);
	while (cmig_strmap_get(&c->byid, enum_id, strlen(enum_id)));
	cmig_buf_printf(&msg, "%s (enum values)", o->message);
	cmig_buf_printf(&body, "-- migrate:up transaction:false%s\n%s\n%s-- migrate:down\n"
	                "-- PostgreSQL cannot remove a value from an enum type: this down "
	                "section leaves the values added above in place.\n",
	                dialects ? " dialect:postgresql" : "", enum_sql,
	                dialects ? "-- migrate:up dialect:sqlite\n\n" : "");
	/* the built-in template's header, then our sections */
	rc = cmig_newrev_render_sql(&text, cmig_newrev_default_template, NULL, enum_id, down_rev,
	                            msg.ptr, created, NULL, NULL, d);
	if (!rc) {
		char *mk = strstr(text.ptr, "-- migrate:up");
		if (mk)
			cmig_buf_truncate(&text, (size_t)(mk - text.ptr));
		if (cmig_buf_puts(&text, body.ptr))
			rc = cmig_diag_oom(d);
	}
	if (!rc)
		rc = cmig_newrev_write(&enum_path, rt->config->versions_dir, enum_id, msg.ptr, text.ptr,
		                       text.len, d);
	free(enum_path);
	cmig_buf_release(&text);
	cmig_buf_release(&body);
	cmig_buf_release(&msg);
	return rc;
}

int cmig_autogen_revision(char **path_out, const struct cmig_runtime *rt,
                          const cmig_schema_options *o, cmig_diags *d)
{
	const struct cmig_config *cfg = rt->config;
	struct part parts[2];
	size_t nparts = 0;
	cmig_run_options ro;
	char id[13], enum_id[13] = "";
	bool differs = false, dialects;
	int rc = CMIG_OK;

	*path_out = NULL;
	memset(parts, 0, sizeof(parts));
	run_options_of(&ro, o);
	if (!o->message)
		return cmig_diag_error(d, NULL, 0, CMIG_EUSAGE, NULL, "revision needs -m MSG");

	/* SPEC §8: schema files for both dialects give dialect:sqlite and dialect:postgresql
	 * sections, each proven on its own dialect; otherwise the URL's dialect, unmarked */
	dialects = !cfg->schema_file && cfg->schema_files[CMIG_DIALECT_SQLITE] &&
	           cfg->schema_files[CMIG_DIALECT_POSTGRESQL];
	if (dialects) {
		parts[0].s.dialect = CMIG_DIALECT_SQLITE;
		parts[0].tag = "sqlite: ";
		parts[1].s.dialect = CMIG_DIALECT_POSTGRESQL;
		parts[1].tag = "postgresql: ";
		nparts = 2;
	} else {
		parts[0].s.dialect = cmig_runtime_dialect(rt);
		parts[0].tag = "";
		nparts = 1;
	}
	for (size_t i = 0; i < nparts && !rc; i++) {
		rc = part_prove(&parts[i], rt, o, &ro, d);
		differs = differs || parts[i].differs;
		/* done with its scratch databases: the next part opens its own */
		if (!rc) {
			cmig_scratch_close(&parts[i].s.head);
			cmig_scratch_close(&parts[i].s.decl);
		}
	}
	if (rc)
		goto out;
	if (!differs) {
		cmig_diag_note(d, NULL, 0, "no differences: the declared schema and the migrations "
		                           "agree; nothing written");
		goto out;
	}

	/* proven: write the file(s) */
	{
		const struct cmig_chain *c = &rt->scripts->chain;
		const char *down_rev = c->n ? c->revs[c->n - 1]->id : NULL;
		const struct part *pg = &parts[nparts - 1];
		char created[32];
		cmig_text_now_iso(created, sizeof(created), false);
		if (pg->enum_sql.len) {
			if ((rc = write_enum_revision(enum_id, rt, o, pg->enum_sql.ptr, dialects, down_rev,
			                              created, d)))
				goto out;
			down_rev = enum_id;
		}
		if (!o->rev_id) {
			do
				cmig_text_random_id(id);
			while (cmig_strmap_get(&c->byid, id, strlen(id)) || strcmp(id, enum_id) == 0);
		}
		if (dialects) {
			const char *up[3] = { NULL, parts[0].up_sql.ptr, parts[1].up_sql.ptr };
			const char *down[3] = { NULL, parts[0].down_sql.ptr, parts[1].down_sql.ptr };
			rc = cmig_newrev_create_dialects(path_out, cfg->versions_dir, cfg->template_path,
			                                 o->rev_id ? o->rev_id : id, down_rev, o->message,
			                                 created, up, down, d);
		} else {
			rc = cmig_newrev_create_sql(path_out, cfg->versions_dir, cfg->template_path,
			                            o->rev_id ? o->rev_id : id, down_rev, o->message, created,
			                            parts[0].up_sql.ptr, parts[0].down_sql.ptr, d);
		}
	}
out:
	for (size_t i = 0; i < 2; i++)
		part_release(&parts[i]);
	return rc;
}
