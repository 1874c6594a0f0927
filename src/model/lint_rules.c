/*
 * lint_rules.c - the rules of SPEC §10 on one statement (see lint_int.h).
 *
 * A statement is recognized by its leading keywords only (CREATE INDEX, ALTER TABLE, …), so
 * a function or trigger body, which sits after CREATE FUNCTION / CREATE TRIGGER, is never
 * read as statements of its own. ALTER TABLE actions are split at top-level commas. Rules
 * marked "both dialects" in SPEC §10 (not-null-without-default, drop, not-idempotent) run on
 * SQLite too; the rest only when the section is linted for PostgreSQL. Every rule but
 * not-idempotent is exempt on a table created earlier in the same section.
 */
#include "lint_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmig/cmig.h"
#include "text.h"

/* ---- tokens -------------------------------------------------------------------------- */

bool lint_kw(const struct lint_stmt *st, size_t i, const char *kw)
{
	const cmig_token *t;
	size_t k;
	if (i >= st->n)
		return false;
	t = &st->t[i];
	if (t->kind != CMIG_TOK_WORD)
		return false;
	for (k = 0; k < t->len && kw[k]; k++) {
		char a = st->text[t->start + k], b = kw[k];
		if (a >= 'a' && a <= 'z')
			a = (char)(a - 32);
		if (a != b)
			return false;
	}
	return k == t->len && !kw[k];
}

bool lint_if_exists(const struct lint_stmt *st, size_t *i)
{
	if (!lint_kw(st, *i, "IF") || !lint_kw(st, *i + 1, "EXISTS"))
		return false;
	*i += 2;
	return true;
}

bool lint_if_not_exists(const struct lint_stmt *st, size_t *i)
{
	if (!lint_kw(st, *i, "IF") || !lint_kw(st, *i + 1, "NOT") || !lint_kw(st, *i + 2, "EXISTS"))
		return false;
	*i += 3;
	return true;
}

bool lint_punct(const struct lint_stmt *st, size_t i, char c)
{
	return i < st->n && st->t[i].kind == CMIG_TOK_PUNCT && st->t[i].len == 1 &&
	       st->text[st->t[i].start] == c;
}

size_t lint_skip_parens(const struct lint_stmt *st, size_t i)
{
	size_t depth = 0;
	for (; i < st->n; i++) {
		if (lint_punct(st, i, '('))
			depth++;
		else if (lint_punct(st, i, ')') && depth && --depth == 0)
			return i + 1;
	}
	return st->n;
}

void lint_token_name(const struct lint_stmt *st, size_t i, char out[LINT_NAME_MAX])
{
	const cmig_token *t = &st->t[i];
	const char *p = st->text + t->start;
	size_t len = t->len, o = 0;
	bool quoted = t->kind == CMIG_TOK_QIDENT && len >= 2;
	if (quoted) {
		p++;
		len -= 2;
	}
	for (size_t k = 0; k < len && o + 1 < LINT_NAME_MAX; k++) {
		char c = p[k];
		if (quoted && c == '"' && k + 1 < len && p[k + 1] == '"')
			k++;
		else if (!quoted && c >= 'A' && c <= 'Z')
			c = (char)(c + 32);
		out[o++] = c;
	}
	out[o] = 0;
}

static bool is_name_token(const struct lint_stmt *st, size_t i)
{
	return i < st->n && (st->t[i].kind == CMIG_TOK_WORD || st->t[i].kind == CMIG_TOK_QIDENT);
}

bool lint_name(const struct lint_stmt *st, size_t *i, char out[LINT_NAME_MAX])
{
	size_t k = *i;
	if (!is_name_token(st, k))
		return false;
	while (lint_punct(st, k + 1, '.') && is_name_token(st, k + 2))
		k += 2;
	lint_token_name(st, k, out);
	*i = k + 1;
	return true;
}

/* ---- section bookkeeping ------------------------------------------------------------- */

bool lint_is_created(const struct lint_section *s, const char *name)
{
	for (size_t i = 0; i < s->ncreated; i++)
		if (!strcmp(s->created[i], name))
			return true;
	return false;
}

int lint_add_created(struct lint_section *s, const char *name)
{
	if (lint_is_created(s, name))
		return CMIG_OK;
	if (s->ncreated == s->capcreated) {
		size_t cap = s->capcreated ? 2 * s->capcreated : 8;
		char(*grown)[LINT_NAME_MAX] = realloc(s->created, cap * sizeof(*grown));
		if (!grown)
			return CMIG_ENOMEM;
		s->created = grown;
		s->capcreated = cap;
	}
	snprintf(s->created[s->ncreated++], LINT_NAME_MAX, "%s", name);
	return CMIG_OK;
}

/* ---- hints --------------------------------------------------------------------------- */

/* Where the safe form goes: a dialect:postgresql section when the section also runs on
 * SQLite; a transaction:false one when the form needs it and the section is not one. */
static const char *where(const struct lint_section *s, bool notx)
{
	bool need_notx = notx && s->sec->transactional;
	if (s->also_sqlite) {
		if (s->down)
			return need_notx ? "in a '-- migrate:down dialect:postgresql transaction:false' section "
			                   "(the plain statement in a 'dialect:sqlite' one): "
			                 : "in a '-- migrate:down dialect:postgresql' section "
			                   "(the plain statement in a 'dialect:sqlite' one): ";
		return need_notx ? "in a '-- migrate:up dialect:postgresql transaction:false' section "
		                   "(the plain statement in a 'dialect:sqlite' one): "
		                 : "in a '-- migrate:up dialect:postgresql' section "
		                   "(the plain statement in a 'dialect:sqlite' one): ";
	}
	return need_notx ? "in a 'transaction:false' section: " : "";
}

