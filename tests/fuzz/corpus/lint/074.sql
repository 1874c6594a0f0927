-- migrate:up
ALTER TABLE users ADD COLUMN n int;
