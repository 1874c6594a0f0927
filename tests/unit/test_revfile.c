/* test_revfile.c - parsing one migration file (src/model/revfile.c), SPEC §2 and the
 * checksum of SPEC §4.
 *
 * Data-driven part: every tests/data/revfile/NNN-name.sql is parsed (name NULL: no file-name
 * check) and described as below, then compared with NNN-name.expected (written by hand):
 *     result<TAB>ok|error
 *     revision<TAB>id or -<TAB>down_revision or -
 *     header<TAB>line<TAB>key<TAB>value                         (headers[], in order)
 *     diag<TAB>line<TAB>error|warning<TAB>kind<TAB>message      (in the order reported)
 *     section<TAB>up|down<TAB>any|sqlite|postgresql<TAB>transaction:true|false<TAB>
 *         marker N<TAB>body N<TAB>statements N                  (up then down, any/sqlite/pg)
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "revfile.h"

#include "datacase.h"

#define DATA_DIR CMIG_TEST_DATA "/revfile"

static const char *const dialect_names[] = { "any", "sqlite", "postgresql" };

/* Parse a copy of text[0, len) (the parser takes ownership of its text). */
static int parse_n(struct cmig_revfile *r, cmig_diags *d, const char *name, const char *text,
                   size_t len)
{
	char *copy = malloc(len + 1);
	assert_non_null(copy);
	memcpy(copy, text, len);
	copy[len] = '\0';
	return cmig_revfile_parse(r, "versions/x.sql", name, copy, len, d);
}

static int parse(struct cmig_revfile *r, cmig_diags *d, const char *name, const char *text)
{
	return parse_n(r, d, name, text, strlen(text));
}

static void describe(cmig_buf *out, int rc, const struct cmig_revfile *r, const cmig_diags *d)
{
	cmig_buf_printf(out, "result\t%s\n", rc == 0 ? "ok" : "error");
	cmig_buf_printf(out, "revision\t%s\t%s\n", r->id ? r->id : "-", r->down ? r->down : "-");
	for (size_t i = 0; i < r->nheaders; i++)
		cmig_buf_printf(out, "header\t%u\t%s\t%s\n", r->headers[i].line, r->headers[i].key,
		                r->headers[i].value);
	for (size_t i = 0; i < d->n; i++)
		cmig_buf_printf(out, "diag\t%u\t%s\t%s\t%s\n", d->items[i].line,
		                d->items[i].severity == CMIG_DIAG_ERROR ? "error" : "warning",
		                d->items[i].kind ? d->items[i].kind : "-", d->items[i].message);
	for (int dir = 0; dir < 2; dir++)
		for (int k = 0; k < CMIG_REVFILE_NSECT; k++) {
			const cmig_section *s = r->sections[dir][k];
			if (!s)
				continue;
			cmig_buf_printf(out, "section\t%s\t%s\ttransaction:%s\tmarker %u\tbody %u\t"
			                "statements %zu\n", dir == CMIG_UP ? "up" : "down",
			                dialect_names[k], s->transactional ? "true" : "false",
			                s->marker_line, s->body_line, s->stmts.n);
		}
}

/* The parser takes the case's text; its diagnostics name the case and a line. */
static void parse_case(struct datacase *c, void *payload)
{
	struct cmig_revfile r;
	cmig_diags d = CMIG_DIAGS_INIT;
	int rc;
	(void)payload;
	rc = cmig_revfile_parse(&r, c->name, NULL, c->text, c->len, &d);
	c->text = NULL;
	describe(&c->got, rc, &r, &d);
	for (size_t j = 0; j < d.n; j++) {
		assert_string_equal(d.items[j].path, c->name);
		assert_true(d.items[j].line >= 1);
	}
	assert_int_equal(r.parsed, rc == 0);
	cmig_diags_release(&d);
	cmig_revfile_release(&r);
}

/* SPEC §2: every case of tests/data/revfile */
static void test_revfile_data_cases(void **state)
{
	(void)state;
	assert_true(datacase_run(DATA_DIR, ".sql", parse_case, NULL) >= 15);
}

/* ---- lean files (issue 11): the text is dropped after the parse and read again ---------- */

/* A cmig_revsource over a string the test can change between parse and load. */
struct fake_source {
	struct cmig_revsource base;
	const char *bytes;
	size_t len;
	int reads;
	bool fail;
};

static int fake_read(const struct cmig_revsource *src, const struct cmig_revfile *r,
                     cmig_buf *out, cmig_diags *d)
{
	struct fake_source *f = (struct fake_source *)(uintptr_t)src;
	f->reads++;
	if (f->fail)
		return cmig_diag_error(d, r->path, 0, CMIG_ERROR, "parse", "cannot read file: gone");
	return cmig_buf_add(out, f->bytes, f->len) ? CMIG_ENOMEM : CMIG_OK;
}