/* Hints are cut at the buffer's size rather than failing: they are advice, not data. */
static const char *hint_fmt(char *buf, size_t cap, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static const char *hint_fmt(char *buf, size_t cap, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, cap, fmt, ap);
	va_end(ap);
	return buf;
}
#define HINT(...) hint_fmt(hint, sizeof(hint), __VA_ARGS__)

/* ---- ALTER TABLE --------------------------------------------------------------------- */

struct coldef {
	char name[LINT_NAME_MAX];
	bool not_null, has_default, default_null, volatile_default, serial, identity, stored;
	char func[LINT_NAME_MAX];   /* the volatile function called, or the serial type */
};

static const char *const volatile_funcs[] = {
	"random", "clock_timestamp", "timeofday", "gen_random_uuid", "uuid_generate_v1",
	"uuid_generate_v1mc", "uuid_generate_v4", "nextval",
};

static bool col_constraint_kw(const struct lint_stmt *st, size_t i)
{
	static const char *const kws[] = { "CONSTRAINT", "NOT", "NULL", "DEFAULT", "CHECK",
		                               "REFERENCES", "UNIQUE", "PRIMARY", "GENERATED",
		                               "COLLATE" };
	for (size_t k = 0; k < sizeof(kws) / sizeof(kws[0]); k++)
		if (lint_kw(st, i, kws[k]))
			return true;
	return false;
}

/* A column definition in tokens [i, end). */
static void parse_coldef(const struct lint_stmt *st, size_t i, size_t end, struct coldef *c)
{
	static const char *const serials[] = { "SERIAL", "BIGSERIAL", "SMALLSERIAL", "SERIAL2",
		                                   "SERIAL4", "SERIAL8" };
	memset(c, 0, sizeof(*c));
	if (i >= end)
		return;
	lint_token_name(st, i, c->name);
	i++;
	for (; i < end && !col_constraint_kw(st, i); i++) {
		for (size_t k = 0; k < sizeof(serials) / sizeof(serials[0]); k++)
			if (lint_kw(st, i, serials[k])) {
				c->serial = true;
				lint_token_name(st, i, c->func);
			}
		if (lint_punct(st, i, '('))
			i = lint_skip_parens(st, i) - 1;
	}
	while (i < end) {
		if (lint_kw(st, i, "NOT") && lint_kw(st, i + 1, "NULL")) {
			c->not_null = true;
			i += 2;
		} else if (lint_kw(st, i, "DEFAULT")) {
			size_t e = i + 2;
			c->has_default = true;
			while (e < end && !col_constraint_kw(st, e))
				e = lint_punct(st, e, '(') ? lint_skip_parens(st, e) : e + 1;
			if (e > end)
				e = end;
			c->default_null = e == i + 2 && lint_kw(st, i + 1, "NULL");
			for (size_t k = i + 1; k < e; k++) {
				if (st->t[k].kind != CMIG_TOK_WORD || !lint_punct(st, k + 1, '('))
					continue;
				for (size_t f = 0; f < sizeof(volatile_funcs) / sizeof(volatile_funcs[0]); f++) {
					char nm[LINT_NAME_MAX];
					lint_token_name(st, k, nm);
					if (!strcmp(nm, volatile_funcs[f]) && !c->volatile_default) {
						c->volatile_default = true;
						snprintf(c->func, sizeof(c->func), "%s", nm);
					}
				}
			}
			i = e;
		} else if (lint_kw(st, i, "GENERATED")) {
			size_t e = i + 1;
			while (e < end && !lint_kw(st, e, "AS"))
				e++;
			if (lint_kw(st, e + 1, "IDENTITY")) {
				c->identity = true;
				i = e + 2;
			} else {
				e = lint_punct(st, e + 1, '(') ? lint_skip_parens(st, e + 1) : e + 1;
				if (lint_kw(st, e, "STORED"))
					c->stored = true;
				i = e;
			}
		} else if (lint_punct(st, i, '(')) {
			i = lint_skip_parens(st, i);
		} else {
			i++;
		}
	}
}

/* Type text -> canonical base name and modifiers, for lint-type-change. */
struct typeinfo {
	char base[64];
	long mod[2];
	int nmod;
	bool array;
};

static void type_of_text(const char *text, size_t len, struct typeinfo *ti)
{
	cmig_lexer lx;
	cmig_token t;
	size_t o = 0;
	bool in_mod = false;
	memset(ti, 0, sizeof(*ti));
	cmig_lexer_init(&lx, text, 0, len);
	while ((t = cmig_lex_next_significant(&lx)).kind != CMIG_TOK_EOF) {
		const char *p = text + t.start;
		if (t.kind == CMIG_TOK_WORD && !in_mod) {
			if (o && o + 1 < sizeof(ti->base))
				ti->base[o++] = ' ';
			for (size_t k = 0; k < t.len && o + 1 < sizeof(ti->base); k++)
				ti->base[o++] = (char)((p[k] >= 'A' && p[k] <= 'Z') ? p[k] + 32 : p[k]);
		} else if (t.kind == CMIG_TOK_PUNCT && *p == '(') {
			in_mod = true;
		} else if (t.kind == CMIG_TOK_PUNCT && *p == ')') {
			in_mod = false;
		} else if (t.kind == CMIG_TOK_NUMBER && in_mod && ti->nmod < 2) {
			ti->mod[ti->nmod++] = strtol(p, NULL, 10);
		} else if (t.kind == CMIG_TOK_QIDENT && *p == '[') {
			ti->array = true;
		}
	}
	ti->base[o] = 0;
	if (!strcmp(ti->base, "character varying") || !strcmp(ti->base, "char varying"))
		strcpy(ti->base, "varchar");
	else if (!strcmp(ti->base, "decimal"))
		strcpy(ti->base, "numeric");
}

