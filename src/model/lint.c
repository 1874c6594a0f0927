/*
 * lint.c - the walk of `check --lint` (SPEC §10; see lint.h): revisions oldest first, each
 * up section (and down section with lint_down) linted for every dialect it runs on, the
 * PostgreSQL up section replayed into the table model after each of its statements is
 * linted, so a rule sees the chain exactly as it stood before that statement.
 *
 * Each statement is tokenized once (model/sqllex.c) and its tokens are shared by every
 * dialect's rules and the replay. A code reported for a statement is reported once, however
 * many dialects flag it (PostgreSQL's message, which names its lock, first). Silencing:
 * `-- cmig:lint-ignore CODE,…` as the nearest non-blank line above the statement's first
 * line, inside the section; a `lint-ignore: CODE,…` header for the whole file. An unknown
 * code in either is a warning of its own (code `lint-ignore`), never a silent no-op.
 */
#include "lint_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmig/cmig.h"
#include "text.h"
#include "vec.h"

static const struct cmig_lint_rule rules[] = {
	{ "lint-index-not-concurrent", "CREATE INDEX, DROP INDEX or REINDEX without CONCURRENTLY",
	  "Takes a SHARE lock (ACCESS EXCLUSIVE for DROP INDEX) for the whole operation, so writes "
	  "wait. Use CONCURRENTLY in a transaction:false section, with IF [NOT] EXISTS." },
	{ "lint-volatile-default", "ADD COLUMN whose default must be computed for every row",
	  "A volatile default (random(), clock_timestamp(), gen_random_uuid(), nextval(), …), a "
	  "serial, identity or GENERATED … STORED column, or any default before PostgreSQL 11 "
	  "rewrites the table under ACCESS EXCLUSIVE. Add the column without it, then fill it in "
	  "batches." },
	{ "lint-type-change", "ALTER COLUMN … TYPE that rewrites the table",
	  "Rewrites the table and its indexes under ACCESS EXCLUSIVE, unless it only widens "
	  "varchar(n) or numeric(p,s) or turns varchar into text. Add a new column instead and "
	  "switch over (expand and contract)." },
	{ "lint-set-not-null", "SET NOT NULL on an existing column",
	  "Scans the table under ACCESS EXCLUSIVE. On PostgreSQL 12+ add CHECK (c IS NOT NULL) NOT "
	  "VALID, VALIDATE CONSTRAINT it, then SET NOT NULL, which then skips the scan." },
	{ "lint-not-null-without-default", "ADD COLUMN … NOT NULL without a default",
	  "Fails as soon as the table has a row. Give the column a default, or add it nullable, "
	  "backfill, then set NOT NULL." },
	{ "lint-constraint-not-valid", "ADD FOREIGN KEY or ADD CHECK without NOT VALID",
	  "Checks every row while holding a lock that blocks writes (on both tables for a foreign "
	  "key). Add it NOT VALID, then VALIDATE CONSTRAINT later." },
	{ "lint-add-unique", "ADD UNIQUE or ADD PRIMARY KEY without USING INDEX",
	  "Builds the index under ACCESS EXCLUSIVE. CREATE UNIQUE INDEX CONCURRENTLY first, then "
	  "ADD CONSTRAINT … USING INDEX." },
	{ "lint-rename", "RENAME of a table or a column",
	  "Breaks the application code still running against the old name. Expand and contract: "
	  "add the new name, move the code, drop the old name later." },
	{ "lint-drop", "DROP TABLE or DROP COLUMN",
	  "Loses data and breaks code still using it. Stop using it first, drop it in a later "
	  "migration, and silence the warning there with -- cmig:lint-ignore lint-drop." },
	{ "lint-lock-timeout", "ACCESS EXCLUSIVE lock taken without a lock_timeout",
	  "While an ALTER waits for its lock, every query on the table queues behind it. Start the "
	  "section with SET LOCAL lock_timeout, or set pg_lock_timeout in cmig.yaml." },
	{ "lint-not-idempotent", "statement without IF [NOT] EXISTS in a transaction:false section",
	  "A transaction:false section can stop half done; its re-run fails on a statement that "
	  "already ran. Use IF [NOT] EXISTS where the statement has it." },
	{ "lint-blocking", "VACUUM FULL, CLUSTER or LOCK TABLE",
	  "Holds ACCESS EXCLUSIVE (or the mode LOCK names) for the whole operation. Keep these out "
	  "of migrations (pg_repack), or bound them with a lock_timeout." },
};
#define NRULES (sizeof(rules) / sizeof(rules[0]))

const struct cmig_lint_rule *cmig_lint_rules(size_t *n_out)
{
	*n_out = NRULES;
	return rules;
}

static int rule_index(const char *code, size_t len)
{
	for (size_t i = 0; i < NRULES; i++)
		if (strlen(rules[i].code) == len && !memcmp(rules[i].code, code, len))
			return (int)i;
	return -1;
}

bool cmig_lint_is_code(const char *code, size_t len)
{
	return rule_index(code, len) >= 0;
}

typedef CMIG_VEC(cmig_token) token_vec;

