-- migrate:up
ALTER TABLE users ALTER COLUMN name TYPE varchar(20);
DROP TABLE older;