/* Whether changing old to new needs no table rewrite (SPEC §10's list). */
static bool type_change_is_free(const char *old, const char *new_)
{
	struct typeinfo a, b;
	type_of_text(old, strlen(old), &a);
	type_of_text(new_, strlen(new_), &b);
	if (!a.base[0] || a.array != b.array)
		return false;
	if (!strcmp(a.base, b.base) && a.nmod == b.nmod && a.mod[0] == b.mod[0] && a.mod[1] == b.mod[1])
		return true;
	if (!strcmp(a.base, "varchar")) {
		if (!strcmp(b.base, "text"))
			return true;
		if (!strcmp(b.base, "varchar"))
			return b.nmod == 0 || (a.nmod == 1 && b.mod[0] >= a.mod[0]);
	}
	if (!strcmp(a.base, "text") && !strcmp(b.base, "varchar") && b.nmod == 0)
		return true;
	if (!strcmp(a.base, "numeric") && !strcmp(b.base, "numeric")) {
		if (b.nmod == 0)
			return true;
		if (a.nmod >= 1 && b.mod[0] >= a.mod[0] && (a.nmod == 2 ? a.mod[1] : 0) == (b.nmod == 2 ? b.mod[1] : 0))
			return true;
	}
	return false;
}

/* Text of tokens [i, end) as written. */
static void span_text(const struct lint_stmt *st, size_t i, size_t end, char *out, size_t cap)
{
	size_t a, b;
	if (i >= end || !cap) {
		if (cap)
			out[0] = 0;
		return;
	}
	a = st->t[i].start;
	b = st->t[end - 1].start + st->t[end - 1].len;
	snprintf(out, cap, "%.*s", (int)(b - a), st->text + a);
}

struct alter_ctx {
	char table[LINT_NAME_MAX];
	bool is_new;                 /* created earlier in this section */
	bool takes_ae;               /* some action takes ACCESS EXCLUSIVE */
};

static int add_column(struct lint_section *s, const struct lint_stmt *st, struct alter_ctx *a,
                      size_t i, size_t end, bool if_not_exists)
{
	struct coldef c;
	char hint[512];
	const char *w = where(s, false);
	parse_coldef(st, i, end, &c);
	if (!s->sec->transactional && !if_not_exists && s->pg)
		s->emit(s, st, "lint-not-idempotent",
		        HINT("ADD COLUMN IF NOT EXISTS %s …", c.name),
		        "ADD COLUMN %s without IF NOT EXISTS in a transaction:false section fails "
		        "when a re-run after a partial failure finds the column there", c.name);
	if (a->is_new)
		return CMIG_OK;
	if (c.not_null && (!c.has_default || c.default_null) && !c.serial && !c.identity && !c.stored)
		s->emit(s, st, "lint-not-null-without-default",
		        HINT("%sadd %s with a DEFAULT, or add it nullable, backfill it, then SET NOT NULL",
		             s->pg ? w : "", c.name),
		        s->pg ? "ADD COLUMN %s.%s NOT NULL without a DEFAULT fails, under an ACCESS "
		                "EXCLUSIVE lock on %s, as soon as the table has a row"
		              : "ADD COLUMN %s.%s NOT NULL without a DEFAULT fails, holding the "
		                "database's write lock, as soon as %s has a row",
		        a->table, c.name, a->table);
	if (!s->pg)
		return CMIG_OK;
	if (c.serial || c.identity || c.stored || c.volatile_default ||
	    (s->o->pg_version < 11 && c.has_default && !c.default_null)) {
		const char *what = c.serial ? c.func : c.identity ? "identity" : c.stored
		                   ? "GENERATED … STORED" : c.volatile_default ? c.func : "DEFAULT";
		if (c.serial || c.identity || c.stored || c.volatile_default)
			s->emit(s, st, "lint-volatile-default",
			        c.stored ? HINT("%sno form adds a STORED generated column without a rewrite: "
			                        "add a plain column kept current by a trigger and fill it in "
			                        "batches, or take the rewrite in a maintenance window", w)
			        : c.volatile_default
			        ? HINT("%sadd %s without the default (or with a constant one), fill it in "
			               "batches, then SET DEFAULT", w, c.name)
			        : HINT("%sadd %s as a plain nullable column, fill it in batches, then "
			               "attach a sequence with SET DEFAULT nextval(…)", w, c.name),
			        "ADD COLUMN %s.%s with %s%s fills every row: it rewrites %s under an "
			        "ACCESS EXCLUSIVE lock", a->table, c.name, what,
			        c.volatile_default ? "()" : c.serial ? " type" : " column", a->table);
		else
			s->emit(s, st, "lint-volatile-default",
			        HINT("%sadd %s without a DEFAULT, then ALTER COLUMN %s SET DEFAULT in a "
			             "second statement and fill the existing rows in batches", w, c.name,
			             c.name),
			        "ADD COLUMN %s.%s with a DEFAULT rewrites %s under an ACCESS EXCLUSIVE "
			        "lock before PostgreSQL 11 (postgresql_version is %u)", a->table, c.name,
			        a->table, s->o->pg_version);
	}
	return CMIG_OK;
}

