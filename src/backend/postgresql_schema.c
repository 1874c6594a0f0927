/*
 * postgresql_schema.c - the PostgreSQL reader: a live database → the schema model
 * (schema/schema.h), from pg_catalog only (no information_schema, no pg_dump).
 *
 * Definitions come from the server's own deparsers (format_type, pg_get_expr,
 * pg_get_constraintdef, pg_get_indexdef, pg_get_viewdef, pg_get_triggerdef,
 * pg_get_functiondef), so two databases holding the same schema read the same text.
 *
 * Invariants:
 *  - Every query goes out in one pipeline inside one REPEATABLE READ READ ONLY transaction
 *    (or the caller's), so the model is one snapshot; in our own transaction a twin
 *    connection on the same exported snapshot runs the on_twin[] queries at the same time
 *    (postgresql_twin.c), or gives up and leaves them to this one. After COMMIT, a second
 *    round trip only asks the deparsers for the index and constraint texts the client could
 *    not put together (postgresql_defs.h).
 *  - A read whose definitions went missing (the schema changed under the deparsers) is
 *    tried again, three times in all, before it is refused.
 *  - Read: every schema except pg_catalog, information_schema, pg_toast*, pg_temp*; never an
 *    object that belongs to an extension (pg_depend deptype 'e'); never cmig's own tables or
 *    the sequences they own.
 *  - Rows are ordered by name under COLLATE "C", so the model's order is byte order.
 *  - Lists inside one row (constraint and index columns) are joined with \x01, which no
 *    identifier holds in practice, and split here.
 */
#include <stdlib.h>
#include <string.h>

#include "postgresql_defs.h"
#include "postgresql_int.h"
#include "schema.h"

#define SEP "E'\\x01'"
#define NS_OK(ns) \
	"(" ns ".nspname NOT IN ('pg_catalog', 'information_schema') AND " ns ".nspname NOT LIKE " \
	"'pg\\_toast%' AND " ns ".nspname NOT LIKE 'pg\\_temp%')"
/* one lookup in a hashed set of the (few) extension members, not an index probe a row */
#define NOT_EXT(cls, oid) \
	oid " NOT IN (SELECT e.objid FROM pg_catalog.pg_depend e WHERE e.refclassid = " \
	"'pg_extension'::regclass AND e.classid = '" cls "'::regclass AND e.deptype = 'e')"
/* Objects initdb made (pg_catalog's, information_schema's) have oids below 16384
 * (FirstNormalObjectId), every other object has one above: a filter NS_OK() would apply
 * anyway, but one the oid indexes answer without reading the thousands of built-in rows. */
#define USER_OID(col) " " col " >= 16384::pg_catalog.oid "
/* a comment by join, not obj_description()/col_description(): those are SQL functions run
 * once a row (a 300-table schema paid milliseconds for them); pg_description's key
 * (objoid, classoid, objsubid) is unique, so the join adds no row */
#define DESC(alias, cls, oid, sub) \
	" LEFT JOIN pg_catalog.pg_description " alias " ON " alias ".objoid = " oid " AND " alias \
	".classoid = '" cls "'::regclass AND " alias ".objsubid = " sub " "
/* name columns sort bytewise already (type name's collation is "C"); text ones need this */
#define C " COLLATE \"C\""

enum {
	Q_SESSION, Q_SCHEMAS, Q_EXTENSIONS, Q_ENUMS, Q_DOMAINS, Q_DOMAIN_CHECKS, Q_SEQUENCES,
	Q_SEQ_DEFAULTS, Q_FUNCTIONS, Q_TABLES, Q_COLUMNS, Q_CONSTRAINTS, Q_INDEXES, Q_VIEWS,
	Q_TRIGGERS, Q_GRANTS, Q_UNSUPPORTED, Q_OPCLASSES, Q_COUNT
};

/* Q_CONSTRAINTS: column 4, the server's text, is NULL where postgresql_defs.h puts it together
 * (`plain`: the test for that, by version; "false" leaves every text to the server). */
#define CONSTRAINTS_QUERY(plain)                                                                \
	"SELECT n.nspname, c.relname, k.conname, k.contype, "                                   \
	"CASE WHEN " plain " THEN NULL ELSE pg_catalog.pg_get_constraintdef(k.oid) END, "        \
	"k.condeferrable, k.condeferred, k.convalidated, k.conkey::text, rn.nspname, rc.relname, " \
	/* a referenced relation Q_COLUMNS does not read: names from here */                    \
	"CASE WHEN rc.relkind <> 'r' OR rc.relispartition THEN "                                 \
	"(SELECT string_agg(a.attname, " SEP " ORDER BY u.o) FROM "                              \
	"unnest(k.confkey) WITH ORDINALITY u(n, o) JOIN pg_catalog.pg_attribute a "             \
	"ON a.attrelid = k.confrelid AND a.attnum = u.n) END, "                                  \
	"k.confupdtype, k.confdeltype, pg_catalog.pg_get_expr(k.conbin, k.conrelid), "          \
	"k.conrelid, k.confrelid, k.confkey::text, "                                             \
	/* the referenced table as the deparser names it: qualified when not on search_path */  \
	"CASE WHEN k.contype = 'f' THEN CASE WHEN pg_catalog.pg_table_is_visible(k.confrelid) " \
	"THEN pg_catalog.quote_ident(rc.relname) ELSE pg_catalog.quote_ident(rn.nspname) || '.' " \
	"|| pg_catalog.quote_ident(rc.relname) END END, k.confmatchtype, k.connoinherit, k.oid " \
	"FROM pg_catalog.pg_constraint k "                                                       \
	"JOIN pg_catalog.pg_class c ON c.oid = k.conrelid "                                      \
	"JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "                              \
	"LEFT JOIN pg_catalog.pg_class rc ON rc.oid = k.confrelid "                              \
	"LEFT JOIN pg_catalog.pg_namespace rn ON rn.oid = rc.relnamespace "                      \
	"LEFT JOIN pg_catalog.pg_index x ON x.indexrelid = k.conindid "                          \
	"AND k.contype IN ('p', 'u') "                                                           \
	"WHERE c.relkind = 'r' AND k.contype IN ('p', 'u', 'c', 'f', 'x') AND "                  \
	NS_OK("n") " AND" USER_OID("k.conrelid") "ORDER BY 1, 2, 3"
/* plain: a CHECK; a key whose index has no INCLUDE (nor NULLS NOT DISTINCT); a foreign key
 * without SET NULL/DEFAULT (cols). From PostgreSQL 17 (PERIOD, WITHOUT OVERLAPS, then NOT
 * ENFORCED) the server gives every text. */
#define PLAIN_CONS(nnd, setcols)                                                                \
	"(k.contype = 'c' OR (k.contype IN ('p', 'u') AND x.indnatts = x.indnkeyatts" nnd ") "  \
	"OR (k.contype = 'f'" setcols "))"
static const char constraints_query_12[] = CONSTRAINTS_QUERY(PLAIN_CONS("", ""));
static const char constraints_query_15[] =
	CONSTRAINTS_QUERY(PLAIN_CONS(" AND NOT x.indnullsnotdistinct",
	                             " AND k.confdelsetcols IS NULL"));
static const char constraints_query_17[] = CONSTRAINTS_QUERY("false");

/* Q_INDEXES: the text of an index on plain columns with nothing but defaults is put together
 * here (postgresql_defs.h; column 4 is then NULL), the server deparses the others. `nnd`: the
 * NULLS NOT DISTINCT test, PostgreSQL 15 on. */
