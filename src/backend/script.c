/*
 * script.c - the offline sink for --sql: prints what a live run would execute, in the chosen
 * dialect, and never connects to a database.
 *
 * Transaction statements and cmig's own table SQL come from the same struct cmig_dialect the
 * live backends execute. For SQLite, a shadow in-memory database (opened through the SQLite
 * backend) replays the chain up to the starting revision and then runs every printed
 * statement too, so batch mode can learn each table's definition and print its rebuild
 * statements (SPEC §6). The shadow is reached only through the seam (backend.h): the SQLite
 * backend's open(), needs_fk_off and script_statement, never its private handle.
 */
#include <stdlib.h>
#include <string.h>

#include "backend.h"

struct script_backend {
	struct cmig_backend base;
	const struct cmig_dialect *dl;
	struct cmig_backend_settings shadow_settings;
	struct cmig_backend *shadow;    /* SQLite dialect only */
	bool tables_printed;
	bool fk_off;                    /* this step printed PRAGMA foreign_keys=OFF */
	cmig_buf out;
};

static void emit(struct script_backend *be)
{
	const struct cmig_backend_settings *s = be->base.settings;
	if (be->out.len && s->on_output)
		s->on_output(be->out.ptr, be->out.len, s->payload);
	cmig_buf_clear(&be->out);
}

static int sc_open(struct cmig_backend **out, const cmig_dburl *url,
                   const struct cmig_backend_settings *settings, cmig_diags *d)
{
	static const cmig_dburl memory = { .kind = CMIG_DB_SQLITE, .sqlite_path = (char *)":memory:" };
	struct script_backend *be = calloc(1, sizeof(*be));
	int rc;
	(void)url;
	*out = NULL;
	if (!be)
		return cmig_diag_oom(d);
	be->base.ops = &cmig_backend_script;
	be->base.settings = settings;
	be->dl = cmig_dialect_of(settings->offline_dialect);
	cmig_buf_init(&be->out, 0);
	/* the shadow replays every statement of the chain, which costs SQLite more per table as
	 * the schema grows: keep one only when a section will ask batch mode for a table */
	if (settings->offline_schema) {   /* set only for a backend with CMIG_BE_REBUILDS_ALTER */
		be->shadow_settings = *settings;
		be->shadow_settings.readonly = false;
		be->shadow_settings.sqlite_foreign_keys = false;
		be->shadow_settings.on_progress = NULL;
		rc = cmig_backend_sqlite.open(&be->shadow, &memory, &be->shadow_settings, d);
		if (rc) {
			free(be);
			return rc;
		}
	}
	*out = &be->base;
	return CMIG_OK;
}

static void sc_close(struct cmig_backend *base)
{
	struct script_backend *be = (struct script_backend *)base;
	if (!be)
		return;
	if (be->shadow)
		be->shadow->ops->close(be->shadow);
	cmig_buf_release(&be->out);
	free(be);
}

static int sc_lock(struct cmig_backend *base, cmig_diags *d)
{
	(void)base; (void)d;
	return CMIG_OK;
}

static void sc_unlock(struct cmig_backend *base)
{
	(void)base;
}

/* A section that rebuilds a table runs with foreign keys off, as live (SPEC §6): the printed
 * script must switch them off before its BEGIN too, or running it would cascade-delete child
 * rows when the parent's old table is dropped. */
static int sc_prepare_step(struct cmig_backend *base, const struct cmig_exec_section *s,
                           cmig_diags *d)
{
	struct script_backend *be = (struct script_backend *)base;
	be->fk_off = be->shadow && s && s->sec && s->sec->transactional &&
	             be->shadow->ops->needs_fk_off(s);
	if (be->fk_off) {
		if (cmig_buf_puts(&be->out, "PRAGMA foreign_keys=OFF;\n"))
			return cmig_diag_oom(d);
		emit(be);
	}
	return CMIG_OK;
}

static int sc_begin(struct cmig_backend *base, cmig_diags *d)
{
	struct script_backend *be = (struct script_backend *)base;
	if (cmig_buf_printf(&be->out, "%s;\n", be->dl->begin))
		return cmig_diag_oom(d);
	if (be->dl->kind == CMIG_DIALECT_POSTGRESQL && be->base.settings->pg_lock_timeout &&
	    cmig_pg_lock_timeout_sql(&be->out, be->base.settings->pg_lock_timeout, true))
		return cmig_diag_oom(d);
	if (!be->tables_printed) {
		if (be->dl->create_tables(&be->out, &be->base.settings->tables))
			return cmig_diag_oom(d);
		be->tables_printed = true;
	}
	emit(be);
	return CMIG_OK;
}

