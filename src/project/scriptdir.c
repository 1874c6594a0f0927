/*
 * scriptdir.c - versions/ (or an array of embedded files) -> parsed revisions -> the chain.
 *
 * Names come sorted from cmig_fs_list; a name that does not end in ".sql" or that begins with
 * '.' is not a migration (SPEC §2) and is passed over silently. Each migration is read (up to
 * CMIG_FILE_MAX) into one buffer per thread, reused from file to file, and parsed lean: the
 * parsed file keeps headers, section bounds and checksums, not the text, which the source
 * below reads again, by the versions directory's absolute path, when a section is run, shown
 * or linted (issue 11: `check` over 100,000 files holds no file's text). Every file is read
 * and parsed even after one fails, so `check` sees every problem at once.
 *
 * Cost: per file one stat, one read and one parse, nothing proportional to the number of
 * files, so 100,000 files load in linear time (the name sort aside).
 *
 * A file that cannot be read (a directory or a dangling link named like a migration, a file
 * over the size limit) is reported, counted in parse_errors and left out of `files`: it has
 * no id to take part in the chain with.
 */
#include "scriptdir.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <pthread.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "fs.h"

static bool is_migration_name(const char *name)
{
	size_t len = strlen(name);
	return name[0] != '.' && len > 4 && !strcmp(name + len - 4, ".sql");
}

static int cmp_embedded(const void *a, const void *b)
{
	const cmig_embedded_file *x = *(const cmig_embedded_file *const *)a;
	const cmig_embedded_file *y = *(const cmig_embedded_file *const *)b;
	return strcmp(x->name, y->name);
}

static int load_embedded(struct cmig_scriptdir *s, const cmig_embedded_file *files,
                         size_t nfiles, cmig_diags *d)
{
	const cmig_embedded_file **order;
	size_t i;

	order = malloc((nfiles ? nfiles : 1) * sizeof(*order));
	s->files = calloc(nfiles ? nfiles : 1, sizeof(*s->files));
	if (!order || !s->files) {
		free(order);
		return cmig_diag_error(d, NULL, 0, CMIG_ENOMEM, NULL, "out of memory loading migrations");
	}
	for (i = 0; i < nfiles; i++)
		order[i] = &files[i];
	/* The chain reports "first in file-name order": sort whatever order the caller used. */
	qsort(order, nfiles, sizeof(*order), cmp_embedded);
	for (i = 0; i < nfiles; i++) {
		const cmig_embedded_file *f = order[i];
		char *text;
		if (!f->name || !is_migration_name(f->name))
			continue;
		if (f->len > CMIG_FILE_MAX) {
			cmig_diag_error(d, f->name, 0, CMIG_ERROR, "parse",
			                "file is too large: the limit is %zu MiB", CMIG_FILE_MAX >> 20);
			s->parse_errors++;
			continue;
		}
		text = malloc(f->len + 1);
		if (!text) {
			free(order);
			return cmig_diag_error(d, NULL, 0, CMIG_ENOMEM, NULL, "out of memory loading migrations");
		}
		if (f->len)
			memcpy(text, f->text, f->len);
		text[f->len] = '\0';
		if (cmig_revfile_parse(&s->files[s->n], f->name, f->name, text, f->len, d) != CMIG_OK)
			s->parse_errors++;
		s->n++;
	}
	free(order);
	return CMIG_OK;
}

/* The versions directory, to read a file of it again (struct cmig_revsource). */
struct dir_source {
	struct cmig_revsource base;   /* first: the parser holds a pointer to it */
	char *dir;                    /* absolute when the cwd could be read: a later chdir of
	                               * an embedding program does not move it */
};

static int read_again(const struct cmig_revsource *src, const struct cmig_revfile *r,
                      cmig_buf *out, cmig_diags *d)
{
	const struct dir_source *s = (const struct dir_source *)(const void *)src;
	char *full = cmig_path_join(s->dir, r->name);
	cmig_diags quiet;
	int rc;

	if (!full)
		return cmig_diag_error(d, r->path, 0, CMIG_ENOMEM, "parse", "out of memory reading file");
	cmig_diags_init(&quiet, NULL, NULL);
	rc = cmig_fs_read(out, full, r->path, CMIG_FILE_MAX, &quiet);
	free(full);
	/* a file removed since it was parsed is a change too */
	if (rc == CMIG_ENOTFOUND)
		rc = cmig_diag_error(d, r->path, 0, CMIG_ERROR, "changed",
		                     "file changed while cmig was running: it was removed");
	else
		cmig_diags_append(d, &quiet);
	cmig_diags_release(&quiet);
	return rc;
}

