-- migrate:up
-- cmig:lint-ignore lint-drop
DROP TABLE users;
-- cmig:lint-ignore lint-rename, lint-drop

ALTER TABLE orders DROP COLUMN note;
-- cmig:lint-ignore lint-rename
-- a comment in between: the ignore line is no longer the nearest
DROP TABLE t2;
-- cmig:lint-ignore lint-rename
DROP TABLE t3;