static void add_constraint(struct lint_section *s, const struct lint_stmt *st,
                           struct alter_ctx *a, size_t i, size_t end)
{
	char hint[512], name[LINT_NAME_MAX] = "";
	const char *w = where(s, false);
	bool not_valid = false, using_index = false;
	if (lint_kw(st, i, "CONSTRAINT") && is_name_token(st, i + 1)) {
		lint_token_name(st, i + 1, name);
		i += 2;
	}
	for (size_t k = i; k < end; k++) {
		if (lint_kw(st, k, "NOT") && lint_kw(st, k + 1, "VALID"))
			not_valid = true;
		if (lint_kw(st, k, "USING") && lint_kw(st, k + 1, "INDEX"))
			using_index = true;
	}
	if (!s->pg || a->is_new)
		return;
	if (lint_kw(st, i, "FOREIGN") && !not_valid) {
		char parent[LINT_NAME_MAX] = "its parent";
		for (size_t k = i; k < end; k++)
			if (lint_kw(st, k, "REFERENCES")) {
				size_t j = k + 1;
				lint_name(st, &j, parent);
				break;
			}
		s->emit(s, st, "lint-constraint-not-valid",
		        HINT("%sADD CONSTRAINT … FOREIGN KEY … NOT VALID, then VALIDATE CONSTRAINT … in "
		             "a later migration (it takes only SHARE UPDATE EXCLUSIVE)", w),
		        "ADD FOREIGN KEY on %s checks every row while holding a SHARE ROW EXCLUSIVE "
		        "lock on %s and on %s: writes to both wait", a->table, a->table, parent);
	} else if (lint_kw(st, i, "CHECK") && !not_valid) {
		s->emit(s, st, "lint-constraint-not-valid",
		        HINT("%sADD CONSTRAINT … CHECK (…) NOT VALID, then VALIDATE CONSTRAINT … in a "
		             "later migration (it takes only SHARE UPDATE EXCLUSIVE)", w),
		        "ADD CHECK on %s checks every row under an ACCESS EXCLUSIVE lock on %s",
		        a->table, a->table);
	} else if ((lint_kw(st, i, "UNIQUE") || (lint_kw(st, i, "PRIMARY") && lint_kw(st, i + 1, "KEY"))) &&
	           !using_index) {
		const char *kind = lint_kw(st, i, "UNIQUE") ? "UNIQUE" : "PRIMARY KEY";
		s->emit(s, st, "lint-add-unique",
		        HINT("%sCREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS %s_idx ON %s (…) in a "
		             "transaction:false section, then ALTER TABLE %s ADD CONSTRAINT %s %s USING "
		             "INDEX %s_idx", s->also_sqlite ? where(s, true) : "",
		             name[0] ? name : a->table, a->table, a->table, name[0] ? name : "…", kind,
		             name[0] ? name : a->table),
		        "ADD %s on %s builds its index under an ACCESS EXCLUSIVE lock on %s: reads and "
		        "writes wait for the whole build", kind, a->table, a->table);
	}
}

