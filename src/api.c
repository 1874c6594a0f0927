/*
 * api.c - include/cmig/cmig.h implemented: argument checks and wiring, no logic of its own.
 * Every public function turns its options into a cmig_diags list wired to the caller's
 * on_diag callback and calls one internal function.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend.h"
#include "buf.h"
#include "check.h"
#include "check_lint.h"
#include "config.h"
#include "copy.h"
#include "init.h"
#include "dbident.h"
#include "lint.h"
#include "dbstate.h"
#include "diag.h"
#include "fs.h"
#include "maintain.h"
#include "migrate.h"
#include "newrev.h"
#include "autogen.h"
#include "schemaops.h"
#include "scriptdir.h"
#include "strmap.h"
#include "target.h"
#include "text.h"
#include "cmig/cmig.h"

struct cmig_project {
	struct cmig_config config;
	struct cmig_scriptdir scripts;
	cmig_dburl url;
	cmig_diags file_diags;     /* parse and chain diagnostics, replayed by check */
	bool chain_ok;
};

#define REV(r) ((const struct cmig_revfile *)(const void *)(r))
#define PUB(r) ((const cmig_revision *)(const void *)(r))

void cmig_free(void *ptr)
{
	free(ptr);
}

/* Filled once (pthread_once, no allocation), read-only afterwards: safe from any thread. */
static char version_string[96];
static pthread_once_t version_once = PTHREAD_ONCE_INIT;

static void fill_version_string(void)
{
	snprintf(version_string, sizeof(version_string), "%s (sqlite %s, libpq %s)",
	         CMIG_VERSION_STRING, cmig_backend_sqlite_version(), cmig_backend_libpq_version());
}

const char *cmig_version_string(void)
{
	pthread_once(&version_once, fill_version_string);
	return version_string;
}

/* Every failure reaches the caller with at least one error record: when the code that failed
 * could not record one (out of memory while formatting or storing it), say what the status
 * says. CMIG_ECHAIN from open is the exception: its records wait in file_diags. Then release. */
static int finish(cmig_diags *d, int rc)
{
	if (rc != CMIG_OK && rc != CMIG_ECHAIN && d->errors == 0)
		cmig_diag_error(d, NULL, 0, rc, NULL, "%s", cmig_status_name(rc));
	cmig_diags_release(d);
	return rc;
}

/* An options struct of a version this library does not know cannot be read safely (a zeroed
 * struct, or one from a newer header): refuse it before touching any other field. */
static bool version_ok(unsigned version, unsigned current)
{
	return version >= 1 && version <= current;
}

#define OPTIONS_INIT_FN(fn, type, current, init)                       \
	int fn(type *opts, unsigned version)                           \
	{                                                              \
		static const type defaults = init;                     \
		if (!opts || !version_ok(version, current))            \
			return CMIG_EUSAGE;                            \
		*opts = defaults;                                      \
		return CMIG_OK;                                        \
	}
OPTIONS_INIT_FN(cmig_open_options_init, cmig_open_options, CMIG_OPEN_OPTIONS_VERSION,
                CMIG_OPEN_OPTIONS_INIT)
OPTIONS_INIT_FN(cmig_run_options_init, cmig_run_options, CMIG_RUN_OPTIONS_VERSION,
                CMIG_RUN_OPTIONS_INIT)
OPTIONS_INIT_FN(cmig_check_options_init, cmig_check_options, CMIG_CHECK_OPTIONS_VERSION,
                CMIG_CHECK_OPTIONS_INIT)
OPTIONS_INIT_FN(cmig_schema_options_init, cmig_schema_options, CMIG_SCHEMA_OPTIONS_VERSION,
                CMIG_SCHEMA_OPTIONS_INIT)
OPTIONS_INIT_FN(cmig_revision_options_init, cmig_revision_options, CMIG_REVISION_OPTIONS_VERSION,
                CMIG_REVISION_OPTIONS_INIT)
OPTIONS_INIT_FN(cmig_copy_options_init, cmig_copy_options, CMIG_COPY_OPTIONS_VERSION,
                CMIG_COPY_OPTIONS_INIT)

