/*
 * order.c - Kahn's topological order with a min-heap of ready objects keyed by name rank, so
 * that "the smallest ready name next" costs O(log n) a step instead of a scan of all objects.
 *
 * Invariants: waiting[i] counts the edges of i whose target is not yet written; an object
 * enters the heap once, when waiting[i] reaches 0 and it is not yet written; a cycle is broken
 * by writing the smallest unwritten name (its remaining edges then simply count down).
 */
#include "order.h"

#include <stdlib.h>
#include <string.h>

static void heap_push(size_t *h, size_t *len, size_t v)
{
	size_t i = (*len)++;
	while (i > 0 && h[(i - 1) / 2] > v) {
		h[i] = h[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	h[i] = v;
}

static size_t heap_pop(size_t *h, size_t *len)
{
	size_t top = h[0], v = h[--*len], i = 0;
	for (;;) {
		size_t c = 2 * i + 1;
		if (c >= *len)
			break;
		if (c + 1 < *len && h[c + 1] < h[c])
			c++;
		if (h[c] >= v)
			break;
		h[i] = h[c];
		i = c;
	}
	if (*len)
		h[i] = v;
	return top;
}

int cmig_sch_order(size_t *order, size_t n, const size_t *byname, const struct cmig_sch_dep *deps,
                   size_t ndeps)
{
	size_t m = n ? n : 1;
	size_t *rank = malloc(m * sizeof(size_t)), *waiting = calloc(m, sizeof(size_t));
	size_t *start = calloc(m + 1, sizeof(size_t)), *users = malloc((ndeps ? ndeps : 1) * sizeof(size_t));
	size_t *heap = malloc(m * sizeof(size_t));
	unsigned char *done = calloc(m, 1);
	int rc = -8;
	if (!rank || !waiting || !start || !users || !heap || !done)
		goto out;
	for (size_t r = 0; r < n; r++)
		rank[byname[r]] = r;
	/* users of each object, grouped by target (counting sort) */
	for (size_t e = 0; e < ndeps; e++) {
		waiting[deps[e].from]++;
		start[deps[e].to + 1]++;
	}
	for (size_t i = 0; i < n; i++)
		start[i + 1] += start[i];
	{
		size_t *fill = calloc(m, sizeof(size_t));
		if (!fill)
			goto out;
		for (size_t e = 0; e < ndeps; e++)
			users[start[deps[e].to] + fill[deps[e].to]++] = deps[e].from;
		free(fill);
	}
	size_t len = 0, next_any = 0;
	for (size_t i = 0; i < n; i++)
		if (!waiting[i])
			heap_push(heap, &len, rank[i]);
	for (size_t k = 0; k < n; k++) {
		size_t pick = n;
		while (len && pick == n) {
			size_t o = byname[heap_pop(heap, &len)];
			if (!done[o])
				pick = o;
		}
		if (pick == n) { /* a cycle: the smallest name not yet written */
			while (done[byname[next_any]])
				next_any++;
			pick = byname[next_any];
		}
		done[pick] = 1;
		order[k] = pick;
		for (size_t u = start[pick]; u < start[pick + 1]; u++) {
			size_t o = users[u];
			if (--waiting[o] == 0 && !done[o])
				heap_push(heap, &len, rank[o]);
		}
	}
	rc = 0;
out:
	free(rank);
	free(waiting);
	free(start);
	free(users);
	free(heap);
	free(done);
	return rc;
}

struct sort_ctx {
	void (*name_of)(const void *, size_t, const char **, const char **);
	const void *ctx;
};

/* qsort has no context argument in C11: a small merge sort carries it instead */
static int qcmp(const struct sort_ctx *c, size_t a, size_t b)
{
	const char *sa, *na, *sb, *nb;
	c->name_of(c->ctx, a, &sa, &na);
	c->name_of(c->ctx, b, &sb, &nb);
	int r = strcmp(sa ? sa : "", sb ? sb : "");
	return r ? r : strcmp(na, nb);
}

static void merge_sort(const struct sort_ctx *c, size_t *v, size_t *tmp, size_t n)
{
	if (n < 2)
		return;
	size_t h = n / 2;
	merge_sort(c, v, tmp, h);
	merge_sort(c, v + h, tmp, n - h);
	size_t i = 0, j = h, k = 0;
	while (i < h && j < n)
		tmp[k++] = qcmp(c, v[j], v[i]) < 0 ? v[j++] : v[i++];
	while (i < h)
		tmp[k++] = v[i++];
	while (j < n)
		tmp[k++] = v[j++];
	memcpy(v, tmp, n * sizeof(size_t));
}

void cmig_sch_sort_names(size_t *idx, size_t n,
                         void (*name_of)(const void *ctx, size_t i, const char **schema,
                                         const char **name),
                         const void *ctx)
{
	struct sort_ctx c = { name_of, ctx };
	size_t *tmp = malloc((n ? n : 1) * sizeof(size_t));
	if (!tmp) { /* insertion sort needs no memory */
		for (size_t i = 1; i < n; i++)
			for (size_t j = i; j > 0 && qcmp(&c, idx[j], idx[j - 1]) < 0; j--) {
				size_t t = idx[j];
				idx[j] = idx[j - 1];
				idx[j - 1] = t;
			}
		return;
	}
	merge_sort(&c, idx, tmp, n);
	free(tmp);
}
