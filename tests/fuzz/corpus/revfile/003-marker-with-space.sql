-- revision: abc
-- down_revision: none
-- migrate: up
SELECT 1;
-- migrate:down
SELECT 2;
