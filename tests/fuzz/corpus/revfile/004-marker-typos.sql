-- revision: abc
-- down_revision: none
-- migrate:upp
SELECT 1;
-- migrate:up
SELECT 1;
-- migrated the data by hand
--migrate:down
-- MIGRATE:down
  -- migrate:down
-- migrate:down
DROP TABLE t;