/* The lean parse reports exactly what the full one does: every data case again. */
static void parse_case_lean(struct datacase *c, void *payload)
{
	struct cmig_revfile r;
	cmig_diags d = CMIG_DIAGS_INIT;
	struct fake_source src = { { fake_read }, c->text, c->len, 0, false };
	int rc;
	(void)payload;
	rc = cmig_revfile_parse_lean(&r, c->name, NULL, c->text, c->len, &src.base, &d);
	describe(&c->got, rc, &r, &d);
	assert_null(r.text);
	assert_int_equal(src.reads, 0);
	cmig_diags_release(&d);
	cmig_revfile_release(&r);
}

static void test_revfile_data_cases_lean(void **state)
{
	(void)state;
	assert_true(datacase_run(DATA_DIR, ".sql", parse_case_lean, NULL) >= 15);
}

/* A lean file keeps headers, section bounds, flags and checksums, in one block with its
 * strings, and no text or statements; a load reads the same bytes and gives it the text and
 * the statements of a full parse. */
static void test_revfile_lean_then_load(void **state)
{
	static const char text[] =
		"-- revision: abc\n-- down_revision: 1a2b\n-- message: add t\n-- source: x\n"
		"-- migrate:up\nCREATE TABLE t (id INTEGER);\nALTER TABLE t ADD COLUMN v TEXT;\n"
		"-- migrate:down\nDROP TABLE t;\n";
	struct fake_source src = { { fake_read }, text, sizeof(text) - 1, 0, false };
	struct cmig_revfile lean, full;
	cmig_diags d = CMIG_DIAGS_INIT;
	char a[65], b[65];

	(void)state;
	assert_int_equal(cmig_revfile_parse_lean(&lean, "versions/abc_t.sql", "abc_t.sql", text,
	                                         sizeof(text) - 1, &src.base, &d), CMIG_OK);
	assert_int_equal(parse(&full, &d, "abc_t.sql", text), CMIG_OK);
	/* the unknown `source` header, once a parse */
	assert_int_equal(d.n, 2);
	assert_string_equal(d.items[0].message, "unknown header 'source' (kept and ignored)");
	assert_string_equal(d.items[1].message, d.items[0].message);
	cmig_diags_release(&d);
	assert_null(lean.text);
	assert_int_equal(lean.len, full.len);
	assert_string_equal(lean.path, "versions/abc_t.sql");
	assert_string_equal(lean.name, "abc_t.sql");
	assert_ptr_equal(lean.name, lean.path + strlen("versions/"));   /* one copy of the name */
	assert_string_equal(lean.id, "abc");
	assert_string_equal(lean.down, "1a2b");
	assert_string_equal(lean.message, "add t");
	assert_string_equal(lean.created, "");
	assert_int_equal(lean.nheaders, 4);
	assert_ptr_equal(lean.id, lean.headers[0].value);               /* not a second copy */
	assert_string_equal(lean.headers[3].key, "source");
	/* every string lies in the block, after the sections and headers */
	assert_true(lean.path > (char *)lean.block && lean.headers[3].value > lean.path);
	assert_ptr_equal(lean.block, lean.sections[CMIG_UP][CMIG_DIALECT_ANY]);
	for (int dir = 0; dir < 2; dir++) {
		const cmig_section *x = lean.sections[dir][0], *y = full.sections[dir][0];
		assert_non_null(x);
		assert_true(x->hashed);      /* lean: hashed while the text was there */
		assert_false(y->hashed);     /* kept: hashed when asked */
		assert_null(x->stmts.items);
		assert_int_equal(x->stmts.n, y->stmts.n);
		assert_int_equal(x->body_start, y->body_start);
		assert_int_equal(x->flags, y->flags);
		assert_string_equal(cmig_revfile_checksum(a, &lean, x), cmig_revfile_checksum(b, &full, y));
	}
	assert_true(lean.sections[CMIG_UP][0]->flags & CMIG_STMT_ALTER_TABLE);
	assert_false(lean.sections[CMIG_DOWN][0]->flags & CMIG_STMT_ALTER_TABLE);

	assert_int_equal(cmig_revfile_load(&lean, &d), CMIG_OK);
	assert_int_equal(src.reads, 1);
	assert_non_null(lean.text);
	assert_memory_equal(lean.text, text, sizeof(text));
	for (int dir = 0; dir < 2; dir++) {
		const cmig_section *x = lean.sections[dir][0], *y = full.sections[dir][0];
		assert_non_null(x->stmts.items);
		for (size_t i = 0; i < y->stmts.n; i++) {
			assert_int_equal(x->stmts.items[i].start, y->stmts.items[i].start);
			assert_int_equal(x->stmts.items[i].end, y->stmts.items[i].end);
			assert_int_equal(x->stmts.items[i].line, y->stmts.items[i].line);
		}
	}
	/* loaded once: a second load reads nothing, even if the file changes afterwards */
	src.bytes = "changed";
	assert_int_equal(cmig_revfile_load(&lean, &d), CMIG_OK);
	assert_int_equal(src.reads, 1);
	/* a kept text needs no load */
	assert_int_equal(cmig_revfile_load(&full, &d), CMIG_OK);
	assert_int_equal(d.n, 0);
	cmig_diags_release(&d);
	cmig_revfile_release(&lean);
	cmig_revfile_release(&full);
}

