-- migrate:up
CREATE TABLE orders (id int, user_id int, qty int);
ALTER TABLE orders ADD FOREIGN KEY (user_id) REFERENCES users (id);
ALTER TABLE orders ADD CHECK (qty > 0);
ALTER TABLE orders ADD UNIQUE (id);
