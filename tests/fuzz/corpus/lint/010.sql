-- migrate:up dialect:postgresql
CREATE INDEX users_email_idx ON users (email);
-- migrate:up
CREATE INDEX users_name_idx ON users (name);