#define INDEXES_QUERY(nnd)                                                                      \
	"SELECT n.nspname, ic.relname, tc.relname, i.indisunique, "                             \
	"CASE WHEN i.indexprs IS NULL AND i.indpred IS NULL AND i.indnatts = i.indnkeyatts "    \
	"AND ic.reloptions IS NULL AND 0 = ALL (i.indoption)" nnd " THEN NULL "                  \
	"ELSE pg_catalog.pg_get_indexdef(i.indexrelid) END, "                                    \
	"pg_catalog.pg_get_expr(i.indpred, i.indrelid), "                                        \
	/* keys on expressions from the deparser; plain columns mapped here */                  \
	"CASE WHEN i.indexprs IS NOT NULL THEN "                                                 \
	"(SELECT string_agg(pg_catalog.pg_get_indexdef(i.indexrelid, g, true), " SEP            \
	" ORDER BY g) FROM generate_series(1, i.indnkeyatts) g) END, "                           \
	"ds.description, i.indrelid, i.indkey::text, i.indnkeyatts, "                            \
	"pg_catalog.quote_ident(ic.relname), pg_catalog.quote_ident(n.nspname), "               \
	"pg_catalog.quote_ident(tc.relname), pg_catalog.quote_ident(am.amname), ic.relam, "     \
	"i.indclass::text, i.indcollation::text, i.indexrelid "                                  \
	"FROM pg_catalog.pg_index i "                                                            \
	"JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid "                                  \
	"JOIN pg_catalog.pg_am am ON am.oid = ic.relam "                                         \
	"JOIN pg_catalog.pg_class tc ON tc.oid = i.indrelid "                                    \
	"JOIN pg_catalog.pg_namespace n ON n.oid = ic.relnamespace"                              \
	DESC("ds", "pg_class", "ic.oid", "0") "WHERE tc.relkind = 'r' AND NOT tc.relispartition " \
	"AND " NS_OK("n") " AND " NOT_EXT("pg_class", "ic.oid") " AND i.indexrelid NOT IN "       \
	"(SELECT k.conindid FROM pg_catalog.pg_constraint k WHERE k.contype IN ('p', 'u', 'x')) " \
	"AND" USER_OID("i.indexrelid") "ORDER BY 1, 2"
static const char indexes_query[] = INDEXES_QUERY("");
static const char indexes_query_15[] = INDEXES_QUERY(" AND NOT i.indnullsnotdistinct");