const char *cmig_status_name(int status)
{
	switch (status) {
	case CMIG_OK: return "ok";
	case CMIG_ENOTFOUND: return "not found";
	case CMIG_EAMBIGUOUS: return "ambiguous";
	case CMIG_EEXISTS: return "exists";
	case CMIG_ECHAIN: return "chain error";
	case CMIG_ESQL: return "sql error";
	case CMIG_ECONNECT: return "connection error";
	case CMIG_ENOMEM: return "out of memory";
	case CMIG_EUSAGE: return "usage error";
	default: return "error";
	}
}

int cmig_project_open(cmig_project **out, const cmig_open_options *opts)
{
	struct cmig_config_given given;
	cmig_diags d;
	cmig_project *p;
	const char *env = NULL;
	int rc;

	*out = NULL;
	if (!opts || !version_ok(opts->version, CMIG_OPEN_OPTIONS_VERSION))
		return CMIG_EUSAGE;
	cmig_diags_init(&d, opts->on_diag, opts->payload);
	p = calloc(1, sizeof(*p));
	if (!p)
		return finish(&d, cmig_diag_oom(&d));
	cmig_diags_init(&p->file_diags, NULL, NULL);
	if (opts->flags & CMIG_OPEN_USE_ENV)
		env = getenv("DATABASE_URL");
	if (env && !*env)
		env = NULL;
	given.url = opts->url;
	given.env_url = env;
	given.versions_dir = opts->versions_dir;
	given.version_table = opts->version_table;
	/* "" names no file, and a missing file that is not required means defaults */
	if (opts->flags & CMIG_OPEN_NO_CONFIG_FILE)
		rc = cmig_config_load(&p->config, "", false, &given, &d);
	else
		rc = cmig_config_load(&p->config, opts->config_path,
		                      (opts->flags & CMIG_OPEN_CONFIG_REQUIRED) != 0, &given, &d);
	if (!rc && !p->config.url_problem) /* else reported by the commands that connect */
		rc = cmig_dburl_parse(&p->url, p->config.database_url, p->config.url_base_dir, &d);
	if (rc) {
		cmig_project_free(p);
		return finish(&d, rc);
	}
	rc = cmig_scriptdir_load(&p->scripts, p->config.versions_dir, opts->files, opts->nfiles,
	                         &p->file_diags);
	if (rc && rc != CMIG_ECHAIN) {
		/* the directory itself failed: report now */
		for (size_t i = 0; i < p->file_diags.n; i++)
			cmig_diags_push(&d, &p->file_diags.items[i]);
		cmig_project_free(p);
		return finish(&d, rc);
	}
	p->chain_ok = rc == CMIG_OK && p->scripts.chain.ok;
	cmig_diags_release(&d);
	*out = p;
	return p->chain_ok ? CMIG_OK : CMIG_ECHAIN;
}

void cmig_project_free(cmig_project *p)
{
	if (!p)
		return;
	cmig_scriptdir_release(&p->scripts);
	cmig_dburl_release(&p->url);
	cmig_config_release(&p->config);
	cmig_diags_release(&p->file_diags);
	free(p);
}

void cmig_project_diagnostics(const cmig_project *p, unsigned flags, cmig_diag_cb cb, void *payload)
{
	for (size_t i = 0; p && cb && i < p->file_diags.n; i++)
		if ((flags & CMIG_DIAGNOSTICS_WARNINGS) ||
		    p->file_diags.items[i].severity == CMIG_DIAG_ERROR)
			cb(&p->file_diags.items[i], payload);
}

size_t cmig_project_count(const cmig_project *p)
{
	return p && p->chain_ok ? p->scripts.chain.n : 0;
}

const cmig_revision *cmig_project_at(const cmig_project *p, size_t i)
{
	return i < cmig_project_count(p) ? PUB(p->scripts.chain.revs[i]) : NULL;
}

const cmig_revision *cmig_project_head(const cmig_project *p)
{
	size_t n = cmig_project_count(p);
	return n ? PUB(p->scripts.chain.revs[n - 1]) : NULL;
}

size_t cmig_project_heads(const cmig_revision *const **out, const cmig_project *p)
{
	*out = (const cmig_revision *const *)(const void *)p->scripts.chain.heads;
	return p->scripts.chain.nheads;
}

const char *cmig_project_url_display(const cmig_project *p)
{
	return p->url.display;
}

const char *cmig_project_url_source(const cmig_project *p)
{
	return p->config.url_source;
}

