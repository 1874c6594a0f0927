-- revision: abc
-- down_revision:
-- migrate:up transaction:false
BEGIN;
CREATE TABLE t (a INTEGER);
COMMIT;
PRAGMA foreign_keys = OFF;
-- migrate:down transaction:false
VACUUM;
