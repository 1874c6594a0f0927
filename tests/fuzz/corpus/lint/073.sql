-- migrate:up
SET lock_timeout = 0;
ALTER TABLE users ADD COLUMN n int;