int cmig_project_find(const cmig_revision **out, const cmig_project *p, const char *target)
{
	cmig_diags d;
	long pos;
	int rc;

	*out = NULL;
	if (!p->chain_ok)
		return CMIG_ECHAIN;
	cmig_diags_init(&d, NULL, NULL);
	rc = cmig_target_resolve(&pos, &p->scripts.chain, target, CMIG_POS_BASE, 0, &d);
	cmig_diags_release(&d);
	if (!rc && pos >= 0)
		*out = PUB(p->scripts.chain.revs[pos]);
	return rc;
}

bool cmig_project_has_database(const cmig_project *p)
{
	return p->config.url_configured;
}

long cmig_revision_position(const cmig_revision *r) { return REV(r)->index; }
const char *cmig_revision_id(const cmig_revision *r) { return REV(r)->id; }
const char *cmig_revision_down(const cmig_revision *r) { return REV(r)->down; }
const char *cmig_revision_message(const cmig_revision *r) { return REV(r)->message ? REV(r)->message : ""; }
const char *cmig_revision_created(const cmig_revision *r) { return REV(r)->created ? REV(r)->created : ""; }
const char *cmig_revision_path(const cmig_revision *r) { return REV(r)->path; }

const char *cmig_revision_text(size_t *len_out, const cmig_revision *r)
{
	if (len_out)
		*len_out = REV(r)->len;
	return REV(r)->text;
}

bool cmig_revision_has_down(const cmig_revision *r)
{
	return cmig_revfile_has_direction(REV(r), CMIG_DOWN);
}

static void runtime_of(struct cmig_runtime *rt, const cmig_project *p)
{
	rt->config = &p->config;
	rt->scripts = &p->scripts;
	rt->url = &p->url;
	rt->result = NULL;
	rt->write_dump_file = true; /* every entry point here runs on one database */
}

/* A run against another database than the project's (SPEC §11): its URL, parsed for this
 * run only (relative SQLite paths relative to the current directory), owned by the caller's
 * `own` and released by leave(). The project itself is only read, so runs on several
 * threads can share it; such a run is one of many, so it never rewrites dump_file. */
static int runtime_url(struct cmig_runtime *rt, cmig_dburl *own, const char *url, cmig_diags *d)
{
	memset(own, 0, sizeof(*own));
	if (!url)
		return CMIG_OK;
	int rc = cmig_dburl_parse(own, url, NULL, d);
	if (!rc) {
		rt->url = own;
		rt->write_dump_file = false;
	}
	return rc;
}

/* Every run-style entry point starts the same way: check the arguments, wire the caller's
 * callback to a diagnostics list, refuse a chain that is not linear. On failure d is already
 * released; on success the caller ends with leave(). */
/* database_url named an unset ${VAR} (SPEC §1): the error, once a command needs the URL */
static int url_problem(cmig_diags *d, const cmig_project *p)
{
	return cmig_diag_full(d, CMIG_DIAG_ERROR, CMIG_ERROR, NULL, p->config.url_problem_path,
	                      p->config.url_problem_line, 0, NULL, p->config.url_problem_hint, "%s",
	                      p->config.url_problem);
}

static int enter(cmig_diags *d, struct cmig_runtime *rt, cmig_dburl *own, const cmig_project *p,
                 const cmig_run_options *o, bool need_chain)
{
	int rc;
	memset(own, 0, sizeof(*own));
	if (!p || !o || !version_ok(o->version, CMIG_RUN_OPTIONS_VERSION))
		return CMIG_EUSAGE;
	cmig_diags_init(d, o->on_diag, o->payload);
	/* the project's own URL matters only to a run that does not bring its own */
	if (p->config.url_problem && !(o->version >= 2 && o->url && !(o->flags & CMIG_RUN_OFFLINE))) {
		rc = url_problem(d, p);
		cmig_diags_release(d);
		return rc;
	}
	if (need_chain && !p->chain_ok) {
		rc = cmig_diag_error(d, NULL, 0, CMIG_ECHAIN, NULL,
		                     "versions/ is not one linear chain: run 'cmig check'");
		cmig_diags_release(d);
		return rc;
	}
	runtime_of(rt, p);
	/* version 1 callers' structs end before url and result: never read them */
	if (o->version >= 2)
		rt->result = o->result;
	if ((rc = runtime_url(rt, own, o->version < 2 || (o->flags & CMIG_RUN_OFFLINE) ? NULL : o->url,
	                      d)) != CMIG_OK)
		cmig_diags_release(d);
	return rc;
}

