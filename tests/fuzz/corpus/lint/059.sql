-- migrate:up
DROP TABLE users;
ALTER TABLE orders DROP COLUMN note;
DROP TRIGGER t;