struct walk {
	const struct cmig_lint_options *o;
	cmig_diags *d;
	const struct cmig_revfile *r;
	unsigned file_mask;          /* codes the lint-ignore header silences */
	unsigned stmt_mask;          /* codes the statement's ignore line silences */
	unsigned done_mask;          /* codes already reported for this statement */
	int rc;
};

/* Parse "CODE, CODE …" in [p, e): silenced codes into *mask; unknown ones warned about at
 * line when warn. */
static void parse_codes(struct walk *w, const char *p, const char *e, unsigned line, bool warn,
                        unsigned *mask)
{
	while (p < e) {
		const char *q;
		while (p < e && (*p == ',' || *p == ' ' || *p == '\t' || *p == '\r'))
			p++;
		q = p;
		while (q < e && *q != ',' && *q != ' ' && *q != '\t' && *q != '\r')
			q++;
		if (q > p) {
			int k = rule_index(p, (size_t)(q - p));
			if (k >= 0)
				*mask |= 1u << k;
			else if (warn)
				cmig_diag_full(w->d, CMIG_DIAG_WARNING, CMIG_OK, "lint-ignore", w->r->path, line, 0,
				               NULL, "the lint codes are listed by 'cmig help check'",
				               "lint-ignore: unknown lint code '%.*s' (nothing silenced by it)",
				               (int)(q - p), p);
		}
		p = q;
	}
}

static const char IGNORE[] = "-- cmig:lint-ignore";

/* The ignore line above the statement starting at `start`, if any: its codes into the mask. */
static unsigned stmt_ignores(struct walk *w, const cmig_section *sec, size_t start)
{
	const char *text = w->r->text;
	size_t ls = start, le;
	unsigned mask = 0;
	while (ls > sec->body_start && text[ls - 1] != '\n')
		ls--;
	/* previous lines, nearest first, skipping blank ones */
	while (ls > sec->body_start) {
		size_t p;
		le = ls - 1;   /* the '\n' ending the previous line */
		ls = le;
		while (ls > sec->body_start && text[ls - 1] != '\n')
			ls--;
		for (p = ls; p < le && (text[p] == ' ' || text[p] == '\t' || text[p] == '\r'); p++)
			;
		if (p == le)
			continue;
		if (le - p >= sizeof(IGNORE) - 1 && !memcmp(text + p, IGNORE, sizeof(IGNORE) - 1))
			parse_codes(w, text + p + sizeof(IGNORE) - 1, text + le, 0, false, &mask);
		break;
	}
	return mask;
}

/* Unknown codes on the section's ignore lines, once per section. */
static void check_ignore_lines(struct walk *w, const cmig_section *sec)
{
	const char *text = w->r->text;
	size_t p = sec->body_start;
	unsigned line = sec->body_line;
	while (p < sec->body_end) {
		const char *nl = memchr(text + p, '\n', sec->body_end - p);
		size_t e = nl ? (size_t)(nl - text) : sec->body_end, q = p;
		unsigned dummy = 0;
		while (q < e && (text[q] == ' ' || text[q] == '\t'))
			q++;
		if (e - q >= sizeof(IGNORE) - 1 && !memcmp(text + q, IGNORE, sizeof(IGNORE) - 1))
			parse_codes(w, text + q + sizeof(IGNORE) - 1, text + e, line, true, &dummy);
		p = e + 1;
		line++;
	}
}

static int emit(struct lint_section *s, const struct lint_stmt *st, const char *code,
                const char *hint, const char *fmt, ...)
{
	struct walk *w = s->payload;
	char msg[1024];
	va_list ap;
	int k = rule_index(code, strlen(code));
	unsigned bit = 1u << k;
	if (!s->report || k < 0 || ((w->file_mask | w->stmt_mask) & bit))
		return 0;
	if (w->done_mask & bit)
		return 1;
	w->done_mask |= bit;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	cmig_diag_full(w->d, CMIG_DIAG_WARNING, CMIG_OK, code, w->r->path, st->line, 0, NULL, hint,
	               "%s: %s", code, msg);
	return 1;
}

static int lex_stmt(token_vec *tv, const char *text, const cmig_stmt *s)
{
	cmig_lexer lx;
	cmig_token t;
	tv->n = 0;
	cmig_lexer_init(&lx, text, s->start, s->end);
	while ((t = cmig_lex_next_significant(&lx)).kind != CMIG_TOK_EOF)
		if (CMIG_VEC_PUSH(tv, t))
			return CMIG_ENOMEM;
	return CMIG_OK;
}

/* Lint one section for the dialects in `which` (CMIG_LINT_* bits); replay it into model
 * when given. */
