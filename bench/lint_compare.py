#!/usr/bin/env python3
"""lint_compare.py - cmig check --lint against squawk over one corpus (docs/lint.md).

Corpus (re-runnable, nothing generated is kept): every case of tests/data/lint/*.txt (the
rules' flagged statements and look-alikes; each case its own project, its revisions one
chain), the bundled example (versions/), and the migration files of tests/data/revfile/
and tests/fuzz/corpus/revfile/ that parse. Every project is linted by cmig for PostgreSQL
(`dialects: [postgresql]`, the dialect squawk knows; a case's pg=N and lock_timeout options
become postgresql_version and pg_lock_timeout) and every file by squawk's native binary as a
user runs it on a migration file (`squawk --reporter json --pg-version N FILE`).

Unit of comparison: (statement, cmig code). squawk's rules are mapped onto cmig's codes
(MAP); squawk rules with no §10 counterpart (prefer-bigint-over-int, prefer-text-field, …)
are left out and counted. lint-lock-timeout is compared per section (cmig reports it once a
section, squawk once a statement). Every disagreement is printed with the reason found by
`reason()`; one that no reason explains is printed as UNEXPLAINED and makes the exit status 1.

usage: bench/lint_compare.py CMIG SQUAWK [--markdown OUT.md]
"""
import json
import os
import re
import subprocess
import sys
import tempfile
from collections import defaultdict

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

MAP = {
    "require-concurrent-index-creation": "lint-index-not-concurrent",
    "require-concurrent-index-deletion": "lint-index-not-concurrent",
    "adding-field-with-default": "lint-volatile-default",
    "changing-column-type": "lint-type-change",
    "adding-not-nullable-field": "lint-set-not-null",
    "adding-required-field": "lint-not-null-without-default",
    "constraint-missing-not-valid": "lint-constraint-not-valid",
    "adding-foreign-key-constraint": "lint-constraint-not-valid",
    "disallowed-unique-constraint": "lint-add-unique",
    "adding-serial-primary-key-field": "lint-add-unique",
    "renaming-column": "lint-rename",
    "renaming-table": "lint-rename",
    "ban-drop-column": "lint-drop",
    "ban-drop-table": "lint-drop",
    "require-lock-timeout": "lint-lock-timeout",
    "prefer-robust-stmts": "lint-not-idempotent",
    "require-concurrent-reindex": "lint-index-not-concurrent",
}
CODES = ["lint-index-not-concurrent", "lint-volatile-default", "lint-type-change",
         "lint-set-not-null", "lint-not-null-without-default", "lint-constraint-not-valid",
         "lint-add-unique", "lint-rename", "lint-drop", "lint-lock-timeout",
         "lint-not-idempotent", "lint-blocking"]


# ---- statements: a small splitter with the lexical rules of src/model/sqllex.c ------------

def statements(text):
    """[(first_line0, last_line0, text, section)] of a migration file; section is the marker
    line ("-- migrate:up dialect:postgresql" …) or None before the first marker."""
    out, i, n = [], 0, len(text)
    start, section, depth = None, None, 0
    line = 0
    cur_line0 = None

    def flush(end):
        nonlocal start, cur_line0
        if start is not None:
            body = text[start:end].strip()
            if body:
                out.append((cur_line0, line, body, section))
        start, cur_line0 = None, None

    while i < n:
        c = text[i]
        if c == "\n":
            line += 1
            i += 1
            continue
        if c in " \t\r":
            i += 1
            continue
        if text.startswith("--", i):
            e = text.find("\n", i)
            e = n if e < 0 else e
            if start is None and text.startswith("-- migrate:", i):
                section = text[i:e].strip()
            i = e
            continue
        if text.startswith("/*", i):
            d, j = 1, i + 2
            while j < n and d:
                if text.startswith("/*", j):
                    d, j = d + 1, j + 2
                elif text.startswith("*/", j):
                    d, j = d - 1, j + 2
                else:
                    j += 1
            line += text.count("\n", i, j)
            i = j
            continue
        if start is None:
            start, cur_line0 = i, line
        if c in "'\"`":
            j = i + 1
            while j < n:
                if text[j] == c:
                    if j + 1 < n and text[j + 1] == c:
                        j += 2
                        continue
                    break
                if c == "'" and text[j] == "\\" and i > 0 and text[i - 1] in "eE":
                    j += 1
                j += 1
            line += text.count("\n", i, j + 1)
            i = j + 1
            continue
        if c == "$":
            m = re.match(r"\$([A-Za-z_][A-Za-z0-9_]*)?\$", text[i:])
            if m:
                tag = m.group(0)
                e = text.find(tag, i + len(tag))
                if e >= 0:
                    line += text.count("\n", i, e + len(tag))
                    i = e + len(tag)
                    continue
        if c == "(":
            depth += 1
        elif c == ")" and depth:
            depth -= 1
        elif c == ";" and depth == 0:
            flush(i)
            i += 1
            continue
        m = re.match(r"[A-Za-z_]+", text[i:])
        if m:
            i += len(m.group(0))
            continue
        i += 1
    flush(n)
    return out


