/*
 * newrev.h - `cmig revision`: render the template, name the file, write it exclusively.
 */
#ifndef CMIG_PROJECT_NEWREV_H
#define CMIG_PROJECT_NEWREV_H

#include "buf.h"
#include "chain.h"
#include "diag.h"

/* The built-in template; templates/revision.sql.tmpl has the same text (a test checks). */
extern const char cmig_newrev_default_template[];

/* Render tmpl with ${revision} ${down_revision} ${message} ${created}; any other ${…} is an
 * error naming tmpl_path:line (every one is reported). down may be NULL (rendered empty);
 * created NULL is now. Control characters in message become spaces. Values are substituted
 * once: a message containing "${revision}" stays as written. */
int cmig_newrev_render(cmig_buf *out, const char *tmpl, const char *tmpl_path,
                       const char *rev, const char *down, const char *message,
                       const char *created, cmig_diags *d);
/* The id of a new revision after chain c (SPEC §3's rules, decided here only): wanted when it
 * is a valid id no file declares (CMIG_EUSAGE, CMIG_EEXISTS otherwise); wanted NULL: 12
 * random hex digits no file declares. out holds up to 64 characters. */
int cmig_newrev_pick_id(char out[65], const struct cmig_chain *c, const char *wanted,
                        cmig_diags *d);
/* Write a new revision file into versions_dir; *path_out (malloc'd) is the path written, as
 * printed (relative to the cwd when inside it). tmpl_path NULL: the built-in template.
 * created NULL: now (UTC). Errors: CMIG_EUSAGE (rev is not a valid id), CMIG_ENOTFOUND (no
 * versions_dir, or no template), CMIG_EEXISTS (never overwrites), CMIG_ERROR (template). */
int cmig_newrev_create(char **path_out, const char *versions_dir, const char *tmpl_path,
                       const char *rev, const char *down, const char *message,
                       const char *created, cmig_diags *d);

/* The same with SPEC §8's ${up} and ${down} (issue 13): up_sql/down_sql (NULL: empty) go where
 * the template says, or, when it has no such placeholder, right after the section's marker
 * line. */
int cmig_newrev_render_sql(cmig_buf *out, const char *tmpl, const char *tmpl_path,
                           const char *rev, const char *down, const char *message,
                           const char *created, const char *up_sql, const char *down_sql,
                           cmig_diags *d);
int cmig_newrev_create_sql(char **path_out, const char *versions_dir, const char *tmpl_path,
                           const char *rev, const char *down, const char *message,
                           const char *created, const char *up_sql, const char *down_sql,
                           cmig_diags *d);
/* SPEC §8 per-dialect schema files: the same with dialect sections. up_sql/down_sql are
 * indexed by cmig_dialect_kind (SQLITE, POSTGRESQL; NULL: empty). The template's up and down
 * marker lines get ` dialect:sqlite` and hold SQLite's SQL; each is followed by a
 * `dialect:postgresql` section of the same direction. */
int cmig_newrev_create_dialects(char **path_out, const char *versions_dir, const char *tmpl_path,
                                const char *rev, const char *down, const char *message,
                                const char *created, const char *const up_sql[3],
                                const char *const down_sql[3], cmig_diags *d);
/* Write text as the new revision rev's file (named from rev and message) in versions_dir,
 * never overwriting; *path_out as printed. */
int cmig_newrev_write(char **path_out, const char *versions_dir, const char *rev,
                      const char *message, const char *text, size_t len, cmig_diags *d);

#endif
