-- migrate:up transaction:false
CREATE INDEX CONCURRENTLY IF NOT EXISTS users_email_idx ON users (email);
DROP INDEX CONCURRENTLY IF EXISTS users_old_idx;
REINDEX INDEX CONCURRENTLY users_email_idx;
REINDEX SYSTEM mydb;
