-- migrate:up
CREATE TABLE users (id bigint PRIMARY KEY, email text);
CREATE INDEX users_email_idx ON users (email);
CREATE UNIQUE INDEX users_email_key ON "users" (email);
DROP INDEX users_email_idx;
