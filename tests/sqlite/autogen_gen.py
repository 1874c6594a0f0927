#!/usr/bin/env python3
"""Seeded random edits of a SQLite schema, for t640-autogen-property.sh.

  autogen_gen.py SEED BASE.sql OUT_SCHEMA.sql OUT_META

BASE.sql is a `cmig dump` (first line removed): one statement per `CREATE ...` line start.
The generator rewrites every CREATE TABLE one item a line, applies 1-3 random edits (add /
drop / alter column: type, NOT NULL, DEFAULT added, removed or changed in place, COLLATE
NOCASE, a foreign key's ON DELETE; add / drop / change a CHECK, add / drop a UNIQUE; add / drop
a table; rename a table or a column with a `-- cmig:renamed-from OLD` line; add / drop an index
(plain, unique, partial, expression, descending, collated), a view, a trigger) and writes:
  OUT_SCHEMA.sql  the edited schema (valid SQLite, loaded as it is by the test)
  OUT_META        `edit: ...` lines (what was done, for failure reports) and one line
                  `keep TABLE COL...` per table whose rows the test compares before and after:
                  the columns that exist on both sides and whose values cannot have changed.
                  A renamed table or column is written OLD:NEW (the test selects OLD at the
                  previous head and NEW after the upgrade).
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
            tables[m.group(1)] = {"cols": cols, "cons": cons, "colfrom": {}, "from": None}
        else:
            others.append(s)
    return tables, others


def colname(item):
    return item.split()[0].strip('"')


def render(tables, others):
    """The schema.sql text; renamed tables and columns get their `-- cmig:renamed-from` line."""
    out = []
    for name in sorted(tables):
        t = tables[name]
        cols = []
        for c in t["cols"]:
            old = t["colfrom"].get(colname(c))
            cols.append("-- cmig:renamed-from %s\n    %s" % (old, c) if old else c)
        head = "-- cmig:renamed-from %s\n" % t["from"] if t.get("from") else ""
        out.append("%sCREATE TABLE %s (\n    %s\n);" % (head, name, ",\n    ".join(cols + t["cons"])))
    for s in others:
        out.append(s + ";")
    return "\n".join(out) + "\n"


# (DEFAULT after SET is a foreign key's ON DELETE SET DEFAULT, inside REFERENCES)
CLAUSE = re.compile(r"\b(NOT\s+NULL|(?<!SET )DEFAULT|PRIMARY\s+KEY|UNIQUE|REFERENCES|CHECK|COLLATE|GENERATED|CONSTRAINT)\b", re.I)


def norm_col(item):
    """(name TYPE, its clauses sorted): the order clauses are written in carries no meaning."""
    item = " ".join(item.split())
    cuts, depth, quote = [], 0, None
    for m in CLAUSE.finditer(item):
        pre = item[:m.start()]
        if pre.count("(") == pre.count(")") and pre.count("'") % 2 == 0:
            cuts.append(m.start())
    head = item[:cuts[0]] if cuts else item
    parts = [item[a:b].strip() for a, b in zip(cuts, cuts[1:] + [len(item)])]
    return head.strip(), sorted(parts)


def affinity(typ):
    """SQLite's rules (datatype3.html 3.1), in their order."""
    t = typ.upper()
    if "INT" in t:
        return "INTEGER"
    if any(k in t for k in ("CHAR", "CLOB", "TEXT")):
        return "TEXT"
    if "BLOB" in t or not t:
        return "BLOB"
    if any(k in t for k in ("REAL", "FLOA", "DOUB")):
        return "REAL"
    return "NUMERIC"


