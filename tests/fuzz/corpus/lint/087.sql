-- migrate:up
CREATE TABLE t (a int);
LOCK TABLE t;
