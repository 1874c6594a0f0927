-- migrate:up
CREATE TABLE users (id int);
ALTER TABLE users ADD COLUMN token uuid DEFAULT gen_random_uuid();
ALTER TABLE users ADD COLUMN n int NOT NULL;
