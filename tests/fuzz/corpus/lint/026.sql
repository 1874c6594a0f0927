-- migrate:up
ALTER TABLE users ALTER COLUMN name TYPE varchar(10);
-- cmig:lint-ignore lint-rename
ALTER TABLE users RENAME COLUMN name TO handle;
ALTER TABLE users ADD COLUMN tag varchar(5);
