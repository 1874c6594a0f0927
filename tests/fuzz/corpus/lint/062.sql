-- migrate:up
SELECT 1;
-- migrate:down
CREATE INDEX i ON users (id);
