-- migrate:up
CREATE INDEX users_email_idx ON users (email);
DROP INDEX users_old_idx;
