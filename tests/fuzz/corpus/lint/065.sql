-- lint-ignore: lint-drop,lint-rename
-- migrate:up
DROP TABLE users;
ALTER TABLE a RENAME TO b;
ALTER TABLE c ADD COLUMN n int NOT NULL;
