-- migrate:up
ALTER TABLE accounts ALTER COLUMN name TYPE text;
