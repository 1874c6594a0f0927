-- migrate:up
ALTER TABLE users ALTER COLUMN n TYPE bigint;
