CREATE SEQUENCE tickets;
CREATE TABLE t (id integer);
