CREATE TABLE t (n integer CONSTRAINT n_pos CHECK (n > 0));
