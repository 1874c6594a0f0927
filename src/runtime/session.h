/*
 * session.h - the one way a command opens a database: settings from the project and the
 * run's options, the backend for the URL (or the --sql sink), then, as the flags ask, the
 * run's lock, a transaction, and the version row and history (dbstate.h) read under them.
 * Every command that talks to a database (upgrade, downgrade, stamp, current, status, check,
 * rehash, linearize, dump, copy, fleets through these) opens through it.
 *
 * Invariants:
 *  - The lock is taken before the version is read, the transaction begun before it too.
 *  - On failure nothing is left open or allocated (the session reads as closed).
 *  - The backend borrows s->settings: a session stays where it was opened until closed.
 */
#ifndef CMIG_RUNTIME_SESSION_H
#define CMIG_RUNTIME_SESSION_H

#include <stdbool.h>

#include "backend.h"
#include "dbstate.h"
#include "migrate.h"

enum {
	CMIG_SESSION_READONLY = 1u << 0,  /* never create or change anything (status, --check) */
	CMIG_SESSION_LOCK = 1u << 1,      /* take the run's lock (released by close) */
	CMIG_SESSION_BEGIN = 1u << 2,     /* begin the transaction the reads and the caller's
	                                   * writes share; the caller commits or rolls back */
	CMIG_SESSION_VERSION = 1u << 3,   /* read the version row into state */
	CMIG_SESSION_HISTORY = 1u << 4,   /* and the whole history (implies VERSION) */
	CMIG_SESSION_OFFLINE = 1u << 5,   /* the --sql sink: print, never connect */
	CMIG_SESSION_SHADOW = 1u << 6,    /* offline: a section will ALTER TABLE, so keep a shadow
	                                   * database when the URL's backend rebuilds ALTERs */
};

struct cmig_session {
	struct cmig_backend_settings settings;
	struct cmig_backend *be;          /* NULL when closed */
	struct cmig_dbstate state;        /* filled with VERSION / HISTORY */
	bool locked;
};

/* Open rt's database (url NULL) or url (copy's two sides) as flags ask. */
int cmig_session_open(struct cmig_session *s, const struct cmig_runtime *rt,
                      const cmig_dburl *url, const cmig_run_options *o, unsigned flags,
                      cmig_diags *d);
/* Unlock and close; safe on a zeroed, failed or closed session. Does not roll back: a
 * caller that began a transaction ends it (close without commit leaves it to the backend's
 * close, which discards it). */
void cmig_session_close(struct cmig_session *s);

/* The one history-row builder: append a row for revision (NULL: "base") with direction
 * ("up", "down", "stamp", "rehash"), checksum ("" for a stamp), applied now, lasting ms. */
int cmig_session_history(struct cmig_backend *be, const char *revision, const char *direction,
                         const char *checksum, double ms, cmig_diags *d);

#endif
