-- PostgreSQL has no ALTER DOMAIN … TYPE: refused, needs a hand-written step
CREATE DOMAIN qty AS bigint CHECK (VALUE >= 0);
CREATE TABLE stock (item text, n qty);