static const char *const queries[Q_COUNT] = {
	[Q_SESSION] = "SELECT current_user, current_schema(), "
	              "current_setting('server_version_num')::int",
	[Q_SCHEMAS] = "SELECT n.nspname, pg_catalog.pg_get_userbyid(n.nspowner), "
	              "ds.description FROM pg_catalog.pg_namespace n"
	              DESC("ds", "pg_namespace", "n.oid", "0") "WHERE " NS_OK("n") " AND "
	              NOT_EXT("pg_namespace", "n.oid") " ORDER BY 1",
	[Q_EXTENSIONS] = "SELECT x.extname, n.nspname, x.extversion FROM pg_catalog.pg_extension x "
	                 "JOIN pg_catalog.pg_namespace n ON n.oid = x.extnamespace ORDER BY 1",
	[Q_ENUMS] = "SELECT n.nspname, t.typname, e.enumlabel, "
	            "ds.description FROM pg_catalog.pg_type t "
	            "JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace "
	            "JOIN pg_catalog.pg_enum e ON e.enumtypid = t.oid"
	            DESC("ds", "pg_type", "t.oid", "0") "WHERE t.typtype = 'e' AND" USER_OID("t.oid") "AND "
	            NS_OK("n") " AND " NOT_EXT("pg_type", "t.oid")
	            " ORDER BY 1, 2, e.enumsortorder",
	[Q_DOMAINS] = "SELECT n.nspname, t.typname, pg_catalog.format_type(t.typbasetype, t.typtypmod), "
	              "t.typdefault, t.typnotnull, CASE WHEN t.typcollation <> b.typcollation "
	              "THEN co.collname END, ds.description "
	              "FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace "
	              "JOIN pg_catalog.pg_type b ON b.oid = t.typbasetype "
	              "LEFT JOIN pg_catalog.pg_collation co ON co.oid = t.typcollation"
	              DESC("ds", "pg_type", "t.oid", "0") "WHERE t.typtype = 'd' AND" USER_OID("t.oid") "AND " NS_OK("n") " AND " NOT_EXT("pg_type", "t.oid")
	              " ORDER BY 1, 2",
	[Q_DOMAIN_CHECKS] = "SELECT n.nspname, t.typname, k.conname, "
	                    "pg_catalog.pg_get_constraintdef(k.oid) FROM pg_catalog.pg_constraint k "
	                    "JOIN pg_catalog.pg_type t ON t.oid = k.contypid "
	                    "JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace "
	                    "WHERE" USER_OID("k.contypid") "AND " NS_OK("n") " ORDER BY 1, 2, 3",
	[Q_SEQUENCES] = "SELECT n.nspname, c.relname, pg_catalog.pg_get_userbyid(c.relowner), "
	                "pg_catalog.pg_has_role(c.relowner, 'USAGE'), "
	                "pg_catalog.format_type(s.seqtypid, NULL), s.seqstart, s.seqincrement, "
	                "s.seqmin, s.seqmax, s.seqcache, s.seqcycle, tn.nspname, tc.relname, "
	                "ta.attname, d.deptype FROM pg_catalog.pg_sequence s "
	                "JOIN pg_catalog.pg_class c ON c.oid = s.seqrelid "
	                "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
	                "LEFT JOIN pg_catalog.pg_depend d ON d.classid = 'pg_class'::regclass "
	                "AND d.objid = c.oid AND d.refclassid = 'pg_class'::regclass "
	                "AND d.deptype IN ('a', 'i') "
	                "LEFT JOIN pg_catalog.pg_class tc ON tc.oid = d.refobjid "
	                "LEFT JOIN pg_catalog.pg_namespace tn ON tn.oid = tc.relnamespace "
	                "LEFT JOIN pg_catalog.pg_attribute ta ON ta.attrelid = d.refobjid "
	                "AND ta.attnum = d.refobjsubid "
	                "WHERE " NS_OK("n") " AND " NOT_EXT("pg_class", "c.oid")
	                " ORDER BY 1, 2",
	/* columns whose default reads a sequence (nextval): the attrdef depends on it */
	[Q_SEQ_DEFAULTS] = "SELECT sn.nspname, sc.relname, tn.nspname, tc.relname, a.attname "
	                   "FROM pg_catalog.pg_attrdef ad JOIN pg_catalog.pg_depend d "
	                   "ON d.classid = 'pg_attrdef'::regclass AND d.objid = ad.oid "
	                   "AND d.refclassid = 'pg_class'::regclass "
	                   "JOIN pg_catalog.pg_class sc ON sc.oid = d.refobjid AND sc.relkind = 'S' "
	                   "JOIN pg_catalog.pg_namespace sn ON sn.oid = sc.relnamespace "
	                   "JOIN pg_catalog.pg_class tc ON tc.oid = ad.adrelid "
	                   "JOIN pg_catalog.pg_namespace tn ON tn.oid = tc.relnamespace "
	                   "JOIN pg_catalog.pg_attribute a ON a.attrelid = ad.adrelid "
	                   "AND a.attnum = ad.adnum WHERE " NS_OK("tn")
	                   " ORDER BY 1, 2, 3, 4, 5",
	[Q_FUNCTIONS] = "SELECT n.nspname, p.proname, "
	                "pg_catalog.pg_get_function_identity_arguments(p.oid), p.prokind, "
	                "pg_catalog.pg_get_functiondef(p.oid), pg_catalog.pg_get_userbyid(p.proowner), "
	                "ds.description FROM pg_catalog.pg_proc p "
	                "JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace"
	                DESC("ds", "pg_proc", "p.oid", "0") "WHERE p.prokind IN ('f', 'p') AND" USER_OID("p.oid") "AND " NS_OK("n") " AND "
	                NOT_EXT("pg_proc", "p.oid")
	                " ORDER BY 1, 2, pg_catalog.pg_get_function_identity_arguments(p.oid)" C,
	[Q_TABLES] = "SELECT n.nspname, c.relname, pg_catalog.pg_get_userbyid(c.relowner), "
	             "pg_catalog.pg_has_role(c.relowner, 'USAGE'), "
	             "ds.description FROM pg_catalog.pg_class c "
	             "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
	             DESC("ds", "pg_class", "c.oid", "0") "WHERE c.relkind = 'r' AND NOT c.relispartition AND" USER_OID("c.oid") "AND " NS_OK("n") " AND "
	             NOT_EXT("pg_class", "c.oid") " ORDER BY 1, 2",
	[Q_COLUMNS] = "SELECT n.nspname, c.relname, a.attname, "
	              "pg_catalog.format_type(a.atttypid, a.atttypmod), "
	              "CASE WHEN tn.nspname <> 'pg_catalog' THEN tn.nspname END, a.attnotnull, "
	              /* a default without column references (all but some generated columns')
	               * reads the same deparsed without its table, which pg_get_expr() would
	               * otherwise open, lock and build a cache entry for: ~30 us a table */
	              "CASE WHEN pg_catalog.strpos(ad.adbin::text, '{VAR ') = 0 "
	              "THEN pg_catalog.pg_get_expr(ad.adbin, 0) "
	              "ELSE pg_catalog.pg_get_expr(ad.adbin, ad.adrelid) END, "
	              "a.attidentity, a.attgenerated, "
	              "CASE WHEN a.attcollation <> t.typcollation THEN co.collname END, "
	              "ds.description, a.attrelid, a.attnum, pg_catalog.quote_ident(a.attname), "
	              "a.atttypid, a.attcollation FROM pg_catalog.pg_attribute a "
	              "JOIN pg_catalog.pg_class c ON c.oid = a.attrelid "
	              "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
	              "JOIN pg_catalog.pg_type t ON t.oid = a.atttypid "
	              "JOIN pg_catalog.pg_namespace tn ON tn.oid = t.typnamespace "
	              "LEFT JOIN pg_catalog.pg_attrdef ad ON ad.adrelid = a.attrelid "
	              "AND ad.adnum = a.attnum "
	              "LEFT JOIN pg_catalog.pg_collation co ON co.oid = a.attcollation"
	              DESC("ds", "pg_class", "c.oid", "a.attnum")
	              "WHERE c.relkind = 'r' AND NOT c.relispartition AND a.attnum > 0 AND"
	              USER_OID("a.attrelid") "AND" USER_OID("c.oid")
	              "AND NOT a.attisdropped AND " NS_OK("n") " ORDER BY 1, 2, a.attnum",
	/* [Q_CONSTRAINTS]: constraints_query*, by the server's version */
	[Q_VIEWS] = "SELECT n.nspname, c.relname, pg_catalog.pg_get_viewdef(c.oid), "
	            "pg_catalog.pg_get_userbyid(c.relowner), "
	            "ds.description, "
	            "(SELECT string_agg(DISTINCT rn.nspname || '.' || rc.relname, " SEP ") "
	            "FROM pg_catalog.pg_rewrite rw JOIN pg_catalog.pg_depend dp "
	            "ON dp.classid = 'pg_rewrite'::regclass AND dp.objid = rw.oid "
	            "AND dp.refclassid = 'pg_class'::regclass "
	            "JOIN pg_catalog.pg_class rc ON rc.oid = dp.refobjid AND rc.relkind = 'v' "
	            "AND rc.oid <> c.oid JOIN pg_catalog.pg_namespace rn ON rn.oid = rc.relnamespace "
	            "WHERE rw.ev_class = c.oid) FROM pg_catalog.pg_class c "
	            "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
	            DESC("ds", "pg_class", "c.oid", "0") "WHERE c.relkind = 'v' AND" USER_OID("c.oid") "AND " NS_OK("n") " AND " NOT_EXT("pg_class", "c.oid")
	            " ORDER BY 1, 2",
	[Q_TRIGGERS] = "SELECT n.nspname, g.tgname, c.relname, pg_catalog.pg_get_triggerdef(g.oid), "
	               "g.tgenabled <> 'D', ds.description "
	               "FROM pg_catalog.pg_trigger g JOIN pg_catalog.pg_class c ON c.oid = g.tgrelid "
	               "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
	               DESC("ds", "pg_trigger", "g.oid", "0") "WHERE NOT g.tgisinternal AND " NS_OK("n") " ORDER BY 1, 3, 2",
	[Q_GRANTS] = "SELECT kind, nsp, name, grantee, priv, grantable FROM ("
	             "SELECT CASE c.relkind WHEN 'S' THEN 's' WHEN 'v' THEN 'v' ELSE 't' END AS kind, "
	             "n.nspname AS nsp, c.relname::text AS name, "
	             "CASE WHEN a.grantee = 0 THEN 'PUBLIC' "
	             "ELSE pg_catalog.pg_get_userbyid(a.grantee)::text END AS grantee, "
	             "a.privilege_type AS priv, a.is_grantable AS grantable "
	             "FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n "
	             "ON n.oid = c.relnamespace, LATERAL pg_catalog.aclexplode(c.relacl) a "
	             "WHERE c.relkind IN ('r', 'v', 'S') AND a.grantee <> c.relowner AND" USER_OID("c.oid") "AND "
	             NS_OK("n") " AND " NOT_EXT("pg_class", "c.oid") " UNION ALL "
	             "SELECT 'f', n.nspname, p.proname || '(' || "
	             "pg_catalog.pg_get_function_identity_arguments(p.oid) || ')', "
	             "CASE WHEN a.grantee = 0 THEN 'PUBLIC' "
	             "ELSE pg_catalog.pg_get_userbyid(a.grantee)::text END, a.privilege_type, "
	             "a.is_grantable FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n "
	             "ON n.oid = p.pronamespace, LATERAL pg_catalog.aclexplode(p.proacl) a "
	             "WHERE a.grantee <> p.proowner AND" USER_OID("p.oid") "AND " NS_OK("n") " AND "
	             NOT_EXT("pg_proc", "p.oid") ") g ORDER BY g.nsp, g.name" C ", g.kind, g.grantee" C ", g.priv" C,
	/* kinds the model does not cover (SPEC §8: never skipped in silence) */
	[Q_UNSUPPORTED] = "SELECT kind, nsp, name FROM ("
	                  "SELECT CASE WHEN c.relispartition THEN 'partition' ELSE CASE c.relkind "
	                  "WHEN 'm' THEN 'materialized view' WHEN 'p' THEN 'partitioned table' "
	                  "WHEN 'f' THEN 'foreign table' WHEN 'c' THEN 'composite type' END END AS kind, "
	                  "n.nspname AS nsp, c.relname::text AS name FROM pg_catalog.pg_class c "
	                  "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
	                  "WHERE (c.relkind IN ('m', 'p', 'f', 'c') OR c.relispartition) AND "
	                  NS_OK("n") " AND " NOT_EXT("pg_class", "c.oid") " "
	                  "UNION ALL SELECT 'policy', n.nspname, p.polname || ' on ' || c.relname "
	                  "FROM pg_catalog.pg_policy p JOIN pg_catalog.pg_class c ON c.oid = p.polrelid "
	                  "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE " NS_OK("n")
	                  " UNION ALL SELECT 'rule', n.nspname, r.rulename || ' on ' || c.relname "
	                  "FROM pg_catalog.pg_rewrite r JOIN pg_catalog.pg_class c ON c.oid = r.ev_class "
	                  "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
	                  "WHERE r.rulename <> '_RETURN' AND " NS_OK("n")
	                  " UNION ALL SELECT 'publication', NULL, pubname FROM pg_catalog.pg_publication"
	                  " UNION ALL SELECT 'event trigger', NULL, evtname FROM "
	                  "pg_catalog.pg_event_trigger"
	                  " UNION ALL SELECT CASE t.typtype WHEN 'r' THEN 'range type' "
	                  "ELSE 'multirange type' END, n.nspname, t.typname FROM pg_catalog.pg_type t "
	                  "JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace "
	                  "WHERE t.typtype IN ('r', 'm') AND" USER_OID("t.oid") "AND " NS_OK("n") " AND "
	                  NOT_EXT("pg_type", "t.oid")
	                  " UNION ALL SELECT CASE p.prokind WHEN 'a' THEN 'aggregate' "
	                  "ELSE 'window function' END, n.nspname, p.proname FROM pg_catalog.pg_proc p "
	                  "JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace "
	                  "WHERE p.prokind IN ('a', 'w') AND" USER_OID("p.oid") "AND " NS_OK("n") " AND "
	                  NOT_EXT("pg_proc", "p.oid") " UNION ALL SELECT 'statistics object', "
	                  "n.nspname, s.stxname FROM pg_catalog.pg_statistic_ext s "
	                  "JOIN pg_catalog.pg_namespace n ON n.oid = s.stxnamespace WHERE " NS_OK("n")
	                  " UNION ALL SELECT 'collation', n.nspname, o.collname FROM "
	                  "pg_catalog.pg_collation o JOIN pg_catalog.pg_namespace n "
	                  "ON n.oid = o.collnamespace WHERE" USER_OID("o.oid") "AND " NS_OK("n") " AND "
	                  NOT_EXT("pg_collation", "o.oid")
	                  " UNION ALL SELECT 'operator', n.nspname, o.oprname FROM "
	                  "pg_catalog.pg_operator o JOIN pg_catalog.pg_namespace n "
	                  "ON n.oid = o.oprnamespace WHERE" USER_OID("o.oid") "AND " NS_OK("n") " AND "
	                  NOT_EXT("pg_operator", "o.oid")
	                  ") u ORDER BY u.kind, u.nsp, u.name" C,
	/* what pg_get_indexdef() leaves out: the default opclass of (access method, type) */
	[Q_OPCLASSES] = "SELECT opcmethod, opcintype, oid FROM pg_catalog.pg_opclass WHERE opcdefault",
	/* [Q_INDEXES]: indexes_query or indexes_query_15, by the server's version */
};

