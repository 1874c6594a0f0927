/*
 * dump.h - the schema model as the SQL that recreates it (SPEC §8 `cmig dump`). Pure.
 */
#ifndef CMIG_SCHEMA_DUMP_H
#define CMIG_SCHEMA_DUMP_H

#include "buf.h"
#include "diag.h"
#include "schema.h"

/* Append the dump of s to out: a first line naming revision (NULL: base), then one statement
 * per object in SPEC §8's order. An object of a kind the model does not cover is an error
 * naming it (one diagnostic each; nothing useful is left in out). */
int cmig_schema_dump(cmig_buf *out, const struct cmig_schema *s, const char *revision,
                     cmig_diags *d);

#endif
