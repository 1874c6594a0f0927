#!/usr/bin/env python3
"""Seeded random edits of a SQLite schema, for t640-autogen-property.sh.

  autogen_gen.py SEED BASE.sql OUT_SCHEMA.sql OUT_META

BASE.sql is a `cmig dump` (first line removed): one statement per `CREATE ...` line start.
The generator rewrites every CREATE TABLE one item a line, applies 1-3 random edits (add /
drop / alter column, add / drop constraint, index, view, trigger) and writes:
  OUT_SCHEMA.sql  the edited schema (valid SQLite, loaded as it is by the test)
  OUT_META        `edit: ...` lines (what was done, for failure reports) and one line
                  `keep TABLE COL...` per table whose rows the test compares before and after:
                  the columns that exist on both sides and whose definition did not change.
Same SEED, same output: the only randomness is random.Random(SEED).
"""
import random
import re
import sys


def split_items(body):
    """Top-level comma split of a CREATE TABLE body."""
    items, depth, cur, quote = [], 0, [], None
    for ch in body:
        if quote:
            cur.append(ch)
            if ch == quote:
                quote = None
            continue
        if ch in "'\"":
            quote = ch
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "," and depth == 0:
            items.append("".join(cur).strip())
            cur = []
            continue
        cur.append(ch)
    if "".join(cur).strip():
        items.append("".join(cur).strip())
    return items


CONSTRAINT_START = re.compile(r"^(CONSTRAINT|PRIMARY\s+KEY|UNIQUE|CHECK|FOREIGN\s+KEY)\b", re.I)


def parse(text):
    stmts, cur = [], []
    for line in text.splitlines():
        if line.startswith("CREATE ") and cur:
            stmts.append("\n".join(cur).strip())
            cur = []
        cur.append(line)
    if cur:
        stmts.append("\n".join(cur).strip())
    tables, others = {}, []
    for s in stmts:
        s = s.rstrip(";").rstrip()
        m = re.match(r'^CREATE TABLE "?(\w+)"?\s*\(', s)
        if m:
            body = s[m.end():s.rindex(")")]
            items = split_items(body)
            cols = [i for i in items if not CONSTRAINT_START.match(i)]
            cons = [i for i in items if CONSTRAINT_START.match(i)]
            tables[m.group(1)] = {"cols": cols, "cons": cons}
        else:
            others.append(s)
    return tables, others


def colname(item):
    return item.split()[0].strip('"')


def render(tables, others):
    out = []
    for name in sorted(tables):
        t = tables[name]
        out.append("CREATE TABLE %s (\n    %s\n);" % (name, ",\n    ".join(t["cols"] + t["cons"])))
    for s in others:
        out.append(s + ";")
    return "\n".join(out) + "\n"


CLAUSE = re.compile(r"\b(NOT\s+NULL|DEFAULT|PRIMARY\s+KEY|UNIQUE|REFERENCES|CHECK|COLLATE|GENERATED|CONSTRAINT)\b", re.I)


def norm_col(item):
    """name TYPE + its clauses sorted: the order clauses are written in carries no meaning."""
    item = " ".join(item.split())
    cuts, depth, quote = [], 0, None
    for m in CLAUSE.finditer(item):
        pre = item[:m.start()]
        if pre.count("(") == pre.count(")") and pre.count("'") % 2 == 0:
            cuts.append(m.start())
    head = item[:cuts[0]] if cuts else item
    parts = [item[a:b].strip() for a, b in zip(cuts, cuts[1:] + [len(item)])]
    return " ".join([head.strip().replace('"', "")] + sorted(parts))