/* Any change between the parse and the load is refused, with the path and nothing loaded:
 * other bytes of the same length, another length, a missing file; the same bytes again
 * (a file restored) load. */
static void test_revfile_lean_changed_is_refused(void **state)
{
	static const char text[] =
		"-- revision: abc\n-- down_revision:\n-- migrate:up\nCREATE TABLE t1 (id INTEGER);\n"
		"-- migrate:down\nDROP TABLE t1;\n";
	static const char same_len[] =
		"-- revision: abc\n-- down_revision:\n-- migrate:up\nCREATE TABLE t2 (id INTEGER);\n"
		"-- migrate:down\nDROP TABLE t1;\n";
	static const char header_only[] =
		"-- revision: abc\n-- down_revision:\n-- migrate:up\nCREATE TABLE t1 (id INTEGER);\n"
		"-- migrate:down\nDROP TABLE t1;\n\n";
	struct fake_source src = { { fake_read }, NULL, 0, 0, false };
	struct cmig_revfile r;
	cmig_diags d = CMIG_DIAGS_INIT;
	const char *variants[] = { same_len, header_only };

	(void)state;
	assert_int_equal(sizeof(same_len), sizeof(text));
	assert_int_equal(cmig_revfile_parse_lean(&r, "versions/abc.sql", "abc.sql", text,
	                                         sizeof(text) - 1, &src.base, &d), CMIG_OK);
	for (size_t i = 0; i < 2; i++) {
		src.bytes = variants[i];
		src.len = strlen(variants[i]);
		assert_int_equal(cmig_revfile_load(&r, &d), CMIG_ERROR);
		assert_int_equal(d.n, 1);
		assert_string_equal(d.items[0].path, "versions/abc.sql");
		assert_string_equal(d.items[0].message, "file changed while cmig was running");
		assert_int_equal(d.items[0].severity, CMIG_DIAG_ERROR);
		assert_null(r.text);
		assert_null(r.sections[CMIG_UP][0]->stmts.items);
		cmig_diags_release(&d);
	}
	src.fail = true;
	assert_int_equal(cmig_revfile_load(&r, &d), CMIG_ERROR);
	assert_int_equal(d.n, 1);
	assert_string_equal(d.items[0].message, "cannot read file: gone");
	assert_null(r.text);
	cmig_diags_release(&d);
	src.fail = false;
	src.bytes = text;
	src.len = sizeof(text) - 1;
	assert_int_equal(cmig_revfile_load(&r, &d), CMIG_OK);
	assert_int_equal(d.n, 0);
	assert_non_null(r.sections[CMIG_UP][0]->stmts.items);
	assert_int_equal(src.reads, 4);
	cmig_diags_release(&d);
	cmig_revfile_release(&r);
}

static const char BASIC[] =
	"-- revision: abc\n"
	"-- down_revision: 1a2b\n"
	"-- message:   add t  \n"
	"-- created: 2026-11-22T10:15:00Z\n"
	"-- author: me\n"
	"\n"
	"-- migrate:up\n"
	"CREATE TABLE t (id INTEGER);\n"
	"-- migrate:down\n"
	"DROP TABLE t;\n";

/* SPEC §2 headers: values trimmed, unknown keys kept, lines recorded */
static void test_revfile_headers(void **state)
{
	struct cmig_revfile r;
	cmig_diags d = CMIG_DIAGS_INIT;

	(void)state;
	assert_int_equal(parse(&r, &d, "abc_add_t.sql", BASIC), CMIG_OK);
	assert_true(r.parsed);
	assert_string_equal(r.id, "abc");
	assert_string_equal(r.down, "1a2b");
	assert_true(r.down_present);
	assert_string_equal(r.message, "add t");
	assert_string_equal(r.created, "2026-11-22T10:15:00Z");
	assert_int_equal(r.id_line, 1);
	assert_int_equal(r.down_line, 2);
	assert_int_equal(r.created_line, 4);
	assert_string_equal(r.path, "versions/x.sql");
	assert_string_equal(r.name, "abc_add_t.sql");
	assert_int_equal(r.index, -1);
	assert_null(r.parent);
	assert_int_equal(r.nheaders, 5);
	assert_string_equal(r.headers[4].key, "author");
	assert_string_equal(r.headers[4].value, "me");
	assert_int_equal(r.headers[4].line, 5);
	assert_int_equal(d.errors, 0);
	assert_int_equal(d.warnings, 1);
	assert_string_equal(d.items[0].kind, "unknown-header");
	assert_int_equal(d.items[0].line, 5);
	cmig_diags_release(&d);
	cmig_revfile_release(&r);
}