/* Planning, not running, is much of what these catalog queries cost in a new session (a
 * fifth of the server's time on a 300-table schema): joins are taken in the order written
 * (which starts from the catalog that drives each query) and merge joins, never the right
 * plan for catalogs this size, are not costed. SET LOCAL, so only in our own transaction:
 * it ends with it and never changes a caller's. */
static const char *const planner_settings[] = {
	"SET LOCAL join_collapse_limit = 1", "SET LOCAL from_collapse_limit = 1",
	"SET LOCAL enable_mergejoin = off",
};

/* One column of Q_COLUMNS by (relation oid, attnum); the texts live in the PGresult. */
struct attref {
	unsigned long rel;
	long num;
	const char *name, *quoted;
	unsigned long type, coll; /* atttypid, attcollation */
};

/* An index or constraint whose text the server is asked for in a second round trip
 * (postgresql_defs.h). */
struct pending_def {
	unsigned long oid;
	size_t item; /* its place in s->indexes, or s->tables */
	size_t cons; /* its place in the table's constraints */
};

struct reader {
	struct pg_backend *be;
	struct cmig_schema *s;
	cmig_diags *d;
	bool oom;
	bool missing;           /* a key number no column of Q_COLUMNS has */
	const char *cur_schema; /* current_schema(): where unqualified cmig tables live */
	struct attref *atts;    /* every column read, sorted by (rel, num) */
	size_t natts;
	struct opclass { unsigned long am, type, oid; } *opcs; /* Q_OPCLASSES, parsed once */
	size_t nopcs;
	CMIG_VEC(struct pending_def) idx_defs;  /* indexes whose text the server gives */
	CMIG_VEC(struct pending_def) cons_defs; /* constraints whose text the server gives */
};

#define STR(r, x) cmig_schema_str((r)->s, (x), &(r)->oom)

/* Column i of row, NULL when SQL NULL. */
static const char *val(const PGresult *res, int row, int i)
{
	return PQgetisnull(res, row, i) ? NULL : PQgetvalue(res, row, i);
}

static bool bval(const PGresult *res, int row, int i)
{
	const char *v = val(res, row, i);
	return v && v[0] == 't';
}

static long long llval(const PGresult *res, int row, int i)
{
	const char *v = val(res, row, i);
	return v ? strtoll(v, NULL, 10) : 0;
}

static bool str_eq(const char *a, const char *b)
{
	return a && b && strcmp(a, b) == 0;
}

/* Push the \x01-separated names of list into v. */
static void split_names(struct reader *r, cmig_sch_names *v, const char *list)
{
	if (!list)
		return;
	for (;;) {
		const char *e = strchr(list, '\x01');
		size_t n = e ? (size_t)(e - list) : strlen(list);
		char *p = cmig_arena_strndup(&r->s->arena, list, n);
		if (!p || CMIG_VEC_PUSH(v, p))
			r->oom = true;
		if (!e)
			break;
		list = e + 1;
	}
}

static int attref_cmp(const void *a, const void *b)
{
	const struct attref *x = a, *y = b;
	if (x->rel != y->rel)
		return x->rel < y->rel ? -1 : 1;
	return x->num < y->num ? -1 : x->num > y->num;
}

/* The columns of Q_COLUMNS by (relation, attnum), for the key lists of constraints and
 * indexes (the server sends numbers; names are looked up here). */
static void index_columns(struct reader *r, const PGresult *res)
{
	int n = PQntuples(res);
	r->atts = malloc((size_t)(n ? n : 1) * sizeof(*r->atts));
	if (!r->atts) {
		r->oom = true;
		return;
	}
	for (int i = 0; i < n; i++)
		r->atts[i] = (struct attref){ strtoul(PQgetvalue(res, i, 11), NULL, 10),
		                              strtol(PQgetvalue(res, i, 12), NULL, 10),
		                              PQgetvalue(res, i, 2), PQgetvalue(res, i, 13),
		                              strtoul(PQgetvalue(res, i, 14), NULL, 10),
		                              strtoul(PQgetvalue(res, i, 15), NULL, 10) };
	r->natts = (size_t)n;
	qsort(r->atts, r->natts, sizeof(*r->atts), attref_cmp);
}

static const struct attref *find_att(const struct reader *r, unsigned long rel, long num)
{
	struct attref key = { rel, num, NULL, NULL, 0, 0 };
	return r->atts ? bsearch(&key, r->atts, r->natts, sizeof(key), attref_cmp) : NULL;
}

/* Push the names (quoted: the quote_ident forms) of the column numbers in list ("{1,2}" of
 * an int2[] or "1 2" of an int2vector, at most max of them) of relation rel into v. */
static void map_keys(struct reader *r, cmig_sch_names *v, const char *rel, const char *list,
                     bool quoted, long max)
{
	if (!rel || !list)
		return;
	unsigned long oid = strtoul(rel, NULL, 10);
	const char *p = list;
	for (long k = 0; k < max && !r->oom;) {
		while (*p == '{' || *p == ',' || *p == ' ')
			p++;
		if (*p == '}' || *p == '\0')
			break;
		char *end;
		long num = strtol(p, &end, 10);
		if (end == p)
			break;
		p = end;
		k++;
		const struct attref *a = find_att(r, oid, num);
		if (!a) {
			r->missing = true;
			return;
		}
		if (cmig_schema_name_push(r->s, v, quoted ? a->quoted : a->name))
			r->oom = true;
	}
}

static bool is_cmig_table(const struct reader *r, const char *schema, const char *name)
{
	const struct cmig_table_names *t = &r->be->base.settings->tables;
	const char *ts = t->schema ? t->schema : r->cur_schema;
	return str_eq(schema, ts) && (str_eq(name, t->version) || str_eq(name, t->history));
}

static struct cmig_sch_table *find_table(struct reader *r, const char *schema, const char *name,
                                         size_t *hint)
{
	/* rows come in table order: try where the last lookup ended first */
	for (size_t k = 0; k < r->s->tables.n; k++) {
		size_t i = (*hint + k) % r->s->tables.n;
		struct cmig_sch_table *t = &r->s->tables.items[i];
		if (strcmp(t->name, name) == 0 && str_eq(t->schema, schema)) {
			*hint = i;
			return t;
		}
	}
	return NULL;
}

static const char *fk_action(char c)
{
	switch (c) {
	case 'r': return "RESTRICT";
	case 'c': return "CASCADE";
	case 'n': return "SET NULL";
	case 'd': return "SET DEFAULT";
	default: return "NO ACTION";
	}
}

static void read_session(struct reader *r, const PGresult *res)
{
	if (PQntuples(res) < 1)
		return;
	r->s->current_user = STR(r, val(res, 0, 0));
	r->cur_schema = STR(r, val(res, 0, 1));
	r->s->server_version = (int)llval(res, 0, 2);
}

static void read_schemas(struct reader *r, const PGresult *res)
{
	const char *cs = r->be->base.settings->tables.schema;
	for (int i = 0; i < PQntuples(res); i++) {
		struct cmig_sch_namespace n = { STR(r, val(res, i, 0)), STR(r, val(res, i, 1)),
		                                STR(r, val(res, i, 2)) };
		/* a schema configured for cmig's own tables is cmig's, not the application's */
		if (cs && str_eq(n.name, cs) && strcmp(cs, "public") != 0)
			continue;
		if (CMIG_VEC_PUSH(&r->s->schemas, n))
			r->oom = true;
	}
}

