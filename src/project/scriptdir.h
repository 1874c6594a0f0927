/*
 * scriptdir.h - scan versions/ (or an array of embedded files), parse every migration into
 * struct cmig_revfile, and build the chain.
 *
 * Files that do not end in .sql or begin with '.' are not migrations (SPEC §2). Files are
 * processed in file-name order. Every problem of every file is reported before returning.
 */
#ifndef CMIG_PROJECT_SCRIPTDIR_H
#define CMIG_PROJECT_SCRIPTDIR_H

#include <stddef.h>

#include "chain.h"
#include "revfile.h"
#include "cmig/cmig.h"

struct cmig_scriptdir {
	char *dir;                    /* versions/ as given */
	struct cmig_revfile *files;   /* every file, in name order */
	size_t n;
	struct cmig_revfile **ptrs;   /* pointers into files, for the chain */
	struct cmig_chain chain;
	size_t parse_errors;          /* files that did not parse */
	struct cmig_revsource *source; /* reads a file of `dir` again (owned; NULL: embedded) */
};

/* Load. Files of a directory are parsed lean (revfile.h): their text is read again when a
 * section is run, shown or linted; embedded files keep their text. Returns CMIG_OK, CMIG_ECHAIN (files or chain have errors; the struct is still filled
 * so check/heads can report), or another error (CMIG_ENOTFOUND: no such directory, with a
 * hint to run `cmig init`; CMIG_ERROR: unreadable; CMIG_ENOMEM). Release `out` in every
 * case. dir: versions/, used when files is NULL; shown paths are relative to the cwd when
 * inside it. files: embedded migrations (path = name), sorted by name here. A file that
 * cannot be read (a directory or dangling link named like a migration, over 256 MiB) is
 * reported, counted in parse_errors and not in `files`. */
int cmig_scriptdir_load(struct cmig_scriptdir *out, const char *dir,
                        const cmig_embedded_file *files, size_t nfiles, cmig_diags *d);
void cmig_scriptdir_release(struct cmig_scriptdir *s);

#endif