def normalize(path):
    """An independent canonical text of a schema (the test's own, not cmig's differ)."""
    with open(path) as f:
        tables, others = parse(f.read())
    out = []
    for name in sorted(tables):
        t = tables[name]
        out.append("TABLE %s" % name)
        # constraint names are not compared on SQLite (cmig's differ matches constraints by
        # definition and never renames there; SQLite itself ignores them)
        cons = [re.sub(r"^CONSTRAINT\s+\S+\s+", "", " ".join(c.split()), flags=re.I) for c in t["cons"]]
        # column order is not compared (as cmig's differ): a column dropped and added back by
        # a down section comes back last
        for c in sorted(t["cols"], key=colname):
            c = norm_col(c)
            # an inline UNIQUE is the table constraint UNIQUE (col): batch mode writes the latter
            if " UNIQUE" in c:
                c = c.replace(" UNIQUE", "", 1)
                cons.append("UNIQUE (%s)" % c.split()[0])
            out.append("  col " + c)
        out += sorted("  con " + c for c in cons)
    # index names neither: the differ matches indexes by definition and SQLite never renames
    # one (an index renamed in schema.sql with the same definition is no difference)
    out += sorted(re.sub(r"^(CREATE (UNIQUE )?INDEX) \S+ ON", r"\1 ON", " ".join(s.replace('"', "").split()))
                  for s in others)
    print("\n".join(out))


