-- migrate:up
CREATE TABLE users (id bigint PRIMARY KEY, name varchar(50), email character varying(100),
                    price numeric(10,2), code varchar(8), bio varchar, n int);
