/*
 * inject.c - allocation and I/O fault injection, SQLite-style, for the cmig_fault program
 * (issue 11). cmig_fault is the cmig CLI linked with this file and
 * -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc,--wrap=strdup,--wrap=strndup: every
 * allocation cmig's own code makes (not libc's internal ones, not libyaml's) comes here, and
 * so does every allocation SQLite makes, through sqlite3_config(SQLITE_CONFIG_MALLOC) installed
 * before SQLite initialises. One counter numbers all of them.
 *
 * Environment:
 *   CMIG_FAULT_N=N        the Nth call fails (0 or unset: none does)
 *   CMIG_FAULT_MODE=M     transient: only the Nth; persistent (default): the Nth and every
 *                         later call
 *   CMIG_FAULT_COUNT=FILE at exit, write "CALLS FAILED BYTES": the allocations made, 1 when
 *                         a fault was injected, the bytes written through the VFS shim
 *   CMIG_FAULT_TRACE=1    print a backtrace to stderr at the first failed call (debugging)
 *   CMIG_FAULT_IO=K:KIND  a VFS shim over the default VFS, made the default: once K bytes
 *                         have been written to database and journal files, every write fails
 *                         with KIND, full (SQLITE_FULL) or ioerr (SQLITE_IOERR_WRITE)
 * Invariant: with nothing set, the program behaves exactly as cmig.
 */
#include <execinfo.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t n);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *p, size_t n);
char *__wrap_strdup(const char *s);
char *__wrap_strndup(const char *s, size_t n);

static atomic_ulong calls;
static unsigned long fail_at;
static int persistent = 1;
static atomic_int failed;
static int trace;

/* true when this call is to fail */
static int fault(void)
{
	unsigned long n = atomic_fetch_add(&calls, 1) + 1;
	if (!fail_at || n < fail_at || (!persistent && n != fail_at))
		return 0;
	if (trace && n == fail_at) {
		void *frames[32];
		backtrace_symbols_fd(frames, backtrace(frames, 32), 2);
	}
	atomic_store(&failed, 1);
	return 1;
}

void *__wrap_malloc(size_t n)
{
	return fault() ? NULL : __real_malloc(n);
}

void *__wrap_calloc(size_t n, size_t size)
{
	return fault() ? NULL : __real_calloc(n, size);
}

void *__wrap_realloc(void *p, size_t n)
{
	return fault() ? NULL : __real_realloc(p, n);
}

char *__wrap_strdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = __wrap_malloc(n);
	return p ? memcpy(p, s, n) : NULL;
}

