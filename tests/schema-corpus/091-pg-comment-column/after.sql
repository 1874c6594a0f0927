CREATE TABLE users (id serial PRIMARY KEY, name text NOT NULL, email text);
COMMENT ON COLUMN users.email IS 'where to write';
