#!/usr/bin/env bash
# SPEC §6: DROP CONSTRAINT [IF EXISTS] n finds a constraint by the name written in CREATE TABLE,
# or an unnamed one by PostgreSQL 15's default name; one that matches nothing is an error
# naming the table and listing its constraints. A column leaving a primary key keeps NOT NULL.
. "$(dirname "$0")/batch_lib.sh"

fixture
rev a2 a1 <<'EOF2'
CREATE TABLE orders (
    id INTEGER PRIMARY KEY,
    code TEXT CONSTRAINT code_unique UNIQUE,
    qty INT CHECK (qty > 0),
    author_id INT REFERENCES authors (id),
    CHECK (qty < 1000 AND code <> '')
);
INSERT INTO orders VALUES (1, 'a', 5, 1), (2, 'b', 7, 2), (5, 'c', 9, 3);
ALTER TABLE orders DROP CONSTRAINT code_unique, DROP CONSTRAINT orders_qty_check;
ALTER TABLE orders DROP CONSTRAINT orders_check, DROP CONSTRAINT IF EXISTS no_such_thing;
ALTER TABLE orders DROP CONSTRAINT orders_author_id_fkey;
ALTER TABLE orders DROP CONSTRAINT orders_pkey;
ALTER TABLE posts DROP CONSTRAINT posts_views_check;
EOF2
upgrade_fixture
cm upgrade a2
expect_rc "DROP CONSTRAINT by written and by PostgreSQL names" 0
expect_eq "orders sql" "$(objsql orders)" 'CREATE TABLE "orders" (
    id INTEGER NOT NULL,
    code TEXT,
    qty INT,
    author_id INT
)'
expect_eq "orders rows and rowids (the old key values are the rowids)" "$(rows orders)" "1|1|a|5|1
2|2|b|7|2
5|5|c|9|3"
expect_eq "orders has no foreign keys" "$(fks orders)" ""
expect_eq "posts views lost only its CHECK" "$(q "SELECT sql LIKE '%views int DEFAULT 0,%' FROM sqlite_schema WHERE name = 'posts'")" "1"
expect_data_kept
expect_dependents_kept
expect_clean

rev a3 a2 <<'EOF2'
ALTER TABLE posts DROP CONSTRAINT posts_slug_key;
EOF2
snapshot "$T_DIR/before.snap"
cm upgrade a3
expect_rc "an unknown constraint fails" 1
expect_err_match "the error names the table and lists its constraints" \
	'a3_x.sql:6: error: batch mode: constraint "posts_slug_key" of table "posts" does not exist; its constraints are: posts_pkey \(PRIMARY KEY\), posts_author_id_fkey \(FOREIGN KEY\)'
expect_unchanged "the database is exactly as before" "$T_DIR/before.snap"
finish
