CREATE DOMAIN qty AS integer CHECK (VALUE >= 0);
CREATE TABLE stock (item text, n qty);
