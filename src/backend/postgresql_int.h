/*
 * postgresql_int.h - the PostgreSQL backend's private handle, shared by postgresql.c (the ops:
 * lock, transactions, cmig's tables) and postgresql_conn.c (connecting, the query queue and
 * its pipeline, errors and notices as diagnostics).
 */
#ifndef CMIG_BACKEND_POSTGRESQL_INT_H
#define CMIG_BACKEND_POSTGRESQL_INT_H

/* Defined for backend/postgresql.c and backend/postgresql_*.c alone (src/CMakeLists.txt). */
#ifndef CMIG_PRIVATE_POSTGRESQL
#error "postgresql_int.h is private to backend/postgresql*.c: use the layer's public header instead"
#endif

#include "pq_dl.h"  /* libpq through dlopen: see pq_dl.h */

#include "backend.h"
#include "sqlsplit.h"

enum tables_state { TABLES_UNKNOWN, TABLES_MISSING, TABLES_EXIST };

/* One queued query. Borrowed pointers are valid until the queue is flushed. */
struct pg_item {
	char *sql;                            /* owned */
	char *params[3];                      /* owned text parameters $1..$3, or NULL */
	int nparams;
	const struct cmig_exec_section *sec;  /* a migration statement: its section, else NULL */
	const cmig_stmt *st;                  /* … and the statement */
	const char *what;                     /* cmig's own: what it was doing, for messages */
	bool keep;                            /* keep the result in res */
	bool flush;                           /* ask the server to send it at once, not with
	                                       * the results after it (a pipeline's results
	                                       * otherwise wait in the server's buffer) */
	PGresult *res;
};

struct pg_backend {
	struct cmig_backend base;
	PGconn *conn;
	const cmig_dburl *url;
	CMIG_VEC(struct pg_item) queue;
	cmig_diags *diags;                    /* where notices go during the current call */
	const struct pg_item *cur;            /* the query whose results are being read */
	long long lock_key;
	bool locked;
	enum tables_state tables;
	bool version_exists, history_exists, schema_exists; /* as check_tables() last saw */
	bool created_in_txn;                  /* begin() queued the CREATE TABLEs */
	bool ver_known;                       /* ver is the committed version (lock held) */
	char *ver;                            /* NULL = base */
	bool ver_pending;                     /* version_write() queued in this transaction */
	char *ver_new;
	bool copy_in_seen;                    /* a statement of this flush began COPY FROM STDIN */
	size_t sent;                          /* queued items sent to the server */
	bool piped;                           /* a pipeline is sent and not all read */
	size_t received;                      /* … the items whose results are read */
	int pipe_rc;                          /* … its first failure */
	struct cmig_exec_section exec;        /* the queued section (its strings are the run's) */
	bool section_queued;                  /* a transactional section waits for commit() */
	cmig_buf scratch;
};

/* Connect (retrying for settings->wait seconds) with the notice receiver in place from the
 * start. A failure names host and port and never holds the password. */
int cmig_pg_connect(struct pg_backend *be, cmig_diags *d);

/* Queue sql[0, len) (copied) with `what` (static text) for messages: the item's index, or -1
 * when out of memory. Items stay until cmig_pg_clear(). */
long cmig_pg_queue(struct pg_backend *be, const char *sql, size_t len, const char *what);
/* Queue each statement of cmig's own SQL text, skipping those that start with skip_prefix. */
int cmig_pg_queue_script(struct pg_backend *be, const char *sql, const char *what,
                         const char *skip_prefix, cmig_diags *d);
/* Free every queued item (and kept result). */
void cmig_pg_clear(struct pg_backend *be);
/* Send what is queued and not sent yet as one pipeline, one Sync, and read every result: the
 * first failure is reported, naming the migration statement's file:line when it was one;
 * results of `keep` items stay in the queue. The queue is not cleared. */