static struct cmig_revsource *dir_source_new(const char *dir)
{
	struct dir_source *s = calloc(1, sizeof(*s));
	char cwd[4096];

	if (!s)
		return NULL;
	s->base.read = read_again;
	if (dir[0] != '/' && getcwd(cwd, sizeof(cwd)))
		s->dir = cmig_path_join(cwd, dir);
	else
		s->dir = cmig_strdup(dir);
	if (!s->dir) {
		free(s);
		return NULL;
	}
	return &s->base;
}

static void dir_source_free(struct cmig_revsource *src)
{
	struct dir_source *s = (struct dir_source *)(void *)src;
	if (s)
		free(s->dir);
	free(s);
}

/* One half of the files of a directory, read and parsed by one thread. Each job writes only
 * its own slots of `files` and its own diagnostics list, so the two halves share nothing;
 * the caller appends the lists in order, keeping diagnostics in file-name order. */
struct load_job {
	int dirfd;
	const char *shown_dir;
	const struct cmig_revsource *source;
	char **names;               /* the migration names, in order */
	struct cmig_revfile *files; /* one slot per name */
	bool *loaded;               /* slot holds a file (read, parsed or not) */
	size_t from, to;
	size_t parse_errors;
	cmig_diags diags;
	int rc;                     /* CMIG_OK or CMIG_ENOMEM */
};

static void *run_job(void *arg)
{
	struct load_job *j = arg;
	cmig_buf text = CMIG_BUF_INIT;

	for (size_t i = j->from; i < j->to && j->rc == CMIG_OK; i++) {
		char *shown = cmig_path_join(j->shown_dir, j->names[i]);
		if (!shown) {
			j->rc = CMIG_ENOMEM;
			break;
		}
		cmig_buf_clear(&text);
		if (cmig_fs_read_at(&text, j->dirfd, j->names[i], shown, CMIG_FILE_MAX, &j->diags) != CMIG_OK) {
			j->parse_errors++;
		} else {
			/* the parser copies what it keeps: the buffer serves the next file */
			if (cmig_revfile_parse_lean(&j->files[i], shown, j->names[i],
			                            text.cap ? text.ptr : "", text.len, j->source,
			                            &j->diags) != CMIG_OK)
				j->parse_errors++;
			j->loaded[i] = true;
		}
		free(shown);
	}
	cmig_buf_release(&text);
	return NULL;
}

/* Below this many files a second thread costs more than it saves. */
#define PARALLEL_MIN_FILES 256

