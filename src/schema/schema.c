/*
 * schema.c - the schema model's lifecycle and lookups (see schema.h). Strings live in the
 * arena; only the arrays are freed one by one.
 */
#include "schema.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct cmig_schema *cmig_schema_new(cmig_sch_dialect dialect)
{
	struct cmig_schema *s = calloc(1, sizeof(*s));
	if (s)
		s->dialect = dialect;
	return s;
}

#define FREE_VEC(v) free((v).items)

void cmig_schema_free(struct cmig_schema *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->tables.n; i++) {
		struct cmig_sch_table *t = &s->tables.items[i];
		for (size_t j = 0; j < t->constraints.n; j++) {
			FREE_VEC(t->constraints.items[j].cols);
			FREE_VEC(t->constraints.items[j].ref_cols);
		}
		FREE_VEC(t->columns);
		FREE_VEC(t->constraints);
		FREE_VEC(t->column_comments);
	}
	for (size_t i = 0; i < s->indexes.n; i++)
		FREE_VEC(s->indexes.items[i].keys);
	for (size_t i = 0; i < s->sequences.n; i++)
		FREE_VEC(s->sequences.items[i].feeds);
	for (size_t i = 0; i < s->enums.n; i++)
		FREE_VEC(s->enums.items[i].labels);
	for (size_t i = 0; i < s->views.n; i++)
		FREE_VEC(s->views.items[i].depends);
	for (size_t i = 0; i < s->domains.n; i++)
		FREE_VEC(s->domains.items[i].checks);
	FREE_VEC(s->schemas);
	FREE_VEC(s->extensions);
	FREE_VEC(s->enums);
	FREE_VEC(s->domains);
	FREE_VEC(s->sequences);
	FREE_VEC(s->functions);
	FREE_VEC(s->tables);
	FREE_VEC(s->indexes);
	FREE_VEC(s->views);
	FREE_VEC(s->triggers);
	FREE_VEC(s->grants);
	FREE_VEC(s->unsupported);
	cmig_arena_release(&s->arena);
	free(s);
}

const char *cmig_schema_str(struct cmig_schema *s, const char *str, bool *oom)
{
	char *p;
	if (!str)
		return NULL;
	p = cmig_arena_strdup(&s->arena, str);
	if (!p)
		*oom = true;
	return p;
}

const char *cmig_schema_strn(struct cmig_schema *s, const char *str, size_t n, bool *oom)
{
	char *p = cmig_arena_strndup(&s->arena, str, n);
	if (!p)
		*oom = true;
	return p;
}

int cmig_schema_name_push(struct cmig_schema *s, cmig_sch_names *v, const char *name)
{
	bool oom = false;
	const char *p = cmig_schema_str(s, name, &oom);
	if (oom || CMIG_VEC_PUSH(v, p))
		return -8; /* CMIG_ENOMEM */
	return 0;
}