# ---- corpus ---------------------------------------------------------------------------------

def lint_cases():
    """(name, [(file name, text)], cmig.yaml extra lines) per case of tests/data/lint."""
    d = os.path.join(ROOT, "tests/data/lint")
    for fn in sorted(os.listdir(d)):
        if not fn.endswith(".txt"):
            continue
        text = open(os.path.join(d, fn), encoding="utf-8").read()
        for k, chunk in enumerate(text.split("\n=== ")[1:]):
            head, _, body = chunk.partition("\n")
            opts = head[head.find("["):] if "[" in head else ""
            extra = ["dialects: [postgresql]"]
            m = re.search(r"pg=(\d+)", opts)
            if m:
                extra.append("postgresql_version: " + m.group(1))
            if "lock_timeout" in opts:
                extra.append("pg_lock_timeout: 5s")
            revs = body.split("--- rev\n")[1:]
            files = []
            for r, rev in enumerate(revs):
                hdr = "-- revision: r%d\n-- down_revision: %s\n" % (r, "r%d" % (r - 1) if r else "")
                files.append(("r%d_x.sql" % r, hdr + rev.split("\n=== ")[0]))
            yield ("%s#%d" % (fn[:-4], k + 1), files, extra)


def single_files():
    """The example as one project; each parseable test migration file as its own."""
    vdir = os.path.join(ROOT, "versions")
    yield ("example", [(f, open(os.path.join(vdir, f), encoding="utf-8").read())
                       for f in sorted(os.listdir(vdir)) if f.endswith(".sql")],
           ["dialects: [postgresql]"])
    for sub in ("tests/data/revfile", "tests/fuzz/corpus/revfile"):
        d = os.path.join(ROOT, sub)
        if not os.path.isdir(d):
            continue
        for f in sorted(os.listdir(d)):
            if not f.endswith(".sql"):
                continue
            text = open(os.path.join(d, f), encoding="utf-8", errors="replace").read()
            m = re.search(r"^-- revision: *([A-Za-z0-9_]+) *$", text, re.M)
            if not m or "-- migrate:up" not in text:
                continue
            text = re.sub(r"^-- down_revision:.*$", "-- down_revision:", text, count=1, flags=re.M)
            yield (sub.split("/")[-2] + "/" + f, [("%s_x.sql" % m.group(1), text)],
                   ["dialects: [postgresql]"])


# ---- running both tools ---------------------------------------------------------------------

def run_cmig(cmig, proj):
    r = subprocess.run([cmig, "check", "--lint", "--format", "json"], cwd=proj,
                       capture_output=True, text=True)
    try:
        doc = json.loads(r.stdout)
    except ValueError:
        return None
    if any(d["severity"] == "error" for d in doc["diagnostics"]):
        return None   # a file cmig refuses (parse error): not part of the corpus
    return [(os.path.basename(d["path"]), d["line"] - 1, d["code"]) for d in doc["diagnostics"]
            if d["code"].startswith("lint-") and d["code"] != "lint-ignore"]


