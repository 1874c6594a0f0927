-- revision: 8b4e6d0a5c02
-- down_revision: 3f9a1c2b7d01
-- message: pin notes
-- created: 2026-11-21T09:00:00Z

-- migrate:up
ALTER TABLE notes ADD COLUMN pinned BOOLEAN NOT NULL DEFAULT FALSE;
UPDATE notes SET pinned = TRUE WHERE id = 1;

-- migrate:down
ALTER TABLE notes DROP COLUMN pinned;