/* SPEC §2: down_revision empty or none (any case) is the root */
static void test_revfile_root(void **state)
{
	const char *forms[] = { "-- down_revision:\n", "-- down_revision: none\n",
	                        "-- down_revision: None  \n", "-- down_revision:\t\n" };
	(void)state;
	for (size_t i = 0; i < sizeof(forms) / sizeof(*forms); i++) {
		struct cmig_revfile r;
		cmig_diags d = CMIG_DIAGS_INIT;
		cmig_buf b = CMIG_BUF_INIT;
		cmig_buf_printf(&b, "-- revision: r1\n%s-- migrate:up\n-- migrate:down\n", forms[i]);
		assert_int_equal(parse(&r, &d, "r1.sql", b.ptr), CMIG_OK);
		assert_null(r.down);
		assert_true(r.down_present);
		assert_string_equal(r.message, "");
		assert_string_equal(r.created, "");
		assert_int_equal(d.n, 0);
		cmig_diags_release(&d);
		cmig_revfile_release(&r);
		cmig_buf_release(&b);
	}
}

/* SPEC §4: the checksum is SHA-256 of the section bytes; values from sha256sum(1):
 *   printf 'CREATE TABLE t (id INTEGER);\n' | sha256sum
 *   printf 'DROP TABLE t;\n' | sha256sum
 *   printf 'DROP TABLE t;' | sha256sum
 *   printf '' | sha256sum */
