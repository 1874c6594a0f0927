/*
 * scratch.c - SPEC §8 scratch databases (see scratch.h).
 */
#include "scratch.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "plan.h"
#include "sqlsplit.h"
#include "target.h"
#include "text.h"

/* The database part of a postgresql:// URL as written ("" when none). */
static char *url_dbname(const char *raw)
{
	const char *p = strstr(raw, "://");
	const char *slash, *end;
	if (!p)
		return cmig_strdup("");
	p += 3;
	slash = strchr(p, '/');
	if (!slash)
		return cmig_strdup("");
	slash++;
	end = slash + strcspn(slash, "?#");
	return cmig_strndup(slash, (size_t)(end - slash));
}

/* raw with its database part replaced by name. */
static char *url_with_db(const char *raw, const char *name)
{
	const char *p = strstr(raw, "://"), *slash, *end;
	if (!p)
		return NULL;
	slash = strchr(p + 3, '/');
	if (!slash) { /* no path: postgresql://host → postgresql://host/name */
		end = p + 3 + strcspn(p + 3, "?#");
		return cmig_asprintf("%.*s/%s%s", (int)(end - raw), raw, name, end);
	}
	end = slash + 1 + strcspn(slash + 1, "?#");
	return cmig_asprintf("%.*s%s%s", (int)(slash + 1 - raw), raw, name, end);
}

/* A URL's ?host= / ?port= query value, or the parsed one. */
static char *url_param(const char *raw, const char *key, const char *parsed)
{
	const char *q = strchr(raw, '?');
	size_t kl = strlen(key);
	while (q) {
		q++;
		if (strncmp(q, key, kl) == 0 && q[kl] == '=') {
			const char *v = q + kl + 1;
			return cmig_strndup(v, strcspn(v, "&#"));
		}
		q = strchr(q, '&');
	}
	return cmig_strdup(parsed ? parsed : "");
}

static bool same_target(const cmig_dburl *a, const cmig_dburl *b)
{
	char *da = url_dbname(a->raw), *db = url_dbname(b->raw);
	char *ha = url_param(a->raw, "host", a->host), *hb = url_param(b->raw, "host", b->host);
	char *pa = url_param(a->raw, "port", a->port), *pb = url_param(b->raw, "port", b->port);
	bool same = da && db && ha && hb && pa && pb && strcmp(da, db) == 0 &&
	            strcmp(ha, hb) == 0 && strcmp(pa, pb) == 0;
	free(da);
	free(db);
	free(ha);
	free(hb);
	free(pa);
	free(pb);
	return same;
}

/* The watchdog: waits for a byte ("we dropped it") or the end of the pipe (we died), and in
 * the second case drops the database itself. It ignores the terminal's signals: a Ctrl-C
 * reaches the whole process group, and the watchdog must outlive cmig to clean up. */
