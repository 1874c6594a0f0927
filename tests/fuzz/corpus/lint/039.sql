-- migrate:up
ALTER TABLE users VALIDATE CONSTRAINT users_email_nn;