static void test_revfile_checksum_known_bodies(void **state)
{
	struct cmig_revfile r;
	cmig_diags d = CMIG_DIAGS_INIT;
	const cmig_section *up, *down;

	(void)state;
	assert_int_equal(parse(&r, &d, "abc_x.sql", BASIC), CMIG_OK);
	up = cmig_revfile_section(&r, CMIG_UP, CMIG_DIALECT_SQLITE);
	down = cmig_revfile_section(&r, CMIG_DOWN, CMIG_DIALECT_POSTGRESQL);
	assert_non_null(up);
	assert_non_null(down);
	assert_string_equal(cmig_revfile_checksum((char[65]){ 0 }, &r, up),
	                    "cb7bba9473513daa6e6daf9337f9d5822cbc95cac71c944b6bf85958041038e1");
	assert_string_equal(cmig_revfile_checksum((char[65]){ 0 }, &r, down),
	                    "2b7ffedb74b81e66d9bf4a83e5d7eb5ef17380c664415459a009e2827d6b9dbd");
	assert_int_equal(up->marker_line, 7);
	assert_int_equal(up->body_line, 8);
	assert_memory_equal(r.text + up->body_start, "CREATE TABLE t (id INTEGER);\n-- migrate:down",
	                    44);
	assert_int_equal(up->body_end - up->body_start, 29);
	assert_int_equal(down->body_end, r.len);
	assert_int_equal(up->stmts.n, 1);
	assert_int_equal(up->stmts.items[0].line, 8);
	assert_int_equal(down->stmts.items[0].line, 10);
	cmig_diags_release(&d);
	cmig_revfile_release(&r);

	/* no newline at the end of the file; an empty section; a marker on the last line */
	assert_int_equal(parse(&r, &d, "abc.sql", "-- revision: abc\n-- down_revision:\n"
	                       "-- migrate:up\n-- migrate:down\nDROP TABLE t;"), CMIG_OK);
	assert_string_equal(cmig_revfile_checksum((char[65]){ 0 }, &r, r.sections[CMIG_UP][0]),
	                    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	assert_string_equal(cmig_revfile_checksum((char[65]){ 0 }, &r, r.sections[CMIG_DOWN][0]),
	                    "25dbe681998eeb28652fb3a57b6f0f1b4c66046d0f170f9cecfe9a2c1ec48a9a");
	cmig_revfile_release(&r);
	assert_int_equal(parse(&r, &d, "abc.sql", "-- revision: abc\n-- down_revision:\n"
	                       "-- migrate:up\nSELECT 1;\n-- migrate:down"), CMIG_OK);
	assert_int_equal(r.sections[CMIG_DOWN][0]->body_start, r.len);
	assert_int_equal(r.sections[CMIG_DOWN][0]->body_end, r.len);
	assert_string_equal(cmig_revfile_checksum((char[65]){ 0 }, &r, r.sections[CMIG_DOWN][0]),
	                    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	assert_int_equal(d.n, 0);
	cmig_diags_release(&d);
	cmig_revfile_release(&r);
}

/* SPEC §2/§4: CRLF line ends (and a BOM, trailing blanks) are accepted, and the checksum is
 * that of the LF twin */
static void test_revfile_crlf_twin_same_checksum(void **state)
{
	static const char lf[] =
		"-- revision: abc\n-- down_revision:\n-- migrate:up\n"
		"CREATE TABLE t (\n  id INTEGER\n);\n\nINSERT INTO t VALUES (1);\n"
		"-- migrate:down\nDROP TABLE t;\n";
	static const char crlf[] =
		"\xEF\xBB\xBF-- revision: abc  \r\n-- down_revision: \t\r\n-- migrate:up \r\n"
		"CREATE TABLE t (\r\n  id INTEGER\r\n);\r\n\r\nINSERT INTO t VALUES (1);\r\n"
		"-- migrate:down\t\r\nDROP TABLE t;\r\n";
	struct cmig_revfile a, b;
	cmig_diags d = CMIG_DIAGS_INIT;

	(void)state;
	assert_int_equal(parse(&a, &d, "abc_t.sql", lf), CMIG_OK);
	assert_int_equal(parse(&b, &d, "abc_t.sql", crlf), CMIG_OK);
	assert_int_equal(d.n, 0);
	assert_string_equal(b.id, "abc");
	assert_null(b.down);
	for (int dir = 0; dir < 2; dir++) {
		const cmig_section *x = a.sections[dir][0], *y = b.sections[dir][0];
		assert_true(x && y && x->present && y->present);
		assert_string_equal(cmig_revfile_checksum((char[65]){ 0 }, &a, x), cmig_revfile_checksum((char[65]){ 0 }, &b, y));
		assert_int_equal(x->marker_line, y->marker_line);
		assert_int_equal(x->stmts.n, y->stmts.n);
		for (size_t i = 0; i < x->stmts.n; i++)
			assert_int_equal(x->stmts.items[i].line, y->stmts.items[i].line);
	}
	assert_int_equal(a.sections[CMIG_UP][0]->stmts.items[1].line, 8);
	cmig_diags_release(&d);
	cmig_revfile_release(&a);
	cmig_revfile_release(&b);
}

/* SPEC §2: dialect sections win over the unmarked one on their backend */
static void test_revfile_section_choice(void **state)
{
	struct cmig_revfile r;
	cmig_diags d = CMIG_DIAGS_INIT;

	(void)state;
	assert_int_equal(parse(&r, &d, "abc.sql",
	                       "-- revision: abc\n-- down_revision:\n"
	                       "-- migrate:up\nSELECT 'any';\n"
	                       "-- migrate:up dialect:postgresql transaction:false\nSELECT 'pg';\n"
	                       "-- migrate:down dialect:sqlite\nSELECT 'lite';\n"), CMIG_OK);
	assert_ptr_equal(cmig_revfile_section(&r, CMIG_UP, CMIG_DIALECT_POSTGRESQL),
	                 r.sections[CMIG_UP][CMIG_DIALECT_POSTGRESQL]);
	assert_false(cmig_revfile_section(&r, CMIG_UP, CMIG_DIALECT_POSTGRESQL)->transactional);
	assert_ptr_equal(cmig_revfile_section(&r, CMIG_UP, CMIG_DIALECT_SQLITE),
	                 r.sections[CMIG_UP][CMIG_DIALECT_ANY]);
	assert_ptr_equal(cmig_revfile_section(&r, CMIG_UP, CMIG_DIALECT_ANY),
	                 r.sections[CMIG_UP][CMIG_DIALECT_ANY]);
	assert_ptr_equal(cmig_revfile_section(&r, CMIG_DOWN, CMIG_DIALECT_SQLITE),
	                 r.sections[CMIG_DOWN][CMIG_DIALECT_SQLITE]);
	/* a down section exists, but none this backend can run */
	assert_null(cmig_revfile_section(&r, CMIG_DOWN, CMIG_DIALECT_POSTGRESQL));
	assert_null(cmig_revfile_section(&r, CMIG_DOWN, CMIG_DIALECT_ANY));
	assert_true(cmig_revfile_has_direction(&r, CMIG_DOWN));
	assert_true(cmig_revfile_has_direction(&r, CMIG_UP));
	assert_int_equal(r.sections[CMIG_UP][CMIG_DIALECT_POSTGRESQL]->direction, CMIG_UP);
	assert_int_equal(r.sections[CMIG_DOWN][CMIG_DIALECT_SQLITE]->direction, CMIG_DOWN);
	assert_int_equal(r.sections[CMIG_DOWN][CMIG_DIALECT_SQLITE]->dialect, CMIG_DIALECT_SQLITE);
	/* only the sections the file has, packed in one block, statements without spare slots */
	assert_null(r.sections[CMIG_UP][CMIG_DIALECT_SQLITE]);
	assert_null(r.sections[CMIG_DOWN][CMIG_DIALECT_ANY]);
	assert_null(r.sections[CMIG_DOWN][CMIG_DIALECT_POSTGRESQL]);
	assert_ptr_equal(r.block, r.sections[CMIG_UP][CMIG_DIALECT_ANY]);
	assert_ptr_equal(r.sections[CMIG_UP][CMIG_DIALECT_POSTGRESQL], r.sections[CMIG_UP][CMIG_DIALECT_ANY] + 1);
	assert_ptr_equal(r.sections[CMIG_DOWN][CMIG_DIALECT_SQLITE], r.sections[CMIG_UP][CMIG_DIALECT_ANY] + 2);
	for (int dir = 0; dir < 2; dir++)
		for (int k = 0; k < CMIG_REVFILE_NSECT; k++)
			if (r.sections[dir][k]) {
				assert_int_equal(r.sections[dir][k]->stmts.n, 1);
				assert_int_equal(r.sections[dir][k]->stmts.cap, 1);
			}
	assert_ptr_equal(r.sections[CMIG_UP][CMIG_DIALECT_ANY]->stmts.items,
	                 (const cmig_stmt *)(r.sections[CMIG_UP][CMIG_DIALECT_ANY] + 3));
	assert_string_equal(r.text + r.sections[CMIG_UP][CMIG_DIALECT_POSTGRESQL]->stmts.items[0].start,
	                    "SELECT 'pg';\n-- migrate:down dialect:sqlite\nSELECT 'lite';\n");
	/* a dialect-only down section still counts: no no-down warning */
	assert_int_equal(d.n, 0);
	cmig_diags_release(&d);
	cmig_revfile_release(&r);

	assert_int_equal(parse(&r, &d, "abc.sql", "-- revision: abc\n-- down_revision:\n"
	                       "-- migrate:up\n"), CMIG_OK);
	assert_false(cmig_revfile_has_direction(&r, CMIG_DOWN));
	assert_null(cmig_revfile_section(&r, CMIG_DOWN, CMIG_DIALECT_SQLITE));
	assert_int_equal(d.warnings, 1);
	assert_string_equal(d.items[0].kind, "no-down");
	assert_int_equal(d.items[0].line, 1);
	cmig_diags_release(&d);
	cmig_revfile_release(&r);
}

/* SPEC §2: the file name begins with <revision>_ or is <revision>.sql */
static void test_revfile_filename(void **state)
{
	static const char text[] = "\n-- revision: abc\n-- down_revision:\n-- migrate:up\n"
	                           "-- migrate:down\n";
	const char *good[] = { "abc_add_t.sql", "abc.sql", "abc_.sql" };
	const char *bad[] = { "abcd_add.sql", "ab_c.sql", "abc.sqlx", "abc", "x_abc.sql", "ABC_t.sql" };
	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(*good); i++) {
		struct cmig_revfile r;
		cmig_diags d = CMIG_DIAGS_INIT;
		assert_int_equal(parse(&r, &d, good[i], text), CMIG_OK);
		assert_int_equal(d.n, 0);
		cmig_diags_release(&d);
		cmig_revfile_release(&r);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		struct cmig_revfile r;
		cmig_diags d = CMIG_DIAGS_INIT;
		assert_int_equal(parse(&r, &d, bad[i], text), CMIG_ERROR);
		assert_false(r.parsed);
		assert_string_equal(r.id, "abc");    /* still usable by the chain builder */
		assert_int_equal(d.n, 1);
		assert_int_equal(d.errors, 1);
		assert_string_equal(d.items[0].kind, "filename");
		assert_int_equal(d.items[0].line, 2);
		assert_non_null(strstr(d.items[0].message, bad[i]));
		assert_non_null(strstr(d.items[0].message, "abc_<slug>.sql"));
		cmig_diags_release(&d);
		cmig_revfile_release(&r);
	}
}

/* A file in error keeps a valid id and down_revision for the chain builder. */
static void test_revfile_error_keeps_ids(void **state)
{
	struct cmig_revfile r;
	cmig_diags d = CMIG_DIAGS_INIT;

	(void)state;
	assert_int_equal(parse(&r, &d, "abc.sql", "-- revision: abc\n-- down_revision: p1\n"
	                       "-- migrate:up\nCREATE TABLE t (a INT);\nCOMMIT;\n"
	                       "-- migrate:down\n"), CMIG_ERROR);
	assert_false(r.parsed);
	assert_string_equal(r.id, "abc");
	assert_string_equal(r.down, "p1");
	assert_int_equal(d.errors, 1);
	assert_int_equal(d.items[0].line, 5);
	assert_string_equal(d.items[0].kind, "parse");
	assert_string_equal(d.items[0].path, "versions/x.sql");
	assert_string_equal(d.items[0].message, "COMMIT is not allowed in a transactional section "
	                    "(mark the section transaction:false or remove it)");
	cmig_diags_release(&d);
	cmig_revfile_release(&r);
}

/* Binary files: NUL bytes are one clear error at line 1. */
static void test_revfile_nul_bytes(void **state)
{
	static const char text[] = "-- revision: abc\n-- down_revision:\n\0\x01\x02-- migrate:up\n";
	struct cmig_revfile r;
	cmig_diags d = CMIG_DIAGS_INIT;

	(void)state;
	assert_int_equal(parse_n(&r, &d, "abc.sql", text, sizeof(text) - 1), CMIG_ERROR);
	assert_false(r.parsed);
	assert_int_equal(d.n, 1);
	assert_int_equal(d.items[0].line, 1);
	assert_string_equal(d.items[0].kind, "parse");
	assert_string_equal(d.items[0].message, "file contains NUL bytes: not a text file");
	cmig_diags_release(&d);
	cmig_revfile_release(&r);
}

/* Invalid UTF-8 and other garbage is not a crash: it is SQL before the first marker. */
static void test_revfile_garbage(void **state)
{
	static const char text[] = "\xff\xfe\x80garbage\n\xc3(\n";
	struct cmig_revfile r;
	cmig_diags d = CMIG_DIAGS_INIT;

	(void)state;
	assert_int_equal(parse(&r, &d, "x.sql", text), CMIG_ERROR);
	assert_true(d.errors >= 1);
	assert_int_equal(d.items[0].line, 1);
	assert_null(r.id);
	cmig_diags_release(&d);
	cmig_revfile_release(&r);
}

/* Warnings do not fail the parse, even when the caller counts them as errors (--strict). */
static void test_revfile_warnings_do_not_fail(void **state)
{
	struct cmig_revfile r;
	cmig_diags d = CMIG_DIAGS_INIT;

	(void)state;
	d.strict = true;
	assert_int_equal(parse(&r, &d, "abc.sql", "-- revision: abc\n-- down_revision:\n"
	                       "-- created: last tuesday\n-- ticket: 42\n-- migrate:up\n"), CMIG_OK);
	assert_true(r.parsed);
	assert_int_equal(d.n, 3);   /* created, unknown-header, no-down */
	assert_string_equal(d.items[0].kind, "created");
	assert_int_equal(d.items[0].line, 3);
	assert_string_equal(d.items[1].kind, "unknown-header");
	assert_string_equal(d.items[2].kind, "no-down");
	cmig_diags_release(&d);
	cmig_revfile_release(&r);
}

/* Release is safe on a zeroed struct and twice in a row. */
static void test_revfile_release_zeroed(void **state)
{
	struct cmig_revfile r;

	(void)state;
	memset(&r, 0, sizeof(r));
	cmig_revfile_release(&r);
	cmig_revfile_release(&r);
	assert_int_equal(r.index, -1);
	assert_null(r.text);
}

/* Header lines with a 64-byte id pass; 65 bytes do not. */
static void test_revfile_id_length(void **state)
{
	char id[66];
	struct cmig_revfile r;
	cmig_diags d = CMIG_DIAGS_INIT;
	cmig_buf b = CMIG_BUF_INIT;

	(void)state;
	memset(id, 'a', 64);
	id[64] = '\0';
	cmig_buf_printf(&b, "-- revision: %s\n-- down_revision:\n-- migrate:up\n-- migrate:down\n", id);
	assert_int_equal(parse(&r, &d, NULL, b.ptr), CMIG_OK);
	assert_string_equal(r.id, id);
	cmig_revfile_release(&r);
	cmig_buf_clear(&b);
	id[64] = 'a';
	id[65] = '\0';
	cmig_buf_printf(&b, "-- revision: %s\n-- down_revision:\n-- migrate:up\n-- migrate:down\n", id);
	assert_int_equal(parse(&r, &d, NULL, b.ptr), CMIG_ERROR);
	assert_null(r.id);
	assert_int_equal(d.errors, 1);
	assert_int_equal(d.items[0].line, 1);
	cmig_revfile_release(&r);
	cmig_buf_release(&b);
	cmig_diags_release(&d);
}

/* SPEC §2: ids are [A-Za-z0-9_]{1,64} and not head/base/none/current in any case */
static void test_revfile_reserved_and_empty_ids(void **state)
{
	static const struct { const char *rev, *down, *msg; } cases[] = {
		{ "Current", "", "invalid revision id 'Current': head, base, none and current are "
		  "reserved words" },
		{ "NONE", "", "invalid revision id 'NONE': head, base, none and current are reserved "
		  "words" },
		{ "", "", "empty revision header (expected -- revision: <id>)" },
		{ "abc", "HEAD", "invalid down_revision 'HEAD': head, base and current are reserved words "
		  "(leave it empty or write none for the first revision)" },
		{ "abc", "x.y", "invalid down_revision 'x.y': expected 1 to 64 letters, digits or "
		  "underscores, or none" },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		struct cmig_revfile r;
		cmig_diags d = CMIG_DIAGS_INIT;
		cmig_buf b = CMIG_BUF_INIT;
		cmig_buf_printf(&b, "-- revision: %s\n-- down_revision: %s\n-- migrate:up\n"
		                "-- migrate:down\n", cases[i].rev, cases[i].down);
		assert_int_equal(parse(&r, &d, NULL, b.ptr), CMIG_ERROR);
		assert_int_equal(d.n, 1);
		assert_string_equal(d.items[0].message, cases[i].msg);
		assert_int_equal(d.items[0].line, cases[i].down[0] && strcmp(cases[i].rev, "abc") == 0 ? 2 : 1);
		assert_false(r.parsed);
		cmig_diags_release(&d);
		cmig_revfile_release(&r);
		cmig_buf_release(&b);
	}
}

/* Hostile input: random mixes of markers, quotes, comments and line ends never break the
 * invariants (sections inside the file, statements inside their section, lines ascending). */
static void test_revfile_random_input_invariants(void **state)
{
	static const char *const frags[] = {
		"-- revision: abc\n", "-- down_revision:\n", "-- migrate:up\n", "-- migrate:down\n",
		"-- migrate:up dialect:sqlite\n", "-- migrate:down transaction:false\n", "-- migrate",
		"\r\n", "\n", " ", "'", "\"", "$$", "$a$", "/*", "*/", "--", ";", "BEGIN", "END",
		"CASE", "CREATE TRIGGER t BEGIN ", "COMMIT;", "PRAGMA foreign_keys;", "\xEF\xBB\xBF",
		"[", "]", "E'\\", "SELECT 1", "(", ")", "\t", "\xff",
	};
	unsigned long long x = 0x9e3779b97f4a7c15ULL;
	(void)state;
	for (int round = 0; round < 3000; round++) {
		cmig_buf b = CMIG_BUF_INIT;
		struct cmig_revfile r;
		cmig_diags d = CMIG_DIAGS_INIT;
		int nfrag;
		x = x * 6364136223846793005ULL + 1442695040888963407ULL;
		nfrag = (int)((x >> 33) % 40);
		for (int i = 0; i < nfrag; i++) {
			x = x * 6364136223846793005ULL + 1442695040888963407ULL;
			cmig_buf_puts(&b, frags[(x >> 33) % (sizeof(frags) / sizeof(*frags))]);
		}
		(void)parse(&r, &d, "abc.sql", b.ptr);
		for (int dir = 0; dir < 2; dir++)
			for (int k = 0; k < CMIG_REVFILE_NSECT; k++) {
				const cmig_section *s = r.sections[dir][k];
				unsigned last = 0;
				if (!s)
					continue;
				assert_true(s->body_start <= s->body_end);
				assert_true(s->body_end <= r.len);
				assert_int_equal(strlen(cmig_revfile_checksum((char[65]){ 0 }, &r, s)), 64);
				for (size_t i = 0; i < s->stmts.n; i++) {
					const cmig_stmt *st = &s->stmts.items[i];
					assert_true(st->start >= s->body_start);
					assert_true(st->start < st->end);
					assert_true(st->end <= s->body_end);
					assert_true(st->line >= s->body_line);
					assert_true(st->line >= last);
					last = st->line;
				}
			}
		for (size_t i = 0; i < d.n; i++)
			assert_true(d.items[i].line >= 1);
		cmig_diags_release(&d);
		cmig_revfile_release(&r);
		cmig_buf_release(&b);
	}
}

/* A large file parses in linear time: 200,000 statements and 200,000 header-area comments. */
static void test_revfile_large_file(void **state)
{
	cmig_buf b = CMIG_BUF_INIT;
	struct cmig_revfile r;
	cmig_diags d = CMIG_DIAGS_INIT;
	clock_t t0;

	(void)state;
	cmig_buf_puts(&b, "-- revision: big\n-- down_revision:\n");
	for (int i = 0; i < 200000; i++)
		cmig_buf_printf(&b, "-- note %d\n", i);
	cmig_buf_puts(&b, "-- migrate:up\n");
	for (int i = 0; i < 200000; i++)
		cmig_buf_printf(&b, "INSERT INTO t VALUES (%d, 'x;y');\n", i);
	cmig_buf_puts(&b, "-- migrate:down\nDELETE FROM t;\n");
	t0 = clock();
	assert_int_equal(parse(&r, &d, "big.sql", b.ptr), CMIG_OK);
	assert_true((double)(clock() - t0) / CLOCKS_PER_SEC < 3.0);
	assert_int_equal(r.sections[CMIG_UP][0]->stmts.n, 200000);
	assert_int_equal(r.sections[CMIG_UP][0]->stmts.items[199999].line, 200004 + 199999);
	assert_int_equal(r.sections[CMIG_DOWN][0]->marker_line, 400004);
	cmig_diags_release(&d);
	cmig_revfile_release(&r);
	cmig_buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_revfile_data_cases),
		cmocka_unit_test(test_revfile_data_cases_lean),
		cmocka_unit_test(test_revfile_lean_then_load),
		cmocka_unit_test(test_revfile_lean_changed_is_refused),
		cmocka_unit_test(test_revfile_headers),
		cmocka_unit_test(test_revfile_root),
		cmocka_unit_test(test_revfile_checksum_known_bodies),
		cmocka_unit_test(test_revfile_crlf_twin_same_checksum),
		cmocka_unit_test(test_revfile_section_choice),
		cmocka_unit_test(test_revfile_filename),
		cmocka_unit_test(test_revfile_error_keeps_ids),
		cmocka_unit_test(test_revfile_nul_bytes),
		cmocka_unit_test(test_revfile_garbage),
		cmocka_unit_test(test_revfile_warnings_do_not_fail),
		cmocka_unit_test(test_revfile_release_zeroed),
		cmocka_unit_test(test_revfile_id_length),
		cmocka_unit_test(test_revfile_reserved_and_empty_ids),
		cmocka_unit_test(test_revfile_random_input_invariants),
		cmocka_unit_test(test_revfile_large_file),
	};
	return cmocka_run_group_tests_name("revfile", tests, NULL, NULL);
}