static int leave(cmig_diags *d, cmig_dburl *own, int rc)
{
	cmig_dburl_release(own);
	return finish(d, rc);
}

void cmig_run_result_release(cmig_run_result *r)
{
	if (!r)
		return;
	free(r->before);
	free(r->after);
	memset(r, 0, sizeof(*r));
}

int cmig_url_describe(char **display_out, char **identity_out, const char *url,
                      cmig_diag_cb on_diag, void *payload)
{
	cmig_diags d;
	cmig_dburl u;
	int rc;

	*display_out = NULL;
	*identity_out = NULL;
	if (!url)
		return CMIG_EUSAGE;
	cmig_diags_init(&d, on_diag, payload);
	rc = cmig_dburl_parse(&u, url, NULL, &d);
	if (!rc) {
		*display_out = cmig_strdup(u.display);
		*identity_out = cmig_dburl_identity(&u);
		if (!*display_out || !*identity_out) {
			free(*display_out);
			free(*identity_out);
			*display_out = *identity_out = NULL;
			rc = cmig_diag_oom(&d);
		}
		cmig_dburl_release(&u);
	}
	cmig_diags_release(&d);
	return rc;
}

int cmig_upgrade(size_t *pending_out, cmig_project *p, const cmig_run_options *opts)
{
	struct cmig_runtime rt;
	cmig_dburl own;
	cmig_diags d;
	int rc;
	if (pending_out)
		*pending_out = 0;
	rc = enter(&d, &rt, &own, p, opts, true);
	return rc ? rc : leave(&d, &own, cmig_migrate_run(&rt, opts, CMIG_UP, pending_out, &d));
}

int cmig_downgrade(cmig_project *p, const cmig_run_options *opts)
{
	struct cmig_runtime rt;
	cmig_dburl own;
	cmig_diags d;
	int rc = enter(&d, &rt, &own, p, opts, true);
	return rc ? rc : leave(&d, &own, cmig_migrate_run(&rt, opts, CMIG_DOWN, NULL, &d));
}

int cmig_stamp(cmig_project *p, const cmig_run_options *opts)
{
	struct cmig_runtime rt;
	cmig_dburl own;
	cmig_diags d;
	int rc = enter(&d, &rt, &own, p, opts, true);
	return rc ? rc : leave(&d, &own, cmig_migrate_stamp(&rt, opts, &d));
}

int cmig_dump(char **out, cmig_project *p, const cmig_run_options *opts)
{
	struct cmig_runtime rt;
	cmig_dburl own;
	cmig_diags d;
	cmig_buf b = CMIG_BUF_INIT;
	int rc;
	*out = NULL;
	rc = enter(&d, &rt, &own, p, opts, false);
	if (rc)
		return rc;
	rc = cmig_schemaops_dump(&b, &rt, opts, &d);
	if (!rc && !(*out = cmig_buf_detach(&b)))
		rc = cmig_diag_oom(&d);
	cmig_buf_release(&b);
	return leave(&d, &own, rc);
}

/* SPEC §8 comparisons: the chain must be linear (it is replayed). */
static int enter_schema(cmig_diags *d, struct cmig_runtime *rt, const cmig_project *p,
                        const cmig_schema_options *o)
{
	if (!p || !o || !version_ok(o->version, CMIG_SCHEMA_OPTIONS_VERSION))
		return CMIG_EUSAGE;
	cmig_diags_init(d, o->on_diag, o->payload);
	if (!p->chain_ok) {
		int rc = cmig_diag_error(d, NULL, 0, CMIG_ECHAIN, NULL,
		                         "versions/ is not one linear chain: run 'cmig check'");
		cmig_diags_release(d);
		return rc;
	}
	runtime_of(rt, p);
	return CMIG_OK;
}

/* diff and check --schema: the same entry, a different comparison. */
static int schema_count(size_t *count_out, cmig_project *p, const cmig_schema_options *opts,
                        int (*compare)(size_t *, const struct cmig_runtime *,
                                       const cmig_schema_options *, cmig_diags *))
{
	struct cmig_runtime rt;
	cmig_diags d;
	size_t n = 0;
	int rc = enter_schema(&d, &rt, p, opts);
	if (rc)
		return rc;
	rc = compare(&n, &rt, opts, &d);
	if (count_out)
		*count_out = n;
	return leave(&d, NULL, rc);
}

