/*
 * pq_dl.c - load libpq with dlopen on first use (see pq_dl.h). The table is written once
 * under pthread_once and only read afterwards, so it is safe from any thread.
 */
#define CMIG_PQ_DL_IMPL
#include "pq_dl.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stddef.h>

static struct cmig_pq_api api;
static const struct cmig_pq_api *loaded;
static const char *load_error;
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void load(void)
{
	static const char *const names[] = { "libpq.so.5", "libpq.so" };
	void *h = NULL;

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]) && !h; i++)
		h = dlopen(names[i], RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		load_error = "cannot load libpq (libpq.so.5): install libpq5 for PostgreSQL support";
		return;
	}
#define CMIG_PQ_RESOLVE(f)                                                                     \
	api.f = (__typeof__(api.f))dlsym(h, #f);                                              \
	if (!api.f) {                                                                          \
		load_error = "the libpq found is too old: PostgreSQL support needs libpq 14 or later"; \
		return;                                                                        \
	}
	CMIG_PQ_FUNCS(CMIG_PQ_RESOLVE)
#undef CMIG_PQ_RESOLVE
	loaded = &api;
}

const struct cmig_pq_api *cmig_pq_load(const char **err)
{
	pthread_once(&once, load);
	if (!loaded && err)
		*err = load_error;
	return loaded;
}

const struct cmig_pq_api *cmig_pq_table(void)
{
	return loaded;
}
