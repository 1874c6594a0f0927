-- migrate:up
SELECT 'CREATE INDEX i ON users (a)';
/* CREATE INDEX i ON users (a); */
-- CREATE INDEX i ON users (a);
SELECT $$CREATE INDEX i ON users (a)$$, $x$ DROP INDEX i $x$;
SELECT "create index" FROM "create index on users";
CREATE TABLE "create index" (a int);
INSERT INTO t (s) VALUES (E'REINDEX TABLE users\'; CREATE INDEX i ON users (a)');