static void read_extensions(struct reader *r, const PGresult *res)
{
	for (int i = 0; i < PQntuples(res); i++) {
		struct cmig_sch_extension x = { STR(r, val(res, i, 0)), STR(r, val(res, i, 1)),
		                                STR(r, val(res, i, 2)) };
		if (CMIG_VEC_PUSH(&r->s->extensions, x))
			r->oom = true;
	}
}

static void read_enums(struct reader *r, const PGresult *res)
{
	struct cmig_sch_enum *cur = NULL;
	for (int i = 0; i < PQntuples(res) && !r->oom; i++) {
		const char *ns = val(res, i, 0), *name = val(res, i, 1);
		if (!cur || !str_eq(cur->schema, ns) || !str_eq(cur->name, name)) {
			struct cmig_sch_enum e;
			memset(&e, 0, sizeof(e));
			e.schema = STR(r, ns);
			e.name = STR(r, name);
			e.comment = STR(r, val(res, i, 3));
			if (CMIG_VEC_PUSH(&r->s->enums, e)) {
				r->oom = true;
				break;
			}
			cur = &r->s->enums.items[r->s->enums.n - 1];
		}
		if (cmig_schema_name_push(r->s, &cur->labels, val(res, i, 2)))
			r->oom = true;
	}
}

static void read_domains(struct reader *r, const PGresult *res, const PGresult *checks)
{
	for (int i = 0; i < PQntuples(res) && !r->oom; i++) {
		struct cmig_sch_domain m;
		memset(&m, 0, sizeof(m));
		m.schema = STR(r, val(res, i, 0));
		m.name = STR(r, val(res, i, 1));
		m.base_type = STR(r, val(res, i, 2));
		m.default_expr = STR(r, val(res, i, 3));
		m.not_null = bval(res, i, 4);
		m.collation = STR(r, val(res, i, 5));
		m.comment = STR(r, val(res, i, 6));
		for (int k = 0; k < PQntuples(checks); k++)
			if (str_eq(val(checks, k, 0), m.schema) && str_eq(val(checks, k, 1), m.name) &&
			    (cmig_schema_name_push(r->s, &m.checks, val(checks, k, 2)) ||
			     cmig_schema_name_push(r->s, &m.checks, val(checks, k, 3))))
				r->oom = true;
		if (CMIG_VEC_PUSH(&r->s->domains, m)) {
			free(m.checks.items);
			r->oom = true;
		}
	}
}

static void read_sequences(struct reader *r, const PGresult *res)
{
	for (int i = 0; i < PQntuples(res) && !r->oom; i++) {
		struct cmig_sch_sequence q;
		memset(&q, 0, sizeof(q));
		if (is_cmig_table(r, val(res, i, 11), val(res, i, 12)))
			continue; /* cmig_history's id */
		q.schema = STR(r, val(res, i, 0));
		q.name = STR(r, val(res, i, 1));
		q.owner = STR(r, val(res, i, 2));
		q.owned = bval(res, i, 3);
		q.data_type = STR(r, val(res, i, 4));
		q.start = llval(res, i, 5);
		q.increment = llval(res, i, 6);
		q.min = llval(res, i, 7);
		q.max = llval(res, i, 8);
		q.cache = llval(res, i, 9);
		q.cycle = bval(res, i, 10);
		q.owned_by_table = STR(r, val(res, i, 12));
		q.owned_by_column = STR(r, val(res, i, 13));
		q.identity = str_eq(val(res, i, 14), "i");
		if (q.identity && q.owned_by_table && q.owned_by_column) {
			struct cmig_sch_seq_feed f = { STR(r, val(res, i, 11)), q.owned_by_table,
			                               q.owned_by_column, CMIG_SEQ_IDENTITY };
			if (CMIG_VEC_PUSH(&q.feeds, f))
				r->oom = true;
		}
		if (CMIG_VEC_PUSH(&r->s->sequences, q)) {
			free(q.feeds.items);
			r->oom = true;
		}
	}
}

static void read_seq_defaults(struct reader *r, const PGresult *res)
{
	for (int i = 0; i < PQntuples(res) && !r->oom; i++) {
		const char *sn = val(res, i, 0), *sq = val(res, i, 1);
		for (size_t k = 0; k < r->s->sequences.n; k++) {
			struct cmig_sch_sequence *q = &r->s->sequences.items[k];
			if (!str_eq(q->schema, sn) || !str_eq(q->name, sq))
				continue;
			struct cmig_sch_seq_feed f = { STR(r, val(res, i, 2)), STR(r, val(res, i, 3)),
			                               STR(r, val(res, i, 4)), CMIG_SEQ_DEFAULT };
			if (str_eq(q->owned_by_table, f.table) && str_eq(q->owned_by_column, f.column) &&
			    !q->identity)
				f.how = CMIG_SEQ_SERIAL;
			if (CMIG_VEC_PUSH(&q->feeds, f))
				r->oom = true;
			break;
		}
	}
}

static void read_functions(struct reader *r, const PGresult *res)
{
	for (int i = 0; i < PQntuples(res) && !r->oom; i++) {
		struct cmig_sch_function f;
		const char *k = val(res, i, 3);
		f.schema = STR(r, val(res, i, 0));
		f.name = STR(r, val(res, i, 1));
		f.identity_args = STR(r, val(res, i, 2));
		f.kind = k ? k[0] : 'f';
		f.definition = STR(r, val(res, i, 4));
		f.owner = STR(r, val(res, i, 5));
		f.comment = STR(r, val(res, i, 6));
		if (CMIG_VEC_PUSH(&r->s->functions, f))
			r->oom = true;
	}
}

static void read_tables(struct reader *r, const PGresult *res)
{
	for (int i = 0; i < PQntuples(res) && !r->oom; i++) {
		struct cmig_sch_table t;
		if (is_cmig_table(r, val(res, i, 0), val(res, i, 1)))
			continue;
		memset(&t, 0, sizeof(t));
		t.schema = STR(r, val(res, i, 0));
		t.name = STR(r, val(res, i, 1));
		t.owner = STR(r, val(res, i, 2));
		t.owned = bval(res, i, 3);
		t.comment = STR(r, val(res, i, 4));
		if (CMIG_VEC_PUSH(&r->s->tables, t))
			r->oom = true;
	}
}

static void read_columns(struct reader *r, const PGresult *res)
{
	size_t hint = 0;
	for (int i = 0; i < PQntuples(res) && !r->oom; i++) {
		struct cmig_sch_table *t = find_table(r, val(res, i, 0), val(res, i, 1), &hint);
		struct cmig_sch_column c;
		const char *ident = val(res, i, 7), *gen = val(res, i, 8);
		if (!t)
			continue;
		memset(&c, 0, sizeof(c));
		c.name = STR(r, val(res, i, 2));
		c.type = STR(r, val(res, i, 3));
		c.decl_type = c.type;
		c.type_schema = STR(r, val(res, i, 4));
		c.not_null = bval(res, i, 5);
		c.identity = ident && *ident ? ident[0] : 0;
		if (gen && gen[0] == 's') {
			c.generated = STR(r, val(res, i, 6));
			c.generated_stored = true;
		} else {
			c.default_expr = STR(r, val(res, i, 6));
		}
		c.collation = STR(r, val(res, i, 9));
		c.position = (int)t->columns.n + 1;
		if (val(res, i, 10) && (cmig_schema_name_push(r->s, &t->column_comments, c.name) ||
		                        cmig_schema_name_push(r->s, &t->column_comments, val(res, i, 10))))
			r->oom = true;
		if (CMIG_VEC_PUSH(&t->columns, c))
			r->oom = true;
	}
}

/* The quoted names of the column numbers in list of relation rel, into cols (room for max):
 * how many, or -1 when one is not among the columns read. */
