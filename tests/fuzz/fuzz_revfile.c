/*
 * fuzz_revfile.c - libFuzzer target for model/revfile.c, the migration file parser (SPEC §2):
 * any bytes parse or report, without crashing, leaking or hanging.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "revfile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cmig_revfile r;
	cmig_diags d = CMIG_DIAGS_INIT;
	char *text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	memset(&r, 0, sizeof(r));
	/* ownership of text moves into r, even on error */
	(void)cmig_revfile_parse(&r, "versions/abc_fuzz.sql", "abc_fuzz.sql", text, size, &d);
	cmig_revfile_release(&r);
	cmig_diags_release(&d);
	return 0;
}
