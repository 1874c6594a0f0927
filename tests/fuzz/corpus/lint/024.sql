-- migrate:up
ALTER TABLE users ALTER COLUMN name TYPE varchar(20);
ALTER TABLE users ALTER COLUMN price TYPE numeric(12,3);
ALTER TABLE users ALTER COLUMN n TYPE bigint;
ALTER TABLE users ALTER COLUMN s TYPE varchar(10);
ALTER TABLE users ALTER COLUMN name TYPE varchar(200) USING upper(name);
