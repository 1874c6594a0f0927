-- migrate:up
ALTER TABLE users ADD COLUMN active boolean NOT NULL DEFAULT true;
ALTER TABLE users ADD COLUMN s text DEFAULT NULL;
ALTER TABLE users ADD COLUMN t text;
