/*
 * scratch.h - SPEC §8 scratch databases: where the chain is replayed and a declared schema is
 * loaded, so that their schemas can be read with the one reader and compared.
 *
 * A backend with scratch_* ops (PostgreSQL): a database created on the
 * server of cmig.yaml's dev_url, named cmig_scratch_<8 random hex>_<pid>, created from
 * template0 in UTF8 and dropped WITH (FORCE) at the end. A watchdog process (forked after the
 * CREATE, holding one end of a pipe) drops it too when this process dies first, whatever
 * killed it (SIGINT, SIGTERM, SIGKILL). Opening the first scratch of a run sweeps
 * cmig_scratch_* databases older than an hour that nobody is connected to. Else a backend
 * with a memory_url (SQLite): an in-memory database through the seam.
 */
#ifndef CMIG_RUNTIME_SCRATCH_H
#define CMIG_RUNTIME_SCRATCH_H

#include <stdbool.h>
#include <sys/types.h>

#include "backend.h"
#include "migrate.h"
#include "schema.h"

struct cmig_scratch {
	const struct cmig_backend_ops *ops; /* the configured URL's backend */
	cmig_dburl url;                 /* the scratch database's URL */
	struct cmig_backend_settings settings;
	struct cmig_backend *be;        /* open on it */
	char name[64];                  /* PostgreSQL: the database's name, "" on SQLite */
	cmig_dburl admin;               /* PostgreSQL: dev_url */
	pid_t watchdog;                 /* PostgreSQL: the process that drops it if we die */
	int watch_fd;                   /* write end of the watchdog's pipe, -1 when none */
	cmig_dialect_kind dialect;
	long pos;                       /* chain position replayed to (CMIG_POS_BASE at first) */
};

/* Create and open a scratch database for a dialect (CMIG_DIALECT_ANY: rt's backend kind; a
 * project on one backend may prove the other's sections, SPEC §8 per-dialect schema files).
 * On failure nothing is left behind. */
int cmig_scratch_open(struct cmig_scratch *out, const struct cmig_runtime *rt,
                      cmig_dialect_kind dialect, const cmig_run_options *o, cmig_diags *d);
/* Drop (PostgreSQL) and close. Safe on a zeroed or failed struct. */
void cmig_scratch_close(struct cmig_scratch *s);

/* Run the chain's up sections from the scratch's position to `to` (a chain index). */
int cmig_scratch_replay(struct cmig_scratch *s, const struct cmig_chain *c, long to,
                        cmig_diags *d);
/* Run SQL text as one section (errors name path and the line in text). transactional false:
 * statement by statement outside a transaction. */
int cmig_scratch_exec(struct cmig_scratch *s, const char *path, const char *text,
                      bool transactional, cmig_diags *d);
/* Read the scratch database's schema. */
int cmig_scratch_read(struct cmig_scratch *s, struct cmig_schema **out, cmig_diags *d);

#endif
