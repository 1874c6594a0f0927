-- migrate:up
CREATE TABLE scratch (a int);
DROP TABLE scratch;
