#!/usr/bin/env bash
# Issue 10 / SPEC §4, SQLite: a new history table's id is INTEGER PRIMARY KEY without
# AUTOINCREMENT (no sqlite_sequence table in the user's database, one page write less per
# migration), and ids still increase (rows are never deleted); a history table an earlier
# cmig created with AUTOINCREMENT keeps working: ids increase, its counter advances.
. "$(dirname "$0")/batch_lib.sh"

for i in 1 2 3; do
	rev "m$i" "$([ "$i" = 1 ] && echo none || echo "m$((i - 1))")" <<EOF2
CREATE TABLE t$i (id INTEGER PRIMARY KEY);
-- down
DROP TABLE t$i;
EOF2
done

# 1. a new database
cm upgrade
expect_rc "upgrade" 0
expect_eq "the history table: id INTEGER PRIMARY KEY, no AUTOINCREMENT" \
	"$(q "SELECT sql FROM sqlite_master WHERE name = 'cmig_history'")" \
	'CREATE TABLE cmig_history (id INTEGER PRIMARY KEY, revision TEXT NOT NULL, direction TEXT NOT NULL, checksum TEXT NOT NULL, applied_at TEXT NOT NULL, duration_ms INTEGER NOT NULL)'
expect_eq "no sqlite_sequence table" "$(q "SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_sequence'")" 0
cm downgrade m1
expect_rc "downgrade" 0
cm stamp m3
expect_rc "stamp" 0
cm upgrade
expect_rc "no-op upgrade" 0
expect_eq "ids increase in step order" "$(q "SELECT id || ' ' || revision || ' ' || direction FROM cmig_history ORDER BY id")" "1 m1 up
2 m2 up
3 m3 up
4 m3 down
5 m2 down
6 m3 stamp"
cm check
expect_rc "check" 0

# 2. a database whose history table an earlier cmig made with AUTOINCREMENT
rm -f t.db
q "CREATE TABLE \"cmig_version\" (version_num TEXT NOT NULL PRIMARY KEY);
CREATE TABLE \"cmig_history\" (id INTEGER PRIMARY KEY AUTOINCREMENT, revision TEXT NOT NULL, direction TEXT NOT NULL, checksum TEXT NOT NULL, applied_at TEXT NOT NULL, duration_ms INTEGER NOT NULL);" >/dev/null
cm upgrade m2
expect_rc "upgrade m2 on the old table" 0
cm upgrade
expect_rc "upgrade on the old table" 0
expect_eq "the old table is kept as it was" "$(q "SELECT sql LIKE '%AUTOINCREMENT%' FROM sqlite_master WHERE name = 'cmig_history'")" 1
expect_eq "ids increase" "$(q "SELECT group_concat(id || revision, ' ') FROM (SELECT id, revision FROM cmig_history ORDER BY id)")" "1m1 2m2 3m3"
expect_eq "its AUTOINCREMENT counter advanced" "$(q "SELECT seq FROM sqlite_sequence WHERE name = 'cmig_history'")" 3
cm status
expect_rc "status on the old table" 0
cm check
expect_rc "check on the old table" 0
finish
