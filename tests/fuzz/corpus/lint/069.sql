-- migrate:up
ALTER TABLE users ADD COLUMN n int;
ALTER TABLE users ADD COLUMN m int;
