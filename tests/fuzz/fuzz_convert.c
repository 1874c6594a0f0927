/*
 * fuzz_convert.c - libFuzzer target for model/convert*.c, the value conversions of `cmig
 * copy` (SPEC §9): any bytes, as TEXT and as a BLOB, into every target type of both
 * dialects and through the PostgreSQL source normalization, convert without crashing; an
 * accepted value into text or JSON is valid UTF-8 without NUL (what the target is promised);
 * the value shown in an error message stays within its 80-byte cut.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "convert.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const pg_types[] = {
	"boolean", "jsonb", "json", "timestamp with time zone", "timestamp without time zone",
	"date", "time without time zone", "smallint", "integer", "bigint", "numeric(10,2)",
	"real", "double precision", "bytea", "text", "character varying(5)", "character(3)", "uuid",
};
static const char *const sq_types[] = {
	"BOOLEAN", "JSON", "TIMESTAMP", "DATE", "TIME", "INTEGER", "TEXT", "BLOB", "REAL", "NUMERIC",
};

static void check(const cmig_ctype *t, const cmig_value *in, cmig_buf *scratch)
{
	cmig_value out;
	const char *why = NULL;
	int rc = cmig_convert(&out, t, in, scratch, &why);
	if (rc != 0 && !why)
		abort();
	if (rc == 0 && out.kind == CMIG_V_TEXT &&
	    (t->kind == CMIG_CT_TEXT || t->kind == CMIG_CT_JSON || t->kind == CMIG_CT_JSONB) &&
	    !cmig_convert_utf8_ok(out.p, out.n))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	cmig_buf scratch = CMIG_BUF_INIT, shown = CMIG_BUF_INIT, esc = CMIG_BUF_INIT;
	cmig_value text = { CMIG_V_TEXT, 0, 0, (const char *)data, size };
	cmig_value blob = { CMIG_V_BLOB, 0, 0, (const char *)data, size };
	cmig_value norm;
	const char *why;

	for (size_t i = 0; i < sizeof(pg_types) / sizeof(pg_types[0]); i++) {
		cmig_ctype t = cmig_convert_type_pg(pg_types[i]);
		check(&t, &text, &scratch);
		check(&t, &blob, &scratch);
		if (cmig_convert_from_pg(&norm, &t, (const char *)data, size, &scratch, &why) == 0)
			check(&t, &norm, &shown); /* the normalized value may live in scratch */
	}
	for (size_t i = 0; i < sizeof(sq_types) / sizeof(sq_types[0]); i++) {
		cmig_ctype t = cmig_convert_type_sqlite(sq_types[i]);
		check(&t, &text, &scratch);
	}
	(void)cmig_convert_json_ok((const char *)data, size, true, &why);
	cmig_buf_clear(&shown); /* it served as scratch above: measure the shown value alone */
	if (cmig_convert_show(&shown, &text) == 0 && shown.len > 2 + 4 * 80 + 4)
		abort(); /* at most 80 bytes, each escaped to 4, plus quotes and the ellipsis */
	if (cmig_convert_copy_escape(&esc, (const char *)data, size) == 0 &&
	    (esc.len < size || esc.len > 2 * size))
		abort();
	cmig_buf_release(&scratch);
	cmig_buf_release(&shown);
	cmig_buf_release(&esc);
	return 0;
}
