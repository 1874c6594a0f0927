-- revision: 0006f3a2d8e4
-- down_revision: 0005e1b7c5f9
-- message: comment admin flag
-- created: 2026-11-16T09:00:00Z
--
-- Was 006_admin_comments.sql (user_version 6); comments written by the blog's admin are
-- shown highlighted.

-- migrate:up
ALTER TABLE comments ADD COLUMN is_admin BOOLEAN NOT NULL DEFAULT FALSE;

-- migrate:down
ALTER TABLE comments DROP COLUMN is_admin;
