-- migrate:up
CREATE TABLE users (id bigint PRIMARY KEY, email text);
ALTER TABLE users ADD CONSTRAINT e_nn CHECK (email IS NOT NULL);