static int alter_action(struct lint_section *s, const struct lint_stmt *st, struct alter_ctx *a,
                        size_t i, size_t end)
{
	char hint[512], col[LINT_NAME_MAX], tmp[LINT_NAME_MAX];
	const char *w = where(s, false);

	if (lint_kw(st, i, "ADD")) {
		bool ine = false;
		size_t k = i + 1;
		a->takes_ae |= !(lint_kw(st, k, "FOREIGN") ||
		                 (lint_kw(st, k, "CONSTRAINT") && lint_kw(st, k + 2, "FOREIGN")));
		if (lint_kw(st, k, "CONSTRAINT") || lint_kw(st, k, "UNIQUE") || lint_kw(st, k, "CHECK") ||
		    lint_kw(st, k, "FOREIGN") || lint_kw(st, k, "EXCLUDE") ||
		    (lint_kw(st, k, "PRIMARY") && lint_kw(st, k + 1, "KEY"))) {
			add_constraint(s, st, a, k, end);
			return CMIG_OK;
		}
		if (lint_kw(st, k, "COLUMN"))
			k++;
		ine = lint_if_not_exists(st, &k);
		return add_column(s, st, a, k, end, ine);
	}
	if (lint_kw(st, i, "DROP")) {
		size_t k = i + 1;
		bool ie = false, is_col = true;
		a->takes_ae = true;
		if (lint_kw(st, k, "CONSTRAINT")) {
			is_col = false;
			k++;
		} else if (lint_kw(st, k, "COLUMN")) {
			k++;
		}
		ie = lint_if_exists(st, &k);
		if (!is_name_token(st, k))
			return CMIG_OK;
		lint_token_name(st, k, col);
		if (!s->sec->transactional && !ie && s->pg)
			s->emit(s, st, "lint-not-idempotent",
			        HINT("DROP %s IF EXISTS %s", is_col ? "COLUMN" : "CONSTRAINT", col),
			        "DROP %s %s without IF EXISTS in a transaction:false section fails when a "
			        "re-run after a partial failure finds it gone", is_col ? "COLUMN" : "CONSTRAINT", col);
		if (is_col && !s->down && !a->is_new)
			s->emit(s, st, "lint-drop",
			        HINT("stop reading and writing %s.%s in a deploy first, then drop it in a "
			             "later migration (silence this with '-- cmig:lint-ignore lint-drop' "
			             "above the statement once nothing uses it)", a->table, col),
			        s->pg ? "DROP COLUMN %s.%s takes an ACCESS EXCLUSIVE lock on %s and loses "
			                "the column's data; code still using it breaks"
			              : "DROP COLUMN %s.%s takes the database's write lock and loses the "
			                "column's data; code still using it breaks (%s)",
			        a->table, col, a->table);
		return CMIG_OK;
	}
	if (lint_kw(st, i, "ALTER") && !lint_kw(st, i + 1, "CONSTRAINT")) {
		size_t k = i + 1;
		if (lint_kw(st, k, "COLUMN"))
			k++;
		if (!is_name_token(st, k))
			return CMIG_OK;
		lint_token_name(st, k, col);
		k++;
		if (lint_kw(st, k, "SET") && (lint_kw(st, k + 1, "STATISTICS") || lint_punct(st, k + 1, '(')))
			return CMIG_OK;
		if (lint_kw(st, k, "RESET"))
			return CMIG_OK;
		a->takes_ae = true;
		if (lint_kw(st, k, "SET") && lint_kw(st, k + 1, "DATA"))
			k += 2;
		if (lint_kw(st, k, "TYPE") && s->pg && !a->is_new) {
			char newtype[256];
			const char *old = s->model ? lint_model_type(s->model, a->table, col) : NULL;
			size_t e = k + 1;
			bool using = false;
			while (e < end && !lint_kw(st, e, "USING") && !lint_kw(st, e, "COLLATE"))
				e++;
			for (size_t u = e; u < end; u++)
				using |= lint_kw(st, u, "USING");
			span_text(st, k + 1, e, newtype, sizeof(newtype));
			if (old && !using && type_change_is_free(old, newtype))
				return CMIG_OK;
			s->emit(s, st, "lint-type-change",
			        HINT("%sadd a new column of type %s, fill it in batches, switch the code "
			             "over, then drop the old one (expand and contract); only widening "
			             "varchar(n) or numeric(p,s), or varchar to text, needs no rewrite",
			             w, newtype),
			        old ? "ALTER COLUMN %s.%s TYPE %s (from %s%s) rewrites %s and its indexes "
			              "under an ACCESS EXCLUSIVE lock"
			            : "ALTER COLUMN %s.%s TYPE %s%s%s rewrites %s and its indexes under an "
			              "ACCESS EXCLUSIVE lock (the old type is not known from the chain's "
			              "earlier statements)",
			        a->table, col, newtype, old ? old : "", using ? ", with USING" : "", a->table);
			return CMIG_OK;
		}
		if (lint_kw(st, k, "SET") && lint_kw(st, k + 1, "NOT") && lint_kw(st, k + 2, "NULL") &&
		    s->pg && !a->is_new) {
			if (s->model && (lint_model_is_not_null(s->model, a->table, col) ||
			                 (s->o->pg_version >= 12 &&
			                  lint_model_not_null_checked(s->model, a->table, col))))
				return CMIG_OK;
			if (s->o->pg_version >= 12)
				s->emit(s, st, "lint-set-not-null",
				        HINT("%sALTER TABLE %s ADD CONSTRAINT %s_%s_not_null CHECK (%s IS NOT "
				             "NULL) NOT VALID; then, in a later migration, VALIDATE CONSTRAINT "
				             "%s_%s_not_null; then SET NOT NULL (PostgreSQL 12+ skips the scan) "
				             "and drop the check", w, a->table, a->table, col, col, a->table, col),
				        "SET NOT NULL on %s.%s scans the whole table under an ACCESS EXCLUSIVE "
				        "lock on %s", a->table, col, a->table);
			else
				s->emit(s, st, "lint-set-not-null",
				        HINT("%sbefore PostgreSQL 12 SET NOT NULL always scans: keep a "
				             "CHECK (%s IS NOT NULL) NOT VALID constraint, VALIDATE it in a "
				             "later migration, and set NOT NULL after upgrading to 12+", w, col),
				        "SET NOT NULL on %s.%s scans the whole table under an ACCESS EXCLUSIVE "
				        "lock on %s (postgresql_version is %u)", a->table, col, a->table,
				        s->o->pg_version);
		}
		return CMIG_OK;
	}
	if (lint_kw(st, i, "RENAME")) {
		size_t k = i + 1;
		a->takes_ae = true;
		if (lint_kw(st, k, "CONSTRAINT"))
			return CMIG_OK;
		if (lint_kw(st, k, "TO")) {
			lint_token_name(st, k + 1 < st->n ? k + 1 : k, tmp);
			if (a->is_new)
				return lint_add_created(s, tmp);
			if (s->pg)
				s->emit(s, st, "lint-rename",
				        HINT("%sexpand and contract: create the new table (or a view named %s "
				             "over the old one), move the code over, drop the old name in a "
				             "later migration", w, tmp),
				        "RENAME of table %s to %s takes an ACCESS EXCLUSIVE lock on %s and "
				        "breaks application code still using the old name", a->table, tmp,
				        a->table);
			return CMIG_OK;
		}
		if (lint_kw(st, k, "COLUMN"))
			k++;
		if (!is_name_token(st, k) || a->is_new || !s->pg)
			return CMIG_OK;
		lint_token_name(st, k, col);
		tmp[0] = 0;
		if (lint_kw(st, k + 1, "TO") && is_name_token(st, k + 2))
			lint_token_name(st, k + 2, tmp);
		s->emit(s, st, "lint-rename",
		        HINT("%sexpand and contract: add %s, write both columns, move the code over, "
		             "then drop %s in a later migration", w, tmp[0] ? tmp : "the new column", col),
		        "RENAME of column %s.%s to %s takes an ACCESS EXCLUSIVE lock on %s and breaks "
		        "application code still using the old name", a->table, col,
		        tmp[0] ? tmp : "a new name", a->table);
		return CMIG_OK;
	}
	/* actions that take less than ACCESS EXCLUSIVE */
	if (lint_kw(st, i, "VALIDATE") || lint_kw(st, i, "CLUSTER") || lint_kw(st, i, "ATTACH") ||
	    lint_kw(st, i, "DETACH") || lint_kw(st, i, "ENABLE") || lint_kw(st, i, "DISABLE") ||
	    (lint_kw(st, i, "SET") && (lint_kw(st, i + 1, "WITHOUT") || lint_punct(st, i + 1, '('))) ||
	    lint_kw(st, i, "RESET"))
		return CMIG_OK;
	a->takes_ae = true;
	return CMIG_OK;
}

static void lock_timeout_rule(struct lint_section *s, const struct lint_stmt *st,
                              const char *what, const char *table)
{
	char hint[512];
	if (!s->pg || !s->sec->transactional || s->o->lock_timeout_set || s->lock_timeout ||
	    s->lock_timeout_reported || lint_is_created(s, table))
		return;
	/* once a section; a statement whose ignore line silences it does not count */
	s->lock_timeout_reported = s->emit(s, st, "lint-lock-timeout",
	        HINT("%sstart the section with SET LOCAL lock_timeout = '5s'; (or set pg_lock_timeout "
	             "in cmig.yaml)", where(s, false)),
	        "%s waits for an ACCESS EXCLUSIVE lock on %s with no lock_timeout: while it waits, "
	        "every query on %s queues behind it", what, table, table);
}

