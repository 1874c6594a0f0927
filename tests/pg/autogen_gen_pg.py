#!/usr/bin/env python3
"""Seeded random edits of a PostgreSQL schema, for t641-pg-autogen-property.sh.

  autogen_gen_pg.py SEED BASE.sql OUT_SCHEMA.sql OUT_META
  autogen_gen_pg.py --norm DUMP.sql      the test's canonical text of a dump, on stdout

The PostgreSQL twin of tests/sqlite/autogen_gen.py (same interface; META's `keep` lines name
renames too). BASE.sql is a PostgreSQL `cmig dump` (first line removed): statements end with
`;` at a line's end (outside dollar quotes), each CREATE TABLE has one column or `CONSTRAINT
name ...` item a line. The generator applies 1-3 random edits, one small function per kind,
chosen by the seed:
  - add / drop / alter column (type, NOT NULL, DEFAULT); add / drop constraint (CHECK, UNIQUE,
    FOREIGN KEY); add / drop an index, view, trigger with its function; a view, index,
    trigger or CHECK given another definition under its name; a function's body changed;
  - a new table (a primary key, maybe a foreign key to posts or tags, maybe an index, maybe
    a column of an enum or domain); a table nothing references dropped (its indexes,
    triggers, comments and grants with it);
  - a table or column renamed with a `-- cmig:renamed-from OLD` line (one nothing else
    names, so that schema.sql stays valid);
  - enums: a new type with a new column of it; a value added to a type of the start (maybe
    with a new column defaulting to it); a value removed (autogenerate must refuse);
  - domains: a new one (CHECK, DEFAULT, NOT NULL) with a column of it; the start's `score`
    given another CHECK / DEFAULT;
  - sequences: a new one (maybe a column's nextval default), one given other INCREMENT /
    START / CACHE (maybe descending);
  - identity: a new identity column (maybe with options), identity added to an existing
    integer column or dropped from one;
  - COMMENT ON TABLE / VIEW / COLUMN added, changed, removed; GRANT on a table or view to
    cmig_t641_role, or one of the GRANTs removed (a REVOKE).
It writes:
  OUT_SCHEMA.sql  the edited schema (valid PostgreSQL, loaded as it is by psql)
  OUT_META        `edit: ...` lines; `expect: refused` when an enum value of the start was
                  removed; `enum-added: TYPE...` when values were added to the start's enums;
                  `keep TABLE COL...` lines: the columns that exist on both sides and whose
                  definition did not change (their rows must survive), a renamed one as
                  OLD:NEW (table or column)
  OUT_META.down.sql  with enum-added only: the start with those values, which is what a
                  downgrade gives back (PostgreSQL cannot remove an enum value)
Same SEED, same output: the only randomness is random.Random(SEED). The edits keep
dependencies valid (a column a view, index, constraint or generated column uses is not
dropped or renamed; a primary key a foreign key points at stays; a table another table,
view or function names is not dropped or renamed), so that most seeds reach cmig.
"""
import importlib.util
import os
import random
import re
import sys

# the top-level comma split of a CREATE TABLE body is the SQLite generator's (one copy);
# loaded without writing its bytecode into the source tree
sys.dont_write_bytecode = True
_spec = importlib.util.spec_from_file_location(
    "autogen_gen", os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "sqlite", "autogen_gen.py"))
_sqlite_gen = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_sqlite_gen)
split_items = _sqlite_gen.split_items

DOLLAR = re.compile(r"\$[A-Za-z_0-9]*\$")


def statements(text):
    """The statements of a dump, each without its final `;` (dollar-quoted bodies kept whole)."""
    out, cur, tag = [], [], None
    for line in text.splitlines():
        if not cur and not line.strip():
            continue
        cur.append(line)
        for m in DOLLAR.finditer(line):
            if tag is None:
                tag = m.group(0)
            elif m.group(0) == tag:
                tag = None
        if tag is None and line.rstrip().endswith(";"):
            out.append("\n".join(cur).rstrip()[:-1].rstrip())
            cur = []
    if "".join(cur).strip():
        out.append("\n".join(cur).strip())
    return out


def parse(text):
    """(tables: name -> {cols, cons} in dump order, pre: SET, types, domains, sequences and
    functions (in the dump's order: they come before the tables), others)."""
    tables, pre, others = {}, [], []
    for s in statements(text):
        m = re.match(r'^CREATE TABLE "?(\w+)"?\s*\(', s)
        if m:
            items = split_items(s[m.end():s.rindex(")")])
            tables[m.group(1)] = {
                "cols": [i for i in items if not i.startswith("CONSTRAINT ")],
                "cons": [i for i in items if i.startswith("CONSTRAINT ")],
            }
        elif re.match(r"^(SET |CREATE (OR REPLACE )?FUNCTION |CREATE (TYPE|DOMAIN|SEQUENCE) )", s):
            pre.append(s)
        else:
            others.append(s)
    return tables, pre, others


