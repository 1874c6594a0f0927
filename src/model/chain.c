/*
 * chain.c - parsed migration files -> one linear chain (SPEC §3).
 *
 * Every violation is reported, compiler-style, before returning: duplicate ids, a
 * down_revision naming no file, branches (two revisions following one), cycles, and a chain
 * with no root or more than one. The work is linear in the number of files: one hash map
 * from id to file, one pass linking each file to its parent, one walk over parent pointers
 * to find cycles (every file is visited once), one walk from the root down the child links.
 *
 * Invariants: files arrive in file-name order, so "first" always means first by name; a
 * file whose id repeats an earlier file's id is reported and then left out of the graph (its
 * links would only add noise about a revision that is already an error); a file with no id
 * (it failed to parse that far) is skipped entirely; a file that failed to parse with a NULL
 * down is a root only when its down_revision header says so (empty or none), since a missing
 * or invalid header is the parser's error, not a second root. During the build each file's `index`
 * holds its position in `files` (a scratch slot that avoids a second map); at the end it
 * holds the chain position, or -1.
 *
 * It does not read files or decide what an id may look like: revfile.c does that.
 */
#include "chain.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "text.h"

/* Per-file scratch state, indexed by position in `files`. */
struct node {
	struct cmig_revfile *first_child; /* first child in file-name order */
	size_t walk;                      /* cycle search: 0 unvisited, else the walk number */
	bool in_graph;                    /* has an id and is not a duplicate */
	bool done;                        /* cycle search finished with this node */
};

/* Whether r declares itself the root. A file the parser accepted, or one built by hand
 * (no headers), is the root when its down is NULL. A file that failed to parse may have a
 * NULL down because its down_revision header is missing or invalid: the parser has reported
 * that, and counting the file as a second root would only add a misleading error. */
static bool declares_root(const struct cmig_revfile *r)
{
	if (r->down)
		return false;
	if (r->parsed || r->nheaders == 0)
		return true;
	for (size_t i = r->nheaders; i > 0; i--) {
		const cmig_header *h = &r->headers[i - 1];
		if (h->key && cmig_text_ieq(h->key, "down_revision"))
			return !h->value || !h->value[0] || cmig_text_ieq(h->value, "none");
	}
	return false;
}

static int report_duplicate(const struct cmig_revfile *first, const struct cmig_revfile *again,
                            cmig_diags *d)
{
	return cmig_diag_error(d, again->path, again->id_line, CMIG_ECHAIN, "duplicate",
	                       "duplicate: revision %s is declared by %s and %s", again->id,
	                       first->path, again->path);
}

/* Walk parent links from start. When the walk closes a loop, report the loop once, at the
 * loop's first file in name order: "cycle: a -> b -> a", in the direction revisions follow
 * one another (a parent before its child, like `history`). */
static int find_cycle(struct node *nodes, struct cmig_revfile *start, size_t walk,
                      struct cmig_revfile **list, cmig_diags *d)
{
	struct cmig_revfile *r = start, *first, *loop;
	size_t len = 0, i;
	cmig_buf msg = CMIG_BUF_INIT;
	int rc = CMIG_OK;

	while (r && !nodes[r->index].done && nodes[r->index].walk == 0) {
		nodes[r->index].walk = walk;
		r = r->parent;
	}
	if (r && !nodes[r->index].done && nodes[r->index].walk == walk) {
		/* r is on a loop that this walk found first. Collect it by parent links. */
		loop = r;
		first = r;
		do {
			list[len++] = r;
			if (r->index < first->index)
				first = r;
			r = r->parent;
		} while (r != loop);
		/* list holds the loop child-before-parent starting at `loop`; print it
		 * parent-before-child starting at `first`. */
		for (i = 0; list[i] != first; i++)
			;
		cmig_buf_printf(&msg, "cycle: %s", first->id);
		for (size_t k = 1; k <= len; k++)
			cmig_buf_printf(&msg, " -> %s", list[(i + len - k) % len]->id);
		rc = cmig_diag_error(d, first->path, first->down_line, CMIG_ECHAIN, "cycle", "%s",
		                     msg.ptr);
		cmig_buf_release(&msg);
	}
	for (r = start; r && !nodes[r->index].done; r = r->parent)
		nodes[r->index].done = true;
	return rc;
}

/* 1. ids -> files; a repeated id is reported at the later file. Counts the files that join
 * the graph (*members) and the errors reported. CMIG_OK or CMIG_ENOMEM. */
static int index_ids(struct cmig_chain *out, struct node *nodes, struct cmig_revfile **files,
                     size_t n, size_t *members, size_t *errors, cmig_diags *d)
{
	if (cmig_strmap_reserve(&out->byid, n) != CMIG_OK)
		return CMIG_ENOMEM;
	for (size_t i = 0; i < n; i++) {
		void *prev = NULL;
		struct cmig_revfile *r = files[i];
		int put;
		r->index = (long)i;
		r->parent = NULL;
		r->nchildren = 0;
		if (!r->id)
			continue;
		put = cmig_strmap_put(&out->byid, r->id, strlen(r->id), r, &prev);
		if (put < 0)
			return CMIG_ENOMEM;
		if (put == 1) {
			report_duplicate(prev, r, d);
			(*errors)++;
			continue;
		}
		nodes[i].in_graph = true;
		(*members)++;
	}
	return CMIG_OK;
}

/* 2. parents, branches and roots, in file-name order: the one root, or NULL (then why is
 * reported, unless a file's parent is unknown and its parser said why). */
