/*
 * fs.h - the few filesystem operations cmig needs, each reporting through diagnostics.
 */
#ifndef CMIG_UTIL_FS_H
#define CMIG_UTIL_FS_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "diag.h"

#define CMIG_FILE_MAX ((size_t)256 << 20) /* SPEC §2: a file is read up to 256 MiB */

/* Read a whole regular file into out (appended). A file larger than max, a directory, a
 * dangling link or any read error is a diagnostic naming `shown` (the path as printed). */
int cmig_fs_read(cmig_buf *out, const char *path, const char *shown, size_t max, cmig_diags *d);

/* The same, for `name` relative to the open directory dirfd (openat): no path walk per file. */
int cmig_fs_read_at(cmig_buf *out, int dirfd, const char *name, const char *shown, size_t max,
                    cmig_diags *d);

/* The names in dir (not "." or ".."), sorted bytewise; *out is an array of malloc'd
 * strings, free with cmig_fs_names_free(). */
int cmig_fs_list(char ***out, size_t *n, const char *dir, cmig_diags *d);
void cmig_fs_names_free(char **names, size_t n);

/* Create path with the given bytes, failing with CMIG_EEXISTS if it exists (O_EXCL). */
int cmig_fs_write_new(const char *path, const char *data, size_t len, cmig_diags *d);
/* Replace path's bytes through a temporary file and rename (linearize's header rewrite). */
int cmig_fs_replace(const char *path, const char *data, size_t len, cmig_diags *d);
/* mkdir -p; existing directories are fine. */
int cmig_fs_mkdirs(const char *path, cmig_diags *d);
bool cmig_fs_exists(const char *path);
bool cmig_fs_is_dir(const char *path);

/* Path helpers: results are malloc'd (NULL on out-of-memory). */
char *cmig_path_join(const char *dir, const char *name);   /* name absolute: copy of name */
char *cmig_path_dirname(const char *path);                 /* "." when none */
/* path relative to the current directory when it is inside it, else absolute. */
char *cmig_path_display(const char *path);

#endif
