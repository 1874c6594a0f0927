-- revision: abc
-- down_revision:
-- migrate:up dialect:postgresql
CREATE TABLE t (id serial PRIMARY KEY);
-- migrate:up dialect:sqlite
CREATE TABLE t (id INTEGER PRIMARY KEY AUTOINCREMENT);
-- migrate:down
DROP TABLE t;
