/*
 * revfile.c - parse one migration file (SPEC §2; checksums and lines of SPEC §4).
 *
 * One pass over the lines: `-- key: value` headers until the first marker line, then marker
 * lines that cut the rest of the file into sections. Each section's body is the bytes from
 * the one after its marker line's newline up to the first byte of the next marker line (or
 * the end of the file); it is split (cmig_sqlsplit) and, in a lean parse, hashed
 * (cmig_sha256_section_raw) as is, so offsets and lines stay those of the file.
 *
 * Every problem of the file is reported, not only the first; a file with any error is not
 * `parsed`, but a valid id and down_revision stay set so the chain builder can still name
 * the file. Marker recognition is deliberately wider than a valid marker: any line that
 * begins with `-- migrate` (or `--migrate:`, `-- MIGRATE:` …) is a marker or an error, never a
 * comment, because a mistyped down marker taken as a comment would run the downgrade SQL as
 * part of the upgrade.
 *
 * What a file keeps (see revfile.h): the parse reads the text once — lines, headers,
 * statements, and for a lean file every section's SHA-256 — then copies the header keys and
 * values, the path and the present sections into one block sized to them; the header fields
 * (id, message, …) point at the header values. A lean parse keeps no text and no statements: a
 * load reads the file again, checks it is unchanged and parses it again (the same bytes give
 * the same sections) to fill them in.
 *
 * It does not look at other files (duplicates, parents: model/chain.c) nor decide which
 * section a backend runs beyond cmig_revfile_section().
 */
#include "revfile.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "hash64.h"
#include "sha256.h"
#include "strmap.h"
#include "text.h"

#define MARKER "-- migrate"
#define SHOWN_MAX 80  /* bytes of an offending line quoted in a message */

/* One line of the file: [start, end) is its content without the newline, a CR before it
 * and trailing blanks; `next` is the offset of the following line. */
struct line {
	size_t start, end, next;
	unsigned no;
};

/* A header while parsing: offsets into the text, copied into the block at the end. */
struct hrec {
	size_t k, klen, v, vlen;
	unsigned line;
};

struct parser {
	struct cmig_revfile *r;
	const char *text;     /* the bytes parsed (r->text is NULL in a lean parse) */
	size_t len;
	const char *path;     /* as printed: the caller's until the block holds a copy */
	cmig_diags *d;
	size_t errors;        /* errors of this file (parse and filename) */
	struct hrec *hdrs;    /* the headers kept, in order */
	size_t nh, hcap;
	long id_h, down_h, msg_h, created_h;  /* which of them set id, down, …; -1 none */
	bool keep;            /* keep the statements (the text is kept) */
	bool bad_marker;      /* a marker-like line that is not a valid marker */
	bool nomem;
	/* the sections while parsing, with growable statement vectors; build_block() copies
	 * the present ones into the file's block */
	cmig_section tmp[2][CMIG_REVFILE_NSECT];
};

