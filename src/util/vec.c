/* vec.c - the one growth function behind vec.h's macros (doubling, so pushes are O(1)). */
#include "vec.h"

#include "cmig/cmig.h"

int cmig_vec_grow_(void **items, size_t *cap, size_t need, size_t elem)
{
	size_t nc;
	void *p;
	if (need <= *cap)
		return CMIG_OK;
	nc = *cap ? *cap : 8;
	while (nc < need)
		nc *= 2;
	p = realloc(*items, nc * elem);
	if (!p)
		return CMIG_ENOMEM;
	*items = p;
	*cap = nc;
	return CMIG_OK;
}
