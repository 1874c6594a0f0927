/* cmd_status.c - `cmig status [--format json]`: the chain oldest first, applied or pending,
 * then current. JSON (SPEC §5) collects the rows and the §7 problems and prints one object
 * at the end, so a problem found before the rows still lands in "problems". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "json.h"
#include "out.h"
#include "vec.h"

static const struct cli_opt opts[] = {
	{ "format", 0, "FORMAT", "text (default) or json: {\"current\", \"revisions\", \"problems\"}" },
};

/* SPEC §5's state of a row. */
static const char *row_state(const cmig_status_row *r)
{
	switch (r->state) {
	case CMIG_REV_APPLIED: return "applied";
	case CMIG_REV_STAMPED: return "stamped";
	case CMIG_REV_SKIPPED: return "skipped";
	case CMIG_REV_APPLIED_NO_HISTORY: return "applied_no_history";
	case CMIG_REV_PENDING: break;
	}
	return "pending";
}

static void row(const cmig_status_row *r, void *payload)
{
	const char *id = cmig_revision_id(r->rev);
	(void)payload;
	switch (r->state) {
	case CMIG_REV_APPLIED: printf("%s applied %s\n", id, r->applied_at); break;
	case CMIG_REV_STAMPED: printf("%s stamped %s\n", id, r->applied_at); break;
	case CMIG_REV_SKIPPED: printf("%s skipped\n", id); break;
	case CMIG_REV_APPLIED_NO_HISTORY: printf("%s applied (no history)\n", id); break;
	case CMIG_REV_PENDING: printf("%s pending\n", id); break;
	}
}

struct json_row {
	const cmig_revision *rev;
	const char *state;
	char *applied_at;
};

struct json_problem {
	cmig_diag d;      /* strings owned (copies) */
};

struct json_status {
	CMIG_VEC(struct json_row) rows;
	CMIG_VEC(struct json_problem) probs;
	bool nomem;
};

static char *dup_or_null(const char *s, bool *nomem)
{
	char *c;
	if (!s)
		return NULL;
	if (!(c = strdup(s)))
		*nomem = true;
	return c;
}

static void json_row_cb(const cmig_status_row *r, void *payload)
{
	struct json_status *st = payload;
	struct json_row *jr;
	if (CMIG_VEC_RESERVE(&st->rows, st->rows.n + 1)) {
		st->nomem = true;
		return;
	}
	jr = &st->rows.items[st->rows.n++];
	jr->rev = r->rev;
	jr->state = row_state(r);
	jr->applied_at = strcmp(jr->state, "applied") && strcmp(jr->state, "stamped") ? NULL :
	                 dup_or_null(r->applied_at, &st->nomem);
}

/* A §7 database problem goes into "problems"; anything else is an error of the run itself,
 * printed on stderr as always. */
static void json_diag_cb(const cmig_diag *d, void *payload)
{
	struct json_status *st = payload;
	cmig_diag *c;
	if (!d->kind || d->severity == CMIG_DIAG_NOTE) {
		cli_print_diag(d, NULL);
		return;
	}
	if (CMIG_VEC_RESERVE(&st->probs, st->probs.n + 1)) {
		st->nomem = true;
		return;
	}
	c = &st->probs.items[st->probs.n++].d;
	*c = *d;
	c->kind = dup_or_null(d->kind, &st->nomem);
	c->path = dup_or_null(d->path, &st->nomem);
	c->message = dup_or_null(d->message, &st->nomem);
	c->detail = c->hint = NULL;
}

static void json_status_free(struct json_status *st)
{
	for (size_t i = 0; i < st->rows.n; i++)
		free(st->rows.items[i].applied_at);
	for (size_t i = 0; i < st->probs.n; i++) {
		free((char *)st->probs.items[i].d.kind);
		free((char *)st->probs.items[i].d.path);
		free((char *)st->probs.items[i].d.message);
	}
	free(st->rows.items);
	free(st->probs.items);
}

static int status_json(struct cli_ctx *ctx)
{
	struct json_status st;
	cmig_run_options o;
	char *cur = NULL;
	int rc;

	memset(&st, 0, sizeof(st));
	cli_run_options(&o, ctx);
	o.on_diag = json_diag_cb;
	o.payload = &st;
	rc = cmig_status_walk(&cur, ctx->project, &o, json_row_cb);
	if (st.nomem) {
		fprintf(stderr, "cmig: error: out of memory\n");
		rc = CMIG_ENOMEM;
	}
	/* a problem that stopped the walk is still reported as the object */
	if (rc == CMIG_OK || st.probs.n) {
		fputs("{\"current\": ", stdout);
		cli_json_string_or_null(cur);
		fputs(", \"revisions\": [", stdout);
		for (size_t i = 0; i < st.rows.n; i++) {
			fputs(i ? ",\n  {\"revision\": " : "\n  {\"revision\": ", stdout);
			cli_json_string(cmig_revision_id(st.rows.items[i].rev));
			printf(", \"state\": \"%s\", \"applied_at\": ", st.rows.items[i].state);
			cli_json_string_or_null(st.rows.items[i].applied_at);
			putchar('}');
		}
		fputs(st.rows.n ? "\n ], \"problems\": [" : "], \"problems\": [", stdout);
		for (size_t i = 0; i < st.probs.n; i++) {
			fputs(i ? ",\n  " : "\n  ", stdout);
			cli_json_diag(&st.probs.items[i].d);
		}
		fputs(st.probs.n ? "\n ]}\n" : "]}\n", stdout);
	}
	json_status_free(&st);
	cmig_free(cur);
	return cli_exit(rc);
}

static int cmd_status(struct cli_ctx *ctx)
{
	cmig_run_options o;
	char *cur = NULL;
	bool json;
	int rc;

	if ((rc = cli_json_format(ctx, &json)) != EXIT_OK)
		return rc;
	if (json)
		return status_json(ctx);
	cli_run_options(&o, ctx);
	rc = cmig_status_walk(&cur, ctx->project, &o, row);
	if (rc == CMIG_OK)
		printf("current: %s\n", cur ? cur : "base");
	cmig_free(cur);
	return cli_exit(rc);
}

const struct cli_command cmd_status_def = {
	"status", cmd_status, CMD_NEEDS_CHAIN | CMD_CONNECTS, "[--format json]",
	"list the chain oldest first, applied (with when) or pending, then the current revision",
	opts, sizeof(opts) / sizeof(opts[0]), 0, 0, NULL,
};
