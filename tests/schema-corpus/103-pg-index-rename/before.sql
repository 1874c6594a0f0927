CREATE TABLE t (n integer);
CREATE INDEX t_a ON t (n);
