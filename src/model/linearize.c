/*
 * linearize.c - untangle branches by re-pointing down_revision headers (see linearize.h).
 *
 * Each round finds a branch point whose child subtrees are all linear, orders its children
 * (created, then file name) and chains the branches one after another. Rounds repeat until
 * nothing branches; each is linear in the number of files.
 */
#include "linearize.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "strmap.h"

struct lin {
	size_t n;
	long *down;          /* current parent index, -1 for a root */
	long *first_child;   /* child lists rebuilt each round */
	long *next_sibling;
	size_t *nchild;
	struct cmig_revfile **files;
};

static void build_children(struct lin *L)
{
	for (size_t i = 0; i < L->n; i++) {
		L->first_child[i] = -1;
		L->nchild[i] = 0;
	}
	for (size_t i = L->n; i-- > 0;) {
		long p = L->down[i];
		if (p >= 0) {
			L->next_sibling[i] = L->first_child[p];
			L->first_child[p] = (long)i;
			L->nchild[p]++;
		}
	}
}

static long head_of(const struct lin *L, long i)
{
	while (L->first_child[i] >= 0)
		i = L->first_child[i];
	return i;
}

/* Whether the subtree under i never branches (iterative, no recursion on long chains). */
static bool linear_below(const struct lin *L, long i)
{
	for (long k = L->first_child[i]; k >= 0; k = L->first_child[k])
		if (L->nchild[k] > 1)
			return false;
	return true;
}

static int cmp_created(const struct cmig_revfile *a, const struct cmig_revfile *b)
{
	/* a revision without `created` sorts after every dated one: unknown is not "oldest" */
	const char *x = a->created ? a->created : "", *y = b->created ? b->created : "";
	int c = (!*x != !*y) ? (*x ? -1 : 1) : strcmp(x, y);
	return c ? c : strcmp(a->name, b->name);
}

static void mark_subtree(const struct lin *L, long i, bool *moved)
{
	for (; i >= 0; i = L->first_child[i])
		moved[i] = true;
}

/* Whether the linear subtree from i holds file keep. */
static bool holds(const struct lin *L, long i, long keep)
{
	for (; i >= 0; i = L->first_child[i])
		if (i == keep)
			return true;
	return false;
}