static int alter_table(struct lint_section *s, const struct lint_stmt *st)
{
	struct alter_ctx a;
	size_t i = 2, start;
	int rc = CMIG_OK;
	memset(&a, 0, sizeof(a));
	lint_if_exists(st, &i);
	if (lint_kw(st, i, "ONLY"))
		i++;
	if (!lint_name(st, &i, a.table))
		return CMIG_OK;
	if (lint_punct(st, i, '*'))
		i++;
	a.is_new = lint_is_created(s, a.table);
	start = i;
	while (start < st->n && rc == CMIG_OK) {
		size_t end = start;
		while (end < st->n && !lint_punct(st, end, ','))
			end = lint_punct(st, end, '(') ? lint_skip_parens(st, end) : end + 1;
		rc = alter_action(s, st, &a, start, end);
		start = end + 1;
	}
	if (a.takes_ae)
		lock_timeout_rule(s, st, "ALTER TABLE", a.table);
	return rc;
}

/* ---- other statements ---------------------------------------------------------------- */

static void not_idempotent(struct lint_section *s, const struct lint_stmt *st, const char *form,
                           const char *iff, const char *hint_stmt)
{
	char hint[512];
	s->emit(s, st, "lint-not-idempotent", HINT("%s", hint_stmt),
	        "%s without %s in a transaction:false section fails when a re-run after a partial "
	        "failure finds it already done", form, iff);
}

static int create_index(struct lint_section *s, const struct lint_stmt *st, size_t i)
{
	char hint[512], name[LINT_NAME_MAX] = "", table[LINT_NAME_MAX] = "";
	bool conc = false, ine = false, unique = lint_kw(st, 1, "UNIQUE");
	if (lint_kw(st, i, "CONCURRENTLY")) {
		conc = true;
		i++;
	}
	ine = lint_if_not_exists(st, &i);
	if (!lint_kw(st, i, "ON"))
		lint_name(st, &i, name);
	if (!lint_kw(st, i, "ON"))
		return CMIG_OK;
	i++;
	if (lint_kw(st, i, "ONLY"))
		i++;
	if (!lint_name(st, &i, table))
		return CMIG_OK;
	if (!s->sec->transactional && !ine && name[0])
		not_idempotent(s, st, unique ? "CREATE UNIQUE INDEX" : "CREATE INDEX", "IF NOT EXISTS",
		               s->pg ? "CREATE INDEX CONCURRENTLY IF NOT EXISTS … (a failed concurrent "
		                       "build leaves an INVALID index: drop it before the re-run)"
		                     : "CREATE INDEX IF NOT EXISTS …");
	if (lint_is_created(s, table)) {
		if (name[0])
			return lint_add_created(s, name);
		return CMIG_OK;
	}
	if (s->pg && !conc)
		s->emit(s, st, "lint-index-not-concurrent",
		        HINT("%sCREATE %sINDEX CONCURRENTLY IF NOT EXISTS %s ON %s …", where(s, true),
		             unique ? "UNIQUE " : "", name[0] ? name : "…", table),
		        "CREATE %sINDEX on %s takes a SHARE lock on %s: writes wait for the whole build",
		        unique ? "UNIQUE " : "", table, table);
	return CMIG_OK;
}

static void drop_index(struct lint_section *s, const struct lint_stmt *st)
{
	char hint[512], name[LINT_NAME_MAX] = "", what[LINT_NAME_MAX + 16];
	size_t i = 2;
	bool conc = false, ie = false;
	if (lint_kw(st, i, "CONCURRENTLY")) {
		conc = true;
		i++;
	}
	ie = lint_if_exists(st, &i);
	if (!lint_name(st, &i, name))
		return;
	if (!s->sec->transactional && !ie)
		not_idempotent(s, st, "DROP INDEX", "IF EXISTS",
		               s->pg ? "DROP INDEX CONCURRENTLY IF EXISTS …" : "DROP INDEX IF EXISTS …");
	if (!s->pg || lint_is_created(s, name))
		return;
	snprintf(what, sizeof(what), "the table of %s", name);
	if (!conc)
		s->emit(s, st, "lint-index-not-concurrent",
		        HINT("%sDROP INDEX CONCURRENTLY IF EXISTS %s", where(s, true), name),
		        "DROP INDEX %s takes an ACCESS EXCLUSIVE lock on its table: reads and writes "
		        "wait until it is done", name);
	if (!conc)
		lock_timeout_rule(s, st, "DROP INDEX", what);
}

static void reindex(struct lint_section *s, const struct lint_stmt *st)
{
	char hint[512], name[LINT_NAME_MAX] = "";
	size_t i = 1;
	const char *kind;
	if (!s->pg)
		return;
	if (lint_punct(st, i, '('))
		i = lint_skip_parens(st, i);
	if (lint_kw(st, i, "INDEX"))
		kind = "index";
	else if (lint_kw(st, i, "TABLE"))
		kind = "table";
	else
		return;    /* SCHEMA, DATABASE, SYSTEM: maintenance, not a migration's business */
	i++;
	if (lint_kw(st, i, "CONCURRENTLY"))
		return;
	lint_name(st, &i, name);
	if (lint_is_created(s, name))
		return;
	if (s->o->pg_version >= 12)
		s->emit(s, st, "lint-index-not-concurrent",
		        HINT("%sREINDEX %s CONCURRENTLY %s", where(s, true), kind, name),
		        "REINDEX %s %s takes a SHARE lock on %s%s (ACCESS EXCLUSIVE on each index "
		        "rebuilt): writes wait for the whole rebuild", kind, name,
		        !strcmp(kind, "table") ? "" : "the table of ", name);
	else
		s->emit(s, st, "lint-index-not-concurrent",
		        HINT("%sbefore PostgreSQL 12 there is no REINDEX CONCURRENTLY: CREATE INDEX "
		             "CONCURRENTLY a copy, then DROP INDEX CONCURRENTLY the old one",
		             where(s, true)),
		        "REINDEX %s %s takes a SHARE lock on %s%s (ACCESS EXCLUSIVE on each index "
		        "rebuilt): writes wait for the whole rebuild", kind, name,
		        !strcmp(kind, "table") ? "" : "the table of ", name);
}

