-- revision: 5d2e6f1a9b3c
-- down_revision: 1a2b3c4d5e6f
-- message: add comments
-- created: 2026-11-22T10:15:00Z

-- migrate:up
CREATE TABLE comments (
    id INTEGER PRIMARY KEY,
    post_id INTEGER NOT NULL REFERENCES posts(id),
    body TEXT NOT NULL
);

-- migrate:down
DROP TABLE comments;
