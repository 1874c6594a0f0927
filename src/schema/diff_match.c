/*
 * diff_match.c - the differ's name indexes and pairing by key (see diff_match.h).
 *
 * Keys are built as schema \x1f table \x1f name (\x01 for a NULL part); identifiers never hold
 * those bytes in practice, and a collision would only make two names compare equal that
 * strcmp would have compared equal byte for byte anyway except for those control bytes.
 */
#include "diff_match.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "cmig/cmig.h"

static int key_of(cmig_buf *b, bool fold, const char *schema, const char *table, const char *name)
{
	const char *parts[3] = { schema, table, name };
	for (int k = 0; k < 3; k++) {
		const char *p = parts[k];
		if (k && cmig_buf_putc(b, '\x1f'))
			return CMIG_ENOMEM;
		if (!p) {
			if (cmig_buf_putc(b, '\x01'))
				return CMIG_ENOMEM;
			continue;
		}
		for (; *p; p++) {
			char c = *p;
			if (fold && c >= 'A' && c <= 'Z')
				c = (char)(c - 'A' + 'a');
			if (cmig_buf_putc(b, c))
				return CMIG_ENOMEM;
		}
	}
	return CMIG_OK;
}

int cmig_nameidx_add(struct cmig_nameidx *ix, const char *schema, const char *table,
                     const char *name, size_t pos)
{
	cmig_buf b = CMIG_BUF_INIT;
	char *key;
	int rc = key_of(&b, ix->fold, schema, table, name);
	if (rc) {
		cmig_buf_release(&b);
		return rc;
	}
	key = cmig_arena_strndup(&ix->keys, b.ptr ? b.ptr : "", b.len);
	cmig_buf_release(&b);
	if (!key)
		return CMIG_ENOMEM;
	rc = cmig_strmap_put(&ix->map, key, strlen(key), (void *)(uintptr_t)(pos + 1), NULL);
	return rc < 0 ? CMIG_ENOMEM : CMIG_OK;
}

long cmig_nameidx_find(const struct cmig_nameidx *ix, const char *schema, const char *table,
                       const char *name)
{
	cmig_buf b = CMIG_BUF_INIT;
	void *v = NULL;
	if (ix->map.n && key_of(&b, ix->fold, schema, table, name) == CMIG_OK)
		v = cmig_strmap_get(&ix->map, b.ptr ? b.ptr : "", b.len);
	cmig_buf_release(&b);
	return v ? (long)((uintptr_t)v - 1) : -1;
}

void cmig_nameidx_release(struct cmig_nameidx *ix)
{
	cmig_strmap_release(&ix->map);
	cmig_arena_release(&ix->keys);
}

int cmig_match_by_key(size_t *b_to_a, char *const *ka, size_t na, char *const *kb, size_t nb,
                      bool (*ok)(void *ctx, size_t ia, size_t ib, bool by_name), void *ctx)
{
	/* a's objects with equal keys form a chain in a's order: head in the map, next[] */
	cmig_strmap heads = CMIG_STRMAP_INIT;
	size_t *next = malloc((na + 1) * sizeof(size_t)), *tail = malloc((na + 1) * sizeof(size_t));
	bool *used = calloc(na + 1, 1);
	int rc = CMIG_OK;

	for (size_t i = 0; i < nb; i++)
		b_to_a[i] = (size_t)-1;
	if (!next || !tail || !used) {
		rc = CMIG_ENOMEM;
		goto out;
	}
	for (size_t j = 0; j < na; j++) {
		void *old = NULL;
		int r;
		next[j] = (size_t)-1;
		tail[j] = j;
		if (!ka[j])
			continue;
		r = cmig_strmap_put(&heads, ka[j], strlen(ka[j]), (void *)(uintptr_t)(j + 1), &old);
		if (r < 0) {
			rc = CMIG_ENOMEM;
			goto out;
		}
		if (r == 1) { /* append to the chain of the first one */
			size_t h = (size_t)(uintptr_t)old - 1;
			next[tail[h]] = j;
			tail[h] = j;
		}
	}
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < nb; i++) {
			void *h;
			if (b_to_a[i] != (size_t)-1 || !kb[i] ||
			    !(h = cmig_strmap_get(&heads, kb[i], strlen(kb[i]))))
				continue;
			for (size_t j = (size_t)(uintptr_t)h - 1; j != (size_t)-1; j = next[j])
				if (!used[j] && ok(ctx, j, i, pass == 0)) {
					used[j] = true;
					b_to_a[i] = j;
					break;
				}
		}
out:
	cmig_strmap_release(&heads);
	free(next);
	free(tail);
	free(used);
	return rc;
}
