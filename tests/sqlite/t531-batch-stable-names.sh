#!/usr/bin/env bash
# SPEC §6 (issue 10): a derived constraint name stays that constraint's name after a rebuild,
# as on PostgreSQL. CREATE TABLE rng with two unnamed CHECKs over several columns (rng_check,
# rng_check1): dropping both in one migration, and one per migration, works on SQLite exactly
# as on PostgreSQL; an ADD of a new unnamed CHECK after a drop gets PostgreSQL's name too; an
# ADD COLUMN whose CHECK would shift the derived names runs as a rebuild that keeps them.
# Needs a throwaway PostgreSQL (tests/pg/cluster.sh): fails, never skips, when it cannot start.
. "$(dirname "$0")/batch_lib.sh"

eval "$(bash "$CMIG_TESTS_DIR/pg/cluster.sh" start)" || { echo "no PostgreSQL cluster" >&2; exit 1; }
trap 'bash "$CMIG_TESTS_DIR/pg/cluster.sh" stop "$CMIG_PG_CLUSTER" >/dev/null 2>&1; rm -rf "$T_DIR"' EXIT
pgurl() { echo "postgresql:///$1?host=$PGHOST&port=$PGPORT&user=$PGUSER"; }
for db in one_mig across add_after add_column; do
	psql -X -q -d postgres -c "CREATE DATABASE $db" || { echo "createdb failed" >&2; exit 1; }
done

# the CHECK names of a table on PostgreSQL, and the names SQLite's text gives (named ones)
pg_checks() { psql -X -At -d "$1" -c "SELECT conname FROM pg_constraint WHERE conrelid = 'rng'::regclass AND contype = 'c' ORDER BY 1"; }

rev r1 none <<'EOF2'
CREATE TABLE rng (id INTEGER PRIMARY KEY, lo INTEGER, hi INTEGER, CHECK (lo <= hi), CHECK (hi - lo < 100), CHECK (lo + hi > -1000));
INSERT INTO rng (id, lo, hi) VALUES (1, 1, 5);
EOF2

# 1. both drops in one migration (folded into one rebuild: names as before the first)
rev r2 r1 <<'EOF2'
ALTER TABLE rng DROP CONSTRAINT rng_check;
ALTER TABLE rng DROP CONSTRAINT rng_check1;
EOF2
cm --url sqlite:///one.db upgrade
expect_rc "SQLite: both drops in one migration" 0
cm --url "$(pgurl one_mig)" upgrade
expect_rc "PostgreSQL: both drops in one migration" 0
expect_eq "PostgreSQL keeps rng_check2" "$(pg_checks one_mig)" "rng_check2"
expect_eq "SQLite: the rows kept" "$(sqlite3 one.db 'SELECT id, lo, hi FROM rng')" "1|1|5"
# the one left is the third CHECK: it must still answer to rng_check2 on SQLite
expect_eq "SQLite: the CHECK left is lo + hi > -1000, named rng_check2" \
	"$(sqlite3 one.db "SELECT sql LIKE '%CONSTRAINT rng_check2 CHECK (lo + hi > -1000)%' FROM sqlite_master WHERE name = 'rng'")" 1
expect_eq "SQLite: integrity" "$(sqlite3 one.db 'PRAGMA integrity_check')" ok

# 2. one drop per migration (the second rebuild reads the name the first wrote)
rm versions/r2_x.sql
rev r2 r1 <<'EOF2'
ALTER TABLE rng DROP CONSTRAINT rng_check;
EOF2
rev r3 r2 <<'EOF2'
ALTER TABLE rng DROP CONSTRAINT rng_check1;
EOF2
rev r4 r3 <<'EOF2'
ALTER TABLE rng DROP CONSTRAINT rng_check2;
EOF2
cm --url sqlite:///across.db upgrade
expect_rc "SQLite: one drop per migration" 0
cm --url "$(pgurl across)" upgrade
expect_rc "PostgreSQL: one drop per migration" 0
expect_eq "PostgreSQL: no CHECK left" "$(pg_checks across)" ""
expect_eq "SQLite: no CHECK left" "$(sqlite3 across.db "SELECT instr(upper(sql), 'CHECK') FROM sqlite_master WHERE name = 'rng'")" 0

# 3. a drop, then an unnamed ADD CHECK over two columns in the next migration: PostgreSQL
#    names it rng_check (free again); the remaining ones keep rng_check1/rng_check2
rm versions/r3_x.sql versions/r4_x.sql
rev r3 r2 <<'EOF2'
ALTER TABLE rng ADD CHECK (hi * 2 > lo);
EOF2
rev r4 r3 <<'EOF2'
ALTER TABLE rng DROP CONSTRAINT rng_check1;
ALTER TABLE rng DROP CONSTRAINT rng_check;
EOF2
cm --url sqlite:///add.db upgrade
expect_rc "SQLite: drop, add, drop both" 0
cm --url "$(pgurl add_after)" upgrade
expect_rc "PostgreSQL: drop, add, drop both" 0
expect_eq "PostgreSQL keeps rng_check2" "$(pg_checks add_after)" "rng_check2"
expect_eq "SQLite: the one left is rng_check2 (lo + hi > -1000)" \
	"$(sqlite3 add.db "SELECT (sql LIKE '%rng_check2 CHECK (lo + hi > -1000)%') || (sql LIKE '%hi * 2%') FROM sqlite_master WHERE name = 'rng'")" 10

# 4. ADD COLUMN with a CHECK over several columns: SQLite stores the column before the table
#    constraints, so natively its CHECK would take rng2_check from the table's own CHECK;
#    PostgreSQL names it rng2_check1 (creation order)
rm versions/r*_x.sql
rev s1 none <<'EOF2'
CREATE TABLE rng2 (id INTEGER PRIMARY KEY, lo INTEGER, hi INTEGER, CHECK (lo <= hi));
INSERT INTO rng2 (id, lo, hi) VALUES (1, 1, 5);
EOF2
rev s2 s1 <<'EOF2'
ALTER TABLE rng2 ADD COLUMN mid INTEGER CHECK (mid >= lo AND mid <= hi);
EOF2
rev s3 s2 <<'EOF2'
ALTER TABLE rng2 DROP CONSTRAINT rng2_check1;
EOF2
cm --url sqlite:///addcol.db upgrade
expect_rc "SQLite: add column, drop its CHECK by PostgreSQL's name" 0
cm --url "$(pgurl add_column)" upgrade
expect_rc "PostgreSQL: the same" 0
expect_eq "PostgreSQL keeps rng2_check (lo <= hi)" "$(psql -X -At -d add_column -c "SELECT conname || ' ' || pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = 'rng2'::regclass AND contype = 'c'")" "rng2_check CHECK ((lo <= hi))"
expect_eq "SQLite keeps lo <= hi, drops the new column's CHECK" \
	"$(sqlite3 addcol.db "SELECT (sql LIKE '%lo <= hi%') || (sql LIKE '%mid >= lo%') FROM sqlite_master WHERE name = 'rng2'")" 10
expect_eq "SQLite: the rows kept" "$(sqlite3 addcol.db 'SELECT id, lo, hi, mid FROM rng2')" "1|1|5|"
finish
