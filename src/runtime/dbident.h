/*
 * dbident.h - which database a parsed URL reaches, as a string two URLs share exactly when
 * they name the same database (SPEC §11: a database listed twice is refused before anything
 * runs).
 */
#ifndef CMIG_RUNTIME_DBIDENT_H
#define CMIG_RUNTIME_DBIDENT_H

#include "dburl.h"

/* "sqlite:dev:ino" for an existing file, "sqlite:<real path>" for one not created yet (its
 * directory resolved), "postgresql:<host>\t<port>\t<db>\t<schema>" with libpq's defaults
 * (PGHOST, PGPORT, PGDATABASE, PGUSER, then the user name) filled in. NULL on out of memory. */
char *cmig_dburl_identity(const cmig_dburl *u);

#endif
