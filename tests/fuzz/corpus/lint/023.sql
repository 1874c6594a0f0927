-- migrate:up
CREATE TABLE users (id bigint PRIMARY KEY, name varchar(50), price numeric(10,2), n int,
                    s text);
