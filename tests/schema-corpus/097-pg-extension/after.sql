CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE TABLE w (t text);
CREATE INDEX w_trgm ON w USING gin (t gin_trgm_ops);
