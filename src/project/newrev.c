/*
 * newrev.c - `cmig revision` (SPEC §5): render the template, name the file, write it.
 *
 * The template knows four placeholders, ${revision} ${down_revision} ${message} ${created};
 * any other ${…} is an error naming template:line, so a typo never lands in a migration.
 * Values are substituted once, left to right: a message containing "${revision}" is text.
 *
 * Safety: the file name is `<rev>_<slug>.sql` (or `<rev>.sql`), where the id is checked
 * against SPEC §2 and the slug holds only [a-z0-9_], so no message can name a path outside
 * versions/. The file is created with O_EXCL: an existing file is never overwritten.
 * Control characters in the message become spaces so the header stays one line.
 */
#include "newrev.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fs.h"
#include "strmap.h"
#include "text.h"

#define TEMPLATE_MAX ((size_t)1 << 20)

const char cmig_newrev_default_template[] =
	"-- revision: ${revision}\n"
	"-- down_revision: ${down_revision}\n"
	"-- message: ${message}\n"
	"-- created: ${created}\n"
	"\n"
	"-- migrate:up\n"
	"\n"
	"\n"
	"-- migrate:down\n"
	"\n";

static int put_message(cmig_buf *out, const char *msg)
{
	for (const unsigned char *p = (const unsigned char *)msg; *p; p++) {
		char c = (*p < 0x20 || *p == 0x7f) ? ' ' : (char)*p;
		if (cmig_buf_putc(out, c) != CMIG_OK)
			return CMIG_ENOMEM;
	}
	return CMIG_OK;
}

int cmig_newrev_render(cmig_buf *out, const char *tmpl, const char *tmpl_path,
                       const char *rev, const char *down, const char *message,
                       const char *created, cmig_diags *d)
{
	return cmig_newrev_render_sql(out, tmpl, tmpl_path, rev, down, message, created, NULL, NULL,
	                              d);
}

/* Insert sql after the line that starts with marker (when sql is non-empty). */
static int after_marker(cmig_buf *out, const char *marker, const char *sql)
{
	size_t ml = strlen(marker);
	if (!sql || !*sql)
		return CMIG_OK;
	for (size_t i = 0; i < out->len;) {
		const char *eol = strchr(out->ptr + i, '\n');
		size_t next = eol ? (size_t)(eol - out->ptr) + 1 : out->len;
		if (strncmp(out->ptr + i, marker, ml) != 0) {
			i = next;
			continue;
		}
		const char *nl = strchr(out->ptr + i, '\n');
		size_t at = nl ? (size_t)(nl - out->ptr) + 1 : out->len;
		cmig_buf tail = CMIG_BUF_INIT;
		if (cmig_buf_puts(&tail, out->ptr + at) || (cmig_buf_truncate(out, at), 0) ||
		    (!nl && cmig_buf_putc(out, '\n')) || cmig_buf_puts(out, sql) ||
		    cmig_buf_puts(out, tail.ptr)) {
			cmig_buf_release(&tail);
			return CMIG_ENOMEM;
		}
		cmig_buf_release(&tail);
		return CMIG_OK;
	}
	return CMIG_OK;
}

