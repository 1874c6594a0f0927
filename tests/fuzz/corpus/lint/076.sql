-- migrate:up transaction:false
ALTER TABLE users ADD COLUMN IF NOT EXISTS n int;