def run_squawk(squawk, path, pg):
    r = subprocess.run([squawk, "--reporter", "json", "--pg-version", "%s.0" % pg, path],
                       capture_output=True, text=True)
    try:
        return json.loads(r.stdout or "[]")
    except ValueError:
        return []


# ---- reasons --------------------------------------------------------------------------------

def created_before(stmts, idx):
    """Names of tables created by statements before idx in the same section."""
    names = set()
    for s in stmts[:idx]:
        if s[3] != stmts[idx][3]:
            continue
        m = re.match(r"(?is)create\s+(?:temp\w*\s+|unlogged\s+)?table\s+(?:if\s+not\s+exists\s+)?([\w\".]+)", s[2])
        if m:
            names.add(m.group(1).strip('"').split(".")[-1].lower())
        m = re.match(r"(?is)alter\s+table\s+([\w\".]+)\s+rename\s+to\s+([\w\"]+)", s[2])
        if m and m.group(1).strip('"').lower() in names:
            names.add(m.group(2).strip('"').lower())
    return names


def touched_table(sql):
    m = re.match(r"(?is)(?:alter\s+table\s+(?:if\s+exists\s+)?(?:only\s+)?|create\s+(?:unique\s+)?index\s+(?:concurrently\s+)?(?:if\s+not\s+exists\s+)?[\w\"]*\s*on\s+(?:only\s+)?|drop\s+table\s+(?:if\s+exists\s+)?|lock\s+(?:table\s+)?)([\w\".]+)", sql)
    return m.group(1).strip('"').split(".")[-1].lower() if m else None