static void drop_table(struct lint_section *s, const struct lint_stmt *st)
{
	char hint[512], name[LINT_NAME_MAX] = "";
	size_t i = 2;
	bool ie = false;
	ie = lint_if_exists(st, &i);
	if (!lint_name(st, &i, name))
		return;
	if (!s->sec->transactional && !ie)
		not_idempotent(s, st, "DROP TABLE", "IF EXISTS", "DROP TABLE IF EXISTS …");
	if (lint_is_created(s, name))
		return;
	if (!s->down)
		s->emit(s, st, "lint-drop",
		        HINT("stop reading and writing %s in a deploy first, then drop it in a later "
		             "migration (silence this with '-- cmig:lint-ignore lint-drop' above the "
		             "statement once nothing uses it)", name),
		        s->pg ? "DROP TABLE %s takes an ACCESS EXCLUSIVE lock on %s and loses its data; "
		                "code still using it breaks"
		              : "DROP TABLE %s takes the database's write lock and loses the data of %s; "
		                "code still using it breaks", name, name);
	lock_timeout_rule(s, st, "DROP TABLE", name);
}

static void blocking(struct lint_section *s, const struct lint_stmt *st, const char *what,
                     const char *table, const char *mode, const char *hint_text)
{
	char hint[512];
	if (!s->pg || (table[0] && lint_is_created(s, table)))
		return;
	s->emit(s, st, "lint-blocking", HINT("%s", hint_text),
	        "%s takes %s lock on %s for the whole operation", what, mode,
	        table[0] ? table : "every table it processes");
}

/* CREATE …: tables and indexes, and the not-idempotent forms. */
static int create_stmt(struct lint_section *s, const struct lint_stmt *st)
{
	size_t i = 1;
	char name[LINT_NAME_MAX];
	if (lint_kw(st, i, "OR") && lint_kw(st, i + 1, "REPLACE"))
		return CMIG_OK;
	if (lint_kw(st, i, "UNIQUE"))
		i++;
	if (lint_kw(st, i, "INDEX"))
		return create_index(s, st, i + 1);
	i = 1;
	if (lint_kw(st, i, "TEMP") || lint_kw(st, i, "TEMPORARY") || lint_kw(st, i, "UNLOGGED") ||
	    lint_kw(st, i, "GLOBAL") || lint_kw(st, i, "LOCAL"))
		i++;
	if (lint_kw(st, i, "TEMP") || lint_kw(st, i, "TEMPORARY"))
		i++;
	if (lint_kw(st, i, "TABLE") || (!s->pg && lint_kw(st, i, "VIRTUAL") && lint_kw(st, i + 1, "TABLE"))) {
		size_t k = i + (lint_kw(st, i, "VIRTUAL") ? 2 : 1);
		bool ine = lint_if_not_exists(st, &k);
		if (!s->sec->transactional && !ine)
			not_idempotent(s, st, "CREATE TABLE", "IF NOT EXISTS", "CREATE TABLE IF NOT EXISTS …");
		if (lint_name(st, &k, name))
			return lint_add_created(s, name);
		return CMIG_OK;
	}
	if (s->sec->transactional)
		return CMIG_OK;
	{
		static const struct { const char *kw, *kw2; bool pg, sqlite; } forms[] = {
			{ "SEQUENCE", NULL, true, false }, { "SCHEMA", NULL, true, false },
			{ "EXTENSION", NULL, true, false }, { "MATERIALIZED", "VIEW", true, false },
			{ "VIEW", NULL, false, true }, { "TRIGGER", NULL, false, true },
		};
		for (size_t f = 0; f < sizeof(forms) / sizeof(forms[0]); f++) {
			size_t k = i + (forms[f].kw2 ? 2 : 1);
			char form[64], hint_stmt[96];
			if (!lint_kw(st, i, forms[f].kw) || (forms[f].kw2 && !lint_kw(st, i + 1, forms[f].kw2)) ||
			    !(s->pg ? forms[f].pg : forms[f].sqlite))
				continue;
			if (lint_kw(st, k, "IF"))
				return CMIG_OK;
			snprintf(form, sizeof(form), "CREATE %s%s%s", forms[f].kw, forms[f].kw2 ? " " : "",
			         forms[f].kw2 ? forms[f].kw2 : "");
			snprintf(hint_stmt, sizeof(hint_stmt), "%s IF NOT EXISTS …", form);
			not_idempotent(s, st, form, "IF NOT EXISTS", hint_stmt);
			return CMIG_OK;
		}
	}
	return CMIG_OK;
}

static void drop_other(struct lint_section *s, const struct lint_stmt *st)
{
	static const struct { const char *kw, *kw2; bool pg, sqlite; } forms[] = {
		{ "VIEW", NULL, true, true }, { "TRIGGER", NULL, true, true },
		{ "SEQUENCE", NULL, true, false }, { "SCHEMA", NULL, true, false },
		{ "EXTENSION", NULL, true, false }, { "TYPE", NULL, true, false },
		{ "FUNCTION", NULL, true, false }, { "PROCEDURE", NULL, true, false },
		{ "DOMAIN", NULL, true, false }, { "MATERIALIZED", "VIEW", true, false },
	};
	if (s->sec->transactional)
		return;
	for (size_t f = 0; f < sizeof(forms) / sizeof(forms[0]); f++) {
		size_t k = 1 + (forms[f].kw2 ? 2 : 1);
		char form[64], hint_stmt[96];
		if (!lint_kw(st, 1, forms[f].kw) || (forms[f].kw2 && !lint_kw(st, 2, forms[f].kw2)) ||
		    !(s->pg ? forms[f].pg : forms[f].sqlite))
			continue;
		if (lint_kw(st, k, "IF"))
			return;
		snprintf(form, sizeof(form), "DROP %s%s%s", forms[f].kw, forms[f].kw2 ? " " : "",
		         forms[f].kw2 ? forms[f].kw2 : "");
		snprintf(hint_stmt, sizeof(hint_stmt), "%s IF EXISTS …", form);
		not_idempotent(s, st, form, "IF EXISTS", hint_stmt);
		return;
	}
}

