-- migrate:up
ALTER TABLE users ADD COLUMN n int;
SET lock_timeout = '5s';
