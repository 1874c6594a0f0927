-- migrate:up
-- cmig:lint-ignore lint-drop
DROP TABLE t;
CREATE TABLE t (a int);
