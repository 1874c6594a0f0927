-- migrate:up
ALTER TABLE orders ADD CHECK (qty > 0);
ALTER TABLE users ADD UNIQUE (email);