def reason(side, code, stmt, stmts, idx, extra, case, ctx):
    """Why cmig's answer is right, or None."""
    sql, section = stmt[2], stmt[3] or ""
    low = re.sub(r"\s+", " ", sql.lower())
    if code in ctx["ignored"]:
        return "silenced in the file with lint-ignore (a line above the statement or the header)"
    if side == "cmig" and ctx["squawk_syntax_error"]:
        return ("squawk stopped at a syntax error in this file (it parses the whole file as "
                "PostgreSQL, including dialect:sqlite sections and SQLite syntax)")
    if side == "squawk":
        if "migrate:down" in section:
            return ("down section: cmig lints the up sections (down ones with --lint-down, "
                    "never for lint-drop: dropping is a rollback's purpose)")
        if "dialect:sqlite" in section:
            return "a dialect:sqlite section never runs on PostgreSQL"
        if "dialect:" not in section and ctx["pg_section_for"](section):
            return ("an unmarked section that the file's dialect:postgresql section replaces "
                    "on PostgreSQL: it never runs there")
        m = re.match(r"(?is)drop\s+index\s+(?:if\s+exists\s+)?([\w\"]+)", sql)
        if m and ctx["index_created_on_new_table"](m.group(1).strip('"').lower()):
            return "the index was created earlier in the same section, on a table created there too"
        if code == "lint-not-null-without-default" and re.search(r"serial|identity|default", low):
            return ("the column has a default (a serial's nextval, an identity): NOT NULL does "
                    "not fail; cmig reports the rewrite as lint-volatile-default instead")
        if code == "lint-constraint-not-valid" and re.search(r"unique|primary key", low):
            return ("UNIQUE and PRIMARY KEY cannot be NOT VALID in PostgreSQL; cmig reports the "
                    "index build as lint-add-unique")
        if code == "lint-not-idempotent" and "transaction:false" not in section:
            return ("a transactional section rolls back whole on failure, so its re-run starts "
                    "clean; IF [NOT] EXISTS matters only in transaction:false sections")
        t = touched_table(sql)
        if t and t in created_before(stmts, idx):
            return "the table is created earlier in the same section: an empty new table blocks no one"
        if code == "lint-not-idempotent" and "transaction:false" not in section:
            return ("a transactional section rolls back whole on failure, so its re-run starts "
                    "clean; IF [NOT] EXISTS matters only in transaction:false sections")
        if code == "lint-lock-timeout" and any("pg_lock_timeout" in e for e in extra):
            return "pg_lock_timeout in cmig.yaml: cmig itself runs SET LOCAL lock_timeout first"
        if code == "lint-lock-timeout" and "transaction:false" in section:
            return ("transaction:false: each statement is its own transaction; a waiting "
                    "statement holds nothing yet, so no queue forms behind a held lock")
        if code == "lint-lock-timeout" and re.search(r"(?i)set\s+(local\s+)?lock_timeout", "\n".join(s[2] for s in stmts[:idx] if s[3] == stmt[3])):
            return "a SET lock_timeout earlier in the same section covers it"
        if code == "lint-lock-timeout":
            return ("the section takes no ACCESS EXCLUSIVE lock on an existing table (squawk "
                    "also asks for it before SHARE locks, e.g. CREATE INDEX)")
        if code == "lint-type-change":
            return ("the old type is known from the chain and the change needs no rewrite "
                    "(varchar(n) widened, to text, numeric precision raised)")
        if code == "lint-set-not-null":
            return ("a validated CHECK (c IS NOT NULL) exists (PostgreSQL 12+ skips the scan), "
                    "or the column is NOT NULL already")
        if code == "lint-volatile-default":
            return ("a constant or stable default (now()) on PostgreSQL 11+ is stored in the "
                    "catalog: no rewrite")
        if code == "lint-constraint-not-valid" and re.search(r"(?i)^alter table .* add (column )?", low) and "references" in low and "foreign key" not in low:
            return ("ADD COLUMN … REFERENCES: the new column is all NULL, there is nothing to "
                    "scan; not a form cmig lints")
        if code == "lint-constraint-not-valid" and "validate constraint" in low:
            return "VALIDATE CONSTRAINT is the safe second step (SHARE UPDATE EXCLUSIVE)"
        if code == "lint-not-idempotent" and "transaction:false" in section:
            if low.startswith("create index concurrently on") or re.match(r"create (unique )?index concurrently on", low):
                return ("an unnamed index cannot take IF NOT EXISTS; a re-run makes a second "
                        "index, it does not fail")
            if re.match(r"(insert|update|delete|select|create or replace|vacuum|cluster|reindex|analyze|set|lock|refresh|comment|grant)", low):
                return "the statement has no IF [NOT] EXISTS form"
        if code == "lint-add-unique" and "using index" in low:
            return "ADD … USING INDEX attaches an index built CONCURRENTLY: no build"
        if code == "lint-index-not-concurrent" and "concurrently" in low:
            return "written CONCURRENTLY"
        return None
    # cmig only
    if code == "lint-blocking":
        return "squawk has no rule for VACUUM FULL, CLUSTER or LOCK TABLE"
    if code == "lint-index-not-concurrent" and low.startswith("reindex"):
        return "squawk has no rule for REINDEX without CONCURRENTLY"
    if code == "lint-volatile-default" and re.search(r"serial|identity|stored", low):
        return ("squawk does not flag adding a serial/identity/STORED generated column, which "
                "fills every row under ACCESS EXCLUSIVE")
    if code == "lint-volatile-default" and re.search(r"clock_timestamp|timeofday|nextval|uuid_generate|gen_random_uuid|random", low):
        return "a volatile default squawk's list misses: every row gets its own value, a rewrite"
    if code == "lint-volatile-default":
        return "postgresql_version < 11: any non-NULL default rewrites the table"
    if code == "lint-type-change":
        return ("the old type is known from the chain (or unknown, which cmig says) and the "
                "change rewrites; squawk's rule misses this form")
    if code == "lint-lock-timeout" and re.search(r"(?i)set\s+(local\s+)?lock_timeout\s*(=|to)\s*'?0'?\s*($|;)", "\n".join(s[2] for s in stmts[:idx] if s[3] == stmt[3])):
        return "SET lock_timeout = 0 disables the timeout: the statement still waits forever"
    if code == "lint-lock-timeout" and low.startswith("drop index"):
        return "DROP INDEX (not CONCURRENTLY) takes ACCESS EXCLUSIVE on the index's table"
    if code == "lint-lock-timeout":
        return "an ACCESS EXCLUSIVE lock on an existing table with no lock_timeout in the section"
    if code == "lint-not-null-without-default" and "default null" in low:
        return "DEFAULT NULL is no default: the NOT NULL column still fails on the first row"
    if code == "lint-not-idempotent":
        return "a transaction:false statement without IF [NOT] EXISTS where its form has one"
    if code == "lint-set-not-null":
        return "SET NOT NULL with no validated CHECK (c IS NOT NULL) in the chain before it"
    if code == "lint-rename":
        return "a rename squawk's parser does not report in this form"
    if code == "lint-drop":
        return "a DROP squawk does not report in this form"
    if code == "lint-not-null-without-default":
        return "ADD COLUMN … NOT NULL without a default on an existing table fails"
    if code == "lint-constraint-not-valid":
        return "ADD CHECK / FOREIGN KEY without NOT VALID on an existing table"
    if code == "lint-add-unique":
        return "ADD UNIQUE / PRIMARY KEY without USING INDEX builds the index under ACCESS EXCLUSIVE"
    return None