int cmig_newrev_render_sql(cmig_buf *out, const char *tmpl, const char *tmpl_path,
                           const char *rev, const char *down, const char *message,
                           const char *created, const char *up_sql, const char *down_sql,
                           cmig_diags *d)
{
	bool saw_up = false, saw_down = false;
	const char *p = tmpl, *open;
	const char *where = tmpl_path ? tmpl_path : "built-in template";
	char now[32];
	unsigned line = 1;
	int rc = CMIG_OK;

	if (!created) {
		cmig_text_now_iso(now, sizeof(now), false);
		created = now;
	}
	while ((open = strstr(p, "${")) != NULL) {
		const char *close, *name;
		size_t nlen;
		int r = CMIG_OK;

		for (const char *q = p; q < open; q++)
			line += *q == '\n';
		if (cmig_buf_add(out, p, (size_t)(open - p)) != CMIG_OK)
			goto oom;
		name = open + 2;
		nlen = strcspn(name, "}\n");
		close = name + nlen;
		if (*close != '}') {
			rc = cmig_diag_error(d, where, line, CMIG_ERROR, NULL,
			                     "unterminated placeholder in template: \"${\" without \"}\"");
			p = close;
			continue;
		}
		if (nlen == 8 && !memcmp(name, "revision", 8))
			r = cmig_buf_puts(out, rev);
		else if (nlen == 13 && !memcmp(name, "down_revision", 13))
			r = cmig_buf_puts(out, down ? down : "");
		else if (nlen == 7 && !memcmp(name, "message", 7))
			r = put_message(out, message ? message : "");
		else if (nlen == 7 && !memcmp(name, "created", 7))
			r = cmig_buf_puts(out, created);
		else if (nlen == 2 && !memcmp(name, "up", 2))
			saw_up = true, r = cmig_buf_puts(out, up_sql ? up_sql : "");
		else if (nlen == 4 && !memcmp(name, "down", 4))
			saw_down = true, r = cmig_buf_puts(out, down_sql ? down_sql : "");
		else
			rc = cmig_diag_error(d, where, line, CMIG_ERROR, NULL,
			                     "unknown placeholder \"${%.*s}\" in template (known: "
			                     "${revision}, ${down_revision}, ${message}, ${created}, "
			                     "${up}, ${down})",
			                     (int)(nlen > 64 ? 64 : nlen), name);
		if (r != CMIG_OK)
			goto oom;
		p = close + 1;
		/* an empty value at the end of a line (the root's `-- down_revision: `) leaves no
		 * trailing blank behind it */
		if ((*p == '\n' || *p == '\r' || !*p) && out->len && out->ptr[out->len - 1] == ' ') {
			size_t n = out->len;
			while (n && (out->ptr[n - 1] == ' ' || out->ptr[n - 1] == '\t'))
				n--;
			cmig_buf_truncate(out, n);
		}
	}
	if (cmig_buf_puts(out, p) != CMIG_OK)
		goto oom;
	/* SPEC §8: a template without ${up}/${down} gets each section's SQL right after its
	 * marker line */
	if ((!saw_up && after_marker(out, "-- migrate:up", up_sql)) ||
	    (!saw_down && after_marker(out, "-- migrate:down", down_sql)))
		goto oom;
	return rc;
oom:
	return cmig_diag_error(d, NULL, 0, CMIG_ENOMEM, NULL, "out of memory rendering the template");
}

int cmig_newrev_create(char **path_out, const char *versions_dir, const char *tmpl_path,
                       const char *rev, const char *down, const char *message,
                       const char *created, cmig_diags *d)
{
	return cmig_newrev_create_sql(path_out, versions_dir, tmpl_path, rev, down, message, created,
	                              NULL, NULL, d);
}

int cmig_newrev_write(char **path_out, const char *versions_dir, const char *rev,
                      const char *message, const char *text, size_t len, cmig_diags *d)
{
	char slug[41], *name = NULL, *path = NULL;
	int rc;

	*path_out = NULL;
	if (!rev || !cmig_text_valid_id(rev, strlen(rev)))
		return cmig_diag_error(d, NULL, 0, CMIG_EUSAGE, NULL,
		                       "invalid revision id \"%.64s\": use 1 to 64 of [A-Za-z0-9_], "
		                       "not head, base, none or current", rev ? rev : "");
	if (!cmig_fs_is_dir(versions_dir)) {
		char *shown = cmig_path_display(versions_dir);
		rc = cmig_diag_full(d, CMIG_DIAG_ERROR, CMIG_ENOTFOUND, NULL,
		                    shown ? shown : versions_dir, 0, 0, NULL,
		                    "Run 'cmig init' to create a project.",
		                    "versions directory does not exist");
		free(shown);
		return rc;
	}
	cmig_text_slug(slug, message ? message : "");
	name = slug[0] ? cmig_asprintf("%s_%s.sql", rev, slug) : cmig_asprintf("%s.sql", rev);
	path = name ? cmig_path_join(versions_dir, name) : NULL;
	if (!path)
		rc = cmig_diag_oom(d);
	else if ((rc = cmig_fs_write_new(path, text, len, d)) == CMIG_OK &&
	         !(*path_out = cmig_path_display(path)))
		rc = cmig_diag_oom(d);
	free(name);
	free(path);
	return rc;
}

/* Append " dialect:sqlite" to the first line of out that is the marker (followed by an option,
 * the line's end or the text's end). */
static int tag_marker(cmig_buf *out, const char *marker)
{
	size_t ml = strlen(marker);
	for (size_t i = 0; i < out->len;) {
		const char *eol = strchr(out->ptr + i, '\n');
		size_t next = eol ? (size_t)(eol - out->ptr) + 1 : out->len;
		char after = out->ptr[i + ml < out->len ? i + ml : out->len];
		if (strncmp(out->ptr + i, marker, ml) != 0 ||
		    !(after == ' ' || after == '\t' || after == '\r' || after == '\n' || !after)) {
			i = next;
			continue;
		}
		size_t at = eol ? (size_t)(eol - out->ptr) : out->len;
		while (at > i && (out->ptr[at - 1] == '\r' || out->ptr[at - 1] == ' ' ||
		                  out->ptr[at - 1] == '\t'))
			at--;
		cmig_buf tail = CMIG_BUF_INIT;
		int rc = cmig_buf_puts(&tail, out->ptr + at);
		cmig_buf_truncate(out, at);
		rc = rc || cmig_buf_puts(out, " dialect:sqlite") || cmig_buf_puts(out, tail.ptr ? tail.ptr : "");
		cmig_buf_release(&tail);
		return rc ? CMIG_ENOMEM : CMIG_OK;
	}
	return CMIG_OK;
}