static int lint_section(struct walk *w, const cmig_section *sec, unsigned which, bool also_sqlite,
                        bool down, bool report, struct lint_model *replay, struct lint_model *model,
                        token_vec *tv)
{
	struct lint_section st[2];
	int rc = CMIG_OK;
	memset(st, 0, sizeof(st));
	for (int k = 0; k < 2; k++) {
		st[k].r = w->r;
		st[k].sec = sec;
		st[k].pg = k == 0;
		st[k].dialect = k == 0 ? CMIG_DIALECT_POSTGRESQL : CMIG_DIALECT_SQLITE;
		st[k].also_sqlite = k == 0 && also_sqlite;
		st[k].down = down;
		st[k].report = report;
		st[k].o = w->o;
		st[k].model = k == 0 ? model : NULL;
		st[k].emit = emit;
		st[k].payload = w;
	}
	if (report && which)
		check_ignore_lines(w, sec);
	for (size_t i = 0; i < sec->stmts.n && rc == CMIG_OK; i++) {
		const cmig_stmt *s = &sec->stmts.items[i];
		struct lint_stmt ls;
		if ((rc = lex_stmt(tv, w->r->text, s)) != CMIG_OK)
			break;
		ls.text = w->r->text;
		ls.t = tv->items;
		ls.n = tv->n;
		ls.line = s->line;
		w->done_mask = 0;
		w->stmt_mask = report && which ? stmt_ignores(w, sec, s->start) : 0;
		if (which & CMIG_LINT_POSTGRESQL)
			rc = lint_statement(&st[0], &ls);
		if (rc == CMIG_OK && (which & CMIG_LINT_SQLITE))
			rc = lint_statement(&st[1], &ls);
		if (rc == CMIG_OK && replay)
			rc = lint_model_apply(replay, &ls);
	}
	free(st[0].created);
	free(st[1].created);
	return rc;
}

/* The dialects a section [dir][k] of r is linted for. */
static unsigned section_dialects(const struct walk *w, int dir, int k)
{
	const struct cmig_revfile *r = w->r;
	unsigned set;
	if (k == CMIG_DIALECT_ANY) {
		set = w->o->only != CMIG_DIALECT_ANY ? 1u << w->o->only : w->o->dialects;
		for (int m = CMIG_DIALECT_SQLITE; m <= CMIG_DIALECT_POSTGRESQL; m++)
			if (r->sections[dir][m])
				set &= ~(1u << m);   /* a marked section wins there */
		return set;
	}
	if (w->o->only != CMIG_DIALECT_ANY && w->o->only != (cmig_dialect_kind)k)
		return 0;
	return 1u << k;
}

int cmig_lint_chain(const struct cmig_revfile *const *revs, size_t n,
                    const struct cmig_lint_options *o, cmig_diags *d)
{
	struct walk w;
	struct lint_model model;
	token_vec tv = CMIG_VEC_INIT;
	/* replay whenever a PostgreSQL section may be linted: also a dialect:postgresql section
	 * of a project whose unmarked sections run on SQLite only */
	bool pg = o->only != CMIG_DIALECT_SQLITE;
	int rc = CMIG_OK;

	memset(&w, 0, sizeof(w));
	memset(&model, 0, sizeof(model));
	w.o = o;
	w.d = d;
	for (size_t i = 0; i < n && rc == CMIG_OK; i++) {
		const struct cmig_revfile *r = revs[i];
		const cmig_section *pgup = pg ? cmig_revfile_section(r, CMIG_UP, CMIG_DIALECT_POSTGRESQL) : NULL;
		bool report = (long)i > o->since;
		bool pgup_done = false;
		w.r = r;
		w.file_mask = 0;
		if (!r->parsed)
			continue;
		/* linting reads the statements: a lean file's are read again now */
		if ((rc = cmig_revfile_load(r, d)) != CMIG_OK) {
			lint_model_release(&model);
			free(tv.items);
			return rc;
		}
		for (size_t h = 0; h < r->nheaders; h++)
			if (!strcmp(r->headers[h].key, "lint-ignore"))
				parse_codes(&w, r->headers[h].value, r->headers[h].value + strlen(r->headers[h].value),
				            r->headers[h].line, report, &w.file_mask);
		for (int dir = CMIG_UP; dir <= (o->lint_down ? CMIG_DOWN : CMIG_UP) && rc == CMIG_OK; dir++)
			for (int k = 0; k < CMIG_REVFILE_NSECT && rc == CMIG_OK; k++) {
				const cmig_section *sec = r->sections[dir][k];
				unsigned which;
				bool also_sqlite, replay;
				if (!sec)
					continue;
				which = report ? section_dialects(&w, dir, k) : 0;
				replay = sec == pgup;
				if (!which && !replay)
					continue;
				also_sqlite = k == CMIG_DIALECT_ANY && (o->dialects & CMIG_LINT_SQLITE) &&
				              !r->sections[dir][CMIG_DIALECT_SQLITE];
				rc = lint_section(&w, sec, which, also_sqlite, dir == CMIG_DOWN, report,
				                  replay ? &model : NULL, pg ? &model : NULL, &tv);
				pgup_done |= replay;
			}
		/* the PostgreSQL up section when it was not linted above (--dialect sqlite) */
		if (rc == CMIG_OK && pgup && !pgup_done)
			rc = lint_section(&w, pgup, 0, false, false, false, &model, &model, &tv);
	}
	lint_model_release(&model);
	free(tv.items);
	if (rc == CMIG_ENOMEM)
		cmig_diag_oom(d);
	return rc;
}
