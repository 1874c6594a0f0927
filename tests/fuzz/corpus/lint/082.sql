-- migrate:up
CREATE TABLE t (a int);
CREATE SEQUENCE s;