def colname(item):
    return item.split()[0].strip('"')


COL_CLAUSE = re.compile(r"\s+(DEFAULT|NOT NULL|NULL|GENERATED|COLLATE|CONSTRAINT|CHECK|UNIQUE|PRIMARY KEY|REFERENCES)\b")


# a DEFAULT clause: its expression runs to the next clause or the item's end
DEFAULT = re.compile(r"(\s*)\bDEFAULT\s+.*?(?=\s+(NOT NULL|NULL|CHECK|UNIQUE|REFERENCES|GENERATED|COLLATE|CONSTRAINT|PRIMARY KEY)\b|$)")


def coltype(item):
    """The type of a column item: what follows the name up to its first clause."""
    rest = item[len(item.split()[0]):]
    m = COL_CLAUSE.search(rest)
    return (rest[:m.start()] if m else rest).strip()


REFS = re.compile(r"REFERENCES (\w+)\(")


def render(tables, pre, others):
    """A table after the tables it references: the dump's order, a table moved after those
    its columns' REFERENCES name; a table-level FOREIGN KEY to a table not yet created (a
    cycle) becomes an ALTER TABLE after all of them, as pg_dump writes it."""
    out = [s + ";" for s in pre]
    placed, later = [], []
    while len(placed) < len(tables):
        def ready(name, soft):
            t = tables[name]
            need = {r for c in t["cols"] for r in REFS.findall(c)}
            if soft:
                need |= {r for c in t["cons"] for r in REFS.findall(c)}
            return not (need - set(placed) - {name})
        todo = [n for n in tables if n not in placed]
        name = next((n for n in todo if ready(n, True)), None) or next(n for n in todo if ready(n, False))
        t = tables[name]
        cons = [c for c in t["cons"] if set(REFS.findall(c)) - set(placed) - {name}]
        later += ["ALTER TABLE %s ADD %s;" % (name, c) for c in cons]
        # `-- cmig:renamed-from OLD` directly above a renamed table's or column's line
        hints = t.get("hints", {})
        items = [("-- cmig:renamed-from %s\n    " % hints[colname(c)] if colname(c) in hints else "") + c
                 for c in t["cols"]] + [c for c in t["cons"] if c not in cons]
        out.append("%sCREATE TABLE %s (\n    %s\n);" % (
            "-- cmig:renamed-from %s\n" % t["from"] if t.get("from") else "", name, ",\n    ".join(items)))
        placed.append(name)
    out += later + [s + ";" for s in others]
    return "\n".join(out) + "\n"


def normalize(path):
    """The test's canonical text of a dump: tables by name, their columns by name (column
    order is not compared: a column a down section adds back comes last), constraints sorted,
    other statements sorted, whitespace collapsed. Names (constraints, indexes) are kept:
    on PostgreSQL they are part of the schema."""
    with open(path) as f:
        tables, pre, others = parse(f.read())
    out = []
    for name in sorted(tables):
        t = tables[name]
        out.append("TABLE %s" % name)
        out += ["  col " + " ".join(c.split()) for c in sorted(t["cols"], key=colname)]
        out += sorted("  con " + " ".join(c.split()) for c in t["cons"])
    out += sorted(" ".join(s.split()) for s in pre + others)
    print("\n".join(out))


ENUM = re.compile(r"^CREATE TYPE (\w+) AS ENUM \((.*)\)$", re.S)


def enums(pre):
    """name -> its labels, in order, of the enum types among pre's statements."""
    out = {}
    for s in pre:
        m = ENUM.match(s)
        if m:
            out[m.group(1)] = re.findall(r"'((?:[^']|'')*)'", m.group(2))
    return out


def enum_sql(name, labels):
    return "CREATE TYPE %s AS ENUM (%s)" % (name, ", ".join("'%s'" % x for x in labels))


# a constant default of each type family the generator uses
def default_for(typ, pre=()):
    t = typ.lower()
    labels = enums(pre).get(t)
    if labels:
        return "'%s'" % labels[0]
    dom = next((re.match(r"CREATE DOMAIN \w+ AS (\S+)", s) for s in pre if s.startswith("CREATE DOMAIN %s " % t)), None)
    if dom:
        t = dom.group(1)
    if t in ("integer", "bigint", "smallint", "numeric", "double precision", "real"):
        return "42"
    if t == "boolean":
        return "true"
    if t.startswith("timestamp"):
        return "CURRENT_TIMESTAMP"
    if t == "date":
        return "'2026-01-01'"
    if t == "tsvector":
        return "''"
    return "'d'"


TYPES = ["text", "integer", "bigint", "numeric", "double precision", "character varying(40)",
         "boolean", "timestamp without time zone", "date"]

FAMILIES = [["text", "character varying(40)"], ["integer", "bigint", "numeric", "double precision"],
            ["timestamp without time zone", "date"]]

