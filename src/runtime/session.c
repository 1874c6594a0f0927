/*
 * session.c - opening a database for a command (see session.h).
 */
#include "session.h"

#include <string.h>

#include "text.h"

int cmig_session_open(struct cmig_session *s, const struct cmig_runtime *rt,
                      const cmig_dburl *url, const cmig_run_options *o, unsigned flags,
                      cmig_diags *d)
{
	const struct cmig_backend_ops *live, *ops;
	const struct cmig_chain *c = &rt->scripts->chain;
	int rc;

	memset(s, 0, sizeof(*s));
	if (!url)
		url = rt->url;
	live = cmig_backend_for(url, false);
	ops = flags & CMIG_SESSION_OFFLINE ? cmig_backend_for(url, true) : live;
	if (!ops)
		return cmig_diag_error(d, NULL, 0, CMIG_ERROR, NULL, "no backend for this database URL");
	cmig_migrate_settings(&s->settings, rt, o, (flags & CMIG_SESSION_READONLY) != 0);
	/* only a backend whose ALTERs are rebuilds needs the tables' definitions offline */
	s->settings.offline_schema = (flags & CMIG_SESSION_SHADOW) && live &&
	                             (live->caps & CMIG_BE_REBUILDS_ALTER);
	rc = ops->open(&s->be, url, &s->settings, d);
	if (rc) {
		s->be = NULL;
		return rc;
	}
	if (flags & CMIG_SESSION_LOCK) {
		rc = s->be->ops->lock(s->be, d);
		s->locked = rc == CMIG_OK;
	}
	if (!rc && (flags & CMIG_SESSION_BEGIN))
		rc = s->be->ops->begin(s->be, d);
	if (!rc && (flags & CMIG_SESSION_HISTORY))
		rc = cmig_dbstate_load(&s->state, s->be, c, d);
	else if (!rc && (flags & CMIG_SESSION_VERSION))
		rc = cmig_dbstate_load_version(&s->state, s->be, c, d);
	if (rc) {
		if (flags & CMIG_SESSION_BEGIN)
			s->be->ops->rollback(s->be);
		cmig_session_close(s);
	}
	return rc;
}

void cmig_session_close(struct cmig_session *s)
{
	if (s->be) {
		if (s->locked)
			s->be->ops->unlock(s->be);
		s->be->ops->close(s->be);
	}
	s->be = NULL;
	s->locked = false;
	cmig_dbstate_release(&s->state);
}

int cmig_session_history(struct cmig_backend *be, const char *revision, const char *direction,
                         const char *checksum, double ms, cmig_diags *d)
{
	char at[32];
	struct cmig_history_row row;

	cmig_text_now_iso(at, sizeof(at), false);
	row.id = 0;
	row.revision = revision ? revision : "base";
	row.direction = direction;
	row.checksum = checksum;
	row.applied_at = at;
	row.duration_ms = (long long)(ms + 0.5);
	return be->ops->history_append(be, &row, d);
}