static int create(char **path_out, const char *versions_dir, const char *tmpl_path,
                  const char *rev, const char *down, const char *message, const char *created,
                  const char *up_sql, const char *down_sql, bool dialects, cmig_diags *d)
{
	cmig_buf tmpl = CMIG_BUF_INIT, body = CMIG_BUF_INIT;
	char *shown_tmpl = NULL;
	int rc;

	*path_out = NULL;
	if (!rev || !cmig_text_valid_id(rev, strlen(rev)))
		return cmig_diag_error(d, NULL, 0, CMIG_EUSAGE, NULL,
		                       "invalid revision id \"%.64s\": use 1 to 64 of [A-Za-z0-9_], "
		                       "not head, base, none or current", rev ? rev : "");
	if (!cmig_fs_is_dir(versions_dir))
		return cmig_newrev_write(path_out, versions_dir, rev, message, "", 0, d);
	if (tmpl_path) {
		shown_tmpl = cmig_path_display(tmpl_path);
		if (!shown_tmpl)
			return cmig_diag_oom(d);
		if ((rc = cmig_fs_read(&tmpl, tmpl_path, shown_tmpl, TEMPLATE_MAX, d)) != CMIG_OK)
			goto done;
	}
	rc = cmig_newrev_render_sql(&body, tmpl_path ? tmpl.ptr : cmig_newrev_default_template,
	                            shown_tmpl, rev, down, message, created, up_sql, down_sql, d);
	if (rc == CMIG_OK && dialects &&
	    (tag_marker(&body, "-- migrate:up") || tag_marker(&body, "-- migrate:down")))
		rc = cmig_diag_oom(d);
	if (rc == CMIG_OK)
		rc = cmig_newrev_write(path_out, versions_dir, rev, message, body.ptr, body.len, d);
done:
	free(shown_tmpl);
	cmig_buf_release(&tmpl);
	cmig_buf_release(&body);
	return rc;
}

int cmig_newrev_create_sql(char **path_out, const char *versions_dir, const char *tmpl_path,
                           const char *rev, const char *down, const char *message,
                           const char *created, const char *up_sql, const char *down_sql,
                           cmig_diags *d)
{
	return create(path_out, versions_dir, tmpl_path, rev, down, message, created, up_sql,
	              down_sql, false, d);
}

int cmig_newrev_create_dialects(char **path_out, const char *versions_dir, const char *tmpl_path,
                                const char *rev, const char *down, const char *message,
                                const char *created, const char *const up_sql[3],
                                const char *const down_sql[3], cmig_diags *d)
{
	cmig_buf up = CMIG_BUF_INIT, dn = CMIG_BUF_INIT;
	int rc;
	/* SQLite's SQL where the template puts a section's SQL, then PostgreSQL's section */
	if (cmig_buf_printf(&up, "%s\n-- migrate:up dialect:postgresql\n%s",
	                    up_sql[1] ? up_sql[1] : "", up_sql[2] ? up_sql[2] : "") ||
	    cmig_buf_printf(&dn, "%s\n-- migrate:down dialect:postgresql\n%s",
	                    down_sql[1] ? down_sql[1] : "", down_sql[2] ? down_sql[2] : ""))
		rc = cmig_diag_oom(d);
	else
		rc = create(path_out, versions_dir, tmpl_path, rev, down, message, created, up.ptr,
		            dn.ptr, true, d);
	cmig_buf_release(&up);
	cmig_buf_release(&dn);
	return rc;
}

int cmig_newrev_pick_id(char out[65], const struct cmig_chain *c, const char *wanted,
                        cmig_diags *d)
{
	if (!wanted) {
		do
			cmig_text_random_id(out);
		while (cmig_strmap_get(&c->byid, out, strlen(out)));
		return CMIG_OK;
	}
	if (!cmig_text_valid_id(wanted, strlen(wanted)))
		return cmig_diag_error(d, NULL, 0, CMIG_EUSAGE, NULL,
		                       "invalid revision id '%s': use 1-64 of [A-Za-z0-9_], not head, "
		                       "base, none or current", wanted);
	if (cmig_chain_index(c, wanted) >= 0 || cmig_strmap_get(&c->byid, wanted, strlen(wanted)))
		return cmig_diag_error(d, NULL, 0, CMIG_EEXISTS, NULL, "revision %s already exists",
		                       wanted);
	snprintf(out, 65, "%s", wanted);
	return CMIG_OK;
}