static struct cmig_revfile *link_parents(const struct cmig_chain *out, struct node *nodes,
                                         struct cmig_revfile **files, size_t n, size_t members,
                                         size_t *errors, cmig_diags *d)
{
	struct cmig_revfile *root = NULL;
	size_t unknown = 0;

	for (size_t i = 0; i < n; i++) {
		struct cmig_revfile *p, *r = files[i];
		if (!nodes[i].in_graph)
			continue;
		if (!r->down) {
			if (!declares_root(r)) {
				unknown++; /* parent unknown: the parser said why */
				continue;
			}
			if (root) {
				cmig_diag_error(d, r->path, r->id_line, CMIG_ECHAIN, "roots",
				                "roots: more than one root: %s (%s) and %s (%s)", root->id,
				                root->path, r->id, r->path);
				(*errors)++;
			} else
				root = r;
			continue;
		}
		p = cmig_strmap_get(&out->byid, r->down, strlen(r->down));
		if (!p) {
			cmig_diag_error(d, r->path, r->down_line, CMIG_ECHAIN, "missing-parent",
			                "missing-parent: %s follows %s, which no file declares", r->id,
			                r->down);
			(*errors)++;
			continue;
		}
		r->parent = p;
		p->nchildren++;
		if (nodes[p->index].first_child) {
			struct cmig_revfile *a = nodes[p->index].first_child;
			cmig_diag_full(d, CMIG_DIAG_ERROR, CMIG_ECHAIN, "branch", a->path, a->down_line, 0,
			               NULL, "Run 'cmig linearize' to put one branch after the other.",
			               "branch: both %s (%s) and %s (%s) follow %s", a->id, a->path,
			               r->id, r->path, p->id);
			(*errors)++;
		} else
			nodes[p->index].first_child = r;
	}
	if (members > 0 && !root && !unknown) {
		cmig_diag_error(d, NULL, 0, CMIG_ECHAIN, "roots",
		                "roots: no root: every revision follows another");
		(*errors)++;
	}
	return root;
}

/* 4. heads (graph members nobody follows), in file-name order. CMIG_OK or CMIG_ENOMEM. */
static int collect_heads(struct cmig_chain *out, const struct node *nodes,
                         struct cmig_revfile **files, size_t n)
{
	size_t nheads = 0;
	for (size_t i = 0; i < n; i++)
		if (nodes[i].in_graph && files[i]->nchildren == 0)
			nheads++;
	if (!nheads)
		return CMIG_OK;
	out->heads = malloc(nheads * sizeof(*out->heads));
	if (!out->heads)
		return CMIG_ENOMEM;
	for (size_t i = 0; i < n; i++)
		if (nodes[i].in_graph && files[i]->nchildren == 0)
			out->heads[out->nheads++] = files[i];
	return CMIG_OK;
}

int cmig_chain_build(struct cmig_chain *out, struct cmig_revfile **files, size_t n, cmig_diags *d)
{
	struct node *nodes = NULL;
	struct cmig_revfile **scratch = NULL, *root = NULL, *r;
	size_t i, members = 0, errors = 0;
	int rc = CMIG_OK;

	memset(out, 0, sizeof(*out));
	if (n == 0) {
		out->ok = true;
		return CMIG_OK;
	}
	nodes = calloc(n, sizeof(*nodes));
	scratch = malloc(n * sizeof(*scratch));
	if (!nodes || !scratch) {
		rc = CMIG_ENOMEM;
		goto done;
	}

	if ((rc = index_ids(out, nodes, files, n, &members, &errors, d)) != CMIG_OK)
		goto done;
	root = link_parents(out, nodes, files, n, members, &errors, d);

	/* 3. cycles: each walk stops at the first node an earlier walk finished, so every
	 * node is stepped on at most twice. */
	for (i = 0; i < n; i++) {
		if (!nodes[i].in_graph || nodes[i].done)
			continue;
		if (find_cycle(nodes, files[i], i + 1, scratch, d) != CMIG_OK)
			errors++;
	}

	if ((rc = collect_heads(out, nodes, files, n)) != CMIG_OK)
		goto done;

	/* 5. the chain itself, root first, when nothing above went wrong. */
	if (errors == 0 && members == 0)
		out->ok = true;
	else if (errors == 0) {
		out->revs = malloc(members * sizeof(*out->revs));
		if (!out->revs) {
			rc = CMIG_ENOMEM;
			goto done;
		}
		for (r = root; r; r = nodes[r->index].first_child)
			out->revs[out->n++] = r;
		/* Without branches, cycles or missing parents every member hangs below the one
		 * root, except files whose parent is unknown (a parse error already says why). */
		out->ok = out->n == members;
	}
	for (i = 0; i < n; i++)
		files[i]->index = -1;
	for (i = 0; i < out->n; i++)
		out->revs[i]->index = (long)i;
	if (!out->ok) {
		free(out->revs);
		out->revs = NULL;
		out->n = 0;
		rc = CMIG_ECHAIN;
	}

done:
	if (rc == CMIG_ENOMEM) {
		for (i = 0; i < n; i++)
			files[i]->index = -1;
		cmig_chain_release(out);
		cmig_diag_error(d, NULL, 0, CMIG_ENOMEM, NULL, "out of memory building the chain");
	}
	free(nodes);
	free(scratch);
	return rc;
}

void cmig_chain_release(struct cmig_chain *c)
{
	if (!c)
		return;
	free(c->revs);
	free(c->heads);
	cmig_strmap_release(&c->byid);
	memset(c, 0, sizeof(*c));
}

long cmig_chain_index(const struct cmig_chain *c, const char *id)
{
	const struct cmig_revfile *r;
	if (!c || !id)
		return -1;
	r = cmig_strmap_get(&c->byid, id, strlen(id));
	return r ? r->index : -1;
}
