/*
 * order.h - SPEC §8's order inside one kind of `cmig dump`: among the objects whose
 * dependencies are already written, the byte-wise smallest qualified name next; when none is
 * ready (a cycle), the smallest not yet written. Pure.
 */
#ifndef CMIG_SCHEMA_ORDER_H
#define CMIG_SCHEMA_ORDER_H

#include <stddef.h>

/* Object `from` waits until object `to` is written (from != to). */
struct cmig_sch_dep {
	size_t from, to;
};

/* Fill order[0..n) with the objects 0..n-1 in that order. byname[0..n) lists the objects by
 * ascending name. An edge may appear more than once. Returns 0, or -8 when out of memory.
 * O((n + ndeps) log n). */
int cmig_sch_order(size_t *order, size_t n, const size_t *byname, const struct cmig_sch_dep *deps,
                   size_t ndeps);

/* Sort idx[0..n) (object numbers) by the qualified name (schema or NULL, name) that name_of
 * gives for each, byte-wise; NULL schemas first. */
void cmig_sch_sort_names(size_t *idx, size_t n,
                         void (*name_of)(const void *ctx, size_t i, const char **schema,
                                         const char **name),
                         const void *ctx);

#endif
