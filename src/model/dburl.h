/*
 * dburl.h - database URL -> backend kind + parts (SPEC §1); the only code that formats a URL
 * for people (cmig_dburl_display masks the password).
 */
#ifndef CMIG_MODEL_DBURL_H
#define CMIG_MODEL_DBURL_H

#include <stdbool.h>

#include "diag.h"

typedef enum { CMIG_DB_SQLITE = 1, CMIG_DB_POSTGRESQL = 2 } cmig_db_kind;

typedef struct {
	cmig_db_kind kind;
	char *raw;           /* the URL as given (may hold a password: never print) */
	char *display;       /* the URL with any password replaced by "***" */
	char *sqlite_path;   /* SQLite: the file path resolved against base_dir, or ":memory:" */
	char *pg_conninfo;   /* PostgreSQL: the URL without its password, for libpq */
	char *password;      /* PostgreSQL: the decoded password, NULL when none */
	char *password_raw;  /* PostgreSQL: the password as written in the URL (percent-encoded) */
	char *host;          /* PostgreSQL: host as written (for messages), NULL when none */
	char *port;          /* PostgreSQL: port as written, NULL when none */
	char *qhost, *qport; /* PostgreSQL: ?host= and ?port= (decoded; libpq prefers them) */
	char *dbname;        /* PostgreSQL: database name as written (decoded), NULL when none */
	char *user;          /* PostgreSQL: user name as written (decoded), NULL when none */
	char *schema;        /* PostgreSQL: ?schema=NAME (SPEC §11), taken out of pg_conninfo */
	bool pgbouncer;      /* PostgreSQL: ?pgbouncer=true, taken out of pg_conninfo */
} cmig_dburl;

/* Parse url. base_dir: the directory a relative sqlite path is relative to (NULL = cwd).
 * Unknown schemes are an error naming the scheme (never the whole URL); no diagnostic ever
 * holds the URL or the password. A password may be in the user part (split at the last '@'
 * before the path) or a ?password= parameter; both are taken out of pg_conninfo and masked
 * in display. A password with an unencoded '/', '?' or '#' is refused (libpq would misread
 * it as a host or port). On failure `out` is released (all NULL). */
int cmig_dburl_parse(cmig_dburl *out, const char *url, const char *base_dir, cmig_diags *d);
void cmig_dburl_release(cmig_dburl *u);
/* Remove every occurrence of the password (raw and decoded) from text, in place: each
 * becomes "***" (a password shorter than that becomes as many '*', the text cannot grow). */
void cmig_dburl_scrub(const cmig_dburl *u, char *text);

#endif
