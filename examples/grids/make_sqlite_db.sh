#!/bin/bash
# make_sqlite_db.sh DB [ROWS] - the grids site's SQLite database: upgraded to head with
# cmig, then ROWS public grids (default 300), ROWS/3 secret grids and 2*ROWS solves. JSON is
# TEXT (three columns per grid, a few hundred bytes), booleans are 0/1, solved_at is
# SQLite's CURRENT_TIMESTAMP form. Needs the sqlite3 program and cmig ($CMIG or on PATH).
set -euo pipefail
db=${1:?usage: make_sqlite_db.sh DB [ROWS]}
rows=${2:-300}
here=$(cd "$(dirname "$0")" && pwd)
cmig=${CMIG:-cmig}
rm -f "$db"
"$cmig" -q -c "$here/cmig.yaml" --url "sqlite:///$(cd "$(dirname "$db")" && pwd)/$(basename "$db")" upgrade head
sqlite3 "$db" <<SQL
PRAGMA foreign_keys = ON;
BEGIN;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $rows)
INSERT INTO public_grids (id, title, cells, clues, solution, secret)
SELECT i,
       'Grid ' || i || CASE i % 7 WHEN 0 THEN ' — «hard»' ELSE '' END,
       json_array(json_array(i % 9, (i * 7) % 9, 0, 1, 2), json_array(3, 4, 5, 6, 7),
                  json_array('x', 'é', 'ß', 'tab	in', 'quote"in')),
       json_object('across', json_array('one ' || i, 'two', 'three'),
                   'down', json_array('four', 'five ' || (i * 3)), 'size', 5,
                   'note', 'line1' || char(10) || 'line2 \ backslash'),
       json_object('rows', json_array('abcde', 'fghij', 'klmno'), 'score', i * 1.5,
                   'ok', json('true'), 'none', json('null')),
       i % 2
FROM n;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $rows / 3)
INSERT INTO secret_grids (id, title, cells, clues, solution, secret)
SELECT i + 1000, 'Secret ' || i, json_array(i, i + 1, i + 2), json_object('hint', 'h' || i),
       json_object('key', hex(i * 12345)), 1
FROM n;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2 * $rows)
INSERT INTO solves (id, grid_id, solved_at, seconds)
SELECT i, 1 + (i * 31) % $rows,
       datetime(1700000000 + i * 3600 + (i % 60), 'unixepoch'), 30 + (i * 17) % 900
FROM n;
COMMIT;
SQL