static int load_dir(struct cmig_scriptdir *s, const char *dir, cmig_diags *d)
{
	char **names = NULL, **mig = NULL, *shown_dir = NULL;
	size_t nnames = 0, i, nmig = 0;
	bool *loaded = NULL;
	struct load_job jobs[2];
	int dirfd = -1, rc;

	memset(jobs, 0, sizeof(jobs));
	if (!cmig_fs_is_dir(dir)) {
		bool exists = cmig_fs_exists(dir);
		shown_dir = cmig_path_display(dir);
		rc = cmig_diag_full(d, CMIG_DIAG_ERROR, exists ? CMIG_ERROR : CMIG_ENOTFOUND, NULL,
		                    shown_dir ? shown_dir : dir, 0, 0, NULL,
		                    exists ? "Set versions_dir in cmig.yaml to a directory." :
		                    "Run 'cmig init' to create a project, or set versions_dir in cmig.yaml.",
		                    exists ? "versions directory is not a directory" :
		                    "versions directory does not exist");
		free(shown_dir);
		return rc;
	}
	if ((rc = cmig_fs_list(&names, &nnames, dir, d)) != CMIG_OK)
		return rc;
	mig = malloc((nnames ? nnames : 1) * sizeof(*mig));
	if (!mig) {
		rc = cmig_diag_error(d, NULL, 0, CMIG_ENOMEM, NULL, "out of memory loading migrations");
		goto done;
	}
	for (i = 0; i < nnames; i++)
		if (is_migration_name(names[i]))
			mig[nmig++] = names[i];
	s->files = calloc(nmig ? nmig : 1, sizeof(*s->files));
	loaded = calloc(nmig ? nmig : 1, sizeof(*loaded));
	if (!s->files || !loaded) {
		rc = cmig_diag_error(d, NULL, 0, CMIG_ENOMEM, NULL, "out of memory loading migrations");
		goto done;
	}
	/* one directory descriptor and one display prefix for every file: per file only
	 * openat, fstat, read, close */
	dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	shown_dir = cmig_path_display(dir);
	s->source = dirfd >= 0 ? dir_source_new(dir) : NULL;
	if (dirfd < 0 || !shown_dir || !s->source) {
		rc = cmig_diag_error(d, NULL, 0, dirfd < 0 ? CMIG_ERROR : CMIG_ENOMEM, NULL,
		                     "cannot open the versions directory %s", dir);
		goto done;
	}
	for (int k = 0; k < 2; k++) {
		jobs[k].dirfd = dirfd;
		jobs[k].shown_dir = shown_dir;
		jobs[k].source = s->source;
		jobs[k].names = mig;
		jobs[k].files = s->files;
		jobs[k].loaded = loaded;
		cmig_diags_init(&jobs[k].diags, NULL, NULL);
	}
	jobs[0].from = 0;
	jobs[0].to = jobs[1].from = nmig >= PARALLEL_MIN_FILES ? nmig / 2 : nmig;
	jobs[1].to = nmig;
	{
		/* reading is mostly system calls: two threads keep both cores busy */
		pthread_t t;
		bool threaded = jobs[1].from < jobs[1].to &&
		                pthread_create(&t, NULL, run_job, &jobs[1]) == 0;
		run_job(&jobs[0]);
		if (threaded)
			pthread_join(t, NULL);
		else
			run_job(&jobs[1]);
	}
	for (int k = 0; k < 2; k++) {
		cmig_diags_append(d, &jobs[k].diags);
		s->parse_errors += jobs[k].parse_errors;
		if (jobs[k].rc)
			rc = cmig_diag_error(d, NULL, 0, jobs[k].rc, NULL, "out of memory loading migrations");
	}
	/* compact: unreadable files leave no slot */
	for (i = 0; i < nmig; i++)
		if (loaded[i]) {
			if (s->n != i)
				s->files[s->n] = s->files[i];
			s->n++;
		}
done:
	for (int k = 0; k < 2; k++)
		cmig_diags_release(&jobs[k].diags);
	if (dirfd >= 0)
		close(dirfd);
	free(shown_dir);
	free(loaded);
	free(mig);
	cmig_fs_names_free(names, nnames);
	return rc;
}

int cmig_scriptdir_load(struct cmig_scriptdir *out, const char *dir,
                        const cmig_embedded_file *files, size_t nfiles, cmig_diags *d)
{
	int rc;

	memset(out, 0, sizeof(*out));
	if (dir && !(out->dir = cmig_strdup(dir)))
		return cmig_diag_error(d, NULL, 0, CMIG_ENOMEM, NULL, "out of memory loading migrations");
	if (files)
		rc = load_embedded(out, files, nfiles, d);
	else if (dir)
		rc = load_dir(out, dir, d);
	else
		rc = cmig_diag_error(d, NULL, 0, CMIG_ERROR, NULL, "no versions directory configured");
	if (rc != CMIG_OK)
		return rc;

	out->ptrs = malloc((out->n ? out->n : 1) * sizeof(*out->ptrs));
	if (!out->ptrs)
		return cmig_diag_error(d, NULL, 0, CMIG_ENOMEM, NULL, "out of memory loading migrations");
	for (size_t i = 0; i < out->n; i++)
		out->ptrs[i] = &out->files[i];
	rc = cmig_chain_build(&out->chain, out->ptrs, out->n, d);
	if (rc != CMIG_OK && rc != CMIG_ECHAIN)
		return rc;
	return out->parse_errors || !out->chain.ok ? CMIG_ECHAIN : CMIG_OK;
}

void cmig_scriptdir_release(struct cmig_scriptdir *s)
{
	if (!s)
		return;
	cmig_chain_release(&s->chain);
	for (size_t i = 0; i < s->n; i++)
		cmig_revfile_release(&s->files[i]);
	free(s->files);
	free(s->ptrs);
	free(s->dir);
	dir_source_free(s->source);
	memset(s, 0, sizeof(*s));
}
