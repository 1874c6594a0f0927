/*
 * schemaops.h - the SPEC §8 commands that read a live database's schema: `cmig dump` and the
 * `dump_file` rewrite after a migration run. The model comes from the backend's schema_read
 * (the one reader per backend); the text from schema/dump.c.
 */
#ifndef CMIG_RUNTIME_SCHEMAOPS_H
#define CMIG_RUNTIME_SCHEMAOPS_H

#include "backend.h"
#include "buf.h"
#include "migrate.h"

/* The dump of an open database (its version row, then its schema) appended to out. */
int cmig_schemaops_dump_backend(cmig_buf *out, struct cmig_backend *be, cmig_diags *d);

/* `cmig dump`: open the configured database read-only and dump it. A missing SQLite file is
 * an error (nothing is created). */
int cmig_schemaops_dump(cmig_buf *out, const struct cmig_runtime *rt, const cmig_run_options *o,
                        cmig_diags *d);

/* After a single-database run that changed the database: when rt->write_dump_file and the
 * config names a dump_file, replace it (temporary file + rename) with the dump of be. Any
 * failure is a warning, never an error: the migration has been committed. */
void cmig_schemaops_dump_file(const struct cmig_runtime *rt, struct cmig_backend *be,
                              cmig_diags *d);

#endif
