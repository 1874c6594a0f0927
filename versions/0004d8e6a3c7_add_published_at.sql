-- revision: 0004d8e6a3c7
-- down_revision: 0003c2d9f4b1
-- message: add published_at
-- created: 2026-11-09T09:00:00Z
--
-- Was 004_drafts.sql (user_version 4); posts without published_at are drafts.

-- migrate:up
ALTER TABLE posts ADD COLUMN published_at TIMESTAMP;
UPDATE posts SET published_at = created_at;

-- migrate:down
ALTER TABLE posts DROP COLUMN published_at;
