CREATE TABLE t (n point);
