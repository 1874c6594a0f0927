-- revision: 0003c2d9f4b1
-- down_revision: 0002b4f1e8a6
-- message: full text search
-- created: 2026-11-05T09:00:00Z
--
-- Was 003_search.sql (user_version 3). Each backend does full-text search its own way,
-- SQLite with an external-content FTS5 table over posts kept in sync by triggers,
-- PostgreSQL with a generated tsvector column on posts and a GIN index.

-- migrate:up dialect:sqlite
CREATE VIRTUAL TABLE posts_fts USING fts5 (title, body, content = 'posts', content_rowid = 'id');
INSERT INTO posts_fts (posts_fts) VALUES ('rebuild');
CREATE TRIGGER posts_fts_ai AFTER INSERT ON posts BEGIN
    INSERT INTO posts_fts (rowid, title, body) VALUES (new.id, new.title, new.body);
END;
CREATE TRIGGER posts_fts_ad AFTER DELETE ON posts BEGIN
    INSERT INTO posts_fts (posts_fts, rowid, title, body) VALUES ('delete', old.id, old.title, old.body);
END;
CREATE TRIGGER posts_fts_au AFTER UPDATE OF title, body ON posts BEGIN
    INSERT INTO posts_fts (posts_fts, rowid, title, body) VALUES ('delete', old.id, old.title, old.body);
    INSERT INTO posts_fts (rowid, title, body) VALUES (new.id, new.title, new.body);
END;

-- migrate:down dialect:sqlite
DROP TRIGGER posts_fts_au;
DROP TRIGGER posts_fts_ad;
DROP TRIGGER posts_fts_ai;
DROP TABLE posts_fts;

-- migrate:up dialect:postgresql
ALTER TABLE posts ADD COLUMN search tsvector
    GENERATED ALWAYS AS (to_tsvector('english', title || ' ' || body)) STORED;
CREATE INDEX posts_search_idx ON posts USING GIN (search);

-- migrate:down dialect:postgresql
DROP INDEX posts_search_idx;
ALTER TABLE posts DROP COLUMN search;