static long quoted_cols(const struct reader *r, const char *rel, const char *list,
                        const char **cols, size_t max)
{
	unsigned long oid, num;
	size_t n = 0;
	if (!rel || !list)
		return -1;
	oid = strtoul(rel, NULL, 10);
	while (cmig_pgdef_next_num(&list, &num)) {
		const struct attref *a = find_att(r, oid, (long)num);
		if (!a || n == max)
			return -1;
		cols[n++] = a->quoted;
	}
	return n ? (long)n : -1;
}

/* pg_get_constraintdef() of row i of Q_CONSTRAINTS, put together here (the query let through
 * only the plain ones): NULL when a column is not among those read. */
static const char *compose_constraintdef(struct reader *r, const PGresult *res, int i)
{
	const char *cols[32], *refcols[32]; /* INDEX_MAX_KEYS */
	const char *kind = val(res, i, 3), *def = NULL;
	struct cmig_pgdef_cons c;
	long n = 0, nref = 0;

	memset(&c, 0, sizeof(c));
	c.kind = kind ? kind[0] : 0;
	if (c.kind != 'c') {
		n = quoted_cols(r, val(res, i, 15), val(res, i, 8), cols, 32);
		if (n < 0)
			return NULL;
	}
	if (c.kind == 'f') {
		nref = quoted_cols(r, val(res, i, 16), val(res, i, 17), refcols, 32);
		if (nref < 0 || !val(res, i, 18))
			return NULL;
	}
	c.cols = cols;
	c.ncols = (size_t)n;
	c.ref_table = val(res, i, 18);
	c.ref_cols = refcols;
	c.nref_cols = (size_t)nref;
	c.match = val(res, i, 19) ? val(res, i, 19)[0] : 's';
	c.on_update = val(res, i, 12) ? val(res, i, 12)[0] : 'a';
	c.on_delete = val(res, i, 13) ? val(res, i, 13)[0] : 'a';
	c.check_expr = val(res, i, 14);
	c.no_inherit = bval(res, i, 20);
	c.deferrable = bval(res, i, 5);
	c.deferred = bval(res, i, 6);
	c.not_valid = !bval(res, i, 7);
	cmig_buf b = CMIG_BUF_INIT;
	int rc = cmig_pgdef_constraint(&b, &c);
	if (rc == CMIG_OK)
		def = STR(r, b.ptr);
	else if (rc == CMIG_ENOMEM)
		r->oom = true;
	cmig_buf_release(&b);
	return def;
}

static void read_constraints(struct reader *r, const PGresult *res)
{
	size_t hint = 0;
	for (int i = 0; i < PQntuples(res) && !r->oom; i++) {
		struct cmig_sch_table *t = find_table(r, val(res, i, 0), val(res, i, 1), &hint);
		struct cmig_sch_constraint c;
		const char *k = val(res, i, 3), *u = val(res, i, 12), *dl = val(res, i, 13);
		if (!t)
			continue;
		memset(&c, 0, sizeof(c));
		c.kind = (cmig_sch_cons_kind)(k ? k[0] : 'c');
		c.name = STR(r, val(res, i, 2));
		c.pg_name = c.name;
		c.definition = STR(r, val(res, i, 4));
		if (!c.definition)
			c.definition = compose_constraintdef(r, res, i);
		c.deferrable = bval(res, i, 5);
		c.initially_deferred = bval(res, i, 6);
		c.validated = bval(res, i, 7);
		map_keys(r, &c.cols, val(res, i, 15), val(res, i, 8), false, 32767);
		if (c.kind == CMIG_SCH_FOREIGN) {
			c.ref_schema = STR(r, val(res, i, 9));
			c.ref_table = STR(r, val(res, i, 10));
			if (val(res, i, 11))
				split_names(r, &c.ref_cols, val(res, i, 11));
			else
				map_keys(r, &c.ref_cols, val(res, i, 16), val(res, i, 17), false, 32767);
			c.on_update = fk_action(u ? u[0] : 'a');
			c.on_delete = fk_action(dl ? dl[0] : 'a');
		}
		if (c.kind == CMIG_SCH_CHECK)
			c.expr = STR(r, val(res, i, 14));
		if (c.kind == CMIG_SCH_PRIMARY)
			for (size_t a = 0; a < c.cols.n; a++)
				for (size_t b = 0; b < t->columns.n; b++)
					if (strcmp(t->columns.items[b].name, c.cols.items[a]) == 0)
						t->columns.items[b].pk_position = (int)a + 1;
		if (CMIG_VEC_PUSH(&t->constraints, c)) {
			free(c.cols.items);
			free(c.ref_cols.items);
			r->oom = true;
			break;
		}
		if (!c.definition) {
			struct pending_def p = { strtoul(val(res, i, 21), NULL, 10),
			                         (size_t)(t - r->s->tables.items), t->constraints.n - 1 };
			if (CMIG_VEC_PUSH(&r->cons_defs, p))
				r->oom = true;
		}
	}
}

static void read_opclasses(struct reader *r, const PGresult *res)
{
	int n = PQntuples(res);
	r->opcs = malloc((size_t)(n ? n : 1) * sizeof(*r->opcs));
	if (!r->opcs) {
		r->oom = true;
		return;
	}
	for (int i = 0; i < n; i++)
		r->opcs[i] = (struct opclass){ strtoul(PQgetvalue(res, i, 0), NULL, 10),
		                               strtoul(PQgetvalue(res, i, 1), NULL, 10),
		                               strtoul(PQgetvalue(res, i, 2), NULL, 10) };
	r->nopcs = (size_t)n;
}

/* The default opclass of access method am for type (exact type: a domain or a binary-
 * coercible type is left to the server), 0 when none. */
static unsigned long default_opclass(const struct reader *r, unsigned long am, unsigned long type)
{
	for (size_t i = 0; i < r->nopcs; i++)
		if (r->opcs[i].am == am && r->opcs[i].type == type)
			return r->opcs[i].oid;
	return 0;
}

/* pg_get_indexdef() of row i of Q_INDEXES, put together here (the query let through only
 * plain-column keys with no options): NULL when a key's opclass or collation is not its
 * column's default, which the text would then name. */
static const char *compose_indexdef(struct reader *r, const PGresult *res, int i)
{
	unsigned long rel = strtoul(val(res, i, 8), NULL, 10), am = strtoul(val(res, i, 15), NULL, 10);
	const char *keys = val(res, i, 9), *opcs = val(res, i, 16), *colls = val(res, i, 17);
	const char *cols[32]; /* INDEX_MAX_KEYS */
	const char *def = NULL;
	size_t n = 0;
	unsigned long num, opc, coll;

	while (cmig_pgdef_next_num(&keys, &num)) {
		const struct attref *a = find_att(r, rel, (long)num);
		if (n == sizeof(cols) / sizeof(*cols) || !a || !cmig_pgdef_next_num(&opcs, &opc) ||
		    !cmig_pgdef_next_num(&colls, &coll) || opc != default_opclass(r, am, a->type) ||
		    (coll && coll != a->coll))
			return NULL;
		cols[n++] = a->quoted;
	}
	if (!n)
		return NULL;
	cmig_buf b = CMIG_BUF_INIT;
	if (cmig_pgdef_index(&b, bval(res, i, 3), val(res, i, 11), val(res, i, 12), val(res, i, 13),
	                     val(res, i, 14), cols, n) == CMIG_OK)
		def = STR(r, b.ptr);
	else
		r->oom = true;
	cmig_buf_release(&b);
	return def;
}

static void read_indexes(struct reader *r, const PGresult *res)
{
	for (int i = 0; i < PQntuples(res) && !r->oom; i++) {
		struct cmig_sch_index x;
		if (is_cmig_table(r, val(res, i, 0), val(res, i, 2)))
			continue;
		memset(&x, 0, sizeof(x));
		x.schema = STR(r, val(res, i, 0));
		x.name = STR(r, val(res, i, 1));
		x.table = STR(r, val(res, i, 2));
		x.unique = bval(res, i, 3);
		x.definition = STR(r, val(res, i, 4));
		if (!x.definition)
			x.definition = compose_indexdef(r, res, i);
		x.where = STR(r, val(res, i, 5));
		if (val(res, i, 6))
			split_names(r, &x.keys, val(res, i, 6));
		else
			map_keys(r, &x.keys, val(res, i, 8), val(res, i, 9), true, llval(res, i, 10));
		x.comment = STR(r, val(res, i, 7));
		if (CMIG_VEC_PUSH(&r->s->indexes, x)) {
			free(x.keys.items);
			r->oom = true;
			break;
		}
		if (!x.definition) {
			struct pending_def p = { strtoul(val(res, i, 18), NULL, 10), r->s->indexes.n - 1, 0 };
			if (CMIG_VEC_PUSH(&r->idx_defs, p))
				r->oom = true;
		}
	}
}

