-- revision: abc
-- down_revision:
-- migrate:up
SELECT 1;
-- migrate:down
SELECT 2;
-- migrate:up transaction:false
SELECT 3;
-- migrate:down dialect:sqlite
SELECT 4;
-- migrate:down dialect:sqlite transaction:false
SELECT 5;
