/* vec.c - the one growth function behind vec.h's macros (doubling, so pushes are O(1)).
 * An array never holds more than PTRDIFF_MAX bytes (what malloc can hand out and pointer
 * differences can measure): a larger request is CMIG_ENOMEM with the array untouched, before
 * any allocation, so neither need * elem nor the doubling can wrap round or loop forever. */
#include "vec.h"

#include <stdint.h>

#include "cmig/cmig.h"

size_t cmig_vec_next_cap_(size_t cap, size_t need, size_t elem)
{
	size_t max, nc;
	if (elem == 0)
		return 0;
	max = (size_t)PTRDIFF_MAX / elem;
	if (need > max)
		return 0;
	nc = cap ? cap : 8;
	while (nc < need)
		nc = nc > max / 2 ? max : nc * 2;
	return nc > max ? max : nc;
}

int cmig_vec_grow_(void **items, size_t *cap, size_t need, size_t elem)
{
	size_t nc;
	void *p;
	if (need <= *cap)
		return CMIG_OK;
	if (!(nc = cmig_vec_next_cap_(*cap, need, elem)))
		return CMIG_ENOMEM;
	p = realloc(*items, nc * elem);
	if (!p)
		return CMIG_ENOMEM;
	*items = p;
	*cap = nc;
	return CMIG_OK;
}
