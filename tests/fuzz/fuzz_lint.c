/*
 * fuzz_lint.c - libFuzzer target for model/lint*.c (SPEC §10): any migration body lints
 * without crashing, leaking or hanging, for both dialects, down sections included, on an old
 * and a current PostgreSQL version. The input is the file after its two header lines.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lint.h"
#include "revfile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char head[] = "-- revision: a\n-- down_revision:\n";
	struct cmig_revfile r;
	const struct cmig_revfile *rp = &r;
	cmig_diags d = CMIG_DIAGS_INIT;
	size_t n = sizeof(head) - 1 + size;
	char *text = malloc(n + 1);
	if (!text)
		return 0;
	memcpy(text, head, sizeof(head) - 1);
	memcpy(text + sizeof(head) - 1, data, size);
	text[n] = '\0';
	memset(&r, 0, sizeof(r));
	if (cmig_revfile_parse(&r, "versions/a_fuzz.sql", NULL, text, n, &d) == CMIG_OK) {
		struct cmig_lint_options o = { CMIG_LINT_SQLITE | CMIG_LINT_POSTGRESQL, CMIG_DIALECT_ANY,
		                               15, false, true, -1 };
		(void)cmig_lint_chain(&rp, 1, &o, &d);
		o.pg_version = 10;
		o.only = CMIG_DIALECT_POSTGRESQL;
		(void)cmig_lint_chain(&rp, 1, &o, &d);
	}
	cmig_revfile_release(&r);
	cmig_diags_release(&d);
	return 0;
}
