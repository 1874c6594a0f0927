-- revision: abc
-- down_revision:
-- migrate:up
CREATE TABLE t (a INTEGER);
COMMIT;
begin;
INSERT INTO t VALUES (1);
ROLLBACK;
  START
  TRANSACTION;
END TRANSACTION;
abort;
-- migrate:down
DROP TABLE t;
rollback work;
