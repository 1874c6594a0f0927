/*
 * embed - a program that carries its own migrations (docs/embedding.md, issue 7).
 *
 *   embed [DATABASE_URL]        default sqlite:///embed.db
 *
 * At start it opens a cmig project from the migrations compiled into it by
 * cmig_embed_migrations() (CMake) or CmigEmbedGenerate.cmake (the Makefile), upgrades the
 * database to head, and only then uses the database: here it reads the notes table with
 * sqlite3 and prints it. A second run finds nothing to do and prints no progress.
 *
 * libcmig prints nothing itself: diagnostics and progress reach this program through the
 * callbacks below, and it decides where they go (stderr here, a log in a real service).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmig/cmig.h>
#include <sqlite3.h>

/* Defined by the generated source file (CmigEmbed.cmake). */
extern const cmig_embedded_file cmig_embedded_migrations[];
extern const size_t cmig_embedded_migrations_count;

static void on_diag(const cmig_diag *d, void *payload)
{
	const char *sev = d->severity == CMIG_DIAG_ERROR ? "error"
	                  : d->severity == CMIG_DIAG_WARNING ? "warning" : "note";
	(void)payload;
	if (d->path && d->line)
		fprintf(stderr, "embed: %s:%u: %s: %s\n", d->path, d->line, sev, d->message);
	else if (d->path)
		fprintf(stderr, "embed: %s: %s: %s\n", d->path, sev, d->message);
	else
		fprintf(stderr, "embed: %s: %s\n", sev, d->message);
	if (d->detail)
		fprintf(stderr, "  detail: %s\n", d->detail);
}

static void on_progress(const cmig_progress *ev, void *payload)
{
	(void)payload;
	if (ev->what) /* a long step inside a migration (a table rebuild): not shown here */
		return;
	fprintf(stderr, "embed: running %s %s -> %s, %s\n",
	        ev->direction == CMIG_UP ? "upgrade" : "downgrade", ev->from ? ev->from : "base",
	        ev->to ? ev->to : "base", ev->message);
}

/* Migrate at start-up: 0 when the database is at head. */
static int migrate(const char *url)
{
	cmig_open_options oo = CMIG_OPEN_OPTIONS_INIT;
	cmig_run_options ro = CMIG_RUN_OPTIONS_INIT;
	cmig_project *project = NULL;
	int rc;

	oo.url = url;
	oo.files = cmig_embedded_migrations;
	oo.nfiles = cmig_embedded_migrations_count;
	oo.flags |= CMIG_OPEN_NO_CONFIG_FILE;     /* every setting comes from here */
	oo.on_diag = on_diag;
	rc = cmig_project_open(&project, &oo);
	if (rc == CMIG_OK) {
		ro.target = "head";
		ro.on_progress = on_progress;
		ro.on_diag = on_diag;
		rc = cmig_upgrade(NULL, project, &ro);
	}
	if (rc != CMIG_OK)
		fprintf(stderr, "embed: cannot migrate the database: %s\n", cmig_status_name(rc));
	cmig_project_free(project);
	return rc;
}

/* sqlite:///rel.db -> rel.db, sqlite:////abs.db -> /abs.db (SPEC §1); NULL otherwise. */
static const char *sqlite_path(const char *url)
{
	static const char scheme[] = "sqlite:///";
	if (strncmp(url, scheme, sizeof(scheme) - 1) != 0)
		return NULL;
	return url + sizeof(scheme) - 1;
}

int main(int argc, char **argv)
{
	const char *url = argc > 1 ? argv[1] : "sqlite:///embed.db";
	const char *path = sqlite_path(url);
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	int status = EXIT_FAILURE;

	if (!path || strchr(path, '?')) {
		fprintf(stderr, "usage: embed [sqlite:///FILE]\n");
		return 2;
	}
	if (migrate(url) != CMIG_OK)
		return EXIT_FAILURE;

	/* The application proper: the schema is known to be at head now. */
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db,
	                       "SELECT (SELECT version_num FROM cmig_version), id, pinned, body"
	                       " FROM notes ORDER BY id",
	                       -1, &st, NULL) != SQLITE_OK) {
		fprintf(stderr, "embed: %s: %s\n", path, db ? sqlite3_errmsg(db) : "out of memory");
		goto done;
	}
	while (sqlite3_step(st) == SQLITE_ROW) {
		if (sqlite3_column_int(st, 1) == 1)
			printf("schema at %s\n", (const char *)sqlite3_column_text(st, 0));
		printf("note %d%s: %s\n", sqlite3_column_int(st, 1),
		       sqlite3_column_int(st, 2) ? " (pinned)" : "",
		       (const char *)sqlite3_column_text(st, 3));
	}
	status = EXIT_SUCCESS;
done:
	sqlite3_finalize(st);
	sqlite3_close(db);
	return status;
}
