-- migrate:up
ALTER TABLE members ALTER COLUMN handle TYPE varchar(30);
ALTER TABLE users ALTER COLUMN handle TYPE varchar(40);
