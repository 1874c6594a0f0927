CREATE TABLE t (id integer PRIMARY KEY, flag boolean NOT NULL DEFAULT false, n integer DEFAULT 7, s text DEFAULT 'x');
