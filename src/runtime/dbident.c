/*
 * dbident.c - see dbident.h. A SQLite file is one database however it is spelt (relative,
 * absolute, through a symlink or a hard link): the device and inode say so. A PostgreSQL
 * database is its server, its name and the schema cmig's tables go in; values the URL leaves
 * out are filled in as libpq would, so `postgresql:///db` and `postgresql://localhost/db`
 * compare by what the environment makes them.
 */
#include "dbident.h"

#include <limits.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "fs.h"

static const char *first_of(const char *a, const char *env)
{
	if (a && *a)
		return a;
	a = getenv(env);
	return a && *a ? a : NULL;
}

static char *sqlite_identity(const char *path)
{
	struct stat st;
	char *dir, *real, *out;
	const char *base;

	if (!strcmp(path, ":memory:"))
		return NULL; /* every :memory: database is a new one: never the same */
	if (stat(path, &st) == 0)
		return cmig_asprintf("sqlite:%llu:%llu", (unsigned long long)st.st_dev,
		                     (unsigned long long)st.st_ino);
	/* not created yet: the same file when its directory and name are */
	dir = cmig_path_dirname(path);
	if (!dir)
		return NULL;
	base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	real = realpath(dir, NULL);
	out = cmig_asprintf("sqlite:%s/%s", real ? real : dir, base);
	free(real);
	free(dir);
	return out;
}

char *cmig_dburl_identity(const cmig_dburl *u)
{
	const char *host, *port, *user, *db;

	if (u->kind == CMIG_DB_SQLITE) {
		char *id = sqlite_identity(u->sqlite_path);
		return id ? id : cmig_asprintf("sqlite-memory:%p", (const void *)u);
	}
	host = first_of(u->qhost ? u->qhost : u->host, "PGHOST");
	port = first_of(u->qport ? u->qport : u->port, "PGPORT");
	user = first_of(u->user, "PGUSER");
	if (!user) {
		struct passwd pw, *res = NULL;
		char buf[1024];
		if (getpwuid_r(geteuid(), &pw, buf, sizeof(buf), &res) == 0 && res)
			return cmig_asprintf("postgresql:%s\t%s\t%s\t%s", host ? host : "",
			                     port ? port : "5432",
			                     (db = first_of(u->dbname, "PGDATABASE")) ? db : res->pw_name,
			                     u->schema ? u->schema : "");
	}
	db = first_of(u->dbname, "PGDATABASE");
	return cmig_asprintf("postgresql:%s\t%s\t%s\t%s", host ? host : "", port ? port : "5432",
	                     db ? db : user ? user : "", u->schema ? u->schema : "");
}
