-- migrate:up
ALTER TABLE users ALTER COLUMN handle TYPE varchar(20);
ALTER TABLE users ALTER COLUMN tag TYPE varchar(6);
-- cmig:lint-ignore lint-rename
ALTER TABLE users RENAME TO members;