int cmig_linearize_plan(struct cmig_linearize_result *out, struct cmig_revfile **files, size_t n,
                        long keep, cmig_diags *d)
{
	struct lin L;
	cmig_strmap idx = CMIG_STRMAP_INIT;
	long *kids = NULL;
	int rc = CMIG_OK;

	memset(out, 0, sizeof(*out));
	memset(&L, 0, sizeof(L));
	L.n = n;
	L.files = files;
	L.down = malloc((n + 1) * sizeof(long));
	L.first_child = malloc((n + 1) * sizeof(long));
	L.next_sibling = malloc((n + 1) * sizeof(long));
	L.nchild = malloc((n + 1) * sizeof(size_t));
	kids = malloc((n + 1) * sizeof(long));
	out->moved = calloc(n + 1, sizeof(bool));
	if (!L.down || !L.first_child || !L.next_sibling || !L.nchild || !kids || !out->moved) {
		rc = cmig_diag_oom(d);
		goto done;
	}
	for (size_t i = 0; i < n; i++)
		if (files[i]->id && cmig_strmap_put(&idx, files[i]->id, strlen(files[i]->id),
		                                    (void *)(uintptr_t)(i + 1), NULL) < 0) {
			rc = cmig_diag_oom(d);
			goto done;
		}
	for (size_t i = 0; i < n; i++) {
		size_t p = files[i]->down ? (size_t)(uintptr_t)cmig_strmap_get(&idx, files[i]->down, strlen(files[i]->down)) : 0;
		L.down[i] = p ? (long)p - 1 : -1;
	}
	for (;;) {
		long point = -1;
		size_t nk = 0;
		build_children(&L);
		for (size_t i = 0; i < n && point < 0; i++) {
			if (L.nchild[i] < 2)
				continue;
			bool all_linear = true;
			for (long k = L.first_child[i]; k >= 0 && all_linear; k = L.next_sibling[k])
				all_linear = L.nchild[k] <= 1 && linear_below(&L, k);
			if (all_linear)
				point = (long)i;
		}
		if (point < 0)
			break;
		for (long k = L.first_child[point]; k >= 0; k = L.next_sibling[k])
			kids[nk++] = k;
		/* order the branches: insertion sort, branch points have few children */
		for (size_t a = 1; a < nk; a++)
			for (size_t b = a; b > 0 && cmp_created(files[kids[b]], files[kids[b - 1]]) < 0; b--) {
				long t = kids[b];
				kids[b] = kids[b - 1];
				kids[b - 1] = t;
			}
		/* --keep: the branch holding it goes first, the others keep their order */
		for (size_t a = 1; keep >= 0 && a < nk; a++)
			if (holds(&L, kids[a], keep)) {
				long t = kids[a];
				memmove(&kids[1], &kids[0], a * sizeof(*kids));
				kids[0] = t;
				break;
			}
		for (size_t a = 1; a < nk; a++) {
			mark_subtree(&L, kids[a], out->moved);
			L.down[kids[a]] = head_of(&L, kids[a - 1]);
			/* keep child lists true for the next head_of: kids[a] now hangs below it */
			L.first_child[L.down[kids[a]]] = kids[a];
		}
	}
	for (size_t i = 0; i < n; i++) {
		const char *now = L.down[i] >= 0 ? files[L.down[i]]->id : NULL;
		const char *was = files[i]->down;
		if ((now == NULL) != (was == NULL) || (now && strcmp(now, was))) {
			struct cmig_linearize_move *m = realloc(out->moves, (out->nmoves + 1) * sizeof(*m));
			if (!m) {
				rc = cmig_diag_oom(d);
				goto done;
			}
			out->moves = m;
			m[out->nmoves].rev = files[i];
			m[out->nmoves].old_down = was;
			m[out->nmoves].new_down = now;
			out->nmoves++;
		}
	}
done:
	free(L.down);
	free(L.first_child);
	free(L.next_sibling);
	free(L.nchild);
	free(kids);
	cmig_strmap_release(&idx);
	return rc;
}

void cmig_linearize_release(struct cmig_linearize_result *r)
{
	free(r->moves);
	free(r->moved);
	memset(r, 0, sizeof(*r));
}

char *cmig_linearize_rewrite(const struct cmig_revfile *r, const char *new_down, size_t *len_out)
{
	const char *t = r->text, *line = t, *end = t + r->len;
	unsigned no = 1;
	cmig_buf b = CMIG_BUF_INIT;

	*len_out = 0;
	while (no < r->down_line && line < end) {
		const char *nl = memchr(line, '\n', (size_t)(end - line));
		if (!nl)
			return NULL;
		line = nl + 1;
		no++;
	}
	const char *colon = memchr(line, ':', (size_t)(end - line));
	const char *eol = memchr(line, '\n', (size_t)(end - line));
	if (!eol)
		eol = end;
	if (!colon || colon > eol)
		return NULL;
	const char *v = colon + 1, *vend = eol;
	while (v < eol && (*v == ' ' || *v == '\t'))
		v++;
	while (vend > v && (vend[-1] == '\r' || vend[-1] == ' ' || vend[-1] == '\t'))
		vend--;
	/* keep "-- down_revision:" and the blank after it, swap only the value */
	if (v == colon + 1)
		v = colon + 1; /* no blank was there: add one below */
	if (cmig_buf_add(&b, t, (size_t)(v - t)) ||
	    (v == colon + 1 && cmig_buf_putc(&b, ' ')) ||
	    cmig_buf_puts(&b, new_down ? new_down : "") ||
	    cmig_buf_add(&b, vend, (size_t)(end - vend))) {
		cmig_buf_release(&b);
		return NULL;
	}
	*len_out = b.len;
	return cmig_buf_detach(&b);
}
