-- migrate:up
ALTER TABLE t ALTER COLUMN a TYPE varchar(10);
