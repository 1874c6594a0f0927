-- migrate:up
ALTER TABLE users VALIDATE CONSTRAINT users_email_check;
ALTER TABLE users ALTER COLUMN email SET NOT NULL;
