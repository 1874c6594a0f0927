/*
 * fuzz_table.c - libFuzzer target for batch/table.c and batch/rebuild.c (SPEC §6).
 * The input is "CREATE TABLE …" text, optionally followed by a line "--\n" and ALTER TABLE
 * statements (one per line) on that table. The table is parsed, printed back (an unedited
 * model must print the same text), named with pgnames, and the ALTERs planned against it.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "alter.h"
#include "buf.h"
#include "pgnames.h"
#include "rebuild.h"
#include "table.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void plan(const char *create, const char *name, char *alters)
{
	struct cmig_schema_obj obj = { "table", name, name, create };
	struct cmig_schema s = { &obj, 1 };
	struct cmig_alter a[8];
	const struct cmig_alter *ap[8];
	size_t n = 0;
	cmig_diags d = CMIG_DIAGS_INIT;
	char *line = alters;

	while (line && *line && n < 8) {
		char *nl = strchr(line, '\n');
		if (nl)
			*nl = '\0';
		if (cmig_alter_parse(&a[n], line, 0, strlen(line), "fuzz.sql", 1, &d) == 0) {
			ap[n] = &a[n];
			n++;
		}
		line = nl ? nl + 1 : NULL;
	}
	if (n > 0) {
		struct cmig_rebuild_plan p;
		cmig_buf b = CMIG_BUF_INIT;
		(void)cmig_rebuild_decide(ap, n);
		(void)cmig_rebuild_native(&b, ap[0], &s, NULL, &d);
		if (cmig_rebuild_plan_make(&p, ap, n, &s, NULL, &d) == 0) {
			cmig_rebuild_plan_print(&b, &p);
			cmig_rebuild_plan_release(&p);
		}
		cmig_buf_release(&b);
	}
	for (size_t i = 0; i < n; i++)
		cmig_alter_release(&a[i]);
	cmig_diags_release(&d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1), *sep;
	cmig_diags d = CMIG_DIAGS_INIT;
	struct cmig_table t;
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	sep = strstr(text, "\n--\n");
	if (sep)
		*sep = '\0';
	if (strlen(text) == size || sep) {
		if (cmig_table_parse(&t, text, &d) == 0) {
			cmig_buf b = CMIG_BUF_INIT;
			struct cmig_pgname *v;
			size_t n;
			cmig_table_print(&b, &t, NULL);
			if (cmig_pgnames_assign(&v, &n, &t, NULL, 0) == 0)
				cmig_pgnames_free(v, n);
			if (sep)
				plan(text, t.name, sep + 4);
			cmig_buf_release(&b);
			cmig_table_release(&t);
		}
	}
	cmig_diags_release(&d);
	free(text);
	return 0;
}