int cmig_pg_flush(struct pg_backend *be, cmig_diags *d);
/* cmig_pg_flush in two steps, so that two connections can work at once: send the items
 * queued since the last send (one pipeline, one Sync), then read the results of the items
 * before `upto` (the queue's length: all, and the pipeline ends). cmig_pg_receive returns
 * the pipeline's first failure so far. Results of earlier sends stay in the queue. */
int cmig_pg_send(struct pg_backend *be, cmig_diags *d);
int cmig_pg_receive(struct pg_backend *be, size_t upto, cmig_diags *d);
/* cmig_pg_receive without waiting: what has arrived (the reader's queries: no COPY). */
int cmig_pg_receive_ready(struct pg_backend *be, cmig_diags *d);

/* A second connection on be's snapshot (postgresql_twin.c: when it is used, and how it
 * gives up). be.conn is NULL once it has. */
struct pg_twin {
	struct pg_backend be; /* its connection and queue */
	PostgresPollingStatusType connecting;
	bool ready;           /* connected */
	double deadline;      /* … or given up on */
};
/* Start connecting like be (never waits). */
void cmig_pg_twin_start(struct pg_backend *be, struct pg_twin *t);
/* Read be's pipeline (sent, exporting its snapshot in item `snap`) while the twin connects:
 * true when the twin is ready and the snapshot is in; false when the twin gave up, or be's
 * pipeline ended (its own half done: the twin would not win) or failed (reported in d). */
bool cmig_pg_twin_await(struct pg_backend *be, struct pg_twin *t, long snap, cmig_diags *d);
/* Send the twin's queue, then read both pipelines to the end: true when the twin's results
 * are all in its queue. be's failures are reported in d, the twin's nowhere. */
bool cmig_pg_twin_collect(struct pg_backend *be, struct pg_twin *t, cmig_diags *d);
/* Close it and free its queue (and the results in it). */
void cmig_pg_twin_free(struct pg_twin *t);
/* cmig_pg_flush, then cmig_pg_clear. */
int cmig_pg_run(struct pg_backend *be, cmig_diags *d);
/* Queue one of cmig's own statements and run the queue now (d may be NULL). */
int cmig_pg_exec(struct pg_backend *be, const char *sql, const char *what, cmig_diags *d);

/* Scratch databases (postgresql_scratch.c): the ops' scratch_*. */
int cmig_pg_scratch_create(struct cmig_backend *base, const char *name, cmig_diags *d);
int cmig_pg_scratch_drop(struct cmig_backend *base, const char *name, cmig_diags *d);
int cmig_pg_scratch_sweep(struct cmig_backend *base, cmig_diags *d);

/* Report a failed result (res NULL: the connection's error) of cmig's own work `what`. */
int cmig_pg_report(struct pg_backend *be, const char *what, const PGresult *res, cmig_diags *d);

/* `cmig copy` (postgresql_copy.c, see copy_io.h): the copy_* ops. */
struct cmig_copy_table;
struct cmig_copy_reader;
struct cmig_copy_writer;
int cmig_pg_copy_exec(struct cmig_backend *be, const char *sql, cmig_diags *d);
int cmig_pg_copy_query_int(struct cmig_backend *be, const char *sql, long long *out,
                           cmig_diags *d);
int cmig_pg_copy_snapshot(struct cmig_backend *be, cmig_diags *d);
int cmig_pg_copy_reader(struct cmig_copy_reader **out, struct cmig_backend *be,
                        const struct cmig_copy_table *t, cmig_diags *d);
int cmig_pg_copy_writer(struct cmig_copy_writer **out, struct cmig_backend *be,
                        const struct cmig_copy_table *t, cmig_diags *d);

/* The schema reader (postgresql_schema.c): the ops' schema_read. */
int cmig_pg_schema_read(struct cmig_backend *base, struct cmig_schema **out, cmig_diags *d);

double cmig_pg_now(void);
void cmig_pg_sleep_ms(long ms);

#endif