# the role the grants name: created by t641 (roles are cluster-wide, so a name of its own)
ROLE = "cmig_t641_role"

TRIGGER_FN = """CREATE FUNCTION %s() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$"""


def main():
    if sys.argv[1] == "--norm":
        return normalize(sys.argv[2])
    seed, base, out_schema, out_meta = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
    rnd = random.Random(seed)
    with open(base) as f:
        tables, pre, others = parse(f.read())
    base_enums = enums(pre)
    # the original (table, column) of each column now in the schema (renames follow it)
    origin = {(t, colname(c)): (t, colname(c)) for t in tables for c in tables[t]["cols"]}
    changed = set()  # original (table, column)s whose rows may legitimately differ
    edits = []
    names = list(tables)

    def change(t, c):
        if (t, c) in origin:
            changed.add(origin[(t, c)])

    def word(w):
        return re.compile(r"\b%s\b" % re.escape(w))

    def referenced(table, col):
        """col is used outside its own column definition (by name: conservative)."""
        if col == "id":
            return True
        w = word(col)
        # comments and grants follow a column (drop_column, rename_column): they do not count
        if any(w.search(s) for s in others if not s.startswith(("COMMENT ON ", "GRANT "))):
            return True
        for t in tables:
            for c in tables[t]["cons"]:
                if w.search(c) and (t == table or re.search(r"REFERENCES %s\b" % table, c)):
                    return True
            for c in tables[t]["cols"]:
                if t == table and colname(c) != col and w.search(c[len(colname(c)):]):
                    return True
        return False

    def in_foreign_key(table, col):
        return any(re.search(r"FOREIGN KEY \(([^)]*\b%s\b[^)]*)\)" % re.escape(col), c)
                   for c in tables[table]["cons"]) or \
            any(re.search(r"REFERENCES %s\(%s\)" % (table, col), c) for t in tables for c in tables[t]["cons"])

    def is_generated(item):
        return " GENERATED " in item

    def add_column():
        t = rnd.choice(names)
        n = "c%d_%d" % (seed, len(edits))
        form = rnd.choice([
            "%s text", "%s integer", "%s double precision", "%s text DEFAULT 'x'",
            "%s integer NOT NULL DEFAULT 0", "%s text NOT NULL DEFAULT ''",
            "%s integer DEFAULT 7 CHECK (%s >= 0)", "%s text NOT NULL", "%s boolean DEFAULT false",
            "%s character varying(20) UNIQUE", "%s timestamp without time zone DEFAULT now()",
            "%s integer REFERENCES tags(id) ON DELETE SET NULL", "%s numeric(10,2) DEFAULT 1.5",
        ])
        tables[t]["cols"].append(form.replace("%s", n))
        return "add column %s.%s" % (t, n)

    def drop_column():
        cands = [(t, colname(c)) for t in names for c in tables[t]["cols"] if not referenced(t, colname(c))]
        if not cands:
            return None
        t, c = rnd.choice(cands)
        tables[t]["cols"] = [x for x in tables[t]["cols"] if colname(x) != c]
        change(t, c)
        # its comment goes with it
        others[:] = [x for x in others if not re.match(r"COMMENT ON COLUMN %s\.%s IS " % (t, c), x)]
        return "drop column %s.%s" % (t, c)

    def alter_column():
        kind = rnd.choice(["type", "null", "default"])
        cands = [(t, i) for t in names for i, c in enumerate(tables[t]["cols"])
                 if colname(c) != "id" and " IDENTITY" not in c
                 and not (kind != "null" and is_generated(c))
                 and not (kind == "type" and in_foreign_key(t, colname(c)))]
        t, i = rnd.choice(cands)
        item = tables[t]["cols"][i]
        name = colname(item)
        if kind == "type":
            old = coltype(item)
            # a column a constraint, view, index or expression uses keeps to its type's family
            # (text to integer there would make schema.sql itself fail: a refusal, a wasted seed)
            pool = TYPES
            if referenced(t, name):
                pool = next((f for f in FAMILIES if old in f or old.startswith("character varying") and "text" in f), [])
            pool = [x for x in pool if x != old]
            if not pool:
                return None
            new = rnd.choice(pool)
            rest = item[len(name) + 1 + len(old):]
            # a default of the old type need not cast to the new one: give it one of the new
            rest = DEFAULT.sub(lambda m: m.group(1) + "DEFAULT " + default_for(new, pre), rest)
            item = "%s %s%s" % (name, new, rest)
        elif kind == "null":
            if re.search(r"\bNOT NULL\b", item):
                item = re.sub(r"\s*\bNOT NULL\b", "", item, count=1)
            else:
                item += " NOT NULL"
        elif re.search(r"\bDEFAULT\b", item):
            item = DEFAULT.sub("", item, count=1)
        else:
            typ = coltype(item)
            item = "%s %s DEFAULT %s%s" % (name, typ, default_for(typ, pre), item[len(name) + 1 + len(typ):])
        if item == tables[t]["cols"][i]:
            return None
        tables[t]["cols"][i] = item
        change(t, name)
        return "alter column %s.%s (%s): %s" % (t, name, kind, item)

    def add_constraint():
        kind = rnd.choice(["check", "check", "unique", "fk"])
        if kind == "fk":
            cands = [(t, colname(c)) for t in names for c in tables[t]["cols"]
                     if coltype(c) in ("integer", "bigint") and " IDENTITY" not in c]
            if not cands:
                return None
            t, cn = rnd.choice(cands)
            form = "CONSTRAINT fk%d_%d FOREIGN KEY (%s) REFERENCES %s(id)%s" % (
                seed, len(edits), cn, rnd.choice(["posts", "tags"]), rnd.choice(["", " ON DELETE CASCADE"]))
        else:
            t = rnd.choice(names)
            cn = colname(rnd.choice(tables[t]["cols"]))
            form = rnd.choice([
                "CONSTRAINT ck%d_%d CHECK (%s IS NULL OR length(%s::text) < 100000)" % (seed, len(edits), cn, cn),
                "CONSTRAINT ck%d_%d CHECK (%s IS NOT NULL)" % (seed, len(edits), cn),
            ]) if kind == "check" else "CONSTRAINT uq%d_%d UNIQUE (%s)" % (seed, len(edits), cn)
        tables[t]["cons"].append(form)
        return "add constraint on %s: %s" % (t, form)

    def drop_constraint():
        def needed(t, c):
            # a primary key or unique constraint a foreign key points at
            m = re.match(r"CONSTRAINT \S+ (PRIMARY KEY|UNIQUE) \(([^)]*)\)", c)
            return m and any(re.search(r"REFERENCES %s\(%s\)" % (t, m.group(2)), x)
                             for u in tables for x in tables[u]["cons"])
        cands = [(t, i) for t in names for i, c in enumerate(tables[t]["cons"]) if not needed(t, c)]
        if not cands:
            return None
        t, i = rnd.choice(cands)
        gone = tables[t]["cons"].pop(i)
        return "drop constraint on %s: %s" % (t, gone)

    def add_index():
        t = rnd.choice(names)
        c = rnd.choice(tables[t]["cols"])
        cn = colname(c)
        n = "ix%d_%d" % (seed, len(edits))
        forms = [
            "CREATE INDEX %s ON %s (%s)" % (n, t, cn),
            "CREATE INDEX %s ON %s (%s) WHERE %s IS NOT NULL" % (n, t, cn, cn),
            "CREATE UNIQUE INDEX %s ON %s (%s)" % (n, t, cn),
            "CREATE INDEX %s ON %s (%s DESC)" % (n, t, cn),
        ]
        if coltype(c) in ("text", "character varying(40)", "character varying(20)"):
            # an index expression must be immutable: lower() of a text column is
            forms.append("CREATE INDEX %s ON %s (lower(%s))" % (n, t, cn))
        form = rnd.choice(forms)
        others.append(form)
        return "add index: " + form

    def drop_kind(kind):
        cands = [i for i, s in enumerate(others) if re.match(r"CREATE (UNIQUE )?%s\b" % kind, s)]
        if not cands:
            return None
        gone = others.pop(rnd.choice(cands))
        if kind == "VIEW":  # its comments and grants go with it
            drop_attached(re.match(r"CREATE VIEW (\S+)", gone).group(1))
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
        fn = n + "_fn"
        pre.append(TRIGGER_FN % fn)
        ev = rnd.choice(["AFTER INSERT", "BEFORE DELETE", "AFTER UPDATE", "BEFORE INSERT OR UPDATE"])
        each = rnd.choice(["FOR EACH ROW", "FOR EACH STATEMENT"])
        others.append("CREATE TRIGGER %s %s ON %s %s EXECUTE FUNCTION %s()" % (n, ev, t, each, fn))
        return "add trigger: %s %s ON %s %s, function %s" % (n, ev, t, each, fn)

    def drop_trigger():
        cands = [i for i, s in enumerate(others) if s.startswith("CREATE TRIGGER ")]
        if not cands:
            return None
        gone = others.pop(rnd.choice(cands))
        fn = re.search(r"EXECUTE FUNCTION (\w+)\(", gone).group(1)
        what = "drop trigger: " + gone.splitlines()[0]
        # its function too, half the time, when no other trigger uses it
        if rnd.random() < 0.5 and not any(re.search(r"\b%s\(" % fn, s) for s in others):
            pre[:] = [s for s in pre if not re.search(r"FUNCTION (public\.)?%s\(" % fn, s)]
            what += " and function " + fn
        return what

    # altering a column has three kinds (type, NOT NULL, DEFAULT): it comes up twice as often
    # the same name, another definition: the old object must go before the new one comes
    def redefine(kind):
        cands = [i for i, s in enumerate(others) if re.match(r"CREATE (UNIQUE )?%s " % kind, s)]
        if not cands:
            return None
        i = rnd.choice(cands)
        old = others[i]
        name = re.match(r"CREATE (UNIQUE )?%s (\S+)" % kind, old).group(2)
        if kind == "VIEW":
            t = rnd.choice(names)
            cols = [colname(c) for c in tables[t]["cols"]]
            pick = rnd.sample(cols, min(len(cols), rnd.randint(1, 3)))
            new = "CREATE VIEW %s AS SELECT %s FROM %s WHERE %s IS NOT NULL" % (name, ", ".join(pick), t, pick[0])
        elif kind == "INDEX":
            t = re.search(r" ON (public\.)?(\w+)", old).group(2)
            c = colname(rnd.choice(tables[t]["cols"]))
            new = "CREATE INDEX %s ON %s (%s)%s" % (name, t, c, rnd.choice(["", " WHERE %s IS NOT NULL" % c]))
        else:
            m = re.search(r" ON (public\.)?(\w+) .*EXECUTE FUNCTION (\w+)\(", old)
            new = "CREATE TRIGGER %s %s ON %s FOR EACH ROW EXECUTE FUNCTION %s()" % (
                name, rnd.choice(["BEFORE INSERT", "AFTER DELETE", "AFTER INSERT OR UPDATE"]), m.group(2), m.group(3))
        if " ".join(new.split()) == " ".join(old.split()):
            return None
        others[i] = new
        return "redefine %s: %s" % (kind.lower(), new)

    def redefine_check():
        cands = [(t, i) for t in names for i, c in enumerate(tables[t]["cons"]) if " CHECK " in c]
        if not cands:
            return None
        t, i = rnd.choice(cands)
        name = tables[t]["cons"][i].split()[1]
        c = colname(rnd.choice(tables[t]["cols"]))
        tables[t]["cons"][i] = "CONSTRAINT %s CHECK (%s IS NOT NULL)" % (name, c)
        return "redefine check on %s: %s" % (t, tables[t]["cons"][i])

    def change_function():
        cands = [i for i, s in enumerate(pre) if " FUNCTION " in s]
        if not cands:
            return None
        i = rnd.choice(cands)
        pre[i] = re.sub(r"\bBEGIN\n", "BEGIN\n    PERFORM %d;\n" % seed, pre[i], count=1)
        return "change function body: " + pre[i].splitlines()[0]

    # -- whole tables ------------------------------------------------------------------
    def on_table(stmt, t):
        """stmt (an index, trigger, comment or grant) belongs to table or view t."""
        return re.search(r" ON (public\.)?%s " % re.escape(t), stmt) or \
            re.match(r"COMMENT ON (TABLE|VIEW) %s IS |COMMENT ON COLUMN %s\.|GRANT .* ON TABLE %s TO "
                     % ((re.escape(t),) * 3), stmt)

    def drop_attached(t):
        """the comments and grants of a table or view that goes"""
        others[:] = [x for x in others if not (x.startswith(("COMMENT ON ", "GRANT ")) and on_table(x, t))]

    def table_used(t):
        """another table's foreign key, a view or a function names t"""
        w = word(t)
        return any(re.search(r"REFERENCES %s\(" % t, c) for u in tables if u != t
                   for c in tables[u]["cols"] + tables[u]["cons"]) or \
            any(w.search(x) for x in others if x.startswith("CREATE VIEW ")) or any(w.search(x) for x in pre)

    def add_table():
        n = "nt%d_%d" % (seed, len(edits))
        cols = [rnd.choice(["id integer GENERATED BY DEFAULT AS IDENTITY NOT NULL", "id bigint NOT NULL",
                            "id integer GENERATED ALWAYS AS IDENTITY NOT NULL"])]
        cons = ["CONSTRAINT %s_pkey PRIMARY KEY (id)" % n]
        pool = ["label text NOT NULL", "amount numeric(10,2) DEFAULT 0", "note character varying(40)",
                "post_id integer NOT NULL", "tag_id integer", "created_at timestamp without time zone DEFAULT now()"]
        pool += ["state %s DEFAULT '%s'" % (e, l[0]) for e, l in enums(pre).items()]
        pool += ["rating %s" % d for d in re.findall(r"^CREATE DOMAIN (\w+) ", "\n".join(pre), re.M)]
        for c in rnd.sample(pool, rnd.randint(1, 3)):
            cols.append(c)
            if c.startswith(("post_id", "tag_id")) and rnd.random() < 0.8:
                ref = "posts" if c.startswith("post_id") else "tags"
                cons.append("CONSTRAINT %s_%s_fkey FOREIGN KEY (%s) REFERENCES %s(id)%s" % (
                    n, colname(c), colname(c), ref, rnd.choice(["", " ON DELETE CASCADE", " ON DELETE SET NULL"]
                                                              if c.startswith("tag_id") else ["", " ON DELETE CASCADE"])))
        tables[n] = {"cols": cols, "cons": cons}
        names.append(n)
        what = "add table %s (%s)" % (n, ", ".join(cols + cons))
        if len(cols) > 1 and rnd.random() < 0.6:
            ix = "CREATE INDEX %s_ix ON %s (%s)" % (n, n, colname(cols[-1]))
            others.append(ix)
            what += "; " + ix
        return what

    def drop_table():
        cands = [t for t in names if not table_used(t)]
        if not cands:
            return None
        t = rnd.choice(cands)
        del tables[t]
        names.remove(t)
        for k in [k for k in origin if k[0] == t]:
            del origin[k]
        # its indexes, triggers, comments and grants go with it (a trigger's function stays)
        others[:] = [x for x in others if not on_table(x, t)]
        return "drop table " + t

    def rename_table():
        cands = [t for t in names if not table_used(t) and not tables[t].get("from")]
        if not cands:
            return None
        t = rnd.choice(cands)
        n = "%s_r%d" % (t, seed)
        tables[n] = tables.pop(t)
        tables[n]["from"] = t
        names[names.index(t)] = n
        for k in [k for k in origin if k[0] == t]:
            origin[(n, k[1])] = origin.pop(k)
        for i, x in enumerate(others):
            if on_table(x, t):
                x = re.sub(r" ON (public\.)?%s " % t, r" ON \g<1>%s " % n, x)
                x = re.sub(r"^COMMENT ON (TABLE|COLUMN) %s\b" % t, r"COMMENT ON \g<1> %s" % n, x)
                others[i] = re.sub(r" ON TABLE %s TO " % t, " ON TABLE %s TO " % n, x)
        return "rename table %s to %s (renamed-from)" % (t, n)

    def rename_column():
        cands = [(t, i) for t in names for i, c in enumerate(tables[t]["cols"])
                 if not referenced(t, colname(c)) and not is_generated(c) and not in_foreign_key(t, colname(c))
                 and colname(c) not in tables[t].get("hints", {})]
        if not cands:
            return None
        t, i = rnd.choice(cands)
        c = colname(tables[t]["cols"][i])
        n = "%s_r%d" % (c, seed)
        tables[t]["cols"][i] = n + tables[t]["cols"][i][len(tables[t]["cols"][i].split()[0]):]
        tables[t].setdefault("hints", {})[n] = c
        if (t, c) in origin:
            origin[(t, n)] = origin.pop((t, c))
        others[:] = [re.sub(r"^COMMENT ON COLUMN %s\.%s IS " % (t, c), "COMMENT ON COLUMN %s.%s IS " % (t, n), x)
                     for x in others]
        return "rename column %s.%s to %s (renamed-from)" % (t, c, n)

    # -- types: enums, domains, sequences, identity ------------------------------------------
    def add_type(stmt):
        """a type, domain or sequence goes before the functions and tables"""
        pre.insert(1 if pre and pre[0].startswith("SET ") else 0, stmt)

    def add_enum_column():
        n = "en%d_%d" % (seed, len(edits))
        labels = rnd.sample(["red", "green", "blue", "it''s", "ünï"], rnd.randint(1, 3))
        add_type(enum_sql(n, labels))
        t = rnd.choice(names)
        c = "c%d_%d" % (seed, len(edits))
        tables[t]["cols"].append("%s %s%s" % (c, n, rnd.choice(["", " DEFAULT '%s'" % labels[-1],
                                                                 " DEFAULT '%s' NOT NULL" % labels[0]])))
        return "add enum %s (%s) and column %s.%s" % (n, ", ".join(labels), t, c)

    def base_enum():
        cands = [i for i, x in enumerate(pre) if ENUM.match(x) and ENUM.match(x).group(1) in base_enums]
        return rnd.choice(cands) if cands else None

    def add_enum_value():
        i = base_enum()
        if i is None:
            return None
        name = ENUM.match(pre[i]).group(1)
        labels = enums([pre[i]])[name]
        new = "v%d_%d" % (seed, len(edits))
        at = rnd.randint(0, len(labels))
        labels.insert(at, new)
        pre[i] = enum_sql(name, labels)
        what = "add value %s to enum %s (place %d)" % (new, name, at)
        if rnd.random() < 0.5:
            # a column whose default is the new value: the value must be committed first
            t = rnd.choice(names)
            c = "c%d_%d" % (seed, len(edits))
            tables[t]["cols"].append("%s %s DEFAULT '%s'" % (c, name, new))
            what += " and column %s.%s defaulting to it" % (t, c)
        return what

    def remove_enum_value():
        i = base_enum()
        if i is None:
            return None
        name = ENUM.match(pre[i]).group(1)
        labels = enums([pre[i]])[name]
        # a value a default names stays (schema.sql would not load)
        used = [x for x in labels if any("'%s'::%s" % (x, name) in c or "'%s'" % x in c
                                         for t in tables for c in tables[t]["cols"] if name in c)]
        cands = [x for x in labels if x not in used]
        if len(labels) < 2 or not cands:
            return None
        gone = rnd.choice(cands)
        pre[i] = enum_sql(name, [x for x in labels if x != gone])
        return "remove value %s from enum %s (refused)" % (gone, name)

    def add_domain_column():
        n = "dm%d_%d" % (seed, len(edits))
        add_type("CREATE DOMAIN %s AS %s" % (n, rnd.choice([
            "integer CHECK (VALUE > 0)", "text CHECK (VALUE <> '')", "numeric(8,2) DEFAULT 0 CHECK (VALUE >= 0)",
            "character varying(30) NOT NULL DEFAULT 'x'", "integer CONSTRAINT %s_small CHECK (VALUE < 1000)" % n])))
        t = rnd.choice(names)
        c = "c%d_%d" % (seed, len(edits))
        tables[t]["cols"].append("%s %s" % (c, n))
        return "add %s and column %s.%s" % (pre[1 if pre[0].startswith("SET ") else 0], t, c)

    def alter_domain():
        cands = [i for i, x in enumerate(pre) if x.startswith("CREATE DOMAIN score ")]
        if not cands:
            return None
        i = cands[0]
        new = "CREATE DOMAIN score AS integer%s%s" % (rnd.choice(["", " DEFAULT 1"]), rnd.choice([
            " CONSTRAINT score_check CHECK (VALUE >= -10)", " CONSTRAINT score_check CHECK (VALUE >= 0)",
            " CONSTRAINT score_range CHECK (VALUE BETWEEN 0 AND 1000)", ""]))
        if " ".join(new.split()) == " ".join(pre[i].split()):
            return None
        pre[i] = new
        return "alter domain: " + new

    def sequence_params():
        out = ""
        if rnd.random() < 0.7:
            out += " INCREMENT BY %d" % rnd.choice([1, 2, 5, 10, -1])
        if "-1" in out:
            out += " MINVALUE -1000 MAXVALUE -1 START WITH -1"
        elif rnd.random() < 0.7:
            out += " START WITH %d" % rnd.choice([1, 10, 500])
        if rnd.random() < 0.3:
            out += " CACHE 5"
        return out

    def add_sequence():
        n = "sq%d_%d" % (seed, len(edits))
        add_type("CREATE SEQUENCE %s%s" % (n, sequence_params()))
        what = "add " + pre[1 if pre[0].startswith("SET ") else 0]
        if rnd.random() < 0.5:
            t = rnd.choice(names)
            c = "c%d_%d" % (seed, len(edits))
            tables[t]["cols"].append("%s bigint DEFAULT nextval('%s')" % (c, n))
            what += " and column %s.%s defaulting to it" % (t, c)
        return what

    def alter_sequence():
        cands = [i for i, x in enumerate(pre) if x.startswith("CREATE SEQUENCE ")]
        if not cands:
            return None
        i = rnd.choice(cands)
        name = pre[i].split()[2]
        new = "CREATE SEQUENCE %s%s" % (name, sequence_params())
        if " ".join(new.split()) == " ".join(pre[i].split()):
            return None
        pre[i] = new
        return "alter sequence: " + new

    def add_identity():
        if rnd.random() < 0.5:
            t = rnd.choice(names)
            c = "c%d_%d" % (seed, len(edits))
            tables[t]["cols"].append("%s %s GENERATED %s AS IDENTITY%s" % (
                c, rnd.choice(["integer", "bigint"]), rnd.choice(["ALWAYS", "BY DEFAULT"]),
                rnd.choice(["", " (START WITH 10 INCREMENT BY 2)"])))
            return "add identity column %s.%s" % (t, c)
        cands = [(t, i) for t in names for i, c in enumerate(tables[t]["cols"])
                 if coltype(c) in ("integer", "bigint") and " IDENTITY" not in c and not is_generated(c)
                 and not re.search(r"\bDEFAULT\b", c)]
        if not cands:
            return None
        t, i = rnd.choice(cands)
        c = tables[t]["cols"][i]
        n, typ = colname(c), coltype(c)
        # an identity column is NOT NULL; its values stay (kept in the row check)
        tables[t]["cols"][i] = "%s %s GENERATED %s AS IDENTITY NOT NULL" % (n, typ, rnd.choice(["ALWAYS", "BY DEFAULT"]))
        if not re.search(r"\bNOT NULL\b", c):
            change(t, n)
        return "add identity to %s.%s" % (t, n)

    def drop_identity():
        cands = [(t, i) for t in names for i, c in enumerate(tables[t]["cols"]) if " IDENTITY" in c]
        if not cands:
            return None
        t, i = rnd.choice(cands)
        tables[t]["cols"][i] = re.sub(r" GENERATED (ALWAYS|BY DEFAULT) AS IDENTITY( \([^)]*\))?", "",
                                      tables[t]["cols"][i])
        return "drop identity of %s.%s" % (t, colname(tables[t]["cols"][i]))

    # -- comments and grants -----------------------------------------------------------------
    TEXTS = ["it''s new", "ünïcödé ✓", "two\nlines", "plain"]

    def comment():
        cur = [i for i, x in enumerate(others) if x.startswith("COMMENT ON ")]
        kind = rnd.choice(["add", "add", "change", "remove"])
        if kind != "add" and cur:
            i = rnd.choice(cur)
            if kind == "remove":
                return "remove comment: " + others.pop(i).splitlines()[0]
            others[i] = re.sub(r" IS '.*'$", " IS '%s'" % rnd.choice(TEXTS), others[i], flags=re.S)
            return "change comment: " + others[i].replace("\n", " ")
        t = rnd.choice(names + [re.match(r"CREATE VIEW (\S+)", x).group(1)
                                for x in others if x.startswith("CREATE VIEW ")])
        if t in tables and rnd.random() < 0.5:
            stmt = "COMMENT ON COLUMN %s.%s IS '%s'" % (t, colname(rnd.choice(tables[t]["cols"])), rnd.choice(TEXTS))
        else:
            stmt = "COMMENT ON %s %s IS '%s'" % ("TABLE" if t in tables else "VIEW", t, rnd.choice(TEXTS))
        target = stmt[:stmt.index(" IS ")]
        others[:] = [x for x in others if not x.startswith(target + " IS ")]
        others.append(stmt)
        return "comment: " + stmt.replace("\n", " ")

    def grant():
        cur = [i for i, x in enumerate(others) if x.startswith("GRANT ")]
        if cur and rnd.random() < 0.4:
            return "revoke: " + others.pop(rnd.choice(cur))
        t = rnd.choice(names + [re.match(r"CREATE VIEW (\S+)", x).group(1)
                                for x in others if x.startswith("CREATE VIEW ")])
        privs = rnd.sample(["SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER"],
                           rnd.randint(1, 3))
        stmt = "GRANT %s ON TABLE %s TO %s" % (", ".join(privs), t, ROLE)
        others.append(stmt)
        return "grant: " + stmt

    ops = [add_column, drop_column, alter_column, alter_column, add_constraint, drop_constraint, add_index,
           lambda: drop_kind("INDEX"), add_view, lambda: drop_kind("VIEW"), add_trigger, drop_trigger,
           lambda: redefine(rnd.choice(["VIEW", "INDEX", "TRIGGER"])), redefine_check, change_function,
           add_table, drop_table, rename_table, rename_column, rename_column,
           add_enum_column, add_enum_value, add_enum_value, remove_enum_value, add_domain_column, alter_domain,
           add_sequence, alter_sequence, add_identity, drop_identity, comment, comment, grant, grant]
    want = rnd.randint(1, 3)
    tries = 0
    while len(edits) < want and tries < 50:
        tries += 1
        e = rnd.choice(ops)()
        if e:
            edits.append(e)
    with open(out_schema, "w") as f:
        f.write(render(tables, pre, others))
    # an enum value removed from a type of the start: autogenerate must refuse (SPEC §8);
    # values added: a revision of their own, which a downgrade cannot take back, so the
    # previous head after a downgrade is the start with those values (OUT_META.down.sql)
    now = enums(pre)
    removed = [e for e in base_enums if e in now and set(base_enums[e]) - set(now[e])]
    added = [e for e in base_enums if e in now and set(now[e]) - set(base_enums[e])]
    if added:
        t0, pre0, others0 = parse(open(base).read())
        pre0 = [enum_sql(ENUM.match(x).group(1), now[ENUM.match(x).group(1)])
                if ENUM.match(x) and ENUM.match(x).group(1) in added else x for x in pre0]
        with open(out_meta + ".down.sql", "w") as f:
            f.write(render(t0, pre0, others0))
    with open(out_meta, "w") as f:
        for e in edits:
            f.write("edit: %s\n" % e.replace("\n", " "))
        if removed:
            f.write("expect: refused\n")
        if added:
            f.write("enum-added: %s\n" % " ".join(added))
        # keep OLD[:NEW] COL[:NEW]...: a renamed table or column is read under each side's name
        for t in tables:
            keep = []
            for c in tables[t]["cols"]:
                o = origin.get((t, colname(c)))
                if o and o not in changed:
                    keep.append((o, colname(c)))
            if keep:
                t0 = keep[0][0][0]
                f.write("keep %s %s\n" % (t0 if t0 == t else t0 + ":" + t, " ".join(
                    o[1] if o[1] == n else o[1] + ":" + n for o, n in keep)))

if __name__ == "__main__":
    main()
