CREATE TABLE t (n integer CONSTRAINT n_positive CHECK (n > 0));
