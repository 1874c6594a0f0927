/*
 * postgresql_twin.c - a second connection that shares a connection's snapshot, so that two
 * server processes answer one read at once (the schema reader's catalog queries: on a large
 * schema the server's work is most of a `dump`, and it splits in halves that do not wait on
 * each other). pg_dump's parallel mode works the same way.
 *
 * Invariants:
 *  - The twin is an optimisation, never a requirement: whatever keeps it from working (the
 *    server's or the role's connection limit, a pooler that cannot pass a snapshot on, a slow
 *    start) makes it give up silently, and the caller runs its half on the first connection,
 *    inside the same transaction. Nothing the twin's server says reaches the user.
 *  - It sees exactly what the first connection sees: it imports the snapshot that the first
 *    connection's REPEATABLE READ transaction exported (that transaction stays open until the
 *    twin is done), and it connects with the options libpq resolved for the first one
 *    (database, user, password, the startup options that set the URL's search_path) to the
 *    very server the first one reached (its host and port, not a list to choose from).
 *  - Both sockets are read as results arrive, so neither server waits on a full socket while
 *    the client waits on the other.
 *  - It is used only when it can win: if the first connection's own half is done before the
 *    twin is ready (a small schema), the twin is dropped.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>

#include "postgresql_int.h"

/* How long the twin may take to connect before it is given up on: a server that slow is
 * better served by one connection. */
#define TWIN_CONNECT_SECONDS 2.0

static void drop_notice(void *arg, const PGresult *res)
{
	(void)arg;
	(void)res;
}

void cmig_pg_twin_start(struct pg_backend *be, struct pg_twin *t)
{
	PQconninfoOption *opts = PQconninfo(be->conn);
	const char **keys = NULL, **vals = NULL;
	size_t n = 0;

	memset(t, 0, sizeof(*t));
	t->be.base.settings = be->base.settings;
	t->be.url = be->url;
	if (!opts)
		return;
	for (PQconninfoOption *o = opts; o->keyword; o++)
		n++;
	keys = malloc((n + 4) * sizeof(*keys));
	vals = malloc((n + 4) * sizeof(*vals));
	if (keys && vals) {
		const char *hostaddr = PQhostaddr(be->conn);
		bool had_hostaddr = false;
		n = 0;
		for (PQconninfoOption *o = opts; o->keyword; o++) {
			if (!o->val || !*o->val)
				continue;
			/* the server be reached, not another of a list (a snapshot id means nothing
			 * on another server, and could even name one of its transactions) */
			if (!strcmp(o->keyword, "hostaddr"))
				had_hostaddr = true;
			if (!strcmp(o->keyword, "host") || !strcmp(o->keyword, "port") ||
			    !strcmp(o->keyword, "hostaddr") || !strcmp(o->keyword, "load_balance_hosts") ||
			    !strcmp(o->keyword, "target_session_attrs"))
				continue;
			keys[n] = o->keyword;
			vals[n++] = o->val;
		}
		keys[n] = "host";
		vals[n++] = PQhost(be->conn);
		keys[n] = "port";
		vals[n++] = PQport(be->conn);
		if (had_hostaddr && hostaddr && *hostaddr) {
			keys[n] = "hostaddr";
			vals[n++] = hostaddr;
		}
		keys[n] = vals[n] = NULL;
		t->be.conn = PQconnectStartParams(keys, vals, 0);
	}
	free(keys);
	free(vals);
	PQconninfoFree(opts);
	if (!t->be.conn)
		return;
	PQsetNoticeReceiver(t->be.conn, drop_notice, NULL);
	if (PQstatus(t->be.conn) == CONNECTION_BAD) {
		PQfinish(t->be.conn);
		t->be.conn = NULL;
		return;
	}
	t->connecting = PGRES_POLLING_WRITING;
	t->deadline = cmig_pg_now() + TWIN_CONNECT_SECONDS;
}

/* Give the twin up: its connection closed, what it read freed. */
static void drop(struct pg_twin *t)
{
	t->be.piped = false; /* what is still on its way goes with the connection */
	if (t->be.conn)
		PQfinish(t->be.conn);
	t->be.conn = NULL;
	t->ready = false;
}

void cmig_pg_twin_free(struct pg_twin *t)
{
	drop(t);
	cmig_pg_clear(&t->be);
	free(t->be.queue.items);
	memset(t, 0, sizeof(*t));
}

/* Wait (at most until the deadline) for either socket, then move on: be's results read,
 * the twin's connection a step further. */
static void step(struct pg_backend *be, struct pg_twin *t, cmig_diags *d, cmig_diags *quiet)
{
	struct pollfd p[2] = { { -1, POLLIN, 0 }, { -1, 0, 0 } };
	int wait_ms = -1;

	if (be->piped)
		p[0].fd = PQsocket(be->conn);
	if (t->be.conn && !t->ready) {
		double left = t->deadline - cmig_pg_now();
		if (left <= 0) {
			drop(t);
			return;
		}
		wait_ms = (int)(left * 1000) + 1;
		p[1].fd = PQsocket(t->be.conn);
		p[1].events = t->connecting == PGRES_POLLING_READING ? POLLIN : POLLOUT;
	} else if (t->be.piped) {
		p[1].fd = PQsocket(t->be.conn);
		p[1].events = POLLIN;
	}
	if (poll(p, 2, wait_ms) < 0) {
		if (errno != EINTR)
			drop(t); /* be's pipeline is then read as usual, waiting in libpq */
		return;
	}
	if (p[0].revents)
		cmig_pg_receive_ready(be, d);
	if (p[1].revents && t->be.conn && !t->ready) {
		t->connecting = PQconnectPoll(t->be.conn);
		if (t->connecting == PGRES_POLLING_OK)
			t->ready = PQsetnonblocking(t->be.conn, 1) == 0;
		if (t->connecting == PGRES_POLLING_FAILED || (t->connecting == PGRES_POLLING_OK && !t->ready))
			drop(t);
	} else if (p[1].revents && t->be.piped && cmig_pg_receive_ready(&t->be, quiet) != CMIG_OK) {
		drop(t);
	}
}

bool cmig_pg_twin_await(struct pg_backend *be, struct pg_twin *t, long snap, cmig_diags *d)
{
	cmig_diags quiet;
	cmig_diags_init(&quiet, NULL, NULL);
	while (t->be.conn && !(t->ready && be->received > (size_t)snap)) {
		if (!be->piped || be->pipe_rc != CMIG_OK) { /* be is done (or failed) first */
			drop(t);
			break;
		}
		step(be, t, d, &quiet);
	}
	cmig_diags_release(&quiet);
	return t->be.conn != NULL;
}

bool cmig_pg_twin_collect(struct pg_backend *be, struct pg_twin *t, cmig_diags *d)
{
	cmig_diags quiet;
	bool ok;

	cmig_diags_init(&quiet, NULL, NULL);
	if (t->be.conn && cmig_pg_send(&t->be, &quiet) != CMIG_OK)
		drop(t);
	while (t->be.conn && (be->piped || t->be.piped)) /* be alone: libpq reads on */
		step(be, t, d, &quiet);
	ok = t->be.conn && t->be.pipe_rc == CMIG_OK;
	cmig_diags_release(&quiet);
	drop(t); /* its results stay in its queue until cmig_pg_twin_free() */
	return ok;
}
