/*
 * fuzz_revfile.c - libFuzzer target for model/revfile.c, the migration file parser (SPEC §2):
 * any bytes parse or report, without crashing, leaking or hanging; and the lean parse of the
 * same bytes (issue 11: no text kept), once loaded again, is the full parse: same result,
 * ids, headers, sections, checksums and statements (abort() otherwise).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "revfile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct bytes_source {
	struct cmig_revsource base;
	const uint8_t *data;
	size_t size;
};

static int read_bytes(const struct cmig_revsource *src, const struct cmig_revfile *r,
                      cmig_buf *out, cmig_diags *d)
{
	const struct bytes_source *s = (const struct bytes_source *)(const void *)src;
	(void)r;
	(void)d;
	return cmig_buf_add(out, (const char *)s->data, s->size) ? CMIG_ENOMEM : CMIG_OK;
}

static int same_str(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

static void compare(const struct cmig_revfile *full, const struct cmig_revfile *lean)
{
	if (!same_str(full->id, lean->id) || !same_str(full->down, lean->down) ||
	    !same_str(full->message, lean->message) || full->nheaders != lean->nheaders ||
	    full->parsed != lean->parsed || full->len != lean->len)
		abort();
	for (unsigned i = 0; i < full->nheaders; i++)
		if (strcmp(full->headers[i].key, lean->headers[i].key) ||
		    strcmp(full->headers[i].value, lean->headers[i].value))
			abort();
	for (int dir = 0; dir < 2; dir++)
		for (int k = 0; k < CMIG_REVFILE_NSECT; k++) {
			const cmig_section *x = full->sections[dir][k], *y = lean->sections[dir][k];
			if (!x != !y)
				abort();
			if (!x)
				continue;
			char a[65], b[65];
			if (x->body_start != y->body_start || x->body_end != y->body_end ||
			    x->flags != y->flags || !y->hashed ||
			    strcmp(cmig_revfile_checksum(a, full, x), cmig_revfile_checksum(b, lean, y)) ||
			    x->stmts.n != y->stmts.n || (x->stmts.n && !y->stmts.items))
				abort();
			for (size_t i = 0; i < x->stmts.n; i++)
				if (x->stmts.items[i].start != y->stmts.items[i].start ||
				    x->stmts.items[i].end != y->stmts.items[i].end)
					abort();
		}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cmig_revfile r, lean;
	struct bytes_source src = { { read_bytes }, data, size };
	cmig_diags d = CMIG_DIAGS_INIT;
	char *text = malloc(size + 1);
	int rc, lean_rc;
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	memset(&r, 0, sizeof(r));
	/* ownership of text moves into r, even on error */
	rc = cmig_revfile_parse(&r, "versions/abc_fuzz.sql", "abc_fuzz.sql", text, size, &d);
	lean_rc = cmig_revfile_parse_lean(&lean, "versions/abc_fuzz.sql", "abc_fuzz.sql",
	                                  (const char *)data, size, &src.base, &d);
	if (rc != lean_rc || lean.text)
		abort();
	if (rc != CMIG_ENOMEM) {
		if (cmig_revfile_load(&lean, &d) != CMIG_OK || !lean.text || memcmp(lean.text, data, size))
			abort();
		compare(&r, &lean);
	}
	cmig_revfile_release(&lean);
	cmig_revfile_release(&r);
	cmig_diags_release(&d);
	return 0;
}
