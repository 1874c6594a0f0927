-- migrate:up
ALTER TABLE users RENAME COLUMN name TO full_name;
ALTER TABLE users RENAME email TO mail;
ALTER TABLE users RENAME TO members;
ALTER TABLE users RENAME CONSTRAINT a TO b;
ALTER INDEX users_idx RENAME TO users_name_idx;
SELECT 'ALTER TABLE users RENAME TO x';
