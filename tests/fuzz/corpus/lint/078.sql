-- migrate:up
-- cmig:lint-ignore lint-drop
DROP TABLE users;