char *__wrap_strndup(const char *s, size_t n)
{
	size_t len = strnlen(s, n);
	char *p = __wrap_malloc(len + 1);
	if (!p)
		return NULL;
	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

/* ---- SQLite's allocator: the size kept in front of each block, as SQLite's own does --------- */

#define HDR 16   /* keeps the block 16-byte aligned */

static void *sq_malloc(int n)
{
	char *p;
	if (n <= 0 || fault() || !(p = __real_malloc((size_t)n + HDR)))
		return NULL;
	memcpy(p, &(size_t){ (size_t)n }, sizeof(size_t));
	return p + HDR;
}

static void sq_free(void *p)
{
	if (p)
		free((char *)p - HDR);
}

static int sq_size(void *p)
{
	size_t n;
	if (!p)
		return 0;
	memcpy(&n, (char *)p - HDR, sizeof(n));
	return (int)n;
}

static void *sq_realloc(void *p, int n)
{
	char *q;
	if (n <= 0 || fault() || !(q = __real_realloc((char *)p - HDR, (size_t)n + HDR)))
		return NULL;
	memcpy(q, &(size_t){ (size_t)n }, sizeof(size_t));
	return q + HDR;
}

static int sq_roundup(int n) { return (n + 7) & ~7; }
static int sq_init(void *x) { (void)x; return SQLITE_OK; }
static void sq_shutdown(void *x) { (void)x; }

static const sqlite3_mem_methods mem = {
	sq_malloc, sq_free, sq_realloc, sq_size, sq_roundup, sq_init, sq_shutdown, NULL
};

/* ---- the VFS shim: writes fail once K bytes have been written ---------------------------------- */

static sqlite3_vfs *base_vfs;
static sqlite3_vfs shim_vfs;
static long long io_budget = -1;   /* bytes left before writes fail; -1: never */
static long long io_written;       /* bytes written through the shim */
static int io_error = SQLITE_FULL;

struct shim_file {
	sqlite3_file base;          /* pMethods = &shim_io */
	sqlite3_file *real;         /* follows this struct in the same allocation */
};

static sqlite3_io_methods shim_io;

#define REAL(f) (((struct shim_file *)(f))->real)

static int s_close(sqlite3_file *f)
{
	int rc = REAL(f)->pMethods ? REAL(f)->pMethods->xClose(REAL(f)) : SQLITE_OK;
	return rc;
}
static int s_read(sqlite3_file *f, void *b, int n, sqlite3_int64 o)
{
	return REAL(f)->pMethods->xRead(REAL(f), b, n, o);
}
static int s_write(sqlite3_file *f, const void *b, int n, sqlite3_int64 o)
{
	if (io_budget >= 0) {
		if (io_budget < n) {
			io_budget = 0;
			atomic_store(&failed, 1);
			return io_error;
		}
		io_budget -= n;
	}
	io_written += n;
	return REAL(f)->pMethods->xWrite(REAL(f), b, n, o);
}
static int s_truncate(sqlite3_file *f, sqlite3_int64 n) { return REAL(f)->pMethods->xTruncate(REAL(f), n); }
static int s_sync(sqlite3_file *f, int fl) { return REAL(f)->pMethods->xSync(REAL(f), fl); }
static int s_size(sqlite3_file *f, sqlite3_int64 *n) { return REAL(f)->pMethods->xFileSize(REAL(f), n); }
static int s_lock(sqlite3_file *f, int l) { return REAL(f)->pMethods->xLock(REAL(f), l); }
static int s_unlock(sqlite3_file *f, int l) { return REAL(f)->pMethods->xUnlock(REAL(f), l); }
static int s_check(sqlite3_file *f, int *r) { return REAL(f)->pMethods->xCheckReservedLock(REAL(f), r); }
static int s_fctl(sqlite3_file *f, int op, void *a) { return REAL(f)->pMethods->xFileControl(REAL(f), op, a); }
static int s_sector(sqlite3_file *f) { return REAL(f)->pMethods->xSectorSize(REAL(f)); }
static int s_dev(sqlite3_file *f) { return REAL(f)->pMethods->xDeviceCharacteristics(REAL(f)); }

static int s_open(sqlite3_vfs *v, const char *name, sqlite3_file *f, int flags, int *out)
{
	struct shim_file *sf = (struct shim_file *)f;
	int rc;
	(void)v;
	sf->real = (sqlite3_file *)(sf + 1);
	f->pMethods = NULL;
	rc = base_vfs->xOpen(base_vfs, name, sf->real, flags, out);
	if (rc == SQLITE_OK)
		f->pMethods = &shim_io;
	return rc;
}

static void install_vfs(const char *spec)
{
	char kind[16] = "";
	if (sscanf(spec, "%lld:%15s", &io_budget, kind) != 2 || io_budget < 0) {
		fprintf(stderr, "cmig_fault: CMIG_FAULT_IO=%s: want K:full or K:ioerr\n", spec);
		exit(2);
	}
	io_error = strcmp(kind, "ioerr") == 0 ? SQLITE_IOERR_WRITE : SQLITE_FULL;
	base_vfs = sqlite3_vfs_find(NULL);
	shim_vfs = *base_vfs;
	shim_vfs.iVersion = 1;      /* no xSetSystemCall & co.: the shim does not forward them */
	shim_vfs.szOsFile = (int)sizeof(struct shim_file) + base_vfs->szOsFile;
	shim_vfs.zName = "cmig_fault";
	shim_vfs.xOpen = s_open;
	shim_io.iVersion = 1;
	shim_io.xClose = s_close;
	shim_io.xRead = s_read;
	shim_io.xWrite = s_write;
	shim_io.xTruncate = s_truncate;
	shim_io.xSync = s_sync;
	shim_io.xFileSize = s_size;
	shim_io.xLock = s_lock;
	shim_io.xUnlock = s_unlock;
	shim_io.xCheckReservedLock = s_check;
	shim_io.xFileControl = s_fctl;
	shim_io.xSectorSize = s_sector;
	shim_io.xDeviceCharacteristics = s_dev;
	sqlite3_vfs_register(&shim_vfs, 1);
}

static const char *count_file;

static void report(void)
{
	FILE *f;
	if (!count_file || !(f = fopen(count_file, "w")))
		return;
	fprintf(f, "%lu %d %lld\n", atomic_load(&calls), atomic_load(&failed), io_written);
	fclose(f);
}

__attribute__((constructor)) static void fault_setup(void)
{
	const char *n = getenv("CMIG_FAULT_N"), *mode = getenv("CMIG_FAULT_MODE");
	const char *io = getenv("CMIG_FAULT_IO");
	fail_at = n ? strtoul(n, NULL, 10) : 0;
	persistent = !(mode && strcmp(mode, "transient") == 0);
	count_file = getenv("CMIG_FAULT_COUNT");
	trace = getenv("CMIG_FAULT_TRACE") != NULL;
	if (count_file)
		atexit(report);
	if (sqlite3_config(SQLITE_CONFIG_MALLOC, &mem) != SQLITE_OK) {
		fputs("cmig_fault: sqlite3_config(SQLITE_CONFIG_MALLOC) failed\n", stderr);
		exit(2);
	}
	if (io && *io)
		install_vfs(io);
}
