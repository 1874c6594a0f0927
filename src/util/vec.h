/*
 * vec.h - typed growable arrays: `CMIG_VEC(struct x) v = CMIG_VEC_INIT;` then
 * `CMIG_VEC_PUSH(&v, item)` (evaluates to 0 or CMIG_ENOMEM) and `free(v.items)`.
 */
#ifndef CMIG_UTIL_VEC_H
#define CMIG_UTIL_VEC_H

#include <stdlib.h>

#define CMIG_VEC(T) struct { T *items; size_t n, cap; }
#define CMIG_VEC_INIT { NULL, 0, 0 }

/* Make room for need items of elem bytes: CMIG_OK, or CMIG_ENOMEM with *items and *cap
 * untouched (also when need * elem would pass PTRDIFF_MAX bytes). */
int cmig_vec_grow_(void **items, size_t *cap, size_t need, size_t elem);
/* The capacity grow_ would choose (from 8, doubling, at most PTRDIFF_MAX / elem items), or 0
 * when need items cannot be held. */
size_t cmig_vec_next_cap_(size_t cap, size_t need, size_t elem);

#define CMIG_VEC_RESERVE(v, need) \
	cmig_vec_grow_((void **)&(v)->items, &(v)->cap, (need), sizeof(*(v)->items))
#define CMIG_VEC_PUSH(v, item) \
	(CMIG_VEC_RESERVE((v), (v)->n + 1) ? -8 : ((v)->items[(v)->n++] = (item), 0))

#endif