# ---- main -----------------------------------------------------------------------------------

def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    cmig, squawk = os.path.abspath(sys.argv[1]), sys.argv[2]
    md_out = sys.argv[sys.argv.index("--markdown") + 1] if "--markdown" in sys.argv else None
    table = {c: [0, 0, 0, 0] for c in CODES}   # both, neither, cmig only, squawk only
    disagreements, nstmt, nproj, other_rules = [], 0, 0, defaultdict(int)
    unexplained = 0
    with tempfile.TemporaryDirectory() as tmp:
        for seq, (name, files, extra) in enumerate(list(lint_cases()) + list(single_files())):
            proj = os.path.join(tmp, "p%d" % seq)
            os.makedirs(os.path.join(proj, "versions"))
            with open(os.path.join(proj, "cmig.yaml"), "w") as f:
                f.write("database_url: sqlite:///x.db\n" + "\n".join(extra) + "\n")
            for fn, text in files:
                with open(os.path.join(proj, "versions", fn), "w", encoding="utf-8") as f:
                    f.write(text)
            found = run_cmig(cmig, proj)
            if found is None:
                continue
            nproj += 1
            pg = next((e.split()[1] for e in extra if e.startswith("postgresql_version")), "15")
            for fn, text in files:
                stmts = [s for s in statements(text) if s[3] and "migrate:" in s[3]]
                nstmt += len(stmts)
                sq = run_squawk(squawk, os.path.join(proj, "versions", fn), pg)
                first = [s[0] for s in stmts]

                def stmt_of(line0):
                    k = -1
                    for i, s in enumerate(stmts):
                        if s[0] <= line0:
                            k = i
                    return k
                c_set, s_set = set(), set()
                for (f, l0, code) in found:
                    if f == fn and stmt_of(l0) >= 0:
                        c_set.add((stmt_of(l0), code))
                for d in sq:
                    code = MAP.get(d["rule_name"])
                    if not code:
                        other_rules[d["rule_name"]] += 1
                        continue
                    k = stmt_of(d["line"])
                    if k >= 0:
                        s_set.add((k, code))
                # lock-timeout per section: keep the section's first statement as the key
                for st in (c_set, s_set):
                    lt = {(k, c) for (k, c) in st if c == "lint-lock-timeout"}
                    st -= lt
                    for sec in {stmts[k][3] for (k, _) in lt}:
                        st.add((min(k for (k, _) in lt if stmts[k][3] == sec), "lint-lock-timeout"))
                syntax_error = any(d["rule_name"] == "syntax-error" for d in sq)
                lines_of = text.split("\n")
                header_ignored = set()
                for m in re.finditer(r"^-- lint-ignore: *(.*)$", text.split("-- migrate:")[0], re.M):
                    header_ignored |= {c.strip() for c in m.group(1).split(",")}

                def ignored_at(k):
                    codes = set(header_ignored)
                    j = stmts[k][0] - 1
                    while j >= 0 and not lines_of[j].strip():
                        j -= 1
                    if j >= 0 and lines_of[j].strip().startswith("-- cmig:lint-ignore"):
                        codes |= {c.strip() for c in lines_of[j].strip()[len("-- cmig:lint-ignore"):].split(",")}
                    return codes

                def pg_section_for(section, stmts=stmts):
                    direction = "down" if "migrate:down" in section else "up"
                    return ("-- migrate:%s dialect:postgresql" % direction) in text

                def index_created_on_new_table(ix, k0=None, stmts=stmts):
                    for i, st in enumerate(stmts):
                        m = re.match(r"(?is)create\s+(?:unique\s+)?index\s+(?:if\s+not\s+exists\s+)?([\w\"]+)\s+on\s+([\w\".]+)", st[2])
                        if m and m.group(1).strip('"').lower() == ix and \
                                m.group(2).strip('"').split(".")[-1].lower() in created_before(stmts, i):
                            return True
                    return False
                for k in range(len(stmts)):
                    ctx = {"ignored": ignored_at(k), "squawk_syntax_error": syntax_error,
                           "pg_section_for": pg_section_for,
                           "index_created_on_new_table": index_created_on_new_table}
                    for code in CODES:
                        a, b = (k, code) in c_set, (k, code) in s_set
                        if code == "lint-lock-timeout" and not a and not b:
                            # per-section unit: count a section once
                            if any(stmts[j][3] == stmts[k][3] for j in range(k)):
                                continue
                        table[code][0 if a and b else 1 if not a and not b else 2 if a else 3] += 1
                        if a != b:
                            side = "cmig" if a else "squawk"
                            why = reason(side, code, stmts[k], stmts, k, extra, name, ctx)
                            if why is None:
                                unexplained += 1
                                why = "UNEXPLAINED"
                            disagreements.append((name, fn, stmts[k][0] + 1, code, side,
                                                  re.sub(r"\s+", " ", stmts[k][2])[:70], why))
    lines = []
    lines.append("Corpus: %d statements in %d projects (tests/data/lint cases, the bundled "
                 "example, tests/data/revfile and tests/fuzz/corpus/revfile)." % (nstmt, nproj))
    lines.append("")
    lines.append("| code | both flag | both clean | cmig only | squawk only | agreement |")
    lines.append("|---|---|---|---|---|---|")
    tot = [0, 0, 0, 0]
    for c in CODES:
        t = table[c]
        tot = [x + y for x, y in zip(tot, t)]
        n = sum(t)
        lines.append("| `%s` | %d | %d | %d | %d | %.0f%% |" % (c, t[0], t[1], t[2], t[3], 100.0 * (t[0] + t[1]) / n if n else 100))
    n = sum(tot)
    lines.append("| all | %d | %d | %d | %d | %.1f%% |" % (tot[0], tot[1], tot[2], tot[3], 100.0 * (tot[0] + tot[1]) / n))
    lines.append("")
    lines.append("squawk findings outside cmig's rule list (not compared): " +
                 ", ".join("%s %d" % (k, v) for k, v in sorted(other_rules.items())))
    lines.append("")
    lines.append("Every disagreement (%d):" % len(disagreements))
    lines.append("")
    lines.append("| case | line | code | flagged by | statement | why cmig is right |")
    lines.append("|---|---|---|---|---|---|")
    for (name, fn, line, code, side, sql, why) in disagreements:
        lines.append("| %s %s | %d | `%s` | %s | `%s` | %s |" % (name, fn, line, code, side,
                     sql.replace("|", "\\|").replace("`", "'"), why))
    text = "\n".join(lines) + "\n"
    if md_out:
        with open(md_out, "w") as f:
            f.write(text)
    print(text)
    if unexplained:
        print("%d UNEXPLAINED disagreement(s)" % unexplained, file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
