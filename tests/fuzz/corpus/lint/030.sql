-- migrate:up
CREATE TABLE users (id int, n int);
ALTER TABLE users ALTER COLUMN n TYPE bigint;
