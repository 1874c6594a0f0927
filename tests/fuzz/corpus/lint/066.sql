-- migrate:up dialect:sqlite
-- cmig:lint-ignore lint-drop
-- migrate:up dialect:postgresql
DROP TABLE users;
