/*
 * strmap.h - a string-keyed hash map (open addressing, linear probing) for revision ids.
 * Keys are borrowed: they must outlive the map. Lookups and inserts are O(1) expected, so
 * building the chain of 100,000 revisions stays linear.
 */
#ifndef CMIG_UTIL_STRMAP_H
#define CMIG_UTIL_STRMAP_H

#include <stddef.h>

typedef struct {
	const char *key;
	size_t klen;
	void *value;
} cmig_strmap_slot;

typedef struct {
	cmig_strmap_slot *slots;
	size_t cap, n;
} cmig_strmap;

#define CMIG_STRMAP_INIT { NULL, 0, 0 }

void cmig_strmap_release(cmig_strmap *m);
/* Insert key -> value. If the key exists, nothing changes and *existing (if given) gets the
 * old value and 1 is returned; 0 on insert; CMIG_ENOMEM on failure. */
int cmig_strmap_put(cmig_strmap *m, const char *key, size_t klen, void *value, void **existing);
void *cmig_strmap_get(const cmig_strmap *m, const char *key, size_t klen);
/* Room for n keys in one allocation (no doubling, and no old and new table at once, while
 * they are put): CMIG_OK or CMIG_ENOMEM. */
int cmig_strmap_reserve(cmig_strmap *m, size_t n);

#endif