int cmig_diff(size_t *count_out, cmig_project *p, const cmig_schema_options *opts)
{
	return schema_count(count_out, p, opts, cmig_autogen_diff);
}

int cmig_check_schema(size_t *count_out, cmig_project *p, const cmig_schema_options *opts)
{
	return schema_count(count_out, p, opts, cmig_autogen_check);
}

int cmig_revision_autogenerate(char **path_out, cmig_project *p, const cmig_schema_options *opts)
{
	struct cmig_runtime rt;
	cmig_diags d;
	int rc;
	if (!path_out)
		return CMIG_EUSAGE;
	*path_out = NULL;
	if ((rc = enter_schema(&d, &rt, p, opts)))
		return rc;
	return leave(&d, NULL, cmig_autogen_revision(path_out, &rt, opts, &d));
}

int cmig_current(char **out, cmig_project *p, const cmig_run_options *opts)
{
	struct cmig_runtime rt;
	cmig_dburl own;
	cmig_diags d;
	int rc;
	*out = NULL;
	rc = enter(&d, &rt, &own, p, opts, false);
	return rc ? rc : leave(&d, &own, cmig_migrate_current(out, &rt, opts, &d));
}

int cmig_status_walk(char **current_out, cmig_project *p, const cmig_run_options *opts,
                     cmig_status_cb cb)
{
	struct cmig_runtime rt;
	cmig_dburl own;
	cmig_diags d;
	int rc;
	*current_out = NULL;
	if (!cb)
		return CMIG_EUSAGE;
	rc = enter(&d, &rt, &own, p, opts, true);
	return rc ? rc : leave(&d, &own, cmig_migrate_status(current_out, &rt, opts, cb, &d));
}

int cmig_rehash(size_t *count_out, cmig_project *p, const cmig_run_options *opts,
                const char *rev, unsigned flags)
{
	struct cmig_runtime rt;
	cmig_dburl own;
	cmig_diags d;
	size_t count = 0;
	bool all = (flags & CMIG_REHASH_ALL) != 0;
	int rc;
	if (count_out)
		*count_out = 0;
	if (!rev && !all)
		return CMIG_EUSAGE;
	rc = enter(&d, &rt, &own, p, opts, true);
	if (rc)
		return rc;
	rc = cmig_maintain_rehash(&rt, opts, rev, all, &count, &d);
	if (count_out)
		*count_out = count;
	return leave(&d, &own, rc);
}

int cmig_linearize(cmig_project *p, const cmig_run_options *opts, unsigned flags,
                   cmig_relink_cb on_change)
{
	struct cmig_runtime rt;
	cmig_dburl own;
	cmig_diags d;
	bool dry_run = (flags & CMIG_LINEARIZE_DRY_RUN) != 0;
	int rc = enter(&d, &rt, &own, p, opts, false);
	return rc ? rc : leave(&d, &own, cmig_maintain_linearize(&rt, opts, &p->file_diags, dry_run,
	                                                         on_change, opts->payload, &d));
}

int cmig_revision_create(char **path_out, cmig_project *p, const cmig_revision_options *opts)
{
	cmig_diags d;
	char rev[65], created[32];
	const char *down = NULL;
	int rc;

	*path_out = NULL;
	if (!p || !opts || !version_ok(opts->version, CMIG_REVISION_OPTIONS_VERSION) ||
	    !opts->message)
		return CMIG_EUSAGE;
	cmig_diags_init(&d, opts->on_diag, opts->payload);
	if (!p->chain_ok)
		return leave(&d, NULL, cmig_diag_error(&d, NULL, 0, CMIG_ECHAIN, NULL,
		                                        "versions/ is not one linear chain: run 'cmig check'"));
	if ((rc = cmig_newrev_pick_id(rev, &p->scripts.chain, opts->rev_id, &d)) != CMIG_OK)
		return finish(&d, rc);
	if (p->scripts.chain.n)
		down = p->scripts.chain.revs[p->scripts.chain.n - 1]->id;
	if (opts->created)
		snprintf(created, sizeof(created), "%s", opts->created);
	else
		cmig_text_now_iso(created, sizeof(created), false);
	rc = cmig_newrev_create(path_out, p->config.versions_dir, p->config.template_path, rev, down,
	                        opts->message, created, &d);
	return finish(&d, rc);
}