static void perr(struct parser *p, unsigned line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void perr(struct parser *p, unsigned line, const char *fmt, ...)
{
	cmig_buf msg = CMIG_BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	cmig_buf_vprintf(&msg, fmt, ap);
	va_end(ap);
	cmig_diag_error(p->d, p->path, line, CMIG_ERROR, "parse", "%s", msg.ptr);
	cmig_buf_release(&msg);
	p->errors++;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static bool is_space(char c)
{
	return is_blank(c) || c == '\r' || c == '\f' || c == '\v';
}

static const char *at(const struct parser *p, size_t off)
{
	return p->text + off;
}

static size_t line_len(const struct line *l)
{
	return l->end - l->start;
}

static int shown_len(const struct line *l)
{
	return (int)(line_len(l) > SHOWN_MAX ? SHOWN_MAX : line_len(l));
}

static bool is_blank_line(const struct parser *p, const struct line *l)
{
	for (size_t i = l->start; i < l->end; i++)
		if (!is_space(p->text[i]))
			return false;
	return true;
}

/* Whether the line is a marker line (valid or not): it begins with "-- migrate", or it is
 * "--", blanks, "migrate" in any case, blanks and ':' (a marker with a typo in it). */
static bool is_marker_line(const struct parser *p, const struct line *l)
{
	const char *s = at(p, l->start);
	size_t n = line_len(l), i = 2;

	if (n >= strlen(MARKER) && memcmp(s, MARKER, strlen(MARKER)) == 0)
		return true;
	if (n < 2 || s[0] != '-' || s[1] != '-')
		return false;
	while (i < n && is_blank(s[i]))
		i++;
	if (n - i < 7 || !cmig_text_ieqn(s + i, 7, "migrate"))
		return false;
	for (i += 7; i < n && is_blank(s[i]); i++)
		;
	return i < n && s[i] == ':';
}

static bool word_eq(const char *s, size_t n, const char *w)
{
	return strlen(w) == n && memcmp(s, w, n) == 0;
}

/* Parse a marker line into direction, dialect and transactional; false (reported) when it
 * is not a valid marker. */
static bool parse_marker(struct parser *p, const struct line *l, int *dir,
                         cmig_dialect_kind *dialect, bool *txn)
{
	const char *s = at(p, l->start), *opt_txn = NULL, *opt_dialect = NULL;
	size_t n = line_len(l), i, plen;
	size_t txn_len = 0, dialect_len = 0;
	bool ok = true;

	if (n >= 13 && memcmp(s, "-- migrate:up", 13) == 0 && (n == 13 || is_blank(s[13]))) {
		*dir = CMIG_UP;
		plen = 13;
	} else if (n >= 15 && memcmp(s, "-- migrate:down", 15) == 0 && (n == 15 || is_blank(s[15]))) {
		*dir = CMIG_DOWN;
		plen = 15;
	} else {
		perr(p, l->no, "invalid migration marker '%.*s' (expected '-- migrate:up' or "
		     "'-- migrate:down', optionally followed by options)", shown_len(l), s);
		return false;
	}
	*dialect = CMIG_DIALECT_ANY;
	*txn = true;
	for (i = plen; i < n;) {
		size_t o, olen;
		while (i < n && is_blank(s[i]))
			i++;
		if (i == n)
			break;
		for (o = i; i < n && !is_blank(s[i]); i++)
			;
		olen = i - o;
		if (word_eq(s + o, olen, "transaction:false") || word_eq(s + o, olen, "transaction:true")) {
			if (opt_txn && txn_len == olen && memcmp(opt_txn, s + o, olen) == 0) {
				perr(p, l->no, "repeated marker option '%.*s'", (int)olen, s + o);
				ok = false;
			} else if (opt_txn) {
				perr(p, l->no, "conflicting marker options '%.*s' and '%.*s'",
				     (int)txn_len, opt_txn, (int)olen, s + o);
				ok = false;
			}
			opt_txn = s + o;
			txn_len = olen;
			*txn = s[o + 12] == 't';
		} else if (word_eq(s + o, olen, "dialect:sqlite") ||
		           word_eq(s + o, olen, "dialect:postgresql")) {
			if (opt_dialect && dialect_len == olen && memcmp(opt_dialect, s + o, olen) == 0) {
				perr(p, l->no, "repeated marker option '%.*s'", (int)olen, s + o);
				ok = false;
			} else if (opt_dialect) {
				perr(p, l->no, "conflicting marker options '%.*s' and '%.*s'",
				     (int)dialect_len, opt_dialect, (int)olen, s + o);
				ok = false;
			}
			opt_dialect = s + o;
			dialect_len = olen;
			*dialect = s[o + 8] == 's' ? CMIG_DIALECT_SQLITE : CMIG_DIALECT_POSTGRESQL;
		} else {
			perr(p, l->no, "unknown marker option '%.*s' (expected transaction:false, "
			     "transaction:true, dialect:sqlite or dialect:postgresql)",
			     (int)(olen > SHOWN_MAX ? SHOWN_MAX : olen), s + o);
			ok = false;
		}
	}
	return ok;
}

static const char *direction_name(int dir)
{
	return dir == CMIG_UP ? "up" : "down";
}

static const char *dialect_suffix(cmig_dialect_kind k)
{
	return k == CMIG_DIALECT_SQLITE ? " dialect:sqlite" :
	       k == CMIG_DIALECT_POSTGRESQL ? " dialect:postgresql" : "";
}

/* The statement's leading keyword(s) as written, upper-cased: "COMMIT", "START TRANSACTION". */
static void stmt_keyword(char out[32], const char *text, const cmig_stmt *s)
{
	size_t n = 0, words = 0, i = s->start;

	while (i < s->end && n < 30 && words < 2) {
		char c = text[i];
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
			out[n++] = (char)(c >= 'a' ? c - 32 : c);
			i++;
			continue;
		}
		/* START TRANSACTION and PREPARE TRANSACTION read better with their second word */
		if (words == 0 && (cmig_text_ieqn(out, n, "START") || cmig_text_ieqn(out, n, "PREPARE"))) {
			while (i < s->end && (is_space(text[i]) || text[i] == '\n'))
				i++;
			out[n++] = ' ';
			words++;
			continue;
		}
		break;
	}
	while (n > 0 && out[n - 1] == ' ')
		n--;
	out[n] = '\0';
}

/* Split a finished section, then apply the transactional-section rules. A lean file's
 * checksum is computed here, while the text is at hand: it has none afterwards (a kept text
 * is hashed when the checksum is asked for: `check` without a database never does). */
static void finish_section(struct parser *p, cmig_section *s)
{
	const char *text = p->text;

	if (!p->keep) {
		cmig_sha256_section_raw(s->sum, text + s->body_start, s->body_end - s->body_start);
		s->hashed = true;
	}
	if (cmig_sqlsplit(&s->stmts, text, s->body_start, s->body_end, s->body_line) != CMIG_OK) {
		p->nomem = true;
		return;
	}
	for (size_t i = 0; i < s->stmts.n; i++)
		s->flags |= s->stmts.items[i].flags;
	if (!s->transactional)
		return;
	for (size_t i = 0; i < s->stmts.n; i++) {
		const cmig_stmt *st = &s->stmts.items[i];
		if (st->flags & CMIG_STMT_TXN_CONTROL) {
			char kw[32];
			stmt_keyword(kw, text, st);
			perr(p, st->line, "%s is not allowed in a transactional section "
			     "(mark the section transaction:false or remove it)", kw);
		}
		/* SPEC §2: what the database refuses inside a transaction block; the PostgreSQL
		 * forms are not SQLite (a dialect:sqlite section would fail on them anyway) */
		enum cmig_no_txn nt = CMIG_STMT_NO_TXN(st->flags);
		if (nt && (nt == CMIG_NO_TXN_VACUUM || s->dialect != CMIG_DIALECT_SQLITE))
			perr(p, st->line, "%s cannot run inside a transaction: put it in a section "
			     "marked transaction:false (-- migrate:%s%s transaction:false)",
			     cmig_no_txn_name(nt), direction_name(s->direction), dialect_suffix(s->dialect));
		if ((st->flags & CMIG_STMT_PRAGMA_FK) && s->dialect != CMIG_DIALECT_POSTGRESQL)
			perr(p, st->line, "PRAGMA foreign_keys is not allowed in a transactional section: "
			     "SQLite ignores it inside a transaction (sqlite_foreign_keys in cmig.yaml "
			     "controls foreign keys; remove it or mark the section transaction:false)");
	}
}

/* `-- key: value` → key and value bounds; false for any other comment. */
static bool split_header(const struct parser *p, const struct line *l, size_t *k, size_t *klen,
                         size_t *v, size_t *vlen)
{
	const char *s = at(p, l->start);
	size_t n = line_len(l), i = 2, e;

	if (n < 2 || s[0] != '-' || s[1] != '-')
		return false;
	while (i < n && is_blank(s[i]))
		i++;
	*k = i;
	if (i == n || !((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') || s[i] == '_'))
		return false;
	while (i < n && ((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
	                 (s[i] >= '0' && s[i] <= '9') || s[i] == '_' || s[i] == '-'))
		i++;
	*klen = i - *k;
	while (i < n && is_blank(s[i]))
		i++;
	if (i == n || s[i] != ':')
		return false;
	if (i + 1 < n && s[i + 1] == '/')
		return false;                    /* "-- http://…" is prose, not a header */
	for (i++; i < n && is_blank(s[i]); i++)
		;
	for (e = n; e > i && is_blank(s[e - 1]); e--)
		;
	*k += l->start;
	*v = l->start + i;
	*vlen = e - i;
	return true;
}

static void check_revision(struct parser *p, const char *v, size_t vlen, unsigned line, long h)
{
	if (vlen == 0)
		perr(p, line, "empty revision header (expected -- revision: <id>)");
	else if (cmig_text_reserved_word(v, vlen))
		perr(p, line, "invalid revision id '%.*s': head, base, none and current are reserved words",
		     (int)vlen, v);
	else if (!cmig_text_valid_id(v, vlen))
		perr(p, line, "invalid revision id '%.*s': expected 1 to 64 letters, digits or underscores",
		     (int)(vlen > SHOWN_MAX ? SHOWN_MAX : vlen), v);
	else
		p->id_h = h;
}

static void check_down(struct parser *p, const char *v, size_t vlen, unsigned line, long h)
{
	struct cmig_revfile *r = p->r;

	r->down_present = true;
	if (vlen == 0 || cmig_text_ieqn(v, vlen, "none"))
		return;                          /* the root */
	if (cmig_text_reserved_word(v, vlen))
		perr(p, line, "invalid down_revision '%.*s': head, base and current are reserved words "
		     "(leave it empty or write none for the first revision)", (int)vlen, v);
	else if (!cmig_text_valid_id(v, vlen))
		perr(p, line, "invalid down_revision '%.*s': expected 1 to 64 letters, digits or "
		     "underscores, or none", (int)(vlen > SHOWN_MAX ? SHOWN_MAX : vlen), v);
	else
		p->down_h = h;
}

/* SPEC §2 `created`: a warning when the value is not ISO-8601 (checked on a NUL-terminated
 * copy: the text is not). */
static void check_created(struct parser *p, const char *val, size_t vlen, unsigned line)
{
	char small[128], *copy = small;
	bool iso;

	if (vlen == 0)
		return;
	if (vlen >= sizeof(small) && !(copy = malloc(vlen + 1))) {
		p->nomem = true;
		return;
	}
	memcpy(copy, val, vlen);
	copy[vlen] = '\0';
	iso = cmig_text_is_iso8601(copy);
	if (copy != small)
		free(copy);
	if (!iso)
		cmig_diag_warning(p->d, p->path, line, "created",
		                  "created '%.*s' is not an ISO-8601 date or date-time "
		                  "(e.g. 2026-11-22T10:15:00Z)",
		                  (int)(vlen > SHOWN_MAX ? SHOWN_MAX : vlen), val);
}

static void add_header(struct parser *p, cmig_strmap *seen, const struct line *l, size_t k,
                       size_t klen, size_t v, size_t vlen)
{
	struct cmig_revfile *r = p->r;
	const char *key = at(p, k), *val = at(p, v);
	void *first = NULL;
	long h;
	bool known;
	int rc;

	known = word_eq(key, klen, "revision") || word_eq(key, klen, "down_revision") ||
	        word_eq(key, klen, "message") || word_eq(key, klen, "created");
	/* keys are borrowed from the text, which outlives the map */
	rc = cmig_strmap_put(seen, key, klen, (void *)(uintptr_t)l->no, &first);
	if (rc == 1 && known) {
		perr(p, l->no, "repeated header '%.*s' (first at line %u)", (int)klen, key,
		     (unsigned)(uintptr_t)first);
		return;
	}
	if (rc < 0) {
		p->nomem = true;
		return;
	}
	if (p->nh == p->hcap) {
		size_t cap = p->hcap ? 2 * p->hcap : 8;
		struct hrec *grown = realloc(p->hdrs, cap * sizeof(*grown));
		if (!grown) {
			p->nomem = true;
			return;
		}
		p->hdrs = grown;
		p->hcap = cap;
	}
	h = (long)p->nh;
	p->hdrs[p->nh++] = (struct hrec){ k, klen, v, vlen, l->no };
	/* SPEC §2: other keys may repeat (`-- source: a.sql` twice); they are kept, and the
	 * unknown-header warning is given once, at the first. */
	if (rc == 1)
		return;

	if (word_eq(key, klen, "revision")) {
		r->id_line = l->no;
		check_revision(p, val, vlen, l->no, h);
	} else if (word_eq(key, klen, "down_revision")) {
		r->down_line = l->no;
		check_down(p, val, vlen, l->no, h);
	} else if (word_eq(key, klen, "message")) {
		p->msg_h = h;
	} else if (word_eq(key, klen, "created")) {
		r->created_line = l->no;
		p->created_h = h;
		check_created(p, val, vlen, l->no);
	} else if (!word_eq(key, klen, "lint-ignore")) {   /* read by `check --lint` (SPEC §10) */
		cmig_diag_warning(p->d, p->path, l->no, "unknown-header",
		                  "unknown header '%.*s' (kept and ignored)", (int)klen, key);
	}
}

static void next_line(const struct parser *p, size_t pos, unsigned no, struct line *l)
{
	const char *text = p->text;
	const char *nl = memchr(text + pos, '\n', p->len - pos);
	size_t e = nl ? (size_t)(nl - text) : p->len;

	l->start = pos;
	l->next = nl ? e + 1 : e;
	l->no = no;
	while (e > pos && (text[e - 1] == '\r' || is_blank(text[e - 1])))
		e--;
	l->end = e;
}

/* The lines: headers, then markers and bodies. */
static void parse_lines(struct parser *p)
{
	const char *text = p->text;
	cmig_strmap seen = CMIG_STRMAP_INIT;
	cmig_section *cur = NULL;
	bool in_header = true, in_block = false, sql_reported = false;
	size_t pos = 0;
	unsigned no = 1;

	if (p->len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
		pos = 3;
	while (pos < p->len && !p->nomem) {
		struct line l;
		size_t k, klen, v, vlen;
		int dir;
		cmig_dialect_kind dialect;
		bool txn;

		next_line(p, pos, no, &l);
		pos = l.next;
		no++;
		if (is_marker_line(p, &l)) {
			in_header = false;
			if (cur) {
				cur->body_end = l.start;
				finish_section(p, cur);
				cur = NULL;
			}
			if (!parse_marker(p, &l, &dir, &dialect, &txn)) {
				p->bad_marker = true;
				continue;
			}
			if (p->tmp[dir][dialect].present) {
				perr(p, l.no, "repeated section '-- migrate:%s%s' (first at line %u)",
				     direction_name(dir), dialect_suffix(dialect),
				     p->tmp[dir][dialect].marker_line);
				continue;
			}
			cur = &p->tmp[dir][dialect];
			cur->present = true;
			cur->direction = dir;
			cur->dialect = dialect;
			cur->transactional = txn;
			cur->marker_line = l.no;
			cur->body_start = l.next;
			cur->body_line = l.no + 1;
			continue;
		}
		if (!in_header)
			continue;
		if (in_block) {
			const char *s = at(p, l.start);
			for (size_t i = 0; i + 1 < line_len(&l); i++)
				if (s[i] == '*' && s[i + 1] == '/')
					in_block = false;
			continue;
		}
		if (is_blank_line(p, &l))
			continue;
		if (split_header(p, &l, &k, &klen, &v, &vlen)) {
			add_header(p, &seen, &l, k, klen, v, vlen);
			continue;
		}
		{
			size_t i = l.start;
			while (i < l.end && is_space(text[i]))
				i++;
			if (l.end - i >= 2 && text[i] == '-' && text[i + 1] == '-')
				continue;                /* another comment (indented ones too) */
			if (l.end - i >= 2 && text[i] == '/' && text[i + 1] == '*') {
				in_block = true;
				for (i += 2; i + 1 < l.end; i++)
					if (text[i] == '*' && text[i + 1] == '/')
						in_block = false;
				continue;
			}
		}
		if (!sql_reported)
			perr(p, l.no, "sql before the first marker: statements belong after "
			     "'-- migrate:up' or '-- migrate:down'");
		sql_reported = true;
	}
	if (cur && !p->nomem) {
		cur->body_end = p->len;
		finish_section(p, cur);
	}
	cmig_strmap_release(&seen);
}

static void free_tmp(struct parser *p)
{
	for (int dir = 0; dir < 2; dir++)
		for (int k = 0; k < CMIG_REVFILE_NSECT; k++) {
			free(p->tmp[dir][k].stmts.items);
			p->tmp[dir][k].stmts.items = NULL;
		}
}

static char *put_str(char **at, const char *s, size_t n)
{
	char *start = *at;
	memcpy(start, s, n);
	start[n] = '\0';
	*at += n + 1;
	return start;
}

/* Copy what the file keeps into one allocation of exactly its size — the present sections
 * (with their statements when the text is kept), the headers, then the strings: one empty
 * string (message and created when absent), the path (the name is its last component, as a
 * rule), each header's key and value — and point r's fields at it. The temporary vectors
 * are freed. False on out-of-memory. */
static bool build_block(struct parser *p, const char *path, const char *name)
{
	struct cmig_revfile *r = p->r;
	size_t nsect = 0, nstmt = 0, strs = 1, plen = path ? strlen(path) : 0, nlen = strlen(name);
	bool name_in_path = path && nlen > 0 && nlen <= plen && !strcmp(path + plen - nlen, name) &&
	                    (nlen == plen || path[plen - nlen - 1] == '/');
	cmig_section *sect;
	cmig_stmt *stmt;
	cmig_header *hdr;
	char *str, *empty;

	for (int dir = 0; dir < 2; dir++)
		for (int k = 0; k < CMIG_REVFILE_NSECT; k++)
			if (p->tmp[dir][k].present) {
				nsect++;
				nstmt += p->keep ? p->tmp[dir][k].stmts.n : 0;
			}
	strs += path ? plen + 1 : 0;
	strs += name_in_path ? 0 : nlen + 1;
	for (size_t i = 0; i < p->nh; i++)
		strs += p->hdrs[i].klen + p->hdrs[i].vlen + 2;
	/* sections, statements, headers: all aligned like size_t and pointers */
	r->block = malloc(nsect * sizeof(*sect) + nstmt * sizeof(*stmt) + p->nh * sizeof(*hdr) + strs);
	if (!r->block) {
		free_tmp(p);
		return false;
	}
	sect = r->block;
	stmt = (cmig_stmt *)(sect + nsect);
	hdr = (cmig_header *)(stmt + nstmt);
	str = (char *)(hdr + p->nh);
	empty = put_str(&str, "", 0);
	r->path = path ? put_str(&str, path, plen) : NULL;
	r->name = name_in_path ? r->path + plen - nlen : nlen ? put_str(&str, name, nlen) : empty;
	for (size_t i = 0; i < p->nh; i++) {
		const struct hrec *h = &p->hdrs[i];
		hdr[i].key = put_str(&str, p->text + h->k, h->klen);
		hdr[i].value = put_str(&str, p->text + h->v, h->vlen);
		hdr[i].line = h->line;
	}
	r->headers = p->nh ? hdr : NULL;
	r->nheaders = (unsigned)p->nh;
	r->id = p->id_h >= 0 ? hdr[p->id_h].value : NULL;
	r->down = p->down_h >= 0 ? hdr[p->down_h].value : NULL;
	r->message = p->msg_h >= 0 ? hdr[p->msg_h].value : empty;
	r->created = p->created_h >= 0 ? hdr[p->created_h].value : empty;
	for (int dir = 0; dir < 2; dir++)
		for (int k = 0; k < CMIG_REVFILE_NSECT; k++) {
			cmig_section *t = &p->tmp[dir][k];
			if (!t->present)
				continue;
			*sect = *t;
			sect->stmts.items = NULL;
			sect->stmts.cap = 0;
			if (p->keep && t->stmts.n) {
				memcpy(stmt, t->stmts.items, t->stmts.n * sizeof(*stmt));
				sect->stmts.items = stmt;
				sect->stmts.cap = t->stmts.n;
				stmt += t->stmts.n;
			}
			r->sections[dir][k] = sect++;
		}
	free_tmp(p);
	return true;
}

static void check_whole(struct parser *p, const char *name)
{
	struct cmig_revfile *r = p->r;
	unsigned at_line = r->id_line ? r->id_line : 1;

	if (!r->id_line)
		perr(p, 1, "missing revision header (expected -- revision: <id>)");
	if (!r->down_line)
		perr(p, 1, "missing down_revision header (expected -- down_revision: <id>, or empty "
		     "or none for the first revision)");
	if (!p->bad_marker && !cmig_revfile_has_direction(r, CMIG_UP))
		perr(p, at_line, "no '-- migrate:up' section");
	if (!p->bad_marker && !cmig_revfile_has_direction(r, CMIG_DOWN)) {
		if (r->id)
			cmig_diag_warning(p->d, p->path, at_line, "no-down",
			                  "revision %s has no '-- migrate:down' section: it cannot be "
			                  "downgraded", r->id);
		else
			cmig_diag_warning(p->d, p->path, at_line, "no-down",
			                  "no '-- migrate:down' section: this revision cannot be downgraded");
	}
	if (r->id && name) {
		size_t n = strlen(r->id);
		if (strncmp(name, r->id, n) != 0 || (name[n] != '_' && strcmp(name + n, ".sql") != 0)) {
			cmig_diag_error(p->d, p->path, at_line, CMIG_ERROR, "filename",
			                "file name '%s' does not match revision %s (expected %s_<slug>.sql "
			                "or %s.sql)", name, r->id, r->id, r->id);
			p->errors++;
		}
	}
}

/* The parse of both forms: text[0, len) is read, not kept (the caller keeps it or not). */
static int parse(struct cmig_revfile *out, const char *path, const char *name,
                 const char *text, size_t len, bool keep, cmig_diags *d)
{
	struct parser p;
	bool has_nul = len > 0 && memchr(text, '\0', len) != NULL;

	memset(&p, 0, sizeof(p));
	p.r = out;
	p.text = text;
	p.len = len;
	p.path = path;
	p.d = d;
	p.keep = keep;
	p.id_h = p.down_h = p.msg_h = p.created_h = -1;
	if (has_nul)
		perr(&p, 1, "file contains NUL bytes: not a text file");
	else
		parse_lines(&p);
	if (p.nomem || !build_block(&p, path, name ? name : "")) {
		free_tmp(&p);
		free(p.hdrs);
		/* nothing points at the caller's strings or a block that is not there */
		free(out->block);
		memset(out->sections, 0, sizeof(out->sections));
		out->block = NULL;
		out->path = out->name = out->id = out->down = NULL;
		out->message = out->created = NULL;
		out->headers = NULL;
		out->nheaders = 0;
		return cmig_diag_error(d, path, 0, CMIG_ENOMEM, "parse", "out of memory parsing the file");
	}
	free(p.hdrs);
	if (has_nul)
		return CMIG_ERROR;
	check_whole(&p, name);
	out->parsed = p.errors == 0;
	return p.errors == 0 ? CMIG_OK : CMIG_ERROR;
}

int cmig_revfile_parse(struct cmig_revfile *out, const char *path, const char *name,
                       char *text, size_t len, cmig_diags *d)
{
	memset(out, 0, sizeof(*out));
	out->index = -1;
	if (!text) {
		len = 0;
		if (!(text = cmig_strdup("")))
			return cmig_diag_error(d, path, 0, CMIG_ENOMEM, "parse",
			                       "out of memory parsing the file");
	}
	out->text = text;
	out->len = len;
	return parse(out, path, name, text, len, true, d);
}

int cmig_revfile_parse_lean(struct cmig_revfile *out, const char *path, const char *name,
                            const char *text, size_t len, const struct cmig_revsource *source,
                            cmig_diags *d)
{
	memset(out, 0, sizeof(*out));
	out->index = -1;
	if (!text)
		text = "", len = 0;
	out->len = len;
	out->fingerprint = cmig_hash64(text, len);
	out->source = source;
	return parse(out, path, name, text, len, false, d);
}

void cmig_revfile_release(struct cmig_revfile *r)
{
	free(r->text);                 /* kept, or loaded */
	free(r->block);                /* sections, headers and every string */
	free(r->loaded);               /* the statements, once loaded */
	memset(r, 0, sizeof(*r));
	r->index = -1;
}

const cmig_section *cmig_revfile_section(const struct cmig_revfile *r, int direction,
                                         cmig_dialect_kind dialect)
{
	if (direction != CMIG_UP && direction != CMIG_DOWN)
		return NULL;
	if (dialect != CMIG_DIALECT_ANY && r->sections[direction][dialect])
		return r->sections[direction][dialect];
	return r->sections[direction][CMIG_DIALECT_ANY];
}

bool cmig_revfile_has_direction(const struct cmig_revfile *r, int direction)
{
	if (direction != CMIG_UP && direction != CMIG_DOWN)
		return false;
	for (int k = 0; k < CMIG_REVFILE_NSECT; k++)
		if (r->sections[direction][k])
			return true;
	return false;
}

const char *cmig_revfile_checksum(char out[65], const struct cmig_revfile *r,
                                  const cmig_section *s)
{
	if (s->hashed)
		cmig_sha256_to_hex(out, s->sum);
	else if (r->text)
		cmig_sha256_section(out, r->text + s->body_start, s->body_end - s->body_start);
	else
		out[0] = '\0';
	return out;
}

static int changed(const struct cmig_revfile *r, cmig_diags *d)
{
	return cmig_diag_full(d, CMIG_DIAG_ERROR, CMIG_ERROR, "changed", r->path, 0, 0, NULL,
	                      "Run the command again: it reads the files anew.",
	                      "file changed while cmig was running");
}

/* Whether the fresh parse (of a kept text) has the same sections, at the same offsets, with
 * the same statement counts and checksums, as the lean first. */
static bool same_sections(const struct cmig_revfile *a, const struct cmig_revfile *b)
{
	for (int dir = 0; dir < 2; dir++)
		for (int k = 0; k < CMIG_REVFILE_NSECT; k++) {
			const cmig_section *x = a->sections[dir][k], *y = b->sections[dir][k];
			unsigned char sum[32];
			if (!x != !y)
				return false;
			if (!x)
				continue;
			if (x->body_start != y->body_start || x->body_end != y->body_end ||
			    x->stmts.n != y->stmts.n || !x->hashed)
				return false;
			cmig_sha256_section_raw(sum, b->text + y->body_start, y->body_end - y->body_start);
			if (memcmp(x->sum, sum, sizeof(sum)))
				return false;
		}
	return true;
}

static int load_locked(struct cmig_revfile *r, cmig_diags *d)
{
	cmig_buf buf = CMIG_BUF_INIT;
	struct cmig_revfile fresh;
	cmig_diags quiet;
	cmig_stmt *stmts;
	size_t len, nstmt = 0;
	int rc;

	if ((rc = r->source->read(r->source, r, &buf, d)) != CMIG_OK) {
		cmig_buf_release(&buf);
		return rc;
	}
	len = buf.len;
	if (len != r->len || cmig_hash64(buf.cap ? buf.ptr : "", len) != r->fingerprint) {
		cmig_buf_release(&buf);
		return changed(r, d);
	}
	/* the same bytes: their problems were reported by the first parse */
	cmig_diags_init(&quiet, NULL, NULL);
	rc = cmig_revfile_parse(&fresh, r->path, r->name, cmig_buf_detach(&buf), len, &quiet);
	cmig_diags_release(&quiet);
	if (rc == CMIG_ENOMEM) {
		cmig_revfile_release(&fresh);
		return cmig_diag_error(d, r->path, 0, CMIG_ENOMEM, "parse",
		                       "out of memory reading the file again");
	}
	if (!same_sections(r, &fresh)) {
		cmig_revfile_release(&fresh);
		return changed(r, d);
	}
	/* the statements, all sections' in one array (the fresh copies of the headers and
	 * strings go: r has them) */
	for (int dir = 0; dir < 2; dir++)
		for (int k = 0; k < CMIG_REVFILE_NSECT; k++)
			nstmt += r->sections[dir][k] ? r->sections[dir][k]->stmts.n : 0;
	if (!(stmts = malloc(nstmt * sizeof(*stmts) + !nstmt))) {
		cmig_revfile_release(&fresh);
		return cmig_diag_error(d, r->path, 0, CMIG_ENOMEM, "parse",
		                       "out of memory reading the file again");
	}
	r->loaded = stmts;
	for (int dir = 0; dir < 2; dir++)
		for (int k = 0; k < CMIG_REVFILE_NSECT; k++) {
			cmig_section *x = r->sections[dir][k];
			if (!x || !x->stmts.n)
				continue;
			memcpy(stmts, fresh.sections[dir][k]->stmts.items, x->stmts.n * sizeof(*stmts));
			x->stmts.items = stmts;
			stmts += x->stmts.n;
		}
	r->text = fresh.text;
	fresh.text = NULL;
	cmig_revfile_release(&fresh);
	return CMIG_OK;
}

int cmig_revfile_load(const struct cmig_revfile *r, cmig_diags *d)
{
	/* A cache fill inside the parsed file: it adds the text and statements the parse
	 * dropped, and changes nothing a caller has read. Runs on several threads share one
	 * parsed project (SPEC §11), so it is filled under a lock. */
	static pthread_mutex_t fill = PTHREAD_MUTEX_INITIALIZER;
	int rc = CMIG_OK;

	pthread_mutex_lock(&fill);
	if (!r->text && r->source)
		rc = r->block ? load_locked((struct cmig_revfile *)r, d)
		              : cmig_diag_error(d, NULL, 0, CMIG_ENOMEM, "parse",
		                                "out of memory parsing the file");
	pthread_mutex_unlock(&fill);
	return rc;
}