static void read_views(struct reader *r, const PGresult *res)
{
	for (int i = 0; i < PQntuples(res) && !r->oom; i++) {
		struct cmig_sch_view v = { STR(r, val(res, i, 0)), STR(r, val(res, i, 1)),
		                           STR(r, val(res, i, 2)), STR(r, val(res, i, 3)),
		                           STR(r, val(res, i, 4)), CMIG_VEC_INIT };
		split_names(r, &v.depends, val(res, i, 5));
		if (CMIG_VEC_PUSH(&r->s->views, v)) {
			free(v.depends.items);
			r->oom = true;
		}
	}
}

static void read_triggers(struct reader *r, const PGresult *res)
{
	for (int i = 0; i < PQntuples(res) && !r->oom; i++) {
		struct cmig_sch_trigger g = { STR(r, val(res, i, 0)), STR(r, val(res, i, 1)),
		                              STR(r, val(res, i, 2)), STR(r, val(res, i, 3)),
		                              bval(res, i, 4), STR(r, val(res, i, 5)) };
		if (is_cmig_table(r, g.schema, g.table))
			continue;
		if (CMIG_VEC_PUSH(&r->s->triggers, g))
			r->oom = true;
	}
}

static void read_grants(struct reader *r, const PGresult *res)
{
	for (int i = 0; i < PQntuples(res) && !r->oom; i++) {
		const char *k = val(res, i, 0);
		struct cmig_sch_grant g = { k ? k[0] : 't', STR(r, val(res, i, 1)),
		                            STR(r, val(res, i, 2)), STR(r, val(res, i, 3)),
		                            STR(r, val(res, i, 4)), bval(res, i, 5) };
		if (g.objkind == 't' && is_cmig_table(r, g.schema, g.name))
			continue;
		if (CMIG_VEC_PUSH(&r->s->grants, g))
			r->oom = true;
	}
}

static void read_unsupported(struct reader *r, const PGresult *res)
{
	for (int i = 0; i < PQntuples(res) && !r->oom; i++) {
		struct cmig_sch_unsupported u = { STR(r, val(res, i, 0)), STR(r, val(res, i, 1)),
		                                  STR(r, val(res, i, 2)) };
		if (!u.kind)
			continue;
		if (CMIG_VEC_PUSH(&r->s->unsupported, u))
			r->oom = true;
	}
	/* EXCLUDE constraints are read with the others; the model names them as unsupported */
	for (size_t t = 0; t < r->s->tables.n && !r->oom; t++)
		for (size_t k = 0; k < r->s->tables.items[t].constraints.n; k++) {
			const struct cmig_sch_table *tb = &r->s->tables.items[t];
			if (tb->constraints.items[k].kind != CMIG_SCH_EXCLUDE)
				continue;
			cmig_buf b = CMIG_BUF_INIT;
			cmig_buf_printf(&b, "%s on %s", tb->constraints.items[k].name, tb->name);
			struct cmig_sch_unsupported u = { "exclusion constraint", tb->schema,
			                                  STR(r, b.ptr) };
			cmig_buf_release(&b);
			if (CMIG_VEC_PUSH(&r->s->unsupported, u))
				r->oom = true;
		}
}

/* Queue "the texts of the objects in v by fn(oid)", in v's order: the item, or -1. */
static long queue_defs(struct pg_backend *be, const char *fn, const struct pending_def *v,
                       size_t n)
{
	cmig_buf q = CMIG_BUF_INIT;
	long idx = -1;
	int rc = cmig_buf_printf(&q, "SELECT pg_catalog.%s(u.i) FROM unnest('{", fn);
	for (size_t k = 0; k < n; k++)
		rc |= cmig_buf_printf(&q, "%s%lu", k ? "," : "", v[k].oid);
	rc |= cmig_buf_puts(&q, "}'::pg_catalog.oid[]) WITH ORDINALITY u(i, o) ORDER BY u.o");
	if (rc == CMIG_OK)
		idx = cmig_pg_queue(be, q.ptr, q.len, "reading the schema");
	cmig_buf_release(&q);
	if (idx >= 0)
		be->queue.items[idx].keep = true;
	return idx;
}

/* The texts of a queue_defs() query into *slot(k) for each k. */
static int fill_defs(struct reader *r, long idx, const struct pending_def *v, size_t n,
                     bool index, cmig_diags *d)
{
	const PGresult *res = r->be->queue.items[idx].res;
	if (!res || PQntuples(res) != (int)n)
		return cmig_diag_error(d, NULL, 0, CMIG_ESQL, NULL,
		                       "reading the schema: definitions were not returned");
	for (size_t k = 0; k < n && !r->oom; k++) {
		const char *def = val(res, (int)k, 0);
		if (!def)
			r->missing = true; /* dropped meanwhile */
		if (index)
			r->s->indexes.items[v[k].item].definition = STR(r, def);
		else
			r->s->tables.items[v[k].item].constraints.items[v[k].cons].definition = STR(r, def);
	}
	return CMIG_OK;
}

/* The second round trip, only when needed: the texts the client did not put together.
 * After our COMMIT (in the caller's transaction when it is theirs): the deparsers read the
 * catalogs as they are now, not as of a transaction's snapshot, so inside it they would see
 * nothing different; an object dropped in between comes back NULL and fails the read. */
static int read_pending(struct reader *r, cmig_diags *d)
{
	struct pg_backend *be = r->be;
	long ii = -1, ci = -1;
	int rc;

	cmig_pg_clear(be);
	if ((r->idx_defs.n &&
	     (ii = queue_defs(be, "pg_get_indexdef", r->idx_defs.items, r->idx_defs.n)) < 0) ||
	    (r->cons_defs.n &&
	     (ci = queue_defs(be, "pg_get_constraintdef", r->cons_defs.items, r->cons_defs.n)) < 0))
		return cmig_diag_oom(d);
	if (!be->queue.n)
		return CMIG_OK;
	rc = cmig_pg_flush(be, d);
	if (rc == CMIG_OK && ii >= 0)
		rc = fill_defs(r, ii, r->idx_defs.items, r->idx_defs.n, true, d);
	if (rc == CMIG_OK && ci >= 0)
		rc = fill_defs(r, ci, r->cons_defs.items, r->cons_defs.n, false, d);
	return rc;
}

/* The queries a twin connection runs when there is one (about half the server's time on a
 * large schema: constraints deparse each table's CHECKs), so that two server processes work
 * at once; the rest, and all of them without a twin, go on be's connection. */
static const bool on_twin[Q_COUNT] = {
	[Q_CONSTRAINTS] = true, [Q_INDEXES] = true, [Q_TRIGGERS] = true,
};

static const char *query_sql(const struct pg_backend *be, int q)
{
	int v = PQserverVersion(be->conn);
	if (q == Q_INDEXES)
		return v >= 150000 ? indexes_query_15 : indexes_query;
	if (q == Q_CONSTRAINTS)
		return v >= 170000 ? constraints_query_17 :
		       v >= 150000 ? constraints_query_15 : constraints_query_12;
	return queries[q];
}

/* Queue on be the settings (in our own transaction) and the queries q with on_twin[q] ==
 * twin_part (all of them when `all`); idx[q] is each one's item. Returns -1 when out of memory. */
static int queue_reads(struct pg_backend *be, long *idx, bool settings, bool twin_part, bool all)
{
	for (size_t k = 0; settings && k < sizeof(planner_settings) / sizeof(*planner_settings); k++)
		if (cmig_pg_queue(be, planner_settings[k], strlen(planner_settings[k]),
		                  "reading the schema") < 0)
			return -1;
	for (int q = 0; q < Q_COUNT; q++) {
		const char *sql = query_sql(be, q);
		if (!all && on_twin[q] != twin_part)
			continue;
		idx[q] = cmig_pg_queue(be, sql, strlen(sql), "reading the schema");
		if (idx[q] < 0)
			return -1;
		be->queue.items[idx[q]].keep = true;
	}
	return 0;
}