static void set_stmt(struct lint_section *s, const struct lint_stmt *st)
{
	size_t i = 1;
	if (lint_kw(st, i, "LOCAL") || lint_kw(st, i, "SESSION"))
		i++;
	if (!lint_kw(st, i, "LOCK_TIMEOUT"))
		return;
	i++;
	if (lint_kw(st, i, "TO") || lint_punct(st, i, '='))
		i++;
	if (i < st->n && (st->t[i].kind == CMIG_TOK_NUMBER || st->t[i].kind == CMIG_TOK_STRING)) {
		const char *p = st->text + st->t[i].start;
		size_t len = st->t[i].len;
		if ((len == 1 && *p == '0') || (len == 3 && !memcmp(p, "'0'", 3)))
			return;   /* 0 disables the timeout */
	}
	if (lint_kw(st, i, "DEFAULT"))
		return;
	s->lock_timeout = true;
}

int lint_statement(struct lint_section *s, const struct lint_stmt *st)
{
	char name[LINT_NAME_MAX] = "";
	if (st->n == 0)
		return CMIG_OK;
	if (lint_kw(st, 0, "CREATE"))
		return create_stmt(s, st);
	if (lint_kw(st, 0, "ALTER") && lint_kw(st, 1, "TABLE"))
		return alter_table(s, st);
	if (lint_kw(st, 0, "DROP")) {
		if (lint_kw(st, 1, "INDEX"))
			drop_index(s, st);
		else if (lint_kw(st, 1, "TABLE"))
			drop_table(s, st);
		else
			drop_other(s, st);
		return CMIG_OK;
	}
	if (lint_kw(st, 0, "REINDEX")) {
		reindex(s, st);
		return CMIG_OK;
	}
	if (lint_kw(st, 0, "SET")) {
		set_stmt(s, st);
		return CMIG_OK;
	}
	if (lint_kw(st, 0, "VACUUM") && s->pg) {
		size_t i = 1;
		bool full = false;
		if (lint_punct(st, i, '(')) {
			size_t e = lint_skip_parens(st, i);
			for (size_t k = i; k < e; k++)
				if (lint_kw(st, k, "FULL") && !lint_kw(st, k + 1, "FALSE") &&
				    !lint_kw(st, k + 1, "OFF") && !(k + 1 < e && st->t[k + 1].kind == CMIG_TOK_NUMBER &&
				                                     st->text[st->t[k + 1].start] == '0'))
					full = true;
			i = e;
		} else {
			while (lint_kw(st, i, "FULL") || lint_kw(st, i, "FREEZE") || lint_kw(st, i, "VERBOSE") ||
			       lint_kw(st, i, "ANALYZE") || lint_kw(st, i, "ANALYSE"))
				full |= lint_kw(st, i++, "FULL");
		}
		if (full) {
			lint_name(st, &i, name);
			blocking(s, st, "VACUUM FULL", name, "an ACCESS EXCLUSIVE",
			         "plain VACUUM needs no exclusive lock; to shrink a live table use "
			         "pg_repack outside the migration");
			lock_timeout_rule(s, st, "VACUUM FULL", name[0] ? name : "every table");
		}
		return CMIG_OK;
	}
	if (lint_kw(st, 0, "CLUSTER") && s->pg) {
		size_t i = 1;
		if (lint_punct(st, i, '('))
			i = lint_skip_parens(st, i);
		if (lint_kw(st, i, "VERBOSE"))
			i++;
		lint_name(st, &i, name);
		blocking(s, st, "CLUSTER", name, "an ACCESS EXCLUSIVE",
		         "use pg_repack outside the migration, or keep the data in order with a "
		         "fillfactor and let plain VACUUM work");
		return CMIG_OK;
	}
	if (lint_kw(st, 0, "LOCK") && s->pg) {
		size_t i = 1;
		char mode[80] = "an ACCESS EXCLUSIVE";
		if (lint_kw(st, i, "TABLE"))
			i++;
		if (lint_kw(st, i, "ONLY"))
			i++;
		lint_name(st, &i, name);
		for (size_t k = i; k < st->n; k++)
			if (lint_kw(st, k, "IN")) {
				size_t e = k + 1;
				while (e < st->n && !lint_kw(st, e, "MODE"))
					e++;
				if (e < st->n && e > k + 1) {
					char m[64];
					span_text(st, k + 1, e, m, sizeof(m));
					for (char *p = m; *p; p++)
						if (*p >= 'a' && *p <= 'z')
							*p = (char)(*p - 32);
					snprintf(mode, sizeof(mode), "a%s %s", m[0] == 'A' || m[0] == 'E' ? "n" : "", m);
				}
				break;
			}
		blocking(s, st, "LOCK TABLE", name, mode,
		         "let the statements take the locks they need, with a lock_timeout; an explicit "
		         "LOCK holds its lock until the migration commits");
		if (strstr(mode, "ACCESS EXCLUSIVE"))
			lock_timeout_rule(s, st, "LOCK TABLE", name);
		return CMIG_OK;
	}
	if (lint_kw(st, 0, "TRUNCATE") && s->pg) {
		size_t i = 1;
		if (lint_kw(st, i, "TABLE"))
			i++;
		if (lint_kw(st, i, "ONLY"))
			i++;
		if (lint_name(st, &i, name))
			lock_timeout_rule(s, st, "TRUNCATE", name);
	}
	return CMIG_OK;
}
