/*
 * fs.c - filesystem helpers (see fs.h). Reads use fstat's size as a hint but never trust it
 * (a file can grow while read): the ceiling is enforced on the bytes actually read.
 */
#include "fs.h"

#include <dirent.h>
#include <stdbool.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int cmig_fs_read(cmig_buf *out, const char *path, const char *shown, size_t max, cmig_diags *d)
{
	return cmig_fs_read_at(out, AT_FDCWD, path, shown, max, d);
}

int cmig_fs_read_at(cmig_buf *out, int dirfd, const char *name, const char *shown, size_t max,
                    cmig_diags *d)
{
	struct stat st;
	size_t start = out->len;
	int fd, rc = CMIG_OK;

	fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		int e = errno;
		if (e == ENOENT && fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0)
			return cmig_diag_error(d, shown, 0, CMIG_ERROR, "parse",
			                       "cannot read file: dangling symbolic link");
		return cmig_diag_error(d, shown, 0, e == ENOENT ? CMIG_ENOTFOUND : CMIG_ERROR,
		                       "parse", "cannot read file: %s", strerror(e));
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		bool dir = S_ISDIR(st.st_mode);
		close(fd);
		return cmig_diag_error(d, shown, 0, CMIG_ERROR, "parse", "cannot read file: %s",
		                       dir ? "it is a directory" : "not a regular file");
	}
	if ((unsigned long long)st.st_size > max) {
		close(fd);
		return cmig_diag_error(d, shown, 0, CMIG_ERROR, "parse",
		                       "file is too large: %lld bytes, the limit is %zu MiB",
		                       (long long)st.st_size, max >> 20);
	}
	if (cmig_buf_grow(out, (size_t)st.st_size) != CMIG_OK) {
		close(fd);
		return cmig_diag_error(d, shown, 0, CMIG_ENOMEM, "parse", "out of memory reading file");
	}
	for (;;) {
		ssize_t got;
		if (out->cap - out->len < 2 && (rc = cmig_buf_grow(out, 65536)) != CMIG_OK) {
			rc = cmig_diag_error(d, shown, 0, rc == CMIG_ENOMEM ? CMIG_ENOMEM : CMIG_ERROR,
			                     "parse", "file is too large: the limit is %zu MiB", max >> 20);
			break;
		}
		got = read(fd, out->ptr + out->len, out->cap - out->len - 1);
		if (got < 0) {
			if (errno == EINTR)
				continue;
			rc = cmig_diag_error(d, shown, 0, CMIG_ERROR, "parse", "cannot read file: %s",
			                     strerror(errno));
			break;
		}
		if (got == 0)
			break;
		out->len += (size_t)got;
		out->ptr[out->len] = '\0';
		if (out->len - start > max) {
			rc = cmig_diag_error(d, shown, 0, CMIG_ERROR, "parse",
			                     "file is too large: the limit is %zu MiB", max >> 20);
			break;
		}
		/* the size fstat gave is read: skip the extra read() that would only say EOF */
		if (out->len - start == (size_t)st.st_size)
			break;
	}
	close(fd);
	return rc;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int cmig_fs_list(char ***out, size_t *n, const char *dir, cmig_diags *d)
{
	DIR *dh;
	struct dirent *e;
	char **names = NULL;
	size_t cnt = 0, cap = 0;

	*out = NULL;
	*n = 0;
	dh = opendir(dir);
	if (!dh)
		return cmig_diag_error(d, NULL, 0, errno == ENOENT ? CMIG_ENOTFOUND : CMIG_ERROR, NULL,
		                       "cannot read directory %s: %s", dir, strerror(errno));
	while ((e = readdir(dh)) != NULL) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (cnt == cap) {
			size_t nc = cap ? cap * 2 : 64;
			char **p = realloc(names, nc * sizeof(*p));
			if (!p)
				goto oom;
			names = p;
			cap = nc;
		}
		if (!(names[cnt] = cmig_strdup(e->d_name)))
			goto oom;
		cnt++;
	}
	closedir(dh);
	if (cnt)
		qsort(names, cnt, sizeof(*names), cmp_names);
	*out = names;
	*n = cnt;
	return CMIG_OK;
oom:
	closedir(dh);
	cmig_fs_names_free(names, cnt);
	return cmig_diag_error(d, NULL, 0, CMIG_ENOMEM, NULL, "out of memory listing %s", dir);
}

void cmig_fs_names_free(char **names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

static int write_all(int fd, const char *data, size_t len)
{
	while (len) {
		ssize_t w = write(fd, data, len);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		data += w;
		len -= (size_t)w;
	}
	return 0;
}

int cmig_fs_write_new(const char *path, const char *data, size_t len, cmig_diags *d)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0)
		return cmig_diag_error(d, path, 0, errno == EEXIST ? CMIG_EEXISTS : CMIG_ERROR, NULL,
		                       errno == EEXIST ? "file exists, not overwriting" :
		                       "cannot create file: %s", strerror(errno));
	if (write_all(fd, data, len) != 0 || close(fd) != 0) {
		int e = errno;
		unlink(path);
		return cmig_diag_error(d, path, 0, CMIG_ERROR, NULL, "cannot write file: %s", strerror(e));
	}
	return CMIG_OK;
}

