/*
 * fuzz_alter.c - libFuzzer target for batch/alter.c, the ALTER TABLE parser (SPEC §6).
 * Any input: parse it as one statement, describe the result; never crash, leak or hang.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "alter.h"
#include "buf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	cmig_diags d = CMIG_DIAGS_INIT;
	struct cmig_alter a;
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (cmig_alter_parse(&a, text, 0, size, "fuzz.sql", 1, &d) == 0) {
		cmig_buf b = CMIG_BUF_INIT;
		cmig_alter_describe(&b, &a);
		(void)cmig_alter_is_rename(&a);
		cmig_buf_release(&b);
		cmig_alter_release(&a);
	}
	cmig_diags_release(&d);
	free(text);
	return 0;
}