int cmig_check(size_t *errors_out, size_t *warnings_out, cmig_project *p,
               const cmig_check_options *opts)
{
	cmig_diags d;
	int rc;
	if (!p || !opts || !version_ok(opts->version, CMIG_CHECK_OPTIONS_VERSION))
		return CMIG_EUSAGE;
	rc = CMIG_OK;
	cmig_diags_init(&d, opts->on_diag, opts->payload);
	d.strict = (opts->flags & CMIG_CHECK_STRICT) != 0;
	d.keep = false;
	if (opts->version >= 3 && opts->url) {
		/* one database of many (SPEC §11): the files were checked by the caller already */
		struct cmig_runtime rt;
		cmig_run_options ro = CMIG_RUN_OPTIONS_INIT;
		cmig_dburl own;
		memset(&own, 0, sizeof(own));
		ro.payload = opts->payload;
		if (opts->lock_timeout > 0)
			ro.lock_timeout = opts->lock_timeout;
		ro.wait = opts->wait;
		runtime_of(&rt, p);
		rt.result = opts->result;
		if (!p->chain_ok)
			cmig_diag_error(&d, NULL, 0, CMIG_ECHAIN, NULL,
			                "versions/ is not one linear chain: run `cmig check`");
		else if (runtime_url(&rt, &own, opts->url, &d) == CMIG_OK)
			cmig_check_database(&rt, &ro, &d);
		cmig_dburl_release(&own);
	} else for (size_t i = 0; i < p->file_diags.n; i++)
		cmig_diags_push(&d, &p->file_diags.items[i]);
	if (!(opts->version >= 3 && opts->url) && (opts->flags & CMIG_CHECK_WITH_DATABASE) &&
	    p->config.url_problem)
		url_problem(&d, p);
	else if (!(opts->version >= 3 && opts->url) && p->chain_ok) {
		struct cmig_runtime rt;
		runtime_of(&rt, p);
		cmig_check_run(&rt, (opts->flags & CMIG_CHECK_WITH_DATABASE) != 0, opts->payload, &d);
		if (opts->flags & CMIG_CHECK_LINT)
			rc = cmig_check_lint(&rt, opts->flags, opts->version >= 2 ? opts->lint_dialect : NULL,
			                     opts->version >= 2 ? opts->lint_since : NULL, &d);
	}
	if (errors_out)
		*errors_out = d.errors;
	if (warnings_out)
		*warnings_out = d.warnings;
	if (rc == CMIG_OK || rc == CMIG_ERROR)
		rc = d.errors ? CMIG_ERROR : CMIG_OK;
	cmig_diags_release(&d);
	return rc;
}

const cmig_lint_rule_info *cmig_lint_rule_list(size_t *n_out)
{
	/* the same three static strings per rule: the layouts are checked equal below */
	_Static_assert(sizeof(cmig_lint_rule_info) == sizeof(struct cmig_lint_rule),
	               "cmig_lint_rule_info mirrors struct cmig_lint_rule");
	return (const cmig_lint_rule_info *)(const void *)cmig_lint_rules(n_out);
}

int cmig_init(const char *dir, void (*created_cb)(const char *path, void *payload),
              cmig_diag_cb on_diag, void *payload)
{
	cmig_diags d;
	int rc;
	cmig_diags_init(&d, on_diag, payload);
	rc = cmig_project_init(dir, created_cb, payload, &d);
	return finish(&d, rc);
}

int cmig_copy(cmig_project *p, const cmig_copy_options *opts)
{
	struct cmig_runtime rt;
	cmig_diags d;
	int rc;
	if (!p || !opts || !version_ok(opts->version, CMIG_COPY_OPTIONS_VERSION) || !opts->from ||
	    !opts->to)
		return CMIG_EUSAGE;
	cmig_diags_init(&d, opts->on_diag, opts->payload);
	runtime_of(&rt, p);
	rc = cmig_copy_run(&rt, opts, &d);
	return leave(&d, NULL, rc);
}