def normalize(path):
    """An independent canonical text of a schema (the test's own, not cmig's differ)."""
    with open(path) as f:
        # identifiers quoted or not are the same (SQLite writes "new" into the text a RENAME
        # rewrites); the test's schemas have no double quote inside a string literal
        # and a `-- cmig:renamed-from` line SQLite keeps inside a table's text is no part of it
        tables, others = parse(re.sub(r"[ \t]*--[^\n]*\n", "", f.read().replace('"', "")))
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
            head, parts = norm_col(c)
            name = head.split()[0]
            col = []
            for part in parts:
                # an inline UNIQUE or REFERENCES is the table constraint UNIQUE (col) / FOREIGN
                # KEY (col) REFERENCES ...: batch mode writes the latter
                if part.upper() == "UNIQUE":
                    cons.append("UNIQUE (%s)" % name)
                elif part.upper().startswith("REFERENCES"):
                    cons.append("FOREIGN KEY (%s) %s" % (name, part))
                # BINARY is the collation a column without COLLATE has (batch mode writes it
                # when a COLLATE goes away)
                elif part.upper() != "COLLATE BINARY":
                    col.append(part)
            out.append("  col " + " ".join([head] + col))
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
    for t in tables:
        # where each table and column came from: the previous head's names (None: new)
        tables[t]["orig"] = t
        tables[t]["corig"] = {c: c for c in orig_cols[t]}
    changed = set()  # (original table, original column) whose rows may legitimately differ
    edits = []

    def names():
        """Tables the edits may touch: plain tables (the FTS5 table is a virtual table in `others`)."""
        return sorted(tables)

    def mark(t, c):
        o = tables[t]["corig"].get(c)
        if tables[t]["orig"] and o:
            changed.add((tables[t]["orig"], o))

    def word(name):
        return re.compile(r"\b%s\b" % re.escape(name))

    def own_index(s, t):
        return (s.startswith("CREATE INDEX") or s.startswith("CREATE UNIQUE INDEX")) and on_table(s, t)

    def referenced(table, col, own_indexes=False):
        """col is used outside its own column definition (own_indexes: outside it and the
        indexes of its table): leave it alone when dropping (renaming)."""
        if col == "id":
            return True
        w = word(col)
        for s in others:
            if w.search(s) and not (own_indexes and own_index(s, table)):
                return True
        for t in tables:
            for c in tables[t]["cons"]:
                if w.search(c):
                    return True
            for c in tables[t]["cols"]:
                if (t != table or colname(c) != col) and w.search(c[len(colname(c)):]):
                    return True
        return False

    def on_table(s, t):
        """s is an index or trigger on table t (it goes with t)."""
        return re.match(r"CREATE (UNIQUE )?(INDEX|TRIGGER)\b[^\n]*\bON %s\b" % re.escape(t), s) is not None

    def table_used(t):
        """t is named by another table, a view, a virtual table or a trigger on another table."""
        w = word(t)
        for u in tables:
            if u != t and any(w.search(x) for x in tables[u]["cols"] + tables[u]["cons"]):
                return True
        return any(w.search(s) and not on_table(s, t) for s in others)

    def add_column():
        t = rnd.choice(names())
        n = "c%d_%d" % (seed, len(edits))
        form = rnd.choice([
            "%s TEXT", "%s INTEGER", "%s REAL", "%s TEXT DEFAULT 'x'", "%s INTEGER NOT NULL DEFAULT 0",
            "%s TEXT NOT NULL DEFAULT ''", "%s INTEGER DEFAULT 7 CHECK (%s >= 0)", "%s TEXT NOT NULL",
            "%s TEXT UNIQUE", "%s TEXT COLLATE NOCASE", "%s INTEGER REFERENCES tags (id) ON DELETE SET NULL",
        ])
        tables[t]["cols"].append(form.replace("%s", n))
        return "add column %s.%s" % (t, n)

    def drop_column():
        cands = [(t, colname(c)) for t in names() for c in tables[t]["cols"] if not referenced(t, colname(c))]
        if not cands:
            return None
        t, c = rnd.choice(cands)
        tables[t]["cols"] = [x for x in tables[t]["cols"] if colname(x) != c]
        mark(t, c)
        tables[t]["corig"].pop(c, None)
        tables[t]["colfrom"].pop(c, None)
        return "drop column %s.%s" % (t, c)

    def new_default(item):
        """DEFAULT X changed in place to another constant of the same kind."""
        m = re.search(r"\bDEFAULT\s+('[^']*'|\S+)", item, re.I)
        old = m.group(1).rstrip(",")
        if old.startswith("'"):
            new = "'%s'" % (old[1:-1] + "y")
        elif re.match(r"-?\d+$", old):
            new = str(int(old) + 1)
        elif old.upper() in ("TRUE", "FALSE"):
            new = "TRUE" if old.upper() == "FALSE" else "FALSE"
        else:  # CURRENT_TIMESTAMP and other expressions
            new = "'2000-01-01 00:00:00'"
        return item[:m.start(1)] + new + item[m.start(1) + len(old):]

    def alter_column():
        kind = rnd.choice(["type", "null", "default", "default changed", "collate", "fk"])
        fits = {  # the columns each kind applies to
            "default changed": lambda c: re.search(r"\bDEFAULT\b", c, re.I),
            "collate": lambda c: re.match(r"\S+\s+TEXT\b", c, re.I),
            "fk": lambda c: re.search(r"\bREFERENCES\b", c, re.I),
        }.get(kind, lambda c: True)
        cands = [(t, i) for t in names() for i, c in enumerate(tables[t]["cols"])
                 if colname(c) != "id" and fits(c)]
        if not cands:
            return None
        t, i = rnd.choice(cands)
        item = tables[t]["cols"][i]
        name = colname(item)
        keeps = False  # the column's values cannot change (only its rules do)
        if kind == "type":
            m = re.match(r"(\S+)\s+(\w+)(.*)$", item, re.S)
            old = m.group(2).upper()
            # another affinity: types of one affinity are equal on SQLite (BOOLEAN is NUMERIC)
            new = rnd.choice([x for x in ["TEXT", "INTEGER", "REAL", "NUMERIC", "BLOB"]
                              if affinity(x) != affinity(old)])
            item = "%s %s%s" % (m.group(1), new, m.group(3))
        elif kind == "null":
            if re.search(r"\bNOT NULL\b", item, re.I):
                item = re.sub(r"\s*\bNOT NULL\b", "", item, count=1, flags=re.I)
            else:
                item = re.sub(r"^(\S+\s+\w+)", r"\1 NOT NULL", item, count=1)
        elif kind == "default changed":
            keeps = True
            item = new_default(item)
        elif kind == "default":
            if re.search(r"\bDEFAULT\b", item, re.I):
                item = re.sub(r"\s*\bDEFAULT\s+(\([^)]*\)|'[^']*'|\S+)", "", item, count=1, flags=re.I)
            else:
                item = re.sub(r"^(\S+\s+\w+)", r"\1 DEFAULT 42", item, count=1)
        elif kind == "collate":
            keeps = True
            if re.search(r"\bCOLLATE\b", item, re.I):
                item = re.sub(r"\s*\bCOLLATE\s+\w+", "", item, count=1, flags=re.I)
            elif re.match(r"\S+\s+TEXT\b", item, re.I):
                item += " COLLATE NOCASE"
        else:  # a foreign key's ON DELETE action
            keeps = True
            act = rnd.choice(["CASCADE", "SET NULL", "RESTRICT", "SET DEFAULT", ""])
            item = re.sub(r"\s*\bON DELETE (SET NULL|SET DEFAULT|NO ACTION|CASCADE|RESTRICT)", "", item, flags=re.I)
            m = re.search(r"\bREFERENCES\s+\w+\s*\([^)]*\)", item, re.I)
            if act:
                item = item[:m.end()] + " ON DELETE " + act + item[m.end():]
        if item == tables[t]["cols"][i]:
            return None
        tables[t]["cols"][i] = item
        if not keeps:
            mark(t, name)
        return "alter column %s.%s (%s): %s" % (t, name, kind, item)

    def add_constraint():
        t = rnd.choice(names())
        cols = [colname(c) for c in tables[t]["cols"]]
        c = rnd.choice(cols)
        c2 = rnd.choice(cols)
        n = "ck%d_%d" % (seed, len(edits))
        form = rnd.choice([
            "CONSTRAINT %s CHECK (%s IS NULL OR length(%s) < 100000)" % (n, c, c),
            "CONSTRAINT %s CHECK (%s IS NOT NULL)" % (n, c),
            "CONSTRAINT %s UNIQUE (%s)" % (n.replace("ck", "uq"), c),
            "UNIQUE (%s)" % ", ".join(sorted({c, c2})),
        ])
        tables[t]["cons"].append(form)
        return "add constraint on %s: %s" % (t, form)

    def change_check():
        """A CHECK (table constraint or inline) changed in place: a literal moved, or a term added."""
        cands = [(t, "cons", i) for t in names() for i, c in enumerate(tables[t]["cons"]) if re.search(r"\bCHECK\b", c)]
        cands += [(t, "cols", i) for t in names() for i, c in enumerate(tables[t]["cols"]) if re.search(r"\bCHECK\b", c)]
        if not cands:
            return None
        t, where, i = rnd.choice(cands)
        item = tables[t][where][i]
        k = item.upper().index("CHECK")
        nums = list(re.finditer(r"\b\d+\b", item[k:]))
        if nums:
            m = nums[-1]
            item = item[:k + m.start()] + str(int(m.group()) + 1) + item[k + m.end():]
        else:
            depth = 0
            for j in range(item.index("(", k), len(item)):
                depth += {"(": 1, ")": -1}.get(item[j], 0)
                if depth == 0:
                    break
            item = item[:j] + " AND 1 = 1" + item[j:]
        tables[t][where][i] = item
        return "change check on %s: %s" % (t, item)

    def drop_constraint():
        cands = [(t, i) for t in names() for i in range(len(tables[t]["cons"]))
                 if not re.match(r"PRIMARY\s+KEY", tables[t]["cons"][i], re.I)]
        inline = [(t, i) for t in names() for i, c in enumerate(tables[t]["cols"]) if re.search(r"\bUNIQUE\b", c)]
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
        t = rnd.choice(names())
        c = colname(rnd.choice(tables[t]["cols"]))
        c2 = colname(rnd.choice(tables[t]["cols"]))
        n = "ix%d_%d" % (seed, len(edits))
        form = rnd.choice([
            "CREATE INDEX %s ON %s (%s)" % (n, t, c),
            "CREATE INDEX %s ON %s (%s) WHERE %s IS NOT NULL" % (n, t, c, c),
            "CREATE UNIQUE INDEX %s ON %s (%s)" % (n, t, c),
            "CREATE INDEX %s ON %s (lower(%s))" % (n, t, c),
            "CREATE UNIQUE INDEX %s ON %s (%s) WHERE %s > 0" % (n, t, c, c2),
            "CREATE INDEX %s ON %s (%s DESC, %s)" % (n, t, c, c2) if c != c2 else "CREATE INDEX %s ON %s (%s DESC)" % (n, t, c),
            "CREATE INDEX %s ON %s (%s COLLATE NOCASE)" % (n, t, c),
            "CREATE INDEX %s ON %s (%s, length(%s))" % (n, t, c, c2),
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
        t = rnd.choice(names())
        cols = [colname(c) for c in tables[t]["cols"]]
        pick = rnd.sample(cols, min(len(cols), rnd.randint(1, 3)))
        n = "v%d_%d" % (seed, len(edits))
        form = "CREATE VIEW %s AS SELECT %s FROM %s" % (n, ", ".join(pick), t)
        if rnd.random() < 0.5:
            form += " WHERE %s IS NOT NULL" % pick[0]
        others.append(form)
        return "add view: " + form

    def add_trigger():
        t = rnd.choice(names())
        n = "tr%d_%d" % (seed, len(edits))
        ev = rnd.choice(["AFTER INSERT", "BEFORE DELETE", "AFTER UPDATE"])
        form = "CREATE TRIGGER %s %s ON %s BEGIN\n    SELECT RAISE(IGNORE) WHERE 0;\nEND" % (n, ev, t)
        others.append(form)
        return "add trigger: %s %s ON %s" % (n, ev, t)

    def add_table():
        """A new table: a PRIMARY KEY, maybe a FOREIGN KEY to a table with an id, maybe an index."""
        n = "t%d_%d" % (seed, len(edits))
        cols = ["id INTEGER PRIMARY KEY", "name TEXT NOT NULL"]
        cons = []
        shape = rnd.choice(["rowid", "rowid", "composite"])
        if shape == "composite":
            cols = ["k1 INTEGER NOT NULL", "k2 TEXT NOT NULL", "name TEXT"]
            cons.append("PRIMARY KEY (k1, k2)")
        parents = [t for t in names() if any(colname(c) == "id" for c in tables[t]["cols"])]
        if parents and rnd.random() < 0.6:
            p = rnd.choice(parents)
            act = rnd.choice(["", " ON DELETE CASCADE", " ON DELETE SET NULL"])
            if rnd.random() < 0.5:
                cols.append("ref_id INTEGER REFERENCES %s (id)%s" % (p, act))
            else:
                cols.append("ref_id INTEGER")
                cons.append("FOREIGN KEY (ref_id) REFERENCES %s (id)%s" % (p, act))
        if rnd.random() < 0.3:
            cons.append("UNIQUE (name)")
        tables[n] = {"cols": cols, "cons": cons, "colfrom": {}, "from": None, "orig": None, "corig": {}}
        if rnd.random() < 0.5:
            c = rnd.choice([colname(x) for x in cols if colname(x) != "id"])
            others.append("CREATE INDEX ix%s ON %s (%s)" % (n, n, c))
        return "add table %s: %s" % (n, "; ".join(cols + cons))

    def drop_table():
        """A table of the previous head that nothing references; its indexes and triggers go with it."""
        cands = [t for t in names() if tables[t]["orig"] and not table_used(t)]
        if not cands:
            return None
        t = rnd.choice(cands)
        del tables[t]
        others[:] = [s for s in others if not on_table(s, t)]
        return "drop table %s" % t

    def rename_table():
        """A table of the previous head renamed with a renamed-from line; every reference follows."""
        cands = [t for t in names() if tables[t]["orig"]
                 and not any(s.startswith("CREATE VIRTUAL") and word(t).search(s) for s in others)]
        if not cands:
            return None
        t = rnd.choice(cands)
        n = "%s_r%d" % (tables[t]["orig"], seed)
        if n in tables:
            return None
        w = word(t)
        tables[n] = tables.pop(t)
        tables[n]["from"] = tables[n]["orig"]
        for u in tables.values():
            u["cols"] = [w.sub(n, x) for x in u["cols"]]
            u["cons"] = [w.sub(n, x) for x in u["cons"]]
        others[:] = [w.sub(n, s) for s in others]
        return "rename table %s to %s" % (t, n)

    def unambiguous(t, c):
        """No other table has a column c and the FTS5 table does not name it: every word c in
        the schema is this column, so renaming the word everywhere renames the column."""
        w = word(c)
        return c != "id" and not any(c in [colname(x) for x in tables[u]["cols"]] for u in tables if u != t) \
            and not any(s.startswith("CREATE VIRTUAL") and w.search(s) for s in others)

    def rename_column():
        """A column of the previous head renamed with a hint: one that only its own definition
        and its table's indexes name (they follow), or one whose name is unambiguous (its
        table's constraints, views and triggers follow)."""
        cands = [(t, colname(c)) for t in names() for c in tables[t]["cols"]
                 if colname(c) in tables[t]["corig"]
                 and (not referenced(t, colname(c), True) or unambiguous(t, colname(c)))]
        if not cands:
            return None
        t, c = rnd.choice(cands)
        o = tables[t]["corig"][c]
        n = "%s_r%d" % (o, seed)
        if n in [colname(x) for x in tables[t]["cols"]]:
            return None
        w = word(c)
        everywhere = unambiguous(t, c)
        tables[t]["cols"] = [w.sub(n, x) if colname(x) == c or everywhere else x for x in tables[t]["cols"]]
        if everywhere:
            tables[t]["cons"] = [w.sub(n, x) for x in tables[t]["cons"]]
        others[:] = [w.sub(n, s) if own_index(s, t) or everywhere and not s.startswith("CREATE VIRTUAL") else s
                     for s in others]
        tables[t]["corig"][n] = tables[t]["corig"].pop(c)
        tables[t]["colfrom"].pop(c, None)
        tables[t]["colfrom"][n] = o
        return "rename column %s.%s to %s" % (t, c, n)

    ops = [add_column, drop_column, alter_column, alter_column, add_constraint, drop_constraint,
           change_check, add_index, lambda: drop_kind("INDEX"), add_view, lambda: drop_kind("VIEW"),
           add_trigger, lambda: drop_kind("TRIGGER"), add_table, drop_table, rename_table,
           rename_column]
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
            o = tables[t]["orig"]
            if not o:
                continue
            now = {v: k for k, v in tables[t]["corig"].items()}  # original name -> current name
            keep = [c if now[c] == c else "%s:%s" % (c, now[c])
                    for c in orig_cols[o] if c in now and (o, c) not in changed]
            if keep:
                f.write("keep %s %s\n" % (o if o == t else "%s:%s" % (o, t), " ".join(keep)))


if __name__ == "__main__":
    main()
