-- migrate:up
SELECT 1;
-- migrate:down
DROP TABLE users;
ALTER TABLE orders DROP COLUMN note;
CREATE INDEX i ON users (id);