def main():
    if sys.argv[1] == "--norm":
        return normalize(sys.argv[2])
    seed, base, out_schema, out_meta = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
    rnd = random.Random(seed)
    with open(base) as f:
        tables, others = parse(f.read())
    orig_cols = {t: [colname(c) for c in tables[t]["cols"]] for t in tables}
    changed = set()  # (table, column) whose rows may legitimately differ
    edits = []
    # tables the edits may touch: plain tables (the FTS5 table is a virtual table in `others`)
    names = sorted(tables)

    def referenced(table, col):
        """col is used outside its own column definition: leave it alone when dropping."""
        if col == "id":
            return True
        word = re.compile(r"\b%s\b" % re.escape(col))
        for s in others:
            if word.search(s):
                return True
        for t in tables:
            for c in tables[t]["cons"]:
                if word.search(c):
                    return True
            for c in tables[t]["cols"]:
                if (t != table or colname(c) != col) and word.search(c[len(colname(c)):]):
                    return True
        return False

    def add_column():
        t = rnd.choice(names)
        n = "c%d_%d" % (seed, len(edits))
        form = rnd.choice([
            "%s TEXT", "%s INTEGER", "%s REAL", "%s TEXT DEFAULT 'x'", "%s INTEGER NOT NULL DEFAULT 0",
            "%s TEXT NOT NULL DEFAULT ''", "%s INTEGER DEFAULT 7 CHECK (%s >= 0)", "%s TEXT NOT NULL",
        ])
        tables[t]["cols"].append(form.replace("%s", n))
        return "add column %s.%s" % (t, n)

    def drop_column():
        cands = [(t, colname(c)) for t in names for c in tables[t]["cols"] if not referenced(t, colname(c))]
        if not cands:
            return None
        t, c = rnd.choice(cands)
        tables[t]["cols"] = [x for x in tables[t]["cols"] if colname(x) != c]
        changed.add((t, c))
        return "drop column %s.%s" % (t, c)

    def alter_column():
        cands = [(t, i) for t in names for i, c in enumerate(tables[t]["cols"]) if colname(c) != "id"]
        t, i = rnd.choice(cands)
        item = tables[t]["cols"][i]
        name = colname(item)
        kind = rnd.choice(["type", "null", "default"])
        if kind == "type":
            m = re.match(r"(\S+)\s+(\w+)(.*)$", item, re.S)
            old = m.group(2).upper()
            new = rnd.choice([x for x in ["TEXT", "INTEGER", "REAL", "NUMERIC", "BLOB"] if x != old])
            item = "%s %s%s" % (m.group(1), new, m.group(3))
        elif kind == "null":
            if re.search(r"\bNOT NULL\b", item, re.I):
                item = re.sub(r"\s*\bNOT NULL\b", "", item, count=1, flags=re.I)
            else:
                item = re.sub(r"^(\S+\s+\w+)", r"\1 NOT NULL", item, count=1)
        else:
            if re.search(r"\bDEFAULT\b", item, re.I):
                item = re.sub(r"\s*\bDEFAULT\s+(\([^)]*\)|'[^']*'|\S+)", "", item, count=1, flags=re.I)
            else:
                item = re.sub(r"^(\S+\s+\w+)", r"\1 DEFAULT 42", item, count=1)
        if item == tables[t]["cols"][i]:
            return None
        tables[t]["cols"][i] = item
        changed.add((t, name))
        return "alter column %s.%s (%s): %s" % (t, name, kind, item)

    def add_constraint():
        t = rnd.choice(names)
        cols = [colname(c) for c in tables[t]["cols"]]
        c = rnd.choice(cols)
        n = "ck%d_%d" % (seed, len(edits))
        form = rnd.choice([
            "CONSTRAINT %s CHECK (%s IS NULL OR length(%s) < 100000)" % (n, c, c),
            "CONSTRAINT %s CHECK (%s IS NOT NULL)" % (n, c),
            "CONSTRAINT %s UNIQUE (%s)" % (n.replace("ck", "uq"), c),
        ])
        tables[t]["cons"].append(form)
        return "add constraint on %s: %s" % (t, form)

    def drop_constraint():
        cands = [(t, i) for t in names for i in range(len(tables[t]["cons"]))]
        inline = [(t, i) for t in names for i, c in enumerate(tables[t]["cols"]) if re.search(r"\bUNIQUE\b", c)]
        if not cands and not inline:
            return None
        pick = rnd.choice(cands + inline)
        t, i = pick
        if pick in cands:
            gone = tables[t]["cons"].pop(i)
            return "drop constraint on %s: %s" % (t, gone)
        tables[t]["cols"][i] = re.sub(r"\s*\bUNIQUE\b", "", tables[t]["cols"][i], count=1)
        return "drop inline UNIQUE on %s: %s" % (t, tables[t]["cols"][i])

    def add_index():
        t = rnd.choice(names)
        c = colname(rnd.choice(tables[t]["cols"]))
        n = "ix%d_%d" % (seed, len(edits))
        form = rnd.choice([
            "CREATE INDEX %s ON %s (%s)" % (n, t, c),
            "CREATE INDEX %s ON %s (%s) WHERE %s IS NOT NULL" % (n, t, c, c),
            "CREATE UNIQUE INDEX %s ON %s (%s)" % (n, t, c),
            "CREATE INDEX %s ON %s (lower(%s))" % (n, t, c),
        ])
        others.append(form)
        return "add index: " + form

    def drop_kind(kind):
        cands = [i for i, s in enumerate(others) if re.match(r"CREATE (UNIQUE )?%s\b" % kind, s)]
        if not cands:
            return None
        gone = others.pop(rnd.choice(cands))
        return "drop %s: %s" % (kind.lower(), gone.splitlines()[0])

    def add_view():
        t = rnd.choice(names)
        cols = [colname(c) for c in tables[t]["cols"]]
        pick = rnd.sample(cols, min(len(cols), rnd.randint(1, 3)))
        n = "v%d_%d" % (seed, len(edits))
        form = "CREATE VIEW %s AS SELECT %s FROM %s" % (n, ", ".join(pick), t)
        if rnd.random() < 0.5:
            form += " WHERE %s IS NOT NULL" % pick[0]
        others.append(form)
        return "add view: " + form

    def add_trigger():
        t = rnd.choice(names)
        n = "tr%d_%d" % (seed, len(edits))
        ev = rnd.choice(["AFTER INSERT", "BEFORE DELETE", "AFTER UPDATE"])
        form = "CREATE TRIGGER %s %s ON %s BEGIN\n    SELECT RAISE(IGNORE) WHERE 0;\nEND" % (n, ev, t)
        others.append(form)
        return "add trigger: %s %s ON %s" % (n, ev, t)

    ops = [add_column, drop_column, alter_column, add_constraint, drop_constraint, add_index,
           lambda: drop_kind("INDEX"), add_view, lambda: drop_kind("VIEW"), add_trigger,
           lambda: drop_kind("TRIGGER")]
    want = rnd.randint(1, 3)
    tries = 0
    while len(edits) < want and tries < 50:
        tries += 1
        e = rnd.choice(ops)()
        if e:
            edits.append(e)
    with open(out_schema, "w") as f:
        f.write(render(tables, others))
    with open(out_meta, "w") as f:
        for e in edits:
            f.write("edit: %s\n" % e.replace("\n", " "))
        for t in sorted(tables):
            now = {colname(c) for c in tables[t]["cols"]}
            keep = [c for c in orig_cols[t] if c in now and (t, c) not in changed]
            if keep:
                f.write("keep %s %s\n" % (t, " ".join(keep)))


if __name__ == "__main__":
    main()
