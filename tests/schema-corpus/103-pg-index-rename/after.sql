CREATE TABLE t (n integer);
CREATE INDEX t_b ON t (n);