static int sc_commit(struct cmig_backend *base, cmig_diags *d)
{
	struct script_backend *be = (struct script_backend *)base;
	if (be->fk_off && cmig_buf_puts(&be->out, "PRAGMA foreign_key_check;\n"))
		return cmig_diag_oom(d);
	if (cmig_buf_printf(&be->out, "%s;\n", be->dl->commit))
		return cmig_diag_oom(d);
	if (be->fk_off && be->base.settings->sqlite_foreign_keys &&
	    cmig_buf_puts(&be->out, "PRAGMA foreign_keys=ON;\n"))
		return cmig_diag_oom(d);
	be->fk_off = false;
	if (cmig_buf_putc(&be->out, '\n'))
		return cmig_diag_oom(d);
	emit(be);
	return CMIG_OK;
}

static void sc_rollback(struct cmig_backend *base)
{
	(void)base;
}

static int sc_run_section(struct cmig_backend *base, const struct cmig_exec_section *s,
                          cmig_diags *d)
{
	struct script_backend *be = (struct script_backend *)base;
	const cmig_stmt_vec *v = &s->sec->stmts;
	size_t i = 0;
	int rc = CMIG_OK;

	bool timeout = !s->sec->transactional && be->dl->kind == CMIG_DIALECT_POSTGRESQL &&
	               be->base.settings->pg_lock_timeout;

	if (timeout && cmig_pg_lock_timeout_sql(&be->out, be->base.settings->pg_lock_timeout, false))
		return cmig_diag_oom(d);
	while (i < v->n && rc == CMIG_OK) {
		const cmig_stmt *st = &v->items[i];
		if (be->shadow) {
			rc = be->shadow->ops->script_statement(be->shadow, s, &i, &be->out, d);
			emit(be);
			continue;
		}
		if (cmig_buf_add(&be->out, s->text + st->start, st->end - st->start) ||
		    cmig_buf_puts(&be->out, ";\n"))
			return cmig_diag_oom(d);
		emit(be);
		i++;
	}
	if (rc == CMIG_OK && timeout && cmig_buf_puts(&be->out, CMIG_PG_RESET_LOCK_TIMEOUT ";\n"))
		return cmig_diag_oom(d);
	emit(be);
	return rc;
}

static int sc_version_read(struct cmig_backend *base, char **rev_out, cmig_diags *d)
{
	(void)base; (void)d;
	*rev_out = NULL;
	return CMIG_OK;
}

static int sc_version_write(struct cmig_backend *base, const char *rev, cmig_diags *d)
{
	struct script_backend *be = (struct script_backend *)base;
	if (be->dl->version_write(&be->out, &be->base.settings->tables, rev))
		return cmig_diag_oom(d);
	emit(be);
	return CMIG_OK;
}

static int sc_history_append(struct cmig_backend *base, const struct cmig_history_row *row,
                             cmig_diags *d)
{
	struct script_backend *be = (struct script_backend *)base;
	if (be->dl->history_insert(&be->out, &be->base.settings->tables, row))
		return cmig_diag_oom(d);
	emit(be);
	return CMIG_OK;
}

static int sc_history_read(struct cmig_backend *base, cmig_history_cb cb, void *payload,
                           cmig_diags *d)
{
	(void)base; (void)cb; (void)payload; (void)d;
	return CMIG_OK;
}

static int sc_replay_section(struct cmig_backend *base, const struct cmig_exec_section *s,
                             cmig_diags *d)
{
	struct script_backend *be = (struct script_backend *)base;
	if (!be->shadow)
		return CMIG_OK;
	return be->shadow->ops->run_section(be->shadow, s, d);
}

const struct cmig_backend_ops cmig_backend_script = {
	.name = "script",
	.title = "--sql",
	.dialect = NULL,
	.open = sc_open,
	.close = sc_close,
	.lock = sc_lock,
	.unlock = sc_unlock,
	.prepare_step = sc_prepare_step,
	.begin = sc_begin,
	.commit = sc_commit,
	.rollback = sc_rollback,
	.run_section = sc_run_section,
	.version_read = sc_version_read,
	.version_write = sc_version_write,
	.history_append = sc_history_append,
	.history_read = sc_history_read,
	.replay_section = sc_replay_section,
};
