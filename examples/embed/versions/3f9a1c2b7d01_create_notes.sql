-- revision: 3f9a1c2b7d01
-- down_revision: none
-- message: create notes
-- created: 2026-11-20T09:00:00Z

-- migrate:up
CREATE TABLE notes (
    id INTEGER PRIMARY KEY,
    body TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
);
INSERT INTO notes (body) VALUES ('hello from a migration compiled into the program');

-- migrate:down
DROP TABLE notes;
