-- migrate:up
ALTER TABLE users ADD COLUMN r float DEFAULT (random());
