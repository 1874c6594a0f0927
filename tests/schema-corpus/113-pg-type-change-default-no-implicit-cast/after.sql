CREATE TABLE t (id integer PRIMARY KEY, flag integer NOT NULL DEFAULT 0, n bigint DEFAULT 7, s character varying(40) DEFAULT 'y');
