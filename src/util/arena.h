/*
 * arena.h - a bump allocator for the small strings parsed out of one migration file (id,
 * down_revision, headers, path): one allocation per file instead of one per string, all
 * released at once. Chunks are never moved, so pointers stay valid until release.
 */
#ifndef CMIG_UTIL_ARENA_H
#define CMIG_UTIL_ARENA_H

#include <stddef.h>

struct cmig_arena_chunk;

typedef struct {
	struct cmig_arena_chunk *head;
} cmig_arena;

#define CMIG_ARENA_INIT { NULL }

/* A NUL-terminated copy of s[0, n) in the arena; NULL on out-of-memory. */
char *cmig_arena_strndup(cmig_arena *a, const char *s, size_t n);
char *cmig_arena_strdup(cmig_arena *a, const char *s);
/* Free every chunk; the arena is empty (and reusable) afterwards. */
void cmig_arena_release(cmig_arena *a);

#endif