static bool name_eq(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

const struct cmig_sch_table *cmig_schema_table(const struct cmig_schema *s, const char *schema,
                                               const char *name)
{
	for (size_t i = 0; i < s->tables.n; i++) {
		const struct cmig_sch_table *t = &s->tables.items[i];
		if (strcmp(t->name, name) == 0 && (!schema || name_eq(schema, t->schema)))
			return t;
	}
	return NULL;
}

const struct cmig_sch_column *cmig_schema_column(const struct cmig_sch_table *t,
                                                 const char *name)
{
	for (size_t i = 0; i < t->columns.n; i++)
		if (strcmp(t->columns.items[i].name, name) == 0)
			return &t->columns.items[i];
	return NULL;
}

const struct cmig_sch_constraint *cmig_schema_primary_key(const struct cmig_sch_table *t)
{
	for (size_t i = 0; i < t->constraints.n; i++)
		if (t->constraints.items[i].kind == CMIG_SCH_PRIMARY)
			return &t->constraints.items[i];
	return NULL;
}

size_t cmig_schema_column_sequences(const struct cmig_sch_sequence **out, size_t max,
                                    const struct cmig_schema *s, const char *schema,
                                    const char *table, const char *column)
{
	size_t n = 0;
	for (size_t i = 0; i < s->sequences.n; i++) {
		const struct cmig_sch_sequence *q = &s->sequences.items[i];
		for (size_t j = 0; j < q->feeds.n; j++) {
			const struct cmig_sch_seq_feed *f = &q->feeds.items[j];
			if (name_eq(f->schema, schema) && strcmp(f->table, table) == 0 &&
			    strcmp(f->column, column) == 0) {
				if (n < max)
					out[n] = q;
				n++;
				break;
			}
		}
	}
	return n < max ? n : max;
}

static bool contains_ci(const char *hay, const char *needle)
{
	size_t n = strlen(needle);
	for (; *hay; hay++)
		if (strncasecmp(hay, needle, n) == 0)
			return true;
	return false;
}

cmig_affinity cmig_schema_affinity(const char *t)
{
	if (!t || !*t)
		return CMIG_AFF_BLOB;
	if (contains_ci(t, "INT"))
		return CMIG_AFF_INTEGER;
	if (contains_ci(t, "CHAR") || contains_ci(t, "CLOB") || contains_ci(t, "TEXT"))
		return CMIG_AFF_TEXT;
	if (contains_ci(t, "BLOB"))
		return CMIG_AFF_BLOB;
	if (contains_ci(t, "REAL") || contains_ci(t, "FLOA") || contains_ci(t, "DOUB"))
		return CMIG_AFF_REAL;
	return CMIG_AFF_NUMERIC;
}

const char *cmig_affinity_name(cmig_affinity a)
{
	switch (a) {
	case CMIG_AFF_INTEGER: return "INTEGER";
	case CMIG_AFF_TEXT: return "TEXT";
	case CMIG_AFF_BLOB: return "BLOB";
	case CMIG_AFF_REAL: return "REAL";
	case CMIG_AFF_NUMERIC: return "NUMERIC";
	case CMIG_AFF_NONE: break;
	}
	return "";
}

bool cmig_schema_sqlite_internal(const char *name)
{
	return strncasecmp(name, "sqlite_", 7) == 0;
}

/* PostgreSQL's reserved key words (and those that cannot be a column name), sorted. */
static const char *const reserved[] = {
	"all", "analyse", "analyze", "and", "any", "array", "as", "asc", "asymmetric",
	"authorization", "between", "bigint", "binary", "bit", "boolean", "both", "case", "cast",
	"char", "character", "check", "coalesce", "collate", "collation", "column", "concurrently",
	"constraint", "create", "cross", "current_catalog", "current_date", "current_role",
	"current_schema", "current_time", "current_timestamp", "current_user", "dec", "decimal",
	"default", "deferrable", "desc", "distinct", "do", "else", "end", "except", "exists",
	"extract", "false", "fetch", "float", "for", "foreign", "freeze", "from", "full", "grant",
	"greatest", "group", "grouping", "having", "ilike", "in", "initially", "inner", "inout",
	"int", "integer", "intersect", "interval", "into", "is", "isnull", "join", "lateral",
	"leading", "least", "left", "like", "limit", "localtime", "localtimestamp", "national",
	"natural", "nchar", "none", "normalize", "not", "notnull", "null", "nullif", "numeric",
	"offset", "on", "only", "or", "order", "out", "outer", "overlaps", "overlay", "placing",
	"position", "precision", "primary", "real", "references", "returning", "right", "row",
	"select", "session_user", "setof", "similar", "smallint", "some", "substring",
	"symmetric", "system_user", "table", "tablesample", "then", "time", "timestamp", "to",
	"trailing", "treat", "trim", "true", "union", "unique", "user", "using", "values",
	"varchar", "variadic", "verbose", "when", "where", "window", "with", "xmlattributes",
	"xmlconcat", "xmlelement", "xmlexists", "xmlforest", "xmlnamespaces", "xmlparse", "xmlpi",
	"xmlroot", "xmlserialize", "xmltable",
};

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int cmig_schema_quote(cmig_buf *out, const char *name)
{
	bool plain = (*name >= 'a' && *name <= 'z') || *name == '_';
	for (const char *p = name; plain && *p; p++)
		plain = (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_' || *p == '$';
	if (plain && bsearch(&name, reserved, sizeof(reserved) / sizeof(reserved[0]),
	                     sizeof(reserved[0]), cmp_str))
		plain = false;
	if (plain)
		return cmig_buf_puts(out, name);
	if (cmig_buf_putc(out, '"') || cmig_buf_add_quoted(out, name, '"') || cmig_buf_putc(out, '"'))
		return -8;
	return 0;
}

int cmig_schema_quote_sqlite(cmig_buf *out, const char *name)
{
	char low[64];
	size_t n = strlen(name);
	bool plain = n > 0 && n < sizeof(low) &&
	             ((*name >= 'a' && *name <= 'z') || (*name >= 'A' && *name <= 'Z') || *name == '_');
	for (size_t i = 0; plain && i < n; i++) {
		char ch = name[i];
		plain = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
		        ch == '_';
		low[i] = (char)(ch >= 'A' && ch <= 'Z' ? ch - 'A' + 'a' : ch);
	}
	if (plain) {
		const char *lp = low;
		low[n] = '\0';
		static const char *const more[] = { "abort", "action", "add", "after", "alter", "attach",
			"autoincrement", "before", "begin", "by", "cascade", "commit", "conflict", "database",
			"delete", "detach", "drop", "each", "escape", "exclusive", "explain", "fail", "glob",
			"if", "ignore", "immediate", "index", "indexed", "insert", "instead", "key", "match",
			"no", "of", "plan", "pragma", "query", "raise", "recursive", "regexp", "reindex",
			"release", "rename", "replace", "restrict", "rollback", "rowid", "savepoint", "set",
			"temp", "temporary", "transaction", "trigger", "update", "vacuum", "view", "virtual" };
		if (bsearch(&lp, reserved, sizeof(reserved) / sizeof(reserved[0]), sizeof(reserved[0]),
		            cmp_str))
			plain = false;
		for (size_t i = 0; plain && i < sizeof(more) / sizeof(more[0]); i++)
			plain = strcmp(low, more[i]) != 0;
	}
	if (plain)
		return cmig_buf_puts(out, name);
	if (cmig_buf_putc(out, '"') || cmig_buf_add_quoted(out, name, '"') || cmig_buf_putc(out, '"'))
		return -8;
	return 0;
}
