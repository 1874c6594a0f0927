-- migrate:up
ALTER TABLE users ADD CHECK (email IS NOT NULL) NOT VALID;