int cmig_fs_replace(const char *path, const char *data, size_t len, cmig_diags *d)
{
	char *tmp = cmig_asprintf("%s.cmig-tmp", path);
	struct stat st;
	int fd, rc = CMIG_OK;

	if (!tmp)
		return cmig_diag_error(d, path, 0, CMIG_ENOMEM, NULL, "out of memory");
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		rc = cmig_diag_error(d, path, 0, CMIG_ERROR, NULL, "cannot write file: %s", strerror(errno));
		goto done;
	}
	if (stat(path, &st) == 0)
		fchmod(fd, st.st_mode & 07777);
	if (write_all(fd, data, len) != 0 || fsync(fd) != 0 || close(fd) != 0 ||
	    rename(tmp, path) != 0) {
		rc = cmig_diag_error(d, path, 0, CMIG_ERROR, NULL, "cannot write file: %s", strerror(errno));
		unlink(tmp);
	}
done:
	free(tmp);
	return rc;
}

int cmig_fs_mkdirs(const char *path, cmig_diags *d)
{
	char *p = cmig_strdup(path);
	int rc = CMIG_OK;
	if (!p)
		return CMIG_ENOMEM;
	/* from the second byte of an absolute path ("/" itself exists); "" reaches mkdir("") */
	for (char *s = p + (p[0] == '/'); ; s++) {
		if (*s == '/' || *s == '\0') {
			char c = *s;
			*s = '\0';
			if (mkdir(p, 0755) != 0 && errno != EEXIST) {
				rc = cmig_diag_error(d, p, 0, CMIG_ERROR, NULL, "cannot create directory: %s",
				                     strerror(errno));
				break;
			}
			*s = c;
			if (!c)
				break;
		}
	}
	free(p);
	return rc;
}

bool cmig_fs_exists(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0;
}

bool cmig_fs_is_dir(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

char *cmig_path_join(const char *dir, const char *name)
{
	size_t dl, nl;
	char *out;
	if (name[0] == '/' || !dir || !dir[0] || !strcmp(dir, "."))
		return cmig_strdup(name);
	dl = strlen(dir);
	if (dir[dl - 1] == '/')
		dl--;
	nl = strlen(name);
	out = malloc(dl + nl + 2);   /* called once per migration file: no printf here */
	if (!out)
		return NULL;
	memcpy(out, dir, dl);
	out[dl] = '/';
	memcpy(out + dl + 1, name, nl + 1);
	return out;
}

char *cmig_path_dirname(const char *path)
{
	const char *slash = strrchr(path, '/');
	if (!slash)
		return cmig_strdup(".");
	if (slash == path)
		return cmig_strdup("/");
	return cmig_strndup(path, (size_t)(slash - path));
}

/* Lexically normalize an absolute path: drop "." and empty parts, apply "..". */
static char *normalize_abs(const char *path)
{
	size_t n = strlen(path), len = 0;
	char *out = malloc(n + 2);
	const char *p = path;

	if (!out)
		return NULL;
	while (*p) {
		const char *e;
		size_t k;
		while (*p == '/')
			p++;
		e = strchr(p, '/');
		if (!e)
			e = p + strlen(p);
		k = (size_t)(e - p);
		if (k == 0 || (k == 1 && p[0] == '.')) {
			/* nothing */
		} else if (k == 2 && p[0] == '.' && p[1] == '.') {
			while (len > 0 && out[len - 1] != '/')
				len--;
			if (len > 0)
				len--;
		} else {
			out[len++] = '/';
			memcpy(out + len, p, k);
			len += k;
		}
		p = e;
	}
	if (len == 0)
		out[len++] = '/';
	out[len] = '\0';
	return out;
}

/* SPEC §3: relative to the current directory when inside it, absolute when outside it. */
char *cmig_path_display(const char *path)
{
	char cwd[PATH_MAX];
	size_t cl;
	const char *p = path;
	char *abs, *res;

	while (p[0] == '.' && p[1] == '/')
		p += 2;
	if (p[0] != '/' && strncmp(p, "..", 2) != 0)
		return cmig_strdup(p);      /* below the current directory already */
	if (!getcwd(cwd, sizeof(cwd)))
		return cmig_strdup(path);
	if (p[0] == '/')
		abs = normalize_abs(p);
	else {
		char *joined = cmig_asprintf("%s/%s", cwd, p);
		abs = joined ? normalize_abs(joined) : NULL;
		free(joined);
	}
	if (!abs)
		return NULL;
	cl = strlen(cwd);
	if (!strcmp(abs, cwd))
		res = cmig_strdup(".");
	else if (cl > 1 && !strncmp(abs, cwd, cl) && abs[cl] == '/')
		res = cmig_strdup(abs + cl + 1);
	else
		return abs;
	free(abs);
	return res;
}
