-- revision: 0007a9c4e2b8
-- down_revision: 0006f3a2d8e4
-- message: check slugs and comments
-- created: 2026-11-23T12:00:00Z
--
-- New in cmig (no user_version predecessor), written once in PostgreSQL's ALTER TABLE
-- form. PostgreSQL runs it as written. SQLite cannot ADD CONSTRAINT, so cmig rebuilds posts
-- and comments there (batch mode), keeping every row, index, trigger (the FTS5 sync
-- triggers on posts) and foreign key (comments and posts_tags point at posts).

-- migrate:up
ALTER TABLE posts ADD CONSTRAINT posts_slug_lowercase CHECK (slug <> '' AND slug = lower(slug));
ALTER TABLE comments ADD CONSTRAINT comments_body_not_blank CHECK (length(trim(body)) > 0);

-- migrate:down
ALTER TABLE comments DROP CONSTRAINT comments_body_not_blank;
ALTER TABLE posts DROP CONSTRAINT posts_slug_lowercase;
