/*
 * autogen.h - SPEC §8's comparisons: `cmig diff`, `cmig check --schema` and `cmig revision
 * --autogenerate` (replay the chain → read → diff → write → prove, up then down → file).
 *
 * The schema at head always comes from replaying the chain in a scratch database
 * (runtime/scratch.c), the declared schema from loading schema_file into a second one; both
 * are read with the backend's one reader and compared with schema/diff.c. With per-dialect
 * schema files (`schema_file: {sqlite: F, postgresql: F}`) diff uses the URL's dialect's file
 * and autogenerate proves each dialect in scratch databases of that dialect.
 */
#ifndef CMIG_RUNTIME_AUTOGEN_H
#define CMIG_RUNTIME_AUTOGEN_H

#include <stddef.h>

#include "migrate.h"
#include "cmig/cmig.h"

/* `cmig diff`: the SQL from head (or the configured database with CMIG_SCHEMA_FROM_DB) to the
 * declared schema goes to o->on_output; *count_out: statements (0: they agree). */
int cmig_autogen_diff(size_t *count_out, const struct cmig_runtime *rt,
                      const cmig_schema_options *o, cmig_diags *d);

/* `cmig check --schema`: the configured database against the chain replayed up to its
 * revision; each difference is a `schema-drift` error. *count_out: differences. */
int cmig_autogen_check(size_t *count_out, const struct cmig_runtime *rt,
                       const cmig_schema_options *o, cmig_diags *d);

/* `cmig revision --autogenerate`: write the proven revision(s); *path_out the main file
 * (NULL when there was no difference). */
int cmig_autogen_revision(char **path_out, const struct cmig_runtime *rt,
                          const cmig_schema_options *o, cmig_diags *d);

#endif
