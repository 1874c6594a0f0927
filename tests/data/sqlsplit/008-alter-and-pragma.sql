ALTER TABLE t ADD COLUMN c INTEGER;
alter table "t" RENAME TO u;
ALTER INDEX i RENAME TO j;
PRAGMA foreign_keys = OFF;
PRAGMA foreign_keys;
pragma main.foreign_keys=ON;
PRAGMA "foreign_keys" = 1;
PRAGMA foreign_key_check;
PRAGMA journal_mode = WAL;
