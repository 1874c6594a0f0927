-- migrate:up
CREATE TABLE users (name varchar(10));
DROP TABLE old;
