CREATE TABLE t (v varchar(10));
