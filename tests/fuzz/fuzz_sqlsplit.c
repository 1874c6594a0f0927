/*
 * fuzz_sqlsplit.c - libFuzzer target for model/sqlsplit.c, the statement splitter: any input
 * splits without crashing, and every statement lies inside the text, in order.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sqlsplit.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	cmig_stmt_vec v = CMIG_VEC_INIT;
	char *text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (cmig_sqlsplit(&v, text, 0, size, 1) == 0) {
		size_t prev = 0;
		for (size_t i = 0; i < v.n; i++) {
			if (v.items[i].start < prev || v.items[i].end > size || v.items[i].start > v.items[i].end)
				abort();
			prev = v.items[i].end;
		}
	}
	free(v.items);
	free(text);
	return 0;
}
