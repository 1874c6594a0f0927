/* cmd_status.c - `cmig status [--format json]`: the chain oldest first, applied or pending,
 * then current. JSON (SPEC §5) collects the rows and the §7 problems and prints one object
 * at the end, so a problem found before the rows still lands in "problems". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "json.h"
#include "out.h"

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
	struct json_row *rows;
	size_t nrows, caprows;
	struct json_problem *probs;
	size_t nprobs, capprobs;
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

static bool grow(void **arr, size_t *cap, size_t n, size_t size)
{
	void *p;
	if (n < *cap)
		return true;
	if (!(p = realloc(*arr, (*cap ? 2 * *cap : 16) * size)))
		return false;
	*arr = p;
	*cap = *cap ? 2 * *cap : 16;
	return true;
}

static void json_row_cb(const cmig_status_row *r, void *payload)
{
	struct json_status *st = payload;
	struct json_row *jr;
	if (!grow((void **)&st->rows, &st->caprows, st->nrows, sizeof(*st->rows))) {
		st->nomem = true;
		return;
	}
	jr = &st->rows[st->nrows++];
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
	if (!grow((void **)&st->probs, &st->capprobs, st->nprobs, sizeof(*st->probs))) {
		st->nomem = true;
		return;
	}
	c = &st->probs[st->nprobs++].d;
	*c = *d;
	c->kind = dup_or_null(d->kind, &st->nomem);
	c->path = dup_or_null(d->path, &st->nomem);
	c->message = dup_or_null(d->message, &st->nomem);
	c->detail = c->hint = NULL;
}

static void json_status_free(struct json_status *st)
{
	for (size_t i = 0; i < st->nrows; i++)
		free(st->rows[i].applied_at);
	for (size_t i = 0; i < st->nprobs; i++) {
		free((char *)st->probs[i].d.kind);
		free((char *)st->probs[i].d.path);
		free((char *)st->probs[i].d.message);
	}
	free(st->rows);
	free(st->probs);
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
	/* a problem that stopped the walk (db-unknown) is still reported as the object */
	if (rc == CMIG_OK || st.nprobs) {
		fputs("{\"current\": ", stdout);
		cli_json_string_or_null(cur);
		fputs(", \"revisions\": [", stdout);
		for (size_t i = 0; i < st.nrows; i++) {
			fputs(i ? ",\n  {\"revision\": " : "\n  {\"revision\": ", stdout);
			cli_json_string(cmig_revision_id(st.rows[i].rev));
			printf(", \"state\": \"%s\", \"applied_at\": ", st.rows[i].state);
			cli_json_string_or_null(st.rows[i].applied_at);
			putchar('}');
		}
		fputs(st.nrows ? "\n ], \"problems\": [" : "], \"problems\": [", stdout);
		for (size_t i = 0; i < st.nprobs; i++) {
			fputs(i ? ",\n  " : "\n  ", stdout);
			cli_json_diag(&st.probs[i].d);
		}
		fputs(st.nprobs ? "\n ]}\n" : "]}\n", stdout);
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
