CREATE TABLE t (a integer, b integer, c integer GENERATED ALWAYS AS (a + b) STORED);