static void watchdog(int fd, const struct cmig_backend_ops *ops, const cmig_dburl *admin,
                     const struct cmig_backend_settings *st, const char *name)
{
	char c;
	ssize_t n;
	signal(SIGINT, SIG_IGN);
	signal(SIGTERM, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	do
		n = read(fd, &c, 1);
	while (n < 0 && errno == EINTR);
	if (n == 1)
		_exit(0);
	struct cmig_backend *be = NULL;
	cmig_diags d = CMIG_DIAGS_INIT;
	if (ops->open(&be, admin, st, &d) == CMIG_OK) {
		be->ops->scratch_drop(be, name, &d);
		be->ops->close(be);
	}
	_exit(0);
}

/* A database created beside the configured one on dev_url's server (PostgreSQL). */
static int open_server(struct cmig_scratch *s, const struct cmig_runtime *rt, cmig_diags *d)
{
	const char *dev = rt->config->dev_url;
	struct cmig_backend *admin = NULL;
	char hex[13], *url = NULL;
	int fds[2], rc;

	if (!dev)
		return cmig_diag_full(d, CMIG_DIAG_ERROR, CMIG_ERROR, NULL, rt->config->path, 0, 0,
		                      NULL,
		                      "Add 'dev_url: postgresql://…/postgres' (a server where cmig may "
		                      "create and drop databases) to cmig.yaml.",
		                      "this command needs dev_url on PostgreSQL: the schema at head is "
		                      "replayed in a scratch database, never in the configured one");
	if ((rc = cmig_dburl_parse(&s->admin, dev, rt->config->dir, d)))
		return rc;
	if (cmig_backend_for(&s->admin, false) != s->ops)
		return cmig_diag_error(d, rt->config->path, 0, CMIG_ERROR, NULL,
		                       "dev_url must be a %s:// URL", s->ops->name);
	if (cmig_backend_for(rt->url, false) == s->ops && same_target(&s->admin, rt->url))
		return cmig_diag_error(d, rt->config->path, 0, CMIG_ERROR, NULL,
		                       "dev_url names the configured database itself (same host, port and "
		                       "database): refused, scratch databases are created beside it");
	/* the admin connection: never creates cmig's tables */
	s->settings.readonly = true;
	if ((rc = s->ops->open(&admin, &s->admin, &s->settings, d)))
		return rc;
	admin->ops->scratch_sweep(admin, d);
	cmig_text_random_id(hex);
	snprintf(s->name, sizeof(s->name), "cmig_scratch_%.8s_%ld", hex, (long)getpid());
	rc = admin->ops->scratch_create(admin, s->name, d);
	if (rc) {
		s->name[0] = '\0';
		admin->ops->close(admin);
		return rc;
	}
	/* from here the database exists: the watchdog drops it if we die */
	if (pipe(fds) == 0) {
		pid_t pid = fork();
		if (pid == 0) {
			close(fds[1]);
			watchdog(fds[0], s->ops, &s->admin, &s->settings, s->name);
		}
		close(fds[0]);
		if (pid > 0) {
			s->watchdog = pid;
			s->watch_fd = fds[1];
		} else {
			close(fds[1]);
		}
	}
	admin->ops->close(admin);
	url = url_with_db(s->admin.raw, s->name);
	if (!url)
		return cmig_diag_oom(d);
	rc = cmig_dburl_parse(&s->url, url, NULL, d);
	free(url);
	if (rc)
		return rc;
	s->settings.readonly = false;
	return s->ops->open(&s->be, &s->url, &s->settings, d);
}

int cmig_scratch_open(struct cmig_scratch *out, const struct cmig_runtime *rt,
                      cmig_dialect_kind dialect, const cmig_run_options *o, cmig_diags *d)
{
	int rc;
	memset(out, 0, sizeof(*out));
	out->watch_fd = -1;
	out->pos = CMIG_POS_BASE;
	out->dialect = dialect ? dialect : cmig_runtime_dialect(rt);
	out->ops = cmig_backend_for_dialect(out->dialect);
	cmig_migrate_settings(&out->settings, rt, o, false);
	out->settings.lock_timeout = 5;
	out->settings.offline_dialect = out->dialect;
	if (out->dialect != cmig_runtime_dialect(rt))
		out->settings.tables.schema = out->dialect == CMIG_DIALECT_POSTGRESQL
		                              ? rt->config->version_table_schema : NULL;
	if (out->ops->scratch_create) {
		rc = open_server(out, rt, d);
	} else if (out->ops->memory_url) {
		rc = cmig_dburl_parse(&out->url, out->ops->memory_url, NULL, d);
		if (!rc)
			rc = out->ops->open(&out->be, &out->url, &out->settings, d);
	} else {
		rc = cmig_diag_error(d, NULL, 0, CMIG_ERROR, NULL,
		                     "the %s backend has no scratch database", out->ops->name);
	}
	if (rc)
		cmig_scratch_close(out);
	return rc;
}

void cmig_scratch_close(struct cmig_scratch *s)
{
	/* never opened (a zeroed struct: its watch_fd 0 is not ours) or closed already */
	if (!s->ops)
		return;
	if (s->be) {
		s->be->ops->close(s->be);
		s->be = NULL;
	}
	if (s->name[0]) {
		struct cmig_backend *admin = NULL;
		cmig_diags d = CMIG_DIAGS_INIT;
		s->settings.readonly = true;
		if (s->ops->open(&admin, &s->admin, &s->settings, &d) == CMIG_OK) {
			if (admin->ops->scratch_drop(admin, s->name, &d) == CMIG_OK && s->watch_fd >= 0) {
				ssize_t n = write(s->watch_fd, "d", 1); /* dropped: the watchdog may go */
				(void)n;
			}
			admin->ops->close(admin);
		}
		cmig_diags_release(&d);
		s->name[0] = '\0';
	}
	if (s->watch_fd >= 0) {
		close(s->watch_fd);
		s->watch_fd = -1;
	}
	if (s->watchdog > 0) {
		while (waitpid(s->watchdog, NULL, 0) < 0 && errno == EINTR)
			;
		s->watchdog = 0;
	}
	cmig_dburl_release(&s->url);
	cmig_dburl_release(&s->admin);
	s->ops = NULL;
}

/* One section on the scratch: prepare, begin, run, (version), commit. */
static int run_one(struct cmig_scratch *s, const struct cmig_exec_section *x, const char *to,
                   bool write_version, cmig_diags *d)
{
	struct cmig_backend *be = s->be;
	bool txn = x->sec->transactional;
	int rc = be->ops->prepare_step(be, x, d);
	if (rc)
		return rc;
	/* transaction:false runs outside any transaction; its version row follows in one */
	if (!txn && ((rc = be->ops->run_section(be, x, d)) != CMIG_OK || !write_version))
		return rc;
	rc = be->ops->begin(be, d);
	if (!rc && txn)
		rc = be->ops->run_section(be, x, d);
	if (!rc && write_version)
		rc = be->ops->version_write(be, to, d);
	if (!rc)
		rc = be->ops->commit(be, d);
	if (rc)
		be->ops->rollback(be);
	return rc;
}

int cmig_scratch_replay(struct cmig_scratch *s, const struct cmig_chain *c, long to,
                        cmig_diags *d)
{
	cmig_step_vec plan = CMIG_VEC_INIT;
	int rc = cmig_plan_make(&plan, c, s->pos, to, CMIG_UP, s->dialect, d);
	for (size_t i = 0; !rc && i < plan.n; i++) {
		const cmig_step *st = &plan.items[i];
		struct cmig_exec_section x = { st->rev->path, st->rev->text, st->section, st->rev->id };
		rc = run_one(s, &x, st->to, true, d);
		if (!rc)
			s->pos++;
	}
	free(plan.items);
	return rc;
}

int cmig_scratch_exec(struct cmig_scratch *s, const char *path, const char *text,
                      bool transactional, cmig_diags *d)
{
	cmig_section sec;
	int rc;
	memset(&sec, 0, sizeof(sec));
	sec.present = true;
	sec.direction = CMIG_UP;
	sec.dialect = s->dialect;
	sec.transactional = transactional;
	sec.body_start = 0;
	sec.body_end = strlen(text);
	sec.body_line = 1;
	if (cmig_sqlsplit(&sec.stmts, text, 0, sec.body_end, 1))
		return cmig_diag_oom(d);
	struct cmig_exec_section x = { path, text, &sec, "(schema)" };
	rc = sec.stmts.n ? run_one(s, &x, NULL, false, d) : CMIG_OK;
	free(sec.stmts.items);
	return rc;
}

int cmig_scratch_read(struct cmig_scratch *s, struct cmig_schema **out, cmig_diags *d)
{
	return cmig_backend_schema_read(s->be, out, d);
}
