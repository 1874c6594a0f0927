CREATE TABLE t (v varchar(20));
