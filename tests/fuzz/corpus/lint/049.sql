-- migrate:up
ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id);
ALTER TABLE orders ADD FOREIGN KEY (user_id) REFERENCES users;
ALTER TABLE orders ADD CONSTRAINT qty_pos CHECK (qty > 0);
alter table orders
    add check (price >= 0);
