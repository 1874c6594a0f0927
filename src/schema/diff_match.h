/*
 * diff_match.h - the differ's lookups (private to src/schema/diff*.c): a name index per kind
 * of object and the pairing of constraints and indexes by definition, each O(1) expected per
 * lookup instead of a scan of the other model's list.
 */
#ifndef CMIG_SCHEMA_DIFF_MATCH_H
#define CMIG_SCHEMA_DIFF_MATCH_H

#include <stdbool.h>
#include <stddef.h>

#include "arena.h"
#include "strmap.h"

/* (schema, table, name) → the position of the first object added with it. fold: names compare
 * case-insensitively (SQLite, ASCII as strcasecmp does); schema NULL is its own value. */
struct cmig_nameidx {
	cmig_strmap map;
	cmig_arena keys;
	bool fold;
};

/* CMIG_OK or CMIG_ENOMEM; a key already there keeps its first position. table may be NULL
 * (objects named within a schema). */
int cmig_nameidx_add(struct cmig_nameidx *ix, const char *schema, const char *table,
                     const char *name, size_t pos);
/* The position, or -1 when absent (also when out of memory: callers treat it as absent only
 * after cmig_nameidx_add succeeded for every object, so a lookup allocates nothing). */
long cmig_nameidx_find(const struct cmig_nameidx *ix, const char *schema, const char *table,
                       const char *name);
void cmig_nameidx_release(struct cmig_nameidx *ix);

/* Pair the objects of list b with those of list a whose key (definition) is equal: first
 * those whose names are equal too, then the rest by key alone, each b taking the first free a
 * in a's order. A NULL key never pairs. ok(ctx, ia, ib, by_name): whether the pair may be made
 * (by_name: the names must be equal too). b_to_a[ib] gets ia, or (size_t)-1. CMIG_OK or
 * CMIG_ENOMEM. Matching by name first keeps an existing object paired with itself when the
 * declared schema adds a second one with the same definition (t640 seed 142). */
int cmig_match_by_key(size_t *b_to_a, char *const *ka, size_t na, char *const *kb, size_t nb,
                      bool (*ok)(void *ctx, size_t ia, size_t ib, bool by_name), void *ctx);

#endif
