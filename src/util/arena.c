/*
 * arena.c - bump allocator (see arena.h). A new chunk holds at least 256 bytes (a typical file needs one), or the whole
 * request when larger; earlier chunks are kept in a list until release.
 */
#include "arena.h"

#include <stdlib.h>
#include <string.h>

struct cmig_arena_chunk {
	struct cmig_arena_chunk *next;
	size_t used, cap;
	char data[];
};

char *cmig_arena_strndup(cmig_arena *a, const char *s, size_t n)
{
	struct cmig_arena_chunk *c = a->head;
	char *p;

	if (!c || c->cap - c->used < n + 1) {
		size_t cap = n + 1 > 256 ? n + 1 : 256;
		c = malloc(sizeof(*c) + cap);
		if (!c)
			return NULL;
		c->next = a->head;
		c->used = 0;
		c->cap = cap;
		a->head = c;
	}
	p = c->data + c->used;
	if (n)
		memcpy(p, s, n);
	p[n] = '\0';
	c->used += n + 1;
	return p;
}

char *cmig_arena_strdup(cmig_arena *a, const char *s)
{
	return s ? cmig_arena_strndup(a, s, strlen(s)) : NULL;
}

void cmig_arena_release(cmig_arena *a)
{
	while (a->head) {
		struct cmig_arena_chunk *next = a->head->next;
		free(a->head);
		a->head = next;
	}
}
