-- migrate:up dialect:sqlite
CREATE INDEX users_email_idx ON users (email);
-- migrate:up dialect:postgresql transaction:false
CREATE INDEX CONCURRENTLY IF NOT EXISTS users_email_idx ON users (email);