static const char begin_read[] = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY";

/* Queue the twin's half on the snapshot be's transaction exported (item `snap`). */
static int queue_twin(struct pg_backend *be, struct pg_backend *twin, long snap, long *tidx)
{
	const PGresult *res = be->queue.items[snap].res;
	cmig_buf set = CMIG_BUF_INIT;
	int rc = -1;

	if (res && PQntuples(res) == 1 &&
	    !cmig_buf_printf(&set, "SET TRANSACTION SNAPSHOT '%s'", PQgetvalue(res, 0, 0)) &&
	    cmig_pg_queue(twin, begin_read, sizeof(begin_read) - 1, "reading the schema") >= 0 &&
	    cmig_pg_queue(twin, set.ptr, set.len, "reading the schema") >= 0 &&
	    queue_reads(twin, tidx, true, true, false) >= 0 &&
	    cmig_pg_queue(twin, "COMMIT", 6, "reading the schema") >= 0)
		rc = 0;
	cmig_buf_release(&set);
	return rc;
}

/* Our own transaction ends: COMMIT, the results read so far kept. */
static int commit(struct pg_backend *be, cmig_diags *d)
{
	if (cmig_pg_queue(be, "COMMIT", 6, "reading the schema") < 0)
		return cmig_diag_oom(d);
	return cmig_pg_flush(be, d);
}

/* One read. *changed: the catalogs changed under it (nothing reported; see below). */
static int read_once(struct pg_backend *be, struct cmig_schema **out, bool *changed,
                     cmig_diags *d)
{
	struct pg_twin twin;
	struct reader r;
	long idx[Q_COUNT], tidx[Q_COUNT], snap = -1;
	const PGresult *res[Q_COUNT];
	bool own_txn = PQtransactionStatus(be->conn) == PQTRANS_IDLE, twinned = false;
	int rc;

	memset(&r, 0, sizeof(r));
	memset(&twin, 0, sizeof(twin));
	memset(res, 0, sizeof(res));
	for (int q = 0; q < Q_COUNT; q++)
		idx[q] = -1;
	r.be = be;
	r.d = d;
	*out = NULL;
	r.s = cmig_schema_new(CMIG_SCH_POSTGRESQL);
	if (!r.s)
		return cmig_diag_oom(d);
	cmig_pg_clear(be);
	/* a twin only for our own transaction (a caller's may hold changes no other session
	 * sees) and not through a pooler (which may not pass the snapshot on) */
	if (own_txn && !be->url->pgbouncer)
		cmig_pg_twin_start(be, &twin);
	if (own_txn &&
	    cmig_pg_queue(be, begin_read, sizeof(begin_read) - 1, "reading the schema") < 0)
		goto oom;
	if (twin.be.conn) {
		snap = cmig_pg_queue(be, "SELECT pg_catalog.pg_export_snapshot()", 38,
		                     "reading the schema");
		if (snap < 0)
			goto oom;
		be->queue.items[snap].keep = true;
		be->queue.items[snap].flush = true; /* the twin waits for it */
	}
	if (queue_reads(be, idx, own_txn, false, !twin.be.conn) < 0)
		goto oom;
	if ((rc = cmig_pg_send(be, d)) != CMIG_OK)
		goto fail;
	/* be's results come in while the twin connects, then while it runs its half */
	if (twin.be.conn && cmig_pg_twin_await(be, &twin, snap, d)) {
		if (queue_twin(be, &twin.be, snap, tidx) < 0)
			goto oom;
		twinned = cmig_pg_twin_collect(be, &twin, d);
		for (int q = 0; twinned && q < Q_COUNT; q++)
			if (on_twin[q])
				res[q] = twin.be.queue.items[tidx[q]].res;
	}
	rc = cmig_pg_receive(be, be->queue.n, d);
	/* the twin's half on be when it gave up, in be's transaction, still open */
	if (rc == CMIG_OK && snap >= 0 && !twinned) {
		if (queue_reads(be, idx, false, true, false) < 0)
			goto oom;
		rc = cmig_pg_flush(be, d);
	}
	if (rc == CMIG_OK && own_txn)
		rc = commit(be, d);
	if (rc)
		goto fail;
	for (int q = 0; q < Q_COUNT; q++)
		if (!res[q] && idx[q] >= 0)
			res[q] = be->queue.items[idx[q]].res;
#define RES(q) (res[q])
	for (int q = 0; q < Q_COUNT; q++)
		if (!RES(q)) {
			rc = cmig_diag_error(d, NULL, 0, CMIG_ESQL, NULL,
			                     "reading the schema: query %d returned no rows", q);
			goto fail;
		}
	read_opclasses(&r, RES(Q_OPCLASSES));
	read_session(&r, RES(Q_SESSION));
	read_schemas(&r, RES(Q_SCHEMAS));
	read_extensions(&r, RES(Q_EXTENSIONS));
	read_enums(&r, RES(Q_ENUMS));
	read_domains(&r, RES(Q_DOMAINS), RES(Q_DOMAIN_CHECKS));
	read_sequences(&r, RES(Q_SEQUENCES));
	read_functions(&r, RES(Q_FUNCTIONS));
	read_tables(&r, RES(Q_TABLES));
	read_columns(&r, RES(Q_COLUMNS));
	index_columns(&r, RES(Q_COLUMNS));
	read_constraints(&r, RES(Q_CONSTRAINTS));
	read_seq_defaults(&r, RES(Q_SEQ_DEFAULTS));
	read_indexes(&r, RES(Q_INDEXES));
	read_views(&r, RES(Q_VIEWS));
	read_triggers(&r, RES(Q_TRIGGERS));
	read_grants(&r, RES(Q_GRANTS));
	read_unsupported(&r, RES(Q_UNSUPPORTED));
#undef RES
	/* the results die here: nothing read from them is used after */
	cmig_pg_twin_free(&twin);
	free(r.atts);
	r.atts = NULL;
	if (r.oom)
		goto oom;
	rc = read_pending(&r, d);
	if (rc)
		goto fail;
	cmig_pg_clear(be);
	free(r.idx_defs.items);
	free(r.cons_defs.items);
	free(r.opcs);
	if (r.oom) {
		cmig_schema_free(r.s);
		return cmig_diag_oom(d);
	}
	if (r.missing) {
		cmig_schema_free(r.s);
		*changed = true;
		return CMIG_ESQL;
	}
	*out = r.s;
	return CMIG_OK;
oom:
	rc = cmig_diag_oom(d);
fail:
	cmig_pg_twin_free(&twin);
	cmig_pg_clear(be);
	free(r.atts);
	free(r.idx_defs.items);
	free(r.cons_defs.items);
	free(r.opcs);
	cmig_schema_free(r.s);
	/* our transaction, left open or failed by the error: end it */
	if (own_txn && PQtransactionStatus(be->conn) != PQTRANS_IDLE)
		cmig_pg_exec(be, "ROLLBACK", "rolling back", NULL);
	return rc;
}

/* The snapshot keeps the queries consistent, but not the server's deparsers (pg_get_expr,
 * pg_get_constraintdef, …: they read the catalogs as they are now), so a table dropped
 * while it is read shows up as a definition that is missing. pg_dump locks every table
 * against that; a schema read should not block a deploy's DDL, so the read is tried again
 * on a new snapshot, and refused after three tries. */
int cmig_pg_schema_read(struct cmig_backend *base, struct cmig_schema **out, cmig_diags *d)
{
	struct pg_backend *be = (struct pg_backend *)base;
	bool own_txn = PQtransactionStatus(be->conn) == PQTRANS_IDLE;
	for (int attempt = 1;; attempt++) {
		bool changed = false;
		int rc = read_once(be, out, &changed, d);
		if (!changed)
			return rc;
		if (attempt == 3 || !own_txn) /* a caller's transaction would read the same again */
			return cmig_diag_error(d, NULL, 0, CMIG_ESQL, NULL,
			                       "reading the schema: a constraint or index names a column "
			                       "the catalog did not list (was the schema changed "
			                       "meanwhile?)");
	}
}
