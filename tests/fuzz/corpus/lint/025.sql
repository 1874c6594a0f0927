-- migrate:up
CREATE TABLE users (id bigint PRIMARY KEY, name varchar(50));
