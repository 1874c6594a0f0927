-- migrate:up
CREATE TABLE t (a varchar(5));
